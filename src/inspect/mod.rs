//! Offline reading of a data dir and snapshot files, for the `wal` (`conf_history.rs`
//! for `wal conf-history`, `diff.rs` for `wal diff`), `snapshot inspect`
//! and `recover plan` commands: these open the store read-only, never write to a data
//! dir, and report a dir held by a running node as in use. Two offline commands do
//! write, and say what they wrote: `snapshot restore` (a new data dir) and `recover`
//! (membership of a stopped node); both check everything before the first write.
//!
//! Results are plain data with the JSON shapes of docs/serve-and-api.md; `cli` prints them.

pub mod conf_history;
pub mod diff;
pub mod recover;
pub mod snapshot;
pub mod wal;

/// Why an offline command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Storage(#[from] crate::storage::Error),
    #[error(transparent)]
    SnapshotFile(#[from] crate::kv::snapshot_file::Error),
    /// The command refuses: `message` says why and what would be right, `detail` adds
    /// lines for the operator.
    #[error("{message}")]
    Refused {
        message: String,
        detail: Vec<String>,
    },
}

impl Error {
    pub fn refused(message: impl Into<String>) -> Error {
        Error::Refused {
            message: message.into(),
            detail: Vec::new(),
        }
    }
}

pub use conf_history::{conf_history, ConfHistory, ConfHistoryRow};
pub use diff::{diff, DiffSide, WalDiff};
pub use wal::{
    dump, hardstate, verify, DumpEntry, DumpOptions, HardStateReport, VerifyReport, WalDump,
};

/// Serialises a u64 as a JSON number when a JSON parser keeps it exact (below 2^53), and
/// as a decimal string otherwise (docs/serve-and-api.md: never values a parser would round).
pub fn json_u64<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    const EXACT: u64 = (1 << 53) - 1;
    if *v <= EXACT {
        s.serialize_u64(*v)
    } else {
        s.serialize_str(&v.to_string())
    }
}

/// `json_u64` for an optional value (`null` when absent).
pub fn json_opt_u64<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => json_u64(v, s),
        None => s.serialize_none(),
    }
}
