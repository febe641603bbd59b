//! The leader's (and candidate's) view of the membership: who votes, who learns, each
//! member's `Progress`, and the votes of the current election.
//!
//! Invariant: `voters` and `learners` are disjoint and `progress` has exactly their union
//! as keys.

pub mod inflights;
pub mod progress;

use std::collections::{BTreeMap, BTreeSet};

pub use inflights::Inflights;
pub use progress::{Progress, ProgressState};

use super::quorum::{self, VoteResult};
use super::types::{ConfState, Index, NodeId};

#[derive(Clone, Debug)]
pub struct ProgressTracker {
    pub(crate) voters: BTreeSet<NodeId>,
    pub(crate) learners: BTreeSet<NodeId>,
    pub(crate) progress: BTreeMap<NodeId, Progress>,
    pub(crate) votes: BTreeMap<NodeId, bool>,
    pub(crate) max_inflight: usize,
}

impl ProgressTracker {
    pub fn new(max_inflight: usize) -> ProgressTracker {
        ProgressTracker {
            voters: BTreeSet::new(),
            learners: BTreeSet::new(),
            progress: BTreeMap::new(),
            votes: BTreeMap::new(),
            max_inflight,
        }
    }

    /// Replaces the membership with `cs`; every member starts probing at `next`.
    pub fn restore(&mut self, cs: &ConfState, next: Index) {
        self.voters = cs.voters.iter().copied().collect();
        self.learners = cs
            .learners
            .iter()
            .copied()
            .filter(|id| !self.voters.contains(id))
            .collect();
        self.progress.clear();
        for &id in &self.voters {
            self.progress
                .insert(id, Progress::new(next, self.max_inflight, false));
        }
        for &id in &self.learners {
            self.progress
                .insert(id, Progress::new(next, self.max_inflight, true));
        }
        self.votes.clear();
    }

    pub fn conf_state(&self) -> ConfState {
        ConfState {
            voters: self.voters.iter().copied().collect(),
            learners: self.learners.iter().copied().collect(),
        }
    }

    pub fn is_member(&self, id: NodeId) -> bool {
        self.progress.contains_key(&id)
    }

    /// Whether `id` is the only voter.
    pub fn is_singleton(&self, id: NodeId) -> bool {
        self.voters.len() == 1 && self.voters.contains(&id)
    }

    /// The highest index a majority of voters has matched.
    pub fn committed(&self) -> Index {
        quorum::committed_index(&self.voters, |id| {
            self.progress.get(&id).map_or(0, |p| p.matched)
        })
    }

    pub fn reset_votes(&mut self) {
        self.votes.clear();
    }

    /// Records `id`'s vote (the first one counts) and returns the tally.
    pub fn record_vote(&mut self, id: NodeId, granted: bool) -> VoteResult {
        self.votes.entry(id).or_insert(granted);
        self.tally()
    }

    pub fn tally(&self) -> VoteResult {
        quorum::vote_result(&self.voters, &self.votes)
    }

    /// Whether a majority of voters was active since the last check (`self_id` always is).
    pub fn quorum_active(&self, self_id: NodeId) -> bool {
        let mut active = BTreeMap::new();
        for &id in &self.voters {
            let on = id == self_id || self.progress.get(&id).is_some_and(|p| p.recent_active);
            active.insert(id, on);
        }
        quorum::vote_result(&self.voters, &active) == VoteResult::Won
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_counts_voters_only() {
        let mut t = ProgressTracker::new(8);
        t.restore(
            &ConfState {
                voters: vec![1, 2, 3],
                learners: vec![4],
            },
            1,
        );
        for (id, m) in [(1, 5), (2, 3), (3, 1), (4, 9)] {
            t.progress.get_mut(&id).unwrap().matched = m;
        }
        assert_eq!(t.committed(), 3);
        assert!(t.progress[&4].is_learner);
        assert!(!t.quorum_active(1));
        t.progress.get_mut(&4).unwrap().recent_active = true;
        assert!(!t.quorum_active(1), "learners do not count");
        t.progress.get_mut(&2).unwrap().recent_active = true;
        assert!(t.quorum_active(1));
    }
}
