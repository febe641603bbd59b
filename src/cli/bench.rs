//! `raftctl bench put|get|mixed`: settings from the flags, progress on stderr while the
//! load runs ([`crate::bench`]), then one table or the JSON report.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{
    BenchArgs, BenchCommand, BenchLoadArgs, BenchReadArgs, BenchTarget, GlobalArgs, OutputFormat,
    ReadConsistency,
};
use super::error::{CliError, CliResult};
use super::output::{table, Out};
use super::runtime;
use crate::bench::report::{Latency, OpReport};
use crate::bench::{self, BenchConfig, Consistency, Progress, Report, Stop, Target, Workload};

/// How long a run lasts when neither --duration nor --requests is given.
const DEFAULT_DURATION: Duration = Duration::from_secs(10);

/// Runs one bench workload.
pub fn run(args: BenchArgs, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let config = settings(global, &args.command)?;
    let rt = runtime()?;
    let report = rt.block_on(async {
        let client = global.client()?;
        let targets = bench::resolve_targets(&client, config.target).await?;
        if config.prefill {
            if global.output == OutputFormat::Table || std::io::stderr().is_terminal() {
                out.note(format_args!("prefilling {} keys...", config.keys));
            }
            bench::prefill(&config, &client, &targets).await?;
        }
        let mut view = ProgressView::new(global.output, &config);
        let interrupt = async {
            // Without a signal handler, run to the end rather than stop at once.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let report = bench::run_until(
            &config,
            &client,
            &targets,
            |p| view.update(p, out),
            interrupt,
        )
        .await;
        view.finish();
        Ok::<_, CliError>(report?)
    })?;
    match global.output {
        OutputFormat::Json => out.json(&report)?,
        OutputFormat::Table => writeln!(out, "{}", report_lines(&report).join("\n"))?,
    }
    match report.failure() {
        Some(why) => Err(CliError::failure(why)),
        None => Ok(()),
    }
}

/// The validated settings of a run.
fn settings(global: &GlobalArgs, cmd: &BenchCommand) -> CliResult<BenchConfig> {
    let (load, reads, workload): (&BenchLoadArgs, Option<&BenchReadArgs>, Workload) = match cmd {
        BenchCommand::Put { load } => (load, None, Workload::Put),
        BenchCommand::Get { load, reads } => (load, Some(reads), Workload::Get),
        BenchCommand::Mixed {
            load,
            reads,
            read_ratio,
        } => (
            load,
            Some(reads),
            Workload::Mixed {
                read_ratio: *read_ratio,
            },
        ),
    };
    let config = BenchConfig {
        workload,
        clients: usize::try_from(load.clients)
            .map_err(|_| CliError::usage("--clients is larger than this machine can address"))?,
        stop: match (load.requests, load.duration) {
            (Some(n), _) => Stop::Requests(n),
            (None, d) => Stop::After(d.unwrap_or(DEFAULT_DURATION)),
        },
        value_size: load.value_size,
        keys: load.keys,
        consistency: match reads.map(|r| r.consistency) {
            Some(ReadConsistency::Stale) => Consistency::Stale,
            _ => Consistency::Linearizable,
        },
        target: match load.target {
            BenchTarget::Leader => Target::Leader,
            BenchTarget::All => Target::All,
        },
        prefill: reads.is_some_and(|r| r.prefill),
        seed: load.seed.unwrap_or_else(rand::random),
        timeout: global.timeout,
    };
    config.validate()?;
    Ok(config)
}

/// Progress on stderr: a bar on a terminal, else a line a second for people reading a
/// log (table output), nothing for scripts (JSON output).
enum ProgressView {
    /// The bar counts requests (`--requests`) or milliseconds of `--duration`.
    Bar {
        bar: ProgressBar,
        counts_requests: bool,
    },
    Lines,
    Quiet,
}

impl ProgressView {
    fn new(output: OutputFormat, config: &BenchConfig) -> ProgressView {
        if std::io::stderr().is_terminal() {
            let len = match config.stop {
                Stop::Requests(n) => n,
                Stop::After(d) => u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            };
            let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {msg}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(format!("{} clients starting", config.clients));
            return ProgressView::Bar {
                bar,
                counts_requests: matches!(config.stop, Stop::Requests(_)),
            };
        }
        match output {
            OutputFormat::Table => ProgressView::Lines,
            OutputFormat::Json => ProgressView::Quiet,
        }
    }

    fn update(&mut self, p: &Progress, out: &mut Out) {
        let text = format!("{} ops, {:.0} ops/s, {} errors", p.ops, p.rate, p.errors);
        match self {
            ProgressView::Bar {
                bar,
                counts_requests,
            } => {
                let pos = if *counts_requests {
                    p.ops
                } else {
                    u64::try_from(p.elapsed.as_millis()).unwrap_or(u64::MAX)
                };
                bar.set_position(pos);
                bar.set_message(text);
            }
            ProgressView::Lines => {
                out.note(format_args!("{:>6.1}s  {text}", p.elapsed.as_secs_f64()));
            }
            ProgressView::Quiet => {}
        }
    }

    fn finish(&self) {
        if let ProgressView::Bar { bar, .. } = self {
            bar.finish_and_clear();
        }
    }
}

/// The human form: a header line, one row per operation kind, error counts.
fn report_lines(r: &Report) -> Vec<String> {
    let c = &r.config;
    let mut lines = vec![format!(
        "{} against {} ({}): {} clients, {} keys, {} B values{}{}, {:.2} s",
        r.workload,
        c.targets.join(", "),
        c.target,
        c.clients,
        c.keys,
        c.value_size,
        c.read_ratio
            .map(|r| format!(", read ratio {r}"))
            .unwrap_or_default(),
        c.consistency
            .map(|r| format!(", {r} reads"))
            .unwrap_or_default(),
        r.elapsed_s,
    )];
    let mut t = table(&[
        "OP", "OPS/S", "OK", "ERRORS", "P50 MS", "P90 MS", "P99 MS", "P99.9 MS", "MAX MS",
    ]);
    let mut rows: Vec<(&str, &OpReport)> = Vec::new();
    if let Some(reads) = &r.reads {
        rows.push(("read", reads));
    }
    if let Some(w) = &r.writes {
        rows.push(("write", w));
    }
    if rows.len() != 1 {
        rows.push(("total", &r.total));
    }
    for (name, op) in rows {
        let ms = |f: fn(&Latency) -> f64| {
            op.latency_ms
                .as_ref()
                .map_or("-".to_string(), |l| format!("{:.2}", f(l)))
        };
        t.add_row(vec![
            name.to_string(),
            format!("{:.0}", op.throughput_ops_s),
            op.ok.to_string(),
            op.errors.to_string(),
            ms(|l| l.p50),
            ms(|l| l.p90),
            ms(|l| l.p99),
            ms(|l| l.p999),
            ms(|l| l.max),
        ]);
    }
    lines.extend(t.to_string().lines().map(|l| l.trim_end().to_string()));
    for (kind, n) in &r.total.errors_by_kind {
        let first = r
            .total
            .first_messages
            .get(kind)
            .map(String::as_str)
            .unwrap_or("");
        lines.push(format!("errors {kind}: {n} (first: {first})"));
    }
    if r.interrupted {
        lines.push("interrupted: the run was stopped early".to_string());
    }
    if r.total.not_found > 0 {
        lines.push(format!(
            "{} reads found no key (--prefill writes every key first)",
            r.total.not_found
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<super::super::Cli, clap::Error> {
        super::super::Cli::try_parse_from(std::iter::once("raftctl").chain(args.iter().copied()))
    }

    fn config_of(args: &[&str]) -> CliResult<BenchConfig> {
        let cli = parse(args).expect("parses");
        match cli.command {
            super::super::Command::Bench(b) => settings(&cli.global, &b.command),
            other => panic!("not a bench command: {other:?}"),
        }
    }

    #[test]
    fn defaults_follow_the_spec() {
        let c = config_of(&["bench", "put"]).expect("valid");
        assert_eq!(c.clients, 16);
        assert_eq!(c.stop, Stop::After(Duration::from_secs(10)));
        assert_eq!((c.value_size, c.keys), (256, 10_000));
        assert_eq!(c.target, Target::Leader);
        assert_eq!(c.workload, Workload::Put);
        let c = config_of(&[
            "bench",
            "mixed",
            "--requests",
            "5",
            "--consistency",
            "stale",
        ])
        .expect("valid");
        assert_eq!(c.workload, Workload::Mixed { read_ratio: 0.5 });
        assert_eq!(c.stop, Stop::Requests(5));
        assert_eq!(c.consistency, Consistency::Stale);
        let c = config_of(&[
            "bench",
            "get",
            "--duration",
            "500ms",
            "--prefill",
            "--seed",
            "3",
        ])
        .expect("valid");
        assert_eq!(c.stop, Stop::After(Duration::from_millis(500)));
        assert!(c.prefill);
        assert_eq!(c.seed, 3);
    }

    #[test]
    fn bad_flags_are_usage_errors_naming_the_flag() {
        for (args, flag) in [
            (
                &["bench", "mixed", "--read-ratio", "1.5"][..],
                "--read-ratio",
            ),
            (
                &["bench", "mixed", "--read-ratio", "-0.1"][..],
                "--read-ratio",
            ),
            (&["bench", "put", "--clients", "0"][..], "--clients"),
            (&["bench", "get", "--keys", "0"][..], "--keys"),
            (&["bench", "put", "--requests", "0"][..], "--requests"),
            (&["bench", "put", "--duration", "soon"][..], "--duration"),
            (
                &["bench", "put", "--duration", "1s", "--requests", "3"][..],
                "--requests",
            ),
            (
                &["bench", "put", "--consistency", "stale"][..],
                "--consistency",
            ),
        ] {
            let err = parse(args).expect_err(flag);
            assert_eq!(err.exit_code(), 2, "{args:?}");
            assert!(err.to_string().contains(flag), "{args:?}: {err}");
        }
        let err = config_of(&["bench", "put", "--duration", "0s"]).expect_err("zero");
        assert_eq!(err.code, super::super::ExitCode::Usage);
        assert!(err.message.starts_with("--duration"), "{err}");
        let err = config_of(&["bench", "put", "--value-size", "1000000"]).expect_err("big");
        assert!(err.message.starts_with("--value-size"), "{err}");
    }

    #[test]
    fn the_table_has_a_row_per_operation_and_the_errors() {
        let cfg = config_of(&["bench", "mixed", "--requests", "10", "--seed", "1"]).expect("valid");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        drop(listener);
        let rt = runtime().expect("runtime");
        let report = rt
            .block_on(async {
                let tls = crate::client::TlsOptions::default();
                let client = crate::client::Client::new(
                    std::slice::from_ref(&url),
                    Duration::from_secs(1),
                    &tls,
                    None,
                )
                .expect("client");
                bench::run(&cfg, &client, std::slice::from_ref(&url), |_| {}).await
            })
            .expect("report");
        let lines = report_lines(&report);
        assert!(
            lines[0].starts_with(&format!("mixed against {url} (leader): 16 clients")),
            "{lines:?}"
        );
        assert!(lines[1].trim_start().starts_with("OP"), "{lines:?}");
        assert!(lines[2].trim_start().starts_with("read"), "{lines:?}");
        assert!(lines[3].trim_start().starts_with("write"), "{lines:?}");
        assert!(lines[4].trim_start().starts_with("total"), "{lines:?}");
        assert_eq!(
            lines[5],
            format!("errors connect: 10 (first: no member of {url} answered: connection refused)")
        );
    }
}
