//! The replicated state machine: a key-value store.
