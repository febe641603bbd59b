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
            crate::shown::shown(host)
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

mod inspect;
pub use inspect::{inspect, Inspection, Problem, Severity};

#[cfg(test)]
mod tests;
