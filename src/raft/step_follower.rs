//! Follower message handling: accepting the leader's log, forwarding proposals, reads
//! and transfers to it, and campaigning at once on `TimeoutNow`.

use super::errors::{DropReason, Error};
use super::raft::{dropped, CampaignType, Raft, ReadState};
use super::storage::Storage;
use super::types::{Message, MessageType};

impl<S: Storage> Raft<S> {
    pub(crate) fn step_follower(&mut self, m: Message) -> Result<(), Error> {
        match m.msg_type {
            MessageType::Propose => {
                let Some(lead) = self.lead else {
                    return dropped(DropReason::NoLeader);
                };
                if self.disable_proposal_forwarding {
                    return dropped(DropReason::ForwardingDisabled);
                }
                if m.from != self.id {
                    // Forwarded proposals are not forwarded again (no loops).
                    return dropped(DropReason::NoLeader);
                }
                let mut m = m;
                m.to = lead;
                self.send(m);
            }
            MessageType::Append => {
                self.election_elapsed = 0;
                self.lead = Some(m.from);
                self.handle_append(m);
            }
            MessageType::Heartbeat => {
                self.election_elapsed = 0;
                self.lead = Some(m.from);
                self.handle_heartbeat(m);
            }
            MessageType::Snapshot => {
                // Only from the leader we follow in this term (`step` made the sender
                // of a higher-term snapshot our leader): `handle_snapshot` refuses
                // anyone else's.
                if self.lead == Some(m.from) {
                    self.election_elapsed = 0;
                }
                self.handle_snapshot(m);
            }
            MessageType::TransferLeader => {
                if let Some(lead) = self.lead {
                    let mut m = m;
                    m.to = lead;
                    self.send(m);
                }
            }
            MessageType::TimeoutNow if self.lead == Some(m.from) => {
                // The leader chose us: campaign at once, skipping the pre-vote, and ask
                // voters to look past their lease. (From anyone else: ignored.)
                self.hup(CampaignType::Transfer);
            }
            MessageType::ReadIndex => {
                if let Some(lead) = self.lead {
                    if m.from == self.id {
                        let mut m = m;
                        m.to = lead;
                        self.send(m);
                    }
                }
            }
            MessageType::ReadIndexResp if self.lead == Some(m.from) => {
                self.read_states.push(ReadState {
                    index: m.index,
                    request_ctx: m.context,
                });
            }
            _ => {}
        }
        Ok(())
    }
}
