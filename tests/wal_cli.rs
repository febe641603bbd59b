//! `raftctl wal dump|hardstate|verify` through the real binary, on data dirs written by
//! the store: whole table output, docs/serve-and-api.md's JSON shapes, and verify naming each problem.

mod storage_util;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use raftctl::raft::{HardState, SnapshotMeta};
use raftctl::storage::RedbStorage;
use serde_json::{json, Value};
use storage_util::*;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn wal(dir: &Path, args: &[&str]) -> Run {
    let db = dir.join("raftctl.redb");
    let before = fs::read(&db).unwrap();
    let out = Command::new(raftctl_bin())
        .arg("wal")
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        fs::read(&db).unwrap(),
        before,
        "wal {args:?} changed the database"
    );
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    drop(write_sample_dir(dir.path()));
    dir
}

#[test]
fn dump_prints_one_decoded_row_per_entry() {
    let dir = sample();
    let run = wal(dir.path(), &["dump"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = [
        " INDEX  TERM  TYPE         SIZE  SUMMARY",
        " 1      1     empty        0",
        " 2      1     normal       39    put \"alpha\" (12 B)",
        " 3      1     normal       26    put \"beta\" (0 B)",
        " 4      2     normal       27    del \"alpha\"",
        " 5      2     conf_change  82    add_learner 4 http://127.0.0.1:7004",
        " 6      3     empty        0",
    ]
    .map(|l| format!("{l}\n"))
    .concat();
    assert_eq!(run.stdout, expected);
}

#[test]
fn dump_json_has_the_spec_shape() {
    let dir = sample();
    let run = wal(
        dir.path(),
        &["dump", "-o", "json", "--from", "2", "--to", "5"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        json_of(&run),
        json!({"entries": [
            {"index": 2, "term": 1, "type": "normal", "size": 39, "summary": "put \"alpha\" (12 B)"},
            {"index": 3, "term": 1, "type": "normal", "size": 26, "summary": "put \"beta\" (0 B)"},
            {"index": 4, "term": 2, "type": "normal", "size": 27, "summary": "del \"alpha\""},
            {"index": 5, "term": 2, "type": "conf_change", "size": 82,
             "summary": "add_learner 4 http://127.0.0.1:7004"},
        ]})
    );
}

#[test]
fn dump_limits_and_ranges() {
    let dir = sample();
    let indexes = |args: &[&str]| -> Vec<u64> {
        let mut all = vec!["dump", "-o", "json"];
        all.extend_from_slice(args);
        let run = wal(dir.path(), &all);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        json_of(&run)["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["index"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(indexes(&["--limit", "2"]), vec![1, 2]);
    assert_eq!(indexes(&["--from", "5"]), vec![5, 6]);
    assert_eq!(indexes(&["--to", "2"]), vec![1, 2]);
    assert_eq!(indexes(&["--from", "3", "--limit", "1"]), vec![3]);
    assert_eq!(indexes(&["--limit", "0"]), Vec::<u64>::new());
    assert_eq!(indexes(&["--from", "99"]), Vec::<u64>::new());

    let run = wal(dir.path(), &["dump", "--from", "5", "--to", "2"]);
    assert_eq!(run.code, Some(2), "a backwards range is a usage error");
    assert!(
        run.stderr.contains("--from 5 is after --to 2"),
        "{}",
        run.stderr
    );
}

#[test]
fn dump_decodes_other_membership_changes_and_flags_bad_payloads() {
    use raftctl::raft::{ConfChangeType, Entry, EntryType};
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let mut w = store.begin_write().unwrap();
    w.append(&[
        conf(1, 1, ConfChangeType::AddVoter, 2, "http://127.0.0.1:7002"),
        conf(2, 1, ConfChangeType::PromoteLearner, 4, ""),
        conf(3, 1, ConfChangeType::Remove, 3, ""),
        Entry {
            term: 1,
            index: 4,
            entry_type: EntryType::Normal,
            data: bytes::Bytes::from_static(b"xy"),
        },
    ])
    .unwrap();
    // (A real log never holds entries of a term above the hard state's: dump refuses
    // such a file as damaged.)
    w.set_hard_state(&HardState {
        term: 1,
        vote: None,
        commit: 0,
    })
    .unwrap();
    w.commit().unwrap();
    drop(store);
    let run = wal(dir.path(), &["dump", "-o", "json"]);
    let summaries: Vec<String> = json_of(&run)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(summaries[0], "add_voter 2 http://127.0.0.1:7002");
    assert_eq!(summaries[1], "promote_learner 4");
    assert_eq!(summaries[2], "remove 3");
    assert!(
        summaries[3].starts_with("not a KV command"),
        "{}",
        summaries[3]
    );
}

#[test]
fn hardstate_table_and_json() {
    let dir = sample();
    let run = wal(dir.path(), &["hardstate"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let field = |name: &str| -> String {
        let words: Vec<&str> = name.split(' ').collect();
        let row = rows
            .iter()
            .find(|r| r.starts_with(&words))
            .unwrap_or_else(|| panic!("no {name} row in\n{}", run.stdout));
        row[words.len()..].join(" ")
    };
    assert_eq!(field("FIELD"), "VALUE");
    assert_eq!(field("node id"), "1");
    assert_eq!(field("cluster id"), "00c0ffee1234abcd");
    assert_eq!(field("term"), "3");
    assert_eq!(field("vote"), "1");
    assert_eq!(field("commit"), "6");
    assert_eq!(field("applied"), "6");
    assert_eq!(field("first index"), "1");
    assert_eq!(field("last index"), "6");
    assert_eq!(field("snapshot index"), "0");
    assert_eq!(
        field("voters"),
        "1=http://127.0.0.1:7001,2=http://127.0.0.1:7002,3=http://127.0.0.1:7003"
    );
    assert_eq!(field("learners"), "4=http://127.0.0.1:7004");

    let run = wal(dir.path(), &["hardstate", "-o", "json"]);
    let mut v = json_of(&run);
    assert!(v["db_size_bytes"].as_u64().unwrap() > 0);
    v.as_object_mut().unwrap().remove("db_size_bytes");
    assert_eq!(
        v,
        json!({
            "node_id": 1, "cluster_id": "00c0ffee1234abcd", "term": 3, "vote": 1,
            "commit": 6, "applied": 6, "first_index": 1, "last_index": 6,
            "snapshot": {"index": 0, "term": 0},
            "voters": [
                {"id": 1, "url": "http://127.0.0.1:7001"},
                {"id": 2, "url": "http://127.0.0.1:7002"},
                {"id": 3, "url": "http://127.0.0.1:7003"}
            ],
            "learners": [{"id": 4, "url": "http://127.0.0.1:7004"}],
            "format_version": 1
        })
    );
}

#[test]
fn hardstate_after_snapshot_install_and_with_huge_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut i = init(u64::MAX - 1);
    i.cluster_id = u64::MAX;
    let store = RedbStorage::create(dir.path(), i).unwrap();
    let m = three_voters();
    let mut w = store.begin_write().unwrap();
    w.install_snapshot(
        &SnapshotMeta {
            index: 20,
            term: 4,
            conf_state: m.conf_state(),
        },
        &m,
    )
    .unwrap();
    w.commit().unwrap();
    drop(store);
    let v = json_of(&wal(dir.path(), &["hardstate", "-o", "json"]));
    assert_eq!(
        v["node_id"],
        json!("18446744073709551614"),
        "ids past 2^53 are strings"
    );
    assert_eq!(v["cluster_id"], json!("ffffffffffffffff"));
    assert_eq!(v["vote"], Value::Null);
    assert_eq!(v["first_index"], json!(21));
    assert_eq!(v["last_index"], json!(20));
    assert_eq!(v["commit"], json!(20));
    assert_eq!(v["applied"], json!(20));
    assert_eq!(v["snapshot"], json!({"index": 20, "term": 4}));
    let run = wal(dir.path(), &["dump"]);
    assert_eq!(run.stdout, " INDEX  TERM  TYPE  SIZE  SUMMARY\n");
    let run = wal(dir.path(), &["verify"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn verify_passes_a_healthy_dir() {
    let dir = sample();
    let run = wal(dir.path(), &["verify"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("ok: "), "{}", run.stdout);
    assert!(run.stdout.contains("6 entries"), "{}", run.stdout);
    let run = wal(dir.path(), &["verify", "-o", "json"]);
    assert_eq!(run.code, Some(0));
    let v = json_of(&run);
    assert_eq!(v["ok"], json!(true));
    assert_eq!(v["problems"], json!([]));
}

/// Breaks a sample dir with `damage`, then expects `wal verify` to exit 1 naming
/// `problem`, in the table form (stderr) and the JSON form (stdout).
fn assert_verify_names(damage: impl FnOnce(&RedbStorage), problem: &str) {
    let dir = tempfile::tempdir().unwrap();
    let store = write_sample_dir(dir.path());
    damage(&store);
    drop(store);
    assert_verify_names_in(dir.path(), problem);
}

fn assert_verify_names_in(dir: &Path, problem: &str) {
    let run = wal(dir, &["verify"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.starts_with("error: wal verify found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(problem),
        "{problem:?} not in {}",
        run.stderr
    );
    let run = wal(dir, &["verify", "-o", "json"]);
    assert_eq!(run.code, Some(1));
    let v = json_of(&run);
    assert_eq!(v["ok"], json!(false));
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.as_str().unwrap().contains(problem)),
        "{problem:?} not in {problems:?}"
    );
}

fn commit_batch(store: &RedbStorage, f: impl FnOnce(&mut raftctl::storage::WriteBatch<'_>)) {
    let mut w = store.begin_write().unwrap();
    f(&mut w);
    w.commit().unwrap();
}

#[test]
fn verify_names_a_commit_past_the_last_index() {
    assert_verify_names(
        |s| {
            commit_batch(s, |w| {
                w.set_hard_state(&HardState {
                    term: 3,
                    vote: Some(1),
                    commit: 50,
                })
                .unwrap()
            })
        },
        "commit index 50 is past the last index 6",
    );
}

#[test]
fn verify_names_applied_past_commit() {
    assert_verify_names(
        |s| {
            commit_batch(s, |w| {
                w.set_hard_state(&HardState {
                    term: 3,
                    vote: Some(1),
                    commit: 4,
                })
                .unwrap()
            })
        },
        "applied index 6 is past the commit index 4",
    );
}

#[test]
fn verify_names_decreasing_terms() {
    assert_verify_names(
        |s| commit_batch(s, |w| w.append(&[ent(7, 2)]).unwrap()),
        "terms decrease: entry 7 has term 2, after term 3 of entry 6",
    );
}

#[test]
fn verify_names_an_entry_term_above_the_hard_state() {
    assert_verify_names(
        |s| commit_batch(s, |w| w.append(&[ent(7, 9)]).unwrap()),
        "entry 7 has term 9, above the hard state's term 3",
    );
}

#[test]
fn verify_names_a_hole_in_the_log() {
    let dir = sample();
    punch_log_hole(dir.path(), 3);
    assert_verify_names_in(dir.path(), "index 2 is followed by index 4");
}

#[test]
fn verify_names_a_snapshot_that_disagrees_with_the_log() {
    let m = three_voters();
    assert_verify_names(
        |s| {
            commit_batch(s, |w| {
                w.set_snapshot(
                    &SnapshotMeta {
                        index: 4,
                        term: 9,
                        conf_state: m.conf_state(),
                    },
                    &m,
                )
                .unwrap()
            })
        },
        "the snapshot is at index 4 term 9, but the log has term 2 at that index",
    );
}

#[test]
fn verify_names_entries_compacted_without_a_snapshot() {
    assert_verify_names(
        |s| s.compact(4).unwrap(),
        "the log starts at index 5 but the latest snapshot is at index 0: entries 1 to 4 are in neither",
    );
}

#[test]
fn verify_accepts_a_log_kept_behind_its_snapshot() {
    // As `--keep-log` leaves it: a snapshot at 5, the log compacted only through 2.
    let dir = tempfile::tempdir().unwrap();
    let store = write_sample_dir(dir.path());
    let m = store.membership();
    commit_batch(&store, |w| {
        w.set_snapshot(
            &SnapshotMeta {
                index: 5,
                term: 2,
                conf_state: m.conf_state(),
            },
            &m,
        )
        .unwrap();
        w.compact(2).unwrap();
    });
    drop(store);
    let run = wal(dir.path(), &["verify"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json_of(&wal(dir.path(), &["hardstate", "-o", "json"]));
    assert_eq!(v["first_index"], json!(3));
    assert_eq!(v["snapshot"], json!({"index": 5, "term": 2}));
}

#[test]
fn conf_history_lists_each_change_and_the_membership_after_it() {
    use raftctl::raft::ConfChangeType::{AddLearner, AddVoter, PromoteLearner, Remove};
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let entries = vec![
        empty(1, 1),
        conf(2, 1, AddLearner, 4, "http://127.0.0.1:7004"),
        conf(3, 1, PromoteLearner, 4, ""),
        put(4, 2, "k", 3),
        conf(5, 2, Remove, 2, ""),
        empty(6, 3),
        conf(7, 3, AddVoter, 5, "http://127.0.0.1:7005"),
    ];
    // The membership as of the applied index 6: the first one is not recorded (no
    // snapshot), so the history works it out backwards.
    let mut now = three_voters();
    now.voters.remove(&2);
    now.voters.insert(4, "http://127.0.0.1:7004".into());
    let mut w = store.begin_write().unwrap();
    w.append(&entries).unwrap();
    w.set_hard_state(&HardState {
        term: 3,
        vote: Some(1),
        commit: 6,
    })
    .unwrap();
    w.set_applied(6).unwrap();
    w.set_membership(&now).unwrap();
    w.commit().unwrap();
    drop(store);

    let run = wal(dir.path(), &["conf-history"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = [
        " INDEX  TERM  CHANGE                               COMMITTED  VOTERS   LEARNERS",
        " 0      0     (the log starts here)                yes        1,2,3    -",
        " 2      1     add_learner 4 http://127.0.0.1:7004  yes        1,2,3    4",
        " 3      1     promote_learner 4                    yes        1,2,3,4  -",
        " 5      2     remove 2                             yes        1,3,4    -",
        " 7      3     add_voter 5 http://127.0.0.1:7005    no         1,3,4,5  -",
    ]
    .map(|l| format!("{l}\n"))
    .concat();
    assert_eq!(run.stdout, expected);

    let json = json_of(&wal(dir.path(), &["conf-history", "-o", "json"]));
    assert_eq!(json["start_voters"], json!([1, 2, 3]));
    assert_eq!(json["start_derived"], true);
    assert_eq!(json["changes"].as_array().unwrap().len(), 4);
    assert_eq!(
        json["changes"][3],
        json!({"index": 7, "term": 3, "change": "add_voter 5 http://127.0.0.1:7005",
               "committed": false, "voters": [1, 3, 4, 5], "learners": []})
    );
}

/// A data dir of member `id` holding `entries`, with `commit` recorded.
fn dir_with(id: u64, entries: &[raftctl::raft::Entry], commit: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(id)).unwrap();
    let mut w = store.begin_write().unwrap();
    w.append(entries).unwrap();
    w.set_hard_state(&HardState {
        term: 3,
        vote: Some(1),
        commit,
    })
    .unwrap();
    w.commit().unwrap();
    dir
}

fn wal_diff(dirs: &[&Path], json: bool) -> Run {
    let mut cmd = Command::new(raftctl_bin());
    if json {
        cmd.args(["-o", "json"]);
    }
    let out = cmd.args(["wal", "diff"]).args(dirs).output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn diff_finds_where_logs_part_and_whether_both_sides_committed() {
    let common = [empty(1, 1), put(2, 1, "a", 1), put(3, 2, "b", 1)];
    let ours = [common.to_vec(), vec![put(4, 2, "c", 1), put(5, 2, "d", 1)]].concat();
    let theirs = [common.to_vec(), vec![put(4, 3, "x", 1), put(5, 3, "y", 1)]].concat();
    let d1 = dir_with(1, &ours, 5);
    let d2 = dir_with(2, &theirs, 3);
    let d3 = dir_with(3, &ours, 4);

    // Member 2 holds another leader's uncommitted tail: different, but safe.
    let run = wal_diff(&[d1.path(), d2.path(), d3.path()], false);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "differ from index 4 on (compared 1..=5); no two different entries are committed"
        ),
        "{}",
        run.stderr
    );
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert!(rows[0].contains("TERM AT 4"), "{}", run.stdout);
    assert!(
        rows[1].contains(" 2 ") && rows[1].contains("yes") && rows[1].contains("put \"c\""),
        "{}",
        run.stdout
    );
    assert!(
        rows[2].contains(" 3 ") && rows[2].contains(" no ") && rows[2].contains("put \"x\""),
        "{}",
        run.stdout
    );
    let json = json_of(&wal_diff(&[d1.path(), d2.path()], true));
    assert_eq!(json["first_difference"], 4);
    assert_eq!(json["conflicting_commits"], false);
    assert_eq!(json["sides"][1]["term_at_difference"], 3);
    assert_eq!(json["sides"][1]["committed_at_difference"], false);

    // Two different committed entries at one index: said in capitals.
    let d2_committed = dir_with(2, &theirs, 5);
    let run = wal_diff(&[d1.path(), d2_committed.path()], false);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("DIFFERENT ENTRIES ARE COMMITTED"),
        "{}",
        run.stderr
    );

    // The same log: exit 0.
    let run = wal_diff(&[d1.path(), d3.path()], false);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.ends_with("the logs agree on 1..=5\n"),
        "{}",
        run.stdout
    );

    // One dir is not a comparison.
    let run = wal_diff(&[d1.path()], false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}
