//! The rendered site on its way out: [`Output`] (every file the build makes, kept in memory
//! or already written to the staging folder, with what the link check needs of each page)
//! and [`Settled`], one rendered file as it enters it.

use crate::diagnostic::Diagnostic;
use crate::html::links::PageLinks;
use crate::html::search_text::PageText;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every output file by its path relative to the output folder, and what was made.
#[derive(Debug, Default)]
pub struct Output {
    /// Files kept in memory, by path relative to the output folder.
    pub files: BTreeMap<String, Bytes>,
    /// Every path the build makes: kept in `files` or already written to the staging folder
    /// ([`RenderOptions::stage`]). Hashed fast: the link check looks up every link of every
    /// page here.
    paths: rustc_hash::FxHashSet<String>,
    /// The ids and links of every page of the standard site, for the link check.
    pub links: BTreeMap<String, Arc<PageLinks>>,
    /// The searchable text of every page of the standard site, for the search index.
    pub(crate) texts: BTreeMap<String, Arc<PageText>>,
    pub timings: crate::timings::Timings,
    /// Errors that did not stop a page from rendering (a narrative function whose figure
    /// could not be printed); the build still fails on them, but links can be checked.
    pub problems: Vec<Diagnostic>,
    pub editions: usize,
    pub pages: usize,
    pub charts: usize,
    /// Things the user should know that are not problems (e.g. skipped sitemap.xml).
    pub notes: Vec<String>,
    /// Warnings found while rendering (e.g. an archived edition's sources were edited).
    pub warnings: Vec<Diagnostic>,
    /// What the search indexes came to.
    pub search: SearchFigures,
    /// The indexes `build` made with their editions' pages (`render::search::index_edition`),
    /// by edition, for the figures of every index.
    pub(crate) edition_indexes: Vec<(i32, crate::html::search_index::Stats)>,
}

/// The search indexes a build made, for `check` and `build --timings`.
#[derive(Debug, Default, Clone)]
pub struct SearchFigures {
    /// Indexes built (frozen ones of archived editions are not counted).
    pub indexes: usize,
    /// Bytes of every index file and runtime copy written.
    pub bytes: usize,
    pub chunks: usize,
    /// The most bytes the first query on one search page may load (runtime, the manifests,
    /// the chunks of four terms in every index the page searches, the page groups of ten
    /// results), and which page that is (e.g. `search.html`).
    pub query: usize,
    pub largest: String,
    /// The same for a query of the site-wide page over every edition at once, at most.
    pub all_editions_query: usize,
    pub time: std::time::Duration,
}

impl Output {
    /// Whether the build makes the file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The paths the build makes that `keep` accepts, sorted.
    pub fn paths(&self, keep: impl Fn(&str) -> bool) -> Vec<&str> {
        let mut paths: Vec<&str> = self
            .paths
            .iter()
            .map(String::as_str)
            .filter(|p| keep(p))
            .collect();
        paths.sort_unstable();
        paths
    }

    /// Makes room for `files` more paths at once, rather than growing the path set step by
    /// step through tens of thousands of files.
    pub(crate) fn reserve(&mut self, files: usize) {
        self.paths.reserve(files);
    }

    /// Counts `path` as made before it is (the site map lists itself).
    pub(crate) fn expect(&mut self, path: &str) {
        self.paths.insert(path.to_string());
    }

    /// Drops every file whose path `keep` refuses.
    pub(crate) fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.files.retain(|p, _| keep(p));
        self.paths.retain(|p| keep(p));
        self.links.retain(|p, _| keep(p));
        self.texts.retain(|p, _| keep(p));
    }

    /// Adds a file kept in memory (one of the few made after the editions).
    pub(crate) fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.add(settle(None, path, bytes));
    }

    /// Adds a rendered file, counting the pages and charts of the standard site.
    pub(crate) fn add(&mut self, file: Settled) {
        let Settled {
            path,
            bytes,
            links,
            text,
        } = file;
        if path.ends_with(".html") && !path.starts_with("care/") {
            self.pages += 1;
        } else if path.ends_with(".svg") {
            self.charts += 1;
        }
        // Only a path made a second time can hold something to drop: looking each of a
        // large site's 40,000 files up in three sorted maps for nothing was a tenth of a
        // preview rebuild's CPU.
        let again = !self.paths.insert(path.clone());
        if let Some(l) = links {
            self.links.insert(path.clone(), l);
        } else if again {
            self.links.remove(&path);
        }
        if let Some(t) = text {
            self.texts.insert(path.clone(), t);
        } else if again {
            self.texts.remove(&path);
        }
        match bytes {
            Some(b) => {
                self.files.insert(path, b);
            }
            None if again => {
                self.files.remove(&path);
            }
            None => {}
        }
    }
}

/// The bytes of a file kept in memory, shared between the preview's cache and its site.
pub type Bytes = Arc<Vec<u8>>;

/// The files of an [`Output`] as plain bytes, for the commands that change or pack them.
/// Nothing is copied unless a cache still shares a file.
pub fn unshare(files: BTreeMap<String, Bytes>) -> BTreeMap<String, Vec<u8>> {
    files
        .into_iter()
        .map(|(path, bytes)| (path, Arc::unwrap_or_clone(bytes)))
        .collect()
}

/// A rendered file on its way into the [`Output`]: its bytes, unless they were written to
/// the staging folder already, and, for a page of the standard site, its ids and links.
#[derive(Debug, Clone)]
pub struct Settled {
    path: String,
    bytes: Option<Bytes>,
    links: Option<Arc<PageLinks>>,
    text: Option<Arc<PageText>>,
}

impl Settled {
    /// Relative to the output folder.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Takes the page's searchable text out, for its index: the file enters the
    /// [`Output`] without it.
    pub(crate) fn take_text(&mut self) -> Option<Arc<PageText>> {
        self.text.take()
    }
}

/// Takes what the link check needs from a page and, when the build writes as it goes,
/// writes the file and lets go of its bytes. Runs on the rendering threads, so the pages of
/// a large site are scanned in parallel and never held in memory all at once.
pub(crate) fn settle(
    stage: Option<&super::staging::Staging>,
    path: String,
    bytes: Vec<u8>,
) -> Settled {
    let page = path.ends_with(".html") && !path.starts_with("care/");
    // Search indexes what is published, read from the page as it is written, in the walk
    // that takes its links.
    let (links, text) = if page {
        let html = match std::str::from_utf8(&bytes) {
            Ok(html) => std::borrow::Cow::Borrowed(html),
            Err(_) => String::from_utf8_lossy(&bytes),
        };
        let (links, text) = crate::html::page::read(&html, &path);
        (Some(Arc::new(links)), Some(Arc::new(text)))
    } else {
        (None, None)
    };
    match stage {
        Some(stage) => {
            stage.put(&path, &bytes);
            Settled {
                path,
                bytes: None,
                links,
                text,
            }
        }
        None => Settled {
            path,
            bytes: Some(Arc::new(bytes)),
            links,
            text,
        },
    }
}
