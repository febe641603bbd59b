//! Starting the node: its data dir set up or opened, its core built over it
//! ([`Opened`]), and the node task running on a thread of its own ([`Running`]). The
//! composition root (`crate::member`) connects it to the transport and the API.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};

use super::handle::NodeHandle;
use super::peer_input::Following;
use super::runtime::{Inboxes, NodeTask, Shared, REQUEST_INBOX};
use super::snapshot::{FileSink, FileSource};
use crate::cluster_id::ClusterId;
use crate::kv;
use crate::member_url::MemberUrl;
use crate::metrics::Metrics;
use crate::raft::{self, NodeId, RawNode};
use crate::storage::{self, InitialState, Membership, RedbStorage};
use crate::transport::{self, Inbound, Transport, TransportEvent};

/// How long a client request waits for the node before answering `timeout`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// Payload bytes a leader may hold uncommitted before it refuses proposals.
const MAX_UNCOMMITTED_BYTES: u64 = 64 * 1024 * 1024;

/// The runtime's settings (from `serve`'s flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeConfig {
    pub id: NodeId,
    /// The URL this member advertises to its peers: its URL in the membership. It is also
    /// the client URL unless the member serves its peers apart (`serve --peer-listen`).
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
    /// The member was moved (`member update`) while stopped: its data dir may record
    /// another URL than `advertise` until it applies the change (`serve --moved`).
    pub moved: bool,
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
         listener; --peer-listen and --advertise-peer when it serves its peers apart), or \
         move it: `raftctl member update {id} {advertised}`, then start it again with \
         --moved"
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
                cluster_id = %ClusterId(cluster_id).to_string(),
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
            tracing::info!(cluster_id = %ClusterId(cluster_id).to_string(), "joining a running cluster");
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
    Ok(store)
}

/// The store must be this member's, and record it at the address it advertises.
fn check_store(config: &NodeConfig, store: &RedbStorage) -> Result<(), Error> {
    if store.node_id() != config.id {
        return Err(Error::WrongMember {
            dir: store.dir().display().to_string(),
            found: store.node_id(),
            expected: config.id,
        });
    }
    check_advertised_url(config, &store.membership())
}

/// A member restarted at another address than the one its membership records would be
/// unreachable for its peers while it believes all is well: refused, with what to do.
fn check_advertised_url(config: &NodeConfig, m: &Membership) -> Result<(), Error> {
    let Some(recorded) = m.url(config.id) else {
        // Removed, or restored from a snapshot taken before it joined: nothing to match.
        return Ok(());
    };
    if config.moved {
        tracing::info!(
            recorded,
            advertised = %config.advertise,
            "started with --moved: advertising a new URL until the membership change reaches this member"
        );
        return Ok(());
    }
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

/// A node whose data dir is open and whose core is built, not yet running: the
/// composition root asks it what the transport needs, then starts it.
pub struct Opened {
    config: NodeConfig,
    store: RedbStorage,
    raw: RawNode<RedbStorage>,
    members: Arc<RwLock<Membership>>,
    following: Arc<Following>,
}

/// A running node task: the handle the API uses, and how to stop it and learn why it
/// ended.
pub struct Running {
    pub handle: NodeHandle,
    stop: watch::Sender<bool>,
    done: oneshot::Receiver<Result<(), Error>>,
    finished: bool,
}

impl Opened {
    /// Sets up (or opens) the data dir and builds the core over it.
    pub fn open(config: NodeConfig, data_dir: &Path, mode: StartMode) -> Result<Opened, Error> {
        let store = open_storage(&config, data_dir, mode)?;
        Opened::with_store(config, store)
    }

    /// Builds the core over a store opened by the caller (e.g. over a backend of its
    /// own: `RedbStorage::open_with_backend`), after the same checks as [`open`]
    /// (that it is this member's, at the address it advertises).
    ///
    /// [`open`]: Opened::open
    pub fn with_store(config: NodeConfig, store: RedbStorage) -> Result<Opened, Error> {
        check_store(&config, &store)?;
        tracing::info!(
            id = config.id,
            cluster_id = %ClusterId(store.cluster_id()),
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
        Ok(Opened {
            members: Arc::new(RwLock::new(store.membership())),
            following: Arc::new(Following::default()),
            config,
            store,
            raw,
        })
    }

    pub fn store(&self) -> &RedbStorage {
        &self.store
    }

    /// Every member but this one, with its URL: whom the transport sends to.
    pub fn peers(&self) -> BTreeMap<NodeId, String> {
        peers_of(self.config.id, &self.store.membership())
    }

    /// How long one peer message batch may take (see [`peer_request_timeout`]).
    pub fn peer_request_timeout(&self) -> Duration {
        peer_request_timeout(&self.config)
    }

    /// Where the transport reads snapshot files to send.
    pub fn snapshot_source(&self) -> Arc<dyn crate::transport::SnapshotSource> {
        Arc::new(FileSource {
            dir: self.store.snapshot_dir(),
        })
    }

    /// The inbound side of the transport: who may send to this member (the current
    /// membership), which snapshots it takes (from the leader it follows, ahead of its
    /// commit), and where their files go.
    pub fn inbound(&self, peer_messages: mpsc::Sender<raft::Message>) -> Inbound {
        let is_member = {
            let members = self.members.clone();
            move |id: NodeId| members.read().map(|m| m.url(id).is_some()).unwrap_or(false)
        };
        let gate = {
            let following = self.following.clone();
            move |m: &raft::Message| following.admit_snapshot(m)
        };
        let cluster_id = self.store.cluster_id();
        Inbound::new(cluster_id, self.config.id, is_member, peer_messages)
            .with_snapshot_gate(gate)
            .with_snapshot_sink(FileSink {
                dir: self.store.snapshot_dir(),
                cluster_id,
            })
    }

    /// Starts the node task on a thread of its own: its transactions (and fsyncs) block
    /// only it, and the runtime's workers keep serving HTTP meanwhile.
    pub fn start(
        self,
        transport: Transport,
        peer_messages: mpsc::Receiver<raft::Message>,
        transport_events: mpsc::Receiver<TransportEvent>,
        metrics: Metrics,
    ) -> Result<Running, Error> {
        let (request_tx, request_rx) = mpsc::channel(REQUEST_INBOX);
        let visible = Arc::new(AtomicU64::new(self.store.applied()));
        let buffer = kv::ApplyBuffer::new();
        let handle = NodeHandle {
            buffer: buffer.clone(),
            start_commit: self.store.hard_state().commit,
            id: self.config.id,
            requests: request_tx,
            storage: self.store.clone(),
            applied: visible.clone(),
            request_timeout: REQUEST_TIMEOUT,
            metrics: metrics.clone(),
        };
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = NodeTask::new(
            self.config,
            self.raw,
            self.store,
            transport,
            Inboxes {
                requests: request_rx,
                peer_messages,
                transport_events,
                stop: stop_rx,
            },
            Shared {
                visible,
                buffer,
                members: self.members,
                following: self.following,
            },
            metrics,
        );
        let (done_tx, done) = oneshot::channel();
        std::thread::Builder::new()
            .name("raft-node".into())
            .spawn(move || {
                let result = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| Error::Task(format!("cannot start the node's runtime: {e}")))
                    .and_then(|rt| rt.block_on(task.run()));
                let _ = done_tx.send(result);
            })
            .map_err(|e| Error::Task(format!("cannot start the node thread: {e}")))?;
        Ok(Running {
            handle,
            stop: stop_tx,
            done,
            finished: false,
        })
    }
}

impl Running {
    /// Resolves when the node task ends by itself (a storage failure, or this member's
    /// removal); cancel-safe.
    pub async fn ended(&mut self) -> Result<(), Error> {
        let res = (&mut self.done).await;
        self.finished = true;
        flatten(res)
    }

    /// Asks the task to stop after the Ready in hand and to write out what it applied,
    /// and waits for it.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.stop.send(true);
        if self.finished {
            return Ok(());
        }
        flatten(self.done.await)
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
            moved: false,
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
        assert!(
            err.contains("raftctl member update 3 http://127.0.0.1:7013"),
            "{err}"
        );
        let mut moved = config("http://127.0.0.1:7013", 100, 10);
        moved.moved = true;
        assert!(check_advertised_url(&moved, &m).is_ok(), "--moved");
        m.voters.clear();
        assert!(
            check_advertised_url(&config("http://127.0.0.1:7013", 100, 10), &m).is_ok(),
            "not in its own membership: nothing to compare"
        );
    }
}
