//! Opening a connection to a member: plain TCP for `http://` endpoints, TLS for
//! `https://` ones, with one-line errors that say what to change.
//!
//! A [`Connector`] is built once per process from `--cacert`, `--cert` and `--key`: it
//! holds one rustls client config, so TLS sessions are resumed across its connections.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use reqwest::Url;
use rustls::pki_types::ServerName;
use rustls::{AlertDescription, CertificateError, ClientConfig};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::tls;

/// Where this process finds its TLS material (the global `--cacert`, `--cert`, `--key`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// PEM file of the CA that signed the members' certificates.
    pub cacert: Option<PathBuf>,
    /// PEM file of this client's certificate, presented when a member asks for one.
    pub cert: Option<PathBuf>,
    /// PEM file of the private key of `cert`.
    pub key: Option<PathBuf>,
}

/// Opens connections to members (see the module docs).
#[derive(Clone)]
pub struct Connector {
    /// `None` without `--cacert`: `https://` endpoints are then refused.
    tls: Option<Tls>,
}

#[derive(Clone)]
struct Tls {
    config: Arc<ClientConfig>,
    cacert: PathBuf,
    /// Whether a client certificate is presented.
    client_cert: bool,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tls {
            None => f.write_str("Connector(plain)"),
            Some(t) => write!(
                f,
                "Connector(cacert {}, client certificate: {})",
                t.cacert.display(),
                t.client_cert
            ),
        }
    }
}

/// A connection to a member, plain or TLS; hyper reads and writes it through `TokioIo`.
#[derive(Debug)]
pub enum Stream {
    /// `http://`, with the first byte the member sent (see [`FirstByte`]).
    Plain(TcpStream, FirstByte),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// A handle on the first byte received, readable after hyper took the stream.
    pub fn first_byte(&self) -> FirstByte {
        match self {
            Stream::Plain(_, first) => first.clone(),
            Stream::Tls(_) => FirstByte::default(),
        }
    }
}

/// The first byte a member sent on a plain connection: a TLS record (22 handshake, 21
/// alert) there means the member speaks TLS and the endpoint should be `https://`.
#[derive(Debug, Clone, Default)]
pub struct FirstByte(Arc<AtomicU16>);

/// Set in [`FirstByte`] once a byte arrived, next to the byte itself.
const SEEN: u16 = 0x100;

impl FirstByte {
    pub fn get(&self) -> Option<u8> {
        let v = self.0.load(Ordering::Relaxed);
        (v & SEEN != 0).then_some((v & 0xff) as u8)
    }

    /// Whether the member answered with a TLS record.
    pub fn is_tls(&self) -> bool {
        matches!(self.get(), Some(21 | 22))
    }

    fn record(&self, byte: u8) {
        let _ = self.0.compare_exchange(
            0,
            SEEN | u16::from(byte),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// Why no connection was opened. Both messages are one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    /// Nothing answered at the TCP level (refused, timed out): `cause` in a few words.
    Unreachable { endpoint: String, cause: String },
    /// TLS cannot work as configured, or the handshake failed: the whole line, naming
    /// the endpoint and what to change.
    Tls(String),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Unreachable { endpoint, cause } => {
                write!(f, "cannot connect to {endpoint}: {cause}")
            }
            ConnectError::Tls(line) => f.write_str(line),
        }
    }
}

impl std::error::Error for ConnectError {}

impl Connector {
    /// A connector for `opts`; reads and checks the PEM files now.
    pub fn new(opts: &TlsOptions) -> Result<Connector, String> {
        match (&opts.cert, &opts.key) {
            (Some(c), None) => {
                return Err(format!(
                    "--cert {} needs --key: the private key of that certificate",
                    c.display()
                ))
            }
            (None, Some(k)) => {
                return Err(format!(
                    "--key {} needs --cert: the certificate of that key",
                    k.display()
                ))
            }
            _ => {}
        }
        let Some(cacert) = &opts.cacert else {
            if opts.cert.is_some() {
                return Err(
                    "--cert and --key need --cacert (or RAFTCTL_CACERT): the CA that signed \
                     the members' certificates"
                        .into(),
                );
            }
            return Ok(Connector { tls: None });
        };
        let roots = tls::pem::roots(cacert).map_err(|e| format!("--cacert: {e}"))?;
        let builder = ClientConfig::builder_with_provider(tls::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .with_root_certificates(roots);
        let mut config = match (&opts.cert, &opts.key) {
            (Some(cert), Some(key)) => {
                // Checks that the key belongs to the certificate, with an error naming both.
                let flags = |e: String| format!("--cert/--key: {e}");
                tls::pem::certified_key(cert, key).map_err(flags)?;
                builder
                    .with_client_auth_cert(
                        tls::pem::certificates(cert).map_err(flags)?,
                        tls::pem::private_key(key).map_err(flags)?,
                    )
                    .map_err(|e| flags(format!("{}: {e}", cert.display())))?
            }
            _ => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Connector {
            tls: Some(Tls {
                config: Arc::new(config),
                cacert: cacert.clone(),
                client_cert: opts.cert.is_some(),
            }),
        })
    }

    /// Whether `--cacert` was given (https:// endpoints can be reached).
    pub fn has_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Refuses an endpoint this connector cannot reach: `https://` without `--cacert`.
    pub fn check(&self, url: &Url) -> Result<(), ConnectError> {
        if url.scheme() == "https" && self.tls.is_none() {
            return Err(ConnectError::Tls(format!(
                "{} needs --cacert (or RAFTCTL_CACERT): the CA that signed the members' \
                 certificates",
                shown(url)
            )));
        }
        Ok(())
    }

    /// Opens a connection to `url`'s host and port (TCP, then TLS for `https://`),
    /// within `timeout`.
    pub async fn connect(&self, url: &Url, timeout: Duration) -> Result<Stream, ConnectError> {
        self.check(url)?;
        match tokio::time::timeout(timeout, self.open(url)).await {
            Ok(r) => r,
            Err(_) => Err(ConnectError::Unreachable {
                endpoint: shown(url),
                cause: "timed out".into(),
            }),
        }
    }

    async fn open(&self, url: &Url) -> Result<Stream, ConnectError> {
        let unreachable = |cause: String| ConnectError::Unreachable {
            endpoint: shown(url),
            cause,
        };
        let host = url
            .host_str()
            .ok_or_else(|| unreachable("the URL has no host".into()))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| unreachable("the URL has no port".into()))?;
        let tcp = TcpStream::connect(format!("{host}:{port}"))
            .await
            .map_err(|e| unreachable(super::innermost_cause(&e)))?;
        // Requests are small and answered one at a time: do not let Nagle hold them.
        tcp.set_nodelay(true)
            .map_err(|e| unreachable(super::innermost_cause(&e)))?;
        let Some(tls) = self.tls.as_ref().filter(|_| url.scheme() == "https") else {
            return Ok(Stream::Plain(tcp, FirstByte::default()));
        };
        let name = server_name(url).ok_or_else(|| {
            ConnectError::Tls(format!(
                "{}: {host} is neither an IP address nor a DNS name a certificate can hold",
                shown(url)
            ))
        })?;
        match TlsConnector::from(Arc::clone(&tls.config))
            .connect(name, tcp)
            .await
        {
            Ok(s) => Ok(Stream::Tls(Box::new(s))),
            Err(e) => Err(ConnectError::Tls(self.explain(url, &e).unwrap_or_else(
                || {
                    if e.kind() == io::ErrorKind::UnexpectedEof {
                        format!(
                            "{} closed the connection during the TLS handshake (if it does \
                             not speak TLS, use {})",
                            shown(url),
                            with_scheme(url, "http")
                        )
                    } else {
                        format!(
                            "TLS handshake with {} failed: {}",
                            shown(url),
                            super::innermost_cause(&e)
                        )
                    }
                },
            ))),
        }
    }

    /// The one-line reason behind a failure seen on a connection to `url`, when it is a
    /// TLS problem: a certificate refused by either side, or TLS on one side only.
    /// `None` for anything else (refused, reset, timed out, ...).
    pub fn explain(&self, url: &Url, e: &(dyn std::error::Error + 'static)) -> Option<String> {
        let endpoint = shown(url);
        let err = rustls_error(e)?;
        let host = url.host_str().unwrap_or_default().to_string();
        let cacert = self
            .tls
            .as_ref()
            .map(|t| t.cacert.display().to_string())
            .unwrap_or_else(|| "--cacert".into());
        let client_cert = self.tls.as_ref().is_some_and(|t| t.client_cert);
        Some(match err {
            rustls::Error::InvalidMessage(_) => {
                format!(
                    "{endpoint} does not speak TLS: use {}",
                    with_scheme(url, "http")
                )
            }
            rustls::Error::InvalidCertificate(c) => match c {
                CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                    format!("the certificate of {endpoint} is not signed by the CA in {cacert}")
                }
                CertificateError::Expired => {
                    format!("the certificate of {endpoint} has expired")
                }
                CertificateError::ExpiredContext { not_after, .. } => format!(
                    "the certificate of {endpoint} has expired (valid until {})",
                    rfc3339(not_after.as_secs())
                ),
                CertificateError::NotValidYet => {
                    format!("the certificate of {endpoint} is not valid yet")
                }
                CertificateError::NotValidYetContext { not_before, .. } => format!(
                    "the certificate of {endpoint} is not valid yet (valid from {})",
                    rfc3339(not_before.as_secs())
                ),
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    format!("the certificate of {endpoint} is not valid for host {host}")
                }
                other => format!("the certificate of {endpoint} was refused: {other:?}"),
            },
            rustls::Error::AlertReceived(alert) => match alert {
                AlertDescription::CertificateRequired => format!(
                    "{endpoint} requires a client certificate: use --cert/--key (or --token)"
                ),
                AlertDescription::BadCertificate
                | AlertDescription::UnsupportedCertificate
                | AlertDescription::CertificateRevoked
                | AlertDescription::CertificateExpired
                | AlertDescription::CertificateUnknown
                | AlertDescription::UnknownCA
                | AlertDescription::AccessDenied
                | AlertDescription::HandshakeFailure
                    if !client_cert =>
                {
                    format!(
                        "{endpoint} refused the connection ({}): it may require a client \
                         certificate: use --cert/--key (or --token)",
                        alert_name(alert)
                    )
                }
                AlertDescription::BadCertificate
                | AlertDescription::UnsupportedCertificate
                | AlertDescription::CertificateRevoked
                | AlertDescription::CertificateExpired
                | AlertDescription::CertificateUnknown
                | AlertDescription::UnknownCA
                | AlertDescription::AccessDenied => format!(
                    "{endpoint} refused this client's certificate ({})",
                    alert_name(alert)
                ),
                other => format!(
                    "{endpoint} ended the TLS connection ({})",
                    alert_name(other)
                ),
            },
            other => format!("TLS with {endpoint} failed: {other}"),
        })
    }
}

/// The line for a plain `http://` connection answered in TLS.
pub(crate) fn speaks_tls(url: &Url) -> String {
    format!(
        "{} speaks TLS: use {}",
        shown(url),
        with_scheme(url, "https")
    )
}

/// The rustls error in an error chain, also inside the `io::Error`s of tokio-rustls.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(r) = s
            .downcast_ref::<io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(r);
        }
        source = s.source();
    }
    None
}

/// An alert as the TLS standard names it (`bad_certificate`).
fn alert_name(a: &AlertDescription) -> String {
    let camel = format!("{a:?}");
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    // `UnknownCA` reads `unknown_c_a` letter by letter; the standard says `unknown_ca`.
    out.replace("c_a", "ca")
}

fn rfc3339(secs: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// The name a member's certificate must hold: the URL's IP address or DNS name.
fn server_name(url: &Url) -> Option<ServerName<'static>> {
    let host = url.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => Some(ServerName::IpAddress(ip.into())),
        Err(_) => ServerName::try_from(host.to_string()).ok(),
    }
}

/// An endpoint as the user wrote it, without a trailing slash.
fn shown(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
}

/// `url` with another scheme (`http` ↔ `https`), for "use https://..." hints.
pub(crate) fn with_scheme(url: &Url, scheme: &str) -> String {
    let mut u = url.clone();
    match u.set_scheme(scheme) {
        Ok(()) => shown(&u),
        Err(()) => shown(url),
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s, first) => {
                let before = buf.filled().len();
                let polled = Pin::new(s).poll_read(cx, buf);
                if let Some(&byte) = buf.filled().get(before) {
                    first.record(byte);
                }
                polled
            }
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s, _) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s, _) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s, _) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s, _) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s, _) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! A small TLS server on 127.0.0.1:0 with certificates made here, against the real
    //! client: each way TLS can be set up wrong gives its one line.

    use std::path::Path;
    use std::sync::Mutex;

    use bytes::Bytes;
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose, SanType,
    };
    use rustls::server::WebPkiClientVerifier;
    use rustls::{HandshakeKind, ServerConfig};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio::task::JoinHandle;

    use super::*;
    use crate::client::{Client, ClientError};

    struct Ca {
        issuer: CertifiedIssuer<'static, KeyPair>,
        /// ca.crt in the test's temp dir.
        path: PathBuf,
    }

    /// A certificate and key written as PEM files.
    struct Leaf {
        cert: PathBuf,
        key: PathBuf,
    }

    fn ca(dir: &Path, name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let path = dir.join(format!("{name}.crt"));
        std::fs::write(&path, issuer.pem()).unwrap();
        Ca { issuer, path }
    }

    fn leaf(ca: &Ca, dir: &Path, name: &str, sans: &[&str], expired: bool, client: bool) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params = if client {
            let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
            p.subject_alt_names = vec![SanType::URI(sans[0].try_into().unwrap())];
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
            p
        } else {
            let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
            let mut p = CertificateParams::new(sans).unwrap();
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
            p
        };
        params.distinguished_name.push(DnType::CommonName, name);
        if expired {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let cert = params.signed_by(&key, &ca.issuer).unwrap();
        let leaf = Leaf {
            cert: dir.join(format!("{name}.crt")),
            key: dir.join(format!("{name}.key")),
        };
        std::fs::write(&leaf.cert, cert.pem()).unwrap();
        std::fs::write(&leaf.key, key.serialize_pem()).unwrap();
        leaf
    }

    /// What the server saw of one request.
    #[derive(Debug, Clone)]
    struct Seen {
        head: String,
        /// The client's certificate chain, when it presented one.
        client_cert: Option<Vec<u8>>,
        handshake: Option<HandshakeKind>,
    }

    struct Server {
        url: String,
        seen: Arc<Mutex<Vec<Seen>>>,
        connections: Arc<Mutex<usize>>,
        task: JoinHandle<()>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    /// Client auth of the test server.
    enum ClientAuth {
        None,
        Optional,
        Required,
    }

    /// A TLS server answering every `GET` with the value `hello` at index 7, for as long
    /// as the connection stays open.
    async fn tls_server(ca: &Ca, leaf: &Leaf, auth: ClientAuth) -> Server {
        let builder = ServerConfig::builder_with_provider(tls::provider())
            .with_safe_default_protocol_versions()
            .unwrap();
        let roots = tls::pem::roots(&ca.path).unwrap();
        let verifier =
            || WebPkiClientVerifier::builder_with_provider(roots.clone(), tls::provider());
        let builder = match auth {
            ClientAuth::None => builder.with_no_client_auth(),
            ClientAuth::Optional => builder
                .with_client_cert_verifier(verifier().allow_unauthenticated().build().unwrap()),
            ClientAuth::Required => builder.with_client_cert_verifier(verifier().build().unwrap()),
        };
        let config = builder
            .with_single_cert(
                tls::pem::certificates(&leaf.cert).unwrap(),
                tls::pem::private_key(&leaf.key).unwrap(),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let (seen2, connections2) = (seen.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                *connections2.lock().unwrap() += 1;
                let acceptor = acceptor.clone();
                let seen = seen2.clone();
                tokio::spawn(async move {
                    let Ok(mut s) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let (_, conn) = s.get_ref();
                    let client_cert = conn
                        .peer_certificates()
                        .and_then(|c| c.first())
                        .map(|c| c.to_vec());
                    let handshake = conn.handshake_kind();
                    while let Some(head) = read_head(&mut s).await {
                        seen.lock().unwrap().push(Seen {
                            head,
                            client_cert: client_cert.clone(),
                            handshake,
                        });
                        let answer = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\
                                      x-raft-index: 7\r\n\r\nhello";
                        if s.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Server {
            url,
            seen,
            connections,
            task,
        }
    }

    /// A plain TCP server that answers whatever arrives with `answer`, then closes.
    async fn plain_server(answer: String) -> (String, JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer.as_bytes()).await;
                let _ = s.shutdown().await;
            }
        });
        (addr.to_string(), task)
    }

    /// One request head, `None` at the end of the connection.
    async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<String> {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte).await {
                Ok(1) => buf.push(byte[0]),
                _ => return None,
            }
        }
        Some(String::from_utf8_lossy(&buf).into_owned())
    }

    fn client(url: &str, tls: &TlsOptions, token: Option<&str>) -> Client {
        Client::new(&[url.to_string()], Duration::from_secs(3), tls, token).unwrap()
    }

    fn options(ca: &Ca, client_cert: Option<&Leaf>) -> TlsOptions {
        TlsOptions {
            cacert: Some(ca.path.clone()),
            cert: client_cert.map(|l| l.cert.clone()),
            key: client_cert.map(|l| l.key.clone()),
        }
    }

    /// The one line of a failed `kv get`.
    async fn get_error(c: &Client) -> String {
        match c.get("k", false).await {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[tokio::test]
    async fn a_request_over_tls_with_a_token_and_resumed_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
        let server = tls_server(&ca, &member, ClientAuth::Optional).await;
        let c = client(&server.url, &options(&ca, None), Some("s3cret"));
        assert!(!format!("{c:?}").contains("s3cret"));
        for _ in 0..2 {
            let got = c.get("k", false).await.unwrap().unwrap();
            assert_eq!((got.value, got.index), (Bytes::from_static(b"hello"), 7));
        }
        let seen = server.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2);
        let head = seen[0].head.to_ascii_lowercase();
        assert!(head.starts_with("get /v1/kv/k http/1.1\r\n"), "{head}");
        assert!(
            head.contains("\r\nauthorization: bearer s3cret\r\n"),
            "{head}"
        );
        assert!(head.contains(&format!("\r\nhost: {}\r\n", &server.url[8..])));
        assert!(seen[0].client_cert.is_none());
        // One config for the client's life: the second connection resumes the session.
        assert_eq!(seen[0].handshake, Some(HandshakeKind::Full));
        assert_eq!(seen[1].handshake, Some(HandshakeKind::Resumed));
    }

    #[tokio::test]
    async fn mutual_tls_presents_the_client_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
        let alice = leaf(
            &ca,
            dir.path(),
            "alice",
            &["urn:raftctl:client:admin:alice"],
            false,
            true,
        );
        let server = tls_server(&ca, &member, ClientAuth::Required).await;
        let c = client(&server.url, &options(&ca, Some(&alice)), None);
        c.get("k", false).await.unwrap().unwrap();
        let presented = server.seen.lock().unwrap()[0].client_cert.clone();
        let expected = tls::pem::certificates(&alice.cert).unwrap()[0].to_vec();
        assert_eq!(presented, Some(expected));
    }

    #[tokio::test]
    async fn a_member_that_requires_a_client_certificate_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let other = self::ca(dir.path(), "other-ca");
        let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
        let server = tls_server(&ca, &member, ClientAuth::Required).await;
        let url = &server.url;

        let c = client(url, &options(&ca, None), None);
        assert_eq!(
            get_error(&c).await,
            format!("{url} requires a client certificate: use --cert/--key (or --token)")
        );

        let mallory = leaf(
            &other,
            dir.path(),
            "mallory",
            &["urn:raftctl:client:admin:mallory"],
            false,
            true,
        );
        let c = client(url, &options(&ca, Some(&mallory)), None);
        let err = get_error(&c).await;
        assert!(
            err.starts_with(&format!("{url} refused this client's certificate (")),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }

    #[tokio::test]
    async fn member_certificates_that_do_not_check_out_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let other = self::ca(dir.path(), "other-ca");
        let cases = [
            (
                leaf(&other, dir.path(), "foreign", &["127.0.0.1"], false, false),
                "is not signed by the CA in",
            ),
            (
                leaf(&ca, dir.path(), "expired", &["127.0.0.1"], true, false),
                "has expired (valid until 2001-01-01T00:00:00Z)",
            ),
            (
                leaf(
                    &ca,
                    dir.path(),
                    "elsewhere",
                    &["node9.example"],
                    false,
                    false,
                ),
                "is not valid for host 127.0.0.1",
            ),
        ];
        for (member, why) in cases {
            let server = tls_server(&ca, &member, ClientAuth::None).await;
            let c = client(&server.url, &options(&ca, None), None);
            let err = get_error(&c).await;
            let mut expected = format!("the certificate of {} {why}", server.url);
            if why.ends_with("CA in") {
                expected = format!("{expected} {}", ca.path.display());
            }
            assert_eq!(err, expected);
            assert!(server.seen.lock().unwrap().is_empty());
        }
    }

    #[tokio::test]
    async fn tls_on_one_side_only_says_which_scheme_to_use() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);

        // http:// to a member that speaks TLS: its alert record gives it away.
        let server = tls_server(&ca, &member, ClientAuth::None).await;
        let plain_url = server.url.replace("https://", "http://");
        let c = client(&plain_url, &options(&ca, None), None);
        assert_eq!(
            get_error(&c).await,
            format!("{plain_url} speaks TLS: use {}", server.url)
        );

        // ... or its plain-HTTP advice to use https://.
        let body =
            r#"{"error":{"code":"bad_request","message":"this member speaks TLS: use https://"}}"#;
        let (addr, task) = plain_server(format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ))
        .await;
        let c = client(&format!("http://{addr}"), &TlsOptions::default(), None);
        assert_eq!(
            get_error(&c).await,
            format!("http://{addr} speaks TLS: use https://{addr}")
        );

        // https:// to a member that speaks plain HTTP.
        let c = client(&format!("https://{addr}"), &options(&ca, None), None);
        assert_eq!(
            get_error(&c).await,
            format!("https://{addr} does not speak TLS: use http://{addr}")
        );
        task.abort();
    }

    #[tokio::test]
    async fn bench_keeps_one_tls_connection_per_client_and_sends_the_token() {
        use crate::bench::{self, BenchConfig, Consistency, Stop, Target, Workload};
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
        let server = tls_server(&ca, &member, ClientAuth::Optional).await;
        let c = client(&server.url, &options(&ca, None), Some("t0ken"));
        let config = BenchConfig {
            workload: Workload::Get,
            clients: 1,
            stop: Stop::Requests(5),
            value_size: 1,
            keys: 10,
            consistency: Consistency::Linearizable,
            target: Target::All,
            prefill: false,
            seed: 1,
            timeout: Duration::from_secs(3),
        };
        let targets = bench::resolve_targets(&c, Target::All).await.unwrap();
        let report = bench::run(&config, &c, &targets, |_| {}).await.unwrap();
        assert_eq!((report.total.ops, report.total.ok), (5, 5));
        assert_eq!(*server.connections.lock().unwrap(), 1);
        let seen = server.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 5);
        assert!(seen.iter().all(|s| s
            .head
            .to_ascii_lowercase()
            .contains("authorization: bearer t0ken")));
    }

    #[test]
    fn https_needs_a_ca_and_a_certificate_needs_its_key() {
        let err = Client::new(
            &["https://127.0.0.1:7001".to_string()],
            Duration::from_secs(1),
            &TlsOptions::default(),
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            ClientError::Tls(
                "https://127.0.0.1:7001 needs --cacert (or RAFTCTL_CACERT): the CA that signed \
                 the members' certificates"
                    .into()
            )
        );
        let dir = tempfile::tempdir().unwrap();
        let ca = ca(dir.path(), "ca");
        let alice = leaf(
            &ca,
            dir.path(),
            "alice",
            &["urn:raftctl:client:admin:a"],
            false,
            true,
        );
        let half = TlsOptions {
            key: None,
            ..options(&ca, Some(&alice))
        };
        let err = Connector::new(&half).unwrap_err();
        assert!(
            err.starts_with("--cert ")
                && err.ends_with("needs --key: the private key of that certificate"),
            "{err}"
        );
        let missing = TlsOptions {
            cacert: Some(dir.path().join("nope.crt")),
            ..TlsOptions::default()
        };
        let err = Connector::new(&missing).unwrap_err();
        assert!(
            err.starts_with("--cacert: cannot read certificate file "),
            "{err}"
        );
        assert!(err.contains("nope.crt") && !err.contains('\n'), "{err}");
        let c = client("http://127.0.0.1:1", &TlsOptions::default(), None);
        assert!(!c.connector().has_tls());
        assert!(matches!(
            Client::new(
                &["http://h:1".into()],
                Duration::from_secs(1),
                &TlsOptions::default(),
                Some("a\nb")
            ),
            Err(ClientError::BadToken(_))
        ));
    }

    #[test]
    fn alerts_read_as_the_standard_names_them() {
        assert_eq!(
            alert_name(&AlertDescription::BadCertificate),
            "bad_certificate"
        );
        assert_eq!(alert_name(&AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(
            alert_name(&AlertDescription::CertificateRequired),
            "certificate_required"
        );
    }
}
