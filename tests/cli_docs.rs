//! The help texts, completions and man pages, checked against the CLI definition.
//!
//! Every command path found by walking `help::command()` is run with `--help`, so
//! commands added later are covered without touching this file. The committed files
//! under completions/ and man/ must equal what the CLI generates; to rewrite them run
//!
//!     RAFTCTL_REGENERATE_DOCS=1 cargo test --test cli_docs

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use raftctl::cli::{docs, help};

fn raftctl_bin() -> &'static str {
    env!("CARGO_BIN_EXE_raftctl")
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn help_tree_is_consistent() {
    help::command().debug_assert();
}

#[test]
fn every_command_help_exits_0_and_shows_an_example() {
    let cmd = help::command();
    let mut paths = vec![String::new()];
    paths.extend(help::subcommand_paths(&cmd));
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
                "`raftctl {path} --help` shows no example: add \"{path}\" to EXAMPLES in src/cli/help.rs"
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
    let cmd = help::command();
    for path in help::subcommand_paths(&cmd) {
        let name = format!("raftctl-{}.1", path.replace(' ', "-"));
        assert!(dir.path().join(&name).is_file(), "{name} was not written");
    }
    assert!(dir.path().join("raftctl.1").is_file());
}
