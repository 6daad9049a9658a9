//! Frozen editions: the manifest format (every file's path, size and SHA-256, the source
//! files' hashes, the freezing date), reading `archive/<year>/` into a build so archived
//! editions are copied verbatim instead of re-rendered, and checking a folder against its
//! manifest(s).

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::render::RenderOptions;
use crate::view::ArchivedNote;
use crate::write::Output;
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

/// `archived.json` at the site root: which folders of the site are archived editions or
/// versions kept by corrections, each with its manifest's SHA-256. `verify` takes from it
/// which folders must have a manifest, so deleting one (and editing a page) is caught.
pub const LIST: &str = "archived.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedList {
    pub archived: Vec<ArchivedFolder>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedFolder {
    /// The folder under the site root, e.g. `2023` or `2023-v1`.
    pub folder: String,
    pub manifest_sha256: String,
}

/// Whether `name` is the name of an archived folder: `<year>` or `<year>-v<n>`.
pub fn is_edition_folder(name: &str) -> bool {
    (name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit()))
        || crate::correction::parse_version(name).is_some()
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

/// Files by path relative to their folder.
type Files = BTreeMap<String, Vec<u8>>;

const RESTORE: &str =
    "restore the folder from version control, or run `gongkai verify archive` to see what changed";

impl Archives {
    /// Reads every `archive/<year>/` and `archive/<year>-v<n>/` except the edition being
    /// frozen, each checked against its manifest before anything of it is published: a
    /// tampered, incomplete or unmanifested folder is an error, never copied.
    pub fn load(site: &Site, options: &RenderOptions) -> Archives {
        let mut archives = Archives::default();
        let dir = site.root.join("archive");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return archives;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| is_edition_folder(n))
            .collect();
        names.sort_unstable();
        let freezing = options.freezing.as_ref().map(|f| f.year);
        for name in &names {
            let year = name.parse::<i32>().ok();
            if year.is_some() && year == freezing {
                continue;
            }
            let Some((manifest, files)) = archives.read_checked(&dir, name) else {
                continue;
            };
            match year {
                Some(year) => {
                    archives.check_sources(site, year, &manifest);
                    archives.editions.insert(year, (manifest, files));
                }
                None => {
                    archives.versions.insert(name.clone(), files);
                }
            }
        }
        archives.check_versions(&names, freezing);
        archives
    }

    /// Reads `archive/<name>/` and checks it against its manifest, reporting every
    /// difference; `None` when there is any (the build fails then).
    fn read_checked(&mut self, dir: &Path, name: &str) -> Option<(Manifest, Files)> {
        let folder = dir.join(name);
        let shown = format!("archive/{name}/");
        if std::fs::symlink_metadata(folder.join(MANIFEST)).is_err() {
            let is_dir = std::fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir());
            if is_dir {
                self.diagnostics.push(
                    Diagnostic::error("E042", format!("{shown} has no {MANIFEST}: an archived edition without its manifest cannot be checked, so it is not published"))
                        .help(format!("restore {shown}{MANIFEST} from version control; if the folder is not an archive made by `gongkai archive`, move it out of archive/")),
                );
            }
            return None;
        }
        let found = match read_folder(&folder) {
            Ok(f) => f,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::error("E032", format!("{shown}: cannot read: {e}")).help(RESTORE),
                );
                return None;
            }
        };
        let manifest = match found
            .files
            .get(MANIFEST)
            .ok_or_else(|| format!("{MANIFEST} is not a file"))
            .and_then(|b| parse_manifest(b))
        {
            Ok(m) => m,
            Err(msg) => {
                let d = if let Some(link) = found.links.iter().find(|l| *l == MANIFEST || *l == ".")
                {
                    let what = if link == "." {
                        shown.clone()
                    } else {
                        format!("{shown}{MANIFEST}")
                    };
                    Diagnostic::error(
                        "E041",
                        format!(
                            "{what} is a symlink: an archived edition holds only regular files"
                        ),
                    )
                } else {
                    Diagnostic::error("E032", format!("{shown}: {msg}"))
                };
                self.diagnostics.push(d.help(RESTORE));
                return None;
            }
        };
        let expected = name.split_once("-v").map_or(name, |(y, _)| y);
        if manifest.edition.to_string() != expected {
            self.diagnostics.push(
                Diagnostic::error(
                    "E042",
                    format!(
                        "{shown}{MANIFEST} describes the {} edition, not {expected}",
                        manifest.edition
                    ),
                )
                .help(RESTORE),
            );
            return None;
        }
        let m = check_folder(&found, &manifest);
        if m.is_empty() {
            return Some((manifest, found.files));
        }
        for rel in &m.links {
            self.diagnostics.push(
                Diagnostic::error("E041", format!("{shown}{rel} is a symlink (or another entry that is not a file): an archived edition holds only the files of its manifest"))
                    .help("remove the link; if it replaced a file of the edition, restore that file from version control"),
            );
        }
        let says = |what: &str| format!("{what} {shown}{MANIFEST}");
        for (rel, how) in m
            .changed
            .iter()
            .map(|r| (r, says("differs from")))
            .chain(
                m.missing
                    .iter()
                    .map(|r| (r, format!("is missing but listed in {shown}{MANIFEST}"))),
            )
            .chain(m.extra.iter().map(|r| (r, says("is not listed in"))))
        {
            self.diagnostics.push(
                Diagnostic::error("E040", format!("{shown}{rel} {how}: the archived edition was altered after it was frozen"))
                    .help(format!("restore {shown} from version control (e.g. `git checkout -- {shown}` and delete files it does not list); an archived edition is changed only by `gongkai archive {expected} --amend --note \"…\"`")),
            );
        }
        None
    }

    /// Every correction a current manifest records keeps the version it replaced, and a
    /// kept version belongs to a current one: both folders must be there, or the 更正说明
    /// boxes and 已更正 marks would link to nothing and the record of a correction would be
    /// gone without a trace.
    fn check_versions(&mut self, names: &[String], freezing: Option<i32>) {
        let mut gone: Vec<(String, String)> = Vec::new();
        for (year, (manifest, _)) in &self.editions {
            for c in &manifest.corrections {
                if !names.contains(&c.previous) {
                    gone.push((
                        c.previous.clone(),
                        format!("archive/{year}/{MANIFEST} records a correction that keeps the replaced version there"),
                    ));
                }
            }
        }
        for name in names {
            if let Some((year, _)) = crate::correction::parse_version(name) {
                if !names.contains(&year.to_string()) && freezing != Some(year) {
                    gone.push((
                        year.to_string(),
                        format!("archive/{name}/ is a version it replaced"),
                    ));
                }
            }
        }
        for (folder, why) in gone {
            self.diagnostics.push(
                Diagnostic::error("E042", format!("archive/{folder}/ is missing: {why}")).help(
                    format!("restore archive/{folder}/ from version control (to withdraw a figure a kept version shows, see the README's yearly workflow)"),
                ),
            );
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
        stage: Option<&crate::write::staging::Staging>,
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
            let settled: Vec<Vec<crate::write::Settled>> = files
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
                        let care = crate::html::care::point_assets_at_standard(
                            &String::from_utf8_lossy(bytes),
                            &path,
                            None,
                        );
                        both.push(crate::write::settle(
                            stage,
                            format!("care/{path}"),
                            care.into_bytes(),
                        ));
                    }
                    both.push(crate::write::settle(stage, path, bytes.clone()));
                    both
                })
                .collect();
            settled.into_iter().flatten().for_each(|f| out.add(f));
        }
        if let Some(list) = self.list() {
            out.insert(LIST.to_string(), list);
        }
        self.diagnostics.clone()
    }

    /// The site-level [`ArchivedList`], when anything is archived.
    fn list(&self) -> Option<Vec<u8>> {
        let editions = self
            .editions
            .iter()
            .map(|(year, (_, files))| (year.to_string(), files));
        let versions = self.versions.iter().map(|(f, files)| (f.clone(), files));
        let mut archived: Vec<ArchivedFolder> = editions
            .chain(versions)
            .map(|(folder, files)| ArchivedFolder {
                folder,
                manifest_sha256: files
                    .get(MANIFEST)
                    .map(|b| sha256_hex(b))
                    .unwrap_or_default(),
            })
            .collect();
        if archived.is_empty() {
            return None;
        }
        archived.sort_by(|a, b| a.folder.cmp(&b.folder));
        let mut out = serde_json::to_vec_pretty(&ArchivedList { archived }).unwrap_or_default();
        out.push(b'\n');
        Some(out)
    }
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {MANIFEST}: {e}"))?;
    parse_manifest(&bytes)
}

pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{MANIFEST} is not a gongkai manifest: {e}"))
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
