//! What the leader knows about one follower's log, and how it sends to it.

use super::inflights::Inflights;
use crate::raft::types::Index;

/// How the leader currently sends appends to a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProgressState {
    /// The follower's match is unknown: send one append per heartbeat round and wait.
    Probe,
    /// The follower is in sync: stream appends optimistically, bounded by the window.
    Replicate,
    /// The follower needs a snapshot: send nothing until it is reported done.
    Snapshot,
}

/// Invariant: `matched < next <= MAX_INDEX + 1` (the leader only updates `matched` to
/// indexes its log holds). In `Snapshot` state `pending_snapshot` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The highest index known to match the leader's log.
    pub matched: Index,
    /// The next index to send.
    pub next: Index,
    pub state: ProgressState,
    /// The index of the snapshot in flight (`Snapshot` state only).
    pub pending_snapshot: Option<Index>,
    /// Heard from since the last quorum check.
    pub recent_active: bool,
    /// In `Probe`: an append went out and the next waits for a response or a heartbeat.
    pub probe_sent: bool,
    pub inflights: Inflights,
    pub is_learner: bool,
}

impl Progress {
    pub fn new(next: Index, max_inflight: usize, is_learner: bool) -> Progress {
        Progress {
            matched: 0,
            next,
            state: ProgressState::Probe,
            pending_snapshot: None,
            recent_active: false,
            probe_sent: false,
            inflights: Inflights::new(max_inflight),
            is_learner,
        }
    }

    fn reset_state(&mut self, state: ProgressState) {
        self.probe_sent = false;
        self.pending_snapshot = None;
        self.state = state;
        self.inflights.reset();
    }

    pub fn become_probe(&mut self) {
        // After a snapshot, the follower holds at least the snapshot: probe right after it.
        if let (ProgressState::Snapshot, Some(snap)) = (self.state, self.pending_snapshot) {
            self.reset_state(ProgressState::Probe);
            self.next = self.matched.saturating_add(1).max(snap.saturating_add(1));
        } else {
            self.reset_state(ProgressState::Probe);
            self.next = self.matched.saturating_add(1);
        }
    }

    pub fn become_replicate(&mut self) {
        self.reset_state(ProgressState::Replicate);
        self.next = self.matched.saturating_add(1);
    }

    pub fn become_snapshot(&mut self, snapshot_index: Index) {
        self.reset_state(ProgressState::Snapshot);
        self.pending_snapshot = Some(snapshot_index);
        self.next = snapshot_index.saturating_add(1);
    }

    /// An append of entries up to `last` went out (or nothing new, when `last` is None).
    pub fn sent_entries(&mut self, last: Option<Index>) {
        match self.state {
            ProgressState::Replicate => {
                if let Some(last) = last {
                    self.next = last.saturating_add(1);
                    self.inflights.add(last);
                }
            }
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Snapshot => {}
        }
    }

    /// The follower acknowledged up to `n`. Returns whether `matched` moved.
    pub fn maybe_update(&mut self, n: Index) -> bool {
        let updated = self.matched < n;
        if updated {
            self.matched = n;
            self.probe_sent = false;
        }
        self.next = self.next.max(n.saturating_add(1));
        updated
    }

    /// The follower rejected an append at `rejected`, hinting that it may match at
    /// `match_hint`. Returns false for a stale rejection (nothing changes).
    pub fn maybe_decr_to(&mut self, rejected: Index, match_hint: Index) -> bool {
        if self.state == ProgressState::Replicate {
            // Stale if it rejects what is already matched.
            if rejected <= self.matched {
                return false;
            }
            self.next = self.matched.saturating_add(1);
            return true;
        }
        // Probe: only the rejection of the append just sent counts.
        if self.next.checked_sub(1) != Some(rejected) {
            return false;
        }
        self.next = rejected
            .min(match_hint.saturating_add(1))
            .max(self.matched.saturating_add(1));
        self.probe_sent = false;
        true
    }

    /// Whether the leader should hold off sending appends.
    pub fn is_paused(&self) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflights.is_full(),
            ProgressState::Snapshot => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_pauses_after_a_send_and_resumes_on_ack() {
        let mut p = Progress::new(5, 4, false);
        assert!(!p.is_paused());
        p.sent_entries(Some(7));
        assert!(p.is_paused());
        assert!(p.maybe_update(7));
        assert!(!p.is_paused());
        assert_eq!(p.next, 8);
    }

    #[test]
    fn decr_in_probe_follows_hint_but_not_below_match() {
        let mut p = Progress::new(10, 4, false);
        p.matched = 3;
        assert!(!p.maybe_decr_to(5, 2), "not the index just sent");
        assert!(p.maybe_decr_to(9, 6));
        assert_eq!(p.next, 7);
        assert!(p.maybe_decr_to(6, 0));
        assert_eq!(p.next, 4, "never below match + 1");
    }

    #[test]
    fn replicate_window_and_stale_rejection() {
        let mut p = Progress::new(1, 2, false);
        p.become_replicate();
        p.sent_entries(Some(3));
        p.sent_entries(Some(6));
        assert!(p.is_paused());
        assert!(p.maybe_update(3));
        p.inflights.free_le(3);
        assert!(!p.is_paused());
        assert!(!p.maybe_decr_to(2, 0), "stale");
        assert!(p.maybe_decr_to(5, 0));
        assert_eq!(p.next, 4);
    }

    #[test]
    fn after_snapshot_probe_starts_past_it() {
        let mut p = Progress::new(3, 2, false);
        p.become_snapshot(20);
        assert!(p.is_paused());
        p.become_probe();
        assert_eq!(p.next, 21);
        assert_eq!(p.pending_snapshot, None);
    }
}
