//! The one place where errors become users' words and exit codes: [`CliError`], and the
//! conversions from the library's errors into it, so that handlers write `?` and every
//! command says the same thing for the same failure.

use std::fmt;

use crate::bench::BenchError;
use crate::client::ClientError;

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

    /// The reader of standard output went away (`raftctl kv list | head -1`): the command
    /// stops where it is, and raftctl exits 0 without printing anything (see
    /// [`CliError::is_quiet`]), as ripgrep does.
    pub fn output_closed() -> CliError {
        CliError {
            code: ExitCode::Success,
            message: "standard output was closed".into(),
            detail: Vec::new(),
        }
    }

    /// An error that ends the command without a message: [`CliError::output_closed`].
    pub fn is_quiet(&self) -> bool {
        self.code == ExitCode::Success
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

/// A client error: what the flags got wrong (an endpoint that is no URL, no endpoint, a
/// token no header can carry) is a usage error; everything else, from an unreachable
/// cluster to a refusal, failed the operation.
impl From<ClientError> for CliError {
    fn from(e: ClientError) -> CliError {
        match e {
            ClientError::BadEndpoint(_) | ClientError::NoEndpoints | ClientError::BadToken(_) => {
                CliError::usage(e.to_string())
            }
            other => CliError::failure(other.to_string()),
        }
    }
}

/// `raftctl bench`: a setting out of range is a usage error, as is a client error that is
/// one; the rest failed the run.
impl From<BenchError> for CliError {
    fn from(e: BenchError) -> CliError {
        match e {
            BenchError::Invalid { .. } => CliError::usage(e.to_string()),
            BenchError::Client(e) => e.into(),
            other => CliError::failure(other.to_string()),
        }
    }
}

/// An offline command's error as one line, with a refusal's detail lines after it.
impl From<crate::inspect::Error> for CliError {
    fn from(e: crate::inspect::Error) -> CliError {
        match e {
            crate::inspect::Error::Refused { message, detail } => detail
                .into_iter()
                .fold(CliError::failure(message), CliError::with_detail),
            other => CliError::failure(other.to_string()),
        }
    }
}

/// A data dir that cannot be read: its messages name the path and what is wrong.
impl From<crate::storage::Error> for CliError {
    fn from(e: crate::storage::Error) -> CliError {
        CliError::failure(e.to_string())
    }
}

/// Why a running member stopped.
impl From<crate::node::Error> for CliError {
    fn from(e: crate::node::Error) -> CliError {
        CliError::failure(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_in_the_flags_are_usage_errors() {
        for (e, code) in [
            (ClientError::NoEndpoints, ExitCode::Usage),
            (ClientError::BadEndpoint("x".into()), ExitCode::Usage),
            (ClientError::BadToken("empty".into()), ExitCode::Usage),
            (ClientError::Tls("no --cacert".into()), ExitCode::Failure),
            (
                ClientError::NoMemberAnswered {
                    endpoints: "http://127.0.0.1:9".into(),
                    cause: "connection refused".into(),
                },
                ExitCode::Failure,
            ),
        ] {
            let message = e.to_string();
            let err = CliError::from(e);
            assert_eq!((err.code, err.message.as_str()), (code, message.as_str()));
            let bench = CliError::from(BenchError::Client(match code {
                ExitCode::Usage => ClientError::NoEndpoints,
                _ => ClientError::Tls("t".into()),
            }));
            assert_eq!(bench.code, code);
        }
    }

    #[test]
    fn refusals_keep_their_detail_lines() {
        let e = crate::inspect::Error::Refused {
            message: "refused".into(),
            detail: vec!["because".into(), "do this".into()],
        };
        let err = CliError::from(e);
        assert_eq!(err.code, ExitCode::Failure);
        assert_eq!(err.to_string(), "refused\n  because\n  do this");
    }
}
