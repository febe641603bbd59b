//! The core's view of durable state: the `Storage` trait, and `MemStorage` for tests.
//!
//! The core only reads through `Storage`. Writing (appending the entries of a Ready,
//! saving hard state, installing a snapshot, compacting) is the runtime's job, done
//! on the concrete type before `RawNode::advance`.

use super::types::{ConfState, Entry, HardState, Index, Snapshot, SnapshotMeta, Term};

/// Errors a storage may return to the core. `Compacted` and `Unavailable` are ordinary
/// answers the core handles (for example by sending a snapshot); `Other` is fatal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("index is compacted: the log now starts after it")]
    Compacted,
    #[error("index is past the last entry")]
    Unavailable,
    #[error("snapshot is being built; try again later")]
    SnapshotTemporarilyUnavailable,
    #[error("snapshot at index {requested} is older than the one already held ({held})")]
    SnapshotOutOfDate { requested: Index, held: Index },
    #[error("storage failed: {0}")]
    Other(String),
}

/// What a node restarts with: its hard state and the membership it last applied or
/// received by snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RaftState {
    pub hard_state: HardState,
    pub conf_state: ConfState,
}

/// Read access to the stable part of the log.
///
/// Invariants an implementation keeps: entries are contiguous from `first_index()` to
/// `last_index()`; `term(first_index() - 1)` is answerable (the term of the last
/// compacted entry, or of the snapshot); `first_index() == last_index() + 1` means the
/// log holds no entries.
pub trait Storage {
    /// Hard state and membership at start-up.
    fn initial_state(&self) -> Result<RaftState, StorageError>;

    /// Entries in `[lo, hi)`, at least one if the range is not empty, then as many as fit
    /// in `max_size` bytes (as counted by `Entry::size`). `None` means no limit.
    fn entries(
        &self,
        lo: Index,
        hi: Index,
        max_size: Option<u64>,
    ) -> Result<Vec<Entry>, StorageError>;

    /// The term of the entry at `index`, for `first_index() - 1 <= index <= last_index()`.
    fn term(&self, index: Index) -> Result<Term, StorageError>;

    /// The index of the first entry still held (snapshot index + 1).
    fn first_index(&self) -> Result<Index, StorageError>;

    /// The index of the last entry held (the snapshot index when the log is empty).
    fn last_index(&self) -> Result<Index, StorageError>;

    /// The latest snapshot, at index >= `request_index` if the storage can provide one.
    fn snapshot(&self, request_index: Index) -> Result<Snapshot, StorageError>;
}

/// Shared helper for implementations: trims `entries` to at least one entry and then at
/// most `max_size` bytes.
pub fn limit_size(entries: &mut Vec<Entry>, max_size: Option<u64>) {
    let Some(max) = max_size else { return };
    let mut size = 0u64;
    let keep = entries
        .iter()
        .take_while(|e| {
            size += e.size();
            size <= max
        })
        .count()
        .max(1);
    entries.truncate(keep);
}

/// An in-memory `Storage` for tests and the simulation: the log as a vector whose first
/// element is a dummy entry standing for the snapshot position.
#[derive(Clone, Debug)]
pub struct MemStorage {
    hard_state: HardState,
    snapshot: Snapshot,
    /// `entries[0]` is the dummy at the snapshot position (index and term of the last
    /// compacted entry); real entries follow contiguously.
    entries: Vec<Entry>,
}

impl Default for MemStorage {
    fn default() -> Self {
        MemStorage {
            hard_state: HardState::default(),
            snapshot: Snapshot::default(),
            entries: vec![Entry::default()],
        }
    }
}

impl MemStorage {
    pub fn new() -> MemStorage {
        MemStorage::default()
    }

    /// A fresh storage whose membership is `voters`, as a bootstrapped node has.
    pub fn new_with_conf_state(conf_state: ConfState) -> MemStorage {
        let mut s = MemStorage::default();
        s.snapshot.meta.conf_state = conf_state;
        s
    }

    pub fn hard_state(&self) -> HardState {
        self.hard_state
    }

    pub fn set_hard_state(&mut self, hs: HardState) {
        self.hard_state = hs;
    }

    /// Sets the membership the node restarts with (normally changed by applying conf
    /// changes; the runtime persists it with the applied index).
    pub fn set_conf_state(&mut self, cs: ConfState) {
        self.snapshot.meta.conf_state = cs;
    }

    fn offset(&self) -> Index {
        self.entries[0].index
    }

    fn last(&self) -> Index {
        self.offset() + self.entries.len() as u64 - 1
    }

    /// Appends entries, replacing any conflicting suffix. Entries below the first index
    /// are ignored; a gap after the last index is an error.
    pub fn append(&mut self, ents: &[Entry]) -> Result<(), StorageError> {
        let Some(first_new) = ents.first().map(|e| e.index) else {
            return Ok(());
        };
        let first = self.offset() + 1;
        let last_new = first_new + ents.len() as u64 - 1;
        if last_new < first {
            return Ok(());
        }
        let ents = if first_new < first {
            &ents[(first - first_new) as usize..]
        } else {
            ents
        };
        let start = ents[0].index;
        if start > self.last() + 1 {
            return Err(StorageError::Other(format!(
                "append at {start} leaves a gap after last index {}",
                self.last()
            )));
        }
        let keep = (start - self.offset()) as usize;
        self.entries.truncate(keep);
        self.entries.extend_from_slice(ents);
        Ok(())
    }

    /// Replaces the whole state with a snapshot.
    pub fn apply_snapshot(&mut self, snapshot: Snapshot) -> Result<(), StorageError> {
        let held = self.snapshot.meta.index;
        let idx = snapshot.meta.index;
        if idx < held {
            return Err(StorageError::SnapshotOutOfDate {
                requested: idx,
                held,
            });
        }
        self.entries = vec![Entry {
            term: snapshot.meta.term,
            index: idx,
            ..Entry::default()
        }];
        if self.hard_state.commit < idx {
            self.hard_state.commit = idx;
        }
        if self.hard_state.term < snapshot.meta.term {
            self.hard_state.term = snapshot.meta.term;
            self.hard_state.vote = None;
        }
        self.snapshot = snapshot;
        Ok(())
    }

    /// Records a snapshot of the state machine at `index` (which must be held in the log)
    /// without compacting; `compact` then discards the entries it covers.
    pub fn create_snapshot(
        &mut self,
        index: Index,
        conf_state: ConfState,
        data: bytes::Bytes,
    ) -> Result<Snapshot, StorageError> {
        if index <= self.snapshot.meta.index {
            return Err(StorageError::SnapshotOutOfDate {
                requested: index,
                held: self.snapshot.meta.index,
            });
        }
        if index > self.last() {
            return Err(StorageError::Unavailable);
        }
        let term = self.entries[(index - self.offset()) as usize].term;
        self.snapshot = Snapshot {
            meta: SnapshotMeta {
                index,
                term,
                conf_state,
            },
            data,
        };
        Ok(self.snapshot.clone())
    }

    /// Discards entries up to and including `compact_index`, keeping its term.
    pub fn compact(&mut self, compact_index: Index) -> Result<(), StorageError> {
        if compact_index <= self.offset() {
            return Err(StorageError::Compacted);
        }
        if compact_index > self.last() {
            return Err(StorageError::Unavailable);
        }
        let drop = (compact_index - self.offset()) as usize;
        let dummy = Entry {
            term: self.entries[drop].term,
            index: compact_index,
            ..Entry::default()
        };
        self.entries.drain(..drop);
        self.entries[0] = dummy;
        Ok(())
    }
}

impl Storage for MemStorage {
    fn initial_state(&self) -> Result<RaftState, StorageError> {
        Ok(RaftState {
            hard_state: self.hard_state,
            conf_state: self.snapshot.meta.conf_state.clone(),
        })
    }

    fn entries(
        &self,
        lo: Index,
        hi: Index,
        max_size: Option<u64>,
    ) -> Result<Vec<Entry>, StorageError> {
        if lo <= self.offset() {
            return Err(StorageError::Compacted);
        }
        if hi > self.last() + 1 {
            return Err(StorageError::Unavailable);
        }
        if lo >= hi {
            return Ok(Vec::new());
        }
        let off = self.offset();
        let mut out = self.entries[(lo - off) as usize..(hi - off) as usize].to_vec();
        limit_size(&mut out, max_size);
        Ok(out)
    }

    fn term(&self, index: Index) -> Result<Term, StorageError> {
        if index < self.offset() {
            return Err(StorageError::Compacted);
        }
        if index > self.last() {
            return Err(StorageError::Unavailable);
        }
        Ok(self.entries[(index - self.offset()) as usize].term)
    }

    fn first_index(&self) -> Result<Index, StorageError> {
        Ok(self.offset() + 1)
    }

    fn last_index(&self) -> Result<Index, StorageError> {
        Ok(self.last())
    }

    fn snapshot(&self, _request_index: Index) -> Result<Snapshot, StorageError> {
        Ok(self.snapshot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::types::EntryType;

    fn ent(index: Index, term: Term) -> Entry {
        Entry {
            term,
            index,
            entry_type: EntryType::Normal,
            data: bytes::Bytes::new(),
        }
    }

    #[test]
    fn append_truncates_conflicting_suffix() {
        let mut s = MemStorage::new();
        s.append(&[ent(1, 1), ent(2, 1), ent(3, 1)]).unwrap();
        s.append(&[ent(2, 2)]).unwrap();
        assert_eq!(s.last_index().unwrap(), 2);
        assert_eq!(s.term(2).unwrap(), 2);
        assert!(s.append(&[ent(5, 2)]).is_err(), "a gap is refused");
    }

    #[test]
    fn compact_keeps_term_of_last_compacted_entry() {
        let mut s = MemStorage::new();
        s.append(&[ent(1, 1), ent(2, 2), ent(3, 3)]).unwrap();
        s.compact(2).unwrap();
        assert_eq!(s.first_index().unwrap(), 3);
        assert_eq!(s.term(2).unwrap(), 2);
        assert_eq!(s.entries(1, 3, None), Err(StorageError::Compacted));
        assert_eq!(s.entries(3, 4, None).unwrap(), vec![ent(3, 3)]);
    }

    #[test]
    fn entries_respect_size_but_return_at_least_one() {
        let mut s = MemStorage::new();
        s.append(&[ent(1, 1), ent(2, 1), ent(3, 1)]).unwrap();
        assert_eq!(s.entries(1, 4, Some(0)).unwrap().len(), 1);
        assert_eq!(
            s.entries(1, 4, Some(2 * crate::raft::types::ENTRY_OVERHEAD))
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn apply_snapshot_resets_log() {
        let mut s = MemStorage::new();
        s.append(&[ent(1, 1), ent(2, 1)]).unwrap();
        let snap = Snapshot {
            meta: SnapshotMeta {
                index: 10,
                term: 4,
                conf_state: ConfState {
                    voters: vec![1, 2, 3],
                    learners: vec![],
                },
            },
            data: bytes::Bytes::new(),
        };
        s.apply_snapshot(snap).unwrap();
        assert_eq!(s.first_index().unwrap(), 11);
        assert_eq!(s.last_index().unwrap(), 10);
        assert_eq!(s.term(10).unwrap(), 4);
        assert_eq!(s.hard_state().commit, 10);
    }
}
