//! `raftctl doctor`: what is wrong with the cluster or about to go wrong, each finding
//! with its evidence and the command that fixes it. Exit codes as `raftctl health`.
//!
//! This file gathers (every member in the membership and every endpoint, asked at once
//! for its status with storage, its member list, its metrics and its certificate),
//! runs the checks and prints them. The checks are pure functions over [`Facts`]:
//! `checks.rs`, `fsync.rs` and `certs.rs`. The quorum and member verdicts are
//! `health`'s own ([`health::assess`]), so the two commands cannot disagree.

mod certs;
mod checks;
mod fsync;
#[cfg(test)]
mod tests;

use std::time::Duration;

use serde::Serialize;

use super::args::{DoctorArgs, GlobalArgs, OutputFormat};
use super::error::{CliError, CliResult};
use super::health::{self, Answer, Verdict};
use super::output::Out;
use super::runtime;
use crate::api::types::{MembersResponse, StatusResponse};
use crate::client::{Client, ClientError};

/// How bad a check's finding is; the exit code follows the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    fn verdict(self) -> Verdict {
        match self {
            Level::Ok => Verdict::Healthy,
            Level::Warn => Verdict::Degraded,
            Level::Fail => Verdict::Unavailable,
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Level,
    /// One line.
    pub finding: String,
    /// The numbers behind the finding (an object; its fields depend on the check).
    pub evidence: serde_json::Value,
    /// What to do, with the exact raftctl command where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &'static str, verdict: Level, finding: String) -> Check {
        Check {
            name,
            verdict,
            finding,
            evidence: serde_json::json!({}),
            fix: None,
        }
    }

    fn evidence(mut self, evidence: serde_json::Value) -> Check {
        self.evidence = evidence;
        self
    }

    fn fix(mut self, fix: Option<String>) -> Check {
        self.fix = fix;
        self
    }
}

/// The thresholds the checks apply, as the JSON output shows them.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Thresholds {
    #[serde(serialize_with = "as_ms", rename = "fsync_p99_warn_ms")]
    pub fsync_p99_warn: Duration,
    pub disk_free_warn: f64,
    pub disk_free_fail: f64,
    pub data_file_ratio_warn: u64,
    pub data_file_min_mib: u64,
    pub leader_changes_warn: u64,
    #[serde(serialize_with = "as_ms", rename = "leader_window_ms")]
    pub leader_window: Duration,
    pub cert_warn_days: u32,
}

fn as_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl From<&DoctorArgs> for Thresholds {
    fn from(a: &DoctorArgs) -> Thresholds {
        Thresholds {
            fsync_p99_warn: a.fsync_p99_warn,
            disk_free_warn: a.disk_free_warn,
            disk_free_fail: a.disk_free_fail,
            data_file_ratio_warn: a.data_file_ratio_warn,
            data_file_min_mib: a.data_file_min_mib,
            leader_changes_warn: a.leader_changes_warn,
            leader_window: a.leader_window,
            cert_warn_days: a.cert_warn_days,
        }
    }
}

/// What one member (or endpoint) said.
#[derive(Debug, Clone)]
pub struct Seen {
    /// From the member list; `None` for an endpoint outside it.
    pub id: Option<u64>,
    pub url: String,
    pub role: Option<String>,
    pub status: Result<StatusResponse, String>,
    pub members: Result<MembersResponse, String>,
    pub metrics: Result<String, String>,
}

impl Seen {
    /// `member 2`, or the URL of an endpoint that did not say who it is.
    fn label(&self) -> String {
        match (&self.status, self.id) {
            (Ok(s), _) => format!("member {}", s.id),
            (_, Some(id)) => format!("member {id}"),
            _ => self.url.clone(),
        }
    }
}

/// Everything the checks look at.
pub struct Facts {
    pub seen: Vec<Seen>,
    /// `health --cluster`'s report over the members in the membership.
    pub health: health::Report,
    /// The client flags to repeat in a fix (`--endpoints ...` and the TLS files).
    pub flags: String,
    /// The TLS file flags alone, for a fix aimed at one member's URL.
    pub tls_flags: String,
}

impl Facts {
    /// The statuses that came back.
    fn answered(&self) -> impl Iterator<Item = &StatusResponse> {
        self.seen.iter().filter_map(|s| s.status.as_ref().ok())
    }

    /// Whether the member `id` answered its status.
    fn reachable(&self, id: u64) -> bool {
        self.answered().any(|s| s.id == id)
    }

    /// The client flags aimed at the member at `url` alone.
    fn flags_for(&self, url: &str) -> String {
        format!("--endpoints {url}{}", self.tls_flags)
    }
}

/// What `doctor` prints as JSON.
#[derive(Debug, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub checks: Vec<Check>,
    pub thresholds: Thresholds,
}

/// Every check, in the order printed.
pub fn run_checks(f: &Facts, t: &Thresholds, certs: Check) -> Vec<Check> {
    vec![
        checks::quorum(f),
        checks::members(f),
        checks::snapshot_needed(f),
        checks::learners(f),
        fsync::fsync(f, t),
        checks::leader_changes(f, t),
        checks::disk(f, t),
        checks::data_file(f, t),
        certs,
        checks::membership(f),
    ]
}

/// Runs `raftctl doctor`.
pub fn run(args: &DoctorArgs, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let thresholds = Thresholds::from(args);
    let rt = runtime()?;
    let (facts, certs) = rt.block_on(async {
        let facts = gather(&client, global).await?;
        let certs = gather_certs(&client, global, &facts, &thresholds).await;
        Ok::<_, CliError>((facts, certs))
    })?;
    let checks = run_checks(&facts, &thresholds, certs);
    let verdict = checks
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Level::Ok)
        .verdict();
    let reasons: Vec<String> = checks
        .iter()
        .filter(|c| c.verdict != Level::Ok)
        .map(|c| format!("{}: {}", c.name, c.finding))
        .collect();
    let report = Report {
        verdict,
        checks,
        thresholds,
    };
    match global.output {
        OutputFormat::Json => out.json(&report)?,
        OutputFormat::Table => print(&report, out)?,
    }
    health::exit(verdict, &reasons)
}

/// Asks every member in the membership, and every endpoint outside it, everything the
/// checks need, all at once.
async fn gather(client: &Client, global: &GlobalArgs) -> Result<Facts, CliError> {
    let mut targets = health::targets(client, true).await?;
    let in_membership = targets.len();
    let known: Vec<String> = targets.iter().map(|t| same_url(&t.1)).collect();
    for url in client.endpoints() {
        if !known.contains(&same_url(&url)) {
            targets.push((None, url, None));
        }
    }
    let asked = targets.iter().map(|(_, url, _)| async move {
        let (status, members, metrics) = tokio::join!(
            client.status_with_storage_of(url),
            client.members_of(url),
            client.metrics_of(url)
        );
        let text = |e: ClientError| e.to_string();
        (
            status.map_err(text),
            members.map_err(text),
            metrics.map_err(text),
        )
    });
    let answers = futures_util::future::join_all(asked).await;
    let seen: Vec<Seen> = targets
        .into_iter()
        .zip(answers)
        .map(|((id, url, role), (status, members, metrics))| Seen {
            id,
            url,
            role,
            status,
            members,
            metrics,
        })
        .collect();
    // Quorum and member health count the membership only: an endpoint outside it
    // (a removed member still running) has no vote.
    let health = health::assess(
        seen.iter()
            .take(in_membership)
            .map(|s| Answer {
                id: s.id,
                url: s.url.clone(),
                role: s.role.clone(),
                status: s.status.clone(),
            })
            .collect(),
        true,
    );
    let tls_flags = tls_flags(global);
    Ok(Facts {
        seen,
        health,
        flags: format!("--endpoints {}{tls_flags}", global.endpoints.join(",")),
        tls_flags,
    })
}

/// A URL as compared with another: without a trailing slash.
fn same_url(url: &str) -> String {
    url.trim_end_matches('/').to_ascii_lowercase()
}

/// ` --cacert F --cert F --key F`, for those given (never the token: a secret).
fn tls_flags(g: &GlobalArgs) -> String {
    let mut s = String::new();
    for (flag, file) in [
        ("--cacert", &g.cacert),
        ("--cert", &g.cert),
        ("--key", &g.key),
    ] {
        if let Some(f) = file {
            s.push_str(&format!(" {flag} {}", f.display()));
        }
    }
    s
}

/// The certificates check: the `--cacert` and `--cert` files, and what each member
/// presents in the TLS handshake.
async fn gather_certs(client: &Client, g: &GlobalArgs, f: &Facts, t: &Thresholds) -> Check {
    let now = time::OffsetDateTime::now_utc();
    let ca_dir = certs::ca_dir(g.cacert.as_deref());
    let mut seen = Vec::new();
    let mut problems = Vec::new();
    let files = [
        g.cacert
            .as_ref()
            .map(|p| (certs::Source::CaFile(p.display().to_string()), p)),
        g.cert
            .as_ref()
            .map(|p| (certs::Source::CertFile(p.display().to_string()), p)),
    ];
    for (source, path) in files.into_iter().flatten() {
        let read = crate::tls::pem::certificates(path).and_then(|ders| {
            let der = ders.first().ok_or("no certificate in the file")?;
            certs::read(&source, der.as_ref(), now, &ca_dir)
        });
        match read {
            Ok(s) => seen.push(s),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    let asked = f.seen.iter().map(|s| client.certificate_of(&s.url));
    for (s, got) in f
        .seen
        .iter()
        .zip(futures_util::future::join_all(asked).await)
    {
        let source = certs::Source::Member(s.url.clone());
        match got {
            Ok(Some(der)) => match certs::read(&source, &der, now, &ca_dir) {
                Ok(c) => seen.push(c),
                Err(e) => problems.push(format!("{}: {e}", s.url)),
            },
            Ok(None) => {}
            // A refused certificate is this check's business; an unreachable member is
            // the members check's.
            Err(ClientError::Tls(line)) => problems.push(line),
            Err(_) => {}
        }
    }
    certs::check(&seen, &problems, t)
}

/// The human form: one block per check, its verdict, name and finding, then the fix.
fn print(r: &Report, out: &mut Out) -> CliResult {
    for c in &r.checks {
        let mark = match c.verdict {
            Level::Ok => "ok",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        writeln!(out, "{mark:<5} {:<16} {}", c.name, c.finding)?;
        if let Some(fix) = &c.fix {
            writeln!(out, "{:<22} fix: {fix}", "")?;
        }
    }
    let verdict = match r.verdict {
        Verdict::Healthy => "healthy",
        Verdict::Degraded => "degraded",
        Verdict::Unavailable => "unavailable",
    };
    writeln!(out, "verdict: {verdict} (-o json shows the evidence)")
}
