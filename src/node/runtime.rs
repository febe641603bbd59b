//! The node task: owns the `RawNode` and runs the Ready loop.
//!
//! Order inside one Ready (see the contract of `raft::Ready`):
//! 1. send `messages` right away (a leader's appends go out while it writes);
//! 2. apply the committed entries into the apply buffer, and answer the requests they
//!    cover: they are durable on a majority already, so the answers need not wait for
//!    this Ready's fsync (not when the Ready changes the membership or installs a
//!    snapshot: those answer after the commit);
//! 3. persist ([`Persister::persist`]): ONE redb write transaction, one fsync, with the
//!    snapshot, the new entries, the hard state, the membership and the keys the apply
//!    buffer hands over. A Ready that only moves commit and apply writes nothing;
//! 4. send `persisted_messages` (they promise what step 3 made durable);
//! 5. answer what is left, and the reads now servable;
//! 6. `advance`.
//!
//! The task runs on a thread of its own (see `server.rs`): a transaction blocks only it,
//! while the runtime's workers go on serving HTTP and the transport, and requests queue
//! in the channels meanwhile.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};

use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;

use super::handle::{NodeError, NodeRequest};
use super::peer_input::{check_peer_message, Following, LogLimiter};
use super::persist::Persister;
use super::start::{peers_of, Error, NodeConfig};
use super::waiters::{Waiters, WriteReply};
use crate::kv::{self, ApplyBuffer, Command};
use crate::raft::{
    self, ConfChange, ConfChangeType, DropReason, EntryType, Message, MessageType, NodeId, RawNode,
    Ready, Role,
};
use crate::storage::{Membership, RedbStorage};
use crate::transport::{Transport, TransportEvent};

mod operator;
mod report;
mod snapshots;

use report::LeaderChanges;
use snapshots::MadeSnapshot;

/// Capacity of the peer message inbox (backpressure on the transport beyond it).
pub(crate) const PEER_INBOX: usize = 4096;
/// Capacity of the API request inbox.
pub(crate) const REQUEST_INBOX: usize = 8192;
/// Most queued messages or requests taken per channel before the next Ready.
const DRAIN_MAX: usize = 4096;
/// Waiters whose requester gave up are swept every this many ticks.
const SWEEP_EVERY_TICKS: u64 = 20;

/// The channels the node task listens on.
pub(crate) struct Inboxes {
    pub(crate) requests: mpsc::Receiver<NodeRequest>,
    pub(crate) peer_messages: mpsc::Receiver<Message>,
    pub(crate) transport_events: mpsc::Receiver<TransportEvent>,
    pub(crate) stop: watch::Receiver<bool>,
}

/// What the node task shares with the rest of the member.
pub(crate) struct Shared {
    /// The visible index (see `Waiters`), read by `NodeHandle`.
    pub(crate) visible: Arc<AtomicU64>,
    /// Applied changes not yet in the database, read by `NodeHandle`.
    pub(crate) buffer: ApplyBuffer,
    /// The membership, for the transport's inbound check (who may send to us).
    pub(crate) members: Arc<RwLock<Membership>>,
    /// Term, leader and commit as of the last Ready, for the transport's snapshot gate.
    pub(crate) following: Arc<Following>,
}

/// The node task's state.
pub(crate) struct NodeTask {
    config: NodeConfig,
    raw: RawNode<RedbStorage>,
    /// The store, the apply buffer and the hard state not yet saved.
    persister: Persister,
    transport: Transport,
    members: Arc<RwLock<Membership>>,
    waiters: Waiters,
    inboxes: Inboxes,

    leader: Option<NodeId>,
    role: Role,
    /// Request ids are unique on this node while it runs; `origin` tells nodes apart.
    next_request_id: u64,
    ticks: u64,
    /// A snapshot file is being written in the background.
    snapshotting: bool,
    snapshot_done_tx: mpsc::Sender<Result<MadeSnapshot, String>>,
    snapshot_done: mpsc::Receiver<Result<MadeSnapshot, String>>,
    metrics: crate::metrics::Metrics,
    /// Operator requests under way (`operator.rs`).
    ops: operator::OpsState,
    /// Peer messages refused (by `peer_input` or the core), logged at most once a second.
    refusals_logged: LogLimiter,
    following: Arc<Following>,
    /// The tick at which this member last heard from the leader it follows (an append,
    /// heartbeat or snapshot), for `/health`.
    leader_contact_tick: Option<u64>,
    /// Leaders learned of since start, and when the latest few were (`report.rs`).
    leader_changes: LeaderChanges,
    /// Status requests of this turn of the loop, answered once its Readies are handled.
    status_asked: Vec<tokio::sync::oneshot::Sender<super::status::NodeStatus>>,
}

impl NodeTask {
    pub(crate) fn new(
        config: NodeConfig,
        raw: RawNode<RedbStorage>,
        store: RedbStorage,
        transport: Transport,
        inboxes: Inboxes,
        shared: Shared,
        metrics: crate::metrics::Metrics,
    ) -> NodeTask {
        let (snapshot_done_tx, snapshot_done) = mpsc::channel(1);
        let task = NodeTask {
            persister: Persister::new(store, shared.buffer, config.id, metrics.clone()),
            config,
            raw,
            transport,
            members: shared.members,
            waiters: Waiters::new(shared.visible),
            inboxes,
            leader: None,
            role: Role::Follower,
            // Random start: entries proposed before a restart may still be applied after
            // it, and must not answer a request of this run that reuses their id.
            next_request_id: rand::random::<u64>() >> 1,
            ticks: 0,
            snapshotting: false,
            snapshot_done_tx,
            snapshot_done,
            metrics,
            ops: operator::OpsState::default(),
            refusals_logged: LogLimiter::new(std::time::Duration::from_secs(1)),
            following: shared.following,
            leader_contact_tick: None,
            leader_changes: LeaderChanges::default(),
            status_asked: Vec::new(),
        };
        task.publish_following();
        task
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
                _ = self.inboxes.stop.changed() => break,
                _ = ticker.tick() => self.on_tick(),
                Some(m) = self.inboxes.peer_messages.recv() => self.step(m),
                Some(req) = self.inboxes.requests.recv() => self.on_request(req),
                Some(ev) = self.inboxes.transport_events.recv() => self.on_transport_event(ev),
                Some(made) = self.snapshot_done.recv() => self.on_snapshot_made(made)?,
            }
            self.drain_inboxes();
            if let Some(ctx) = self.waiters.start_reads(self.config.id) {
                self.raw.read_index(ctx);
            }
            while self.raw.has_ready() {
                self.handle_ready()?;
            }
            self.answer_status();
            self.publish_following();
            self.maybe_snapshot()?;
            self.persister.maybe_flush(std::time::Instant::now())?;
            if self.ops_should_stop() {
                self.persister.flush(true)?;
                return Err(Error::Removed);
            }
        }
        tracing::info!("node task stopping");
        // What was applied goes into the database now, so that a restart applies nothing
        // again.
        self.persister.flush(true)
    }

    /// Takes what else is already queued, so that one Ready carries it all; bounded, so
    /// that a flood on one channel cannot hold up persisting and ticking.
    fn drain_inboxes(&mut self) {
        for _ in 0..DRAIN_MAX {
            let Ok(m) = self.inboxes.peer_messages.try_recv() else {
                break;
            };
            self.step(m);
        }
        for _ in 0..DRAIN_MAX {
            let Ok(req) = self.inboxes.requests.try_recv() else {
                break;
            };
            self.on_request(req);
        }
        while let Ok(ev) = self.inboxes.transport_events.try_recv() {
            self.on_transport_event(ev);
        }
    }

    fn store(&self) -> &RedbStorage {
        self.persister.store()
    }

    fn is_sole_voter(&self) -> bool {
        let m = self.store().membership();
        m.voters.len() == 1 && m.voters.contains_key(&self.config.id)
    }

    fn on_tick(&mut self) {
        self.ops_before_tick();
        self.raw.tick();
        self.ticks += 1;
        self.ops_tick();
        if self.ticks.is_multiple_of(SWEEP_EVERY_TICKS) {
            self.waiters.sweep();
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
        self.metrics.peers.peer_messages_refused.inc();
        if let Some(suppressed) = self.refusals_logged.admit(std::time::Instant::now()) {
            tracing::warn!(from, ?kind, suppressed, "refused a peer message: {refusal}");
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
                    self.waiters.add_read(reply);
                }
            }
            // Answered after this turn's Readies (`answer_status`), so that what it
            // reports is settled: a commit index a message just moved is applied by then.
            NodeRequest::Status { reply } => self.status_asked.push(reply),
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
                self.waiters.add_write(request_id, reply);
            }
            Err(raft::Error::ProposalDropped(DropReason::NoLeader)) => {
                let _ = reply.send(Err(NodeError::NoLeader));
            }
            Err(e) => {
                let _ = reply.send(Err(NodeError::Refused(e.to_string())));
            }
        }
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
        self.waiters
            .on_read_states(std::mem::take(&mut rd.read_states));

        let membership = self.apply_conf_changes(&rd);
        // A Ready with a snapshot carries no committed entries (the core holds them back
        // until the snapshot is applied); one with entries applies them over the state
        // the database holds now.
        let mut applied = self
            .persister
            .apply(&rd.committed_entries, std::time::Instant::now())?;
        if membership.is_none() && rd.snapshot.is_none() {
            self.waiters.answer(&mut applied);
        }
        if !self.persister.persist(&rd, membership.as_ref())? {
            self.metrics.observe_committed(&rd);
        }
        if let Some(snap) = &rd.snapshot {
            self.metrics.peers.snapshot_installs.inc();
            applied.through = Some(
                applied
                    .through
                    .map_or(snap.meta.index, |a| a.max(snap.meta.index)),
            );
            // The installed snapshot is the one to send on; older files are dead weight.
            if let Err(e) = self.store().remove_snapshot_files_before(snap.meta.index) {
                tracing::warn!(error = %e, "cannot remove old snapshot files");
            }
        }
        let persisted = std::mem::take(&mut rd.persisted_messages);
        if !persisted.is_empty() {
            self.transport.send(persisted);
        }
        if membership.is_some() || rd.snapshot.is_some() {
            let m = self.store().membership();
            self.transport.set_peers(peers_of(self.config.id, &m));
            if let Ok(mut shared) = self.members.write() {
                *shared = m;
            }
        }
        self.waiters.answer(&mut applied);
        self.ops_after_ready();
        self.raw.advance(rd);
        Ok(())
    }

    fn answer_status(&mut self) {
        if self.status_asked.is_empty() {
            return;
        }
        let status = self.status();
        for reply in self.status_asked.drain(..) {
            let _ = reply.send(status.clone());
        }
    }

    fn on_soft_state(&mut self, leader: Option<NodeId>, role: Role) {
        let term = self.raw.status().hard_state.term;
        if leader != self.leader {
            self.metrics.leader_changed(leader);
            if leader.is_some() {
                self.leader_changes.record(std::time::Instant::now());
            }
            match leader {
                Some(id) if id == self.config.id => {
                    tracing::info!(term, "became leader")
                }
                Some(id) => tracing::info!(term, leader = id, "following a new leader"),
                None => tracing::info!(term, "no leader known"),
            }
        }
        if leader != self.leader {
            self.waiters.on_leader_changed(leader);
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
            let m = membership.get_or_insert_with(|| self.store().membership());
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
                ConfChangeType::UpdateUrl => {
                    // The core refused a non-member, so it is in one of the two maps; the
                    // transport is re-pointed below, with the membership of this Ready.
                    for urls in [&mut m.voters, &mut m.learners] {
                        if let Some(recorded) = urls.get_mut(&cc.node_id) {
                            *recorded = url.clone();
                        }
                    }
                }
            }
            tracing::info!(index = e.index, change = ?cc.change_type, node = cc.node_id, "membership changed");
        }
        membership
    }
}
