use super::inspect::inspect_at;
use super::*;
use std::os::unix::fs::PermissionsExt;

fn opts(days: u32) -> Options {
    Options {
        validity: Validity::days(days).expect("days"),
        force: false,
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

#[test]
fn a_ca_signs_members_and_clients_that_name_themselves() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ca_dir = tmp.path().join("ca");
    let ca = create_ca(&ca_dir, &opts(DEFAULT_CA_DAYS)).expect("ca");
    assert_eq!(mode(&ca_dir), 0o700);
    assert_eq!(mode(&ca.key), 0o600);
    assert_eq!(mode(&ca.cert), 0o644);

    let hosts = vec!["10.0.0.2".to_string(), "node-2.example".to_string()];
    let m = create_member(&ca_dir, &ca_dir, 2, &hosts, &opts(30)).expect("member");
    let seen = inspect(&m.cert, Some(&ca_dir)).expect("inspect");
    assert_eq!(seen.member_id, Some(2));
    assert_eq!(seen.hosts, hosts);
    assert_eq!(seen.subject, "CN=raftctl member 2");
    assert!(!seen.is_ca);
    assert_eq!(seen.fingerprint_sha256, m.fingerprint_sha256);
    // 30 days: valid, with a warning only.
    assert!(!seen.has_errors(), "{:?}", seen.problems);
    assert!(seen.problems[0].message.contains("expires within"));

    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let long = create_client(&ca_dir, &ca_dir, "long", Role::Read, &opts(4000)).expect("long");
    assert!(
        long.warnings[0].contains("outlives its CA"),
        "{:?}",
        long.warnings
    );

    let c = create_client(&ca_dir, &ca_dir, "ci", Role::Write, &opts(365)).expect("client");
    let seen = inspect(&c.cert, Some(&ca.cert)).expect("inspect");
    assert_eq!(seen.client_role, Some(Role::Write));
    assert_eq!(seen.client_name.as_deref(), Some("ci"));
    assert!(seen.problems.is_empty(), "{:?}", seen.problems);

    let seen = inspect(&ca.cert, Some(&ca.cert)).expect("inspect ca");
    assert!(
        seen.is_ca && seen.problems.is_empty(),
        "{:?}",
        seen.problems
    );
    assert!(seen.subject.starts_with("CN=raftctl CA "));
}

#[test]
fn another_ca_and_time_are_problems() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    create_ca(&a, &opts(10)).expect("ca a");
    create_ca(&b, &opts(10)).expect("ca b");
    let m = create_member(&a, &a, 1, &["localhost".into()], &opts(5)).expect("m");
    let seen = inspect(&m.cert, Some(&b)).expect("inspect");
    assert!(seen.has_errors());
    assert!(seen
        .problems
        .iter()
        .any(|p| p.message.contains("not signed by")));

    let later = OffsetDateTime::now_utc() + Duration::days(6);
    let seen = inspect_at(&m.cert, Some(&a), later).expect("inspect");
    assert!(seen
        .problems
        .iter()
        .any(|p| p.message.starts_with("expired")));
    let earlier = OffsetDateTime::now_utc() - Duration::hours(1);
    let seen = inspect_at(&m.cert, None, earlier).expect("inspect");
    assert!(seen.problems[0].message.starts_with("not yet valid"));
}

#[test]
fn files_are_never_overwritten_without_force() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let ca = create_ca(dir, &opts(10)).expect("ca");
    let before = std::fs::read(&ca.cert).expect("read");
    let err = create_ca(dir, &opts(10)).expect_err("refused");
    assert!(err.contains("already exists; pass --force"), "{err}");
    assert_eq!(std::fs::read(&ca.cert).expect("read"), before);

    let forced = Options {
        force: true,
        ..opts(10)
    };
    let again = create_ca(dir, &forced).expect("forced");
    assert!(again.replaced);
    assert_ne!(std::fs::read(&ca.cert).expect("read"), before);
    assert_eq!(mode(&ca.key), 0o600);
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_ca_key_of_another_ca_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    create_ca(&a, &opts(10)).expect("ca a");
    create_ca(&b, &opts(10)).expect("ca b");
    std::fs::copy(b.join(CA_KEY), a.join(CA_KEY)).expect("copy");
    let err = create_client(&a, &a, "x", Role::Read, &opts(1)).expect_err("mismatch");
    assert!(
        err.contains("does not belong to the CA certificate"),
        "{err}"
    );
    std::fs::write(a.join(CA_CERT), "garbage").expect("write");
    let err = create_client(&a, &a, "x", Role::Read, &opts(1)).expect_err("garbled");
    assert!(err.contains("ca.crt"), "{err}");
    let err = create_client(&tmp.path().join("none"), &a, "x", Role::Read, &opts(1))
        .expect_err("missing");
    assert!(err.contains("no CA at"), "{err}");
    assert!(!a.join("client-x.crt").exists());
}

#[test]
fn hosts_and_inputs_are_checked() {
    for good in ["localhost", "a-b.example.com", "10.1.2.3", "::1", "x1"] {
        assert!(check_host(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "-a",
        "a..b",
        "a_b",
        "10.0.0.300",
        "a b",
        "*.example",
        &"a".repeat(64),
    ] {
        assert!(check_host(bad).is_err(), "{bad}");
    }
    assert!(Validity::days(0).is_err());
    assert!(Validity::days(MAX_DAYS + 1).is_err());
    let tmp = tempfile::tempdir().expect("tmp");
    create_ca(tmp.path(), &opts(10)).expect("ca");
    let d = tmp.path();
    assert!(create_member(d, d, 0, &["h".into()], &opts(1)).is_err());
    assert!(create_member(d, d, 1, &[], &opts(1)).is_err());
    assert!(create_client(d, d, "a/b", Role::Read, &opts(1)).is_err());
    assert!(!d.join("member-0.crt").exists());
}

#[test]
fn a_file_made_meanwhile_is_not_overwritten() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("x.crt");
    std::fs::write(&path, "theirs").expect("write");
    let err = put_file(&path, b"ours", 0o644, false).expect_err("exists");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), b"theirs");
    put_file(&path, b"ours", 0o600, true).expect("replace");
    assert_eq!(std::fs::read(&path).expect("read"), b"ours");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_dir(tmp.path()).expect("ls").count(), 1);
}

#[test]
fn an_expired_ca_signs_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let now = OffsetDateTime::now_utc();
    let past = Options {
        validity: Validity {
            not_before: now - Duration::days(3),
            not_after: now - Duration::days(1),
        },
        force: false,
    };
    create_ca(tmp.path(), &past).expect("ca");
    let err =
        create_client(tmp.path(), tmp.path(), "x", Role::Read, &opts(1)).expect_err("expired CA");
    assert!(err.contains("the CA expired on"), "{err}");
}

#[test]
fn a_key_file_is_named_as_such() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ca = create_ca(tmp.path(), &opts(10)).expect("ca");
    let err = inspect(&ca.key, None).expect_err("key");
    assert!(err.contains("holds a private key"), "{err}");
}
