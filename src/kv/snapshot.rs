//! The KV table as a byte stream, for snapshot files.
//!
//! Format (integers little-endian), self-delimiting so that it can sit inside a larger
//! snapshot file, and self-checking so that a truncated or damaged stream is refused
//! rather than half restored:
//!
//! ```text
//! magic:   b"RAFTKV" 0x00 0x01 (format version 1)
//! record*: [key_len: u32][value_len: u32][mod_index: u64][key: utf-8][value]
//! end:     [0xFFFF_FFFF: u32][records: u64][crc32c of every byte before it: u32]
//! ```
//!
//! Records come in strictly increasing key order (the table's order), which restore
//! checks.

use std::io::{self, BufWriter, Read, Write};

use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::store::KV_DATA;
use super::{Error, Result};

const MAGIC: [u8; 8] = *b"RAFTKV\x00\x01";
const END: u32 = u32::MAX;
const RECORD_HEADER: usize = 4 + 4 + 8;

/// What a snapshot stream held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapshotStats {
    /// Key-value records.
    pub keys: u64,
    /// Bytes of the whole stream, framing included.
    pub bytes: u64,
}

/// Counts and checksums what passes through.
struct Tracked<T> {
    inner: T,
    offset: u64,
    crc: u32,
}

impl<T> Tracked<T> {
    fn new(inner: T) -> Self {
        Tracked {
            inner,
            offset: 0,
            crc: 0,
        }
    }
}

impl<W: Write> Tracked<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        self.crc = crc32c::crc32c_append(self.crc, bytes);
        self.offset += bytes.len() as u64;
        Ok(())
    }
}

impl<R: Read> Tracked<R> {
    /// Fills `buf` completely; the end of input is `Truncated`.
    fn fill(&mut self, buf: &mut [u8], inside: &'static str) -> Result<()> {
        let mut done = 0;
        while done < buf.len() {
            match self.inner.read(&mut buf[done..]) {
                Ok(0) => {
                    return Err(Error::Truncated {
                        offset: self.offset + done as u64,
                        inside,
                    })
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.crc = crc32c::crc32c_append(self.crc, buf);
        self.offset += buf.len() as u64;
        Ok(())
    }

    /// Reads exactly `len` bytes into a vector that grows only as data actually
    /// arrives, so a damaged length cannot make us allocate gigabytes up front.
    fn take(&mut self, len: usize, inside: &'static str) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(len.min(64 * 1024));
        let got = (&mut self.inner).take(len as u64).read_to_end(&mut out)?;
        self.crc = crc32c::crc32c_append(self.crc, &out);
        self.offset += got as u64;
        if got < len {
            return Err(Error::Truncated {
                offset: self.offset,
                inside,
            });
        }
        Ok(out)
    }

    fn u32(&mut self, inside: &'static str) -> Result<u32> {
        let mut b = [0; 4];
        self.fill(&mut b, inside)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self, inside: &'static str) -> Result<u64> {
        let mut b = [0; 8];
        self.fill(&mut b, inside)?;
        Ok(u64::from_le_bytes(b))
    }
}

/// Writes every key of the store, as seen by `txn`, to `out`.
///
/// Reads one consistent view, so writers go on committing meanwhile. `out` is buffered
/// here; the stream is flushed before returning.
pub fn write_snapshot(txn: &ReadTransaction, out: impl Write) -> Result<SnapshotStats> {
    let mut w = Tracked::new(BufWriter::with_capacity(64 * 1024, out));
    w.put(&MAGIC)?;
    let mut keys = 0u64;
    let table = match txn.open_table(KV_DATA) {
        Ok(table) => Some(table),
        Err(redb::TableError::TableDoesNotExist(_)) => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(table) = table {
        for item in table.iter()? {
            let (key, value) = item?;
            let key = key.value();
            let (mod_index, value) = value.value();
            let too_large = |what, len| Error::TooLarge {
                key: key.to_owned(),
                what,
                len,
            };
            let key_len = u32::try_from(key.len())
                .ok()
                .filter(|l| *l != END)
                .ok_or_else(|| too_large("key", key.len()))?;
            let value_len =
                u32::try_from(value.len()).map_err(|_| too_large("value", value.len()))?;
            let mut header = [0u8; RECORD_HEADER];
            header[..4].copy_from_slice(&key_len.to_le_bytes());
            header[4..8].copy_from_slice(&value_len.to_le_bytes());
            header[8..].copy_from_slice(&mod_index.to_le_bytes());
            w.put(&header)?;
            w.put(key.as_bytes())?;
            w.put(value)?;
            keys += 1;
        }
    }
    w.put(&END.to_le_bytes())?;
    w.put(&keys.to_le_bytes())?;
    let crc = w.crc;
    w.put(&crc.to_le_bytes())?;
    w.inner.flush()?;
    Ok(SnapshotStats {
        keys,
        bytes: w.offset,
    })
}

/// Replaces the whole store with the snapshot read from `input`.
///
/// Streams record by record (memory holds one key-value pair at a time). Reads exactly
/// the snapshot's bytes and nothing after them, so `input` may be a section of a larger
/// file; it is read in small pieces, so pass a `BufReader` over a file.
///
/// On any error the table is left half replaced inside `txn`: the caller must abort the
/// transaction (dropping it does), which leaves the previous contents intact.
pub fn restore(txn: &WriteTransaction, input: impl Read) -> Result<SnapshotStats> {
    let mut r = Tracked::new(input);
    let mut magic = [0u8; MAGIC.len()];
    r.fill(&mut magic, "the header")?;
    if magic[..6] != MAGIC[..6] {
        return Err(Error::Corrupt {
            offset: 0,
            reason: "not a raftctl KV snapshot (bad magic)".into(),
        });
    }
    if magic[6..] != MAGIC[6..] {
        return Err(Error::Corrupt {
            offset: 6,
            reason: format!(
                "format version {} is unknown (this build reads version {})",
                u16::from_be_bytes([magic[6], magic[7]]),
                MAGIC[7]
            ),
        });
    }

    txn.delete_table(KV_DATA)?;
    let mut table = txn.open_table(KV_DATA)?;
    let mut keys = 0u64;
    let mut last_key: Option<String> = None;
    loop {
        let record_at = r.offset;
        let key_len = r.u32("a record header")?;
        if key_len == END {
            break;
        }
        let value_len = r.u32("a record header")?;
        let mod_index = r.u64("a record header")?;
        let key = r.take(key_len as usize, "a key")?;
        let key = String::from_utf8(key).map_err(|_| Error::Corrupt {
            offset: record_at,
            reason: "key is not valid UTF-8".into(),
        })?;
        if last_key.as_ref().is_some_and(|last| *last >= key) {
            return Err(Error::Corrupt {
                offset: record_at,
                reason: format!("key {key:?} is out of order"),
            });
        }
        let value = r.take(value_len as usize, "a value")?;
        table.insert(key.as_str(), (mod_index, value.as_slice()))?;
        keys += 1;
        last_key = Some(key);
    }
    let records = r.u64("the end record")?;
    let expected_crc = r.crc;
    let crc = r.u32("the end record")?;
    if records != keys {
        return Err(Error::Corrupt {
            offset: r.offset,
            reason: format!("end record counts {records} keys, the stream held {keys}"),
        });
    }
    if crc != expected_crc {
        return Err(Error::Corrupt {
            offset: r.offset,
            reason: format!("checksum {crc:08x} does not match the content ({expected_crc:08x})"),
        });
    }
    Ok(SnapshotStats {
        keys,
        bytes: r.offset,
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use redb::ReadableDatabase;

    use super::super::store::tests::{del, put, temp_db};
    use super::super::{apply, count, get, get_versioned, list};
    use super::*;

    fn fill(db: &redb::Database, n: u64) {
        let w = db.begin_write().unwrap();
        for i in 0..n {
            apply(&w, i + 1, &put(&format!("key/{i:04}"), &[i as u8; 37])).unwrap();
        }
        w.commit().unwrap();
    }

    fn snapshot_bytes(db: &redb::Database) -> (Vec<u8>, SnapshotStats) {
        let mut out = Vec::new();
        let stats = write_snapshot(&db.begin_read().unwrap(), &mut out).unwrap();
        (out, stats)
    }

    #[test]
    fn round_trip_replaces_everything() {
        let (_d1, source) = temp_db();
        fill(&source, 300);
        let w = source.begin_write().unwrap();
        apply(&w, 301, &put("", b"empty key")).unwrap();
        apply(&w, 302, &put("β/unicode", b"")).unwrap();
        // Larger than one read: the value arrives over several reads.
        apply(&w, 303, &put("big", &vec![7u8; 200_000])).unwrap();
        apply(&w, 304, &del("key/0007")).unwrap();
        w.commit().unwrap();
        let (bytes, stats) = snapshot_bytes(&source);
        assert_eq!(stats.keys, 302);
        assert_eq!(stats.bytes, bytes.len() as u64);

        let (_d2, target) = temp_db();
        let w = target.begin_write().unwrap();
        apply(&w, 1, &put("stale", b"must go")).unwrap();
        w.commit().unwrap();

        let w = target.begin_write().unwrap();
        let restored = restore(&w, bytes.as_slice()).unwrap();
        w.commit().unwrap();
        assert_eq!(restored, stats);

        let (a, b) = (source.begin_read().unwrap(), target.begin_read().unwrap());
        assert_eq!(count(&b).unwrap(), 302);
        assert_eq!(get(&b, "stale").unwrap(), None);
        assert_eq!(
            list(&a, "", usize::MAX).unwrap(),
            list(&b, "", usize::MAX).unwrap()
        );
        for key in list(&a, "", usize::MAX).unwrap() {
            assert_eq!(
                get_versioned(&a, &key).unwrap(),
                get_versioned(&b, &key).unwrap()
            );
        }
        assert_eq!(
            get_versioned(&b, "β/unicode").unwrap(),
            Some((Bytes::new(), 302))
        );
    }

    #[test]
    fn empty_store_round_trips() {
        let (_d, db) = temp_db();
        let (bytes, stats) = snapshot_bytes(&db);
        assert_eq!(stats, SnapshotStats { keys: 0, bytes: 24 });
        let w = db.begin_write().unwrap();
        assert_eq!(restore(&w, bytes.as_slice()).unwrap().keys, 0);
    }

    #[test]
    fn reads_only_its_own_bytes() {
        let (_d, db) = temp_db();
        fill(&db, 3);
        let (mut bytes, _) = snapshot_bytes(&db);
        let len = bytes.len();
        bytes.extend_from_slice(b"whatever follows");
        let mut input = bytes.as_slice();
        let w = db.begin_write().unwrap();
        restore(&w, &mut input).unwrap();
        assert_eq!(input, b"whatever follows", "consumed {len} bytes only");
    }

    #[test]
    fn writes_continue_while_a_snapshot_is_read() {
        let (_d, db) = temp_db();
        fill(&db, 10);
        let view = db.begin_read().unwrap();
        let w = db.begin_write().unwrap();
        apply(&w, 11, &put("later", b"x")).unwrap();
        w.commit().unwrap();
        let mut out = Vec::new();
        assert_eq!(write_snapshot(&view, &mut out).unwrap().keys, 10);
    }

    /// Restoring `input` into `db` (which holds `fill(db, 5)`) fails with an error
    /// matched by `check`, and once the transaction is dropped the old contents are
    /// all there.
    fn assert_refused(db: &redb::Database, input: &[u8], check: impl Fn(&Error) -> bool) {
        let w = db.begin_write().unwrap();
        let err = restore(&w, input).unwrap_err();
        assert!(check(&err), "unexpected error: {err}");
        drop(w);
        let r = db.begin_read().unwrap();
        assert_eq!(count(&r).unwrap(), 5);
        assert_eq!(
            get(&r, "key/0003").unwrap(),
            Some(Bytes::from(vec![3u8; 37]))
        );
    }

    fn victim() -> (tempfile::TempDir, redb::Database) {
        let (dir, db) = temp_db();
        fill(&db, 5);
        (dir, db)
    }

    #[test]
    fn truncated_input_is_refused_at_every_length() {
        let (_d, db) = temp_db();
        fill(&db, 4);
        let (bytes, _) = snapshot_bytes(&db);
        let (_v, victim) = victim();
        for len in 0..bytes.len() {
            assert_refused(&victim, &bytes[..len], |e| {
                matches!(e, Error::Truncated { .. })
            });
        }
    }

    #[test]
    fn garbage_and_flipped_bits_are_refused() {
        let (_v, victim) = victim();
        assert_refused(&victim, b"definitely not a snapshot", |e| {
            matches!(e, Error::Corrupt { offset: 0, .. })
        });
        let (_d, db) = temp_db();
        fill(&db, 4);
        let (bytes, _) = snapshot_bytes(&db);
        let mut newer = bytes.clone();
        newer[7] = 2;
        assert_refused(&victim, &newer, |e| e.to_string().contains("version 2"));
        // Flip one bit in every byte position past the magic: each is caught, as a
        // checksum mismatch, a bad length (truncation), bad UTF-8 or key order.
        for at in MAGIC.len()..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x10;
            assert_refused(&victim, &bad, |e| {
                matches!(e, Error::Corrupt { .. } | Error::Truncated { .. })
            });
        }
    }
}
