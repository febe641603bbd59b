
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'raftctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'raftctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'raftctl' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a Raft node')
            [CompletionResult]::new('kv', 'kv', [CompletionResultType]::ParameterValue, 'Read and write keys')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every member''s state, one row per member')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded, 2 unavailable')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Find what is wrong or about to go wrong, with the evidence and the command that fixes it: exit 0 all ok, 1 degraded, 2 unavailable')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes')
            [CompletionResult]::new('wal', 'wal', [CompletionResultType]::ParameterValue, 'Read a stopped node''s log and hard state offline')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Load-test the cluster: throughput, latency percentiles and errors by kind')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Take, download, inspect and restore snapshots')
            [CompletionResult]::new('member', 'member', [CompletionResultType]::ParameterValue, 'List and change the members, one change at a time, with guard rails')
            [CompletionResult]::new('leader', 'leader', [CompletionResultType]::ParameterValue, 'Move leadership to another voter')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'Offline disaster recovery after a cluster lost its quorum for good')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Make and inspect the cluster''s certificates and client tokens')
            [CompletionResult]::new('playground', 'playground', [CompletionResultType]::ParameterValue, 'Start a local cluster of N members for trying raftctl out')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write one man page per command into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;serve' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'This member''s id, from 1 to 2^53-1 (ids travel as JSON numbers, which are exact only below 2^53)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on for clients, and for peers unless --peer-listen is given')
            [CompletionResult]::new('--advertise', '--advertise', [CompletionResultType]::ParameterName, 'URL clients use to reach --listen, and other members too unless --peer-listen is given [default: http://<listen>, https:// with TLS]')
            [CompletionResult]::new('--peer-listen', '--peer-listen', [CompletionResultType]::ParameterName, 'Serve the peer routes (/raft/...) on this address of their own, so that a firewall can keep clients away from it; --listen then serves clients and operators only')
            [CompletionResult]::new('--advertise-peer', '--advertise-peer', [CompletionResultType]::ParameterName, 'URL other members use to reach --peer-listen [default: http://<peer-listen>, https:// with TLS]. It is this member''s URL in the membership: in --initial-cluster and `raftctl member add`')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where this node keeps its state')
            [CompletionResult]::new('--initial-cluster', '--initial-cluster', [CompletionResultType]::ParameterName, 'Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state)')
            [CompletionResult]::new('--join', '--join', [CompletionResultType]::ParameterName, 'Join an existing cluster through this member''s URL (after `raftctl member add`)')
            [CompletionResult]::new('--tick-ms', '--tick-ms', [CompletionResultType]::ParameterName, 'Milliseconds per tick')
            [CompletionResult]::new('--election-ticks', '--election-ticks', [CompletionResultType]::ParameterName, 'Ticks without a leader before an election starts')
            [CompletionResult]::new('--heartbeat-ticks', '--heartbeat-ticks', [CompletionResultType]::ParameterName, 'Ticks between leader heartbeats')
            [CompletionResult]::new('--snapshot-threshold', '--snapshot-threshold', [CompletionResultType]::ParameterName, 'Applied entries between automatic snapshots (etcd''s --snapshot-count default). Taking one writes every buffered applied change into the database first, a pause of a few milliseconds under load; 0 turns automatic snapshots off')
            [CompletionResult]::new('--keep-log', '--keep-log', [CompletionResultType]::ParameterName, 'Entries kept behind a snapshot for slow followers')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level (overridden by RUST_LOG)')
            [CompletionResult]::new('--tokens', '--tokens', [CompletionResultType]::ParameterName, 'Bearer tokens clients may use instead of a certificate: one `ROLE NAME sha256:HEX` line per token (made by `raftctl cert create-token`); reread when it changes')
            [CompletionResult]::new('--public', '--public', [CompletionResultType]::ParameterName, 'Routes open without credentials: health, metrics, both (health,metrics) or none')
            [CompletionResult]::new('--revoked', '--revoked', [CompletionResultType]::ParameterName, 'Certificates refused although signed by the CA: SHA-256 fingerprints (as `raftctl cert inspect` shows them), one per line; reread when it changes')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--moved', '--moved', [CompletionResultType]::ParameterName, 'This member was moved with `raftctl member update ID URL` while it was stopped: start it at the URL it now advertises although its data dir still records the old one (it learns the change from the leader)')
            [CompletionResult]::new('--no-pre-vote', '--no-pre-vote', [CompletionResultType]::ParameterName, 'Turn off PreVote')
            [CompletionResult]::new('--no-check-quorum', '--no-check-quorum', [CompletionResultType]::ParameterName, 'Turn off CheckQuorum (and the leader lease that goes with it)')
            [CompletionResult]::new('--insecure-plaintext', '--insecure-plaintext', [CompletionResultType]::ParameterName, 'Serve without TLS on an address other than loopback: anyone who reaches it can act as any member or operator. Without TLS flags (--cacert, --cert, --key) a member otherwise listens only on loopback')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;kv' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Write a key')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read a key (linearizable unless --stale)')
            [CompletionResult]::new('del', 'del', [CompletionResultType]::ParameterValue, 'Delete a key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;kv;put' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Store the bytes of this file as the value, unchanged (any bytes, at most 512 KiB); `-` reads standard input')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;kv;get' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--stale', '--stale', [CompletionResultType]::ParameterName, 'Answer from the member''s local state, without a round trip to the leader')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;kv;del' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;kv;list' {
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Only keys that start with this')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many keys')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;kv;help' {
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Write a key')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read a key (linearizable unless --stale)')
            [CompletionResult]::new('del', 'del', [CompletionResultType]::ParameterValue, 'Delete a key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;kv;help;put' {
            break
        }
        'raftctl;kv;help;get' {
            break
        }
        'raftctl;kv;help;del' {
            break
        }
        'raftctl;kv;help;list' {
            break
        }
        'raftctl;kv;help;help' {
            break
        }
        'raftctl;status' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;health' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Check every member in the membership (found through the endpoints), and the cluster''s quorum and failure tolerance; without it only the --endpoints are checked')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;doctor' {
            [CompletionResult]::new('--fsync-p99-warn', '--fsync-p99-warn', [CompletionResultType]::ParameterName, 'Warn when a member''s fsync p99 (since it started, from /metrics) is above this')
            [CompletionResult]::new('--disk-free-warn', '--disk-free-warn', [CompletionResultType]::ParameterName, 'Warn when the disk under a member''s data dir has less than this share free')
            [CompletionResult]::new('--disk-free-fail', '--disk-free-fail', [CompletionResultType]::ParameterName, 'Fail when the disk under a member''s data dir has less than this share free')
            [CompletionResult]::new('--data-file-ratio-warn', '--data-file-ratio-warn', [CompletionResultType]::ParameterName, 'Warn when a member''s data file is more than this many times its live data ...')
            [CompletionResult]::new('--data-file-min-mib', '--data-file-min-mib', [CompletionResultType]::ParameterName, '... and at least this many MiB (smaller files are never worth a warning)')
            [CompletionResult]::new('--leader-changes-warn', '--leader-changes-warn', [CompletionResultType]::ParameterName, 'Warn when a member saw at least this many leader changes within --leader-window')
            [CompletionResult]::new('--leader-window', '--leader-window', [CompletionResultType]::ParameterName, 'How far back leader changes count')
            [CompletionResult]::new('--cert-warn-days', '--cert-warn-days', [CompletionResultType]::ParameterName, 'Warn when a certificate expires within this many days (fail once it has expired)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;top' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to refresh (e.g. 500ms, 1s, 5s; at least 100ms)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after COUNT refreshes (default: until q, Esc or Ctrl-C)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after COUNT refreshes (default: until q, Esc or Ctrl-C)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Plain lines even on a terminal: a summary line and a table per refresh')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;wal' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'One row per log entry: index, term, type, size and a decoded summary')
            [CompletionResult]::new('hardstate', 'hardstate', [CompletionResultType]::ParameterValue, 'Term, vote, commit, applied, log bounds, snapshot, membership and ids')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log and hard state for consistency; exit 1 naming each problem')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Where the logs of stopped members part ways; exit 1 when they do')
            [CompletionResult]::new('conf-history', 'conf-history', [CompletionResultType]::ParameterValue, 'Every membership change in the log, with the voters and learners after it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;wal;dump' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data dir of a stopped member (the --data-dir it ran with)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'First index to show')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Last index to show')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many entries')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;wal;hardstate' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data dir of a stopped member (the --data-dir it ran with)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;wal;verify' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data dir of a stopped member (the --data-dir it ran with)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;wal;diff' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;wal;conf-history' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data dir of a stopped member (the --data-dir it ran with)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;wal;help' {
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'One row per log entry: index, term, type, size and a decoded summary')
            [CompletionResult]::new('hardstate', 'hardstate', [CompletionResultType]::ParameterValue, 'Term, vote, commit, applied, log bounds, snapshot, membership and ids')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log and hard state for consistency; exit 1 naming each problem')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Where the logs of stopped members part ways; exit 1 when they do')
            [CompletionResult]::new('conf-history', 'conf-history', [CompletionResultType]::ParameterValue, 'Every membership change in the log, with the voters and learners after it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;wal;help;dump' {
            break
        }
        'raftctl;wal;help;hardstate' {
            break
        }
        'raftctl;wal;help;verify' {
            break
        }
        'raftctl;wal;help;diff' {
            break
        }
        'raftctl;wal;help;conf-history' {
            break
        }
        'raftctl;wal;help;help' {
            break
        }
        'raftctl;bench' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Reads only: GET /v1/kv/key%2F000123')
            [CompletionResult]::new('mixed', 'mixed', [CompletionResultType]::ParameterValue, 'Reads and writes: each request is a read with probability --read-ratio')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;bench;put' {
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Concurrent clients, each with its own connection')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Send exactly this many requests in total instead of running for --duration')
            [CompletionResult]::new('--value-size', '--value-size', [CompletionResultType]::ParameterName, 'Bytes per written value')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'Size of the uniform key space: key/000000 .. key/<K-1>')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Send everything to the leader, or spread the clients over --endpoints')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the key and operation choices [default: random, shown in the report]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;bench;get' {
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Concurrent clients, each with its own connection')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Send exactly this many requests in total instead of running for --duration')
            [CompletionResult]::new('--value-size', '--value-size', [CompletionResultType]::ParameterName, 'Bytes per written value')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'Size of the uniform key space: key/000000 .. key/<K-1>')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Send everything to the leader, or spread the clients over --endpoints')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the key and operation choices [default: random, shown in the report]')
            [CompletionResult]::new('--consistency', '--consistency', [CompletionResultType]::ParameterName, 'Consistency of the reads')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--prefill', '--prefill', [CompletionResultType]::ParameterName, 'Write every key once before the run (not measured), so that reads find values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;bench;mixed' {
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Concurrent clients, each with its own connection')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to send requests (e.g. 500ms, 5s, 2m) [default: 10s]')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Send exactly this many requests in total instead of running for --duration')
            [CompletionResult]::new('--value-size', '--value-size', [CompletionResultType]::ParameterName, 'Bytes per written value')
            [CompletionResult]::new('--keys', '--keys', [CompletionResultType]::ParameterName, 'Size of the uniform key space: key/000000 .. key/<K-1>')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Send everything to the leader, or spread the clients over --endpoints')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the key and operation choices [default: random, shown in the report]')
            [CompletionResult]::new('--consistency', '--consistency', [CompletionResultType]::ParameterName, 'Consistency of the reads')
            [CompletionResult]::new('--read-ratio', '--read-ratio', [CompletionResultType]::ParameterName, 'Share of requests that are reads, from 0 to 1')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--prefill', '--prefill', [CompletionResultType]::ParameterName, 'Write every key once before the run (not measured), so that reads find values')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;bench;help' {
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Reads only: GET /v1/kv/key%2F000123')
            [CompletionResult]::new('mixed', 'mixed', [CompletionResultType]::ParameterValue, 'Reads and writes: each request is a read with probability --read-ratio')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;bench;help;put' {
            break
        }
        'raftctl;bench;help;get' {
            break
        }
        'raftctl;bench;help;mixed' {
            break
        }
        'raftctl;bench;help;help' {
            break
        }
        'raftctl;snapshot' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('take', 'take', [CompletionResultType]::ParameterValue, 'Take a snapshot and compact the log on the node(s) named by --endpoints')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Snapshot a node now and download it into FILE, verifying its checksum')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Offline: index, term, membership, key count, size and checksum of a snapshot file')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Offline: make a new data dir that starts a NEW cluster from a snapshot file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;snapshot;take' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;snapshot;save' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;snapshot;inspect' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;snapshot;restore' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The new data dir (missing or empty)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'This member''s id in the new cluster (>= 1, listed in --initial-cluster)')
            [CompletionResult]::new('--initial-cluster', '--initial-cluster', [CompletionResultType]::ParameterName, 'Members of the new cluster: ID=URL,ID=URL,...')
            [CompletionResult]::new('--initial-cluster-token', '--initial-cluster-token', [CompletionResultType]::ParameterName, 'Mixed into the new cluster id, to restore the same file into two clusters')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;snapshot;help' {
            [CompletionResult]::new('take', 'take', [CompletionResultType]::ParameterValue, 'Take a snapshot and compact the log on the node(s) named by --endpoints')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Snapshot a node now and download it into FILE, verifying its checksum')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Offline: index, term, membership, key count, size and checksum of a snapshot file')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Offline: make a new data dir that starts a NEW cluster from a snapshot file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;snapshot;help;take' {
            break
        }
        'raftctl;snapshot;help;save' {
            break
        }
        'raftctl;snapshot;help;inspect' {
            break
        }
        'raftctl;snapshot;help;restore' {
            break
        }
        'raftctl;snapshot;help;help' {
            break
        }
        'raftctl;member' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Members with their role; on the leader also MATCH, LAG and STATE')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a member, then print the `raftctl serve ... --join ...` line that starts it')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Make a caught-up learner a voter')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a member (the leader too: it hands leadership over first)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Record that a member moved: its peers reach it at URL from now on')
            [CompletionResult]::new('replace', 'replace', [CompletionResultType]::ParameterValue, 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;member;list' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;member;add' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--learner', '--learner', [CompletionResultType]::ParameterName, 'Add it as a learner (receives the log, does not vote); promote it later')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;member;promote' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;member;remove' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show voters, quorum and fault tolerance before and after, and the rule that would refuse the change; change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go past the guard rails that allow it (a lagging learner, no reachable quorum)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;member;update' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the change and the voters, quorum and fault tolerance; change nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;member;replace' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The new member''s id')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The new member''s URL (its peer URL when the cluster serves peers apart)')
            [CompletionResult]::new('--catch-up-timeout', '--catch-up-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the new member to start and catch up before giving up (the command can be run again to go on waiting)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the steps still to do, with the voters, quorum and fault tolerance after each; change nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;member;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Members with their role; on the leader also MATCH, LAG and STATE')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a member, then print the `raftctl serve ... --join ...` line that starts it')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Make a caught-up learner a voter')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a member (the leader too: it hands leadership over first)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Record that a member moved: its peers reach it at URL from now on')
            [CompletionResult]::new('replace', 'replace', [CompletionResultType]::ParameterValue, 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;member;help;list' {
            break
        }
        'raftctl;member;help;add' {
            break
        }
        'raftctl;member;help;promote' {
            break
        }
        'raftctl;member;help;remove' {
            break
        }
        'raftctl;member;help;update' {
            break
        }
        'raftctl;member;help;replace' {
            break
        }
        'raftctl;member;help;help' {
            break
        }
        'raftctl;leader' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('transfer', 'transfer', [CompletionResultType]::ParameterValue, 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;leader;transfer' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;leader;help' {
            [CompletionResult]::new('transfer', 'transfer', [CompletionResultType]::ParameterValue, 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;leader;help;transfer' {
            break
        }
        'raftctl;leader;help;help' {
            break
        }
        'raftctl;recover' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The stopped node''s data dir')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The node id of that data dir (checked against it)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Offline, read-only: which survivor is most up to date and which entries are at risk')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;recover;plan' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;recover;help' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Offline, read-only: which survivor is most up to date and which entries are at risk')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;recover;help;plan' {
            break
        }
        'raftctl;recover;help;help' {
            break
        }
        'raftctl;cert' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create-ca', 'create-ca', [CompletionResultType]::ParameterValue, 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)')
            [CompletionResult]::new('create-member', 'create-member', [CompletionResultType]::ParameterValue, 'Make a member''s certificate and key (member-ID.crt, member-ID.key), signed by the CA')
            [CompletionResult]::new('create-client', 'create-client', [CompletionResultType]::ParameterValue, 'Make a client''s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show who a certificate names, its hosts, validity and fingerprint, and its problems')
            [CompletionResult]::new('create-token', 'create-token', [CompletionResultType]::ParameterValue, 'Make a bearer token for a client, add its hash to a tokens file, print the token once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;cert;create-ca' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files (each one in a single step, the key before the certificate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;cert;create-member' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The member''s id, from 1 to 2^53-1 (its --id in `raftctl serve`)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Names and IP addresses peers and clients reach the member at (comma-separated or repeated); at least one')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA''s directory (holding ca.crt and ca.key)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the files [default: the CA''s directory]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files (each one in a single step, the key before the certificate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;cert;create-client' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The client''s name: 1 to 64 of A-Z a-z 0-9 . _ -')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'What the client may do')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA''s directory (holding ca.crt and ca.key)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the files [default: the CA''s directory]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365 otherwise]')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files (each one in a single step, the key before the certificate)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;cert;inspect' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Check that the certificate is signed by this CA (a ca.crt file or the CA''s directory)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;cert;create-token' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The client''s name: 1 to 64 of A-Z a-z 0-9 . _ -')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'What the client may do')
            [CompletionResult]::new('--tokens', '--tokens', [CompletionResultType]::ParameterName, 'The tokens file to add the line to (created mode 0600 if missing)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;cert;help' {
            [CompletionResult]::new('create-ca', 'create-ca', [CompletionResultType]::ParameterValue, 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)')
            [CompletionResult]::new('create-member', 'create-member', [CompletionResultType]::ParameterValue, 'Make a member''s certificate and key (member-ID.crt, member-ID.key), signed by the CA')
            [CompletionResult]::new('create-client', 'create-client', [CompletionResultType]::ParameterValue, 'Make a client''s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show who a certificate names, its hosts, validity and fingerprint, and its problems')
            [CompletionResult]::new('create-token', 'create-token', [CompletionResultType]::ParameterValue, 'Make a bearer token for a client, add its hash to a tokens file, print the token once')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;cert;help;create-ca' {
            break
        }
        'raftctl;cert;help;create-member' {
            break
        }
        'raftctl;cert;help;create-client' {
            break
        }
        'raftctl;cert;help;inspect' {
            break
        }
        'raftctl;cert;help;create-token' {
            break
        }
        'raftctl;cert;help;help' {
            break
        }
        'raftctl;playground' {
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'How many members to start (1 to 7)')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep the temporary directory (data dirs and logs) after stopping, and print where')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Plaintext HTTP instead of TLS: no certificates, any local process is an operator')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;completions' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;man' {
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'PEM file of the cluster CA: it signed the members'' certificates; needed for https://. For `serve`, the CA that signs every member and client it accepts')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'PEM file of this process''s certificate, for mutual TLS (with --key); for `serve`, the member''s own certificate, which names its --id')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'PEM file of the private key of --cert')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token sent as `Authorization: Bearer TOKEN`, instead of a client certificate')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'raftctl;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a Raft node')
            [CompletionResult]::new('kv', 'kv', [CompletionResultType]::ParameterValue, 'Read and write keys')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every member''s state, one row per member')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Check that members (or the whole cluster) can serve: exit 0 healthy, 1 degraded, 2 unavailable')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Find what is wrong or about to go wrong, with the evidence and the command that fixes it: exit 0 all ok, 1 degraded, 2 unavailable')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'A live view of the members: roles, indexes, lag, rates, fsync p99, leader changes')
            [CompletionResult]::new('wal', 'wal', [CompletionResultType]::ParameterValue, 'Read a stopped node''s log and hard state offline')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Load-test the cluster: throughput, latency percentiles and errors by kind')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Take, download, inspect and restore snapshots')
            [CompletionResult]::new('member', 'member', [CompletionResultType]::ParameterValue, 'List and change the members, one change at a time, with guard rails')
            [CompletionResult]::new('leader', 'leader', [CompletionResultType]::ParameterValue, 'Move leadership to another voter')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'Offline disaster recovery after a cluster lost its quorum for good')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Make and inspect the cluster''s certificates and client tokens')
            [CompletionResult]::new('playground', 'playground', [CompletionResultType]::ParameterValue, 'Start a local cluster of N members for trying raftctl out')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write one man page per command into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;help;serve' {
            break
        }
        'raftctl;help;kv' {
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Write a key')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read a key (linearizable unless --stale)')
            [CompletionResult]::new('del', 'del', [CompletionResultType]::ParameterValue, 'Delete a key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys')
            break
        }
        'raftctl;help;kv;put' {
            break
        }
        'raftctl;help;kv;get' {
            break
        }
        'raftctl;help;kv;del' {
            break
        }
        'raftctl;help;kv;list' {
            break
        }
        'raftctl;help;status' {
            break
        }
        'raftctl;help;health' {
            break
        }
        'raftctl;help;doctor' {
            break
        }
        'raftctl;help;top' {
            break
        }
        'raftctl;help;wal' {
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'One row per log entry: index, term, type, size and a decoded summary')
            [CompletionResult]::new('hardstate', 'hardstate', [CompletionResultType]::ParameterValue, 'Term, vote, commit, applied, log bounds, snapshot, membership and ids')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log and hard state for consistency; exit 1 naming each problem')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Where the logs of stopped members part ways; exit 1 when they do')
            [CompletionResult]::new('conf-history', 'conf-history', [CompletionResultType]::ParameterValue, 'Every membership change in the log, with the voters and learners after it')
            break
        }
        'raftctl;help;wal;dump' {
            break
        }
        'raftctl;help;wal;hardstate' {
            break
        }
        'raftctl;help;wal;verify' {
            break
        }
        'raftctl;help;wal;diff' {
            break
        }
        'raftctl;help;wal;conf-history' {
            break
        }
        'raftctl;help;bench' {
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Writes only: PUT /v1/kv/key%2F000123 with a --value-size body')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Reads only: GET /v1/kv/key%2F000123')
            [CompletionResult]::new('mixed', 'mixed', [CompletionResultType]::ParameterValue, 'Reads and writes: each request is a read with probability --read-ratio')
            break
        }
        'raftctl;help;bench;put' {
            break
        }
        'raftctl;help;bench;get' {
            break
        }
        'raftctl;help;bench;mixed' {
            break
        }
        'raftctl;help;snapshot' {
            [CompletionResult]::new('take', 'take', [CompletionResultType]::ParameterValue, 'Take a snapshot and compact the log on the node(s) named by --endpoints')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Snapshot a node now and download it into FILE, verifying its checksum')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Offline: index, term, membership, key count, size and checksum of a snapshot file')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Offline: make a new data dir that starts a NEW cluster from a snapshot file')
            break
        }
        'raftctl;help;snapshot;take' {
            break
        }
        'raftctl;help;snapshot;save' {
            break
        }
        'raftctl;help;snapshot;inspect' {
            break
        }
        'raftctl;help;snapshot;restore' {
            break
        }
        'raftctl;help;member' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Members with their role; on the leader also MATCH, LAG and STATE')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a member, then print the `raftctl serve ... --join ...` line that starts it')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Make a caught-up learner a voter')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a member (the leader too: it hands leadership over first)')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Record that a member moved: its peers reach it at URL from now on')
            [CompletionResult]::new('replace', 'replace', [CompletionResultType]::ParameterValue, 'Replace member OLD by a new member: add it as a learner, wait until it caught up, promote it, move leadership away from OLD, remove OLD')
            break
        }
        'raftctl;help;member;list' {
            break
        }
        'raftctl;help;member;add' {
            break
        }
        'raftctl;help;member;promote' {
            break
        }
        'raftctl;help;member;remove' {
            break
        }
        'raftctl;help;member;update' {
            break
        }
        'raftctl;help;member;replace' {
            break
        }
        'raftctl;help;leader' {
            [CompletionResult]::new('transfer', 'transfer', [CompletionResultType]::ParameterValue, 'Hand leadership to voter ID, or to the most caught-up voter; prints old and new leader')
            break
        }
        'raftctl;help;leader;transfer' {
            break
        }
        'raftctl;help;recover' {
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Offline, read-only: which survivor is most up to date and which entries are at risk')
            break
        }
        'raftctl;help;recover;plan' {
            break
        }
        'raftctl;help;cert' {
            [CompletionResult]::new('create-ca', 'create-ca', [CompletionResultType]::ParameterValue, 'Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing)')
            [CompletionResult]::new('create-member', 'create-member', [CompletionResultType]::ParameterValue, 'Make a member''s certificate and key (member-ID.crt, member-ID.key), signed by the CA')
            [CompletionResult]::new('create-client', 'create-client', [CompletionResultType]::ParameterValue, 'Make a client''s certificate and key (client-NAME.crt, client-NAME.key), signed by the CA')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show who a certificate names, its hosts, validity and fingerprint, and its problems')
            [CompletionResult]::new('create-token', 'create-token', [CompletionResultType]::ParameterValue, 'Make a bearer token for a client, add its hash to a tokens file, print the token once')
            break
        }
        'raftctl;help;cert;create-ca' {
            break
        }
        'raftctl;help;cert;create-member' {
            break
        }
        'raftctl;help;cert;create-client' {
            break
        }
        'raftctl;help;cert;inspect' {
            break
        }
        'raftctl;help;cert;create-token' {
            break
        }
        'raftctl;help;playground' {
            break
        }
        'raftctl;help;completions' {
            break
        }
        'raftctl;help;man' {
            break
        }
        'raftctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
