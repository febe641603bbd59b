//! `RawNode`: the runtime's handle on the core, and `Ready`, the batch of work the core
//! hands out. The runtime loop is:
//!
//! ```text
//! rd = raw.ready()
//! send rd.messages                       (a leader's appends go out while it writes)
//! persist rd.snapshot, rd.entries, rd.hard_state; apply rd.committed_entries
//! send rd.persisted_messages             (only once the above is durable)
//! raw.advance(rd)
//! ```

use bytes::Bytes;

use super::config::Config;
use super::errors::Error;
use super::raft::{Raft, ReadState, Role, SoftState};
use super::status::Status;
use super::storage::Storage;
use super::types::{
    ConfChange, ConfState, Entry, EntryType, HardState, Message, MessageType, NodeId, Snapshot,
};

/// Work for the runtime. Ordering rules: install `snapshot`, then append `entries`
/// (truncating any conflicting suffix) and save `hard_state`, durably, before sending
/// `persisted_messages`; `messages` may be sent right away; `committed_entries` are
/// applied in order and may include entries of this Ready's `entries` (persist them in
/// the same or an earlier transaction than the one recording their apply).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ready {
    /// Changed since the last Ready.
    pub soft_state: Option<SoftState>,
    /// Changed since the last Ready: persist.
    pub hard_state: Option<HardState>,
    /// Reads that may be served once the state machine applied `index`.
    pub read_states: Vec<ReadState>,
    /// Install before `entries`.
    pub snapshot: Option<Snapshot>,
    pub entries: Vec<Entry>,
    pub committed_entries: Vec<Entry>,
    /// Independent of anything unpersisted: may be sent at once (a leader's appends,
    /// heartbeats, snapshots, ...).
    pub messages: Vec<Message>,
    /// Send only after `snapshot`, `entries` and `hard_state` are durable (vote
    /// requests and responses, append responses, ...).
    pub persisted_messages: Vec<Message>,
    /// Persisting needs an fsync (term, vote or entries changed, or a snapshot).
    pub must_sync: bool,
}

pub struct RawNode<S: Storage> {
    pub(crate) raft: Raft<S>,
    prev_soft_state: SoftState,
    /// The hard state last handed out (and so persisted once advanced).
    prev_hard_state: HardState,
}

impl<S: Storage> RawNode<S> {
    /// Starts (or restarts) a node: term, vote and commit come from the storage's hard
    /// state, membership from its conf state, the applied index from `config.applied`.
    pub fn new(config: &Config, store: S) -> Result<RawNode<S>, Error> {
        let raft = Raft::new(config, store)?;
        let prev_soft_state = raft.soft_state();
        let prev_hard_state = raft.hard_state();
        Ok(RawNode {
            raft,
            prev_soft_state,
            prev_hard_state,
        })
    }

    pub fn tick(&mut self) {
        self.raft.tick();
    }

    /// Starts an election now (when this node may campaign).
    pub fn campaign(&mut self) -> Result<(), Error> {
        let id = self.raft.id;
        self.raft.step(Message::new(MessageType::Hup, id, id))
    }

    pub fn propose(&mut self, data: Bytes) -> Result<(), Error> {
        self.propose_entry(EntryType::Normal, data)
    }

    pub fn propose_conf_change(&mut self, cc: ConfChange) -> Result<(), Error> {
        if cc.node_id == 0 {
            return Err(Error::InvalidConfChange {
                node_id: 0,
                reason: "node id 0 is not valid".into(),
            });
        }
        self.propose_entry(EntryType::ConfChange, cc.encode())
    }

    fn propose_entry(&mut self, entry_type: EntryType, data: Bytes) -> Result<(), Error> {
        let id = self.raft.id;
        let mut m = Message::new(MessageType::Propose, id, id);
        m.entries = vec![Entry {
            entry_type,
            data,
            ..Entry::default()
        }];
        self.raft.step(m)
    }

    /// Applies a committed conf change; call while applying its entry. Invalid changes
    /// (promoting a non-learner, removing the last voter, ...) change nothing and are an
    /// error, the same on every node.
    ///
    /// A leader that applies its own removal stays leader, refusing proposals, until it
    /// has handed leadership to a remaining voter: keep a removed node running until it
    /// is no longer leader, or the others may be left unable to elect anyone.
    pub fn apply_conf_change(&mut self, cc: &ConfChange) -> Result<ConfState, Error> {
        let r = self.raft.apply_conf_change(cc);
        if cfg!(debug_assertions) {
            self.raft.check_invariants();
        }
        r
    }

    /// Asks the leader to hand leadership to `to`.
    pub fn transfer_leader(&mut self, to: NodeId) {
        let id = self.raft.id;
        let _ = self
            .raft
            .step(Message::new(MessageType::TransferLeader, to, id));
    }

    /// Requests a linearizable read; the answer comes as a `ReadState` carrying
    /// `request_ctx` (dropped silently when no leader is known).
    pub fn read_index(&mut self, request_ctx: Bytes) {
        let id = self.raft.id;
        let mut m = Message::new(MessageType::ReadIndex, id, id);
        m.context = request_ctx;
        let _ = self.raft.step(m);
    }

    /// Steps a message from a peer. Local message types are refused, as are responses
    /// from peers that are not tracked.
    pub fn step(&mut self, m: Message) -> Result<(), Error> {
        if m.msg_type.is_local() {
            return Err(Error::StepLocalMsg);
        }
        if m.to != self.raft.id {
            // Misrouted: counting it (a vote meant for another candidate, say) would
            // be unsafe.
            return Ok(());
        }
        let is_response = matches!(
            m.msg_type,
            MessageType::AppendResp
                | MessageType::HeartbeatResp
                | MessageType::VoteResp
                | MessageType::PreVoteResp
                | MessageType::ReadIndexResp
        );
        if is_response && !self.raft.trk.is_member(m.from) {
            return Err(Error::StepPeerNotFound);
        }
        self.raft.step(m)
    }

    pub fn has_ready(&self) -> bool {
        let r = &self.raft;
        r.soft_state() != self.prev_soft_state
            || r.hard_state() != self.prev_hard_state
            || r.raft_log.unstable.next_snapshot().is_some()
            || !r.raft_log.unstable.next_entries().is_empty()
            || !r.msgs.is_empty()
            || r.raft_log.has_next_committed_ents()
            || !r.read_states.is_empty()
            || r.pending_bcast.is_some()
    }

    /// Hands out everything pending. Call `advance` with it once done.
    pub fn ready(&mut self) -> Ready {
        let r = &mut self.raft;
        r.flush_pending_bcast();
        let soft = r.soft_state();
        let hard = r.hard_state();
        let soft_state = (soft != self.prev_soft_state).then_some(soft);
        let hard_state = (hard != self.prev_hard_state).then_some(hard);
        let snapshot = r.raft_log.unstable.next_snapshot().cloned();
        let entries = r.raft_log.unstable.next_entries().to_vec();
        let committed_entries = r.raft_log.next_committed_ents();
        let term_or_vote_changed =
            hard.term != self.prev_hard_state.term || hard.vote != self.prev_hard_state.vote;
        let must_sync = term_or_vote_changed || !entries.is_empty() || snapshot.is_some();

        // Messages sent before the write must not depend on it: a leader's replication
        // traffic does not (the leader counts itself only once persisted), unless its
        // term or vote is still unsaved (a crash could let it vote again in this term).
        let depends_on_write = term_or_vote_changed || snapshot.is_some();
        let anything_to_write = depends_on_write || !entries.is_empty() || hard_state.is_some();
        let mut messages = Vec::new();
        let mut persisted_messages = Vec::new();
        for m in std::mem::take(&mut r.msgs) {
            let early = match m.msg_type {
                MessageType::Append
                | MessageType::Heartbeat
                | MessageType::Snapshot
                | MessageType::TimeoutNow
                | MessageType::ReadIndexResp => !depends_on_write,
                MessageType::AppendResp
                | MessageType::Vote
                | MessageType::VoteResp
                | MessageType::PreVote
                | MessageType::PreVoteResp => false,
                _ => !anything_to_write,
            };
            if early {
                messages.push(m);
            } else {
                persisted_messages.push(m);
            }
        }

        // Accept: what is handed out is not handed out again.
        r.raft_log.unstable.accept_in_progress();
        if let Some(last) = committed_entries.last() {
            r.raft_log.applying = last.index;
        }
        r.reduce_uncommitted_size(&committed_entries);
        self.prev_soft_state = soft;
        self.prev_hard_state = hard;
        Ready {
            soft_state,
            hard_state,
            read_states: std::mem::take(&mut r.read_states),
            snapshot,
            entries,
            committed_entries,
            messages,
            persisted_messages,
            must_sync,
        }
    }

    /// Everything in `rd` is persisted, sent and applied.
    pub fn advance(&mut self, rd: Ready) {
        let log = &mut self.raft.raft_log;
        if let Some(s) = &rd.snapshot {
            log.stable_snap_to(s.meta.index);
            log.applied_to(s.meta.index);
        }
        if let Some(last) = rd.entries.last() {
            log.stable_to(last.id());
        }
        if let Some(last) = rd.committed_entries.last() {
            log.applied_to(last.index);
        }
        self.raft.self_ack_persisted();
        if cfg!(debug_assertions) {
            self.raft.check_invariants();
        }
    }

    pub fn report_unreachable(&mut self, id: NodeId) {
        let me = self.raft.id;
        let _ = self
            .raft
            .step(Message::new(MessageType::Unreachable, id, me));
    }

    pub fn report_snapshot(&mut self, id: NodeId, success: bool) {
        let me = self.raft.id;
        let mut m = Message::new(MessageType::SnapStatus, id, me);
        m.reject = !success;
        let _ = self.raft.step(m);
    }

    pub fn status(&self) -> Status {
        Status::of(&self.raft)
    }

    /// Whether this node currently leads.
    pub fn is_leader(&self) -> bool {
        self.raft.role == Role::Leader
    }

    pub fn store(&self) -> &S {
        &self.raft.raft_log.store
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.raft.raft_log.store
    }
}
