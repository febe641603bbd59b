//! One bench client: its own HTTP connection to one member, one request at a time; and
//! the histograms and error counts the clients fill.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use hdrhistogram::Histogram;

use super::report::OpKind;
use super::{key_name, Consistency};
use crate::api::ErrorBody;
use crate::client::{cause_of, ClientError};

/// Latencies are recorded in microseconds from 1 µs to this bound; slower answers are
/// clamped to it (they are timeouts long before).
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    /// A read of a key nobody has written: answered, so it counts as a success.
    NotFound,
    /// `kind` is the error's bucket (`connect`, `timeout`, `transport`, `503 no_leader`,
    /// ...); `message` is one line to show when every request failed.
    Failed {
        kind: String,
        message: String,
    },
}

/// A client bound to one member. Its reqwest client keeps at most one idle connection,
/// and the client sends one request at a time, so each `Worker` is one connection.
pub(crate) struct Worker {
    http: reqwest::Client,
    base: String,
    query: &'static str,
    value: Bytes,
}

impl Worker {
    pub(crate) fn new(
        base: &str,
        timeout: Duration,
        consistency: Consistency,
        value: Bytes,
    ) -> Result<Worker, ClientError> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .connect_timeout(timeout.min(Duration::from_secs(2)))
            .timeout(timeout)
            .build()
            .map_err(|e| ClientError::BadEndpoint(format!("cannot build an HTTP client: {e}")))?;
        Ok(Worker {
            http,
            base: base.trim_end_matches('/').to_string(),
            query: match consistency {
                Consistency::Linearizable => "",
                Consistency::Stale => "?consistency=stale",
            },
            value,
        })
    }

    /// Sends one request for key number `key` and reads the whole answer.
    pub(crate) async fn send(&self, op: OpKind, key: u64) -> Outcome {
        // The key's slash is percent-encoded: keys are one path segment (SPEC §2).
        let name = key_name(key).replace('/', "%2F");
        let req = match op {
            OpKind::Write => self
                .http
                .put(format!("{}/v1/kv/{name}", self.base))
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(self.value.clone()),
            OpKind::Read => self
                .http
                .get(format!("{}/v1/kv/{name}{}", self.base, self.query)),
        };
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return self.transport_failure(&e),
        };
        let status = resp.status();
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return self.transport_failure(&e),
        };
        if status.is_success() {
            return Outcome::Ok;
        }
        match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) if op == OpKind::Read && b.error.code == "not_found" => Outcome::NotFound,
            Ok(b) => Outcome::Failed {
                kind: format!("{} {}", status.as_u16(), b.error.code),
                message: format!("{} ({} from {})", b.error.message, b.error.code, self.base),
            },
            Err(_) => Outcome::Failed {
                kind: status.as_u16().to_string(),
                message: format!("HTTP {status} from {} without a JSON error body", self.base),
            },
        }
    }

    fn transport_failure(&self, e: &reqwest::Error) -> Outcome {
        let kind = if e.is_timeout() {
            "timeout"
        } else if e.is_connect() {
            "connect"
        } else {
            "transport"
        };
        let cause = cause_of(e);
        let message = match kind {
            "connect" => format!("no member of {} answered: {cause}", self.base),
            "timeout" => format!("{} did not answer in time ({cause})", self.base),
            _ => format!("the connection to {} failed: {cause}", self.base),
        };
        Outcome::Failed {
            kind: kind.to_string(),
            message,
        }
    }
}

/// Counts and latencies of one operation kind.
#[derive(Debug, Clone)]
pub(crate) struct OpStats {
    /// Latency in µs of every successful request (including reads that found no key).
    pub(crate) latency: Histogram<u64>,
    pub(crate) ok: u64,
    pub(crate) not_found: u64,
    /// Error bucket → (count, the first message seen).
    pub(crate) errors: BTreeMap<String, (u64, String)>,
}

impl OpStats {
    fn new() -> OpStats {
        OpStats {
            latency: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
                .expect("constant bounds 1..=1h at 3 digits are valid"),
            ok: 0,
            not_found: 0,
            errors: BTreeMap::new(),
        }
    }

    pub(crate) fn errors(&self) -> u64 {
        self.errors.values().map(|(n, _)| n).sum()
    }

    fn merge(&mut self, other: &OpStats) {
        self.latency
            .add(&other.latency)
            .expect("histograms with the same bounds always add");
        self.ok += other.ok;
        self.not_found += other.not_found;
        for (kind, (n, message)) in &other.errors {
            self.errors
                .entry(kind.clone())
                .or_insert_with(|| (0, message.clone()))
                .0 += n;
        }
    }
}

/// What the clients saw, reads and writes apart.
#[derive(Debug, Clone)]
pub(crate) struct ClientStats {
    pub(crate) reads: OpStats,
    pub(crate) writes: OpStats,
}

impl ClientStats {
    pub(crate) fn new() -> ClientStats {
        ClientStats {
            reads: OpStats::new(),
            writes: OpStats::new(),
        }
    }

    pub(crate) fn record(&mut self, op: OpKind, outcome: Outcome, latency: Duration) {
        let s = match op {
            OpKind::Read => &mut self.reads,
            OpKind::Write => &mut self.writes,
        };
        let us = u64::try_from(latency.as_micros())
            .unwrap_or(MAX_LATENCY_US)
            .clamp(1, MAX_LATENCY_US);
        match outcome {
            Outcome::Ok => {
                s.ok += 1;
                s.latency.saturating_record(us);
            }
            Outcome::NotFound => {
                s.ok += 1;
                s.not_found += 1;
                s.latency.saturating_record(us);
            }
            Outcome::Failed { kind, message } => {
                s.errors.entry(kind).or_insert((0, message)).0 += 1;
            }
        }
    }

    /// Reads and writes together.
    pub(crate) fn total(&self) -> OpStats {
        let mut t = self.reads.clone();
        t.merge(&self.writes);
        t
    }
}
