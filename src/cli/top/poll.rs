//! Asking the members for `raftctl top`, in the background: each member's `/v1/status`
//! and `/metrics`, and the member list (so that members missing from `--endpoints`
//! show too), each as a task of its own, so that a member that does not answer holds up
//! nobody else. [`Poller::step`] collects what has arrived and starts what is due (at
//! most one request in flight per member, one round per interval);
//! [`Poller::observations`] says, per member, the latest answer and how long the
//! current request has been waiting.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use tokio::task::JoinHandle;

use super::prom::Scrape;
use crate::api::types::{MembersResponse, StatusResponse};
use crate::client::{Client, ClientError};

/// One member's answer: its status, and its metrics (which may fail on their own).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusResponse,
    pub metrics: Result<Scrape, String>,
}

/// What one round of requests to a member brought, and when it came.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub at: Instant,
    pub result: Result<Answer, String>,
}

/// One member as the model sees it at a refresh.
#[derive(Debug, Clone)]
pub struct Observation {
    pub url: String,
    /// From the member list (`None` for an endpoint not in it).
    pub id: Option<u64>,
    /// `voter` or `learner`, from the member list.
    pub member_role: Option<String>,
    /// The latest answer, if any came yet.
    pub latest: Option<Arc<Fetched>>,
    /// How long the request in flight has been waiting for its answer.
    pub waiting_for: Option<Duration>,
}

/// A request in flight: when it started, and its task.
struct InFlight<T> {
    since: Instant,
    task: JoinHandle<T>,
}

/// One member to ask.
struct Target {
    id: Option<u64>,
    member_role: Option<String>,
    /// Given in `--endpoints`: asked even when the member list does not name it.
    endpoint: bool,
    in_flight: Option<InFlight<Fetched>>,
    last_start: Option<Instant>,
    latest: Option<Arc<Fetched>>,
}

impl Target {
    fn new(endpoint: bool) -> Target {
        Target {
            id: None,
            member_role: None,
            endpoint,
            in_flight: None,
            last_start: None,
            latest: None,
        }
    }
}

/// The members, their requests and their latest answers.
pub struct Poller {
    client: Arc<Client>,
    interval: Duration,
    targets: BTreeMap<String, Target>,
    members: Option<InFlight<Result<MembersResponse, String>>>,
    members_last_start: Option<Instant>,
    /// Why the member list could not be read last time.
    pub members_error: Option<String>,
}

impl Poller {
    /// Asks the members at `client`'s endpoints, and those in its member list, once per
    /// `interval`.
    pub fn new(client: Client, interval: Duration) -> Poller {
        let targets = client
            .endpoints()
            .into_iter()
            .map(|url| (normal_url(&url), Target::new(true)))
            .collect();
        Poller {
            client: Arc::new(client),
            interval,
            targets,
            members: None,
            members_last_start: None,
            members_error: None,
        }
    }

    /// Collects the answers that arrived and starts the requests that are due. Must run
    /// inside the tokio runtime.
    pub fn step(&mut self, now: Instant) {
        self.step_members(now);
        for (url, t) in &mut self.targets {
            if let Some(done) = take_finished(&mut t.in_flight) {
                t.latest = Some(Arc::new(done.unwrap_or_else(|e| Fetched {
                    at: now,
                    result: Err(format!("the request task failed: {e}")),
                })));
            }
            if t.in_flight.is_none() && due(t.last_start, now, self.interval) {
                t.last_start = Some(now);
                let (client, url) = (self.client.clone(), url.clone());
                t.in_flight = Some(InFlight {
                    since: now,
                    task: tokio::spawn(async move { fetch(&client, &url).await }),
                });
            }
        }
    }

    /// The member list: take a new one, start asking for the next.
    fn step_members(&mut self, now: Instant) {
        if let Some(done) = take_finished(&mut self.members) {
            match done.unwrap_or_else(|e| Err(format!("the request task failed: {e}"))) {
                Ok(list) => {
                    self.members_error = None;
                    self.set_members(&list);
                }
                Err(e) => self.members_error = Some(e),
            }
        }
        if self.members.is_none() && due(self.members_last_start, now, self.interval) {
            self.members_last_start = Some(now);
            let client = self.client.clone();
            self.members = Some(InFlight {
                since: now,
                task: tokio::spawn(async move {
                    client
                        .members()
                        .await
                        .map(|(_, m)| m)
                        .map_err(|e| e.to_string())
                }),
            });
        }
    }

    /// Members join the targets; those gone from the list leave them, unless given as
    /// endpoints.
    fn set_members(&mut self, list: &MembersResponse) {
        let mut listed = BTreeMap::new();
        for m in &list.members {
            listed.insert(normal_url(m.url_for_clients()), (m.id, m.role.clone()));
        }
        self.targets
            .retain(|url, t| t.endpoint || listed.contains_key(url));
        for t in self.targets.values_mut() {
            t.id = None;
            t.member_role = None;
        }
        for (url, (id, role)) in listed {
            let t = self
                .targets
                .entry(url)
                .or_insert_with(|| Target::new(false));
            t.id = Some(id);
            t.member_role = Some(role);
        }
    }

    /// Every member, by id (endpoints outside the member list last). An endpoint that
    /// answers with the id of a listed member is that member under another spelling of
    /// its URL, and is left out.
    pub fn observations(&self, now: Instant) -> Vec<Observation> {
        let listed: Vec<u64> = self.targets.values().filter_map(|t| t.id).collect();
        let mut out: Vec<Observation> = self
            .targets
            .iter()
            .filter(|(_, t)| t.id.is_some() || !answered_as_one_of(t, &listed))
            .map(|(url, t)| Observation {
                url: url.clone(),
                id: t.id,
                member_role: t.member_role.clone(),
                latest: t.latest.clone(),
                waiting_for: t.in_flight.as_ref().map(|f| now.duration_since(f.since)),
            })
            .collect();
        out.sort_by_key(|o| (o.id.is_none(), o.id, o.url.clone()));
        out
    }
}

/// Whether an endpoint's latest answer gave one of `ids` as its own.
fn answered_as_one_of(t: &Target, ids: &[u64]) -> bool {
    t.latest
        .as_ref()
        .and_then(|f| f.result.as_ref().ok())
        .is_some_and(|a| ids.contains(&a.status.id))
}

/// Status and metrics of the member at `url`, asked together.
async fn fetch(client: &Client, url: &str) -> Fetched {
    let (status, metrics) = tokio::join!(client.status_of(url), client.metrics_of(url));
    let result = match status {
        Ok(status) => Ok(Answer {
            status,
            metrics: metrics.map(|text| Scrape::parse(&text)).map_err(reason),
        }),
        Err(e) => Err(reason(e)),
    };
    Fetched {
        at: Instant::now(),
        result,
    }
}

/// Why a member did not answer, short enough for a cell: the row names the member, so
/// "no member of URL answered:" is left out.
fn reason(e: ClientError) -> String {
    match e {
        ClientError::NoMemberAnswered { cause, .. } => cause,
        e => e.to_string(),
    }
}

/// The output of a finished task, leaving `slot` empty; `None` while it runs.
fn take_finished<T>(slot: &mut Option<InFlight<T>>) -> Option<Result<T, tokio::task::JoinError>> {
    if !slot.as_ref()?.task.is_finished() {
        return None;
    }
    let f = slot.take()?;
    // A finished task's output is ready at once.
    f.task.now_or_never()
}

/// Whether a new round is due: never started, or started `interval` ago.
fn due(last: Option<Instant>, now: Instant, interval: Duration) -> bool {
    last.is_none_or(|l| now.duration_since(l) >= interval)
}

/// A URL as a key: without trailing slashes, so `http://a:1/` and `http://a:1` are one.
fn normal_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_are_due_once_per_interval() {
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        assert!(due(None, t0, second));
        assert!(!due(Some(t0), t0 + Duration::from_millis(999), second));
        assert!(due(Some(t0), t0 + second, second));
    }

    #[test]
    fn urls_are_keyed_without_trailing_slashes() {
        assert_eq!(normal_url(" http://a:1/ "), "http://a:1");
        assert_eq!(normal_url("http://a:1"), "http://a:1");
    }
}
