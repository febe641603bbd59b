//! Printing results: a comfy-table for people, JSON for scripts.

use comfy_table::{presets::NOTHING, Cell, CellAlignment, ContentArrangement, Table};
use serde::Serialize;

use super::args::OutputFormat;
use super::error::{CliError, CliResult};

/// A table with the house style: no borders, left-aligned headers.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            headers
                .iter()
                .map(|h| Cell::new(h).set_alignment(CellAlignment::Left)),
        );
    t
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failure(format!("cannot encode output as JSON: {e}")))?;
    write_stdout(&format!("{text}\n"))
}

/// Writes to stdout. A reader that went away (`raftctl ... | head`) is not an error:
/// the output it wanted was written; `println!` would panic there instead.
pub fn write_stdout(text: &str) -> CliResult {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Prints a table or the JSON form depending on `format`.
pub fn print<T: Serialize>(
    format: OutputFormat,
    value: &T,
    table: impl FnOnce() -> Table,
) -> CliResult {
    match format {
        OutputFormat::Json => print_json(value),
        OutputFormat::Table => {
            let t = table();
            // comfy-table pads every line; trim the trailing blanks people would copy.
            let mut text = String::new();
            for line in t.to_string().lines() {
                text.push_str(line.trim_end());
                text.push('\n');
            }
            write_stdout(&text)
        }
    }
}

/// Characters of a key or summary shown in table output before it is cut.
pub const SHOWN_CHARS: usize = 80;

/// `text` for a table cell: control characters and quotes escaped as Rust's
/// `escape_debug` does (a newline is `\n`, never a line break), cut after
/// [`SHOWN_CHARS`] characters with `…(N bytes)` naming the full length. JSON output keeps
/// the exact text instead.
pub fn shown(text: &str) -> String {
    cut(&text.escape_debug().collect::<String>(), text.len())
}

/// A summary that quotes its keys already (`put "k" (3 B)`): control characters escaped,
/// cut as [`shown`] does.
pub fn shown_summary(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_debug());
        } else {
            escaped.push(c);
        }
    }
    cut(&escaped, text.len())
}

fn cut(escaped: &str, len: usize) -> String {
    if escaped.chars().count() <= SHOWN_CHARS {
        return escaped.to_string();
    }
    let cut: String = escaped.chars().take(SHOWN_CHARS).collect();
    format!("{cut}…({len} bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_is_escaped_and_cut() {
        assert_eq!(shown("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(shown("é ok"), "é ok");
        let long = "k".repeat(4096);
        assert_eq!(shown(&long), format!("{}…(4096 bytes)", "k".repeat(80)));
    }
}
