//! `ApiError`: the one place where a failed request becomes an HTTP status and a JSON body
//!: `{"error": {"code": "<snake_case>", "message": "<one sentence>", ...}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::types::LeaderRef;

/// Every way a client or admin request can fail. Each variant maps to one stable `code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request itself is wrong (bad key, bad JSON, bad query); retrying will not help.
    #[error("{0}")]
    BadRequest(String),
    /// No such key, member or route.
    #[error("{0}")]
    NotFound(String),
    /// The request body is larger than this route accepts.
    #[error("the request body is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    /// The route exists but not with this method.
    #[error("method {method} is not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },
    /// Only the leader can do this; `leader` says where to go when it is known.
    #[error("{message}")]
    NotLeader {
        message: String,
        leader: Option<LeaderRef>,
    },
    /// No leader is known right now (election in progress, or no quorum); nothing was done.
    #[error("no leader is known right now; nothing was done, try again shortly")]
    NoLeader,
    /// The request may or may not have taken effect: its outcome is unknown.
    #[error("{0}")]
    Timeout(String),
    /// The request conflicts with the current state (e.g. another membership change).
    #[error("{0}")]
    Conflict(String),
    /// This member cannot serve the request right now (shutting down, overloaded).
    #[error("{0}")]
    Unavailable(String),
    /// A bug or a storage failure on this member.
    #[error("{0}")]
    Internal(String),
    /// The request came from a web page of another origin (cross-site request forgery),
    /// or its caller's role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// The request carries no credentials this member accepts (no client certificate,
    /// no valid token).
    #[error("{0}")]
    Unauthenticated(String),
    /// A JSON route got a body of another media type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request body did not arrive in time; nothing was done.
    #[error("{0}")]
    RequestTimeout(String),
    /// The request target is longer than this member reads.
    #[error("the request URI is {len} bytes long; the limit is {limit}")]
    UriTooLong { len: usize, limit: usize },
    /// The request head carries more header bytes than this member reads.
    #[error("the request headers take {len} bytes; the limit is {limit}")]
    HeadersTooLarge { len: usize, limit: usize },
    /// Any other refusal, by status (e.g. an extractor's), with its own text.
    #[error("{message}")]
    Other {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl ApiError {
    /// The stable, snake_case code of docs/serve-and-api.md.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::NotFound(_) => "not_found",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::NotLeader { .. } => "not_leader",
            ApiError::NoLeader => "no_leader",
            ApiError::Timeout(_) => "timeout",
            ApiError::Conflict(_) => "conflict",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::RequestTimeout(_) => "request_timeout",
            ApiError::UriTooLong { .. } => "uri_too_long",
            ApiError::HeadersTooLarge { .. } => "headers_too_large",
            ApiError::Other { code, .. } => code,
        }
    }

    /// The HTTP status that goes with the code. `not_leader` is 421 (Misdirected Request):
    /// the request was fine, it reached the wrong member.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotLeader { .. } => StatusCode::MISDIRECTED_REQUEST,
            ApiError::NoLeader | ApiError::Timeout(_) | ApiError::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            ApiError::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::Other { status, .. } => *status,
        }
    }

    /// An error answer made below the handlers (an axum rejection, a default 405), from
    /// its status and plain-text body.
    pub fn from_status(status: StatusCode, text: &str) -> ApiError {
        let code = match status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "bad_request",
            StatusCode::REQUEST_TIMEOUT => "request_timeout",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::UNAUTHORIZED => "unauthenticated",
            StatusCode::CONFLICT => "conflict",
            StatusCode::SERVICE_UNAVAILABLE => "unavailable",
            s if s.is_server_error() => "internal",
            _ => "bad_request",
        };
        let first_line = text.lines().next().unwrap_or_default().trim();
        let message = if first_line.is_empty() {
            status
                .canonical_reason()
                .map_or_else(|| format!("HTTP {status}"), |r| r.to_lowercase())
        } else {
            first_line.chars().take(300).collect()
        };
        ApiError::Other {
            status,
            code,
            message,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        let leader = match self {
            ApiError::NotLeader { leader, .. } => leader.clone(),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.to_string(),
                leader,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if matches!(self, ApiError::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        (self.status(), Json(self.body())).into_response()
    }
}

/// `{"error": {...}}`, as sent and as parsed by the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<LeaderRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_leader_carries_the_leader() {
        let err = ApiError::NotLeader {
            message: "member 1 is not the leader".into(),
            leader: Some(LeaderRef {
                id: 2,
                url: "http://127.0.0.1:7002".into(),
            }),
        };
        let json = serde_json::to_value(err.body()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {
                "code": "not_leader",
                "message": "member 1 is not the leader",
                "leader": {"id": 2, "url": "http://127.0.0.1:7002"}
            }})
        );
        assert_eq!(err.status(), StatusCode::MISDIRECTED_REQUEST);
    }

    #[test]
    fn codes_and_statuses_follow_the_spec() {
        let cases = [
            (ApiError::BadRequest("x".into()), "bad_request", 400),
            (ApiError::NotFound("x".into()), "not_found", 404),
            (ApiError::NoLeader, "no_leader", 503),
            (ApiError::Timeout("x".into()), "timeout", 503),
            (ApiError::Conflict("x".into()), "conflict", 409),
            (ApiError::Unavailable("x".into()), "unavailable", 503),
            (ApiError::Internal("x".into()), "internal", 500),
        ];
        for (err, code, status) in cases {
            assert_eq!(err.code(), code);
            assert_eq!(err.status().as_u16(), status);
            assert!(err.body().error.leader.is_none());
        }
    }
}
