//! 填报: the fill-in workbook a bureau's 科室 report their figures in, and the figures brought
//! back. `workbook` writes it (rust_xlsxwriter stays there), `read` turns a filled workbook
//! (calamine stays there) or a CSV saved from one sheet into cells with their places, `figure`
//! reads one cell as Excel leaves it (text-stored numbers, `1,264`, full-width digits, `3.3%`,
//! a trailing unit), `columns` finds a sheet's header row and columns, and `apply` matches
//! rows to the edition by id and edits indicators.yaml and nianbao.yaml in place, value
//! scalar by value scalar (`edit`).

pub(crate) mod apply;
mod columns;
mod edit;
mod figure;
pub(crate) mod read;
mod styles;
pub(crate) mod workbook;

use crate::diagnostic::Diagnostic;

/// The hidden sheet that says which edition of which site a workbook is for.
pub(crate) const META_SHEET: &str = "填报信息";
/// Its first cell: what made the workbook.
pub(crate) const META_MARK: &str = "gongkai 填报表";
/// The sheet of the annual report's cells.
pub(crate) const NIANBAO_SHEET: &str = "年度报告";
/// The header of the id column in every data sheet.
pub(crate) const ID_HEADER: &str = "指标编号";
pub(crate) const NOTE_HEADER: &str = "备注";
pub(crate) const COMPLETION_HEADER: &str = "完成率（%）";

pub(crate) fn value_header(year: i32) -> String {
    format!("{year}年数值")
}

pub(crate) fn target_header(year: i32) -> String {
    format!("{year}年目标")
}

/// A problem found in a workbook: a registered code, what is wrong, where (`sheet 就业工作!F5`
/// or `file.csv:12:6`) and how to fix it.
#[derive(Debug)]
pub(crate) struct Problem {
    pub diagnostic: Diagnostic,
    pub place: String,
}

impl Problem {
    pub fn new(
        code: &'static str,
        place: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Problem {
        Problem {
            diagnostic: Diagnostic::error(code, message).help(help),
            place: place.into(),
        }
    }

    /// As the diagnostic printer writes a located error, with the workbook place for the
    /// file. Text from the workbook (ids, sheet names) is printed with control and bidi
    /// characters escaped, as `check` prints source lines.
    pub fn render(&self) -> String {
        use crate::diagnostic::printable;
        let d = &self.diagnostic;
        let mut out = format!("error[{}]: {}\n", d.code, printable(&d.message));
        if !self.place.is_empty() {
            out.push_str(&format!("  --> {}\n", printable(&self.place)));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  = help: {}\n", printable(help)));
        }
        out
    }
}

/// The promise that nothing was written, then every problem.
pub(crate) fn render_problems(problems: &[Problem], kept: &str) -> String {
    let mut out = format!(
        "{} problem(s) in the workbook; nothing was written: {kept} is unchanged\n\n",
        problems.len()
    );
    for p in problems {
        out.push_str(&p.render());
        out.push('\n');
    }
    out
}
