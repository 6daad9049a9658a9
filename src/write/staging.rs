//! Writing the rendered site atomically: everything goes into a temporary sibling folder
//! (as it is rendered, so a large site is never held in memory whole), which then replaces
//! the output folder in two renames. A failed build never leaves a half-written site, and
//! the previous output stays untouched until the new one is complete. Which folders a build
//! may replace at all is decided here too ([`check_site_output`]).

use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;

/// The file that marks a folder as written by `gongkai build`. A build replaces its output
/// folder as a whole, so it only ever replaces a folder that carries this mark or is empty:
/// a mistyped `--out` must never wipe a project, a theme or somebody else's files.
pub const STAMP: &str = ".gongkai";

const STAMP_TEXT: &[u8] =
    b"This folder is written by `gongkai build` and replaced as a whole on every build.\n";

/// Why an output path was refused, with the help line that says what to pass instead.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n  = help: {}", self.message, self.help)
    }
}

/// The folders of a project that a build reads from or that belong to the user: the output
/// may be none of them, nor lie inside one.
const PROJECT_FOLDERS: [&str; 4] = ["content", "themes", "archive", ".git"];

/// Refuses a site output folder that a build must not replace: the project folder or one of
/// its parents, anything inside content/, themes/, archive/ or .git/, an existing file or
/// symbolic link, and a non-empty folder without the [`STAMP`] of an earlier build. Called
/// before anything is rendered or written, so a refusal touches nothing.
pub fn check_site_output(root: &Path, out: &Path) -> Result<(), Refusal> {
    let real = check_project_path(root, out)?;
    let shown = out.display();
    match std::fs::metadata(&real) {
        Ok(meta) if !meta.is_dir() => Err(Refusal {
            message: format!("refusing to build into {shown}: it is a file, not a folder"),
            help: "pass a folder for the site (it is created if missing), e.g. --out public".into(),
        }),
        Ok(_) if !is_empty(&real) && !is_stamped(&real) => Err(Refusal {
            message: format!("refusing to build into {shown}: the folder is not empty and was not written by gongkai (it has no {STAMP} file), and a build replaces its output folder as a whole"),
            help: "pass an empty or new folder, e.g. --out public; if an older gongkai wrote this folder, delete or move it once by hand".into(),
        }),
        _ => Ok(()),
    }
}

/// Refuses an output file (a bundle) at `out` that is a folder, lies where a build must not
/// write (see [`check_site_output`]), or exists without being `ours` (a file gongkai wrote
/// before, which it may replace).
pub fn check_file_output(root: &Path, out: &Path, ours: fn(&Path) -> bool) -> Result<(), Refusal> {
    let real = check_project_path(root, out)?;
    let shown = out.display();
    match std::fs::metadata(&real) {
        Ok(meta) if meta.is_dir() => Err(Refusal {
            message: format!("refusing to write {shown}: it is a folder"),
            help: "pass a file name, e.g. --out gongkai-2023.tar.gz".into(),
        }),
        Ok(_) if !ours(&real) => Err(Refusal {
            message: format!(
                "refusing to overwrite {shown}: the file exists and was not written by gongkai"
            ),
            help: "pass a new file name, e.g. --out gongkai-2023.tar.gz".into(),
        }),
        _ => Ok(()),
    }
}

/// The rules every output path shares: not a symbolic link, not the project folder or one
/// of its parents, not inside one of its [`PROJECT_FOLDERS`]. Returns the resolved path.
fn check_project_path(root: &Path, out: &Path) -> Result<PathBuf, Refusal> {
    let shown = out.display();
    let refuse = |message: String, help: &str| Refusal {
        message,
        help: help.to_string(),
    };
    let root = std::fs::canonicalize(root).map_err(|e| {
        refuse(
            format!("cannot read the project folder {}: {e}", root.display()),
            "pass the project folder (the one holding content/) with --root",
        )
    })?;
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(
            format!("refusing to write to {shown}: it is a symbolic link"),
            "pass the path the link points to, so it is clear what is replaced",
        ));
    }
    let real = resolve(out).map_err(|e| {
        refuse(
            format!("cannot resolve the output path {shown}: {e}"),
            "pass an output path that can be created, e.g. --out public",
        )
    })?;
    if root.starts_with(&real) {
        return Err(refuse(
            format!("refusing to write to {shown}: it is the project folder or one of its parents, and the output replaces what is there"),
            "pass a folder of its own for the site, e.g. --out public",
        ));
    }
    for folder in PROJECT_FOLDERS {
        if real.starts_with(root.join(folder)) {
            return Err(refuse(
                format!("refusing to write to {shown}: it is inside the project's {folder}/ folder, which holds sources and must never be replaced"),
                "pass an output path outside content/, themes/, archive/ and .git/, e.g. --out public",
            ));
        }
    }
    Ok(real)
}

/// `path` with symbolic links and `..` resolved, for a path that need not exist yet: the
/// deepest existing ancestor is canonicalised and the rest appended.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            // `..` or the root: canonicalise what is there and let it fail if it must.
            _ => break,
        }
    }
    let mut real = std::fs::canonicalize(existing)?;
    for name in rest.iter().rev() {
        real.push(name);
    }
    // A `..` after a folder that does not exist yet is taken lexically.
    let mut normal = PathBuf::new();
    for c in real.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            c => normal.push(c),
        }
    }
    Ok(normal)
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Whether `dir` is a folder `gongkai build` wrote (it carries the [`STAMP`]).
pub(crate) fn is_stamped(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(STAMP)).is_ok_and(|m| m.is_file())
}

/// Replaces `out` with exactly `files` (paths relative to `out`, `/`-separated). For folders
/// whose names gongkai chooses itself (archive/<year>/), so they carry no [`STAMP`].
pub fn write_atomic(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    Staging::new(out, false)?.commit(files).map(|_| ())
}

/// A temporary sibling of the output folder that files are written into while the site is
/// rendered, so finished pages leave memory at once. `commit` swaps it in; dropping it
/// uncommitted (a failed build) removes it and leaves the previous output untouched.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    /// Folders made so far: each is made once although thousands of files go in it.
    folders: Mutex<HashSet<PathBuf>>,
    /// The first write that failed; later writes are skipped and `commit` reports it.
    failed: Mutex<Option<io::Error>>,
    committed: std::sync::atomic::AtomicBool,
}

impl Staging {
    /// A staging folder beside `out`. With `stamp`, the folder gets the [`STAMP`] file, so
    /// a later build knows it may replace it. Staging folders that an earlier build left
    /// behind (killed before it could clean up) are removed first.
    pub fn new(out: &Path, stamp: bool) -> io::Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output path has no name"))?
            .to_string_lossy()
            .into_owned();
        remove_stale(&parent, &name);
        let pid = std::process::id();
        let tmp = parent.join(staging_name(&name, "new", pid));
        let old = parent.join(staging_name(&name, "old", pid));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
        if stamp {
            std::fs::write(tmp.join(STAMP), STAMP_TEXT)?;
        }
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            old,
            folders: Mutex::new(HashSet::new()),
            failed: Mutex::new(None),
            committed: Default::default(),
        })
    }

    /// Writes one file (`rel` relative to the output folder). A failure is kept for
    /// `commit`; the build goes on rendering so that it still reports every content error.
    pub fn put(&self, rel: &str, bytes: &[u8]) {
        if lock(&self.failed).is_some() {
            return;
        }
        if let Err(e) = self.write(rel, bytes) {
            lock(&self.failed).get_or_insert(e);
        }
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        // Paths come from validated ids and slugs; refuse anything that could leave the folder.
        let path = Path::new(rel);
        if !path.components().all(|c| matches!(c, Component::Normal(_))) || rel == STAMP {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {rel}"),
            ));
        }
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
            if !lock(&self.folders).contains(folder) {
                std::fs::create_dir_all(self.tmp.join(folder))?;
                lock(&self.folders).insert(folder.to_path_buf());
            }
        }
        std::fs::write(self.tmp.join(path), bytes)
    }

    /// Writes `rest` too, then replaces the output folder with the staged one. Everything
    /// that can fail is tried before the swap: the previous output is only moved aside once
    /// the new one is complete and the old one is known to be removable. Returns a warning
    /// when the old copy, already out of the way, could not be removed after all.
    pub fn commit(&self, rest: &BTreeMap<String, Vec<u8>>) -> io::Result<Option<String>> {
        rest.par_iter()
            .for_each(|(rel, bytes)| self.put(rel, bytes));
        if let Some(e) = lock(&self.failed).take() {
            return Err(e);
        }
        match std::fs::symlink_metadata(&self.out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::rename(&self.tmp, &self.out)?;
                self.committed.store(true, Ordering::Relaxed);
                return Ok(None);
            }
            Err(e) => return Err(e),
            Ok(meta) if !meta.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} is not a folder; nothing was replaced",
                        self.out.display()
                    ),
                ))
            }
            Ok(_) => {}
        }
        check_removable(&self.out, &self.tmp)?;
        std::fs::rename(&self.out, &self.old)?;
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&self.old, &self.out);
            return Err(e);
        }
        self.committed.store(true, Ordering::Relaxed);
        Ok(std::fs::remove_dir_all(&self.old).err().map(|e| {
            format!(
                "the site was written, but the previous output, moved aside to {}, could not be removed ({e}); gongkai tries again on the next build, or delete it by hand",
                self.old.display()
            )
        }))
    }
}

/// `.<name>.gongkai-<kind>-<pid>`: the staging folders of output `name`.
fn staging_name(name: &str, kind: &str, pid: u32) -> String {
    format!(".{name}.gongkai-{kind}-{pid}")
}

/// Removes the staging folders of output `name` in `parent` that a build killed before it
/// could clean up left behind (a process of that id no longer runs). Only folders of
/// gongkai's own naming are touched; one that cannot be removed is left for the next build.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let ours = std::process::id();
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&format!(".{name}.gongkai-")))
        else {
            continue;
        };
        let Some(pid) = ["new-", "old-"]
            .iter()
            .find_map(|kind| rest.strip_prefix(kind))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != ours && !is_running(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process `pid` runs (on systems without /proc, every build counts as gone: two
/// builds into one folder at once are not supported anyway).
fn is_running(pid: u32) -> bool {
    Path::new("/proc/self").exists() && Path::new(&format!("/proc/{pid}")).exists()
}

/// Fails when the old output holds a folder this process cannot empty (e.g. one owned by
/// another user), which would otherwise surface only after the swap, half deleted. `probe`
/// is a folder this process made, so its owner is this process's user.
#[cfg(unix)]
fn check_removable(out: &Path, probe: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata(probe)?.uid();
    if me == 0 {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.metadata().map_err(io::Error::other)?;
        // Emptying a folder needs write and search permission on it; group membership is
        // not known here, so only a folder that is certainly closed is refused.
        let mode = meta.mode();
        let open = if meta.uid() == me {
            mode & 0o300 == 0o300
        } else {
            mode & 0o003 == 0o003 || mode & 0o030 == 0o030
        };
        if !open {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{} cannot be removed by this user, so the previous output cannot be replaced; nothing was changed (fix its owner or permissions, then build again)",
                    entry.path().display()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_removable(_out: &Path, _probe: &Path) -> io::Result<()> {
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed.load(Ordering::Relaxed) {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// A poisoned lock only means another writer panicked; what it guards is still sound.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_folder_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut files = BTreeMap::new();
        files.insert("a/b.html".to_string(), b"1".to_vec());
        write_atomic(&out, &files).unwrap();
        std::fs::write(out.join("stale.html"), "x").unwrap();
        files.insert("c.html".to_string(), b"2".to_vec());
        write_atomic(&out, &files).unwrap();
        assert!(!out.join("stale.html").exists());
        assert_eq!(std::fs::read(out.join("c.html")).unwrap(), b"2");

        let mut bad = BTreeMap::new();
        bad.insert("../evil.html".to_string(), b"x".to_vec());
        assert!(write_atomic(&out, &bad).is_err());
        assert_eq!(std::fs::read(out.join("c.html")).unwrap(), b"2");
        assert!(!dir.path().join("evil.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
