//! `wal conf-history`: every membership change a stopped member's log holds, with the
//! voters and learners after each, starting from the membership of the snapshot the log
//! begins after (changes before it were compacted away). A log that starts at index 0
//! has no snapshot: its first membership is the one the member was bootstrapped or
//! joined with, which is not recorded on its own; it is worked out backwards from the
//! current membership and the changes applied since (`start_derived`).

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use serde::Serialize;

use super::json_u64;
use crate::raft::{ConfChange, ConfChangeType, EntryType, Index, NodeId, Term};
use crate::storage::RedbStorage;

/// One membership change, and the membership it leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfHistoryRow {
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    /// `add_voter 2 http://...`, `add_learner 4 ...`, `promote_learner 4`, `remove 3`,
    /// `update_url 3 http://...`.
    pub change: String,
    /// At or below the commit index the member recorded: the change took effect in the
    /// cluster. Above it, the change may have been replaced by another leader's log.
    pub committed: bool,
    pub voters: Vec<NodeId>,
    pub learners: Vec<NodeId>,
}

/// `wal conf-history -o json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfHistory {
    /// Where the log starts: the snapshot's index and term, and its membership.
    #[serde(serialize_with = "json_u64")]
    pub start_index: Index,
    #[serde(serialize_with = "json_u64")]
    pub start_term: Term,
    pub start_voters: Vec<NodeId>,
    pub start_learners: Vec<NodeId>,
    /// The start membership was worked out backwards (no snapshot records it).
    pub start_derived: bool,
    pub changes: Vec<ConfHistoryRow>,
}

/// A member's role between two changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Voter,
    Learner,
    Absent,
}

/// Membership as two id sets.
#[derive(Clone, Debug, Default)]
struct Sets {
    voters: BTreeSet<NodeId>,
    learners: BTreeSet<NodeId>,
}

impl Sets {
    fn set(&mut self, id: NodeId, role: Role) {
        self.voters.remove(&id);
        self.learners.remove(&id);
        match role {
            Role::Voter => self.voters.insert(id),
            Role::Learner => self.learners.insert(id),
            Role::Absent => false,
        };
    }

    fn apply(&mut self, cc: &ConfChange) {
        let id = cc.node_id;
        match cc.change_type {
            ConfChangeType::AddVoter => self.set(id, Role::Voter),
            ConfChangeType::AddLearner if !self.voters.contains(&id) => self.set(id, Role::Learner),
            ConfChangeType::AddLearner => {}
            ConfChangeType::PromoteLearner if self.learners.contains(&id) => {
                self.set(id, Role::Voter)
            }
            ConfChangeType::PromoteLearner => {}
            ConfChangeType::Remove => self.set(id, Role::Absent),
            // A member that moved keeps its role.
            ConfChangeType::UpdateUrl => {}
        }
    }
}

/// The role `cc` leaves its member in; `None` for a URL update, which keeps it.
fn role_after(cc: &ConfChange) -> Option<Role> {
    match cc.change_type {
        ConfChangeType::AddVoter | ConfChangeType::PromoteLearner => Some(Role::Voter),
        ConfChangeType::AddLearner => Some(Role::Learner),
        ConfChangeType::Remove => Some(Role::Absent),
        ConfChangeType::UpdateUrl => None,
    }
}

/// The membership before the first of `changes`, worked out from `now` (the membership
/// after every change up to `applied`): each change undone, newest first, giving its
/// member the role an earlier change left it in; a member no earlier change names was
/// in the first membership, as a voter unless it was promoted.
fn undo_applied(now: Sets, changes: &[Change], applied: Index) -> Sets {
    let mut sets = now;
    // A URL update changes no role: there is nothing to undo.
    let applied_changes: Vec<&Change> = changes
        .iter()
        .filter(|c| c.index <= applied && role_after(&c.cc).is_some())
        .collect();
    for (k, Change { cc, .. }) in applied_changes.iter().enumerate().rev() {
        let earlier = applied_changes[..k]
            .iter()
            .rev()
            .find(|c| c.cc.node_id == cc.node_id)
            .and_then(|c| role_after(&c.cc));
        let before = match (earlier, cc.change_type) {
            (Some(role), _) => role,
            (None, ConfChangeType::PromoteLearner) => Role::Learner,
            (None, ConfChangeType::Remove) => Role::Voter,
            (None, ConfChangeType::AddVoter | ConfChangeType::AddLearner) => Role::Absent,
            (None, ConfChangeType::UpdateUrl) => continue,
        };
        sets.set(cc.node_id, before);
    }
    sets
}

/// Reads the log of `store` for membership changes. Stops with an error at an entry
/// that cannot be decoded, as `wal dump` does.
pub fn conf_history(store: &RedbStorage) -> Result<ConfHistory, super::Error> {
    let start = store.log_start();
    let commit = store.hard_state().commit;
    let changes = read_changes(store, start.index + 1)?;
    let snapshot = store.stored_snapshot();
    let recorded = snapshot.meta.index > 0 || !snapshot.membership.voters.is_empty();
    let ids = |m: &crate::storage::Membership| Sets {
        voters: m.voters.keys().copied().collect(),
        learners: m.learners.keys().copied().collect(),
    };
    let first = if recorded {
        ids(&snapshot.membership)
    } else {
        undo_applied(ids(&store.membership()), &changes, store.applied())
    };
    let mut history = ConfHistory {
        start_index: start.index,
        start_term: start.term,
        start_voters: first.voters.iter().copied().collect(),
        start_learners: first.learners.iter().copied().collect(),
        start_derived: !recorded,
        changes: Vec::new(),
    };
    let mut sets = first;
    for Change { index, term, cc } in changes {
        sets.apply(&cc);
        history.changes.push(ConfHistoryRow {
            index,
            term,
            change: super::wal::conf_change_summary(&cc),
            committed: index <= commit,
            voters: sets.voters.iter().copied().collect(),
            learners: sets.learners.iter().copied().collect(),
        });
    }
    Ok(history)
}

/// A membership change entry of the log.
struct Change {
    index: Index,
    term: Term,
    cc: ConfChange,
}

/// Every membership change in the log from `from` on, in order.
fn read_changes(store: &RedbStorage, from: Index) -> Result<Vec<Change>, super::Error> {
    let mut changes = Vec::new();
    let mut problem = None;
    store.scan_log(from, None, |index, _, entry| {
        let e = match entry {
            Ok(e) => e,
            Err(why) => {
                problem = Some(format!("entry {index} cannot be decoded: {why}"));
                return ControlFlow::Break(());
            }
        };
        if e.entry_type != EntryType::ConfChange {
            return ControlFlow::Continue(());
        }
        match ConfChange::decode(&e.data) {
            Ok(cc) => {
                changes.push(Change {
                    index,
                    term: e.term,
                    cc,
                });
                ControlFlow::Continue(())
            }
            Err(why) => {
                problem = Some(format!("entry {index} is not a membership change: {why}"));
                ControlFlow::Break(())
            }
        }
    })?;
    match problem {
        None => Ok(changes),
        Some(why) => Err(super::Error::refused(format!(
            "{}: {why}; the data dir is damaged (run `raftctl wal verify --data-dir {}`)",
            store.dir().display(),
            store.dir().display()
        ))),
    }
}
