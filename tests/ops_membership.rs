//! Membership changes and leader transfer through the real binary: growing 1 -> 3 -> 5
//! with `member add` + `serve --join` while writes continue, shrinking back to 3
//! (removing the leader too), leader transfer to each voter, and the guard rails with
//! their `--dry-run` predictions.

mod common;
mod ops_util;

use std::collections::BTreeMap;

use common::{stdout, wait_for, Cluster};
use ops_util::{add_and_join, check_acked, cli_running, members, ok, refused, status, Writer};

fn roles(pairs: &[(u64, &str)]) -> BTreeMap<u64, String> {
    pairs.iter().map(|(id, r)| (*id, r.to_string())).collect()
}

fn running_urls(c: &Cluster) -> Vec<String> {
    c.nodes
        .iter()
        .filter(|n| n.is_running())
        .map(|n| n.url.clone())
        .collect()
}

#[test]
fn grow_to_five_and_shrink_to_three_while_writing() {
    let mut c = Cluster::start(1);
    let writer = Writer::start("w", running_urls(&c));

    add_and_join(&mut c, 2, false, &[]);
    assert_eq!(members(&c).0, roles(&[(1, "voter"), (2, "voter")]));
    writer.set_urls(running_urls(&c));

    // 3 joins as a learner, then is promoted once caught up.
    add_and_join(&mut c, 3, true, &[]);
    assert_eq!(
        members(&c).0,
        roles(&[(1, "voter"), (2, "voter"), (3, "learner")])
    );
    let list = ok(&c, &["member", "list"]);
    assert!(list.contains("MATCH") && list.contains("LAG"), "{list}");
    let dry = ok(&c, &["member", "promote", "3", "--dry-run"]);
    assert!(dry.contains("nothing was changed"), "{dry}");
    assert_eq!(members(&c).0[&3], "learner", "a dry run changes nothing");
    // Writes go on, so the learner may be a little behind for a moment: the guard rail
    // may refuse, and then says so by name.
    wait_for("promoting learner 3", || {
        let o = cli_running(&c, &["member", "promote", "3"]);
        if o.status.success() {
            return Some(());
        }
        let err = common::stderr(&o);
        assert!(err.contains("learner-caught-up"), "{err}");
        None
    });
    assert_eq!(
        members(&c).0,
        roles(&[(1, "voter"), (2, "voter"), (3, "voter")])
    );
    writer.set_urls(running_urls(&c));

    add_and_join(&mut c, 4, false, &[]);
    add_and_join(&mut c, 5, false, &[]);
    assert_eq!(
        members(&c).0,
        roles(&[
            (1, "voter"),
            (2, "voter"),
            (3, "voter"),
            (4, "voter"),
            (5, "voter")
        ])
    );
    writer.set_urls(running_urls(&c));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&c, &["-o", "json", "member", "list"])).expect("json");
    assert_eq!(json["members"].as_array().map(Vec::len), Some(5));

    // Shrink: remove the leader first, then one more.
    let leader = c.wait_leader();
    let out = ok(&c, &["member", "remove", &leader.to_string()]);
    assert!(out.contains(&format!("remove member {leader}")), "{out}");
    assert_eq!(
        c.node(leader).wait_exit(),
        Some(0),
        "a removed member stops"
    );
    assert!(c
        .node(leader)
        .log_text()
        .contains("this member was removed from the cluster"));
    writer.set_urls(running_urls(&c));
    let new_leader = c.wait_leader();
    assert_ne!(new_leader, leader);
    assert_eq!(members(&c).0.len(), 4);

    let other = *members(&c)
        .0
        .keys()
        .find(|id| **id != new_leader)
        .expect("another voter");
    ok(&c, &["member", "remove", &other.to_string()]);
    assert_eq!(c.node(other).wait_exit(), Some(0));
    writer.set_urls(running_urls(&c));
    c.wait_leader();
    let (m, _) = members(&c);
    assert_eq!(m.len(), 3);
    assert!(m.values().all(|r| r == "voter"));

    let acked = writer.finish();
    assert!(!acked.is_empty(), "some writes were acknowledged");
    let url = running_urls(&c)[0].clone();
    check_acked(&c.http, &url, &acked, "w");
}

#[test]
fn leader_transfer_to_each_voter_and_to_the_best_one() {
    let c = Cluster::start(3);
    for target in [1u64, 2, 3] {
        let old = c.wait_leader();
        if old == target {
            // The state asked for holds: said, and nothing changes.
            let out = ok(&c, &["leader", "transfer", &target.to_string()]);
            assert!(
                out.contains(&format!("member {target} already leads")),
                "{out}"
            );
            assert_eq!(c.wait_leader(), target);
            continue;
        }
        let out = ok(&c, &["leader", "transfer", &target.to_string()]);
        assert!(
            out.contains(&format!(
                "leadership moved from member {old} to member {target}"
            )),
            "{out}"
        );
        assert_eq!(c.wait_leader(), target);
        assert_eq!(
            c.http.put(&c.url(target), "after", "x").map(|r| r.status),
            Some(200)
        );
    }
    let old = c.wait_leader();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&c, &["-o", "json", "leader", "transfer"])).expect("json");
    assert_eq!(json["old_leader"].as_u64(), Some(old));
    let new = json["new_leader"].as_u64().expect("new leader");
    assert_ne!(new, old);
    assert_eq!(c.wait_leader(), new);

    let err = refused(&c, &["leader", "transfer", "9"]);
    assert!(err.contains("not a member"), "{err}");
}

#[test]
fn a_transfer_to_a_member_that_does_not_answer_leaves_the_leader_in_place() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let target = if leader == 3 { 2 } else { 3 };
    c.node(target).pause();
    // Only the leader's URL: a paused member would hold the request until the timeout.
    let o = common::cli(&c.url(leader), &["leader", "transfer", &target.to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    // Either the check saw it was not heard from, or the transfer timed out; in both
    // cases the old leader still leads and takes writes.
    assert!(
        err.contains("timeout") || err.contains("has not heard from"),
        "{err}"
    );
    // Checked while the target is still paused: once it runs again it may act on a
    // late TimeoutNow and take over, which is fine but not what this test is about.
    assert_eq!(
        c.http
            .put(&c.url(leader), "still", "here")
            .map(|r| r.status),
        Some(200)
    );
    c.node(target).resume();
}

/// Runs the change with `--dry-run` and for real: both refused by the same rule, and the
/// members unchanged.
fn refused_alike(c: &Cluster, change: &[&str], rule: &str) {
    let before = members(c).0;
    let mut dry = change.to_vec();
    dry.push("--dry-run");
    let predicted = refused(c, &dry);
    assert!(
        predicted.contains(rule),
        "dry run of {change:?}: {predicted}"
    );
    assert!(predicted.contains("BEFORE") && predicted.contains("quorum"));
    let real = refused(c, change);
    assert!(real.contains(rule), "{change:?}: {real}");
    assert!(
        real.contains("--force") || !rule.contains("quorum"),
        "the refusal names the way past it: {real}"
    );
    assert_eq!(members(c).0, before, "{change:?} changed nothing");
}

#[test]
fn guard_rails_refuse_and_dry_run_predicts_them() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    refused_alike(&c, &["member", "promote", "2"], "learner-only");
    refused_alike(&c, &["member", "remove", "9"], "known-member");
    refused_alike(&c, &["member", "promote", "9"], "known-member");
    let url2 = c.url(2);
    refused_alike(&c, &["member", "add", "2", &url2], "new-member");

    // A learner that never started lags: promoting it is refused.
    let ghost = format!("http://127.0.0.1:{}", common::free_port());
    let dry = ok(
        &c,
        &["member", "add", "4", &ghost, "--learner", "--dry-run"],
    );
    assert!(dry.contains("verdict: allowed"), "{dry}");
    ok(&c, &["member", "add", "4", &ghost, "--learner"]);
    refused_alike(&c, &["member", "promote", "4"], "learner-caught-up");
    let err = refused(&c, &["leader", "transfer", "4"]);
    assert!(err.contains("is a learner"), "{err}");
    // A follower sends operator writes to the leader; the CLI follows it.
    let follower = [1u64, 2, 3]
        .into_iter()
        .find(|id| *id != leader)
        .expect("a follower");
    let r = c
        .http
        .send(
            "DELETE",
            &format!("{}/v1/members/4?dry_run=true", c.url(follower)),
            None,
        )
        .expect("an answer");
    assert_eq!(r.status, 421, "{}", r.text());
    assert_eq!(
        r.json()["error"]["leader"]["url"].as_str(),
        Some(c.url(leader).as_str())
    );
    let o = common::cli(&c.url(follower), &["member", "remove", "4", "--dry-run"]);
    assert!(stdout(&o).contains("verdict: allowed"), "{}", stdout(&o));
    ok(&c, &["member", "remove", "4"]);

    // One voter down: a fourth voter or removing a reachable voter would leave no
    // reachable quorum.
    let down = if leader == 3 { 2 } else { 3 };
    c.node(down).kill();
    wait_for("the leader to notice the member is down", || {
        let s = status(&c, leader);
        let p = s["progress"].as_array()?;
        let d = p.iter().find(|p| p["id"].as_u64() == Some(down))?;
        (d["recent_active"].as_bool() == Some(false)).then_some(())
    });
    let ghost5 = format!("http://127.0.0.1:{}", common::free_port());
    refused_alike(&c, &["member", "add", "5", &ghost5], "reachable-quorum");
    let reachable = [1u64, 2, 3]
        .into_iter()
        .find(|id| *id != leader && *id != down)
        .expect("a reachable follower");
    refused_alike(
        &c,
        &["member", "remove", &reachable.to_string()],
        "reachable-quorum",
    );
    // --force --dry-run says it would go through, past the rule.
    let forced = ok(&c, &["member", "add", "5", &ghost5, "--force", "--dry-run"]);
    assert!(forced.contains("allowed with --force"), "{forced}");
    // Removing the member that is down keeps a reachable quorum.
    let out = ok(&c, &["member", "remove", &down.to_string(), "--dry-run"]);
    assert!(out.contains("verdict: allowed"), "{out}");
    let o = cli_running(&c, &["-o", "json", "member", "remove", &down.to_string()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        v["preview"]["voters_after"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(members(&c).0.len(), 2);
}

/// Runs the CLI against `url` only, with a short timeout.
fn cli_at(url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::raftctl_bin())
        .args(["--endpoints", url, "--timeout", "1s"])
        .args(args)
        .output()
        .expect("run raftctl")
}

#[test]
fn a_second_change_while_one_is_pending_is_refused_by_both_paths() {
    // Without CheckQuorum the leader keeps leading while its followers are paused, so
    // its change stays proposed but uncommitted.
    let mut c = Cluster::start_with(3, &["--no-check-quorum"]);
    let leader = c.wait_leader();
    let url = c.url(leader);
    let followers: Vec<u64> = [1u64, 2, 3].into_iter().filter(|i| *i != leader).collect();
    for f in &followers {
        c.node(*f).pause();
    }
    let ghost6 = format!("http://127.0.0.1:{}", common::free_port());
    let o = cli_at(&url, &["member", "add", "6", &ghost6, "--learner"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let ghost7 = format!("http://127.0.0.1:{}", common::free_port());
    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["member", "add", "7", &ghost7, "--learner"];
        args.extend(extra);
        let o = cli_at(&url, &args);
        let text = format!("{}{}", stdout(&o), common::stderr(&o));
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(text.contains("one-change-at-a-time"), "{args:?}: {text}");
    }
    for f in &followers {
        c.node(*f).resume();
    }
    wait_for("the pending change to be applied", || {
        members(&c).0.contains_key(&6).then_some(())
    });
    ok(&c, &["member", "add", "7", &ghost7, "--learner"]);
    assert_eq!(members(&c).0.get(&7).map(String::as_str), Some("learner"));
}
