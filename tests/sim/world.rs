//! The simulated cluster: nodes, the bus, the clock (in ticks) and the run's history.
//!
//! A run is a sequence of steps. Each step does one thing (tick, deliver some messages,
//! propose, crash a node, cut the network, ...), then lets every node handle its Ready
//! until none has one, then checks every property against what the step showed.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use raftctl::raft::{
    ConfChange, ConfChangeType, ConfState, Config, Index, Message, MessageType, NodeId, Role,
};

use crate::bus::{Bus, Faults};
use crate::invariants::{check_all, History, Obs, Violation};
use crate::node::{ctx_bytes, CrashPoint, SimNode, LIVENESS_MARK};
use crate::rng::{mix64, Rng};

/// How one run behaves; drawn from its seed so that a seed is the whole recipe.
#[derive(Clone, Debug)]
pub struct Params {
    /// Size of the bootstrap cluster (3 for even seeds, 5 for odd ones).
    pub voters: usize,
    /// Random steps before the faults stop and liveness is checked.
    pub steps: u64,
    pub faults: Faults,
    /// Probability that a node crashes while handling a Ready.
    pub crash_in_ready: f64,
    /// At most this many nodes are down at once during the chaos.
    pub max_down: usize,
    /// Template for every node's config (`id`, `applied`, `seed` are set per node).
    pub config: Config,
    /// Relative frequency of each action of `ACTIONS`, in the same order.
    pub weights: [u32; ACTIONS.len()],
}

/// The random actions of a step, with their default weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    TickAll,
    TickOne,
    Deliver,
    Propose,
    Read,
    ConfChange,
    Transfer,
    Compact,
    Crash,
    Restart,
    Partition,
    Reconnect,
    Campaign,
}

pub const ACTIONS: [(Action, u32); 13] = [
    (Action::TickAll, 18),
    (Action::TickOne, 4),
    (Action::Deliver, 45),
    (Action::Propose, 12),
    (Action::Read, 3),
    (Action::ConfChange, 2),
    (Action::Transfer, 1),
    (Action::Compact, 2),
    (Action::Crash, 1),
    (Action::Restart, 3),
    (Action::Partition, 1),
    (Action::Reconnect, 2),
    (Action::Campaign, 1),
];

/// Ticks within which, once everything is healed, a leader must commit a fresh
/// proposal on every live member (in units of the election timeout). Over 30000 seeds
/// the slowest recovery took 21: without PreVote, a voter with a stale log keeps
/// restarting the election timer of the one voter that could win, and the latter only
/// wins when its randomized timeout fires first. The bound leaves room for such runs of
/// bad luck while still catching a cluster that never settles.
pub const LIVENESS_ELECTION_TIMEOUTS: u64 = 50;

/// Deliveries within one tick of a healed, fault-free network before the cluster is
/// declared not to settle (a message storm).
const QUIESCENCE_LIMIT: usize = 100_000;

impl Params {
    pub fn for_seed(seed: u64) -> Params {
        let mut r = Rng::new(mix64(seed ^ 0x0050_4152_414D_5321));
        let voters = if seed.is_multiple_of(2) { 3 } else { 5 };
        let mut config = Config::new(1);
        config.election_tick = r.range(5, 15) as usize;
        config.heartbeat_tick = r.range(1, 3) as usize;
        config.max_size_per_msg = *pick(&mut r, &[100, 1000, 1 << 20]);
        config.max_committed_size_per_ready = *pick(&mut r, &[100, 1000, 4 << 20]);
        config.max_uncommitted_entries_size = *pick(&mut r, &[None, None, Some(2000)]);
        config.max_inflight_msgs = *pick(&mut r, &[1, 4, 256]);
        config.check_quorum = r.chance(0.8);
        config.pre_vote = r.chance(0.8);
        config.disable_proposal_forwarding = r.chance(0.1);
        config.seed = mix64(seed);
        let faults = Faults {
            drop: *pick(&mut r, &[0.0, 0.02, 0.1, 0.25]),
            duplicate: *pick(&mut r, &[0.0, 0.02, 0.1]),
            max_delay: *pick(&mut r, &[0, 1, 3, 8]),
            reorder: r.chance(0.7),
        };
        let crash_in_ready = *pick(&mut r, &[0.0, 0.005, 0.02, 0.05]);
        let max_down = if r.chance(0.1) {
            voters
        } else {
            (voters - 1) / 2
        };
        // Each seed leans its own way: some actions four times as frequent, some halved,
        // so that runs differ in character (election storms, membership churn, ...).
        let mut weights = ACTIONS.map(|(_, w)| w);
        for (i, w) in weights.iter_mut().enumerate() {
            if matches!(ACTIONS[i].0, Action::TickAll | Action::Deliver) {
                continue;
            }
            match r.below(10) {
                0..=2 => *w *= 4,
                3..=4 => *w = (*w / 2).max(1),
                _ => {}
            }
        }
        Params {
            voters,
            steps: 3000,
            faults,
            crash_in_ready,
            max_down,
            config,
            weights,
        }
    }

    /// One line for the failure report.
    /// A fault-free run for hand-written scenarios: defaults everywhere.
    pub fn quiet(voters: usize, seed: u64) -> Params {
        let mut config = Config::new(1);
        config.seed = mix64(seed);
        Params {
            voters,
            steps: 0,
            faults: Faults::none(),
            crash_in_ready: 0.0,
            max_down: voters,
            config,
            weights: ACTIONS.map(|(_, w)| w),
        }
    }

    pub fn describe(&self) -> String {
        let c = &self.config;
        format!(
            "{} voters, election {} heartbeat {}, pre_vote {} check_quorum {}, inflight {}, \
             msg {} B; drop {} dup {} delay <={} reorder {}; crash-in-ready {}, max down {}",
            self.voters,
            c.election_tick,
            c.heartbeat_tick,
            c.pre_vote,
            c.check_quorum,
            c.max_inflight_msgs,
            c.max_size_per_msg,
            self.faults.drop,
            self.faults.duplicate,
            self.faults.max_delay,
            self.faults.reorder,
            self.crash_in_ready,
            self.max_down
        )
    }
}

fn pick<'a, T>(r: &mut Rng, items: &'a [T]) -> &'a T {
    &items[r.below(items.len() as u64) as usize]
}

/// What a run exercised: summed over seeds, it shows the runs are not vacuous.
#[derive(Clone, Copy, Debug, Default)]
pub struct Coverage {
    pub proposals: u64,
    pub conf_changes: u64,
    pub snapshots_installed: u64,
    pub reads_answered: u64,
    pub crashes: u64,
    pub crashes_in_ready: u64,
    pub compactions: u64,
    pub transfers: u64,
    pub partitions: u64,
}

impl Coverage {
    pub fn add(&mut self, o: &Coverage) {
        self.proposals += o.proposals;
        self.conf_changes += o.conf_changes;
        self.snapshots_installed += o.snapshots_installed;
        self.reads_answered += o.reads_answered;
        self.crashes += o.crashes;
        self.crashes_in_ready += o.crashes_in_ready;
        self.compactions += o.compactions;
        self.transfers += o.transfers;
        self.partitions += o.partitions;
    }
}

impl std::fmt::Display for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} proposals accepted, {} membership changes applied, {} snapshots installed, \
             {} reads answered, {} crashes ({} inside a Ready), {} compactions, \
             {} transfers asked, {} partitions",
            self.proposals,
            self.conf_changes,
            self.snapshots_installed,
            self.reads_answered,
            self.crashes,
            self.crashes_in_ready,
            self.compactions,
            self.transfers,
            self.partitions
        )
    }
}

pub struct World {
    pub seed: u64,
    pub params: Params,
    pub rng: Rng,
    /// Simulated time, in ticks.
    pub now: u64,
    pub step: u64,
    pub bus: Bus,
    pub nodes: BTreeMap<NodeId, SimNode>,
    pub original: Vec<NodeId>,
    bootstrap: ConfState,
    next_id: NodeId,
    /// Nodes whose removal some node applied, with the index of the removal. Like an
    /// operator, the harness shuts such a node down once the healed cluster has applied
    /// its removal everywhere (earlier, the remaining members may still need its vote).
    removals: BTreeMap<NodeId, Index>,
    pub hist: History,
    pub coverage: Coverage,
    /// The highest index of a membership change applied anywhere (for `coverage`).
    conf_index: Index,
    obs: Vec<Obs>,
    chaos: bool,
    next_payload: u64,
    next_ctx: u64,
    trace: Option<VecDeque<String>>,
    trace_capacity: usize,
    /// Nodes that crash, for a scenario, in their next Ready that carries entries,
    /// before writing it.
    crash_before_writing_entries: Vec<NodeId>,
}

/// How many trace lines a replay keeps (the tail before the failure), unless
/// `SIM_TRACE_LINES` says otherwise.
const TRACE_LINES: usize = 400;

impl World {
    pub fn new(seed: u64, params: Params) -> World {
        let original: Vec<NodeId> = (1..=params.voters as u64).collect();
        let bootstrap = ConfState {
            voters: original.clone(),
            learners: Vec::new(),
        };
        let mut nodes = BTreeMap::new();
        for &id in &original {
            nodes.insert(id, SimNode::boot(id, bootstrap.clone(), &params.config));
        }
        World {
            seed,
            rng: Rng::new(mix64(seed)),
            now: 0,
            step: 0,
            bus: Bus::new(params.faults),
            nodes,
            next_id: original.len() as u64 + 1,
            original,
            bootstrap,
            removals: BTreeMap::new(),
            hist: History::default(),
            coverage: Coverage::default(),
            conf_index: 0,
            obs: Vec::new(),
            chaos: true,
            next_payload: 0,
            next_ctx: 0,
            trace: None,
            trace_capacity: TRACE_LINES,
            crash_before_writing_entries: Vec::new(),
            params,
        }
    }

    pub fn enable_trace(&mut self) {
        self.trace_capacity = std::env::var("SIM_TRACE_LINES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(TRACE_LINES);
        self.trace = Some(VecDeque::new());
    }

    fn trace(&mut self, line: impl FnOnce() -> String) {
        if let Some(t) = &mut self.trace {
            if t.len() >= self.trace_capacity {
                t.pop_front();
            }
            t.push_back(format!("t{} s{} {}", self.now, self.step, line()));
        }
    }

    pub fn trace_lines(&self) -> Vec<String> {
        self.trace
            .as_ref()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn up_ids(&self) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.is_up())
            .map(|(&id, _)| id)
            .collect()
    }

    fn down_ids(&self) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(_, n)| !n.is_up() && !n.retired)
            .map(|(&id, _)| id)
            .collect()
    }

    /// The running node that leads the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter_map(|(&id, n)| {
                let raw = n.raw.as_ref()?;
                raw.is_leader().then(|| (raw.status().hard_state.term, id))
            })
            .max()
            .map(|(_, id)| id)
    }

    // ---- the Ready loop and the network ---------------------------------------------

    /// Lets node `id` handle its Readies until it has none (or crashes).
    pub fn pump(&mut self, id: NodeId) {
        loop {
            let ready = self
                .nodes
                .get(&id)
                .and_then(|n| n.raw.as_ref())
                .is_some_and(|raw| raw.has_ready());
            if !ready {
                return;
            }
            let allowed = self.chaos
                && self.params.crash_in_ready > 0.0
                && self.down_ids().len() < self.params.max_down;
            let p = self.params.crash_in_ready;
            let rng = &mut self.rng;
            let forced = &mut self.crash_before_writing_entries;
            let node = self.nodes.get_mut(&id).expect("checked above");
            let incarnation = node.incarnation;
            let out = node.handle_ready(
                |rd| {
                    if forced.contains(&id) && !rd.entries.is_empty() {
                        forced.retain(|&f| f != id);
                        return Some(CrashPoint::BeforePersist);
                    }
                    // Crashes matter most where a Ready changes durable state: a vote,
                    // a term, entries. Aim there more often.
                    let writes = rd.hard_state.is_some() || !rd.entries.is_empty();
                    let p = if writes { (p * 5.0).min(1.0) } else { p };
                    if !allowed || !rng.chance(p) {
                        None
                    } else if rng.chance(0.6) {
                        Some(CrashPoint::BeforePersist)
                    } else {
                        Some(CrashPoint::AfterPersist)
                    }
                },
                &mut self.obs,
            );
            if let Some(point) = out.crashed {
                self.coverage.crashes += 1;
                self.coverage.crashes_in_ready += 1;
                self.trace(|| format!("n{id} crashes handling a Ready ({point:?})"));
            }
            for m in out.messages.into_iter().chain(out.persisted_messages) {
                self.send(m, incarnation);
            }
            if out.crashed.is_some() {
                return;
            }
        }
    }

    /// Lets every running node handle its Readies until none has one.
    pub fn pump_all(&mut self) {
        loop {
            let busy: Vec<NodeId> = self
                .nodes
                .iter()
                .filter(|(_, n)| n.raw.as_ref().is_some_and(|raw| raw.has_ready()))
                .map(|(&id, _)| id)
                .collect();
            if busy.is_empty() {
                return;
            }
            for id in busy {
                self.pump(id);
            }
        }
    }

    fn send(&mut self, m: Message, incarnation: u64) {
        self.trace(|| format!("send {}", describe(&m)));
        if let Some(lost) = self.bus.send(&mut self.rng, self.now, m, incarnation) {
            self.report_lost(&lost, incarnation);
        }
    }

    /// What the sender's transport would notice about a message that did not arrive.
    fn report_lost(&mut self, m: &Message, incarnation: u64) {
        let report_unreachable = self.rng.chance(0.3);
        let Some(node) = self.nodes.get_mut(&m.from) else {
            return;
        };
        if node.incarnation != incarnation {
            return;
        }
        let Some(raw) = node.raw() else { return };
        if m.msg_type == MessageType::Snapshot {
            raw.report_snapshot(m.to, false);
        } else if report_unreachable {
            raw.report_unreachable(m.to);
        }
    }

    /// Delivers the next due message, if any (and lets its receiver handle the Ready).
    pub fn deliver_one(&mut self) -> bool {
        let Some((inflight, reaches)) = self.bus.next_due(&mut self.rng, self.now) else {
            return false;
        };
        let m = inflight.msg;
        let (from, to, is_snapshot) = (m.from, m.to, m.msg_type == MessageType::Snapshot);
        let receiver_up = self.nodes.get(&to).is_some_and(|n| n.is_up());
        if !reaches || !receiver_up {
            self.trace(|| format!("lost {}", describe(&m)));
            self.report_lost(&m, inflight.sender_incarnation);
            return true;
        }
        self.trace(|| format!("recv {}", describe(&m)));
        let raw = self
            .nodes
            .get_mut(&to)
            .and_then(|n| n.raw())
            .expect("receiver is up");
        let _ = raw.step(m);
        if is_snapshot {
            let sender = self
                .nodes
                .get_mut(&from)
                .filter(|n| n.incarnation == inflight.sender_incarnation);
            if let Some(raw) = sender.and_then(|n| n.raw()) {
                raw.report_snapshot(to, true);
            }
        }
        self.pump(to);
        true
    }

    pub fn tick_all(&mut self) {
        self.now += 1;
        for id in self.up_ids() {
            self.tick_one(id);
        }
    }

    fn tick_one(&mut self, id: NodeId) {
        if let Some(raw) = self.nodes.get_mut(&id).and_then(|n| n.raw()) {
            raw.tick();
            self.pump(id);
        }
    }

    // ---- what clients and operators do ------------------------------------------------

    pub fn propose(&mut self, id: NodeId, data: Bytes) -> bool {
        let Some(raw) = self.nodes.get_mut(&id).and_then(|n| n.raw()) else {
            return false;
        };
        let r = raw.propose(data);
        self.coverage.proposals += u64::from(r.is_ok());
        self.trace(|| format!("n{id} propose: {r:?}"));
        r.is_ok()
    }

    fn fresh_payload(&mut self) -> Bytes {
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
    /// (fresh ids only), promote a learner, or remove a member while a majority of the
    /// original members stays.
    fn random_conf_change(&mut self) {
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

    fn status_conf(&self, id: NodeId) -> ConfState {
        self.nodes[&id]
            .raw
            .as_ref()
            .map(|raw| raw.status().conf_state)
            .unwrap_or_default()
    }

    fn random_up(&mut self) -> Option<NodeId> {
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

    fn random_partition(&mut self) {
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

    /// Runs every checker over what happened since the last check.
    pub fn check(&mut self) -> Result<(), Violation> {
        let obs = std::mem::take(&mut self.obs);
        for o in &obs {
            match o {
                Obs::SnapshotInstalled { .. } => self.coverage.snapshots_installed += 1,
                Obs::ReadState { .. } => self.coverage.reads_answered += 1,
                Obs::ConfApplied { index, .. } if *index > self.conf_index => {
                    self.conf_index = *index;
                    self.coverage.conf_changes += 1;
                }
                _ => {}
            }
            if let Obs::ConfApplied { node, index, cc } = o {
                if cc.change_type == ConfChangeType::Remove
                    && !self.removals.contains_key(&cc.node_id)
                {
                    self.removals.insert(cc.node_id, *index);
                    let (node, removed) = (*node, cc.node_id);
                    self.trace(|| format!("n{node} applied the removal of {removed}"));
                }
            }
        }
        check_all(&mut self.hist, &obs)
    }

    // ---- healing and liveness -------------------------------------------------------------

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
    fn retire_removed(&mut self, leader: NodeId) {
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

/// A message in one short line for traces.
pub fn describe(m: &Message) -> String {
    let mut s = format!("{}->{} {:?} t{}", m.from, m.to, m.msg_type, m.term);
    if m.index != 0 || m.log_term != 0 {
        s += &format!(" i{}/t{}", m.index, m.log_term);
    }
    if !m.entries.is_empty() {
        s += &format!(
            " ents {}..={}",
            m.entries[0].index,
            m.entries[m.entries.len() - 1].index
        );
    }
    if m.commit != 0 {
        s += &format!(" c{}", m.commit);
    }
    if m.reject {
        s += &format!(" reject hint {}", m.reject_hint);
    }
    if let Some(snap) = &m.snapshot {
        s += &format!(" snap {}@t{}", snap.meta.index, snap.meta.term);
    }
    s
}
