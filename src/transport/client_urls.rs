//! The URLs members serve their clients at, passed from member to member.
//!
//! The membership records one URL per member: where its peers reach it. A member that
//! serves its peers on an address of their own (`serve --peer-listen`) has a second URL
//! for clients, which only it knows at first. Every message batch carries what the
//! sender knows, `x-raft-client-urls: ID=URL,ID=URL` ([`super::wire::HEADER_CLIENT_URLS`]): its
//! own URL, and those it heard. A follower hears only from the leader, and the leader
//! from everyone, so after a round trip every member knows every client URL, and `GET
//! /v1/members` shows them. What a member says of itself outranks what others relay.
//! Kept in memory only: every batch says it again.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use reqwest::header::HeaderValue;

use crate::member_url::MemberUrl;
use crate::raft::NodeId;

/// Longest header value read or sent.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Longest client URL recorded.
pub const MAX_URL_BYTES: usize = 512;
/// Most members whose client URLs are kept; a header naming more is cut there.
pub const MAX_ENTRIES: usize = 256;

/// The client URLs this member knows (see the module docs). Cheap to clone: one map
/// behind a lock, shared by the senders, the receiving side and the API.
#[derive(Clone, Debug, Default)]
pub struct ClientUrls(Arc<RwLock<Known>>);

#[derive(Debug, Default)]
struct Known {
    urls: BTreeMap<NodeId, Told>,
    /// Bumped on every change, so that senders rebuild their header only then.
    version: u64,
    /// The header each sender sent last: the same one again is skipped unparsed.
    last_heard: BTreeMap<NodeId, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Told {
    url: String,
    /// Said by the member itself (or recorded for this member by itself).
    direct: bool,
}

/// A sender's header, rebuilt when the map changed since.
#[derive(Debug, Default)]
pub(crate) struct HeaderCache {
    version: Option<u64>,
    value: Option<HeaderValue>,
}

impl ClientUrls {
    /// Records this member's own client URL.
    pub fn record_own(&self, id: NodeId, url: &str) {
        let mut known = self.0.write().unwrap_or_else(PoisonError::into_inner);
        known.set(id, url, true);
    }

    /// Forgets the client URL of member `id`: it moved (`member update`), and says its
    /// new one when it talks again.
    pub fn forget(&self, id: NodeId) {
        let mut known = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if known.urls.remove(&id).is_some() {
            known.version += 1;
        }
    }

    /// The client URL of member `id`, if known.
    pub fn get(&self, id: NodeId) -> Option<String> {
        let known = self.0.read().unwrap_or_else(PoisonError::into_inner);
        known.urls.get(&id).map(|t| t.url.clone())
    }

    /// The header value to send, if anything is known.
    pub(crate) fn header(&self, cache: &mut HeaderCache) -> Option<HeaderValue> {
        let known = self.0.read().unwrap_or_else(PoisonError::into_inner);
        if cache.version != Some(known.version) {
            cache.version = Some(known.version);
            cache.value = known.encode().and_then(|v| HeaderValue::from_str(&v).ok());
        }
        cache.value.clone()
    }

    /// Takes in what an admitted sender told. Malformed entries are skipped (they only
    /// feed the member list); nothing here refuses the messages that came with them.
    pub(crate) fn absorb(&self, from: NodeId, header: &str) {
        {
            let known = self.0.read().unwrap_or_else(PoisonError::into_inner);
            if known.last_heard.get(&from).is_some_and(|h| h == header) {
                return; // the usual case: what every batch from this peer says
            }
        }
        if header.len() > MAX_HEADER_BYTES {
            tracing::debug!(
                from,
                "ignored a client URL header over {MAX_HEADER_BYTES} bytes"
            );
            return;
        }
        let mut known = self.0.write().unwrap_or_else(PoisonError::into_inner);
        for (id, url) in parse(header) {
            let direct = id == from;
            let overrides = direct || known.urls.get(&id).is_none_or(|t| !t.direct);
            if overrides {
                known.set(id, &url, direct);
            }
        }
        if known.last_heard.len() < MAX_ENTRIES || known.last_heard.contains_key(&from) {
            known.last_heard.insert(from, header.to_owned());
        }
    }
}

impl Known {
    fn set(&mut self, id: NodeId, url: &str, direct: bool) {
        let told = Told {
            url: url.to_owned(),
            direct,
        };
        if self.urls.get(&id) == Some(&told) {
            return;
        }
        if self.urls.len() >= MAX_ENTRIES && !self.urls.contains_key(&id) {
            return;
        }
        self.urls.insert(id, told);
        self.version += 1;
    }

    fn encode(&self) -> Option<String> {
        let mut out = String::new();
        for (id, told) in &self.urls {
            let entry = format!("{id}={}", told.url);
            if out.len() + entry.len() + 1 > MAX_HEADER_BYTES {
                break;
            }
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(&entry);
        }
        (!out.is_empty()).then_some(out)
    }
}

/// The well-formed `ID=URL` entries of a header, at most [`MAX_ENTRIES`].
fn parse(header: &str) -> Vec<(NodeId, String)> {
    header
        .split(',')
        .filter_map(|entry| {
            let (id, url) = entry.trim().split_once('=')?;
            let id: NodeId = id.parse().ok().filter(|id| *id > 0)?;
            if url.len() > MAX_URL_BYTES {
                return None;
            }
            Some((id, MemberUrl::parse(url).ok()?.to_string()))
        })
        .take(MAX_ENTRIES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_leader_relays_reaches_the_followers() {
        let leader = ClientUrls::default();
        leader.record_own(1, "http://10.0.0.1:7001");
        leader.absorb(2, "2=http://10.0.0.2:7001");
        leader.absorb(3, "3=http://10.0.0.3:7001,1=http://10.0.0.1:7001");
        let header = leader
            .header(&mut HeaderCache::default())
            .expect("a header");
        let follower = ClientUrls::default();
        follower.record_own(2, "http://10.0.0.2:7001");
        follower.absorb(1, header.to_str().expect("ASCII"));
        assert_eq!(follower.get(3).as_deref(), Some("http://10.0.0.3:7001"));
        assert_eq!(follower.get(1).as_deref(), Some("http://10.0.0.1:7001"));
        assert_eq!(follower.get(2).as_deref(), Some("http://10.0.0.2:7001"));
    }

    #[test]
    fn what_a_member_says_of_itself_outranks_what_others_relay() {
        let urls = ClientUrls::default();
        urls.absorb(2, "2=http://new:7001");
        urls.absorb(1, "2=http://old:7001,3=http://c:7001");
        assert_eq!(urls.get(2).as_deref(), Some("http://new:7001"));
        assert_eq!(urls.get(3).as_deref(), Some("http://c:7001"));
        urls.record_own(1, "http://a:7001");
        urls.absorb(3, "1=http://forged:1");
        assert_eq!(urls.get(1).as_deref(), Some("http://a:7001"));
    }

    #[test]
    fn a_moved_member_is_forgotten_until_it_says_its_new_url() {
        let urls = ClientUrls::default();
        urls.absorb(3, "3=http://old:7003");
        let mut cache = HeaderCache::default();
        assert!(urls.header(&mut cache).is_some());
        urls.forget(3);
        assert_eq!(urls.get(3), None);
        assert!(
            urls.header(&mut cache).is_none(),
            "the header says it no more"
        );
        urls.absorb(3, "3=http://new:7013");
        assert_eq!(urls.get(3).as_deref(), Some("http://new:7013"));
    }

    #[test]
    fn malformed_entries_are_skipped_and_the_rest_kept() {
        let urls = ClientUrls::default();
        urls.absorb(
            2,
            "2=http://ok:7001,,x=http://a:1,0=http://zero:1,4=ftp://no,5=,=,6=http://six:1",
        );
        assert_eq!(urls.get(2).as_deref(), Some("http://ok:7001"));
        assert_eq!(urls.get(6).as_deref(), Some("http://six:1"));
        for id in [0, 4, 5] {
            assert_eq!(urls.get(id), None, "{id}");
        }
        let long = format!("7=http://h:1/{}", "a".repeat(MAX_URL_BYTES));
        urls.absorb(7, &long);
        assert_eq!(urls.get(7), None);
        urls.absorb(8, &"8=http://h:1,".repeat(MAX_HEADER_BYTES));
        assert_eq!(urls.get(8), None, "an oversized header is ignored");
    }

    #[test]
    fn the_map_and_the_header_stay_bounded() {
        let urls = ClientUrls::default();
        for from in 1..=(MAX_ENTRIES as u64 + 50) {
            urls.absorb(from, &format!("{from}=http://h{from}:7001"));
        }
        let known = urls.0.read().expect("lock");
        assert_eq!(known.urls.len(), MAX_ENTRIES);
        assert!(known.last_heard.len() <= MAX_ENTRIES);
        drop(known);
        let header = urls.header(&mut HeaderCache::default()).expect("a header");
        assert!(header.len() <= MAX_HEADER_BYTES);
    }

    #[test]
    fn the_sender_rebuilds_its_header_only_after_a_change() {
        let urls = ClientUrls::default();
        let mut cache = HeaderCache::default();
        assert!(urls.header(&mut cache).is_none());
        urls.record_own(1, "http://a:1");
        let first = urls.header(&mut cache).expect("a header");
        assert_eq!(first, "1=http://a:1");
        let version = cache.version;
        urls.absorb(2, "2=http://b:1");
        urls.absorb(2, "2=http://b:1");
        assert_ne!(cache.version, None);
        assert_eq!(
            urls.header(&mut cache).expect("a header"),
            "1=http://a:1,2=http://b:1"
        );
        assert_ne!(cache.version, version);
    }
}
