//! `Raft`: one node's consensus state machine. `step` dispatches on the message term
//! first (higher: step down; lower: ignore or answer so the sender steps down), then on
//! the role (`step_leader`, `step_candidate`, `step_follower`). Roles change only in the
//! `become_*` functions. Everything leaves as data: messages in `msgs`, reads in
//! `read_states`, the log's unstable tail; `RawNode` turns them into a `Ready`.
//!
//! Invariants (checked by `check_invariants` in tests and debug builds): the log's;
//! a leader's `lead` is itself and every progress it keeps has
//! `matched < next <= last_index + 1`; voters and learners are disjoint;
//! `term <= MAX_TERM` and `last_index <= MAX_INDEX`.
//!
//! Peer input is never trusted: `step` first drops a message that fails
//! `check_message_bounds` or whose term this node will not adopt (`adopt_limit`),
//! returning the reason as an error, and nothing in the core adds to or subtracts from
//! a number a message or storage gave it without a check. A node campaigns only while
//! its next term stays within `MAX_TERM`.
//!
//! Longer than the house's ~600 lines on purpose: this file is the state shared by
//! every role and the transitions between roles, which read best in one place (as in
//! etcd's raft.go); what each role does with a message lives in `step_*.rs`.

use std::collections::BTreeSet;

use bytes::Bytes;

use super::confchange::removes;
use super::config::Config;
use super::errors::{DropReason, Error};
use super::log::RaftLog;
use super::quorum::VoteResult;
use super::read_only::{self, ReadOnly};
use super::storage::{Storage, StorageError};
use super::tracker::{Progress, ProgressTracker};
use super::types::{
    check_message_bounds, ConfState, Entry, EntryId, EntryType, HardState, Index, Message,
    MessageType, NodeId, Snapshot, Term, MAX_ADOPTED_TERM, MAX_INDEX, MAX_TERM, MAX_TERM_STEP,
};

/// Context of the vote requests of a campaign started by a leader transfer: voters
/// answer it even while they are in a leader's lease.
pub const CAMPAIGN_TRANSFER: &[u8] = b"CampaignTransfer";

/// A node's role (§5.1, plus the pre-candidate of PreVote, thesis §9.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// Volatile state worth reporting when it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftState {
    pub leader_id: Option<NodeId>,
    pub role: Role,
}

/// A linearizable read that may be served once the state machine applied `index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadState {
    pub index: Index,
    pub request_ctx: Bytes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CampaignType {
    PreElection,
    Election,
    Transfer,
}

/// Seeded splitmix64: deterministic election timeouts without OS randomness.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

pub struct Raft<S: Storage> {
    pub(crate) id: NodeId,
    pub(crate) term: Term,
    pub(crate) vote: Option<NodeId>,
    pub(crate) role: Role,
    pub(crate) lead: Option<NodeId>,
    pub(crate) raft_log: RaftLog<S>,
    pub(crate) trk: ProgressTracker,
    /// Outgoing messages, in order; `RawNode::ready` sorts them by what they depend on.
    pub(crate) msgs: Vec<Message>,
    pub(crate) read_states: Vec<ReadState>,
    /// Set while a leader transfer to this node is under way.
    pub(crate) lead_transferee: Option<NodeId>,
    /// Index of the latest conf change proposed by this leader; a new one waits until
    /// it is applied.
    pub(crate) pending_conf_index: Index,
    /// Payload bytes this leader appended and not yet handed out as committed.
    pub(crate) uncommitted_size: u64,
    pub(crate) read_only: ReadOnly,
    /// ReadIndex requests waiting until this leader has committed an entry in its term.
    pub(crate) pending_read_index: Vec<Message>,
    /// Ticks since the last election timeout reset (followers: since hearing from the
    /// leader; leaders: since the last quorum check).
    pub(crate) election_elapsed: usize,
    pub(crate) heartbeat_elapsed: usize,
    pub(crate) election_timeout: usize,
    pub(crate) heartbeat_timeout: usize,
    pub(crate) randomized_election_timeout: usize,
    pub(crate) check_quorum: bool,
    pub(crate) pre_vote: bool,
    pub(crate) disable_proposal_forwarding: bool,
    pub(crate) max_msg_size: u64,
    pub(crate) max_uncommitted_size: Option<u64>,
    /// Appends to broadcast when the next Ready is built (messages only leave then, so
    /// deferring loses nothing and batches many proposals into one message).
    pub(crate) pending_bcast: Option<BcastKind>,
    /// This leader's log holds an unapplied conf change removing it. It then takes no
    /// new proposals, so that when it applies its removal every entry it holds is
    /// committed, hence held by a remaining voter whose log is as up to date: that
    /// voter can win this node's vote even if this node crashes before handing over.
    pub(crate) self_removal_pending: bool,
    /// This node applied its own removal and has since denied its vote to a candidate
    /// with a shorter log: the others may be stuck needing it (see `may_campaign`).
    pub(crate) vetoed_as_removed: bool,
    rng: SplitMix64,
}

/// What a deferred broadcast must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BcastKind {
    /// New entries only: followers with nothing new get nothing.
    Entries,
    /// A commit index advance: every follower gets a message, empty or not.
    Commit,
}

impl<S: Storage> Raft<S> {
    pub fn new(c: &Config, store: S) -> Result<Raft<S>, Error> {
        c.validate()?;
        let rs = store.initial_state()?;
        check_stored_state(&store, &rs.hard_state)?;
        let raft_log = RaftLog::new(store, c.max_committed_size_per_ready);
        let mut r = Raft {
            id: c.id,
            term: 0,
            vote: None,
            role: Role::Follower,
            lead: None,
            raft_log,
            trk: ProgressTracker::new(c.max_inflight_msgs),
            msgs: Vec::new(),
            read_states: Vec::new(),
            lead_transferee: None,
            pending_conf_index: 0,
            uncommitted_size: 0,
            read_only: ReadOnly::default(),
            pending_read_index: Vec::new(),
            election_elapsed: 0,
            heartbeat_elapsed: 0,
            election_timeout: c.election_tick,
            heartbeat_timeout: c.heartbeat_tick,
            randomized_election_timeout: c.election_tick,
            check_quorum: c.check_quorum,
            pre_vote: c.pre_vote,
            disable_proposal_forwarding: c.disable_proposal_forwarding,
            max_msg_size: c.max_size_per_msg,
            max_uncommitted_size: c.max_uncommitted_entries_size,
            pending_bcast: None,
            self_removal_pending: false,
            vetoed_as_removed: false,
            rng: SplitMix64::new(c.seed ^ c.id.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        };
        let next = r.raft_log.last_index() + 1;
        r.trk.restore(&rs.conf_state, next);
        let hs = rs.hard_state;
        if hs != HardState::default() {
            let last = r.raft_log.last_index();
            if hs.commit > last {
                return Err(Error::Store(StorageError::Other(format!(
                    "hard state commit {} is past the last index {last}",
                    hs.commit
                ))));
            }
            r.raft_log.committed = r.raft_log.committed.max(hs.commit);
            r.term = hs.term;
            r.vote = hs.vote;
        }
        if c.applied > r.raft_log.applied {
            if c.applied > r.raft_log.committed {
                return Err(Error::InvalidConfig(format!(
                    "applied index {} is past the committed index {}",
                    c.applied, r.raft_log.committed
                )));
            }
            r.raft_log.applied_to(c.applied);
        }
        r.become_follower(r.term, None);
        Ok(r)
    }

    pub fn soft_state(&self) -> SoftState {
        SoftState {
            leader_id: self.lead,
            role: self.role,
        }
    }

    pub fn hard_state(&self) -> HardState {
        HardState {
            term: self.term,
            vote: self.vote,
            commit: self.raft_log.committed,
        }
    }

    /// Whether this node may campaign: a voter without a snapshot being installed.
    pub fn promotable(&self) -> bool {
        self.trk.voters.contains(&self.id) && self.raft_log.unstable.snapshot.is_none()
    }

    /// Whether this node may start an election: a voter may; so may a node outside its
    /// own membership (removed; not a learner) once it denied its vote to a candidate
    /// with a shorter log. The others take a removal only once they apply it and until
    /// then they need the removed node's vote; if its log is the most up to date, only
    /// its own election lets them move on. It then leads as a non-member, which brings
    /// everyone its log and the commit of its removal, and hands over
    /// (`maybe_hand_over`). Its election needs a majority of its membership, as any.
    pub fn may_campaign(&self) -> bool {
        if self.promotable() {
            return true;
        }
        self.vetoed_as_removed && self.outside_own_membership()
    }

    /// Outside its own membership (removed, or restored from a snapshot taken before
    /// it joined), yet it has one: its vote may still count for others.
    fn outside_own_membership(&self) -> bool {
        !self.trk.is_member(self.id)
            && !self.trk.voters.is_empty()
            && self.raft_log.unstable.snapshot.is_none()
    }

    // ---- sending ----------------------------------------------------------------

    /// Queues `m`, stamping sender and term. Vote traffic carries its own term;
    /// forwarded proposals and reads carry none (they are handled like local messages).
    pub(crate) fn send(&mut self, mut m: Message) {
        if m.from == 0 {
            m.from = self.id;
        }
        match m.msg_type {
            MessageType::Vote
            | MessageType::VoteResp
            | MessageType::PreVote
            | MessageType::PreVoteResp => {
                // Every caller sets a term: campaigns only with a checked next term,
                // answers with the request's (non-zero) term or our own when non-zero.
                // A receiver would drop a vote message without one anyway.
                if m.term == 0 {
                    debug_assert!(false, "{:?} to {} sent without a term", m.msg_type, m.to);
                    return;
                }
            }
            MessageType::Propose | MessageType::ReadIndex => {}
            _ => m.term = self.term,
        }
        self.msgs.push(m);
    }

    /// Sends an append (or a snapshot) to `to` if its progress allows; with
    /// `send_if_empty` false nothing is sent when there are no new entries.
    /// Returns whether a message went out.
    pub(crate) fn maybe_send_append(&mut self, to: NodeId, send_if_empty: bool) -> bool {
        let Some(pr) = self.trk.progress.get(&to) else {
            return false;
        };
        if pr.is_paused() {
            return false;
        }
        let next = pr.next;
        // `next >= 1` (Progress invariant `matched < next`).
        let prev_index = next.saturating_sub(1);
        let prev_term = self.raft_log.term(prev_index);
        let ents = self.raft_log.entries(next, Some(self.max_msg_size));
        let (prev_term, ents) = match (prev_term, ents) {
            (Ok(t), Ok(e)) => (t, e),
            (Err(StorageError::Compacted), _) | (_, Err(StorageError::Compacted)) => {
                return self.maybe_send_snapshot(to);
            }
            // Unavailable or a transient storage answer: try again on the next round.
            _ => return false,
        };
        if ents.is_empty() && !send_if_empty {
            return false;
        }
        let last = ents.last().map(|e| e.index);
        let mut m = Message::new(MessageType::Append, self.id, to);
        m.index = prev_index;
        m.log_term = prev_term;
        m.entries = ents;
        m.commit = self.raft_log.committed;
        if let Some(pr) = self.trk.progress.get_mut(&to) {
            pr.sent_entries(last);
        }
        self.send(m);
        true
    }

    pub(crate) fn send_append(&mut self, to: NodeId) {
        self.maybe_send_append(to, true);
    }

    fn maybe_send_snapshot(&mut self, to: NodeId) -> bool {
        let Some(pr) = self.trk.progress.get(&to) else {
            return false;
        };
        if !pr.recent_active {
            return false;
        }
        let snapshot = match self.raft_log.snapshot(pr.next.saturating_sub(1)) {
            Ok(s) if !s.is_empty() => s,
            _ => return false,
        };
        let index = snapshot.meta.index;
        if let Some(pr) = self.trk.progress.get_mut(&to) {
            pr.become_snapshot(index);
        }
        let mut m = Message::new(MessageType::Snapshot, self.id, to);
        m.snapshot = Some(snapshot);
        self.send(m);
        true
    }

    /// Sends appends to every peer (new entries or a commit index update).
    pub(crate) fn bcast_append(&mut self) {
        let peers: Vec<NodeId> = self.peers();
        for id in peers {
            self.send_append(id);
        }
    }

    /// Sends a heartbeat to every peer, carrying the newest pending read's sequence so
    /// that reads get confirmed even if an earlier round was lost.
    pub(crate) fn bcast_heartbeat(&mut self) {
        let ctx = self
            .read_only
            .last_pending_seq()
            .map(read_only::encode_seq)
            .unwrap_or_default();
        self.bcast_heartbeat_with_ctx(ctx);
    }

    pub(crate) fn bcast_heartbeat_with_ctx(&mut self, ctx: Bytes) {
        if let Some(seq) = read_only::decode_seq(&ctx) {
            self.read_only.mark_sent(seq);
        }
        for id in self.peers() {
            self.send_heartbeat(id, ctx.clone());
        }
    }

    pub(crate) fn send_heartbeat(&mut self, id: NodeId, ctx: Bytes) {
        let matched = self.trk.progress.get(&id).map_or(0, |p| p.matched);
        let mut m = Message::new(MessageType::Heartbeat, self.id, id);
        // Never more than the follower is known to hold: it cannot commit what it may
        // not have (its log past `matched` may still diverge).
        m.commit = matched.min(self.raft_log.committed);
        m.context = ctx;
        self.send(m);
    }

    pub(crate) fn peers(&self) -> Vec<NodeId> {
        self.trk
            .progress
            .keys()
            .copied()
            .filter(|&id| id != self.id)
            .collect()
    }

    // ---- commit -----------------------------------------------------------------

    /// Advances the commit index to what a quorum has matched, if that entry is from
    /// the current term. On the first commit of the term, releases queued reads.
    pub(crate) fn maybe_commit(&mut self) -> bool {
        let index = self.trk.committed();
        let committed = self.raft_log.maybe_commit(EntryId {
            index,
            term: self.term,
        });
        if committed && !self.pending_read_index.is_empty() {
            let queued = std::mem::take(&mut self.pending_read_index);
            for m in queued {
                self.handle_leader_read_index(m);
            }
        }
        committed
    }

    pub(crate) fn committed_entry_in_current_term(&self) -> bool {
        self.raft_log.term_or_zero(self.raft_log.committed) == self.term
    }

    /// The leader's own log counts toward commit only once persisted: called from
    /// `RawNode::advance` (and at once for entries already stable).
    pub(crate) fn self_ack_persisted(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let persisted = self.raft_log.persisted_index();
        let id = self.id;
        let updated = self
            .trk
            .progress
            .get_mut(&id)
            .is_some_and(|pr| pr.maybe_update(persisted));
        if updated && self.maybe_commit() {
            self.pending_bcast = Some(BcastKind::Commit);
        }
    }

    /// Sends the appends deferred since the last Ready: one message per follower for
    /// however many proposals or commit advances came in between.
    pub(crate) fn flush_pending_bcast(&mut self) {
        let Some(kind) = self.pending_bcast.take() else {
            return;
        };
        if self.role != Role::Leader {
            return;
        }
        for id in self.peers() {
            let sent = self.maybe_send_append(id, kind == BcastKind::Commit);
            if sent {
                while self.maybe_send_append(id, false) {}
            }
        }
    }

    // ---- appending --------------------------------------------------------------

    /// Appends proposals at the end of the leader's log, stamping term and index.
    /// Returns false (appending nothing) when they would exceed the uncommitted cap.
    pub(crate) fn append_entry(&mut self, mut ents: Vec<Entry>) -> Result<(), Error> {
        let payload = payload_size(&ents);
        if let Some(max) = self.max_uncommitted_size {
            // An empty log of uncommitted entries always accepts one batch, so that a
            // single oversized proposal cannot block forever.
            if self.uncommitted_size > 0 && self.uncommitted_size.saturating_add(payload) > max {
                return dropped(DropReason::UncommittedSizeLimit);
            }
        }
        let last = self.raft_log.last_index();
        let room = MAX_INDEX.saturating_sub(last);
        if ents.len() as u64 > room {
            return Err(Error::MessageOutOfRange {
                what: "index of a proposed entry",
                value: last.saturating_add(ents.len() as u64),
                limit: MAX_INDEX,
            });
        }
        for (e, index) in ents.iter_mut().zip(last + 1..) {
            e.term = self.term;
            e.index = index;
        }
        self.raft_log.append(&ents);
        self.uncommitted_size = self.uncommitted_size.saturating_add(payload);
        Ok(())
    }

    /// Handed-out committed entries no longer count as uncommitted.
    pub(crate) fn reduce_uncommitted_size(&mut self, ents: &[Entry]) {
        if self.role != Role::Leader {
            return;
        }
        self.uncommitted_size = self.uncommitted_size.saturating_sub(payload_size(ents));
    }

    // ---- role changes -------------------------------------------------------------

    fn reset(&mut self, term: Term) {
        if self.term != term {
            self.term = term;
            self.vote = None;
        }
        self.lead = None;
        self.election_elapsed = 0;
        self.heartbeat_elapsed = 0;
        self.reset_randomized_election_timeout();
        self.lead_transferee = None;
        self.trk.reset_votes();
        let next = self.raft_log.last_index().saturating_add(1);
        let persisted = self.raft_log.persisted_index();
        let id = self.id;
        let max_inflight = self.trk.max_inflight;
        for (&pid, pr) in self.trk.progress.iter_mut() {
            *pr = Progress::new(next, max_inflight, pr.is_learner);
            if pid == id {
                pr.matched = persisted;
                pr.next = next.max(persisted.saturating_add(1));
            }
        }
        self.pending_conf_index = 0;
        self.uncommitted_size = 0;
        self.read_only = ReadOnly::default();
        self.pending_read_index.clear();
        self.pending_bcast = None;
        self.self_removal_pending = false;
        self.vetoed_as_removed = false;
    }

    fn reset_randomized_election_timeout(&mut self) {
        let span = self.election_timeout as u64;
        self.randomized_election_timeout =
            self.election_timeout + (self.rng.next_u64() % span) as usize;
    }

    pub fn become_follower(&mut self, term: Term, lead: Option<NodeId>) {
        self.reset(term);
        self.lead = lead;
        self.role = Role::Follower;
    }

    pub(crate) fn become_pre_candidate(&mut self) {
        if self.role == Role::Leader {
            panic!("node {}: leader cannot become a pre-candidate", self.id);
        }
        // A pre-election changes neither term nor vote.
        self.trk.reset_votes();
        self.lead = None;
        self.role = Role::PreCandidate;
    }

    /// Becomes a candidate in `term` (`self.term + 1`, checked by `campaign`).
    pub(crate) fn become_candidate(&mut self, term: Term) {
        if self.role == Role::Leader {
            panic!("node {}: leader cannot become a candidate", self.id);
        }
        self.reset(term);
        self.vote = Some(self.id);
        self.role = Role::Candidate;
    }

    pub(crate) fn become_leader(&mut self) {
        if self.role == Role::Follower {
            panic!("node {}: follower cannot become leader directly", self.id);
        }
        self.reset(self.term);
        self.lead = Some(self.id);
        self.role = Role::Leader;
        let id = self.id;
        if let Some(pr) = self.trk.progress.get_mut(&id) {
            // The leader is always in sync with itself.
            pr.become_replicate();
            pr.recent_active = true;
        }
        // Conservatively, any conf change still in the log may be unapplied.
        self.pending_conf_index = self.raft_log.last_index();
        let id = self.id;
        self.self_removal_pending = self
            .raft_log
            .any_unapplied(self.pending_conf_index, |e| removes(e, id));
        // An entry of the new term, so that earlier entries can commit (§5.4.2).
        let empty = Entry {
            entry_type: EntryType::Empty,
            ..Entry::default()
        };
        // (Only a log already at `MAX_INDEX` refuses it: the leader then commits
        // nothing new, which is all it could do anyway.)
        let _ = self.append_entry(vec![empty]);
        // The empty entry does not count against the uncommitted cap.
        self.uncommitted_size = 0;
        // Elected as a removed node: hand over as soon as a voter is caught up.
        self.maybe_hand_over();
    }

    // ---- elections ----------------------------------------------------------------

    pub(crate) fn hup(&mut self, t: CampaignType) {
        if self.role == Role::Leader || !self.may_campaign() {
            return;
        }
        // A conf change committed but not applied may remove us or change the quorum.
        // A transfer is exempt: the leader chose us from its (newer) membership and
        // waits for us; one-step changes keep every old and new majority overlapping.
        // (Unless the change removes us: a leader must never start out with its own
        // removal committed and entries after it that only it holds.)
        let blocked = if t == CampaignType::Transfer {
            let id = self.id;
            self.raft_log
                .any_unapplied(self.raft_log.committed, |e| removes(e, id))
        } else {
            self.raft_log.has_unapplied_conf_change()
        };
        if blocked {
            return;
        }
        self.campaign(t);
    }

    /// The term a campaign would run in, if it stays within `MAX_TERM`.
    pub(crate) fn next_campaign_term(&self) -> Option<Term> {
        self.term.checked_add(1).filter(|&t| t <= MAX_TERM)
    }

    pub(crate) fn campaign(&mut self, t: CampaignType) {
        // Never past `MAX_TERM` (and never wrapping to 0): the term space is spent.
        let Some(next_term) = self.next_campaign_term() else {
            return;
        };
        let (vote_type, term) = if t == CampaignType::PreElection {
            self.become_pre_candidate();
            (MessageType::PreVote, next_term)
        } else {
            self.become_candidate(next_term);
            (MessageType::Vote, self.term)
        };
        let id = self.id;
        match self.trk.record_vote(id, true) {
            VoteResult::Won => {
                // A single voter wins at once.
                if t == CampaignType::PreElection {
                    self.campaign(CampaignType::Election);
                } else {
                    self.become_leader();
                    self.bcast_append();
                }
                return;
            }
            VoteResult::Lost | VoteResult::Pending => {}
        }
        let last = self.raft_log.last_entry_id();
        let voters: Vec<NodeId> = self.trk.voters.iter().copied().collect();
        for to in voters.into_iter().filter(|&v| v != id) {
            let mut m = Message::new(vote_type, id, to);
            m.term = term;
            m.index = last.index;
            m.log_term = last.term;
            if t == CampaignType::Transfer {
                m.context = Bytes::from_static(CAMPAIGN_TRANSFER);
            }
            self.send(m);
        }
    }

    // ---- step -----------------------------------------------------------------------

    /// The highest term this node adopts from a message: `MAX_ADOPTED_TERM`, or a step
    /// of `MAX_TERM_STEP` past its own term, always leaving room for a campaign.
    pub fn adopt_limit(&self) -> Term {
        MAX_ADOPTED_TERM
            .max(self.term.saturating_add(MAX_TERM_STEP))
            .min(MAX_TERM - 1)
    }

    /// Steps a message. A message failing `check_message_bounds`, or carrying a higher
    /// term than `adopt_limit`, changes nothing and comes back as the error saying why.
    pub fn step(&mut self, m: Message) -> Result<(), Error> {
        check_message_bounds(&m)?;
        let result = self.step_inner(m);
        if cfg!(debug_assertions) {
            self.check_invariants();
        }
        result
    }

    fn step_inner(&mut self, m: Message) -> Result<(), Error> {
        if m.term == 0 {
            // Local messages, and forwarded proposals, reads and transfers.
            if !matches!(
                m.msg_type,
                MessageType::Hup
                    | MessageType::Beat
                    | MessageType::Propose
                    | MessageType::Unreachable
                    | MessageType::SnapStatus
                    | MessageType::CheckQuorum
                    | MessageType::TransferLeader
                    | MessageType::ReadIndex
            ) {
                return Ok(());
            }
        } else if m.term > self.term {
            if matches!(m.msg_type, MessageType::Vote | MessageType::PreVote) {
                let force = m.context.as_ref() == CAMPAIGN_TRANSFER;
                let in_lease = self.check_quorum
                    && self.lead.is_some()
                    && self.election_elapsed < self.election_timeout;
                if !force && in_lease {
                    // We heard from a leader recently: a disruptive candidate (for
                    // example one that was partitioned away) must not depose it.
                    return Ok(());
                }
            }
            let adopts = match m.msg_type {
                MessageType::PreVote => false,
                MessageType::PreVoteResp => m.reject,
                _ => true,
            };
            if adopts && m.term > self.adopt_limit() {
                return Err(Error::MessageOutOfRange {
                    what: "term",
                    value: m.term,
                    limit: self.adopt_limit(),
                });
            }
            match m.msg_type {
                // A pre-vote never changes our term.
                MessageType::PreVote => {}
                // Granted pre-votes carry the future term; the candidate bumps it itself.
                MessageType::PreVoteResp if !m.reject => {}
                MessageType::Append | MessageType::Heartbeat | MessageType::Snapshot => {
                    self.become_follower(m.term, Some(m.from));
                }
                _ => self.become_follower(m.term, None),
            }
        } else if m.term < self.term {
            if (self.check_quorum || self.pre_vote)
                && matches!(m.msg_type, MessageType::Heartbeat | MessageType::Append)
            {
                // A stale leader (cut off while we moved on) learns our term from this
                // and steps down; without it, it could keep disrupting with PreVote
                // and CheckQuorum never letting its term advance.
                let resp = Message::new(MessageType::AppendResp, self.id, m.from);
                self.send(resp);
            } else if m.msg_type == MessageType::PreVote && self.term > 0 {
                let mut resp = Message::new(MessageType::PreVoteResp, self.id, m.from);
                resp.term = self.term;
                resp.reject = true;
                self.send(resp);
            }
            return Ok(());
        }

        match m.msg_type {
            MessageType::Hup => {
                if self.pre_vote {
                    self.hup(CampaignType::PreElection);
                } else {
                    self.hup(CampaignType::Election);
                }
                Ok(())
            }
            MessageType::Vote | MessageType::PreVote => {
                self.handle_vote_request(m);
                Ok(())
            }
            _ => match self.role {
                Role::Leader => self.step_leader(m),
                Role::Candidate | Role::PreCandidate => self.step_candidate(m),
                Role::Follower => self.step_follower(m),
            },
        }
    }

    fn handle_vote_request(&mut self, m: Message) {
        let can_vote = self.vote == Some(m.from)
            || (self.vote.is_none() && self.lead.is_none())
            || (m.msg_type == MessageType::PreVote && m.term > self.term);
        let last = EntryId {
            index: m.index,
            term: m.log_term,
        };
        let mut resp = Message::new(m.msg_type.vote_response(), self.id, m.from);
        let up_to_date = self.raft_log.is_up_to_date(last);
        // (Only a voter of our own membership counts: we can only help those.)
        if can_vote
            && !up_to_date
            && self.outside_own_membership()
            && self.trk.voters.contains(&m.from)
        {
            self.vetoed_as_removed = true;
        }
        if can_vote && up_to_date {
            // Grant with the requested term: a pre-candidate counts only answers for
            // the term it would campaign in.
            resp.term = m.term;
            self.send(resp);
            if m.msg_type == MessageType::Vote {
                self.election_elapsed = 0;
                self.vote = Some(m.from);
            }
        } else if self.term > 0 {
            // (At term 0 there is nothing to reject with: the requester would drop a
            // response without a term anyway.)
            resp.term = self.term;
            resp.reject = true;
            self.send(resp);
        }
    }

    // ---- follower-side handlers (also used by candidates) --------------------------

    /// (Entries are contiguous after `m.index`, within `MAX_INDEX`, with terms between
    /// `m.log_term` and `m.term`: `step` checked `check_message_bounds`.)
    pub(crate) fn handle_append(&mut self, m: Message) {
        let mut resp = Message::new(MessageType::AppendResp, self.id, m.from);
        if m.index < self.raft_log.committed {
            // Everything up to our commit index already matches the leader.
            resp.index = self.raft_log.committed;
            self.send(resp);
            return;
        }
        let prev = EntryId {
            index: m.index,
            term: m.log_term,
        };
        match self.raft_log.maybe_append(prev, m.commit, &m.entries) {
            Ok(Some(last_new)) => {
                resp.index = last_new;
                self.send(resp);
            }
            Ok(None) => {
                // Hint the leader past every entry of ours that cannot match: all
                // entries after the hint have a term above the leader's entry at
                // `m.index`, and the leader's log has no such entries there.
                let hint = m.index.min(self.raft_log.last_index());
                let (hint_index, hint_term) = self.raft_log.find_conflict_by_term(hint, m.log_term);
                resp.index = m.index;
                resp.reject = true;
                resp.reject_hint = hint_index;
                resp.log_term = hint_term;
                self.send(resp);
            }
            Err(_why) => {
                // Only a broken or malicious leader sends this; ignore the message.
            }
        }
    }

    pub(crate) fn handle_heartbeat(&mut self, m: Message) {
        let commit = m.commit.min(self.raft_log.last_index());
        self.raft_log.commit_to(commit);
        let mut resp = Message::new(MessageType::HeartbeatResp, self.id, m.from);
        resp.context = m.context;
        self.send(resp);
    }

    /// Installs a snapshot sent by the leader this node follows in the current term
    /// (`step` already moved it to the message term). Anyone else's is refused, as is
    /// one not ahead of our commit index or with a malformed membership; the sender gets
    /// our commit index either way, so that a leader goes back to probing.
    pub(crate) fn handle_snapshot(&mut self, m: Message) {
        let Some(snapshot) = m.snapshot else { return };
        let mut resp = Message::new(MessageType::AppendResp, self.id, m.from);
        if self.lead == Some(m.from) && self.restore(snapshot) {
            resp.index = self.raft_log.last_index();
        } else {
            resp.index = self.raft_log.committed;
        }
        self.send(resp);
    }

    /// Installs `snapshot` if it is ahead of our commit index. Returns whether it was
    /// installed (not when our log already holds its position: then we only commit).
    pub(crate) fn restore(&mut self, snapshot: Snapshot) -> bool {
        let meta = &snapshot.meta;
        if meta.index <= self.raft_log.committed || self.role != Role::Follower {
            return false;
        }
        if conf_state_is_malformed(&meta.conf_state) {
            return false;
        }
        let id = EntryId {
            index: meta.index,
            term: meta.term,
        };
        if self.raft_log.match_term(id) {
            self.raft_log.commit_to(meta.index);
            return false;
        }
        let cs = meta.conf_state.clone();
        self.raft_log.restore(snapshot);
        let next = self.raft_log.last_index().saturating_add(1);
        self.trk.restore(&cs, next);
        true
    }

    // ---- ticks ------------------------------------------------------------------------

    pub fn tick(&mut self) {
        match self.role {
            Role::Leader => self.tick_heartbeat(),
            _ => self.tick_election(),
        }
        if cfg!(debug_assertions) {
            self.check_invariants();
        }
    }

    fn past_election_timeout(&self) -> bool {
        self.election_elapsed >= self.randomized_election_timeout
    }

    fn tick_election(&mut self) {
        self.election_elapsed += 1;
        if self.past_election_timeout() && self.may_campaign() {
            self.election_elapsed = 0;
            let _ = self.step(Message::new(MessageType::Hup, self.id, self.id));
        }
    }

    fn tick_heartbeat(&mut self) {
        self.heartbeat_elapsed += 1;
        self.election_elapsed += 1;
        if self.election_elapsed >= self.election_timeout {
            self.election_elapsed = 0;
            if self.check_quorum {
                let _ = self.step(Message::new(MessageType::CheckQuorum, self.id, self.id));
            }
            // A transfer that did not finish within an election timeout is abandoned
            // (a retiring leader tries again).
            if self.role == Role::Leader && self.lead_transferee.is_some() {
                self.lead_transferee = None;
                self.maybe_hand_over();
            }
        }
        if self.role != Role::Leader {
            return;
        }
        if self.heartbeat_elapsed >= self.heartbeat_timeout {
            self.heartbeat_elapsed = 0;
            let _ = self.step(Message::new(MessageType::Beat, self.id, self.id));
        }
    }

    // ---- checks ------------------------------------------------------------------------

    /// Panics, printing the state, if an internal invariant does not hold.
    pub fn check_invariants(&self) {
        self.raft_log.check_invariants();
        let last = self.raft_log.last_index();
        let fail = |what: String| -> ! {
            panic!(
                "node {} invariant broken: {what} (role {:?} term {} lead {:?} committed {} \
                 applied {} last {last})",
                self.id,
                self.role,
                self.term,
                self.lead,
                self.raft_log.committed,
                self.raft_log.applied
            )
        };
        if self.term > MAX_TERM || last > MAX_INDEX {
            fail(format!(
                "term or last index past the limits {MAX_TERM}/{MAX_INDEX}"
            ));
        }
        if self.role == Role::Leader {
            if self.lead != Some(self.id) {
                fail(format!("leader's lead is {:?}", self.lead));
            }
            for (id, pr) in &self.trk.progress {
                if pr.matched >= pr.next {
                    fail(format!(
                        "progress of {id}: match {} >= next {}",
                        pr.matched, pr.next
                    ));
                }
                if pr.next > last.saturating_add(1) {
                    fail(format!("progress of {id}: next {} > last + 1", pr.next));
                }
            }
        }
        if self
            .trk
            .voters
            .intersection(&self.trk.learners)
            .next()
            .is_some()
        {
            fail("voters and learners overlap".into());
        }
    }
}

/// No voters, id 0, an id twice, or a voter that is also a learner.
fn conf_state_is_malformed(cs: &ConfState) -> bool {
    let voters: BTreeSet<NodeId> = cs.voters.iter().copied().collect();
    let learners: BTreeSet<NodeId> = cs.learners.iter().copied().collect();
    voters.is_empty()
        || voters.len() != cs.voters.len()
        || learners.len() != cs.learners.len()
        || voters.contains(&0)
        || learners.contains(&0)
        || !voters.is_disjoint(&learners)
}

/// Payload bytes of `ents`, as counted against `max_uncommitted_entries_size`.
fn payload_size(ents: &[Entry]) -> u64 {
    ents.iter()
        .fold(0u64, |sum, e| sum.saturating_add(e.data.len() as u64))
}

/// Refuses to start from a storage no correct member could have written: bounds past
/// the limits, a term this member would never have adopted, a vote for id 0.
fn check_stored_state<S: Storage>(store: &S, hs: &HardState) -> Result<(), Error> {
    let corrupt = |what: String| Err(Error::Store(StorageError::Other(what)));
    let first = store.first_index()?;
    let last = store.last_index()?;
    if first == 0 || last > MAX_INDEX || last.saturating_add(1) < first {
        return corrupt(format!(
            "stored log bounds [{first}, {last}] are impossible (indexes are 1..={MAX_INDEX})"
        ));
    }
    if hs.term > MAX_ADOPTED_TERM {
        return corrupt(format!(
            "stored term {} is beyond what this member accepts (at most {MAX_ADOPTED_TERM}): \
             it can only have come from a forged or corrupt message; `raftctl recover` \
             rewrites it",
            hs.term
        ));
    }
    if hs.vote == Some(0) {
        return corrupt("stored vote for node id 0".into());
    }
    Ok(())
}

/// The error a dropped proposal returns.
pub(crate) fn dropped(reason: DropReason) -> Result<(), Error> {
    Err(Error::ProposalDropped(reason))
}
