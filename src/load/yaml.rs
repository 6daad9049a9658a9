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
    serde_yaml::from_str(text).map_err(|err| to_diagnostic(sources, file, &err, first_line))
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
