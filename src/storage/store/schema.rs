//! What the database holds: its two tables, the meta table's keys, and the records kept
//! there as JSON (membership, snapshot record). The binary forms (entries, hard state,
//! log start, scalars) are in `storage::codec`; reading and writing any of them goes
//! through `tables`. The KV's own tables live in the same file but are the KV's.

use std::collections::BTreeMap;

use redb::TableDefinition;
use serde::{Deserialize, Serialize};

use crate::raft::{ConfState, NodeId, SnapshotMeta};

/// Log entries by index: see `codec` for the value layout.
pub(super) const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("raft_log");
/// Everything else, by name (the keys in [`key`]).
pub(super) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("raft_meta");

/// The meta table's keys. Every one is written by `create`, so each is required on open.
pub(super) mod key {
    pub const FORMAT_VERSION: &str = "format_version";
    pub const NODE_ID: &str = "node_id";
    pub const CLUSTER_ID: &str = "cluster_id";
    pub const HARD_STATE: &str = "hard_state";
    pub const APPLIED: &str = "applied";
    pub const MEMBERSHIP: &str = "membership";
    pub const SNAPSHOT: &str = "snapshot";
    pub const LOG_START: &str = "log_start";
}

/// The members of the cluster and their URLs. A node is a voter or a learner, not both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub voters: BTreeMap<NodeId, String>,
    #[serde(default)]
    pub learners: BTreeMap<NodeId, String>,
}

impl Membership {
    /// The ids-only form the core works with.
    pub fn conf_state(&self) -> ConfState {
        ConfState {
            voters: self.voters.keys().copied().collect(),
            learners: self.learners.keys().copied().collect(),
        }
    }

    /// The URL of a member, voter or learner.
    pub fn url(&self, id: NodeId) -> Option<&str> {
        self.voters
            .get(&id)
            .or_else(|| self.learners.get(&id))
            .map(String::as_str)
    }
}

/// The snapshot the log starts after: its position, the membership then, and its
/// members' URLs. Index 0 means no snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSnapshot {
    pub meta: SnapshotMeta,
    pub membership: Membership,
}

/// The stored form of the JSON records.
pub(super) fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("membership and snapshot records always serialise")
}
