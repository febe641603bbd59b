//! The peer wire format: encoding and decoding one `POST /raft/messages` body.
//!
//! A leader's typical batch: 64 appends, each carrying one 256-byte entry. Throughput
//! is reported in bytes of JSON body; messages/s = 64 / time per batch. The `base64`
//! cases do only the payload encoding, to show how much of the cost is base64 itself.

use base64::Engine as _;
use bytes::Bytes;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use raftctl::raft::{Entry, EntryType, Message, MessageType};
use raftctl::transport::wire;

const MESSAGES: usize = 64;
const ENTRY_BYTES: usize = 256;

fn batch() -> Vec<Message> {
    (0..MESSAGES as u64)
        .map(|i| {
            let mut m = Message::new(MessageType::Append, 1, 2);
            m.term = 7;
            m.log_term = 7;
            m.index = 100_000 + i;
            m.commit = 99_990 + i;
            m.entries = vec![Entry {
                term: 7,
                index: 100_001 + i,
                entry_type: EntryType::Normal,
                data: Bytes::from(
                    (0..ENTRY_BYTES)
                        .map(|b| (b as u64 * 31 + i) as u8)
                        .collect::<Vec<u8>>(),
                ),
            }];
            m
        })
        .collect()
}

fn wire_format(c: &mut Criterion) {
    let cluster_id = raftctl::cluster_id::ClusterId(0x1234_5678_9abc_def0).to_string();
    let messages = batch();
    let body = wire::encode_batch(&cluster_id, 1, &messages);

    let mut group = c.benchmark_group("batch_64x256");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("encode", |b| {
        b.iter(|| wire::encode_batch(black_box(&cluster_id), 1, black_box(&messages)))
    });
    group.bench_function("decode", |b| {
        b.iter(|| wire::decode_batch(black_box(&body)).expect("valid batch"))
    });

    let payloads: Vec<Bytes> = messages.iter().map(|m| m.entries[0].data.clone()).collect();
    let encoded: Vec<String> = payloads
        .iter()
        .map(|p| base64::engine::general_purpose::STANDARD.encode(p))
        .collect();
    group.bench_function("base64_encode_only", |b| {
        b.iter(|| {
            black_box(&payloads)
                .iter()
                .map(|p| base64::engine::general_purpose::STANDARD.encode(p))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("base64_decode_only", |b| {
        b.iter(|| {
            black_box(&encoded)
                .iter()
                .map(|p| {
                    base64::engine::general_purpose::STANDARD
                        .decode(p)
                        .expect("valid")
                })
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

criterion_group!(benches, wire_format);
criterion_main!(benches);
