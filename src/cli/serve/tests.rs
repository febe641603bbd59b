//! Tests of `raftctl serve`'s flags and the settings they make.

use super::*;
use crate::cli::Cli;
use clap::Parser;

fn settings(args: &[&str]) -> CliResult<ServeSettings> {
    let mut argv = vec!["raftctl", "serve"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).expect("flags parse");
    match cli.command {
        crate::cli::Command::Serve(a) => ServeSettings::from_args(&a, &cli.global),
        _ => unreachable!("serve parses as serve"),
    }
}

#[test]
fn defaults_are_the_dev_cluster() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.node.id, 1);
    assert_eq!(s.node.advertise, "http://127.0.0.1:7001");
    assert_eq!(s.initial_cluster, None);
    assert!(s.node.pre_vote && s.node.check_quorum);
}

#[test]
fn peers_apart_advertise_their_own_url_to_the_membership() {
    let s = settings(&[
        "--peer-listen",
        "127.0.0.1:7101",
        "--initial-cluster",
        "1=http://127.0.0.1:7101,2=http://127.0.0.1:7102",
    ])
    .unwrap();
    assert_eq!(s.node.advertise, "http://127.0.0.1:7101");
    assert_eq!(s.client_url, "http://127.0.0.1:7001");
    assert_eq!(s.peer_listen, Some("127.0.0.1:7101".parse().unwrap()));

    // The membership lists peer URLs: the client URL there is a mistake.
    let e = settings(&[
        "--peer-listen",
        "127.0.0.1:7101",
        "--initial-cluster",
        "1=http://127.0.0.1:7001,2=http://127.0.0.1:7102",
    ])
    .unwrap_err();
    assert!(e.message.contains("--advertise-peer"), "{e}");

    let e = settings(&["--peer-listen", "127.0.0.1:7001"]).unwrap_err();
    assert!(e.message.contains("is the --listen address"), "{e}");
    let e = settings(&["--peer-listen", "nowhere"]).unwrap_err();
    assert!(e.message.starts_with("--peer-listen \"nowhere\""), "{e}");
    let e = settings(&["--peer-listen", "0.0.0.0:7101"]).unwrap_err();
    assert!(
        e.message
            .contains("--peer-listen 0.0.0.0:7101 is not a loopback"),
        "{e}"
    );
    let e = settings(&["--peer-listen", "0.0.0.0:7101", "--insecure-plaintext"]).unwrap_err();
    assert!(e.message.contains("give --advertise-peer URL too"), "{e}");
    let e = settings(&[
        "--peer-listen",
        "127.0.0.1:7101",
        "--advertise-peer",
        "http://127.0.0.1:7001",
    ])
    .unwrap_err();
    assert!(
        e.message.contains("peers and clients need different URLs"),
        "{e}"
    );
    let e = settings(&[
        "--peer-listen",
        "127.0.0.1:7101",
        "--advertise-peer",
        "https://127.0.0.1:7101",
    ])
    .unwrap_err();
    assert!(e.message.contains("reached at http://"), "{e}");
    assert!(
        Cli::try_parse_from(["raftctl", "serve", "--advertise-peer", "http://h:1"]).is_err(),
        "--advertise-peer needs --peer-listen"
    );
}

#[test]
fn initial_cluster_must_list_this_member_at_its_url() {
    let ok = settings(&[
        "--initial-cluster",
        "1=http://127.0.0.1:7001,2=http://127.0.0.1:7002/",
    ])
    .unwrap();
    assert_eq!(
        ok.initial_cluster.unwrap().url(2).map(ToString::to_string),
        Some("http://127.0.0.1:7002".to_string())
    );
    let e = settings(&[
        "--id",
        "3",
        "--listen",
        "127.0.0.1:7003",
        "--initial-cluster",
        "1=http://127.0.0.1:7001",
    ])
    .unwrap_err();
    assert!(e.message.contains("--id 3 is not listed"), "{e}");
    let e = settings(&["--initial-cluster", "1=http://127.0.0.1:9999"]).unwrap_err();
    assert!(e.message.contains("advertises"), "{e}");
}

#[test]
fn bad_initial_clusters_are_usage_errors_naming_the_flag() {
    // What each mistake says is tested with the parser, in member_url.rs.
    for text in [
        "",
        "1",
        "0=http://a:1",
        "1=http://a:1,1=http://b:1",
        "1=a:1",
    ] {
        let e = settings(&["--initial-cluster", text]).unwrap_err();
        assert_eq!(e.code, crate::cli::ExitCode::Usage, "{text:?}: {e}");
        assert!(
            e.message.starts_with("--initial-cluster: "),
            "{text:?}: {e}"
        );
    }
}

#[test]
fn other_flags_are_checked() {
    assert!(settings(&["--listen", "nowhere"]).is_err());
    assert!(settings(&["--listen", "0.0.0.0:7001"]).is_err());
    let e = settings(&[
        "--listen",
        "0.0.0.0:7001",
        "--advertise",
        "http://10.0.0.1:7001",
    ])
    .unwrap_err();
    assert!(e.message.contains("--insecure-plaintext"), "{e}");
    assert!(settings(&[
        "--listen",
        "0.0.0.0:7001",
        "--advertise",
        "http://10.0.0.1:7001",
        "--insecure-plaintext"
    ])
    .is_ok());
    assert!(settings(&["--election-ticks", "3", "--heartbeat-ticks", "3"]).is_err());
    assert!(settings(&["--join", "not a url"]).is_err());
}

#[test]
fn tls_flags_come_together_and_set_the_scheme() {
    let tls = ["--cacert", "ca.crt", "--cert", "m.crt", "--key", "m.key"];
    let s = settings(&tls).unwrap();
    assert_eq!(s.node.advertise, "https://127.0.0.1:7001");
    assert!(s.tls.is_some());
    let e = settings(&["--cert", "m.crt"]).unwrap_err();
    assert!(e.message.contains("missing --cacert and --key"), "{e}");
    let mut with = tls.to_vec();
    with.extend(["--advertise", "http://127.0.0.1:7001"]);
    assert!(settings(&with).unwrap_err().message.contains("https://"));
    let mut with = tls.to_vec();
    with.extend(["--insecure-plaintext"]);
    assert!(settings(&with).is_err());
    let mut with = tls.to_vec();
    with.extend([
        "--initial-cluster",
        "1=https://127.0.0.1:7001,2=http://127.0.0.1:7002",
    ]);
    let e = settings(&with).unwrap_err();
    assert!(e.message.contains("member 2"), "{e}");
    assert!(settings(&["--revoked", "r.txt"]).is_err());
}

#[test]
fn open_routes_are_named() {
    assert_eq!(
        parse_public("health"),
        Ok(Public {
            health: true,
            metrics: false
        })
    );
    assert_eq!(
        parse_public("health,metrics"),
        Ok(Public {
            health: true,
            metrics: true
        })
    );
    assert_eq!(parse_public("none"), Ok(Public::default()));
    assert!(parse_public("kv").is_err());
    assert!(parse_public("none,health").is_err());
}

#[test]
fn the_same_member_list_gives_the_same_cluster_id() {
    let urls = |text: &str| InitialCluster::parse(text).unwrap().to_urls();
    let a = urls("1=http://a:1,2=http://b:2");
    let b = urls("2=http://b:2/, 1=http://a:1");
    let c = urls("1=http://a:1,2=http://b:3");
    assert_eq!(cluster_id_for(&a), cluster_id_for(&b));
    assert_ne!(cluster_id_for(&a), cluster_id_for(&c));
}
