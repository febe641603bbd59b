//! `raftctl`: parse, dispatch, print the error, exit with its code.

use std::io::Write;

use clap::Parser;
use raftctl::cli::{self, Cli, ExitCode, Out};

fn main() {
    // clap exits 0 for --help and 2 for usage errors by itself.
    let cli = Cli::parse();
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    let code = match cli::run(cli, &mut Out::new(&mut stdout, &mut stderr)) {
        Ok(()) => ExitCode::Success,
        // The reader of stdout went away: it took what it wanted; nothing to say.
        Err(err) if err.is_quiet() => ExitCode::Success,
        Err(err) => {
            let _ = writeln!(stderr, "error: {err}");
            err.code
        }
    };
    std::process::exit(code as i32);
}
