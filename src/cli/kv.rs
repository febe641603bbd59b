//! `raftctl kv put|get|del|list`: client operations through [`crate::client`].

use base64::Engine as _;
use bytes::Bytes;
use serde::Serialize;

use super::args::{GlobalArgs, KvCommand, OutputFormat};
use super::error::{CliError, CliResult};
use super::output::{shown, Out};
use super::runtime;

/// Runs one `kv` subcommand.
pub fn run(cmd: KvCommand, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    match cmd {
        KvCommand::Put { key, value, file } => {
            check_key(&key)?;
            let value = match (value, file) {
                (Some(v), _) => Bytes::from(v),
                (None, Some(path)) => read_value(&path)?,
                (None, None) => return Err(CliError::usage("give a VALUE or --file FILE")),
            };
            let r = rt.block_on(client.put(&key, value))?;
            match global.output {
                OutputFormat::Json => out.json(&r),
                OutputFormat::Table => writeln!(out, "OK (index {})", r.index),
            }
        }
        KvCommand::Get { key, stale } => {
            check_key(&key)?;
            let Some(r) = rt.block_on(client.get(&key, stale))? else {
                return Err(CliError::failure(format!(
                    "key \"{}\" not found",
                    shown(&key)
                )));
            };
            match global.output {
                OutputFormat::Json => out.json(&GetJson::new(key, &r.value, r.index)),
                OutputFormat::Table => {
                    out.write_bytes(&r.value)?;
                    if r.value.ends_with(b"\n") {
                        Ok(())
                    } else {
                        writeln!(out)
                    }
                }
            }
        }
        KvCommand::Del { key } => {
            check_key(&key)?;
            let r = rt.block_on(client.delete(&key))?;
            match global.output {
                OutputFormat::Json => out.json(&r),
                OutputFormat::Table if r.deleted => {
                    writeln!(out, "deleted \"{}\" (index {})", shown(&key), r.index)
                }
                OutputFormat::Table => {
                    writeln!(out, "\"{}\" did not exist (index {})", shown(&key), r.index)
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
            let r = rt.block_on(client.list(&prefix, limit))?;
            match global.output {
                OutputFormat::Json => out.json(&r),
                // One line per key, whatever the key holds.
                OutputFormat::Table => r
                    .keys
                    .iter()
                    .try_for_each(|k| writeln!(out, "{}", shown(k))),
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
    match crate::kv::Key::check(key) {
        Err(crate::kv::LimitError::EmptyKey) => Err(CliError::usage("the key must not be empty")),
        other => other.map_err(|e| CliError::usage(e.to_string())),
    }
}

/// The bytes of `path` (`-`: standard input), refused past the largest value a member
/// takes, without reading further than that.
fn read_value(path: &std::path::Path) -> CliResult<Bytes> {
    use std::io::Read;
    let limit = crate::kv::MAX_VALUE_LEN;
    let (name, reader): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("standard input".into(), Box::new(std::io::stdin().lock()))
    } else {
        let f = std::fs::File::open(path).map_err(|e| {
            CliError::failure(format!("cannot read --file {}: {e}", path.display()))
        })?;
        (format!("--file {}", path.display()), Box::new(f))
    };
    let mut buf = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::failure(format!("cannot read {name}: {e}")))?;
    if buf.len() > limit {
        return Err(CliError::usage(format!(
            "{name} holds more than {limit} bytes, the largest value a member takes (512 KiB)"
        )));
    }
    Ok(Bytes::from(buf))
}
