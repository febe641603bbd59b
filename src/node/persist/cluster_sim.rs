//! A seeded simulation of three members, each the real core (`RawNode`) over the real
//! store (`RedbStorage`) with the real [`Persister`] and apply buffer, handling its
//! Readies in the runtime's order (`runtime.rs`): send `messages`, apply the committed
//! entries and answer the writes they cover, persist, send `persisted_messages`,
//! advance. Messages travel on a bus that reorders, drops and duplicates them; members
//! crash between steps and in the middle of a transaction, over a disk that loses what
//! was not synced (`crash_sim.rs`), and restart as `serve` does (the core's applied
//! index from the store; the entries beyond it applied again).
//!
//! What `tests/sim` checks for the core alone, this checks through the persister, with
//! its early answers, its deferred hard state and its apply buffer written out in
//! chunks:
//! - no two members ever apply different entries at one index;
//! - every write answered is in the log at the index it was answered with, and whether
//!   its key existed is what the log before it says;
//! - reads through the buffer over the database equal the state the applied prefix of
//!   the log describes, before and after every crash;
//! - once the faults stop, every member applies every answered write.
//!
//! A failing seed prints itself; `CLUSTER_SIM_SEED=N` replays it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::crash_sim::{read_all, seeds, Disk};
use super::{Applied, Persister};
use crate::kv::{ApplyBuffer, Command, Op};
use crate::metrics::Metrics;
use crate::raft::{Config, Entry, Index, Message, NodeId, RawNode, Ready, Role, Term};
use crate::storage::{InitialState, Membership, RedbStorage};

const MEMBERS: NodeId = 3;
/// Time per simulation step: short enough that the buffer's idle flush comes only after
/// long quiet spells (an election, a crash), so that it also fills up and hands over
/// chunks.
const STEP: Duration = Duration::from_micros(100);
/// Keys written: enough that the buffer passes its targets and writes out chunks.
const KEYS: usize = crate::kv::TARGET_KEYS * 8;

fn membership() -> Membership {
    Membership {
        voters: (1..=MEMBERS)
            .map(|id| (id, format!("http://127.0.0.1:{}", 7000 + id)))
            .collect(),
        learners: BTreeMap::new(),
    }
}

/// What every member applied, by index: the first to apply an index sets it, the
/// others must agree.
#[derive(Default)]
struct History {
    applied: BTreeMap<Index, (Term, Bytes)>,
    /// For each key, the indexes that wrote it: `true` a put, `false` a delete.
    writes: HashMap<String, BTreeMap<Index, bool>>,
}

impl History {
    fn record(&mut self, seed: u64, id: NodeId, entries: &[Entry]) {
        for e in entries {
            match self.applied.get(&e.index) {
                None => {
                    self.applied.insert(e.index, (e.term, e.data.clone()));
                    if let Ok(c) = Command::decode(&e.data) {
                        let put = matches!(c.op, Op::Put { .. });
                        let key = c.op.key().to_string();
                        self.writes.entry(key).or_default().insert(e.index, put);
                    }
                }
                Some((term, data)) => assert!(
                    *term == e.term && *data == e.data,
                    "seed {seed}: member {id} applied term {} at {}, another applied term {term}",
                    e.term,
                    e.index
                ),
            }
        }
    }

    /// Whether `key` holds a value after applying `1..before` (exclusive).
    fn existed(&self, key: &str, before: Index) -> bool {
        self.writes
            .get(key)
            .and_then(|w| w.range(..before).next_back())
            .is_some_and(|(_, put)| *put)
    }

    /// The key-value state after applying `1..=upto`.
    fn state_at(&self, seed: u64, upto: Index) -> BTreeMap<String, Bytes> {
        let mut kv = BTreeMap::new();
        for index in 1..=upto {
            let (_, data) = self
                .applied
                .get(&index)
                .unwrap_or_else(|| panic!("seed {seed}: nobody applied {index}"));
            match Command::decode(data).map(|c| c.op) {
                Ok(Op::Put { key, value }) => {
                    kv.insert(key, value);
                }
                Ok(Op::Delete { key }) => {
                    kv.remove(&key);
                }
                Err(_) => {}
            }
        }
        kv
    }
}

/// One member: a machine that may be down.
struct Member {
    id: NodeId,
    dir: tempfile::TempDir,
    disk: Disk,
    /// `None` while the machine is down.
    up: Option<Running>,
    crashes: u32,
}

struct Running {
    raw: RawNode<RedbStorage>,
    persister: Persister,
    /// Applied into the buffer (the visible index).
    visible: Index,
    /// Requests proposed in this run and not answered yet: the runtime's write waiters.
    /// Entries a restart applies again answer nobody.
    waiting: HashSet<u64>,
}

/// A write proposed and how it was answered.
struct Proposal {
    command: Command,
    answered_at: Option<Index>,
}

struct World {
    seed: u64,
    rng: StdRng,
    members: Vec<Member>,
    bus: Vec<Message>,
    history: History,
    proposals: HashMap<u64, Proposal>,
    next_request: u64,
    answered: u64,
    /// Transactions that took keys out of the buffer without emptying it, and the most
    /// keys it held.
    chunks: u32,
    most_buffered: usize,
    /// The simulation's clock, [`STEP`] per step (the buffer's idle flush reads it).
    now: Instant,
}

fn config(id: NodeId, applied: Index, seed: u64) -> Config {
    let mut c = Config::new(id);
    c.election_tick = 10;
    c.heartbeat_tick = 1;
    c.applied = applied;
    c.check_quorum = true;
    c.pre_vote = true;
    c.seed = seed;
    c
}

impl Member {
    fn new(id: NodeId, seed: u64) -> Member {
        let dir = tempfile::tempdir().expect("temp dir");
        let disk = Disk::new(&dir.path().join("raftctl.redb"));
        let init = InitialState {
            node_id: id,
            cluster_id: 7,
            membership: membership(),
        };
        let store =
            RedbStorage::create_with_backend(dir.path(), init, disk.wrap()).expect("create");
        let mut m = Member {
            id,
            dir,
            disk,
            up: None,
            crashes: 0,
        };
        m.start(store, seed);
        m
    }

    /// Builds the core over the store as `serve` does.
    fn start(&mut self, store: RedbStorage, seed: u64) {
        let applied = store.applied();
        let raw = RawNode::new(&config(self.id, applied, seed), store.clone())
            .expect("the core over the store");
        self.up = Some(Running {
            raw,
            persister: Persister::new(store, ApplyBuffer::new(), self.id, Metrics::new()),
            visible: applied,
            waiting: HashSet::new(),
        });
    }

    /// The machine stops; what was not synced is lost.
    fn crash(&mut self) {
        self.crashes += 1;
        self.disk.crash();
        self.up = None;
    }

    /// A new machine opens what the disk kept, after checking what the store promises.
    fn restart(&mut self, seed: u64) {
        self.disk = Disk::new(&self.dir.path().join("raftctl.redb"));
        let store = RedbStorage::open_with_backend(self.dir.path(), self.disk.wrap())
            .unwrap_or_else(|e| panic!("seed {seed}: member {} reopens: {e}", self.id));
        let (hs, applied) = (store.hard_state(), store.applied());
        assert!(
            applied <= hs.commit,
            "seed {seed}: member {} holds changes up to {applied}, beyond its saved commit {}",
            self.id,
            hs.commit
        );
        assert!(
            store.first_index() <= applied + 1,
            "seed {seed}: member {}'s log starts after its stored applied index",
            self.id
        );
        self.start(store, seed ^ u64::from(self.crashes));
    }
}

impl World {
    fn new(seed: u64) -> World {
        World {
            seed,
            rng: StdRng::seed_from_u64(seed),
            members: (1..=MEMBERS).map(|id| Member::new(id, seed ^ id)).collect(),
            bus: Vec::new(),
            history: History::default(),
            proposals: HashMap::new(),
            next_request: 1,
            answered: 0,
            chunks: 0,
            most_buffered: 0,
            now: Instant::now(),
        }
    }

    fn member(&mut self, id: NodeId) -> &mut Member {
        &mut self.members[(id - 1) as usize]
    }

    /// A write at `id`, if it is up and leads.
    fn propose(&mut self, id: NodeId) {
        let key = format!("k{:05}", self.rng.gen_range(0..KEYS));
        let op = if self.rng.gen_ratio(1, 8) {
            Op::Delete { key }
        } else {
            let len = self.rng.gen_range(0..48);
            Op::Put {
                key,
                value: Bytes::from(format!("{}:{}", self.next_request, "v".repeat(len))),
            }
        };
        let command = Command {
            origin: id,
            request_id: self.next_request,
            op,
        };
        let Some(run) = self.member(id).up.as_mut() else {
            return;
        };
        if run.raw.status().soft_state.role != Role::Leader {
            return;
        }
        if run.raw.propose(command.encode()).is_ok() {
            run.waiting.insert(command.request_id);
            self.proposals.insert(
                command.request_id,
                Proposal {
                    command,
                    answered_at: None,
                },
            );
            self.next_request += 1;
        }
    }

    /// Handles every Ready of member `id`, in the runtime's order. A write that fails
    /// (the disk crashed under it) crashes the member: the rest of that Ready is lost.
    fn handle_readies(&mut self, id: NodeId) {
        loop {
            let seed = self.seed;
            let Some(run) = self.member(id).up.as_mut() else {
                return;
            };
            if !run.raw.has_ready() {
                break;
            }
            let mut rd = run.raw.ready();
            self.bus.append(&mut rd.messages);
            let result = self.persist_ready(id, &mut rd);
            match result {
                Ok(()) => {
                    self.bus.append(&mut rd.persisted_messages);
                    let run = self.member(id).up.as_mut().expect("up");
                    run.raw.advance(rd);
                }
                Err(e) => {
                    assert!(
                        self.member(id).disk.crashed(),
                        "seed {seed}: member {id} failed without a crash: {e}"
                    );
                    self.member(id).crash();
                    return;
                }
            }
        }
        let now = self.now;
        let flushed = self
            .member(id)
            .up
            .as_mut()
            .map(|r| r.persister.maybe_flush(now));
        if let Some(Err(_)) = flushed {
            self.member(id).crash();
        }
    }

    /// Steps 2 and 3 of a Ready: apply and answer early, then persist.
    fn persist_ready(&mut self, id: NodeId, rd: &mut Ready) -> Result<(), super::Error> {
        assert!(rd.snapshot.is_none(), "no snapshots in this simulation");
        let seed = self.seed;
        self.history.record(seed, id, &rd.committed_entries);
        let run = self.members[(id - 1) as usize].up.as_mut().expect("up");
        let mut applied = run.persister.apply(&rd.committed_entries, self.now)?;
        if let Some(through) = applied.through {
            run.visible = through;
        }
        self.answer(id, &mut applied);
        let run = self.members[(id - 1) as usize].up.as_mut().expect("up");
        let before = run.persister.buffer.read().keys();
        run.persister.persist(rd, None)?;
        let after = run.persister.buffer.read().keys();
        self.most_buffered = self.most_buffered.max(before);
        self.chunks += u32::from(after < before && after > 0);
        Ok(())
    }

    /// The answers the runtime gives before the Ready's fsync: each must say what the
    /// log says.
    fn answer(&mut self, id: NodeId, applied: &mut Applied) {
        let seed = self.seed;
        let run = self.members[(id - 1) as usize].up.as_mut().expect("up");
        let writes: Vec<_> = applied
            .writes
            .drain(..)
            .filter(|(request_id, _)| run.waiting.remove(request_id))
            .collect();
        for (request_id, outcome) in writes {
            let Some(p) = self.proposals.get_mut(&request_id) else {
                panic!("seed {seed}: member {id} answered request {request_id}, never proposed")
            };
            assert_eq!(
                p.command.origin, id,
                "seed {seed}: answered by a non-origin"
            );
            let (_, data) = &self.history.applied[&outcome.index];
            assert_eq!(
                Command::decode(data).ok().as_ref(),
                Some(&p.command),
                "seed {seed}: request {request_id} answered at {}, which holds another entry",
                outcome.index
            );
            let key = p.command.op.key();
            assert_eq!(
                outcome.existed,
                self.history.existed(key, outcome.index),
                "seed {seed}: request {request_id} at {} says key {key} existed: {}",
                outcome.index,
                outcome.existed
            );
            if p.answered_at.replace(outcome.index).is_none() {
                self.answered += 1;
            }
        }
    }

    /// Delivers one message from the bus (or drops or duplicates it).
    fn deliver(&mut self, heal: bool) {
        if self.bus.is_empty() {
            return;
        }
        let at = if heal {
            0
        } else {
            self.rng.gen_range(0..self.bus.len())
        };
        let m = if !heal && self.rng.gen_ratio(1, 20) {
            self.bus[at].clone()
        } else {
            self.bus.remove(at)
        };
        if !heal && self.rng.gen_ratio(1, 20) {
            return;
        }
        let to = m.to;
        if let Some(run) = self.member(to).up.as_mut() {
            let _ = run.raw.step(m);
        }
        self.handle_readies(to);
    }

    fn tick(&mut self, id: NodeId) {
        if let Some(run) = self.member(id).up.as_mut() {
            run.raw.tick();
        }
        self.handle_readies(id);
    }

    /// Reads through the buffer over the database equal the applied prefix of the log.
    fn check_reads(&mut self, id: NodeId) {
        let seed = self.seed;
        let Some(run) = self.members[(id - 1) as usize].up.as_ref() else {
            return;
        };
        let got = read_all(&run.persister);
        let want = self.history.state_at(seed, run.visible);
        assert!(
            got == want,
            "seed {seed}: member {id} reads at {} differ from the log: {} keys, want {}",
            run.visible,
            got.len(),
            want.len()
        );
    }

    /// Restarts a member that is down and runs its first Ready, as the runtime's first
    /// turn of the loop does before anything is read: until the entries beyond the
    /// stored applied index are applied again, the database may hold keys that chunks
    /// took along from further on.
    fn restart(&mut self, id: NodeId) {
        let seed = self.seed;
        self.member(id).restart(seed);
        self.handle_readies(id);
    }

    fn random_member(&mut self) -> NodeId {
        self.rng.gen_range(1..=MEMBERS)
    }

    fn step(&mut self) {
        self.now += STEP;
        let id = self.random_member();
        match self.rng.gen_range(0..1000) {
            0..=399 => self.deliver(false),
            400..=599 => self.tick(id),
            600..=899 => {
                let leader = self
                    .members
                    .iter()
                    .find(|m| {
                        m.up.as_ref()
                            .is_some_and(|r| r.raw.status().soft_state.role == Role::Leader)
                    })
                    .map(|m| m.id);
                for _ in 0..self.rng.gen_range(1..=10) {
                    self.propose(leader.unwrap_or(id));
                }
                if let Some(leader) = leader {
                    self.handle_readies(leader);
                }
            }
            900..=959 => self.check_reads(id),
            960 => {
                // The next transaction of this member crashes part way.
                let n = self.rng.gen_range(0..6);
                self.member(id).disk.crash_after_writes(n);
            }
            961 => {
                if self.member(id).up.is_some() {
                    self.check_reads(id);
                    self.member(id).crash();
                }
            }
            _ => {
                if self.member(id).up.is_none() {
                    self.restart(id);
                    self.check_reads(id);
                }
            }
        }
    }

    /// Faults stop: every member restarts, every message arrives, the clock runs until
    /// every member applied every answered write.
    fn heal(&mut self) {
        let seed = self.seed;
        for id in 1..=MEMBERS {
            self.member(id).disk.cancel_crash();
            if self.member(id).up.is_none() {
                self.restart(id);
            }
        }
        let last_answered = self
            .proposals
            .values()
            .filter_map(|p| p.answered_at)
            .max()
            .unwrap_or(0);
        for round in 0.. {
            assert!(
                round < 5_000,
                "seed {seed}: the healed cluster did not apply every answered write"
            );
            let done = self
                .members
                .iter()
                .all(|m| m.up.as_ref().is_some_and(|r| r.visible >= last_answered));
            if done {
                break;
            }
            self.now += STEP;
            for id in 1..=MEMBERS {
                self.tick(id);
            }
            while !self.bus.is_empty() {
                self.deliver(true);
            }
        }
        for id in 1..=MEMBERS {
            self.check_reads(id);
        }
    }
}

fn run(seed: u64, steps: usize) -> World {
    let mut w = World::new(seed);
    for _ in 0..steps {
        w.step();
    }
    w.heal();
    w
}

#[test]
fn members_that_crash_anywhere_keep_every_answered_write() {
    let (mut crashes, mut answered, mut chunks, mut most) = (0, 0, 0, 0);
    for seed in seeds("CLUSTER_SIM_SEED", 3) {
        let w = run(seed, 10_000);
        crashes += w.members.iter().map(|m| m.crashes).sum::<u32>();
        answered += w.answered;
        chunks += w.chunks;
        most = most.max(w.most_buffered);
    }
    eprintln!(
        "cluster simulation: {crashes} crashes, {answered} writes answered, \
         {chunks} chunks written along, at most {most} keys buffered"
    );
    assert!(crashes > 0, "no crash happened");
    assert!(answered > 0, "no write was answered");
}
