//! The replicated state machine: a key-value store kept in the node's redb database.
//!
//! Owns the `kv_data` table and nothing else in the database: the storage module hands
//! out the transactions (so that applying an entry and recording the applied index
//! commit together), and this module reads and writes its own table inside them. It
//! never commits or aborts a transaction itself.
//!
//! - [`apply`] / [`KvWriter`]: put and delete, recording per key the log index of its
//!   last modification.
//! - [`get`], [`get_versioned`], [`list`], [`count`]: reads from one read transaction.
//! - [`ApplyBuffer`] / [`View`]: the node applies into memory and writes into the table a
//!   few keys per transaction; readers see both through a `View`.
//! - [`write_snapshot`] / [`restore`]: the whole table as a stream of length-prefixed
//!   records, built from one consistent read transaction while writes go on.
//! - [`snapshot_file`]: that image in a checksummed snapshot file with the index, term
//!   and membership it belongs to: create, install, verify.

mod buffer;
pub mod command;
mod snapshot;
pub mod snapshot_file;
mod store;

pub use buffer::{ApplyBuffer, Buffered, View, TARGET_KEYS};
pub use command::{Command, DecodeError, Key, LimitError, Op, MAX_KEY_LEN, MAX_VALUE_LEN};
pub use snapshot::{restore, write_snapshot, SnapshotStats};
pub use snapshot_file::{
    create_snapshot_file, install_expected_snapshot_file, install_snapshot_file,
    install_snapshot_file_with, validate_snapshot_file, verify_snapshot_file, CreatedSnapshot,
    InstallOptions, InstalledSnapshot, VerifiedSnapshotFile,
};
pub use store::{apply, count, get, get_versioned, list, ApplyResult, KvWriter, KV_DATA};

/// What can go wrong in the KV state machine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed underneath (IO, corruption, a closed database). Fatal for
    /// the node, like any storage error.
    /// Boxed: redb's error is large and this one travels through every `Result`.
    #[error("kv table: {0}")]
    Db(Box<redb::Error>),
    /// Reading or writing a snapshot stream failed for a reason other than its content.
    #[error("kv snapshot stream: {0}")]
    Io(#[from] std::io::Error),
    /// The snapshot stream ended before its end record.
    #[error("kv snapshot is truncated: it ends inside {inside} at byte {offset}")]
    Truncated { offset: u64, inside: &'static str },
    /// The snapshot stream is not what [`write_snapshot`] writes.
    #[error("kv snapshot is corrupt at byte {offset}: {reason}")]
    Corrupt { offset: u64, reason: String },
    /// A key or value does not fit the snapshot record format (4 GiB each).
    #[error("key {key:?} has a {len}-byte {what}, more than a snapshot record holds")]
    TooLarge {
        key: String,
        what: &'static str,
        len: usize,
    },
}

impl From<redb::Error> for Error {
    fn from(e: redb::Error) -> Self {
        Error::Db(Box::new(e))
    }
}

impl From<redb::TableError> for Error {
    fn from(e: redb::TableError) -> Self {
        Error::Db(Box::new(e.into()))
    }
}

impl From<redb::StorageError> for Error {
    fn from(e: redb::StorageError) -> Self {
        Error::Db(Box::new(e.into()))
    }
}

/// Result alias of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;
