use super::*;

fn config() -> BenchConfig {
    BenchConfig {
        workload: Workload::Put,
        clients: 4,
        stop: Stop::Requests(10),
        value_size: 8,
        keys: 100,
        consistency: Consistency::Linearizable,
        target: Target::All,
        prefill: false,
        seed: 1,
        timeout: Duration::from_secs(1),
    }
}

#[test]
fn keys_are_named_like_the_wrk_scripts() {
    assert_eq!(key_name(0), "key/000000");
    assert_eq!(key_name(9_999), "key/009999");
    assert_eq!(key_name(12_345_678), "key/12345678");
}

#[test]
fn values_have_the_requested_size() {
    let mut c = config();
    c.value_size = 256;
    let v = c.value();
    assert_eq!(v.len(), 256);
    assert!(v.iter().all(u8::is_ascii_lowercase));
    c.value_size = 0;
    assert!(c.value().is_empty());
}

#[test]
fn bad_settings_name_their_flag() {
    let cases: Vec<(BenchConfig, &str)> = vec![
        (
            BenchConfig {
                clients: 0,
                ..config()
            },
            "--clients",
        ),
        (
            BenchConfig {
                keys: 0,
                ..config()
            },
            "--keys",
        ),
        (
            BenchConfig {
                stop: Stop::Requests(0),
                ..config()
            },
            "--requests",
        ),
        (
            BenchConfig {
                stop: Stop::After(Duration::ZERO),
                ..config()
            },
            "--duration",
        ),
        (
            BenchConfig {
                workload: Workload::Mixed { read_ratio: 1.5 },
                ..config()
            },
            "--read-ratio",
        ),
        (
            BenchConfig {
                workload: Workload::Mixed {
                    read_ratio: f64::NAN,
                },
                ..config()
            },
            "--read-ratio",
        ),
        (
            BenchConfig {
                value_size: 10 << 20,
                ..config()
            },
            "--value-size",
        ),
    ];
    for (c, flag) in cases {
        let err = c.validate().expect_err(flag);
        assert!(err.to_string().starts_with(flag), "{err}");
    }
    assert!(config().validate().is_ok());
    let edge = BenchConfig {
        workload: Workload::Mixed { read_ratio: 1.0 },
        ..config()
    };
    assert!(edge.validate().is_ok());
}

#[test]
fn workloads_say_which_operations_they_issue() {
    assert!(Workload::Put.does(OpKind::Write) && !Workload::Put.does(OpKind::Read));
    assert!(Workload::Get.does(OpKind::Read) && !Workload::Get.does(OpKind::Write));
    let m = Workload::Mixed { read_ratio: 0.0 };
    assert!(m.does(OpKind::Write) && !m.does(OpKind::Read));
}

fn test_client(url: &str) -> Client {
    let tls = crate::client::TlsOptions::default();
    Client::new(&[url.to_string()], Duration::from_secs(1), &tls, None).expect("client")
}

#[tokio::test]
async fn an_interrupted_run_reports_what_it_measured() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let c = BenchConfig {
        stop: Stop::After(Duration::from_secs(3600)),
        ..config()
    };
    let client = test_client(&url);
    let report = run_until(&c, &client, std::slice::from_ref(&url), |_| {}, async {
        tokio::time::sleep(Duration::from_millis(100)).await;
    })
    .await
    .expect("a report");
    assert!(report.interrupted);
    assert!(report.total.ops > 0);
    assert!(report.elapsed_s < 60.0, "{}", report.elapsed_s);
}

#[tokio::test]
async fn a_dead_target_fails_every_request_by_connect() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let client = test_client(&url);
    let report = run(&config(), &client, std::slice::from_ref(&url), |_| {})
        .await
        .expect("a report");
    assert_eq!(report.total.ops, 10);
    assert_eq!(report.total.ok, 0);
    assert_eq!(report.total.errors_by_kind.get("connect"), Some(&10));
    assert_eq!(
        report.failure().as_deref(),
        Some(format!("no member of {url} answered: connection refused").as_str())
    );
}
