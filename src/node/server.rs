//! Wiring one member together: storage, core, transport, API, and shutdown.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use super::handle::NodeHandle;
use super::peer_input::Following;
use super::runtime::{Inboxes, NodeTask, Shared, PEER_INBOX, REQUEST_INBOX};
use super::snapshot::{FileSink, FileSource};
use crate::api::auth::AuthPolicy;
use crate::kv;
use crate::member_url::MemberUrl;
use crate::raft::{self, NodeId, RawNode};
use crate::storage::{self, InitialState, Membership, RedbStorage};
use crate::tls::member::{MemberTls, POLL_EVERY};
use crate::transport::{self, Inbound, Transport, TransportConfig};

/// How long a client request waits for the node before answering `timeout`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// Payload bytes a leader may hold uncommitted before it refuses proposals.
const MAX_UNCOMMITTED_BYTES: u64 = 64 * 1024 * 1024;
/// How long shutdown waits for open HTTP requests to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The runtime's settings (from `serve`'s flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeConfig {
    pub id: NodeId,
    /// The URL this member advertises.
    pub advertise: String,
    pub tick: Duration,
    pub election_ticks: usize,
    pub heartbeat_ticks: usize,
    /// Applied entries between automatic snapshots (0: never).
    pub snapshot_threshold: u64,
    /// Entries kept behind a snapshot for slow followers.
    pub keep_log: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
}

/// How the data dir is set up before the node starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartMode {
    /// A new cluster of these voters (id -> URL).
    Bootstrap {
        cluster_id: u64,
        voters: BTreeMap<NodeId, String>,
    },
    /// A new data dir for a member already added to a running cluster.
    Join {
        cluster_id: u64,
        voters: BTreeMap<NodeId, String>,
        learners: BTreeMap<NodeId, String>,
    },
    /// The data dir holds state: start from it.
    Restart,
}

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

/// Why the node stopped other than by a signal.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Storage(#[from] storage::Error),
    #[error("the consensus core failed: {0}")]
    Raft(#[from] raft::Error),
    #[error("the key-value store failed: {0}")]
    Kv(#[from] crate::kv::Error),
    #[error("cannot install the snapshot: {0}")]
    Snapshot(#[from] crate::kv::snapshot_file::Error),
    #[error("the peer transport failed: {0}")]
    Transport(#[from] transport::Error),
    #[error("the data dir {dir} belongs to member {found}, not to --id {expected}")]
    WrongMember {
        dir: String,
        found: NodeId,
        expected: NodeId,
    },
    #[error(
        "member {id} is recorded in the cluster's membership at {recorded}, but would now \
         advertise {advertised}: its peers would not reach it. Start it at the recorded \
         address (--listen, or --advertise {recorded} if that address reaches this \
         listener), or move it: `raftctl member remove {id}`, then `raftctl member add \
         {id} {advertised}` and start it with a fresh --data-dir and --join"
    )]
    MovedMember {
        id: NodeId,
        recorded: String,
        advertised: String,
    },
    #[error("the HTTP server failed: {0}")]
    Http(std::io::Error),
    #[error("the node task failed: {0}")]
    Task(String),
    /// This member applied its own removal from the cluster and stopped.
    #[error("this member was removed from the cluster")]
    Removed,
}

fn open_storage(config: &NodeConfig, dir: &Path, mode: StartMode) -> Result<RedbStorage, Error> {
    let store = match mode {
        StartMode::Restart => RedbStorage::open(dir)?,
        StartMode::Bootstrap { cluster_id, voters } => {
            tracing::info!(
                cluster_id = %format!("{cluster_id:016x}"),
                members = voters.len(),
                "bootstrapping a new cluster"
            );
            RedbStorage::create(
                dir,
                InitialState {
                    node_id: config.id,
                    cluster_id,
                    membership: Membership {
                        voters,
                        learners: BTreeMap::new(),
                    },
                },
            )?
        }
        StartMode::Join {
            cluster_id,
            voters,
            learners,
        } => {
            tracing::info!(cluster_id = %format!("{cluster_id:016x}"), "joining a running cluster");
            RedbStorage::create(
                dir,
                InitialState {
                    node_id: config.id,
                    cluster_id,
                    membership: Membership { voters, learners },
                },
            )?
        }
    };
    if store.node_id() != config.id {
        return Err(Error::WrongMember {
            dir: dir.display().to_string(),
            found: store.node_id(),
            expected: config.id,
        });
    }
    check_advertised_url(config, &store.membership())?;
    Ok(store)
}

/// A member restarted at another address than the one its membership records would be
/// unreachable for its peers while it believes all is well: refused, with what to do.
fn check_advertised_url(config: &NodeConfig, m: &Membership) -> Result<(), Error> {
    let Some(recorded) = m.url(config.id) else {
        // Removed, or restored from a snapshot taken before it joined: nothing to match.
        return Ok(());
    };
    let same = match (
        MemberUrl::parse(recorded),
        MemberUrl::parse(&config.advertise),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => recorded.trim_end_matches('/') == config.advertise.trim_end_matches('/'),
    };
    if same {
        return Ok(());
    }
    Err(Error::MovedMember {
        id: config.id,
        recorded: recorded.to_string(),
        advertised: config.advertise.clone(),
    })
}

/// Runs one member until `shutdown` resolves: sets up (or opens) the data dir, starts the
/// node task and serves the API and peer routes on `listener`.
pub async fn serve(
    config: NodeConfig,
    data_dir: &Path,
    mode: StartMode,
    listener: TcpListener,
    security: Security,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let store = tokio::task::block_in_place(|| open_storage(&config, data_dir, mode))?;
    let cluster_id = store.cluster_id();
    let membership = store.membership();
    tracing::info!(
        id = config.id,
        cluster_id = %format!("{cluster_id:016x}"),
        applied = store.applied(),
        term = store.hard_state().term,
        url = %config.advertise,
        "starting"
    );

    let mut raft_config = raft::Config::new(config.id);
    raft_config.election_tick = config.election_ticks;
    raft_config.heartbeat_tick = config.heartbeat_ticks;
    raft_config.applied = store.applied();
    raft_config.check_quorum = config.check_quorum;
    raft_config.pre_vote = config.pre_vote;
    raft_config.seed = rand::random();
    // Bounds what a leader holds proposed but uncommitted (e.g. while followers lag):
    // beyond it proposals are refused with 503 instead of growing memory.
    raft_config.max_uncommitted_entries_size = Some(MAX_UNCOMMITTED_BYTES);
    let raw = RawNode::new(&raft_config, store.clone())?;

    let members = Arc::new(RwLock::new(membership.clone()));
    let metrics = crate::metrics::Metrics::new();
    if let Some(auth) = &security.auth {
        auth.attach_metrics(metrics.clone());
    }
    let (events_tx, events_rx) = mpsc::channel(1024);
    let snapshot_dir = store.snapshot_dir();
    let transport = Transport::with_config(
        cluster_id,
        config.id,
        peers_of(config.id, &membership),
        events_tx,
        TransportConfig {
            snapshot_source: Some(Arc::new(FileSource {
                dir: snapshot_dir.clone(),
            })),
            metrics: metrics.clone(),
            request_timeout: peer_request_timeout(&config),
            tls: security.tls.clone(),
            ..TransportConfig::default()
        },
    )?;
    let (peer_tx, peer_rx) = mpsc::channel(PEER_INBOX);
    let is_member = {
        let members = members.clone();
        move |id: NodeId| members.read().map(|m| m.url(id).is_some()).unwrap_or(false)
    };
    let following = Arc::new(Following::default());
    let gate = {
        let following = following.clone();
        move |m: &raft::Message| following.admit_snapshot(m)
    };
    let mut inbound = Inbound::new(cluster_id, config.id, is_member, peer_tx)
        .with_snapshot_gate(gate)
        .with_snapshot_sink(FileSink {
            dir: snapshot_dir,
            cluster_id,
        });
    if security.tls.is_some() {
        inbound = inbound.with_member_certificates();
    }
    let (request_tx, request_rx) = mpsc::channel(REQUEST_INBOX);
    let applied = Arc::new(AtomicU64::new(store.applied()));
    let buffer = kv::ApplyBuffer::new();
    let handle = NodeHandle {
        buffer: buffer.clone(),
        start_commit: store.hard_state().commit,
        id: config.id,
        requests: request_tx,
        storage: store.clone(),
        applied: applied.clone(),
        request_timeout: REQUEST_TIMEOUT,
        metrics: metrics.clone(),
    };

    let (stop_tx, stop_rx) = watch::channel(false);
    let task = NodeTask::new(
        config.clone(),
        raw,
        store,
        transport,
        Inboxes {
            requests: request_rx,
            peer_messages: peer_rx,
            transport_events: events_rx,
            stop: stop_rx,
        },
        Shared {
            visible: applied,
            buffer,
            members,
            following,
        },
        metrics,
    );
    // The Ready loop has a thread of its own: its transactions (and fsyncs) block only
    // it, and the runtime's workers keep serving HTTP meanwhile.
    let (node_tx, mut node) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("raft-node".into())
        .spawn(move || {
            let result = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Task(format!("cannot start the node's runtime: {e}")))
                .and_then(|rt| rt.block_on(task.run()));
            let _ = node_tx.send(result);
        })
        .map_err(|e| Error::Task(format!("cannot start the node thread: {e}")))?;
    let mut node_finished = false;

    let app = crate::api::router(handle, transport::router(inbound));
    let (http_stop_tx, http_stop_rx) = watch::channel(false);
    let http = crate::api::HttpSettings::from_env();
    let advertise = config.advertise.clone();
    let server_tls = security.tls.clone();
    let auth = security.auth.clone();
    let reloader = tokio::spawn(reload_on_change(security.clone(), http_stop_rx.clone()));
    let mut server = tokio::spawn(async move {
        crate::api::serve_http(
            listener,
            app,
            &advertise,
            http,
            server_tls,
            auth,
            http_stop_rx,
        )
        .await
    });
    match &security.tls {
        Some(tls) => tracing::info!(
            url = %config.advertise,
            "serving clients and peers over TLS with {}",
            tls.summary()
        ),
        None => tracing::info!(url = %config.advertise, "serving clients and peers"),
    }

    // Whichever comes first: a signal, the node task failing, or the server failing.
    let mut shutdown = Box::pin(shutdown);
    let outcome = tokio::select! {
        () = &mut shutdown => Ok(()),
        res = &mut node => {
            node_finished = true;
            match flatten(res) {
                // A removed member has nothing left to do: a clean stop, said in the log.
                Err(Error::Removed) => {
                    tracing::warn!("this member was removed from the cluster; shutting down");
                    Ok(())
                }
                other => other.and(Err(Error::Task("the node task stopped".into()))),
            }
        }
        res = &mut server => match res {
            Ok(Ok(())) => Err(Error::Task("the HTTP server stopped".into())),
            Ok(Err(e)) => Err(Error::Http(e)),
            Err(e) => Err(Error::Task(e.to_string())),
        },
    };
    // Stop accepting, let the node finish its in-flight batch, then close the database
    // (dropping the last storage handle).
    let _ = http_stop_tx.send(true);
    let _ = stop_tx.send(true);
    if !node_finished {
        let res = node.await;
        if outcome.is_ok() {
            flatten(res)?;
        }
    }
    if !server.is_finished()
        && tokio::time::timeout(DRAIN_TIMEOUT, &mut server)
            .await
            .is_err()
    {
        server.abort();
    }
    reloader.abort();
    if outcome.is_ok() {
        tracing::info!("stopped cleanly");
    }
    outcome
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

fn flatten(
    res: Result<Result<(), Error>, tokio::sync::oneshot::error::RecvError>,
) -> Result<(), Error> {
    match res {
        Ok(r) => r,
        Err(_) => Err(Error::Task(
            "the node thread ended without a result (it panicked)".into(),
        )),
    }
}

/// How long one peer message batch may take: about an election timeout. A request
/// on a kept-alive connection whose packets vanish (a partition) is given up after it
/// and the sender reconnects, so that a healed member is back in step within about two
/// election timeouts instead of waiting for a TCP retransmission. Clamped so that very
/// short test ticks do not give up on a busy machine and very long ones still notice.
fn peer_request_timeout(config: &NodeConfig) -> Duration {
    let election = config
        .tick
        .saturating_mul(u32::try_from(config.election_ticks).unwrap_or(u32::MAX));
    election.clamp(PEER_REQUEST_TIMEOUT_MIN, PEER_REQUEST_TIMEOUT_MAX)
}

/// Bounds of [`peer_request_timeout`].
const PEER_REQUEST_TIMEOUT_MIN: Duration = Duration::from_millis(500);
const PEER_REQUEST_TIMEOUT_MAX: Duration = Duration::from_secs(5);

/// Every member but this one, with its URL.
pub(crate) fn peers_of(self_id: NodeId, m: &Membership) -> BTreeMap<NodeId, String> {
    m.voters
        .iter()
        .chain(m.learners.iter())
        .filter(|(id, _)| **id != self_id)
        .map(|(id, url)| (*id, url.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(advertise: &str, tick_ms: u64, election_ticks: usize) -> NodeConfig {
        NodeConfig {
            id: 3,
            advertise: advertise.into(),
            tick: Duration::from_millis(tick_ms),
            election_ticks,
            heartbeat_ticks: 1,
            snapshot_threshold: 0,
            keep_log: 0,
            pre_vote: true,
            check_quorum: true,
        }
    }

    #[test]
    fn peer_requests_time_out_after_about_an_election_timeout() {
        let t = |tick, ticks| peer_request_timeout(&config("http://a:1", tick, ticks));
        assert_eq!(t(100, 10), Duration::from_secs(1));
        assert_eq!(t(20, 10), PEER_REQUEST_TIMEOUT_MIN);
        assert_eq!(t(1000, 100), PEER_REQUEST_TIMEOUT_MAX);
    }

    /// Regression: a member restarted with another --listen started at the new URL
    /// while the membership still said the old one.
    #[test]
    fn a_restart_at_another_address_is_refused_with_what_to_do() {
        let mut m = Membership::default();
        m.voters.insert(3, "http://127.0.0.1:7003".into());
        assert!(check_advertised_url(&config("http://127.0.0.1:7003", 100, 10), &m).is_ok());
        assert!(check_advertised_url(&config("http://127.0.0.1:7003/", 100, 10), &m).is_ok());
        let err = check_advertised_url(&config("http://127.0.0.1:7013", 100, 10), &m)
            .unwrap_err()
            .to_string();
        assert!(err.contains("http://127.0.0.1:7003"), "{err}");
        assert!(err.contains("raftctl member remove 3"), "{err}");
        m.voters.clear();
        assert!(
            check_advertised_url(&config("http://127.0.0.1:7013", 100, 10), &m).is_ok(),
            "not in its own membership: nothing to compare"
        );
    }
}
