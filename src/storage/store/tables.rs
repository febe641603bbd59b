//! The store's transactions and tables behind wrappers that carry the database path:
//! every redb failure of the store becomes an `Error::Db` here, naming the path and the
//! operation, and every stored record is decoded here (`Error::Decode` with the path
//! and what it was). No other file of the store calls `Error::db` or `codec::decode_*`.
//!
//! - [`Ctx`]: the path; begins transactions, opens [`Log`] and [`Meta`], commits.
//! - [`Log`]: the log table: terms, ranges of [`Record`]s, appends and removals.
//! - [`Meta`]: the meta table: each record by its key, typed.
//!
//! A write batch's context also records the first I/O failure or failed commit, which
//! makes the store refuse further batches (see [`Ctx::writing`]).
//!
//! A table missing from a read transaction is reported as what it means for a data dir
//! (no meta table: not a raftctl database; no log table: corrupt) rather than as redb's
//! `TableDoesNotExist`.

use std::ops::{RangeBounds, RangeInclusive};
use std::path::Path;
use std::sync::OnceLock;

use redb::{
    AccessGuard, Database, Durability, ReadOnlyTable, ReadTransaction, ReadableDatabase,
    ReadableTable, Table, TableError, WriteTransaction,
};

use super::schema::{key, Membership, StoredSnapshot, LOG, META};
use crate::raft::{Entry, EntryId, HardState, Index, Term};
use crate::storage::codec;
use crate::storage::error::{describe_db, Error, Result};

type LogValue = &'static [u8];
type MetaKey = &'static str;

/// The database being worked on, for the errors of everything done to it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ctx<'p> {
    path: &'p Path,
    /// For a write batch: the store's record of a failed write (see [`Ctx::writing`]).
    poison: Option<&'p OnceLock<String>>,
}

impl<'p> Ctx<'p> {
    pub(super) fn new(path: &'p Path) -> Ctx<'p> {
        Ctx { path, poison: None }
    }

    /// The context of a write batch. An I/O failure in it (after which redb fails every
    /// later access until the database is reopened) or any failed commit (which may
    /// still have reached the disk) is recorded in `poison`, the first one only; the
    /// store then refuses new batches, saying what failed.
    pub(super) fn writing(path: &'p Path, poison: &'p OnceLock<String>) -> Ctx<'p> {
        Ctx {
            path,
            poison: Some(poison),
        }
    }

    /// Turns a redb failure of `op` into the store's error.
    fn fail<E: Into<redb::Error>>(self, op: &'static str) -> impl FnOnce(E) -> Error + 'p {
        move |e| {
            let e = e.into();
            if matches!(
                e,
                redb::Error::Io(_) | redb::Error::PreviousIo | redb::Error::Backend(_)
            ) {
                self.poison_with(op, &e);
            }
            Error::db(op, self.path, e)
        }
    }

    fn poison_with(self, op: &'static str, e: &redb::Error) {
        if let Some(poison) = self.poison {
            // Only the first failure is kept: later ones are its consequences.
            let _ = poison.set(format!("{op} failed: {}", describe_db(e)));
        }
    }

    /// A stored `what` that does not decode.
    fn undecodable(self, what: impl Into<String>) -> impl FnOnce(String) -> Error + 'p {
        let what = what.into();
        move |detail| Error::Decode {
            path: self.path.to_path_buf(),
            what,
            detail,
        }
    }

    /// The database is damaged in a way redb cannot see: `detail` says how.
    pub(super) fn corrupt(self, detail: String) -> Error {
        Error::Corrupt {
            path: self.path.to_path_buf(),
            detail,
        }
    }

    pub(super) fn begin_read(self, db: &Database) -> Result<ReadTransaction> {
        db.begin_read().map_err(self.fail("begin a read"))
    }

    /// A write transaction that fsyncs on commit (see `WriteBatch::set_durable`).
    pub(super) fn begin_write(self, db: &Database) -> Result<WriteTransaction> {
        let mut txn = db.begin_write().map_err(self.fail("begin a write"))?;
        self.set_durability(&mut txn, Durability::Immediate)?;
        Ok(txn)
    }

    pub(super) fn set_durability(self, txn: &mut WriteTransaction, d: Durability) -> Result<()> {
        txn.set_durability(d)
            .map_err(self.fail("set the durability of a write"))
    }

    /// Commits `txn`; `op` says what the commit was for, in the error.
    pub(super) fn commit(self, txn: WriteTransaction, op: &'static str) -> Result<()> {
        txn.commit().map_err(|e| {
            let e = e.into();
            self.poison_with(op, &e);
            Error::db(op, self.path, e)
        })
    }

    pub(super) fn read_log(
        self,
        txn: &ReadTransaction,
    ) -> Result<Log<'p, ReadOnlyTable<u64, LogValue>>> {
        match txn.open_table(LOG) {
            Ok(table) => Ok(Log { table, ctx: self }),
            Err(TableError::TableDoesNotExist(_)) => {
                Err(self.corrupt("the log table is missing".into()))
            }
            Err(e) => Err(self.fail("open the log table")(e)),
        }
    }

    pub(super) fn read_meta(
        self,
        txn: &ReadTransaction,
    ) -> Result<Meta<'p, ReadOnlyTable<MetaKey, &'static [u8]>>> {
        match txn.open_table(META) {
            Ok(table) => Ok(Meta { table, ctx: self }),
            Err(TableError::TableDoesNotExist(_)) => Err(Error::NotRaftctl {
                path: self.path.to_path_buf(),
                detail: "it has no raftctl metadata table".into(),
            }),
            Err(e) => Err(self.fail("open the meta table")(e)),
        }
    }

    /// The log table of a write transaction (created if missing).
    pub(super) fn write_log<'t>(
        self,
        txn: &'t WriteTransaction,
    ) -> Result<Log<'p, Table<'t, u64, LogValue>>> {
        let table = txn
            .open_table(LOG)
            .map_err(self.fail("open the log table"))?;
        Ok(Log { table, ctx: self })
    }

    /// The meta table of a write transaction (created if missing).
    pub(super) fn write_meta<'t>(
        self,
        txn: &'t WriteTransaction,
    ) -> Result<Meta<'p, Table<'t, MetaKey, &'static [u8]>>> {
        let table = txn
            .open_table(META)
            .map_err(self.fail("open the meta table"))?;
        Ok(Meta { table, ctx: self })
    }

    /// Empties the log table in one step (dropping it and making it anew).
    pub(super) fn clear_log(self, txn: &WriteTransaction) -> Result<()> {
        txn.delete_table(LOG).map_err(self.fail("clear the log"))?;
        txn.open_table(LOG)
            .map_err(self.fail("recreate the log table"))?;
        Ok(())
    }
}

/// The log table: index -> `codec` entry value.
pub(super) struct Log<'p, T> {
    table: T,
    ctx: Ctx<'p>,
}

impl<'p, T: ReadableTable<u64, LogValue>> Log<'p, T> {
    /// The highest index stored, if any.
    pub(super) fn last_index(&self) -> Result<Option<Index>> {
        Ok(self
            .table
            .last()
            .map_err(self.ctx.fail("read the log"))?
            .map(|(k, _)| k.value()))
    }

    /// How many entries are stored.
    pub(super) fn count(&self) -> Result<u64> {
        self.table.len().map_err(self.ctx.fail("count the log"))
    }

    /// The term of the entry stored at `index`, decoding only its header.
    pub(super) fn term(&self, index: Index) -> Result<Option<Term>> {
        let Some(v) = self
            .table
            .get(index)
            .map_err(self.ctx.fail("read the log"))?
        else {
            return Ok(None);
        };
        // The context is built only on failure: this runs for every term lookup.
        let (term, _) = codec::decode_entry_header(v.value())
            .map_err(|e| self.ctx.undecodable(format!("log entry {index}"))(e))?;
        Ok(Some(term))
    }

    /// The records stored with an index in `range`, in index order (or reversed).
    pub(super) fn range<'t>(
        &'t self,
        range: impl RangeBounds<u64> + 't,
    ) -> Result<Records<'t, 'p>> {
        let range = self
            .table
            .range(range)
            .map_err(self.ctx.fail("read the log"))?;
        Ok(Records {
            range,
            ctx: self.ctx,
        })
    }
}

impl Log<'_, Table<'_, u64, LogValue>> {
    /// Stores `e` under its index, encoded in `buf` (reused across calls).
    pub(super) fn put(&mut self, buf: &mut Vec<u8>, e: &Entry) -> Result<()> {
        codec::encode_entry_into(buf, e.term, e.entry_type, &e.data);
        self.table
            .insert(e.index, buf.as_slice())
            .map_err(self.ctx.fail("append to the log"))?;
        Ok(())
    }

    /// Removes every entry in `indexes`, one `remove` each; `op` names the reason in
    /// errors. (After the first copy of a page, redb changes the uncommitted copy in
    /// place; `retain_in` copies the path again for every removed key, which cost the
    /// leader about a tenth of its CPU under load.)
    pub(super) fn remove_all(
        &mut self,
        indexes: RangeInclusive<Index>,
        op: &'static str,
    ) -> Result<()> {
        for index in indexes {
            self.table.remove(index).map_err(self.ctx.fail(op))?;
        }
        Ok(())
    }
}

/// The records of a range of the log.
pub(super) struct Records<'t, 'p> {
    range: redb::Range<'t, u64, LogValue>,
    ctx: Ctx<'p>,
}

/// One stored entry, not yet decoded.
pub(super) struct Record<'t, 'p> {
    index: Index,
    value: AccessGuard<'t, LogValue>,
    ctx: Ctx<'p>,
}

impl<'t, 'p> Records<'t, 'p> {
    fn record(
        &self,
        item: std::result::Result<
            (AccessGuard<'t, u64>, AccessGuard<'t, LogValue>),
            redb::StorageError,
        >,
    ) -> Result<Record<'t, 'p>> {
        let (k, value) = item.map_err(self.ctx.fail("read the log"))?;
        Ok(Record {
            index: k.value(),
            value,
            ctx: self.ctx,
        })
    }
}

impl<'t, 'p> Iterator for Records<'t, 'p> {
    type Item = Result<Record<'t, 'p>>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.range.next()?;
        Some(self.record(item))
    }
}

impl DoubleEndedIterator for Records<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let item = self.range.next_back()?;
        Some(self.record(item))
    }
}

impl Record<'_, '_> {
    pub(super) fn index(&self) -> Index {
        self.index
    }

    /// The stored payload's size in bytes.
    pub(super) fn data_len(&self) -> usize {
        codec::entry_data_len(self.value.value())
    }

    /// The entry, or why it does not decode (for the tools, which report and go on).
    pub(super) fn decode(&self) -> std::result::Result<Entry, String> {
        codec::decode_entry_record(self.index, self.value.value())
    }

    /// The entry; one that does not decode is an error naming the path and the index.
    pub(super) fn entry(&self) -> Result<Entry> {
        self.decode()
            .map_err(|e| self.ctx.undecodable(format!("log entry {}", self.index))(e))
    }
}

/// The meta table: name -> record (see `codec` and `schema`).
pub(super) struct Meta<'p, T> {
    table: T,
    ctx: Ctx<'p>,
}

impl<T: ReadableTable<MetaKey, &'static [u8]>> Meta<'_, T> {
    fn get(&self, k: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .table
            .get(k)
            .map_err(self.ctx.fail("read metadata"))?
            .map(|v| v.value().to_vec()))
    }

    /// A record every raftctl database has: missing, the database is corrupt.
    fn required(&self, k: &str) -> Result<Vec<u8>> {
        self.get(k)?.ok_or_else(|| {
            self.ctx
                .corrupt(format!("the metadata entry {k:?} is missing"))
        })
    }

    /// The format version, or None for a database raftctl did not write.
    pub(super) fn format_version(&self) -> Result<Option<u32>> {
        self.get(key::FORMAT_VERSION)?
            .map(|v| codec::decode_u32(&v).map_err(self.ctx.undecodable("format version")))
            .transpose()
    }

    /// A u64 record (node id, cluster id, applied index), named by its key in errors.
    pub(super) fn u64(&self, k: &str) -> Result<u64> {
        codec::decode_u64(&self.required(k)?).map_err(self.ctx.undecodable(k))
    }

    pub(super) fn hard_state(&self) -> Result<HardState> {
        codec::decode_hard_state(&self.required(key::HARD_STATE)?)
            .map_err(self.ctx.undecodable("hard state"))
    }

    pub(super) fn log_start(&self) -> Result<EntryId> {
        codec::decode_entry_id(&self.required(key::LOG_START)?)
            .map_err(self.ctx.undecodable("log start"))
    }

    pub(super) fn membership(&self) -> Result<Membership> {
        serde_json::from_slice(&self.required(key::MEMBERSHIP)?)
            .map_err(|e| self.ctx.undecodable("membership")(e.to_string()))
    }

    pub(super) fn snapshot(&self) -> Result<StoredSnapshot> {
        serde_json::from_slice(&self.required(key::SNAPSHOT)?)
            .map_err(|e| self.ctx.undecodable("snapshot record")(e.to_string()))
    }
}

impl Meta<'_, Table<'_, MetaKey, &'static [u8]>> {
    pub(super) fn put(&mut self, k: &str, v: &[u8]) -> Result<()> {
        self.table
            .insert(k, v)
            .map_err(self.ctx.fail("write metadata"))?;
        Ok(())
    }
}
