//! Helpers of the offline-tool tests: data dirs written through the library (log, hard
//! state, applied KV), runs of the real binary, and a fingerprint of a data dir to show
//! that a refused command changed nothing.
#![allow(dead_code)]

#[path = "../bin_util/mod.rs"]
mod bin_util;
// Not every test file that includes this module runs the binary.
#[allow(unused_imports)]
pub use bin_util::raftctl_bin;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use bytes::Bytes;
use raftctl::kv::{self, Op};
use raftctl::raft::{ConfChange, ConfChangeType, Entry, EntryType, HardState, Index, Term};
use raftctl::storage::{InitialState, Membership, RedbStorage};
use serde_json::Value;

pub const CLUSTER_ID: u64 = 0x0123_4567_89ab_cdef;

pub fn url(id: u64) -> String {
    format!("http://127.0.0.1:{}", 7000 + id)
}

pub fn voters(ids: &[u64]) -> Membership {
    Membership {
        voters: ids.iter().map(|id| (*id, url(*id))).collect(),
        learners: BTreeMap::new(),
    }
}

/// A put of `key` = `value-<index>` at `index`/`term`.
pub fn put(index: Index, term: Term, key: &str) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::Normal,
        data: kv::Command {
            origin: 1,
            request_id: index,
            op: Op::Put {
                key: key.into(),
                value: Bytes::from(format!("value-{index}")),
            },
        }
        .encode(),
    }
}

pub fn add_voter(index: Index, term: Term, id: u64) -> Entry {
    Entry {
        term,
        index,
        entry_type: EntryType::ConfChange,
        data: ConfChange {
            change_type: ConfChangeType::AddVoter,
            node_id: id,
            context: Bytes::from(url(id)),
        }
        .encode(),
    }
}

/// A node's data dir: `entries` in the log, the KV commands among those up to
/// `applied` applied, hard state (`term` of the last entry, vote for itself, `commit`).
pub fn node_dir(
    dir: &Path,
    node_id: u64,
    membership: Membership,
    entries: &[Entry],
    commit: Index,
    applied: Index,
) -> RedbStorage {
    let store = RedbStorage::create(
        dir,
        InitialState {
            node_id,
            cluster_id: CLUSTER_ID,
            membership,
        },
    )
    .expect("create a data dir");
    let mut w = store.begin_write().unwrap();
    w.append(entries).unwrap();
    for e in entries.iter().filter(|e| e.index <= applied) {
        if e.entry_type == EntryType::Normal {
            let cmd = kv::Command::decode(&e.data).unwrap();
            kv::apply(w.txn(), e.index, &cmd).unwrap();
        }
    }
    w.set_hard_state(&HardState {
        term: entries.last().map_or(0, |e| e.term),
        vote: Some(node_id),
        commit,
    })
    .unwrap();
    w.set_applied(applied).unwrap();
    w.commit().unwrap();
    store
}

/// `n` puts of keys `key/0001`... at indexes 1..=n, term 1 then term 2 from the middle.
pub fn puts(n: u64) -> Vec<Entry> {
    (1..=n)
        .map(|i| put(i, if i <= n / 2 { 1 } else { 2 }, &format!("key/{i:04}")))
        .collect()
}

/// Every key with its value and modification index, read through the library.
pub fn all_kv(store: &RedbStorage) -> Vec<(String, Option<(Bytes, u64)>)> {
    let txn = store.begin_read().unwrap();
    kv::list(&txn, "", usize::MAX)
        .unwrap()
        .into_iter()
        .map(|k| {
            let v = kv::get_versioned(&txn, &k).unwrap();
            (k, v)
        })
        .collect()
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// Exit 1 with exactly one line on stderr, which contains every one of `says`.
    pub fn assert_fails_with(&self, says: &[&str]) {
        assert_eq!(
            self.code,
            Some(1),
            "stdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        assert_eq!(self.stderr.lines().count(), 1, "one line: {}", self.stderr);
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        for s in says {
            assert!(self.stderr.contains(s), "{s:?} not in {}", self.stderr);
        }
    }

    pub fn assert_ok(&self) {
        assert_eq!(
            self.code,
            Some(0),
            "stdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
    }
}

pub fn raftctl<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(raftctl_bin())
        .args(args)
        .env_remove("RAFTCTL_ENDPOINTS")
        .output()
        .expect("run raftctl");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// Every file under `dir` with its bytes: equal fingerprints, nothing changed.
pub fn fingerprint(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(items) = fs::read_dir(&d) else {
            continue;
        };
        for item in items {
            let p = item.unwrap().path();
            if p.is_dir() {
                out.insert(format!("{}/", p.display()), Vec::new());
                stack.push(p);
            } else {
                out.insert(p.display().to_string(), fs::read(&p).unwrap());
            }
        }
    }
    out
}
