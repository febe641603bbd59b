//! `snapshot inspect` and `snapshot restore`: a snapshot file read offline, and a new
//! data dir made from one, like `etcdutl snapshot inspect|restore`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::wal::{member_rows, MemberRow};
use super::{json_u64, Error};
use crate::cluster_id::ClusterId;
use crate::kv::snapshot_file::{
    create_snapshot_file, install_snapshot_file_with, verify_snapshot_file, InstallOptions,
};
use crate::raft::{Index, NodeId, Term};
use crate::storage::{InitialState, Membership, RedbStorage, DB_FILE, SNAPSHOT_DIR};

/// `snapshot inspect`: what a snapshot file holds, after reading it through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotReport {
    pub file: String,
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    /// 16 hex digits: the cluster the snapshot was taken in.
    pub cluster_id: String,
    pub voters: Vec<MemberRow>,
    pub learners: Vec<MemberRow>,
    #[serde(serialize_with = "json_u64")]
    pub keys: u64,
    pub size_bytes: u64,
    /// The crc32c of the file, 8 hex digits.
    pub checksum: String,
    /// Always true in a report: a file that fails its checksum is an error instead.
    pub checksum_ok: bool,
}

/// Reads the snapshot file at `path` through and summarises it. A truncated, damaged or
/// foreign file is an error naming the file.
pub fn inspect_snapshot(path: &Path) -> Result<SnapshotReport, Error> {
    let v = verify_snapshot_file(path)?;
    Ok(SnapshotReport {
        file: path.display().to_string(),
        index: v.meta.index,
        term: v.meta.term,
        cluster_id: v.meta.cluster_id.to_string(),
        voters: member_rows(&v.meta.membership.voters),
        learners: member_rows(&v.meta.membership.learners),
        keys: v.keys,
        size_bytes: v.size_bytes,
        checksum: format!("{:08x}", v.checksum),
        checksum_ok: true,
    })
}

/// Parses `--initial-cluster ID=URL,ID=URL,...` into voters with
/// [`crate::member_url::InitialCluster`], the parser of `serve --initial-cluster`. The
/// message of an error says what is wrong with which part.
pub fn parse_initial_cluster(spec: &str) -> Result<Membership, String> {
    let cluster = crate::member_url::InitialCluster::parse(spec)?;
    Ok(Membership {
        voters: cluster.to_urls(),
        learners: Default::default(),
    })
}

/// The `host:port` a member's URL points at, for `serve --listen`.
pub fn listen_address(url: &str) -> &str {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// The `raftctl serve` line that starts member `id` (URL `url`) on `data_dir`; an
/// `https://` member also needs its certificate, named as `raftctl cert` names it.
pub fn serve_command(id: NodeId, url: &str, data_dir: &Path) -> String {
    let listen = listen_address(url);
    let tls = url.starts_with("https://");
    let default = if tls {
        format!("https://{listen}")
    } else {
        format!("http://{listen}")
    };
    let advertise = if url.trim_end_matches('/') == default {
        String::new()
    } else {
        format!(" --advertise {url}")
    };
    let certificates = if tls {
        format!(" --cacert ca.crt --cert member-{id}.crt --key member-{id}.key")
    } else {
        String::new()
    };
    format!(
        "raftctl serve --id {id} --listen {listen}{advertise} --data-dir {}{certificates}",
        data_dir.display()
    )
}

/// What `restore` asks for.
#[derive(Clone, Debug)]
pub struct RestoreOptions {
    pub file: PathBuf,
    pub data_dir: PathBuf,
    pub node_id: NodeId,
    pub membership: Membership,
    /// Mixed into the new cluster id: restores from the same file and member list with
    /// another token make another cluster.
    pub token: String,
}

/// `snapshot restore`: what was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub data_dir: String,
    #[serde(serialize_with = "json_u64")]
    pub node_id: NodeId,
    /// The new cluster's id, 16 hex digits.
    pub cluster_id: String,
    /// The cluster the snapshot came from.
    pub source_cluster_id: String,
    pub voters: Vec<MemberRow>,
    pub learners: Vec<MemberRow>,
    #[serde(serialize_with = "json_u64")]
    pub index: Index,
    #[serde(serialize_with = "json_u64")]
    pub term: Term,
    #[serde(serialize_with = "json_u64")]
    pub keys: u64,
    /// Where the log of the new data dir starts (the entry after the snapshot).
    #[serde(serialize_with = "json_u64")]
    pub first_index: Index,
    /// The snapshot file kept in the new data dir, for members added later.
    pub snapshot_file: String,
    pub serve_command: String,
}

/// The id of the cluster a restore makes: new (never the source cluster's), and the
/// same for every member restored from the same file with the same member list and
/// token, so that they accept each other's messages.
pub fn restored_cluster_id(
    source_cluster: ClusterId,
    checksum: u32,
    index: Index,
    membership: &Membership,
    token: &str,
) -> u64 {
    // FNV-1a, 64 bit: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    feed(b"raftctl snapshot restore");
    // The text, as it was fed before cluster ids had a type: restored ids stay the same.
    feed(source_cluster.to_string().as_bytes());
    feed(&checksum.to_le_bytes());
    feed(&index.to_le_bytes());
    for (id, url) in &membership.voters {
        feed(&id.to_le_bytes());
        feed(url.as_bytes());
    }
    feed(token.as_bytes());
    match h {
        0 => 1,
        h if ClusterId(h) == source_cluster => h ^ 1,
        h => h,
    }
}

/// Makes a new data dir at `opts.data_dir` that starts a new cluster from the snapshot
/// file: the file is verified first, the dir must be missing or empty, and on any
/// failure what was created is removed again.
pub fn restore(opts: &RestoreOptions) -> Result<RestoreReport, Error> {
    let dir = &opts.data_dir;
    let Some(url) = opts.membership.url(opts.node_id).map(str::to_string) else {
        return Err(Error::refused(format!(
            "--id {} is not in --initial-cluster (members: {})",
            opts.node_id,
            ids(&opts.membership)
        )));
    };
    let file = verify_snapshot_file(&opts.file)?;
    let existed = dir.exists();
    let cluster_id = restored_cluster_id(
        file.meta.cluster_id,
        file.checksum,
        file.meta.index,
        &opts.membership,
        &opts.token,
    );
    let store = RedbStorage::create(
        dir,
        InitialState {
            node_id: opts.node_id,
            cluster_id,
            membership: opts.membership.clone(),
        },
    )
    .inspect_err(|_| {
        if !existed {
            // Only if still empty: whatever else is there is not ours to remove.
            let _ = fs::remove_dir(dir);
        }
    })?;
    let written = (|| -> Result<_, Error> {
        let mut batch = store.begin_write()?;
        let installed = install_snapshot_file_with(
            &mut batch,
            &opts.file,
            &InstallOptions {
                cluster_id: None,
                membership: Some(opts.membership.clone()),
            },
        )?;
        batch.commit()?;
        let kept = create_snapshot_file(&store, &store.snapshot_dir())?;
        Ok((installed, kept))
    })();
    let (installed, kept) = match written {
        Ok(done) => done,
        Err(e) => {
            drop(store);
            remove_created(dir, existed);
            return Err(e);
        }
    };
    Ok(RestoreReport {
        data_dir: dir.display().to_string(),
        node_id: opts.node_id,
        cluster_id: ClusterId(cluster_id).to_string(),
        source_cluster_id: installed.file_meta.cluster_id.to_string(),
        voters: member_rows(&installed.membership.voters),
        learners: member_rows(&installed.membership.learners),
        index: installed.meta.index,
        term: installed.meta.term,
        keys: installed.keys,
        first_index: store.first_index(),
        snapshot_file: kept.path.display().to_string(),
        serve_command: serve_command(opts.node_id, &url, dir),
    })
}

fn ids(m: &Membership) -> String {
    m.voters
        .keys()
        .chain(m.learners.keys())
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Removes what a failed restore created: the database and snapshot dir, and the data
/// dir itself when it did not exist before. Best effort: the error already reported is
/// the one that matters.
fn remove_created(dir: &Path, existed: bool) {
    if existed {
        let _ = fs::remove_file(dir.join(DB_FILE));
        let _ = fs::remove_dir_all(dir.join(SNAPSHOT_DIR));
    } else {
        let _ = fs::remove_dir_all(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_cluster_parses_and_names_what_is_wrong() {
        // The same parser as `serve --initial-cluster`: URLs in their normal form.
        let m = parse_initial_cluster("1=http://127.0.0.1:7001, 2=http://H:7002/").unwrap();
        assert_eq!(m.voters.len(), 2);
        assert_eq!(m.url(2), Some("http://h:7002"));
        for (bad, says) in [
            ("", "no members"),
            ("1", "not ID=URL"),
            ("0=http://a:1", "not a member id"),
            ("x=http://a:1", "not a member id"),
            ("1=ftp://a", "not supported"),
            ("1=http://u:p@a:1", "no user name"),
            ("1=http://", "not a URL"),
            ("1=http://a:1,1=http://b:2", "listed twice"),
            ("1=http://a:1,2=http://a:1/", "listed twice"),
        ] {
            let err = parse_initial_cluster(bad).unwrap_err();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }

    #[test]
    fn serve_lines_follow_the_url() {
        let d = Path::new("d1");
        assert_eq!(
            serve_command(1, "http://127.0.0.1:7001", d),
            "raftctl serve --id 1 --listen 127.0.0.1:7001 --data-dir d1"
        );
        assert_eq!(
            serve_command(2, "https://n2:443/x", d),
            "raftctl serve --id 2 --listen n2:443 --advertise https://n2:443/x --data-dir d1 \
             --cacert ca.crt --cert member-2.crt --key member-2.key"
        );
        assert_eq!(
            serve_command(3, "https://127.0.0.1:7003", d),
            "raftctl serve --id 3 --listen 127.0.0.1:7003 --data-dir d1 \
             --cacert ca.crt --cert member-3.crt --key member-3.key"
        );
    }

    #[test]
    fn cluster_ids_are_shared_by_one_restore_and_differ_otherwise() {
        let m = parse_initial_cluster("1=http://a:1,2=http://b:2").unwrap();
        let a = restored_cluster_id(ClusterId(0xaa), 7, 10, &m, "");
        assert_eq!(a, restored_cluster_id(ClusterId(0xaa), 7, 10, &m, ""));
        assert_ne!(a, restored_cluster_id(ClusterId(0xaa), 7, 10, &m, "t"));
        assert_ne!(a, restored_cluster_id(ClusterId(0xaa), 8, 10, &m, ""));
        let one = parse_initial_cluster("1=http://a:1").unwrap();
        assert_ne!(a, restored_cluster_id(ClusterId(0xaa), 7, 10, &one, ""));
        assert_ne!(ClusterId(a).to_string(), "00000000000000aa");
    }
}
