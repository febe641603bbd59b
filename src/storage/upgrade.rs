//! Upgrading a data dir written by redb 2 (raftctl before the move to redb 4).
//!
//! redb 4 opens no redb 2 file, and it encodes tuple values (the KV's
//! `(index, value)`) differently. So the old file is read through redb 2, every row of
//! every table is copied into a new redb 4 file, and that file replaces the old one:
//!
//! 1. the old file is locked (so two processes never upgrade it at once) and opened by
//!    redb 2 behind an in-memory overlay, so not a byte of it changes;
//! 2. the rows go into `raftctl.redb.upgrading` (any earlier unfinished one is removed
//!    first), committed with an fsync;
//! 3. the old file gets a second name, `raftctl.redb.redb2-backup` (a hard link, or a
//!    copy where links are not supported), and the directory is fsynced;
//! 4. `raftctl.redb.upgrading` is renamed over `raftctl.redb` and the directory fsynced.
//!
//! The rename in step 4 is the commit point: a crash before it leaves `raftctl.redb` the
//! old file, untouched, and the next open starts over; a crash after it leaves the new
//! file complete.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use redb::{Database, Durability, TableDefinition};
use redb2::{MultimapTableHandle as _, ReadableTable as _, TableHandle as _};

use super::backend::ReadOnlyBackend;
use super::error::{Error, Result};

/// The redb 4 file being built; renamed to `raftctl.redb` once complete.
pub const UPGRADING_FILE: &str = "raftctl.redb.upgrading";
/// The old redb 2 file, kept after the upgrade.
pub const BACKUP_FILE: &str = "raftctl.redb.redb2-backup";

// The tables a raftctl data dir holds, with the types both versions store them as.
const LOG: &str = "raft_log";
const META: &str = "raft_meta";
const KV_DATA: &str = "kv_data";

type KvValue = (u64, &'static [u8]);

/// Upgrades `path` (the data dir's `raftctl.redb`, a redb 2 file) in place and returns
/// where the old file is kept.
pub fn upgrade(dir: &Path, path: &Path) -> Result<PathBuf> {
    let lock = File::open(path).map_err(|e| Error::io("open", path, e))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(Error::InUse {
                path: path.to_path_buf(),
            })
        }
        Err(TryLockError::Error(e)) => return Err(Error::io("lock", path, e)),
    }
    let tmp = dir.join(UPGRADING_FILE);
    let backup = dir.join(BACKUP_FILE);
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("remove", &tmp, e)),
    }
    copy_tables(path, &tmp)?;
    File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("sync", &tmp, e))?;
    keep_backup(path, &backup)?;
    sync_dir(dir)?;
    fs::rename(&tmp, path).map_err(|e| Error::io("rename into place", &tmp, e))?;
    sync_dir(dir)?;
    drop(lock);
    Ok(backup)
}

/// Copies every table of the redb 2 file at `old` into a new redb 4 file at `new`.
fn copy_tables(old: &Path, new: &Path) -> Result<()> {
    let file = File::open(old).map_err(|e| Error::io("open", old, e))?;
    let backend = ReadOnlyBackend::new(file).map_err(|e| old_error(old, e))?;
    let src = redb2::Database::builder()
        .create_with_backend(Redb2Backend(backend))
        .map_err(|e| old_error(old, e))?;
    let read = src.begin_read().map_err(|e| old_error(old, e))?;
    let names = raftctl_tables(&read, old)?;

    let dst = Database::builder()
        .create(new)
        .map_err(|e| Error::db("create", new, e))?;
    let mut write = dst
        .begin_write()
        .map_err(|e| Error::db("begin a write", new, e))?;
    write
        .set_durability(Durability::Immediate)
        .map_err(|e| Error::db("set the durability of a write", new, e))?;
    let new_err = |e: redb::Error| Error::db("copy a row", new, e);
    if names.iter().any(|n| n == LOG) {
        let from = read
            .open_table(redb2::TableDefinition::<u64, &[u8]>::new(LOG))
            .map_err(|e| old_error(old, e))?;
        let mut to = write
            .open_table(TableDefinition::<u64, &[u8]>::new(LOG))
            .map_err(|e| new_err(e.into()))?;
        for row in from.iter().map_err(|e| old_error(old, e))? {
            let (k, v) = row.map_err(|e| old_error(old, e))?;
            to.insert(k.value(), v.value())
                .map_err(|e| new_err(e.into()))?;
        }
    }
    if names.iter().any(|n| n == META) {
        let from = read
            .open_table(redb2::TableDefinition::<&str, &[u8]>::new(META))
            .map_err(|e| old_error(old, e))?;
        let mut to = write
            .open_table(TableDefinition::<&str, &[u8]>::new(META))
            .map_err(|e| new_err(e.into()))?;
        for row in from.iter().map_err(|e| old_error(old, e))? {
            let (k, v) = row.map_err(|e| old_error(old, e))?;
            to.insert(k.value(), v.value())
                .map_err(|e| new_err(e.into()))?;
        }
    }
    if names.iter().any(|n| n == KV_DATA) {
        let from = read
            .open_table(redb2::TableDefinition::<&str, KvValue>::new(KV_DATA))
            .map_err(|e| old_error(old, e))?;
        let mut to = write
            .open_table(TableDefinition::<&str, KvValue>::new(KV_DATA))
            .map_err(|e| new_err(e.into()))?;
        for row in from.iter().map_err(|e| old_error(old, e))? {
            let (k, v) = row.map_err(|e| old_error(old, e))?;
            to.insert(k.value(), v.value())
                .map_err(|e| new_err(e.into()))?;
        }
    }
    write.commit().map_err(|e| new_err(e.into()))?;
    drop(dst);
    Ok(())
}

/// The names of the tables in the old file at `old`, refused unless they are
/// raftctl's: the metadata table, and no table raftctl never wrote.
fn raftctl_tables(read: &redb2::ReadTransaction, old: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for table in read.list_tables().map_err(|e| old_error(old, e))? {
        names.push(table.name().to_string());
    }
    if let Some(table) = read
        .list_multimap_tables()
        .map_err(|e| old_error(old, e))?
        .next()
    {
        return Err(unknown_table(old, table.name()));
    }
    if !names.iter().any(|n| n == META) {
        return Err(Error::NotRaftctl {
            path: old.to_path_buf(),
            detail: "it has no raftctl metadata table".into(),
        });
    }
    if let Some(name) = names
        .iter()
        .find(|n| ![LOG, META, KV_DATA].contains(&n.as_str()))
    {
        return Err(unknown_table(old, name));
    }
    Ok(names)
}

fn unknown_table(path: &Path, name: &str) -> Error {
    Error::NotRaftctl {
        path: path.to_path_buf(),
        detail: format!("it holds a table raftctl never wrote ({name}), so it is not upgraded"),
    }
}

/// A failure reading the old file, as one line.
fn old_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        path: path.to_path_buf(),
        detail: format!("redb 2 cannot read it to upgrade it: {e}"),
    }
}

/// Gives the old file the backup name as well, without changing it.
fn keep_backup(path: &Path, backup: &Path) -> Result<()> {
    if let Ok(existing) = fs::metadata(backup) {
        // Left by an upgrade interrupted after this step: the same file, so keep it.
        if same_file(path, &existing)? {
            return Ok(());
        }
        return Err(Error::io(
            "keep the old database as",
            backup,
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "a different file already has that name; move it away and start again",
            ),
        ));
    }
    if fs::hard_link(path, backup).is_ok() {
        return Ok(());
    }
    // Some filesystems have no hard links: copy, then make the copy durable.
    fs::copy(path, backup).map_err(|e| Error::io("copy the old database to", backup, e))?;
    File::open(backup)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("sync", backup, e))
}

#[cfg(unix)]
fn same_file(path: &Path, other: &fs::Metadata) -> Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
    Ok(m.dev() == other.dev() && m.ino() == other.ino())
}

#[cfg(not(unix))]
fn same_file(_path: &Path, _other: &fs::Metadata) -> Result<bool> {
    Ok(false)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync", dir, e))
}

/// redb 2's view of the read-only overlay: reads come from the file, writes (redb's
/// open-time repair) stay in memory.
#[derive(Debug)]
struct Redb2Backend(ReadOnlyBackend);

impl redb2::StorageBackend for Redb2Backend {
    fn len(&self) -> io::Result<u64> {
        redb::StorageBackend::len(&self.0)
    }

    fn read(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        redb::StorageBackend::read(&self.0, offset, &mut buf)?;
        Ok(buf)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        redb::StorageBackend::set_len(&self.0, len)
    }

    fn sync_data(&self, _eventual: bool) -> io::Result<()> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        redb::StorageBackend::write(&self.0, offset, data)
    }
}
