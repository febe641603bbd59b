//! `wal dump`, `wal hardstate` and `wal verify`: what a stopped node's data dir holds,
//! and whether it is consistent.

use std::ops::ControlFlow;

use serde::Serialize;

use super::{json_opt_u64, json_u64};
use crate::cluster_id::ClusterId;
use crate::kv::Command;
use crate::raft::{ConfChange, ConfChangeType, Entry, EntryId, EntryType, Index, NodeId, Term};
use crate::storage::{Membership, RedbStorage, Result, FORMAT_VERSION};

/// One row of `wal dump`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DumpEntry {
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    /// `normal`, `conf_change`, `empty`, or `unreadable` for a value that cannot be decoded.
    #[serde(rename = "type")]
    pub entry_type: &'static str,
    /// Payload bytes.
    pub size: u64,
    pub summary: String,
}

/// `wal dump -o json`: `{"entries": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalDump {
    pub entries: Vec<DumpEntry>,
}

/// Which entries `dump` shows: `from ..= to`, at most `limit` of them.
#[derive(Clone, Copy, Debug, Default)]
pub struct DumpOptions {
    pub from: Option<Index>,
    pub to: Option<Index>,
    pub limit: Option<u64>,
}

/// The name of an entry type as shown by the offline tools.
pub fn type_name(t: EntryType) -> &'static str {
    match t {
        EntryType::Normal => "normal",
        EntryType::ConfChange => "conf_change",
        EntryType::Empty => "empty",
    }
}

/// A one-line description of an entry's payload: a KV command (`put "k" (12 B)`), a
/// membership change (`add_learner 4 http://127.0.0.1:7004`), or why it cannot be read.
pub fn summarize(entry: &Entry) -> String {
    match entry.entry_type {
        EntryType::Empty => String::new(),
        EntryType::Normal if entry.data.is_empty() => String::new(),
        EntryType::Normal => match Command::decode(&entry.data) {
            Ok(cmd) => cmd.summary(),
            Err(e) => format!("not a KV command: {e}"),
        },
        EntryType::ConfChange => match ConfChange::decode(&entry.data) {
            Ok(cc) => conf_change_summary(&cc),
            Err(e) => format!("not a membership change: {e}"),
        },
    }
}

/// `add_voter 2 http://...`, `add_learner 4 http://...`, `promote_learner 4`, `remove 3`,
/// `update_url 3 http://...`.
pub fn conf_change_summary(cc: &ConfChange) -> String {
    let url = String::from_utf8_lossy(&cc.context);
    let with_url = |verb: &str| {
        if url.is_empty() {
            format!("{verb} {}", cc.node_id)
        } else {
            format!("{verb} {} {url}", cc.node_id)
        }
    };
    match cc.change_type {
        ConfChangeType::AddVoter => with_url("add_voter"),
        ConfChangeType::AddLearner => with_url("add_learner"),
        ConfChangeType::PromoteLearner => format!("promote_learner {}", cc.node_id),
        ConfChangeType::Remove => format!("remove {}", cc.node_id),
        ConfChangeType::UpdateUrl => with_url("update_url"),
    }
}

/// The entries of the log, decoded, in index order.
///
/// Stops with an error at the first entry that cannot be decoded or does not fit where
/// it is: an index other than the next one expected, or beyond the last index; a term
/// below the previous entry's or above the hard state's. A damaged file must not be
/// shown as if it were a log (`wal verify` lists every problem).
pub fn dump(store: &RedbStorage, opts: DumpOptions) -> std::result::Result<WalDump, super::Error> {
    let mut entries = Vec::new();
    let limit = opts.limit.unwrap_or(u64::MAX);
    if limit == 0 {
        return Ok(WalDump { entries });
    }
    let start = store.log_start();
    let first_index = start.index + 1;
    let last_index = store.last_index();
    let from = opts.from.unwrap_or(0).max(first_index);
    let mut place = DumpPlace {
        expected: from,
        // The term before `from`: known exactly only when `from` is the first index.
        prev_term: (from == first_index).then_some(start.term),
        last_index,
        hs_term: store.hard_state().term,
    };
    let mut problem: Option<String> = None;
    store.scan_log(from, opts.to, |index, size, entry| {
        let e = match entry {
            Ok(e) => e,
            Err(why) => {
                problem = Some(format!("entry {index} cannot be decoded: {why}"));
                return ControlFlow::Break(());
            }
        };
        if let Some(why) = place.misplaced(index, e.term) {
            problem = Some(why);
            return ControlFlow::Break(());
        }
        place.expected = index.saturating_add(1);
        place.prev_term = Some(e.term);
        entries.push(DumpEntry {
            index,
            term: e.term,
            entry_type: type_name(e.entry_type),
            size: size as u64,
            summary: summarize(&e),
        });
        if entries.len() as u64 >= limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    if let Some(why) = problem {
        return Err(damaged(store, &why));
    }
    // Entries the log should hold in the range but that the table lacks.
    let end = opts.to.unwrap_or(last_index).min(last_index);
    let expected = place.expected;
    if (entries.len() as u64) < limit && expected <= end && from <= end {
        let why = format!("entry {expected} is missing, the log's last index is {last_index}");
        return Err(damaged(store, &why));
    }
    Ok(WalDump { entries })
}

/// Where `dump` is in the log: the entry it expects next and the term before it, and
/// the bounds an entry's place is checked against.
struct DumpPlace {
    expected: Index,
    prev_term: Option<Term>,
    last_index: Index,
    hs_term: Term,
}

impl DumpPlace {
    /// Why entry `index` of term `term` does not fit where it is, if it does not.
    fn misplaced(&self, index: Index, term: Term) -> Option<String> {
        let (expected, last_index, hs_term) = (self.expected, self.last_index, self.hs_term);
        if index != expected {
            Some(format!(
                "entry {index} is where entry {expected} was expected"
            ))
        } else if index > last_index {
            Some(format!(
                "entry {index} is beyond the log's last index {last_index}"
            ))
        } else if self.prev_term.is_some_and(|t| term < t) {
            Some(format!(
                "entry {index} has term {term}, below the term {} before it",
                self.prev_term.unwrap_or_default()
            ))
        } else if term > hs_term {
            Some(format!(
                "entry {index} has term {term}, above the hard state's term {hs_term}"
            ))
        } else {
            None
        }
    }
}

/// The error `dump` stops with on a damaged log.
fn damaged(store: &RedbStorage, why: &str) -> super::Error {
    super::Error::refused(format!(
        "{}: {why}; the data dir is damaged (run `raftctl wal verify --data-dir {}`)",
        store.dir().display(),
        store.dir().display()
    ))
}

/// A member as listed by `wal hardstate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberRow {
    #[serde(serialize_with = "json_u64")]
    pub id: NodeId,
    pub url: String,
}

/// A snapshot position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotPosition {
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
}

/// `wal hardstate`: everything a node restarts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HardStateReport {
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
    /// 16 hex digits.
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
    pub first_index: Index,
    #[serde(serialize_with = "json_u64")]
    pub last_index: Index,
    pub snapshot: SnapshotPosition,
    pub voters: Vec<MemberRow>,
    pub learners: Vec<MemberRow>,
    pub format_version: u32,
    pub db_size_bytes: u64,
}

/// The members of one role, as rows.
pub fn member_rows(m: &std::collections::BTreeMap<NodeId, String>) -> Vec<MemberRow> {
    m.iter()
        .map(|(id, url)| MemberRow {
            id: *id,
            url: url.clone(),
        })
        .collect()
}

pub fn hardstate(store: &RedbStorage) -> Result<HardStateReport> {
    let hs = store.hard_state();
    let snap = store.snapshot_meta();
    let membership = store.membership();
    Ok(HardStateReport {
        node_id: store.node_id(),
        cluster_id: ClusterId(store.cluster_id()).to_string(),
        term: hs.term,
        vote: hs.vote,
        commit: hs.commit,
        applied: store.applied(),
        first_index: store.first_index(),
        last_index: store.last_index(),
        snapshot: SnapshotPosition {
            index: snap.index,
            term: snap.term,
        },
        voters: member_rows(&membership.voters),
        learners: member_rows(&membership.learners),
        format_version: store.format_version(),
        db_size_bytes: store.db_size_bytes()?,
    })
}

/// `wal verify`: `ok` is true when `problems` is empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub problems: Vec<String>,
    /// Entries read from the log table.
    pub entries_checked: u64,
}

/// Checks the log, hard state, snapshot record and membership against each other.
/// Problems are returned as sentences; an error means the store could not be read.
pub fn verify(store: &RedbStorage) -> Result<VerifyReport> {
    let mut problems = Vec::new();
    let version = store.format_version();
    if version != FORMAT_VERSION {
        problems.push(format!(
            "data format version is {version}, this build writes version {FORMAT_VERSION}"
        ));
    }
    let mut scan = LogScan::new(store);
    store.scan_log(0, None, |index, _size, entry| {
        scan.visit(index, entry, &mut problems);
        ControlFlow::Continue(())
    })?;
    let last_index = store.last_index();
    if let Some((last_stored, _)) = scan.previous {
        if last_stored != last_index {
            problems.push(format!(
                "the last stored entry is {last_stored}, but the log's last index is {last_index}"
            ));
        }
    }
    check_positions(store, scan.term_at_snapshot, &mut problems);
    check_membership(&store.membership(), "membership", &mut problems);
    check_membership(
        &store.stored_snapshot().membership,
        "snapshot's membership",
        &mut problems,
    );
    let snap = store.snapshot_meta();
    if snap.index > 0 && snap.conf_state != store.stored_snapshot().membership.conf_state() {
        problems.push("the snapshot's voters and learners differ from its member list".into());
    }
    Ok(VerifyReport {
        ok: problems.is_empty(),
        problems,
        entries_checked: scan.count,
    })
}

/// `verify`'s walk over the log table: contiguous from the compaction point, terms
/// never falling and never above the hard state's term.
struct LogScan {
    /// The compaction point: the entry before the first one held.
    start: EntryId,
    hs_term: Term,
    snap_index: Index,
    /// The last entry visited, and its term.
    previous: Option<(Index, Term)>,
    count: u64,
    term_above_hard_state: bool,
    /// The term of the entry at the snapshot's index, if the log holds it.
    term_at_snapshot: Option<Term>,
}

impl LogScan {
    fn new(store: &RedbStorage) -> LogScan {
        LogScan {
            start: store.log_start(),
            hs_term: store.hard_state().term,
            snap_index: store.snapshot_meta().index,
            previous: None,
            count: 0,
            term_above_hard_state: false,
            term_at_snapshot: None,
        }
    }

    fn visit(
        &mut self,
        index: Index,
        entry: std::result::Result<Entry, String>,
        problems: &mut Vec<String>,
    ) {
        self.count += 1;
        let first_index = self.start.index + 1;
        match self.previous {
            None if index != first_index => problems.push(format!(
                "the log starts at index {index}, but its compaction point says it starts at index {first_index}"
            )),
            Some((prev, _)) if index != prev + 1 => problems.push(format!(
                "the log is not contiguous: index {prev} is followed by index {index}"
            )),
            _ => {}
        }
        let prev_term = self.previous.map_or(self.start.term, |(_, t)| t);
        match entry {
            Err(why) => {
                problems.push(format!("entry {index} cannot be decoded: {why}"));
                self.previous = Some((index, prev_term));
            }
            Ok(e) => {
                if e.term < prev_term {
                    let what = match self.previous {
                        Some((prev, _)) => format!("entry {prev}"),
                        None => format!("the compacted entry {}", self.start.index),
                    };
                    problems.push(format!(
                        "terms decrease: entry {index} has term {}, after term {prev_term} of {what}",
                        e.term
                    ));
                }
                if e.term > self.hs_term && !self.term_above_hard_state {
                    self.term_above_hard_state = true;
                    problems.push(format!(
                        "entry {index} has term {}, above the hard state's term {}",
                        e.term, self.hs_term
                    ));
                }
                if index == self.snap_index {
                    self.term_at_snapshot = Some(e.term);
                }
                self.previous = Some((index, e.term));
            }
        }
    }
}

/// The commit, applied and snapshot positions against each other and the log;
/// `term_at_snapshot` is the log's term at the snapshot's index, if it holds it.
fn check_positions(
    store: &RedbStorage,
    term_at_snapshot: Option<Term>,
    problems: &mut Vec<String>,
) {
    let hs = store.hard_state();
    let applied = store.applied();
    let start = store.log_start();
    let snap = store.snapshot_meta();
    let first_index = start.index + 1;
    let last_index = store.last_index();
    if hs.commit > last_index {
        problems.push(format!(
            "commit index {} is past the last index {last_index}",
            hs.commit
        ));
    }
    if applied > hs.commit {
        problems.push(format!(
            "applied index {applied} is past the commit index {}",
            hs.commit
        ));
    }
    if first_index > snap.index + 1 {
        problems.push(format!(
            "the log starts at index {first_index} but the latest snapshot is at index {}: entries {} to {} are in neither",
            snap.index,
            snap.index + 1,
            first_index - 1
        ));
    }
    if snap.index == 0 {
        return;
    }
    if applied < snap.index {
        problems.push(format!(
            "applied index {applied} is behind the snapshot index {}",
            snap.index
        ));
    }
    let log_term = if snap.index == start.index {
        Some(start.term)
    } else {
        term_at_snapshot
    };
    match log_term {
        Some(t) if t != snap.term => problems.push(format!(
            "the snapshot is at index {} term {}, but the log has term {t} at that index",
            snap.index, snap.term
        )),
        None if snap.index > last_index => problems.push(format!(
            "the snapshot index {} is past the last index {last_index}",
            snap.index
        )),
        _ => {}
    }
}

fn check_membership(m: &Membership, what: &str, problems: &mut Vec<String>) {
    for id in m.voters.keys() {
        if m.learners.contains_key(id) {
            problems.push(format!(
                "the {what} lists node {id} as both voter and learner"
            ));
        }
    }
    if what == "membership" && m.voters.is_empty() {
        problems.push("the membership has no voters".into());
    }
    if m.voters.contains_key(&0) || m.learners.contains_key(&0) {
        problems.push(format!(
            "the {what} lists node id 0, which is not a valid id"
        ));
    }
}
