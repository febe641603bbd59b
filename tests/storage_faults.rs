//! Disk faults under the store: a write, an fsync or a full disk failing while a batch
//! is built or committed, injected through `storage_util::faulty::FaultyBackend`.
//!
//! For each fault: the batch that hits it fails, and its `commit` returns an error even
//! if the caller ignored the failed step; the store then refuses further batches for as
//! long as the process keeps it open, even once the disk is healthy again, while its
//! cached view stays the last committed one. After reopening the directory with the
//! normal file backend, what was committed before is intact, the failed batch is there
//! entirely or not at all (entirely only when its writes all reached the file and only
//! the fsync failed: see `a_failed_fsync_fails_the_batch_which_may_still_be_durable`),
//! `raftctl wal verify` passes, and the store takes writes again.

mod storage_util;

use std::path::Path;
use std::process::Command;

use bytes::Bytes;
use raftctl::raft::{Entry, EntryType, HardState, Index, Storage};
use raftctl::storage::{Error, RedbStorage};
use storage_util::faulty::Faults;
use storage_util::init;
use storage_util::raftctl_bin;

/// What the base batch commits: entries 1..=5 of term 1, commit 5, applied 3.
const BASE_LAST: Index = 5;
/// The doomed batch's last entry (from 6, term 2; then commit 9, applied 9)...
const SMALL: Index = 12;
/// ...or, for a batch bigger than half of redb's 32 MiB cache, which redb starts writing
/// to the file while the batch is built, before its commit.
const BIG: Index = 6_000;

fn entry(index: Index, term: u64) -> Entry {
    // Big enough that a batch spans several pages.
    let mut data = format!("entry {index} term {term}:").into_bytes();
    data.resize(3_000, (index % 251) as u8);
    Entry {
        term,
        index,
        entry_type: EntryType::Normal,
        data: Bytes::from(data),
    }
}

fn expected_entries(through: Index) -> Vec<Entry> {
    (1..=through)
        .map(|i| entry(i, if i <= BASE_LAST { 1 } else { 2 }))
        .collect()
}

fn base_hard_state() -> HardState {
    HardState {
        term: 1,
        vote: Some(1),
        commit: BASE_LAST,
    }
}

fn doomed_hard_state() -> HardState {
    HardState {
        term: 2,
        vote: Some(2),
        commit: 9,
    }
}

/// A new data dir over `faults`, with the base batch committed.
fn base_store(dir: &Path, faults: &Faults) -> RedbStorage {
    let store = RedbStorage::create_with_backend(dir, init(1), faults.wrap()).unwrap();
    let mut w = store.begin_write().unwrap();
    w.append(&expected_entries(BASE_LAST)).unwrap();
    w.set_hard_state(&base_hard_state()).unwrap();
    w.set_applied(3).unwrap();
    w.commit().unwrap();
    store
}

/// When the test arms its fault.
#[derive(Clone, Copy, Debug)]
enum Arm {
    /// Before the doomed batch begins: it may hit while the batch is built.
    BeforeBatch,
    /// After the batch is built, right before `commit`.
    BeforeCommit,
}

/// The batch a fault hits: entries 6..=`last`, a new term and vote, commit and applied
/// raised. Every step is taken even after one failed (as a careless caller would) and
/// the first error is returned; a commit after a failed step must fail too.
fn doomed_batch(
    store: &RedbStorage,
    last: Index,
    before_commit: impl FnOnce(),
) -> Result<(), Error> {
    let mut w = store.begin_write()?;
    let entries: Vec<Entry> = (BASE_LAST + 1..=last).map(|i| entry(i, 2)).collect();
    let steps = [
        w.append(&entries),
        w.set_hard_state(&doomed_hard_state()),
        w.set_applied(9),
    ];
    before_commit();
    let committed = w.commit();
    match steps.into_iter().find_map(Result::err) {
        Some(first) => {
            assert!(
                committed.is_err(),
                "commit returned Ok after a failed step: {first}"
            );
            Err(first)
        }
        None => committed,
    }
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    /// Exactly what the base batch committed.
    Before,
    /// The base batch and the whole doomed batch.
    After,
}

/// Which state a reopened store holds; panics on anything else (half a batch, a lost
/// entry, a damaged one).
fn outcome(store: &RedbStorage, doomed_last: Index) -> Outcome {
    let (hs, applied, last) = (store.hard_state(), store.applied(), store.last_index());
    let entries = store.entries(1, last + 1, None).unwrap();
    if (hs, applied, last) == (base_hard_state(), 3, BASE_LAST)
        && entries == expected_entries(BASE_LAST)
    {
        Outcome::Before
    } else if (hs, applied, last) == (doomed_hard_state(), 9, doomed_last)
        && entries == expected_entries(doomed_last)
    {
        Outcome::After
    } else {
        panic!(
            "neither the state before the failed batch nor the one after it: hard state {hs:?}, applied {applied}, last index {last}, {} entries",
            entries.len()
        )
    }
}

fn wal_verify(dir: &Path) {
    let out = Command::new(raftctl_bin())
        .args(["wal", "verify", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wal verify on {}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How many writes and syncs a healthy commit of the small doomed batch makes.
fn calls_of_a_healthy_commit() -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let faults = Faults::new();
    let store = base_store(dir.path(), &faults);
    let mut before = (0, 0);
    doomed_batch(&store, SMALL, || before = (faults.writes(), faults.syncs())).unwrap();
    (faults.writes() - before.0, faults.syncs() - before.1)
}

/// Runs the doomed batch (up to `last`) into the fault `arm` sets up, then checks all
/// the module header promises. Returns the batch's error and what the reopened dir holds.
fn hit(last: Index, when: Arm, arm: impl Fn(&Faults)) -> (Error, Outcome) {
    let dir = tempfile::tempdir().unwrap();
    let faults = Faults::new();
    let store = base_store(dir.path(), &faults);
    if let Arm::BeforeBatch = when {
        arm(&faults);
    }
    let err = doomed_batch(&store, last, || {
        if let Arm::BeforeCommit = when {
            arm(&faults)
        }
    })
    .expect_err("a batch that hit a disk fault committed");
    assert!(
        faults.injected() >= 1,
        "the fault was never hit; the batch failed with {err}"
    );

    // The store refuses more writes, also once the disk is healthy again, and says why;
    // its cached view is still the last committed one.
    faults.clear();
    for _ in 0..2 {
        let refused = doomed_batch(&store, last, || ()).expect_err("a write after a failed one");
        assert!(
            matches!(refused, Error::Poisoned { .. }),
            "expected the store to refuse, got {refused}"
        );
    }
    assert_eq!(store.last_index(), BASE_LAST);
    assert_eq!(store.hard_state(), base_hard_state());
    assert_eq!(store.applied(), 3);
    drop(store);

    let reopened = RedbStorage::open(dir.path()).unwrap();
    let found = outcome(&reopened, last);
    drop(reopened);
    wal_verify(dir.path());

    let store = RedbStorage::open(dir.path()).unwrap();
    let next = store.last_index() + 1;
    let mut w = store.begin_write().unwrap();
    w.append(&[entry(next, 2)]).unwrap();
    w.set_hard_state(&HardState {
        commit: next,
        ..doomed_hard_state()
    })
    .unwrap();
    w.commit().unwrap();
    assert_eq!(store.last_index(), next);
    drop(store);
    wal_verify(dir.path());
    (err, found)
}

#[test]
fn a_write_failing_anywhere_in_a_commit_leaves_the_state_before_it() {
    let (writes, _) = calls_of_a_healthy_commit();
    assert!(
        writes >= 3,
        "a commit of several pages made only {writes} writes"
    );
    for n in 1..=writes {
        let (err, found) = hit(SMALL, Arm::BeforeCommit, |f| f.fail_write(n));
        assert_eq!(
            found,
            Outcome::Before,
            "write {n} of {writes} failed: {err}"
        );
        assert!(err.to_string().contains("commit failed"), "{err}");
    }
}

#[test]
fn a_write_failing_while_a_big_batch_is_built_fails_its_commit_too() {
    let (err, found) = hit(BIG, Arm::BeforeBatch, |f| f.fail_write(1));
    assert_eq!(found, Outcome::Before, "{err}");
    assert!(
        err.to_string().contains("append to the log failed"),
        "the big batch should fail while redb writes it out during append: {err}"
    );
}

/// An fsync that fails after the batch's writes reached the file leaves the batch on
/// disk (as with a real fsync error: the data is in the page cache and may be written
/// back), so a reopen finds it whole although `commit` failed. That is redb's warning
/// ("may already have become durable"), and why the store refuses further writes and a
/// node must not act as if the batch were lost or kept: it stops, and its restart reads
/// whichever it is. Raft is safe either way, since nothing of the batch was sent.
#[test]
fn a_failed_fsync_fails_the_batch_which_may_still_be_durable() {
    let (err, found) = hit(SMALL, Arm::BeforeCommit, |f| f.fail_sync(1));
    assert_eq!(found, Outcome::After, "{err}");
    assert!(err.to_string().contains("commit failed"), "{err}");

    // Armed earlier, the first sync may be one redb makes while growing the file for
    // the batch; whichever it is, the batch fails and is kept whole or not at all.
    let (_, syncs) = calls_of_a_healthy_commit();
    for n in 1..=syncs {
        hit(SMALL, Arm::BeforeBatch, |f| f.fail_sync(n));
    }
}

#[test]
fn a_full_disk_fails_the_batch_and_says_the_disk_is_full() {
    for (last, when) in [
        (SMALL, Arm::BeforeBatch),
        (SMALL, Arm::BeforeCommit),
        (BIG, Arm::BeforeBatch),
    ] {
        let (err, found) = hit(last, when, |f| f.set_disk_full(true));
        assert_eq!(found, Outcome::Before, "{when:?}: {err}");
        assert!(err.is_disk_full(), "{when:?}: {err:?}");
        assert!(
            err.to_string()
                .contains("the disk is full (No space left on device"),
            "{when:?}: {err}"
        );
    }
}

/// As the node writes: the first failed step returns, and the batch is dropped
/// uncommitted. The store still refuses what follows, naming the first failure.
#[test]
fn a_store_refusing_writes_after_a_full_disk_still_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let faults = Faults::new();
    let store = base_store(dir.path(), &faults);
    faults.set_disk_full(true);
    let batch = || -> Result<(), Error> {
        let mut w = store.begin_write()?;
        w.append(
            &(BASE_LAST + 1..=SMALL)
                .map(|i| entry(i, 2))
                .collect::<Vec<_>>(),
        )?;
        w.set_hard_state(&doomed_hard_state())?;
        w.commit()
    };
    let err = batch().expect_err("a batch on a full disk");
    assert!(err.is_disk_full(), "{err}");
    faults.clear();
    let refused = batch().expect_err("a store that failed a write refuses");
    assert!(matches!(refused, Error::Poisoned { .. }), "{refused}");
    let message = refused.to_string();
    assert!(
        message.contains("takes no more writes") && message.contains("the disk is full"),
        "{message}"
    );
    assert!(message.contains("restart"), "{message}");
}

#[test]
fn opening_a_data_dir_on_a_full_disk_says_so_and_harms_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let faults = Faults::new();
    drop(base_store(dir.path(), &faults));
    faults.set_disk_full(true);
    let err = RedbStorage::open_with_backend(dir.path(), faults.wrap())
        .expect_err("redb writes on open, so a full disk fails it");
    assert!(err.is_disk_full(), "{err:?}");
    assert!(err.to_string().contains("the disk is full"), "{err}");
    wal_verify(dir.path());
    faults.clear();
    let store = RedbStorage::open_with_backend(dir.path(), faults.wrap()).unwrap();
    assert_eq!(outcome(&store, SMALL), Outcome::Before);
}
