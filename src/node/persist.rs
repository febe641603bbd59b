//! What a member makes durable, and when: the store, the apply buffer and the hard
//! state not yet saved, behind a few methods that keep their protocol.
//!
//! Three indexes are "applied" in a member, and they are named apart:
//! - the core's `applied`: entries handed out in Readies (`raft::RaftLog`);
//! - the **visible** index: applied into the [`ApplyBuffer`], where readers find the
//!   changes (`Waiters::visible`, published after each Ready);
//! - the **stored** index: applied into the database ([`RedbStorage::applied`]); after a
//!   crash the member applies again from the log everything beyond it.
//!
//! The protocol, which [`Txn`] enforces instead of the caller remembering it:
//! - every transaction records the latest hard state: keys taken along belong to entries
//!   the saved commit index must cover;
//! - keys written out of the buffer ([`Buffered::write_excess`]) are dropped from it only
//!   once the transaction holding them committed, and the whole buffer is emptied only
//!   after a commit that holds all of it (with the applied index that goes with it). Only
//!   [`Txn::commit`] settles the buffer: a failed commit leaves it whole.
//! - the database never holds a membership or a snapshot's state ahead of its applied
//!   index: a conf change or snapshot writes the whole buffer in the same transaction.
//!
//! `crash_sim.rs` checks these rules with seeds: random Readies, flushes, snapshots and
//! crashes (also in the middle of a transaction) over a disk that loses what was not
//! synced, then a recovery as the runtime does it, compared with what the log says.
//! `cluster_sim.rs` runs it where the runtime does: three members, each the real core
//! over the real store, on a faulty network, crashing anywhere.
//!
//! Chunks taken along are written without the applied index, so after a crash the
//! database may hold keys from entries beyond its stored applied index (never beyond the
//! saved commit index) until the entries after that index are applied again, which the
//! member's first Ready does before it serves anything.

use std::sync::RwLockWriteGuard;
use std::time::Instant;

use crate::kv::{self, ApplyBuffer, Buffered, Command, KvWriter};
use crate::metrics::Metrics;
use crate::raft::{Entry, EntryType, HardState, Index, NodeId, Ready, SnapshotMeta};
use crate::storage::{Membership, RedbStorage, WriteBatch};

use super::handle::WriteOutcome;
use super::start::Error;

/// Log entries deleted per Ready while a compaction is pending, at least; a Ready that
/// appends more deletes twice what it appends (see [`compaction_step`]).
const COMPACT_CHUNK: u64 = 64;

/// What applying committed entries produced, for answering the waiting requests.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// (request id, outcome) of the writes this member accepted.
    pub(crate) writes: Vec<(u64, WriteOutcome)>,
    /// The new visible index, if anything was applied.
    pub(crate) through: Option<Index>,
}

/// The store, the apply buffer and the hard state of one member (see the module docs).
pub(crate) struct Persister {
    store: RedbStorage,
    buffer: ApplyBuffer,
    /// The latest hard state when a Ready that wrote nothing moved it (only the commit
    /// index moves that way); the next transaction records it.
    unsaved_hard_state: Option<HardState>,
    /// The log is compacted up to here, a chunk per Ready, so that no single transaction
    /// stalls the loop deleting thousands of entries.
    compact_target: Index,
    /// This member's id: it answers (and looks keys up) only for its own proposals.
    origin: NodeId,
    metrics: Metrics,
}

/// A write transaction and what its commit settles in the apply buffer. Begun only by
/// [`Persister::begin`], which records the pending hard state in it.
pub(crate) struct Txn<'p> {
    batch: WriteBatch<'p>,
    settle: Settle<'p>,
}

/// What happens to the apply buffer once a transaction committed.
enum Settle<'p> {
    Nothing,
    /// Keys written by `write_excess`: the buffer forgets them.
    Forget(&'p ApplyBuffer, Vec<String>),
    /// The whole buffer went in: it is emptied, its lock held until then so that readers
    /// never see the new tables under older buffered changes.
    Clear(RwLockWriteGuard<'p, Buffered>),
}

impl<'p> Txn<'p> {
    /// A transaction on `store` that records the pending hard state, if any.
    fn begin(store: &'p RedbStorage, pending: &mut Option<HardState>) -> Result<Txn<'p>, Error> {
        let mut batch = store.begin_write()?;
        if let Some(hs) = pending.take() {
            batch.set_hard_state(&hs)?;
        }
        Ok(Txn {
            batch,
            settle: Settle::Nothing,
        })
    }

    /// Takes along the keys beyond the buffer's targets (unless the whole buffer goes).
    fn take_excess(&mut self, buffer: &'p ApplyBuffer) -> Result<(), Error> {
        if matches!(self.settle, Settle::Clear(_)) {
            return Ok(());
        }
        let written = {
            let mut table = KvWriter::open(self.batch.txn())?;
            buffer.read().write_excess(&mut table)?
        };
        if !written.is_empty() {
            self.settle = Settle::Forget(buffer, written);
        }
        Ok(())
    }

    /// Writes every buffered change and the applied index that goes with them; the
    /// buffer stays locked for writing until the commit.
    fn take_all(&mut self, buffer: RwLockWriteGuard<'p, Buffered>) -> Result<(), Error> {
        if let Some(applied) = buffer.applied() {
            {
                let mut table = KvWriter::open(self.batch.txn())?;
                buffer.write_into(&mut table)?;
            }
            self.batch.set_applied(applied)?;
        }
        self.settle = Settle::Clear(buffer);
        Ok(())
    }

    /// Commits (with an fsync when `durable`), then settles the buffer.
    fn commit(self, durable: bool) -> Result<(), Error> {
        let Txn { mut batch, settle } = self;
        batch.set_durable(durable)?;
        batch.commit()?;
        match settle {
            Settle::Nothing => {}
            Settle::Forget(buffer, written) => buffer.write().forget(written),
            Settle::Clear(mut buffer) => buffer.clear(),
        }
        Ok(())
    }
}

impl Persister {
    pub(crate) fn new(
        store: RedbStorage,
        buffer: ApplyBuffer,
        origin: NodeId,
        metrics: Metrics,
    ) -> Persister {
        Persister {
            store,
            buffer,
            unsaved_hard_state: None,
            compact_target: 0,
            origin,
            metrics,
        }
    }

    pub(crate) fn store(&self) -> &RedbStorage {
        &self.store
    }

    /// Applies committed entries into the buffer, over the committed database, at `now`
    /// (the idle flush counts from the last apply).
    pub(crate) fn apply(&mut self, entries: &[Entry], now: Instant) -> Result<Applied, Error> {
        if entries.is_empty() {
            return Ok(Applied::default());
        }
        let read = self.store.begin_read()?;
        let mut buffer = self.buffer.write();
        let started = Instant::now();
        let writes = apply_entries(&mut buffer, self.origin, entries, |key| {
            Ok(kv::get(&read, key)?.is_some())
        })?;
        buffer.note_active(now);
        self.metrics.observe_apply(started.elapsed());
        Ok(Applied {
            writes,
            through: entries.last().map(|e| e.index),
        })
    }

    /// Step 2 of a Ready, after its committed entries were applied (or, with a snapshot,
    /// before: a Ready carrying a snapshot carries no committed entries). One transaction
    /// and one fsync: the snapshot, the new entries, the hard state, the membership (with
    /// the whole buffer) and a step of compaction. A Ready that only moves the commit
    /// index writes nothing: its hard state goes with the next transaction. Returns
    /// whether anything was written.
    pub(crate) fn persist(
        &mut self,
        rd: &Ready,
        membership: Option<&Membership>,
    ) -> Result<bool, Error> {
        if let Some(hs) = &rd.hard_state {
            self.unsaved_hard_state = Some(*hs);
        }
        let compact_to = compaction_step(
            self.store.first_index(),
            self.compact_target,
            rd.entries.len(),
        );
        let needed = rd.snapshot.is_some()
            || membership.is_some()
            || rd.must_sync
            || !rd.entries.is_empty()
            || compact_to.is_some();
        if !needed {
            return Ok(false);
        }
        // A handle of its own, so that the transaction does not borrow `self`.
        let (store, buffer) = (self.store.clone(), self.buffer.clone());
        let mut txn = Txn::begin(&store, &mut self.unsaved_hard_state)?;
        if membership.is_some() || rd.snapshot.is_some() {
            let mut all = buffer.write();
            if let Some(snap) = &rd.snapshot {
                // The snapshot replaces the state the buffer holds changes to.
                all.clear();
                super::snapshot::install(&store, &mut txn.batch, snap)?;
            }
            txn.take_all(all)?;
        }
        if !rd.entries.is_empty() {
            txn.batch.append(&rd.entries)?;
        }
        txn.take_excess(&buffer)?;
        if let Some(m) = membership {
            txn.batch.set_membership(m)?;
        }
        if let Some(upto) = compact_to {
            txn.batch.compact(upto)?;
        }
        let fsync_started = Instant::now();
        txn.commit(true)?;
        self.metrics.observe_persisted(fsync_started, rd);
        Ok(true)
    }

    /// After the Readies: the whole buffer goes out when the node is idle or the replay
    /// after a crash would grow too long; a chunk when the buffer is past its hard limit
    /// (commit-only Readies have no transaction to take keys along).
    pub(crate) fn maybe_flush(&mut self, now: Instant) -> Result<(), Error> {
        let (full, chunk) = {
            let buffer = self.buffer.read();
            (
                buffer.wants_full_flush(now, self.store.applied()),
                buffer.over_hard_limit(),
            )
        };
        if full {
            return self.flush(false);
        }
        if chunk {
            let (store, buffer) = (self.store.clone(), self.buffer.clone());
            let mut txn = Txn::begin(&store, &mut self.unsaved_hard_state)?;
            txn.take_excess(&buffer)?;
            txn.commit(false)?;
        }
        Ok(())
    }

    /// Writes the applied changes held in memory into the database, with the applied
    /// index and the latest hard state. `durable` on the way out; otherwise the next
    /// durable commit takes it along (a crash before that only means applying those
    /// entries again from the log).
    pub(crate) fn flush(&mut self, durable: bool) -> Result<(), Error> {
        if self.buffer.read().is_empty() && self.unsaved_hard_state.is_none() {
            return Ok(());
        }
        let (store, buffer) = (self.store.clone(), self.buffer.clone());
        let mut txn = Txn::begin(&store, &mut self.unsaved_hard_state)?;
        txn.take_all(buffer.write())?;
        txn.commit(durable)
    }

    /// Records a snapshot file written in the background and aims the compaction at
    /// `keep_log` entries behind it.
    pub(crate) fn record_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        membership: &Membership,
        keep_log: u64,
    ) -> Result<Index, Error> {
        let store = self.store.clone();
        let mut txn = Txn::begin(&store, &mut self.unsaved_hard_state)?;
        txn.batch.set_snapshot(meta, membership)?;
        txn.commit(true)?;
        self.compact_target = meta.index.saturating_sub(keep_log);
        Ok(self.compact_target)
    }
}

/// Applies committed entries into `buffer`; `in_db` tells whether a key the buffer does
/// not hold exists in the database. Returns the outcomes of `origin`'s own writes.
fn apply_entries(
    buffer: &mut Buffered,
    origin: NodeId,
    entries: &[Entry],
    in_db: impl Fn(&str) -> kv::Result<bool>,
) -> Result<Vec<(u64, WriteOutcome)>, Error> {
    let mut writes = Vec::new();
    for e in entries {
        buffer.note_applied(e.index);
        if e.entry_type != EntryType::Normal || e.data.is_empty() {
            continue;
        }
        let command = match Command::decode(&e.data) {
            Ok(c) => c,
            Err(err) => {
                tracing::error!(index = e.index, error = %err, "undecodable entry skipped");
                continue;
            }
        };
        // Whether the key existed only matters to the request this member answers; for
        // the others, skip the database lookup.
        let mine = command.origin == origin;
        let lookup = |key: &str| if mine { in_db(key) } else { Ok(false) };
        let result = buffer.apply(e.index, &command, lookup)?;
        if mine {
            writes.push((
                command.request_id,
                WriteOutcome {
                    index: e.index,
                    existed: result.existed(),
                },
            ));
        }
    }
    Ok(writes)
}

/// Where a Ready's transaction compacts the log to, if anywhere, given the log's first
/// index, the compaction target and how many entries the Ready appends: never past the
/// target, and in steps small enough that no transaction stalls the loop deleting
/// thousands of entries, yet at least twice the appended count, so that under sustained
/// load the deleting outpaces the appending. (A fixed step of 64 fell behind once Readies
/// carried more than 64 entries: followers' logs grew without bound at 256 clients.)
fn compaction_step(first_index: Index, target: Index, appending: usize) -> Option<Index> {
    let start = first_index.saturating_sub(1);
    let step = COMPACT_CHUNK.max(2 * appending as u64);
    (target > start).then(|| target.min(start + step))
}

#[cfg(test)]
mod cluster_sim;
#[cfg(test)]
mod crash_sim;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compaction_steps_stop_at_the_target() {
        assert_eq!(compaction_step(1, 0, 0), None);
        assert_eq!(compaction_step(101, 100, 0), None, "already there");
        assert_eq!(compaction_step(1, 10, 0), Some(10));
        assert_eq!(compaction_step(1, 1_000, 0), Some(COMPACT_CHUNK));
        assert_eq!(compaction_step(1, 1_000, 500), Some(1_000));
    }

    #[test]
    fn compaction_outpaces_appends_however_large_the_readies() {
        for per_ready in [1usize, 64, 65, 200, 4096] {
            // A snapshot leaves 100,000 entries to delete while Readies keep appending.
            let (mut first, mut last) = (1u64, 100_000u64);
            let target = 100_000;
            let mut readies = 0;
            while let Some(to) = compaction_step(first, target, per_ready) {
                assert!(to > first - 1 && to <= target);
                first = to + 1;
                last += per_ready as u64;
                readies += 1;
                assert!(
                    readies <= 100_000 / COMPACT_CHUNK + 1,
                    "{per_ready}/Ready never caught up"
                );
            }
            assert_eq!(first, target + 1, "{per_ready}/Ready");
            assert!(
                last - first < 100_000 + 100_000 / 2 + 4096,
                "{per_ready}/Ready: {last} {first}"
            );
        }
    }
}
