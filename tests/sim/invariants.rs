//! The safety properties, one checker per property.
//!
//! The cluster reports what happened during a step as `Obs`ervations (a leader was seen,
//! entries became durable, an entry was applied, ...). After the step, every checker
//! reads them against the `History` of the whole run and either records what it learned
//! or returns a `Violation` naming the property and the states involved.
//!
//! Logs are compared through prefix hashes: the hash of an entry at index `i` covers the
//! whole log `1..=i`, so two nodes agree on a prefix exactly when they agree on the hash
//! of its last entry. A node's state machine is the same hash over the entries it
//! applied, which is why a snapshot needs to carry only its index and that hash.

use std::collections::BTreeMap;

use raftctl::raft::{ConfChange, Entry, EntryType, HardState, Index, NodeId, Term};

use crate::rng::mix64;

/// A log position with the hash of the whole log up to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogPos {
    pub index: Index,
    pub term: Term,
    pub hash: u64,
}

impl std::fmt::Display for LogPos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}@t{}#{:04x}",
            self.index,
            self.term,
            self.hash & 0xffff
        )
    }
}

/// The prefix hash of `prev`'s log extended by `e`.
pub fn chain(prev: u64, e: &Entry) -> u64 {
    let tag = match e.entry_type {
        EntryType::Normal => 1,
        EntryType::ConfChange => 2,
        EntryType::Empty => 3,
    };
    let mut h = mix64(prev ^ 0x5151_5151_5151_5151);
    h = mix64(h ^ e.index);
    h = mix64(h ^ e.term.rotate_left(17));
    h = mix64(h ^ tag ^ ((e.data.len() as u64) << 8));
    for chunk in e.data.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix64(h ^ u64::from_le_bytes(word));
    }
    h
}

/// What a step showed, as reported by the nodes' Ready handling.
#[derive(Clone, Debug)]
pub enum Obs {
    /// The node's soft state says it leads `term`.
    Leader { node: NodeId, term: Term },
    /// Entries that became durable in the node's log.
    LogPersisted { node: NodeId, entries: Vec<LogPos> },
    /// Durable log positions at or below the node's durable commit index.
    CommittedInLog { node: NodeId, entries: Vec<LogPos> },
    /// A snapshot became the node's durable log start and state machine.
    SnapshotInstalled { node: NodeId, pos: LogPos },
    /// The node applied an entry; `pos.hash` is its state machine afterwards. `expected`
    /// is the index that follows what it had applied before.
    Applied {
        node: NodeId,
        pos: LogPos,
        expected: Index,
    },
    /// The node's durable state after persisting a Ready.
    Durable {
        node: NodeId,
        before: HardState,
        after: HardState,
        log_start: Index,
        last_index: Index,
        applied: Index,
    },
    /// A ReadIndex request was issued while the cluster knew `known_commit` committed.
    ReadRequested {
        node: NodeId,
        ctx: u64,
        known_commit: Index,
    },
    /// A read state came out of a Ready.
    ReadState {
        node: NodeId,
        ctx: u64,
        index: Index,
    },
    /// The node applied a membership change (the world shuts removed nodes down).
    ConfApplied {
        node: NodeId,
        index: Index,
        cc: ConfChange,
    },
    /// The node's Ready broke the contract with its runtime (storage refused it, an
    /// applied entry was not durable, ...).
    Contract { node: NodeId, what: String },
}

/// A broken property: its name and the states involved, in one or two lines.
#[derive(Clone, Debug)]
pub struct Violation {
    pub property: &'static str,
    pub detail: String,
}

impl Violation {
    pub fn new(property: &'static str, detail: String) -> Violation {
        Violation { property, detail }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.property, self.detail)
    }
}

/// Everything the run has established so far.
#[derive(Debug, Default)]
pub struct History {
    /// Who led each term.
    leaders: BTreeMap<Term, NodeId>,
    /// Every (index, term) ever durable anywhere, with its prefix hash and first holder.
    log_ids: BTreeMap<(Index, Term), (u64, NodeId)>,
    /// Every position known committed, with the node that first reported it.
    committed: BTreeMap<Index, (LogPos, NodeId)>,
    /// ReadIndex requests: ctx -> (node, commit index known when issued).
    reads: BTreeMap<u64, (NodeId, Index)>,
}

impl History {
    /// The highest index known committed.
    pub fn max_committed(&self) -> Index {
        self.committed.keys().next_back().copied().unwrap_or(0)
    }

    pub fn terms_with_leader(&self) -> usize {
        self.leaders.len()
    }

    /// Records a committed position, or finds that it contradicts an earlier one.
    fn commit(&mut self, node: NodeId, pos: LogPos, how: &str) -> Result<(), Violation> {
        match self.committed.get(&pos.index) {
            Some(&(known, first)) if known != pos => Err(Violation::new(
                "committed_entries_never_change",
                format!("node {node} {how} {pos}, but node {first} had {known} committed there"),
            )),
            Some(_) => Ok(()),
            None => {
                self.committed.insert(pos.index, (pos, node));
                Ok(())
            }
        }
    }
}

/// Runs every checker over one step's observations.
pub fn check_all(hist: &mut History, obs: &[Obs]) -> Result<(), Violation> {
    ready_contract(obs)?;
    election_safety(hist, obs)?;
    log_matching(hist, obs)?;
    committed_entries_never_change(hist, obs)?;
    state_machine_safety(hist, obs)?;
    durable_state_sane(obs)?;
    read_index_fresh(hist, obs)
}

/// The runtime side of the Ready contract: what a Ready asks to persist is accepted by
/// the storage, and what it asks to apply is durable.
pub fn ready_contract(obs: &[Obs]) -> Result<(), Violation> {
    for o in obs {
        if let Obs::Contract { node, what } = o {
            return Err(Violation::new(
                "ready_contract",
                format!("node {node}: {what}"),
            ));
        }
    }
    Ok(())
}

/// Election Safety (Raft §5.2): at most one leader per term, over the whole run.
pub fn election_safety(hist: &mut History, obs: &[Obs]) -> Result<(), Violation> {
    for o in obs {
        if let Obs::Leader { node, term } = *o {
            match hist.leaders.get(&term) {
                Some(&other) if other != node => {
                    return Err(Violation::new(
                        "election_safety",
                        format!("nodes {other} and {node} both led term {term}"),
                    ))
                }
                Some(_) => {}
                None => {
                    hist.leaders.insert(term, node);
                }
            }
        }
    }
    Ok(())
}

/// Log Matching (Raft §5.3), on durable logs: two entries with the same index and term
/// have identical logs up to them, whichever nodes hold them and whenever.
pub fn log_matching(hist: &mut History, obs: &[Obs]) -> Result<(), Violation> {
    let mut see = |node: NodeId, pos: LogPos| match hist.log_ids.get(&(pos.index, pos.term)) {
        Some(&(hash, first)) if hash != pos.hash => Err(Violation::new(
            "log_matching",
            format!(
                "node {node} holds {pos} but node {first} held {}: same index and term, \
                 different prefixes",
                LogPos { hash, ..pos }
            ),
        )),
        Some(_) => Ok(()),
        None => {
            hist.log_ids.insert((pos.index, pos.term), (pos.hash, node));
            Ok(())
        }
    };
    for o in obs {
        match o {
            Obs::LogPersisted { node, entries } => {
                for &pos in entries {
                    see(*node, pos)?;
                }
            }
            Obs::SnapshotInstalled { node, pos } => see(*node, *pos)?,
            _ => {}
        }
    }
    Ok(())
}

/// Leader Completeness seen from the outside: once any node has a position durably
/// committed (or installed as a snapshot), no node ever reports a different one there.
pub fn committed_entries_never_change(hist: &mut History, obs: &[Obs]) -> Result<(), Violation> {
    for o in obs {
        match o {
            Obs::CommittedInLog { node, entries } => {
                for &pos in entries {
                    hist.commit(*node, pos, "has durably committed")?;
                }
            }
            Obs::SnapshotInstalled { node, pos } => {
                hist.commit(*node, *pos, "installed a snapshot at")?
            }
            _ => {}
        }
    }
    Ok(())
}

/// State Machine Safety (Raft §5.4.3): every node applies entries one index after the
/// other, and what it has applied is a prefix of one common sequence (its state machine
/// hash equals the committed prefix hash there).
pub fn state_machine_safety(hist: &mut History, obs: &[Obs]) -> Result<(), Violation> {
    for o in obs {
        if let Obs::Applied {
            node,
            pos,
            expected,
        } = *o
        {
            if pos.index != expected {
                return Err(Violation::new(
                    "state_machine_safety",
                    format!(
                        "node {node} applied index {} after {}: applies must be contiguous",
                        pos.index,
                        expected - 1
                    ),
                ));
            }
            hist.commit(node, pos, "applied")
                .map_err(|v| Violation::new("state_machine_safety", v.detail))?;
        }
    }
    Ok(())
}

/// What a node keeps on disk stays sane: its term never goes back, it never changes its
/// vote within a term, its commit index never goes back and lies between its log start
/// and its last durable entry, and it has not applied past it.
pub fn durable_state_sane(obs: &[Obs]) -> Result<(), Violation> {
    for o in obs {
        if let Obs::Durable {
            node,
            before,
            after,
            log_start,
            last_index,
            applied,
        } = *o
        {
            let fail = |what: String| {
                Err(Violation::new(
                    "durable_state_sane",
                    format!("node {node}: {what} (before {before:?}, after {after:?})"),
                ))
            };
            if after.term < before.term {
                return fail("term went back".into());
            }
            if after.term == before.term && before.vote.is_some() && after.vote != before.vote {
                return fail("vote changed within a term".into());
            }
            if after.commit < before.commit {
                return fail("commit index went back".into());
            }
            if after.commit > last_index {
                return fail(format!("commit past the last durable entry {last_index}"));
            }
            if after.commit < log_start {
                return fail(format!("commit below the log start {log_start}"));
            }
            if applied > after.commit {
                return fail(format!("applied {applied} past the durable commit"));
            }
        }
    }
    Ok(())
}

/// ReadIndex answers are never stale: a read state's index is at least the commit index
/// the cluster knew when the request was issued (else a read served there could miss a
/// write acknowledged before the read began).
pub fn read_index_fresh(hist: &mut History, obs: &[Obs]) -> Result<(), Violation> {
    for o in obs {
        match *o {
            Obs::ReadRequested {
                node,
                ctx,
                known_commit,
            } => {
                hist.reads.insert(ctx, (node, known_commit));
            }
            Obs::ReadState { node, ctx, index } => match hist.reads.get(&ctx) {
                None => {
                    return Err(Violation::new(
                        "read_index_fresh",
                        format!("node {node} got a read state for unknown request {ctx}"),
                    ))
                }
                Some(&(asker, known)) if index < known => {
                    return Err(Violation::new(
                        "read_index_fresh",
                        format!(
                            "node {node} got read index {index} for request {ctx} issued at \
                             node {asker} when index {known} was already committed"
                        ),
                    ))
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    Ok(())
}
