//! The official tables of the annual report as HTML: table 二's four small tables, table 三
//! with the format's merged header cells and the 勾稽关系 header text, and table 四. Every cell
//! of the merged tables lists its row and column headings in `headers`, for a screen reader.

use crate::html::escape::escape_html;
use crate::model::config::NumberStyle;
use crate::model::format;
use crate::model::nianbao::*;

fn num(v: f64, style: &NumberStyle) -> String {
    format::number(v, None, style)
}

/// Table 二: four small tables, one per article item, as the format lays them out.
pub(super) fn table_two(nb: &Nianbao, style: &NumberStyle) -> String {
    let mut s = String::new();
    let mut table = |id: &str, caption: &str, columns: &[&str], rows: Vec<(&str, Vec<f64>)>| {
        s.push_str(&format!(
            "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\">\n<table class=\"nianbao nb-proactive\">\n<caption id=\"{id}\">{}</caption>\n<thead><tr><th scope=\"col\">信息内容</th>",
            escape_html(caption)
        ));
        for c in columns {
            s.push_str(&format!(
                "<th scope=\"col\" class=\"num\">{}</th>",
                escape_html(c)
            ));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (label, values) in rows {
            s.push_str(&format!(
                "<tr><th scope=\"row\">{}</th>",
                escape_html(label)
            ));
            for v in values {
                s.push_str(&format!("<td class=\"num\">{}</td>", num(v, style)));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>\n</div>\n");
    };
    let doc_cols: Vec<&str> = DOCUMENT_COLUMNS.iter().map(|c| c.label).collect();
    table(
        "nb-t2-1",
        "第二十条第（一）项",
        &doc_cols,
        DOCUMENT_ROWS
            .iter()
            .zip(&nb.documents)
            .map(|((_, l), cells)| (*l, cells.iter().map(|c| c.value).collect()))
            .collect(),
    );
    let single = |i: usize| (PROACTIVE_SINGLE[i].1, vec![nb.single[i].value]);
    table(
        "nb-t2-5",
        PROACTIVE_SINGLE[0].2,
        &[PROACTIVE_SINGLE[0].3],
        vec![single(0)],
    );
    table(
        "nb-t2-6",
        PROACTIVE_SINGLE[1].2,
        &[PROACTIVE_SINGLE[1].3],
        vec![single(1), single(2)],
    );
    table(
        "nb-t2-8",
        PROACTIVE_SINGLE[3].2,
        &[PROACTIVE_SINGLE[3].3],
        vec![single(3)],
    );
    s
}

/// The 勾稽关系 text the format prints in the header cell of table 三's label columns.
pub const REQUEST_RULE_TEXT: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// Table 三 with the format's merged cells: three label columns (part, group, item) under
/// one header cell, the applicant columns under 申请人情况 and 法人或其他组织.
pub(super) fn table_three(nb: &Nianbao, style: &NumberStyle) -> String {
    let mut s = String::from(
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"nb-t3\" tabindex=\"0\">\n<table class=\"nianbao nb-requests\">\n<caption id=\"nb-t3\">收到和处理政府信息公开申请情况</caption>\n<thead>\n",
    );
    s.push_str(&format!(
        "<tr><th id=\"nb-t3-rule\" rowspan=\"3\" colspan=\"3\" scope=\"col\" class=\"rule\">{}</th><th id=\"nb-t3-applicant\" colspan=\"7\" scope=\"colgroup\">申请人情况</th></tr>\n",
        REQUEST_RULE_TEXT
    ));
    let col_id = |c: usize| format!("nb-t3-c-{}", REQUEST_COLUMNS[c].key);
    s.push_str(&format!(
        "<tr><th id=\"{}\" rowspan=\"2\" headers=\"nb-t3-applicant\" class=\"num\">{}</th><th id=\"nb-t3-org\" colspan=\"5\" headers=\"nb-t3-applicant\" scope=\"colgroup\">法人或其他组织</th><th id=\"{}\" rowspan=\"2\" headers=\"nb-t3-applicant\" class=\"num\">{}</th></tr>\n<tr>",
        col_id(0),
        REQUEST_COLUMNS[0].label,
        col_id(6),
        REQUEST_COLUMNS[6].label
    ));
    for (c, column) in REQUEST_COLUMNS.iter().enumerate().take(6).skip(1) {
        s.push_str(&format!(
            "<th id=\"{}\" headers=\"nb-t3-applicant nb-t3-org\" class=\"num\">{}</th>",
            col_id(c),
            column.label
        ));
    }
    s.push_str("</tr>\n</thead>\n<tbody>\n");
    let column_headers = |c: usize| match c {
        0 | 6 => format!("nb-t3-applicant {}", col_id(c)),
        _ => format!("nb-t3-applicant nb-t3-org {}", col_id(c)),
    };
    // 三、本年度办理结果 spans every row from （一） to （七）.
    let results_rows = nb
        .requests
        .iter()
        .filter(|r| !matches!(r.key.as_str(), "new" | "carried_in" | "carried_over"))
        .count();
    let mut group_open: Option<usize> = None;
    for (i, row) in nb.requests.iter().enumerate() {
        let row_id = format!("nb-t3-r-{}", row.key.replace('.', "-"));
        let mut row_headers = vec![row_id.clone()];
        s.push_str("<tr>");
        match row.key.as_str() {
            "new" | "carried_in" | "carried_over" => {
                s.push_str(&format!(
                    "<th id=\"{row_id}\" colspan=\"3\" scope=\"row\">{}</th>",
                    escape_html(&row.label)
                ));
            }
            _ => {
                if row.key == "granted" {
                    s.push_str(&format!(
                        "<th id=\"nb-t3-results\" rowspan=\"{results_rows}\" scope=\"rowgroup\" class=\"part\">三、本年度办理结果</th>"
                    ));
                }
                row_headers.insert(0, "nb-t3-results".into());
                match row.group {
                    Some(g) => {
                        let group = &nb.groups[g];
                        let group_id = format!("nb-t3-g-{}", group.key);
                        if group_open != Some(g) {
                            group_open = Some(g);
                            let span = nb.requests[i..]
                                .iter()
                                .take_while(|r| r.group == Some(g))
                                .count();
                            s.push_str(&format!(
                                "<th id=\"{group_id}\" rowspan=\"{span}\" headers=\"nb-t3-results\" scope=\"rowgroup\">{}</th>",
                                escape_html(group.label)
                            ));
                        }
                        row_headers.insert(1, group_id.clone());
                        s.push_str(&format!(
                            "<th id=\"{row_id}\" headers=\"nb-t3-results {group_id}\" scope=\"row\">{}</th>",
                            escape_html(&row.label)
                        ));
                    }
                    None => s.push_str(&format!(
                        "<th id=\"{row_id}\" colspan=\"2\" headers=\"nb-t3-results\" scope=\"row\">{}</th>",
                        escape_html(&row.label)
                    )),
                }
            }
        }
        for (c, cell) in row.cells.iter().enumerate() {
            s.push_str(&format!(
                "<td headers=\"{} {}\" class=\"num\">{}</td>",
                row_headers.join(" "),
                column_headers(c),
                num(cell.value, style)
            ));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</div>\n");
    s
}

/// Table 四: 行政复议 and the two kinds of 行政诉讼, five columns each, one row of figures.
pub(super) fn table_four(nb: &Nianbao, style: &NumberStyle) -> String {
    let mut s = String::from(
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"nb-t4\" tabindex=\"0\">\n<table class=\"nianbao nb-cases\">\n<caption id=\"nb-t4\">政府信息公开行政复议、行政诉讼情况（单位：件）</caption>\n<thead>\n",
    );
    s.push_str("<tr><th id=\"nb-t4-review\" colspan=\"5\" scope=\"colgroup\">行政复议</th><th id=\"nb-t4-litigation\" colspan=\"10\" scope=\"colgroup\">行政诉讼</th></tr>\n<tr>");
    for (c, column) in CASE_COLUMNS.iter().enumerate() {
        s.push_str(&format!(
            "<th id=\"nb-t4-review-{c}\" rowspan=\"2\" headers=\"nb-t4-review\" class=\"num\">{}</th>",
            case_heading(column)
        ));
    }
    for (key, _, label) in &CASE_ROWS[1..] {
        s.push_str(&format!(
            "<th id=\"nb-t4-{}\" colspan=\"5\" headers=\"nb-t4-litigation\" scope=\"colgroup\">{label}</th>",
            key.replace('.', "-")
        ));
    }
    s.push_str("</tr>\n<tr>");
    for (key, ..) in &CASE_ROWS[1..] {
        let group = format!("nb-t4-{}", key.replace('.', "-"));
        for (c, column) in CASE_COLUMNS.iter().enumerate() {
            s.push_str(&format!(
                "<th id=\"{group}-{c}\" headers=\"nb-t4-litigation {group}\" class=\"num\">{}</th>",
                case_heading(column)
            ));
        }
    }
    s.push_str("</tr>\n</thead>\n<tbody>\n<tr>");
    for (r, row) in nb.cases.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            let headers = match r {
                0 => format!("nb-t4-review nb-t4-review-{c}"),
                _ => {
                    let group = format!("nb-t4-{}", row.key.replace('.', "-"));
                    format!("nb-t4-litigation {group} {group}-{c}")
                }
            };
            s.push_str(&format!(
                "<td headers=\"{headers}\" class=\"num\">{}</td>",
                num(cell.value, style)
            ));
        }
    }
    s.push_str("</tr>\n</tbody>\n</table>\n</div>\n");
    s
}

/// A column heading of table 四, which may break only between its two words ("结果<wbr>维持"):
/// fifteen columns share the width, and the theme keeps CJK words whole there.
fn case_heading(column: &Column) -> String {
    let chars: Vec<char> = column.label.chars().collect();
    if chars.len() != 4 {
        return escape_html(column.label);
    }
    let (first, second): (String, String) =
        (chars[..2].iter().collect(), chars[2..].iter().collect());
    format!("{}<wbr>{}", escape_html(&first), escape_html(&second))
}
