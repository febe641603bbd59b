//! The axum routes of docs/serve-and-api.md, one small handler each.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::error::ApiError;
use super::types::{
    DeleteResponse, HealthResponse, ListResponse, Member, MemberUrl, MembersResponse,
    ProgressEntry, PutResponse, SnapshotRef, StatusResponse, StorageStatus,
};
use crate::cluster_id::ClusterId;
use crate::kv::{Key, Op};
use crate::metrics::{Positions, CONTENT_TYPE};
use crate::node::{Consistency, MembersInfo, NodeError, NodeHandle, NodeStatus, RoleView};
use crate::transport::ClientUrls;

/// Longest key accepted, in bytes of UTF-8 (the KV's limit, which forwarded proposals
/// obey too).
pub const MAX_KEY_BYTES: usize = crate::kv::MAX_KEY_LEN;
/// Largest value accepted, in bytes (the KV's limit, which forwarded proposals obey too).
pub const MAX_VALUE_BYTES: usize = crate::kv::MAX_VALUE_LEN;

/// What the handlers share: the node, and the client URLs peers told (for the member
/// list). Handlers take either part as their `State`.
#[derive(Clone)]
pub(crate) struct ApiState {
    node: NodeHandle,
    client_urls: ClientUrls,
}

impl FromRef<ApiState> for NodeHandle {
    fn from_ref(s: &ApiState) -> NodeHandle {
        s.node.clone()
    }
}

impl FromRef<ApiState> for ClientUrls {
    fn from_ref(s: &ApiState) -> ClientUrls {
        s.client_urls.clone()
    }
}

/// The client and admin routes. With `peer_routes` (the transport's `/raft/...`) merged
/// in, one listener serves both; without, this listener refuses the peer routes, which
/// the member serves on an address of its own (`serve --peer-listen`).
pub fn router(node: NodeHandle, client_urls: ClientUrls, peer_routes: Option<Router>) -> Router {
    let api = Router::new()
        .route("/v1/kv", get(list_keys))
        .route(
            "/v1/kv/{*key}",
            get(get_key).put(put_key).delete(delete_key),
        )
        .route("/v1/kv/", axum::routing::any(empty_key))
        .route("/v1/status", get(status))
        .route("/v1/members", get(members).post(super::admin::add))
        .route("/health", get(health))
        .route("/metrics", get(serve_metrics))
        .merge(super::admin::routes())
        .layer(DefaultBodyLimit::max(MAX_VALUE_BYTES))
        .with_state(ApiState { node, client_urls });
    let peers = peer_routes.unwrap_or_else(|| {
        Router::new().route("/raft/{*rest}", axum::routing::any(peers_elsewhere))
    });
    api.merge(peers)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
}

/// The router of a peer address of its own (`serve --peer-listen`): the peer routes and
/// nothing else.
pub fn peer_only_router(peer_routes: Router) -> Router {
    peer_routes
        .fallback(client_route_on_peer_address)
        .method_not_allowed_fallback(wrong_method)
}

async fn peers_elsewhere(uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no route {}: this member serves its peers on an address of their own (--peer-listen)",
        uri.path()
    ))
}

async fn client_route_on_peer_address(uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no route {}: this is the member's peer address, which serves only /raft/ routes; \
         clients use its client URL (see `raftctl member list`)",
        uri.path()
    ))
}

async fn empty_key() -> ApiError {
    ApiError::BadRequest("the key is empty".into())
}

async fn unknown_route(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no route {}", uri.path()))
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
}

impl From<NodeError> for ApiError {
    fn from(e: NodeError) -> ApiError {
        match e {
            NodeError::NoLeader => ApiError::NoLeader,
            NodeError::Refused(_) | NodeError::Unavailable(_) | NodeError::Stopped => {
                ApiError::Unavailable(e.to_string())
            }
            NodeError::Timeout(m) => ApiError::Timeout(m),
            NodeError::Storage(_) => ApiError::Internal(e.to_string()),
        }
    }
}

/// A key from the path: percent-decoded, valid UTF-8, non-empty, at most 4096 bytes.
fn parse_key(path: Result<Path<String>, PathRejection>) -> Result<Key, ApiError> {
    let Path(key) = path.map_err(|e| match e {
        PathRejection::FailedToDeserializePathParams(_) => {
            ApiError::BadRequest("the key is not valid UTF-8 once percent-decoded".into())
        }
        other => ApiError::BadRequest(format!("bad key in the path: {}", other.body_text())),
    })?;
    Key::new(key).map_err(|e| ApiError::BadRequest(e.to_string()))
}

fn body_error(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge {
            limit: MAX_VALUE_BYTES,
        }
    } else {
        ApiError::BadRequest(format!("cannot read the request body: {}", e.body_text()))
    }
}

fn query_error(e: QueryRejection) -> ApiError {
    ApiError::BadRequest(format!("bad query string: {}", e.body_text()))
}

#[derive(Debug, Deserialize)]
struct ReadQuery {
    consistency: Option<String>,
}

fn parse_consistency(v: Option<&str>) -> Result<Consistency, ApiError> {
    match v {
        None | Some("linearizable") => Ok(Consistency::Linearizable),
        Some("stale") => Ok(Consistency::Stale),
        Some(other) => Err(ApiError::BadRequest(format!(
            "consistency must be linearizable or stale, not {other:?}"
        ))),
    }
}

async fn put_key(
    State(node): State<NodeHandle>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PutResponse>, ApiError> {
    let key = parse_key(path)?;
    let value = body.map_err(body_error)?;
    let outcome = node
        .write(Op::Put {
            key: key.into_string(),
            value,
        })
        .await?;
    Ok(Json(PutResponse {
        index: outcome.index,
    }))
}

async fn delete_key(
    State(node): State<NodeHandle>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<DeleteResponse>, ApiError> {
    let key = parse_key(path)?;
    let outcome = node
        .write(Op::Delete {
            key: key.into_string(),
        })
        .await?;
    Ok(Json(DeleteResponse {
        index: outcome.index,
        deleted: outcome.existed,
    }))
}

async fn get_key(
    State(node): State<NodeHandle>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let key = parse_key(path)?;
    let Query(q) = query.map_err(query_error)?;
    let consistency = parse_consistency(q.consistency.as_deref())?;
    let (value, index) = node.get(key.to_string(), consistency).await?;
    let Some(value) = value else {
        return Err(ApiError::NotFound(format!(
            "key {:?} not found",
            key.as_str()
        )));
    };
    let mut resp = value.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert("x-raft-index", HeaderValue::from(index));
    Ok(resp)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    prefix: String,
    limit: Option<u64>,
    consistency: Option<String>,
}

async fn list_keys(
    State(node): State<NodeHandle>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<ListResponse>, ApiError> {
    let Query(q) = query.map_err(query_error)?;
    let consistency = parse_consistency(q.consistency.as_deref())?;
    if q.prefix.len() > MAX_KEY_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the prefix is {} bytes long; the limit is {MAX_KEY_BYTES}",
            q.prefix.len()
        )));
    }
    let (keys, index) = node.list(q.prefix, q.limit, consistency).await?;
    Ok(Json(ListResponse { index, keys }))
}

fn member_urls(m: &std::collections::BTreeMap<u64, String>) -> Vec<MemberUrl> {
    m.iter()
        .map(|(id, url)| MemberUrl {
            id: *id,
            url: url.clone(),
        })
        .collect()
}

/// The JSON form of a node's status.
pub(crate) fn status_json(s: &NodeStatus) -> StatusResponse {
    StatusResponse {
        id: s.id,
        cluster_id: ClusterId(s.cluster_id).to_string(),
        role: s.role.as_str().to_string(),
        term: s.term,
        leader: s.leader,
        commit: s.commit,
        applied: s.applied,
        first_index: s.first_index,
        last_index: s.last_index,
        snapshot: SnapshotRef {
            index: s.snapshot_index,
            term: s.snapshot_term,
        },
        voters: member_urls(&s.voters),
        learners: member_urls(&s.learners),
        db_size_bytes: s.db_size_bytes,
        version: env!("CARGO_PKG_VERSION").to_string(),
        progress: s.progress.as_ref().map(|p| {
            p.iter()
                .map(|f| ProgressEntry {
                    id: f.id,
                    matched: f.matched,
                    next: f.next,
                    state: f.state.to_string(),
                    recent_active: f.recent_active,
                    snapshot_sent_bytes: f.snapshot_sending.map(|(sent, _)| sent),
                    snapshot_size_bytes: f.snapshot_sending.map(|(_, size)| size),
                })
                .collect()
        }),
        leader_contact_ms: s
            .leader
            .filter(|l| *l != s.id)
            .and(s.leader_contact)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        health: Some(health_json(s)),
        leader_changes: Some(s.leader_changes),
        leader_change_ages_ms: Some(
            s.leader_change_ages
                .iter()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .collect(),
        ),
        storage: None,
    }
}

/// What `GET /health` answers for a member in state `s`.
fn health_json(s: &NodeStatus) -> HealthResponse {
    match s.health() {
        Ok(()) => HealthResponse {
            healthy: true,
            reason: None,
        },
        Err(reason) => HealthResponse {
            healthy: false,
            reason: Some(reason),
        },
    }
}

#[derive(Debug, Deserialize)]
struct StatusQuery {
    /// Also measure the data dir (a walk of the database's pages: see `storage::Usage`).
    #[serde(default)]
    storage: bool,
}

async fn status(
    State(node): State<NodeHandle>,
    query: Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<StatusResponse>, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::BadRequest(format!(
            "bad query string (storage takes true or false): {}",
            e.body_text()
        ))
    })?;
    let s = node.status().await?;
    let mut body = status_json(&s);
    if q.storage {
        let u = node.storage_usage().await?;
        body.storage = Some(StorageStatus {
            db_file_bytes: u.db_file_bytes,
            live_bytes: u.live_bytes,
            disk_free_bytes: u.disk.map(|d| d.free_bytes),
            disk_total_bytes: u.disk.map(|d| d.total_bytes),
        });
    }
    Ok(Json(body))
}

/// The JSON form of the member list, with the client URLs of members that serve their
/// peers elsewhere.
pub(crate) fn members_json(m: &MembersInfo, client_urls: &ClientUrls) -> MembersResponse {
    let voters = m.voters.iter().map(|(id, url)| (id, url, "voter"));
    let learners = m.learners.iter().map(|(id, url)| (id, url, "learner"));
    let mut members: Vec<Member> = voters
        .chain(learners)
        .map(|(id, url, role)| Member {
            id: *id,
            url: url.clone(),
            client_url: client_urls.get(*id).filter(|c| c != url),
            role: role.to_string(),
        })
        .collect();
    members.sort_by_key(|m| m.id);
    MembersResponse {
        members,
        leader: m.leader,
    }
}

async fn members(
    State(node): State<NodeHandle>,
    State(client_urls): State<ClientUrls>,
) -> Result<Json<MembersResponse>, ApiError> {
    let m = node.members().await?;
    Ok(Json(members_json(&m, &client_urls)))
}

async fn health(State(node): State<NodeHandle>) -> Response {
    let (code, body) = match node.status().await {
        Ok(s) => {
            let body = health_json(&s);
            let code = match body.healthy {
                true => StatusCode::OK,
                false => StatusCode::SERVICE_UNAVAILABLE,
            };
            (code, body)
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            HealthResponse {
                healthy: false,
                reason: Some(e.to_string()),
            },
        ),
    };
    (code, Json(body)).into_response()
}

/// `GET /metrics`. The position gauges come from the node's status; if the node does
/// not answer in time they keep their last values and the counters are still served.
async fn serve_metrics(State(node): State<NodeHandle>) -> Response {
    let positions = node.status().await.ok().map(|s| Positions {
        term: s.term,
        commit: s.commit,
        applied: s.applied,
        last_index: s.last_index,
        first_index: s.first_index,
        is_leader: s.role == RoleView::Leader,
        db_size_bytes: s.db_size_bytes,
    });
    let body = node.metrics.encode(positions.as_ref());
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    resp
}
