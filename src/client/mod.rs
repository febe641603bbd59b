//! Typed HTTP client for the API, with endpoint failover and leader following.
//!
//! Endpoints are tried in order. A member that cannot be reached, or that answers
//! `no_leader` or `unavailable` (nothing was done), is skipped; a `not_leader` answer that
//! names the leader sends the request there. When every endpoint has been tried the round
//! starts again after a short pause, until the overall timeout. A write whose answer does
//! not arrive in time is never retried: its outcome is unknown and the error says so.

mod admin;
pub mod connect;
mod scrape;

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::api::types::{
    DeleteResponse, ListResponse, MembersResponse, PutResponse, StatusResponse,
};
use crate::api::ErrorBody;

pub use admin::ChangeFlags;
pub use connect::{ConnectError, Connector, Stream, TlsOptions};

/// Pause between two rounds over all endpoints.
const RETRY_PAUSE: Duration = Duration::from_millis(100);
/// How many `not_leader` redirects one request follows.
const MAX_REDIRECTS: usize = 3;

/// Why a client request failed. Messages are one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error(
        "{0:?} is not a valid endpoint URL (expected e.g. http://127.0.0.1:7001 or \
         https://127.0.0.1:7001)"
    )]
    BadEndpoint(String),
    #[error("no endpoints given")]
    NoEndpoints,
    /// `--token` cannot be sent as a header.
    #[error("--token: {0}")]
    BadToken(String),
    /// TLS cannot work as configured (a PEM file, https:// without --cacert), or a TLS
    /// handshake failed: the line names the endpoint or file and what to change.
    #[error("{0}")]
    Tls(String),
    #[error("no member of {endpoints} answered: {cause}")]
    NoMemberAnswered { endpoints: String, cause: String },
    /// The member answered with an error (docs/serve-and-api.md code and message).
    #[error("{message} ({code} from {url})")]
    Api {
        url: String,
        status: u16,
        code: String,
        message: String,
        /// For `not_leader`: the leader's URL, when the member knows it.
        leader: Option<String>,
    },
    /// The request was sent but no answer came in time: a write may or may not have
    /// taken effect.
    #[error("{url} did not answer ({cause}); the outcome is unknown")]
    OutcomeUnknown { url: String, cause: String },
    #[error("unexpected answer from {url}: {detail}")]
    BadResponse { url: String, detail: String },
}

impl ClientError {
    /// The docs/serve-and-api.md error code, when the member answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Whether a request may be sent again after it was sent once without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Reads: sending twice is harmless.
    Idempotent,
    /// Writes: a lost answer means an unknown outcome; never resend.
    Once,
}

/// One successful HTTP answer.
struct Answer {
    url: String,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
}

/// A value read with `get`, and the applied index it reflects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetResult {
    pub value: Bytes,
    pub index: u64,
}

/// The client: a list of endpoints, a per-operation timeout, how to connect (TLS) and
/// how to authenticate (a client certificate, a bearer token).
#[derive(Debug, Clone)]
pub struct Client {
    endpoints: Vec<Url>,
    timeout: Duration,
    connector: Connector,
    /// `Bearer <token>`, marked sensitive so that it is never printed.
    authorization: Option<HeaderValue>,
}

impl Client {
    /// A client for `endpoints` (tried in order) where each operation gives up after
    /// `timeout`, connecting as `tls` says (`https://` endpoints need `tls.cacert`) and
    /// sending `token`, when given, as `Authorization: Bearer <token>`.
    pub fn new(
        endpoints: &[String],
        timeout: Duration,
        tls: &TlsOptions,
        token: Option<&str>,
    ) -> Result<Client, ClientError> {
        if endpoints.is_empty() {
            return Err(ClientError::NoEndpoints);
        }
        let endpoints = endpoints
            .iter()
            .map(|e| parse_endpoint(e))
            .collect::<Result<Vec<_>, _>>()?;
        let connector = Connector::new(tls).map_err(ClientError::Tls)?;
        for e in &endpoints {
            connector
                .check(e)
                .map_err(|e| ClientError::Tls(e.to_string()))?;
        }
        let authorization = token.map(bearer).transpose()?;
        Ok(Client {
            endpoints,
            timeout,
            connector,
            authorization,
        })
    }

    /// How this client opens connections (shared with `raftctl bench`).
    pub fn connector(&self) -> &Connector {
        &self.connector
    }

    /// The `Authorization` header this client sends, if any.
    pub fn authorization(&self) -> Option<&HeaderValue> {
        self.authorization.as_ref()
    }

    /// The endpoints, as given.
    pub fn endpoints(&self) -> Vec<String> {
        self.endpoints.iter().map(display_url).collect()
    }

    /// `PUT /v1/kv/{key}`.
    pub async fn put(&self, key: &str, value: Bytes) -> Result<PutResponse, ClientError> {
        let a = self
            .send(Method::PUT, &kv_path(key), &[], Some(value), Retry::Once)
            .await?;
        parse_json(&a)
    }

    /// `DELETE /v1/kv/{key}`.
    pub async fn delete(&self, key: &str) -> Result<DeleteResponse, ClientError> {
        let a = self
            .send(Method::DELETE, &kv_path(key), &[], None, Retry::Once)
            .await?;
        parse_json(&a)
    }

    /// `GET /v1/kv/{key}`: `None` when the key does not exist.
    pub async fn get(&self, key: &str, stale: bool) -> Result<Option<GetResult>, ClientError> {
        let query: &[(&str, &str)] = if stale {
            &[("consistency", "stale")]
        } else {
            &[]
        };
        match self
            .send(Method::GET, &kv_path(key), query, None, Retry::Idempotent)
            .await
        {
            Ok(a) => {
                let index = a
                    .headers
                    .get("x-raft-index")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| ClientError::BadResponse {
                        url: a.url.clone(),
                        detail: "no X-Raft-Index header".into(),
                    })?;
                Ok(Some(GetResult {
                    value: a.body,
                    index,
                }))
            }
            Err(ClientError::Api { code, .. }) if code == "not_found" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /v1/kv?prefix=P&limit=N`.
    pub async fn list(
        &self,
        prefix: &str,
        limit: Option<u64>,
    ) -> Result<ListResponse, ClientError> {
        let limit_text = limit.map(|l| l.to_string());
        let mut query = vec![("prefix", prefix)];
        if let Some(l) = &limit_text {
            query.push(("limit", l));
        }
        let a = self
            .send(Method::GET, &["v1", "kv"], &query, None, Retry::Idempotent)
            .await?;
        parse_json(&a)
    }

    /// `GET /v1/members` from the first member that answers.
    pub async fn members(&self) -> Result<(String, MembersResponse), ClientError> {
        let a = self
            .send(
                Method::GET,
                &["v1", "members"],
                &[],
                None,
                Retry::Idempotent,
            )
            .await?;
        Ok((a.url.clone(), parse_json(&a)?))
    }

    /// `GET /v1/status` of exactly the member at `url` (no failover).
    pub async fn status_of(&self, url: &str) -> Result<StatusResponse, ClientError> {
        let base = parse_endpoint(url)?;
        let deadline = Instant::now() + self.timeout;
        let a = self
            .send_once(&base, Method::GET, &["v1", "status"], &[], None, deadline)
            .await
            .map_err(|e| e.into_error(&base))?;
        parse_json(&a)
    }

    async fn send(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<Bytes>,
        retry: Retry,
    ) -> Result<Answer, ClientError> {
        let deadline = Instant::now() + self.timeout;
        let mut last_cause = String::from("no attempt was made");
        let mut last_refusal: Option<ClientError> = None;
        let mut last_tls: Option<String> = None;
        loop {
            // Rounds repeat only while some member answers (e.g. an election is going
            // on); when nobody answers at all, waiting longer rarely helps.
            let mut answered = false;
            for endpoint in &self.endpoints {
                let mut target = endpoint.clone();
                for _ in 0..=MAX_REDIRECTS {
                    let res = self
                        .send_once(&target, method.clone(), path, query, body.clone(), deadline)
                        .await;
                    match res {
                        Ok(a) => return Ok(a),
                        Err(Attempt::Unreachable(cause)) => {
                            last_cause = cause;
                            break;
                        }
                        Err(Attempt::Tls(line)) => {
                            last_tls = Some(line);
                            break;
                        }
                        Err(Attempt::NoAnswer(cause)) => {
                            if retry == Retry::Once {
                                let cause = if cause == "timed out" {
                                    format!(
                                        "timed out after {}",
                                        humantime::format_duration(self.timeout)
                                    )
                                } else {
                                    cause
                                };
                                return Err(ClientError::OutcomeUnknown {
                                    url: display_url(&target),
                                    cause,
                                });
                            }
                            last_cause = cause;
                            break;
                        }
                        Err(Attempt::Failed(e)) => match redirect(&e) {
                            Some(Redirect::To(url)) => match parse_endpoint(&url) {
                                Ok(u) => target = u,
                                Err(_) => return Err(e),
                            },
                            Some(Redirect::Elsewhere) => {
                                answered = true;
                                last_refusal = Some(e);
                                break;
                            }
                            None => return Err(e),
                        },
                    }
                }
                if Instant::now() >= deadline {
                    break;
                }
            }
            if !answered || Instant::now() + RETRY_PAUSE >= deadline {
                break;
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
        Err(last_refusal
            .or(last_tls.map(ClientError::Tls))
            .unwrap_or_else(|| ClientError::NoMemberAnswered {
                endpoints: self.endpoints().join(", "),
                cause: last_cause,
            }))
    }

    async fn send_once(
        &self,
        base: &Url,
        method: Method,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<Bytes>,
        deadline: Instant,
    ) -> Result<Answer, Attempt> {
        let shown = display_url(base);
        let (resp, first_byte) = self
            .request(base, method, path, query, body, deadline)
            .await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let remaining = deadline.saturating_duration_since(Instant::now());
        let body = match tokio::time::timeout(remaining, resp.into_body().collect()).await {
            Ok(Ok(b)) => b.to_bytes(),
            Ok(Err(e)) => return Err(self.transport_failure(base, &e, &first_byte, true)),
            Err(_) => return Err(Attempt::NoAnswer("timed out".into())),
        };
        if status.is_success() {
            return Ok(Answer {
                url: shown,
                headers,
                body,
            });
        }
        let e = api_error(&shown, status, &body);
        if base.scheme() == "http" && status == StatusCode::BAD_REQUEST {
            if let ClientError::Api { message, .. } = &e {
                // A member serving TLS answers plain HTTP with this advice.
                if message.contains("https://") {
                    return Err(Attempt::Tls(connect::speaks_tls(base)));
                }
            }
        }
        Err(Attempt::Failed(e))
    }

    /// Connects to `base`, sends one request and waits for the answer's head, all before
    /// `deadline`. Also returns the first byte a plain connection received.
    async fn request(
        &self,
        base: &Url,
        method: Method,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<Bytes>,
        deadline: Instant,
    ) -> Result<(hyper::Response<Incoming>, connect::FirstByte), Attempt> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Attempt::Unreachable("timed out".into()));
        }
        let authority = authority(base);
        let target = request_target(base, path, query);
        let connect_within = remaining.min(Duration::from_secs(2));
        let stream = self
            .connector
            .connect(base, connect_within)
            .await
            .map_err(|e| match e {
                ConnectError::Unreachable { cause, .. } => Attempt::Unreachable(cause),
                ConnectError::Tls(line) => Attempt::Tls(line),
            })?;
        let first_byte = stream.first_byte();
        let exchange = async {
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .map_err(|e| self.transport_failure(base, &e, &first_byte, false))?;
            // Drives the connection; ends when the answer is read or the peer closes.
            tokio::spawn(async move {
                let _ = connection.await;
            });
            let mut req = hyper::Request::builder()
                .method(method)
                .uri(target.as_str())
                .header(header::HOST, authority.as_str());
            if let Some(auth) = &self.authorization {
                req = req.header(header::AUTHORIZATION, auth.clone());
            }
            if body.is_some() {
                // Values are raw bytes; every other body is JSON, and the server refuses
                // JSON routes without `application/json` (a cross-site form cannot send
                // that).
                let media_type = if path.starts_with(&["v1", "kv"]) {
                    "application/octet-stream"
                } else {
                    "application/json"
                };
                req = req.header(header::CONTENT_TYPE, media_type);
            }
            let req = req
                .body(Full::new(body.unwrap_or_default()))
                .map_err(|e| Attempt::Unreachable(format!("cannot build the request: {e}")))?;
            sender
                .send_request(req)
                .await
                .map_err(|e| self.transport_failure(base, &e, &first_byte, true))
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(remaining, exchange).await {
            Ok(r) => Ok((r?, first_byte)),
            Err(_) => Err(Attempt::NoAnswer("timed out".into())),
        }
    }

    /// What a failed exchange with `base` means: a TLS problem (a refused certificate,
    /// TLS on one side only), or no answer (`sent`) / nothing sent.
    fn transport_failure(
        &self,
        base: &Url,
        e: &hyper::Error,
        first_byte: &connect::FirstByte,
        sent: bool,
    ) -> Attempt {
        if let Some(line) = self.connector.explain(base, e) {
            return Attempt::Tls(line);
        }
        if first_byte.is_tls() {
            return Attempt::Tls(connect::speaks_tls(base));
        }
        if sent {
            Attempt::NoAnswer(innermost_cause(e))
        } else {
            Attempt::Unreachable(innermost_cause(e))
        }
    }
}

/// `Bearer <token>` as a header value that is never printed.
fn bearer(token: &str) -> Result<HeaderValue, ClientError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ClientError::BadToken("the token is empty".into()));
    }
    let mut v = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        ClientError::BadToken("the token holds characters an HTTP header cannot carry".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Outcome of one attempt against one member.
enum Attempt {
    /// Never connected: nothing was sent.
    Unreachable(String),
    /// Sent, but no (complete) answer.
    NoAnswer(String),
    /// TLS refused (a certificate) or TLS on one side only: nothing was done. The
    /// whole one-line message.
    Tls(String),
    /// The member answered with an error.
    Failed(ClientError),
}

enum Redirect {
    /// `not_leader` naming the leader.
    To(String),
    /// Nothing was done; another member may do better.
    Elsewhere,
}

fn redirect(e: &ClientError) -> Option<Redirect> {
    let ClientError::Api { code, leader, .. } = e else {
        return None;
    };
    match code.as_str() {
        "no_leader" | "unavailable" => Some(Redirect::Elsewhere),
        "not_leader" => Some(match leader {
            Some(url) => Redirect::To(url.clone()),
            None => Redirect::Elsewhere,
        }),
        _ => None,
    }
}

fn api_error(url: &str, status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => ClientError::Api {
            url: url.to_string(),
            status: status.as_u16(),
            code: b.error.code,
            message: with_auth_hint(status, b.error.message),
            leader: b.error.leader.map(|l| l.url),
        },
        Err(_) => ClientError::BadResponse {
            url: url.to_string(),
            detail: format!(
                "HTTP {status} with a body that is not a JSON error: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            ),
        },
    }
}

/// A 401 answer says how to authenticate, when the member's message does not.
fn with_auth_hint(status: StatusCode, message: String) -> String {
    if status == StatusCode::UNAUTHORIZED
        && !message.contains("--token")
        && !message.contains("--cert")
    {
        format!("{message}; pass --cert/--key or --token")
    } else {
        message
    }
}

fn parse_json<T: DeserializeOwned>(a: &Answer) -> Result<T, ClientError> {
    serde_json::from_slice(&a.body).map_err(|e| ClientError::BadResponse {
        url: a.url.clone(),
        detail: format!("cannot parse the JSON body: {e}"),
    })
}

/// The innermost cause of any error chain, in a few words: an I/O error's kind where
/// one is found, else the last message.
pub fn innermost_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut last = e.to_string();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
                std::io::ErrorKind::ConnectionReset => "connection reset".into(),
                std::io::ErrorKind::TimedOut => "timed out".into(),
                _ => io.to_string(),
            };
        }
        last = s.to_string();
        source = s.source();
    }
    last
}

fn parse_endpoint(text: &str) -> Result<Url, ClientError> {
    let url = Url::parse(text.trim()).map_err(|_| ClientError::BadEndpoint(text.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ClientError::BadEndpoint(text.to_string()));
    }
    Ok(url)
}

/// An endpoint as the user wrote it, without a trailing slash.
fn display_url(u: &Url) -> String {
    u.as_str().trim_end_matches('/').to_string()
}

fn kv_path(key: &str) -> [&str; 3] {
    ["v1", "kv", key]
}

/// `host:port` of an endpoint, for connecting and for the Host header.
fn authority(base: &Url) -> String {
    let host = base.host_str().unwrap_or_default();
    let port = base.port_or_known_default().unwrap_or(80);
    format!("{host}:{port}")
}

/// The request target: `base`'s path, then each of `path` percent-encoded as ONE segment,
/// then the query, percent-encoded the same way.
///
/// Built by hand rather than through `Url`: the URL standard drops tabs and newlines and
/// resolves `.`, `..`, `%2E` and `%2E%2E` segments, which would send a different key
/// (`x\ny` as `xy`, `.` as no key at all). The server percent-decodes the path once.
fn request_target(base: &Url, path: &[&str], query: &[(&str, &str)]) -> String {
    let mut target = base.path().trim_end_matches('/').to_string();
    for segment in path {
        target.push('/');
        target.push_str(&encode_component(segment));
    }
    if target.is_empty() {
        target.push('/');
    }
    for (i, (name, value)) in query.iter().enumerate() {
        target.push(if i == 0 { '?' } else { '&' });
        target.push_str(&encode_component(name));
        target.push('=');
        target.push_str(&encode_component(value));
    }
    target
}

/// Percent-encodes every byte but ASCII letters, digits, `-`, `_` and `~` (RFC 3986's
/// unreserved characters without `.`, so that no segment is ever a dot segment).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
