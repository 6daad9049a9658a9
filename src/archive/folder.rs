//! Reading an archived folder and checking it against its manifest: every entry, hidden
//! ones and symlinks included, because a web server serves `.htaccess` as readily as a page.

use crate::model::manifest::{parse_manifest, sha256_hex, FileEntry, Manifest, MANIFEST};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// Every regular file under `dir` by `/`-separated relative path, hidden entries skipped
/// (as the content loader does), sorted.
pub fn read_tree(dir: &Path) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for entry in WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel, std::fs::read(entry.path())?);
    }
    Ok(out)
}

/// An archived edition's folder read strictly: every entry, hidden ones included, because
/// a web server serves `.htaccess` or `.well-known/` as readily as a page.
#[derive(Debug, Default)]
pub struct Folder {
    /// Every regular file by `/`-separated path relative to the folder (its manifest too).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Symlinks and other entries that are neither files nor folders: never part of an
    /// archived edition (a link can point anywhere, e.g. at /etc/passwd).
    pub links: Vec<String>,
}

/// Reads `dir` for [`Folder`], following no link; a `dir` that is itself a symlink is
/// reported as the link `.`.
pub fn read_folder(dir: &Path) -> std::io::Result<Folder> {
    let mut out = Folder::default();
    if std::fs::symlink_metadata(dir)?.file_type().is_symlink() {
        out.links.push(".".to_string());
        return Ok(out);
    }
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry?;
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let kind = entry.file_type();
        if kind.is_file() {
            out.files.insert(rel, std::fs::read(entry.path())?);
        } else if !kind.is_dir() {
            out.links.push(rel);
        }
    }
    Ok(out)
}

/// Hashes of content/<year>/ as the manifest records them.
pub fn source_entries(root: &Path, year: i32) -> std::io::Result<Vec<FileEntry>> {
    let rel_dir = format!("content/{year}");
    Ok(read_tree(&root.join(&rel_dir))?
        .into_iter()
        .map(|(p, b)| FileEntry::of(format!("{rel_dir}/{p}"), &b))
        .collect())
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {MANIFEST}: {e}"))?;
    parse_manifest(&bytes)
}

/// What is wrong with one archived folder against its manifest.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mismatch {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    /// Files the manifest does not list: hidden ones and manifests of subfolders included.
    pub extra: Vec<String>,
    /// Symlinks and other entries that are not files (see [`Folder::links`]).
    pub links: Vec<String>,
}

impl Mismatch {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.links.is_empty()
    }
}

/// Checks a folder read by [`read_folder`] against its manifest: only the manifest at the
/// folder's root is not a file of the edition; any other file, a manifest.json in a
/// subfolder too, is extra.
pub fn check_folder(folder: &Folder, manifest: &Manifest) -> Mismatch {
    use rayon::prelude::*;
    let listed: BTreeMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut m = Mismatch {
        links: folder.links.clone(),
        ..Mismatch::default()
    };
    // Hashing is most of the work of a build's archive check: spread it over the cores.
    m.changed = manifest
        .files
        .par_iter()
        .filter_map(|f| {
            let b = folder.files.get(&f.path)?;
            (b.len() as u64 != f.size || sha256_hex(b) != f.sha256).then(|| f.path.clone())
        })
        .collect();
    for f in &manifest.files {
        if !folder.files.contains_key(&f.path) && !folder.links.contains(&f.path) {
            m.missing.push(f.path.clone());
        }
    }
    for p in folder.files.keys() {
        if p != MANIFEST && !listed.contains_key(p.as_str()) {
            m.extra.push(p.clone());
        }
    }
    m
}

/// Reads `folder` strictly and checks it against `manifest`.
pub fn verify_folder(folder: &Path, manifest: &Manifest) -> std::io::Result<Mismatch> {
    Ok(check_folder(&read_folder(folder)?, manifest))
}
