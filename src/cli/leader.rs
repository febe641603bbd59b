//! `raftctl leader transfer [ID]`: the leader checks the target first, brings it up to
//! date and hands over; on timeout it keeps leading. While it waits, the target's
//! catch-up is shown on stderr. Asked to move leadership to the member that already
//! leads, it says so and changes nothing (exit 0): the state asked for holds.

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
        if let (Some(to), Some(url)) = (id, &leader_url) {
            if members.leader == Some(to) {
                let term = client.status_of(url).await?.term;
                return Ok(Moved::Already { id: to, term });
            }
        }
        let transfer = client.transfer_leader(id);
        tokio::pin!(transfer);
        let mut shown = None;
        loop {
            tokio::select! {
                r = &mut transfer => break r.map(Moved::Moved),
                () = tokio::time::sleep(Duration::from_millis(200)) => {
                    if let (Some(url), Some(to), OutputFormat::Table) = (&leader_url, id, global.output) {
                        shown = show_catch_up(&client, url, to, shown, out).await;
                    }
                }
            }
        }
    })?;
    let r = match r {
        Moved::Moved(r) => r,
        Moved::Already { id, term } => {
            if global.output == OutputFormat::Json {
                return out.json(&json!({ "old_leader": id, "new_leader": id, "term": term }));
            }
            return writeln!(
                out,
                "member {id} already leads (term {term}); nothing was changed"
            );
        }
    };
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

/// What the command found or did.
enum Moved {
    Moved(crate::api::admin::TransferResponse),
    Already { id: u64, term: u64 },
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
