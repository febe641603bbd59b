//! The data of `raftctl top`, apart from any terminal: from what the members answered
//! ([`Observation`]s), one [`View`] per refresh, with the rates (writes and reads per
//! second, from counter deltas between two answers), the fsync p99 of the last interval
//! (from histogram bucket deltas), each member's lag and apply lag, the leader, the
//! leader changes seen, and the throughput history the sparkline draws.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::poll::{Answer, Fetched, Observation};
use super::prom::{quantile_between, Buckets, Scrape};

/// A request unanswered for longer than this shows its member as waiting.
pub const WAITING_AFTER: Duration = Duration::from_secs(1);
/// Refreshes of throughput kept for the sparkline (wider than any terminal).
pub const HISTORY: usize = 512;

const WRITES: &str = "raftctl_proposals_total";
const READS: &str = "raftctl_reads_total";
const FSYNC: &str = "raftctl_fsync_duration_seconds";
const COMMIT: &str = "raftctl_commit_index";
const APPLIED: &str = "raftctl_applied_index";
const LEADER_CHANGES: &str = "raftctl_leader_changes_total";

/// Whether a member answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum State {
    /// Its latest answer came, and no request has been waiting long.
    Up,
    /// A request has waited longer than [`WAITING_AFTER`] (the figures are from its
    /// last answer), or the first request has not been answered yet.
    Waiting { waiting_ms: u64 },
    /// Its latest request failed (or it was not asked yet): why.
    Down { error: String },
}

/// One member's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub id: Option<u64>,
    pub url: String,
    /// The role it reports (`leader`, `follower`, ...), else its role in the member list.
    pub role: Option<String>,
    #[serde(flatten)]
    pub state: State,
    pub term: Option<u64>,
    pub commit: Option<u64>,
    pub applied: Option<u64>,
    /// Entries its applied index is behind the leader's commit index.
    pub lag: Option<u64>,
    /// Milliseconds since it heard from the leader (not on the leader).
    pub last_contact_ms: Option<u64>,
    /// Writes per second proposed through it and applied (`proposals_total{result="ok"}`).
    pub writes_per_sec: Option<f64>,
    /// Reads per second it served (`reads_total`, both consistencies).
    pub reads_per_sec: Option<f64>,
    /// The 99th percentile of its fsyncs over the last interval, in milliseconds.
    pub fsync_p99_ms: Option<f64>,
    /// `commit_index - applied_index` from its `/metrics`.
    pub apply_lag: Option<u64>,
    /// Its `leader_changes_total` counter.
    pub leader_changes: Option<u64>,
    /// Why its metrics could not be read, when its status could.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_error: Option<String>,
}

/// The whole screen's data at one refresh.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct View {
    pub leader: Option<u64>,
    pub term: Option<u64>,
    /// Leader changes (a new leader, or a new term) seen since `top` started.
    pub leader_changes_seen: u64,
    /// Over the members that answered with rates.
    pub writes_per_sec: Option<f64>,
    pub reads_per_sec: Option<f64>,
    /// Why the member list could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members_error: Option<String>,
    pub members: Vec<Row>,
    /// Writes per second at each refresh, oldest first.
    #[serde(skip)]
    pub history: Vec<u64>,
}

/// The counters of one answer, kept to take the next one's deltas from.
#[derive(Debug, Clone)]
struct Counters {
    at: Instant,
    writes: Option<f64>,
    reads: Option<f64>,
    fsync: Option<Buckets>,
}

/// Rates from the last two answers of one member.
#[derive(Debug, Clone, Copy, Default)]
struct Rates {
    writes: Option<f64>,
    reads: Option<f64>,
    fsync_p99_ms: Option<f64>,
}

#[derive(Debug, Default)]
struct Track {
    last: Option<Counters>,
    rates: Rates,
}

/// What `top` remembers from one refresh to the next.
#[derive(Debug, Default)]
pub struct Model {
    tracks: BTreeMap<String, Track>,
    leader: Option<(u64, u64)>,
    leader_changes_seen: u64,
    history: VecDeque<u64>,
}

impl Model {
    pub fn new() -> Model {
        Model::default()
    }

    /// The view of this refresh, from what each member last answered.
    pub fn update(&mut self, observed: &[Observation], members_error: Option<String>) -> View {
        self.tracks
            .retain(|url, _| observed.iter().any(|o| &o.url == url));
        let rows: Vec<Row> = observed.iter().map(|o| self.row(o)).collect();
        let (leader, term, leader_commit) = leader_of(observed);
        if let (Some(l), Some(t)) = (leader, term) {
            if self.leader.is_some_and(|seen| seen != (l, t)) {
                self.leader_changes_seen += 1;
            }
            self.leader = Some((l, t));
        }
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|mut r| {
                if r.state == State::Up {
                    r.lag = leader_commit
                        .zip(r.applied)
                        .map(|(c, a)| c.saturating_sub(a));
                }
                r
            })
            .collect();
        let total = |f: fn(&Row) -> Option<f64>| -> Option<f64> {
            let known: Vec<f64> = rows.iter().filter_map(f).collect();
            (!known.is_empty()).then(|| known.iter().sum())
        };
        let writes = total(|r| r.writes_per_sec);
        if writes.is_some() || !self.history.is_empty() {
            if self.history.len() == HISTORY {
                self.history.pop_front();
            }
            self.history.push_back(writes.unwrap_or(0.0).round() as u64);
        }
        View {
            leader,
            term,
            leader_changes_seen: self.leader_changes_seen,
            writes_per_sec: writes,
            reads_per_sec: total(|r| r.reads_per_sec),
            members_error,
            members: rows,
            history: self.history.iter().copied().collect(),
        }
    }

    /// One member's row; its rates are taken when a new answer came.
    fn row(&mut self, o: &Observation) -> Row {
        let track = self.tracks.entry(o.url.clone()).or_default();
        let mut row = Row {
            id: o.id,
            url: o.url.clone(),
            role: o.member_role.clone(),
            state: State::Down {
                error: "no answer yet".into(),
            },
            term: None,
            commit: None,
            applied: None,
            lag: None,
            last_contact_ms: None,
            writes_per_sec: None,
            reads_per_sec: None,
            fsync_p99_ms: None,
            apply_lag: None,
            leader_changes: None,
            metrics_error: None,
        };
        let waiting = o.waiting_for.filter(|w| *w > WAITING_AFTER);
        let Some(fetched) = &o.latest else {
            // Never answered yet: waiting while asked, however briefly.
            if let Some(w) = o.waiting_for {
                row.state = waiting_state(w);
            }
            return row;
        };
        let answer = match &fetched.result {
            Ok(a) => a,
            Err(e) => {
                // The next answer's deltas must not span the time it was away (it may
                // have restarted, counting from zero).
                *track = Track::default();
                row.state = State::Down { error: e.clone() };
                return row;
            }
        };
        track.observe(fetched, answer);
        row.state = waiting.map_or(State::Up, waiting_state);
        fill(&mut row, answer, track.rates);
        row
    }
}

impl Track {
    /// Takes the rates between the last answer and `fetched`, if it is a new one.
    fn observe(&mut self, fetched: &Arc<Fetched>, answer: &Answer) {
        if self.last.as_ref().is_some_and(|l| l.at == fetched.at) {
            return;
        }
        let now = match &answer.metrics {
            Ok(m) => Counters {
                at: fetched.at,
                writes: m.labelled(WRITES, "result", "ok"),
                reads: m.sum(READS),
                fsync: m.buckets(FSYNC),
            },
            Err(_) => Counters {
                at: fetched.at,
                writes: None,
                reads: None,
                fsync: None,
            },
        };
        self.rates = match &self.last {
            Some(before) => rates(before, &now),
            None => Rates::default(),
        };
        self.last = Some(now);
    }
}

/// Rates between two answers; a counter that went down (a restart) gives none.
fn rates(before: &Counters, now: &Counters) -> Rates {
    let secs = now.at.saturating_duration_since(before.at).as_secs_f64();
    let per_sec = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if secs > 0.0 && b >= a => Some((b - a) / secs),
        _ => None,
    };
    Rates {
        writes: per_sec(before.writes, now.writes),
        reads: per_sec(before.reads, now.reads),
        fsync_p99_ms: match (&before.fsync, &now.fsync) {
            (Some(a), Some(b)) => quantile_between(a, b, 0.99).map(|s| s * 1000.0),
            _ => None,
        },
    }
}

fn waiting_state(w: Duration) -> State {
    State::Waiting {
        waiting_ms: u64::try_from(w.as_millis()).unwrap_or(u64::MAX),
    }
}

/// The figures of an answer into its row.
fn fill(row: &mut Row, a: &Answer, rates: Rates) {
    let s = &a.status;
    row.id = Some(s.id);
    row.role = Some(s.role.clone());
    row.term = Some(s.term);
    row.commit = Some(s.commit);
    row.applied = Some(s.applied);
    row.last_contact_ms = s.leader_contact_ms;
    row.writes_per_sec = rates.writes;
    row.reads_per_sec = rates.reads;
    row.fsync_p99_ms = rates.fsync_p99_ms;
    match &a.metrics {
        Ok(m) => {
            row.apply_lag = gauge(m, COMMIT)
                .zip(gauge(m, APPLIED))
                .map(|(c, a)| c.saturating_sub(a));
            row.leader_changes = gauge(m, LEADER_CHANGES);
        }
        Err(e) => row.metrics_error = Some(e.clone()),
    }
}

/// A non-negative whole sample as u64 (`as` saturates, and NaN becomes 0).
fn gauge(m: &Scrape, name: &str) -> Option<u64> {
    m.value(name).filter(|v| *v >= 0.0).map(|v| v as u64)
}

/// The leader, its term and commit index: the member that says it leads in the highest
/// term, among those whose latest answer is fresh.
fn leader_of(observed: &[Observation]) -> (Option<u64>, Option<u64>, Option<u64>) {
    observed
        .iter()
        .filter(|o| o.waiting_for.is_none_or(|w| w <= WAITING_AFTER))
        .filter_map(|o| o.latest.as_ref()?.result.as_ref().ok())
        .map(|a| &a.status)
        .filter(|s| s.role == "leader")
        .max_by_key(|s| s.term)
        .map_or((None, None, None), |s| {
            (Some(s.id), Some(s.term), Some(s.commit))
        })
}

#[cfg(test)]
mod tests;
