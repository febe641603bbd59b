//! Printing results: [`Out`], the sink every handler writes to, and how results look
//! in it (a comfy-table for people, JSON for scripts, cells cut and escaped).

use std::fmt;
use std::io::Write;

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

/// Where a command's results go: standard output (and notes to standard error), or
/// buffers in tests. Handlers write only through it, with `writeln!(out, ...)?` and the
/// methods below, never with `println!`, which panics when the reader is gone.
///
/// A reader that went away (`raftctl kv list | head -1`) ends the command through
/// [`CliError::output_closed`]: raftctl then exits 0 without a word, as ripgrep does,
/// since the reader took what it wanted. Any other write error (a full disk) is the
/// one-line failure "cannot write to standard output: ...".
pub struct Out<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
}

impl<'a> Out<'a> {
    /// Results to `out`, notes to `err`.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Out<'a> {
        Out { out, err }
    }

    /// What `writeln!(out, ...)` and `write!(out, ...)` call.
    pub fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> CliResult {
        self.out.write_fmt(args).map_err(write_error)
    }

    /// Bytes as they are (a value `kv get` prints).
    pub fn write_bytes(&mut self, bytes: &[u8]) -> CliResult {
        self.out.write_all(bytes).map_err(write_error)
    }

    /// Pushes out what is buffered; the end of every command.
    pub fn flush(&mut self) -> CliResult {
        self.out.flush().map_err(write_error)
    }

    /// A line on standard error, for people watching (progress, warnings, where a secret
    /// went), never part of the result. Lost if standard error is gone: there is
    /// nowhere left to say so.
    pub fn note(&mut self, args: fmt::Arguments<'_>) {
        let _ = writeln!(self.err, "{args}").and_then(|()| self.err.flush());
    }

    /// `value` as pretty JSON and a newline.
    pub fn json<T: Serialize>(&mut self, value: &T) -> CliResult {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| CliError::failure(format!("cannot encode output as JSON: {e}")))?;
        writeln!(self, "{text}")
    }

    /// A table, without the trailing blanks comfy-table pads every line with (people
    /// copy them).
    pub fn table(&mut self, table: &Table) -> CliResult {
        let mut text = String::new();
        for line in table.to_string().lines() {
            text.push_str(line.trim_end());
            text.push('\n');
        }
        write!(self, "{text}")
    }

    /// The table for `-o table`, `value` for `-o json`.
    pub fn print<T: Serialize>(
        &mut self,
        format: OutputFormat,
        value: &T,
        table: impl FnOnce() -> Table,
    ) -> CliResult {
        match format {
            OutputFormat::Json => self.json(value),
            OutputFormat::Table => self.table(&table()),
        }
    }
}

fn write_error(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CliError::output_closed()
    } else {
        CliError::failure(format!("cannot write to standard output: {e}"))
    }
}

/// Members in a table cell: `1=http://...,2=http://...`, or `-` for none.
pub(crate) fn members(rows: &[crate::inspect::wal::MemberRow]) -> String {
    if rows.is_empty() {
        "-".to_string()
    } else {
        rows.iter()
            .map(|m| format!("{}={}", m.id, m.url))
            .collect::<Vec<_>>()
            .join(",")
    }
}

pub use crate::shown::{shown, shown_summary, SHOWN_CHARS};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ExitCode;

    /// A writer whose reader went away after `room` bytes.
    struct ClosedAfter {
        room: usize,
    }

    impl Write for ClosedAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn tables_lose_their_trailing_blanks_and_json_ends_with_a_newline() {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut out = Out::new(&mut stdout, &mut stderr);
        let mut t = table(&["A", "LONGER"]);
        t.add_row(vec!["1", "2"]);
        out.print(OutputFormat::Table, &(), || t).unwrap();
        out.print(
            OutputFormat::Json,
            &serde_json::json!({"a": 1}),
            table_of_nothing,
        )
        .unwrap();
        let n = 1;
        writeln!(out, "{n} line").unwrap();
        out.note(format_args!("a note"));
        assert_eq!(
            String::from_utf8(stdout).unwrap(),
            " A  LONGER\n 1  2\n{\n  \"a\": 1\n}\n1 line\n"
        );
        assert_eq!(String::from_utf8(stderr).unwrap(), "a note\n");
    }

    fn table_of_nothing() -> Table {
        unreachable!("JSON output builds no table")
    }

    #[test]
    fn a_closed_reader_ends_the_command_quietly() {
        let (mut stdout, mut stderr) = (ClosedAfter { room: 3 }, Vec::new());
        let mut out = Out::new(&mut stdout, &mut stderr);
        let err = writeln!(out, "more than three bytes").unwrap_err();
        assert!(err.is_quiet(), "{err}");
        assert_eq!(err.code, ExitCode::Success);
    }

    #[test]
    fn other_write_errors_are_one_line_failures() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from_raw_os_error(28))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let (mut stdout, mut stderr) = (Full, Vec::new());
        let mut out = Out::new(&mut stdout, &mut stderr);
        let err = out.write_bytes(b"x").unwrap_err();
        assert_eq!(err.code, ExitCode::Failure);
        assert!(
            err.to_string()
                .starts_with("cannot write to standard output: "),
            "{err}"
        );
        assert!(!err.to_string().contains('\n'), "{err}");
    }
}
