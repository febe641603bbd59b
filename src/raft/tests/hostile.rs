//! Messages no correct member sends: numbers past the limits, snapshots and transfers
//! from the wrong node, proposals of entry types peers may not propose, absurd stored
//! state. None may panic, wrap or change anything; the cluster must keep working.

use bytes::Bytes;
use proptest::prelude::*;

use super::network::{conf, config, ent, storage_with, Network};
use crate::raft::{
    check_message_bounds, ConfState, Entry, EntryType, Error, Message, MessageType, NodeId,
    RawNode, Role, Snapshot, SnapshotMeta, MAX_ADOPTED_TERM, MAX_INDEX, MAX_TERM, MAX_TERM_STEP,
};

fn leader_of(net: &Network) -> NodeId {
    let l = net.leaders();
    assert_eq!(l.len(), 1, "exactly one leader: {l:?}");
    l[0]
}

fn heartbeat(from: NodeId, to: NodeId, term: u64) -> Message {
    let mut m = Message::new(MessageType::Heartbeat, from, to);
    m.term = term;
    m
}

fn snapshot_msg(from: NodeId, to: NodeId, term: u64, index: u64, snap_term: u64) -> Message {
    let mut m = Message::new(MessageType::Snapshot, from, to);
    m.term = term;
    m.snapshot = Some(Snapshot {
        meta: SnapshotMeta {
            index,
            term: snap_term,
            conf_state: conf(&[1, 2, 3]),
        },
        data: Bytes::new(),
    });
    m
}

/// Elects a leader and commits a proposal on it (a leader of a stale term found out
/// on the way only costs a retry).
fn assert_cluster_works(net: &mut Network) {
    for _ in 0..200 {
        net.tick_all(1);
        let [lead] = net.leaders()[..] else { continue };
        if net.propose(lead, b"after").is_err() {
            continue;
        }
        net.tick_all(2);
        if net.role(lead) == Role::Leader && net.committed(lead) == net.last_index(lead) {
            return;
        }
    }
    panic!("no leader committed a proposal");
}

/// The reported crash: a heartbeat with term u64::MAX to the leader made it step down
/// to that term and wrap to term 0 on its next campaign. It is dropped, with the
/// reason, and the node still campaigns and wins.
#[test]
fn u64_max_heartbeat_is_dropped_and_the_node_still_campaigns() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    let term = net.term(1);
    let got = net.node(1).step(heartbeat(2, 1, u64::MAX));
    assert_eq!(
        got,
        Err(Error::MessageOutOfRange {
            what: "term",
            value: u64::MAX,
            limit: MAX_TERM
        })
    );
    net.drain();
    assert_eq!((net.term(1), net.role(1)), (term, Role::Leader));
    assert!(net.nodes[&1].raft.msgs.is_empty());
    net.propose(1, b"x").unwrap();
    // Node 1 can still win an election of its own.
    net.isolate(1);
    net.tick_all(30);
    net.recover();
    net.tick_all(30);
    let lead = leader_of(&net);
    assert!(net.term(lead) > term);
    net.node(lead).transfer_leader(1);
    net.drain();
    net.tick_all(5);
    assert_eq!(leader_of(&net), 1);
    assert_cluster_works(&mut net);
}

/// A term just under or at `MAX_ADOPTED_TERM` is adopted; one above is not (unless
/// within `MAX_TERM_STEP` of the node's own term). After adopting the cap the cluster
/// still elects leaders past it.
#[test]
fn terms_around_the_adopt_cap() {
    for (term, adopted) in [
        (MAX_ADOPTED_TERM - 1, true),
        (MAX_ADOPTED_TERM, true),
        (MAX_ADOPTED_TERM + 1, false),
        (MAX_TERM, false),
    ] {
        let mut net = Network::new(&[1, 2, 3]);
        net.campaign(1);
        let got = net.node(2).step(heartbeat(1, 2, term));
        assert_eq!(got.is_ok(), adopted, "term {term}: {got:?}");
        assert_eq!(net.term(2) == term, adopted);
    }
    // A cluster pushed to the cap by a forged heartbeat keeps electing leaders.
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    for to in [2, 3] {
        net.node(to)
            .step(heartbeat(1, to, MAX_ADOPTED_TERM))
            .unwrap();
    }
    net.drain();
    assert_eq!(net.term(1), MAX_ADOPTED_TERM);
    assert_cluster_works(&mut net);
    let lead = leader_of(&net);
    assert!(net.term(lead) > MAX_ADOPTED_TERM);
    // Past the cap a node follows others by up to `MAX_TERM_STEP` terms, no more.
    let own = net.term(2);
    let far = own + MAX_TERM_STEP + 1;
    assert!(net.node(2).step(heartbeat(3, 2, far)).is_err());
    assert!(net
        .node(2)
        .step(heartbeat(3, 2, own + MAX_TERM_STEP))
        .is_ok());
}

/// A node at the end of the term space refuses to campaign instead of wrapping to 0.
#[test]
fn no_campaign_past_max_term() {
    let mut net = Network::new(&[1, 2, 3]);
    net.node(1).raft.term = MAX_TERM;
    net.campaign(1);
    assert_eq!(net.term(1), MAX_TERM);
    assert_eq!(net.role(1), Role::Follower);
    net.tick(1, 50);
    assert_eq!(net.term(1), MAX_TERM);
}

/// Entries whose indexes would overflow, appends at index u64::MAX, logs terms above
/// the message term: dropped before anything changes.
#[test]
fn appends_with_overflowing_positions_are_dropped() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    let term = net.term(1);
    let last = net.last_index(2);
    let mut m = Message::new(MessageType::Append, 1, 2);
    m.term = term;
    m.index = MAX_INDEX - 1;
    m.log_term = term;
    m.entries = vec![ent(MAX_INDEX, term), ent(MAX_INDEX + 1, term)];
    assert!(matches!(
        check_message_bounds(&m),
        Err(Error::MessageOutOfRange {
            what: "entry index",
            ..
        })
    ));
    let mut wrap = m.clone();
    wrap.index = u64::MAX;
    wrap.entries = vec![ent(0, term)];
    let mut at_max = m.clone();
    at_max.index = u64::MAX;
    at_max.entries.clear();
    let mut commit = m.clone();
    commit.index = 0;
    commit.entries.clear();
    commit.commit = u64::MAX;
    for bad in [m, wrap, at_max, commit] {
        assert!(net.node(2).step(bad).is_err());
    }
    net.drain();
    assert_eq!(net.last_index(2), last);
    assert_cluster_works(&mut net);
}

/// A rejection hinting u64::MAX (or the largest valid index) does not move the
/// leader's view of the follower past its own log.
#[test]
fn reject_hints_past_the_log() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    let term = net.term(1);
    let mut m = Message::new(MessageType::AppendResp, 2, 1);
    m.term = term;
    m.reject = true;
    m.index = net.last_index(1);
    m.reject_hint = u64::MAX;
    assert!(net.node(1).step(m.clone()).is_err());
    m.reject_hint = MAX_INDEX;
    m.log_term = term;
    net.node(1).step(m.clone()).unwrap();
    m.index = MAX_INDEX;
    net.node(1).step(m).unwrap();
    net.drain();
    assert_cluster_works(&mut net);
}

/// Snapshots are installed only from the leader being followed in the current term:
/// not from another member, not at a lower term, never with out-of-range numbers.
#[test]
fn snapshots_only_from_the_leader_within_limits() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    let term = net.term(1);
    let committed = net.committed(2);
    // From a member that is not the leader.
    net.node(2)
        .step(snapshot_msg(3, 2, term, 100, term))
        .unwrap();
    let rd = net.node(2).ready();
    assert!(rd.snapshot.is_none());
    let resp = rd.persisted_messages.last().expect("answers the sender");
    assert_eq!((resp.to, resp.index), (3, committed));
    net.node(2).advance(rd);
    // Out of range.
    for bad in [
        snapshot_msg(1, 2, term, u64::MAX, term),
        snapshot_msg(1, 2, term, 100, term + 1),
        snapshot_msg(1, 2, u64::MAX, 100, 1),
    ] {
        assert!(net.node(2).step(bad).is_err());
    }
    // Malformed membership: no voters.
    let mut empty = snapshot_msg(1, 2, term, 100, term);
    empty.snapshot.as_mut().unwrap().meta.conf_state = ConfState::default();
    net.node(2).step(empty).unwrap();
    assert!(net.node(2).ready().snapshot.is_none());
    assert_eq!(net.committed(2), committed);
    // From the leader at a lower term (node 2 moved on meanwhile).
    net.node(2).step(heartbeat(3, 2, term + 1)).unwrap();
    net.node(2)
        .step(snapshot_msg(1, 2, term, 100, term))
        .unwrap();
    assert!(net.node(2).ready().snapshot.is_none());
    assert_eq!(net.committed(2), committed);
    net.drain();
    assert_cluster_works(&mut net);
}

/// A stored term no member would adopt (or a vote for id 0) is refused at start with
/// the way out; the cap itself is accepted.
#[test]
fn restart_with_an_absurd_stored_term_is_refused() {
    for term in [u64::MAX, MAX_TERM, MAX_ADOPTED_TERM + 1] {
        let store = storage_with(&[1, 2, 3], &[1, 1], term);
        let err = RawNode::new(&config(1), store).err().expect("refused");
        let text = err.to_string();
        assert!(text.contains("raftctl recover"), "{text}");
        assert!(text.contains("forged or corrupt"), "{text}");
    }
    let store = storage_with(&[1, 2, 3], &[1, 1], MAX_ADOPTED_TERM);
    assert!(RawNode::new(&config(1), store).is_ok());
    let mut store = storage_with(&[1, 2, 3], &[1, 1], 2);
    let mut hs = store.hard_state();
    hs.vote = Some(0);
    store.set_hard_state(hs);
    assert!(RawNode::new(&config(1), store).is_err());
}

/// A peer cannot propose empty entries or conf changes that do not decode; positions
/// it puts on proposals are overwritten. `TimeoutNow` from a non-leader is ignored.
#[test]
fn peer_proposals_and_transfers_are_checked() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    let term = net.term(1);
    let propose = |t: EntryType, data: &'static [u8]| {
        let mut m = Message::new(MessageType::Propose, 2, 1);
        m.entries = vec![Entry {
            term: u64::MAX,
            index: u64::MAX,
            entry_type: t,
            data: Bytes::from_static(data),
        }];
        m
    };
    assert!(matches!(
        net.node(1).step(propose(EntryType::Empty, b"")),
        Err(Error::MalformedMessage(_))
    ));
    assert!(matches!(
        net.node(1)
            .step(propose(EntryType::ConfChange, b"not json")),
        Err(Error::MalformedMessage(_))
    ));
    let last = net.last_index(1);
    net.node(1).step(propose(EntryType::Normal, b"p")).unwrap();
    net.drain();
    assert_eq!(net.log_of(1).last(), Some(&(last + 1, term)));
    // TimeoutNow from a follower (not our leader): no election.
    let mut tn = Message::new(MessageType::TimeoutNow, 3, 2);
    tn.term = term;
    net.node(2).step(tn).unwrap();
    net.drain();
    assert_eq!((leader_of(&net), net.term(2)), (1, term));
}

// ---- property: random and hostile traffic ----------------------------------------------

fn number() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(MAX_INDEX - 1),
        Just(MAX_INDEX),
        Just(MAX_INDEX + 1),
        Just(1 << 53),
        Just(MAX_ADOPTED_TERM),
        Just(MAX_ADOPTED_TERM + 1),
        0u64..12,
        0u64..12,
        0u64..12,
        any::<u64>(),
    ]
}

fn msg_type() -> impl Strategy<Value = MessageType> {
    use MessageType::*;
    proptest::sample::select(vec![
        Hup,
        Beat,
        Propose,
        Append,
        AppendResp,
        Vote,
        VoteResp,
        PreVote,
        PreVoteResp,
        Snapshot,
        Heartbeat,
        HeartbeatResp,
        Unreachable,
        SnapStatus,
        CheckQuorum,
        TransferLeader,
        TimeoutNow,
        ReadIndex,
        ReadIndexResp,
    ])
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        number(),
        number(),
        proptest::sample::select(vec![
            EntryType::Normal,
            EntryType::ConfChange,
            EntryType::Empty,
        ]),
    )
        .prop_map(|(index, term, entry_type)| Entry {
            index,
            term,
            entry_type,
            data: Bytes::from_static(b"{}"),
        })
}

fn node_id() -> impl Strategy<Value = NodeId> {
    prop_oneof![Just(0u64), 1u64..4, Just(4), Just(99), Just(u64::MAX)]
}

fn hostile_message() -> impl Strategy<Value = Message> {
    let snapshot = proptest::option::of(
        (
            number(),
            number(),
            proptest::collection::vec(0u64..5, 0..4),
            proptest::collection::vec(0u64..5, 0..2),
        )
            .prop_map(|(index, term, voters, learners)| Snapshot {
                meta: SnapshotMeta {
                    index,
                    term,
                    conf_state: ConfState { voters, learners },
                },
                data: Bytes::new(),
            }),
    );
    (
        (msg_type(), node_id(), 1u64..4, number(), number(), number()),
        (
            number(),
            number(),
            any::<bool>(),
            proptest::collection::vec(entry(), 0..3),
            snapshot,
            proptest::option::of(number()),
        ),
    )
        .prop_map(
            |(
                (msg_type, from, to, term, log_term, index),
                (commit, reject_hint, reject, entries, snapshot, ctx),
            )| {
                let mut m = Message::new(msg_type, from, to);
                m.term = term;
                m.log_term = log_term;
                m.index = index;
                m.commit = commit;
                m.reject_hint = reject_hint;
                m.reject = reject;
                m.entries = entries;
                m.snapshot = snapshot;
                if let Some(seq) = ctx {
                    m.context = Bytes::copy_from_slice(&seq.to_be_bytes());
                }
                m
            },
        )
}

#[derive(Clone, Debug)]
enum Op {
    Hostile(Message),
    /// A hostile message stamped with the target's current term plus `bump` (0..3),
    /// to reach the code past the term checks.
    NearTerm(Message, u64),
    Tick(NodeId),
    Propose,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => hostile_message().prop_map(Op::Hostile),
        4 => (hostile_message(), 0u64..3).prop_map(|(m, b)| Op::NearTerm(m, b)),
        3 => (1u64..4).prop_map(Op::Tick),
        1 => Just(Op::Propose),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever mix of random and hostile messages, ticks and proposals reaches a
    /// 3-node cluster: no panic, every node's invariants hold, no term or index passes
    /// the limits, and once the hostile input stops a leader commits a proposal.
    #[test]
    fn hostile_traffic_never_breaks_the_core(ops in proptest::collection::vec(op(), 1..150)) {
        let mut net = Network::new(&[1, 2, 3]);
        net.campaign(1);
        for o in ops {
            match o {
                Op::Hostile(m) => {
                    let to = m.to;
                    let _ = net.node(to).step(m);
                }
                Op::NearTerm(mut m, bump) => {
                    m.term = net.term(m.to).saturating_add(bump);
                    let to = m.to;
                    let _ = net.node(to).step(m);
                }
                Op::Tick(id) => net.node(id).tick(),
                Op::Propose => {
                    if let Some(&lead) = net.leaders().first() {
                        let _ = net.node(lead).propose(Bytes::from_static(b"v"));
                    }
                }
            }
            net.drain();
            for n in net.nodes.values() {
                n.raft.check_invariants();
                prop_assert!(n.raft.term <= MAX_TERM);
                prop_assert!(n.raft.raft_log.last_index() <= MAX_INDEX);
            }
        }
        net.recover();
        assert_cluster_works(&mut net);
    }
}
