//! `raftctl kv put|get|del|list`: client operations through [`crate::client`].

use std::io::Write;

use base64::Engine as _;
use bytes::Bytes;
use serde::Serialize;

use super::args::{GlobalArgs, KvCommand, OutputFormat};
use super::error::{CliError, CliResult};
use super::output::{print_json, shown};
use crate::client::ClientError;

/// Runs one `kv` subcommand.
pub fn run(global: &GlobalArgs, cmd: KvCommand) -> CliResult {
    let client = global.client().map_err(usage_or_failure)?;
    let rt = runtime()?;
    match cmd {
        KvCommand::Put { key, value } => {
            check_key(&key)?;
            let r = rt
                .block_on(client.put(&key, Bytes::from(value)))
                .map_err(failure)?;
            match global.output {
                OutputFormat::Json => print_json(&r),
                OutputFormat::Table => {
                    println!("OK (index {})", r.index);
                    Ok(())
                }
            }
        }
        KvCommand::Get { key, stale } => {
            check_key(&key)?;
            let r = rt.block_on(client.get(&key, stale)).map_err(failure)?;
            let Some(r) = r else {
                return Err(CliError::failure(format!(
                    "key \"{}\" not found",
                    shown(&key)
                )));
            };
            match global.output {
                OutputFormat::Json => print_json(&GetJson::new(key, &r.value, r.index)),
                OutputFormat::Table => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&r.value)
                        .and_then(|()| {
                            if r.value.ends_with(b"\n") {
                                Ok(())
                            } else {
                                out.write_all(b"\n")
                            }
                        })
                        .map_err(|e| CliError::failure(format!("cannot write the value: {e}")))
                }
            }
        }
        KvCommand::Del { key } => {
            check_key(&key)?;
            let r = rt.block_on(client.delete(&key)).map_err(failure)?;
            match global.output {
                OutputFormat::Json => print_json(&r),
                OutputFormat::Table => {
                    if r.deleted {
                        println!("deleted \"{}\" (index {})", shown(&key), r.index);
                    } else {
                        println!("\"{}\" did not exist (index {})", shown(&key), r.index);
                    }
                    Ok(())
                }
            }
        }
        KvCommand::List { prefix, limit } => {
            if prefix.len() > crate::api::MAX_KEY_BYTES {
                return Err(CliError::usage(format!(
                    "the prefix is {} bytes long; the limit is {}",
                    prefix.len(),
                    crate::api::MAX_KEY_BYTES
                )));
            }
            let r = rt.block_on(client.list(&prefix, limit)).map_err(failure)?;
            match global.output {
                OutputFormat::Json => print_json(&r),
                OutputFormat::Table => {
                    let mut text = String::new();
                    for k in &r.keys {
                        // One line per key, whatever the key holds.
                        text.push_str(&shown(k));
                        text.push('\n');
                    }
                    super::output::write_stdout(&text)
                }
            }
        }
    }
}

/// `kv get -o json`: the value as a UTF-8 string when it is one, else base64.
#[derive(Debug, Serialize)]
struct GetJson {
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_base64: Option<String>,
    index: u64,
}

impl GetJson {
    fn new(key: String, value: &[u8], index: u64) -> GetJson {
        match std::str::from_utf8(value) {
            Ok(text) => GetJson {
                key,
                value: Some(text.to_string()),
                value_base64: None,
                index,
            },
            Err(_) => GetJson {
                key,
                value: None,
                value_base64: Some(base64::engine::general_purpose::STANDARD.encode(value)),
                index,
            },
        }
    }
}

fn check_key(key: &str) -> CliResult {
    if key.is_empty() {
        return Err(CliError::usage("the key must not be empty"));
    }
    if key.len() > crate::api::MAX_KEY_BYTES {
        return Err(CliError::usage(format!(
            "the key is {} bytes long; the limit is {}",
            key.len(),
            crate::api::MAX_KEY_BYTES
        )));
    }
    Ok(())
}

/// A single-threaded runtime for one client command.
pub(crate) fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))
}

pub(crate) fn failure(e: ClientError) -> CliError {
    CliError::failure(e.to_string())
}

pub(crate) fn usage_or_failure(e: ClientError) -> CliError {
    match e {
        ClientError::BadEndpoint(_) | ClientError::NoEndpoints | ClientError::BadToken(_) => {
            CliError::usage(e.to_string())
        }
        other => failure(other),
    }
}
