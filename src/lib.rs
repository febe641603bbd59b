//! raftctl: run, operate and inspect a Raft cluster that replicates a key-value store.
//!
//! ```text
//! client ──PUT──▶ api ──propose──▶ node ──step──▶ raft core ──Ready──▶ node
//!                                                      │                 ├─ storage: append entries + hard state (one redb txn, fsync)
//!                                                      │                 ├─ transport: send messages to peers (HTTP/JSON, batched)
//!                                                      │                 ├─ kv: apply committed entries (+ applied index, same txn)
//!                                                      │                 └─ wake the waiting request ──▶ client 200 {"index"}
//! peer ──POST /raft/──▶ transport ──step──────────────▶┘
//! timer ──tick──────────────────────────────────────────▶
//! ```
//!
//! Modules, each using only those listed before it (`tests/module_order.rs` checks):
//! - [`shown`]: outside text made safe to show on one line.
//! - [`raft`]: the sans-IO consensus core (no tokio, no IO, no clock).
//! - [`cluster_id`]: which cluster a member, message or file belongs to.
//! - [`member_url`]: member URLs and `--initial-cluster`, parsed once.
//! - [`storage`]: the redb database of one node; implements `raft::Storage`.
//! - [`kv`]: the replicated key-value state machine.
//! - [`metrics`]: counters and histograms of one member (served by `api`).
//! - [`tls`]: certificates, identities, roles and tokens.
//! - [`transport`]: peer HTTP under `/raft/`, batched, one sender per peer.
//! - [`node`]: the runtime owning the `RawNode` and its Ready loop.
//! - [`api`]: client and admin HTTP routes, `/metrics`, authentication.
//! - [`member`]: the composition root: one member, wired together (`raftctl serve`).
//! - [`client`]: typed HTTP client with endpoint failover.
//! - [`bench`]: the load generator behind `raftctl bench` (through `client`).
//! - [`inspect`]: offline reading of data dirs and snapshot files.
//! - [`cli`]: the `raftctl` command line.

pub mod api;
pub mod bench;
pub mod cli;
pub mod client;
pub mod cluster_id;
pub mod inspect;
pub mod kv;
pub mod member;
pub mod member_url;
pub mod metrics;
pub mod node;
pub mod raft;
pub mod shown;
pub mod storage;
pub mod tls;
pub mod transport;
