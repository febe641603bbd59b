//! What the node task reports about itself: `/v1/status` and `/v1/members`, and the
//! record of leader changes it keeps for them.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::raft::{self, Role};
use crate::storage::Membership;

use super::super::status::{FollowerProgress, MembersInfo, NodeStatus, RoleView};
use super::NodeTask;

/// How many of the latest leader changes keep their time.
pub(crate) const LEADER_CHANGES_KEPT: usize = 32;

/// Leaders this member learned of since it started (as `raftctl_leader_changes_total`
/// counts them), with the times of the latest [`LEADER_CHANGES_KEPT`]. Touched only when
/// the leader changes, never on the write path.
#[derive(Debug, Default)]
pub(crate) struct LeaderChanges {
    total: u64,
    latest: VecDeque<Instant>,
}

impl LeaderChanges {
    pub(crate) fn record(&mut self, at: Instant) {
        self.total = self.total.saturating_add(1);
        if self.latest.len() == LEADER_CHANGES_KEPT {
            self.latest.pop_front();
        }
        self.latest.push_back(at);
    }

    /// How long ago each kept change was, most recent first.
    fn ages(&self, now: Instant) -> Vec<Duration> {
        self.latest
            .iter()
            .rev()
            .map(|t| now.saturating_duration_since(*t))
            .collect()
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl NodeTask {
    fn role_view(&self, m: &Membership) -> RoleView {
        if m.learners.contains_key(&self.config.id) {
            return RoleView::Learner;
        }
        match self.role {
            Role::Leader => RoleView::Leader,
            Role::Follower => RoleView::Follower,
            Role::Candidate => RoleView::Candidate,
            Role::PreCandidate => RoleView::PreCandidate,
        }
    }

    pub(super) fn status(&self) -> NodeStatus {
        let st = self.raw.status();
        let m = self.store().membership();
        let snap = self.store().snapshot_meta();
        let progress = (self.role == Role::Leader).then(|| {
            let sending = self.transport.snapshots_sending();
            st.progress
                .iter()
                .map(|(id, p)| FollowerProgress {
                    id: *id,
                    matched: p.matched,
                    next: p.next,
                    state: match p.state {
                        raft::ProgressState::Probe => "probe",
                        raft::ProgressState::Replicate => "replicate",
                        raft::ProgressState::Snapshot => "snapshot",
                    },
                    recent_active: self.heard_lately(*id, p.recent_active),
                    snapshot_sending: sending.get(id).map(|s| (s.sent_bytes, s.size_bytes)),
                })
                .collect()
        });
        NodeStatus {
            id: self.config.id,
            cluster_id: self.store().cluster_id(),
            role: self.role_view(&m),
            term: st.hard_state.term,
            leader: self.leader,
            commit: st.hard_state.commit,
            applied: self.waiters.visible(),
            first_index: self.store().first_index(),
            last_index: self.store().last_index(),
            snapshot_index: snap.index,
            snapshot_term: snap.term,
            voters: m.voters.clone(),
            learners: m.learners.clone(),
            db_size_bytes: self.store().db_size_bytes().unwrap_or(0),
            progress,
            leader_contact: match self.leader {
                Some(l) if l != self.config.id => self
                    .leader_contact_tick
                    .map(|t| self.config.tick.saturating_mul(to_u32(self.ticks - t))),
                _ => None,
            },
            quorum_active: self.role == Role::Leader && self.quorum_heard_lately(&st),
            election_timeout: self
                .config
                .tick
                .saturating_mul(to_u32(self.config.election_ticks as u64)),
            leader_changes: self.leader_changes.total,
            leader_change_ages: self.leader_changes.ages(Instant::now()),
        }
    }

    /// Whether a quorum of voters (this leader included) was heard from within an
    /// election timeout.
    fn quorum_heard_lately(&self, st: &raft::Status) -> bool {
        let m = self.store().membership();
        let heard = m
            .voters
            .keys()
            .filter(|&&id| {
                id == self.config.id
                    || st
                        .progress
                        .get(&id)
                        .is_some_and(|p| self.heard_lately(id, p.recent_active))
            })
            .count();
        heard > m.voters.len() / 2
    }

    pub(super) fn members_info(&self) -> MembersInfo {
        let m = self.store().membership();
        MembersInfo {
            voters: m.voters,
            learners: m.learners,
            leader: self.leader,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leader_changes_keep_the_latest_times_and_count_them_all() {
        let start = Instant::now();
        let mut c = LeaderChanges::default();
        for i in 0..(LEADER_CHANGES_KEPT as u64 + 5) {
            c.record(start + Duration::from_secs(i));
        }
        assert_eq!(c.total, LEADER_CHANGES_KEPT as u64 + 5);
        let now = start + Duration::from_secs(100);
        let ages = c.ages(now);
        assert_eq!(ages.len(), LEADER_CHANGES_KEPT);
        // Most recent first: the last change was at second 36.
        assert_eq!(ages[0], Duration::from_secs(100 - 36));
        assert!(ages.windows(2).all(|w| w[0] <= w[1]));
    }
}
