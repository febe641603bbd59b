//! Linearizable reads without log writes (ReadIndex, Raft thesis §6.4).
//!
//! The leader records the commit index when a read arrives, then confirms it is still
//! leader with a heartbeat round. Each read gets a sequence number that rides in the
//! heartbeat context; a follower's answer to heartbeat `s` confirms every read with a
//! sequence `<= s` (they all arrived before that heartbeat left). A read is released once
//! a majority of voters has confirmed its sequence. Request contexts are opaque to the
//! core and need not be unique.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;

use super::quorum;
use super::types::{Index, NodeId};

/// A read waiting for leadership confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRead {
    pub(crate) seq: u64,
    /// The commit index when the read arrived: serve once applied reaches it.
    pub(crate) index: Index,
    /// Who asked (this node, or a follower that forwarded it).
    pub(crate) from: NodeId,
    pub(crate) request_ctx: Bytes,
}

/// Invariant: `pending` is ordered by `seq`, and all sequences are at most `next_seq`.
///
/// One confirmation round is in flight at a time: reads that arrive while a heartbeat
/// round is out wait for it to come back and then share the next round. Under load this
/// turns one heartbeat broadcast (and one answer per follower) per read into one per
/// round trip, whatever the read rate; a lone read still costs exactly one round.
#[derive(Clone, Debug, Default)]
pub struct ReadOnly {
    next_seq: u64,
    /// The highest sequence sent out in a heartbeat context.
    sent_seq: u64,
    pending: VecDeque<PendingRead>,
    /// The highest heartbeat sequence each peer answered in this term.
    acked: BTreeMap<NodeId, u64>,
}

impl ReadOnly {
    /// Registers a read at commit index `index`; returns the sequence to send in heartbeats.
    pub fn add_request(&mut self, index: Index, from: NodeId, request_ctx: Bytes) -> u64 {
        self.next_seq += 1;
        let seq = self.next_seq;
        self.pending.push_back(PendingRead {
            seq,
            index,
            from,
            request_ctx,
        });
        seq
    }

    /// The sequence of the newest pending read, to piggyback on ordinary heartbeats.
    pub fn last_pending_seq(&self) -> Option<u64> {
        self.pending.back().map(|r| r.seq)
    }

    /// A heartbeat round went out carrying `seq`.
    pub fn mark_sent(&mut self, seq: u64) {
        self.sent_seq = self.sent_seq.max(seq);
    }

    /// The sequence a new confirmation round should carry, if one should start now: there
    /// are reads no heartbeat has carried yet, and no round is waiting for its answers.
    /// A round whose messages were lost is retried by the periodic heartbeat, which
    /// always carries the newest pending sequence.
    pub fn next_round(&self) -> Option<u64> {
        let oldest = self.pending.front()?;
        if oldest.seq <= self.sent_seq {
            return None;
        }
        self.last_pending_seq()
    }

    /// The highest sequence `peer` answered in this term (0 if none).
    pub fn acked(&self, peer: NodeId) -> u64 {
        self.acked.get(&peer).copied().unwrap_or(0)
    }

    /// `from` answered the heartbeat carrying `seq`.
    pub fn recv_ack(&mut self, from: NodeId, seq: u64) {
        if seq > self.sent_seq {
            // Never sent: a forged or corrupt answer must not confirm later reads.
            return;
        }
        let e = self.acked.entry(from).or_insert(0);
        *e = (*e).max(seq);
    }

    /// Removes and returns the reads a majority of `voters` has confirmed (`self_id`
    /// confirms everything).
    pub fn advance(&mut self, voters: &BTreeSet<NodeId>, self_id: NodeId) -> Vec<PendingRead> {
        let confirmed = quorum::committed_index(voters, |id| {
            if id == self_id {
                u64::MAX
            } else {
                self.acked.get(&id).copied().unwrap_or(0)
            }
        });
        let mut out = Vec::new();
        while self.pending.front().is_some_and(|r| r.seq <= confirmed) {
            out.extend(self.pending.pop_front());
        }
        out
    }

    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }
}

/// Heartbeat context form of a read sequence.
pub fn encode_seq(seq: u64) -> Bytes {
    Bytes::copy_from_slice(&seq.to_be_bytes())
}

/// A heartbeat context back into a sequence; anything malformed is `None`.
pub fn decode_seq(ctx: &[u8]) -> Option<u64> {
    let bytes: [u8; 8] = ctx.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_round_at_a_time_and_reads_meanwhile_share_the_next() {
        let voters: BTreeSet<NodeId> = [1, 2, 3].into_iter().collect();
        let mut ro = ReadOnly::default();
        assert_eq!(ro.next_round(), None);
        let s1 = ro.add_request(5, 1, Bytes::from_static(b"a"));
        assert_eq!(ro.next_round(), Some(s1));
        ro.mark_sent(s1);
        let _s2 = ro.add_request(6, 1, Bytes::from_static(b"b"));
        let s3 = ro.add_request(6, 1, Bytes::from_static(b"c"));
        // The first round is still out.
        assert_eq!(ro.next_round(), None);
        ro.recv_ack(2, s1);
        assert_eq!(ro.advance(&voters, 1).len(), 1);
        // Both later reads go in one round carrying the newest sequence.
        assert_eq!(ro.next_round(), Some(s3));
        ro.mark_sent(s3);
        assert_eq!(ro.next_round(), None);
        ro.recv_ack(3, s3);
        assert_eq!(ro.advance(&voters, 1).len(), 2);
        assert_eq!(ro.next_round(), None);
    }

    #[test]
    fn reads_release_in_order_once_a_majority_confirms() {
        let voters: BTreeSet<NodeId> = [1, 2, 3].into_iter().collect();
        let mut ro = ReadOnly::default();
        let s1 = ro.add_request(5, 1, Bytes::from_static(b"a"));
        let s2 = ro.add_request(6, 2, Bytes::from_static(b"a"));
        assert!(ro.advance(&voters, 1).is_empty());
        ro.recv_ack(2, s2);
        assert!(
            ro.advance(&voters, 1).is_empty(),
            "an ack of a sequence never sent"
        );
        ro.mark_sent(s2);
        ro.recv_ack(2, s1);
        let got = ro.advance(&voters, 1);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].index, 5);
        ro.recv_ack(3, s2);
        assert_eq!(ro.advance(&voters, 1)[0].from, 2);
        assert_eq!(ro.pending_count(), 0);
        assert_eq!(decode_seq(&encode_seq(s2)), Some(s2));
        assert_eq!(decode_seq(b"bad"), None);
    }
}
