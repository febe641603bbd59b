//! The size limits the house rules set for the code under `src/`: no function over
//! [`MAX_FN_LINES`] lines unless a `// long:` comment right above it (or above its
//! attributes and doc comment) says why it must stay whole, and no file over
//! [`MAX_FILE_LINES`] lines. Test code does not count: `tests.rs` files, `tests/`
//! directories, and the item that follows a `#[cfg(test)]` (a `mod tests;` line, or a
//! module or function up to its closing brace).
//!
//! A function runs from its `fn` line to the first later line at the same indentation
//! that starts with `}`; this is what `cargo fmt` writes, which the rules also require.

use std::path::{Path, PathBuf};

/// The longest a function outside tests may be, in lines, `fn` line and closing brace
/// included.
const MAX_FN_LINES: usize = 80;
/// The longest a source file outside tests may be, in lines (test items left out).
const MAX_FILE_LINES: usize = 600;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, test files and `tests/` directories left out.
fn source_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![src()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).expect("read a source directory");
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "tests" {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether a line (trimmed) opens a function: `fn`, after any of `pub`, `pub(...)`,
/// `const`, `async`, `unsafe`, `extern "C"`.
fn is_fn_line(code: &str) -> bool {
    let mut rest = code;
    loop {
        if rest.starts_with("fn ") {
            return true;
        }
        let word_end = if rest.starts_with("pub(") {
            match rest.find(')') {
                Some(i) => i + 1,
                None => return false,
            }
        } else if let Some(abi) = rest.strip_prefix("extern \"") {
            match abi.find('"') {
                Some(i) => rest.len() - abi.len() + i + 1,
                None => return false,
            }
        } else {
            let word = rest.split_whitespace().next().unwrap_or("");
            if !["pub", "const", "async", "unsafe", "extern"].contains(&word) {
                return false;
            }
            word.len()
        };
        rest = rest[word_end..].trim_start();
    }
}

/// The index of the line that ends the item opened at `start`: the first later line at
/// the same indentation starting with `}`. `None` for an item without a body (a trait
/// method's declaration, `mod x;`) or one written on a single line.
fn item_end(lines: &[&str], start: usize) -> Option<usize> {
    let first = lines[start].trim_end();
    if first.ends_with(';') || first.ends_with('}') {
        return None;
    }
    let at = indent(lines[start]);
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let code = line.trim_start();
        if code.is_empty() || indent(line) > at {
            continue;
        }
        if indent(line) < at {
            return None;
        }
        if code.starts_with('}') {
            return Some(i);
        }
        // The rest of a signature written over several lines.
        if code.starts_with(')') || code.starts_with("where") || code.starts_with('{') {
            if code.trim_end().ends_with(';') {
                return None;
            }
            continue;
        }
        return None;
    }
    None
}

/// The lines of a file that are not test code (one flag per line).
fn non_test_lines(lines: &[&str]) -> Vec<bool> {
    let mut keep = vec![true; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "#[cfg(test)]" {
            i += 1;
            continue;
        }
        // The item after the attribute (and any further attributes).
        let mut item = i + 1;
        while item < lines.len() && lines[item].trim_start().starts_with("#[") {
            item += 1;
        }
        let end = if item < lines.len() {
            item_end(lines, item).unwrap_or(item)
        } else {
            lines.len() - 1
        };
        for flag in &mut keep[i..=end.min(lines.len() - 1)] {
            *flag = false;
        }
        i = end + 1;
    }
    keep
}

/// Whether the function opened at `start` carries a `// long:` comment above it, over
/// its doc comment and attributes.
fn justified(lines: &[&str], start: usize) -> bool {
    let mut i = start;
    while i > 0 {
        i -= 1;
        let code = lines[i].trim_start();
        if code.starts_with("// long:") {
            return true;
        }
        if !(code.starts_with("///") || code.starts_with("#[") || code.starts_with("//")) {
            return false;
        }
    }
    false
}

/// The functions over the limit in one file's text, as `(line, length)` pairs (lines
/// counted from 1).
fn long_functions(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let keep = non_test_lines(&lines);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !keep[i] || !is_fn_line(line.trim_start()) {
            continue;
        }
        let Some(end) = item_end(&lines, i) else {
            continue;
        };
        let len = end - i + 1;
        if len > MAX_FN_LINES && !justified(&lines, i) {
            out.push((i + 1, len));
        }
    }
    out
}

fn counted_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    non_test_lines(&lines).iter().filter(|k| **k).count()
}

fn shown(file: &Path) -> String {
    file.strip_prefix(src())
        .unwrap_or(file)
        .display()
        .to_string()
}

#[test]
fn no_function_outside_tests_is_over_the_limit() {
    let files = source_files();
    assert!(files.len() > 20, "no source files found under src/");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for (line, len) in long_functions(&text) {
            found.push(format!("src/{}:{line}: {len} lines", shown(&file)));
        }
    }
    assert!(
        found.is_empty(),
        "functions over {MAX_FN_LINES} lines (split them, or say why not in a `// long:` comment):\n{}",
        found.join("\n")
    );
}

#[test]
fn no_file_outside_tests_is_over_the_limit() {
    let mut found = Vec::new();
    for file in source_files() {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        let n = counted_lines(&text);
        if n > MAX_FILE_LINES {
            found.push(format!("src/{}: {n} lines outside tests", shown(&file)));
        }
    }
    assert!(
        found.is_empty(),
        "files over {MAX_FILE_LINES} lines outside tests:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_measures_functions_and_skips_tests() {
    let body = |n: usize| "    let x = 1;\n".repeat(n);
    let long = format!(
        "pub(crate) fn f(\n    a: u8,\n) -> u8 {{\n{}}}\n",
        body(MAX_FN_LINES)
    );
    assert_eq!(long_functions(&long), [(1, MAX_FN_LINES + 4)]);
    let fits = format!("fn f() {{\n{}}}\n", body(MAX_FN_LINES - 2));
    assert!(long_functions(&fits).is_empty());
    let said = format!("// long: one table, read top to bottom.\n/// Doc.\n#[inline]\n{long}");
    assert!(long_functions(&said).is_empty());
    let indented: String = long.lines().map(|l| format!("    {l}\n")).collect();
    let in_tests = format!("#[cfg(test)]\nmod tests {{\n{indented}}}\n");
    assert!(long_functions(&in_tests).is_empty());
    assert_eq!(counted_lines(&in_tests), 0);
    let declared = "trait T {\n    fn f(&self);\n    fn g(&self);\n}\n";
    assert!(long_functions(declared).is_empty());
    assert!(is_fn_line("pub async unsafe fn x() {"));
    assert!(is_fn_line("pub(super) const fn x() {"));
    assert!(is_fn_line("pub unsafe extern \"C\" fn x() {"));
    assert!(!is_fn_line("let fn_name = 1;"));
    assert_eq!(counted_lines("fn a() {}\n#[cfg(test)]\nmod tests;\n"), 1);
}
