//! The one place where errors become users' words and exit codes.

use std::fmt;

/// Exit codes of docs/serve-and-api.md: 0 success, 1 the operation failed, 2 usage error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
}

/// An error shown to the user: one line first, then optional detail lines.
#[derive(Debug)]
pub struct CliError {
    pub code: ExitCode,
    pub message: String,
    pub detail: Vec<String>,
}

impl CliError {
    /// The operation failed (exit 1).
    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            code: ExitCode::Failure,
            message: message.into(),
            detail: Vec::new(),
        }
    }

    /// The command line was wrong (exit 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: ExitCode::Usage,
            message: message.into(),
            detail: Vec::new(),
        }
    }

    /// Adds a line shown after the first.
    pub fn with_detail(mut self, line: impl Into<String>) -> CliError {
        self.detail.push(line.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for line in &self.detail {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

pub type CliResult<T = ()> = Result<T, CliError>;
