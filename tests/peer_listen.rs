//! `serve --peer-listen`: members that serve their peers on addresses of their own.
//! The cluster works as usual (writes, linearizable reads, leader transfer, a member
//! joining), each address refuses the other's routes with a JSON error that says where
//! to go, the member list shows both URLs, and a member restarted without its peer
//! address refuses to start.

mod common;

use common::{cli, free_port, stderr, stdout, wait_for, Cluster, Http, Node, Pki};
use serde_json::Value;

/// A running cluster whose members serve peers on `peer_url(id)`.
struct Apart {
    c: Cluster,
    peer_ports: Vec<u16>,
    scheme: &'static str,
    /// `--cacert/--cert/--key` of an admin client, with TLS.
    client_tls: Vec<String>,
}

impl Apart {
    fn start(n: u64, tls: bool) -> Apart {
        let root = tempfile::tempdir().expect("temp dir");
        let pki = tls.then(|| Pki::create(root.path(), n + 1));
        let scheme = if tls { "https" } else { "http" };
        let peer_ports: Vec<u16> = (0..=n + 1).map(|_| free_port()).collect();
        let initial = (1..=n)
            .map(|id| format!("{id}={scheme}://127.0.0.1:{}", peer_ports[id as usize]))
            .collect::<Vec<_>>()
            .join(",");
        let mut nodes: Vec<Node> = (1..=n).map(|id| Node::new(id, root.path())).collect();
        for node in &mut nodes {
            let peer = format!("127.0.0.1:{}", peer_ports[node.id as usize]);
            node.extra_args = vec![
                "--peer-listen".into(),
                peer,
                "--initial-cluster".into(),
                initial.clone(),
            ];
            if let Some(pki) = &pki {
                node.url = node.url.replace("http://", "https://");
                node.tls_args = pki.member_args(node.id);
            }
            node.start();
        }
        let (http, client_tls) = match &pki {
            Some(pki) => (
                Http::tls(&pki.ca(), Some(&pki.client("admin"))),
                pki.client_args("admin"),
            ),
            None => (Http::new(), Vec::new()),
        };
        let c = Cluster { nodes, http, root };
        c.wait_leader();
        Apart {
            c,
            peer_ports,
            scheme,
            client_tls,
        }
    }

    fn peer_url(&self, id: u64) -> String {
        format!(
            "{}://127.0.0.1:{}",
            self.scheme, self.peer_ports[id as usize]
        )
    }

    fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut all: Vec<&str> = self.client_tls.iter().map(String::as_str).collect();
        all.extend_from_slice(args);
        cli(&self.c.endpoints(), &all)
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.cli(args);
        assert!(
            o.status.success(),
            "raftctl {args:?} failed: {}{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    fn members_json(&self) -> Value {
        serde_json::from_str(&self.ok(&["-o", "json", "member", "list"])).expect("JSON")
    }
}

fn error_message(reply: &common::Reply) -> String {
    reply.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn works_with_peers_apart(tls: bool) {
    let mut a = Apart::start(3, tls);
    let http = &a.c.http;

    // Writes through one member, linearizable reads through the others.
    let put = http.put(&a.c.url(1), "k", "v1").expect("an answer");
    assert_eq!(put.status, 200, "{}", put.text());
    for id in [2, 3] {
        let got = http.get(&a.c.url(id), "k").expect("an answer");
        assert_eq!((got.status, got.text()), (200, "v1".to_string()));
    }

    // Each address refuses the other's routes, and says where to go (peer routes are
    // asked as a member would, with its certificate).
    let as_member = match tls {
        true => Http::tls(&a.c.pki().ca(), Some(&a.c.pki().member(1))),
        false => Http::new(),
    };
    let on_client = as_member
        .send("POST", &format!("{}/raft/messages", a.c.url(2)), None)
        .expect("an answer");
    assert_eq!(on_client.status, 404, "{}", on_client.text());
    assert!(
        error_message(&on_client).contains("--peer-listen"),
        "{}",
        on_client.text()
    );
    let on_peer = http
        .send("GET", &format!("{}/v1/kv/k", a.peer_url(2)), None)
        .expect("an answer");
    assert_eq!(on_peer.status, 404, "{}", on_peer.text());
    assert!(
        error_message(&on_peer).contains("peer address"),
        "{}",
        on_peer.text()
    );

    // The member list shows where peers and clients reach each member, once every
    // member has heard from every other (the leader's heartbeats and their answers).
    let listed = wait_for("every member's client URL in the member list", || {
        let m = a.members_json();
        let all = m["members"]
            .as_array()?
            .iter()
            .all(|x| x["client_url"].is_string());
        all.then_some(m)
    });
    for m in listed["members"].as_array().expect("members") {
        let id = m["id"].as_u64().expect("id");
        assert_eq!(m["url"], Value::from(a.peer_url(id)));
        assert_eq!(m["client_url"], Value::from(a.c.url(id)));
    }
    let table = a.ok(&["member", "list"]);
    assert!(
        table.contains("PEER URL") && table.contains("CLIENT URL"),
        "{table}"
    );

    // `status` reaches every member at its client URL.
    let status: Value =
        serde_json::from_str(&a.ok(&["-o", "json", "status"])).expect("status JSON");
    let rows = status["members"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r["reachable"] == Value::Bool(true)),
        "{status}"
    );

    // Leadership moves as usual.
    let leader = a.c.wait_leader();
    let target = if leader == 1 { 2 } else { 1 };
    a.ok(&["leader", "transfer", &target.to_string()]);
    assert_eq!(a.c.wait_leader(), target);

    // A fourth member joins at a peer address of its own, as `member add` says.
    let peer4 = a.peer_url(4);
    let added = a.ok(&["member", "add", "4", &peer4, "--learner"]);
    assert!(
        added.contains("--listen CLIENT-ADDRESS --peer-listen 127.0.0.1:"),
        "{added}"
    );
    let mut four = Node::new(4, a.c.root.path());
    if tls {
        four.url = four.url.replace("http://", "https://");
        four.tls_args = a.c.pki().member_args(4);
    }
    four.extra_args = vec![
        "--peer-listen".into(),
        format!("127.0.0.1:{}", a.peer_ports[4]),
        "--join".into(),
        a.c.url(target),
    ];
    four.start();
    a.c.nodes.push(four);
    let put = a.c.http.put(&a.c.url(1), "k", "v2").expect("an answer");
    assert_eq!(put.status, 200, "{}", put.text());
    wait_for("member 4 serving the latest write", || {
        let url = format!("{}/v1/kv/k?consistency=stale", a.c.url(4));
        let r =
            a.c.http
                .send("GET", &url, None)
                .filter(|r| r.status == 200)?;
        (r.text() == "v2").then_some(())
    });

    // Restarted without its peer address, a member would advertise its client URL,
    // which its peers do not know: it refuses, naming the flags.
    let node = a.c.node(3);
    node.terminate();
    node.extra_args.clear();
    node.start();
    assert_eq!(node.wait_exit(), Some(1), "{}", node.log_text());
    let log = node.log_text();
    assert!(log.contains("--peer-listen"), "{log}");
}

#[test]
fn a_plaintext_cluster_serves_its_peers_apart() {
    works_with_peers_apart(false);
}

#[test]
fn a_tls_cluster_serves_its_peers_apart() {
    works_with_peers_apart(true);
}
