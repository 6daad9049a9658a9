//! One indicator of an edition: its history and series charts, its data-table rows and its
//! page.

use super::chart_data::{history, history_chart, unit_text};
use super::page::{head, render_page};
use super::view::{self, ArticleMeta, ChartRef, HistoryRow, Link, SeriesRow};
use super::{Ctx, Files};
use crate::chart::{HistoryChart, SeriesChart};
use crate::diagnostic::Diagnostic;
use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};
use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

pub(crate) fn series_chart(site: &Site, edition: &Edition, ind: &Indicator) -> Option<SeriesChart> {
    let style = &site.config.numbers;
    let points: Vec<(String, f64, String)> = ind
        .series
        .iter()
        .filter_map(|(period, f)| {
            let v = f.number()?;
            Some((
                period_label(period),
                v,
                format::number(v, ind.decimals, style),
            ))
        })
        .collect();
    if ind.series.is_empty() {
        return None;
    }
    let unit = unit_text(site, ind);
    let labels: Vec<String> = ind.series.iter().map(|(p, _)| period_label(p)).collect();
    Some(SeriesChart {
        title: format!("{}（{unit}），{}年内进度", ind.name, edition.year),
        desc: super::describe::series(edition.year, ind, &labels, style),
        percent: ind.is_percent(),
        points,
    })
}

/// "2023-03" → "3月"; other period labels are shown as written.
fn period_label(p: &str) -> String {
    match p.split_once('-') {
        Some((y, m)) if y.len() == 4 && m.parse::<u32>().is_ok() => {
            format!("{}月", m.parse::<u32>().unwrap_or(0))
        }
        _ => p.to_string(),
    }
}

pub(crate) fn chart_path(year: i32, id: &str, kind: &str) -> String {
    format!("{year}/charts/{id}{kind}.svg")
}

/// The chart's data, beside its SVG.
pub(crate) fn chart_csv_path(year: i32, id: &str, kind: &str) -> String {
    format!("{year}/charts/{id}{kind}.csv")
}

/// The data-table rows of indicator `id` for every edition up to `year`, and whether any
/// figure among them is withheld.
pub(crate) fn history_rows(ctx: &Ctx, year: i32, id: &str) -> (Vec<HistoryRow>, bool) {
    let style = &ctx.site.config.numbers;
    let hist = history(ctx, year, id);
    let rows: Vec<HistoryRow> = hist
        .iter()
        .enumerate()
        .map(|(k, (e, i))| HistoryRow {
            year: e.year,
            value: format::figure(i.value, i, style),
            target: i
                .target
                .map(|t| format::figure(t, i, style))
                .unwrap_or_default(),
            completion: i
                .completion_rate()
                .map(|c| format::percent(c, style))
                .unwrap_or_default(),
            status: view::status(i),
            // Across a definition break the figures are not comparable.
            change: if i.definition_break.is_some() && k > 0 {
                "口径调整，不可比".into()
            } else {
                k.checked_sub(1)
                    .and_then(|p| format::change(i, hist[p].1, style))
                    .unwrap_or_default()
            },
            url: view::indicator_url(e.year, &i.id),
        })
        .collect();
    let has_withheld = hist
        .iter()
        .any(|(_, i)| i.value == Figure::Withheld || i.target == Some(Figure::Withheld));
    (rows, has_withheld)
}

/// The charts of an indicator page: the history chart and, when there is one, the series;
/// each chart not worth drawing gives a notice, its description, instead.
pub(crate) fn chart_refs(
    year: i32,
    id: &str,
    hc: &HistoryChart,
    sc: Option<&SeriesChart>,
) -> (Vec<ChartRef>, Vec<String>) {
    let mut charts = Vec::new();
    let mut notes = Vec::new();
    let mut add = |drawn: bool, kind: &str, shape: &str, title: &str, desc: &str| {
        if !drawn {
            notes.push(desc.to_string());
            return;
        }
        charts.push(ChartRef {
            src: chart_path(year, id, kind),
            csv: chart_csv_path(year, id, kind),
            alt: format!("{title}{shape}"),
            caption: format!("图{}：{title}", charts.len() + 1),
            desc: desc.to_string(),
        });
    };
    add(hc.worth_drawing(), "", "柱状图", &hc.title, &hc.desc);
    if let Some(sc) = sc {
        add(sc.worth_drawing(), ".series", "折线图", &sc.title, &sc.desc);
    }
    (charts, notes)
}

pub(super) fn render_indicator(
    ctx: &Ctx,
    edition: &Edition,
    ind: &Indicator,
    edition_value: &Value,
    breadcrumbs: Vec<Link>,
) -> Result<Files, Diagnostic> {
    let site = ctx.site;
    let year = edition.year;
    let mut files = Vec::new();
    let hc = history_chart(ctx, edition, ind);
    let sc = series_chart(site, edition, ind);
    let charts = chart_refs(year, &ind.id, &hc, sc.as_ref());
    if hc.worth_drawing() {
        files.push((
            chart_path(year, &ind.id, ""),
            ctx.timings
                .charts
                .time(|| hc.to_svg(&site.theme.chart))
                .into_bytes(),
        ));
        files.push((
            chart_csv_path(year, &ind.id, ""),
            super::data::history_chart_csv(&history(ctx, year, &ind.id), &ind.parts),
        ));
    }
    if let Some(sc) = sc.as_ref().filter(|sc| sc.worth_drawing()) {
        files.push((
            chart_path(year, &ind.id, ".series"),
            ctx.timings
                .charts
                .time(|| sc.to_svg(&site.theme.chart))
                .into_bytes(),
        ));
        files.push((
            chart_csv_path(year, &ind.id, ".series"),
            super::data::series_chart_csv(ind),
        ));
    }

    let detail = Value::from(Serde(indicator_detail(ctx, edition, ind, charts)));
    let front = edition.front();
    let title = format!("{}（{}年）", ind.name, year);
    let path = view::indicator_url(year, &ind.id);
    let pages = ctx.timings.pages.time(|| {
        render_page(
            ctx,
            "indicator.html",
            &path,
            |care| {
                let article = ArticleMeta {
                    title: title.clone(),
                    pub_date: front.published.to_string(),
                    source: front.publisher.clone(),
                };
                head(ctx, care, &title, &path, Some(article), breadcrumbs.clone())
            },
            |page| {
                context! {
                    site => ctx.site_view.clone(),
                    page,
                    edition => edition_value.clone(),
                    indicator => detail.clone(),
                }
            },
        )
    })?;
    files.extend(pages);
    Ok(files)
}

/// What an indicator page shows besides its charts: its figures, history, series and the
/// indicators it is made of or part of.
pub(crate) fn indicator_detail(
    ctx: &Ctx,
    edition: &Edition,
    ind: &Indicator,
    (charts, chart_notes): (Vec<ChartRef>, Vec<String>),
) -> IndicatorDetail {
    let site = ctx.site;
    let style = &site.config.numbers;
    let year = edition.year;
    let (rows, has_withheld) = history_rows(ctx, year, &ind.id);
    let series: Vec<SeriesRow> = ind
        .series
        .iter()
        .map(|(p, f)| SeriesRow {
            period: period_label(p),
            value: format::figure(*f, ind, style),
        })
        .collect();
    let link_to = |id: &String| {
        edition.indicator(id).map(|i| Link {
            title: i.name.clone(),
            url: view::indicator_url(year, id),
        })
    };
    let parts: Vec<Link> = ind.parts.iter().filter_map(link_to).collect();
    let part_of: Vec<Link> = edition
        .wholes_of(&ind.id)
        .filter_map(|i| link_to(&i.id))
        .collect();
    IndicatorDetail {
        row: view::indicator_row(site, edition, ind),
        description: ind.description.clone(),
        note: ind.note.clone(),
        definition_break: ind.definition_break.clone(),
        cumulative: ind.cumulative,
        charts,
        chart_notes,
        history: rows,
        series,
        parts,
        part_of,
        has_withheld,
    }
}

#[derive(Serialize)]
pub(crate) struct IndicatorDetail {
    row: view::IndicatorRow,
    description: Option<String>,
    note: Option<String>,
    definition_break: Option<String>,
    cumulative: bool,
    charts: Vec<ChartRef>,
    /// What the charts not worth drawing would show (all withheld, or one point).
    chart_notes: Vec<String>,
    history: Vec<HistoryRow>,
    series: Vec<SeriesRow>,
    parts: Vec<Link>,
    part_of: Vec<Link>,
    has_withheld: bool,
}
