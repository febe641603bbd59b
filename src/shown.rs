//! Text that came from outside (keys, paths, names from certificates), made safe to
//! show on one line: control characters and quotes escaped, long text cut. Used by the
//! CLI's tables and by every error message that echoes what it was given.

/// Characters of a key or summary shown in table output before it is cut.
pub const SHOWN_CHARS: usize = 80;

/// `text` for a table cell: control characters and quotes escaped as Rust's
/// `escape_debug` does (a newline is `\n`, never a line break), cut after
/// [`SHOWN_CHARS`] characters with `…(N bytes)` naming the full length. JSON output keeps
/// the exact text instead.
pub fn shown(text: &str) -> String {
    cut(&text.escape_debug().collect::<String>(), text.len())
}

/// A summary that quotes its keys already (`put "k" (3 B)`): control characters escaped,
/// cut as [`shown`] does.
pub fn shown_summary(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_debug());
        } else {
            escaped.push(c);
        }
    }
    cut(&escaped, text.len())
}

fn cut(escaped: &str, len: usize) -> String {
    if escaped.chars().count() <= SHOWN_CHARS {
        return escaped.to_string();
    }
    let cut: String = escaped.chars().take(SHOWN_CHARS).collect();
    format!("{cut}…({len} bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_is_escaped_and_cut() {
        assert_eq!(shown("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(shown("é ok"), "é ok");
        let long = "k".repeat(4096);
        assert_eq!(shown(&long), format!("{}…(4096 bytes)", "k".repeat(80)));
    }
}
