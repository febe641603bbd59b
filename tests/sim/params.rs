//! What a run is made of: its parameters drawn from the seed, the weighted actions of a
//! step, and the coverage counters that show a run was not vacuous.

use raftctl::raft::Config;

use crate::bus::Faults;
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
pub const QUIESCENCE_LIMIT: usize = 100_000;

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
