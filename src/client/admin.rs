//! Operator requests: membership changes, leader transfer, snapshots.

use std::path::Path;

use bytes::Bytes;
use http_body_util::BodyExt as _;
use reqwest::Method;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

use super::{
    display_url, innermost_cause, parse_endpoint, parse_json, Attempt, Client, ClientError, Retry,
};
use crate::api::admin::{
    AddMemberRequest, ChangeResponse, SnapshotResponse, TransferRequest, TransferResponse,
    UpdateMemberRequest,
};

/// Flags of a membership change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeFlags {
    /// Preview only; change nothing.
    pub dry_run: bool,
    /// Go past the guard rails that allow it.
    pub force: bool,
}

impl ChangeFlags {
    fn query(&self) -> Vec<(&'static str, &'static str)> {
        let mut q = Vec::new();
        if self.dry_run {
            q.push(("dry_run", "true"));
        }
        if self.force {
            q.push(("force", "true"));
        }
        q
    }

    fn retry(&self) -> Retry {
        if self.dry_run {
            Retry::Idempotent
        } else {
            Retry::Once
        }
    }
}

impl Client {
    /// `POST /v1/members` (on the leader).
    pub async fn add_member(
        &self,
        req: &AddMemberRequest,
        flags: ChangeFlags,
    ) -> Result<ChangeResponse, ClientError> {
        let body = serde_json::to_vec(req).map_err(|e| ClientError::BadResponse {
            url: String::new(),
            detail: format!("cannot encode the request: {e}"),
        })?;
        let a = self
            .send(
                Method::POST,
                &["v1", "members"],
                &flags.query(),
                Some(Bytes::from(body)),
                flags.retry(),
            )
            .await?;
        parse_json(&a)
    }

    /// `POST /v1/members/{id}/promote`.
    pub async fn promote_member(
        &self,
        id: u64,
        flags: ChangeFlags,
    ) -> Result<ChangeResponse, ClientError> {
        let id = id.to_string();
        let a = self
            .send(
                Method::POST,
                &["v1", "members", &id, "promote"],
                &flags.query(),
                None,
                flags.retry(),
            )
            .await?;
        parse_json(&a)
    }

    /// `DELETE /v1/members/{id}`.
    pub async fn remove_member(
        &self,
        id: u64,
        flags: ChangeFlags,
    ) -> Result<ChangeResponse, ClientError> {
        let id = id.to_string();
        let a = self
            .send(
                Method::DELETE,
                &["v1", "members", &id],
                &flags.query(),
                None,
                flags.retry(),
            )
            .await?;
        parse_json(&a)
    }

    /// `PUT /v1/members/{id}`: member `id` is now reached at `url`.
    pub async fn update_member(
        &self,
        id: u64,
        url: &str,
        flags: ChangeFlags,
    ) -> Result<ChangeResponse, ClientError> {
        let req = UpdateMemberRequest {
            url: url.to_string(),
        };
        let body = serde_json::to_vec(&req).map_err(|e| ClientError::BadResponse {
            url: String::new(),
            detail: format!("cannot encode the request: {e}"),
        })?;
        let id = id.to_string();
        let a = self
            .send(
                Method::PUT,
                &["v1", "members", &id],
                &flags.query(),
                Some(Bytes::from(body)),
                flags.retry(),
            )
            .await?;
        parse_json(&a)
    }

    /// `POST /v1/leader/transfer`.
    pub async fn transfer_leader(&self, to: Option<u64>) -> Result<TransferResponse, ClientError> {
        let body =
            serde_json::to_vec(&TransferRequest { to }).map_err(|e| ClientError::BadResponse {
                url: String::new(),
                detail: format!("cannot encode the request: {e}"),
            })?;
        let a = self
            .send(
                Method::POST,
                &["v1", "leader", "transfer"],
                &[],
                Some(Bytes::from(body)),
                Retry::Once,
            )
            .await?;
        parse_json(&a)
    }

    /// `POST /v1/snapshot` on exactly the member at `url`.
    pub async fn take_snapshot_at(&self, url: &str) -> Result<SnapshotResponse, ClientError> {
        let base = parse_endpoint(url)?;
        let deadline = Instant::now() + self.timeout;
        let a = self
            .send_once(
                &base,
                Method::POST,
                &["v1", "snapshot"],
                &[],
                None,
                deadline,
            )
            .await
            .map_err(|e| match e {
                Attempt::Failed(e) => e,
                Attempt::Tls(line) => ClientError::Tls(line),
                Attempt::Unreachable(cause) => ClientError::NoMemberAnswered {
                    endpoints: display_url(&base),
                    cause,
                },
                Attempt::NoAnswer(cause) => ClientError::OutcomeUnknown {
                    url: display_url(&base),
                    cause,
                },
            })?;
        parse_json(&a)
    }

    /// A snapshot of the current state of the first endpoint that answers: `POST
    /// /v1/snapshot` there (so the file holds everything it applied), then `GET
    /// /v1/snapshot` streamed into `dest` (created or truncated). Returns the URL it came
    /// from and the bytes written.
    pub async fn download_snapshot(&self, dest: &Path) -> Result<(String, u64), ClientError> {
        let mut last = String::from("no attempt was made");
        for base in &self.endpoints {
            let shown = display_url(base);
            match self.take_snapshot_at(&shown).await {
                Ok(_) => {}
                Err(ClientError::NoMemberAnswered { cause, .. }) => {
                    last = cause;
                    continue;
                }
                Err(e) => return Err(e),
            }
            let deadline = Instant::now() + self.timeout;
            let resp = match self
                .request(base, Method::GET, &["v1", "snapshot"], &[], None, deadline)
                .await
            {
                Ok((resp, _)) => resp,
                Err(Attempt::Unreachable(cause) | Attempt::NoAnswer(cause)) => {
                    last = cause;
                    continue;
                }
                Err(Attempt::Tls(line)) => return Err(ClientError::Tls(line)),
                Err(Attempt::Failed(e)) => return Err(e),
            };
            let broke_off = |cause: String| ClientError::BadResponse {
                url: shown.clone(),
                detail: format!("the download broke off: {cause}"),
            };
            let status = resp.status();
            let mut body = resp.into_body();
            if !status.is_success() {
                let bytes = tokio::time::timeout_at(deadline, body.collect())
                    .await
                    .map_err(|_| broke_off("timed out".into()))?
                    .map_err(|e| broke_off(innermost_cause(&e)))?
                    .to_bytes();
                return Err(super::api_error(&shown, status, &bytes));
            }
            let io_err = |e: std::io::Error| ClientError::BadResponse {
                url: shown.clone(),
                detail: format!("cannot write {}: {e}", dest.display()),
            };
            let mut file = tokio::fs::File::create(dest).await.map_err(io_err)?;
            let mut written = 0u64;
            loop {
                let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
                    Err(_) => return Err(broke_off("timed out".into())),
                    Ok(None) => break,
                    Ok(Some(frame)) => frame.map_err(|e| broke_off(innermost_cause(&e)))?,
                };
                if let Ok(chunk) = frame.into_data() {
                    file.write_all(&chunk).await.map_err(io_err)?;
                    written += chunk.len() as u64;
                }
            }
            file.sync_all().await.map_err(io_err)?;
            return Ok((shown, written));
        }
        Err(ClientError::NoMemberAnswered {
            endpoints: self.endpoints().join(", "),
            cause: last,
        })
    }
}
