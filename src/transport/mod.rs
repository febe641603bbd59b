//! Peer HTTP transport: routes under `/raft/`, one sender task per peer.
