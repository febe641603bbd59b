//! The TLS flags on the command line: refused before anything is sent when they cannot
//! work, with one line and the exit code of other connection errors.

mod bin_util;

use std::net::TcpListener;
use std::process::Output;

use assert_cmd::Command;
use bin_util::raftctl_bin;

fn raftctl(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(raftctl_bin());
    for name in [
        "RAFTCTL_ENDPOINTS",
        "RAFTCTL_CACERT",
        "RAFTCTL_CERT",
        "RAFTCTL_KEY",
        "RAFTCTL_TOKEN",
    ] {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied()).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn https_without_a_ca_is_one_line_and_exits_like_a_connection_error() {
    let port = closed_port();
    let url = format!("https://127.0.0.1:{port}");
    let out = raftctl(&["kv", "get", "k", "--endpoints", &url], &[]);
    assert_eq!(
        stderr(&out),
        format!(
            "error: {url} needs --cacert (or RAFTCTL_CACERT): the CA that signed the members' \
             certificates\n"
        )
    );
    let unreachable = raftctl(
        &[
            "kv",
            "get",
            "k",
            "--endpoints",
            &format!("http://127.0.0.1:{port}"),
        ],
        &[],
    );
    assert!(stderr(&unreachable).contains("connection refused"));
    assert_eq!(out.status.code(), unreachable.status.code());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn tls_files_that_cannot_be_used_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("ca.crt");
    let url = format!("https://127.0.0.1:{}", closed_port());
    let out = raftctl(
        &["kv", "get", "k", "--endpoints", &url],
        &[("RAFTCTL_CACERT", missing.to_str().unwrap())],
    );
    let err = stderr(&out);
    assert!(
        err.starts_with("error: --cacert: cannot read certificate file "),
        "{err}"
    );
    assert!(err.contains("ca.crt") && err.lines().count() == 1, "{err}");
    assert_eq!(out.status.code(), Some(1));

    let out = raftctl(&["--cert", "me.crt", "status", "--endpoints", &url], &[]);
    assert_eq!(
        stderr(&out),
        "error: --cert me.crt needs --key: the private key of that certificate\n"
    );
}

#[test]
fn help_names_the_tls_flags_and_hides_the_token() {
    let out = raftctl(
        &["kv", "get", "--help"],
        &[("RAFTCTL_TOKEN", "s3cret-value")],
    );
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--cacert <FILE>",
        "--cert <FILE>",
        "--key <FILE>",
        "--token <TOKEN>",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(help.contains("RAFTCTL_TOKEN"), "{help}");
    assert!(!help.contains("s3cret-value"), "{help}");
}
