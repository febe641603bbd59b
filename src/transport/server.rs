//! The receiving side: `POST /raft/messages` and `POST /raft/snapshot`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::wire::{self, ErrorBody, ErrorDetail};
use super::{ClientUrls, Members, SnapshotSink};
use crate::cluster_id::ClusterId;
use crate::raft::{Message, MessageType, NodeId};
use crate::tls::{Caller, Identity};

/// Default cap on a message batch body. Senders cap their batches well below it.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// What the receiving side needs from the node.
pub struct Inbound {
    /// This cluster's id; requests carrying another are refused with 409.
    pub cluster_id: u64,
    /// This member's id; every message must be addressed to it.
    pub self_id: NodeId,
    /// Who may send to this node.
    pub members: Arc<dyn Members>,
    /// Where accepted messages go, in order. Bounded: a full channel holds the request
    /// open, which is the backpressure the sender feels.
    pub deliver: mpsc::Sender<Message>,
    /// Where incoming snapshot files are written; `None` refuses snapshots (503).
    pub snapshots: Option<Arc<dyn SnapshotSink>>,
    /// Largest message batch body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Asked before a snapshot's body is read: whether this member would take a
    /// snapshot announced by this message now (from the leader it follows, above its
    /// commit index). A refusal (409, with the reason) costs the sender one request
    /// instead of a whole file on this member's disk. The core checks again.
    pub snapshot_gate: Option<SnapshotGate>,
    /// Every request must come over a connection whose client certificate names the
    /// member it says it is from (set when the member runs with TLS).
    pub member_certificates: bool,
    /// Where the client URLs that admitted senders tell ([`wire::HEADER_CLIENT_URLS`])
    /// are recorded.
    pub client_urls: ClientUrls,
}

/// See [`Inbound::snapshot_gate`].
pub type SnapshotGate = Arc<dyn Fn(&Message) -> Result<(), SnapshotRefusal> + Send + Sync>;

/// Why a member will not take a snapshot it is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRefusal {
    pub reason: String,
    /// The snapshot is at or below what this member already committed: it needs none.
    /// Its `MsgSnapshot` (without a file) still goes to the node, whose core answers the
    /// leader with its commit index, so that the leader replicates from there instead of
    /// offering the same snapshot again and again.
    pub already_committed: bool,
}

impl Inbound {
    /// Settings with no snapshot sink and the default body limit.
    pub fn new(
        cluster_id: u64,
        self_id: NodeId,
        members: impl Members,
        deliver: mpsc::Sender<Message>,
    ) -> Inbound {
        Inbound {
            cluster_id,
            self_id,
            members: Arc::new(members),
            deliver,
            snapshots: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            snapshot_gate: None,
            member_certificates: false,
            client_urls: ClientUrls::default(),
        }
    }

    /// Requires each request's connection to show a certificate naming its sender.
    pub fn with_member_certificates(mut self) -> Inbound {
        self.member_certificates = true;
        self
    }

    /// Asks `gate` before receiving a snapshot (see [`Inbound::snapshot_gate`]).
    pub fn with_snapshot_gate(
        mut self,
        gate: impl Fn(&Message) -> Result<(), SnapshotRefusal> + Send + Sync + 'static,
    ) -> Inbound {
        self.snapshot_gate = Some(Arc::new(gate));
        self
    }

    /// Accepts snapshots into `sink`.
    pub fn with_snapshot_sink(mut self, sink: impl SnapshotSink) -> Inbound {
        self.snapshots = Some(Arc::new(sink));
        self
    }
}

/// The peer routes, to be merged into the node's HTTP server. They enforce their own
/// body limits (batches: `max_body_bytes`; snapshots: the announced size), so keep
/// server-wide body-limit layers off `/raft/`, or snapshots will be cut off.
pub fn router(inbound: Inbound) -> Router {
    Router::new()
        .route(
            wire::MESSAGES_PATH,
            post(receive_messages).fallback(method_not_allowed),
        )
        .route(
            wire::SNAPSHOT_PATH,
            post(receive_snapshot).fallback(method_not_allowed),
        )
        .with_state(Arc::new(inbound))
}

/// Peer routes only take POST; the answer is JSON like every other error.
async fn method_not_allowed() -> Refusal {
    Refusal::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "peer routes only accept POST",
    )
}

/// A refused peer request: status and the API's JSON error body.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl Inbound {
    /// With TLS: the connection's certificate must name `from`. A member speaks only for
    /// itself; a client certificate speaks for no member.
    fn authenticate(&self, caller: Option<&Caller>, from: NodeId) -> Result<(), Refusal> {
        if !self.member_certificates {
            return Ok(());
        }
        let named = caller.and_then(|c| c.certificate.as_ref());
        let why = match named {
            Some(Identity::Member(id)) if *id == from => return Ok(()),
            Some(Identity::Member(id)) => {
                format!("the connection's certificate names member {id}, not member {from}")
            }
            Some(other) => format!("the connection's certificate names {other}, not a member"),
            None => "the connection shows no member certificate".to_string(),
        };
        tracing::warn!(
            from,
            remote = ?caller.and_then(|c| c.remote),
            "refused peer request: {why}"
        );
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("a request from member {from} refused: {why}"),
        ))
    }

    /// The checks every peer request passes before anything is read or delivered.
    fn admit(&self, cluster_id: &str, from: NodeId) -> Result<(), Refusal> {
        let ours = ClusterId(self.cluster_id);
        match cluster_id.parse::<ClusterId>().ok().map(ClusterId::get) {
            None => {
                // Echo it back only while short: the field comes from the peer.
                let shown = if cluster_id.len() <= 32 {
                    format!(" {cluster_id:?}")
                } else {
                    String::new()
                };
                return Err(Refusal::bad_request(format!(
                    "cluster id{shown} is not 16 hex digits"
                )));
            }
            Some(theirs) if theirs != self.cluster_id => {
                tracing::warn!(
                    from,
                    their_cluster = cluster_id,
                    our_cluster = %ours,
                    "refused peer request from another cluster"
                );
                return Err(Refusal::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    format!(
                        "cluster id mismatch: this node belongs to cluster {ours}, \
                         the request came from cluster {cluster_id}"
                    ),
                ));
            }
            Some(_) => {}
        }
        if !self.members.is_member(from) {
            tracing::warn!(
                from,
                "refused peer request from a node that is not a member"
            );
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "not_member",
                format!("node {from} is not a member of cluster {ours}"),
            ));
        }
        Ok(())
    }

    /// A message this node may step: a peer type, from the sender, to this node.
    fn check_message(&self, from: NodeId, m: &Message) -> Result<(), Refusal> {
        if m.msg_type.is_local() {
            return Err(Refusal::bad_request(format!(
                "message type {:?} never leaves a node",
                m.msg_type
            )));
        }
        if m.from != from {
            return Err(Refusal::bad_request(format!(
                "a message from {} in a request from {from}",
                m.from
            )));
        }
        if m.to != self.self_id {
            return Err(Refusal::bad_request(format!(
                "a message to {} sent to node {}",
                m.to, self.self_id
            )));
        }
        Ok(())
    }

    async fn deliver(&self, m: Message) -> Result<(), Refusal> {
        self.deliver.send(m).await.map_err(|_| {
            Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "this node is shutting down",
            )
        })
    }
}

/// Reads a whole body, refusing it as soon as it passes `limit`.
async fn read_limited(body: Body, limit: usize) -> Result<Bytes, Refusal> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Refusal::bad_request(format!("reading the body: {e}")))?;
        if buf.len() + chunk.len() > limit {
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("message batch is larger than {limit} bytes"),
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

async fn receive_messages(
    State(inbound): State<Arc<Inbound>>,
    caller: Option<Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Refusal> {
    let body = read_limited(body, inbound.max_body_bytes).await?;
    let batch = wire::decode_batch(&body)
        .map_err(|e| Refusal::bad_request(format!("malformed message batch: {e}")))?;
    inbound.authenticate(caller.as_deref(), batch.from)?;
    inbound.admit(&batch.cluster_id, batch.from)?;
    if let Some(told) = headers.get(wire::HEADER_CLIENT_URLS) {
        match told.to_str() {
            Ok(text) => inbound.client_urls.absorb(batch.from, text),
            Err(_) => tracing::debug!(
                from = batch.from,
                "ignored a client URL header that is not ASCII"
            ),
        }
    }
    for m in &batch.messages {
        inbound.check_message(batch.from, m)?;
        if m.msg_type == MessageType::Snapshot {
            return Err(Refusal::bad_request(format!(
                "snapshots travel on {}, not in a batch",
                wire::SNAPSHOT_PATH
            )));
        }
    }
    for m in batch.messages {
        inbound.deliver(m).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, Refusal> {
    headers
        .get(name)
        .ok_or_else(|| Refusal::bad_request(format!("header {name} is missing")))?
        .to_str()
        .map_err(|_| Refusal::bad_request(format!("header {name} is not visible ASCII")))
}

fn header_number(headers: &HeaderMap, name: &str) -> Result<u64, Refusal> {
    let text = header(headers, name)?;
    text.parse()
        .map_err(|_| Refusal::bad_request(format!("header {name} is not a number: {text:?}")))
}

async fn receive_snapshot(
    State(inbound): State<Arc<Inbound>>,
    caller: Option<Extension<Caller>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Refusal> {
    let cluster_id = header(&headers, wire::HEADER_CLUSTER_ID)?;
    let from = header_number(&headers, wire::HEADER_FROM)?;
    inbound.authenticate(caller.as_deref(), from)?;
    inbound.admit(cluster_id, from)?;
    let size = header_number(&headers, wire::HEADER_SNAPSHOT_SIZE)?;
    let message: Message = serde_json::from_str(header(&headers, wire::HEADER_MESSAGE)?)
        .map_err(|e| Refusal::bad_request(format!("malformed snapshot message: {e}")))?;
    inbound.check_message(from, &message)?;
    let meta = match (&message.msg_type, &message.snapshot) {
        (MessageType::Snapshot, Some(snapshot)) if !snapshot.is_empty() => snapshot.meta.clone(),
        _ => {
            return Err(Refusal::bad_request(
                "the snapshot route carries one MsgSnapshot with a non-empty snapshot meta",
            ))
        }
    };
    let message = pass_gate(&inbound, message, from, meta.index).await?;
    let Some(sink) = &inbound.snapshots else {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "this node does not accept snapshots",
        ));
    };
    let incoming = Incoming {
        from,
        index: meta.index,
        size,
    };
    let writer = sink
        .create(&message)
        .map_err(|e| incoming.internal("cannot store the incoming snapshot", e))?;
    incoming.copy(body, writer).await?;
    tracing::info!(
        from,
        index = meta.index,
        term = meta.term,
        bytes = size,
        "received snapshot"
    );
    inbound.deliver(message).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Asks the snapshot gate, before the body is read, whether this member would take the
/// snapshot in `message` (from `from`, at `index`); the message back when it would.
async fn pass_gate(
    inbound: &Inbound,
    message: Message,
    from: NodeId,
    index: u64,
) -> Result<Message, Refusal> {
    let Some(gate) = &inbound.snapshot_gate else {
        return Ok(message);
    };
    let Err(refusal) = gate(&message) else {
        return Ok(message);
    };
    let why = &refusal.reason;
    tracing::warn!(
        from,
        index,
        term = message.term,
        "refused a snapshot before reading it: {why}"
    );
    if refusal.already_committed {
        // The core answers with its commit index (it never installs a snapshot
        // at or below it, and this message carries no file).
        inbound.deliver(message).await?;
    }
    Err(Refusal::new(
        StatusCode::CONFLICT,
        "conflict",
        format!("snapshot refused: {why}"),
    ))
}

/// One snapshot body being received: who sends it, its index, and the size announced.
struct Incoming {
    from: NodeId,
    index: u64,
    size: u64,
}

impl Incoming {
    /// A 500 for a local failure to keep the file, logged.
    fn internal(&self, what: &str, e: std::io::Error) -> Refusal {
        tracing::error!(from = self.from, index = self.index, error = %e, "{what}");
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("{what}: {e}"),
        )
    }

    /// Writes the body into `writer`, exactly the announced size, and finishes the
    /// file (a bad file is a 400).
    async fn copy(
        &self,
        body: Body,
        mut writer: Box<dyn super::SnapshotWriter>,
    ) -> Result<(), Refusal> {
        let (from, index, size) = (self.from, self.index, self.size);
        let mut received = 0u64;
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                tracing::warn!(from, index, received, error = %e, "snapshot stream broke");
                Refusal::bad_request(format!("snapshot stream broke after {received} bytes: {e}"))
            })?;
            received += chunk.len() as u64;
            if received > size {
                return Err(Refusal::bad_request(format!(
                    "snapshot body is longer than the {size} bytes announced"
                )));
            }
            writer
                .write_all(&chunk)
                .await
                .map_err(|e| self.internal("cannot write the incoming snapshot", e))?;
        }
        if received != size {
            tracing::warn!(from, index, received, size, "snapshot stream cut short");
            return Err(Refusal::bad_request(format!(
                "snapshot body ended after {received} of {size} bytes"
            )));
        }
        writer
            .flush()
            .await
            .map_err(|e| self.internal("cannot write the incoming snapshot", e))?;
        writer.finish().await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                tracing::warn!(from, index, error = %e, "refused a bad snapshot file");
                Refusal::bad_request(format!("snapshot file refused: {e}"))
            } else {
                self.internal("cannot keep the incoming snapshot", e)
            }
        })
    }
}
