//! Operator requests to the node: membership changes (with their `--dry-run` preview),
//! leader transfer and snapshots. The node task serves them (see
//! `runtime/operator.rs`); this file holds what the API sees: the requests, their
//! outcomes and errors, and the [`NodeHandle`] methods that send them.

use std::time::Duration;

use tokio::sync::oneshot;

use super::handle::{NodeHandle, NodeRequest};
use super::membership::{MemberChange, Preview, Refusal};
use super::status::MembersInfo;
use crate::raft::{Index, NodeId, Term};

/// How long a leader transfer may take before the API answers `timeout` (the core gives
/// up after one election timeout; this only bounds the wait for the answer).
const TRANSFER_WAIT: Duration = Duration::from_secs(10);

/// Why an operator request was not done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// Only the leader does this; `leader` is (id, url) when known.
    #[error("member {me} is not the leader")]
    NotLeader {
        me: NodeId,
        leader: Option<(NodeId, String)>,
    },
    #[error("no leader is known right now; nothing was done, try again shortly")]
    NoLeader,
    /// A guard rail refused it; nothing changed.
    #[error("{}", .0.line())]
    Refused(Box<Refusal>, Box<Preview>),
    /// Conflicts with the current state (409); nothing changed.
    #[error("{0}")]
    Conflict(String),
    /// No such member (404); nothing changed.
    #[error("{0}")]
    NotFound(String),
    /// No answer in time: the outcome is unknown unless the message says otherwise.
    #[error("{0}")]
    Timeout(String),
    /// Shutting down or overloaded; nothing was done.
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

/// A membership change done (or previewed with `dry_run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeOutcome {
    pub preview: Preview,
    /// The members once the change was applied (now, for a dry run).
    pub members: MembersInfo,
    pub dry_run: bool,
}

/// A leader transfer that finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferOutcome {
    pub old_leader: NodeId,
    pub new_leader: NodeId,
    pub term: Term,
}

/// A snapshot taken (or the latest one, when nothing was applied since).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotTaken {
    pub index: Index,
    pub term: Term,
    pub size_bytes: u64,
}

/// Operator requests the node task serves (`runtime/operator.rs`).
pub(crate) enum AdminRequest {
    Change {
        change: MemberChange,
        force: bool,
        dry_run: bool,
        reply: oneshot::Sender<Result<ChangeOutcome, AdminError>>,
    },
    Transfer {
        to: Option<NodeId>,
        reply: oneshot::Sender<Result<TransferOutcome, AdminError>>,
    },
    Snapshot {
        reply: oneshot::Sender<Result<SnapshotTaken, AdminError>>,
    },
}

impl NodeHandle {
    async fn ask_admin<T>(
        &self,
        wait: Duration,
        make: impl FnOnce(oneshot::Sender<Result<T, AdminError>>) -> AdminRequest,
        what: &str,
    ) -> Result<T, AdminError> {
        let (tx, rx) = oneshot::channel();
        let deadline = tokio::time::Instant::now() + wait;
        tokio::time::timeout_at(deadline, self.requests.send(NodeRequest::Admin(make(tx))))
            .await
            .map_err(|_| {
                AdminError::Unavailable(format!(
                    "{what} was not taken: this member is overloaded; nothing was done"
                ))
            })?
            .map_err(|_| AdminError::Unavailable("this member is shutting down".into()))?;
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(v)) => v,
            Ok(Err(_)) => Err(AdminError::Unavailable(
                "this member is shutting down".into(),
            )),
            Err(_) => Err(AdminError::Timeout(format!(
                "{what} did not finish within {}; its outcome is unknown",
                humantime::format_duration(wait)
            ))),
        }
    }

    /// Proposes a membership change (or previews it) and waits until it is applied.
    pub async fn change_members(
        &self,
        change: MemberChange,
        force: bool,
        dry_run: bool,
    ) -> Result<ChangeOutcome, AdminError> {
        self.ask_admin(
            self.request_timeout,
            |reply| AdminRequest::Change {
                change,
                force,
                dry_run,
                reply,
            },
            "the membership change",
        )
        .await
    }

    /// Moves leadership to `to` (or the most caught-up voter) and waits for the outcome.
    pub async fn transfer_leader(&self, to: Option<NodeId>) -> Result<TransferOutcome, AdminError> {
        self.ask_admin(
            TRANSFER_WAIT,
            |reply| AdminRequest::Transfer { to, reply },
            "the leader transfer",
        )
        .await
    }

    /// Takes a snapshot at the applied index and compacts the log.
    pub async fn take_snapshot(&self) -> Result<SnapshotTaken, AdminError> {
        self.ask_admin(
            self.request_timeout.max(Duration::from_secs(30)),
            |reply| AdminRequest::Snapshot { reply },
            "the snapshot",
        )
        .await
    }

    /// The latest snapshot file of this member, if any: (meta index, term, path).
    pub fn latest_snapshot_file(&self) -> Option<(Index, Term, std::path::PathBuf)> {
        let meta = self.storage.snapshot_meta();
        if meta.index == 0 {
            return None;
        }
        let path = self
            .storage
            .snapshot_dir()
            .join(crate::storage::snapshot_file::file_name(
                meta.term, meta.index,
            ));
        path.exists().then_some((meta.index, meta.term, path))
    }
}
