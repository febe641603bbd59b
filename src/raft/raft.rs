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
//! This file holds the state shared by every role, `step`'s term handling and the
//! follower-side handlers (as etcd's raft.go does); the rest of raft.go's parts are
//! its child modules: `replication` (sending, commit, appending), `election` (role
//! changes, campaigns, votes, ticks) and `checks` (invariants, stored-state checks).
//! What each role does with a message lives in `step_*.rs`.

use bytes::Bytes;

use super::config::Config;
use super::errors::{DropReason, Error};
use super::log::RaftLog;
use super::read_only::ReadOnly;
use super::storage::{Storage, StorageError};
use super::tracker::ProgressTracker;
use super::types::{
    check_message_bounds, EntryId, HardState, Index, Message, MessageType, NodeId, Snapshot, Term,
    MAX_ADOPTED_TERM, MAX_TERM, MAX_TERM_STEP,
};

mod checks;
mod election;
mod replication;

use checks::{check_stored_state, conf_state_is_malformed};

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
        let go_on = if m.term == 0 {
            // Local messages, and forwarded proposals, reads and transfers.
            matches!(
                m.msg_type,
                MessageType::Hup
                    | MessageType::Beat
                    | MessageType::Propose
                    | MessageType::Unreachable
                    | MessageType::SnapStatus
                    | MessageType::CheckQuorum
                    | MessageType::TransferLeader
                    | MessageType::ReadIndex
            )
        } else if m.term > self.term {
            self.step_higher_term(&m)?
        } else if m.term < self.term {
            self.answer_lower_term(&m);
            false
        } else {
            true
        };
        if !go_on {
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

    /// A message of a higher term: ignored (false) when it is a vote request within a
    /// leader's lease, refused beyond `adopt_limit`, else this node follows its term
    /// (its sender's lead, for a leader's message) unless it is a pre-vote.
    fn step_higher_term(&mut self, m: &Message) -> Result<bool, Error> {
        if matches!(m.msg_type, MessageType::Vote | MessageType::PreVote) {
            let force = m.context.as_ref() == CAMPAIGN_TRANSFER;
            let in_lease = self.check_quorum
                && self.lead.is_some()
                && self.election_elapsed < self.election_timeout;
            if !force && in_lease {
                // We heard from a leader recently: a disruptive candidate (for
                // example one that was partitioned away) must not depose it.
                return Ok(false);
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
        Ok(true)
    }

    /// A message of a lower term is dropped; a stale leader's traffic or pre-vote is
    /// answered so that its sender learns our term.
    fn answer_lower_term(&mut self, m: &Message) {
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
}

/// The error a dropped proposal returns.
pub(crate) fn dropped(reason: DropReason) -> Result<(), Error> {
    Err(Error::ProposalDropped(reason))
}
