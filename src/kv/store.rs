//! Apply and read: the `kv_data` table.

use bytes::Bytes;
use redb::{
    ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition, WriteTransaction,
};

use super::{Command, Op, Result};
use crate::raft::Index;

/// What `kv_data` keeps per key: (index of the last modification, value).
type Stored = (u64, &'static [u8]);

/// key -> (log index of the key's last modification, value).
///
/// Invariant: every stored index is a committed entry's index, never above the commit
/// index recorded by storage with it. It may be above the recorded applied index (the
/// node writes its apply buffer a few keys at a time, see [`super::ApplyBuffer`]);
/// applying the entries from there up to the commit index makes the table exactly the
/// state at the commit index.
pub const KV_DATA: TableDefinition<'static, &'static str, Stored> = TableDefinition::new("kv_data");

/// What applying one command did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyResult {
    /// A put; `replaced` when the key held a value before.
    Put { replaced: bool },
    /// A delete; `removed` when the key existed (`"deleted": true` in the API).
    Delete { removed: bool },
}

impl ApplyResult {
    /// Whether the key existed before the command.
    pub fn existed(self) -> bool {
        match self {
            ApplyResult::Put { replaced } => replaced,
            ApplyResult::Delete { removed } => removed,
        }
    }
}

/// The KV table opened for writing inside a write transaction: apply many entries of
/// one Ready without reopening the table for each. Drop it before committing.
pub struct KvWriter<'txn> {
    table: redb::Table<'txn, &'static str, Stored>,
}

impl<'txn> KvWriter<'txn> {
    /// Opens (creating on first use) the KV table in `txn`.
    pub fn open(txn: &'txn WriteTransaction) -> Result<KvWriter<'txn>> {
        Ok(KvWriter {
            table: txn.open_table(KV_DATA)?,
        })
    }

    /// Applies the command of the committed entry at `entry_index`.
    pub fn apply(&mut self, entry_index: Index, command: &Command) -> Result<ApplyResult> {
        Ok(match &command.op {
            Op::Put { key, value } => {
                let old = self
                    .table
                    .insert(key.as_str(), (entry_index, value.as_ref()))?;
                ApplyResult::Put {
                    replaced: old.is_some(),
                }
            }
            Op::Delete { key } => {
                let old = self.table.remove(key.as_str())?;
                ApplyResult::Delete {
                    removed: old.is_some(),
                }
            }
        })
    }
}

impl KvWriter<'_> {
    /// Stores `value` for `key` as last modified by entry `index`.
    pub fn put(&mut self, key: &str, index: Index, value: &[u8]) -> Result<()> {
        self.table.insert(key, (index, value))?;
        Ok(())
    }

    /// Removes `key` (nothing happens if it is absent).
    pub fn delete(&mut self, key: &str) -> Result<()> {
        self.table.remove(key)?;
        Ok(())
    }

    /// Whether `key` is stored (as this transaction sees it).
    pub fn contains(&self, key: &str) -> Result<bool> {
        Ok(self.table.get(key)?.is_some())
    }
}

/// Applies the command of the committed entry at `entry_index` inside `txn`.
///
/// Errors only come from the database; any well-formed command applies. For many
/// entries in one transaction, [`KvWriter`] avoids reopening the table each time.
pub fn apply(txn: &WriteTransaction, entry_index: Index, command: &Command) -> Result<ApplyResult> {
    KvWriter::open(txn)?.apply(entry_index, command)
}

/// The table in a read transaction; `None` before the first write ever created it.
fn read_table(txn: &ReadTransaction) -> Result<Option<redb::ReadOnlyTable<&'static str, Stored>>> {
    match txn.open_table(KV_DATA) {
        Ok(table) => Ok(Some(table)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The value of `key`, if any.
pub fn get(txn: &ReadTransaction, key: &str) -> Result<Option<Bytes>> {
    Ok(get_versioned(txn, key)?.map(|(value, _)| value))
}

/// The value of `key` and the index of the entry that last modified it.
pub fn get_versioned(txn: &ReadTransaction, key: &str) -> Result<Option<(Bytes, Index)>> {
    let Some(table) = read_table(txn)? else {
        return Ok(None);
    };
    Ok(table.get(key)?.map(|guard| {
        let (index, value) = guard.value();
        (Bytes::copy_from_slice(value), index)
    }))
}

/// Up to `limit` keys starting with `prefix`, in byte order (`usize::MAX`: no limit).
pub fn list(txn: &ReadTransaction, prefix: &str, limit: usize) -> Result<Vec<String>> {
    let Some(table) = read_table(txn)? else {
        return Ok(Vec::new());
    };
    let mut keys = Vec::new();
    for item in table.range(prefix..)? {
        if keys.len() >= limit {
            break;
        }
        let (key, _) = item?;
        let key = key.value();
        if !key.starts_with(prefix) {
            break;
        }
        keys.push(key.to_owned());
    }
    Ok(keys)
}

/// How many keys the store holds.
pub fn count(txn: &ReadTransaction) -> Result<u64> {
    match read_table(txn)? {
        Some(table) => Ok(table.len()?),
        None => Ok(0),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use redb::ReadableDatabase;
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    pub(crate) fn temp_db() -> (tempfile::TempDir, redb::Database) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = redb::Database::create(dir.path().join("kv.redb")).expect("create db");
        (dir, db)
    }

    /// For many short-lived databases (property cases): no files, no fsyncs.
    fn memory_db() -> redb::Database {
        redb::Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .expect("in-memory db")
    }

    pub(crate) fn put(key: &str, value: &[u8]) -> Command {
        Command {
            origin: 1,
            request_id: 1,
            op: Op::Put {
                key: key.into(),
                value: Bytes::copy_from_slice(value),
            },
        }
    }

    pub(crate) fn del(key: &str) -> Command {
        Command {
            origin: 1,
            request_id: 2,
            op: Op::Delete { key: key.into() },
        }
    }

    #[test]
    fn empty_database_reads_as_empty_store() {
        let (_dir, db) = temp_db();
        let r = db.begin_read().unwrap();
        assert_eq!(get(&r, "a").unwrap(), None);
        assert_eq!(list(&r, "", usize::MAX).unwrap(), Vec::<String>::new());
        assert_eq!(count(&r).unwrap(), 0);
    }

    #[test]
    fn put_get_list_delete() {
        let (_dir, db) = temp_db();
        let w = db.begin_write().unwrap();
        assert_eq!(
            apply(&w, 1, &put("a/1", b"one")).unwrap(),
            ApplyResult::Put { replaced: false }
        );
        apply(&w, 2, &put("a/2", b"two")).unwrap();
        apply(&w, 3, &put("b", b"")).unwrap();
        assert_eq!(
            apply(&w, 4, &put("a/1", b"uno")).unwrap(),
            ApplyResult::Put { replaced: true }
        );
        w.commit().unwrap();

        let r = db.begin_read().unwrap();
        assert_eq!(get(&r, "a/1").unwrap(), Some(Bytes::from_static(b"uno")));
        assert_eq!(
            get_versioned(&r, "a/2").unwrap(),
            Some((Bytes::from_static(b"two"), 2))
        );
        assert_eq!(get_versioned(&r, "a/1").unwrap().unwrap().1, 4);
        assert_eq!(get(&r, "b").unwrap(), Some(Bytes::new()));
        assert_eq!(get(&r, "c").unwrap(), None);
        assert_eq!(list(&r, "a/", usize::MAX).unwrap(), ["a/1", "a/2"]);
        assert_eq!(list(&r, "a/", 1).unwrap(), ["a/1"]);
        assert_eq!(list(&r, "", usize::MAX).unwrap(), ["a/1", "a/2", "b"]);
        assert_eq!(list(&r, "", 0).unwrap(), Vec::<String>::new());
        assert_eq!(list(&r, "zz", usize::MAX).unwrap(), Vec::<String>::new());
        assert_eq!(count(&r).unwrap(), 3);
        drop(r);

        let w = db.begin_write().unwrap();
        {
            let mut kv = KvWriter::open(&w).unwrap();
            assert_eq!(
                kv.apply(5, &del("a/1")).unwrap(),
                ApplyResult::Delete { removed: true }
            );
            assert_eq!(
                kv.apply(6, &del("a/1")).unwrap(),
                ApplyResult::Delete { removed: false }
            );
        }
        w.commit().unwrap();
        let r = db.begin_read().unwrap();
        assert_eq!(get(&r, "a/1").unwrap(), None);
        assert_eq!(count(&r).unwrap(), 2);
    }

    #[test]
    fn aborted_apply_changes_nothing() {
        let (_dir, db) = temp_db();
        let w = db.begin_write().unwrap();
        apply(&w, 1, &put("k", b"v")).unwrap();
        w.commit().unwrap();
        let w = db.begin_write().unwrap();
        apply(&w, 2, &del("k")).unwrap();
        w.abort().unwrap();
        let r = db.begin_read().unwrap();
        assert_eq!(get(&r, "k").unwrap(), Some(Bytes::from_static(b"v")));
    }

    #[derive(Clone, Debug)]
    enum ModelOp {
        Put(String, Vec<u8>),
        Del(String),
    }

    fn model_op() -> impl Strategy<Value = ModelOp> {
        // A small key space so that overwrites, deletes of present keys and shared
        // prefixes all happen often.
        let key = "[ab]{0,3}";
        prop_oneof![
            (key, proptest::collection::vec(any::<u8>(), 0..8))
                .prop_map(|(k, v)| ModelOp::Put(k, v)),
            key.prop_map(ModelOp::Del),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn behaves_like_a_btreemap(
            ops in proptest::collection::vec(model_op(), 0..40),
            prefix in "[ab]{0,2}",
            limit in 0usize..6,
        ) {
            let db = memory_db();
            let mut model: BTreeMap<String, (u64, Vec<u8>)> = BTreeMap::new();
            let w = db.begin_write().unwrap();
            {
                let mut kv = KvWriter::open(&w).unwrap();
                for (i, op) in ops.iter().enumerate() {
                    let index = i as u64 + 1;
                    match op {
                        ModelOp::Put(k, v) => {
                            let replaced = model.insert(k.clone(), (index, v.clone())).is_some();
                            prop_assert_eq!(
                                kv.apply(index, &put(k, v)).unwrap(),
                                ApplyResult::Put { replaced }
                            );
                        }
                        ModelOp::Del(k) => {
                            let removed = model.remove(k).is_some();
                            prop_assert_eq!(
                                kv.apply(index, &del(k)).unwrap(),
                                ApplyResult::Delete { removed }
                            );
                        }
                    }
                }
            }
            w.commit().unwrap();

            let r = db.begin_read().unwrap();
            prop_assert_eq!(count(&r).unwrap(), model.len() as u64);
            for key in ["", "a", "b", "aa", "ab", "ba", "bb", "aaa", "bab"] {
                prop_assert_eq!(
                    get_versioned(&r, key).unwrap(),
                    model.get(key).map(|(i, v)| (Bytes::from(v.clone()), *i))
                );
            }
            let expected: Vec<String> = model
                .keys()
                .filter(|k| k.starts_with(prefix.as_str()))
                .take(limit)
                .cloned()
                .collect();
            prop_assert_eq!(list(&r, &prefix, limit).unwrap(), expected);
        }
    }
}
