
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Run a Raft node'
            cand kv 'Read and write keys'
            cand status 'Show every member''s state, one row per member'
            cand wal 'Read a stopped node''s log and hard state offline'
            cand playground 'Start a local cluster of N members for trying raftctl out'
            cand completions 'Print a shell completion script to stdout'
            cand man 'Write one man page per command into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;serve'= {
            cand --id 'This member''s id (>= 1)'
            cand --listen 'Address to listen on for clients and peers'
            cand --advertise 'URL other members and clients use to reach this one [default: http://<listen>]'
            cand --data-dir 'Where this node keeps its state'
            cand --initial-cluster 'Members of a new cluster: ID=URL,ID=URL,... (ignored when the data dir holds state)'
            cand --join 'Join an existing cluster through this member''s URL (after `raftctl member add`)'
            cand --tick-ms 'Milliseconds per tick'
            cand --election-ticks 'Ticks without a leader before an election starts'
            cand --heartbeat-ticks 'Ticks between leader heartbeats'
            cand --snapshot-threshold 'Applied entries between automatic snapshots'
            cand --keep-log 'Entries kept behind a snapshot for slow followers'
            cand --log-level 'Log level (overridden by RUST_LOG)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --no-pre-vote 'Turn off PreVote'
            cand --no-check-quorum 'Turn off CheckQuorum (and the leader lease that goes with it)'
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
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand dump 'One row per log entry: index, term, type, size and a decoded summary'
            cand hardstate 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
            cand verify 'Check the log and hard state for consistency; exit 1 naming each problem'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;wal;dump'= {
            cand --from 'First index to show'
            cand --to 'Last index to show'
            cand --limit 'At most this many entries'
            cand --data-dir 'The data dir of a stopped member (the --data-dir it ran with)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;wal;help'= {
            cand dump 'One row per log entry: index, term, type, size and a decoded summary'
            cand hardstate 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
            cand verify 'Check the log and hard state for consistency; exit 1 naming each problem'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'raftctl;wal;help;dump'= {
        }
        &'raftctl;wal;help;hardstate'= {
        }
        &'raftctl;wal;help;verify'= {
        }
        &'raftctl;wal;help;help'= {
        }
        &'raftctl;playground'= {
            cand --nodes 'How many members to start (1 to 7)'
            cand --base-port 'Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1)'
            cand --endpoints 'Members to talk to, tried in order (comma-separated URLs)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --timeout 'How long to wait for each request (e.g. 500ms, 5s, 2m)'
            cand --keep 'Keep the temporary directory (data dirs and logs) after stopping, and print where'
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'raftctl;help'= {
            cand serve 'Run a Raft node'
            cand kv 'Read and write keys'
            cand status 'Show every member''s state, one row per member'
            cand wal 'Read a stopped node''s log and hard state offline'
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
        &'raftctl;help;wal'= {
            cand dump 'One row per log entry: index, term, type, size and a decoded summary'
            cand hardstate 'Term, vote, commit, applied, log bounds, snapshot, membership and ids'
            cand verify 'Check the log and hard state for consistency; exit 1 naming each problem'
        }
        &'raftctl;help;wal;dump'= {
        }
        &'raftctl;help;wal;hardstate'= {
        }
        &'raftctl;help;wal;verify'= {
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
