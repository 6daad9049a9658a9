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

/// The tokens of a text as slices of one buffer: the normalised text with thousands
/// separators dropped, and each token's byte range in it, in order. The index takes
/// millions of tokens; none is allocated on its own.
pub(crate) struct Tokens {
    text: String,
    ranges: Vec<(u32, u32)>,
}

impl Tokens {
    pub(crate) fn of(text: &str) -> Tokens {
        let chars: Vec<char> = normalise(text).chars().collect();
        let mut buf = String::with_capacity(chars.len() * 3);
        let mut ranges = Vec::new();
        let at = |buf: &String| buf.len() as u32;
        let mut offsets: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_han(c) {
                offsets.clear();
                while i < chars.len() && is_han(chars[i]) {
                    offsets.push(at(&buf));
                    buf.push(chars[i]);
                    i += 1;
                }
                offsets.push(at(&buf));
                for k in 0..offsets.len() - 1 {
                    ranges.push((offsets[k], offsets[k + 1]));
                    if k + 2 < offsets.len() {
                        ranges.push((offsets[k], offsets[k + 2]));
                    }
                }
            } else if c.is_ascii_digit() {
                let start = at(&buf);
                i = push_number(&chars, i, &mut buf);
                ranges.push((start, at(&buf)));
            } else if is_latin(c) {
                let start = at(&buf);
                while i < chars.len() && is_latin(chars[i]) {
                    buf.push(chars[i]);
                    i += 1;
                }
                ranges.push((start, at(&buf)));
            } else {
                i += 1;
            }
        }
        Tokens { text: buf, ranges }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.ranges
            .iter()
            .map(|&(a, b)| &self.text[a as usize..b as usize])
    }
}

/// The distinct terms of one page, each with the fields it occurs in (1 title, 2 names,
/// 4 body): what the index takes of a page. Made on the rendering thread that writes the
/// page, so the index step only merges them; one buffer holds every term, as a page has
/// hundreds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageTerms {
    text: String,
    terms: Vec<(u32, u32, u8)>,
}

impl PageTerms {
    pub(crate) fn of(title: &str, names: &str, body: &str) -> PageTerms {
        let fields = [
            (1u8, Tokens::of(title)),
            (2, Tokens::of(names)),
            (4, Tokens::of(body)),
        ];
        let mut seen: FxHashMap<&str, u8> = FxHashMap::default();
        for (mask, tokens) in &fields {
            for token in tokens.iter() {
                *seen.entry(token).or_insert(0) |= mask;
            }
        }
        let mut page = PageTerms {
            text: String::with_capacity(seen.keys().map(|t| t.len()).sum()),
            terms: Vec::with_capacity(seen.len()),
        };
        for (term, mask) in seen {
            let start = page.text.len() as u32;
            page.text.push_str(term);
            page.terms.push((start, page.text.len() as u32, mask));
        }
        page
    }

    /// Each distinct term and its field mask, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.terms
            .iter()
            .map(|&(a, b, mask)| (&self.text[a as usize..b as usize], mask))
    }
}

/// Every token of `text`, in order.
#[cfg(test)]
pub(crate) fn tokens(text: &str) -> Vec<String> {
    Tokens::of(text).iter().map(String::from).collect()
}

/// Pushes the number that starts at `start` (a digit) onto `buf`; returns where it ends.
fn push_number(chars: &[char], start: usize, buf: &mut String) -> usize {
    let digit = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    let mut i = start;
    while digit(i) {
        buf.push(chars[i]);
        i += 1;
    }
    // Thousands separators only after a first group of one to three digits, and only
    // before groups of exactly three.
    if i - start <= 3 {
        while chars.get(i) == Some(&',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
            buf.extend(&chars[i + 1..i + 4]);
            i += 4;
        }
    }
    if chars.get(i) == Some(&'.') && digit(i + 1) {
        buf.push('.');
        i += 1;
        while digit(i) {
            buf.push(chars[i]);
            i += 1;
        }
    }
    i
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
