//! A read-only picture of a node for operators and tests.

use std::collections::BTreeMap;

use super::raft::{Raft, SoftState};
use super::storage::Storage;
use super::tracker::ProgressState;
use super::types::{ConfState, HardState, Index, NodeId};

/// What the leader knows about one member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressStatus {
    pub matched: Index,
    pub next: Index,
    pub state: ProgressState,
    pub recent_active: bool,
    pub is_learner: bool,
    /// The index of a snapshot being sent to this member.
    pub pending_snapshot: Option<Index>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub id: NodeId,
    pub hard_state: HardState,
    pub soft_state: SoftState,
    pub applied: Index,
    pub conf_state: ConfState,
    pub lead_transferee: Option<NodeId>,
    /// Filled on the leader only.
    pub progress: BTreeMap<NodeId, ProgressStatus>,
}

impl Status {
    pub fn of<S: Storage>(r: &Raft<S>) -> Status {
        let mut progress = BTreeMap::new();
        if r.role == super::raft::Role::Leader {
            for (&id, pr) in &r.trk.progress {
                progress.insert(
                    id,
                    ProgressStatus {
                        matched: pr.matched,
                        next: pr.next,
                        state: pr.state,
                        recent_active: pr.recent_active,
                        is_learner: pr.is_learner,
                        pending_snapshot: pr.pending_snapshot,
                    },
                );
            }
        }
        Status {
            id: r.id,
            hard_state: r.hard_state(),
            soft_state: r.soft_state(),
            applied: r.raft_log.applied,
            conf_state: r.trk.conf_state(),
            lead_transferee: r.lead_transferee,
            progress,
        }
    }
}
