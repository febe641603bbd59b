//! The window of append messages sent to one follower and not yet acknowledged.

use std::collections::VecDeque;

use crate::raft::types::Index;

/// Last indexes of in-flight appends, oldest first. Invariant: strictly increasing,
/// at most `cap` of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inflights {
    cap: usize,
    queue: VecDeque<Index>,
}

impl Inflights {
    pub fn new(cap: usize) -> Inflights {
        Inflights {
            cap,
            queue: VecDeque::new(),
        }
    }

    /// Records an append whose last entry is `last`.
    pub fn add(&mut self, last: Index) {
        if self.is_full() {
            panic!(
                "inflights: add({last}) on a full window of {} ({:?})",
                self.cap, self.queue
            );
        }
        if let Some(&back) = self.queue.back() {
            if last <= back {
                panic!("inflights: add({last}) is not after {back}");
            }
        }
        self.queue.push_back(last);
    }

    /// Frees every append whose last entry is at or below `to` (acknowledged).
    pub fn free_le(&mut self, to: Index) {
        while self.queue.front().is_some_and(|&f| f <= to) {
            self.queue.pop_front();
        }
    }

    /// Frees the oldest append, to unstick a window whose acknowledgements got lost.
    pub fn free_first_one(&mut self) {
        self.queue.pop_front();
    }

    pub fn is_full(&self) -> bool {
        self.queue.len() >= self.cap
    }

    pub fn count(&self) -> usize {
        self.queue.len()
    }

    pub fn reset(&mut self) {
        self.queue.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_fills_and_frees_by_index() {
        let mut w = Inflights::new(3);
        w.add(2);
        w.add(5);
        w.add(9);
        assert!(w.is_full());
        w.free_le(5);
        assert_eq!(w.count(), 1);
        w.free_first_one();
        assert_eq!(w.count(), 0);
        w.free_le(100);
        assert!(!w.is_full());
    }
}
