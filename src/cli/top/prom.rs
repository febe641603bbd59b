//! Reading a member's `/metrics` text (the Prometheus/OpenMetrics text format) for
//! `raftctl top`: the samples as name, labels and value, and from two scrapes of a
//! histogram, a quantile of what it observed between them.
//!
//! Only what `top` needs: sample lines are parsed, comments and `# EOF` skipped, and a
//! line that does not parse is skipped too (a member of another version may add lines
//! this reader does not know); nothing here panics on what a member sends.

use std::collections::BTreeMap;

/// One sample line: `name{label="value",...} value [timestamp]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Every sample of one scrape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scrape {
    samples: Vec<Sample>,
}

/// A histogram's cumulative buckets: `(upper bound, observations at most that)`, sorted
/// by bound, the last one `+Inf`.
pub type Buckets = Vec<(f64, f64)>;

impl Scrape {
    /// Parses the text of `/metrics`, skipping what it cannot read.
    pub fn parse(text: &str) -> Scrape {
        Scrape {
            samples: text.lines().filter_map(parse_line).collect(),
        }
    }

    /// The value of the sample named `name` with no labels.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels.is_empty())
            .map(|s| s.value)
    }

    /// The sum over every sample named `name`, whatever its labels (a counter family);
    /// `None` when there is none.
    pub fn sum(&self, name: &str) -> Option<f64> {
        let mut found = self.samples.iter().filter(|s| s.name == name).peekable();
        found.peek()?;
        Some(found.map(|s| s.value).sum())
    }

    /// The value of the sample named `name` whose label `label` is `value`.
    pub fn labelled(&self, name: &str, label: &str, value: &str) -> Option<f64> {
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels.get(label).map(String::as_str) == Some(value))
            .map(|s| s.value)
    }

    /// The buckets of histogram `name` (its `name_bucket{le=...}` samples), or `None`
    /// when it has none or none for `+Inf`.
    pub fn buckets(&self, name: &str) -> Option<Buckets> {
        let bucket = format!("{name}_bucket");
        let mut out: Buckets = self
            .samples
            .iter()
            .filter(|s| s.name == bucket)
            .filter_map(|s| Some((parse_number(s.labels.get("le")?)?, s.value)))
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        (out.last()?.0 == f64::INFINITY).then_some(out)
    }
}

/// The `q` quantile (0 < q <= 1) of what a histogram observed between two scrapes, from
/// its buckets then (`before`) and now (`after`), interpolated linearly inside the
/// bucket it falls in, as Prometheus's `histogram_quantile` does: in the first bucket
/// from 0, and in the `+Inf` bucket the highest finite bound. `None` when nothing was
/// observed in between, or the buckets do not match (the member restarted, or another
/// version has other bounds).
pub fn quantile_between(before: &Buckets, after: &Buckets, q: f64) -> Option<f64> {
    if before.len() != after.len() || !(q > 0.0 && q <= 1.0) {
        return None;
    }
    let mut delta = Vec::with_capacity(after.len());
    for ((b_le, b), (a_le, a)) in before.iter().zip(after) {
        if b_le != a_le || a < b {
            return None;
        }
        delta.push((*a_le, a - b));
    }
    quantile(&delta, q)
}

/// The `q` quantile of cumulative `buckets` (see [`quantile_between`]).
pub fn quantile(buckets: &Buckets, q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let mut lower = (0.0, 0.0);
    for &(le, count) in buckets {
        if count >= rank {
            if le == f64::INFINITY {
                // Beyond the highest bound: that bound is all that is known.
                return Some(lower.0);
            }
            let in_bucket = count - lower.1;
            if in_bucket <= 0.0 {
                return Some(le);
            }
            return Some(lower.0 + (le - lower.0) * (rank - lower.1) / in_bucket);
        }
        lower = (le, count);
    }
    None
}

/// One sample line, or `None` for a comment, a blank or what does not parse.
fn parse_line(line: &str) -> Option<Sample> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let name_end = line
        .find(|c: char| c == '{' || c.is_whitespace())
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() {
        return None;
    }
    let (labels, rest) = match line[name_end..].strip_prefix('{') {
        Some(after) => parse_labels(after)?,
        None => (BTreeMap::new(), &line[name_end..]),
    };
    let value = parse_number(rest.split_whitespace().next()?)?;
    Some(Sample {
        name: name.to_string(),
        labels,
        value,
    })
}

/// `a="x",b="y"}` and what follows the `}`.
fn parse_labels(mut text: &str) -> Option<(BTreeMap<String, String>, &str)> {
    let mut labels = BTreeMap::new();
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix('}') {
            return Some((labels, rest));
        }
        let eq = text.find('=')?;
        let key = text[..eq].trim().to_string();
        let (value, rest) = parse_quoted(text[eq + 1..].trim_start())?;
        labels.insert(key, value);
        text = rest.trim_start();
        text = text.strip_prefix(',').unwrap_or(text);
    }
}

/// `"va\"lue"...`: the unescaped value and what follows the closing quote.
fn parse_quoted(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// A sample value: a float, `+Inf`, `-Inf` or `NaN`.
fn parse_number(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As `prometheus-client` writes it for a member (shortened).
    const TEXT: &str = r#"# HELP raftctl_term Current Raft term.
# TYPE raftctl_term gauge
raftctl_term 7
# HELP raftctl_proposals Writes proposed through this member.
# TYPE raftctl_proposals counter
raftctl_proposals_total{result="ok"} 120
raftctl_proposals_total{result="failed"} 3
raftctl_proposals_total{result="dropped"} 1
# TYPE raftctl_reads counter
raftctl_reads_total{consistency="linearizable"} 40
raftctl_reads_total{consistency="stale"} 2
# TYPE raftctl_fsync_duration_seconds histogram
raftctl_fsync_duration_seconds_sum 0.5
raftctl_fsync_duration_seconds_count 100
raftctl_fsync_duration_seconds_bucket{le="0.001"} 50
raftctl_fsync_duration_seconds_bucket{le="0.002"} 90
raftctl_fsync_duration_seconds_bucket{le="0.004"} 99
raftctl_fsync_duration_seconds_bucket{le="+Inf"} 100
weird{a="x\"y\\z",b="line\nbreak"} 1.5e3 1700000000
not a sample line
# EOF
"#;

    #[test]
    fn samples_labels_and_sums_are_read() {
        let s = Scrape::parse(TEXT);
        assert_eq!(s.value("raftctl_term"), Some(7.0));
        assert_eq!(s.sum("raftctl_proposals_total"), Some(124.0));
        assert_eq!(
            s.labelled("raftctl_proposals_total", "result", "ok"),
            Some(120.0)
        );
        assert_eq!(s.sum("raftctl_reads_total"), Some(42.0));
        assert_eq!(s.sum("raftctl_nothing_total"), None);
        // A labelled sample is not the unlabelled value.
        assert_eq!(s.value("raftctl_proposals_total"), None);
        let weird = s.samples.iter().find(|x| x.name == "weird").expect("weird");
        assert_eq!(weird.labels["a"], "x\"y\\z");
        assert_eq!(weird.labels["b"], "line\nbreak");
        assert_eq!(weird.value, 1500.0);
    }

    #[test]
    fn garbage_is_skipped_not_fatal() {
        for text in [
            "",
            "{",
            "x{",
            "x{a=\"b} 1",
            "x{a} 1",
            "x one",
            "x",
            "\u{0}\u{ff}",
        ] {
            assert_eq!(Scrape::parse(text), Scrape::default(), "{text:?}");
        }
        assert_eq!(
            Scrape::parse("x NaN").value("x").map(f64::is_nan),
            Some(true)
        );
    }

    #[test]
    fn buckets_are_sorted_and_need_inf() {
        let s = Scrape::parse(TEXT);
        let b = s
            .buckets("raftctl_fsync_duration_seconds")
            .expect("buckets");
        assert_eq!(
            b,
            vec![
                (0.001, 50.0),
                (0.002, 90.0),
                (0.004, 99.0),
                (f64::INFINITY, 100.0)
            ]
        );
        let no_inf = Scrape::parse("h_bucket{le=\"1\"} 3\n");
        assert_eq!(no_inf.buckets("h"), None);
    }

    #[test]
    fn p99_from_a_single_scrape_interpolates_inside_its_bucket() {
        let b = Scrape::parse(TEXT)
            .buckets("raftctl_fsync_duration_seconds")
            .expect("buckets");
        // rank 99 of 100 is the last observation of the third bucket: its upper bound.
        assert_eq!(quantile(&b, 0.99), Some(0.004));
        // rank 50: the end of the first bucket.
        assert_eq!(quantile(&b, 0.5), Some(0.001));
        // rank 70: halfway through the second bucket (1 ms .. 2 ms).
        let p70 = quantile(&b, 0.7).expect("p70");
        assert!((p70 - 0.0015).abs() < 1e-12, "{p70}");
        // Above every finite bound: the highest finite bound.
        assert_eq!(quantile(&b, 1.0), Some(0.004));
    }

    #[test]
    fn p99_between_two_scrapes_counts_only_what_happened_in_between() {
        let before = vec![
            (0.001, 50.0),
            (0.002, 90.0),
            (0.004, 99.0),
            (f64::INFINITY, 100.0),
        ];
        // 100 more observations, all between 2 and 4 ms: the old fast ones do not count.
        let after = vec![
            (0.001, 50.0),
            (0.002, 90.0),
            (0.004, 199.0),
            (f64::INFINITY, 200.0),
        ];
        let p99 = quantile_between(&before, &after, 0.99).expect("p99");
        // Rank 99 of the 100 new ones is 99% of the way through (2 ms, 4 ms].
        assert!((p99 - 0.00398).abs() < 1e-12, "{p99}");
        // With one of them slower than 4 ms, rank 99 is the last in (2 ms, 4 ms].
        let mut slow = after.clone();
        slow[2].1 = 198.0;
        assert_eq!(quantile_between(&before, &slow, 0.99), Some(0.004));
        let p50 = quantile_between(&before, &after, 0.5).expect("p50");
        assert!(p50 > 0.002 && p50 < 0.004, "{p50}");
        // Nothing observed in between.
        assert_eq!(quantile_between(&after, &after, 0.99), None);
        // A restarted member (counts went down) or other bounds: no answer.
        assert_eq!(quantile_between(&after, &before, 0.99), None);
        assert_eq!(quantile_between(&before, &after[..3].to_vec(), 0.99), None);
        assert_eq!(quantile_between(&before, &after, 0.0), None);
    }
}
