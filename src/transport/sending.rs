//! How far each snapshot stream in flight has got: bytes handed to the connection out
//! of the file's size, per peer. The leader's `/v1/status` shows it, so that an operator
//! (and `raftctl member replace`) sees a new member's snapshot arrive.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::raft::NodeId;

/// A snapshot being streamed to a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotSending {
    pub sent_bytes: u64,
    pub size_bytes: u64,
}

/// The streams in flight, shared by the snapshot tasks and the status report. Cheap to
/// clone.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sending(Arc<Mutex<BTreeMap<NodeId, SnapshotSending>>>);

impl Sending {
    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<NodeId, SnapshotSending>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A stream of `size_bytes` to `peer` starts (replacing any earlier one's record).
    pub(crate) fn start(&self, peer: NodeId, size_bytes: u64) {
        self.with(|m| {
            m.insert(
                peer,
                SnapshotSending {
                    sent_bytes: 0,
                    size_bytes,
                },
            )
        });
    }

    /// `n` more bytes of the stream to `peer` went out.
    pub(crate) fn add(&self, peer: NodeId, n: u64) {
        self.with(|m| {
            if let Some(s) = m.get_mut(&peer) {
                s.sent_bytes = s.sent_bytes.saturating_add(n).min(s.size_bytes);
            }
        });
    }

    /// The stream to `peer` ended, whatever its outcome.
    pub(crate) fn end(&self, peer: NodeId) {
        self.with(|m| m.remove(&peer));
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<NodeId, SnapshotSending> {
        self.with(|m| m.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_counts_up_to_its_size_and_is_forgotten_when_it_ends() {
        let s = Sending::default();
        s.add(2, 10);
        assert!(s.snapshot().is_empty(), "no stream to 2 yet");
        s.start(2, 100);
        s.add(2, 60);
        s.add(2, 60);
        assert_eq!(
            s.snapshot()[&2],
            SnapshotSending {
                sent_bytes: 100,
                size_bytes: 100
            }
        );
        s.end(2);
        assert!(s.snapshot().is_empty());
    }
}
