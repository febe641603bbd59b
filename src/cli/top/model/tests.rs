use super::*;
use crate::api::types::{SnapshotRef, StatusResponse};

fn status(id: u64, role: &str, term: u64, commit: u64, applied: u64) -> StatusResponse {
    StatusResponse {
        id,
        cluster_id: "0000000000000001".into(),
        role: role.into(),
        term,
        leader: Some(1),
        commit,
        applied,
        first_index: 1,
        last_index: commit,
        snapshot: SnapshotRef::default(),
        voters: Vec::new(),
        learners: Vec::new(),
        db_size_bytes: 0,
        version: "test".into(),
        progress: None,
        leader_contact_ms: (role != "leader").then_some(15),
        health: None,
        leader_changes: None,
        leader_change_ages_ms: None,
        storage: None,
    }
}

/// `/metrics` text with these counters and cumulative fsync bucket counts (1 ms, 2 ms,
/// 4 ms, +Inf).
fn metrics(writes: u64, reads: u64, fsync: [u64; 4], commit: u64, applied: u64) -> Scrape {
    let mut text = format!(
        "raftctl_proposals_total{{result=\"ok\"}} {writes}\n\
         raftctl_proposals_total{{result=\"failed\"}} 1000\n\
         raftctl_reads_total{{consistency=\"linearizable\"}} {reads}\n\
         raftctl_reads_total{{consistency=\"stale\"}} 0\n\
         raftctl_commit_index {commit}\nraftctl_applied_index {applied}\n\
         raftctl_leader_changes_total 2\n"
    );
    for (le, n) in ["0.001", "0.002", "0.004", "+Inf"].iter().zip(fsync) {
        text.push_str(&format!(
            "raftctl_fsync_duration_seconds_bucket{{le=\"{le}\"}} {n}\n"
        ));
    }
    Scrape::parse(&text)
}

fn answered(
    url: &str,
    at: Instant,
    status: StatusResponse,
    metrics: Result<Scrape, String>,
) -> Observation {
    Observation {
        url: url.into(),
        id: Some(status.id),
        member_role: Some("voter".into()),
        latest: Some(Arc::new(Fetched {
            at,
            result: Ok(Answer { status, metrics }),
        })),
        waiting_for: None,
    }
}

fn failed(url: &str, id: u64, at: Instant, error: &str) -> Observation {
    Observation {
        url: url.into(),
        id: Some(id),
        member_role: Some("voter".into()),
        latest: Some(Arc::new(Fetched {
            at,
            result: Err(error.into()),
        })),
        waiting_for: None,
    }
}

#[test]
fn rates_and_p99_come_from_the_deltas_between_two_answers() {
    let t0 = Instant::now();
    let t1 = t0 + Duration::from_secs(2);
    let mut m = Model::new();
    let first = m.update(
        &[
            answered(
                "n1",
                t0,
                status(1, "leader", 3, 100, 100),
                Ok(metrics(10, 5, [50; 4], 100, 100)),
            ),
            answered(
                "n2",
                t0,
                status(2, "follower", 3, 100, 90),
                Ok(metrics(0, 0, [50; 4], 100, 90)),
            ),
        ],
        None,
    );
    // One answer each: no rates yet, but the positions are there.
    assert_eq!(first.leader, Some(1));
    assert_eq!(first.members[0].writes_per_sec, None);
    assert_eq!(first.writes_per_sec, None);
    assert_eq!(first.members[1].lag, Some(10));
    assert_eq!(first.members[1].apply_lag, Some(10));
    assert_eq!(first.members[1].last_contact_ms, Some(15));
    assert_eq!(first.members[0].leader_changes, Some(2));
    assert!(first.history.is_empty());

    let second = m.update(
        &[
            // 200 writes and 20 reads in 2 s; 100 new fsyncs, all in (2 ms, 4 ms].
            answered(
                "n1",
                t1,
                status(1, "leader", 3, 300, 300),
                Ok(metrics(210, 25, [50, 50, 150, 150], 300, 300)),
            ),
            answered(
                "n2",
                t1,
                status(2, "follower", 3, 300, 300),
                Ok(metrics(0, 4, [50; 4], 300, 300)),
            ),
        ],
        None,
    );
    let n1 = &second.members[0];
    assert_eq!(n1.writes_per_sec, Some(100.0));
    assert_eq!(n1.reads_per_sec, Some(10.0));
    let p99 = n1.fsync_p99_ms.expect("p99");
    assert!(p99 > 2.0 && p99 <= 4.0, "{p99}");
    // No fsync on n2 in between: no p99, rather than an old one.
    assert_eq!(second.members[1].fsync_p99_ms, None);
    assert_eq!(second.writes_per_sec, Some(100.0));
    assert_eq!(second.reads_per_sec, Some(12.0));
    assert_eq!(second.history, vec![100]);
    assert_eq!(second.members[1].lag, Some(0));

    // The same answers again (nothing new arrived): the rates stay.
    let again = m.update(
        &[answered(
            "n1",
            t1,
            status(1, "leader", 3, 300, 300),
            Ok(metrics(210, 25, [50, 50, 150, 150], 300, 300)),
        )],
        None,
    );
    assert_eq!(again.members[0].writes_per_sec, Some(100.0));
}

#[test]
fn a_member_that_went_away_and_came_back_starts_its_rates_afresh() {
    let t0 = Instant::now();
    let at = |s| t0 + Duration::from_secs(s);
    let mut m = Model::new();
    let up = |t, writes| {
        answered(
            "n2",
            t,
            status(2, "follower", 3, 10, 10),
            Ok(metrics(writes, 0, [0; 4], 10, 10)),
        )
    };
    m.update(&[up(at(0), 500)], None);
    let v = m.update(&[failed("n2", 2, at(1), "connection refused")], None);
    assert_eq!(
        v.members[0].state,
        State::Down {
            error: "connection refused".into()
        }
    );
    assert_eq!(v.members[0].id, Some(2));
    assert_eq!(v.members[0].role.as_deref(), Some("voter"));
    assert_eq!(v.members[0].term, None);
    // Restarted: counters from zero. No rate until two answers after its return.
    let v = m.update(&[up(at(2), 3)], None);
    assert_eq!(v.members[0].state, State::Up);
    assert_eq!(v.members[0].role.as_deref(), Some("follower"));
    assert_eq!(v.members[0].writes_per_sec, None);
    let v = m.update(&[up(at(3), 13)], None);
    assert_eq!(v.members[0].writes_per_sec, Some(10.0));
}

#[test]
fn counters_that_went_down_give_no_rate() {
    let t0 = Instant::now();
    let mut m = Model::new();
    let up = |t, writes| {
        answered(
            "n1",
            t,
            status(1, "leader", 3, 10, 10),
            Ok(metrics(writes, 0, [0; 4], 10, 10)),
        )
    };
    m.update(&[up(t0, 500)], None);
    let v = m.update(&[up(t0 + Duration::from_secs(1), 7)], None);
    assert_eq!(v.members[0].writes_per_sec, None);
}

#[test]
fn a_slow_answer_shows_as_waiting_with_the_last_figures() {
    let t0 = Instant::now();
    let mut m = Model::new();
    let mut o = answered(
        "n1",
        t0,
        status(1, "leader", 3, 10, 10),
        Ok(metrics(0, 0, [0; 4], 10, 10)),
    );
    o.waiting_for = Some(Duration::from_millis(900));
    assert_eq!(m.update(&[o.clone()], None).members[0].state, State::Up);
    o.waiting_for = Some(Duration::from_millis(2500));
    let v = m.update(&[o], None);
    assert_eq!(v.members[0].state, State::Waiting { waiting_ms: 2500 });
    assert_eq!(v.members[0].commit, Some(10));
    // A leader whose answer is that old is not taken as the leader.
    assert_eq!(v.leader, None);

    // Never answered, asked for two seconds: waiting; not asked yet: down.
    let never = Observation {
        url: "n9".into(),
        id: Some(9),
        member_role: Some("learner".into()),
        latest: None,
        waiting_for: Some(Duration::from_secs(2)),
    };
    let v = m.update(std::slice::from_ref(&never), None);
    assert_eq!(v.members[0].state, State::Waiting { waiting_ms: 2000 });
    let v = m.update(
        &[Observation {
            waiting_for: None,
            ..never
        }],
        None,
    );
    assert!(matches!(v.members[0].state, State::Down { .. }));
}

#[test]
fn leader_changes_count_new_leaders_and_new_terms() {
    let t0 = Instant::now();
    let at = |s| t0 + Duration::from_secs(s);
    let mut m = Model::new();
    let view = |m: &mut Model, t, leader: u64, term| {
        let obs: Vec<Observation> = (1..=3)
            .map(|id| {
                let role = if id == leader { "leader" } else { "follower" };
                answered(
                    &format!("n{id}"),
                    t,
                    status(id, role, term, 5, 5),
                    Err("forbidden".into()),
                )
            })
            .collect();
        m.update(&obs, None)
    };
    assert_eq!(view(&mut m, at(0), 1, 3).leader_changes_seen, 0);
    assert_eq!(view(&mut m, at(1), 1, 3).leader_changes_seen, 0);
    let v = view(&mut m, at(2), 2, 4);
    assert_eq!(
        (v.leader, v.term, v.leader_changes_seen),
        (Some(2), Some(4), 1)
    );
    // No leader for a while does not count; the same leader re-elected in a new term does.
    let none = m.update(&[failed("n2", 2, at(3), "timed out")], None);
    assert_eq!((none.leader, none.leader_changes_seen), (None, 1));
    assert_eq!(view(&mut m, at(4), 2, 5).leader_changes_seen, 2);
    // Metrics that could not be read leave their columns empty and say why.
    let r = &view(&mut m, at(5), 2, 5).members[0];
    assert_eq!(r.metrics_error.as_deref(), Some("forbidden"));
    assert_eq!((r.apply_lag, r.writes_per_sec), (None, None));
}

#[test]
fn the_history_is_bounded() {
    let t0 = Instant::now();
    let mut m = Model::new();
    let mut last = None;
    for i in 0..(HISTORY as u64 + 10) {
        let o = answered(
            "n1",
            t0 + Duration::from_secs(i),
            status(1, "leader", 1, i, i),
            Ok(metrics(i * 3, 0, [0; 4], i, i)),
        );
        last = Some(m.update(&[o], None));
    }
    let h = last.expect("a view").history;
    assert_eq!(h.len(), HISTORY);
    assert!(h.iter().all(|w| *w == 3), "{h:?}");
}

#[test]
fn rows_serialise_with_their_state() {
    let t0 = Instant::now();
    let mut m = Model::new();
    let v = m.update(
        &[failed("n2", 2, t0, "connection refused")],
        Some("no member answered".into()),
    );
    let json = serde_json::to_value(&v).expect("json");
    assert_eq!(json["members"][0]["state"], "down");
    assert_eq!(json["members"][0]["error"], "connection refused");
    assert_eq!(json["members_error"], "no member answered");
    assert!(json.get("history").is_none());
}
