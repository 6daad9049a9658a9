//! The one place serde_yaml is used (it is deprecated upstream; a drop-in fork can replace it here).
//!
//! Parsing goes straight from text into typed structs so serde_yaml keeps line and column
//! for syntax, type, unknown-field and missing-field errors.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Sources};
use serde::de::DeserializeOwned;

/// Parses `text`, which starts at 1-based line `first_line` of `file`, into `T`.
pub fn parse<T: DeserializeOwned>(
    sources: &Sources,
    file: FileId,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    if let Some(at) = too_deep(text) {
        // `text` may be front matter: find its start in the file to place the error.
        let base = sources.get(file).offset(first_line, 1);
        return Err(Diagnostic::error(
            "E033",
            format!("YAML nested more than {MAX_FLOW_DEPTH} brackets deep"),
        )
        .at_span(sources, file, base + at, base + at + 1)
        .help(
            "gongkai's files need two or three levels of [ ] or { }; remove the extra brackets",
        ));
    }
    if let Some((at, what)) = anchor_or_merge(text) {
        let base = sources.get(file).offset(first_line, 1);
        let (message, len) = match what {
            Shared::Anchor(len) => (
                "a YAML anchor (`&name`): gongkai's files do not share values between places",
                len,
            ),
            Shared::Merge => ("a YAML merge key (`<<:`)", 2),
        };
        return Err(Diagnostic::error("E060", message)
            .at_span(sources, file, base + at, base + at + len)
            .help("write the value out where it is used: anchors and aliases (`*name`) hide a value from the checks of the published text, and a few of them can make a small file expand to gigabytes"));
    }
    serde_yaml::from_str(text).map_err(|err| to_diagnostic(sources, file, &err, first_line))
}

/// A way of sharing one value between places in YAML, refused by [`anchor_or_merge`].
#[derive(Debug, PartialEq)]
enum Shared {
    /// `&name`, with the byte length of `&name`.
    Anchor(usize),
    /// `<<:`.
    Merge,
}

/// The first anchor (`&name` where a node starts) or merge key (`<<:`) of `text`, by byte
/// offset; quoted strings, block scalars and comments are skipped. One linear pass that
/// follows YAML's tokens just far enough to know where a node may start: after `key: `,
/// `- `, `? `, at a line start for a key, and inside `[…]`/`{…}` after `[`, `{` and `,`. A
/// `&` inside text (`甲&乙`, `a & b`) is not an anchor.
fn anchor_or_merge(text: &str) -> Option<(usize, Shared)> {
    let b = text.as_bytes();
    let blank = |i: usize| {
        b.get(i)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    };
    let mut i = 0;
    let mut depth = 0usize;
    // A node may start here (the value of `key: `, a sequence entry, a flow entry).
    let mut node = true;
    // At the first token of a line in block context: a key, or a plain scalar going on.
    let mut line_start = true;
    // Indentation of the current line.
    let mut indent = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                i += 1;
                indent = b[i..].iter().take_while(|&&c| c == b' ').count();
                i += indent;
                line_start = depth == 0;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' if i == 0 || blank(i - 1) => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            _ => {}
        }
        let at_node = node || line_start;
        line_start = false;
        match c {
            // Only where a value starts: a line that begins with `&` may be a plain scalar
            // going on (`note: 甲\n  &乙`); an anchor on a key shares nothing a value can use.
            b'&' if node && !blank(i + 1) && !b",[]{}".contains(&b[i + 1]) => {
                let len = b[i..]
                    .iter()
                    .take_while(|&&c| {
                        !matches!(
                            c,
                            b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
                        )
                    })
                    .count();
                return Some((i, Shared::Anchor(len)));
            }
            b'<' if at_node && b[i..].starts_with(b"<<") && {
                let after = text[i + 2..].trim_start_matches([' ', '\t']);
                after.starts_with(':') && blank(i + 2 + (text.len() - i - 2 - after.len()) + 1)
            } =>
            {
                return Some((i, Shared::Merge));
            }
            // A tag (`!!str`) keeps the node open for an anchor after it.
            b'!' if at_node => {
                while i < b.len() && !blank(i) {
                    i += 1;
                }
                node = true;
                continue;
            }
            b'"' if at_node => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                node = false;
            }
            b'\'' if at_node => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                node = false;
            }
            b'[' | b'{' if at_node || depth > 0 => {
                depth += 1;
                node = true;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                node = false;
            }
            b',' if depth > 0 => node = true,
            b'-' | b'?' if at_node && blank(i + 1) => node = true,
            b':' if blank(i + 1) => node = true,
            // A block scalar: its lines are text, up to a line indented no deeper than the
            // line it started on.
            b'|' | b'>' if at_node && depth == 0 => {
                let mut end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                while end < b.len() {
                    let line = &b[end + 1..];
                    let width = line.iter().take_while(|&&c| c == b' ').count();
                    let rest = &line[width..];
                    let empty = rest.is_empty() || matches!(rest[0], b'\n' | b'\r');
                    if !empty && width <= indent {
                        break;
                    }
                    end = memchr::memchr(b'\n', line).map_or(b.len(), |n| end + 1 + n);
                }
                i = end;
                node = false;
                continue;
            }
            _ => node = false,
        }
        i += 1;
    }
    None
}

/// The deepest `[`/`{` nesting a gongkai file may have. No file needs more than three; the
/// YAML scanner rechecks every open bracket at each token, so `[[[[…` takes quadratic time
/// (100 KB: 9 s, 200 KB: 46 s) before serde's own depth limit is reached.
const MAX_FLOW_DEPTH: usize = 32;

/// Byte offset of the first bracket nested deeper than [`MAX_FLOW_DEPTH`], skipping quoted
/// strings and comments; one linear pass.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            // A quote inside a plain scalar (`it's`) is not a string: only one that opens a
            // value, after a blank, `:`, `[`, `{`, `,` or `-`.
            b'\'' if i == 0 || b" \t\n:[{,-".contains(&bytes[i - 1]) => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn to_diagnostic(
    sources: &Sources,
    file: FileId,
    err: &serde_yaml::Error,
    first_line: usize,
) -> Diagnostic {
    let full = err.to_string();
    // serde_yaml appends " at line N column M"; the location is printed separately.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let help = help_for(&message);
    let d = Diagnostic::error("E001", format!("invalid YAML: {message}")).help(help);
    // serde_yaml places errors raised by our own Deserialize impls (dates) at the document
    // start; those quote the offending value in backticks, so point at it instead.
    match err.location().filter(|l| l.line() > 1 || l.column() > 1) {
        Some(loc) => {
            let line = loc.line() + first_line - 1;
            let col = loc.column();
            let len = sources
                .get(file)
                .line_text(line)
                .chars()
                .skip(col.saturating_sub(1))
                .take_while(|c| !c.is_whitespace() && *c != ':')
                .count();
            d.at(file, line, col, len)
        }
        None => {
            let src = sources.get(file);
            let base = src.offset(first_line, 1);
            let quoted = message.split('`').nth(1).filter(|q| !q.is_empty());
            match quoted.and_then(|q| src.text[base..].find(q).map(|i| (base + i, q.len()))) {
                Some((start, len)) => d.at_span(sources, file, start, start + len),
                None => d.at(file, first_line, 1, 1),
            }
        }
    }
}

fn help_for(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the key or correct its spelling; the expected keys are listed above".into()
    } else if message.contains("missing field") {
        "add the missing key; it is required".into()
    } else if message.contains("invalid type") || message.contains("invalid value") {
        "write the value in the form the message asks for (numbers unquoted, a withheld figure as \"*\")".into()
    } else if message.contains("is not a figure") || message.contains("a figure is") {
        "write the figure as a plain number, e.g. `value: 8084` or `value: 3.5`, or \"*\" for a withheld figure".into()
    } else if message.contains("a count or an amount is 0 or more")
        || message.contains("this cell counts cases")
        || message.contains("write the figure in digits")
    {
        // A cell of the annual report (model::nianbao's visitor names what is wrong).
        "write the cell as the official table has it: a count is a whole number, 0 or more, in digits (~ for a blank cell); only 收费金额 (万元) has decimals".into()
    } else if message.contains("is out of range") {
        "write a value within the range the message gives".into()
    } else if message.contains("duplicate") {
        "each key may appear only once in a mapping".into()
    } else {
        "fix the YAML syntax at this position (indentation, a missing colon, or an unclosed quote)"
            .into()
    }
}

/// Parses a file that is one mapping of strings to strings, keeping the written order
/// (e.g. content/wordlist.yaml: wrong → right).
pub fn parse_pairs(sources: &Sources, file: FileId) -> Result<Vec<(String, String)>, Diagnostic> {
    struct Pairs(Vec<(String, String)>);
    impl<'de> serde::Deserialize<'de> for Pairs {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pairs, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Pairs;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a mapping of wrong → right words")
                }
                fn visit_unit<E: serde::de::Error>(self) -> Result<Pairs, E> {
                    Ok(Pairs(Vec::new()))
                }
                fn visit_map<M: serde::de::MapAccess<'de>>(
                    self,
                    mut m: M,
                ) -> Result<Pairs, M::Error> {
                    let mut out = Vec::new();
                    while let Some(pair) = m.next_entry::<String, String>()? {
                        out.push(pair);
                    }
                    Ok(Pairs(out))
                }
            }
            d.deserialize_any(V)
        }
    }
    let text = &sources.get(file).text;
    parse::<Pairs>(sources, file, text, 1).map(|p| p.0)
}

#[cfg(test)]
mod tests {
    use super::{anchor_or_merge, Shared};

    #[test]
    fn anchors_and_merge_keys_are_found_where_a_node_starts() {
        for (text, at) in [
            ("withheld_value: &w 876543\nnote: *w\n", "&w"),
            ("a:\n  - &x 1\n", "&x"),
            ("a: [1, &y 2]\n", "&y"),
            ("a: {b: &z 1}\n", "&z"),
            ("a:\n  &v\n  1\n", "&v"),
            ("a: !!str &t x\n", "&t"),
            ("a: \"x\"\nb: &u 1 # &c\n", "&u"),
        ] {
            let (i, what) = anchor_or_merge(text).unwrap_or_else(|| panic!("{text:?}"));
            assert_eq!(&text[i..i + at.len()], at, "{text:?}");
            assert_eq!(what, Shared::Anchor(at.len()));
        }
        let text = "base: 1\nb:\n  <<: *a\n";
        assert_eq!(
            anchor_or_merge(text),
            Some((text.find("<<").unwrap(), Shared::Merge))
        );
    }

    #[test]
    fn an_ampersand_in_text_is_not_an_anchor() {
        for text in [
            "note: 甲&乙\n",
            "note: a & b\n",
            "note: \"&x\"\n",
            "note: '&x'\n",
            "note: 'it''s, &x'\n",
            "note: 见[&附件], &c\n",
            "note: 一\n  &二\n",
            "note: |\n  - &x\n  <<: y\n  \"\nname: a\n",
            "# &x\nnote: a #&y\n",
            "url: http://x/?a=1&b=2\n",
            "note: a<<b\n",
        ] {
            assert_eq!(anchor_or_merge(text), None, "{text:?}");
        }
    }
}
