//! Helpers for the operator tests: growing a cluster with `member add` + `serve --join`,
//! reading the member list, and a background writer that remembers what was acknowledged.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use crate::common::{stderr, stdout, wait_for, Cluster, Http, Node};

/// `GET /v1/members`: (id -> role), leader. Asked of the leader where one is known and
/// running, since it has applied every change it acknowledged (a follower may be a
/// moment behind); otherwise of any running member.
pub fn members(c: &Cluster) -> (BTreeMap<u64, String>, Option<u64>) {
    let parse = |v: &Value| -> (BTreeMap<u64, String>, Option<u64>) {
        let m = v["members"]
            .as_array()
            .expect("members array")
            .iter()
            .map(|m| {
                (
                    m["id"].as_u64().expect("id"),
                    m["role"].as_str().expect("role").to_string(),
                )
            })
            .collect();
        (m, v["leader"].as_u64())
    };
    let running = || c.nodes.iter().filter(|n| n.is_running());
    let Some(first) = running().find_map(|n| c.http.get_json(&format!("{}/v1/members", n.url)))
    else {
        panic!("no member answered GET /v1/members");
    };
    let leader_view = first["leader"]
        .as_u64()
        .and_then(|id| running().find(|n| n.id == id))
        .and_then(|n| c.http.get_json(&format!("{}/v1/members", n.url)));
    parse(leader_view.as_ref().unwrap_or(&first))
}

/// Runs the CLI against the running members only.
pub fn cli_running(c: &Cluster, args: &[&str]) -> std::process::Output {
    let eps: Vec<String> = c
        .nodes
        .iter()
        .filter(|n| n.is_running())
        .map(|n| n.url.clone())
        .collect();
    crate::common::cli(&eps.join(","), args)
}

/// Runs the CLI and asserts it succeeded; returns stdout.
pub fn ok(c: &Cluster, args: &[&str]) -> String {
    let o = cli_running(c, args);
    assert!(
        o.status.success(),
        "raftctl {args:?} failed: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs the CLI and asserts it failed with exit 1; returns stdout + stderr.
pub fn refused(c: &Cluster, args: &[&str]) -> String {
    let o = cli_running(c, args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "raftctl {args:?} should fail: {}{}",
        stdout(&o),
        stderr(&o)
    );
    format!("{}{}", stdout(&o), stderr(&o))
}

/// `member add ID URL [--learner]`, then starts the new member with the `--join` line
/// the command printed, and waits until it applied what the leader has.
pub fn add_and_join(c: &mut Cluster, id: u64, learner: bool, extra: &[&str]) {
    let node = Node::new(id, c.root.path());
    let url = node.url.clone();
    c.nodes.push(node);
    let id_text = id.to_string();
    let mut args = vec!["member", "add", id_text.as_str(), url.as_str()];
    if learner {
        args.push("--learner");
    }
    let out = ok(c, &args);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("raftctl serve"))
        .unwrap_or_else(|| panic!("member add printed no serve line: {out}"));
    assert!(line.contains(&format!("--id {id}")), "{line}");
    let join = line
        .split_whitespace()
        .skip_while(|w| *w != "--join")
        .nth(1)
        .expect("a --join URL")
        .to_string();
    let n = c.node(id);
    n.extra_args = vec!["--join".into(), join];
    n.extra_args.extend(extra.iter().map(|s| s.to_string()));
    n.start();
    wait_caught_up(c, id);
}

/// Waits until member `id` applied at least the leader's commit index at the time.
pub fn wait_caught_up(c: &Cluster, id: u64) {
    let url = c.url(id);
    let leader = c.wait_leader();
    let target = c
        .http
        .get_json(&format!("{}/v1/status", c.url(leader)))
        .and_then(|s| s["commit"].as_u64())
        .expect("leader status");
    wait_for(&format!("member {id} to catch up to {target}"), || {
        let s = c.http.get_json(&format!("{url}/v1/status"))?;
        (s["applied"].as_u64()? >= target).then_some(())
    });
}

/// Writes keys in the background to whichever running member takes them, recording the
/// acknowledged ones.
pub struct Writer {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
    pub urls: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn start(prefix: &str, urls: Vec<String>) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let urls = Arc::new(Mutex::new(urls));
        let (s, a, u, prefix) = (
            stop.clone(),
            acked.clone(),
            urls.clone(),
            prefix.to_string(),
        );
        let thread = std::thread::spawn(move || {
            let http = Http::new();
            let mut i = 0u64;
            while !s.load(Ordering::Relaxed) {
                let key = format!("{prefix}{i}");
                let targets = u.lock().expect("urls").clone();
                for t in targets {
                    if let Some(r) = http.put(&t, &key, &format!("v{i}")) {
                        if r.status == 200 {
                            a.lock().expect("acked").push(key.clone());
                            break;
                        }
                    }
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Writer {
            stop,
            acked,
            urls,
            thread: Some(thread),
        }
    }

    pub fn set_urls(&self, urls: Vec<String>) {
        *self.urls.lock().expect("urls") = urls;
    }

    /// Stops and returns the acknowledged keys.
    pub fn finish(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.acked.lock().expect("acked").clone()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Every acknowledged key reads back (linearizable) from `url` with its value.
pub fn check_acked(http: &Http, url: &str, acked: &[String], prefix: &str) {
    for key in acked {
        let n = key.trim_start_matches(prefix);
        let r = http
            .get(url, key)
            .unwrap_or_else(|| panic!("{url} did not answer"));
        assert_eq!(r.status, 200, "acknowledged key {key} lost on {url}");
        assert_eq!(r.text(), format!("v{n}"));
    }
}

/// All keys under `prefix` with their values, read locally (stale) from `url`.
pub fn local_data(http: &Http, url: &str) -> BTreeMap<String, String> {
    let list = http
        .get_json(&format!("{url}/v1/kv?prefix=&consistency=stale"))
        .expect("list");
    list["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| {
            let k = k.as_str().expect("key").to_string();
            let v = http
                .send("GET", &format!("{url}/v1/kv/{k}?consistency=stale"), None)
                .expect("get")
                .text();
            (k, v)
        })
        .collect()
}

pub fn status(c: &Cluster, id: u64) -> Value {
    c.http
        .get_json(&format!("{}/v1/status", c.url(id)))
        .unwrap_or_else(|| panic!("member {id} did not answer /v1/status"))
}
