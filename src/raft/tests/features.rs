//! PreVote, CheckQuorum and the lease, membership changes, leader transfer, snapshots,
//! ReadIndex, proposal forwarding and limits, restart, and malformed peer input.

use bytes::Bytes;

use super::network::{conf, config, ent, storage_with, Network};
use crate::raft::{
    ConfChange, ConfChangeType, ConfState, Config, DropReason, Entry, EntryType, Error, HardState,
    MemStorage, Message, MessageType, NodeId, ProgressState, RawNode, Role, Snapshot, SnapshotMeta,
    Storage, CAMPAIGN_TRANSFER,
};

fn cc(change_type: ConfChangeType, node_id: NodeId) -> ConfChange {
    ConfChange {
        change_type,
        node_id,
        context: Bytes::new(),
    }
}

fn leader_of(net: &Network) -> NodeId {
    let l = net.leaders();
    assert_eq!(l.len(), 1, "exactly one leader: {l:?}");
    l[0]
}

// ---- PreVote ----------------------------------------------------------------------------

/// Thesis §9.6: with PreVote, a node cut off from the cluster keeps campaigning in
/// pre-elections that never bump its term, so rejoining does not depose the leader.
#[test]
fn prevote_keeps_partitioned_node_from_bumping_term() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.tick(3, 100);
    assert_eq!(net.term(3), 1);
    assert_eq!(net.role(3), Role::PreCandidate);
    net.recover();
    net.tick_all(3);
    assert_eq!(leader_of(&net), 1);
    assert_eq!(net.term(1), 1);
    assert_eq!(net.role(3), Role::Follower);
}

/// Without PreVote (and without CheckQuorum) the same node comes back with a higher
/// term and forces the leader to step down: what PreVote prevents.
#[test]
fn without_prevote_rejoining_node_disrupts_leader() {
    let mut net = Network::with_config(&[1, 2, 3], |c| {
        c.pre_vote = false;
        c.check_quorum = false;
    });
    net.campaign(1);
    net.isolate(3);
    net.tick(3, 100);
    assert!(net.term(3) > 1);
    net.recover();
    // Its next campaign reaches the leader, which has to step down.
    net.tick(3, 20);
    assert!(net.term(1) > 1, "the leader saw the higher term");
}

/// A pre-vote is granted to an up-to-date node only when the voter has no leader, and
/// granting one changes neither term nor vote.
#[test]
fn prevote_grant_changes_no_state() {
    let mut net = Network::with_config(&[1, 2, 3], |c| c.check_quorum = false);
    net.campaign(1);
    let term = net.term(2);
    let mut pv = Message::new(MessageType::PreVote, 3, 2);
    pv.term = term + 1;
    pv.index = net.last_index(2);
    pv.log_term = term;
    net.node(2).step(pv).unwrap();
    let rd = net.node(2).ready();
    let resp = &rd.persisted_messages[0];
    assert_eq!(resp.msg_type, MessageType::PreVoteResp);
    assert!(!resp.reject);
    assert_eq!(resp.term, term + 1);
    assert_eq!(net.term(2), term);
    assert_eq!(net.nodes[&2].raft.vote, Some(1));
}

// ---- CheckQuorum and the lease ---------------------------------------------------------

/// A leader that does not hear from a majority within an election timeout steps down.
#[test]
fn check_quorum_leader_steps_down_when_cut_off() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(1);
    net.tick(1, 10);
    assert_eq!(net.role(1), Role::Leader, "first check: peers were active");
    net.tick(1, 10);
    assert_eq!(net.role(1), Role::Follower);
    assert_eq!(net.nodes[&1].raft.lead, None);
}

/// Lease (thesis §4.2.3): a voter that heard from a leader within the election timeout
/// ignores vote requests, unless the campaign comes from a leader transfer.
#[test]
fn lease_voter_ignores_votes_unless_transfer() {
    let mut net = Network::with_config(&[1, 2, 3], |c| c.pre_vote = false);
    net.campaign(1);
    let mut v = Message::new(MessageType::Vote, 3, 2);
    v.term = 5;
    v.index = net.last_index(2);
    v.log_term = 1;
    net.node(2).step(v.clone()).unwrap();
    assert_eq!(net.term(2), 1, "ignored while in lease");
    assert!(!net.node(2).has_ready());
    v.context = Bytes::from_static(CAMPAIGN_TRANSFER);
    net.node(2).step(v.clone()).unwrap();
    assert_eq!(net.term(2), 5);
    assert_eq!(net.nodes[&2].raft.vote, Some(3));

    // Once the lease expired, ordinary requests are answered again.
    let mut net = Network::with_config(&[1, 2, 3], |c| c.pre_vote = false);
    net.campaign(1);
    net.isolate(2);
    net.tick(2, 10);
    v.context = Bytes::new();
    net.node(2).step(v).unwrap();
    assert_eq!(net.term(2), 5);
}

// ---- membership -------------------------------------------------------------------------

fn add_node_4(net: &mut Network, as_learner: bool) {
    let t = if as_learner {
        ConfChangeType::AddLearner
    } else {
        ConfChangeType::AddVoter
    };
    net.node(1).propose_conf_change(cc(t, 4)).unwrap();
    // A joining node starts from the membership it is joining.
    net.add_node(4, MemStorage::new_with_conf_state(conf(&[1, 2, 3])), |_| {});
    net.drain();
}

/// A learner receives the log but never votes in the quorum nor campaigns.
#[test]
fn learner_replicates_but_never_campaigns() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    add_node_4(&mut net, true);
    net.propose(1, b"x").unwrap();
    assert_eq!(net.nodes[&1].status().conf_state.learners, vec![4]);
    assert_eq!(net.applied_data(4), vec![Bytes::from_static(b"x")]);
    assert!(net.nodes[&1].status().progress[&4].is_learner);
    // A learner with no leader still does not campaign.
    net.isolate(4);
    net.tick(4, 100);
    assert_eq!(net.role(4), Role::Follower);
    assert_eq!(net.term(4), 1);
    // Learners do not count toward commit: with 2 and 3 cut off nothing commits.
    net.recover();
    net.isolate(2);
    net.isolate(3);
    let before = net.committed(1);
    net.propose(1, b"y").unwrap();
    assert_eq!(net.committed(1), before);
}

/// Promoting a learner makes it a voter that counts toward commit and may campaign.
#[test]
fn promote_learner_then_it_counts() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    add_node_4(&mut net, true);
    net.node(1)
        .propose_conf_change(cc(ConfChangeType::PromoteLearner, 4))
        .unwrap();
    net.drain();
    assert_eq!(net.nodes[&1].status().conf_state.voters, vec![1, 2, 3, 4]);
    assert_eq!(net.nodes[&4].status().conf_state.voters, vec![1, 2, 3, 4]);
    // Now 1 and 4 alone are not a majority of 4, but 1, 2, 4 are.
    net.isolate(3);
    net.propose(1, b"z").unwrap();
    assert_eq!(net.applied_data(4), vec![Bytes::from_static(b"z")]);
    assert!(net.nodes[&4].raft.promotable());
    // Without 1, the three others (4 included) elect a leader.
    net.recover();
    net.isolate(1);
    net.tick_all(50);
    let l = net
        .leaders()
        .into_iter()
        .find(|&l| l != 1)
        .expect("a new leader");
    assert!(net.nodes[&l].status().progress[&4].matched > 0);
}

/// Only one membership change at a time: a second waits until the first is applied.
#[test]
fn one_conf_change_at_a_time() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(2);
    net.isolate(3);
    net.node(1)
        .propose_conf_change(cc(ConfChangeType::AddLearner, 4))
        .unwrap();
    let second = net
        .node(1)
        .propose_conf_change(cc(ConfChangeType::AddLearner, 5));
    assert_eq!(
        second,
        Err(Error::ProposalDropped(DropReason::ConfChangePending))
    );
    net.recover();
    net.tick(1, 1);
    net.node(1)
        .propose_conf_change(cc(ConfChangeType::AddLearner, 5))
        .unwrap();
    net.drain();
    assert_eq!(net.nodes[&1].status().conf_state.learners, vec![4, 5]);
}

/// A URL update is a conf change like the others (one at a time, applied everywhere) that
/// changes no voter or learner set; updating a non-member is refused up front and at
/// apply time, with the reason.
#[test]
fn url_update_keeps_the_membership_and_refuses_strangers() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    add_node_4(&mut net, true);
    for id in [2, 4] {
        let mut update = cc(ConfChangeType::UpdateUrl, id);
        update.context = Bytes::from(format!("http://127.0.0.1:80{id:02}"));
        let before = net.committed(3);
        net.node(1).propose_conf_change(update).unwrap();
        net.drain();
        assert!(net.committed(3) > before, "the update commits");
        for n in [1, 2, 3, 4] {
            let cs = net.nodes[&n].status().conf_state;
            assert_eq!((cs.voters, cs.learners), (vec![1, 2, 3], vec![4]), "on {n}");
        }
    }
    net.propose(1, b"after").unwrap();
    assert_eq!(
        net.applied_data(2).last(),
        Some(&Bytes::from_static(b"after"))
    );
    assert_eq!(
        net.applied_data(4).last(),
        Some(&Bytes::from_static(b"after"))
    );
    let refused = net
        .node(1)
        .propose_conf_change(cc(ConfChangeType::UpdateUrl, 9));
    match refused {
        Err(Error::InvalidConfChange { node_id: 9, reason }) => {
            assert!(reason.contains("not a member"), "{reason}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(net
        .node(2)
        .apply_conf_change(&cc(ConfChangeType::UpdateUrl, 9))
        .is_err());
    assert_eq!(net.nodes[&2].status().conf_state.voters, vec![1, 2, 3]);
}

/// Removing a voter recomputes the quorum: entries waiting for the removed node's
/// acknowledgement commit at once.
#[test]
fn removing_a_voter_recomputes_commit() {
    let mut net = Network::new(&[1, 2]);
    net.campaign(1);
    net.propose_remove_and_block(2);
}

impl Network {
    fn propose_remove_and_block(&mut self, victim: NodeId) {
        self.node(1)
            .propose_conf_change(cc(ConfChangeType::Remove, victim))
            .unwrap();
        self.drain();
        // Applied on the leader: victim gone.
        assert_eq!(self.nodes[&1].status().conf_state.voters, vec![1]);
        self.isolate(victim);
        self.propose(1, b"alone").unwrap();
        assert_eq!(self.applied_data(1), vec![Bytes::from_static(b"alone")]);
    }
}

/// Commit recomputed on removal: an entry stuck waiting for an unreachable peer
/// commits as soon as that peer is removed.
#[test]
fn removal_unblocks_pending_commit() {
    let mut n = RawNode::new(&config(1), MemStorage::new_with_conf_state(conf(&[1, 2]))).unwrap();
    n.campaign().unwrap();
    let mut pv = Message::new(MessageType::PreVoteResp, 2, 1);
    pv.term = 1;
    n.step(pv).unwrap();
    let mut v = Message::new(MessageType::VoteResp, 2, 1);
    v.term = 1;
    n.step(v).unwrap();
    assert!(n.is_leader());
    let rd = n.ready();
    n.store_mut().append(&rd.entries).unwrap();
    n.advance(rd);
    n.propose(Bytes::from_static(b"x")).unwrap();
    let rd = n.ready();
    n.store_mut().append(&rd.entries).unwrap();
    n.advance(rd);
    assert_eq!(n.raft.raft_log.committed, 0);
    n.apply_conf_change(&cc(ConfChangeType::Remove, 2)).unwrap();
    assert_eq!(n.raft.raft_log.committed, 2);
}

/// A leader that removes itself steps down once the change is applied; the others
/// elect a leader among themselves and keep committing.
#[test]
fn removed_leader_steps_down_and_cluster_continues() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.node(1)
        .propose_conf_change(cc(ConfChangeType::Remove, 1))
        .unwrap();
    net.drain();
    assert_eq!(net.role(1), Role::Follower);
    assert_eq!(net.nodes[&2].status().conf_state.voters, vec![2, 3]);
    net.tick_all(30);
    let l = leader_of(&net);
    assert_ne!(l, 1);
    net.propose(l, b"after").unwrap();
    assert_eq!(net.applied_data(2), vec![Bytes::from_static(b"after")]);
    // The removed node never campaigns again.
    net.tick(1, 100);
    assert_ne!(net.role(1), Role::Leader);
}

/// Regression (hostile input): a conf change the membership cannot take, such as
/// removing the only voter, is refused when proposed, forwarded or local, and the
/// leader keeps taking proposals. It once entered the log, was refused when applied,
/// and left the leader refusing every write as "not a member" until restarted.
#[test]
fn an_inapplicable_conf_change_is_refused_up_front_and_the_leader_keeps_serving() {
    let mut net = Network::new(&[1]);
    net.campaign(1);
    let last = net.last_index(1);
    let err = net
        .node(1)
        .propose_conf_change(cc(ConfChangeType::Remove, 1))
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidConfChange { node_id: 1, reason } if reason.contains("last voter")),
        "{err:?}"
    );
    // The same change forwarded by a "peer", and one that does not decode at all.
    for data in [
        cc(ConfChangeType::Remove, 1).encode(),
        Bytes::from_static(b"{not json"),
    ] {
        let mut m = Message::new(MessageType::Propose, 2, 1);
        m.entries = vec![Entry {
            entry_type: EntryType::ConfChange,
            data,
            ..Entry::default()
        }];
        assert!(matches!(
            net.node(1).raft.step(m),
            Err(Error::InvalidConfChange { .. } | Error::MalformedMessage(_))
        ));
    }
    assert_eq!(net.last_index(1), last, "nothing entered the log");
    assert!(!net.nodes[&1].raft.self_removal_pending);
    net.propose(1, b"still serving").unwrap();
    net.drain();
    assert_eq!(
        net.applied_data(1),
        vec![Bytes::from_static(b"still serving")]
    );
}

/// A removal of the leader that is refused when applied (it reached the log before
/// the membership changed under it) lets the leader take proposals again.
#[test]
fn a_refused_self_removal_at_apply_time_lets_the_leader_serve_again() {
    let mut net = Network::new(&[1]);
    net.campaign(1);
    net.node(1).raft.self_removal_pending = true;
    assert!(net
        .node(1)
        .apply_conf_change(&cc(ConfChangeType::Remove, 1))
        .is_err());
    assert!(!net.nodes[&1].raft.self_removal_pending);
    net.propose(1, b"after").unwrap();
}

/// A removed leader with entries the others lack still lets them elect a leader: it
/// hands over to an up-to-date voter instead of just stepping down (which would leave
/// them needing its vote, denied to their shorter logs). Until then it refuses
/// proposals and is not deposed by the quorum check.
#[test]
fn removed_leader_hands_over_even_when_others_lag() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.node(1)
        .propose_conf_change(cc(ConfChangeType::Remove, 1))
        .unwrap();
    // 2 acknowledges, then hears nothing more: 1 commits and applies its removal.
    net.ignore(MessageType::Heartbeat);
    net.ignore(MessageType::TimeoutNow);
    net.drain();
    net.cut(1, 2);
    net.drain();
    assert!(net.nodes[&1].raft.is_retiring());
    assert_eq!(
        net.propose(1, b"x"),
        Err(Error::ProposalDropped(DropReason::NotMember))
    );
    net.tick(1, 30);
    assert_eq!(
        net.role(1),
        Role::Leader,
        "no quorum-check step-down while retiring"
    );
    net.recover();
    net.tick_all(60);
    let l = leader_of(&net);
    assert_ne!(l, 1);
    net.propose(l, b"after").unwrap();
    for id in [2, 3] {
        assert_eq!(net.applied_data(id), vec![Bytes::from_static(b"after")]);
        assert_eq!(net.nodes[&id].status().conf_state.voters, vec![2, 3]);
    }
    assert_eq!(net.role(1), Role::Follower);
}

/// While its own removal is in the log, a leader takes no new proposals: when it
/// applies the removal, all it holds is committed, so a remaining voter can always
/// collect its vote, even if it crashes before handing over.
#[test]
fn leader_pending_own_removal_takes_no_proposals() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(2);
    net.isolate(3);
    net.node(1)
        .propose_conf_change(cc(ConfChangeType::Remove, 1))
        .unwrap();
    assert_eq!(
        net.propose(1, b"x"),
        Err(Error::ProposalDropped(DropReason::NotMember))
    );
    // Re-elected before applying it, the leader finds it in its log again.
    net.recover();
    net.isolate(1);
    net.node(1).raft.become_follower(5, None);
    net.node(1).raft.become_candidate(6);
    net.node(1).raft.become_leader();
    assert!(net.nodes[&1].raft.self_removal_pending);
}

/// The crash variant: a leader applies its own removal and crashes before anyone
/// learned the commit or took over. The survivor still counts it as a voter and needs
/// its vote; since the removed node's log holds nothing uncommitted, it grants it.
#[test]
fn survivor_elected_after_removed_leader_crashes_before_handover() {
    let mut net = Network::new(&[1, 2]);
    net.campaign(2);
    assert_eq!(leader_of(&net), 2);
    let removal_index = net.last_index(2) + 1;
    // Node 1 stores the removal, but never hears that it committed.
    net.drop_if = Some(Box::new(move |m: &Message| {
        m.from == 2
            && (m.commit >= removal_index
                || m.msg_type == MessageType::TimeoutNow
                || m.entries.iter().any(|e| e.index > removal_index))
    }));
    net.node(2)
        .propose_conf_change(cc(ConfChangeType::Remove, 2))
        .unwrap();
    // Had it taken this, its log would end past anything node 1 could hold.
    assert_eq!(
        net.node(2).propose(Bytes::from_static(b"late")),
        Err(Error::ProposalDropped(DropReason::NotMember))
    );
    net.drain();
    assert_eq!(net.nodes[&2].status().conf_state.voters, vec![1]);
    assert!(net.committed(1) < removal_index);
    net.restart(2);
    net.recover();
    net.tick_all(60);
    assert_eq!(leader_of(&net), 1);
    net.propose(1, b"after").unwrap();
    assert_eq!(net.nodes[&1].status().conf_state.voters, vec![1]);
    assert_eq!(net.applied_data(1), vec![Bytes::from_static(b"after")]);
}

/// A removed node holding an entry the survivor lacks (here from the survivor's own
/// pipelined append, lost in a crash) is the only possible winner: after denying its
/// vote it campaigns, leads as a non-member, brings the survivor its log and the
/// commit of the removal, then hands over.
#[test]
fn removed_node_with_longest_log_campaigns_once_it_vetoed() {
    let removal = Entry {
        index: 2,
        term: 1,
        entry_type: EntryType::ConfChange,
        data: cc(ConfChangeType::Remove, 1).encode(),
    };
    // Node 1 applied its removal and holds entry 3 of term 2.
    let mut s1 = MemStorage::new_with_conf_state(conf(&[2]));
    s1.append(&[ent(1, 1), removal.clone(), ent(3, 2)]).unwrap();
    s1.set_hard_state(HardState {
        term: 2,
        vote: Some(2),
        commit: 2,
    });
    // Node 2 never learned the removal committed and lost entry 3.
    let mut s2 = MemStorage::new_with_conf_state(conf(&[1, 2]));
    s2.append(&[ent(1, 1), removal]).unwrap();
    s2.set_hard_state(HardState {
        term: 2,
        vote: Some(2),
        commit: 1,
    });
    let mut net = Network::with_storages(vec![(1, s1), (2, s2)], |c| {
        c.applied = if c.id == 1 { 2 } else { 1 };
    });
    net.tick_all(100);
    assert_eq!(leader_of(&net), 2);
    assert_eq!(net.nodes[&2].status().conf_state.voters, vec![2]);
    net.propose(2, b"after").unwrap();
    assert_eq!(
        net.applied_data(2).last(),
        Some(&Bytes::from_static(b"after"))
    );
    assert_eq!(net.role(1), Role::Follower);
}

/// Invalid changes are refused at apply time and change nothing.
#[test]
fn invalid_conf_changes_are_errors() {
    let mut n = RawNode::new(&config(1), MemStorage::new_with_conf_state(conf(&[1]))).unwrap();
    assert!(n
        .apply_conf_change(&cc(ConfChangeType::PromoteLearner, 2))
        .is_err());
    assert!(n.apply_conf_change(&cc(ConfChangeType::Remove, 1)).is_err());
    assert!(n
        .apply_conf_change(&cc(ConfChangeType::AddVoter, 0))
        .is_err());
    n.apply_conf_change(&cc(ConfChangeType::AddVoter, 2))
        .unwrap();
    assert!(n
        .apply_conf_change(&cc(ConfChangeType::AddLearner, 2))
        .is_err());
    assert_eq!(n.status().conf_state.voters, vec![1, 2]);
}

// ---- leader transfer --------------------------------------------------------------------

/// An up-to-date transferee gets `TimeoutNow` at once and wins, even though voters
/// are in the old leader's lease.
#[test]
fn transfer_to_up_to_date_follower() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.node(1).transfer_leader(2);
    net.drain();
    assert_eq!(leader_of(&net), 2);
    assert_eq!(net.term(2), 2);
}

/// A follower may ask for the transfer itself; it is forwarded to the leader.
#[test]
fn transfer_requested_at_follower_is_forwarded() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.node(3).transfer_leader(3);
    net.drain();
    assert_eq!(leader_of(&net), 3);
}

/// A lagging transferee is first brought up to date, then told to campaign; proposals
/// are dropped while the transfer is under way.
#[test]
fn transfer_to_lagging_follower_catches_it_up_first() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for _ in 0..5 {
        net.propose(1, b"x").unwrap();
    }
    net.node(1).transfer_leader(3);
    net.drain();
    assert_eq!(net.nodes[&1].status().lead_transferee, Some(3));
    assert_eq!(
        net.propose(1, b"during"),
        Err(Error::ProposalDropped(DropReason::TransferInProgress))
    );
    net.recover();
    net.tick(1, 1);
    assert_eq!(leader_of(&net), 3);
    assert_eq!(net.log_of(3), net.log_of(1));
}

/// A transfer that does not finish within an election timeout is abandoned and the
/// leader accepts proposals again.
#[test]
fn transfer_aborts_after_election_timeout() {
    let mut net = Network::with_config(&[1, 2, 3], |c| c.check_quorum = false);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, b"x").unwrap();
    net.node(1).transfer_leader(3);
    net.drain();
    assert_eq!(net.nodes[&1].status().lead_transferee, Some(3));
    net.tick(1, 9);
    assert_eq!(net.nodes[&1].status().lead_transferee, Some(3));
    net.tick(1, 1);
    assert_eq!(net.nodes[&1].status().lead_transferee, None);
    assert_eq!(leader_of(&net), 1);
    net.propose(1, b"again").unwrap();
}

/// Transfers to a learner or to the leader itself are ignored.
#[test]
fn transfer_to_self_or_learner_is_ignored() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    add_node_4(&mut net, true);
    net.node(1).transfer_leader(1);
    net.node(1).transfer_leader(4);
    net.drain();
    assert_eq!(net.nodes[&1].status().lead_transferee, None);
    assert_eq!(leader_of(&net), 1);
}

// ---- snapshots --------------------------------------------------------------------------

fn compact_leader(net: &mut Network, id: NodeId) -> u64 {
    let applied = net.nodes[&id].raft.raft_log.applied;
    let cs = net.nodes[&id].status().conf_state;
    let store = net.node(id).store_mut();
    store
        .create_snapshot(applied, cs, Bytes::from_static(b"image"))
        .unwrap();
    store.compact(applied).unwrap();
    applied
}

/// A follower whose next entry was compacted away gets a snapshot; it restores log,
/// commit and membership from it, and replication continues after it.
#[test]
fn lagging_follower_restores_from_snapshot() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for _ in 0..5 {
        net.propose(1, b"x").unwrap();
    }
    let snap_index = compact_leader(&mut net, 1);
    net.recover();
    // The report of success comes from the runtime once the snapshot was delivered.
    net.ignore(MessageType::Snapshot);
    net.tick(1, 1);
    let st = net.nodes[&1].status();
    assert_eq!(st.progress[&3].state, ProgressState::Snapshot);
    assert_eq!(st.progress[&3].pending_snapshot, Some(snap_index));
    net.recover();
    net.tick(1, 1);
    let st = net.nodes[&1].status();
    assert_eq!(
        st.progress[&3].state,
        ProgressState::Snapshot,
        "until reported"
    );
    net.node(1).report_snapshot(3, true);
    net.tick(1, 1);
    net.propose(1, b"after").unwrap();
    let s3 = net.nodes[&3].store().snapshot(0).unwrap();
    assert_eq!(s3.meta.index, snap_index);
    assert_eq!(s3.data, Bytes::from_static(b"image"));
    assert_eq!(s3.meta.conf_state.voters, vec![1, 2, 3]);
    assert_eq!(net.committed(3), net.committed(1));
    assert_eq!(net.applied_data(3), vec![Bytes::from_static(b"after")]);
    assert_eq!(net.nodes[&3].raft.raft_log.applied, net.committed(3));
}

/// A failed snapshot report sends the follower back to probing, and the leader sends a
/// snapshot again.
#[test]
fn failed_snapshot_is_retried() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, b"x").unwrap();
    compact_leader(&mut net, 1);
    net.ignore(MessageType::Snapshot);
    net.cut.clear();
    net.tick(1, 1);
    net.node(1).report_snapshot(3, false);
    assert_eq!(
        net.nodes[&1].status().progress[&3].state,
        ProgressState::Probe
    );
    net.recover();
    net.tick(1, 2);
    assert_eq!(net.committed(3), net.committed(1));
}

/// A follower ignores a snapshot that is not ahead of its commit index.
#[test]
fn stale_snapshot_is_ignored() {
    let store = storage_with(&[1, 2], &[1, 1, 1], 1);
    let mut c = config(2);
    c.applied = 0;
    let mut n = RawNode::new(&c, store).unwrap();
    let mut m = Message::new(MessageType::Append, 1, 2);
    m.term = 1;
    m.index = 3;
    m.log_term = 1;
    m.commit = 3;
    n.step(m).unwrap();
    let mut s = Message::new(MessageType::Snapshot, 1, 2);
    s.term = 1;
    s.snapshot = Some(Snapshot {
        meta: SnapshotMeta {
            index: 2,
            term: 1,
            conf_state: conf(&[1, 2]),
        },
        data: Bytes::new(),
    });
    n.step(s).unwrap();
    let rd = n.ready();
    assert!(rd.snapshot.is_none());
    assert_eq!(rd.persisted_messages.last().unwrap().index, 3);
}

// ---- ReadIndex --------------------------------------------------------------------------

/// The leader answers a read with its commit index after a heartbeat round confirms
/// it still leads.
#[test]
fn read_index_on_leader_confirms_with_heartbeats() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    net.node(1).read_index(Bytes::from_static(b"r1"));
    net.drain();
    let rs = &net.read_states[&1];
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].index, net.committed(1));
    assert_eq!(rs[0].request_ctx, Bytes::from_static(b"r1"));
    // Without a quorum of answers there is no read state.
    net.isolate(1);
    net.node(1).read_index(Bytes::from_static(b"r2"));
    net.drain();
    assert_eq!(net.read_states[&1].len(), 1);
    // Once heartbeats get through again, the pending read is served.
    net.recover();
    net.tick(1, 1);
    assert_eq!(net.read_states[&1].len(), 2);
}

/// Reads that arrive while a confirmation round is out share the next round: ten reads
/// cost two heartbeat rounds, not ten, and each is answered at its own commit index.
/// A round goes to just enough followers for a quorum.
#[test]
fn read_index_rounds_are_shared_by_reads_that_arrive_meanwhile() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    net.drain();
    net.trace.clear();
    let before = net.read_states.get(&1).map_or(0, Vec::len);
    for i in 0..10u8 {
        net.node(1).read_index(Bytes::copy_from_slice(&[i]));
    }
    net.drain();
    let heartbeats = net
        .trace
        .iter()
        .filter(|m| m.msg_type == MessageType::Heartbeat)
        .count();
    assert_eq!(
        heartbeats, 2,
        "two rounds, each to one follower (a quorum with the leader)"
    );
    let rs = &net.read_states[&1][before..];
    let ctxs: Vec<u8> = rs.iter().map(|r| r.request_ctx[0]).collect();
    assert_eq!(ctxs, (0..10u8).collect::<Vec<_>>());
    assert!(rs.iter().all(|r| r.index == net.committed(1)));
}

/// When the follower a read round went to does not answer, the periodic heartbeat
/// completes the round, and later rounds go to the follower that answered.
#[test]
fn read_round_moves_to_the_follower_that_answers() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    net.drain();
    let round_targets = |net: &Network| -> Vec<NodeId> {
        net.trace
            .iter()
            .filter(|m| m.msg_type == MessageType::Heartbeat && !m.context.is_empty())
            .map(|m| m.to)
            .collect()
    };
    net.trace.clear();
    net.node(1).read_index(Bytes::from_static(b"a"));
    net.drain();
    let asked = round_targets(&net);
    assert_eq!(asked.len(), 1);
    let (gone, other) = if asked[0] == 2 { (2, 3) } else { (3, 2) };
    let served = |net: &Network, ctx: &'static [u8]| {
        net.read_states[&1]
            .iter()
            .any(|r| r.request_ctx == Bytes::from_static(ctx))
    };
    assert!(served(&net, b"a"));

    net.cut(1, gone);
    net.node(1).read_index(Bytes::from_static(b"b"));
    net.drain();
    assert!(
        !served(&net, b"b"),
        "its round went to the follower cut off"
    );
    net.tick(1, 1);
    assert!(served(&net, b"b"), "the periodic heartbeat completed it");

    net.trace.clear();
    net.node(1).read_index(Bytes::from_static(b"c"));
    net.drain();
    assert_eq!(round_targets(&net), vec![other]);
    assert!(served(&net, b"c"));
}

/// A follower forwards reads to the leader and gets a read state back.
#[test]
fn read_index_on_follower_is_forwarded() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    net.node(2).read_index(Bytes::from_static(b"f"));
    net.drain();
    let rs = &net.read_states[&2];
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].index, net.committed(1));
    assert_eq!(rs[0].request_ctx, Bytes::from_static(b"f"));
}

/// A new leader answers reads only after committing an entry of its term: until then
/// they are queued.
#[test]
fn read_index_waits_for_commit_in_current_term() {
    let mut net = Network::new(&[1, 2, 3]);
    net.ignore(MessageType::AppendResp);
    net.campaign(1);
    assert_eq!(net.role(1), Role::Leader);
    net.node(1).read_index(Bytes::from_static(b"early"));
    net.drain();
    assert!(net.read_states.get(&1).is_none_or(|v| v.is_empty()));
    net.recover();
    net.tick(1, 1);
    let rs = &net.read_states[&1];
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].index, 1);
}

/// A single-voter cluster answers reads at once.
#[test]
fn read_index_single_node_answers_at_once() {
    let mut net = Network::new(&[1]);
    net.campaign(1);
    net.node(1).read_index(Bytes::from_static(b"s"));
    assert_eq!(net.node(1).ready().read_states.len(), 1);
}

// ---- proposals --------------------------------------------------------------------------

/// Followers forward proposals to the leader; without a leader, or with forwarding
/// off, proposals are dropped with the reason.
#[test]
fn proposal_forwarding_and_dropping() {
    let mut net = Network::new(&[1, 2, 3]);
    assert_eq!(
        net.propose(2, b"x"),
        Err(Error::ProposalDropped(DropReason::NoLeader))
    );
    net.campaign(1);
    net.propose(2, b"fwd").unwrap();
    assert_eq!(net.applied_data(3), vec![Bytes::from_static(b"fwd")]);

    let mut net = Network::with_config(&[1, 2, 3], |c| c.disable_proposal_forwarding = true);
    net.campaign(1);
    assert_eq!(
        net.propose(2, b"x"),
        Err(Error::ProposalDropped(DropReason::ForwardingDisabled))
    );
}

/// The leader refuses proposals beyond its uncommitted byte cap.
#[test]
fn uncommitted_size_limit_drops_proposals() {
    let mut net = Network::with_config(&[1, 2, 3], |c| c.max_uncommitted_entries_size = Some(10));
    net.campaign(1);
    net.isolate(2);
    net.isolate(3);
    net.propose(1, b"0123456").unwrap();
    assert_eq!(
        net.propose(1, b"0123456"),
        Err(Error::ProposalDropped(DropReason::UncommittedSizeLimit))
    );
    net.recover();
    net.tick(1, 1);
    net.propose(1, b"0123456").unwrap();
}

/// Appends are capped by bytes, and at most `max_inflight_msgs` are in flight to a
/// follower in the replicate state.
#[test]
fn appends_respect_size_cap_and_inflight_window() {
    let mut net = Network::with_config(&[1, 2], |c| {
        c.max_size_per_msg = 100;
        c.max_inflight_msgs = 2;
    });
    net.campaign(1);
    net.ignore(MessageType::AppendResp);
    net.trace.clear();
    for _ in 0..10 {
        net.node(1).propose(Bytes::from(vec![7u8; 60])).unwrap();
    }
    net.drain();
    let appends: Vec<&Message> = net
        .trace
        .iter()
        .filter(|m| m.msg_type == MessageType::Append)
        .collect();
    assert_eq!(appends.len(), 2, "window of 2 without acknowledgements");
    assert!(appends.iter().all(|m| m.entries.len() == 1));
    net.recover();
    net.tick(1, 3);
    assert_eq!(net.committed(2), net.last_index(1));
}

/// An unreachable follower in the replicate state goes back to probing: streaming
/// blindly into a broken link would only fill the window.
#[test]
fn unreachable_follower_is_probed_again() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    assert_eq!(
        net.nodes[&1].status().progress[&2].state,
        ProgressState::Replicate
    );
    net.node(1).report_unreachable(2);
    assert_eq!(
        net.nodes[&1].status().progress[&2].state,
        ProgressState::Probe
    );
    net.tick(1, 1);
    net.propose(1, b"y").unwrap();
    assert_eq!(
        net.nodes[&1].status().progress[&2].state,
        ProgressState::Replicate
    );
    assert_eq!(net.applied_data(2).len(), 2);
}

/// A full window whose acknowledgements were lost is unstuck by a heartbeat answer.
#[test]
fn heartbeat_response_frees_a_full_window() {
    let mut net = Network::with_config(&[1, 2], |c| c.max_inflight_msgs = 1);
    net.campaign(1);
    net.ignore(MessageType::AppendResp);
    net.propose(1, b"a").unwrap();
    net.propose(1, b"b").unwrap();
    assert_eq!(net.committed(1), 1);
    net.recover();
    net.tick(1, 1);
    net.tick(1, 1);
    assert_eq!(net.applied_data(2).len(), 2);
}

// ---- restart ----------------------------------------------------------------------------

/// A node restarts with term, vote and commit from its hard state, membership from its
/// conf state and applied from the config: only entries after `applied` are handed out.
#[test]
fn restart_from_storage() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    for _ in 0..3 {
        net.propose(1, b"x").unwrap();
    }
    let store = net.nodes[&2].store().clone();
    let hs = store.hard_state();
    let mut c = config(2);
    c.applied = 2;
    let mut n = RawNode::new(&c, store).unwrap();
    assert_eq!(n.raft.term, hs.term);
    assert_eq!(n.raft.vote, hs.vote);
    assert_eq!(n.raft.raft_log.committed, 4);
    assert_eq!(n.status().conf_state.voters, vec![1, 2, 3]);
    assert_eq!(n.status().applied, 2);
    let rd = n.ready();
    let idx: Vec<u64> = rd.committed_entries.iter().map(|e| e.index).collect();
    assert_eq!(idx, vec![3, 4]);
    assert!(rd.hard_state.is_none());

    let mut bad = config(2);
    bad.applied = 99;
    assert!(RawNode::new(&bad, net.nodes[&2].store().clone()).is_err());
}

// ---- robustness --------------------------------------------------------------------------

/// Malformed or unexpected peer messages are ignored, never a panic.
#[test]
fn malformed_peer_messages_are_ignored() {
    let mut net = Network::new(&[1, 2, 3]);
    net.campaign(1);
    net.propose(1, b"x").unwrap();
    let last = net.last_index(2);
    // Entries with a gap, a commit far past the end, an unknown sender's response,
    // a snapshot with a malformed membership, a local message type.
    let mut gap = Message::new(MessageType::Append, 1, 2);
    gap.term = 1;
    gap.index = last;
    gap.log_term = 1;
    gap.entries = vec![ent(last + 5, 1)];
    let mut far = Message::new(MessageType::Heartbeat, 1, 2);
    far.term = 1;
    far.commit = 1_000_000;
    let mut stranger = Message::new(MessageType::AppendResp, 99, 1);
    stranger.term = 1;
    stranger.index = 1_000;
    let mut bad_snap = Message::new(MessageType::Snapshot, 1, 2);
    bad_snap.term = 1;
    bad_snap.snapshot = Some(Snapshot {
        meta: SnapshotMeta {
            index: 100,
            term: 1,
            conf_state: ConfState {
                voters: vec![1, 2],
                learners: vec![2],
            },
        },
        data: Bytes::new(),
    });
    let mut ack_beyond = Message::new(MessageType::AppendResp, 2, 1);
    ack_beyond.term = 1;
    ack_beyond.index = 1_000;
    let mut no_term_append = Message::new(MessageType::Append, 1, 2);
    no_term_append.entries = vec![ent(1, 9)];
    for m in [far, bad_snap] {
        net.node(2).step(m).unwrap();
    }
    assert!(matches!(
        net.node(2).step(gap),
        Err(Error::MalformedMessage(_))
    ));
    assert!(matches!(
        net.node(2).step(no_term_append),
        Err(Error::MessageOutOfRange { .. })
    ));
    assert_eq!(net.node(1).step(stranger), Err(Error::StepPeerNotFound));
    net.node(1).step(ack_beyond).unwrap();
    assert_eq!(
        net.node(1).step(Message::new(MessageType::Hup, 1, 1)),
        Err(Error::StepLocalMsg)
    );
    net.drain();
    assert_eq!(net.last_index(2), last);
    assert_eq!(net.committed(2), last);
    net.propose(1, b"still fine").unwrap();
    assert_eq!(net.applied_data(2).len(), 2);
}

/// A message addressed to another node is not processed: a vote meant for one
/// candidate must never count for another.
#[test]
fn misrouted_messages_are_ignored() {
    let mut n = RawNode::new(
        &config(1),
        MemStorage::new_with_conf_state(conf(&[1, 2, 3])),
    )
    .unwrap();
    n.campaign().unwrap();
    let mut pv = Message::new(MessageType::PreVoteResp, 2, 3);
    pv.term = 1;
    n.step(pv).unwrap();
    assert_eq!(n.raft.role, Role::PreCandidate);
    let mut pv = Message::new(MessageType::PreVoteResp, 2, 1);
    pv.term = 1;
    n.step(pv).unwrap();
    assert_eq!(n.raft.role, Role::Candidate);
}

/// Committed entries are handed out in Readys of at most `max_committed_size_per_ready`
/// bytes (at least one entry each), in order.
#[test]
fn committed_entries_are_paced_per_ready() {
    let store = storage_with(&[1], &[1; 10], 1);
    let mut hs = store.hard_state();
    hs.commit = 10;
    let mut store = store;
    store.set_hard_state(hs);
    let mut c = config(1);
    c.max_committed_size_per_ready = 3 * crate::raft::ENTRY_OVERHEAD;
    let mut n = RawNode::new(&c, store).unwrap();
    let mut seen = Vec::new();
    while n.has_ready() {
        let rd = n.ready();
        assert!(rd.committed_entries.len() <= 3);
        seen.extend(rd.committed_entries.iter().map(|e| e.index));
        n.advance(rd);
    }
    assert_eq!(seen, (1..=10).collect::<Vec<_>>());
}

/// A config that cannot work is refused with the reason.
#[test]
fn invalid_config_is_refused() {
    let mut c = Config::new(1);
    c.heartbeat_tick = 10;
    let err = RawNode::new(&c, MemStorage::new()).err().unwrap();
    assert!(matches!(err, Error::InvalidConfig(_)));
}
