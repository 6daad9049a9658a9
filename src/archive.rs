//! Frozen editions: the manifest format (every file's path, size and SHA-256, the source
//! files' hashes, the freezing date), reading `archive/<year>/` into a build so archived
//! editions are copied verbatim instead of re-rendered, and checking a folder against its
//! manifest(s).

use crate::config::Date;
use crate::content::Site;
use crate::diagnostic::Diagnostic;
use crate::render::{Output, RenderOptions};
use crate::view::ArchivedNote;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// The file name of a manifest, inside the edition folder it describes.
pub const MANIFEST: &str = "manifest.json";

/// An edition being frozen by `archive`: rendered afresh, with the 已归档 note.
#[derive(Debug, Clone)]
pub struct Freezing {
    pub year: i32,
    pub date: Date,
}

impl Freezing {
    /// The note for the page at `path` (relative to the site root), if it belongs to the
    /// edition being frozen.
    pub fn note_for(&self, path: &str) -> Option<ArchivedNote> {
        path.strip_prefix(&format!("{}/", self.year))
            .map(|_| ArchivedNote {
                date: self.date.to_string(),
                manifest: format!("{}/{MANIFEST}", self.year),
            })
    }
}

/// `archive/<year>/manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub edition: i32,
    pub gongkai_version: String,
    /// The freezing date (YYYY-MM-DD): the edition's `published` date or `archive --date`.
    pub frozen: String,
    /// content/<year>/ as it was when frozen, paths relative to the project root.
    pub sources: Vec<FileEntry>,
    /// Every file of the frozen edition except the manifest, paths relative to its folder.
    pub files: Vec<FileEntry>,
    /// Every `archive --amend` of the edition, oldest first (on the current version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<crate::correction::Correction>,
    /// On a version replaced by a correction (archive/<year>-v<n>/): what replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded: Option<crate::correction::Superseded>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl FileEntry {
    pub fn of(path: String, bytes: &[u8]) -> FileEntry {
        FileEntry {
            path,
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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

/// Hashes of content/<year>/ as the manifest records them.
pub fn source_entries(root: &Path, year: i32) -> std::io::Result<Vec<FileEntry>> {
    let rel_dir = format!("content/{year}");
    Ok(read_tree(&root.join(&rel_dir))?
        .into_iter()
        .map(|(p, b)| FileEntry::of(format!("{rel_dir}/{p}"), &b))
        .collect())
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// The archived editions of a project, read from `archive/<year>/`.
#[derive(Debug, Default)]
pub struct Archives {
    /// Year → (manifest, every file of the folder by path relative to it).
    editions: BTreeMap<i32, (Manifest, BTreeMap<String, Vec<u8>>)>,
    /// Versions replaced by corrections, by folder name (`<year>-v<n>`): copied as they are.
    versions: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    diagnostics: Vec<Diagnostic>,
}

impl Archives {
    /// Reads every `archive/<year>/` with a manifest, except the edition being frozen.
    pub fn load(site: &Site, options: &RenderOptions) -> Archives {
        let mut archives = Archives::default();
        let dir = site.root.join("archive");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return archives;
        };
        let names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        archives.load_versions(&dir, &names);
        let mut years: Vec<i32> = names
            .iter()
            .filter_map(|n| n.parse().ok())
            .filter(|y| options.freezing.as_ref().is_none_or(|f| f.year != *y))
            .collect();
        years.sort_unstable();
        for year in years {
            let folder = dir.join(year.to_string());
            if !folder.join(MANIFEST).is_file() {
                continue;
            }
            match read_archive(&folder) {
                Ok((manifest, files)) => {
                    archives.check_sources(site, year, &manifest);
                    archives.editions.insert(year, (manifest, files));
                }
                Err(msg) => archives.diagnostics.push(
                    Diagnostic::error("E032", format!("archive/{year}/: {msg}")).help(
                        "restore the folder from version control, or run `gongkai verify archive` to see what changed",
                    ),
                ),
            }
        }
        archives
    }

    /// Reads the `<year>-v<n>` folders among `names` (versions kept by `archive --amend`).
    fn load_versions(&mut self, dir: &Path, names: &[String]) {
        for name in names {
            if crate::correction::parse_version(name).is_none()
                || !dir.join(name).join(MANIFEST).is_file()
            {
                continue;
            }
            match read_archive(&dir.join(name)) {
                Ok((_, files)) => {
                    self.versions.insert(name.clone(), files);
                }
                Err(msg) => self.diagnostics.push(
                    Diagnostic::error("E032", format!("archive/{name}/: {msg}")).help(
                        "restore the folder from version control, or run `gongkai verify archive` to see what changed",
                    ),
                ),
            }
        }
    }

    pub fn contains(&self, year: i32) -> bool {
        self.editions.contains_key(&year)
    }

    /// Warns when content/<year>/ no longer matches what was frozen: a correction must be an
    /// explicit `archive --amend`, not a silent edit.
    fn check_sources(&mut self, site: &Site, year: i32, manifest: &Manifest) {
        let Ok(now) = source_entries(&site.root, year) else {
            return;
        };
        let then: BTreeMap<&str, &FileEntry> = manifest
            .sources
            .iter()
            .map(|f| (f.path.as_str(), f))
            .collect();
        let now_map: BTreeMap<&str, &FileEntry> =
            now.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut changed: Vec<(&str, &str)> = Vec::new();
        for (path, f) in &now_map {
            match then.get(path) {
                Some(old) if old.sha256 == f.sha256 => {}
                Some(_) => changed.push((path, "changed")),
                None => changed.push((path, "added")),
            }
        }
        for path in then.keys().filter(|p| !now_map.contains_key(*p)) {
            changed.push((path, "removed"));
        }
        for (path, how) in changed {
            let mut d = Diagnostic::warning(
                "W011",
                format!("{path} was {how} after the {year} edition was archived; the site still shows the archived copy"),
            )
            .help(format!(
                "undo the edit (e.g. restore content/{year}/ from version control), or publish it as a correction: `gongkai archive {year} --amend --note \"what changed and why\"`"
            ));
            if let Some((file, _)) = site
                .sources
                .iter()
                .find(|(_, s)| s.path.to_string_lossy().replace('\\', "/") == path)
            {
                d = d.at(file, 1, 1, 1);
            }
            self.diagnostics.push(d);
        }
    }

    /// Puts every archived edition's files into `out` under `<year>/`, replacing anything
    /// rendered there; returns the warnings and errors found while loading.
    pub fn copy_into(
        &self,
        out: &mut Output,
        stage: Option<&crate::output::Staging>,
    ) -> Vec<Diagnostic> {
        use rayon::prelude::*;
        let editions = self
            .editions
            .iter()
            .map(|(year, (_, files))| (year.to_string(), files));
        let versions = self
            .versions
            .iter()
            .map(|(folder, files)| (folder.clone(), files));
        for (folder, files) in editions.chain(versions) {
            let prefix = format!("{folder}/");
            let care_prefix = format!("care/{prefix}");
            out.retain(|p| !p.starts_with(&prefix) && !p.starts_with(&care_prefix));
            let files: Vec<(&String, &Vec<u8>)> = files.iter().collect();
            let settled: Vec<Vec<crate::render::Settled>> = files
                .par_iter()
                .map(|&(rel, bytes)| {
                    let path = format!("{prefix}{rel}");
                    // The corrections page reads the manifests: they stay in memory.
                    let stage = stage.filter(|_| rel != MANIFEST);
                    let mut both = Vec::new();
                    if rel.ends_with(".html") {
                        // The 关怀版 copy of a frozen page is the page itself, its links to
                        // anything but pages led back to the standard files (frozen pages
                        // link relatively, so no base URL is needed).
                        let care = crate::render::point_assets_at_standard(
                            &String::from_utf8_lossy(bytes),
                            &path,
                            None,
                        );
                        both.push(crate::render::settle(
                            stage,
                            format!("care/{path}"),
                            care.into_bytes(),
                        ));
                    }
                    both.push(crate::render::settle(stage, path, bytes.clone()));
                    both
                })
                .collect();
            settled.into_iter().flatten().for_each(|f| out.add(f));
        }
        self.diagnostics.clone()
    }
}

fn read_archive(folder: &Path) -> Result<(Manifest, BTreeMap<String, Vec<u8>>), String> {
    let files = read_tree(folder).map_err(|e| format!("cannot read: {e}"))?;
    let manifest = read_manifest(&folder.join(MANIFEST))?;
    Ok((manifest, files))
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {MANIFEST}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{MANIFEST} is not a gongkai manifest: {e}"))
}

/// What `verify` found wrong in one folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mismatch {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Mismatch {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Checks `folder` against its manifest. Subfolders with a manifest of their own (earlier
/// versions kept by `--amend`) are checked separately, not counted as extra files.
pub fn verify_folder(folder: &Path, manifest: &Manifest) -> std::io::Result<Mismatch> {
    let files = read_tree(folder)?;
    let nested: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_suffix(&format!("/{MANIFEST}")))
        .map(|d| format!("{d}/"))
        .collect();
    let actual: BTreeMap<&str, &Vec<u8>> = files
        .iter()
        .filter(|(p, _)| p.as_str() != MANIFEST && !nested.iter().any(|n| p.starts_with(n)))
        .map(|(p, b)| (p.as_str(), b))
        .collect();
    let mut m = Mismatch::default();
    for f in &manifest.files {
        match actual.get(f.path.as_str()) {
            None => m.missing.push(f.path.clone()),
            Some(b) if b.len() as u64 != f.size || sha256_hex(b) != f.sha256 => {
                m.changed.push(f.path.clone());
            }
            Some(_) => {}
        }
    }
    for p in actual.keys() {
        if !manifest.files.iter().any(|f| f.path == *p) {
            m.extra.push((*p).to_string());
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
