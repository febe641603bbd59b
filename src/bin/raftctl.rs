//! `raftctl`: parse, dispatch, print the error, exit with its code.

use clap::FromArgMatches;
use raftctl::cli::{self, help, Cli, ExitCode};

fn main() {
    // Parsed with the help tree that carries the examples; clap exits 0 for --help and
    // 2 for usage errors by itself.
    let matches = help::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let code = match cli::run(cli) {
        Ok(()) => ExitCode::Success,
        Err(err) => {
            eprintln!("error: {err}");
            err.code
        }
    };
    std::process::exit(code as i32);
}
