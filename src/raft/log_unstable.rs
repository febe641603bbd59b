//! The tail of the log not yet persisted: entries (and possibly an incoming snapshot)
//! that a Ready hands to the runtime and `advance` marks stable.
//!
//! Invariants: `entries[i].index == offset + i`; when `snapshot` is set, `offset ==
//! snapshot.index + 1`; `offset <= offset_in_progress <= offset + entries.len()`.
//! Entries below `offset_in_progress` were handed out in a Ready and are being written.

use super::types::{Entry, EntryId, Index, Snapshot, Term};

#[derive(Clone, Debug, Default)]
pub struct Unstable {
    /// An incoming snapshot not yet persisted.
    pub(crate) snapshot: Option<Snapshot>,
    /// Whether `snapshot` was handed out in a Ready.
    pub(crate) snapshot_in_progress: bool,
    pub(crate) entries: Vec<Entry>,
    /// The index of `entries[0]` (or where it would be).
    pub(crate) offset: Index,
    /// Entries before this index were handed out and await `stable_to`.
    pub(crate) offset_in_progress: Index,
}

impl Unstable {
    pub fn new(offset: Index) -> Unstable {
        Unstable {
            offset,
            offset_in_progress: offset,
            ..Unstable::default()
        }
    }

    /// The first index, if a snapshot determines it.
    pub fn maybe_first_index(&self) -> Option<Index> {
        self.snapshot.as_ref().map(|s| s.meta.index + 1)
    }

    /// The last index, if the unstable part determines it.
    pub fn maybe_last_index(&self) -> Option<Index> {
        if let Some(e) = self.entries.last() {
            return Some(e.index);
        }
        self.snapshot.as_ref().map(|s| s.meta.index)
    }

    pub fn maybe_term(&self, index: Index) -> Option<Term> {
        if index < self.offset {
            return self
                .snapshot
                .as_ref()
                .filter(|s| s.meta.index == index)
                .map(|s| s.meta.term);
        }
        self.entries
            .get((index - self.offset) as usize)
            .map(|e| e.term)
    }

    /// Entries not yet handed out.
    pub fn next_entries(&self) -> &[Entry] {
        let start = (self.offset_in_progress - self.offset) as usize;
        &self.entries[start..]
    }

    /// The snapshot, if not yet handed out.
    pub fn next_snapshot(&self) -> Option<&Snapshot> {
        self.snapshot
            .as_ref()
            .filter(|_| !self.snapshot_in_progress)
    }

    /// Marks everything current as handed out in a Ready.
    pub fn accept_in_progress(&mut self) {
        self.offset_in_progress = self.offset + self.entries.len() as u64;
        if self.snapshot.is_some() {
            self.snapshot_in_progress = true;
        }
    }

    /// Entries up to `id` are durable; drops them unless they were replaced meanwhile.
    pub fn stable_to(&mut self, id: EntryId) {
        if id.index < self.offset || self.maybe_term(id.index) != Some(id.term) {
            return;
        }
        let n = (id.index + 1 - self.offset) as usize;
        self.entries.drain(..n);
        self.offset = id.index + 1;
        self.offset_in_progress = self.offset_in_progress.max(self.offset);
    }

    pub fn stable_snap_to(&mut self, index: Index) {
        if self
            .snapshot
            .as_ref()
            .is_some_and(|s| s.meta.index == index)
        {
            self.snapshot = None;
            self.snapshot_in_progress = false;
        }
    }

    pub fn restore(&mut self, snapshot: Snapshot) {
        self.offset = snapshot.meta.index + 1;
        self.offset_in_progress = self.offset;
        self.entries.clear();
        self.snapshot = Some(snapshot);
        self.snapshot_in_progress = false;
    }

    /// Appends `ents` (contiguous, non-empty), replacing any suffix from `ents[0].index`.
    pub fn truncate_and_append(&mut self, ents: &[Entry]) {
        let Some(first) = ents.first() else { return };
        let from = first.index;
        let end = self.offset + self.entries.len() as u64;
        if from == end {
            self.entries.extend_from_slice(ents);
        } else if from <= self.offset {
            // Replaces everything unstable; the runtime truncates storage from `from`.
            self.offset = from;
            self.offset_in_progress = from;
            self.entries.clear();
            self.entries.extend_from_slice(ents);
        } else {
            self.entries.truncate((from - self.offset) as usize);
            self.entries.extend_from_slice(ents);
            self.offset_in_progress = self.offset_in_progress.min(from);
        }
    }

    /// Entries in `[lo, hi)`, which must lie within the unstable part.
    pub fn slice(&self, lo: Index, hi: Index) -> &[Entry] {
        let end = self.offset + self.entries.len() as u64;
        if lo > hi || lo < self.offset || hi > end {
            panic!(
                "unstable slice [{lo}, {hi}) out of bounds [{}, {end})",
                self.offset
            );
        }
        &self.entries[(lo - self.offset) as usize..(hi - self.offset) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(index: Index, term: Term) -> Entry {
        Entry {
            index,
            term,
            ..Entry::default()
        }
    }

    #[test]
    fn truncate_append_and_stable() {
        let mut u = Unstable::new(5);
        u.truncate_and_append(&[ent(5, 1), ent(6, 1), ent(7, 1)]);
        u.accept_in_progress();
        assert!(u.next_entries().is_empty());
        u.truncate_and_append(&[ent(6, 2)]);
        assert_eq!(u.offset_in_progress, 6);
        assert_eq!(u.next_entries(), &[ent(6, 2)]);
        // A stale stable report for the replaced entry is ignored.
        u.stable_to(EntryId { index: 7, term: 1 });
        assert_eq!(u.offset, 5);
        u.stable_to(EntryId { index: 5, term: 1 });
        assert_eq!(u.offset, 6);
        assert_eq!(u.maybe_last_index(), Some(6));
        u.truncate_and_append(&[ent(3, 3)]);
        assert_eq!((u.offset, u.entries.len()), (3, 1));
    }

    #[test]
    fn snapshot_sets_bounds() {
        let mut u = Unstable::new(1);
        let mut s = Snapshot::default();
        s.meta.index = 10;
        s.meta.term = 4;
        u.restore(s);
        assert_eq!(u.maybe_first_index(), Some(11));
        assert_eq!(u.maybe_last_index(), Some(10));
        assert_eq!(u.maybe_term(10), Some(4));
        assert!(u.next_snapshot().is_some());
        u.accept_in_progress();
        assert!(u.next_snapshot().is_none());
        u.stable_snap_to(10);
        assert!(u.snapshot.is_none());
    }
}
