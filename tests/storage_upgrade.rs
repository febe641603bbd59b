//! A data dir written by redb 2 (tests/testdata/redb2-datadir: 5 keys, a snapshot at
//! index 6, 3 more keys, all at term 1) is upgraded to redb 4 by the first writable open,
//! keeps every entry, key, hard state and snapshot, and the offline tools refuse it
//! until then with one line that says what to do.

mod bin_util;

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use bin_util::raftctl_bin;
use raftctl::kv::{Command, Op};
use raftctl::raft::{EntryType, Storage};
use raftctl::storage::upgrade::{BACKUP_FILE, UPGRADING_FILE};
use raftctl::storage::{Error, RedbStorage, DB_FILE};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/testdata/redb2-datadir");

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for item in fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let dest = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &dest);
        } else {
            fs::copy(item.path(), dest).unwrap();
        }
    }
}

fn fixture_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    copy_dir(Path::new(FIXTURE), &dir);
    (root, dir)
}

fn raftctl(args: &[&str], dir: &Path) -> std::process::Output {
    Process::new(raftctl_bin())
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap()
}

/// Everything the fixture holds, checked through the storage API.
fn check_contents(store: &RedbStorage) {
    let hs = store.hard_state();
    assert_eq!((hs.term, hs.vote, hs.commit), (1, Some(1), 9));
    assert_eq!(store.applied(), 9);
    let snap = store.stored_snapshot();
    assert_eq!((snap.meta.index, snap.meta.term), (6, 1));
    assert!(store.membership().voters.contains_key(&1));
    assert_eq!(store.last_index(), 9);

    let first = store.first_index();
    let entries = store.entries(first, 10, None).unwrap();
    let txn = store.begin_read().unwrap();
    let mut keys = Vec::new();
    for e in entries.iter().filter(|e| e.entry_type == EntryType::Normal) {
        let Op::Put { key, value } = Command::decode(&e.data).unwrap().op else {
            panic!("the fixture holds only puts");
        };
        let stored = raftctl::kv::get_versioned(&txn, &key).unwrap();
        assert_eq!(stored, Some((value, e.index)), "key {key}");
        keys.push(key);
    }
    assert_eq!(keys.len(), 8, "{keys:?}");
    assert_eq!(raftctl::kv::count(&txn).unwrap(), 8);
}

#[test]
fn offline_tools_refuse_a_redb2_dir_in_one_line_and_leave_it_untouched() {
    let (_root, dir) = fixture_copy();
    let before = fs::read(dir.join(DB_FILE)).unwrap();
    match RedbStorage::open_read_only(&dir) {
        Err(e @ Error::Redb2 { .. }) => assert!(e.to_string().contains("raftctl serve"), "{e}"),
        other => panic!("expected the redb 2 refusal, got {other:?}"),
    }
    for tool in [
        &["wal", "dump"][..],
        &["wal", "hardstate"],
        &["wal", "verify"],
    ] {
        let out = raftctl(tool, &dir);
        assert!(!out.status.success(), "{tool:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{tool:?}: {err}");
        assert!(
            err.contains("redb 2") && err.contains("start the member once with `raftctl serve`"),
            "{tool:?}: {err}"
        );
    }
    assert_eq!(fs::read(dir.join(DB_FILE)).unwrap(), before);
    assert!(!dir.join(BACKUP_FILE).exists());
    assert!(!dir.join(UPGRADING_FILE).exists());
}

#[test]
fn the_first_open_upgrades_a_redb2_dir_once_and_keeps_everything() {
    let (_root, dir) = fixture_copy();
    let original = fs::read(dir.join(DB_FILE)).unwrap();

    let store = RedbStorage::open(&dir).unwrap();
    check_contents(&store);
    drop(store);
    assert_eq!(fs::read(dir.join(BACKUP_FILE)).unwrap(), original);
    assert!(!dir.join(UPGRADING_FILE).exists());

    // Opens again as a redb 4 dir, writable and read-only, without a second upgrade.
    let backup_modified = fs::metadata(dir.join(BACKUP_FILE))
        .unwrap()
        .modified()
        .unwrap();
    check_contents(&RedbStorage::open(&dir).unwrap());
    check_contents(&RedbStorage::open_read_only(&dir).unwrap());
    let again = fs::metadata(dir.join(BACKUP_FILE)).unwrap();
    assert_eq!(again.modified().unwrap(), backup_modified);

    let out = raftctl(&["wal", "verify"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_upgrade_interrupted_before_the_rename_starts_over() {
    let (_root, dir) = fixture_copy();
    let original = fs::read(dir.join(DB_FILE)).unwrap();
    // What a crash after the backup link and before the rename leaves: a half-written
    // new file, and the old file under both names.
    fs::write(
        dir.join(UPGRADING_FILE),
        b"redb\x1a\x0a\xa9\x0d\x0a half of it",
    )
    .unwrap();
    fs::hard_link(dir.join(DB_FILE), dir.join(BACKUP_FILE)).unwrap();

    check_contents(&RedbStorage::open(&dir).unwrap());
    assert_eq!(fs::read(dir.join(BACKUP_FILE)).unwrap(), original);
    assert!(!dir.join(UPGRADING_FILE).exists());
}

#[test]
fn an_unrelated_file_under_the_backup_name_is_not_overwritten() {
    let (_root, dir) = fixture_copy();
    let original = fs::read(dir.join(DB_FILE)).unwrap();
    fs::write(dir.join(BACKUP_FILE), b"someone else's file").unwrap();

    let err = RedbStorage::open(&dir).unwrap_err().to_string();
    assert!(
        err.contains(BACKUP_FILE) && err.contains("move it away"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(fs::read(dir.join(DB_FILE)).unwrap(), original);
    assert_eq!(
        fs::read(dir.join(BACKUP_FILE)).unwrap(),
        b"someone else's file"
    );
}
