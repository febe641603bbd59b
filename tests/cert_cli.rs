//! `raftctl cert ...` through the real binary, in temporary directories: the files it
//! writes, what `inspect` says about them, refusals that leave files alone, usage errors,
//! tokens, and a TLS handshake in both directions with the certificates it made.

mod bin_util;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use bin_util::raftctl_bin;
use raftctl::tls::cert::{self, Options, Validity};
use raftctl::tls::tokens::Tokens;
use raftctl::tls::{pem, Identity, Role};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn raftctl(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(raftctl_bin())
        .current_dir(dir)
        .env_remove("RAFTCTL_ENDPOINTS")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "stdout:\n{}stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Exit `code` with exactly one error line on stderr (clap may add an indented list of
    /// possible values, and a hint after a blank line).
    fn fails(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}stderr:\n{}",
            self.stdout,
            self.stderr
        );
        let first = self.stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: "), "{}", self.stderr);
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .take_while(|l| !l.is_empty())
            .filter(|l| !l.starts_with("  "))
            .collect();
        assert_eq!(lines.len(), 1, "more than one line: {}", self.stderr);
        self
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file under `dir` with its bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// A CA in `tmp/pki` and member 2's certificate for 127.0.0.1 and localhost.
fn ca_and_member(tmp: &Path) {
    raftctl(tmp, &["cert", "create-ca", "pki"]).ok();
    raftctl(
        tmp,
        &[
            "cert",
            "create-member",
            "--id",
            "2",
            "--host",
            "127.0.0.1,localhost",
            "--ca",
            "pki",
        ],
    )
    .ok();
}

#[test]
fn a_member_certificate_is_inspected_with_its_id_hosts_and_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let run = raftctl(t, &["cert", "create-ca", "pki"]).ok();
    assert!(
        run.stdout.contains("wrote pki/ca.crt and pki/ca.key"),
        "{}",
        run.stdout
    );
    assert_eq!(mode(&t.join("pki")), 0o700);
    assert_eq!(mode(&t.join("pki/ca.key")), 0o600);
    assert_eq!(mode(&t.join("pki/ca.crt")), 0o644);

    let run = raftctl(
        t,
        &[
            "cert",
            "create-member",
            "--id",
            "2",
            "--host",
            "127.0.0.1",
            "--host",
            "node2.example",
            "--ca",
            "pki",
        ],
    )
    .ok();
    assert!(
        run.stdout
            .contains("--cacert pki/ca.crt --cert pki/member-2.crt --key pki/member-2.key"),
        "{}",
        run.stdout
    );
    assert_eq!(mode(&t.join("pki/member-2.key")), 0o600);
    assert_eq!(mode(&t.join("pki/member-2.crt")), 0o644);

    let run = raftctl(t, &["cert", "inspect", "pki/member-2.crt", "--ca", "pki"]).ok();
    let der = &pem::certificates(&t.join("pki/member-2.crt")).unwrap()[0];
    let fingerprint = cert::fingerprint(der);
    for want in [
        " identity    member 2",
        " hosts       127.0.0.1,node2.example",
        " subject     CN=raftctl member 2",
        " signed by   pki/ca.crt (verified)",
        " ca          no",
        &format!(" sha256      {fingerprint}"),
    ] {
        assert!(run.stdout.contains(want), "{want:?} not in\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("problem"), "{}", run.stdout);

    let run = raftctl(
        t,
        &[
            "-o",
            "json",
            "cert",
            "inspect",
            "pki/member-2.crt",
            "--ca",
            "pki/ca.crt",
        ],
    )
    .ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["member_id"], 2);
    assert_eq!(
        json["hosts"],
        serde_json::json!(["127.0.0.1", "node2.example"])
    );
    assert_eq!(json["fingerprint_sha256"], fingerprint.as_str());
    assert_eq!(json["problems"], serde_json::json!([]));
    assert_eq!(json["is_ca"], false);
}

#[test]
fn another_ca_is_named_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ca_and_member(t);
    raftctl(t, &["cert", "create-ca", "other"]).ok();
    let run = raftctl(t, &["cert", "inspect", "pki/member-2.crt", "--ca", "other"]).fails(1);
    assert!(
        run.stdout.contains("not signed by the CA in other/ca.crt"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("not signed by"), "{}", run.stderr);
}

#[test]
fn an_expired_certificate_fails_inspection() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    raftctl(t, &["cert", "create-ca", "pki"]).ok();
    let now = time::OffsetDateTime::now_utc();
    let opts = Options {
        validity: Validity {
            not_before: now - time::Duration::days(10),
            not_after: now - time::Duration::days(1),
        },
        force: false,
    };
    let pki = t.join("pki");
    cert::create_member(&pki, &pki, 3, &["localhost".into()], &opts).unwrap();
    let run = raftctl(t, &["cert", "inspect", "pki/member-3.crt", "--ca", "pki"]).fails(1);
    assert!(
        run.stdout.contains("problem     expired on"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("expired on"), "{}", run.stderr);
}

#[test]
fn existing_files_are_kept_without_force_and_replaced_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ca_and_member(t);
    let pki = t.join("pki");
    let before = snapshot(&pki);
    let member = [
        "cert",
        "create-member",
        "--id",
        "2",
        "--host",
        "localhost",
        "--ca",
        "pki",
    ];
    let run = raftctl(t, &member).fails(1);
    assert!(
        run.stderr
            .contains("pki/member-2.key already exists; pass --force to replace it"),
        "{}",
        run.stderr
    );
    let run = raftctl(t, &["cert", "create-ca", "pki"]).fails(1);
    assert!(
        run.stderr.contains("already exists; pass --force"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&pki), before, "a refused command changed files");

    let mut forced = member.to_vec();
    forced.push("--force");
    let run = raftctl(t, &forced).ok();
    assert!(run.stdout.starts_with("replaced "), "{}", run.stdout);
    let after = snapshot(&pki);
    assert_eq!(after.len(), before.len(), "temporary files left: {after:?}");
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        let changed = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("member-2");
        assert_eq!(old != new, changed, "{}", path.display());
    }
    assert_eq!(mode(&pki.join("member-2.key")), 0o600);
    // The new pair belongs together and names only localhost now.
    pem::certified_key(&pki.join("member-2.crt"), &pki.join("member-2.key")).unwrap();
    let run = raftctl(t, &["cert", "inspect", "pki/member-2.crt", "--ca", "pki"]).ok();
    assert!(
        run.stdout.contains(" hosts       localhost\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_client_certificate_carries_its_role_into_another_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    raftctl(t, &["cert", "create-ca", "pki"]).ok();
    let run = raftctl(
        t,
        &[
            "cert",
            "create-client",
            "--name",
            "ci-bot",
            "--role",
            "write",
            "--ca",
            "pki",
            "--out",
            "clients",
            "--days",
            "90",
        ],
    )
    .ok();
    assert!(
        run.stdout.contains(
            "--cacert pki/ca.crt --cert clients/client-ci-bot.crt --key clients/client-ci-bot.key"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(mode(&t.join("clients/client-ci-bot.key")), 0o600);
    let run = raftctl(
        t,
        &[
            "cert",
            "inspect",
            "clients/client-ci-bot.crt",
            "--ca",
            "pki",
        ],
    )
    .ok();
    assert!(
        run.stdout
            .contains(r#" identity    client "ci-bot" (write)"#),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(" hosts       -"), "{}", run.stdout);
    let der = &pem::certificates(&t.join("clients/client-ci-bot.crt")).unwrap()[0];
    assert_eq!(
        Identity::of_certificate(der).unwrap(),
        Some(Identity::Client {
            role: Role::Write,
            name: "ci-bot".into()
        })
    );
}

#[test]
fn bad_input_is_one_line_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    raftctl(t, &["cert", "create-ca", "pki"]).ok();
    let before = snapshot(&t.join("pki"));
    let client = |name: &str, role: &str, ca: &str| {
        raftctl(
            t,
            &[
                "cert",
                "create-client",
                "--name",
                name,
                "--role",
                role,
                "--ca",
                ca,
            ],
        )
    };
    let member = |id: &str, host: &str, extra: &[&str]| {
        let mut args = vec![
            "cert",
            "create-member",
            "--id",
            id,
            "--host",
            host,
            "--ca",
            "pki",
        ];
        args.extend_from_slice(extra);
        raftctl(t, &args)
    };
    let cases = [
        (member("0", "localhost", &[]), "--id"),
        (member("2", "bad_host", &[]), "--host"),
        (member("2", "localhost", &["--days", "0"]), "--days"),
        (member("2", "localhost", &["--days", "36501"]), "--days"),
        (client("a b", "read", "pki"), "--name"),
        (client("ops", "root", "pki"), "--role"),
        (client("ops", "read", "missing"), "--ca missing: no ca.crt"),
        (client("ops", "read", "pki/ca.crt"), "not a file"),
    ];
    for (run, want) in cases {
        let run = run.fails(2);
        assert!(run.stderr.contains(want), "{want:?} not in {}", run.stderr);
    }
    assert_eq!(snapshot(&t.join("pki")), before);
    assert!(!t.join("missing").exists());

    let run = raftctl(t, &["cert", "inspect", "pki/ca.key"]).fails(1);
    assert!(
        run.stderr
            .contains("holds a private key, not a certificate"),
        "{}",
        run.stderr
    );
    let run = raftctl(t, &["cert", "inspect", "nothing.crt"]).fails(1);
    assert!(run.stderr.contains("nothing.crt"), "{}", run.stderr);
}

#[test]
fn a_token_is_printed_once_and_only_its_hash_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let args = [
        "cert",
        "create-token",
        "--name",
        "ci",
        "--role",
        "write",
        "--tokens",
        "tokens",
    ];
    let run = raftctl(t, &args).ok();
    let token = run.stdout.trim().to_string();
    assert!(
        token.starts_with("rctl_") && !token.contains('\n'),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("only the token's SHA-256 is stored"),
        "{}",
        run.stderr
    );
    let path = t.join("tokens");
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(&token), "{text}");
    assert!(text.starts_with("write ci sha256:"), "{text}");

    let before = std::fs::read(&path).unwrap();
    let run = raftctl(t, &args).fails(1);
    assert!(
        run.stderr.contains("already has a token named \"ci\""),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let run = raftctl(
        t,
        &[
            "-o",
            "json",
            "cert",
            "create-token",
            "--name",
            "ops",
            "--role",
            "admin",
            "--tokens",
            "tokens",
        ],
    )
    .ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ops = json["token"].as_str().unwrap().to_string();

    let tokens = Tokens::load(&path).unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens.check(&token), Some((Role::Write, "ci")));
    assert_eq!(tokens.check(&ops), Some((Role::Admin, "ops")));
    let mut wrong = token.clone();
    wrong.pop();
    wrong.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(tokens.check(&wrong), None);
    assert_eq!(tokens.check(""), None);
}

/// Runs a TLS handshake between the two ends in memory; the server's view of the
/// client's certificate, or the first error.
fn handshake(
    client: Arc<rustls::ClientConfig>,
    server: Arc<rustls::ServerConfig>,
    name: &str,
) -> Result<Option<Identity>, String> {
    let name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
    let mut c = rustls::ClientConnection::new(client, name).unwrap();
    let mut s = rustls::ServerConnection::new(server).unwrap();
    for _ in 0..20 {
        if !c.is_handshaking() && !s.is_handshaking() {
            let der = &s.peer_certificates().ok_or("no client certificate")?[0];
            return Identity::of_certificate(der);
        }
        let mut buf = Vec::new();
        c.write_tls(&mut buf).unwrap();
        s.read_tls(&mut buf.as_slice()).unwrap();
        s.process_new_packets()
            .map_err(|e| format!("server: {e}"))?;
        let mut buf = Vec::new();
        s.write_tls(&mut buf).unwrap();
        c.read_tls(&mut buf.as_slice()).unwrap();
        c.process_new_packets()
            .map_err(|e| format!("client: {e}"))?;
    }
    Err("the handshake did not finish".into())
}

fn server_config(ca: &Path, cert: &Path, key: &Path) -> Arc<rustls::ServerConfig> {
    let provider = raftctl::tls::provider();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        pem::roots(ca).unwrap(),
        provider.clone(),
    )
    .build()
    .unwrap();
    let resolver = rustls::sign::SingleCertAndKey::from(pem::certified_key(cert, key).unwrap());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(resolver)),
    )
}

fn client_config(ca: &Path, cert: &Path, key: &Path) -> Arc<rustls::ClientConfig> {
    let provider = raftctl::tls::provider();
    let certified = pem::certified_key(cert, key).unwrap();
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(pem::roots(ca).unwrap())
            .with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified))),
    )
}

#[test]
fn rustls_accepts_the_certificates_as_server_and_client() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ca_and_member(t);
    raftctl(
        t,
        &[
            "cert",
            "create-member",
            "--id",
            "1",
            "--host",
            "127.0.0.1",
            "--ca",
            "pki",
        ],
    )
    .ok();
    raftctl(
        t,
        &[
            "cert",
            "create-client",
            "--name",
            "ops",
            "--role",
            "admin",
            "--ca",
            "pki",
        ],
    )
    .ok();
    raftctl(t, &["cert", "create-ca", "other"]).ok();
    raftctl(
        t,
        &[
            "cert",
            "create-client",
            "--name",
            "eve",
            "--role",
            "admin",
            "--ca",
            "other",
        ],
    )
    .ok();
    let p = |name: &str| t.join(name);
    let ca = p("pki/ca.crt");
    let server = server_config(&ca, &p("pki/member-2.crt"), &p("pki/member-2.key"));

    // Member 1 dials member 2 by IP address and by DNS name, as a peer.
    let peer = client_config(&ca, &p("pki/member-1.crt"), &p("pki/member-1.key"));
    for host in ["127.0.0.1", "localhost"] {
        assert_eq!(
            handshake(peer.clone(), server.clone(), host),
            Ok(Some(Identity::Member(1))),
            "{host}"
        );
    }
    // A client certificate is accepted as a client and names its role.
    let ops = client_config(&ca, &p("pki/client-ops.crt"), &p("pki/client-ops.key"));
    assert_eq!(
        handshake(ops.clone(), server.clone(), "localhost"),
        Ok(Some(Identity::Client {
            role: Role::Admin,
            name: "ops".into()
        }))
    );
    // A host the certificate does not name, a client of another CA, and a client
    // certificate used as a server certificate are all refused.
    let err = handshake(peer.clone(), server.clone(), "node9.example").unwrap_err();
    assert!(err.starts_with("client:"), "{err}");
    let eve = client_config(&ca, &p("other/client-eve.crt"), &p("other/client-eve.key"));
    let err = handshake(eve, server.clone(), "localhost").unwrap_err();
    assert!(err.starts_with("server:"), "{err}");
    let wrong_server = server_config(&ca, &p("pki/client-ops.crt"), &p("pki/client-ops.key"));
    assert!(handshake(peer, wrong_server, "localhost").is_err());
}
