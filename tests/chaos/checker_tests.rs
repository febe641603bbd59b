//! Tests of the linearizability checker: agreement with an exhaustive search on
//! thousands of small random histories, acceptance of long histories generated from a
//! linearizable execution, and rejection (with a short witness) of a stale read, a lost
//! write and a failed write that took effect.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::checker::{brute_force, check, Kind, Op, Outcome, Verdict};

const BUDGET: usize = 10_000_000;

fn op(process: usize, kind: Kind, outcome: Outcome, invoke: u64, complete: u64) -> Op {
    Op {
        process,
        key: "k".into(),
        kind,
        outcome,
        invoke,
        complete,
        via: 1,
    }
}

/// Applies `kind` at its linearization point to `state`; returns the outcome an honest
/// store would give.
fn honest(state: &mut Option<String>, kind: &Kind) -> Outcome {
    match kind {
        Kind::Put(v) => {
            *state = Some(v.clone());
            Outcome::Written
        }
        Kind::Get => Outcome::Read(state.clone()),
        Kind::Delete => Outcome::Deleted(state.take().is_some()),
    }
}

/// A history of `processes` sequential clients on one key, generated from a linearizable
/// execution (each operation takes effect at a point inside its interval), with some
/// failed operations (no effect) and some of unknown outcome (effect or not).
fn linearizable_history(
    rng: &mut StdRng,
    processes: usize,
    per_process: usize,
    values: &[&str],
    unique: bool,
) -> Vec<Op> {
    // (lp, effect?, op)
    let mut planned: Vec<(u64, bool, Op)> = Vec::new();
    let mut seq = 0;
    for p in 0..processes {
        let mut t = rng.gen_range(0..10);
        for _ in 0..per_process {
            let invoke = t + rng.gen_range(0..10);
            let lp = invoke + rng.gen_range(0..10);
            let complete = lp + rng.gen_range(0..10);
            t = complete + 1;
            seq += 1;
            let kind = match rng.gen_range(0..10) {
                0..4 => Kind::Get,
                4..8 => Kind::Put(if unique {
                    format!("v{seq}")
                } else {
                    values.choose(rng).expect("values").to_string()
                }),
                _ => Kind::Delete,
            };
            let roll = rng.gen_range(0..100);
            let (outcome, effect) = if roll < 8 {
                (Outcome::Fail("refused".into()), false)
            } else if roll < 20 {
                (Outcome::Unknown("timeout".into()), rng.gen_bool(0.5))
            } else {
                (Outcome::Written, true) // replaced by the honest answer below
            };
            planned.push((lp, effect, op(p, kind, outcome, invoke, complete)));
        }
    }
    planned.sort_by_key(|(lp, _, _)| *lp);
    let mut state = None;
    let mut ops = Vec::new();
    for (_, effect, mut o) in planned {
        if effect {
            let answer = honest(&mut state, &o.kind);
            if o.is_ok() {
                o.outcome = answer;
            }
        }
        ops.push(o);
    }
    ops
}

/// Changes the result of one answered operation, if any: the history may or may not
/// stay linearizable.
fn corrupt(rng: &mut StdRng, ops: &mut [Op], values: &[&str]) {
    let answered: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].is_ok()).collect();
    let Some(&i) = answered.choose(rng) else {
        return;
    };
    ops[i].outcome = match (&ops[i].kind, &ops[i].outcome) {
        (Kind::Get, _) => Outcome::Read(if rng.gen_bool(0.3) {
            None
        } else {
            Some(values.choose(rng).expect("values").to_string())
        }),
        (Kind::Delete, Outcome::Deleted(e)) => Outcome::Deleted(!e),
        // A put that "failed" although it took effect.
        (Kind::Put(_), _) => Outcome::Fail("said it failed".into()),
        (_, o) => o.clone(),
    };
}

#[test]
fn the_checker_agrees_with_brute_force_on_small_random_histories() {
    let values = ["a", "b", "c"];
    let mut rng = StdRng::seed_from_u64(0x11ea_41ab);
    let (mut yes, mut no) = (0, 0);
    for round in 0..6_000 {
        let processes = rng.gen_range(1..=3);
        let per = rng.gen_range(1..=7usize.div_ceil(processes));
        let mut ops = linearizable_history(&mut rng, processes, per, &values, false);
        ops.truncate(7);
        let honest = ops.clone();
        if rng.gen_bool(0.6) {
            corrupt(&mut rng, &mut ops, &values);
        }
        let expected = brute_force(&ops);
        let got = match check(&ops, BUDGET) {
            Verdict::Linearizable => true,
            Verdict::NotLinearizable { .. } => false,
            Verdict::GaveUp { .. } => panic!("gave up on a tiny history"),
        };
        assert_eq!(
            got, expected,
            "round {round}: the checker says {got}, brute force {expected}: {ops:#?}"
        );
        if expected {
            yes += 1;
        } else {
            no += 1;
        }
        // Before corruption the history came from a linearizable execution.
        assert!(
            brute_force(&honest),
            "round {round}: generator: {honest:#?}"
        );
    }
    // Both answers must be well represented for the comparison to mean something.
    assert!(yes > 1_000 && no > 1_000, "linearizable {yes}, not {no}");
}

#[test]
fn long_histories_from_linearizable_executions_are_accepted() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..20 {
        let ops = linearizable_history(&mut rng, 5, 200, &["x", "y"], true);
        match check(&ops, BUDGET) {
            Verdict::Linearizable => {}
            v => panic!("{v:?}"),
        }
    }
}

fn end_of(ops: &[Op]) -> u64 {
    ops.iter().map(|o| o.complete).max().unwrap_or(0) + 100
}

fn rejected(ops: &[Op]) -> String {
    match check(ops, BUDGET) {
        Verdict::NotLinearizable { witness, .. } => {
            assert!(
                witness.lines().count() <= 16,
                "the witness is not short:\n{witness}"
            );
            witness
        }
        v => panic!("expected a rejection, got {v:?}"),
    }
}

#[test]
fn a_stale_read_is_rejected_with_a_short_witness() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut ops = linearizable_history(&mut rng, 4, 100, &[], true);
    let t = end_of(&ops);
    ops.push(op(1, Kind::Put("old".into()), Outcome::Written, t, t + 10));
    ops.push(op(
        2,
        Kind::Put("new".into()),
        Outcome::Written,
        t + 20,
        t + 30,
    ));
    // A concurrent read may see either; one that starts after "new" was acknowledged
    // may not see "old".
    ops.push(op(
        3,
        Kind::Get,
        Outcome::Read(Some("old".into())),
        t + 25,
        t + 28,
    ));
    assert!(matches!(check(&ops, BUDGET), Verdict::Linearizable));
    ops.push(op(
        3,
        Kind::Get,
        Outcome::Read(Some("old".into())),
        t + 40,
        t + 50,
    ));
    let w = rejected(&ops);
    assert!(w.contains("get -> \"old\""), "{w}");
    assert!(w.contains("\"new\""), "{w}");
    eprintln!("stale read witness:\n{w}");
}

#[test]
fn a_lost_write_is_rejected_with_a_short_witness() {
    let mut rng = StdRng::seed_from_u64(4);
    let mut ops = linearizable_history(&mut rng, 4, 100, &[], true);
    let t = end_of(&ops);
    ops.push(op(
        0,
        Kind::Put("before".into()),
        Outcome::Written,
        t,
        t + 5,
    ));
    ops.push(op(
        1,
        Kind::Put("acked".into()),
        Outcome::Written,
        t + 10,
        t + 20,
    ));
    // The final read, after everything healed, finds the value from before the
    // acknowledged write: the write was lost (rolled back).
    ops.push(op(
        9,
        Kind::Get,
        Outcome::Read(Some("before".into())),
        t + 1000,
        t + 1010,
    ));
    let w = rejected(&ops);
    assert!(w.contains("get -> \"before\""), "{w}");
    assert!(w.contains("\"acked\""), "{w}");
    eprintln!("lost write witness:\n{w}");
    // Found absent, with no delete of unknown outcome that could explain it.
    let ops = vec![
        op(
            0,
            Kind::Put("x".into()),
            Outcome::Unknown("timeout".into()),
            0,
            0,
        ),
        op(1, Kind::Put("acked".into()), Outcome::Written, 10, 20),
        op(9, Kind::Get, Outcome::Read(None), 1000, 1010),
    ];
    let w = rejected(&ops);
    assert!(w.contains("get -> absent"), "{w}");
}

#[test]
fn unknown_writes_may_or_may_not_happen_but_failed_ones_must_not() {
    let t = 0;
    let base = vec![
        op(0, Kind::Put("a".into()), Outcome::Written, t, t + 10),
        op(
            1,
            Kind::Put("b".into()),
            Outcome::Unknown("timeout".into()),
            t + 20,
            t + 30,
        ),
        op(
            2,
            Kind::Get,
            Outcome::Read(Some("a".into())),
            t + 40,
            t + 50,
        ),
    ];
    // Not taken effect (yet): fine. Taken effect later: fine too.
    assert!(matches!(check(&base, BUDGET), Verdict::Linearizable));
    let mut later = base.clone();
    later.push(op(
        2,
        Kind::Get,
        Outcome::Read(Some("b".into())),
        t + 60,
        t + 70,
    ));
    assert!(matches!(check(&later, BUDGET), Verdict::Linearizable));
    // But once "b" was seen, "a" cannot come back.
    later.push(op(
        2,
        Kind::Get,
        Outcome::Read(Some("a".into())),
        t + 80,
        t + 90,
    ));
    rejected(&later);
    // A write that failed must never be seen.
    let mut failed = base.clone();
    failed[1].outcome = Outcome::Fail("no_leader".into());
    failed.push(op(
        2,
        Kind::Get,
        Outcome::Read(Some("b".into())),
        t + 60,
        t + 70,
    ));
    rejected(&failed);
    // A read never sees a value before its write began.
    let early = vec![
        op(0, Kind::Get, Outcome::Read(Some("z".into())), 0, 10),
        op(1, Kind::Put("z".into()), Outcome::Written, 20, 30),
    ];
    rejected(&early);
}
