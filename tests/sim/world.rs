//! The simulated cluster: nodes, the bus, the clock (in ticks) and the run's history.
//!
//! A run is a sequence of steps. Each step does one thing (tick, deliver some messages,
//! propose, crash a node, cut the network, ...), then lets every node handle its Ready
//! until none has one, then checks every property against what the step showed.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use raftctl::raft::{
    ConfChange, ConfChangeType, ConfState, Index, Message, MessageType, NodeId, Role,
};

use crate::bus::{Bus, Faults};
use crate::invariants::{check_all, History, Obs, Violation};
use crate::node::{ctx_bytes, CrashPoint, SimNode, LIVENESS_MARK};
use crate::rng::{mix64, Rng};

use crate::params::{Action, ACTIONS, QUIESCENCE_LIMIT};
pub use crate::params::{Coverage, Params, LIVENESS_ELECTION_TIMEOUTS};

#[path = "world/actions.rs"]
mod actions;
#[path = "world/liveness.rs"]
mod liveness;
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
