//! `GET /metrics` of one member, as text: what `raftctl top` reads rates and latencies
//! from.

use reqwest::Method;
use tokio::time::Instant;

use super::{display_url, parse_endpoint, Attempt, Client, ClientError};

/// The most of a `/metrics` answer that is read as text; a member's is a few KiB.
const MAX_METRICS_BYTES: usize = 1 << 20;

impl Client {
    /// `GET /metrics` of exactly the member at `url` (no failover), as text.
    pub async fn metrics_of(&self, url: &str) -> Result<String, ClientError> {
        let base = parse_endpoint(url)?;
        let deadline = Instant::now() + self.timeout;
        let a = self
            .send_once(&base, Method::GET, &["metrics"], &[], None, deadline)
            .await
            .map_err(|e| e.into_error(&base))?;
        if a.body.len() > MAX_METRICS_BYTES {
            return Err(ClientError::BadResponse {
                url: a.url,
                detail: format!(
                    "the metrics are {} bytes, more than the {MAX_METRICS_BYTES} read",
                    a.body.len()
                ),
            });
        }
        String::from_utf8(a.body.to_vec()).map_err(|_| ClientError::BadResponse {
            url: a.url,
            detail: "the metrics are not UTF-8 text".into(),
        })
    }
}

impl Attempt {
    /// The error of a read of one member that went wrong: unanswered reads are safe to
    /// repeat, so not answering is "no member answered", never "outcome unknown".
    pub(super) fn into_error(self, base: &reqwest::Url) -> ClientError {
        match self {
            Attempt::Failed(e) => e,
            Attempt::Tls(line) => ClientError::Tls(line),
            Attempt::Unreachable(cause) | Attempt::NoAnswer(cause) => {
                ClientError::NoMemberAnswered {
                    endpoints: display_url(base),
                    cause,
                }
            }
        }
    }
}
