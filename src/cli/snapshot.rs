//! `raftctl snapshot take|save|inspect|restore`. `inspect` and `restore` work offline on
//! files and data dirs; `take` and `save` talk to a running node.

use std::path::Path;

use super::args::{GlobalArgs, OutputFormat, SnapshotCommand};
use super::error::{CliError, CliResult};
use super::output;
use super::recover::{failed, members};
use crate::inspect::snapshot::{
    inspect_snapshot, parse_initial_cluster, restore, RestoreOptions, SnapshotReport,
};

pub fn run(cmd: SnapshotCommand, global: &GlobalArgs) -> CliResult {
    match cmd {
        SnapshotCommand::Take => take(global),
        SnapshotCommand::Save { file } => save(&file, global),
        SnapshotCommand::Inspect { file } => inspect(&file, global.output),
        SnapshotCommand::Restore {
            file,
            data_dir,
            id,
            initial_cluster,
            initial_cluster_token,
        } => {
            let membership = parse_initial_cluster(&initial_cluster).map_err(|why| {
                CliError::usage(format!("--initial-cluster {initial_cluster:?}: {why}"))
            })?;
            if membership.url(id).is_none() {
                return Err(CliError::usage(format!(
                    "--id {id} is not listed in --initial-cluster {initial_cluster:?}: add {id}=URL to it or pick one of its ids"
                )));
            }
            let opts = RestoreOptions {
                file,
                data_dir,
                node_id: id,
                membership,
                token: initial_cluster_token,
            };
            run_restore(&opts, global.output)
        }
    }
}

/// Online: needs the node HTTP API.
fn take(_global: &GlobalArgs) -> CliResult {
    Err(CliError::failure(
        "snapshot take needs a running node's HTTP API, which this build does not provide yet",
    ))
}

/// Online: needs the node HTTP API.
fn save(_file: &Path, _global: &GlobalArgs) -> CliResult {
    Err(CliError::failure(
        "snapshot save needs a running node's HTTP API, which this build does not provide yet",
    ))
}

fn inspect(file: &Path, format: OutputFormat) -> CliResult {
    let report: SnapshotReport = inspect_snapshot(file).map_err(failed)?;
    output::print(format, &report, || {
        let mut t = output::table(&["FIELD", "VALUE"]);
        let rows: [(&str, String); 9] = [
            ("file", report.file.clone()),
            ("index", report.index.to_string()),
            ("term", report.term.to_string()),
            ("cluster id", report.cluster_id.clone()),
            ("voters", members(&report.voters)),
            ("learners", members(&report.learners)),
            ("keys", report.keys.to_string()),
            ("size bytes", report.size_bytes.to_string()),
            ("checksum", format!("crc32c {} (verified)", report.checksum)),
        ];
        for (field, value) in rows {
            t.add_row(vec![field.to_string(), value]);
        }
        t
    })
}

fn run_restore(opts: &RestoreOptions, format: OutputFormat) -> CliResult {
    let report = restore(opts).map_err(failed)?;
    if format == OutputFormat::Json {
        return output::print_json(&report);
    }
    println!(
        "restored {} into {}: a new cluster {} (from cluster {})",
        opts.file.display(),
        report.data_dir,
        report.cluster_id,
        report.source_cluster_id
    );
    output::print(format, &report, || {
        let mut t = output::table(&["FIELD", "VALUE"]);
        let rows: [(&str, String); 9] = [
            ("node id", report.node_id.to_string()),
            ("cluster id", report.cluster_id.clone()),
            ("voters", members(&report.voters)),
            ("learners", members(&report.learners)),
            ("snapshot index", report.index.to_string()),
            ("snapshot term", report.term.to_string()),
            ("keys", report.keys.to_string()),
            ("log starts at", report.first_index.to_string()),
            ("snapshot file", report.snapshot_file.clone()),
        ];
        for (field, value) in rows {
            t.add_row(vec![field.to_string(), value]);
        }
        t
    })?;
    println!("start it with:\n  {}", report.serve_command);
    if report.voters.len() > 1 {
        println!(
            "restore every other member from the same file with the same --initial-cluster, each with its own --id and --data-dir"
        );
    }
    Ok(())
}
