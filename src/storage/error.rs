//! `storage::Error`: every way opening, reading or writing a data dir can fail, each
//! with the path and numbers an operator needs to act on it.

use std::path::PathBuf;

use crate::raft::{Index, StorageError, Term};

/// A storage failure. Messages are whole sentences naming the path involved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("data dir {path} does not exist")]
    MissingDir { path: PathBuf },
    #[error("data dir {path} is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("data dir {path} is empty: it holds no raftctl database (raftctl.redb)")]
    EmptyDir { path: PathBuf },
    #[error("data dir {dir} holds no raftctl database: {path} is missing")]
    MissingDatabase { dir: PathBuf, path: PathBuf },
    #[error("cannot create a new data dir in {path}: it is not empty (it holds {entry})")]
    NotEmpty { path: PathBuf, entry: String },
    #[error("cannot create a data dir in {path} for node id 0: ids start at 1")]
    InvalidNodeId { path: PathBuf },
    #[error("{path} is an empty file (0 bytes), not a raftctl database")]
    EmptyFile { path: PathBuf },
    #[error("{path} is not a redb database: its first bytes are not a redb header ({len} bytes in the file)")]
    NotRedb { path: PathBuf, len: u64 },
    #[error("{path} is truncated or damaged ({len} bytes in the file): {detail}")]
    Truncated {
        path: PathBuf,
        len: u64,
        detail: String,
    },
    #[error("{path} is corrupt: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path} is a redb database but not a raftctl data dir: {detail}")]
    NotRaftctl { path: PathBuf, detail: String },
    #[error("{path} has data format version {found}, newer than this build reads (up to version {supported}); use a newer raftctl")]
    FormatTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path} was written by an older raftctl (redb 2 file format); start the member once with `raftctl serve` to upgrade it (the old file is kept as raftctl.redb.redb2-backup)")]
    Redb2 { path: PathBuf },
    #[error("{path} has data format version {found}, which no raftctl release wrote")]
    UnknownFormat { path: PathBuf, found: u32 },
    #[error(
        "{path} is in use by another process (a running node holds its lock); stop that node first"
    )]
    InUse { path: PathBuf },
    #[error("{path} was opened read-only; it cannot be written through this handle")]
    ReadOnly { path: PathBuf },
    #[error("{path} takes no more writes: an earlier one failed ({cause}), so what is on disk is unknown; restart the node to reload it")]
    Poisoned { path: PathBuf, cause: String },
    #[error("cannot {op} {path}: {}", describe_io(source))]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database {path}: {op} failed: {}", describe_db(source))]
    Db {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: Box<redb::Error>,
    },
    #[error("{path}: stored {what} cannot be decoded: {detail}")]
    Decode {
        path: PathBuf,
        what: String,
        detail: String,
    },
    #[error("cannot append entries starting at index {index}: the log ends at index {last_index}, so this would leave a gap")]
    LogGap { index: Index, last_index: Index },
    #[error("entries to append are not contiguous: index {found} follows index {previous}")]
    NotContiguous { previous: Index, found: Index },
    #[error("index {index} is compacted: the log now starts at index {first_index}")]
    Compacted { index: Index, first_index: Index },
    #[error("index {index} is past the last entry (index {last_index})")]
    Unavailable { index: Index, last_index: Index },
    #[error("cannot compact the log up to index {index}: only entries up to index {applied} are applied")]
    CompactPastApplied { index: Index, applied: Index },
    #[error("cannot compact the log up to index {index}: the last entry is at index {last_index}")]
    CompactPastLast { index: Index, last_index: Index },
    #[error("snapshot at index {requested} is older than the one already held (index {held})")]
    SnapshotOutOfDate { requested: Index, held: Index },
    #[error("snapshot file {path} is not usable: {detail}")]
    SnapshotFile { path: PathBuf, detail: String },
    #[error("snapshot file {path} has format version {found}, newer than this build reads (up to version {supported})")]
    SnapshotFormatTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("snapshot file {path} is truncated: the header announces {expected} bytes but the file has {actual}")]
    SnapshotTruncated {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    #[error("snapshot file {path} fails its checksum: stored crc32c {stored:08x}, computed {computed:08x}")]
    SnapshotChecksum {
        path: PathBuf,
        stored: u32,
        computed: u32,
    },
    #[error("no snapshot file for term {term} index {index} in {dir}")]
    NoSnapshotFile {
        dir: PathBuf,
        term: Term,
        index: Index,
    },
}

impl Error {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            op,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn db(
        op: &'static str,
        path: impl Into<PathBuf>,
        source: impl Into<redb::Error>,
    ) -> Error {
        Error::Db {
            op,
            path: path.into(),
            source: Box::new(source.into()),
        }
    }
}

impl Error {
    /// Whether this failed because the disk is full (ENOSPC), which freeing space fixes.
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::Io { source, .. } => is_full(source),
            Error::Db { source, .. } => matches!(&**source, redb::Error::Io(io) if is_full(io)),
            _ => false,
        }
    }
}

fn is_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull
}

/// An I/O error in the operator's words: a full disk says so, and what to do.
pub(crate) fn describe_io(e: &std::io::Error) -> String {
    if is_full(e) {
        format!("the disk is full ({e}); free some space on it")
    } else {
        e.to_string()
    }
}

/// A redb error as `Error::Db` shows it; its I/O errors as `describe_io` does.
pub(crate) fn describe_db(e: &redb::Error) -> String {
    match e {
        redb::Error::Io(io) if is_full(io) => describe_io(io),
        other => other.to_string(),
    }
}

impl From<Error> for StorageError {
    fn from(e: Error) -> StorageError {
        match e {
            Error::Compacted { .. } => StorageError::Compacted,
            Error::Unavailable { .. } => StorageError::Unavailable,
            Error::SnapshotOutOfDate { requested, held } => {
                StorageError::SnapshotOutOfDate { requested, held }
            }
            other => StorageError::Other(other.to_string()),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
