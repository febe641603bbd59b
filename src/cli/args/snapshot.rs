//! `raftctl snapshot take|save|inspect|restore`: flags and help texts.

use std::path::PathBuf;

use clap::Subcommand;

use super::member_id;

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Take a snapshot and compact the log on the node(s) named by --endpoints.
    #[command(after_help = TAKE_EXAMPLES, after_long_help = TAKE_EXAMPLES)]
    Take,
    /// Snapshot a node now and download it into FILE, verifying its checksum.
    #[command(after_help = SAVE_EXAMPLES, after_long_help = SAVE_EXAMPLES)]
    Save { file: PathBuf },
    /// Offline: index, term, membership, key count, size and checksum of a snapshot file.
    #[command(after_help = INSPECT_EXAMPLES, after_long_help = INSPECT_EXAMPLES)]
    Inspect { file: PathBuf },
    /// Offline: make a new data dir that starts a NEW cluster from a snapshot file.
    ///
    /// The file is verified first; DIR must be missing or empty. The new data dir holds
    /// the snapshot's keys, applied and committed at the snapshot's index, a log that
    /// starts after it, and the membership of --initial-cluster. Restore every member
    /// of the new cluster from the same file with the same --initial-cluster (and
    /// --initial-cluster-token), each with its own --id and --data-dir: they then share
    /// one new cluster id, different from the old cluster's.
    #[command(after_help = RESTORE_EXAMPLES, after_long_help = RESTORE_EXAMPLES)]
    Restore {
        file: PathBuf,
        /// The new data dir (missing or empty).
        #[arg(long)]
        data_dir: PathBuf,
        /// This member's id in the new cluster (>= 1, listed in --initial-cluster).
        #[arg(long, value_parser = member_id())]
        id: u64,
        /// Members of the new cluster: ID=URL,ID=URL,...
        #[arg(long)]
        initial_cluster: String,
        /// Mixed into the new cluster id, to restore the same file into two clusters.
        #[arg(long, default_value = "")]
        initial_cluster_token: String,
    },
}

pub(super) const EXAMPLES: &str = "\
Examples:
  raftctl snapshot take
  raftctl snapshot save backup.snap
  raftctl snapshot inspect backup.snap";

const TAKE_EXAMPLES: &str = "\
Examples:
  # on the member(s) named by --endpoints
  raftctl --endpoints http://127.0.0.1:7001 snapshot take
  raftctl -o json snapshot take";

const SAVE_EXAMPLES: &str = "\
Examples:
  raftctl snapshot save backup.snap
  raftctl --endpoints http://127.0.0.1:7002 snapshot save backup-7002.snap";

const INSPECT_EXAMPLES: &str = "\
Examples:
  raftctl snapshot inspect backup.snap
  raftctl -o json snapshot inspect backup.snap";

const RESTORE_EXAMPLES: &str = "\
Examples:
  # a fresh data dir for member 1 of a new one-member cluster holding the snapshot
  raftctl snapshot restore backup.snap --data-dir restored --id 1 \\
      --initial-cluster 1=http://127.0.0.1:7001
  raftctl serve --id 1 --listen 127.0.0.1:7001 --data-dir restored";
