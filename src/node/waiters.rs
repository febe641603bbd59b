//! The requests a member holds until the Ready loop can answer them: writes until their
//! entry is applied, reads until a ReadIndex round confirmed the leader's commit index
//! and this member applied up to it. Owns the visible index: what readers may see.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::oneshot;

use super::handle::{NodeError, WriteOutcome};
use super::persist::Applied;
use crate::raft::{Index, NodeId, ReadState};

pub(crate) type WriteReply = oneshot::Sender<Result<WriteOutcome, NodeError>>;
pub(crate) type ReadReply = oneshot::Sender<Result<Index, NodeError>>;

/// Requests waiting for the Ready loop (see the module docs).
pub(crate) struct Waiters {
    /// The index applied into the apply buffer and published to readers: a read at or
    /// below it finds its changes (shared with `NodeHandle`).
    visible: Arc<AtomicU64>,
    /// Proposals accepted by this member, by request id, answered when applied.
    writes: HashMap<u64, WriteReply>,
    /// Reads that arrived since the last ReadIndex: one round serves them all.
    reads_to_start: Vec<ReadReply>,
    next_read_ctx: u64,
    /// Reads waiting for their ReadIndex to come back, by request context.
    reads_in_flight: HashMap<Bytes, Vec<ReadReply>>,
    /// Reads with a known read index, waiting for the visible index to reach it.
    reads_waiting_apply: Vec<(Index, Vec<ReadReply>)>,
}

impl Waiters {
    pub(crate) fn new(visible: Arc<AtomicU64>) -> Waiters {
        Waiters {
            visible,
            writes: HashMap::new(),
            reads_to_start: Vec::new(),
            // Random start: a late answer to a read of an earlier run must not serve a
            // read of this one.
            next_read_ctx: rand::random::<u64>() >> 1,
            reads_in_flight: HashMap::new(),
            reads_waiting_apply: Vec::new(),
        }
    }

    pub(crate) fn visible(&self) -> Index {
        self.visible.load(Ordering::Acquire)
    }

    pub(crate) fn add_write(&mut self, request_id: u64, reply: WriteReply) {
        self.writes.insert(request_id, reply);
    }

    pub(crate) fn add_read(&mut self, reply: ReadReply) {
        self.reads_to_start.push(reply);
    }

    /// The context of one ReadIndex round for every read that arrived since the last
    /// one, unique in the cluster (this member's id and a counter); `None` if no read
    /// is waiting to start.
    pub(crate) fn start_reads(&mut self, id: NodeId) -> Option<Bytes> {
        if self.reads_to_start.is_empty() {
            return None;
        }
        let mut ctx = Vec::with_capacity(16);
        ctx.extend_from_slice(&id.to_be_bytes());
        ctx.extend_from_slice(&self.next_read_ctx.to_be_bytes());
        self.next_read_ctx = self.next_read_ctx.wrapping_add(1);
        let ctx = Bytes::from(ctx);
        let batch = std::mem::take(&mut self.reads_to_start);
        self.reads_in_flight.insert(ctx.clone(), batch);
        Some(ctx)
    }

    /// ReadIndex rounds that came back: their reads now wait for the visible index.
    pub(crate) fn on_read_states(&mut self, states: Vec<ReadState>) {
        for rs in states {
            if let Some(batch) = self.reads_in_flight.remove(&rs.request_ctx) {
                self.reads_waiting_apply.push((rs.index, batch));
            }
        }
    }

    /// ReadIndex requests sent to the old leader may never be answered. Asking the new
    /// one is safe: a read index obtained after a read arrived is a valid point to serve
    /// it at. Without a leader, the clients are told to retry.
    pub(crate) fn on_leader_changed(&mut self, leader: Option<NodeId>) {
        for (_, batch) in self.reads_in_flight.drain() {
            for r in batch {
                if leader.is_some() {
                    self.reads_to_start.push(r);
                } else {
                    let _ = r.send(Err(NodeError::NoLeader));
                }
            }
        }
    }

    /// Publishes the visible index and answers the writes and reads it covers. The
    /// changes are in the apply buffer, where readers find them.
    pub(crate) fn answer(&mut self, applied: &mut Applied) {
        if let Some(index) = applied.through.take() {
            self.visible.store(index, Ordering::Release);
        }
        for (request_id, outcome) in applied.writes.drain(..) {
            if let Some(w) = self.writes.remove(&request_id) {
                let _ = w.send(Ok(outcome));
            }
        }
        let visible = self.visible();
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.reads_waiting_apply)
            .into_iter()
            .partition(|(index, _)| *index <= visible);
        self.reads_waiting_apply = waiting;
        for (index, batch) in ready {
            for r in batch {
                let _ = r.send(Ok(index));
            }
        }
    }

    /// Drops the waiters whose requester gave up.
    pub(crate) fn sweep(&mut self) {
        self.writes.retain(|_, w| !w.is_closed());
        for batch in self.reads_in_flight.values_mut() {
            batch.retain(|r| !r.is_closed());
        }
        self.reads_in_flight.retain(|_, b| !b.is_empty());
    }
}
