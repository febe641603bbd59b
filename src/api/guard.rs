//! Checks every request passes before a handler sees it, and the last word on every error
//! answer: what a handler, an axum extractor or a timeout refused leaves here as the JSON
//! error body of docs/serve-and-api.md.
//!
//! In order: URI length (414), header bytes (431), the `Origin` of state-changing requests
//! (403), the media type of JSON routes (415), and `Content-Length` against the route's
//! limit (413). All of these look only at the head: the body is untouched, so a refused
//! `Expect: 100-continue` request never gets "100 Continue" and its body is never read.
//! Then the body is given a deadline (see [`BodyDeadline`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::error::ApiError;
use super::routes::MAX_VALUE_BYTES;
use crate::transport::wire;

/// Longest request target (path and query) answered by a handler; longer ones get a JSON
/// 414. Keys are at most 4096 bytes, which percent-encoding can triple.
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Most header bytes (names, values and separators) answered by a handler; more get a JSON
/// 431. A snapshot's `x-raft-message` header carries the membership, a few KiB.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Largest body of client and admin routes: a value, or a small JSON document.
pub const CLIENT_BODY_LIMIT: usize = MAX_VALUE_BYTES;

/// How long bodies may take to arrive, by kind of route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTimeouts {
    /// Client and admin routes: the whole body, from the end of the head.
    pub client: Duration,
    /// `POST /raft/messages`: the whole batch.
    pub peer_batch: Duration,
    /// `POST /raft/snapshot`: the longest pause between two chunks; the stream as a whole
    /// may take as long as it keeps moving.
    pub snapshot_idle: Duration,
}

/// What the guard needs to know about this member.
#[derive(Debug, Clone)]
pub struct Guard {
    /// This member's own origin (`http://host:port`), the only `Origin` a state-changing
    /// request may carry.
    pub own_origin: String,
    pub timeouts: BodyTimeouts,
}

impl Guard {
    /// `advertise` is the member's advertised URL.
    pub fn new(advertise: &str, timeouts: BodyTimeouts) -> Guard {
        Guard {
            own_origin: origin_of(advertise),
            timeouts,
        }
    }
}

/// `scheme://host[:port]` of a URL, lower-cased, without path or trailing slash.
fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url.as_str()));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host,
        _ => authority,
    };
    format!("{scheme}://{authority}")
}

/// Routes whose body is a JSON document.
fn is_json_route(method: &Method, path: &str) -> bool {
    let member_update = *method == Method::PUT
        && path
            .strip_prefix("/v1/members/")
            .is_some_and(|id| !id.is_empty() && !id.contains('/'));
    member_update
        || (*method == Method::POST && (path == "/v1/members" || path == "/v1/leader/transfer"))
}

fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// How a route's body is bounded in time.
#[derive(Debug, Clone, Copy)]
enum Deadline {
    Total(Duration),
    Idle(Duration),
}

/// The body limit of a route, `None` where the handler enforces its own.
fn body_limit(path: &str, headers: &HeaderMap) -> Option<u64> {
    if path == wire::MESSAGES_PATH {
        Some(crate::transport::DEFAULT_MAX_BODY_BYTES as u64)
    } else if path == wire::SNAPSHOT_PATH {
        // The sender announces the size; the handler refuses a missing or bad one.
        headers
            .get(wire::HEADER_SNAPSHOT_SIZE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    } else {
        Some(CLIENT_BODY_LIMIT as u64)
    }
}

fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// The head checks, then the body deadline, then JSON for any error answer.
pub async fn guard(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    if let Err(e) = check_head(&guard, &req) {
        return e.into_response();
    }
    let path = req.uri().path();
    let deadline = if path == wire::SNAPSHOT_PATH {
        Deadline::Idle(guard.timeouts.snapshot_idle)
    } else if path == wire::MESSAGES_PATH {
        Deadline::Total(guard.timeouts.peer_batch)
    } else {
        Deadline::Total(guard.timeouts.client)
    };
    let timed_out = Arc::new(AtomicBool::new(false));
    let req = req.map(|body| with_deadline(body, deadline, timed_out.clone()));
    let resp = next.run(req).await;
    if timed_out.load(Ordering::Relaxed) {
        let limit = match deadline {
            Deadline::Total(d) => format!("within {}", humantime::format_duration(d)),
            Deadline::Idle(d) => format!(
                "with no pause longer than {}",
                humantime::format_duration(d)
            ),
        };
        let mut resp = ApiError::RequestTimeout(format!(
            "the request body did not arrive {limit}; the connection is closed"
        ))
        .into_response();
        resp.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        return resp;
    }
    json_errors(resp).await
}

fn check_head(guard: &Guard, req: &Request) -> Result<(), ApiError> {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return Err(ApiError::UriTooLong {
            len: uri_len,
            limit: MAX_URI_BYTES,
        });
    }
    let headers = req.headers();
    let head = header_bytes(headers);
    if head > MAX_HEADER_BYTES {
        return Err(ApiError::HeadersTooLarge {
            len: head,
            limit: MAX_HEADER_BYTES,
        });
    }
    let method = req.method();
    let path = req.uri().path();
    if !method.is_safe() {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("(not ASCII)");
            if origin_of(origin) != guard.own_origin || origin.eq_ignore_ascii_case("null") {
                return Err(ApiError::Forbidden(format!(
                    "{method} from a web page at origin {:?} is refused: state-changing \
                     requests are accepted only from this member's origin {} or without \
                     an Origin header",
                    truncate(origin, 100),
                    guard.own_origin
                )));
            }
        }
        if let Some(site) = headers.get("sec-fetch-site") {
            let site = site.to_str().unwrap_or_default();
            if !matches!(site, "same-origin" | "none") {
                return Err(ApiError::Forbidden(format!(
                    "{method} from a {} web page is refused",
                    truncate(site, 20)
                )));
            }
        }
    }
    if is_json_route(method, path) {
        match headers.get(header::CONTENT_TYPE) {
            Some(ct) if is_json_media_type(ct.to_str().unwrap_or_default()) => {}
            Some(ct) => {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "{method} {path} takes a JSON body with Content-Type: application/json, \
                     not {:?}",
                    truncate(ct.to_str().unwrap_or("(not ASCII)"), 100)
                )))
            }
            None if has_body(headers) => {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "{method} {path} takes a JSON body with Content-Type: application/json; \
                     the request has a body and no Content-Type"
                )))
            }
            None => {}
        }
    }
    if let Some(limit) = body_limit(path, headers) {
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(length) = length.filter(|l| *l > limit) {
            return Err(ApiError::TooLarge {
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            })
            .inspect_err(|_| tracing::debug!(length, limit, path, "refused an oversized body"));
        }
    }
    Ok(())
}

fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The error of a body that did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

/// Wraps `body` so that reading it fails once `deadline` passes; `timed_out` records it so
/// the answer can say so whatever the handler made of the error.
fn with_deadline(body: Body, deadline: Deadline, timed_out: Arc<AtomicBool>) -> Body {
    let start = tokio::time::Instant::now();
    let stream = body.into_data_stream();
    let timed = futures_util::stream::unfold((stream, false), move |(mut stream, done)| {
        let timed_out = timed_out.clone();
        async move {
            if done {
                return None;
            }
            let wait = match deadline {
                Deadline::Total(d) => tokio::time::timeout_at(start + d, stream.next()).await,
                Deadline::Idle(d) => tokio::time::timeout(d, stream.next()).await,
            };
            match wait {
                Ok(Some(Ok(chunk))) => Some((Ok::<Bytes, axum::BoxError>(chunk), (stream, false))),
                Ok(Some(Err(e))) => Some((Err(e.into()), (stream, true))),
                Ok(None) => None,
                Err(_) => {
                    timed_out.store(true, Ordering::Relaxed);
                    Some((Err(BodyTimedOut.into()), (stream, true)))
                }
            }
        }
    });
    Body::from_stream(timed)
}

/// Largest plain-text error body turned into a JSON message.
const MAX_TEXT_ERROR: usize = 4096;

/// Turns an error answer that is not JSON (an axum rejection, a default 405) into the
/// JSON error body, keeping its status and its text as the message.
async fn json_errors(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_media_type);
    if is_json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, MAX_TEXT_ERROR)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let mut fixed = ApiError::from_status(status, &text).into_response();
    for name in [header::CONNECTION, header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            fixed.headers_mut().insert(name, v.clone());
        }
    }
    *fixed.status_mut() = status;
    fixed
}

/// The answer to a request a connection in the peer and operator reserve may not make.
pub fn reserve_refusal() -> Response {
    let mut resp = ApiError::Unavailable(
        "this member is at its connection limit; the connections kept in reserve serve \
         only peer and admin routes, try again shortly"
            .into(),
    )
    .into_response();
    resp.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    resp
}

/// Routes a connection from the reserve may use: peers, and what an operator needs to
/// see and repair a member under load.
pub fn allowed_in_reserve(path: &str) -> bool {
    !(path == "/v1/kv" || path.starts_with("/v1/kv/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_by_scheme_host_and_port() {
        assert_eq!(origin_of("http://127.0.0.1:7001"), "http://127.0.0.1:7001");
        assert_eq!(origin_of("http://127.0.0.1:7001/"), "http://127.0.0.1:7001");
        assert_eq!(origin_of("HTTP://Example.com:80/x"), "http://example.com");
        assert_ne!(
            origin_of("http://evil.example"),
            origin_of("http://127.0.0.1:7001")
        );
    }

    #[test]
    fn json_media_type_allows_parameters() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("Application/JSON; charset=utf-8"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type("application/octet-stream"));
    }

    #[test]
    fn peer_routes_keep_their_own_limits() {
        let mut h = HeaderMap::new();
        assert_eq!(
            body_limit(wire::MESSAGES_PATH, &h),
            Some(crate::transport::DEFAULT_MAX_BODY_BYTES as u64)
        );
        assert_eq!(body_limit(wire::SNAPSHOT_PATH, &h), None);
        h.insert(wire::HEADER_SNAPSHOT_SIZE, "123".parse().unwrap());
        assert_eq!(body_limit(wire::SNAPSHOT_PATH, &h), Some(123));
        assert_eq!(body_limit("/v1/kv/x", &h), Some(CLIENT_BODY_LIMIT as u64));
    }
}
