//! `raftctl kv put|get|del|list`: flags and help texts.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum KvCommand {
    /// Write a key.
    #[command(long_about = PUT_LONG_ABOUT, after_help = PUT_EXAMPLES, after_long_help = PUT_EXAMPLES)]
    Put {
        /// The key: a non-empty UTF-8 string of at most 4096 bytes
        key: String,
        /// The value, stored as the bytes of this argument (or give --file)
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        value: Option<String>,
        /// Store the bytes of this file as the value, unchanged (any bytes, at most 512
        /// KiB); `-` reads standard input
        #[arg(long, value_name = "FILE")]
        file: Option<std::path::PathBuf>,
    },
    /// Read a key (linearizable unless --stale).
    #[command(long_about = GET_LONG_ABOUT, after_help = GET_EXAMPLES, after_long_help = GET_EXAMPLES)]
    Get {
        /// The key to read
        key: String,
        /// Answer from the member's local state, without a round trip to the leader.
        #[arg(long)]
        stale: bool,
    },
    /// Delete a key.
    #[command(long_about = DEL_LONG_ABOUT, after_help = DEL_EXAMPLES, after_long_help = DEL_EXAMPLES)]
    Del {
        /// The key to delete
        key: String,
    },
    /// List keys.
    #[command(long_about = LIST_LONG_ABOUT, after_help = LIST_EXAMPLES, after_long_help = LIST_EXAMPLES)]
    List {
        /// Only keys that start with this.
        #[arg(long, default_value = "")]
        prefix: String,
        /// At most this many keys.
        #[arg(long)]
        limit: Option<u64>,
    },
}

pub(super) const LONG_ABOUT: &str = "\
Read and write keys. Writes and linearizable reads work through any member; \
the CLI follows the leader.";

pub(super) const EXAMPLES: &str = "\
Examples:
  raftctl kv put greeting hello
  raftctl kv get greeting
  raftctl kv list --prefix gree
  raftctl kv del greeting";

const PUT_LONG_ABOUT: &str = "\
Write KEY = VALUE, or KEY = the bytes of --file (binary-safe; `--file -` reads standard \
input). Keys are 1 to 4096 bytes of UTF-8, values at most 512 KiB; larger ones are \
refused before anything is sent. Returns once the write is committed by a majority and \
applied; prints the log index it was written at. A timeout means the outcome is \
unknown: the write may still be applied.";

const PUT_EXAMPLES: &str = "\
Examples:
  raftctl kv put greeting hello
  # the value is everything in one argument; quote spaces
  raftctl kv put motd 'maintenance at 22:00'
  # a file's bytes as they are, or standard input
  raftctl kv put logo --file logo.png
  tar c conf | raftctl kv put conf.tar --file -
  # print the commit index as JSON
  raftctl -o json kv put greeting hello";

const GET_LONG_ABOUT: &str = "\
Print the value of KEY (exit 1 if it does not exist). By default the read is \
linearizable (ReadIndex through the leader); --stale answers from the member's own state.";

const GET_EXAMPLES: &str = "\
Examples:
  # linearizable: never older than the last acknowledged write
  raftctl kv get greeting
  # from the member's local state, possibly stale, no round trip to the leader
  raftctl --endpoints http://127.0.0.1:7002 kv get greeting --stale
  # value (base64) and the index it was read at
  raftctl -o json kv get greeting";

const DEL_LONG_ABOUT: &str = "\
Delete KEY. Succeeds whether or not the key existed, and says which.";

const DEL_EXAMPLES: &str = "\
Examples:
  raftctl kv del greeting
  raftctl -o json kv del greeting";

const LIST_LONG_ABOUT: &str = "\
List keys in order, optionally only those starting with --prefix.";

const LIST_EXAMPLES: &str = "\
Examples:
  raftctl kv list
  raftctl kv list --prefix user/ --limit 100
  raftctl -o json kv list --prefix user/";
