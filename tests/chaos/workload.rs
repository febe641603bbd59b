//! Concurrent clients: each a thread that puts, gets and deletes a few keys through
//! random members (`PUT/GET/DELETE /v1/kv/{key}`, linearizable reads, the default) and
//! records every operation with its invocation and completion times and its outcome.
//!
//! Outcomes follow docs/serve-and-api.md: 200 is ok (a 404 of a get: the key is absent);
//! `no_leader`, `not_leader` and `unavailable` ("nothing was done"), other 4xx, and a
//! connection that could not be opened are definite failures; `timeout`, `internal`, a
//! connection lost mid-request or no answer in time leave the outcome unknown. Every
//! put writes a value no other put writes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::checker::{Kind, Op, Outcome};
use super::client::{Answer, Client};

/// The members clients may send to: (id, URL). The nemesis updates it when membership
/// changes.
pub type Targets = Arc<RwLock<Vec<(u64, String)>>>;

/// Client timeout: above the members' own 4 s, so that a member's `timeout` answer
/// usually arrives first.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Sends one operation and records it.
pub fn run_op(
    http: &Client,
    t0: Instant,
    process: usize,
    (via, url): (u64, &str),
    key: &str,
    kind: Kind,
) -> Op {
    let path = format!("{url}/v1/kv/{key}");
    let invoke = t0.elapsed().as_nanos() as u64;
    let answer = match &kind {
        Kind::Put(v) => http.send("PUT", &path, Some(v.clone().into_bytes())),
        Kind::Get => http.send("GET", &path, None),
        Kind::Delete => http.send("DELETE", &path, None),
    };
    let complete = t0.elapsed().as_nanos() as u64;
    let outcome = classify(&kind, &answer);
    Op {
        process,
        key: key.to_string(),
        kind,
        outcome,
        invoke,
        complete,
        via,
    }
}

fn classify(kind: &Kind, a: &Answer) -> Outcome {
    let status = match a {
        Answer::NotSent(e) => return Outcome::Fail(format!("not sent: {e}")),
        Answer::Lost(e) => return Outcome::Unknown(e.clone()),
        Answer::Reply { status, .. } => *status,
    };
    let code = a.code().unwrap_or_default();
    match (kind, status) {
        (Kind::Put(_), 200) => Outcome::Written,
        (Kind::Get, 200) => Outcome::Read(Some(a.text())),
        (Kind::Get, 404) if code == "not_found" => Outcome::Read(None),
        (Kind::Delete, 200) => {
            let v: serde_json::Value = serde_json::from_str(&a.text()).unwrap_or_default();
            match v["deleted"].as_bool() {
                Some(d) => Outcome::Deleted(d),
                None => Outcome::Unknown(format!("200 without `deleted`: {}", a.text())),
            }
        }
        _ if matches!(code.as_str(), "no_leader" | "not_leader" | "unavailable") => {
            Outcome::Fail(code)
        }
        (_, 400..=499) => Outcome::Fail(format!("{status} {code}")),
        _ => Outcome::Unknown(format!("{status} {code}")),
    }
}

/// Running client threads.
pub struct Workload {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<Vec<Op>>>,
}

impl Workload {
    /// `clients` threads over `keys`, sending to the members of `targets`, each pausing
    /// up to `pause_ms` between operations.
    pub fn start(
        clients: usize,
        keys: &[String],
        targets: Targets,
        seed: u64,
        t0: Instant,
        pause_ms: u64,
    ) -> Workload {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..clients)
            .map(|process| {
                let (keys, targets, stop) = (keys.to_vec(), targets.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut rng =
                        StdRng::seed_from_u64(seed ^ (0x9e37_79b9 * (process as u64 + 1)));
                    let http = Client::new(CLIENT_TIMEOUT);
                    let mut ops = Vec::new();
                    let mut seq = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let target = {
                            let t = targets.read().unwrap_or_else(|e| e.into_inner());
                            if t.is_empty() {
                                None
                            } else {
                                Some(t[rng.gen_range(0..t.len())].clone())
                            }
                        };
                        let Some((via, url)) = target else {
                            std::thread::sleep(Duration::from_millis(20));
                            continue;
                        };
                        let key = &keys[rng.gen_range(0..keys.len())];
                        let kind = match rng.gen_range(0..100) {
                            0..50 => Kind::Get,
                            50..85 => {
                                seq += 1;
                                Kind::Put(format!("c{process}-{seq}"))
                            }
                            _ => Kind::Delete,
                        };
                        ops.push(run_op(&http, t0, process, (via, &url), key, kind));
                        if pause_ms > 0 {
                            std::thread::sleep(Duration::from_millis(rng.gen_range(0..=pause_ms)));
                        }
                    }
                    ops
                })
            })
            .collect();
        Workload { stop, threads }
    }

    /// Stops the clients (each finishes the operation it is in) and returns every
    /// operation they recorded.
    pub fn stop(self) -> Vec<Op> {
        self.stop.store(true, Ordering::Relaxed);
        self.threads
            .into_iter()
            .flat_map(|t| t.join().expect("a client thread panicked"))
            .collect()
    }
}

/// Counts of a history, by kind and outcome.
#[derive(Default, Debug)]
pub struct Counts {
    pub ok: usize,
    pub ok_writes: usize,
    pub ok_reads: usize,
    pub fail: usize,
    pub unknown: usize,
}

pub fn counts(ops: &[Op]) -> Counts {
    let mut c = Counts::default();
    for op in ops {
        match &op.outcome {
            Outcome::Fail(_) => c.fail += 1,
            Outcome::Unknown(_) => c.unknown += 1,
            Outcome::Read(_) => {
                c.ok += 1;
                c.ok_reads += 1
            }
            _ => {
                c.ok += 1;
                c.ok_writes += 1
            }
        }
    }
    c
}
