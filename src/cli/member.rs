//! `raftctl member list|add|promote|remove|update`: one membership change at a time,
//! through the leader, with the guard rails and `--dry-run` preview of
//! `node::membership`. `member replace` chains them (`super::replace`).

use std::path::{Path, PathBuf};

use super::args::{ChangeArgs, GlobalArgs, MemberCommand, OutputFormat};
use super::error::{CliError, CliResult};
use super::output::{table, Out};
use super::runtime;
use crate::api::admin::{AddMemberRequest, ChangeResponse};
use crate::api::types::{MembersResponse, StatusResponse};
use crate::client::ChangeFlags;
use crate::member_url::MemberUrl;
use crate::node::membership::Preview;

pub fn run(cmd: MemberCommand, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    match cmd {
        MemberCommand::List => list(&client, &rt, global, out),
        MemberCommand::Add {
            id,
            url,
            learner,
            change,
        } => add(&client, &rt, global, out, (id, &url, learner, change)),
        MemberCommand::Promote { id, change } => {
            let r = rt.block_on(client.promote_member(id, flags(change)))?;
            report(global.output, &r, out)
        }
        MemberCommand::Remove { id, change } => {
            let r = rt.block_on(client.remove_member(id, flags(change)))?;
            report(global.output, &r, out)
        }
        MemberCommand::Update { id, url, dry_run } => {
            update(&client, &rt, global, out, (id, &url, dry_run))
        }
        MemberCommand::Replace(args) => super::replace::run(&args, &client, &rt, global, out),
    }
}

/// `member list`: the members, with the leader's view of their progress.
fn list(
    client: &crate::client::Client,
    rt: &tokio::runtime::Runtime,
    global: &GlobalArgs,
    out: &mut Out,
) -> CliResult {
    let (members, leader_status) = rt.block_on(async {
        let (_, members) = client.members().await?;
        let leader_url = members.leader.and_then(|l| url_of(&members, l));
        let status = match leader_url {
            Some(url) => client.status_of(&url).await.ok(),
            None => None,
        };
        Ok::<_, crate::client::ClientError>((members, status))
    })?;
    out.print(global.output, &members, || {
        members_table(&members, leader_status.as_ref())
    })
}

/// `member add ID URL [--learner]`, then how to start the new member.
fn add(
    client: &crate::client::Client,
    rt: &tokio::runtime::Runtime,
    global: &GlobalArgs,
    out: &mut Out,
    (id, url, learner, change): (u64, &str, bool, ChangeArgs),
) -> CliResult {
    let url =
        MemberUrl::parse(url).map_err(|why| CliError::usage(format!("URL {url:?}: {why}")))?;
    let req = AddMemberRequest {
        id,
        url: url.to_string(),
        learner,
    };
    let r = rt.block_on(client.add_member(&req, flags(change)))?;
    report(global.output, &r, out)?;
    if r.dry_run || global.output != OutputFormat::Table {
        return Ok(());
    }
    let leader = r
        .members
        .leader
        .and_then(|l| url_of(&r.members, l))
        .unwrap_or_else(|| global.endpoints.join(","));
    let apart = peers_apart(&r.members);
    writeln!(
        out,
        "start it with:\n  {}",
        serve_line(id, &url, &leader, global.cacert.as_deref(), apart)
    )?;
    if apart {
        writeln!(
            out,
            "(this cluster's members serve their peers on addresses of their own: \
             {url} is the new member's peer URL; replace CLIENT-ADDRESS with the \
             address it serves clients on)"
        )?;
    }
    if let Some(cacert) = global.cacert.as_deref() {
        writeln!(out, "{}", certificate_hint(id, &url, cacert))?;
    }
    Ok(())
}

/// `member update ID URL`: the member's peers send to URL from now on.
fn update(
    client: &crate::client::Client,
    rt: &tokio::runtime::Runtime,
    global: &GlobalArgs,
    out: &mut Out,
    (id, url, dry_run): (u64, &str, bool),
) -> CliResult {
    let url =
        MemberUrl::parse(url).map_err(|why| CliError::usage(format!("URL {url:?}: {why}")))?;
    let flags = ChangeFlags {
        dry_run,
        force: false,
    };
    let r = rt.block_on(client.update_member(id, &url.to_string(), flags))?;
    report(global.output, &r, out)?;
    if !r.dry_run && global.output == OutputFormat::Table {
        writeln!(
            out,
            "its peers now send to {url}; start member {id} there with its \
             --data-dir and --moved if it is not running yet"
        )?;
    }
    Ok(())
}

fn flags(c: ChangeArgs) -> ChangeFlags {
    ChangeFlags {
        dry_run: c.dry_run,
        force: c.force,
    }
}

/// Where a client reaches member `id`.
pub(super) fn url_of(m: &MembersResponse, id: u64) -> Option<String> {
    m.members
        .iter()
        .find(|x| x.id == id)
        .map(|x| x.url_for_clients().to_string())
}

/// Whether the cluster's members serve their peers on addresses of their own.
pub(super) fn peers_apart(m: &MembersResponse) -> bool {
    m.members.iter().any(|x| x.client_url.is_some())
}

/// The exact command that starts a member added with `member add`. With TLS (`cacert`,
/// the client's --cacert) it names the same CA and the member's certificate and key,
/// `member-<id>.crt` and `member-<id>.key` next to the CA file, where `raftctl cert
/// create-member` writes them. In a cluster whose members serve peers on addresses of
/// their own (`peers_apart`), `url` is the new member's peer URL and the client address
/// is left for the operator to fill in.
pub fn serve_line(
    id: u64,
    url: &MemberUrl,
    leader_url: &str,
    cacert: Option<&Path>,
    peers_apart: bool,
) -> String {
    let listen = url.authority();
    let listen = if peers_apart {
        format!("CLIENT-ADDRESS --peer-listen {listen}")
    } else {
        listen
    };
    let mut line = format!(
        "raftctl serve --id {id} --listen {listen} --data-dir raftctl-data-{id} --join {leader_url}"
    );
    if let Some(cacert) = cacert {
        let (cert, key) = member_files(id, cacert);
        line.push_str(&format!(
            " --cacert {} --cert {} --key {}",
            shell_word(cacert),
            shell_word(&cert),
            shell_word(&key)
        ));
    }
    line
}

/// How to make the certificate the TLS serve line names.
pub(super) fn certificate_hint(id: u64, url: &MemberUrl, cacert: &Path) -> String {
    let host = url.host();
    let dir = ca_dir(cacert).unwrap_or(Path::new("."));
    format!(
        "(its certificate and key, if not made yet: raftctl cert create-member --id {id} --host {host} --ca {})",
        shell_word(dir)
    )
}

/// The directory of the CA file, `None` for a file in the current directory.
fn ca_dir(cacert: &Path) -> Option<&Path> {
    cacert.parent().filter(|d| !d.as_os_str().is_empty())
}

/// `member-<id>.crt` and `member-<id>.key` in the CA file's directory.
fn member_files(id: u64, cacert: &Path) -> (PathBuf, PathBuf) {
    let at = |name: String| match ca_dir(cacert) {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    };
    (
        at(format!("member-{id}.crt")),
        at(format!("member-{id}.key")),
    )
}

/// A path as one shell word: as it is when it holds only safe characters, else quoted.
fn shell_word(p: &Path) -> String {
    let text = p.display().to_string();
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,=@".contains(c));
    if safe {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Prints the outcome of a change (or its preview). A dry run that would be refused
/// exits 1, as the real command would.
fn report(format: OutputFormat, r: &ChangeResponse, out: &mut Out) -> CliResult {
    if format == OutputFormat::Json {
        out.json(r)?;
    } else {
        let p = &r.preview;
        if r.dry_run {
            writeln!(out, "dry run: {} (nothing was changed)", p.change)?;
            print_preview(p, out)?;
        } else {
            let forced = if p.forced { " (forced)" } else { "" };
            writeln!(out, "done: {}{forced}", p.change)?;
            print_preview(p, out)?;
            writeln!(out)?;
            out.table(&members_table(&r.members, None))?;
        }
    }
    match (&p_refusal(&r.preview), r.dry_run) {
        (Some(line), true) => Err(CliError::failure(format!("the change would be {line}"))),
        _ => Ok(()),
    }
}

fn p_refusal(p: &Preview) -> Option<String> {
    if p.allowed {
        return None;
    }
    p.refused_by.as_ref().map(|r| r.line())
}

pub(super) fn ids(v: &[u64]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

fn print_preview(p: &Preview, out: &mut Out) -> CliResult {
    let mut t = table(&["", "BEFORE", "AFTER"]);
    t.add_row(vec![
        "voters".to_string(),
        ids(&p.voters_before),
        ids(&p.voters_after),
    ]);
    t.add_row(vec![
        "quorum".to_string(),
        p.quorum_before.to_string(),
        p.quorum_after.to_string(),
    ]);
    t.add_row(vec![
        "fault tolerance".to_string(),
        p.fault_tolerance_before.to_string(),
        p.fault_tolerance_after.to_string(),
    ]);
    t.add_row(vec![
        "voters the leader hears from".to_string(),
        format!("{} of {}", p.reachable_voters_now, p.voters_before.len()),
        format!("{} of {}", p.reachable_voters_after, p.voters_after.len()),
    ]);
    out.table(&t)?;
    match (&p.refused_by, p.allowed) {
        (None, _) => writeln!(out, "verdict: allowed, no rule refuses it"),
        (Some(r), true) => writeln!(out, "verdict: allowed with --force, past rule {}", r.rule),
        (Some(r), false) => writeln!(out, "verdict: {}", r.line()),
    }
}

pub(super) fn members_table(
    m: &MembersResponse,
    leader: Option<&StatusResponse>,
) -> comfy_table::Table {
    let progress = leader.and_then(|s| s.progress.as_ref().map(|p| (s.last_index, p)));
    let apart = peers_apart(m);
    let mut headers = vec!["ID", "URL", "ROLE"];
    if apart {
        headers = vec!["ID", "PEER URL", "CLIENT URL", "ROLE"];
    }
    if progress.is_some() {
        headers.extend(["MATCH", "LAG", "STATE"]);
    }
    let mut t = table(&headers);
    for member in &m.members {
        let role = if m.leader == Some(member.id) {
            format!("{} (leader)", member.role)
        } else {
            member.role.clone()
        };
        let mut row = vec![member.id.to_string(), member.url.clone()];
        if apart {
            row.push(member.client_url.clone().unwrap_or_else(|| "?".into()));
        }
        row.push(role);
        if let Some((last, p)) = progress {
            match p.iter().find(|p| p.id == member.id) {
                Some(p) => {
                    let state = if p.recent_active || m.leader == Some(member.id) {
                        p.state.clone()
                    } else {
                        format!("{} (not heard from)", p.state)
                    };
                    row.extend([
                        p.matched.to_string(),
                        last.saturating_sub(p.matched).to_string(),
                        state,
                    ]);
                }
                None => row.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
            }
        }
        t.add_row(row);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> MemberUrl {
        MemberUrl::parse(text).expect("a member URL")
    }

    #[test]
    fn the_join_line_names_the_listen_address_and_the_leader() {
        assert_eq!(
            serve_line(4, &url("http://127.0.0.1:7004"), "http://127.0.0.1:7001", None, false),
            "raftctl serve --id 4 --listen 127.0.0.1:7004 --data-dir raftctl-data-4 --join http://127.0.0.1:7001"
        );
    }

    #[test]
    fn where_peers_are_served_apart_the_url_given_is_the_peer_address() {
        assert_eq!(
            serve_line(
                4,
                &url("http://127.0.0.1:7104"),
                "http://127.0.0.1:7001",
                None,
                true
            ),
            "raftctl serve --id 4 --listen CLIENT-ADDRESS --peer-listen 127.0.0.1:7104 \
             --data-dir raftctl-data-4 --join http://127.0.0.1:7001"
        );
    }

    #[test]
    fn with_tls_the_join_line_names_the_ca_and_the_members_files_next_to_it() {
        assert_eq!(
            serve_line(
                4,
                &url("https://127.0.0.1:7004"),
                "https://127.0.0.1:7001",
                Some(Path::new("pki/ca.crt")),
                false
            ),
            "raftctl serve --id 4 --listen 127.0.0.1:7004 --data-dir raftctl-data-4 \
             --join https://127.0.0.1:7001 --cacert pki/ca.crt --cert pki/member-4.crt \
             --key pki/member-4.key"
        );
        assert!(serve_line(
            2,
            &url("https://h:1"),
            "https://h:2",
            Some(Path::new("ca.crt")),
            false
        )
        .ends_with(" --cacert ca.crt --cert member-2.crt --key member-2.key"));
        assert!(serve_line(
            2,
            &url("https://h:1"),
            "https://h:2",
            Some(Path::new("my pki/ca.crt")),
            false
        )
        .ends_with(" --key 'my pki/member-2.key'"));
        assert_eq!(
            certificate_hint(
                4,
                &url("https://node4.example:7004"),
                Path::new("pki/ca.crt")
            ),
            "(its certificate and key, if not made yet: raftctl cert create-member --id 4 \
             --host node4.example --ca pki)"
        );
    }
}
