//! The HTTP accept loop: one listener for clients and peers, with the limits that keep a
//! member up whatever its connections do.
//!
//! - **Timeouts.** A connection must start a request within [`HEADER_TIMEOUT`] of opening
//!   or of its previous answer (this is also the keep-alive idle timeout), and finish the
//!   request head within [`HEADER_TIMEOUT`] of its first byte. Bodies have their own
//!   deadlines ([`BodyTimeouts`], enforced by the guard layer).
//! - **A connection cap** derived from the process's open-file limit, with a reserve:
//!   [`ConnectionCap`]. When the shared part is full, the oldest idle connection is closed
//!   to make room; when none is idle, a new connection is served from the reserve, which
//!   answers only peer (`/raft/`) and admin routes; past the cap, new connections are
//!   closed at once.
//! - **Small idle connections.** A connection gets hyper's buffers only once it has sent
//!   a byte: until then it costs a socket and a small task.
//! - **Quiet logs.** What was refused or closed is counted and logged at most once per
//!   [`REPORT_EVERY`]; accept errors (e.g. out of file descriptors) back off.
//!
//! - **TLS.** With a [`rustls::ServerConfig`], every connection is TLS: the handshake
//!   must finish within [`HEADER_TIMEOUT`], and what the client certificate names is set
//!   on each of its requests as a [`Caller`]. A plaintext HTTP request on a TLS listener
//!   gets a plaintext 400 saying to use `https://`.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::guard::{self, BodyTimeouts, Guard};
use crate::tls::member::MemberTls;
use crate::tls::{Caller, Identity};

/// Time to start a request on a connection (after opening it or after the previous
/// answer: the keep-alive idle timeout) and, once its first byte is in, to finish the
/// head. Ten seconds covers a slow client on a bad network; peers send every tick and
/// never idle that long, and the CLI and peers reconnect on their own.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for the whole body of a client or admin request (at most 512 KiB): a client
/// slower than ~50 KiB/s is refused with 408 rather than holding a connection.
pub const CLIENT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for the whole body of a `POST /raft/messages` batch (at most 64 MiB): generous,
/// since a busy receiver reads slowly on purpose (backpressure), but finite. Handing the
/// read batch to the node is bounded by the node's inbox, not by this timeout.
pub const PEER_BATCH_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest pause inside a `POST /raft/snapshot` stream: snapshots may take minutes as a
/// whole, but a stream with no bytes for this long is dead.
pub const SNAPSHOT_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most bytes hyper buffers per connection: room for heads up to this size, so that the
/// guard's smaller limits ([`super::MAX_HEADER_BYTES`], [`super::MAX_URI_BYTES`]) answer
/// with JSON; larger heads get hyper's own bare 431.
pub const MAX_BUF_BYTES: usize = 128 * 1024;
/// Open files kept out of the connection cap: the database, snapshot files, outgoing
/// peer connections, logs. At least this many, or an eighth of the limit if more.
pub const FILES_KEPT: usize = 128;
/// Share of the cap kept for peer and admin requests (at least [`MIN_RESERVE`]).
pub const RESERVE_DIVISOR: usize = 16;
/// Smallest reserve of connections for peers and operators.
pub const MIN_RESERVE: usize = 16;
/// The cap when the open-file limit cannot be read.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// New connections that may wait, past the cap, for an idle one to close: taken from the
/// descriptors of [`FILES_KEPT`], so well below it.
pub const MAX_WAITING: usize = 32;
/// How long a new connection waits for room freed by closing an idle one.
pub const EVICTION_WAIT: Duration = Duration::from_millis(200);
/// At most one warning per kind per this period.
pub const REPORT_EVERY: Duration = Duration::from_secs(1);
/// First and longest pause after a failed accept (e.g. out of file descriptors).
pub const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(5);
pub const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);
/// Environment variable that sets every HTTP timeout to one duration (for tests that
/// cannot wait ten seconds), e.g. `RAFTCTL_TEST_HTTP_TIMEOUTS=1s`.
pub const TEST_TIMEOUTS_ENV: &str = "RAFTCTL_TEST_HTTP_TIMEOUTS";

/// The timeouts of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    pub header_timeout: Duration,
    pub body: BodyTimeouts,
    pub max_connections: usize,
}

impl HttpSettings {
    /// The defaults above, the cap from the open-file limit, and `RAFTCTL_TEST_HTTP_TIMEOUTS`.
    pub fn from_env() -> HttpSettings {
        let mut s = HttpSettings {
            header_timeout: HEADER_TIMEOUT,
            body: BodyTimeouts {
                client: CLIENT_BODY_TIMEOUT,
                peer_batch: PEER_BATCH_TIMEOUT,
                snapshot_idle: SNAPSHOT_IDLE_TIMEOUT,
            },
            max_connections: ConnectionCap::from_file_limit(open_file_limit()).total,
        };
        if let Some(d) = std::env::var(TEST_TIMEOUTS_ENV)
            .ok()
            .and_then(|v| humantime::parse_duration(&v).ok())
        {
            s.header_timeout = d;
            s.body = BodyTimeouts {
                client: d,
                peer_batch: d,
                snapshot_idle: d,
            };
        }
        s
    }
}

/// The soft limit on open files, from `/proc/self/limits` (Linux). `raftctl serve`
/// raises it to the hard limit first (`cli::serve`); the hard limit is the operator's
/// (`ulimit -n`, systemd's `LimitNOFILE=`).
pub fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// How many connections are served at once, and how many of them are kept for peers and
/// operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionCap {
    pub total: usize,
    pub reserve: usize,
}

impl ConnectionCap {
    /// From the soft open-file limit: what is left after [`FILES_KEPT`] (or an eighth).
    pub fn from_file_limit(limit: Option<usize>) -> ConnectionCap {
        let total = match limit {
            Some(l) => l.saturating_sub(FILES_KEPT.max(l / 8)).max(2 * MIN_RESERVE),
            None => DEFAULT_MAX_CONNECTIONS,
        };
        ConnectionCap::new(total)
    }

    pub fn new(total: usize) -> ConnectionCap {
        let reserve = (total / RESERVE_DIVISOR).max(MIN_RESERVE).min(total / 2);
        ConnectionCap { total, reserve }
    }
}

/// What the accept loop shares with its connections.
struct Shared {
    router: Router,
    /// Every connection is TLS with these settings.
    tls: Option<(tokio_rustls::TlsAcceptor, Arc<MemberTls>)>,
    settings: HttpSettings,
    stats: Stats,
    registry: Registry,
    /// Connections past this count are closed at once.
    total: Arc<Semaphore>,
    /// The part of the cap any connection may use.
    shared: Arc<Semaphore>,
    /// New connections waiting, past the cap, for an evicted one to close.
    waiting: Arc<Semaphore>,
    cap: ConnectionCap,
}

/// Serves `app` on `listener` until `stop` turns true, then lets open requests finish
/// (the caller bounds how long).
pub async fn serve_http(
    listener: TcpListener,
    app: Router,
    advertise: &str,
    settings: HttpSettings,
    tls: Option<Arc<MemberTls>>,
    auth: Option<Arc<super::auth::AuthPolicy>>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let shared = Shared::new(app, advertise, settings, tls, auth)?;
    let mut connections = JoinSet::new();
    let reporter = tokio::spawn(report(shared.clone()));
    let mut backoff = ACCEPT_BACKOFF_MIN;
    loop {
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => break,
            a = listener.accept() => a,
        };
        let (stream, _peer) = match accepted {
            Ok(a) => {
                backoff = ACCEPT_BACKOFF_MIN;
                a
            }
            Err(e) => {
                // Out of descriptors or memory, or a connection reset before it was
                // accepted: pause so that a full table does not spin, then retry.
                shared.stats.accept_errors.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(error = %e, "accept failed");
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        place(&shared, stream, &mut connections, &stop);
    }
    reporter.abort();
    drop(listener);
    // Open connections finish their current request and close.
    while connections.join_next().await.is_some() {}
    Ok(())
}

impl Shared {
    /// The state every connection of one listener shares: `app` behind the guard and
    /// (when there is a policy) the authorization layers, and the connection cap.
    fn new(
        app: Router,
        advertise: &str,
        settings: HttpSettings,
        tls: Option<Arc<MemberTls>>,
        auth: Option<Arc<super::auth::AuthPolicy>>,
    ) -> std::io::Result<Arc<Shared>> {
        let tls = match tls {
            Some(t) => {
                let config = t.server_config().map_err(std::io::Error::other)?;
                Some((tokio_rustls::TlsAcceptor::from(config), t))
            }
            None => None,
        };
        let guard = Arc::new(Guard::new(advertise, settings.body));
        let mut router = app.layer(axum::middleware::from_fn_with_state(guard, guard::guard));
        // Who may ask is settled first: a caller without the right gets 401 or 403 and
        // learns nothing else about the route.
        if let Some(policy) = auth {
            router = router.layer(axum::middleware::from_fn_with_state(
                policy,
                super::auth::authorize,
            ));
        }
        let cap = ConnectionCap::new(settings.max_connections);
        tracing::info!(
            max_connections = cap.total,
            reserve = cap.reserve,
            header_timeout = %humantime::format_duration(settings.header_timeout),
            "HTTP limits"
        );
        Ok(Arc::new(Shared {
            router,
            tls,
            settings,
            stats: Stats::default(),
            registry: Registry::default(),
            total: Arc::new(Semaphore::new(cap.total)),
            shared: Arc::new(Semaphore::new(cap.total - cap.reserve)),
            waiting: Arc::new(Semaphore::new(MAX_WAITING)),
            cap,
        }))
    }
}

/// Serves an accepted connection if it fits under the cap; at the cap, closes an idle
/// connection and takes its place (using a few of the descriptors kept out of the cap
/// while it goes), or else closes the new one.
fn place(
    shared: &Arc<Shared>,
    stream: TcpStream,
    connections: &mut JoinSet<()>,
    stop: &watch::Receiver<bool>,
) {
    match shared.total.clone().try_acquire_owned() {
        Ok(total) => {
            connections.spawn(admit(shared.clone(), stream, total, stop.clone()));
        }
        Err(_) => match shared.waiting.clone().try_acquire_owned() {
            Ok(waiting) if shared.registry.evict_oldest_idle() => {
                shared.stats.evicted.fetch_add(1, Ordering::Relaxed);
                let shared = shared.clone();
                let stop = stop.clone();
                connections.spawn(async move {
                    let total =
                        tokio::time::timeout(EVICTION_WAIT, shared.total.clone().acquire_owned())
                            .await;
                    drop(waiting);
                    match total {
                        Ok(Ok(total)) => admit(shared, stream, total, stop).await,
                        _ => {
                            shared.stats.refused_at_cap.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
            _ => {
                shared.stats.refused_at_cap.fetch_add(1, Ordering::Relaxed);
                drop(stream);
            }
        },
    }
}

/// Finds room for a new connection (closing an idle one if needed), then serves it.
async fn admit(
    shared: Arc<Shared>,
    stream: TcpStream,
    total: OwnedSemaphorePermit,
    stop: watch::Receiver<bool>,
) {
    let mut permit = shared.shared.clone().try_acquire_owned().ok();
    if permit.is_none() && shared.registry.evict_oldest_idle() {
        shared.stats.evicted.fetch_add(1, Ordering::Relaxed);
        permit = tokio::time::timeout(EVICTION_WAIT, shared.shared.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok);
    }
    // Without a shared slot the connection is served from the reserve (the total permit
    // bounds it): peer and admin routes only.
    let reserve = permit.is_none();
    serve_connection(shared, stream, reserve, stop).await;
    drop(permit);
    drop(total);
}

/// Serves one connection: waits for its first byte, then (with TLS) the handshake, then
/// HTTP/1.1 until it closes, is evicted, or the server stops.
async fn serve_connection(
    shared: Arc<Shared>,
    stream: TcpStream,
    reserve: bool,
    mut stop: watch::Receiver<bool>,
) {
    let id = shared.registry.next_id.fetch_add(1, Ordering::Relaxed);
    let state = Arc::new(ConnState {
        in_flight: AtomicUsize::new(0),
        requests: AtomicU64::new(0),
        evict: Notify::new(),
        evicted: AtomicBool::new(false),
    });
    shared.registry.lock().insert(id, state.clone());
    let _unregister = Unregister {
        shared: shared.clone(),
        id,
    };
    // Until a byte arrives the connection has no buffers; one that sends nothing is
    // closed after the header timeout, or sooner to make room.
    tokio::select! {
        ready = tokio::time::timeout(shared.settings.header_timeout, stream.readable()) => {
            match ready {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return,
                Err(_) => {
                    shared.stats.no_request.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
        }
        () = state.evict.notified() => return,
        _ = stop.wait_for(|s| *s) => return,
    }
    // Boxed: the TLS and HTTP state machines are allocated only now, so that a task
    // waiting for its first byte stays small (a flood of 12,000 silent connections cost
    // about 20 KiB each with them inline, and glibc kept the memory afterwards).
    Box::pin(serve_ready(&shared, stream, reserve, &state, &mut stop)).await;
}

/// The rest of [`serve_connection`], once the first byte is in.
async fn serve_ready(
    shared: &Arc<Shared>,
    stream: TcpStream,
    reserve: bool,
    state: &Arc<ConnState>,
    stop: &mut watch::Receiver<bool>,
) {
    let remote = stream.peer_addr().ok();
    let Some((acceptor, member_tls)) = shared.tls.clone() else {
        let caller = Caller {
            remote,
            ..Caller::default()
        };
        serve_http1(shared, TokioIo::new(stream), caller, reserve, state, stop).await;
        return;
    };
    // A TLS client starts with a handshake record (content type 22).
    let mut first = [0u8; 1];
    if matches!(stream.peek(&mut first).await, Ok(1) if first[0] != 0x16) {
        shared.stats.plaintext.fetch_add(1, Ordering::Relaxed);
        tls_required(stream, shared.settings.header_timeout).await;
        return;
    }
    let handshake = tokio::select! {
        h = tokio::time::timeout(shared.settings.header_timeout, acceptor.accept(stream)) => h,
        () = state.evict.notified() => return,
        _ = stop.wait_for(|s| *s) => return,
    };
    let stream = match handshake {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            shared
                .stats
                .handshake_failed
                .fetch_add(1, Ordering::Relaxed);
            tracing::debug!(error = %e, "TLS handshake failed");
            *shared
                .stats
                .last_handshake_error
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
            return;
        }
        Err(_) => {
            shared.stats.no_request.fetch_add(1, Ordering::Relaxed);
            return;
        }
    };
    let session = stream.get_ref().1;
    let chain = session.peer_certificates().unwrap_or_default();
    if session.handshake_kind() == Some(rustls::HandshakeKind::Resumed) {
        if let Err(e) = member_tls.recheck_client(chain) {
            shared
                .stats
                .handshake_failed
                .fetch_add(1, Ordering::Relaxed);
            *shared
                .stats
                .last_handshake_error
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(format!(
                "a resumed session's certificate no longer passes: {e}"
            ));
            return;
        }
    }
    let certificate = chain
        .first()
        .and_then(|leaf| Identity::of_certificate(leaf).ok().flatten());
    let caller = Caller {
        tls: true,
        certificate,
        remote,
    };
    serve_http1(shared, TokioIo::new(stream), caller, reserve, state, stop).await;
}

/// Answers a plaintext HTTP request on a TLS listener, in plaintext, then closes: the
/// client learns to use `https://` instead of seeing a reset connection.
async fn tls_required(mut stream: TcpStream, wait: Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Read (some of) the request first, so that closing does not reset the connection
    // before the client reads the answer.
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(wait.min(Duration::from_secs(1)), stream.read(&mut buf)).await;
    let body = r#"{"error":{"code":"tls_required","message":"this member speaks TLS only: use https:// (and --cacert)"}}"#;
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(wait, async {
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

async fn serve_http1<I>(
    shared: &Arc<Shared>,
    io: I,
    caller: Caller,
    reserve: bool,
    state: &Arc<ConnState>,
    stop: &mut watch::Receiver<bool>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let router = TowerToHyperService::new(shared.router.clone());
    let service_state = state.clone();
    let service_shared = shared.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        let in_flight = InFlight::start(&service_state);
        req.extensions_mut().insert(caller.clone());
        let router = router.clone();
        let shared = service_shared.clone();
        async move {
            let _in_flight = in_flight;
            if reserve && !guard::allowed_in_reserve(req.uri().path()) {
                shared.stats.reserve_refused.fetch_add(1, Ordering::Relaxed);
                return Ok(guard::reserve_refusal());
            }
            hyper::service::Service::call(&router, req).await
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.settings.header_timeout)
        .keep_alive(true)
        .max_buf_size(MAX_BUF_BYTES);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            res = conn.as_mut() => {
                if let Err(e) = res {
                    if e.is_timeout() {
                        shared.stats.no_request.fetch_add(1, Ordering::Relaxed);
                    } else {
                        tracing::debug!(error = %e, "HTTP connection ended with an error");
                    }
                }
                break;
            }
            () = state.evict.notified(), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = stop.wait_for(|s| *s), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

mod conns;

use conns::{report, ConnState, InFlight, Registry, Stats, Unregister};

#[cfg(test)]
mod tests;
