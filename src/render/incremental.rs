//! What `serve` keeps between rebuilds: rendered parts of the site (an edition's indicator
//! pages, charts and data; one narrative page) by a fingerprint of everything they are made
//! from. A rebuild renders again only the parts whose inputs changed, so saving one report.md
//! re-renders that page, not the edition's thousand indicator pages and charts.
//!
//! A fingerprint hashes source texts, not parsed values, so it is cheap and exact: any byte
//! that could change a part changes its fingerprint.

use super::{Ctx, Files, RenderOptions};
use crate::diagnostic::Diagnostic;
use crate::html::search_text::PageText;
use crate::model::{Edition, Indicator, Site};
use crate::write::Settled;
use std::any::Any;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Files of one part with the non-fatal problems found while rendering it.
/// The files of one part, settled (bytes shared, links taken), with the non-fatal problems
/// found while rendering it.
pub type Part = (Vec<Settled>, Vec<Diagnostic>);

/// A part's fingerprints: `coarse` hashes a superset of its inputs and is cheap (e.g. every
/// indicators.yaml up to its edition, hashed once per edition); `fine` hashes exactly its
/// inputs (its own figures) and is computed only when the coarse one changed. Saving one
/// report.md so costs a few hashes per edition, not one per indicator page.
#[derive(Debug)]
struct Entry {
    coarse: u64,
    fine: u64,
    part: Arc<Part>,
}

/// Something made from rendered pages rather than from sources (a search index): the pages'
/// texts it was made from, held so that an unchanged page is known by its pointer (a text
/// kept here is never freed, so no other text can take its address), a fingerprint of
/// whatever else it is made from, and what was made.
struct FromPages {
    pages: Vec<(String, Arc<PageText>)>,
    other: u64,
    made: Arc<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for FromPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FromPages({} pages)", self.pages.len())
    }
}

#[derive(Debug, Default)]
pub struct RenderCache {
    parts: Mutex<HashMap<String, Entry>>,
    from_pages: Mutex<HashMap<String, FromPages>>,
    /// Things made from pages (search indexes) made again, not counted as parts.
    made_from_pages: AtomicUsize,
    /// Parsed indicators files, for loading.
    pub parsed: crate::load::ParseCache,
    rendered: AtomicUsize,
    reused: AtomicUsize,
}

impl RenderCache {
    /// The part named `key` as cached for its inputs, or rendered now (and kept when it
    /// rendered without fatal errors). Equal `coarse` fingerprints mean equal inputs; when
    /// they differ, the `fine` one decides.
    pub fn part(
        &self,
        key: String,
        coarse: u64,
        fine: impl FnOnce() -> u64,
        render: impl FnOnce() -> Result<Part, Vec<Diagnostic>>,
    ) -> Result<Part, Vec<Diagnostic>> {
        let known = self
            .lock()
            .get(&key)
            .map(|e| (e.coarse, e.fine, Arc::clone(&e.part)));
        // Fingerprints are computed outside the lock: parts render in parallel.
        let fine = match known {
            Some((c, _, part)) if c == coarse => return Ok(self.reuse(&part)),
            Some((_, f, part)) => {
                let fine = fine();
                if fine == f {
                    if let Some(e) = self.lock().get_mut(&key) {
                        e.coarse = coarse;
                    }
                    return Ok(self.reuse(&part));
                }
                fine
            }
            None => fine(),
        };
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let part = render()?;
        self.lock().insert(
            key,
            Entry {
                coarse,
                fine,
                part: Arc::new(part.clone()),
            },
        );
        Ok(part)
    }

    /// What was made under `key` from the same `pages` (path and text, in order) and the same
    /// `other` inputs, or made now and kept. A page counts as the same when its text is the
    /// very one seen before (a part reused from the cache) or an equal one (a page rendered
    /// again, like the home page on every rebuild), so the exact texts are compared, never
    /// a hash of them.
    pub fn from_pages<T: Clone + Send + Sync + 'static>(
        &self,
        key: &str,
        pages: &[(String, Arc<PageText>)],
        other: u64,
        make: impl FnOnce() -> T,
    ) -> T {
        let same = |kept: &FromPages| {
            kept.other == other
                && kept.pages.len() == pages.len()
                && kept
                    .pages
                    .iter()
                    .zip(pages)
                    .all(|((kp, kt), (p, t))| kp == p && (Arc::ptr_eq(kt, t) || kt == t))
        };
        let known = self
            .lock_from_pages()
            .get(key)
            .filter(|kept| same(kept))
            .and_then(|kept| kept.made.downcast_ref::<T>().cloned());
        if let Some(made) = known {
            return made;
        }
        self.made_from_pages.fetch_add(1, Ordering::Relaxed);
        let made = make();
        self.lock_from_pages().insert(
            key.to_string(),
            FromPages {
                pages: pages.to_vec(),
                other,
                made: Arc::new(made.clone()),
            },
        );
        made
    }

    /// Parts that share one coarse fingerprint (an edition's indicators), kept together too,
    /// so that a rebuild in which none of them can have changed takes them in one look-up
    /// instead of one per part; `parts` is how many there are (counted as reused). The
    /// group is kept only after `render` looked every one of its parts up with this
    /// fingerprint (so each one is now kept for it) and none failed: taking the group is
    /// taking each part as the cache holds it.
    pub(crate) fn group(
        &self,
        key: String,
        coarse: u64,
        parts: usize,
        render: impl FnOnce() -> Result<Part, Vec<Diagnostic>>,
    ) -> Result<Part, Vec<Diagnostic>> {
        let known = self
            .lock()
            .get(&key)
            .filter(|e| e.coarse == coarse)
            .map(|e| Arc::clone(&e.part));
        if let Some(part) = known {
            self.reused.fetch_add(parts, Ordering::Relaxed);
            return Ok((*part).clone());
        }
        let part = render()?;
        self.lock().insert(
            key,
            Entry {
                coarse,
                fine: coarse,
                part: Arc::new(part.clone()),
            },
        );
        Ok(part)
    }

    fn reuse(&self, part: &Part) -> Part {
        self.reused.fetch_add(1, Ordering::Relaxed);
        part.clone()
    }

    /// (parts rendered, parts reused) since the last call; resets both.
    pub fn take_counts(&self) -> (usize, usize) {
        (
            self.rendered.swap(0, Ordering::Relaxed),
            self.reused.swap(0, Ordering::Relaxed),
        )
    }

    /// How many things made from pages (search indexes) were made again since the last
    /// call; resets it.
    pub fn take_made_from_pages(&self) -> usize {
        self.made_from_pages.swap(0, Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.parts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_from_pages(&self) -> std::sync::MutexGuard<'_, HashMap<String, FromPages>> {
        self.from_pages.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fingerprint of anything hashable, e.g. a tuple of source texts.
pub fn fingerprint(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Renders a part and settles its files, through the cache when there is one; the
/// fingerprints are computed only then.
pub(crate) fn cached(
    ctx: &Ctx,
    key: impl FnOnce() -> String,
    coarse: impl FnOnce(&SiteInputs) -> u64,
    fine: impl FnOnce(&SiteInputs) -> u64,
    render: &dyn Fn() -> Result<(Files, Vec<Diagnostic>), Vec<Diagnostic>>,
) -> Result<Part, Vec<Diagnostic>> {
    let settled = || render().map(|(files, problems)| (ctx.settle_all(files), problems));
    match (ctx.cache, ctx.inputs) {
        (Some(cache), Some(inputs)) => cache.part(key(), coarse(inputs), || fine(inputs), settled),
        _ => settled(),
    }
}

/// Makes something from rendered pages (a search index) through the cache when there is
/// one: see [`RenderCache::from_pages`].
pub(crate) fn from_pages<T: Clone + Send + Sync + 'static>(
    ctx: &Ctx,
    key: &str,
    pages: &[(String, Arc<PageText>)],
    other: impl FnOnce() -> u64,
    make: impl FnOnce() -> T,
) -> T {
    match ctx.cache {
        Some(cache) => cache.from_pages(key, pages, other(), make),
        None => make(),
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
    pub(super) fn new(site: &Site, editions: &[&Edition], options: &RenderOptions) -> SiteInputs {
        let text = |file: usize| site.sources.get(file).text.as_str();
        // Both documents' front matter: the site view lists the editions and the annual
        // reports by title and date.
        let front = |e: &Edition| {
            (
                e.report.as_ref().map(|r| &text(r.file)[..r.body_start]),
                e.nianbao
                    .as_ref()
                    .map(|n| &text(n.page.file)[..n.page.body_start]),
            )
        };
        let theme: Vec<(&String, &String, Option<&Vec<u8>>)> = site
            .theme
            .templates
            .iter()
            .map(|(k, (v, _))| (k, v, None))
            .chain(site.theme.static_files.iter().map(|(k, v)| (k, k, Some(v))))
            .collect();
        let fronts: Vec<(i32, _, bool)> = editions
            .iter()
            .map(|e| (e.year, front(e), e.is_draft()))
            .collect();
        let base = fingerprint((
            text(site.config_file),
            theme,
            (&site.theme.chart.palette, site.theme.chart.target),
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
            running = fingerprint((running, e.indicators_file.map(text)));
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
        fingerprint((self.base, history))
    }
}

/// The source texts each part of an edition is made from, hashed.
pub(super) struct PartInputs {
    /// The edition's front matter and list of pages (they appear on all its pages).
    edition: u64,
    /// indicators.yaml of this edition and of the previous one (for change()).
    data: u64,
    /// Every indicators.yaml up to this edition.
    history: u64,
    /// Every nianbao.yaml up to this edition (the annual report's year-over-year part).
    reports: u64,
}

impl PartInputs {
    pub(super) fn new(ctx: &Ctx, edition: &Edition) -> Option<PartInputs> {
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
            .and_then(|p| p.indicators_file.map(text));
        let front = edition
            .report
            .as_ref()
            .map(|r| &text(r.file)[..r.body_start]);
        // Any narrative may print a cell of this year's or last year's annual report.
        let report_data = |e: &Edition| e.nianbao.as_ref().map(|n| text(n.data_file));
        let report_front = edition
            .nianbao
            .as_ref()
            .map(|n| &text(n.page.file)[..n.page.body_start]);
        let previous_report = ctx.site.previous(edition.year).and_then(report_data);
        let reports: Vec<Option<&str>> = ctx
            .editions
            .iter()
            .filter(|e| e.year <= edition.year)
            .map(|e| report_data(e))
            .collect();
        Some(PartInputs {
            edition: fingerprint((inputs.base, front, pages, report_front)),
            data: fingerprint((
                edition.indicators_file.map(text),
                previous,
                report_data(edition),
                previous_report,
            )),
            history: inputs.data_upto.get(&edition.year).copied().unwrap_or(0),
            reports: fingerprint(reports),
        })
    }

    /// A narrative page: its own text besides the edition's inputs, and every earlier
    /// edition's data (a figure withheld there must not appear on the page).
    pub(super) fn narrative(&self, text: &str) -> u64 {
        fingerprint((self.edition, self.data, self.history, text))
    }

    /// The annual report's page: its narrative, and every report up to this one.
    pub(super) fn nianbao(&self, text: &str) -> u64 {
        fingerprint((self.narrative(text), self.reports))
    }

    /// The edition's data.csv and data.json: its front matter and its own indicators.
    pub(super) fn data_files(&self, ctx: &Ctx, edition: &Edition) -> u64 {
        let text = |file: usize| ctx.site.sources.get(file).text.as_str();
        fingerprint((self.edition, edition.indicators_file.map(text)))
    }

    /// Every indicator part of the edition: a superset of any one's inputs.
    pub(super) fn indicators(&self) -> u64 {
        fingerprint((self.edition, self.history))
    }

    /// One indicator's page and charts: its own figures and those of its parts in every
    /// edition up to this one, and the indicators of this edition it is a part of.
    pub(super) fn indicator(
        &self,
        ctx: &Ctx,
        inputs: &SiteInputs,
        edition: &Edition,
        ind: &Indicator,
    ) -> u64 {
        let part_of: Vec<(&str, &str)> = edition
            .wholes_of(&ind.id)
            .map(|i| (i.id.as_str(), i.name.as_str()))
            .collect();
        fingerprint((
            self.edition,
            inputs.history(ctx, edition.year, ind),
            part_of,
        ))
    }
}
