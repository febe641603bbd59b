//! The durable store of one node: a redb database under the data dir.
