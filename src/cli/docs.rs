//! `raftctl completions SHELL` and `raftctl man DIR`, both generated from the clap tree
//! of [`Cli`] so they carry the same descriptions and examples as `--help`.
//!
//! [`generated_files`] renders everything committed under `completions/` and `man/` in
//! memory; tests/cli_docs.rs compares it with the committed files and rewrites them when
//! run as `RAFTCTL_REGENERATE_DOCS=1 cargo test --test cli_docs`.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::{Generator, Shell};

use super::args::Cli;
use super::error::{CliError, CliResult};
use super::output::Out;

/// The binary name completions are registered for.
const BIN: &str = "raftctl";

/// The shells `raftctl completions` supports, in the order files are generated.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// The command that rewrites the committed completions and man pages.
pub const REGENERATE_COMMAND: &str = "RAFTCTL_REGENERATE_DOCS=1 cargo test --test cli_docs";

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut out);
    out
}

/// One man page per command that is not hidden: `(file name, roff text)`, parents first.
pub fn man_pages() -> CliResult<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Fills in display names such as `raftctl-kv-put` and propagates global flags.
    cmd.build();
    let mut pages = Vec::new();
    render_pages(&cmd, &mut pages)?;
    Ok(pages)
}

fn render_pages(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> CliResult {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut text = Vec::new();
    man.render(&mut text).map_err(|e| {
        CliError::failure(format!(
            "cannot render the man page of {}: {e}",
            cmd.get_name()
        ))
    })?;
    pages.push((man.get_filename(), text));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_pages(sub, pages)?;
    }
    Ok(())
}

/// Everything committed under `completions/` and `man/`: `(path relative to the
/// repository root, contents)`.
pub fn generated_files() -> CliResult<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in SHELLS {
        files.push((
            Path::new("completions").join(shell.file_name(BIN)),
            completion_script(shell),
        ));
    }
    for (name, text) in man_pages()? {
        files.push((Path::new("man").join(name), text));
    }
    Ok(files)
}

/// Runs `raftctl completions SHELL`.
pub fn print_completions(shell: Shell, out: &mut Out) -> CliResult {
    out.write_bytes(&completion_script(shell))
}

/// Runs `raftctl man DIR`.
pub fn write_man_pages(dir: &Path, out: &mut Out) -> CliResult {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::failure(format!(
            "cannot create the man page directory {}: {e}",
            dir.display()
        ))
    })?;
    let pages = man_pages()?;
    for (name, text) in &pages {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
    }
    writeln!(out, "wrote {} man pages to {}", pages.len(), dir.display())
}

/// Every command path of `cmd` (`["kv", "kv put", ...]`), parents before children,
/// without clap's `help` subcommand.
pub fn command_paths(cmd: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = format!("{prefix} {}", sub.get_name())
                .trim_start()
                .to_string();
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(cmd, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_per_command_named_by_its_path() {
        let names: Vec<String> = man_pages()
            .expect("render")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        for want in [
            "raftctl.1",
            "raftctl-kv.1",
            "raftctl-kv-put.1",
            "raftctl-wal-dump.1",
        ] {
            assert!(names.iter().any(|n| n == want), "{want} missing: {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }

    #[test]
    fn man_pages_carry_the_examples() {
        let pages = man_pages().expect("render");
        let (_, put) = pages
            .iter()
            .find(|(n, _)| n == "raftctl-kv-put.1")
            .expect("kv put page");
        let text = String::from_utf8_lossy(put);
        assert!(text.contains("raftctl kv put greeting hello"), "{text}");
    }
}
