//! `raftctl bench put|get|mixed`: flags and help texts, with the schema of the JSON
//! report ([`crate::bench::Report`]) that `--help` shows.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::parse_duration;

/// `raftctl bench`: C clients, one connection each, loop request → response.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Writes only: PUT /v1/kv/key%2F000123 with a --value-size body.
    #[command(after_help = PUT_EXAMPLES, after_long_help = with_json_help(PUT_EXAMPLES))]
    Put {
        #[command(flatten)]
        load: BenchLoadArgs,
    },
    /// Reads only: GET /v1/kv/key%2F000123.
    #[command(after_help = GET_EXAMPLES, after_long_help = with_json_help(GET_EXAMPLES))]
    Get {
        #[command(flatten)]
        load: BenchLoadArgs,
        #[command(flatten)]
        reads: BenchReadArgs,
    },
    /// Reads and writes: each request is a read with probability --read-ratio.
    #[command(after_help = MIXED_EXAMPLES, after_long_help = with_json_help(MIXED_EXAMPLES))]
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

/// The `-o json` schema of [`crate::bench::Report`], shown by `raftctl bench --help`
/// before the examples. Fields are only ever added: add each one here too.
pub const JSON_HELP: &str = "\
JSON output (-o json), stable; fields may be added, never renamed or removed:

  {
    \"workload\": \"put\" | \"get\" | \"mixed\",
    \"config\": {
      \"clients\": 16, \"duration_s\": 10.0 | null, \"requests\": null | 200,
      \"value_size\": 256, \"keys\": 10000, \"read_ratio\": 0.5 | null (mixed only),
      \"consistency\": \"linearizable\" | \"stale\" | null (put),
      \"target\": \"leader\" | \"all\", \"targets\": [\"http://127.0.0.1:7001\"],
      \"prefill\": false, \"seed\": 42
    },
    \"elapsed_s\": 10.01,
    \"interrupted\": false (true: stopped early by Ctrl-C),
    \"total\":  OPS,
    \"reads\":  OPS | null (the workload issues no reads),
    \"writes\": OPS | null (the workload issues no writes)
  }

  OPS = {
    \"ops\": requests answered or failed, \"ok\": successes, \"errors\": failures,
    \"not_found\": reads that found no key (counted in ok),
    \"throughput_ops_s\": ok / elapsed_s,
    \"latency_ms\": {\"p50\", \"p90\", \"p99\", \"p999\", \"max\", \"mean\"} | null (no success),
    \"errors_by_kind\": {\"connect\": 3, \"timeout\": 1, \"503 no_leader\": 2, ...}
                        (only kinds that occurred)
  }

Latencies are those of successful requests, from sending the request to reading the
whole answer, in milliseconds. Error kinds: connect (refused or unreachable), timeout
(no answer within --timeout), transport (the connection broke), and \"<HTTP status>
<error code>\" for errors the member answered with. The exit code is 1 when not one
request succeeded, else 0. Ctrl-C stops sending new requests; those in flight finish and
the report covers what was measured.";

/// The long help's closing text: the JSON schema, then the examples.
pub(super) fn with_json_help(examples: &str) -> String {
    format!("{JSON_HELP}\n\n{examples}")
}

pub(super) const EXAMPLES: &str = "\
Examples:
  # writes from 16 clients for 30 s, 256-byte values over 10000 keys
  raftctl bench put --clients 16 --duration 30s --value-size 256 --keys 10000
  raftctl bench get --clients 64 --duration 10s --prefill
  raftctl bench mixed --clients 16 --duration 1m --read-ratio 0.9";

const PUT_EXAMPLES: &str = "\
Examples:
  raftctl bench put --clients 16 --duration 30s --value-size 256 --keys 10000
  # exactly 10000 writes, spread over every endpoint, report as JSON
  raftctl -o json bench put --clients 64 --requests 10000 --target all > put.json";

const GET_EXAMPLES: &str = "\
Examples:
  # linearizable reads of keys written once before the run
  raftctl bench get --clients 64 --duration 10s --keys 10000 --prefill
  # local reads on every member, no round trip to the leader
  raftctl bench get --clients 64 --duration 10s --consistency stale --target all --prefill";

const MIXED_EXAMPLES: &str = "\
Examples:
  # 90% reads, 10% writes
  raftctl bench mixed --clients 32 --duration 30s --read-ratio 0.9 --prefill
  raftctl -o json bench mixed --clients 32 --duration 2m --seed 7 > mixed.json";
