//! Site → output files in memory: narrative through minijinja then Markdown, charts through
//! `chart`, pages through the theme templates, data as CSV and JSON. Editions render in
//! parallel; the result is a sorted map, so output is byte-identical run to run.

use crate::chart::{HistoryChart, HistoryPoint, SeriesChart};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};
use crate::narrative;
use crate::narrative::markdown;
use crate::templates::{self, TemplateOrigins};
use crate::view::{self, ArticleMeta, ChartRef, HistoryRow, Link, PageHead, SeriesRow};
use crate::write::{settle, Output, Settled};
use minijinja::value::Serde;
use minijinja::{context, Environment, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Include editions and pages whose status is draft.
    pub drafts: bool,
    /// Set while `archive` freezes an edition: that edition is rendered afresh (not copied
    /// from archive/) and its pages carry the 已归档 note.
    pub freezing: Option<crate::archive::Freezing>,
    /// Mark every figure printed by a narrative function for review (`serve` only).
    pub preview: bool,
    /// Parts rendered by an earlier build, reused when their inputs are unchanged (`serve`).
    pub cache: Option<std::sync::Arc<crate::cache::RenderCache>>,
    /// Write each file into this folder as soon as it is rendered instead of keeping it in
    /// [`Output::files`] (`build`).
    pub stage: Option<std::sync::Arc<crate::write::staging::Staging>>,
}

/// Output files of one rendering job: (path relative to the output folder, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// What rendering an edition gives: its files and the non-fatal problems, or fatal errors.
type EditionResult = Result<(Vec<Settled>, Vec<Diagnostic>), Vec<Diagnostic>>;

pub(crate) struct Ctx<'a> {
    pub(crate) site: &'a Site,
    env: &'a Environment<'static>,
    origins: &'a TemplateOrigins,
    pub(crate) editions: Vec<&'a Edition>,
    pub(crate) site_view: Value,
    pub(crate) stage: Option<&'a crate::write::staging::Staging>,
    cache: Option<&'a crate::cache::RenderCache>,
    inputs: Option<&'a SiteInputs>,
    freezing: Option<&'a crate::archive::Freezing>,
    preview: bool,
    timings: &'a crate::timings::Timings,
}

impl Ctx<'_> {
    /// [`settle`]s each of `files`.
    pub(crate) fn settle_all(&self, files: Files) -> Vec<Settled> {
        files
            .into_iter()
            .map(|(path, bytes)| settle(self.stage, path, bytes))
            .collect()
    }
}

/// What every rendering of a site shares: one template environment (templates compiled
/// once), the editions being published, the site view and the timing counters.
struct Shared<'a> {
    env: Environment<'static>,
    origins: TemplateOrigins,
    editions: Vec<&'a Edition>,
    site_view: Value,
    timings: crate::timings::Timings,
    /// Hashed inputs for the cache (`serve` only).
    inputs: Option<SiteInputs>,
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, options: &RenderOptions) -> Result<Shared<'a>, Diagnostics> {
        let (env, origins) = templates::environment(site, &site.theme).map_err(Diagnostics)?;
        let editions: Vec<&Edition> = site
            .editions
            .iter()
            .filter(|e| options.drafts || !e.is_draft())
            .collect();
        let site_view = Value::from(Serde(view::site_view(site, &editions)));
        let inputs = options
            .cache
            .is_some()
            .then(|| SiteInputs::new(site, &editions, options));
        Ok(Shared {
            inputs,
            env,
            origins,
            editions,
            site_view,
            timings: crate::timings::Timings::default(),
        })
    }

    fn ctx<'b>(&'b self, site: &'b Site, options: &'b RenderOptions) -> Ctx<'b> {
        Ctx {
            site,
            env: &self.env,
            origins: &self.origins,
            editions: self.editions.clone(),
            site_view: self.site_view.clone(),
            stage: options.stage.as_deref(),
            cache: options.cache.as_deref(),
            inputs: self.inputs.as_ref(),
            freezing: options.freezing.as_ref(),
            preview: options.preview,
            timings: &self.timings,
        }
    }
}

/// Renders the whole site in memory, or returns every error found while rendering.
///
/// Every page is rendered in two versions from the same view: the standard page and its
/// 关怀版 (large type, high contrast) copy under `care/`. The copy holds pages only: its
/// links between pages stay inside care/, its links to charts, data and stylesheets lead to
/// the standard site's files.
pub fn render(site: &Site, options: &RenderOptions) -> Result<Output, Diagnostics> {
    let shared = Shared::new(site, options)?;
    // Archived editions are copied from archive/<year>/, never re-rendered.
    let archives = crate::archive::Archives::load(site, options);
    let mut out = render_pass(&shared.ctx(site, options), options, &archives)?;
    out.timings = shared.timings;
    Ok(out)
}

/// Renders the page at `path` with `template` in both versions: the standard page, and its
/// 关怀版 copy at `care/<path>` whose links to anything but pages lead to the standard files.
/// `value` gets the page head and gives the template's context, so the view is built once.
pub(crate) fn render_page(
    ctx: &Ctx,
    template: &str,
    path: &str,
    head: impl Fn(bool) -> Value,
    value: impl Fn(Value) -> Value,
) -> Result<Files, Diagnostic> {
    let standard = render_string(ctx, template, value(head(false)))?;
    let care = render_string(ctx, template, value(head(true)))?;
    let care = crate::html::care::point_assets_at_standard(
        &care,
        path,
        ctx.site.config.base_url.as_deref(),
    );
    Ok(vec![
        (path.to_string(), standard.into_bytes()),
        (format!("care/{path}"), care.into_bytes()),
    ])
}

/// Runs `f` with the context a standard (not 关怀版) rendering of `site` uses, for renderings
/// of the same content in another shape (`fragments`).
pub(crate) fn with_ctx<R>(
    site: &Site,
    options: &RenderOptions,
    f: impl FnOnce(&Ctx) -> R,
) -> Result<R, Diagnostics> {
    let shared = Shared::new(site, options)?;
    let mut ctx = shared.ctx(site, options);
    ctx.freezing = None;
    ctx.preview = false;
    Ok(f(&ctx))
}

/// One rendering of the site: every edition not archived, the home page, static files, the
/// archived editions' frozen files and the site-wide files.
fn render_pass(
    ctx: &Ctx,
    options: &RenderOptions,
    archives: &crate::archive::Archives,
) -> Result<Output, Diagnostics> {
    let results: Vec<EditionResult> = ctx
        .editions
        .par_iter()
        .filter(|e| !archives.contains(e.year))
        .map(|e| render_edition(ctx, e, options))
        .chain(rayon::iter::once(
            render_home(ctx).map(|f| (ctx.settle_all(f), Vec::new())),
        ))
        .collect();

    let mut out = Output::default();
    out.editions = ctx.editions.len();
    let mut diags = Diagnostics::default();
    for r in results {
        match r {
            Ok((files, problems)) => {
                out.problems.extend(problems);
                for file in files {
                    out.add(file);
                }
            }
            Err(ds) => diags.extend(ds),
        }
    }
    for (name, bytes) in &ctx.site.theme.static_files {
        out.insert(format!("static/{name}"), bytes.clone());
    }
    diags.extend(archives.copy_into(&mut out, ctx.stage));
    if let Err(ds) = crate::publish::render_site_files(ctx, &mut out) {
        diags.extend(ds);
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    out.warnings = diags.0;
    Ok(out)
}

pub(crate) fn render_template(ctx: &Ctx, name: &str, value: Value) -> Result<Vec<u8>, Diagnostic> {
    render_string(ctx, name, value).map(String::into_bytes)
}

fn render_string(ctx: &Ctx, name: &str, value: Value) -> Result<String, Diagnostic> {
    ctx.env
        .get_template(name)
        .and_then(|t| t.render(value))
        .map_err(|e| templates::template_error(ctx.site, ctx.origins, &e))
}

/// Head data of the page written at `path` (relative to the output folder).
pub(crate) fn head(
    ctx: &Ctx,
    care: bool,
    title: &str,
    path: &str,
    article: Option<ArticleMeta>,
    breadcrumbs: Vec<Link>,
) -> Value {
    let depth = path.matches('/').count();
    let root = "../".repeat(depth);
    Value::from(Serde(PageHead {
        // A frozen page is copied as it is into both versions of the site, so it cannot
        // know which one it sits in: it offers no switch.
        counterpart: if ctx.freezing.is_some_and(|f| f.note_for(path).is_some()) {
            String::new()
        } else if care {
            format!("{root}../{path}")
        } else {
            format!("{root}care/{path}")
        },
        care,
        title: title.to_string(),
        root,
        article,
        breadcrumbs,
        canonical: ctx
            .site
            .config
            .base_url
            .as_ref()
            .map(|base| format!("{}/{path}", base.trim_end_matches('/'))),
        archived: ctx.freezing.and_then(|f| f.note_for(path)),
    }))
}

fn render_home(ctx: &Ctx) -> Result<Files, Vec<Diagnostic>> {
    let latest = ctx.editions.last().map(|e| {
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

/// A narrative page rendered: sanitised HTML with figures in place, and its headings.
pub(crate) struct Narrative {
    pub(crate) html: String,
    pub(crate) headings: Vec<markdown::Heading>,
    pub(crate) has_withheld: bool,
    pub(crate) problems: Vec<Diagnostic>,
}

pub(crate) fn render_narrative(
    ctx: &Ctx,
    edition: &Edition,
    file: usize,
) -> Result<Narrative, Diagnostic> {
    ctx.timings
        .narrative
        .time(|| render_narrative_untimed(ctx, edition, file))
}

fn render_narrative_untimed(
    ctx: &Ctx,
    edition: &Edition,
    file: usize,
) -> Result<Narrative, Diagnostic> {
    let name = templates::narrative_name(ctx.site, file);
    let md = ctx
        .env
        .get_template(&name)
        .and_then(|t| t.render(context! { year => edition.year }))
        .map_err(|e| templates::template_error(ctx.site, ctx.origins, &e))?;
    let (html, headings) = markdown::render(&md);
    let sub = narrative::substitute(&html, ctx.site, edition, ctx.preview);
    let problems = sub
        .problems
        .iter()
        .map(|problem| {
            Diagnostic::error(narrative::FUNCTION_ERROR, format!("narrative: {problem}"))
                .at(file, 1, 1, 1)
                .help("the id comes from template logic; make sure it names an indicator of this edition")
        })
        .collect();
    Ok(Narrative {
        html: sub.html,
        headings,
        has_withheld: sub.has_withheld,
        problems,
    })
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
pub(crate) fn edition_value(
    site: &Site,
    edition: &Edition,
    pages: &[&crate::model::Page<crate::model::config::PageFront>],
) -> Value {
    let year = edition.year;
    let front = &edition.report.front;
    let page_links: Vec<Link> = std::iter::once(Link {
        title: front.title.clone(),
        url: format!("{year}/index.html"),
    })
    .chain(pages.iter().map(|p| Link {
        title: p.front.title.clone(),
        url: format!("{year}/{}.html", p.slug),
    }))
    .collect();
    let sections = view::sections(site, edition);
    let table_has_withheld = sections
        .iter()
        .any(|s| s.indicators.iter().any(|r| r.withheld));
    context! {
        year,
        title => front.title.clone(),
        url => format!("{year}/index.html"),
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

fn render_edition(ctx: &Ctx, edition: &Edition, options: &RenderOptions) -> EditionResult {
    let site = ctx.site;
    let year = edition.year;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut problems = Vec::new();
    let front = &edition.report.front;
    let edition_crumb = Link {
        title: format!("{year}年度"),
        url: format!("{year}/index.html"),
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
            .get_or_init(|| edition_value(site, edition, &pages))
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
    let report_part = narrative_part(edition.report.file, &|| {
        let n = render_narrative(ctx, edition, edition.report.file).map_err(|d| vec![d])?;
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
    for part in std::iter::once(report_part)
        .chain(page_parts)
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
    let indicator_files: Vec<Result<Vec<Settled>, Vec<Diagnostic>>> = edition
        .indicators()
        .collect::<Vec<_>>()
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
    for r in indicator_files {
        match r {
            Ok(f) => files.extend(f),
            Err(mut ds) => errors.append(&mut ds),
        }
    }
    files.extend(ctx.settle_all(vec![
        (format!("{year}/data.csv"), crate::data::data_csv(edition)),
        (
            format!("{year}/data.json"),
            crate::data::data_json(site, edition),
        ),
    ]));
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

/// Renders a part and settles its files, through the cache when there is one; the
/// fingerprints are computed only then.
pub(crate) fn cached(
    ctx: &Ctx,
    key: impl FnOnce() -> String,
    coarse: impl FnOnce(&SiteInputs) -> u64,
    fine: impl FnOnce(&SiteInputs) -> u64,
    render: &dyn Fn() -> Result<(Files, Vec<Diagnostic>), Vec<Diagnostic>>,
) -> Result<crate::cache::Part, Vec<Diagnostic>> {
    let settled = || render().map(|(files, problems)| (ctx.settle_all(files), problems));
    match (ctx.cache, ctx.inputs) {
        (Some(cache), Some(inputs)) => cache.part(key(), coarse(inputs), || fine(inputs), settled),
        _ => settled(),
    }
}

/// The source texts every part depends on, hashed once per rendering (only with a cache).
pub(crate) struct SiteInputs {
    /// Settings, theme, the list of editions with their front matter, options.
    pub(crate) base: u64,
    /// By year: every indicators.yaml up to that edition (an indicator's history).
    data_upto: BTreeMap<i32, u64>,
    /// Every indicators.yaml (the cross-edition pages and data).
    pub(crate) all_data: u64,
}

impl SiteInputs {
    fn new(site: &Site, editions: &[&Edition], options: &RenderOptions) -> SiteInputs {
        use crate::cache::fingerprint;
        let text = |file: usize| site.sources.get(file).text.as_str();
        let front = |e: &Edition| &text(e.report.file)[..e.report.body_start];
        let theme: Vec<(&String, &String, Option<&Vec<u8>>)> = site
            .theme
            .templates
            .iter()
            .map(|(k, (v, _))| (k, v, None))
            .chain(site.theme.static_files.iter().map(|(k, v)| (k, k, Some(v))))
            .collect();
        let fronts: Vec<(i32, &str, bool)> = editions
            .iter()
            .map(|e| (e.year, front(e), e.is_draft()))
            .collect();
        let base = fingerprint((
            text(site.config_file),
            theme,
            fronts,
            options.preview,
            options.drafts,
            options
                .freezing
                .as_ref()
                .map(|f| (f.year, f.date.to_string())),
        ));
        let mut data_upto = BTreeMap::new();
        let mut running = base;
        for e in editions {
            running = fingerprint((running, text(e.indicators_file)));
            data_upto.insert(e.year, running);
        }
        SiteInputs {
            base,
            data_upto,
            all_data: running,
        }
    }

    /// The history of indicator `ind` up to `year`: its figures and those of its parts in
    /// every edition, and its name and unit.
    pub(crate) fn history(&self, ctx: &Ctx, year: i32, ind: &Indicator) -> u64 {
        let ids: Vec<&str> = std::iter::once(ind.id.as_str())
            .chain(ind.parts.iter().map(String::as_str))
            .collect();
        let history: Vec<(i32, Vec<String>)> = ctx
            .editions
            .iter()
            .filter(|e| e.year <= year)
            .map(|e| {
                let figures = ids
                    .iter()
                    .map(|id| format!("{:?}", e.indicator(id)))
                    .collect();
                (e.year, figures)
            })
            .collect();
        crate::cache::fingerprint((self.base, history))
    }
}

/// The source texts each part of an edition is made from, hashed.
struct PartInputs {
    /// The edition's front matter and list of pages (they appear on all its pages).
    edition: u64,
    /// indicators.yaml of this edition and of the previous one (for change()).
    data: u64,
    /// Every indicators.yaml up to this edition.
    history: u64,
}

impl PartInputs {
    fn new(ctx: &Ctx, edition: &Edition) -> Option<PartInputs> {
        use crate::cache::fingerprint;
        let inputs = ctx.inputs?;
        let text = |file: usize| ctx.site.sources.get(file).text.as_str();
        let pages: Vec<(&str, &str)> = edition
            .pages
            .iter()
            .map(|p| (p.slug.as_str(), &text(p.file)[..p.body_start]))
            .collect();
        let previous = ctx
            .site
            .previous(edition.year)
            .map(|p| text(p.indicators_file));
        let front = &text(edition.report.file)[..edition.report.body_start];
        Some(PartInputs {
            edition: fingerprint((inputs.base, front, pages)),
            data: fingerprint((text(edition.indicators_file), previous)),
            history: inputs.data_upto.get(&edition.year).copied().unwrap_or(0),
        })
    }

    /// A narrative page: its own text besides the edition's inputs.
    fn narrative(&self, text: &str) -> u64 {
        crate::cache::fingerprint((self.edition, self.data, text))
    }

    /// Every indicator part of the edition: a superset of any one's inputs.
    fn indicators(&self) -> u64 {
        crate::cache::fingerprint((self.edition, self.history))
    }

    /// One indicator's page and charts: its own figures and those of its parts in every
    /// edition up to this one, and the indicators of this edition it is a part of.
    fn indicator(&self, ctx: &Ctx, inputs: &SiteInputs, edition: &Edition, ind: &Indicator) -> u64 {
        let part_of: Vec<(&str, &str)> = edition
            .wholes_of(&ind.id)
            .map(|i| (i.id.as_str(), i.name.as_str()))
            .collect();
        crate::cache::fingerprint((
            self.edition,
            inputs.history(ctx, edition.year, ind),
            part_of,
        ))
    }
}

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
        alt: hc.desc.clone(),
        caption: format!("图1：{}", hc.title),
    }];
    if let Some(sc) = sc {
        charts.push(ChartRef {
            src: chart_path(year, id, ".series"),
            alt: sc.desc.clone(),
            caption: format!("图2：{}", sc.title),
        });
    }
    charts
}

fn render_indicator(
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
        ctx.timings.charts.time(|| hc.to_svg()).into_bytes(),
    ));
    if let Some(sc) = &sc {
        files.push((
            chart_path(year, &ind.id, ".series"),
            ctx.timings.charts.time(|| sc.to_svg()).into_bytes(),
        ));
    }

    let detail = Value::from(Serde(indicator_detail(ctx, edition, ind, charts)));
    let front = &edition.report.front;
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
