//! The node task: owns the `RawNode` and runs the Ready loop.
//!
//! Order inside one Ready (see the contract of `raft::Ready`):
//! 1. send `messages` right away (a leader's appends go out while it writes);
//! 2. persist in ONE redb write transaction: install the snapshot, append entries, save the
//!    hard state (and the membership when a conf change was applied); the commit is the
//!    fsync. Committed entries are applied into the KV's [`kv::ApplyBuffer`]; each
//!    transaction takes along the buffered keys beyond its target size, and the whole
//!    buffer goes in with a conf change or snapshot, when idle, and on the way out. A
//!    Ready that only moves commit and apply writes nothing at all;
//! 3. send `persisted_messages` (they promise what step 2 made durable);
//! 4. answer the requests whose entries were applied and the reads now servable;
//! 5. `advance`.
//!
//! The task runs on a thread of its own (see `server.rs`): a transaction blocks only it,
//! while the runtime's workers go on serving HTTP and the transport, and requests queue
//! in the channels meanwhile.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::MissedTickBehavior;

use super::handle::{NodeError, NodeRequest, WriteOutcome};
use super::peer_input::{check_peer_message, Following, LogLimiter};
use super::server::{peers_of, Error, NodeConfig};
use super::status::{FollowerProgress, MembersInfo, NodeStatus, RoleView};
use crate::kv::{self, ApplyBuffer, Buffered, Command, KvWriter};
use crate::raft::{
    self, ConfChange, ConfChangeType, DropReason, Entry, EntryType, HardState, Index, Message,
    MessageType, NodeId, RawNode, Ready, Role, SnapshotMeta,
};
use crate::storage::{Membership, RedbStorage};
use crate::transport::{Transport, TransportEvent};

mod operator;

/// Capacity of the peer message inbox (backpressure on the transport beyond it).
pub(crate) const PEER_INBOX: usize = 4096;
/// Capacity of the API request inbox.
pub(crate) const REQUEST_INBOX: usize = 8192;
/// Most queued messages or requests taken per channel before the next Ready.
const DRAIN_MAX: usize = 4096;
/// Log entries deleted per Ready while a compaction is pending, at least; a Ready that
/// appends more deletes twice what it appends (see [`compaction_step`]).
const COMPACT_CHUNK: u64 = 64;
/// Waiters whose requester gave up are swept every this many ticks.
const SWEEP_EVERY_TICKS: u64 = 20;

type WriteReply = oneshot::Sender<Result<WriteOutcome, NodeError>>;
type ReadReply = oneshot::Sender<Result<Index, NodeError>>;

/// The node task's state.
pub(crate) struct NodeTask {
    config: NodeConfig,
    raw: RawNode<RedbStorage>,
    store: RedbStorage,
    transport: Transport,
    /// Shared with the transport's inbound check (who may send to us).
    members: Arc<RwLock<Membership>>,
    /// The applied index visible to readers, raised after each Ready.
    applied: Arc<AtomicU64>,
    /// Applied changes not yet in the database (shared with readers).
    buffer: ApplyBuffer,
    /// The latest hard state when a Ready that wrote nothing moved it (only commit can
    /// move that way); saved with the next transaction.
    unsaved_hard_state: Option<HardState>,
    requests: mpsc::Receiver<NodeRequest>,
    peer_messages: mpsc::Receiver<Message>,
    transport_events: mpsc::Receiver<TransportEvent>,
    stop: watch::Receiver<bool>,

    leader: Option<NodeId>,
    role: Role,
    /// Request ids are unique on this node while it runs; `origin` tells nodes apart.
    next_request_id: u64,
    /// Proposals accepted by this member, answered when applied.
    write_waiters: HashMap<u64, WriteReply>,
    /// Reads that arrived since the last `read_index` call: one ReadIndex serves them all.
    reads_to_start: Vec<ReadReply>,
    next_read_ctx: u64,
    /// Reads waiting for their ReadIndex to come back, by request context.
    reads_in_flight: HashMap<Bytes, Vec<ReadReply>>,
    /// Reads with a known read index, waiting for `applied >= index`.
    reads_waiting_apply: Vec<(Index, Vec<ReadReply>)>,
    ticks: u64,
    /// A snapshot file is being written in the background.
    snapshotting: bool,
    /// The log is compacted up to here, a chunk per Ready, so that no single
    /// transaction stalls the loop deleting thousands of entries.
    compact_target: Index,
    snapshot_done_tx: mpsc::Sender<Result<MadeSnapshot, String>>,
    snapshot_done: mpsc::Receiver<Result<MadeSnapshot, String>>,
    metrics: crate::metrics::Metrics,
    /// Operator requests under way (`operator.rs`).
    ops: operator::OpsState,
    /// Peer messages refused (by `peer_input` or the core), logged at most once a second.
    refusals_logged: LogLimiter,
    /// Term, leader and commit as of the last Ready, for the transport's snapshot gate.
    following: Arc<Following>,
    /// The tick at which this member last heard from the leader it follows (an append,
    /// heartbeat or snapshot), for `/health`.
    leader_contact_tick: Option<u64>,
}

/// A snapshot file written in the background, to be recorded and the log compacted.
struct MadeSnapshot {
    meta: SnapshotMeta,
    membership: Membership,
    size_bytes: u64,
    write_time: std::time::Duration,
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Writes the buffer's changes and the applied index that goes with them into `w`.
fn write_buffer(w: &mut crate::storage::WriteBatch<'_>, buffer: &Buffered) -> Result<(), Error> {
    let Some(applied) = buffer.applied() else {
        return Ok(());
    };
    {
        let mut table = KvWriter::open(w.txn())?;
        buffer.write_into(&mut table)?;
    }
    w.set_applied(applied)?;
    Ok(())
}

/// Where a Ready's transaction compacts the log to, if anywhere, given the log's first
/// index, the compaction target and how many entries the Ready appends: never past the
/// target, and in steps small enough that no transaction stalls the loop deleting
/// thousands of entries, yet at least twice the appended count, so that under sustained
/// load the deleting outpaces the appending. (A fixed step of 64 fell behind once Readies
/// carried more than 64 entries: followers' logs grew without bound at 256 clients.)
fn compaction_step(first_index: Index, target: Index, appending: usize) -> Option<Index> {
    let start = first_index.saturating_sub(1);
    let step = COMPACT_CHUNK.max(2 * appending as u64);
    (target > start).then(|| target.min(start + step))
}

/// What a persisted Ready applied, for answering waiters.
struct Applied {
    /// (request id, outcome) of writes this member accepted.
    writes: Vec<(u64, WriteOutcome)>,
    /// The new applied index, if anything was applied.
    applied: Option<Index>,
    membership_changed: bool,
}

impl NodeTask {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        config: NodeConfig,
        raw: RawNode<RedbStorage>,
        store: RedbStorage,
        transport: Transport,
        members: Arc<RwLock<Membership>>,
        applied: Arc<AtomicU64>,
        buffer: ApplyBuffer,
        requests: mpsc::Receiver<NodeRequest>,
        peer_messages: mpsc::Receiver<Message>,
        transport_events: mpsc::Receiver<TransportEvent>,
        stop: watch::Receiver<bool>,
        metrics: crate::metrics::Metrics,
    ) -> NodeTask {
        let (snapshot_done_tx, snapshot_done) = mpsc::channel(1);
        NodeTask {
            config,
            raw,
            store,
            transport,
            members,
            applied,
            buffer,
            unsaved_hard_state: None,
            requests,
            peer_messages,
            transport_events,
            stop,
            leader: None,
            role: Role::Follower,
            // Random start: entries proposed before a restart may still be applied after
            // it, and must not answer a request of this run that reuses their id.
            next_request_id: rand::random::<u64>() >> 1,
            write_waiters: HashMap::new(),
            reads_to_start: Vec::new(),
            // Random start for the same reason: a late answer to a read of an earlier run
            // must not serve a read of this one.
            next_read_ctx: rand::random::<u64>() >> 1,
            reads_in_flight: HashMap::new(),
            reads_waiting_apply: Vec::new(),
            ticks: 0,
            snapshotting: false,
            compact_target: 0,
            snapshot_done_tx,
            snapshot_done,
            metrics,
            ops: operator::OpsState::default(),
            refusals_logged: LogLimiter::new(std::time::Duration::from_secs(1)),
            following: Arc::new(Following::default()),
            leader_contact_tick: None,
        }
    }

    /// Publishes what this node follows into `following` (see `Following`).
    pub(crate) fn with_following(mut self, following: Arc<Following>) -> NodeTask {
        self.following = following;
        self.publish_following();
        self
    }

    fn publish_following(&self) {
        let st = self.raw.status();
        self.following.publish(
            st.hard_state.term,
            st.soft_state.leader_id,
            st.hard_state.commit,
        );
    }

    /// The Ready loop. Returns on a stop request (after finishing the Ready in hand) or on
    /// a storage failure, which is fatal: what is durable is then unknown.
    pub(crate) async fn run(mut self) -> Result<(), Error> {
        let mut ticker = tokio::time::interval(self.config.tick);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        // A one-member cluster need not wait for an election timeout.
        if self.is_sole_voter() {
            let _ = self.raw.campaign();
        }
        loop {
            tokio::select! {
                biased;
                _ = self.stop.changed() => break,
                _ = ticker.tick() => self.on_tick(),
                Some(m) = self.peer_messages.recv() => self.step(m),
                Some(req) = self.requests.recv() => self.on_request(req),
                Some(ev) = self.transport_events.recv() => self.on_transport_event(ev),
                Some(made) = self.snapshot_done.recv() => self.on_snapshot_made(made)?,
            }
            // Take what else is already queued, so that one Ready carries it all; bounded,
            // so that a flood on one channel cannot hold up persisting and ticking.
            for _ in 0..DRAIN_MAX {
                let Ok(m) = self.peer_messages.try_recv() else {
                    break;
                };
                self.step(m);
            }
            for _ in 0..DRAIN_MAX {
                let Ok(req) = self.requests.try_recv() else {
                    break;
                };
                self.on_request(req);
            }
            while let Ok(ev) = self.transport_events.try_recv() {
                self.on_transport_event(ev);
            }
            self.start_reads();
            while self.raw.has_ready() {
                self.handle_ready()?;
            }
            self.publish_following();
            self.maybe_snapshot()?;
            self.maybe_flush_applied()?;
            if self.ops_should_stop() {
                self.flush_applied(true)?;
                return Err(Error::Removed);
            }
        }
        tracing::info!("node task stopping");
        // What was applied goes into the database now, so that a restart applies nothing
        // again.
        self.flush_applied(true)
    }

    fn is_sole_voter(&self) -> bool {
        let m = self.store.membership();
        m.voters.len() == 1 && m.voters.contains_key(&self.config.id)
    }

    fn on_tick(&mut self) {
        self.ops_before_tick();
        self.raw.tick();
        self.ticks += 1;
        self.ops_tick();
        if self.ticks.is_multiple_of(SWEEP_EVERY_TICKS) {
            self.write_waiters.retain(|_, w| !w.is_closed());
            for batch in self.reads_in_flight.values_mut() {
                batch.retain(|r| !r.is_closed());
            }
            self.reads_in_flight.retain(|_, b| !b.is_empty());
        }
    }

    /// Steps a peer's message, unless `peer_input` or the core refuses it.
    fn step(&mut self, m: Message) {
        let (from, kind) = (m.from, m.msg_type);
        let snapshot = m.snapshot.as_ref().map(|s| s.meta.clone());
        let refusal = match check_peer_message(&m) {
            Err(why) => why,
            Ok(()) => match self.raw.step(m) {
                Ok(()) => {
                    if matches!(
                        kind,
                        MessageType::Append | MessageType::Heartbeat | MessageType::Snapshot
                    ) && self.raw.raft.lead == Some(from)
                    {
                        self.leader_contact_tick = Some(self.ticks);
                    }
                    if let Some(meta) = snapshot {
                        self.forget_snapshot_not_taken(from, &meta);
                    }
                    return;
                }
                // Ordinary answers to a proposal arriving at the wrong moment.
                Err(e @ raft::Error::ProposalDropped(_)) => {
                    tracing::debug!(from, ?kind, error = %e, "peer message not taken");
                    return;
                }
                Err(e) => e.to_string(),
            },
        };
        self.metrics.peer_messages_refused.inc();
        if let Some(suppressed) = self.refusals_logged.admit(std::time::Instant::now()) {
            tracing::warn!(from, ?kind, suppressed, "refused a peer message: {refusal}");
        }
    }

    /// The transport keeps a received snapshot file before the core decides on it; if
    /// the core did not take it (not from the leader it follows, no longer ahead of its
    /// commit index, ...), the file goes, so that a refused snapshot leaves nothing
    /// behind. The file of the snapshot this member already has stays.
    fn forget_snapshot_not_taken(&mut self, from: NodeId, meta: &SnapshotMeta) {
        let taken = self
            .raw
            .raft
            .raft_log
            .unstable
            .snapshot
            .as_ref()
            .is_some_and(|s| s.meta.index == meta.index && s.meta.term == meta.term);
        let ours = self.store.snapshot_meta();
        if taken || (ours.index == meta.index && ours.term == meta.term) {
            return;
        }
        let path = self
            .store
            .snapshot_dir()
            .join(crate::storage::snapshot_file::file_name(
                meta.term, meta.index,
            ));
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::warn!(
                from,
                index = meta.index,
                term = meta.term,
                "did not install a snapshot (not from the leader followed, or not ahead of the commit index); removed its file"
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "cannot remove a snapshot file not installed"),
        }
    }

    fn on_transport_event(&mut self, ev: TransportEvent) {
        match ev {
            TransportEvent::Unreachable(id) => self.raw.report_unreachable(id),
            TransportEvent::SnapshotStatus { to, ok } => self.raw.report_snapshot(to, ok),
        }
    }

    fn on_request(&mut self, req: NodeRequest) {
        match req {
            NodeRequest::Propose { command_op, reply } => self.propose(command_op, reply),
            NodeRequest::ReadBarrier { reply } => {
                if self.leader.is_none() {
                    let _ = reply.send(Err(NodeError::NoLeader));
                } else {
                    self.reads_to_start.push(reply);
                }
            }
            NodeRequest::Status { reply } => {
                let _ = reply.send(self.status());
            }
            NodeRequest::Members { reply } => {
                let _ = reply.send(self.members_info());
            }
            NodeRequest::Admin(req) => self.on_admin(req),
        }
    }

    fn propose(&mut self, op: kv::Op, reply: WriteReply) {
        if self.leader.is_none() {
            let _ = reply.send(Err(NodeError::NoLeader));
            return;
        }
        let request_id = self.next_request_id;
        self.next_request_id = self.next_request_id.wrapping_add(1);
        let command = Command {
            origin: self.config.id,
            request_id,
            op,
        };
        match self.raw.propose(command.encode()) {
            Ok(()) => {
                self.write_waiters.insert(request_id, reply);
            }
            Err(raft::Error::ProposalDropped(DropReason::NoLeader)) => {
                let _ = reply.send(Err(NodeError::NoLeader));
            }
            Err(e) => {
                let _ = reply.send(Err(NodeError::Refused(e.to_string())));
            }
        }
    }

    /// One ReadIndex for every read that arrived since the last one. The context is
    /// unique in the cluster: this member's id and a counter.
    fn start_reads(&mut self) {
        if self.reads_to_start.is_empty() {
            return;
        }
        let mut ctx = Vec::with_capacity(16);
        ctx.extend_from_slice(&self.config.id.to_be_bytes());
        ctx.extend_from_slice(&self.next_read_ctx.to_be_bytes());
        self.next_read_ctx = self.next_read_ctx.wrapping_add(1);
        let ctx = Bytes::from(ctx);
        self.raw.read_index(ctx.clone());
        let batch = std::mem::take(&mut self.reads_to_start);
        self.reads_in_flight.insert(ctx, batch);
    }

    fn handle_ready(&mut self) -> Result<(), Error> {
        let mut rd = self.raw.ready();
        if let Some(ss) = &rd.soft_state {
            self.on_soft_state(ss.leader_id, ss.role);
        }
        let messages = std::mem::take(&mut rd.messages);
        if !messages.is_empty() {
            self.transport.send(messages);
        }
        for rs in std::mem::take(&mut rd.read_states) {
            if let Some(batch) = self.reads_in_flight.remove(&rs.request_ctx) {
                self.reads_waiting_apply.push((rs.index, batch));
            }
        }

        let conf_changes = self.apply_conf_changes(&rd);
        let mut applied = self.persist_ready(&rd, conf_changes)?;

        if let Some(snap) = &rd.snapshot {
            self.metrics.snapshot_installs.inc();
            // The installed snapshot is the one to send on; older files are dead weight.
            if let Err(e) = self.store.remove_snapshot_files_before(snap.meta.index) {
                tracing::warn!(error = %e, "cannot remove old snapshot files");
            }
        }
        let persisted = std::mem::take(&mut rd.persisted_messages);
        if !persisted.is_empty() {
            self.transport.send(persisted);
        }
        if applied.membership_changed {
            let m = self.store.membership();
            self.transport.set_peers(peers_of(self.config.id, &m));
            if let Ok(mut shared) = self.members.write() {
                *shared = m;
            }
        }
        self.answer_applied(&mut applied);
        self.ops_after_ready();
        self.raw.advance(rd);
        Ok(())
    }

    fn on_soft_state(&mut self, leader: Option<NodeId>, role: Role) {
        let term = self.raw.status().hard_state.term;
        if leader != self.leader {
            self.metrics.leader_changed(leader);
            match leader {
                Some(id) if id == self.config.id => {
                    tracing::info!(term, "became leader")
                }
                Some(id) => tracing::info!(term, leader = id, "following a new leader"),
                None => tracing::info!(term, "no leader known"),
            }
        }
        if leader != self.leader {
            // ReadIndex requests sent to the old leader may never be answered. Asking the
            // new one is safe: a read index obtained after a read arrived is a valid
            // point to serve it at. Without a leader, tell the clients to retry.
            for (_, batch) in self.reads_in_flight.drain() {
                for r in batch {
                    if leader.is_some() {
                        self.reads_to_start.push(r);
                    } else {
                        let _ = r.send(Err(NodeError::NoLeader));
                    }
                }
            }
        }
        self.leader = leader;
        self.role = role;
    }

    /// Conf change entries among the committed ones: tell the core (its configuration
    /// changes when the entry is applied) and work out the membership with URLs, which the
    /// transaction of this Ready records.
    fn apply_conf_changes(&mut self, rd: &Ready) -> Option<Membership> {
        let mut membership: Option<Membership> = None;
        for e in rd
            .committed_entries
            .iter()
            .filter(|e| e.entry_type == EntryType::ConfChange)
        {
            let cc = match ConfChange::decode(&e.data) {
                Ok(cc) => cc,
                Err(err) => {
                    tracing::error!(index = e.index, error = %err, "undecodable conf change entry skipped");
                    continue;
                }
            };
            if let Err(err) = self.raw.apply_conf_change(&cc) {
                tracing::warn!(index = e.index, error = %err, "conf change not applied");
                continue;
            }
            self.ops_note_applied(&cc, e.index);
            let m = membership.get_or_insert_with(|| self.store.membership());
            let url = String::from_utf8_lossy(&cc.context).into_owned();
            match cc.change_type {
                ConfChangeType::AddVoter => {
                    let url = m.learners.remove(&cc.node_id).unwrap_or(url);
                    m.voters.insert(cc.node_id, url);
                }
                ConfChangeType::AddLearner => {
                    m.voters.remove(&cc.node_id);
                    m.learners.insert(cc.node_id, url);
                }
                ConfChangeType::PromoteLearner => {
                    if let Some(url) = m.learners.remove(&cc.node_id) {
                        m.voters.insert(cc.node_id, url);
                    }
                }
                ConfChangeType::Remove => {
                    m.voters.remove(&cc.node_id);
                    m.learners.remove(&cc.node_id);
                }
            }
            tracing::info!(index = e.index, change = ?cc.change_type, node = cc.node_id, "membership changed");
        }
        membership
    }

    /// Step 2 of the Ready: one write transaction, one fsync (or none at all).
    fn persist_ready(
        &mut self,
        rd: &Ready,
        membership: Option<Membership>,
    ) -> Result<Applied, Error> {
        let mut out = Applied {
            writes: Vec::new(),
            applied: rd.committed_entries.last().map(|e| e.index),
            membership_changed: membership.is_some(),
        };
        if let Some(hs) = &rd.hard_state {
            self.unsaved_hard_state = Some(*hs);
        }
        let compact_to = compaction_step(
            self.store.first_index(),
            self.compact_target,
            rd.entries.len(),
        );
        // A snapshot or a conf change writes the buffer out in its own transaction: the
        // database must never hold a membership or KV image ahead of its applied index.
        let flush = rd.snapshot.is_some() || membership.is_some();
        if !self.ready_needs_transaction(rd, membership.is_some()) {
            // Only commit and apply moved: the entries are already durable here and on
            // a majority, so applying them in memory and answering is safe; the hard
            // state and the buffer are saved with the next transaction or flush.
            if !rd.committed_entries.is_empty() {
                out.writes = self.apply_over_database(&rd.committed_entries)?;
                self.metrics.observe_committed(rd);
            }
            return Ok(out);
        }

        // A handle of its own, so that the transaction does not borrow the task (writes
        // are answered before the commit).
        let store = self.store.clone();
        let mut w = store.begin_write()?;
        // Held until the commit when flushing: readers must not see a snapshot's tables
        // under older buffered changes.
        let buffer = self.buffer.clone();
        let mut flushing = flush.then(|| buffer.write());
        if let Some(snap) = &rd.snapshot {
            if let Some(buffer) = flushing.as_mut() {
                buffer.clear();
            }
            super::snapshot::install(&self.store, &mut w, snap)?;
            out.applied = Some(
                out.applied
                    .map_or(snap.meta.index, |a| a.max(snap.meta.index)),
            );
            out.membership_changed = true;
        }
        if !rd.entries.is_empty() {
            w.append(&rd.entries)?;
        }
        if let Some(hs) = self.unsaved_hard_state.take() {
            w.set_hard_state(&hs)?;
        }
        if !rd.committed_entries.is_empty() {
            match flushing.as_mut() {
                Some(buffer) => {
                    let table = KvWriter::open(w.txn())?;
                    out.writes = self
                        .apply_entries(buffer, &rd.committed_entries, |key| table.contains(key))?;
                }
                None => {
                    out.writes = self.apply_over_database(&rd.committed_entries)?;
                    // What was committed is durable on a majority already; this
                    // transaction is about the new entries. Answering now takes a whole
                    // fsync off every write's latency.
                    self.answer_applied(&mut out);
                }
            }
        }
        let mut written = Vec::new();
        match &flushing {
            Some(buffer) => write_buffer(&mut w, buffer)?,
            None => {
                let mut table = KvWriter::open(w.txn())?;
                written = self.buffer.read().write_excess(&mut table)?;
            }
        }
        if let Some(m) = &membership {
            w.set_membership(m)?;
        }
        if let Some(upto) = compact_to {
            w.compact(upto)?;
        }
        // A Ready that only moves commit and apply never gets here; one that only
        // compacts or records a membership still needs its fsync.
        w.set_durable(true)?;
        let fsync_started = std::time::Instant::now();
        w.commit()?;
        self.metrics.observe_persisted(fsync_started, rd);
        if let Some(mut buffer) = flushing {
            buffer.clear();
        } else if !written.is_empty() {
            self.buffer.write().forget(written);
        }
        Ok(out)
    }

    /// Publishes the applied index and answers the writes and reads it covers. The
    /// changes are in the buffer, where readers find them.
    fn answer_applied(&mut self, out: &mut Applied) {
        if let Some(index) = out.applied {
            self.applied.store(index, Ordering::Release);
        }
        for (request_id, outcome) in out.writes.drain(..) {
            if let Some(w) = self.write_waiters.remove(&request_id) {
                let _ = w.send(Ok(outcome));
            }
        }
        self.serve_reads();
    }

    /// After the Readies: the whole buffer goes out when the node is idle or the replay
    /// after a crash would grow too long; a chunk when the buffer is past its hard limit
    /// (commit-only Readies have no transaction to take keys along).
    fn maybe_flush_applied(&mut self) -> Result<(), Error> {
        let (full, chunk) = {
            let buffer = self.buffer.read();
            (
                buffer.wants_full_flush(std::time::Instant::now(), self.store.applied()),
                buffer.over_hard_limit(),
            )
        };
        if full {
            return self.flush_applied(false);
        }
        if chunk {
            let mut w = self.store.begin_write()?;
            // With the keys, the commit index that covers them (see `kv::ApplyBuffer`).
            if let Some(hs) = &self.unsaved_hard_state {
                w.set_hard_state(hs)?;
            }
            let written = {
                let mut table = KvWriter::open(w.txn())?;
                self.buffer.read().write_excess(&mut table)?
            };
            w.set_durable(false)?;
            w.commit()?;
            self.unsaved_hard_state = None;
            self.buffer.write().forget(written);
        }
        Ok(())
    }

    /// Writes the applied changes held in memory into the database, with the applied
    /// index and the latest hard state. `durable` on the way out; otherwise the next
    /// durable commit takes it along (a crash before that only means applying those
    /// entries again from the log).
    fn flush_applied(&mut self, durable: bool) -> Result<(), Error> {
        let buffer = self.buffer.read();
        if buffer.is_empty() && self.unsaved_hard_state.is_none() {
            return Ok(());
        }
        let mut w = self.store.begin_write()?;
        if let Some(hs) = &self.unsaved_hard_state {
            w.set_hard_state(hs)?;
        }
        write_buffer(&mut w, &buffer)?;
        w.set_durable(durable)?;
        w.commit()?;
        drop(buffer);
        self.unsaved_hard_state = None;
        self.buffer.write().clear();
        Ok(())
    }

    /// Whether persisting `rd` writes a transaction (and fsyncs), as opposed to only
    /// applying committed entries in memory.
    fn ready_needs_transaction(&self, rd: &Ready, membership_changes: bool) -> bool {
        rd.snapshot.is_some()
            || membership_changes
            || rd.must_sync
            || !rd.entries.is_empty()
            || compaction_step(self.store.first_index(), self.compact_target, 0).is_some()
    }

    /// Applies committed entries into the buffer, over the committed database.
    fn apply_over_database(&self, entries: &[Entry]) -> Result<Vec<(u64, WriteOutcome)>, Error> {
        let read = self.store.begin_read()?;
        let mut buffer = self.buffer.write();
        self.apply_entries(&mut buffer, entries, |key| {
            Ok(kv::get(&read, key)?.is_some())
        })
    }

    /// Applies committed entries into the buffer; `in_db` tells whether a key the
    /// buffer does not hold exists in the database.
    fn apply_entries(
        &self,
        buffer: &mut Buffered,
        entries: &[Entry],
        in_db: impl Fn(&str) -> kv::Result<bool>,
    ) -> Result<Vec<(u64, WriteOutcome)>, Error> {
        let apply_started = std::time::Instant::now();
        let mut writes = Vec::new();
        for e in entries {
            buffer.note_applied(e.index);
            if e.entry_type != EntryType::Normal || e.data.is_empty() {
                continue;
            }
            let command = match Command::decode(&e.data) {
                Ok(c) => c,
                Err(err) => {
                    tracing::error!(index = e.index, error = %err, "undecodable entry skipped");
                    continue;
                }
            };
            // Whether the key existed only matters to the request this member answers;
            // for the others, skip the database lookup.
            let mine = command.origin == self.config.id;
            let lookup = |key: &str| if mine { in_db(key) } else { Ok(false) };
            let result = buffer.apply(e.index, &command, lookup)?;
            if mine {
                writes.push((
                    command.request_id,
                    WriteOutcome {
                        index: e.index,
                        existed: result.existed(),
                    },
                ));
            }
        }
        self.metrics.observe_apply(apply_started.elapsed());
        Ok(writes)
    }

    /// Starts writing a snapshot file once `--snapshot-threshold` entries were applied
    /// since the last one. The file is written from one read transaction in the
    /// background while the Ready loop goes on.
    fn maybe_snapshot(&mut self) -> Result<(), Error> {
        let threshold = self.config.snapshot_threshold;
        if (threshold == 0 && !self.ops.snapshot_wanted) || self.snapshotting {
            return Ok(());
        }
        let applied = self.applied.load(Ordering::Acquire);
        let wanted = std::mem::take(&mut self.ops.snapshot_wanted);
        let since = applied.saturating_sub(self.store.snapshot_meta().index);
        if since == 0 || (since < threshold && !wanted) {
            return Ok(());
        }
        // The snapshot is the database's state: everything applied goes in first.
        self.flush_applied(false)?;
        let applied = self.store.applied();
        // The node task is the only writer and nothing is in flight: this read
        // transaction shows the state at exactly `applied`.
        let txn = self.store.begin_read()?;
        let term = raft::Storage::term(&self.store, applied)
            .map_err(|e| Error::Task(format!("no term for applied index {applied}: {e}")))?;
        let membership = self.store.membership();
        let meta = SnapshotMeta {
            index: applied,
            term,
            conf_state: membership.conf_state(),
        };
        self.snapshotting = true;
        let store = self.store.clone();
        let done = self.snapshot_done_tx.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let made = (|| -> Result<MadeSnapshot, String> {
                let mut w = store
                    .create_snapshot_file(&meta, &membership)
                    .map_err(|e| e.to_string())?;
                kv::write_snapshot(&txn, &mut w).map_err(|e| e.to_string())?;
                let info = w.finish().map_err(|e| e.to_string())?;
                Ok(MadeSnapshot {
                    meta,
                    membership,
                    size_bytes: std::fs::metadata(&info.path).map_or(0, |m| m.len()),
                    write_time: started.elapsed(),
                })
            })();
            let _ = done.blocking_send(made);
        });
        Ok(())
    }

    /// Records a finished snapshot and compacts the log, keeping `--keep-log` entries
    /// behind it for followers that lag a little.
    fn on_snapshot_made(&mut self, made: Result<MadeSnapshot, String>) -> Result<(), Error> {
        self.snapshotting = false;
        let made = match made {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "writing a snapshot failed; will retry");
                self.ops_snapshot_done(Err(e));
                return Ok(());
            }
        };
        let previous = self.store.snapshot_meta().index;
        let mut w = self.store.begin_write()?;
        w.set_snapshot(&made.meta, &made.membership)?;
        w.commit()?;
        self.compact_target = made.meta.index.saturating_sub(self.config.keep_log);
        tracing::info!(
            index = made.meta.index,
            term = made.meta.term,
            size_bytes = made.size_bytes,
            write_ms = made.write_time.as_millis() as u64,
            compact_to = self.compact_target,
            "took a snapshot"
        );
        self.ops_snapshot_done(Ok((made.meta.index, made.meta.term, made.size_bytes)));
        // Keep the new file and the previous one (a transfer may still be reading it).
        if let Err(e) = self.store.remove_snapshot_files_before(previous) {
            tracing::warn!(error = %e, "cannot remove old snapshot files");
        }
        Ok(())
    }

    fn serve_reads(&mut self) {
        let applied = self.applied.load(Ordering::Acquire);
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.reads_waiting_apply)
            .into_iter()
            .partition(|(index, _)| *index <= applied);
        self.reads_waiting_apply = waiting;
        for (index, batch) in ready {
            for r in batch {
                let _ = r.send(Ok(index));
            }
        }
    }

    fn role_view(&self, m: &Membership) -> RoleView {
        if m.learners.contains_key(&self.config.id) {
            return RoleView::Learner;
        }
        match self.role {
            Role::Leader => RoleView::Leader,
            Role::Follower => RoleView::Follower,
            Role::Candidate => RoleView::Candidate,
            Role::PreCandidate => RoleView::PreCandidate,
        }
    }

    fn status(&self) -> NodeStatus {
        let st = self.raw.status();
        let m = self.store.membership();
        let snap = self.store.snapshot_meta();
        let progress = (self.role == Role::Leader).then(|| {
            st.progress
                .iter()
                .map(|(id, p)| FollowerProgress {
                    id: *id,
                    matched: p.matched,
                    next: p.next,
                    state: match p.state {
                        raft::ProgressState::Probe => "probe",
                        raft::ProgressState::Replicate => "replicate",
                        raft::ProgressState::Snapshot => "snapshot",
                    },
                    recent_active: self.heard_lately(*id, p.recent_active),
                })
                .collect()
        });
        NodeStatus {
            id: self.config.id,
            cluster_id: self.store.cluster_id(),
            role: self.role_view(&m),
            term: st.hard_state.term,
            leader: self.leader,
            commit: st.hard_state.commit,
            applied: self.applied.load(Ordering::Acquire),
            first_index: self.store.first_index(),
            last_index: self.store.last_index(),
            snapshot_index: snap.index,
            snapshot_term: snap.term,
            voters: m.voters.clone(),
            learners: m.learners.clone(),
            db_size_bytes: self.store.db_size_bytes().unwrap_or(0),
            progress,
            leader_contact: match self.leader {
                Some(l) if l != self.config.id => self
                    .leader_contact_tick
                    .map(|t| self.config.tick.saturating_mul(to_u32(self.ticks - t))),
                _ => None,
            },
            quorum_active: self.role == Role::Leader && self.quorum_heard_lately(&st),
            election_timeout: self
                .config
                .tick
                .saturating_mul(to_u32(self.config.election_ticks as u64)),
        }
    }

    /// Whether a quorum of voters (this leader included) was heard from within an
    /// election timeout.
    fn quorum_heard_lately(&self, st: &raft::Status) -> bool {
        let m = self.store.membership();
        let heard = m
            .voters
            .keys()
            .filter(|&&id| {
                id == self.config.id
                    || st
                        .progress
                        .get(&id)
                        .is_some_and(|p| self.heard_lately(id, p.recent_active))
            })
            .count();
        heard > m.voters.len() / 2
    }

    fn members_info(&self) -> MembersInfo {
        let m = self.store.membership();
        MembersInfo {
            voters: m.voters,
            learners: m.learners,
            leader: self.leader,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_steps_stop_at_the_target() {
        assert_eq!(compaction_step(1, 0, 0), None);
        assert_eq!(compaction_step(101, 100, 0), None, "already there");
        assert_eq!(compaction_step(1, 10, 0), Some(10));
        assert_eq!(compaction_step(1, 1_000, 0), Some(COMPACT_CHUNK));
        assert_eq!(compaction_step(1, 1_000, 500), Some(1_000));
    }

    #[test]
    fn compaction_outpaces_appends_however_large_the_readies() {
        for per_ready in [1usize, 64, 65, 200, 4096] {
            // A snapshot leaves 100,000 entries to delete while Readies keep appending.
            let (mut first, mut last) = (1u64, 100_000u64);
            let target = 100_000;
            let mut readies = 0;
            while let Some(to) = compaction_step(first, target, per_ready) {
                assert!(to > first - 1 && to <= target);
                first = to + 1;
                last += per_ready as u64;
                readies += 1;
                assert!(
                    readies <= 100_000 / COMPACT_CHUNK + 1,
                    "{per_ready}/Ready never caught up"
                );
            }
            assert_eq!(first, target + 1, "{per_ready}/Ready");
            assert!(
                last - first < 100_000 + 100_000 / 2 + 4096,
                "{per_ready}/Ready: {last} {first}"
            );
        }
    }
}
