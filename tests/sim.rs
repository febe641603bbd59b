//! Deterministic simulation of the consensus core.
//!
//! Support code lives in `tests/sim/`: the generator (`rng`), the network (`bus`) and
//! the safety properties (`invariants`).

#[path = "sim/bus.rs"]
mod bus;
#[path = "sim/invariants.rs"]
mod invariants;
#[path = "sim/rng.rs"]
mod rng;

use bytes::Bytes;
use raftctl::raft::{Entry, EntryType, HardState, Message, MessageType};

use crate::bus::{Bus, Faults};
use crate::invariants::{chain, check_all, History, LogPos, Obs};
use crate::rng::Rng;

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
