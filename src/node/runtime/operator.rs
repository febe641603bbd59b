//! The node task's side of operator requests: membership changes, leader transfer,
//! on-demand snapshots, and what a member does once it was removed.
//!
//! Membership changes go through [`decide`](crate::node::membership::decide) both for
//! real and for `--dry-run`, with the same [`ClusterView`] built from the core's progress
//! tracker, so the preview and the change agree. One change is in flight at a time: its
//! waiter is answered once the conf change entry is applied here (leader side).

use std::collections::HashMap;

use tokio::sync::oneshot;

use super::NodeTask;
use crate::node::admin::{AdminError, AdminRequest, ChangeOutcome, SnapshotTaken, TransferOutcome};
use crate::node::membership::{decide, ClusterView, MemberChange, MemberProgress, Preview};
use crate::raft::{self, ConfChange, DropReason, EntryType, NodeId, ProgressState, Role};

type ChangeReply = oneshot::Sender<Result<ChangeOutcome, AdminError>>;
type TransferReply = oneshot::Sender<Result<TransferOutcome, AdminError>>;
type SnapshotReply = oneshot::Sender<Result<SnapshotTaken, AdminError>>;

/// Operator requests under way.
#[derive(Default)]
pub(super) struct OpsState {
    /// The membership change this member proposed, answered when applied.
    change: Option<(ConfChange, Preview, ChangeReply)>,
    /// Conf changes applied in the Ready being handled.
    applied: Vec<ConfChange>,
    /// The leader transfer under way: (target, reply).
    transfer: Option<(NodeId, TransferReply)>,
    snapshot_waiters: Vec<SnapshotReply>,
    /// Take a snapshot now, whatever the threshold says.
    pub(super) snapshot_wanted: bool,
    /// This member applied its own removal: (entry index, tick count then).
    removed: Option<(raft::Index, u64)>,
    /// The tick at which the leader last saw each peer recently active. CheckQuorum
    /// clears the core's flags at the end of every election timeout and a peer sets its
    /// own again only with its next answer (up to a tick later), so the guard rails read
    /// this too, not to refuse a change in that gap.
    last_active: HashMap<NodeId, u64>,
}

impl NodeTask {
    pub(super) fn on_admin(&mut self, req: AdminRequest) {
        match req {
            AdminRequest::Change {
                change,
                force,
                dry_run,
                reply,
            } => self.change_members(change, force, dry_run, reply),
            AdminRequest::Transfer { to, reply } => self.start_transfer(to, reply),
            AdminRequest::Snapshot { reply } => self.request_snapshot(reply),
        }
    }

    fn not_leader(&self) -> AdminError {
        match self.leader {
            None => AdminError::NoLeader,
            Some(id) => AdminError::NotLeader {
                me: self.config.id,
                leader: self
                    .store()
                    .membership()
                    .url(id)
                    .map(|url| (id, url.to_string())),
            },
        }
    }

    /// Whether a conf change is proposed and not applied yet: ours, or one in the log
    /// above the applied index (e.g. proposed by an earlier leader).
    fn change_pending(&self) -> bool {
        if self.ops.change.is_some() {
            return true;
        }
        let applied = self.waiters.visible();
        let last = self.store().last_index();
        if last <= applied {
            return false;
        }
        match raft::Storage::entries(self.store(), applied + 1, last + 1, None) {
            Ok(entries) => entries
                .iter()
                .any(|e| e.entry_type == EntryType::ConfChange),
            Err(_) => true,
        }
    }

    fn cluster_view(&self) -> ClusterView {
        let st = self.raw.status();
        let m = self.store().membership();
        ClusterView {
            leader: self.config.id,
            voters: m.voters.keys().copied().collect(),
            learners: m.learners.keys().copied().collect(),
            progress: st
                .progress
                .iter()
                .map(|(id, p)| {
                    (
                        *id,
                        MemberProgress {
                            matched: p.matched,
                            recent_active: self.heard_lately(*id, p.recent_active),
                            snapshot: p.state == ProgressState::Snapshot
                                || p.pending_snapshot.is_some(),
                        },
                    )
                })
                .collect(),
            last_index: self.store().last_index(),
            change_pending: self.change_pending(),
        }
    }

    fn change_members(
        &mut self,
        change: MemberChange,
        force: bool,
        dry_run: bool,
        reply: ChangeReply,
    ) {
        if self.role != Role::Leader {
            let _ = reply.send(Err(self.not_leader()));
            return;
        }
        let preview = decide(&self.cluster_view(), &change, force);
        if dry_run {
            let _ = reply.send(Ok(ChangeOutcome {
                preview,
                members: self.members_info(),
                dry_run: true,
            }));
            return;
        }
        if !preview.allowed {
            let refusal = preview
                .refused_by
                .clone()
                .expect("a change that is not allowed names its rule");
            tracing::info!(change = %preview.change, rule = %refusal.rule, "membership change refused");
            let _ = reply.send(Err(AdminError::Refused(
                Box::new(refusal),
                Box::new(preview),
            )));
            return;
        }
        let cc = change.conf_change();
        match self.raw.propose_conf_change(cc.clone()) {
            Ok(()) => {
                tracing::info!(change = %preview.change, forced = preview.forced, "membership change proposed");
                self.ops.change = Some((cc, preview, reply));
            }
            Err(raft::Error::ProposalDropped(DropReason::ConfChangePending)) => {
                let _ = reply.send(Err(AdminError::Conflict(
                    "refused by rule one-change-at-a-time: another membership change is proposed and not yet applied; retry once it is applied".into(),
                )));
            }
            Err(raft::Error::ProposalDropped(DropReason::TransferInProgress)) => {
                let _ = reply.send(Err(AdminError::Conflict(
                    "a leader transfer is under way; nothing was done, retry once it finished"
                        .into(),
                )));
            }
            Err(raft::Error::ProposalDropped(DropReason::NoLeader)) => {
                let _ = reply.send(Err(AdminError::NoLeader));
            }
            Err(e) => {
                let _ = reply.send(Err(AdminError::Unavailable(format!(
                    "the change was refused: {e}; nothing was done"
                ))));
            }
        }
    }

    /// Called for each conf change applied while handling a Ready.
    pub(super) fn ops_note_applied(&mut self, cc: &ConfChange, index: raft::Index) {
        if cc.change_type == raft::ConfChangeType::Remove && cc.node_id == self.config.id {
            self.ops.removed = Some((index, self.ticks));
            tracing::warn!(
                id = self.config.id,
                "this member was removed from the cluster: it no longer takes part and stops once it is not the leader"
            );
        }
        self.ops.applied.push(cc.clone());
    }

    /// After a Ready was persisted: answer a change that got applied, and look at the
    /// leader transfer.
    pub(super) fn ops_after_ready(&mut self) {
        let applied = std::mem::take(&mut self.ops.applied);
        if let Some((cc, _, _)) = &self.ops.change {
            let done = applied
                .iter()
                .any(|a| a.change_type == cc.change_type && a.node_id == cc.node_id);
            if done {
                if let Some((_, preview, reply)) = self.ops.change.take() {
                    let _ = reply.send(Ok(ChangeOutcome {
                        preview,
                        members: self.members_info(),
                        dry_run: false,
                    }));
                }
            }
        }
        self.check_transfer();
    }

    /// Before the core's tick (which may clear the flags): notes which peers the leader
    /// heard from in the window that ends.
    pub(super) fn ops_before_tick(&mut self) {
        if self.role != Role::Leader {
            self.ops.last_active.clear();
            return;
        }
        for (id, p) in &self.raw.status().progress {
            if p.recent_active {
                self.ops.last_active.insert(*id, self.ticks);
            }
        }
    }

    /// Whether the leader heard from `id` lately: in the current CheckQuorum window or
    /// within an election timeout before it (so a member that stopped answering shows
    /// as not heard from after one to two election timeouts). Status, `member list` and
    /// the guard rails all use this.
    pub(super) fn heard_lately(&self, id: NodeId, recent_active: bool) -> bool {
        recent_active
            || self
                .ops
                .last_active
                .get(&id)
                .is_some_and(|t| self.ticks <= t + self.config.election_ticks as u64)
    }

    pub(super) fn ops_tick(&mut self) {
        if self
            .ops
            .change
            .as_ref()
            .is_some_and(|(_, _, r)| r.is_closed())
        {
            // The requester gave up (timeout); the entry may still be applied later.
            self.ops.change = None;
        }
        if self.ops.change.is_some() && self.role != Role::Leader {
            if let Some((_, _, reply)) = self.ops.change.take() {
                let _ = reply.send(Err(AdminError::Timeout(
                    "this member lost leadership before the change was applied; its outcome is unknown (check raftctl member list)".into(),
                )));
            }
        }
        self.check_transfer();
    }

    /// Whether the node task should stop: removed, and no longer leading. A removed
    /// leader hands leadership over first (the core does that), but it may never hear of
    /// the new leader: the others no longer talk to a non-member. So it also stops once
    /// a quorum of the remaining voters holds its removal entry and two election timeouts
    /// passed, by which time their heartbeats told them it is committed.
    pub(super) fn ops_should_stop(&self) -> bool {
        let Some((index, tick)) = self.ops.removed else {
            return false;
        };
        if self.role != Role::Leader {
            return true;
        }
        if self.ticks < tick + 2 * self.config.election_ticks as u64 {
            return false;
        }
        let voters = self.store().membership().voters;
        let st = self.raw.status();
        let holding = voters
            .keys()
            .filter(|id| st.progress.get(id).is_some_and(|p| p.matched >= index))
            .count();
        holding >= crate::node::membership::quorum(voters.len())
    }

    fn start_transfer(&mut self, to: Option<NodeId>, reply: TransferReply) {
        if self.role != Role::Leader {
            let _ = reply.send(Err(self.not_leader()));
            return;
        }
        match self.transfer_target(to) {
            Ok(target) => {
                tracing::info!(to = target, "leader transfer started");
                self.raw.transfer_leader(target);
                self.ops.transfer = Some((target, reply));
            }
            Err(e) => {
                let _ = reply.send(Err(e));
            }
        }
    }

    /// The checks before a transfer, and the target: `to`, or the most caught-up voter.
    fn transfer_target(&self, to: Option<NodeId>) -> Result<NodeId, AdminError> {
        let me = self.config.id;
        let st = self.raw.status();
        if self.ops.transfer.is_some() || st.lead_transferee.is_some() {
            return Err(AdminError::Conflict(
                "a leader transfer is already under way; retry once it finished".into(),
            ));
        }
        let m = self.store().membership();
        let target = match to {
            Some(id) if id == me => {
                return Err(AdminError::Conflict(format!(
                    "member {id} is already the leader"
                )))
            }
            Some(id) if m.learners.contains_key(&id) => {
                return Err(AdminError::Conflict(format!(
                    "member {id} is a learner and cannot lead; promote it first: raftctl member promote {id}"
                )))
            }
            Some(id) if !m.voters.contains_key(&id) => {
                return Err(AdminError::NotFound(format!(
                    "member {id} is not a member of this cluster (see raftctl member list)"
                )))
            }
            Some(id) => id,
            None => st
                .progress
                .iter()
                .filter(|(id, _)| **id != me && m.voters.contains_key(id))
                .max_by_key(|(id, p)| {
                    (
                        self.heard_lately(**id, p.recent_active),
                        p.matched,
                        std::cmp::Reverse(**id),
                    )
                })
                .map(|(id, _)| *id)
                .ok_or_else(|| {
                    AdminError::Conflict(
                        "there is no other voter to hand leadership to; add one first: raftctl member add ID URL".into(),
                    )
                })?,
        };
        if self.change_pending() {
            return Err(AdminError::Conflict(
                "a membership change is pending; retry the transfer once it is applied".into(),
            ));
        }
        let Some(p) = st.progress.get(&target) else {
            return Err(AdminError::NotFound(format!(
                "member {target} is not tracked by the leader yet"
            )));
        };
        if p.state == ProgressState::Snapshot || p.pending_snapshot.is_some() {
            return Err(AdminError::Conflict(format!(
                "member {target} is receiving a snapshot; retry once it caught up (raftctl member list)"
            )));
        }
        if !self.heard_lately(target, p.recent_active) {
            return Err(AdminError::Conflict(format!(
                "the leader has not heard from member {target} lately; it cannot take over"
            )));
        }
        Ok(target)
    }

    fn check_transfer(&mut self) {
        let Some((target, _)) = &self.ops.transfer else {
            return;
        };
        let target = *target;
        let me = self.config.id;
        let outcome = match self.leader {
            Some(l) if l != me => Some(Ok(TransferOutcome {
                old_leader: me,
                new_leader: l,
                term: self.raw.status().hard_state.term,
            })),
            Some(_) if self.role == Role::Leader && self.raw.status().lead_transferee.is_none() => {
                Some(Err(AdminError::Timeout(format!(
                    "member {target} did not take over within an election timeout; the transfer was abandoned and member {me} is still the leader, accepting writes"
                ))))
            }
            _ => None,
        };
        if let Some(outcome) = outcome {
            if let Some((_, reply)) = self.ops.transfer.take() {
                match &outcome {
                    Ok(o) => tracing::info!(new_leader = o.new_leader, "leader transfer done"),
                    Err(e) => tracing::warn!(error = %e, "leader transfer abandoned"),
                }
                let _ = reply.send(outcome);
            }
        }
    }

    fn request_snapshot(&mut self, reply: SnapshotReply) {
        let applied = self.waiters.visible();
        let snap = self.store().snapshot_meta();
        if applied == 0 {
            let _ = reply.send(Err(AdminError::Conflict(
                "nothing has been applied yet; there is nothing to snapshot".into(),
            )));
            return;
        }
        if applied == snap.index && !self.snapshotting {
            let size_bytes = self.snapshot_file_size(snap.term, snap.index);
            let _ = reply.send(Ok(SnapshotTaken {
                index: snap.index,
                term: snap.term,
                size_bytes,
            }));
            return;
        }
        self.ops.snapshot_wanted = true;
        self.ops.snapshot_waiters.push(reply);
    }

    fn snapshot_file_size(&self, term: raft::Term, index: raft::Index) -> u64 {
        let path = self
            .store()
            .snapshot_dir()
            .join(crate::storage::snapshot_file::file_name(term, index));
        std::fs::metadata(path).map_or(0, |m| m.len())
    }

    /// A snapshot finished (or failed): answer who asked for one.
    pub(super) fn ops_snapshot_done(
        &mut self,
        made: Result<(raft::Index, raft::Term, u64), String>,
    ) {
        for reply in self.ops.snapshot_waiters.drain(..) {
            let _ = reply.send(match &made {
                Ok((index, term, size_bytes)) => Ok(SnapshotTaken {
                    index: *index,
                    term: *term,
                    size_bytes: *size_bytes,
                }),
                Err(e) => Err(AdminError::Internal(format!("the snapshot failed: {e}"))),
            });
        }
    }
}
