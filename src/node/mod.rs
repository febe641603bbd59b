//! The runtime: one task owns the `RawNode` and runs the Ready loop, on a thread of its
//! own; HTTP (clients and peers) and the peer senders run on the tokio workers.
//!
//! ```text
//! ticks ──────────┐
//! peer messages ──┼─▶ node task (runtime.rs) ──Ready──▶ 1 send messages
//! NodeHandle ─────┘     owns RawNode<RedbStorage>      2 apply committed entries into the
//!   (API requests)                                       apply buffer; answer (waiters.rs)
//!                                                      3 persist: one redb txn, one fsync
//!                                                        (persist.rs)
//!                                                      4 send persisted messages
//!                                                      5 answer the rest, serve reads
//!                       advance ◀──────────────────────6
//! ```
//!
//! Requests and peer messages queue in channels while a Ready is being persisted, so the
//! next Ready carries every proposal that arrived meanwhile (group commit: one fsync for
//! all of them). The API reaches the node only through [`NodeHandle`].
//!
//! Files: `start.rs` opens the data dir and starts the task ([`Opened`], [`Running`]);
//! `runtime.rs` is the Ready loop (`runtime/operator.rs`: membership changes, leader
//! transfer and snapshots asked for by operators; `runtime/snapshots.rs`: automatic
//! snapshots; `runtime/report.rs`: status); `persist.rs` owns the store, the apply buffer
//! and the hard state not yet saved; `waiters.rs` holds the requests until they can be
//! answered; `handle.rs` is the API's side; `peer_input.rs` checks what peers send;
//! `snapshot.rs` moves snapshot files between members; `membership.rs` decides whether
//! a membership change is safe.

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
