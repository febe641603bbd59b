//! One bench client: its own HTTP connection to one member, one request at a time; and
//! the histograms and error counts the clients fill.
//!
//! A client speaks HTTP/1.1 over one bare hyper connection rather than through reqwest:
//! the load generator shares the CPUs with the members it measures, and a pooled client
//! spent about twice wrk's CPU per request, which showed up as lower figures. The
//! connection is plain or TLS as the endpoint's scheme says, opened by the same
//! [`Connector`] as every other client command (one TLS config, so sessions resume).

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use reqwest::Url;

use super::report::OpKind;
use super::{key_name, Consistency};
use crate::api::ErrorBody;
use crate::client::connect::{speaks_tls, FirstByte};
use crate::client::{innermost_cause, Client, ClientError, ConnectError, Connector};

/// Latencies are recorded in microseconds from 1 µs to this bound; slower answers are
/// clamped to it (they are timeouts long before).
const MAX_LATENCY_US: u64 = 3_600_000_000;
/// Longest wait for a connection, TLS handshake included (the request timeout applies
/// if shorter).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How one request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    /// A read of a key nobody has written: answered, so it counts as a success.
    NotFound,
    /// `kind` is the error's bucket (`connect`, `timeout`, `transport`, `503 no_leader`,
    /// ...); `message` is one line to show when every request failed.
    Failed {
        kind: String,
        message: String,
    },
}

/// A request body: a value for writes, nothing for reads.
type Body = http_body_util::Either<Full<Bytes>, Empty<Bytes>>;

/// A client bound to one member over one HTTP/1.1 connection, opened on first use and
/// again after any failure; one request at a time.
pub(crate) struct Worker {
    /// The endpoint as given, for messages.
    base: String,
    url: Url,
    connector: Connector,
    /// `Authorization: Bearer ...`, when --token is given.
    authorization: Option<HeaderValue>,
    /// The first byte of the current plain connection (TLS there: wrong scheme).
    first_byte: FirstByte,
    /// `host:port` to connect to, also sent as the Host header.
    authority: String,
    /// The endpoint's path without a trailing slash ("" for most).
    prefix: String,
    query: &'static str,
    value: Bytes,
    timeout: Duration,
    conn: Option<SendRequest<Body>>,
}

/// Why a request got no HTTP answer.
enum Failure {
    Connect(String),
    /// A TLS problem, the whole one-line message.
    Tls(String),
    Timeout,
    Transport(String),
}

impl Worker {
    pub(crate) fn new(
        base: &str,
        timeout: Duration,
        consistency: Consistency,
        value: Bytes,
        client: &Client,
    ) -> Result<Worker, ClientError> {
        let bad = |why: &str| ClientError::BadEndpoint(format!("{base} ({why})"));
        let url = Url::parse(base.trim()).map_err(|e| bad(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("expected http:// or https://"));
        }
        let host = url.host_str().ok_or_else(|| bad("no host"))?;
        let port = url.port_or_known_default().ok_or_else(|| bad("no port"))?;
        let connector = client.connector().clone();
        connector
            .check(&url)
            .map_err(|e| ClientError::Tls(e.to_string()))?;
        Ok(Worker {
            base: base.trim().trim_end_matches('/').to_string(),
            connector,
            authorization: client.authorization().cloned(),
            first_byte: FirstByte::default(),
            authority: format!("{host}:{port}"),
            prefix: url.path().trim_end_matches('/').to_string(),
            query: match consistency {
                Consistency::Linearizable => "",
                Consistency::Stale => "?consistency=stale",
            },
            value,
            timeout,
            conn: None,
            url,
        })
    }

    /// Sends one request for key number `key` and reads the whole answer.
    pub(crate) async fn send(&mut self, op: OpKind, key: u64) -> Outcome {
        let answer = tokio::time::timeout(self.timeout, self.exchange(op, key)).await;
        let (status, body) = match answer {
            Ok(Ok(answer)) => answer,
            Ok(Err(failure)) => {
                self.conn = None;
                return self.failed(failure);
            }
            Err(_) => {
                // The connection may still carry the late answer: start afresh.
                self.conn = None;
                return self.failed(Failure::Timeout);
            }
        };
        if status.is_success() {
            return Outcome::Ok;
        }
        match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) if op == OpKind::Read && b.error.code == "not_found" => Outcome::NotFound,
            Ok(b) => Outcome::Failed {
                kind: format!("{} {}", status.as_u16(), b.error.code),
                message: format!("{} ({} from {})", b.error.message, b.error.code, self.base),
            },
            Err(_) => Outcome::Failed {
                kind: status.as_u16().to_string(),
                message: format!("HTTP {status} from {} without a JSON error body", self.base),
            },
        }
    }

    async fn exchange(
        &mut self,
        op: OpKind,
        key: u64,
    ) -> Result<(hyper::StatusCode, Bytes), Failure> {
        // The key's slash is percent-encoded: keys are one path segment.
        let name = key_name(key).replace('/', "%2F");
        let request = match op {
            OpKind::Write => Request::builder()
                .method(Method::PUT)
                .uri(format!("{}/v1/kv/{name}", self.prefix))
                .header(CONTENT_TYPE, "application/octet-stream")
                .header(HOST, &self.authority)
                .body(Body::Left(Full::new(self.value.clone()))),
            OpKind::Read => Request::builder()
                .method(Method::GET)
                .uri(format!("{}/v1/kv/{name}{}", self.prefix, self.query))
                .header(HOST, &self.authority)
                .body(Body::Right(Empty::new())),
        }
        .map_err(|e| Failure::Transport(format!("cannot build the request: {e}")))?;
        let mut request = request;
        if let Some(auth) = &self.authorization {
            request.headers_mut().insert(AUTHORIZATION, auth.clone());
        }
        let conn = match self.conn.as_mut().filter(|c| !c.is_closed()) {
            Some(conn) => conn,
            None => {
                let fresh = self.connect().await?;
                self.conn.insert(fresh)
            }
        };
        let ready = conn.ready().await;
        let response = match ready {
            Ok(()) => conn.send_request(request).await,
            Err(e) => Err(e),
        }
        .map_err(|e| self.transport(&e))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| self.transport(&e))?
            .to_bytes();
        Ok((status, body))
    }

    /// A failed exchange: a TLS problem when it is one, else a transport error.
    fn transport(&self, e: &hyper::Error) -> Failure {
        if let Some(line) = self.connector.explain(&self.url, e) {
            return Failure::Tls(line);
        }
        if self.first_byte.is_tls() {
            return Failure::Tls(speaks_tls(&self.url));
        }
        Failure::Transport(innermost_cause(e))
    }

    async fn connect(&mut self) -> Result<SendRequest<Body>, Failure> {
        let stream = self
            .connector
            .connect(&self.url, CONNECT_TIMEOUT.min(self.timeout))
            .await
            .map_err(|e| match e {
                ConnectError::Unreachable { cause, .. } => Failure::Connect(cause),
                ConnectError::Tls(line) => Failure::Tls(line),
            })?;
        self.first_byte = stream.first_byte();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| match self.transport(&e) {
                Failure::Transport(cause) => Failure::Connect(cause),
                other => other,
            })?;
        // Drives the connection; ends when the sender is dropped or the peer closes.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }

    fn failed(&self, failure: Failure) -> Outcome {
        let (kind, message) = match failure {
            Failure::Connect(cause) => (
                "connect",
                format!("no member of {} answered: {cause}", self.base),
            ),
            Failure::Tls(line) => ("tls", line),
            Failure::Timeout => (
                "timeout",
                format!("{} did not answer in time (timed out)", self.base),
            ),
            Failure::Transport(cause) => (
                "transport",
                format!("the connection to {} failed: {cause}", self.base),
            ),
        };
        Outcome::Failed {
            kind: kind.to_string(),
            message,
        }
    }
}

/// Counts and latencies of one operation kind.
#[derive(Debug, Clone)]
pub(crate) struct OpStats {
    /// Latency in µs of every successful request (including reads that found no key).
    pub(crate) latency: Histogram<u64>,
    pub(crate) ok: u64,
    pub(crate) not_found: u64,
    /// Error bucket → (count, the first message seen).
    pub(crate) errors: BTreeMap<String, (u64, String)>,
}

impl OpStats {
    fn new() -> OpStats {
        OpStats {
            latency: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
                .expect("constant bounds 1..=1h at 3 digits are valid"),
            ok: 0,
            not_found: 0,
            errors: BTreeMap::new(),
        }
    }

    pub(crate) fn errors(&self) -> u64 {
        self.errors.values().map(|(n, _)| n).sum()
    }

    fn merge(&mut self, other: &OpStats) {
        self.latency
            .add(&other.latency)
            .expect("histograms with the same bounds always add");
        self.ok += other.ok;
        self.not_found += other.not_found;
        for (kind, (n, message)) in &other.errors {
            self.errors
                .entry(kind.clone())
                .or_insert_with(|| (0, message.clone()))
                .0 += n;
        }
    }
}

/// What the clients saw, reads and writes apart.
#[derive(Debug, Clone)]
pub(crate) struct ClientStats {
    pub(crate) reads: OpStats,
    pub(crate) writes: OpStats,
}

impl ClientStats {
    pub(crate) fn new() -> ClientStats {
        ClientStats {
            reads: OpStats::new(),
            writes: OpStats::new(),
        }
    }

    pub(crate) fn record(&mut self, op: OpKind, outcome: Outcome, latency: Duration) {
        let s = match op {
            OpKind::Read => &mut self.reads,
            OpKind::Write => &mut self.writes,
        };
        let us = u64::try_from(latency.as_micros())
            .unwrap_or(MAX_LATENCY_US)
            .clamp(1, MAX_LATENCY_US);
        match outcome {
            Outcome::Ok => {
                s.ok += 1;
                s.latency.saturating_record(us);
            }
            Outcome::NotFound => {
                s.ok += 1;
                s.not_found += 1;
                s.latency.saturating_record(us);
            }
            Outcome::Failed { kind, message } => {
                s.errors.entry(kind).or_insert((0, message)).0 += 1;
            }
        }
    }

    /// Reads and writes together.
    pub(crate) fn total(&self) -> OpStats {
        let mut t = self.reads.clone();
        t.merge(&self.writes);
        t
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    fn plain_client() -> Client {
        let tls = crate::client::TlsOptions::default();
        let url = "http://127.0.0.1:1".to_string();
        Client::new(&[url], Duration::from_secs(1), &tls, None).unwrap()
    }

    fn worker(url: &str, timeout: Duration) -> Worker {
        Worker::new(
            url,
            timeout,
            Consistency::Linearizable,
            Bytes::from_static(b"v"),
            &plain_client(),
        )
        .unwrap()
    }

    fn kind(outcome: &Outcome) -> &str {
        match outcome {
            Outcome::Failed { kind, .. } => kind,
            _ => "answered",
        }
    }

    /// Reads one request head (the tests send bodies of one byte at most).
    async fn read_request(s: &mut tokio::net::TcpStream) -> bool {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte).await {
                Ok(1) => buf.push(byte[0]),
                _ => return false,
            }
        }
        if String::from_utf8_lossy(&buf).contains("content-length: 1") {
            let _ = s.read_exact(&mut byte).await;
        }
        true
    }

    #[test]
    fn endpoints_must_be_http_or_https_urls() {
        let new = |url: &str| {
            Worker::new(
                url,
                Duration::from_secs(1),
                Consistency::Stale,
                Bytes::new(),
                &plain_client(),
            )
        };
        for bad in ["ftp://127.0.0.1:1", "127.0.0.1:7001", "http://"] {
            let err = new(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(matches!(err, ClientError::BadEndpoint(_)), "{bad}: {err}");
        }
        assert!(new("http://127.0.0.1:1").is_ok());
        // https:// is accepted with --cacert only.
        let err = new("https://127.0.0.1:1").err().expect("no --cacert");
        assert!(err.to_string().contains("needs --cacert"), "{err}");
    }

    #[tokio::test]
    async fn a_silent_member_times_out_and_the_next_request_uses_a_new_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            // The first connection never answers; the second answers every request.
            let (_silent, _) = listener.accept().await.unwrap();
            let (mut s, _) = listener.accept().await.unwrap();
            while read_request(&mut s).await {
                let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                if s.write_all(answer).await.is_err() {
                    break;
                }
            }
        });
        let mut w = worker(&url, Duration::from_millis(200));
        let first = w.send(OpKind::Write, 1).await;
        assert_eq!(kind(&first), "timeout", "{first:?}");
        assert_eq!(w.send(OpKind::Write, 2).await, Outcome::Ok);
        assert_eq!(w.send(OpKind::Read, 2).await, Outcome::Ok);
        drop(w);
        server.await.unwrap();
    }

    #[tokio::test]
    async fn a_closed_connection_is_a_transport_error_then_reopened() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            // Hangs up on the first request; answers 404 not_found on the next connection.
            let (mut s, _) = listener.accept().await.unwrap();
            read_request(&mut s).await;
            drop(s);
            let (mut s, _) = listener.accept().await.unwrap();
            read_request(&mut s).await;
            let body = r#"{"error":{"code":"not_found","message":"no such key"}}"#;
            let answer = format!(
                "HTTP/1.1 404 Not Found\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            s.write_all(answer.as_bytes()).await.unwrap();
            read_request(&mut s).await;
        });
        let mut w = worker(&url, Duration::from_secs(5));
        let first = w.send(OpKind::Read, 1).await;
        assert_eq!(kind(&first), "transport", "{first:?}");
        assert_eq!(w.send(OpKind::Read, 1).await, Outcome::NotFound);
        drop(w);
        server.await.unwrap();
    }
}
