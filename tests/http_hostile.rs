//! A member under hostile connections, heads and bodies: slow or silent connections are
//! closed in time, a flood of them locks out neither clients nor peers, cross-site writes
//! are refused, oversized requests are refused before their body is read, and every
//! refusal is the JSON error body.
//!
//! Members here run with every HTTP timeout at [`TIMEOUT`] (`RAFTCTL_TEST_HTTP_TIMEOUTS`)
//! so that the tests need not wait the default ten seconds.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, raftctl_bin, wait_for, Cluster, Http, TICK_MS};
use proptest::prelude::*;
use serde_json::Value;

/// Every HTTP timeout of the members under test.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Slack on top of a timeout before a test calls it missed.
const SLACK: Duration = Duration::from_secs(3);

fn short_timeouts() {
    // Members inherit it; every test in this file wants the same value.
    std::env::set_var("RAFTCTL_TEST_HTTP_TIMEOUTS", "2s");
}

fn addr_of(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

fn connect(url: &str) -> TcpStream {
    let s = TcpStream::connect(addr_of(url)).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s
}

/// Reads until the server closes the connection or `limit` passes; returns what was read
/// and whether the connection was closed.
fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    let deadline = Instant::now() + limit;
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (out, false);
        }
        s.set_read_timeout(Some(left.min(Duration::from_millis(200))))
            .expect("read timeout");
        match s.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return (out, true),
        }
    }
}

/// Status and JSON body of the first answer in `raw`.
fn parse_answer(raw: &[u8]) -> (u16, Value) {
    let text = String::from_utf8_lossy(raw);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let (_, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {text:?}"));
    let body: Value = serde_json::from_str(body.trim())
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {text:?}"));
    (status, body)
}

fn assert_json_error(status: u16, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"]["code"], want_code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// Sends `request` on a new connection and reads the answer (until closed or 5 s).
fn exchange(url: &str, request: &[u8]) -> Vec<u8> {
    let mut s = connect(url);
    s.write_all(request).expect("write");
    // The server answers, then closes: the request says `Connection: close`.
    read_until_closed(&mut s, Duration::from_secs(5)).0
}

fn one_member() -> Cluster {
    short_timeouts();
    Cluster::start(1)
}

#[test]
fn a_partial_head_is_closed_within_the_header_timeout() {
    let c = one_member();
    let mut s = connect(&c.url(1));
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .expect("write");
    let start = Instant::now();
    let (_, closed) = read_until_closed(&mut s, TIMEOUT + SLACK);
    assert!(closed, "a partial head kept its connection open");
    assert!(start.elapsed() >= TIMEOUT / 2, "closed too early");
    wait_for("a log line about the closed connection", || {
        c.nodes[0]
            .log_text()
            .contains("connections that sent no complete request within 2s")
            .then_some(())
    });
}

#[test]
fn a_silent_connection_and_an_idle_keep_alive_connection_are_closed() {
    let c = one_member();
    let mut silent = connect(&c.url(1));
    let mut idle = connect(&c.url(1));
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    let (_, closed) = read_until_closed(&mut silent, TIMEOUT + SLACK);
    assert!(closed, "a connection that sent nothing stayed open");
    let (answer, closed) = read_until_closed(&mut idle, TIMEOUT + SLACK);
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(closed, "an idle keep-alive connection stayed open");
}

#[test]
fn a_body_that_stops_is_answered_and_closed_within_the_body_timeout() {
    let c = one_member();
    let mut s = connect(&c.url(1));
    s.write_all(
        b"PUT /v1/kv/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n0123456789012345678",
    )
    .expect("write");
    let (answer, closed) = read_until_closed(&mut s, TIMEOUT + SLACK);
    assert!(closed, "a stalled body kept its connection open");
    let (status, body) = parse_answer(&answer);
    assert_json_error(status, &body, 408, "request_timeout");
    // A new client: the pooled connection of `c.http` may time out just as it is reused.
    assert_eq!(
        Http::new().get(&c.url(1), "stalled").map(|r| r.status),
        Some(404)
    );
}

/// VmRSS of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A member started through `sh` with a lower open-file limit than this process has,
/// soft and hard (`serve` raises the soft limit to the hard one).
struct Limited {
    child: Child,
    log: std::path::PathBuf,
}

impl Limited {
    /// `ulimit` takes the flags of sh's `ulimit`, e.g. `-n 512` (soft and hard).
    fn start(id: u64, port: u16, cluster: &str, root: &Path, ulimit: &str) -> Limited {
        let log = root.join(format!("n{id}.log"));
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit {ulimit} && exec \"$0\" \"$@\""))
            .arg(raftctl_bin())
            .arg("serve")
            .args(["--id", &id.to_string()])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(root.join(format!("n{id}")))
            .args(["--tick-ms", TICK_MS, "--initial-cluster", cluster])
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start raftctl serve");
        Limited { child, log }
    }
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(30).collect();
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

#[test]
fn a_flood_of_idle_connections_locks_out_neither_clients_nor_peers() {
    short_timeouts();
    let root = tempfile::tempdir().expect("temp dir");
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let urls: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let cluster = urls
        .iter()
        .enumerate()
        .map(|(i, u)| format!("{}={u}", i + 1))
        .collect::<Vec<_>>()
        .join(",");
    // Member 1 may open 512 files: the flood below is four times that.
    let members: Vec<Limited> = (0..3)
        .map(|i| {
            let ulimit = if i == 0 { "-n 512" } else { "-n 4096" };
            Limited::start(i as u64 + 1, ports[i], &cluster, root.path(), ulimit)
        })
        .collect();
    let h = Http::new();
    wait_for("a healthy member 1", || {
        (h.status(&format!("{}/health", urls[0])) == Some(200)).then_some(())
    });
    let pid = members[0].child.id();
    let before = rss_kib(pid);

    let mut flood = Vec::new();
    for _ in 0..2000 {
        match TcpStream::connect(addr_of(&urls[0])) {
            Ok(s) => flood.push(s),
            Err(e) => panic!("connect {}: {e}", flood.len()),
        }
    }
    let during = rss_kib(pid);
    // Clients and peers get through while the flood is still open (a new client: the
    // pooled connection of the old one may have timed out).
    // (Retried within the deadline: on a loaded machine the accept loop may still be
    // working through the flood's backlog when the first attempt arrives.)
    let h = Http::new();
    wait_for("a write through member 1 during the flood", || {
        let r = h.put(&urls[0], "through", "the flood")?;
        (r.status == 200).then_some(())
    });
    let status = wait_for("status during the flood", || {
        h.get_json(&format!("{}/v1/status", urls[0]))
    });
    assert!(status["leader"].as_u64().is_some(), "{status}");
    let r = wait_for("a read through member 1", || h.get(&urls[0], "through"));
    assert_eq!(r.text(), "the flood");
    // Peers: member 1 still takes part (a write through member 2 is replicated to it).
    wait_for("a write through member 2", || {
        let r = h.put(&urls[1], "peer", "ok")?;
        (r.status == 200).then_some(())
    });
    wait_for("member 1 to apply the write of member 2", || {
        let r = h.send(
            "GET",
            &format!("{}/v1/kv/peer?consistency=stale", urls[0]),
            None,
        )?;
        (r.status == 200).then_some(())
    });
    drop(flood);
    std::thread::sleep(TIMEOUT + SLACK);
    let after = rss_kib(pid);
    eprintln!("member 1 RSS: {before} KiB before, {during} KiB with 2000 connections open, {after} KiB after they closed");
    assert!(
        after < before + 64 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    let log = std::fs::read_to_string(&members[0].log).unwrap_or_default();
    assert!(
        log.contains("refused") || log.contains("closed"),
        "no log line says what happened to the flood"
    );
    assert!(
        !log.contains("Too many open files"),
        "member 1 ran out of file descriptors"
    );
}

/// (soft, hard) open-file limits of a process.
fn nofile_limits(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    let mut fields = line["Max open files".len()..].split_whitespace();
    let soft = fields.next()?.parse().ok()?;
    let hard = fields.next()?.parse().ok()?;
    Some((soft, hard))
}

#[test]
fn serve_raises_its_soft_open_file_limit_to_the_hard_one() {
    let Some((_, hard)) = nofile_limits(std::process::id()) else {
        return; // no /proc: nothing to read the limits from
    };
    if hard <= 256 {
        return; // nothing to raise to
    }
    let root = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let member = Limited::start(1, port, &format!("1={url}"), root.path(), "-Sn 256");
    let h = Http::new();
    wait_for("a healthy member", || {
        (h.status(&format!("{url}/health")) == Some(200)).then_some(())
    });
    let (soft, member_hard) = nofile_limits(member.child.id()).expect("the member's limits");
    assert_eq!(member_hard, hard);
    assert_eq!(soft, hard, "the soft limit stayed at {soft}");
    let log = std::fs::read_to_string(&member.log).unwrap_or_default();
    assert!(log.contains("raised the soft open-file limit"), "{log}");
}

#[test]
fn cross_site_writes_are_refused() {
    let c = one_member();
    let url = c.url(1);
    let members_before = c
        .http
        .get_json(&format!("{url}/v1/members"))
        .expect("members");

    // What a cross-site form or `fetch` without a preflight sends.
    let body = r#"{"id": 9, "url": "http://127.0.0.1:9", "learner": false}"#;
    let request = format!(
        "POST /v1/members HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        addr_of(&url),
        body.len()
    );
    let (status, answer) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &answer, 415, "unsupported_media_type");
    let request = format!(
        "POST /v1/members HTTP/1.1\r\nHost: {}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        addr_of(&url),
        body.len()
    );
    let (status, answer) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &answer, 403, "forbidden");
    let members_after = c
        .http
        .get_json(&format!("{url}/v1/members"))
        .expect("members");
    assert_eq!(members_before, members_after);

    let put = |origin: &str| {
        let request = format!(
            "PUT /v1/kv/x HTTP/1.1\r\nHost: {}\r\n{origin}Content-Length: 1\r\nConnection: close\r\n\r\nv",
            addr_of(&url)
        );
        exchange(&url, request.as_bytes())
    };
    let (status, answer) = parse_answer(&put("Origin: http://evil.example\r\n"));
    assert_json_error(status, &answer, 403, "forbidden");
    let (status, answer) = parse_answer(&put("Origin: null\r\n"));
    assert_json_error(status, &answer, 403, "forbidden");
    assert_eq!(c.http.get(&url, "x").map(|r| r.status), Some(404));
    let (status, answer) = parse_answer(&put(&format!("Origin: {url}\r\n")));
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = parse_answer(&put(""));
    assert_eq!(status, 200, "{answer}");
    // Reads are not state-changing: a foreign Origin may read.
    let request =
        "GET /health HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n";
    let answer = exchange(&url, request.as_bytes());
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // The CLI still adds members (it sends application/json).
    let out = c.cli(&["member", "add", "9", "http://127.0.0.1:9", "--learner"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn an_oversized_body_is_refused_before_100_continue() {
    let c = one_member();
    let url = c.url(1);
    for path in ["/v1/kv/big", "/raft/messages", "/v1/members"] {
        let mut s = connect(&url);
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n"
        );
        let head = if path.starts_with("/v1/kv") {
            head.replacen("POST", "PUT", 1)
        } else {
            head
        };
        s.write_all(head.as_bytes()).expect("write");
        let (answer, _) = read_until_closed(&mut s, Duration::from_secs(5));
        let text = String::from_utf8_lossy(&answer);
        assert!(!text.contains("100 Continue"), "{path}: {text}");
        let (status, body) = parse_answer(&answer);
        assert_json_error(status, &body, 413, "too_large");
    }
}

#[test]
fn low_level_refusals_carry_the_json_error_body() {
    let c = one_member();
    let url = c.url(1);
    let long_uri = format!("/health?x={}", "a".repeat(20 * 1024));
    let request = format!("GET {long_uri} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let (status, body) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &body, 414, "uri_too_long");

    let big = "b".repeat(50 * 1024);
    let request = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-One: {big}\r\nX-Two: {big}\r\nConnection: close\r\n\r\n"
    );
    let (status, body) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &body, 431, "headers_too_large");

    let request = "GET /no/such/route HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (status, body) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &body, 404, "not_found");

    let request = "PATCH /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (status, body) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &body, 405, "method_not_allowed");

    let json = "{\"id\": ";
    let request = format!(
        "POST /v1/members HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
        json.len()
    );
    let (status, body) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &body, 400, "bad_request");

    let request = "POST /v1/leader/transfer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}";
    let (status, body) = parse_answer(&exchange(&url, request.as_bytes()));
    assert_json_error(status, &body, 400, "bad_request");
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("GET".to_string()),
        Just("PUT".to_string()),
        Just("POST".to_string()),
        Just("DELETE".to_string()),
        Just("HEAD".to_string()),
        Just("OPTIONS".to_string()),
        "[A-Z]{1,8}",
        "[ -~]{0,12}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/health".to_string()),
        Just("/v1/kv/fuzz".to_string()),
        Just("/v1/kv/".to_string()),
        Just("/v1/kv?prefix=a&limit=x".to_string()),
        Just("/v1/status".to_string()),
        Just("/v1/members/77/promote".to_string()),
        Just("/v1/snapshot".to_string()),
        Just("/raft/messages".to_string()),
        Just("/raft/snapshot".to_string()),
        Just("/metrics".to_string()),
        "/[ -~]{0,64}",
        "[^\r\n]{0,32}",
    ]
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Content-Type: application/json".to_string()),
        Just("Content-Type: text/plain".to_string()),
        Just("Origin: http://evil.example".to_string()),
        Just("Expect: 100-continue".to_string()),
        Just("Transfer-Encoding: chunked".to_string()),
        "Content-Length: [0-9]{1,12}",
        "x-raft-(cluster-id|from|snapshot-size|message): [ -~]{0,40}",
        "[A-Za-z-]{1,20}: [ -~]{0,60}",
        "[\\x00-\\xff]{0,40}",
    ]
}

/// One request as bytes, possibly cut short.
fn request() -> impl Strategy<Value = Vec<u8>> {
    (
        method(),
        path(),
        prop::collection::vec(header(), 0..6),
        prop::collection::vec(any::<u8>(), 0..300),
        prop::option::of(0usize..400),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(method, path, headers, body, cut, http10)| {
            let version = if http10 { "HTTP/1.0" } else { "HTTP/1.1" };
            let mut out = format!("{method} {path} {version}\r\nHost: fuzz\r\n").into_bytes();
            for h in headers {
                out.extend_from_slice(h.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&body);
            if let Some(cut) = cut {
                out.truncate(cut);
            }
            out
        })
}

#[test]
fn random_and_mutated_requests_leave_the_member_serving() {
    let c = one_member();
    let url = c.url(1);
    let addr = addr_of(&url);
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&prop::collection::vec(request(), 4), |batch| {
            for raw in batch {
                let mut s = TcpStream::connect(&addr).expect("connect");
                let _ = s.write_all(&raw);
                let _ = s.shutdown(std::net::Shutdown::Write);
                s.set_read_timeout(Some(Duration::from_millis(300)))
                    .expect("read timeout");
                let mut sink = Vec::new();
                let _ = s.read_to_end(&mut sink);
            }
            let health = c.http.status(&format!("{url}/health"));
            prop_assert_eq!(health, Some(200));
            Ok(())
        })
        .expect("the member kept serving");
    let r = c
        .http
        .put(&url, "after-fuzz", "ok")
        .expect("a write after the fuzz");
    assert_eq!(r.status, 200, "{}", r.text());
}
