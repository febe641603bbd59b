//! Sending to peers (appends, snapshots, heartbeats, with the deferred broadcast),
//! advancing the commit index, and appending to the leader's log within the
//! uncommitted-size limit.

use bytes::Bytes;

use super::{dropped, BcastKind, Raft, Role};
use crate::raft::errors::{DropReason, Error};
use crate::raft::read_only;
use crate::raft::storage::{Storage, StorageError};
use crate::raft::types::{Entry, EntryId, Message, MessageType, NodeId, MAX_INDEX};

impl<S: Storage> Raft<S> {
    // ---- sending ----------------------------------------------------------------

    /// Queues `m`, stamping sender and term. Vote traffic carries its own term;
    /// forwarded proposals and reads carry none (they are handled like local messages).
    pub(crate) fn send(&mut self, mut m: Message) {
        if m.from == 0 {
            m.from = self.id;
        }
        match m.msg_type {
            MessageType::Vote
            | MessageType::VoteResp
            | MessageType::PreVote
            | MessageType::PreVoteResp => {
                // Every caller sets a term: campaigns only with a checked next term,
                // answers with the request's (non-zero) term or our own when non-zero.
                // A receiver would drop a vote message without one anyway.
                if m.term == 0 {
                    debug_assert!(false, "{:?} to {} sent without a term", m.msg_type, m.to);
                    return;
                }
            }
            MessageType::Propose | MessageType::ReadIndex => {}
            _ => m.term = self.term,
        }
        self.msgs.push(m);
    }

    /// Sends an append (or a snapshot) to `to` if its progress allows; with
    /// `send_if_empty` false nothing is sent when there are no new entries.
    /// Returns whether a message went out.
    pub(crate) fn maybe_send_append(&mut self, to: NodeId, send_if_empty: bool) -> bool {
        let Some(pr) = self.trk.progress.get(&to) else {
            return false;
        };
        if pr.is_paused() {
            return false;
        }
        let next = pr.next;
        // `next >= 1` (Progress invariant `matched < next`).
        let prev_index = next.saturating_sub(1);
        let prev_term = self.raft_log.term(prev_index);
        let ents = self.raft_log.entries(next, Some(self.max_msg_size));
        let (prev_term, ents) = match (prev_term, ents) {
            (Ok(t), Ok(e)) => (t, e),
            (Err(StorageError::Compacted), _) | (_, Err(StorageError::Compacted)) => {
                return self.maybe_send_snapshot(to);
            }
            // Unavailable or a transient storage answer: try again on the next round.
            _ => return false,
        };
        if ents.is_empty() && !send_if_empty {
            return false;
        }
        let last = ents.last().map(|e| e.index);
        let mut m = Message::new(MessageType::Append, self.id, to);
        m.index = prev_index;
        m.log_term = prev_term;
        m.entries = ents;
        m.commit = self.raft_log.committed;
        if let Some(pr) = self.trk.progress.get_mut(&to) {
            pr.sent_entries(last);
        }
        self.send(m);
        true
    }

    pub(crate) fn send_append(&mut self, to: NodeId) {
        self.maybe_send_append(to, true);
    }

    fn maybe_send_snapshot(&mut self, to: NodeId) -> bool {
        let Some(pr) = self.trk.progress.get(&to) else {
            return false;
        };
        if !pr.recent_active {
            return false;
        }
        let snapshot = match self.raft_log.snapshot(pr.next.saturating_sub(1)) {
            Ok(s) if !s.is_empty() => s,
            _ => return false,
        };
        let index = snapshot.meta.index;
        if let Some(pr) = self.trk.progress.get_mut(&to) {
            pr.become_snapshot(index);
        }
        let mut m = Message::new(MessageType::Snapshot, self.id, to);
        m.snapshot = Some(snapshot);
        self.send(m);
        true
    }

    /// Sends appends to every peer (new entries or a commit index update).
    pub(crate) fn bcast_append(&mut self) {
        let peers: Vec<NodeId> = self.peers();
        for id in peers {
            self.send_append(id);
        }
    }

    /// Sends a heartbeat to every peer, carrying the newest pending read's sequence so
    /// that reads get confirmed even if an earlier round was lost.
    pub(crate) fn bcast_heartbeat(&mut self) {
        let ctx = self
            .read_only
            .last_pending_seq()
            .map(read_only::encode_seq)
            .unwrap_or_default();
        self.bcast_heartbeat_with_ctx(ctx);
    }

    pub(crate) fn bcast_heartbeat_with_ctx(&mut self, ctx: Bytes) {
        if let Some(seq) = read_only::decode_seq(&ctx) {
            self.read_only.mark_sent(seq);
        }
        for id in self.peers() {
            self.send_heartbeat(id, ctx.clone());
        }
    }

    pub(crate) fn send_heartbeat(&mut self, id: NodeId, ctx: Bytes) {
        let matched = self.trk.progress.get(&id).map_or(0, |p| p.matched);
        let mut m = Message::new(MessageType::Heartbeat, self.id, id);
        // Never more than the follower is known to hold: it cannot commit what it may
        // not have (its log past `matched` may still diverge).
        m.commit = matched.min(self.raft_log.committed);
        m.context = ctx;
        self.send(m);
    }

    pub(crate) fn peers(&self) -> Vec<NodeId> {
        self.trk
            .progress
            .keys()
            .copied()
            .filter(|&id| id != self.id)
            .collect()
    }

    // ---- commit -----------------------------------------------------------------

    /// Advances the commit index to what a quorum has matched, if that entry is from
    /// the current term. On the first commit of the term, releases queued reads.
    pub(crate) fn maybe_commit(&mut self) -> bool {
        let index = self.trk.committed();
        let committed = self.raft_log.maybe_commit(EntryId {
            index,
            term: self.term,
        });
        if committed && !self.pending_read_index.is_empty() {
            let queued = std::mem::take(&mut self.pending_read_index);
            for m in queued {
                self.handle_leader_read_index(m);
            }
        }
        committed
    }

    pub(crate) fn committed_entry_in_current_term(&self) -> bool {
        self.raft_log.term_or_zero(self.raft_log.committed) == self.term
    }

    /// The leader's own log counts toward commit only once persisted: called from
    /// `RawNode::advance` (and at once for entries already stable).
    pub(crate) fn self_ack_persisted(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let persisted = self.raft_log.persisted_index();
        let id = self.id;
        let updated = self
            .trk
            .progress
            .get_mut(&id)
            .is_some_and(|pr| pr.maybe_update(persisted));
        if updated && self.maybe_commit() {
            self.pending_bcast = Some(BcastKind::Commit);
        }
    }

    /// Sends the appends deferred since the last Ready: one message per follower for
    /// however many proposals or commit advances came in between.
    pub(crate) fn flush_pending_bcast(&mut self) {
        let Some(kind) = self.pending_bcast.take() else {
            return;
        };
        if self.role != Role::Leader {
            return;
        }
        for id in self.peers() {
            let sent = self.maybe_send_append(id, kind == BcastKind::Commit);
            if sent {
                while self.maybe_send_append(id, false) {}
            }
        }
    }

    // ---- appending --------------------------------------------------------------

    /// Appends proposals at the end of the leader's log, stamping term and index.
    /// Returns false (appending nothing) when they would exceed the uncommitted cap.
    pub(crate) fn append_entry(&mut self, mut ents: Vec<Entry>) -> Result<(), Error> {
        let payload = payload_size(&ents);
        if let Some(max) = self.max_uncommitted_size {
            // An empty log of uncommitted entries always accepts one batch, so that a
            // single oversized proposal cannot block forever.
            if self.uncommitted_size > 0 && self.uncommitted_size.saturating_add(payload) > max {
                return dropped(DropReason::UncommittedSizeLimit);
            }
        }
        let last = self.raft_log.last_index();
        let room = MAX_INDEX.saturating_sub(last);
        if ents.len() as u64 > room {
            return Err(Error::MessageOutOfRange {
                what: "index of a proposed entry",
                value: last.saturating_add(ents.len() as u64),
                limit: MAX_INDEX,
            });
        }
        for (e, index) in ents.iter_mut().zip(last + 1..) {
            e.term = self.term;
            e.index = index;
        }
        self.raft_log.append(&ents);
        self.uncommitted_size = self.uncommitted_size.saturating_add(payload);
        Ok(())
    }

    /// Handed-out committed entries no longer count as uncommitted.
    pub(crate) fn reduce_uncommitted_size(&mut self, ents: &[Entry]) {
        if self.role != Role::Leader {
            return;
        }
        self.uncommitted_size = self.uncommitted_size.saturating_sub(payload_size(ents));
    }
}

/// Payload bytes of `ents`, as counted against `max_uncommitted_entries_size`.
pub(super) fn payload_size(ents: &[Entry]) -> u64 {
    ents.iter()
        .fold(0u64, |sum, e| sum.saturating_add(e.data.len() as u64))
}
