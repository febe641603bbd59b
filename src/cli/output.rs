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
    println!("{text}");
    Ok(())
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
            for line in t.to_string().lines() {
                println!("{}", line.trim_end());
            }
            Ok(())
        }
    }
}
