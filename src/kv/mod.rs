//! The replicated state machine: a key-value store.

pub mod command;

pub use command::{Command, DecodeError, Op};
