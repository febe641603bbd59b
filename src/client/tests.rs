use super::*;

#[test]
fn keys_are_one_encoded_segment() {
    let base = parse_endpoint("http://127.0.0.1:7001").unwrap();
    let u = request_target(&base, &kv_path("a/b c%"), &[("consistency", "stale")]);
    assert_eq!(u, "/v1/kv/a%2Fb%20c%25?consistency=stale");
    let base = parse_endpoint("http://h:1/").unwrap();
    assert_eq!(request_target(&base, &["v1", "status"], &[]), "/v1/status");
    assert_eq!(authority(&base), "h:1");
    for (key, sent) in [
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("x\ny", "x%0Ay"),
        ("t\tab", "t%09ab"),
        ("%2F", "%252F"),
        ("?#+&=", "%3F%23%2B%26%3D"),
        ("é", "%C3%A9"),
    ] {
        assert_eq!(
            request_target(&base, &kv_path(key), &[]),
            format!("/v1/kv/{sent}")
        );
    }
    assert_eq!(
        request_target(&base, &["v1", "kv"], &[("prefix", "a b\n.")]),
        "/v1/kv?prefix=a%20b%0A%2E"
    );
}

#[test]
fn bad_endpoints_are_refused() {
    assert!(parse_endpoint("127.0.0.1:7001").is_err());
    assert!(parse_endpoint("ftp://x").is_err());
    assert!(Client::new(&[], Duration::from_secs(1), &TlsOptions::default(), None).is_err());
}

#[test]
fn not_leader_names_where_to_go() {
    let body = br#"{"error":{"code":"not_leader","message":"member 1 is not the leader","leader":{"id":2,"url":"http://127.0.0.1:7002"}}}"#;
    let e = api_error("http://a", StatusCode::MISDIRECTED_REQUEST, body);
    match redirect(&e) {
        Some(Redirect::To(u)) => assert_eq!(u, "http://127.0.0.1:7002"),
        _ => panic!("expected a redirect: {e}"),
    }
    let body = br#"{"error":{"code":"no_leader","message":"none"}}"#;
    let e = api_error("http://a", StatusCode::SERVICE_UNAVAILABLE, body);
    assert!(matches!(redirect(&e), Some(Redirect::Elsewhere)));
    let e = api_error("http://a", StatusCode::BAD_GATEWAY, b"<html>");
    assert!(matches!(e, ClientError::BadResponse { .. }));
}

#[test]
fn a_401_says_how_to_authenticate() {
    let body =
        br#"{"error":{"code":"unauthenticated","message":"no client certificate or token"}}"#;
    let e = api_error("https://a:1", StatusCode::UNAUTHORIZED, body);
    assert_eq!(
        e.to_string(),
        "no client certificate or token; pass --cert/--key or --token \
         (unauthenticated from https://a:1)"
    );
    let body = br#"{"error":{"code":"unauthenticated","message":"pass --token"}}"#;
    let e = api_error("https://a:1", StatusCode::UNAUTHORIZED, body);
    assert_eq!(
        e.to_string(),
        "pass --token (unauthenticated from https://a:1)"
    );
    let body = br#"{"error":{"code":"forbidden","message":"role read cannot write"}}"#;
    let e = api_error("https://a:1", StatusCode::FORBIDDEN, body);
    assert_eq!(
        e.to_string(),
        "role read cannot write (forbidden from https://a:1)"
    );
}

#[tokio::test]
async fn a_write_without_an_answer_is_never_resent() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(conn);
        }
    });
    let c = Client::new(
        std::slice::from_ref(&url),
        Duration::from_millis(300),
        &TlsOptions::default(),
        None,
    )
    .unwrap();
    let err = c.put("k", Bytes::from_static(b"v")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{url} did not answer (timed out after 300ms); the outcome is unknown")
    );
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn nobody_listening_is_one_line() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = Client::new(
        std::slice::from_ref(&url),
        Duration::from_millis(300),
        &TlsOptions::default(),
        None,
    )
    .unwrap();
    let err = c.put("k", Bytes::from_static(b"v")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("no member of {url} answered: connection refused")
    );
}
