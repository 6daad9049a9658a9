//! What `serve` keeps between rebuilds: rendered parts of the site (an edition's indicator
//! pages, charts and data; one narrative page) by a fingerprint of everything they are made
//! from. A rebuild renders again only the parts whose inputs changed, so saving one report.md
//! re-renders that page, not the edition's thousand indicator pages and charts.
//!
//! A fingerprint hashes source texts, not parsed values, so it is cheap and exact: any byte
//! that could change a part changes its fingerprint.

use crate::diagnostic::Diagnostic;
use crate::write::Settled;
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

#[derive(Debug, Default)]
pub struct RenderCache {
    parts: Mutex<HashMap<String, Entry>>,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.parts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fingerprint of anything hashable, e.g. a tuple of source texts.
pub fn fingerprint(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
