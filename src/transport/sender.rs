//! The sending side: one task and one bounded queue per peer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use super::batch::{drop_superseded_updates, is_commit_update};
use super::wire;
use super::{Error, SnapshotSource, TransportEvent};
use crate::cluster_id::ClusterId;
use crate::raft::{Message, MessageType, NodeId};

/// Sender settings.
#[derive(Clone)]
pub struct TransportConfig {
    /// Messages queued per peer before `send` starts dropping them.
    pub queue_capacity: usize,
    /// A batch stops growing once its JSON is estimated to pass this size (kept well
    /// under the receiver's body limit).
    pub max_batch_bytes: usize,
    /// Time allowed for one message batch request, connection included.
    pub request_timeout: Duration,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Pause after the first failed request to a peer; doubled per further failure up
    /// to `max_backoff`, reset by a success.
    pub min_backoff: Duration,
    /// Kept short: a member that comes back hears from the leader, and serves
    /// linearizable reads, only once this pause is over. A dead peer costs one refused
    /// or timed-out connection attempt per pause.
    pub max_backoff: Duration,
    /// How long a batch of nothing but entry-less appends (commit index updates) waits
    /// for more messages before it goes out alone. At low load the next write's append
    /// is usually this close behind: together they take one request and one
    /// acknowledgement instead of two, and the append does not queue behind the update.
    /// Zero sends at once.
    pub commit_update_hold: Duration,
    /// Where snapshot files come from; without one every `MsgSnapshot` fails.
    pub snapshot_source: Option<Arc<dyn SnapshotSource>>,
    /// Where send failures, queue depths and snapshot outcomes are counted.
    pub metrics: crate::metrics::Metrics,
    /// Mutual TLS to every peer: each connection shows this member's certificate and
    /// accepts only a certificate naming the member it was opened to reach. Peer URLs
    /// are then `https://`.
    pub tls: Option<Arc<crate::tls::member::MemberTls>>,
    /// The client URLs this member knows, sent with every batch (see
    /// [`wire::HEADER_CLIENT_URLS`]).
    pub client_urls: super::ClientUrls,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            queue_capacity: 4096,
            max_batch_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(1),
            min_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(250),
            commit_update_hold: Duration::from_millis(2),
            snapshot_source: None,
            metrics: crate::metrics::Metrics::default(),
            tls: None,
            client_urls: super::ClientUrls::default(),
        }
    }
}

impl std::fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportConfig")
            .field("queue_capacity", &self.queue_capacity)
            .field("max_batch_bytes", &self.max_batch_bytes)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("min_backoff", &self.min_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("commit_update_hold", &self.commit_update_hold)
            .field("snapshot_source", &self.snapshot_source.is_some())
            .field("tls", &self.tls.is_some())
            .field("client_urls", &self.client_urls)
            .finish()
    }
}

/// Peer connections: kept alive, never through a proxy from the environment.
fn client_builder(config: &TransportConfig) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .no_proxy()
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(4)
}

/// Snapshots are given this long plus [`SNAPSHOT_SECS_PER_MIB`] per MiB: a stalled
/// receiver must not leave the leader waiting forever for a snapshot outcome.
const SNAPSHOT_BASE_TIMEOUT: Duration = Duration::from_secs(30);
const SNAPSHOT_SECS_PER_MIB: u64 = 1;

/// What every peer task shares.
struct Shared {
    self_id: NodeId,
    cluster_id: String,
    /// Without TLS: one client for all peers, with a pool of kept-alive connections per
    /// host. With TLS each peer gets its own (see [`Shared::client_for`]).
    client: reqwest::Client,
    events: mpsc::Sender<TransportEvent>,
    config: TransportConfig,
    /// Snapshot streams in flight, for the status report.
    sending: super::sending::Sending,
}

impl Shared {
    /// The HTTP client for connections to `peer`. With TLS its settings check that the
    /// peer's certificate names `peer`, so it cannot be shared between peers.
    fn client_for(&self, peer: NodeId) -> Result<reqwest::Client, String> {
        let Some(tls) = &self.config.tls else {
            return Ok(self.client.clone());
        };
        let settings = tls.peer_client_config(peer)?;
        client_builder(&self.config)
            .use_preconfigured_tls(settings)
            .build()
            .map_err(|e| format!("cannot make the TLS client: {e}"))
    }

    /// Unreachable reports are hints: when the node is behind on events, dropping one
    /// is harmless (the next failure reports again), and blocking here is not.
    fn report_unreachable(&self, peer: NodeId) {
        self.config.metrics.peer_send_failure(peer);
        let _ = self.events.try_send(TransportEvent::Unreachable(peer));
    }
}

struct Peer {
    url: String,
    client: reqwest::Client,
    /// Base URL without a trailing slash.
    base: String,
    queue: mpsc::Sender<Message>,
    task: JoinHandle<()>,
    /// Snapshot streams in flight. They bypass the queue so that heartbeats and
    /// appends keep flowing meanwhile; dropping the set (peer removed or re-addressed,
    /// transport gone) aborts them, each then reporting failure.
    snapshots: JoinSet<()>,
}

/// The outbound side: `send` from the node's Ready loop, one task per peer doing HTTP.
///
/// Dropping it stops every peer task; [`shutdown`](Transport::shutdown) also waits for
/// them.
pub struct Transport {
    shared: Arc<Shared>,
    runtime: tokio::runtime::Handle,
    peers: Mutex<BTreeMap<NodeId, Peer>>,
}

impl Transport {
    /// A transport with default settings. Must be called inside a tokio runtime, where
    /// the peer tasks will run (otherwise [`Error::NoRuntime`]). `peers` may include
    /// this node itself (skipped).
    pub fn new(
        cluster_id: u64,
        self_id: NodeId,
        peers: BTreeMap<NodeId, String>,
        events: mpsc::Sender<TransportEvent>,
    ) -> Result<Transport, Error> {
        Transport::with_config(
            cluster_id,
            self_id,
            peers,
            events,
            TransportConfig::default(),
        )
    }

    /// A transport with explicit settings.
    pub fn with_config(
        cluster_id: u64,
        self_id: NodeId,
        peers: BTreeMap<NodeId, String>,
        events: mpsc::Sender<TransportEvent>,
        config: TransportConfig,
    ) -> Result<Transport, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let client = client_builder(&config).build()?;
        let transport = Transport {
            shared: Arc::new(Shared {
                self_id,
                cluster_id: ClusterId(cluster_id).to_string(),
                client,
                events,
                config,
                sending: Default::default(),
            }),
            runtime,
            peers: Mutex::new(BTreeMap::new()),
        };
        transport.set_peers(peers);
        Ok(transport)
    }

    /// The snapshot streams in flight: bytes sent so far and the file's size, per peer.
    pub fn snapshots_sending(&self) -> BTreeMap<NodeId, super::SnapshotSending> {
        self.shared.sending.snapshot()
    }

    /// Queues messages for their peers and returns at once. A message to a peer whose
    /// queue is full, or to an unknown peer, is dropped and the peer reported
    /// [`TransportEvent::Unreachable`]. Local message types are never sent.
    pub fn send(&self, messages: Vec<Message>) {
        let mut peers = self.lock_peers();
        let mut reported = BTreeSet::new();
        for m in messages {
            let to = m.to;
            if m.msg_type.is_local() || to == self.shared.self_id {
                tracing::warn!(to, msg_type = ?m.msg_type, "not sending a local or self-addressed message");
                continue;
            }
            if m.msg_type == MessageType::Snapshot {
                let outcome = SnapshotOutcome {
                    events: self.shared.events.clone(),
                    to,
                    reported: false,
                };
                match peers.get_mut(&to) {
                    Some(peer) => {
                        while peer.snapshots.try_join_next().is_some() {}
                        let task = send_snapshot(
                            self.shared.clone(),
                            peer.client.clone(),
                            peer.base.clone(),
                            m,
                            outcome,
                        );
                        peer.snapshots.spawn_on(task, &self.runtime);
                    }
                    None => {
                        tracing::warn!(to, "no address for peer, snapshot not sent");
                        drop(outcome);
                        if reported.insert(to) {
                            self.shared.report_unreachable(to);
                        }
                    }
                }
                continue;
            }
            let queued = match peers.get(&to) {
                Some(peer) => match peer.queue.try_send(m) {
                    Ok(()) => true,
                    Err(mpsc::error::TrySendError::Full(m)) => {
                        tracing::debug!(to, msg_type = ?m.msg_type, "peer queue full, message dropped");
                        false
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => false,
                },
                None => {
                    tracing::debug!(to, "no address for peer, message dropped");
                    false
                }
            };
            if !queued && reported.insert(to) {
                self.shared.report_unreachable(to);
            }
        }
    }

    /// Makes the peer set exactly `peers` (this node's own id is skipped): starts tasks
    /// for new peers, stops those of removed ones, restarts those whose URL changed.
    ///
    /// A removed peer's task is not aborted: closing its queue lets it send what is
    /// already queued and then end. The Ready that applies a member's removal also
    /// queued the message carrying the commit of that removal to it, and without that
    /// message the removed member never learns it was removed. Its snapshot streams are
    /// cut off (dropping the `JoinSet`).
    pub fn set_peers(&self, peers: BTreeMap<NodeId, String>) {
        let mut current = self.lock_peers();
        current.retain(|id, peer| peers.get(id) == Some(&peer.url));
        for (id, url) in peers {
            if id == self.shared.self_id || current.contains_key(&id) {
                continue;
            }
            if let Err(e) = reqwest::Url::parse(&url) {
                tracing::error!(peer = id, url, error = %e, "peer URL is invalid; not sending to it");
                continue;
            }
            let client = match self.shared.client_for(id) {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(peer = id, url, error = %e, "cannot reach peer; not sending to it");
                    continue;
                }
            };
            let (queue, rx) = mpsc::channel(self.shared.config.queue_capacity.max(1));
            self.shared.config.metrics.watch_peer_queue(id, &queue);
            let base = url.trim_end_matches('/').to_owned();
            let task = self.runtime.spawn(run_peer(
                self.shared.clone(),
                client.clone(),
                id,
                base.clone(),
                rx,
            ));
            current.insert(
                id,
                Peer {
                    url,
                    client,
                    base,
                    queue,
                    task,
                    snapshots: JoinSet::new(),
                },
            );
        }
    }

    /// The peer map. Nothing panics while holding it; should that ever change, the map
    /// stays usable rather than poisoning every later `send`.
    fn lock_peers(&self) -> std::sync::MutexGuard<'_, BTreeMap<NodeId, Peer>> {
        self.peers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The peers messages can currently be sent to, with their URLs.
    pub fn peers(&self) -> BTreeMap<NodeId, String> {
        let peers = self.lock_peers();
        peers.iter().map(|(id, p)| (*id, p.url.clone())).collect()
    }

    /// Stops every peer task (queued and in-flight messages are dropped) and waits
    /// until they are gone.
    pub async fn shutdown(&self) {
        let peers = std::mem::take(&mut *self.lock_peers());
        for peer in peers.values() {
            peer.task.abort();
        }
        for (_, peer) in peers {
            let _ = peer.task.await;
        }
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        let peers = self.peers.get_mut().unwrap_or_else(|e| e.into_inner());
        for peer in peers.values() {
            peer.task.abort();
        }
    }
}

/// Why one request to a peer failed.
#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("peer answered {status}: {body}")]
    Status {
        status: reqwest::StatusCode,
        body: String,
    },
    #[error("cannot open the snapshot file: {0}")]
    Source(std::io::Error),
    #[error("no snapshot source configured")]
    NoSource,
    #[error("snapshot message does not fit in a header: {0}")]
    Header(String),
}

/// Turns a non-2xx answer into an error carrying (the start of) its body.
async fn check_status(response: reqwest::Response) -> Result<(), SendError> {
    let status = response.status();
    if status.is_success() {
        // Read to the end so the connection goes back to the pool.
        let _ = response.bytes().await?;
        return Ok(());
    }
    let mut body = response.text().await.unwrap_or_default();
    if body.len() > 300 {
        let cut = (0..=300).rev().find(|&i| body.is_char_boundary(i));
        body.truncate(cut.unwrap_or(0));
    }
    Err(SendError::Status { status, body })
}

/// One peer: drains its queue into batches, one request in flight at a time.
async fn run_peer(
    shared: Arc<Shared>,
    client: reqwest::Client,
    peer: NodeId,
    url: String,
    mut queue: mpsc::Receiver<Message>,
) {
    let messages_url = format!("{url}{}", wire::MESSAGES_PATH);
    let mut client_urls = super::client_urls::HeaderCache::default();
    let mut batch: Vec<Message> = Vec::new();
    let mut backoff = shared.config.min_backoff;
    let mut reachable = true;
    tracing::debug!(peer, url, "peer sender started");
    while let Some(first) = queue.recv().await {
        batch.clear();
        let mut size = 0;
        let mut next = Some(first);
        while let Some(m) = next {
            size += wire::estimate_message_size(&m);
            batch.push(m);
            next = if size >= shared.config.max_batch_bytes {
                None
            } else if let Ok(m) = queue.try_recv() {
                Some(m)
            } else if batch.iter().all(is_commit_update) {
                hold_for_company(&mut queue, shared.config.commit_update_hold).await
            } else {
                None
            };
        }
        drop_superseded_updates(&mut batch);
        let body = wire::encode_batch(&shared.cluster_id, shared.self_id, &batch);
        let result = async {
            let mut request = client
                .post(&messages_url)
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            if let Some(v) = shared.config.client_urls.header(&mut client_urls) {
                request = request.header(wire::HEADER_CLIENT_URLS, v);
            }
            let response = request
                .timeout(shared.config.request_timeout)
                .body(body)
                .send()
                .await?;
            check_status(response).await
        }
        .await;
        match result {
            Ok(()) => {
                if !reachable {
                    tracing::info!(peer, url, "peer reachable again");
                }
                reachable = true;
                backoff = shared.config.min_backoff;
            }
            Err(e) => {
                if reachable {
                    tracing::warn!(peer, url, error = %e, messages = batch.len(), "cannot send to peer");
                } else {
                    tracing::debug!(peer, url, error = %e, messages = batch.len(), "cannot send to peer");
                }
                reachable = false;
                shared.report_unreachable(peer);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(shared.config.max_backoff);
            }
        }
    }
    tracing::debug!(peer, "peer sender stopped");
}

/// The next queued message if one arrives within `hold`.
async fn hold_for_company(queue: &mut mpsc::Receiver<Message>, hold: Duration) -> Option<Message> {
    if hold.is_zero() {
        return None;
    }
    tokio::time::timeout(hold, queue.recv())
        .await
        .ok()
        .flatten()
}

/// Reports a snapshot as failed if its task ends without reporting, e.g. when the
/// peer is removed or re-addressed, or the transport shuts down mid-stream: the core
/// keeps the peer in snapshot state until it hears an outcome.
struct SnapshotOutcome {
    events: mpsc::Sender<TransportEvent>,
    to: NodeId,
    reported: bool,
}

impl Drop for SnapshotOutcome {
    fn drop(&mut self) {
        if !self.reported {
            let _ = self.events.try_send(TransportEvent::SnapshotStatus {
                to: self.to,
                ok: false,
            });
        }
    }
}

/// Streams one snapshot file to its peer and reports the outcome. `outcome` is made
/// by the caller so that even a task aborted before it first runs reports failure.
async fn send_snapshot(
    shared: Arc<Shared>,
    client: reqwest::Client,
    base: String,
    mut message: Message,
    mut outcome: SnapshotOutcome,
) {
    let peer = outcome.to;
    let (index, term) = message
        .snapshot
        .as_ref()
        .map_or((0, 0), |s| (s.meta.index, s.meta.term));
    if let Some(snapshot) = &mut message.snapshot {
        // The file travels as the body; never inline.
        snapshot.data = bytes::Bytes::new();
    }
    let result = stream_snapshot(&shared, &client, &base, &message, index, term).await;
    shared.sending.end(peer);
    let ok = match result {
        Ok(size) => {
            tracing::info!(peer, index, term, bytes = size, "sent snapshot");
            true
        }
        Err(e) => {
            tracing::warn!(peer, index, term, error = %e, "cannot send snapshot");
            false
        }
    };
    shared.config.metrics.snapshot_sent(ok);
    // Unlike unreachable hints, the core waits for this outcome: wait for room.
    let _ = shared
        .events
        .send(TransportEvent::SnapshotStatus { to: peer, ok })
        .await;
    outcome.reported = true;
}

async fn stream_snapshot(
    shared: &Shared,
    client: &reqwest::Client,
    base: &str,
    message: &Message,
    index: u64,
    term: u64,
) -> Result<u64, SendError> {
    let source = shared
        .config
        .snapshot_source
        .as_ref()
        .ok_or(SendError::NoSource)?;
    let (reader, size) = source.open(index, term).map_err(SendError::Source)?;
    let (sending, peer) = (shared.sending.clone(), message.to);
    sending.start(peer, size);
    let header_json =
        serde_json::to_string(message).map_err(|e| SendError::Header(e.to_string()))?;
    let header_value =
        HeaderValue::from_str(&header_json).map_err(|e| SendError::Header(e.to_string()))?;
    let chunks = futures_util::stream::try_unfold(reader, move |mut reader| {
        let sending = sending.clone();
        async move {
            let mut buf = BytesMut::with_capacity(64 * 1024);
            let n = reader.read_buf(&mut buf).await?;
            sending.add(peer, n as u64);
            Ok::<_, std::io::Error>((n > 0).then(|| (buf.freeze(), reader)))
        }
    });
    let timeout = SNAPSHOT_BASE_TIMEOUT + Duration::from_secs(SNAPSHOT_SECS_PER_MIB * (size >> 20));
    let response = client
        .post(format!("{base}{}", wire::SNAPSHOT_PATH))
        .header(wire::HEADER_CLUSTER_ID, shared.cluster_id.as_str())
        .header(wire::HEADER_FROM, shared.self_id.to_string())
        .header(wire::HEADER_SNAPSHOT_SIZE, size.to_string())
        .header(wire::HEADER_MESSAGE, header_value)
        .header(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        )
        .timeout(timeout)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await?;
    check_status(response).await?;
    Ok(size)
}
