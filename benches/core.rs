//! Throughput of the consensus core alone: a 3-node in-memory cluster, batched
//! proposals driven through Ready/advance, messages delivered in-process. Reports
//! committed entries per second (criterion's element throughput).

use std::collections::VecDeque;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use raftctl::raft::{ConfState, Config, MemStorage, Message, NodeId, RawNode, Storage};

const BATCH: usize = 64;
const PAYLOAD: usize = 64;

struct Cluster {
    nodes: Vec<RawNode<MemStorage>>,
    wire: VecDeque<Message>,
    applied: u64,
}

impl Cluster {
    fn new() -> Cluster {
        let cs = ConfState {
            voters: vec![1, 2, 3],
            learners: vec![],
        };
        let nodes = (1..=3)
            .map(|id| {
                let mut c = Config::new(id);
                c.seed = id;
                RawNode::new(&c, MemStorage::new_with_conf_state(cs.clone())).expect("valid node")
            })
            .collect();
        let mut cl = Cluster {
            nodes,
            wire: VecDeque::new(),
            applied: 0,
        };
        cl.nodes[0].campaign().expect("campaign");
        cl.settle();
        assert!(cl.nodes[0].is_leader(), "node 1 leads");
        cl
    }

    fn node(&mut self, id: NodeId) -> &mut RawNode<MemStorage> {
        &mut self.nodes[id as usize - 1]
    }

    /// One Ready of one node, handled as the runtime does.
    fn handle_ready(&mut self, idx: usize) -> bool {
        let n = &mut self.nodes[idx];
        if !n.has_ready() {
            return false;
        }
        let mut rd = n.ready();
        self.wire.extend(rd.messages.drain(..));
        let store = n.store_mut();
        if let Some(s) = &rd.snapshot {
            store.apply_snapshot(s.clone()).expect("snapshot");
        }
        store.append(&rd.entries).expect("append");
        if let Some(hs) = rd.hard_state {
            store.set_hard_state(hs);
        }
        if idx == 0 {
            self.applied += rd.committed_entries.len() as u64;
        }
        self.wire.extend(rd.persisted_messages.drain(..));
        n.advance(rd);
        true
    }

    fn settle(&mut self) {
        loop {
            let mut moved = false;
            for i in 0..self.nodes.len() {
                moved |= self.handle_ready(i);
            }
            while let Some(m) = self.wire.pop_front() {
                moved = true;
                let to = m.to;
                let _ = self.node(to).step(m);
            }
            if !moved {
                return;
            }
        }
    }

    /// Keeps memory flat: compacts every node's log up to what it applied.
    fn compact(&mut self) {
        for n in &mut self.nodes {
            let applied = n.status().applied;
            let first = n.store().first_index().expect("first index");
            if applied > first + 10_000 {
                n.store_mut().compact(applied - 1).expect("compact");
            }
        }
    }
}

fn bench_commit(c: &mut Criterion) {
    let mut cluster = Cluster::new();
    let payload = Bytes::from(vec![b'x'; PAYLOAD]);
    let mut group = c.benchmark_group("core");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("3_nodes_commit_64_per_ready", |b| {
        b.iter(|| {
            let target = cluster.applied + BATCH as u64;
            for _ in 0..BATCH {
                cluster
                    .node(1)
                    .propose(payload.clone())
                    .expect("leader accepts");
            }
            cluster.settle();
            assert!(cluster.applied >= target, "all proposals committed");
            cluster.compact();
        })
    });
    group.finish();
}

criterion_group!(benches, bench_commit);
criterion_main!(benches);
