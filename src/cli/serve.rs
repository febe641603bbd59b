//! `raftctl serve`: validate the flags into [`ServeSettings`], decide the start-up mode
//! from the data dir, then run the node until SIGINT or SIGTERM.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use super::args::{GlobalArgs, ServeArgs};
use super::error::{CliError, CliResult};
use crate::api::auth::{AuthPolicy, Public};
use crate::api::types::JSON_SAFE_MAX;
use crate::client::Client;
use crate::member_url::{InitialCluster, MemberUrl};
use crate::node::{NodeConfig, StartMode};
use crate::raft::NodeId;
use crate::storage::RedbStorage;
use crate::tls::member::{MemberTls, TlsFiles};

/// The flags of `serve`, checked: what start-up needs, and the node's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeSettings {
    pub listen: SocketAddr,
    /// `--peer-listen`: the peer routes on an address of their own.
    pub peer_listen: Option<SocketAddr>,
    /// The URL clients reach `listen` at. Without `peer_listen` it is also the member's
    /// URL in the membership (`node.advertise`).
    pub client_url: String,
    pub data_dir: std::path::PathBuf,
    pub initial_cluster: Option<InitialCluster>,
    pub join: Option<MemberUrl>,
    pub log_level: String,
    /// Id, advertised URL, timing and the Raft options.
    pub node: NodeConfig,
    /// The member's TLS files; `None`: plaintext.
    pub tls: Option<TlsFiles>,
    /// `--tokens`.
    pub tokens: Option<std::path::PathBuf>,
    /// Routes open without credentials.
    pub public: Public,
    /// Plaintext on purpose on an address other than loopback.
    pub insecure_plaintext: bool,
}

impl ServeSettings {
    /// Checks the flags; every problem is a usage error naming the flag. The TLS files
    /// are the global --cacert, --cert and --key: a member's own certificate.
    pub fn from_args(a: &ServeArgs, g: &GlobalArgs) -> CliResult<ServeSettings> {
        if a.id >= JSON_SAFE_MAX {
            return Err(CliError::usage(format!(
                "--id {} is too large: ids must be below 2^53 so JSON readers keep them exact",
                a.id
            )));
        }
        let tls = tls_files(a, g)?;
        let schemes = Schemes { tls: tls.is_some() };
        let addrs = addresses(a, &schemes)?;
        let initial_cluster = match &a.initial_cluster {
            Some(text) => Some(checked_initial_cluster(a.id, text, &schemes, &addrs)?),
            None => None,
        };
        let join = match &a.join {
            Some(text) => Some(schemes.member_url("--join", text)?),
            None => None,
        };
        let public = parse_public(&a.public)
            .map_err(|e| CliError::usage(format!("--public {:?}: {e}", a.public)))?;
        if a.heartbeat_ticks >= a.election_ticks {
            return Err(CliError::usage(format!(
                "--heartbeat-ticks ({}) must be smaller than --election-ticks ({})",
                a.heartbeat_ticks, a.election_ticks
            )));
        }
        let ticks = |v: u64, flag: &str| {
            usize::try_from(v).map_err(|_| CliError::usage(format!("{flag} {v} is too large")))
        };
        Ok(ServeSettings {
            listen: addrs.listen,
            peer_listen: addrs.peer_listen,
            client_url: addrs.client_url,
            data_dir: a.data_dir.clone(),
            initial_cluster,
            join,
            log_level: a.log_level.clone(),
            node: NodeConfig {
                id: a.id,
                advertise: addrs.advertise,
                tick: Duration::from_millis(a.tick_ms),
                election_ticks: ticks(a.election_ticks, "--election-ticks")?,
                heartbeat_ticks: ticks(a.heartbeat_ticks, "--heartbeat-ticks")?,
                snapshot_threshold: a.snapshot_threshold,
                keep_log: a.keep_log,
                pre_vote: !a.no_pre_vote,
                check_quorum: !a.no_check_quorum,
                moved: a.moved,
            },
            tls,
            tokens: a.tokens.clone(),
            public,
            insecure_plaintext: a.insecure_plaintext,
        })
    }
}

/// Every member this one talks to speaks TLS exactly when it does.
struct Schemes {
    tls: bool,
}

impl Schemes {
    fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    fn check(&self, flag: &str, text: &str, url: &MemberUrl) -> CliResult {
        if url.is_tls() == self.tls {
            return Ok(());
        }
        let mode = match self.tls {
            true => "with TLS (--cacert, --cert, --key)",
            false => "without TLS",
        };
        Err(CliError::usage(format!(
            "{flag} {text:?}: a member running {mode} is reached at {}://",
            self.scheme()
        )))
    }

    fn member_url(&self, flag: &str, text: &str) -> CliResult<MemberUrl> {
        let url =
            MemberUrl::parse(text).map_err(|e| CliError::usage(format!("{flag} {text:?}: {e}")))?;
        self.check(flag, text, &url)?;
        Ok(url)
    }

    /// The URL given with `flag`, or the one `addr` is reached at.
    fn advertised(
        &self,
        flag: &str,
        given: &Option<String>,
        listen_flag: &str,
        addr: SocketAddr,
    ) -> CliResult<String> {
        match given {
            Some(text) => Ok(self.member_url(flag, text)?.to_string()),
            None if addr.ip().is_unspecified() => Err(CliError::usage(format!(
                "{listen_flag} {addr} is not an address others can reach; give {flag} URL too"
            ))),
            None => Ok(format!("{}://{addr}", self.scheme())),
        }
    }
}

/// Where a member listens and the URLs it is reached at.
struct Addresses {
    listen: SocketAddr,
    peer_listen: Option<SocketAddr>,
    client_url: String,
    /// The member's URL in the membership: where its peers reach it.
    advertise: String,
    /// The flag that sets `advertise`.
    advertise_flag: &'static str,
}

/// --listen, --peer-listen and the URLs they are advertised at, checked.
fn addresses(a: &ServeArgs, schemes: &Schemes) -> CliResult<Addresses> {
    let address = |flag: &str, text: &str| -> CliResult<SocketAddr> {
        text.parse().map_err(|_| {
            CliError::usage(format!(
                "{flag} {text:?} is not an IP address and port such as 127.0.0.1:7001"
            ))
        })
    };
    let listen = address("--listen", &a.listen)?;
    let peer_listen = match &a.peer_listen {
        Some(text) => Some(address("--peer-listen", text)?),
        None => None,
    };
    if peer_listen == Some(listen) {
        return Err(CliError::usage(format!(
            "--peer-listen {listen} is the --listen address: give the peers another port, \
             or leave --peer-listen out to serve everything on one"
        )));
    }
    for (flag, addr) in [("--listen", Some(listen)), ("--peer-listen", peer_listen)] {
        let Some(addr) = addr else { continue };
        if !schemes.tls && !a.insecure_plaintext && !addr.ip().is_loopback() {
            return Err(CliError::usage(format!(
                "{flag} {addr} is not a loopback address: run with TLS (--cacert, --cert, --key; \
                 see `raftctl cert`), or pass --insecure-plaintext to let anyone who reaches it act \
                 as any member or operator"
            )));
        }
    }
    let client_url = schemes.advertised("--advertise", &a.advertise, "--listen", listen)?;
    let (advertise, advertise_flag) = match peer_listen {
        Some(addr) => (
            schemes.advertised("--advertise-peer", &a.advertise_peer, "--peer-listen", addr)?,
            "--advertise-peer",
        ),
        None => (client_url.clone(), "--advertise"),
    };
    if peer_listen.is_some() && advertise == client_url {
        return Err(CliError::usage(format!(
            "--advertise-peer {advertise} is also the client URL (--advertise): peers and \
             clients need different URLs when --peer-listen is given"
        )));
    }
    Ok(Addresses {
        listen,
        peer_listen,
        client_url,
        advertise,
        advertise_flag,
    })
}

/// --initial-cluster, which must list this member at the URL it advertises to peers.
fn checked_initial_cluster(
    id: u64,
    text: &str,
    schemes: &Schemes,
    addrs: &Addresses,
) -> CliResult<InitialCluster> {
    let cluster = initial_cluster(text, id)?;
    for (member, url) in cluster.members() {
        let flag = format!("--initial-cluster member {member}");
        schemes.check(&flag, &url.to_string(), url)?;
    }
    if let Some(url) = cluster.url(id).filter(|u| u.to_string() != addrs.advertise) {
        return Err(CliError::usage(format!(
            "--initial-cluster gives member {id} the URL {url}, but it advertises {} (see {})",
            addrs.advertise, addrs.advertise_flag
        )));
    }
    Ok(cluster)
}

/// The member's TLS files: all three of --cacert, --cert and --key, or none.
fn tls_files(a: &ServeArgs, g: &GlobalArgs) -> CliResult<Option<TlsFiles>> {
    let tls = match (&g.cacert, &g.cert, &g.key) {
        (None, None, None) => None,
        (Some(ca), Some(cert), Some(key)) => Some(TlsFiles {
            ca: ca.clone(),
            cert: cert.clone(),
            key: key.clone(),
            revoked: a.revoked.clone(),
        }),
        (ca, cert, key) => {
            let missing: Vec<&str> = [
                ("--cacert", ca.is_none()),
                ("--cert", cert.is_none()),
                ("--key", key.is_none()),
            ]
            .into_iter()
            .filter_map(|(flag, missing)| missing.then_some(flag))
            .collect();
            return Err(CliError::usage(format!(
                "TLS needs all of --cacert, --cert and --key; missing {}",
                missing.join(" and ")
            )));
        }
    };
    if tls.is_some() && a.insecure_plaintext {
        return Err(CliError::usage(
            "--insecure-plaintext contradicts --cacert/--cert/--key: choose TLS or plaintext",
        ));
    }
    if tls.is_none() && a.revoked.is_some() {
        return Err(CliError::usage(
            "--revoked lists certificates, which only matter with TLS (--cacert, --cert, --key)",
        ));
    }
    Ok(tls)
}

/// `health,metrics`, `health`, `metrics` or `none`.
fn parse_public(text: &str) -> Result<Public, String> {
    let mut public = Public::default();
    for part in text.split(',').map(str::trim) {
        match part {
            "health" => public.health = true,
            "metrics" => public.metrics = true,
            "none" if text.trim() == "none" => {}
            other => {
                return Err(format!(
                    "{other:?} is not a route that can be open: health, metrics or none"
                ))
            }
        }
    }
    Ok(public)
}

/// `--initial-cluster TEXT` of `serve` and `snapshot restore`, parsed, with `--id` checked
/// to be one of its members; each mistake is a usage error naming the flag.
pub(crate) fn initial_cluster(text: &str, id: NodeId) -> CliResult<InitialCluster> {
    let cluster = InitialCluster::parse(text)
        .map_err(|e| CliError::usage(format!("--initial-cluster: {e}")))?;
    if cluster.url(id).is_none() {
        return Err(CliError::usage(format!(
            "--id {id} is not listed in --initial-cluster {text:?}: add {id}=URL to it or pick one of its ids"
        )));
    }
    Ok(cluster)
}

/// The cluster id of a cluster bootstrapped from `--initial-cluster`. Every member must
/// arrive at the same id without talking to the others, so it is derived from the member
/// list (FNV-1a over `id=url` lines): the same list gives the same cluster.
pub fn cluster_id_for(members: &BTreeMap<NodeId, String>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (id, url) in members {
        for b in format!("{id}={url}\n").bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h.max(1)
}

/// Decides how this member starts (docs/serve-and-api.md's table).
fn start_mode(s: &ServeSettings, rt: &tokio::runtime::Runtime) -> CliResult<StartMode> {
    if RedbStorage::exists(&s.data_dir) {
        if s.initial_cluster.is_some() || s.join.is_some() {
            tracing::info!(
                data_dir = %s.data_dir.display(),
                "the data dir already holds state: --initial-cluster/--join ignored, restarting from disk"
            );
        }
        return Ok(StartMode::Restart);
    }
    if let Some(url) = &s.join {
        return rt.block_on(join_info(s, url));
    }
    match &s.initial_cluster {
        Some(cluster) => {
            let voters = cluster.to_urls();
            Ok(StartMode::Bootstrap {
                cluster_id: cluster_id_for(&voters),
                voters,
            })
        }
        None => Ok(StartMode::Bootstrap {
            cluster_id: rand::random::<u64>().max(1),
            voters: BTreeMap::from([(s.node.id, s.node.advertise.clone())]),
        }),
    }
}

/// Learns cluster id and membership from a running member; refuses when this member has
/// not been added yet. With TLS it asks with its own member certificate (which may read).
async fn join_info(s: &ServeSettings, url: &MemberUrl) -> CliResult<StartMode> {
    let tls = match &s.tls {
        Some(files) => crate::client::TlsOptions {
            cacert: Some(files.ca.clone()),
            cert: Some(files.cert.clone()),
            key: Some(files.key.clone()),
        },
        None => crate::client::TlsOptions::default(),
    };
    let client = Client::new(&[url.to_string()], Duration::from_secs(5), &tls, None)
        .map_err(|e| CliError::usage(format!("--join: {e}")))?;
    let status = client
        .status_of(&url.to_string())
        .await
        .map_err(|e| CliError::failure(format!("cannot join through {url}: {e}")))?;
    let (_, members) = client
        .members()
        .await
        .map_err(|e| CliError::failure(format!("cannot join through {url}: {e}")))?;
    let cluster_id = status
        .cluster_id
        .parse::<crate::cluster_id::ClusterId>()
        .map_err(|e| CliError::failure(format!("cannot join through {url}: it reported {e}")))?
        .get();
    let Some(me) = members.members.iter().find(|m| m.id == s.node.id) else {
        return Err(CliError::failure(format!(
            "member {} is not part of the cluster at {url} yet",
            s.node.id
        ))
        .with_detail(format!(
            "add it first: raftctl --endpoints {url} member add {} {}",
            s.node.id, s.node.advertise
        )));
    };
    if me.url != s.node.advertise {
        return Err(CliError::failure(format!(
            "the cluster at {url} knows member {} as {}, but it advertises {}",
            s.node.id, me.url, s.node.advertise
        )));
    }
    let mut voters = BTreeMap::new();
    let mut learners = BTreeMap::new();
    for m in members.members {
        if m.role == "learner" {
            learners.insert(m.id, m.url);
        } else {
            voters.insert(m.id, m.url);
        }
    }
    Ok(StartMode::Join {
        cluster_id,
        voters,
        learners,
    })
}

fn init_logging(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second initialisation (tests calling run twice) is harmless: keep the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Runs `raftctl serve`.
pub fn run(args: &ServeArgs, global: &GlobalArgs) -> CliResult {
    let settings = ServeSettings::from_args(args, global)?;
    if tracing_subscriber::EnvFilter::try_new(&settings.log_level).is_err() {
        return Err(CliError::usage(format!(
            "--log-level {:?} is not a level or filter (e.g. info, debug, raftctl=trace)",
            settings.log_level
        )));
    }
    init_logging(&settings.log_level);
    raise_open_file_limit();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
    // Bind first: a busy port must not leave a freshly created data dir behind.
    let bind = |addr: SocketAddr| {
        rt.block_on(tokio::net::TcpListener::bind(addr))
            .map_err(|e| CliError::failure(format!("cannot listen on {addr}: {e}")))
    };
    let listeners = crate::member::Listeners {
        main: bind(settings.listen)?,
        client_url: settings.client_url.clone(),
        peers: settings.peer_listen.map(bind).transpose()?,
    };
    let security = security(&settings)?;
    let mode = start_mode(&settings, &rt)?;
    ensure_parent(&settings.data_dir)?;
    rt.block_on(crate::member::serve(
        settings.node.clone(),
        &settings.data_dir,
        mode,
        listeners,
        security,
        shutdown_signal(),
    ))?;
    Ok(())
}

/// Raises the soft open-file limit to the hard one, as Go's runtime does for etcd: every
/// connection takes a descriptor, and a soft limit of 1024 (the default on many systems)
/// would cap the member far below what the system allows. The connection cap is then
/// taken from the raised limit. A limit that cannot be raised stays, with a warning.
fn raise_open_file_limit() {
    let before = crate::api::open_file_limit();
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(now) if before.is_some_and(|b| (b as u64) < now) => tracing::info!(
            from = before,
            to = now,
            "raised the soft open-file limit to the hard limit"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(
            error = %e,
            "could not raise the open-file limit: raise it with `ulimit -n` or systemd's LimitNOFILE="
        ),
    }
}

/// Loads the TLS and token files (refused now, with the reason, rather than at the
/// first connection) and says how this member can be reached.
fn security(s: &ServeSettings) -> CliResult<crate::member::Security> {
    let tls = match &s.tls {
        Some(files) => Some(MemberTls::load(s.node.id, files.clone()).map_err(CliError::failure)?),
        None => None,
    };
    let auth = AuthPolicy::new(tls.is_some(), s.tokens.as_deref(), s.public)
        .map_err(|e| CliError::failure(format!("--tokens: {e}")))?;
    match (&tls, s.insecure_plaintext) {
        (Some(_), _) => {}
        (None, true) => tracing::warn!(
            listen = %s.listen,
            "serving PLAINTEXT (--insecure-plaintext): anyone who can reach {} can act as any member or operator",
            s.listen
        ),
        (None, false) => tracing::info!(
            listen = %s.listen,
            "serving plaintext on loopback only (no --cacert/--cert/--key)"
        ),
    }
    if tls.is_none() && s.tokens.is_some() {
        tracing::warn!("tokens travel in the clear without TLS");
    }
    Ok(crate::member::Security {
        tls,
        auth: Some(std::sync::Arc::new(auth)),
    })
}

fn ensure_parent(dir: &Path) -> CliResult {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() && !p.exists() => Err(CliError::failure(format!(
            "the parent of --data-dir {} does not exist",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received: shutting down"),
        () = term => tracing::info!("SIGTERM received: shutting down"),
    }
}

#[cfg(test)]
mod tests;
