//! Tests after the sections of the Raft paper ("In Search of an Understandable
//! Consensus Algorithm", Ongaro and Ousterhout): §5.2 leader election, §5.3 log
//! replication, §5.4 safety (including Figure 8).

use bytes::Bytes;

use super::network::{conf, config, ent, storage_with, Network};
use crate::raft::{
    Config, EntryId, HardState, MemStorage, Message, MessageType, NodeId, RawNode, Role, Storage,
};

fn no_prevote(c: &mut Config) {
    c.pre_vote = false;
}

fn raw(id: NodeId, voters: &[NodeId], f: impl Fn(&mut Config)) -> RawNode<MemStorage> {
    let mut c = config(id);
    f(&mut c);
    RawNode::new(&c, MemStorage::new_with_conf_state(conf(voters))).unwrap()
}

/// Takes a Ready, persists it, advances, and returns all its messages.
fn flush(n: &mut RawNode<MemStorage>) -> Vec<Message> {
    let mut out = Vec::new();
    let mut applied = Vec::new();
    while n.has_ready() {
        let rd = n.ready();
        super::network::persist_ready(n, &rd, &mut applied);
        out.extend(rd.messages.iter().cloned());
        out.extend(rd.persisted_messages.iter().cloned());
        n.advance(rd);
    }
    out
}

fn msg(t: MessageType, from: NodeId, to: NodeId, term: u64) -> Message {
    let mut m = Message::new(t, from, to);
    m.term = term;
    m
}

// ---- §5.2 Leader election ------------------------------------------------------------

/// §5.2: a follower that hears nothing for an election timeout becomes a candidate,
/// increments its term, votes for itself and asks every other voter for its vote.
#[test]
fn follower_starts_election_after_timeout() {
    let mut n = raw(1, &[1, 2, 3], no_prevote);
    for _ in 0..2 * 10 {
        n.tick();
    }
    assert_eq!(n.raft.role, Role::Candidate);
    assert_eq!(n.raft.term, 1);
    assert_eq!(n.raft.vote, Some(1));
    let rd = n.ready();
    assert!(
        rd.messages.is_empty(),
        "vote requests wait for the vote to be saved"
    );
    let mut to: Vec<NodeId> = rd.persisted_messages.iter().map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, vec![2, 3]);
    assert!(rd
        .persisted_messages
        .iter()
        .all(|m| m.msg_type == MessageType::Vote && m.term == 1));
    assert_eq!(rd.hard_state.map(|h| (h.term, h.vote)), Some((1, Some(1))));
    assert!(rd.must_sync);
}

/// §5.2: election timeouts are randomized in [election, 2 * election) so that split
/// votes are rare; different seeds give different timeouts.
#[test]
fn election_timeout_is_randomized_within_range() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..50 {
        let mut c = Config::new(1);
        c.seed = seed;
        let mut n = RawNode::new(&c, MemStorage::new_with_conf_state(conf(&[1, 2, 3]))).unwrap();
        let t = n.raft.randomized_election_timeout;
        assert!((10..20).contains(&t), "timeout {t}");
        seen.insert(t);
        // Becoming a follower again draws a new value, still in range.
        n.raft.become_follower(1, None);
        assert!((10..20).contains(&n.raft.randomized_election_timeout));
    }
    assert!(seen.len() > 3, "timeouts vary: {seen:?}");
}

/// §5.2: a candidate wins with votes from a majority, loses on a majority of
/// rejections, and otherwise stays a candidate.
#[test]
fn candidate_outcome_follows_vote_majority() {
    // (cluster size, granted by peers, rejected by peers, expected role)
    let cases: &[(u64, &[NodeId], &[NodeId], Role)] = &[
        (1, &[], &[], Role::Leader),
        (3, &[2], &[], Role::Leader),
        (3, &[], &[2], Role::Candidate),
        (3, &[], &[2, 3], Role::Follower),
        (5, &[2], &[], Role::Candidate),
        (5, &[2, 3], &[], Role::Leader),
        (5, &[], &[2, 3, 4], Role::Follower),
        (5, &[2], &[3, 4], Role::Candidate),
    ];
    for &(size, granted, rejected, want) in cases {
        let voters: Vec<NodeId> = (1..=size).collect();
        let mut n = raw(1, &voters, no_prevote);
        n.campaign().unwrap();
        for &g in granted {
            n.step(msg(MessageType::VoteResp, g, 1, 1)).unwrap();
        }
        for &r in rejected {
            let mut m = msg(MessageType::VoteResp, r, 1, 1);
            m.reject = true;
            n.step(m).unwrap();
        }
        assert_eq!(
            n.raft.role, want,
            "size {size} granted {granted:?} rejected {rejected:?}"
        );
    }
}

/// §5.2: each server votes for at most one candidate in a term, first come first served.
#[test]
fn voter_grants_one_vote_per_term() {
    let mut n = raw(1, &[1, 2, 3], no_prevote);
    let mut v2 = msg(MessageType::Vote, 2, 1, 1);
    v2.index = 0;
    n.step(v2.clone()).unwrap();
    let mut v3 = msg(MessageType::Vote, 3, 1, 1);
    v3.index = 0;
    n.step(v3).unwrap();
    // A repeated request from the same candidate is granted again (lost response).
    n.step(v2).unwrap();
    let msgs = flush(&mut n);
    let answers: Vec<(NodeId, bool)> = msgs.iter().map(|m| (m.to, m.reject)).collect();
    assert_eq!(answers, vec![(2, false), (3, true), (2, false)]);
    assert_eq!(n.raft.vote, Some(2));
}

/// §5.2: a candidate that receives an append from a leader of its term returns to
/// follower and accepts that leader.
#[test]
fn candidate_falls_back_on_append_from_leader() {
    let mut n = raw(1, &[1, 2, 3], no_prevote);
    n.campaign().unwrap();
    assert_eq!(n.raft.role, Role::Candidate);
    n.step(msg(MessageType::Append, 2, 1, 1)).unwrap();
    assert_eq!(n.raft.role, Role::Follower);
    assert_eq!(n.raft.lead, Some(2));
    assert_eq!(n.raft.term, 1);
}

/// §5.2: a leader sends heartbeats every heartbeat timeout to maintain its authority.
#[test]
fn leader_sends_heartbeats_each_heartbeat_timeout() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    assert_eq!(net.role(1), Role::Leader);
    let before = net.trace.len();
    net.node(1).tick();
    let rd = net.node(1).ready();
    let hb: Vec<&Message> = rd
        .messages
        .iter()
        .filter(|m| m.msg_type == MessageType::Heartbeat)
        .collect();
    assert_eq!(hb.len(), 2, "heartbeats go out at once");
    // Heartbeats carry min(match, committed): nothing beyond what the follower holds.
    for m in hb {
        assert!(m.commit <= net.nodes[&1].raft.trk.progress[&m.to].matched);
    }
    net.node(1).advance(rd);
    assert_eq!(net.trace.len(), before);
}

/// §5.2: in a network, a candidate with a majority reachable becomes leader; without
/// one, nobody does.
#[test]
fn election_needs_a_reachable_majority() {
    let mut net = Network::new(&[1, 2, 3, 4, 5]);
    net.isolate(4);
    net.isolate(5);
    net.campaign(1);
    assert_eq!(net.leaders(), vec![1]);

    let mut net = Network::with_config(&[1, 2, 3, 4, 5], no_prevote);
    net.isolate(3);
    net.isolate(4);
    net.isolate(5);
    net.campaign(1);
    assert_eq!(net.role(1), Role::Candidate);
    assert!(net.leaders().is_empty());
}

/// §5.2: with randomized timeouts, ticking a cluster elects exactly one leader.
#[test]
fn ticking_elects_exactly_one_leader() {
    for seed in 0..20 {
        let mut net = Network::with_config(&[1, 2, 3], |c| c.seed = seed);
        net.tick_all(40);
        assert_eq!(net.leaders().len(), 1, "seed {seed}");
    }
}

// ---- §5.3 Log replication --------------------------------------------------------------

/// §5.3: the leader appends a proposal to its log and sends it to every follower; it
/// commits once a majority stored it, and followers learn the commit index.
#[test]
fn leader_commits_once_a_majority_stored_the_entry() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, b"x").unwrap();
    assert_eq!(net.committed(1), 2);
    assert_eq!(net.committed(2), 2);
    assert_eq!(net.applied_data(1), vec![Bytes::from_static(b"x")]);
    assert_eq!(net.applied_data(2), vec![Bytes::from_static(b"x")]);
    assert!(net.applied_data(3).is_empty());
    net.recover();
    net.tick(1, 1);
    assert_eq!(net.applied_data(3), vec![Bytes::from_static(b"x")]);
}

/// §5.3: the leader counts its own log only once persisted: with followers acking, the
/// entry commits only after the leader's `advance`.
#[test]
fn leader_counts_itself_only_after_persisting() {
    let mut n = raw(1, &[1, 2], no_prevote);
    n.campaign().unwrap();
    n.step(msg(MessageType::VoteResp, 2, 1, 1)).unwrap();
    assert_eq!(n.raft.role, Role::Leader);
    let rd = n.ready();
    assert_eq!(rd.entries.len(), 1, "the empty entry of the new term");
    assert!(rd.messages.is_empty(), "term not yet saved: appends wait");
    assert!(rd
        .persisted_messages
        .iter()
        .any(|m| m.msg_type == MessageType::Append));
    // The follower acknowledges before the leader's own write finished.
    let mut ack = msg(MessageType::AppendResp, 2, 1, 1);
    ack.index = 1;
    n.step(ack).unwrap();
    assert_eq!(n.raft.raft_log.committed, 0, "leader not persisted yet");
    let mut applied = Vec::new();
    super::network::persist_ready(&mut n, &rd, &mut applied);
    n.advance(rd);
    assert_eq!(n.raft.raft_log.committed, 1);
    // Steady state: appends go out before the leader's write.
    n.propose(Bytes::from_static(b"a")).unwrap();
    let rd = n.ready();
    assert_eq!(rd.entries.len(), 1);
    assert!(rd
        .messages
        .iter()
        .any(|m| m.msg_type == MessageType::Append && m.entries.len() == 1));
}

/// §5.3: a follower's append responses depend on its write: they are held back until
/// the entries are durable.
#[test]
fn follower_acks_only_after_persisting() {
    let mut n = raw(2, &[1, 2, 3], no_prevote);
    let mut m = msg(MessageType::Append, 1, 2, 1);
    m.entries = vec![ent(1, 1)];
    m.commit = 1;
    n.step(m).unwrap();
    let rd = n.ready();
    assert_eq!(rd.entries.len(), 1);
    assert_eq!(
        rd.committed_entries.len(),
        1,
        "may apply from the same Ready"
    );
    assert!(rd.messages.is_empty());
    assert_eq!(rd.persisted_messages[0].msg_type, MessageType::AppendResp);
    assert_eq!(rd.persisted_messages[0].index, 1);
}

/// The Ready contract: what depends on the write (a granted vote, its term) waits in
/// `persisted_messages`; what does not (a heartbeat answer with nothing to write) may
/// leave at once.
#[test]
fn ready_holds_back_only_what_depends_on_the_write() {
    let mut n = raw(2, &[1, 2, 3], no_prevote);
    let mut v = msg(MessageType::Vote, 1, 2, 1);
    v.index = 0;
    n.step(v).unwrap();
    let rd = n.ready();
    assert_eq!(rd.hard_state.map(|h| h.vote), Some(Some(1)));
    assert!(rd.must_sync);
    assert!(rd.messages.is_empty());
    assert_eq!(rd.persisted_messages[0].msg_type, MessageType::VoteResp);
    n.store_mut().set_hard_state(rd.hard_state.unwrap());
    n.advance(rd);
    n.step(msg(MessageType::Heartbeat, 1, 2, 1)).unwrap();
    let rd = n.ready();
    assert!(rd.hard_state.is_none() && rd.entries.is_empty());
    assert_eq!(rd.messages[0].msg_type, MessageType::HeartbeatResp);
    assert!(rd.persisted_messages.is_empty());
    assert!(!rd.must_sync);
}

/// §5.3: a follower rejects an append whose previous entry it does not hold, and
/// truncates a conflicting suffix when it does.
#[test]
fn follower_checks_previous_entry_and_truncates_conflicts() {
    let store = storage_with(&[1, 2, 3], &[1, 1, 2], 2);
    let mut n = RawNode::new(&config(2), store).unwrap();
    // Previous entry (3, term 3) does not match: reject.
    let mut m = msg(MessageType::Append, 1, 2, 3);
    m.index = 3;
    m.log_term = 3;
    m.entries = vec![ent(4, 3)];
    n.step(m).unwrap();
    let out = flush(&mut n);
    assert!(out[0].reject);
    // Previous (2, term 1) matches; entry 3 conflicts (term 3 vs 2) and replaces it.
    let mut m = msg(MessageType::Append, 1, 2, 3);
    m.index = 2;
    m.log_term = 1;
    m.entries = vec![ent(3, 3), ent(4, 3)];
    n.step(m).unwrap();
    let out = flush(&mut n);
    assert!(!out[0].reject);
    assert_eq!(out[0].index, 4);
    assert_eq!(n.store().term(3).unwrap(), 3);
    assert_eq!(n.store().last_index().unwrap(), 4);
}

/// §5.3, Figure 7: a new leader brings followers with missing, extra or conflicting
/// entries into agreement with its own log.
#[test]
fn leader_repairs_divergent_follower_logs() {
    let leader = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let followers: [&[u64]; 6] = [
        &[1, 1, 1, 4, 4, 5, 5, 6, 6],
        &[1, 1, 1, 4],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        &[1, 1, 1, 4, 4, 4, 4],
        &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];
    for (i, f) in followers.iter().enumerate() {
        let voters = [1, 2, 3];
        let stores = vec![
            (1, storage_with(&voters, &leader, 7)),
            (2, storage_with(&voters, f, 7)),
            (3, storage_with(&voters, &leader, 7)),
        ];
        let mut net = Network::with_storages(stores, no_prevote);
        net.campaign(1);
        assert_eq!(net.role(1), Role::Leader, "case {i}");
        net.propose(1, b"p").unwrap();
        assert_eq!(net.log_of(2), net.log_of(1), "case {i}");
        assert_eq!(net.committed(2), 12, "case {i}");
    }
}

/// §5.3 (with the thesis' optimisation): a rejection carries a hint so the leader
/// skips every entry of a conflicting term at once instead of one index per round trip.
#[test]
fn rejection_hint_skips_a_whole_term() {
    let voters = [1, 2, 3];
    let mut leader_log = vec![1u64];
    leader_log.extend(std::iter::repeat_n(2, 50));
    let mut follower_log = vec![1u64];
    follower_log.extend(std::iter::repeat_n(3, 60));
    let stores = vec![
        (1, storage_with(&voters, &leader_log, 4)),
        (2, storage_with(&voters, &follower_log, 4)),
        (3, storage_with(&voters, &leader_log, 4)),
    ];
    let mut net = Network::with_storages(stores, no_prevote);
    net.isolate(2);
    net.campaign(1);
    net.recover();
    net.tick(1, 1);
    assert_eq!(net.log_of(2), net.log_of(1));
    let rejections = net
        .trace
        .iter()
        .filter(|m| m.msg_type == MessageType::AppendResp && m.from == 2 && m.reject)
        .count();
    assert!(
        rejections <= 2,
        "{rejections} rejections for 60 conflicting entries"
    );
}

// ---- §5.4 Safety -----------------------------------------------------------------------

/// §5.4.1: a voter denies its vote to a candidate whose log is less up to date.
#[test]
fn voter_rejects_candidate_with_stale_log() {
    // Voter log ends at (2, term 2). (candidate last index, last term, granted)
    let cases = [
        (2, 2, true),
        (3, 2, true),
        (1, 2, false),
        (5, 1, false),
        (1, 3, true),
    ];
    for (index, log_term, granted) in cases {
        let store = storage_with(&[1, 2, 3], &[1, 2], 2);
        let mut n = RawNode::new(&config(1), store).unwrap();
        let mut m = msg(MessageType::Vote, 2, 1, 3);
        m.index = index;
        m.log_term = log_term;
        n.step(m).unwrap();
        let out = flush(&mut n);
        assert_eq!(out.len(), 1);
        assert_eq!(
            !out[0].reject, granted,
            "candidate last ({index}, {log_term})"
        );
    }
}

/// §5.4.2, Figure 8: a leader never commits an entry of an earlier term by counting
/// replicas; it commits it only together with an entry of its own term.
#[test]
fn figure_8_earlier_term_entry_commits_only_with_current_term_entry() {
    // S1 leads term 4 with log [1:1, 2:2]; entry 2 (term 2) is stored on a majority.
    let store = storage_with(&[1, 2, 3, 4, 5], &[1, 2], 3);
    let mut n = RawNode::new(&config(1), store).unwrap();
    n.campaign().unwrap();
    for v in [2, 3] {
        n.step(msg(MessageType::PreVoteResp, v, 1, 4)).unwrap();
    }
    for v in [2, 3] {
        n.step(msg(MessageType::VoteResp, v, 1, 4)).unwrap();
    }
    assert_eq!(n.raft.role, Role::Leader);
    assert_eq!(n.raft.term, 4);
    flush(&mut n);
    let mut ack = msg(MessageType::AppendResp, 2, 1, 4);
    ack.index = 2;
    n.step(ack.clone()).unwrap();
    ack.from = 3;
    n.step(ack).unwrap();
    assert_eq!(
        n.raft.raft_log.committed, 0,
        "entry 2 of term 2 is on S1, S2, S3 but must not commit (Figure 8c)"
    );
    // Once the term-4 entry at index 3 is on a majority, both commit (Figure 8e).
    let mut ack = msg(MessageType::AppendResp, 2, 1, 4);
    ack.index = 3;
    n.step(ack.clone()).unwrap();
    ack.from = 3;
    n.step(ack).unwrap();
    assert_eq!(n.raft.raft_log.committed, 3);
}

/// §5.4.2, Figure 8d: because such an entry was not committed, a server with a newer
/// last term may still win and overwrite it everywhere.
#[test]
fn figure_8_uncommitted_entry_may_be_overwritten() {
    let voters = [1, 2, 3, 4, 5];
    let stores = vec![
        (1, storage_with(&voters, &[1, 2], 4)),
        (2, storage_with(&voters, &[1, 2], 4)),
        (3, storage_with(&voters, &[1, 2], 4)),
        (4, storage_with(&voters, &[1], 4)),
        (5, storage_with(&voters, &[1, 3], 4)),
    ];
    let mut net = Network::with_storages(stores, no_prevote);
    net.isolate(1);
    net.campaign(5);
    assert_eq!(net.role(5), Role::Leader);
    net.propose(5, b"after").unwrap();
    for id in [2, 3, 4] {
        assert_eq!(net.log_of(id), net.log_of(5), "node {id}");
    }
    assert_eq!(
        net.log_of(5)[1],
        (2, 3),
        "S5's term-3 entry replaced term 2"
    );
    net.recover();
    net.tick(5, 1);
    assert_eq!(net.log_of(1), net.log_of(5));
}

/// §5.4.3: once committed, an entry is in the log of every later leader: a node missing
/// it cannot win.
#[test]
fn leader_completeness_node_without_committed_entries_cannot_win() {
    let mut net = Network::with_config(&[1, 2, 3], |c| {
        c.pre_vote = false;
        c.check_quorum = false;
    });
    net.campaign(1);
    net.isolate(3);
    net.propose(1, b"a").unwrap();
    net.propose(1, b"b").unwrap();
    net.recover();
    net.isolate(1);
    net.campaign(3);
    assert_ne!(net.role(3), Role::Leader);
    net.campaign(2);
    assert_eq!(net.role(2), Role::Leader);
    assert_eq!(
        net.applied_data(2),
        vec![Bytes::from_static(b"a"), Bytes::from_static(b"b")]
    );
}

/// §5.4 state machine safety: after failures and elections, every node applied the
/// same sequence of entries.
#[test]
fn all_nodes_apply_the_same_sequence() {
    let mut net = Network::with_config(&[1, 2, 3, 4, 5], |c| c.seed = 9);
    net.campaign(1);
    net.propose(1, b"a").unwrap();
    net.isolate(1);
    net.tick_all(40);
    let leader = net
        .leaders()
        .into_iter()
        .find(|&l| l != 1)
        .expect("new leader");
    net.propose(leader, b"b").unwrap();
    net.recover();
    net.tick_all(5);
    net.propose(net.leaders()[0], b"c").unwrap();
    let want = net.applied_data(leader);
    assert_eq!(want.len(), 3);
    for id in 1..=5 {
        assert_eq!(net.applied_data(id), want, "node {id}");
        let hs: HardState = net.nodes[&id].store().hard_state();
        assert_eq!(hs.commit, net.committed(id));
    }
    assert!(net.nodes[&leader]
        .raft
        .raft_log
        .match_term(EntryId { index: 1, term: 1 }));
}
