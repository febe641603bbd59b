//! Help texts: examples and longer descriptions for every command, kept apart from the
//! clap definitions in `args.rs` so commands can be added there without touching this
//! file. [`command`] decorates the clap tree; `raftctl` parses with it, and completions
//! and man pages are generated from it, so all three show the same text.
//!
//! A path in the tables that the tree does not have (a command not built yet) is skipped;
//! a command without an entry keeps clap's plain help (tests/cli_docs.rs says which).

use clap::CommandFactory;

use super::args::Cli;

/// `(command path, example lines)`. Lines starting with `#` explain the line below.
/// The root command is the empty path.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "# start a three-member TLS cluster on 127.0.0.1:7001-7003, then paste the export
# lines it prints (endpoints, CA, an admin client certificate) in another terminal
raftctl playground
raftctl kv put greeting hello
raftctl kv get greeting
raftctl status",
    ),
    (
        "serve",
        "# a one-member cluster for development (127.0.0.1:7001, data in ./raftctl-data)
raftctl serve
# member 1 of a new three-member cluster (run the same with ids 2 and 3)
raftctl serve --id 1 --listen 127.0.0.1:7001 --data-dir d1 \\
    --initial-cluster 1=http://127.0.0.1:7001,2=http://127.0.0.1:7002,3=http://127.0.0.1:7003
# a new member joining a running cluster, after `raftctl member add 4 http://127.0.0.1:7004`
raftctl serve --id 4 --listen 127.0.0.1:7004 --data-dir d4 --join http://127.0.0.1:7001
# with TLS: the cluster CA, this member's certificate (naming id 1) and key
raftctl serve --id 1 --listen 10.0.0.1:7001 --data-dir d1 \\
    --cacert pki/ca.crt --cert pki/member-1.crt --key pki/member-1.key \\
    --initial-cluster 1=https://10.0.0.1:7001,2=https://10.0.0.2:7001,3=https://10.0.0.3:7001",
    ),
    (
        "kv",
        "raftctl kv put greeting hello
raftctl kv get greeting
raftctl kv list --prefix gree
raftctl kv del greeting",
    ),
    (
        "kv put",
        "raftctl kv put greeting hello
# the value is everything in one argument; quote spaces
raftctl kv put motd 'maintenance at 22:00'
# print the commit index as JSON
raftctl -o json kv put greeting hello",
    ),
    (
        "kv get",
        "# linearizable: never older than the last acknowledged write
raftctl kv get greeting
# from the member's local state, possibly stale, no round trip to the leader
raftctl --endpoints http://127.0.0.1:7002 kv get greeting --stale
# value (base64) and the index it was read at
raftctl -o json kv get greeting",
    ),
    (
        "kv del",
        "raftctl kv del greeting
raftctl -o json kv del greeting",
    ),
    (
        "kv list",
        "raftctl kv list
raftctl kv list --prefix user/ --limit 100
raftctl -o json kv list --prefix user/",
    ),
    (
        "status",
        "raftctl status
raftctl --endpoints http://127.0.0.1:7002 status
# one object per member, with \"reachable\": true|false
raftctl -o json status",
    ),
    (
        "wal",
        "# on a stopped node's data directory
raftctl wal dump --data-dir d1 --limit 20
raftctl wal hardstate --data-dir d1
raftctl wal verify --data-dir d1",
    ),
    (
        "wal dump",
        "raftctl wal dump --data-dir d1
# entries 100 to 120 only
raftctl wal dump --data-dir d1 --from 100 --to 120
raftctl -o json wal dump --data-dir d1 --limit 10",
    ),
    (
        "wal hardstate",
        "raftctl wal hardstate --data-dir d1
raftctl -o json wal hardstate --data-dir d1",
    ),
    (
        "wal verify",
        "raftctl wal verify --data-dir d1
# in a script: exit 0 when consistent, 1 otherwise
raftctl -o json wal verify --data-dir d1 || echo \"d1 needs attention\"",
    ),
    (
        "member",
        "raftctl member list
raftctl member add 4 http://127.0.0.1:7004 --learner
raftctl member promote 4
raftctl member remove 4",
    ),
    (
        "member list",
        "raftctl member list
raftctl -o json member list",
    ),
    (
        "member add",
        "# add member 4 as a learner, start it with the printed serve line, then promote it
raftctl member add 4 http://127.0.0.1:7004 --learner
raftctl serve --id 4 --listen 127.0.0.1:7004 --data-dir d4 --join http://127.0.0.1:7001
raftctl member promote 4
# show quorum and fault tolerance before and after, change nothing
raftctl member add 4 http://127.0.0.1:7004 --dry-run",
    ),
    (
        "member promote",
        "raftctl member promote 4
raftctl member promote 4 --dry-run
# promote even though the learner still lags the leader
raftctl member promote 4 --force",
    ),
    (
        "member remove",
        "raftctl member remove 3
# what removing member 3 would do to quorum and fault tolerance
raftctl member remove 3 --dry-run",
    ),
    (
        "leader",
        "raftctl leader transfer
raftctl leader transfer 2",
    ),
    (
        "leader transfer",
        "# to the most caught-up voter
raftctl leader transfer
# to member 2
raftctl leader transfer 2",
    ),
    (
        "snapshot",
        "raftctl snapshot take
raftctl snapshot save backup.snap
raftctl snapshot inspect backup.snap",
    ),
    (
        "snapshot take",
        "# on the member(s) named by --endpoints
raftctl --endpoints http://127.0.0.1:7001 snapshot take
raftctl -o json snapshot take",
    ),
    (
        "snapshot save",
        "raftctl snapshot save backup.snap
raftctl --endpoints http://127.0.0.1:7002 snapshot save backup-7002.snap",
    ),
    (
        "snapshot inspect",
        "raftctl snapshot inspect backup.snap
raftctl -o json snapshot inspect backup.snap",
    ),
    (
        "snapshot restore",
        "# a fresh data dir for member 1 of a new one-member cluster holding the snapshot
raftctl snapshot restore backup.snap --data-dir restored --id 1 \\
    --initial-cluster 1=http://127.0.0.1:7001
raftctl serve --id 1 --listen 127.0.0.1:7001 --data-dir restored",
    ),
    (
        "recover",
        "# after permanent loss of quorum, with every member stopped:
# 1. find the most up-to-date survivor
raftctl recover plan d1 d2
# 2. make it the only voter, keeping all committed data
raftctl recover --data-dir d2 --id 2
# 3. start it alone, then add new members with `raftctl member add`
raftctl serve --id 2 --listen 127.0.0.1:7002 --data-dir d2",
    ),
    (
        "recover plan",
        "# read-only: which survivor to recover from, and which entries are at risk
raftctl recover plan d1 d2
raftctl -o json recover plan d1 d2",
    ),
    (
        "bench",
        "# writes from 16 clients for 30 s, 256-byte values over 10000 keys
raftctl bench put --clients 16 --duration 30s --value-size 256 --keys 10000
raftctl bench get --clients 64 --duration 10s --prefill
raftctl bench mixed --clients 16 --duration 1m --read-ratio 0.9",
    ),
    (
        "bench put",
        "raftctl bench put --clients 16 --duration 30s --value-size 256 --keys 10000
# exactly 10000 writes, spread over every endpoint, report as JSON
raftctl -o json bench put --clients 64 --requests 10000 --target all > put.json",
    ),
    (
        "bench get",
        "# linearizable reads of keys written once before the run
raftctl bench get --clients 64 --duration 10s --keys 10000 --prefill
# local reads on every member, no round trip to the leader
raftctl bench get --clients 64 --duration 10s --consistency stale --target all --prefill",
    ),
    (
        "bench mixed",
        "# 90% reads, 10% writes
raftctl bench mixed --clients 32 --duration 30s --read-ratio 0.9 --prefill
raftctl -o json bench mixed --clients 32 --duration 2m --seed 7 > mixed.json",
    ),
    (
        "cert",
        "# a CA, then a certificate for member 1 and for an admin client, all in ./pki
raftctl cert create-ca pki
raftctl cert create-member --id 1 --host 10.0.0.1,node1.example --ca pki
raftctl cert create-client --name ops --role admin --ca pki
raftctl cert inspect pki/member-1.crt --ca pki",
    ),
    (
        "cert create-ca",
        "raftctl cert create-ca pki
# valid for 20 years instead of 10
raftctl cert create-ca pki --days 7300",
    ),
    (
        "cert create-member",
        "raftctl cert create-member --id 2 --host 10.0.0.2,node2.example --ca pki
# into another directory, replacing the files there (rotation)
raftctl cert create-member --id 2 --host 10.0.0.2 --ca pki --out node2-tls --force",
    ),
    (
        "cert create-client",
        "raftctl cert create-client --name ci-bot --role write --ca pki
raftctl cert create-client --name dashboard --role read --ca pki --days 90",
    ),
    (
        "cert inspect",
        "raftctl cert inspect pki/member-2.crt
# also check that pki's CA signed it; exit 1 on any problem (expired, wrong CA, ...)
raftctl cert inspect pki/member-2.crt --ca pki/ca.crt
raftctl -o json cert inspect pki/client-ci-bot.crt --ca pki",
    ),
    (
        "cert create-token",
        "# prints the token once; the file keeps only its hash
raftctl cert create-token --name ci-bot --role write --tokens tokens.txt
TOKEN=$(raftctl cert create-token --name backup --role admin --tokens tokens.txt)",
    ),
    (
        "playground",
        "# three members on 127.0.0.1:7001-7003; Ctrl-C stops them and removes their files
raftctl playground
# five members on 127.0.0.1:8001-8005, keeping data dirs and logs afterwards
raftctl playground --nodes 5 --base-port 8001 --keep",
    ),
    (
        "completions",
        "raftctl completions bash > ~/.local/share/bash-completion/completions/raftctl
raftctl completions zsh > ~/.zfunc/_raftctl
raftctl completions fish > ~/.config/fish/completions/raftctl.fish",
    ),
    (
        "man",
        "raftctl man ~/.local/share/man/man1
man raftctl-kv-put",
    ),
];

/// `(command path, longer description)` shown by `--help` (and in man pages) under the
/// one-line summary.
pub const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "",
        "Run, operate and inspect a Raft cluster that replicates a key-value store.

`raftctl serve` runs a member; the client commands (kv, status, member, leader, snapshot, \
bench) talk to the members named by --endpoints (or RAFTCTL_ENDPOINTS), trying them in \
order and following the leader; the offline commands (wal, snapshot inspect/restore, \
recover) read a stopped member's data directory; `raftctl cert` makes and inspects the \
cluster's certificates and client tokens.

Exit codes: 0 success, 1 the operation failed (one line on stderr first, then detail), \
2 usage error.",
    ),
    (
        "serve",
        "Run a Raft member until SIGINT or SIGTERM, then shut down cleanly and exit 0.

With an empty --data-dir, the member bootstraps a new cluster from --initial-cluster, \
joins a running cluster with --join (after `raftctl member add`), or with neither starts \
a one-member cluster. With a data dir that holds state, it restarts from disk and \
--initial-cluster is ignored; a data dir written by an older raftctl (redb 2) is first \
upgraded to redb 4, once, keeping the old file as raftctl.redb.redb2-backup. Logs go to \
stderr (RUST_LOG or --log-level).",
    ),
    (
        "kv",
        "Read and write keys. Writes and linearizable reads work through any member; \
the CLI follows the leader.",
    ),
    (
        "kv put",
        "Write KEY = VALUE. Returns once the write is committed by a majority and applied; \
prints the log index it was written at. A timeout means the outcome is unknown: the \
write may still be applied.",
    ),
    (
        "kv get",
        "Print the value of KEY (exit 1 if it does not exist). By default the read is \
linearizable (ReadIndex through the leader); --stale answers from the member's own state.",
    ),
    (
        "kv del",
        "Delete KEY. Succeeds whether or not the key existed, and says which.",
    ),
    (
        "kv list",
        "List keys in order, optionally only those starting with --prefix.",
    ),
    (
        "status",
        "One row per member, discovered from the first endpoint that answers: id, URL, \
role, term, leader, commit and applied index, last log index, snapshot, lag behind the \
leader, database size and health. A member that does not answer is shown as unreachable; \
the command still succeeds.",
    ),
    (
        "wal",
        "Read a stopped member's data directory offline: the log, the hard state, and a \
consistency check. These commands never modify the data directory.",
    ),
    (
        "wal dump",
        "One row per log entry: index, term, type (normal, conf_change, empty), size and a \
decoded summary such as `put \"k\" (12 B)` or `add_learner 4 http://...`.",
    ),
    (
        "wal hardstate",
        "Term, vote, commit, applied, first and last index, snapshot index and term, \
membership, cluster id and node id of a data directory.",
    ),
    (
        "wal verify",
        "Check a data directory: contiguous indexes, non-decreasing terms, commit <= last \
index, applied <= commit, snapshot and log consistent. Exit 1 naming each problem.",
    ),
    (
        "cert",
        "Offline, on files only: make the cluster's CA and the certificates of its members and \
clients, inspect a certificate, and make bearer tokens for clients.

A certificate says who holds it with one URI subject alternative name: \
urn:raftctl:member:<id> for a member, urn:raftctl:client:<role>:<name> for a client with \
role read, write or admin. Keys are ECDSA P-256, written mode 0600; certificates mode \
0644. Existing files are never replaced without --force. See docs/certificates.md.",
    ),
    (
        "cert create-ca",
        "Make a new CA: a key (DIR/ca.key, mode 0600) and a self-signed CA certificate \
(DIR/ca.crt), valid for 3650 days unless --days says otherwise. DIR is created (mode 0700) \
if missing. Keep ca.key off the members: only `cert create-*` needs it.",
    ),
    (
        "cert create-member",
        "Make member --id's key and certificate, signed by the CA in --ca: member-ID.key and \
member-ID.crt in --out (default: the CA's directory), valid for 365 days unless --days \
says otherwise. The certificate names the member (urn:raftctl:member:ID) and each --host, \
as an IP address or a DNS name; it serves both as the member's server certificate and as \
its client certificate towards its peers. Prints the files and the flags to use them.",
    ),
    (
        "cert create-client",
        "Make the key and certificate of client --name with --role, signed by the CA in \
--ca: client-NAME.key and client-NAME.crt in --out (default: the CA's directory), valid \
for 365 days unless --days says otherwise. Prints the files and the flags to use them.",
    ),
    (
        "cert inspect",
        "Show a PEM certificate's subject, issuer, serial, identity (member or client and \
role), hosts, validity and SHA-256 fingerprint, and its problems: expired, not yet valid, \
not signed by --ca, no raftctl identity, a member certificate without hosts. Exit 1 if \
there is any problem; a certificate that expires within 30 days is only a warning.",
    ),
    (
        "cert create-token",
        "Make a random bearer token (rctl_ and 43 characters) for client --name with --role, \
append `ROLE NAME sha256:HASH` to the --tokens file (created mode 0600 if missing) and \
print the token on stdout. The file never holds the token itself, so this is the only \
time it is shown. A name already in the file is refused.",
    ),
    (
        "playground",
        "Start a local cluster of --nodes members (1 to 7) as child processes of this \
binary, member i on 127.0.0.1:(--base-port + i - 1), each with its data dir and log in \
one temporary directory. Waits for a leader, then prints the endpoints, the \
RAFTCTL_ENDPOINTS export line and commands to try. Ctrl-C or SIGTERM stops every member \
and removes the temporary directory (--keep keeps it and prints where).",
    ),
    (
        "completions",
        "Print a completion script for SHELL to stdout. The same scripts are committed \
under completions/ in the source tree.",
    ),
    (
        "man",
        "Write one man page per command (raftctl.1, raftctl-kv.1, raftctl-kv-put.1, ...) \
into DIR. The same pages are committed under man/ in the source tree.",
    ),
];

/// `(command path, argument id, help)` for arguments defined without a help line. A
/// help line written in args.rs wins.
pub const ARGUMENTS: &[(&str, &str, &str)] = &[
    (
        "kv put",
        "key",
        "The key: a non-empty UTF-8 string of at most 4096 bytes",
    ),
    (
        "kv put",
        "value",
        "The value, stored as the bytes of this argument",
    ),
    ("kv get", "key", "The key to read"),
    ("kv del", "key", "The key to delete"),
    ("wal dump", "data_dir", STOPPED_DATA_DIR),
    ("wal hardstate", "data_dir", STOPPED_DATA_DIR),
    ("wal verify", "data_dir", STOPPED_DATA_DIR),
];

const STOPPED_DATA_DIR: &str = "The data dir of a stopped member (the --data-dir it ran with)";

fn lookup<'a>(table: &'a [(&str, &str)], path: &str) -> Option<&'a str> {
    table
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// The example block shown after the options, indented under an `Examples:` heading.
pub fn examples_text(path: &str) -> Option<String> {
    let lines = lookup(EXAMPLES, path)?;
    let mut text = String::from("Examples:");
    for line in lines.lines() {
        text.push_str("\n  ");
        text.push_str(line);
    }
    Some(text)
}

/// `Cli::command()` with the examples and longer descriptions of the tables above.
pub fn command() -> clap::Command {
    decorate(Cli::command(), "")
}

fn decorate(mut cmd: clap::Command, path: &str) -> clap::Command {
    if let Some(examples) = examples_text(path) {
        // A command may bring its own closing text (e.g. a JSON schema): keep it, and put
        // the examples after it.
        let join = |own: Option<&clap::builder::StyledStr>| match own {
            Some(own) => format!("{own}\n\n{examples}"),
            None => examples.clone(),
        };
        let short = join(cmd.get_after_help());
        let long = join(cmd.get_after_long_help());
        cmd = cmd.after_help(short).after_long_help(long);
    }
    if let Some(text) = lookup(DESCRIPTIONS, path) {
        cmd = cmd.long_about(text);
    }
    for (_, id, help) in ARGUMENTS.iter().filter(|(p, _, _)| *p == path) {
        let undocumented = cmd
            .get_arguments()
            .any(|a| a.get_id() == *id && a.get_help().is_none());
        if undocumented {
            cmd = cmd.mut_arg(*id, |a| a.help(*help));
        }
    }
    cmd.mut_subcommands(|sub| {
        let sub_path = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        decorate(sub, &sub_path)
    })
}

/// Every subcommand path of `cmd` (`["kv", "kv put", ...]`), parents before children,
/// without clap's `help` subcommand.
pub fn subcommand_paths(cmd: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let path = if prefix.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{prefix} {}", sub.get_name())
            };
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(cmd, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_in_the_tables_is_unique() {
        for table in [EXAMPLES, DESCRIPTIONS] {
            let mut paths: Vec<&str> = table.iter().map(|(p, _)| *p).collect();
            paths.sort_unstable();
            let before = paths.len();
            paths.dedup();
            assert_eq!(before, paths.len(), "a path appears twice in a help table");
        }
    }

    #[test]
    fn examples_reach_nested_commands() {
        let cmd = command();
        let put = cmd
            .find_subcommand("kv")
            .and_then(|kv| kv.find_subcommand("put"))
            .expect("kv put exists");
        let after = put.get_after_long_help().map(|s| s.to_string());
        assert!(after.is_some_and(|t| t.contains("raftctl kv put greeting hello")));
    }

    #[test]
    fn a_command_own_closing_text_is_kept_before_the_examples() {
        let cmd = clap::Command::new("put").after_long_help("JSON output: {\"index\"}");
        let cmd = decorate(cmd, "kv put");
        let long = cmd.get_after_long_help().map(|s| s.to_string());
        let long = long.expect("after_long_help is set");
        assert!(long.starts_with("JSON output"), "{long}");
        assert!(
            long.contains("Examples:\n  raftctl kv put greeting hello"),
            "{long}"
        );
        let short = cmd.get_after_help().map(|s| s.to_string());
        assert!(short.is_some_and(|t| t.starts_with("Examples:")));
    }

    #[test]
    fn arguments_without_help_get_one_and_written_help_wins() {
        let cmd = command();
        let put = cmd
            .find_subcommand("kv")
            .and_then(|kv| kv.find_subcommand("put"))
            .expect("kv put exists");
        let key = put
            .get_arguments()
            .find(|a| a.get_id() == "key")
            .and_then(|a| a.get_help())
            .map(|h| h.to_string());
        assert!(key.is_some_and(|h| h.contains("4096")));

        let own = clap::Command::new("put").arg(clap::Arg::new("key").help("mine"));
        let own = decorate(own, "kv put");
        let help = own
            .get_arguments()
            .find(|a| a.get_id() == "key")
            .and_then(|a| a.get_help())
            .map(|h| h.to_string());
        assert_eq!(help.as_deref(), Some("mine"));
    }

    #[test]
    fn every_existing_command_has_an_example() {
        let cmd = command();
        let missing: Vec<String> = subcommand_paths(&cmd)
            .into_iter()
            .filter(|p| lookup(EXAMPLES, p).is_none())
            .collect();
        assert!(missing.is_empty(), "no examples for: {missing:?}");
    }
}
