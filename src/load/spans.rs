//! Positions in YAML text: where a key's value is written, and where front matter ends. The
//! typed structs carry no spans (serde_yaml drops them once parsed), so diagnostics about a
//! parsed value find their place again here.

/// The span of top-level `key`'s value as written (quotes and escapes included, comment
/// excluded), for a value that the parsed text cannot be found by: `"https:\\\\x"`,
/// `"\u200B"`. A value on the lines below its key (a block scalar) is its first line.
pub(crate) fn top_level_value(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    let after_key = loop {
        let line = lines.next()?;
        let unquoted = line
            .strip_prefix(&format!("\"{key}\""))
            .or_else(|| line.strip_prefix(&format!("'{key}'")))
            .or_else(|| line.strip_prefix(key));
        if let Some(rest) =
            unquoted.and_then(|r| r.trim_start_matches([' ', '\t']).strip_prefix(':'))
        {
            offset += line.len() - rest.len();
            break rest;
        }
        offset += line.len();
    };
    let value_in = |line: &str, at: usize| -> Option<(usize, usize)> {
        let body = line.trim_end_matches(['\r', '\n']);
        let lead = body.len() - body.trim_start_matches([' ', '\t']).len();
        let value = &body[lead..];
        let len = match value.chars().next()? {
            '#' => return None,
            quote @ ('"' | '\'') => closing_quote(value, quote).unwrap_or(value.len()),
            _ => value.find(" #").unwrap_or(value.len()),
        };
        let value = value[..len].trim_end();
        (!value.is_empty()).then_some((at + lead, at + lead + value.len()))
    };
    // A block scalar (`|`, `>`) starts on the next line, as does a value after a bare key.
    let block = |(start, _): (usize, usize)| text[start..].starts_with(['|', '>']);
    if let Some(span) = value_in(after_key, offset).filter(|&span| !block(span)) {
        return Some(span);
    }
    offset += after_key.len();
    for line in lines {
        if let Some(span) = value_in(line, offset) {
            return Some(span);
        }
        offset += line.len();
    }
    None
}

/// The length of a quoted YAML scalar at the start of `value`, closing quote included.
fn closing_quote(value: &str, quote: char) -> Option<usize> {
    let mut chars = value.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            // In double quotes a backslash escapes the next character.
            '\\' if quote == '"' => {
                chars.next();
            }
            // In single quotes a quote is written twice.
            '\'' if quote == '\'' && value[i + 1..].starts_with('\'') => {
                chars.next();
            }
            c if c == quote => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Returns the YAML between the opening and closing `---` lines and the byte offset of the body.
pub(crate) fn split_front_matter(text: &str) -> Option<(&str, usize)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let yaml_start = text.len() - rest.len();
    let mut pos = yaml_start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&text[yaml_start..pos], pos + line.len()));
        }
        pos += line.len();
    }
    None
}

/// Byte span of the value of `key: value` in a YAML text, for diagnostics about a parsed field.
/// Falls back to the start of the file when it cannot be found.
pub(crate) fn find_value(text: &str, key: &str, value: &str) -> (usize, usize) {
    find_nth_value(text, key, value, 0).unwrap_or((0, 0))
}

/// The `nth` (0-based) occurrence of `key: value` (value optionally quoted).
pub(crate) fn find_nth_value(
    text: &str,
    key: &str,
    value: &str,
    nth: usize,
) -> Option<(usize, usize)> {
    let mut seen = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if let Some(after) = rest.trim_start().strip_prefix(':') {
                let v = after.split(" #").next().unwrap_or("").trim();
                let unquoted = v.trim_matches(|c| c == '"' || c == '\'');
                if unquoted == value {
                    if seen == nth {
                        let start = offset + line.find(v).unwrap_or(0);
                        return Some((start, start + v.len()));
                    }
                    seen += 1;
                }
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_top_level_value_is_found_as_written() {
        fn at(text: &str) -> Option<&str> {
            top_level_value(text, "base_url").map(|(s, e)| &text[s..e])
        }
        assert_eq!(at("a: 1\nbase_url: \"x\\\"y\"  # c\n"), Some("\"x\\\"y\""));
        assert_eq!(at("base_url : 'it''s' # c\n"), Some("'it''s'"));
        assert_eq!(at("base_url: plain # c\r\n"), Some("plain"));
        assert_eq!(at("base_url: |-\n  https://x/\nb: 1\n"), Some("https://x/"));
        assert_eq!(at("  base_url: nested\n"), None);
        assert_eq!(at("base_url_x: y\n"), None);
    }

    #[test]
    fn front_matter_splits_with_lf_and_crlf() {
        let (y, b) = split_front_matter("---\ntitle: a\n---\nbody").unwrap();
        assert_eq!(y, "title: a\n");
        assert_eq!(&"---\ntitle: a\n---\nbody"[b..], "body");
        let t = "---\r\ntitle: a\r\n---\r\nbody";
        let (y, b) = split_front_matter(t).unwrap();
        assert_eq!(y, "title: a\r\n");
        assert_eq!(&t[b..], "body");
        assert!(split_front_matter("title: a").is_none());
    }

    #[test]
    fn finds_the_nth_key_value() {
        let t = "a:\n  - id: x\n  - id: \"y\"\n  - id: x # again\n";
        let (s, e) = find_nth_value(t, "id", "x", 1).unwrap();
        assert_eq!(&t[s..e], "x");
        assert_eq!(t[..s].lines().count(), 4);
        let (s, e) = find_nth_value(t, "id", "y", 0).unwrap();
        assert_eq!(&t[s..e], "\"y\"");
    }
}
