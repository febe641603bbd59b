//! The layering `src/lib.rs` claims: its module list is ordered so that each module uses
//! only those listed before it. This test reads the list and every source file, and
//! fails on a `crate::` path that reaches up (test code, which may use anything, is
//! skipped: `tests.rs` files, `tests/` directories, and what follows `#[cfg(test)]`; so
//! are comments).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module names in the order `lib.rs` lists them.
fn claimed_order() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("read src/lib.rs");
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! - [`"))
        .filter_map(|l| l.split_once('`').map(|(name, _)| name.to_string()))
        .collect()
}

fn declared_modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("read src/lib.rs");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

/// The source files of module `name` (its `name.rs` and everything under `name/`),
/// test files left out.
fn files_of(name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let file = src().join(format!("{name}.rs"));
    if file.exists() {
        out.push(file);
    }
    let mut dirs = vec![src().join(name)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if file_name != "tests" {
                    dirs.push(path);
                }
            } else if file_name.ends_with(".rs") && file_name != "tests.rs" {
                out.push(path);
            }
        }
    }
    out
}

/// The top-level modules a line names through `crate::`, including grouped imports
/// (`use crate::{kv, raft::Index}`).
fn crate_paths(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // Names at the group's own depth: `{kv, raft::{Index, Term}}` is kv and raft.
            let (mut depth, mut name, mut taking) = (0usize, String::new(), true);
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !name.is_empty() {
                            found.push(std::mem::take(&mut name));
                        }
                        taking = true;
                    }
                    c if depth == 0 && taking && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ if depth == 0 && taking && !name.is_empty() => {
                        found.push(std::mem::take(&mut name));
                        taking = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.push(name);
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
        rest = after;
    }
    found
}

#[test]
fn every_module_uses_only_those_listed_before_it() {
    let order = claimed_order();
    assert!(order.len() > 5, "no module list found in src/lib.rs");
    let declared = declared_modules();
    let listed: BTreeSet<String> = order.iter().cloned().collect();
    assert_eq!(
        declared, listed,
        "src/lib.rs lists other modules than it declares"
    );
    let mut violations = Vec::new();
    for (rank, module) in order.iter().enumerate() {
        for file in files_of(module) {
            let text = std::fs::read_to_string(&file).expect("read a source file");
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("#[cfg(test)]") {
                    break;
                }
                // Comments may point anywhere (a doc link is not a dependency).
                if code.starts_with("//") {
                    continue;
                }
                for used in crate_paths(line) {
                    let Some(used_rank) = order.iter().position(|m| *m == used) else {
                        continue;
                    };
                    if used_rank > rank {
                        violations.push(format!(
                            "{}:{}: {module} uses {used}, listed after it",
                            file.strip_prefix(src()).unwrap_or(&file).display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "modules reaching up past the order in src/lib.rs:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_plain_and_grouped_paths() {
    assert_eq!(crate_paths("use crate::kv::Op;"), ["kv"]);
    assert_eq!(
        crate_paths("use crate::{kv, raft::{Index, Term}};"),
        ["kv", "raft"]
    );
    assert_eq!(
        crate_paths("let x = crate::cli::output::shown(p); crate::api::f()"),
        ["cli", "api"]
    );
    assert!(crate_paths("// nothing here").is_empty());
}
