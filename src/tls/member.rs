//! A member's TLS: its certificate and key, the cluster CA, and the rustls settings of
//! its listener and of its connections to peers, all reading the *current* files.
//!
//! [`MemberTls`] holds the loaded material behind a lock. The listener's certificate
//! resolver and client verifier, and each peer connection's certificate resolver and
//! server verifier, look it up on every handshake: [`MemberTls::reload`] (on SIGHUP or
//! when the files change) swaps it, and every new connection uses the
//! new certificate and CA while open connections carry on. A reload that fails (a
//! half-written file, a key that does not match the certificate, a certificate that
//! names another member) keeps the previous material and says why.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::{pem, provider, Identity};
use crate::raft::NodeId;

/// How often a serving member looks at the files' modification times.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// Where a member's TLS files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The cluster CA certificate(s), PEM: signs every member and client certificate.
    pub ca: PathBuf,
    /// This member's certificate (chain), PEM.
    pub cert: PathBuf,
    /// Its private key, PEM.
    pub key: PathBuf,
    /// Certificates no longer accepted although signed by the CA: SHA-256 fingerprints,
    /// one per line (as `raftctl cert inspect` shows them; colons optional), `#` comments.
    pub revoked: Option<PathBuf>,
}

impl TlsFiles {
    fn stamp(&self) -> Vec<Option<SystemTime>> {
        [
            Some(&self.ca),
            Some(&self.cert),
            Some(&self.key),
            self.revoked.as_ref(),
        ]
        .iter()
        .flatten()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
    }
}

/// What one load of the files gave.
struct Material {
    key: Arc<CertifiedKey>,
    client_verifier: Arc<dyn ClientCertVerifier>,
    server_verifier: Arc<WebPkiServerVerifier>,
    /// Fingerprints of revoked certificates.
    revoked: HashSet<[u8; 32]>,
    /// Modification times when loaded, to notice changes.
    stamp: Vec<Option<SystemTime>>,
    /// Shown in logs: the certificate's end of validity and fingerprint.
    summary: String,
}

/// A member's TLS material, reloadable while it serves.
pub struct MemberTls {
    id: NodeId,
    files: TlsFiles,
    current: RwLock<Arc<Material>>,
}

impl std::fmt::Debug for MemberTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberTls")
            .field("id", &self.id)
            .field("files", &self.files)
            .finish()
    }
}

impl MemberTls {
    /// Loads the files for member `id`: refused unless the key matches the certificate,
    /// the certificate is signed by the CA and names exactly this member.
    pub fn load(id: NodeId, files: TlsFiles) -> Result<Arc<MemberTls>, String> {
        let material = load_material(id, &files)?;
        Ok(Arc::new(MemberTls {
            id,
            files,
            current: RwLock::new(Arc::new(material)),
        }))
    }

    fn material(&self) -> Arc<Material> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The files this member reads.
    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    /// One line about the certificate in use (for logs).
    pub fn summary(&self) -> String {
        self.material().summary.clone()
    }

    /// Reads the files again. `Ok(true)`: new material in use; `Ok(false)`: nothing
    /// changed; `Err`: the files are unusable and the previous material stays.
    pub fn reload(&self, force: bool) -> Result<bool, String> {
        let old = self.material();
        if !force && old.stamp == self.files.stamp() {
            return Ok(false);
        }
        let new = load_material(self.id, &self.files)?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(new);
        Ok(true)
    }

    /// Checks a client's certificate chain again against the current CA and revocation
    /// list: a resumed TLS session skips the check the handshake made, and the files
    /// may have changed since (a revoked client must not come back on an old ticket).
    pub fn recheck_client(&self, chain: &[CertificateDer<'static>]) -> Result<(), String> {
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Ok(());
        };
        let material = self.material();
        material
            .client_verifier
            .verify_client_cert(leaf, intermediates, UnixTime::now())
            .map_err(|e| e.to_string())?;
        if material.revoked.contains(&fingerprint(leaf)) {
            return Err("the certificate is revoked".into());
        }
        Ok(())
    }

    /// The listener's settings: TLS 1.2 and 1.3, HTTP/1.1, a client certificate asked
    /// for but not required (clients may prove themselves with a token instead; the
    /// routes decide who may do what), sessions resumed by cache and tickets.
    pub fn server_config(self: &Arc<Self>) -> Result<Arc<rustls::ServerConfig>, String> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS settings: {e}"))?
            .with_client_cert_verifier(Arc::new(LiveClientVerifier(self.clone())))
            .with_cert_resolver(Arc::new(LiveCert(self.clone())));
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config.session_storage = rustls::server::ServerSessionMemoryCache::new(4096);
        config.ticketer = rustls::crypto::ring::Ticketer::new()
            .map_err(|e| format!("TLS session tickets: {e}"))?;
        Ok(Arc::new(config))
    }

    /// The settings of connections to member `peer`: its certificate must be signed by
    /// the CA, valid for the host in its URL, and name member `peer`; this member shows
    /// its own certificate.
    pub fn peer_client_config(
        self: &Arc<Self>,
        peer: NodeId,
    ) -> Result<rustls::ClientConfig, String> {
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS settings: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PeerVerifier {
                tls: self.clone(),
                peer,
            }))
            .with_client_cert_resolver(Arc::new(LiveCert(self.clone())));
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn load_material(id: NodeId, files: &TlsFiles) -> Result<Material, String> {
    // Stamp first: a file changed while being read is read again at the next look.
    let stamp = files.stamp();
    let roots = pem::roots(&files.ca)?;
    let key = pem::certified_key(&files.cert, &files.key)?;
    let leaf = key
        .cert
        .first()
        .ok_or_else(|| format!("{}: holds no certificate", files.cert.display()))?;
    match Identity::of_certificate(leaf) {
        Ok(Some(Identity::Member(named))) if named == id => {}
        Ok(Some(other)) => {
            return Err(format!(
                "{} names {other}, not member {id}: make one with `raftctl cert create-member --id {id}`",
                files.cert.display()
            ))
        }
        Ok(None) => {
            return Err(format!(
                "{} names no member (no urn:raftctl:member:{id} name): make one with `raftctl cert create-member --id {id}`",
                files.cert.display()
            ))
        }
        Err(e) => return Err(format!("{}: {e}", files.cert.display())),
    }
    let client_verifier = WebPkiClientVerifier::builder_with_provider(roots.clone(), provider())
        .allow_unauthenticated()
        .build()
        .map_err(|e| format!("{}: {e}", files.ca.display()))?;
    let server_verifier = WebPkiServerVerifier::builder_with_provider(roots, provider())
        .build()
        .map_err(|e| format!("{}: {e}", files.ca.display()))?;
    // The member's own certificate must pass the check its peers make (signed by this
    // CA, in its validity period), or it would be refused by all of them.
    client_verifier
        .verify_client_cert(leaf, &key.cert[1..], UnixTime::now())
        .map_err(|e| {
            format!(
                "{} does not pass the cluster CA in {}: {e}",
                files.cert.display(),
                files.ca.display()
            )
        })?;
    let revoked = match &files.revoked {
        Some(path) => read_revoked(path)?,
        None => HashSet::new(),
    };
    if revoked.contains(&fingerprint(leaf)) {
        return Err(format!(
            "{} is listed as revoked in its own revocation list",
            files.cert.display()
        ));
    }
    let summary = summarize(leaf);
    Ok(Material {
        key,
        client_verifier,
        server_verifier,
        revoked,
        stamp,
        summary,
    })
}

/// SHA-256 of a certificate's DER.
pub fn fingerprint(der: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// A revocation list: SHA-256 fingerprints in hex, one per line, colons optional.
fn read_revoked(path: &Path) -> Result<HashSet<[u8; 32]>, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read revocation list {}: {e}", path.display()))?;
    if meta.len() > pem::MAX_PEM_BYTES {
        return Err(format!("revocation list {} is too large", path.display()));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read revocation list {}: {e}", path.display()))?;
    let mut set = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let hex: String = line.chars().filter(|c| *c != ':').collect();
        let bad = || {
            format!(
                "{} line {}: not a SHA-256 fingerprint (64 hex digits)",
                path.display(),
                n + 1
            )
        };
        if hex.len() != 64 || !hex.is_ascii() {
            return Err(bad());
        }
        let mut fp = [0u8; 32];
        for (i, b) in fp.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        set.insert(fp);
    }
    Ok(set)
}

fn summarize(der: &CertificateDer<'_>) -> String {
    let short: String = fingerprint(der)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, c)) => format!(
            "certificate {short}…, valid until {}",
            c.validity()
                .not_after
                .to_rfc2822()
                .unwrap_or_else(|_| "?".into())
        ),
        Err(_) => format!("certificate {short}…"),
    }
}

/// Shows the current certificate, as a server and as a client.
#[derive(Debug)]
struct LiveCert(Arc<MemberTls>);

impl ResolvesServerCert for LiveCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.material().key.clone())
    }
}

impl ResolvesClientCert for LiveCert {
    fn resolve(&self, _hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        Some(self.0.material().key.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// Checks client certificates against the current CA; a certificate that names a
/// malformed raftctl identity is refused in the handshake.
#[derive(Debug)]
struct LiveClientVerifier(Arc<MemberTls>);

impl ClientCertVerifier for LiveClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let material = self.0.material();
        let verified =
            material
                .client_verifier
                .verify_client_cert(end_entity, intermediates, now)?;
        if material.revoked.contains(&fingerprint(end_entity)) {
            return Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Revoked,
            ));
        }
        Identity::of_certificate(end_entity).map_err(rustls::Error::General)?;
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0
            .material()
            .client_verifier
            .verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0
            .material()
            .client_verifier
            .verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.material().client_verifier.supported_verify_schemes()
    }
}

/// Checks a peer's certificate: the current CA, the host, and that it names the
/// member this connection was opened to reach.
#[derive(Debug)]
struct PeerVerifier {
    tls: Arc<MemberTls>,
    peer: NodeId,
}

impl ServerCertVerifier for PeerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let material = self.tls.material();
        let verified = material.server_verifier.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if material.revoked.contains(&fingerprint(end_entity)) {
            return Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Revoked,
            ));
        }
        match Identity::of_certificate(end_entity) {
            Ok(Some(Identity::Member(id))) if id == self.peer => Ok(verified),
            Ok(Some(other)) => Err(rustls::Error::General(format!(
                "the peer at this address shows a certificate for {other}, not member {}",
                self.peer
            ))),
            Ok(None) => Err(rustls::Error::General(format!(
                "the peer at this address shows a certificate that names no member (expected member {})",
                self.peer
            ))),
            Err(e) => Err(rustls::Error::General(e)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.tls
            .material()
            .server_verifier
            .verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.tls
            .material()
            .server_verifier
            .verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.tls
            .material()
            .server_verifier
            .supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::cert;

    fn pki(members: &[NodeId]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = cert::Options {
            validity: cert::Validity::days(1).expect("validity"),
            force: false,
        };
        cert::create_ca(dir.path(), &opts).expect("CA");
        for id in members {
            cert::create_member(dir.path(), dir.path(), *id, &["127.0.0.1".into()], &opts)
                .expect("member certificate");
        }
        dir
    }

    fn files(dir: &std::path::Path, id: NodeId) -> TlsFiles {
        TlsFiles {
            ca: dir.join("ca.crt"),
            cert: dir.join(format!("member-{id}.crt")),
            key: dir.join(format!("member-{id}.key")),
            revoked: None,
        }
    }

    fn leaf(dir: &std::path::Path, id: NodeId) -> CertificateDer<'static> {
        pem::certificates(&dir.join(format!("member-{id}.crt")))
            .expect("certificate")
            .remove(0)
    }

    /// A member connecting to member 2 accepts only a certificate naming member 2,
    /// valid for the host it dialled.
    #[test]
    fn a_peer_must_show_the_certificate_of_the_member_dialled() {
        let dir = pki(&[1, 2, 3]);
        let tls = MemberTls::load(1, files(dir.path(), 1)).expect("load");
        let verifier = PeerVerifier {
            tls: tls.clone(),
            peer: 2,
        };
        let host = ServerName::try_from("127.0.0.1").expect("name");
        let check = |der: &CertificateDer<'_>, name: &ServerName<'_>| {
            verifier.verify_server_cert(der, &[], name, &[], UnixTime::now())
        };
        assert!(check(&leaf(dir.path(), 2), &host).is_ok());
        let e = check(&leaf(dir.path(), 3), &host).unwrap_err().to_string();
        assert!(e.contains("member 3, not member 2"), "{e}");
        let elsewhere = ServerName::try_from("10.9.9.9").expect("name");
        assert!(check(&leaf(dir.path(), 2), &elsewhere).is_err());
        // Signed by another CA: refused whatever it names.
        let other = pki(&[2]);
        assert!(check(&leaf(other.path(), 2), &host).is_err());
    }

    #[test]
    fn files_that_do_not_fit_are_refused_and_a_failed_reload_keeps_the_old_ones() {
        let dir = pki(&[1, 2]);
        let e = MemberTls::load(2, files(dir.path(), 1)).unwrap_err();
        assert!(e.contains("names member 1, not member 2"), "{e}");
        let tls = MemberTls::load(1, files(dir.path(), 1)).expect("load");
        let before = tls.summary();
        // A key that is not the certificate's: refused, the old pair stays.
        std::fs::copy(
            dir.path().join("member-2.key"),
            dir.path().join("member-1.key"),
        )
        .expect("copy");
        assert!(tls.reload(true).unwrap_err().contains("does not belong"));
        assert_eq!(tls.summary(), before);
        // A revoked peer certificate is refused in the handshake.
        let revoked = dir.path().join("revoked");
        let fp: String = fingerprint(&leaf(dir.path(), 2))
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        std::fs::write(&revoked, format!("# gone\n{fp}\n")).expect("write");
        let mut f = files(dir.path(), 2);
        f.revoked = Some(revoked.clone());
        let e = MemberTls::load(2, f).unwrap_err();
        assert!(e.contains("revoked"), "{e}");
        std::fs::write(&revoked, "not hex\n").expect("write");
        let mut f = files(dir.path(), 2);
        f.revoked = Some(revoked);
        assert!(MemberTls::load(2, f).unwrap_err().contains("line 1"));
    }
}
