//! Helpers shared by the storage and wal test files: entries, data dirs written through
//! the library, raw edits of a database for the error cases, and (in `faulty`) a redb
//! backend that injects disk faults.
#![allow(dead_code)]

#[path = "../bin_util/mod.rs"]
mod bin_util;
pub mod faulty;

// Not every test file that includes this module runs the binary.
#[allow(unused_imports)]
pub use bin_util::raftctl_bin;

use std::collections::BTreeMap;
use std::path::Path;

use bytes::Bytes;
use raftctl::kv::{Command, Op};
use raftctl::raft::{ConfChange, ConfChangeType, Entry, EntryType, HardState, Index, Term};
use raftctl::storage::{InitialState, Membership, RedbStorage};

pub const CLUSTER_ID: u64 = 0x00c0_ffee_1234_abcd;

pub fn ent(index: Index, term: Term) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::Normal,
        data: Bytes::from(format!("entry-{index}-{term}")),
    }
}

pub fn put(index: Index, term: Term, key: &str, value_len: usize) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::Normal,
        data: Command {
            origin: 1,
            request_id: index,
            op: Op::Put {
                key: key.into(),
                value: Bytes::from(vec![b'v'; value_len]),
            },
        }
        .encode(),
    }
}

pub fn del(index: Index, term: Term, key: &str) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::Normal,
        data: Command {
            origin: 2,
            request_id: index,
            op: Op::Delete { key: key.into() },
        }
        .encode(),
    }
}

pub fn conf(index: Index, term: Term, change_type: ConfChangeType, id: u64, url: &str) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::ConfChange,
        data: ConfChange {
            change_type,
            node_id: id,
            context: Bytes::from(url.to_string()),
        }
        .encode(),
    }
}

pub fn empty(index: Index, term: Term) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::Empty,
        data: Bytes::new(),
    }
}

pub fn three_voters() -> Membership {
    Membership {
        voters: (1..=3)
            .map(|id| (id, format!("http://127.0.0.1:700{id}")))
            .collect(),
        learners: BTreeMap::new(),
    }
}

pub fn init(node_id: u64) -> InitialState {
    InitialState {
        node_id,
        cluster_id: CLUSTER_ID,
        membership: three_voters(),
    }
}

/// A data dir as a node of a 3-member cluster leaves it: a new leader's empty entry,
/// puts and a delete, a learner added; everything committed and applied.
pub fn write_sample_dir(dir: &Path) -> RedbStorage {
    let store = RedbStorage::create(dir, init(1)).expect("create the sample data dir");
    let entries = vec![
        empty(1, 1),
        put(2, 1, "alpha", 12),
        put(3, 1, "beta", 0),
        del(4, 2, "alpha"),
        conf(5, 2, ConfChangeType::AddLearner, 4, "http://127.0.0.1:7004"),
        empty(6, 3),
    ];
    let mut membership = three_voters();
    membership
        .learners
        .insert(4, "http://127.0.0.1:7004".to_string());
    let mut w = store.begin_write().unwrap();
    w.append(&entries).unwrap();
    w.set_hard_state(&HardState {
        term: 3,
        vote: Some(1),
        commit: 6,
    })
    .unwrap();
    w.set_applied(6).unwrap();
    w.set_membership(&membership).unwrap();
    w.commit().unwrap();
    store
}

/// Writes `value` under `key` in the meta table of a closed data dir, bypassing the
/// store's checks: how a newer release or a damaged disk could leave it.
pub fn poke_meta(dir: &Path, key: &str, value: &[u8]) {
    let db = redb::Database::open(dir.join("raftctl.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut t = txn
            .open_table(redb::TableDefinition::<&str, &[u8]>::new("raft_meta"))
            .unwrap();
        t.insert(key, value).unwrap();
    }
    txn.commit().unwrap();
}

/// Removes log entry `index` from a closed data dir, leaving a hole.
pub fn punch_log_hole(dir: &Path, index: u64) {
    let db = redb::Database::open(dir.join("raftctl.redb")).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut t = txn
            .open_table(redb::TableDefinition::<u64, &[u8]>::new("raft_log"))
            .unwrap();
        t.remove(index).unwrap();
    }
    txn.commit().unwrap();
}
