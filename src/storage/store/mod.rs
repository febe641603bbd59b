//! `RedbStorage`: the log, hard state, membership and snapshot metadata of one node in
//! one redb database, with in-memory caches in front of it for the Ready loop.
//!
//! This file owns the store's handle (`RedbStorage` and what all its clones share), its
//! accessors and the snapshot files next to the database. The rest, one concern a file:
//!
//! - `open`: create, open, open read-only; every check a data dir passes first.
//! - `batch`: `WriteBatch`, the only way anything is written, and its commit.
//! - `read`: reads from the database and the `raft::Storage` implementation.
//! - `cache`: the in-memory view of what is durable, and the recent-entry window.
//! - `schema`: the tables, the meta table's keys and its JSON records.
//! - `tables`: transactions and tables wrapped with the path, so each redb failure and
//!   each undecodable record becomes one error naming the path and the operation.
//! - `usage`: the file's size, the bytes its tables hold, the free space of the disk.
//!
//! The durability rules are written once, in the `storage` module's header.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use redb::Database;

use self::cache::Cached;
use super::error::{Error, Result};
use super::snapshot_file::{self, SnapshotFileMeta, SnapshotReader, SnapshotWriter};
use crate::cluster_id::ClusterId;
use crate::raft::{EntryId, HardState, Index, NodeId, SnapshotMeta, Term};

mod batch;
mod cache;
mod open;
mod read;
mod schema;
mod tables;
mod usage;

pub use batch::WriteBatch;
pub use schema::{Membership, StoredSnapshot};
pub use usage::{Disk, Usage};

/// The data format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The database file inside the data dir.
pub const DB_FILE: &str = "raftctl.redb";
/// Snapshot files live in this subdirectory of the data dir.
pub const SNAPSHOT_DIR: &str = "snapshots";

/// What the state machine has applied, as one read transaction sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedState {
    pub applied: Index,
    /// The term of the entry at `applied` (0 when nothing is applied).
    pub applied_term: Term,
    /// The membership as of `applied`.
    pub membership: Membership,
}

/// What a new data dir starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialState {
    pub node_id: NodeId,
    pub cluster_id: u64,
    pub membership: Membership,
}

/// What every clone of one `RedbStorage` shares.
#[derive(Debug)]
struct Inner {
    db: Database,
    dir: PathBuf,
    path: PathBuf,
    read_only: bool,
    node_id: NodeId,
    cluster_id: u64,
    format_version: u32,
    /// Held by the one open `WriteBatch`, so that a batch sees the cache as of the last
    /// commit (redb would serialise the transactions anyway; this also orders the cache
    /// updates).
    writer: Mutex<()>,
    cached: RwLock<Cached>,
    /// What failed, once a commit or a batch's I/O failed: what is durable is then
    /// unknown, and redb fails every later access anyway, so no more writes.
    poisoned: OnceLock<String>,
}

/// The durable store of one node. Cheap to clone; all clones share one database.
#[derive(Clone, Debug)]
pub struct RedbStorage {
    inner: Arc<Inner>,
}

impl RedbStorage {
    fn cached(&self) -> RwLockReadGuard<'_, Cached> {
        // A panic while holding the lock can only come from a broken invariant in this
        // module; the data behind it is still the last committed view.
        self.inner
            .cached
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cached_mut(&self) -> RwLockWriteGuard<'_, Cached> {
        self.inner
            .cached
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The data dir.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The database file.
    pub fn db_path(&self) -> &Path {
        &self.inner.path
    }

    /// Where snapshot files are kept.
    pub fn snapshot_dir(&self) -> PathBuf {
        self.inner.dir.join(SNAPSHOT_DIR)
    }

    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    pub fn node_id(&self) -> NodeId {
        self.inner.node_id
    }

    pub fn cluster_id(&self) -> u64 {
        self.inner.cluster_id
    }

    pub fn format_version(&self) -> u32 {
        self.inner.format_version
    }

    pub fn hard_state(&self) -> HardState {
        self.cached().hard_state
    }

    pub fn applied(&self) -> Index {
        self.cached().applied
    }

    pub fn membership(&self) -> Membership {
        self.cached().membership.clone()
    }

    /// Position and membership of the latest snapshot (index 0: none).
    pub fn snapshot_meta(&self) -> SnapshotMeta {
        self.cached().snapshot.meta.clone()
    }

    /// The latest snapshot with its members' URLs.
    pub fn stored_snapshot(&self) -> StoredSnapshot {
        self.cached().snapshot.clone()
    }

    /// The last compacted position (index and term); the log starts right after it.
    pub fn log_start(&self) -> EntryId {
        self.cached().log_start
    }

    /// The first index held (`log_start().index + 1`).
    pub fn first_index(&self) -> Index {
        self.cached().log_start.index + 1
    }

    /// The last index held (`log_start().index` when the log is empty).
    pub fn last_index(&self) -> Index {
        self.cached().last_index
    }

    /// Size of the database file in bytes.
    pub fn db_size_bytes(&self) -> Result<u64> {
        fs::metadata(&self.inner.path)
            .map(|m| m.len())
            .map_err(|e| Error::io("read the size of", &self.inner.path, e))
    }

    fn refuse_if_read_only(&self) -> Result<()> {
        if self.inner.read_only {
            return Err(Error::ReadOnly {
                path: self.inner.path.clone(),
            });
        }
        Ok(())
    }

    /// Starts a snapshot file for `meta` under `snapshots/`; the caller streams the
    /// state machine image into it and calls `finish`.
    pub fn create_snapshot_file(
        &self,
        meta: &SnapshotMeta,
        membership: &Membership,
    ) -> Result<SnapshotWriter> {
        self.refuse_if_read_only()?;
        SnapshotWriter::create(
            &self.snapshot_dir(),
            SnapshotFileMeta {
                index: meta.index,
                term: meta.term,
                conf_state: meta.conf_state.clone(),
                membership: membership.clone(),
                cluster_id: ClusterId(self.inner.cluster_id),
            },
        )
    }

    /// Opens the snapshot file of `term`/`index` for reading, checking its header.
    pub fn open_snapshot_file(&self, term: Term, index: Index) -> Result<SnapshotReader> {
        let path = self
            .snapshot_dir()
            .join(snapshot_file::file_name(term, index));
        if !path.exists() {
            return Err(Error::NoSnapshotFile {
                dir: self.snapshot_dir(),
                term,
                index,
            });
        }
        SnapshotReader::open(&path)
    }

    /// The snapshot files present, oldest first: (term, index, path).
    pub fn snapshot_files(&self) -> Result<Vec<(Term, Index, PathBuf)>> {
        snapshot_file::list_files(&self.snapshot_dir())
    }

    /// Removes every snapshot file older than the one at `index` (the runtime keeps the
    /// latest only, once the snapshot record points at it).
    pub fn remove_snapshot_files_before(&self, index: Index) -> Result<()> {
        self.refuse_if_read_only()?;
        for (_, at, path) in self.snapshot_files()? {
            if at < index {
                fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
            }
        }
        Ok(())
    }
}
