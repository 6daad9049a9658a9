//! The columns of a data sheet, found by their headers: the row with the `指标编号` cell,
//! this year's `<year>年数值` beside it, and `<year>年目标`, `完成率…` and `备注` where they are.
//! A sheet whose headers say it is another year's (next year's grey reference column) or
//! that doubles a figure column is refused here, before any row is read.

use super::read::{Grid, Value};
use super::*;

/// The columns of a data sheet, found by their headers.
pub(super) struct Columns {
    pub header_row: usize,
    pub id: usize,
    pub value: usize,
    pub target: Option<usize>,
    pub completion: Option<usize>,
    pub note: Option<usize>,
}

/// A cell's text as the headers and ids are compared: trimmed, numbers as figures.
pub(super) fn text_of(v: &Value) -> String {
    match v {
        Value::Text(s) => s.trim().to_string(),
        Value::Number { value, .. } => super::figure::number(*value),
        _ => String::new(),
    }
}

/// The header row and columns of a data sheet; None for a sheet without an id column (the
/// instructions, a sheet the 科室 added).
pub(super) fn columns(grid: &Grid, year: i32, problems: &mut Vec<Problem>) -> Option<Columns> {
    let squash =
        |v: &Value| -> String { text_of(v).chars().filter(|c| !c.is_whitespace()).collect() };
    let (header_row, id) = (0..grid.rows.len().min(30)).find_map(|r| {
        grid.rows[r]
            .iter()
            .position(|v| squash(v) == ID_HEADER)
            .map(|c| (r, c))
    })?;
    let headers: Vec<String> = grid.rows[header_row].iter().map(squash).collect();
    let find = |want: &str| headers.iter().position(|h| h == want);
    let Some(value) = find(&value_header(year)) else {
        let years: Vec<&str> = headers
            .iter()
            .filter(|h| h.ends_with("年数值"))
            .map(String::as_str)
            .collect();
        problems.push(Problem::new(
            "E094",
            grid.place(header_row, id),
            format!("the sheet has no `{}` column (its figure columns: {})", value_header(year), if years.is_empty() { "none".to_string() } else { years.join(", ") }),
            format!("import a workbook exported for {year} (`gongkai export {year}`), with the header row as it was"),
        ));
        return None;
    };
    // Next year's sheet shows this year's figures as its grey reference column, under this
    // very header: read as the fill-in column it would put last year's figures back.
    let next = value_header(year + 1);
    let same: Vec<usize> = (0..headers.len())
        .filter(|&c| headers[c] == value_header(year))
        .collect();
    if find(&next).is_some() || same.len() > 1 {
        let (why, help) = if find(&next).is_some() {
            (
                format!("the sheet has a `{next}` column: it is {}'s sheet, whose `{}` column is only the grey reference", year + 1, value_header(year)),
                format!("import it as `gongkai import {} FILE`, or import the sheet exported for {year}", year + 1),
            )
        } else {
            (
                format!(
                    "the sheet has {} columns headed `{}` (one may be hidden)",
                    same.len(),
                    value_header(year)
                ),
                "keep one column under each header, as the export wrote it, and import again"
                    .to_string(),
            )
        };
        problems.push(Problem::new(
            "E094",
            grid.place(header_row, same[same.len() - 1]),
            why,
            help,
        ));
        return None;
    }
    Some(Columns {
        header_row,
        id,
        value,
        target: find(&target_header(year)),
        completion: headers.iter().position(|h| h.starts_with("完成率")),
        note: find(NOTE_HEADER),
    })
}

/// A CSV whose header holds `指标编号` run together with the other headers by `;` or a tab:
/// Excel writes `;` where the system's list separator is `;`, and such a file reads as one
/// column. Said as such, rather than as a file without a `指标编号` column.
pub(super) fn misseparated(grid: &Grid) -> Option<Problem> {
    if !grid.csv {
        return None;
    }
    (0..grid.rows.len().min(30)).find_map(|r| {
        grid.rows[r].iter().enumerate().find_map(|(c, v)| {
            let text = text_of(v);
            if !text.contains(ID_HEADER) {
                return None;
            }
            let separator = [";", "\t", "；"].into_iter().find(|s| text.contains(s))?;
            let shown = if separator == "\t" { "tabs".to_string() } else { format!("`{separator}`") };
            Some(Problem::new(
                "E094",
                grid.place(r, c),
                format!("the fields of {} are separated by {shown}, not by commas, so its header reads as one column", grid.name),
                "save the sheet again from Excel with 另存为 → CSV UTF-8 (逗号分隔) or CSV (逗号分隔), with commas between the fields, or import the workbook itself",
            ))
        })
    })
}
