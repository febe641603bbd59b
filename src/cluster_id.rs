//! [`ClusterId`]: which cluster a member, a peer message or a file belongs to. Random at
//! bootstrap, recorded in every data dir and snapshot file, and checked on every peer
//! message; shown and parsed everywhere as 16 lowercase hex digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A cluster's id (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClusterId(pub u64);

impl ClusterId {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for ClusterId {
    fn from(id: u64) -> ClusterId {
        ClusterId(id)
    }
}

impl fmt::Display for ClusterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Why a text is not a cluster id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a cluster id (16 hex digits, as `raftctl status` shows it)")]
pub struct BadClusterId(pub String);

impl FromStr for ClusterId {
    type Err = BadClusterId;

    /// Exactly 16 hex digits, either case.
    fn from_str(text: &str) -> Result<ClusterId, BadClusterId> {
        if text.len() != 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadClusterId(text.chars().take(40).collect()));
        }
        u64::from_str_radix(text, 16)
            .map(ClusterId)
            .map_err(|_| BadClusterId(text.into()))
    }
}

impl Serialize for ClusterId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClusterId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ClusterId, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_as_sixteen_hex_digits_and_parsed_back() {
        assert_eq!(ClusterId(0xab).to_string(), "00000000000000ab");
        assert_eq!("00000000000000AB".parse(), Ok(ClusterId(0xab)));
        let max = ClusterId(u64::MAX);
        assert_eq!(max.to_string().parse(), Ok(max));
        for bad in [
            "",
            "ab",
            "+0000000000000ab",
            "00000000000000ag",
            "000000000000000ab",
        ] {
            let err = bad.parse::<ClusterId>().unwrap_err().to_string();
            assert!(err.contains("not a cluster id"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn travels_in_json_as_its_text() {
        let json = serde_json::to_string(&ClusterId(1)).unwrap();
        assert_eq!(json, "\"0000000000000001\"");
        assert_eq!(
            serde_json::from_str::<ClusterId>(&json).unwrap(),
            ClusterId(1)
        );
        assert!(serde_json::from_str::<ClusterId>("\"zz\"").is_err());
    }
}
