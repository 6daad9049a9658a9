//! Finding a withheld figure's real value (`withheld_value`) in text that is published, in
//! every form a reader recognises as the same figure. Shared by `validate` (the sources as
//! written, parsed strings, attachments, theme files, file names) and `render` (the narrative
//! as Markdown and templates made it), which are siblings and may not import each other.
//!
//! A number is matched whole (765432 is not found in 1765432 or 765432.5), in the forms a
//! reader recognises as the same figure: 765432.00, 765,432, 765，432, 765 432, full-width
//! ７６５４３２, and 76.5432万. Invisible characters (soft hyphens, zero-width spaces and
//! joiners, bidi controls, variation selectors) hide nothing: a reader sees the digits
//! without them, so they are removed before matching.

use crate::model::{Figure, Site};
use regex::Regex;
use std::sync::OnceLock;

/// A withheld figure with its real value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Secret<'a> {
    pub(crate) year: i32,
    pub(crate) id: &'a str,
    pub(crate) value: f64,
}

/// Every withheld figure of the site that has its real value, by magnitude (so each number
/// of a text is looked up by binary search: a city has hundreds of withheld figures and its
/// texts thousands of numbers).
pub(crate) fn secrets(site: &Site) -> Vec<Secret<'_>> {
    let mut all: Vec<Secret> = site
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
    all.sort_by(|a, b| a.value.abs().total_cmp(&b.value.abs()));
    all
}

/// Those of `secrets` an edition of `year` can know: its own and earlier editions' (an
/// edition cannot know a later one's figures; a later one can repeat an earlier one's).
pub(crate) fn known_in<'a>(secrets: &[Secret<'a>], year: i32) -> Vec<Secret<'a>> {
    secrets.iter().copied().filter(|s| s.year <= year).collect()
}

/// A withheld figure found in a text, with its byte range there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Leak<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) secret: Secret<'a>,
}

/// Characters that take no room on the page: a reader sees `876\u{AD}543` as 876543.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{20E3}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}')
}

/// Every number of `text` that is one of `secrets` (sorted by magnitude), with its byte
/// range in `text`. Dates are not figures: a withheld 12 must not make every later 12月 or
/// `published: 2024-12-20` an error no one can reword.
pub(crate) fn find<'a>(text: &str, secrets: &[Secret<'a>]) -> Vec<Leak<'a>> {
    if secrets.is_empty() {
        return Vec::new();
    }
    let visible = Visible::of(text);
    let clean = visible.text.as_ref();
    let dates = date_spans(clean);
    let mut out = Vec::new();
    for reading in numbers(clean) {
        let next = clean[reading.end..].chars().next();
        if matches!(next, Some('年' | '月' | '日'))
            || dates
                .iter()
                .any(|&(s, e)| s <= reading.start && reading.end <= e)
        {
            continue;
        }
        if let Some(secret) = lookup(secrets, reading.value) {
            out.push(Leak {
                start: visible.original(reading.start),
                end: visible.original_end(reading.end),
                secret,
            });
        }
    }
    out
}

/// The secret whose value `value` is: a withheld -5 is given away by 减少5 as much as by -5,
/// so magnitudes are compared, within the rounding of a decimal written out (12.50 is 12.5).
fn lookup<'a>(secrets: &[Secret<'a>], value: f64) -> Option<Secret<'a>> {
    let magnitude = value.abs();
    let tolerance = 1e-9 * magnitude.max(1.0);
    let first = secrets.partition_point(|s| s.value.abs() < magnitude - tolerance);
    secrets
        .get(first)
        .filter(|s| s.value.abs() <= magnitude + tolerance)
        .copied()
}

/// A text with its invisible characters removed, and the way back to the original offsets.
struct Visible<'t> {
    text: std::borrow::Cow<'t, str>,
    /// For each byte of `text`, its offset in the original; None when nothing was removed.
    map: Option<Vec<usize>>,
    /// The original's length.
    len: usize,
}

impl<'t> Visible<'t> {
    fn of(text: &'t str) -> Visible<'t> {
        if !text.chars().any(is_invisible) {
            return Visible {
                text: text.into(),
                map: None,
                len: text.len(),
            };
        }
        let mut clean = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len());
        for (i, c) in text.char_indices().filter(|&(_, c)| !is_invisible(c)) {
            clean.push(c);
            map.extend(i..i + c.len_utf8());
        }
        Visible {
            text: clean.into(),
            map: Some(map),
            len: text.len(),
        }
    }

    fn original(&self, at: usize) -> usize {
        match &self.map {
            Some(map) => map.get(at).copied().unwrap_or(self.len),
            None => at,
        }
    }

    /// The original offset just past the byte before `end`.
    fn original_end(&self, end: usize) -> usize {
        match (&self.map, end) {
            (Some(_), 0) => 0,
            (Some(map), _) => map.get(end - 1).map_or(end, |&b| b + 1),
            (None, _) => end,
        }
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
pub(crate) struct Reading {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: f64,
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
pub(crate) fn numbers(text: &str) -> Vec<Reading> {
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
pub(crate) fn blank(out: &mut [u8], s: usize, e: usize) {
    for b in &mut out[s..e] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// `text` with the spans of `re` blanked (same offsets).
fn mask(text: &str, re: &Regex) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for m in re.find_iter(text) {
        blank(&mut bytes, m.start(), m.end());
    }
    // Whole characters were replaced byte for byte by spaces: still valid UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// A Markdown body with template comments `{# … #}` and HTML comments blanked: neither
/// reaches a page (the sanitiser drops HTML comments), and an office may well note the real
/// figure there for internal review.
pub(crate) fn mask_comments(body: &str) -> String {
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    mask(
        body,
        COMMENT.get_or_init(|| Regex::new(r"(?s)\{#.*?#\}|<!--.*?-->").unwrap()),
    )
}

/// A theme template with its template comments `{# … #}` blanked. Its HTML comments are
/// published: a template's output is not sanitised.
pub(crate) fn mask_template_comments(template: &str) -> String {
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    mask(
        template,
        COMMENT.get_or_init(|| Regex::new(r"(?s)\{#.*?#\}").unwrap()),
    )
}

/// Elements that do not break a line of text: `876<b>5</b>43` reads as 876543. Any other
/// tag separates what is before it from what is after (two table cells are two numbers).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
];

/// The numbers gongkai gives footnotes (`[1]` at the reference and at the note, see
/// `markdown::rewrite_footnotes`): counted, not written, so they are no one's figure.
fn footnote_numbers() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(<sup class="footnote-ref"><a [^>]*>|<span class="footnote-label">(?:<a [^>]*>)?)\[\d{1,4}\]"#)
            .unwrap()
    })
}

/// What a reader of sanitised HTML sees: its text with inline tags removed and entities
/// decoded, then (each on a line of its own) every attribute value, which is published too
/// (a link's address, a title shown on hover). Left out are what gongkai numbers itself:
/// footnote numbers, ids (`一就业-1` for a second heading of the same text; a heading's id
/// repeats its text, which is read) and links within the page (`#fn-1`).
pub(crate) fn published_text(html: &str) -> String {
    let html = footnote_numbers().replace_all(html, "$1");
    let html = html.as_ref();
    let mut text = String::with_capacity(html.len());
    let mut attributes = String::new();
    let mut pos = 0;
    while let Some(lt) = html[pos..].find('<').map(|i| pos + i) {
        text.push_str(&decode_entities(&html[pos..lt]));
        let rest = &html[lt + 1..];
        let (name, end) = if let Some(tag) = crate::html::scan::tag_at(html, lt) {
            for attr in &tag.attrs {
                if attr.is("id") || (attr.is("href") && attr.value.starts_with('#')) {
                    continue;
                }
                attributes.push_str(&decode_entities(&percent_decoded(attr.value)));
                attributes.push('\n');
            }
            (tag.name, tag.end)
        } else if let Some(closing) = rest.strip_prefix('/') {
            let name_len = closing
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(closing.len());
            let end = html[lt..].find('>').map_or(html.len(), |i| lt + i + 1);
            (&closing[..name_len], end)
        } else if let Some(comment) = rest.strip_prefix("!--") {
            let end = comment.find("-->").map_or(html.len(), |i| lt + 4 + i + 3);
            ("", end)
        } else {
            text.push('<');
            pos = lt + 1;
            continue;
        };
        if !INLINE.iter().any(|i| name.eq_ignore_ascii_case(i)) {
            text.push('\n');
        }
        pos = end;
    }
    text.push_str(&decode_entities(&html[pos..]));
    text.push('\n');
    text + &attributes
}

/// `s` with character references decoded (numeric ones and those a sanitiser writes).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let reference = rest[1..]
            .find(';')
            .filter(|&i| i <= 10)
            .map(|i| &rest[1..1 + i]);
        let decoded = reference.and_then(|r| match r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => {
                let n = r.strip_prefix('#')?;
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (decoded, reference) {
            (Some(c), Some(r)) => {
                out.push(c);
                rest = &rest[r.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `s` with `%XX` escapes decoded, as a browser shows an address (invalid UTF-8 replaced).
fn percent_decoded(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('%') {
        return s.into();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned().into()
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
    fn invisible_characters_hide_nothing_and_spans_stay_in_the_original() {
        let secret = [Secret {
            year: 2023,
            id: "a",
            value: 876543.0,
        }];
        for text in [
            "另有876\u{AD}543人",
            "另有8\u{200B}7\u{200D}6\u{FEFF}5\u{2066}4\u{2069}3人",
            "另有876\u{202E}543\u{FE0F}人",
        ] {
            let found = find(text, &secret);
            assert_eq!(found.len(), 1, "{text:?}");
            assert_eq!(found[0].start, "另有".len());
            assert!(
                text[found[0].start..found[0].end].ends_with('3'),
                "{text:?}"
            );
        }
        assert!(find("另有876543年", &secret).is_empty());
    }

    #[test]
    fn published_text_joins_inline_markup_and_decodes_references() {
        let html = "<p>876<strong>5</strong>43 8<b>7</b>6543 &#56;76543</p><a href=\"x/876%35%343\" title=\"a&amp;b\">y</a>";
        let text = published_text(html);
        assert!(text.contains("876543 876543 876543\n"), "{text}");
        assert!(text.contains("x/876543\na&b\n"), "{text}");
        let cells = published_text("<table><tr><td>876</td><td>543</td></tr></table>");
        assert!(!cells.contains("876543"), "{cells}");
        let numbered = published_text("<p>说明<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" rel=\"noopener noreferrer\">[1]</a></sup>。</p><h2 id=\"一就业-1\">一</h2><div class=\"footnote\" id=\"fn-1\"><span class=\"footnote-label\"><a href=\"#fnref-1\" rel=\"noopener noreferrer\">[1]</a></span>注。</div>");
        assert!(!numbered.contains('1'), "{numbered}");
    }
}
