//! Reading block-style YAML as text for the withheld-figure rule: the lines a value is
//! written on, where a key's value sits, and the text with what never reaches a page blanked.

use crate::narrative::withheld::blank;
use regex::Regex;
use std::sync::OnceLock;

/// The YAML lines a value at byte `at` is written on: its key's line, and every following
/// line that is blank or indented deeper than the key (a block scalar, a folded or quoted
/// string going on).
pub(super) fn region(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let first = &text[start..];
    let mut column = first.len() - first.trim_start_matches(' ').len();
    while let Some(rest) = first[column..].strip_prefix("- ") {
        column = first.len() - rest.trim_start_matches(' ').len();
    }
    let mut end = start + first.find('\n').map_or(first.len(), |i| i + 1);
    for line in text[end..].split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && indent <= column {
            break;
        }
        end += line.len();
    }
    (start, end)
}

/// Span of the value of the first `key:` in `text[range]`, in block (`key: v`) or flow
/// (`{a: 1, key: v}`) style; the key itself when its value is on the following lines.
pub(super) fn key_span(
    text: &str,
    (from, to): (usize, usize),
    key: &str,
) -> Option<(usize, usize)> {
    let region = &text[from..to];
    for (i, _) in region.match_indices(key) {
        let before = region[..i].trim_end_matches([' ', '\t']);
        let line = before.rsplit('\n').next().unwrap_or("");
        let starts_node = line.chars().all(|c| c == ' ' || c == '-') || line.ends_with(['{', ',']);
        let after = region[i + key.len()..].trim_start_matches([' ', '\t']);
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        if !starts_node || !(value.is_empty() || value.starts_with([' ', '\t', '\n', '\r'])) {
            continue;
        }
        let flow = line.ends_with(['{', ',']);
        let line_end = value.find('\n').unwrap_or(value.len());
        let mut written = &value[..line_end];
        if let Some(c) = written.find(" #") {
            written = &written[..c];
        }
        if flow {
            written = written.split([',', '}']).next().unwrap_or("");
        }
        let trimmed = written.trim();
        let value_at = from + region.len() - value.len() + written.find(trimmed).unwrap_or(0);
        if trimmed.is_empty() {
            return Some((from + i, from + i + key.len()));
        }
        return Some((value_at, value_at + trimmed.len()));
    }
    None
}

/// A block-style YAML text with what never reaches a page blanked (same offsets): keys,
/// comments, and the values of the `hidden` keys (with their nested blocks). Block scalars
/// (`note: |`) and flow collections (`{note: …}`) are read as YAML reads them.
pub(super) fn mask_yaml(text: &str, hidden: &[&str]) -> String {
    static KEY: OnceLock<Regex> = OnceLock::new();
    static FLOW_KEY: OnceLock<Regex> = OnceLock::new();
    let key_re = KEY.get_or_init(|| {
        Regex::new(r#"^(?:([A-Za-z_][A-Za-z0-9_]*)|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)"#).unwrap()
    });
    let flow_key_re = FLOW_KEY.get_or_init(|| {
        Regex::new(
            r#"[{,][ \t]*([A-Za-z_][A-Za-z0-9_]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)([^,}\]]*)"#,
        )
        .unwrap()
    });
    let mut out = text.as_bytes().to_vec();
    // Inside a block scalar or a hidden key's block: (the key's column, whether hidden).
    let mut block: Option<(usize, bool)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches(' ').len();
        if let Some((column, hide)) = block {
            let deeper =
                indent > column || (hide && indent == column && content[indent..].starts_with('-'));
            if content.trim().is_empty() || deeper {
                if hide {
                    blank(&mut out, start, start + content.len());
                }
                continue;
            }
            block = None;
        }
        let code_end = comment_start(content).unwrap_or(content.len());
        blank(&mut out, start + code_end, start + content.len());
        let code = &content[..code_end];
        let mut column = indent;
        while let Some(rest) = code[column..].strip_prefix("- ") {
            column = code.len() - rest.trim_start_matches(' ').len();
        }
        let rest = &code[column..];
        let mut value_at = column;
        if let Some(key) = key_re.captures(rest) {
            let key_end = column + key[0].len();
            blank(&mut out, start + column, start + key_end);
            let name = key.get(1).map_or("", |m| m.as_str());
            let value = code[key_end..].trim();
            let hide = hidden.contains(&name);
            if hide {
                blank(&mut out, start + key_end, start + code_end);
            }
            if (hide && value.is_empty()) || value.starts_with('|') || value.starts_with('>') {
                block = Some((column, hide));
                continue;
            }
            if hide {
                continue;
            }
            value_at = key_end + (code[key_end..].len() - code[key_end..].trim_start().len());
        }
        // A flow mapping (`- {id: a, note: b}`, `column: { name: x }`): its keys too.
        if code[value_at..].starts_with('{') || code[value_at..].starts_with('[') {
            for caps in flow_key_re.captures_iter(&code[value_at..]) {
                let (Some(all), Some(key), Some(value)) = (caps.get(0), caps.get(1), caps.get(2))
                else {
                    continue;
                };
                let base = start + value_at;
                blank(&mut out, base + all.start() + 1, base + value.start());
                if hidden.contains(&key.as_str().trim_matches(['"', '\''])) {
                    blank(&mut out, base + value.start(), base + value.end());
                }
            }
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Byte offset of a YAML comment in one line: a `#` at the start or after a space, outside
/// a quoted scalar.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous: Option<char> = None;
    let mut before_token: Option<char> = None;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q && !(q == '"' && previous == Some('\\')) => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_none_or(char::is_whitespace) => return Some(i),
            // A quote opens a scalar only where a scalar can start.
            None if (c == '"' || c == '\'')
                && before_token.is_none_or(|p| matches!(p, ':' | '-' | '[' | '{' | ',' | '?')) =>
            {
                quote = Some(c)
            }
            None => {}
        }
        if !c.is_whitespace() {
            before_token = Some(c);
        }
        previous = Some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_comments_and_figures_are_blanked() {
        let text = "- id: a1\n  value: 12 # 34\n  note: \"x # 56\" # 78\n  series:\n    \"2023-03\": 9\n  break: |\n    value: 90\n  allow_over_100: true\n- {id: b, value: 11, note: 12}\n";
        let masked = mask_yaml(text, super::super::withheld::FIGURE_KEYS);
        let numbers: Vec<String> = regex::Regex::new(r"\d+")
            .unwrap()
            .find_iter(&masked)
            .map(|m| m.as_str().to_string())
            .collect();
        assert_eq!(numbers, vec!["1", "56", "90", "12"]);
        assert_eq!(masked.len(), text.len());
    }

    #[test]
    fn a_region_is_the_key_line_and_its_continuation() {
        let text = "a:\n  - id: x\n    note: \"1\\\n      2\"\n    name: y\n";
        let at = text.find("\"1").unwrap();
        let (s, e) = region(text, at);
        assert_eq!(&text[s..e], "    note: \"1\\\n      2\"\n");
        let at = text.find("x").unwrap();
        let (s, e) = region(text, at);
        assert_eq!(&text[s..e], "  - id: x\n");
    }

    #[test]
    fn keys_are_found_in_block_and_flow_style() {
        let text =
            "title: a\ncolumn: {name: b, type: c}\nfooter:\n  address: \"d\" # e\n  phone:\n";
        let span = |k| key_span(text, (0, text.len()), k).map(|(s, e)| &text[s..e]);
        assert_eq!(span("title"), Some("a"));
        assert_eq!(span("type"), Some("c"));
        assert_eq!(span("name"), Some("b"));
        assert_eq!(span("address"), Some("\"d\""));
        assert_eq!(span("phone"), Some("phone"));
        assert_eq!(span("sponsor"), None);
    }
}
