//! `raftctl leader transfer [ID]`: the leader checks the target first, brings it up to
//! date and hands over; on timeout it keeps leading. While it waits, the target's
//! catch-up is shown on stderr.

use std::time::Duration;

use serde_json::json;

use super::args::{GlobalArgs, LeaderCommand, OutputFormat};
use super::error::CliResult;
use super::output::Out;
use super::runtime;
use crate::client::Client;

pub fn run(cmd: LeaderCommand, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let LeaderCommand::Transfer { id } = cmd;
    let client = global.client()?;
    let rt = runtime()?;
    let r = rt.block_on(async {
        let (_, members) = client.members().await?;
        let leader_url = members
            .leader
            .and_then(|l| members.members.iter().find(|m| m.id == l))
            .map(|m| m.url_for_clients().to_string());
        let transfer = client.transfer_leader(id);
        tokio::pin!(transfer);
        let mut shown = None;
        loop {
            tokio::select! {
                r = &mut transfer => break r,
                () = tokio::time::sleep(Duration::from_millis(200)) => {
                    if let (Some(url), Some(to), OutputFormat::Table) = (&leader_url, id, global.output) {
                        shown = show_catch_up(&client, url, to, shown, out).await;
                    }
                }
            }
        }
    })?;
    if global.output == OutputFormat::Json {
        return out.json(&json!({
            "old_leader": r.old_leader,
            "new_leader": r.new_leader,
            "term": r.term,
        }));
    }
    writeln!(
        out,
        "leadership moved from member {} to member {} (term {})",
        r.old_leader, r.new_leader, r.term
    )
}

/// Notes the target's match against the leader's last index when it changed.
async fn show_catch_up(
    client: &Client,
    leader_url: &str,
    to: u64,
    shown: Option<(u64, u64)>,
    out: &mut Out<'_>,
) -> Option<(u64, u64)> {
    let Ok(s) = client.status_of(leader_url).await else {
        return shown;
    };
    let p = s.progress.as_ref()?.iter().find(|p| p.id == to)?;
    let now = (p.matched, s.last_index);
    if shown != Some(now) {
        if p.matched >= s.last_index {
            out.note(format_args!(
                "member {to} has all {} entries; waiting for it to take over",
                s.last_index
            ));
        } else {
            out.note(format_args!(
                "waiting for member {to} to catch up: {} of {} entries ({})",
                p.matched, s.last_index, p.state
            ));
        }
    }
    Some(now)
}
