//! Crash consistency: a child process appends and commits in a loop, printing each
//! index once `commit` has returned; it is killed with SIGKILL at random moments. After
//! every kill the store must reopen, `wal verify` must pass, and every index the child
//! reported durable must be there with its exact contents.
//!
//! The child is this test binary run again with `RAFTCTL_CRASH_CHILD_DIR` set, so that
//! only `crash_child` does anything.

mod storage_util;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use raftctl::raft::{Entry, EntryType, HardState, Index, SnapshotMeta, Storage};
use raftctl::storage::RedbStorage;
use rand::{rngs::StdRng, Rng, SeedableRng};
use storage_util::raftctl_bin;

const CHILD_ENV: &str = "RAFTCTL_CRASH_CHILD_DIR";
/// The hard state's term: above every entry's term, so verify's term check holds.
const HARD_TERM: u64 = 1_000;

fn term_of(index: Index) -> u64 {
    1 + index / 500
}

/// What the child writes at `index`, so the parent can check contents without being told.
fn expected(index: Index) -> Entry {
    let len = (index * 37 % 300) as usize;
    let mut data = format!("entry {index}:").into_bytes();
    data.resize(data.len() + len, (index % 251) as u8);
    Entry {
        term: term_of(index),
        index,
        entry_type: if index.is_multiple_of(97) {
            EntryType::Empty
        } else {
            EntryType::Normal
        },
        data: if index.is_multiple_of(97) {
            Bytes::new()
        } else {
            Bytes::from(data)
        },
    }
}

/// Entries the child writes and then overwrites (a conflicting suffix, as a follower
/// sees when a new leader disagrees), never reported durable.
fn doomed(index: Index) -> Entry {
    Entry {
        data: Bytes::from(format!("doomed {index}")),
        entry_type: EntryType::Normal,
        ..expected(index)
    }
}

/// The child: runs until killed.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let dir = Path::new(&dir);
    let store = if RedbStorage::exists(dir) {
        RedbStorage::open(dir).expect("reopen after a kill")
    } else {
        RedbStorage::create(dir, storage_util::init(1)).expect("create")
    };
    // Resume after the last entry that is not a doomed one.
    let mut last_good = store.last_index();
    while last_good >= store.first_index()
        && store.entries(last_good, last_good + 1, None).expect("read")[0] != expected(last_good)
    {
        last_good -= 1;
    }
    println!("start {last_good}");
    let mut rng = StdRng::seed_from_u64(u64::from(std::process::id()));
    loop {
        let n = rng.gen_range(1..=48);
        let next = last_good + 1;
        let doom = rng.gen_ratio(1, 6);
        let entries: Vec<Entry> = (next..next + n)
            .map(|i| if doom { doomed(i) } else { expected(i) })
            .collect();
        let mut w = store.begin_write().expect("begin");
        w.append(&entries).expect("append");
        if !doom {
            let last = next + n - 1;
            w.set_hard_state(&HardState {
                term: HARD_TERM,
                vote: Some(1),
                commit: last,
            })
            .expect("hard state");
            w.set_applied(last).expect("applied");
            if last > 400 && rng.gen_ratio(1, 8) {
                let m = store.membership();
                let snap = last - 100;
                w.set_snapshot(
                    &SnapshotMeta {
                        index: snap,
                        term: term_of(snap),
                        conf_state: m.conf_state(),
                    },
                    &m,
                )
                .expect("snapshot");
                w.compact(last - 200).expect("compact");
            }
        }
        w.commit().expect("commit");
        if !doom {
            last_good = next + n - 1;
            println!("durable {last_good}");
        }
    }
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the child for a random while, kills it with SIGKILL, and returns the highest
/// index it reported durable (if any) and whether it started at all.
fn run_and_kill(dir: &Path, rng: &mut StdRng) -> Option<Index> {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Wait for the child to be running, then let it write for a random while.
    let started = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_secs(30)) {
            // libtest may print "test crash_child ... " on the same line.
            Ok(line) if line.contains("start ") => break,
            Ok(_) => {}
            Err(e) => panic!("the child never started: {e}"),
        }
        assert!(started.elapsed() < Duration::from_secs(30), "child start");
    }
    std::thread::sleep(Duration::from_millis(rng.gen_range(20..600)));
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    reader.join().unwrap();
    rx.try_iter()
        .filter_map(|l| {
            l.split_once("durable ")
                .and_then(|(_, n)| n.trim().parse().ok())
        })
        .max()
}

#[test]
fn every_index_reported_durable_survives_sigkill() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut durable: Index = 0;
    let deadline = Instant::now() + Duration::from_secs(12);
    let mut rounds = 0;
    while rounds < 4 || (rounds < 12 && Instant::now() < deadline) {
        rounds += 1;
        if let Some(reported) = run_and_kill(dir, &mut rng) {
            durable = durable.max(reported);
        }
        let ctx = format!("round {rounds}, reported durable through {durable}");

        // The offline tools read the crashed dir without changing it.
        let db = dir.join("raftctl.redb");
        let before = std::fs::read(&db).unwrap();
        {
            let ro = RedbStorage::open_read_only(dir).unwrap();
            let report = raftctl::inspect::verify(&ro).unwrap();
            assert!(report.ok, "{ctx}: {:?}", report.problems);
        }
        let out = assert_cmd::Command::new(raftctl_bin())
            .args(["wal", "verify", "--data-dir"])
            .arg(dir)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{ctx}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "{ctx}: read-only open wrote"
        );

        // Everything reported is there, byte for byte.
        let store = RedbStorage::open(dir).unwrap();
        assert!(
            store.last_index() >= durable,
            "{ctx}: last {}",
            store.last_index()
        );
        assert!(store.hard_state().commit >= durable, "{ctx}");
        assert!(store.applied() >= durable, "{ctx}");
        let first = store.first_index();
        if durable >= first {
            let got = store.entries(first, durable + 1, None).unwrap();
            for (e, i) in got.iter().zip(first..) {
                assert_eq!(*e, expected(i), "{ctx}: entry {i}");
            }
            assert_eq!(got.len() as u64, durable + 1 - first, "{ctx}");
        }
        let start_term = if first == 1 { 0 } else { term_of(first - 1) };
        assert_eq!(
            store.term(first - 1).unwrap(),
            start_term,
            "{ctx}: compaction point"
        );
    }
    assert!(durable > 0, "the child never reported a durable index");
    eprintln!("{rounds} kills, durable through index {durable}");
}
