//! `raftctl health [--cluster]`: can these members (or, with `--cluster`, the whole
//! cluster) serve, and how many voters may fail now. Exit 0 healthy, 1 degraded, 2
//! unavailable, for scripts and monitors.
//!
//! Each member is asked for `/v1/status`, which carries its own `/health` verdict (in
//! touch with a leader, or a leader in touch with a quorum; everything committed
//! applied). A member is counted healthy when it answers, its verdict is healthy, and it
//! is at most [`LAG_LIMIT`] entries behind the leader's commit index.

use serde::Serialize;

use super::args::{GlobalArgs, HealthArgs, OutputFormat};
use super::error::{CliError, CliResult, ExitCode};
use super::output::{table, Out};
use super::runtime;
use crate::api::types::StatusResponse;

/// Entries a member may be behind the leader's commit index and still count as healthy:
/// a busy follower is a few Readies behind; one this far behind is catching up.
pub const LAG_LIMIT: u64 = 1_000;

/// The outcome, from best to worst; the exit code follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Healthy,
    Degraded,
    Unavailable,
}

/// One member as checked.
#[derive(Debug, Clone, Serialize)]
pub struct MemberHealth {
    pub id: Option<u64>,
    pub url: String,
    /// `voter` or `learner` (from the member list), else the role it reports.
    pub role: Option<String>,
    pub reachable: bool,
    pub healthy: bool,
    /// Why it is not healthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
    /// Milliseconds since it heard from the leader (followers and learners).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_contact_ms: Option<u64>,
    /// Entries behind the leader's commit index, when the leader answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag: Option<u64>,
}

/// The cluster as a whole (`--cluster`).
#[derive(Debug, Clone, Serialize)]
pub struct ClusterHealth {
    pub leader: Option<u64>,
    pub voters: usize,
    pub quorum: usize,
    pub healthy_voters: usize,
    /// How many more voters may fail with the cluster still available (negative: it is
    /// not available now).
    pub failure_tolerance: i64,
}

/// What one member answered: from the member list its id and role (with `--cluster`),
/// where it was asked, and its status or why none came.
pub struct Answer {
    pub id: Option<u64>,
    pub url: String,
    pub role: Option<String>,
    pub status: Result<StatusResponse, String>,
}

/// What `health` prints as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub reasons: Vec<String>,
    pub members: Vec<MemberHealth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterHealth>,
}

/// Runs `raftctl health`.
pub fn run(args: &HealthArgs, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    let report = rt.block_on(async {
        let targets = targets(&client, args.cluster).await?;
        let asked = targets.iter().map(|(_, url, _)| client.status_of(url));
        let statuses = futures_util::future::join_all(asked).await;
        let answers = targets
            .into_iter()
            .zip(statuses)
            .map(|((id, url, role), s)| Answer {
                id,
                url,
                role,
                status: s.map_err(|e| e.to_string()),
            })
            .collect::<Vec<_>>();
        Ok::<_, CliError>(assess(answers, args.cluster))
    })?;
    match global.output {
        OutputFormat::Json => out.json(&report)?,
        OutputFormat::Table => {
            out.table(&health_table(&report.members))?;
            if let Some(c) = &report.cluster {
                writeln!(
                    out,
                    "leader {}; voters {}, quorum {}, healthy voters {}; failure tolerance {}",
                    c.leader.map_or("none".into(), |l| l.to_string()),
                    c.voters,
                    c.quorum,
                    c.healthy_voters,
                    c.failure_tolerance.max(0)
                )?;
            }
        }
    }
    exit(report.verdict, &report.reasons)
}

/// (id, URL, role) of each member to ask: with `cluster` every member in the membership
/// (found through the endpoints), else the endpoints themselves.
pub(crate) async fn targets(
    client: &crate::client::Client,
    cluster: bool,
) -> Result<Vec<(Option<u64>, String, Option<String>)>, CliError> {
    if !cluster {
        return Ok(client
            .endpoints()
            .into_iter()
            .map(|url| (None, url, None))
            .collect());
    }
    let (_, members) = match client.members().await {
        Ok(m) => m,
        // Nobody to ask: as unavailable as a cluster gets (other errors, such as a
        // refused credential, stay ordinary failures).
        Err(e @ crate::client::ClientError::NoMemberAnswered { .. }) => {
            return Err(CliError {
                code: ExitCode::Usage,
                message: format!("unavailable: {e}"),
                detail: Vec::new(),
            })
        }
        Err(e) => return Err(e.into()),
    };
    Ok(members
        .members
        .iter()
        .map(|m| {
            let url = m.url_for_clients().to_string();
            (Some(m.id), url, Some(m.role.clone()))
        })
        .collect())
}

/// How a verdict ends the command: 0 healthy, 1 degraded, 2 unavailable, with the
/// reasons on the error line.
pub(crate) fn exit(verdict: Verdict, reasons: &[String]) -> CliResult {
    let line = |what: &str| format!("{what}: {}", reasons.join("; "));
    match verdict {
        Verdict::Healthy => Ok(()),
        Verdict::Degraded => Err(CliError::failure(line("degraded"))),
        Verdict::Unavailable => Err(CliError {
            code: ExitCode::Usage,
            message: line("unavailable"),
            detail: Vec::new(),
        }),
    }
}

/// The verdict over what each member answered.
pub fn assess(answers: Vec<Answer>, cluster: bool) -> Report {
    let (leader, leader_commit) = leader_of(&answers);
    let members: Vec<MemberHealth> = answers
        .into_iter()
        .map(|a| member_health(a, leader_commit))
        .collect();
    let mut reasons: Vec<String> = members
        .iter()
        .filter(|m| !m.healthy)
        .map(|m| {
            let who = m.id.map_or(m.url.clone(), |id| format!("member {id}"));
            format!("{who} {}", m.reason.as_deref().unwrap_or("is unhealthy"))
        })
        .collect();
    let mut verdict = if members.iter().all(|m| m.healthy) {
        Verdict::Healthy
    } else if members.iter().any(|m| m.healthy) {
        Verdict::Degraded
    } else {
        Verdict::Unavailable
    };
    let cluster = cluster.then(|| cluster_health(&members, leader));
    if let Some(c) = &cluster {
        let leader_healthy =
            leader.is_some_and(|l| members.iter().any(|m| m.id == Some(l) && m.healthy));
        if let Some(why) = cluster_problem(c, leader_healthy) {
            verdict = verdict.max(why.0);
            reasons.insert(0, why.1);
        }
    }
    Report {
        verdict,
        reasons,
        members,
        cluster,
    }
}

/// The leader and its commit index: the member that says it leads in the highest term,
/// among those asked; else the one every member that names a leader names (commit
/// unknown then).
fn leader_of(answers: &[Answer]) -> (Option<u64>, Option<u64>) {
    let leader_status = answers
        .iter()
        .filter_map(|a| a.status.as_ref().ok())
        .filter(|s| s.role == "leader")
        .max_by_key(|s| s.term);
    if let Some(s) = leader_status {
        return (Some(s.id), Some(s.commit));
    }
    let mut named: Vec<u64> = answers
        .iter()
        .filter_map(|a| a.status.as_ref().ok()?.leader)
        .collect();
    named.sort_unstable();
    named.dedup();
    ((named.len() == 1).then(|| named[0]), None)
}

/// One member's row: healthy when it answered, calls itself healthy, and is at most
/// [`LAG_LIMIT`] entries behind `leader_commit`.
fn member_health(a: Answer, leader_commit: Option<u64>) -> MemberHealth {
    let Answer {
        id,
        url,
        role,
        status,
    } = a;
    let s = match status {
        Ok(s) => s,
        Err(e) => {
            return MemberHealth {
                id,
                url,
                role,
                reachable: false,
                healthy: false,
                reason: Some(format!("unreachable: {e}")),
                leader: None,
                term: None,
                last_contact_ms: None,
                lag: None,
            }
        }
    };
    let lag = leader_commit.map(|c| c.saturating_sub(s.applied));
    let reason = match (&s.health, lag) {
        (Some(h), _) if !h.healthy => Some(
            h.reason
                .clone()
                .unwrap_or_else(|| "reports itself unhealthy".into()),
        ),
        (None, _) if s.leader.is_none() => Some("no leader is known".into()),
        (_, Some(lag)) if lag > LAG_LIMIT => Some(format!(
            "{lag} entries behind the leader's commit index (more than {LAG_LIMIT})"
        )),
        _ => None,
    };
    MemberHealth {
        id: Some(s.id),
        url,
        role: role.or(Some(s.role.clone())),
        reachable: true,
        healthy: reason.is_none(),
        reason,
        leader: s.leader,
        term: Some(s.term),
        last_contact_ms: s.leader_contact_ms,
        lag,
    }
}

fn cluster_health(members: &[MemberHealth], leader: Option<u64>) -> ClusterHealth {
    let voters: Vec<&MemberHealth> = members
        .iter()
        .filter(|m| m.role.as_deref() != Some("learner"))
        .collect();
    let healthy_voters = voters.iter().filter(|m| m.healthy).count();
    let quorum = voters.len() / 2 + 1;
    ClusterHealth {
        leader,
        voters: voters.len(),
        quorum,
        healthy_voters,
        failure_tolerance: healthy_voters as i64 - quorum as i64,
    }
}

/// What the cluster as a whole lacks, if anything: no healthy leader or quorum
/// (unavailable), or no room for one more failure (degraded; not for a single voter,
/// which never has any).
pub(crate) fn cluster_problem(
    c: &ClusterHealth,
    leader_healthy: bool,
) -> Option<(Verdict, String)> {
    if !leader_healthy {
        return Some((Verdict::Unavailable, "no healthy leader".into()));
    }
    if c.failure_tolerance < 0 {
        return Some((
            Verdict::Unavailable,
            format!(
                "{} of {} voters healthy, below the quorum of {}",
                c.healthy_voters, c.voters, c.quorum
            ),
        ));
    }
    (c.failure_tolerance == 0 && c.voters > 1).then(|| {
        (
            Verdict::Degraded,
            format!(
                "failure tolerance 0: one more voter down and the cluster stops \
                 ({} of {} voters healthy, quorum {})",
                c.healthy_voters, c.voters, c.quorum
            ),
        )
    })
}

fn health_table(members: &[MemberHealth]) -> comfy_table::Table {
    let mut t = table(&[
        "ID",
        "URL",
        "ROLE",
        "LEADER",
        "TERM",
        "LAST CONTACT",
        "LAG",
        "HEALTH",
    ]);
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    for m in members {
        t.add_row(vec![
            opt(m.id),
            m.url.clone(),
            m.role.clone().unwrap_or_else(|| "-".into()),
            opt(m.leader),
            opt(m.term),
            m.last_contact_ms
                .map_or("-".into(), |ms| format!("{ms} ms")),
            opt(m.lag),
            match &m.reason {
                None => "healthy".into(),
                Some(r) => r.clone(),
            },
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{HealthResponse, SnapshotRef};

    fn status(
        id: u64,
        role: &str,
        leader: Option<u64>,
        commit: u64,
        applied: u64,
    ) -> StatusResponse {
        StatusResponse {
            id,
            cluster_id: "0000000000000001".into(),
            role: role.into(),
            term: 3,
            leader,
            commit,
            applied,
            first_index: 1,
            last_index: commit,
            snapshot: SnapshotRef { index: 0, term: 0 },
            voters: Vec::new(),
            learners: Vec::new(),
            db_size_bytes: 0,
            version: "test".into(),
            progress: None,
            leader_contact_ms: (role != "leader").then_some(20),
            health: Some(HealthResponse {
                healthy: leader.is_some(),
                reason: leader.is_none().then(|| "no leader is known".into()),
            }),
            leader_changes: None,
            leader_change_ages_ms: None,
            storage: None,
        }
    }

    fn voter(id: u64, status: Result<StatusResponse, String>) -> Answer {
        Answer {
            id: Some(id),
            url: format!("http://n{id}"),
            role: Some("voter".into()),
            status,
        }
    }

    #[test]
    fn three_healthy_voters_tolerate_one_failure() {
        let r = assess(
            vec![
                voter(1, Ok(status(1, "leader", Some(1), 10, 10))),
                voter(2, Ok(status(2, "follower", Some(1), 10, 10))),
                voter(3, Ok(status(3, "follower", Some(1), 10, 9))),
            ],
            true,
        );
        assert_eq!(r.verdict, Verdict::Healthy, "{:?}", r.reasons);
        let c = r.cluster.expect("cluster");
        assert_eq!((c.voters, c.quorum, c.failure_tolerance), (3, 2, 1));
        assert_eq!(r.members[2].lag, Some(1));
    }

    #[test]
    fn one_voter_down_of_three_is_degraded_and_two_is_unavailable() {
        let r = assess(
            vec![
                voter(1, Ok(status(1, "leader", Some(1), 10, 10))),
                voter(2, Ok(status(2, "follower", Some(1), 10, 10))),
                voter(3, Err("connection refused".into())),
            ],
            true,
        );
        assert_eq!(r.verdict, Verdict::Degraded);
        assert!(
            r.reasons[0].starts_with("failure tolerance 0"),
            "{:?}",
            r.reasons
        );
        assert!(r.reasons.iter().any(|x| x.contains("member 3 unreachable")));

        let r = assess(
            vec![
                voter(1, Ok(status(1, "follower", None, 10, 10))),
                voter(2, Err("connection refused".into())),
                voter(3, Err("connection refused".into())),
            ],
            true,
        );
        assert_eq!(r.verdict, Verdict::Unavailable);
        assert_eq!(r.reasons[0], "no healthy leader");
    }

    #[test]
    fn a_lagging_learner_degrades_but_does_not_count_as_a_voter() {
        let r = assess(
            vec![
                voter(1, Ok(status(1, "leader", Some(1), 5_000, 5_000))),
                voter(2, Ok(status(2, "follower", Some(1), 5_000, 5_000))),
                voter(3, Ok(status(3, "follower", Some(1), 5_000, 5_000))),
                Answer {
                    id: Some(4),
                    url: "http://n4".into(),
                    role: Some("learner".into()),
                    status: Ok(status(4, "learner", Some(1), 5_000, 100)),
                },
            ],
            true,
        );
        assert_eq!(r.verdict, Verdict::Degraded);
        let c = r.cluster.expect("cluster");
        assert_eq!((c.voters, c.healthy_voters, c.failure_tolerance), (3, 3, 1));
        assert!(
            r.reasons[0].contains("4900 entries behind"),
            "{:?}",
            r.reasons
        );
    }

    #[test]
    fn a_single_voter_is_healthy_though_it_tolerates_no_failure() {
        let r = assess(vec![voter(1, Ok(status(1, "leader", Some(1), 3, 3)))], true);
        assert_eq!(r.verdict, Verdict::Healthy);
        assert_eq!(r.cluster.expect("cluster").failure_tolerance, 0);
    }

    #[test]
    fn without_cluster_only_the_members_asked_count() {
        let ask = |status| {
            vec![Answer {
                id: None,
                url: "http://n1".to_string(),
                role: None,
                status,
            }]
        };
        let r = assess(ask(Ok(status(2, "follower", Some(1), 10, 10))), false);
        assert_eq!(r.verdict, Verdict::Healthy);
        assert!(r.cluster.is_none());
        let r = assess(ask(Err("refused".into())), false);
        assert_eq!(r.verdict, Verdict::Unavailable);
    }
}
