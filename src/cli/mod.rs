//! The `raftctl` command line: parse once, dispatch to one handler per command group,
//! turn errors into one line and an exit code.

pub mod args;
pub mod error;
pub mod output;
pub mod wal;

pub use args::{Cli, Command, GlobalArgs, OutputFormat};
pub use error::{CliError, CliResult, ExitCode};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Wal(cmd) => wal::run(cmd, &cli.global),
        Command::Serve(_) | Command::Kv(_) | Command::Status => Err(CliError::failure(
            "this command is not available in this build yet",
        )),
    }
}
