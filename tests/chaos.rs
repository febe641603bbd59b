//! Chaos tests: real `raftctl serve` processes, each in its own network namespace, under
//! concurrent clients and a nemesis that cuts the network (the leader isolated while
//! clients still reach it, a follower isolated, one-way cuts both ways, bridges,
//! partitions), kills members with -9 and restarts them, stops them with SIGSTOP, and
//! does all that while membership changes, leader transfers and snapshot installs are
//! under way, or while a member reopens its store after a kill. The clients' history is
//! then checked for linearizability, key by key (`tests/chaos/checker.rs`).
//!
//! Checked for every scenario, after the faults stop and everything is healed: a leader
//! is agreed on within `LEADER_BOUND`; a final linearizable read of every key through
//! every member (part of the history, so a lost acknowledged write or a stale read is a
//! linearizability violation); every member applies what the leader committed and its
//! local (stale) reads equal the final values; the whole history is linearizable; at
//! least a minimum of operations succeeded; `raftctl wal verify` passes on every data dir
//! after a last kill -9; no member log shows a panic.
//!
//! `cargo test --release --test chaos` runs the scenarios one after the other (they
//! would compete for the CPUs) in about two and a half minutes. `CHAOS_SECS=N` gives
//! each scenario N seconds of faults; `CHAOS_SEED=S` replays the fault schedule of a
//! failed run (its seed is printed with the fault log, the checker's witness and where
//! the members' data dirs and logs were kept). `CHAOS_VERBOSE=1` prints the fault log
//! as it happens. Needs root and iproute2: without them the tests fail, saying so.
//! docs/testing.md has more.
//!
//! Support code lives in `tests/chaos/`: the network (`net`), the processes and their
//! faults (`cluster`), an HTTP client (`client`), the clients' workload (`workload`), the
//! fault schedules (`nemesis`) and the checker (`checker`, tested in `checker_tests`).
//! Another test binary can reuse the harness by including `net`, `client` and `cluster`
//! the same way (`#[path = "chaos/net.rs"] mod net;` ...).

#[path = "bin_util/mod.rs"]
mod bin_util;
#[path = "chaos/checker.rs"]
mod checker;
#[path = "chaos/checker_tests.rs"]
mod checker_tests;
#[path = "chaos/client.rs"]
mod client;
#[path = "chaos/cluster.rs"]
mod cluster;
#[path = "chaos/nemesis.rs"]
mod nemesis;
#[path = "chaos/net.rs"]
mod net;
#[path = "chaos/workload.rs"]
mod workload;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use checker::{Kind, Op, Outcome, Verdict};
use cluster::ChaosCluster;
use workload::{counts, run_op, Workload};

/// After healing, a leader must be agreed on within this.
const LEADER_BOUND: Duration = Duration::from_secs(10);
/// Configurations the checker may visit per key before it gives up.
const CHECK_BUDGET: usize = 50_000_000;
/// The process number of the final reads in the history.
const FINAL_READER: usize = 1_000;

/// One scenario at a time: each has up to five members and several clients, and two
/// at once would starve each other of CPU.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// `CHAOS_SEED`, or a fresh random seed.
fn seed() -> u64 {
    match std::env::var("CHAOS_SEED") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("CHAOS_SEED must be a number, not {s:?}")),
        Err(_) => rand::random::<u64>() >> 11,
    }
}

/// `CHAOS_SECS`, or `default`.
fn secs(default: u64) -> u64 {
    match std::env::var("CHAOS_SECS") {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("CHAOS_SECS must be a number, not {s:?}")),
        Err(_) => default,
    }
}

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("key{i}")).collect()
}

fn all_targets(c: &ChaosCluster) -> workload::Targets {
    let t = Arc::new(RwLock::new(Vec::new()));
    nemesis::set_targets(c, &t);
    t
}

/// What a finished scenario reports.
struct Summary {
    ops: usize,
    ok: usize,
    ok_writes: usize,
    ok_reads: usize,
    fail: usize,
    unknown: usize,
    leader_after: Duration,
}

/// Heals everything, lets the clients run a little longer, stops them, reads every key
/// through every member, and checks what the module header lists. Panics (and the
/// cluster keeps its files and prints the seed and the fault log) on any violation.
fn finish(
    c: &mut ChaosCluster,
    clients: Workload,
    mut ops: Vec<Op>,
    keys: &[String],
    min_ok: usize,
) -> Summary {
    nemesis::heal(c);
    // Members that applied their own removal before the nemesis saw it are out.
    for id in c.ids() {
        if c.member(id).removed {
            c.log.note(format!("member {id} removed itself: forgotten"));
            c.forget_member(id);
        }
    }
    let (leader, leader_after) = c
        .wait_leader(LEADER_BOUND)
        .unwrap_or_else(|e| panic!("after healing: {e}"));
    c.log.note(format!(
        "leader {leader} agreed on {leader_after:?} after healing"
    ));
    std::thread::sleep(Duration::from_secs(1));
    ops.extend(clients.stop());
    c.log
        .note(format!("clients stopped; {} operations", ops.len()));

    // Final linearizable reads of every key through every member.
    let http = client::Client::new(workload::CLIENT_TIMEOUT);
    let mut finals: BTreeMap<String, Option<String>> = BTreeMap::new();
    for id in c.ids() {
        for key in keys {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let op = run_op(&http, c.t0, FINAL_READER, (id, &c.url(id)), key, Kind::Get);
                let answered = match &op.outcome {
                    Outcome::Read(v) => {
                        finals.insert(key.clone(), v.clone());
                        true
                    }
                    _ => false,
                };
                ops.push(op);
                if answered {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "after healing, member {id} gave no linearizable read of {key} within 10 s"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    // Every member applies what was committed, and its local state is the final one.
    let leader = c.leader().unwrap_or(leader);
    let commit = c
        .wait_caught_up(leader, Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("after healing: {e}"));
    for id in c.ids() {
        for key in keys {
            let path = format!("{}/v1/kv/{key}?consistency=stale", c.url(id));
            let a = http.send("GET", &path, None);
            let local = match a.status() {
                Some(200) => Some(a.text()),
                Some(404) => None,
                _ => panic!("member {id}: stale read of {key}: {}", a.text()),
            };
            assert_eq!(
                local, finals[key],
                "member {id} applied up to {commit} holds another value of {key} than the final read"
            );
        }
    }

    let n = counts(&ops);
    c.log.note(format!("history: {n:?}"));
    let started = Instant::now();
    match checker::check(&ops, CHECK_BUDGET) {
        Verdict::Linearizable => {}
        Verdict::NotLinearizable { key, witness } => {
            panic!("the history of key {key:?} is not linearizable:\n{witness}")
        }
        Verdict::GaveUp { key, visited } => panic!(
            "the checker gave up on key {key:?} after {visited} configurations; \
             fewer clients or keys with shorter runs keep histories checkable"
        ),
    }
    let check_time = started.elapsed();
    assert!(
        n.ok >= min_ok && n.ok_writes >= min_ok / 4 && n.ok_reads >= min_ok / 4,
        "too few successful operations for the run to mean something: {n:?}, wanted {min_ok} \
         (a quarter of them writes, a quarter reads)"
    );

    // Last: kill -9 every member and verify every data dir.
    for id in c.ids() {
        c.kill(id);
    }
    for id in c.ids() {
        c.wal_verify(id).unwrap_or_else(|e| panic!("{e}"));
    }
    for id in c.ids() {
        let panics = c.log_count(id, "panicked at");
        assert_eq!(panics, 0, "member {id}'s log shows a panic");
    }
    eprintln!(
        "chaos {}: {} operations checked in {check_time:?}",
        c.name,
        ops.len()
    );
    Summary {
        ops: ops.len(),
        ok: n.ok,
        ok_writes: n.ok_writes,
        ok_reads: n.ok_reads,
        fail: n.fail,
        unknown: n.unknown,
        leader_after,
    }
}

fn report(name: &str, seed: u64, secs: u64, faults: &str, s: &Summary, exits: &[String]) {
    eprintln!(
        "chaos {name}: seed {seed}, {secs} s of faults ({faults}); {} operations: {} ok \
         ({} writes, {} reads), {} failed, {} unknown; leader {:?} after healing; \
         unexpected exits: {}",
        s.ops,
        s.ok,
        s.ok_writes,
        s.ok_reads,
        s.fail,
        s.unknown,
        s.leader_after,
        if exits.is_empty() {
            "none".to_string()
        } else {
            exits.join("; ")
        }
    );
}

/// Five members; the leader isolated (clients still reach it), a follower isolated,
/// one-way cuts both ways, bridges, minority partitions, kill -9 and SIGSTOP of leaders
/// and followers, one at a time.
#[test]
fn partitions_and_crashes_keep_the_history_linearizable() {
    let _serial = serial();
    let (seed, secs) = (seed(), secs(45));
    eprintln!("chaos partitions: seed {seed}, {secs} s");
    let mut c = ChaosCluster::start("partitions", seed, 5, &[]);
    let mut rng = StdRng::seed_from_u64(seed);
    let keys = keys(6);
    let clients = Workload::start(4, &keys, all_targets(&c), seed, c.t0, 10);
    let faults = nemesis::partitions_and_crashes(&mut c, &mut rng, secs);
    let s = finish(&mut c, clients, Vec::new(), &keys, (secs * 20) as usize);
    assert!(
        c.exits.is_empty(),
        "members exited by themselves: {:?}",
        c.exits
    );
    report(
        "partitions",
        seed,
        secs,
        &format!("{faults} faults"),
        &s,
        &c.exits,
    );
}

/// Three to four voters with frequent snapshots: members added as learners, started,
/// promoted, voters removed (the leader too), leadership transferred, followers brought
/// back by snapshot install, each with a fault while it is under way.
#[test]
fn membership_transfers_and_snapshot_installs_under_faults_stay_linearizable() {
    let _serial = serial();
    let (seed, secs) = (seed(), secs(45));
    eprintln!("chaos operations: seed {seed}, {secs} s");
    let mut c = ChaosCluster::start(
        "operations",
        seed,
        3,
        &["--snapshot-threshold", "100", "--keep-log", "20"],
    );
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0b5e_55ed);
    let keys = keys(6);
    let targets = all_targets(&c);
    let clients = Workload::start(3, &keys, targets.clone(), seed, c.t0, 10);
    let (tally, own) = nemesis::operations(&mut c, &mut rng, secs, &targets, &keys, 900);
    let s = finish(&mut c, clients, own, &keys, (secs * 20) as usize);
    // A member that joins while the member it joins through is cut off gives up and is
    // started again; nothing else may exit by itself.
    let unexpected: Vec<&String> = c
        .exits
        .iter()
        .filter(|e| !e.contains("exit status: 1"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "members exited by themselves: {unexpected:?}"
    );
    assert!(
        tally.adds + tally.removes + tally.transfers + tally.installs > 0,
        "no operation went through: {tally:?}"
    );
    report(
        "operations",
        seed,
        secs,
        &format!("{tally:?}"),
        &s,
        &c.exits,
    );
}

/// Three members under load, snapshots every 64 entries: kill -9 a member (follower or
/// leader), then again 2-6 times while it reopens its store, `wal verify` after every
/// kill; sometimes down long enough to come back by snapshot install.
#[test]
fn kills_while_a_member_reopens_its_store_lose_nothing_acknowledged() {
    let _serial = serial();
    let (seed, secs) = (seed(), secs(40));
    eprintln!("chaos crash-recovery: seed {seed}, {secs} s");
    let mut c = ChaosCluster::start(
        "crash-recovery",
        seed,
        3,
        &["--snapshot-threshold", "64", "--keep-log", "16"],
    );
    let mut rng = StdRng::seed_from_u64(seed ^ 0xc4a5_4ed0);
    let keys = keys(6);
    let clients = Workload::start(3, &keys, all_targets(&c), seed, c.t0, 10);
    let tally = nemesis::crash_during_recovery(&mut c, &mut rng, secs)
        .unwrap_or_else(|e| panic!("after a kill -9: {e}"));
    let s = finish(&mut c, clients, Vec::new(), &keys, (secs * 20) as usize);
    assert!(
        c.exits.is_empty(),
        "members exited by themselves: {:?}",
        c.exits
    );
    assert!(tally.kills_while_reopening >= 10, "{tally:?}");
    report(
        "crash-recovery",
        seed,
        secs,
        &format!("{tally:?}"),
        &s,
        &c.exits,
    );
}

/// The harness's own check: a one-way cut stops one direction only, a full cut both,
/// clients in the root namespace reach every member throughout, and healing restores
/// everything. Two one-member clusters, one per namespace, probed with the CLI run
/// inside the namespaces.
/// Election timeout of the members (`--election-ticks` 10 at `cluster::TICK_MS`).
const ELECTION_TIMEOUT: Duration = Duration::from_millis(200);

/// A follower cut off while the leader keeps replicating to it (its request in flight on
/// a kept-alive connection whose packets vanish) is back in step soon after the heal:
/// peer requests and connection attempts give up after about an election timeout (at
/// least 500 ms) and the sender tries again, instead of waiting for a TCP retransmission
/// or a 5 s timeout. Cut for 3.5 s, a 5 s timeout would leave it out for about 1.5 s
/// after the heal (measured: 1.57 s), a fixed 1 s connection timeout 0.77 s.
/// Bound: two election timeouts plus one peer request timeout, plus 0.5 s of slack.
#[test]
fn a_healed_follower_is_back_in_step_within_a_few_election_timeouts() {
    const BOUND: Duration = Duration::from_millis(2 * 200 + 500 + 500);
    let _serial = serial();
    let c = ChaosCluster::start("heal", 0, 3, &[]);
    let (leader, _) = c.wait_leader(Duration::from_secs(20)).expect("a leader");
    let follower = c
        .ids()
        .into_iter()
        .find(|id| *id != leader)
        .expect("a follower");
    let others: Vec<u64> = c.ids().into_iter().filter(|id| *id != follower).collect();
    let leader_url = c.url(leader);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let http = client::Client::new(Duration::from_secs(2));
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let url = format!("{leader_url}/v1/kv/heal{}", n % 50);
                let _ = http.send("PUT", &url, Some(n.to_string().into_bytes()));
                n += 1;
            }
        })
    };
    let mut worst = Duration::ZERO;
    for round in 0..3 {
        c.net.isolate(follower, &others);
        c.log
            .note(format!("round {round}: isolate follower {follower}"));
        // The leader's request to it is stuck, retransmitted by TCP at growing
        // intervals (0.2, 0.6, 1.4, 3.0, 6.2 s after it was sent).
        std::thread::sleep(Duration::from_millis(3_500));
        let commit = c
            .status(leader)
            .and_then(|s| s["commit"].as_u64())
            .expect("the leader's commit index");
        c.net.heal();
        let healed = Instant::now();
        ChaosCluster::wait_until(BOUND, || {
            let s = c.status(follower);
            s.is_some_and(|s| s["applied"].as_u64().unwrap_or(0) >= commit)
        })
        .unwrap_or_else(|e| {
            panic!(
                "round {round}: follower {follower} not back in step (applied {commit}) within {BOUND:?} of the heal: {e}"
            )
        });
        let took = healed.elapsed();
        c.log.note(format!(
            "round {round}: back in step {took:?} after the heal"
        ));
        eprintln!("round {round}: follower {follower} back in step {took:?} after the heal (election timeout {ELECTION_TIMEOUT:?})");
        worst = worst.max(took);
        std::thread::sleep(Duration::from_millis(500));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().expect("the writer");
    eprintln!("worst: {worst:?}");
}

#[test]
fn the_network_cuts_do_what_they_say() {
    let _serial = serial();
    let mut c = ChaosCluster::start("net-check", 0, 1, &[]);
    c.add_member(2, Vec::new());
    c.start_member(2);
    let reach = |c: &ChaosCluster, from: Option<u64>, to: u64| -> bool {
        let url = c.url(to);
        let mut cmd = match from {
            Some(id) => c.net.command(id, cluster::raftctl_bin()),
            None => std::process::Command::new(cluster::raftctl_bin()),
        };
        cmd.args([
            "--endpoints",
            &url,
            "--timeout",
            "1s",
            "kv",
            "put",
            "probe",
            "x",
        ])
        .output()
        .expect("run raftctl")
        .status
        .success()
    };
    cluster::ChaosCluster::wait_until(Duration::from_secs(20), || {
        reach(&c, None, 1) && reach(&c, None, 2)
    })
    .expect("both members answer");
    let all = |c: &ChaosCluster| {
        [
            reach(c, Some(1), 2),
            reach(c, Some(2), 1),
            reach(c, None, 1),
            reach(c, None, 2),
        ]
    };
    assert_eq!(all(&c), [true; 4], "before any cut");
    c.net.cut_one_way(1, 2);
    assert_eq!(all(&c), [false, true, true, true], "1 cannot send to 2");
    c.net.heal();
    c.net.cut_one_way(2, 1);
    assert_eq!(all(&c), [true, false, true, true], "2 cannot send to 1");
    c.net.heal();
    c.net.cut_both(1, 2);
    assert_eq!(all(&c), [false, false, true, true], "1 and 2 cut");
    c.net.heal();
    assert_eq!(all(&c), [true; 4], "healed");
    // A stopped process: its port still takes connections, it answers nothing.
    c.pause(2);
    assert!(!reach(&c, None, 2), "a stopped member answered");
    c.resume(2);
    assert!(reach(&c, None, 2));
}
