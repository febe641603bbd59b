
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a Raft node')
            [CompletionResult]::new('kv', 'kv', [CompletionResultType]::ParameterValue, 'Read and write keys')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show every member''s state, one row per member')
            [CompletionResult]::new('wal', 'wal', [CompletionResultType]::ParameterValue, 'Read a stopped node''s log and hard state offline')
            [CompletionResult]::new('playground', 'playground', [CompletionResultType]::ParameterValue, 'Start a local cluster of N members for trying raftctl out')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write one man page per command into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;serve' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'This member''s id (>= 1)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on for clients and peers')
            [CompletionResult]::new('--advertise', '--advertise', [CompletionResultType]::ParameterName, 'URL other members and clients use to reach this one [default: http://<listen>]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where this node keeps its state')
            [CompletionResult]::new('--initial-cluster', '--initial-cluster', [CompletionResultType]::ParameterName, 'Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state)')
            [CompletionResult]::new('--join', '--join', [CompletionResultType]::ParameterName, 'Join an existing cluster through this member''s URL (after `raftctl member add`)')
            [CompletionResult]::new('--tick-ms', '--tick-ms', [CompletionResultType]::ParameterName, 'Milliseconds per tick')
            [CompletionResult]::new('--election-ticks', '--election-ticks', [CompletionResultType]::ParameterName, 'Ticks without a leader before an election starts')
            [CompletionResult]::new('--heartbeat-ticks', '--heartbeat-ticks', [CompletionResultType]::ParameterName, 'Ticks between leader heartbeats')
            [CompletionResult]::new('--snapshot-threshold', '--snapshot-threshold', [CompletionResultType]::ParameterName, 'Applied entries between automatic snapshots')
            [CompletionResult]::new('--keep-log', '--keep-log', [CompletionResultType]::ParameterName, 'Entries kept behind a snapshot for slow followers')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level (overridden by RUST_LOG)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--no-pre-vote', '--no-pre-vote', [CompletionResultType]::ParameterName, 'Turn off PreVote')
            [CompletionResult]::new('--no-check-quorum', '--no-check-quorum', [CompletionResultType]::ParameterName, 'Turn off CheckQuorum (and the leader lease that goes with it)')
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
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'One row per log entry: index, term, type, size and a decoded summary')
            [CompletionResult]::new('hardstate', 'hardstate', [CompletionResultType]::ParameterValue, 'Term, vote, commit, applied, log bounds, snapshot, membership and ids')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log and hard state for consistency; exit 1 naming each problem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'raftctl;wal;dump' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'First index to show')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Last index to show')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many entries')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data dir of a stopped member (the --data-dir it ran with)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
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
        'raftctl;wal;help;help' {
            break
        }
        'raftctl;playground' {
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'How many members to start (1 to 7)')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'Members to talk to, tried in order (comma-separated URLs)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for each request (e.g. 500ms, 5s, 2m)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep the temporary directory (data dirs and logs) after stopping, and print where')
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
            [CompletionResult]::new('wal', 'wal', [CompletionResultType]::ParameterValue, 'Read a stopped node''s log and hard state offline')
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
        'raftctl;help;wal' {
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'One row per log entry: index, term, type, size and a decoded summary')
            [CompletionResult]::new('hardstate', 'hardstate', [CompletionResultType]::ParameterValue, 'Term, vote, commit, applied, log bounds, snapshot, membership and ids')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log and hard state for consistency; exit 1 naming each problem')
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
