//! The runtime: one task owns the `RawNode` and runs the Ready loop.
