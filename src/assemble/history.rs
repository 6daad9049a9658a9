//! The cross-edition outputs: one page and CSV per indicator across every edition, and the
//! open data of everything (`data/all.csv`, `data/all.json`). Each is a part of its own for the
//! preview's cache: they change only with the data.

use super::home;
use crate::diagnostic::Diagnostic;
use crate::model::{Edition, Indicator};
use crate::render::view::{ChartRef, IndicatorHistory};
use crate::render::{self, Ctx};
use crate::write::Output;
use minijinja::value::Serde;
use minijinja::{context, Value};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Adds every indicator's cross-edition page and CSV, and the open data of everything.
pub(super) fn render_history(ctx: &Ctx, out: &mut Output, errors: &mut Vec<Diagnostic>) {
    // Rendered and archived editions are in `out` by now.
    let published: Vec<i32> = ctx
        .editions
        .iter()
        .map(|e| e.year)
        .filter(|&y| out.contains(&render::nianbao_path(y)))
        .collect();
    // The latest edition that has each indicator gives its name, unit and chart.
    let mut latest: BTreeMap<&str, (&Edition, &Indicator)> = BTreeMap::new();
    for e in &ctx.editions {
        for i in e.indicators() {
            latest.insert(i.id.as_str(), (e, i));
        }
    }
    let latest: Vec<(&str, (&Edition, &Indicator))> = latest.into_iter().collect();
    // An edition archived before charts had their own CSV has none to link to.
    let chart_csvs: std::collections::HashSet<&str> = latest
        .iter()
        .filter(|(id, (e, _))| out.contains(&render::chart_csv_path(e.year, id, "")))
        .map(|(id, _)| *id)
        .collect();
    // Each a part of its own for the preview's cache: they change only with the data.
    let pages: Vec<_> = latest
        .par_iter()
        .map(|(id, (edition, ind))| {
            render::cached(
                ctx,
                || format!("history:{id}"),
                |inputs| inputs.all_data,
                |inputs| inputs.history(ctx, i32::MAX, ind),
                &|| {
                    let has_csv = chart_csvs.contains(id);
                    let mut files =
                        indicator_page(ctx, edition, ind, has_csv).map_err(|d| vec![d])?;
                    files.push((format!("indicators/{id}.csv"), indicator_csv(ctx, id)));
                    Ok((files, Vec::new()))
                },
            )
        })
        .chain(rayon::iter::once(render::cached(
            ctx,
            || "data".into(),
            |inputs| inputs.all_data,
            |inputs| inputs.all_data,
            &|| {
                let files = vec![
                    ("data/all.csv".into(), all_csv(ctx)),
                    ("data/all.json".into(), all_json(ctx)),
                ];
                Ok((files, Vec::new()))
            },
        )))
        .chain(rayon::iter::once(nianbao_data(ctx, &published)))
        .collect();
    for page in pages {
        match page {
            Ok((settled, _)) => settled.into_iter().for_each(|f| out.add(f)),
            Err(ds) => errors.extend(ds),
        }
    }
}

/// `data/nianbao.csv` and `.json`: every published annual report, when there is one. A
/// published edition's report may still be a draft (it comes out weeks later): its blank
/// cells would read as a report of zeros.
/// Only reports whose page is published are listed: not a draft, and not one written after
/// its edition was archived (`published` holds the years whose page is in the output).
fn nianbao_data(
    ctx: &Ctx,
    published: &[i32],
) -> Result<(Vec<crate::write::Settled>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let reports: Vec<(i32, &crate::model::nianbao::Nianbao)> = ctx
        .editions
        .iter()
        .filter(|e| published.contains(&e.year))
        .filter_map(|e| render::published_nianbao(e, ctx.drafts).map(|n| (e.year, n)))
        .collect();
    let texts = || {
        let texts: Vec<&str> = reports
            .iter()
            .map(|(_, n)| {
                let text = ctx.site.sources.get(n.data_file).text.as_str();
                let front = &ctx.site.sources.get(n.page.file).text[..n.page.body_start];
                (text, front)
            })
            .flat_map(|(a, b)| [a, b])
            .collect();
        render::incremental::fingerprint(texts)
    };
    render::cached(
        ctx,
        || "nianbao-data".into(),
        |inputs| render::incremental::fingerprint((inputs.base, texts())),
        |inputs| render::incremental::fingerprint((inputs.base, texts())),
        &|| {
            if reports.is_empty() {
                return Ok((Vec::new(), Vec::new()));
            }
            let files = vec![
                ("data/nianbao.csv".into(), render::nianbao_csv(&reports)),
                ("data/nianbao.json".into(), render::nianbao_json(&reports)),
            ];
            Ok((files, Vec::new()))
        },
    )
}

/// The cross-edition page of indicator `id`, relative to the site root.
pub fn history_url(id: &str) -> String {
    format!("indicators/{id}.html")
}

fn indicator_page(
    ctx: &Ctx,
    edition: &Edition,
    ind: &Indicator,
    has_csv: bool,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let (rows, has_withheld) = render::history_rows(ctx, i32::MAX, &ind.id);
    let chart = render::history_chart(ctx, edition, ind);
    let page = IndicatorHistory {
        id: ind.id.clone(),
        name: ind.name.clone(),
        unit: crate::model::format::unit(ind, &ctx.site.config.numbers),
        description: ind.description.clone(),
        chart: chart.worth_drawing().then(|| ChartRef {
            src: render::chart_path(edition.year, &ind.id, ""),
            csv: if has_csv {
                render::chart_csv_path(edition.year, &ind.id, "")
            } else {
                String::new()
            },
            alt: format!("{}柱状图", chart.title),
            caption: format!("图：{}", chart.title),
            desc: chart.desc.clone(),
        }),
        chart_note: (!chart.worth_drawing()).then(|| chart.desc.clone()),
        history: rows,
        has_withheld,
        csv: format!("indicators/{}.csv", ind.id),
    };
    let title = format!("{}（历年）", ind.name);
    let path = history_url(&ind.id);
    let indicator = Value::from(Serde(&page));
    render::render_page(
        ctx,
        "history.html",
        &path,
        |care| render::head(ctx, care, &title, &path, None, vec![home()]),
        |page| {
            context! {
                site => ctx.site_view.clone(),
                page,
                indicator => indicator.clone(),
            }
        },
    )
}

/// Column names of the cross-edition CSV files: the edition year, then the edition's columns.
fn all_header() -> Vec<&'static str> {
    std::iter::once("edition")
        .chain(crate::render::data::CSV_HEADER)
        .collect()
}

/// Every indicator of every edition, or one indicator in every edition (looked up, not
/// searched for: a city's archive has thousands of ids).
fn records<'a>(ctx: &'a Ctx, only: Option<&'a str>) -> Box<dyn Iterator<Item = Vec<String>> + 'a> {
    let record = move |e: &Edition, s: &crate::model::Section, i: &Indicator| {
        let mut r = vec![e.year.to_string()];
        r.extend(crate::render::data::csv_record(e, s, i));
        r
    };
    match only {
        Some(id) => Box::new(
            ctx.editions
                .iter()
                .filter_map(move |e| e.locate(id).map(|(s, i)| record(e, s, i))),
        ),
        None => Box::new(ctx.editions.iter().flat_map(move |e| {
            e.sections
                .iter()
                .flat_map(move |s| s.indicators.iter().map(move |i| record(e, s, i)))
        })),
    }
}

fn indicator_csv(ctx: &Ctx, id: &str) -> Vec<u8> {
    crate::render::data::csv_bytes(&all_header(), records(ctx, Some(id)))
}

fn all_csv(ctx: &Ctx) -> Vec<u8> {
    crate::render::data::csv_bytes(&all_header(), records(ctx, None))
}

fn all_json(ctx: &Ctx) -> Vec<u8> {
    // Fields in alphabetical order, the order the published file has always had.
    #[derive(serde::Serialize)]
    struct AllData<'a> {
        editions: Vec<crate::render::data::EditionData<'a>>,
        organization: &'a str,
        title: &'a str,
        withheld_note: &'a str,
    }
    let c = &ctx.site.config;
    crate::render::data::json_bytes(&AllData {
        editions: ctx
            .editions
            .iter()
            .map(|e| crate::render::data::edition_json(ctx.site, e))
            .collect(),
        organization: &c.organization,
        title: &c.title,
        withheld_note: &c.withheld_note,
    })
}
