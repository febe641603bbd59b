//! `member update` and `member replace` through the real binary: a member moved to a new
//! port with its data dir and the cluster following it; a follower and a leader replaced
//! while the command waits for the new member; a replacement interrupted mid-wait and
//! resumed by the same command; the `--dry-run` plan and the refusals.

mod common;
mod ops_util;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, stderr, stdout, wait_for, Cluster, Node, DEADLINE};
use ops_util::{cli_running, local_data, members, ok, refused, wait_caught_up};

fn roles(pairs: &[(u64, &str)]) -> BTreeMap<u64, String> {
    pairs.iter().map(|(id, r)| (*id, r.to_string())).collect()
}

/// The URL member `id` has in the leader's `/v1/members`.
fn member_url(c: &Cluster, id: u64) -> Option<String> {
    let leader = c.wait_leader();
    let m = c.http.get_json(&format!("{}/v1/members", c.url(leader)))?;
    m["members"]
        .as_array()?
        .iter()
        .find(|x| x["id"].as_u64() == Some(id))
        .and_then(|x| x["url"].as_str().map(str::to_string))
}

fn put_keys(c: &Cluster, prefix: &str, n: u32) {
    for i in 0..n {
        ok(c, &["kv", "put", &format!("{prefix}{i}"), &format!("v{i}")]);
    }
}

fn has_keys(c: &Cluster, id: u64, prefix: &str, n: u32) -> bool {
    let data = local_data(&c.http, &c.url(id));
    (0..n).all(|i| data.get(&format!("{prefix}{i}")) == Some(&format!("v{i}")))
}

#[test]
fn a_member_moved_with_update_is_written_through_and_replicated_to() {
    let mut c = Cluster::start(3);
    put_keys(&c, "before", 3);
    let moved = 3u64;
    c.node(moved).terminate();
    let new_port = free_port();
    let new_url = format!("http://127.0.0.1:{new_port}");

    // Refusals change nothing.
    let taken = c.url(1);
    let err = refused(&c, &["member", "update", "3", &taken]);
    assert!(err.contains("already used by member 1"), "{err}");
    let err = refused(&c, &["member", "update", "9", &new_url]);
    assert!(err.contains("known-member"), "{err}");
    let o = cli_running(&c, &["member", "update", "3", "127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let dry = ok(&c, &["member", "update", "3", &new_url, "--dry-run"]);
    assert!(dry.contains("nothing was changed"), "{dry}");
    assert_eq!(member_url(&c, moved), Some(c.url(moved)));

    let out = ok(&c, &["member", "update", "3", &new_url]);
    assert!(
        out.contains(&format!("update member 3 to {new_url}")),
        "{out}"
    );
    assert_eq!(member_url(&c, moved).as_deref(), Some(new_url.as_str()));

    // Restarted at the new port with the same data dir (--initial-cluster, ignored once
    // the data dir holds state, would name the old URL): without --moved it is refused,
    // as its data dir still records the old URL.
    let n = c.node(moved);
    n.port = new_port;
    n.url = new_url.clone();
    n.extra_args.clear();
    n.start();
    assert_eq!(n.wait_exit(), Some(1));
    assert!(n.log_text().contains("--moved"), "{}", n.log_text());
    n.extra_args.push("--moved".into());
    n.start();
    put_keys(&c, "after", 3);
    wait_caught_up(&c, moved);
    assert!(
        has_keys(&c, moved, "after", 3),
        "replicated to the moved member"
    );

    // It leads, writes go through it, and the others hear from it at its new address.
    ok(&c, &["leader", "transfer", "3"]);
    assert_eq!(c.wait_leader(), moved);
    let o = common::cli(&new_url, &["kv", "put", "through3", "yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for id in [1u64, 2] {
        wait_for(&format!("member {id} to replicate the write"), || {
            local_data(&c.http, &c.url(id))
                .get("through3")
                .filter(|v| *v == "yes")
                .map(|_| ())
        });
    }
    let list = ok(&c, &["member", "list"]);
    assert!(list.contains(&new_url), "{list}");
}

/// `raftctl member replace ...` running in the background; killed when dropped.
struct Background {
    child: Option<Child>,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Background {
    fn start(c: &Cluster, args: &[&str], name: &str) -> Background {
        Background::start_with(c, &[], args, name)
    }

    /// With global flags `global` (e.g. TLS) before the command.
    fn start_with(c: &Cluster, global: &[String], args: &[&str], name: &str) -> Background {
        let stdout = c.root.path().join(format!("{name}.out"));
        let stderr = c.root.path().join(format!("{name}.err"));
        let child = Command::new(common::raftctl_bin())
            .args(["--endpoints", &c.endpoints(), "--timeout", "10s"])
            .args(global)
            .args(args)
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("stdout file"))
            .stderr(File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("start raftctl");
        Background {
            child: Some(child),
            stdout,
            stderr,
        }
    }

    fn output(&self) -> (String, String) {
        let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_default();
        (read(&self.stdout), read(&self.stderr))
    }

    /// Waits for the exit code.
    fn wait(&mut self) -> Option<i32> {
        let child = self.child.as_mut()?;
        let deadline = Instant::now() + DEADLINE * 2;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                self.child = None;
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "member replace did not finish: {:?}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl-C.
    fn interrupt(&mut self) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .args(["-INT", &c.id().to_string()])
                .status();
        }
        let _ = self.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            eprintln!("---- member replace output ----\n{:?}", self.output());
        }
    }
}

/// Adds member `id` to the cluster's list (not started) and returns its URL.
fn new_node(c: &mut Cluster, id: u64) -> String {
    let node = Node::new(id, c.root.path());
    let url = node.url.clone();
    c.nodes.push(node);
    url
}

/// Waits until member `id` is a learner, then starts it with --join.
fn start_when_added(c: &mut Cluster, id: u64) {
    wait_for(&format!("member {id} to be added as a learner"), || {
        (members(c).0.get(&id).map(String::as_str) == Some("learner")).then_some(())
    });
    let leader = c.wait_leader();
    let join = c.url(leader);
    let n = c.node(id);
    n.extra_args = vec!["--join".into(), join];
    n.start();
}

fn replace_and_check(c: &mut Cluster, old: u64) -> (String, String) {
    put_keys(c, "k", 5);
    let url4 = new_node(c, 4);
    let old_text = old.to_string();
    let args = ["member", "replace", &old_text, "--id", "4", "--url", &url4];
    let mut cmd = Background::start(c, &args, "replace");
    start_when_added(c, 4);
    let code = cmd.wait();
    let (out, err) = cmd.output();
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        c.node(old).wait_exit(),
        Some(0),
        "the replaced member stops"
    );
    let mut expected: Vec<(u64, &str)> = [1u64, 2, 3]
        .into_iter()
        .filter(|id| *id != old)
        .map(|id| (id, "voter"))
        .collect();
    expected.push((4, "voter"));
    assert_eq!(members(c).0, roles(&expected));
    wait_caught_up(c, 4);
    assert!(has_keys(c, 4, "k", 5), "data written before is on member 4");
    (out, err)
}

#[test]
fn a_follower_is_replaced_while_the_command_waits_for_the_new_member() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let old = [1u64, 2, 3]
        .into_iter()
        .find(|id| *id != leader)
        .expect("a follower");
    let (out, err) = replace_and_check(&mut c, old);
    assert!(
        out.contains(&format!("done: member 4 replaced member {old}")),
        "{out}"
    );
    // Not a terminal: plain progress lines, and the line that starts the new member.
    assert!(err.contains("raftctl serve --id 4"), "{err}");
    assert!(err.contains("waiting for member 4: "), "{err}");
    assert!(err.contains("member 4 has caught up"), "{err}");
    assert!(!err.contains("move leadership"), "{err}");
    // Again: nothing to do.
    let again = ok(
        &c,
        &[
            "member",
            "replace",
            &old.to_string(),
            "--id",
            "4",
            "--url",
            &c.url(4),
        ],
    );
    assert!(again.contains("nothing to do"), "{again}");
}

#[test]
fn replacing_the_leader_moves_leadership_first() {
    let mut c = Cluster::start(3);
    let old = c.wait_leader();
    let (_, err) = replace_and_check(&mut c, old);
    assert!(
        err.contains(&format!("step: move leadership from member {old}")),
        "{err}"
    );
    let leader = c.wait_leader();
    assert_ne!(leader, old);
}

#[test]
fn an_interrupted_replacement_goes_on_where_it_stopped() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let old = [1u64, 2, 3]
        .into_iter()
        .find(|id| *id != leader)
        .expect("a follower");
    let url4 = new_node(&mut c, 4);
    let old_text = old.to_string();
    let args = ["member", "replace", &old_text, "--id", "4", "--url", &url4];
    let mut first = Background::start(&c, &args, "first");
    wait_for("member 4 to be added as a learner", || {
        (members(&c).0.get(&4).map(String::as_str) == Some("learner")).then_some(())
    });
    // Mid-wait (member 4 is not running): Ctrl-C.
    wait_for("the command to wait for member 4", || {
        first
            .output()
            .1
            .contains("waiting for member 4")
            .then_some(())
    });
    first.interrupt();
    let mut expected = roles(&[(1, "voter"), (2, "voter"), (3, "voter")]);
    expected.insert(4, "learner".into());
    assert_eq!(members(&c).0, expected, "stopped where it was");

    // The same command again: it does not add member 4 again, and finishes once
    // member 4 runs.
    let mut second = Background::start(&c, &args, "second");
    start_when_added(&mut c, 4);
    assert_eq!(second.wait(), Some(0), "{:?}", second.output());
    let (_, err) = second.output();
    assert!(!err.contains("step: add member 4"), "{err}");
    assert!(
        err.contains("if it is not running yet, start it with"),
        "{err}"
    );
    assert_eq!(members(&c).0.get(&old), None);
    assert_eq!(members(&c).0.get(&4).map(String::as_str), Some("voter"));
}

#[test]
fn the_dry_run_shows_quorum_and_tolerance_per_step_and_refusals_change_nothing() {
    let c = Cluster::start(3);
    let leader = c.wait_leader();
    let before = members(&c).0;
    let url4 = format!("http://127.0.0.1:{}", free_port());
    let leader_text = leader.to_string();
    let o = cli_running(
        &c,
        &[
            "-o",
            "json",
            "member",
            "replace",
            &leader_text,
            "--id",
            "4",
            "--url",
            &url4,
            "--dry-run",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["dry_run"], true);
    let rows: Vec<(String, usize, u64, u64)> = v["plan"]
        .as_array()
        .expect("plan")
        .iter()
        .map(|r| {
            (
                r["step"].as_str().expect("step").to_string(),
                r["voters"].as_array().expect("voters").len(),
                r["quorum"].as_u64().expect("quorum"),
                r["fault_tolerance"].as_u64().expect("tolerance"),
            )
        })
        .collect();
    let expected = [
        ("now", 3, 2, 1),
        ("add_learner", 3, 2, 1),
        ("catch_up", 3, 2, 1),
        ("promote", 4, 3, 1),
        ("move_leadership", 4, 3, 1),
        ("remove_old", 3, 2, 1),
    ];
    let expected: Vec<(String, usize, u64, u64)> = expected
        .iter()
        .map(|(s, v, q, f)| (s.to_string(), *v, *q, *f))
        .collect();
    assert_eq!(rows, expected);
    let table = ok(
        &c,
        &[
            "member",
            "replace",
            &leader_text,
            "--id",
            "4",
            "--url",
            &url4,
            "--dry-run",
        ],
    );
    assert!(table.contains("FAULT TOLERANCE"), "{table}");
    assert!(table.contains("nothing was changed"), "{table}");
    assert_eq!(members(&c).0, before, "a dry run changes nothing");

    let o = cli_running(&c, &["member", "replace", "2", "--id", "2", "--url", &url4]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = refused(&c, &["member", "replace", "9", "--id", "4", "--url", &url4]);
    assert!(err.contains("member 9 is not a member"), "{err}");
    let taken = c.url(1);
    let err = refused(
        &c,
        &["member", "replace", "2", "--id", "4", "--url", &taken],
    );
    assert!(err.contains("already used by member 1"), "{err}");
    assert_eq!(members(&c).0, before, "refusals change nothing");
}

/// Runs the CLI against the TLS cluster `c` as client `who`.
fn tls_cli(c: &Cluster, who: &str, args: &[&str]) -> std::process::Output {
    Command::new(common::raftctl_bin())
        .args(["--endpoints", &c.endpoints(), "--timeout", "10s"])
        .args(c.pki().client_args(who))
        .args(args)
        .output()
        .expect("run raftctl")
}

#[test]
fn over_tls_only_an_admin_updates_or_replaces_and_the_replacement_joins_with_its_certificate() {
    let mut c = Cluster::start_tls(3, &[]);
    let leader = c.wait_leader();
    let old = [1u64, 2, 3]
        .into_iter()
        .find(|id| *id != leader)
        .expect("a follower");
    let old_text = old.to_string();
    let mut node = Node::new(4, c.root.path());
    node.url = node.url.replace("http://", "https://");
    let url4 = node.url.clone();
    c.nodes.push(node);
    for who in ["reader", "writer"] {
        let o = tls_cli(
            &c,
            who,
            &["member", "update", &old_text, &url4, "--dry-run"],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("forbidden"), "{who}: {}", stderr(&o));
        let o = tls_cli(
            &c,
            who,
            &["member", "replace", &old_text, "--id", "4", "--url", &url4],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("forbidden"), "{who}: {}", stderr(&o));
    }
    let plain = url4.replace("https://", "http://");
    let o = tls_cli(&c, "admin", &["member", "update", &old_text, &plain]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("https://"), "{}", stderr(&o));
    let o = tls_cli(
        &c,
        "admin",
        &["member", "update", &old_text, &url4, "--dry-run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let pki = c.pki();
    let made = Command::new(common::raftctl_bin())
        .args([
            "cert",
            "create-member",
            "--id",
            "4",
            "--host",
            "127.0.0.1",
            "--ca",
        ])
        .arg(&pki.dir)
        .output()
        .expect("run raftctl cert");
    assert!(made.status.success(), "{}", stderr(&made));
    let args = ["member", "replace", &old_text, "--id", "4", "--url", &url4];
    let mut cmd = Background::start_with(&c, &pki.client_args("admin"), &args, "tls");
    wait_for("the serve line of member 4", || {
        cmd.output()
            .1
            .contains("raftctl serve --id 4")
            .then_some(())
    });
    let (_, err) = cmd.output();
    assert!(
        err.contains("--cert") && err.contains("member-4.crt"),
        "{err}"
    );
    c.node(4).tls_args = pki.member_args(4);
    start_when_added(&mut c, 4);
    assert_eq!(cmd.wait(), Some(0), "{:?}", cmd.output());
    assert_eq!(members(&c).0.get(&old), None);
    assert_eq!(members(&c).0.get(&4).map(String::as_str), Some("voter"));
}
