//! `recover plan`: the survivors' positions read side by side, the one to recover from
//! by Raft's up-to-date rule, and what recovering from it keeps at risk or loses (the
//! reasoning is in the parent module's header).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::super::wal::{member_rows, type_name, MemberRow};
use super::super::{json_opt_u64, json_u64, Error};
use super::{blockers, entries_after, last_term};
use crate::cluster_id::ClusterId;
use crate::raft::{Index, NodeId, Term};
use crate::storage::RedbStorage;

/// One survivor's position, as `recover plan` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Survivor {
    pub data_dir: String,
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
    pub cluster_id: String,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    #[serde(serialize_with = "json_opt_u64")]
    pub vote: Option<NodeId>,
    #[serde(serialize_with = "json_u64")]
    pub commit: Index,
    #[serde(serialize_with = "json_u64")]
    pub applied: Index,
    #[serde(serialize_with = "json_u64")]
    pub last_index: Index,
    #[serde(serialize_with = "json_u64")]
    pub last_term: Term,
    pub voters: Vec<MemberRow>,
    pub learners: Vec<MemberRow>,
}

/// A data dir `recover plan` will not recommend, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RejectedDir {
    pub data_dir: String,
    /// What `wal verify` finds wrong with it, one sentence each.
    pub problems: Vec<String>,
}

/// An entry above the highest commit index known among the survivors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AtRiskEntry {
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    #[serde(rename = "type")]
    pub entry_type: &'static str,
    pub summary: String,
}

/// An entry of another survivor that the chosen one does not have (same index, other
/// term, or past its end): it is lost by recovering from the chosen one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostEntry {
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    #[serde(rename = "type")]
    pub entry_type: &'static str,
    pub summary: String,
}

/// `recover plan`: the survivors, the one to keep, and what is at risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoverPlan {
    pub survivors: Vec<Survivor>,
    /// Data dirs left out because they fail the checks of `wal verify`.
    pub rejected: Vec<RejectedDir>,
    /// The data dir to recover from (most up to date by Raft's rule).
    pub best: BestSurvivor,
    /// The highest commit index any survivor knows.
    #[serde(serialize_with = "json_u64")]
    pub highest_commit: Index,
    /// The chosen survivor's entries above `highest_commit`: not known to be committed;
    /// `recover` keeps them and the new cluster commits them.
    pub at_risk: Vec<AtRiskEntry>,
    /// Other survivors' entries above `highest_commit` that the chosen one lacks.
    pub lost: Vec<LostEntry>,
    /// What stands in the way of `recover` on the chosen survivor, if anything.
    pub blockers: Vec<String>,
    pub next_command: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BestSurvivor {
    pub data_dir: String,
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
}

fn survivor(dir: &Path, store: &RedbStorage) -> Result<Survivor, Error> {
    let hs = store.hard_state();
    let m = store.membership();
    Ok(Survivor {
        data_dir: dir.display().to_string(),
        node_id: store.node_id(),
        cluster_id: ClusterId(store.cluster_id()).to_string(),
        term: hs.term,
        vote: hs.vote,
        commit: hs.commit,
        applied: store.applied(),
        last_index: store.last_index(),
        last_term: last_term(store)?,
        voters: member_rows(&m.voters),
        learners: member_rows(&m.learners),
    })
}

/// Reads every survivor's data dir read-only and works out the plan. Refuses dirs in
/// use, dirs of different clusters and a node id given twice.
pub fn plan(dirs: &[PathBuf]) -> Result<RecoverPlan, Error> {
    check_given_once(dirs)?;
    let (stores, rejected) = verified_stores(dirs)?;
    let mut survivors = Vec::new();
    for (dir, store) in &stores {
        survivors.push(survivor(dir, store)?);
    }
    if survivors.is_empty() {
        return Err(no_survivor(&rejected));
    }
    check_one_cluster(&survivors)?;
    // Raft's up-to-date rule; on a tie the first listed wins.
    let best_at = (0..survivors.len())
        .rev()
        .max_by_key(|&i| (survivors[i].last_term, survivors[i].last_index))
        .expect("at least one survivor");
    let highest_commit = survivors.iter().map(|s| s.commit).max().unwrap_or(0);
    let (best_dir, best_store) = &stores[best_at];
    let best = &survivors[best_at];
    let (at_risk, lost) = at_risk_and_lost(&stores, &survivors, best_at, highest_commit)?;
    let blockers = blockers(best_store, best.node_id)?;
    Ok(RecoverPlan {
        best: BestSurvivor {
            data_dir: best.data_dir.clone(),
            node_id: best.node_id,
        },
        next_command: format!(
            "raftctl recover --data-dir {} --id {}",
            best_dir.display(),
            best.node_id
        ),
        survivors,
        rejected,
        highest_commit,
        at_risk,
        lost,
        blockers,
    })
}

/// The dirs that pass the checks of `wal verify`, each with its store open read-only.
type Survivors = Vec<(PathBuf, RedbStorage)>;

/// Refuses a data dir given twice. Checked before opening: a second open of the same
/// database would report it as in use, which is not the problem.
fn check_given_once(dirs: &[PathBuf]) -> Result<(), Error> {
    let mut given = BTreeMap::new();
    for dir in dirs {
        let key = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        if let Some(first) = given.insert(key, dir) {
            return Err(Error::refused(format!(
                "data dir {} is given twice (also as {}): give each survivor's data dir once",
                dir.display(),
                first.display()
            )));
        }
    }
    Ok(())
}

/// Opens every dir read-only and checks it as `wal verify` does: a damaged one is never
/// recommended, and its numbers are not compared with the others'. A dir that cannot
/// be opened at all is refused as before, in one line.
fn verified_stores(dirs: &[PathBuf]) -> Result<(Survivors, Vec<RejectedDir>), Error> {
    let mut stores = Vec::new();
    let mut rejected = Vec::new();
    for dir in dirs {
        let store = RedbStorage::open_read_only(dir)?;
        let report = super::super::verify(&store)?;
        if report.ok {
            stores.push((dir.clone(), store));
        } else {
            rejected.push(RejectedDir {
                data_dir: dir.display().to_string(),
                problems: report.problems,
            });
        }
    }
    Ok((stores, rejected))
}

/// The refusal when no dir is left to recover from: none given, or every one damaged.
fn no_survivor(rejected: &[RejectedDir]) -> Error {
    let detail = rejected
        .iter()
        .flat_map(|r| {
            r.problems
                .iter()
                .map(move |p| format!("{}: {p}", r.data_dir))
        })
        .collect();
    match rejected.len() {
        0 => Error::refused("recover plan needs at least one data dir"),
        n => Error::Refused {
            message: format!(
                "no data dir to recover from: {n} given, every one fails the checks of `raftctl wal verify`"
            ),
            detail,
        },
    }
}

/// Refuses survivors of different clusters, and two dirs of the same node.
fn check_one_cluster(survivors: &[Survivor]) -> Result<(), Error> {
    let Some(first) = survivors.first() else {
        return Ok(());
    };
    if let Some(other) = survivors.iter().find(|s| s.cluster_id != first.cluster_id) {
        return Err(Error::refused(format!(
            "{} belongs to cluster {} but {} to cluster {}: give the data dirs of one cluster",
            first.data_dir, first.cluster_id, other.data_dir, other.cluster_id
        )));
    }
    let mut seen = BTreeMap::new();
    for s in survivors {
        if let Some(dir) = seen.insert(s.node_id, &s.data_dir) {
            return Err(Error::refused(format!(
                "{dir} and {} are both node {}: give each survivor's data dir once",
                s.data_dir, s.node_id
            )));
        }
    }
    Ok(())
}

/// The chosen survivor's entries above `highest_commit`, and the other survivors'
/// entries above it that the chosen one lacks.
fn at_risk_and_lost(
    stores: &[(PathBuf, RedbStorage)],
    survivors: &[Survivor],
    best_at: usize,
    highest_commit: Index,
) -> Result<(Vec<AtRiskEntry>, Vec<LostEntry>), Error> {
    let best_entries = entries_after(&stores[best_at].1, highest_commit)?;
    let best_terms: BTreeMap<Index, Term> =
        best_entries.iter().map(|(i, t, _, _)| (*i, *t)).collect();
    let at_risk = best_entries
        .iter()
        .map(|(index, term, t, summary)| AtRiskEntry {
            index: *index,
            term: *term,
            entry_type: type_name(*t),
            summary: summary.clone(),
        })
        .collect();
    let mut lost = Vec::new();
    for (i, (_, store)) in stores.iter().enumerate() {
        if i == best_at {
            continue;
        }
        for (index, term, t, summary) in entries_after(store, highest_commit)? {
            if best_terms.get(&index) != Some(&term) {
                lost.push(LostEntry {
                    node_id: survivors[i].node_id,
                    index,
                    term,
                    entry_type: type_name(t),
                    summary,
                });
            }
        }
    }
    Ok((at_risk, lost))
}
