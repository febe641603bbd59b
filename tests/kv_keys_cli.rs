//! Every key the API accepts goes through `raftctl kv` exactly: control characters,
//! dot segments, reserved and percent characters, unicode and the longest key.

mod common;

use common::{stderr, stdout, Cluster};
use serde_json::Value;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn odd_keys_round_trip_exactly() {
    let c = Cluster::start(1);
    let longest = "k".repeat(raftctl::api::MAX_KEY_BYTES);
    let mut keys: Vec<String> = [
        "tab",
        "x\ny",
        "t\tab",
        "cr\r",
        ".",
        "..",
        "./..",
        "a/b",
        "/",
        "%",
        "%2F",
        "%2E",
        "?",
        "#",
        "a b",
        " lead",
        "+plus&amp=",
        "é日本",
        "\\",
    ]
    .iter()
    .map(|k| k.to_string())
    .collect();
    keys.push(longest.clone());
    for (i, key) in keys.iter().enumerate() {
        let out = c.cli(&["kv", "put", key, &format!("value-{i}")]);
        assert!(out.status.success(), "put {key:?}: {}", stderr(&out));
    }
    for (i, key) in keys.iter().enumerate() {
        let out = c.cli(&["kv", "get", key]);
        assert!(out.status.success(), "get {key:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), format!("value-{i}\n"), "get {key:?}");
        let out = c.cli(&["kv", "get", key, "-o", "json"]);
        assert_eq!(json(&out)["key"], key.as_str());
    }

    // JSON keeps the exact keys; the table shows one escaped line per key.
    let listed = json(&c.cli(&["kv", "list", "-o", "json"]));
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(listed["keys"], serde_json::json!(sorted));
    let table = stdout(&c.cli(&["kv", "list"]));
    assert_eq!(table.lines().count(), keys.len(), "{table}");
    assert!(table.lines().any(|l| l == "x\\ny"), "{table}");
    assert!(table.lines().any(|l| l == "t\\tab"), "{table}");
    assert!(table
        .lines()
        .any(|l| l == format!("{}…(4096 bytes)", "k".repeat(80))));

    for (prefix, want) in [
        ("x\n", vec!["x\ny"]),
        (".", vec![".", "..", "./.."]),
        ("%", vec!["%", "%2E", "%2F"]),
        ("a ", vec!["a b"]),
        ("?", vec!["?"]),
    ] {
        let listed = json(&c.cli(&["kv", "list", "--prefix", prefix, "-o", "json"]));
        assert_eq!(listed["keys"], serde_json::json!(want), "prefix {prefix:?}");
    }

    for key in &keys {
        let out = c.cli(&["kv", "del", key, "-o", "json"]);
        assert_eq!(json(&out)["deleted"], true, "del {key:?}");
    }
    let listed = json(&c.cli(&["kv", "list", "-o", "json"]));
    assert_eq!(listed["keys"], serde_json::json!([]));
}

#[test]
fn keys_the_api_refuses_are_refused_before_sending() {
    // Nothing listens there: a refusal that reached the network would say so.
    let endpoints = "http://127.0.0.1:9";
    let too_long = "k".repeat(raftctl::api::MAX_KEY_BYTES + 1);
    for args in [
        vec!["kv", "put", "", "v"],
        vec!["kv", "get", ""],
        vec!["kv", "del", ""],
        vec!["kv", "put", &too_long, "v"],
        vec!["kv", "get", &too_long],
        vec!["kv", "list", "--prefix", &too_long],
    ] {
        let out = common::cli(endpoints, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        assert!(!stderr(&out).contains("answered"), "{}", stderr(&out));
    }
}

#[test]
fn values_from_a_file_or_standard_input_are_stored_byte_for_byte() {
    use base64::Engine as _;
    use std::io::Write;
    let c = Cluster::start(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let every_byte: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let path = dir.path().join("blob");
    std::fs::write(&path, &every_byte).expect("write the file");
    let out = c.cli(&["kv", "put", "blob", "--file", path.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = json(&c.cli(&["kv", "get", "blob", "-o", "json"]));
    let stored = base64::engine::general_purpose::STANDARD
        .decode(got["value_base64"].as_str().expect("a binary value"))
        .expect("base64");
    assert_eq!(stored, every_byte);

    // `--file -`: standard input.
    let mut child = std::process::Command::new(common::raftctl_bin())
        .args([
            "--endpoints",
            &c.endpoints(),
            "kv",
            "put",
            "piped",
            "--file",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run raftctl");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"line 1\nline 2\n")
        .expect("write stdin");
    assert!(child.wait().expect("wait").success());
    let got = json(&c.cli(&["kv", "get", "piped", "-o", "json"]));
    assert_eq!(got["value"], "line 1\nline 2\n");

    // Too large, or both a value and a file, or neither: refused, nothing written.
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'x'; raftctl::api::MAX_VALUE_BYTES + 1]).expect("write");
    let out = c.cli(&["kv", "put", "big", "--file", big.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("largest value a member takes"),
        "{}",
        stderr(&out)
    );
    let out = c.cli(&[
        "kv",
        "put",
        "both",
        "v",
        "--file",
        big.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = c.cli(&["kv", "put", "neither"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = c.cli(&["kv", "put", "missing", "--file", "/nonexistent/file"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot read --file /nonexistent/file"),
        "{}",
        stderr(&out)
    );
    let listed = json(&c.cli(&["kv", "list", "-o", "json"]));
    assert_eq!(listed["keys"], serde_json::json!(["blob", "piped"]));
}
