//! The help texts, completions and man pages, checked against the CLI definition.
//!
//! Every command path found by walking `Cli::command()` is run with `--help`, so
//! commands added later are covered without touching this file. The committed files
//! under completions/ and man/ must equal what the CLI generates; to rewrite them run
//!
//!     RAFTCTL_REGENERATE_DOCS=1 cargo test --test cli_docs

mod bin_util;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use bin_util::raftctl_bin;
use clap::CommandFactory;
use raftctl::cli::{docs, Cli};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn help_tree_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn every_command_help_exits_0_and_shows_an_example() {
    let cmd = Cli::command();
    let mut paths = vec![String::new()];
    paths.extend(docs::command_paths(&cmd));
    assert!(
        paths.len() > 10,
        "the walk found too few commands: {paths:?}"
    );
    let mut failures = Vec::new();
    for path in &paths {
        let out = Command::new(raftctl_bin())
            .args(path.split_whitespace())
            .arg("--help")
            .env_remove("RAFTCTL_ENDPOINTS")
            .output()
            .expect("run raftctl --help");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "`raftctl {path} --help` exited {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if !stdout.contains("Example") {
            failures.push(format!(
                "`raftctl {path} --help` shows no example: attach an EXAMPLES const to it in src/cli/args/"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn short_help_shows_examples_too() {
    let out = Command::new(raftctl_bin())
        .args(["kv", "get", "-h"])
        .output()
        .expect("run raftctl kv get -h");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Examples:\n  "));
}

#[test]
fn usage_errors_exit_2_and_name_the_value() {
    let out = Command::new(raftctl_bin())
        .args(["playground", "--nodes", "9"])
        .output()
        .expect("run raftctl");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--nodes") && stderr.contains("1..=7"),
        "{stderr}"
    );

    let out = Command::new(raftctl_bin())
        .args(["completions", "tcsh"])
        .output()
        .expect("run raftctl");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tcsh") && stderr.contains("bash"),
        "{stderr}"
    );
}

/// The command paths a README table row names: `raftctl kv put KEY VALUE` is `kv put`,
/// and `raftctl bench put\|get\|mixed [...]` is `bench put`, `bench get` and `bench
/// mixed`. The walk stops at the first word that is not a subcommand (an argument or a
/// flag); a word of alternatives only some of which are subcommands is an error.
fn readme_paths(cmd: &clap::Command, words: &[&str], path: &str) -> Result<Vec<String>, String> {
    let Some((word, rest)) = words.split_first() else {
        return Ok(vec![path.to_string()]);
    };
    let alternatives: Vec<&str> = word.split("\\|").collect();
    let subs: Vec<&clap::Command> = alternatives
        .iter()
        .filter_map(|a| cmd.find_subcommand(a))
        .collect();
    if subs.is_empty() {
        return Ok(vec![path.to_string()]);
    }
    if subs.len() != alternatives.len() {
        return Err(format!(
            "`{word}` after `raftctl {path}` names commands that do not exist"
        ));
    }
    let mut paths = Vec::new();
    for sub in subs {
        let sub_path = format!("{path} {}", sub.get_name())
            .trim_start()
            .to_string();
        paths.extend(readme_paths(sub, rest, &sub_path)?);
    }
    Ok(paths)
}

#[test]
fn every_command_the_readme_lists_exists_and_has_examples() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("read README.md");
    let section = readme
        .split("\n## Commands")
        .nth(1)
        .expect("README.md has a Commands section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let cmd = Cli::command();
    let mut listed = BTreeSet::new();
    let mut problems = Vec::new();
    for row in section.lines().filter(|l| l.starts_with("| `raftctl ")) {
        let usage = row["| `".len()..].split('`').next().unwrap_or_default();
        let words: Vec<&str> = usage.split_whitespace().skip(1).collect();
        match readme_paths(&cmd, &words, "") {
            Ok(paths) if paths == [""] => {
                problems.push(format!("`{usage}` names no raftctl command"));
            }
            Ok(paths) => listed.extend(paths),
            Err(e) => problems.push(format!("`{usage}`: {e}")),
        }
    }
    assert!(
        listed.len() > 20,
        "too few commands found in the README: {listed:?}"
    );
    for path in &listed {
        let mut sub = &cmd;
        for name in path.split(' ') {
            sub = sub.find_subcommand(name).expect("the walk found it");
        }
        let examples = sub.get_after_help().map(|t| t.to_string());
        if !examples.is_some_and(|t| t.starts_with("Examples:\n  ")) {
            problems.push(format!(
                "`raftctl {path}` is in the README but has no examples"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Files under `dir` (relative to the repository root), as relative paths.
fn committed_files(dir: &str) -> BTreeSet<PathBuf> {
    let Ok(entries) = std::fs::read_dir(repo_root().join(dir)) else {
        return BTreeSet::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| Path::new(dir).join(e.file_name()))
        .collect()
}

#[test]
fn committed_completions_and_man_pages_are_up_to_date() {
    let generated = docs::generated_files().expect("generate completions and man pages");
    let wanted: BTreeSet<PathBuf> = generated.iter().map(|(p, _)| p.clone()).collect();
    let mut committed = committed_files("completions");
    committed.extend(committed_files("man"));

    if std::env::var_os("RAFTCTL_REGENERATE_DOCS").is_some_and(|v| v == "1") {
        for dir in ["completions", "man"] {
            std::fs::create_dir_all(repo_root().join(dir)).expect("create the directory");
        }
        for stale in committed.difference(&wanted) {
            std::fs::remove_file(repo_root().join(stale)).expect("remove a stale file");
        }
        for (path, text) in &generated {
            std::fs::write(repo_root().join(path), text).expect("write a generated file");
        }
        eprintln!(
            "rewrote {} files under completions/ and man/",
            generated.len()
        );
        return;
    }

    let mut problems = Vec::new();
    for (path, text) in &generated {
        match std::fs::read(repo_root().join(path)) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => problems.push(format!("{} differs", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    for stale in committed.difference(&wanted) {
        problems.push(format!(
            "{} is not generated any more (no such command)",
            stale.display()
        ));
    }
    assert!(
        problems.is_empty(),
        "completions/ and man/ are out of date with the CLI definition:\n  {}\nRegenerate them with:\n  {}\nand commit the result.",
        problems.join("\n  "),
        docs::REGENERATE_COMMAND
    );
}

#[test]
fn the_completions_command_prints_the_committed_scripts() {
    for (shell, file) in [
        ("bash", "raftctl.bash"),
        ("zsh", "_raftctl"),
        ("fish", "raftctl.fish"),
    ] {
        let out = Command::new(raftctl_bin())
            .args(["completions", shell])
            .output()
            .expect("run raftctl completions");
        assert!(out.status.success(), "completions {shell} failed");
        let committed =
            std::fs::read(repo_root().join("completions").join(file)).unwrap_or_default();
        assert!(
            out.stdout == committed,
            "`raftctl completions {shell}` differs from completions/{file}; run {}",
            docs::REGENERATE_COMMAND
        );
    }
}

#[test]
fn the_man_command_writes_one_page_per_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(raftctl_bin())
        .arg("man")
        .arg(dir.path())
        .output()
        .expect("run raftctl man");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cmd = Cli::command();
    for path in docs::command_paths(&cmd) {
        let name = format!("raftctl-{}.1", path.replace(' ', "-"));
        assert!(dir.path().join(&name).is_file(), "{name} was not written");
    }
    assert!(dir.path().join("raftctl.1").is_file());
}
