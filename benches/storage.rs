//! Appends with fsync: one write batch (one redb transaction, one fsync) per iteration,
//! carrying 1, 16 or 256 entries of 128 bytes plus the hard state, as a Ready does.
//! Throughput is reported in entries per second.
//!
//! `RAFTCTL_BENCH_BATCHES=N cargo bench --bench storage` skips criterion and just runs N
//! batches of each size, for counting syscalls from outside (e.g. `strace -c -f -e
//! trace=fsync,fdatasync`): one fdatasync per batch is expected.

use std::time::Instant;

use bytes::Bytes;
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use raftctl::raft::{Entry, EntryType, HardState};
use raftctl::storage::{InitialState, Membership, RedbStorage};

const BATCH_SIZES: [u64; 3] = [1, 16, 256];
const PAYLOAD: usize = 128;

struct Appender {
    store: RedbStorage,
    next: u64,
    payload: Bytes,
    _dir: tempfile::TempDir,
}

impl Appender {
    fn new() -> Appender {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut membership = Membership::default();
        membership.voters.insert(1, "http://127.0.0.1:7001".into());
        let store = RedbStorage::create(
            dir.path(),
            InitialState {
                node_id: 1,
                cluster_id: 1,
                membership,
            },
        )
        .expect("create store");
        Appender {
            store,
            next: 1,
            payload: Bytes::from(vec![7u8; PAYLOAD]),
            _dir: dir,
        }
    }

    /// One Ready's worth: `n` entries and the hard state, one commit.
    fn append_batch(&mut self, n: u64) {
        let entries: Vec<Entry> = (self.next..self.next + n)
            .map(|index| Entry {
                term: 1,
                index,
                entry_type: EntryType::Normal,
                data: self.payload.clone(),
            })
            .collect();
        self.next += n;
        let mut w = self.store.begin_write().expect("begin");
        w.append(&entries).expect("append");
        w.set_hard_state(&HardState {
            term: 1,
            vote: Some(1),
            commit: self.next - 1,
        })
        .expect("hard state");
        w.commit().expect("commit");
    }
}

fn appends(c: &mut Criterion) {
    let mut group = c.benchmark_group("append_fsync");
    group.sample_size(10);
    for n in BATCH_SIZES {
        group.throughput(Throughput::Elements(n));
        let mut appender = Appender::new();
        group.bench_with_input(BenchmarkId::new("batch", n), &n, |b, &n| {
            b.iter(|| appender.append_batch(n));
        });
    }
    group.finish();
}

fn fixed_runs(batches: u64) {
    for n in BATCH_SIZES {
        let mut appender = Appender::new();
        let start = Instant::now();
        for _ in 0..batches {
            appender.append_batch(n);
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "batch {n}: {batches} commits in {secs:.3} s, {:.0} entries/s",
            (batches * n) as f64 / secs
        );
    }
}

criterion_group!(benches, appends);

fn main() {
    if let Some(batches) = std::env::var("RAFTCTL_BENCH_BATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        fixed_runs(batches);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
