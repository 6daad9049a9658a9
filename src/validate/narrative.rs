//! Rules over the Markdown pages: narrative function calls (ids, completion, change, chart
//! placement), and the prose around them: stray `*` from masked documents, literal rates that
//! contradict the data, images without alt text, personal data, the user's word list, and
//! mixed ％/%. Withheld figures leaking into any text are `withheld`'s.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Edition, Figure, Site};
use crate::narrative::{scan_calls, Call};
use crate::source::FileId;
use regex::Regex;
use std::sync::OnceLock;

/// `content/wordlist.yaml`: wrong → right, in file order.
pub(super) struct WordList {
    words: Vec<(String, String)>,
}

pub(super) fn load_wordlist(site: &Site, diags: &mut Diagnostics) -> WordList {
    let mut words = Vec::new();
    if let Some(file) = site.wordlist_file {
        match crate::load::yaml::parse_pairs(&site.sources, file) {
            Ok(pairs) => words = pairs,
            Err(d) => diags.push(d),
        }
    }
    WordList { words }
}

pub(super) fn check_edition(
    site: &Site,
    edition: &Edition,
    words: &WordList,
    diags: &mut Diagnostics,
) {
    for (body, start, file) in edition.narratives() {
        for call in scan_calls(body) {
            check_call(site, edition, &call, body, start, file, diags);
        }
        let prose = Prose {
            site,
            file,
            start,
            text: mask(body),
            raw: body,
        };
        prose.stray_stars(diags);
        prose.literal_rates(edition, diags);
        prose.images_without_alt(diags);
        prose.personal_data(diags);
        prose.word_list(words, diags);
        prose.mixed_percent(diags);
    }
    // Indicator texts (names, notes, sources) are published too.
    let Some(file) = edition.indicators_file else {
        return;
    };
    let text = &site.sources.get(file).text;
    let prose = Prose {
        site,
        file,
        start: 0,
        text: text.clone(),
        raw: text,
    };
    prose.personal_data(diags);
    prose.word_list(words, diags);
}

/// The body with template tags, code, link targets and HTML tags blanked out (same byte
/// offsets), so prose rules see only the words a reader reads.
pub(super) fn mask(body: &str) -> String {
    static MASK: OnceLock<Regex> = OnceLock::new();
    let re = MASK.get_or_init(|| {
        Regex::new(r"(?sm)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|```.*?```|`[^`\n]*`|\]\([^)\n]*\)|<[^>\n]*>|^\[\^[^\]]*\]:").unwrap()
    });
    let mut bytes = body.as_bytes().to_vec();
    for m in re.find_iter(body) {
        for b in &mut bytes[m.start()..m.end()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only whole characters were replaced, byte for byte, so this stays valid UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

struct Prose<'a> {
    site: &'a Site,
    file: FileId,
    /// Offset of the scanned text in its file.
    start: usize,
    /// Masked text (same offsets as `raw`).
    text: String,
    raw: &'a str,
}

impl Prose<'_> {
    fn at(&self, d: Diagnostic, s: usize, e: usize) -> Diagnostic {
        d.at_span(
            &self.site.sources,
            self.file,
            self.start + s,
            self.start + e,
        )
    }

    fn stray_stars(&self, diags: &mut Diagnostics) {
        let b = self.text.as_bytes();
        for (i, _) in self.text.match_indices('*') {
            let prev = i.checked_sub(1).map(|j| b[j]);
            let next = b.get(i + 1).copied();
            if prev == Some(b'\\') || prev == Some(b'*') || next == Some(b'*') {
                continue;
            }
            // A list bullet: `* item` at the start of a line.
            let line_start = self.text[..i].rfind('\n').map_or(0, |j| j + 1);
            if self.text[line_start..i].trim().is_empty() && next == Some(b' ') {
                continue;
            }
            diags.push(self.at(
                Diagnostic::warning("W010", "a bare `*` in the text")
                    .help("for a withheld figure use value(\"id\") with `value: \"*\"` in indicators.yaml; for a literal asterisk write `\\*` (two bare `*` turn the words between them into emphasis)"),
                i,
                i + 1,
            ));
        }
    }

    fn literal_rates(&self, edition: &Edition, diags: &mut Diagnostics) {
        static RATE: OnceLock<Regex> = OnceLock::new();
        let re = RATE.get_or_init(|| {
            Regex::new(r"(?:完成率|占目标任务的?|完成目标任务的?|完成全年目标的?)(?:为|达到|达|是)?\s*(\d+(?:\.(\d+))?)\s*[％%]").unwrap()
        });
        for caps in re.captures_iter(&self.text) {
            let (Some(whole), Some(num)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let decimals = caps.get(2).map_or(0, |d| d.as_str().len());
            // The sentence up to the rate: the nearest indicator name before it is the subject.
            let sentence_start = self.text[..whole.start()]
                .char_indices()
                .rev()
                .find(|(_, c)| matches!(c, '。' | '；' | '\n'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let before = &self.text[sentence_start..whole.start()];
            let subject = edition
                .indicators()
                .filter_map(|i| before.rfind(i.name.as_str()).map(|p| (p + i.name.len(), i)))
                .max_by_key(|(end, i)| (*end, i.name.len()))
                .map(|(_, i)| i);
            let (Some(ind), Ok(written)) = (subject, num.as_str().parse::<f64>()) else {
                continue;
            };
            let Some(actual) = ind.completion_rate() else {
                continue;
            };
            let scale = 10f64.powi(decimals as i32);
            if ((actual * scale).round() - written * scale).abs() > 0.5 {
                diags.push(
                    self.at(
                        Diagnostic::warning(
                            "W005",
                            format!(
                                "{}％ contradicts the completion rate of `{}` ({})",
                                num.as_str(),
                                ind.id,
                                crate::model::format::percent(actual, &self.site.config.numbers)
                            ),
                        )
                        .help(format!(
                            "print it from the data: {{{{ completion(\"{}\") }}}}",
                            ind.id
                        )),
                        num.start(),
                        num.end(),
                    ),
                );
            }
        }
    }

    fn images_without_alt(&self, diags: &mut Diagnostics) {
        static IMG: OnceLock<Regex> = OnceLock::new();
        let re = IMG.get_or_init(|| Regex::new(r#"!\[\s*\]\(|(?i)<img\b"#).unwrap());
        // An image shown as code (`![](x.png)` in a code span or block) is text, not an image.
        let code = code_ranges(self.raw);
        for m in re.find_iter(self.raw) {
            if code.iter().any(|r| r.contains(&m.start())) {
                continue;
            }
            // A raw <img> is read as a browser reads it: `alt=a` unquoted, `>` inside a
            // quoted value.
            let end = match crate::html::scan::tag_at(self.raw, m.start()) {
                Some(tag) if tag.attr("alt").is_some_and(|a| !a.value.trim().is_empty()) => {
                    continue;
                }
                Some(tag) => tag.end,
                None => m.end(),
            };
            diags.push(self.at(
                Diagnostic::error("E023", "image without alt text").help(
                    "describe the image for readers who cannot see it: ![说明文字](file.png)",
                ),
                m.start(),
                end,
            ));
        }
    }

    fn personal_data(&self, diags: &mut Diagnostics) {
        static DIGITS: OnceLock<Regex> = OnceLock::new();
        let re = DIGITS.get_or_init(|| Regex::new(r"\d{11,19}[Xx]?").unwrap());
        let b = self.text.as_bytes();
        for m in re.find_iter(&self.text) {
            let (s, e) = (m.start(), m.end());
            // Part of a longer run (e.g. a decimal) is not a standalone number.
            if s > 0 && (b[s - 1].is_ascii_digit() || b[s - 1] == b'.')
                || b.get(e).is_some_and(|c| c.is_ascii_digit() || *c == b'.')
            {
                continue;
            }
            let line_start = self.text[..s].rfind('\n').map_or(0, |i| i + 1);
            if self.text[line_start..s].contains("withheld_value") {
                continue;
            }
            let digits = m.as_str();
            let (code, what) = if digits.len() == 18 && id_card_valid(digits) {
                ("E024", "a 居民身份证号 (ID card number)")
            } else if digits.len() == 11
                && digits.starts_with('1')
                && (b'3'..=b'9').contains(&digits.as_bytes()[1])
            {
                ("E025", "a mobile phone number")
            } else if (16..=19).contains(&digits.len())
                && digits.bytes().all(|c| c.is_ascii_digit())
                && luhn(digits)
            {
                ("E026", "a bank card number")
            } else {
                continue;
            };
            diags.push(self.at(
                Diagnostic::error(code, format!("personal data: this looks like {what}"))
                    .help("the 政府信息公开条例 forbids disclosing personal information: remove it or mask it (e.g. 1381234****)"),
                s,
                e,
            ));
        }
    }

    fn word_list(&self, words: &WordList, diags: &mut Diagnostics) {
        for (wrong, right) in &words.words {
            for (i, _) in self.text.match_indices(wrong.as_str()) {
                diags.push(
                    self.at(
                        Diagnostic::warning("W006", format!("“{wrong}” is on the word list"))
                            .help(format!("write “{right}” (content/wordlist.yaml)")),
                        i,
                        i + wrong.len(),
                    ),
                );
            }
        }
    }

    fn mixed_percent(&self, diags: &mut Diagnostics) {
        let full: Vec<usize> = self.text.match_indices('％').map(|(i, _)| i).collect();
        let half: Vec<usize> = self.text.match_indices('%').map(|(i, _)| i).collect();
        if full.is_empty() || half.is_empty() {
            return;
        }
        let (minority, sign, other) = if half.len() <= full.len() {
            (half[0], "%", "％")
        } else {
            (full[0], "％", "%")
        };
        diags.push(
            self.at(
                Diagnostic::warning(
                    "W007",
                    format!("{sign} and {other} are mixed in one document"),
                )
                .help(format!(
                    "use one percent sign throughout; most of this document uses {other}"
                )),
                minority,
                minority + sign.len(),
            ),
        );
    }
}

/// GB 11643 check digit of an 18-character 居民身份证号.
fn id_card_valid(s: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
}

fn luhn(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

fn check_call(
    site: &Site,
    edition: &Edition,
    call: &Call,
    body: &str,
    start: usize,
    file: usize,
    diags: &mut Diagnostics,
) {
    let at = |d: Diagnostic| {
        d.at_span(
            &site.sources,
            file,
            start + call.arg_start,
            start + call.arg_end,
        )
    };
    if call.id.starts_with(crate::model::nianbao::ID_PREFIX) {
        if let Some(d) = check_cell_call(site, edition, call) {
            diags.push(at(d));
        }
        return;
    }
    let Some(ind) = edition.indicator(&call.id) else {
        let mut d = Diagnostic::error(
            "E004",
            format!("unknown indicator `{}` in {}()", call.id, call.function),
        );
        let close =
            crate::diagnostic::closest(&call.id, edition.indicators().map(|i| i.id.as_str()));
        d = d.help(match close {
            Some(c) => format!(
                "did you mean `{c}`? ids are defined in content/{}/indicators.yaml",
                edition.year
            ),
            None => format!(
                "add the indicator to content/{}/indicators.yaml or correct the id",
                edition.year
            ),
        });
        diags.push(at(d));
        return;
    };
    match call.function {
        "target" if ind.target.is_none() => diags.push(at(Diagnostic::error(
            "E012",
            format!("target() of `{}`, which has no target", call.id),
        )
        .help("add `target:` to the indicator, or remove the call"))),
        "completion" if ind.completion_rate().is_none() => {
            let (why, help) = match (ind.value, ind.target) {
                (_, None) => (
                    "it has no target",
                    "add `target:` to the indicator (or `completion:` with the published rate), or remove the call",
                ),
                _ if ind.better == crate::model::Better::Lower => (
                    "its target is a ceiling (`better: lower`), which has no completion rate",
                    "say whether the ceiling was kept with value() and target(), or state `completion:` if one was published",
                ),
                (Figure::Withheld, _) | (_, Some(Figure::Withheld)) => (
                    "its value or target is withheld",
                    "state the published rate as `completion: 101.05` on the indicator, or remove the call",
                ),
                _ => ("its target is 0", "correct the target, or remove the call"),
            };
            diags.push(at(Diagnostic::error(
                "E005",
                format!("completion() of `{}` cannot be computed: {why}", call.id),
            )
            .help(help)));
        }
        "change" => {
            let prev = site
                .previous(edition.year)
                .and_then(|p| p.indicator(&call.id).map(|i| (p.year, i)));
            match prev {
                None => diags.push(at(Diagnostic::error(
                    "E011",
                    format!("change() of `{}`: no earlier edition has this indicator", call.id),
                )
                .help("change() compares with the previous edition; remove the call for an indicator new this year"))),
                Some((_, p)) if p.value == Figure::Number(0.0) && !ind.is_percent() => diags.push(at(Diagnostic::error(
                    "E011",
                    format!("change() of `{}`: the previous value is 0, a growth rate cannot be computed", call.id),
                )
                .help("describe the change in words instead"))),
                _ => {}
            }
        }
        "chart" => {
            let line_start = body[..call.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = body[call.end..]
                .find('\n')
                .map_or(body.len(), |i| call.end + i);
            let alone = body[line_start..call.start].trim().is_empty()
                && body[call.end..line_end].trim().is_empty();
            let prev_blank = line_start == 0
                || body[..line_start - 1]
                    .rsplit('\n')
                    .next()
                    .is_none_or(|l| l.trim().is_empty());
            let next_blank = line_end >= body.len()
                || body[line_end + 1..]
                    .split('\n')
                    .next()
                    .is_none_or(|l| l.trim().is_empty());
            if !(alone && prev_blank && next_blank) {
                diags.push(
                    Diagnostic::error("E009", format!("chart(\"{}\") must stand alone", call.id))
                        .at_span(&site.sources, file, start + call.start, start + call.end)
                        .help("put the chart call on a line of its own with a blank line before and after it"),
                );
            }
        }
        _ => {}
    }
}

/// A narrative function given a cell of the annual report (`nb.…`): only value() and
/// change() print a cell, and the cell must exist (in last year's report too, for change()).
fn check_cell_call(site: &Site, edition: &Edition, call: &Call) -> Option<Diagnostic> {
    let year = edition.year;
    let Some(nb) = &edition.nianbao else {
        return Some(
            Diagnostic::error(
                "E004",
                format!("{}(\"{}\"): the {year} edition has no annual report", call.function, call.id),
            )
            .help(format!("`nb.` ids name cells of content/{year}/nianbao.yaml; add the annual report, or correct the id")),
        );
    };
    let Some(value) = nb.value(&call.id) else {
        let help = match crate::diagnostic::closest(&call.id, nb.ids().into_iter()) {
            Some(c) => format!("did you mean `{c}`? the README lists every cell id of the tables"),
            None => "cell ids are `nb.` + table + row + column, e.g. nb.requests.new.total; the README lists them all".into(),
        };
        return Some(
            Diagnostic::error(
                "E004",
                format!("unknown cell `{}` in {}()", call.id, call.function),
            )
            .help(help),
        );
    };
    match call.function {
        "value" | "share" => None,
        "change" => {
            let previous = site.previous(year);
            match previous.and_then(|p| p.nianbao.as_ref()).and_then(|n| n.value(&call.id)) {
                None => Some(
                    Diagnostic::error(
                        "E011",
                        format!("change() of `{}`: the previous edition has no annual report", call.id),
                    )
                    .help("change() compares with last year's report; remove the call in a first report"),
                ),
                Some(p) if p == 0.0 && value != 0.0 => Some(
                    Diagnostic::error(
                        "E011",
                        format!("change() of `{}`: last year's figure is 0, a growth rate cannot be computed", call.id),
                    )
                    .help("give both years' figures with value() and words instead"),
                ),
                _ => None,
            }
        }
        f => Some(
            Diagnostic::error(
                "E080",
                format!("{f}() of `{}`: a cell of the annual report has no {f}", call.id),
            )
            .help("print a cell with value(), and its change against last year's report with change()"),
        ),
    }
}

/// Byte ranges of the code spans and code blocks of a Markdown text.
fn code_ranges(markdown: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    Parser::new_ext(markdown, options)
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}
