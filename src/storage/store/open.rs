//! Making and opening a data dir: `create`, `open`, `open_read_only` (and `create` and
//! `open` over a caller's redb backend, for fault injection), and every check a
//! data dir passes before the store trusts it (directory and file present, a redb
//! header, a redb 4 file, raftctl's tables and format version), each failure reported
//! as one `Error` variant that names the path.
//!
//! redb asserts on some damaged files instead of returning an error; such a panic is
//! caught here ([`quiet_panics`]) and reported as a damaged file, without its message on
//! stderr.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use redb::backends::FileBackend;
use redb::{Database, DatabaseError, StorageBackend};

use super::cache::Cached;
use super::schema::{key, to_json, Membership};
use super::tables::Ctx;
use super::{InitialState, Inner, RedbStorage, DB_FILE, FORMAT_VERSION, SNAPSHOT_DIR};
use crate::raft::NodeId;
use crate::storage::backend::ReadOnlyBackend;
use crate::storage::codec;
use crate::storage::error::{Error, Result};
use crate::storage::snapshot_file;

/// Where `create` builds the database before renaming it into place, so that a crash
/// during bootstrap never leaves a half-made `raftctl.redb`.
const DB_TMP_FILE: &str = "raftctl.redb.tmp";

/// The first bytes of every redb file.
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// redb's page cache. Its default (1 GiB) let a member's memory grow with its log: about
/// 300 MiB resident with 1.1M entries kept. The hot set (the log's tail, the KV's pages
/// and the tree above them) is far smaller; older pages come from the OS page cache.
const CACHE_BYTES: usize = 32 * 1024 * 1024;

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
        RedbStorage::create_with_backend(dir, init, FileBackend::new)
    }

    /// `create`, with every access redb makes to the database file going through the
    /// backend `wrap` makes of it (tests pass one that injects faults). `wrap` gets the
    /// new file, opened for reading and writing; the store still names, renames and
    /// fsyncs it as `create` does, so the backend must read and write that file.
    pub fn create_with_backend<B: StorageBackend>(
        dir: impl AsRef<Path>,
        init: InitialState,
        wrap: impl FnOnce(File) -> Result<B, DatabaseError>,
    ) -> Result<RedbStorage> {
        let dir = dir.as_ref().to_path_buf();
        if init.node_id == 0 {
            return Err(Error::InvalidNodeId { path: dir });
        }
        prepare_empty_dir(&dir)?;
        let snapshots = dir.join(SNAPSHOT_DIR);
        fs::create_dir_all(&snapshots).map_err(|e| Error::io("create", &snapshots, e))?;
        let tmp = dir.join(DB_TMP_FILE);
        let path = dir.join(DB_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&tmp)
            .map_err(|e| Error::io("create", &tmp, e))?;
        let db = open_over(&tmp, file, wrap)?;
        let cached = Cached::new(init.membership.clone());
        write_initial(&db, &tmp, &init, &cached)?;
        fs::rename(&tmp, &path).map_err(|e| Error::io("rename into place", &tmp, e))?;
        sync_dir(&dir)?;
        let loaded = Loaded {
            node_id: init.node_id,
            cluster_id: init.cluster_id,
            format_version: FORMAT_VERSION,
            cached,
        };
        Ok(RedbStorage::from_parts(db, dir, path, false, loaded))
    }

    /// Opens an existing data dir for a node to run on.
    ///
    /// The database is first checked through a read-only handle, so a dir that is
    /// corrupt, truncated, of a newer format or in use is reported without a single byte
    /// of it changing; only then is it opened for writing. A database written by redb 2
    /// (raftctl before redb 4) is upgraded first, once, keeping the old file as
    /// `raftctl.redb.redb2-backup` (see `storage::upgrade`).
    pub fn open(dir: impl AsRef<Path>) -> Result<RedbStorage> {
        RedbStorage::open_with_backend(dir, FileBackend::new)
    }

    /// `open`, with every access redb makes to the database file, once the checks have
    /// passed, going through the backend `wrap` makes of it (tests pass one that injects
    /// faults). `wrap` gets `<dir>/raftctl.redb` opened for reading and writing; the
    /// checks (and a redb 2 upgrade) read the file directly, never through it.
    pub fn open_with_backend<B: StorageBackend>(
        dir: impl AsRef<Path>,
        wrap: impl FnOnce(File) -> Result<B, DatabaseError>,
    ) -> Result<RedbStorage> {
        let dir = dir.as_ref().to_path_buf();
        let path = check_db_file(&dir)?;
        match open_checked(&path, || open_read_only_db(&path)) {
            Err(Error::Redb2 { .. }) => {
                upgrade_redb2(&dir, &path)?;
                drop(open_checked(&path, || open_read_only_db(&path))?);
            }
            other => drop(other?),
        }
        let (db, mut loaded) = open_checked(&path, || {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io("open", &path, e))?;
            // redb would make an empty file a new database: refuse it as the checks did,
            // should it have been emptied since.
            if file
                .metadata()
                .map_err(|e| Error::io("read", &path, e))?
                .len()
                == 0
            {
                return Err(Error::EmptyFile { path: path.clone() });
            }
            open_over(&path, file, wrap)
        })?;
        let ctx = Ctx::new(&path);
        loaded
            .cached
            .fill_recent(&ctx.read_log(&ctx.begin_read(&db)?)?)?;
        snapshot_file::remove_unfinished(&dir.join(SNAPSHOT_DIR))?;
        Ok(RedbStorage::from_parts(db, dir, path, false, loaded))
    }

    /// Opens an existing data dir for reading only: nothing is ever written to it (redb's
    /// own open-time bookkeeping is kept in memory). Fails if a running node holds it.
    pub fn open_read_only(dir: impl AsRef<Path>) -> Result<RedbStorage> {
        let dir = dir.as_ref().to_path_buf();
        let path = check_db_file(&dir)?;
        let (db, loaded) = open_checked(&path, || open_read_only_db(&path))?;
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
                poisoned: OnceLock::new(),
            }),
        }
    }
}

/// Writes a new database's metadata and empty log in one durable commit.
fn write_initial(db: &Database, tmp: &Path, init: &InitialState, cached: &Cached) -> Result<()> {
    let ctx = Ctx::new(tmp);
    let txn = ctx.begin_write(db)?;
    {
        let mut meta = ctx.write_meta(&txn)?;
        let records: [(&str, Vec<u8>); 8] = [
            (key::FORMAT_VERSION, FORMAT_VERSION.to_le_bytes().to_vec()),
            (key::NODE_ID, init.node_id.to_le_bytes().to_vec()),
            (key::CLUSTER_ID, init.cluster_id.to_le_bytes().to_vec()),
            (
                key::HARD_STATE,
                codec::encode_hard_state(&cached.hard_state).to_vec(),
            ),
            (key::APPLIED, cached.applied.to_le_bytes().to_vec()),
            (key::MEMBERSHIP, to_json(&cached.membership)),
            (key::SNAPSHOT, to_json(&cached.snapshot)),
            (
                key::LOG_START,
                codec::encode_entry_id(cached.log_start).to_vec(),
            ),
        ];
        for (k, v) in records {
            meta.put(k, &v)?;
        }
        ctx.write_log(&txn)?;
    }
    ctx.commit(txn, "commit the new data dir")
}

/// Upgrades a redb 2 database in place (see `storage::upgrade`); redb 2 panicking on the
/// old file is reported as a damaged file.
fn upgrade_redb2(dir: &Path, path: &Path) -> Result<()> {
    let backup = match quiet_panics(|| crate::storage::upgrade::upgrade(dir, path)) {
        Ok(result) => result?,
        Err(message) => {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                detail: format!("redb 2 cannot read it to upgrade it: {message}"),
            })
        }
    };
    tracing::info!(
        "upgraded the data dir from redb 2 to redb 4 (backup kept at {})",
        backup.display()
    );
    Ok(())
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
    check_redb_header(&path)?;
    Ok(path)
}

/// The file is not empty and starts with redb's magic bytes.
fn check_redb_header(path: &Path) -> Result<()> {
    let mut file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io("read", path, e))?
        .len();
    if len == 0 {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    let mut magic = [0u8; REDB_MAGIC.len()];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    if got < magic.len() || magic != REDB_MAGIC {
        return Err(Error::NotRedb {
            path: path.to_path_buf(),
            len,
        });
    }
    Ok(())
}

/// Opens (or, for an empty file, creates) the database in `file` through the backend
/// `wrap` makes of it.
fn open_over<B: StorageBackend>(
    path: &Path,
    file: File,
    wrap: impl FnOnce(File) -> Result<B, DatabaseError>,
) -> Result<Database> {
    let backend = wrap(file).map_err(|e| open_error(path, e))?;
    Database::builder()
        .set_cache_size(CACHE_BYTES)
        .create_with_backend(backend)
        .map_err(|e| open_error(path, e))
}

/// Opens the database behind the overlay backend: redb's open-time writes stay in
/// memory, and a database a running node holds is reported as in use.
fn open_read_only_db(path: &Path) -> Result<Database> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let backend = ReadOnlyBackend::new(file).map_err(|e| open_error(path, e))?;
    Database::builder()
        .create_with_backend(backend)
        .map_err(|e| open_error(path, e))
}

/// Opens the database with `open` and loads its metadata, turning every failure into
/// one clear error, a panic of redb's included.
fn open_checked(
    path: &Path,
    open: impl FnOnce() -> Result<Database>,
) -> Result<(Database, Loaded)> {
    let attempt = quiet_panics(|| -> Result<(Database, Loaded)> {
        let db = open()?;
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

/// What a failure of redb to open `path` means for a data dir.
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
    let ctx = Ctx::new(path);
    let txn = ctx.begin_read(db)?;
    let meta = ctx.read_meta(&txn)?;
    let Some(format_version) = meta.format_version()? else {
        return Err(Error::NotRaftctl {
            path: path.to_path_buf(),
            detail: "it records no raftctl format version".into(),
        });
    };
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
    let node_id = meta.u64(key::NODE_ID)?;
    let cluster_id = meta.u64(key::CLUSTER_ID)?;
    let mut cached = Cached::new(Membership::default());
    cached.applied = meta.u64(key::APPLIED)?;
    cached.hard_state = meta.hard_state()?;
    cached.log_start = meta.log_start()?;
    cached.membership = meta.membership()?;
    cached.snapshot = meta.snapshot()?;
    let last_index = ctx.read_log(&txn)?.last_index()?;
    cached.last_index = last_index.map_or(cached.log_start.index, |last| {
        last.max(cached.log_start.index)
    });
    Ok(Loaded {
        node_id,
        cluster_id,
        format_version,
        cached,
    })
}
