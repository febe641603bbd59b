//! Snapshot files: streamed in and out with the checksum checked on the way, and every
//! kind of damage reported as an error naming the file.

mod storage_util;

use std::fs;
use std::io::{Read, Write};

use raftctl::raft::SnapshotMeta;
use raftctl::storage::{Error, RedbStorage, SnapshotReader};
use storage_util::*;

fn payload() -> Vec<u8> {
    (0..3_000_000u32).map(|i| (i * 7 % 256) as u8).collect()
}

fn write_snapshot(store: &RedbStorage, data: &[u8]) -> std::path::PathBuf {
    let m = three_voters();
    let meta = SnapshotMeta {
        index: 42,
        term: 7,
        conf_state: m.conf_state(),
    };
    let mut w = store.create_snapshot_file(&meta, &m).unwrap();
    for chunk in data.chunks(10_000) {
        w.write_all(chunk).unwrap();
    }
    let info = w.finish().unwrap();
    assert_eq!(info.payload_bytes, data.len() as u64);
    assert_eq!(fs::metadata(&info.path).unwrap().len(), info.size_bytes);
    info.path
}

#[test]
fn a_snapshot_file_streams_back_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let data = payload();
    let path = write_snapshot(&store, &data);
    assert_eq!(path, dir.path().join("snapshots/snap-7-42.snap"));
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");

    let mut r = store.open_snapshot_file(7, 42).unwrap();
    assert_eq!(r.meta().index, 42);
    assert_eq!(r.meta().term, 7);
    assert_eq!(r.meta().membership, three_voters());
    assert_eq!(
        r.meta().cluster_id.to_string(),
        format!("{CLUSTER_ID:016x}")
    );
    assert_eq!(r.payload_len(), data.len() as u64);
    let mut back = Vec::new();
    r.read_to_end(&mut back).unwrap();
    assert_eq!(back, data);
    r.verify().unwrap();
    assert!(r.stored_crc32c().is_some());

    let mut again = SnapshotReader::open(&path).unwrap();
    again.verify().unwrap();
    assert!(matches!(
        store.open_snapshot_file(7, 41),
        Err(Error::NoSnapshotFile { .. })
    ));
}

#[test]
fn an_empty_payload_is_a_valid_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let path = write_snapshot(&store, &[]);
    let mut r = SnapshotReader::open(&path).unwrap();
    let mut back = Vec::new();
    r.read_to_end(&mut back).unwrap();
    assert!(back.is_empty());
    r.verify().unwrap();
}

#[test]
fn a_flipped_payload_byte_fails_the_checksum_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let path = write_snapshot(&store, &payload());
    let mut bytes = fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    fs::write(&path, &bytes).unwrap();

    let mut r = SnapshotReader::open(&path).unwrap();
    let err = r.read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("checksum"), "{err}");
    let mut r = SnapshotReader::open(&path).unwrap();
    let err = r.verify().unwrap_err();
    assert!(matches!(err, Error::SnapshotChecksum { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn damaged_headers_and_lengths_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let path = write_snapshot(&store, &payload());
    let good = fs::read(&path).unwrap();

    let mut truncated = good.clone();
    truncated.truncate(good.len() - 1000);
    fs::write(&path, &truncated).unwrap();
    let err = SnapshotReader::open(&path).err().unwrap();
    assert!(matches!(err, Error::SnapshotTruncated { .. }), "{err}");

    fs::write(&path, b"RAFTSN").unwrap();
    let err = SnapshotReader::open(&path).err().unwrap();
    assert!(err.to_string().contains("too short"), "{err}");

    let mut magic = good.clone();
    magic[0] = b'X';
    fs::write(&path, &magic).unwrap();
    let err = SnapshotReader::open(&path).err().unwrap();
    assert!(err.to_string().contains("magic"), "{err}");

    let mut newer = good.clone();
    newer[8] = 9;
    fs::write(&path, &newer).unwrap();
    let err = SnapshotReader::open(&path).err().unwrap();
    assert!(
        matches!(err, Error::SnapshotFormatTooNew { found: 9, .. }),
        "{err}"
    );

    let mut huge_meta = good.clone();
    huge_meta[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    fs::write(&path, &huge_meta).unwrap();
    assert!(SnapshotReader::open(&path).is_err());

    let mut longer = good.clone();
    longer.extend_from_slice(b"junk");
    fs::write(&path, &longer).unwrap();
    let err = SnapshotReader::open(&path).err().unwrap();
    assert!(err.to_string().contains("after the end"), "{err}");
}

#[test]
fn an_unfinished_writer_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let m = three_voters();
    let meta = SnapshotMeta {
        index: 5,
        term: 1,
        conf_state: m.conf_state(),
    };
    let mut w = store.create_snapshot_file(&meta, &m).unwrap();
    w.write_all(b"partial").unwrap();
    drop(w);
    assert_eq!(
        fs::read_dir(dir.path().join("snapshots")).unwrap().count(),
        0
    );
}

#[test]
fn old_and_unfinished_snapshot_files_are_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStorage::create(dir.path(), init(1)).unwrap();
    let m = three_voters();
    for (term, index) in [(1, 10), (2, 30), (2, 20)] {
        let meta = SnapshotMeta {
            index,
            term,
            conf_state: m.conf_state(),
        };
        let mut w = store.create_snapshot_file(&meta, &m).unwrap();
        w.write_all(b"image").unwrap();
        w.finish().unwrap();
    }
    let listed: Vec<(u64, u64)> = store
        .snapshot_files()
        .unwrap()
        .into_iter()
        .map(|(t, i, _)| (t, i))
        .collect();
    assert_eq!(listed, vec![(1, 10), (2, 20), (2, 30)]);
    store.remove_snapshot_files_before(30).unwrap();
    assert_eq!(store.snapshot_files().unwrap().len(), 1);

    // A writer killed mid-file leaves a .tmp; the next open removes it.
    let tmp = dir.path().join("snapshots/snap-3-40.snap.tmp");
    fs::write(&tmp, b"half").unwrap();
    drop(store);
    let store = RedbStorage::open(dir.path()).unwrap();
    assert!(!tmp.exists());
    assert_eq!(store.snapshot_files().unwrap()[0].1, 30);
}
