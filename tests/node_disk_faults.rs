//! A member whose disk fails stops (fail-stop, as etcd does): it never acknowledges a
//! write that was not durable, the node ends with an error naming the failure (which
//! `raftctl serve` prints before exiting 1), and after a restart on a healthy disk every
//! acknowledged write is there and `wal verify` passes.
//!
//! The member runs in this process over `storage_util::faulty::FaultyBackend`, so that
//! the test can fail the disk under it at the moment it chooses.

mod bin_util;

#[path = "storage_util/faulty.rs"]
#[allow(dead_code)]
mod faulty;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bin_util::raftctl_bin;
use faulty::Faults;
use raftctl::member::{serve_opened, Listeners, Security};
use raftctl::node::{self, NodeConfig, Opened, StartMode};
use raftctl::storage::{InitialState, Membership, RedbStorage};

const DEADLINE: Duration = Duration::from_secs(20);

fn config(addr: SocketAddr) -> NodeConfig {
    NodeConfig {
        id: 1,
        advertise: format!("http://{addr}"),
        tick: Duration::from_millis(10),
        election_ticks: 10,
        heartbeat_ticks: 1,
        snapshot_threshold: 0,
        keep_log: 0,
        pre_vote: true,
        check_quorum: false,
        moved: false,
    }
}

/// A one-member node serving on `listener` on a thread of its own; the receiver gets
/// the node's outcome when it stops.
struct Member {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    outcome: mpsc::Receiver<Result<(), node::Error>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Member {
    fn start(listener: std::net::TcpListener, opened: impl FnOnce(NodeConfig) -> Opened) -> Member {
        let addr = listener.local_addr().expect("local addr");
        let config = config(addr);
        let opened = opened(config.clone());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (out_tx, outcome) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            let result = rt.block_on(async move {
                listener.set_nonblocking(true).expect("nonblocking");
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let shutdown = async move {
                    let _ = stop_rx.await;
                };
                let listeners = Listeners::single(listener, &config);
                serve_opened(config, opened, listeners, Security::default(), shutdown).await
            });
            let _ = out_tx.send(result);
        });
        Member {
            addr,
            stop: Some(stop_tx),
            outcome,
            thread: Some(thread),
        }
    }

    /// Waits for the node to stop by itself and returns why.
    fn wait_stopped(&mut self) -> Result<(), node::Error> {
        let res = self
            .outcome
            .recv_timeout(DEADLINE)
            .expect("the node stops after its disk failed");
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        res
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One HTTP/1.1 request on a fresh connection: the status code, or `None` when the
/// member did not answer (connection refused or closed, or no answer in time).
fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(6))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).ok()?;
    let text = String::from_utf8_lossy(&reply).to_string();
    let code = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    Some((code, body))
}

fn put(addr: SocketAddr, key: &str, value: &str) -> bool {
    matches!(
        request(addr, "PUT", &format!("/v1/kv/{key}"), value.as_bytes()),
        Some((200, _))
    )
}

fn wait_leader(addr: SocketAddr) {
    let deadline = Instant::now() + DEADLINE;
    while Instant::now() < deadline {
        if put(addr, "ready", "1") {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the member never took a write");
}

fn bind() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port")
}

fn create(dir: &Path, addr: SocketAddr, faults: &Faults) -> RedbStorage {
    let mut voters = BTreeMap::new();
    voters.insert(1, format!("http://{addr}"));
    RedbStorage::create_with_backend(
        dir,
        InitialState {
            node_id: 1,
            cluster_id: 0x5eed,
            membership: Membership {
                voters,
                learners: BTreeMap::new(),
            },
        },
        faults.wrap(),
    )
    .expect("create the data dir")
}

/// Writes until the disk fault stops the node; returns the keys acknowledged with 200.
fn write_until_stopped(
    m: &mut Member,
    faults: &Faults,
    arm: impl FnOnce(&Faults),
) -> (Vec<String>, String) {
    let mut acked = Vec::new();
    for i in 0..20 {
        let key = format!("before-{i}");
        assert!(put(m.addr, &key, "v"), "write {key} on a healthy disk");
        acked.push(key);
    }
    arm(faults);
    let mut refused = 0;
    for i in 0..200 {
        let key = format!("after-{i}");
        if put(m.addr, &key, "v") {
            acked.push(key);
        } else {
            refused += 1;
            if refused >= 3 {
                break;
            }
        }
    }
    assert!(
        refused > 0,
        "writes went on being acknowledged on a failed disk"
    );
    let err = m
        .wait_stopped()
        .expect_err("the node stops with an error after its disk failed")
        .to_string();
    assert!(faults.injected() > 0, "no fault was injected");
    assert!(
        request(m.addr, "GET", "/v1/status", b"").is_none(),
        "a stopped member still answers"
    );
    (acked, err)
}

/// Restarts on a healthy disk and checks every acknowledged key, then `wal verify`.
fn check_after_restart(dir: &Path, addr_listener: std::net::TcpListener, acked: &[String]) {
    let dir_owned = dir.to_path_buf();
    let mut m = Member::start(addr_listener, |config| {
        Opened::open(config, &dir_owned, StartMode::Restart).expect("reopen on a healthy disk")
    });
    wait_leader(m.addr);
    for key in acked {
        let got = request(m.addr, "GET", &format!("/v1/kv/{key}"), b"");
        assert!(
            matches!(&got, Some((200, body)) if body == "v"),
            "acknowledged write {key} is missing after the restart: {got:?}"
        );
    }
    m.stop();
    let out = std::process::Command::new(raftctl_bin())
        .args(["wal", "verify", "--data-dir"])
        .arg(dir)
        .output()
        .expect("run raftctl wal verify");
    assert!(
        out.status.success(),
        "wal verify failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(arm: impl FnOnce(&Faults), says: &str) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("n1");
    let faults = Faults::new();
    let listener = bind();
    let addr = listener.local_addr().expect("addr");
    let store = create(&dir, addr, &faults);
    let mut m = Member::start(listener, |config| {
        Opened::with_store(config, store).expect("build the node")
    });
    wait_leader(m.addr);
    let (acked, err) = write_until_stopped(&mut m, &faults, arm);
    eprintln!(
        "{} writes acknowledged; the node stopped with: {err}",
        acked.len()
    );
    assert!(
        err.contains(says),
        "the node's error does not say {says:?}: {err}"
    );
    drop(m);
    // The same address: the membership records it.
    let listener = std::net::TcpListener::bind(addr).expect("rebind the member's address");
    check_after_restart(&dir, listener, &acked);
}

#[test]
fn a_failed_fsync_stops_the_member_and_loses_nothing_acknowledged() {
    run(|f| f.fail_sync(1), "commit failed: I/O error");
}

#[test]
fn a_failed_write_stops_the_member_and_loses_nothing_acknowledged() {
    run(|f| f.fail_write(1), "I/O error");
}

#[test]
fn a_full_disk_stops_the_member_and_says_so() {
    run(|f| f.set_disk_full(true), "disk is full");
}
