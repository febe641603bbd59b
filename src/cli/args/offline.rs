//! `raftctl wal dump|hardstate|verify` and `raftctl recover [plan]`: the commands that
//! read (and, for `recover`, repair) a stopped member's data dir. Flags and help texts.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::member_id;

#[derive(Debug, Subcommand)]
pub enum WalCommand {
    /// One row per log entry: index, term, type, size and a decoded summary.
    #[command(long_about = DUMP_LONG_ABOUT, after_help = DUMP_EXAMPLES, after_long_help = DUMP_EXAMPLES)]
    Dump {
        #[arg(long, help = STOPPED_DATA_DIR)]
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
    #[command(long_about = HARDSTATE_LONG_ABOUT, after_help = HARDSTATE_EXAMPLES, after_long_help = HARDSTATE_EXAMPLES)]
    Hardstate {
        #[arg(long, help = STOPPED_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Check the log and hard state for consistency; exit 1 naming each problem.
    #[command(long_about = VERIFY_LONG_ABOUT, after_help = VERIFY_EXAMPLES, after_long_help = VERIFY_EXAMPLES)]
    Verify {
        #[arg(long, help = STOPPED_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Where the logs of stopped members part ways; exit 1 when they do.
    #[command(long_about = DIFF_LONG_ABOUT, after_help = DIFF_EXAMPLES, after_long_help = DIFF_EXAMPLES)]
    Diff {
        /// The data dirs of stopped members (two or more)
        #[arg(required = true, num_args = 2..)]
        data_dirs: Vec<PathBuf>,
    },
    /// Every membership change in the log, with the voters and learners after it.
    #[command(long_about = CONF_HISTORY_LONG_ABOUT, after_help = CONF_HISTORY_EXAMPLES, after_long_help = CONF_HISTORY_EXAMPLES)]
    ConfHistory {
        #[arg(long, help = STOPPED_DATA_DIR)]
        data_dir: PathBuf,
    },
}

/// `--data-dir` of every `wal` command.
const STOPPED_DATA_DIR: &str = "The data dir of a stopped member (the --data-dir it ran with)";

pub(super) const WAL_LONG_ABOUT: &str = "\
Read a stopped member's data directory offline: the log, the hard state, and a \
consistency check. These commands never modify the data directory.";

pub(super) const WAL_EXAMPLES: &str = "\
Examples:
  # on a stopped node's data directory
  raftctl wal dump --data-dir d1 --limit 20
  raftctl wal hardstate --data-dir d1
  raftctl wal verify --data-dir d1
  raftctl wal conf-history --data-dir d1
  raftctl wal diff d1 d2 d3";

const DUMP_LONG_ABOUT: &str = "\
One row per log entry: index, term, type (normal, conf_change, empty), size and a \
decoded summary such as `put \"k\" (12 B)` or `add_learner 4 http://...`.";

const DUMP_EXAMPLES: &str = "\
Examples:
  raftctl wal dump --data-dir d1
  # entries 100 to 120 only
  raftctl wal dump --data-dir d1 --from 100 --to 120
  raftctl -o json wal dump --data-dir d1 --limit 10";

const HARDSTATE_LONG_ABOUT: &str = "\
Term, vote, commit, applied, first and last index, snapshot index and term, \
membership, cluster id and node id of a data directory.";

const HARDSTATE_EXAMPLES: &str = "\
Examples:
  raftctl wal hardstate --data-dir d1
  raftctl -o json wal hardstate --data-dir d1";

const VERIFY_LONG_ABOUT: &str = "\
Check a data directory: contiguous indexes, non-decreasing terms, commit <= last \
index, applied <= commit, snapshot and log consistent. Exit 1 naming each problem.";

const VERIFY_EXAMPLES: &str = "\
Examples:
  raftctl wal verify --data-dir d1
  # in a script: exit 0 when consistent, 1 otherwise
  raftctl -o json wal verify --data-dir d1 || echo \"d1 needs attention\"";

const DIFF_LONG_ABOUT: &str = "\
Compares the logs of stopped members entry by entry over the indexes all of them still \
hold, and shows the first index where two differ: each member's term and entry there, \
and whether it had that entry committed. Different entries where at most one side had \
committed are a member that was cut off and not yet brought back in step; different \
entries committed on two sides mean Raft's safety was broken, and are said in capitals. \
Exit 0 when the logs agree, 1 when they differ.";

const DIFF_EXAMPLES: &str = "\
Examples:
  raftctl wal diff d1 d2 d3
  raftctl -o json wal diff d1 d2";

const CONF_HISTORY_LONG_ABOUT: &str = "\
Every membership change the log holds: its index and term, the change (add_voter, \
add_learner, promote_learner, remove, with the URL it was added at), whether it is at or \
below the commit index this member recorded, and the voters and learners after it. The \
first line is the membership of the snapshot the log starts after: changes before it \
were compacted away. A change above the commit index may never have taken effect.";

const CONF_HISTORY_EXAMPLES: &str = "\
Examples:
  raftctl wal conf-history --data-dir d1
  raftctl -o json wal conf-history --data-dir d1";

/// `raftctl recover --data-dir DIR --id N`, or `raftctl recover plan DIR...`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RecoverArgs {
    #[command(subcommand)]
    pub plan: Option<RecoverCommand>,
    /// The stopped node's data dir.
    #[arg(long, required = true)]
    pub data_dir: Option<PathBuf>,
    /// The node id of that data dir (checked against it).
    #[arg(long, required = true, value_parser = member_id())]
    pub id: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum RecoverCommand {
    /// Offline, read-only: which survivor is most up to date and which entries are at risk.
    #[command(after_help = PLAN_EXAMPLES, after_long_help = PLAN_EXAMPLES)]
    Plan {
        /// The survivors' data dirs.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

pub(super) const RECOVER_LONG_ABOUT: &str = "\
Offline disaster recovery after a cluster lost its quorum for good.

Rewrites the membership of a STOPPED node's data dir to this node as the only voter \
(keeping its URL, its whole log, hard state and data), so it starts as a one-member \
cluster that can grow again with `member add`. Use it only when the other members \
are gone for good; run `raftctl recover plan` over the survivors first to pick the \
most up-to-date one.

Commit is not raised: entries above it are the survivor's own and are committed by \
the new cluster's first leader (a single voter is its own majority). Committed \
entries not yet applied are applied first, so that the snapshot file it writes is \
the state at one index. Refused, with nothing changed, when the dir is in use, --id \
is not this dir's node or not a member, or the log holds a membership change above \
the applied index (applying it later would bring back or remove members of the lost \
cluster): a committed one is applied by starting the node once as it is before \
recovering.";

pub(super) const RECOVER_EXAMPLES: &str = "\
Examples:
  # after permanent loss of quorum, with every member stopped:
  # 1. find the most up-to-date survivor
  raftctl recover plan d1 d2
  # 2. make it the only voter, keeping all committed data
  raftctl recover --data-dir d2 --id 2
  # 3. start it alone, then add new members with `raftctl member add`
  raftctl serve --id 2 --listen 127.0.0.1:7002 --data-dir d2";

const PLAN_EXAMPLES: &str = "\
Examples:
  # read-only: which survivor to recover from, and which entries are at risk
  raftctl recover plan d1 d2
  raftctl -o json recover plan d1 d2";
