//! The result of a run, as `raftctl bench -o json` prints it. The shape is stable:
//! `raftctl bench --help` documents it (`JSON_HELP` in src/cli/args/bench.rs), and
//! fields are only ever added.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::worker::{ClientStats, OpStats};
use super::{BenchConfig, Stop, Workload};

/// Reads and writes are reported apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Read,
    Write,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub workload: &'static str,
    pub config: ConfigReport,
    pub elapsed_s: f64,
    /// The run was cut short (Ctrl-C) before its duration or request count.
    pub interrupted: bool,
    pub total: OpReport,
    pub reads: Option<OpReport>,
    pub writes: Option<OpReport>,
}

/// The settings a run used, so a saved report says what it measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigReport {
    pub clients: usize,
    pub duration_s: Option<f64>,
    pub requests: Option<u64>,
    pub value_size: usize,
    pub keys: u64,
    pub read_ratio: Option<f64>,
    pub consistency: Option<&'static str>,
    pub target: &'static str,
    pub targets: Vec<String>,
    pub prefill: bool,
    pub seed: u64,
}

/// One operation kind, or all of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpReport {
    pub ops: u64,
    pub ok: u64,
    pub errors: u64,
    pub not_found: u64,
    pub throughput_ops_s: f64,
    pub latency_ms: Option<Latency>,
    pub errors_by_kind: BTreeMap<String, u64>,
    /// The first message of each error kind; used for the one-line failure, not printed
    /// in JSON.
    #[serde(skip)]
    pub first_messages: BTreeMap<String, String>,
}

/// Percentiles in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub mean: f64,
}

impl Report {
    pub(crate) fn new(
        config: &BenchConfig,
        targets: &[String],
        elapsed: Duration,
        stats: &ClientStats,
    ) -> Report {
        let elapsed_s = elapsed.as_secs_f64();
        let op = |kind: OpKind, s: &OpStats| {
            config
                .workload
                .does(kind)
                .then(|| OpReport::new(s, elapsed_s))
        };
        Report {
            workload: config.workload.name(),
            config: ConfigReport {
                clients: config.clients,
                duration_s: match config.stop {
                    Stop::After(d) => Some(d.as_secs_f64()),
                    Stop::Requests(_) => None,
                },
                requests: match config.stop {
                    Stop::Requests(n) => Some(n),
                    Stop::After(_) => None,
                },
                value_size: config.value_size,
                keys: config.keys,
                read_ratio: match config.workload {
                    Workload::Mixed { read_ratio } => Some(read_ratio),
                    _ => None,
                },
                consistency: match config.workload {
                    Workload::Put => None,
                    _ => Some(config.consistency.name()),
                },
                target: config.target.name(),
                targets: targets.to_vec(),
                prefill: config.prefill,
                seed: config.seed,
            },
            elapsed_s: round3(elapsed_s),
            interrupted: false,
            total: OpReport::new(&stats.total(), elapsed_s),
            reads: op(OpKind::Read, &stats.reads),
            writes: op(OpKind::Write, &stats.writes),
        }
    }

    /// When not one request succeeded: one line saying why (the most frequent error).
    pub fn failure(&self) -> Option<String> {
        if self.total.ok > 0 {
            return None;
        }
        if self.total.ops == 0 {
            return Some("no request was sent".into());
        }
        let (kind, _) = self.total.errors_by_kind.iter().max_by_key(|(_, n)| **n)?;
        let message = self.total.first_messages.get(kind)?;
        Some(if self.total.errors_by_kind.len() == 1 {
            message.clone()
        } else {
            format!(
                "every request failed; most often: {message} ({} kinds of error in all)",
                self.total.errors_by_kind.len()
            )
        })
    }
}

impl OpReport {
    fn new(s: &OpStats, elapsed_s: f64) -> OpReport {
        let errors = s.errors();
        let h = &s.latency;
        let ms = |us: u64| round3(us as f64 / 1000.0);
        OpReport {
            ops: s.ok + errors,
            ok: s.ok,
            errors,
            not_found: s.not_found,
            throughput_ops_s: if elapsed_s > 0.0 {
                (s.ok as f64 / elapsed_s * 10.0).round() / 10.0
            } else {
                0.0
            },
            latency_ms: (!h.is_empty()).then(|| Latency {
                p50: ms(h.value_at_quantile(0.50)),
                p90: ms(h.value_at_quantile(0.90)),
                p99: ms(h.value_at_quantile(0.99)),
                p999: ms(h.value_at_quantile(0.999)),
                max: ms(h.max()),
                mean: round3(h.mean() / 1000.0),
            }),
            errors_by_kind: s.errors.iter().map(|(k, (n, _))| (k.clone(), *n)).collect(),
            first_messages: s
                .errors
                .iter()
                .map(|(k, (_, m))| (k.clone(), m.clone()))
                .collect(),
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::super::worker::Outcome;
    use super::super::{Consistency, Target};
    use super::*;

    fn config(workload: Workload) -> BenchConfig {
        BenchConfig {
            workload,
            clients: 2,
            stop: Stop::Requests(4),
            value_size: 16,
            keys: 10,
            consistency: Consistency::Stale,
            target: Target::Leader,
            prefill: false,
            seed: 7,
            timeout: Duration::from_secs(1),
        }
    }

    fn failed(kind: &str) -> Outcome {
        Outcome::Failed {
            kind: kind.into(),
            message: format!("{kind} happened"),
        }
    }

    #[test]
    fn mixed_runs_report_reads_writes_and_total() {
        let mut s = ClientStats::new();
        for ms in 1..=100 {
            s.record(OpKind::Write, Outcome::Ok, Duration::from_millis(ms));
        }
        s.record(OpKind::Read, Outcome::NotFound, Duration::from_millis(1));
        s.record(
            OpKind::Read,
            failed("503 no_leader"),
            Duration::from_millis(1),
        );
        let cfg = config(Workload::Mixed { read_ratio: 0.5 });
        let r = Report::new(
            &cfg,
            &["http://127.0.0.1:7001".into()],
            Duration::from_secs(2),
            &s,
        );
        let w = r.writes.as_ref().expect("writes");
        assert_eq!((w.ops, w.ok, w.errors), (100, 100, 0));
        assert_eq!(w.throughput_ops_s, 50.0);
        let l = w.latency_ms.expect("latency");
        assert!((49.9..=50.1).contains(&l.p50), "{l:?}");
        assert!((98.9..=99.1).contains(&l.p99), "{l:?}");
        assert!((99.9..=100.1).contains(&l.max), "{l:?}");
        let rd = r.reads.as_ref().expect("reads");
        assert_eq!((rd.ops, rd.ok, rd.not_found, rd.errors), (2, 1, 1, 1));
        assert_eq!(r.total.ops, 102);
        assert_eq!(r.total.errors_by_kind.get("503 no_leader"), Some(&1));
        assert_eq!(r.failure(), None);

        let v = serde_json::to_value(&r).expect("json");
        assert_eq!(v["workload"], "mixed");
        assert_eq!(v["config"]["read_ratio"], 0.5);
        assert_eq!(v["config"]["requests"], 4);
        assert!(v["config"]["duration_s"].is_null());
        assert!(v["total"].get("first_messages").is_none());
    }

    #[test]
    fn single_op_runs_have_one_row_and_null_for_the_other() {
        let mut s = ClientStats::new();
        s.record(OpKind::Write, Outcome::Ok, Duration::from_millis(3));
        let r = Report::new(&config(Workload::Put), &[], Duration::from_secs(1), &s);
        assert!(r.reads.is_none());
        let v = serde_json::to_value(&r).expect("json");
        assert!(v["reads"].is_null());
        assert!(v["config"]["consistency"].is_null());
    }

    #[test]
    fn total_failure_names_the_commonest_error() {
        let mut s = ClientStats::new();
        s.record(OpKind::Write, failed("timeout"), Duration::from_secs(1));
        s.record(OpKind::Write, failed("connect"), Duration::from_secs(1));
        s.record(OpKind::Write, failed("connect"), Duration::from_secs(1));
        let r = Report::new(&config(Workload::Put), &[], Duration::from_secs(1), &s);
        assert!(r.total.latency_ms.is_none());
        assert_eq!(
            r.failure().as_deref(),
            Some("every request failed; most often: connect happened (2 kinds of error in all)")
        );
    }
}
