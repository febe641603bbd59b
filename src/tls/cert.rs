//! Certificates made by `raftctl cert`: the cluster CA, member and client certificates,
//! and reading a certificate back to say what it is and what is wrong with it.
//!
//! Every key is ECDSA P-256. Files are PEM: `ca.crt`/`ca.key`, `member-<id>.crt`/`.key`,
//! `client-<name>.crt`/`.key`. Keys are written mode 0600, certificates 0644.
//!
//! Nothing is overwritten unless asked ([`Options::force`]). Every file is written to a
//! temporary file in the same directory with its final mode, flushed to disk, then moved
//! into place in one step, so a reader sees the old file or the new one, never part of
//! one. A key and its certificate are two files, so they cannot change together: the key
//! is moved into place first and the certificate last. The certificate is the commit
//! point: a member that re-reads its pair between the two moves (or after a crash between
//! them) finds a key that does not match its certificate, and keeps the pair it has
//! (see [`super::pem::certified_key`]); running the command again with `--force` repairs
//! the pair.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::net::IpAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rand::RngCore;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SanType, SerialNumber,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::identity::{check_client_name, Identity, Role};
use crate::raft::{NodeId, MAX_INDEX};

/// The CA certificate's file name in a CA directory.
pub const CA_CERT: &str = "ca.crt";
/// The CA key's file name in a CA directory.
pub const CA_KEY: &str = "ca.key";
/// Days a new CA is valid by default.
pub const DEFAULT_CA_DAYS: u32 = 3650;
/// Days a new member or client certificate is valid by default.
pub const DEFAULT_LEAF_DAYS: u32 = 365;
/// Longest validity `--days` accepts (about 100 years).
pub const MAX_DAYS: u32 = 36500;
/// How far in the past a new certificate starts, so that a member whose clock is a
/// little behind accepts it at once.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// `inspect` warns when a certificate expires within this many days.
pub const EXPIRY_WARNING_DAYS: i64 = 30;
/// Longest DNS name in a certificate.
pub const MAX_HOST_LEN: usize = 253;

/// When a new certificate is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

impl Validity {
    /// From [`CLOCK_SKEW`] ago until `days` days from now; `days` in 1..=[`MAX_DAYS`].
    pub fn days(days: u32) -> Result<Validity, String> {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(format!(
                "a validity of {days} days is out of range (1 to {MAX_DAYS})"
            ));
        }
        let now = OffsetDateTime::now_utc();
        Ok(Validity {
            not_before: now - CLOCK_SKEW,
            not_after: now + Duration::days(i64::from(days)),
        })
    }
}

/// How to write a new certificate and key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub validity: Validity,
    /// Replace existing files instead of refusing.
    pub force: bool,
}

/// What a `create_*` call wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// `member 2`, `client "ci" (write)`, or `CA`.
    pub identity: String,
    pub subject: String,
    pub not_before: String,
    pub not_after: String,
    pub fingerprint_sha256: String,
    /// Whether existing files were replaced.
    pub replaced: bool,
    /// Things to know about what was written, e.g. that it outlives its CA.
    pub warnings: Vec<String>,
}

/// Makes a new CA: a P-256 key and a self-signed CA certificate, written to
/// `dir/ca.crt` and `dir/ca.key`. `dir` is created (mode 0700) if missing.
pub fn create_ca(dir: &Path, opts: &Options) -> Result<Written, String> {
    let cert_path = dir.join(CA_CERT);
    let key_path = dir.join(CA_KEY);
    let replaced = check_targets(&[&key_path, &cert_path], opts.force)?;

    let mut tag = [0u8; 4];
    rand::rngs::OsRng.fill_bytes(&mut tag);
    let subject = format!("raftctl CA {}", hex(&tag, ""));
    let mut params = base_params(&subject, &opts.validity)?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];

    let key = new_key()?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| format!("cannot sign the CA certificate: {e}"))?;

    make_dir(dir)?;
    write_pair(&key_path, &key, &cert_path, cert.der(), opts.force)?;
    Ok(written(
        cert_path,
        key_path,
        "CA".into(),
        subject,
        cert.der(),
        &opts.validity,
        replaced,
    ))
}

/// Makes member `id`'s certificate and key, signed by the CA in `ca_dir`, written to
/// `out_dir/member-<id>.crt` and `.key`. `hosts` (at least one) are the names and
/// addresses other members and clients reach it at: each is an IP address SAN if it
/// parses as one, else a DNS name SAN.
pub fn create_member(
    ca_dir: &Path,
    out_dir: &Path,
    id: NodeId,
    hosts: &[String],
    opts: &Options,
) -> Result<Written, String> {
    if !(1..=MAX_INDEX).contains(&id) {
        return Err(format!("member id {id} is not in 1..={MAX_INDEX}"));
    }
    if hosts.is_empty() {
        return Err(
            "a member certificate needs at least one host (the names and addresses peers and clients dial)"
                .into(),
        );
    }
    let mut sans = Vec::new();
    let mut seen = Vec::new();
    for host in hosts {
        let san = host_san(host)?;
        if !seen.contains(host) {
            seen.push(host.clone());
            sans.push(san);
        }
    }
    let identity = Identity::Member(id);
    let subject = format!("raftctl member {id}");
    let (cert_path, key_path) = (
        out_dir.join(format!("member-{id}.crt")),
        out_dir.join(format!("member-{id}.key")),
    );
    create_leaf(
        ca_dir,
        LeafPlan {
            cert_path,
            key_path,
            subject,
            identity,
            hosts: sans,
            usages: vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
        },
        opts,
    )
}

/// Makes the certificate and key of client `name` with `role`, signed by the CA in
/// `ca_dir`, written to `out_dir/client-<name>.crt` and `.key`.
pub fn create_client(
    ca_dir: &Path,
    out_dir: &Path,
    name: &str,
    role: Role,
    opts: &Options,
) -> Result<Written, String> {
    check_client_name(name)?;
    let identity = Identity::Client {
        role,
        name: name.to_owned(),
    };
    create_leaf(
        ca_dir,
        LeafPlan {
            cert_path: out_dir.join(format!("client-{name}.crt")),
            key_path: out_dir.join(format!("client-{name}.key")),
            subject: name.to_owned(),
            identity,
            hosts: Vec::new(),
            usages: vec![ExtendedKeyUsagePurpose::ClientAuth],
        },
        opts,
    )
}

struct LeafPlan {
    cert_path: PathBuf,
    key_path: PathBuf,
    subject: String,
    identity: Identity,
    hosts: Vec<SanType>,
    usages: Vec<ExtendedKeyUsagePurpose>,
}

fn create_leaf(ca_dir: &Path, plan: LeafPlan, opts: &Options) -> Result<Written, String> {
    let replaced = check_targets(&[&plan.key_path, &plan.cert_path], opts.force)?;
    let (ca_der, ca_key, ca_end) = load_ca(ca_dir)?;
    let issuer = Issuer::from_ca_cert_der(&ca_der, &ca_key).map_err(|e| {
        format!(
            "{}: cannot sign with this CA certificate: {e}",
            ca_dir.join(CA_CERT).display()
        )
    })?;

    let mut params = base_params(&plan.subject, &opts.validity)?;
    let uri = plan
        .identity
        .uri()
        .try_into()
        .map_err(|e| format!("cannot put {} in a certificate: {e}", plan.identity.uri()))?;
    params.subject_alt_names = vec![SanType::URI(uri)];
    params.subject_alt_names.extend(plan.hosts);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = plan.usages;
    params.use_authority_key_identifier_extension = true;

    let key = new_key()?;
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(|e| format!("cannot sign the certificate of {}: {e}", plan.identity))?;

    if let Some(parent) = plan.cert_path.parent() {
        make_dir(parent)?;
    }
    write_pair(
        &plan.key_path,
        &key,
        &plan.cert_path,
        cert.der(),
        opts.force,
    )?;
    let mut out = written(
        plan.cert_path,
        plan.key_path,
        plan.identity.to_string(),
        plan.subject,
        cert.der(),
        &opts.validity,
        replaced,
    );
    if opts.validity.not_after > ca_end {
        out.warnings.push(format!(
            "the certificate outlives its CA, which expires on {}: it is refused from then on",
            rfc3339(ca_end)
        ));
    }
    Ok(out)
}

fn base_params(common_name: &str, validity: &Validity) -> Result<CertificateParams, String> {
    if validity.not_after <= validity.not_before {
        return Err("the certificate would end before it starts".into());
    }
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    params.not_before = validity.not_before;
    params.not_after = validity.not_after;
    // 16 random bytes, the first below 0x80 so the DER integer stays positive and 16
    // bytes long; never all zero.
    let mut serial = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut serial);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    Ok(params)
}

fn new_key() -> Result<KeyPair, String> {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| format!("cannot make a P-256 key: {e}"))
}

/// The CA certificate (DER) and key of `ca_dir`, checked to be a CA and to belong
/// together.
fn load_ca(ca_dir: &Path) -> Result<(CertificateDer<'static>, KeyPair, OffsetDateTime), String> {
    let cert_path = ca_dir.join(CA_CERT);
    let key_path = ca_dir.join(CA_KEY);
    for path in [&cert_path, &key_path] {
        if !path.is_file() {
            return Err(format!(
                "no CA at {}: {} is missing (make one with `raftctl cert create-ca {}`)",
                ca_dir.display(),
                path.display(),
                ca_dir.display()
            ));
        }
    }
    let der = super::pem::certificates(&cert_path)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: holds no certificate", cert_path.display()))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(&der).map_err(|e| {
        format!(
            "{}: not a readable X.509 certificate: {e}",
            cert_path.display()
        )
    })?;
    if !parsed.is_ca() {
        return Err(format!(
            "{}: is not a CA certificate (no basic constraints CA:true)",
            cert_path.display()
        ));
    }
    if let Ok(Some(usage)) = parsed.key_usage() {
        if !usage.value.key_cert_sign() {
            return Err(format!(
                "{}: the CA certificate's key usage does not allow signing certificates",
                cert_path.display()
            ));
        }
    }
    let ca_end = parsed.validity().not_after.to_datetime();
    if ca_end < OffsetDateTime::now_utc() {
        return Err(format!(
            "{}: the CA expired on {}; make a new one with `raftctl cert create-ca`",
            cert_path.display(),
            rfc3339(ca_end)
        ));
    }
    let key_pem = String::from_utf8(super::pem::read(&key_path, "CA key")?)
        .map_err(|_| format!("{}: not a PEM file (not text)", key_path.display()))?;
    let key = KeyPair::from_pem(&key_pem).map_err(|e| {
        format!(
            "{}: holds no usable private key (expected -----BEGIN PRIVATE KEY-----): {e}",
            key_path.display()
        )
    })?;
    if key.subject_public_key_info() != parsed.tbs_certificate.subject_pki.raw {
        return Err(format!(
            "{} does not belong to the CA certificate in {}",
            key_path.display(),
            cert_path.display()
        ));
    }
    Ok((der, key, ca_end))
}

/// Checks a host for a member certificate: an IP address, or a DNS name of letters,
/// digits and hyphens in dot-separated labels of 1 to 63 (no label starting or ending
/// with a hyphen, the last one not all digits), at most 253 in all.
pub fn check_host(host: &str) -> Result<(), String> {
    host_san(host).map(|_| ())
}

fn host_san(host: &str) -> Result<SanType, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SanType::IpAddress(ip));
    }
    let bad = |why: &str| {
        Err(format!(
            "host {:?} is neither an IP address nor a DNS name: {why}",
            crate::cli::output::shown(host)
        ))
    };
    if host.is_empty() {
        return bad("it is empty");
    }
    if host.len() > MAX_HOST_LEN {
        return bad("longer than 253 characters");
    }
    for label in host.split('.') {
        if label.is_empty() || label.len() > 63 {
            return bad("each dot-separated part must be 1 to 63 characters");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return bad("only letters, digits, hyphens and dots are allowed");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad("a part must not start or end with a hyphen");
        }
    }
    if host
        .rsplit('.')
        .next()
        .is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()))
    {
        return bad("its last part is all digits (a mistyped IP address?)");
    }
    let name = host
        .to_owned()
        .try_into()
        .map_err(|e| format!("host {host:?}: {e}"))?;
    Ok(SanType::DnsName(name))
}

/// `Ok(true)` if some target exists and `force` allows replacing it; an error naming
/// the first existing one otherwise.
fn check_targets(paths: &[&Path], force: bool) -> Result<bool, String> {
    let mut any = false;
    for path in paths {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(format!("{} is a directory", path.display()));
            }
            Ok(_) if !force => {
                return Err(format!(
                    "{} already exists; pass --force to replace it",
                    path.display()
                ));
            }
            Ok(_) => any = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot check {}: {e}", path.display())),
        }
    }
    Ok(any)
}

fn make_dir(dir: &Path) -> Result<(), String> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create directory {}: {e}", dir.display()))
}

fn write_pair(
    key_path: &Path,
    key: &KeyPair,
    cert_path: &Path,
    cert_der: &[u8],
    force: bool,
) -> Result<(), String> {
    let cert_pem = pem_block("CERTIFICATE", cert_der);
    // The key first, the certificate last: see the module documentation.
    put_file(key_path, key.serialize_pem().as_bytes(), 0o600, force)?;
    put_file(cert_path, cert_pem.as_bytes(), 0o644, force)
}

fn pem_block(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Writes `bytes` to `path` with `mode` through a temporary file in the same directory:
/// moved over an existing file with `replace`, else linked into place only if `path`
/// does not exist (so a file made meanwhile is never overwritten).
pub(crate) fn put_file(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{} names no file", path.display()))?;
    let mut tag = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut tag);
    let tmp = dir.join(format!(".{name}.tmp-{}", hex(&tag, "")));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
            .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        if replace {
            std::fs::rename(&tmp, path)
        } else {
            std::fs::hard_link(&tmp, path)
        }
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; pass --force to replace it",
                path.display()
            ),
            _ => format!("cannot write {}: {e}", path.display()),
        })
    })();
    // After a rename the temporary name is gone already; after a link or an error it
    // is removed here.
    let _ = std::fs::remove_file(&tmp);
    result?;
    // Make the new directory entry durable too; not every file system allows syncing a
    // directory, and the file itself is on disk already.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn written(
    cert: PathBuf,
    key: PathBuf,
    identity: String,
    subject: String,
    der: &[u8],
    validity: &Validity,
    replaced: bool,
) -> Written {
    Written {
        cert,
        key,
        identity,
        subject,
        not_before: rfc3339(validity.not_before),
        not_after: rfc3339(validity.not_after),
        fingerprint_sha256: fingerprint(der),
        replaced,
        warnings: Vec::new(),
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    // Whole seconds, as certificates store them.
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// The SHA-256 fingerprint of a DER certificate: upper-case hex pairs joined by colons.
pub fn fingerprint(der: &[u8]) -> String {
    hex(
        ring::digest::digest(&ring::digest::SHA256, der).as_ref(),
        ":",
    )
}

fn hex(bytes: &[u8], sep: &str) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        let _ = write!(out, "{b:02X}");
    }
    if sep.is_empty() {
        out.make_ascii_lowercase();
    }
    out
}

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

fn inspect_at(file: &Path, ca: Option<&Path>, now: OffsetDateTime) -> Result<Inspection, String> {
    let ders = read_certificates(file)?;
    let der = &ders[0];
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("{}: not a readable X.509 certificate: {e}", file.display()))?;
    let mut problems = Vec::new();
    let mut error = |message: String| {
        problems.push(Problem {
            severity: Severity::Error,
            message,
        })
    };

    let not_before = cert.validity().not_before.to_datetime();
    let not_after = cert.validity().not_after.to_datetime();
    if now > not_after {
        error(format!("expired on {}", rfc3339(not_after)));
    } else if now < not_before {
        error(format!("not yet valid: starts on {}", rfc3339(not_before)));
    }

    let (mut member_id, mut client_role, mut client_name) = (None, None, None);
    let identity = match Identity::of_certificate(der) {
        Ok(Some(id)) => {
            match &id {
                Identity::Member(n) => member_id = Some(*n),
                Identity::Client { role, name } => {
                    client_role = Some(*role);
                    client_name = Some(name.clone());
                }
            }
            id.to_string()
        }
        Ok(None) => {
            if !cert.is_ca() {
                error("names no raftctl identity (no urn:raftctl: URI name): members and clients refuse it".into());
            }
            "none".into()
        }
        Err(e) => {
            error(format!("unusable identity: {e}"));
            format!("unreadable: {e}")
        }
    };

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

    let eku = cert.extended_key_usage().ok().flatten().map(|e| e.value);
    let (server_auth, client_auth) = match eku {
        Some(e) => (e.any || e.server_auth, e.any || e.client_auth),
        None => (true, true),
    };
    if member_id.is_some() {
        if hosts.is_empty() {
            error(
                "a member certificate without hosts: no peer or client can verify it as a server"
                    .into(),
            );
        }
        if !server_auth || !client_auth {
            error("a member certificate must allow both TLS server and client use (extended key usage)".into());
        }
    }
    if client_role.is_some() && !client_auth {
        error("a client certificate must allow TLS client use (extended key usage)".into());
    }
    if cert.is_ca() && (member_id.is_some() || client_role.is_some()) {
        error("a CA certificate must not also name a member or client".into());
    }

    let ca_shown = match ca {
        None => None,
        Some(path) => {
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
                error(format!("not signed by the CA in {}", ca_file.display()));
            }
            Some(ca_file.display().to_string())
        }
    };

    if ders.len() > 1 {
        problems.push(Problem {
            severity: Severity::Warning,
            message: format!(
                "the file holds {} certificates; only the first is shown",
                ders.len()
            ),
        });
    }
    if now <= not_after && now + Duration::days(EXPIRY_WARNING_DAYS) > not_after {
        problems.push(Problem {
            severity: Severity::Warning,
            message: format!(
                "expires within {EXPIRY_WARNING_DAYS} days, on {}",
                rfc3339(not_after)
            ),
        });
    }

    Ok(Inspection {
        file: file.display().to_string(),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string().to_uppercase(),
        identity,
        member_id,
        client_role,
        client_name,
        hosts,
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        fingerprint_sha256: fingerprint(der),
        is_ca: cert.is_ca(),
        ca: ca_shown,
        problems,
    })
}

/// The certificates of a PEM file; a clear error for a key file or anything else.
fn read_certificates(file: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = super::pem::read(file, "certificate file")?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn opts(days: u32) -> Options {
        Options {
            validity: Validity::days(days).expect("days"),
            force: false,
        }
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn a_ca_signs_members_and_clients_that_name_themselves() {
        let tmp = tempfile::tempdir().expect("tmp");
        let ca_dir = tmp.path().join("ca");
        let ca = create_ca(&ca_dir, &opts(DEFAULT_CA_DAYS)).expect("ca");
        assert_eq!(mode(&ca_dir), 0o700);
        assert_eq!(mode(&ca.key), 0o600);
        assert_eq!(mode(&ca.cert), 0o644);

        let hosts = vec!["10.0.0.2".to_string(), "node-2.example".to_string()];
        let m = create_member(&ca_dir, &ca_dir, 2, &hosts, &opts(30)).expect("member");
        let seen = inspect(&m.cert, Some(&ca_dir)).expect("inspect");
        assert_eq!(seen.member_id, Some(2));
        assert_eq!(seen.hosts, hosts);
        assert_eq!(seen.subject, "CN=raftctl member 2");
        assert!(!seen.is_ca);
        assert_eq!(seen.fingerprint_sha256, m.fingerprint_sha256);
        // 30 days: valid, with a warning only.
        assert!(!seen.has_errors(), "{:?}", seen.problems);
        assert!(seen.problems[0].message.contains("expires within"));

        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        let long = create_client(&ca_dir, &ca_dir, "long", Role::Read, &opts(4000)).expect("long");
        assert!(
            long.warnings[0].contains("outlives its CA"),
            "{:?}",
            long.warnings
        );

        let c = create_client(&ca_dir, &ca_dir, "ci", Role::Write, &opts(365)).expect("client");
        let seen = inspect(&c.cert, Some(&ca.cert)).expect("inspect");
        assert_eq!(seen.client_role, Some(Role::Write));
        assert_eq!(seen.client_name.as_deref(), Some("ci"));
        assert!(seen.problems.is_empty(), "{:?}", seen.problems);

        let seen = inspect(&ca.cert, Some(&ca.cert)).expect("inspect ca");
        assert!(
            seen.is_ca && seen.problems.is_empty(),
            "{:?}",
            seen.problems
        );
        assert!(seen.subject.starts_with("CN=raftctl CA "));
    }

    #[test]
    fn another_ca_and_time_are_problems() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        create_ca(&a, &opts(10)).expect("ca a");
        create_ca(&b, &opts(10)).expect("ca b");
        let m = create_member(&a, &a, 1, &["localhost".into()], &opts(5)).expect("m");
        let seen = inspect(&m.cert, Some(&b)).expect("inspect");
        assert!(seen.has_errors());
        assert!(seen
            .problems
            .iter()
            .any(|p| p.message.contains("not signed by")));

        let later = OffsetDateTime::now_utc() + Duration::days(6);
        let seen = inspect_at(&m.cert, Some(&a), later).expect("inspect");
        assert!(seen
            .problems
            .iter()
            .any(|p| p.message.starts_with("expired")));
        let earlier = OffsetDateTime::now_utc() - Duration::hours(1);
        let seen = inspect_at(&m.cert, None, earlier).expect("inspect");
        assert!(seen.problems[0].message.starts_with("not yet valid"));
    }

    #[test]
    fn files_are_never_overwritten_without_force() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path();
        let ca = create_ca(dir, &opts(10)).expect("ca");
        let before = std::fs::read(&ca.cert).expect("read");
        let err = create_ca(dir, &opts(10)).expect_err("refused");
        assert!(err.contains("already exists; pass --force"), "{err}");
        assert_eq!(std::fs::read(&ca.cert).expect("read"), before);

        let forced = Options {
            force: true,
            ..opts(10)
        };
        let again = create_ca(dir, &forced).expect("forced");
        assert!(again.replaced);
        assert_ne!(std::fs::read(&ca.cert).expect("read"), before);
        assert_eq!(mode(&ca.key), 0o600);
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_ca_key_of_another_ca_is_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        create_ca(&a, &opts(10)).expect("ca a");
        create_ca(&b, &opts(10)).expect("ca b");
        std::fs::copy(b.join(CA_KEY), a.join(CA_KEY)).expect("copy");
        let err = create_client(&a, &a, "x", Role::Read, &opts(1)).expect_err("mismatch");
        assert!(
            err.contains("does not belong to the CA certificate"),
            "{err}"
        );
        std::fs::write(a.join(CA_CERT), "garbage").expect("write");
        let err = create_client(&a, &a, "x", Role::Read, &opts(1)).expect_err("garbled");
        assert!(err.contains("ca.crt"), "{err}");
        let err = create_client(&tmp.path().join("none"), &a, "x", Role::Read, &opts(1))
            .expect_err("missing");
        assert!(err.contains("no CA at"), "{err}");
        assert!(!a.join("client-x.crt").exists());
    }

    #[test]
    fn hosts_and_inputs_are_checked() {
        for good in ["localhost", "a-b.example.com", "10.1.2.3", "::1", "x1"] {
            assert!(check_host(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a..b",
            "a_b",
            "10.0.0.300",
            "a b",
            "*.example",
            &"a".repeat(64),
        ] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
        assert!(Validity::days(0).is_err());
        assert!(Validity::days(MAX_DAYS + 1).is_err());
        let tmp = tempfile::tempdir().expect("tmp");
        create_ca(tmp.path(), &opts(10)).expect("ca");
        let d = tmp.path();
        assert!(create_member(d, d, 0, &["h".into()], &opts(1)).is_err());
        assert!(create_member(d, d, 1, &[], &opts(1)).is_err());
        assert!(create_client(d, d, "a/b", Role::Read, &opts(1)).is_err());
        assert!(!d.join("member-0.crt").exists());
    }

    #[test]
    fn a_file_made_meanwhile_is_not_overwritten() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("x.crt");
        std::fs::write(&path, "theirs").expect("write");
        let err = put_file(&path, b"ours", 0o644, false).expect_err("exists");
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), b"theirs");
        put_file(&path, b"ours", 0o600, true).expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"ours");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_dir(tmp.path()).expect("ls").count(), 1);
    }

    #[test]
    fn an_expired_ca_signs_nothing() {
        let tmp = tempfile::tempdir().expect("tmp");
        let now = OffsetDateTime::now_utc();
        let past = Options {
            validity: Validity {
                not_before: now - Duration::days(3),
                not_after: now - Duration::days(1),
            },
            force: false,
        };
        create_ca(tmp.path(), &past).expect("ca");
        let err = create_client(tmp.path(), tmp.path(), "x", Role::Read, &opts(1))
            .expect_err("expired CA");
        assert!(err.contains("the CA expired on"), "{err}");
    }

    #[test]
    fn a_key_file_is_named_as_such() {
        let tmp = tempfile::tempdir().expect("tmp");
        let ca = create_ca(tmp.path(), &opts(10)).expect("ca");
        let err = inspect(&ca.key, None).expect_err("key");
        assert!(err.contains("holds a private key"), "{err}");
    }
}
