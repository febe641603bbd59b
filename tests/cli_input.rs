//! Command-line input refused before anything is sent: a snapshot destination that
//! cannot be written, timeouts too short to send a request, ids JSON cannot carry.

mod bin_util;

use std::net::TcpListener;
use std::process::Output;

use assert_cmd::Command;
use bin_util::raftctl_bin;

fn raftctl(args: &[&str]) -> Output {
    Command::new(raftctl_bin())
        .env_remove("RAFTCTL_ENDPOINTS")
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A listener that counts nothing but whether anyone connected.
fn silent_member() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    (l, url)
}

fn nobody_connected(l: &TcpListener) -> bool {
    matches!(l.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[test]
fn snapshot_save_checks_the_destination_before_asking_the_cluster() {
    let tmp = tempfile::tempdir().unwrap();
    let (l, url) = silent_member();
    let missing = tmp.path().join("no/such/dir/x.snap");
    let out = raftctl(&[
        "--endpoints",
        &url,
        "snapshot",
        "save",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(nobody_connected(&l));

    let out = raftctl(&[
        "--endpoints",
        &url,
        "snapshot",
        "save",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    assert!(nobody_connected(&l));
}

#[test]
fn timeouts_below_a_millisecond_are_usage_errors() {
    for t in ["0", "0s", "1ns", "500us"] {
        let out = raftctl(&[
            "--timeout",
            t,
            "--endpoints",
            "http://127.0.0.1:9",
            "status",
        ]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--timeout {t}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("at least 1ms"), "{}", stderr(&out));
    }
}

#[test]
fn serve_ids_are_below_2_pow_53() {
    let out = raftctl(&["serve", "--id", &(1u64 << 53).to_string()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let help = raftctl(&["serve", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("from 1 to 2^53-1"));
}
