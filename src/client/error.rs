//! [`ClientError`]: why a request failed, in one line, and how a member's error answer
//! and an error chain become one.

use reqwest::StatusCode;

use crate::api::ErrorBody;

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

pub(super) fn api_error(url: &str, status: StatusCode, body: &[u8]) -> ClientError {
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
