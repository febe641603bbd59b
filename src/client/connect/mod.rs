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

    /// The end-entity certificate (DER) the member at `url` presents, from one TLS
    /// handshake within `timeout`; `None` for an `http://` URL. The handshake verifies
    /// it as every request does: a certificate the CA did not sign, or an expired one,
    /// is the error that says so.
    pub async fn peer_certificate(
        &self,
        url: &Url,
        timeout: Duration,
    ) -> Result<Option<Vec<u8>>, ConnectError> {
        if url.scheme() != "https" {
            return Ok(None);
        }
        match self.connect(url, timeout).await? {
            Stream::Tls(s) => Ok(s
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|c| c.as_ref().to_vec())),
            Stream::Plain(..) => Ok(None),
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
mod tests;
