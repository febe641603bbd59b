//! Two-sided tests on loopback: real axum servers on 127.0.0.1:0, real reqwest clients.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use bytes::Bytes;
use tokio::io::AsyncWrite;
use tokio::sync::mpsc;

use super::wire::{self, ErrorBody};
use super::*;
use crate::cluster_id::ClusterId;
use crate::raft::{Entry, MessageType, Snapshot, SnapshotMeta};

const CLUSTER: u64 = 0x00c0_ffee_0000_0001;
const WAIT: Duration = Duration::from_secs(5);

/// A node's receiving side on a free loopback port.
struct Node {
    url: String,
    inbox: mpsc::Receiver<Message>,
    requests: Arc<AtomicUsize>,
    /// Client addresses seen: one per TCP connection.
    connections: Arc<Mutex<std::collections::BTreeSet<SocketAddr>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn node_with(inbound: impl FnOnce(mpsc::Sender<Message>) -> Inbound) -> Node {
    let (deliver, inbox) = mpsc::channel(1024);
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let connections = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let seen = connections.clone();
    let app = router(inbound(deliver)).layer(axum::middleware::from_fn(
        move |req: Request, next: Next| {
            let counter = counter.clone();
            if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
                seen.lock().unwrap().insert(*addr);
            }
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                next.run(req).await
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        let _ = axum::serve(listener, app).await;
    });
    Node {
        url: format!("http://{addr}"),
        inbox,
        requests,
        connections,
        server,
    }
}

/// Node `id` of `CLUSTER` whose members are 1, 2 and 3.
async fn node(id: NodeId) -> Node {
    node_with(|deliver| Inbound::new(CLUSTER, id, |from| (1..=3).contains(&from), deliver)).await
}

fn append(from: NodeId, to: NodeId, index: u64) -> Message {
    let mut m = Message::new(MessageType::Append, from, to);
    m.term = 2;
    m.index = index;
    m.entries = vec![Entry {
        term: 2,
        index: index + 1,
        data: Bytes::from(vec![index as u8; 100]),
        ..Entry::default()
    }];
    m
}

fn transport(
    self_id: NodeId,
    peers: &[(NodeId, &str)],
    config: TransportConfig,
) -> (Transport, mpsc::Receiver<TransportEvent>) {
    let (events, rx) = mpsc::channel(64);
    let peers = peers
        .iter()
        .map(|(id, url)| (*id, url.to_string()))
        .collect();
    let t = Transport::with_config(CLUSTER, self_id, peers, events, config).unwrap();
    (t, rx)
}

async fn recv<T>(rx: &mut mpsc::Receiver<T>) -> T {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("nothing arrived in time")
        .expect("channel closed")
}

/// A URL where nothing listens (a port that was just free).
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

async fn post_batch(url: &str, body: Vec<u8>) -> (reqwest::StatusCode, ErrorBody) {
    let response = reqwest::Client::new()
        .post(format!("{url}{}", wire::MESSAGES_PATH))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[test]
fn transport_is_shareable_and_needs_a_runtime() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Transport>();
    shareable::<Inbound>();
    let (events, _rx) = mpsc::channel(1);
    assert!(matches!(
        Transport::new(CLUSTER, 1, BTreeMap::new(), events),
        Err(Error::NoRuntime)
    ));
}

#[tokio::test]
async fn two_transports_exchange_batches() {
    let mut n1 = node(1).await;
    let mut n2 = node(2).await;
    let peers = [(1, n1.url.as_str()), (2, n2.url.as_str())];
    let (t1, _e1) = transport(1, &peers, TransportConfig::default());
    let (t2, _e2) = transport(2, &peers, TransportConfig::default());

    let sent: Vec<Message> = (0..10).map(|i| append(1, 2, i)).collect();
    t1.send(sent.clone());
    for m in &sent {
        assert_eq!(&recv(&mut n2.inbox).await, m, "delivered in order, intact");
    }
    let mut resp = Message::new(MessageType::AppendResp, 2, 1);
    resp.index = 10;
    t2.send(vec![resp.clone()]);
    assert_eq!(recv(&mut n1.inbox).await, resp);
    t1.shutdown().await;
    t2.shutdown().await;
}

#[tokio::test]
async fn many_messages_share_one_request() {
    let mut n2 = node(2).await;
    let (t1, _events) = transport(1, &[(2, &n2.url)], TransportConfig::default());
    // Queued in one go, before the peer task runs (single-threaded test runtime).
    t1.send((0..500).map(|i| append(1, 2, i)).collect());
    for i in 0..500 {
        assert_eq!(recv(&mut n2.inbox).await.index, i);
    }
    let requests = n2.requests.load(Ordering::SeqCst);
    assert_eq!(requests, 1, "500 messages took {requests} requests");
}

fn commit_update(from: NodeId, to: NodeId, index: u64, commit: u64) -> Message {
    let mut m = Message::new(MessageType::Append, from, to);
    m.term = 2;
    m.index = index;
    m.commit = commit;
    m
}

#[tokio::test]
async fn a_commit_update_waits_for_the_next_append_and_appends_never_wait() {
    let mut n2 = node(2).await;
    // A hold far longer than the test: whatever arrives was not held back by it.
    let config = TransportConfig {
        commit_update_hold: Duration::from_secs(3600),
        ..TransportConfig::default()
    };
    let (t1, _events) = transport(1, &[(2, &n2.url)], config);
    t1.send(vec![append(1, 2, 4)]);
    assert_eq!(
        recv(&mut n2.inbox).await.index,
        4,
        "an append goes out at once"
    );
    t1.send(vec![commit_update(1, 2, 5, 5)]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut next = append(1, 2, 5);
    next.commit = 5;
    t1.send(vec![next.clone()]);
    // The append says all the update said: it goes alone, in the same request.
    assert_eq!(recv(&mut n2.inbox).await, next);
    assert_eq!(
        n2.requests.load(Ordering::SeqCst),
        2,
        "one request for both"
    );
}

#[test]
fn only_updates_a_later_append_of_the_same_term_supersedes_are_dropped() {
    let mut heartbeat = Message::new(MessageType::Heartbeat, 1, 2);
    heartbeat.term = 2;
    let mut old_term = commit_update(1, 2, 3, 3);
    old_term.term = 1;
    let mut batch = vec![
        // a later append is of another term: kept
        old_term.clone(),
        // superseded by the append at 4
        commit_update(1, 2, 4, 4),
        append(1, 2, 4),
        // followed by a heartbeat only: kept
        commit_update(1, 2, 5, 5),
        heartbeat.clone(),
    ];
    super::batch::drop_superseded_updates(&mut batch);
    assert_eq!(
        batch,
        vec![
            old_term,
            append(1, 2, 4),
            commit_update(1, 2, 5, 5),
            heartbeat
        ]
    );
}

#[tokio::test]
async fn a_commit_update_alone_goes_out_after_the_hold() {
    let mut n2 = node(2).await;
    let config = TransportConfig {
        commit_update_hold: Duration::from_millis(20),
        ..TransportConfig::default()
    };
    let (t1, _events) = transport(1, &[(2, &n2.url)], config);
    t1.send(vec![commit_update(1, 2, 6, 6)]);
    assert_eq!(recv(&mut n2.inbox).await.commit, 6);
    assert_eq!(n2.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn requests_reuse_one_connection() {
    let mut n2 = node(2).await;
    let (t1, _events) = transport(1, &[(2, &n2.url)], TransportConfig::default());
    for i in 0..5 {
        t1.send(vec![append(1, 2, i)]);
        assert_eq!(recv(&mut n2.inbox).await.index, i);
    }
    assert_eq!(n2.requests.load(Ordering::SeqCst), 5);
    assert_eq!(n2.connections.lock().unwrap().len(), 1, "kept alive");
}

#[tokio::test]
async fn a_full_inbox_holds_the_request_open() {
    let (deliver, mut inbox) = mpsc::channel(1);
    let n2 = node_with(|_| Inbound::new(CLUSTER, 2, |_| true, deliver)).await;
    let body = wire::encode_batch(
        &ClusterId(CLUSTER).to_string(),
        1,
        &(0..3).map(|i| append(1, 2, i)).collect::<Vec<_>>(),
    );
    let request = tokio::spawn(
        reqwest::Client::new()
            .post(format!("{}{}", n2.url, wire::MESSAGES_PATH))
            .body(body)
            .send(),
    );
    // Only the first message fits; the request waits for the node to take it.
    assert_eq!(recv(&mut inbox).await.index, 0);
    assert!(!request.is_finished());
    assert_eq!(recv(&mut inbox).await.index, 1);
    assert_eq!(recv(&mut inbox).await.index, 2);
    let response = request.await.unwrap().unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn batches_stay_under_the_byte_cap() {
    let mut n2 = node(2).await;
    let config = TransportConfig {
        max_batch_bytes: 4 * 1024,
        ..TransportConfig::default()
    };
    let (t1, _events) = transport(1, &[(2, &n2.url)], config);
    t1.send((0..100).map(|i| append(1, 2, i)).collect());
    for i in 0..100 {
        assert_eq!(recv(&mut n2.inbox).await.index, i);
    }
    let requests = n2.requests.load(Ordering::SeqCst);
    assert!((5..100).contains(&requests), "{requests} requests");
}

#[tokio::test]
async fn wrong_cluster_id_is_refused_with_409() {
    let mut n2 = node(2).await;
    let other = ClusterId(CLUSTER + 1).to_string();
    let body = wire::encode_batch(&other, 1, &[append(1, 2, 0)]);
    let (status, error) = post_batch(&n2.url, body).await;
    assert_eq!(status, reqwest::StatusCode::CONFLICT);
    assert_eq!(error.error.code, "conflict");
    assert!(
        error.error.message.contains(&other),
        "{}",
        error.error.message
    );
    assert!(n2.inbox.try_recv().is_err(), "nothing delivered");

    // A transport configured for another cluster sees its peer as unreachable.
    let (events, mut event_rx) = mpsc::channel(8);
    let peers = BTreeMap::from([(2, n2.url.clone())]);
    let t = Transport::new(CLUSTER + 1, 1, peers, events).unwrap();
    t.send(vec![append(1, 2, 0)]);
    assert_eq!(recv(&mut event_rx).await, TransportEvent::Unreachable(2));
    assert!(n2.inbox.try_recv().is_err(), "nothing delivered");
}

#[tokio::test]
async fn unknown_member_is_refused() {
    let mut n2 = node(2).await;
    let body = wire::encode_batch(&ClusterId(CLUSTER).to_string(), 9, &[append(9, 2, 0)]);
    let (status, error) = post_batch(&n2.url, body).await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    assert_eq!(error.error.code, "not_member");
    assert!(n2.inbox.try_recv().is_err());
}

#[tokio::test]
async fn membership_is_asked_on_every_request() {
    let allowed = Arc::new(Mutex::new(vec![1u64]));
    let members = allowed.clone();
    let mut n2 = node_with(move |deliver| {
        Inbound::new(
            CLUSTER,
            2,
            move |id| members.lock().unwrap().contains(&id),
            deliver,
        )
    })
    .await;
    let cluster = ClusterId(CLUSTER).to_string();
    let (status, _) =
        post_batch(&n2.url, wire::encode_batch(&cluster, 4, &[append(4, 2, 0)])).await;
    assert_eq!(status, reqwest::StatusCode::FORBIDDEN);
    allowed.lock().unwrap().push(4);
    let response = reqwest::Client::new()
        .post(format!("{}{}", n2.url, wire::MESSAGES_PATH))
        .body(wire::encode_batch(&cluster, 4, &[append(4, 2, 0)]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::NO_CONTENT);
    assert_eq!(recv(&mut n2.inbox).await.from, 4);
}

#[tokio::test]
async fn bad_batches_get_400_and_deliver_nothing() {
    let mut n2 = node(2).await;
    let cluster = ClusterId(CLUSTER).to_string();
    let mut local = append(1, 2, 1);
    local.msg_type = MessageType::Hup;
    let mut forged = append(1, 2, 1);
    forged.from = 3;
    let mut misrouted = append(1, 2, 1);
    misrouted.to = 3;
    let mut inline_snapshot = Message::new(MessageType::Snapshot, 1, 2);
    inline_snapshot.snapshot = Some(Snapshot::default());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not json", b"{\"cluster_id\": ".to_vec()),
        ("garbage", vec![0xff, 0x00, 0x13]),
        (
            "bad base64",
            format!(
                r#"{{"cluster_id":"{cluster}","from":1,"messages":[{{"type":"append","to":2,"from":1,"entries":[{{"term":1,"index":1,"data":"!!"}}]}}]}}"#
            )
            .into_bytes(),
        ),
        ("bad cluster id", wire::encode_batch("xyz", 1, &[append(1, 2, 0)])),
        // The good first message must not be delivered either.
        ("local type", wire::encode_batch(&cluster, 1, &[append(1, 2, 0), local])),
        ("forged from", wire::encode_batch(&cluster, 1, &[append(1, 2, 0), forged])),
        ("wrong to", wire::encode_batch(&cluster, 1, &[append(1, 2, 0), misrouted])),
        ("inline snapshot", wire::encode_batch(&cluster, 1, &[inline_snapshot])),
    ];
    for (what, body) in cases {
        let (status, error) = post_batch(&n2.url, body).await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(error.error.code, "bad_request", "{what}");
        assert!(n2.inbox.try_recv().is_err(), "{what}: nothing delivered");
    }
}

#[tokio::test]
async fn wrong_method_gets_a_json_error() {
    let n2 = node(2).await;
    let response = reqwest::get(format!("{}{}", n2.url, wire::MESSAGES_PATH))
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED);
    let error: ErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, "method_not_allowed");
}

#[tokio::test]
async fn oversized_body_is_refused_with_413() {
    let mut n2 = node_with(|deliver| {
        let mut inbound = Inbound::new(CLUSTER, 2, |_| true, deliver);
        inbound.max_body_bytes = 1024;
        inbound
    })
    .await;
    let body = wire::encode_batch(
        &ClusterId(CLUSTER).to_string(),
        1,
        &(0..20).map(|i| append(1, 2, i)).collect::<Vec<_>>(),
    );
    let (status, error) = post_batch(&n2.url, body).await;
    assert_eq!(status, reqwest::StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error.error.code, "too_large");
    assert!(n2.inbox.try_recv().is_err());
}

#[tokio::test]
async fn unreachable_peer_is_reported() {
    let dead = dead_url();
    let (t, mut events) = transport(1, &[(2, &dead)], TransportConfig::default());
    t.send(vec![append(1, 2, 0)]);
    assert_eq!(recv(&mut events).await, TransportEvent::Unreachable(2));
    // Unknown peers too, without any request.
    t.send(vec![append(1, 7, 0)]);
    assert_eq!(recv(&mut events).await, TransportEvent::Unreachable(7));
}

#[tokio::test]
async fn full_queue_drops_without_blocking() {
    let dead = dead_url();
    let config = TransportConfig {
        queue_capacity: 4,
        ..TransportConfig::default()
    };
    let (t, mut events) = transport(1, &[(2, &dead)], config);
    // On this single-threaded runtime the peer task cannot run during `send`: if
    // `send` waited for room it would never return.
    t.send((0..100).map(|i| append(1, 2, i)).collect());
    assert_eq!(events.try_recv(), Ok(TransportEvent::Unreachable(2)));
    assert!(events.try_recv().is_err(), "reported once per call");
    t.shutdown().await;
}

#[tokio::test]
async fn set_peers_adds_and_removes() {
    let mut n2 = node(2).await;
    let mut n3 = node(3).await;
    let (t, mut events) = transport(1, &[(2, &n2.url)], TransportConfig::default());
    t.set_peers(BTreeMap::from([
        (1, "http://self.invalid".to_string()),
        (3, n3.url.clone()),
    ]));
    assert_eq!(t.peers(), BTreeMap::from([(3, n3.url.clone())]));
    t.send(vec![append(1, 2, 0), append(1, 3, 0)]);
    assert_eq!(recv(&mut n3.inbox).await.to, 3);
    assert_eq!(recv(&mut events).await, TransportEvent::Unreachable(2));
    assert!(n2.inbox.try_recv().is_err());
}

/// Source: serves one in-memory file for (index 50, term 3).
struct FakeSource(Vec<u8>);

impl SnapshotSource for FakeSource {
    fn open(&self, index: u64, term: u64) -> io::Result<(SnapshotReader, u64)> {
        if (index, term) != (50, 3) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such snapshot"));
        }
        let len = self.0.len() as u64;
        Ok((Box::new(io::Cursor::new(self.0.clone())), len))
    }
}

/// Sink: keeps the file in memory; `finish` checks it against a known checksum.
#[derive(Clone, Default)]
struct FakeSink {
    expected_crc: u32,
    stored: Arc<Mutex<Option<Vec<u8>>>>,
}

struct FakeWriter {
    sink: FakeSink,
    buf: Vec<u8>,
}

impl SnapshotSink for FakeSink {
    fn create(&self, message: &Message) -> io::Result<Box<dyn SnapshotWriter>> {
        assert_eq!(message.snapshot.as_ref().map(|s| s.meta.index), Some(50));
        Ok(Box::new(FakeWriter {
            sink: self.clone(),
            buf: Vec::new(),
        }))
    }
}

impl AsyncWrite for FakeWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.buf.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl SnapshotWriter for FakeWriter {
    fn finish(self: Box<Self>) -> BoxFuture<'static, io::Result<()>> {
        Box::pin(async move {
            if crc32c::crc32c(&self.buf) != self.sink.expected_crc {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "checksum mismatch",
                ));
            }
            *self.sink.stored.lock().unwrap() = Some(self.buf);
            Ok(())
        })
    }
}

fn snapshot_message() -> Message {
    let mut m = Message::new(MessageType::Snapshot, 1, 2);
    m.term = 3;
    m.snapshot = Some(Snapshot {
        meta: SnapshotMeta {
            index: 50,
            term: 3,
            conf_state: crate::raft::ConfState {
                voters: vec![1, 2, 3],
                learners: vec![],
            },
        },
        data: Bytes::new(),
    });
    m
}

/// A file of several stream chunks, not all the same bytes.
fn snapshot_file() -> Vec<u8> {
    (0..300_000u32).map(|i| (i % 251) as u8).collect()
}

async fn snapshot_pair(sink: FakeSink) -> (Node, Transport, mpsc::Receiver<TransportEvent>) {
    let n2 =
        node_with(|deliver| Inbound::new(CLUSTER, 2, |_| true, deliver).with_snapshot_sink(sink))
            .await;
    let config = TransportConfig {
        snapshot_source: Some(Arc::new(FakeSource(snapshot_file()))),
        ..TransportConfig::default()
    };
    let (t, events) = transport(1, &[(2, &n2.url)], config);
    (n2, t, events)
}

#[tokio::test]
async fn snapshot_streams_through_source_and_sink() {
    let file = snapshot_file();
    let sink = FakeSink {
        expected_crc: crc32c::crc32c(&file),
        ..FakeSink::default()
    };
    let (mut n2, t, mut events) = snapshot_pair(sink.clone()).await;
    // A heartbeat queued behind the snapshot is not held up by it.
    let heartbeat = Message::new(MessageType::Heartbeat, 1, 2);
    t.send(vec![snapshot_message(), heartbeat]);
    let mut delivered = [recv(&mut n2.inbox).await, recv(&mut n2.inbox).await];
    delivered.sort_by_key(|m| m.msg_type == MessageType::Snapshot);
    assert_eq!(delivered[0].msg_type, MessageType::Heartbeat);
    assert_eq!(delivered[1], snapshot_message());
    assert_eq!(
        recv(&mut events).await,
        TransportEvent::SnapshotStatus { to: 2, ok: true }
    );
    assert_eq!(
        sink.stored.lock().unwrap().as_deref(),
        Some(file.as_slice())
    );
}

#[tokio::test]
async fn bad_snapshot_is_reported_and_not_delivered() {
    let sink = FakeSink {
        expected_crc: 0xdead_beef,
        ..FakeSink::default()
    };
    let (mut n2, t, mut events) = snapshot_pair(sink.clone()).await;
    t.send(vec![snapshot_message()]);
    assert_eq!(
        recv(&mut events).await,
        TransportEvent::SnapshotStatus { to: 2, ok: false }
    );
    // A snapshot the source does not have fails the same way.
    let mut missing = snapshot_message();
    if let Some(s) = &mut missing.snapshot {
        s.meta.index = 51;
    }
    t.send(vec![missing]);
    assert_eq!(
        recv(&mut events).await,
        TransportEvent::SnapshotStatus { to: 2, ok: false }
    );
    // So does a snapshot for a peer the transport has no address for.
    let mut stranger = snapshot_message();
    stranger.to = 7;
    t.send(vec![stranger]);
    assert_eq!(
        recv(&mut events).await,
        TransportEvent::SnapshotStatus { to: 7, ok: false }
    );
    assert_eq!(recv(&mut events).await, TransportEvent::Unreachable(7));
    assert!(n2.inbox.try_recv().is_err());
    assert!(sink.stored.lock().unwrap().is_none());
}

#[tokio::test]
async fn snapshot_cut_off_by_peer_removal_is_reported_failed() {
    // A peer that accepts the connection and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let config = TransportConfig {
        snapshot_source: Some(Arc::new(FakeSource(snapshot_file()))),
        ..TransportConfig::default()
    };
    let (t, mut events) = transport(1, &[(2, &url)], config);
    t.send(vec![snapshot_message()]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(events.try_recv().is_err(), "still streaming");
    t.set_peers(BTreeMap::new());
    assert_eq!(
        recv(&mut events).await,
        TransportEvent::SnapshotStatus { to: 2, ok: false }
    );
    hold.abort();
}

#[tokio::test]
async fn snapshot_route_checks_like_the_batch_route() {
    let file = snapshot_file();
    let sink = FakeSink {
        expected_crc: crc32c::crc32c(&file),
        ..FakeSink::default()
    };
    let mut n2 = node_with(|deliver| {
        Inbound::new(CLUSTER, 2, |id| id == 1, deliver).with_snapshot_sink(sink)
    })
    .await;
    let message = serde_json::to_string(&snapshot_message()).unwrap();
    let post = |cluster: String, from: &str, size: usize, body: Vec<u8>| {
        reqwest::Client::new()
            .post(format!("{}{}", n2.url, wire::SNAPSHOT_PATH))
            .header(wire::HEADER_CLUSTER_ID, cluster)
            .header(wire::HEADER_FROM, from)
            .header(wire::HEADER_SNAPSHOT_SIZE, size.to_string())
            .header(wire::HEADER_MESSAGE, message.clone())
            .body(body)
            .send()
    };
    let ours = ClusterId(CLUSTER).to_string();
    let theirs = ClusterId(CLUSTER ^ 1).to_string();
    let status = |r: reqwest::Result<reqwest::Response>| r.unwrap().status().as_u16();
    // Refusals come before the body is read; small bodies keep the client from
    // writing into a connection the server has already given up on.
    let small = b"tiny".to_vec();
    assert_eq!(status(post(theirs, "1", 4, small.clone()).await), 409);
    assert_eq!(status(post(ours.clone(), "3", 4, small.clone()).await), 403);
    assert_eq!(status(post(ours.clone(), "x", 4, small.clone()).await), 400);
    // Cut short, or longer than announced.
    assert_eq!(
        status(post(ours.clone(), "1", file.len(), file[..1000].to_vec()).await),
        400
    );
    assert_eq!(status(post(ours.clone(), "1", 2, small).await), 400);
    assert!(n2.inbox.try_recv().is_err());
    assert_eq!(status(post(ours, "1", file.len(), file.clone()).await), 204);
    assert_eq!(recv(&mut n2.inbox).await, snapshot_message());
}

#[tokio::test]
async fn a_snapshot_the_member_needs_none_of_is_refused_yet_reaches_the_core() {
    let sink = FakeSink::default();
    let mut n2 = node_with(|deliver| {
        Inbound::new(CLUSTER, 2, |id| id == 1, deliver)
            .with_snapshot_sink(sink)
            .with_snapshot_gate(|m: &Message| {
                let index = m.snapshot.as_ref().map_or(0, |s| s.meta.index);
                Err(SnapshotRefusal {
                    reason: format!(
                        "it is at index {index}, at or below this member's commit index"
                    ),
                    already_committed: index <= 1_000,
                })
            })
    })
    .await;
    let post = |message: &Message| {
        reqwest::Client::new()
            .post(format!("{}{}", n2.url, wire::SNAPSHOT_PATH))
            .header(wire::HEADER_CLUSTER_ID, ClusterId(CLUSTER).to_string())
            .header(wire::HEADER_FROM, "1")
            .header(wire::HEADER_SNAPSHOT_SIZE, "4")
            .header(
                wire::HEADER_MESSAGE,
                serde_json::to_string(message).unwrap(),
            )
            .body(b"tiny".to_vec())
            .send()
    };
    // At or below the commit index: 409 to the sender, and the message (no file) to the
    // node, whose core then tells the leader where it stands.
    let stale = snapshot_message();
    let r = post(&stale).await.unwrap();
    assert_eq!(r.status().as_u16(), 409);
    assert_eq!(recv(&mut n2.inbox).await, stale);
    // Refused for any other reason: nothing reaches the node.
    let mut other = snapshot_message();
    if let Some(s) = other.snapshot.as_mut() {
        s.meta.index = 5_000;
    }
    let r = post(&other).await.unwrap();
    assert_eq!(r.status().as_u16(), 409);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(n2.inbox.try_recv().is_err());
}
