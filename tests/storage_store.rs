//! RedbStorage: every stored type survives a reopen, writes follow the contract's batch
//! rules, compaction and snapshot install keep the log's bounds and terms, and one
//! contract suite holds for MemStorage and RedbStorage alike.

mod storage_util;

use bytes::Bytes;
use raftctl::raft::{
    ConfState, Entry, EntryType, HardState, MemStorage, Snapshot, SnapshotMeta, Storage,
    StorageError, ENTRY_OVERHEAD,
};
use raftctl::storage::{Error, Membership, RedbStorage};
use rand::{rngs::StdRng, Rng, SeedableRng};
use storage_util::*;

fn append(store: &RedbStorage, entries: &[Entry]) {
    let mut w = store.begin_write().unwrap();
    w.append(entries).unwrap();
    w.commit().unwrap();
}

fn all_entries(s: &impl Storage) -> Vec<Entry> {
    let (first, last) = (s.first_index().unwrap(), s.last_index().unwrap());
    s.entries(first, last + 1, None).unwrap()
}

#[test]
fn every_stored_type_round_trips_through_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let entries = vec![
        empty(1, 1),
        put(2, 1, "k", 12),
        conf(
            3,
            2,
            raftctl::raft::ConfChangeType::AddVoter,
            4,
            "http://h:1",
        ),
        Entry {
            term: 2,
            index: 4,
            entry_type: EntryType::Normal,
            data: Bytes::from_static(b"\x00\xff raw"),
        },
    ];
    let hs = HardState {
        term: 2,
        vote: Some(3),
        commit: 3,
    };
    let mut membership = three_voters();
    membership.learners.insert(9, "http://learner:9".into());
    {
        let store = RedbStorage::create(dir.path(), init(2)).unwrap();
        let mut w = store.begin_write().unwrap();
        w.append(&entries).unwrap();
        w.set_hard_state(&hs).unwrap();
        w.set_applied(3).unwrap();
        w.set_membership(&membership).unwrap();
        w.commit().unwrap();
        let meta = SnapshotMeta {
            index: 2,
            term: 1,
            conf_state: membership.conf_state(),
        };
        let mut w = store.begin_write().unwrap();
        w.set_snapshot(&meta, &membership).unwrap();
        w.commit().unwrap();
    }
    for read_only in [false, true] {
        let store = if read_only {
            RedbStorage::open_read_only(dir.path()).unwrap()
        } else {
            RedbStorage::open(dir.path()).unwrap()
        };
        assert_eq!(all_entries(&store), entries);
        assert_eq!(store.hard_state(), hs);
        assert_eq!(store.applied(), 3);
        assert_eq!(store.membership(), membership);
        assert_eq!(store.node_id(), 2);
        assert_eq!(store.cluster_id(), CLUSTER_ID);
        assert_eq!(store.format_version(), raftctl::storage::FORMAT_VERSION);
        assert_eq!(store.snapshot_meta().index, 2);
        assert_eq!(store.stored_snapshot().membership, membership);
        let state = store.initial_state().unwrap();
        assert_eq!(state.hard_state, hs);
        assert_eq!(state.conf_state.voters, vec![1, 2, 3]);
        assert_eq!(state.conf_state.learners, vec![9]);
        drop(store);
    }
}

#[test]
fn hard_state_without_vote_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let hs = HardState {
        term: 7,
        vote: None,
        commit: 0,
    };
    {
        let store = RedbStorage::create(dir.path(), init(1)).unwrap();
        let mut w = store.begin_write().unwrap();
        w.set_hard_state(&hs).unwrap();
        w.commit().unwrap();
    }
    assert_eq!(RedbStorage::open(dir.path()).unwrap().hard_state(), hs);
}

#[test]
fn append_replaces_a_conflicting_suffix_and_refuses_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    append(
        &store,
        &[ent(1, 1), ent(2, 1), ent(3, 1), ent(4, 1), ent(5, 1)],
    );
    append(&store, &[ent(3, 2), ent(4, 2)]);
    assert_eq!(store.last_index(), 4);
    assert_eq!(store.term(3).unwrap(), 2);
    assert_eq!(store.entries(5, 6, None), Err(StorageError::Unavailable));

    let mut w = store.begin_write().unwrap();
    let gap = w.append(&[ent(6, 2)]).unwrap_err();
    assert!(
        matches!(
            gap,
            Error::LogGap {
                index: 6,
                last_index: 4
            }
        ),
        "{gap}"
    );
    assert!(gap.to_string().contains("gap"), "{gap}");
    let holes = w.append(&[ent(5, 2), ent(7, 2)]).unwrap_err();
    assert!(matches!(holes, Error::NotContiguous { .. }), "{holes}");
    drop(w);

    drop(store);
    let store = RedbStorage::open(dir.path()).unwrap();
    assert_eq!(
        all_entries(&store),
        vec![ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)]
    );
}

#[test]
fn nothing_is_visible_or_durable_until_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    append(&store, &[ent(1, 1)]);
    {
        let mut w = store.begin_write().unwrap();
        w.append(&[ent(2, 1), ent(3, 1)]).unwrap();
        w.set_hard_state(&HardState {
            term: 1,
            vote: None,
            commit: 3,
        })
        .unwrap();
        assert_eq!(store.last_index(), 1, "cache moved before commit");
        assert_eq!(store.hard_state().commit, 0);
        // dropped: aborted
    }
    assert_eq!(store.last_index(), 1);
    drop(store);
    let store = RedbStorage::open(dir.path()).unwrap();
    assert_eq!(store.last_index(), 1);
    assert_eq!(store.hard_state().commit, 0);
}

#[test]
fn compaction_keeps_bounds_and_the_last_compacted_term() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let entries: Vec<Entry> = (1..=10).map(|i| ent(i, 1 + i / 4)).collect();
    let mut w = store.begin_write().unwrap();
    w.append(&entries).unwrap();
    w.set_applied(8).unwrap();
    w.commit().unwrap();

    assert!(matches!(
        store.compact(9),
        Err(Error::CompactPastApplied {
            index: 9,
            applied: 8
        })
    ));
    store.compact(5).unwrap();
    store.compact(3).unwrap(); // already compacted: nothing to do
    let check = |s: &RedbStorage| {
        assert_eq!(Storage::first_index(s).unwrap(), 6);
        assert_eq!(Storage::last_index(s).unwrap(), 10);
        assert_eq!(s.term(5).unwrap(), 2, "term of the last compacted entry");
        assert_eq!(s.term(4), Err(StorageError::Compacted));
        assert_eq!(s.entries(5, 7, None), Err(StorageError::Compacted));
        assert_eq!(s.entries(6, 11, None).unwrap(), entries[5..].to_vec());
        assert_eq!(s.log_start().index, 5);
    };
    check(&store);
    drop(store);
    check(&RedbStorage::open(dir.path()).unwrap());
    let store = RedbStorage::open(dir.path()).unwrap();
    let mut w = store.begin_write().unwrap();
    w.set_applied(10).unwrap();
    assert!(matches!(
        w.compact(11),
        Err(Error::CompactPastLast {
            index: 11,
            last_index: 10
        })
    ));
    w.compact(10).unwrap();
    w.commit().unwrap();
    assert_eq!(store.first_index(), 11);
    assert_eq!(store.last_index(), 10);
    assert_eq!(store.term(10).unwrap(), 3);
    append(&store, &[ent(11, 3)]);
    assert_eq!(store.entries(11, 12, None).unwrap(), vec![ent(11, 3)]);
}

#[test]
fn snapshot_install_replaces_log_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(2)).unwrap();
    append(&store, &[ent(1, 1), ent(2, 1), ent(3, 1)]);
    let mut m = Membership::default();
    m.voters.insert(1, "http://a".into());
    m.voters.insert(2, "http://b".into());
    m.learners.insert(5, "http://e".into());
    let meta = SnapshotMeta {
        index: 20,
        term: 4,
        conf_state: m.conf_state(),
    };
    let mut w = store.begin_write().unwrap();
    w.install_snapshot(&meta, &m).unwrap();
    w.commit().unwrap();

    let check = |s: &RedbStorage| {
        assert_eq!(s.first_index(), 21);
        assert_eq!(s.last_index(), 20);
        assert_eq!(s.term(20).unwrap(), 4);
        assert_eq!(s.term(3), Err(StorageError::Compacted));
        assert_eq!(s.entries(21, 21, None).unwrap(), vec![]);
        assert_eq!(s.applied(), 20);
        assert_eq!(s.hard_state().commit, 20);
        assert_eq!(s.hard_state().term, 4);
        assert_eq!(s.membership(), m);
        assert_eq!(s.stored_entry_count().unwrap(), 0);
        let snap = s.snapshot(0).unwrap();
        assert_eq!(snap.meta, meta);
        assert_eq!(
            s.snapshot(21),
            Err(StorageError::SnapshotTemporarilyUnavailable)
        );
    };
    check(&store);
    drop(store);
    check(&RedbStorage::open(dir.path()).unwrap());
    let store = RedbStorage::open(dir.path()).unwrap();
    append(&store, &[ent(21, 4), ent(22, 5)]);
    assert_eq!(store.last_index(), 22);
    let mut w = store.begin_write().unwrap();
    let old = SnapshotMeta {
        index: 10,
        ..meta.clone()
    };
    assert!(matches!(
        w.install_snapshot(&old, &m),
        Err(Error::SnapshotOutOfDate {
            requested: 10,
            held: 20
        })
    ));
}

#[test]
fn entries_span_the_database_and_the_recent_cache() {
    // More entries than the cache keeps, so the oldest come from redb.
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let entries: Vec<Entry> = (1..=9000).map(|i| ent(i, 1 + i / 1000)).collect();
    append(&store, &entries);
    let check = |s: &RedbStorage| {
        assert_eq!(s.entries(1, 9001, None).unwrap(), entries);
        assert_eq!(s.entries(700, 1200, None).unwrap(), entries[699..1199]);
        assert_eq!(s.term(5).unwrap(), 1);
        assert_eq!(s.term(8999).unwrap(), 9);
        let size = entries[499].size();
        let limited = s.entries(500, 9001, Some(size * 3)).unwrap();
        assert_eq!(limited, entries[499..502]);
        let one = s.entries(9000, 9001, Some(0)).unwrap();
        assert_eq!(one.len(), 1, "at least one entry whatever the limit");
    };
    check(&store);
    drop(store);
    check(&RedbStorage::open(dir.path()).unwrap());
}

#[test]
fn a_read_only_handle_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    drop(RedbStorage::create(dir.path(), init(1)).unwrap());
    let ro = RedbStorage::open_read_only(dir.path()).unwrap();
    assert!(matches!(ro.begin_write(), Err(Error::ReadOnly { .. })));
}

#[test]
fn create_refuses_a_dir_that_holds_something() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
    let err = RedbStorage::create(dir.path(), init(1)).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert!(err.to_string().contains("notes.txt"), "{err}");

    let existing = tempfile::tempdir().unwrap();
    drop(RedbStorage::create(existing.path(), init(1)).unwrap());
    assert!(RedbStorage::exists(existing.path()));
    assert!(RedbStorage::create(existing.path(), init(1)).is_err());
    assert!(!RedbStorage::exists(dir.path()));

    let fresh = tempfile::tempdir().unwrap();
    let err = RedbStorage::create(fresh.path(), init(0)).unwrap_err();
    assert!(err.to_string().contains("node id 0"), "{err}");
}

#[test]
fn a_second_open_of_a_running_store_says_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _running = RedbStorage::create(dir.path(), init(1)).unwrap();
    for err in [
        RedbStorage::open(dir.path()).unwrap_err(),
        RedbStorage::open_read_only(dir.path()).unwrap_err(),
    ] {
        assert!(matches!(err, Error::InUse { .. }), "{err}");
        assert!(err.to_string().contains("in use"), "{err}");
    }
}

// ---- One contract suite, two implementations --------------------------------------

/// The writes the suite needs, for each implementation.
trait Subject: Storage {
    fn do_append(&mut self, entries: &[Entry]);
    fn do_compact(&mut self, index: u64);
    fn do_install(&mut self, meta: SnapshotMeta);
    fn do_set_hard_state(&mut self, hs: HardState);
    fn reopen(&mut self) {}
}

impl Subject for MemStorage {
    fn do_append(&mut self, entries: &[Entry]) {
        self.append(entries).unwrap();
    }
    fn do_compact(&mut self, index: u64) {
        self.compact(index).unwrap();
    }
    fn do_install(&mut self, meta: SnapshotMeta) {
        self.apply_snapshot(Snapshot {
            meta,
            data: Bytes::new(),
        })
        .unwrap();
    }
    fn do_set_hard_state(&mut self, hs: HardState) {
        self.set_hard_state(hs);
    }
}

struct Redb {
    store: Option<RedbStorage>,
    dir: tempfile::TempDir,
}

impl Redb {
    fn new(conf_state: &ConfState) -> Redb {
        let dir = tempfile::tempdir().unwrap();
        let mut i = init(1);
        i.membership = membership_of(conf_state);
        let store = RedbStorage::create(dir.path(), i).unwrap();
        Redb {
            store: Some(store),
            dir,
        }
    }
    fn s(&self) -> &RedbStorage {
        self.store.as_ref().expect("store is open")
    }
}

fn membership_of(cs: &ConfState) -> Membership {
    Membership {
        voters: cs
            .voters
            .iter()
            .map(|id| (*id, format!("http://n{id}")))
            .collect(),
        learners: cs
            .learners
            .iter()
            .map(|id| (*id, format!("http://n{id}")))
            .collect(),
    }
}

impl Storage for Redb {
    fn initial_state(&self) -> Result<raftctl::raft::RaftState, StorageError> {
        self.s().initial_state()
    }
    fn entries(&self, lo: u64, hi: u64, max: Option<u64>) -> Result<Vec<Entry>, StorageError> {
        self.s().entries(lo, hi, max)
    }
    fn term(&self, index: u64) -> Result<u64, StorageError> {
        self.s().term(index)
    }
    fn first_index(&self) -> Result<u64, StorageError> {
        Storage::first_index(self.s())
    }
    fn last_index(&self) -> Result<u64, StorageError> {
        Storage::last_index(self.s())
    }
    fn snapshot(&self, request_index: u64) -> Result<Snapshot, StorageError> {
        self.s().snapshot(request_index)
    }
}

impl Subject for Redb {
    fn do_append(&mut self, entries: &[Entry]) {
        append(self.s(), entries);
    }
    fn do_compact(&mut self, index: u64) {
        let mut w = self.s().begin_write().unwrap();
        w.set_applied(index.max(self.s().applied())).unwrap();
        w.compact(index).unwrap();
        w.commit().unwrap();
    }
    fn do_install(&mut self, meta: SnapshotMeta) {
        let m = membership_of(&meta.conf_state);
        let mut w = self.s().begin_write().unwrap();
        w.install_snapshot(&meta, &m).unwrap();
        w.commit().unwrap();
    }
    fn do_set_hard_state(&mut self, hs: HardState) {
        let mut w = self.s().begin_write().unwrap();
        w.set_hard_state(&hs).unwrap();
        w.commit().unwrap();
    }
    fn reopen(&mut self) {
        drop(self.store.take());
        self.store = Some(RedbStorage::open(self.dir.path()).unwrap());
    }
}

fn voters(ids: &[u64]) -> ConfState {
    ConfState {
        voters: ids.to_vec(),
        learners: vec![],
    }
}

/// The fixed checks every `Storage` must pass (after etcd's storage tests).
fn contract_suite(s: &mut impl Subject) {
    // Empty log.
    assert_eq!(s.first_index().unwrap(), 1);
    assert_eq!(s.last_index().unwrap(), 0);
    assert_eq!(s.term(0).unwrap(), 0);
    assert_eq!(s.term(1), Err(StorageError::Unavailable));
    assert_eq!(s.entries(1, 1, None).unwrap(), vec![]);
    assert_eq!(s.initial_state().unwrap().conf_state, voters(&[1, 2, 3]));

    s.do_append(&[ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 3), ent(5, 3)]);
    assert_eq!(s.last_index().unwrap(), 5);
    assert_eq!(s.term(4).unwrap(), 3);
    assert_eq!(s.entries(2, 4, None).unwrap(), vec![ent(2, 1), ent(3, 2)]);
    assert_eq!(s.entries(2, 7, None), Err(StorageError::Unavailable));
    assert_eq!(s.entries(0, 2, None), Err(StorageError::Compacted));
    let one = ent(1, 1).size();
    assert_eq!(s.entries(1, 6, Some(one * 2)).unwrap().len(), 2);
    assert_eq!(s.entries(1, 6, Some(one * 2 - 1)).unwrap().len(), 1);
    assert_eq!(s.entries(1, 6, Some(0)).unwrap().len(), 1);
    assert!(one >= ENTRY_OVERHEAD);

    // A conflicting suffix is replaced.
    s.do_append(&[ent(4, 4)]);
    assert_eq!(s.last_index().unwrap(), 4);
    assert_eq!(s.term(4).unwrap(), 4);
    // Appending entries already compacted away is harmless.
    s.do_append(&[ent(5, 4), ent(6, 4)]);
    s.reopen();
    assert_eq!(s.entries(1, 7, None).unwrap().len(), 6);

    s.do_compact(3);
    assert_eq!(s.first_index().unwrap(), 4);
    assert_eq!(s.term(3).unwrap(), 2);
    assert_eq!(s.term(2), Err(StorageError::Compacted));
    assert_eq!(s.entries(3, 5, None), Err(StorageError::Compacted));
    s.do_append(&[
        ent(2, 1),
        ent(3, 2),
        ent(4, 4),
        ent(5, 4),
        ent(6, 4),
        ent(7, 5),
    ]);
    assert_eq!(s.first_index().unwrap(), 4);
    assert_eq!(s.last_index().unwrap(), 7);
    s.reopen();
    assert_eq!(s.entries(4, 8, None).unwrap()[3], ent(7, 5));

    s.do_set_hard_state(HardState {
        term: 5,
        vote: Some(2),
        commit: 7,
    });
    s.reopen();
    assert_eq!(s.initial_state().unwrap().hard_state.vote, Some(2));

    s.do_install(SnapshotMeta {
        index: 12,
        term: 6,
        conf_state: voters(&[1, 2]),
    });
    s.reopen();
    assert_eq!(s.first_index().unwrap(), 13);
    assert_eq!(s.last_index().unwrap(), 12);
    assert_eq!(s.term(12).unwrap(), 6);
    assert_eq!(s.term(11), Err(StorageError::Compacted));
    let st = s.initial_state().unwrap();
    assert_eq!(st.hard_state.commit, 12);
    assert_eq!(st.hard_state.term, 6);
    assert_eq!(st.hard_state.vote, None, "a newer term clears the vote");
    assert_eq!(st.conf_state, voters(&[1, 2]));
    assert_eq!(s.snapshot(0).unwrap().meta.index, 12);
}

#[test]
fn contract_suite_mem_storage() {
    contract_suite(&mut MemStorage::new_with_conf_state(voters(&[1, 2, 3])));
}

#[test]
fn contract_suite_redb_storage() {
    contract_suite(&mut Redb::new(&voters(&[1, 2, 3])));
}

/// Random appends (with conflicts), compactions, snapshot installs and reopens, applied
/// to both implementations; every read must agree.
#[test]
fn redb_storage_answers_like_mem_storage_under_random_operations() {
    for seed in 0..4u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let cs = voters(&[1, 2, 3]);
        let mut mem = MemStorage::new_with_conf_state(cs.clone());
        let mut redb = Redb::new(&cs);
        let mut term = 1;
        for step in 0..40 {
            let first = mem.first_index().unwrap();
            let last = mem.last_index().unwrap();
            match rng.gen_range(0..10) {
                0..=5 => {
                    // Append, sometimes overwriting a suffix with a newer term.
                    let start = if last >= first && rng.gen_bool(0.3) {
                        rng.gen_range(first..=last)
                    } else {
                        last + 1
                    };
                    if start <= last {
                        term += 1;
                    }
                    let n = rng.gen_range(1..20);
                    let ents: Vec<Entry> = (start..start + n)
                        .map(|i| Entry {
                            term,
                            index: i,
                            entry_type: EntryType::Normal,
                            data: Bytes::from(vec![seed as u8; rng.gen_range(0..64)]),
                        })
                        .collect();
                    mem.do_append(&ents);
                    redb.do_append(&ents);
                }
                6 if last >= first => {
                    let at = rng.gen_range(first..=last);
                    mem.do_compact(at);
                    redb.do_compact(at);
                }
                7 => {
                    term += 1;
                    let meta = SnapshotMeta {
                        index: last + rng.gen_range(0..10),
                        term,
                        conf_state: cs.clone(),
                    };
                    mem.do_install(meta.clone());
                    redb.do_install(meta);
                }
                8 => redb.reopen(),
                _ => {
                    let hs = HardState {
                        term,
                        vote: Some(rng.gen_range(1..4)),
                        commit: last,
                    };
                    mem.do_set_hard_state(hs);
                    redb.do_set_hard_state(hs);
                }
            }
            let ctx = format!("seed {seed} step {step}");
            let (first, last) = (mem.first_index().unwrap(), mem.last_index().unwrap());
            assert_eq!(redb.first_index().unwrap(), first, "{ctx}");
            assert_eq!(redb.last_index().unwrap(), last, "{ctx}");
            assert_eq!(
                redb.initial_state().unwrap().hard_state,
                mem.initial_state().unwrap().hard_state,
                "{ctx}"
            );
            for i in first.saturating_sub(2)..=last + 2 {
                assert_eq!(redb.term(i), mem.term(i), "{ctx} term({i})");
            }
            for _ in 0..5 {
                let lo = rng.gen_range(first.saturating_sub(1)..=last + 1);
                let hi = rng.gen_range(lo..=last + 2);
                let max = rng.gen_bool(0.5).then(|| rng.gen_range(0..400));
                assert_eq!(
                    redb.entries(lo, hi, max),
                    mem.entries(lo, hi, max),
                    "{ctx} entries({lo}, {hi}, {max:?})"
                );
            }
        }
    }
}

#[test]
fn readers_see_whole_committed_states_while_a_writer_appends_and_compacts() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (store, done) = (store.clone(), done.clone());
            std::thread::spawn(move || {
                let mut reads = 0u64;
                while !done.load(Ordering::SeqCst) {
                    let first = Storage::first_index(&store).unwrap();
                    let last = Storage::last_index(&store).unwrap();
                    match store.entries(first, last + 1, None) {
                        Ok(got) => {
                            for (e, i) in got.iter().zip(first..) {
                                assert_eq!(*e, ent(i, 1 + i / 100), "read {reads}");
                            }
                            reads += 1;
                        }
                        Err(StorageError::Compacted | StorageError::Unavailable) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
                reads
            })
        })
        .collect();
    let mut next = 1;
    for batch in 0..120u64 {
        let entries: Vec<Entry> = (next..next + 20).map(|i| ent(i, 1 + i / 100)).collect();
        next += 20;
        let mut w = store.begin_write().unwrap();
        w.append(&entries).unwrap();
        w.set_applied(next - 1).unwrap();
        if batch % 10 == 9 {
            w.compact(next - 50).unwrap();
        }
        w.commit().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    for r in readers {
        assert!(r.join().unwrap() > 0, "a reader never completed a read");
    }
    assert_eq!(store.last_index(), 2400);
    assert_eq!(store.first_index(), 2401 - 50 + 1);
}
