//! Plain-data views of the node for the API: what `/v1/status` and `/v1/members` show.

use std::collections::BTreeMap;

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
}

impl NodeStatus {
    /// Healthy: a leader is known and everything known committed is applied.
    pub fn health(&self) -> Result<(), String> {
        if self.leader.is_none() {
            return Err("no leader is known".to_string());
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
