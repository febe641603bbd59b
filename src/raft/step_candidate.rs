//! Candidate and pre-candidate message handling: counting votes, and yielding to a
//! leader of the same term.

use super::errors::{DropReason, Error};
use super::quorum::VoteResult;
use super::raft::{dropped, CampaignType, Raft, Role};
use super::storage::Storage;
use super::types::{Message, MessageType};

impl<S: Storage> Raft<S> {
    pub(crate) fn step_candidate(&mut self, m: Message) -> Result<(), Error> {
        // Only answers to our own kind of request count: a pre-candidate ignores stray
        // vote responses and the other way round.
        let my_response = if self.role == Role::PreCandidate {
            MessageType::PreVoteResp
        } else {
            MessageType::VoteResp
        };
        match m.msg_type {
            MessageType::Propose => return dropped(DropReason::NoLeader),
            MessageType::Append => {
                self.become_follower(m.term, Some(m.from));
                self.handle_append(m);
            }
            MessageType::Heartbeat => {
                self.become_follower(m.term, Some(m.from));
                self.handle_heartbeat(m);
            }
            MessageType::Snapshot => {
                self.become_follower(m.term, Some(m.from));
                self.handle_snapshot(m);
            }
            t if t == my_response => match self.trk.record_vote(m.from, !m.reject) {
                VoteResult::Won => {
                    if self.role == Role::PreCandidate {
                        self.campaign(CampaignType::Election);
                    } else {
                        self.become_leader();
                        self.bcast_append();
                    }
                }
                VoteResult::Lost => {
                    // Our term may be behind a rejecting voter's; the higher-term
                    // branch of `step` already moved us there.
                    let term = self.term;
                    self.become_follower(term, None);
                }
                VoteResult::Pending => {}
            },
            _ => {}
        }
        Ok(())
    }
}
