//! A reader that stops reading early (`raftctl kv list | head -1`) ends raftctl
//! quietly: no panic message, no error line, exit 0, as other Unix tools do.
//!
//! Each command prints well over a pipe's buffer (64 KiB on Linux), and the test closes
//! its end of the pipe after the first line, so raftctl's next write fails with EPIPE.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{raftctl_bin, Cluster};

/// Runs raftctl with `args`, reads one line of its stdout, closes the pipe, and checks
/// that it exits 0 with nothing on stderr.
fn assert_quiet_when_the_reader_leaves(args: &[&str]) {
    let mut child = Command::new(raftctl_bin())
        .args(args)
        .env_remove("RAFTCTL_ENDPOINTS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start raftctl");
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    stdout.read_line(&mut first).expect("read the first line");
    assert!(!first.is_empty(), "raftctl {args:?} printed nothing");
    drop(stdout);
    let out = child.wait_with_output().expect("wait for raftctl");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "raftctl {args:?}: {stderr}");
    assert!(stderr.is_empty(), "raftctl {args:?} said: {stderr}");
    assert_eq!(out.status.code(), Some(0), "raftctl {args:?}: {stderr}");
}

#[test]
fn long_offline_output_into_a_closed_pipe() {
    // 100+ KiB of script, no cluster needed.
    assert_quiet_when_the_reader_leaves(&["completions", "bash"]);
}

#[test]
fn long_client_output_into_a_closed_pipe() {
    let c = Cluster::start(1);
    let url = c.url(1);
    // Values and keys too long for one argument each: written over HTTP.
    let value = "v".repeat(300 * 1024);
    let reply = c.http.put(&url, "big", &value).expect("put answered");
    assert_eq!(reply.status, 200, "{}", reply.text());
    for i in 0..40 {
        let key = format!("{i:02}{}", "k".repeat(4000));
        let reply = c.http.put(&url, &key, "v").expect("put answered");
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let endpoints = c.endpoints();
    // A value of many lines, printed as it is.
    let lines = format!("{}\n", "line\n".repeat(60 * 1024));
    let reply = c.http.put(&url, "lines", &lines).expect("put answered");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_quiet_when_the_reader_leaves(&["--endpoints", &endpoints, "kv", "get", "lines"]);
    assert_quiet_when_the_reader_leaves(&[
        "--endpoints",
        &endpoints,
        "-o",
        "json",
        "kv",
        "get",
        "big",
    ]);
    assert_quiet_when_the_reader_leaves(&["--endpoints", &endpoints, "-o", "json", "kv", "list"]);
}
