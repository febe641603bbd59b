//! The runtime: one task owns the `RawNode` and runs the Ready loop, on a thread of its
//! own; HTTP (clients and peers) and the peer senders run on the tokio workers.
//!
//! ```text
//! ticks ──────────┐
//! peer messages ──┼─▶ node task (owns RawNode<RedbStorage>) ──Ready──▶ send messages
//! NodeHandle ─────┘        │                                    ├─▶ one redb txn: snapshot, entries,
//!   (API requests)         │                                    │   hard state, apply + applied index
//!                          │                                    ├─▶ send persisted messages
//!                          └────────── advance ◀────────────────┴─▶ answer waiting requests
//! ```
//!
//! Requests and peer messages queue in channels while a Ready is being persisted, so the
//! next Ready carries every proposal that arrived meanwhile (group commit: one fsync for
//! all of them). The API reaches the node only through [`NodeHandle`].

pub mod admin;
mod handle;
pub mod membership;
mod peer_input;
mod persist;
mod runtime;
mod snapshot;
mod start;
mod status;
mod waiters;

pub use admin::{AdminError, ChangeOutcome, SnapshotTaken, TransferOutcome};
pub use handle::{Consistency, NodeError, NodeHandle, WriteOutcome};
pub(crate) use runtime::PEER_INBOX;
pub use start::{Error, NodeConfig, Opened, Running, StartMode};
pub use status::{FollowerProgress, MembersInfo, NodeStatus, RoleView};
