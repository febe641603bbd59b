//! The durable store of one node: a redb database under the data dir, and snapshot files
//! next to it. Owns the on-disk formats; knows nothing of HTTP or the KV's tables (the
//! KV writes those itself, inside the transactions this module hands out).
//!
//! ```text
//! <data-dir>/raftctl.redb                 log table (index -> term, type, data),
//!                                         meta table (format version, node id, cluster id,
//!                                         hard state, applied, membership, snapshot, log start),
//!                                         and the KV's tables
//! <data-dir>/snapshots/snap-<term>-<index>.snap   header, state machine image, crc32c
//! ```
//!
//! # Durability
//!
//! - **What is fsynced, when.** Every write goes through a [`WriteBatch`]: one redb write
//!   transaction with `Durability::Immediate`. `WriteBatch::commit` returns only after
//!   redb has written the transaction and fsynced the file, so everything in the batch
//!   (appended entries, hard state, applied index, membership, snapshot record, the KV's
//!   changes) is durable together; one fsync per batch, however many entries it holds.
//!   The runtime persists each Ready in one batch and sends `persisted_messages` only
//!   after `commit` returned. A Ready that only raises the commit index (the core's
//!   `must_sync == false`) writes no batch at all: its entries are applied into the KV's
//!   in-memory apply buffer (`kv::ApplyBuffer`), whose keys reach the database a few at a
//!   time with later batches, and all at once (with the applied index) when idle, before
//!   a snapshot, with a conf change and at shutdown. Those flushes may be committed
//!   without an fsync (`WriteBatch::set_durable(false)`); the next durable batch carries
//!   them. A crash may lose them, and the node then re-applies the entries after the
//!   recorded applied index from its durable log on restart (deterministically, ending in
//!   the same state); stale reads wait until that replay is done.
//! - **What a crash leaves.** redb commits are atomic: after a crash (kill -9, power
//!   loss) the database holds exactly the batches whose `commit` returned, plus possibly
//!   the batch in flight, entirely or not at all. Never half a batch: hard state and log
//!   entries written together stay together, and the KV holds at least the state at the
//!   recorded applied index (plus, possibly, newer values of some keys, which the replay
//!   described above overwrites in order). The next `open` runs redb's recovery.
//! - **Caches.** First/last index, hard state, applied index, membership, snapshot
//!   record and a bounded window of recent entries are kept in memory and changed only
//!   after a commit succeeded, so readers never see what is not durable (they wait out
//!   the commit's fsync rather than mix states from before and after it). After a failed
//!   commit they keep the last committed view (see the next point).
//! - **I/O errors (as redb 4.6 handles them).** redb passes every access to the file
//!   through a checked wrapper (`CheckedBackend` in its `cached_file.rs`): the first
//!   failed `write`, `sync_data`, `set_len` or `read` latches it, and from then on every
//!   access that needs the file fails with `PreviousIo` ("Previous I/O error occurred.
//!   Please close and re-open the database."), even once the disk is healthy again, until
//!   the `Database` is dropped and opened anew; pages already in its cache are still
//!   served, so some reads keep working. A commit (redb's default one-phase commit, with
//!   checksums) writes its pages and the header from its write buffer, then fsyncs once.
//!   A write failing there stops the commit before the fsync; a header already written
//!   then names pages that fail their checksums, and the reopen's recovery falls back to
//!   the previous commit: the batch is gone. An fsync failing after every write leaves
//!   the batch whole in the OS's page cache: a reopen finds it, and it may reach the disk
//!   (redb's `commit` docs: the changes "may already have become durable ... The database
//!   refuses further write transactions; closing and reopening it repairs"). Either way a
//!   batch is whole or absent, never half there. Writes also happen before `commit`:
//!   growing the file (`set_len` and an fsync) while entries are appended, and writing
//!   out pages of a batch bigger than half the page cache; such a failure surfaces from
//!   that `WriteBatch` call, and the batch's `commit` then fails too. The store records
//!   the first I/O failure of a batch, or any failed commit, and `begin_write` answers
//!   [`Error::Poisoned`] (naming it) for as long as that `RedbStorage` lives: only a
//!   reopen, i.e. a restart of the node, clears it. A full disk (ENOSPC) reads "the disk
//!   is full (No space left on device ...); free some space on it"
//!   ([`Error::is_disk_full`]); redb writes when it opens a database, so opening fails on
//!   a full disk too, saying so. Exercised by `tests/storage_faults.rs` through the
//!   fault-injecting backend of `tests/storage_util/faulty.rs`, which
//!   [`RedbStorage::create_with_backend`] and [`RedbStorage::open_with_backend`] take.
//! - **Bootstrap.** `create` builds the database as `raftctl.redb.tmp`, commits, renames
//!   it to `raftctl.redb` and fsyncs the directory: a crash leaves either no database or
//!   a complete one.
//! - **Snapshot files** are written to a temporary name, fsynced, renamed and the
//!   directory fsynced; their crc32c is checked while they are read back.
//! - **Upgrade from redb 2.** `open` copies a data dir written by redb 2 into a new redb 4
//!   file and renames it over the old one, which is kept as `raftctl.redb.redb2-backup`;
//!   a crash before the rename leaves the old file as it was (see [`upgrade`]).
//! - **Read-only opens** (the offline tools) never write: redb's open-time writes go to
//!   memory, and a database held by a running node is reported as in use.

mod backend;
pub mod codec;
pub mod error;
pub mod snapshot_file;
mod store;
pub mod upgrade;

pub use error::{Error, Result};
pub use snapshot_file::{
    SnapshotFileInfo, SnapshotFileMeta, SnapshotReader, SnapshotWriter, SNAPSHOT_FORMAT_VERSION,
};
pub use store::{
    AppliedState, Disk, InitialState, Membership, RedbStorage, StoredSnapshot, Usage, WriteBatch,
    DB_FILE, FORMAT_VERSION, SNAPSHOT_DIR,
};
