//! Offline reading of a data dir and snapshot files.
