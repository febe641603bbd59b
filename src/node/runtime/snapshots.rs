//! Snapshots of this member: writing one in the background once enough was applied,
//! recording it when done, and removing the file of one that arrived but was not
//! installed.

use crate::kv;
use crate::raft::{self, NodeId, SnapshotMeta};
use crate::storage::Membership;

use super::{Error, NodeTask};

/// A snapshot file written in the background, to be recorded and the log compacted.
pub(crate) struct MadeSnapshot {
    meta: SnapshotMeta,
    membership: Membership,
    size_bytes: u64,
    write_time: std::time::Duration,
}

impl NodeTask {
    /// The transport keeps a received snapshot file before the core decides on it; if
    /// the core did not take it (not from the leader it follows, no longer ahead of its
    /// commit index, ...), the file goes, so that a refused snapshot leaves nothing
    /// behind. The file of the snapshot this member already has stays.
    pub(super) fn forget_snapshot_not_taken(&mut self, from: NodeId, meta: &SnapshotMeta) {
        let taken = self
            .raw
            .raft
            .raft_log
            .unstable
            .snapshot
            .as_ref()
            .is_some_and(|s| s.meta.index == meta.index && s.meta.term == meta.term);
        let ours = self.store().snapshot_meta();
        if taken || (ours.index == meta.index && ours.term == meta.term) {
            return;
        }
        let path = self
            .store()
            .snapshot_dir()
            .join(crate::storage::snapshot_file::file_name(
                meta.term, meta.index,
            ));
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::warn!(
                from,
                index = meta.index,
                term = meta.term,
                "did not install a snapshot (not from the leader followed, or not ahead of the commit index); removed its file"
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "cannot remove a snapshot file not installed"),
        }
    }

    /// Starts writing a snapshot file once `--snapshot-threshold` entries were applied
    /// since the last one. The file is written from one read transaction in the
    /// background while the Ready loop goes on.
    pub(super) fn maybe_snapshot(&mut self) -> Result<(), Error> {
        let threshold = self.config.snapshot_threshold;
        if (threshold == 0 && !self.ops.snapshot_wanted) || self.snapshotting {
            return Ok(());
        }
        let applied = self.waiters.visible();
        let wanted = std::mem::take(&mut self.ops.snapshot_wanted);
        let since = applied.saturating_sub(self.store().snapshot_meta().index);
        if since == 0 || (since < threshold && !wanted) {
            return Ok(());
        }
        // The snapshot is the database's state: everything applied goes in first.
        self.persister.flush(false)?;
        let applied = self.store().applied();
        // The node task is the only writer and nothing is in flight: this read
        // transaction shows the state at exactly `applied`.
        let txn = self.store().begin_read()?;
        let term = raft::Storage::term(self.store(), applied)
            .map_err(|e| Error::Task(format!("no term for applied index {applied}: {e}")))?;
        let membership = self.store().membership();
        let meta = SnapshotMeta {
            index: applied,
            term,
            conf_state: membership.conf_state(),
        };
        self.snapshotting = true;
        let store = self.store().clone();
        let done = self.snapshot_done_tx.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let made = (|| -> Result<MadeSnapshot, String> {
                let mut w = store
                    .create_snapshot_file(&meta, &membership)
                    .map_err(|e| e.to_string())?;
                kv::write_snapshot(&txn, &mut w).map_err(|e| e.to_string())?;
                let info = w.finish().map_err(|e| e.to_string())?;
                Ok(MadeSnapshot {
                    meta,
                    membership,
                    size_bytes: std::fs::metadata(&info.path).map_or(0, |m| m.len()),
                    write_time: started.elapsed(),
                })
            })();
            let _ = done.blocking_send(made);
        });
        Ok(())
    }

    /// Records a finished snapshot and compacts the log, keeping `--keep-log` entries
    /// behind it for followers that lag a little.
    pub(super) fn on_snapshot_made(
        &mut self,
        made: Result<MadeSnapshot, String>,
    ) -> Result<(), Error> {
        self.snapshotting = false;
        let made = match made {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "writing a snapshot failed; will retry");
                self.ops_snapshot_done(Err(e));
                return Ok(());
            }
        };
        let previous = self.store().snapshot_meta().index;
        let compact_to =
            self.persister
                .record_snapshot(&made.meta, &made.membership, self.config.keep_log)?;
        tracing::info!(
            index = made.meta.index,
            term = made.meta.term,
            size_bytes = made.size_bytes,
            write_ms = made.write_time.as_millis() as u64,
            compact_to,
            "took a snapshot"
        );
        self.ops_snapshot_done(Ok((made.meta.index, made.meta.term, made.size_bytes)));
        // Keep the new file and the previous one (a transfer may still be reading it).
        if let Err(e) = self.store().remove_snapshot_files_before(previous) {
            tracing::warn!(error = %e, "cannot remove old snapshot files");
        }
        Ok(())
    }
}
