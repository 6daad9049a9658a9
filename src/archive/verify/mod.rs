//! Checking archived editions against their manifests, for `gongkai verify`: one edition's
//! folder against its own manifest, strictly (every entry, no link followed, no file opened
//! that is not a regular file, listed and of its listed size); a site or archive/ as a whole
//! is `site`'s.
//!
//! Which folders must have a manifest is not taken from the folders themselves (a deleted
//! manifest would then make its folder unchecked): in a built site, the site-level list
//! `archived.json` says; under archive/, every `<year>` and `<year>-v<n>` folder is one.
//! A built site's own manifests and list can be rewritten together with a page, so inside a
//! project (an archive/ under the root) the site is also compared with archive/, the record
//! kept in version control; a server copy alone is checked as far as it can be, and the
//! report says what was not. The 关怀版 copies of frozen pages (care/<folder>/), which no
//! manifest lists, are recomputed from the frozen pages with the build's own function.

mod site;

use crate::archive::folder::{self as archive, Folder, Mismatch};
use crate::model::manifest::{self as manifest, Manifest, LIST, MANIFEST};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The most a page read to find its link to a manifest may weigh.
const PAGE_LIMIT: u64 = 16 << 20;

/// What a folder's archived editions can be compared with besides their own manifests.
pub(crate) enum Record {
    /// The project's archive/, the record under version control: `DIR` is a site built
    /// from it (or a copy of one).
    Archive(PathBuf),
    /// `DIR` is archive/ or a folder in it.
    IsArchive,
    /// No archive/ under --root: a server copy alone.
    None(PathBuf),
}

impl Record {
    pub(crate) fn of(root: &Path, dir: &Path) -> Record {
        let archive = root.join("archive");
        let canonical = |p: &Path| p.canonicalize().ok();
        match (canonical(&archive), canonical(dir)) {
            (Some(a), Some(d)) if d.starts_with(&a) => Record::IsArchive,
            (Some(a), _) if a.is_dir() => Record::Archive(archive),
            _ if dir.file_name().is_some_and(|n| n == "archive") => Record::IsArchive,
            _ => Record::None(root.to_path_buf()),
        }
    }
}

/// An entry exists at `path` (a dangling symlink too).
pub(crate) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Whether `<child>/index.html` under `dir` links to `<child>/manifest.json`, as the
/// 已归档 note of an archived edition's pages does (in the default theme).
fn links_to_own_manifest(dir: &Path, child: &str) -> bool {
    let Ok(page) = archive::read_regular(&dir.join(child).join("index.html"), PAGE_LIMIT) else {
        return false;
    };
    let own = format!("{child}/{MANIFEST}");
    let text = String::from_utf8_lossy(&page);
    let found = crate::html::links::internal_links(&text)
        .filter_map(|l| crate::html::links::resolve(child, l.split('#').next().unwrap_or("")))
        .any(|t| t == own);
    found
}

/// An archived folder that was checked: its manifest, the manifest's bytes, and every
/// listed file that matched it.
pub(crate) struct Edition {
    manifest: Manifest,
    pub(crate) bytes: Vec<u8>,
    files: BTreeMap<String, Vec<u8>>,
}

#[derive(Default)]
pub(crate) struct Found {
    pub(crate) manifests: usize,
    pub(crate) files: usize,
    /// One line each, in the order found, none twice.
    pub(crate) problems: Vec<String>,
    /// What could not be checked, and what was checked besides the manifests.
    pub(crate) notes: Vec<String>,
    /// 关怀版 copies of frozen pages compared.
    care_pages: usize,
}

impl Found {
    /// Reports `path` as `what` (changed, missing …) with the reason `why`, once: the
    /// same finding for a second reason adds nothing.
    fn problem(&mut self, what: &str, path: &str, why: &str) {
        let finding = format!("  {what}: {path}");
        let said = self.problems.iter().any(|p| {
            p.strip_prefix(&finding)
                .is_some_and(|rest| rest.starts_with(" (") || rest == "\n")
        });
        if !said {
            self.problems.push(format!("{finding}{why}\n"));
        }
    }

    /// Checks one edition's folder `path` (shown as `shown`) against its own manifest,
    /// whose SHA-256 the site list may give; returns it when its manifest could be read.
    pub(crate) fn edition(
        &mut self,
        path: &Path,
        shown: &str,
        sha: Option<&str>,
    ) -> Option<Edition> {
        let folder = match archive::scan_folder(path) {
            Ok(f) => f,
            Err(e) => {
                self.problem("unreadable", shown, &format!(" ({e})"));
                return None;
            }
        };
        if folder.not_a_file(".").is_some() || folder.not_a_file(MANIFEST).is_some() {
            self.odd(shown, &folder);
            return None;
        }
        let bytes = match archive::read_manifest_bytes(&path.join(MANIFEST)) {
            Ok(b) => b,
            Err(e) => {
                let e = archive::cannot_read(&format!("{shown}{MANIFEST}"), &e);
                self.problem("unreadable", &e, "");
                return None;
            }
        };
        if sha.is_some_and(|s| s != manifest::sha256_hex(&bytes)) {
            self.problem(
                "changed",
                &format!("{shown}{MANIFEST}"),
                &format!(" (not the manifest {LIST} lists)"),
            );
        }
        let manifest = match manifest::parse_manifest(&bytes) {
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
        let files = self.checked(path, shown, &folder, &manifest)?;
        Some(Edition {
            manifest,
            bytes,
            files,
        })
    }

    /// Checks the folder `path` against `manifest` (not its own); the files that matched.
    fn against(
        &mut self,
        path: &Path,
        shown: &str,
        manifest: &Manifest,
    ) -> Option<BTreeMap<String, Vec<u8>>> {
        match archive::scan_folder(path) {
            Ok(folder) if folder.not_a_file(".").is_some() => {
                self.odd(shown, &folder);
                None
            }
            Ok(folder) => self.checked(path, shown, &folder, manifest),
            Err(e) => {
                self.problem("unreadable", shown, &format!(" ({e})"));
                None
            }
        }
    }

    fn checked(
        &mut self,
        path: &Path,
        shown: &str,
        folder: &Folder,
        manifest: &Manifest,
    ) -> Option<BTreeMap<String, Vec<u8>>> {
        match archive::check_folder(path, folder, manifest) {
            Ok(c) => {
                self.mismatch(shown, &c.mismatch);
                Some(c.files)
            }
            Err(e) => {
                // The message starts with the file's path within the folder.
                self.problem("unreadable", &format!("{shown}{e}"), "");
                None
            }
        }
    }

    fn mismatch(&mut self, shown: &str, m: &Mismatch) {
        for (what, list) in [
            ("changed", &m.changed),
            ("missing", &m.missing),
            ("extra", &m.extra),
        ] {
            for name in list {
                self.problem(what, &format!("{shown}{name}"), "");
            }
        }
        let odd = Folder {
            links: m.links.clone(),
            special: m.special.clone(),
            ..Folder::default()
        };
        self.odd(shown, &odd);
    }

    /// Symlinks, FIFOs, sockets and devices: never part of an archived edition.
    fn odd(&mut self, shown: &str, folder: &Folder) {
        let at = |name: &str| match name {
            "." if shown.is_empty() => ".".to_string(),
            "." => shown.to_string(),
            _ => format!("{shown}{name}"),
        };
        for name in &folder.links {
            self.problem(
                "symlink",
                &at(name),
                " (an archived edition holds only regular files; a link can point anywhere)",
            );
        }
        for name in &folder.special {
            self.problem(
                "not a regular file",
                &at(name),
                " (a FIFO, socket or device: an archived edition holds only regular files, and it is never opened)",
            );
        }
    }
}
