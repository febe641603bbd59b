//! `raftctl recover plan` and `raftctl recover` through the real binary, on survivors'
//! data dirs written by the library: the right survivor and the entries at risk, a
//! membership rewrite that `wal hardstate`/`wal verify` confirm, and refusals (wrong id,
//! pending membership change, dir in use) that change nothing.

mod offline_util;

use std::path::{Path, PathBuf};

use offline_util::*;
use raftctl::kv::verify_snapshot_file;
use raftctl::raft::{Entry, Storage};
use raftctl::storage::RedbStorage;
use serde_json::json;

/// Entries 1..=9 all three survivors share: term 1 up to 5, term 2 after.
fn common() -> Vec<Entry> {
    (1..=9)
        .map(|i| put(i, if i <= 5 { 1 } else { 2 }, &format!("k{i}")))
        .collect()
}

struct Survivors {
    _tmp: tempfile::TempDir,
    a: PathBuf,
    b: PathBuf,
    c: PathBuf,
}

/// Three survivors of a 5-member cluster whose logs end at different places:
/// node 1 at 10 (term 2, commit 8), node 2 at 12 (term 2, commit 9), node 3 at 11 with
/// a term-3 suffix from 10 (commit 7). Node 3 wins by last term, although node 2's
/// log is longer and knows the highest commit.
fn survivors() -> Survivors {
    let tmp = tempfile::tempdir().unwrap();
    let m = voters(&[1, 2, 3, 4, 5]);
    let (a, b, c) = (
        tmp.path().join("n1"),
        tmp.path().join("n2"),
        tmp.path().join("n3"),
    );
    let mut log = common();
    // Same index and term as node 2's entry 10, so the same entry (log matching).
    log.push(put(10, 2, "b10"));
    node_dir(&a, 1, m.clone(), &log, 8, 8);
    let mut log = common();
    log.extend([put(10, 2, "b10"), put(11, 2, "b11"), put(12, 2, "b12")]);
    node_dir(&b, 2, m.clone(), &log, 9, 9);
    let mut log = common();
    log.extend([put(10, 3, "c10"), put(11, 3, "c11")]);
    node_dir(&c, 3, m, &log, 7, 7);
    Survivors { _tmp: tmp, a, b, c }
}

fn plan(dirs: &[&Path], json: bool) -> Run {
    let mut args: Vec<&std::ffi::OsStr> = vec!["recover".as_ref(), "plan".as_ref()];
    args.extend(dirs.iter().map(|d| d.as_os_str()));
    if json {
        args.extend([std::ffi::OsStr::new("-o"), std::ffi::OsStr::new("json")]);
    }
    raftctl(args)
}

fn recover(dir: &Path, id: u64, json: bool) -> Run {
    let id = id.to_string();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "recover".as_ref(),
        "--data-dir".as_ref(),
        dir.as_os_str(),
        "--id".as_ref(),
        id.as_ref(),
    ];
    if json {
        args.extend([std::ffi::OsStr::new("-o"), std::ffi::OsStr::new("json")]);
    }
    raftctl(args)
}

fn hardstate(dir: &Path) -> serde_json::Value {
    let run = raftctl([
        "wal".as_ref(),
        "hardstate".as_ref(),
        "--data-dir".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        "json".as_ref(),
    ]);
    run.assert_ok();
    run.json()
}

#[test]
fn plan_picks_the_most_up_to_date_survivor_and_lists_entries_at_risk() {
    let s = survivors();
    let before: Vec<_> = [&s.a, &s.b, &s.c].map(|d| fingerprint(d)).into();
    let run = plan(&[&s.a, &s.b, &s.c], true);
    run.assert_ok();
    let p = run.json();
    assert_eq!(
        p["best"],
        json!({"data_dir": s.c.display().to_string(), "node_id": 3})
    );
    assert_eq!(p["highest_commit"], 9);
    assert_eq!(
        p["at_risk"],
        json!([
            {"index": 10, "term": 3, "type": "normal", "summary": "put \"c10\" (8 B)"},
            {"index": 11, "term": 3, "type": "normal", "summary": "put \"c11\" (8 B)"},
        ])
    );
    let lost: Vec<(u64, u64, u64)> = p["lost"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node_id"].as_u64().unwrap(),
                e["index"].as_u64().unwrap(),
                e["term"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lost, vec![(1, 10, 2), (2, 10, 2), (2, 11, 2), (2, 12, 2)]);
    assert_eq!(p["blockers"], json!([]));
    assert_eq!(
        p["next_command"],
        format!("raftctl recover --data-dir {} --id 3", s.c.display())
    );
    let rows: Vec<_> = p["survivors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["node_id"].as_u64().unwrap(),
                r["commit"].as_u64().unwrap(),
                r["applied"].as_u64().unwrap(),
                r["last_index"].as_u64().unwrap(),
                r["last_term"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![(1, 8, 8, 10, 2), (2, 9, 9, 12, 2), (3, 7, 7, 11, 3)]
    );
    assert_eq!(p["survivors"][0]["term"], 2);
    assert_eq!(p["survivors"][0]["vote"], 1);
    assert_eq!(p["survivors"][0]["voters"].as_array().unwrap().len(), 5);

    // The order of the dirs does not matter, and the table says the same.
    let run = plan(&[&s.c, &s.b, &s.a], false);
    run.assert_ok();
    let out = &run.stdout;
    assert!(out.contains("most up to date: node 3"), "{out}");
    assert!(
        out.contains("highest commit index known among the survivors: 9"),
        "{out}"
    );
    assert!(
        out.contains(" 10     3     normal  put \"c10\" (8 B)"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "next: raftctl recover --data-dir {} --id 3",
            s.c.display()
        )),
        "{out}"
    );
    let header = out.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>().join(" "),
        "NODE DATA DIR TERM VOTE COMMIT APPLIED LAST INDEX LAST TERM VOTERS LEARNERS"
    );
    assert!(out.lines().any(|l| l.starts_with(" 3 *")), "{out}");

    let after: Vec<_> = [&s.a, &s.b, &s.c].map(|d| fingerprint(d)).into();
    assert_eq!(after, before, "plan is read-only");
}

#[test]
fn plan_with_equal_last_terms_prefers_the_longer_log() {
    let s = survivors();
    let run = plan(&[&s.a, &s.b], true);
    run.assert_ok();
    let p = run.json();
    assert_eq!(p["best"]["node_id"], 2);
    let at_risk: Vec<u64> = p["at_risk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["index"].as_u64().unwrap())
        .collect();
    assert_eq!(at_risk, vec![10, 11, 12]);
    assert_eq!(p["lost"], json!([]), "node 1's entry 10 is node 2's too");
}

#[test]
fn recover_makes_the_survivor_a_one_member_cluster_keeping_its_log() {
    let s = survivors();
    let dump_before = raftctl([
        "wal".as_ref(),
        "dump".as_ref(),
        "--data-dir".as_ref(),
        s.c.as_os_str(),
    ]);
    let before = hardstate(&s.c);
    let run = recover(&s.c, 3, false);
    run.assert_ok();
    let out = &run.stdout;
    assert!(out.contains("node 3 is now the only voter"), "{out}");
    assert!(
        out.contains(" voters       1=http://127.0.0.1:7001,2=http://127.0.0.1:7002,3=http://127.0.0.1:7003,4=http://127.0.0.1:7004,5=http://127.0.0.1:7005  3=http://127.0.0.1:7003"),
        "{out}"
    );
    assert!(out.contains("4 entries above commit 7 are kept"), "{out}");
    assert!(
        out.contains(&format!(
            "raftctl serve --id 3 --listen 127.0.0.1:7003 --data-dir {}",
            s.c.display()
        )),
        "{out}"
    );

    let after = hardstate(&s.c);
    assert_eq!(
        after["voters"],
        json!([{"id": 3, "url": "http://127.0.0.1:7003"}])
    );
    assert_eq!(after["learners"], json!([]));
    for kept in [
        "term",
        "vote",
        "commit",
        "applied",
        "first_index",
        "last_index",
        "cluster_id",
        "node_id",
    ] {
        assert_eq!(after[kept], before[kept], "{kept} kept");
    }
    assert_eq!(after["snapshot"], json!({"index": 7, "term": 2}));
    let verify = raftctl([
        "wal".as_ref(),
        "verify".as_ref(),
        "--data-dir".as_ref(),
        s.c.as_os_str(),
    ]);
    verify.assert_ok();
    let dump_after = raftctl([
        "wal".as_ref(),
        "dump".as_ref(),
        "--data-dir".as_ref(),
        s.c.as_os_str(),
    ]);
    assert_eq!(
        dump_after.stdout, dump_before.stdout,
        "the whole log is kept"
    );

    // What the node restarts from: one voter, and a snapshot file that says so.
    let store = RedbStorage::open(&s.c).unwrap();
    let state = store.initial_state().unwrap();
    assert_eq!(state.conf_state.voters, vec![3]);
    assert!(state.conf_state.learners.is_empty());
    assert_eq!(store.snapshot_meta().conf_state.voters, vec![3]);
    let files = store.snapshot_files().unwrap();
    assert_eq!(files.len(), 1);
    let file = verify_snapshot_file(&files[0].2).unwrap();
    assert_eq!(file.meta.membership, voters(&[3]));
    assert_eq!((file.meta.index, file.keys), (7, 7));
    drop(store);

    // Running it again finds nothing to change.
    let again = recover(&s.c, 3, true);
    again.assert_ok();
    assert_eq!(again.json()["changed"], false);
    assert_eq!(
        again.json()["voters"],
        json!([{"id": 3, "url": "http://127.0.0.1:7003"}])
    );
}

#[test]
fn a_learner_can_be_recovered_but_a_removed_node_cannot() {
    let tmp = tempfile::tempdir().unwrap();
    let mut m = voters(&[1, 2, 3]);
    m.learners.insert(4, url(4));
    let learner = tmp.path().join("n4");
    node_dir(&learner, 4, m, &common(), 9, 9);
    let run = recover(&learner, 4, true);
    run.assert_ok();
    let r = run.json();
    assert_eq!(
        r["voters"],
        json!([{"id": 4, "url": "http://127.0.0.1:7004"}])
    );
    assert_eq!(
        r["old_learners"],
        json!([{"id": 4, "url": "http://127.0.0.1:7004"}])
    );
    assert_eq!(r["learners"], json!([]));
    assert_eq!(r["changed"], true);

    let removed = tmp.path().join("n5");
    node_dir(&removed, 5, voters(&[1, 2, 3]), &common(), 9, 9);
    let before = fingerprint(&removed);
    recover(&removed, 5, false).assert_fails_with(&["node 5 is not a member", "removed"]);
    assert_eq!(fingerprint(&removed), before);
}

#[test]
fn recover_refuses_a_wrong_id_and_changes_nothing() {
    let s = survivors();
    let before = fingerprint(&s.c);
    recover(&s.c, 2, false).assert_fails_with(&[
        "--id 2 is not the node of data dir",
        &s.c.display().to_string(),
        "node 3 (use --id 3)",
    ]);
    assert_eq!(fingerprint(&s.c), before);
}

#[test]
fn recover_refuses_a_membership_change_above_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("n1");
    let mut log = common();
    log.push(add_voter(10, 2, 6));
    log.push(put(11, 2, "after"));
    node_dir(&dir, 1, voters(&[1, 2, 3]), &log, 10, 9);
    let before = fingerprint(&dir);
    let run = recover(&dir, 1, false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let first = run.stderr.lines().next().unwrap();
    for says in [
        "recover refuses",
        "membership change at index 10 (add_voter 6 http://127.0.0.1:7006)",
        "above the applied index 9",
        "start the node once",
    ] {
        assert!(first.contains(says), "{says:?} not in {first}");
    }
    assert_eq!(fingerprint(&dir), before);

    // plan says so too.
    let run = plan(&[&dir], true);
    run.assert_ok();
    let blockers = run.json()["blockers"].clone();
    assert_eq!(blockers.as_array().unwrap().len(), 1, "{blockers}");
}

/// After a crash a member's KV can hold newer values of some keys than its applied index
/// says (the node writes its apply buffer a few keys at a time). Recover applies the
/// committed entries above the applied index first, so the snapshot it cuts is the state
/// at one index.
#[test]
fn recover_applies_committed_entries_before_cutting_its_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("n1");
    let mut log = common();
    log.push(put(10, 2, "k1"));
    log.push(put(11, 2, "k2"));
    log.push(put(12, 2, "above-commit"));
    // Applied 5, commit 11; entry 11's value of k2 already reached the KV.
    let store = node_dir(&dir, 1, voters(&[1, 2, 3]), &log, 11, 5);
    let w = store.begin_write().unwrap();
    let command = raftctl::kv::Command::decode(&log[10].data).unwrap();
    raftctl::kv::apply(w.txn(), 11, &command).unwrap();
    w.commit().unwrap();
    drop(store);

    recover(&dir, 1, false).assert_ok();
    let after = hardstate(&dir);
    assert_eq!(
        (after["commit"].clone(), after["applied"].clone()),
        (json!(11), json!(11))
    );
    assert_eq!(after["last_index"], json!(12), "the log is kept");

    let store = RedbStorage::open(&dir).unwrap();
    let txn = store.begin_read().unwrap();
    let value = |key: &str| {
        raftctl::kv::get_versioned(&txn, key)
            .unwrap()
            .map(|(v, index)| (String::from_utf8(v.to_vec()).unwrap(), index))
    };
    assert_eq!(value("k1"), Some(("value-10".into(), 10)));
    assert_eq!(value("k2"), Some(("value-11".into(), 11)));
    assert_eq!(value("k9"), Some(("value-9".into(), 9)));
    assert_eq!(value("above-commit"), None);
    let files = store.snapshot_files().unwrap();
    let file = verify_snapshot_file(&files.last().unwrap().2).unwrap();
    assert_eq!((file.meta.index, file.keys), (11, 9));
}

#[test]
fn recover_refuses_missing_empty_and_foreign_dirs_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    recover(&missing, 1, false)
        .assert_fails_with(&[&missing.display().to_string(), "does not exist"]);
    assert!(!missing.exists());
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    recover(&empty, 1, false).assert_fails_with(&[&empty.display().to_string(), "empty"]);
    assert!(fingerprint(&empty).is_empty());
    let junk = tmp.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("raftctl.redb"), [7u8; 5000]).unwrap();
    let before = fingerprint(&junk);
    recover(&junk, 1, false).assert_fails_with(&["not a redb database"]);
    plan(&[&junk], false).assert_fails_with(&["not a redb database"]);
    assert_eq!(fingerprint(&junk), before);
}

#[test]
fn both_refuse_a_dir_in_use() {
    let s = survivors();
    let held = RedbStorage::open(&s.c).unwrap();
    let before = fingerprint(&s.c);
    let name = s.c.display().to_string();
    plan(&[&s.a, &s.c], false).assert_fails_with(&[&name, "in use"]);
    recover(&s.c, 3, false).assert_fails_with(&[&name, "in use"]);
    assert_eq!(fingerprint(&s.c), before);
    assert_eq!(held.membership(), voters(&[1, 2, 3, 4, 5]));
}

#[test]
fn plan_refuses_mixed_clusters_and_missing_dirs() {
    let s = survivors();
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other");
    drop(
        raftctl::storage::RedbStorage::create(
            &other,
            raftctl::storage::InitialState {
                node_id: 4,
                cluster_id: 42,
                membership: voters(&[4]),
            },
        )
        .unwrap(),
    );
    plan(&[&s.a, &other], false).assert_fails_with(&["cluster", "one cluster"]);
    plan(&[&s.a, &s.a], false).assert_fails_with(&["given twice"]);
    let missing = tmp.path().join("missing");
    plan(&[&s.a, &missing], false)
        .assert_fails_with(&[&missing.display().to_string(), "does not exist"]);
}
