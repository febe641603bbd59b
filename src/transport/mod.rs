//! Peer HTTP transport: routes under `/raft/`, one sender task per peer.
//!
//! Owns the wire between members and nothing else: it never looks inside the Raft
//! state, and learns what it needs (cluster id, membership, snapshot files) from the
//! node through the [`Inbound`] settings and the traits below.
//!
//! Outbound ([`Transport`]): `send` sorts messages into one bounded queue per peer and
//! never blocks; each peer's task drains its queue into one `POST /raft/messages` at a
//! time over a kept-alive connection, so a busy leader sends many messages per request.
//! A batch of nothing but entry-less appends (a leader announcing its commit index)
//! waits up to `commit_update_hold` for company, and an entry-less append followed by
//! another append of its term is dropped from the batch: at low load the next write's
//! append is usually that close behind and says the same, so the pair costs one request
//! and one acknowledgement instead of two.
//! A `MsgSnapshot` travels alone as a streamed `POST /raft/snapshot`, the file read
//! through [`SnapshotSource`]. Failures come back as [`TransportEvent`]s; messages are
//! never retried here, since Raft retransmits what matters.
//!
//! Inbound ([`router`]): checks the cluster id (409), that the sender is a member (403)
//! and that every message is a peer message from that sender to this node (400), then
//! delivers the batch in order into the node's bounded channel; a full channel slows the
//! sender down instead of growing memory. Snapshot bodies stream into a
//! [`SnapshotSink`] before the `MsgSnapshot` is delivered.

mod batch;
mod client_urls;
mod sender;
mod sending;
mod server;
pub mod wire;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::io;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::raft::{Index, Message, NodeId, Term};

pub use client_urls::ClientUrls;
pub use sender::{Transport, TransportConfig};
pub use sending::SnapshotSending;
pub use server::{router, Inbound, SnapshotGate, SnapshotRefusal, DEFAULT_MAX_BODY_BYTES};

/// What the sender side reports back to the node, which passes it on to the core
/// (`report_unreachable`, `report_snapshot`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    /// Messages to this peer were lost: its queue was full, or a request failed
    /// (connection error, timeout or non-2xx answer).
    Unreachable(NodeId),
    /// The outcome of streaming a snapshot to `to`; `ok` once the peer stored and
    /// verified the file and accepted the `MsgSnapshot`.
    SnapshotStatus { to: NodeId, ok: bool },
}

/// Setting up the transport failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot build the peer HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("the transport must be created inside a tokio runtime, which runs its peer tasks")]
    NoRuntime,
}

/// A boxed future, for the async methods of the node-supplied traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A snapshot file being read for sending.
pub type SnapshotReader = Box<dyn AsyncRead + Send + Unpin>;

/// Whom the receiving side accepts messages from. Membership changes while the node
/// runs, so this is asked on every request; any `Fn(NodeId) -> bool` will do.
pub trait Members: Send + Sync + 'static {
    /// Whether `id` is currently a voter or learner of this cluster.
    fn is_member(&self, id: NodeId) -> bool;
}

impl<F: Fn(NodeId) -> bool + Send + Sync + 'static> Members for F {
    fn is_member(&self, id: NodeId) -> bool {
        self(id)
    }
}

/// Where the sender reads snapshot files from (supplied by the node).
pub trait SnapshotSource: Send + Sync + 'static {
    /// Opens the snapshot file at (`index`, `term`) of the log — the meta of the
    /// `MsgSnapshot` being sent — and returns it with its exact length in bytes. Should
    /// return quickly (open a file); the reading happens as the request streams.
    fn open(&self, index: Index, term: Term) -> io::Result<(SnapshotReader, u64)>;
}

/// Where the receiver stores an incoming snapshot file (supplied by the node).
pub trait SnapshotSink: Send + Sync + 'static {
    /// Starts receiving the file of `message` (a `MsgSnapshot` whose `snapshot.meta`
    /// says what it is), typically into a temp file. Should return quickly.
    fn create(&self, message: &Message) -> io::Result<Box<dyn SnapshotWriter>>;
}

/// One incoming snapshot file. The transport writes the whole body, then calls
/// [`finish`](SnapshotWriter::finish); if the stream breaks it drops the writer
/// instead, which must discard what was written.
pub trait SnapshotWriter: AsyncWrite + Send + Unpin {
    /// All bytes are written: make the file durable, verify its checksum and move it
    /// where the node will install it from. Only after `Ok` is the `MsgSnapshot`
    /// delivered. An `InvalidData` error means the file is bad (answered 400), anything
    /// else a local failure (answered 500).
    fn finish(self: Box<Self>) -> BoxFuture<'static, io::Result<()>>;
}
