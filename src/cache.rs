//! What `serve` keeps between rebuilds: rendered parts of the site (an edition's indicator
//! pages, charts and data; one narrative page) by a fingerprint of everything they are made
//! from. A rebuild renders again only the parts whose inputs changed, so saving one report.md
//! re-renders that page, not the edition's thousand indicator pages and charts.
//!
//! A fingerprint hashes source texts, not parsed values, so it is cheap and exact: any byte
//! that could change a part changes its fingerprint.

use crate::diagnostic::Diagnostic;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Files of one part with the non-fatal problems found while rendering it.
pub type Part = (Vec<(String, Vec<u8>)>, Vec<Diagnostic>);

#[derive(Debug, Default)]
pub struct RenderCache {
    parts: Mutex<HashMap<String, (u64, Part)>>,
    rendered: AtomicUsize,
    reused: AtomicUsize,
}

impl RenderCache {
    /// The part named `key` as cached for `fingerprint`, or rendered now (and kept when it
    /// rendered without fatal errors).
    pub fn part(
        &self,
        key: String,
        fingerprint: u64,
        render: impl FnOnce() -> Result<Part, Vec<Diagnostic>>,
    ) -> Result<Part, Vec<Diagnostic>> {
        let cached = self
            .lock()
            .get(&key)
            .filter(|(fp, _)| *fp == fingerprint)
            .map(|(_, part)| part.clone());
        if let Some(part) = cached {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(part);
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let part = render()?;
        self.lock().insert(key, (fingerprint, part.clone()));
        Ok(part)
    }

    /// (parts rendered, parts reused) since the last call; resets both.
    pub fn take_counts(&self) -> (usize, usize) {
        (
            self.rendered.swap(0, Ordering::Relaxed),
            self.reused.swap(0, Ordering::Relaxed),
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, Part)>> {
        self.parts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fingerprint of anything hashable, e.g. a tuple of source texts.
pub fn fingerprint(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
