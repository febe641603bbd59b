//! What the node task reports about itself: `/v1/status` and `/v1/members`.

use crate::raft::{self, Role};
use crate::storage::Membership;

use super::super::status::{FollowerProgress, MembersInfo, NodeStatus, RoleView};
use super::NodeTask;

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
