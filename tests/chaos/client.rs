//! A blocking HTTP client for the chaos tests (reqwest's async client on a private
//! current-thread runtime, like `tests/common`'s `Http`), which tells apart the ways a
//! request can go wrong: what was refused before it was sent is a definite failure,
//! what was lost on the way is of unknown outcome.

use std::time::Duration;

use serde_json::Value;

/// What came of one request.
pub enum Answer {
    Reply {
        status: u16,
        body: Vec<u8>,
    },
    /// The connection could not be opened: the request was never sent.
    NotSent(String),
    /// Sent (or maybe sent), and no answer came.
    Lost(String),
}

impl Answer {
    /// The error code of a JSON error body, if that is what this is.
    pub fn code(&self) -> Option<String> {
        match self {
            Answer::Reply { body, .. } => serde_json::from_slice::<Value>(body)
                .ok()?
                .get("error")?
                .get("code")?
                .as_str()
                .map(str::to_string),
            _ => None,
        }
    }

    pub fn text(&self) -> String {
        match self {
            Answer::Reply { body, .. } => String::from_utf8_lossy(body).into_owned(),
            Answer::NotSent(e) | Answer::Lost(e) => e.clone(),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Answer::Reply { status, .. } => Some(*status),
            _ => None,
        }
    }
}

pub struct Client {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Client {
    /// Gives up on a request after `timeout` (connections after 1 s).
    pub fn new(timeout: Duration) -> Client {
        Client {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime"),
            client: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(Duration::from_secs(1))
                .pool_idle_timeout(Duration::from_secs(5))
                .build()
                .expect("http client"),
        }
    }

    pub fn send(&self, method: &str, url: &str, body: Option<Vec<u8>>) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, url);
        if let Some(b) = body {
            req = req.body(b);
        }
        self.rt.block_on(async {
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) if e.is_connect() => return Answer::NotSent(error_chain(&e)),
                Err(e) => return Answer::Lost(error_chain(&e)),
            };
            let status = resp.status().as_u16();
            match resp.bytes().await {
                Ok(b) => Answer::Reply {
                    status,
                    body: b.to_vec(),
                },
                Err(e) => Answer::Lost(error_chain(&e)),
            }
        })
    }

    pub fn get_json(&self, url: &str) -> Option<Value> {
        match self.send("GET", url, None) {
            Answer::Reply { status: 200, body } => serde_json::from_slice(&body).ok(),
            _ => None,
        }
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    if s.len() > 160 {
        s.truncate(160);
    }
    s
}
