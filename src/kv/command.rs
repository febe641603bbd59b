//! The KV commands carried in `Normal` log entries, and their binary encoding.
//!
//! Layout (little-endian), chosen so that encoding and decoding cost next to nothing on
//! the write path and `wal dump` can summarise entries without the state machine:
//!
//! ```text
//! [version: u8 = 1][op: u8][origin: u64][request_id: u64][key_len: u32][key: utf-8][value: rest]
//! ```
//!
//! `origin` is the member that accepted the client request and `request_id` is unique on
//! that member, so that exactly that member answers the client when it applies the entry.

use bytes::{BufMut, Bytes, BytesMut};

use crate::raft::NodeId;

const VERSION: u8 = 1;
const OP_PUT: u8 = 1;
const OP_DELETE: u8 = 2;
const HEADER: usize = 1 + 1 + 8 + 8 + 4;

/// Longest key accepted, in bytes of UTF-8.
pub const MAX_KEY_LEN: usize = 4096;
/// Largest value accepted, in bytes. Bounded so that one entry always fits in one
/// replication message. The client API and forwarded proposals share these limits.
pub const MAX_VALUE_LEN: usize = 512 * 1024;

/// A key that obeys the limits every write obeys: non-empty, at most [`MAX_KEY_LEN`]
/// bytes of UTF-8. The client API, the CLI and forwarded proposals check keys by making
/// one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(String);

impl Key {
    pub fn new(key: impl Into<String>) -> Result<Key, LimitError> {
        let key = key.into();
        Key::check(&key)?;
        Ok(Key(key))
    }

    /// Whether `key` would make a [`Key`], without taking it.
    pub fn check(key: &str) -> Result<(), LimitError> {
        if key.is_empty() {
            return Err(LimitError::EmptyKey);
        }
        if key.len() > MAX_KEY_LEN {
            return Err(LimitError::KeyTooLong(key.len()));
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a command does to the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Put { key: String, value: Bytes },
    Delete { key: String },
}

impl Op {
    pub fn key(&self) -> &str {
        match self {
            Op::Put { key, .. } | Op::Delete { key } => key,
        }
    }
}

/// One client write as it travels through the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub origin: NodeId,
    pub request_id: u64,
    pub op: Op,
}

/// Why an entry payload is not a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("command is {len} bytes, shorter than its {HEADER}-byte header")]
    Short { len: usize },
    #[error("command format version {0} is unknown (this build reads version {VERSION})")]
    Version(u8),
    #[error("unknown command op {0}")]
    Op(u8),
    #[error("key length {key_len} runs past the end of the {len}-byte command")]
    KeyLength { key_len: usize, len: usize },
    #[error("key is not valid UTF-8")]
    KeyEncoding,
    #[error("a delete carries no value, but this one has {0} bytes after the key")]
    TrailingBytes(usize),
}

/// A command outside the limits of [`Command::check_limits`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the key is empty")]
    EmptyKey,
    #[error("the key is {0} bytes long; the limit is {MAX_KEY_LEN}")]
    KeyTooLong(usize),
    #[error("the value is {0} bytes; the limit is {MAX_VALUE_LEN}")]
    ValueTooLarge(usize),
}

impl Command {
    pub fn encode(&self) -> Bytes {
        let (op, key, value): (u8, &str, &[u8]) = match &self.op {
            Op::Put { key, value } => (OP_PUT, key, value),
            Op::Delete { key } => (OP_DELETE, key, &[]),
        };
        let mut buf = BytesMut::with_capacity(HEADER + key.len() + value.len());
        buf.put_u8(VERSION);
        buf.put_u8(op);
        buf.put_u64_le(self.origin);
        buf.put_u64_le(self.request_id);
        buf.put_u32_le(key.len() as u32);
        buf.put_slice(key.as_bytes());
        buf.put_slice(value);
        buf.freeze()
    }

    /// Decodes an entry payload. The value shares `data`'s buffer (no copy).
    pub fn decode(data: &Bytes) -> Result<Command, DecodeError> {
        let len = data.len();
        if len < HEADER {
            return Err(DecodeError::Short { len });
        }
        if data[0] != VERSION {
            return Err(DecodeError::Version(data[0]));
        }
        let op = data[1];
        let u64_at = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&data[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let origin = u64_at(2);
        let request_id = u64_at(10);
        let mut kl = [0u8; 4];
        kl.copy_from_slice(&data[18..22]);
        let key_len = u32::from_le_bytes(kl) as usize;
        let key_end = HEADER
            .checked_add(key_len)
            .filter(|end| *end <= len)
            .ok_or(DecodeError::KeyLength { key_len, len })?;
        let key = std::str::from_utf8(&data[HEADER..key_end])
            .map_err(|_| DecodeError::KeyEncoding)?
            .to_owned();
        let op = match op {
            OP_PUT => Op::Put {
                key,
                value: data.slice(key_end..),
            },
            OP_DELETE if key_end == len => Op::Delete { key },
            OP_DELETE => return Err(DecodeError::TrailingBytes(len - key_end)),
            other => return Err(DecodeError::Op(other)),
        };
        Ok(Command {
            origin,
            request_id,
            op,
        })
    }

    /// The limits every write obeys, however it arrived (a client request or a
    /// proposal forwarded by a peer): a non-empty key of at most [`MAX_KEY_LEN`] bytes
    /// and a value of at most [`MAX_VALUE_LEN`] bytes.
    pub fn check_limits(&self) -> Result<(), LimitError> {
        Key::check(self.op.key())?;
        if let Op::Put { value, .. } = &self.op {
            if value.len() > MAX_VALUE_LEN {
                return Err(LimitError::ValueTooLarge(value.len()));
            }
        }
        Ok(())
    }

    /// A one-line description for `wal dump`: `put "k" (12 B)` or `del "k"`.
    pub fn summary(&self) -> String {
        match &self.op {
            Op::Put { key, value } => format!("put {key:?} ({} B)", value.len()),
            Op::Delete { key } => format!("del {key:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for op in [
            Op::Put {
                key: "a/β".into(),
                value: Bytes::from_static(b"\x00\x01v"),
            },
            Op::Put {
                key: String::new(),
                value: Bytes::new(),
            },
            Op::Delete { key: "gone".into() },
        ] {
            let c = Command {
                origin: 3,
                request_id: u64::MAX,
                op,
            };
            assert_eq!(Command::decode(&c.encode()).unwrap(), c);
        }
    }

    #[test]
    fn summary_names_key_and_size() {
        let c = Command {
            origin: 1,
            request_id: 1,
            op: Op::Put {
                key: "k".into(),
                value: Bytes::from_static(&[0; 12]),
            },
        };
        assert_eq!(c.summary(), "put \"k\" (12 B)");
    }

    #[test]
    fn limits_are_those_of_the_client_api() {
        let put = |key: &str, len: usize| Command {
            origin: 1,
            request_id: 1,
            op: Op::Put {
                key: key.into(),
                value: Bytes::from(vec![0; len]),
            },
        };
        assert_eq!(put("k", MAX_VALUE_LEN).check_limits(), Ok(()));
        assert_eq!(
            put("k", MAX_VALUE_LEN + 1).check_limits(),
            Err(LimitError::ValueTooLarge(MAX_VALUE_LEN + 1))
        );
        assert_eq!(put("", 1).check_limits(), Err(LimitError::EmptyKey));
        let long = "k".repeat(MAX_KEY_LEN + 1);
        assert_eq!(
            put(&long, 1).check_limits(),
            Err(LimitError::KeyTooLong(MAX_KEY_LEN + 1))
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            Command::decode(&Bytes::from_static(b"xy")),
            Err(DecodeError::Short { .. })
        ));
        let mut bad = Command {
            origin: 1,
            request_id: 1,
            op: Op::Delete { key: "k".into() },
        }
        .encode()
        .to_vec();
        bad[18] = 200; // key length past the end
        assert!(matches!(
            Command::decode(&Bytes::from(bad.clone())),
            Err(DecodeError::KeyLength { .. })
        ));
        bad[0] = 9;
        assert_eq!(
            Command::decode(&Bytes::from(bad)),
            Err(DecodeError::Version(9))
        );
    }
}
