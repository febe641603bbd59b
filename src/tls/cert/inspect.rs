//! `raftctl cert inspect`: what a certificate file holds and what is wrong with it.

use super::*;

use x509_parser::certificate::X509Certificate;

/// How bad a problem `inspect` found is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Works today, needs attention soon.
    Warning,
    /// Members or clients will refuse this certificate.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub message: String,
}

/// What `inspect` found in a certificate file.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub file: String,
    pub subject: String,
    pub issuer: String,
    /// Hex pairs joined by colons.
    pub serial: String,
    /// `member 2`, `client "ci" (write)`, `none`, or why the identity is unreadable.
    pub identity: String,
    pub member_id: Option<NodeId>,
    #[serde(serialize_with = "role_name")]
    pub client_role: Option<Role>,
    pub client_name: Option<String>,
    /// DNS names and IP addresses the certificate is valid for.
    pub hosts: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    pub fingerprint_sha256: String,
    pub is_ca: bool,
    /// The CA file checked against, when one was given.
    pub ca: Option<String>,
    pub problems: Vec<Problem>,
}

impl Inspection {
    /// Whether any problem is worse than a warning.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

fn role_name<S: serde::Serializer>(role: &Option<Role>, s: S) -> Result<S::Ok, S::Error> {
    match role {
        Some(role) => s.serialize_str(role.as_str()),
        None => s.serialize_none(),
    }
}

/// Reads the first certificate of the PEM file `file` and says what it is and what is
/// wrong with it. `ca`: a CA certificate file, or a directory holding `ca.crt`, to check
/// the signature against.
pub fn inspect(file: &Path, ca: Option<&Path>) -> Result<Inspection, String> {
    inspect_at(file, ca, OffsetDateTime::now_utc())
}

pub(super) fn inspect_at(
    file: &Path,
    ca: Option<&Path>,
    now: OffsetDateTime,
) -> Result<Inspection, String> {
    let ders = read_certificates(file)?;
    let der = &ders[0];
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("{}: not a readable X.509 certificate: {e}", file.display()))?;
    let mut problems = Problems::default();

    let not_before = cert.validity().not_before.to_datetime();
    let not_after = cert.validity().not_after.to_datetime();
    if now > not_after {
        problems.error(format!("expired on {}", rfc3339(not_after)));
    } else if now < not_before {
        problems.error(format!("not yet valid: starts on {}", rfc3339(not_before)));
    }
    let named = Named::read(der, &cert, &mut problems);
    let hosts = hosts_of(&cert);
    check_usage(&cert, &named, &hosts, &mut problems);
    let ca_shown = match ca {
        None => None,
        Some(path) => Some(check_signed(&cert, path, &mut problems)?),
    };

    if ders.len() > 1 {
        problems.warning(format!(
            "the file holds {} certificates; only the first is shown",
            ders.len()
        ));
    }
    if now <= not_after && now + Duration::days(EXPIRY_WARNING_DAYS) > not_after {
        problems.warning(format!(
            "expires within {EXPIRY_WARNING_DAYS} days, on {}",
            rfc3339(not_after)
        ));
    }

    Ok(Inspection {
        file: file.display().to_string(),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string().to_uppercase(),
        identity: named.shown,
        member_id: named.member_id,
        client_role: named.client_role,
        client_name: named.client_name,
        hosts,
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        fingerprint_sha256: fingerprint(der),
        is_ca: cert.is_ca(),
        ca: ca_shown,
        problems: problems.0,
    })
}

/// The problems found so far, in the order they were found.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn error(&mut self, message: String) {
        self.push(Severity::Error, message);
    }

    fn warning(&mut self, message: String) {
        self.push(Severity::Warning, message);
    }

    fn push(&mut self, severity: Severity, message: String) {
        self.0.push(Problem { severity, message });
    }
}

/// The raftctl identity a certificate names, as shown and field by field.
struct Named {
    shown: String,
    member_id: Option<NodeId>,
    client_role: Option<Role>,
    client_name: Option<String>,
}

impl Named {
    /// Reads the identity of `der`; a certificate that names none (and is not a CA) or
    /// one that is unreadable is a problem.
    fn read(der: &[u8], cert: &X509Certificate<'_>, problems: &mut Problems) -> Named {
        let mut named = Named {
            shown: String::new(),
            member_id: None,
            client_role: None,
            client_name: None,
        };
        named.shown = match Identity::of_certificate(der) {
            Ok(Some(id)) => {
                match &id {
                    Identity::Member(n) => named.member_id = Some(*n),
                    Identity::Client { role, name } => {
                        named.client_role = Some(*role);
                        named.client_name = Some(name.clone());
                    }
                }
                id.to_string()
            }
            Ok(None) => {
                if !cert.is_ca() {
                    problems.error("names no raftctl identity (no urn:raftctl: URI name): members and clients refuse it".into());
                }
                "none".into()
            }
            Err(e) => {
                problems.error(format!("unusable identity: {e}"));
                format!("unreadable: {e}")
            }
        };
        named
    }
}

/// The DNS names and IP addresses a certificate is valid for.
fn hosts_of(cert: &X509Certificate<'_>) -> Vec<String> {
    let mut hosts = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        use x509_parser::extensions::GeneralName;
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(dns) => hosts.push((*dns).to_string()),
                GeneralName::IPAddress(bytes) => hosts.push(ip_text(bytes)),
                _ => {}
            }
        }
    }
    hosts
}

/// Whether the certificate may be used as what it names: a member needs hosts and both
/// TLS uses, a client the client use, and a CA names neither.
fn check_usage(
    cert: &X509Certificate<'_>,
    named: &Named,
    hosts: &[String],
    problems: &mut Problems,
) {
    let eku = cert.extended_key_usage().ok().flatten().map(|e| e.value);
    let (server_auth, client_auth) = match eku {
        Some(e) => (e.any || e.server_auth, e.any || e.client_auth),
        None => (true, true),
    };
    if named.member_id.is_some() {
        if hosts.is_empty() {
            problems.error(
                "a member certificate without hosts: no peer or client can verify it as a server"
                    .into(),
            );
        }
        if !server_auth || !client_auth {
            problems.error("a member certificate must allow both TLS server and client use (extended key usage)".into());
        }
    }
    if named.client_role.is_some() && !client_auth {
        problems
            .error("a client certificate must allow TLS client use (extended key usage)".into());
    }
    if cert.is_ca() && (named.member_id.is_some() || named.client_role.is_some()) {
        problems.error("a CA certificate must not also name a member or client".into());
    }
}

/// Checks that `cert` is signed by the CA in `path` (a file, or a directory holding
/// `ca.crt`); the CA file as shown.
fn check_signed(
    cert: &X509Certificate<'_>,
    path: &Path,
    problems: &mut Problems,
) -> Result<String, String> {
    let ca_file = if path.is_dir() {
        path.join(CA_CERT)
    } else {
        path.to_path_buf()
    };
    let cas = read_certificates(&ca_file)?;
    let signed = cas.iter().any(|ca_der| {
        x509_parser::parse_x509_certificate(ca_der).is_ok_and(|(_, ca_cert)| {
            ca_cert.subject().as_raw() == cert.issuer().as_raw()
                && cert.verify_signature(Some(ca_cert.public_key())).is_ok()
        })
    });
    if !signed {
        problems.error(format!("not signed by the CA in {}", ca_file.display()));
    }
    Ok(ca_file.display().to_string())
}

/// The certificates of a PEM file; a clear error for a key file or anything else.
fn read_certificates(file: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = crate::tls::pem::read(file, "certificate file")?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: not a PEM certificate file ({e})", file.display()))?;
    if !certs.is_empty() {
        return Ok(certs);
    }
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("PRIVATE KEY-----") {
        return Err(format!(
            "{} holds a private key, not a certificate (inspect the .crt file next to it)",
            file.display()
        ));
    }
    Err(format!(
        "{}: holds no certificate (expected -----BEGIN CERTIFICATE-----)",
        file.display()
    ))
}

fn ip_text(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        IpAddr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        IpAddr::from(v6).to_string()
    } else {
        format!("<{} bytes>", bytes.len())
    }
}
