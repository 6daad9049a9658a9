//! Rule 5: a figure written literally in the report's prose next to one of the tables'
//! phrases (新收…件, 予以公开…件, 行政复议…件 …) must be the table's, and so must a share written
//! right after it. Only what is certain is compared: one phrase per clause, and nothing that
//! makes the number a part, a change or an estimate.

use super::*;

/// What a phrase of the prose counts.
#[derive(Clone, Copy, PartialEq)]
enum Counted {
    /// The 总计 column of a row or group of 三, by key.
    Requests(&'static str),
    /// 行政复议.
    Review,
    /// 行政诉讼: direct and after review, or one of them when the clause says which.
    Litigation,
}

/// The table's phrases a count in the prose is written after. 予以公开 is not found inside
/// 部分公开 or 不予公开; 结转下年 covers 结转下年度.
const PHRASES: &[(&str, Counted)] = &[
    ("新收", Counted::Requests("new")),
    ("上年结转", Counted::Requests("carried_in")),
    ("予以公开", Counted::Requests("granted")),
    ("部分公开", Counted::Requests("partial")),
    ("不予公开", Counted::Requests("denied")),
    ("无法提供", Counted::Requests("unavailable")),
    ("不予处理", Counted::Requests("not_handled")),
    ("其他处理", Counted::Requests("other")),
    ("结转下年", Counted::Requests("carried_over")),
    ("办结", Counted::Requests("total")),
    ("办理完毕", Counted::Requests("total")),
    ("行政复议", Counted::Review),
    ("行政诉讼", Counted::Litigation),
];

/// Words that make a number after a phrase something other than its count: a change
/// (较上年增加3件), an estimate (约), a bound (超过).
const NOT_THE_COUNT: &[char] = &[
    '增', '减', '多', '少', '比', '较', '降', '升', '超', '约', '近', '逾', '余', '第', '前', '后',
];

/// Words of a clause that name one column: its count is not the 总计 the phrase means.
const COLUMN_WORDS: &[&str] = &[
    "自然人",
    "企业",
    "科研机构",
    "公益组织",
    "法律服务机构",
    "法人",
];

/// Rule 5: a count written after one of the table's phrases (本年新收申请12件) must be the
/// table's, and a share written right after it (占47.1%) the table's share. Only what is
/// certain is compared: a clause with one phrase, whose first number after it is followed by
/// 件 and nothing that makes it a part, a change or an estimate.
pub(super) fn prose_figures(site: &Site, nb: &Nianbao, diags: &mut Diagnostics) {
    let text = mask(&mask_comments(&nb.page.body));
    let at = |d: Diagnostic, span: (usize, usize)| in_body(site, nb, d, span);
    for count in counts(&text) {
        let (value, ids, label) = table_count(nb, count.counted, count.clause);
        let Some(value) = value else {
            continue;
        };
        if differs(count.written, value) {
            let print: Vec<String> = ids
                .iter()
                .map(|id| format!("{{{{ value(\"{id}\") }}}}"))
                .collect();
            diags.push(at(
                Diagnostic::error(
                    "E076",
                    format!(
                        "the prose says {}件, but the table's {label} is {value}",
                        &text[count.number.0..count.number.1]
                    ),
                )
                .help(format!(
                    "the table says {value}: print it with {} so prose and table cannot drift",
                    print.join(" and ")
                )),
                count.number,
            ));
        } else if let Counted::Requests(_) = count.counted {
            let sentence_end = text[count.end..]
                .find(['。', '；', ';', '\n'])
                .map_or(text.len(), |i| count.end + i);
            share(
                site,
                nb,
                value,
                label,
                &text[..sentence_end],
                count.end,
                diags,
            );
        }
    }
}

/// A count written in the prose after one of the table's phrases.
struct Count<'t> {
    counted: Counted,
    written: f64,
    /// Byte range of the number.
    number: (usize, usize),
    /// Where the count (with its 件) ends.
    end: usize,
    clause: &'t str,
}

/// The counts of a masked text that are certainly a phrase's: in a clause with one phrase, the
/// first number after it, followed by 件 and nothing that makes it a part (…件中), with no word
/// between that makes it a change or an estimate (较上年增加3件, 约), in a clause that names no
/// column (自然人…件).
fn counts(text: &str) -> Vec<Count<'_>> {
    let mut out = Vec::new();
    for (start, end) in clauses(text) {
        let clause = &text[start..end];
        let Some((phrase_end, counted)) = one_phrase(clause) else {
            continue;
        };
        if COLUMN_WORDS.iter().any(|w| clause.contains(w)) {
            continue;
        }
        let after = &clause[phrase_end..];
        let Some(reading) = numbers(after).into_iter().next() else {
            continue;
        };
        if after[..reading.start].contains(NOT_THE_COUNT) {
            continue;
        }
        let Some(rest) = after[reading.end..].trim_start().strip_prefix('件') else {
            continue;
        };
        let rest = rest.trim_start();
        if !(rest.is_empty()
            || rest.starts_with(['（', '(', '占'])
            || rest.starts_with("申请")
            || rest.starts_with("政府信息公开申请"))
        {
            continue;
        }
        let at = start + phrase_end;
        out.push(Count {
            counted,
            written: reading.value,
            number: (at + reading.start, at + reading.end),
            end: end - rest.len(),
            clause,
        });
    }
    out
}

/// Byte ranges of the clauses of `text`, split at ，。；;：and line ends; a ， between digits
/// groups thousands (1，264) and does not split.
fn clauses(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let thousands = c == '，'
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        if matches!(c, '，' | '。' | '；' | ';' | '：' | '\n') && !thousands {
            out.push((start, i));
            start = i + c.len_utf8();
        }
        prev = Some(c);
    }
    out.push((start, text.len()));
    out
}

/// The one phrase of a clause, as (end of the phrase in the clause, what it counts); None
/// when the clause has none, or several (予以公开及部分公开7件 is a sum the rule cannot check).
fn one_phrase(clause: &str) -> Option<(usize, Counted)> {
    let mut found: Option<(usize, Counted)> = None;
    for &(phrase, counted) in PHRASES {
        let mut hits = clause.match_indices(phrase);
        let Some((at, _)) = hits.next() else {
            continue;
        };
        if found.is_some() || hits.next().is_some() {
            return None;
        }
        found = Some((at + phrase.len(), counted));
    }
    found
}

/// The table's figure for a phrase in `clause`, with the ids that print it and its label.
fn table_count(nb: &Nianbao, counted: Counted, clause: &str) -> (Option<f64>, Vec<String>, String) {
    match counted {
        Counted::Requests(key) => {
            let id = format!("nb.requests.{key}.total");
            let label = match nb.groups.iter().find(|g| g.key == key) {
                Some(g) => format!("{} · 总计", g.label),
                None => nb
                    .request(key)
                    .map_or(key.to_string(), |r| format!("{} · 总计", short(&r.label))),
            };
            (nb.value(&id), vec![id], label)
        }
        Counted::Review => {
            let id = "nb.review.total".to_string();
            (nb.value(&id), vec![id], "行政复议 · 总计".into())
        }
        Counted::Litigation => {
            let direct = "nb.litigation.direct.total".to_string();
            let after = "nb.litigation.after_review.total".to_string();
            let says_direct = ["未经复议", "直接起诉", "直接提起"]
                .iter()
                .any(|w| clause.contains(w));
            let says_after = ["复议后", "经复议"].iter().any(|w| clause.contains(w));
            match (says_direct, says_after) {
                (true, false) => (
                    nb.value(&direct),
                    vec![direct],
                    "行政诉讼 · 未经复议直接起诉 · 总计".into(),
                ),
                (false, true) => (
                    nb.value(&after),
                    vec![after],
                    "行政诉讼 · 复议后起诉 · 总计".into(),
                ),
                (true, true) => (None, vec![], String::new()),
                (false, false) => (
                    nb.value(&direct).zip(nb.value(&after)).map(|(a, b)| a + b),
                    vec![direct, after],
                    "行政诉讼 (未经复议直接起诉 + 复议后起诉) · 总计".into(),
                ),
            }
        }
    }
}

/// A row's label without its note: "（二）部分公开" of "（二）部分公开（区分处理的，…）".
fn short(label: &str) -> &str {
    let numbered = numeral(label).len();
    let numbered = if numbered == label.len() { 0 } else { numbered };
    label[numbered..]
        .find('（')
        .map_or(label, |i| &label[..numbered + i])
}

/// A share written right after a count of table 三 (予以公开8件，占47.1%) against the table's:
/// the count over the requests handled (（七）总计) or over those to handle (一 + 二), within
/// the written decimals, rounded or cut.
fn share(
    site: &Site,
    nb: &Nianbao,
    count: f64,
    label: String,
    text: &str,
    from: usize,
    diags: &mut Diagnostics,
) {
    static SHARE: OnceLock<Regex> = OnceLock::new();
    let re = SHARE.get_or_init(|| {
        Regex::new(r"^[\s，,]*[（(]?\s*占[^\d%％，。；;：\n]{0,15}?(\d+(?:\.(\d+))?)\s*[%％]")
            .unwrap()
    });
    let Some(caps) = re.captures(&text[from..]) else {
        return;
    };
    let (Some(num), Ok(written)) = (caps.get(1), caps[1].parse::<f64>()) else {
        return;
    };
    let decimals = caps.get(2).map_or(0, |d| d.as_str().len()) as i32;
    let unit = 10f64.powi(-decimals);
    let handled = nb.value("nb.requests.total.total").unwrap_or(0.0);
    let to_handle = nb.value("nb.requests.new.total").unwrap_or(0.0)
        + nb.value("nb.requests.carried_in.total").unwrap_or(0.0);
    let denominators: Vec<f64> = [handled, to_handle]
        .into_iter()
        .filter(|&d| d > 0.0)
        .collect();
    if denominators.is_empty()
        || denominators
            .iter()
            .any(|d| (written - count / d * 100.0).abs() < unit - 1e-9)
    {
        return;
    }
    let exact = count / handled.max(1.0) * 100.0;
    let (s, e) = (from + num.start(), from + num.end());
    diags.push(
        Diagnostic::error(
            "E076",
            format!("the prose says {}%, but the table's {label} is {count} of {handled} handled", num.as_str()),
        )
        .at_span(
            &site.sources,
            nb.page.file,
            nb.page.body_start + s,
            nb.page.body_start + e,
        )
        .help(format!(
            "the table says {count} ÷ （七）总计 {handled} = {exact:.prec$}%: write that share, or correct the table",
            prec = decimals as usize
        )),
    );
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;

    /// The counts found, as (what they count, the number as written).
    fn found(text: &str) -> Vec<(&'static str, String)> {
        counts(text)
            .into_iter()
            .map(|c| {
                let what = match c.counted {
                    Counted::Requests(key) => key,
                    Counted::Review => "review",
                    Counted::Litigation => "litigation",
                };
                (what, text[c.number.0..c.number.1].to_string())
            })
            .collect()
    }

    #[test]
    fn a_count_is_read_only_where_it_is_certainly_the_phrase_s() {
        let certain = [
            ("本年共新收申请12件。", ("new", "12")),
            ("连同上年结转的2件，", ("carried_in", "2")),
            ("予以公开8件（占47.1%）", ("granted", "8")),
            ("结转下年度继续办理1件", ("carried_over", "1")),
            ("全年办结1，264件", ("total", "1，264")),
            ("行政复议１件", ("review", "１")),
            ("经复议后提起行政诉讼2件", ("litigation", "2")),
        ];
        for (text, (what, number)) in certain {
            assert_eq!(found(text), vec![(what, number.to_string())], "{text}");
        }
        let unsure = [
            "予以公开及部分公开7件",
            "新收申请较上年增加3件",
            "已办结的3件中",
            "新收2023年度申请12件",
            "新收申请约12件",
            "其中自然人新收10件",
            "新收申请12条",
            "新收申请12件次",
            "行政复议1件、行政诉讼0件",
            "全年办结率100%",
            "2021年本局承办区人大代表建议8件",
        ];
        for text in unsure {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
