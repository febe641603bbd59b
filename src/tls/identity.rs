//! Who a certificate names: a member by id, or a client by role and name.
//!
//! The name is one URI subject alternative name:
//! - `urn:raftctl:member:<id>` for member `<id>` (1..=2^53-1), which also proves the
//!   holder may speak on the peer routes as that member;
//! - `urn:raftctl:client:<role>:<name>` for a client with role `read`, `write` or
//!   `admin`; `<name>` is 1..=64 of `A-Z a-z 0-9 . _ -`.
//!
//! A certificate with no such name, or with more than one, names nobody: the CA may
//! sign other certificates, and those prove nothing here.

use std::fmt;
use std::str::FromStr;

use crate::raft::{NodeId, MAX_INDEX};

/// Prefix of every raftctl identity URI.
pub const URI_PREFIX: &str = "urn:raftctl:";
/// Longest client name.
pub const MAX_NAME_LEN: usize = 64;

/// What a client may do. Each role can do what the roles before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// get, list, status, members, health, metrics.
    Read,
    /// read, plus put and delete.
    Write,
    /// write, plus membership, leader transfer, snapshots: every admin route.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Read, Role::Write, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a role (read, write or admin)"))
    }
}

/// Who a certificate (or a token) names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    Member(NodeId),
    Client { role: Role, name: String },
}

impl Identity {
    /// The URI subject alternative name that carries this identity.
    pub fn uri(&self) -> String {
        match self {
            Identity::Member(id) => format!("{URI_PREFIX}member:{id}"),
            Identity::Client { role, name } => format!("{URI_PREFIX}client:{role}:{name}"),
        }
    }

    /// Parses one `urn:raftctl:...` URI; `Ok(None)` if it is not a raftctl URI at all.
    pub fn from_uri(uri: &str) -> Result<Option<Identity>, String> {
        let Some(rest) = uri.strip_prefix(URI_PREFIX) else {
            return Ok(None);
        };
        if let Some(id) = rest.strip_prefix("member:") {
            let id = parse_member_id(id).map_err(|e| format!("{uri:?}: {e}"))?;
            return Ok(Some(Identity::Member(id)));
        }
        if let Some(rest) = rest.strip_prefix("client:") {
            let (role, name) = rest
                .split_once(':')
                .ok_or_else(|| format!("{uri:?}: expected client:<role>:<name>"))?;
            let role = role.parse().map_err(|e| format!("{uri:?}: {e}"))?;
            check_client_name(name).map_err(|e| format!("{uri:?}: {e}"))?;
            return Ok(Some(Identity::Client {
                role,
                name: name.to_owned(),
            }));
        }
        Err(format!("{uri:?} is neither a member nor a client name"))
    }

    /// The identity of a DER certificate, from its URI subject alternative names.
    /// `Ok(None)`: the certificate names nobody here. `Err`: it cannot be read, or it
    /// names more than one identity or a malformed one.
    pub fn of_certificate(der: &[u8]) -> Result<Option<Identity>, String> {
        use x509_parser::extensions::GeneralName;
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| format!("not a readable X.509 certificate: {e}"))?;
        let san = cert
            .subject_alternative_name()
            .map_err(|e| format!("unreadable subject alternative names: {e}"))?;
        let mut found = None;
        for name in san.iter().flat_map(|s| s.value.general_names.iter()) {
            if let GeneralName::URI(uri) = name {
                if let Some(identity) = Identity::from_uri(uri)? {
                    if found.is_some() {
                        return Err("the certificate names more than one raftctl identity".into());
                    }
                    found = Some(identity);
                }
            }
        }
        Ok(found)
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Member(id) => write!(f, "member {id}"),
            Identity::Client { role, name } => write!(f, "client {name:?} ({role})"),
        }
    }
}

fn parse_member_id(text: &str) -> Result<NodeId, String> {
    match text.parse::<u64>() {
        Ok(id) if (1..=MAX_INDEX).contains(&id) && !text.starts_with('0') => Ok(id),
        _ => Err(format!(
            "member id {text:?} is not a number in 1..={MAX_INDEX}"
        )),
    }
}

/// A client name: 1..=64 of `A-Z a-z 0-9 . _ -`.
pub fn check_client_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "client name {:?} must be 1 to {MAX_NAME_LEN} of A-Z a-z 0-9 . _ -",
            crate::shown::shown(name)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        for id in [
            Identity::Member(1),
            Identity::Member(MAX_INDEX),
            Identity::Client {
                role: Role::Write,
                name: "ci-bot.2".into(),
            },
        ] {
            assert_eq!(Identity::from_uri(&id.uri()), Ok(Some(id.clone())));
        }
        assert_eq!(Identity::from_uri("spiffe://x"), Ok(None));
    }

    #[test]
    fn malformed_uris_are_refused() {
        for bad in [
            "urn:raftctl:member:0",
            "urn:raftctl:member:01",
            "urn:raftctl:member:-1",
            "urn:raftctl:member:9007199254740992",
            "urn:raftctl:client:root:x",
            "urn:raftctl:client:read:",
            "urn:raftctl:client:read:a b",
            "urn:raftctl:client:read",
            "urn:raftctl:operator:1",
        ] {
            assert!(Identity::from_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin.allows(Role::Write));
        assert!(Role::Write.allows(Role::Read));
        assert!(!Role::Read.allows(Role::Write));
        assert!(!Role::Write.allows(Role::Admin));
    }
}
