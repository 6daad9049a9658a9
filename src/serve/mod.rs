//! `gongkai serve`: the build pipeline run again on every change, its result kept in memory
//! and served over HTTP with live reload. Nothing is written to disk, so `build` output can
//! never pick up a preview addition (reload script, error overlay, draft banner, review page):
//! those are added to responses only (`preview`).
//!
//! The shared state is one [`Status`] behind a mutex: the last good site, the diagnostics of
//! the last rebuild if it failed, and a generation counter that a condition variable
//! announces to the event streams of open tabs.

pub mod http;
pub mod preview;
mod request;
pub mod watch;

use crate::pipeline::build_site;
use crate::pipeline::Failure;
use crate::render::RenderOptions;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One successful preview build, as served.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every output file by its path relative to the site root, exactly as `build` would write
    /// it with `--drafts`.
    pub files: BTreeMap<String, crate::write::Bytes>,
    /// Output paths showing unpublished content; one ending in `/` covers a whole folder.
    pub drafts: Vec<String>,
    /// Warnings of the build, each as `check` prints it.
    pub warnings: Vec<String>,
    /// What the review page is made of, when it is first asked for: most rebuilds are never
    /// reviewed, and listing ten thousand indicators would slow every one of them.
    review: Option<(crate::model::Site, Vec<crate::diagnostic::Diagnostic>)>,
    review_page: std::sync::OnceLock<String>,
}

impl Snapshot {
    /// The review page: every indicator with last year's figure, the change and findings.
    pub fn review(&self) -> &str {
        self.review_page.get_or_init(|| match &self.review {
            Some((site, diagnostics)) => preview::review_page(site, &self.warnings, diagnostics),
            None => String::new(),
        })
    }

    pub fn is_draft(&self, path: &str) -> bool {
        self.drafts.iter().any(|d| {
            if d.ends_with('/') {
                path.starts_with(d.as_str())
            } else {
                path == d
            }
        })
    }
}

/// What tabs are shown now.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// Bumped by every rebuild, failed or not; a tab that saw an older one must refresh.
    pub generation: u64,
    /// The last good build; None until one succeeds.
    pub site: Option<Arc<Snapshot>>,
    /// The diagnostics of the last rebuild when it failed, exactly as `check` prints them.
    pub error: Option<String>,
}

/// The preview server's state, shared by the watcher and every connection.
#[derive(Debug)]
pub struct Preview {
    root: PathBuf,
    /// Parts of the site rendered by earlier rebuilds.
    cache: Arc<crate::render::RenderCache>,
    status: Mutex<Status>,
    changed: Condvar,
}

impl Preview {
    pub fn new(root: PathBuf) -> Preview {
        Preview {
            root,
            cache: Arc::default(),
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
        }
    }

    pub fn status(&self) -> Status {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Status> {
        // A panicking connection thread must not take the preview down with it.
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds the project again and announces the outcome; returns a line for the log.
    /// A failed build keeps the last good site.
    pub fn rebuild(&self) -> String {
        let started = Instant::now();
        let options = RenderOptions {
            drafts: true,
            preview: true,
            cache: Some(Arc::clone(&self.cache)),
            ..RenderOptions::default()
        };
        let outcome = build_site(&self.root, &options, None);
        let elapsed = started.elapsed().as_secs_f64();
        let mut replaced = None;
        let mut rest = None;
        let mut status = self.lock();
        status.generation += 1;
        let log = match outcome {
            Ok((mut output, site, diagnostics)) => {
                let warnings: Vec<String> = diagnostics
                    .0
                    .iter()
                    .map(|d| d.render(&site.sources))
                    .collect();
                let snapshot = Snapshot {
                    drafts: preview::drafts(&site),
                    files: std::mem::take(&mut output.files),
                    warnings,
                    review: Some((site, diagnostics.0)),
                    review_page: std::sync::OnceLock::new(),
                };
                // The old site is dropped after the tabs are told (a large site takes a while).
                replaced = status.site.replace(Arc::new(snapshot));
                status.error = None;
                let (rendered, reused) = self.cache.take_counts();
                let indexes = self.cache.take_made_from_pages();
                let log = format!(
                    "rebuilt {} page(s) in {elapsed:.2}s (generation {}): {rendered} part(s) rendered, {reused} reused, {indexes} search index(es) built; {}\n",
                    output.pages, status.generation, output.timings.phases()
                );
                // The links, texts and paths of tens of thousands of files are let go
                // after the tabs are told, too.
                rest = Some(output);
                log
            }
            Err(failure) => {
                let text = match failure {
                    Failure::Content(sources, diags) => diags.render(&sources),
                    Failure::Io(msg) | Failure::Refused(msg) => format!("error: {msg}\n"),
                    Failure::Reported { stdout, .. } => stdout,
                };
                status.error = Some(text.clone());
                format!(
                    "{text}rebuild failed (generation {}); still serving the last good build\n",
                    status.generation
                )
            }
        };
        drop(status);
        self.changed.notify_all();
        drop(replaced);
        drop(rest);
        log
    }

    /// Waits until the generation differs from `seen` or `timeout` passes; returns the new
    /// status, or None on timeout.
    pub fn wait_change(&self, seen: u64, timeout: Duration) -> Option<Status> {
        let guard = self.lock();
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        (guard.generation != seen).then(|| guard.clone())
    }
}
