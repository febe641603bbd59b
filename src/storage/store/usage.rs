//! How much room the data dir takes and has: the database file's size, the bytes its
//! tables hold, and the free and total space of the file system under the data dir.
//! Computed only when asked (`/v1/status?storage=true`), off the node task: it walks the
//! pages of every table once, in a read transaction, which never blocks a write.

use redb::{ReadableTableMetadata, TableStats};

use super::RedbStorage;
use crate::storage::error::{Error, Result};

/// What [`RedbStorage::usage`] measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Size of the database file.
    pub db_file_bytes: u64,
    /// Bytes the tables hold: keys and values, and the B-tree pages that index them. The
    /// rest of the file is free or fragmented pages, reused by later writes.
    pub live_bytes: u64,
    /// Space left for an unprivileged writer on the data dir's file system, and its
    /// size (`None` where the platform does not say).
    pub disk: Option<Disk>,
}

/// The file system under the data dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disk {
    pub free_bytes: u64,
    pub total_bytes: u64,
}

impl RedbStorage {
    /// Measures the data dir (see the module docs for the cost).
    pub fn usage(&self) -> Result<Usage> {
        let txn = self.begin_read()?;
        let path = self.db_path();
        let stat = |op: &'static str| move |e: redb::Error| Error::db(op, path, e);
        let mut live_bytes: u64 = 0;
        let mut add = |s: TableStats| {
            live_bytes = live_bytes
                .saturating_add(s.stored_bytes())
                .saturating_add(s.metadata_bytes());
        };
        let tables = txn
            .list_tables()
            .map_err(|e| stat("list the tables of")(e.into()))?;
        for handle in tables {
            let table = txn
                .open_untyped_table(handle)
                .map_err(|e| stat("open a table of")(e.into()))?;
            add(table
                .stats()
                .map_err(|e| stat("measure a table of")(e.into()))?);
        }
        let multimap = txn
            .list_multimap_tables()
            .map_err(|e| stat("list the tables of")(e.into()))?;
        for handle in multimap {
            let table = txn
                .open_untyped_multimap_table(handle)
                .map_err(|e| stat("open a table of")(e.into()))?;
            add(table
                .stats()
                .map_err(|e| stat("measure a table of")(e.into()))?);
        }
        Ok(Usage {
            db_file_bytes: self.db_size_bytes()?,
            live_bytes,
            disk: disk_of(self.dir())?,
        })
    }
}

#[cfg(unix)]
fn disk_of(dir: &std::path::Path) -> Result<Option<Disk>> {
    let s = rustix::fs::statvfs(dir)
        .map_err(|e| Error::io("measure the file system of", dir, e.into()))?;
    Ok(Some(Disk {
        free_bytes: s.f_bavail.saturating_mul(s.f_frsize),
        total_bytes: s.f_blocks.saturating_mul(s.f_frsize),
    }))
}

#[cfg(not(unix))]
fn disk_of(_dir: &std::path::Path) -> Result<Option<Disk>> {
    Ok(None)
}
