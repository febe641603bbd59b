//! The steps a run is made of: proposals, reads, membership changes, transfers,
//! compactions, crashes, restarts and partitions, and the random choice among them.

use super::*;

impl World {
    pub fn propose(&mut self, id: NodeId, data: Bytes) -> bool {
        let Some(raw) = self.nodes.get_mut(&id).and_then(|n| n.raw()) else {
            return false;
        };
        let r = raw.propose(data);
        self.coverage.proposals += u64::from(r.is_ok());
        self.trace(|| format!("n{id} propose: {r:?}"));
        r.is_ok()
    }

    pub(super) fn fresh_payload(&mut self) -> Bytes {
        self.next_payload += 1;
        let mut v = format!("s{}p{}", self.seed, self.next_payload).into_bytes();
        if self.rng.chance(0.1) {
            v.resize(v.len() + self.rng.below(600) as usize, b'x');
        }
        Bytes::from(v)
    }

    pub fn read_index(&mut self, id: NodeId) {
        let known_commit = self
            .nodes
            .values()
            .filter_map(|n| n.raw.as_ref())
            .map(|raw| raw.status().hard_state.commit)
            .max()
            .unwrap_or(0)
            .max(self.hist.max_committed());
        self.next_ctx += 1;
        let ctx = self.next_ctx;
        let Some(raw) = self.nodes.get_mut(&id).and_then(|n| n.raw()) else {
            return;
        };
        raw.read_index(ctx_bytes(ctx));
        self.obs.push(Obs::ReadRequested {
            node: id,
            ctx,
            known_commit,
        });
        self.trace(|| format!("n{id} read_index ctx {ctx} (known commit {known_commit})"));
    }

    /// Proposes `cc` at `at`; a node being added is started (empty, joining) once the
    /// proposal is accepted.
    pub fn propose_conf_change(&mut self, at: NodeId, cc: ConfChange) -> bool {
        let Some(raw) = self.nodes.get_mut(&at).and_then(|n| n.raw()) else {
            return false;
        };
        let r = raw.propose_conf_change(cc.clone());
        self.trace(|| format!("n{at} propose {:?} {}: {r:?}", cc.change_type, cc.node_id));
        let adds = matches!(
            cc.change_type,
            ConfChangeType::AddLearner | ConfChangeType::AddVoter
        );
        if r.is_ok() && adds && !self.nodes.contains_key(&cc.node_id) {
            let node = SimNode::boot(cc.node_id, self.bootstrap.clone(), &self.params.config);
            self.nodes.insert(cc.node_id, node);
            self.next_id = self.next_id.max(cc.node_id + 1);
        }
        r.is_ok()
    }

    /// A membership change chosen against the leader's view: add a learner or a voter
    /// (fresh ids only), promote a learner, remove a member while a majority of the
    /// original members stays, or update a member's URL.
    pub(super) fn random_conf_change(&mut self) {
        let Some(leader) = self.leader() else { return };
        let cs = self.status_conf(leader);
        let mut options = Vec::new();
        for &l in &cs.learners {
            options.push((ConfChangeType::PromoteLearner, l));
        }
        if self.nodes.len() < self.params.voters + 3 {
            options.push((ConfChangeType::AddLearner, self.next_id));
            options.push((ConfChangeType::AddVoter, self.next_id));
        }
        let majority = self.original.len() / 2 + 1;
        let originals = cs
            .voters
            .iter()
            .filter(|v| self.original.contains(v))
            .count();
        for &v in &cs.voters {
            let keeps = if self.original.contains(&v) {
                originals > majority
            } else {
                true
            };
            if keeps && cs.voters.len() > 1 {
                options.push((ConfChangeType::Remove, v));
            }
        }
        for &l in &cs.learners {
            options.push((ConfChangeType::Remove, l));
        }
        // A member that moved: the sets stay, the entry still takes the one change slot.
        if let Some(&m) = cs.voters.iter().chain(&cs.learners).last() {
            options.push((ConfChangeType::UpdateUrl, m));
        }
        if options.is_empty() {
            return;
        }
        let (change_type, node_id) = options[self.rng.below(options.len() as u64) as usize];
        let at = if self.rng.chance(0.7) {
            leader
        } else {
            self.random_up().unwrap_or(leader)
        };
        let cc = ConfChange {
            change_type,
            node_id,
            context: Bytes::new(),
        };
        self.propose_conf_change(at, cc);
    }

    pub(super) fn status_conf(&self, id: NodeId) -> ConfState {
        self.nodes[&id]
            .raw
            .as_ref()
            .map(|raw| raw.status().conf_state)
            .unwrap_or_default()
    }

    pub(super) fn random_up(&mut self) -> Option<NodeId> {
        let up = self.up_ids();
        self.rng.pick(&up)
    }

    pub fn transfer(&mut self, at: NodeId, to: NodeId) {
        if let Some(raw) = self.nodes.get_mut(&at).and_then(|n| n.raw()) {
            raw.transfer_leader(to);
            self.coverage.transfers += 1;
            self.trace(|| format!("n{at} transfer leadership to {to}"));
        }
    }

    pub fn compact(&mut self, id: NodeId) -> Result<(), Violation> {
        let Some(node) = self.nodes.get_mut(&id) else {
            return Ok(());
        };
        let d = &node.durable;
        if d.applied <= d.log_start {
            return Ok(());
        }
        let to = self.rng.range(d.log_start + 1, d.applied);
        let r = node.compact(to);
        self.coverage.compactions += 1;
        self.trace(|| format!("n{id} compact to {to}: {r:?}"));
        r.map_err(|e| Violation::new("ready_contract", format!("node {id}: {e}")))
    }

    /// Makes `id` crash in its next Ready that carries entries, after sending its
    /// `messages` and before writing anything.
    pub fn crash_before_writing_entries(&mut self, id: NodeId) {
        self.crash_before_writing_entries.push(id);
    }

    pub fn crash(&mut self, id: NodeId) {
        if let Some(node) = self.nodes.get_mut(&id) {
            node.crash();
            self.coverage.crashes += 1;
            self.trace(|| format!("n{id} crashes"));
        }
    }

    pub fn restart(&mut self, id: NodeId) -> Result<(), Violation> {
        let config = self.params.config.clone();
        let Some(node) = self.nodes.get_mut(&id) else {
            return Ok(());
        };
        let r = node.restart(&config);
        self.trace(|| format!("n{id} restarts: {r:?}"));
        r.map_err(|e| Violation::new("restart_from_storage", e))?;
        self.pump(id);
        Ok(())
    }

    pub(super) fn random_partition(&mut self) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        let mut sides = BTreeMap::new();
        match self.rng.below(3) {
            0 => {
                // Cut one node off, often the leader.
                let victim = match self.leader() {
                    Some(l) if self.rng.chance(0.5) => l,
                    _ => self.rng.pick(&ids).expect("there are nodes"),
                };
                sides.insert(victim, 1);
            }
            1 => {
                for &id in &ids {
                    sides.insert(id, self.rng.below(2) as u32);
                }
            }
            _ => {
                // Asymmetric faults: a few links that work in one direction only (a
                // leader that can send but not hear, a voter that hears but is not heard).
                for _ in 0..self.rng.range(1, 3) {
                    let from = self.rng.pick(&ids).expect("there are nodes");
                    let to = self.rng.pick(&ids).expect("there are nodes");
                    if from != to {
                        self.bus.cut_one_way(from, to);
                    }
                }
                let text = self.bus.describe_partition(&ids);
                self.trace(|| format!("cut links {text}"));
                self.coverage.partitions += 1;
                return;
            }
        }
        self.bus.partition(sides);
        self.coverage.partitions += 1;
        let text = self.bus.describe_partition(&ids);
        self.trace(|| format!("partition {text}"));
    }

    // ---- steps --------------------------------------------------------------------------

    /// One random step, then Ready handling everywhere, then every checker.
    pub fn random_step(&mut self) -> Result<(), Violation> {
        self.step += 1;
        let action = ACTIONS[self.rng.weighted(&self.params.weights)].0;
        match action {
            Action::TickAll => self.tick_all(),
            Action::TickOne => {
                if let Some(id) = self.random_up() {
                    self.tick_one(id);
                }
            }
            Action::Deliver => {
                let n = self.rng.range(1, 12);
                for _ in 0..n {
                    if !self.deliver_one() {
                        break;
                    }
                }
            }
            Action::Propose => {
                if let Some(id) = self.random_up() {
                    let data = self.fresh_payload();
                    self.propose(id, data);
                }
            }
            Action::Read => {
                if let Some(id) = self.random_up() {
                    self.read_index(id);
                }
            }
            Action::ConfChange => self.random_conf_change(),
            Action::Transfer => {
                if let Some(leader) = self.leader() {
                    let voters = self.status_conf(leader).voters;
                    if let Some(to) = self.rng.pick(&voters) {
                        let at = if self.rng.chance(0.8) {
                            leader
                        } else {
                            self.random_up().unwrap_or(leader)
                        };
                        self.transfer(at, to);
                    }
                }
            }
            Action::Compact => {
                if let Some(id) = self.random_up() {
                    self.compact(id)?;
                }
            }
            Action::Crash => {
                if self.down_ids().len() < self.params.max_down {
                    if let Some(id) = self.random_up() {
                        self.crash(id);
                    }
                }
            }
            Action::Restart => {
                let down = self.down_ids();
                if let Some(id) = self.rng.pick(&down) {
                    self.restart(id)?;
                }
            }
            Action::Partition => self.random_partition(),
            Action::Reconnect => {
                self.bus.heal();
                self.trace(|| "reconnect all".into());
            }
            Action::Campaign => {
                if let Some(id) = self.random_up() {
                    if let Some(raw) = self.nodes.get_mut(&id).and_then(|n| n.raw()) {
                        let r = raw.campaign();
                        self.trace(|| format!("n{id} campaign: {r:?}"));
                    }
                }
            }
        }
        self.pump_all();
        self.check()
    }
}
