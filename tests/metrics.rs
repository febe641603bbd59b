//! `GET /metrics` on real `raftctl serve` processes: the text parses, every family has
//! HELP and TYPE, and the numbers agree with what the client did and with /v1/status.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{wait_for, Cluster};

/// One scrape: samples by name with their label text (`{...}` or empty), plus the
/// families declared by HELP and TYPE lines.
struct Scrape {
    samples: BTreeMap<(String, String), f64>,
    help: BTreeSet<String>,
    types: BTreeMap<String, String>,
}

impl Scrape {
    /// Parses the text format strictly enough to catch a malformed line.
    fn parse(text: &str) -> Scrape {
        let mut s = Scrape {
            samples: BTreeMap::new(),
            help: BTreeSet::new(),
            types: BTreeMap::new(),
        };
        assert!(text.ends_with("# EOF\n"), "no EOF marker:\n{text}");
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                let (name, help) = rest.split_once(' ').expect("HELP has a name and text");
                assert!(!help.is_empty(), "empty HELP for {name}");
                s.help.insert(name.to_string());
            } else if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("TYPE has a name and kind");
                assert!(
                    ["counter", "gauge", "histogram"].contains(&kind),
                    "unexpected type in {line:?}"
                );
                s.types.insert(name.to_string(), kind.to_string());
            } else if line.starts_with('#') {
                assert!(
                    line == "# EOF" || line.starts_with("# UNIT "),
                    "bad comment {line:?}"
                );
            } else {
                let (series, value) = line.rsplit_once(' ').expect("a sample and a value");
                let value: f64 = value
                    .parse()
                    .unwrap_or_else(|_| panic!("value not a number in {line:?}"));
                let (name, labels) = match series.find('{') {
                    Some(i) => {
                        assert!(series.ends_with('}'), "unclosed labels in {line:?}");
                        (&series[..i], &series[i..])
                    }
                    None => (series, ""),
                };
                assert!(
                    name.starts_with("raftctl_")
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "bad metric name in {line:?}"
                );
                s.samples
                    .insert((name.to_string(), labels.to_string()), value);
            }
        }
        s
    }

    fn value(&self, name: &str, labels: &str) -> f64 {
        *self
            .samples
            .get(&(name.to_string(), labels.to_string()))
            .unwrap_or_else(|| panic!("no sample {name}{labels}"))
    }
}

fn scrape(c: &Cluster, id: u64) -> (Scrape, String) {
    let reply = c
        .http
        .send("GET", &format!("{}/metrics", c.url(id)), None)
        .expect("an answer to GET /metrics");
    assert_eq!(reply.status, 200, "{}", reply.text());
    let ctype = reply
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(ctype.starts_with("application/openmetrics-text"), "{ctype}");
    let text = reply.text();
    (Scrape::parse(&text), text)
}

const FAMILIES: &[(&str, &str)] = &[
    ("term", "gauge"),
    ("commit_index", "gauge"),
    ("applied_index", "gauge"),
    ("last_index", "gauge"),
    ("first_index", "gauge"),
    ("is_leader", "gauge"),
    ("db_size_bytes", "gauge"),
    ("leader_changes", "counter"),
    ("proposals", "counter"),
    ("reads", "counter"),
    ("fsync_duration_seconds", "histogram"),
    ("apply_duration_seconds", "histogram"),
    ("ready_entries", "histogram"),
    ("ready_bytes", "histogram"),
    ("ready_committed_entries", "histogram"),
    ("peer_send_failures", "counter"),
    ("peer_queue_depth", "gauge"),
    ("snapshot_sends", "counter"),
    ("snapshot_installs", "counter"),
];

#[test]
fn metrics_of_a_single_member_after_puts() {
    let c = Cluster::start(1);
    let puts = 5;
    for i in 0..puts {
        let r = c
            .http
            .put(&c.url(1), &format!("k{i}"), "value")
            .expect("put");
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = c.http.get(&c.url(1), "k0").expect("get");
    assert_eq!(r.status, 200);

    let (m, text) = scrape(&c, 1);
    // A family with no series yet (per-peer ones, on a member without peers) is left out
    // of the text altogether.
    for (name, kind) in FAMILIES.iter().filter(|(n, _)| !n.starts_with("peer_")) {
        let full = format!("raftctl_{name}");
        assert!(m.help.contains(&full), "no HELP for {full}:\n{text}");
        assert_eq!(
            m.types.get(&full).map(String::as_str),
            Some(*kind),
            "TYPE of {full}"
        );
    }
    assert!(m.value("raftctl_proposals_total", "{result=\"ok\"}") >= puts as f64);
    assert_eq!(
        m.value("raftctl_proposals_total", "{result=\"failed\"}"),
        0.0
    );
    assert!(m.value("raftctl_reads_total", "{consistency=\"linearizable\"}") >= 1.0);
    assert_eq!(m.value("raftctl_is_leader", ""), 1.0);
    assert!(m.value("raftctl_leader_changes_total", "") >= 1.0);
    assert!(m.value("raftctl_fsync_duration_seconds_count", "") > 0.0);
    assert!(m.value("raftctl_ready_entries_sum", "") >= puts as f64);
    assert!(m.value("raftctl_ready_bytes_sum", "") > 0.0);
    assert!(m.value("raftctl_apply_duration_seconds_count", "") > 0.0);
    assert!(m.value("raftctl_db_size_bytes", "") > 0.0);
    let buckets = m
        .samples
        .keys()
        .filter(|(n, _)| n == "raftctl_fsync_duration_seconds_bucket")
        .count();
    assert!(buckets >= 10, "too few fsync buckets:\n{text}");

    // Nothing is written now, so status and metrics see the same positions.
    let status = c
        .http
        .get_json(&format!("{}/v1/status", c.url(1)))
        .expect("status");
    let applied = status["applied"].as_u64().expect("applied") as f64;
    assert_eq!(m.value("raftctl_applied_index", ""), applied);
    assert_eq!(
        m.value("raftctl_last_index", ""),
        status["last_index"].as_u64().expect("last_index") as f64
    );
    assert_eq!(
        m.value("raftctl_term", ""),
        status["term"].as_u64().expect("term") as f64
    );
}

#[test]
fn followers_report_peer_queues_and_leadership() {
    let c = Cluster::start(3);
    let leader = c.wait_leader();
    let r = c.http.put(&c.url(leader), "k", "v").expect("put");
    assert_eq!(r.status, 200, "{}", r.text());
    let index = r.json()["index"].as_u64().expect("index") as f64;

    // Every member applies the write; each then reports one queue per peer.
    for id in 1..=3u64 {
        let (m, text) = wait_for("the write applied everywhere", || {
            let (m, text) = scrape(&c, id);
            (m.value("raftctl_applied_index", "") >= index).then_some((m, text))
        });
        let queues: Vec<_> = m
            .samples
            .keys()
            .filter(|(n, _)| n == "raftctl_peer_queue_depth")
            .collect();
        assert_eq!(queues.len(), 2, "member {id}:\n{text}");
        let family = "raftctl_peer_queue_depth";
        assert!(m.help.contains(family), "no HELP for {family}:\n{text}");
        assert_eq!(m.types.get(family).map(String::as_str), Some("gauge"));
        let expect_leader = if id == leader { 1.0 } else { 0.0 };
        assert_eq!(
            m.value("raftctl_is_leader", ""),
            expect_leader,
            "member {id}"
        );
    }
}
