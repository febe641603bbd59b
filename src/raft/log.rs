//! `RaftLog`: the whole log as the core sees it, a stable prefix behind `Storage` and
//! the unstable tail, with the commit and apply pointers.
//!
//! Invariants (checked by `check_invariants`):
//! `first_index - 1 <= applied <= applying <= committed <= last_index`, and entries
//! up to `committed` never change.

use super::log_unstable::Unstable;
use super::storage::{Storage, StorageError};
use super::types::{Entry, EntryId, EntryType, Index, Snapshot, Term};

pub struct RaftLog<S: Storage> {
    pub(crate) store: S,
    pub(crate) unstable: Unstable,
    /// The highest index known to be stored on a quorum.
    pub(crate) committed: Index,
    /// The highest index handed out for applying (in a Ready not yet advanced).
    pub(crate) applying: Index,
    /// The highest index the state machine has applied.
    pub(crate) applied: Index,
    /// Byte cap for the committed entries of one Ready.
    pub(crate) max_applying_size: u64,
}

/// A storage that cannot answer its own bounds is broken beyond what the core can handle.
fn storage_bound(what: &str, r: Result<Index, StorageError>) -> Index {
    match r {
        Ok(i) => i,
        Err(e) => panic!("storage cannot report its {what}: {e}"),
    }
}

impl<S: Storage> RaftLog<S> {
    pub fn new(store: S, max_applying_size: u64) -> RaftLog<S> {
        let first = storage_bound("first index", store.first_index());
        let last = storage_bound("last index", store.last_index());
        RaftLog {
            store,
            unstable: Unstable::new(last.saturating_add(1)),
            committed: first.saturating_sub(1),
            applying: first.saturating_sub(1),
            applied: first.saturating_sub(1),
            max_applying_size,
        }
    }

    pub fn first_index(&self) -> Index {
        self.unstable
            .maybe_first_index()
            .unwrap_or_else(|| storage_bound("first index", self.store.first_index()))
    }

    pub fn last_index(&self) -> Index {
        self.unstable
            .maybe_last_index()
            .unwrap_or_else(|| storage_bound("last index", self.store.last_index()))
    }

    /// The highest index known durable (entries below the unstable tail).
    pub fn persisted_index(&self) -> Index {
        if self.unstable.snapshot.is_some() {
            return 0;
        }
        self.unstable
            .offset
            .saturating_sub(1)
            .min(self.last_index())
    }

    /// The term of the entry at `index`, for `first_index - 1 <= index <= last_index`.
    pub fn term(&self, index: Index) -> Result<Term, StorageError> {
        let dummy = self.first_index().saturating_sub(1);
        if index < dummy {
            return Err(StorageError::Compacted);
        }
        if index > self.last_index() {
            return Err(StorageError::Unavailable);
        }
        if let Some(t) = self.unstable.maybe_term(index) {
            return Ok(t);
        }
        self.store.term(index)
    }

    /// The term at `index`, or 0 where it is unknown (compacted or past the end).
    pub fn term_or_zero(&self, index: Index) -> Term {
        self.term(index).unwrap_or(0)
    }

    pub fn last_entry_id(&self) -> EntryId {
        let index = self.last_index();
        EntryId {
            index,
            term: self
                .term(index)
                .unwrap_or_else(|e| panic!("term of the last index {index} unknown: {e}")),
        }
    }

    pub fn match_term(&self, id: EntryId) -> bool {
        self.term(id.index).is_ok_and(|t| t == id.term)
    }

    /// Whether a log ending at `last` is at least as up to date as ours (§5.4.1).
    pub fn is_up_to_date(&self, last: EntryId) -> bool {
        let ours = self.last_entry_id();
        last.term > ours.term || (last.term == ours.term && last.index >= ours.index)
    }

    /// The index of the first entry of `ents` whose term differs from ours at that
    /// index, or that is past our end; 0 if all of them are already held.
    pub fn find_conflict(&self, ents: &[Entry]) -> Index {
        let last = self.last_index();
        for e in ents {
            // Past our end nothing can match; the common case of a plain append.
            if e.index > last || !self.match_term(e.id()) {
                return e.index;
            }
        }
        0
    }

    /// The largest position at or below `index` whose term is `<= term`, as a guess of
    /// where a leader with an entry of `term` at `index` may match us: every entry in
    /// between has a larger term and cannot match (etcd's findConflictByTerm).
    pub fn find_conflict_by_term(&self, index: Index, term: Term) -> (Index, Term) {
        let mut index = index.min(self.last_index());
        loop {
            match self.term(index) {
                Ok(t) if t > term => match index.checked_sub(1) {
                    Some(below) => index = below,
                    None => return (0, 0),
                },
                Ok(t) => return (index, t),
                Err(_) => return (index, 0),
            }
        }
    }

    /// Appends after `prev` if our log holds `prev`, resolving conflicts; commits up to
    /// `committed` within what was appended. Returns the last new index, or None when
    /// `prev` does not match. A conflict at or below `committed` (which a correct leader
    /// never sends) is refused as `Err` and changes nothing.
    pub fn maybe_append(
        &mut self,
        prev: EntryId,
        committed: Index,
        ents: &[Entry],
    ) -> Result<Option<Index>, String> {
        if !self.match_term(prev) {
            return Ok(None);
        }
        // `Raft::step` checked that `ents` follow `prev` within `MAX_INDEX`.
        let Some(last_new) = prev.index.checked_add(ents.len() as u64) else {
            return Err(format!(
                "{} entries after {} overflow",
                ents.len(),
                prev.index
            ));
        };
        let conflict = self.find_conflict(ents);
        if conflict != 0 {
            if conflict <= self.committed {
                return Err(format!(
                    "entry {conflict} conflicts with committed entries (committed {})",
                    self.committed
                ));
            }
            let Some(start) = conflict
                .checked_sub(prev.index)
                .and_then(|d| d.checked_sub(1))
                .and_then(|d| usize::try_from(d).ok())
                .filter(|&s| s < ents.len())
            else {
                return Err(format!("conflict at {conflict} is not among the entries"));
            };
            self.append(&ents[start..]);
        }
        self.commit_to(committed.min(last_new));
        Ok(Some(last_new))
    }

    /// Appends contiguous entries, truncating any suffix they replace. Returns the new
    /// last index.
    pub fn append(&mut self, ents: &[Entry]) -> Index {
        let Some(first) = ents.first() else {
            return self.last_index();
        };
        if first.index <= self.committed {
            panic!(
                "append at {} would overwrite committed entries (committed {})",
                first.index, self.committed
            );
        }
        self.unstable.truncate_and_append(ents);
        self.last_index()
    }

    pub fn commit_to(&mut self, index: Index) {
        if index > self.committed {
            let last = self.last_index();
            if index > last {
                panic!("commit_to({index}) is past the last index {last}");
            }
            self.committed = index;
        }
    }

    /// Commits up to `id` if our entry there is from `id.term` (a leader only commits
    /// entries of its own term by counting, §5.4.2).
    pub fn maybe_commit(&mut self, id: EntryId) -> bool {
        if id.index > self.committed && self.term_or_zero(id.index) == id.term {
            self.commit_to(id.index);
            return true;
        }
        false
    }

    pub fn applied_to(&mut self, index: Index) {
        if index == 0 {
            return;
        }
        if index < self.applied || index > self.committed {
            panic!(
                "applied_to({index}) outside [applied {}, committed {}]",
                self.applied, self.committed
            );
        }
        self.applied = index;
        self.applying = self.applying.max(index);
    }

    pub fn stable_to(&mut self, id: EntryId) {
        self.unstable.stable_to(id);
    }

    pub fn stable_snap_to(&mut self, index: Index) {
        self.unstable.stable_snap_to(index);
    }

    /// Whether committed entries are ready to hand out for applying.
    pub fn has_next_committed_ents(&self) -> bool {
        self.unstable.snapshot.is_none() && self.applying < self.committed
    }

    /// Committed entries not yet handed out, up to the size cap (at least one).
    /// Entries still unstable are included: the runtime persists them in the same
    /// transaction or an earlier one.
    pub fn next_committed_ents(&self) -> Vec<Entry> {
        if !self.has_next_committed_ents() {
            return Vec::new();
        }
        match self.slice(
            self.applying + 1,
            self.committed + 1,
            Some(self.max_applying_size),
        ) {
            Ok(ents) => ents,
            Err(e) => panic!(
                "committed entries [{}, {}] unavailable: {e}",
                self.applying + 1,
                self.committed
            ),
        }
    }

    /// Entries from `lo` to the end, at most `max_size` bytes (at least one).
    pub fn entries(&self, lo: Index, max_size: Option<u64>) -> Result<Vec<Entry>, StorageError> {
        let last = self.last_index();
        if lo > last {
            return Ok(Vec::new());
        }
        self.slice(lo, last + 1, max_size)
    }

    /// Entries in `[lo, hi)`, at most `max_size` bytes but at least one.
    pub fn slice(
        &self,
        lo: Index,
        hi: Index,
        max_size: Option<u64>,
    ) -> Result<Vec<Entry>, StorageError> {
        if lo >= hi {
            return Ok(Vec::new());
        }
        if lo < self.first_index() {
            return Err(StorageError::Compacted);
        }
        if hi > self.last_index() + 1 {
            return Err(StorageError::Unavailable);
        }
        let offset = self.unstable.offset;
        let mut out = Vec::new();
        let mut size = 0u64;
        if lo < offset {
            let stable_hi = hi.min(offset);
            out = self.store.entries(lo, stable_hi, max_size)?;
            if (out.len() as u64) < stable_hi - lo {
                return Ok(out);
            }
            size = out.iter().map(Entry::size).sum();
        }
        if hi > offset {
            let from = lo.max(offset);
            for e in self.unstable.slice(from, hi) {
                size += e.size();
                if !out.is_empty() && max_size.is_some_and(|m| size > m) {
                    break;
                }
                out.push(e.clone());
            }
        }
        Ok(out)
    }

    /// Whether any entry in `(applied, committed]` is a conf change (not yet applied).
    pub fn has_unapplied_conf_change(&self) -> bool {
        self.any_unapplied(self.committed, |e| e.entry_type == EntryType::ConfChange)
    }

    /// Whether any entry in `(applied, up_to]` satisfies `pred`, reading in pages.
    pub fn any_unapplied(&self, up_to: Index, pred: impl Fn(&Entry) -> bool) -> bool {
        self.any_in(self.applied + 1, up_to, pred)
    }

    /// Whether any entry in `[lo, up_to]` still held satisfies `pred`, reading in pages.
    pub fn any_in(&self, lo: Index, up_to: Index, pred: impl Fn(&Entry) -> bool) -> bool {
        let mut lo = lo.max(self.first_index());
        let hi = up_to.min(self.last_index()).saturating_add(1);
        while lo < hi {
            let Ok(ents) = self.slice(lo, hi, Some(self.max_applying_size)) else {
                return false;
            };
            if ents.iter().any(&pred) {
                return true;
            }
            lo += ents.len() as u64;
            if ents.is_empty() {
                break;
            }
        }
        false
    }

    /// The latest snapshot: an incoming one not yet persisted, else the storage's.
    pub fn snapshot(&self, request_index: Index) -> Result<Snapshot, StorageError> {
        if let Some(s) = &self.unstable.snapshot {
            return Ok(s.clone());
        }
        self.store.snapshot(request_index)
    }

    /// Replaces the log with `snapshot` (already checked to be ahead of `committed`).
    pub fn restore(&mut self, snapshot: Snapshot) {
        self.committed = snapshot.meta.index;
        self.unstable.restore(snapshot);
    }

    pub fn check_invariants(&self) {
        let first = self.first_index();
        let last = self.last_index();
        let ok = first - 1 <= self.applied
            && self.applied <= self.applying
            && self.applying <= self.committed
            && self.committed <= last
            && self.unstable.offset <= self.unstable.offset_in_progress
            && self.unstable.offset_in_progress
                <= self.unstable.offset + self.unstable.entries.len() as u64
            && self
                .unstable
                .entries
                .iter()
                .enumerate()
                .all(|(i, e)| e.index == self.unstable.offset + i as u64);
        // A restored snapshot raises `committed` before `applied` catches up.
        let restoring = self.unstable.snapshot.is_some()
            && self.applied <= self.committed
            && self.committed <= last;
        if !(ok || restoring) {
            panic!(
                "log invariants broken: first {first} last {last} applied {} applying {} \
                 committed {} unstable offset {} in progress {} len {}",
                self.applied,
                self.applying,
                self.committed,
                self.unstable.offset,
                self.unstable.offset_in_progress,
                self.unstable.entries.len()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::storage::MemStorage;
    use crate::raft::types::ENTRY_OVERHEAD;

    fn ent(index: Index, term: Term) -> Entry {
        Entry {
            index,
            term,
            ..Entry::default()
        }
    }

    fn log_with(terms: &[Term]) -> RaftLog<MemStorage> {
        let mut log = RaftLog::new(MemStorage::new(), u64::MAX);
        let ents: Vec<Entry> = terms
            .iter()
            .enumerate()
            .map(|(i, &t)| ent(i as u64 + 1, t))
            .collect();
        log.append(&ents);
        log
    }

    #[test]
    fn find_conflict_reports_first_mismatch() {
        let log = log_with(&[1, 2, 3]);
        assert_eq!(log.find_conflict(&[ent(1, 1), ent(2, 2)]), 0);
        assert_eq!(log.find_conflict(&[ent(2, 2), ent(3, 3), ent(4, 4)]), 4);
        assert_eq!(log.find_conflict(&[ent(2, 1), ent(3, 4)]), 2);
    }

    #[test]
    fn find_conflict_by_term_skips_a_whole_term() {
        let log = log_with(&[1, 1, 4, 4, 4, 5, 5]);
        assert_eq!(log.find_conflict_by_term(7, 3), (2, 1));
        assert_eq!(log.find_conflict_by_term(7, 4), (5, 4));
        assert_eq!(log.find_conflict_by_term(10, 9), (7, 5));
        assert_eq!(log.find_conflict_by_term(3, 0), (0, 0));
    }

    #[test]
    fn maybe_append_truncates_and_commits_within_new_entries() {
        let mut log = log_with(&[1, 2, 3]);
        assert_eq!(
            log.maybe_append(EntryId { index: 1, term: 9 }, 3, &[]),
            Ok(None)
        );
        let got = log.maybe_append(EntryId { index: 1, term: 1 }, 10, &[ent(2, 4)]);
        assert_eq!(got, Ok(Some(2)));
        assert_eq!(log.last_index(), 2);
        assert_eq!(log.committed, 2);
        assert!(log
            .maybe_append(EntryId { index: 0, term: 0 }, 0, &[ent(1, 7)])
            .is_err());
        assert_eq!(log.term(1), Ok(1), "refused append changes nothing");
    }

    #[test]
    fn slice_spans_storage_and_unstable_with_size_cap() {
        let mut store = MemStorage::new();
        store.append(&[ent(1, 1), ent(2, 1)]).unwrap();
        let mut log = RaftLog::new(store, u64::MAX);
        log.append(&[ent(3, 2), ent(4, 2)]);
        assert_eq!(log.slice(1, 5, None).unwrap().len(), 4);
        let one = crate::raft::types::ENTRY_OVERHEAD;
        assert_eq!(log.slice(1, 5, Some(3 * one)).unwrap().len(), 3);
        assert_eq!(log.slice(1, 5, Some(0)).unwrap().len(), 1);
        assert_eq!(log.slice(3, 5, Some(0)).unwrap().len(), 1);
        assert_eq!(log.slice(0, 2, None), Err(StorageError::Compacted));
    }

    /// One step of the property test: append at a position, persist, or commit.
    #[derive(Clone, Debug)]
    enum Op {
        /// Append `n` entries of `term` after keeping `keep` of the uncommitted tail.
        Append {
            keep: u64,
            n: u64,
            term: Term,
        },
        /// The runtime persists everything handed out so far.
        Persist,
        Commit(u64),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            (0u64..6, 1u64..5, 0u64..3).prop_map(|(keep, n, t)| Op::Append { keep, n, term: t }),
            Just(Op::Persist),
            (0u64..10).prop_map(Op::Commit),
        ]
    }

    proptest::proptest! {
        /// Against a plain vector of terms: whatever mix of appends (truncating the
        /// uncommitted tail), persisting and committing, the log reads back the same
        /// entries across its stable and unstable parts, in any window and size cap.
        #[test]
        fn log_matches_a_vector_model(ops in proptest::collection::vec(op(), 1..40)) {
            let mut log = RaftLog::new(MemStorage::new(), u64::MAX);
            let mut model: Vec<Term> = Vec::new();
            let mut term = 1;
            for o in ops {
                match o {
                    Op::Append { keep, n, term: bump } => {
                        term += bump;
                        let committed = log.committed;
                        let start = (committed + keep).min(model.len() as u64);
                        model.truncate(start as usize);
                        let ents: Vec<Entry> =
                            (0..n).map(|i| ent(start + 1 + i, term)).collect();
                        model.extend(std::iter::repeat_n(term, n as usize));
                        log.append(&ents);
                    }
                    Op::Persist => {
                        let ents = log.unstable.next_entries().to_vec();
                        log.unstable.accept_in_progress();
                        log.store.append(&ents).unwrap();
                        if let Some(last) = ents.last() {
                            log.stable_to(last.id());
                        }
                    }
                    Op::Commit(d) => {
                        let to = (log.committed + d).min(log.last_index());
                        log.commit_to(to);
                    }
                }
                log.check_invariants();
                let last = model.len() as u64;
                proptest::prop_assert_eq!(log.last_index(), last);
                for lo in 1..=last {
                    let cap = (lo % 3) * ENTRY_OVERHEAD;
                    let got = log.slice(lo, last + 1, Some(cap)).unwrap();
                    proptest::prop_assert!(!got.is_empty());
                    for e in &got {
                        proptest::prop_assert_eq!(e.term, model[e.index as usize - 1]);
                    }
                    proptest::prop_assert_eq!(got[0].index, lo);
                }
            }
        }
    }
}
