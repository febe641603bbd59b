//! The core's errors. Retryable answers (`ProposalDropped`) are apart from misuse
//! (`StepLocalMsg`, `InvalidConfig`), from peer messages refused as forged or corrupt
//! (`MessageOutOfRange`, `MalformedMessage`) and from storage failures (`Store`), which
//! stop the node.

use super::storage::StorageError;
use super::types::NodeId;

/// Why a proposal was not appended. The caller may retry later or elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// No leader is known (an election is under way).
    NoLeader,
    /// The leader is handing leadership over; proposals resume after the transfer.
    TransferInProgress,
    /// The leader holds too many uncommitted bytes (`max_uncommitted_entries_size`).
    UncommittedSizeLimit,
    /// This node is not the leader and forwarding is switched off.
    ForwardingDisabled,
    /// This node is no longer a member of the cluster.
    NotMember,
    /// A membership change is still waiting to be applied.
    ConfChangePending,
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            DropReason::NoLeader => "no leader is known",
            DropReason::TransferInProgress => "a leader transfer is in progress",
            DropReason::UncommittedSizeLimit => "too many uncommitted bytes at the leader",
            DropReason::ForwardingDisabled => "not the leader and proposal forwarding is off",
            DropReason::NotMember => "this node is not a member of the cluster",
            DropReason::ConfChangePending => "an earlier membership change is not applied yet",
        };
        f.write_str(text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("proposal dropped: {0}")]
    ProposalDropped(DropReason),
    #[error("local message types cannot be stepped from outside the node")]
    StepLocalMsg,
    #[error("response from a peer that is not tracked")]
    StepPeerNotFound,
    /// A peer message with a number past the core's limits (`MAX_TERM`, `MAX_INDEX`,
    /// `MAX_ADOPTED_TERM`, ...): dropped before it changed anything. Only a forged or
    /// corrupt message carries one; worth a warning with the sender.
    #[error("message dropped: {what} {value} is above the limit {limit}")]
    MessageOutOfRange {
        what: &'static str,
        value: u64,
        limit: u64,
    },
    /// A peer message that no correct member sends (entries out of order, a proposal
    /// of an entry type peers may not propose, ...): dropped before it changed anything.
    #[error("malformed message dropped: {0}")]
    MalformedMessage(String),
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    #[error("invalid membership change for node {node_id}: {reason}")]
    InvalidConfChange { node_id: NodeId, reason: String },
    #[error(transparent)]
    Store(#[from] StorageError),
}
