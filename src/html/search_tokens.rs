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

/// NFKC, then lower case: the text every rule reads.
pub(crate) fn normalise(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// Every token of `text`, in order.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = normalise(text).chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            for k in start..i {
                out.push(chars[k].to_string());
                if k + 1 < i {
                    out.push(chars[k..k + 2].iter().collect());
                }
            }
        } else if c.is_ascii_digit() {
            let (number, end) = number_at(&chars, i);
            out.push(number);
            i = end;
        } else if is_latin(c) {
            let start = i;
            while i < chars.len() && is_latin(chars[i]) {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            i += 1;
        }
    }
    out
}

/// The number that starts at `start` (a digit) and where it ends.
fn number_at(chars: &[char], start: usize) -> (String, usize) {
    let digit = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    let mut i = start;
    let mut number = String::new();
    while digit(i) {
        number.push(chars[i]);
        i += 1;
    }
    // Thousands separators only after a first group of one to three digits, and only
    // before groups of exactly three.
    if i - start <= 3 {
        while chars.get(i) == Some(&',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) {
            number.extend(&chars[i + 1..i + 4]);
            i += 4;
        }
    }
    if chars.get(i) == Some(&'.') && digit(i + 1) {
        number.push('.');
        i += 1;
        while digit(i) {
            number.push(chars[i]);
            i += 1;
        }
    }
    (number, i)
}

#[cfg(test)]
mod tests {
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
