//! The checks of `raftctl doctor` over fixed inputs.

use std::time::Duration;

use super::*;
use crate::api::types::{
    HealthResponse, Member, MemberUrl, ProgressEntry, SnapshotRef, StorageStatus,
};
use crate::node::membership::PROMOTE_MAX_LAG;

fn status(id: u64, role: &str, commit: u64) -> StatusResponse {
    StatusResponse {
        id,
        cluster_id: "0000000000000001".into(),
        role: role.into(),
        term: 2,
        leader: Some(1),
        commit,
        applied: commit,
        first_index: 1,
        last_index: commit,
        snapshot: SnapshotRef::default(),
        voters: (1..=3)
            .map(|id| MemberUrl {
                id,
                url: format!("http://n{id}"),
            })
            .collect(),
        learners: Vec::new(),
        db_size_bytes: 0,
        version: "test".into(),
        progress: None,
        leader_contact_ms: (role != "leader").then_some(10),
        health: Some(HealthResponse {
            healthy: true,
            reason: None,
        }),
        leader_changes: Some(1),
        leader_change_ages_ms: Some(vec![60_000]),
        storage: None,
    }
}

fn progress(id: u64, matched: u64, state: &str, recent_active: bool) -> ProgressEntry {
    ProgressEntry {
        id,
        matched,
        next: matched + 1,
        state: state.into(),
        recent_active,
        snapshot_sent_bytes: None,
        snapshot_size_bytes: None,
    }
}

fn members_view(ids: &[u64]) -> MembersResponse {
    MembersResponse {
        members: ids
            .iter()
            .map(|id| Member {
                id: *id,
                url: format!("http://n{id}"),
                client_url: None,
                role: "voter".into(),
            })
            .collect(),
        leader: Some(1),
    }
}

fn seen(id: u64, status: Result<StatusResponse, String>) -> Seen {
    Seen {
        id: Some(id),
        url: format!("http://n{id}"),
        role: Some("voter".into()),
        members: status
            .as_ref()
            .map(|_| members_view(&[1, 2, 3]))
            .map_err(Clone::clone),
        metrics: Err("not asked".into()),
        status,
    }
}

fn facts(seen: Vec<Seen>) -> Facts {
    let answers = seen
        .iter()
        .map(|s| Answer {
            id: s.id,
            url: s.url.clone(),
            role: s.role.clone(),
            status: s.status.clone(),
        })
        .collect();
    Facts {
        health: health::assess(answers, true),
        seen,
        flags: "--endpoints http://n1".into(),
        tls_flags: String::new(),
    }
}

fn healthy_three() -> Vec<Seen> {
    vec![
        seen(1, Ok(status(1, "leader", 100))),
        seen(2, Ok(status(2, "follower", 100))),
        seen(3, Ok(status(3, "follower", 100))),
    ]
}

fn thresholds() -> Thresholds {
    Thresholds {
        fsync_p99_warn: Duration::from_millis(50),
        disk_free_warn: 10.0,
        disk_free_fail: 2.0,
        data_file_ratio_warn: 4,
        data_file_min_mib: 64,
        leader_changes_warn: 3,
        leader_window: Duration::from_secs(600),
        cert_warn_days: 30,
    }
}

#[test]
fn quorum_follows_the_failure_tolerance_and_names_the_member_to_bring_back() {
    let c = checks::quorum(&facts(healthy_three()));
    assert_eq!(c.verdict, Level::Ok);
    assert!(c.fix.is_none());

    let mut s = healthy_three();
    s[2].status = Err("connection refused".into());
    let c = checks::quorum(&facts(s.clone()));
    assert_eq!(c.verdict, Level::Warn, "{}", c.finding);
    let fix = c.fix.expect("a fix");
    assert!(fix.contains("start member 3 again"), "{fix}");
    assert!(
        fix.contains("raftctl member remove 3 --endpoints http://n1"),
        "{fix}"
    );
    assert_eq!(checks::members(&facts(s.clone())).verdict, Level::Warn);

    s[1].status = Err("connection refused".into());
    let c = checks::quorum(&facts(s));
    assert_eq!(c.verdict, Level::Fail);
    assert!(c.fix.is_some_and(|f| f.contains("raftctl recover")));
}

#[test]
fn a_member_behind_the_leaders_first_index_needs_a_snapshot() {
    assert!(checks::needs_snapshot(&progress(2, 10, "probe", true), 12));
    assert!(!checks::needs_snapshot(&progress(2, 11, "probe", true), 12));
    assert!(checks::needs_snapshot(
        &progress(2, 500, "snapshot", true),
        12
    ));

    let mut s = healthy_three();
    let leader = s[0].status.as_mut().expect("status");
    leader.first_index = 400;
    leader.last_index = 500;
    leader.progress = Some(vec![
        progress(1, 500, "replicate", true),
        progress(2, 500, "replicate", true),
        progress(3, 40, "probe", false),
    ]);
    s[2].status = Err("connection refused".into());
    let c = checks::snapshot_needed(&facts(s.clone()));
    assert_eq!(c.verdict, Level::Warn);
    assert!(
        c.finding
            .starts_with("member 3 has index 40 but the leader's log starts at 400"),
        "{}",
        c.finding
    );
    assert!(c.fix.is_some_and(|f| f.contains("start member 3 again")));

    // Caught up again: nothing to say.
    let leader = s[0].status.as_mut().expect("status");
    leader.progress = Some(vec![progress(3, 450, "replicate", true)]);
    assert_eq!(
        checks::snapshot_needed(&facts(s.clone())).verdict,
        Level::Ok
    );
    // No leader answered: not checked, and no verdict of its own.
    s[0].status = Err("refused".into());
    let c = checks::snapshot_needed(&facts(s));
    assert_eq!(c.verdict, Level::Ok);
    assert!(c.finding.starts_with("not checked"));
}

#[test]
fn learners_are_ready_by_the_rule_promote_applies() {
    let mut s = healthy_three();
    let leader = s[0].status.as_mut().expect("status");
    leader.last_index = 1_000;
    leader.learners = vec![
        MemberUrl {
            id: 4,
            url: "http://n4".into(),
        },
        MemberUrl {
            id: 5,
            url: "http://n5".into(),
        },
        MemberUrl {
            id: 6,
            url: "http://n6".into(),
        },
    ];
    leader.progress = Some(vec![
        progress(4, 1_000 - PROMOTE_MAX_LAG, "replicate", true),
        progress(5, 1_000 - PROMOTE_MAX_LAG - 1, "replicate", true),
        progress(6, 1_000, "replicate", false),
    ]);
    let c = checks::learners(&facts(s));
    assert_eq!(c.verdict, Level::Ok, "a learner never degrades the verdict");
    assert!(
        c.finding.contains("learner 4 is caught up"),
        "{}",
        c.finding
    );
    assert!(c.finding.contains("learner 5 is not ready: it lags by 101"));
    assert!(c
        .finding
        .contains("learner 6 is not ready: the leader has not heard"));
    assert_eq!(
        c.fix.as_deref(),
        Some("raftctl member promote 4 --endpoints http://n1")
    );
}

#[test]
fn leader_changes_count_only_within_the_window() {
    let mut s = healthy_three();
    let t = thresholds();
    assert_eq!(
        checks::leader_changes(&facts(s.clone()), &t).verdict,
        Level::Ok
    );
    s[1].status.as_mut().expect("status").leader_change_ages_ms =
        Some(vec![1_000, 30_000, 599_999, 600_001, 5_000_000]);
    let c = checks::leader_changes(&facts(s.clone()), &t);
    assert_eq!(c.verdict, Level::Warn);
    assert!(
        c.finding.starts_with("member 2 saw 3 leader changes"),
        "{}",
        c.finding
    );
    let mut fewer = t;
    fewer.leader_window = Duration::from_secs(60);
    assert_eq!(
        checks::leader_changes(&facts(s.clone()), &fewer).verdict,
        Level::Ok
    );
    // Members too old to say: not checked.
    for m in &mut s {
        m.status.as_mut().expect("status").leader_change_ages_ms = None;
    }
    let c = checks::leader_changes(&facts(s), &t);
    assert!(c.finding.starts_with("not checked"), "{}", c.finding);
}

fn with_storage(s: &mut Seen, file: u64, live: u64, free: u64, total: u64) {
    s.status.as_mut().expect("status").storage = Some(StorageStatus {
        db_file_bytes: file,
        live_bytes: live,
        disk_free_bytes: Some(free),
        disk_total_bytes: Some(total),
    });
}

#[test]
fn disk_warns_and_fails_by_the_least_free_member() {
    let t = thresholds();
    let mut s = healthy_three();
    with_storage(&mut s[0], 1, 1, 50, 100);
    with_storage(&mut s[1], 1, 1, 9, 100);
    let c = checks::disk(&facts(s.clone()), &t);
    assert_eq!(c.verdict, Level::Warn);
    assert!(c.finding.contains("9% free"), "{}", c.finding);
    assert!(c
        .fix
        .is_some_and(|f| f.ends_with("raftctl snapshot take --endpoints http://n2")));
    with_storage(&mut s[2], 1, 1, 1, 100);
    assert_eq!(checks::disk(&facts(s.clone()), &t).verdict, Level::Fail);
    with_storage(&mut s[2], 1, 1, 0, 0);
    assert_eq!(
        checks::disk(&facts(s), &t).verdict,
        Level::Fail,
        "an empty file system"
    );
    let c = checks::disk(&facts(healthy_three()), &t);
    assert!(c.finding.starts_with("not checked"));
}

#[test]
fn a_data_file_warns_when_both_large_and_mostly_free() {
    let t = thresholds();
    let mib = 1 << 20;
    let mut s = healthy_three();
    // Large but full, small and empty: both fine.
    with_storage(&mut s[0], 1_000 * mib, 900 * mib, 50, 100);
    with_storage(&mut s[1], 32 * mib, 1, 50, 100);
    assert_eq!(checks::data_file(&facts(s.clone()), &t).verdict, Level::Ok);
    with_storage(&mut s[2], 400 * mib, 90 * mib, 50, 100);
    let c = checks::data_file(&facts(s.clone()), &t);
    assert_eq!(c.verdict, Level::Warn);
    assert!(
        c.finding.starts_with("member 3's data file is 4.4x"),
        "{}",
        c.finding
    );
    assert!(c
        .fix
        .is_some_and(|f| f.contains("raftctl member remove 3 --endpoints http://n1")));
    // Live data of zero bytes divides by nothing.
    with_storage(&mut s[2], 400 * mib, 0, 50, 100);
    assert_eq!(checks::data_file(&facts(s), &t).verdict, Level::Warn);
}

#[test]
fn members_that_see_different_memberships_disagree() {
    let s = healthy_three();
    let c = checks::membership(&facts(s.clone()));
    assert_eq!(c.verdict, Level::Ok, "{}", c.finding);
    let mut s = s;
    s[2].members = Ok(members_view(&[1, 2, 3, 4]));
    let c = checks::membership(&facts(s));
    assert_eq!(c.verdict, Level::Warn);
    assert!(
        c.finding.contains(
            "member 1, member 2 see [voter 1 http://n1, voter 2 http://n2, voter 3 http://n3]"
        ),
        "{}",
        c.finding
    );
    assert!(c.finding.contains("member 3 see [voter 1"), "{}", c.finding);
}

const METRICS: &str = "\
# TYPE raftctl_fsync_duration_seconds histogram
raftctl_fsync_duration_seconds_sum 1.5
raftctl_fsync_duration_seconds_count 200
raftctl_fsync_duration_seconds_bucket{le=\"0.0001\"} 0
raftctl_fsync_duration_seconds_bucket{le=\"0.0002\"} 150
raftctl_fsync_duration_seconds_bucket{le=\"0.0004\"} 197
raftctl_fsync_duration_seconds_bucket{le=\"0.0008\"} 198
raftctl_fsync_duration_seconds_bucket{le=\"+Inf\"} 200
raftctl_apply_duration_seconds_bucket{le=\"+Inf\"} 7
";

#[test]
fn the_fsync_p99_is_the_bucket_holding_99_percent() {
    let p = fsync::p99_of(METRICS).expect("parsed").expect("observed");
    assert_eq!(p.count, 200);
    // 198 of 200 are at most 0.8 ms.
    assert_eq!(p.upper_s, Some(0.0008));
    let above = METRICS.replace("le=\"0.0008\"} 198", "le=\"0.0008\"} 197");
    let p = fsync::p99_of(&above).expect("parsed").expect("observed");
    assert_eq!(p.upper_s, None, "beyond every finite bucket");
    let none = "raftctl_fsync_duration_seconds_bucket{le=\"+Inf\"} 0\n";
    assert_eq!(fsync::p99_of(none), Ok(None));
    assert!(fsync::p99_of("raftctl_term 3\n").is_err());
    assert!(fsync::p99_of("raftctl_fsync_duration_seconds_bucket{le=\"x\"} 1\n").is_err());
    assert!(fsync::p99_of("raftctl_fsync_duration_seconds_bucket{le=\"1\"} -1\n").is_err());

    let mut s = healthy_three();
    s[0].metrics = Ok(METRICS.to_string());
    let mut t = thresholds();
    let c = fsync::fsync(&facts(s.clone()), &t);
    assert_eq!(c.verdict, Level::Ok, "{}", c.finding);
    t.fsync_p99_warn = Duration::from_micros(500);
    let c = fsync::fsync(&facts(s), &t);
    assert_eq!(c.verdict, Level::Warn);
    assert!(
        c.finding.starts_with("member 1: fsync p99 up to 0.8ms"),
        "{}",
        c.finding
    );
    assert!(c
        .fix
        .is_some_and(|f| f.contains("raftctl leader transfer --endpoints http://n1")));
}

fn cert(identity: &str, days_left: i64, fix: &str) -> certs::Seen {
    certs::Seen {
        source: "http://n1".into(),
        identity: identity.into(),
        not_after: "2030-01-01T00:00:00Z".into(),
        days_left,
        hosts: vec!["127.0.0.1".into()],
        fix: Some(fix.into()),
    }
}

#[test]
fn certificates_warn_within_the_days_and_fail_once_expired() {
    let t = thresholds();
    let c = certs::check(
        &[cert("member 1", 300, "a"), cert("CA", 3000, "b")],
        &[],
        &t,
    );
    assert_eq!(c.verdict, Level::Ok);
    let c = certs::check(
        &[cert("member 1", 300, "a"), cert("member 2", 29, "b")],
        &[],
        &t,
    );
    assert_eq!((c.verdict, c.fix.as_deref()), (Level::Warn, Some("b")));
    assert!(c.finding.contains("member 2"), "{}", c.finding);
    let c = certs::check(&[cert("member 2", -1, "b")], &[], &t);
    assert_eq!(c.verdict, Level::Fail);
    assert!(c.finding.contains("expired"));
    let c = certs::check(
        &[],
        &["the certificate of https://n1 has expired".into()],
        &t,
    );
    assert_eq!(c.verdict, Level::Fail);
    assert_eq!(certs::check(&[], &[], &t).verdict, Level::Ok);

    assert_eq!(
        certs::ca_dir(Some(std::path::Path::new("pki/ca.crt"))),
        "pki"
    );
    assert_eq!(certs::ca_dir(Some(std::path::Path::new("ca.crt"))), ".");
    assert_eq!(
        certs::ca_dir(Some(std::path::Path::new("pki/root.pem"))),
        "CA_DIR"
    );
    assert_eq!(certs::ca_dir(None), "CA_DIR");
}

#[test]
fn the_verdict_is_the_worst_check_and_maps_to_healths_exit_codes() {
    assert_eq!(Level::Ok.verdict(), Verdict::Healthy);
    assert_eq!(Level::Warn.verdict(), Verdict::Degraded);
    assert_eq!(Level::Fail.verdict(), Verdict::Unavailable);
    let t = thresholds();
    let certs = certs::check(&[], &[], &t);
    let all = run_checks(&facts(healthy_three()), &t, certs);
    assert_eq!(all.len(), 10);
    assert!(all.iter().all(|c| c.verdict == Level::Ok), "{all:?}");
}
