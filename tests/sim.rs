//! Deterministic simulation of the consensus core: clusters of `RawNode<MemStorage>`
//! on a faulty simulated network, with crashes that lose whatever was not persisted,
//! random proposals, reads, membership changes, leader transfers and compactions. Every
//! safety property is checked after every step; once the faults stop, the cluster must
//! commit a fresh proposal within a bound of ticks.
//!
//! Checked after every step (one checker each, in `tests/sim/invariants.rs`): at most
//! one leader per term; log matching on the durable logs; no committed entry ever
//! changes; every node applies a prefix of one common sequence; durable term, vote and
//! commit never go back; ReadIndex answers are never below the commit index known when
//! the read was issued; the Ready contract holds (storage accepts what it is given,
//! applied entries are durable). Checked at the end: after healing, a leader commits a
//! fresh proposal on every live member within `LIVENESS_ELECTION_TIMEOUTS`.
//!
//! The crash model: a node persists a Ready's snapshot, entries, hard state and the
//! entries it applies (with the applied index and membership) in one transaction. A crash
//! before it loses the whole Ready (its `messages` may already be out); a crash after it
//! loses only `persisted_messages`. A restart builds a new `RawNode` from the storage
//! with `Config::applied` set to the durable applied index.
//!
//! `cargo test --release --test sim` runs the default seeds (3- and 5-node clusters
//! alternate); `SIM_SEEDS=N` (or `SIM_SEEDS=A..B`) runs other seeds; `SIM_SEED=x` replays
//! one seed exactly and prints the tail of its trace (`SIM_TRACE_LINES=n` for more). A
//! seed is the whole recipe of a run: nothing depends on time, threads or hash order.
//!
//! Support code lives in `tests/sim/`: the generator (`rng`), the network (`bus`), the
//! properties (`invariants`), a node with its Ready loop (`node`) and the cluster
//! (`world`).

#[path = "sim/bus.rs"]
mod bus;
#[path = "sim/invariants.rs"]
mod invariants;
#[path = "sim/node.rs"]
mod node;
#[path = "sim/params.rs"]
mod params;
#[path = "sim/rng.rs"]
mod rng;
#[path = "sim/world.rs"]
mod world;

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use bytes::Bytes;
use raftctl::raft::{
    ConfChange, ConfChangeType, Entry, EntryType, HardState, Message, MessageType, NodeId,
};

use crate::bus::{Bus, Faults};
use crate::invariants::{chain, check_all, History, LogPos, Obs, Violation};
use crate::rng::Rng;
use crate::world::{Coverage, Params, World, LIVENESS_ELECTION_TIMEOUTS};

/// Seeds run by default: enough to cover both cluster sizes and most parameter mixes
/// while staying well under a minute in release mode on two cores. Debug builds (where
/// the core also checks its own invariants after every step) run fewer.
const DEFAULT_SEEDS: u64 = if cfg!(debug_assertions) { 500 } else { 2000 };

/// How a run ended, for the summary line.
#[derive(Clone, Copy, Debug, Default)]
struct RunStats {
    ticks: u64,
    committed: u64,
    terms_with_leader: u64,
    liveness_ticks: u64,
    /// `liveness_ticks` in election timeouts, against `LIVENESS_ELECTION_TIMEOUTS`.
    liveness_timeouts: f64,
    coverage: Coverage,
}

/// A failed run: enough to know what broke and to replay it.
struct Failure {
    seed: u64,
    step: u64,
    tick: u64,
    violation: Violation,
    params: String,
    nodes: Vec<String>,
    trace: Vec<String>,
}

impl Failure {
    fn headline(&self) -> String {
        format!(
            "seed {} failed at step {} (tick {}): {}\n  replay: SIM_SEED={} cargo test --release --test sim -- --nocapture",
            self.seed, self.step, self.tick, self.violation, self.seed
        )
    }

    fn details(&self) -> String {
        let mut s = format!("  run: {}\n", self.params);
        for n in &self.nodes {
            s += &format!("  {n}\n");
        }
        s
    }
}

thread_local! {
    /// Set while a seed runs on this thread: a panic is captured, not printed.
    static CAPTURE_PANIC: Cell<bool> = const { Cell::new(false) };
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic in the core is a finding like any other: report it with its seed, in one
/// line, instead of a backtrace per seed.
fn capture_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURE_PANIC.get() {
                let what = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".into());
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                PANIC_MESSAGE.set(Some(format!("{what}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

fn drive(w: &mut World) -> Result<RunStats, Violation> {
    for _ in 0..w.params.steps {
        w.random_step()?;
    }
    w.heal()?;
    let liveness_ticks = w.await_liveness()?;
    Ok(RunStats {
        ticks: w.now,
        committed: w.hist.max_committed(),
        terms_with_leader: w.hist.terms_with_leader() as u64,
        liveness_ticks,
        liveness_timeouts: liveness_ticks as f64 / w.params.config.election_tick as f64,
        coverage: w.coverage,
    })
}

fn run_seed(seed: u64, trace: bool) -> Result<RunStats, Box<Failure>> {
    capture_panics();
    let mut w = World::new(seed, Params::for_seed(seed));
    if trace {
        w.enable_trace();
    }
    CAPTURE_PANIC.set(true);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| drive(&mut w)));
    CAPTURE_PANIC.set(false);
    let violation = match outcome {
        Ok(Ok(stats)) => return Ok(stats),
        Ok(Err(v)) => v,
        Err(_) => Violation::new(
            "no_panic",
            PANIC_MESSAGE
                .take()
                .unwrap_or_else(|| "the core panicked".into()),
        ),
    };
    Err(Box::new(Failure {
        seed,
        step: w.step,
        tick: w.now,
        violation,
        params: w.params.describe(),
        nodes: w.describe_nodes(),
        trace: w.trace_lines(),
    }))
}

/// The seeds to run: `SIM_SEED=x` (one, replayed with a trace), `SIM_SEEDS=N` or
/// `SIM_SEEDS=A..B`, else the default range.
fn seeds_from_env() -> (Vec<u64>, bool) {
    let parse = |name: &str, v: &str| -> u64 {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
    };
    if let Ok(v) = std::env::var("SIM_SEED") {
        return (vec![parse("SIM_SEED", &v)], true);
    }
    match std::env::var("SIM_SEEDS") {
        Ok(v) => match v.split_once("..") {
            Some((a, b)) => (
                (parse("SIM_SEEDS", a)..parse("SIM_SEEDS", b)).collect(),
                false,
            ),
            None => ((0..parse("SIM_SEEDS", &v)).collect(), false),
        },
        Err(_) => ((0..DEFAULT_SEEDS).collect(), false),
    }
}

#[test]
fn random_seeds() {
    let (seeds, replay) = seeds_from_env();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(seeds.len().max(1));
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&seed) = seeds.get(i) else { break };
                let r = run_seed(seed, replay);
                results.lock().expect("no worker panics").push((seed, r));
            });
        }
    });
    let mut results = results.into_inner().expect("no worker panics");
    results.sort_by_key(|(seed, _)| *seed);

    let mut total = RunStats::default();
    let mut slowest_seed = 0;
    let mut failures = Vec::new();
    for (seed, r) in results {
        match r {
            Ok(s) => {
                if s.liveness_timeouts > total.liveness_timeouts {
                    slowest_seed = seed;
                }
                total.ticks += s.ticks;
                total.committed += s.committed;
                total.terms_with_leader += s.terms_with_leader;
                total.liveness_ticks = total.liveness_ticks.max(s.liveness_ticks);
                total.liveness_timeouts = total.liveness_timeouts.max(s.liveness_timeouts);
                total.coverage.add(&s.coverage);
            }
            Err(f) => failures.push(f),
        }
    }
    println!(
        "sim: {} seeds, {} passed: {} ticks, {} entries committed, {} terms with a leader, \
         slowest recovery after healing {} ticks ({:.1} election timeouts, seed {}; bound {})\nsim: {}",
        seeds.len(),
        seeds.len() - failures.len(),
        total.ticks,
        total.committed,
        total.terms_with_leader,
        total.liveness_ticks,
        total.liveness_timeouts,
        slowest_seed,
        LIVENESS_ELECTION_TIMEOUTS,
        total.coverage
    );
    if failures.is_empty() {
        return;
    }
    let mut report = format!("{} of {} seeds failed\n", failures.len(), seeds.len());
    for (i, f) in failures.iter().enumerate().take(8) {
        report += &f.headline();
        report.push('\n');
        if i < 2 {
            report += &f.details();
        }
    }
    if failures.len() > 8 {
        let rest: Vec<String> = failures[8..].iter().map(|f| f.seed.to_string()).collect();
        report += &format!("other failing seeds: {}\n", rest.join(" "));
    }
    if replay {
        for f in &failures {
            eprintln!("trace of seed {} (last {} lines):", f.seed, f.trace.len());
            for line in &f.trace {
                eprintln!("  {line}");
            }
        }
    }
    panic!("{report}");
}

// ---- scenarios ------------------------------------------------------------------------

/// A healed world: elects a leader and commits one proposal everywhere, or fails.
fn quiet_world(voters: usize, seed: u64) -> World {
    let mut w = World::new(seed, Params::quiet(voters, seed));
    w.heal().expect("a fresh cluster is consistent");
    w.await_liveness().expect("a fresh cluster elects a leader");
    w
}

fn settle(w: &mut World, ticks: u64) {
    for _ in 0..ticks {
        w.settle_tick().unwrap_or_else(|v| panic!("{v}"));
    }
}

fn leader_term(w: &World, id: NodeId) -> u64 {
    w.nodes[&id]
        .raw
        .as_ref()
        .expect("leader is up")
        .status()
        .hard_state
        .term
}

#[test]
fn partitioned_leader_is_replaced_and_catches_up_after_healing() {
    let mut w = quiet_world(3, 11);
    let old = w.leader().expect("a leader");
    let old_term = leader_term(&w, old);
    w.bus.partition([(old, 1)].into_iter().collect());
    for i in 0..3 {
        w.propose(old, Bytes::from(format!("stranded {i}")));
    }
    settle(&mut w, 60);
    let new = w.leader().expect("the majority side elects a leader");
    assert_ne!(new, old, "{:#?}", w.describe_nodes());
    assert!(leader_term(&w, new) > old_term);
    let old_raw = w.nodes[&old].raw.as_ref().expect("up");
    assert!(
        !old_raw.is_leader(),
        "CheckQuorum makes the cut-off leader step down"
    );
    for i in 0..5 {
        w.propose(new, Bytes::from(format!("majority {i}")));
    }
    settle(&mut w, 5);
    let committed = w.hist.max_committed();
    w.heal().expect("consistent");
    w.await_liveness()
        .unwrap_or_else(|v| panic!("{v}\n{:#?}", w.describe_nodes()));
    assert!(
        w.nodes[&old].durable.applied > committed,
        "the old leader caught up"
    );
}

#[test]
fn whole_cluster_crash_and_restart_keeps_committed_entries() {
    let mut w = quiet_world(5, 12);
    let leader = w.leader().expect("a leader");
    for i in 0..20 {
        w.propose(leader, Bytes::from(format!("before crash {i}")));
        w.deliver_one();
    }
    settle(&mut w, 1);
    for i in 0..5 {
        w.propose(leader, Bytes::from(format!("in flight {i}")));
    }
    for _ in 0..7 {
        w.deliver_one();
    }
    let committed = w.hist.max_committed();
    assert!(committed >= 20, "committed {committed}");
    let ids: Vec<NodeId> = w.nodes.keys().copied().collect();
    for &id in &ids {
        w.crash(id);
    }
    assert!(w.up_ids().is_empty());
    w.heal().expect("restart from storage");
    w.await_liveness()
        .unwrap_or_else(|v| panic!("{v}\n{:#?}", w.describe_nodes()));
    assert!(w.hist.max_committed() > committed);
    for id in ids {
        assert!(
            w.nodes[&id].durable.applied > committed,
            "node {id} applied everything again"
        );
    }
}

/// Puts each group of nodes on its own side of a partition.
fn split(w: &mut World, groups: &[&[NodeId]]) {
    let sides = groups
        .iter()
        .enumerate()
        .flat_map(|(side, ids)| ids.iter().map(move |&id| (id, side as u32)))
        .collect();
    w.bus.partition(sides);
}

/// Delivers messages one at a time until `done` holds; false if the network ran dry.
fn deliver_until(w: &mut World, done: impl Fn(&World) -> bool) -> bool {
    while !done(w) {
        if !w.deliver_one() {
            return false;
        }
        w.pump_all();
        w.check().unwrap_or_else(|v| panic!("{v}"));
    }
    true
}

fn is_leader(w: &World, id: NodeId) -> bool {
    w.nodes[&id].raw.as_ref().is_some_and(|raw| raw.is_leader())
}

fn durable_term(w: &World, id: NodeId, index: u64) -> Option<u64> {
    use raftctl::raft::Storage;
    w.nodes[&id].store().term(index).ok()
}

/// Raft §5.4.2, Figure 8: a leader must not count replicas of an entry from an earlier
/// term as committing it, because a candidate with a later-term entry there can still
/// win and overwrite it. The run replays the figure: S1 replicates an entry to S2 only,
/// S5 wins and appends its own entry there unseen, S1 comes back and brings S3 up to its
/// old entry, crashes, and S5 wins again and overwrites it. Nothing may have been
/// reported committed at that index before.
#[test]
fn figure_8_replicas_of_an_old_term_entry_do_not_commit_it() {
    let mut params = Params::quiet(5, 8);
    params.config.pre_vote = false;
    params.config.check_quorum = false;
    params.config.election_tick = 1000; // elections only when the test asks
    params.config.max_size_per_msg = 1; // one entry per append
    params.config.max_inflight_msgs = 1;
    let mut w = World::new(8, params);
    w.heal().expect("consistent");
    let campaign = |w: &mut World, id: NodeId| {
        let raw = w
            .nodes
            .get_mut(&id)
            .and_then(|n| n.raw.as_mut())
            .expect("up");
        raw.campaign().expect("a voter may campaign");
        w.pump_all();
    };
    campaign(&mut w, 1);
    settle(&mut w, 3);
    assert!(is_leader(&w, 1));

    // (a) S1 replicates an entry to S2 only.
    split(&mut w, &[&[1, 2], &[3, 4, 5]]);
    assert!(w.propose(1, Bytes::from_static(b"a")));
    settle(&mut w, 3);
    let index = (1..100)
        .take_while(|&i| durable_term(&w, 2, i).is_some())
        .last()
        .expect("S2 has entries");
    assert_eq!(
        durable_term(&w, 3, index),
        None,
        "S3 must not have the entry"
    );
    let old_term = durable_term(&w, 2, index).expect("held");

    // (b) S1 crashes; S5 wins with S3 and S4, and appends at `index` in its term unseen.
    w.crash(1);
    split(&mut w, &[&[3, 4, 5], &[1, 2]]);
    campaign(&mut w, 5);
    assert!(deliver_until(&mut w, |w| is_leader(w, 5)));
    split(&mut w, &[&[5], &[3, 4], &[1, 2]]);
    settle(&mut w, 2);
    let s5_term = durable_term(&w, 5, index).expect("S5 appended its own entry there");
    assert!(s5_term > old_term);
    w.crash(5);

    // (c) S1 restarts, wins with S2 and S3, and brings S3 up to the old-term entry.
    w.restart(1).expect("restart");
    split(&mut w, &[&[1, 2, 3], &[4, 5]]);
    for _ in 0..3 {
        if !is_leader(&w, 1) {
            campaign(&mut w, 1);
            deliver_until(&mut w, |w| is_leader(w, 1));
        }
    }
    assert!(is_leader(&w, 1), "{:#?}", w.describe_nodes());
    let s3_has_old_entry = |w: &World| {
        w.nodes[&1]
            .raw
            .as_ref()
            .and_then(|raw| raw.status().progress.get(&3).map(|p| p.matched))
            .is_some_and(|m| m >= index)
    };
    assert!(deliver_until(&mut w, s3_has_old_entry));
    assert_eq!(durable_term(&w, 3, index), Some(old_term));
    w.crash(1);

    // (d) S5 restarts and wins with S3 and S4: its entry at `index` replaces the old one.
    w.restart(5).expect("restart");
    split(&mut w, &[&[3, 4, 5], &[1, 2]]);
    for _ in 0..3 {
        if !is_leader(&w, 5) {
            campaign(&mut w, 5);
            deliver_until(&mut w, |w| is_leader(w, 5));
        }
    }
    assert!(is_leader(&w, 5), "{:#?}", w.describe_nodes());
    settle(&mut w, 5);
    assert_eq!(durable_term(&w, 3, index), Some(s5_term), "S5 overwrote S3");
    // Everyone back: whatever was committed must stay so (checked after every step).
    w.heal().expect("consistent");
    w.await_liveness()
        .unwrap_or_else(|v| panic!("{v}\n{:#?}", w.describe_nodes()));
}

/// Sim finding 2 (fixed in the core): a node that applied its own removal and holds the
/// longest log. The other voter has not learned that the removal committed, so it still
/// needs this node's vote, which used to be refused to its shorter log while this node
/// never campaigned itself. Here: n1 removes itself from {1, 3}, n3 misses the commit,
/// wins the next term with n1's vote, sends its first entry before writing it, and
/// crashes. After healing, the cluster must still elect a leader.
#[test]
fn removed_node_holding_the_longest_log_does_not_block_elections() {
    let mut params = Params::quiet(3, 21);
    params.config.election_tick = 1000; // elections only when the test asks
    params.config.check_quorum = false;
    let mut w = World::new(21, params);
    w.heal().expect("consistent");
    let campaign = |w: &mut World, id: NodeId| {
        let raw = w
            .nodes
            .get_mut(&id)
            .and_then(|n| n.raw.as_mut())
            .expect("up");
        raw.campaign().expect("a voter may campaign");
        w.pump_all();
    };
    let remove = |id| ConfChange {
        change_type: ConfChangeType::Remove,
        node_id: id,
        context: Bytes::new(),
    };
    campaign(&mut w, 1);
    settle(&mut w, 3);
    assert!(is_leader(&w, 1));
    assert!(w.propose_conf_change(1, remove(2)));
    settle(&mut w, 5);

    // n1 removes itself; n3 stores and acknowledges the entry but hears nothing after.
    let removal = {
        use raftctl::raft::Storage;
        w.nodes[&1].store().last_index().expect("readable") + 1
    };
    assert!(w.propose_conf_change(1, remove(1)));
    w.pump_all();
    assert!(
        deliver_until(&mut w, |w| w.nodes[&1].durable.applied >= removal),
        "{removal} {:#?}",
        w.describe_nodes()
    );
    w.bus.cut_one_way(1, 3);
    while w.deliver_one() {}
    w.bus.heal();
    assert!(
        w.nodes[&3].durable.applied < removal,
        "{:#?}",
        w.describe_nodes()
    );

    // n3 wins the next term with n1's vote, sends its first entry and crashes unwritten.
    w.crash_before_writing_entries(3);
    campaign(&mut w, 3);
    assert!(deliver_until(&mut w, |w| !w.nodes[&3].is_up()));
    while w.deliver_one() {}
    w.heal().expect("consistent");
    w.await_liveness()
        .unwrap_or_else(|v| panic!("{v}\n{:#?}", w.describe_nodes()));
}

#[test]
fn lagging_follower_catches_up_from_a_snapshot() {
    let mut w = quiet_world(3, 13);
    let leader = w.leader().expect("a leader");
    let follower = *w
        .up_ids()
        .iter()
        .find(|&&id| id != leader)
        .expect("a follower");
    w.crash(follower);
    for i in 0..30 {
        w.propose(leader, Bytes::from(format!("while down {i}")));
        settle(&mut w, 1);
    }
    w.compact(leader).expect("compaction");
    let start = w.nodes[&leader].durable.log_start;
    assert!(
        start > w.nodes[&follower].durable.applied,
        "the leader compacted past the follower"
    );
    w.heal().expect("consistent");
    w.await_liveness()
        .unwrap_or_else(|v| panic!("{v}\n{:#?}", w.describe_nodes()));
    assert!(
        w.nodes[&follower].durable.log_start >= start,
        "caught up from a snapshot"
    );
}

#[test]
fn removing_the_leader_hands_over_to_another() {
    let mut w = quiet_world(3, 14);
    let leader = w.leader().expect("a leader");
    let cc = ConfChange {
        change_type: ConfChangeType::Remove,
        node_id: leader,
        context: Bytes::new(),
    };
    assert!(w.propose_conf_change(leader, cc));
    settle(&mut w, 40);
    w.heal().expect("consistent");
    w.await_liveness()
        .unwrap_or_else(|v| panic!("{v}\n{:#?}", w.describe_nodes()));
    let new = w.leader().expect("a leader");
    assert_ne!(new, leader);
    let conf = w.nodes[&new].raw.as_ref().expect("up").status().conf_state;
    assert!(!conf.contains(leader), "{conf:?}");
    assert!(
        w.nodes[&leader].retired,
        "shut down once its removal is applied everywhere"
    );
}

#[test]
fn a_seed_replays_exactly() {
    let a = run_seed(4, true)
        .map_err(|f| f.headline())
        .expect("seed 4 passes");
    let b = run_seed(4, false)
        .map_err(|f| f.headline())
        .expect("seed 4 passes");
    assert_eq!((a.ticks, a.committed), (b.ticks, b.committed));
}

// ---- the harness's own parts --------------------------------------------------------------

#[test]
fn generator_replays_from_its_seed() {
    let draw = |seed| {
        let mut r = Rng::new(seed);
        (0..64).map(|_| r.below(1000)).collect::<Vec<_>>()
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
    let mut r = Rng::new(1);
    assert!((0..1000).all(|_| r.range(3, 5) >= 3 && r.range(3, 5) <= 5));
    assert_eq!(r.weighted(&[0, 5, 0]), 1);
}

fn msg(from: u64, to: u64, index: u64) -> Message {
    let mut m = Message::new(MessageType::Append, from, to);
    m.index = index;
    m
}

#[test]
fn bus_keeps_send_order_without_faults_and_cuts_partitions() {
    let mut rng = Rng::new(3);
    let mut bus = Bus::new(Faults::none());
    for i in 0..5 {
        assert!(bus.send(&mut rng, 0, msg(1, 2, i), 0).is_none());
    }
    let order: Vec<u64> = std::iter::from_fn(|| bus.next_due(&mut rng, 0))
        .map(|(m, reaches)| {
            assert!(reaches);
            m.msg.index
        })
        .collect();
    assert_eq!(order, vec![0, 1, 2, 3, 4]);

    bus.partition([(2, 1)].into_iter().collect());
    assert_eq!(bus.describe_partition(&[1, 2, 3]), "{1,3} | {2}");
    bus.send(&mut rng, 0, msg(1, 2, 9), 0);
    bus.send(&mut rng, 0, msg(1, 3, 9), 0);
    assert!(!bus.next_due(&mut rng, 0).expect("due").1, "1 -> 2 is cut");
    assert!(bus.next_due(&mut rng, 0).expect("due").1, "1 -> 3 arrives");
    assert!(bus.is_partitioned());
    bus.heal();
    bus.cut_one_way(1, 2);
    assert!(!bus.connected(1, 2) && bus.connected(2, 1));
    assert_eq!(bus.describe_partition(&[1, 2]), "{1,2} | 1-/->2");
    bus.heal();
    assert!(!bus.is_partitioned());
    bus.send(&mut rng, 0, msg(1, 2, 10), 7);
    assert_eq!(bus.len(), 1);
    let (m, reaches) = bus.next_due(&mut rng, 0).expect("due");
    assert!(reaches, "healed");
    assert_eq!(m.sender_incarnation, 7);
}

#[test]
fn bus_delays_never_deliver_early() {
    let mut rng = Rng::new(5);
    let mut bus = Bus::new(Faults {
        max_delay: 4,
        reorder: true,
        ..Faults::none()
    });
    for i in 0..50 {
        bus.send(&mut rng, 10, msg(1, 2, i), 0);
    }
    let mut seen = 0;
    for now in 10..=14 {
        while let Some((m, _)) = bus.next_due(&mut rng, now) {
            assert!(m.msg.index < 50);
            seen += 1;
        }
    }
    assert_eq!(seen, 50);
    assert!(bus.is_empty());
}

fn entry(index: u64, term: u64, data: &'static [u8]) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::Normal,
        data: Bytes::from_static(data),
    }
}

fn pos(prev: u64, e: &Entry) -> LogPos {
    LogPos {
        index: e.index,
        term: e.term,
        hash: chain(prev, e),
    }
}

#[test]
fn checkers_catch_what_they_are_named_after() {
    let mut hist = History::default();
    let two_leaders = [
        Obs::Leader { node: 1, term: 2 },
        Obs::Leader { node: 3, term: 2 },
    ];
    let v = check_all(&mut hist, &two_leaders).unwrap_err();
    assert_eq!(v.property, "election_safety", "{v}");

    // Same (index, term) on top of different prefixes.
    let a1 = pos(0, &entry(1, 1, b"a"));
    let b1 = pos(0, &entry(1, 2, b"b"));
    let a2 = pos(a1.hash, &entry(2, 3, b"c"));
    let b2 = pos(b1.hash, &entry(2, 3, b"c"));
    assert_eq!((a2.index, a2.term), (b2.index, b2.term));
    let mut hist = History::default();
    let v = check_all(
        &mut hist,
        &[
            Obs::LogPersisted {
                node: 1,
                entries: vec![a1, a2],
            },
            Obs::LogPersisted {
                node: 2,
                entries: vec![b1, b2],
            },
        ],
    )
    .unwrap_err();
    assert_eq!(v.property, "log_matching", "{v}");

    let mut hist = History::default();
    let committed = Obs::CommittedInLog {
        node: 1,
        entries: vec![a1],
    };
    check_all(&mut hist, std::slice::from_ref(&committed)).expect("consistent so far");
    let v = check_all(
        &mut hist,
        &[Obs::CommittedInLog {
            node: 2,
            entries: vec![b1],
        }],
    )
    .unwrap_err();
    assert_eq!(v.property, "committed_entries_never_change", "{v}");

    let v = check_all(&mut hist, &[Obs::SnapshotInstalled { node: 4, pos: b1 }]).unwrap_err();
    assert_eq!(v.property, "committed_entries_never_change", "{v}");
    let v = check_all(
        &mut hist,
        &[Obs::Contract {
            node: 2,
            what: "append refused".into(),
        }],
    )
    .unwrap_err();
    assert_eq!(v.property, "ready_contract", "{v}");

    let v = check_all(
        &mut hist,
        &[Obs::Applied {
            node: 3,
            pos: b1,
            expected: 1,
        }],
    )
    .unwrap_err();
    assert_eq!(v.property, "state_machine_safety", "{v}");
    let v = check_all(
        &mut hist,
        &[Obs::Applied {
            node: 3,
            pos: a2,
            expected: 1,
        }],
    )
    .unwrap_err();
    assert!(v.detail.contains("contiguous"), "{v}");

    let hs = |term, vote, commit| HardState { term, vote, commit };
    let v = check_all(
        &mut hist,
        &[Obs::Durable {
            node: 1,
            before: hs(3, Some(1), 0),
            after: hs(3, Some(2), 0),
            log_start: 0,
            last_index: 0,
            applied: 0,
        }],
    )
    .unwrap_err();
    assert_eq!(v.property, "durable_state_sane", "{v}");

    let v = check_all(
        &mut hist,
        &[
            Obs::ReadRequested {
                node: 1,
                ctx: 7,
                known_commit: 5,
            },
            Obs::ReadState {
                node: 1,
                ctx: 7,
                index: 4,
            },
        ],
    )
    .unwrap_err();
    assert_eq!(v.property, "read_index_fresh", "{v}");
    assert_eq!(hist.max_committed(), 1);
    assert_eq!(hist.terms_with_leader(), 0);
}
