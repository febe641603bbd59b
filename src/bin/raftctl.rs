//! `raftctl`: parse, dispatch, print the error, exit with its code.

use clap::Parser;
use raftctl::cli::{self, Cli, ExitCode};

fn main() {
    let cli = Cli::parse();
    let code = match cli::run(cli) {
        Ok(()) => ExitCode::Success,
        Err(err) => {
            eprintln!("error: {err}");
            err.code
        }
    };
    std::process::exit(code as i32);
}
