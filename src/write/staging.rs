//! Writing the rendered site atomically: everything goes into a temporary sibling folder
//! (as it is rendered, so a large site is never held in memory whole), which then replaces
//! the output folder in two renames. A failed build never leaves a half-written site, and
//! the previous output stays untouched until the new one is complete. Which folders a build
//! may replace at all is decided by [`super::rules`].

use super::rules::{STAMP, STAMP_TEXT};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;

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
        // Only ever a new folder: one of that name that is still there is not stale, and
        // may be somebody's.
        std::fs::create_dir(&tmp).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot make the staging folder {}: {e}; if a folder of that name is yours, move it away",
                    tmp.display()
                ),
            )
        })?;
        // First of all, so that a build killed at any later moment leaves a folder the next
        // build recognises as its own.
        if let Err(e) = std::fs::write(tmp.join(OWNER), owner_text()) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
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
        if !path.components().all(|c| matches!(c, Component::Normal(_)))
            || rel == STAMP
            || rel == OWNER
        {
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
        let exists = match std::fs::symlink_metadata(&self.out) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
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
            Ok(_) => true,
        };
        if exists {
            check_removable(&self.out, &self.tmp)?;
        }
        // The marker leaves last, just before the swap: the output never carries it.
        std::fs::remove_file(self.tmp.join(OWNER))?;
        if !exists {
            std::fs::rename(&self.tmp, &self.out)?;
            self.committed.store(true, Ordering::Relaxed);
            return Ok(None);
        }
        std::fs::rename(&self.out, &self.old)?;
        // Marked too, so that if this build dies before removing it, the next one does.
        let _ = std::fs::write(self.old.join(OWNER), owner_text());
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            // Put the previous output back before reporting.
            let _ = std::fs::remove_file(self.old.join(OWNER));
            let _ = std::fs::rename(&self.old, &self.out);
            return Err(e);
        }
        self.committed.store(true, Ordering::Relaxed);
        Ok(remove_marked(&self.old).err().map(|e| {
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

/// The file a staging folder gets before anything else, naming the process that made it:
/// only a folder with this marker is ever removed as stale, so a folder of the user's that
/// merely has a staging folder's name is never touched.
const OWNER: &str = ".gongkai-staging";

const OWNER_TITLE: &str =
    "gongkai staging folder: the next build removes it once the process that made it is gone\n";

/// The marker's text for this process.
fn owner_text() -> String {
    let pid = std::process::id();
    let owner = identity(pid).unwrap_or_else(|| format!("process {pid}"));
    format!("{OWNER_TITLE}{owner}\n")
}

/// `process <pid> started <ticks> boot <id>`: a process id with its start time (clock ticks
/// since boot, from /proc) and the boot it belongs to. A process id alone says little: it is
/// reused, and the process that has it now (pid 1 always runs, and so does every process id
/// in a fresh container) need not be the build that made a folder. None without /proc.
fn identity(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name in parentheses may hold spaces and parentheses itself.
    let (_, after) = stat.rsplit_once(')')?;
    let started = after.split_whitespace().nth(19)?;
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    Some(format!(
        "process {pid} started {started} boot {}",
        boot.trim()
    ))
}

/// Whether the staging folder `dir` is gongkai's and its build is gone: its marker is one
/// gongkai wrote, and no process with the marker's id, start time and boot runs now. On
/// systems without /proc every marked folder counts as gone (two builds into one folder at
/// once are not supported anyway).
fn is_stale(dir: &Path) -> bool {
    let path = dir.join(OWNER);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() < 1024) {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return false;
    };
    let Some(owner) = text
        .strip_prefix(OWNER_TITLE)
        .and_then(|rest| rest.strip_suffix('\n'))
    else {
        return false;
    };
    let Some(pid) = owner
        .strip_prefix("process ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    identity(pid).as_deref() != Some(owner)
}

/// Removes the staging folders of output `name` in `parent` that a build killed before it
/// could clean up left behind: only folders of gongkai's own naming that carry its marker
/// ([`OWNER`]) and whose process is gone. One that cannot be removed is left for the next
/// build.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&format!(".{name}.gongkai-")))
        else {
            continue;
        };
        let named = ["new-", "old-"]
            .iter()
            .find_map(|kind| rest.strip_prefix(kind))
            .is_some_and(|pid| pid.parse::<u32>().is_ok());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if named && is_dir && is_stale(&entry.path()) {
            let _ = remove_marked(&entry.path());
        }
    }
}

/// Removes a marked staging folder, its marker last: a removal that fails half-way leaves
/// the folder still marked, so the next build tries again.
fn remove_marked(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == OWNER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    let _ = std::fs::remove_file(dir.join(OWNER));
    std::fs::remove_dir(dir)
}

/// Fails when the old output holds a folder this process cannot empty (e.g. one owned by
/// another user), which would otherwise surface only after the swap, half deleted. `probe`
/// is a folder this process made, so its owner is this process's user. The error names the
/// folder and says how to open it.
#[cfg(unix)]
fn check_removable(out: &Path, probe: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata(probe)?.uid();
    if me == 0 {
        return Ok(());
    }
    let groups = own_groups();
    // How to open the folder depends on whose it is: its owner can open it with chmod, a
    // folder of another user must be given to this one (or removed) by that user or root.
    let closed = |path: &Path, why: String, owner: Option<u32>| {
        let quoted = shell_quote(path);
        let fix = match owner {
            Some(uid) if uid == me => format!("`chmod -R u+rwX {quoted}`"),
            Some(0) => format!("as root, `chown -R {me} {quoted}`"),
            Some(uid) => format!("as uid {uid} or root, `chown -R {me} {quoted}`"),
            None => format!(
                "`chmod -R u+rwX {quoted}` as its owner, or as root `chown -R {me} {quoted}`"
            ),
        };
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} {why}, so the previous output cannot be replaced; nothing was changed\n  = help: give the user running gongkai (uid {me}) read, write and search rights on it ({fix}) or delete it, then build again",
                path.display(),
            ),
        )
    };
    for entry in walkdir::WalkDir::new(out) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(out).to_path_buf();
                let cause = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                return Err(closed(
                    &path,
                    format!("cannot be read by this user ({cause})"),
                    None,
                ));
            }
        };
        if !entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.metadata().map_err(|e| {
            closed(
                entry.path(),
                format!("cannot be read by this user ({e})"),
                None,
            )
        })?;
        // Emptying a folder needs read (to list it), write and search permission on it, from
        // the class of permissions that applies to this user; when the groups are not
        // known, only a folder that is certainly closed is refused.
        let mode = meta.mode();
        let open = if meta.uid() == me {
            mode & 0o700 == 0o700
        } else {
            match &groups {
                Some(groups) if groups.contains(&meta.gid()) => mode & 0o070 == 0o070,
                Some(_) => mode & 0o007 == 0o007,
                None => mode & 0o007 == 0o007 || mode & 0o070 == 0o070,
            }
        };
        if !open {
            return Err(closed(
                entry.path(),
                format!(
                    "cannot be removed by this user (it belongs to uid {} and group {}, mode {:o})",
                    meta.uid(),
                    meta.gid(),
                    mode & 0o7777
                ),
                Some(meta.uid()),
            ));
        }
    }
    Ok(())
}

/// The groups this process belongs to (effective group and supplementary groups), from
/// /proc; None where that cannot be read.
#[cfg(unix)]
fn own_groups() -> Option<Vec<u32>> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|n| n.parse::<u32>().ok())
            })
    };
    // `Gid:` lists the real, effective, saved and file-system group: the last decides.
    let mut groups: Vec<u32> = field("Gid:")?.skip(3).take(1).collect();
    groups.extend(field("Groups:")?);
    Some(groups)
}

/// `path` as a shell word, for a command in a help line.
#[cfg(unix)]
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_alphanumeric() || "/._-+,".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
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
