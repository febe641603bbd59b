//! `RedbStorage`: the log, hard state, membership and snapshot metadata of one node in
//! one redb database, with in-memory caches in front of it for the Ready loop.

use std::collections::{BTreeMap, VecDeque};
use std::fs::{self, File};
use std::io::Read;
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use redb::{
    Database, DatabaseError, Durability, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableDefinition, TableError, WriteTransaction,
};
use serde::{Deserialize, Serialize};

use super::backend::ReadOnlyBackend;
use super::codec;
use super::error::{Error, Result};
use super::snapshot_file::{SnapshotFileMeta, SnapshotReader, SnapshotWriter};
use crate::raft::{
    ConfState, Entry, EntryId, HardState, Index, NodeId, RaftState, Snapshot, SnapshotMeta,
    Storage, StorageError, Term,
};

/// The data format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The database file inside the data dir.
pub const DB_FILE: &str = "raftctl.redb";
/// Where `create` builds the database before renaming it into place, so that a crash
/// during bootstrap never leaves a half-made `raftctl.redb`.
const DB_TMP_FILE: &str = "raftctl.redb.tmp";
/// Snapshot files live in this subdirectory of the data dir.
pub const SNAPSHOT_DIR: &str = "snapshots";

/// Log entries by index: see `codec` for the value layout.
const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("raft_log");
/// Everything else, by name.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("raft_meta");

mod key {
    pub const FORMAT_VERSION: &str = "format_version";
    pub const NODE_ID: &str = "node_id";
    pub const CLUSTER_ID: &str = "cluster_id";
    pub const HARD_STATE: &str = "hard_state";
    pub const APPLIED: &str = "applied";
    pub const MEMBERSHIP: &str = "membership";
    pub const SNAPSHOT: &str = "snapshot";
    pub const LOG_START: &str = "log_start";
}

/// Recent entries kept in memory to serve replication: at most this many...
const CACHE_MAX_ENTRIES: usize = 8192;
/// ...and at most this many bytes (as counted by `Entry::size`).
const CACHE_MAX_BYTES: u64 = 64 << 20;

/// The members of the cluster and their URLs. A node is a voter or a learner, not both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub voters: BTreeMap<NodeId, String>,
    #[serde(default)]
    pub learners: BTreeMap<NodeId, String>,
}

impl Membership {
    /// The ids-only form the core works with.
    pub fn conf_state(&self) -> ConfState {
        ConfState {
            voters: self.voters.keys().copied().collect(),
            learners: self.learners.keys().copied().collect(),
        }
    }

    /// The URL of a member, voter or learner.
    pub fn url(&self, id: NodeId) -> Option<&str> {
        self.voters
            .get(&id)
            .or_else(|| self.learners.get(&id))
            .map(String::as_str)
    }
}

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

/// The snapshot the log starts after: its position, the membership then, and its
/// members' URLs. Index 0 means no snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSnapshot {
    pub meta: SnapshotMeta,
    pub membership: Membership,
}

/// The cached view of what is durable. Changed only after a commit succeeded.
#[derive(Clone, Debug)]
struct Cached {
    hard_state: HardState,
    applied: Index,
    membership: Membership,
    snapshot: StoredSnapshot,
    /// The last compacted position: the log holds `log_start.index + 1 ..= last_index`.
    log_start: EntryId,
    last_index: Index,
    /// A contiguous suffix of the log ending at `last_index` (or empty).
    recent: VecDeque<Entry>,
    recent_bytes: u64,
}

impl Cached {
    fn recent_first(&self) -> Index {
        self.recent.front().map_or(self.last_index + 1, |e| e.index)
    }

    fn recent_get(&self, index: Index) -> Option<&Entry> {
        let first = self.recent.front()?.index;
        index
            .checked_sub(first)
            .and_then(|offset| self.recent.get(offset as usize))
    }

    fn push_recent(&mut self, entries: &[Entry]) {
        let Some(start) = entries.first().map(|e| e.index) else {
            return;
        };
        // Drop what the new entries replace, then anything not contiguous with them.
        while self.recent.back().is_some_and(|e| e.index >= start) {
            let e = self.recent.pop_back().expect("back() was just Some");
            self.recent_bytes -= e.size();
        }
        if self.recent.back().is_some_and(|e| e.index + 1 != start) {
            self.recent.clear();
            self.recent_bytes = 0;
        }
        for e in entries {
            self.recent_bytes += e.size();
            self.recent.push_back(e.clone());
        }
        while self.recent.len() > CACHE_MAX_ENTRIES
            || (self.recent_bytes > CACHE_MAX_BYTES && self.recent.len() > 1)
        {
            let e = self.recent.pop_front().expect("len() > 1");
            self.recent_bytes -= e.size();
        }
    }

    fn drop_recent_through(&mut self, index: Index) {
        while self.recent.front().is_some_and(|e| e.index <= index) {
            let e = self.recent.pop_front().expect("front() was just Some");
            self.recent_bytes -= e.size();
        }
    }
}

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
    /// Set when a commit failed: what is durable is then unknown, so no more writes.
    poisoned: AtomicBool,
}

/// The durable store of one node. Cheap to clone; all clones share one database.
#[derive(Clone, Debug)]
pub struct RedbStorage {
    inner: Arc<Inner>,
}

/// What `load` reads from the meta table.
struct Loaded {
    node_id: NodeId,
    cluster_id: u64,
    format_version: u32,
    cached: Cached,
}

impl RedbStorage {
    /// Whether `dir` holds a data dir's database (which `open` may still find broken).
    pub fn exists(dir: impl AsRef<Path>) -> bool {
        dir.as_ref().join(DB_FILE).exists()
    }

    /// Bootstraps a new data dir. `dir` must be missing or empty.
    pub fn create(dir: impl AsRef<Path>, init: InitialState) -> Result<RedbStorage> {
        let dir = dir.as_ref().to_path_buf();
        if init.node_id == 0 {
            return Err(Error::InvalidNodeId { path: dir });
        }
        prepare_empty_dir(&dir)?;
        let snapshots = dir.join(SNAPSHOT_DIR);
        fs::create_dir_all(&snapshots).map_err(|e| Error::io("create", &snapshots, e))?;
        let tmp = dir.join(DB_TMP_FILE);
        let path = dir.join(DB_FILE);
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(&tmp)
            .map_err(|e| open_error(&tmp, e))?;
        let cached = Cached {
            hard_state: HardState::default(),
            applied: 0,
            membership: init.membership.clone(),
            snapshot: StoredSnapshot::default(),
            log_start: EntryId::default(),
            last_index: 0,
            recent: VecDeque::new(),
            recent_bytes: 0,
        };
        {
            let mut txn = db
                .begin_write()
                .map_err(|e| Error::db("begin a write", &tmp, e))?;
            txn.set_durability(Durability::Immediate)
                .map_err(|e| Error::db("set the durability of a write", &tmp, e))?;
            {
                let mut meta = txn
                    .open_table(META)
                    .map_err(|e| Error::db("open the meta table", &tmp, e))?;
                let entries: [(&str, Vec<u8>); 8] = [
                    (key::FORMAT_VERSION, FORMAT_VERSION.to_le_bytes().to_vec()),
                    (key::NODE_ID, init.node_id.to_le_bytes().to_vec()),
                    (key::CLUSTER_ID, init.cluster_id.to_le_bytes().to_vec()),
                    (
                        key::HARD_STATE,
                        codec::encode_hard_state(&cached.hard_state).to_vec(),
                    ),
                    (key::APPLIED, 0u64.to_le_bytes().to_vec()),
                    (key::MEMBERSHIP, to_json(&cached.membership)),
                    (key::SNAPSHOT, to_json(&cached.snapshot)),
                    (
                        key::LOG_START,
                        codec::encode_entry_id(cached.log_start).to_vec(),
                    ),
                ];
                for (k, v) in entries {
                    meta.insert(k, v.as_slice())
                        .map_err(|e| Error::db("write metadata", &tmp, e))?;
                }
                txn.open_table(LOG)
                    .map_err(|e| Error::db("create the log table", &tmp, e))?;
            }
            txn.commit()
                .map_err(|e| Error::db("commit the new data dir", &tmp, e))?;
        }
        fs::rename(&tmp, &path).map_err(|e| Error::io("rename into place", &tmp, e))?;
        sync_dir(&dir)?;
        Ok(RedbStorage::from_parts(
            db,
            dir,
            path,
            false,
            Loaded {
                node_id: init.node_id,
                cluster_id: init.cluster_id,
                format_version: FORMAT_VERSION,
                cached,
            },
        ))
    }

    /// Opens an existing data dir for a node to run on.
    ///
    /// The database is first checked through a read-only handle, so a dir that is
    /// corrupt, truncated, of a newer format or in use is reported without a single byte
    /// of it changing; only then is it opened for writing. A database written by redb 2
    /// (raftctl before redb 4) is upgraded first, once, keeping the old file as
    /// `raftctl.redb.redb2-backup` (see `storage::upgrade`).
    pub fn open(dir: impl AsRef<Path>) -> Result<RedbStorage> {
        let dir = dir.as_ref().to_path_buf();
        let path = check_db_file(&dir)?;
        match open_checked(&path, true) {
            Err(Error::Redb2 { .. }) => {
                let backup = match quiet_panics(|| super::upgrade::upgrade(&dir, &path)) {
                    Ok(result) => result?,
                    Err(message) => {
                        return Err(Error::Corrupt {
                            path,
                            detail: format!("redb 2 cannot read it to upgrade it: {message}"),
                        })
                    }
                };
                tracing::info!(
                    "upgraded the data dir from redb 2 to redb 4 (backup kept at {})",
                    backup.display()
                );
                drop(open_checked(&path, true)?);
            }
            other => drop(other?),
        }
        let (db, mut loaded) = open_checked(&path, false)?;
        fill_recent(&db, &path, &mut loaded.cached)?;
        super::snapshot_file::remove_unfinished(&dir.join(SNAPSHOT_DIR))?;
        Ok(RedbStorage::from_parts(db, dir, path, false, loaded))
    }

    /// Opens an existing data dir for reading only: nothing is ever written to it (redb's
    /// own open-time bookkeeping is kept in memory). Fails if a running node holds it.
    pub fn open_read_only(dir: impl AsRef<Path>) -> Result<RedbStorage> {
        let dir = dir.as_ref().to_path_buf();
        let path = check_db_file(&dir)?;
        let (db, loaded) = open_checked(&path, true)?;
        Ok(RedbStorage::from_parts(db, dir, path, true, loaded))
    }

    fn from_parts(
        db: Database,
        dir: PathBuf,
        path: PathBuf,
        read_only: bool,
        loaded: Loaded,
    ) -> RedbStorage {
        RedbStorage {
            inner: Arc::new(Inner {
                db,
                dir,
                path,
                read_only,
                node_id: loaded.node_id,
                cluster_id: loaded.cluster_id,
                format_version: loaded.format_version,
                writer: Mutex::new(()),
                cached: RwLock::new(loaded.cached),
                poisoned: AtomicBool::new(false),
            }),
        }
    }

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

    /// A consistent read view of the whole database (the KV reads its tables with it).
    pub fn begin_read(&self) -> Result<ReadTransaction> {
        self.inner
            .db
            .begin_read()
            .map_err(|e| Error::db("begin a read", &self.inner.path, e))
    }

    /// Starts the write batch of one Ready: everything written through it becomes durable
    /// together, with one fsync, when `commit` returns.
    pub fn begin_write(&self) -> Result<WriteBatch<'_>> {
        let path = &self.inner.path;
        if self.inner.read_only {
            return Err(Error::ReadOnly { path: path.clone() });
        }
        let writer = self
            .inner
            .writer
            .lock()
            .map_err(|_| Error::Poisoned { path: path.clone() })?;
        if self.inner.poisoned.load(Ordering::SeqCst) {
            return Err(Error::Poisoned { path: path.clone() });
        }
        let mut txn = self
            .inner
            .db
            .begin_write()
            .map_err(|e| Error::db("begin a write", path, e))?;
        txn.set_durability(Durability::Immediate)
            .map_err(|e| Error::db("set the durability of a write", path, e))?;
        let c = self.cached();
        let staged = Staged {
            hard_state: c.hard_state,
            applied: c.applied,
            snapshot_index: c.snapshot.meta.index,
            log_start: c.log_start,
            last_index: c.last_index,
            membership: None,
            snapshot: None,
        };
        drop(c);
        Ok(WriteBatch {
            store: self,
            _writer: writer,
            txn,
            staged,
            ops: Vec::new(),
            buf: Vec::new(),
        })
    }

    /// Discards entries up to and including `index` in a batch of its own.
    pub fn compact(&self, index: Index) -> Result<()> {
        let mut w = self.begin_write()?;
        w.compact(index)?;
        w.commit()
    }

    /// Visits stored entries with `from <= index <= to` straight from the database, in
    /// index order, including ones that fail to decode (for `wal dump` and `wal verify`).
    /// The visitor gets the index, the stored value's size and the decoded entry.
    pub fn scan_log(
        &self,
        from: Index,
        to: Option<Index>,
        mut visit: impl FnMut(Index, usize, std::result::Result<Entry, String>) -> ControlFlow<()>,
    ) -> Result<()> {
        let path = &self.inner.path;
        let to = to.unwrap_or(u64::MAX);
        if from > to {
            return Ok(());
        }
        let txn = self.begin_read()?;
        let table = txn
            .open_table(LOG)
            .map_err(|e| Error::db("open the log table", path, e))?;
        let range = table
            .range(from..=to)
            .map_err(|e| Error::db("read the log", path, e))?;
        for item in range {
            let (k, v) = item.map_err(|e| Error::db("read the log", path, e))?;
            let index = k.value();
            let value = v.value();
            let entry = codec::decode_entry(value).map(|(term, entry_type, data)| Entry {
                term,
                index,
                entry_type,
                data,
            });
            if visit(index, codec::entry_data_len(value), entry).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The number of entries stored in the log table.
    pub fn stored_entry_count(&self) -> Result<u64> {
        let path = &self.inner.path;
        let txn = self.begin_read()?;
        let table = txn
            .open_table(LOG)
            .map_err(|e| Error::db("open the log table", path, e))?;
        table.len().map_err(|e| Error::db("count the log", path, e))
    }

    /// Starts a snapshot file for `meta` under `snapshots/`; the caller streams the
    /// state machine image into it and calls `finish`.
    pub fn create_snapshot_file(
        &self,
        meta: &SnapshotMeta,
        membership: &Membership,
    ) -> Result<SnapshotWriter> {
        if self.inner.read_only {
            return Err(Error::ReadOnly {
                path: self.inner.path.clone(),
            });
        }
        SnapshotWriter::create(
            &self.snapshot_dir(),
            SnapshotFileMeta {
                index: meta.index,
                term: meta.term,
                conf_state: meta.conf_state.clone(),
                membership: membership.clone(),
                cluster_id: format!("{:016x}", self.inner.cluster_id),
            },
        )
    }

    /// Opens the snapshot file of `term`/`index` for reading, checking its header.
    pub fn open_snapshot_file(&self, term: Term, index: Index) -> Result<SnapshotReader> {
        let path = self
            .snapshot_dir()
            .join(super::snapshot_file::file_name(term, index));
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
        super::snapshot_file::list_files(&self.snapshot_dir())
    }

    /// Removes every snapshot file older than the one at `index` (the runtime keeps the
    /// latest only, once the snapshot record points at it).
    pub fn remove_snapshot_files_before(&self, index: Index) -> Result<()> {
        if self.inner.read_only {
            return Err(Error::ReadOnly {
                path: self.inner.path.clone(),
            });
        }
        for (_, at, path) in self.snapshot_files()? {
            if at < index {
                fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
            }
        }
        Ok(())
    }

    /// The applied index, its term and the membership as of it, read from `txn` itself
    /// rather than from the caches, so that they match the KV tables the same read
    /// transaction shows: a snapshot built from one `txn` is consistent even while the
    /// node keeps committing.
    pub fn applied_state(&self, txn: &ReadTransaction) -> Result<AppliedState> {
        let path = &self.inner.path;
        let meta = txn
            .open_table(META)
            .map_err(|e| Error::db("open the meta table", path, e))?;
        let required = |k: &str| -> Result<Vec<u8>> {
            meta.get(k)
                .map_err(|e| Error::db("read metadata", path, e))?
                .map(|v| v.value().to_vec())
                .ok_or_else(|| Error::Corrupt {
                    path: path.clone(),
                    detail: format!("the metadata entry {k:?} is missing"),
                })
        };
        let decode_err = |what: &str, detail: String| Error::Decode {
            path: path.clone(),
            what: what.to_string(),
            detail,
        };
        let applied =
            codec::decode_u64(&required(key::APPLIED)?).map_err(|d| decode_err(key::APPLIED, d))?;
        let log_start = codec::decode_entry_id(&required(key::LOG_START)?)
            .map_err(|d| decode_err("log start", d))?;
        let membership: Membership = serde_json::from_slice(&required(key::MEMBERSHIP)?)
            .map_err(|e| decode_err("membership", e.to_string()))?;
        let applied_term = if applied == 0 {
            0
        } else if applied == log_start.index {
            log_start.term
        } else {
            let log = txn
                .open_table(LOG)
                .map_err(|e| Error::db("open the log table", path, e))?;
            let value = log
                .get(applied)
                .map_err(|e| Error::db("read the log", path, e))?
                .ok_or_else(|| Error::Corrupt {
                    path: path.clone(),
                    detail: format!(
                        "the applied index {applied} has no log entry (the log starts after index {})",
                        log_start.index
                    ),
                })?;
            codec::decode_entry_header(value.value())
                .map_err(|d| decode_err(&format!("log entry {applied}"), d))?
                .0
        };
        Ok(AppliedState {
            applied,
            applied_term,
            membership,
        })
    }

    fn read_term_from_db(&self, index: Index) -> Result<Option<Term>> {
        let path = &self.inner.path;
        let txn = self.begin_read()?;
        let table = txn
            .open_table(LOG)
            .map_err(|e| Error::db("open the log table", path, e))?;
        let Some(v) = table
            .get(index)
            .map_err(|e| Error::db("read the log", path, e))?
        else {
            return Ok(None);
        };
        let (term, _) = codec::decode_entry_header(v.value()).map_err(|detail| Error::Decode {
            path: path.clone(),
            what: format!("log entry {index}"),
            detail,
        })?;
        Ok(Some(term))
    }

    /// Reads `[lo, hi)` from the database into `out`, stopping at the size limit.
    /// Returns false once the limit stopped it.
    fn read_entries_from_db(
        &self,
        lo: Index,
        hi: Index,
        limit: &mut SizeLimit,
        out: &mut Vec<Entry>,
        first_index: Index,
    ) -> Result<bool> {
        let path = &self.inner.path;
        let txn = self.begin_read()?;
        let table = txn
            .open_table(LOG)
            .map_err(|e| Error::db("open the log table", path, e))?;
        let mut expected = lo;
        for item in table
            .range(lo..hi)
            .map_err(|e| Error::db("read the log", path, e))?
        {
            let (k, v) = item.map_err(|e| Error::db("read the log", path, e))?;
            let index = k.value();
            if index != expected {
                // Compacted between the bounds check and this read.
                return Err(Error::Compacted {
                    index: expected,
                    first_index,
                });
            }
            let (term, entry_type, data) =
                codec::decode_entry(v.value()).map_err(|detail| Error::Decode {
                    path: path.clone(),
                    what: format!("log entry {index}"),
                    detail,
                })?;
            let e = Entry {
                term,
                index,
                entry_type,
                data,
            };
            if !limit.admit(&e, out.is_empty()) {
                return Ok(false);
            }
            out.push(e);
            expected += 1;
        }
        if expected != hi {
            return Err(Error::Compacted {
                index: expected,
                first_index,
            });
        }
        Ok(true)
    }
}

struct SizeLimit {
    max: Option<u64>,
    used: u64,
}

impl SizeLimit {
    fn admit(&mut self, e: &Entry, first: bool) -> bool {
        let Some(max) = self.max else { return true };
        let size = self.used + e.size();
        if first || size <= max {
            self.used = size;
            true
        } else {
            false
        }
    }
}

/// What a batch has changed so far, for the checks of later calls in the same batch and
/// for the cache update after commit.
struct Staged {
    hard_state: HardState,
    applied: Index,
    snapshot_index: Index,
    log_start: EntryId,
    last_index: Index,
    membership: Option<Membership>,
    snapshot: Option<StoredSnapshot>,
}

enum CacheOp {
    Append(Vec<Entry>),
    Compact(EntryId),
    Reset,
}

/// One redb write transaction: the durable part of one Ready.
///
/// Nothing written here is visible to readers of the store, or counted in its cached
/// first/last index and hard state, until `commit` returns Ok. Dropping the batch
/// without committing discards it.
pub struct WriteBatch<'a> {
    store: &'a RedbStorage,
    _writer: MutexGuard<'a, ()>,
    txn: WriteTransaction,
    staged: Staged,
    ops: Vec<CacheOp>,
    buf: Vec<u8>,
}

impl WriteBatch<'_> {
    fn path(&self) -> &Path {
        &self.store.inner.path
    }

    /// The transaction, for the KV to write its tables in the same commit.
    pub fn txn(&self) -> &WriteTransaction {
        &self.txn
    }

    /// Commits this batch without an fsync (`durable = false`). Only for batches that
    /// carry nothing Raft needs on disk: no entries, no term or vote, no snapshot, no
    /// membership, only a higher commit index and the state machine applied up to it.
    /// A crash may lose such a batch (redb then holds the last durable commit, whole);
    /// the node restarts with a lower commit and applied index and applies the entries
    /// again from the durable log. The next durable commit makes it durable too.
    pub fn set_durable(&mut self, durable: bool) -> Result<()> {
        self.txn
            .set_durability(if durable {
                Durability::Immediate
            } else {
                Durability::None
            })
            .map_err(|e| Error::db("set the durability of a write", &self.store.inner.path, e))
    }

    fn put_meta(&self, k: &str, v: &[u8]) -> Result<()> {
        let mut meta = self
            .txn
            .open_table(META)
            .map_err(|e| Error::db("open the meta table", self.path(), e))?;
        meta.insert(k, v)
            .map_err(|e| Error::db("write metadata", self.path(), e))?;
        Ok(())
    }

    /// Appends entries, replacing any conflicting suffix of the log. Entries at or below
    /// the compacted position are skipped; a gap after the last index is refused.
    pub fn append(&mut self, entries: &[Entry]) -> Result<()> {
        for pair in entries.windows(2) {
            if pair[1].index != pair[0].index + 1 {
                return Err(Error::NotContiguous {
                    previous: pair[0].index,
                    found: pair[1].index,
                });
            }
        }
        let Some(first_new) = entries.first().map(|e| e.index) else {
            return Ok(());
        };
        let skip = (self.staged.log_start.index + 1).saturating_sub(first_new);
        let Some(entries) = entries.get(skip as usize..).filter(|e| !e.is_empty()) else {
            return Ok(());
        };
        let start = entries[0].index;
        let new_last = start + entries.len() as u64 - 1;
        let old_last = self.staged.last_index;
        if start > old_last + 1 {
            return Err(Error::LogGap {
                index: start,
                last_index: old_last,
            });
        }
        {
            let path = self.store.inner.path.clone();
            let mut table = self
                .txn
                .open_table(LOG)
                .map_err(|e| Error::db("open the log table", &path, e))?;
            for index in new_last + 1..=old_last {
                table
                    .remove(index)
                    .map_err(|e| Error::db("truncate the log", &path, e))?;
            }
            for e in entries {
                codec::encode_entry_into(&mut self.buf, e.term, e.entry_type, &e.data);
                table
                    .insert(e.index, self.buf.as_slice())
                    .map_err(|err| Error::db("append to the log", &path, err))?;
            }
        }
        self.staged.last_index = new_last;
        self.ops.push(CacheOp::Append(entries.to_vec()));
        Ok(())
    }

    pub fn set_hard_state(&mut self, hs: &HardState) -> Result<()> {
        self.put_meta(key::HARD_STATE, &codec::encode_hard_state(hs))?;
        self.staged.hard_state = *hs;
        Ok(())
    }

    /// Records the index the state machine has applied (the KV's changes for it are in
    /// this same transaction).
    pub fn set_applied(&mut self, applied: Index) -> Result<()> {
        self.put_meta(key::APPLIED, &applied.to_le_bytes())?;
        self.staged.applied = applied;
        Ok(())
    }

    /// Records the membership as of the applied index.
    pub fn set_membership(&mut self, membership: &Membership) -> Result<()> {
        self.put_meta(key::MEMBERSHIP, &to_json(membership))?;
        self.staged.membership = Some(membership.clone());
        Ok(())
    }

    /// Replaces the log and state with a snapshot: the log becomes empty after
    /// `meta.index`, applied becomes `meta.index`, the membership becomes the snapshot's,
    /// commit and term are raised to the snapshot's if lower. The KV restores its tables
    /// in this same transaction.
    pub fn install_snapshot(&mut self, meta: &SnapshotMeta, membership: &Membership) -> Result<()> {
        if meta.index < self.staged.snapshot_index {
            return Err(Error::SnapshotOutOfDate {
                requested: meta.index,
                held: self.staged.snapshot_index,
            });
        }
        let path = self.store.inner.path.clone();
        self.txn
            .delete_table(LOG)
            .map_err(|e| Error::db("clear the log", &path, e))?;
        self.txn
            .open_table(LOG)
            .map_err(|e| Error::db("recreate the log table", &path, e))?;
        let start = EntryId {
            index: meta.index,
            term: meta.term,
        };
        let record = StoredSnapshot {
            meta: meta.clone(),
            membership: membership.clone(),
        };
        let mut hs = self.staged.hard_state;
        hs.commit = hs.commit.max(meta.index);
        if hs.term < meta.term {
            hs.term = meta.term;
            hs.vote = None;
        }
        self.put_meta(key::LOG_START, &codec::encode_entry_id(start))?;
        self.put_meta(key::SNAPSHOT, &to_json(&record))?;
        self.set_membership(membership)?;
        self.set_applied(meta.index)?;
        self.set_hard_state(&hs)?;
        self.staged.log_start = start;
        self.staged.last_index = meta.index;
        self.staged.snapshot_index = meta.index;
        self.staged.snapshot = Some(record);
        self.ops.push(CacheOp::Reset);
        Ok(())
    }

    /// Records a snapshot taken of this node's own state machine at `meta.index`
    /// (which must be applied), without touching the log; `compact` then trims it.
    pub fn set_snapshot(&mut self, meta: &SnapshotMeta, membership: &Membership) -> Result<()> {
        if meta.index < self.staged.snapshot_index {
            return Err(Error::SnapshotOutOfDate {
                requested: meta.index,
                held: self.staged.snapshot_index,
            });
        }
        if meta.index > self.staged.applied {
            return Err(Error::Unavailable {
                index: meta.index,
                last_index: self.staged.applied,
            });
        }
        let record = StoredSnapshot {
            meta: meta.clone(),
            membership: membership.clone(),
        };
        self.put_meta(key::SNAPSHOT, &to_json(&record))?;
        self.staged.snapshot_index = meta.index;
        self.staged.snapshot = Some(record);
        Ok(())
    }

    /// Deletes entries up to and including `index`, keeping its term as the log's
    /// starting point. Already compacted: nothing to do. Refused past the last or the
    /// applied index.
    pub fn compact(&mut self, index: Index) -> Result<()> {
        let start = self.staged.log_start;
        if index <= start.index {
            return Ok(());
        }
        if index > self.staged.last_index {
            return Err(Error::CompactPastLast {
                index,
                last_index: self.staged.last_index,
            });
        }
        if index > self.staged.applied {
            return Err(Error::CompactPastApplied {
                index,
                applied: self.staged.applied,
            });
        }
        let path = self.store.inner.path.clone();
        let term = {
            let mut table = self
                .txn
                .open_table(LOG)
                .map_err(|e| Error::db("open the log table", &path, e))?;
            let term = {
                let v = table
                    .get(index)
                    .map_err(|e| Error::db("read the log", &path, e))?
                    .ok_or_else(|| Error::Corrupt {
                        path: path.clone(),
                        detail: format!(
                            "log entry {index} is missing although the log runs from {} to {}",
                            start.index + 1,
                            self.staged.last_index
                        ),
                    })?;
                codec::decode_entry_header(v.value())
                    .map_err(|detail| Error::Decode {
                        path: path.clone(),
                        what: format!("log entry {index}"),
                        detail,
                    })?
                    .0
            };
            // One `remove` per entry: after the first copy of a page, redb changes the
            // uncommitted copy in place. (`retain_in` copies the path again for every
            // removed key, which cost the leader about a tenth of its CPU under load.)
            for i in start.index + 1..=index {
                table
                    .remove(i)
                    .map_err(|e| Error::db("compact the log", &path, e))?;
            }
            term
        };
        let new_start = EntryId { index, term };
        self.put_meta(key::LOG_START, &codec::encode_entry_id(new_start))?;
        self.staged.log_start = new_start;
        self.ops.push(CacheOp::Compact(new_start));
        Ok(())
    }

    /// Makes the batch durable (one fsync) and then updates the caches. A failed commit
    /// may still have reached the disk, so the store refuses further writes after one.
    pub fn commit(self) -> Result<()> {
        let inner = &self.store.inner;
        // Readers wait out the fsync, so that none of them combines entries read from
        // the database after this commit with cached ones from before it.
        let mut c = self.store.cached_mut();
        if let Err(e) = self.txn.commit() {
            inner.poisoned.store(true, Ordering::SeqCst);
            return Err(Error::db("commit", &inner.path, e));
        }
        c.hard_state = self.staged.hard_state;
        c.applied = self.staged.applied;
        c.last_index = self.staged.last_index;
        c.log_start = self.staged.log_start;
        if let Some(m) = self.staged.membership {
            c.membership = m;
        }
        if let Some(s) = self.staged.snapshot {
            c.snapshot = s;
        }
        for op in self.ops {
            match op {
                CacheOp::Append(entries) => c.push_recent(&entries),
                CacheOp::Compact(start) => c.drop_recent_through(start.index),
                CacheOp::Reset => {
                    c.recent.clear();
                    c.recent_bytes = 0;
                }
            }
        }
        Ok(())
    }
}

impl Storage for RedbStorage {
    fn initial_state(&self) -> std::result::Result<RaftState, StorageError> {
        let c = self.cached();
        Ok(RaftState {
            hard_state: c.hard_state,
            conf_state: c.membership.conf_state(),
        })
    }

    fn entries(
        &self,
        lo: Index,
        hi: Index,
        max_size: Option<u64>,
    ) -> std::result::Result<Vec<Entry>, StorageError> {
        let c = self.cached();
        let first_index = c.log_start.index + 1;
        if lo < first_index {
            return Err(StorageError::Compacted);
        }
        if hi > c.last_index + 1 {
            return Err(StorageError::Unavailable);
        }
        let mut out = Vec::new();
        if lo >= hi {
            return Ok(out);
        }
        let mut limit = SizeLimit {
            max: max_size,
            used: 0,
        };
        let recent_first = c.recent_first();
        if lo < recent_first {
            let more = self.read_entries_from_db(
                lo,
                hi.min(recent_first),
                &mut limit,
                &mut out,
                first_index,
            )?;
            if !more {
                return Ok(out);
            }
        }
        for index in lo.max(recent_first)..hi {
            let Some(e) = c.recent_get(index) else {
                // The cache holds every index from recent_first to last_index; if that
                // ever breaks, fail this read rather than the node.
                return Err(StorageError::Other(format!(
                    "entry cache of {} lacks index {index} (cache {recent_first}..={:?}, last index {})",
                    self.inner.path.display(),
                    c.recent.back().map(|e| e.index),
                    c.last_index
                )));
            };
            if !limit.admit(e, out.is_empty()) {
                break;
            }
            out.push(e.clone());
        }
        Ok(out)
    }

    fn term(&self, index: Index) -> std::result::Result<Term, StorageError> {
        let c = self.cached();
        if index == c.log_start.index {
            return Ok(c.log_start.term);
        }
        if index < c.log_start.index {
            return Err(StorageError::Compacted);
        }
        if index > c.last_index {
            return Err(StorageError::Unavailable);
        }
        if let Some(e) = c.recent_get(index) {
            return Ok(e.term);
        }
        match self.read_term_from_db(index)? {
            Some(term) => Ok(term),
            None => Err(StorageError::Compacted),
        }
    }

    fn first_index(&self) -> std::result::Result<Index, StorageError> {
        Ok(RedbStorage::first_index(self))
    }

    fn last_index(&self) -> std::result::Result<Index, StorageError> {
        Ok(RedbStorage::last_index(self))
    }

    fn snapshot(&self, request_index: Index) -> std::result::Result<Snapshot, StorageError> {
        let c = self.cached();
        if c.snapshot.meta.index < request_index {
            return Err(StorageError::SnapshotTemporarilyUnavailable);
        }
        Ok(Snapshot {
            meta: c.snapshot.meta.clone(),
            data: bytes::Bytes::new(),
        })
    }
}

fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("membership and snapshot records always serialise")
}

/// Makes sure `dir` can hold a new data dir: missing (then created) or empty. A database
/// left half-made by a crash during an earlier `create` is removed.
fn prepare_empty_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e));
        }
        Err(e) => return Err(Error::io("read", dir, e)),
        Ok(m) if !m.is_dir() => {
            return Err(Error::NotADirectory {
                path: dir.to_path_buf(),
            })
        }
        Ok(_) => {}
    }
    for item in fs::read_dir(dir).map_err(|e| Error::io("list", dir, e))? {
        let item = item.map_err(|e| Error::io("list", dir, e))?;
        let name = item.file_name();
        let p = item.path();
        if name == DB_TMP_FILE {
            fs::remove_file(&p).map_err(|e| Error::io("remove", &p, e))?;
            continue;
        }
        let empty_snapshot_dir = name == SNAPSHOT_DIR
            && fs::read_dir(&p)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if !empty_snapshot_dir {
            return Err(Error::NotEmpty {
                path: dir.to_path_buf(),
                entry: name.to_string_lossy().into_owned(),
            });
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync", dir, e))
}

/// The checks that need no database: the dir and the file exist and the file starts
/// like a redb database.
fn check_db_file(dir: &Path) -> Result<PathBuf> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::MissingDir {
                path: dir.to_path_buf(),
            })
        }
        Err(e) => return Err(Error::io("read", dir, e)),
        Ok(m) if !m.is_dir() => {
            return Err(Error::NotADirectory {
                path: dir.to_path_buf(),
            })
        }
        Ok(_) => {}
    }
    let path = dir.join(DB_FILE);
    if !path.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|e| Error::io("list", dir, e))?
            .next()
            .is_none();
        return Err(if empty {
            Error::EmptyDir {
                path: dir.to_path_buf(),
            }
        } else {
            Error::MissingDatabase {
                dir: dir.to_path_buf(),
                path,
            }
        });
    }
    let mut file = File::open(&path).map_err(|e| Error::io("open", &path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io("read", &path, e))?
        .len();
    if len == 0 {
        return Err(Error::EmptyFile { path });
    }
    let mut magic = [0u8; REDB_MAGIC.len()];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(Error::io("read", &path, e)),
        }
    }
    if got < magic.len() || magic != REDB_MAGIC {
        return Err(Error::NotRedb { path, len });
    }
    Ok(path)
}

/// The first bytes of every redb file.
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// redb's page cache. Its default (1 GiB) let a member's memory grow with its log: about
/// 300 MiB resident with 1.1M entries kept. The hot set (the log's tail, the KV's pages
/// and the tree above them) is far smaller; older pages come from the OS page cache.
const CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Opens the database (read-only through the overlay backend, or for writing) and
/// loads its metadata, turning every failure into one clear error. redb asserts on some
/// damaged files (a truncated one, for instance) instead of returning an error; such a
/// panic is caught here and reported as a damaged file, without its message on stderr.
fn open_checked(path: &Path, read_only: bool) -> Result<(Database, Loaded)> {
    let attempt = quiet_panics(|| -> Result<(Database, Loaded)> {
        let db = if read_only {
            let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
            let backend = ReadOnlyBackend::new(file).map_err(|e| open_error(path, e))?;
            Database::builder()
                .create_with_backend(backend)
                .map_err(|e| open_error(path, e))?
        } else {
            Database::builder()
                .set_cache_size(CACHE_BYTES)
                .open(path)
                .map_err(|e| open_error(path, e))?
        };
        let loaded = load(&db, path)?;
        Ok((db, loaded))
    });
    match attempt {
        Ok(result) => result,
        Err(message) => {
            let len = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if message.contains("raw_file_len") {
                Err(Error::Truncated {
                    path: path.to_path_buf(),
                    len,
                    detail: "the file is shorter than its header says".into(),
                })
            } else {
                Err(Error::Corrupt {
                    path: path.to_path_buf(),
                    detail: format!("redb cannot read it (its internal check failed: {message})"),
                })
            }
        }
    }
}

thread_local! {
    /// Set while this thread runs `quiet_panics`: the panic hook stays silent.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(message)` without printing it. Other threads'
/// panics are printed as usual.
fn quiet_panics<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown failure".to_string())
    })
}

fn open_error(path: &Path, e: DatabaseError) -> Error {
    let path = path.to_path_buf();
    let len = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    match e {
        DatabaseError::DatabaseAlreadyOpen => Error::InUse { path },
        DatabaseError::UpgradeRequired(2) => Error::Redb2 { path },
        DatabaseError::UpgradeRequired(v) => Error::Corrupt {
            path,
            detail: format!("it is in redb file format {v}, which this build cannot read"),
        },
        DatabaseError::Storage(redb::StorageError::Io(io))
            if io.kind() == std::io::ErrorKind::UnexpectedEof =>
        {
            Error::Truncated {
                path,
                len,
                detail: io.to_string(),
            }
        }
        DatabaseError::Storage(redb::StorageError::Io(io)) => Error::Io {
            op: "open",
            path,
            source: io,
        },
        other => Error::Corrupt {
            path,
            detail: other.to_string(),
        },
    }
}

/// Reads the metadata a store keeps in memory, checking the format version first.
fn load(db: &Database, path: &Path) -> Result<Loaded> {
    let txn = db
        .begin_read()
        .map_err(|e| Error::db("begin a read", path, e))?;
    let meta = match txn.open_table(META) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => {
            return Err(Error::NotRaftctl {
                path: path.to_path_buf(),
                detail: "it has no raftctl metadata table".into(),
            })
        }
        Err(e) => return Err(Error::db("open the meta table", path, e)),
    };
    let get = |k: &str| -> Result<Option<Vec<u8>>> {
        Ok(meta
            .get(k)
            .map_err(|e| Error::db("read metadata", path, e))?
            .map(|v| v.value().to_vec()))
    };
    let decode_err = |what: &str, detail: String| Error::Decode {
        path: path.to_path_buf(),
        what: what.to_string(),
        detail,
    };
    let Some(version) = get(key::FORMAT_VERSION)? else {
        return Err(Error::NotRaftctl {
            path: path.to_path_buf(),
            detail: "it records no raftctl format version".into(),
        });
    };
    let format_version =
        codec::decode_u32(&version).map_err(|d| decode_err("format version", d))?;
    if format_version > FORMAT_VERSION {
        return Err(Error::FormatTooNew {
            path: path.to_path_buf(),
            found: format_version,
            supported: FORMAT_VERSION,
        });
    }
    if format_version == 0 {
        return Err(Error::UnknownFormat {
            path: path.to_path_buf(),
            found: format_version,
        });
    }
    let required = |k: &str| -> Result<Vec<u8>> {
        get(k)?.ok_or_else(|| Error::Corrupt {
            path: path.to_path_buf(),
            detail: format!("the metadata entry {k:?} is missing"),
        })
    };
    let u64_of =
        |k: &str| -> Result<u64> { codec::decode_u64(&required(k)?).map_err(|d| decode_err(k, d)) };
    let node_id = u64_of(key::NODE_ID)?;
    let cluster_id = u64_of(key::CLUSTER_ID)?;
    let applied = u64_of(key::APPLIED)?;
    let hard_state = codec::decode_hard_state(&required(key::HARD_STATE)?)
        .map_err(|d| decode_err("hard state", d))?;
    let log_start = codec::decode_entry_id(&required(key::LOG_START)?)
        .map_err(|d| decode_err("log start", d))?;
    let membership: Membership = serde_json::from_slice(&required(key::MEMBERSHIP)?)
        .map_err(|e| decode_err("membership", e.to_string()))?;
    let snapshot: StoredSnapshot = serde_json::from_slice(&required(key::SNAPSHOT)?)
        .map_err(|e| decode_err("snapshot record", e.to_string()))?;
    let log = match txn.open_table(LOG) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                detail: "the log table is missing".into(),
            })
        }
        Err(e) => return Err(Error::db("open the log table", path, e)),
    };
    let last_index = log
        .last()
        .map_err(|e| Error::db("read the log", path, e))?
        .map_or(log_start.index, |(k, _)| k.value());
    Ok(Loaded {
        node_id,
        cluster_id,
        format_version,
        cached: Cached {
            hard_state,
            applied,
            membership,
            snapshot,
            log_start,
            last_index: last_index.max(log_start.index),
            recent: VecDeque::new(),
            recent_bytes: 0,
        },
    })
}

/// Loads the newest entries into the cache, so a restarted leader serves followers from
/// memory right away.
fn fill_recent(db: &Database, path: &Path, cached: &mut Cached) -> Result<()> {
    let txn = db
        .begin_read()
        .map_err(|e| Error::db("begin a read", path, e))?;
    let table = txn
        .open_table(LOG)
        .map_err(|e| Error::db("open the log table", path, e))?;
    let mut newest = Vec::new();
    let mut bytes = 0u64;
    let mut expected = cached.last_index;
    for item in table
        .range(cached.log_start.index + 1..)
        .map_err(|e| Error::db("read the log", path, e))?
        .rev()
    {
        let (k, v) = item.map_err(|e| Error::db("read the log", path, e))?;
        let index = k.value();
        if index != expected {
            // A hole: leave it to the database path (and to `wal verify` to report).
            break;
        }
        let (term, entry_type, data) =
            codec::decode_entry(v.value()).map_err(|detail| Error::Decode {
                path: path.to_path_buf(),
                what: format!("log entry {index}"),
                detail,
            })?;
        let e = Entry {
            term,
            index,
            entry_type,
            data,
        };
        bytes += e.size();
        newest.push(e);
        expected = index.saturating_sub(1);
        if newest.len() >= CACHE_MAX_ENTRIES || bytes >= CACHE_MAX_BYTES {
            break;
        }
    }
    newest.reverse();
    cached.push_recent(&newest);
    Ok(())
}
