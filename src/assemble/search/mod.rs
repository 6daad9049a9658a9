//! 站内搜索 that works offline: the search pages and the indexes, made from the published
//! pages' text (taken as each page was written, `html::search_text`), never from the sources.
//! The index format is `html::search_index`; `build` makes each edition's index as soon as
//! its pages are (`render::search`), and this module the rest and every index's figures.
//!
//! - Every edition rendered now gets its own index under `<year>/search/` and its own search
//!   page `<year>/search.html`, with the runtime (`search.js`) copied beside the index: they
//!   are frozen with the edition by `archive`, carried by `bundle`, and keep working after
//!   gongkai's runtime changes.
//! - The site-wide pages (home, cross-edition indicators, 更正说明) get `search/`, whose
//!   manifest also lists every edition's index for the site-wide `search.html`.
//! - An edition archived before search existed (no `search/` in its frozen folder) cannot
//!   gain files there (its manifest would flag them): it is indexed into `search/<year>/`
//!   and found from the site-wide search page only.
//! - An archived edition with its own index keeps it as frozen; nothing is rebuilt.

use crate::diagnostic::Diagnostic;
use crate::html::search_index::{self as index, Stats};
use crate::html::search_text::PageText;
use crate::load::archives::Archives;
use crate::render::search::{edition_of, index_pages, searchable, RUNTIME};
use crate::render::view::Link;
use crate::render::{self, Ctx};
use crate::write::output::SearchFigures;
use crate::write::{Output, Settled};
use minijinja::context;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// The search pages: `search.html` (every edition) and `<year>/search.html` of every edition
/// rendered now, each with its 关怀版 copy.
pub(super) fn render_pages(
    ctx: &Ctx,
    archives: &Archives,
    out: &mut Output,
    errors: &mut Vec<Diagnostic>,
) {
    let mut years: Vec<i32> = ctx.editions.iter().map(|e| e.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    let mut pages = vec![("search.html".to_string(), None, vec![super::home()])];
    for e in &ctx.editions {
        if archives.contains(e.year) {
            continue;
        }
        let url = if e.report.is_some() {
            format!("{}/index.html", e.year)
        } else {
            render::nianbao_path(e.year)
        };
        let crumbs = vec![
            super::home(),
            Link {
                title: format!("{}年度", e.year),
                url,
            },
        ];
        pages.push((format!("{}/search.html", e.year), Some(e.year), crumbs));
    }
    for (path, edition, crumbs) in pages {
        let title = match edition {
            Some(y) => format!("站内搜索（{y}年度）"),
            None => "站内搜索".to_string(),
        };
        let editions: Vec<i32> = if edition.is_some() {
            Vec::new()
        } else {
            years.clone()
        };
        let made = render::render_page(
            ctx,
            "search.html",
            &path,
            |care| render::head(ctx, care, &title, &path, None, crumbs.clone()),
            |page| {
                context! {
                    site => ctx.site_view.clone(),
                    page => page,
                    search => context! { edition => edition, editions => editions.clone() },
                }
            },
        );
        match made {
            Ok(files) => {
                for file in ctx.settle_all(files) {
                    out.add(file);
                }
            }
            Err(d) => errors.push(d),
        }
    }
}

/// One index to build: its folder, its edition, whether a search page loads its runtime
/// from there, and its pages.
struct Plan {
    dir: String,
    edition: Option<i32>,
    runtime: bool,
    pages: Vec<(String, Arc<PageText>)>,
    /// Made already, with the edition's pages (`render::search::index_edition`).
    made: Option<Stats>,
}

/// Builds every index from the text of the pages in `out` and adds its files; says what was
/// made, and warns (W090) about an index one query of which loads more than the budget.
pub(super) fn build_indexes(
    ctx: &Ctx,
    archives: &Archives,
    out: &mut Output,
    found: &mut Vec<Diagnostic>,
) {
    let started = std::time::Instant::now();
    let frozen = |year: i32| archives.has_file(year, "search/index.js");
    let mut years: Vec<i32> = ctx.editions.iter().map(|e| e.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    let mut plans: Vec<Plan> = vec![Plan {
        dir: "search/".into(),
        edition: None,
        runtime: true,
        pages: Vec::new(),
        made: None,
    }];
    let made = std::mem::take(&mut out.edition_indexes);
    let mut listed = Vec::new();
    for &year in &years {
        let (src, page) = if !archives.contains(year) {
            plans.push(Plan {
                dir: format!("{year}/search/"),
                edition: Some(year),
                runtime: true,
                pages: Vec::new(),
                made: made
                    .iter()
                    .find(|(y, _)| *y == year)
                    .map(|(_, s)| s.clone()),
            });
            (
                format!("{year}/search/index.js"),
                Some(format!("{year}/search.html")),
            )
        } else if frozen(year) {
            (
                format!("{year}/search/index.js"),
                Some(format!("{year}/search.html")),
            )
        } else {
            plans.push(Plan {
                dir: format!("search/{year}/"),
                edition: Some(year),
                runtime: false,
                pages: Vec::new(),
                made: None,
            });
            (format!("search/{year}/index.js"), None)
        };
        listed.push(json!({ "edition": year, "src": src, "page": page }));
    }
    // In path order (the texts are a BTreeMap): the preview's cache compares an index's
    // pages in order.
    for (path, text) in &out.texts {
        if !searchable(path) {
            continue;
        }
        let plan = match edition_of(path) {
            None => Some(&mut plans[0]),
            Some(Ok(year)) => plans.iter_mut().find(|p| p.edition == Some(year)),
            Some(Err(())) => None,
        };
        if let Some(plan) = plan {
            plan.pages.push((path.clone(), Arc::clone(text)));
        }
    }
    let stage = ctx.stage;
    let built: Vec<(Stats, Vec<Settled>, bool)> = plans
        .par_iter_mut()
        .map(|plan| {
            if let Some(mut stats) = plan.made.take() {
                // Its files, the runtime's copy included, came with its edition's pages.
                stats.bytes += RUNTIME.len();
                return (stats, Vec::new(), false);
            }
            let extra = if plan.edition.is_none() {
                json!({ "indexes": listed })
            } else {
                Value::Null
            };
            // In `serve`, an index whose pages all read as before is not built again: saving
            // one report.md changes the text of one edition's pages, not the other indexes.
            let plan = &*plan;
            render::incremental::from_pages(
                ctx,
                &plan.dir,
                &plan.pages,
                || {
                    render::incremental::fingerprint((
                        plan.edition,
                        plan.runtime,
                        extra.to_string(),
                    ))
                },
                || {
                    let (stats, files) = index_pages(
                        stage,
                        &plan.dir,
                        plan.edition,
                        plan.pages.clone(),
                        extra.clone(),
                    );
                    (stats, files, plan.runtime)
                },
            )
        })
        .collect();
    let mut figures = SearchFigures::default();
    let runtime = RUNTIME.len();
    let mut loads: Vec<(Option<i32>, index::Load)> = Vec::new();
    for ((stats, files, with_runtime), plan) in built.into_iter().zip(&plans) {
        figures.indexes += 1;
        figures.bytes += stats.bytes;
        figures.chunks += stats.chunks;
        if with_runtime {
            figures.bytes += runtime;
            out.insert(
                format!("{}search.js", plan.dir),
                RUNTIME.as_bytes().to_vec(),
            );
        }
        for file in files {
            out.add(file);
        }
        loads.push((plan.edition, stats.load));
    }
    // A frozen edition's index is read by the site-wide page as it was archived: its
    // manifest lists the size of every file a query may load.
    for &year in &years {
        let manifest = archives
            .editions
            .get(&year)
            .and_then(|(_, files)| files.get("search/index.js"));
        if let Some(bytes) = manifest {
            loads.push((Some(year), index::Load::of_manifest(bytes)));
        }
    }
    let load_of = |edition: Option<i32>| loads.iter().find(|(e, _)| *e == edition).map(|(_, l)| l);
    let site = load_of(None).cloned().unwrap_or_default();
    // What the first query of each search page loads: the site-wide page searches the
    // site-wide pages and the newest edition at once; an edition's page searches its own
    // index and reads the site-wide manifest (to offer every edition), as the edition filter
    // of the site-wide page does for an edition indexed in `search/<year>/`. A frozen
    // edition's own page is as it was archived and not weighed again.
    let mut pages: Vec<(String, String, usize)> = Vec::new();
    let newest = years.first().and_then(|&y| load_of(Some(y)));
    pages.push((
        "search.html".into(),
        match years.first() {
            Some(y) => format!("{y}年度和全站页面"),
            None => "全站页面".into(),
        },
        runtime + index::query_bytes(&[&site].into_iter().chain(newest).collect::<Vec<_>>(), 0),
    ));
    for plan in plans.iter().skip(1) {
        let (Some(year), Some(load)) = (plan.edition, load_of(plan.edition)) else {
            continue;
        };
        let page = if plan.runtime {
            format!("{year}/search.html")
        } else {
            format!("search.html?edition={year}")
        };
        let query = runtime + index::query_bytes(&[load], site.manifest);
        pages.push((page, format!("{year}年度"), query));
    }
    // The most bytes one query of a search page may load before `check` warns.
    let budget = ctx.site.config.checks.search_query_kb as usize * 1024;
    for (page, scope, query) in pages {
        if query > figures.query {
            figures.query = query;
            figures.largest = page.clone();
        }
        if query > budget {
            found.push(
                Diagnostic::warning(
                    "W090",
                    format!(
                        "one query of the search page {page} ({scope}) may load {} KB, over the budget of {} KB",
                        query.div_ceil(1024),
                        budget / 1024
                    ),
                )
                .help(
                    "a query loads the runtime, the manifests, the chunks of its terms in each index it searches and the page groups of the results it shows; split the longest pages, or set `checks: {search_query_kb: …}` in site.yaml",
                ),
            );
        }
    }
    let every: Vec<&index::Load> = loads.iter().map(|(_, l)| l).collect();
    figures.all_editions_query = index::query_bytes(&every, 0);
    figures.all_editions_query += runtime;
    // Wall time of this step; the editions' indexes made with their pages are counted in
    // `Timings::search` (CPU over the rendering threads).
    figures.time = started.elapsed();
    out.search = figures;
}
