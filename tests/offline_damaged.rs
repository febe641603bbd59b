//! The offline tools on data dirs whose records contradict each other, as a damaged
//! file leaves them: `wal dump` stops at the first entry that does not fit, `wal
//! hardstate` exits 1, `recover plan` never recommends such a dir.

mod offline_util;

use std::path::Path;

use offline_util::*;
use raftctl::raft::HardState;
use raftctl::storage::RedbStorage;

/// Overwrites the hard state of a stopped node's data dir.
fn set_hard_state(store: RedbStorage, hs: HardState) {
    let mut w = store.begin_write().unwrap();
    w.set_hard_state(&hs).unwrap();
    w.commit().unwrap();
}

/// Node `id` with entries 1..=n (term 1, then term 2 from the middle), all committed.
fn good_dir(dir: &Path, id: u64, n: u64) -> RedbStorage {
    node_dir(dir, id, voters(&[1, 2, 3]), &puts(n), n, n)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn wal_dump_stops_at_a_term_above_the_hard_state() {
    let tmp = tempfile::tempdir().unwrap();
    let store = good_dir(tmp.path(), 1, 6);
    // Entries 4..=6 have term 2.
    set_hard_state(
        store,
        HardState {
            term: 1,
            vote: Some(1),
            commit: 6,
        },
    );
    let run = raftctl(["wal", "dump", "--data-dir", s(tmp.path())]);
    run.assert_fails_with(&["entry 4 has term 2, above the hard state's term 1"]);
    assert_eq!(run.stdout, "");
    // The entries before it are fine on their own.
    raftctl(["wal", "dump", "--data-dir", s(tmp.path()), "--to", "3"]).assert_ok();
}

/// The checks that stop a dump at a damaged entry leave sound logs alone, including a
/// range that starts inside or past the log.
#[test]
fn wal_dump_of_sound_ranges_still_works() {
    let tmp = tempfile::tempdir().unwrap();
    good_dir(tmp.path(), 1, 4);
    raftctl(["wal", "dump", "--data-dir", s(tmp.path()), "--from", "3"]).assert_ok();
    raftctl(["wal", "dump", "--data-dir", s(tmp.path()), "--from", "9"]).assert_ok();
}

#[test]
fn wal_hardstate_exits_1_when_commit_is_past_the_last_index() {
    let tmp = tempfile::tempdir().unwrap();
    let store = good_dir(tmp.path(), 1, 6);
    set_hard_state(
        store,
        HardState {
            term: 2,
            vote: Some(1),
            commit: 50,
        },
    );
    let run = raftctl(["wal", "hardstate", "--data-dir", s(tmp.path())]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    // The state is still shown, and the problem named.
    assert!(run.stdout.contains("commit          50"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("commit index 50 is past the last index 6"),
        "{}",
        run.stderr
    );
    let json = raftctl([
        "-o",
        "json",
        "wal",
        "hardstate",
        "--data-dir",
        s(tmp.path()),
    ]);
    assert_eq!(json.code, Some(1));
    assert_eq!(json.json()["commit"], 50);
}

#[test]
fn recover_plan_never_recommends_a_damaged_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    drop(good_dir(&a, 1, 6));
    // Longer log, so Raft's rule alone would pick it; its hard state term is below the
    // terms in its log.
    let store = good_dir(&b, 2, 8);
    set_hard_state(
        store,
        HardState {
            term: 1,
            vote: Some(2),
            commit: 8,
        },
    );
    let run = raftctl(["-o", "json", "recover", "plan", s(&a), s(&b)]);
    run.assert_ok();
    let plan = run.json();
    assert_eq!(plan["best"]["node_id"], 1, "{plan}");
    assert_eq!(plan["rejected"][0]["data_dir"], s(&b));
    assert!(plan["rejected"][0]["problems"][0]
        .as_str()
        .unwrap()
        .contains("above the hard state's term 1"));
    let table = raftctl(["recover", "plan", s(&a), s(&b)]);
    table.assert_ok();
    assert!(
        table
            .stdout
            .contains(&format!("left out: {} fails the checks", s(&b))),
        "{}",
        table.stdout
    );

    // With only the damaged one there is nothing to recommend.
    let run = raftctl(["recover", "plan", s(&b)]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.starts_with("error: no data dir to recover from"));
    assert!(
        run.stderr.contains("above the hard state's term 1"),
        "{}",
        run.stderr
    );
}
