use bytes::Bytes;

use super::*;
use crate::kv::{self, Command, Op};
use crate::raft::{Entry, EntryType, HardState};
use crate::storage::InitialState;

fn members(ids: &[u64]) -> Membership {
    Membership {
        voters: ids
            .iter()
            .map(|id| (*id, format!("http://127.0.0.1:70{id:02}")))
            .collect(),
        learners: [(9, "http://127.0.0.1:7009".to_string())].into(),
    }
}

fn put(index: u64, key: &str, value: &[u8]) -> (Entry, Command) {
    let cmd = Command {
        origin: 1,
        request_id: index,
        op: Op::Put {
            key: key.into(),
            value: Bytes::copy_from_slice(value),
        },
    };
    let entry = Entry {
        term: 2,
        index,
        entry_type: EntryType::Normal,
        data: cmd.encode(),
    };
    (entry, cmd)
}

/// A store with `n` keys applied at indexes 1..=n, term 2, committed and applied.
fn source(dir: &Path, n: u64) -> RedbStorage {
    let store = RedbStorage::create(
        dir,
        InitialState {
            node_id: 1,
            cluster_id: 0xabc,
            membership: members(&[1, 2, 3]),
        },
    )
    .unwrap();
    let mut w = store.begin_write().unwrap();
    let mut entries = Vec::new();
    for i in 1..=n {
        let (e, cmd) = put(i, &format!("key/{i:05}"), &vec![i as u8; (i % 50) as usize]);
        kv::apply(w.txn(), i, &cmd).unwrap();
        entries.push(e);
    }
    w.append(&entries).unwrap();
    w.set_hard_state(&HardState {
        term: 2,
        vote: Some(1),
        commit: n,
    })
    .unwrap();
    w.set_applied(n).unwrap();
    w.commit().unwrap();
    store
}

fn fresh(dir: &Path, node_id: u64) -> RedbStorage {
    RedbStorage::create(
        dir,
        InitialState {
            node_id,
            cluster_id: 0xabc,
            membership: members(&[node_id]),
        },
    )
    .unwrap()
}

fn all_kv(store: &RedbStorage) -> Vec<(String, Option<(Bytes, u64)>)> {
    let txn = store.begin_read().unwrap();
    kv::list(&txn, "", usize::MAX)
        .unwrap()
        .into_iter()
        .map(|k| {
            let v = kv::get_versioned(&txn, &k).unwrap();
            (k, v)
        })
        .collect()
}

#[test]
fn round_trip_gives_identical_kv_and_meta() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(&tmp.path().join("src"), 1000);
    let info = create_snapshot_file(&src, &src.snapshot_dir()).unwrap();
    assert_eq!((info.index, info.term, info.keys), (1000, 2, 1000));
    assert_eq!(info.path, src.snapshot_dir().join("snap-2-1000.snap"));
    assert_eq!(info.size_bytes, fs::metadata(&info.path).unwrap().len());

    let verified = verify_snapshot_file(&info.path).unwrap();
    assert_eq!(verified.keys, 1000);
    assert_eq!(verified.checksum, info.checksum);
    assert_eq!(verified.meta.membership, members(&[1, 2, 3]));
    assert_eq!(verified.meta.cluster_id.to_string(), "0000000000000abc");

    let dst = fresh(&tmp.path().join("dst"), 2);
    let mut w = dst.begin_write().unwrap();
    let installed = install_snapshot_file_with(
        &mut w,
        &info.path,
        &InstallOptions {
            cluster_id: Some(0xabc),
            membership: None,
        },
    )
    .unwrap();
    w.commit().unwrap();
    assert_eq!(installed.keys, 1000);
    assert_eq!(installed.checksum, info.checksum);
    assert_eq!(all_kv(&dst), all_kv(&src));
    assert_eq!(dst.applied(), 1000);
    assert_eq!(dst.membership(), members(&[1, 2, 3]));
    assert_eq!(dst.snapshot_meta(), installed.meta);
    assert_eq!(
        dst.snapshot_meta().conf_state,
        members(&[1, 2, 3]).conf_state()
    );
    assert_eq!((dst.first_index(), dst.last_index()), (1001, 1000));
    assert_eq!(dst.hard_state().commit, 1000);
    assert!(dst.hard_state().term >= 2);

    // The installed store snapshots again from its log start (no entry at 1000).
    let again = create_snapshot_file(&dst, &tmp.path().join("again")).unwrap();
    assert_eq!((again.index, again.term, again.keys), (1000, 2, 1000));
}

#[test]
fn reads_one_view_while_writes_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(&tmp.path().join("src"), 5);
    // A snapshot of an empty KV at a later index still carries the index and term.
    let info = create_snapshot_file(&src, &tmp.path().join("out")).unwrap();
    let mut w = src.begin_write().unwrap();
    let (e, cmd) = put(6, "later", b"x");
    kv::apply(w.txn(), 6, &cmd).unwrap();
    w.append(&[e]).unwrap();
    w.set_applied(6).unwrap();
    w.commit().unwrap();
    assert_eq!(verify_snapshot_file(&info.path).unwrap().keys, 5);
    let next = create_snapshot_file(&src, &tmp.path().join("out")).unwrap();
    assert_eq!((next.index, next.keys), (6, 6));
}

/// Every entry i puts a new key, so a snapshot at applied index A holds exactly A
/// keys exactly when index and KV come from one view, whatever the writer does
/// meanwhile.
#[test]
fn index_and_kv_come_from_one_view_during_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = source(&tmp.path().join("src"), 1);
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            for i in 2..=400 {
                let mut w = store.begin_write().unwrap();
                let (e, cmd) = put(i, &format!("key/{i:05}"), b"v");
                kv::apply(w.txn(), i, &cmd).unwrap();
                w.append(&[e]).unwrap();
                w.set_hard_state(&HardState {
                    term: 2,
                    vote: Some(1),
                    commit: i,
                })
                .unwrap();
                w.set_applied(i).unwrap();
                w.commit().unwrap();
            }
        })
    };
    let out = tmp.path().join("out");
    let mut taken = 0;
    while !writer.is_finished() || taken == 0 {
        let info = create_snapshot_file(&store, &out).unwrap();
        assert_eq!(info.keys, info.index, "{info:?}");
        assert_eq!(info.term, 2);
        taken += 1;
    }
    writer.join().unwrap();
    let last = create_snapshot_file(&store, &out).unwrap();
    assert_eq!((last.index, last.keys), (400, 400));
}

#[test]
fn membership_can_be_replaced_for_a_new_cluster() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(&tmp.path().join("src"), 3);
    let info = create_snapshot_file(&src, &src.snapshot_dir()).unwrap();
    let dst = fresh(&tmp.path().join("dst"), 7);
    let mut w = dst.begin_write().unwrap();
    let installed = install_snapshot_file_with(
        &mut w,
        &info.path,
        &InstallOptions {
            cluster_id: None,
            membership: Some(members(&[7])),
        },
    )
    .unwrap();
    w.commit().unwrap();
    assert_eq!(installed.file_meta.membership, members(&[1, 2, 3]));
    assert_eq!(dst.membership(), members(&[7]));
    assert_eq!(dst.stored_snapshot().membership, members(&[7]));
    assert_eq!(dst.snapshot_meta().conf_state, members(&[7]).conf_state());
}

#[test]
fn a_corrupted_byte_fails_the_checksum_and_leaves_the_target_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(&tmp.path().join("src"), 200);
    let info = create_snapshot_file(&src, &src.snapshot_dir()).unwrap();
    let good = fs::read(&info.path).unwrap();
    let dst = source(&tmp.path().join("dst"), 3);
    let before = all_kv(&dst);
    // A byte in a value, in a record header, and in the KV end record.
    for at in [good.len() / 2, good.len() - 300, good.len() - 10] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let path = tmp.path().join("bad.snap");
        fs::write(&path, &bad).unwrap();
        let mut w = dst.begin_write().unwrap();
        let err = install_snapshot_file(&mut w, &path).unwrap_err();
        drop(w);
        assert!(
            matches!(err, Error::Storage(storage::Error::SnapshotChecksum { .. })),
            "byte {at}: {err}"
        );
        assert!(err.to_string().contains("bad.snap"), "{err}");
        assert!(matches!(
            verify_snapshot_file(&path).unwrap_err(),
            Error::Storage(storage::Error::SnapshotChecksum { .. })
        ));
        assert_eq!(all_kv(&dst), before);
        assert_eq!(dst.applied(), 3);
        assert_eq!(dst.last_index(), 3);
    }
}

#[test]
fn a_file_of_another_cluster_is_refused_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(&tmp.path().join("src"), 2);
    let info = create_snapshot_file(&src, &src.snapshot_dir()).unwrap();
    let dst = fresh(&tmp.path().join("dst"), 2);
    let mut w = dst.begin_write().unwrap();
    let err = install_snapshot_file_with(
        &mut w,
        &info.path,
        &InstallOptions {
            cluster_id: Some(0xdef),
            membership: None,
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::OtherCluster { .. }), "{err}");
}

#[test]
fn an_applied_index_without_its_entry_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let store = fresh(tmp.path(), 1);
    let mut w = store.begin_write().unwrap();
    w.set_applied(10).unwrap();
    w.commit().unwrap();
    let err = create_snapshot_file(&store, &store.snapshot_dir()).unwrap_err();
    assert!(
        err.to_string()
            .contains("the applied index 10 has no log entry"),
        "{err}"
    );
    assert!(storage::snapshot_file::list_files(&store.snapshot_dir())
        .unwrap()
        .is_empty());
}

#[test]
fn nothing_applied_is_no_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let store = fresh(tmp.path(), 1);
    let err = create_snapshot_file(&store, &store.snapshot_dir()).unwrap_err();
    assert!(matches!(err, Error::NothingApplied { .. }), "{err}");
    assert!(storage::snapshot_file::list_files(&store.snapshot_dir())
        .unwrap()
        .is_empty());
}
