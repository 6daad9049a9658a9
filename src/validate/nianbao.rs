//! Rules over an edition's annual disclosure report (政府信息公开工作年度报告): the arithmetic of
//! the official tables (rules 1–4), figures written into its prose that contradict them (rule
//! 5), the link to last year's report (rules 7–8 and copy-forward), its six sections and its
//! legal deadline. Rule 6 (a count is a whole number, 0 or more) is the loader's.
//!
//! Each relation is checked once, where the official format states it (rule 1 and 2 per
//! column, rule 3 per row), and reported at the one cell a reader of the table corrects first:
//! so one wrong figure gives one error per relation it breaks, not one per cell it touches.

use super::narrative::mask;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::top_level_value;
use crate::model::nianbao::{
    Cell, Nianbao, RequestRow, CASE_COLUMNS, DOCUMENT_ROWS, REQUEST_COLUMNS, SECTIONS,
};
use crate::model::{Edition, Site};
use crate::narrative::scan_calls;
use crate::narrative::withheld::{mask_comments, numbers};
use crate::source::FileId;
use regex::Regex;
use std::sync::OnceLock;

/// The article that sets the deadline and the content of the report.
const ARTICLE_49: &str = "《政府信息公开条例》第四十九条";

pub(super) fn check_edition(site: &Site, edition: &Edition, diags: &mut Diagnostics) {
    let Some(nb) = &edition.nianbao else {
        return;
    };
    let last = site
        .previous(edition.year)
        .and_then(|p| p.nianbao.as_ref().map(|n| (p.year, n)));
    let t = Tables { site, nb };
    t.columns_balance(diags);
    t.columns_add_up(diags);
    t.rows_add_up(diags);
    t.cases_add_up(diags);
    if let Some((year, last)) = last {
        t.carried_in(year, last, diags);
        t.in_force(year, last, diags);
    }
    prose_figures(site, nb, diags);
    let sections = Sections::of(&nb.page.body);
    sections.check_order(site, nb, diags);
    deadline(site, edition.year, nb, diags);
    if let Some((year, last)) = last {
        copy_forward(site, &sections, nb, year, last, diags);
    }
}

/// Whether two counts differ. Counts are whole numbers, exact in f64; the tolerance only keeps
/// a sum of decimals (never in these rules) from telling a false story.
fn differs(a: f64, b: f64) -> bool {
    (a - b).abs() > 1e-9
}

/// `a + b + c = s`, or just `a` for one term.
fn sum_text(values: &[f64]) -> (String, f64) {
    let sum: f64 = values.iter().sum();
    let terms: Vec<String> = values.iter().map(f64::to_string).collect();
    if values.len() == 1 {
        (terms[0].clone(), sum)
    } else {
        (format!("{} = {sum}", terms.join(" + ")), sum)
    }
}

/// `path:line` of a byte offset.
fn place(site: &Site, file: FileId, offset: usize) -> String {
    let src = site.sources.get(file);
    format!(
        "{}:{}",
        src.path.to_string_lossy().replace('\\', "/"),
        src.line_col(offset).0
    )
}

/// The short numeral of a group's label: "（三）" of "（三）不予公开".
fn numeral(label: &str) -> &str {
    label
        .find('）')
        .map_or(label, |i| &label[..i + '）'.len_utf8()])
}

struct Tables<'a> {
    site: &'a Site,
    nb: &'a Nianbao,
}

impl Tables<'_> {
    fn at(&self, d: Diagnostic, cell: &Cell) -> Diagnostic {
        d.at_span(
            &self.site.sources,
            self.nb.data_file,
            cell.span.0,
            cell.span.1,
        )
    }

    fn row(&self, key: &str) -> Option<&RequestRow> {
        self.nb.request(key)
    }

    /// A row of 三 by its full official label: an item with its group's ("（三）不予公开 4.…").
    fn row_label(&self, row: &RequestRow) -> String {
        match row.group.and_then(|g| self.nb.groups.get(g)) {
            Some(group) => format!("{} {}", group.label, row.label),
            None => row.label.clone(),
        }
    }

    /// Rule 1, per column of 三: 一 + 二 = 三（七） + 四. Reported at 四, the row computed last.
    fn columns_balance(&self, diags: &mut Diagnostics) {
        let (Some(new), Some(carried_in), Some(total), Some(carried_over)) = (
            self.row("new"),
            self.row("carried_in"),
            self.row("total"),
            self.row("carried_over"),
        ) else {
            return;
        };
        for (c, column) in REQUEST_COLUMNS.iter().enumerate() {
            let (came, came_sum) = sum_text(&[new.cells[c].value, carried_in.cells[c].value]);
            let (went, went_sum) = sum_text(&[total.cells[c].value, carried_over.cells[c].value]);
            if !differs(came_sum, went_sum) {
                continue;
            }
            diags.push(self.at(
                Diagnostic::error(
                    "E072",
                    format!(
                        "table 三, column {}: 一 + 二 ≠ 三（七） + 四 (`nb.requests.carried_over.{}`, {} · {}, is {})",
                        column.label, column.key, carried_over.label, column.label, carried_over.cells[c].value
                    ),
                )
                .help(format!(
                    "一 + 二 = {came}, but 三（七） + 四 = {went}: in every column, 本年新收 + 上年结转 = 办理结果总计 + 结转下年度 (本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和); correct whichever of the four figures is wrong"
                )),
                &carried_over.cells[c],
            ));
        }
    }

    /// Rule 2, per column of 三: （七）总计 = （一） + （二） + the items of （三）–（六).
    fn columns_add_up(&self, diags: &mut Diagnostics) {
        let (Some(granted), Some(partial), Some(total)) =
            (self.row("granted"), self.row("partial"), self.row("total"))
        else {
            return;
        };
        for (c, column) in REQUEST_COLUMNS.iter().enumerate() {
            let mut names = vec!["（一）", "（二）"];
            let mut values = vec![granted.cells[c].value, partial.cells[c].value];
            for (g, group) in self.nb.groups.iter().enumerate() {
                names.push(numeral(group.label));
                values.push(self.nb.group_sum(g, c));
            }
            let (parts, sum) = sum_text(&values);
            let written = total.cells[c].value;
            if !differs(sum, written) {
                continue;
            }
            diags.push(self.at(
                Diagnostic::error(
                    "E073",
                    format!(
                        "table 三, column {}: （七）总计 is {written}, but the results （一）–（六） add up to {sum} (`nb.requests.total.{}`)",
                        column.label, column.key
                    ),
                )
                .help(format!(
                    "{} = {parts}, but （七）总计 = {written}: correct the total, or the result row that is wrong in this column",
                    names.join(" + ")
                )),
                &total.cells[c],
            ));
        }
    }

    /// Rule 3, per row of 三: 总计 = 自然人 + the five 法人或其他组织 columns.
    fn rows_add_up(&self, diags: &mut Diagnostics) {
        let last = REQUEST_COLUMNS.len() - 1;
        let names: Vec<&str> = REQUEST_COLUMNS[..last].iter().map(|c| c.label).collect();
        for row in &self.nb.requests {
            let values: Vec<f64> = row.cells[..last].iter().map(|c| c.value).collect();
            let (parts, sum) = sum_text(&values);
            let written = row.cells[last].value;
            if !differs(sum, written) {
                continue;
            }
            diags.push(self.at(
                Diagnostic::error(
                    "E074",
                    format!(
                        "table 三, row {}: 总计 is {written}, but the applicant columns add up to {sum} (`nb.requests.{}.total`)",
                        self.row_label(row),
                        row.key
                    ),
                )
                .help(format!(
                    "{} = {parts}, but 总计 = {written}: correct the total, or the column that is wrong in this row",
                    names.join(" + ")
                )),
                &row.cells[last],
            ));
        }
    }

    /// Rule 4, per group of 四: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
    fn cases_add_up(&self, diags: &mut Diagnostics) {
        let last = CASE_COLUMNS.len() - 1;
        let names: Vec<&str> = CASE_COLUMNS[..last].iter().map(|c| c.label).collect();
        for row in &self.nb.cases {
            let values: Vec<f64> = row.cells[..last].iter().map(|c| c.value).collect();
            let (parts, sum) = sum_text(&values);
            let written = row.cells[last].value;
            if !differs(sum, written) {
                continue;
            }
            let kind = if row.key == "review" {
                row.label.to_string()
            } else {
                format!("行政诉讼 · {}", row.label)
            };
            diags.push(self.at(
                Diagnostic::error(
                    "E075",
                    format!(
                        "table 四, {kind}: 总计 is {written}, but the results add up to {sum} (`nb.{}.total`)",
                        row.key
                    ),
                )
                .help(format!(
                    "{} = {parts}, but 总计 = {written}: every case is counted under one result, or as 尚未审结",
                    names.join(" + ")
                )),
                &row.cells[last],
            ));
        }
    }

    /// Rule 7, per column: this year's 二、上年结转 is last year's 四、结转下年度继续办理.
    fn carried_in(&self, year: i32, last: &Nianbao, diags: &mut Diagnostics) {
        let (Some(now), Some(then)) = (self.row("carried_in"), last.request("carried_over")) else {
            return;
        };
        for (c, column) in REQUEST_COLUMNS.iter().enumerate() {
            let (written, carried) = (now.cells[c].value, then.cells[c].value);
            if !differs(written, carried) {
                continue;
            }
            diags.push(self.at(
                Diagnostic::error(
                    "E077",
                    format!(
                        "table 三, column {}: 二、上年结转 is {written}, but the {year} report carried {carried} over (`nb.requests.carried_in.{}`)",
                        column.label, column.key
                    ),
                )
                .help(format!(
                    "{} has 四、结转下年度继续办理 · {} = {carried}: what last year carried over is what this year carries in; write {carried}, or correct last year's figure",
                    place(self.site, last.data_file, then.cells[c].span.0),
                    column.label
                )),
                &now.cells[c],
            ));
        }
    }

    /// Rule 8, for 规章 and 行政规范性文件: 现行有效 = last year's + 本年制发 − 本年废止.
    fn in_force(&self, year: i32, last: &Nianbao, diags: &mut Diagnostics) {
        for (r, (key, label)) in DOCUMENT_ROWS.iter().enumerate() {
            let [issued, repealed, in_force] = &self.nb.documents[r];
            let before = &last.documents[r][2];
            let expected = before.value + issued.value - repealed.value;
            if !differs(expected, in_force.value) {
                continue;
            }
            diags.push(self.at(
                Diagnostic::error(
                    "E078",
                    format!(
                        "table 二, {label}: 现行有效件数 is {}, but {year}'s {} + 本年制发 {} − 本年废止 {} = {expected} (`nb.proactive.{key}.in_force`)",
                        in_force.value, before.value, issued.value, repealed.value
                    ),
                )
                .help(format!(
                    "{} has {year}'s 现行有效件数 = {}; {} + {} − {} = {expected}, but 现行有效件数 = {}: correct the figure that is wrong (a document counts as 制发 or 废止 in the year it was issued or repealed)",
                    place(self.site, last.data_file, before.span.0),
                    before.value,
                    before.value,
                    issued.value,
                    repealed.value,
                    in_force.value
                )),
                in_force,
            ));
        }
    }
}

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
fn prose_figures(site: &Site, nb: &Nianbao, diags: &mut Diagnostics) {
    let text = mask(&mask_comments(&nb.page.body));
    let at = |d: Diagnostic, (s, e): (usize, usize)| {
        d.at_span(
            &site.sources,
            nb.page.file,
            nb.page.body_start + s,
            nb.page.body_start + e,
        )
    };
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

/// A level-2 heading of nianbao.md: which of the six sections its numeral names (if any),
/// the byte range of its line in the body, and where its section's text ends.
struct Heading {
    section: Option<usize>,
    line: (usize, usize),
    text_end: usize,
}

/// The level-2 headings of a report's body (code, comments and template tags masked).
struct Sections {
    headings: Vec<Heading>,
}

impl Sections {
    fn of(body: &str) -> Sections {
        let masked = mask(&mask_comments(body));
        let mut headings: Vec<Heading> = Vec::new();
        let mut offset = 0;
        for line in masked.split_inclusive('\n') {
            let content = line.trim_end();
            if let Some(title) = content.strip_prefix("## ") {
                let title = title.trim_start();
                let section = SECTIONS
                    .iter()
                    .position(|(n, _)| title.starts_with(&format!("{n}、")));
                if let Some(previous) = headings.last_mut() {
                    previous.text_end = offset;
                }
                headings.push(Heading {
                    section,
                    line: (offset, offset + content.len()),
                    text_end: body.len(),
                });
            }
            offset += line.len();
        }
        Sections { headings }
    }

    /// The first heading of section `s`.
    fn find(&self, s: usize) -> Option<&Heading> {
        self.headings.iter().find(|h| h.section == Some(s))
    }

    /// E079: the six sections, each once, in order. Headings that keep the order are those of
    /// the longest run in order; any other is misplaced, and a missing one is reported where
    /// it belongs: at the next section's heading, or at the end of the body.
    fn check_order(&self, site: &Site, nb: &Nianbao, diags: &mut Diagnostics) {
        let numbered: Vec<(usize, &Heading)> = self
            .headings
            .iter()
            .filter_map(|h| h.section.map(|s| (s, h)))
            .collect();
        let kept = longest_in_order(&numbered.iter().map(|(s, _)| *s).collect::<Vec<_>>());
        let body = &nb.page.body;
        let at = |d: Diagnostic, (s, e): (usize, usize)| {
            d.at_span(
                &site.sources,
                nb.page.file,
                nb.page.body_start + s,
                nb.page.body_start + e,
            )
        };
        let heading = |s: usize| format!("## {}、{}", SECTIONS[s].0, SECTIONS[s].1);
        let all: Vec<String> = (0..SECTIONS.len()).map(heading).collect();
        for s in 0..SECTIONS.len() {
            if numbered.iter().any(|(n, _)| *n == s) {
                continue;
            }
            let next = kept
                .iter()
                .map(|&k| numbered[k])
                .find(|(n, _)| *n > s)
                .map(|(_, h)| h.line);
            let end = body.trim_end().len();
            let last_line = body[..end].rfind('\n').map_or(0, |i| i + 1);
            let (span, where_) = match next {
                Some(line) => (line, "before this heading"),
                None => ((last_line, end), "after this, the last line of the report"),
            };
            diags.push(at(
                Diagnostic::error(
                    "E079",
                    format!("the annual report lacks its section `{}`", heading(s)),
                )
                .help(format!(
                    "add `{}` {where_}: every report has the six sections of the uniform format, in order: {}",
                    heading(s),
                    all.join(" · ")
                )),
                span,
            ));
        }
        for (k, (s, h)) in numbered.iter().enumerate() {
            if kept.contains(&k) {
                continue;
            }
            let twice = numbered[..k].iter().any(|(n, _)| n == s);
            let message = if twice {
                format!("a second `## {}、…` heading", SECTIONS[*s].0)
            } else {
                format!("section `## {}、…` is out of order", SECTIONS[*s].0)
            };
            diags.push(at(
                Diagnostic::error("E079", message).help(format!(
                    "the six sections come once each, in this order: {}",
                    all.join(" · ")
                )),
                h.line,
            ));
        }
    }
}

/// Indices into `seq` of its longest strictly increasing subsequence (the first of equals).
fn longest_in_order(seq: &[usize]) -> Vec<usize> {
    let n = seq.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![None; n];
    for i in 0..n {
        for j in 0..i {
            if seq[j] < seq[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = Some(j);
            }
        }
    }
    let Some(mut i) = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut out = vec![i];
    while let Some(p) = prev[i] {
        out.push(p);
        i = p;
    }
    out.reverse();
    out
}

/// W070: `published` after the legal deadline (art. 49): 31 January of the next year for a
/// department, 31 March for a government.
fn deadline(site: &Site, year: i32, nb: &Nianbao, diags: &mut Diagnostics) {
    let agency = site.config.agency;
    let (month, day) = agency.deadline();
    let due = crate::date::Date {
        year: year + 1,
        month,
        day,
    };
    let published = nb.page.front.published;
    if published <= due {
        return;
    }
    let text = &site.sources.get(nb.page.file).text;
    let (s, e) = top_level_value(text, "published").unwrap_or((0, 3));
    let who = match agency {
        crate::model::config::Agency::Department => "a department (县级以上人民政府部门)",
        crate::model::config::Agency::Government => "a government (县级以上地方人民政府)",
    };
    diags.push(
        Diagnostic::warning(
            "W070",
            format!("the {year} annual report is published {published}, after its deadline {due}"),
        )
        .at_span(&site.sources, nb.page.file, s, e)
        .help(format!(
            "{ARTICLE_49}: {who} publishes the previous year's report by {}月{}日 ({due}); keep the true date if it was late. `agency:` in site.yaml says which deadline applies (department: 1月31日, government: 3月31日)",
            month, day
        )),
    );
}

/// W071: a section word for word last year's (whitespace aside, and with value() calls read
/// as the figures they print, so a sentence that prints this year's figures is not a copy).
/// In 二、三、四 gongkai adds the tables, so only the prose written there is compared; an empty
/// section is nobody's copy.
fn copy_forward(
    site: &Site,
    sections: &Sections,
    nb: &Nianbao,
    year: i32,
    last: &Nianbao,
    diags: &mut Diagnostics,
) {
    let before = Sections::of(&last.page.body);
    for (s, (n, title)) in SECTIONS.iter().enumerate() {
        let (Some(now), Some(then)) = (sections.find(s), before.find(s)) else {
            continue;
        };
        let text_now = section_text(nb, now);
        if text_now.is_empty() || text_now != section_text(last, then) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                "W071",
                format!("section {n}、{title} is word for word the {year} report's"),
            )
            .at_span(
                &site.sources,
                nb.page.file,
                nb.page.body_start + now.line.0,
                nb.page.body_start + now.line.1,
            )
            .help(format!(
                "{} has the same text: report this year's work, problems and improvements (third-party evaluations count a report copied from earlier years against the agency)",
                place(site, last.page.file, last.page.body_start + then.line.0)
            )),
        );
    }
}

/// A section's text as a reader gets it, whitespace-normalised: comments dropped, and each
/// value() of a cell replaced by the figure it prints.
fn section_text(nb: &Nianbao, heading: &Heading) -> String {
    let body = mask_comments(&nb.page.body);
    let text = &body[heading.line.1.min(heading.text_end)..heading.text_end];
    let mut out = String::new();
    let mut from = 0;
    for call in scan_calls(text) {
        out.push_str(&text[from..call.start]);
        match (call.function, nb.value(&call.id)) {
            ("value", Some(v)) => out.push_str(&v.to_string()),
            _ => out.push_str(&text[call.start..call.end]),
        }
        from = call.end;
    }
    out.push_str(&text[from..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

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

    #[test]
    fn the_sections_kept_are_the_longest_run_in_order() {
        assert_eq!(
            longest_in_order(&[0, 1, 2, 3, 4, 5]),
            vec![0, 1, 2, 3, 4, 5]
        );
        assert_eq!(longest_in_order(&[0, 2, 1, 3, 4, 5]), vec![0, 1, 3, 4, 5]);
        assert_eq!(longest_in_order(&[0, 1, 1, 2]), vec![0, 1, 3]);
        assert!(longest_in_order(&[]).is_empty());
    }
}
