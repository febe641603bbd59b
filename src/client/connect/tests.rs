//! A small TLS server on 127.0.0.1:0 with certificates made here, against the real
//! client: each way TLS can be set up wrong gives its one line.

use std::path::Path;
use std::sync::Mutex;

use bytes::Bytes;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use rustls::server::WebPkiClientVerifier;
use rustls::{HandshakeKind, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::*;
use crate::client::{Client, ClientError};

struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
    /// ca.crt in the test's temp dir.
    path: PathBuf,
}

/// A certificate and key written as PEM files.
struct Leaf {
    cert: PathBuf,
    key: PathBuf,
}

fn ca(dir: &Path, name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let path = dir.join(format!("{name}.crt"));
    std::fs::write(&path, issuer.pem()).unwrap();
    Ca { issuer, path }
}

fn leaf(ca: &Ca, dir: &Path, name: &str, sans: &[&str], expired: bool, client: bool) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params = if client {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.subject_alt_names = vec![SanType::URI(sans[0].try_into().unwrap())];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        p
    } else {
        let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
        let mut p = CertificateParams::new(sans).unwrap();
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p
    };
    params.distinguished_name.push(DnType::CommonName, name);
    if expired {
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        params.not_after = rcgen::date_time_ymd(2001, 1, 1);
    }
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    let leaf = Leaf {
        cert: dir.join(format!("{name}.crt")),
        key: dir.join(format!("{name}.key")),
    };
    std::fs::write(&leaf.cert, cert.pem()).unwrap();
    std::fs::write(&leaf.key, key.serialize_pem()).unwrap();
    leaf
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    /// The client's certificate chain, when it presented one.
    client_cert: Option<Vec<u8>>,
    handshake: Option<HandshakeKind>,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<Mutex<usize>>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Client auth of the test server.
enum ClientAuth {
    None,
    Optional,
    Required,
}

/// A TLS server answering every `GET` with the value `hello` at index 7, for as long
/// as the connection stays open.
async fn tls_server(ca: &Ca, leaf: &Leaf, auth: ClientAuth) -> Server {
    let builder = ServerConfig::builder_with_provider(tls::provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let roots = tls::pem::roots(&ca.path).unwrap();
    let verifier = || WebPkiClientVerifier::builder_with_provider(roots.clone(), tls::provider());
    let builder = match auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Optional => {
            builder.with_client_cert_verifier(verifier().allow_unauthenticated().build().unwrap())
        }
        ClientAuth::Required => builder.with_client_cert_verifier(verifier().build().unwrap()),
    };
    let config = builder
        .with_single_cert(
            tls::pem::certificates(&leaf.cert).unwrap(),
            tls::pem::private_key(&leaf.key).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(Mutex::new(0));
    let (seen2, connections2) = (seen.clone(), connections.clone());
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            *connections2.lock().unwrap() += 1;
            let acceptor = acceptor.clone();
            let seen = seen2.clone();
            tokio::spawn(async move {
                let Ok(mut s) = acceptor.accept(tcp).await else {
                    return;
                };
                let (_, conn) = s.get_ref();
                let client_cert = conn
                    .peer_certificates()
                    .and_then(|c| c.first())
                    .map(|c| c.to_vec());
                let handshake = conn.handshake_kind();
                while let Some(head) = read_head(&mut s).await {
                    seen.lock().unwrap().push(Seen {
                        head,
                        client_cert: client_cert.clone(),
                        handshake,
                    });
                    let answer = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\
                                  x-raft-index: 7\r\n\r\nhello";
                    if s.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Server {
        url,
        seen,
        connections,
        task,
    }
}

/// A plain TCP server that answers whatever arrives with `answer`, then closes.
async fn plain_server(answer: String) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(answer.as_bytes()).await;
            let _ = s.shutdown().await;
        }
    });
    (addr.to_string(), task)
}

/// One request head, `None` at the end of the connection.
async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte).await {
            Ok(1) => buf.push(byte[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn client(url: &str, tls: &TlsOptions, token: Option<&str>) -> Client {
    Client::new(&[url.to_string()], Duration::from_secs(3), tls, token).unwrap()
}

fn options(ca: &Ca, client_cert: Option<&Leaf>) -> TlsOptions {
    TlsOptions {
        cacert: Some(ca.path.clone()),
        cert: client_cert.map(|l| l.cert.clone()),
        key: client_cert.map(|l| l.key.clone()),
    }
}

/// The one line of a failed `kv get`.
async fn get_error(c: &Client) -> String {
    match c.get("k", false).await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn a_request_over_tls_with_a_token_and_resumed_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
    let server = tls_server(&ca, &member, ClientAuth::Optional).await;
    let c = client(&server.url, &options(&ca, None), Some("s3cret"));
    assert!(!format!("{c:?}").contains("s3cret"));
    for _ in 0..2 {
        let got = c.get("k", false).await.unwrap().unwrap();
        assert_eq!((got.value, got.index), (Bytes::from_static(b"hello"), 7));
    }
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let head = seen[0].head.to_ascii_lowercase();
    assert!(head.starts_with("get /v1/kv/k http/1.1\r\n"), "{head}");
    assert!(
        head.contains("\r\nauthorization: bearer s3cret\r\n"),
        "{head}"
    );
    assert!(head.contains(&format!("\r\nhost: {}\r\n", &server.url[8..])));
    assert!(seen[0].client_cert.is_none());
    // One config for the client's life: the second connection resumes the session.
    assert_eq!(seen[0].handshake, Some(HandshakeKind::Full));
    assert_eq!(seen[1].handshake, Some(HandshakeKind::Resumed));
}

#[tokio::test]
async fn mutual_tls_presents_the_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
    let alice = leaf(
        &ca,
        dir.path(),
        "alice",
        &["urn:raftctl:client:admin:alice"],
        false,
        true,
    );
    let server = tls_server(&ca, &member, ClientAuth::Required).await;
    let c = client(&server.url, &options(&ca, Some(&alice)), None);
    c.get("k", false).await.unwrap().unwrap();
    let presented = server.seen.lock().unwrap()[0].client_cert.clone();
    let expected = tls::pem::certificates(&alice.cert).unwrap()[0].to_vec();
    assert_eq!(presented, Some(expected));
}

#[tokio::test]
async fn a_member_that_requires_a_client_certificate_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let other = self::ca(dir.path(), "other-ca");
    let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
    let server = tls_server(&ca, &member, ClientAuth::Required).await;
    let url = &server.url;

    let c = client(url, &options(&ca, None), None);
    assert_eq!(
        get_error(&c).await,
        format!("{url} requires a client certificate: use --cert/--key (or --token)")
    );

    let mallory = leaf(
        &other,
        dir.path(),
        "mallory",
        &["urn:raftctl:client:admin:mallory"],
        false,
        true,
    );
    let c = client(url, &options(&ca, Some(&mallory)), None);
    let err = get_error(&c).await;
    assert!(
        err.starts_with(&format!("{url} refused this client's certificate (")),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");
}

#[tokio::test]
async fn member_certificates_that_do_not_check_out_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let other = self::ca(dir.path(), "other-ca");
    let cases = [
        (
            leaf(&other, dir.path(), "foreign", &["127.0.0.1"], false, false),
            "is not signed by the CA in",
        ),
        (
            leaf(&ca, dir.path(), "expired", &["127.0.0.1"], true, false),
            "has expired (valid until 2001-01-01T00:00:00Z)",
        ),
        (
            leaf(
                &ca,
                dir.path(),
                "elsewhere",
                &["node9.example"],
                false,
                false,
            ),
            "is not valid for host 127.0.0.1",
        ),
    ];
    for (member, why) in cases {
        let server = tls_server(&ca, &member, ClientAuth::None).await;
        let c = client(&server.url, &options(&ca, None), None);
        let err = get_error(&c).await;
        let mut expected = format!("the certificate of {} {why}", server.url);
        if why.ends_with("CA in") {
            expected = format!("{expected} {}", ca.path.display());
        }
        assert_eq!(err, expected);
        assert!(server.seen.lock().unwrap().is_empty());
    }
}

#[tokio::test]
async fn tls_on_one_side_only_says_which_scheme_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);

    // http:// to a member that speaks TLS: its alert record gives it away.
    let server = tls_server(&ca, &member, ClientAuth::None).await;
    let plain_url = server.url.replace("https://", "http://");
    let c = client(&plain_url, &options(&ca, None), None);
    assert_eq!(
        get_error(&c).await,
        format!("{plain_url} speaks TLS: use {}", server.url)
    );

    // ... or its plain-HTTP advice to use https://.
    let body =
        r#"{"error":{"code":"bad_request","message":"this member speaks TLS: use https://"}}"#;
    let (addr, task) = plain_server(format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ))
    .await;
    let c = client(&format!("http://{addr}"), &TlsOptions::default(), None);
    assert_eq!(
        get_error(&c).await,
        format!("http://{addr} speaks TLS: use https://{addr}")
    );

    // https:// to a member that speaks plain HTTP.
    let c = client(&format!("https://{addr}"), &options(&ca, None), None);
    assert_eq!(
        get_error(&c).await,
        format!("https://{addr} does not speak TLS: use http://{addr}")
    );
    task.abort();
}

#[tokio::test]
async fn bench_keeps_one_tls_connection_per_client_and_sends_the_token() {
    use crate::bench::{self, BenchConfig, Consistency, Stop, Target, Workload};
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let member = leaf(&ca, dir.path(), "member-1", &["127.0.0.1"], false, false);
    let server = tls_server(&ca, &member, ClientAuth::Optional).await;
    let c = client(&server.url, &options(&ca, None), Some("t0ken"));
    let config = BenchConfig {
        workload: Workload::Get,
        clients: 1,
        stop: Stop::Requests(5),
        value_size: 1,
        keys: 10,
        consistency: Consistency::Linearizable,
        target: Target::All,
        prefill: false,
        seed: 1,
        timeout: Duration::from_secs(3),
    };
    let targets = bench::resolve_targets(&c, Target::All).await.unwrap();
    let report = bench::run(&config, &c, &targets, |_| {}).await.unwrap();
    assert_eq!((report.total.ops, report.total.ok), (5, 5));
    assert_eq!(*server.connections.lock().unwrap(), 1);
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 5);
    assert!(seen.iter().all(|s| s
        .head
        .to_ascii_lowercase()
        .contains("authorization: bearer t0ken")));
}

#[test]
fn https_needs_a_ca_and_a_certificate_needs_its_key() {
    let err = Client::new(
        &["https://127.0.0.1:7001".to_string()],
        Duration::from_secs(1),
        &TlsOptions::default(),
        None,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ClientError::Tls(
            "https://127.0.0.1:7001 needs --cacert (or RAFTCTL_CACERT): the CA that signed \
             the members' certificates"
                .into()
        )
    );
    let dir = tempfile::tempdir().unwrap();
    let ca = ca(dir.path(), "ca");
    let alice = leaf(
        &ca,
        dir.path(),
        "alice",
        &["urn:raftctl:client:admin:a"],
        false,
        true,
    );
    let half = TlsOptions {
        key: None,
        ..options(&ca, Some(&alice))
    };
    let err = Connector::new(&half).unwrap_err();
    assert!(
        err.starts_with("--cert ")
            && err.ends_with("needs --key: the private key of that certificate"),
        "{err}"
    );
    let missing = TlsOptions {
        cacert: Some(dir.path().join("nope.crt")),
        ..TlsOptions::default()
    };
    let err = Connector::new(&missing).unwrap_err();
    assert!(
        err.starts_with("--cacert: cannot read certificate file "),
        "{err}"
    );
    assert!(err.contains("nope.crt") && !err.contains('\n'), "{err}");
    let c = client("http://127.0.0.1:1", &TlsOptions::default(), None);
    assert!(!c.connector().has_tls());
    assert!(matches!(
        Client::new(
            &["http://h:1".into()],
            Duration::from_secs(1),
            &TlsOptions::default(),
            Some("a\nb")
        ),
        Err(ClientError::BadToken(_))
    ));
}

#[test]
fn alerts_read_as_the_standard_names_them() {
    assert_eq!(
        alert_name(&AlertDescription::BadCertificate),
        "bad_certificate"
    );
    assert_eq!(alert_name(&AlertDescription::UnknownCA), "unknown_ca");
    assert_eq!(
        alert_name(&AlertDescription::CertificateRequired),
        "certificate_required"
    );
}
