//! Plain-data views of the node for the API: what `/v1/status` and `/v1/members` show.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::raft::{Index, NodeId, Term};

/// A member's role as shown to operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleView {
    Leader,
    Follower,
    Candidate,
    PreCandidate,
    Learner,
}

impl RoleView {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleView::Leader => "leader",
            RoleView::Follower => "follower",
            RoleView::Candidate => "candidate",
            RoleView::PreCandidate => "pre_candidate",
            RoleView::Learner => "learner",
        }
    }
}

/// One follower's replication state as the leader tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerProgress {
    pub id: NodeId,
    pub matched: Index,
    pub next: Index,
    /// `probe`, `replicate` or `snapshot`.
    pub state: &'static str,
    pub recent_active: bool,
    /// A snapshot being streamed to it: bytes sent so far, and the file's size.
    pub snapshot_sending: Option<(u64, u64)>,
}

/// Everything `/v1/status` reports about this member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeStatus {
    pub id: NodeId,
    pub cluster_id: u64,
    pub role: RoleView,
    pub term: Term,
    pub leader: Option<NodeId>,
    pub commit: Index,
    pub applied: Index,
    pub first_index: Index,
    pub last_index: Index,
    pub snapshot_index: Index,
    pub snapshot_term: Term,
    pub voters: BTreeMap<NodeId, String>,
    pub learners: BTreeMap<NodeId, String>,
    pub db_size_bytes: u64,
    /// Only on the leader.
    pub progress: Option<Vec<FollowerProgress>>,
    /// Since this member last heard from the leader it follows (`None` on the leader
    /// itself, or when it knows no leader).
    pub leader_contact: Option<Duration>,
    /// On the leader: whether a quorum of voters answered within an election timeout.
    pub quorum_active: bool,
    pub election_timeout: Duration,
    /// Leaders this member learned of since it started.
    pub leader_changes: u64,
    /// How long ago the latest of those changes were (at most 32), most recent first.
    pub leader_change_ages: Vec<Duration>,
}

impl NodeStatus {
    /// Healthy: this member is in touch with a leader (it heard from one within an
    /// election timeout, or it leads and a quorum of voters answered within one), and
    /// everything known committed is applied. A leader it remembers but no longer hears
    /// from (every voter dead, or a partition) is no leader to serve with.
    pub fn health(&self) -> Result<(), String> {
        let Some(leader) = self.leader else {
            return Err("no leader is known".to_string());
        };
        let timeout = self.election_timeout;
        if leader == self.id {
            if !self.quorum_active {
                return Err(format!(
                    "this member leads but has not heard from a quorum of voters within \
                     an election timeout ({} ms)",
                    timeout.as_millis()
                ));
            }
        } else {
            match self.leader_contact {
                Some(since) if since <= timeout => {}
                Some(since) => {
                    return Err(format!(
                        "no contact with leader {leader} for {} ms (the election timeout is {} ms)",
                        since.as_millis(),
                        timeout.as_millis()
                    ))
                }
                None => {
                    return Err(format!(
                        "leader {leader} is known but has not been heard from"
                    ))
                }
            }
        }
        if self.applied < self.commit {
            return Err(format!(
                "applied index {} is behind commit index {}",
                self.applied, self.commit
            ));
        }
        Ok(())
    }
}

/// Members with their URLs and the leader this member knows of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembersInfo {
    pub voters: BTreeMap<NodeId, String>,
    pub learners: BTreeMap<NodeId, String>,
    pub leader: Option<NodeId>,
}

impl MembersInfo {
    /// The URL of `id`, voter or learner.
    pub fn url_of(&self, id: NodeId) -> Option<&str> {
        self.voters
            .get(&id)
            .or_else(|| self.learners.get(&id))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod health_tests {
    use super::*;

    fn status(id: NodeId, leader: Option<NodeId>) -> NodeStatus {
        NodeStatus {
            id,
            cluster_id: 1,
            role: RoleView::Follower,
            term: 2,
            leader,
            commit: 5,
            applied: 5,
            first_index: 1,
            last_index: 5,
            snapshot_index: 0,
            snapshot_term: 0,
            voters: BTreeMap::new(),
            learners: BTreeMap::new(),
            db_size_bytes: 0,
            progress: None,
            leader_contact: Some(Duration::from_millis(100)),
            quorum_active: false,
            election_timeout: Duration::from_secs(1),
            leader_changes: 0,
            leader_change_ages: Vec::new(),
        }
    }

    /// Regression: with every voter dead, a learner's `/health` said 200 healthy,
    /// because it still remembered the old leader.
    #[test]
    fn a_leader_not_heard_from_within_an_election_timeout_is_unhealthy() {
        assert_eq!(status(4, Some(1)).health(), Ok(()));
        let mut s = status(4, Some(1));
        s.leader_contact = Some(Duration::from_millis(1500));
        let why = s.health().unwrap_err();
        assert!(
            why.contains("no contact with leader 1 for 1500 ms"),
            "{why}"
        );
        s.leader_contact = None;
        assert!(s.health().is_err());
        assert!(status(4, None).health().is_err());
    }

    #[test]
    fn a_leader_without_a_live_quorum_is_unhealthy() {
        let mut s = status(1, Some(1));
        s.leader_contact = None;
        let why = s.health().unwrap_err();
        assert!(why.contains("quorum"), "{why}");
        s.quorum_active = true;
        assert_eq!(s.health(), Ok(()));
        s.applied = 4;
        assert!(s.health().is_err());
    }
}
