//! One member: the client routes through the CLI and through HTTP, bad input, restart.

mod common;

use common::{cli, stderr, stdout, Cluster, Node};

#[test]
fn kv_round_trip_through_the_cli() {
    let c = Cluster::start(1);
    let out = c.cli(&["kv", "put", "greeting", "hello world"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("OK"), "{}", stdout(&out));

    let out = c.cli(&["kv", "get", "greeting"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "hello world\n");

    let out = c.cli(&["kv", "get", "greeting", "--stale", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["value"], "hello world");
    assert!(v["index"].as_u64().is_some_and(|i| i > 0), "{v}");

    for k in ["app/a", "app/b", "other"] {
        assert!(c.cli(&["kv", "put", k, "v"]).status.success());
    }
    let out = c.cli(&["kv", "list", "--prefix", "app/"]);
    assert_eq!(stdout(&out), "app/a\napp/b\n");
    let out = c.cli(&["kv", "list", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["keys"],
        serde_json::json!(["app/a", "app/b", "greeting", "other"])
    );

    let out = c.cli(&["kv", "del", "greeting", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["deleted"], true);
    let out = c.cli(&["kv", "del", "greeting", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["deleted"], false);

    let out = c.cli(&["kv", "get", "greeting"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
}

#[test]
fn kv_round_trip_through_http() {
    let c = Cluster::start(1);
    let url = c.url(1);
    let h = &c.http;

    let r = h.put(&url, "dir%2Fkey", "v1").expect("answer");
    assert_eq!(r.status, 200, "{}", r.text());
    let index = r.json()["index"].as_u64().expect("index");

    let r = h.get(&url, "dir%2Fkey").expect("answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"v1");
    let header: u64 = r.headers["x-raft-index"].to_str().unwrap().parse().unwrap();
    assert!(header >= index);

    let r = h.get(&url, "dir%2Fkey?consistency=stale").expect("answer");
    assert_eq!(r.body, b"v1");

    let r = h
        .send("GET", &format!("{url}/v1/kv?prefix=dir%2F&limit=10"), None)
        .expect("answer");
    assert_eq!(r.json()["keys"], serde_json::json!(["dir/key"]));

    let r = h
        .send("DELETE", &format!("{url}/v1/kv/dir%2Fkey"), None)
        .expect("answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["deleted"], true);
    let r = h.get(&url, "dir%2Fkey").expect("answer");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");

    let s = h.get_json(&format!("{url}/v1/status")).expect("status");
    assert_eq!(s["id"], 1);
    assert_eq!(s["role"], "leader");
    assert_eq!(s["leader"], 1);
    assert_eq!(s["cluster_id"].as_str().map(str::len), Some(16));
    for field in [
        "term",
        "commit",
        "applied",
        "first_index",
        "last_index",
        "snapshot",
        "voters",
        "learners",
        "db_size_bytes",
        "version",
        "progress",
    ] {
        assert!(!s[field].is_null(), "status lacks {field}: {s}");
    }
    let m = h.get_json(&format!("{url}/v1/members")).expect("members");
    assert_eq!(
        m,
        serde_json::json!({"members": [{"id": 1, "url": url, "role": "voter"}], "leader": 1})
    );
    assert_eq!(h.status(&format!("{url}/health")), Some(200));
}

#[test]
fn bad_http_input_gets_json_errors_and_changes_nothing() {
    let c = Cluster::start(1);
    let url = c.url(1);
    let h = &c.http;
    let before = h.get_json(&format!("{url}/v1/status")).expect("status")["last_index"].clone();

    let long_key = "k".repeat(4097);
    // (method, URL, body, status (0: any 4xx), code)
    type Case<'a> = (&'a str, String, Option<Vec<u8>>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "PUT",
            format!("{url}/v1/kv/{long_key}"),
            Some(b"v".to_vec()),
            400,
            "bad_request",
        ),
        (
            "PUT",
            format!("{url}/v1/kv/%FF%FE"),
            Some(b"v".to_vec()),
            400,
            "bad_request",
        ),
        (
            "PUT",
            format!("{url}/v1/kv/"),
            Some(b"v".to_vec()),
            400,
            "bad_request",
        ),
        (
            "GET",
            format!("{url}/v1/kv/k?consistency=eventual"),
            None,
            400,
            "bad_request",
        ),
        (
            "GET",
            format!("{url}/v1/kv?limit=many"),
            None,
            400,
            "bad_request",
        ),
        ("GET", format!("{url}/v2/nothing"), None, 404, "not_found"),
        (
            "POST",
            format!("{url}/v1/status"),
            None,
            405,
            "method_not_allowed",
        ),
        (
            "POST",
            format!("{url}/raft/messages"),
            Some(b"{not json".to_vec()),
            0,
            "",
        ),
        // Last: the server may close the connection after refusing a body unread.
        (
            "PUT",
            format!("{url}/v1/kv/big"),
            Some(vec![b'x'; 512 * 1024 + 1]),
            413,
            "too_large",
        ),
    ];
    for (method, u, body, status, code) in cases {
        let r = h
            .send(method, &u, body)
            .unwrap_or_else(|| panic!("{method} {u}: no answer"));
        if status == 0 {
            assert!((400..500).contains(&r.status), "{method} {u}: {}", r.text());
        } else {
            assert_eq!(r.status, status, "{method} {u}: {}", r.text());
        }
        let v = r.json();
        assert!(v["error"]["message"].is_string(), "{method} {u}: {v}");
        if !code.is_empty() {
            assert_eq!(v["error"]["code"], code, "{method} {u}: {v}");
        }
    }
    let keys = h.get_json(&format!("{url}/v1/kv")).expect("list");
    assert_eq!(keys["keys"], serde_json::json!([]));
    let after = h.get_json(&format!("{url}/v1/status")).expect("status")["last_index"].clone();
    assert_eq!(before, after, "bad requests appended entries");
}

#[test]
fn sigterm_stops_cleanly_and_restart_keeps_the_data() {
    let mut c = Cluster::start(1);
    let url = c.url(1);
    for i in 0..20 {
        let r = c
            .http
            .put(&url, &format!("k{i}"), &format!("v{i}"))
            .expect("answer");
        assert_eq!(r.status, 200);
    }
    assert_eq!(c.node(1).terminate(), Some(0));
    assert!(c.node(1).log_text().contains("stopped cleanly"));
    c.node(1).start();
    c.wait_leader();
    for i in 0..20 {
        let r = c.http.get(&url, &format!("k{i}")).expect("answer");
        assert_eq!(r.text(), format!("v{i}"));
    }
    let s = c
        .http
        .get_json(&format!("{url}/v1/status"))
        .expect("status");
    assert!(s["applied"].as_u64() >= Some(20), "{s}");
    assert_eq!(c.node(1).interrupt(), Some(0));
}

#[test]
fn cli_errors_are_one_line_with_exit_codes() {
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let out = cli(&url, &["kv", "get", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(
        err.trim_end(),
        format!("error: no member of {url} answered: connection refused")
    );
    let out = cli("not-a-url", &["kv", "get", "x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = cli(&url, &["kv", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn joining_without_member_add_is_refused_with_the_command_to_run() {
    let c = Cluster::start(1);
    let mut joiner = Node::new(4, c.root.path());
    joiner.extra_args = vec!["--join".into(), c.url(1)];
    joiner.start();
    assert_eq!(joiner.wait_exit(), Some(1));
    let log = joiner.log_text();
    assert!(log.contains("member add 4"), "{log}");
    assert!(!joiner.data_dir.join("raftctl.redb").exists());
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let root = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut n = Node::new(1, root.path());
    n.port = listener.local_addr().unwrap().port();
    n.start();
    assert_eq!(n.wait_exit(), Some(1));
    assert!(n.log_text().contains("cannot listen"), "{}", n.log_text());
}
