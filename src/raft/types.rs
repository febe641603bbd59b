//! The core's vocabulary: messages, log entries, hard state, membership and snapshots.
//!
//! Everything here is plain data, serialisable with serde so that the transport can put
//! it on the wire as JSON. Byte payloads (`Entry::data`, `Snapshot::data`,
//! `Message::context`) are `bytes::Bytes` and travel as base64 strings.
//!
//! Limits: ids, terms and indexes travel as JSON numbers, exact only below 2^53, so no
//! term may exceed `MAX_TERM` and no index `MAX_INDEX`. A node adopts a higher term from
//! a message only up to `MAX_ADOPTED_TERM` (or a step of at most `MAX_TERM_STEP` past its
//! own term), so that whatever term a message makes it persist, it can still campaign
//! about 2^52 times. `check_message_bounds` is the stateless part of what `step` checks
//! before a message may change anything; the transport may call it too.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::errors::Error;

// Ids, terms and indexes are named aliases of `u64`, not newtypes. The core does
// arithmetic and ranges on indexes on nearly every line (`index + 1`, `first..=last`,
// offsets into the unstable log), as the paper and etcd's raft write them; a newtype
// would need a conversion at each, and ranges over it do not iterate on stable Rust.
// What guards against a swapped term and index instead: parameter names that say which
// is which, and the seeded simulation, which drives these paths under faults and
// checks the log matching and state machine safety properties after every step.

/// A member's id. Ids are >= 1; the core never uses 0 as an id.
pub type NodeId = u64;
/// A Raft term.
pub type Term = u64;
/// A log position. Index 0 is the empty log's "before the first entry" position.
pub type Index = u64;

/// The highest term anything may carry: JSON numbers are exact below 2^53.
pub const MAX_TERM: Term = (1 << 53) - 1;
/// The highest index anything may carry: JSON numbers are exact below 2^53.
pub const MAX_INDEX: Index = (1 << 53) - 1;
/// The highest term a node adopts from a message in one jump. Legitimate terms grow by
/// one per election and never come near it; a message above it can only be forged or
/// corrupt. Half the term space stays above it for campaigns.
pub const MAX_ADOPTED_TERM: Term = 1 << 52;
/// Past `MAX_ADOPTED_TERM` a node still follows the cluster's elections, adopting a term
/// at most this far above its own: after a forged term at the cap, elections go on, and
/// creeping to `MAX_TERM` would take 2^42 forged messages.
pub const MAX_TERM_STEP: Term = 1 << 10;
/// The most entries one message may carry (a leader sends far fewer: see
/// `Config::max_size_per_msg`).
pub const MAX_ENTRIES_PER_MSG: usize = 1 << 20;

/// What a message is for. Local messages (`Hup`, `Beat`, `Propose`, `Unreachable`,
/// `SnapStatus`, `CheckQuorum`) never leave the node; the transport must refuse them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    /// Local: start an election (or pre-election).
    Hup,
    /// Local: the leader should broadcast heartbeats.
    Beat,
    /// Local (or forwarded from a follower): append these entries.
    Propose,
    Append,
    AppendResp,
    Vote,
    VoteResp,
    PreVote,
    PreVoteResp,
    Snapshot,
    Heartbeat,
    HeartbeatResp,
    /// Local: the runtime could not reach `from`.
    Unreachable,
    /// Local: outcome of sending a snapshot to `from` (`reject` = failed).
    SnapStatus,
    /// Local: the leader checks that it heard from a quorum.
    CheckQuorum,
    TransferLeader,
    TimeoutNow,
    ReadIndex,
    ReadIndexResp,
}

impl MessageType {
    /// Messages that only exist inside one node.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            MessageType::Hup
                | MessageType::Beat
                | MessageType::Unreachable
                | MessageType::SnapStatus
                | MessageType::CheckQuorum
        )
    }

    /// The response type that answers a vote or pre-vote request.
    pub fn vote_response(self) -> MessageType {
        match self {
            MessageType::Vote => MessageType::VoteResp,
            MessageType::PreVote => MessageType::PreVoteResp,
            other => panic!("{other:?} is not a vote request"),
        }
    }
}

/// One Raft message. Fields that a message type does not use stay at their defaults and
/// are left out of the JSON form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    #[serde(rename = "type")]
    pub msg_type: MessageType,
    pub to: NodeId,
    pub from: NodeId,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub term: Term,
    /// For appends: the term of the entry at `index` (the entry before `entries`).
    /// For votes: the term of the candidate's last entry.
    /// For append rejections: the term of the follower's entry at `reject_hint`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_term: Term,
    /// For appends: the index before `entries`; for votes: the candidate's last index;
    /// for append responses: the highest index the follower matched (or the rejected one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub index: Index,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub commit: Index,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reject: bool,
    /// For append rejections: the follower's guess of the highest index that may match.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reject_hint: Index,
    /// Opaque bytes: the request context of a ReadIndex, or a campaign-transfer marker.
    #[serde(
        default,
        skip_serializing_if = "Bytes::is_empty",
        with = "base64_bytes"
    )]
    pub context: Bytes,
}

impl Message {
    /// A message with every optional field at its default.
    pub fn new(msg_type: MessageType, from: NodeId, to: NodeId) -> Message {
        Message {
            msg_type,
            to,
            from,
            term: 0,
            log_term: 0,
            index: 0,
            entries: Vec::new(),
            commit: 0,
            snapshot: None,
            reject: false,
            reject_hint: 0,
            context: Bytes::new(),
        }
    }
}

/// Checks what can be checked of `m` without any node state: every term, index, commit
/// and hint within `MAX_TERM`/`MAX_INDEX`, no log term above the message term, a bounded
/// number of entries that (except in proposals, whose positions the leader assigns)
/// follow `index` contiguously with non-decreasing terms not above the message term, and
/// a snapshot within the limits and not newer than the message term. `Raft::step` runs
/// it first and drops a message that fails it, changing nothing.
pub fn check_message_bounds(m: &Message) -> Result<(), Error> {
    let out = |what: &'static str, value: u64, limit: u64| {
        Err(Error::MessageOutOfRange { what, value, limit })
    };
    if m.from == 0 {
        return Err(Error::MalformedMessage("sender id 0".into()));
    }
    for (what, value, limit) in [
        ("term", m.term, MAX_TERM),
        ("log_term", m.log_term, MAX_TERM),
        ("index", m.index, MAX_INDEX),
        ("commit", m.commit, MAX_INDEX),
        ("reject_hint", m.reject_hint, MAX_INDEX),
    ] {
        if value > limit {
            return out(what, value, limit);
        }
    }
    // Term-0 messages (forwarded proposals and reads) carry no log position.
    if m.term != 0 && m.log_term > m.term {
        return out("log_term above the message term", m.log_term, m.term);
    }
    if m.entries.len() > MAX_ENTRIES_PER_MSG {
        return out(
            "entry count",
            m.entries.len() as u64,
            MAX_ENTRIES_PER_MSG as u64,
        );
    }
    if m.msg_type != MessageType::Propose {
        let mut prev_term = m.log_term;
        for (i, e) in m.entries.iter().enumerate() {
            let Some(want) = m
                .index
                .checked_add(1)
                .and_then(|first| first.checked_add(i as u64))
                .filter(|&want| want <= MAX_INDEX)
            else {
                return out(
                    "entry index",
                    m.index.saturating_add(1 + i as u64),
                    MAX_INDEX,
                );
            };
            if e.index != want {
                return Err(Error::MalformedMessage(format!(
                    "entry {i} has index {}, expected {want}",
                    e.index
                )));
            }
            if e.term > m.term {
                return out("entry term above the message term", e.term, m.term);
            }
            if e.term < prev_term {
                return Err(Error::MalformedMessage(format!(
                    "entry {} has term {}, below the term {prev_term} before it",
                    e.index, e.term
                )));
            }
            prev_term = e.term;
        }
    }
    if let Some(s) = &m.snapshot {
        if s.meta.index > MAX_INDEX {
            return out("snapshot index", s.meta.index, MAX_INDEX);
        }
        if s.meta.term > m.term {
            return out("snapshot term above the message term", s.meta.term, m.term);
        }
    }
    Ok(())
}

/// What an entry carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryType {
    /// Application data (a KV command), opaque to the core.
    #[default]
    Normal,
    /// `data` is an encoded [`ConfChange`].
    ConfChange,
    /// The empty entry a new leader appends to commit entries of earlier terms.
    Empty,
}

/// One log entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub term: Term,
    pub index: Index,
    #[serde(rename = "type", default)]
    pub entry_type: EntryType,
    #[serde(
        default,
        skip_serializing_if = "Bytes::is_empty",
        with = "base64_bytes"
    )]
    pub data: Bytes,
}

impl Entry {
    /// The bytes this entry counts for in size limits (payload plus a fixed overhead).
    pub fn size(&self) -> u64 {
        self.data.len() as u64 + ENTRY_OVERHEAD
    }

    /// The (index, term) position of this entry.
    pub fn id(&self) -> EntryId {
        EntryId {
            index: self.index,
            term: self.term,
        }
    }
}

/// Size counted per entry besides its payload, so that a flood of empty entries is
/// still bounded by byte limits.
pub const ENTRY_OVERHEAD: u64 = 16;

/// A log position: an index and the term of the entry there.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct EntryId {
    pub index: Index,
    pub term: Term,
}

/// The state every node must persist before it sends a message that depends on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardState {
    pub term: Term,
    /// Whom this node voted for in `term`, if anyone.
    pub vote: Option<NodeId>,
    /// The highest index known committed. Invariant: `commit <= last index` on disk.
    pub commit: Index,
}

/// The membership: who votes, who only learns. The two sets are disjoint and sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConfState {
    pub voters: Vec<NodeId>,
    #[serde(default)]
    pub learners: Vec<NodeId>,
}

impl ConfState {
    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.learners.contains(&id)
    }
}

/// A single-step membership change.
///
/// Entries are JSON with the variant's snake_case name, so entries written before a
/// variant was added still decode. `UpdateUrl` is the newest: a binary older than it
/// cannot decode such an entry (it logs and skips it, leaving the member at its old URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfChangeType {
    AddVoter,
    AddLearner,
    PromoteLearner,
    Remove,
    /// The member moved: its URL (the context) replaces the recorded one. The voter and
    /// learner sets stay as they are.
    UpdateUrl,
}

/// A membership change as proposed and carried by a `ConfChange` entry. `context` is
/// opaque to the core; the runtime puts the member's URL there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfChange {
    pub change_type: ConfChangeType,
    pub node_id: NodeId,
    #[serde(
        default,
        skip_serializing_if = "Bytes::is_empty",
        with = "base64_bytes"
    )]
    pub context: Bytes,
}

impl ConfChange {
    /// The entry payload form.
    pub fn encode(&self) -> Bytes {
        Bytes::from(serde_json::to_vec(self).expect("a ConfChange always serialises"))
    }

    /// Parses an entry payload; a payload that is not a conf change is an error, not a panic.
    pub fn decode(data: &[u8]) -> Result<ConfChange, serde_json::Error> {
        serde_json::from_slice(data)
    }
}

/// Where a snapshot sits in the log and the membership at that point.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    pub index: Index,
    pub term: Term,
    pub conf_state: ConfState,
}

/// A state machine image at `meta.index`. `data` is opaque to the core.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub meta: SnapshotMeta,
    #[serde(
        default,
        skip_serializing_if = "Bytes::is_empty",
        with = "base64_bytes"
    )]
    pub data: Bytes,
}

impl Snapshot {
    /// The zero snapshot (index 0) stands for "no snapshot".
    pub fn is_empty(&self) -> bool {
        self.meta.index == 0
    }
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn is_false(v: &bool) -> bool {
    !*v
}

/// Serde adapter: `Bytes` as a standard base64 string.
pub mod base64_bytes {
    use base64::Engine as _;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Bytes::from)
            .map_err(|e| serde::de::Error::custom(format!("bad base64 payload: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_json_round_trip_keeps_payloads() {
        let mut m = Message::new(MessageType::Append, 1, 2);
        m.term = 3;
        m.index = 9;
        m.log_term = 2;
        m.commit = 8;
        m.entries = vec![Entry {
            term: 3,
            index: 10,
            entry_type: EntryType::Normal,
            data: Bytes::from_static(b"\x00\xffput"),
        }];
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"type\":\"append\""), "{json}");
        let back: Message = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn bad_base64_is_an_error_not_a_panic() {
        let json =
            r#"{"type":"append","to":2,"from":1,"entries":[{"term":1,"index":1,"data":"!!"}]}"#;
        let err = serde_json::from_str::<Message>(json).unwrap_err();
        assert!(err.to_string().contains("base64"), "{err}");
    }

    #[test]
    fn conf_change_round_trip() {
        let cc = ConfChange {
            change_type: ConfChangeType::AddLearner,
            node_id: 4,
            context: Bytes::from_static(b"http://127.0.0.1:7004"),
        };
        assert_eq!(ConfChange::decode(&cc.encode()).unwrap(), cc);
        assert!(ConfChange::decode(b"not json").is_err());
        let update = ConfChange {
            change_type: ConfChangeType::UpdateUrl,
            node_id: 3,
            context: Bytes::from_static(b"http://127.0.0.1:7013"),
        };
        assert_eq!(ConfChange::decode(&update.encode()).unwrap(), update);
        // Entries written before `update_url` existed decode as they did.
        let old = br#"{"change_type":"promote_learner","node_id":4}"#;
        assert_eq!(
            ConfChange::decode(old).unwrap().change_type,
            ConfChangeType::PromoteLearner
        );
    }
}
