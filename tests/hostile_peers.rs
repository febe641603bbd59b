//! Forged peer messages against real members: whatever reaches `/raft/` must not crash,
//! wedge or corrupt a member (nor write what a client could not). Each test names the
//! finding it guards against.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{wait_for, Cluster, Http};
use raftctl::kv::{Command, Op};
use raftctl::raft::{ConfChange, ConfChangeType, Entry, EntryType, Message, MessageType};
use raftctl::transport::wire;

/// Posts one forged batch to `/raft/messages` of the member at `url`; the status code
/// (0 when nothing answered).
fn forge(url: &str, cluster_id: &str, from: u64, messages: &[Message]) -> u16 {
    let body = wire::encode_batch(cluster_id, from, messages);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{url}{}", wire::MESSAGES_PATH))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    })
}

fn status_of(http: &Http, url: &str) -> serde_json::Value {
    wait_for("a status answer", || {
        http.get_json(&format!("{url}/v1/status"))
    })
}

fn metric(http: &Http, url: &str, name: &str) -> f64 {
    let text = http
        .send("GET", &format!("{url}/metrics"), None)
        .expect("metrics answer")
        .text();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

fn propose(from: u64, to: u64, entries: Vec<Entry>) -> Message {
    let mut m = Message::new(MessageType::Propose, from, to);
    m.entries = entries;
    m
}

fn put_entry(origin: u64, key: &str, value: Vec<u8>) -> Entry {
    let command = Command {
        origin,
        request_id: 1,
        op: Op::Put {
            key: key.into(),
            value: Bytes::from(value),
        },
    };
    Entry {
        data: command.encode(),
        ..Entry::default()
    }
}

/// Regression: a forged `propose` carried a 48 MiB value that every member stored,
/// where the client API caps values at 512 KiB. Forwarded proposals now obey the
/// client limits; a forwarded membership change is refused too.
#[test]
fn forwarded_proposals_obey_the_client_limits() {
    let c = Cluster::start(3);
    let leader = c.wait_leader();
    let follower = (1..=3).find(|&id| id != leader).unwrap();
    let url = c.url(leader);
    let cid = status_of(&c.http, &url)["cluster_id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = metric(&c.http, &url, "raftctl_peer_messages_refused_total");

    let big = propose(
        follower,
        leader,
        vec![put_entry(follower, "big", vec![b'x'; 2 * 1024 * 1024])],
    );
    let empty_key = propose(follower, leader, vec![put_entry(follower, "", vec![1])]);
    let remove = propose(
        follower,
        leader,
        vec![Entry {
            entry_type: EntryType::ConfChange,
            data: ConfChange {
                change_type: ConfChangeType::Remove,
                node_id: follower,
                context: Bytes::new(),
            }
            .encode(),
            ..Entry::default()
        }],
    );
    for m in [big, empty_key, remove] {
        // Accepted by the transport (well-formed, from a member); refused by the node.
        assert_eq!(forge(&url, &cid, follower, &[m]), 204);
    }
    // A write after them commits, so anything they could have done is done.
    let r = c.http.put(&url, "after", "ok").expect("put answers");
    assert_eq!(r.status, 200, "{}", r.text());
    for id in 1..=3 {
        let base = c.url(id);
        wait_for("the write after the forgeries everywhere", || {
            let r = c.http.send(
                "GET",
                &format!("{base}/v1/kv/after?consistency=stale"),
                None,
            )?;
            (r.status == 200).then_some(())
        });
        let big = c
            .http
            .send("GET", &format!("{base}/v1/kv/big?consistency=stale"), None)
            .unwrap();
        assert_eq!(big.status, 404, "member {id} stored the oversized value");
        let members = c
            .http
            .get_json(&format!("{base}/v1/members"))
            .expect("members");
        assert_eq!(members["members"].as_array().unwrap().len(), 3);
    }
    let after = metric(&c.http, &url, "raftctl_peer_messages_refused_total");
    assert!(
        after >= before + 3.0,
        "refusals counted: {before} -> {after}"
    );
}

/// Regression: on a one-member cluster a forged `propose` removing member 1 was
/// refused by the core when applied, yet every later write got 503 "this node is not
/// a member" while `/health` said healthy, until a restart.
#[test]
fn a_refused_conf_change_leaves_the_member_serving() {
    let c = Cluster::start(1);
    let url = c.url(1);
    let cid = status_of(&c.http, &url)["cluster_id"]
        .as_str()
        .unwrap()
        .to_string();
    // From member 1 itself: the only sender a one-member cluster admits.
    let remove = propose(
        1,
        1,
        vec![Entry {
            entry_type: EntryType::ConfChange,
            data: ConfChange {
                change_type: ConfChangeType::Remove,
                node_id: 1,
                context: Bytes::new(),
            }
            .encode(),
            ..Entry::default()
        }],
    );
    forge(&url, &cid, 1, &[remove]);
    std::thread::sleep(Duration::from_millis(200));
    for i in 0..5 {
        let r = c
            .http
            .put(&url, &format!("k{i}"), "v")
            .expect("put answers");
        assert_eq!(r.status, 200, "write {i}: {}", r.text());
    }
    assert_eq!(c.http.status(&format!("{url}/health")), Some(200));
}

/// Regression: one heartbeat with term u64::MAX to the leader made all three members
/// panic within seconds (the term was persisted, every restart panicked again). Now
/// it is dropped: no member adopts the term, and writes go on.
#[test]
fn a_heartbeat_with_an_absurd_term_changes_nothing() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let follower = (1..=3).find(|&id| id != leader).unwrap();
    let url = c.url(leader);
    let status = status_of(&c.http, &url);
    let cid = status["cluster_id"].as_str().unwrap().to_string();
    let term = status["term"].as_u64().unwrap();
    for forged_term in [u64::MAX, 1 << 53, (1 << 52) + 1] {
        let mut m = Message::new(MessageType::Heartbeat, follower, leader);
        m.term = forged_term;
        forge(&url, &cid, follower, &[m]);
    }
    std::thread::sleep(Duration::from_millis(500));
    for id in 1..=3 {
        assert!(c.node(id).is_running(), "member {id} exited");
    }
    let r = c.http.put(&url, "after", "ok").expect("put answers");
    assert_eq!(r.status, 200, "{}", r.text());
    for id in 1..=3 {
        let t = status_of(&c.http, &c.url(id))["term"].as_u64().unwrap();
        assert!(t < 1 << 52, "member {id} adopted term {t}");
        assert!(t >= term);
    }
}
