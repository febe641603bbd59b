//! `raftctl status`, `raftctl health`, `raftctl top`, `raftctl member
//! list|add|promote|remove` and `raftctl leader transfer`: the commands that read and
//! change the cluster itself. Flags and help texts.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::member_id;

/// `raftctl status --help` (the command has no flags of its own: attached in `mod.rs`).
pub(super) const STATUS_LONG_ABOUT: &str = "\
One row per member, discovered from the first endpoint that answers: id, URL, \
role, term, leader, commit and applied index, last log index, snapshot, lag behind the \
leader, database size and health. A member that does not answer is shown as unreachable; \
the command still succeeds.";

pub(super) const STATUS_EXAMPLES: &str = "\
Examples:
  raftctl status
  raftctl --endpoints http://127.0.0.1:7002 status
  # one object per member, with \"reachable\": true|false
  raftctl -o json status";

/// Flags of `raftctl health`.
#[derive(Debug, Clone, Copy, Args)]
pub struct HealthArgs {
    /// Check every member in the membership (found through the endpoints), and the
    /// cluster's quorum and failure tolerance; without it only the --endpoints are checked.
    #[arg(long)]
    pub cluster: bool,
}

pub(super) const HEALTH_LONG_ABOUT: &str = "\
Whether members can serve, for people and for scripts. Each member is asked for its \
status: reachable, in touch with a leader (or a leader in touch with a quorum), all it \
knows committed applied, and at most 1000 entries behind the leader's commit index. With \
--cluster every member in the membership is checked, and the cluster's voters, quorum, \
healthy voters and failure tolerance (how many more voters may fail with the cluster \
still available) are shown.

Exit codes: 0 healthy; 1 degraded (a member down, unhealthy or lagging, or with \
--cluster a failure tolerance of 0 with more than one voter); 2 unavailable (no healthy \
leader, fewer healthy voters than a quorum, or no member asked is healthy). The last \
line on standard error says why.";

pub(super) const HEALTH_EXAMPLES: &str = "\
Examples:
  # the whole cluster; exit 0, 1 or 2
  raftctl health --cluster
  # only the member at this endpoint
  raftctl --endpoints https://10.0.0.2:7001 health
  # in a script or a monitor
  raftctl health --cluster -o json || echo \"cluster not healthy (exit $?)\"";

/// Flags of `raftctl top`.
#[derive(Debug, Clone, Copy, Args)]
pub struct TopArgs {
    /// How often to refresh (e.g. 500ms, 1s, 5s; at least 100ms).
    #[arg(long, value_parser = parse_interval, default_value = "1s")]
    pub interval: Duration,
    /// Stop after COUNT refreshes (default: until q, Esc or Ctrl-C).
    #[arg(
        short = 'n',
        long,
        value_name = "COUNT",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub count: Option<u64>,
    /// Plain lines even on a terminal: a summary line and a table per refresh.
    #[arg(long)]
    pub plain: bool,
}

/// The shortest `--interval` of `top`: each refresh asks every member twice.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// A refresh interval: a duration of at least [`MIN_INTERVAL`] and at most a day.
fn parse_interval(s: &str) -> Result<Duration, String> {
    let d = super::parse_duration(s)?;
    if d < MIN_INTERVAL {
        return Err(format!(
            "{} is too short: the interval must be at least 100ms",
            humantime::format_duration(d)
        ));
    }
    if d > Duration::from_secs(86_400) {
        return Err(format!(
            "{} is too long: the interval must be at most a day",
            humantime::format_duration(d)
        ));
    }
    Ok(d)
}

pub(super) const TOP_LONG_ABOUT: &str = "\
A live view of the cluster, refreshed every --interval: one row per member (those at \
--endpoints and every member in the membership) with its role, term, commit and applied \
index, lag behind the leader's commit index, time since it last heard from the leader, \
writes and reads per second through it, the 99th percentile of its fsyncs over the last \
interval and its apply lag (commit minus applied index, from its /metrics); above them \
the leader, its term, the leader changes seen, and the cluster's writes and reads per \
second; below, a sparkline of writes per second. Rates and the percentile need two \
answers, so they show from the second refresh on.

A member that does not answer is shown as down with the reason, and comes back when it \
answers again; one whose answer has been awaited for more than a second shows as \
waiting, with its last figures. On a terminal the view takes the whole screen, keeps as \
many columns as fit its width, and quits on q, Esc or Ctrl-C. When standard output is \
not a terminal (or with --plain) each refresh is a line with the time and the summary \
followed by a table; with -o json it is one JSON object per line.";

pub(super) const TOP_EXAMPLES: &str = "\
Examples:
  raftctl top
  # every 2 seconds, against a TLS cluster
  raftctl --endpoints https://10.0.0.1:7001 --cacert ca.pem --cert admin.pem --key admin-key.pem top --interval 2s
  # three refreshes as plain tables, for a log or a ticket
  raftctl top -n 3 --plain
  # one JSON line per refresh, for a script
  raftctl -o json top | jq -c '{leader, writes_per_sec}'";

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
    #[command(after_help = LIST_EXAMPLES, after_long_help = LIST_EXAMPLES)]
    List,
    /// Add a member, then print the `raftctl serve ... --join ...` line that starts it.
    #[command(after_help = ADD_EXAMPLES, after_long_help = ADD_EXAMPLES)]
    Add {
        #[arg(value_parser = member_id())]
        id: u64,
        /// Its advertised URL, e.g. http://127.0.0.1:7004 (its peer URL, --advertise-peer, when
        /// the cluster serves peers apart with --peer-listen).
        url: String,
        /// Add it as a learner (receives the log, does not vote); promote it later.
        #[arg(long)]
        learner: bool,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Make a caught-up learner a voter.
    #[command(after_help = PROMOTE_EXAMPLES, after_long_help = PROMOTE_EXAMPLES)]
    Promote {
        #[arg(value_parser = member_id())]
        id: u64,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Remove a member (the leader too: it hands leadership over first).
    #[command(after_help = REMOVE_EXAMPLES, after_long_help = REMOVE_EXAMPLES)]
    Remove {
        #[arg(value_parser = member_id())]
        id: u64,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

pub(super) const MEMBER_EXAMPLES: &str = "\
Examples:
  raftctl member list
  raftctl member add 4 http://127.0.0.1:7004 --learner
  raftctl member promote 4
  raftctl member remove 4";

const LIST_EXAMPLES: &str = "\
Examples:
  raftctl member list
  raftctl -o json member list";

const ADD_EXAMPLES: &str = "\
Examples:
  # add member 4 as a learner, start it with the printed serve line, then promote it
  raftctl member add 4 http://127.0.0.1:7004 --learner
  raftctl serve --id 4 --listen 127.0.0.1:7004 --data-dir d4 --join http://127.0.0.1:7001
  raftctl member promote 4
  # show quorum and fault tolerance before and after, change nothing
  raftctl member add 4 http://127.0.0.1:7004 --dry-run";

const PROMOTE_EXAMPLES: &str = "\
Examples:
  raftctl member promote 4
  raftctl member promote 4 --dry-run
  # promote even though the learner still lags the leader
  raftctl member promote 4 --force";

const REMOVE_EXAMPLES: &str = "\
Examples:
  raftctl member remove 3
  # what removing member 3 would do to quorum and fault tolerance
  raftctl member remove 3 --dry-run";

#[derive(Debug, Subcommand)]
pub enum LeaderCommand {
    /// Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader.
    #[command(after_help = TRANSFER_EXAMPLES, after_long_help = TRANSFER_EXAMPLES)]
    Transfer {
        #[arg(value_parser = member_id())]
        id: Option<u64>,
    },
}

pub(super) const LEADER_EXAMPLES: &str = "\
Examples:
  raftctl leader transfer
  raftctl leader transfer 2";

const TRANSFER_EXAMPLES: &str = "\
Examples:
  # to the most caught-up voter
  raftctl leader transfer
  # to member 2
  raftctl leader transfer 2";
