//! TLS for every route: who a certificate says it is, reading PEM files, and the rustls
//! settings of members and clients.
//!
//! One cluster CA signs every certificate. A certificate says who holds it with one URI
//! subject alternative name (see [`identity`]): a member (`urn:raftctl:member:<id>`) or a
//! client with a role (`urn:raftctl:client:<role>:<name>`). Cryptography is rustls with
//! the ring provider, chosen explicitly everywhere (no process-wide default).

pub mod cert;
pub mod identity;
pub mod member;
pub mod pem;
pub mod tokens;

pub use identity::{Identity, Role};

use std::sync::Arc;

/// Who is on the other end of an HTTP connection, as the listener established it; set
/// on every request (as an extension) before the routes see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    /// The connection is TLS (the member runs with certificates).
    pub tls: bool,
    /// Who the client certificate names, when one was shown, verified by the cluster CA
    /// and names a raftctl identity.
    pub certificate: Option<Identity>,
    /// The client's address, for logs.
    pub remote: Option<std::net::SocketAddr>,
}

/// The crypto provider every rustls config in this crate uses.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}
