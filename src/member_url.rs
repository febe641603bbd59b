//! A member's URL, parsed once: `http://host:port` or `https://host:port`, nothing else,
//! and [`InitialCluster`], a list of them by member id. Every flag and request that names
//! a member's URL goes through [`MemberUrl::parse`], so that two spellings of one member
//! compare equal and none carries credentials, a path or a query.

use std::collections::BTreeMap;
use std::fmt;

/// `http://host:port` or `https://host:port` (a member that runs with TLS) with a host
/// and a port from 1 to 65535; no userinfo, no path but `/`, no query or fragment.
/// Shown and compared in its normal form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberUrl {
    tls: bool,
    host: String,
    port: u16,
}

impl MemberUrl {
    /// Parses and checks a member URL; the error says what is wrong in a few words.
    pub fn parse(text: &str) -> Result<MemberUrl, String> {
        let text = text.trim();
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| format!("{text:?} is not a URL (expected http://HOST:PORT)"))?;
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            other => {
                return Err(format!(
                    "scheme {other:?} is not supported: use https:// (or http:// for plaintext)"
                ))
            }
        };
        let u = reqwest::Url::parse(text).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
        if !u.username().is_empty() || u.password().is_some() {
            return Err("a member URL carries no user name or password".into());
        }
        if !(u.path().is_empty() || u.path() == "/") || rest.trim_end_matches('/').contains('/') {
            return Err("a member URL has no path: expected http://HOST:PORT".into());
        }
        if u.query().is_some() || u.fragment().is_some() || rest.contains(['?', '#']) {
            return Err("a member URL has no query or fragment".into());
        }
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("a member URL needs a host")?
            .to_string();
        // `Url` drops a port equal to the scheme's default; a member URL always names it.
        let port = match u.port() {
            Some(p) => p,
            None if rest.trim_end_matches('/').ends_with(":80") && !tls => 80,
            None if rest.trim_end_matches('/').ends_with(":443") && tls => 443,
            None => return Err("a member URL needs a port: http://HOST:PORT".into()),
        };
        if port == 0 {
            return Err("port 0 is not a port a member can be reached at".into());
        }
        Ok(MemberUrl { tls, host, port })
    }

    /// Whether the member speaks TLS (`https://`).
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host:port`, the address a member at this URL listens on (`serve --listen`).
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

impl fmt::Display for MemberUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        write!(f, "{scheme}://{}:{}", self.host, self.port)
    }
}

impl std::str::FromStr for MemberUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<MemberUrl, String> {
        MemberUrl::parse(s)
    }
}

/// Largest member id: ids travel as JSON numbers, which stay exact below 2^53.
pub const MAX_MEMBER_ID: u64 = (1 << 53) - 1;

/// The members of a new cluster, as `--initial-cluster ID=URL,ID=URL,...` lists them
/// (for `serve` and `snapshot restore`), parsed once: at least one member, ids from 1 to
/// 2^53-1, each URL a [`MemberUrl`]; neither an id nor a URL listed twice. Shown in
/// its normal form, `1=http://a:1,2=http://b:2`, ordered by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialCluster(BTreeMap<u64, MemberUrl>);

impl InitialCluster {
    /// Parses the flag's text; the error says which part is wrong and how.
    pub fn parse(text: &str) -> Result<InitialCluster, String> {
        let mut members = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, url) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not ID=URL (e.g. 1=http://127.0.0.1:7001)"))?;
            let id: u64 = id
                .trim()
                .parse()
                .ok()
                .filter(|id| (1..=MAX_MEMBER_ID).contains(id))
                .ok_or_else(|| {
                    format!(
                        "{id:?} in {part:?} is not a member id (a whole number from 1 to 2^53-1)"
                    )
                })?;
            let url = MemberUrl::parse(url).map_err(|e| format!("{part:?}: {e}"))?;
            if members.values().any(|u| *u == url) {
                return Err(format!("the URL {url} is listed twice"));
            }
            if members.insert(id, url).is_some() {
                return Err(format!("member {id} is listed twice"));
            }
        }
        if members.is_empty() {
            return Err("it lists no members; expected ID=URL,ID=URL,...".into());
        }
        Ok(InitialCluster(members))
    }

    /// Member `id`'s URL, if the list has that member.
    pub fn url(&self, id: u64) -> Option<&MemberUrl> {
        self.0.get(&id)
    }

    /// The members by id.
    pub fn members(&self) -> &BTreeMap<u64, MemberUrl> {
        &self.0
    }

    /// Id -> URL in its normal form, as storage and the node keep membership.
    pub fn to_urls(&self) -> BTreeMap<u64, String> {
        self.0
            .iter()
            .map(|(id, url)| (*id, url.to_string()))
            .collect()
    }
}

impl fmt::Display for InitialCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (id, url)) in self.0.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(f, "{sep}{id}={url}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for InitialCluster {
    type Err = String;
    fn from_str(s: &str) -> Result<InitialCluster, String> {
        InitialCluster::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls_are_normalised() {
        for (text, shown) in [
            ("http://127.0.0.1:7004", "http://127.0.0.1:7004"),
            ("http://127.0.0.1:7004/", "http://127.0.0.1:7004"),
            ("HTTP://Node-1:80", "http://node-1:80"),
            ("http://[::1]:7001", "http://[::1]:7001"),
            ("HTTPS://Node-1:7001/", "https://node-1:7001"),
            ("https://a:443", "https://a:443"),
        ] {
            assert_eq!(MemberUrl::parse(text).unwrap().to_string(), shown, "{text}");
        }
    }

    #[test]
    fn bad_urls_say_why() {
        for (text, says) in [
            ("http://u:p@a:1", "user name"),
            ("http://a:1/v1", "no path"),
            ("http://a:1?x", "no query"),
            ("http://a:1#f", "no query"),
            ("http://a", "needs a port"),
            ("http://a:0", "port 0"),
            ("http://a:65536", "not a URL"),
            ("a:1", "not a URL"),
            ("ftp://a:1", "not supported"),
        ] {
            let e = MemberUrl::parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn initial_clusters_are_normalised() {
        let c = InitialCluster::parse(" 2=HTTP://B:2/, 1=http://a:1,").unwrap();
        assert_eq!(c.to_string(), "1=http://a:1,2=http://b:2");
        assert_eq!(
            c.url(2).map(ToString::to_string).as_deref(),
            Some("http://b:2")
        );
        assert_eq!(c.url(3), None);
        assert_eq!(c.to_urls().get(&1).map(String::as_str), Some("http://a:1"));
        assert_eq!("1=http://a:1,2=http://b:2".parse::<InitialCluster>(), Ok(c));
    }

    #[test]
    fn bad_initial_clusters_say_what_is_wrong() {
        for (text, says) in [
            ("", "no members"),
            (" , ", "no members"),
            ("1", "not ID=URL"),
            ("0=http://a:1", "not a member id"),
            ("x=http://a:1", "not a member id"),
            ("9007199254740992=http://a:1", "not a member id"),
            ("1=ftp://a", "not supported"),
            ("1=http://u:p@a:1", "no user name"),
            ("1=a:1", "not a URL"),
            ("1=http://a:1,1=http://b:1", "member 1 is listed twice"),
            (
                "1=http://a:1,2=http://A:1/",
                "URL http://a:1 is listed twice",
            ),
        ] {
            let e = InitialCluster::parse(text).unwrap_err();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }

    #[test]
    fn the_authority_is_what_serve_listens_on() {
        assert_eq!(
            MemberUrl::parse("http://[::1]:7001").unwrap().authority(),
            "[::1]:7001"
        );
        assert_eq!(
            MemberUrl::parse("HTTPS://Node-4:7004/")
                .unwrap()
                .authority(),
            "node-4:7004"
        );
    }
}
