//! An edition's pages (its report, further pages, every indicator's page and charts, its data
//! files and attachments) and the home page.

use super::incremental::{cached, PartInputs};
use super::indicator::render_indicator;
use super::page::{head, render_narrative, render_page};
use super::view::{self, ArticleMeta, Link};
use super::{Ctx, EditionResult, Files, RenderOptions};
use crate::diagnostic::Diagnostic;
use crate::model::{Edition, Indicator, Site};
use crate::write::{settle, Settled};
use minijinja::value::Serde;
use minijinja::{context, Value};
use rayon::prelude::*;

pub(super) fn render_home(ctx: &Ctx) -> Result<Files, Vec<Diagnostic>> {
    let latest = ctx
        .editions
        .iter()
        .rev()
        .find(|e| e.report.is_some())
        .map(|e| {
            let mut headline: Vec<&Indicator> = e.indicators().filter(|i| i.headline).collect();
            if headline.is_empty() {
                headline = e
                    .sections
                    .iter()
                    .filter_map(|s| s.indicators.first())
                    .collect();
            }
            let rows: Vec<_> = headline
                .into_iter()
                .map(|i| view::indicator_row(ctx.site, e, i))
                .collect();
            context! {
                link => Value::from(Serde(view::edition_link(e))),
                has_withheld => rows.iter().any(|r| r.withheld),
                headline => Value::from(Serde(rows)),
            }
        });
    let latest = Value::from(latest);
    render_page(
        ctx,
        "index.html",
        "index.html",
        |care| {
            head(
                ctx,
                care,
                &ctx.site.config.title,
                "index.html",
                None,
                vec![],
            )
        },
        |page| {
            context! {
                site => ctx.site_view.clone(),
                page,
                latest => latest.clone(),
            }
        },
    )
    .map_err(|d| vec![d])
}

/// The further pages of an edition that are published (drafts only with `--drafts`).
pub(crate) fn published_pages(
    edition: &Edition,
    drafts: bool,
) -> Vec<&crate::model::Page<crate::model::config::PageFront>> {
    edition
        .pages
        .iter()
        .filter(|p| drafts || p.front.status != crate::model::config::Status::Draft)
        .collect()
}

/// What every page of an edition sees as `edition`: metadata, pages, overview tables.
/// `pages` and `nianbao` are the ones published in this build, so no page links a draft.
pub(crate) fn edition_value(
    site: &Site,
    edition: &Edition,
    pages: &[&crate::model::Page<crate::model::config::PageFront>],
    nianbao: Option<&crate::model::nianbao::Nianbao>,
) -> Value {
    let year = edition.year;
    let front = edition.front();
    let page_links: Vec<Link> = edition
        .report
        .iter()
        .map(|r| Link {
            title: r.front.title.clone(),
            url: format!("{year}/index.html"),
        })
        .chain(pages.iter().map(|p| Link {
            title: p.front.title.clone(),
            url: format!("{year}/{}.html", p.slug),
        }))
        .chain(nianbao.map(|n| Link {
            title: n.page.front.title.clone(),
            url: super::nianbao::page_path(year),
        }))
        .collect();
    let sections = view::sections(site, edition);
    let table_has_withheld = sections
        .iter()
        .any(|s| s.indicators.iter().any(|r| r.withheld));
    context! {
        year,
        title => front.title.clone(),
        url => edition.url(),
        published => front.published.chinese(),
        as_of => front.as_of.map(|d| d.chinese()),
        summary => front.summary.clone(),
        meta => Value::from(Serde(view::meta_rows(edition))),
        pages => Value::from(Serde(&page_links)),
        sections => Value::from(Serde(&sections)),
        has_withheld => table_has_withheld,
        data_csv => format!("{year}/data.csv"),
        data_json => format!("{year}/data.json"),
    }
}

pub(super) fn render_edition(
    ctx: &Ctx,
    edition: &Edition,
    options: &RenderOptions,
) -> EditionResult {
    let site = ctx.site;
    let year = edition.year;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut problems = Vec::new();
    let front = edition.front();
    let edition_crumb = Link {
        title: format!("{year}年度"),
        url: edition.url(),
    };
    let home_crumb = Link {
        title: "首页".into(),
        url: "index.html".into(),
    };
    let pages = published_pages(edition, options.drafts);
    // Built only when a part of the edition is rendered: in a preview rebuild every part may
    // come from the cache, and the overview of a thousand indicators is not cheap.
    let edition_view = std::sync::OnceLock::new();
    let edition_value = || {
        edition_view
            .get_or_init(|| {
                edition_value(
                    site,
                    edition,
                    &pages,
                    super::nianbao::published(edition, options.drafts),
                )
            })
            .clone()
    };
    let article = |title: &str, date: crate::date::Date| ArticleMeta {
        title: title.to_string(),
        pub_date: date.to_string(),
        source: front.publisher.clone(),
    };

    let fp = PartInputs::new(ctx, edition);
    let narrative_fp = |file: usize| {
        fp.as_ref()
            .map_or(0, |fp| fp.narrative(&site.sources.get(file).text))
    };
    let narrative_part =
        |file: usize, render: &dyn Fn() -> Result<(Files, Vec<Diagnostic>), Vec<Diagnostic>>| {
            cached(
                ctx,
                || format!("{year}:page:{file}"),
                |_| narrative_fp(file),
                |_| narrative_fp(file),
                render,
            )
        };
    let report_part = edition.report.as_ref().map(|report| {
        narrative_part(report.file, &|| {
            let n = render_narrative(ctx, edition, report.file).map_err(|d| vec![d])?;
            let path = format!("{year}/index.html");
            let body = Value::from_safe_string(n.html);
            let toc = Value::from(Serde(view::toc(&n.headings)));
            let files = render_page(
                ctx,
                "edition.html",
                &path,
                |care| {
                    head(
                        ctx,
                        care,
                        &front.title,
                        &path,
                        Some(article(&front.title, front.published)),
                        vec![home_crumb.clone()],
                    )
                },
                |page| {
                    context! {
                        site => ctx.site_view.clone(),
                        page,
                        edition => edition_value(),
                        body => body.clone(),
                        toc => toc.clone(),
                        narrative_has_withheld => n.has_withheld,
                    }
                },
            )
            .map_err(|d| vec![d])?;
            Ok((files, n.problems))
        })
    });
    let page_parts = pages.iter().map(|page| {
        narrative_part(page.file, &|| {
            let n = render_narrative(ctx, edition, page.file).map_err(|d| vec![d])?;
            let date = page.front.published.unwrap_or(front.published);
            let path = format!("{year}/{}.html", page.slug);
            let doc = context! {
                title => page.front.title.clone(),
                summary => page.front.summary.clone(),
                published => date.chinese(),
            };
            let body = Value::from_safe_string(n.html);
            let toc = Value::from(Serde(view::toc(&n.headings)));
            let files = render_page(
                ctx,
                "page.html",
                &path,
                |care| {
                    head(
                        ctx,
                        care,
                        &page.front.title,
                        &path,
                        Some(article(&page.front.title, date)),
                        vec![home_crumb.clone(), edition_crumb.clone()],
                    )
                },
                |head| {
                    context! {
                        site => ctx.site_view.clone(),
                        page => head,
                        edition => edition_value(),
                        doc => doc.clone(),
                        body => body.clone(),
                        toc => toc.clone(),
                        has_withheld => n.has_withheld,
                    }
                },
            )
            .map_err(|d| vec![d])?;
            Ok((files, n.problems))
        })
    });
    let nianbao_part = super::nianbao::published(edition, options.drafts).map(|nb| {
        let fine = || {
            fp.as_ref()
                .map_or(0, |fp| fp.nianbao(&site.sources.get(nb.page.file).text))
        };
        cached(
            ctx,
            || format!("{year}:nianbao"),
            |_| fine(),
            |_| fine(),
            &|| {
                super::nianbao::render_nianbao(
                    ctx,
                    edition,
                    nb,
                    &edition_value(),
                    // Alone in its edition, the annual report is the edition's page.
                    std::iter::once(home_crumb.clone())
                        .chain(edition.report.as_ref().map(|_| edition_crumb.clone()))
                        .collect(),
                )
            },
        )
    });
    for part in report_part
        .into_iter()
        .chain(page_parts)
        .chain(nianbao_part)
        .collect::<Vec<_>>()
    {
        match part {
            Ok((f, mut p)) => {
                files.extend(f);
                problems.append(&mut p);
            }
            Err(mut ds) => errors.append(&mut ds),
        }
    }

    // One part per indicator (its page and charts), so a preview rebuild after one changed
    // figure renders only the indicators whose history it is part of.
    let indicators: Vec<_> = edition.indicators().collect();
    let each_indicator = || {
        let parts: Vec<Result<Vec<Settled>, Vec<Diagnostic>>> = indicators
            .par_iter()
            .map(|ind| {
                cached(
                    ctx,
                    || format!("{year}:indicator:{}", ind.id),
                    |_| fp.as_ref().map_or(0, PartInputs::indicators),
                    |inputs| {
                        fp.as_ref()
                            .map_or(0, |fp| fp.indicator(ctx, inputs, edition, ind))
                    },
                    &|| {
                        let mut files = render_indicator(
                            ctx,
                            edition,
                            ind,
                            &edition_value(),
                            vec![home_crumb.clone(), edition_crumb.clone()],
                        )
                        .map_err(|d| vec![d])?;
                        if ctx.stage.is_none() {
                            // Rendered strings grow by doubling and the whole site is held
                            // until it is written: give the slack back.
                            for (_, bytes) in &mut files {
                                bytes.shrink_to_fit();
                            }
                        }
                        Ok((files, Vec::new()))
                    },
                )
                .map(|(files, _)| files)
            })
            .collect();
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for r in parts {
            match r {
                Ok(f) => files.extend(f),
                Err(mut ds) => errors.append(&mut ds),
            }
        }
        if errors.is_empty() {
            Ok((files, Vec::new()))
        } else {
            Err(errors)
        }
    };
    // In `serve`, while nothing any indicator part is made from changed, all of them are
    // taken at once rather than looked up one by one.
    let indicator_files = match (ctx.cache, &fp) {
        (Some(cache), Some(fp)) => cache.group(
            format!("{year}:indicators"),
            fp.indicators(),
            indicators.len(),
            each_indicator,
        ),
        _ => each_indicator(),
    };
    match indicator_files {
        Ok((f, _)) => files.extend(f),
        Err(mut ds) => errors.append(&mut ds),
    }
    if edition.report.is_some() {
        // A part of its own: serialising a thousand indicators twice is not cheap, and a
        // saved report.md does not change them.
        let data_fp = || fp.as_ref().map_or(0, |fp| fp.data_files(ctx, edition));
        let data = cached(
            ctx,
            || format!("{year}:data"),
            |_| data_fp(),
            |_| data_fp(),
            &|| {
                let files = vec![
                    (
                        format!("{year}/data.csv"),
                        crate::render::data::data_csv(edition),
                    ),
                    (
                        format!("{year}/data.json"),
                        crate::render::data::data_json(site, edition),
                    ),
                ];
                Ok((files, Vec::new()))
            },
        );
        match data {
            Ok((f, _)) => files.extend(f),
            Err(mut ds) => errors.append(&mut ds),
        }
    }
    for (rel, path) in &edition.assets {
        match std::fs::read(path) {
            Ok(bytes) => files.push(settle(ctx.stage, format!("{year}/{rel}"), bytes)),
            Err(e) => errors.push(
                Diagnostic::error("E010", format!("cannot read {}: {e}", path.display()))
                    .help("check the file's permissions"),
            ),
        }
    }
    if errors.is_empty() {
        Ok((files, problems))
    } else {
        errors.extend(problems);
        Err(errors)
    }
}
