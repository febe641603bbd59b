//! After the chaos: healing the network, retiring removed members, and waiting for a
//! fresh proposal to commit everywhere within the liveness bound.

use super::*;

impl World {
    /// Stops every fault: a reliable FIFO network, everyone connected, no more crashes,
    /// every node running.
    pub fn heal(&mut self) -> Result<(), Violation> {
        self.chaos = false;
        self.bus.faults = Faults::none();
        self.bus.heal();
        self.trace(|| "heal: faults off, all connected, all restarted".into());
        for id in self.down_ids() {
            self.restart(id)?;
        }
        self.pump_all();
        self.check()
    }

    /// Shuts down removed nodes whose removal every member of `leader`'s configuration
    /// has applied.
    pub(super) fn retire_removed(&mut self, leader: NodeId) {
        let members = self.status_conf(leader);
        let retire: Vec<NodeId> = self
            .removals
            .iter()
            .filter(|&(id, &index)| {
                !members.contains(*id)
                    && self.nodes.get(id).is_some_and(|n| !n.retired)
                    && members
                        .voters
                        .iter()
                        .chain(&members.learners)
                        .chain(std::iter::once(&leader))
                        .all(|m| {
                            self.nodes
                                .get(m)
                                .is_some_and(|n| n.durable.applied >= index)
                        })
            })
            .map(|(&id, _)| id)
            .collect();
        for id in retire {
            let node = self.nodes.get_mut(&id).expect("listed above");
            node.crash();
            node.retired = true;
            self.trace(|| format!("n{id} shut down: its removal is applied everywhere"));
        }
    }

    /// One tick of the healed cluster: every message sent is delivered in the same tick.
    pub fn settle_tick(&mut self) -> Result<(), Violation> {
        self.tick_all();
        let mut delivered = 0;
        while self.deliver_one() {
            delivered += 1;
            if delivered > QUIESCENCE_LIMIT {
                return Err(Violation::new(
                    "liveness_after_heal",
                    format!(
                        "still {} messages in flight after {delivered} deliveries in one tick",
                        self.bus.len()
                    ),
                ));
            }
        }
        self.pump_all();
        self.check()
    }

    /// After `heal`: within the bound, a leader commits a fresh proposal and every live
    /// member of its configuration applies it. Returns the ticks it took.
    pub fn await_liveness(&mut self) -> Result<u64, Violation> {
        let start = self.now;
        let floor = self.hist.max_committed();
        let bound = LIVENESS_ELECTION_TIMEOUTS * self.params.config.election_tick as u64;
        let retry_every = 2 * self.params.config.election_tick as u64;
        let mut last_proposal: Option<(NodeId, u64)> = None;
        while self.now - start < bound {
            self.settle_tick()?;
            let Some(leader) = self.leader() else {
                continue;
            };
            self.retire_removed(leader);
            let mark = self.nodes[&leader].durable.last_mark;
            if mark > floor {
                let members = self.status_conf(leader);
                let lagging: Vec<NodeId> = members
                    .voters
                    .iter()
                    .chain(&members.learners)
                    .copied()
                    .filter(|id| {
                        self.nodes
                            .get(id)
                            .is_none_or(|n| !n.is_up() || n.durable.applied < mark)
                    })
                    .collect();
                if lagging.is_empty() {
                    return Ok(self.now - start);
                }
                continue;
            }
            let due = match last_proposal {
                Some((at, when)) => at != leader || self.now - when >= retry_every,
                None => true,
            };
            if due {
                self.next_payload += 1;
                let mut data = LIVENESS_MARK.to_vec();
                data.extend_from_slice(self.next_payload.to_string().as_bytes());
                if self.propose(leader, Bytes::from(data)) {
                    last_proposal = Some((leader, self.now));
                }
            }
        }
        Err(Violation::new(
            "liveness_after_heal",
            format!(
                "no fresh proposal committed on every live member within {bound} ticks of healing \
                 (leader now: {:?})",
                self.leader()
            ),
        ))
    }

    // ---- reporting --------------------------------------------------------------------------

    /// Every node in one line each: role, term, commit, applied, log range, membership.
    pub fn describe_nodes(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|(&id, n)| {
                let hs = n.hard_state();
                let d = &n.durable;
                let last = {
                    use raftctl::raft::Storage;
                    n.store().last_index().unwrap_or(0)
                };
                let role = match &n.raw {
                    None if n.retired => "retired".to_string(),
                    None => "down".to_string(),
                    Some(raw) => {
                        let st = raw.status();
                        let role = match st.soft_state.role {
                            Role::Leader => "leader",
                            Role::Candidate => "candidate",
                            Role::PreCandidate => "pre-candidate",
                            Role::Follower => "follower",
                        };
                        format!(
                            "{role} (mem term {} commit {} lead {:?})",
                            st.hard_state.term, st.hard_state.commit, st.soft_state.leader_id
                        )
                    }
                };
                format!(
                    "n{id} {role}; durable term {} vote {:?} commit {}, log {}..={}, applied {}, \
                     voters {:?} learners {:?}",
                    hs.term,
                    hs.vote,
                    hs.commit,
                    d.log_start + 1,
                    last,
                    d.applied,
                    d.conf_state.voters,
                    d.conf_state.learners
                )
            })
            .collect()
    }
}
