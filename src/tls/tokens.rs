//! Bearer tokens for clients that present no certificate.
//!
//! A token is `rctl_` followed by 32 random bytes in unpadded base64url. Members never
//! store a token, only its SHA-256, one per line of a tokens file:
//!
//! ```text
//! # role name sha256:<64 hex digits>
//! write ci-bot sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//! ```
//!
//! Blank lines and lines starting with `#` are ignored. Names follow the client name
//! rules ([`check_client_name`]) and are unique; so are the hashes. A line that holds a
//! token itself instead of its hash is refused, as is a file that group or others may
//! write to (whoever can write it can grant themselves `admin`). A file that others may
//! read is accepted: the hash of 256 random bits does not give the token away.
//!
//! [`Tokens::check`] hashes the presented token once and compares the hash with every
//! entry in constant time, without stopping at a match, so the time taken says nothing
//! about which entry or how many bytes matched.

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use base64::Engine as _;
use rand::RngCore;

use super::identity::{check_client_name, Role};

/// Every token starts with this.
pub const TOKEN_PREFIX: &str = "rctl_";
/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;
/// Largest tokens file read.
pub const MAX_TOKENS_FILE_BYTES: u64 = 4 * 1024 * 1024;
const HASH_PREFIX: &str = "sha256:";

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    role: Role,
    name: String,
    hash: [u8; 32],
}

/// The entries of a tokens file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    entries: Vec<Entry>,
}

impl Tokens {
    /// Reads and checks a tokens file; errors name the file and the line.
    pub fn load(path: &Path) -> Result<Tokens, String> {
        let shown = path.display();
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read tokens file {shown}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("tokens file {shown} is not a regular file"));
        }
        if meta.permissions().mode() & 0o022 != 0 {
            return Err(format!(
                "tokens file {shown} may be written by group or others (mode {:03o}); run chmod 600 {shown}",
                meta.permissions().mode() & 0o777
            ));
        }
        if meta.len() > MAX_TOKENS_FILE_BYTES {
            return Err(format!(
                "tokens file {shown} is {} bytes; at most {MAX_TOKENS_FILE_BYTES} are read",
                meta.len()
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read tokens file {shown}: {e}"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("tokens file {shown} is not UTF-8 text"))?;
        Tokens::parse(&text).map_err(|e| format!("{shown}: {e}"))
    }

    /// Parses the text of a tokens file; errors start with `line N:`.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        let mut tokens = Tokens::default();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = parse_line(line).map_err(|e| format!("line {n}: {e}"))?;
            if tokens.contains_name(&entry.name) {
                return Err(format!(
                    "line {n}: the name {:?} is listed twice",
                    entry.name
                ));
            }
            if tokens.entries.iter().any(|e| e.hash == entry.hash) {
                return Err(format!(
                    "line {n}: the same token hash is listed for two names"
                ));
            }
            tokens.entries.push(entry);
        }
        Ok(tokens)
    }

    /// The role and name of the entry whose hash is the SHA-256 of `presented`.
    pub fn check(&self, presented: &str) -> Option<(Role, &str)> {
        let digest = ring::digest::digest(&ring::digest::SHA256, presented.as_bytes());
        let presented = digest.as_ref();
        let mut found = None;
        for (i, entry) in self.entries.iter().enumerate() {
            let diff = entry
                .hash
                .iter()
                .zip(presented)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            // Every entry is compared in full whatever the outcome; hashes are unique, so
            // at most one matches.
            if std::hint::black_box(diff) == 0 {
                found = Some(i);
            }
        }
        found.map(|i| (self.entries[i].role, self.entries[i].name.as_str()))
    }

    /// Whether an entry has this name.
    pub fn contains_name(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }

    /// `(role, name)` of every entry, in file order.
    pub fn names(&self) -> impl Iterator<Item = (Role, &str)> {
        self.entries.iter().map(|e| (e.role, e.name.as_str()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn parse_line(line: &str) -> Result<Entry, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.iter().any(|f| f.starts_with(TOKEN_PREFIX)) {
        return Err(format!(
            "holds a token itself; store only its hash (`{TOKEN_PREFIX}...` becomes sha256:<hex>, as `raftctl cert create-token` writes it)"
        ));
    }
    let [role, name, hash] = fields[..] else {
        return Err(format!(
            "expected `<role> <name> sha256:<64 hex digits>`, found {} fields",
            fields.len()
        ));
    };
    let role: Role = role.parse()?;
    check_client_name(name)?;
    let hex = hash.strip_prefix(HASH_PREFIX).ok_or_else(|| {
        "the third field must be sha256:<64 hex digits> (the hash of the token, never the token)"
            .to_string()
    })?;
    let hash = parse_hash(hex)
        .ok_or_else(|| format!("{HASH_PREFIX}{hex:?} is not 64 hex digits (a SHA-256 hash)"))?;
    Ok(Entry {
        role,
        name: name.to_owned(),
        hash,
    })
}

fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A new random token: `rctl_` and 32 bytes from the OS in unpadded base64url.
pub fn generate() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The tokens file line for `token`: `<role> <name> sha256:<hex>`, without a newline.
pub fn line(role: Role, name: &str, token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest.as_ref() {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("{role} {name} {HASH_PREFIX}{hex}")
}

/// Makes a token for `name` with `role`, appends its line to the tokens file `path`
/// (created mode 0600 if missing) and returns the token, which is stored nowhere. The
/// file is read first: a name already in it, or a file that does not load, is refused
/// with the file unchanged.
pub fn add(path: &Path, role: Role, name: &str) -> Result<String, String> {
    check_client_name(name)?;
    let shown = path.display();
    match std::fs::symlink_metadata(path) {
        Ok(_) => {
            let tokens = Tokens::load(path)?;
            if tokens.contains_name(name) {
                return Err(format!(
                    "{shown} already has a token named {name:?}; pick another name, or delete its line to replace it"
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read tokens file {shown}: {e}")),
    }
    let token = generate();
    let mut text = line(role, name, &token);
    text.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open tokens file {shown}: {e}"))?;
    // A file whose last line lacks its newline would join the two lines.
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read tokens file {shown}: {e}"))?
        .len();
    if len > 0 && !ends_with_newline(path)? {
        text.insert(0, '\n');
    }
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write tokens file {shown}: {e}"))?;
    Ok(token)
}

fn ends_with_newline(path: &Path) -> Result<bool, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(bytes.last() == Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_checks_against_its_own_line_only() {
        let (a, b) = (generate(), generate());
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43);
        assert_ne!(a, b);
        let text = format!(
            "# tokens\n\n{}\n  {}  \n",
            line(Role::Read, "a", &a),
            line(Role::Admin, "b", &b)
        );
        let tokens = Tokens::parse(&text).expect("parse");
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens.check(&a), Some((Role::Read, "a")));
        assert_eq!(tokens.check(&b), Some((Role::Admin, "b")));
        assert_eq!(tokens.check("rctl_nope"), None);
        assert_eq!(tokens.check(""), None);
        assert!(Tokens::parse("").expect("empty").is_empty());
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let h = "sha256:".to_string() + &"ab".repeat(32);
        let cases = [
            (format!("root x {h}"), "not a role"),
            (format!("read a/b {h}"), "client name"),
            ("read x sha256:abc".to_string(), "64 hex"),
            (format!("read x {}", &h[7..]), "third field"),
            (format!("read x {}", generate()), "token itself"),
            (generate(), "token itself"),
            ("read x".to_string(), "2 fields"),
            (
                format!("read x {h}\nwrite x {}", h.replace("ab", "cd")),
                "twice",
            ),
            (format!("read x {h}\nwrite y {h}"), "two names"),
        ];
        for (text, want) in cases {
            let err = Tokens::parse(&format!("# c\n{text}")).expect_err(&text);
            // The bad line is the last one.
            let n = text.lines().count() + 1;
            assert!(
                err.starts_with(&format!("line {n}:")) && err.contains(want),
                "{err}"
            );
        }
    }

    #[test]
    fn add_appends_and_refuses_a_duplicate_and_loose_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("tokens");
        let t1 = add(&path, Role::Write, "ci").expect("add");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let before = std::fs::read(&path).expect("read");
        let err = add(&path, Role::Read, "ci").expect_err("duplicate");
        assert!(err.contains("already has a token named"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), before);
        let t2 = add(&path, Role::Admin, "ops").expect("add");
        let tokens = Tokens::load(&path).expect("load");
        assert_eq!(tokens.check(&t1), Some((Role::Write, "ci")));
        assert_eq!(tokens.check(&t2), Some((Role::Admin, "ops")));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o620)).expect("chmod");
        let err = Tokens::load(&path).expect_err("group-writable");
        assert!(err.contains("chmod 600"), "{err}");
        let bad = tmp.path().join("bad");
        std::fs::write(&bad, "read x y\n").expect("write");
        std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let err = Tokens::load(&bad).expect_err("bad");
        assert!(err.contains("bad: line 1:"), "{err}");
    }
}
