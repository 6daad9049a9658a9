//! Reading an archived folder and checking it against its manifest: every entry, hidden
//! ones and symlinks included, because a web server serves `.htaccess` as readily as a page.
//! Nothing but a regular file is ever opened (a FIFO would block the read for good), and a
//! file is read only when its manifest lists it with the size it has, so a stray or swollen
//! file is reported from its metadata alone.

use crate::model::manifest::{parse_manifest, sha256_hex, FileEntry, Manifest, MANIFEST};
use std::collections::BTreeMap;
use std::io::{self, Read as _};
use std::path::Path;
use walkdir::WalkDir;

/// The most a manifest or the site's list of archived folders may weigh: a manifest of an
/// edition with a hundred thousand files is about 15 MB.
pub(crate) const LIST_LIMIT: u64 = 64 << 20;

/// Why an entry that should be a regular file is not one, as the messages say it.
fn not_a_file(kind: std::fs::FileType) -> &'static str {
    if kind.is_symlink() {
        "is a symlink"
    } else if kind.is_dir() {
        "is a folder"
    } else {
        "is not a regular file"
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them. Anything else is
/// refused before it is opened: a FIFO would block the read forever, a symlink can point
/// anywhere, a device never ends.
pub(crate) fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let refuse = |why: String| io::Error::new(io::ErrorKind::InvalidInput, why);
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Err(refuse(not_a_file(meta.file_type()).to_string()));
    }
    if meta.len() > limit {
        return Err(refuse(format!(
            "has {} bytes, more than the {limit} it may have",
            meta.len()
        )));
    }
    let file = std::fs::File::open(path)?;
    // The entry may have been replaced between the look and the open.
    if !file.metadata()?.file_type().is_file() {
        return Err(refuse("is not a regular file".into()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(refuse(format!(
            "has more than the {limit} bytes it may have"
        )));
    }
    Ok(bytes)
}

/// `shown` (a path as messages name it) and why [`read_regular`] could not read it:
/// `archive/2023/manifest.json is not a regular file`, `… : cannot read: <the OS's reason>`.
pub(crate) fn cannot_read(shown: &str, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::InvalidInput {
        format!("{shown} {e}")
    } else {
        format!("{shown}: cannot read: {e}")
    }
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
        let rel = relative(dir, entry.path());
        out.insert(rel, std::fs::read(entry.path())?);
    }
    Ok(out)
}

fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// An archived edition's folder as found, without reading a file: every entry, hidden ones
/// included, because a web server serves `.htaccess` or `.well-known/` as readily as a page.
#[derive(Debug, Default)]
pub struct Folder {
    /// Every regular file by `/`-separated path relative to the folder (its manifest too),
    /// with its size.
    pub sizes: BTreeMap<String, u64>,
    /// Symlinks: never part of an archived edition (a link can point anywhere, e.g. at
    /// /etc/passwd). `.` when the folder itself is one.
    pub links: Vec<String>,
    /// FIFOs, sockets and devices: never part of an archived edition, and never opened.
    /// `.` when the folder itself is no folder.
    pub special: Vec<String>,
}

impl Folder {
    /// How the entry `rel` is not a regular file, if it is a link or a special file.
    pub fn not_a_file(&self, rel: &str) -> Option<&'static str> {
        if self.links.iter().any(|l| l == rel) {
            Some("is a symlink")
        } else if self.special.iter().any(|l| l == rel) {
            Some("is not a regular file")
        } else {
            None
        }
    }
}

/// Looks at every entry under `dir`, following no link and opening no file.
pub(crate) fn scan_folder(dir: &Path) -> io::Result<Folder> {
    let mut out = Folder::default();
    let kind = std::fs::symlink_metadata(dir)?.file_type();
    if kind.is_symlink() {
        out.links.push(".".to_string());
        return Ok(out);
    }
    if !kind.is_dir() {
        out.special.push(".".to_string());
        return Ok(out);
    }
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry?;
        let rel = relative(dir, entry.path());
        let kind = entry.file_type();
        if kind.is_file() {
            out.sizes.insert(rel, entry.metadata()?.len());
        } else if kind.is_symlink() {
            out.links.push(rel);
        } else if !kind.is_dir() {
            out.special.push(rel);
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

/// The bytes of the manifest at `path`, read only if it is a regular file of a sane size.
pub(crate) fn read_manifest_bytes(path: &Path) -> io::Result<Vec<u8>> {
    read_regular(path, LIST_LIMIT)
}

pub fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let bytes = read_manifest_bytes(path).map_err(|e| cannot_read(MANIFEST, &e))?;
    parse_manifest(&bytes)
}

/// What is wrong with one archived folder against its manifest.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mismatch {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    /// Files the manifest does not list: hidden ones and manifests of subfolders included.
    pub extra: Vec<String>,
    /// Symlinks (see [`Folder::links`]).
    pub links: Vec<String>,
    /// FIFOs, sockets and devices (see [`Folder::special`]).
    pub special: Vec<String>,
}

impl Mismatch {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.links.is_empty()
            && self.special.is_empty()
    }
}

/// A folder checked against a manifest: what differs, and the bytes of every listed file
/// that matched (all of them when nothing differs).
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub mismatch: Mismatch,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Checks the folder `dir`, scanned by [`scan_folder`], against `manifest`: only the
/// manifest at the folder's root is not a file of the edition; any other file, a
/// manifest.json in a subfolder too, is extra. A file is read only when the manifest lists
/// it with the size it has: an unlisted or resized file is reported unread, whatever its
/// size.
pub(crate) fn check_folder(
    dir: &Path,
    folder: &Folder,
    manifest: &Manifest,
) -> io::Result<Checked> {
    use rayon::prelude::*;
    let listed: BTreeMap<&str, &FileEntry> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut m = Mismatch {
        links: folder.links.clone(),
        special: folder.special.clone(),
        ..Mismatch::default()
    };
    // Hashing is most of the work of a build's archive check: spread it over the cores.
    let read: Vec<(&FileEntry, Option<Vec<u8>>)> = manifest
        .files
        .par_iter()
        .filter(|f| folder.sizes.contains_key(&f.path))
        .map(|f| {
            if folder.sizes[&f.path] != f.size {
                return Ok((f, None));
            }
            let path = dir.join(&f.path);
            let bytes = read_regular(&path, f.size)
                .map_err(|e| io::Error::new(e.kind(), cannot_read(&f.path, &e)))?;
            Ok((f, (sha256_hex(&bytes) == f.sha256).then_some(bytes)))
        })
        .collect::<io::Result<_>>()?;
    let mut files = BTreeMap::new();
    for (f, bytes) in read {
        match bytes {
            Some(b) => {
                files.insert(f.path.clone(), b);
            }
            None => m.changed.push(f.path.clone()),
        }
    }
    for f in &manifest.files {
        if !folder.sizes.contains_key(&f.path) && folder.not_a_file(&f.path).is_none() {
            m.missing.push(f.path.clone());
        }
    }
    for p in folder.sizes.keys() {
        if p != MANIFEST && !listed.contains_key(p.as_str()) {
            m.extra.push(p.clone());
        }
    }
    Ok(Checked { mismatch: m, files })
}

/// Scans `folder` and checks it against `manifest`.
pub(crate) fn verify_folder(folder: &Path, manifest: &Manifest) -> io::Result<Checked> {
    check_folder(folder, &scan_folder(folder)?, manifest)
}
