//! Majority arithmetic over a set of voters: the committed index of acknowledged
//! positions and the outcome of a vote. Pure functions over plain collections.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Index, NodeId};

/// Where an election stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    /// Neither a majority of grants nor of rejections yet.
    Pending,
    Lost,
    Won,
}

/// The highest index acknowledged by a majority of `voters`; `acked` gives each voter's
/// acknowledged index (missing = 0). No voters: 0 (nothing can commit).
pub fn committed_index(voters: &BTreeSet<NodeId>, acked: impl Fn(NodeId) -> Index) -> Index {
    let n = voters.len();
    if n == 0 {
        return 0;
    }
    // Small clusters dominate; a stack buffer avoids allocating on every response.
    let mut buf = [0 as Index; 8];
    let mut heap;
    let vals: &mut [Index] = if n <= buf.len() {
        &mut buf[..n]
    } else {
        heap = vec![0; n];
        &mut heap[..]
    };
    for (slot, &id) in vals.iter_mut().zip(voters.iter()) {
        *slot = acked(id);
    }
    vals.sort_unstable();
    // Sorted ascending, the value at n - (n/2 + 1) is held by at least a majority.
    vals[n - (n / 2 + 1)]
}

/// Tallies `votes` (voter -> granted) among `voters`; votes of non-voters do not count.
pub fn vote_result(voters: &BTreeSet<NodeId>, votes: &BTreeMap<NodeId, bool>) -> VoteResult {
    if voters.is_empty() {
        return VoteResult::Won;
    }
    let (mut granted, mut rejected) = (0, 0);
    for id in voters {
        match votes.get(id) {
            Some(true) => granted += 1,
            Some(false) => rejected += 1,
            None => {}
        }
    }
    let q = voters.len() / 2 + 1;
    if granted >= q {
        VoteResult::Won
    } else if rejected >= q {
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[NodeId]) -> BTreeSet<NodeId> {
        ids.iter().copied().collect()
    }

    #[test]
    fn committed_index_matches_a_sorting_model() {
        // Model: the largest index that at least a majority has reached.
        let mut seed = 7u64;
        for _ in 0..500 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = (seed >> 60) as usize % 7 + 1;
            let voters: BTreeSet<NodeId> = (1..=n as u64).collect();
            let acked: Vec<Index> = (0..n).map(|i| (seed >> (i * 5)) % 20).collect();
            let got = committed_index(&voters, |id| acked[id as usize - 1]);
            let want = (0..=20)
                .rev()
                .find(|&idx| acked.iter().filter(|&&a| a >= idx).count() > n / 2)
                .unwrap_or(0);
            assert_eq!(got, want, "acked {acked:?}");
        }
        assert_eq!(committed_index(&set(&[]), |_| 5), 0);
    }

    #[test]
    fn vote_result_needs_a_majority() {
        let v = set(&[1, 2, 3]);
        let mut votes = BTreeMap::new();
        votes.insert(1, true);
        assert_eq!(vote_result(&v, &votes), VoteResult::Pending);
        votes.insert(9, true);
        assert_eq!(vote_result(&v, &votes), VoteResult::Pending, "non-voter");
        votes.insert(2, false);
        votes.insert(3, false);
        assert_eq!(vote_result(&v, &votes), VoteResult::Lost);
        votes.insert(3, true);
        assert_eq!(vote_result(&v, &votes), VoteResult::Won);
    }
}
