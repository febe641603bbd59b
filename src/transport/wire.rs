//! What travels between peers: the JSON batch of `POST /raft/messages`, the headers of
//! `POST /raft/snapshot`, and the JSON error body.
//!
//! A batch is `{"cluster_id":"<16 hex>","from":N,"messages":[Message...]}`; entry
//! payloads are base64 strings (see `raft::types`). JSON keeps the peer protocol
//! readable with curl and shared with the client API; `benches/wire.rs` measures it.

use serde::{Deserialize, Serialize};

use crate::raft::{Message, NodeId};

/// Route of message batches.
pub const MESSAGES_PATH: &str = "/raft/messages";
/// Route of streamed snapshots.
pub const SNAPSHOT_PATH: &str = "/raft/snapshot";

/// Snapshot request header: the sender's cluster id, 16 hex digits.
pub const HEADER_CLUSTER_ID: &str = "x-raft-cluster-id";
/// Snapshot request header: the sender's member id.
pub const HEADER_FROM: &str = "x-raft-from";
/// Snapshot request header: the `MsgSnapshot` as JSON, its `snapshot.data` empty (the
/// body carries the file).
pub const HEADER_MESSAGE: &str = "x-raft-message";
/// Snapshot request header: the length of the body in bytes, checked by the receiver so
/// that a cut-off stream is never taken for a whole file.
pub const HEADER_SNAPSHOT_SIZE: &str = "x-raft-snapshot-size";
/// Batch request header: the client URLs the sender knows, `ID=URL,ID=URL`, for
/// members that serve their peers on addresses of their own (see `client_urls.rs`).
pub const HEADER_CLIENT_URLS: &str = "x-raft-client-urls";

/// A batch as it is sent: borrows the messages, so encoding copies nothing but bytes.
#[derive(Serialize)]
pub struct BatchRef<'a> {
    pub cluster_id: &'a str,
    pub from: NodeId,
    pub messages: &'a [Message],
}

/// A batch as it is received.
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct Batch {
    /// As sent; checked against the receiver's own by the route.
    pub cluster_id: String,
    pub from: NodeId,
    pub messages: Vec<Message>,
}

/// Encodes a batch body.
pub fn encode_batch(cluster_id: &str, from: NodeId, messages: &[Message]) -> Vec<u8> {
    let mut out = Vec::with_capacity(estimate_batch_size(messages));
    serde_json::to_writer(
        &mut out,
        &BatchRef {
            cluster_id,
            from,
            messages,
        },
    )
    .expect("a batch of messages always serialises to a Vec");
    out
}

/// Decodes a batch body; malformed input is an error, never a panic.
pub fn decode_batch(body: &[u8]) -> Result<Batch, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Roughly how many bytes of JSON a message takes, to cap batches and size buffers.
pub fn estimate_message_size(m: &Message) -> usize {
    const FIXED: usize = 160;
    const PER_ENTRY: usize = 64;
    let payloads: usize = m.entries.iter().map(|e| e.data.len()).sum::<usize>() + m.context.len();
    FIXED + m.entries.len() * PER_ENTRY + payloads.div_ceil(3) * 4
}

fn estimate_batch_size(messages: &[Message]) -> usize {
    64 + messages.iter().map(estimate_message_size).sum::<usize>()
}

/// The error body of every refused peer request (the API's error body).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// `{"code": "<snake_case>", "message": "<one sentence>"}`.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::raft::{Entry, MessageType};

    #[test]
    fn batch_round_trip_and_shape() {
        let mut m = Message::new(MessageType::Append, 1, 2);
        m.entries = vec![Entry {
            term: 1,
            index: 1,
            data: Bytes::from_static(b"\x00\x01\x02"),
            ..Entry::default()
        }];
        let body = encode_batch("00000000000000ab", 1, std::slice::from_ref(&m));
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["cluster_id"], "00000000000000ab");
        assert_eq!(json["from"], 1);
        assert_eq!(json["messages"][0]["entries"][0]["data"], "AAEC");
        let batch = decode_batch(&body).unwrap();
        assert_eq!(batch.messages, vec![m]);
        assert!(estimate_batch_size(&batch.messages) >= body.len() / 2);
    }

    fn peer_message() -> impl proptest::strategy::Strategy<Value = Message> {
        use proptest::prelude::*;
        let types = prop::sample::select(vec![
            MessageType::Append,
            MessageType::AppendResp,
            MessageType::Vote,
            MessageType::PreVoteResp,
            MessageType::Heartbeat,
            MessageType::ReadIndex,
            MessageType::TimeoutNow,
        ]);
        let entry = (
            any::<u64>(),
            any::<u64>(),
            prop::collection::vec(any::<u8>(), 0..40),
        )
            .prop_map(|(term, index, data)| Entry {
                term,
                index,
                data: Bytes::from(data),
                ..Entry::default()
            });
        (
            types,
            any::<[u64; 6]>(),
            any::<bool>(),
            prop::collection::vec(entry, 0..4),
            prop::collection::vec(any::<u8>(), 0..16),
        )
            .prop_map(|(t, n, reject, entries, context)| {
                let mut m = Message::new(t, n[0], n[1]);
                m.term = n[2];
                m.log_term = n[3];
                m.index = n[4];
                m.commit = n[5];
                m.reject = reject;
                m.reject_hint = n[5] / 2;
                m.entries = entries;
                m.context = Bytes::from(context);
                m
            })
    }

    proptest::proptest! {
        #[test]
        fn any_batch_round_trips(
            messages in proptest::collection::vec(peer_message(), 0..8),
            from in 1u64..,
        ) {
            let body = encode_batch("0123456789abcdef", from, &messages);
            let batch = decode_batch(&body).unwrap();
            proptest::prop_assert_eq!(batch.from, from);
            proptest::prop_assert_eq!(batch.messages, messages);
        }
    }

    #[test]
    fn malformed_batches_are_errors() {
        for bad in [
            &b""[..],
            b"{",
            b"[]",
            b"{\"cluster_id\":\"00\",\"from\":-1,\"messages\":[]}",
            b"{\"cluster_id\":\"00\",\"from\":1,\"messages\":[{\"type\":\"nope\",\"to\":1,\"from\":1}]}",
        ] {
            assert!(decode_batch(bad).is_err());
        }
    }
}
