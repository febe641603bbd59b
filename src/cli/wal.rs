//! `raftctl wal dump|hardstate|verify|conf-history|diff`: offline views of a stopped node's data dir.
//! The dir is opened read-only; nothing here writes to it.

use std::path::Path;

use super::args::{GlobalArgs, OutputFormat, WalCommand};
use super::error::{CliError, CliResult};
use super::output::{self, members, Out};
use crate::inspect::{self, DumpOptions};
use crate::storage::RedbStorage;

pub fn run(cmd: WalCommand, global: &GlobalArgs, out: &mut Out) -> CliResult {
    match cmd {
        WalCommand::Dump {
            data_dir,
            from,
            to,
            limit,
        } => {
            if let (Some(from), Some(to)) = (from, to) {
                if from > to {
                    return Err(CliError::usage(format!(
                        "--from {from} is after --to {to}: no entries to show"
                    )));
                }
            }
            dump(
                &data_dir,
                DumpOptions { from, to, limit },
                global.output,
                out,
            )
        }
        WalCommand::Hardstate { data_dir } => hardstate(&data_dir, global.output, out),
        WalCommand::Verify { data_dir } => verify(&data_dir, global.output, out),
        WalCommand::ConfHistory { data_dir } => conf_history(&data_dir, global.output, out),
        WalCommand::Diff { data_dirs } => diff(&data_dirs, global.output, out),
    }
}

fn dump(data_dir: &Path, opts: DumpOptions, format: OutputFormat, out: &mut Out) -> CliResult {
    let store = RedbStorage::open_read_only(data_dir)?;
    let dump = inspect::dump(&store, opts)?;
    out.print(format, &dump, || {
        let mut t = output::table(&["INDEX", "TERM", "TYPE", "SIZE", "SUMMARY"]);
        for e in &dump.entries {
            t.add_row(vec![
                e.index.to_string(),
                e.term.to_string(),
                e.entry_type.to_string(),
                e.size.to_string(),
                output::shown_summary(&e.summary),
            ]);
        }
        t
    })
}

/// Prints the hard state as stored, then checks it as `wal verify` does: an
/// inconsistent data dir exits 1 naming each problem, so that a script never takes a
/// damaged state for a good one.
fn hardstate(data_dir: &Path, format: OutputFormat, out: &mut Out) -> CliResult {
    let store = RedbStorage::open_read_only(data_dir)?;
    let hs = inspect::hardstate(&store)?;
    let report = inspect::verify(&store)?;
    print_hardstate(&hs, format, out)?;
    if report.ok {
        return Ok(());
    }
    let n = report.problems.len();
    let mut err = CliError::failure(format!(
        "the hard state above is not consistent with the rest of {}: {n} problem{} (see `raftctl wal verify`)",
        data_dir.display(),
        if n == 1 { "" } else { "s" },
    ));
    for p in &report.problems {
        err = err.with_detail(p.clone());
    }
    Err(err)
}

fn print_hardstate(
    hs: &inspect::HardStateReport,
    format: OutputFormat,
    out: &mut Out,
) -> CliResult {
    out.print(format, hs, || {
        let mut t = output::table(&["FIELD", "VALUE"]);
        let rows: [(&str, String); 14] = [
            ("node id", hs.node_id.to_string()),
            ("cluster id", hs.cluster_id.clone()),
            ("term", hs.term.to_string()),
            ("vote", hs.vote.map_or("-".into(), |v| v.to_string())),
            ("commit", hs.commit.to_string()),
            ("applied", hs.applied.to_string()),
            ("first index", hs.first_index.to_string()),
            ("last index", hs.last_index.to_string()),
            ("snapshot index", hs.snapshot.index.to_string()),
            ("snapshot term", hs.snapshot.term.to_string()),
            ("voters", members(&hs.voters)),
            ("learners", members(&hs.learners)),
            ("format version", hs.format_version.to_string()),
            ("db size bytes", hs.db_size_bytes.to_string()),
        ];
        for (field, value) in rows {
            t.add_row(vec![field.to_string(), value]);
        }
        t
    })
}

fn verify(data_dir: &Path, format: OutputFormat, out: &mut Out) -> CliResult {
    let store = RedbStorage::open_read_only(data_dir)?;
    let report = inspect::verify(&store)?;
    if format == OutputFormat::Json {
        out.json(&report)?;
    } else if report.ok {
        writeln!(
            out,
            "ok: {} is consistent ({} entries, log {}..={}, commit {}, applied {})",
            data_dir.display(),
            report.entries_checked,
            store.first_index(),
            store.last_index(),
            store.hard_state().commit,
            store.applied()
        )?;
    }
    if report.ok {
        return Ok(());
    }
    let n = report.problems.len();
    let mut err = CliError::failure(format!(
        "wal verify found {n} problem{} in {}",
        if n == 1 { "" } else { "s" },
        data_dir.display()
    ));
    for p in &report.problems {
        err = err.with_detail(p.clone());
    }
    Err(err)
}

fn conf_history(data_dir: &Path, format: OutputFormat, out: &mut Out) -> CliResult {
    let store = RedbStorage::open_read_only(data_dir)?;
    let h = inspect::conf_history(&store)?;
    let ids = |v: &[u64]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
        }
    };
    out.print(format, &h, || {
        let mut t = output::table(&["INDEX", "TERM", "CHANGE", "COMMITTED", "VOTERS", "LEARNERS"]);
        t.add_row(vec![
            h.start_index.to_string(),
            h.start_term.to_string(),
            "(the log starts here)".to_string(),
            "yes".to_string(),
            ids(&h.start_voters),
            ids(&h.start_learners),
        ]);
        for c in &h.changes {
            t.add_row(vec![
                c.index.to_string(),
                c.term.to_string(),
                output::shown_summary(&c.change),
                if c.committed { "yes" } else { "no" }.to_string(),
                ids(&c.voters),
                ids(&c.learners),
            ]);
        }
        t
    })
}

fn diff(data_dirs: &[std::path::PathBuf], format: OutputFormat, out: &mut Out) -> CliResult {
    let mut stores = Vec::with_capacity(data_dirs.len());
    for dir in data_dirs {
        stores.push((dir.display().to_string(), RedbStorage::open_read_only(dir)?));
    }
    let d = inspect::diff(&stores)?;
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    out.print(format, &d, || {
        let at = opt(d.first_difference);
        let mut t = output::table(&[
            "DIR",
            "NODE",
            "FIRST",
            "LAST",
            "COMMIT",
            &format!("TERM AT {at}"),
            "COMMITTED",
            "ENTRY",
        ]);
        for s in &d.sides {
            t.add_row(vec![
                s.dir.clone(),
                s.node_id.to_string(),
                s.first_index.to_string(),
                s.last_index.to_string(),
                s.commit.to_string(),
                opt(s.term_at_difference),
                if d.first_difference.is_none() {
                    "-"
                } else if s.committed_at_difference {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                output::shown_summary(s.entry_at_difference.as_deref().unwrap_or("")),
            ]);
        }
        t
    })?;
    let range = match (d.compared_from, d.compared_to) {
        (Some(a), Some(b)) => format!("{a}..={b}"),
        _ => "no index all of them hold".to_string(),
    };
    match d.first_difference {
        None => {
            if format == OutputFormat::Table {
                writeln!(out, "the logs agree on {range}")?;
            }
            Ok(())
        }
        Some(i) if d.conflicting_commits => Err(CliError::failure(format!(
            "the logs differ at index {i}, and DIFFERENT ENTRIES ARE COMMITTED there: Raft's \
             safety was broken (compared {range})"
        ))),
        Some(i) => Err(CliError::failure(format!(
            "the logs differ from index {i} on (compared {range}); no two different entries \
             are committed there: a member that was cut off has not been brought back in step"
        ))),
    }
}
