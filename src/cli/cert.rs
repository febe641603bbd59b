//! `raftctl cert create-ca|create-member|create-client|inspect|create-token`: offline,
//! on files only. The work is in [`crate::tls::cert`] and [`crate::tls::tokens`].

use std::path::Path;

use serde::Serialize;

use super::args::{CertCommand, CertWriteArgs, GlobalArgs, OutputFormat};
use super::error::{CliError, CliResult};
use super::output::{self, Out};
use crate::tls::cert::{
    self, Inspection, Options, Severity, Validity, Written, CA_CERT, CA_KEY, DEFAULT_CA_DAYS,
    DEFAULT_LEAF_DAYS,
};
use crate::tls::{tokens, Role};

pub fn run(cmd: CertCommand, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let format = global.output;
    match cmd {
        CertCommand::CreateCa { dir, write } => {
            let written = cert::create_ca(&dir, &options(write, DEFAULT_CA_DAYS)?)
                .map_err(CliError::failure)?;
            let next = format!(
                "raftctl cert create-member --id 1 --host HOST --ca {}",
                dir.display()
            );
            print_written(format, &written, None, &next, out)
        }
        CertCommand::CreateMember {
            id,
            hosts,
            ca,
            out: dir,
            write,
        } => {
            check_ca_dir(&ca)?;
            let dir = dir.unwrap_or_else(|| ca.clone());
            let written =
                cert::create_member(&ca, &dir, id, &hosts, &options(write, DEFAULT_LEAF_DAYS)?)
                    .map_err(CliError::failure)?;
            let flags = flags(&ca, &written);
            print_written(format, &written, Some(&flags), "", out)
        }
        CertCommand::CreateClient {
            name,
            role,
            ca,
            out: dir,
            write,
        } => {
            check_ca_dir(&ca)?;
            let dir = dir.unwrap_or_else(|| ca.clone());
            let written = cert::create_client(
                &ca,
                &dir,
                &name,
                role.into(),
                &options(write, DEFAULT_LEAF_DAYS)?,
            )
            .map_err(CliError::failure)?;
            let flags = flags(&ca, &written);
            print_written(format, &written, Some(&flags), "", out)
        }
        CertCommand::Inspect { file, ca } => inspect(&file, ca.as_deref(), format, out),
        CertCommand::CreateToken { name, role, tokens } => {
            create_token(&tokens, role.into(), &name, format, out)
        }
    }
}

fn options(write: CertWriteArgs, default_days: u32) -> CliResult<Options> {
    let validity = Validity::days(write.days.unwrap_or(default_days)).map_err(CliError::usage)?;
    Ok(Options {
        validity,
        force: write.force,
    })
}

/// A `--ca` that names no CA directory is a usage error: nothing is read or written.
fn check_ca_dir(ca: &Path) -> CliResult {
    if ca.is_file() {
        return Err(CliError::usage(format!(
            "--ca {}: expected the CA's directory (holding {CA_CERT} and {CA_KEY}), not a file",
            ca.display()
        )));
    }
    for name in [CA_CERT, CA_KEY] {
        if !ca.join(name).is_file() {
            return Err(CliError::usage(format!(
                "--ca {}: no {name} there (make a CA with `raftctl cert create-ca {}`)",
                ca.display(),
                ca.display()
            )));
        }
    }
    Ok(())
}

/// The flags that point a member or client at the files just written.
fn flags(ca: &Path, written: &Written) -> String {
    format!(
        "--cacert {} --cert {} --key {}",
        ca.join(CA_CERT).display(),
        written.cert.display(),
        written.key.display()
    )
}

#[derive(Serialize)]
struct WrittenOutput<'a> {
    #[serde(flatten)]
    written: &'a Written,
    #[serde(skip_serializing_if = "Option::is_none")]
    flags: Option<&'a str>,
}

fn print_written(
    format: OutputFormat,
    written: &Written,
    flags: Option<&str>,
    next: &str,
    out: &mut Out,
) -> CliResult {
    let shape = WrittenOutput { written, flags };
    if format == OutputFormat::Json {
        return out.json(&shape);
    }
    let verb = if written.replaced {
        "replaced"
    } else {
        "wrote"
    };
    writeln!(
        out,
        "{verb} {} and {} (key, mode 0600)",
        written.cert.display(),
        written.key.display()
    )?;
    out.print(format, &shape, || {
        let mut t = output::table(&["FIELD", "VALUE"]);
        for (field, value) in [
            ("identity", written.identity.clone()),
            ("subject", format!("CN={}", written.subject)),
            ("not before", written.not_before.clone()),
            ("not after", written.not_after.clone()),
            ("sha256", written.fingerprint_sha256.clone()),
        ] {
            t.add_row(vec![field.to_string(), value]);
        }
        t
    })?;
    for warning in &written.warnings {
        out.note(format_args!("warning: {warning}"));
    }
    if let Some(flags) = flags {
        writeln!(out, "use with:\n  {flags}")?;
    }
    if !next.is_empty() {
        writeln!(out, "next:\n  {next}")?;
    }
    Ok(())
}

fn inspect(file: &Path, ca: Option<&Path>, format: OutputFormat, out: &mut Out) -> CliResult {
    let report: Inspection = cert::inspect(file, ca).map_err(CliError::failure)?;
    out.print(format, &report, || {
        let mut t = output::table(&["FIELD", "VALUE"]);
        let mut rows: Vec<(&str, String)> = vec![
            ("file", report.file.clone()),
            ("subject", output::shown(&report.subject)),
            ("issuer", output::shown(&report.issuer)),
            ("serial", report.serial.clone()),
            ("identity", output::shown_summary(&report.identity)),
            (
                "hosts",
                if report.hosts.is_empty() {
                    "-".into()
                } else {
                    output::shown(&report.hosts.join(","))
                },
            ),
            ("not before", report.not_before.clone()),
            ("not after", report.not_after.clone()),
            ("sha256", report.fingerprint_sha256.clone()),
            ("ca", if report.is_ca { "yes" } else { "no" }.into()),
        ];
        if let Some(ca) = &report.ca {
            let ok = !report
                .problems
                .iter()
                .any(|p| p.message.starts_with("not signed by"));
            rows.push((
                "signed by",
                format!("{ca}{}", if ok { " (verified)" } else { " (NO)" }),
            ));
        }
        for p in &report.problems {
            let label = match p.severity {
                Severity::Error => "problem",
                Severity::Warning => "warning",
            };
            rows.push((label, output::shown_summary(&p.message)));
        }
        for (field, value) in rows {
            t.add_row(vec![field.to_string(), value]);
        }
        t
    })?;
    if !report.has_errors() {
        return Ok(());
    }
    let errors: Vec<&str> = report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.message.as_str())
        .collect();
    let n = errors.len();
    let err = CliError::failure(format!(
        "{} has {n} problem{}: {}",
        file.display(),
        if n == 1 { "" } else { "s" },
        errors.join("; ")
    ));
    Err(err)
}

#[derive(Serialize)]
struct TokenOutput<'a> {
    tokens_file: String,
    name: &'a str,
    role: &'a str,
    token: &'a str,
}

fn create_token(
    path: &Path,
    role: Role,
    name: &str,
    format: OutputFormat,
    out: &mut Out,
) -> CliResult {
    let token = tokens::add(path, role, name).map_err(CliError::failure)?;
    if format == OutputFormat::Json {
        return out.json(&TokenOutput {
            tokens_file: path.display().to_string(),
            name,
            role: role.as_str(),
            token: &token,
        });
    }
    // The token alone on stdout, so that `TOKEN=$(raftctl cert create-token ...)` works;
    // the note on stderr.
    writeln!(out, "{token}")?;
    out.note(format_args!(
        "added {name:?} ({role}) to {}: only the token's SHA-256 is stored there, so this is \
         the one time the token is shown; keep it secret",
        path.display()
    ));
    Ok(())
}
