//! Offline reading of a data dir and snapshot files, for the `wal` commands (and later
//! `recover` and `snapshot inspect`). Everything here opens the store read-only: it never
//! writes to a data dir, and a dir held by a running node is reported as in use.
//!
//! Results are plain data with the JSON shapes of SPEC §3; `cli` prints them.

pub mod wal;

pub use wal::{
    dump, hardstate, verify, DumpEntry, DumpOptions, HardStateReport, VerifyReport, WalDump,
};

/// Serialises a u64 as a JSON number when a JSON parser keeps it exact (below 2^53), and
/// as a decimal string otherwise (SPEC §3: never values a parser would round).
pub fn json_u64<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    const EXACT: u64 = (1 << 53) - 1;
    if *v <= EXACT {
        s.serialize_u64(*v)
    } else {
        s.serialize_str(&v.to_string())
    }
}

/// `json_u64` for an optional value (`null` when absent).
pub fn json_opt_u64<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => json_u64(v, s),
        None => s.serialize_none(),
    }
}
