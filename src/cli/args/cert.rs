//! `raftctl cert create-ca|create-member|create-client|inspect|create-token`: flags and
//! help texts.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::member_id;

/// Flags of the `cert create-*` commands that write a certificate and key.
#[derive(Debug, Clone, Copy, Args)]
pub struct CertWriteArgs {
    /// Days the certificate is valid, from 1 to 36500 [default: 3650 for a CA, 365
    /// otherwise].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::tls::cert::MAX_DAYS)))]
    pub days: Option<u32>,
    /// Replace existing files (each one in a single step, the key before the certificate).
    #[arg(long)]
    pub force: bool,
}

/// A client's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// get, list, status, members, health, metrics.
    Read,
    /// read, plus put and delete.
    Write,
    /// write, plus membership, leader transfer and snapshots.
    Admin,
}

impl From<RoleArg> for crate::tls::Role {
    fn from(role: RoleArg) -> crate::tls::Role {
        match role {
            RoleArg::Read => crate::tls::Role::Read,
            RoleArg::Write => crate::tls::Role::Write,
            RoleArg::Admin => crate::tls::Role::Admin,
        }
    }
}

fn parse_client_name(s: &str) -> Result<String, String> {
    crate::tls::identity::check_client_name(s).map(|()| s.to_owned())
}

fn parse_host(s: &str) -> Result<String, String> {
    crate::tls::cert::check_host(s).map(|()| s.to_owned())
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Make a new cluster CA: DIR/ca.crt and DIR/ca.key (DIR is created if missing).
    #[command(long_about = CREATE_CA_LONG_ABOUT, after_help = CREATE_CA_EXAMPLES, after_long_help = CREATE_CA_EXAMPLES)]
    CreateCa {
        /// Directory to write ca.crt and ca.key into.
        dir: PathBuf,
        #[command(flatten)]
        write: CertWriteArgs,
    },
    /// Make a member's certificate and key (member-ID.crt, member-ID.key), signed by the CA.
    #[command(long_about = CREATE_MEMBER_LONG_ABOUT, after_help = CREATE_MEMBER_EXAMPLES, after_long_help = CREATE_MEMBER_EXAMPLES)]
    CreateMember {
        /// The member's id, from 1 to 2^53-1 (its --id in `raftctl serve`).
        #[arg(long, value_parser = member_id())]
        id: u64,
        /// Names and IP addresses peers and clients reach the member at (comma-separated
        /// or repeated); at least one.
        #[arg(long = "host", value_name = "HOST", required = true, value_delimiter = ',', value_parser = parse_host)]
        hosts: Vec<String>,
        /// The CA's directory (holding ca.crt and ca.key).
        #[arg(long, value_name = "DIR")]
        ca: PathBuf,
        /// Where to write the files [default: the CA's directory].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        write: CertWriteArgs,
    },
    /// Make a client's certificate and key (client-NAME.crt, client-NAME.key), signed by the CA.
    #[command(long_about = CREATE_CLIENT_LONG_ABOUT, after_help = CREATE_CLIENT_EXAMPLES, after_long_help = CREATE_CLIENT_EXAMPLES)]
    CreateClient {
        /// The client's name: 1 to 64 of A-Z a-z 0-9 . _ -
        #[arg(long, value_parser = parse_client_name)]
        name: String,
        /// What the client may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The CA's directory (holding ca.crt and ca.key).
        #[arg(long, value_name = "DIR")]
        ca: PathBuf,
        /// Where to write the files [default: the CA's directory].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        write: CertWriteArgs,
    },
    /// Show who a certificate names, its hosts, validity and fingerprint, and its problems.
    #[command(long_about = INSPECT_LONG_ABOUT, after_help = INSPECT_EXAMPLES, after_long_help = INSPECT_EXAMPLES)]
    Inspect {
        /// A PEM certificate file.
        file: PathBuf,
        /// Check that the certificate is signed by this CA (a ca.crt file or the CA's directory).
        #[arg(long, value_name = "FILE_OR_DIR")]
        ca: Option<PathBuf>,
    },
    /// Make a bearer token for a client, add its hash to a tokens file, print the token once.
    #[command(long_about = CREATE_TOKEN_LONG_ABOUT, after_help = CREATE_TOKEN_EXAMPLES, after_long_help = CREATE_TOKEN_EXAMPLES)]
    CreateToken {
        /// The client's name: 1 to 64 of A-Z a-z 0-9 . _ -
        #[arg(long, value_parser = parse_client_name)]
        name: String,
        /// What the client may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The tokens file to add the line to (created mode 0600 if missing).
        #[arg(long, value_name = "FILE")]
        tokens: PathBuf,
    },
}

pub(super) const LONG_ABOUT: &str = "\
Offline, on files only: make the cluster's CA and the certificates of its members and \
clients, inspect a certificate, and make bearer tokens for clients.

A certificate says who holds it with one URI subject alternative name: \
urn:raftctl:member:<id> for a member, urn:raftctl:client:<role>:<name> for a client with \
role read, write or admin. Keys are ECDSA P-256, written mode 0600; certificates mode \
0644. Existing files are never replaced without --force. See docs/certificates.md.";

pub(super) const EXAMPLES: &str = "\
Examples:
  # a CA, then a certificate for member 1 and for an admin client, all in ./pki
  raftctl cert create-ca pki
  raftctl cert create-member --id 1 --host 10.0.0.1,node1.example --ca pki
  raftctl cert create-client --name ops --role admin --ca pki
  raftctl cert inspect pki/member-1.crt --ca pki";

const CREATE_CA_LONG_ABOUT: &str = "\
Make a new CA: a key (DIR/ca.key, mode 0600) and a self-signed CA certificate \
(DIR/ca.crt), valid for 3650 days unless --days says otherwise. DIR is created (mode 0700) \
if missing. Keep ca.key off the members: only `cert create-*` needs it.";

const CREATE_CA_EXAMPLES: &str = "\
Examples:
  raftctl cert create-ca pki
  # valid for 20 years instead of 10
  raftctl cert create-ca pki --days 7300";

const CREATE_MEMBER_LONG_ABOUT: &str = "\
Make member --id's key and certificate, signed by the CA in --ca: member-ID.key and \
member-ID.crt in --out (default: the CA's directory), valid for 365 days unless --days \
says otherwise. The certificate names the member (urn:raftctl:member:ID) and each --host, \
as an IP address or a DNS name; it serves both as the member's server certificate and as \
its client certificate towards its peers. Prints the files and the flags to use them.";

const CREATE_MEMBER_EXAMPLES: &str = "\
Examples:
  raftctl cert create-member --id 2 --host 10.0.0.2,node2.example --ca pki
  # into another directory, replacing the files there (rotation)
  raftctl cert create-member --id 2 --host 10.0.0.2 --ca pki --out node2-tls --force";

const CREATE_CLIENT_LONG_ABOUT: &str = "\
Make the key and certificate of client --name with --role, signed by the CA in \
--ca: client-NAME.key and client-NAME.crt in --out (default: the CA's directory), valid \
for 365 days unless --days says otherwise. Prints the files and the flags to use them.";

const CREATE_CLIENT_EXAMPLES: &str = "\
Examples:
  raftctl cert create-client --name ci-bot --role write --ca pki
  raftctl cert create-client --name dashboard --role read --ca pki --days 90";

const INSPECT_LONG_ABOUT: &str = "\
Show a PEM certificate's subject, issuer, serial, identity (member or client and \
role), hosts, validity and SHA-256 fingerprint, and its problems: expired, not yet valid, \
not signed by --ca, no raftctl identity, a member certificate without hosts. Exit 1 if \
there is any problem; a certificate that expires within 30 days is only a warning.";

const INSPECT_EXAMPLES: &str = "\
Examples:
  raftctl cert inspect pki/member-2.crt
  # also check that pki's CA signed it; exit 1 on any problem (expired, wrong CA, ...)
  raftctl cert inspect pki/member-2.crt --ca pki/ca.crt
  raftctl -o json cert inspect pki/client-ci-bot.crt --ca pki";

const CREATE_TOKEN_LONG_ABOUT: &str = "\
Make a random bearer token (rctl_ and 43 characters) for client --name with --role, \
append `ROLE NAME sha256:HASH` to the --tokens file (created mode 0600 if missing) and \
print the token on stdout. The file never holds the token itself, so this is the only \
time it is shown. A name already in the file is refused.";

const CREATE_TOKEN_EXAMPLES: &str = "\
Examples:
  # prints the token once; the file keeps only its hash
  raftctl cert create-token --name ci-bot --role write --tokens tokens.txt
  TOKEN=$(raftctl cert create-token --name backup --role admin --tokens tokens.txt)";
