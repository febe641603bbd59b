//! `raftctl serve` and `raftctl playground`: the commands that run members. Flags and
//! help texts.

use std::path::PathBuf;

use clap::Args;

use super::member_id;

/// Flags of `raftctl serve`; [`crate::cli::serve::ServeSettings`] checks them.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// This member's id, from 1 to 2^53-1 (ids travel as JSON numbers, which are exact
    /// only below 2^53).
    #[arg(long, default_value_t = 1, value_parser = member_id())]
    pub id: u64,
    /// Address to listen on for clients, and for peers unless --peer-listen is given.
    #[arg(long, default_value = "127.0.0.1:7001")]
    pub listen: String,
    /// URL clients use to reach --listen, and other members too unless --peer-listen is
    /// given [default: http://<listen>, https:// with TLS].
    #[arg(long)]
    pub advertise: Option<String>,
    /// Serve the peer routes (/raft/...) on this address of their own, so that a firewall
    /// can keep clients away from it; --listen then serves clients and operators only.
    #[arg(long, value_name = "ADDR")]
    pub peer_listen: Option<String>,
    /// URL other members use to reach --peer-listen [default: http://<peer-listen>,
    /// https:// with TLS]. It is this member's URL in the membership: in
    /// --initial-cluster and `raftctl member add`.
    #[arg(long, value_name = "URL", requires = "peer_listen")]
    pub advertise_peer: Option<String>,
    /// Where this node keeps its state.
    #[arg(long, default_value = "./raftctl-data")]
    pub data_dir: PathBuf,
    /// Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state).
    #[arg(long, conflicts_with = "join")]
    pub initial_cluster: Option<String>,
    /// Join an existing cluster through this member's URL (after `raftctl member add`).
    #[arg(long)]
    pub join: Option<String>,
    /// This member was moved with `raftctl member update ID URL` while it was stopped:
    /// start it at the URL it now advertises although its data dir still records the
    /// old one (it learns the change from the leader).
    #[arg(long)]
    pub moved: bool,
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

pub(super) const SERVE_LONG_ABOUT: &str = "\
Run a Raft member until SIGINT or SIGTERM, then shut down cleanly and exit 0.

With an empty --data-dir, the member bootstraps a new cluster from --initial-cluster, \
joins a running cluster with --join (after `raftctl member add`), or with neither starts \
a one-member cluster. With a data dir that holds state, it restarts from disk and \
--initial-cluster is ignored; a data dir written by an older raftctl (redb 2) is first \
upgraded to redb 4, once, keeping the old file as raftctl.redb.redb2-backup. Logs go to \
stderr (RUST_LOG or --log-level).";

pub(super) const SERVE_EXAMPLES: &str = "\
Examples:
  # a one-member cluster for development (127.0.0.1:7001, data in ./raftctl-data)
  raftctl serve
  # member 1 of a new three-member cluster (run the same with ids 2 and 3)
  raftctl serve --id 1 --listen 127.0.0.1:7001 --data-dir d1 \\
      --initial-cluster 1=http://127.0.0.1:7001,2=http://127.0.0.1:7002,3=http://127.0.0.1:7003
  # a new member joining a running cluster, after `raftctl member add 4 http://127.0.0.1:7004`
  raftctl serve --id 4 --listen 127.0.0.1:7004 --data-dir d4 --join http://127.0.0.1:7001
  # member 3 restarted at a new address, after `raftctl member update 3 http://127.0.0.1:7013`
  raftctl serve --id 3 --listen 127.0.0.1:7013 --data-dir d3 --moved
  # with TLS: the cluster CA, this member's certificate (naming id 1) and key
  raftctl serve --id 1 --listen 10.0.0.1:7001 --data-dir d1 \\
      --cacert pki/ca.crt --cert pki/member-1.crt --key pki/member-1.key \\
      --initial-cluster 1=https://10.0.0.1:7001,2=https://10.0.0.2:7001,3=https://10.0.0.3:7001
  # clients on port 7001, peers on port 7101 of their own (--initial-cluster lists peer URLs)
  raftctl serve --id 1 --listen 10.0.0.1:7001 --peer-listen 10.0.0.1:7101 --data-dir d1 \\
      --cacert pki/ca.crt --cert pki/member-1.crt --key pki/member-1.key \\
      --initial-cluster 1=https://10.0.0.1:7101,2=https://10.0.0.2:7101,3=https://10.0.0.3:7101";

/// Flags of `raftctl playground`.
#[derive(Debug, Clone, Args)]
pub struct PlaygroundArgs {
    /// How many members to start (1 to 7).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=7))]
    pub nodes: u16,
    /// Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1).
    #[arg(long, default_value_t = 7001, value_parser = clap::value_parser!(u16).range(1..))]
    pub base_port: u16,
    /// Keep the temporary directory (data dirs and logs) after stopping, and print where.
    #[arg(long)]
    pub keep: bool,
    /// Plaintext HTTP instead of TLS: no certificates, any local process is an operator.
    #[arg(long)]
    pub insecure: bool,
}

pub(super) const PLAYGROUND_LONG_ABOUT: &str = "\
Start a local cluster of --nodes members (1 to 7) as child processes of this \
binary, member i on 127.0.0.1:(--base-port + i - 1), each with its data dir and log in \
one temporary directory. Waits for a leader, then prints the endpoints, the \
RAFTCTL_ENDPOINTS export line and commands to try. Ctrl-C or SIGTERM stops every member \
and removes the temporary directory (--keep keeps it and prints where).";

pub(super) const PLAYGROUND_EXAMPLES: &str = "\
Examples:
  # three members on 127.0.0.1:7001-7003; Ctrl-C stops them and removes their files
  raftctl playground
  # five members on 127.0.0.1:8001-8005, keeping data dirs and logs afterwards
  raftctl playground --nodes 5 --base-port 8001 --keep";
