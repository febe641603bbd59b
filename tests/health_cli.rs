//! `raftctl health`: exit 0, 1 and 2 as members of a real cluster go away, with the
//! reasons and the failure tolerance.

mod common;

use common::{cli, stderr, stdout, wait_for, Cluster};
use serde_json::Value;

fn health(endpoints: &str, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut all = vec!["-o", "json", "health"];
    all.extend_from_slice(args);
    let out = cli(endpoints, &all);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out.status.code(), json, stderr(&out))
}

#[test]
fn health_exits_by_what_the_cluster_can_still_do() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let (code, report, _) = health(&c.endpoints(), &["--cluster"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["verdict"], "healthy");
    assert_eq!(report["cluster"]["failure_tolerance"], 1);
    assert_eq!(report["cluster"]["leader"], leader);
    let table = stdout(&c.cli(&["health", "--cluster"]));
    assert!(table.contains("failure tolerance 1"), "{table}");

    // One follower down: still available, but one more failure stops it.
    let followers: Vec<u64> = (1..=3).filter(|id| *id != leader).collect();
    c.node(followers[0]).kill();
    let (code, report, err) = wait_for("a degraded verdict", || {
        let r = health(&c.url(leader), &["--cluster"]);
        (r.0 == Some(1)).then_some(r)
    });
    assert_eq!(code, Some(1));
    assert_eq!(report["cluster"]["failure_tolerance"], 0);
    assert!(err.contains("degraded: failure tolerance 0"), "{err}");
    assert!(
        err.contains(&format!("member {} unreachable", followers[0])),
        "{err}"
    );
    // Only the members asked: the leader alone is healthy.
    let (code, report, _) = health(&c.url(leader), &[]);
    assert_eq!(code, Some(0), "{report}");
    assert!(report.get("cluster").is_none());

    // Two down: the leader steps down without a quorum; nothing can be written.
    c.node(followers[1]).kill();
    let (code, _, err) = wait_for("an unavailable verdict", || {
        let r = health(&c.url(leader), &["--cluster"]);
        (r.0 == Some(2)).then_some(r)
    });
    assert_eq!(code, Some(2));
    assert!(err.contains("unavailable: "), "{err}");
    // The leader itself notices within an election timeout (CheckQuorum).
    let (_, report, err) = wait_for("the leader's own verdict", || {
        let r = health(&c.url(leader), &[]);
        (r.0 == Some(2)).then_some(r)
    });
    assert_eq!(report["members"][0]["healthy"], false);
    assert!(err.contains("unavailable: "), "{err}");

    // Nobody answers at all: unavailable too.
    c.node(leader).kill();
    let out = cli(&c.url(leader), &["health", "--cluster"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unavailable: "), "{}", stderr(&out));
}
