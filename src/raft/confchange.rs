//! Membership changes, one server at a time (thesis §4.1): applying a committed
//! change to the tracker, and the retirement of a leader that removed itself.
//!
//! A change takes effect when applied, on each node separately, so for a while nodes
//! disagree by one member; any majority of the old and of the new membership overlap,
//! which keeps elections and commits safe. Only one change is in flight at a time
//! (`pending_conf_index`).

use super::errors::Error;
use super::raft::{Raft, Role};
use super::storage::Storage;
use super::tracker::Progress;
use super::types::{ConfChange, ConfChangeType, ConfState, Entry, EntryType, NodeId};

/// Whether `e` is a conf change removing `id`.
pub(crate) fn removes(e: &Entry, id: NodeId) -> bool {
    e.entry_type == EntryType::ConfChange
        && ConfChange::decode(&e.data)
            .is_ok_and(|cc| cc.change_type == ConfChangeType::Remove && cc.node_id == id)
}

impl<S: Storage> Raft<S> {
    /// Applies a committed conf change to the membership. Invalid changes (promoting a
    /// non-learner, removing the last voter, ...) change nothing and are an error.
    pub fn apply_conf_change(&mut self, cc: &ConfChange) -> Result<ConfState, Error> {
        let id = cc.node_id;
        if let Some(reason) = self.conf_change_refusal(cc) {
            // Only one change is in flight at a time, so a refused removal of this
            // leader was the one that made it stop taking proposals: it serves again.
            if cc.change_type == ConfChangeType::Remove && id == self.id {
                self.self_removal_pending = false;
            }
            return Err(Error::InvalidConfChange {
                node_id: id,
                reason: reason.to_string(),
            });
        }
        self.change_tracker(cc);
        let cs = self.trk.conf_state();
        if self.role != Role::Leader {
            return Ok(cs);
        }
        if self
            .lead_transferee
            .is_some_and(|t| !self.trk.voters.contains(&t))
        {
            self.lead_transferee = None;
        }
        if !self.trk.voters.contains(&self.id) {
            // Removed: step down by handing leadership to a remaining voter. Simply
            // stepping down could leave the cluster without a possible leader: the
            // others take the new membership only once they apply it, and until then
            // they need this node's vote, which it denies to any log shorter than its
            // own. A transferee is first brought fully up to date, so it gets that vote.
            self.bcast_append();
            self.maybe_hand_over();
            return Ok(cs);
        }
        // The quorum changed: a removal may commit entries at once.
        if self.maybe_commit() {
            self.bcast_append();
        } else {
            for peer in self.peers() {
                self.maybe_send_append(peer, false);
            }
        }
        Ok(cs)
    }

    /// Takes a valid change into the progress tracker: voters, learners and their
    /// progress.
    fn change_tracker(&mut self, cc: &ConfChange) {
        let id = cc.node_id;
        let next = self.raft_log.last_index() + 1;
        let max_inflight = self.trk.max_inflight;
        let trk = &mut self.trk;
        match cc.change_type {
            ConfChangeType::AddVoter | ConfChangeType::PromoteLearner => {
                if trk.voters.contains(&id) {
                    // Adding a voter again changes nothing.
                } else if trk.learners.remove(&id) {
                    trk.voters.insert(id);
                    if let Some(pr) = trk.progress.get_mut(&id) {
                        pr.is_learner = false;
                    }
                } else {
                    trk.voters.insert(id);
                    let mut pr = Progress::new(next, max_inflight, false);
                    // A new member has not had a chance to answer yet: do not let it
                    // count against the quorum check right away.
                    pr.recent_active = true;
                    trk.progress.insert(id, pr);
                }
            }
            ConfChangeType::AddLearner => {
                if !trk.learners.contains(&id) {
                    trk.learners.insert(id);
                    let mut pr = Progress::new(next, max_inflight, true);
                    pr.recent_active = true;
                    trk.progress.insert(id, pr);
                }
            }
            ConfChangeType::Remove => {
                trk.voters.remove(&id);
                trk.learners.remove(&id);
                trk.progress.remove(&id);
                trk.votes.remove(&id);
            }
            // The URL is the runtime's business (it travels in the context); the
            // voters, learners and their progress stay as they are.
            ConfChangeType::UpdateUrl => {}
        }
    }

    /// Why `cc` cannot be applied to the current membership, if it cannot: the same
    /// rules refuse a proposal up front (`handle_propose`) and an entry at apply time,
    /// so that a change the membership cannot take never enters the log from here.
    pub(crate) fn conf_change_refusal(&self, cc: &ConfChange) -> Option<&'static str> {
        let id = cc.node_id;
        let trk = &self.trk;
        if id == 0 {
            return Some("node id 0 is not valid");
        }
        match cc.change_type {
            ConfChangeType::PromoteLearner if trk.voters.contains(&id) => Some("already a voter"),
            ConfChangeType::PromoteLearner if !trk.learners.contains(&id) => Some("not a learner"),
            ConfChangeType::AddLearner if trk.voters.contains(&id) => {
                Some("a voter cannot be made a learner in one step")
            }
            ConfChangeType::Remove if trk.voters.contains(&id) && trk.voters.len() == 1 => {
                Some("cannot remove the last voter")
            }
            ConfChangeType::UpdateUrl
                if !trk.voters.contains(&id) && !trk.learners.contains(&id) =>
            {
                Some("not a member: only a member's URL can be updated")
            }
            _ => None,
        }
    }

    /// Whether this node leads a membership it is no longer a voter of.
    pub(crate) fn is_retiring(&self) -> bool {
        self.role == Role::Leader && !self.trk.voters.contains(&self.id)
    }

    /// A retiring leader starts a transfer to the most up-to-date remaining voter (and
    /// again whenever the previous attempt timed out). It becomes a follower when the
    /// transferee's higher term reaches it.
    pub(crate) fn maybe_hand_over(&mut self) {
        if !self.is_retiring() || self.lead_transferee.is_some() {
            return;
        }
        let best = self
            .trk
            .voters
            .iter()
            .filter_map(|&id| {
                let p = self.trk.progress.get(&id)?;
                // Prefer peers heard from lately: a down voter would never answer.
                Some(((p.recent_active, p.matched, std::cmp::Reverse(id)), id))
            })
            .max_by_key(|&(key, _)| key);
        if let Some((_, transferee)) = best {
            self.handle_transfer_leader(transferee);
        }
    }
}
