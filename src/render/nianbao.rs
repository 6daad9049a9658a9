//! The annual disclosure report's page (`<year>/nianbao.html`): the narrative with the official
//! tables of sections 二, 三 and 四 set at the end of their sections, its charts, and the
//! report's cells as CSV and JSON.
//!
//! The tables are written here rather than in a theme template: their structure is fixed by
//! the uniform format (merged header cells, the 勾稽关系 header text), and every cell's
//! `headers` list must name its row and column headings for a screen reader. Themes style
//! them through their classes.

use super::page::{head, render_narrative, render_page};
use super::view::{self, ArticleMeta, Link};
use super::{Ctx, Files};
use crate::chart::{HistoryChart, HistoryPoint, SeriesChart};
use crate::diagnostic::Diagnostic;
use crate::html::escape::escape_html;
use crate::model::config::NumberStyle;
use crate::model::format;
use crate::model::nianbao::*;
use crate::model::Edition;
use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

/// The page's path in the output.
pub(crate) fn page_path(year: i32) -> String {
    format!("{year}/{PAGE}")
}

/// The report's page, its charts and data files.
pub(super) fn render_nianbao(
    ctx: &Ctx,
    edition: &Edition,
    nb: &Nianbao,
    edition_value: &Value,
    crumbs: Vec<Link>,
) -> Result<(Files, Vec<Diagnostic>), Vec<Diagnostic>> {
    let year = edition.year;
    let (n, charts) = body(ctx, edition, nb).map_err(|d| vec![d])?;
    let body = n.html;
    let front = &nb.page.front;
    let path = page_path(year);
    let trend = trend_rows(ctx, edition);
    let doc = context! {
        title => front.title.clone(),
        published => front.published.chinese(),
        meta => Value::from(Serde(view::report_meta_rows(front))),
        csv => format!("{year}/nianbao.csv"),
        json => format!("{year}/nianbao.json"),
        trend => Value::from(Serde(&trend)),
        trend_charts => Value::from(Serde(charts.iter().filter(|c| c.trend).collect::<Vec<_>>())),
    };
    let body = Value::from_safe_string(body);
    let toc = Value::from(Serde(view::toc(&n.headings)));
    let mut files = render_page(
        ctx,
        "nianbao.html",
        &path,
        |care| {
            head(
                ctx,
                care,
                &front.title,
                &path,
                Some(ArticleMeta {
                    title: front.title.clone(),
                    pub_date: front.published.to_string(),
                    source: front.publisher.clone(),
                }),
                crumbs.clone(),
            )
        },
        |page| {
            context! {
                site => ctx.site_view.clone(),
                page,
                edition => edition_value.clone(),
                doc => doc.clone(),
                body => body.clone(),
                toc => toc.clone(),
            }
        },
    )
    .map_err(|d| vec![d])?;
    for c in charts {
        files.push((format!("{year}/{}", c.src), c.svg.into_bytes()));
    }
    files.push((format!("{year}/nianbao.csv"), csv(&[(year, nb)])));
    files.push((format!("{year}/nianbao.json"), json_one(year, nb)));
    Ok((files, n.problems))
}

/// The report's narrative with the tables and this year's charts in place (HTML relative to
/// the edition folder), and every chart of the page: the site's page and the column-mode
/// fragment show the same body.
pub(crate) fn body(
    ctx: &Ctx,
    edition: &Edition,
    nb: &Nianbao,
) -> Result<(super::page::Narrative, Vec<Chart>), Diagnostic> {
    let mut n = render_narrative(ctx, edition, nb.page.file)?;
    let charts = charts(ctx, edition, nb);
    n.html = with_tables(&n.html, &n.headings, nb, &ctx.site.config.numbers, &charts);
    Ok((n, charts))
}

/// A chart of the page: where it is written, what it says, and its SVG.
#[derive(Debug, Serialize)]
pub(crate) struct Chart {
    src: String,
    alt: String,
    caption: String,
    /// A year-over-year chart (shown after the six sections), or one of this year's.
    trend: bool,
    #[serde(skip)]
    svg: String,
    /// The table the chart sits after: 3 for table 三.
    #[serde(skip)]
    after_table: u8,
}

fn charts(ctx: &Ctx, edition: &Edition, nb: &Nianbao) -> Vec<Chart> {
    let year = edition.year;
    let style = &ctx.site.config.numbers;
    let mut out = Vec::new();
    // Each point is (full label for the description, label under its bar, value).
    let bars = |title: &str, points: Vec<(String, String, f64)>| {
        let listed: Vec<String> = points
            .iter()
            .map(|(l, _, v)| format!("{l}{}件", format::number(*v, None, style)))
            .collect();
        let desc = format!("{title}：{}。", listed.join("，"));
        let chart = HistoryChart {
            title: format!("{title}（单位：件）"),
            desc: desc.clone(),
            percent: false,
            part_names: Vec::new(),
            points: points
                .into_iter()
                .map(|(_, label, v)| HistoryPoint {
                    label,
                    value: Some(v),
                    value_label: format::number(v, None, style),
                    target: None,
                    parts: Vec::new(),
                    break_before: false,
                })
                .collect(),
        };
        (chart.to_svg(), desc)
    };
    if let Some(new) = nb.request("new") {
        let points = REQUEST_COLUMNS[..6]
            .iter()
            .zip(&new.cells)
            .map(|(c, cell)| (c.label.to_string(), chart_label(c).to_string(), cell.value))
            .collect();
        let title = format!("{year}年新收政府信息公开申请的申请人情况");
        let (svg, desc) = bars(&title, points);
        out.push(Chart {
            src: "charts/nianbao-applicants.svg".into(),
            alt: format!("{title}柱状图。{desc}"),
            caption: format!("图：{title}，数据见表三第一行"),
            trend: false,
            svg,
            after_table: 3,
        });
    }
    let total = REQUEST_COLUMNS.len() - 1;
    let mut outcomes: Vec<(String, String, f64)> = ["granted", "partial"]
        .iter()
        .filter_map(|k| nb.request(k))
        .map(|r| {
            let label = strip_numbering(&r.label);
            (label.clone(), label, r.cells[total].value)
        })
        .collect();
    for (g, group) in nb.groups.iter().enumerate() {
        let label = strip_numbering(group.label);
        outcomes.push((label.clone(), label, nb.group_sum(g, total)));
    }
    let title = format!("{year}年政府信息公开申请的办理结果");
    let (svg, desc) = bars(&title, outcomes);
    out.push(Chart {
        src: "charts/nianbao-outcomes.svg".into(),
        alt: format!("{title}柱状图。{desc}"),
        caption: format!("图：{title}，数据见表三“本年度办理结果”总计列"),
        trend: false,
        svg,
        after_table: 3,
    });
    let history: Vec<(i32, &Nianbao)> = ctx
        .editions
        .iter()
        .filter(|e| e.year <= year)
        .filter_map(|e| e.nianbao.as_ref().map(|n| (e.year, n)))
        .collect();
    if history.len() >= 2 {
        for (slug, name, _) in TREND {
            let points: Vec<(String, f64, String)> = history
                .iter()
                .map(|(y, n)| {
                    let v = trend_value(n, slug);
                    (format!("{y}"), v, format::number(v, None, style))
                })
                .collect();
            let first = history[0].0;
            let listed: Vec<String> = points.iter().map(|p| format!("{}件", p.2)).collect();
            let desc = format!("{first}—{year}年{name}分别为{}。", listed.join("、"));
            let title = format!("{first}—{year}年{name}");
            let chart = SeriesChart {
                title: format!("{title}（单位：件）"),
                desc: desc.clone(),
                percent: false,
                points,
            };
            out.push(Chart {
                src: format!("charts/nianbao-{slug}.svg"),
                alt: format!("{title}折线图。{desc}"),
                caption: format!("图：{title}（单位：件）"),
                trend: true,
                svg: chart.to_svg(),
                after_table: 0,
            });
        }
    }
    out
}

/// The label under an applicant column's bar: the 640-px chart has about four characters'
/// room per bar, so the six-character names are shortened there; the chart's description and
/// the page's alt text keep the official names.
fn chart_label(column: &Column) -> &'static str {
    match column.key {
        "charity" => "公益组织",
        "legal" => "法律服务",
        _ => column.label,
    }
}

/// The year-over-year quantities: (file slug, name, table column heading).
const TREND: [(&str, &str, &str); 5] = [
    ("new", "新收政府信息公开申请", "新收申请"),
    ("carried-in", "上年结转政府信息公开申请", "上年结转"),
    ("review", "政府信息公开行政复议案件", "行政复议"),
    ("litigation", "政府信息公开行政诉讼案件", "行政诉讼"),
    ("in-force", "现行有效行政规范性文件", "现行有效规范性文件"),
];

fn trend_value(n: &Nianbao, slug: &str) -> f64 {
    let v = |id: &str| n.value(id).unwrap_or(0.0);
    match slug {
        "new" => v("nb.requests.new.total"),
        "carried-in" => v("nb.requests.carried_in.total"),
        "review" => v("nb.review.total"),
        "litigation" => v("nb.litigation.direct.total") + v("nb.litigation.after_review.total"),
        _ => v("nb.proactive.normative.in_force"),
    }
}

/// One year of the year-over-year table under the trend charts.
#[derive(Debug, Serialize)]
struct TrendRow {
    year: i32,
    url: String,
    values: Vec<String>,
}

/// The trend table: a heading row, then one row per year with a report, up to this one.
fn trend_rows(ctx: &Ctx, edition: &Edition) -> Option<(Vec<&'static str>, Vec<TrendRow>)> {
    let style = &ctx.site.config.numbers;
    let rows: Vec<TrendRow> = ctx
        .editions
        .iter()
        .filter(|e| e.year <= edition.year)
        .filter_map(|e| {
            let n = e.nianbao.as_ref()?;
            Some(TrendRow {
                year: e.year,
                url: page_path(e.year),
                values: TREND
                    .iter()
                    .map(|(slug, ..)| format::number(trend_value(n, slug), None, style))
                    .collect(),
            })
        })
        .collect();
    (rows.len() >= 2).then(|| (TREND.iter().map(|t| t.2).collect(), rows))
}

/// "（一）予以公开" → "予以公开"; "（二）部分公开（区分…）" → "部分公开".
fn strip_numbering(label: &str) -> String {
    let rest = label.split_once('）').map_or(label, |(_, r)| r);
    rest.split('（').next().unwrap_or(rest).to_string()
}

/// The narrative with each table set before the heading of the section after its own (or
/// at the end when that heading is missing, which validation reports).
fn with_tables(
    html: &str,
    headings: &[crate::narrative::markdown::Heading],
    nb: &Nianbao,
    style: &NumberStyle,
    charts: &[Chart],
) -> String {
    let figures = |table: u8| -> String {
        charts
            .iter()
            .filter(|c| c.after_table == table)
            .map(|c| {
                format!(
                    "<figure class=\"chart\"><img src=\"{}\" width=\"640\" height=\"360\" alt=\"{}\"><figcaption>{}</figcaption></figure>\n",
                    escape_html(&c.src),
                    escape_html(&c.alt),
                    escape_html(&c.caption)
                )
            })
            .collect()
    };
    let inserts = [
        ("三、", table_two(nb, style)),
        ("四、", table_three(nb, style) + &figures(3)),
        ("五、", table_four(nb, style)),
    ];
    let mut out = html.to_string();
    for (next, table) in inserts {
        let at = headings
            .iter()
            .find(|h| h.level == 2 && h.text.starts_with(next))
            .and_then(|h| out.find(&format!("<h2 id=\"{}\"", h.id)))
            .unwrap_or(out.len());
        out.insert_str(at, &table);
    }
    out
}

fn num(v: f64, style: &NumberStyle) -> String {
    format::number(v, None, style)
}

/// Table 二: four small tables, one per article item, as the format lays them out.
fn table_two(nb: &Nianbao, style: &NumberStyle) -> String {
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
fn table_three(nb: &Nianbao, style: &NumberStyle) -> String {
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
fn table_four(nb: &Nianbao, style: &NumberStyle) -> String {
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
    super::data::csv_bytes(
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
    value: super::data::JsonNumber,
}

/// One report as JSON, its cells in table order.
pub(crate) fn json_one(year: i32, nb: &Nianbao) -> Vec<u8> {
    super::data::json_bytes(&json_report(year, nb))
}

/// Every report as a JSON list, oldest first.
pub(crate) fn json_all(reports: &[(i32, &Nianbao)]) -> Vec<u8> {
    let docs: Vec<JsonReport> = reports.iter().map(|(y, nb)| json_report(*y, nb)).collect();
    super::data::json_bytes(&docs)
}

fn json_report(year: i32, nb: &Nianbao) -> JsonReport<'_> {
    {
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
                    value: super::data::JsonNumber(v),
                })
                .collect(),
        }
    }
}
