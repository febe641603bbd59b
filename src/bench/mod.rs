//! The load generator behind `raftctl bench`: C clients, each with its own HTTP
//! connection, loop request → response against the client API over a uniform
//! key space, until a duration has passed or a number of requests has been sent.
//!
//! Owns nothing of the cluster: it only speaks HTTP to the URLs it is given (and asks
//! [`crate::client`] where the leader is). Every latency goes into an HDR histogram per
//! operation kind, so percentiles are exact to 3 significant digits at a constant cost
//! per request.
//!
//! Flow: [`BenchConfig::validate`] → [`resolve_targets`] → [`prefill`] (optional, not
//! measured) → [`run`] → [`report::Report`].

pub mod report;
mod worker;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use crate::client::{Client, ClientError};
pub use report::{OpKind, Report};
use worker::{ClientStats, Outcome, Worker};

/// What the clients send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Workload {
    /// `PUT /v1/kv/{key}` only.
    Put,
    /// `GET /v1/kv/{key}` only.
    Get,
    /// Each request is a read with probability `read_ratio`, else a write.
    Mixed { read_ratio: f64 },
}

impl Workload {
    /// `put`, `get` or `mixed`, as on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Workload::Put => "put",
            Workload::Get => "get",
            Workload::Mixed { .. } => "mixed",
        }
    }

    fn read_ratio(&self) -> f64 {
        match self {
            Workload::Put => 0.0,
            Workload::Get => 1.0,
            Workload::Mixed { read_ratio } => *read_ratio,
        }
    }

    /// Whether this workload issues reads / writes at all.
    pub fn does(&self, op: OpKind) -> bool {
        match (self, op) {
            (Workload::Put, OpKind::Read) | (Workload::Get, OpKind::Write) => false,
            (Workload::Mixed { read_ratio }, OpKind::Read) => *read_ratio > 0.0,
            (Workload::Mixed { read_ratio }, OpKind::Write) => *read_ratio < 1.0,
            _ => true,
        }
    }
}

/// Consistency of the reads (docs/serve-and-api.md `?consistency=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// ReadIndex through the leader (the API's default).
    Linearizable,
    /// The member's local state, no round trip.
    Stale,
}

impl Consistency {
    pub fn name(&self) -> &'static str {
        match self {
            Consistency::Linearizable => "linearizable",
            Consistency::Stale => "stale",
        }
    }
}

/// Where the clients send their requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Every client talks to the current leader (found once, before the run).
    Leader,
    /// Clients are spread round-robin over the endpoints given.
    All,
}

impl Target {
    pub fn name(&self) -> &'static str {
        match self {
            Target::Leader => "leader",
            Target::All => "all",
        }
    }
}

/// When the run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// No new request starts after this long; requests in flight finish.
    After(Duration),
    /// Exactly this many requests in total, over all clients.
    Requests(u64),
}

/// One run's settings, validated by [`BenchConfig::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    pub workload: Workload,
    /// Concurrent clients, one connection each.
    pub clients: usize,
    pub stop: Stop,
    /// Bytes per written value.
    pub value_size: usize,
    /// Keys `key/000000` .. `key/<keys-1>`, chosen uniformly.
    pub keys: u64,
    pub consistency: Consistency,
    pub target: Target,
    /// Whether every key was written once before the run (see [`prefill`]).
    pub prefill: bool,
    /// Seed of every client's key and operation choices (client i uses seed + i).
    pub seed: u64,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// Why a run could not be done. Messages are one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BenchError {
    /// A setting is out of range; `flag` names the command-line flag.
    #[error("{flag} {reason}")]
    Invalid { flag: &'static str, reason: String },
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error(
        "{asked} knows no leader right now; retry once an election is over, or use --target all"
    )]
    NoLeader { asked: String },
    #[error("the leader is member {id}, which {asked} does not list")]
    LeaderUnknown { id: u64, asked: String },
    #[error("a bench client stopped unexpectedly: {0}")]
    ClientTask(String),
    #[error("prefill failed at {key}: {cause}")]
    Prefill { key: String, cause: String },
}

impl BenchError {
    fn invalid(flag: &'static str, reason: impl Into<String>) -> BenchError {
        BenchError::Invalid {
            flag,
            reason: reason.into(),
        }
    }
}

impl BenchConfig {
    /// Checks every setting; the error names the flag at fault.
    pub fn validate(&self) -> Result<(), BenchError> {
        if self.clients == 0 {
            return Err(BenchError::invalid("--clients", "must be at least 1"));
        }
        if self.keys == 0 {
            return Err(BenchError::invalid("--keys", "must be at least 1"));
        }
        match self.stop {
            Stop::After(d) if d.is_zero() => {
                return Err(BenchError::invalid("--duration", "must be longer than 0"))
            }
            Stop::Requests(0) => {
                return Err(BenchError::invalid("--requests", "must be at least 1"))
            }
            _ => {}
        }
        if let Workload::Mixed { read_ratio } = self.workload {
            if !(0.0..=1.0).contains(&read_ratio) {
                return Err(BenchError::invalid(
                    "--read-ratio",
                    format!("must be between 0 and 1, got {read_ratio}"),
                ));
            }
        }
        if self.value_size > crate::api::MAX_VALUE_BYTES {
            return Err(BenchError::invalid(
                "--value-size",
                format!(
                    "is {} bytes; members refuse values over {} bytes",
                    self.value_size,
                    crate::api::MAX_VALUE_BYTES
                ),
            ));
        }
        if self.timeout.is_zero() {
            return Err(BenchError::invalid("--timeout", "must be longer than 0"));
        }
        Ok(())
    }

    /// The value every write sends: `value_size` printable bytes (the wrk scripts' pattern).
    pub fn value(&self) -> Bytes {
        Bytes::from(
            (1..=self.value_size)
                .map(|i| b'a' + ((i * 7) % 26) as u8)
                .collect::<Vec<u8>>(),
        )
    }
}

/// The name of key number `n`: `key/000042`, as the wrk scripts write them.
pub fn key_name(n: u64) -> String {
    format!("key/{n:06}")
}

/// The base URLs the clients use: the leader's alone (asked through `client`), or every
/// endpoint of `client`.
pub async fn resolve_targets(client: &Client, target: Target) -> Result<Vec<String>, BenchError> {
    match target {
        Target::All => Ok(client.endpoints()),
        Target::Leader => {
            let (asked, members) = client.members().await?;
            let id = members.leader.ok_or_else(|| BenchError::NoLeader {
                asked: asked.clone(),
            })?;
            members
                .members
                .iter()
                .find(|m| m.id == id)
                .map(|m| vec![m.url.trim_end_matches('/').to_string()])
                .ok_or(BenchError::LeaderUnknown { id, asked })
        }
    }
}

/// Writes every key once (client i writes keys i, i+C, ...), so that reads find values.
/// Not measured; the first failed write stops it.
/// Connections are made as `client` makes them (TLS, token).
pub async fn prefill(
    config: &BenchConfig,
    client: &Client,
    targets: &[String],
) -> Result<(), BenchError> {
    let value = config.value();
    let mut tasks = Vec::with_capacity(config.clients);
    for i in 0..config.clients {
        let mut worker = Worker::new(
            &targets[i % targets.len()],
            config.timeout,
            config.consistency,
            value.clone(),
            client,
        )?;
        let (keys, step) = (config.keys, config.clients as u64);
        tasks.push(tokio::spawn(async move {
            let mut key = i as u64;
            while key < keys {
                match worker.send(OpKind::Write, key).await {
                    Outcome::Ok => {}
                    Outcome::NotFound => {
                        return Err(BenchError::Prefill {
                            key: key_name(key),
                            cause: "404 not_found".into(),
                        })
                    }
                    Outcome::Failed { message, .. } => {
                        return Err(BenchError::Prefill {
                            key: key_name(key),
                            cause: message,
                        })
                    }
                }
                key += step;
            }
            Ok(())
        }));
    }
    for t in futures_util::future::join_all(tasks).await {
        match t {
            Ok(r) => r?,
            Err(e) => {
                return Err(BenchError::Prefill {
                    key: "?".into(),
                    cause: format!("a prefill task stopped: {e}"),
                })
            }
        }
    }
    Ok(())
}

/// A look at a run in progress, handed to the caller once a second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub elapsed: Duration,
    /// Requests answered so far (successes and failures).
    pub ops: u64,
    pub errors: u64,
    /// Requests answered per second since the previous look.
    pub rate: f64,
}

/// Counters and histograms shared by the clients and the progress ticker.
struct Shared {
    /// Requests started (`Stop::Requests` hands them out from here).
    started: AtomicU64,
    done: AtomicU64,
    errors: AtomicU64,
    /// Set when the run is cut short: clients start no new request.
    interrupted: AtomicBool,
    /// One set of histograms for all clients: a histogram is about 190 KB, too much to
    /// keep per client at hundreds of clients, and the lock is held for a few counter
    /// increments only.
    stats: Mutex<ClientStats>,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            started: AtomicU64::new(0),
            done: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            interrupted: AtomicBool::new(false),
            stats: Mutex::new(ClientStats::new()),
        }
    }

    fn record(&self, op: OpKind, outcome: Outcome, latency: Duration) {
        // Recording cannot panic half-way, so a poisoned lock still holds whole counts.
        self.stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .record(op, outcome, latency);
    }

    fn stats(&self) -> ClientStats {
        self.stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// After a refused connection a client pauses this long, so a dead member does not turn
/// the load generator into a busy loop.
const CONNECT_BACKOFF: Duration = Duration::from_millis(20);

/// Runs the load against `targets` (client i uses `targets[i % len]`), connecting as
/// `client` does (TLS, token), and reports. `on_progress` is called about once a second
/// while the run goes on.
pub async fn run(
    config: &BenchConfig,
    client: &Client,
    targets: &[String],
    on_progress: impl FnMut(&Progress),
) -> Result<Report, BenchError> {
    run_until(config, client, targets, on_progress, std::future::pending()).await
}

/// [`run`], ending early when `interrupt` completes (e.g. on Ctrl-C): no new request
/// starts, those in flight finish, and the report covers what was measured.
pub async fn run_until(
    config: &BenchConfig,
    client: &Client,
    targets: &[String],
    mut on_progress: impl FnMut(&Progress),
    interrupt: impl std::future::Future<Output = ()>,
) -> Result<Report, BenchError> {
    config.validate()?;
    if targets.is_empty() {
        return Err(ClientError::NoEndpoints.into());
    }
    let value = config.value();
    let shared = Arc::new(Shared::new());
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(config.clients);
    for i in 0..config.clients {
        let worker = Worker::new(
            &targets[i % targets.len()],
            config.timeout,
            config.consistency,
            value.clone(),
            client,
        )?;
        let plan = Plan {
            stop: config.stop,
            deadline: match config.stop {
                Stop::After(d) => Some(start + d),
                Stop::Requests(_) => None,
            },
            keys: config.keys,
            read_ratio: config.workload.read_ratio(),
            seed: config.seed.wrapping_add(i as u64),
        };
        tasks.push(tokio::spawn(client_loop(worker, plan, Arc::clone(&shared))));
    }

    let all = futures_util::future::join_all(tasks);
    tokio::pin!(all);
    tokio::pin!(interrupt);
    let mut interrupted = false;
    let mut ticker =
        tokio::time::interval_at(start + Duration::from_secs(1), Duration::from_secs(1));
    let (mut last_done, mut last_at) = (0u64, start);
    let results = loop {
        tokio::select! {
            results = &mut all => break results,
            () = &mut interrupt, if !interrupted => {
                interrupted = true;
                shared.interrupted.store(true, Ordering::Relaxed);
            }
            now = ticker.tick() => {
                let done = shared.done.load(Ordering::Relaxed);
                let secs = now.duration_since(last_at).as_secs_f64();
                on_progress(&Progress {
                    elapsed: now.duration_since(start),
                    ops: done,
                    errors: shared.errors.load(Ordering::Relaxed),
                    rate: if secs > 0.0 { (done - last_done) as f64 / secs } else { 0.0 },
                });
                (last_done, last_at) = (done, now);
            }
        }
    };
    let elapsed = start.elapsed();
    if let Some(e) = results.into_iter().find_map(Result::err) {
        // A client task only ends abnormally if it panicked: a bug, not a load result.
        // Say so rather than report numbers missing one client.
        return Err(BenchError::ClientTask(e.to_string()));
    }
    let mut report = Report::new(config, targets, elapsed, &shared.stats());
    report.interrupted = interrupted;
    Ok(report)
}

/// What one client does.
struct Plan {
    stop: Stop,
    deadline: Option<Instant>,
    keys: u64,
    read_ratio: f64,
    seed: u64,
}

async fn client_loop(mut worker: Worker, plan: Plan, shared: Arc<Shared>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(plan.seed);
    loop {
        if shared.interrupted.load(Ordering::Relaxed) {
            break;
        }
        match (plan.stop, plan.deadline) {
            (Stop::Requests(n), _) => {
                if shared.started.fetch_add(1, Ordering::Relaxed) >= n {
                    break;
                }
            }
            (Stop::After(_), Some(deadline)) => {
                if Instant::now() >= deadline {
                    break;
                }
                shared.started.fetch_add(1, Ordering::Relaxed);
            }
            (Stop::After(_), None) => break,
        }
        let op =
            if plan.read_ratio >= 1.0 || (plan.read_ratio > 0.0 && rng.gen_bool(plan.read_ratio)) {
                OpKind::Read
            } else {
                OpKind::Write
            };
        let key = rng.gen_range(0..plan.keys);
        let sent = Instant::now();
        let outcome = worker.send(op, key).await;
        let latency = sent.elapsed();
        let refused =
            matches!(&outcome, Outcome::Failed { kind, .. } if kind == "connect" || kind == "tls");
        if matches!(outcome, Outcome::Failed { .. }) {
            shared.errors.fetch_add(1, Ordering::Relaxed);
        }
        shared.record(op, outcome, latency);
        shared.done.fetch_add(1, Ordering::Relaxed);
        if refused {
            tokio::time::sleep(CONNECT_BACKOFF).await;
        }
    }
}

#[cfg(test)]
mod tests;
