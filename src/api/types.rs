//! The JSON shapes of the client and admin routes, shared with `client`.
//!
//! Ids, terms and indexes are u64 inside; on the wire they are JSON numbers while below
//! 2^53 and strings above, so that no JSON parser rounds them.

use serde::{Deserialize, Serialize};

/// A member as the error body and `/v1/members` name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderRef {
    #[serde(with = "json_u64")]
    pub id: u64,
    pub url: String,
}

/// `PUT /v1/kv/{key}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutResponse {
    #[serde(with = "json_u64")]
    pub index: u64,
}

/// `DELETE /v1/kv/{key}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteResponse {
    #[serde(with = "json_u64")]
    pub index: u64,
    pub deleted: bool,
}

/// `GET /v1/kv?prefix=P&limit=N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListResponse {
    #[serde(with = "json_u64")]
    pub index: u64,
    pub keys: Vec<String>,
}

/// `(index, term)` of the latest snapshot; zeros when there is none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRef {
    #[serde(with = "json_u64")]
    pub index: u64,
    #[serde(with = "json_u64")]
    pub term: u64,
}

/// A member id and its advertised URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberUrl {
    #[serde(with = "json_u64")]
    pub id: u64,
    pub url: String,
}

/// One follower's replication state, as the leader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEntry {
    #[serde(with = "json_u64")]
    pub id: u64,
    #[serde(rename = "match", with = "json_u64")]
    pub matched: u64,
    #[serde(with = "json_u64")]
    pub next: u64,
    /// `probe`, `replicate` or `snapshot`.
    pub state: String,
    pub recent_active: bool,
    /// While a snapshot is being streamed to it: bytes sent so far and the file's size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_sent_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_size_bytes: Option<u64>,
}

/// `GET /v1/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    #[serde(with = "json_u64")]
    pub id: u64,
    /// 16 hex digits.
    pub cluster_id: String,
    /// `leader`, `follower`, `candidate`, `pre_candidate` or `learner`.
    pub role: String,
    #[serde(with = "json_u64")]
    pub term: u64,
    #[serde(with = "json_u64_opt")]
    pub leader: Option<u64>,
    #[serde(with = "json_u64")]
    pub commit: u64,
    #[serde(with = "json_u64")]
    pub applied: u64,
    #[serde(with = "json_u64")]
    pub first_index: u64,
    #[serde(with = "json_u64")]
    pub last_index: u64,
    pub snapshot: SnapshotRef,
    pub voters: Vec<MemberUrl>,
    pub learners: Vec<MemberUrl>,
    #[serde(with = "json_u64")]
    pub db_size_bytes: u64,
    pub version: String,
    /// Only on the leader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Vec<ProgressEntry>>,
    /// Milliseconds since this member last heard from its leader (not on the leader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_contact_ms: Option<u64>,
    /// What `GET /health` would answer (absent from members older than this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthResponse>,
    /// Leaders this member learned of since it started (absent from older members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_changes: Option<u64>,
    /// Milliseconds since each of the latest leader changes (at most 32), most recent
    /// first (absent from older members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_change_ages_ms: Option<Vec<u64>>,
    /// Only with `?storage=true`: the data dir's file, live data and disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageStatus>,
}

/// The `storage` object of `GET /v1/status?storage=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageStatus {
    /// Size of the database file.
    #[serde(with = "json_u64")]
    pub db_file_bytes: u64,
    /// Bytes its tables hold (keys, values and their B-tree pages); the rest of the
    /// file is free or fragmented pages.
    #[serde(with = "json_u64")]
    pub live_bytes: u64,
    /// Space an unprivileged writer has left on the data dir's file system.
    #[serde(
        default,
        with = "json_u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub disk_free_bytes: Option<u64>,
    /// Size of that file system.
    #[serde(
        default,
        with = "json_u64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub disk_total_bytes: Option<u64>,
}

/// One row of `GET /v1/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    #[serde(with = "json_u64")]
    pub id: u64,
    /// The URL peers reach it at: its URL in the membership.
    pub url: String,
    /// Where clients reach it, when that is not `url` (the member serves its peers on an
    /// address of their own, `serve --peer-listen`) and it has told this member so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_url: Option<String>,
    /// `voter` or `learner`.
    pub role: String,
}

impl Member {
    /// Where a client reaches this member: its client URL if it serves peers apart.
    pub fn url_for_clients(&self) -> &str {
        self.client_url.as_deref().unwrap_or(&self.url)
    }
}

/// `GET /v1/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersResponse {
    pub members: Vec<Member>,
    #[serde(with = "json_u64_opt")]
    pub leader: Option<u64>,
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub healthy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Largest integer every JSON parser represents exactly (2^53).
pub const JSON_SAFE_MAX: u64 = 1 << 53;

/// Serde adapter: a u64 as a JSON number below 2^53, as a decimal string above.
pub mod json_u64 {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::JSON_SAFE_MAX;

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        if *v < JSON_SAFE_MAX {
            s.serialize_u64(*v)
        } else {
            s.serialize_str(&v.to_string())
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrString {
        Num(u64),
        Str(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match NumOrString::deserialize(d)? {
            NumOrString::Num(n) => Ok(n),
            NumOrString::Str(s) => s
                .parse()
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a u64"))),
        }
    }
}

/// Serde adapter: `Option<u64>` as `null` or as [`json_u64`].
pub mod json_u64_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => super::json_u64::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    #[derive(Deserialize)]
    struct Wrap(#[serde(with = "super::json_u64")] u64);

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_ids_travel_as_strings() {
        let small = LeaderRef {
            id: 7,
            url: "u".into(),
        };
        let big = LeaderRef {
            id: u64::MAX,
            url: "u".into(),
        };
        assert_eq!(
            serde_json::to_string(&small).unwrap(),
            r#"{"id":7,"url":"u"}"#
        );
        let text = serde_json::to_string(&big).unwrap();
        assert_eq!(text, r#"{"id":"18446744073709551615","url":"u"}"#);
        assert_eq!(serde_json::from_str::<LeaderRef>(&text).unwrap(), big);
    }

    #[test]
    fn members_leader_may_be_null() {
        let m: MembersResponse = serde_json::from_str(r#"{"members":[],"leader":null}"#).unwrap();
        assert_eq!(m.leader, None);
        let m: MembersResponse = serde_json::from_str(r#"{"members":[],"leader":3}"#).unwrap();
        assert_eq!(m.leader, Some(3));
    }
}
