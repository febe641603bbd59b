//! The byte forms of what the database holds.
//!
//! Log entries are on the hot path (every Ready appends some), so they are stored in a
//! small binary form rather than JSON:
//!
//! ```text
//! log table value:  [type: u8 (0 normal, 1 conf_change, 2 empty)][term: u64 LE][data: rest]
//! hard_state:       [term: u64 LE][vote: u64 LE, 0 = none][commit: u64 LE]
//! log_start:        [index: u64 LE][term: u64 LE]   the last compacted position
//! scalars:          u64 LE (node_id, cluster_id, applied), u32 LE (format_version)
//! membership, snapshot: JSON (small, written rarely, readable in a hex dump)
//! ```
//!
//! Decoding never trusts the bytes: a short or unknown value is an error string that the
//! caller turns into `Error::Decode` with the path.

use bytes::Bytes;

use crate::raft::{Entry, EntryId, EntryType, HardState, Index, Term};

const TYPE_NORMAL: u8 = 0;
const TYPE_CONF_CHANGE: u8 = 1;
const TYPE_EMPTY: u8 = 2;
const ENTRY_HEADER: usize = 1 + 8;

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let slice = bytes.get(at..at + 8)?;
    let mut b = [0u8; 8];
    b.copy_from_slice(slice);
    Some(u64::from_le_bytes(b))
}

/// Encodes a log entry's value (the index is the table key).
pub fn encode_entry_into(buf: &mut Vec<u8>, term: Term, entry_type: EntryType, data: &[u8]) {
    buf.clear();
    buf.reserve(ENTRY_HEADER + data.len());
    buf.push(match entry_type {
        EntryType::Normal => TYPE_NORMAL,
        EntryType::ConfChange => TYPE_CONF_CHANGE,
        EntryType::Empty => TYPE_EMPTY,
    });
    buf.extend_from_slice(&term.to_le_bytes());
    buf.extend_from_slice(data);
}

/// Decodes a log entry's value into (term, type, payload).
pub fn decode_entry(value: &[u8]) -> Result<(Term, EntryType, Bytes), String> {
    let (term, entry_type) = decode_entry_header(value)?;
    Ok((
        term,
        entry_type,
        Bytes::copy_from_slice(&value[ENTRY_HEADER..]),
    ))
}

/// Decodes the log table's value stored under `index` into the entry: the one place an
/// entry is rebuilt from what the database holds.
pub fn decode_entry_record(index: Index, value: &[u8]) -> Result<Entry, String> {
    let (term, entry_type, data) = decode_entry(value)?;
    Ok(Entry {
        term,
        index,
        entry_type,
        data,
    })
}

/// Decodes only the term and type of a log entry's value, without copying the payload.
pub fn decode_entry_header(value: &[u8]) -> Result<(Term, EntryType), String> {
    if value.len() < ENTRY_HEADER {
        return Err(format!(
            "entry value is {} bytes, shorter than its {ENTRY_HEADER}-byte header",
            value.len()
        ));
    }
    let entry_type = match value[0] {
        TYPE_NORMAL => EntryType::Normal,
        TYPE_CONF_CHANGE => EntryType::ConfChange,
        TYPE_EMPTY => EntryType::Empty,
        other => return Err(format!("unknown entry type code {other}")),
    };
    let term = u64_at(value, 1).ok_or("entry term is cut short")?;
    Ok((term, entry_type))
}

/// The payload length of an encoded entry value.
pub fn entry_data_len(value: &[u8]) -> usize {
    value.len().saturating_sub(ENTRY_HEADER)
}

pub fn encode_hard_state(hs: &HardState) -> [u8; 24] {
    let mut out = [0u8; 24];
    out[..8].copy_from_slice(&hs.term.to_le_bytes());
    out[8..16].copy_from_slice(&hs.vote.unwrap_or(0).to_le_bytes());
    out[16..].copy_from_slice(&hs.commit.to_le_bytes());
    out
}

pub fn decode_hard_state(value: &[u8]) -> Result<HardState, String> {
    if value.len() != 24 {
        return Err(format!("hard state is {} bytes, expected 24", value.len()));
    }
    let field = |at| u64_at(value, at).ok_or("hard state is cut short");
    let vote = field(8)?;
    Ok(HardState {
        term: field(0)?,
        vote: (vote != 0).then_some(vote),
        commit: field(16)?,
    })
}

pub fn encode_entry_id(id: EntryId) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&id.index.to_le_bytes());
    out[8..].copy_from_slice(&id.term.to_le_bytes());
    out
}

pub fn decode_entry_id(value: &[u8]) -> Result<EntryId, String> {
    if value.len() != 16 {
        return Err(format!("log start is {} bytes, expected 16", value.len()));
    }
    Ok(EntryId {
        index: u64_at(value, 0).ok_or("log start is cut short")?,
        term: u64_at(value, 8).ok_or("log start is cut short")?,
    })
}

pub fn decode_u64(value: &[u8]) -> Result<u64, String> {
    if value.len() != 8 {
        return Err(format!("value is {} bytes, expected 8", value.len()));
    }
    u64_at(value, 0).ok_or_else(|| "value is cut short".to_string())
}

pub fn decode_u32(value: &[u8]) -> Result<u32, String> {
    let b: [u8; 4] = value
        .try_into()
        .map_err(|_| format!("value is {} bytes, expected 4", value.len()))?;
    Ok(u32::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_round_trip_for_every_type() {
        let mut buf = Vec::new();
        for t in [EntryType::Normal, EntryType::ConfChange, EntryType::Empty] {
            encode_entry_into(&mut buf, 7, t, b"payload");
            let (term, ty, data) = decode_entry(&buf).unwrap();
            assert_eq!((term, ty, &data[..]), (7, t, &b"payload"[..]));
            assert_eq!(entry_data_len(&buf), 7);
        }
        assert!(decode_entry(&[0, 1, 2]).is_err());
        assert!(decode_entry(&[9, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn hard_state_round_trip_keeps_absent_vote() {
        for hs in [
            HardState::default(),
            HardState {
                term: 5,
                vote: Some(3),
                commit: 99,
            },
        ] {
            assert_eq!(decode_hard_state(&encode_hard_state(&hs)).unwrap(), hs);
        }
        assert!(decode_hard_state(&[1, 2]).is_err());
    }

    #[test]
    fn entry_id_and_scalars_round_trip() {
        let id = EntryId { index: 9, term: 2 };
        assert_eq!(decode_entry_id(&encode_entry_id(id)).unwrap(), id);
        assert_eq!(decode_u64(&42u64.to_le_bytes()).unwrap(), 42);
        assert_eq!(decode_u32(&3u32.to_le_bytes()).unwrap(), 3);
        assert!(decode_u64(&[1]).is_err());
        assert!(decode_u32(&[1]).is_err());
    }
}
