//! `WriteBatch`: one redb write transaction, the durable part of one Ready, and the only
//! way the store writes. Owns the checks that keep the log well formed (contiguous,
//! no gaps, compaction only of applied entries, snapshots only forward) and the commit,
//! which updates the caches only once redb's commit returned Ok.

use std::sync::MutexGuard;

use redb::{Durability, WriteTransaction};

use super::cache::{CacheOp, Staged};
use super::schema::{key, to_json, StoredSnapshot};
use super::tables::Ctx;
use super::{Membership, RedbStorage};
use crate::raft::{Entry, EntryId, HardState, Index, SnapshotMeta};
use crate::storage::codec;
use crate::storage::error::{Error, Result};

/// One redb write transaction: the durable part of one Ready.
///
/// Nothing written here is visible to readers of the store, or counted in its cached
/// first/last index and hard state, until `commit` returns Ok. Dropping the batch
/// without committing discards it.
pub struct WriteBatch<'a> {
    store: &'a RedbStorage,
    _writer: MutexGuard<'a, ()>,
    txn: WriteTransaction,
    staged: Staged,
    ops: Vec<CacheOp>,
    buf: Vec<u8>,
}

impl RedbStorage {
    /// Starts the write batch of one Ready: everything written through it becomes durable
    /// together, with one fsync, when `commit` returns.
    pub fn begin_write(&self) -> Result<WriteBatch<'_>> {
        self.refuse_if_read_only()?;
        let path = &self.inner.path;
        let writer = self.inner.writer.lock().map_err(|_| Error::Poisoned {
            path: path.clone(),
            cause: "a thread panicked while writing".into(),
        })?;
        if let Some(cause) = self.inner.poisoned.get() {
            return Err(Error::Poisoned {
                path: path.clone(),
                cause: cause.clone(),
            });
        }
        let txn = Ctx::writing(path, &self.inner.poisoned).begin_write(&self.inner.db)?;
        let staged = self.cached().staged();
        Ok(WriteBatch {
            store: self,
            _writer: writer,
            txn,
            staged,
            ops: Vec::new(),
            buf: Vec::new(),
        })
    }

    /// Discards entries up to and including `index` in a batch of its own.
    pub fn compact(&self, index: Index) -> Result<()> {
        let mut w = self.begin_write()?;
        w.compact(index)?;
        w.commit()
    }
}

impl<'a> WriteBatch<'a> {
    /// Not tied to `&self`, so that tables can be open while `self.buf` is written.
    fn ctx(&self) -> Ctx<'a> {
        Ctx::writing(&self.store.inner.path, &self.store.inner.poisoned)
    }

    /// The transaction, for the KV to write its tables in the same commit.
    pub fn txn(&self) -> &WriteTransaction {
        &self.txn
    }

    /// Commits this batch without an fsync (`durable = false`). Only for batches that
    /// carry nothing Raft needs on disk: no entries, no term or vote, no snapshot, no
    /// membership, only a higher commit index and the state machine applied up to it.
    /// A crash may lose such a batch (redb then holds the last durable commit, whole);
    /// the node restarts with a lower commit and applied index and applies the entries
    /// again from the durable log. The next durable commit makes it durable too.
    pub fn set_durable(&mut self, durable: bool) -> Result<()> {
        let durability = if durable {
            Durability::Immediate
        } else {
            Durability::None
        };
        self.ctx().set_durability(&mut self.txn, durability)
    }

    fn put_meta(&self, k: &str, v: &[u8]) -> Result<()> {
        self.ctx().write_meta(&self.txn)?.put(k, v)
    }

    /// Appends entries, replacing any conflicting suffix of the log. Entries at or below
    /// the compacted position are skipped; a gap after the last index is refused.
    pub fn append(&mut self, entries: &[Entry]) -> Result<()> {
        for pair in entries.windows(2) {
            if pair[1].index != pair[0].index + 1 {
                return Err(Error::NotContiguous {
                    previous: pair[0].index,
                    found: pair[1].index,
                });
            }
        }
        let Some(first_new) = entries.first().map(|e| e.index) else {
            return Ok(());
        };
        let skip = (self.staged.log_start.index + 1).saturating_sub(first_new);
        let Some(entries) = entries.get(skip as usize..).filter(|e| !e.is_empty()) else {
            return Ok(());
        };
        let start = entries[0].index;
        let new_last = start + entries.len() as u64 - 1;
        let old_last = self.staged.last_index;
        if start > old_last + 1 {
            return Err(Error::LogGap {
                index: start,
                last_index: old_last,
            });
        }
        {
            let mut log = self.ctx().write_log(&self.txn)?;
            log.remove_all(new_last + 1..=old_last, "truncate the log")?;
            for e in entries {
                log.put(&mut self.buf, e)?;
            }
        }
        self.staged.last_index = new_last;
        self.ops.push(CacheOp::Append(entries.to_vec()));
        Ok(())
    }

    pub fn set_hard_state(&mut self, hs: &HardState) -> Result<()> {
        self.put_meta(key::HARD_STATE, &codec::encode_hard_state(hs))?;
        self.staged.hard_state = *hs;
        Ok(())
    }

    /// Records the index the state machine has applied (the KV's changes for it are in
    /// this same transaction).
    pub fn set_applied(&mut self, applied: Index) -> Result<()> {
        self.put_meta(key::APPLIED, &applied.to_le_bytes())?;
        self.staged.applied = applied;
        Ok(())
    }

    /// Records the membership as of the applied index.
    pub fn set_membership(&mut self, membership: &Membership) -> Result<()> {
        self.put_meta(key::MEMBERSHIP, &to_json(membership))?;
        self.staged.membership = Some(membership.clone());
        Ok(())
    }

    /// Replaces the log and state with a snapshot: the log becomes empty after
    /// `meta.index`, applied becomes `meta.index`, the membership becomes the snapshot's,
    /// commit and term are raised to the snapshot's if lower. The KV restores its tables
    /// in this same transaction.
    pub fn install_snapshot(&mut self, meta: &SnapshotMeta, membership: &Membership) -> Result<()> {
        if meta.index < self.staged.snapshot_index {
            return Err(Error::SnapshotOutOfDate {
                requested: meta.index,
                held: self.staged.snapshot_index,
            });
        }
        self.ctx().clear_log(&self.txn)?;
        let start = EntryId {
            index: meta.index,
            term: meta.term,
        };
        let record = StoredSnapshot {
            meta: meta.clone(),
            membership: membership.clone(),
        };
        let mut hs = self.staged.hard_state;
        hs.commit = hs.commit.max(meta.index);
        if hs.term < meta.term {
            hs.term = meta.term;
            hs.vote = None;
        }
        self.put_meta(key::LOG_START, &codec::encode_entry_id(start))?;
        self.put_meta(key::SNAPSHOT, &to_json(&record))?;
        self.set_membership(membership)?;
        self.set_applied(meta.index)?;
        self.set_hard_state(&hs)?;
        self.staged.log_start = start;
        self.staged.last_index = meta.index;
        self.staged.snapshot_index = meta.index;
        self.staged.snapshot = Some(record);
        self.ops.push(CacheOp::Reset);
        Ok(())
    }

    /// Records a snapshot taken of this node's own state machine at `meta.index`
    /// (which must be applied), without touching the log; `compact` then trims it.
    pub fn set_snapshot(&mut self, meta: &SnapshotMeta, membership: &Membership) -> Result<()> {
        if meta.index < self.staged.snapshot_index {
            return Err(Error::SnapshotOutOfDate {
                requested: meta.index,
                held: self.staged.snapshot_index,
            });
        }
        if meta.index > self.staged.applied {
            return Err(Error::Unavailable {
                index: meta.index,
                last_index: self.staged.applied,
            });
        }
        let record = StoredSnapshot {
            meta: meta.clone(),
            membership: membership.clone(),
        };
        self.put_meta(key::SNAPSHOT, &to_json(&record))?;
        self.staged.snapshot_index = meta.index;
        self.staged.snapshot = Some(record);
        Ok(())
    }

    /// Deletes entries up to and including `index`, keeping its term as the log's
    /// starting point. Already compacted: nothing to do. Refused past the last or the
    /// applied index.
    pub fn compact(&mut self, index: Index) -> Result<()> {
        let start = self.staged.log_start;
        if index <= start.index {
            return Ok(());
        }
        if index > self.staged.last_index {
            return Err(Error::CompactPastLast {
                index,
                last_index: self.staged.last_index,
            });
        }
        if index > self.staged.applied {
            return Err(Error::CompactPastApplied {
                index,
                applied: self.staged.applied,
            });
        }
        let ctx = self.ctx();
        let term = {
            let mut log = ctx.write_log(&self.txn)?;
            let term = log.term(index)?.ok_or_else(|| {
                ctx.corrupt(format!(
                    "log entry {index} is missing although the log runs from {} to {}",
                    start.index + 1,
                    self.staged.last_index
                ))
            })?;
            log.remove_all(start.index + 1..=index, "compact the log")?;
            term
        };
        let new_start = EntryId { index, term };
        self.put_meta(key::LOG_START, &codec::encode_entry_id(new_start))?;
        self.staged.log_start = new_start;
        self.ops.push(CacheOp::Compact(new_start));
        Ok(())
    }

    /// Makes the batch durable (one fsync) and then updates the caches. A failed commit
    /// may still have reached the disk, so the store refuses further writes after one
    /// (see the `storage` module's header on I/O errors).
    pub fn commit(self) -> Result<()> {
        let ctx = self.ctx();
        // Readers wait out the fsync, so that none of them combines entries read from
        // the database after this commit with cached ones from before it.
        let mut c = self.store.cached_mut();
        ctx.commit(self.txn, "commit")?;
        c.apply(self.staged, self.ops);
        Ok(())
    }
}
