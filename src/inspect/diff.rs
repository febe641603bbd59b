//! `wal diff`: where the logs of stopped members part ways. The logs are compared entry
//! by entry over the indexes every one of them still holds; the first index at which
//! two differ (term or payload) is reported with each side's term there and whether each
//! side had it committed. Two different entries both committed at one index would mean
//! Raft's safety was broken; one committed and one not is the normal state of a member
//! that was cut off and has not yet been brought back in step.

use serde::Serialize;

use super::{json_opt_u64, json_u64};
use crate::raft::{Entry, Index, NodeId, Storage, Term};
use crate::storage::RedbStorage;

/// One data dir, as compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffSide {
    pub dir: String,
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
    #[serde(serialize_with = "json_u64")]
    pub first_index: Index,
    #[serde(serialize_with = "json_u64")]
    pub last_index: Index,
    #[serde(serialize_with = "json_u64")]
    pub commit: Index,
    /// Its term at the first difference, if it holds that index.
    #[serde(serialize_with = "json_opt_u64")]
    pub term_at_difference: Option<Term>,
    /// Whether it had the entry at the first difference committed.
    pub committed_at_difference: bool,
    /// A one-line description of its entry there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_at_difference: Option<String>,
}

/// `wal diff -o json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalDiff {
    /// The range every log holds, compared entry by entry (`None`: no index in common).
    #[serde(serialize_with = "json_opt_u64")]
    pub compared_from: Option<Index>,
    #[serde(serialize_with = "json_opt_u64")]
    pub compared_to: Option<Index>,
    /// The first index where two logs differ, if any.
    #[serde(serialize_with = "json_opt_u64")]
    pub first_difference: Option<Index>,
    /// Two different entries committed at the same index: Raft's safety was broken.
    pub conflicting_commits: bool,
    pub sides: Vec<DiffSide>,
}

/// Entries compared per read.
const BATCH: u64 = 1024;

/// Compares the logs of `stores` (at least two; `dirs` name them).
pub fn diff(stores: &[(String, RedbStorage)]) -> Result<WalDiff, super::Error> {
    let from = stores
        .iter()
        .map(|(_, s)| s.first_index())
        .max()
        .unwrap_or(1);
    let to = stores
        .iter()
        .map(|(_, s)| s.last_index())
        .min()
        .unwrap_or(0);
    let mut first_difference = None;
    let mut at_difference: Vec<Option<Entry>> = vec![None; stores.len()];
    let mut lo = from;
    while lo <= to && first_difference.is_none() {
        let hi = to.min(lo.saturating_add(BATCH - 1));
        let mut batches = Vec::with_capacity(stores.len());
        for (dir, store) in stores {
            let entries = store.entries(lo, hi + 1, None).map_err(|e| {
                super::Error::refused(format!(
                    "{dir}: cannot read entries {lo}..={hi}: {e}; the data dir is damaged (run `raftctl wal verify --data-dir {dir}`)"
                ))
            })?;
            batches.push(entries);
        }
        for k in 0..=(hi - lo) as usize {
            let first = batches[0].get(k);
            let differs = batches.iter().skip(1).any(|b| !same_entry(b.get(k), first));
            if differs {
                first_difference = Some(lo + k as u64);
                for (side, b) in at_difference.iter_mut().zip(&batches) {
                    *side = b.get(k).cloned();
                }
                break;
            }
        }
        lo = hi.saturating_add(1);
    }
    let sides: Vec<DiffSide> = stores
        .iter()
        .zip(&at_difference)
        .map(|((dir, store), entry)| {
            let commit = store.hard_state().commit;
            DiffSide {
                dir: dir.clone(),
                node_id: store.node_id(),
                first_index: store.first_index(),
                last_index: store.last_index(),
                commit,
                term_at_difference: entry.as_ref().map(|e| e.term),
                committed_at_difference: first_difference.is_some_and(|i| i <= commit),
                entry_at_difference: entry.as_ref().map(super::wal::summarize),
            }
        })
        .collect();
    let committed: Vec<&Entry> = sides
        .iter()
        .zip(&at_difference)
        .filter(|(side, _)| side.committed_at_difference)
        .filter_map(|(_, e)| e.as_ref())
        .collect();
    let conflicting_commits = committed
        .windows(2)
        .any(|w| !same_entry(Some(w[0]), Some(w[1])));
    Ok(WalDiff {
        compared_from: (from <= to).then_some(from),
        compared_to: (from <= to).then_some(to),
        first_difference,
        conflicting_commits,
        sides,
    })
}

fn same_entry(a: Option<&Entry>, b: Option<&Entry>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.term == b.term && a.entry_type == b.entry_type && a.data == b.data,
        (None, None) => true,
        _ => false,
    }
}
