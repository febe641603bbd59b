//! Applied changes held in memory and written to the database a few keys at a time.
//!
//! Applying a committed entry straight into redb costs a copy-on-write of the B-tree
//! leaf holding its key, in a transaction of its own when the Ready had nothing else to
//! write; that was most of the storage work per write, and on the leader it sat between
//! commit and answer. So the node applies into this buffer and answers. The buffer keeps
//! up to [`TARGET_KEYS`] keys (or [`TARGET_BYTES`] of values); once [`MIN_CHUNK`] keys
//! are beyond that, the next transaction the node writes anyway takes them along, in key
//! order from a cursor that sweeps the key space, so that neighbours share one leaf copy. Writes to hot keys never reach
//! the database until they cool down. Nothing waits on a big flush: a full one happens
//! only when the node is idle, before a snapshot, with a conf change, and on the way out.
//!
//! The applied index in the database is written only by a full flush. Every transaction
//! that takes keys along also records the latest hard state, so a stored value never
//! comes from beyond the recorded commit index. After a crash the database holds the
//! state at its applied index plus some newer keys, and the member applies the entries
//! after that index again, in order; once it reaches the recorded commit index it is
//! exactly the state at that index (applying is deterministic). The handle holds back
//! stale reads until then, so nobody sees the mixture, and `raftctl recover` applies
//! those entries itself before it cuts a snapshot. Compaction never passes the recorded index (it
//! follows snapshots, which flush first), so those entries are still in the log.
//!
//! Readers see the database and the buffer together through a [`View`], taken under the
//! buffer's read lock: the buffer is changed only by the node task, under the write lock,
//! and a key leaves it only after the database commit that holds its value.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use redb::ReadTransaction;

use super::command::{Command, Op};
use super::store::{self, ApplyResult, KvWriter};
use super::Result;
use crate::raft::Index;

/// Keys the buffer keeps; transactions take along the ones beyond.
pub const TARGET_KEYS: usize = 2048;
/// Transactions take keys along only once this many are beyond [`TARGET_KEYS`].
pub const MIN_CHUNK: usize = 64;
/// Value bytes the buffer keeps; transactions take along keys until it is below.
pub const TARGET_BYTES: usize = 8 * 1024 * 1024;
/// Beyond twice the targets the node writes a chunk out even without a transaction of
/// its own to piggyback on.
pub const HARD_LIMIT_FACTOR: usize = 2;
/// With no apply for this long, the node writes the whole buffer out.
pub const IDLE_FLUSH: Duration = Duration::from_millis(200);
/// At most this many applied entries lie beyond the database's applied index before
/// the node writes the whole buffer out (bounds the replay after a crash).
pub const MAX_REPLAY: u64 = 100_000;

/// A change to one key: the new value and the index that wrote it, or `None` for a delete.
type Change = Option<(Index, Bytes)>;

/// Applied changes not yet in the database. Shared between the node task (the only
/// writer) and readers; see the module docs.
#[derive(Clone, Default)]
pub struct ApplyBuffer {
    inner: Arc<RwLock<Buffered>>,
}

#[derive(Default)]
pub struct Buffered {
    changes: BTreeMap<String, Change>,
    /// The index of the last entry applied into the buffer since the last full flush.
    applied: Option<Index>,
    /// Bytes of keys and values held.
    bytes: usize,
    /// Partial flushes go on after this key (in byte order, wrapping around).
    cursor: Option<String>,
    /// When the last entry was applied.
    last_apply: Option<Instant>,
}

impl ApplyBuffer {
    pub fn new() -> ApplyBuffer {
        ApplyBuffer::default()
    }

    /// For readers: hold it while reading (see [`View`]).
    pub fn read(&self) -> RwLockReadGuard<'_, Buffered> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    /// For the node task only.
    pub fn write(&self) -> RwLockWriteGuard<'_, Buffered> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Buffered {
    /// Applies the command of the committed entry at `index`. `in_db` answers whether
    /// a key exists in the database (for keys the buffer does not hold).
    pub fn apply(
        &mut self,
        index: Index,
        command: &Command,
        in_db: impl FnOnce(&str) -> Result<bool>,
    ) -> Result<ApplyResult> {
        let (key, change) = match &command.op {
            Op::Put { key, value } => (key, Some((index, value.clone()))),
            Op::Delete { key } => (key, None),
        };
        let existed = match self.changes.get(key.as_str()) {
            Some(buffered) => buffered.is_some(),
            None => in_db(key)?,
        };
        self.bytes += change_size(key, &change);
        if let Some(old) = self.changes.insert(key.clone(), change) {
            self.bytes -= change_size(key, &old);
        }
        self.note_applied(index);
        Ok(match command.op {
            Op::Put { .. } => ApplyResult::Put { replaced: existed },
            Op::Delete { .. } => ApplyResult::Delete { removed: existed },
        })
    }

    /// Records that everything up to `index` is applied (also entries that change no
    /// key: empty entries, conf changes, undecodable ones).
    pub fn note_applied(&mut self, index: Index) {
        self.applied = Some(self.applied.map_or(index, |a| a.max(index)));
    }

    /// Records when entries were last applied, for the idle flush. The caller owns the
    /// clock, so that a simulation can run the buffer on time of its own.
    pub fn note_active(&mut self, now: Instant) {
        self.last_apply = Some(now);
    }

    /// The applied index to record with the next flush, if anything was applied since
    /// the last one.
    pub fn applied(&self) -> Option<Index> {
        self.applied
    }

    /// Whether the whole buffer should be written out now: nothing was applied for
    /// [`IDLE_FLUSH`], or [`MAX_REPLAY`] entries lie beyond `db_applied`.
    pub fn wants_full_flush(&self, now: Instant, db_applied: Index) -> bool {
        let Some(applied) = self.applied else {
            return false;
        };
        applied.saturating_sub(db_applied) >= MAX_REPLAY
            || self
                .last_apply
                .is_some_and(|t| now.duration_since(t) >= IDLE_FLUSH)
    }

    /// Whether the buffer is past [`HARD_LIMIT_FACTOR`] times its targets, so that a
    /// chunk must go out even without a transaction to ride along with.
    pub fn over_hard_limit(&self) -> bool {
        self.changes.len() > TARGET_KEYS * HARD_LIMIT_FACTOR
            || self.bytes > TARGET_BYTES * HARD_LIMIT_FACTOR
    }

    pub fn is_empty(&self) -> bool {
        self.applied.is_none() && self.changes.is_empty()
    }

    /// How many keys have changes held here.
    pub fn keys(&self) -> usize {
        self.changes.len()
    }

    /// Writes every buffered change into `kv` (the caller records the applied index in
    /// the same transaction). The buffer keeps them until [`clear`](Self::clear), after
    /// the commit.
    pub fn write_into(&self, kv: &mut KvWriter<'_>) -> Result<usize> {
        for (key, change) in &self.changes {
            write_change(kv, key, change)?;
        }
        Ok(self.changes.len())
    }

    /// Writes the keys beyond the targets into `kv`, in key order from the cursor, and
    /// returns them; [`forget`](Self::forget) them after the commit. Nothing until at
    /// least [`MIN_CHUNK`] keys are beyond the key target (or the bytes are beyond
    /// theirs): most transactions then carry only log entries, and the ones that take
    /// keys along take enough of them to share leaves.
    pub fn write_excess(&self, kv: &mut KvWriter<'_>) -> Result<Vec<String>> {
        if self.changes.len() < TARGET_KEYS + MIN_CHUNK && self.bytes <= TARGET_BYTES {
            return Ok(Vec::new());
        }
        self.write_beyond(kv, TARGET_KEYS, TARGET_BYTES)
    }

    fn write_beyond(
        &self,
        kv: &mut KvWriter<'_>,
        target_keys: usize,
        target_bytes: usize,
    ) -> Result<Vec<String>> {
        let (mut keys, mut bytes) = (self.changes.len(), self.bytes);
        let mut written = Vec::new();
        let after = match &self.cursor {
            Some(c) => (Bound::Excluded(c.as_str()), Bound::Unbounded),
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        let before = match &self.cursor {
            Some(c) => (Bound::Unbounded, Bound::Included(c.as_str())),
            None => (Bound::Unbounded, Bound::Excluded("")),
        };
        let in_order = self
            .changes
            .range::<str, _>(after)
            .chain(self.changes.range::<str, _>(before));
        for (key, change) in in_order {
            if keys <= target_keys && bytes <= target_bytes {
                break;
            }
            write_change(kv, key, change)?;
            keys -= 1;
            bytes -= change_size(key, change);
            written.push(key.clone());
        }
        Ok(written)
    }

    /// Drops keys written by [`write_excess`](Self::write_excess) once the transaction
    /// holding them committed.
    pub fn forget(&mut self, written: Vec<String>) {
        for key in &written {
            if let Some(change) = self.changes.remove(key) {
                self.bytes -= change_size(key, &change);
            }
        }
        if let Some(last) = written.into_iter().last() {
            self.cursor = Some(last);
        }
    }

    /// Empties the buffer: its contents are in the database now, or were replaced by a
    /// snapshot.
    pub fn clear(&mut self) {
        *self = Buffered::default();
    }

    /// The buffered change for `key`: `None` if the buffer does not know the key,
    /// `Some(None)` if it was deleted.
    fn get(&self, key: &str) -> Option<&Change> {
        self.changes.get(key)
    }
}

fn change_size(key: &str, change: &Change) -> usize {
    key.len() + change.as_ref().map_or(0, |(_, v)| v.len())
}

fn write_change(kv: &mut KvWriter<'_>, key: &str, change: &Change) -> Result<()> {
    match change {
        Some((index, value)) => kv.put(key, *index, value),
        None => kv.delete(key),
    }
}

/// The key-value state as readers see it: the database under a read transaction plus
/// the buffer, held under its read lock.
pub struct View<'a> {
    buffer: &'a Buffered,
    txn: &'a ReadTransaction,
}

impl<'a> View<'a> {
    pub fn new(buffer: &'a Buffered, txn: &'a ReadTransaction) -> View<'a> {
        View { buffer, txn }
    }

    /// The value of `key`, if any.
    pub fn get(&self, key: &str) -> Result<Option<Bytes>> {
        Ok(self.get_versioned(key)?.map(|(value, _)| value))
    }

    /// The value of `key` and the index of the entry that last modified it.
    pub fn get_versioned(&self, key: &str) -> Result<Option<(Bytes, Index)>> {
        match self.buffer.get(key) {
            Some(change) => Ok(change.as_ref().map(|(index, v)| (v.clone(), *index))),
            None => store::get_versioned(self.txn, key),
        }
    }

    /// Up to `limit` keys starting with `prefix`, in byte order (`usize::MAX`: no limit).
    pub fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        // Keys the buffer deleted may hide database keys: ask the database for that
        // many more, then merge the two sorted lists.
        let buffered: Vec<(&String, &Change)> = self
            .buffer
            .changes
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .collect();
        let deleted = buffered.iter().filter(|(_, c)| c.is_none()).count();
        let from_db = store::list(self.txn, prefix, limit.saturating_add(deleted))?;
        let mut keys = Vec::with_capacity(limit.min(from_db.len() + buffered.len()));
        let (mut db, mut buf) = (
            from_db.into_iter().peekable(),
            buffered.into_iter().peekable(),
        );
        while keys.len() < limit {
            let take_db = match (db.peek(), buf.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(d), Some((b, _))) => d.as_str() < b.as_str(),
            };
            if take_db {
                keys.extend(db.next());
                continue;
            }
            let Some((key, change)) = buf.next() else {
                break;
            };
            if db.peek() == Some(key) {
                db.next();
            }
            if change.is_some() {
                keys.push(key.clone());
            }
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use redb::ReadableDatabase;
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::kv::store::tests::{del, put, temp_db};

    /// Applies `ops` half through the database and half through the buffer, and checks
    /// that the view answers like a plain map, before and after a flush.
    fn check(ops: Vec<(bool, u8, u8)>, split: usize, prefix: &str, limit: usize, keep: usize) {
        let (_dir, db) = temp_db();
        let mut model: BTreeMap<String, (Bytes, Index)> = BTreeMap::new();
        let split = split.min(ops.len());
        let command = |i: usize| {
            let (is_put, k, v) = ops[i];
            let key = format!("k{}", k % 16);
            if is_put {
                put(&key, &[v])
            } else {
                del(&key)
            }
        };
        let txn = db.begin_write().unwrap();
        for i in 0..split {
            let index = i as Index + 1;
            let c = command(i);
            let existed = model.contains_key(c.op.key());
            let r = store::apply(&txn, index, &c).unwrap();
            assert_eq!(r.existed(), existed);
            apply_model(&mut model, index, &c);
        }
        txn.commit().unwrap();

        let buffer = ApplyBuffer::new();
        let read = db.begin_read().unwrap();
        for i in split..ops.len() {
            let index = i as Index + 1;
            let c = command(i);
            let existed = model.contains_key(c.op.key());
            let r = buffer
                .write()
                .apply(index, &c, |k| Ok(store::get(&read, k)?.is_some()))
                .unwrap();
            assert_eq!(r.existed(), existed, "op {i}");
            apply_model(&mut model, index, &c);
        }
        let compare = |db: &redb::Database, buffer: &ApplyBuffer| {
            let txn = db.begin_read().unwrap();
            let guard = buffer.read();
            let view = View::new(&guard, &txn);
            for k in 0..16 {
                let key = format!("k{k}");
                assert_eq!(view.get_versioned(&key).unwrap(), model.get(&key).cloned());
            }
            let want: Vec<String> = model
                .keys()
                .filter(|k| k.starts_with(prefix))
                .take(limit)
                .cloned()
                .collect();
            assert_eq!(view.list(prefix, limit).unwrap(), want);
        };
        compare(&db, &buffer);

        // Partial flushes down to `keep` keys, twice (the cursor wraps around), each
        // checked before and after the buffer forgets what was written.
        for keep in [keep, keep / 2] {
            let txn = db.begin_write().unwrap();
            let written = {
                let mut kv = KvWriter::open(&txn).unwrap();
                buffer
                    .read()
                    .write_beyond(&mut kv, keep, usize::MAX)
                    .unwrap()
            };
            txn.commit().unwrap();
            compare(&db, &buffer);
            let before = buffer.read().changes.len();
            let n = written.len();
            buffer.write().forget(written);
            assert_eq!(buffer.read().changes.len(), before - n);
            assert!(buffer.read().changes.len() <= keep.max(before.min(keep)));
            let bytes: usize = buffer
                .read()
                .changes
                .iter()
                .map(|(k, c)| change_size(k, c))
                .sum();
            assert_eq!(buffer.read().bytes, bytes);
            compare(&db, &buffer);
        }

        let txn = db.begin_write().unwrap();
        {
            let mut kv = KvWriter::open(&txn).unwrap();
            buffer.read().write_into(&mut kv).unwrap();
        }
        txn.commit().unwrap();
        compare(&db, &buffer);
        buffer.write().clear();
        compare(&db, &buffer);
    }

    fn apply_model(model: &mut BTreeMap<String, (Bytes, Index)>, index: Index, c: &Command) {
        match &c.op {
            Op::Put { key, value } => {
                model.insert(key.clone(), (value.clone(), index));
            }
            Op::Delete { key } => {
                model.remove(key);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn view_reads_like_a_map(
            ops in prop::collection::vec((any::<bool>(), any::<u8>(), any::<u8>()), 0..80),
            split in 0usize..80,
            prefix in prop::sample::select(vec!["", "k", "k1", "k2", "x"]),
            limit in prop::sample::select(vec![0usize, 1, 3, 7, usize::MAX]),
            keep in 0usize..12,
        ) {
            check(ops, split, prefix, limit, keep);
        }
    }

    #[test]
    fn full_flush_when_idle_or_far_behind() {
        let buffer = ApplyBuffer::new();
        let now = Instant::now();
        assert!(buffer.read().is_empty());
        assert!(!buffer.read().wants_full_flush(now, 0));
        buffer.write().note_applied(5);
        buffer.write().note_active(now);
        assert!(!buffer.read().is_empty());
        assert_eq!(buffer.read().applied(), Some(5));
        assert!(!buffer.read().wants_full_flush(now, 0));
        assert!(buffer.read().wants_full_flush(now + IDLE_FLUSH, 0));
        buffer.write().note_applied(MAX_REPLAY + 5);
        assert!(buffer.read().wants_full_flush(Instant::now(), 5));
        assert!(!buffer.read().wants_full_flush(Instant::now(), 6));
        buffer.write().clear();
        assert!(buffer.read().is_empty());
        assert!(!buffer.read().wants_full_flush(now + IDLE_FLUSH, 0));
    }

    #[test]
    fn hard_limit_by_keys() {
        let buffer = ApplyBuffer::new();
        let mut w = buffer.write();
        for i in 0..=TARGET_KEYS * HARD_LIMIT_FACTOR {
            assert!(!w.over_hard_limit());
            w.apply(1 + i as Index, &put(&format!("k{i}"), b"v"), |_| Ok(false))
                .unwrap();
        }
        assert!(w.over_hard_limit());
    }

    /// Keys go along with a transaction only in chunks of at least `MIN_CHUNK`, down to
    /// the target.
    #[test]
    fn excess_goes_out_in_chunks() {
        let (_dir, db) = temp_db();
        let buffer = ApplyBuffer::new();
        let excess = |buffer: &ApplyBuffer| {
            let txn = db.begin_write().unwrap();
            let mut kv = KvWriter::open(&txn).unwrap();
            buffer.read().write_excess(&mut kv).unwrap()
        };
        let mut index = 0;
        let mut add = |n: usize| {
            let mut w = buffer.write();
            for _ in 0..n {
                index += 1;
                w.apply(index, &put(&format!("k{index:06}"), b"v"), |_| Ok(false))
                    .unwrap();
            }
        };
        add(TARGET_KEYS + MIN_CHUNK - 1);
        assert!(excess(&buffer).is_empty());
        add(1);
        let written = excess(&buffer);
        assert_eq!(written.len(), MIN_CHUNK);
        buffer.write().forget(written);
        assert_eq!(buffer.read().changes.len(), TARGET_KEYS);
        assert!(excess(&buffer).is_empty());
    }
}
