//! How `raftctl top` shows a [`View`] as text, the same on a terminal and in plain
//! lines: the columns, each cell's words, the summary line, and which columns fit a
//! terminal of a given width.

use std::time::Duration;

use super::model::{Row, State, View};

/// A column: its header and how a row fills it.
pub struct Column {
    pub header: &'static str,
    cell: fn(&Row) -> String,
    /// Kept before columns of a higher rank when the terminal is too narrow for all.
    rank: u8,
}

/// The columns, left to right. STATE is last: an error may be long, and is cut at the
/// terminal's edge.
pub const COLUMNS: &[Column] = &[
    Column {
        header: "ID",
        cell: |r| opt(r.id),
        rank: 0,
    },
    Column {
        header: "URL",
        cell: |r| r.url.clone(),
        rank: 12,
    },
    Column {
        header: "ROLE",
        cell: |r| r.role.clone().unwrap_or_else(|| "-".into()),
        rank: 2,
    },
    Column {
        header: "TERM",
        cell: |r| opt(r.term),
        rank: 9,
    },
    Column {
        header: "COMMIT",
        cell: |r| opt(r.commit),
        rank: 8,
    },
    Column {
        header: "APPLIED",
        cell: |r| opt(r.applied),
        rank: 11,
    },
    Column {
        header: "LAG",
        cell: |r| opt(r.lag),
        rank: 3,
    },
    Column {
        header: "CONTACT",
        cell: |r| {
            r.last_contact_ms
                .map_or("-".into(), |ms| duration(Duration::from_millis(ms)))
        },
        rank: 10,
    },
    Column {
        header: "WRITE/S",
        cell: |r| rate(r.writes_per_sec),
        rank: 4,
    },
    Column {
        header: "READ/S",
        cell: |r| rate(r.reads_per_sec),
        rank: 5,
    },
    Column {
        header: "FSYNC P99",
        cell: |r| r.fsync_p99_ms.map_or("-".into(), millis),
        rank: 6,
    },
    Column {
        header: "APPLY LAG",
        cell: |r| opt(r.apply_lag),
        rank: 7,
    },
    Column {
        header: "STATE",
        cell: state,
        rank: 1,
    },
];

impl Column {
    pub fn cell(&self, row: &Row) -> String {
        (self.cell)(row)
    }
}

/// The widest STATE cell counted when fitting columns; longer ones are cut.
const STATE_FIT: usize = 12;

/// Which columns (indexes into [`COLUMNS`], left to right) fit in `width` cells with
/// `gap` cells between two, keeping the columns of the lowest rank; and each one's
/// width (its header's or its widest cell's).
pub fn fit(rows: &[Row], width: usize, gap: usize) -> Vec<(usize, usize)> {
    let widths: Vec<usize> = COLUMNS
        .iter()
        .map(|c| {
            let widest = rows
                .iter()
                .map(|r| c.cell(r).chars().count())
                .max()
                .unwrap_or(0);
            let w = widest.max(c.header.len());
            if c.header == "STATE" {
                w.min(STATE_FIT.max(c.header.len()))
            } else {
                w
            }
        })
        .collect();
    let mut by_rank: Vec<usize> = (0..COLUMNS.len()).collect();
    by_rank.sort_by_key(|&i| COLUMNS[i].rank);
    let mut chosen: Vec<usize> = Vec::new();
    let mut used = 0usize;
    for i in by_rank {
        let extra = widths[i] + if chosen.is_empty() { 0 } else { gap };
        if used + extra <= width {
            used += extra;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| (i, widths[i])).collect()
}

/// The line above the table: leader, term, leader changes, throughput.
pub fn summary(v: &View) -> String {
    let leader = match (v.leader, v.term) {
        (Some(l), Some(t)) => format!("leader {l}, term {t}"),
        _ => "no leader".to_string(),
    };
    let up = v.members.iter().filter(|r| r.state == State::Up).count();
    format!(
        "{leader}; {up}/{} members answering; leader changes seen {}; writes {}/s, reads {}/s",
        v.members.len(),
        v.leader_changes_seen,
        rate(v.writes_per_sec),
        rate(v.reads_per_sec),
    )
}

fn state(r: &Row) -> String {
    match &r.state {
        State::Up => match &r.metrics_error {
            None => "up".into(),
            Some(e) => format!("up (no metrics: {e})"),
        },
        State::Waiting { waiting_ms } => {
            format!("waiting {}", duration(Duration::from_millis(*waiting_ms)))
        }
        State::Down { error } => format!("down: {error}"),
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

/// `0`, `12.5`, `340`, `12.3k`.
pub fn rate(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if v >= 10_000.0 => format!("{:.1}k", v / 1000.0),
        Some(v) if v >= 100.0 || v == v.trunc() => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// Milliseconds as `850us`, `3.2ms`, `41ms`, `1.6s`.
fn millis(ms: f64) -> String {
    if ms < 1.0 {
        format!("{:.0}us", ms * 1000.0)
    } else if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else {
        format!("{:.1}s", ms / 1000.0)
    }
}

/// `20ms`, `1.5s`, `12s`, `3m20s`.
fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 10_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else if ms < 600_000 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u64, state: State) -> Row {
        Row {
            id: Some(id),
            url: format!("http://127.0.0.1:{}", 7000 + id),
            role: Some("follower".into()),
            state,
            term: Some(3),
            commit: Some(120),
            applied: Some(118),
            lag: Some(2),
            last_contact_ms: Some(20),
            writes_per_sec: Some(12.5),
            reads_per_sec: Some(0.0),
            fsync_p99_ms: Some(3.2),
            apply_lag: Some(2),
            leader_changes: Some(1),
            metrics_error: None,
        }
    }

    fn headers(chosen: &[(usize, usize)]) -> Vec<&'static str> {
        chosen.iter().map(|(i, _)| COLUMNS[*i].header).collect()
    }

    #[test]
    fn cells_read_as_people_write_them() {
        let r = row(2, State::Waiting { waiting_ms: 2500 });
        let cells: Vec<String> = COLUMNS.iter().map(|c| c.cell(&r)).collect();
        assert_eq!(
            cells,
            [
                "2",
                "http://127.0.0.1:7002",
                "follower",
                "3",
                "120",
                "118",
                "2",
                "20ms",
                "12.5",
                "0",
                "3.2ms",
                "2",
                "waiting 2.5s"
            ]
        );
        assert_eq!(rate(Some(12_345.0)), "12.3k");
        assert_eq!(rate(Some(340.4)), "340");
        assert_eq!(millis(0.85), "850us");
        assert_eq!(millis(1600.0), "1.6s");
        assert_eq!(duration(Duration::from_secs(200)), "200s");
        assert_eq!(duration(Duration::from_secs(700)), "11m40s");
        let down = row(
            3,
            State::Down {
                error: "connection refused".into(),
            },
        );
        assert_eq!(state(&down), "down: connection refused");
    }

    #[test]
    fn wide_terminals_show_every_column_and_narrow_ones_keep_the_essentials() {
        let rows = vec![row(1, State::Up), row(2, State::Up)];
        let all = fit(&rows, 200, 1);
        assert_eq!(all.len(), COLUMNS.len());
        // Left to right, whatever the ranks.
        assert_eq!(headers(&all)[..3], ["ID", "URL", "ROLE"]);

        let narrow = headers(&fit(&rows, 60, 1));
        assert!(!narrow.contains(&"URL"), "{narrow:?}");
        for kept in ["ID", "ROLE", "LAG", "WRITE/S", "STATE"] {
            assert!(narrow.contains(&kept), "{kept} in {narrow:?}");
        }
        let fits: usize = fit(&rows, 60, 1).iter().map(|(_, w)| w + 1).sum();
        assert!(fits <= 61, "{fits}");
        // Too narrow for anything but the id.
        assert_eq!(headers(&fit(&rows, 3, 1)), ["ID"]);
    }

    #[test]
    fn the_summary_names_the_leader_and_the_throughput() {
        let v = View {
            leader: Some(1),
            term: Some(4),
            leader_changes_seen: 2,
            writes_per_sec: Some(250.0),
            reads_per_sec: None,
            members_error: None,
            members: vec![row(1, State::Up), row(2, State::Down { error: "x".into() })],
            history: Vec::new(),
        };
        assert_eq!(
            summary(&v),
            "leader 1, term 4; 1/2 members answering; leader changes seen 2; \
             writes 250/s, reads -/s"
        );
    }
}
