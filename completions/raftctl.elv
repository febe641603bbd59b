
use builtin;
use str;

set edit:completion:arg-completer[raftctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'raftctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'raftctl'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Run a Raft node'
            cand kv 'Read and write keys'
            cand status 'Show every member''s state, one row per member'
            cand health 'Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded, 2 unavailable'
            cand doctor 'Find what is wrong or about to go wrong, with the evidence and the command that fixes it: exit 0 all ok, 1 degraded, 2 unavailable'
            cand top 'A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes'
            cand wal 'Read a stopped node''s log and hard state offline'
            cand bench 'Load-test the cluster: throughput, latency percentiles and errors by kind'
            cand snapshot 'Take, download, inspect and restore snapshots'
            cand member 'List and change the members, one change at a time, with guard rails'
            cand leader 'Move leadership to another voter'
            cand recover 'Offline disaster recovery after a cluster lost its quorum for good'
            cand cert 'Make and inspect the cluster''s certificates and client tokens'
            cand playground 'Start a local cluster of N members for trying raftctl out'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write one man page per command into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;serve'= {
            cand --id 'This member''s id, from 1 to 2^53-1 (ids travel as JSON numbers, which are exact only below 2^53)'
            cand --listen 'Address to listen on for clients, and for peers unless --peer-listen is given'
            cand --advertise 'URL clients use to reach --listen, and other members too unless --peer-listen is given [default: http://<listen>, https:// with TLS]'
            cand --peer-listen 'Serve the peer routes (/raft/...) on this address of their own, so that a firewall can keep clients away from it; --listen then serves clients and operators only'
            cand --advertise-peer 'URL other members use to reach --peer-listen [default: http://<peer-listen>, https:// with TLS]. It is this member''s URL in the membership: in --initial-cluster and `raftctl member add`'
            cand --data-dir 'Where this node keeps its state'
            cand --initial-cluster 'Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state)'
            cand --join 'Join an existing cluster through this member''s URL (after `raftctl member add`)'
            cand --tick-ms 'Milliseconds per tick'
            cand --election-ticks 'Ticks without a leader before an election starts'
            cand --heartbeat-ticks 'Ticks between leader heartbeats'
            cand --snapshot-threshold 'Applied entries between automatic snapshots (etcd''s --snapshot-count default). Taking one writes every buffered applied change into the database first, a pause of a few milliseconds under load; 0 turns automatic snapshots off'
            cand --keep-log 'Entries kept behind a snapshot for slow followers'
            cand --log-level 'Log level (overridden by RUST_LOG)'
            cand --tokens 'Bearer tokens clients may use instead of a certificate: one `ROLE NAME sha256:HEX` line per token (made by `raftctl cert create-token`); reread when it changes'
            cand --public 'Routes open without credentials: health, metrics, both (health,metrics) or none'
            cand --revoked 'Certificates refused although signed by the CA: SHA-256 fingerprints (as `raftctl cert inspect` shows them), one per line; reread when it changes'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --moved 'This member was moved with `raftctl member update ID URL` while it was stopped: start it at the URL it now advertises although its data dir still records the old one (it learns the change from the leader)'
            cand --no-pre-vote 'Turn off PreVote'
            cand --no-check-quorum 'Turn off CheckQuorum (and the leader lease that goes with it)'
            cand --insecure-plaintext 'Serve without TLS on an address other than loopback: anyone who reaches it can act as any member or operator. Without TLS flags (--cacert, --cert, --key) a member otherwise listens only on loopback'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;kv'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand put 'Write a key'
            cand get 'Read a key (linearizable unless --stale)'
            cand del 'Delete a key'
            cand list 'List keys'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;kv;put'= {
            cand --file 'Store the bytes of this file as the value, unchanged (any bytes, at most 512 KiB); `-` reads standard input'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;kv;get'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --stale 'Answer from the member''s local state, without a round trip to the leader'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;kv;del'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;kv;list'= {
            cand --prefix 'Only keys that start with this'
            cand --limit 'At most this many keys'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;kv;help'= {
            cand put 'Write a key'
            cand get 'Read a key (linearizable unless --stale)'
            cand del 'Delete a key'
            cand list 'List keys'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;kv;help;put'= {
        }
        &'raftctl;kv;help;get'= {
        }
        &'raftctl;kv;help;del'= {
        }
        &'raftctl;kv;help;list'= {
        }
        &'raftctl;kv;help;help'= {
        }
        &'raftctl;status'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;health'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --cluster 'Check every member in the membership (found through the endpoints), and the cluster''s quorum and failure tolerance; without it only the --endpoints are checked'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;doctor'= {
            cand --fsync-p99-warn 'Warn when a member''s fsync p99 (since it started, from /metrics) is above this'
            cand --disk-free-warn 'Warn when the disk under a member''s data dir has less than this share free'
            cand --disk-free-fail 'Fail when the disk under a member''s data dir has less than this share free'
            cand --data-file-ratio-warn 'Warn when a member''s data file is more than this many times its live data ...'
            cand --data-file-min-mib '... and at least this many MiB (smaller files are never worth a warning)'
            cand --leader-changes-warn 'Warn when a member saw at least this many leader changes within --leader-window'
            cand --leader-window 'How far back leader changes count'
            cand --cert-warn-days 'Warn when a certificate expires within this many days (fail once it has expired)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;top'= {
            cand --interval 'How often to refresh (e.g. 500ms, 1s, 5s; at least 100ms)'
            cand -n 'Stop after COUNT refreshes (default: until q, Esc or Ctrl-C)'
            cand --count 'Stop after COUNT refreshes (default: until q, Esc or Ctrl-C)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --plain 'Plain lines even on a terminal: a summary line and a table per refresh'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand dump 'One row per log entry: index, term, type, size and a decoded summary'
            cand hardstate 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
            cand verify 'Check the log and hard state for consistency; exit 1 naming each problem'
            cand diff 'Where the logs of stopped members part ways; exit 1 when they do'
            cand conf-history 'Every membership change in the log, with the voters and learners after it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;wal;dump'= {
            cand --data-dir 'The data dir of a stopped member (the --data-dir it ran with)'
            cand --from 'First index to show'
            cand --to 'Last index to show'
            cand --limit 'At most this many entries'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal;hardstate'= {
            cand --data-dir 'The data dir of a stopped member (the --data-dir it ran with)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal;verify'= {
            cand --data-dir 'The data dir of a stopped member (the --data-dir it ran with)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal;diff'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal;conf-history'= {
            cand --data-dir 'The data dir of a stopped member (the --data-dir it ran with)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal;help'= {
            cand dump 'One row per log entry: index, term, type, size and a decoded summary'
            cand hardstate 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
            cand verify 'Check the log and hard state for consistency; exit 1 naming each problem'
            cand diff 'Where the logs of stopped members part ways; exit 1 when they do'
            cand conf-history 'Every membership change in the log, with the voters and learners after it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;wal;help;dump'= {
        }
        &'raftctl;wal;help;hardstate'= {
        }
        &'raftctl;wal;help;verify'= {
        }
        &'raftctl;wal;help;diff'= {
        }
        &'raftctl;wal;help;conf-history'= {
        }
        &'raftctl;wal;help;help'= {
        }
        &'raftctl;bench'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand put 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body'
            cand get 'Reads only: GET /v1/kv/key%2F000123'
            cand mixed 'Reads and writes: each request is a read with probability --read-ratio'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;bench;put'= {
            cand --clients 'Concurrent clients, each with its own connection'
            cand --duration 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]'
            cand --requests 'Send exactly this many requests in total instead of running for --duration'
            cand --value-size 'Bytes per written value'
            cand --keys 'Size of the uniform key space: key/000000 .. key/<K-1>'
            cand --target 'Send everything to the leader, or spread the clients over --endpoints'
            cand --seed 'Seed of the key and operation choices [default: random, shown in the report]'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;bench;get'= {
            cand --clients 'Concurrent clients, each with its own connection'
            cand --duration 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]'
            cand --requests 'Send exactly this many requests in total instead of running for --duration'
            cand --value-size 'Bytes per written value'
            cand --keys 'Size of the uniform key space: key/000000 .. key/<K-1>'
            cand --target 'Send everything to the leader, or spread the clients over --endpoints'
            cand --seed 'Seed of the key and operation choices [default: random, shown in the report]'
            cand --consistency 'Consistency of the reads'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --prefill 'Write every key once before the run (not measured), so that reads find values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;bench;mixed'= {
            cand --clients 'Concurrent clients, each with its own connection'
            cand --duration 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]'
            cand --requests 'Send exactly this many requests in total instead of running for --duration'
            cand --value-size 'Bytes per written value'
            cand --keys 'Size of the uniform key space: key/000000 .. key/<K-1>'
            cand --target 'Send everything to the leader, or spread the clients over --endpoints'
            cand --seed 'Seed of the key and operation choices [default: random, shown in the report]'
            cand --consistency 'Consistency of the reads'
            cand --read-ratio 'Share of requests that are reads, from 0 to 1'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --prefill 'Write every key once before the run (not measured), so that reads find values'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;bench;help'= {
            cand put 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body'
            cand get 'Reads only: GET /v1/kv/key%2F000123'
            cand mixed 'Reads and writes: each request is a read with probability --read-ratio'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;bench;help;put'= {
        }
        &'raftctl;bench;help;get'= {
        }
        &'raftctl;bench;help;mixed'= {
        }
        &'raftctl;bench;help;help'= {
        }
        &'raftctl;snapshot'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand take 'Take a snapshot and compact the log on the node(s) named by --endpoints'
            cand save 'Snapshot a node now and download it into FILE, verifying its checksum'
            cand inspect 'Offline: index, term, membership, key count, size and checksum of a snapshot file'
            cand restore 'Offline: make a new data dir that starts a NEW cluster from a snapshot file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;snapshot;take'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;snapshot;save'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;snapshot;inspect'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;snapshot;restore'= {
            cand --data-dir 'The new data dir (missing or empty)'
            cand --id 'This member''s id in the new cluster (>= 1, listed in --initial-cluster)'
            cand --initial-cluster 'Members of the new cluster: ID=URL,ID=URL,...'
            cand --initial-cluster-token 'Mixed into the new cluster id, to restore the same file into two clusters'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;snapshot;help'= {
            cand take 'Take a snapshot and compact the log on the node(s) named by --endpoints'
            cand save 'Snapshot a node now and download it into FILE, verifying its checksum'
            cand inspect 'Offline: index, term, membership, key count, size and checksum of a snapshot file'
            cand restore 'Offline: make a new data dir that starts a NEW cluster from a snapshot file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;snapshot;help;take'= {
        }
        &'raftctl;snapshot;help;save'= {
        }
        &'raftctl;snapshot;help;inspect'= {
        }
        &'raftctl;snapshot;help;restore'= {
        }
        &'raftctl;snapshot;help;help'= {
        }
        &'raftctl;member'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Members with their role; on the leader also MATCH, LAG and STATE'
            cand add 'Add a member, then print the `raftctl serve ... --join ...` line that starts it'
            cand promote 'Make a caught-up learner a voter'
            cand remove 'Remove a member (the leader too: it hands leadership over first)'
            cand update 'Record that a member moved: its peers reach it at URL from now on'
            cand replace 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;member;list'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;member;add'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --learner 'Add it as a learner (receives the log, does not vote); promote it later'
            cand --dry-run 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing'
            cand --force 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;member;promote'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --dry-run 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing'
            cand --force 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;member;remove'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --dry-run 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing'
            cand --force 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;member;update'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --dry-run 'Show the change and the voters, quorum and fault tolerance; change nothing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;member;replace'= {
            cand --id 'The new member''s id'
            cand --url 'The new member''s URL (its peer URL when the cluster serves peers apart)'
            cand --catch-up-timeout 'How long to wait for the new member to start and catch up before giving up (the command can be run again to go on waiting)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --dry-run 'Print the steps still to do, with the voters, quorum and fault tolerance after each; change nothing'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;member;help'= {
            cand list 'Members with their role; on the leader also MATCH, LAG and STATE'
            cand add 'Add a member, then print the `raftctl serve ... --join ...` line that starts it'
            cand promote 'Make a caught-up learner a voter'
            cand remove 'Remove a member (the leader too: it hands leadership over first)'
            cand update 'Record that a member moved: its peers reach it at URL from now on'
            cand replace 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;member;help;list'= {
        }
        &'raftctl;member;help;add'= {
        }
        &'raftctl;member;help;promote'= {
        }
        &'raftctl;member;help;remove'= {
        }
        &'raftctl;member;help;update'= {
        }
        &'raftctl;member;help;replace'= {
        }
        &'raftctl;member;help;help'= {
        }
        &'raftctl;leader'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand transfer 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;leader;transfer'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;leader;help'= {
            cand transfer 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;leader;help;transfer'= {
        }
        &'raftctl;leader;help;help'= {
        }
        &'raftctl;recover'= {
            cand --data-dir 'The stopped node''s data dir'
            cand --id 'The node id of that data dir (checked against it)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand plan 'Offline, read-only: which survivor is most up to date and which entries are at risk'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;recover;plan'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;recover;help'= {
            cand plan 'Offline, read-only: which survivor is most up to date and which entries are at risk'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;recover;help;plan'= {
        }
        &'raftctl;recover;help;help'= {
        }
        &'raftctl;cert'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create-ca 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)'
            cand create-member 'Make a member''s certificate and key (member-ID.crt, member-ID.key), signed by the CA'
            cand create-client 'Make a client''s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA'
            cand inspect 'Show who a certificate names, its hosts, validity and fingerprint, and its problems'
            cand create-token 'Make a bearer token for a client, add its hash to a tokens file, print the token once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;cert;create-ca'= {
            cand --days 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --force 'Replace existing files (each one in a single step, the key before the certificate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;cert;create-member'= {
            cand --id 'The member''s id, from 1 to 2^53-1 (its --id in `raftctl serve`)'
            cand --host 'Names and IP addresses peers and clients reach the member at (comma-separated or repeated); at least one'
            cand --ca 'The CA''s directory (holding ca.crt and ca.key)'
            cand --out 'Where to write the files [default: the CA''s directory]'
            cand --days 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --force 'Replace existing files (each one in a single step, the key before the certificate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;cert;create-client'= {
            cand --name 'The client''s name: 1 to 64 of A-Z a-z 0-9 . _ -'
            cand --role 'What the client may do'
            cand --ca 'The CA''s directory (holding ca.crt and ca.key)'
            cand --out 'Where to write the files [default: the CA''s directory]'
            cand --days 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --force 'Replace existing files (each one in a single step, the key before the certificate)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;cert;inspect'= {
            cand --ca 'Check that the certificate is signed by this CA (a ca.crt file or the CA''s directory)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;cert;create-token'= {
            cand --name 'The client''s name: 1 to 64 of A-Z a-z 0-9 . _ -'
            cand --role 'What the client may do'
            cand --tokens 'The tokens file to add the line to (created mode 0600 if missing)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;cert;help'= {
            cand create-ca 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)'
            cand create-member 'Make a member''s certificate and key (member-ID.crt, member-ID.key), signed by the CA'
            cand create-client 'Make a client''s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA'
            cand inspect 'Show who a certificate names, its hosts, validity and fingerprint, and its problems'
            cand create-token 'Make a bearer token for a client, add its hash to a tokens file, print the token once'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;cert;help;create-ca'= {
        }
        &'raftctl;cert;help;create-member'= {
        }
        &'raftctl;cert;help;create-client'= {
        }
        &'raftctl;cert;help;inspect'= {
        }
        &'raftctl;cert;help;create-token'= {
        }
        &'raftctl;cert;help;help'= {
        }
        &'raftctl;playground'= {
            cand --nodes 'How many members to start (1 to 7)'
            cand --base-port 'Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand --keep 'Keep the temporary directory (data dirs and logs) after stopping, and print where'
            cand --insecure 'Plaintext HTTP instead of TLS: no certificates, any local process is an operator'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;completions'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;man'= {
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --cacert 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts'
            cand --cert 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id'
            cand --key 'PEM file of the private key of --cert'
            cand --token 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;help'= {
            cand serve 'Run a Raft node'
            cand kv 'Read and write keys'
            cand status 'Show every member''s state, one row per member'
            cand health 'Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded, 2 unavailable'
            cand doctor 'Find what is wrong or about to go wrong, with the evidence and the command that fixes it: exit 0 all ok, 1 degraded, 2 unavailable'
            cand top 'A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes'
            cand wal 'Read a stopped node''s log and hard state offline'
            cand bench 'Load-test the cluster: throughput, latency percentiles and errors by kind'
            cand snapshot 'Take, download, inspect and restore snapshots'
            cand member 'List and change the members, one change at a time, with guard rails'
            cand leader 'Move leadership to another voter'
            cand recover 'Offline disaster recovery after a cluster lost its quorum for good'
            cand cert 'Make and inspect the cluster''s certificates and client tokens'
            cand playground 'Start a local cluster of N members for trying raftctl out'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write one man page per command into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;help;serve'= {
        }
        &'raftctl;help;kv'= {
            cand put 'Write a key'
            cand get 'Read a key (linearizable unless --stale)'
            cand del 'Delete a key'
            cand list 'List keys'
        }
        &'raftctl;help;kv;put'= {
        }
        &'raftctl;help;kv;get'= {
        }
        &'raftctl;help;kv;del'= {
        }
        &'raftctl;help;kv;list'= {
        }
        &'raftctl;help;status'= {
        }
        &'raftctl;help;health'= {
        }
        &'raftctl;help;doctor'= {
        }
        &'raftctl;help;top'= {
        }
        &'raftctl;help;wal'= {
            cand dump 'One row per log entry: index, term, type, size and a decoded summary'
            cand hardstate 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
            cand verify 'Check the log and hard state for consistency; exit 1 naming each problem'
            cand diff 'Where the logs of stopped members part ways; exit 1 when they do'
            cand conf-history 'Every membership change in the log, with the voters and learners after it'
        }
        &'raftctl;help;wal;dump'= {
        }
        &'raftctl;help;wal;hardstate'= {
        }
        &'raftctl;help;wal;verify'= {
        }
        &'raftctl;help;wal;diff'= {
        }
        &'raftctl;help;wal;conf-history'= {
        }
        &'raftctl;help;bench'= {
            cand put 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body'
            cand get 'Reads only: GET /v1/kv/key%2F000123'
            cand mixed 'Reads and writes: each request is a read with probability --read-ratio'
        }
        &'raftctl;help;bench;put'= {
        }
        &'raftctl;help;bench;get'= {
        }
        &'raftctl;help;bench;mixed'= {
        }
        &'raftctl;help;snapshot'= {
            cand take 'Take a snapshot and compact the log on the node(s) named by --endpoints'
            cand save 'Snapshot a node now and download it into FILE, verifying its checksum'
            cand inspect 'Offline: index, term, membership, key count, size and checksum of a snapshot file'
            cand restore 'Offline: make a new data dir that starts a NEW cluster from a snapshot file'
        }
        &'raftctl;help;snapshot;take'= {
        }
        &'raftctl;help;snapshot;save'= {
        }
        &'raftctl;help;snapshot;inspect'= {
        }
        &'raftctl;help;snapshot;restore'= {
        }
        &'raftctl;help;member'= {
            cand list 'Members with their role; on the leader also MATCH, LAG and STATE'
            cand add 'Add a member, then print the `raftctl serve ... --join ...` line that starts it'
            cand promote 'Make a caught-up learner a voter'
            cand remove 'Remove a member (the leader too: it hands leadership over first)'
            cand update 'Record that a member moved: its peers reach it at URL from now on'
            cand replace 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD'
        }
        &'raftctl;help;member;list'= {
        }
        &'raftctl;help;member;add'= {
        }
        &'raftctl;help;member;promote'= {
        }
        &'raftctl;help;member;remove'= {
        }
        &'raftctl;help;member;update'= {
        }
        &'raftctl;help;member;replace'= {
        }
        &'raftctl;help;leader'= {
            cand transfer 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader'
        }
        &'raftctl;help;leader;transfer'= {
        }
        &'raftctl;help;recover'= {
            cand plan 'Offline, read-only: which survivor is most up to date and which entries are at risk'
        }
        &'raftctl;help;recover;plan'= {
        }
        &'raftctl;help;cert'= {
            cand create-ca 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)'
            cand create-member 'Make a member''s certificate and key (member-ID.crt, member-ID.key), signed by the CA'
            cand create-client 'Make a client''s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA'
            cand inspect 'Show who a certificate names, its hosts, validity and fingerprint, and its problems'
            cand create-token 'Make a bearer token for a client, add its hash to a tokens file, print the token once'
        }
        &'raftctl;help;cert;create-ca'= {
        }
        &'raftctl;help;cert;create-member'= {
        }
        &'raftctl;help;cert;create-client'= {
        }
        &'raftctl;help;cert;inspect'= {
        }
        &'raftctl;help;cert;create-token'= {
        }
        &'raftctl;help;playground'= {
        }
        &'raftctl;help;completions'= {
        }
        &'raftctl;help;man'= {
        }
        &'raftctl;help;help'= {
        }
    ]
    $completions[$command]
}
