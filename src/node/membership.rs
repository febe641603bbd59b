//! Whether a membership change an operator asks for should go ahead: ONE decision
//! function, [`decide`], used by the real change and by its `--dry-run` preview alike,
//! so the preview cannot promise what the change would then refuse.
//!
//! Pure: it looks only at a [`ClusterView`] the leader fills from its progress tracker.
//! The rules, each named in the refusal it produces:
//! - `one-change-at-a-time`: a change is already proposed and not yet applied;
//! - `known-member` / `new-member` / `learner-only` / `last-voter`: the change makes no sense
//!   for the member as it is (a URL update, `member update`, needs only `known-member`:
//!   it changes no voter, so no quorum rule applies);
//! - `learner-caught-up`: a learner is promoted only once it is within
//!   [`PROMOTE_MAX_LAG`] entries of the leader, has acknowledged entries, and the leader
//!   heard from it lately;
//! - `reachable-quorum`: the voters after the change must include a quorum the leader
//!   hears from now (a new voter has not been heard from yet). Growing a lone voter to
//!   two is allowed, as etcd does: there is no other way to grow it by one voter.
//!
//! `--force` gets past `learner-caught-up` and `reachable-quorum`, never the others.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::raft::{ConfChange, ConfChangeType, Index, NodeId};

/// A learner more than this many entries behind the leader is not promoted.
pub const PROMOTE_MAX_LAG: u64 = 100;

/// A change an operator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberChange {
    Add {
        id: NodeId,
        url: String,
        learner: bool,
    },
    Promote {
        id: NodeId,
    },
    Remove {
        id: NodeId,
    },
    /// The member moved: record `url` for it (`member update`).
    Update {
        id: NodeId,
        url: String,
    },
}

impl MemberChange {
    pub fn id(&self) -> NodeId {
        match self {
            MemberChange::Add { id, .. }
            | MemberChange::Promote { id }
            | MemberChange::Remove { id }
            | MemberChange::Update { id, .. } => *id,
        }
    }

    /// The conf change the core replicates (the URL travels in the context).
    pub fn conf_change(&self) -> ConfChange {
        let (change_type, context) = match self {
            MemberChange::Add { url, learner, .. } => (
                if *learner {
                    ConfChangeType::AddLearner
                } else {
                    ConfChangeType::AddVoter
                },
                bytes::Bytes::from(url.clone().into_bytes()),
            ),
            MemberChange::Promote { .. } => (ConfChangeType::PromoteLearner, bytes::Bytes::new()),
            MemberChange::Remove { .. } => (ConfChangeType::Remove, bytes::Bytes::new()),
            MemberChange::Update { url, .. } => (
                ConfChangeType::UpdateUrl,
                bytes::Bytes::from(url.clone().into_bytes()),
            ),
        };
        ConfChange {
            change_type,
            node_id: self.id(),
            context,
        }
    }

    /// `add voter 4 http://...`, `promote learner 4`, `remove member 3`, `update member 3
    /// to http://...`.
    pub fn describe(&self) -> String {
        match self {
            MemberChange::Add { id, url, learner } => {
                let role = if *learner { "learner" } else { "voter" };
                format!("add {role} {id} {url}")
            }
            MemberChange::Promote { id } => format!("promote learner {id}"),
            MemberChange::Remove { id } => format!("remove member {id}"),
            MemberChange::Update { id, url } => format!("update member {id} to {url}"),
        }
    }

    /// The CLI command that asks for this change, with `extra` flags.
    pub fn command(&self, extra: &str) -> String {
        let base = match self {
            MemberChange::Add { id, url, learner } => {
                let l = if *learner { " --learner" } else { "" };
                format!("raftctl member add {id} {url}{l}")
            }
            MemberChange::Promote { id } => format!("raftctl member promote {id}"),
            MemberChange::Remove { id } => format!("raftctl member remove {id}"),
            MemberChange::Update { id, url } => format!("raftctl member update {id} {url}"),
        };
        format!("{base}{extra}")
    }
}

/// What the leader knows about one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberProgress {
    pub matched: Index,
    /// Heard from within the last election timeout.
    pub recent_active: bool,
    /// A snapshot is being sent to it.
    pub snapshot: bool,
}

/// The leader's picture of the cluster, all [`decide`] looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterView {
    pub leader: NodeId,
    pub voters: BTreeSet<NodeId>,
    pub learners: BTreeSet<NodeId>,
    pub progress: BTreeMap<NodeId, MemberProgress>,
    pub last_index: Index,
    /// A membership change is proposed and not yet applied.
    pub change_pending: bool,
}

impl ClusterView {
    /// Whether the leader hears from `id` now (it always hears from itself).
    pub fn hears_from(&self, id: NodeId) -> bool {
        id == self.leader || self.progress.get(&id).is_some_and(|p| p.recent_active)
    }
}

/// How a refusal is answered over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// 409
    Conflict,
    /// 404
    NotFound,
}

/// Why a change is refused: the rule, in words, and what gets past it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub rule: String,
    pub kind: RefusalKind,
    pub message: String,
    /// Whether `--force` gets past it.
    pub forcible: bool,
    /// What to do instead (a command where one helps).
    pub hint: String,
}

impl Refusal {
    /// One line: the rule, why, and the way past it.
    pub fn line(&self) -> String {
        format!(
            "refused by rule {}: {}; {}",
            self.rule, self.message, self.hint
        )
    }
}

/// Voters, quorum and fault tolerance before and after a change, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub change: String,
    pub voters_before: Vec<NodeId>,
    pub quorum_before: usize,
    pub voters_after: Vec<NodeId>,
    pub quorum_after: usize,
    /// Voters the leader hears from now (itself included).
    pub reachable_voters_now: usize,
    /// Of the voters after the change, those the leader hears from now.
    pub reachable_voters_after: usize,
    /// Voters that may fail with the cluster still able to commit.
    pub fault_tolerance_before: usize,
    pub fault_tolerance_after: usize,
    /// Whether the change would go ahead (with `forced` taken into account).
    pub allowed: bool,
    /// `--force` was given and it is what lets the change through.
    pub forced: bool,
    /// The rule that refuses it; with `forced`, the rule that was overridden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_by: Option<Refusal>,
}

pub fn quorum(voters: usize) -> usize {
    voters / 2 + 1
}

fn tolerance(voters: usize) -> usize {
    voters.saturating_sub(quorum(voters))
}

/// The one decision function: the preview of `change` on `view`, and whether it may go
/// ahead given `force`.
pub fn decide(view: &ClusterView, change: &MemberChange, force: bool) -> Preview {
    let id = change.id();
    let before: BTreeSet<NodeId> = view.voters.clone();
    let mut after = before.clone();
    match change {
        MemberChange::Add { learner: false, .. } | MemberChange::Promote { .. } => {
            after.insert(id);
        }
        MemberChange::Remove { .. } => {
            after.remove(&id);
        }
        MemberChange::Add { learner: true, .. } | MemberChange::Update { .. } => {}
    }
    let reachable_now = before.iter().filter(|v| view.hears_from(**v)).count();
    let reachable_after = after
        .iter()
        .filter(|v| {
            // A member added now has not been heard from yet.
            let is_new = matches!(change, MemberChange::Add { .. }) && **v == id;
            !is_new && view.hears_from(**v)
        })
        .count();
    let refusal = rule_check(view, change, &before, &after, reachable_after);
    let (allowed, forced) = match &refusal {
        None => (true, false),
        Some(r) if r.forcible && force => (true, true),
        Some(_) => (false, false),
    };
    Preview {
        change: change.describe(),
        voters_before: before.iter().copied().collect(),
        quorum_before: quorum(before.len()),
        voters_after: after.iter().copied().collect(),
        quorum_after: if after.is_empty() {
            0
        } else {
            quorum(after.len())
        },
        reachable_voters_now: reachable_now,
        reachable_voters_after: reachable_after,
        fault_tolerance_before: tolerance(before.len()),
        fault_tolerance_after: tolerance(after.len()),
        allowed,
        forced,
        refused_by: refusal,
    }
}

fn refuse(
    rule: &str,
    kind: RefusalKind,
    forcible: bool,
    message: String,
    hint: String,
) -> Option<Refusal> {
    Some(Refusal {
        rule: rule.to_string(),
        kind,
        message,
        forcible,
        hint,
    })
}

/// The first rule `change` breaks, in the order they are checked: who it is about,
/// one change at a time, a learner caught up before promotion, a reachable quorum after.
fn rule_check(
    view: &ClusterView,
    change: &MemberChange,
    before: &BTreeSet<NodeId>,
    after: &BTreeSet<NodeId>,
    reachable_after: usize,
) -> Option<Refusal> {
    if let Some(refusal) = role_rule(view, change, before) {
        return Some(refusal);
    }
    if view.change_pending {
        return refuse(
            "one-change-at-a-time",
            RefusalKind::Conflict,
            false,
            "another membership change is proposed and not yet applied".to_string(),
            "retry once it is applied (raftctl member list shows the result)".to_string(),
        );
    }
    if let MemberChange::Promote { .. } = change {
        if let Some(refusal) = caught_up_rule(view, change) {
            return Some(refusal);
        }
    }
    quorum_rule(change, before, after, reachable_after)
}

/// Whether the member `change` is about has the role the change needs: a new id for
/// an add, a member for a promote or remove, a learner for a promote, and never the
/// last voter removed.
fn role_rule(
    view: &ClusterView,
    change: &MemberChange,
    before: &BTreeSet<NodeId>,
) -> Option<Refusal> {
    use RefusalKind::{Conflict, NotFound};
    let id = change.id();
    let is_voter = view.voters.contains(&id);
    let is_learner = view.learners.contains(&id);
    let list = "see raftctl member list".to_string();
    match change {
        MemberChange::Add { .. } if is_voter || is_learner => {
            let role = if is_voter { "voter" } else { "learner" };
            refuse(
                "new-member",
                Conflict,
                false,
                format!("member {id} is already a {role}"),
                format!("pick an unused id, or remove it first: raftctl member remove {id}"),
            )
        }
        MemberChange::Promote { .. }
        | MemberChange::Remove { .. }
        | MemberChange::Update { .. }
            if !is_voter && !is_learner =>
        {
            refuse(
                "known-member",
                NotFound,
                false,
                format!("member {id} is not a member of this cluster"),
                list,
            )
        }
        MemberChange::Promote { .. } if is_voter => refuse(
            "learner-only",
            Conflict,
            false,
            format!("member {id} is already a voter"),
            list,
        ),
        MemberChange::Remove { .. } if is_voter && before.len() == 1 => refuse(
            "last-voter",
            Conflict,
            false,
            format!("member {id} is the only voter; a cluster needs at least one"),
            "add another voter first: raftctl member add ID URL".to_string(),
        ),
        _ => None,
    }
}

/// Whether the learner a promotion is about is caught up with the leader.
fn caught_up_rule(view: &ClusterView, change: &MemberChange) -> Option<Refusal> {
    let id = change.id();
    let p = view.progress.get(&id).copied().unwrap_or(MemberProgress {
        matched: 0,
        recent_active: false,
        snapshot: false,
    });
    let lag = view.last_index.saturating_sub(p.matched);
    let why = if !p.recent_active {
        "the leader has not heard from it lately".to_string()
    } else if p.matched == 0 {
        "it has not acknowledged any entry yet (is it running?)".to_string()
    } else if p.snapshot {
        "it is still receiving a snapshot".to_string()
    } else if lag > PROMOTE_MAX_LAG {
        format!(
            "it lags the leader by {lag} entries (has {} of {}; at most {PROMOTE_MAX_LAG} allowed)",
            p.matched, view.last_index
        )
    } else {
        return None;
    };
    refuse(
        "learner-caught-up",
        RefusalKind::Conflict,
        true,
        format!("learner {id} is not caught up: {why}"),
        format!(
            "wait until raftctl member list shows its LAG near 0 and retry, or promote anyway: {}",
            change.command(" --force")
        ),
    )
}

/// Whether the voters after a change that alters them still hear a quorum from the
/// leader (growing a lone voter to two is let through: it cannot be done otherwise).
fn quorum_rule(
    change: &MemberChange,
    before: &BTreeSet<NodeId>,
    after: &BTreeSet<NodeId>,
    reachable_after: usize,
) -> Option<Refusal> {
    let changes_voters = before != after;
    let grow_lone_voter = before.len() == 1 && after.len() == 2;
    if !changes_voters || grow_lone_voter || reachable_after >= quorum(after.len()) {
        return None;
    }
    refuse(
        "reachable-quorum",
        RefusalKind::Conflict,
        true,
        format!(
            "after it the {} voters need {} for a quorum, but the leader hears from only {} of them now",
            after.len(),
            quorum(after.len()),
            reachable_after
        ),
        format!(
            "bring the unreachable members back (or add a learner first and promote it once caught up), or do it anyway: {}",
            change.command(" --force")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(voters: &[NodeId], learners: &[NodeId], active: &[NodeId]) -> ClusterView {
        let progress = voters
            .iter()
            .chain(learners)
            .map(|&id| {
                (
                    id,
                    MemberProgress {
                        matched: 50,
                        recent_active: active.contains(&id),
                        snapshot: false,
                    },
                )
            })
            .collect();
        ClusterView {
            leader: voters[0],
            voters: voters.iter().copied().collect(),
            learners: learners.iter().copied().collect(),
            progress,
            last_index: 50,
            change_pending: false,
        }
    }

    fn add(id: NodeId, learner: bool) -> MemberChange {
        MemberChange::Add {
            id,
            url: format!("http://127.0.0.1:700{id}"),
            learner,
        }
    }

    fn rule(p: &Preview) -> Option<&str> {
        p.refused_by.as_ref().map(|r| r.rule.as_str())
    }

    #[test]
    fn a_lone_voter_may_grow_to_two_but_two_voters_with_one_down_may_not_grow() {
        let p = decide(&view(&[1], &[], &[1]), &add(2, false), false);
        assert!(p.allowed);
        assert_eq!((p.quorum_before, p.quorum_after), (1, 2));
        // 2 voters, 2 down: after adding a third, 3 voters need 2, leader hears 1.
        let p = decide(&view(&[1, 2], &[], &[1]), &add(3, false), false);
        assert_eq!(rule(&p), Some("reachable-quorum"));
        assert!(!p.allowed);
        let forced = decide(&view(&[1, 2], &[], &[1]), &add(3, false), true);
        assert!(forced.allowed && forced.forced);
        // A learner never changes the voters.
        assert!(decide(&view(&[1, 2], &[], &[1]), &add(3, true), false).allowed);
    }

    #[test]
    fn removal_needs_a_reachable_quorum_after_it() {
        let v = view(&[1, 2, 3], &[], &[1, 2]);
        let p = decide(&v, &MemberChange::Remove { id: 3 }, false);
        assert!(p.allowed, "{p:?}");
        assert_eq!(p.fault_tolerance_before, 1);
        assert_eq!(p.fault_tolerance_after, 0);
        let v = view(&[1, 2, 3, 4, 5], &[], &[1, 2, 3]);
        // 4 voters left need 3; leader hears 1, 2 and 3 (3 is being kept).
        assert!(decide(&v, &MemberChange::Remove { id: 5 }, false).allowed);
        // Removing a reachable one leaves 1, 2 of 4: refused.
        let p = decide(&v, &MemberChange::Remove { id: 3 }, false);
        assert_eq!(rule(&p), Some("reachable-quorum"));
        assert!(p.refused_by.unwrap().line().contains("--force"));
    }

    #[test]
    fn promotion_waits_for_the_learner() {
        let mut v = view(&[1, 2, 3], &[4], &[1, 2, 3, 4]);
        v.progress.get_mut(&4).unwrap().matched = 1;
        v.last_index = 500;
        let p = decide(&v, &MemberChange::Promote { id: 4 }, false);
        assert_eq!(rule(&p), Some("learner-caught-up"));
        v.progress.get_mut(&4).unwrap().matched = 300;
        assert_eq!(
            rule(&decide(&v, &MemberChange::Promote { id: 4 }, false)),
            Some("learner-caught-up")
        );
        for id in [1, 2, 3] {
            v.progress.get_mut(&id).unwrap().matched = 500;
        }
        v.progress.get_mut(&4).unwrap().matched = 495;
        assert!(decide(&v, &MemberChange::Promote { id: 4 }, false).allowed);
    }

    #[test]
    fn a_url_update_keeps_the_voters_and_needs_no_reachable_quorum() {
        // Member 3 is down (it is being moved): the update still goes ahead.
        let v = view(&[1, 2, 3], &[4], &[1, 2]);
        for id in [3, 4] {
            let change = MemberChange::Update {
                id,
                url: "http://127.0.0.1:7013".into(),
            };
            let p = decide(&v, &change, false);
            assert!(p.allowed, "{p:?}");
            assert_eq!(p.voters_before, p.voters_after);
            assert_eq!((p.quorum_after, p.fault_tolerance_after), (2, 1));
            assert_eq!(
                p.change,
                format!("update member {id} to http://127.0.0.1:7013")
            );
        }
    }

    #[test]
    fn nonsense_changes_are_refused_even_with_force() {
        let v = view(&[1, 2, 3], &[4], &[1, 2, 3, 4]);
        let cases = [
            (add(2, false), "new-member"),
            (MemberChange::Promote { id: 9 }, "known-member"),
            (MemberChange::Remove { id: 9 }, "known-member"),
            (MemberChange::Promote { id: 2 }, "learner-only"),
            (
                MemberChange::Update {
                    id: 9,
                    url: "http://127.0.0.1:7009".into(),
                },
                "known-member",
            ),
        ];
        for (change, expected) in cases {
            let p = decide(&v, &change, true);
            assert_eq!(rule(&p), Some(expected), "{change:?}");
            assert!(!p.allowed);
        }
        let p = decide(
            &view(&[1], &[], &[1]),
            &MemberChange::Remove { id: 1 },
            true,
        );
        assert_eq!(rule(&p), Some("last-voter"));
        let mut pending = view(&[1, 2, 3], &[], &[1, 2, 3]);
        pending.change_pending = true;
        let p = decide(&pending, &add(4, true), true);
        assert_eq!(rule(&p), Some("one-change-at-a-time"));
    }
}
