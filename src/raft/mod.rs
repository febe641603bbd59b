//! The consensus core, in the style of etcd-io/raft: a pure, deterministic state machine.
//!
//! No tokio, no IO, no clock, no OS randomness: the runtime feeds it ticks and messages
//! (`RawNode::tick`, `RawNode::step`), and it answers with data (`Ready`): entries and
//! hard state to persist, messages to send, committed entries to apply. Randomness (the
//! election timeout) comes from a generator seeded through `Config`.
//!
//! Files follow etcd's split: `log.rs`/`log_unstable.rs` (the log), `raft.rs` and `raft/` (term
//! handling, roles, ticks) with `step_{leader,candidate,follower}.rs`, `confchange.rs`
//! (membership), `tracker/` (per-peer progress), `quorum.rs`, `read_only.rs`
//! (ReadIndex), `raw_node.rs` (Ready), `status.rs`.
//!
//! What the runtime must respect (details on `Ready`): `Ready::messages` may be sent
//! at once, `Ready::persisted_messages` only once the Ready's snapshot, entries and
//! hard state are durable; `advance` says all of it is persisted and applied. A leader
//! counts its own log toward commit only from `advance` on. A leader that removes
//! itself keeps leading (taking no proposals) until it has handed over: keep it running.

pub mod confchange;
pub mod config;
pub mod errors;
pub mod log;
pub mod log_unstable;
pub mod quorum;
// Named after etcd's raft.go so the two read side by side.
#[allow(clippy::module_inception)]
pub mod raft;
pub mod raw_node;
pub mod read_only;
pub mod status;
mod step_candidate;
mod step_follower;
mod step_leader;
pub mod storage;
pub mod tracker;
pub mod types;

#[cfg(test)]
mod tests;

pub use config::Config;
pub use errors::{DropReason, Error};
pub use raft::{ReadState, Role, SoftState, CAMPAIGN_TRANSFER};
pub use raw_node::{RawNode, Ready};
pub use status::{ProgressStatus, Status};
pub use storage::{MemStorage, RaftState, Storage, StorageError};
pub use tracker::ProgressState;
pub use types::*;
