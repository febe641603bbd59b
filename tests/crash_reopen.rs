//! kill -9 while a member reopens after a crash: the data dir must still open, pass
//! `wal verify` and hold every acknowledged write. Also for a redb 2 data dir killed
//! while its upgrade runs.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;
use raftctl::storage::upgrade::UPGRADING_FILE;
use raftctl::storage::{RedbStorage, DB_FILE};

const ROUNDS: u64 = 25;

/// Milliseconds between start and kill -9 in round `round`: spread over 0..300.
fn delay_ms(round: u64) -> u64 {
    round * 73 % 300
}

fn wal_verify(dir: &Path) {
    let out = Command::new(raftctl_bin())
        .args(["wal", "verify", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wal verify: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_member_killed_again_while_it_reopens_keeps_acknowledged_writes() {
    let mut c = Cluster::start(1);
    let url = c.url(1);
    let mut acked = Vec::new();
    let mut write = |c: &Cluster, name: String| {
        let r = c.http.put(&url, &name, &format!("v-{name}")).unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
        acked.push(name);
    };
    for i in 0..20 {
        write(&c, format!("k{i}"));
    }
    c.node(1).kill();
    for round in 0..ROUNDS {
        c.node(1).start();
        std::thread::sleep(Duration::from_millis(delay_ms(round)));
        c.node(1).kill();
        // Every fifth round the member comes up fully and takes a write first.
        if round % 5 == 4 {
            c.node(1).start();
            c.wait_leader();
            write(&c, format!("r{round}"));
            c.node(1).kill();
        }
    }
    c.node(1).start();
    c.wait_leader();
    for name in &acked {
        let r = c.http.get(&url, name).unwrap();
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert_eq!(r.text(), format!("v-{name}"));
    }
    c.node(1).kill();
    wal_verify(&c.node(1).data_dir.clone());
}

/// A member whose data dir is a copy of tests/testdata/redb2-datadir.
fn redb2_member(root: &Path) -> Node {
    let node = Node::new(1, root);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/redb2-datadir");
    std::fs::create_dir_all(node.data_dir.join("snapshots")).unwrap();
    std::fs::copy(fixture.join(DB_FILE), node.data_dir.join(DB_FILE)).unwrap();
    std::fs::copy(
        fixture.join("snapshots/snap-1-6.snap"),
        node.data_dir.join("snapshots/snap-1-6.snap"),
    )
    .unwrap();
    node
}

const UPGRADE_LOG: &str = "upgraded the data dir from redb 2 to redb 4 (backup kept at ";

#[test]
fn serve_upgrades_a_redb2_dir_once_and_serves_its_keys() {
    let root = tempfile::tempdir().unwrap();
    let mut node = redb2_member(root.path());
    // The fixture's member was at this address; the listener is elsewhere.
    node.extra_args = vec!["--advertise".into(), "http://127.0.0.1:47391".into()];
    let http = Http::new();
    let keys: Vec<String> = (1..=5)
        .map(|i| format!("before-{i}"))
        .chain((1..=3).map(|i| format!("after-{i}")))
        .collect();
    for start in 1..=2 {
        node.start();
        wait_for("the member to be healthy", || {
            (http.status(&format!("{}/health", node.url)) == Some(200)).then_some(())
        });
        for key in &keys {
            let r = http.get(&node.url, key).unwrap();
            assert_eq!(r.status, 200, "{key}: {}", r.text());
            assert_eq!(r.body.len(), 7, "{key}");
        }
        let r = http.put(&node.url, &format!("new-{start}"), "x").unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(node.terminate(), Some(0));
        assert_eq!(node.log_text().matches(UPGRADE_LOG).count(), 1);
    }
    wal_verify(&node.data_dir);
}

#[test]
fn a_redb2_dir_killed_during_its_upgrade_upgrades_later_with_everything() {
    let root = tempfile::tempdir().unwrap();
    let mut node = redb2_member(root.path());
    // The upgrade takes tens of milliseconds: kill within that. (The member then stops
    // by itself anyway: the fixture's member listened on another port.)
    for round in 0..ROUNDS {
        node.start();
        std::thread::sleep(Duration::from_millis(round * 7 % 60));
        node.kill();
    }
    let store = RedbStorage::open(&node.data_dir).unwrap();
    assert_eq!(store.hard_state().commit, 9);
    assert_eq!(store.stored_snapshot().meta.index, 6);
    let txn = store.begin_read().unwrap();
    assert_eq!(raftctl::kv::count(&txn).unwrap(), 8);
    drop(txn);
    drop(store);
    assert!(!node.data_dir.join(UPGRADING_FILE).exists());
    wal_verify(&node.data_dir);
}
