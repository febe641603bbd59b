//! Broken data dirs: each gives one clear error naming the path and exit 1 through the
//! real binary, never a panic, and neither the tools nor `open` change a byte of it.

mod storage_util;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use raftctl::storage::{Error, RedbStorage};
use storage_util::*;

/// Runs every `wal` command on `dir`; each must exit 1 with a one-line error that
/// contains `expect`, and leave the database file as it was.
fn assert_wal_fails(dir: &Path, expect: &str) {
    let db = dir.join("raftctl.redb");
    let before = fs::read(&db).ok();
    for sub in ["dump", "hardstate", "verify"] {
        for json in [false, true] {
            let mut cmd = Command::new(raftctl_bin());
            cmd.args(["wal", sub, "--data-dir"]).arg(dir);
            if json {
                cmd.args(["-o", "json"]);
            }
            let out = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "wal {sub}: {stderr}");
            assert!(
                stderr.starts_with("error: ") && stderr.contains(expect),
                "wal {sub}: expected {expect:?} in {stderr:?}"
            );
            assert!(!stderr.contains("panicked"), "wal {sub} panicked: {stderr}");
            assert!(
                stderr.contains(&dir.display().to_string()),
                "wal {sub}: the error names the path: {stderr}"
            );
            assert!(out.stdout.is_empty(), "wal {sub} printed {:?}", out.stdout);
        }
    }
    assert_eq!(
        fs::read(&db).ok(),
        before,
        "the tools changed {}",
        db.display()
    );
}

/// `open` must refuse too, with the same kind of message, without touching the file.
fn assert_open_fails(dir: &Path, expect: &str) -> Error {
    let db = dir.join("raftctl.redb");
    let before = fs::read(&db).ok();
    let err = RedbStorage::open(dir).unwrap_err();
    assert!(err.to_string().contains(expect), "{err}");
    assert_eq!(fs::read(&db).ok(), before, "open changed {}", db.display());
    err
}

fn sample_db_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    drop(write_sample_dir(dir.path()));
    fs::read(dir.path().join("raftctl.redb")).unwrap()
}

fn dir_with_db(bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("raftctl.redb"), bytes).unwrap();
    dir
}

#[test]
fn a_missing_dir() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("nowhere");
    assert_wal_fails(&dir, "does not exist");
    assert!(matches!(
        assert_open_fails(&dir, "does not exist"),
        Error::MissingDir { .. }
    ));
    assert!(!dir.exists(), "inspecting a missing dir must not create it");
}

#[test]
fn an_empty_dir() {
    let dir = tempfile::tempdir().unwrap();
    assert_wal_fails(dir.path(), "is empty");
    assert_open_fails(dir.path(), "is empty");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_dir_without_the_database() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("other"), b"x").unwrap();
    assert_wal_fails(dir.path(), "raftctl.redb is missing");
}

#[test]
fn an_empty_file() {
    let dir = dir_with_db(&[]);
    assert_wal_fails(dir.path(), "empty file");
    assert_open_fails(dir.path(), "empty file");
}

#[test]
fn random_bytes() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let junk: Vec<u8> = (0..64 * 1024).map(|_| rng.gen()).collect();
    let dir = dir_with_db(&junk);
    assert_wal_fails(dir.path(), "not a redb database");
    assert_open_fails(dir.path(), "not a redb database");
}

#[test]
fn random_bytes_behind_a_redb_header() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(8);
    let mut bytes = sample_db_bytes();
    for b in bytes.iter_mut().skip(9) {
        *b = rng.gen();
    }
    let dir = dir_with_db(&bytes);
    assert_wal_fails(dir.path(), "raftctl.redb");
    let err = assert_open_fails(dir.path(), "raftctl.redb");
    assert!(
        matches!(err, Error::Corrupt { .. } | Error::Truncated { .. }),
        "{err}"
    );
}

#[test]
fn truncated_files() {
    let good = sample_db_bytes();
    for keep in [9, 100, 512, 4096, good.len() / 2, good.len() - 1] {
        let dir = dir_with_db(&good[..keep]);
        assert_wal_fails(dir.path(), "raftctl.redb");
        let err = assert_open_fails(dir.path(), "raftctl.redb");
        assert!(
            matches!(err, Error::Corrupt { .. } | Error::Truncated { .. }),
            "{keep} bytes kept: {err}"
        );
    }
}

#[test]
fn a_newer_format_version() {
    let dir = tempfile::tempdir().unwrap();
    drop(write_sample_dir(dir.path()));
    poke_meta(dir.path(), "format_version", &7u32.to_le_bytes());
    assert_wal_fails(dir.path(), "format version 7, newer than this build reads");
    assert!(matches!(
        assert_open_fails(dir.path(), "newer"),
        Error::FormatTooNew {
            found: 7,
            supported: 1,
            ..
        }
    ));
}

#[test]
fn an_unknown_format_version() {
    let dir = tempfile::tempdir().unwrap();
    drop(write_sample_dir(dir.path()));
    poke_meta(dir.path(), "format_version", &0u32.to_le_bytes());
    assert_wal_fails(dir.path(), "format version 0");
}

#[test]
fn damaged_metadata() {
    let dir = tempfile::tempdir().unwrap();
    drop(write_sample_dir(dir.path()));
    poke_meta(dir.path(), "hard_state", b"short");
    assert_wal_fails(dir.path(), "hard state cannot be decoded");
    poke_meta(dir.path(), "hard_state", &[0; 24]);
    poke_meta(dir.path(), "membership", b"{not json");
    assert_wal_fails(dir.path(), "membership cannot be decoded");
}

#[test]
fn a_redb_database_of_another_program() {
    let dir = tempfile::tempdir().unwrap();
    let db = redb::Database::create(dir.path().join("raftctl.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(redb::TableDefinition::<u64, u64>::new("theirs"))
        .unwrap();
    txn.commit().unwrap();
    drop(db);
    assert_wal_fails(dir.path(), "not a raftctl data dir");
}

#[test]
fn a_dir_in_use_by_a_running_node() {
    let dir = tempfile::tempdir().unwrap();
    let running = write_sample_dir(dir.path());
    let out = Command::new(raftctl_bin())
        .args(["wal", "hardstate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("in use by another process"), "{stderr}");
    drop(running);
}
