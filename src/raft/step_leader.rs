//! The leader's message handling: proposals, replication responses, heartbeats,
//! quorum checks, reads and leader transfer.

use super::confchange::removes;
use super::errors::{DropReason, Error};
use super::raft::{dropped, BcastKind, Raft, ReadState};
use super::read_only;
use super::storage::Storage;
use super::tracker::ProgressState;
use super::types::{ConfChange, EntryType, Message, MessageType, NodeId};

impl<S: Storage> Raft<S> {
    pub(crate) fn step_leader(&mut self, m: Message) -> Result<(), Error> {
        match m.msg_type {
            MessageType::Beat => {
                self.bcast_heartbeat();
                return Ok(());
            }
            MessageType::CheckQuorum => {
                self.check_quorum_active();
                return Ok(());
            }
            MessageType::Propose => return self.handle_propose(m),
            MessageType::ReadIndex => {
                self.handle_leader_read_index(m);
                return Ok(());
            }
            _ => {}
        }
        // Everything else is about one peer: ignore peers we do not track.
        if !self.trk.is_member(m.from) || m.from == self.id {
            return Ok(());
        }
        match m.msg_type {
            MessageType::AppendResp => self.handle_append_response(m),
            MessageType::HeartbeatResp => self.handle_heartbeat_response(m),
            MessageType::SnapStatus => self.handle_snapshot_status(m.from, !m.reject),
            MessageType::Unreachable => {
                // The transport lost messages: probe again instead of streaming blindly.
                if let Some(pr) = self.trk.progress.get_mut(&m.from) {
                    if pr.state == ProgressState::Replicate {
                        pr.become_probe();
                    }
                }
            }
            MessageType::TransferLeader => self.handle_transfer_leader(m.from),
            _ => {}
        }
        Ok(())
    }

    fn check_quorum_active(&mut self) {
        let active = self.trk.quorum_active(self.id);
        let id = self.id;
        for (&pid, pr) in self.trk.progress.iter_mut() {
            if pid != id {
                pr.recent_active = false;
            }
        }
        if !active && !self.is_retiring() {
            // (A retiring leader keeps trying to hand over instead: see
            // `maybe_hand_over`.)
            // Cut off from a majority: stop serving (reads could be stale) and let the
            // majority side elect a leader.
            let term = self.term;
            self.become_follower(term, None);
        }
    }

    fn handle_propose(&mut self, m: Message) -> Result<(), Error> {
        if m.entries.is_empty() {
            return Ok(());
        }
        if !self.trk.is_member(self.id) || self.self_removal_pending {
            return dropped(DropReason::NotMember);
        }
        if self.lead_transferee.is_some() {
            return dropped(DropReason::TransferInProgress);
        }
        let ents = m.entries;
        let base = self.raft_log.last_index();
        let mut conf_index = None;
        for (i, e) in ents.iter().enumerate() {
            match e.entry_type {
                EntryType::Normal => {}
                EntryType::ConfChange => {
                    // Applying it must not fail on every member: refuse it here.
                    let cc = ConfChange::decode(&e.data).map_err(|why| {
                        Error::MalformedMessage(format!(
                            "proposed conf change does not decode: {why}"
                        ))
                    })?;
                    // Refused now rather than when applied: an entry the membership
                    // cannot take would sit in the log for good (and one removing this
                    // leader would stop it taking proposals until it is applied).
                    if let Some(reason) = self.conf_change_refusal(&cc) {
                        return Err(Error::InvalidConfChange {
                            node_id: cc.node_id,
                            reason: reason.to_string(),
                        });
                    }
                    if conf_index.is_some() || self.pending_conf_index > self.raft_log.applied {
                        return dropped(DropReason::ConfChangePending);
                    }
                    conf_index = Some(base.saturating_add(1).saturating_add(i as u64));
                }
                // Only a new leader appends empty entries (`become_leader`): they
                // never count toward `uncommitted_size`.
                EntryType::Empty => {
                    return Err(Error::MalformedMessage(
                        "an empty entry cannot be proposed".into(),
                    ));
                }
            }
        }
        let id = self.id;
        let removes_self = conf_index.is_some() && ents.iter().any(|e| removes(e, id));
        // (Terms and indexes the proposer set are overwritten.)
        self.append_entry(ents)?;
        if let Some(ci) = conf_index {
            self.pending_conf_index = ci;
            self.self_removal_pending |= removes_self;
        }
        if self.pending_bcast.is_none() {
            self.pending_bcast = Some(BcastKind::Entries);
        }
        Ok(())
    }

    pub(crate) fn handle_leader_read_index(&mut self, m: Message) {
        if !self.committed_entry_in_current_term() {
            // Our commit index may lag entries committed by earlier leaders until an
            // entry of our own term commits (thesis §6.4).
            self.pending_read_index.push(m);
            return;
        }
        let committed = self.raft_log.committed;
        if self.trk.is_singleton(self.id) {
            self.respond_read_index(m.from, committed, m.context);
            return;
        }
        self.read_only.add_request(committed, m.from, m.context);
        self.maybe_start_read_round();
    }

    /// Starts a heartbeat round for the reads no round has carried yet, unless one is
    /// already waiting for answers (see [`read_only::ReadOnly`]).
    ///
    /// The round goes only to as many voters as make a quorum with this one: those
    /// recently active that answered read rounds most recently. In a 3-member cluster
    /// that halves the heartbeat traffic reads cost. Should one of them not answer, the
    /// periodic heartbeat (to everyone, carrying the newest pending sequence) completes
    /// the round, and the voter that answered it is asked first from then on.
    fn maybe_start_read_round(&mut self) {
        let Some(seq) = self.read_only.next_round() else {
            return;
        };
        let quorum = self.trk.voters.len() / 2 + 1;
        let needed = quorum.saturating_sub(usize::from(self.trk.voters.contains(&self.id)));
        let mut others: Vec<NodeId> = self
            .trk
            .voters
            .iter()
            .copied()
            .filter(|&id| id != self.id)
            .collect();
        others.sort_by_key(|&id| {
            let active = self.trk.progress.get(&id).is_some_and(|p| p.recent_active);
            (
                std::cmp::Reverse(active),
                std::cmp::Reverse(self.read_only.acked(id)),
                id,
            )
        });
        others.truncate(needed);
        self.read_only.mark_sent(seq);
        let ctx = read_only::encode_seq(seq);
        for id in others {
            self.send_heartbeat(id, ctx.clone());
        }
    }

    fn respond_read_index(&mut self, from: NodeId, index: u64, request_ctx: bytes::Bytes) {
        if from == self.id || from == 0 {
            self.read_states.push(ReadState { index, request_ctx });
        } else {
            let mut resp = Message::new(MessageType::ReadIndexResp, self.id, from);
            resp.index = index;
            resp.context = request_ctx;
            self.send(resp);
        }
    }

    fn handle_append_response(&mut self, m: Message) {
        let from = m.from;
        let Some(pr) = self.trk.progress.get_mut(&from) else {
            return;
        };
        pr.recent_active = true;
        if m.reject {
            // Skip every index the follower's hint rules out, a whole term at a time.
            let mut next_probe = m.reject_hint;
            if m.log_term > 0 {
                next_probe = self
                    .raft_log
                    .find_conflict_by_term(m.reject_hint, m.log_term)
                    .0;
            }
            let Some(pr) = self.trk.progress.get_mut(&from) else {
                return;
            };
            if pr.maybe_decr_to(m.index, next_probe) {
                if pr.state == ProgressState::Replicate {
                    pr.become_probe();
                }
                self.send_append(from);
            }
            return;
        }
        if m.index > self.raft_log.last_index() {
            // Acknowledges entries we never had: not from our term's log.
            return;
        }
        let was_paused = pr.is_paused();
        let updated = pr.maybe_update(m.index);
        // A probe answered at the current match also confirms the follower is in sync.
        let probe_confirmed = pr.matched == m.index && pr.state == ProgressState::Probe;
        if !(updated || probe_confirmed) {
            return;
        }
        match pr.state {
            ProgressState::Probe => pr.become_replicate(),
            ProgressState::Snapshot => {
                if pr.pending_snapshot.is_none_or(|s| pr.matched >= s) {
                    pr.become_probe();
                    pr.become_replicate();
                }
            }
            ProgressState::Replicate => pr.inflights.free_le(m.index),
        }
        if self.maybe_commit() {
            self.pending_bcast = Some(BcastKind::Commit);
        } else if was_paused {
            self.send_append(from);
        }
        // Stream whatever else fits in the window.
        while self.maybe_send_append(from, false) {}
        if self.lead_transferee == Some(from) {
            let caught_up = self
                .trk
                .progress
                .get(&from)
                .is_some_and(|p| p.matched == self.raft_log.last_index());
            if caught_up {
                self.send_timeout_now(from);
            }
        }
    }

    fn handle_heartbeat_response(&mut self, m: Message) {
        let from = m.from;
        let last = self.raft_log.last_index();
        let Some(pr) = self.trk.progress.get_mut(&from) else {
            return;
        };
        pr.recent_active = true;
        pr.probe_sent = false;
        if pr.state == ProgressState::Replicate && pr.inflights.is_full() {
            // Acknowledgements may have been lost; free a slot so streaming resumes.
            pr.inflights.free_first_one();
        }
        if pr.matched < last || pr.state == ProgressState::Probe {
            self.send_append(from);
        }
        let Some(seq) = read_only::decode_seq(&m.context) else {
            return;
        };
        self.read_only.recv_ack(from, seq);
        let voters = self.trk.voters.clone();
        for read in self.read_only.advance(&voters, self.id) {
            self.respond_read_index(read.from, read.index, read.request_ctx);
        }
        self.maybe_start_read_round();
    }

    fn handle_snapshot_status(&mut self, from: NodeId, success: bool) {
        let Some(pr) = self.trk.progress.get_mut(&from) else {
            return;
        };
        if pr.state != ProgressState::Snapshot {
            return;
        }
        if !success {
            pr.pending_snapshot = None;
        }
        // Probe after the snapshot (or from match on failure); wait for the next
        // heartbeat response before sending, as the follower may still be applying it.
        pr.become_probe();
        pr.probe_sent = true;
    }

    pub(crate) fn handle_transfer_leader(&mut self, transferee: NodeId) {
        let Some(pr) = self.trk.progress.get(&transferee) else {
            return;
        };
        if pr.is_learner {
            return;
        }
        if self.lead_transferee == Some(transferee) {
            return;
        }
        if transferee == self.id {
            self.lead_transferee = None;
            return;
        }
        let caught_up = pr.matched == self.raft_log.last_index();
        // The transfer must finish within an election timeout.
        self.election_elapsed = 0;
        self.lead_transferee = Some(transferee);
        if caught_up {
            self.send_timeout_now(transferee);
        } else {
            self.send_append(transferee);
        }
    }

    fn send_timeout_now(&mut self, to: NodeId) {
        let m = Message::new(MessageType::TimeoutNow, self.id, to);
        self.send(m);
    }
}
