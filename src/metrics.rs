//! `GET /metrics`: what one member has done, in the Prometheus/OpenMetrics text format.
//!
//! One [`Metrics`] per member, made by `serve` and cloned into the node task, the
//! transport and the API. This module depends on nothing above the core: its callers
//! say what happened ([`Proposal`], [`Positions`]); the route that serves the text is
//! the API's. Events are counted where they happen, with atomic increments
//! (histograms take a short uncontended lock per Ready, never per entry, and nothing is
//! held across an await). The position gauges (term, indexes, leadership, db size) are
//! not kept up to date on the hot path at all: they are read from the node's status when
//! `/metrics` is scraped, and peer queue depths from the queues themselves.
//!
//! Metric names start with `raftctl_`; counters end in `_total` as the format requires.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use tokio::sync::mpsc;

use crate::raft::{NodeId, Ready};

/// The content type of the OpenMetrics text format that `prometheus-client` writes,
/// which Prometheus asks for and parses.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PeerLabel {
    peer: NodeId,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConsistencyLabel {
    consistency: &'static str,
}

/// A peer queue's current length, or `None` once the peer's queue is gone.
type QueueProbe = Box<dyn Fn() -> Option<usize> + Send + Sync>;

/// The metrics of one member. Cheap to clone: every clone counts into the same registry.
/// How one write ended, as the API saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proposal {
    /// Applied and answered.
    Ok,
    /// Refused before it was proposed: no leader, or the leader would not take it.
    Dropped,
    /// Timed out, or the node failed: the outcome is unknown.
    Failed,
}

/// The member's positions, set into the gauges when `/metrics` is scraped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    pub term: u64,
    pub commit: u64,
    pub applied: u64,
    pub last_index: u64,
    pub first_index: u64,
    pub is_leader: bool,
    pub db_size_bytes: u64,
}

#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl std::ops::Deref for Metrics {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// The counters and histograms, each registered once. Label values known in advance
/// are resolved at creation, so counting them is one atomic add.
pub struct Inner {
    registry: Registry,

    // Set from the node's status at scrape time.
    term: Gauge<u64, std::sync::atomic::AtomicU64>,
    commit_index: Gauge<u64, std::sync::atomic::AtomicU64>,
    applied_index: Gauge<u64, std::sync::atomic::AtomicU64>,
    last_index: Gauge<u64, std::sync::atomic::AtomicU64>,
    first_index: Gauge<u64, std::sync::atomic::AtomicU64>,
    is_leader: Gauge,
    db_size_bytes: Gauge<u64, std::sync::atomic::AtomicU64>,
    peer_queue_depth: Family<PeerLabel, Gauge>,
    peer_queues: Mutex<BTreeMap<NodeId, QueueProbe>>,

    leader_changes: Counter,
    proposals_ok: Counter,
    proposals_failed: Counter,
    proposals_dropped: Counter,
    reads_linearizable: Counter,
    reads_stale: Counter,
    /// The redb commit (fsync) of each Ready that wrote anything.
    pub fsync_seconds: Histogram,
    /// Applying one Ready's committed entries to the KV (inside the transaction).
    pub apply_seconds: Histogram,
    /// Log entries made durable by one fsync, for fsyncs that appended any: a Ready
    /// that only records a commit or an apply would put zeros into the batch sizes.
    /// Entries per fsync overall are `ready_entries_sum / fsync_duration_seconds_count`.
    pub ready_entries: Histogram,
    /// Entry payload bytes made durable by one fsync that appended entries.
    pub ready_bytes: Histogram,
    /// Committed entries applied by one Ready.
    pub ready_committed_entries: Histogram,
    peer_send_failures: Family<PeerLabel, Counter>,
    snapshot_sends_ok: Counter,
    snapshot_sends_failed: Counter,
    /// Snapshots received from a leader and installed.
    pub snapshot_installs: Counter,
    /// Peer messages refused by the node's checks or the core (forged, malformed or
    /// beyond the limits).
    pub peer_messages_refused: Counter,
    requests_unauthenticated: Counter,
    requests_forbidden: Counter,
}

impl Metrics {
    /// A fresh set of metrics with its own registry.
    pub fn new() -> Metrics {
        let mut r = Registry::with_prefix("raftctl");

        let term = Gauge::default();
        r.register("term", "Current Raft term", term.clone());
        let commit_index = Gauge::default();
        r.register(
            "commit_index",
            "Highest log index known committed (persisted hard state)",
            commit_index.clone(),
        );
        let applied_index = Gauge::default();
        r.register(
            "applied_index",
            "Highest log index applied to the key-value store",
            applied_index.clone(),
        );
        let last_index = Gauge::default();
        r.register(
            "last_index",
            "Last index in the local log",
            last_index.clone(),
        );
        let first_index = Gauge::default();
        r.register(
            "first_index",
            "First index still in the local log (after compaction)",
            first_index.clone(),
        );
        let is_leader = Gauge::default();
        r.register(
            "is_leader",
            "1 while this member is the leader, else 0",
            is_leader.clone(),
        );
        let db_size_bytes = Gauge::default();
        r.register(
            "db_size_bytes",
            "Size of the database file",
            db_size_bytes.clone(),
        );
        let peer_queue_depth = Family::<PeerLabel, Gauge>::default();
        r.register(
            "peer_queue_depth",
            "Messages queued for a peer, not yet sent",
            peer_queue_depth.clone(),
        );

        let leader_changes = Counter::default();
        r.register(
            "leader_changes",
            "Times this member learned of a new leader",
            leader_changes.clone(),
        );
        let proposals = Family::<ResultLabel, Counter>::default();
        r.register(
            "proposals",
            "Writes proposed through this member, by outcome: ok (applied and answered), \
             failed (error or timeout), dropped (refused by the core, e.g. no leader)",
            proposals.clone(),
        );
        let reads = Family::<ConsistencyLabel, Counter>::default();
        r.register(
            "reads",
            "Reads (get and list) served by this member, by consistency",
            reads.clone(),
        );
        // 100 us .. ~1.6 s, doubling.
        let fsync_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 15));
        r.register(
            "fsync_duration_seconds",
            "Time to commit (fsync) the write transaction of one Ready",
            fsync_seconds.clone(),
        );
        // 10 us .. ~160 ms, doubling.
        let apply_seconds = Histogram::new(exponential_buckets(0.00001, 2.0, 15));
        r.register(
            "apply_duration_seconds",
            "Time to apply one Ready's committed entries to the key-value store",
            apply_seconds.clone(),
        );
        // 1 .. 4096, powers of 2.
        let ready_entries = Histogram::new(exponential_buckets(1.0, 2.0, 13));
        r.register(
            "ready_entries",
            "Log entries made durable per fsync that appended any (group commit batch size)",
            ready_entries.clone(),
        );
        // 256 B .. 64 MiB, powers of 4.
        let ready_bytes = Histogram::new(exponential_buckets(256.0, 4.0, 10));
        r.register(
            "ready_bytes",
            "Entry payload bytes made durable per fsync that appended entries",
            ready_bytes.clone(),
        );
        let ready_committed_entries = Histogram::new(exponential_buckets(1.0, 2.0, 13));
        r.register(
            "ready_committed_entries",
            "Committed entries applied per Ready",
            ready_committed_entries.clone(),
        );
        let peer_send_failures = Family::<PeerLabel, Counter>::default();
        r.register(
            "peer_send_failures",
            "Messages to a peer lost: its queue was full or a request to it failed",
            peer_send_failures.clone(),
        );
        let snapshot_sends = Family::<ResultLabel, Counter>::default();
        r.register(
            "snapshot_sends",
            "Snapshots streamed to peers, by result (ok or failed)",
            snapshot_sends.clone(),
        );
        let snapshot_installs = Counter::default();
        r.register(
            "snapshot_installs",
            "Snapshots received from a leader and installed",
            snapshot_installs.clone(),
        );
        let peer_messages_refused = Counter::default();
        r.register(
            "peer_messages_refused",
            "Peer messages refused: malformed, beyond the limits, or not for this member",
            peer_messages_refused.clone(),
        );

        let requests_refused = Family::<ReasonLabel, Counter>::default();
        r.register(
            "requests_refused",
            "Requests refused for their credentials before their route ran: unauthenticated (none) or forbidden (too little role, or not a member certificate on a peer route)",
            requests_refused.clone(),
        );
        let reason = |reason| requests_refused.get_or_create_owned(&ReasonLabel { reason });
        let result = |family: &Family<ResultLabel, Counter>, result| {
            family.get_or_create_owned(&ResultLabel { result })
        };
        let consistency = |c| reads.get_or_create_owned(&ConsistencyLabel { consistency: c });
        Metrics(Arc::new(Inner {
            term,
            commit_index,
            applied_index,
            last_index,
            first_index,
            is_leader,
            db_size_bytes,
            peer_queue_depth,
            peer_queues: Mutex::new(BTreeMap::new()),
            leader_changes,
            proposals_ok: result(&proposals, "ok"),
            proposals_failed: result(&proposals, "failed"),
            proposals_dropped: result(&proposals, "dropped"),
            reads_linearizable: consistency("linearizable"),
            reads_stale: consistency("stale"),
            fsync_seconds,
            apply_seconds,
            ready_entries,
            ready_bytes,
            ready_committed_entries,
            peer_send_failures,
            snapshot_sends_ok: result(&snapshot_sends, "ok"),
            snapshot_sends_failed: result(&snapshot_sends, "failed"),
            snapshot_installs,
            peer_messages_refused,
            requests_unauthenticated: reason("unauthenticated"),
            requests_forbidden: reason("forbidden"),
            registry: r,
        }))
    }

    /// Counts a request refused for its credentials: `unauthenticated` (401) or
    /// `forbidden` (403).
    pub fn request_refused(&self, unauthenticated: bool) {
        if unauthenticated {
            self.0.requests_unauthenticated.inc();
        } else {
            self.0.requests_forbidden.inc();
        }
    }

    /// Counts the outcome of one write as the API sees it (the node's answer inside the
    /// handle's own timeout).
    pub fn count_proposal(&self, outcome: Proposal) {
        match outcome {
            Proposal::Ok => self.proposals_ok.inc(),
            Proposal::Dropped => self.proposals_dropped.inc(),
            Proposal::Failed => self.proposals_failed.inc(),
        };
    }

    /// The leader this member follows changed to `leader` (counted once one is known).
    pub fn leader_changed(&self, leader: Option<NodeId>) {
        if leader.is_some() {
            self.leader_changes.inc();
        }
    }

    /// Counts one read: linearizable, or stale.
    pub fn count_read(&self, linearizable: bool) {
        if linearizable {
            self.reads_linearizable.inc();
        } else {
            self.reads_stale.inc();
        }
    }

    /// Records one persisted Ready: the fsync that started at `fsync_started`, the
    /// entries it made durable and the committed entries it applied.
    pub fn observe_persisted(&self, fsync_started: Instant, rd: &Ready) {
        self.fsync_seconds
            .observe(fsync_started.elapsed().as_secs_f64());
        if !rd.entries.is_empty() {
            let bytes: usize = rd.entries.iter().map(|e| e.data.len()).sum();
            self.ready_entries.observe(rd.entries.len() as f64);
            self.ready_bytes.observe(bytes as f64);
        }
        self.observe_committed(rd);
    }

    /// Records how many committed entries a Ready brought.
    pub fn observe_committed(&self, rd: &Ready) {
        if !rd.committed_entries.is_empty() {
            self.ready_committed_entries
                .observe(rd.committed_entries.len() as f64);
        }
    }

    /// Records the time one Ready's apply took.
    pub fn observe_apply(&self, took: Duration) {
        self.apply_seconds.observe(took.as_secs_f64());
    }

    /// A message or batch to `peer` was lost.
    pub fn peer_send_failure(&self, peer: NodeId) {
        self.peer_send_failures
            .get_or_create(&PeerLabel { peer })
            .inc();
    }

    /// The outcome of streaming one snapshot.
    pub fn snapshot_sent(&self, ok: bool) {
        if ok {
            self.snapshot_sends_ok.inc();
        } else {
            self.snapshot_sends_failed.inc();
        }
    }

    /// Reports `queue`'s depth as `peer_queue_depth{peer}` until the queue is dropped
    /// (a weak reference: watching never keeps a removed peer's queue open).
    pub fn watch_peer_queue<T: Send + 'static>(&self, peer: NodeId, queue: &mpsc::Sender<T>) {
        let weak = queue.downgrade();
        let probe: QueueProbe = Box::new(move || {
            weak.upgrade()
                .map(|q| q.max_capacity().saturating_sub(q.capacity()))
        });
        self.peer_queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(peer, probe);
    }

    /// Sets the scrape-time gauges and writes every metric in the text format.
    pub fn encode(&self, positions: Option<&Positions>) -> String {
        if let Some(p) = positions {
            self.term.set(p.term);
            self.commit_index.set(p.commit);
            self.applied_index.set(p.applied);
            self.last_index.set(p.last_index);
            self.first_index.set(p.first_index);
            self.is_leader.set(i64::from(p.is_leader));
            self.db_size_bytes.set(p.db_size_bytes);
        }
        {
            let mut queues = self.peer_queues.lock().unwrap_or_else(|e| e.into_inner());
            queues.retain(|&peer, probe| match probe() {
                Some(depth) => {
                    let depth = i64::try_from(depth).unwrap_or(i64::MAX);
                    self.peer_queue_depth
                        .get_or_create(&PeerLabel { peer })
                        .set(depth);
                    true
                }
                None => {
                    self.peer_queue_depth.remove(&PeerLabel { peer });
                    false
                }
            });
        }
        let mut out = String::with_capacity(8 * 1024);
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_every_family_with_help_and_type() {
        let m = Metrics::new();
        m.count_read(true);
        m.observe_persisted(Instant::now(), &Ready::default());
        m.peer_send_failure(2);
        let (tx, _rx) = mpsc::channel::<u8>(8);
        tx.try_send(1).expect("room in the queue");
        m.watch_peer_queue(2, &tx);
        let text = m.encode(None);
        for name in [
            "term",
            "commit_index",
            "applied_index",
            "last_index",
            "first_index",
            "is_leader",
            "db_size_bytes",
            "leader_changes",
            "proposals",
            "reads",
            "fsync_duration_seconds",
            "apply_duration_seconds",
            "ready_entries",
            "ready_bytes",
            "ready_committed_entries",
            "peer_send_failures",
            "peer_queue_depth",
            "snapshot_sends",
            "snapshot_installs",
            "peer_messages_refused",
        ] {
            assert!(
                text.contains(&format!("# TYPE raftctl_{name} ")),
                "no TYPE line for {name} in:\n{text}"
            );
            assert!(
                text.contains(&format!("# HELP raftctl_{name} ")),
                "no HELP line for {name}"
            );
        }
        assert!(text.contains("raftctl_proposals_total{result=\"ok\"} 0"));
        assert!(text.contains("raftctl_reads_total{consistency=\"linearizable\"} 1"));
        assert!(text.contains("raftctl_peer_send_failures_total{peer=\"2\"} 1"));
        assert!(text.contains("raftctl_peer_queue_depth{peer=\"2\"} 1"));
        assert!(text.contains("raftctl_fsync_duration_seconds_count 1"));

        drop(tx);
        let text = m.encode(None);
        assert!(!text.contains("raftctl_peer_queue_depth{"), "{text}");
    }
}
