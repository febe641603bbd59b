//! What the node checks in a peer's message before the core sees it: the things only
//! the node knows about, the key-value commands inside forwarded proposals. The
//! transport has already checked cluster id, sender and addressee, and the core checks
//! every number it is given; this is the third line, so that a peer (or whoever reaches
//! the peer port) can write nothing a client could not.
//!
//! Refusals are logged, at most one line per second with a count of the others, so that
//! a flood of bad messages cannot flood the log too.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::kv::Command;
use crate::raft::{EntryType, Index, Message, MessageType, NodeId, Term};
use crate::transport::SnapshotRefusal;

/// Most entries in one forwarded proposal. A follower forwards each client write as a
/// proposal of its own, so one is the norm; the slack allows batching later.
pub(crate) const MAX_FORWARDED_ENTRIES: usize = 64;
/// Longest request context of a forwarded ReadIndex. The runtime's own are 16 bytes
/// (member id and a counter); the leader keeps each context until the read is confirmed.
pub(crate) const MAX_READ_CONTEXT: usize = 64;

/// Why a peer message is refused, in words for the log.
pub(crate) fn check_peer_message(m: &Message) -> Result<(), String> {
    match m.msg_type {
        MessageType::Propose => check_forwarded_proposal(m),
        MessageType::ReadIndex if m.context.len() > MAX_READ_CONTEXT => Err(format!(
            "a read request context of {} bytes (the limit is {MAX_READ_CONTEXT})",
            m.context.len()
        )),
        _ => Ok(()),
    }
}

/// A forwarded proposal carries the client writes its sender accepted: ordinary KV
/// commands within the client API's limits, stamped with the sender as their origin.
/// Membership changes are proposed only by the leader itself (operators reach it
/// through the admin API), so a peer never forwards one.
fn check_forwarded_proposal(m: &Message) -> Result<(), String> {
    if m.entries.is_empty() {
        return Err("a proposal without entries".into());
    }
    if m.entries.len() > MAX_FORWARDED_ENTRIES {
        return Err(format!(
            "a proposal of {} entries (the limit is {MAX_FORWARDED_ENTRIES})",
            m.entries.len()
        ));
    }
    for e in &m.entries {
        if e.entry_type != EntryType::Normal {
            return Err(format!(
                "a forwarded {:?} entry (peers forward only client writes)",
                e.entry_type
            ));
        }
        let command =
            Command::decode(&e.data).map_err(|err| format!("an undecodable command: {err}"))?;
        command
            .check_limits()
            .map_err(|err| format!("a command over the client limits: {err}"))?;
        if command.origin != m.from {
            return Err(format!(
                "a command stamped with origin {} forwarded by member {}",
                command.origin, m.from
            ));
        }
    }
    Ok(())
}

/// What the node follows, published after every Ready for the transport's snapshot
/// gate (which runs on the HTTP side and cannot ask the node task synchronously).
#[derive(Debug, Default)]
pub(crate) struct Following {
    term: AtomicU64,
    /// 0: no leader known.
    leader: AtomicU64,
    commit: AtomicU64,
}

impl Following {
    pub(crate) fn publish(&self, term: Term, leader: Option<NodeId>, commit: Index) {
        self.term.store(term, Ordering::Release);
        self.leader.store(leader.unwrap_or(0), Ordering::Release);
        self.commit.store(commit, Ordering::Release);
    }

    /// Whether a snapshot announced by `m` may be received now: it comes from the
    /// leader this member follows in its current term (or from a higher term, whose
    /// leader the core will follow once it steps the message) and lies above the
    /// commit index. The core checks the same again when the message arrives.
    pub(crate) fn admit_snapshot(&self, m: &Message) -> Result<(), SnapshotRefusal> {
        let term = self.term.load(Ordering::Acquire);
        let leader = self.leader.load(Ordering::Acquire);
        let commit = self.commit.load(Ordering::Acquire);
        let refuse = |reason: String| SnapshotRefusal {
            reason,
            already_committed: false,
        };
        let Some(snapshot) = &m.snapshot else {
            return Err(refuse("the message carries no snapshot".into()));
        };
        if m.term < term {
            return Err(refuse(format!(
                "it comes from term {}, this member is at term {term}",
                m.term
            )));
        }
        if m.term == term && leader != 0 && leader != m.from {
            return Err(refuse(format!(
                "member {} is not the leader this member follows in term {term} (member {leader} is)",
                m.from
            )));
        }
        if snapshot.meta.index <= commit {
            return Err(SnapshotRefusal {
                reason: format!(
                    "it is at index {}, at or below this member's commit index {commit}",
                    snapshot.meta.index
                ),
                already_committed: true,
            });
        }
        Ok(())
    }
}

/// At most one log line per interval for a kind of refusal, with a count of the
/// refusals it did not log.
pub(crate) struct LogLimiter {
    every: Duration,
    last: Option<Instant>,
    suppressed: u64,
}

impl LogLimiter {
    pub(crate) fn new(every: Duration) -> LogLimiter {
        LogLimiter {
            every,
            last: None,
            suppressed: 0,
        }
    }

    /// `Some(n)` when a line is due now, `n` being how many were suppressed since the
    /// last one; `None` when this one is to be counted only.
    pub(crate) fn admit(&mut self, now: Instant) -> Option<u64> {
        match self.last {
            Some(last) if now.duration_since(last) < self.every => {
                self.suppressed += 1;
                None
            }
            _ => {
                self.last = Some(now);
                Some(std::mem::take(&mut self.suppressed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::kv::{Op, MAX_VALUE_LEN};
    use crate::raft::{ConfChange, ConfChangeType, Entry};

    fn proposal(from: u64, entries: Vec<Entry>) -> Message {
        let mut m = Message::new(MessageType::Propose, from, 1);
        m.entries = entries;
        m
    }

    fn put(origin: u64, key: &str, len: usize) -> Entry {
        let command = Command {
            origin,
            request_id: 7,
            op: Op::Put {
                key: key.into(),
                value: Bytes::from(vec![b'v'; len]),
            },
        };
        Entry {
            data: command.encode(),
            ..Entry::default()
        }
    }

    #[test]
    fn a_client_write_forwarded_by_its_member_passes() {
        assert_eq!(
            check_peer_message(&proposal(2, vec![put(2, "k", 10)])),
            Ok(())
        );
        assert_eq!(
            check_peer_message(&proposal(2, vec![put(2, "k", MAX_VALUE_LEN)])),
            Ok(())
        );
    }

    /// Regression: a forged proposal once carried a 48 MiB value that every member
    /// stored, where the client API caps values at 512 KiB.
    #[test]
    fn proposals_beyond_the_client_limits_are_refused() {
        let cases = [
            proposal(2, vec![put(2, "k", MAX_VALUE_LEN + 1)]),
            proposal(2, vec![put(2, "", 1)]),
            proposal(2, vec![put(2, &"k".repeat(4097), 1)]),
            proposal(2, vec![put(3, "k", 1)]),
            proposal(2, vec![]),
            proposal(2, (0..65).map(|_| put(2, "k", 1)).collect()),
            proposal(
                2,
                vec![Entry {
                    data: Bytes::from_static(b"garbage"),
                    ..Entry::default()
                }],
            ),
            proposal(
                2,
                vec![Entry {
                    entry_type: EntryType::ConfChange,
                    data: ConfChange {
                        change_type: ConfChangeType::Remove,
                        node_id: 1,
                        context: Bytes::new(),
                    }
                    .encode(),
                    ..Entry::default()
                }],
            ),
            proposal(
                2,
                vec![Entry {
                    entry_type: EntryType::Empty,
                    ..Entry::default()
                }],
            ),
        ];
        for m in cases {
            assert!(check_peer_message(&m).is_err(), "{m:?}");
        }
    }

    #[test]
    fn oversized_read_contexts_are_refused() {
        let mut m = Message::new(MessageType::ReadIndex, 2, 1);
        m.context = Bytes::from(vec![0; 16]);
        assert_eq!(check_peer_message(&m), Ok(()));
        m.context = Bytes::from(vec![0; MAX_READ_CONTEXT + 1]);
        assert!(check_peer_message(&m).is_err());
    }

    #[test]
    fn snapshots_are_admitted_only_from_the_leader_followed_and_above_commit() {
        use crate::raft::{Snapshot, SnapshotMeta};
        let snap = |from: u64, term: u64, index: u64| {
            let mut m = Message::new(MessageType::Snapshot, from, 1);
            m.term = term;
            m.snapshot = Some(Snapshot {
                meta: SnapshotMeta {
                    index,
                    term,
                    ..SnapshotMeta::default()
                },
                ..Snapshot::default()
            });
            m
        };
        let f = Following::default();
        f.publish(5, Some(2), 100);
        assert_eq!(f.admit_snapshot(&snap(2, 5, 101)), Ok(()));
        assert_eq!(f.admit_snapshot(&snap(3, 6, 101)), Ok(()), "a newer term");
        let refused = |m| f.admit_snapshot(&m).unwrap_err();
        assert!(refused(snap(3, 5, 101)).reason.contains("not the leader"));
        assert!(refused(snap(2, 4, 101)).reason.contains("term 4"));
        let stale = refused(snap(2, 5, 100));
        assert!(stale.reason.contains("commit"), "{stale:?}");
        assert!(stale.already_committed, "the core answers a stale snapshot");
        assert!(!refused(snap(3, 5, 101)).already_committed);
        let mut none = snap(2, 5, 101);
        none.snapshot = None;
        assert!(f.admit_snapshot(&none).is_err());
        f.publish(5, None, 100);
        assert_eq!(
            f.admit_snapshot(&snap(3, 5, 101)),
            Ok(()),
            "no leader known yet"
        );
    }

    #[test]
    fn the_limiter_logs_once_per_interval_with_a_count() {
        let mut l = LogLimiter::new(Duration::from_secs(1));
        let t0 = Instant::now();
        assert_eq!(l.admit(t0), Some(0));
        assert_eq!(l.admit(t0 + Duration::from_millis(10)), None);
        assert_eq!(l.admit(t0 + Duration::from_millis(20)), None);
        assert_eq!(l.admit(t0 + Duration::from_secs(2)), Some(2));
    }
}
