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

mod data;
mod tables;

use data::json_one;
pub(crate) use data::{csv, json_all};
use tables::{table_four, table_three, table_two};

/// The edition's annual report when it is published (a draft only with `--drafts`).
pub(crate) fn published(
    edition: &Edition,
    drafts: bool,
) -> Option<&crate::model::nianbao::Nianbao> {
    edition
        .nianbao
        .as_ref()
        .filter(|n| drafts || n.page.front.status != crate::model::config::Status::Draft)
}

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
        files.push((format!("{year}/{}", c.csv), c.data));
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
    /// The data of exactly this chart, as CSV beside it.
    csv: String,
    alt: String,
    caption: String,
    /// What the chart shows, in a sentence: its SVG's desc, and visible under it.
    desc: String,
    #[serde(skip)]
    data: Vec<u8>,
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
        let listed_labels: Vec<String> = points.iter().map(|(l, ..)| l.clone()).collect();
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
        let data = crate::render::data::csv_bytes(
            &["category", "value"],
            chart
                .points
                .iter()
                .zip(&listed_labels)
                .map(|(p, label)| vec![label.clone(), p.value_label.clone()]),
        );
        (chart.to_svg(&ctx.site.theme.chart), desc, data)
    };
    if let Some(new) = nb.request("new") {
        let points = REQUEST_COLUMNS[..6]
            .iter()
            .zip(&new.cells)
            .map(|(c, cell)| (c.label.to_string(), chart_label(c).to_string(), cell.value))
            .collect();
        let title = format!("{year}年新收政府信息公开申请的申请人情况");
        let (svg, desc, data) = bars(&title, points);
        out.push(Chart {
            src: "charts/nianbao-applicants.svg".into(),
            csv: "charts/nianbao-applicants.csv".into(),
            alt: format!("{title}柱状图"),
            caption: format!("图：{title}，数据见表三第一行"),
            desc,
            data,
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
    let (svg, desc, data) = bars(&title, outcomes);
    out.push(Chart {
        src: "charts/nianbao-outcomes.svg".into(),
        csv: "charts/nianbao-outcomes.csv".into(),
        alt: format!("{title}柱状图"),
        caption: format!("图：{title}，数据见表三“本年度办理结果”总计列"),
        desc,
        data,
        trend: false,
        svg,
        after_table: 3,
    });
    let history: Vec<(i32, &Nianbao)> = ctx
        .editions
        .iter()
        .filter(|e| e.year <= year)
        .filter_map(|e| published(e, ctx.drafts).map(|n| (e.year, n)))
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
            // The latest change, as the indicator charts say it.
            let change = match points.as_slice() {
                [.., before, last] => format::relative_change(last.1, before.1, style)
                    .map(|c| format!("，{year}年较上年{c}"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let desc = format!(
                "{first}—{year}年{name}分别为{}{change}。",
                listed.join("、")
            );
            let title = format!("{first}—{year}年{name}");
            let data = crate::render::data::csv_bytes(
                &["year", "value"],
                points.iter().map(|p| vec![p.0.clone(), p.2.clone()]),
            );
            let chart = SeriesChart {
                title: format!("{title}（单位：件）"),
                desc: desc.clone(),
                percent: false,
                points,
            };
            out.push(Chart {
                src: format!("charts/nianbao-{slug}.svg"),
                csv: format!("charts/nianbao-{slug}.csv"),
                alt: format!("{title}折线图"),
                caption: format!("图：{title}（单位：件）"),
                desc,
                data,
                trend: true,
                svg: chart.to_svg(&ctx.site.theme.chart),
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
            let n = published(e, ctx.drafts)?;
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
                    "<figure class=\"chart\"><img src=\"{src}\" width=\"640\" height=\"360\" alt=\"{}\"><figcaption>{}<span class=\"chart-desc\">{}</span></figcaption></figure>\n<p class=\"chart-downloads\">下载此图：<a href=\"{src}\">SVG 图像</a>　<a href=\"{}\">图中数据 CSV</a></p>\n",
                    escape_html(&c.alt),
                    escape_html(&c.caption),
                    escape_html(&c.desc),
                    escape_html(&c.csv),
                    src = escape_html(&c.src),
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
