//! The `raftctl` command line: parse once ([`args`]), dispatch to one handler per command
//! group, which writes its results to an [`Out`] and returns its errors as [`CliError`]:
//! one line and an exit code.

pub mod args;
pub mod bench;
pub mod cert;
pub mod docs;
pub mod doctor;
pub mod error;
pub mod health;
pub mod kv;
pub mod leader;
pub mod member;
pub mod output;
pub mod playground;
pub mod recover;
pub mod replace;
pub mod serve;
pub mod snapshot;
pub mod status;
pub mod top;
pub mod wal;

pub use args::{Cli, Command, GlobalArgs, OutputFormat};
pub use error::{CliError, CliResult, ExitCode};
pub use output::Out;

/// Runs a parsed command line, writing its results to `out`.
pub fn run(cli: Cli, out: &mut Out) -> CliResult {
    let global = &cli.global;
    let result = match cli.command {
        Command::Serve(args) => serve::run(&args, global),
        Command::Kv(cmd) => kv::run(cmd, global, out),
        Command::Status => status::run(global, out),
        Command::Health(args) => health::run(&args, global, out),
        Command::Doctor(args) => doctor::run(&args, global, out),
        Command::Top(args) => top::run(&args, global, out),
        Command::Wal(cmd) => wal::run(cmd, global, out),
        Command::Snapshot(cmd) => snapshot::run(cmd, global, out),
        Command::Recover(args) => recover::run(args, global, out),
        Command::Bench(args) => bench::run(args, global, out),
        Command::Playground(args) => playground::run(&args, out),
        Command::Completions { shell } => docs::print_completions(shell, out),
        Command::Man { dir } => docs::write_man_pages(&dir, out),
        Command::Member(cmd) => member::run(cmd, global, out),
        Command::Leader(cmd) => leader::run(cmd, global, out),
        Command::Cert(cmd) => cert::run(cmd, global, out),
    };
    // What was written reaches the reader before an error line on stderr does.
    let flushed = out.flush();
    result.and(flushed)
}

/// A single-threaded runtime for one client command.
pub(crate) fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))
}
