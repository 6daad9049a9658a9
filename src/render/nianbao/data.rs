//! The annual report's cells as open data: CSV (UTF-8 with a BOM) and JSON, one record per
//! cell with its table, row and column as the official format labels them.

use crate::model::config::NumberStyle;
use crate::model::format;
use crate::model::nianbao::*;
use serde::Serialize;

/// Where a cell sits in the official tables, for the data files.
struct Place {
    table: &'static str,
    row: String,
    column: String,
}

fn places(nb: &Nianbao) -> Vec<(Place, String, f64)> {
    let mut out: Vec<(Place, f64)> = Vec::new();
    for ((_, label), cells) in DOCUMENT_ROWS.iter().zip(&nb.documents) {
        for (c, cell) in DOCUMENT_COLUMNS.iter().zip(cells) {
            out.push((
                Place {
                    table: "二",
                    row: label.to_string(),
                    column: c.label.into(),
                },
                cell.value,
            ));
        }
    }
    for (row, cell) in PROACTIVE_SINGLE.iter().zip(&nb.single) {
        out.push((
            Place {
                table: "二",
                row: row.1.into(),
                column: row.3.into(),
            },
            cell.value,
        ));
    }
    for row in &nb.requests {
        let label = match row.group {
            Some(g) => format!("{}{}", nb.groups[g].label, row.label),
            None => row.label.clone(),
        };
        for (c, cell) in REQUEST_COLUMNS.iter().zip(&row.cells) {
            out.push((
                Place {
                    table: "三",
                    row: label.clone(),
                    column: c.label.into(),
                },
                cell.value,
            ));
        }
    }
    for row in &nb.cases {
        let group = if row.key == "review" {
            "行政复议".to_string()
        } else {
            format!("行政诉讼·{}", row.label)
        };
        for (c, cell) in CASE_COLUMNS.iter().zip(&row.cells) {
            out.push((
                Place {
                    table: "四",
                    row: "案件数量".into(),
                    column: format!("{group}·{}", c.label),
                },
                cell.value,
            ));
        }
    }
    nb.cells()
        .zip(out)
        .map(|((id, _), (place, value))| (place, id, value))
        .collect()
}

const CSV_HEADER: [&str; 6] = ["year", "table", "row", "column", "id", "value"];

fn data_value(v: f64) -> String {
    format::number(v, None, &NumberStyle::default())
}

/// The cells of the reports as CSV (UTF-8 with a BOM), one row per cell.
pub(crate) fn csv(reports: &[(i32, &Nianbao)]) -> Vec<u8> {
    crate::render::data::csv_bytes(
        &CSV_HEADER,
        reports.iter().flat_map(|(year, nb)| {
            places(nb).into_iter().map(move |(p, id, v)| {
                vec![
                    year.to_string(),
                    p.table.into(),
                    p.row,
                    p.column,
                    id,
                    data_value(v),
                ]
            })
        }),
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    year: i32,
    format: u32,
    // json_bytes leaves out the control characters no published file holds (W013).
    title: &'a str,
    publisher: &'a str,
    published: String,
    cells: Vec<JsonCell>,
}

#[derive(Serialize)]
struct JsonCell {
    id: String,
    table: &'static str,
    row: String,
    column: String,
    value: crate::render::data::JsonNumber,
}

/// One report as JSON, its cells in table order.
pub(super) fn json_one(year: i32, nb: &Nianbao) -> Vec<u8> {
    crate::render::data::json_bytes(&json_report(year, nb))
}

/// Every report as a JSON list, oldest first.
pub(crate) fn json_all(reports: &[(i32, &Nianbao)]) -> Vec<u8> {
    let docs: Vec<JsonReport> = reports.iter().map(|(y, nb)| json_report(*y, nb)).collect();
    crate::render::data::json_bytes(&docs)
}

fn json_report(year: i32, nb: &Nianbao) -> JsonReport<'_> {
    JsonReport {
        year,
        format: nb.format,
        title: &nb.page.front.title,
        publisher: &nb.page.front.publisher,
        published: nb.page.front.published.to_string(),
        cells: places(nb)
            .into_iter()
            .map(|(p, id, v)| JsonCell {
                id,
                table: p.table,
                row: p.row,
                column: p.column,
                value: crate::render::data::JsonNumber(v),
            })
            .collect(),
    }
}
