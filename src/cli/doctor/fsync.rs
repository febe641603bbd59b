//! The `fsync` check of `raftctl doctor`: the 99th percentile of each member's fsync
//! durations, read from the `raftctl_fsync_duration_seconds` histogram of its
//! `/metrics` (since it started; a percentile read from buckets is the upper bound of
//! the bucket it falls in).

use serde_json::json;

use super::{Check, Facts, Level, Thresholds};

const BUCKET: &str = "raftctl_fsync_duration_seconds_bucket{";

/// The p99 of a histogram: `None` when nothing was observed; `Some(None)` when it lies
/// above the largest finite bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct P99 {
    pub count: u64,
    /// Upper bound of the bucket holding the 99th percentile, in seconds; `None`: above
    /// every finite bucket.
    pub upper_s: Option<f64>,
}

/// Reads the fsync histogram out of a `/metrics` text; `Err` when it is not there.
pub(super) fn p99_of(metrics: &str) -> Result<Option<P99>, String> {
    let mut buckets: Vec<(f64, u64)> = Vec::new();
    for line in metrics.lines() {
        let Some(rest) = line.strip_prefix(BUCKET) else {
            continue;
        };
        let (labels, value) = rest
            .split_once('}')
            .ok_or_else(|| format!("unreadable metrics line: {line}"))?;
        let le = labels
            .split(',')
            .find_map(|l| l.trim().strip_prefix("le=\""))
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| format!("a bucket without le: {line}"))?;
        let bound = if le == "+Inf" {
            f64::INFINITY
        } else {
            le.parse::<f64>()
                .map_err(|_| format!("unreadable bucket bound {le:?}"))?
        };
        // The value, then maybe a timestamp or an exemplar.
        let count = value
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("unreadable bucket count: {line}"))?;
        buckets.push((bound, count as u64));
    }
    if buckets.is_empty() {
        return Err("no raftctl_fsync_duration_seconds histogram in its metrics".into());
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let count = buckets.last().map_or(0, |b| b.1);
    if count == 0 {
        return Ok(None);
    }
    // The smallest bucket holding at least 99% of the observations.
    let need = count - count / 100;
    let upper = buckets
        .iter()
        .find(|(_, c)| *c >= need)
        .map_or(f64::INFINITY, |b| b.0);
    Ok(Some(P99 {
        count,
        upper_s: upper.is_finite().then_some(upper),
    }))
}

/// Each member's fsync p99 against the threshold.
pub(super) fn fsync(f: &Facts, t: &Thresholds) -> Check {
    const NAME: &str = "fsync";
    let warn_s = t.fsync_p99_warn.as_secs_f64();
    let mut rows = Vec::new();
    let mut slow: Vec<(u64, Option<f64>)> = Vec::new();
    let mut unread = Vec::new();
    for s in &f.seen {
        let Ok(st) = &s.status else { continue };
        let p = match s
            .metrics
            .as_ref()
            .map_err(String::clone)
            .and_then(|m| p99_of(m))
        {
            Ok(p) => p,
            Err(e) => {
                unread.push(format!("member {}: {e}", st.id));
                continue;
            }
        };
        rows.push(json!({
            "id": st.id,
            "fsyncs": p.map_or(0, |p| p.count),
            "p99_upper_ms": p.and_then(|p| p.upper_s).map(|s| s * 1000.0),
        }));
        if let Some(p) = p.filter(|p| p.upper_s.is_none_or(|u| u > warn_s)) {
            slow.push((st.id, p.upper_s));
        }
    }
    let evidence = json!({
        "warn_above_ms": warn_s * 1000.0,
        "members": rows,
        "not_read": unread,
    });
    let Some(&(id, upper)) = slow.first() else {
        let finding = if rows.is_empty() {
            format!("not checked: {}", or_none(&unread))
        } else {
            format!(
                "fsync p99 at most {} on every member that reports it",
                ms(warn_s)
            )
        };
        return Check::new(NAME, Level::Ok, finding).evidence(evidence);
    };
    let shown = upper.map_or("above the largest bucket (1.6s)".to_string(), |u| {
        format!("up to {}", ms(u))
    });
    let leads = f.health.cluster.as_ref().and_then(|c| c.leader) == Some(id);
    let mut fix = format!(
        "move member {id}'s data dir to a disk that syncs faster (a local SSD, not a \
         network or shared disk), or take other writers off it"
    );
    if leads {
        fix.push_str(&format!(
            "; meanwhile move leadership off it: raftctl leader transfer {}",
            f.flags
        ));
    }
    Check::new(
        NAME,
        Level::Warn,
        format!(
            "member {id}: fsync p99 {shown} over {} fsyncs since it started (warn above {})",
            rows.iter()
                .find(|r| r["id"] == id)
                .and_then(|r| r["fsyncs"].as_u64())
                .unwrap_or(0),
            ms(warn_s)
        ),
    )
    .evidence(evidence)
    .fix(Some(fix))
}

/// Seconds as milliseconds, e.g. `6.4ms`, `0.001ms`.
fn ms(secs: f64) -> String {
    format!("{}ms", (secs * 1_000_000.0).round() / 1000.0)
}

fn or_none(v: &[String]) -> String {
    if v.is_empty() {
        "no member answered".into()
    } else {
        v.join("; ")
    }
}
