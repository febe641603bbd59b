//! Tests of the whole core, driven through `RawNode` and an in-memory network.

mod features;
mod hostile;
mod network;
mod paper;
