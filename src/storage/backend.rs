//! A redb storage backend that never writes to its file.
//!
//! A `Database` opened by redb writes to its file: it marks the header "recovery needed"
//! on open and repairs an uncleanly closed file in place (redb's own read-only open
//! refuses such a file instead of repairing it). The offline tools must never modify a
//! data dir, yet must read one a crash left behind, so they open the file read-only
//! behind this backend: reads come from the file, and every write redb makes lands in an
//! in-memory overlay that is thrown away. The file is still locked through redb's own
//! `FileBackend` (shared locks where redb asks for exclusive ones, since the file is not
//! open for writing), so a running node's database is reported as in use rather than
//! read while it changes.
//!
//! Also here: [`delegate_file_locks!`](crate::delegate_file_locks), the lock methods of
//! any backend that wraps a `FileBackend` (this one, and the test backends that
//! simulate crashes and disk faults).

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::sync::Mutex;

use redb::backends::FileBackend;
use redb::{DatabaseError, StorageBackend};

const BLOCK: u64 = 4096;

#[derive(Debug)]
pub struct ReadOnlyBackend {
    file: FileBackend,
    state: Mutex<Overlay>,
}

#[derive(Debug)]
struct Overlay {
    /// Bytes of the file that are still visible (shrinks if redb truncates).
    file_len: u64,
    /// The length redb believes the storage has.
    len: u64,
    /// Blocks written by redb, keyed by block number.
    blocks: BTreeMap<u64, Vec<u8>>,
}

impl ReadOnlyBackend {
    /// Wraps a file opened for reading; redb's open fails with `DatabaseAlreadyOpen` when
    /// another process holds the database.
    pub fn new(file: File) -> Result<ReadOnlyBackend, DatabaseError> {
        let len = file.metadata()?.len();
        Ok(ReadOnlyBackend {
            file: FileBackend::new(file)?,
            state: Mutex::new(Overlay {
                file_len: len,
                len,
                blocks: BTreeMap::new(),
            }),
        })
    }

    fn overlay(&self) -> io::Result<std::sync::MutexGuard<'_, Overlay>> {
        self.state
            .lock()
            .map_err(|_| io::Error::other("read-only overlay lock poisoned"))
    }

    fn read_file(&self, file_len: u64, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset.saturating_add(buf.len() as u64);
        let readable_end = end.min(file_len);
        if offset < readable_end {
            let n = (readable_end - offset) as usize;
            self.file.read(offset, &mut buf[..n])?;
            buf[n..].fill(0);
        } else {
            buf.fill(0);
        }
        Ok(())
    }
}

impl StorageBackend for ReadOnlyBackend {
    fn len(&self) -> io::Result<u64> {
        Ok(self.overlay()?.len)
    }

    fn read(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let len = buf.len();
        let overlay = self.overlay()?;
        let end = offset
            .checked_add(len as u64)
            .filter(|end| *end <= overlay.len)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "read of {len} bytes at offset {offset} runs past the end of the {}-byte file",
                        overlay.len
                    ),
                )
            })?;
        self.read_file(overlay.file_len, offset, buf)?;
        for (block, data) in overlay.blocks.range(offset / BLOCK..end.div_ceil(BLOCK)) {
            let block_start = block * BLOCK;
            let from = offset.max(block_start);
            let to = end.min(block_start + BLOCK);
            buf[(from - offset) as usize..(to - offset) as usize]
                .copy_from_slice(&data[(from - block_start) as usize..(to - block_start) as usize]);
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut overlay = self.overlay()?;
        if len < overlay.len {
            overlay.file_len = overlay.file_len.min(len);
            let first_gone = len.div_ceil(BLOCK);
            overlay.blocks.split_off(&first_gone);
            if !len.is_multiple_of(BLOCK) {
                if let Some(last) = overlay.blocks.get_mut(&(len / BLOCK)) {
                    last[(len % BLOCK) as usize..].fill(0);
                }
            }
        }
        overlay.len = len;
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut overlay = self.overlay()?;
        let end = offset.saturating_add(data.len() as u64);
        if end > overlay.len {
            overlay.len = end;
        }
        let file_len = overlay.file_len;
        let mut at = offset;
        while at < end {
            let block = at / BLOCK;
            let block_start = block * BLOCK;
            let to = end.min(block_start + BLOCK);
            let dest = match overlay.blocks.entry(block) {
                std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => {
                    let mut fresh = vec![0u8; BLOCK as usize];
                    self.read_file(file_len, block_start, &mut fresh)?;
                    v.insert(fresh)
                }
            };
            dest[(at - block_start) as usize..(to - block_start) as usize]
                .copy_from_slice(&data[(at - offset) as usize..(to - offset) as usize]);
            at = to;
        }
        Ok(())
    }

    fn close(&self) -> io::Result<()> {
        self.file.close()
    }

    // The file is open for reading only, and a write lock needs a file open for writing
    // (EBADF otherwise): every lock this backend takes is a shared one. That still
    // conflicts with a running node's exclusive locks (so its database is reported as in
    // use), and a node cannot start while a reader holds the file.
    crate::delegate_file_locks!(file, shared);
}

/// Writes, inside an `impl redb::StorageBackend for T` block, the six lock methods of a
/// backend that wraps redb's `FileBackend` in its field `$file` and locks the file
/// through it, as redb's own backend would: `delegate_file_locks!(file);`. With
/// `delegate_file_locks!(file, shared);` every exclusive lock asked for is taken as a
/// shared one (for a file open for reading only). The caller depends on redb 4 as
/// `redb`.
///
/// Used by the read-only backend here, the crash-simulating backend of the node's
/// persistence tests, and the fault-injecting backend of `tests/storage_util` (which is
/// why it is exported).
#[macro_export]
macro_rules! delegate_file_locks {
    ($file:ident) => {
        $crate::delegate_file_locks!(@impl $file, try_lock_range, lock_range);
    };
    ($file:ident, shared) => {
        $crate::delegate_file_locks!(@impl $file, try_lock_shared_range, lock_shared_range);
    };
    (@impl $file:ident, $try_exclusive:ident, $exclusive:ident) => {
        fn try_lock_range(
            &self,
            start: ::std::ops::Bound<u64>,
            end: ::std::ops::Bound<u64>,
        ) -> ::std::result::Result<bool, ::redb::BackendError> {
            self.$file.$try_exclusive(start, end)
        }

        fn try_lock_shared_range(
            &self,
            start: ::std::ops::Bound<u64>,
            end: ::std::ops::Bound<u64>,
        ) -> ::std::result::Result<bool, ::redb::BackendError> {
            self.$file.try_lock_shared_range(start, end)
        }

        fn lock_range(
            &self,
            start: ::std::ops::Bound<u64>,
            end: ::std::ops::Bound<u64>,
        ) -> ::std::result::Result<(), ::redb::BackendError> {
            self.$file.$exclusive(start, end)
        }

        fn lock_shared_range(
            &self,
            start: ::std::ops::Bound<u64>,
            end: ::std::ops::Bound<u64>,
        ) -> ::std::result::Result<(), ::redb::BackendError> {
            self.$file.lock_shared_range(start, end)
        }

        fn unlock_range(
            &self,
            start: ::std::ops::Bound<u64>,
            end: ::std::ops::Bound<u64>,
        ) -> ::std::result::Result<(), ::redb::BackendError> {
            self.$file.unlock_range(start, end)
        }

        fn query_lock_range(
            &self,
            start: ::std::ops::Bound<u64>,
            end: ::std::ops::Bound<u64>,
        ) -> ::std::result::Result<bool, ::redb::BackendError> {
            self.$file.query_lock_range(start, end)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn writes_stay_in_memory_and_reads_see_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let original: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        File::create(&path).unwrap().write_all(&original).unwrap();
        let b = ReadOnlyBackend::new(File::open(&path).unwrap()).unwrap();
        b.write(4090, &[7; 20]).unwrap();
        let read = |offset: u64, len: usize| {
            let mut buf = vec![0u8; len];
            b.read(offset, &mut buf).map(|()| buf)
        };
        let got = read(4080, 40).unwrap();
        let mut want = original[4080..4120].to_vec();
        want[10..30].fill(7);
        assert_eq!(got, want);
        b.set_len(20_000).unwrap();
        assert_eq!(read(9_990, 20).unwrap()[10..], [0; 10]);
        b.set_len(4095).unwrap();
        b.set_len(8192).unwrap();
        assert_eq!(read(4094, 2).unwrap(), vec![7, 0]);
        assert!(read(8000, 1000).is_err());
        drop(b);
        assert_eq!(std::fs::read(&path).unwrap(), original, "file untouched");
    }
}
