//! `raftctl recover plan DIR...` (read-only) and `raftctl recover --data-dir DIR --id N`
//! (rewrites the membership of a stopped node).

use std::path::{Path, PathBuf};

use super::args::{GlobalArgs, OutputFormat, RecoverArgs, RecoverCommand};
use super::error::{CliError, CliResult};
use super::output;
use crate::inspect::recover::{plan, recover};
use crate::inspect::wal::MemberRow;
use crate::inspect::Error;

pub fn run(args: RecoverArgs, global: &GlobalArgs) -> CliResult {
    match (args.plan, args.data_dir, args.id) {
        (Some(RecoverCommand::Plan { dirs }), _, _) => run_plan(&dirs, global.output),
        (None, Some(dir), Some(id)) => run_recover(&dir, id, global.output),
        _ => Err(CliError::usage(
            "recover needs --data-dir DIR --id N, or the plan subcommand: raftctl recover plan DIR...",
        )),
    }
}

/// An offline command's error as one line, with the refusal's detail lines after it.
pub(crate) fn failed(e: Error) -> CliError {
    match e {
        Error::Refused { message, detail } => detail
            .into_iter()
            .fold(CliError::failure(message), CliError::with_detail),
        other => CliError::failure(other.to_string()),
    }
}

/// `1=http://...,2=http://...`, or `-` for none.
pub(crate) fn members(rows: &[MemberRow]) -> String {
    if rows.is_empty() {
        "-".to_string()
    } else {
        rows.iter()
            .map(|m| format!("{}={}", m.id, m.url))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn run_plan(dirs: &[PathBuf], format: OutputFormat) -> CliResult {
    let plan = plan(dirs).map_err(failed)?;
    if format == OutputFormat::Json {
        return output::print_json(&plan);
    }
    output::print(format, &plan, || {
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
    })?;
    for r in &plan.rejected {
        println!(
            "left out: {} fails the checks of `raftctl wal verify`: {}",
            r.data_dir,
            r.problems.join("; ")
        );
    }
    println!();
    println!(
        "most up to date: node {} ({}), by Raft's rule (highest last term, then highest last index)",
        plan.best.node_id, plan.best.data_dir
    );
    println!(
        "highest commit index known among the survivors: {}",
        plan.highest_commit
    );
    if plan.at_risk.is_empty() {
        println!(
            "entries at risk: none (node {} has nothing above it)",
            plan.best.node_id
        );
    } else {
        println!(
            "entries at risk ({}): above the highest known commit, kept by recover and committed by the new cluster",
            plan.at_risk.len()
        );
        output::print(format, &plan.at_risk, || {
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
        })?;
    }
    if !plan.lost.is_empty() {
        println!(
            "entries lost ({}): on other survivors only, dropped by recovering node {}",
            plan.lost.len(),
            plan.best.node_id
        );
        output::print(format, &plan.lost, || {
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
        })?;
    }
    for b in &plan.blockers {
        println!("recover would refuse: {b}");
    }
    println!("next: {}", plan.next_command);
    Ok(())
}

fn run_recover(dir: &Path, id: u64, format: OutputFormat) -> CliResult {
    let report = recover(dir, id).map_err(failed)?;
    if format == OutputFormat::Json {
        return output::print_json(&report);
    }
    if report.changed {
        println!(
            "recovered {}: node {} is now the only voter of cluster {}",
            report.data_dir, report.node_id, report.cluster_id
        );
    } else {
        println!(
            "{} already is a one-member cluster of node {}: membership unchanged",
            report.data_dir, report.node_id
        );
    }
    output::print(format, &report, || {
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
    })?;
    if let Some(old) = report.term_replaced {
        println!(
            "the stored term {old} is beyond any term an election reaches (a forged or damaged message): replaced by {}, the highest term in the log and snapshot, and the vote cleared",
            report.term
        );
    }
    if let Some(file) = &report.snapshot_file {
        println!("snapshot of the applied state with the new membership: {file}");
    }
    if report.entries_above_commit > 0 {
        println!(
            "{} entries above commit {} are kept: the node's first term as leader commits them",
            report.entries_above_commit, report.commit
        );
    }
    println!(
        "start it with:\n  {}\nthen grow the cluster with `raftctl member add` (new members start with empty data dirs)",
        report.serve_command
    );
    Ok(())
}
