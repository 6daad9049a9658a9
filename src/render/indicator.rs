//! One indicator of an edition: its history and series charts, its data-table rows and its
//! page.

use super::page::{head, render_page};
use super::view::{self, ArticleMeta, ChartRef, HistoryRow, Link, SeriesRow};
use super::{Ctx, Files};
use crate::chart::{HistoryChart, HistoryPoint, SeriesChart};
use crate::diagnostic::Diagnostic;
use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};
use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

/// Every published edition up to `year` that has indicator `id`, oldest first.
pub(crate) fn history<'a>(ctx: &Ctx<'a>, year: i32, id: &str) -> Vec<(&'a Edition, &'a Indicator)> {
    ctx.editions
        .iter()
        .filter(|e| e.year <= year)
        .filter_map(|e| e.indicator(id).map(|i| (*e, i)))
        .collect()
}

fn unit_text(site: &Site, ind: &Indicator) -> String {
    format::unit(ind, &site.config.numbers)
}

pub(crate) fn history_chart(ctx: &Ctx, edition: &Edition, ind: &Indicator) -> HistoryChart {
    let site = ctx.site;
    let style = &site.config.numbers;
    let hist = history(ctx, edition.year, &ind.id);
    let part_names: Vec<String> = ind
        .parts
        .iter()
        .map(|p| edition.indicator(p).map_or(p.clone(), |i| i.name.clone()))
        .collect();
    let points: Vec<HistoryPoint> = hist
        .iter()
        .map(|(e, i)| HistoryPoint {
            label: e.year.to_string(),
            value: i.value.number(),
            value_label: format::figure(i.value, i, style),
            target: i.target.and_then(Figure::number),
            parts: ind
                .parts
                .iter()
                .map(|p| e.indicator(p).and_then(|pi| pi.value.number()))
                .collect(),
            break_before: i.definition_break.is_some(),
        })
        .collect();
    let unit = unit_text(site, ind);
    let mut desc = format!("{}（单位：{unit}）历年数值：", ind.name);
    let items: Vec<String> = hist
        .iter()
        .map(|(e, i)| {
            let mut s = format!("{}年{}", e.year, format::figure(i.value, i, style));
            if let Some(t) = i.target {
                s.push_str(&format!("（目标{}）", format::figure(t, i, style)));
            }
            s
        })
        .collect();
    desc.push_str(&items.join("，"));
    desc.push('。');
    if hist.iter().any(|(_, i)| i.value == Figure::Withheld) {
        desc.push_str(&site.config.withheld_note);
    }
    HistoryChart {
        title: format!(
            "{}（{unit}），{}—{}年",
            ind.name,
            hist.first().map_or(edition.year, |h| h.0.year),
            edition.year
        ),
        desc,
        percent: ind.is_percent(),
        part_names,
        points,
    }
}

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
    if points.is_empty() {
        return None;
    }
    let unit = unit_text(site, ind);
    let items: Vec<String> = points.iter().map(|(p, _, l)| format!("{p}{l}")).collect();
    Some(SeriesChart {
        title: format!("{}（{unit}），{}年内进度", ind.name, edition.year),
        desc: format!(
            "{}{}年内{}进度（单位：{unit}）：{}。",
            ind.name,
            edition.year,
            if ind.cumulative { "累计" } else { "" },
            items.join("，")
        ),
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

/// The charts of an indicator page: the history chart and, when there is one, the series.
pub(crate) fn chart_refs(
    year: i32,
    id: &str,
    hc: &HistoryChart,
    sc: Option<&SeriesChart>,
) -> Vec<ChartRef> {
    let mut charts = vec![ChartRef {
        src: chart_path(year, id, ""),
        csv: chart_csv_path(year, id, ""),
        alt: hc.desc.clone(),
        caption: format!("图1：{}", hc.title),
    }];
    if let Some(sc) = sc {
        charts.push(ChartRef {
            src: chart_path(year, id, ".series"),
            csv: chart_csv_path(year, id, ".series"),
            alt: sc.desc.clone(),
            caption: format!("图2：{}", sc.title),
        });
    }
    charts
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
    if let Some(sc) = &sc {
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
    charts: Vec<ChartRef>,
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
    history: Vec<HistoryRow>,
    series: Vec<SeriesRow>,
    parts: Vec<Link>,
    part_of: Vec<Link>,
    has_withheld: bool,
}
