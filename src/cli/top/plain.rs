//! `raftctl top` when standard output is not a terminal (or with `--plain` or `-o
//! json`): each refresh as lines, flushed at once so that a pipe reader sees it. A
//! reader that went away ends `top` quietly, like every command (see [`Out`]).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::cells::{fit, summary, COLUMNS};
use super::model::View;
use crate::cli::error::CliResult;
use crate::cli::output::{table, Out};

/// One refresh for people: a line with the time and the summary, the member list's
/// error if any, the table with every column, and a blank line.
pub fn show_table(out: &mut Out, view: &View) -> CliResult {
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).ok();
    let stamp = now
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "-".into());
    writeln!(out, "{stamp} {}", summary(view))?;
    if let Some(e) = &view.members_error {
        writeln!(out, "member list: {e}")?;
    }
    let chosen = fit(&view.members, usize::MAX, 1);
    let mut t = table(
        &chosen
            .iter()
            .map(|(i, _)| COLUMNS[*i].header)
            .collect::<Vec<_>>(),
    );
    for row in &view.members {
        t.add_row(
            chosen
                .iter()
                .map(|(i, _)| COLUMNS[*i].cell(row))
                .collect::<Vec<_>>(),
        );
    }
    out.table(&t)?;
    writeln!(out)?;
    out.flush()
}

/// One refresh for scripts: the view as one line of JSON.
pub fn show_json(out: &mut Out, view: &View) -> CliResult {
    let line = serde_json::to_string(view).map_err(|e| {
        crate::cli::error::CliError::failure(format!("cannot encode output as JSON: {e}"))
    })?;
    writeln!(out, "{line}")?;
    out.flush()
}
