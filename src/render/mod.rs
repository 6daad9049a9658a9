//! The render layer: the site model → pages, charts and data files, in memory and in
//! parallel. Narrative goes through minijinja then Markdown (`page`), charts through `chart`,
//! pages through the theme templates (`templates`, with what they see built in `view`), data
//! as CSV and JSON (`data`). `edition` renders an edition's pages, `indicator` one indicator's
//! page and charts, and `incremental` lets `serve` reuse the parts whose inputs did not
//! change. Site-wide outputs (archived editions, history pages, the site map …) are the
//! assemble layer's; the order of the steps is `pipeline`'s.

mod chart_data;
pub mod data;
mod describe;
mod edition;
pub mod incremental;
mod indicator;
mod nianbao;
mod page;
pub(crate) mod search;
pub mod templates;
mod versions;
pub mod view;

pub(crate) use chart_data::history_chart;
pub(crate) use edition::{edition_value, published_pages};
pub use incremental::RenderCache;
pub(crate) use incremental::{cached, SiteInputs};
pub(crate) use indicator::{chart_csv_path, chart_path, history_rows};
pub(crate) use indicator::{chart_refs, indicator_detail, series_chart};
pub(crate) use nianbao::{
    body as nianbao_body, csv as nianbao_csv, published as published_nianbao,
};
pub(crate) use nianbao::{json_all as nianbao_json, page_path as nianbao_path};
pub(crate) use page::{head, render_narrative, render_page, render_template, render_versions};
pub(crate) use versions::PageVersions;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Edition, Site};
use crate::write::{settle, Output, Settled};
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use rayon::prelude::*;
use templates::TemplateOrigins;

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Include editions and pages whose status is draft.
    pub drafts: bool,
    /// Set while `archive` freezes an edition: that edition is rendered afresh (not copied
    /// from archive/) and its pages carry the 已归档 note.
    pub freezing: Option<crate::render::Freezing>,
    /// Mark every figure printed by a narrative function for review (`serve` only).
    pub preview: bool,
    /// Parts rendered by an earlier build, reused when their inputs are unchanged (`serve`).
    pub cache: Option<std::sync::Arc<incremental::RenderCache>>,
    /// Write each file into this folder as soon as it is rendered instead of keeping it in
    /// [`Output::files`] (`build`).
    pub stage: Option<std::sync::Arc<crate::write::staging::Staging>>,
    /// Texts read in place of the project's files (`import --dry-run`: the sources as the
    /// import would write them).
    pub overlay: Option<std::sync::Arc<crate::load::Overlay>>,
}

/// An edition being frozen by `archive`: rendered afresh, with the 已归档 note.
#[derive(Debug, Clone)]
pub struct Freezing {
    pub year: i32,
    pub date: crate::date::Date,
}

impl Freezing {
    /// The note for the page at `path` (relative to the site root), if it belongs to the
    /// edition being frozen.
    pub fn note_for(&self, path: &str) -> Option<view::ArchivedNote> {
        path.strip_prefix(&format!("{}/", self.year))
            .map(|_| view::ArchivedNote {
                date: self.date.to_string(),
                manifest: format!("{}/{}", self.year, crate::model::manifest::MANIFEST),
            })
    }
}

/// Output files of one rendering job: (path relative to the output folder, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// What rendering an edition gives: its files and the non-fatal problems, or fatal errors.
use crate::html::search_index::Stats;

type EditionResult = Result<(Vec<Settled>, Vec<Diagnostic>), Vec<Diagnostic>>;

pub(crate) struct Ctx<'a> {
    pub(crate) site: &'a Site,
    env: &'a Environment<'static>,
    origins: &'a TemplateOrigins,
    pub(crate) editions: Vec<&'a Edition>,
    pub(crate) site_view: Value,
    pub(crate) stage: Option<&'a crate::write::staging::Staging>,
    cache: Option<&'a incremental::RenderCache>,
    inputs: Option<&'a SiteInputs>,
    freezing: Option<&'a crate::render::Freezing>,
    preview: bool,
    /// Whether draft editions, pages and annual reports are published (`--drafts`).
    pub(crate) drafts: bool,
    pub(crate) timings: &'a crate::timings::Timings,
    secrets: &'a [crate::narrative::withheld::Secret<'a>],
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
pub(crate) struct Shared<'a> {
    env: Environment<'static>,
    origins: TemplateOrigins,
    editions: Vec<&'a Edition>,
    site_view: Value,
    pub(crate) timings: crate::timings::Timings,
    /// Hashed inputs for the cache (`serve` only).
    inputs: Option<SiteInputs>,
    /// Every withheld figure with its real value, for the check of each rendered narrative.
    secrets: Vec<crate::narrative::withheld::Secret<'a>>,
}

impl<'a> Shared<'a> {
    /// `report_published` says whether an edition's annual report page will be in the
    /// output: an archived edition publishes only what its archive holds.
    pub(crate) fn new(
        site: &'a Site,
        options: &RenderOptions,
        report_published: &dyn Fn(i32) -> bool,
    ) -> Result<Shared<'a>, Diagnostics> {
        let (env, origins) = templates::environment(site, &site.theme).map_err(Diagnostics)?;
        let editions: Vec<&Edition> = site
            .editions
            .iter()
            .filter(|e| options.drafts || !e.is_draft())
            .collect();
        let site_view = Value::from(Serde(view::site_view(
            site,
            &editions,
            options.drafts,
            report_published,
        )));
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
            secrets: crate::narrative::withheld::secrets(site),
        })
    }

    pub(crate) fn ctx<'b>(&'b self, site: &'b Site, options: &'b RenderOptions) -> Ctx<'b> {
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
            drafts: options.drafts,
            timings: &self.timings,
            secrets: &self.secrets,
        }
    }
}

/// Renders every published edition that `archived` does not claim, and the home page, in
/// parallel; returns what was made and every error found.
///
/// Every page is rendered in two versions from the same view: the standard page and its
/// 关怀版 (large type, high contrast) copy under `care/`. The copy holds pages only: its
/// links between pages stay inside care/, its links to charts, data and stylesheets lead to
/// the standard site's files.
pub(crate) fn render_editions(
    ctx: &Ctx,
    options: &RenderOptions,
    archived: &(dyn Fn(i32) -> bool + Sync),
) -> (Output, Diagnostics) {
    let results: Vec<(Option<(i32, Stats)>, EditionResult)> = ctx
        .editions
        .par_iter()
        .filter(|e| !archived(e.year))
        .map(|e| {
            let mut index = None;
            let result = edition::render_edition(ctx, e, options).map(|(mut files, problems)| {
                // `build` makes an edition's index as soon as its pages are, so their texts
                // go with it; the preview keeps every text in its cache anyway and makes
                // the indexes through it (`assemble::search`).
                if ctx.cache.is_none() {
                    let stats = ctx
                        .timings
                        .search
                        .time(|| search::index_edition(ctx.stage, e.year, &mut files));
                    index = Some((e.year, stats));
                }
                (files, problems)
            });
            (index, result)
        })
        .chain(rayon::iter::once((
            None,
            edition::render_home(ctx).map(|f| (ctx.settle_all(f), Vec::new())),
        )))
        .collect();

    let mut out = Output::default();
    out.editions = ctx.editions.len();
    out.reserve(
        results
            .iter()
            .map(|(_, r)| r.as_ref().map_or(0, |(files, _)| files.len()))
            .sum(),
    );
    let mut diags = Diagnostics::default();
    for (index, r) in results {
        out.edition_indexes.extend(index);
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
    (out, diags)
}

/// Runs `f` with the context a standard (not 关怀版) rendering of `site` uses, for renderings
/// of the same content in another shape (`fragments`).
pub(crate) fn with_ctx<R>(
    site: &Site,
    options: &RenderOptions,
    f: impl FnOnce(&Ctx) -> R,
) -> Result<R, Diagnostics> {
    let shared = Shared::new(site, options, &|_| true)?;
    let mut ctx = shared.ctx(site, options);
    ctx.freezing = None;
    ctx.preview = false;
    Ok(f(&ctx))
}
