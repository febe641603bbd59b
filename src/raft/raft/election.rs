//! Role changes (the `become_*` functions, the only place a role changes), elections
//! and campaigns, answering vote requests, and the ticks that start elections and
//! heartbeats.

use bytes::Bytes;

use super::{CampaignType, Raft, Role, CAMPAIGN_TRANSFER};
use crate::raft::confchange::removes;
use crate::raft::quorum::VoteResult;
use crate::raft::read_only::ReadOnly;
use crate::raft::storage::Storage;
use crate::raft::tracker::Progress;
use crate::raft::types::{Entry, EntryId, EntryType, Message, MessageType, NodeId, Term, MAX_TERM};

impl<S: Storage> Raft<S> {
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

    pub(super) fn handle_vote_request(&mut self, m: Message) {
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
}
