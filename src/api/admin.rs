//! Operator routes: membership changes (add, promote, remove, and a member's URL
//! update) with `?dry_run=true` and `?force=true`, leader transfer, and snapshots.
//!
//! Writes go to the leader: a follower answers `not_leader` naming it, and the client
//! follows. A refusal by a guard rail is a 409 (or 404) whose body also carries the
//! `rule`, a `hint` and the `preview` that `--dry-run` would have shown.

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::routes::{members_json, ApiState};
use super::types::{LeaderRef, MembersResponse};
use crate::node::membership::{MemberChange, Preview, RefusalKind};
use crate::node::{AdminError, ChangeOutcome, NodeHandle};
use crate::transport::ClientUrls;

/// `POST /v1/members` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddMemberRequest {
    #[serde(with = "super::types::json_u64")]
    pub id: u64,
    pub url: String,
    #[serde(default)]
    pub learner: bool,
}

/// Answer of a membership change: the members once applied, and the preview. For a dry
/// run, the members as they are and `dry_run: true`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeResponse {
    #[serde(flatten)]
    pub members: MembersResponse,
    pub dry_run: bool,
    pub preview: Preview,
}

/// `POST /v1/leader/transfer` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TransferRequest {
    #[serde(default, with = "super::types::json_u64_opt")]
    pub to: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferResponse {
    #[serde(with = "super::types::json_u64")]
    pub old_leader: u64,
    #[serde(with = "super::types::json_u64")]
    pub new_leader: u64,
    #[serde(with = "super::types::json_u64")]
    pub term: u64,
}

/// `POST /v1/snapshot` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotResponse {
    #[serde(with = "super::types::json_u64")]
    pub index: u64,
    #[serde(with = "super::types::json_u64")]
    pub term: u64,
    pub size_bytes: u64,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ChangeQuery {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    force: bool,
}

/// The operator routes, merged into the API router.
pub(crate) fn routes() -> Router<ApiState> {
    Router::new()
        .route("/v1/members/{id}/promote", post(promote))
        .route(
            "/v1/members/{id}",
            axum::routing::delete(remove).put(update),
        )
        .route("/v1/leader/transfer", post(transfer))
        .route("/v1/snapshot", post(take_snapshot).get(download_snapshot))
}

/// An operator error as HTTP: guard-rail refusals keep their rule, hint and preview.
pub(crate) struct AdminFailure(AdminError);

impl AdminFailure {
    /// The error, with a leader hint that names the leader's client URL: the membership
    /// holds the URL its peers reach it at, which may serve peers only.
    fn new(mut e: AdminError, client_urls: &ClientUrls) -> AdminFailure {
        if let AdminError::NotLeader {
            leader: Some((id, url)),
            ..
        } = &mut e
        {
            if let Some(client_url) = client_urls.get(*id) {
                *url = client_url;
            }
        }
        AdminFailure(e)
    }
}

fn api_error(e: AdminError) -> ApiError {
    match e {
        AdminError::NotLeader { me, leader } => ApiError::NotLeader {
            message: match &leader {
                Some((id, url)) => {
                    format!("member {me} is not the leader; member {id} at {url} is")
                }
                None => format!("member {me} is not the leader"),
            },
            leader: leader.map(|(id, url)| LeaderRef { id, url }),
        },
        AdminError::NoLeader => ApiError::NoLeader,
        AdminError::Refused(r, _) => match r.kind {
            RefusalKind::Conflict => ApiError::Conflict(r.line()),
            RefusalKind::NotFound => ApiError::NotFound(r.line()),
        },
        AdminError::Conflict(m) => ApiError::Conflict(m),
        AdminError::NotFound(m) => ApiError::NotFound(m),
        AdminError::Timeout(m) => ApiError::Timeout(m),
        AdminError::Unavailable(m) => ApiError::Unavailable(m),
        AdminError::Internal(m) => ApiError::Internal(m),
    }
}

impl IntoResponse for AdminFailure {
    fn into_response(self) -> Response {
        let extra = match &self.0 {
            AdminError::Refused(r, p) => Some((r.clone(), p.clone())),
            _ => None,
        };
        let api = api_error(self.0);
        let Some((refusal, preview)) = extra else {
            return api.into_response();
        };
        let mut body = serde_json::to_value(api.body()).unwrap_or_default();
        if let Some(detail) = body.get_mut("error").and_then(|d| d.as_object_mut()) {
            detail.insert("rule".into(), serde_json::json!(refusal.rule));
            detail.insert("hint".into(), serde_json::json!(refusal.hint));
            detail.insert(
                "preview".into(),
                serde_json::to_value(&*preview).unwrap_or_default(),
            );
        }
        (api.status(), Json(body)).into_response()
    }
}

fn query(q: Result<Query<ChangeQuery>, QueryRejection>) -> Result<ChangeQuery, ApiError> {
    q.map(|Query(q)| q).map_err(|e| {
        ApiError::BadRequest(format!(
            "bad query string (dry_run and force take true or false): {}",
            e.body_text()
        ))
    })
}

fn parse_id(text: &str) -> Result<u64, ApiError> {
    match text.parse::<u64>() {
        Ok(id) if (1..super::types::JSON_SAFE_MAX).contains(&id) => Ok(id),
        _ => Err(ApiError::BadRequest(format!(
            "{text:?} is not a member id (a whole number from 1 to 2^53-1)"
        ))),
    }
}

fn change_response(o: ChangeOutcome, client_urls: &ClientUrls) -> Json<ChangeResponse> {
    Json(ChangeResponse {
        members: members_json(&o.members, client_urls),
        dry_run: o.dry_run,
        preview: o.preview,
    })
}

async fn run_change(
    node: &NodeHandle,
    client_urls: &ClientUrls,
    change: MemberChange,
    q: ChangeQuery,
) -> Result<Response, Response> {
    node.change_members(change, q.force, q.dry_run)
        .await
        .map(|o| change_response(o, client_urls).into_response())
        .map_err(|e| AdminFailure::new(e, client_urls).into_response())
}

pub(crate) async fn add(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
    q: Result<Query<ChangeQuery>, QueryRejection>,
    body: Bytes,
) -> Response {
    let q = match query(q) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let req: AddMemberRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return ApiError::BadRequest(format!(
                "bad JSON body (expected {{\"id\": 4, \"url\": \"http://...\", \"learner\": false}}): {e}"
            ))
            .into_response()
        }
    };
    if let Err(e) = parse_id(&req.id.to_string()) {
        return e.into_response();
    }
    let url = match check_member_url(&node, req.id, &req.url).await {
        Ok(url) => url,
        Err(e) => return e.into_response(),
    };
    let change = MemberChange::Add {
        id: req.id,
        url,
        learner: req.learner,
    };
    run_change(&node, &client_urls, change, q)
        .await
        .unwrap_or_else(|e| e)
}

/// `url` in normal form if member `id` may be reached there: a member URL as
/// [`crate::member_url::MemberUrl`] accepts it, with the scheme the cluster speaks, and
/// no other member's (two members at one URL would receive each other's messages).
async fn check_member_url(node: &NodeHandle, id: u64, url: &str) -> Result<String, ApiError> {
    let parsed = crate::member_url::MemberUrl::parse(url)
        .map_err(|why| ApiError::BadRequest(format!("url {url:?}: {why}")))?;
    let url = parsed.to_string();
    let m = node.members().await.map_err(ApiError::from)?;
    // One cluster speaks one way: TLS between all members, or plaintext.
    let own = m
        .url_of(node.id())
        .and_then(|u| crate::member_url::MemberUrl::parse(u).ok());
    if let Some(own) = own.filter(|own| own.is_tls() != parsed.is_tls()) {
        let scheme = if own.is_tls() { "https" } else { "http" };
        return Err(ApiError::BadRequest(format!(
            "url {url}: this cluster's members are reached at {scheme}:// (member {} is at {own})",
            node.id()
        )));
    }
    let taken = m
        .voters
        .iter()
        .chain(m.learners.iter())
        .find(|(other, u)| **other != id && same_url(u, &url));
    if let Some((other, _)) = taken {
        return Err(ApiError::Conflict(format!(
            "url {url} is already used by member {other}"
        )));
    }
    Ok(url)
}

/// `PUT /v1/members/{id}` body: the URL member `id` is now reached at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateMemberRequest {
    pub url: String,
}

/// The member moved: its peers reach it at the URL of the body from when the change is
/// applied (`raftctl member update`).
async fn update(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
    Path(id): Path<String>,
    q: Result<Query<ChangeQuery>, QueryRejection>,
    body: Bytes,
) -> Response {
    let (id, q) = match parse_id(&id).and_then(|id| Ok((id, query(q)?))) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let req: UpdateMemberRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return ApiError::BadRequest(format!(
                "bad JSON body (expected {{\"url\": \"http://...\"}}): {e}"
            ))
            .into_response()
        }
    };
    let url = match check_member_url(&node, id, &req.url).await {
        Ok(url) => url,
        Err(e) => return e.into_response(),
    };
    let dry_run = q.dry_run;
    let answer = run_change(&node, &client_urls, MemberChange::Update { id, url }, q).await;
    if answer.is_ok() && !dry_run {
        // Where clients reached it before is stale too; it says the new one itself.
        client_urls.forget(id);
    }
    answer.unwrap_or_else(|e| e)
}

/// A member URL as [`crate::member_url::MemberUrl`] accepts it.
pub fn check_url(url: &str) -> Result<(), String> {
    crate::member_url::MemberUrl::parse(url).map(|_| ())
}

/// Whether a stored member URL names the same place as `url` (normal form).
fn same_url(stored: &str, url: &str) -> bool {
    crate::member_url::MemberUrl::parse(stored).map_or(stored == url, |u| u.to_string() == url)
}

async fn promote(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
    Path(id): Path<String>,
    q: Result<Query<ChangeQuery>, QueryRejection>,
) -> Response {
    let (id, q) = match parse_id(&id).and_then(|id| Ok((id, query(q)?))) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    run_change(&node, &client_urls, MemberChange::Promote { id }, q)
        .await
        .unwrap_or_else(|e| e)
}

async fn remove(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
    Path(id): Path<String>,
    q: Result<Query<ChangeQuery>, QueryRejection>,
) -> Response {
    let (id, q) = match parse_id(&id).and_then(|id| Ok((id, query(q)?))) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    run_change(&node, &client_urls, MemberChange::Remove { id }, q)
        .await
        .unwrap_or_else(|e| e)
}

async fn transfer(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
    body: Bytes,
) -> Response {
    let req: TransferRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TransferRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => {
                return ApiError::BadRequest(format!(
                    "bad JSON body (expected {{\"to\": 2}} or {{}}): {e}"
                ))
                .into_response()
            }
        }
    };
    match node.transfer_leader(req.to).await {
        Ok(o) => Json(TransferResponse {
            old_leader: o.old_leader,
            new_leader: o.new_leader,
            term: o.term,
        })
        .into_response(),
        Err(e) => AdminFailure::new(e, &client_urls).into_response(),
    }
}

async fn take_snapshot(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
) -> Response {
    match node.take_snapshot().await {
        Ok(s) => Json(SnapshotResponse {
            index: s.index,
            term: s.term,
            size_bytes: s.size_bytes,
        })
        .into_response(),
        Err(e) => AdminFailure::new(e, &client_urls).into_response(),
    }
}

/// Streams the latest snapshot file (taking one first when there is none yet). The file
/// is opened before answering, so a newer snapshot removing it meanwhile does not cut
/// the stream short.
async fn download_snapshot(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
) -> Response {
    if node.latest_snapshot_file().is_none() {
        if let Err(e) = node.take_snapshot().await {
            return AdminFailure::new(e, &client_urls).into_response();
        }
    }
    let Some((index, term, path)) = node.latest_snapshot_file() else {
        return ApiError::NotFound("this member has no snapshot file".into()).into_response();
    };
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) => {
            return ApiError::Internal(format!("cannot open {}: {e}", path.display()))
                .into_response()
        }
    };
    let len = match file.metadata().await {
        Ok(m) => m.len(),
        Err(e) => {
            return ApiError::Internal(format!("cannot read {}: {e}", path.display()))
                .into_response()
        }
    };
    let stream = futures_util::stream::try_unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let n = tokio::io::AsyncReadExt::read(&mut file, &mut buf).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buf.truncate(n);
        Ok(Some((Bytes::from(buf), file)))
    });
    let mut resp = Body::from_stream(stream).into_response();
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert("x-raft-snapshot-index", HeaderValue::from(index));
    h.insert("x-raft-snapshot-term", HeaderValue::from(term));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::membership::{decide, ClusterView, MemberProgress};

    async fn body_of(resp: Response) -> (u16, serde_json::Value) {
        let status = resp.status().as_u16();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("JSON body"))
    }

    #[tokio::test]
    async fn a_refusal_carries_its_rule_hint_and_preview() {
        let view = ClusterView {
            leader: 1,
            voters: [1, 2, 3].into_iter().collect(),
            learners: Default::default(),
            progress: [1, 2, 3]
                .into_iter()
                .map(|id| {
                    (
                        id,
                        MemberProgress {
                            matched: 5,
                            recent_active: id == 1,
                            snapshot: false,
                        },
                    )
                })
                .collect(),
            last_index: 5,
            change_pending: false,
        };
        let change = MemberChange::Remove { id: 2 };
        let preview = decide(&view, &change, false);
        let refusal = preview.refused_by.clone().expect("refused");
        let err = AdminError::Refused(Box::new(refusal), Box::new(preview));
        let (status, body) = body_of(AdminFailure(err).into_response()).await;
        assert_eq!(status, 409);
        let e = &body["error"];
        assert_eq!(e["code"], "conflict");
        assert_eq!(e["rule"], "reachable-quorum");
        assert!(e["hint"]
            .as_str()
            .is_some_and(|h| h.contains("raftctl member remove 2 --force")));
        assert_eq!(e["preview"]["voters_after"], serde_json::json!([1, 3]));
        assert!(e["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("refused by rule reachable-quorum")));
    }

    #[tokio::test]
    async fn a_follower_names_the_leader() {
        let err = AdminError::NotLeader {
            me: 2,
            leader: Some((1, "http://127.0.0.1:7001".into())),
        };
        let (status, body) = body_of(AdminFailure(err).into_response()).await;
        assert_eq!(status, 421);
        assert_eq!(body["error"]["code"], "not_leader");
        assert_eq!(body["error"]["leader"]["url"], "http://127.0.0.1:7001");
    }

    #[test]
    fn member_urls_are_checked() {
        assert!(check_url("http://127.0.0.1:7004").is_ok());
        assert!(check_url("http://127.0.0.1:7004/").is_ok());
        assert!(check_url("127.0.0.1:7004").is_err());
        assert!(check_url("http://127.0.0.1:7004/v1").is_err());
        assert!(check_url("ftp://x:1").is_err());
        assert!(check_url("https://127.0.0.1:7004").is_ok());
        assert!(check_url("http://u:p@127.0.0.1:7004").is_err());
    }
}
