//! Writing the rendered site atomically: everything goes into a temporary sibling folder
//! (as it is rendered, so a large site is never held in memory whole), which then replaces
//! the output folder in two renames. A failed build never leaves a half-written site, and
//! the previous output stays untouched until the new one is complete.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;

/// Replaces `out` with exactly `files` (paths relative to `out`, `/`-separated).
pub fn write_atomic(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    Staging::new(out)?.commit(files)
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
    pub fn new(out: &Path) -> io::Result<Staging> {
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
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.gongkai-new-{pid}"));
        let old = parent.join(format!(".{name}.gongkai-old-{pid}"));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
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
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
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

    /// Writes `rest` too, then replaces the output folder with the staged one.
    pub fn commit(&self, rest: &BTreeMap<String, Vec<u8>>) -> io::Result<()> {
        rest.par_iter()
            .for_each(|(rel, bytes)| self.put(rel, bytes));
        if let Some(e) = lock(&self.failed).take() {
            return Err(e);
        }
        if self.out.exists() {
            std::fs::rename(&self.out, &self.old)?;
            if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&self.old, &self.out);
                return Err(e);
            }
            self.committed.store(true, Ordering::Relaxed);
            std::fs::remove_dir_all(&self.old)
        } else {
            std::fs::rename(&self.tmp, &self.out)?;
            self.committed.store(true, Ordering::Relaxed);
            Ok(())
        }
    }
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
