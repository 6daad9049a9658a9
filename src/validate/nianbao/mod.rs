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

mod prose;
mod sections;

use prose::prose_figures;
use sections::{copy_forward, deadline, Sections};

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

/// `d` placed at `span`, a byte range of the report's body (nianbao.md after its front matter).
fn in_body(site: &Site, nb: &Nianbao, d: Diagnostic, (s, e): (usize, usize)) -> Diagnostic {
    let start = nb.page.body_start;
    d.at_span(&site.sources, nb.page.file, start + s, start + e)
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
