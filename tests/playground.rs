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
    /// `raftctl playground ARGS --base-port BASE`, its stdout read line by line.
    fn start(args: &[&str], base: u16) -> Playground {
        let mut child = Command::new(raftctl_bin())
            .arg("playground")
            .args(args)
            .args(["--base-port", &base.to_string()])
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
        Playground {
            child,
            members: Vec::new(),
            lines: rx,
            seen: Vec::new(),
        }
    }

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
    let mut pg = Playground::start(&["--nodes", "3"], base);

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

/// The README's tour: its shell block, after the lines the playground prints under "In
/// another terminal", run by bash with `set -e` on ports of the test's own. Lines the
/// README marks `# refused` must fail; every other line must succeed.
#[test]
fn the_readme_tour_runs_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let tour = tour_block(&readme);
    let base = free_port_run(4);
    let mut pg = Playground::start(&[], base);
    let members = pg.wait_for_line("members:");
    pg.members = members
        .split_whitespace()
        .map(|p| p.parse().expect("a pid"))
        .collect();
    let dir = PathBuf::from(pg.wait_for_line("directory:"));
    pg.wait_for_line("In another terminal:");
    // What an operator pastes: the alias and export lines, as printed.
    let mut pasted = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    loop {
        let line = pg.next_line(deadline);
        let line = line.trim();
        if line.starts_with("alias ") || line.starts_with("export ") {
            pasted.push(line.to_string());
        } else if !pasted.is_empty() {
            break;
        }
    }
    assert!(
        pasted.iter().any(|l| l.starts_with("export PLAYGROUND=")),
        "the playground prints PLAYGROUND: {pasted:?}"
    );

    let script = format!(
        "set -euo pipefail\nshopt -s expand_aliases\n{}\n{}\n",
        pasted.join("\n"),
        runnable(&tour, base)
    );
    let mut shell = Tour::run(&script, &dir);
    let status = shell.wait(Duration::from_secs(240));
    assert!(
        status.success(),
        "the tour failed ({status}):\n{}",
        shell.output()
    );
    assert!(
        shell.output().contains("hello"),
        "the tour's output:\n{}",
        shell.output()
    );

    let sent = Command::new("kill")
        .args(["-INT", &pg.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let deadline = Instant::now() + DEADLINE;
    while pg.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "playground did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!dir.exists(), "{} was not removed", dir.display());
}

/// The shell block of the README's tour (the one after "Terminal 2").
fn tour_block(readme: &str) -> String {
    let from = readme
        .find("Terminal 2, in the same directory")
        .expect("the README has a tour with a terminal 2");
    let rest = &readme[from..];
    let start = rest.find("```sh\n").expect("a shell block") + "```sh\n".len();
    let end = rest[start..].find("```").expect("the block ends");
    rest[start..start + end].to_string()
}

/// The tour with its ports moved to `base..base + 4`, and each line marked
/// `# refused` turned into a check that it fails, and for want of a certificate or a role
/// (not, say, because the command was not found).
fn runnable(tour: &str, base: u16) -> String {
    let mut out = String::new();
    for line in tour.lines() {
        let mut line = line.to_string();
        for (i, port) in (7001..=7004).enumerate() {
            line = line.replace(
                &format!("127.0.0.1:{port}"),
                &format!("127.0.0.1:{}", base + i as u16),
            );
        }
        match line.split_once("  # refused") {
            Some((command, _)) => {
                let shown = command.replace('\'', "");
                out.push_str(&format!(
                    "if {command} 2> refused.err; then echo 'tour: not refused: {shown}' >&2; exit 1; fi\n\
                     cat refused.err >&2\n\
                     grep -Eq 'unauthenticated|forbidden' refused.err || \
                     {{ echo 'tour: refused for another reason: {shown}' >&2; exit 1; }}\n"
                ));
            }
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// The tour's bash, its output in a file. Drop kills it and whatever it started in the
/// background (member 4): every process whose command line names the playground's
/// directory, found in /proc, so that nothing else is ever signalled.
struct Tour {
    child: Child,
    log: tempfile::NamedTempFile,
    dir: PathBuf,
}

impl Tour {
    fn run(script: &str, dir: &std::path::Path) -> Tour {
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let child = Command::new("bash")
            .args(["-c", script])
            .current_dir(dir)
            .env_remove("RAFTCTL_ENDPOINTS")
            .env_remove("RAFTCTL_CERT")
            .env_remove("RAFTCTL_KEY")
            .env_remove("RAFTCTL_CACERT")
            .stdin(Stdio::null())
            .stdout(log.reopen().expect("log"))
            .stderr(log.reopen().expect("log"))
            .spawn()
            .expect("run bash");
        Tour {
            child,
            log,
            dir: dir.to_path_buf(),
        }
    }

    fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for bash") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the tour did not finish in {limit:?}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

/// Pids of the processes whose command line mentions `dir`.
fn processes_naming(dir: &std::path::Path) -> Vec<u32> {
    let needle = dir.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != std::process::id())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                String::from_utf8_lossy(&c)
                    .replace('\0', " ")
                    .contains(&needle)
            })
        })
        .collect()
}

impl Drop for Tour {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pid in processes_naming(&self.dir) {
            let _ = Command::new("kill")
                .args(["-9", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }
}
