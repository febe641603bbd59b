//! The nemesis: faults drawn from a seeded generator and applied to a `ChaosCluster`
//! while the clients run. The seed fixes the sequence of faults, their targets (as
//! roles: "the leader", "a follower" are resolved when the fault is applied) and their
//! durations; the timing of the processes is not deterministic, so a replay re-runs the
//! same schedule, not the same interleaving.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::checker::{Kind, Op};
use super::client::Client;
use super::cluster::{output_text, ChaosCluster};
use super::workload::{run_op, Targets, CLIENT_TIMEOUT};

/// The faults that change nothing but the network and the processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The leader cut from every other member; clients still reach it.
    IsolateLeader,
    IsolateFollower,
    /// The leader cannot send to one follower (the follower still sends to it).
    LeaderCannotSendTo,
    /// One follower cannot send to the leader (it still hears the leader).
    FollowerCannotSendToLeader,
    /// Two halves cut from each other, one member in both.
    Bridge,
    /// A random minority cut from the majority.
    Partition,
    KillLeader,
    KillFollower,
    PauseLeader,
    PauseFollower,
}

pub const BASIC: [Fault; 10] = [
    Fault::IsolateLeader,
    Fault::IsolateFollower,
    Fault::LeaderCannotSendTo,
    Fault::FollowerCannotSendToLeader,
    Fault::Bridge,
    Fault::Partition,
    Fault::KillLeader,
    Fault::KillFollower,
    Fault::PauseLeader,
    Fault::PauseFollower,
];

/// The leader if one is known, else any member that is up.
fn leader_or_any(c: &ChaosCluster, rng: &mut StdRng) -> Option<u64> {
    c.leader().or_else(|| {
        let up: Vec<u64> = c
            .ids()
            .into_iter()
            .filter(|id| c.member(*id).is_up())
            .collect();
        up.choose(rng).copied()
    })
}

fn other_than(c: &ChaosCluster, rng: &mut StdRng, not: &[u64]) -> Option<u64> {
    let ids: Vec<u64> = c
        .ids()
        .into_iter()
        .filter(|id| !not.contains(id) && c.member(*id).is_up())
        .collect();
    ids.choose(rng).copied()
}

/// Applies `f`; returns what was done, for the log (`None`: no target was found).
pub fn apply(c: &mut ChaosCluster, rng: &mut StdRng, f: Fault) -> Option<String> {
    let ids = c.ids();
    let leader = leader_or_any(c, rng)?;
    let follower = other_than(c, rng, &[leader]);
    Some(match f {
        Fault::IsolateLeader => {
            c.net.isolate(leader, &ids);
            format!("isolate the leader {leader} from its peers (clients still reach it)")
        }
        Fault::IsolateFollower => {
            let f = follower?;
            c.net.isolate(f, &ids);
            format!("isolate follower {f}")
        }
        Fault::LeaderCannotSendTo => {
            let f = follower?;
            c.net.cut_one_way(leader, f);
            format!("one-way cut: leader {leader} cannot send to {f} ({f} still sends to it)")
        }
        Fault::FollowerCannotSendToLeader => {
            let f = follower?;
            c.net.cut_one_way(f, leader);
            format!("one-way cut: {f} cannot send to the leader {leader} (it still hears it)")
        }
        Fault::Bridge => {
            let mut all = ids.clone();
            all.shuffle(rng);
            let half = all.len() / 2;
            let (a, rest) = all.split_at(half);
            let (mid, b) = rest.split_first()?;
            c.net.partition(a, b);
            format!("bridge: {a:?} | {b:?}, {mid} in both")
        }
        Fault::Partition => {
            let mut all = ids.clone();
            all.shuffle(rng);
            let minority = rng.gen_range(1..=(all.len() - 1) / 2);
            let (a, b) = all.split_at(minority);
            c.net.partition(a, b);
            format!("partition: {a:?} | {b:?}")
        }
        Fault::KillLeader => {
            c.kill(leader);
            format!("kill -9 the leader {leader}")
        }
        Fault::KillFollower => {
            let f = follower?;
            c.kill(f);
            format!("kill -9 follower {f}")
        }
        Fault::PauseLeader => {
            c.pause(leader);
            format!("SIGSTOP the leader {leader}")
        }
        Fault::PauseFollower => {
            let f = follower?;
            c.pause(f);
            format!("SIGSTOP follower {f}")
        }
    })
}

/// Applies a random basic fault and logs it; true if one was applied.
pub fn random_fault(c: &mut ChaosCluster, rng: &mut StdRng) -> bool {
    let f = *BASIC.choose(rng).expect("faults");
    match apply(c, rng, f) {
        Some(d) => {
            c.log.note(d);
            true
        }
        None => {
            c.log.note(format!("{f:?}: no target"));
            false
        }
    }
}

pub fn heal(c: &mut ChaosCluster) {
    c.reap();
    c.heal_all();
    c.log
        .note("heal: network whole, members continued or restarted");
}

pub fn sleep_ms(rng: &mut StdRng, range: std::ops::RangeInclusive<u64>) {
    std::thread::sleep(Duration::from_millis(rng.gen_range(range)));
}

/// Scenario "partitions": random basic faults, one at a time, each held for 0.5-3 s,
/// then healed, until `secs` have passed. Returns the number of faults applied.
pub fn partitions_and_crashes(c: &mut ChaosCluster, rng: &mut StdRng, secs: u64) -> usize {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut faults = 0;
    while Instant::now() < end {
        if random_fault(c, rng) {
            faults += 1;
        }
        sleep_ms(rng, 500..=3000);
        heal(c);
        sleep_ms(rng, 300..=1500);
    }
    faults
}

/// Sets the clients' targets to the members that are in the cluster.
pub fn set_targets(c: &ChaosCluster, targets: &Targets) {
    let t: Vec<(u64, String)> = c.ids().into_iter().map(|id| (id, c.url(id))).collect();
    *targets.write().unwrap_or_else(|e| e.into_inner()) = t;
}

/// Voters and learners as the leader sees them.
fn membership(c: &ChaosCluster) -> Option<(Vec<u64>, Vec<u64>)> {
    let leader = c.leader()?;
    let m = c.http.get_json(&format!("{}/v1/members", c.url(leader)))?;
    let mut voters = Vec::new();
    let mut learners = Vec::new();
    for e in m["members"].as_array()? {
        let id = e["id"].as_u64()?;
        match e["role"].as_str()? {
            "voter" => voters.push(id),
            _ => learners.push(id),
        }
    }
    Some((voters, learners))
}

/// What the operations scenario did, for the report.
#[derive(Default, Debug)]
pub struct OpsTally {
    pub faults: usize,
    pub adds: usize,
    pub promotes: usize,
    pub removes: usize,
    pub transfers: usize,
    pub snapshot_rounds: usize,
    pub installs: usize,
    pub refused: usize,
}

/// Scenario "operations": membership changes (add a learner, start it, promote it;
/// remove a voter, the leader included), leader transfers and snapshot installs, each
/// with a basic fault applied while it is under way. The cluster moves between three and
/// four voters; new members get fresh ids. Writes of its own (bursts to force log
/// compaction) are returned as operations of process `burst_process`.
pub fn operations(
    c: &mut ChaosCluster,
    rng: &mut StdRng,
    secs: u64,
    targets: &Targets,
    keys: &[String],
    burst_process: usize,
) -> (OpsTally, Vec<Op>) {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut t = OpsTally::default();
    let mut own = Vec::new();
    let http = Client::new(CLIENT_TIMEOUT);
    let mut next_id = c.ids().iter().max().copied().unwrap_or(0) + 1;
    let mut burst_seq = 0u64;
    while Instant::now() < end {
        match rng.gen_range(0..3) {
            0 => membership_step(c, rng, targets, &mut next_id, &mut t),
            1 => transfer_step(c, rng, &mut t),
            _ => snapshot_step(
                c,
                rng,
                &http,
                keys,
                burst_process,
                &mut burst_seq,
                &mut own,
                &mut t,
            ),
        }
        heal(c);
        sleep_ms(rng, 300..=1000);
    }
    // Installs by any member still in the cluster, whatever step caused them.
    t.installs = c
        .ids()
        .iter()
        .map(|id| c.log_count(*id, "installed snapshot"))
        .sum();
    (t, own)
}

fn cli_note(c: &ChaosCluster, what: &str, args: &[&str]) -> bool {
    let out = c.cli(args);
    c.log.note(format!(
        "{what}: `raftctl {}` -> {}",
        args.join(" "),
        output_text(&out)
    ));
    out.status.success()
}

fn membership_step(
    c: &mut ChaosCluster,
    rng: &mut StdRng,
    targets: &Targets,
    next_id: &mut u64,
    t: &mut OpsTally,
) {
    let Some((voters, learners)) = membership(c) else {
        c.log.note("membership step: no leader to ask");
        return;
    };
    // Members the harness runs that the cluster no longer lists (a removal that
    // committed although the CLI did not see it) are stopped.
    for id in c.ids() {
        if !voters.contains(&id) && !learners.contains(&id) {
            c.log.note(format!(
                "member {id} is not in the cluster any more: stopped"
            ));
            c.forget_member(id);
            set_targets(c, targets);
        }
    }
    if let Some(&l) = learners.first() {
        if !c.ids().contains(&l) {
            cli_note(
                c,
                "remove an unknown learner",
                &["member", "remove", &l.to_string()],
            );
            return;
        }
        t.faults += random_fault(c, rng) as usize;
        let ok = promote(c, l);
        t.promotes += ok as usize;
        t.refused += !ok as usize;
    } else if voters.len() <= 3 {
        let id = *next_id;
        *next_id += 1;
        let url = c.net.url(id);
        let Some(leader) = c.leader() else { return };
        if !cli_note(
            c,
            "add a learner",
            &["member", "add", &id.to_string(), &url, "--learner"],
        ) {
            t.refused += 1;
            return;
        }
        t.adds += 1;
        let join = c.url(leader);
        c.add_member(id, vec!["--join".into(), join]);
        c.start_member(id);
        set_targets(c, targets);
        // A fault while the new member catches up, then promote it under another.
        t.faults += random_fault(c, rng) as usize;
        sleep_ms(rng, 500..=1500);
        heal(c);
        t.faults += random_fault(c, rng) as usize;
        let ok = promote(c, id);
        t.promotes += ok as usize;
        t.refused += !ok as usize;
    } else {
        let victim = *voters.choose(rng).expect("voters");
        let is_leader = c.leader() == Some(victim);
        t.faults += random_fault(c, rng) as usize;
        let what = if is_leader {
            "remove the leader"
        } else {
            "remove a voter"
        };
        let ok = cli_note(c, what, &["member", "remove", &victim.to_string()]);
        heal(c);
        if ok {
            t.removes += 1;
        } else {
            t.refused += 1;
        }
        // Whatever the CLI saw, the leader's member list decides.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some((v, l)) = membership(c) {
                if !v.contains(&victim) && !l.contains(&victim) {
                    c.log.note(format!("member {victim} removed: stopped"));
                    c.forget_member(victim);
                    set_targets(c, targets);
                    break;
                }
                if !ok {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Promotes learner `id`, retrying while it lags (for up to 5 s).
fn promote(c: &mut ChaosCluster, id: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let out = c.cli(&["member", "promote", &id.to_string()]);
        if out.status.success() || Instant::now() > deadline {
            c.log.note(format!("promote {id}: {}", output_text(&out)));
            return out.status.success();
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn transfer_step(c: &mut ChaosCluster, rng: &mut StdRng, t: &mut OpsTally) {
    let Some((voters, _)) = membership(c) else {
        c.log.note("transfer step: no leader");
        return;
    };
    let Some(leader) = c.leader() else { return };
    let others: Vec<u64> = voters
        .iter()
        .copied()
        .filter(|v| *v != leader && c.ids().contains(v))
        .collect();
    let Some(&to) = others.choose(rng) else {
        return;
    };
    match rng.gen_range(0..6) {
        0 => {
            c.pause(to);
            c.log.note(format!("SIGSTOP {to}, the transfer's target"));
        }
        1 => {
            c.net.cut_one_way(leader, to);
            c.log.note(format!(
                "one-way cut: leader {leader} cannot send to {to}, the target"
            ));
        }
        2 => {
            c.net.cut_one_way(to, leader);
            c.log.note(format!(
                "one-way cut: {to}, the target, cannot send to the leader {leader}"
            ));
        }
        3 => {
            if let Some(third) = other_than(c, rng, &[leader, to]) {
                c.kill(third);
                c.log
                    .note(format!("kill -9 {third}, neither leader nor target"));
            }
        }
        4 => {
            let ids = c.ids();
            c.net.isolate(to, &ids);
            c.log.note(format!("isolate {to}, the transfer's target"));
        }
        _ => c.log.note("no fault during this transfer"),
    }
    t.faults += 1;
    if cli_note(
        c,
        "leader transfer",
        &["leader", "transfer", &to.to_string()],
    ) {
        t.transfers += 1;
    } else {
        t.refused += 1;
    }
    sleep_ms(rng, 200..=1000);
}

#[allow(clippy::too_many_arguments)]
fn snapshot_step(
    c: &mut ChaosCluster,
    rng: &mut StdRng,
    http: &Client,
    keys: &[String],
    process: usize,
    seq: &mut u64,
    own: &mut Vec<Op>,
    t: &mut OpsTally,
) {
    let Some(leader) = c.leader() else {
        c.log.note("snapshot step: no leader");
        return;
    };
    let Some(f) = other_than(c, rng, &[leader]) else {
        return;
    };
    let installs_before = c.log_count(f, "installed snapshot");
    let ids = c.ids();
    c.net.isolate(f, &ids);
    // Its log may hold more than it applied: what matters is its last index.
    let last = c
        .status(f)
        .and_then(|s| s["last_index"].as_u64())
        .unwrap_or(0);
    c.log.note(format!(
        "snapshot install: isolate follower {f} (last index {last}), write until the leader compacts past it"
    ));
    t.snapshot_rounds += 1;
    // Writes through the members still connected, until the leader's log starts past
    // what the isolated member has.
    let deadline = Instant::now() + Duration::from_secs(8);
    let others: Vec<(u64, String)> = ids
        .iter()
        .filter(|id| **id != f)
        .map(|id| (*id, c.url(*id)))
        .collect();
    let mut compacted = false;
    while Instant::now() < deadline && !compacted {
        for _ in 0..20 {
            *seq += 1;
            let (via, url) = others.choose(rng).expect("members");
            let key = keys.choose(rng).expect("keys");
            own.push(run_op(
                http,
                c.t0,
                process,
                (*via, url),
                key,
                Kind::Put(format!("b{process}-{seq}")),
            ));
        }
        compacted = c
            .leader()
            .and_then(|l| c.status(l))
            .and_then(|s| s["first_index"].as_u64())
            .is_some_and(|first| first > last + 1);
    }
    c.log
        .note(format!("leader's log compacted past {last}: {compacted}"));
    // Heal, and hit the install while it runs.
    c.net.heal();
    c.log.note(format!(
        "heal the cut of {f}: it catches up, by snapshot if compacted"
    ));
    sleep_ms(rng, 0..=300);
    match rng.gen_range(0..4) {
        0 => {
            c.kill(f);
            c.log.note(format!("kill -9 {f} during its catch-up"));
            sleep_ms(rng, 0..=500);
            c.start_member(f);
            c.log.note(format!("restart {f}"));
        }
        1 => {
            if let Some(l) = c.leader() {
                c.kill(l);
                c.log
                    .note(format!("kill -9 the leader {l} during the catch-up of {f}"));
                t.faults += 1;
            }
        }
        2 => {
            if let Some(l) = c.leader() {
                c.pause(l);
                c.log
                    .note(format!("SIGSTOP the leader {l} during the catch-up of {f}"));
                sleep_ms(rng, 300..=1500);
                c.resume(l);
                c.log.note(format!("SIGCONT {l}"));
                t.faults += 1;
            }
        }
        _ => c.log.note("no fault during this catch-up"),
    }
    heal(c);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && c.members.contains_key(&f) {
        if c.log_count(f, "installed snapshot") > installs_before {
            break;
        }
        let caught_up = c
            .leader()
            .and_then(|l| c.status(l))
            .and_then(|s| s["commit"].as_u64());
        let applied = c.status(f).and_then(|s| s["applied"].as_u64());
        if caught_up.is_some() && applied >= caught_up {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let installs = c.log_count(f, "installed snapshot") - installs_before;
    c.log.note(format!("{f} installed {installs} snapshot(s)"));
}

/// Scenario "crash during recovery": kill -9 a member, then again and again while it
/// reopens its store (0-400 ms after each start), `wal verify` on its data dir after
/// every kill; then let it recover (or not, and go on with another member). Followers
/// and leaders alike; some rounds keep the member down long enough that it returns
/// behind the leader's compacted log and is killed again while it installs the snapshot.
pub fn crash_during_recovery(
    c: &mut ChaosCluster,
    rng: &mut StdRng,
    secs: u64,
) -> Result<CrashTally, String> {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut t = CrashTally::default();
    while Instant::now() < end {
        let leader = c.leader();
        let victim = if rng.gen_ratio(1, 3) {
            leader_or_any(c, rng)
        } else {
            other_than(c, rng, &leader.into_iter().collect::<Vec<_>>())
        };
        let Some(victim) = victim else {
            heal(c);
            continue;
        };
        let role = if Some(victim) == leader {
            "the leader"
        } else {
            "follower"
        };
        c.kill(victim);
        t.kills += 1;
        c.log.note(format!("kill -9 {role} {victim}"));
        c.wal_verify(victim)?;
        if rng.gen_ratio(1, 3) {
            // Down long enough for the leader to compact past it.
            sleep_ms(rng, 1500..=3000);
        }
        for _ in 0..rng.gen_range(2..=6) {
            c.start_member(victim);
            let delay = rng.gen_range(0..=400);
            std::thread::sleep(Duration::from_millis(delay));
            c.kill(victim);
            t.kills_while_reopening += 1;
            c.log.note(format!(
                "kill -9 {victim} again, {delay} ms after its start"
            ));
            c.wal_verify(victim)?;
            t.verifies += 1;
        }
        c.start_member(victim);
        if rng.gen_ratio(1, 2) {
            // Let it come back fully: in touch with a leader, caught up.
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut healthy = false;
            while Instant::now() < deadline && !healthy {
                healthy = c
                    .http
                    .send("GET", &format!("{}/health", c.url(victim)), None)
                    .status()
                    == Some(200);
                std::thread::sleep(Duration::from_millis(50));
            }
            c.log
                .note(format!("{victim} restarted; healthy: {healthy}"));
        } else {
            c.log.note(format!("{victim} restarted; on at once"));
        }
        sleep_ms(rng, 100..=800);
    }
    t.installs = c
        .ids()
        .iter()
        .map(|id| c.log_count(*id, "installed snapshot"))
        .sum();
    Ok(t)
}

#[derive(Default, Debug)]
pub struct CrashTally {
    pub kills: usize,
    pub kills_while_reopening: usize,
    pub verifies: usize,
    pub installs: usize,
}
