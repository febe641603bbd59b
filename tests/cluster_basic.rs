//! Three members: writes through every member, reads from every member agree, status
//! with a member down, and a node of another cluster is refused.

mod common;

use common::{stderr, stdout, wait_for, Cluster, Node};

#[test]
fn writes_through_every_member_and_reads_agree_everywhere() {
    let c = Cluster::start(3);
    let urls: Vec<String> = (1..=3).map(|id| c.url(id)).collect();
    for (i, url) in urls.iter().enumerate() {
        for j in 0..10 {
            let r = c
                .http
                .put(url, &format!("k{i}-{j}"), &format!("v{i}-{j}"))
                .expect("answer");
            assert_eq!(r.status, 200, "PUT through {url}: {}", r.text());
        }
    }
    // Linearizable reads on every member see every acknowledged write.
    for url in &urls {
        for i in 0..3 {
            for j in 0..10 {
                let r = c.http.get(url, &format!("k{i}-{j}")).expect("answer");
                assert_eq!(r.status, 200, "GET from {url}: {}", r.text());
                assert_eq!(r.text(), format!("v{i}-{j}"));
            }
        }
    }
    // Listing agrees everywhere too.
    let lists: Vec<serde_json::Value> = urls
        .iter()
        .map(|u| c.http.get_json(&format!("{u}/v1/kv")).expect("list")["keys"].clone())
        .collect();
    assert_eq!(lists[0].as_array().map(Vec::len), Some(30));
    assert!(lists.iter().all(|l| *l == lists[0]), "{lists:?}");
    // Stale reads converge.
    for url in &urls {
        wait_for("stale reads to catch up", || {
            let r = c.http.get(url, "k2-9?consistency=stale")?;
            (r.status == 200 && r.text() == "v2-9").then_some(())
        });
    }
    // Deletes through a follower.
    let leader = c.wait_leader();
    let follower = (1..=3).find(|id| *id != leader).expect("a follower");
    let r = c
        .http
        .send("DELETE", &format!("{}/v1/kv/k0-0", c.url(follower)), None)
        .expect("answer");
    assert_eq!(r.json()["deleted"], true);
    let r = c.http.get(&c.url(leader), "k0-0").expect("answer");
    assert_eq!(r.status, 404);

    // The leader reports replication progress for every member.
    let s = c
        .http
        .get_json(&format!("{}/v1/status", c.url(leader)))
        .expect("status");
    assert_eq!(s["progress"].as_array().map(Vec::len), Some(3), "{s}");
    let s = c
        .http
        .get_json(&format!("{}/v1/status", c.url(follower)))
        .expect("status");
    assert!(s.get("progress").is_none(), "{s}");
    assert_eq!(s["role"], "follower");
}

#[test]
fn status_shows_a_member_that_is_down_and_still_succeeds() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let down = (1..=3).find(|id| *id != leader).expect("a follower");
    c.node(down).kill();
    let out = c.cli(&["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.trim_start().starts_with("ID"), "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
    let row = text
        .lines()
        .find(|l| l.contains(&c.url(down)))
        .expect("a row for the member that is down");
    assert!(row.contains("unreachable"), "{text}");
    assert_eq!(text.matches("healthy").count(), 2, "{text}");

    let out = c.cli(&["status", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let members = v["members"].as_array().expect("members");
    assert_eq!(members.len(), 3);
    for m in members {
        let reachable = m["id"].as_u64() != Some(down);
        assert_eq!(m["reachable"], reachable, "{m}");
        if reachable {
            assert!(m["term"].as_u64().is_some() && m["url"].is_string(), "{m}");
        }
    }
}

#[test]
fn a_node_of_another_cluster_is_refused() {
    let c = Cluster::start(1);
    let before = c
        .http
        .get_json(&format!("{}/v1/status", c.url(1)))
        .expect("status");
    // A node that believes it forms a two-member cluster with member 1: its own
    // bootstrap gives it another cluster id, so member 1 must refuse its messages.
    let mut intruder = Node::new(2, c.root.path());
    intruder.extra_args = vec![
        "--initial-cluster".into(),
        format!("1={},2={}", c.url(1), intruder.url),
    ];
    intruder.start();
    wait_for("member 1 to log the refusal", || {
        c.nodes[0]
            .log_text()
            .contains("refused peer request from another cluster")
            .then_some(())
    });
    let after = c
        .http
        .get_json(&format!("{}/v1/status", c.url(1)))
        .expect("status");
    assert_eq!(after["term"], before["term"]);
    assert_eq!(after["voters"], before["voters"]);
    assert_eq!(after["role"], "leader");
    let s = c
        .http
        .get_json(&format!("{}/v1/status", intruder.url))
        .expect("intruder status");
    assert!(s["leader"].is_null(), "{s}");
    assert_ne!(s["cluster_id"], after["cluster_id"]);
}

#[test]
fn a_listed_member_joins_through_a_running_one_and_catches_up() {
    // Members 1 and 2 of a three-member cluster form a quorum; member 3 never started.
    let mut c = Cluster::start_some(3, &[1, 2], &[]);
    for i in 0..20 {
        let r = c
            .http
            .put(&c.url(1), &format!("k{i}"), "v")
            .expect("answer");
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // It starts from an empty data dir with --join instead of --initial-cluster: it
    // learns cluster id and membership from member 2.
    let join_url = c.url(2);
    let n3 = c.node(3);
    n3.extra_args = vec!["--join".into(), join_url];
    n3.start();
    let leader = c.wait_leader();
    let s1 = c
        .http
        .get_json(&format!("{}/v1/status", c.url(1)))
        .expect("status");
    let s3 = wait_for("member 3 to catch up", || {
        let s = c.http.get_json(&format!("{}/v1/status", c.url(3)))?;
        (s["applied"].as_u64()? >= 21).then_some(s)
    });
    assert_eq!(s3["cluster_id"], s1["cluster_id"]);
    assert_eq!(s3["voters"], s1["voters"]);
    assert_eq!(s3["leader"].as_u64(), Some(leader));
    let r = c
        .http
        .get(&c.url(3), "k19?consistency=stale")
        .expect("answer");
    assert_eq!(r.status, 200);
    assert!(c.node(3).log_text().contains("joining a running cluster"));
}
