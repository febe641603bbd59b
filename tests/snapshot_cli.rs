//! `raftctl snapshot inspect|restore` through the real binary, on snapshot files and
//! data dirs written by the library: whole output, JSON shapes, bad files with one line
//! and exit 1, and a restore that `wal hardstate`/`wal verify` and the KV agree with.

mod offline_util;

use std::fs;
use std::path::{Path, PathBuf};

use offline_util::*;
use raftctl::kv::{create_snapshot_file, CreatedSnapshot};
use raftctl::storage::RedbStorage;
use serde_json::json;

/// A node of a 3-member cluster with 40 keys applied at index 40 (term 2), and its
/// snapshot file written by the library.
fn snapshot(tmp: &Path) -> (RedbStorage, CreatedSnapshot) {
    let mut m = voters(&[1, 2, 3]);
    m.learners.insert(4, url(4));
    let store = node_dir(&tmp.join("source"), 1, m, &puts(40), 40, 40);
    let info = create_snapshot_file(&store, &tmp.join("files")).unwrap();
    (store, info)
}

#[test]
fn inspect_prints_the_whole_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let (_store, info) = snapshot(tmp.path());
    let run = raftctl([Path::new("snapshot"), Path::new("inspect"), &info.path]);
    run.assert_ok();
    let expected = [
        " FIELD       VALUE".to_string(),
        format!(" file        {}", info.path.display()),
        " index       40".into(),
        " term        2".into(),
        " cluster id  0123456789abcdef".into(),
        " voters      1=http://127.0.0.1:7001,2=http://127.0.0.1:7002,3=http://127.0.0.1:7003"
            .into(),
        " learners    4=http://127.0.0.1:7004".into(),
        " keys        40".into(),
        format!(" size bytes  {}", info.size_bytes),
        format!(" checksum    crc32c {:08x} (verified)", info.checksum),
    ]
    .map(|l| format!("{l}\n"))
    .concat();
    assert_eq!(run.stdout, expected);
}

#[test]
fn inspect_json_has_every_field() {
    let tmp = tempfile::tempdir().unwrap();
    let (_store, info) = snapshot(tmp.path());
    let run = raftctl([
        Path::new("snapshot"),
        Path::new("inspect"),
        &info.path,
        Path::new("-o"),
        Path::new("json"),
    ]);
    run.assert_ok();
    assert_eq!(
        run.json(),
        json!({
            "file": info.path.display().to_string(),
            "index": 40,
            "term": 2,
            "cluster_id": "0123456789abcdef",
            "voters": [
                {"id": 1, "url": "http://127.0.0.1:7001"},
                {"id": 2, "url": "http://127.0.0.1:7002"},
                {"id": 3, "url": "http://127.0.0.1:7003"},
            ],
            "learners": [{"id": 4, "url": "http://127.0.0.1:7004"}],
            "keys": 40,
            "size_bytes": info.size_bytes,
            "checksum": format!("{:08x}", info.checksum),
            "checksum_ok": true,
        })
    );
}

fn inspect_fails(path: &Path, says: &[&str]) {
    for output in ["table", "json"] {
        let run = raftctl([
            Path::new("snapshot"),
            Path::new("inspect"),
            path,
            Path::new("-o"),
            Path::new(output),
        ]);
        run.assert_fails_with(says);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn inspect_refuses_bad_files_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (_store, info) = snapshot(tmp.path());
    let good = fs::read(&info.path).unwrap();
    let bad = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = tmp.path().join(name);
        fs::write(&p, bytes).unwrap();
        p
    };
    let name = |p: &Path| p.display().to_string();

    let p = bad("truncated.snap", &good[..good.len() - 100]);
    inspect_fails(&p, &[&name(&p), "truncated"]);
    let p = bad("header-only.snap", &good[..30]);
    inspect_fails(&p, &[&name(&p)]);
    let p = bad("empty.snap", b"");
    inspect_fails(&p, &[&name(&p), "too short"]);
    let p = bad("garbage.snap", &[0x5a; 4096]);
    inspect_fails(&p, &[&name(&p), "magic"]);
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let p = bad("flipped.snap", &flipped);
    inspect_fails(&p, &[&name(&p), "checksum"]);
    let mut longer = good.clone();
    longer.extend_from_slice(b"trailing");
    let p = bad("longer.snap", &longer);
    inspect_fails(&p, &[&name(&p), "after the end"]);
    let mut newer = good.clone();
    newer[8] = 9;
    let p = bad("newer.snap", &newer);
    inspect_fails(&p, &[&name(&p), "format version 9", "newer"]);
    let redb = tmp.path().join("source").join("raftctl.redb");
    inspect_fails(&redb, &[&name(&redb), "magic"]);
    let missing = tmp.path().join("missing.snap");
    inspect_fails(&missing, &[&name(&missing)]);
}

fn restore(file: &Path, dir: &Path, id: u64, cluster: &str) -> Run {
    raftctl([
        "snapshot".as_ref(),
        "restore".as_ref(),
        file.as_os_str(),
        "--data-dir".as_ref(),
        dir.as_os_str(),
        "--id".as_ref(),
        id.to_string().as_ref(),
        "--initial-cluster".as_ref(),
        cluster.as_ref(),
    ])
}

fn wal(cmd: &str, dir: &Path) -> Run {
    raftctl([
        "wal".as_ref(),
        cmd.as_ref(),
        "--data-dir".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        "json".as_ref(),
    ])
}

const NEW_CLUSTER: &str = "5=http://127.0.0.1:7105,6=http://127.0.0.1:7106";

#[test]
fn restore_starts_a_new_cluster_with_the_snapshots_data() {
    let tmp = tempfile::tempdir().unwrap();
    let (source, info) = snapshot(tmp.path());
    let d5 = tmp.path().join("d5");
    let run = restore(&info.path, &d5, 5, NEW_CLUSTER);
    run.assert_ok();
    assert!(
        run.stdout.contains(&format!(
            "raftctl serve --id 5 --listen 127.0.0.1:7105 --data-dir {}",
            d5.display()
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("keys            40"), "{}", run.stdout);

    let hs = wal("hardstate", &d5);
    hs.assert_ok();
    let hs = hs.json();
    assert_eq!(hs["node_id"], 5);
    assert_ne!(hs["cluster_id"], "0123456789abcdef");
    assert_eq!(
        hs["voters"],
        json!([
            {"id": 5, "url": "http://127.0.0.1:7105"},
            {"id": 6, "url": "http://127.0.0.1:7106"},
        ])
    );
    assert_eq!(hs["learners"], json!([]));
    assert_eq!(hs["applied"], 40);
    assert_eq!(hs["commit"], 40);
    assert_eq!(hs["first_index"], 41);
    assert_eq!(hs["last_index"], 40);
    assert_eq!(hs["snapshot"], json!({"index": 40, "term": 2}));
    assert!(hs["term"].as_u64().unwrap() >= 2);
    let verify = wal("verify", &d5);
    verify.assert_ok();
    assert_eq!(verify.json()["ok"], true);

    let restored = RedbStorage::open_read_only(&d5).unwrap();
    assert_eq!(all_kv(&restored), all_kv(&source));
    assert_eq!(all_kv(&restored).len(), 40);
    // The snapshot kept for later members carries the new cluster and membership.
    let kept = raftctl([
        Path::new("snapshot"),
        Path::new("inspect"),
        &d5.join("snapshots").join("snap-2-40.snap"),
        Path::new("-o"),
        Path::new("json"),
    ]);
    kept.assert_ok();
    assert_eq!(kept.json()["cluster_id"], hs["cluster_id"]);
    assert_eq!(kept.json()["voters"], hs["voters"]);
    assert_eq!(kept.json()["keys"], 40);

    // The other member, restored from the same file, joins the same new cluster.
    let d6 = tmp.path().join("d6");
    restore(&info.path, &d6, 6, NEW_CLUSTER).assert_ok();
    let hs6 = wal("hardstate", &d6).json();
    assert_eq!(hs6["cluster_id"], hs["cluster_id"]);
    assert_eq!(hs6["node_id"], 6);
    assert_eq!(hs6["voters"], hs["voters"]);

    let json_run = raftctl([
        "snapshot".as_ref(),
        "restore".as_ref(),
        info.path.as_os_str(),
        "--data-dir".as_ref(),
        tmp.path().join("d7").as_os_str(),
        "--id".as_ref(),
        "7".as_ref(),
        "--initial-cluster".as_ref(),
        "7=http://127.0.0.1:7107".as_ref(),
        "-o".as_ref(),
        "json".as_ref(),
    ]);
    json_run.assert_ok();
    let j = json_run.json();
    assert_eq!(
        (&j["node_id"], &j["index"], &j["term"], &j["keys"]),
        (&json!(7), &json!(40), &json!(2), &json!(40))
    );
    assert_eq!(j["source_cluster_id"], "0123456789abcdef");
    assert_ne!(
        j["cluster_id"], hs["cluster_id"],
        "another member list, another cluster"
    );
}

#[test]
fn restore_refuses_a_non_empty_dir_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (_source, info) = snapshot(tmp.path());
    let dir = tmp.path().join("busy");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("notes.txt"), b"keep me").unwrap();
    let before = fingerprint(&dir);
    restore(&info.path, &dir, 5, NEW_CLUSTER).assert_fails_with(&[
        &dir.display().to_string(),
        "not empty",
        "notes.txt",
    ]);
    assert_eq!(fingerprint(&dir), before);

    // An existing data dir is refused the same way.
    let source_dir = tmp.path().join("source");
    let before = fingerprint(&source_dir);
    restore(&info.path, &source_dir, 5, NEW_CLUSTER).assert_fails_with(&["not empty"]);
    assert_eq!(fingerprint(&source_dir), before);
}

#[test]
fn restore_of_a_bad_file_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (_source, info) = snapshot(tmp.path());
    let mut bytes = fs::read(&info.path).unwrap();
    let at = bytes.len() - 20;
    bytes[at] ^= 1;
    let bad = tmp.path().join("bad.snap");
    fs::write(&bad, bytes).unwrap();
    let dir = tmp.path().join("new");
    restore(&bad, &dir, 5, NEW_CLUSTER).assert_fails_with(&["bad.snap", "checksum"]);
    assert!(!dir.exists());
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    restore(&bad, &empty, 5, NEW_CLUSTER).assert_fails_with(&["checksum"]);
    assert!(fingerprint(&empty).is_empty());
}

#[test]
fn restore_flags_are_checked_first() {
    let tmp = tempfile::tempdir().unwrap();
    let (_source, info) = snapshot(tmp.path());
    let dir = tmp.path().join("new");
    for (id, cluster, says) in [
        (9, NEW_CLUSTER, "--id 9 is not listed in --initial-cluster"),
        (5, "5=localhost:7105", "not a URL"),
        (5, "5=http://a:1,5=http://b:2", "listed twice"),
        (5, "", "no members"),
    ] {
        let run = restore(&info.path, &dir, id, cluster);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(run.stderr.contains(says), "{says:?} not in {}", run.stderr);
        assert!(!dir.exists());
    }
}

#[test]
fn take_and_save_fail_in_one_line_when_no_member_answers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    raftctl(["--endpoints", &endpoint, "snapshot", "take"])
        .assert_fails_with(&["no member of", "answered"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.snap");
    raftctl([
        "--endpoints",
        &endpoint,
        "snapshot",
        "save",
        file.to_str().unwrap(),
    ])
    .assert_fails_with(&["no member of", "answered"]);
    assert!(!file.exists());
    assert!(!dir.path().join("x.snap.part").exists());
}
