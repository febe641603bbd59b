//! The `certificates` check of `raftctl doctor`: days to expiry of the files this
//! command was given (`--cacert`, `--cert`) and of the certificate each member presents
//! in the TLS handshake, each with the `raftctl cert` line that makes its successor.

use std::path::Path;

use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

use super::{Check, Level, Thresholds};
use crate::tls::identity::Identity;

/// Where a certificate was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Source {
    /// The `--cacert` file.
    CaFile(String),
    /// The `--cert` file.
    CertFile(String),
    /// What the member at this URL presented.
    Member(String),
}

/// A certificate as the check sees it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Seen {
    pub source: String,
    /// `member 2`, `client "ops" (admin)`, `CA`, or `none`.
    pub identity: String,
    pub not_after: String,
    pub days_left: i64,
    pub hosts: Vec<String>,
    #[serde(skip)]
    pub fix: Option<String>,
}

/// Reads a DER certificate found at `source`; `ca_dir` is the CA's directory for the
/// renewal command, when known.
pub(super) fn read(
    source: &Source,
    der: &[u8],
    now: OffsetDateTime,
    ca_dir: &str,
) -> Result<Seen, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("not a readable X.509 certificate: {e}"))?;
    let not_after = cert.validity().not_after.to_datetime();
    let days_left = (not_after - now).whole_days();
    let mut hosts = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        use x509_parser::extensions::GeneralName;
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(dns) => hosts.push((*dns).to_string()),
                GeneralName::IPAddress(b) => {
                    if let Some(ip) = ip_of(b) {
                        hosts.push(ip.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let identity = Identity::of_certificate(der).ok().flatten();
    let fix = match (&identity, source) {
        (_, Source::CaFile(file)) => Some(format!(
            "make a new CA (raftctl cert create-ca NEW_DIR) and issue every member and \
             client a certificate from it (raftctl cert create-member|create-client --ca \
             NEW_DIR) before {file} expires: nothing signed by it is trusted after"
        )),
        (Some(Identity::Member(id)), _) => Some(format!(
            "raftctl cert create-member --id {id} --host {} --ca {ca_dir} --force, then put \
             the files where member {id}'s --cert and --key point (it re-reads them when \
             they change)",
            if hosts.is_empty() {
                "HOST".to_string()
            } else {
                hosts.join(",")
            }
        )),
        (Some(Identity::Client { role, name }), _) => Some(format!(
            "raftctl cert create-client --name {name} --role {} --ca {ca_dir} --force",
            role.as_str()
        )),
        (None, _) => None,
    };
    let shown = match (&identity, source) {
        (Some(id), _) => id.to_string(),
        (None, _) if cert.is_ca() => "CA".to_string(),
        (None, _) => "none".to_string(),
    };
    Ok(Seen {
        source: match source {
            Source::CaFile(f) => format!("--cacert {f}"),
            Source::CertFile(f) => format!("--cert {f}"),
            Source::Member(url) => url.clone(),
        },
        identity: shown,
        not_after: not_after
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| not_after.to_string()),
        days_left,
        hosts,
        fix,
    })
}

fn ip_of(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

/// The directory of the CA for renewal commands: the `--cacert` file's directory when
/// it is named `ca.crt` (as `raftctl cert create-ca` writes it), else a placeholder.
pub(super) fn ca_dir(cacert: Option<&Path>) -> String {
    match cacert {
        Some(p)
            if p.file_name()
                .is_some_and(|n| n == crate::tls::cert::CA_CERT) =>
        {
            p.parent()
                .map(|d| d.display().to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| ".".into())
        }
        _ => "CA_DIR".into(),
    }
}

/// The check over every certificate seen, and what could not be read.
pub(super) fn check(seen: &[Seen], problems: &[String], t: &Thresholds) -> Check {
    const NAME: &str = "certificates";
    let warn_days = i64::from(t.cert_warn_days);
    let evidence = json!({
        "warn_within_days": warn_days,
        "certificates": seen,
        "problems": problems,
    });
    let worst = seen.iter().min_by_key(|s| s.days_left);
    let level_of = |s: &Seen| {
        if s.days_left < 0 {
            Level::Fail
        } else if s.days_left < warn_days {
            Level::Warn
        } else {
            Level::Ok
        }
    };
    // A member whose certificate this client refuses (expired, another CA) is a failure.
    if let Some(p) = problems.first() {
        return Check::new(NAME, Level::Fail, p.clone())
            .evidence(evidence)
            .fix(Some(
                "see what is wrong with it: raftctl cert inspect FILE --ca CA_DIR on that \
                 member's --cert; renew it: raftctl cert create-member --id ID --host HOST \
                 --ca CA_DIR --force"
                    .into(),
            ));
    }
    let Some(w) = worst else {
        return Check::new(
            NAME,
            Level::Ok,
            "not checked: no certificate in use (plain http:// endpoints)".into(),
        );
    };
    let level = level_of(w);
    let finding = match level {
        Level::Ok => format!(
            "{} certificate(s); the first to expire, {} of {}, has {} days left",
            seen.len(),
            w.identity,
            w.source,
            w.days_left
        ),
        Level::Warn => format!(
            "the certificate of {} ({}) expires in {} days, on {} (warn within {warn_days})",
            w.identity, w.source, w.days_left, w.not_after
        ),
        Level::Fail => format!(
            "the certificate of {} ({}) expired on {}",
            w.identity, w.source, w.not_after
        ),
    };
    let fix = (level != Level::Ok).then(|| w.fix.clone()).flatten();
    Check::new(NAME, level, finding).evidence(evidence).fix(fix)
}
