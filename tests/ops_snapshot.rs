//! Snapshots and recovery through the real binary: a member added after compaction and a
//! member that was down while the log was compacted both catch up by snapshot, then by
//! log; `snapshot save` / `inspect` / `restore` round-trip the data into a new cluster;
//! `recover` turns the last survivor of a cluster into one that takes writes and grows.

mod common;
mod ops_util;

use common::{stdout, wait_for, Cluster, Node};
use ops_util::{add_and_join, local_data, ok, status};

const SNAPSHOTS: &[&str] = &["--snapshot-threshold", "20", "--keep-log", "5"];

fn put_many(c: &Cluster, prefix: &str, n: u64) {
    let leader = c.wait_leader();
    let url = c.url(leader);
    for i in 0..n {
        let r = c.http.put(
            &url,
            &format!("{prefix}{i}"),
            &format!("{prefix}-value-{i}"),
        );
        assert_eq!(r.map(|r| r.status), Some(200), "write {prefix}{i}");
    }
}

fn installs(n: &Node) -> usize {
    n.log_text().matches("installed snapshot").count()
}

/// Waits until member `id` holds exactly the leader's data.
fn wait_same_data(c: &Cluster, id: u64) {
    let leader = c.wait_leader();
    let expected = local_data(&c.http, &c.url(leader));
    wait_for(&format!("member {id} to hold the leader's data"), || {
        (local_data(&c.http, &c.url(id)) == expected).then_some(())
    });
}

#[test]
fn members_behind_the_compacted_log_catch_up_by_snapshot() {
    let mut c = Cluster::start_with(3, SNAPSHOTS);
    put_many(&c, "a", 60);
    let take = ok(&c, &["-o", "json", "snapshot", "take"]);
    let v: serde_json::Value = serde_json::from_str(&take).expect("json");
    let snaps = v["snapshots"].as_array().expect("snapshots");
    assert_eq!(snaps.len(), 3);
    assert!(
        snaps.iter().all(|s| s["index"].as_u64().unwrap_or(0) > 0),
        "{take}"
    );
    let leader = c.wait_leader();
    let first = status(&c, leader)["first_index"]
        .as_u64()
        .expect("first index");
    assert!(first > 1, "the log was compacted (first index {first})");

    // A new member: the entries it needs are gone, so it gets the snapshot, then the log.
    add_and_join(&mut c, 4, false, SNAPSHOTS);
    assert!(installs(c.node(4)) >= 1, "member 4 installed a snapshot");
    put_many(&c, "b", 10);
    wait_same_data(&c, 4);

    // A member down while the log moves past it.
    let leader = c.wait_leader();
    let down = [1u64, 2, 3, 4]
        .into_iter()
        .find(|id| *id != leader)
        .expect("a follower");
    let before = installs(c.node(down));
    let its_last = status(&c, down)["last_index"].as_u64().expect("last index");
    c.node(down).kill();
    put_many(&c, "c", 80);
    ok(
        &c,
        &["--endpoints", &c.url(c.wait_leader()), "snapshot", "take"],
    );
    let first = status(&c, c.wait_leader())["first_index"]
        .as_u64()
        .expect("first");
    assert!(
        first > its_last + 1,
        "compacted past the member that is down"
    );
    c.node(down).start();
    wait_same_data(&c, down);
    assert!(installs(c.node(down)) > before, "it caught up by snapshot");
    put_many(&c, "d", 5);
    wait_same_data(&c, down);
}

#[test]
fn snapshot_save_inspect_restore_round_trip() {
    let c = Cluster::start_with(3, SNAPSHOTS);
    put_many(&c, "k", 30);
    let data = local_data(&c.http, &c.url(c.wait_leader()));
    let file = c.root.path().join("backup.snap");
    let file_s = file.to_str().expect("utf-8 path");
    let out = ok(&c, &["snapshot", "save", file_s]);
    assert!(out.contains("verified"), "{out}");
    assert!(!c.root.path().join("backup.snap.part").exists());
    let inspect = ok(&c, &["-o", "json", "snapshot", "inspect", file_s]);
    let v: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    assert_eq!(v["keys"].as_u64(), Some(data.len() as u64));

    // A new one-member cluster from the file holds the same data.
    let mut restored = Node::new(9, c.root.path());
    let initial = format!("9={}", restored.url);
    let dir = restored.data_dir.to_str().expect("utf-8 path").to_string();
    let o = common::cli(
        &c.endpoints(),
        &[
            "snapshot",
            "restore",
            file_s,
            "--data-dir",
            &dir,
            "--id",
            "9",
            "--initial-cluster",
            &initial,
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    restored.start();
    wait_for("the restored member to lead", || {
        let s = c.http.get_json(&format!("{}/v1/status", restored.url))?;
        (s["role"].as_str()? == "leader").then_some(())
    });
    assert_eq!(local_data(&c.http, &restored.url), data);
    let r = c.http.get(&restored.url, "k7").expect("answer");
    assert_eq!(r.text(), "k-value-7");
    assert_eq!(
        c.http.put(&restored.url, "new", "1").map(|r| r.status),
        Some(200)
    );
}

#[test]
fn recover_the_last_survivor_then_grow_again() {
    let mut c = Cluster::start(3);
    put_many(&c, "r", 20);
    let survivor = 1u64;
    wait_same_data(&c, survivor);
    let data = local_data(&c.http, &c.url(survivor));
    c.node(2).kill();
    c.node(3).kill();
    c.node(survivor).kill();
    let dir = c
        .node(survivor)
        .data_dir
        .to_str()
        .expect("utf-8")
        .to_string();
    let o = common::cli(
        &c.url(survivor),
        &["recover", "--data-dir", &dir, "--id", "1"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    c.node(survivor).start();
    // Members 2 and 3 are gone for good: only the survivor counts.
    c.nodes.retain(|n| n.id == survivor);
    assert_eq!(c.wait_leader(), survivor);
    assert_eq!(local_data(&c.http, &c.url(survivor)), data);
    assert_eq!(
        c.http.put(&c.url(survivor), "after", "1").map(|r| r.status),
        Some(200)
    );
    add_and_join(&mut c, 4, false, &[]);
    wait_same_data(&c, 4);
    let list = stdout(&common::cli(&c.url(survivor), &["member", "list"]));
    assert!(
        list.contains("voter (leader)") && list.contains(&c.url(4)),
        "{list}"
    );
}
