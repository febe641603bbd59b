//! `raftctl status`: one row per member, discovered from any endpoint. A member that does
//! not answer shows as unreachable; the command still succeeds.

use serde_json::{json, Value};

use super::args::GlobalArgs;
use super::error::CliResult;
use super::output::{table, Out};
use super::runtime;
use crate::api::types::{Member, StatusResponse};

/// One member's row: its status, or why it could not be read.
struct Row {
    member: Member,
    status: Result<StatusResponse, String>,
}

/// Runs `raftctl status`.
pub fn run(global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    let rows = rt.block_on(async {
        let (_, members) = client.members().await?;
        let fetches = members
            .members
            .iter()
            .map(|m| client.status_of(m.url_for_clients()));
        let statuses = futures_util::future::join_all(fetches).await;
        Ok::<_, crate::client::ClientError>(
            members
                .members
                .into_iter()
                .zip(statuses)
                .map(|(member, status)| Row {
                    member,
                    status: status.map_err(|e| e.to_string()),
                })
                .collect::<Vec<_>>(),
        )
    })?;
    let json = json!({ "members": rows.iter().map(row_json).collect::<Vec<_>>() });
    out.print(global.output, &json, || status_table(&rows))
}

fn row_json(row: &Row) -> Value {
    match &row.status {
        Ok(s) => {
            let mut v = serde_json::to_value(s).unwrap_or_else(|_| json!({}));
            if let Value::Object(map) = &mut v {
                map.insert("url".into(), json!(row.member.url));
                if let Some(c) = &row.member.client_url {
                    map.insert("client_url".into(), json!(c));
                }
                map.insert("reachable".into(), json!(true));
            }
            v
        }
        Err(e) => {
            let mut v = json!({
                "id": row.member.id,
                "url": row.member.url,
                "reachable": false,
                "error": e,
            });
            if let (Some(c), Value::Object(map)) = (&row.member.client_url, &mut v) {
                map.insert("client_url".into(), json!(c));
            }
            v
        }
    }
}

fn status_table(rows: &[Row]) -> comfy_table::Table {
    let mut t = table(&[
        "ID",
        "URL",
        "ROLE",
        "TERM",
        "LEADER",
        "COMMIT",
        "APPLIED",
        "LAST INDEX",
        "SNAPSHOT",
        "LAG",
        "DB SIZE",
        "HEALTH",
    ]);
    // Lag is measured against the leader's commit index (the leader in the highest term
    // that answered); without one, against the highest commit index reported.
    let reported = rows.iter().filter_map(|r| r.status.as_ref().ok());
    let commit = reported
        .clone()
        .filter(|s| s.role == "leader")
        .max_by_key(|s| s.term)
        .map(|s| s.commit)
        .or_else(|| reported.map(|s| s.commit).max())
        .unwrap_or(0);
    for row in rows {
        let id = row.member.id.to_string();
        let url = row.member.url_for_clients().to_string();
        match &row.status {
            Ok(s) => {
                let health = if s.leader.is_none() {
                    "no leader"
                } else if s.applied < s.commit {
                    "catching up"
                } else {
                    "healthy"
                };
                t.add_row(vec![
                    id,
                    url,
                    s.role.clone(),
                    s.term.to_string(),
                    s.leader.map_or("-".into(), |l| l.to_string()),
                    s.commit.to_string(),
                    s.applied.to_string(),
                    s.last_index.to_string(),
                    s.snapshot.index.to_string(),
                    commit.saturating_sub(s.applied).to_string(),
                    human_bytes(s.db_size_bytes),
                    health.to_string(),
                ]);
            }
            Err(_) => {
                let mut cells = vec![id, url];
                cells.extend(std::iter::repeat_n("-".to_string(), 9));
                cells.push("unreachable".into());
                t.add_row(cells);
            }
        }
    }
    t
}

/// `1.5 MiB`, `512 B`.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn unreachable_rows_say_so() {
        let row = Row {
            member: Member {
                id: 2,
                url: "http://127.0.0.1:7002".into(),
                client_url: None,
                role: "voter".into(),
            },
            status: Err("no member of http://127.0.0.1:7002 answered: connection refused".into()),
        };
        let v = row_json(&row);
        assert_eq!(v["reachable"], json!(false));
        assert_eq!(v["id"], json!(2));
        let text = status_table(&[row]).to_string();
        assert!(text.contains("unreachable"), "{text}");
    }
}
