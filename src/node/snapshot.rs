//! Snapshot files between members: the file a leader sends is the snapshot file itself
//! (header, state machine image, checksum), so the receiver can verify it end to end
//! before the core ever sees the `MsgSnapshot`.
//!
//! - [`FileSource`]: the transport reads the file to send from `snapshots/`.
//! - [`FileSink`]: an incoming file streams into a temp file next to the others; `finish`
//!   fsyncs it, validates it (`kv::validate_snapshot_file`: whole, of this cluster, and
//!   exactly the position and membership the message announced) and renames it into
//!   place. A refused file is removed; nothing else on disk changes.
//! - [`install`]: inside the Ready's write transaction, validates the file again the
//!   same way, restores the KV from it and replaces log, applied index and membership.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;

use crate::kv;
use crate::raft::{Index, Message, Snapshot, SnapshotMeta, Term};
use crate::storage::snapshot_file::file_name;
use crate::storage::{RedbStorage, WriteBatch};
use crate::transport::{BoxFuture, SnapshotSink, SnapshotSource, SnapshotWriter};

use super::start::Error;

/// Restores the state machine from the snapshot file of `snap` and records it, inside
/// the write batch `w`. The file passes the same validation as when it arrived
/// (`kv::validate_snapshot_file`'s checks: cluster, position, conf state, checksum):
/// it may have sat on disk since.
pub(crate) fn install(
    store: &RedbStorage,
    w: &mut WriteBatch<'_>,
    snap: &Snapshot,
) -> Result<(), Error> {
    let path = store
        .snapshot_dir()
        .join(file_name(snap.meta.term, snap.meta.index));
    kv::install_expected_snapshot_file(w, &path, &snap.meta, store.cluster_id())?;
    tracing::info!(
        index = snap.meta.index,
        term = snap.meta.term,
        "installed snapshot"
    );
    Ok(())
}

/// Reads snapshot files to send from a data dir's `snapshots/`.
pub(crate) struct FileSource {
    pub(crate) dir: PathBuf,
}

impl SnapshotSource for FileSource {
    fn open(
        &self,
        index: Index,
        term: Term,
    ) -> io::Result<(crate::transport::SnapshotReader, u64)> {
        let path = self.dir.join(file_name(term, index));
        let file = std::fs::File::open(&path)?;
        let len = file.metadata()?.len();
        Ok((Box::new(tokio::fs::File::from_std(file)), len))
    }
}

/// Receives snapshot files into a data dir's `snapshots/`.
pub(crate) struct FileSink {
    pub(crate) dir: PathBuf,
    /// Files of another cluster are refused.
    pub(crate) cluster_id: u64,
}

impl SnapshotSink for FileSink {
    fn create(&self, message: &Message) -> io::Result<Box<dyn SnapshotWriter>> {
        let meta = message
            .snapshot
            .as_ref()
            .map(|s| s.meta.clone())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a snapshot message without a snapshot",
                )
            })?;
        std::fs::create_dir_all(&self.dir)?;
        let name = file_name(meta.term, meta.index);
        let tmp = self
            .dir
            .join(format!("{name}.recv-{:016x}.tmp", rand::random::<u64>()));
        let file = std::fs::File::create(&tmp)?;
        Ok(Box::new(IncomingFile {
            file: Some(tokio::fs::File::from_std(file)),
            tmp,
            dest: self.dir.join(name),
            meta,
            cluster_id: self.cluster_id,
        }))
    }
}

/// One snapshot file being received; removed again unless `finish` succeeds.
struct IncomingFile {
    file: Option<tokio::fs::File>,
    tmp: PathBuf,
    dest: PathBuf,
    /// What the message announced; the file must say the same.
    meta: SnapshotMeta,
    cluster_id: u64,
}

impl IncomingFile {
    fn file(&mut self) -> io::Result<&mut tokio::fs::File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the snapshot file is already finished"))
    }
}

impl AsyncWrite for IncomingFile {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut().file() {
            Ok(f) => Pin::new(f).poll_write(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().file() {
            Ok(f) => Pin::new(f).poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().file() {
            Ok(f) => Pin::new(f).poll_shutdown(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl SnapshotWriter for IncomingFile {
    fn finish(mut self: Box<Self>) -> BoxFuture<'static, io::Result<()>> {
        Box::pin(async move {
            let file = self
                .file
                .take()
                .ok_or_else(|| io::Error::other("the snapshot file is already finished"))?;
            file.sync_all().await?;
            drop(file);
            let (tmp, dest, meta, cluster_id) = (
                self.tmp.clone(),
                self.dest.clone(),
                self.meta.clone(),
                self.cluster_id,
            );
            tokio::task::spawn_blocking(move || check_and_place(&tmp, &dest, &meta, cluster_id))
                .await
                .map_err(io::Error::other)??;
            // Placed: nothing left to clean up.
            self.tmp = PathBuf::new();
            Ok(())
        })
    }
}

/// Verifies a received file and moves it to its final name.
fn check_and_place(
    tmp: &Path,
    dest: &Path,
    meta: &SnapshotMeta,
    cluster_id: u64,
) -> io::Result<()> {
    kv::validate_snapshot_file(tmp, meta, cluster_id)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    std::fs::rename(tmp, dest)?;
    if let Some(dir) = dest.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

impl Drop for IncomingFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
