//! `raftctl doctor` against real members: all ok on a healthy cluster, then exit 1 and 2
//! as voters go away; a learner ready to promote; a member that needs a snapshot; the
//! thresholds reaching the disk, data-file, fsync and leader-change checks; a
//! certificate that expires soon; members that disagree on the membership.

mod common;
mod ops_util;

use common::{cli, stderr, stdout, wait_for, Cluster};
use ops_util::{add_and_join, ok};
use serde_json::Value;
use std::time::Duration;

/// Thresholds the machine running the tests cannot cross (a nearly full or slow disk
/// here is no finding about the cluster), for every test but the one about thresholds.
const LENIENT: &[&str] = &[
    "--disk-free-warn",
    "0%",
    "--disk-free-fail",
    "0%",
    "--fsync-p99-warn",
    "1h",
];

/// `raftctl -o json doctor ARGS` at `endpoints` (with [`LENIENT`] thresholds unless
/// ARGS sets its own): exit code, report, standard error.
fn doctor(endpoints: &str, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut all = vec!["-o", "json", "doctor"];
    if args.is_empty() {
        all.extend_from_slice(LENIENT);
    }
    all.extend_from_slice(args);
    let out = cli(endpoints, &all);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out.status.code(), json, stderr(&out))
}

/// The check named `name` in a report.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {report}"))
}

fn put_many(c: &Cluster, prefix: &str, n: u64) {
    let url = c.url(c.wait_leader());
    for i in 0..n {
        let r = c.http.put(&url, &format!("{prefix}{i}"), "value");
        assert_eq!(r.map(|r| r.status), Some(200), "write {prefix}{i}");
    }
}

#[test]
fn doctor_exits_by_what_the_cluster_can_still_do_and_names_the_fix() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    put_many(&c, "k", 10);
    // Every member healthy once each has applied what it knows committed.
    let (code, report, err) = wait_for("an all-ok report", || {
        let r = doctor(&c.endpoints(), &[]);
        (r.0 == Some(0)).then_some(r)
    });
    assert_eq!(code, Some(0), "{report} {err}");
    assert_eq!(report["verdict"], "healthy");
    for ch in report["checks"].as_array().expect("checks") {
        assert_eq!(ch["verdict"], "ok", "{ch}");
    }
    assert_eq!(check(&report, "quorum")["evidence"]["failure_tolerance"], 1);
    assert_eq!(report["thresholds"]["fsync_p99_warn_ms"], 3_600_000.0);
    let mut table_args = vec!["doctor"];
    table_args.extend_from_slice(LENIENT);
    let table = stdout(&c.cli(&table_args));
    assert!(table.contains("verdict: healthy"), "{table}");
    assert!(table.contains("quorum"), "{table}");

    // One follower down: available, but one more failure stops it.
    let down = (1..=3).find(|id| *id != leader).expect("a follower");
    c.node(down).kill();
    let (code, report, err) = wait_for("a degraded verdict", || {
        let r = doctor(&c.url(leader), &[]);
        (r.0 == Some(1)).then_some(r)
    });
    assert_eq!(code, Some(1));
    let q = check(&report, "quorum");
    assert_eq!(q["verdict"], "warn", "{q}");
    assert_eq!(q["evidence"]["failure_tolerance"], 0);
    let fix = q["fix"].as_str().expect("a fix");
    assert!(fix.contains(&format!("start member {down} again")), "{fix}");
    assert!(
        fix.contains(&format!("raftctl member remove {down} --endpoints")),
        "{fix}"
    );
    assert_eq!(check(&report, "members")["verdict"], "warn");
    assert!(
        err.contains("degraded: quorum: failure tolerance 0"),
        "{err}"
    );

    // Two down: no quorum.
    let other = (1..=3)
        .find(|id| *id != leader && *id != down)
        .expect("another");
    c.node(other).kill();
    let (code, report, err) = wait_for("an unavailable verdict", || {
        let r = doctor(&c.url(leader), &[]);
        (r.0 == Some(2)).then_some(r)
    });
    assert_eq!(code, Some(2));
    assert_eq!(check(&report, "quorum")["verdict"], "fail");
    assert!(err.contains("unavailable: "), "{err}");
}

/// Thresholds a healthy member is sure to cross show each check's warning end to end:
/// the numbers come from the member's status and metrics, the fix names a real command.
#[test]
fn thresholds_reach_the_disk_data_file_fsync_and_leader_change_checks() {
    let c = Cluster::start(1);
    put_many(&c, "k", 20);
    let url = c.url(1);
    let (code, report, _) = doctor(
        &url,
        &[
            "--disk-free-warn",
            "100%",
            "--disk-free-fail",
            "0%",
            "--data-file-ratio-warn",
            "2",
            "--data-file-min-mib",
            "0",
            "--fsync-p99-warn",
            "1us",
            "--leader-changes-warn",
            "1",
        ],
    );
    assert_eq!(code, Some(1), "{report}");

    let disk = check(&report, "disk");
    assert_eq!(disk["verdict"], "warn", "{disk}");
    let m = &disk["evidence"]["members"][0];
    assert!(m["total_bytes"].as_u64() > Some(0), "{disk}");
    assert!(
        m["free_bytes"].as_u64() <= m["total_bytes"].as_u64(),
        "{disk}"
    );
    assert_eq!(
        disk["fix"]
            .as_str()
            .and_then(|f| f.split(": ").last())
            .map(str::trim),
        Some(format!("raftctl snapshot take --endpoints {url}").as_str()),
        "{disk}"
    );

    // A new database file is mostly free pages: far more than twice its live data.
    let data = check(&report, "data-file");
    assert_eq!(data["verdict"], "warn", "{data}");
    let m = &data["evidence"]["members"][0];
    let (file, live) = (m["db_file_bytes"].as_u64(), m["live_bytes"].as_u64());
    assert!(live > Some(0) && file > live, "{data}");
    assert!(
        data["fix"]
            .as_str()
            .is_some_and(|f| f.contains("raftctl member remove 1")),
        "{data}"
    );

    let fsync = check(&report, "fsync");
    assert_eq!(fsync["verdict"], "warn", "{fsync}");
    assert!(fsync["evidence"]["members"][0]["fsyncs"].as_u64() > Some(0));
    // The single member leads: moving leadership is part of the fix.
    assert!(
        fsync["fix"]
            .as_str()
            .is_some_and(|f| f.contains("raftctl leader transfer")),
        "{fsync}"
    );

    let changes = check(&report, "leader-changes");
    assert_eq!(changes["verdict"], "warn", "{changes}");
    assert_eq!(changes["evidence"]["members"][0]["recent"], 1);

    // Thresholds it does not cross: nothing to say about the same member.
    let (code, report, _) = doctor(&url, &[]);
    assert_eq!(code, Some(0), "{report}");

    // A threshold that is not a percentage changes nothing and says why.
    let out = cli(&url, &["doctor", "--disk-free-warn", "120%"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("between 0% and 100%"),
        "{}",
        stderr(&out)
    );
    // The status route refuses a storage flag it cannot read.
    let r = c
        .http
        .send("GET", &format!("{url}/v1/status?storage=maybe"), None)
        .expect("an answer");
    assert_eq!(r.status, 400, "{}", r.text());
}

#[test]
fn a_caught_up_learner_is_ready_to_promote() {
    let mut c = Cluster::start(3);
    add_and_join(&mut c, 4, true, &[]);
    let (code, report, _) = wait_for("learner 4 ready", || {
        let r = doctor(&c.endpoints(), &[]);
        let ready = check(&r.1, "learners")["evidence"]["learners"][0]["ready"] == true;
        ready.then_some(r)
    });
    assert_eq!(code, Some(0), "{report}");
    let l = check(&report, "learners");
    assert_eq!(l["verdict"], "ok");
    assert!(
        l["finding"]
            .as_str()
            .is_some_and(|f| f.contains("learner 4 is caught up")),
        "{l}"
    );
    let fix = l["fix"].as_str().expect("a fix");
    assert!(
        fix.starts_with(&format!(
            "raftctl member promote 4 --endpoints {}",
            c.endpoints()
        )),
        "{fix}"
    );
    // The fix does what it says.
    ok(&c, &["member", "promote", "4"]);
    // Once the member asked for the list has applied the change.
    let (_, report, _) = wait_for("four voters", || {
        let r = doctor(&c.endpoints(), &[]);
        (check(&r.1, "quorum")["evidence"]["voters"] == 4).then_some(r)
    });
    assert_eq!(check(&report, "learners")["finding"], "no learners");
}

#[test]
fn a_member_behind_the_compacted_log_needs_a_snapshot() {
    let mut c = Cluster::start_with(3, &["--snapshot-threshold", "20", "--keep-log", "5"]);
    let leader = c.wait_leader();
    let down = (1..=3).find(|id| *id != leader).expect("a follower");
    c.node(down).kill();
    put_many(&c, "k", 80);
    let (code, report, _) = wait_for("the log compacted past the stopped member", || {
        let r = doctor(&c.url(leader), &[]);
        (check(&r.1, "snapshot-needed")["verdict"] == "warn").then_some(r)
    });
    assert_eq!(code, Some(1), "{report}");
    let s = check(&report, "snapshot-needed");
    let behind = &s["evidence"]["behind"][0];
    assert_eq!(behind["id"], down, "{s}");
    assert_eq!(behind["reachable"], false, "{s}");
    assert!(behind["match"].as_u64() < s["evidence"]["leader_first_index"].as_u64());
    assert!(
        s["fix"]
            .as_str()
            .is_some_and(|f| f.contains(&format!("start member {down} again"))),
        "{s}"
    );

    // Back up, it gets its snapshot and the check clears.
    c.node(down).start();
    let (code, report, _) = wait_for("the member caught up", || {
        let r = doctor(&c.endpoints(), &[]);
        (r.0 == Some(0)).then_some(r)
    });
    assert_eq!(check(&report, "snapshot-needed")["verdict"], "ok");
    assert_eq!(code, Some(0));
}

#[test]
fn certificates_expiring_soon_are_found_with_the_command_that_renews_them() {
    let mut c = Cluster::start_tls(1, &[]);
    let pki = c.pki();
    let ca_dir = pki.dir.display().to_string();
    let mk = |args: &[&str]| {
        let mut all = vec!["cert"];
        all.extend_from_slice(args);
        let out = cli(&c.url(1), &all);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    mk(&[
        "create-client",
        "--name",
        "brief",
        "--role",
        "read",
        "--ca",
        &ca_dir,
        "--days",
        "10",
    ]);
    let client = |name: &str| {
        let files = pki.client(name);
        let mut args = vec!["--cacert".to_string(), pki.ca().display().to_string()];
        args.extend([
            "--cert".to_string(),
            files.cert.display().to_string(),
            "--key".to_string(),
            files.key.display().to_string(),
            "-o".into(),
            "json".into(),
            "doctor".into(),
        ]);
        args.extend(LENIENT.iter().map(|a| a.to_string()));
        let out = cli(
            &c.url(1),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
        (out.status.code(), json)
    };

    // The admin client's own certificate and the member's run for a year: all ok.
    let (code, report) = client("admin");
    let certs = check(&report, "certificates");
    assert_eq!(code, Some(0), "{report}");
    // The CA file, the client file and the member's handshake.
    assert_eq!(
        certs["evidence"]["certificates"].as_array().map(Vec::len),
        Some(3)
    );

    // A read-only client whose certificate expires in 10 days: a warning with the
    // command that makes its successor.
    let (code, report) = client("brief");
    assert_eq!(code, Some(1), "{report}");
    let certs = check(&report, "certificates");
    assert_eq!(certs["verdict"], "warn", "{certs}");
    assert!(
        certs["finding"]
            .as_str()
            .is_some_and(|f| f.contains("expires in 9 days") || f.contains("expires in 10 days")),
        "{certs}"
    );
    assert_eq!(
        certs["fix"],
        format!("raftctl cert create-client --name brief --role read --ca {ca_dir} --force")
    );

    // The member's own certificate replaced by a short one: the member re-reads it and
    // presents it; the fix names the member and its host.
    mk(&[
        "create-member",
        "--id",
        "1",
        "--host",
        "127.0.0.1",
        "--ca",
        &ca_dir,
        "--days",
        "5",
        "--force",
    ]);
    let (code, report) = wait_for("the member to present its new certificate", || {
        let r = client("admin");
        let f = check(&r.1, "certificates")["fix"].clone();
        f.as_str()
            .is_some_and(|f| f.contains("create-member"))
            .then_some(r)
    });
    assert_eq!(code, Some(1), "{report}");
    let fix = check(&report, "certificates")["fix"]
        .as_str()
        .map(String::from);
    assert!(
        fix.as_deref().is_some_and(|f| f.starts_with(&format!(
            "raftctl cert create-member --id 1 --host 127.0.0.1 --ca {ca_dir} --force"
        ))),
        "{fix:?}"
    );
    c.node(1).kill();
}

/// A member removed while it was down keeps its old view once restarted: asked through
/// its own endpoint, it disagrees with the others.
#[test]
fn members_that_disagree_on_the_membership_are_found() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let gone = (1..=3).find(|id| *id != leader).expect("a follower");
    c.node(gone).kill();
    ok(&c, &["member", "remove", &gone.to_string()]);
    // The leader's sender to the removed member may still hold an append with the
    // removal and deliver it once the member is back (it then applies its removal and
    // stops, agreeing after all): give the leader a moment to drop that sender first.
    std::thread::sleep(Duration::from_millis(500));
    c.node(gone).start();
    let endpoints = format!("{},{}", c.url(leader), c.url(gone));
    let (code, report, _) = wait_for("a report with the removed member's view", || {
        let r = doctor(&endpoints, &[]);
        let views = check(&r.1, "membership")["evidence"]["views"]
            .as_array()?
            .len();
        (views == 2).then_some(r)
    });
    let m = check(&report, "membership");
    assert_eq!(m["verdict"], "warn", "{m}");
    assert!(
        m["finding"]
            .as_str()
            .is_some_and(|f| f.contains(&format!("member {gone} see"))),
        "{m}"
    );
    // Only the membership votes: two voters, both healthy.
    assert_eq!(check(&report, "quorum")["evidence"]["voters"], 2);
    assert_eq!(code, Some(1), "{report}");
}
