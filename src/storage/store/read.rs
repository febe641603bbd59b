//! Reads: the `raft::Storage` implementation the core calls (served from the caches,
//! falling back to the database for entries older than the recent window), and the
//! database reads the KV and the offline tools make (`begin_read`, `applied_state`,
//! `scan_log`, `stored_entry_count`). Nothing here writes.

use std::ops::ControlFlow;

use redb::ReadTransaction;

use super::schema::key;
use super::tables::Ctx;
use super::{AppliedState, RedbStorage};
use crate::raft::{Entry, Index, RaftState, Snapshot, Storage, StorageError, Term};
use crate::storage::error::{Error, Result};

impl RedbStorage {
    fn ctx(&self) -> Ctx<'_> {
        Ctx::new(&self.inner.path)
    }

    /// A consistent read view of the whole database (the KV reads its tables with it).
    pub fn begin_read(&self) -> Result<ReadTransaction> {
        self.ctx().begin_read(&self.inner.db)
    }

    /// Visits stored entries with `from <= index <= to` straight from the database, in
    /// index order, including ones that fail to decode (for `wal dump` and `wal verify`).
    /// The visitor gets the index, the stored value's size and the decoded entry.
    pub fn scan_log(
        &self,
        from: Index,
        to: Option<Index>,
        mut visit: impl FnMut(Index, usize, std::result::Result<Entry, String>) -> ControlFlow<()>,
    ) -> Result<()> {
        let to = to.unwrap_or(u64::MAX);
        if from > to {
            return Ok(());
        }
        let txn = self.begin_read()?;
        let log = self.ctx().read_log(&txn)?;
        for record in log.range(from..=to)? {
            let record = record?;
            if visit(record.index(), record.data_len(), record.decode()).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The number of entries stored in the log table.
    pub fn stored_entry_count(&self) -> Result<u64> {
        let txn = self.begin_read()?;
        self.ctx().read_log(&txn)?.count()
    }

    /// The applied index, its term and the membership as of it, read from `txn` itself
    /// rather than from the caches, so that they match the KV tables the same read
    /// transaction shows: a snapshot built from one `txn` is consistent even while the
    /// node keeps committing.
    pub fn applied_state(&self, txn: &ReadTransaction) -> Result<AppliedState> {
        let ctx = self.ctx();
        let meta = ctx.read_meta(txn)?;
        let applied = meta.u64(key::APPLIED)?;
        let log_start = meta.log_start()?;
        let membership = meta.membership()?;
        let applied_term = if applied == 0 {
            0
        } else if applied == log_start.index {
            log_start.term
        } else {
            ctx.read_log(txn)?.term(applied)?.ok_or_else(|| {
                ctx.corrupt(format!(
                    "the applied index {applied} has no log entry (the log starts after index {})",
                    log_start.index
                ))
            })?
        };
        Ok(AppliedState {
            applied,
            applied_term,
            membership,
        })
    }

    fn read_term_from_db(&self, index: Index) -> Result<Option<Term>> {
        let txn = self.begin_read()?;
        self.ctx().read_log(&txn)?.term(index)
    }

    /// Reads `[lo, hi)` from the database into `out`, stopping at the size limit.
    /// Returns false once the limit stopped it.
    fn read_entries_from_db(
        &self,
        lo: Index,
        hi: Index,
        limit: &mut SizeLimit,
        out: &mut Vec<Entry>,
        first_index: Index,
    ) -> Result<bool> {
        let txn = self.begin_read()?;
        let log = self.ctx().read_log(&txn)?;
        let mut expected = lo;
        for record in log.range(lo..hi)? {
            let record = record?;
            if record.index() != expected {
                // Compacted between the bounds check and this read.
                return Err(Error::Compacted {
                    index: expected,
                    first_index,
                });
            }
            let e = record.entry()?;
            if !limit.admit(&e, out.is_empty()) {
                return Ok(false);
            }
            out.push(e);
            expected += 1;
        }
        if expected != hi {
            return Err(Error::Compacted {
                index: expected,
                first_index,
            });
        }
        Ok(true)
    }
}

/// The `max_size` of one `entries` call: at least one entry, then while they fit.
struct SizeLimit {
    max: Option<u64>,
    used: u64,
}

impl SizeLimit {
    fn admit(&mut self, e: &Entry, first: bool) -> bool {
        let Some(max) = self.max else { return true };
        let size = self.used + e.size();
        if first || size <= max {
            self.used = size;
            true
        } else {
            false
        }
    }
}

impl Storage for RedbStorage {
    fn initial_state(&self) -> std::result::Result<RaftState, StorageError> {
        let c = self.cached();
        Ok(RaftState {
            hard_state: c.hard_state,
            conf_state: c.membership.conf_state(),
        })
    }

    fn entries(
        &self,
        lo: Index,
        hi: Index,
        max_size: Option<u64>,
    ) -> std::result::Result<Vec<Entry>, StorageError> {
        let c = self.cached();
        let first_index = c.log_start.index + 1;
        if lo < first_index {
            return Err(StorageError::Compacted);
        }
        if hi > c.last_index + 1 {
            return Err(StorageError::Unavailable);
        }
        let mut out = Vec::new();
        if lo >= hi {
            return Ok(out);
        }
        let mut limit = SizeLimit {
            max: max_size,
            used: 0,
        };
        let recent_first = c.recent_first();
        if lo < recent_first {
            let more = self.read_entries_from_db(
                lo,
                hi.min(recent_first),
                &mut limit,
                &mut out,
                first_index,
            )?;
            if !more {
                return Ok(out);
            }
        }
        for index in lo.max(recent_first)..hi {
            let Some(e) = c.recent_get(index) else {
                // The cache holds every index from recent_first to last_index; if that
                // ever breaks, fail this read rather than the node.
                return Err(StorageError::Other(format!(
                    "entry cache of {} lacks index {index} (cache {recent_first}..={:?}, last index {})",
                    self.inner.path.display(),
                    c.recent.back().map(|e| e.index),
                    c.last_index
                )));
            };
            if !limit.admit(e, out.is_empty()) {
                break;
            }
            out.push(e.clone());
        }
        Ok(out)
    }

    fn term(&self, index: Index) -> std::result::Result<Term, StorageError> {
        let c = self.cached();
        if index == c.log_start.index {
            return Ok(c.log_start.term);
        }
        if index < c.log_start.index {
            return Err(StorageError::Compacted);
        }
        if index > c.last_index {
            return Err(StorageError::Unavailable);
        }
        if let Some(e) = c.recent_get(index) {
            return Ok(e.term);
        }
        match self.read_term_from_db(index)? {
            Some(term) => Ok(term),
            None => Err(StorageError::Compacted),
        }
    }

    fn first_index(&self) -> std::result::Result<Index, StorageError> {
        Ok(RedbStorage::first_index(self))
    }

    fn last_index(&self) -> std::result::Result<Index, StorageError> {
        Ok(RedbStorage::last_index(self))
    }

    fn snapshot(&self, request_index: Index) -> std::result::Result<Snapshot, StorageError> {
        let c = self.cached();
        if c.snapshot.meta.index < request_index {
            return Err(StorageError::SnapshotTemporarilyUnavailable);
        }
        Ok(Snapshot {
            meta: c.snapshot.meta.clone(),
            data: bytes::Bytes::new(),
        })
    }
}
