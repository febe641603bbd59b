//! Endpoint URLs and request targets: what an endpoint may be, how it is shown, and the
//! path and query sent to it (built by hand, see [`request_target`]).

use reqwest::Url;

use super::ClientError;

/// An endpoint URL: http or https, with a host.
pub(super) fn parse_endpoint(text: &str) -> Result<Url, ClientError> {
    let url = Url::parse(text.trim()).map_err(|_| ClientError::BadEndpoint(text.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ClientError::BadEndpoint(text.to_string()));
    }
    Ok(url)
}

/// An endpoint as the user wrote it, without a trailing slash.
pub(super) fn display_url(u: &Url) -> String {
    u.as_str().trim_end_matches('/').to_string()
}

pub(super) fn kv_path(key: &str) -> [&str; 3] {
    ["v1", "kv", key]
}

/// `host:port` of an endpoint, for connecting and for the Host header.
pub(super) fn authority(base: &Url) -> String {
    let host = base.host_str().unwrap_or_default();
    let port = base.port_or_known_default().unwrap_or(80);
    format!("{host}:{port}")
}

/// The request target: `base`'s path, then each of `path` percent-encoded as ONE segment,
/// then the query, percent-encoded the same way.
///
/// Built by hand rather than through `Url`: the URL standard drops tabs and newlines and
/// resolves `.`, `..`, `%2E` and `%2E%2E` segments, which would send a different key
/// (`x\ny` as `xy`, `.` as no key at all). The server percent-decodes the path once.
pub(super) fn request_target(base: &Url, path: &[&str], query: &[(&str, &str)]) -> String {
    let mut target = base.path().trim_end_matches('/').to_string();
    for segment in path {
        target.push('/');
        target.push_str(&encode_component(segment));
    }
    if target.is_empty() {
        target.push('/');
    }
    for (i, (name, value)) in query.iter().enumerate() {
        target.push(if i == 0 { '?' } else { '&' });
        target.push_str(&encode_component(name));
        target.push('=');
        target.push_str(&encode_component(value));
    }
    target
}

/// Percent-encodes every byte but ASCII letters, digits, `-`, `_` and `~` (RFC 3986's
/// unreserved characters without `.`, so that no segment is ever a dot segment).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
