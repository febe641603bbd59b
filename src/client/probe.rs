//! Questions to exactly one member, with no failover and no leader following: its
//! status, its member list, its metrics and the certificate it presents. `health`,
//! `status`, `doctor` and `top` ask every member this way to compare what each one says.

use reqwest::Method;
use tokio::time::Instant;

use super::{display_url, parse_endpoint, parse_json, Answer, Attempt, Client, ClientError};
use crate::api::types::{MembersResponse, StatusResponse};

/// The most of a `/metrics` answer that is read as text; a member's is a few KiB.
const MAX_METRICS_BYTES: usize = 1 << 20;

impl Client {
    /// `GET /v1/status` of exactly the member at `url` (no failover).
    pub async fn status_of(&self, url: &str) -> Result<StatusResponse, ClientError> {
        parse_json(&self.get_exactly(url, &["v1", "status"], &[]).await?)
    }

    /// `GET /v1/status?storage=true` of exactly the member at `url`: its status with the
    /// data dir's file size, live data and free disk space.
    pub async fn status_with_storage_of(&self, url: &str) -> Result<StatusResponse, ClientError> {
        let a = self
            .get_exactly(url, &["v1", "status"], &[("storage", "true")])
            .await?;
        parse_json(&a)
    }

    /// `GET /v1/members` of exactly the member at `url`: the membership as it sees it.
    pub async fn members_of(&self, url: &str) -> Result<MembersResponse, ClientError> {
        parse_json(&self.get_exactly(url, &["v1", "members"], &[]).await?)
    }

    /// `GET /metrics` of exactly the member at `url`, as text (`doctor` and `top` read
    /// latencies and rates from it).
    pub async fn metrics_of(&self, url: &str) -> Result<String, ClientError> {
        let a = self.get_exactly(url, &["metrics"], &[]).await?;
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

    /// The certificate (DER) the member at the `https://` URL `url` presents in the TLS
    /// handshake; `None` for an `http://` URL.
    pub async fn certificate_of(&self, url: &str) -> Result<Option<Vec<u8>>, ClientError> {
        let base = parse_endpoint(url)?;
        self.connector
            .peer_certificate(&base, self.timeout)
            .await
            .map_err(|e| match e {
                super::ConnectError::Tls(line) => ClientError::Tls(line),
                super::ConnectError::Unreachable { endpoint, cause } => {
                    ClientError::NoMemberAnswered {
                        endpoints: endpoint,
                        cause,
                    }
                }
            })
    }

    /// One GET to the member at `url`, within the client's timeout.
    async fn get_exactly(
        &self,
        url: &str,
        path: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Answer, ClientError> {
        let base = parse_endpoint(url)?;
        let deadline = Instant::now() + self.timeout;
        self.send_once(&base, Method::GET, path, query, None, deadline)
            .await
            .map_err(|e| match e {
                Attempt::Failed(e) => e,
                Attempt::Tls(line) => ClientError::Tls(line),
                Attempt::Unreachable(cause) | Attempt::NoAnswer(cause) => {
                    ClientError::NoMemberAnswered {
                        endpoints: display_url(&base),
                        cause,
                    }
                }
            })
    }
}
