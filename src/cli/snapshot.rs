//! `raftctl snapshot take|save|inspect|restore`. `inspect` and `restore` work offline on
//! files and data dirs; `take` and `save` talk to a running node.

use std::collections::BTreeMap;
use std::path::Path;

use super::args::{GlobalArgs, OutputFormat, SnapshotCommand};
use super::error::{CliError, CliResult};
use super::output::{self, members, Out};
use super::runtime;
use super::serve;
use crate::inspect::snapshot::{inspect_snapshot, restore, RestoreOptions, SnapshotReport};
use crate::kv::snapshot_file::verify_snapshot_file;
use crate::storage::Membership;

pub fn run(cmd: SnapshotCommand, global: &GlobalArgs, out: &mut Out) -> CliResult {
    match cmd {
        SnapshotCommand::Take => take(global, out),
        SnapshotCommand::Save { file } => save(&file, global, out),
        SnapshotCommand::Inspect { file } => inspect(&file, global.output, out),
        SnapshotCommand::Restore {
            file,
            data_dir,
            id,
            initial_cluster,
            initial_cluster_token,
        } => {
            // The new cluster's members, all voters, as `serve --initial-cluster` takes them.
            let cluster = serve::initial_cluster(&initial_cluster, id)?;
            let opts = RestoreOptions {
                file,
                data_dir,
                node_id: id,
                membership: Membership {
                    voters: cluster.to_urls(),
                    learners: BTreeMap::new(),
                },
                token: initial_cluster_token,
            };
            run_restore(&opts, global.output, out)
        }
    }
}

/// `POST /v1/snapshot` on every endpoint given; fails if any of them failed.
fn take(global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    let results: Vec<_> = rt.block_on(async {
        let mut results = Vec::new();
        for url in client.endpoints() {
            let r = client.take_snapshot_at(&url).await;
            results.push((url, r));
        }
        results
    });
    let json = serde_json::json!({
        "snapshots": results.iter().map(|(url, r)| match r {
            Ok(s) => serde_json::json!({"endpoint": url, "index": s.index, "term": s.term, "size_bytes": s.size_bytes}),
            Err(e) => serde_json::json!({"endpoint": url, "error": e.to_string()}),
        }).collect::<Vec<_>>()
    });
    out.print(global.output, &json, || {
        let mut t = output::table(&["ENDPOINT", "INDEX", "TERM", "SIZE", "ERROR"]);
        for (url, r) in &results {
            match r {
                Ok(s) => t.add_row(vec![
                    url.clone(),
                    s.index.to_string(),
                    s.term.to_string(),
                    s.size_bytes.to_string(),
                    String::new(),
                ]),
                Err(e) => t.add_row(vec![
                    url.clone(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    e.to_string(),
                ]),
            };
        }
        t
    })?;
    let failed: Vec<_> = results
        .iter()
        .filter_map(|(url, r)| r.as_ref().err().map(|e| format!("{url}: {e}")))
        .collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => Err(CliError::failure(format!(
            "{} of {} snapshots failed: {first}",
            failed.len(),
            results.len()
        ))),
    }
}

/// Streams the latest snapshot into FILE.part, verifies it, then renames it to FILE.
/// Checks, before the server is asked for anything, that the file can be written: its
/// directory exists, FILE is not a directory, and FILE.part can be created there. An
/// existing FILE is replaced once the download is verified, as `etcdctl snapshot save`
/// does.
fn check_destination(file: &Path, part: &Path) -> CliResult {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(CliError::failure(format!(
            "cannot save to {}: directory {} does not exist; nothing was asked of the cluster",
            file.display(),
            dir.display()
        )));
    }
    if file.is_dir() {
        return Err(CliError::failure(format!(
            "cannot save to {}: it is a directory; nothing was asked of the cluster",
            file.display()
        )));
    }
    std::fs::File::create(part).map_err(|e| {
        CliError::failure(format!(
            "cannot write {}: {e}; nothing was asked of the cluster",
            part.display()
        ))
    })?;
    Ok(())
}

fn save(file: &Path, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    let mut part = file.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    check_destination(file, &part)?;
    let (from, _) = rt
        .block_on(client.download_snapshot(&part))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&part);
        })?;
    let verified = match verify_snapshot_file(&part) {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(CliError::failure(format!(
                "the snapshot downloaded from {from} is bad, nothing saved: {e}"
            )));
        }
    };
    std::fs::rename(&part, file).map_err(|e| {
        let _ = std::fs::remove_file(&part);
        CliError::failure(format!(
            "cannot move {} to {}: {e}",
            part.display(),
            file.display()
        ))
    })?;
    let json = serde_json::json!({
        "file": file.display().to_string(),
        "from": from,
        "index": verified.meta.index,
        "term": verified.meta.term,
        "size_bytes": verified.size_bytes,
        "keys": verified.keys,
        "checksum": format!("{:08x}", verified.checksum),
    });
    if global.output == OutputFormat::Json {
        return out.json(&json);
    }
    writeln!(
        out,
        "saved the snapshot at index {} term {} from {from} to {} ({} bytes, {} keys, checksum {:08x} verified)",
        verified.meta.index,
        verified.meta.term,
        file.display(),
        verified.size_bytes,
        verified.keys,
        verified.checksum
    )?;
    Ok(())
}

fn inspect(file: &Path, format: OutputFormat, out: &mut Out) -> CliResult {
    let report: SnapshotReport = inspect_snapshot(file)?;
    out.print(format, &report, || {
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

fn run_restore(opts: &RestoreOptions, format: OutputFormat, out: &mut Out) -> CliResult {
    let report = restore(opts)?;
    if format == OutputFormat::Json {
        return out.json(&report);
    }
    writeln!(
        out,
        "restored {} into {}: a new cluster {} (from cluster {})",
        opts.file.display(),
        report.data_dir,
        report.cluster_id,
        report.source_cluster_id
    )?;
    out.print(format, &report, || {
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
    writeln!(out, "start it with:\n  {}", report.serve_command)?;
    if report.voters.len() > 1 {
        writeln!(
            out,
            "restore every other member from the same file with the same --initial-cluster, each with its own --id and --data-dir"
        )?;
    }
    Ok(())
}
