//! The `raftctl` command line: clap types only, each command with its whole help (the
//! one-line summary as its doc comment, the longer description and the examples as
//! consts attached to it). Handlers live in the sibling modules of `cli`.
//!
//! This file holds the root: global flags, the list of commands, and the value parsers
//! several groups share. Each group's flags and texts are in its own file below.

mod bench;
mod cert;
mod cluster;
mod kv;
mod offline;
mod serve;
mod snapshot;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use bench::{
    BenchArgs, BenchCommand, BenchLoadArgs, BenchReadArgs, BenchTarget, ReadConsistency,
};
pub use cert::{CertCommand, CertWriteArgs, RoleArg};
pub use cluster::{
    ChangeArgs, DoctorArgs, HealthArgs, LeaderCommand, MemberCommand, ReplaceArgs, TopArgs,
};
pub use kv::KvCommand;
pub use offline::{RecoverArgs, RecoverCommand, WalCommand};
pub use serve::{PlaygroundArgs, ServeArgs};
pub use snapshot::SnapshotCommand;

/// `raftctl --help`: what the tool is for, and the exit codes.
const LONG_ABOUT: &str = "\
Run, operate and inspect a Raft cluster that replicates a key-value store.

`raftctl serve` runs a member; the client commands (kv, status, health, doctor, top, member, \
leader, snapshot, bench) talk to the members named by --endpoints (or RAFTCTL_ENDPOINTS), trying them in \
order and following the leader; the offline commands (wal, snapshot inspect/restore, \
recover) read a stopped member's data directory; `raftctl cert` makes and inspects the \
cluster's certificates and client tokens.

Exit codes: 0 success, 1 the operation failed (one line on stderr first, then detail), \
2 usage error.";

const EXAMPLES: &str = "\
Examples:
  # start a three-member TLS cluster on 127.0.0.1:7001-7003, then paste the export
  # lines it prints (endpoints, CA, an admin client certificate) in another terminal
  raftctl playground
  raftctl kv put greeting hello
  raftctl kv get greeting
  raftctl status";

/// The parsed command line: the global flags and one command. (`about` is the crate's
/// description, `long_about` and the examples are the consts above.)
#[derive(Debug, Parser)]
#[command(
    name = "raftctl",
    version,
    about,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    after_long_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every client command understands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Members to talk to, tried in order (comma-separated URLs).
    #[arg(
        long,
        global = true,
        env = "RAFTCTL_ENDPOINTS",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:7001"
    )]
    pub endpoints: Vec<String>,
    /// Output format.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// How long to wait for each request (e.g. 500ms, 5s, 2m).
    #[arg(long, global = true, value_parser = parse_timeout, default_value = "5s")]
    pub timeout: Duration,
    /// PEM file of the cluster CA: it signed the members' certificates; needed for
    /// https://. For `serve`, the CA that signs every member and client it accepts.
    #[arg(
        id = "tls_cacert",
        long = "cacert",
        global = true,
        env = "RAFTCTL_CACERT",
        value_name = "FILE"
    )]
    pub cacert: Option<PathBuf>,
    /// PEM file of this process's certificate, for mutual TLS (with --key); for `serve`,
    /// the member's own certificate, which names its --id.
    #[arg(
        id = "tls_cert",
        long = "cert",
        global = true,
        env = "RAFTCTL_CERT",
        value_name = "FILE"
    )]
    pub cert: Option<PathBuf>,
    /// PEM file of the private key of --cert.
    #[arg(
        id = "tls_key",
        long = "key",
        global = true,
        env = "RAFTCTL_KEY",
        value_name = "FILE"
    )]
    pub key: Option<PathBuf>,
    /// Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate.
    #[arg(
        id = "auth_token",
        long = "token",
        global = true,
        env = "RAFTCTL_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
}

impl GlobalArgs {
    /// --cacert, --cert and --key.
    pub fn tls(&self) -> crate::client::TlsOptions {
        crate::client::TlsOptions {
            cacert: self.cacert.clone(),
            cert: self.cert.clone(),
            key: self.key.clone(),
        }
    }

    /// A client for --endpoints with --timeout, the TLS files and --token.
    pub fn client(&self) -> Result<crate::client::Client, crate::client::ClientError> {
        crate::client::Client::new(
            &self.endpoints,
            self.timeout,
            &self.tls(),
            self.token.as_deref(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

/// The commands: each one's summary is its doc comment here; its longer description and
/// examples are consts in the file that defines its flags (`kv.rs` for `kv`, ...).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a Raft node.
    #[command(
        long_about = serve::SERVE_LONG_ABOUT,
        after_help = serve::SERVE_EXAMPLES,
        after_long_help = serve::SERVE_EXAMPLES
    )]
    Serve(Box<ServeArgs>),
    /// Read and write keys.
    #[command(
        subcommand,
        long_about = kv::LONG_ABOUT,
        after_help = kv::EXAMPLES,
        after_long_help = kv::EXAMPLES
    )]
    Kv(KvCommand),
    /// Show every member's state, one row per member.
    #[command(
        long_about = cluster::STATUS_LONG_ABOUT,
        after_help = cluster::STATUS_EXAMPLES,
        after_long_help = cluster::STATUS_EXAMPLES
    )]
    Status,
    /// Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded,
    /// 2 unavailable.
    #[command(
        long_about = cluster::HEALTH_LONG_ABOUT,
        after_help = cluster::HEALTH_EXAMPLES,
        after_long_help = cluster::HEALTH_EXAMPLES
    )]
    Health(HealthArgs),
    /// Find what is wrong or about to go wrong, with the evidence and the command that
    /// fixes it: exit 0 all ok, 1 degraded, 2 unavailable.
    #[command(
        long_about = cluster::DOCTOR_LONG_ABOUT,
        after_help = cluster::DOCTOR_EXAMPLES,
        after_long_help = cluster::DOCTOR_EXAMPLES
    )]
    Doctor(DoctorArgs),
    /// A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes.
    #[command(
        long_about = cluster::TOP_LONG_ABOUT,
        after_help = cluster::TOP_EXAMPLES,
        after_long_help = cluster::TOP_EXAMPLES
    )]
    Top(TopArgs),
    /// Read a stopped node's log and hard state offline.
    #[command(
        subcommand,
        long_about = offline::WAL_LONG_ABOUT,
        after_help = offline::WAL_EXAMPLES,
        after_long_help = offline::WAL_EXAMPLES
    )]
    Wal(WalCommand),
    /// Load-test the cluster: throughput, latency percentiles and errors by kind.
    #[command(
        after_help = bench::EXAMPLES,
        after_long_help = bench::with_json_help(bench::EXAMPLES)
    )]
    Bench(BenchArgs),
    /// Take, download, inspect and restore snapshots.
    #[command(
        subcommand,
        after_help = snapshot::EXAMPLES,
        after_long_help = snapshot::EXAMPLES
    )]
    Snapshot(SnapshotCommand),
    /// List and change the members, one change at a time, with guard rails.
    #[command(
        subcommand,
        after_help = cluster::MEMBER_EXAMPLES,
        after_long_help = cluster::MEMBER_EXAMPLES
    )]
    Member(MemberCommand),
    /// Move leadership to another voter.
    #[command(
        subcommand,
        after_help = cluster::LEADER_EXAMPLES,
        after_long_help = cluster::LEADER_EXAMPLES
    )]
    Leader(LeaderCommand),
    /// Offline disaster recovery after a cluster lost its quorum for good.
    #[command(
        long_about = offline::RECOVER_LONG_ABOUT,
        after_help = offline::RECOVER_EXAMPLES,
        after_long_help = offline::RECOVER_EXAMPLES
    )]
    Recover(RecoverArgs),
    /// Make and inspect the cluster's certificates and client tokens.
    #[command(
        subcommand,
        long_about = cert::LONG_ABOUT,
        after_help = cert::EXAMPLES,
        after_long_help = cert::EXAMPLES
    )]
    Cert(CertCommand),
    /// Start a local cluster of N members for trying raftctl out.
    #[command(
        long_about = serve::PLAYGROUND_LONG_ABOUT,
        after_help = serve::PLAYGROUND_EXAMPLES,
        after_long_help = serve::PLAYGROUND_EXAMPLES
    )]
    Playground(PlaygroundArgs),
    /// Print a shell completion script to stdout.
    #[command(
        long_about = COMPLETIONS_LONG_ABOUT,
        after_help = COMPLETIONS_EXAMPLES,
        after_long_help = COMPLETIONS_EXAMPLES
    )]
    Completions {
        /// The shell to generate for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write one man page per command into a directory.
    #[command(
        long_about = MAN_LONG_ABOUT,
        after_help = MAN_EXAMPLES,
        after_long_help = MAN_EXAMPLES
    )]
    Man {
        /// Directory to write raftctl.1, raftctl-kv-put.1, ... into (created if missing).
        dir: PathBuf,
    },
}

const COMPLETIONS_LONG_ABOUT: &str = "\
Print a completion script for SHELL to stdout. The same scripts are committed \
under completions/ in the source tree.";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  raftctl completions bash > ~/.local/share/bash-completion/completions/raftctl
  raftctl completions zsh > ~/.zfunc/_raftctl
  raftctl completions fish > ~/.config/fish/completions/raftctl.fish";

const MAN_LONG_ABOUT: &str = "\
Write one man page per command (raftctl.1, raftctl-kv.1, raftctl-kv-put.1, ...) \
into DIR. The same pages are committed under man/ in the source tree.";

const MAN_EXAMPLES: &str = "\
Examples:
  raftctl man ~/.local/share/man/man1
  man raftctl-kv-put";

/// A member id as flags take it: from 1 to 2^53-1, as ids travel as JSON numbers, which
/// are exact only below 2^53.
fn member_id() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX)
}

/// The shortest `--timeout`: below it every request would time out before it is sent.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// A request timeout: a duration of at least [`MIN_TIMEOUT`].
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d < MIN_TIMEOUT {
        return Err(format!(
            "{} is too short: a timeout must be at least 1ms",
            humantime::format_duration(d)
        ));
    }
    Ok(d)
}

/// Parses `500ms`, `5s`, `2m` (humantime), and a bare number as seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("{e} (expected a duration such as 500ms, 5s or 2m)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_accept_units() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn timeouts_below_a_millisecond_are_refused() {
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("1ns").is_err());
        assert!(parse_timeout("999us").is_err());
        assert_eq!(parse_timeout("1ms").unwrap(), Duration::from_millis(1));
    }

    /// Every command, walked from the root, shows examples after its short and its long
    /// help: a command added without them fails here, before any man page is written.
    #[test]
    fn every_command_has_examples() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let shows = |text: Option<&clap::builder::StyledStr>| {
                text.map(ToString::to_string).is_some_and(|t| {
                    t.starts_with("Examples:\n  ") || t.contains("\n\nExamples:\n  ")
                })
            };
            // --help shows the long closing text when there is one, else the short one.
            let long = cmd.get_after_long_help().or(cmd.get_after_help());
            if !shows(cmd.get_after_help()) || !shows(long) {
                missing.push(format!("raftctl {path}").trim_end().to_string());
            }
            for sub in cmd.get_subcommands() {
                walk(
                    sub,
                    format!("{path} {}", sub.get_name()).trim_start(),
                    missing,
                );
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(
            missing.is_empty(),
            "no examples (an EXAMPLES const in after_help) for: {missing:?}"
        );
    }

    #[test]
    fn ids_are_json_safe() {
        let parse = |id: &str| Cli::try_parse_from(["raftctl", "serve", "--id", id]);
        assert!(parse("0").is_err());
        assert!(parse(&((1u64 << 53) - 1).to_string()).is_ok());
        assert!(parse(&(1u64 << 53).to_string()).is_err());
    }
}
