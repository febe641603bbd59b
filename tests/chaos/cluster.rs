//! A cluster of real `raftctl serve` processes, each in its own network namespace (see
//! `net.rs`), with the faults a test applies to them: kill -9 and restart, SIGSTOP and
//! SIGCONT, cuts of the network, membership changes and leader transfers through the
//! CLI. Every fault goes into a time-stamped log (`FaultLog`).
//!
//! When the test panics (a failed check, a wait that timed out), `Drop` prints the seed,
//! the fault log and where the members' data dirs and logs are, and keeps them;
//! otherwise it removes them. The members are killed in either case, and the network is
//! removed after them.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::client::Client;
use super::net::{Net, PORT};

/// Milliseconds per tick of every member: elections within a fraction of a second.
pub const TICK_MS: &str = "20";

pub use crate::bin_util::raftctl_bin;

/// A time-stamped list of what the nemesis did, shared with whoever reports.
#[derive(Clone)]
pub struct FaultLog {
    t0: Instant,
    lines: Arc<Mutex<Vec<String>>>,
}

impl FaultLog {
    pub fn new(t0: Instant) -> FaultLog {
        FaultLog {
            t0,
            lines: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn note(&self, what: impl AsRef<str>) {
        let line = format!(
            "{:>8.3}s {}",
            self.t0.elapsed().as_secs_f64(),
            what.as_ref()
        );
        if std::env::var_os("CHAOS_VERBOSE").is_some() {
            eprintln!("chaos: {line}");
        }
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// One member: its process (while running) in its namespace.
pub struct Member {
    pub id: u64,
    pub url: String,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    /// `--initial-cluster ...` or `--join URL`, given on every start (ignored by
    /// `serve` once the data dir holds state).
    pub boot_args: Vec<String>,
    child: Option<Child>,
    pub paused: bool,
    pub starts: u32,
    /// It applied its own removal and stopped: not started again.
    pub removed: bool,
}

impl Member {
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Running and not stopped: it can answer.
    pub fn is_up(&self) -> bool {
        self.child.is_some() && !self.paused
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub struct ChaosCluster {
    pub name: String,
    pub seed: u64,
    pub t0: Instant,
    pub log: FaultLog,
    pub http: Client,
    /// `serve` flags of every member, beyond its identity and address.
    pub serve_args: Vec<String>,
    pub members: BTreeMap<u64, Member>,
    /// Members that exited without being killed, as `reap` found them.
    pub exits: Vec<String>,
    root: Option<tempfile::TempDir>,
    /// Last: dropped after the members are killed.
    pub net: Net,
}

impl ChaosCluster {
    /// Members `1..=n` bootstrapped together, each with `serve_args`; waits for a leader.
    pub fn start(name: &str, seed: u64, n: u64, serve_args: &[&str]) -> ChaosCluster {
        let net = Net::new();
        let root = tempfile::Builder::new()
            .prefix(&format!("raftctl-chaos-{name}-"))
            .tempdir()
            .expect("temp dir");
        let t0 = Instant::now();
        let mut c = ChaosCluster {
            name: name.to_string(),
            seed,
            t0,
            log: FaultLog::new(t0),
            http: Client::new(Duration::from_secs(2)),
            serve_args: serve_args.iter().map(|s| s.to_string()).collect(),
            members: BTreeMap::new(),
            exits: Vec::new(),
            root: Some(root),
            net,
        };
        let initial = (1..=n)
            .map(|id| format!("{id}={}", c.net.url(id)))
            .collect::<Vec<_>>()
            .join(",");
        for id in 1..=n {
            c.add_member(id, vec!["--initial-cluster".into(), initial.clone()]);
            c.start_member(id);
        }
        c.log.note(format!(
            "started {n} members on 10.{}.{}.0/24 (tag {}), data in {}",
            c.net.subnet.0,
            c.net.subnet.1,
            c.net.tag,
            c.root().display()
        ));
        c.wait_leader(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("the new cluster elected no leader: {e}"));
        c
    }

    pub fn root(&self) -> &Path {
        self.root.as_ref().expect("root").path()
    }

    /// Makes member `id` known to the harness (its namespace, dirs), not started.
    pub fn add_member(&mut self, id: u64, boot_args: Vec<String>) {
        self.net.add_member(id);
        let m = Member {
            id,
            url: self.net.url(id),
            data_dir: self.root().join(format!("n{id}")),
            log: self.root().join(format!("n{id}.log")),
            boot_args,
            child: None,
            paused: false,
            starts: 0,
            removed: false,
        };
        self.members.insert(id, m);
    }

    /// Forgets a member the cluster removed: kills it; its files stay until the end.
    pub fn forget_member(&mut self, id: u64) {
        if let Some(mut m) = self.members.remove(&id) {
            if let Some(mut c) = m.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }

    pub fn member(&self, id: u64) -> &Member {
        self.members.get(&id).expect("a member with that id")
    }

    fn member_mut(&mut self, id: u64) -> &mut Member {
        self.members.get_mut(&id).expect("a member with that id")
    }

    pub fn ids(&self) -> Vec<u64> {
        self.members.keys().copied().collect()
    }

    pub fn url(&self, id: u64) -> String {
        self.member(id).url.clone()
    }

    pub fn start_member(&mut self, id: u64) {
        let ip = self.net.ip_of(id);
        let mut cmd = self.net.command(id, raftctl_bin());
        let m = self.members.get(&id).expect("a member with that id");
        assert!(m.child.is_none(), "member {id} is already running");
        let log = File::options()
            .create(true)
            .append(true)
            .open(&m.log)
            .expect("open the member's log");
        cmd.arg("serve")
            .args(["--id", &id.to_string()])
            .args(["--listen", &format!("{ip}:{PORT}")])
            .args(["--advertise", &m.url])
            .arg("--insecure-plaintext")
            .arg("--data-dir")
            .arg(&m.data_dir)
            .args(["--tick-ms", TICK_MS])
            .args(&m.boot_args)
            .args(&self.serve_args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log));
        let child = cmd.spawn().expect("start raftctl serve");
        let m = self.member_mut(id);
        m.child = Some(child);
        m.paused = false;
        m.starts += 1;
    }

    /// kill -9 (also of a stopped process).
    pub fn kill(&mut self, id: u64) {
        let m = self.member_mut(id);
        if let Some(mut c) = m.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        m.paused = false;
    }

    fn signal(&self, id: u64, sig: &str) {
        if let Some(pid) = self.member(id).pid() {
            let _ = Command::new("kill").args([sig, &pid.to_string()]).status();
        }
    }

    /// SIGSTOP: the process stays, its sockets stay open, it answers nothing.
    pub fn pause(&mut self, id: u64) {
        if self.member(id).is_running() {
            self.signal(id, "-STOP");
            self.member_mut(id).paused = true;
        }
    }

    pub fn resume(&mut self, id: u64) {
        if self.member(id).paused {
            self.signal(id, "-CONT");
            self.member_mut(id).paused = false;
        }
    }

    /// Notices members that exited by themselves (a refused start, a crash): logged,
    /// kept in `exits`, and marked stopped so that `heal_all` starts them again. A member
    /// that applied its own removal stops cleanly by design: logged, not kept (the
    /// nemesis may notice the removal only after the member did).
    pub fn reap(&mut self) {
        let mut exited = Vec::new();
        for m in self.members.values_mut() {
            if let Some(c) = m.child.as_mut() {
                if let Ok(Some(status)) = c.try_wait() {
                    m.child = None;
                    m.paused = false;
                    let log = std::fs::read_to_string(&m.log).unwrap_or_default();
                    let removed = status.success()
                        && log.contains("this member was removed from the cluster; shutting down");
                    m.removed |= removed;
                    exited.push((
                        removed,
                        format!("member {} exited by itself: {status}", m.id),
                    ));
                }
            }
        }
        for (removed, e) in exited {
            if removed {
                self.log
                    .note(format!("{e}, after applying its own removal"));
            } else {
                self.log.note(&e);
                self.exits.push(e);
            }
        }
    }

    /// Undoes every fault: the network healed, stopped members continued, killed ones
    /// started again.
    pub fn heal_all(&mut self) {
        self.reap();
        self.net.heal();
        for id in self.ids() {
            if self.member(id).paused {
                self.resume(id);
            }
            if !self.member(id).is_running() && !self.member(id).removed {
                self.start_member(id);
            }
        }
    }

    pub fn status(&self, id: u64) -> Option<Value> {
        self.http.get_json(&format!("{}/v1/status", self.url(id)))
    }

    /// The member that claims leadership in the highest term, among those that answer.
    pub fn leader(&self) -> Option<u64> {
        let mut best: Option<(u64, u64)> = None;
        for (id, m) in &self.members {
            if !m.is_up() {
                continue;
            }
            if let Some(s) = self.status(*id) {
                if s["role"] == "leader" {
                    let term = s["term"].as_u64().unwrap_or(0);
                    if best.is_none_or(|(t, _)| term > t) {
                        best = Some((term, *id));
                    }
                }
            }
        }
        best.map(|(_, id)| id)
    }

    /// Waits until every running member names the same leader, which answers `/health`
    /// with 200; returns it and how long that took.
    pub fn wait_leader(&self, bound: Duration) -> Result<(u64, Duration), String> {
        let start = Instant::now();
        loop {
            let mut views = Vec::new();
            let mut agreed: Option<u64> = None;
            let mut ok = true;
            for (id, _) in self.members.iter().filter(|(_, m)| m.is_up()) {
                let s = self.status(*id);
                let l = s.as_ref().and_then(|s| s["leader"].as_u64());
                views.push(format!("{id}:{l:?}"));
                match (l, agreed) {
                    (None, _) => ok = false,
                    (Some(l), None) => agreed = Some(l),
                    (Some(l), Some(a)) if l != a => ok = false,
                    _ => {}
                }
            }
            let last = views.join(" ");
            if let (true, Some(l)) = (ok, agreed) {
                let healthy = self.members.get(&l).is_some_and(|m| m.is_up())
                    && self
                        .http
                        .send("GET", &format!("{}/health", self.url(l)), None)
                        .status()
                        == Some(200);
                if healthy {
                    return Ok((l, start.elapsed()));
                }
            }
            if start.elapsed() > bound {
                return Err(format!(
                    "no leader agreed on within {bound:?}; last views (member:leader): {last}"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `f` every 50 ms until it holds, for at most `bound`.
    pub fn wait_until(bound: Duration, mut f: impl FnMut() -> bool) -> Result<(), String> {
        let start = Instant::now();
        while !f() {
            if start.elapsed() > bound {
                return Err(format!("not within {bound:?}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Waits until every running member has applied what the leader has committed.
    pub fn wait_caught_up(&self, leader: u64, bound: Duration) -> Result<u64, String> {
        let start = Instant::now();
        let commit = self
            .status(leader)
            .and_then(|s| s["commit"].as_u64())
            .ok_or("the leader does not answer /v1/status")?;
        loop {
            let behind: Vec<String> = self
                .members
                .iter()
                .filter(|(_, m)| m.is_up())
                .filter_map(|(id, _)| {
                    let applied = self.status(*id).and_then(|s| s["applied"].as_u64());
                    (applied.unwrap_or(0) < commit).then(|| format!("{id}:{applied:?}"))
                })
                .collect();
            if behind.is_empty() {
                return Ok(commit);
            }
            if start.elapsed() > bound {
                return Err(format!(
                    "members still behind commit {commit} after {bound:?}: {}",
                    behind.join(" ")
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `raftctl --endpoints <running members> --timeout 5s args...`, run from the root
    /// namespace.
    pub fn cli(&self, args: &[&str]) -> Output {
        let endpoints = self
            .members
            .values()
            .filter(|m| m.is_up())
            .map(|m| m.url.clone())
            .collect::<Vec<_>>()
            .join(",");
        Command::new(raftctl_bin())
            .args(["--endpoints", &endpoints, "--timeout", "5s"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run raftctl")
    }

    /// `raftctl wal verify` on a stopped member's data dir.
    pub fn wal_verify(&self, id: u64) -> Result<(), String> {
        let m = self.member(id);
        assert!(!m.is_running(), "wal verify needs a stopped member");
        wal_verify(&m.data_dir)
    }

    /// Lines of member `id`'s log that contain `needle`.
    pub fn log_count(&self, id: u64, needle: &str) -> usize {
        std::fs::read_to_string(&self.member(id).log)
            .unwrap_or_default()
            .matches(needle)
            .count()
    }
}

pub fn wal_verify(dir: &Path) -> Result<(), String> {
    let out = Command::new(raftctl_bin())
        .args(["wal", "verify", "--data-dir"])
        .arg(dir)
        .output()
        .expect("run raftctl wal verify");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "wal verify {}: {}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// "ok: <first line of stdout>" or "failed: <first line of stderr>".
pub fn output_text(o: &Output) -> String {
    let first = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    if o.status.success() {
        format!("ok: {}", first(&o.stdout))
    } else {
        format!("failed: {}", first(&o.stderr))
    }
}

impl Drop for ChaosCluster {
    fn drop(&mut self) {
        for m in self.members.values_mut() {
            if let Some(mut c) = m.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        if !std::thread::panicking() && std::env::var_os("CHAOS_KEEP").is_some() {
            let root = self.root.take().expect("root").keep();
            eprintln!(
                "chaos {:?}: data dirs and logs kept in {}",
                self.name,
                root.display()
            );
        } else if std::thread::panicking() {
            let root = self.root.take().expect("root").keep();
            eprintln!("==== chaos scenario {:?} failed", self.name);
            eprintln!(
                "replay with: CHAOS_SEED={} (and the same CHAOS_SECS)",
                self.seed
            );
            eprintln!("---- fault log ----");
            for l in self.log.lines() {
                eprintln!("{l}");
            }
            eprintln!(
                "---- member data dirs and logs kept in {} (n<ID>/, n<ID>.log)",
                root.display()
            );
        }
    }
}
