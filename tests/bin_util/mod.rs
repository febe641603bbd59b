//! The one way the tests find the `raftctl` binary: the path Cargo built it at for this
//! test run. Every test that runs the binary builds its command from [`raftctl_bin`]
//! (`std::process::Command::new(raftctl_bin())`, or assert_cmd's `Command::new` for
//! its assertions), directly or through the helpers of `common`, `offline_util`,
//! `storage_util` and the chaos cluster, which re-export it.

#![allow(dead_code)]

/// The `raftctl` binary under test.
pub fn raftctl_bin() -> &'static str {
    env!("CARGO_BIN_EXE_raftctl")
}
