# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_raftctl_global_optspecs
    string join \n endpoints= o/output= timeout= cacert= cert= key= token= h/help V/version
end

function __fish_raftctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_raftctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_raftctl_using_subcommand
    set -l cmd (__fish_raftctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c raftctl -n "__fish_raftctl_needs_command" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_needs_command" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_needs_command" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_needs_command" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_needs_command" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_needs_command" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_needs_command" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "serve" -d 'Run a Raft node'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "kv" -d 'Read and write keys'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "status" -d 'Show every member\'s state, one row per member'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "health" -d 'Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded, 2 unavailable'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "doctor" -d 'Find what is wrong or about to go wrong, with the evidence and the command that fixes it: exit 0 all ok, 1 degraded, 2 unavailable'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "top" -d 'A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "wal" -d 'Read a stopped node\'s log and hard state offline'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "bench" -d 'Load-test the cluster: throughput, latency percentiles and errors by kind'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "snapshot" -d 'Take, download, inspect and restore snapshots'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "member" -d 'List and change the members, one change at a time, with guard rails'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "leader" -d 'Move leadership to another voter'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "recover" -d 'Offline disaster recovery after a cluster lost its quorum for good'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "cert" -d 'Make and inspect the cluster\'s certificates and client tokens'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "playground" -d 'Start a local cluster of N members for trying raftctl out'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "man" -d 'Write one man page per command into a directory'
complete -c raftctl -n "__fish_raftctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l id -d 'This member\'s id, from 1 to 2^53-1 (ids travel as JSON numbers, which are exact only below 2^53)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l listen -d 'Address to listen on for clients, and for peers unless --peer-listen is given' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l advertise -d 'URL clients use to reach --listen, and other members too unless --peer-listen is given [default: http://<listen>, https:// with TLS]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l peer-listen -d 'Serve the peer routes (/raft/...) on this address of their own, so that a firewall can keep clients away from it; --listen then serves clients and operators only' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l advertise-peer -d 'URL other members use to reach --peer-listen [default: http://<peer-listen>, https:// with TLS]. It is this member\'s URL in the membership: in --initial-cluster and `raftctl member add`' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l data-dir -d 'Where this node keeps its state' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l initial-cluster -d 'Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l join -d 'Join an existing cluster through this member\'s URL (after `raftctl member add`)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l tick-ms -d 'Milliseconds per tick' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l election-ticks -d 'Ticks without a leader before an election starts' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l heartbeat-ticks -d 'Ticks between leader heartbeats' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l snapshot-threshold -d 'Applied entries between automatic snapshots (etcd\'s --snapshot-count default). Taking one writes every buffered applied change into the database first, a pause of a few milliseconds under load; 0 turns automatic snapshots off' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l keep-log -d 'Entries kept behind a snapshot for slow followers' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l log-level -d 'Log level (overridden by RUST_LOG)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l tokens -d 'Bearer tokens clients may use instead of a certificate: one `ROLE NAME sha256:HEX` line per token (made by `raftctl cert create-token`); reread when it changes' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l public -d 'Routes open without credentials: health, metrics, both (health,metrics) or none' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l revoked -d 'Certificates refused although signed by the CA: SHA-256 fingerprints (as `raftctl cert inspect` shows them), one per line; reread when it changes' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l moved -d 'This member was moved with `raftctl member update ID URL` while it was stopped: start it at the URL it now advertises although its data dir still records the old one (it learns the change from the leader)'
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l no-pre-vote -d 'Turn off PreVote'
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l no-check-quorum -d 'Turn off CheckQuorum (and the leader lease that goes with it)'
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -l insecure-plaintext -d 'Serve without TLS on an address other than loopback: anyone who reaches it can act as any member or operator. Without TLS flags (--cacert, --cert, --key) a member otherwise listens only on loopback'
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -f -a "put" -d 'Write a key'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -f -a "get" -d 'Read a key (linearizable unless --stale)'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -f -a "del" -d 'Delete a key'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -f -a "list" -d 'List keys'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and not __fish_seen_subcommand_from put get del list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l file -d 'Store the bytes of this file as the value, unchanged (any bytes, at most 512 KiB); `-` reads standard input' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from put" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -l stale -d 'Answer from the member\'s local state, without a round trip to the leader'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from del" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l prefix -d 'Only keys that start with this' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l limit -d 'At most this many keys' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from help" -f -a "put" -d 'Write a key'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from help" -f -a "get" -d 'Read a key (linearizable unless --stale)'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from help" -f -a "del" -d 'Delete a key'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys'
complete -c raftctl -n "__fish_raftctl_using_subcommand kv; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -l cluster -d 'Check every member in the membership (found through the endpoints), and the cluster\'s quorum and failure tolerance; without it only the --endpoints are checked'
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand health" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l fsync-p99-warn -d 'Warn when a member\'s fsync p99 (since it started, from /metrics) is above this' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l disk-free-warn -d 'Warn when the disk under a member\'s data dir has less than this share free' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l disk-free-fail -d 'Fail when the disk under a member\'s data dir has less than this share free' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l data-file-ratio-warn -d 'Warn when a member\'s data file is more than this many times its live data ...' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l data-file-min-mib -d '... and at least this many MiB (smaller files are never worth a warning)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l leader-changes-warn -d 'Warn when a member saw at least this many leader changes within --leader-window' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l leader-window -d 'How far back leader changes count' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l cert-warn-days -d 'Warn when a certificate expires within this many days (fail once it has expired)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l interval -d 'How often to refresh (e.g. 500ms, 1s, 5s; at least 100ms)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -s n -l count -d 'Stop after COUNT refreshes (default: until q, Esc or Ctrl-C)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -l plain -d 'Plain lines even on a terminal: a summary line and a table per refresh'
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand top" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -f -a "dump" -d 'One row per log entry: index, term, type, size and a decoded summary'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -f -a "hardstate" -d 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -f -a "verify" -d 'Check the log and hard state for consistency; exit 1 naming each problem'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -f -a "diff" -d 'Where the logs of stopped members part ways; exit 1 when they do'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -f -a "conf-history" -d 'Every membership change in the log, with the voters and learners after it'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and not __fish_seen_subcommand_from dump hardstate verify diff conf-history help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l data-dir -d 'The data dir of a stopped member (the --data-dir it ran with)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l from -d 'First index to show' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l to -d 'Last index to show' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l limit -d 'At most this many entries' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from dump" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l data-dir -d 'The data dir of a stopped member (the --data-dir it ran with)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from hardstate" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l data-dir -d 'The data dir of a stopped member (the --data-dir it ran with)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l data-dir -d 'The data dir of a stopped member (the --data-dir it ran with)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from conf-history" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "dump" -d 'One row per log entry: index, term, type, size and a decoded summary'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "hardstate" -d 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the log and hard state for consistency; exit 1 naming each problem'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Where the logs of stopped members part ways; exit 1 when they do'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "conf-history" -d 'Every membership change in the log, with the voters and learners after it'
complete -c raftctl -n "__fish_raftctl_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -f -a "put" -d 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -f -a "get" -d 'Reads only: GET /v1/kv/key%2F000123'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -f -a "mixed" -d 'Reads and writes: each request is a read with probability --read-ratio'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and not __fish_seen_subcommand_from put get mixed help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l clients -d 'Concurrent clients, each with its own connection' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l duration -d 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l requests -d 'Send exactly this many requests in total instead of running for --duration' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l value-size -d 'Bytes per written value' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l keys -d 'Size of the uniform key space: key/000000 .. key/<K-1>' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l target -d 'Send everything to the leader, or spread the clients over --endpoints' -r -f -a "leader\t'The current leader, asked for once before the run'
all\t'Every endpoint of --endpoints, clients spread round-robin'"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l seed -d 'Seed of the key and operation choices [default: random, shown in the report]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from put" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l clients -d 'Concurrent clients, each with its own connection' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l duration -d 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l requests -d 'Send exactly this many requests in total instead of running for --duration' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l value-size -d 'Bytes per written value' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l keys -d 'Size of the uniform key space: key/000000 .. key/<K-1>' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l target -d 'Send everything to the leader, or spread the clients over --endpoints' -r -f -a "leader\t'The current leader, asked for once before the run'
all\t'Every endpoint of --endpoints, clients spread round-robin'"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l seed -d 'Seed of the key and operation choices [default: random, shown in the report]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l consistency -d 'Consistency of the reads' -r -f -a "linearizable\t'ReadIndex through the leader; never stale'
stale\t'The member\'s local state, without a round trip'"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -l prefill -d 'Write every key once before the run (not measured), so that reads find values'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l clients -d 'Concurrent clients, each with its own connection' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l duration -d 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l requests -d 'Send exactly this many requests in total instead of running for --duration' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l value-size -d 'Bytes per written value' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l keys -d 'Size of the uniform key space: key/000000 .. key/<K-1>' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l target -d 'Send everything to the leader, or spread the clients over --endpoints' -r -f -a "leader\t'The current leader, asked for once before the run'
all\t'Every endpoint of --endpoints, clients spread round-robin'"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l seed -d 'Seed of the key and operation choices [default: random, shown in the report]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l consistency -d 'Consistency of the reads' -r -f -a "linearizable\t'ReadIndex through the leader; never stale'
stale\t'The member\'s local state, without a round trip'"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l read-ratio -d 'Share of requests that are reads, from 0 to 1' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -l prefill -d 'Write every key once before the run (not measured), so that reads find values'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from mixed" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "put" -d 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "get" -d 'Reads only: GET /v1/kv/key%2F000123'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "mixed" -d 'Reads and writes: each request is a read with probability --read-ratio'
complete -c raftctl -n "__fish_raftctl_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -f -a "take" -d 'Take a snapshot and compact the log on the node(s) named by --endpoints'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -f -a "save" -d 'Snapshot a node now and download it into FILE, verifying its checksum'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -f -a "inspect" -d 'Offline: index, term, membership, key count, size and checksum of a snapshot file'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -f -a "restore" -d 'Offline: make a new data dir that starts a NEW cluster from a snapshot file'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and not __fish_seen_subcommand_from take save inspect restore help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from take" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from save" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l data-dir -d 'The new data dir (missing or empty)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l id -d 'This member\'s id in the new cluster (>= 1, listed in --initial-cluster)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l initial-cluster -d 'Members of the new cluster: ID=URL,ID=URL,...' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l initial-cluster-token -d 'Mixed into the new cluster id, to restore the same file into two clusters' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from restore" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "take" -d 'Take a snapshot and compact the log on the node(s) named by --endpoints'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "save" -d 'Snapshot a node now and download it into FILE, verifying its checksum'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Offline: index, term, membership, key count, size and checksum of a snapshot file'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Offline: make a new data dir that starts a NEW cluster from a snapshot file'
complete -c raftctl -n "__fish_raftctl_using_subcommand snapshot; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "list" -d 'Members with their role; on the leader also MATCH, LAG and STATE'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "add" -d 'Add a member, then print the `raftctl serve ... --join ...` line that starts it'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "promote" -d 'Make a caught-up learner a voter'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "remove" -d 'Remove a member (the leader too: it hands leadership over first)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "update" -d 'Record that a member moved: its peers reach it at URL from now on'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "replace" -d 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and not __fish_seen_subcommand_from list add promote remove update replace help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l learner -d 'Add it as a learner (receives the log, does not vote); promote it later'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l dry-run -d 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -l force -d 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l dry-run -d 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -l force -d 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from promote" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l dry-run -d 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -l force -d 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -l dry-run -d 'Show the change and the voters, quorum and fault tolerance; change nothing'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l id -d 'The new member\'s id' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l url -d 'The new member\'s URL (its peer URL when the cluster serves peers apart)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l catch-up-timeout -d 'How long to wait for the new member to start and catch up before giving up (the command can be run again to go on waiting)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -l dry-run -d 'Print the steps still to do, with the voters, quorum and fault tolerance after each; change nothing'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from replace" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "list" -d 'Members with their role; on the leader also MATCH, LAG and STATE'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a member, then print the `raftctl serve ... --join ...` line that starts it'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "promote" -d 'Make a caught-up learner a voter'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a member (the leader too: it hands leadership over first)'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "update" -d 'Record that a member moved: its peers reach it at URL from now on'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "replace" -d 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD'
complete -c raftctl -n "__fish_raftctl_using_subcommand member; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -f -a "transfer" -d 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and not __fish_seen_subcommand_from transfer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from transfer" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from help" -f -a "transfer" -d 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader'
complete -c raftctl -n "__fish_raftctl_using_subcommand leader; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l data-dir -d 'The stopped node\'s data dir' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l id -d 'The node id of that data dir (checked against it)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -f -a "plan" -d 'Offline, read-only: which survivor is most up to date and which entries are at risk'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and not __fish_seen_subcommand_from plan help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from plan" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Offline, read-only: which survivor is most up to date and which entries are at risk'
complete -c raftctl -n "__fish_raftctl_using_subcommand recover; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -f -a "create-ca" -d 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -f -a "create-member" -d 'Make a member\'s certificate and key (member-ID.crt, member-ID.key), signed by the CA'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -f -a "create-client" -d 'Make a client\'s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -f -a "inspect" -d 'Show who a certificate names, its hosts, validity and fingerprint, and its problems'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -f -a "create-token" -d 'Make a bearer token for a client, add its hash to a tokens file, print the token once'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and not __fish_seen_subcommand_from create-ca create-member create-client inspect create-token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l days -d 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -l force -d 'Replace existing files (each one in a single step, the key before the certificate)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-ca" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l id -d 'The member\'s id, from 1 to 2^53-1 (its --id in `raftctl serve`)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l host -d 'Names and IP addresses peers and clients reach the member at (comma-separated or repeated); at least one' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l ca -d 'The CA\'s directory (holding ca.crt and ca.key)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l out -d 'Where to write the files [default: the CA\'s directory]' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l days -d 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -l force -d 'Replace existing files (each one in a single step, the key before the certificate)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-member" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l name -d 'The client\'s name: 1 to 64 of A-Z a-z 0-9 . _ -' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l role -d 'What the client may do' -r -f -a "read\t'get, list, status, members, health, metrics'
write\t'read, plus put and delete'
admin\t'write, plus membership, leader transfer and snapshots'"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l ca -d 'The CA\'s directory (holding ca.crt and ca.key)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l out -d 'Where to write the files [default: the CA\'s directory]' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l days -d 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -l force -d 'Replace existing files (each one in a single step, the key before the certificate)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-client" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l ca -d 'Check that the certificate is signed by this CA (a ca.crt file or the CA\'s directory)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l name -d 'The client\'s name: 1 to 64 of A-Z a-z 0-9 . _ -' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l role -d 'What the client may do' -r -f -a "read\t'get, list, status, members, health, metrics'
write\t'read, plus put and delete'
admin\t'write, plus membership, leader transfer and snapshots'"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l tokens -d 'The tokens file to add the line to (created mode 0600 if missing)' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from create-token" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "create-ca" -d 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "create-member" -d 'Make a member\'s certificate and key (member-ID.crt, member-ID.key), signed by the CA'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "create-client" -d 'Make a client\'s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show who a certificate names, its hosts, validity and fingerprint, and its problems'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "create-token" -d 'Make a bearer token for a client, add its hash to a tokens file, print the token once'
complete -c raftctl -n "__fish_raftctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l nodes -d 'How many members to start (1 to 7)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l base-port -d 'Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l keep -d 'Keep the temporary directory (data dirs and logs) after stopping, and print where'
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -l insecure -d 'Plaintext HTTP instead of TLS: no certificates, any local process is an operator'
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand playground" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -l endpoints -d 'Members to talk to, tried in order (comma-separated URLs)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''"
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -l timeout -d 'How long to wait for each request (e.g. 500ms, 5s, 2m)' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -l cacert -d 'PEM file of the cluster CA: it signed the members\' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -l cert -d 'PEM file of this process\'s certificate, for mutual TLS (with --key); for `serve`, the member\'s own certificate, which names its --id' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -l key -d 'PEM file of the private key of --cert' -r -F
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -l token -d 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate' -r
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c raftctl -n "__fish_raftctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "serve" -d 'Run a Raft node'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "kv" -d 'Read and write keys'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "status" -d 'Show every member\'s state, one row per member'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "health" -d 'Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded, 2 unavailable'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "doctor" -d 'Find what is wrong or about to go wrong, with the evidence and the command that fixes it: exit 0 all ok, 1 degraded, 2 unavailable'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "top" -d 'A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "wal" -d 'Read a stopped node\'s log and hard state offline'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "bench" -d 'Load-test the cluster: throughput, latency percentiles and errors by kind'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "snapshot" -d 'Take, download, inspect and restore snapshots'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "member" -d 'List and change the members, one change at a time, with guard rails'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "leader" -d 'Move leadership to another voter'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "recover" -d 'Offline disaster recovery after a cluster lost its quorum for good'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "cert" -d 'Make and inspect the cluster\'s certificates and client tokens'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "playground" -d 'Start a local cluster of N members for trying raftctl out'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "man" -d 'Write one man page per command into a directory'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and not __fish_seen_subcommand_from serve kv status health doctor top wal bench snapshot member leader recover cert playground completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from kv" -f -a "put" -d 'Write a key'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from kv" -f -a "get" -d 'Read a key (linearizable unless --stale)'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from kv" -f -a "del" -d 'Delete a key'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from kv" -f -a "list" -d 'List keys'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "dump" -d 'One row per log entry: index, term, type, size and a decoded summary'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "hardstate" -d 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "verify" -d 'Check the log and hard state for consistency; exit 1 naming each problem'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "diff" -d 'Where the logs of stopped members part ways; exit 1 when they do'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "conf-history" -d 'Every membership change in the log, with the voters and learners after it'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "put" -d 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "get" -d 'Reads only: GET /v1/kv/key%2F000123'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "mixed" -d 'Reads and writes: each request is a read with probability --read-ratio'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "take" -d 'Take a snapshot and compact the log on the node(s) named by --endpoints'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "save" -d 'Snapshot a node now and download it into FILE, verifying its checksum'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "inspect" -d 'Offline: index, term, membership, key count, size and checksum of a snapshot file'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from snapshot" -f -a "restore" -d 'Offline: make a new data dir that starts a NEW cluster from a snapshot file'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from member" -f -a "list" -d 'Members with their role; on the leader also MATCH, LAG and STATE'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from member" -f -a "add" -d 'Add a member, then print the `raftctl serve ... --join ...` line that starts it'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from member" -f -a "promote" -d 'Make a caught-up learner a voter'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from member" -f -a "remove" -d 'Remove a member (the leader too: it hands leadership over first)'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from member" -f -a "update" -d 'Record that a member moved: its peers reach it at URL from now on'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from member" -f -a "replace" -d 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from leader" -f -a "transfer" -d 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from recover" -f -a "plan" -d 'Offline, read-only: which survivor is most up to date and which entries are at risk'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "create-ca" -d 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "create-member" -d 'Make a member\'s certificate and key (member-ID.crt, member-ID.key), signed by the CA'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "create-client" -d 'Make a client\'s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "inspect" -d 'Show who a certificate names, its hosts, validity and fingerprint, and its problems'
complete -c raftctl -n "__fish_raftctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "create-token" -d 'Make a bearer token for a client, add its hash to a tokens file, print the token once'
