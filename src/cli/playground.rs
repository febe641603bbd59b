//! `raftctl playground`: a local cluster of N members as child processes of this binary,
//! in one temporary directory, for trying raftctl out.
//!
//! Owns the children and the directory: every child is stopped (SIGTERM, then SIGKILL
//! after a grace period) and the directory removed when the playground ends, by the
//! normal path or, if something panics, by the Drop guards [`Members`] and [`TempRoot`].

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

use super::error::{CliError, CliResult};
use crate::client::Client;

/// Flags of `raftctl playground`.
#[derive(Debug, Clone, Args)]
pub struct PlaygroundArgs {
    /// How many members to start (1 to 7).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=7))]
    pub nodes: u16,
    /// Port of member 1; member i listens on 127.0.0.1:(base-port + i - 1).
    #[arg(long, default_value_t = 7001, value_parser = clap::value_parser!(u16).range(1..))]
    pub base_port: u16,
    /// Keep the temporary directory (data dirs and logs) after stopping, and print where.
    #[arg(long)]
    pub keep: bool,
    /// Plaintext HTTP instead of TLS: no certificates, any local process is an operator.
    #[arg(long)]
    pub insecure: bool,
}

/// Environment variables of the client flags: the members must not take a caller's
/// RAFTCTL_CERT (say, from an earlier playground's export lines) for their own.
const CLIENT_ENV: [&str; 5] = [
    "RAFTCTL_ENDPOINTS",
    "RAFTCTL_CACERT",
    "RAFTCTL_CERT",
    "RAFTCTL_KEY",
    "RAFTCTL_TOKEN",
];

/// The playground's certificates, in `<dir>/pki`: a CA, one certificate per member for
/// 127.0.0.1, and an `admin` client certificate for the person trying it out.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn create(root: &Path, members: usize) -> CliResult<Pki> {
        use crate::tls::{cert, Role};
        let dir = root.join("pki");
        let fail = |e: String| {
            CliError::failure(format!("cannot make the playground's certificates: {e}"))
        };
        let opts = |days| {
            Ok::<_, CliError>(cert::Options {
                validity: cert::Validity::days(days).map_err(fail)?,
                force: false,
            })
        };
        cert::create_ca(&dir, &opts(cert::DEFAULT_CA_DAYS)?).map_err(fail)?;
        let leaf = opts(cert::DEFAULT_LEAF_DAYS)?;
        for id in 1..=members as u64 {
            cert::create_member(&dir, &dir, id, &["127.0.0.1".to_string()], &leaf).map_err(fail)?;
        }
        cert::create_client(&dir, &dir, "admin", Role::Admin, &leaf).map_err(fail)?;
        Ok(Pki { dir })
    }

    fn ca(&self) -> PathBuf {
        self.dir.join(crate::tls::cert::CA_CERT)
    }

    fn member_args(&self, id: u64) -> Vec<std::ffi::OsString> {
        vec![
            "--cacert".into(),
            self.ca().into(),
            "--cert".into(),
            self.dir.join(format!("member-{id}.crt")).into(),
            "--key".into(),
            self.dir.join(format!("member-{id}.key")).into(),
        ]
    }

    fn admin(&self) -> crate::client::TlsOptions {
        crate::client::TlsOptions {
            cacert: Some(self.ca()),
            cert: Some(self.dir.join("client-admin.crt")),
            key: Some(self.dir.join("client-admin.key")),
        }
    }
}

/// How long to wait for every member to agree on a leader.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// How long a member gets to shut down cleanly after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Log lines shown when a member dies during start-up.
const LOG_TAIL_LINES: usize = 30;

/// One member of the playground.
struct Member {
    id: u64,
    url: String,
    log: PathBuf,
    child: Option<Child>,
    pid: u32,
}

/// The running members; Drop kills whatever is still running, so no child outlives the
/// playground even when it panics.
struct Members(Vec<Member>);

impl Members {
    /// The first member that has exited, with its status.
    fn first_exited(&mut self) -> Option<(usize, ExitStatus)> {
        for (i, m) in self.0.iter_mut().enumerate() {
            if let Some(child) = m.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    m.child = None;
                    return Some((i, status));
                }
            }
        }
        None
    }

    /// SIGTERM to every running member, then waits up to [`STOP_GRACE`] and SIGKILLs
    /// the rest.
    fn stop(&mut self) {
        for m in &self.0 {
            if m.child.is_some() {
                send_signal(m.pid, "-TERM");
            }
        }
        let deadline = Instant::now() + STOP_GRACE;
        loop {
            let mut running = 0;
            for m in &mut self.0 {
                if let Some(child) = m.child.as_mut() {
                    match child.try_wait() {
                        Ok(Some(_)) | Err(_) => m.child = None,
                        Ok(None) => running += 1,
                    }
                }
            }
            if running == 0 {
                return;
            }
            if Instant::now() >= deadline {
                eprintln!(
                    "playground: {running} member(s) did not stop within {}s of SIGTERM; killing them",
                    STOP_GRACE.as_secs()
                );
                self.kill_all();
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill_all(&mut self) {
        for m in &mut self.0 {
            if let Some(mut child) = m.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Members {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// The temporary directory; Drop removes it unless it is to be kept.
struct TempRoot {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Sends `sig` (e.g. `-TERM`) with kill(1): std has no portable signal call.
fn send_signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Checks the flags: every port is a valid number and free on 127.0.0.1.
fn check_ports(args: &PlaygroundArgs) -> CliResult<Vec<u16>> {
    let last = u32::from(args.base_port) + u32::from(args.nodes) - 1;
    if last > u32::from(u16::MAX) {
        return Err(CliError::usage(format!(
            "--base-port {} leaves no room for {} members: the last port would be {last}; use a base port up to {}",
            args.base_port,
            args.nodes,
            u32::from(u16::MAX) + 1 - u32::from(args.nodes)
        )));
    }
    let ports: Vec<u16> = (0..args.nodes).map(|i| args.base_port + i).collect();
    for (i, port) in ports.iter().enumerate() {
        if let Err(e) = TcpListener::bind(("127.0.0.1", *port)) {
            return Err(CliError::failure(format!(
                "port {port} (for member {}) on 127.0.0.1 is not free: {e}",
                i + 1
            ))
            .with_detail(format!(
                "stop what listens there, or pick other ports, e.g. --base-port {}",
                suggest_base_port(args.nodes)
            )));
        }
    }
    Ok(ports)
}

/// A base port where `nodes` consecutive ports are free now, if one is found quickly.
fn suggest_base_port(nodes: u16) -> String {
    for base in (7101..=9901).step_by(100) {
        let free = (0..nodes).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if free {
            return base.to_string();
        }
    }
    "<a free port>".to_string()
}

fn make_temp_root(keep: bool) -> CliResult<TempRoot> {
    let base = std::env::temp_dir();
    for _ in 0..16 {
        let path = base.join(format!(
            "raftctl-playground-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(TempRoot { path, keep }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(CliError::failure(format!(
                    "cannot create a temporary directory in {}: {e}",
                    base.display()
                ))
                .with_detail("set TMPDIR to a writable directory"))
            }
        }
    }
    Err(CliError::failure(format!(
        "cannot find an unused temporary directory name in {}",
        base.display()
    )))
}

fn start_members(root: &Path, ports: &[u16], pki: Option<&Pki>) -> CliResult<Members> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::failure(format!("cannot find this program's own path: {e}")))?;
    let scheme = if pki.is_some() { "https" } else { "http" };
    let initial_cluster = ports
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}={scheme}://127.0.0.1:{p}", i + 1))
        .collect::<Vec<_>>()
        .join(",");
    let mut members = Members(Vec::new());
    for (i, port) in ports.iter().enumerate() {
        let id = i as u64 + 1;
        let data_dir = root.join(format!("node-{id}"));
        let log = root.join(format!("node-{id}.log"));
        let open_log = || {
            File::options()
                .create(true)
                .append(true)
                .open(&log)
                .map_err(|e| CliError::failure(format!("cannot open {}: {e}", log.display())))
        };
        let (out, err) = (open_log()?, open_log()?);
        let mut command = Command::new(&exe);
        for var in CLIENT_ENV {
            command.env_remove(var);
        }
        if let Some(pki) = pki {
            command.args(pki.member_args(id));
        }
        let child = command
            .arg("serve")
            .args(["--id", &id.to_string()])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--initial-cluster", &initial_cluster])
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .map_err(|e| {
                CliError::failure(format!(
                    "cannot start member {id} ({} serve): {e}",
                    exe.display()
                ))
            })?;
        let pid = child.id();
        // For scripts and the README tour: `kill $(cat $PLAYGROUND/node-2.pid)`.
        let _ = std::fs::write(root.join(format!("node-{id}.pid")), format!("{pid}\n"));
        members.0.push(Member {
            id,
            url: format!("{scheme}://127.0.0.1:{port}"),
            log,
            child: Some(child),
            pid,
        });
    }
    let pids: Vec<String> = members.0.iter().map(|m| m.pid.to_string()).collect();
    let _ = std::fs::write(root.join("pids"), format!("{}\n", pids.join(" ")));
    Ok(members)
}

/// The last `n` lines of a log file, for a member that died.
fn log_tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn died_error(m: &Member, status: ExitStatus) -> CliError {
    let tail = log_tail(&m.log, LOG_TAIL_LINES);
    let mut err = CliError::failure(format!(
        "member {} ({}) exited during start-up ({status}); stopped the others",
        m.id, m.url
    ))
    .with_detail(format!("last lines of {}:", m.log.display()));
    for line in tail.lines() {
        err = err.with_detail(format!("  {line}"));
    }
    err
}

/// Polls every member's status until all answer and agree on one leader.
async fn wait_for_leader(members: &mut Members, pki: Option<&Pki>) -> CliResult<u64> {
    let deadline = Instant::now() + START_DEADLINE;
    let urls: Vec<String> = members.0.iter().map(|m| m.url.clone()).collect();
    let tls = pki.map(Pki::admin).unwrap_or_default();
    let client = Client::new(&urls, Duration::from_secs(1), &tls, None).map_err(|e| {
        CliError::failure(format!("cannot build an HTTP client for the members: {e}"))
    })?;
    let mut last_problem = String::from("no member answered yet");
    loop {
        if let Some((i, status)) = members.first_exited() {
            return Err(died_error(&members.0[i], status));
        }
        let mut leaders = Vec::new();
        for url in &urls {
            match client.status_of(url).await {
                Ok(s) => leaders.push(s.leader),
                Err(e) => {
                    last_problem = format!("{url}: {e}");
                    leaders.push(None);
                }
            }
        }
        match leaders.first() {
            Some(Some(l)) if leaders.iter().all(|x| *x == Some(*l)) => return Ok(*l),
            _ if leaders.iter().all(Option::is_some) => {
                last_problem = format!("members disagree on the leader: {leaders:?}");
            }
            _ => {}
        }
        if Instant::now() >= deadline {
            return Err(CliError::failure(format!(
                "no leader within {}s; stopped every member",
                START_DEADLINE.as_secs()
            ))
            .with_detail(format!("last problem: {last_problem}"))
            .with_detail(format!(
                "member logs: {}",
                members
                    .0
                    .iter()
                    .map(|m| m.log.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How to call raftctl from another terminal: `raftctl` when this binary is what PATH
/// finds, otherwise its full path.
fn raftctl_invocation() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "raftctl".to_string();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = dir.join("raftctl");
            match (candidate.canonicalize(), exe.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            }
        })
    });
    if on_path {
        "raftctl".to_string()
    } else {
        exe.display().to_string()
    }
}

fn print_banner(members: &Members, root: &Path, leader: u64, keep: bool, pki: Option<&Pki>) {
    let endpoints: Vec<&str> = members.0.iter().map(|m| m.url.as_str()).collect();
    let raftctl = raftctl_invocation();
    let n = members.0.len();
    println!("playground: {n} member(s) running, member {leader} is the leader");
    println!();
    for m in &members.0 {
        println!("  member {}  {}  pid {}", m.id, m.url, m.pid);
    }
    let pids: Vec<String> = members.0.iter().map(|m| m.pid.to_string()).collect();
    println!("members: {}", pids.join(" "));
    println!("directory: {}", root.display());
    println!("  (member i: data dir node-i/, log node-i.log, pid in node-i.pid)");
    println!();
    println!("In another terminal:");
    println!();
    if raftctl != "raftctl" {
        println!("  alias raftctl={raftctl}");
    }
    println!("  export RAFTCTL_ENDPOINTS={}", endpoints.join(","));
    if let Some(pki) = pki {
        let admin = pki.admin();
        let shown = |p: Option<PathBuf>| p.map(|p| p.display().to_string()).unwrap_or_default();
        println!("  export RAFTCTL_CACERT={}", shown(admin.cacert));
        println!("  export RAFTCTL_CERT={}", shown(admin.cert));
        println!("  export RAFTCTL_KEY={}", shown(admin.key));
    }
    println!("  export PLAYGROUND={}", root.display());
    println!("  raftctl kv put hello world");
    println!("  raftctl kv get hello");
    println!("  raftctl status");
    if n >= 3 {
        println!();
        println!("Watch a failover: stop the leader, then ask again (a new leader takes over):");
        println!();
        println!("  kill $(cat $PLAYGROUND/node-{leader}.pid)");
        println!("  raftctl status");
        println!("  raftctl kv get hello");
    }
    println!();
    match pki {
        Some(pki) => println!(
            "TLS on every route; the CA, member and client certificates are in {} \
             (the exports above make you the admin client; --insecure for plaintext).",
            pki.dir.display()
        ),
        None => println!(
            "Plaintext (--insecure): any process on this machine can act as any member or operator."
        ),
    }
    println!();
    if keep {
        println!("Ctrl-C stops every member; {} is kept.", root.display());
    } else {
        println!(
            "Ctrl-C stops every member and removes {} (--keep keeps it).",
            root.display()
        );
    }
}

/// SIGINT and SIGTERM, hooked once before any child starts so none is lost.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    /// Must run inside the tokio runtime.
    fn hook() -> CliResult<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let hook = |kind, name: &str| {
                signal(kind)
                    .map_err(|e| CliError::failure(format!("cannot listen for {name}: {e}")))
            };
            Ok(Signals {
                int: hook(SignalKind::interrupt(), "SIGINT")?,
                term: hook(SignalKind::terminate(), "SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The name of the signal that arrived.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => "SIGINT",
            _ = self.term.recv() => "SIGTERM",
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// Waits for SIGINT or SIGTERM, reporting members that exit meanwhile (killing one to
/// watch a failover is part of the tour, so that is not an error).
async fn run_until_signal(members: &mut Members, signals: &mut Signals) -> &'static str {
    let mut poll = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            name = signals.recv() => return name,
            _ = poll.tick() => {}
        }
        while let Some((i, status)) = members.first_exited() {
            let m = &members.0[i];
            println!(
                "playground: member {} ({}) exited ({status}); the others keep running. Its log: {}",
                m.id,
                m.url,
                m.log.display()
            );
        }
    }
}

/// Runs `raftctl playground`.
pub fn run(args: &PlaygroundArgs) -> CliResult {
    let ports = check_ports(args)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
    let mut signals = {
        let _in_runtime = rt.enter();
        Signals::hook()?
    };
    let root = make_temp_root(args.keep)?;
    let pki = if args.insecure {
        None
    } else {
        Some(Pki::create(&root.path, ports.len())?)
    };
    let mut members = start_members(&root.path, &ports, pki.as_ref())?;
    let outcome = rt.block_on(async {
        let leader = tokio::select! {
            leader = wait_for_leader(&mut members, pki.as_ref()) => leader?,
            name = signals.recv() => return Ok(name),
        };
        print_banner(&members, &root.path, leader, args.keep, pki.as_ref());
        Ok(run_until_signal(&mut members, &mut signals).await)
    });
    let signal = match outcome {
        Ok(signal) => signal,
        Err(e) => {
            members.stop();
            if args.keep {
                eprintln!("playground: kept {}", root.path.display());
            }
            return Err(e);
        }
    };
    let running = members.0.iter().filter(|m| m.child.is_some()).count();
    println!("playground: {signal} received, stopping {running} member(s)");
    members.stop();
    drop(members);
    if args.keep {
        println!("playground: kept {}", root.path.display());
    } else {
        let path = root.path.clone();
        drop(root);
        if path.exists() {
            return Err(CliError::failure(format!(
                "stopped every member but could not remove {}",
                path.display()
            )));
        }
        println!("playground: removed {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(nodes: u16, base_port: u16) -> PlaygroundArgs {
        PlaygroundArgs {
            nodes,
            base_port,
            keep: false,
            insecure: false,
        }
    }

    #[test]
    fn ports_past_the_end_name_the_flag_and_the_largest_base() {
        let err = check_ports(&args(3, 65534)).expect_err("65534..65536 does not fit");
        assert_eq!(err.code, super::super::error::ExitCode::Usage);
        assert!(err.message.contains("--base-port 65534"), "{err}");
        assert!(err.message.contains("up to 65533"), "{err}");
    }

    #[test]
    fn a_taken_port_is_refused_before_anything_starts() {
        let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = taken.local_addr().expect("addr").port();
        let err = check_ports(&args(1, port)).expect_err("the port is taken");
        assert!(err.message.contains(&format!("port {port}")), "{err}");
        assert!(err.to_string().contains("--base-port"), "{err}");
    }
}
