//! Where a value sits in block-mapping YAML, by its path of keys: serde_yaml drops positions
//! once a file is parsed, and the annual report's rules must point at one cell of one row.
//! Only what gongkai's own files use is followed: block mappings by indentation, values on
//! the key's line, and flow sequences (`[1, 2, 3]`, possibly over several lines).

/// A key and, when written on its line, its value: byte spans in the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Located {
    pub key: (usize, usize),
    pub value: Option<(usize, usize)>,
}

/// A key of a block mapping as the walk meets it: its path of keys from the top, and the
/// spans of the key and of its value (when written on the key's line).
struct KeyAt<'t> {
    path: Vec<&'t str>,
    key: (usize, usize),
    value: Option<(usize, usize)>,
}

/// Every key of `text` in order, with its path: indentation opens and closes mappings, and
/// the lines inside a flow sequence (`[1,\n 2]`) are the value's, not keys.
fn keys(text: &str) -> impl Iterator<Item = KeyAt<'_>> {
    let mut stack: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    let mut flow_until = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        if at < flow_until {
            return None;
        }
        let body = line.trim_end_matches(['\r', '\n']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            return None;
        }
        let (key, after) = key_of(rest)?;
        while stack.last().is_some_and(|&(i, _)| i >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        let value = value_span(text, at + indent + (rest.len() - after.len()));
        if let Some((s, e)) = value {
            if text[s..].starts_with('[') {
                flow_until = e;
            }
        }
        Some(KeyAt {
            path: stack.iter().map(|&(_, k)| k).collect(),
            key: (at + indent, at + indent + key.len()),
            value,
        })
    })
}

/// The key at `path` (top-level key first) and its value.
pub(crate) fn locate(text: &str, path: &[&str]) -> Option<Located> {
    keys(text).find(|k| k.path == path).map(|k| Located {
        key: k.key,
        value: k.value,
    })
}

/// A key written twice: the byte spans of its first and second key, and its path (`a.b`).
pub(crate) type Repeated = ((usize, usize), (usize, usize), String);

/// The first key written twice in the same mapping: the spans of both keys and the path of
/// keys to it. serde_yaml refuses a repeated field only at the start of its mapping, and a
/// repeated row of table 三 (read into a list) not at all, the second row silently dropped.
pub(crate) fn repeated_key(text: &str) -> Option<Repeated> {
    let mut seen: std::collections::HashMap<Vec<&str>, (usize, usize)> =
        std::collections::HashMap::new();
    for k in keys(text) {
        if let Some(&first) = seen.get(&k.path) {
            return Some((first, k.key, k.path.join(".")));
        }
        seen.insert(k.path, k.key);
    }
    None
}

/// `key` and the text after its colon, for a line that starts with a plain or quoted key.
fn key_of(rest: &str) -> Option<(&str, &str)> {
    let colon = rest.find(':')?;
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let key = rest[..colon].trim_end().trim_matches(['"', '\'']);
    (!key.is_empty() && !key.starts_with(['-', '[', '{'])).then_some((key, after))
}

/// The value starting at or after `from` on its line: a whole flow sequence (to its
/// closing bracket, across lines), or a scalar up to a comment.
fn value_span(text: &str, from: usize) -> Option<(usize, usize)> {
    let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
    let line = &text[from..line_end];
    let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
    let start = from + lead;
    let rest = &text[start..line_end];
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    if rest.starts_with('[') {
        let mut depth = 0;
        let mut comment = false;
        let mut prev = ' ';
        for (i, c) in text[start..].char_indices() {
            match c {
                '\n' => comment = false,
                _ if comment => {}
                '#' if prev == ' ' || prev == '\t' => comment = true,
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((start, start + i + 1));
                    }
                }
                _ => {}
            }
            prev = c;
        }
        return Some((start, line_end));
    }
    let len = rest.find(" #").unwrap_or(rest.len());
    Some((start, start + rest[..len].trim_end().len()))
}

/// The spans of the items of the flow sequence at `span` (which starts with `[`), comments
/// and blanks left out.
pub(crate) fn flow_items(text: &str, (start, end): (usize, usize)) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    // First and last byte of the current item's text, comments and blanks excluded.
    let mut item: Option<(usize, usize)> = None;
    let mut comment = false;
    let mut prev = ' ';
    for (i, c) in text[start + 1..end].char_indices() {
        let at = start + 1 + i;
        match c {
            '\n' => comment = false,
            _ if comment => {}
            '#' if prev.is_whitespace() => comment = true,
            ',' | ']' => items.extend(item.take()),
            c if c.is_whitespace() => {}
            c => {
                let first = item.map_or(at, |(s, _)| s);
                item = Some((first, at + c.len_utf8()));
            }
        }
        prev = c;
    }
    items.extend(item);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "format: 2021\nrequests:\n  # 列\n  new:  [1, 22 , ~]  # 一、\n  denied:\n    secret: [3,\n      4]   # x\n  total: 5\nreview: [0, 0]\n";

    fn value<'t>(text: &'t str, path: &[&str]) -> &'t str {
        let l = locate(text, path).unwrap();
        let (s, e) = l.value.unwrap();
        &text[s..e]
    }

    #[test]
    fn values_are_found_by_their_path() {
        assert_eq!(value(TEXT, &["format"]), "2021");
        assert_eq!(value(TEXT, &["requests", "new"]), "[1, 22 , ~]");
        assert_eq!(
            value(TEXT, &["requests", "denied", "secret"]),
            "[3,\n      4]"
        );
        assert_eq!(value(TEXT, &["requests", "total"]), "5");
        assert_eq!(value(TEXT, &["review"]), "[0, 0]");
        let denied = locate(TEXT, &["requests", "denied"]).unwrap();
        assert_eq!(&TEXT[denied.key.0..denied.key.1], "denied");
        assert_eq!(denied.value, None);
        assert!(locate(TEXT, &["new"]).is_none());
    }

    #[test]
    fn a_key_written_twice_in_one_mapping_is_found() {
        assert_eq!(repeated_key(TEXT), None);
        let t = "requests:\n  new: [1]\n  other:\n    new: [2]\n  new: [3]\n";
        let (first, second, path) = repeated_key(t).unwrap();
        assert_eq!(
            (&t[first.0..first.1], &t[second.0..second.1]),
            ("new", "new")
        );
        assert_eq!((first.0, second.0, path.as_str()), (12, 45, "requests.new"));
    }

    #[test]
    fn flow_items_are_split_with_their_spans() {
        let span = locate(TEXT, &["requests", "new"]).unwrap().value.unwrap();
        let items: Vec<&str> = flow_items(TEXT, span)
            .into_iter()
            .map(|(s, e)| &TEXT[s..e])
            .collect();
        assert_eq!(items, ["1", "22", "~"]);
        let span = locate(TEXT, &["requests", "denied", "secret"])
            .unwrap()
            .value
            .unwrap();
        let items: Vec<&str> = flow_items(TEXT, span)
            .into_iter()
            .map(|(s, e)| &TEXT[s..e])
            .collect();
        assert_eq!(items, ["3", "4"]);
        let t = "a: [1, # c, d\n 2]\n";
        let span = locate(t, &["a"]).unwrap().value.unwrap();
        let items: Vec<&str> = flow_items(t, span)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(items, ["1", "2"]);
    }
}
