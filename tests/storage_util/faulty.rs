//! `FaultyBackend`: redb's `FileBackend` with disk faults injected on command, for tests
//! of what the store (and a node on it) does when the disk fails.
//!
//! ```ignore
//! let faults = Faults::new();
//! let store = RedbStorage::create_with_backend(dir, init(1), faults.wrap())?;
//! // or: RedbStorage::open_with_backend(dir, faults.wrap())?
//! faults.fail_write(1);          // the next write fails (once) with EIO
//! faults.fail_sync(1);           // the next sync_data fails (once) with EIO
//! faults.set_disk_full(true);    // from now on writes and growth fail with ENOSPC
//! faults.clear();                // back to a healthy disk
//! assert_eq!(faults.injected(), 1);
//! ```
//!
//! - `Faults` is the shared handle: cheap to clone, usable from any thread, and read by
//!   the backend at every call, so faults can be armed while the store is in use.
//! - `fail_write(n)` / `fail_sync(n)`: the n-th `write` / `sync_data` from now (1 = the
//!   next) fails once with `EIO`, without touching the file; the calls after it go
//!   through again. (redb itself then fails every access until the database is reopened,
//!   so a store never gets to see the disk "heal".)
//! - `set_disk_full(true)`: every `write`, and every `set_len` that grows the file,
//!   fails with `ENOSPC` (`io::ErrorKind::StorageFull`, raw os error 28) until it is set
//!   back to false. Reads, syncs and shrinking keep working.
//! - A failed `sync_data` does not undo the writes before it: they are in the OS's page
//!   cache, as after a real fsync error, so a reopen in the same process reads them.
//! - `writes()`, `syncs()` count the calls made so far (failed ones included), to find
//!   how many a commit makes; `injected()` counts the faults injected.
//! - Locks are passed to the file backend (`raftctl::delegate_file_locks!`), so the
//!   database is locked as usual.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use redb::backends::FileBackend;
use redb::{DatabaseError, StorageBackend};

/// ENOSPC on Linux (and most unixes); `io::Error` reports it as `StorageFull`.
const ENOSPC: i32 = 28;
/// EIO.
const EIO: i32 = 5;

/// The faults to inject, shared by a test and every backend made with [`Faults::wrap`].
#[derive(Clone, Debug, Default)]
pub struct Faults(Arc<State>);

#[derive(Debug, Default)]
struct State {
    /// Counts down to the write that fails (0: none armed).
    write_in: AtomicU64,
    /// Counts down to the sync that fails (0: none armed).
    sync_in: AtomicU64,
    disk_full: AtomicBool,
    writes: AtomicU64,
    syncs: AtomicU64,
    injected: AtomicU64,
}

impl Faults {
    pub fn new() -> Faults {
        Faults::default()
    }

    /// Makes the `n`-th `write` from now fail once with EIO (`n` >= 1).
    pub fn fail_write(&self, n: u64) {
        assert!(n >= 1, "fail_write counts from 1 (the next write)");
        self.0.write_in.store(n, Ordering::SeqCst);
    }

    /// Makes the `n`-th `sync_data` from now fail once with EIO (`n` >= 1).
    pub fn fail_sync(&self, n: u64) {
        assert!(n >= 1, "fail_sync counts from 1 (the next sync)");
        self.0.sync_in.store(n, Ordering::SeqCst);
    }

    /// While `full`, writes and growing the file fail with ENOSPC.
    pub fn set_disk_full(&self, full: bool) {
        self.0.disk_full.store(full, Ordering::SeqCst);
    }

    /// Disarms every fault.
    pub fn clear(&self) {
        self.0.write_in.store(0, Ordering::SeqCst);
        self.0.sync_in.store(0, Ordering::SeqCst);
        self.0.disk_full.store(false, Ordering::SeqCst);
    }

    /// `write` calls so far, failed ones included.
    pub fn writes(&self) -> u64 {
        self.0.writes.load(Ordering::SeqCst)
    }

    /// `sync_data` calls so far, failed ones included.
    pub fn syncs(&self) -> u64 {
        self.0.syncs.load(Ordering::SeqCst)
    }

    /// How many faults were injected so far.
    pub fn injected(&self) -> u64 {
        self.0.injected.load(Ordering::SeqCst)
    }

    /// What `RedbStorage::create_with_backend` / `open_with_backend` take: wraps the
    /// database file in a `FaultyBackend` sharing these faults.
    pub fn wrap(&self) -> impl FnOnce(File) -> Result<FaultyBackend, DatabaseError> {
        let faults = self.clone();
        move |file| FaultyBackend::new(file, &faults)
    }

    /// True when the armed countdown in `slot` reaches this call.
    fn countdown(&self, slot: &AtomicU64) -> bool {
        let previous = slot.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            (left > 0).then(|| left - 1)
        });
        previous == Ok(1)
    }

    fn inject(&self, code: i32) -> io::Error {
        self.0.injected.fetch_add(1, Ordering::SeqCst);
        io::Error::from_raw_os_error(code)
    }
}

/// A redb backend over a file whose writes and syncs fail when [`Faults`] say so.
#[derive(Debug)]
pub struct FaultyBackend {
    file: FileBackend,
    faults: Faults,
}

impl FaultyBackend {
    pub fn new(file: File, faults: &Faults) -> Result<FaultyBackend, DatabaseError> {
        Ok(FaultyBackend {
            file: FileBackend::new(file)?,
            faults: faults.clone(),
        })
    }
}

impl StorageBackend for FaultyBackend {
    fn len(&self) -> io::Result<u64> {
        self.file.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.file.read(offset, out)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let f = &self.faults;
        if f.0.disk_full.load(Ordering::SeqCst) && len > self.file.len()? {
            return Err(f.inject(ENOSPC));
        }
        self.file.set_len(len)
    }

    fn sync_data(&self) -> io::Result<()> {
        let f = &self.faults;
        f.0.syncs.fetch_add(1, Ordering::SeqCst);
        if f.countdown(&f.0.sync_in) {
            return Err(f.inject(EIO));
        }
        self.file.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let f = &self.faults;
        f.0.writes.fetch_add(1, Ordering::SeqCst);
        if f.0.disk_full.load(Ordering::SeqCst) {
            return Err(f.inject(ENOSPC));
        }
        if f.countdown(&f.0.write_in) {
            return Err(f.inject(EIO));
        }
        self.file.write(offset, data)
    }

    fn close(&self) -> io::Result<()> {
        self.file.close()
    }

    raftctl::delegate_file_locks!(file);
}
