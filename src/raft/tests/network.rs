//! A deterministic in-process network of `RawNode`s over `MemStorage`, after etcd's
//! `newNetwork`: every Ready is persisted and applied at once, messages are delivered
//! until the network is quiet, and links can be cut, nodes isolated, message types
//! ignored.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;

use crate::raft::{
    ConfChange, ConfState, Config, Entry, EntryType, Error, HardState, Index, MemStorage, Message,
    MessageType, NodeId, RawNode, ReadState, Ready, Role, Term,
};

pub fn ent(index: Index, term: Term) -> Entry {
    Entry {
        index,
        term,
        entry_type: EntryType::Normal,
        data: Bytes::new(),
    }
}

pub fn conf(voters: &[NodeId]) -> ConfState {
    ConfState {
        voters: voters.to_vec(),
        learners: Vec::new(),
    }
}

pub fn config(id: NodeId) -> Config {
    let mut c = Config::new(id);
    c.seed = 42;
    c
}

/// A storage holding `log` (terms of entries 1..) with `term` as the hard state term.
pub fn storage_with(voters: &[NodeId], terms: &[Term], term: Term) -> MemStorage {
    let mut s = MemStorage::new_with_conf_state(conf(voters));
    let ents: Vec<Entry> = terms
        .iter()
        .enumerate()
        .map(|(i, &t)| ent(i as u64 + 1, t))
        .collect();
    s.append(&ents).expect("contiguous test log");
    s.set_hard_state(HardState {
        term,
        vote: None,
        commit: 0,
    });
    s
}

/// Persists and applies `rd` the way the runtime does; returns all its messages.
pub fn persist_ready(node: &mut RawNode<MemStorage>, rd: &Ready, applied: &mut Vec<Entry>) {
    let store = node.store_mut();
    if let Some(s) = &rd.snapshot {
        store.apply_snapshot(s.clone()).expect("snapshot installs");
    }
    store.append(&rd.entries).expect("entries append");
    if let Some(hs) = rd.hard_state {
        store.set_hard_state(hs);
    }
    for e in &rd.committed_entries {
        if e.entry_type == EntryType::ConfChange {
            if let Ok(cc) = ConfChange::decode(&e.data) {
                if let Ok(cs) = node.apply_conf_change(&cc) {
                    node.store_mut().set_conf_state(cs);
                }
            }
        }
        applied.push(e.clone());
    }
}

/// Decides which messages the network loses.
pub type DropFilter = Box<dyn Fn(&Message) -> bool>;

pub struct Network {
    pub nodes: BTreeMap<NodeId, RawNode<MemStorage>>,
    /// Links (from, to) that drop everything.
    pub cut: BTreeSet<(NodeId, NodeId)>,
    ignored: std::collections::HashSet<MessageType>,
    pub applied: BTreeMap<NodeId, Vec<Entry>>,
    pub read_states: BTreeMap<NodeId, Vec<ReadState>>,
    /// Every message delivered, for assertions.
    pub trace: Vec<Message>,
    /// Drops the messages it returns true for.
    pub drop_if: Option<DropFilter>,
}

impl Network {
    /// `ids` as voters, default config (pre-vote and check-quorum on).
    pub fn new(ids: &[NodeId]) -> Network {
        Network::with_config(ids, |_| {})
    }

    pub fn with_config(ids: &[NodeId], f: impl Fn(&mut Config)) -> Network {
        let stores = ids
            .iter()
            .map(|&id| (id, MemStorage::new_with_conf_state(conf(ids))))
            .collect();
        Network::with_storages(stores, f)
    }

    pub fn with_storages(stores: Vec<(NodeId, MemStorage)>, f: impl Fn(&mut Config)) -> Network {
        let mut nodes = BTreeMap::new();
        for (id, store) in stores {
            let mut c = config(id);
            f(&mut c);
            nodes.insert(id, RawNode::new(&c, store).expect("valid test node"));
        }
        Network {
            nodes,
            cut: BTreeSet::new(),
            ignored: std::collections::HashSet::new(),
            applied: BTreeMap::new(),
            read_states: BTreeMap::new(),
            trace: Vec::new(),
            drop_if: None,
        }
    }

    pub fn add_node(&mut self, id: NodeId, store: MemStorage, f: impl Fn(&mut Config)) {
        let mut c = config(id);
        f(&mut c);
        self.nodes
            .insert(id, RawNode::new(&c, store).expect("valid test node"));
    }

    pub fn node(&mut self, id: NodeId) -> &mut RawNode<MemStorage> {
        self.nodes.get_mut(&id).expect("node exists")
    }

    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        self.cut.insert((a, b));
        self.cut.insert((b, a));
    }

    pub fn isolate(&mut self, id: NodeId) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for other in ids {
            if other != id {
                self.cut(id, other);
            }
        }
    }

    pub fn ignore(&mut self, t: MessageType) {
        self.ignored.insert(t);
    }

    pub fn recover(&mut self) {
        self.cut.clear();
        self.ignored.clear();
        self.drop_if = None;
    }

    /// Restarts `id` from what its storage holds (unpersisted state is lost).
    pub fn restart(&mut self, id: NodeId) {
        let applied = self.nodes[&id].raft.raft_log.applied;
        let store = self.nodes[&id].store().clone();
        self.add_node(id, store, |c| c.applied = applied);
    }

    /// Processes every node's Ready and delivers messages until nothing moves.
    pub fn drain(&mut self) {
        let mut queue: VecDeque<Message> = VecDeque::new();
        for _ in 0..10_000 {
            let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
            for id in ids {
                let node = self.nodes.get_mut(&id).expect("listed");
                while node.has_ready() {
                    let rd = node.ready();
                    let applied = self.applied.entry(id).or_default();
                    persist_ready(node, &rd, applied);
                    self.read_states
                        .entry(id)
                        .or_default()
                        .extend(rd.read_states.iter().cloned());
                    queue.extend(rd.messages.iter().cloned());
                    queue.extend(rd.persisted_messages.iter().cloned());
                    node.advance(rd);
                }
            }
            if queue.is_empty() {
                return;
            }
            while let Some(m) = queue.pop_front() {
                self.deliver(m);
            }
        }
        panic!("network did not settle");
    }

    fn deliver(&mut self, m: Message) {
        if self.cut.contains(&(m.from, m.to)) || self.ignored.contains(&m.msg_type) {
            return;
        }
        if self.drop_if.as_ref().is_some_and(|f| f(&m)) {
            return;
        }
        // A node cut off from the sender of a forwarded message never gets it either.
        self.trace.push(m.clone());
        if let Some(node) = self.nodes.get_mut(&m.to) {
            let _ = node.step(m);
        }
    }

    pub fn campaign(&mut self, id: NodeId) {
        let _ = self.node(id).campaign();
        self.drain();
    }

    pub fn propose(&mut self, id: NodeId, data: &'static [u8]) -> Result<(), Error> {
        let r = self.node(id).propose(Bytes::from_static(data));
        self.drain();
        r
    }

    pub fn tick(&mut self, id: NodeId, n: usize) {
        for _ in 0..n {
            self.node(id).tick();
            self.drain();
        }
    }

    pub fn tick_all(&mut self, n: usize) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for _ in 0..n {
            for &id in &ids {
                self.node(id).tick();
            }
            self.drain();
        }
    }

    pub fn role(&self, id: NodeId) -> Role {
        self.nodes[&id].raft.role
    }

    pub fn term(&self, id: NodeId) -> Term {
        self.nodes[&id].raft.term
    }

    pub fn committed(&self, id: NodeId) -> Index {
        self.nodes[&id].raft.raft_log.committed
    }

    pub fn last_index(&self, id: NodeId) -> Index {
        self.nodes[&id].raft.raft_log.last_index()
    }

    pub fn leaders(&self) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.raft.role == Role::Leader)
            .map(|(&id, _)| id)
            .collect()
    }

    /// (index, term) of every entry of `id`'s log.
    pub fn log_of(&self, id: NodeId) -> Vec<(Index, Term)> {
        let log = &self.nodes[&id].raft.raft_log;
        let first = log.first_index();
        let last = log.last_index();
        log.slice(first, last + 1, None)
            .expect("whole log readable")
            .iter()
            .map(|e| (e.index, e.term))
            .collect()
    }

    pub fn applied_data(&self, id: NodeId) -> Vec<Bytes> {
        self.applied
            .get(&id)
            .map(|v| {
                v.iter()
                    .filter(|e| e.entry_type == EntryType::Normal)
                    .map(|e| e.data.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}
