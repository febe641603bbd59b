//! What goes in one batch of peer messages: which messages a later one in the same batch
//! makes pointless to send.

use crate::raft::{Message, MessageType};

/// An append without entries: the leader telling a follower its new commit index (or
/// probing it). Nothing waits on it going out this instant.
pub(super) fn is_commit_update(m: &Message) -> bool {
    m.msg_type == MessageType::Append && m.entries.is_empty()
}

/// Drops each entry-less append that a later append of the same term in the batch
/// supersedes: the later one carries a commit index at least as high. The follower
/// would answer the earlier one at once (it has nothing to write for it), in a request
/// of its own, before it has even read the later one. Dropping a message is always safe
/// in Raft.
pub(super) fn drop_superseded_updates(batch: &mut Vec<Message>) {
    let mut later_append_term = None;
    let mut keep: Vec<bool> = batch
        .iter()
        .rev()
        .map(|m| {
            if m.msg_type != MessageType::Append {
                return true;
            }
            let superseded = m.entries.is_empty() && later_append_term == Some(m.term);
            later_append_term = Some(m.term);
            !superseded
        })
        .collect();
    keep.reverse();
    let mut keep = keep.into_iter();
    batch.retain(|_| keep.next().unwrap_or(true));
}
