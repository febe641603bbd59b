//! `raftctl status`, `raftctl health`, `raftctl doctor`, `raftctl top`, `raftctl member
//! list|add|promote|remove|update|replace` and `raftctl leader transfer`: the commands
//! that read and change the cluster itself. Flags and help texts.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::{member_id, parse_duration, parse_timeout};

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

/// Flags of `raftctl doctor`: the thresholds of its checks.
#[derive(Debug, Clone, Copy, Args)]
pub struct DoctorArgs {
    /// Warn when a member's fsync p99 (since it started, from /metrics) is above this.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "50ms")]
    pub fsync_p99_warn: Duration,
    /// Warn when the disk under a member's data dir has less than this share free.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "10%")]
    pub disk_free_warn: f64,
    /// Fail when the disk under a member's data dir has less than this share free.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "2%")]
    pub disk_free_fail: f64,
    /// Warn when a member's data file is more than this many times its live data ...
    #[arg(long, value_name = "RATIO", value_parser = clap::value_parser!(u64).range(2..=1000), default_value_t = 4)]
    pub data_file_ratio_warn: u64,
    /// ... and at least this many MiB (smaller files are never worth a warning).
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(0..=1 << 40), default_value_t = 64)]
    pub data_file_min_mib: u64,
    /// Warn when a member saw at least this many leader changes within --leader-window.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1000), default_value_t = 3)]
    pub leader_changes_warn: u64,
    /// How far back leader changes count.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub leader_window: Duration,
    /// Warn when a certificate expires within this many days (fail once it has expired).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36500), default_value_t = 30)]
    pub cert_warn_days: u32,
}

/// A share such as `10%`, `2.5%` or `10` (percent either way), from 0 to 100.
fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let n: f64 = t
        .strip_suffix('%')
        .unwrap_or(t)
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a percentage (expected e.g. 10% or 2.5%)"))?;
    if !(0.0..=100.0).contains(&n) {
        return Err(format!("{s:?} is not between 0% and 100%"));
    }
    Ok(n)
}

pub(super) const DOCTOR_LONG_ABOUT: &str = "\
Look for what is wrong with the cluster or about to go wrong, and say how to fix it. Every \
member in the membership (found through the endpoints) and every endpoint is asked for \
its status (with its data dir's size and free disk), its member list and its metrics; \
with https:// endpoints, for the certificate it presents. Each check prints a verdict \
(ok, warn or fail), one line of finding, the numbers behind it and, where there is one, \
the command that fixes it:

  quorum            a healthy leader, and voters to spare (failure tolerance)
  members           every member reachable, in touch with the leader and caught up
  snapshot-needed   a member so far behind that the entries it needs were compacted
  learners          learners caught up and ready to promote (never more than ok)
  fsync             fsync p99 over --fsync-p99-warn on a member
  leader-changes    --leader-changes-warn or more leader changes within --leader-window
  disk              less free disk than --disk-free-warn / --disk-free-fail
  data-file         a data file much larger than its live data
  certificates      --cacert, --cert and the members' certificates near expiry
  membership        members that disagree on who the members are

A check that cannot be made (no leader answered, a member too old to report a number) \
says so and stays ok. The thresholds are in the JSON output with the evidence.

Exit codes, as `raftctl health`: 0 every check ok; 1 degraded (a check warns); 2 \
unavailable (a check fails: no healthy leader or quorum, a full disk, an expired \
certificate). The last line on standard error names the checks that did not pass.";

pub(super) const DOCTOR_EXAMPLES: &str = "\
Examples:
  raftctl doctor
  raftctl --endpoints https://10.0.0.1:7001 --cacert pki/ca.crt \\
    --cert pki/client-ops.crt --key pki/client-ops.key doctor
  # for a monitor: exit 0, 1 or 2, and the checks as JSON
  raftctl doctor -o json
  # stricter thresholds
  raftctl doctor --fsync-p99-warn 20ms --disk-free-warn 20% --cert-warn-days 60";

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
    /// Record that a member moved: its peers reach it at URL from now on.
    #[command(
        long_about = UPDATE_LONG_ABOUT,
        after_help = UPDATE_EXAMPLES,
        after_long_help = UPDATE_EXAMPLES
    )]
    Update {
        #[arg(value_parser = member_id())]
        id: u64,
        /// Its new URL (its peer URL, --advertise-peer, when the cluster serves peers
        /// apart with --peer-listen).
        url: String,
        /// Show the change and the voters, quorum and fault tolerance; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Replace member OLD by a new member: add it as a learner, wait until it caught up,
    /// promote it, move leadership away from OLD, remove OLD.
    #[command(
        long_about = REPLACE_LONG_ABOUT,
        after_help = REPLACE_EXAMPLES,
        after_long_help = REPLACE_EXAMPLES
    )]
    Replace(ReplaceArgs),
}

/// Flags of `raftctl member replace`.
#[derive(Debug, Clone, Args)]
pub struct ReplaceArgs {
    /// The member to replace.
    #[arg(value_parser = member_id())]
    pub old: u64,
    /// The new member's id.
    #[arg(long = "id", value_name = "NEW", value_parser = member_id())]
    pub new: u64,
    /// The new member's URL (its peer URL when the cluster serves peers apart).
    #[arg(long)]
    pub url: String,
    /// Print the steps still to do, with the voters, quorum and fault tolerance after
    /// each; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for the new member to start and catch up before giving up (the
    /// command can be run again to go on waiting).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_timeout)]
    pub catch_up_timeout: Duration,
}

pub(super) const MEMBER_EXAMPLES: &str = "\
Examples:
  raftctl member list
  raftctl member add 4 http://127.0.0.1:7004 --learner
  raftctl member promote 4
  raftctl member remove 4
  raftctl member update 3 http://127.0.0.1:7013
  raftctl member replace 3 --id 4 --url http://127.0.0.1:7004";

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

const UPDATE_LONG_ABOUT: &str = "\
Record that member ID moved to URL, like etcd's `member update`: once the change is \
applied, its peers send to URL. The URL is checked like `member add` checks it, and one \
that another member has is refused. The voters and learners stay as they are.

To move a member: stop it, run this command, then start it again with the same \
--data-dir listening at the new address, with --moved (its data dir still records the \
old URL until it hears of the change from the leader). Members older than this command \
cannot read the change: upgrade every member before using it.";

const UPDATE_EXAMPLES: &str = "\
Examples:
  # member 3 moves from port 7003 to 7013
  raftctl member update 3 http://127.0.0.1:7013
  raftctl serve --id 3 --listen 127.0.0.1:7013 --data-dir d3 --moved
  # show the change, change nothing
  raftctl member update 3 http://127.0.0.1:7013 --dry-run";

const REPLACE_LONG_ABOUT: &str = "\
Replace member OLD by member NEW at URL, one checked step at a time: (1) add NEW as a \
learner and print the `raftctl serve` line that starts it; (2) wait until NEW has \
caught up with the leader (a progress bar of entries, and of snapshot bytes while it \
receives one; plain lines when standard error is not a terminal); (3) promote NEW; \
(4) if OLD leads, hand leadership to NEW (or another voter); (5) remove OLD.

Each step first reads the membership and skips what is already done, so the state is \
the cluster's membership itself: after Ctrl-C, a timeout or a lost connection, the same \
command again goes on where it stopped. --dry-run prints the steps still to do with the \
voters, quorum and fault tolerance after each, and changes nothing.

Refused: NEW equal to OLD; OLD not a member (unless NEW already replaced it); NEW \
already a member at another URL; a URL another member has.";

const REPLACE_EXAMPLES: &str = "\
Examples:
  # what would happen, step by step, with quorum and fault tolerance
  raftctl member replace 3 --id 4 --url http://127.0.0.1:7004 --dry-run
  # do it; start member 4 with the printed serve line when asked
  raftctl member replace 3 --id 4 --url http://127.0.0.1:7004
  # interrupted? the same command goes on where it stopped
  raftctl member replace 3 --id 4 --url http://127.0.0.1:7004";

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

#[cfg(test)]
mod tests {
    use super::parse_percent;

    #[test]
    fn percentages_take_a_sign_or_not_and_stay_within_0_and_100() {
        assert_eq!(parse_percent("10%"), Ok(10.0));
        assert_eq!(parse_percent("2.5"), Ok(2.5));
        assert_eq!(parse_percent(" 0 % "), Ok(0.0));
        assert!(parse_percent("101%").is_err());
        assert!(parse_percent("-1%").is_err());
        assert!(parse_percent("NaN").is_err());
        assert!(parse_percent("lots").is_err());
    }
}
