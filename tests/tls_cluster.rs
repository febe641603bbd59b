//! A cluster running with TLS: members proven by certificate, clients by role, and the
//! forgeries a plaintext cluster fell to, replayed over TLS without the claimed
//! member's certificate. Each is refused and changes nothing.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{tls_client, wait_for, CertFiles, Cluster, Http};
use raftctl::raft::{Message, MessageType};
use raftctl::transport::wire;

fn status(c: &Cluster, id: u64) -> serde_json::Value {
    wait_for("a status answer", || {
        c.http.get_json(&format!("{}/v1/status", c.url(id)))
    })
}

/// Posts a forged batch as whoever `identity` is (no certificate when `None`); the
/// status code, 0 if the handshake or the request failed.
fn forge(
    c: &Cluster,
    identity: Option<&CertFiles>,
    to: u64,
    from: u64,
    messages: &[Message],
) -> u16 {
    let cluster_id = status(c, to)["cluster_id"]
        .as_str()
        .expect("cluster id")
        .to_string();
    let body = wire::encode_batch(&cluster_id, from, messages);
    let client = tls_client(&c.pki().ca(), identity);
    let url = format!("{}{}", c.url(to), wire::MESSAGES_PATH);
    runtime().block_on(async {
        client
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn message(t: MessageType, from: u64, to: u64, term: u64) -> Message {
    let mut m = Message::new(t, from, to);
    m.term = term;
    m
}

#[test]
fn clients_prove_a_role_and_plaintext_is_told_to_use_https() {
    let c = Cluster::start_tls(1, &[]);
    let url = c.url(1);
    let pki = c.pki();
    let anonymous = Http::tls(&pki.ca(), None);
    let reader = Http::tls(&pki.ca(), Some(&pki.client("reader")));
    let writer = Http::tls(&pki.ca(), Some(&pki.client("writer")));

    let put = writer.put(&url, "k", "v").expect("an answer");
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(reader.get(&url, "k").expect("an answer").status, 200);

    let r = anonymous.get(&url, "k").expect("an answer");
    assert_eq!(r.status, 401, "{}", r.text());
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--cert"));

    let r = reader.put(&url, "k", "w").expect("an answer");
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("needs role write"), "{}", r.text());
    let add = br#"{"id": 9, "url": "https://127.0.0.1:9"}"#.to_vec();
    let r = writer
        .send("POST", &format!("{url}/v1/members"), Some(add))
        .expect("an answer");
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("needs role admin"), "{}", r.text());
    assert_eq!(reader.get(&url, "k").expect("an answer").text(), "v");

    // /health is open by default, /metrics is not.
    assert_eq!(anonymous.status(&format!("{url}/health")), Some(200));
    assert_eq!(anonymous.status(&format!("{url}/metrics")), Some(401));
    assert_eq!(reader.status(&format!("{url}/metrics")), Some(200));

    // Plaintext on the TLS port: a plaintext answer saying what to do.
    let plain = Http::new();
    let r = plain
        .send("GET", &url.replace("https://", "http://"), None)
        .expect("a plaintext answer");
    assert_eq!(r.status, 400);
    assert!(r.text().contains("https://"), "{}", r.text());

    let log = c.nodes[0].log_text();
    assert!(log.contains("refused"), "refusals are logged: {log}");
    let metrics = reader
        .send("GET", &format!("{url}/metrics"), None)
        .expect("metrics")
        .text();
    for (reason, at_least) in [("unauthenticated", 2.0), ("forbidden", 2.0)] {
        let name = format!("raftctl_requests_refused_total{{reason=\"{reason}\"}}");
        let value: f64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix(&name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in {metrics}"));
        assert!(value >= at_least, "{name} = {value}");
    }
}

/// The forgeries that broke a plaintext cluster (acknowledging writes no follower
/// held, overwriting a follower's log, replacing its state with a snapshot, cutting
/// writes with `timeout_now`, deposing the leader with a higher term), sent without the
/// claimed member's certificate: each refused, and the cluster carries on unchanged.
#[test]
fn forged_peer_messages_without_the_members_certificate_are_refused() {
    let c = Cluster::start_tls(3, &[]);
    let leader = c.wait_leader();
    let mut followers = (1..=3).filter(|&id| id != leader);
    let (f1, f2) = (followers.next().unwrap(), followers.next().unwrap());
    let pki = c.pki();
    let term = status(&c, leader)["term"].as_u64().expect("term");
    let last = status(&c, leader)["commit"].as_u64().unwrap_or(0);

    let admin = pki.client("admin");
    let other_member = pki.member(f2);
    let cases: Vec<(&str, Option<&CertFiles>, u64, u64, Message)> = vec![
        (
            "append_resp from a follower, with a client certificate",
            Some(&admin),
            leader,
            f1,
            {
                let mut m = message(MessageType::AppendResp, f1, leader, term);
                m.index = last + 100;
                m
            },
        ),
        (
            "append_resp from a follower, with another member's certificate",
            Some(&other_member),
            leader,
            f1,
            {
                let mut m = message(MessageType::AppendResp, f1, leader, term);
                m.index = last + 100;
                m
            },
        ),
        (
            "append from the leader, with a follower's certificate",
            Some(&other_member),
            f1,
            leader,
            message(MessageType::Append, leader, f1, term),
        ),
        (
            "timeout_now, without a certificate",
            None,
            f1,
            leader,
            message(MessageType::TimeoutNow, leader, f1, term),
        ),
        (
            "heartbeat at term+1, with a client certificate",
            Some(&admin),
            leader,
            f1,
            message(MessageType::Heartbeat, f1, leader, term + 1),
        ),
    ];
    for (what, identity, to, from, m) in cases {
        let code = forge(&c, identity, to, from, &[m]);
        assert!(
            code == 401 || code == 403,
            "{what}: answered {code}, expected a refusal"
        );
    }

    // A forged snapshot, streamed with another member's certificate.
    let cluster_id = status(&c, f1)["cluster_id"].as_str().unwrap().to_string();
    let client = tls_client(&pki.ca(), Some(&other_member));
    let mut snap = message(MessageType::Snapshot, leader, f1, term);
    snap.snapshot = Some(raftctl::raft::Snapshot {
        meta: raftctl::raft::SnapshotMeta {
            index: last + 1000,
            term,
            ..Default::default()
        },
        ..Default::default()
    });
    let code = runtime().block_on(async {
        client
            .post(format!("{}{}", c.url(f1), wire::SNAPSHOT_PATH))
            .header(wire::HEADER_CLUSTER_ID, cluster_id.as_str())
            .header(wire::HEADER_FROM, leader.to_string())
            .header(wire::HEADER_SNAPSHOT_SIZE, "4")
            .header(wire::HEADER_MESSAGE, serde_json::to_string(&snap).unwrap())
            .body(vec![0u8; 4])
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    });
    assert_eq!(
        code, 403,
        "a snapshot from the leader, with a follower's certificate"
    );

    // Nothing changed: the same leader at the same term, and writes go through.
    assert_eq!(c.wait_leader(), leader);
    for id in 1..=3 {
        assert_eq!(status(&c, id)["term"].as_u64(), Some(term), "member {id}");
    }
    let r = c
        .http
        .put(&c.url(leader), "after", "ok")
        .expect("an answer");
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Every member gets a new certificate (same CA) while clients write: the members
/// notice the new files and use them for new connections, with no failed request.
#[test]
fn certificates_rotate_under_load_without_a_failed_request() {
    let c = Cluster::start_tls(3, &[]);
    c.wait_leader();
    let pki = c.pki();
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let urls: Vec<String> = (1..=3).map(|id| c.url(id)).collect();
    let writer = {
        let (stop, done, ca, admin) = (stop.clone(), done.clone(), pki.ca(), pki.client("admin"));
        std::thread::spawn(move || {
            let mut failures = Vec::new();
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                // A new client (new connections, new handshakes) every few writes.
                let http = Http::tls(&ca, Some(&admin));
                for _ in 0..5 {
                    let url = &urls[(i % 3) as usize];
                    match http.put(url, &format!("k{i}"), "v") {
                        Some(r) if r.status == 200 => {}
                        // A follower names the leader: not a failure of TLS.
                        Some(r) if r.status == 421 => {}
                        Some(r) => failures.push(format!("{}: {}", r.status, r.text())),
                        None => failures.push(format!("no answer from {url}")),
                    }
                    i += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
            failures
        })
    };
    wait_for("writes before rotating", || {
        (done.load(Ordering::Relaxed) > 20).then_some(())
    });
    let d = pki.dir.to_str().unwrap();
    for id in 1..=3u64 {
        let out = std::process::Command::new(common::raftctl_bin())
            .args(["cert", "create-member", "--id", &id.to_string()])
            .args(["--host", "127.0.0.1", "--ca", d, "--force"])
            .output()
            .expect("run raftctl cert");
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    for n in &c.nodes {
        wait_for("every member to reload its certificate", || {
            n.log_text().contains("TLS files reloaded").then_some(())
        });
    }
    let before = done.load(Ordering::Relaxed);
    wait_for("writes after rotating", || {
        (done.load(Ordering::Relaxed) > before + 30).then_some(())
    });
    stop.store(true, Ordering::Relaxed);
    let failures = writer.join().expect("writer thread");
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    // Peers still talk: a write commits on all three.
    let r = c
        .http
        .put(&c.url(c.wait_leader()), "last", "v")
        .expect("an answer");
    assert_eq!(r.status, 200);
    std::thread::sleep(Duration::from_millis(200));
}

/// A member started with another member's certificate, or with a key that is not its
/// certificate's, refuses to start and says why; nothing is created.
#[test]
fn a_member_refuses_to_start_with_a_certificate_that_is_not_its_own() {
    let root = tempfile::tempdir().expect("temp dir");
    let pki = common::Pki::create(root.path(), 2);
    let serve = |id: &str, cert: &CertFiles| {
        std::process::Command::new(common::raftctl_bin())
            .args(["serve", "--id", id, "--listen"])
            .arg(format!("127.0.0.1:{}", common::free_port()))
            .arg("--data-dir")
            .arg(root.path().join("data"))
            .arg("--cacert")
            .arg(pki.ca())
            .arg("--cert")
            .arg(&cert.cert)
            .arg("--key")
            .arg(&cert.key)
            .output()
            .expect("run raftctl serve")
    };
    let out = serve("2", &pki.member(1));
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("names member 1, not member 2"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");

    let mixed = CertFiles {
        cert: pki.member(2).cert,
        key: pki.member(1).key,
    };
    let out = serve("2", &mixed);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("does not belong to"),
        "{}",
        common::stderr(&out)
    );

    let out = serve("1", &pki.client("admin"));
    assert!(
        common::stderr(&out).contains("names client"),
        "{}",
        common::stderr(&out)
    );
    assert!(!root.path().join("data").exists(), "nothing created");
}

/// The value after `flag` on a printed command line.
fn flag_value(line: &str, flag: &str) -> Option<String> {
    line.split_whitespace()
        .skip_while(|w| *w != flag)
        .nth(1)
        .map(str::to_string)
}

/// `member add` over TLS prints a `serve --join` line with the TLS flags; a member
/// started with them joins and catches up (its `--join` asks with its own certificate).
#[test]
fn a_member_joins_a_tls_cluster_with_the_line_member_add_prints() {
    let mut c = Cluster::start_tls(3, &[]);
    let pki = c.pki();
    let d = pki.dir.to_str().unwrap().to_string();
    let out = std::process::Command::new(common::raftctl_bin())
        .args([
            "cert",
            "create-member",
            "--id",
            "4",
            "--host",
            "127.0.0.1",
            "--ca",
            &d,
        ])
        .output()
        .expect("run raftctl cert");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let mut node = common::Node::new(4, c.root.path());
    node.url = node.url.replace("http://", "https://");
    let url = node.url.clone();
    let admin = pki.client("admin");
    let out = std::process::Command::new(common::raftctl_bin())
        .args(["--endpoints", &c.endpoints(), "--timeout", "10s"])
        .arg("--cacert")
        .arg(pki.ca())
        .arg("--cert")
        .arg(&admin.cert)
        .arg("--key")
        .arg(&admin.key)
        .args(["member", "add", "4", &url, "--learner"])
        .output()
        .expect("run raftctl member add");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let printed = common::stdout(&out);
    let line = printed
        .lines()
        .find(|l| l.trim_start().starts_with("raftctl serve"))
        .unwrap_or_else(|| panic!("no serve line: {printed}"));
    let join = flag_value(line, "--join").expect("--join");
    assert!(join.starts_with("https://"), "{line}");
    let mut tls_args = Vec::new();
    for flag in ["--cacert", "--cert", "--key"] {
        let value = flag_value(line, flag).unwrap_or_else(|| panic!("{flag} in {line}"));
        assert!(
            std::path::Path::new(&value).exists(),
            "{flag} {value} exists"
        );
        tls_args.extend([flag.to_string(), value]);
    }
    assert!(line.contains("member-4.crt"), "{line}");
    node.tls_args = tls_args;
    node.extra_args = vec!["--join".into(), join];
    node.start();
    c.nodes.push(node);
    let leader = c.wait_leader();
    let r = c
        .http
        .put(&c.url(leader), "joined", "yes")
        .expect("an answer");
    assert_eq!(r.status, 200);
    let target = status(&c, leader)["commit"].as_u64().unwrap();
    wait_for("member 4 to catch up", || {
        let s = c.http.get_json(&format!("{url}/v1/status"))?;
        (s["applied"].as_u64()? >= target).then_some(())
    });
}

fn raftctl(args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::raftctl_bin())
        .args(args)
        .output()
        .expect("run raftctl")
}

/// Tokens give a role too; a token removed from the file, and a client certificate
/// added to the revocation list, stop working within a few seconds, without a restart.
#[test]
fn tokens_give_roles_and_revocation_needs_no_restart() {
    let files = tempfile::tempdir().expect("temp dir");
    let tokens = files.path().join("tokens.txt");
    let revoked = files.path().join("revoked.txt");
    std::fs::write(&revoked, "").expect("write");
    let t = tokens.to_str().unwrap();
    let make = |name: &str, role: &str| {
        let out = raftctl(&[
            "cert",
            "create-token",
            "--name",
            name,
            "--role",
            role,
            "--tokens",
            t,
        ]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        common::stdout(&out).trim().to_string()
    };
    let writer = make("ci", "write");
    let reader = make("dash", "read");
    let c = Cluster::start_tls(1, &["--tokens", t, "--revoked", revoked.to_str().unwrap()]);
    let url = c.url(1);
    let pki = c.pki();
    let client = tls_client(&pki.ca(), None);
    let rt = runtime();
    let send = |method: &str, token: &str| -> u16 {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        rt.block_on(async {
            client
                .request(m, format!("{url}/v1/kv/t"))
                .bearer_auth(token)
                .body("v")
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
    };
    assert_eq!(send("PUT", &writer), 200);
    assert_eq!(send("GET", &reader), 200);
    assert_eq!(send("PUT", &reader), 403);
    assert_eq!(send("GET", "rctl_not-a-token"), 401);

    // Drop the writer's line: refused once the member notices.
    let text = std::fs::read_to_string(&tokens).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.contains(" ci "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&tokens, kept).unwrap();
    wait_for("the removed token to be refused", || {
        (send("PUT", &writer) == 401).then_some(())
    });
    assert_eq!(send("GET", &reader), 200, "the other token still works");

    // Revoke the reader's certificate: new connections fail the handshake.
    let inspect = std::process::Command::new(common::raftctl_bin())
        .args(["-o", "json", "cert", "inspect"])
        .arg(&pki.client("reader").cert)
        .output()
        .expect("run raftctl cert inspect");
    let report: serde_json::Value = serde_json::from_slice(&inspect.stdout).expect("json");
    let fp = report["fingerprint_sha256"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    // A client that has a TLS session to resume: each request on a new connection.
    let resuming = tls_client(&pki.ca(), Some(&pki.client("reader")));
    let status_closing = || -> Option<u16> {
        rt.block_on(async {
            resuming
                .get(format!("{url}/v1/status"))
                .header("connection", "close")
                .send()
                .await
                .ok()
                .map(|r| r.status().as_u16())
        })
    };
    assert_eq!(status_closing(), Some(200));
    assert_eq!(status_closing(), Some(200), "a resumed session");
    std::fs::write(&revoked, format!("{fp}\n")).unwrap();
    wait_for("the revoked certificate to be refused", || {
        let fresh = Http::tls(&pki.ca(), Some(&pki.client("reader")));
        fresh
            .status(&format!("{url}/v1/status"))
            .is_none()
            .then_some(())
    });
    // Nor can it come back by resuming the session it had before.
    assert_eq!(
        status_closing(),
        None,
        "a resumed session of a revoked certificate"
    );
    // The admin client is not affected.
    assert_eq!(c.http.status(&format!("{url}/v1/status")), Some(200));
}

/// Garbage where a TLS handshake should be, a handshake cut off, and a client
/// certificate from another CA: each connection fails alone, the member serves on.
#[test]
fn broken_handshakes_cost_only_their_own_connection() {
    use std::io::{Read, Write};
    let c = Cluster::start_tls(1, &[]);
    let url = c.url(1);
    let addr = url.trim_start_matches("https://").to_string();
    for bytes in [
        vec![0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00],
        vec![0x16; 4096],
        vec![0x16, 0x03, 0x03, 0x00, 0x05, 1, 2, 3, 4, 5],
    ] {
        let mut s = std::net::TcpStream::connect(&addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.write_all(&bytes);
        let mut buf = [0u8; 64];
        // An alert or a close; never a hang past the timeout, never a crash.
        let _ = s.read(&mut buf);
    }
    let other = tempfile::tempdir().expect("temp dir");
    let foreign = common::Pki::create(other.path(), 1);
    let stranger = Http::tls(&c.pki().ca(), Some(&foreign.client("admin")));
    assert_eq!(stranger.status(&format!("{url}/v1/status")), None);
    assert_eq!(c.http.status(&format!("{url}/health")), Some(200));
    let r = c.http.put(&url, "still", "here").expect("an answer");
    assert_eq!(r.status, 200);
}
