//! `raftctl top` against a real cluster. On a terminal (a detached tmux session of a
//! fixed size, read back with `capture-pane`) it shows the members and the leader, a
//! stopped member as waiting, a killed one as down and back again once restarted,
//! redraws to a new width, exits 0 on `q` and leaves the terminal as it found it. With
//! standard output a pipe it prints plain refreshes, and JSON lines with `-o json`;
//! over TLS it uses the client's certificate; bad flags are refused before anything is
//! sent.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{raftctl_bin, wait_for, Cluster, DEADLINE};
use serde_json::Value;

/// A tmux server of this test's own (`-L`, its own socket), so that nothing else's
/// sessions are touched; killed with everything in it when dropped, also on failure.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// A detached session of `width` x `height` running `command` under `sh -c`.
    fn start(width: u16, height: u16, command: &str) -> Tmux {
        let socket = format!("raftctl-top-test-{}", std::process::id());
        let tmux = Tmux { socket };
        let out = tmux
            .run(&[
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run tmux ({e}): this test needs tmux installed (apt-get install tmux)"
                )
            });
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
    }

    /// The screen as text, one line per row.
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Waits until `pred` holds for the screen; the last screen in the panic message.
    fn wait_screen(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn send_keys(&self, keys: &str) {
        let out = self.run(&["send-keys", keys]).expect("tmux send-keys");
        assert!(out.status.success(), "send-keys failed");
    }

    fn resize(&self, width: u16, height: u16) {
        let out = self
            .run(&[
                "resize-window",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
            ])
            .expect("tmux resize-window");
        assert!(
            out.status.success(),
            "resize-window failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The screen line of the member at `url`.
fn line_of<'a>(screen: &'a str, url: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(url))
}

/// Single-quoted for `sh -c`.
fn quoted(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn top_on_a_terminal_follows_members_going_and_coming_and_quits_on_q() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    let follower = (1..=3).find(|id| *id != leader).expect("a follower");
    let status_file: PathBuf = c.root.path().join("top.status");
    // Only the leader as endpoint: the other two are found through the member list.
    // After top: its exit status, then the terminal's line discipline as top left it
    // ("icanon" when raw mode was undone, "-icanon" when not); the pane stays open.
    let command = format!(
        "{} --endpoints {} top; echo $? > {}; echo top exited; \
         stty -a | tr ' ;' '\\n\\n' | grep -x -- '-*icanon'; exec sleep 600",
        quoted(Path::new(raftctl_bin())),
        c.url(leader),
        quoted(&status_file)
    );
    let tmux = Tmux::start(120, 30, &command);

    let leader_line = format!("leader {leader}, term");
    let screen = tmux.wait_screen("three members and a leader", |s| {
        s.contains(&leader_line)
            && s.contains("3/3 members answering")
            && (1..=3).all(|id| line_of(s, &c.url(id)).is_some_and(|l| l.contains(" up")))
    });
    assert!(
        screen.contains("WRITE/S") && screen.contains("FSYNC P99"),
        "{screen}"
    );
    assert!(screen.contains("writes/s, last"), "no sparkline:\n{screen}");
    let url = c.url(follower);
    assert!(
        line_of(&screen, &url).is_some_and(|l| l.contains("follower")),
        "{screen}"
    );

    // Stopped (SIGSTOP): connected but silent, it shows as waiting, then answers again.
    c.node(follower).pause();
    tmux.wait_screen("the stopped member shown as waiting", |s| {
        line_of(s, &url).is_some_and(|l| l.contains(" waiting "))
    });
    c.node(follower).resume();
    tmux.wait_screen("the resumed member up again", |s| {
        line_of(s, &url).is_some_and(|l| l.contains(" up"))
    });

    c.node(follower).kill();
    tmux.wait_screen("the killed member shown as down", |s| {
        // (The reason, "down: connection refused", is cut at the window's edge.)
        line_of(s, &url).is_some_and(|l| l.contains(" down: conn"))
            && s.contains("2/3 members answering")
    });
    c.node(follower).start();
    tmux.wait_screen("the restarted member back up", |s| {
        line_of(s, &url).is_some_and(|l| l.contains("follower") && l.contains(" up"))
            && s.contains("3/3 members answering")
    });

    // Narrower: the URL column gives way, the rest is redrawn to the new width.
    tmux.resize(70, 20);
    let narrow = tmux.wait_screen("a redraw at 70 columns", |s| {
        !s.contains("http://") && s.contains("STATE") && s.contains("leader")
    });
    assert!(
        narrow.lines().all(|l| l.chars().count() <= 70),
        "wider than the window:\n{narrow}"
    );
    tmux.resize(150, 30);
    tmux.wait_screen("a redraw at 150 columns with the URLs", |s| {
        (1..=3).all(|id| line_of(s, &c.url(id)).is_some())
    });

    tmux.send_keys("q");
    let status = wait_for("top to exit after q", || {
        std::fs::read_to_string(&status_file)
            .ok()
            .filter(|s| s.ends_with('\n'))
    });
    assert_eq!(status.trim(), "0", "exit status of top");
    // The screen from before top came back, and the terminal is out of raw mode.
    let after = tmux.wait_screen("the shell's lines after top", |s| s.contains("top exited"));
    assert!(
        !after.contains("q quits"),
        "the alternate screen is still shown:\n{after}"
    );
    let after = tmux.wait_screen("the terminal's mode after top", |s| {
        s.lines().any(|l| l.trim().ends_with("icanon"))
    });
    assert!(
        after.lines().any(|l| l.trim() == "icanon"),
        "the terminal is still in raw mode:\n{after}"
    );
}

/// `raftctl top` with its standard output a pipe, killed when dropped.
struct Piped {
    child: Child,
}

impl Drop for Piped {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn piped(endpoints: &str, args: &[&str]) -> Piped {
    let child = Command::new(raftctl_bin())
        .args(["--endpoints", endpoints])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start raftctl top");
    Piped { child }
}

#[test]
fn top_into_a_pipe_prints_plain_refreshes_and_json_lines() {
    let mut c = Cluster::start(3);
    let leader = c.wait_leader();
    for i in 0..20 {
        let put = c.http.put(&c.url(leader), &format!("k{i}"), "v");
        assert_eq!(put.map(|r| r.status), Some(200));
    }

    // Plain: a summary line per refresh, then a table naming every member; it stops by
    // itself after -n refreshes, with exit 0.
    let mut top = piped(&c.url(leader), &["top", "-n", "3", "--interval", "300ms"]);
    let stdout = top.child.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .collect();
    let status = top.child.wait().expect("wait");
    assert!(status.success(), "{status:?}: {lines:?}");
    let text = lines.join("\n");
    let summaries: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("members answering"))
        .collect();
    assert_eq!(summaries.len(), 3, "{text}");
    assert!(
        summaries[2].contains(&format!("leader {leader}, term")),
        "{text}"
    );
    assert!(text.contains("ID") && text.contains("APPLY LAG"), "{text}");
    for id in 1..=3 {
        assert!(text.contains(&c.url(id)), "member {id} missing:\n{text}");
    }

    // JSON lines: one object per refresh; a killed member shows as down.
    let follower = (1..=3).find(|id| *id != leader).expect("a follower");
    c.node(follower).kill();
    let mut top = piped(
        &c.endpoints(),
        &["-o", "json", "top", "--interval", "200ms"],
    );
    let stdout = top.child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout).lines();
    let down = wait_for("a JSON line with the killed member down", || {
        let line = reader.next()?.ok()?;
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let members = v["members"].as_array()?.clone();
        let row = members.iter().find(|m| m["id"] == follower)?.clone();
        (row["state"] == "down" && v["leader"] == leader).then_some(row)
    });
    assert_eq!(down["url"], c.url(follower));
    assert!(
        down["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{down}"
    );

    // The reader goes away: top ends quietly with exit 0 at its next refresh.
    drop(reader);
    let status = wait_for("top to exit once its pipe closed", || {
        top.child.try_wait().ok().flatten()
    });
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    if let Some(mut e) = top.child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// The JSON lines of `raftctl top -n COUNT -o json` with these extra flags.
fn json_refreshes(endpoints: &str, flags: &[String], count: u32) -> Vec<Value> {
    let out = Command::new(raftctl_bin())
        .args(["--endpoints", endpoints, "-o", "json"])
        .args(flags)
        .args(["top", "--interval", "300ms", "-n", &count.to_string()])
        .stdin(Stdio::null())
        .output()
        .expect("run raftctl top");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn top_speaks_tls_with_the_clients_role_and_says_when_it_is_refused() {
    let c = Cluster::start_tls(3, &[]);
    let leader = c.wait_leader();
    let pki = c.pki();

    // A read-only client sees everything top shows, metrics included.
    let views = json_refreshes(&c.url(leader), &pki.client_args("reader"), 3);
    assert_eq!(views.len(), 3);
    let last = &views[2];
    assert_eq!(last["leader"], leader, "{last}");
    let members = last["members"].as_array().expect("members");
    assert_eq!(members.len(), 3, "{last}");
    for m in members {
        assert_eq!(m["state"], "up", "{m}");
        assert!(m.get("metrics_error").is_none(), "{m}");
        assert!(m["apply_lag"].is_u64(), "{m}");
        assert!(m["writes_per_sec"].is_number(), "{m}");
    }

    // Without a client certificate every member refuses, and top says why.
    let ca_only = vec!["--cacert".to_string(), pki.ca().display().to_string()];
    let views = json_refreshes(&c.url(leader), &ca_only, 1);
    let v = &views[0];
    let refused = v["members_error"].as_str().unwrap_or_default();
    assert!(refused.contains("--cert"), "{v}");
    let m = &v["members"][0];
    assert_eq!(m["state"], "down", "{v}");
    assert!(
        m["error"].as_str().is_some_and(|e| e.contains("--cert")),
        "{v}"
    );
}

#[test]
fn top_refuses_bad_flags_before_asking_anyone() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    silent.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    for (flags, says) in [
        (&["--interval", "10ms"][..], "at least 100ms"),
        (&["--interval", "2d"][..], "at most a day"),
        (&["--interval", "soon"][..], "expected a duration"),
        (&["-n", "0"][..], "COUNT"),
        (&["-n", "x"][..], "COUNT"),
    ] {
        let out = Command::new(raftctl_bin())
            .args(["--endpoints", &url, "top"])
            .args(flags)
            .stdin(Stdio::null())
            .output()
            .expect("run raftctl top");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(says), "{flags:?}: {err}");
        assert!(out.stdout.is_empty(), "{flags:?}");
    }
    assert!(
        matches!(silent.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "a refused command line connected to a member"
    );
    let out = Command::new(raftctl_bin())
        .args(["--endpoints", "ftp://127.0.0.1:1", "top", "-n", "1"])
        .stdin(Stdio::null())
        .output()
        .expect("run raftctl top");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not a valid endpoint URL"), "{err}");
}
