//! The wait of `member replace` until the new member has caught up, with its progress:
//! a bar on a terminal (entries, or snapshot bytes while one is streamed to it), plain
//! lines otherwise. What it reads is the leader's `/v1/status`: its commit index and
//! its progress entry for the new member.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::time::Instant;

use super::{StepError, Target};
use crate::api::types::{ProgressEntry, StatusResponse};
use crate::cli::member::url_of;
use crate::cli::output::Out;
use crate::client::{Client, ClientError};

/// Caught up: within this many entries of the leader's commit index (well inside what
/// promotion allows, `PROMOTE_MAX_LAG`), replicating, and heard from lately.
pub const CAUGHT_UP_LAG: u64 = 10;

const POLL: Duration = Duration::from_millis(250);
/// Plain progress lines: one when something changed, at most this often ...
const LINE_MIN: Duration = Duration::from_secs(1);
/// ... and one at least this often while nothing changes.
const LINE_MAX: Duration = Duration::from_secs(10);

/// What the leader says of the new member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub commit: u64,
    pub matched: u64,
    pub heard: bool,
    pub replicating: bool,
    /// Bytes sent and size of a snapshot being streamed to it.
    pub snapshot: Option<(u64, u64)>,
}

impl Seen {
    fn from(status: &StatusResponse, p: &ProgressEntry) -> Seen {
        Seen {
            commit: status.commit,
            matched: p.matched,
            heard: p.recent_active,
            replicating: p.state == "replicate",
            snapshot: p.snapshot_sent_bytes.zip(p.snapshot_size_bytes),
        }
    }

    pub fn caught_up(&self) -> bool {
        self.heard
            && self.replicating
            && self.matched > 0
            && self.commit.saturating_sub(self.matched) <= CAUGHT_UP_LAG
    }

    /// `120 of 500 entries`, `a snapshot: 1.2 MiB of 10.0 MiB`, with why it waits.
    pub fn describe(&self) -> String {
        let what = match self.snapshot {
            Some((sent, size)) => format!(
                "receiving a snapshot, {} of {}",
                indicatif::HumanBytes(sent),
                indicatif::HumanBytes(size)
            ),
            None => format!("{} of {} entries", self.matched, self.commit),
        };
        // A learner just added counts as heard from before it ever answered.
        if self.matched == 0 && self.snapshot.is_none() {
            format!("{what}; not heard from yet (is it running?)")
        } else if self.heard {
            what
        } else {
            format!("{what}; not heard from lately")
        }
    }
}

/// Waits until member `t.new` has caught up with the leader, or `deadline`.
pub async fn caught_up(
    client: &Client,
    t: &Target,
    deadline: Instant,
    timeout: Duration,
    out: &mut Out<'_>,
) -> Result<(), StepError> {
    let mut shown = Shown::new(t.new);
    let mut last: Option<Seen> = None;
    loop {
        match seen(client, t.new).await {
            Ok(Some(s)) if s.caught_up() => {
                shown.finish(&s, out);
                return Ok(());
            }
            Ok(Some(s)) => {
                shown.show(&s, out);
                last = Some(s);
            }
            Ok(None) => {}
            Err(e @ (ClientError::Tls(_) | ClientError::BadEndpoint(_))) => return Err(e.into()),
            Err(e) => shown.note(&format!("{e}"), out),
        }
        if Instant::now() >= deadline {
            shown.clear();
            let state = last.map_or_else(
                || "the leader did not report on it".to_string(),
                |s| s.describe(),
            );
            return Err(StepError::TimedOut(format!(
                "member {} did not catch up within {} ({state}): check that it runs (its \
                 log), that it and the leader reach each other at {} and the members' URLs \
                 (raftctl member list); the same command goes on waiting",
                t.new,
                humantime::format_duration(timeout),
                t.url
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The leader's view of member `id`: `None` while no leader answers for it.
async fn seen(client: &Client, id: u64) -> Result<Option<Seen>, ClientError> {
    let (_, m) = client.members().await?;
    let Some(url) = m.leader.and_then(|l| url_of(&m, l)) else {
        return Ok(None);
    };
    let status = client.status_of(&url).await?;
    Ok(status
        .progress
        .as_ref()
        .and_then(|p| p.iter().find(|p| p.id == id))
        .map(|p| Seen::from(&status, p)))
}

/// A progress bar on a terminal, else plain lines on standard error.
struct Shown {
    id: u64,
    bar: Option<(ProgressBar, bool)>,
    last_line: Option<(Instant, String)>,
}

impl Shown {
    fn new(id: u64) -> Shown {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
            (bar, true)
        });
        let mut shown = Shown {
            id,
            bar,
            last_line: None,
        };
        shown.set_style(false);
        shown
    }

    /// Entries (`bytes` false) or snapshot bytes.
    fn set_style(&mut self, bytes: bool) {
        let Some((bar, current)) = &mut self.bar else {
            return;
        };
        if *current == bytes {
            return;
        }
        *current = bytes;
        let template = if bytes {
            "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes}"
        } else {
            "{spinner} {msg} [{bar:30}] {pos}/{len} entries"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
    }

    fn show(&mut self, s: &Seen, out: &mut Out) {
        self.set_style(s.snapshot.is_some());
        let id = self.id;
        if let Some((bar, _)) = &self.bar {
            let (pos, len) = s.snapshot.unwrap_or((s.matched, s.commit));
            bar.set_length(len);
            bar.set_position(pos.min(len));
            let msg = match (s.snapshot, s.heard) {
                (Some(_), _) => format!("member {id}: snapshot"),
                (None, _) if s.matched == 0 => format!("member {id}: not heard from yet"),
                (None, true) => format!("member {id}: catching up"),
                (None, false) => format!("member {id}: not heard from lately"),
            };
            bar.set_message(msg);
            return;
        }
        let line = format!("waiting for member {id}: {}", s.describe());
        let now = Instant::now();
        let due = match &self.last_line {
            None => true,
            Some((at, text)) => {
                let since = now.duration_since(*at);
                (since >= LINE_MIN && *text != line) || since >= LINE_MAX
            }
        };
        if due {
            out.note(format_args!("{line}"));
            self.last_line = Some((now, line));
        }
    }

    fn note(&mut self, text: &str, out: &mut Out) {
        match &self.bar {
            Some((bar, _)) => bar.println(text),
            None => out.note(format_args!("{text}")),
        }
    }

    fn finish(&mut self, s: &Seen, out: &mut Out) {
        self.clear();
        out.note(format_args!(
            "member {} has caught up: {} of {} entries",
            self.id, s.matched, s.commit
        ));
    }

    fn clear(&mut self) {
        if let Some((bar, _)) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(matched: u64, commit: u64, heard: bool) -> Seen {
        Seen {
            commit,
            matched,
            heard,
            replicating: true,
            snapshot: None,
        }
    }

    #[test]
    fn caught_up_means_heard_replicating_and_close_to_the_commit_index() {
        assert!(seen(495, 500, true).caught_up());
        assert!(seen(490, 500, true).caught_up());
        assert!(!seen(489, 500, true).caught_up());
        assert!(!seen(500, 500, false).caught_up(), "not heard from");
        assert!(!seen(0, 0, true).caught_up(), "nothing acknowledged yet");
        let mut probing = seen(500, 500, true);
        probing.replicating = false;
        assert!(!probing.caught_up());
    }

    #[test]
    fn the_plain_line_says_entries_or_snapshot_bytes_and_why_it_waits() {
        assert_eq!(
            seen(0, 40, false).describe(),
            "0 of 40 entries; not heard from yet (is it running?)"
        );
        assert_eq!(
            seen(0, 40, true).describe(),
            "0 of 40 entries; not heard from yet (is it running?)",
            "a learner just added counts as heard from"
        );
        assert_eq!(seen(12, 40, true).describe(), "12 of 40 entries");
        assert_eq!(
            seen(12, 40, false).describe(),
            "12 of 40 entries; not heard from lately"
        );
        let mut snap = seen(0, 40, true);
        snap.snapshot = Some((1024, 4096));
        assert_eq!(
            snap.describe(),
            "receiving a snapshot, 1.00 KiB of 4.00 KiB"
        );
    }
}
