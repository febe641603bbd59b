//! `raftctl recover` on a member that persisted an absurd term (a forged message raised
//! it to u64::MAX): the term is brought back to the log's, the result passes `wal
//! verify`, and the member starts and writes entries with a sane term.

// `common` and `offline_util` each load `bin_util` (the one way to find the binary).
#![allow(clippy::duplicate_mod)]

mod common;
mod offline_util;

use std::collections::BTreeMap;

use common::{wait_for, Http, Node};
use offline_util::{node_dir, puts, raftctl};
use raftctl::raft::HardState;
use raftctl::storage::Membership;

#[test]
fn recover_replaces_a_term_beyond_2_pow_52() {
    let root = tempfile::tempdir().unwrap();
    let mut node = Node::new(1, root.path());
    let dir = node.data_dir.clone();
    let membership = Membership {
        voters: BTreeMap::from([(1, node.url.clone()), (2, "http://127.0.0.1:9".into())]),
        learners: BTreeMap::new(),
    };
    // Entries 1..=6, terms 1 and 2, all committed and applied.
    let store = node_dir(&dir, 1, membership, &puts(6), 6, 6);
    let mut w = store.begin_write().unwrap();
    w.set_hard_state(&HardState {
        term: u64::MAX,
        vote: Some(2),
        commit: 6,
    })
    .unwrap();
    w.commit().unwrap();
    drop(store);
    let d = dir.to_str().unwrap();

    let run = raftctl(["recover", "--data-dir", d, "--id", "1"]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("the stored term 18446744073709551615 is beyond any term"),
        "{}",
        run.stdout
    );
    raftctl(["wal", "verify", "--data-dir", d]).assert_ok();
    let hs = raftctl(["-o", "json", "wal", "hardstate", "--data-dir", d]);
    hs.assert_ok();
    assert_eq!(hs.json()["term"], 2);
    assert_eq!(hs.json()["vote"], serde_json::Value::Null);

    node.start();
    let http = Http::new();
    wait_for("the recovered member to lead", || {
        let s = http.get_json(&format!("{}/v1/status", node.url))?;
        (s["role"] == "leader").then_some(())
    });
    let out = common::cli(&node.url, &["kv", "put", "after", "recover", "-o", "json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let index = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["index"]
        .as_u64()
        .unwrap();
    node.terminate();

    raftctl(["wal", "verify", "--data-dir", d]).assert_ok();
    let dump = raftctl([
        "-o",
        "json",
        "wal",
        "dump",
        "--data-dir",
        d,
        "--from",
        &index.to_string(),
        "--to",
        &index.to_string(),
    ]);
    dump.assert_ok();
    let term = dump.json()["entries"][0]["term"].as_u64().unwrap();
    assert!((3..100).contains(&term), "entry {index} has term {term}");
}
