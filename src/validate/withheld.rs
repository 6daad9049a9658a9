//! E021: a withheld figure's real value (`withheld_value`) written into any text that reaches
//! the published site. Every such text is read from its source as written, so the finding
//! points where the figure was typed: site.yaml (on every page), and in the withholding
//! edition and every later one, indicators.yaml (names, notes, sources, section titles, any
//! string), front matter (title, summary, 文号, every field) and the whole Markdown body,
//! code spans, raw-HTML attributes, link URLs and template tags included. Only what never
//! reaches the output is left out: keys, comments, the figures themselves and `withheld_value`.
//!
//! A number is matched whole (765432 is not found in 1765432 or 765432.5), in the forms a
//! reader recognises as the same figure: 765432.00, 765,432, 765，432, 765 432, full-width
//! ７６５４３２, and 76.5432万.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Figure, Site};
use crate::source::FileId;
use regex::Regex;
use std::sync::OnceLock;

/// indicators.yaml keys whose values are figures, not text: published as numbers (or "*"),
/// or, for `withheld_value`, never.
const FIGURE_KEYS: &[&str] = &[
    "value",
    "target",
    "completion",
    "series",
    "decimals",
    "withheld_value",
];

/// site.yaml keys that configure gongkai and never reach a page.
const SETTING_KEYS: &[&str] = &["index_no_pattern", "checks", "numbers", "theme"];

/// A withheld figure with its real value.
struct Secret<'a> {
    year: i32,
    id: &'a str,
    value: f64,
}

/// What kind of text is scanned, for the message and the help.
#[derive(Clone, Copy)]
enum Text {
    /// A Markdown body of edition `year`: a figure of that edition has value() to print it.
    Narrative { year: i32 },
    /// A YAML text: indicators.yaml, front matter or site.yaml.
    Data,
}

pub(super) fn check_site(site: &Site, diags: &mut Diagnostics) {
    let secrets: Vec<Secret> = site
        .editions
        .iter()
        .flat_map(|e| {
            e.indicators()
                .filter(|i| i.value == Figure::Withheld)
                .filter_map(move |i| {
                    i.withheld_value.map(|value| Secret {
                        year: e.year,
                        id: &i.id,
                        value,
                    })
                })
        })
        .collect();
    if secrets.is_empty() {
        return;
    }
    // By magnitude, so each number is looked up by binary search: a city has hundreds of
    // withheld figures and its texts thousands of numbers.
    let mut all: Vec<&Secret> = secrets.iter().collect();
    all.sort_by(|a, b| a.value.abs().total_cmp(&b.value.abs()));
    let config = &site.sources.get(site.config_file).text;
    scan(
        site,
        site.config_file,
        &mask_yaml(config, SETTING_KEYS),
        &all,
        Text::Data,
        diags,
    );
    for edition in &site.editions {
        // An edition cannot know a later one's figures; a later one can repeat an earlier one's.
        let known: Vec<&Secret> = all
            .iter()
            .copied()
            .filter(|s| s.year <= edition.year)
            .collect();
        if known.is_empty() {
            continue;
        }
        let file = edition.indicators_file;
        let text = &site.sources.get(file).text;
        scan(
            site,
            file,
            &mask_yaml(text, FIGURE_KEYS),
            &known,
            Text::Data,
            diags,
        );
        for (_, body_start, file) in edition.narratives() {
            let text = &site.sources.get(file).text;
            let (front, body) = text.split_at(body_start.min(text.len()));
            let front = mask_yaml(front, &[]);
            scan(site, file, &front, &known, Text::Data, diags);
            let body = mask_comments(body);
            let narrative = Text::Narrative { year: edition.year };
            // The body's offsets continue the front matter's.
            let padded = " ".repeat(front.len()) + &body;
            scan(site, file, &padded, &known, narrative, diags);
        }
    }
}

/// Reports every number of `masked` (a file's text with what never reaches a page blanked)
/// that is one of `secrets`, sorted by magnitude.
fn scan(
    site: &Site,
    file: FileId,
    masked: &str,
    secrets: &[&Secret],
    text: Text,
    diags: &mut Diagnostics,
) {
    let dates = date_spans(masked);
    for reading in numbers(masked) {
        // A date is not a figure: a withheld 12 must not make every later 12月 or
        // `published: 2024-12-20` an error no one can reword.
        let next = masked[reading.end..].chars().next();
        if matches!(next, Some('年' | '月' | '日'))
            || dates
                .iter()
                .any(|&(s, e)| s <= reading.start && reading.end <= e)
        {
            continue;
        }
        // A withheld -5 is given away by 减少5 as much as by -5: compare magnitudes, within
        // the rounding of a decimal written out (12.50 is 12.5).
        let magnitude = reading.value.abs();
        let tolerance = 1e-9 * magnitude.max(1.0);
        let first = secrets.partition_point(|s| s.value.abs() < magnitude - tolerance);
        let Some(secret) = secrets
            .get(first)
            .filter(|s| s.value.abs() <= magnitude + tolerance)
        else {
            continue;
        };
        let id = secret.id;
        let (message, help) = match text {
            Text::Narrative { year } if year == secret.year => (
                format!("this figure is the withheld value of `{id}`"),
                format!("withheld figures must not leak through the text: write {{{{ value(\"{id}\") }}}}, which prints *"),
            ),
            Text::Narrative { .. } => (
                format!("this figure is the withheld value of `{id}` in the {} edition", secret.year),
                "a figure withheld once stays withheld in every later edition: leave it out of the text, or write “*”".to_string(),
            ),
            Text::Data => (
                format!("this figure is the withheld value of `{id}` in the {} edition", secret.year),
                "this text is published: leave the figure out or write “*”; the real figure belongs only in `withheld_value`, which is never published".to_string(),
            ),
        };
        diags.push(Diagnostic::error("E021", message).help(help).at_span(
            &site.sources,
            file,
            reading.start,
            reading.end,
        ));
    }
}

/// Byte ranges of the dates written `YYYY-MM-DD`, `YYYY-MM` or with `/`.
fn date_spans(text: &str) -> Vec<(usize, usize)> {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let re = DATE.get_or_init(|| {
        Regex::new(r"\d{4}[-/](?:1[0-2]|0?[1-9])(?:[-/](?:3[01]|[12][0-9]|0?[1-9]))?").unwrap()
    });
    let b = text.as_bytes();
    re.find_iter(text)
        .filter(|m| {
            let digit_before = m.start() > 0 && b[m.start() - 1].is_ascii_digit();
            !digit_before && !b.get(m.end()).is_some_and(u8::is_ascii_digit)
        })
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// A number as a reader could read it, with its byte range.
#[derive(Debug, PartialEq)]
struct Reading {
    start: usize,
    end: usize,
    value: f64,
}

fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// Characters written between groups of three digits (9,182,736 · 9，182，736 · 9 182 736).
const GROUP_SEPARATORS: &[char] = &[',', '，', ' ', '\u{a0}', '\u{2009}', '\u{202f}', '\u{3000}'];

/// Of those, the ones that also separate words or clauses in Chinese text: 12，345 may be two
/// numbers, so both readings count.
const AMBIGUOUS_SEPARATORS: &[char] = &['，', ' ', '\u{3000}'];

/// Every number of `text` with every value it can be read as: the whole run of digits with
/// its decimals, a run grouped by thousands separators as one number (and, where the
/// separator also separates clauses, as its groups), and a number followed by 万 or 亿 scaled.
fn numbers(text: &str) -> Vec<Reading> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let run_end = |mut j: usize| {
        while j < chars.len() && digit(chars[j].1).is_some() {
            j += 1;
        }
        j
    };
    let digits = |(s, e): (usize, usize)| -> String {
        chars[s..e].iter().filter_map(|&(_, c)| digit(c)).collect()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        let mut groups = vec![(i, run_end(i))];
        let mut j = groups[0].1;
        let mut separator = None;
        if j - i <= 3 {
            while let Some(&(_, c)) = chars.get(j) {
                if !GROUP_SEPARATORS.contains(&c) || separator.is_some_and(|s| s != c) {
                    break;
                }
                let end = run_end(j + 1);
                if end - (j + 1) != 3 {
                    break;
                }
                separator = Some(c);
                groups.push((j + 1, end));
                j = end;
            }
        }
        let mut fraction = String::new();
        if matches!(chars.get(j), Some((_, '.' | '．')))
            && chars.get(j + 1).is_some_and(|&(_, c)| digit(c).is_some())
        {
            let end = run_end(j + 1);
            fraction = format!(".{}", digits((j + 1, end)));
            j = end;
        }
        let scale = match chars.get(j) {
            Some((_, '万')) => Some(1e4),
            Some((_, '亿')) => Some(1e8),
            _ => None,
        };
        let mut read = |s: usize, e: usize, written: String, scaled: bool| {
            if let Ok(value) = written.parse::<f64>() {
                out.push(Reading {
                    start: byte(s),
                    end: byte(e),
                    value,
                });
                if let (true, Some(scale)) = (scaled, scale) {
                    out.push(Reading {
                        start: byte(s),
                        end: byte(e),
                        value: value * scale,
                    });
                }
            }
        };
        let whole: String = groups.iter().map(|&g| digits(g)).collect();
        read(i, j, whole + &fraction, true);
        if separator.is_some_and(|s| AMBIGUOUS_SEPARATORS.contains(&s)) {
            let last = groups.len() - 1;
            for (k, &(s, e)) in groups.iter().enumerate() {
                if k == last {
                    read(s, j, digits((s, e)) + &fraction, true);
                } else {
                    read(s, e, digits((s, e)), false);
                }
            }
        }
        i = j;
    }
    out
}

/// Blanks `text[s..e]` in `out` (same offsets), keeping line breaks so lines stay lines.
fn blank(out: &mut [u8], s: usize, e: usize) {
    for b in &mut out[s..e] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// The Markdown body with template comments `{# … #}` and HTML comments blanked: neither
/// reaches a page (the sanitiser drops HTML comments), and an office may well note the real
/// figure there for internal review.
fn mask_comments(body: &str) -> String {
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    let re = COMMENT.get_or_init(|| Regex::new(r"(?s)\{#.*?#\}|<!--.*?-->").unwrap());
    let mut bytes = body.as_bytes().to_vec();
    for m in re.find_iter(body) {
        blank(&mut bytes, m.start(), m.end());
    }
    // Whole characters were replaced byte for byte by spaces: still valid UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// A block-style YAML text with what never reaches a page blanked (same offsets): keys,
/// comments, and the values of the `hidden` keys (with their nested blocks). Block scalars
/// (`note: |`) and flow collections (`{note: …}`) are read as YAML reads them.
fn mask_yaml(text: &str, hidden: &[&str]) -> String {
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

    fn values(text: &str) -> Vec<(String, f64)> {
        numbers(text)
            .into_iter()
            .map(|r| (text[r.start..r.end].to_string(), r.value))
            .collect()
    }

    #[test]
    fn numbers_are_read_whole_and_in_every_written_form() {
        assert_eq!(values("共1765432人"), vec![("1765432".into(), 1765432.0)]);
        assert_eq!(
            values("12.50万"),
            vec![("12.50".into(), 12.5), ("12.50".into(), 125000.0)]
        );
        assert_eq!(values("9,182,736"), vec![("9,182,736".into(), 9182736.0)]);
        assert_eq!(
            values("９１８２７３６"),
            vec![("９１８２７３６".into(), 9182736.0)]
        );
        let spaced = values("9 182 736");
        assert!(spaced.contains(&("9 182 736".into(), 9182736.0)));
        assert!(spaced.contains(&("182".into(), 182.0)), "{spaced:?}");
        // Not groups of three: separate numbers.
        assert_eq!(
            values("1100，700"),
            vec![("1100".into(), 1100.0), ("700".into(), 700.0)]
        );
        assert_eq!(values("2023-12-20").len(), 3);
    }

    #[test]
    fn dates_are_found_whole() {
        assert_eq!(date_spans("发布2023-12-20，"), vec![(6, 16)]);
        assert_eq!(date_spans("\"2023-03\": 1"), vec![(1, 8)]);
        assert!(date_spans("12023-12-201").is_empty());
    }

    #[test]
    fn yaml_keys_comments_and_figures_are_blanked() {
        let text = "- id: a1\n  value: 12 # 34\n  note: \"x # 56\" # 78\n  series:\n    \"2023-03\": 9\n  break: |\n    value: 90\n  allow_over_100: true\n- {id: b, value: 11, note: 12}\n";
        let masked = mask_yaml(text, FIGURE_KEYS);
        let found: Vec<f64> = numbers(&masked).into_iter().map(|r| r.value).collect();
        assert_eq!(found, vec![1.0, 56.0, 90.0, 12.0]);
        assert_eq!(masked.len(), text.len());
    }
}
