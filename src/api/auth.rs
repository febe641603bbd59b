//! Who may use which route: members on the peer routes, clients by role elsewhere.
//!
//! With TLS, a peer route (`/raft/...`) takes only a connection whose certificate names
//! a member (the transport then checks it names the sender of each message). Client
//! routes need a role: from a client certificate, or from a bearer token
//! (`serve --tokens`); a member certificate counts as `read` (a member holds the whole
//! state anyway, and `serve --join` reads the membership with it). Without TLS and
//! without tokens (plaintext on loopback, or `--insecure-plaintext`) every route is
//! open, as the operator chose.
//!
//! No credentials: 401 `unauthenticated`; too little role: 403 `forbidden`; both say
//! what the route needs and how to prove it, and the member logs who was refused (at
//! most once a second, with a count of the rest).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Instant, SystemTime};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::tls::tokens::Tokens;
use crate::tls::{Caller, Identity, Role};

/// Routes a caller may use without credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Public {
    pub health: bool,
    pub metrics: bool,
}

/// What the member checks on each request.
pub struct AuthPolicy {
    /// Connections are TLS: peer routes need a member certificate.
    pub tls: bool,
    /// Bearer tokens accepted on client routes.
    tokens: Option<TokenFile>,
    /// Open routes.
    pub public: Public,
    log: Mutex<RefusalLog>,
    /// Where refusals are counted, once the member's metrics exist.
    metrics: OnceLock<crate::metrics::Metrics>,
}

#[derive(Default)]
struct RefusalLog {
    last: Option<Instant>,
    suppressed: u64,
}

/// The token file, reloaded when it changes.
struct TokenFile {
    path: PathBuf,
    current: RwLock<(Option<SystemTime>, Arc<Tokens>)>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl AuthPolicy {
    /// A policy; `tokens` is the `--tokens` file, read now (an unusable file is an error).
    pub fn new(tls: bool, tokens: Option<&Path>, public: Public) -> Result<AuthPolicy, String> {
        let tokens = match tokens {
            Some(path) => {
                let stamp = modified(path);
                let loaded = Tokens::load(path)?;
                Some(TokenFile {
                    path: path.to_path_buf(),
                    current: RwLock::new((stamp, Arc::new(loaded))),
                })
            }
            None => None,
        };
        Ok(AuthPolicy {
            tls,
            tokens,
            public,
            log: Mutex::new(RefusalLog::default()),
            metrics: OnceLock::new(),
        })
    }

    /// Counts refusals in `metrics` from now on.
    pub fn attach_metrics(&self, metrics: crate::metrics::Metrics) {
        let _ = self.metrics.set(metrics);
    }

    /// Reads the token file again if it changed (or always, with `force`). `Ok(true)`:
    /// the new tokens are in use; `Err`: the file is unusable and the previous tokens
    /// stay.
    pub fn reload_tokens(&self, force: bool) -> Result<bool, String> {
        let Some(file) = &self.tokens else {
            return Ok(false);
        };
        let stamp = modified(&file.path);
        let old = file.current.read().unwrap_or_else(|e| e.into_inner()).0;
        if !force && stamp == old {
            return Ok(false);
        }
        let loaded = Tokens::load(&file.path)?;
        *file.current.write().unwrap_or_else(|e| e.into_inner()) = (stamp, Arc::new(loaded));
        Ok(true)
    }

    fn token_role(&self, token: &str) -> Option<(Role, String)> {
        let file = self.tokens.as_ref()?;
        let tokens = file
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone();
        tokens
            .check(token)
            .map(|(role, name)| (role, name.to_string()))
    }

    /// Whether client routes need credentials at all.
    fn enforced(&self) -> bool {
        self.tls || self.tokens.is_some()
    }

    fn check(
        &self,
        caller: &Caller,
        method: &Method,
        path: &str,
        bearer: Option<&str>,
    ) -> Result<(), Refused> {
        if path.starts_with("/raft/") {
            if !self.tls {
                return Ok(());
            }
            return match &caller.certificate {
                Some(Identity::Member(_)) => Ok(()),
                Some(other) => Err(Refused::forbidden(
                    other.to_string(),
                    format!(
                        "peer routes take only member certificates; this connection's certificate names {other}"
                    ),
                )),
                None => Err(Refused::unauthenticated(
                    "peer routes need a member certificate signed by the cluster CA".into(),
                )),
            };
        }
        let needed = required_role(method, path);
        if !self.enforced()
            || (path == "/health" && self.public.health)
            || (path == "/metrics" && self.public.metrics)
        {
            return Ok(());
        }
        // The path comes from the caller: escaped and cut where it is shown.
        let path = crate::shown::shown(path);
        let (who, role) = match (&caller.certificate, bearer) {
            (Some(Identity::Client { role, name }), _) => (format!("client {name:?}"), *role),
            (Some(Identity::Member(id)), None) => (format!("member {id}"), Role::Read),
            (_, Some(token)) => match self.token_role(token) {
                Some((role, name)) => (format!("token {name:?}"), role),
                None if self.tokens.is_none() => {
                    return Err(Refused::unauthenticated(
                        "this member accepts no tokens (it runs without --tokens): use a client certificate (--cert/--key)".into(),
                    ))
                }
                None => {
                    return Err(Refused::unauthenticated(
                        "the token is not one this member knows (see serve --tokens)".into(),
                    ))
                }
            },
            (None, None) => {
                let how = if self.tls && self.tokens.is_some() {
                    "a client certificate (--cert/--key) or a token (--token)"
                } else if self.tls {
                    "a client certificate (--cert/--key)"
                } else {
                    "a token (--token)"
                };
                return Err(Refused::unauthenticated(format!(
                    "{method} {path} needs role {needed}: show {how}"
                )));
            }
        };
        if role.allows(needed) {
            return Ok(());
        }
        Err(Refused::forbidden(
            who.clone(),
            format!("{who} has role {role}; {method} {path} needs role {needed}"),
        ))
    }

    /// Logs a refusal, at most once a second with the count of those not logged.
    fn log_refusal(&self, caller: &Caller, method: &Method, path: &str, refused: &Refused) {
        if let Some(m) = self.metrics.get() {
            m.request_refused(matches!(refused.error, ApiError::Unauthenticated(_)));
        }
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if log
            .last
            .is_some_and(|t| now.duration_since(t).as_secs() < 1)
        {
            log.suppressed += 1;
            return;
        }
        let others = std::mem::take(&mut log.suppressed);
        log.last = Some(now);
        drop(log);
        let remote = caller
            .remote
            .map_or_else(|| "?".to_string(), |a| a.to_string());
        tracing::warn!(
            who = %refused.who,
            remote = %remote,
            others,
            "refused {method} {} from {} at {remote}: {}",
            crate::shown::shown(path),
            refused.who,
            refused.error
        );
    }
}

/// The least role a client route needs.
pub fn required_role(method: &Method, path: &str) -> Role {
    let reading = *method == Method::GET || *method == Method::HEAD;
    match path {
        "/health" | "/metrics" | "/v1/status" => Role::Read,
        "/v1/members" if reading => Role::Read,
        "/v1/kv" => Role::Read,
        p if p.starts_with("/v1/kv/") => {
            if reading {
                Role::Read
            } else {
                Role::Write
            }
        }
        // Membership, leader transfer, snapshots: every admin route.
        p if p.starts_with("/v1/") => Role::Admin,
        // Anything else is no route at all (404).
        _ => Role::Read,
    }
}

struct Refused {
    who: String,
    error: ApiError,
}

impl Refused {
    fn unauthenticated(message: String) -> Refused {
        Refused {
            who: "an anonymous caller".into(),
            error: ApiError::Unauthenticated(message),
        }
    }

    fn forbidden(who: String, message: String) -> Refused {
        Refused {
            who,
            error: ApiError::Forbidden(message),
        }
    }
}

/// The middleware: refuses before the route reads anything.
pub async fn authorize(
    State(policy): State<Arc<AuthPolicy>>,
    req: Request,
    next: Next,
) -> Response {
    let caller = req
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match policy.check(&caller, req.method(), req.uri().path(), bearer) {
        Ok(()) => next.run(req).await,
        Err(refused) => {
            policy.log_refusal(&caller, req.method(), req.uri().path(), &refused);
            let unauthenticated = matches!(refused.error, ApiError::Unauthenticated(_));
            let mut resp = refused.error.into_response();
            if unauthenticated {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            resp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(certificate: Option<Identity>) -> Caller {
        Caller {
            tls: true,
            certificate,
            remote: None,
        }
    }

    fn client(role: Role) -> Option<Identity> {
        Some(Identity::Client {
            role,
            name: "c".into(),
        })
    }

    #[test]
    fn roles_map_to_routes() {
        let get = Method::GET;
        assert_eq!(required_role(&get, "/v1/kv/a"), Role::Read);
        assert_eq!(required_role(&Method::PUT, "/v1/kv/a"), Role::Write);
        assert_eq!(required_role(&Method::DELETE, "/v1/kv/a"), Role::Write);
        assert_eq!(required_role(&get, "/v1/members"), Role::Read);
        assert_eq!(required_role(&Method::POST, "/v1/members"), Role::Admin);
        assert_eq!(required_role(&Method::DELETE, "/v1/members/3"), Role::Admin);
        assert_eq!(required_role(&Method::PUT, "/v1/members/3"), Role::Admin);
        assert_eq!(
            required_role(&Method::POST, "/v1/leader/transfer"),
            Role::Admin
        );
        assert_eq!(required_role(&get, "/v1/snapshot"), Role::Admin);
        assert_eq!(required_role(&get, "/v1/status"), Role::Read);
    }

    #[test]
    fn tls_policy_refuses_by_identity_and_role() {
        let p = AuthPolicy::new(
            true,
            None,
            Public {
                health: true,
                metrics: false,
            },
        )
        .unwrap();
        let put = Method::PUT;
        let post = Method::POST;
        assert!(p
            .check(&caller(client(Role::Write)), &put, "/v1/kv/a", None)
            .is_ok());
        let e = p
            .check(&caller(client(Role::Read)), &put, "/v1/kv/a", None)
            .err()
            .unwrap();
        assert_eq!(e.error.code(), "forbidden");
        assert!(
            e.error.to_string().contains("needs role write"),
            "{}",
            e.error
        );
        let e = p
            .check(&caller(None), &Method::GET, "/v1/kv/a", None)
            .err()
            .unwrap();
        assert_eq!(e.error.code(), "unauthenticated");
        assert!(p
            .check(&caller(None), &Method::GET, "/health", None)
            .is_ok());
        assert!(p
            .check(&caller(None), &Method::GET, "/metrics", None)
            .is_err());
        // Peer routes: member certificates only.
        assert!(p
            .check(
                &caller(Some(Identity::Member(2))),
                &post,
                "/raft/messages",
                None
            )
            .is_ok());
        let e = p
            .check(&caller(client(Role::Admin)), &post, "/raft/messages", None)
            .err()
            .unwrap();
        assert_eq!(e.error.code(), "forbidden");
        let e = p
            .check(&caller(None), &post, "/raft/snapshot", None)
            .err()
            .unwrap();
        assert_eq!(e.error.code(), "unauthenticated");
        // A member certificate reads, and does no more.
        let m = caller(Some(Identity::Member(2)));
        assert!(p.check(&m, &Method::GET, "/v1/members", None).is_ok());
        assert!(p.check(&m, &post, "/v1/members", None).is_err());
        assert!(p.check(&m, &put, "/v1/kv/a", None).is_err());
    }

    #[test]
    fn plaintext_without_tokens_is_open() {
        let p = AuthPolicy::new(false, None, Public::default()).unwrap();
        let c = Caller::default();
        assert!(p.check(&c, &Method::POST, "/v1/members", None).is_ok());
        assert!(p.check(&c, &Method::POST, "/raft/messages", None).is_ok());
    }
}
