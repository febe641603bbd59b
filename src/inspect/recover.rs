//! `recover plan` and `recover`: disaster recovery after a cluster lost its quorum for
//! good.
//!
//! `plan` reads the survivors' data dirs read-only and names the one to keep by Raft's
//! up-to-date rule (§5.4.1: higher last term, then higher last index). That survivor
//! holds every entry any survivor knows to be committed: an entry committed in term t
//! is in the log of every leader after t, so a log whose last term is higher, or equal
//! with a higher last index, contains it.
//!
//! `recover` rewrites the kept survivor's membership to itself as the only voter. It
//! keeps the whole log and the hard state (term, vote, commit). The entries above its
//! commit index are then committed by the new one-member cluster's first leader (a
//! single voter is its own majority, and its first entry of the new term commits
//! everything before it), which is why commit is not raised here. Committed entries
//! above the applied index are applied first (as the node would on start): after a
//! crash the KV may hold newer values of some keys than its applied index says (see
//! `kv::ApplyBuffer`), and the snapshot file cut afterwards must be the state at one
//! index.
//!
//! The rule about membership changes: `recover` refuses while the log holds a
//! membership-change entry above the applied index. Applying such an entry after the
//! rewrite would add back or remove members of the lost cluster behind the operator's
//! back (an `add_voter` of a dead member would leave the new cluster without a quorum
//! again). Committed ones are applied by starting the node once as it is; an
//! uncommitted one cannot be kept safely, so the operator must decide (the refusal says
//! which entries and what to do).

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use serde::Serialize;

use super::snapshot::serve_command;
use super::wal::{member_rows, summarize, MemberRow};
use super::{json_opt_u64, json_u64, Error};
use crate::cluster_id::ClusterId;
use crate::kv::snapshot_file::create_snapshot_file;
use crate::kv::{Command, KvWriter};
use crate::raft::{Entry, EntryType, Index, NodeId, SnapshotMeta, Term};

mod plan;

use crate::storage::{Membership, RedbStorage, SnapshotReader};
pub use plan::{plan, AtRiskEntry, BestSurvivor, LostEntry, RecoverPlan, RejectedDir, Survivor};

/// Applies the committed entries above the applied index to the KV, in order, and records
/// the commit index as applied. The KV then holds exactly the state at the commit index:
/// a value newer than the applied index comes from an entry no later than the commit
/// recorded with it, and applying the entries in between overwrites it with the same.
fn apply_committed(store: &RedbStorage) -> Result<(), Error> {
    let (applied, commit) = (store.applied(), store.hard_state().commit);
    if commit <= applied {
        return Ok(());
    }
    let entries = read_log(store, applied + 1, Some(commit))?;
    if entries.last().map(|e| e.index) != Some(commit) {
        return Err(Error::refused(format!(
            "{}: the log ends before the commit index {commit}; run `raftctl wal verify --data-dir {}`",
            store.dir().display(),
            store.dir().display()
        )));
    }
    let mut batch = store.begin_write()?;
    {
        let mut table = KvWriter::open(batch.txn()).map_err(apply_error)?;
        for e in &entries {
            if e.entry_type != EntryType::Normal || e.data.is_empty() {
                continue;
            }
            // The node skips an undecodable command the same way.
            if let Ok(command) = Command::decode(&e.data) {
                table.apply(e.index, &command).map_err(apply_error)?;
            }
        }
    }
    batch.set_applied(commit)?;
    batch.commit()?;
    Ok(())
}

fn apply_error(e: crate::kv::Error) -> Error {
    Error::refused(format!("applying committed entries failed: {e}"))
}

/// The term of the last entry of `store`'s log.
fn last_term(store: &RedbStorage) -> Result<Term, Error> {
    let start = store.log_start();
    let last = store.last_index();
    if last == start.index {
        return Ok(start.term);
    }
    let mut term = None;
    let mut bad = None;
    store.scan_log(last, Some(last), |_, _, e| {
        match e {
            Ok(e) => term = Some(e.term),
            Err(why) => bad = Some(why),
        }
        ControlFlow::Break(())
    })?;
    match (term, bad) {
        (Some(t), _) => Ok(t),
        (None, why) => Err(Error::refused(format!(
            "{}: the last log entry {last} cannot be read ({}); run `raftctl wal verify --data-dir {}`",
            store.dir().display(),
            why.unwrap_or_else(|| "it is missing".into()),
            store.dir().display()
        ))),
    }
}

/// Entries of `store` with index > `after`: (index, term, type, summary).
fn entries_after(
    store: &RedbStorage,
    after: Index,
) -> Result<Vec<(Index, Term, EntryType, String)>, Error> {
    Ok(read_log(store, after.saturating_add(1), None)?
        .into_iter()
        .map(|e| (e.index, e.term, e.entry_type, summarize(&e)))
        .collect())
}

/// The entries from `from` to `to` (or the end); refuses a log with an entry it cannot
/// decode, naming the command that finds out more.
fn read_log(store: &RedbStorage, from: Index, to: Option<Index>) -> Result<Vec<Entry>, Error> {
    let mut out = Vec::new();
    let mut bad = None;
    store.scan_log(from, to, |index, _, e| match e {
        Ok(e) => {
            out.push(e);
            ControlFlow::Continue(())
        }
        Err(why) => {
            bad = Some(format!("log entry {index} cannot be decoded: {why}"));
            ControlFlow::Break(())
        }
    })?;
    match bad {
        Some(why) => Err(Error::refused(format!(
            "{}: {why}; run `raftctl wal verify --data-dir {}`",
            store.dir().display(),
            store.dir().display()
        ))),
        None => Ok(out),
    }
}

/// Why `recover` would refuse `store` as node `id`: one sentence each.
fn blockers(store: &RedbStorage, id: NodeId) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let m = store.membership();
    if m.url(id).is_none() {
        out.push(format!(
            "node {id} is not a member of its own membership (voters {}, learners {}): it was removed, so its data is not the cluster's",
            list_ids(&m.voters),
            list_ids(&m.learners)
        ));
    }
    let commit = store.hard_state().commit;
    for (index, _, t, summary) in entries_after(store, store.applied())? {
        if t == EntryType::ConfChange {
            let what = if index <= commit {
                "committed but not applied: start the node once as it is (it applies committed entries on its own), stop it, then recover"
            } else {
                "not committed: it would change the new cluster's membership when applied"
            };
            out.push(format!(
                "membership change at index {index} ({summary}) is above the applied index {}, {what}",
                store.applied()
            ));
        }
    }
    Ok(out)
}

fn list_ids(m: &BTreeMap<NodeId, String>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.keys()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether the newest snapshot file of `store` carries `membership` in its header.
fn latest_file_has(store: &RedbStorage, membership: &Membership) -> Result<bool, Error> {
    Ok(match store.snapshot_files()?.last() {
        Some((_, _, path)) => SnapshotReader::open(path)
            .map(|r| &r.meta().membership == membership)
            .unwrap_or(false),
        None => false,
    })
}

/// `recover`: what changed and what was kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoverReport {
    pub data_dir: String,
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
    pub cluster_id: String,
    /// False when the dir already was a one-member cluster of this node.
    pub changed: bool,
    pub old_voters: Vec<MemberRow>,
    pub old_learners: Vec<MemberRow>,
    pub voters: Vec<MemberRow>,
    pub learners: Vec<MemberRow>,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    /// The absurd stored term that `term` replaced (vote cleared), if there was one.
    #[serde(serialize_with = "json_opt_u64")]
    pub term_replaced: Option<Term>,
    #[serde(serialize_with = "json_u64")]
    pub commit: Index,
    #[serde(serialize_with = "json_u64")]
    pub applied: Index,
    #[serde(serialize_with = "json_u64")]
    pub first_index: Index,
    #[serde(serialize_with = "json_u64")]
    pub last_index: Index,
    /// Entries kept above the commit index, committed by the new cluster's first leader.
    #[serde(serialize_with = "json_u64")]
    pub entries_above_commit: u64,
    /// The snapshot file written at the applied index with the new membership, if any.
    pub snapshot_file: Option<String>,
    pub serve_command: String,
}

/// Terms above this are not reached by elections: a stored term beyond it comes from a
/// forged or damaged message, and the node would refuse to start with it (or wrap
/// around when it next campaigns). Kept in step with the core's start-up check.
pub const MAX_SANE_TERM: Term = 1 << 52;

/// Rewrites the membership of the stopped node in `dir` to the single voter `id`.
///
/// Everything is checked through a read-only open first (dir in use, `id` is this dir's
/// node and a member, no membership change above applied), so a refusal changes
/// nothing. Then one write transaction replaces the membership (and the snapshot
/// record's, which must agree with it); log, hard state and KV stay as they are.
/// Finally a snapshot file of the applied state is written with the new membership and
/// recorded, so a member added later never receives the old membership in a snapshot.
pub fn recover(dir: &Path, id: NodeId) -> Result<RecoverReport, Error> {
    let (old, url) = check_recoverable(dir, id)?;
    let single = Membership {
        voters: [(id, url.clone())].into(),
        learners: BTreeMap::new(),
    };
    let store = RedbStorage::open(dir)?;
    // Re-read under the write lock of this process: the read-only view may be stale.
    if store.membership() != old {
        return Err(Error::refused(format!(
            "the membership of {} changed while recover was checking it; run recover again",
            dir.display()
        )));
    }
    let changed = rewrite_membership(&store, &old, &single)?;
    let term_replaced = maybe_replace_absurd_term(&store)?;
    apply_committed(&store)?;
    let snapshot_file = cut_snapshot(&store, &single, changed)?;
    let hs = store.hard_state();
    Ok(RecoverReport {
        data_dir: dir.display().to_string(),
        node_id: id,
        cluster_id: ClusterId(store.cluster_id()).to_string(),
        changed,
        old_voters: member_rows(&old.voters),
        old_learners: member_rows(&old.learners),
        voters: member_rows(&single.voters),
        learners: Vec::new(),
        term: hs.term,
        term_replaced,
        commit: hs.commit,
        applied: store.applied(),
        first_index: store.first_index(),
        last_index: store.last_index(),
        entries_above_commit: store.last_index().saturating_sub(hs.commit),
        snapshot_file,
        serve_command: serve_command(id, &url, dir),
    })
}

/// The checks `recover` makes through a read-only open before it changes anything: the
/// dir passes `wal verify` (what recover writes must pass it, so it does not start from
/// a dir that already fails it), `id` is its node, and nothing blocks. The membership
/// found and `id`'s URL in it.
fn check_recoverable(dir: &Path, id: NodeId) -> Result<(Membership, String), Error> {
    let store = RedbStorage::open_read_only(dir)?;
    let report = super::verify(&store)?;
    if !report.ok {
        return Err(Error::Refused {
            message: format!(
                "recover refuses {}: it fails the checks of `raftctl wal verify`: {}",
                dir.display(),
                report
                    .problems
                    .first()
                    .expect("a report that is not ok names its problems")
            ),
            detail: report.problems[1..].to_vec(),
        });
    }
    if store.node_id() != id {
        return Err(Error::refused(format!(
            "--id {id} is not the node of data dir {}: it belongs to node {} (use --id {})",
            dir.display(),
            store.node_id(),
            store.node_id()
        )));
    }
    let blockers = blockers(&store, id)?;
    if !blockers.is_empty() {
        return Err(Error::Refused {
            message: format!(
                "recover refuses {}: {}",
                dir.display(),
                blockers.first().expect("not empty")
            ),
            detail: blockers[1..].to_vec(),
        });
    }
    let old = store.membership();
    let url = old.url(id).expect("checked by blockers").to_string();
    Ok((old, url))
}

/// Replaces the membership `old` (and the snapshot record's, which must agree with it)
/// by `single` in one write transaction; whether anything changed.
fn rewrite_membership(
    store: &RedbStorage,
    old: &Membership,
    single: &Membership,
) -> Result<bool, Error> {
    let changed = old != single || &store.stored_snapshot().membership != single;
    if changed {
        let mut batch = store.begin_write()?;
        batch.set_membership(single)?;
        let snap = store.snapshot_meta();
        if snap.index > 0 {
            batch.set_snapshot(
                &SnapshotMeta {
                    conf_state: single.conf_state(),
                    ..snap
                },
                single,
            )?;
        }
        batch.commit()?;
    }
    Ok(changed)
}

/// Writes and records a snapshot file of the applied state with the membership
/// `single`, unless nothing is applied or the newest file already carries it (and
/// nothing `changed`); the file written, if any.
fn cut_snapshot(
    store: &RedbStorage,
    single: &Membership,
    changed: bool,
) -> Result<Option<String>, Error> {
    let wanted = store.applied() > 0 && (changed || !latest_file_has(store, single)?);
    if !wanted {
        return Ok(None);
    }
    let file = create_snapshot_file(store, &store.snapshot_dir())?;
    let mut batch = store.begin_write()?;
    batch.set_snapshot(
        &SnapshotMeta {
            index: file.index,
            term: file.term,
            conf_state: single.conf_state(),
        },
        single,
    )?;
    batch.commit()?;
    store.remove_snapshot_files_before(file.index)?;
    Ok(Some(file.path.display().to_string()))
}

/// Replaces a stored term above [`MAX_SANE_TERM`] by the highest term in the log or the
/// snapshot, with the vote cleared; returns the term replaced. No entry has a term above
/// the hard state's (checked by `verify` first), so the log stays valid, and a node
/// never voted in a term it has not reached.
fn maybe_replace_absurd_term(store: &RedbStorage) -> Result<Option<Term>, Error> {
    let hs = store.hard_state();
    if hs.term <= MAX_SANE_TERM {
        return Ok(None);
    }
    let highest = last_term(store)?
        .max(store.snapshot_meta().term)
        .max(store.log_start().term);
    if highest > MAX_SANE_TERM {
        return Err(Error::refused(format!(
            "{}: the log itself holds term {highest}, beyond {MAX_SANE_TERM}: it cannot be brought back",
            store.dir().display()
        )));
    }
    let mut batch = store.begin_write()?;
    batch.set_hard_state(&crate::raft::HardState {
        term: highest,
        vote: None,
        commit: hs.commit,
    })?;
    batch.commit()?;
    Ok(Some(hs.term))
}
