//! `NodeHandle`: how everything outside the node task (the API, signal handling) talks to
//! the node: requests over a channel, answers over oneshots. Cheap to clone.
//!
//! Reads of the key-value store do not go through the node task: the handle asks the node
//! for a read barrier (ReadIndex) and then reads the database itself, off the Ready loop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use crate::kv;
use crate::metrics::Proposal;
use crate::raft::{Index, NodeId};
use crate::storage::RedbStorage;

use super::status::{MembersInfo, NodeStatus};

/// Why the node could not do what was asked. Each variant says whether the request may
/// have taken effect: only `Timeout` leaves the outcome unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    /// No leader is known; nothing was proposed.
    #[error("no leader is known right now; nothing was done, try again shortly")]
    NoLeader,
    /// The core refused the proposal (e.g. a leader transfer is in progress); nothing was done.
    #[error("the proposal was refused: {0}; nothing was done")]
    Refused(String),
    /// No answer in time. For writes the outcome is unknown.
    #[error("{0}")]
    Timeout(String),
    /// This member cannot take the request right now (its queue is full).
    #[error("{0}")]
    Unavailable(String),
    /// The node task is shutting down or has stopped.
    #[error("this member is shutting down")]
    Stopped,
    /// Reading the local database failed.
    #[error("reading the local database failed: {0}")]
    Storage(String),
}

/// What a linearizable or stale read is served from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// ReadIndex: confirmed with a quorum, served once applied up to the read index.
    Linearizable,
    /// This member's local state, whatever it has applied.
    Stale,
}

/// The outcome of an applied write, for the member that accepted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOutcome {
    pub index: Index,
    /// For deletes: whether the key existed.
    pub existed: bool,
}

/// Requests the node task serves.
pub(crate) enum NodeRequest {
    Propose {
        command_op: kv::Op,
        reply: oneshot::Sender<Result<WriteOutcome, NodeError>>,
    },
    ReadBarrier {
        reply: oneshot::Sender<Result<Index, NodeError>>,
    },
    Status {
        reply: oneshot::Sender<NodeStatus>,
    },
    Members {
        reply: oneshot::Sender<MembersInfo>,
    },
    /// Membership changes, leader transfer, snapshots (`admin.rs`).
    Admin(super::admin::AdminRequest),
}

/// A cloneable handle on the node task.
#[derive(Clone)]
pub struct NodeHandle {
    pub(crate) id: NodeId,
    pub(crate) requests: mpsc::Sender<NodeRequest>,
    pub(crate) storage: RedbStorage,
    /// The highest index whose effects readers see (in the database or the apply
    /// buffer); raised by the node task after each Ready.
    pub(crate) applied: Arc<AtomicU64>,
    /// Applied changes not yet written into the database.
    pub(crate) buffer: kv::ApplyBuffer,
    /// The commit index recorded when this member started. Until it is applied again,
    /// the database may mix states (see `kv::ApplyBuffer`), so stale reads wait.
    pub(crate) start_commit: Index,
    /// How long a request waits for the node before answering `timeout`.
    pub(crate) request_timeout: Duration,
    pub(crate) metrics: crate::metrics::Metrics,
}

impl NodeHandle {
    /// This member's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// How long requests wait before giving up with `timeout`.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> NodeRequest,
        what: &str,
    ) -> Result<T, NodeError> {
        let (tx, rx) = oneshot::channel();
        let deadline = tokio::time::Instant::now() + self.request_timeout;
        tokio::time::timeout_at(deadline, self.requests.send(make(tx)))
            .await
            .map_err(|_| {
                NodeError::Unavailable(format!(
                    "{what} was not taken: this member is overloaded; nothing was done"
                ))
            })?
            .map_err(|_| NodeError::Stopped)?;
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(_)) => Err(NodeError::Stopped),
            Err(_) => Err(NodeError::Timeout(format!(
                "{what} did not finish within {}",
                humantime::format_duration(self.request_timeout)
            ))),
        }
    }

    /// Proposes a write and waits until this member applies it.
    pub async fn write(&self, op: kv::Op) -> Result<WriteOutcome, NodeError> {
        let res = self
            .ask(
                |reply| NodeRequest::Propose {
                    command_op: op,
                    reply,
                },
                "the write",
            )
            .await;
        self.metrics.count_proposal(match &res {
            Ok(Ok(_)) => Proposal::Ok,
            Ok(Err(NodeError::NoLeader | NodeError::Refused(_)))
            | Err(NodeError::NoLeader | NodeError::Refused(_)) => Proposal::Dropped,
            _ => Proposal::Failed,
        });
        match res {
            Ok(inner) => inner,
            Err(NodeError::Timeout(m)) => {
                Err(NodeError::Timeout(format!("{m}; its outcome is unknown")))
            }
            Err(e) => Err(e),
        }
    }

    /// Waits until a read at this moment would be linearizable; returns the read index.
    pub async fn read_barrier(&self) -> Result<Index, NodeError> {
        self.ask(|reply| NodeRequest::ReadBarrier { reply }, "the read")
            .await?
    }

    async fn read_state<T: Send + 'static>(
        &self,
        consistency: Consistency,
        cost: ReadCost,
        f: impl FnOnce(&kv::View<'_>) -> Result<T, String> + Send + 'static,
    ) -> Result<(T, Index), NodeError> {
        self.metrics
            .count_read(consistency == Consistency::Linearizable);
        match consistency {
            // A read index is at least every commit this member knew of, so once it is
            // applied the replay after a restart is over.
            Consistency::Linearizable => {
                self.read_barrier().await?;
            }
            Consistency::Stale if self.applied.load(Ordering::Acquire) < self.start_commit => {
                return Err(NodeError::Unavailable(
                    "this member is still applying its log after a restart; try again shortly"
                        .into(),
                ));
            }
            Consistency::Stale => {}
        }
        let storage = self.storage.clone();
        let applied = self.applied.clone();
        let buffer = self.buffer.clone();
        let read = move || {
            // Read the index first: the buffer and transaction then show at least this
            // much (the node applies into the buffer before it raises the index).
            let index = applied.load(Ordering::Acquire);
            let buffered = buffer.read();
            let txn = storage
                .begin_read()
                .map_err(|e| NodeError::Storage(e.to_string()))?;
            let v = f(&kv::View::new(&buffered, &txn)).map_err(NodeError::Storage)?;
            Ok((v, index))
        };
        match cost {
            ReadCost::Point => read(),
            ReadCost::Scan => tokio::task::spawn_blocking(read)
                .await
                .map_err(|e| NodeError::Storage(format!("the read task failed: {e}")))?,
        }
    }

    /// Reads one key; `None` when absent. Also returns the applied index it reflects.
    pub async fn get(
        &self,
        key: String,
        consistency: Consistency,
    ) -> Result<(Option<Bytes>, Index), NodeError> {
        self.read_state(consistency, ReadCost::Point, move |view| {
            view.get(&key).map_err(|e| e.to_string())
        })
        .await
    }

    /// Lists keys that start with `prefix`, at most `limit` of them.
    pub async fn list(
        &self,
        prefix: String,
        limit: Option<u64>,
        consistency: Consistency,
    ) -> Result<(Vec<String>, Index), NodeError> {
        self.read_state(consistency, ReadCost::Scan, move |view| {
            let limit = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
            view.list(&prefix, limit).map_err(|e| e.to_string())
        })
        .await
    }

    /// This member's view of itself and the cluster.
    pub async fn status(&self) -> Result<NodeStatus, NodeError> {
        self.ask(|reply| NodeRequest::Status { reply }, "the status request")
            .await
    }

    /// The data dir's file, live data and disk, measured off the node task and off the
    /// async workers (it reads every page of the database once).
    pub async fn storage_usage(&self) -> Result<crate::storage::Usage, NodeError> {
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || storage.usage())
            .await
            .map_err(|e| NodeError::Storage(format!("the measuring task failed: {e}")))?
            .map_err(|e| NodeError::Storage(e.to_string()))
    }

    /// Members and the known leader.
    pub async fn members(&self) -> Result<MembersInfo, NodeError> {
        self.ask(
            |reply| NodeRequest::Members { reply },
            "the members request",
        )
        .await
    }
}

/// How a read runs. A point lookup is a few microseconds of B-tree walk over cached pages,
/// cheaper to do on the request's own task than to hand to the blocking pool (a thread
/// wake-up and a context switch each way, which dominated the cost of a read). A scan
/// may touch many pages, so it goes to the blocking pool to keep the workers free.
#[derive(Clone, Copy)]
enum ReadCost {
    Point,
    Scan,
}
