//! The checks of the core's own state: its invariants (run in tests and debug builds
//! after every step and tick), a membership that cannot be right, and a stored state
//! no correct member could have written.

use std::collections::BTreeSet;

use super::{Raft, Role};
use crate::raft::errors::Error;
use crate::raft::storage::{Storage, StorageError};
use crate::raft::types::{ConfState, HardState, NodeId, MAX_ADOPTED_TERM, MAX_INDEX, MAX_TERM};

impl<S: Storage> Raft<S> {
    // ---- checks ------------------------------------------------------------------------

    /// Panics, printing the state, if an internal invariant does not hold.
    pub fn check_invariants(&self) {
        self.raft_log.check_invariants();
        let last = self.raft_log.last_index();
        let fail = |what: String| -> ! {
            panic!(
                "node {} invariant broken: {what} (role {:?} term {} lead {:?} committed {} \
                 applied {} last {last})",
                self.id,
                self.role,
                self.term,
                self.lead,
                self.raft_log.committed,
                self.raft_log.applied
            )
        };
        if self.term > MAX_TERM || last > MAX_INDEX {
            fail(format!(
                "term or last index past the limits {MAX_TERM}/{MAX_INDEX}"
            ));
        }
        if self.role == Role::Leader {
            if self.lead != Some(self.id) {
                fail(format!("leader's lead is {:?}", self.lead));
            }
            for (id, pr) in &self.trk.progress {
                if pr.matched >= pr.next {
                    fail(format!(
                        "progress of {id}: match {} >= next {}",
                        pr.matched, pr.next
                    ));
                }
                if pr.next > last.saturating_add(1) {
                    fail(format!("progress of {id}: next {} > last + 1", pr.next));
                }
            }
        }
        if self
            .trk
            .voters
            .intersection(&self.trk.learners)
            .next()
            .is_some()
        {
            fail("voters and learners overlap".into());
        }
    }
}

/// No voters, id 0, an id twice, or a voter that is also a learner.
pub(super) fn conf_state_is_malformed(cs: &ConfState) -> bool {
    let voters: BTreeSet<NodeId> = cs.voters.iter().copied().collect();
    let learners: BTreeSet<NodeId> = cs.learners.iter().copied().collect();
    voters.is_empty()
        || voters.len() != cs.voters.len()
        || learners.len() != cs.learners.len()
        || voters.contains(&0)
        || learners.contains(&0)
        || !voters.is_disjoint(&learners)
}

/// Refuses to start from a storage no correct member could have written: bounds past
/// the limits, a term this member would never have adopted, a vote for id 0.
pub(super) fn check_stored_state<S: Storage>(store: &S, hs: &HardState) -> Result<(), Error> {
    let corrupt = |what: String| Err(Error::Store(StorageError::Other(what)));
    let first = store.first_index()?;
    let last = store.last_index()?;
    if first == 0 || last > MAX_INDEX || last.saturating_add(1) < first {
        return corrupt(format!(
            "stored log bounds [{first}, {last}] are impossible (indexes are 1..={MAX_INDEX})"
        ));
    }
    if hs.term > MAX_ADOPTED_TERM {
        return corrupt(format!(
            "stored term {} is beyond what this member accepts (at most {MAX_ADOPTED_TERM}): \
             it can only have come from a forged or corrupt message; `raftctl recover` \
             rewrites it",
            hs.term
        ));
    }
    if hs.vote == Some(0) {
        return corrupt("stored vote for node id 0".into());
    }
    Ok(())
}
