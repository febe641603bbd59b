//! `raftctl member replace OLD --id NEW --url URL`: a member replaced by a new one in
//! checked steps, each an ordinary membership change through the leader: add NEW as a
//! learner, wait until it caught up ([`wait`]), promote it, move leadership away from
//! OLD if it leads, remove OLD.
//!
//! The state of a replacement is the cluster's membership itself, never a local file:
//! before every step the membership is read again and [`plan`] works out what is still
//! to do, so a step already done is skipped and the same command after Ctrl-C (or a
//! timeout, or a lost answer) goes on where it stopped. `--dry-run` prints that plan
//! with the voters, quorum and fault tolerance after each step.

mod wait;

use std::time::Duration;

use serde::Serialize;
use tokio::runtime::Runtime;
use tokio::time::Instant;

use super::args::{GlobalArgs, OutputFormat, ReplaceArgs};
use super::error::{CliError, CliResult};
use super::member::{certificate_hint, ids, members_table, peers_apart, serve_line, url_of};
use super::output::{table, Out};
use crate::api::admin::AddMemberRequest;
use crate::api::types::{Member, MembersResponse, StatusResponse};
use crate::client::{ChangeFlags, Client, ClientError};
use crate::member_url::MemberUrl;
use crate::node::membership::quorum;

/// One step of a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    AddLearner,
    CatchUp,
    Promote,
    MoveLeadership,
    RemoveOld,
}

/// What is replaced by what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub old: u64,
    pub new: u64,
    pub url: MemberUrl,
}

impl Step {
    pub fn describe(self, t: &Target) -> String {
        match self {
            Step::AddLearner => format!("add member {} as a learner at {}", t.new, t.url),
            Step::CatchUp => format!("wait until member {} has caught up", t.new),
            Step::Promote => format!("promote member {} to voter", t.new),
            Step::MoveLeadership => {
                format!("move leadership from member {} (prefer {})", t.old, t.new)
            }
            Step::RemoveOld => format!("remove member {}", t.old),
        }
    }

    /// The voters once this step is done.
    fn voters_after(self, t: &Target, voters: &mut Vec<u64>) {
        match self {
            Step::Promote if !voters.contains(&t.new) => {
                voters.push(t.new);
                voters.sort_unstable();
            }
            Step::RemoveOld => voters.retain(|v| *v != t.old),
            _ => {}
        }
    }
}

/// The flags checked: NEW is not OLD, and URL is a member URL.
fn target(a: &ReplaceArgs) -> CliResult<Target> {
    if a.new == a.old {
        return Err(CliError::usage(format!(
            "--id {} is the member being replaced: the new member needs an id of its own",
            a.new
        )));
    }
    let url = MemberUrl::parse(&a.url)
        .map_err(|why| CliError::usage(format!("--url {:?}: {why}", a.url)))?;
    Ok(Target {
        old: a.old,
        new: a.new,
        url,
    })
}

/// Whether a recorded member URL names `url` (normal form).
fn same_url(recorded: &str, url: &str) -> bool {
    MemberUrl::parse(recorded).map_or(recorded == url, |u| u.to_string() == url)
}

/// The steps still to do, worked out from the membership as it is: nothing for a
/// replacement already done, an error for one that cannot be done.
pub fn plan(m: &MembersResponse, t: &Target) -> CliResult<Vec<Step>> {
    let url = t.url.to_string();
    if let Some(other) = m
        .members
        .iter()
        .find(|x| x.id != t.new && same_url(&x.url, &url))
    {
        return Err(CliError::failure(format!(
            "URL {url} is already used by member {}: two members cannot share one",
            other.id
        )));
    }
    let new = m.members.iter().find(|x| x.id == t.new);
    if let Some(n) = new.filter(|n| !same_url(&n.url, &url)) {
        return Err(CliError::failure(format!(
            "member {} is already a {} at {}, not at {url}: pick another --id, or give --url {}",
            t.new, n.role, n.url, n.url
        )));
    }
    let Some(old) = m.members.iter().find(|x| x.id == t.old) else {
        if new.is_some_and(|n| n.role == "voter") {
            return Ok(Vec::new());
        }
        return Err(CliError::failure(format!(
            "member {} is not a member of this cluster (see raftctl member list)",
            t.old
        )));
    };
    if old.role != "voter" {
        return Err(CliError::failure(format!(
            "member {} is a {}: member replace replaces voters (add a learner with raftctl \
             member add --learner, then raftctl member remove {})",
            t.old, old.role, t.old
        )));
    }
    let mut steps = match new.map(|n| n.role.as_str()) {
        None => vec![Step::AddLearner, Step::CatchUp, Step::Promote],
        Some("voter") => Vec::new(),
        Some(_) => vec![Step::CatchUp, Step::Promote],
    };
    if m.leader == Some(t.old) {
        steps.push(Step::MoveLeadership);
    }
    steps.push(Step::RemoveOld);
    Ok(steps)
}

/// One row of the `--dry-run` plan: the voters after the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    /// `now` for the first row, else the step.
    pub step: String,
    pub description: String,
    pub voters: Vec<u64>,
    pub quorum: usize,
    pub fault_tolerance: usize,
}

/// The `--dry-run` rows: the membership now, then after each step.
pub fn plan_rows(m: &MembersResponse, t: &Target, steps: &[Step]) -> Vec<PlanRow> {
    let mut voters: Vec<u64> = m
        .members
        .iter()
        .filter(|x| x.role == "voter")
        .map(|x| x.id)
        .collect();
    voters.sort_unstable();
    let row = |step: String, description: String, voters: &[u64]| PlanRow {
        step,
        description,
        voters: voters.to_vec(),
        quorum: quorum(voters.len()),
        fault_tolerance: voters.len().saturating_sub(quorum(voters.len())),
    };
    let mut rows = vec![row("now".into(), "as it is".into(), &voters)];
    for s in steps {
        s.voters_after(t, &mut voters);
        let name = serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        rows.push(row(name, s.describe(t), &voters));
    }
    rows
}

#[derive(Serialize)]
struct Report<'a> {
    dry_run: bool,
    old: u64,
    new: u64,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<Vec<PlanRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done: Option<&'a [Step]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<&'a MembersResponse>,
}

pub fn run(
    a: &ReplaceArgs,
    client: &Client,
    rt: &Runtime,
    global: &GlobalArgs,
    out: &mut Out,
) -> CliResult {
    let t = target(a)?;
    let m = rt.block_on(observe(client))?;
    let steps = plan(&m, &t)?;
    if a.dry_run {
        return print_plan(global.output, &m, &t, &steps, out);
    }
    let deadline = Instant::now() + a.catch_up_timeout;
    let mut ctx = Run {
        client,
        global,
        t: &t,
        timeout: a.catch_up_timeout,
        deadline,
        caught_up: false,
        serve_line_shown: false,
        done: Vec::new(),
    };
    let members = rt.block_on(ctx.run(m, out))?;
    let report = Report {
        dry_run: false,
        old: t.old,
        new: t.new,
        url: t.url.to_string(),
        plan: None,
        done: Some(&ctx.done),
        members: Some(&members),
    };
    if global.output == OutputFormat::Json {
        return out.json(&report);
    }
    if ctx.done.is_empty() {
        writeln!(
            out,
            "nothing to do: member {} already replaced member {}",
            t.new, t.old
        )?;
    } else {
        writeln!(out, "done: member {} replaced member {}", t.new, t.old)?;
    }
    out.table(&members_table(&members, None))
}

fn print_plan(
    format: OutputFormat,
    m: &MembersResponse,
    t: &Target,
    steps: &[Step],
    out: &mut Out,
) -> CliResult {
    let rows = plan_rows(m, t, steps);
    if format == OutputFormat::Json {
        return out.json(&Report {
            dry_run: true,
            old: t.old,
            new: t.new,
            url: t.url.to_string(),
            plan: Some(rows),
            done: None,
            members: None,
        });
    }
    if steps.is_empty() {
        return writeln!(
            out,
            "dry run: nothing to do, member {} already replaced member {}",
            t.new, t.old
        );
    }
    writeln!(
        out,
        "dry run: replace member {} by member {} at {} (nothing was changed)",
        t.old, t.new, t.url
    )?;
    let mut tbl = table(&["STEP", "VOTERS", "QUORUM", "FAULT TOLERANCE"]);
    for (i, r) in rows.iter().enumerate() {
        let label = if i == 0 {
            "now".to_string()
        } else {
            format!("{i}. {}", r.description)
        };
        tbl.add_row(vec![
            label,
            ids(&r.voters),
            r.quorum.to_string(),
            r.fault_tolerance.to_string(),
        ]);
    }
    out.table(&tbl)
}

/// The membership as the leader has it (a follower may not have applied the last change
/// yet), once some member knows a leader: every step goes through it. After a few
/// seconds without one, the membership as a member has it.
async fn observe(client: &Client) -> Result<MembersResponse, ClientError> {
    let give_up = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, m) = client.members().await?;
        if let Some(url) = m.leader.and_then(|l| url_of(&m, l)) {
            if let Ok(s) = client.status_of(&url).await {
                if s.role == "leader" {
                    return Ok(as_the_leader_has_it(m, &s));
                }
            }
        }
        if Instant::now() >= give_up {
            return Ok(m);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The voters and learners of the leader's status, with the client URLs `m` knows.
fn as_the_leader_has_it(m: MembersResponse, s: &StatusResponse) -> MembersResponse {
    let client_url = |id: u64| {
        m.members
            .iter()
            .find(|x| x.id == id)
            .and_then(|x| x.client_url.clone())
    };
    let voters = s.voters.iter().map(|v| (v, "voter"));
    let learners = s.learners.iter().map(|v| (v, "learner"));
    let mut members: Vec<Member> = voters
        .chain(learners)
        .map(|(v, role)| Member {
            id: v.id,
            url: v.url.clone(),
            client_url: client_url(v.id),
            role: role.to_string(),
        })
        .collect();
    members.sort_by_key(|x| x.id);
    MembersResponse {
        members,
        leader: Some(s.id),
    }
}

/// Why a step failed.
#[derive(Debug)]
enum StepError {
    Client(ClientError),
    /// The new member did not catch up in time.
    TimedOut(String),
}

impl From<ClientError> for StepError {
    fn from(e: ClientError) -> StepError {
        StepError::Client(e)
    }
}

impl From<StepError> for CliError {
    fn from(e: StepError) -> CliError {
        match e {
            StepError::Client(e) => e.into(),
            StepError::TimedOut(m) => CliError::failure(m),
        }
    }
}

/// An error after which the step is tried again (after reading the membership again):
/// the outcome is unknown, or the cluster is busy with something that ends by itself.
fn passing(e: &ClientError) -> bool {
    match e {
        ClientError::OutcomeUnknown { .. } | ClientError::NoMemberAnswered { .. } => true,
        ClientError::Api { code, message, .. } => {
            matches!(code.as_str(), "no_leader" | "unavailable" | "timeout")
                || (code == "conflict"
                    && (message.contains("one-change-at-a-time")
                        || message.contains("learner-caught-up")
                        || message.contains("transfer is")))
        }
        _ => false,
    }
}

/// A replacement under way.
struct Run<'a> {
    client: &'a Client,
    global: &'a GlobalArgs,
    t: &'a Target,
    timeout: Duration,
    deadline: Instant,
    /// The new member caught up during this run: promote it without waiting again.
    caught_up: bool,
    serve_line_shown: bool,
    done: Vec<Step>,
}

impl Run<'_> {
    /// Does the steps left, reading the membership before each; returns the membership
    /// at the end.
    async fn run(
        &mut self,
        mut m: MembersResponse,
        out: &mut Out<'_>,
    ) -> CliResult<MembersResponse> {
        loop {
            let steps = plan(&m, self.t)?;
            let Some(mut step) = steps.first().copied() else {
                return Ok(m);
            };
            if step == Step::CatchUp && self.caught_up {
                step = Step::Promote;
            }
            out.note(format_args!("step: {}", step.describe(self.t)));
            match self.step(step, &m, out).await {
                Ok(()) => {
                    // A change that succeeds must change what the leader reports; one
                    // done three times running does not, and would go on for ever (a
                    // wait may come again after a refused promotion).
                    let tail = self.done.iter().rev().take(2);
                    if step != Step::CatchUp
                        && self.done.len() >= 2
                        && tail.clone().all(|s| *s == step)
                    {
                        return Err(CliError::failure(format!(
                            "{} succeeded three times but the membership does not show it; \
                             check raftctl member list and run the same command again",
                            step.describe(self.t)
                        )));
                    }
                    self.done.push(step);
                }
                Err(StepError::Client(e)) if passing(&e) && Instant::now() < self.deadline => {
                    out.note(format_args!("{e}; trying again"));
                    if step == Step::Promote {
                        self.caught_up = false;
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => {
                    return Err(CliError::from(e).with_detail(
                        "nothing more was changed; the same command goes on from where it stopped",
                    ))
                }
            }
            m = observe(self.client).await?;
        }
    }

    async fn step(
        &mut self,
        step: Step,
        m: &MembersResponse,
        out: &mut Out<'_>,
    ) -> Result<(), StepError> {
        let (t, c) = (self.t, self.client);
        let flags = ChangeFlags::default();
        match step {
            Step::AddLearner => {
                let req = AddMemberRequest {
                    id: t.new,
                    url: t.url.to_string(),
                    learner: true,
                };
                let r = c.add_member(&req, flags).await?;
                self.show_serve_line(&r.members, "start it with", out);
            }
            Step::CatchUp => {
                self.show_serve_line(m, "if it is not running yet, start it with", out);
                wait::caught_up(c, t, self.deadline, self.timeout, out).await?;
                self.caught_up = true;
            }
            Step::Promote => {
                c.promote_member(t.new, flags).await?;
            }
            Step::MoveLeadership => {
                let moved = match c.transfer_leader(Some(t.new)).await {
                    Ok(o) => o,
                    Err(e) if !passing(&e) => {
                        out.note(format_args!(
                            "cannot hand leadership to member {}: {e}; trying the most caught-up voter",
                            t.new
                        ));
                        c.transfer_leader(None).await?
                    }
                    Err(e) => return Err(e.into()),
                };
                out.note(format_args!(
                    "member {} leads now (term {})",
                    moved.new_leader, moved.term
                ));
                self.wait_leader_moved(out).await;
            }
            Step::RemoveOld => {
                c.remove_member(t.old, flags).await?;
            }
        }
        Ok(())
    }

    /// Until the members answering know that OLD no longer leads (a few seconds at most),
    /// so that the next step does not try to move leadership again.
    async fn wait_leader_moved(&self, out: &mut Out<'_>) {
        let give_up = Instant::now() + Duration::from_secs(5);
        while Instant::now() < give_up {
            match self.client.members().await {
                Ok((_, m)) if m.leader.is_some() && m.leader != Some(self.t.old) => return,
                Ok(_) => {}
                Err(e) => out.note(format_args!("{e}")),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn show_serve_line(&mut self, m: &MembersResponse, intro: &str, out: &mut Out<'_>) {
        if self.serve_line_shown {
            return;
        }
        self.serve_line_shown = true;
        let t = self.t;
        let leader = m
            .leader
            .and_then(|l| url_of(m, l))
            .unwrap_or_else(|| self.global.endpoints.join(","));
        let cacert = self.global.cacert.as_deref();
        let apart = peers_apart(m);
        out.note(format_args!(
            "{intro}:\n  {}",
            serve_line(t.new, &t.url, &leader, cacert, apart)
        ));
        if apart {
            out.note(format_args!(
                "({} is the new member's peer URL; replace CLIENT-ADDRESS with the address it serves clients on)",
                t.url
            ));
        }
        if let Some(cacert) = cacert {
            out.note(format_args!("{}", certificate_hint(t.new, &t.url, cacert)));
        }
    }
}

#[cfg(test)]
mod tests;
