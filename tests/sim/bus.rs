//! The simulated network: every message between nodes goes through one `Bus`.
//!
//! A message is stamped with the tick at which it may arrive. Faults are drawn from the
//! run's generator when it is sent (drop, duplicate, delay) and when it is delivered
//! (which of the due messages arrives next: the reordering; and whether a partition cuts
//! it). Nothing here depends on wall time or hash order, so a seed replays exactly.

use std::collections::{BTreeMap, BTreeSet};

use raftctl::raft::{Message, NodeId};

use crate::rng::Rng;

/// How unreliable the network is. `Faults::none()` is a perfect FIFO network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Faults {
    /// Probability that a sent message is lost.
    pub drop: f64,
    /// Probability that a sent message arrives twice.
    pub duplicate: f64,
    /// A message arrives up to this many ticks after it was sent.
    pub max_delay: u64,
    /// Pick the next due message at random instead of in send order.
    pub reorder: bool,
}

impl Faults {
    pub fn none() -> Faults {
        Faults {
            drop: 0.0,
            duplicate: 0.0,
            max_delay: 0,
            reorder: false,
        }
    }
}

/// A message on the wire, with what the sender's side needs to hear about its fate.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub msg: Message,
    /// The sender's incarnation: a report about a lost message must not reach a node that
    /// restarted since it sent it.
    pub sender_incarnation: u64,
    due: u64,
    seq: u64,
}

/// Counters, for the summary line of a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct BusStats {
    pub sent: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub cut: u64,
    pub delivered: u64,
}

#[derive(Debug)]
pub struct Bus {
    pub faults: Faults,
    pub stats: BusStats,
    in_flight: Vec<InFlight>,
    next_seq: u64,
    /// Partition side of each node; nodes not listed are on side 0. Empty = connected.
    sides: BTreeMap<NodeId, u32>,
    /// Links cut in one direction only: (from, to).
    one_way: BTreeSet<(NodeId, NodeId)>,
}

impl Bus {
    pub fn new(faults: Faults) -> Bus {
        Bus {
            faults,
            stats: BusStats::default(),
            in_flight: Vec::new(),
            next_seq: 0,
            sides: BTreeMap::new(),
            one_way: BTreeSet::new(),
        }
    }

    /// Puts `msg` on the wire at tick `now`. Returns the message back if the network lost
    /// it, so that the sender's runtime can be told (as a real transport would notice).
    pub fn send(
        &mut self,
        rng: &mut Rng,
        now: u64,
        msg: Message,
        sender_incarnation: u64,
    ) -> Option<Message> {
        self.stats.sent += 1;
        if self.faults.drop > 0.0 && rng.chance(self.faults.drop) {
            self.stats.dropped += 1;
            return Some(msg);
        }
        if self.faults.duplicate > 0.0 && rng.chance(self.faults.duplicate) {
            self.stats.duplicated += 1;
            let due = now + self.delay(rng);
            self.push(due, msg.clone(), sender_incarnation);
        }
        let due = now + self.delay(rng);
        self.push(due, msg, sender_incarnation);
        None
    }

    fn delay(&self, rng: &mut Rng) -> u64 {
        if self.faults.max_delay == 0 {
            0
        } else {
            rng.range(0, self.faults.max_delay)
        }
    }

    fn push(&mut self, due: u64, msg: Message, sender_incarnation: u64) {
        self.in_flight.push(InFlight {
            msg,
            sender_incarnation,
            due,
            seq: self.next_seq,
        });
        self.next_seq += 1;
    }

    /// Takes the next message that may arrive at tick `now`: a random due one when
    /// reordering, else the oldest. The flag says whether it crosses a partition (then
    /// it is lost, and the caller reports it to the sender).
    pub fn next_due(&mut self, rng: &mut Rng, now: u64) -> Option<(InFlight, bool)> {
        let due: Vec<usize> = (0..self.in_flight.len())
            .filter(|&i| self.in_flight[i].due <= now)
            .collect();
        let pos = if self.faults.reorder {
            rng.pick(&due)?
        } else {
            *due.iter().min_by_key(|&&i| self.in_flight[i].seq)?
        };
        let m = self.in_flight.remove(pos);
        let reaches = self.connected(m.msg.from, m.msg.to);
        if reaches {
            self.stats.delivered += 1;
        } else {
            self.stats.cut += 1;
        }
        Some((m, reaches))
    }

    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }

    pub fn len(&self) -> usize {
        self.in_flight.len()
    }

    /// Whether a message from `from` reaches `to`.
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        self.side(from) == self.side(to) && !self.one_way.contains(&(from, to))
    }

    /// Cuts the link from `from` to `to` only: `to` still reaches `from`.
    pub fn cut_one_way(&mut self, from: NodeId, to: NodeId) {
        self.one_way.insert((from, to));
    }

    fn side(&self, id: NodeId) -> u32 {
        self.sides.get(&id).copied().unwrap_or(0)
    }

    /// Splits the nodes: each listed node goes to its side, unlisted nodes to side 0.
    pub fn partition(&mut self, sides: BTreeMap<NodeId, u32>) {
        self.sides = sides;
    }

    pub fn is_partitioned(&self) -> bool {
        self.sides.values().any(|&s| s != 0) || !self.one_way.is_empty()
    }

    /// Reconnects everyone (messages already lost stay lost).
    pub fn heal(&mut self) {
        self.sides.clear();
        self.one_way.clear();
    }

    /// The partition as text: `{1,2} | {3}`.
    pub fn describe_partition(&self, ids: &[NodeId]) -> String {
        let mut by_side: BTreeMap<u32, Vec<NodeId>> = BTreeMap::new();
        for &id in ids {
            by_side.entry(self.side(id)).or_default().push(id);
        }
        by_side
            .values()
            .map(|ids| {
                let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
                format!("{{{}}}", ids.join(","))
            })
            .chain(self.one_way.iter().map(|(a, b)| format!("{a}-/->{b}")))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}
