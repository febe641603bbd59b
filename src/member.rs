//! One member, wired together: the composition root. It opens the node's data dir,
//! makes the metrics, the peer transport (both directions) and the API, starts the node
//! task, serves HTTP until a signal or a failure, and stops everything in order. It is
//! the only module that knows all of them; each of them knows only those below it
//! (see the module list in `lib.rs`).

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::api::auth::AuthPolicy;
use crate::metrics::Metrics;
use crate::node::{self, Error, NodeConfig, StartMode};
use crate::tls::member::{MemberTls, POLL_EVERY};
use crate::transport::{self, Transport, TransportConfig};

/// How long shutdown waits for open HTTP requests to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Who the member trusts (from `serve`'s flags).
#[derive(Clone, Default)]
pub struct Security {
    /// Certificates: TLS on every route, mutual TLS between members. `None`: plaintext.
    pub tls: Option<Arc<MemberTls>>,
    /// Who may use which route (tokens, open routes).
    pub auth: Option<Arc<AuthPolicy>>,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("tls", &self.tls)
            .field("auth", &self.auth.is_some())
            .finish()
    }
}

/// Where a member serves: one address for everything, or peers apart (`--peer-listen`).
#[derive(Debug)]
pub struct Listeners {
    /// Clients and operators, and peers too unless `peers` is set.
    pub main: TcpListener,
    /// The URL clients reach `main` at. With `peers` set it differs from the member's
    /// URL in the membership ([`NodeConfig::advertise`], where peers reach it).
    pub client_url: String,
    /// The peer routes (`/raft/...`) alone, on an address operators can firewall apart.
    pub peers: Option<TcpListener>,
}

impl Listeners {
    /// Everything on one listener, reached at the member's URL.
    pub fn single(main: TcpListener, config: &NodeConfig) -> Listeners {
        Listeners {
            main,
            client_url: config.advertise.clone(),
            peers: None,
        }
    }
}

/// Connections kept for the peer address when it is served apart: a few per peer
/// (batches, snapshots, reconnects) for clusters far larger than any real one; the
/// client address keeps the rest of the open-file budget.
const PEER_ADDRESS_CONNECTIONS: usize = 256;

/// Runs one member until `shutdown` resolves: sets up (or opens) the data dir, starts the
/// node task and serves the API and peer routes on `listeners`.
pub async fn serve(
    config: NodeConfig,
    data_dir: &Path,
    mode: StartMode,
    listeners: Listeners,
    security: Security,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let opened =
        tokio::task::block_in_place(|| node::Opened::open(config.clone(), data_dir, mode))?;
    serve_opened(config, opened, listeners, security, shutdown).await
}

/// [`serve`] for a node whose store the caller opened ([`node::Opened::with_store`]).
pub async fn serve_opened(
    config: NodeConfig,
    opened: node::Opened,
    listeners: Listeners,
    security: Security,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let metrics = Metrics::new();
    // The URLs members serve their clients at, where they differ from their peer URLs.
    let client_urls = transport::ClientUrls::default();
    if listeners.peers.is_some() {
        client_urls.record_own(config.id, &listeners.client_url);
    }
    if let Some(auth) = &security.auth {
        auth.attach_metrics(metrics.clone());
    }
    let (events_tx, events_rx) = mpsc::channel(1024);
    let transport = Transport::with_config(
        opened.store().cluster_id(),
        config.id,
        opened.peers(),
        events_tx,
        transport_config(&opened, &security, &metrics, &client_urls),
    )?;
    let (peer_tx, peer_rx) = mpsc::channel(node::PEER_INBOX);
    let mut inbound = opened.inbound(peer_tx);
    if security.tls.is_some() {
        inbound = inbound.with_member_certificates();
    }
    inbound.client_urls = client_urls.clone();
    let mut node = opened.start(transport, peer_rx, events_rx, metrics)?;

    let (http_stop_tx, http_stop_rx) = watch::channel(false);
    let reloader = tokio::spawn(reload_on_change(security.clone(), http_stop_rx.clone()));
    let apps = Apps {
        node: node.handle.clone(),
        peer_routes: transport::router(inbound),
        client_urls,
    };
    let mut servers = Servers::spawn(&config, listeners, apps, &security, http_stop_rx);

    // Whichever comes first: a signal, the node task failing, or a server failing.
    let mut shutdown = Box::pin(shutdown);
    let outcome = tokio::select! {
        () = &mut shutdown => Ok(()),
        res = node.ended() => match res {
            // A removed member has nothing left to do: a clean stop, said in the log.
            Err(Error::Removed) => {
                tracing::warn!("this member was removed from the cluster; shutting down");
                Ok(())
            }
            other => other.and(Err(Error::Task("the node task stopped".into()))),
        },
        res = servers.ended() => res,
    };
    // Stop accepting, let the node finish its in-flight batch, then close the database
    // (dropping the last storage handle).
    let _ = http_stop_tx.send(true);
    let stopped = node.stop().await;
    if outcome.is_ok() {
        stopped?;
    }
    servers.drain().await;
    reloader.abort();
    if outcome.is_ok() {
        tracing::info!("stopped cleanly");
    }
    outcome
}

/// How the member's transport sends to its peers.
fn transport_config(
    opened: &node::Opened,
    security: &Security,
    metrics: &Metrics,
    client_urls: &transport::ClientUrls,
) -> TransportConfig {
    TransportConfig {
        snapshot_source: Some(opened.snapshot_source()),
        metrics: metrics.clone(),
        request_timeout: opened.peer_request_timeout(),
        // A connection attempt to a peer that was cut off gives up as soon as a
        // request would, so that the sender retries soon after the heal.
        connect_timeout: opened
            .peer_request_timeout()
            .min(TransportConfig::default().connect_timeout),
        tls: security.tls.clone(),
        client_urls: client_urls.clone(),
        ..TransportConfig::default()
    }
}

/// What the HTTP servers serve.
struct Apps {
    node: crate::node::NodeHandle,
    peer_routes: axum::Router,
    client_urls: transport::ClientUrls,
}

/// A member's HTTP servers: the main address, and the peer address when apart.
struct Servers {
    main: ServerTask,
    peers: Option<ServerTask>,
}

impl Servers {
    /// Starts serving: everything on `main`, or the peer routes on their own address.
    fn spawn(
        config: &NodeConfig,
        listeners: Listeners,
        apps: Apps,
        security: &Security,
        stop: watch::Receiver<bool>,
    ) -> Servers {
        let mut http = crate::api::HttpSettings::from_env();
        let serve_on = |listener: TcpListener, app, url: String, http| {
            let (tls, auth, stop) = (security.tls.clone(), security.auth.clone(), stop.clone());
            tokio::spawn(async move {
                crate::api::serve_http(listener, app, &url, http, tls, auth, stop).await
            })
        };
        let Apps {
            node,
            peer_routes,
            client_urls,
        } = apps;
        let over = match &security.tls {
            Some(tls) => format!(" over TLS with {}", tls.summary()),
            None => String::new(),
        };
        let Some(peer_listener) = listeners.peers else {
            let app = crate::api::router(node, client_urls, Some(peer_routes));
            tracing::info!(url = %config.advertise, "serving clients and peers{over}");
            return Servers {
                main: serve_on(listeners.main, app, listeners.client_url, http),
                peers: None,
            };
        };
        let mut peer_http = http;
        peer_http.max_connections = PEER_ADDRESS_CONNECTIONS.min(http.max_connections / 2);
        http.max_connections -= peer_http.max_connections;
        let peer_app = crate::api::peer_only_router(peer_routes);
        let app = crate::api::router(node, client_urls, None);
        tracing::info!(url = %listeners.client_url, "serving clients{over}");
        tracing::info!(url = %config.advertise, "serving peers on their own address{over}");
        Servers {
            main: serve_on(listeners.main, app, listeners.client_url, http),
            peers: Some(serve_on(
                peer_listener,
                peer_app,
                config.advertise.clone(),
                peer_http,
            )),
        }
    }

    /// Resolves when a server stops by itself (which is always a failure).
    async fn ended(&mut self) -> Result<(), Error> {
        let peers = async {
            match self.peers.as_mut() {
                Some(s) => s.await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            res = &mut self.main => server_ended(res),
            res = peers => server_ended(res),
        }
    }

    /// Lets the stopped servers finish their open requests, for at most [`DRAIN_TIMEOUT`]
    /// each.
    async fn drain(self) {
        for server in std::iter::once(self.main).chain(self.peers) {
            drain(server).await;
        }
    }
}

type ServerTask = tokio::task::JoinHandle<std::io::Result<()>>;

fn server_ended(res: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), Error> {
    match res {
        Ok(Ok(())) => Err(Error::Task("the HTTP server stopped".into())),
        Ok(Err(e)) => Err(Error::Http(e)),
        Err(e) => Err(Error::Task(e.to_string())),
    }
}

/// Lets a stopped server finish its open requests, for at most [`DRAIN_TIMEOUT`].
async fn drain(mut server: ServerTask) {
    if !server.is_finished()
        && tokio::time::timeout(DRAIN_TIMEOUT, &mut server)
            .await
            .is_err()
    {
        server.abort();
    }
}

/// Reads the certificate, key, CA, revocation list and token files again on SIGHUP and
/// when they change (looked at every [`POLL_EVERY`]), until `stop`. New connections use
/// what was read; open ones carry on. Unusable files leave the previous ones in use and
/// are reported once per distinct problem (and at every SIGHUP).
async fn reload_on_change(security: Security, mut stop: watch::Receiver<bool>) {
    if security.tls.is_none() && security.auth.is_none() {
        return;
    }
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_errors: [Option<String>; 2] = [None, None];
    loop {
        #[cfg(unix)]
        let hangup = async {
            match hup.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let hangup = std::future::pending::<()>();
        let forced = tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = hangup => true,
            _ = tick.tick() => false,
        };
        if forced {
            tracing::info!("SIGHUP received: reading the TLS and token files again");
        }
        let outcomes = [
            (
                "TLS files",
                security
                    .tls
                    .as_ref()
                    .map(|t| t.reload(forced).map(|new| new.then(|| t.summary()))),
            ),
            (
                "token file",
                security
                    .auth
                    .as_ref()
                    .map(|a| a.reload_tokens(forced).map(|new| new.then(String::new))),
            ),
        ];
        for ((what, outcome), last) in outcomes.into_iter().zip(last_errors.iter_mut()) {
            match outcome {
                None | Some(Ok(None)) => {}
                Some(Ok(Some(summary))) => {
                    *last = None;
                    if summary.is_empty() {
                        tracing::info!("{what} reloaded");
                    } else {
                        tracing::info!("{what} reloaded: now using {summary}");
                    }
                }
                Some(Err(e)) => {
                    if forced || last.as_deref() != Some(e.as_str()) {
                        tracing::error!("{what} not reloaded, the previous ones stay in use: {e}");
                    }
                    *last = Some(e);
                }
            }
        }
    }
}
