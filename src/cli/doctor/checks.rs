//! The checks of `raftctl doctor` over what the members said ([`Facts`]): pure
//! functions, one per check, each giving a verdict, a finding, the evidence and the fix.
//! The certificate and fsync checks, which read more than the status, are in their own
//! files.

use serde::Serialize;
use serde_json::json;

use super::{Check, Facts, Level, Seen, Thresholds};
use crate::api::types::{ProgressEntry, StatusResponse};
use crate::cli::health::{cluster_problem, Verdict};
use crate::node::membership::PROMOTE_MAX_LAG;

/// The status of the member that leads in the highest term, among those that answered.
pub(super) fn leader_status(f: &Facts) -> Option<&StatusResponse> {
    f.seen
        .iter()
        .filter_map(|s| s.status.as_ref().ok())
        .filter(|s| s.role == "leader")
        .max_by_key(|s| s.term)
}

fn level_of(v: Verdict) -> Level {
    match v {
        Verdict::Healthy => Level::Ok,
        Verdict::Degraded => Level::Warn,
        Verdict::Unavailable => Level::Fail,
    }
}

/// A healthy leader, and voters to spare: `health --cluster`'s cluster verdict.
pub(super) fn quorum(f: &Facts) -> Check {
    let Some(c) = &f.health.cluster else {
        return Check::new("quorum", Level::Ok, "not checked: no member list".into());
    };
    let leader_healthy = c.leader.is_some_and(|l| {
        f.health
            .members
            .iter()
            .any(|m| m.id == Some(l) && m.healthy)
    });
    let down: Vec<u64> = f
        .health
        .members
        .iter()
        .filter(|m| m.role.as_deref() != Some("learner") && !m.healthy)
        .filter_map(|m| m.id)
        .collect();
    let evidence = json!({
        "leader": c.leader,
        "voters": c.voters,
        "quorum": c.quorum,
        "healthy_voters": c.healthy_voters,
        "failure_tolerance": c.failure_tolerance,
        "unhealthy_voters": down,
    });
    let (level, finding) = match cluster_problem(c, leader_healthy) {
        Some((v, why)) => (level_of(v), why),
        None => (
            Level::Ok,
            format!(
                "{} of {} voters healthy (quorum {}): {} more may fail",
                c.healthy_voters, c.voters, c.quorum, c.failure_tolerance
            ),
        ),
    };
    let fix = (level != Level::Ok).then(|| match down.as_slice() {
        [] => "find why the leader is unhealthy: raftctl health --cluster".to_string(),
        ids => {
            let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
            let recover = if level == Level::Fail {
                "; if a quorum is lost for good, see raftctl recover --help"
            } else {
                ""
            };
            format!(
                "start member {} again (its raftctl serve line, same --data-dir); if one \
                 is lost for good, replace it: raftctl member remove {} {}, then raftctl \
                 member add ID URL --learner{recover}",
                ids.join(", "),
                ids[0],
                f.flags
            )
        }
    });
    Check::new("quorum", level, finding)
        .evidence(evidence)
        .fix(fix)
}

/// Every member reachable, in touch with a leader and caught up: `health`'s member
/// verdicts (all healthy ok, some warn, none fail).
pub(super) fn members(f: &Facts) -> Check {
    let unhealthy: Vec<String> = f
        .health
        .members
        .iter()
        .filter(|m| !m.healthy)
        .map(|m| {
            let who = m.id.map_or(m.url.clone(), |id| format!("member {id}"));
            format!("{who} {}", m.reason.as_deref().unwrap_or("is unhealthy"))
        })
        .collect();
    let total = f.health.members.len();
    let level = if unhealthy.is_empty() {
        Level::Ok
    } else if unhealthy.len() < total {
        Level::Warn
    } else {
        Level::Fail
    };
    let finding = if unhealthy.is_empty() {
        format!("all {total} members healthy")
    } else {
        unhealthy.join("; ")
    };
    let evidence = json!({ "members": f.health.members });
    let fix = (level != Level::Ok)
        .then(|| format!("see each member's state: raftctl status {}", f.flags));
    Check::new("members", level, finding)
        .evidence(evidence)
        .fix(fix)
}

/// One follower the leader can no longer catch up from its log.
#[derive(Debug, Clone, Serialize)]
struct Behind {
    id: u64,
    #[serde(rename = "match")]
    matched: u64,
    state: String,
    reachable: bool,
}

/// Members so far behind that the entries they need were compacted from the leader's
/// log: they catch up only from a snapshot.
pub(super) fn snapshot_needed(f: &Facts) -> Check {
    const NAME: &str = "snapshot-needed";
    let Some(l) = leader_status(f) else {
        return Check::new(
            NAME,
            Level::Ok,
            "not checked: no leader answered (it holds the replication progress)".into(),
        );
    };
    let behind: Vec<Behind> = l
        .progress
        .iter()
        .flatten()
        .filter(|p| p.id != l.id && needs_snapshot(p, l.first_index))
        .map(|p| Behind {
            id: p.id,
            matched: p.matched,
            state: p.state.clone(),
            reachable: f.reachable(p.id),
        })
        .collect();
    let evidence = json!({
        "leader": l.id,
        "leader_first_index": l.first_index,
        "leader_last_index": l.last_index,
        "snapshot_index": l.snapshot.index,
        "behind": behind,
    });
    let Some(worst) = behind.iter().min_by_key(|b| b.matched) else {
        return Check::new(
            NAME,
            Level::Ok,
            format!(
                "every member can catch up from the leader's log (it starts at index {})",
                l.first_index
            ),
        )
        .evidence(evidence);
    };
    let finding = format!(
        "member {} has index {} but the leader's log starts at {}: it can only catch up \
         from a snapshot{}",
        worst.id,
        worst.matched,
        l.first_index,
        if behind.len() > 1 {
            format!(" ({} members so)", behind.len())
        } else {
            String::new()
        }
    );
    let keep = l.last_index.saturating_sub(l.first_index) + 1;
    let fix = if worst.reachable {
        format!(
            "nothing to run: the leader sends member {} a snapshot on its own (raftctl \
             member list {} shows STATE snapshot, then replicate); to let members stay \
             behind longer without one, raise raftctl serve --keep-log (the leader's log \
             now holds {keep} entries)",
            worst.id, f.flags
        )
    } else {
        format!(
            "start member {} again: the leader then sends it a snapshot on its own; to let \
             members stay away longer without one, raise raftctl serve --keep-log (the \
             leader's log now holds {keep} entries)",
            worst.id
        )
    };
    Check::new(NAME, Level::Warn, finding)
        .evidence(evidence)
        .fix(Some(fix))
}

/// Whether a follower at `p` needs entries before `first_index` (compacted away), or is
/// being sent a snapshot now.
pub(super) fn needs_snapshot(p: &ProgressEntry, first_index: u64) -> bool {
    p.state == "snapshot" || p.matched.saturating_add(1) < first_index
}

/// Learners caught up and ready to promote: by the same rule `member promote` applies
/// (heard from lately, has acknowledged entries, not receiving a snapshot, at most
/// [`PROMOTE_MAX_LAG`] entries behind). Never more than ok: a learner may be meant to
/// stay one.
pub(super) fn learners(f: &Facts) -> Check {
    const NAME: &str = "learners";
    let Some(l) = leader_status(f) else {
        return Check::new(NAME, Level::Ok, "not checked: no leader answered".into());
    };
    if l.learners.is_empty() {
        return Check::new(NAME, Level::Ok, "no learners".into());
    }
    let mut ready = Vec::new();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for m in &l.learners {
        let p = l.progress.iter().flatten().find(|p| p.id == m.id);
        let lag = p.map(|p| l.last_index.saturating_sub(p.matched));
        let why_not = match p {
            None => Some("the leader tracks no progress for it".to_string()),
            Some(p) if !p.recent_active => Some("the leader has not heard from it lately".into()),
            Some(p) if p.matched == 0 => Some("it has acknowledged no entry yet".into()),
            Some(p) if p.state == "snapshot" => Some("it is receiving a snapshot".into()),
            Some(_) => lag.filter(|lag| *lag > PROMOTE_MAX_LAG).map(|lag| {
                format!("it lags by {lag} entries (at most {PROMOTE_MAX_LAG} to promote)")
            }),
        };
        rows.push(json!({
            "id": m.id,
            "match": p.map(|p| p.matched),
            "lag": lag,
            "ready": why_not.is_none(),
            "why_not": why_not,
        }));
        match why_not {
            None => ready.push(m.id),
            Some(why) => notes.push(format!("learner {} is not ready: {why}", m.id)),
        }
    }
    let evidence = json!({ "leader_last_index": l.last_index, "learners": rows,
                           "promote_max_lag": PROMOTE_MAX_LAG });
    let mut finding: Vec<String> = ready
        .iter()
        .map(|id| format!("learner {id} is caught up: ready to promote"))
        .collect();
    finding.extend(notes);
    let fix = ready
        .first()
        .map(|id| format!("raftctl member promote {id} {}", f.flags));
    Check::new(NAME, Level::Ok, finding.join("; "))
        .evidence(evidence)
        .fix(fix)
}

/// Leader changes each member saw within the window; warn at the threshold.
pub(super) fn leader_changes(f: &Facts, t: &Thresholds) -> Check {
    const NAME: &str = "leader-changes";
    let window_ms = u64::try_from(t.leader_window.as_millis()).unwrap_or(u64::MAX);
    let counted: Vec<(u64, usize, u64)> = f
        .answered()
        .filter_map(|s| {
            let ages = s.leader_change_ages_ms.as_ref()?;
            let recent = ages.iter().filter(|a| **a <= window_ms).count();
            Some((s.id, recent, s.leader_changes.unwrap_or(0)))
        })
        .collect();
    let evidence = json!({
        "window_ms": window_ms,
        "warn_at": t.leader_changes_warn,
        "members": counted.iter().map(|(id, recent, total)| json!({
            "id": id, "recent": recent, "since_start": total,
        })).collect::<Vec<_>>(),
    });
    let Some(&(id, recent, _)) = counted.iter().max_by_key(|c| c.1) else {
        return Check::new(
            NAME,
            Level::Ok,
            "not checked: no member reports its leader changes".into(),
        );
    };
    let window = humantime::format_duration(t.leader_window);
    if (recent as u64) < t.leader_changes_warn {
        return Check::new(
            NAME,
            Level::Ok,
            format!("at most {recent} leader change(s) seen by a member in the last {window}"),
        )
        .evidence(evidence);
    }
    Check::new(
        NAME,
        Level::Warn,
        format!(
            "member {id} saw {recent} leader changes in the last {window} (warn at {})",
            t.leader_changes_warn
        ),
    )
    .evidence(evidence)
    .fix(Some(
        "look for what keeps the leader from being heard within an election timeout: a \
         slow disk (the fsync check), an overloaded host, a lossy network between members \
         (raftctl serve --election-ticks gives them longer)"
            .into(),
    ))
}

/// Free space on the disk under each member's data dir.
pub(super) fn disk(f: &Facts, t: &Thresholds) -> Check {
    const NAME: &str = "disk";
    let mut rows = Vec::new();
    let mut worst: Option<(u64, f64, &Seen)> = None;
    for s in &f.seen {
        let Some(st) = s.status.as_ref().ok() else {
            continue;
        };
        let Some(g) = &st.storage else { continue };
        let (Some(free), Some(total)) = (g.disk_free_bytes, g.disk_total_bytes) else {
            continue;
        };
        let pct = if total == 0 {
            0.0
        } else {
            free as f64 * 100.0 / total as f64
        };
        rows.push(
            json!({"id": st.id, "free_bytes": free, "total_bytes": total,
                         "free_percent": round1(pct)}),
        );
        if worst.is_none_or(|w| pct < w.1) {
            worst = Some((st.id, pct, s));
        }
    }
    let evidence = json!({
        "warn_below_percent": t.disk_free_warn,
        "fail_below_percent": t.disk_free_fail,
        "members": rows,
    });
    let Some((id, pct, s)) = worst else {
        return Check::new(
            NAME,
            Level::Ok,
            "not checked: no member reports its disk".into(),
        );
    };
    let level = if pct < t.disk_free_fail {
        Level::Fail
    } else if pct < t.disk_free_warn {
        Level::Warn
    } else {
        Level::Ok
    };
    let finding = format!(
        "{}: {}% free on the disk under member {id}'s data dir",
        if level == Level::Ok {
            "least free"
        } else {
            "nearly full"
        },
        round1(pct)
    );
    let fix = (level != Level::Ok).then(|| {
        format!(
            "free space on that disk (old snapshot files, other data), or grow it; \
             compacting member {id}'s log may help: raftctl snapshot take {}",
            f.flags_for(&s.url)
        )
    });
    Check::new(NAME, level, finding).evidence(evidence).fix(fix)
}

/// A data file much larger than the data it holds.
pub(super) fn data_file(f: &Facts, t: &Thresholds) -> Check {
    const NAME: &str = "data-file";
    let min_bytes = t.data_file_min_mib.saturating_mul(1 << 20);
    let mut rows = Vec::new();
    let mut bloated = Vec::new();
    for st in f.answered() {
        let Some(g) = &st.storage else { continue };
        let ratio = g.db_file_bytes as f64 / g.live_bytes.max(1) as f64;
        rows.push(json!({"id": st.id, "db_file_bytes": g.db_file_bytes,
                         "live_bytes": g.live_bytes, "ratio": round1(ratio)}));
        if g.db_file_bytes >= min_bytes && g.db_file_bytes / t.data_file_ratio_warn > g.live_bytes {
            bloated.push((st.id, ratio));
        }
    }
    let evidence = json!({
        "ratio_warn": t.data_file_ratio_warn,
        "min_bytes": min_bytes,
        "members": rows,
    });
    if rows.is_empty() {
        return Check::new(
            NAME,
            Level::Ok,
            "not checked: no member reports its data file".into(),
        );
    }
    let Some(&(id, ratio)) = bloated.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        return Check::new(
            NAME,
            Level::Ok,
            format!(
                "no data file is {}x its live data and {} MiB or more",
                t.data_file_ratio_warn, t.data_file_min_mib
            ),
        )
        .evidence(evidence);
    };
    Check::new(
        NAME,
        Level::Warn,
        format!(
            "member {id}'s data file is {}x the data it holds (free pages, reused by later \
             writes but never given back)",
            round1(ratio)
        ),
    )
    .evidence(evidence)
    .fix(Some(format!(
        "the file shrinks only when the member is rebuilt: raftctl member remove {id} {}, \
         then add a member with an empty --data-dir (raftctl member add ID URL --learner) \
         and promote it once caught up",
        f.flags
    )))
}

/// Members that disagree on the membership (`/v1/members`).
pub(super) fn membership(f: &Facts) -> Check {
    const NAME: &str = "membership";
    // One view: voters and learners with their URLs; the members that hold it.
    let mut views: Vec<(String, Vec<String>)> = Vec::new();
    for s in &f.seen {
        let Ok(m) = &s.members else { continue };
        let mut parts: Vec<String> = m
            .members
            .iter()
            .map(|m| format!("{} {} {}", m.role, m.id, m.url))
            .collect();
        parts.sort();
        let view = parts.join(", ");
        let who = s.label();
        match views.iter_mut().find(|v| v.0 == view) {
            Some(v) => v.1.push(who),
            None => views.push((view, vec![who])),
        }
    }
    let evidence = json!({
        "views": views.iter().map(|(view, who)| json!({"members": view, "seen_by": who}))
            .collect::<Vec<_>>(),
    });
    match views.len() {
        0 => Check::new(
            NAME,
            Level::Ok,
            "not checked: no member list answered".into(),
        ),
        1 => Check::new(
            NAME,
            Level::Ok,
            format!("all {} members that answered agree", views[0].1.len()),
        )
        .evidence(evidence),
        n => {
            let shown: Vec<String> = views
                .iter()
                .map(|(view, who)| format!("{} see [{view}]", who.join(", ")))
                .collect();
            Check::new(
                NAME,
                Level::Warn,
                format!(
                    "{n} different views of the membership: {}",
                    shown.join("; ")
                ),
            )
            .evidence(evidence)
            .fix(Some(
                "a member behind the leader takes the change when it catches up (the \
                 members check); one removed while it was down keeps its old view: stop it, \
                 and if it should be a member, add it again with an empty --data-dir"
                    .into(),
            ))
        }
    }
}

pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
