//! The one snapshot file of a node's state: storage's checksummed file format
//! (`storage::snapshot_file`) around the KV image of [`write_snapshot`](super::write_snapshot).
//!
//! Every snapshot goes through these functions: the runtime's automatic and on-demand
//! snapshots, the file a leader streams to a lagging follower, the file the follower
//! installs, `raftctl snapshot save/inspect/restore` and `raftctl recover`.
//!
//! - [`create_snapshot_file`] builds the file from ONE read transaction: the applied
//!   index, its term and the membership are read from the same view as the KV table, so
//!   the image is exactly the state at that index while writers go on committing.
//! - [`install_snapshot_file`] streams a file into a [`WriteBatch`]: the KV table is
//!   replaced and the log, applied index and membership are reset to the snapshot's,
//!   all in the batch's one transaction; the file's crc32c is checked before it returns.
//! - [`verify_snapshot_file`] reads a file through without a database: its header, its
//!   checksum and the key count of its KV image.
//!
//! The header (storage's `SnapshotFileMeta`) carries index, term, conf state, the
//! members' URLs and the cluster id. The key count is not in the header (its fields
//! are fixed); it is the KV image's own end record, covered by the file's checksum.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::snapshot::{restore, write_snapshot};
use crate::cluster_id::ClusterId;
use crate::raft::{Index, SnapshotMeta, Term};
use crate::storage::{
    self, Membership, RedbStorage, SnapshotFileMeta, SnapshotReader, SnapshotWriter, WriteBatch,
};

/// The first bytes of a KV image (see `kv::snapshot`): magic and format version 1.
const KV_MAGIC: &[u8; 8] = b"RAFTKV\x00\x01";
/// The end record of a KV image: `[0xFFFF_FFFF][records: u64][crc32c: u32]`.
const KV_END_LEN: usize = 4 + 8 + 4;

/// A snapshot file written by [`create_snapshot_file`]: where, of which position, and
/// its size, key count and checksum (`storage::SnapshotFileInfo` is the file layer's
/// view of the same file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedSnapshot {
    pub path: PathBuf,
    /// The applied index the image is of.
    pub index: Index,
    /// The term of the entry at `index`.
    pub term: Term,
    /// The whole file, header and checksum included.
    pub size_bytes: u64,
    pub keys: u64,
    /// The file's crc32c, as stored in its last 4 bytes.
    pub checksum: u32,
}

/// What [`install_snapshot_file`] put into the batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledSnapshot {
    /// As recorded in the store: the file's index and term, and the conf state of the
    /// membership installed (the file's, or the one of [`InstallOptions::membership`]).
    pub meta: SnapshotMeta,
    /// The membership installed, with URLs.
    pub membership: Membership,
    /// The file's own header, unchanged.
    pub file_meta: SnapshotFileMeta,
    pub keys: u64,
    pub size_bytes: u64,
    pub checksum: u32,
}

/// How [`install_snapshot_file_with`] treats the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstallOptions {
    /// Refuse a file whose header names another cluster id.
    pub cluster_id: Option<u64>,
    /// Install this membership instead of the file's (`snapshot restore` starts a new
    /// cluster from an old cluster's file).
    pub membership: Option<Membership>,
}

/// A snapshot file read through and found intact by [`verify_snapshot_file`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSnapshotFile {
    pub path: PathBuf,
    pub meta: SnapshotFileMeta,
    pub size_bytes: u64,
    /// Bytes of the KV image inside the file.
    pub payload_bytes: u64,
    pub keys: u64,
    pub checksum: u32,
}

/// What can go wrong with a snapshot file. Messages name the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing the file or the database failed, or the file's framing or
    /// checksum is bad (storage's messages name the path).
    #[error(transparent)]
    Storage(#[from] storage::Error),
    /// The KV image inside the file could not be written or restored.
    #[error("snapshot file {path}: {source}")]
    Kv {
        path: PathBuf,
        #[source]
        source: super::Error,
    },
    /// The file is whole but its content is not a usable snapshot.
    #[error("snapshot file {path} is not usable: {detail}")]
    Invalid { path: PathBuf, detail: String },
    #[error(
        "snapshot file {path} belongs to cluster {found}, not to this node's cluster {expected}"
    )]
    OtherCluster {
        path: PathBuf,
        found: ClusterId,
        expected: ClusterId,
    },
    #[error("data dir {path} has applied nothing yet, so there is no state to snapshot")]
    NothingApplied { path: PathBuf },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Writes the snapshot file of `store`'s applied state into `dir`, as
/// `dir/snap-<term>-<index>.snap` (the node passes `store.snapshot_dir()`).
///
/// Everything comes from one read transaction: applied index, its term, membership and
/// the KV table, so writers may commit meanwhile. The file appears under its final name
/// only once complete and fsynced. Works on a read-only store too (the data dir itself
/// is not written unless `dir` is inside it). Recording the snapshot in the store
/// (`WriteBatch::set_snapshot`) and compacting are the caller's.
pub fn create_snapshot_file(store: &RedbStorage, dir: &Path) -> Result<CreatedSnapshot> {
    let txn = store.begin_read()?;
    let state = store.applied_state(&txn)?;
    if state.applied == 0 {
        return Err(Error::NothingApplied {
            path: store.dir().to_path_buf(),
        });
    }
    let meta = SnapshotFileMeta {
        index: state.applied,
        term: state.applied_term,
        conf_state: state.membership.conf_state(),
        membership: state.membership,
        cluster_id: ClusterId(store.cluster_id()),
    };
    let mut writer = SnapshotWriter::create(dir, meta)?;
    let stats = write_snapshot(&txn, &mut writer).map_err(|source| Error::Kv {
        path: writer.path().to_path_buf(),
        source,
    })?;
    drop(txn);
    let file = writer.finish()?;
    Ok(CreatedSnapshot {
        path: file.path,
        index: state.applied,
        term: state.applied_term,
        size_bytes: file.size_bytes,
        keys: stats.keys,
        checksum: file.crc32c,
    })
}

/// Installs the snapshot file at `path` into `batch`, with the file's membership.
/// See [`install_snapshot_file_with`].
pub fn install_snapshot_file(batch: &mut WriteBatch<'_>, path: &Path) -> Result<InstalledSnapshot> {
    install_snapshot_file_with(batch, path, &InstallOptions::default())
}

/// Streams the snapshot file at `path` into `batch`'s transaction: the KV table is
/// replaced by the file's image, and the store's snapshot record, log start, applied
/// index and membership become the snapshot's (`WriteBatch::install_snapshot`: the log
/// is emptied after the snapshot index, commit and term are raised to it if lower).
///
/// The file's crc32c is checked as it streams, and Ok is returned only once the whole
/// file verified. On any error the batch holds a half-replaced KV table: drop it, never
/// commit it (dropping aborts the transaction and leaves the store as it was). Nothing
/// is visible to readers before `commit`.
pub fn install_snapshot_file_with(
    batch: &mut WriteBatch<'_>,
    path: &Path,
    opts: &InstallOptions,
) -> Result<InstalledSnapshot> {
    let mut reader = SnapshotReader::open(path)?;
    let file_meta = reader.meta().clone();
    check_meta(path, &file_meta)?;
    if let Some(expected) = opts.cluster_id {
        let expected = ClusterId(expected);
        if file_meta.cluster_id != expected {
            return Err(Error::OtherCluster {
                path: path.to_path_buf(),
                found: file_meta.cluster_id,
                expected,
            });
        }
    }
    let stats = match restore(batch.txn(), &mut reader) {
        Ok(stats) => stats,
        Err(source) => {
            // Damage shows first as whatever the KV parser trips over; the file's own
            // checksum says more plainly what is wrong.
            reader.verify()?;
            return Err(Error::Kv {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if stats.bytes != reader.payload_len() {
        reader.verify()?;
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "its payload is {} bytes but the KV image in it ends after {}",
                reader.payload_len(),
                stats.bytes
            ),
        });
    }
    reader.verify()?;
    let checksum = reader
        .stored_crc32c()
        .expect("verify() read the stored checksum");
    let membership = opts
        .membership
        .clone()
        .unwrap_or_else(|| file_meta.membership.clone());
    let meta = SnapshotMeta {
        index: file_meta.index,
        term: file_meta.term,
        conf_state: membership.conf_state(),
    };
    batch.install_snapshot(&meta, &membership)?;
    let size_bytes = fs::metadata(path)
        .map_err(|e| storage::Error::Io {
            op: "read the size of",
            path: path.to_path_buf(),
            source: e,
        })?
        .len();
    Ok(InstalledSnapshot {
        meta,
        membership,
        file_meta,
        keys: stats.keys,
        size_bytes,
        checksum,
    })
}

/// Reads the snapshot file at `path` through, without a database: its header, the
/// crc32c over the whole file, and the key count from the end record of its KV image.
/// Memory use does not grow with the file.
pub fn verify_snapshot_file(path: &Path) -> Result<VerifiedSnapshotFile> {
    let mut reader = SnapshotReader::open(path)?;
    let meta = reader.meta().clone();
    let payload_bytes = reader.payload_len();
    let invalid = |detail: String| Error::Invalid {
        path: path.to_path_buf(),
        detail,
    };
    let mut head = Vec::with_capacity(KV_MAGIC.len());
    let mut tail: Vec<u8> = Vec::with_capacity(2 * KV_END_LEN);
    let mut buf = vec![0u8; 64 * 1024];
    let mut read = 0u64;
    while read < payload_bytes {
        let want = buf.len().min((payload_bytes - read) as usize);
        let n = reader
            .read(&mut buf[..want])
            .map_err(|e| storage::Error::Io {
                op: "read",
                path: path.to_path_buf(),
                source: e,
            })?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if head.len() < KV_MAGIC.len() {
            let take = (KV_MAGIC.len() - head.len()).min(n);
            head.extend_from_slice(&chunk[..take]);
        }
        tail.extend_from_slice(chunk);
        if tail.len() > KV_END_LEN {
            tail.drain(..tail.len() - KV_END_LEN);
        }
        read += n as u64;
    }
    reader.verify()?;
    let checksum = reader
        .stored_crc32c()
        .expect("verify() read the stored checksum");
    check_meta(path, &meta)?;
    if head.as_slice() != KV_MAGIC {
        return Err(invalid(
            "its payload is not a raftctl KV image of format version 1".into(),
        ));
    }
    if payload_bytes < (KV_MAGIC.len() + KV_END_LEN) as u64 || tail[..4] != [0xFF; 4] {
        return Err(invalid("its KV image has no end record".into()));
    }
    let keys = u64::from_le_bytes(tail[4..12].try_into().expect("8 bytes"));
    let size_bytes = fs::metadata(path)
        .map_err(|e| storage::Error::Io {
            op: "read the size of",
            path: path.to_path_buf(),
            source: e,
        })?
        .len();
    Ok(VerifiedSnapshotFile {
        path: path.to_path_buf(),
        meta,
        size_bytes,
        payload_bytes,
        keys,
        checksum,
    })
}

/// The one check a snapshot file passes before a member keeps it or installs it,
/// whether it came from a peer or from this member's own disk: the file is whole
/// (header, checksum, KV image with its end record: [`verify_snapshot_file`]), it
/// belongs to `cluster_id`, and its header is exactly `expected`: the position and
/// conf state the core was told about (a `MsgSnapshot`, or the store's snapshot
/// record). A peer cannot slip in a file whose header says one thing while the message
/// that announced it says another.
pub fn validate_snapshot_file(
    path: &Path,
    expected: &SnapshotMeta,
    cluster_id: u64,
) -> Result<VerifiedSnapshotFile> {
    let verified = verify_snapshot_file(path)?;
    check_expected(path, &verified.meta, expected, cluster_id)?;
    Ok(verified)
}

/// The header against what the caller was told: cluster, position, conf state.
fn check_expected(
    path: &Path,
    meta: &SnapshotFileMeta,
    expected: &SnapshotMeta,
    cluster_id: u64,
) -> Result<()> {
    let ours = ClusterId(cluster_id);
    if meta.cluster_id != ours {
        return Err(Error::OtherCluster {
            path: path.to_path_buf(),
            found: meta.cluster_id,
            expected: ours,
        });
    }
    if meta.index != expected.index || meta.term != expected.term {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "it holds the snapshot at index {} term {}, but index {} term {} was announced",
                meta.index, meta.term, expected.index, expected.term
            ),
        });
    }
    if meta.conf_state != expected.conf_state {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            detail: format!(
                "its membership {:?} is not the {:?} announced with it",
                meta.conf_state, expected.conf_state
            ),
        });
    }
    Ok(())
}

/// Installs the snapshot file the core handed out in a Ready (`expected`), after the
/// same checks as [`validate_snapshot_file`] (cluster, position, conf state), streaming
/// it into `batch` as [`install_snapshot_file_with`] does, checksum included.
pub fn install_expected_snapshot_file(
    batch: &mut WriteBatch<'_>,
    path: &Path,
    expected: &SnapshotMeta,
    cluster_id: u64,
) -> Result<InstalledSnapshot> {
    let reader = SnapshotReader::open(path)?;
    check_expected(path, reader.meta(), expected, cluster_id)?;
    drop(reader);
    install_snapshot_file_with(
        batch,
        path,
        &InstallOptions {
            cluster_id: Some(cluster_id),
            membership: None,
        },
    )
}

/// Header checks every use of a file shares: a real position and a membership whose
/// ids agree with its conf state.
fn check_meta(path: &Path, meta: &SnapshotFileMeta) -> Result<()> {
    let invalid = |detail: String| Error::Invalid {
        path: path.to_path_buf(),
        detail,
    };
    if meta.index == 0 {
        return Err(invalid(
            "its header says index 0, which is no snapshot".into(),
        ));
    }
    if meta.membership.conf_state() != meta.conf_state {
        return Err(invalid(format!(
            "its conf state {:?} does not match its member list {:?}",
            meta.conf_state,
            meta.membership.conf_state()
        )));
    }
    if meta.membership.voters.is_empty() {
        return Err(invalid("its membership has no voters".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
