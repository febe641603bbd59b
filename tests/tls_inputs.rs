//! Whatever arrives as a certificate, key, token file or identity name is refused with
//! an error, never a panic: random and mutated inputs to the functions that read them.

use proptest::prelude::*;
use raftctl::tls::tokens::Tokens;
use raftctl::tls::{pem, Identity};

/// A real certificate to mutate, made once per run.
fn member_certificate() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = raftctl::tls::cert::Options {
        validity: raftctl::tls::cert::Validity::days(1).expect("validity"),
        force: false,
    };
    raftctl::tls::cert::create_ca(dir.path(), &opts).expect("CA");
    raftctl::tls::cert::create_member(dir.path(), dir.path(), 7, &["127.0.0.1".into()], &opts)
        .expect("member");
    let der = pem::certificates(&dir.path().join("member-7.crt"))
        .expect("read")
        .remove(0)
        .to_vec();
    (dir, der)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn identity_uris_never_panic(text in "(urn:raftctl:)?(member:|client:)?[ -~]{0,40}") {
        let _ = Identity::from_uri(&text);
    }

    #[test]
    fn token_files_never_panic(text in "[ -~\n\t]{0,300}") {
        let _ = Tokens::parse(&text);
    }

    #[test]
    fn arbitrary_bytes_are_not_a_certificate(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        prop_assert!(Identity::of_certificate(&bytes).is_err());
    }
}

#[test]
fn mutated_certificates_never_panic() {
    let (_dir, der) = member_certificate();
    assert_eq!(
        Identity::of_certificate(&der),
        Ok(Some(Identity::Member(7)))
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(512));
    runner
        .run(
            &(0..der.len(), any::<u8>(), 0..der.len()),
            |(at, byte, cut)| {
                let mut m = der.clone();
                m[at] ^= byte | 1;
                let _ = Identity::of_certificate(&m);
                let _ = Identity::of_certificate(&m[..cut]);
                Ok(())
            },
        )
        .expect("no panic");
}

#[test]
fn garbage_pem_files_are_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &[u8]); 5] = [
        ("empty", b""),
        ("text", b"hello\n"),
        ("truncated", b"-----BEGIN CERTIFICATE-----\nMIIB\n"),
        (
            "bad base64",
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        ),
        ("binary", &[0xff, 0x00, 0x30, 0x82, 0x01]),
    ];
    for (what, bytes) in cases {
        let path = dir.path().join(what);
        std::fs::write(&path, bytes).expect("write");
        let e = pem::certificates(&path).expect_err(what);
        assert_eq!(e.lines().count(), 1, "{what}: {e}");
        assert!(e.contains(&path.display().to_string()), "{what}: {e}");
        let e = pem::private_key(&path).expect_err(what);
        assert_eq!(e.lines().count(), 1, "{what}: {e}");
        assert!(pem::roots(&path).is_err(), "{what}");
    }
    let missing = dir.path().join("missing.crt");
    assert!(pem::certificates(&missing)
        .unwrap_err()
        .contains("cannot read"));
}
