//! One simulated node: a `RawNode<MemStorage>` plus the durable state a runtime keeps
//! next to the log (applied index, state machine, membership), and its Ready loop.
//!
//! What a crash keeps: the `MemStorage` and `Durable` as of the last persisted Ready.
//! Everything else (the RawNode, its unstable log, a Ready being handled) is lost.
//!
//! How this differs from the runtime (`node/persist.rs`): here applying is part of every
//! persisting Ready, so the applied index, the state machine and the membership survive
//! together with the log. The runtime instead keeps applied changes in its apply buffer
//! and writes them in chunks, and a Ready that only moves the commit index writes
//! nothing; after a crash it applies again from the log what the buffer held. Those
//! rules are covered by two seeded simulations in the library, which run the real
//! persister over a disk that loses what was not synced: alone with random Readies
//! (`src/node/persist/crash_sim.rs`), and as three members of a cluster, each the real
//! core over the real store (`src/node/persist/cluster_sim.rs`); and by the process
//! tests (`tests/chaos.rs`, `tests/storage_crash.rs`, `tests/node_disk_faults.rs`).
//! These seeds cover the core and the messages, with membership changes and snapshots.

use bytes::Bytes;
use raftctl::raft::{
    ConfChange, ConfState, Config, EntryType, HardState, Index, MemStorage, Message, NodeId,
    RawNode, Ready, Role, Snapshot, Storage,
};

use crate::invariants::{chain, LogPos, Obs};

/// What the harness persists besides the `MemStorage`, in the same transaction.
#[derive(Clone, Debug)]
pub struct Durable {
    pub applied: Index,
    /// The state machine: the prefix hash of everything applied.
    pub state: u64,
    /// The membership as of `applied`.
    pub conf_state: ConfState,
    /// `log_hashes[k]` is the prefix hash of the durable log at `log_start + k`; index 0
    /// is the compaction point (from a snapshot or the empty log).
    pub log_start: Index,
    pub log_hashes: Vec<u64>,
    /// Durable log positions up to here were already reported committed.
    pub commit_reported: Index,
    /// Index of the last applied entry carrying the liveness marker.
    pub last_mark: Index,
}

impl Durable {
    fn fresh(conf_state: ConfState) -> Durable {
        Durable {
            applied: 0,
            state: 0,
            conf_state,
            log_start: 0,
            log_hashes: vec![0],
            commit_reported: 0,
            last_mark: 0,
        }
    }

    fn hash_at(&self, index: Index) -> u64 {
        self.log_hashes[(index - self.log_start) as usize]
    }
}

/// Payloads starting with this are proposed once the network is healed.
pub const LIVENESS_MARK: &[u8] = b"heal:";

/// Where a crash hits a node that is handling a Ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrashPoint {
    /// After sending `messages`, before anything is durable: the Ready is lost.
    BeforePersist,
    /// After the write, before `persisted_messages` went out.
    AfterPersist,
}

/// Messages a Ready wants sent, in order.
#[derive(Default)]
pub struct Outbox {
    pub messages: Vec<Message>,
    pub persisted_messages: Vec<Message>,
    /// Set when the node crashed while handling the Ready.
    pub crashed: Option<CrashPoint>,
}

pub struct SimNode {
    pub id: NodeId,
    /// Bumped on every restart; seeds the election timer and tags outgoing messages.
    pub incarnation: u64,
    pub raw: Option<RawNode<MemStorage>>,
    /// The storage of a crashed node, waiting for a restart.
    parked: Option<MemStorage>,
    pub durable: Durable,
    /// Removed from the cluster and shut down by the operator: never restarted.
    pub retired: bool,
}

/// Snapshot payload: the state machine at the snapshot index (index and prefix hash).
pub fn encode_snapshot_data(applied: Index, state: u64) -> Bytes {
    let mut v = applied.to_be_bytes().to_vec();
    v.extend_from_slice(&state.to_be_bytes());
    Bytes::from(v)
}

fn decode_snapshot_data(data: &[u8]) -> Option<(Index, u64)> {
    if data.len() != 16 {
        return None;
    }
    let index = u64::from_be_bytes(data[..8].try_into().ok()?);
    let state = u64::from_be_bytes(data[8..].try_into().ok()?);
    Some((index, state))
}

pub fn ctx_bytes(ctx: u64) -> Bytes {
    Bytes::from(ctx.to_be_bytes().to_vec())
}

fn ctx_of(bytes: &[u8]) -> u64 {
    bytes.try_into().map(u64::from_be_bytes).unwrap_or(u64::MAX)
}

impl SimNode {
    /// A node booting with `conf_state` (the bootstrap membership) and an empty log.
    pub fn boot(id: NodeId, conf_state: ConfState, config: &Config) -> SimNode {
        let store = MemStorage::new_with_conf_state(conf_state.clone());
        let mut node = SimNode {
            id,
            incarnation: 0,
            raw: None,
            parked: Some(store),
            durable: Durable::fresh(conf_state),
            retired: false,
        };
        node.restart(config)
            .expect("a fresh node with a valid config starts");
        node
    }

    pub fn is_up(&self) -> bool {
        self.raw.is_some()
    }

    pub fn raw(&mut self) -> Option<&mut RawNode<MemStorage>> {
        self.raw.as_mut()
    }

    pub fn store(&self) -> &MemStorage {
        match &self.raw {
            Some(raw) => raw.store(),
            None => self.parked.as_ref().expect("a down node keeps its storage"),
        }
    }

    /// Loses everything that is not durable.
    pub fn crash(&mut self) {
        if let Some(raw) = self.raw.take() {
            self.parked = Some(raw.store().clone());
        }
    }

    /// Starts a new RawNode from the durable state. `config.applied` and `config.seed`
    /// are filled in here.
    pub fn restart(&mut self, config: &Config) -> Result<(), String> {
        let mut store = self.parked.take().expect("only a down node restarts");
        // MemStorage restarts with the membership of its snapshot; when conf changes
        // were applied since, record a snapshot at the applied index so that storage
        // and state machine agree on the membership (as the runtime persists it with
        // the applied index).
        let snap = store.snapshot(0).map_err(|e| e.to_string())?;
        if snap.meta.conf_state != self.durable.conf_state {
            if self.durable.applied > snap.meta.index {
                let data = encode_snapshot_data(self.durable.applied, self.durable.state);
                store
                    .create_snapshot(self.durable.applied, self.durable.conf_state.clone(), data)
                    .map_err(|e| format!("snapshot at restart: {e}"))?;
            } else {
                store.set_conf_state(self.durable.conf_state.clone());
            }
        }
        self.incarnation += 1;
        let mut config = config.clone();
        config.id = self.id;
        config.applied = self.durable.applied;
        // Every node and every incarnation draws its own election timeouts, as nodes
        // seeded from their own entropy would.
        let own = crate::rng::mix64(self.id) ^ self.incarnation.rotate_left(32);
        config.seed = crate::rng::mix64(config.seed ^ own);
        match RawNode::new(&config, store.clone()) {
            Ok(raw) => {
                self.raw = Some(raw);
                Ok(())
            }
            Err(e) => {
                self.parked = Some(store);
                Err(format!(
                    "node {} does not restart (applied {}): {e}",
                    self.id, self.durable.applied
                ))
            }
        }
    }

    /// Takes a snapshot of the state machine at the applied index and compacts the log
    /// up to `compact_to` (clamped to what may be compacted).
    pub fn compact(&mut self, compact_to: Index) -> Result<(), String> {
        let d = &mut self.durable;
        let Some(raw) = self.raw.as_mut() else {
            return Ok(());
        };
        let store = raw.store_mut();
        let held = store.snapshot(0).map_err(|e| e.to_string())?.meta.index;
        if d.applied > held {
            let data = encode_snapshot_data(d.applied, d.state);
            store
                .create_snapshot(d.applied, d.conf_state.clone(), data)
                .map_err(|e| format!("create_snapshot({}): {e}", d.applied))?;
        }
        let compact_to = compact_to.min(d.applied);
        if compact_to <= d.log_start {
            return Ok(());
        }
        store
            .compact(compact_to)
            .map_err(|e| format!("compact({compact_to}): {e}"))?;
        d.log_hashes.drain(..(compact_to - d.log_start) as usize);
        d.log_start = compact_to;
        Ok(())
    }

    /// Handles one Ready: the runtime's loop, with an optional crash in the middle.
    /// `crash` looks at the Ready and says whether (and where) the node crashes in it.
    pub fn handle_ready(
        &mut self,
        crash: impl FnOnce(&Ready) -> Option<CrashPoint>,
        obs: &mut Vec<Obs>,
    ) -> Outbox {
        let id = self.id;
        let raw = self.raw.as_mut().expect("only a running node has a Ready");
        let mut rd = raw.ready();
        let crash = crash(&rd);
        let mut out = Outbox {
            messages: std::mem::take(&mut rd.messages),
            ..Outbox::default()
        };
        if let Some(ss) = rd.soft_state {
            if ss.role == Role::Leader {
                let term = raw.status().hard_state.term;
                obs.push(Obs::Leader { node: id, term });
            }
        }
        if crash == Some(CrashPoint::BeforePersist) {
            self.crash();
            out.crashed = crash;
            return out;
        }

        // One transaction: snapshot, entries, hard state, and the applied entries.
        let before = raw.store().hard_state();
        if let Some(snap) = &rd.snapshot {
            install_snapshot(id, raw.store_mut(), &mut self.durable, snap, obs);
        }
        if !rd.entries.is_empty() {
            let store = raw.store_mut();
            if let Err(e) = store.append(&rd.entries) {
                obs.push(Obs::Contract {
                    node: id,
                    what: format!(
                        "storage refused entries {}..={}: {e}",
                        rd.entries[0].index,
                        rd.entries[rd.entries.len() - 1].index
                    ),
                });
            } else {
                record_append(id, &mut self.durable, &rd.entries, obs);
            }
        }
        if let Some(hs) = rd.hard_state {
            raw.store_mut().set_hard_state(hs);
        }
        report_committed(id, raw.store(), &mut self.durable, obs);
        for e in &rd.committed_entries {
            let d = &mut self.durable;
            let expected = d.applied + 1;
            if raw.store().term(e.index) != Ok(e.term) {
                obs.push(Obs::Contract {
                    node: id,
                    what: format!(
                        "applied entry {}@t{} is not in its durable log (log start {}, \
                         durable term there {:?})",
                        e.index,
                        e.term,
                        d.log_start,
                        raw.store().term(e.index)
                    ),
                });
            }
            d.state = chain(d.state, e);
            d.applied = e.index;
            obs.push(Obs::Applied {
                node: id,
                pos: LogPos {
                    index: e.index,
                    term: e.term,
                    hash: d.state,
                },
                expected,
            });
            match e.entry_type {
                EntryType::ConfChange => {
                    if let Ok(cc) = ConfChange::decode(&e.data) {
                        if let Ok(cs) = raw.apply_conf_change(&cc) {
                            d.conf_state = cs;
                        }
                        obs.push(Obs::ConfApplied {
                            node: id,
                            index: e.index,
                            cc,
                        });
                    }
                }
                EntryType::Normal if e.data.starts_with(LIVENESS_MARK) => {
                    d.last_mark = e.index;
                }
                _ => {}
            }
        }
        let after = raw.store().hard_state();
        obs.push(Obs::Durable {
            node: id,
            before,
            after,
            log_start: self.durable.log_start,
            last_index: raw.store().last_index().unwrap_or(0),
            applied: self.durable.applied,
        });
        for rs in &rd.read_states {
            obs.push(Obs::ReadState {
                node: id,
                ctx: ctx_of(&rs.request_ctx),
                index: rs.index,
            });
        }
        if crash == Some(CrashPoint::AfterPersist) {
            self.crash();
            out.crashed = crash;
            return out;
        }
        out.persisted_messages = std::mem::take(&mut rd.persisted_messages);
        raw.advance(rd);
        out
    }

    /// The node's durable hard state.
    pub fn hard_state(&self) -> HardState {
        self.store().hard_state()
    }
}

fn install_snapshot(
    id: NodeId,
    store: &mut MemStorage,
    d: &mut Durable,
    snap: &Snapshot,
    obs: &mut Vec<Obs>,
) {
    let meta = &snap.meta;
    let Some((index, state)) = decode_snapshot_data(&snap.data) else {
        obs.push(Obs::Contract {
            node: id,
            what: format!("snapshot at {} carries no state machine image", meta.index),
        });
        return;
    };
    if index != meta.index {
        obs.push(Obs::Contract {
            node: id,
            what: format!(
                "snapshot meta says index {} but its image is at {index}",
                meta.index
            ),
        });
        return;
    }
    if let Err(e) = store.apply_snapshot(snap.clone()) {
        obs.push(Obs::Contract {
            node: id,
            what: format!("storage refused snapshot at {}: {e}", meta.index),
        });
        return;
    }
    d.applied = index;
    d.state = state;
    d.conf_state = meta.conf_state.clone();
    d.log_start = index;
    d.log_hashes = vec![state];
    d.commit_reported = index;
    obs.push(Obs::SnapshotInstalled {
        node: id,
        pos: LogPos {
            index,
            term: meta.term,
            hash: state,
        },
    });
}

/// Mirrors `MemStorage::append` on the prefix hashes and reports the new positions.
fn record_append(
    id: NodeId,
    d: &mut Durable,
    entries: &[raftctl::raft::Entry],
    obs: &mut Vec<Obs>,
) {
    let mut persisted = Vec::with_capacity(entries.len());
    for e in entries.iter().filter(|e| e.index > d.log_start) {
        let k = (e.index - d.log_start) as usize;
        d.log_hashes.truncate(k);
        let hash = chain(d.log_hashes[k - 1], e);
        d.log_hashes.push(hash);
        persisted.push(LogPos {
            index: e.index,
            term: e.term,
            hash,
        });
    }
    if let Some(first) = persisted.first() {
        d.commit_reported = d.commit_reported.min(first.index - 1);
    }
    obs.push(Obs::LogPersisted {
        node: id,
        entries: persisted,
    });
}

/// Reports the durable positions newly covered by the durable commit index.
fn report_committed(id: NodeId, store: &MemStorage, d: &mut Durable, obs: &mut Vec<Obs>) {
    let commit = store.hard_state().commit;
    let last = store.last_index().unwrap_or(0);
    let upto = commit.min(last);
    let from = (d.commit_reported + 1).max(d.log_start + 1);
    if upto < from {
        return;
    }
    let entries = (from..=upto)
        .map(|index| LogPos {
            index,
            term: store.term(index).unwrap_or(0),
            hash: d.hash_at(index),
        })
        .collect();
    d.commit_reported = upto;
    obs.push(Obs::CommittedInLog { node: id, entries });
}
