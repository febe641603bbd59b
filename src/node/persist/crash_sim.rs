//! A seeded simulation of the [`Persister`] over a disk that loses everything written
//! since the last sync when it "crashes": random Readies (new entries, commit-only
//! ones, membership changes), applies, partial and full flushes, snapshots with their
//! compaction, and crashes between steps or in the middle of a transaction. After every
//! crash the store is reopened and the member recovers as the runtime does (apply again
//! from the stored applied index up to the saved commit index), and then:
//! - every entry a `persist` returned for is still there (unless compacted);
//! - the database is never ahead of the saved commit index, and the log still holds
//!   every entry after the stored applied index (compaction never outruns it);
//! - the key-value state equals the state the committed log prefix describes.
//!
//! Between crashes, reads through the buffer over the database equal that state at the
//! visible index. Key space and run length are chosen so that the buffer passes its
//! limits and keys are written out in chunks (`write_excess`, the `Forget` settle).
//! A failing seed prints itself; `PERSIST_SIM_SEED=N` replays it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redb::backends::FileBackend;
use redb::{DatabaseError, StorageBackend};

use super::Persister;
use crate::kv::{ApplyBuffer, Command, Op, View, TARGET_KEYS};
use crate::metrics::Metrics;
use crate::raft::{ConfState, Entry, EntryType, HardState, Index, Ready, SnapshotMeta, Storage};
use crate::storage::{InitialState, Membership, RedbStorage};

/// What a crash undoes: the bytes a write replaced, or the length before a resize.
enum Undo {
    Write(u64, Vec<u8>),
    Len(u64),
}

struct DiskState {
    /// The database file, rolled back through a handle of its own.
    path: std::path::PathBuf,
    /// Since the last sync, in order.
    undo: Vec<Undo>,
    /// Writes from now until the crash (`Some(0)`: the next write crashes).
    crash_after_writes: Option<u64>,
    crashed: bool,
}

/// The shared handle of one simulated disk.
#[derive(Clone)]
pub(super) struct Disk(Arc<Mutex<DiskState>>);

/// redb's file backend, with a crash that rolls the file back to its last sync.
pub(super) struct CrashBackend {
    file: FileBackend,
    disk: Disk,
}

fn crashed() -> io::Error {
    io::Error::other("the simulated machine crashed")
}

impl Disk {
    pub(super) fn new(path: &Path) -> Disk {
        Disk(Arc::new(Mutex::new(DiskState {
            path: path.to_path_buf(),
            undo: Vec::new(),
            crash_after_writes: None,
            crashed: false,
        })))
    }

    /// Crashes the machine now, unless a write already did.
    pub(super) fn crash(&self) {
        let mut state = self.state();
        if !state.crashed {
            state.crash().expect("roll the file back");
        }
    }

    pub(super) fn wrap(&self) -> impl FnOnce(File) -> Result<CrashBackend, DatabaseError> {
        let disk = self.clone();
        move |f| {
            Ok(CrashBackend {
                file: FileBackend::new(f)?,
                disk,
            })
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, DiskState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The machine crashes during the `n`+1th write from now.
    pub(super) fn crash_after_writes(&self, n: u64) {
        self.state().crash_after_writes = Some(n);
    }

    /// Takes back a crash set up by [`Disk::crash_after_writes`].
    pub(super) fn cancel_crash(&self) {
        self.state().crash_after_writes = None;
    }

    /// Whether the machine crashed (by [`Disk::crash`] or under a write).
    pub(super) fn crashed(&self) -> bool {
        self.state().crashed
    }
}

impl DiskState {
    /// Rolls the file back to what the last sync made durable; nothing reaches it after.
    fn crash(&mut self) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.crashed = true;
        let file = File::options().write(true).open(&self.path)?;
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Write(offset, old) => file.write_all_at(&old, offset)?,
                Undo::Len(len) => file.set_len(len)?,
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for CrashBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CrashBackend")
    }
}

impl StorageBackend for CrashBackend {
    fn len(&self) -> io::Result<u64> {
        self.file.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.file.read(offset, out)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut state = self.disk.state();
        if state.crashed {
            return Err(crashed());
        }
        let old = self.file.len()?;
        state.undo.push(Undo::Len(old));
        self.file.set_len(len)
    }

    fn sync_data(&self) -> io::Result<()> {
        let mut state = self.disk.state();
        if state.crashed {
            return Err(crashed());
        }
        state.undo.clear();
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut state = self.disk.state();
        if state.crashed {
            return Err(crashed());
        }
        if let Some(n) = state.crash_after_writes {
            if n == 0 {
                state.crash()?;
                return Err(crashed());
            }
            state.crash_after_writes = Some(n - 1);
        }
        let len = self.file.len()?;
        let end = offset.saturating_add(data.len() as u64);
        if end > len {
            state.undo.push(Undo::Len(len));
        }
        if offset < len {
            let mut old = vec![0; (end.min(len) - offset) as usize];
            self.file.read(offset, &mut old)?;
            state.undo.push(Undo::Write(offset, old));
        }
        self.file.write(offset, data)
    }

    fn close(&self) -> io::Result<()> {
        self.file.close()
    }

    crate::delegate_file_locks!(file);
}

/// Keys written: so many that a few thousand entries touch more keys than the buffer
/// keeps, and chunks go out with transactions.
const KEYS: usize = TARGET_KEYS * 4;

fn membership() -> Membership {
    Membership {
        voters: BTreeMap::from([(1, "http://127.0.0.1:7001".to_string())]),
        learners: BTreeMap::new(),
    }
}

/// The command of entry `index` in a run of `seed`: a put of a key chosen at random, or
/// now and then a delete; every 97th entry is empty (as a new leader's).
fn command_at(seed: u64, index: Index) -> Option<Command> {
    if index.is_multiple_of(97) {
        return None;
    }
    let mut rng = StdRng::seed_from_u64(seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let key = format!("k{:05}", rng.gen_range(0..KEYS));
    let op = if rng.gen_ratio(1, 8) {
        Op::Delete { key }
    } else {
        let len = rng.gen_range(0..64);
        Op::Put {
            key,
            value: Bytes::from(format!("{index}:{}", "v".repeat(len))),
        }
    };
    Some(Command {
        origin: 1,
        request_id: index,
        op,
    })
}

fn entry_at(seed: u64, index: Index) -> Entry {
    Entry {
        term: 1,
        index,
        entry_type: EntryType::Normal,
        data: command_at(seed, index).map_or_else(Bytes::new, |c| c.encode()),
    }
}

/// The key-value state the log describes, kept at one index and moved forward entry by
/// entry (rebuilt from the start to go back, as after a crash).
struct Model {
    seed: u64,
    at: Index,
    kv: BTreeMap<String, Bytes>,
}

impl Model {
    fn new(seed: u64) -> Model {
        Model {
            seed,
            at: 0,
            kv: BTreeMap::new(),
        }
    }

    /// The state after applying entries `1..=upto`.
    fn state_at(&mut self, upto: Index) -> &BTreeMap<String, Bytes> {
        if upto < self.at {
            *self = Model::new(self.seed);
        }
        for index in self.at + 1..=upto {
            match command_at(self.seed, index).map(|c| c.op) {
                Some(Op::Put { key, value }) => {
                    self.kv.insert(key, value);
                }
                Some(Op::Delete { key }) => {
                    self.kv.remove(&key);
                }
                None => {}
            }
        }
        self.at = upto;
        &self.kv
    }
}

/// Everything the member holds, read through the buffer over the database.
pub(super) fn read_all(p: &Persister) -> BTreeMap<String, Bytes> {
    let txn = p.store().begin_read().expect("a read transaction");
    let buffered = p.buffer.read();
    let view = View::new(&buffered, &txn);
    let mut kv = BTreeMap::new();
    for key in view.list("", usize::MAX).expect("keys") {
        let value = view
            .get(&key)
            .expect("a value")
            .expect("a listed key has one");
        kv.insert(key, value);
    }
    kv
}

/// One member's life: its persister, and what it was told was durable.
struct Member {
    seed: u64,
    dir: tempfile::TempDir,
    disk: Disk,
    /// `None` only while the machine is down.
    persister: Option<Persister>,
    /// Last entry a `persist` returned for.
    durable: Index,
    /// The commit index the core would hold (entries up to it may be applied).
    commit: Index,
    /// Applied into the buffer (the visible index).
    visible: Index,
    crashes: u32,
    model: Model,
    /// Largest number of keys the buffer held, and how many Readies took keys out of it
    /// without emptying it (chunks written along with a transaction).
    most_buffered: usize,
    chunks: u32,
    /// The simulation's clock: a millisecond per step, so that the buffer's idle flush
    /// comes at the same step on every run of a seed.
    now: Instant,
}

impl Member {
    fn new(seed: u64) -> Member {
        let dir = tempfile::tempdir().expect("temp dir");
        let disk = Disk::new(&dir.path().join("raftctl.redb"));
        let init = InitialState {
            node_id: 1,
            cluster_id: 7,
            membership: membership(),
        };
        let store =
            RedbStorage::create_with_backend(dir.path(), init, disk.wrap()).expect("create");
        Member {
            seed,
            persister: Some(Persister::new(store, ApplyBuffer::new(), 1, Metrics::new())),
            dir,
            disk,
            durable: 0,
            commit: 0,
            visible: 0,
            crashes: 0,
            model: Model::new(seed),
            most_buffered: 0,
            chunks: 0,
            now: Instant::now(),
        }
    }

    fn p(&self) -> &Persister {
        self.persister.as_ref().expect("a running member")
    }

    fn p_mut(&mut self) -> &mut Persister {
        self.persister.as_mut().expect("a running member")
    }

    /// Crashes the machine (if a write did not already) and recovers as the runtime does.
    fn crash_and_recover(&mut self) {
        self.crashes += 1;
        self.disk.crash();
        // The old store goes (its writes fail from now on), then a new machine opens it.
        drop(self.persister.take());
        self.disk = Disk::new(&self.dir.path().join("raftctl.redb"));
        let store = RedbStorage::open_with_backend(self.dir.path(), self.disk.wrap())
            .unwrap_or_else(|e| panic!("seed {}: reopen after a crash: {e}", self.seed));
        self.persister = Some(Persister::new(store, ApplyBuffer::new(), 1, Metrics::new()));
        self.recover();
    }

    fn recover(&mut self) {
        let seed = self.seed;
        let store = self.p().store().clone();
        let hs = store.hard_state();
        let applied = store.applied();
        let (first, last) = (store.first_index(), store.last_index());
        assert!(
            last >= self.durable,
            "seed {seed}: entries up to {} were durable, the log ends at {last}",
            self.durable
        );
        assert!(
            applied <= hs.commit,
            "seed {seed}: the database holds changes up to {applied}, beyond the saved commit index {}",
            hs.commit
        );
        assert!(
            first <= applied + 1,
            "seed {seed}: the log starts at {first}, after the stored applied index {applied}: the replay cannot be done"
        );
        for index in first..=self.durable.min(last) {
            let got = store.entries(index, index + 1, None).expect("an entry");
            assert_eq!(got[0], entry_at(seed, index), "seed {seed}: entry {index}");
        }
        // What the runtime does at start: apply again what the database is missing.
        if hs.commit > applied {
            let entries = store
                .entries(applied + 1, hs.commit + 1, None)
                .expect("the entries to apply again");
            let now = self.now;
            self.p_mut().apply(&entries, now).expect("apply again");
        }
        self.commit = hs.commit;
        self.visible = hs.commit;
        self.durable = last;
        let got = read_all(self.p());
        let want = self.model.state_at(hs.commit);
        assert!(
            got == *want,
            "seed {seed}: after crash {} the state at {} differs: {} keys, want {}",
            self.crashes,
            hs.commit,
            got.len(),
            want.len()
        );
    }

    /// One Ready: maybe new entries, maybe a commit move, maybe a membership change;
    /// committed entries are applied before the persist (the runtime's early answers).
    fn ready(&mut self, rng: &mut StdRng) -> Result<(), super::Error> {
        let mut rd = Ready::default();
        if rng.gen_ratio(3, 4) {
            let n = rng.gen_range(1..=150);
            rd.entries = (self.durable + 1..=self.durable + n)
                .map(|i| entry_at(self.seed, i))
                .collect();
            rd.must_sync = true;
        }
        if self.durable > self.commit && rng.gen_ratio(3, 4) {
            self.commit = rng.gen_range(self.commit + 1..=self.durable);
            rd.hard_state = Some(HardState {
                term: 1,
                vote: Some(1),
                commit: self.commit,
            });
        }
        let changes_membership = rng.gen_ratio(1, 30);
        if self.commit > self.visible {
            let committed = self
                .p()
                .store()
                .entries(self.visible + 1, self.commit + 1, None)
                .expect("committed entries");
            let now = self.now;
            self.p_mut().apply(&committed, now)?;
            self.visible = self.commit;
        }
        let m = changes_membership.then(membership);
        let before = self.p().buffer.read().keys();
        self.p_mut().persist(&rd, m.as_ref())?;
        let after = self.p().buffer.read().keys();
        self.most_buffered = self.most_buffered.max(before);
        if after < before && after > 0 {
            self.chunks += 1;
        }
        if let Some(last) = rd.entries.last() {
            self.durable = last.index;
        }
        Ok(())
    }

    /// Reads through the buffer over the database equal the state at the visible index.
    fn check_reads(&mut self) {
        let got = read_all(self.p());
        let want = self.model.state_at(self.visible);
        assert!(
            got == *want,
            "seed {}: reads at visible index {} differ from the log",
            self.seed,
            self.visible
        );
    }

    /// A snapshot as the runtime takes one: the buffer written out first, then recorded
    /// at the database's applied index; compaction follows in later Readies.
    fn snapshot(&mut self, keep_log: u64) -> Result<(), super::Error> {
        self.p_mut().flush(true)?;
        let index = self.p().store().applied();
        if index == 0 {
            return Ok(());
        }
        let meta = SnapshotMeta {
            index,
            term: 1,
            conf_state: ConfState {
                voters: vec![1],
                learners: vec![],
            },
        };
        self.p_mut()
            .record_snapshot(&meta, &membership(), keep_log)?;
        Ok(())
    }
}

fn run(seed: u64, steps: usize) -> Member {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut m = Member::new(seed);
    for _ in 0..steps {
        m.now += Duration::from_millis(1);
        let step = match rng.gen_range(0..100) {
            0..=81 => m.ready(&mut rng),
            82..=91 => {
                let now = m.now;
                m.p_mut().maybe_flush(now)
            }
            92 => m.p_mut().flush(rng.gen_bool(0.5)),
            93 => m.snapshot(rng.gen_range(0..2_000)),
            94..=96 => {
                m.check_reads();
                Ok(())
            }
            97 | 98 => {
                // A crash in the middle of the next transaction.
                m.disk.crash_after_writes(rng.gen_range(0..6));
                m.ready(&mut rng)
            }
            _ => {
                m.crash_and_recover();
                Ok(())
            }
        };
        if step.is_err() || m.disk.state().crashed {
            // A write failed because the machine crashed under it.
            m.crash_and_recover();
        }
    }
    m.check_reads();
    m.crash_and_recover();
    m
}

/// The seed in environment variable `var` (to replay one), else seeds `1..=count`.
pub(super) fn seeds(var: &str, count: u64) -> Vec<u64> {
    match std::env::var(var) {
        Ok(s) => vec![s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{var} is a number"))],
        Err(_) => (1..=count).collect(),
    }
}

#[test]
fn crashes_anywhere_lose_nothing_durable_and_replay_to_the_committed_state() {
    let (mut crashes, mut compacted, mut chunks, mut most) = (0, 0, 0, 0);
    for seed in seeds("PERSIST_SIM_SEED", 8) {
        let m = run(seed, 1_000);
        crashes += m.crashes;
        compacted += m.p().store().first_index() - 1;
        chunks += m.chunks;
        most = most.max(m.most_buffered);
    }
    eprintln!(
        "persister simulation: {crashes} crashes, {compacted} entries compacted, \
         {chunks} chunks written along, at most {most} keys buffered"
    );
    assert!(crashes > 0, "no crash happened");
    assert!(compacted > 0, "no compaction happened");
    assert!(chunks > 0, "the buffer never passed its limits");
}

#[test]
fn the_crash_disk_loses_what_was_not_synced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f");
    std::fs::write(&path, b"").expect("a file");
    let disk = Disk::new(&path);
    let file = File::options()
        .read(true)
        .write(true)
        .open(&path)
        .expect("open");
    let b = (disk.wrap())(file).expect("backend");
    b.write(0, b"durable").expect("write");
    b.sync_data().expect("sync");
    b.write(0, b"DUR").expect("write");
    b.write(7, b"-lost").expect("write");
    disk.crash();
    assert_eq!(std::fs::read(&path).expect("read"), b"durable");
    assert!(b.write(0, b"x").is_err(), "writes after the crash fail");
    disk.crash_after_writes(0);
}
