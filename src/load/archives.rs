//! The archived editions of a project, read from `archive/<year>/` and `archive/<year>-v<n>/`
//! and checked entry by entry against their manifests before anything of them is published.

use crate::archive::folder::{
    cannot_read, check_folder, read_manifest_bytes, read_regular, scan_folder, source_entries,
    LIST_LIMIT,
};
use crate::diagnostic::Diagnostic;
use crate::model::manifest::{
    is_edition_folder, parse_manifest, parse_version, sha256_hex, ArchivedFolder, ArchivedList,
    FileEntry, Manifest, LIST, MANIFEST,
};
use crate::model::Site;
use std::collections::BTreeMap;
use std::path::Path;

/// The archived editions of a project, read from `archive/<year>/`.
#[derive(Debug, Default)]
pub struct Archives {
    /// Year → (manifest, every file of the folder by path relative to it).
    pub(crate) editions: BTreeMap<i32, (Manifest, BTreeMap<String, Vec<u8>>)>,
    /// Versions replaced by corrections, by folder name (`<year>-v<n>`): copied as they are.
    pub(crate) versions: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Files by path relative to their folder.
type Files = BTreeMap<String, Vec<u8>>;

const RESTORE: &str =
    "restore the folder from version control, or run `gongkai verify archive` to see what changed";

impl Archives {
    /// Reads every `archive/<year>/` and `archive/<year>-v<n>/` except the edition being
    /// frozen, each checked against its manifest before anything of it is published: a
    /// tampered, incomplete or unmanifested folder is an error, never copied.
    pub fn load(site: &Site, freezing: Option<i32>) -> Archives {
        let mut archives = Archives::default();
        let dir = site.root.join("archive");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return archives;
        };
        let mut names: Vec<String> = Vec::new();
        let mut misnamed: Vec<String> = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_edition_folder(&name) {
                names.push(name);
            } else if std::fs::symlink_metadata(entry.path().join(MANIFEST)).is_ok() {
                // An archived folder is found by its name: renamed (`2023 `, `2023.bak`), its
                // edition would silently be rendered afresh from content/.
                misnamed.push(name);
            }
        }
        names.sort_unstable();
        misnamed.sort_unstable();
        for name in misnamed {
            archives.diagnostics.push(
                Diagnostic::error("E042", format!("archive/{name}/ holds a {MANIFEST} but `{name}` is not an archived edition's name (<year> or <year>-v<n>): its edition would no longer be frozen"))
                    .help(format!("give the folder its name back (`archive/<year>/` or `archive/<year>-v<n>/`, as its {MANIFEST} says) or restore archive/ from version control; if it is not an archive made by `gongkai archive`, move it out of archive/")),
            );
        }
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
        let unreadable = |message: String| Diagnostic::error("E032", message).help(RESTORE);
        let found = match scan_folder(&folder) {
            Ok(f) => f,
            Err(e) => {
                self.diagnostics
                    .push(unreadable(format!("{shown}: cannot read: {e}")));
                return None;
            }
        };
        // Neither the folder nor its manifest may be anything but what it seems: a link can
        // point anywhere, and a FIFO would block the read for good.
        let odd = [
            (".", shown.clone()),
            (MANIFEST, format!("{shown}{MANIFEST}")),
        ]
        .into_iter()
        .find_map(|(rel, what)| Some((found.not_a_file(rel)?, what)));
        if let Some((how, what)) = odd {
            self.diagnostics.push(
                Diagnostic::error(
                    "E041",
                    format!("{what} {how}: an archived edition holds only regular files"),
                )
                .help(RESTORE),
            );
            return None;
        }
        let manifest_bytes = match read_manifest_bytes(&folder.join(MANIFEST)) {
            Ok(b) => b,
            Err(e) => {
                self.diagnostics
                    .push(unreadable(cannot_read(&format!("{shown}{MANIFEST}"), &e)));
                return None;
            }
        };
        let manifest = match parse_manifest(&manifest_bytes) {
            Ok(m) => m,
            Err(msg) => {
                self.diagnostics
                    .push(Diagnostic::error("E032", format!("{shown}: {msg}")).help(RESTORE));
                return None;
            }
        };
        let expected = name.split_once("-v").map_or(name, |(y, _)| y);
        let kept = name.contains("-v");
        let wrong = if manifest.edition.to_string() != expected {
            Some(format!(
                "describes the {} edition, not {expected}",
                manifest.edition
            ))
        } else if kept
            && manifest
                .superseded
                .as_ref()
                .is_none_or(|s| s.current != expected)
        {
            Some(format!("records no `superseded` by the {expected} edition: it is not a version kept by a correction"))
        } else if !kept && manifest.superseded.is_some() {
            Some("records `superseded`: it is a version kept by a correction, not the current edition".to_string())
        } else {
            None
        };
        if let Some(wrong) = wrong {
            self.diagnostics.push(
                Diagnostic::error("E042", format!("{shown}{MANIFEST} {wrong}"))
                    .help("an archived folder is named after what its manifest records; restore archive/ from version control (a renamed folder gets its own name back)"),
            );
            return None;
        }
        let checked = match check_folder(&folder, &found, &manifest) {
            Ok(c) => c,
            Err(e) => {
                // The message starts with the file's path within the folder.
                self.diagnostics.push(unreadable(format!("{shown}{e}")));
                return None;
            }
        };
        let m = checked.mismatch;
        if m.is_empty() {
            let mut files = checked.files;
            files.insert(MANIFEST.to_string(), manifest_bytes);
            return Some((manifest, files));
        }
        for (rel, how) in m
            .links
            .iter()
            .map(|r| (r, "is a symlink"))
            .chain(m.special.iter().map(|r| (r, "is not a regular file")))
        {
            self.diagnostics.push(
                Diagnostic::error("E041", format!("{shown}{rel} {how}: an archived edition holds only the regular files of its manifest"))
                    .help("remove it; if it replaced a file of the edition, restore that file from version control"),
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
            if let Some((year, _)) = parse_version(name) {
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

    /// Whether the archived folder of `year` holds `file` (a path relative to it).
    pub fn has_file(&self, year: i32, file: &str) -> bool {
        self.editions
            .get(&year)
            .is_some_and(|(_, files)| files.contains_key(file))
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

    /// The site-level [`ArchivedList`], when anything is archived.
    pub(crate) fn list(&self) -> Option<Vec<u8>> {
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

/// What the previous output says was archived, against archive/ now (E043): every folder
/// the output's archived.json lists must still be an archived folder, or the build would
/// publish its edition re-rendered from content/ (or drop a kept version) without a word.
/// Only an output gongkai wrote (stamped) is read. `withdraw` names the folders the user
/// removed from archive/ on purpose; returns the errors and the folders withdrawn.
pub(crate) fn check_published(
    root: &Path,
    out_dir: &Path,
    withdraw: &[String],
) -> (Vec<Diagnostic>, Vec<String>) {
    let mut diagnostics = Vec::new();
    let mut withdrawn = Vec::new();
    if !crate::write::rules::is_stamped(out_dir) {
        return (diagnostics, withdrawn);
    }
    let shown = match out_dir.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            format!("{}/{LIST}", rel.to_string_lossy().replace('\\', "/"))
        }
        _ => out_dir.join(LIST).display().to_string(),
    };
    let path = out_dir.join(LIST);
    if std::fs::symlink_metadata(&path).is_err() {
        return (diagnostics, withdrawn);
    }
    let list = read_regular(&path, LIST_LIMIT)
        .map_err(|e| cannot_read(&shown, &e))
        .and_then(|b| {
            serde_json::from_slice::<ArchivedList>(&b)
                .map_err(|e| format!("{shown} is not a list of archived folders ({e})"))
        });
    let list = match list {
        Ok(l) => l,
        Err(why) => {
            diagnostics.push(
                Diagnostic::error("E043", format!("{why}: the build cannot tell which editions the site published as archived"))
                    .help(format!("if archive/ holds every archived edition the site published, delete {shown} and build again")),
            );
            return (diagnostics, withdrawn);
        }
    };
    for folder in list.archived.iter().map(|f| &f.folder) {
        let there = is_edition_folder(folder)
            && std::fs::symlink_metadata(root.join("archive").join(folder))
                .is_ok_and(|m| m.is_dir());
        if there {
            continue;
        }
        if withdraw.contains(folder) {
            withdrawn.push(folder.clone());
            continue;
        }
        let effect = if parse_version(folder).is_some() {
            "the build would drop it from the site"
        } else {
            "the build would publish the edition re-rendered from content/, no longer frozen"
        };
        diagnostics.push(
            Diagnostic::error("E043", format!("{shown} lists {folder} as archived, but archive/{folder}/ is gone: {effect}"))
                .help(format!("restore archive/{folder}/ from version control (`git checkout -- archive/{folder}`; a renamed folder must be named {folder} again); to withdraw it from the site on purpose, run `gongkai build --withdraw {folder}` once and record why in version control")),
        );
    }
    (diagnostics, withdrawn)
}
