//! `raftctl recover plan DIR...` (read-only) and `raftctl recover --data-dir DIR --id N`
//! (rewrites the membership of a stopped node).

use std::path::{Path, PathBuf};

use comfy_table::Table;

use super::args::{GlobalArgs, OutputFormat, RecoverArgs, RecoverCommand};
use super::error::{CliError, CliResult};
use super::output::{self, members, Out};
use crate::inspect::recover::{plan, recover, RecoverPlan, RecoverReport};

pub fn run(args: RecoverArgs, global: &GlobalArgs, out: &mut Out) -> CliResult {
    match (args.plan, args.data_dir, args.id) {
        (Some(RecoverCommand::Plan { dirs }), _, _) => run_plan(&dirs, global.output, out),
        (None, Some(dir), Some(id)) => run_recover(&dir, id, global.output, out),
        _ => Err(CliError::usage(
            "recover needs --data-dir DIR --id N, or the plan subcommand: raftctl recover plan DIR...",
        )),
    }
}

fn run_plan(dirs: &[PathBuf], format: OutputFormat, out: &mut Out) -> CliResult {
    let plan = plan(dirs)?;
    if format == OutputFormat::Json {
        return out.json(&plan);
    }
    out.print(format, &plan, || survivors_table(&plan))?;
    for r in &plan.rejected {
        writeln!(
            out,
            "left out: {} fails the checks of `raftctl wal verify`: {}",
            r.data_dir,
            r.problems.join("; ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "most up to date: node {} ({}), by Raft's rule (highest last term, then highest last index)",
        plan.best.node_id, plan.best.data_dir
    )?;
    writeln!(
        out,
        "highest commit index known among the survivors: {}",
        plan.highest_commit
    )?;
    print_at_risk(&plan, format, out)?;
    print_lost(&plan, format, out)?;
    for b in &plan.blockers {
        writeln!(out, "recover would refuse: {b}")?;
    }
    writeln!(out, "next: {}", plan.next_command)?;
    Ok(())
}

/// One row per survivor, the one to recover from starred.
fn survivors_table(plan: &RecoverPlan) -> Table {
    let mut t = output::table(&[
        "NODE",
        "DATA DIR",
        "TERM",
        "VOTE",
        "COMMIT",
        "APPLIED",
        "LAST INDEX",
        "LAST TERM",
        "VOTERS",
        "LEARNERS",
    ]);
    for s in &plan.survivors {
        let node = if s.node_id == plan.best.node_id {
            format!("{} *", s.node_id)
        } else {
            s.node_id.to_string()
        };
        t.add_row(vec![
            node,
            s.data_dir.clone(),
            s.term.to_string(),
            s.vote.map_or("-".into(), |v| v.to_string()),
            s.commit.to_string(),
            s.applied.to_string(),
            s.last_index.to_string(),
            s.last_term.to_string(),
            members(&s.voters),
            members(&s.learners),
        ]);
    }
    t
}

/// The chosen survivor's entries above the highest known commit.
fn print_at_risk(plan: &RecoverPlan, format: OutputFormat, out: &mut Out) -> CliResult {
    if plan.at_risk.is_empty() {
        writeln!(
            out,
            "entries at risk: none (node {} has nothing above it)",
            plan.best.node_id
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "entries at risk ({}): above the highest known commit, kept by recover and committed by the new cluster",
        plan.at_risk.len()
    )?;
    out.print(format, &plan.at_risk, || {
        let mut t = output::table(&["INDEX", "TERM", "TYPE", "SUMMARY"]);
        for e in &plan.at_risk {
            t.add_row(vec![
                e.index.to_string(),
                e.term.to_string(),
                e.entry_type.to_string(),
                e.summary.clone(),
            ]);
        }
        t
    })
}

/// Other survivors' entries that recovering from the chosen one drops, if any.
fn print_lost(plan: &RecoverPlan, format: OutputFormat, out: &mut Out) -> CliResult {
    if plan.lost.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "entries lost ({}): on other survivors only, dropped by recovering node {}",
        plan.lost.len(),
        plan.best.node_id
    )?;
    out.print(format, &plan.lost, || {
        let mut t = output::table(&["NODE", "INDEX", "TERM", "TYPE", "SUMMARY"]);
        for e in &plan.lost {
            t.add_row(vec![
                e.node_id.to_string(),
                e.index.to_string(),
                e.term.to_string(),
                e.entry_type.to_string(),
                e.summary.clone(),
            ]);
        }
        t
    })
}

fn run_recover(dir: &Path, id: u64, format: OutputFormat, out: &mut Out) -> CliResult {
    let report = recover(dir, id)?;
    if format == OutputFormat::Json {
        return out.json(&report);
    }
    if report.changed {
        writeln!(
            out,
            "recovered {}: node {} is now the only voter of cluster {}",
            report.data_dir, report.node_id, report.cluster_id
        )?;
    } else {
        writeln!(
            out,
            "{} already is a one-member cluster of node {}: membership unchanged",
            report.data_dir, report.node_id
        )?;
    }
    out.print(format, &report, || before_after_table(&report))?;
    if let Some(old) = report.term_replaced {
        writeln!(
            out,
            "the stored term {old} is beyond any term an election reaches (a forged or damaged message): replaced by {}, the highest term in the log and snapshot, and the vote cleared",
            report.term
        )?;
    }
    if let Some(file) = &report.snapshot_file {
        writeln!(
            out,
            "snapshot of the applied state with the new membership: {file}"
        )?;
    }
    if report.entries_above_commit > 0 {
        writeln!(
            out,
            "{} entries above commit {} are kept: the node's first term as leader commits them",
            report.entries_above_commit, report.commit
        )?;
    }
    writeln!(
        out,
        "start it with:\n  {}\nthen grow the cluster with `raftctl member add` (new members start with empty data dirs)",
        report.serve_command
    )?;
    Ok(())
}

/// What `recover` changed and kept, field by field.
fn before_after_table(report: &RecoverReport) -> Table {
    let mut t = output::table(&["FIELD", "BEFORE", "AFTER"]);
    t.add_row(vec![
        "voters".to_string(),
        members(&report.old_voters),
        members(&report.voters),
    ]);
    t.add_row(vec![
        "learners".to_string(),
        members(&report.old_learners),
        members(&report.learners),
    ]);
    match report.term_replaced {
        Some(old) => t.add_row(vec![
            "term".to_string(),
            old.to_string(),
            format!("{} (replaced, vote cleared)", report.term),
        ]),
        None => t.add_row(vec![
            "term".to_string(),
            report.term.to_string(),
            format!("{} (kept)", report.term),
        ]),
    };
    for (field, value) in [
        ("commit", report.commit),
        ("applied", report.applied),
        ("first index", report.first_index),
        ("last index", report.last_index),
    ] {
        t.add_row(vec![
            field.to_string(),
            value.to_string(),
            format!("{value} (kept)"),
        ]);
    }
    t
}
