//! The `raftctl` command line: clap types only. Handlers live in the sibling modules.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Run, operate and inspect a Raft cluster that replicates a key-value store.
#[derive(Debug, Parser)]
#[command(name = "raftctl", version, about, long_about = None, propagate_version = true)]
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a Raft node.
    Serve(ServeArgs),
    /// Read and write keys.
    #[command(subcommand)]
    Kv(KvCommand),
    /// Show every member's state, one row per member.
    Status,
    /// Read a stopped node's log and hard state offline.
    #[command(subcommand)]
    Wal(WalCommand),
    /// Load-test the cluster: throughput, latency percentiles and errors by kind.
    Bench(BenchArgs),
    /// Take, download, inspect and restore snapshots.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// List and change the members, one change at a time, with guard rails.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Move leadership to another voter.
    #[command(subcommand)]
    Leader(LeaderCommand),
    /// Offline disaster recovery after a cluster lost its quorum for good.
    ///
    /// Rewrites the membership of a STOPPED node's data dir to this node as the only voter
    /// (keeping its URL, its whole log, hard state and data), so it starts as a one-member
    /// cluster that can grow again with `member add`. Use it only when the other members
    /// are gone for good; run `raftctl recover plan` over the survivors first to pick the
    /// most up-to-date one.
    ///
    /// Commit is not raised: entries above it are the survivor's own and are committed by
    /// the new cluster's first leader (a single voter is its own majority). Committed
    /// entries not yet applied are applied first, so that the snapshot file it writes is
    /// the state at one index. Refused, with
    /// nothing changed, when the dir is in use, --id is not this dir's node or not a
    /// member, or the log holds a membership change above the applied index (applying it
    /// later would bring back or remove members of the lost cluster): a committed one is
    /// applied by starting the node once as it is before recovering.
    Recover(RecoverArgs),
    /// Make and inspect the cluster's certificates and client tokens.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Start a local cluster of N members for trying raftctl out.
    Playground(super::playground::PlaygroundArgs),
    /// Print a shell completion script to stdout.
    Completions {
        /// The shell to generate for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write one man page per command into a directory.
    Man {
        /// Directory to write raftctl.1, raftctl-kv-put.1, ... into (created if missing).
        dir: PathBuf,
    },
}

/// Flags of the `cert create-*` commands that write a certificate and key.
#[derive(Debug, Clone, Copy, Args)]
pub struct CertWriteArgs {
    /// Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365
    /// otherwise].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::tls::cert::MAX_DAYS)))]
    pub days: Option<u32>,
    /// Replace existing files (each one in a single step, the key before the certificate).
    #[arg(long)]
    pub force: bool,
}

/// A client's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// get, list, status, members, health, metrics.
    Read,
    /// read, plus put and delete.
    Write,
    /// write, plus membership, leader transfer and snapshots.
    Admin,
}

impl From<RoleArg> for crate::tls::Role {
    fn from(role: RoleArg) -> crate::tls::Role {
        match role {
            RoleArg::Read => crate::tls::Role::Read,
            RoleArg::Write => crate::tls::Role::Write,
            RoleArg::Admin => crate::tls::Role::Admin,
        }
    }
}

fn parse_client_name(s: &str) -> Result<String, String> {
    crate::tls::identity::check_client_name(s).map(|()| s.to_owned())
}

fn parse_host(s: &str) -> Result<String, String> {
    crate::tls::cert::check_host(s).map(|()| s.to_owned())
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing).
    CreateCa {
        /// Directory to write ca.crt and ca.key into.
        dir: PathBuf,
        #[command(flatten)]
        write: CertWriteArgs,
    },
    /// Make a member's certificate and key (member-ID.crt, member-ID.key), signed by the CA.
    CreateMember {
        /// The member's id, from 1 to 2^53-1 (its --id in `raftctl serve`).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
        id: u64,
        /// Names and IP addresses peers and clients reach the member at (comma-separated
        /// or repeated); at least one.
        #[arg(long = "host", value_name = "HOST", required = true, value_delimiter = ',', value_parser = parse_host)]
        hosts: Vec<String>,
        /// The CA's directory (holding ca.crt and ca.key).
        #[arg(long, value_name = "DIR")]
        ca: PathBuf,
        /// Where to write the files [default: the CA's directory].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        write: CertWriteArgs,
    },
    /// Make a client's certificate and key (client-NAME.crt, client-NAME.key), signed by the CA.
    CreateClient {
        /// The client's name: 1 to 64 of A-Z a-z 0-9 . _ -
        #[arg(long, value_parser = parse_client_name)]
        name: String,
        /// What the client may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The CA's directory (holding ca.crt and ca.key).
        #[arg(long, value_name = "DIR")]
        ca: PathBuf,
        /// Where to write the files [default: the CA's directory].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        write: CertWriteArgs,
    },
    /// Show who a certificate names, its hosts, validity and fingerprint, and its problems.
    Inspect {
        /// A PEM certificate file.
        file: PathBuf,
        /// Check that the certificate is signed by this CA (a ca.crt file or the CA's directory).
        #[arg(long, value_name = "FILE_OR_DIR")]
        ca: Option<PathBuf>,
    },
    /// Make a bearer token for a client, add its hash to a tokens file, print the token once.
    CreateToken {
        /// The client's name: 1 to 64 of A-Z a-z 0-9 . _ -
        #[arg(long, value_parser = parse_client_name)]
        name: String,
        /// What the client may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The tokens file to add the line to (created mode 0600 if missing).
        #[arg(long, value_name = "FILE")]
        tokens: PathBuf,
    },
}

/// Flags shared by `member add|promote|remove`.
#[derive(Debug, Clone, Copy, Args)]
pub struct ChangeArgs {
    /// Show voters, quorum and fault tolerance before and after, and the rule that would
    /// refuse the change; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Go past the guard rails that allow it (a lagging learner, no reachable quorum).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Members with their role; on the leader also MATCH, LAG and STATE.
    List,
    /// Add a member, then print the `raftctl serve ... --join ...` line that starts it.
    Add {
        #[arg(value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
        id: u64,
        /// Its advertised URL, e.g. http://127.0.0.1:7004.
        url: String,
        /// Add it as a learner (receives the log, does not vote); promote it later.
        #[arg(long)]
        learner: bool,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Make a caught-up learner a voter.
    Promote {
        #[arg(value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
        id: u64,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Remove a member (the leader too: it hands leadership over first).
    Remove {
        #[arg(value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
        id: u64,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum LeaderCommand {
    /// Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader.
    Transfer {
        #[arg(value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
        id: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Take a snapshot and compact the log on the node(s) named by --endpoints.
    Take,
    /// Snapshot a node now and download it into FILE, verifying its checksum.
    Save { file: PathBuf },
    /// Offline: index, term, membership, key count, size and checksum of a snapshot file.
    Inspect { file: PathBuf },
    /// Offline: make a new data dir that starts a NEW cluster from a snapshot file.
    ///
    /// The file is verified first; DIR must be missing or empty. The new data dir holds
    /// the snapshot's keys, applied and committed at the snapshot's index, a log that
    /// starts after it, and the membership of --initial-cluster. Restore every member
    /// of the new cluster from the same file with the same --initial-cluster (and
    /// --initial-cluster-token), each with its own --id and --data-dir: they then share
    /// one new cluster id, different from the old cluster's.
    Restore {
        file: PathBuf,
        /// The new data dir (missing or empty).
        #[arg(long)]
        data_dir: PathBuf,
        /// This member's id in the new cluster (>= 1, listed in --initial-cluster).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
        id: u64,
        /// Members of the new cluster: ID=URL,ID=URL,...
        #[arg(long)]
        initial_cluster: String,
        /// Mixed into the new cluster id, to restore the same file into two clusters.
        #[arg(long, default_value = "")]
        initial_cluster_token: String,
    },
}

// `raftctl recover --data-dir DIR --id N`, or `raftctl recover plan DIR...` (the help
// text is on `Command::Recover`).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RecoverArgs {
    #[command(subcommand)]
    pub plan: Option<RecoverCommand>,
    /// The stopped node's data dir.
    #[arg(long, required = true)]
    pub data_dir: Option<PathBuf>,
    /// The node id of that data dir (checked against it).
    #[arg(long, required = true, value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
    pub id: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum RecoverCommand {
    /// Offline, read-only: which survivor is most up to date and which entries are at risk.
    Plan {
        /// The survivors' data dirs.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// This member's id, from 1 to 2^53-1 (ids travel as JSON numbers, which are exact
    /// only below 2^53).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..crate::api::types::JSON_SAFE_MAX))]
    pub id: u64,
    /// Address to listen on for clients and peers.
    #[arg(long, default_value = "127.0.0.1:7001")]
    pub listen: String,
    /// URL other members and clients use to reach this one [default: http://<listen>].
    #[arg(long)]
    pub advertise: Option<String>,
    /// Where this node keeps its state.
    #[arg(long, default_value = "./raftctl-data")]
    pub data_dir: PathBuf,
    /// Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state).
    #[arg(long, conflicts_with = "join")]
    pub initial_cluster: Option<String>,
    /// Join an existing cluster through this member's URL (after `raftctl member add`).
    #[arg(long)]
    pub join: Option<String>,
    /// Milliseconds per tick.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub tick_ms: u64,
    /// Ticks without a leader before an election starts.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..))]
    pub election_ticks: u64,
    /// Ticks between leader heartbeats.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub heartbeat_ticks: u64,
    /// Applied entries between automatic snapshots (etcd's --snapshot-count default).
    /// Taking one writes every buffered applied change into the database first, a
    /// pause of a few milliseconds under load; 0 turns automatic snapshots off.
    #[arg(long, default_value_t = 100_000)]
    pub snapshot_threshold: u64,
    /// Entries kept behind a snapshot for slow followers.
    #[arg(long, default_value_t = 5_000)]
    pub keep_log: u64,
    /// Turn off PreVote.
    #[arg(long)]
    pub no_pre_vote: bool,
    /// Turn off CheckQuorum (and the leader lease that goes with it).
    #[arg(long)]
    pub no_check_quorum: bool,
    /// Log level (overridden by RUST_LOG).
    #[arg(long, default_value = "info")]
    pub log_level: String,
    /// Serve without TLS on an address other than loopback: anyone who reaches it can
    /// act as any member or operator. Without TLS flags (--cacert, --cert, --key) a
    /// member otherwise listens only on loopback.
    #[arg(long)]
    pub insecure_plaintext: bool,
    /// Bearer tokens clients may use instead of a certificate: one `ROLE NAME sha256:HEX`
    /// line per token (made by `raftctl cert create-token`); reread when it changes.
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// Routes open without credentials: health, metrics, both (health,metrics) or none.
    #[arg(long, value_name = "ROUTES", default_value = "health")]
    pub public: String,
    /// Certificates refused although signed by the CA: SHA-256 fingerprints (as `raftctl
    /// cert inspect` shows them), one per line; reread when it changes.
    #[arg(long, value_name = "FILE")]
    pub revoked: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KvCommand {
    /// Write a key.
    Put { key: String, value: String },
    /// Read a key (linearizable unless --stale).
    Get {
        key: String,
        /// Answer from the member's local state, without a round trip to the leader.
        #[arg(long)]
        stale: bool,
    },
    /// Delete a key.
    Del { key: String },
    /// List keys.
    List {
        /// Only keys that start with this.
        #[arg(long, default_value = "")]
        prefix: String,
        /// At most this many keys.
        #[arg(long)]
        limit: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum WalCommand {
    /// One row per log entry: index, term, type, size and a decoded summary.
    Dump {
        #[arg(long)]
        data_dir: PathBuf,
        /// First index to show.
        #[arg(long)]
        from: Option<u64>,
        /// Last index to show.
        #[arg(long)]
        to: Option<u64>,
        /// At most this many entries.
        #[arg(long)]
        limit: Option<u64>,
    },
    /// Term, vote, commit, applied, log bounds, snapshot, membership and ids.
    Hardstate {
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Check the log and hard state for consistency; exit 1 naming each problem.
    Verify {
        #[arg(long)]
        data_dir: PathBuf,
    },
}

/// `raftctl bench`: C clients, one connection each, loop request → response.
#[derive(Debug, Args)]
#[command(after_long_help = crate::bench::report::JSON_HELP)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Writes only: PUT /v1/kv/key%2F000123 with a --value-size body.
    #[command(after_long_help = crate::bench::report::JSON_HELP)]
    Put {
        #[command(flatten)]
        load: BenchLoadArgs,
    },
    /// Reads only: GET /v1/kv/key%2F000123.
    #[command(after_long_help = crate::bench::report::JSON_HELP)]
    Get {
        #[command(flatten)]
        load: BenchLoadArgs,
        #[command(flatten)]
        reads: BenchReadArgs,
    },
    /// Reads and writes: each request is a read with probability --read-ratio.
    #[command(after_long_help = crate::bench::report::JSON_HELP)]
    Mixed {
        #[command(flatten)]
        load: BenchLoadArgs,
        #[command(flatten)]
        reads: BenchReadArgs,
        /// Share of requests that are reads, from 0 to 1.
        #[arg(long, value_name = "R", default_value_t = 0.5, value_parser = parse_ratio, allow_negative_numbers = true)]
        read_ratio: f64,
    },
}

/// Flags of every bench workload.
#[derive(Debug, Clone, Args)]
pub struct BenchLoadArgs {
    /// Concurrent clients, each with its own connection.
    #[arg(long, value_name = "C", default_value_t = 16, value_parser = parse_at_least_one)]
    pub clients: u64,
    /// How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s].
    #[arg(long, value_name = "D", value_parser = parse_duration, conflicts_with = "requests")]
    pub duration: Option<Duration>,
    /// Send exactly this many requests in total instead of running for --duration.
    #[arg(long, value_name = "N", value_parser = parse_at_least_one)]
    pub requests: Option<u64>,
    /// Bytes per written value.
    #[arg(long, value_name = "B", default_value_t = 256)]
    pub value_size: usize,
    /// Size of the uniform key space: key/000000 .. key/<K-1>.
    #[arg(long, value_name = "K", default_value_t = 10_000, value_parser = parse_at_least_one)]
    pub keys: u64,
    /// Send everything to the leader, or spread the clients over --endpoints.
    #[arg(long, value_enum, default_value_t = BenchTarget::Leader)]
    pub target: BenchTarget,
    /// Seed of the key and operation choices [default: random, shown in the report].
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Flags of the workloads that read.
#[derive(Debug, Clone, Args)]
pub struct BenchReadArgs {
    /// Consistency of the reads.
    #[arg(long, value_enum, default_value_t = ReadConsistency::Linearizable)]
    pub consistency: ReadConsistency,
    /// Write every key once before the run (not measured), so that reads find values.
    #[arg(long)]
    pub prefill: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    /// The current leader, asked for once before the run.
    Leader,
    /// Every endpoint of --endpoints, clients spread round-robin.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadConsistency {
    /// ReadIndex through the leader; never stale.
    Linearizable,
    /// The member's local state, without a round trip.
    Stale,
}

/// A count of at least 1.
fn parse_at_least_one(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e} (expected a whole number of at least 1)")),
    }
}

/// A share from 0 to 1.
fn parse_ratio(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        Ok(_) => Err("must be between 0 and 1".into()),
        Err(e) => Err(format!("{e} (expected a number between 0 and 1)")),
    }
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

    #[test]
    fn ids_are_json_safe() {
        let parse = |id: &str| Cli::try_parse_from(["raftctl", "serve", "--id", id]);
        assert!(parse("0").is_err());
        assert!(parse(&((1u64 << 53) - 1).to_string()).is_ok());
        assert!(parse(&(1u64 << 53).to_string()).is_err());
    }
}
