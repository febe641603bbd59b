//! `raftctl playground`: a local cluster of N members as child processes of this binary,
//! in one temporary directory, for trying raftctl out: checks the ports, starts the
//! members (`members.rs`), waits for a leader, prints how to use the cluster, and stops
//! everything on SIGINT or SIGTERM.

mod members;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use self::members::{died_error, make_temp_root, start_members, Members, Pki};
use super::args::PlaygroundArgs;
use super::error::{CliError, CliResult};
use super::output::Out;
use super::runtime;
use crate::client::Client;

/// How long to wait for every member to agree on a leader.
const START_DEADLINE: Duration = Duration::from_secs(30);

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

fn print_banner(
    members: &Members,
    root: &Path,
    leader: u64,
    keep: bool,
    pki: Option<&Pki>,
    out: &mut Out,
) -> CliResult {
    let n = members.0.len();
    writeln!(
        out,
        "playground: {n} member(s) running, member {leader} is the leader"
    )?;
    writeln!(out)?;
    for m in &members.0 {
        writeln!(out, "  member {}  {}  pid {}", m.id, m.url, m.pid)?;
    }
    let pids: Vec<String> = members.0.iter().map(|m| m.pid.to_string()).collect();
    writeln!(out, "members: {}", pids.join(" "))?;
    writeln!(out, "directory: {}", root.display())?;
    writeln!(
        out,
        "  (member i: data dir node-i/, log node-i.log, pid in node-i.pid)"
    )?;
    writeln!(out)?;
    print_commands(members, root, leader, pki, out)?;
    writeln!(out)?;
    print_closing(root, keep, pki, out)
}

/// The banner's commands to try from another terminal: the exports, a write and a read,
/// and (with a quorum to spare) a failover.
fn print_commands(
    members: &Members,
    root: &Path,
    leader: u64,
    pki: Option<&Pki>,
    out: &mut Out,
) -> CliResult {
    let endpoints: Vec<&str> = members.0.iter().map(|m| m.url.as_str()).collect();
    let raftctl = raftctl_invocation();
    writeln!(out, "In another terminal:")?;
    writeln!(out)?;
    if raftctl != "raftctl" {
        writeln!(out, "  alias raftctl={raftctl}")?;
    }
    writeln!(out, "  export RAFTCTL_ENDPOINTS={}", endpoints.join(","))?;
    if let Some(pki) = pki {
        let admin = pki.admin();
        let shown = |p: Option<PathBuf>| p.map(|p| p.display().to_string()).unwrap_or_default();
        writeln!(out, "  export RAFTCTL_CACERT={}", shown(admin.cacert))?;
        writeln!(out, "  export RAFTCTL_CERT={}", shown(admin.cert))?;
        writeln!(out, "  export RAFTCTL_KEY={}", shown(admin.key))?;
    }
    writeln!(out, "  export PLAYGROUND={}", root.display())?;
    writeln!(out, "  raftctl kv put hello world")?;
    writeln!(out, "  raftctl kv get hello")?;
    writeln!(out, "  raftctl status")?;
    if members.0.len() >= 3 {
        writeln!(out)?;
        writeln!(
            out,
            "Watch a failover: stop the leader, then ask again (a new leader takes over):"
        )?;
        writeln!(out)?;
        writeln!(out, "  kill $(cat $PLAYGROUND/node-{leader}.pid)")?;
        writeln!(out, "  raftctl status")?;
        writeln!(out, "  raftctl kv get hello")?;
    }
    Ok(())
}

/// The banner's last lines: how the cluster is secured, and what Ctrl-C does.
fn print_closing(root: &Path, keep: bool, pki: Option<&Pki>, out: &mut Out) -> CliResult {
    match pki {
        Some(pki) => writeln!(
            out,
            "TLS on every route; the CA, member and client certificates are in {} \
             (the exports above make you the admin client; --insecure for plaintext).",
            pki.dir.display()
        ),
        None => writeln!(
            out,
            "Plaintext (--insecure): any process on this machine can act as any member or operator."
        ),
    }?;
    writeln!(out)?;
    if keep {
        writeln!(
            out,
            "Ctrl-C stops every member; {} is kept.",
            root.display()
        )?;
    } else {
        writeln!(
            out,
            "Ctrl-C stops every member and removes {} (--keep keeps it).",
            root.display()
        )?;
    }
    Ok(())
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
/// Stops early only when stdout cannot be written to.
async fn run_until_signal(
    members: &mut Members,
    signals: &mut Signals,
    out: &mut Out<'_>,
) -> CliResult<&'static str> {
    let mut poll = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            name = signals.recv() => return Ok(name),
            _ = poll.tick() => {}
        }
        while let Some((i, status)) = members.first_exited() {
            let m = &members.0[i];
            writeln!(
                out,
                "playground: member {} ({}) exited ({status}); the others keep running. Its log: {}",
                m.id,
                m.url,
                m.log.display()
            )?;
        }
    }
}

/// Runs `raftctl playground`.
pub fn run(args: &PlaygroundArgs, out: &mut Out) -> CliResult {
    let ports = check_ports(args)?;
    let rt = runtime()?;
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
        print_banner(&members, &root.path, leader, args.keep, pki.as_ref(), out)?;
        run_until_signal(&mut members, &mut signals, out).await
    });
    let signal = match outcome {
        Ok(signal) => signal,
        Err(e) => {
            members.stop(out);
            if args.keep {
                out.note(format_args!("playground: kept {}", root.path.display()));
            }
            return Err(e);
        }
    };
    let running = members.0.iter().filter(|m| m.child.is_some()).count();
    // The members stop cleanly even when stdout is gone by now.
    let said = writeln!(
        out,
        "playground: {signal} received, stopping {running} member(s)"
    );
    members.stop(out);
    drop(members);
    said?;
    if args.keep {
        writeln!(out, "playground: kept {}", root.path.display())?;
    } else {
        let path = root.path.clone();
        drop(root);
        if path.exists() {
            return Err(CliError::failure(format!(
                "stopped every member but could not remove {}",
                path.display()
            )));
        }
        writeln!(out, "playground: removed {}", path.display())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ExitCode;

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
        assert_eq!(err.code, ExitCode::Usage);
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
