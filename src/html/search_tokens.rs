//! The search tokenizer: the one set of rules by which the index is built (here) and a query
//! is read in the browser (the same rules in `search.js`, shipped with every index). Both
//! must give the same tokens for the same text, so the rules are simple and every table is
//! written out as code-point ranges, never taken from a library whose Unicode version could
//! differ from the browser's; tests/fixtures/search/tokens.json holds the cases both pass.
//!
//! 1. The text is NFKC-normalised (full-width digits and letters become ASCII, ① becomes 1,
//!    ㈠ becomes (一)), then lower-cased.
//! 2. A run of Han characters (U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF, U+20000–323AF) gives
//!    each character and each overlapping pair, in order (行, 行政, 政, 政复, 复, 复议, 议), as
//!    Lucene's CJK bigram filter with unigrams does: any two-character word inside a longer
//!    compound (公开 in 国办公开办函) is found without a dictionary.
//! 3. A run of digits is one token, with at most one inner `.` (101.05, 3.3); commas that
//!    group thousands are dropped (1,264 and 1，264 give 1264): only a first group of one to
//!    three digits followed by groups of exactly three counts, so 2023,2024 stays two numbers.
//! 4. A run of Latin letters (a–z and the Latin-1 and Latin Extended-A/B letters) is a word.
//! 5. Everything else (punctuation, spaces, symbols, emoji, other scripts) separates tokens.

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

/// Whether `c` is a Han character (after NFKC).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

fn is_latin(c: char) -> bool {
    matches!(c as u32,
        0x61..=0x7A | 0xDF..=0xF6 | 0xF8..=0xFF | 0x100..=0x24F)
}

/// Characters NFKC leaves alone and that never combine with a neighbour: ASCII and the two
/// main blocks of Han characters (most of a Chinese page).
fn is_plain(c: char) -> bool {
    c.is_ascii() || matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// NFKC of the full-width forms (U+FF01–FF5E become ASCII, the ideographic space a space)
/// and of the CJK punctuation NFKC leaves alone, for a character that nothing combines with.
fn simple_form(c: char) -> Option<char> {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0),
        0x3000 => Some(' '),
        0x3001..=0x3003
        | 0x3008..=0x3011
        | 0x3014..=0x301B
        | 0x2014
        | 0x2018
        | 0x2019
        | 0x201C
        | 0x201D
        | 0xB7
        | 0xD7
        | 0xF7 => Some(c),
        _ => None,
    }
}

/// NFKC, then lower case: the text every rule reads. The same as normalising the whole
/// text, but only the stretches holding another character go through NFKC: each from the
/// last Han character or white space before it (after which nothing composes with what
/// precedes) to the next one, so a combining accent still joins its letter.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut safe_in, mut safe_out) = (0, 0);
    let mut chars = text.char_indices().peekable();
    let boundary = |c: char| c.is_ascii_whitespace() || (is_plain(c) && !c.is_ascii());
    while let Some((i, c)) = chars.next() {
        if is_plain(c) {
            out.push(c.to_ascii_lowercase());
            if boundary(c) {
                (safe_in, safe_out) = (i + c.len_utf8(), out.len());
            }
            continue;
        }
        // The full-width forms and CJK punctuation of every Chinese sentence: their NFKC
        // without a library call (held to the library's in a test). A combining mark after
        // one is still right: it sends the stretch from the last safe point, this character
        // included, through NFKC below.
        if let Some(simple) = simple_form(c) {
            out.push(simple.to_ascii_lowercase());
            continue;
        }
        let mut end = text.len();
        while let Some(&(j, d)) = chars.peek() {
            if boundary(d) {
                end = j;
                break;
            }
            chars.next();
        }
        out.truncate(safe_out);
        out.push_str(&text[safe_in..end].nfkc().collect::<String>().to_lowercase());
        (safe_in, safe_out) = (end, out.len());
    }
    out
}

/// The normalised text with the thousands separators of its numbers dropped (rule 3), so
/// that every token is a slice of it.
fn drop_group_commas(text: String) -> String {
    if memchr::memchr(b',', text.as_bytes()).is_none() {
        return text;
    }
    let b = text.as_bytes();
    let digit = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    let mut out = String::with_capacity(text.len());
    // The text up to here is in `out` already, but for what follows `copied`.
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A digit not taken by the number before it starts one (no other token holds
        // digits): the same walk as the tokenizer's.
        let start = i;
        while digit(i) {
            i += 1;
        }
        // Thousands separators only after a first group of one to three digits, and only
        // before groups of exactly three.
        if i - start <= 3 {
            while b.get(i) == Some(&b',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
                // Cut at the ASCII comma: both sides are whole characters.
                out.push_str(&text[copied..i]);
                copied = i + 1;
                i += 4;
            }
        }
        if b.get(i) == Some(&b'.') && digit(i + 1) {
            i += 1;
            while digit(i) {
                i += 1;
            }
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The text the tokenizer reads: normalised, thousands separators dropped.
fn prepare(text: &str) -> String {
    drop_group_commas(normalise(text))
}

/// Calls `visit` with every token of `text` (as [`prepare`] gives it), in order, each a
/// slice of it: the index takes millions of tokens, and none is allocated on its own.
fn each_token<'t>(text: &'t str, mut visit: impl FnMut(&'t str)) {
    let b = text.as_bytes();
    let digit = |k: usize| b.get(k).is_some_and(u8::is_ascii_digit);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_han(c) {
            // Each character, then it and the next one when that is Han too.
            let mut from = i;
            let mut to = i + c.len_utf8();
            loop {
                visit(&text[from..to]);
                match chars.peek() {
                    Some(&(j, d)) if is_han(d) => {
                        let end = j + d.len_utf8();
                        visit(&text[from..end]);
                        chars.next();
                        (from, to) = (j, end);
                    }
                    _ => break,
                }
            }
        } else if c.is_ascii_digit() {
            // Digits, then at most one inner `.` and its digits (separators are gone).
            let mut end = i + 1;
            while digit(end) {
                end += 1;
            }
            if b.get(end) == Some(&b'.') && digit(end + 1) {
                end += 1;
                while digit(end) {
                    end += 1;
                }
            }
            visit(&text[i..end]);
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
        } else if is_latin(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_latin(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            visit(&text[i..end]);
        }
    }
}

/// A term as a hash key: up to seven bytes (a Han character or pair, most numbers) packed
/// into one integer with its length, so hashing and comparing it is one instruction; a
/// longer term stays a slice.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'t> {
    Short(u64),
    Long(&'t str),
}

impl<'t> Key<'t> {
    fn of(term: &'t str) -> Key<'t> {
        let b = term.as_bytes();
        if b.len() > 7 {
            return Key::Long(term);
        }
        // The bytes in the low seven bytes, the length in the top one.
        let bytes = b.iter().fold(0, |packed, &x| packed << 8 | u64::from(x));
        Key::Short((b.len() as u64) << 56 | bytes)
    }
}

/// The distinct terms of one page, each with the fields it occurs in (1 title, 2 names,
/// 4 body): what the index takes of a page. Made on the rendering thread that writes the
/// page, so the index step only merges them. They wait in memory for the index, so one
/// string holds them all, each term after its mask written as one control character
/// (U+0001–U+0007, which no term holds): a page's hundreds of terms take about five bytes
/// each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageTerms(Box<str>);

impl PageTerms {
    pub(crate) fn of(title: &str, names: &str, body: &str) -> PageTerms {
        let fields = [
            (1u8, prepare(title)),
            (2, prepare(names)),
            (4, prepare(body)),
        ];
        // A page's distinct terms are about a sixth of its body's bytes.
        let mut seen: FxHashMap<Key, (u8, &str)> =
            FxHashMap::with_capacity_and_hasher(body.len() / 4, Default::default());
        for (mask, text) in &fields {
            each_token(text, |token| {
                seen.entry(Key::of(token)).or_insert((0, token)).0 |= mask
            });
        }
        let mut text = String::with_capacity(seen.values().map(|(_, t)| t.len() + 1).sum());
        for (mask, term) in seen.into_values() {
            text.push(char::from(mask));
            text.push_str(term);
        }
        PageTerms(text.into_boxed_str())
    }

    /// Each distinct term and its field mask, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        // Every mask is below 8, every byte of a term above it.
        self.0
            .split(|c: char| (c as u32) < 8)
            .skip(1)
            .zip(self.0.bytes().filter(|&b| b < 8))
    }
}

/// Every token of `text`, in order.
#[cfg(test)]
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let text = prepare(text);
    let mut out = Vec::new();
    each_token(&text, |t| out.push(t.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;

    /// Normalising stretch by stretch gives what normalising the whole text does.
    #[test]
    fn normalise_equals_whole_text_nfkc() {
        for text in [
            "Cafe\u{301} ＡＢＣ，行政复议①㈠℃ ΣΑΣ 豈e\u{301}中\u{301}x",
            "ﬁ\u{301}le 1，264人 Ⅻ期 ΟΔΟΣ。",
            "",
            "a\u{0323}\u{0307}b",
        ] {
            let whole = text.nfkc().collect::<String>().to_lowercase();
            assert_eq!(super::normalise(text), whole, "{text:?}");
        }
    }

    /// The characters normalised without the library are what the library makes of them.
    #[test]
    fn simple_forms_are_nfkc() {
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            if let Some(simple) = super::simple_form(c) {
                let nfkc = c.to_string().nfkc().collect::<String>().to_lowercase();
                assert_eq!(
                    simple.to_lowercase().to_string(),
                    nfkc,
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    proptest::proptest! {
        /// Normalising with the fast paths gives what normalising the whole text does, also
        /// when a combining mark follows a full-width form or punctuation.
        #[test]
        fn normalise_is_nfkc(text in "[a-zA-Z0-9 ,.\u{4e00}-\u{4e05}\u{3000}-\u{3003}\u{3008}\u{FF01}-\u{FF5E}\u{0301}\u{0308}\u{3099}\u{2014}\u{00B7}\u{FF9E}\u{2460}]{0,24}") {
            let whole = text.nfkc().collect::<String>().to_lowercase();
            proptest::prop_assert_eq!(super::normalise(&text), whole);
        }
    }

    /// A short term's key holds its length: a term and the same bytes after a NUL differ.
    #[test]
    fn short_keys_keep_their_length() {
        assert!(super::Key::of("a") != super::Key::of("\0a"));
        assert!(super::Key::of("失业") != super::Key::of("\0失业"));
        assert!(super::Key::of("123456") != super::Key::of("\u{0}123456"));
    }

    /// Each term once, with every field it occurs in.
    #[test]
    fn page_terms_with_fields() {
        let page = super::PageTerms::of("失业率", "年度 3.3", "失业率 年度 3.3 1,264人 straße");
        let mut terms: Vec<(&str, u8)> = page.iter().collect();
        terms.sort_unstable();
        let mut expected: Vec<(&str, u8)> = vec![
            ("1264", 4),
            ("3.3", 6),
            ("人", 4),
            ("业", 5),
            ("业率", 5),
            ("失", 5),
            ("失业", 5),
            ("年", 6),
            ("年度", 6),
            ("度", 6),
            ("率", 5),
            ("straße", 4),
        ];
        expected.sort_unstable();
        assert_eq!(terms, expected);
    }

    /// The cases the browser's tokenizer passes too (tests/browser/run.mjs).
    #[test]
    fn shared_fixtures() {
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/fixtures/search/tokens.json")).unwrap();
        assert!(cases.len() >= 30, "at least 30 cases");
        for case in cases {
            let text = case["text"].as_str().unwrap();
            let expected: Vec<&str> = case["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert_eq!(super::tokens(text), expected, "tokens of {text:?}");
        }
    }
}
