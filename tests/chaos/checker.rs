//! A linearizability checker for key-value histories (put, get, delete), one key at a
//! time: linearizability is local (Herlihy and Wing), so a history is linearizable iff
//! the sub-history of every key is.
//!
//! The search is Wing and Gong's, with Lowe's memoisation ("Testing for linearizability",
//! 2017): the calls and returns, sorted by time, form a linked list; the search
//! linearizes a pending call (removing it and its return from the list) when the model
//! accepts it, backtracks when it meets the return of an operation it has not
//! linearized, and never visits the same (set of linearized operations, state) twice.
//!
//! Outcomes:
//! - `ok`: the operation took effect between its invocation and its return, and its
//!   result (the value read, whether a delete found the key) must match the model.
//! - `fail`: definitely not done (connection refused, `no_leader`, `not_leader`,
//!   `unavailable`): left out of the history.
//! - `unknown` (timeout, connection lost mid-request): a write may take effect at any
//!   moment after its invocation, or never; its return is at infinity. A read with an
//!   unknown outcome constrains nothing and is left out. Once the search reaches the
//!   first return at infinity every operation with a known outcome has been linearized,
//!   and the remaining unknown writes may simply never have happened: the history is
//!   accepted.
//!
//! Two reductions keep writes of unknown outcome (which stay concurrent with
//! everything after them) from multiplying the configurations: values that no read
//! returned are indistinguishable to the model and share one name; and unknown writes
//! of the same effect (puts of one value, deletes) are placed only in the order of their
//! invocations, which loses no linearization (any one that uses some of them can use the
//! earliest invoked instead), so a configuration holds how many of them were placed,
//! not which subset.
//!
//! Ties: a return and a call at the same instant are taken as concurrent (calls sort
//! first), which can only accept more histories, never reject a linearizable one.
//!
//! When a key has no linearization the checker reports a short witness: the operation
//! the deepest attempt could not place (every operation that returned before it had been
//! placed), the values the key could hold at that point, the tail of that attempt's
//! order, and the operations concurrent with the stuck one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

/// Nanoseconds since the start of the history.
pub type Time = u64;
/// The return time of an operation whose outcome is unknown.
pub const INF: Time = Time::MAX;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Put(String),
    Get,
    Delete,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A put acknowledged.
    Written,
    /// A get answered: the value, or `None` when the key was absent (404).
    Read(Option<String>),
    /// A delete acknowledged, with whether the key existed.
    Deleted(bool),
    /// Definitely not done.
    Fail(String),
    /// May or may not have been done.
    Unknown(String),
}

/// One client operation, as the workload recorded it.
#[derive(Clone, Debug)]
pub struct Op {
    /// The client (thread) that issued it.
    pub process: usize,
    pub key: String,
    pub kind: Kind,
    pub outcome: Outcome,
    pub invoke: Time,
    /// When the answer (or the error) came; ignored for unknown outcomes.
    pub complete: Time,
    /// The member the request went to.
    pub via: u64,
}

impl Op {
    pub fn is_ok(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Written | Outcome::Read(_) | Outcome::Deleted(_)
        )
    }

    /// One line: what was asked, what came back, when, through whom.
    pub fn describe(&self) -> String {
        let what = match &self.kind {
            Kind::Put(v) => format!("put {v:?}"),
            Kind::Get => "get".to_string(),
            Kind::Delete => "delete".to_string(),
        };
        let got = match &self.outcome {
            Outcome::Written => "ok".to_string(),
            Outcome::Read(Some(v)) => format!("-> {v:?}"),
            Outcome::Read(None) => "-> absent".to_string(),
            Outcome::Deleted(e) => format!("ok, existed={e}"),
            Outcome::Fail(m) => format!("failed ({m})"),
            Outcome::Unknown(m) => format!("unknown ({m})"),
        };
        let end = if matches!(self.outcome, Outcome::Unknown(_)) {
            "?".to_string()
        } else {
            secs(self.complete)
        };
        format!(
            "client {} via member {}: {what} {got} [{} .. {end}]",
            self.process,
            self.via,
            secs(self.invoke)
        )
    }
}

fn secs(t: Time) -> String {
    format!("{:.3}s", t as f64 / 1e9)
}

/// Why a history was rejected, or that the search gave up.
#[derive(Debug)]
pub enum Verdict {
    Linearizable,
    /// `witness` is a few lines naming the operation that cannot be placed.
    NotLinearizable {
        key: String,
        witness: String,
    },
    /// The search visited more configurations than its budget for this key.
    GaveUp {
        key: String,
        visited: usize,
    },
}

/// Checks every key of `ops`; stops at the first key that is not linearizable.
pub fn check(ops: &[Op], budget: usize) -> Verdict {
    let mut by_key: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in ops {
        by_key.entry(op.key.as_str()).or_default().push(op);
    }
    for (key, ops) in by_key {
        match check_key(&ops, budget) {
            KeyVerdict::Ok => {}
            KeyVerdict::No(witness) => {
                return Verdict::NotLinearizable {
                    key: key.to_string(),
                    witness,
                }
            }
            KeyVerdict::GaveUp(visited) => {
                return Verdict::GaveUp {
                    key: key.to_string(),
                    visited,
                }
            }
        }
    }
    Verdict::Linearizable
}

/// The one name of every value that no read returned.
const UNSEEN: &str = "(a value no read returned)";

/// A value interned as a number; the key's state is `Option<Val>` (absent or a value).
type Val = u32;
type State = Option<Val>;

/// An operation of the search: what it does to the state, and its interval.
#[derive(Clone, Copy, Debug)]
enum Step {
    Put(Val),
    Get(State),
    /// `None`: a delete whose outcome is unknown (it may have found the key or not).
    Delete(Option<bool>),
}

fn apply(s: State, step: Step) -> Option<State> {
    match step {
        Step::Put(v) => Some(Some(v)),
        Step::Get(r) => (s == r).then_some(s),
        Step::Delete(Some(existed)) if s.is_some() != existed => None,
        Step::Delete(_) => Some(None),
    }
}

/// The operations of one key that the search considers: known outcomes, and writes of
/// unknown outcome (return at `INF`). Also the original operations, for witnesses.
struct Prepared<'a> {
    steps: Vec<Step>,
    invoke: Vec<Time>,
    ret: Vec<Time>,
    orig: Vec<&'a Op>,
    names: Vec<String>,
    /// For a write of unknown outcome: the one of the same effect invoked just before
    /// it, which must be placed first.
    after: Vec<Option<usize>>,
}

fn prepare<'a>(ops: &[&'a Op], merge_unseen: bool) -> Prepared<'a> {
    // Values no read returned are all alike to the model (any get fails on them, any
    // delete finds the key): they share one number, shown as "(a value no read saw)".
    let observed: HashSet<&str> = ops
        .iter()
        .filter_map(|op| match &op.outcome {
            Outcome::Read(Some(v)) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    let mut values: HashMap<&str, Val> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut intern = |v: &'a str| -> Val {
        let v = if !merge_unseen || observed.contains(v) {
            v
        } else {
            UNSEEN
        };
        let n = values.len() as Val;
        *values.entry(v).or_insert_with(|| {
            names.push(v.to_string());
            n
        })
    };
    let mut p = Prepared {
        steps: Vec::new(),
        invoke: Vec::new(),
        ret: Vec::new(),
        orig: Vec::new(),
        names: Vec::new(),
        after: Vec::new(),
    };
    for op in ops {
        let (step, ret) = match (&op.kind, &op.outcome) {
            (_, Outcome::Fail(_)) | (Kind::Get, Outcome::Unknown(_)) => continue,
            (Kind::Put(v), Outcome::Written) => (Step::Put(intern(v)), op.complete),
            (Kind::Put(v), Outcome::Unknown(_)) => (Step::Put(intern(v)), INF),
            (Kind::Get, Outcome::Read(r)) => {
                (Step::Get(r.as_deref().map(&mut intern)), op.complete)
            }
            (Kind::Delete, Outcome::Deleted(e)) => (Step::Delete(Some(*e)), op.complete),
            (Kind::Delete, Outcome::Unknown(_)) => (Step::Delete(None), INF),
            (kind, outcome) => panic!("an outcome {outcome:?} for a {kind:?}"),
        };
        p.steps.push(step);
        p.invoke.push(op.invoke);
        p.ret.push(ret.max(op.invoke));
        p.orig.push(op);
    }
    p.names = names;
    // Writes of unknown outcome with the same effect (puts of one value, deletes) are
    // interchangeable: none has a return to respect, so any linearization that uses some
    // of them can use instead the earliest invoked ones, in invocation order. The search
    // places them only in that order, which keeps their number, not their subsets, in
    // the configurations it remembers.
    let mut last_of: HashMap<Option<Val>, usize> = HashMap::new();
    let mut order: Vec<usize> = (0..p.steps.len()).filter(|&i| p.ret[i] == INF).collect();
    order.sort_by_key(|&i| p.invoke[i]);
    p.after = vec![None; p.steps.len()];
    for i in order {
        let group = match p.steps[i] {
            Step::Put(v) => Some(v),
            _ => None,
        };
        p.after[i] = last_of.insert(group, i);
    }
    p
}

enum KeyVerdict {
    Ok,
    No(String),
    GaveUp(usize),
}

/// A small fixed-size bitset, hashed as its words.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

fn check_key(ops: &[&Op], budget: usize) -> KeyVerdict {
    let p = prepare(ops, true);
    let n = p.steps.len();
    if n == 0 {
        return KeyVerdict::Ok;
    }
    // Events: (time, 0 = call / 1 = return, op). Entry 0 is the list's head.
    let mut events: Vec<(Time, u8, usize)> = Vec::with_capacity(2 * n);
    for i in 0..n {
        events.push((p.invoke[i], 0, i));
        events.push((p.ret[i], 1, i));
    }
    events.sort();
    let len = events.len() + 1;
    let mut next: Vec<usize> = (1..=len).collect();
    let mut prev: Vec<usize> = (0..len).map(|i| i.wrapping_sub(1)).collect();
    const NIL: usize = usize::MAX;
    next[len - 1] = NIL;
    let mut call_at = vec![0; n];
    let mut ret_at = vec![0; n];
    for (pos, &(_, is_ret, op)) in events.iter().enumerate() {
        if is_ret == 1 {
            ret_at[op] = pos + 1;
        } else {
            call_at[op] = pos + 1;
        }
    }
    let ev = |e: usize| events[e - 1];

    let lifted = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize, lift: bool| {
        if lift {
            let (p_, n_) = (prev[e], next[e]);
            next[p_] = n_;
            if n_ != NIL {
                prev[n_] = p_;
            }
        } else {
            let (p_, n_) = (prev[e], next[e]);
            next[p_] = e;
            if n_ != NIL {
                prev[n_] = e;
            }
        }
    };

    let mut state: State = None;
    let mut linearized = Bits::new(n);
    let mut cache: HashSet<(Bits, State)> = HashSet::new();
    let mut stack: Vec<(usize, State)> = Vec::new();
    let mut entry = next[0];
    let mut visited = 0usize;
    // The deepest return the search could not pass: its position, the states met there,
    // and one order of the operations placed before it.
    let mut stuck_pos = 0usize;
    let mut stuck_states: BTreeSet<Option<Val>> = BTreeSet::new();
    let mut stuck_order: Vec<usize> = Vec::new();
    loop {
        if entry == NIL {
            return KeyVerdict::Ok;
        }
        let (time, is_ret, op) = ev(entry);
        if is_ret == 1 && time == INF {
            return KeyVerdict::Ok;
        }
        visited += 1;
        if visited > budget {
            return KeyVerdict::GaveUp(visited);
        }
        let in_turn = p.after[op].is_none_or(|before| linearized.has(before));
        if is_ret == 0 && !in_turn {
            entry = next[entry];
        } else if is_ret == 0 {
            if let Some(s2) = apply(state, p.steps[op]) {
                let mut lin2 = linearized.clone();
                lin2.set(op);
                if cache.insert((lin2.clone(), s2)) {
                    stack.push((entry, state));
                    state = s2;
                    linearized = lin2;
                    lifted(&mut next, &mut prev, call_at[op], true);
                    lifted(&mut next, &mut prev, ret_at[op], true);
                    entry = next[0];
                    continue;
                }
            }
            entry = next[entry];
        } else {
            // The return of an operation not linearized yet: this branch is dead.
            if entry > stuck_pos {
                stuck_pos = entry;
                stuck_states.clear();
                stuck_order = stack.iter().map(|&(e, _)| ev(e).2).collect();
            }
            if entry == stuck_pos {
                stuck_states.insert(state);
            }
            let Some((call, s0)) = stack.pop() else {
                let witness = witness(&p, ev(stuck_pos).2, &stuck_states, &stuck_order);
                return KeyVerdict::No(witness);
            };
            let op = ev(call).2;
            state = s0;
            linearized.clear(op);
            lifted(&mut next, &mut prev, ret_at[op], false);
            lifted(&mut next, &mut prev, call_at[op], false);
            entry = next[call];
        }
    }
}

fn witness(p: &Prepared<'_>, stuck: usize, states: &BTreeSet<State>, order: &[usize]) -> String {
    // A value no read returned goes by one name in the search; the last such put placed
    // says which one it was.
    let last_unseen = order
        .iter()
        .rev()
        .find_map(|&i| match (&p.steps[i], &p.orig[i].kind) {
            (Step::Put(v), Kind::Put(actual)) if p.names[*v as usize] != *actual => {
                Some(actual.clone())
            }
            _ => None,
        });
    let name = |s: &State| match s {
        None => "absent".to_string(),
        Some(v) if p.names[*v as usize] == UNSEEN => match &last_unseen {
            Some(actual) => format!("{actual:?} (a value no read returned)"),
            None => UNSEEN.to_string(),
        },
        Some(v) => format!("{:?}", p.names[*v as usize]),
    };
    let mut w = String::new();
    let _ = writeln!(
        w,
        "cannot linearize {} (every operation that returned before it was placed)",
        p.orig[stuck].describe()
    );
    let _ = writeln!(
        w,
        "  the key could hold at that point: {}",
        states.iter().map(name).collect::<Vec<_>>().join(", ")
    );
    let tail: Vec<&usize> = order.iter().rev().take(4).collect();
    if !tail.is_empty() {
        let _ = writeln!(w, "  the last operations placed before it, oldest first:");
        for &&i in tail.iter().rev() {
            let _ = writeln!(w, "    {}", p.orig[i].describe());
        }
    }
    let (a, b) = (p.invoke[stuck], p.ret[stuck]);
    let concurrent: Vec<usize> = (0..p.steps.len())
        .filter(|&i| i != stuck && p.invoke[i] <= b && p.ret[i] >= a)
        .collect();
    let (known, unknown): (Vec<usize>, Vec<usize>) =
        concurrent.into_iter().partition(|&i| p.ret[i] != INF);
    if !known.is_empty() {
        let _ = writeln!(w, "  concurrent with it ({}):", known.len());
        for &i in known.iter().take(5) {
            let _ = writeln!(w, "    {}", p.orig[i].describe());
        }
        if known.len() > 5 {
            let _ = writeln!(w, "    ... and {} more", known.len() - 5);
        }
    }
    if !unknown.is_empty() {
        let _ = writeln!(
            w,
            "  and {} writes of unknown outcome invoked before it returned, the latest:",
            unknown.len()
        );
        let mut latest = unknown.clone();
        latest.sort_by_key(|&i| std::cmp::Reverse(p.invoke[i]));
        for &i in latest.iter().take(2) {
            let _ = writeln!(w, "    {}", p.orig[i].describe());
        }
    }
    w
}

/// Exhaustive check of one key's history, for testing the search: every subset of the
/// writes of unknown outcome, every order of the chosen operations that respects real
/// time, run through the model. Only for a handful of operations.
pub fn brute_force(ops: &[Op]) -> bool {
    let p = prepare(&ops.iter().collect::<Vec<_>>(), false);
    let n = p.steps.len();
    assert!(n <= 9, "brute force is for small histories");
    let unknown: Vec<usize> = (0..n).filter(|&i| p.ret[i] == INF).collect();
    for mask in 0..(1u32 << unknown.len()) {
        let chosen: Vec<usize> = (0..n)
            .filter(|i| match unknown.iter().position(|u| u == i) {
                Some(bit) => mask & (1 << bit) != 0,
                None => true,
            })
            .collect();
        let mut perm = chosen.clone();
        if permutations(&mut perm, 0, &mut |order| {
            // Real time: nothing placed after an operation that returned before it began.
            for (x, &i) in order.iter().enumerate() {
                for &j in &order[x + 1..] {
                    if p.ret[j] < p.invoke[i] {
                        return false;
                    }
                }
            }
            let mut s: State = None;
            for &i in order {
                match apply(s, p.steps[i]) {
                    Some(s2) => s = s2,
                    None => return false,
                }
            }
            true
        }) {
            return true;
        }
    }
    false
}

/// Calls `f` on every permutation of `v[k..]` (with `v[..k]` fixed); true once `f` is.
fn permutations(v: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize]) -> bool) -> bool {
    if k == v.len() {
        return f(v);
    }
    for i in k..v.len() {
        v.swap(k, i);
        if permutations(v, k + 1, f) {
            v.swap(k, i);
            return true;
        }
        v.swap(k, i);
    }
    false
}
