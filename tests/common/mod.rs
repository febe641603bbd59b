//! Test helper: real `raftctl serve` processes on free loopback ports, each in its own
//! temp dir, killed when the helper is dropped (also when a test panics). Stderr of each
//! process goes to a log file that is printed when a test fails.

#![allow(dead_code)]

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Ticks are short so elections take a fraction of a second.
pub const TICK_MS: &str = "20";
/// Generous: CI machines can be slow and several clusters may run at once.
pub const DEADLINE: Duration = Duration::from_secs(30);

#[path = "../bin_util/mod.rs"]
mod bin_util;
// Not every test file that includes this module runs the binary.
#[allow(unused_imports)]
pub use bin_util::raftctl_bin;

/// A loopback port nobody listens on right now, and that this test process has not
/// handed out before: the kernel may give a just-released ephemeral port again, and two
/// members of one cluster must never get the same one.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
        let port = l.local_addr().expect("local addr").port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// Polls `f` until it returns `Some`, or panics with `what` after the deadline.
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One member: its id, URL, data dir and (while running) its process.
pub struct Node {
    pub id: u64,
    pub port: u16,
    pub url: String,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    pub extra_args: Vec<String>,
    /// `--cacert/--cert/--key` of a member running with TLS.
    pub tls_args: Vec<String>,
    child: Option<Child>,
    starts: u32,
}

impl Node {
    pub fn new(id: u64, root: &Path) -> Node {
        let port = free_port();
        Node {
            id,
            port,
            url: format!("http://127.0.0.1:{port}"),
            data_dir: root.join(format!("n{id}")),
            log: root.join(format!("n{id}.log")),
            extra_args: Vec::new(),
            tls_args: Vec::new(),
            child: None,
            starts: 0,
        }
    }

    /// Starts `raftctl serve` with this member's flags plus `extra_args`.
    pub fn start(&mut self) {
        assert!(
            self.child.is_none(),
            "member {} is already running",
            self.id
        );
        self.starts += 1;
        let log = File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("open the log file");
        let child = Command::new(raftctl_bin())
            .arg("serve")
            .args(["--id", &self.id.to_string()])
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["--tick-ms", TICK_MS])
            .args(&self.extra_args)
            .args(&self.tls_args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start raftctl serve");
        self.child = Some(child);
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// kill -9.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGSTOP: the process stays but answers nothing (a partition, as its peers see it).
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// SIGCONT after `pause`.
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, sig: &str) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .args([sig, &c.id().to_string()])
                .status();
        }
    }

    /// SIGTERM, then waits for the exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        self.stop_with("-TERM")
    }

    /// SIGINT (Ctrl-C), then waits for the exit code.
    pub fn interrupt(&mut self) -> Option<i32> {
        self.stop_with("-INT")
    }

    fn stop_with(&mut self, sig: &str) -> Option<i32> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .args([sig, &c.id().to_string()])
            .status();
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Ok(Some(status)) = c.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = c.kill();
                let _ = c.wait();
                panic!("member {} did not stop after kill {sig}", self.id);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to exit by itself (e.g. refused start-up).
    pub fn wait_exit(&mut self) -> Option<i32> {
        let c = self.child.as_mut()?;
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Ok(Some(status)) = c.try_wait() {
                self.child = None;
                return status.code();
            }
            if Instant::now() > deadline {
                panic!("member {} did not exit", self.id);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let text = self.log_text();
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            eprintln!("---- member {} log (last lines) ----", self.id);
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

/// N members bootstrapped together with `--initial-cluster`, in one temp dir.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub http: Http,
    // Last: removed after the members are killed.
    pub root: tempfile::TempDir,
}

impl Cluster {
    /// Starts `n` members and waits until they agree on a leader.
    pub fn start(n: u64) -> Cluster {
        Cluster::start_with(n, &[])
    }

    /// Like `start`, with more `serve` flags for every member.
    pub fn start_with(n: u64, extra: &[&str]) -> Cluster {
        let ids: Vec<u64> = (1..=n).collect();
        Cluster::start_some(n, &ids, extra)
    }

    /// A cluster of `n` members where only those in `running` are started.
    pub fn start_some(n: u64, running: &[u64], extra: &[&str]) -> Cluster {
        Cluster::start_in(
            tempfile::tempdir().expect("temp dir"),
            n,
            running,
            extra,
            None,
        )
    }

    /// `n` members with TLS: a CA, member certificates and an `admin` client certificate
    /// made by `raftctl cert` in `<root>/pki`; `http` speaks TLS as that admin client.
    pub fn start_tls(n: u64, extra: &[&str]) -> Cluster {
        let root = tempfile::tempdir().expect("temp dir");
        let pki = Pki::create(root.path(), n);
        let ids: Vec<u64> = (1..=n).collect();
        Cluster::start_in(root, n, &ids, extra, Some(pki))
    }

    fn start_in(
        root: tempfile::TempDir,
        n: u64,
        running: &[u64],
        extra: &[&str],
        pki: Option<Pki>,
    ) -> Cluster {
        let mut nodes: Vec<Node> = (1..=n).map(|id| Node::new(id, root.path())).collect();
        if let Some(pki) = &pki {
            for node in &mut nodes {
                node.url = node.url.replace("http://", "https://");
                node.tls_args = pki.member_args(node.id);
            }
        }
        let initial = nodes
            .iter()
            .map(|n| format!("{}={}", n.id, n.url))
            .collect::<Vec<_>>()
            .join(",");
        for node in &mut nodes {
            if n > 1 {
                node.extra_args = vec!["--initial-cluster".into(), initial.clone()];
            }
            node.extra_args.extend(extra.iter().map(|a| a.to_string()));
            if running.contains(&node.id) {
                node.start();
            }
        }
        let http = match &pki {
            Some(pki) => Http::tls(&pki.ca(), Some(&pki.client("admin"))),
            None => Http::new(),
        };
        let c = Cluster { nodes, http, root };
        c.wait_leader();
        c
    }

    /// Where `start_tls` keeps its certificates.
    pub fn pki(&self) -> Pki {
        Pki {
            dir: self.root.path().join("pki"),
        }
    }

    pub fn node(&mut self, id: u64) -> &mut Node {
        self.nodes
            .iter_mut()
            .find(|n| n.id == id)
            .expect("a member with that id")
    }

    pub fn url(&self, id: u64) -> String {
        self.nodes
            .iter()
            .find(|n| n.id == id)
            .expect("a member with that id")
            .url
            .clone()
    }

    pub fn endpoints(&self) -> String {
        self.nodes
            .iter()
            .map(|n| n.url.clone())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Waits until every running member reports the same leader, and that leader is
    /// running and healthy; returns its id.
    pub fn wait_leader(&self) -> u64 {
        wait_for("a leader all running members agree on", || {
            let mut leader = None;
            for n in self.nodes.iter().filter(|n| n.is_running()) {
                let s = self.http.get_json(&format!("{}/v1/status", n.url))?;
                let l = s["leader"].as_u64()?;
                if leader.is_some_and(|x| x != l) {
                    return None;
                }
                leader = Some(l);
            }
            let l = leader?;
            let running = self.nodes.iter().any(|n| n.id == l && n.is_running());
            let url = &self.nodes.iter().find(|n| n.id == l)?.url;
            let healthy = self.http.status(&format!("{url}/health")) == Some(200);
            (running && healthy).then_some(l)
        })
    }

    /// Runs the CLI against this cluster's endpoints.
    pub fn cli(&self, args: &[&str]) -> Output {
        cli(&self.endpoints(), args)
    }
}

/// Runs `raftctl --endpoints E args...`.
pub fn cli(endpoints: &str, args: &[&str]) -> Output {
    Command::new(raftctl_bin())
        .args(["--endpoints", endpoints, "--timeout", "10s"])
        .args(args)
        .output()
        .expect("run raftctl")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A blocking HTTP client for tests (reqwest's async client on a private runtime).
pub struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// Status, headers and body of one answer.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A certificate and its key, as `raftctl cert` names them.
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A test cluster's certificates, made by `raftctl cert` in one directory.
pub struct Pki {
    pub dir: PathBuf,
}

impl Pki {
    /// A CA, member certificates 1..=n for 127.0.0.1, and clients `admin`, `writer`
    /// and `reader` with those roles.
    pub fn create(root: &Path, n: u64) -> Pki {
        let dir = root.join("pki");
        let run = |args: &[&str]| {
            let out = Command::new(raftctl_bin())
                .arg("cert")
                .args(args)
                .output()
                .expect("run raftctl cert");
            assert!(
                out.status.success(),
                "raftctl cert {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let d = dir.to_str().expect("utf-8 temp dir");
        run(&["create-ca", d]);
        for id in 1..=n {
            run(&[
                "create-member",
                "--id",
                &id.to_string(),
                "--host",
                "127.0.0.1",
                "--ca",
                d,
            ]);
        }
        for (name, role) in [("admin", "admin"), ("writer", "write"), ("reader", "read")] {
            run(&["create-client", "--name", name, "--role", role, "--ca", d]);
        }
        Pki { dir }
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    pub fn member(&self, id: u64) -> CertFiles {
        CertFiles {
            cert: self.dir.join(format!("member-{id}.crt")),
            key: self.dir.join(format!("member-{id}.key")),
        }
    }

    pub fn client(&self, name: &str) -> CertFiles {
        CertFiles {
            cert: self.dir.join(format!("client-{name}.crt")),
            key: self.dir.join(format!("client-{name}.key")),
        }
    }

    /// `serve` flags of member `id`.
    pub fn member_args(&self, id: u64) -> Vec<String> {
        self.tls_args(&self.member(id))
    }

    /// Client flags of the client certificate `name`.
    pub fn client_args(&self, name: &str) -> Vec<String> {
        self.tls_args(&self.client(name))
    }

    fn tls_args(&self, files: &CertFiles) -> Vec<String> {
        vec![
            "--cacert".into(),
            self.ca().display().to_string(),
            "--cert".into(),
            files.cert.display().to_string(),
            "--key".into(),
            files.key.display().to_string(),
        ]
    }
}

/// A reqwest client that trusts `ca` and shows `identity` (if any).
pub fn tls_client(ca: &Path, identity: Option<&CertFiles>) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&std::fs::read(ca).expect("read CA")).expect("CA");
    let mut b = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .add_root_certificate(ca)
        .tls_built_in_root_certs(false);
    if let Some(id) = identity {
        let mut pem = std::fs::read(&id.cert).expect("read cert");
        pem.extend(std::fs::read(&id.key).expect("read key"));
        b = b.identity(reqwest::Identity::from_pem(&pem).expect("identity"));
    }
    b.build().expect("tls client")
}

impl Http {
    /// Speaks TLS, trusting `ca`, showing `identity` when given.
    pub fn tls(ca: &Path, identity: Option<&CertFiles>) -> Http {
        Http {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime"),
            client: tls_client(ca, identity),
        }
    }

    pub fn new() -> Http {
        Http {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("http client"),
        }
    }

    /// Sends a request; `None` when nothing answered.
    pub fn send(&self, method: &str, url: &str, body: Option<Vec<u8>>) -> Option<Reply> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, url);
        if let Some(b) = body {
            req = req.body(b);
        }
        self.rt.block_on(async {
            let resp = req.send().await.ok()?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.ok()?.to_vec();
            Some(Reply {
                status,
                headers,
                body,
            })
        })
    }

    pub fn status(&self, url: &str) -> Option<u16> {
        self.send("GET", url, None).map(|r| r.status)
    }

    pub fn get_json(&self, url: &str) -> Option<Value> {
        let r = self.send("GET", url, None)?;
        (r.status == 200).then(|| r.json())
    }

    pub fn put(&self, base: &str, key: &str, value: &str) -> Option<Reply> {
        self.send(
            "PUT",
            &format!("{base}/v1/kv/{key}"),
            Some(value.as_bytes().to_vec()),
        )
    }

    pub fn get(&self, base: &str, key: &str) -> Option<Reply> {
        self.send("GET", &format!("{base}/v1/kv/{key}"), None)
    }
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}
