//! The `raftctl` command line: parse once, dispatch to one handler per command group,
//! turn errors into one line and an exit code.

pub mod args;
pub mod bench;
pub mod cert;
pub mod docs;
pub mod error;
pub mod help;
pub mod kv;
pub mod leader;
pub mod member;
pub mod output;
pub mod playground;
pub mod recover;
pub mod serve;
pub mod snapshot;
pub mod status;
pub mod wal;

pub use args::{Cli, Command, GlobalArgs, OutputFormat};
pub use error::{CliError, CliResult, ExitCode};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Serve(args) => serve::run(&args, &cli.global),
        Command::Kv(cmd) => kv::run(&cli.global, cmd),
        Command::Status => status::run(&cli.global),
        Command::Wal(cmd) => wal::run(cmd, &cli.global),
        Command::Snapshot(cmd) => snapshot::run(cmd, &cli.global),
        Command::Recover(args) => recover::run(args, &cli.global),
        Command::Bench(args) => bench::run(&cli.global, args),
        Command::Playground(args) => playground::run(&args),
        Command::Completions { shell } => docs::print_completions(shell),
        Command::Man { dir } => docs::write_man_pages(&dir),
        Command::Member(cmd) => member::run(cmd, &cli.global),
        Command::Leader(cmd) => leader::run(cmd, &cli.global),
        Command::Cert(cmd) => cert::run(cmd, &cli.global),
    }
}
