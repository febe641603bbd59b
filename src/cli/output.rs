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

pub use crate::shown::{shown, shown_summary, SHOWN_CHARS};
