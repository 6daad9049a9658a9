//! `gongkai verify [DIR]`: checks the archived editions under DIR (an archive folder, one
//! edition's folder or a built site) against their manifests and names each changed,
//! missing or extra file, symlink and missing manifest.
//!
//! Which folders must have a manifest is not taken from the folders themselves (a deleted
//! manifest would then make its folder unchecked): in a built site, the site-level list
//! `archived.json` says; under archive/, every `<year>` and `<year>-v<n>` folder is one.

use crate::archive::folder as archive;
use crate::cli::VerifyArgs;
use crate::model::manifest::{self as manifest, ArchivedList, LIST, MANIFEST};
use crate::pipeline::Failure;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use walkdir::WalkDir;

pub fn run(args: &VerifyArgs) -> Result<String, Failure> {
    let dir = if args.dir.is_absolute() {
        args.dir.clone()
    } else {
        args.root.join(&args.dir)
    };
    if !dir.is_dir() {
        return Err(Failure::Refused(format!("no folder at {}", dir.display())));
    }
    let mut found = Found::default();
    if exists(&dir.join(MANIFEST)) {
        // One edition's folder (archive/2023, public/2023, a copy of either).
        found.edition(&dir, "", None);
    } else {
        found.site(&dir)?;
    }
    if found.manifests == 0 && found.problems.is_empty() {
        return Err(Failure::Refused(format!(
            "no {MANIFEST} under {}: nothing to verify (freeze an edition with `gongkai archive <year>` first)",
            dir.display()
        )));
    }
    if found.problems.is_empty() {
        Ok(format!(
            "verified {} manifest(s), {} file(s) under {}: every file matches\n",
            found.manifests,
            found.files,
            dir.display()
        ))
    } else {
        Err(Failure::Refused(format!(
            "{} does not match its manifest(s):\n{}restore these files from the archive (archive/<year>/) or from version control",
            dir.display(),
            found.problems
        )))
    }
}

/// An entry exists at `path` (a dangling symlink too).
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

#[derive(Default)]
struct Found {
    manifests: usize,
    files: usize,
    problems: String,
}

impl Found {
    fn problem(&mut self, what: &str, path: &str, why: &str) {
        let _ = writeln!(self.problems, "  {what}: {path}{why}");
    }

    /// A folder holding archived editions: a built site, archive/, or an unpacked bundle.
    fn site(&mut self, dir: &Path) -> Result<(), Failure> {
        let cannot_read =
            |e: std::io::Error| Failure::Io(format!("cannot read {}: {e}", dir.display()));
        let children: BTreeSet<String> = std::fs::read_dir(dir)
            .map_err(cannot_read)?
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| manifest::is_edition_folder(n))
            .collect();
        // Folder → the manifest's SHA-256 the site list gives, if any.
        let mut required: BTreeMap<String, Option<String>> = BTreeMap::new();
        let list_path = dir.join(LIST);
        let listed = exists(&list_path);
        if listed {
            match std::fs::read(&list_path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<ArchivedList>(&b).map_err(|e| e.to_string()))
            {
                Ok(list) => {
                    for f in list.archived {
                        if manifest::is_edition_folder(&f.folder) {
                            required.insert(f.folder, Some(f.manifest_sha256));
                        } else {
                            self.problem(
                                "unreadable",
                                LIST,
                                &format!(" (`{}` is not an edition's folder)", f.folder),
                            );
                        }
                    }
                }
                Err(e) => self.problem("unreadable", LIST, &format!(" ({e})")),
            }
        } else if dir.file_name().is_some_and(|n| n == "archive") {
            // archive/ holds nothing but archived folders, each written with its manifest.
            required.extend(children.iter().map(|c| (c.clone(), None)));
        }
        let with_manifest: Vec<String> = children
            .iter()
            .filter(|c| exists(&dir.join(c).join(MANIFEST)))
            .cloned()
            .collect();
        if !listed && exists(&dir.join(crate::write::rules::STAMP)) && !with_manifest.is_empty() {
            // A build writes the list whenever an edition is archived.
            self.problem("missing", LIST, " (the site's list of archived editions)");
        }
        let mut editions: BTreeMap<String, Option<String>> = required.clone();
        for c in &with_manifest {
            editions.entry(c.clone()).or_insert(None);
        }
        let mut recorded: Vec<(String, String)> = Vec::new();
        for (folder, sha) in &editions {
            if listed && !required.contains_key(folder) {
                self.problem(
                    "extra",
                    &format!("{folder}/{MANIFEST}"),
                    &format!(" ({LIST} does not list {folder} as archived)"),
                );
                continue;
            }
            let path = dir.join(folder);
            if !exists(&path.join(MANIFEST)) {
                let why = if listed {
                    format!(" ({LIST} lists {folder} as archived)")
                } else {
                    " (every folder under archive/ is an archived edition)".to_string()
                };
                self.problem("missing", &format!("{folder}/{MANIFEST}"), &why);
                continue;
            }
            if let Some(m) = self.edition(&path, &format!("{folder}/"), sha.as_deref()) {
                recorded.extend(
                    m.corrections
                        .iter()
                        .map(|c| (c.previous.clone(), folder.clone())),
                );
            }
        }
        for (previous, by) in recorded {
            if !editions.contains_key(&previous) {
                self.problem(
                    "missing",
                    &format!("{previous}/{MANIFEST}"),
                    &format!(" ({by}/{MANIFEST} records a correction that keeps the replaced version there)"),
                );
            }
        }
        // A manifest anywhere else checks nothing: only an edition folder's own one counts.
        for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let top = rel.split('/').next().unwrap_or("");
            if entry.file_name() == MANIFEST && !editions.contains_key(top) {
                self.problem(
                    "extra",
                    &rel,
                    " (a manifest counts only at the root of an archived edition's folder)",
                );
            }
        }
        Ok(())
    }

    /// Checks one edition's folder `path` (shown as `shown`) against its own manifest,
    /// whose SHA-256 the site list may give; returns the manifest when it could be read.
    fn edition(
        &mut self,
        path: &Path,
        shown: &str,
        sha: Option<&str>,
    ) -> Option<manifest::Manifest> {
        let folder = match archive::read_folder(path) {
            Ok(f) => f,
            Err(e) => {
                self.problem("unreadable", shown, &format!(" ({e})"));
                return None;
            }
        };
        let Some(bytes) = folder.files.get(MANIFEST) else {
            // The folder or its manifest is a symlink.
            self.links(shown, &folder.links);
            return None;
        };
        if sha.is_some_and(|s| s != manifest::sha256_hex(bytes)) {
            self.problem(
                "changed",
                &format!("{shown}{MANIFEST}"),
                &format!(" (not the manifest {LIST} lists)"),
            );
        }
        let manifest = match manifest::parse_manifest(bytes) {
            Ok(m) => m,
            Err(e) => {
                self.problem(
                    "unreadable",
                    &format!("{shown}{MANIFEST}"),
                    &format!(" ({e})"),
                );
                return None;
            }
        };
        self.manifests += 1;
        self.files += manifest.files.len();
        let m = archive::check_folder(&folder, &manifest);
        for (what, list) in [
            ("changed", &m.changed),
            ("missing", &m.missing),
            ("extra", &m.extra),
        ] {
            for name in list {
                self.problem(what, &format!("{shown}{name}"), "");
            }
        }
        self.links(shown, &m.links);
        Some(manifest)
    }

    fn links(&mut self, shown: &str, links: &[String]) {
        for name in links {
            let path = match name.as_str() {
                "." if shown.is_empty() => ".".to_string(),
                "." => shown.to_string(),
                _ => format!("{shown}{name}"),
            };
            self.problem(
                "symlink",
                &path,
                " (an archived edition holds only regular files; a link can point anywhere)",
            );
        }
    }
}
