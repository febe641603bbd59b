//! `raftctl playground`: a three-member cluster started as a child, used through another
//! `raftctl` process, then stopped with SIGINT: every member gone, the temp dir removed.

mod bin_util;

use bin_util::raftctl_bin;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

/// A base port with `n` consecutive free ports on 127.0.0.1 (bound and released).
fn free_port_run(n: u16) -> u16 {
    for _ in 0..200 {
        let probe = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
        let base = probe.local_addr().expect("local addr").port();
        drop(probe);
        if base > u16::MAX - n || base < 1024 {
            continue;
        }
        let all_free = (0..n).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if all_free {
            return base;
        }
    }
    panic!("found no {n} consecutive free ports on 127.0.0.1");
}

fn process_exists(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The playground process and the member pids it announced; Drop kills all of them,
/// so a failing test leaves nothing running.
struct Playground {
    child: Child,
    members: Vec<u32>,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Playground {
    /// The next stdout line, or a panic after the deadline showing what was printed.
    fn next_line(&mut self, deadline: Instant) -> String {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(line) => {
                self.seen.push(line.clone());
                line
            }
            Err(_) => panic!(
                "playground printed no further line in time; so far:\n{}",
                self.seen.join("\n")
            ),
        }
    }

    /// Reads lines until one starts with `prefix` (after trimming); returns the rest.
    fn wait_for_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let line = self.next_line(deadline);
            if let Some(rest) = line.trim().strip_prefix(prefix) {
                return rest.trim().to_string();
            }
        }
    }
}

impl Drop for Playground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pid in &self.members {
            let _ = Command::new("kill")
                .args(["-9", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Runs raftctl with the environment the playground's export lines set.
fn raftctl(endpoints: &str, env: &[(String, String)], args: &[&str]) -> std::process::Output {
    Command::new(raftctl_bin())
        .args(["--endpoints", endpoints, "--timeout", "10s"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .output()
        .expect("run raftctl")
}

#[test]
fn playground_serves_a_cluster_and_cleans_up_on_sigint() {
    let base = free_port_run(3);
    let mut child = Command::new(raftctl_bin())
        .args([
            "playground",
            "--nodes",
            "3",
            "--base-port",
            &base.to_string(),
        ])
        .env_remove("RAFTCTL_ENDPOINTS")
        .env_remove("RAFTCTL_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start raftctl playground");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut pg = Playground {
        child,
        members: Vec::new(),
        lines: rx,
        seen: Vec::new(),
    };

    let members = pg.wait_for_line("members:");
    pg.members = members
        .split_whitespace()
        .map(|p| p.parse().expect("a pid"))
        .collect();
    assert_eq!(pg.members.len(), 3, "members line: {members}");
    let dir = PathBuf::from(pg.wait_for_line("directory:"));
    assert!(dir.is_dir(), "{} should exist while running", dir.display());
    let endpoints = pg.wait_for_line("export RAFTCTL_ENDPOINTS=");
    let want: Vec<String> = (0..3)
        .map(|i| format!("https://127.0.0.1:{}", base + i))
        .collect();
    assert_eq!(endpoints, want.join(","), "secure by default: TLS");
    let mut env = Vec::new();
    for var in ["RAFTCTL_CACERT", "RAFTCTL_CERT", "RAFTCTL_KEY"] {
        let path = pg.wait_for_line(&format!("export {var}="));
        assert!(
            PathBuf::from(&path).starts_with(&dir),
            "{var}={path} is in {}",
            dir.display()
        );
        env.push((var.to_string(), path));
    }

    // Without the client certificate the members refuse.
    let anonymous = raftctl(&endpoints, &env[..1], &["kv", "get", "hello"]);
    assert_eq!(anonymous.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&anonymous.stderr).contains("unauthenticated"),
        "{}",
        String::from_utf8_lossy(&anonymous.stderr)
    );

    let put = raftctl(&endpoints, &env, &["kv", "put", "hello", "world"]);
    assert!(
        put.status.success(),
        "put failed: {}",
        String::from_utf8_lossy(&put.stderr)
    );
    // Linearizable (the default), through the last member so a follower may answer.
    let get = raftctl(&want[2], &env, &["kv", "get", "hello"]);
    assert!(
        get.status.success(),
        "get failed: {}",
        String::from_utf8_lossy(&get.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&get.stdout), "world\n");

    let pid = pg.child.id();
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = pg.child.try_wait().expect("wait for the playground") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "playground did not exit after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "playground exit status");
    for pid in &pg.members {
        assert!(!process_exists(*pid), "member pid {pid} is still running");
    }
    assert!(!dir.exists(), "{} was not removed", dir.display());
}

#[test]
fn a_taken_port_is_refused_with_the_flag_to_change() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let out = Command::new(raftctl_bin())
        .args([
            "playground",
            "--nodes",
            "1",
            "--base-port",
            &port.to_string(),
        ])
        .output()
        .expect("run raftctl playground");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
    assert!(stderr.contains("--base-port"), "{stderr}");
}
