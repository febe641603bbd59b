//! Snapshot files: `snapshots/snap-<term>-<index>.snap`, a header, the state machine
//! image as opaque bytes, and a crc32c over everything before it.
//!
//! ```text
//! [magic: 8 bytes "RAFTSNAP"][format version: u32 LE][meta length: u32 LE]
//! [meta: JSON of SnapshotFileMeta][payload length: u64 LE][payload][crc32c: u32 LE]
//! ```
//!
//! The writer streams into `<name>.tmp`, then patches the payload length, appends the
//! checksum, fsyncs the file, renames it into place and fsyncs the directory: a crash
//! leaves either no file or a complete one (plus perhaps a `.tmp` to ignore). The reader
//! checks the header and the file length up front and the checksum as the payload
//! streams through it, so the file is read once.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::store::Membership;
use crate::cluster_id::ClusterId;
use crate::raft::{ConfState, Index, SnapshotMeta, Term};

const MAGIC: &[u8; 8] = b"RAFTSNAP";
/// The snapshot file format this build writes and the newest it reads.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;
/// Longest meta JSON accepted when reading, so a damaged length cannot exhaust memory.
const MAX_META_LEN: u32 = 16 << 20;

/// What a snapshot file says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotFileMeta {
    pub index: Index,
    pub term: Term,
    pub conf_state: ConfState,
    pub membership: Membership,
    pub cluster_id: ClusterId,
}

impl SnapshotFileMeta {
    pub fn snapshot_meta(&self) -> SnapshotMeta {
        SnapshotMeta {
            index: self.index,
            term: self.term,
            conf_state: self.conf_state.clone(),
        }
    }
}

/// The name of the snapshot file at `term`/`index`.
pub fn file_name(term: Term, index: Index) -> String {
    format!("snap-{term}-{index}.snap")
}

/// The (term, index) of a snapshot file name, if it is one.
pub fn parse_file_name(name: &str) -> Option<(Term, Index)> {
    let rest = name.strip_prefix("snap-")?.strip_suffix(".snap")?;
    let (term, index) = rest.split_once('-')?;
    Some((term.parse().ok()?, index.parse().ok()?))
}

/// The snapshot files in `dir`, oldest first by (index, term). Temporary files left by
/// an interrupted writer are not listed.
pub fn list_files(dir: &Path) -> Result<Vec<(Term, Index, PathBuf)>> {
    let mut found = Vec::new();
    let items = match fs::read_dir(dir) {
        Ok(items) => items,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(Error::io("list", dir, e)),
    };
    for item in items {
        let item = item.map_err(|e| Error::io("list", dir, e))?;
        if let Some((term, index)) = item.file_name().to_str().and_then(parse_file_name) {
            found.push((term, index, item.path()));
        }
    }
    found.sort_by_key(|(term, index, _)| (*index, *term));
    Ok(found)
}

/// Removes temporary files of snapshot writers that never finished (a crash mid-write).
pub fn remove_unfinished(dir: &Path) -> Result<()> {
    let items = match fs::read_dir(dir) {
        Ok(items) => items,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("list", dir, e)),
    };
    for item in items {
        let item = item.map_err(|e| Error::io("list", dir, e))?;
        let name = item.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap-") && name.ends_with(".snap.tmp") {
            let p = item.path();
            fs::remove_file(&p).map_err(|e| Error::io("remove", &p, e))?;
        }
    }
    Ok(())
}

/// A finished snapshot file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotFileInfo {
    pub path: PathBuf,
    pub size_bytes: u64,
    pub payload_bytes: u64,
    pub crc32c: u32,
}

fn header(meta_json: &[u8], payload_len: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(24 + meta_json.len());
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&SNAPSHOT_FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&(meta_json.len() as u32).to_le_bytes());
    h.extend_from_slice(meta_json);
    h.extend_from_slice(&payload_len.to_le_bytes());
    h
}

/// Streams a snapshot file; `finish` makes it durable under its final name. Dropped
/// without `finish`, it removes its temporary file.
pub struct SnapshotWriter {
    out: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
    dir: PathBuf,
    meta_json: Vec<u8>,
    payload_len: u64,
    payload_crc: u32,
}

impl SnapshotWriter {
    /// Starts `dir/snap-<term>-<index>.snap` (as a temporary file until `finish`).
    pub fn create(dir: &Path, meta: SnapshotFileMeta) -> Result<SnapshotWriter> {
        fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        let path = dir.join(file_name(meta.term, meta.index));
        let tmp = path.with_extension("snap.tmp");
        let meta_json = serde_json::to_vec(&meta).expect("snapshot meta always serialises");
        let file = File::create(&tmp).map_err(|e| Error::io("create", &tmp, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&header(&meta_json, 0))
            .map_err(|e| Error::io("write", &tmp, e))?;
        Ok(SnapshotWriter {
            out: Some(out),
            tmp,
            path,
            dir: dir.to_path_buf(),
            meta_json,
            payload_len: 0,
            payload_crc: 0,
        })
    }

    /// Completes the file: length, checksum, fsync, rename, fsync of the directory.
    pub fn finish(mut self) -> Result<SnapshotFileInfo> {
        let tmp = self.tmp.clone();
        let out = self.out.take().expect("finish consumes the writer");
        let mut file = out
            .into_inner()
            .map_err(|e| Error::io("write", &tmp, e.into_error()))?;
        let header = header(&self.meta_json, self.payload_len);
        let len_at = (header.len() - 8) as u64;
        let crc = crc32c::crc32c_combine(
            crc32c::crc32c(&header),
            self.payload_crc,
            self.payload_len as usize,
        );
        let io = |e| Error::io("write", &tmp, e);
        file.seek(SeekFrom::Start(len_at)).map_err(io)?;
        file.write_all(&self.payload_len.to_le_bytes())
            .map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
        file.write_all(&crc.to_le_bytes()).map_err(io)?;
        file.sync_all().map_err(|e| Error::io("sync", &tmp, e))?;
        drop(file);
        fs::rename(&tmp, &self.path).map_err(|e| Error::io("rename into place", &tmp, e))?;
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("sync", &self.dir, e))?;
        Ok(SnapshotFileInfo {
            path: self.path.clone(),
            size_bytes: header.len() as u64 + self.payload_len + 4,
            payload_bytes: self.payload_len,
            crc32c: crc,
        })
    }

    /// The final path the file will have.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Write for SnapshotWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let out = self
            .out
            .as_mut()
            .ok_or_else(|| io::Error::other("snapshot writer already finished"))?;
        let n = out.write(buf)?;
        self.payload_crc = crc32c::crc32c_append(self.payload_crc, &buf[..n]);
        self.payload_len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.out.as_mut() {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for SnapshotWriter {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Reads a snapshot file's payload, checking the crc32c as it goes: the read that
/// reaches the end of the payload fails with `InvalidData` if the checksum does not
/// match, so a consumer reading to the end never takes damaged bytes for good ones.
pub struct SnapshotReader {
    input: BufReader<File>,
    path: PathBuf,
    meta: SnapshotFileMeta,
    payload_len: u64,
    remaining: u64,
    crc: u32,
    checked: Option<bool>,
    stored_crc: u32,
}

impl SnapshotReader {
    /// Opens a snapshot file and checks its header and length.
    pub fn open(path: &Path) -> Result<SnapshotReader> {
        let bad = |detail: String| Error::SnapshotFile {
            path: path.to_path_buf(),
            detail,
        };
        let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        let file_len = file
            .metadata()
            .map_err(|e| Error::io("read", path, e))?
            .len();
        let mut input = BufReader::with_capacity(1 << 20, file);
        let mut fixed = [0u8; 16];
        read_full(&mut input, &mut fixed, path, file_len)?;
        if &fixed[..8] != MAGIC {
            return Err(bad(
                "it does not start with the raftctl snapshot magic bytes".into(),
            ));
        }
        let version = u32::from_le_bytes(fixed[8..12].try_into().expect("4 bytes"));
        if version > SNAPSHOT_FORMAT_VERSION {
            return Err(Error::SnapshotFormatTooNew {
                path: path.to_path_buf(),
                found: version,
                supported: SNAPSHOT_FORMAT_VERSION,
            });
        }
        if version == 0 {
            return Err(bad("its format version is 0, which no raftctl wrote".into()));
        }
        let meta_len = u32::from_le_bytes(fixed[12..16].try_into().expect("4 bytes"));
        if meta_len > MAX_META_LEN {
            return Err(bad(format!(
                "its header announces {meta_len} bytes of metadata (at most {MAX_META_LEN} allowed)"
            )));
        }
        let mut meta_json = vec![0u8; meta_len as usize];
        read_full(&mut input, &mut meta_json, path, file_len)?;
        let mut len_bytes = [0u8; 8];
        read_full(&mut input, &mut len_bytes, path, file_len)?;
        let payload_len = u64::from_le_bytes(len_bytes);
        let header_len = 24 + meta_len as u64;
        let expected = header_len
            .checked_add(payload_len)
            .and_then(|n| n.checked_add(4))
            .ok_or_else(|| bad(format!("its payload length {payload_len} is impossible")))?;
        if file_len < expected {
            return Err(Error::SnapshotTruncated {
                path: path.to_path_buf(),
                expected,
                actual: file_len,
            });
        }
        if file_len > expected {
            return Err(bad(format!(
                "it has {} bytes after the end its header announces ({expected} bytes)",
                file_len - expected
            )));
        }
        let meta: SnapshotFileMeta = serde_json::from_slice(&meta_json)
            .map_err(|e| bad(format!("its metadata cannot be decoded: {e}")))?;
        let mut crc = crc32c::crc32c(&fixed);
        crc = crc32c::crc32c_append(crc, &meta_json);
        crc = crc32c::crc32c_append(crc, &len_bytes);
        Ok(SnapshotReader {
            input,
            path: path.to_path_buf(),
            meta,
            payload_len,
            remaining: payload_len,
            crc,
            checked: None,
            stored_crc: 0,
        })
    }

    pub fn meta(&self) -> &SnapshotFileMeta {
        &self.meta
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn payload_len(&self) -> u64 {
        self.payload_len
    }

    /// The stored checksum, once the payload has been read through.
    pub fn stored_crc32c(&self) -> Option<u32> {
        self.checked.map(|_| self.stored_crc)
    }

    /// Reads the rest of the payload (if any) and checks the checksum.
    pub fn verify(&mut self) -> Result<()> {
        let mut sink = [0u8; 64 * 1024];
        while self.remaining > 0 {
            let want = sink.len().min(self.remaining as usize);
            let n = self
                .input
                .read(&mut sink[..want])
                .map_err(|e| Error::io("read", &self.path, e))?;
            if n == 0 {
                return Err(Error::SnapshotTruncated {
                    path: self.path.clone(),
                    expected: self.payload_len,
                    actual: self.payload_len - self.remaining,
                });
            }
            self.crc = crc32c::crc32c_append(self.crc, &sink[..n]);
            self.remaining -= n as u64;
        }
        self.check_trailer()
    }

    fn check_trailer(&mut self) -> Result<()> {
        if self.checked.is_none() {
            let mut trailer = [0u8; 4];
            self.input
                .read_exact(&mut trailer)
                .map_err(|e| Error::io("read the checksum of", &self.path, e))?;
            self.stored_crc = u32::from_le_bytes(trailer);
            self.checked = Some(self.stored_crc == self.crc);
        }
        if self.checked == Some(true) {
            Ok(())
        } else {
            Err(Error::SnapshotChecksum {
                path: self.path.clone(),
                stored: self.stored_crc,
                computed: self.crc,
            })
        }
    }
}

impl Read for SnapshotReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return match self.check_trailer() {
                Ok(()) => Ok(0),
                Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
            };
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(self.remaining.min(usize::MAX as u64) as usize);
        let n = self.input.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "snapshot file {} ends {} bytes before its payload does",
                    self.path.display(),
                    self.remaining
                ),
            ));
        }
        self.crc = crc32c::crc32c_append(self.crc, &buf[..n]);
        self.remaining -= n as u64;
        Ok(n)
    }
}

fn read_full(input: &mut impl Read, buf: &mut [u8], path: &Path, file_len: u64) -> Result<()> {
    input.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::SnapshotFile {
                path: path.to_path_buf(),
                detail: format!("it is {file_len} bytes, too short for a snapshot file header"),
            }
        } else {
            Error::io("read", path, e)
        }
    })
}
