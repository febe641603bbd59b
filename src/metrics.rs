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
use prometheus_client::registry::{Metric, Registry};
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
    positions: PositionGauges,
    peer_queues: Mutex<BTreeMap<NodeId, QueueProbe>>,
    clients: ClientCounts,
    /// What each Ready cost and carried.
    pub batches: ReadyBatches,
    /// What went to and came from peers.
    pub peers: PeerCounts,
    requests_unauthenticated: Counter,
    requests_forbidden: Counter,
}

/// Registers `metric` under `name` with `help`, and gives it back to count into.
fn registered<M: Metric + Clone>(r: &mut Registry, name: &str, help: &str, metric: M) -> M {
    r.register(name, help, metric.clone());
    metric
}

type U64Gauge = Gauge<u64, std::sync::atomic::AtomicU64>;

/// The gauges set from the node's status (and the peer queues) at scrape time.
struct PositionGauges {
    term: U64Gauge,
    commit_index: U64Gauge,
    applied_index: U64Gauge,
    last_index: U64Gauge,
    first_index: U64Gauge,
    is_leader: Gauge,
    db_size_bytes: U64Gauge,
    peer_queue_depth: Family<PeerLabel, Gauge>,
}

impl PositionGauges {
    fn register(r: &mut Registry) -> Self {
        let mut gauge = |name, help| registered(r, name, help, U64Gauge::default());
        let term = gauge("term", "Current Raft term");
        let commit_index = gauge(
            "commit_index",
            "Highest log index known committed (persisted hard state)",
        );
        let applied_index = gauge(
            "applied_index",
            "Highest log index applied to the key-value store",
        );
        let last_index = gauge("last_index", "Last index in the local log");
        let first_index = gauge(
            "first_index",
            "First index still in the local log (after compaction)",
        );
        let is_leader = registered(
            r,
            "is_leader",
            "1 while this member is the leader, else 0",
            Gauge::default(),
        );
        let db_size_bytes = registered(
            r,
            "db_size_bytes",
            "Size of the database file",
            U64Gauge::default(),
        );
        let peer_queue_depth = registered(
            r,
            "peer_queue_depth",
            "Messages queued for a peer, not yet sent",
            Family::default(),
        );
        PositionGauges {
            term,
            commit_index,
            applied_index,
            last_index,
            first_index,
            is_leader,
            db_size_bytes,
            peer_queue_depth,
        }
    }
}

/// What clients asked of this member: leaders seen, writes by outcome, reads by
/// consistency.
struct ClientCounts {
    leader_changes: Counter,
    proposals_ok: Counter,
    proposals_failed: Counter,
    proposals_dropped: Counter,
    reads_linearizable: Counter,
    reads_stale: Counter,
}

impl ClientCounts {
    fn register(r: &mut Registry) -> Self {
        let leader_changes = registered(
            r,
            "leader_changes",
            "Times this member learned of a new leader",
            Counter::default(),
        );
        let proposals = registered(
            r,
            "proposals",
            "Writes proposed through this member, by outcome: ok (applied and answered), \
             failed (error or timeout), dropped (refused by the core, e.g. no leader)",
            Family::<ResultLabel, Counter>::default(),
        );
        let reads = registered(
            r,
            "reads",
            "Reads (get and list) served by this member, by consistency",
            Family::<ConsistencyLabel, Counter>::default(),
        );
        let consistency = |c| reads.get_or_create_owned(&ConsistencyLabel { consistency: c });
        ClientCounts {
            leader_changes,
            proposals_ok: with_result(&proposals, "ok"),
            proposals_failed: with_result(&proposals, "failed"),
            proposals_dropped: with_result(&proposals, "dropped"),
            reads_linearizable: consistency("linearizable"),
            reads_stale: consistency("stale"),
        }
    }
}

fn with_result(family: &Family<ResultLabel, Counter>, result: &'static str) -> Counter {
    family.get_or_create_owned(&ResultLabel { result })
}

/// The histograms of one Ready's persisting and applying.
pub struct ReadyBatches {
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
}

impl ReadyBatches {
    fn register(r: &mut Registry) -> Self {
        let mut histogram = |name, help, start, factor, length| {
            registered(
                r,
                name,
                help,
                Histogram::new(exponential_buckets(start, factor, length)),
            )
        };
        ReadyBatches {
            // 100 us .. ~1.6 s, doubling.
            fsync_seconds: histogram(
                "fsync_duration_seconds",
                "Time to commit (fsync) the write transaction of one Ready",
                0.0001,
                2.0,
                15,
            ),
            // 10 us .. ~160 ms, doubling.
            apply_seconds: histogram(
                "apply_duration_seconds",
                "Time to apply one Ready's committed entries to the key-value store",
                0.00001,
                2.0,
                15,
            ),
            // 1 .. 4096, powers of 2.
            ready_entries: histogram(
                "ready_entries",
                "Log entries made durable per fsync that appended any (group commit batch size)",
                1.0,
                2.0,
                13,
            ),
            // 256 B .. 64 MiB, powers of 4.
            ready_bytes: histogram(
                "ready_bytes",
                "Entry payload bytes made durable per fsync that appended entries",
                256.0,
                4.0,
                10,
            ),
            ready_committed_entries: histogram(
                "ready_committed_entries",
                "Committed entries applied per Ready",
                1.0,
                2.0,
                13,
            ),
        }
    }
}

/// The traffic with peers: sends lost, snapshots streamed and installed, messages
/// refused.
pub struct PeerCounts {
    peer_send_failures: Family<PeerLabel, Counter>,
    snapshot_sends_ok: Counter,
    snapshot_sends_failed: Counter,
    /// Snapshots received from a leader and installed.
    pub snapshot_installs: Counter,
    /// Peer messages refused by the node's checks or the core (forged, malformed or
    /// beyond the limits).
    pub peer_messages_refused: Counter,
}

impl PeerCounts {
    fn register(r: &mut Registry) -> Self {
        let peer_send_failures = registered(
            r,
            "peer_send_failures",
            "Messages to a peer lost: its queue was full or a request to it failed",
            Family::default(),
        );
        let snapshot_sends = registered(
            r,
            "snapshot_sends",
            "Snapshots streamed to peers, by result (ok or failed)",
            Family::<ResultLabel, Counter>::default(),
        );
        let snapshot_installs = registered(
            r,
            "snapshot_installs",
            "Snapshots received from a leader and installed",
            Counter::default(),
        );
        let peer_messages_refused = registered(
            r,
            "peer_messages_refused",
            "Peer messages refused: malformed, beyond the limits, or not for this member",
            Counter::default(),
        );
        PeerCounts {
            peer_send_failures,
            snapshot_sends_ok: with_result(&snapshot_sends, "ok"),
            snapshot_sends_failed: with_result(&snapshot_sends, "failed"),
            snapshot_installs,
            peer_messages_refused,
        }
    }
}

impl Metrics {
    /// A fresh set of metrics with its own registry. The families are registered (and
    /// so written) in this order.
    pub fn new() -> Metrics {
        let mut r = Registry::with_prefix("raftctl");
        let positions = PositionGauges::register(&mut r);
        let clients = ClientCounts::register(&mut r);
        let batches = ReadyBatches::register(&mut r);
        let peers = PeerCounts::register(&mut r);
        let requests_refused = registered(
            &mut r,
            "requests_refused",
            "Requests refused for their credentials before their route ran: unauthenticated (none) or forbidden (too little role, or not a member certificate on a peer route)",
            Family::<ReasonLabel, Counter>::default(),
        );
        let reason = |reason| requests_refused.get_or_create_owned(&ReasonLabel { reason });
        Metrics(Arc::new(Inner {
            positions,
            peer_queues: Mutex::new(BTreeMap::new()),
            clients,
            batches,
            peers,
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
            Proposal::Ok => self.clients.proposals_ok.inc(),
            Proposal::Dropped => self.clients.proposals_dropped.inc(),
            Proposal::Failed => self.clients.proposals_failed.inc(),
        };
    }

    /// The leader this member follows changed to `leader` (counted once one is known).
    pub fn leader_changed(&self, leader: Option<NodeId>) {
        if leader.is_some() {
            self.clients.leader_changes.inc();
        }
    }

    /// Counts one read: linearizable, or stale.
    pub fn count_read(&self, linearizable: bool) {
        if linearizable {
            self.clients.reads_linearizable.inc();
        } else {
            self.clients.reads_stale.inc();
        }
    }

    /// Records one persisted Ready: the fsync that started at `fsync_started`, the
    /// entries it made durable and the committed entries it applied.
    pub fn observe_persisted(&self, fsync_started: Instant, rd: &Ready) {
        self.batches
            .fsync_seconds
            .observe(fsync_started.elapsed().as_secs_f64());
        if !rd.entries.is_empty() {
            let bytes: usize = rd.entries.iter().map(|e| e.data.len()).sum();
            self.batches.ready_entries.observe(rd.entries.len() as f64);
            self.batches.ready_bytes.observe(bytes as f64);
        }
        self.observe_committed(rd);
    }

    /// Records how many committed entries a Ready brought.
    pub fn observe_committed(&self, rd: &Ready) {
        if !rd.committed_entries.is_empty() {
            self.batches
                .ready_committed_entries
                .observe(rd.committed_entries.len() as f64);
        }
    }

    /// Records the time one Ready's apply took.
    pub fn observe_apply(&self, took: Duration) {
        self.batches.apply_seconds.observe(took.as_secs_f64());
    }

    /// A message or batch to `peer` was lost.
    pub fn peer_send_failure(&self, peer: NodeId) {
        self.peers
            .peer_send_failures
            .get_or_create(&PeerLabel { peer })
            .inc();
    }

    /// The outcome of streaming one snapshot.
    pub fn snapshot_sent(&self, ok: bool) {
        if ok {
            self.peers.snapshot_sends_ok.inc();
        } else {
            self.peers.snapshot_sends_failed.inc();
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
            self.positions.term.set(p.term);
            self.positions.commit_index.set(p.commit);
            self.positions.applied_index.set(p.applied);
            self.positions.last_index.set(p.last_index);
            self.positions.first_index.set(p.first_index);
            self.positions.is_leader.set(i64::from(p.is_leader));
            self.positions.db_size_bytes.set(p.db_size_bytes);
        }
        {
            let mut queues = self.peer_queues.lock().unwrap_or_else(|e| e.into_inner());
            queues.retain(|&peer, probe| match probe() {
                Some(depth) => {
                    let depth = i64::try_from(depth).unwrap_or(i64::MAX);
                    self.positions
                        .peer_queue_depth
                        .get_or_create(&PeerLabel { peer })
                        .set(depth);
                    true
                }
                None => {
                    self.positions.peer_queue_depth.remove(&PeerLabel { peer });
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
