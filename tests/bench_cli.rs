//! `raftctl bench` against a real one-member `raftctl serve`: the JSON report's shape and
//! counts, the keys it wrote, a dead endpoint and bad flags. Nothing here asserts on speed.

mod common;

use std::time::{Duration, Instant};

use common::{cli, free_port, stderr, stdout, Cluster, Http, Node};
use serde_json::Value;

/// A one-member cluster on a free port. The port is found by binding and dropping, so
/// another process may take it before `serve` binds it: then start again on a new port.
struct OneMember {
    node: Node,
    http: Http,
    // Last: removed after the member is killed.
    _root: tempfile::TempDir,
}

impl OneMember {
    fn start() -> OneMember {
        let http = Http::new();
        for _ in 0..3 {
            let root = tempfile::tempdir().expect("temp dir");
            let mut node = Node::new(1, root.path());
            node.start();
            let deadline = Instant::now() + common::DEADLINE;
            while Instant::now() < deadline {
                if http.status(&format!("{}/health", node.url)) == Some(200) {
                    return OneMember {
                        node,
                        http,
                        _root: root,
                    };
                }
                if node.log_text().to_lowercase().contains("in use") {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            node.kill();
        }
        panic!("no one-member cluster became healthy in three attempts");
    }

    fn bench(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["bench"];
        all.extend_from_slice(args);
        cli(&self.node.url, &all)
    }
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

/// The fields every OPS object of the documented schema has.
fn assert_ops_shape(v: &Value) {
    for field in ["ops", "ok", "errors", "not_found", "throughput_ops_s"] {
        assert!(v[field].is_number(), "{field} missing in {v}");
    }
    assert!(v["errors_by_kind"].is_object(), "{v}");
    let lat = &v["latency_ms"];
    for p in ["p50", "p90", "p99", "p999", "max", "mean"] {
        assert!(lat[p].is_number(), "latency_ms.{p} missing in {v}");
    }
    assert!(lat["p50"].as_f64() <= lat["p99"].as_f64(), "{lat}");
    assert!(lat["p99"].as_f64() <= lat["max"].as_f64(), "{lat}");
}

/// Keys under `key/` and the value of each, read through the API.
fn written_keys(c: &OneMember) -> Vec<(String, Vec<u8>)> {
    let list = c
        .http
        .get_json(&format!("{}/v1/kv?prefix=key/", c.node.url))
        .expect("list answers");
    list["keys"]
        .as_array()
        .expect("keys array")
        .iter()
        .map(|k| {
            let k = k.as_str().expect("key string").to_string();
            let r = c
                .http
                .get(&c.node.url, &k.replace('/', "%2F"))
                .expect("get answers");
            assert_eq!(r.status, 200, "{k}: {}", r.text());
            (k, r.body)
        })
        .collect()
}

#[test]
fn put_acknowledges_every_request_and_the_keys_are_readable() {
    let c = OneMember::start();
    let out = c.bench(&[
        "put",
        "--requests",
        "200",
        "--clients",
        "4",
        "--keys",
        "50",
        "--seed",
        "7",
        "-o",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(v["workload"], "put");
    let cfg = &v["config"];
    assert_eq!(cfg["clients"], 4);
    assert_eq!(cfg["requests"], 200);
    assert!(cfg["duration_s"].is_null());
    assert_eq!(cfg["value_size"], 256);
    assert_eq!(cfg["keys"], 50);
    assert_eq!(cfg["target"], "leader");
    assert_eq!(cfg["targets"], serde_json::json!([c.node.url]));
    assert_eq!(cfg["seed"], 7);
    assert!(cfg["consistency"].is_null() && cfg["read_ratio"].is_null());
    assert!(v["elapsed_s"].as_f64().is_some_and(|s| s > 0.0), "{v}");
    assert!(v["reads"].is_null(), "{v}");
    assert_ops_shape(&v["total"]);
    assert_ops_shape(&v["writes"]);
    assert_eq!(v["total"]["ok"], 200, "{v}");
    assert_eq!(v["total"]["errors"], 0, "{v}");
    assert_eq!(v["writes"]["ok"], 200, "{v}");
    assert_eq!(v["total"]["errors_by_kind"], serde_json::json!({}));

    let keys = written_keys(&c);
    assert!(!keys.is_empty());
    for (k, value) in &keys {
        let n: u64 = k
            .strip_prefix("key/")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected key {k}"));
        assert!(n < 50, "{k}");
        assert_eq!(value.len(), 256, "{k}");
    }
}

#[test]
fn get_with_prefill_finds_every_key() {
    let c = OneMember::start();
    let out = c.bench(&[
        "get",
        "--prefill",
        "--requests",
        "150",
        "--clients",
        "3",
        "--keys",
        "30",
        "--value-size",
        "10",
        "-o",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(v["workload"], "get");
    assert_eq!(v["config"]["prefill"], true);
    assert_eq!(v["config"]["consistency"], "linearizable");
    assert!(v["writes"].is_null(), "{v}");
    assert_ops_shape(&v["reads"]);
    assert_eq!(v["reads"]["ok"], 150, "{v}");
    assert_eq!(v["reads"]["not_found"], 0, "{v}");
    assert_eq!(v["total"]["errors"], 0, "{v}");
    let keys = written_keys(&c);
    assert_eq!(keys.len(), 30);
    assert!(keys.iter().all(|(_, value)| value.len() == 10));
}

#[test]
fn mixed_reports_reads_and_writes_apart() {
    let c = OneMember::start();
    let out = c.bench(&[
        "mixed",
        "--requests",
        "200",
        "--clients",
        "4",
        "--keys",
        "100",
        "--read-ratio",
        "0.3",
        "--consistency",
        "stale",
        "--target",
        "all",
        "-o",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(v["workload"], "mixed");
    assert_eq!(v["config"]["read_ratio"], 0.3);
    assert_eq!(v["config"]["consistency"], "stale");
    assert_eq!(v["config"]["target"], "all");
    assert_ops_shape(&v["total"]);
    assert_ops_shape(&v["reads"]);
    assert_ops_shape(&v["writes"]);
    let (reads, writes) = (
        v["reads"]["ok"].as_u64().expect("reads"),
        v["writes"]["ok"].as_u64().expect("writes"),
    );
    assert_eq!(reads + writes, 200, "{v}");
    assert!(reads > 0 && writes > 0, "{v}");
    assert_eq!(v["total"]["ok"], 200, "{v}");
    assert!(!written_keys(&c).is_empty());
}

#[test]
fn a_timed_run_prints_a_table() {
    let c = OneMember::start();
    let out = c.bench(&["put", "--duration", "500ms", "--clients", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!("put against {} (leader): 2 clients", c.node.url)),
        "{text}"
    );
    assert!(lines[1].trim_start().starts_with("OP     OPS/S"), "{text}");
    assert!(lines[2].trim_start().starts_with("write"), "{text}");
    assert_eq!(lines.len(), 3, "{text}");
}

#[test]
fn targets_are_the_leader_or_every_endpoint_of_a_three_member_cluster() {
    let c = Cluster::start(3);
    let leader = c.wait_leader();
    let out = c.cli(&[
        "bench",
        "put",
        "--requests",
        "30",
        "--clients",
        "3",
        "-o",
        "json",
    ]);
    let v = json_of(&out);
    assert_eq!(v["config"]["targets"], serde_json::json!([c.url(leader)]));
    assert_eq!(v["total"]["ok"], 30, "{v}");

    // Followers take writes and linearizable reads too.
    let out = c.cli(&[
        "bench",
        "mixed",
        "--target",
        "all",
        "--requests",
        "90",
        "--clients",
        "3",
        "--keys",
        "20",
        "-o",
        "json",
    ]);
    let v = json_of(&out);
    let urls: Vec<String> = c.nodes.iter().map(|n| n.url.clone()).collect();
    assert_eq!(v["config"]["targets"], serde_json::json!(urls));
    assert_eq!(v["total"]["ok"], 90, "{v}");
}

/// A loopback URL nobody listens on.
fn dead_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
}

#[test]
fn a_dead_leader_endpoint_fails_with_one_line() {
    let url = dead_url();
    let out = cli(&url, &["bench", "put", "--requests", "20"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("error: no member of {url} answered: connection refused\n")
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn every_request_failing_exits_1_after_the_report() {
    let url = dead_url();
    let out = cli(
        &url,
        &[
            "bench",
            "put",
            "--requests",
            "20",
            "--clients",
            "2",
            "--target",
            "all",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("error: no member of {url} answered: connection refused\n")
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("the report is still printed");
    assert_eq!(v["total"]["ok"], 0);
    assert_eq!(v["total"]["errors_by_kind"]["connect"], 20);
    assert!(v["total"]["latency_ms"].is_null());
}

#[test]
fn bad_flags_are_usage_errors_that_name_the_flag() {
    let url = dead_url();
    for (args, flag) in [
        (
            &["bench", "mixed", "--read-ratio", "1.5"][..],
            "--read-ratio",
        ),
        (
            &["bench", "mixed", "--read-ratio", "-1"][..],
            "--read-ratio",
        ),
        (&["bench", "put", "--clients", "0"][..], "--clients"),
        (&["bench", "get", "--keys", "0"][..], "--keys"),
        (
            &["bench", "put", "--requests", "5", "--duration", "1s"][..],
            "--duration",
        ),
        (&["bench", "put", "--duration", "0s"][..], "--duration"),
        (
            &["bench", "put", "--value-size", "9999999"][..],
            "--value-size",
        ),
    ] {
        let out = cli(&url, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn help_documents_the_json_schema() {
    let out = cli(&dead_url(), &["bench", "put", "--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "\"throughput_ops_s\"",
        "\"errors_by_kind\"",
        "\"p999\"",
        "[default: 10s]",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
}
