//! The consensus core, in the style of etcd-io/raft: a pure, deterministic state machine.
//!
//! No tokio, no IO, no clock, no OS randomness: the runtime feeds it ticks and messages
//! (`RawNode::tick`, `RawNode::step`), and it answers with data (`Ready`): entries and
//! hard state to persist, messages to send, committed entries to apply. Randomness (the
//! election timeout) comes from a generator seeded through `Config`.

pub mod storage;
pub mod types;

pub use storage::{MemStorage, RaftState, Storage, StorageError};
pub use types::*;
