//! The in-memory view of what is durable: hard state, applied index, membership,
//! snapshot record, log bounds and a bounded window of recent entries.
//!
//! Owns the window's invariants (a contiguous suffix of the log ending at `last_index`,
//! within [`CACHE_MAX_ENTRIES`] and [`CACHE_MAX_BYTES`]) and how a committed batch changes
//! the view ([`Cached::apply`]). It never touches the database: `open` fills it, and
//! `WriteBatch::commit` changes it only after redb's commit returned Ok, so readers never
//! see what is not durable.

use std::collections::VecDeque;

use super::tables::Log;
use super::{Membership, StoredSnapshot};
use crate::raft::{Entry, EntryId, HardState, Index};
use crate::storage::error::Result;

/// Recent entries kept in memory to serve replication: at most this many...
pub(super) const CACHE_MAX_ENTRIES: usize = 8192;
/// ...and at most this many bytes (as counted by `Entry::size`).
pub(super) const CACHE_MAX_BYTES: u64 = 64 << 20;

/// The cached view of what is durable. Changed only after a commit succeeded.
#[derive(Clone, Debug)]
pub(super) struct Cached {
    pub(super) hard_state: HardState,
    pub(super) applied: Index,
    pub(super) membership: Membership,
    pub(super) snapshot: StoredSnapshot,
    /// The last compacted position: the log holds `log_start.index + 1 ..= last_index`.
    pub(super) log_start: EntryId,
    pub(super) last_index: Index,
    /// A contiguous suffix of the log ending at `last_index` (or empty).
    pub(super) recent: VecDeque<Entry>,
    pub(super) recent_bytes: u64,
}

/// What a batch has changed so far, for the checks of later calls in the same batch and
/// for the cache update after commit.
pub(super) struct Staged {
    pub(super) hard_state: HardState,
    pub(super) applied: Index,
    pub(super) snapshot_index: Index,
    pub(super) log_start: EntryId,
    pub(super) last_index: Index,
    pub(super) membership: Option<Membership>,
    pub(super) snapshot: Option<StoredSnapshot>,
}

/// A change a batch made to the log, replayed on the recent-entry window after commit.
pub(super) enum CacheOp {
    Append(Vec<Entry>),
    Compact(EntryId),
    Reset,
}

impl Cached {
    /// The view of a data dir `create` has just made: nothing logged, nothing applied.
    pub(super) fn new(membership: Membership) -> Cached {
        Cached {
            hard_state: HardState::default(),
            applied: 0,
            membership,
            snapshot: StoredSnapshot::default(),
            log_start: EntryId::default(),
            last_index: 0,
            recent: VecDeque::new(),
            recent_bytes: 0,
        }
    }

    /// What a new batch starts from.
    pub(super) fn staged(&self) -> Staged {
        Staged {
            hard_state: self.hard_state,
            applied: self.applied,
            snapshot_index: self.snapshot.meta.index,
            log_start: self.log_start,
            last_index: self.last_index,
            membership: None,
            snapshot: None,
        }
    }

    /// Takes in a batch that has just been committed.
    pub(super) fn apply(&mut self, staged: Staged, ops: Vec<CacheOp>) {
        self.hard_state = staged.hard_state;
        self.applied = staged.applied;
        self.last_index = staged.last_index;
        self.log_start = staged.log_start;
        if let Some(m) = staged.membership {
            self.membership = m;
        }
        if let Some(s) = staged.snapshot {
            self.snapshot = s;
        }
        for op in ops {
            match op {
                CacheOp::Append(entries) => self.push_recent(&entries),
                CacheOp::Compact(start) => self.drop_recent_through(start.index),
                CacheOp::Reset => {
                    self.recent.clear();
                    self.recent_bytes = 0;
                }
            }
        }
    }

    /// The first index the window holds (`last_index + 1` when it is empty).
    pub(super) fn recent_first(&self) -> Index {
        self.recent.front().map_or(self.last_index + 1, |e| e.index)
    }

    pub(super) fn recent_get(&self, index: Index) -> Option<&Entry> {
        let first = self.recent.front()?.index;
        index
            .checked_sub(first)
            .and_then(|offset| self.recent.get(offset as usize))
    }

    fn push_recent(&mut self, entries: &[Entry]) {
        let Some(start) = entries.first().map(|e| e.index) else {
            return;
        };
        // Drop what the new entries replace, then anything not contiguous with them.
        while self.recent.back().is_some_and(|e| e.index >= start) {
            let e = self.recent.pop_back().expect("back() was just Some");
            self.recent_bytes -= e.size();
        }
        if self.recent.back().is_some_and(|e| e.index + 1 != start) {
            self.recent.clear();
            self.recent_bytes = 0;
        }
        for e in entries {
            self.recent_bytes += e.size();
            self.recent.push_back(e.clone());
        }
        while self.recent.len() > CACHE_MAX_ENTRIES
            || (self.recent_bytes > CACHE_MAX_BYTES && self.recent.len() > 1)
        {
            let e = self.recent.pop_front().expect("len() > 1");
            self.recent_bytes -= e.size();
        }
    }

    fn drop_recent_through(&mut self, index: Index) {
        while self.recent.front().is_some_and(|e| e.index <= index) {
            let e = self.recent.pop_front().expect("front() was just Some");
            self.recent_bytes -= e.size();
        }
    }

    /// Loads the newest entries of `log` into the window, so a restarted leader serves
    /// followers from memory right away. Stops at a hole (left to the database path, and
    /// to `wal verify` to report).
    pub(super) fn fill_recent<T>(&mut self, log: &Log<'_, T>) -> Result<()>
    where
        T: redb::ReadableTable<u64, &'static [u8]>,
    {
        let mut newest = Vec::new();
        let mut bytes = 0u64;
        let mut expected = self.last_index;
        for record in log.range(self.log_start.index + 1..)?.rev() {
            let record = record?;
            if record.index() != expected {
                break;
            }
            let e = record.entry()?;
            bytes += e.size();
            newest.push(e);
            expected = expected.saturating_sub(1);
            if newest.len() >= CACHE_MAX_ENTRIES || bytes >= CACHE_MAX_BYTES {
                break;
            }
        }
        newest.reverse();
        self.push_recent(&newest);
        Ok(())
    }
}
