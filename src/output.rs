//! Writing the rendered site atomically: everything goes into a temporary sibling folder,
//! which then replaces the output folder in two renames. A failed build never leaves a
//! half-written site, and the previous output stays untouched until the new one is complete.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Replaces `out` with exactly `files` (paths relative to `out`, `/`-separated).
pub fn write_atomic(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> io::Result<()> {
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
    let result = write_all(&tmp, files).and_then(|()| {
        if out.exists() {
            std::fs::rename(out, &old)?;
            if let Err(e) = std::fs::rename(&tmp, out) {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&old, out);
                return Err(e);
            }
            std::fs::remove_dir_all(&old)
        } else {
            std::fs::rename(&tmp, out)
        }
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn write_all(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Paths come from validated ids and slugs; refuse anything that could leave `dir`.
    if let Some(bad) = files.keys().find(|rel| {
        Path::new(rel.as_str())
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    }) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {bad}"),
        ));
    }
    // Each folder once, then the files in parallel: a large site has tens of thousands.
    let folders: BTreeSet<&Path> = files
        .keys()
        .filter_map(|rel| Path::new(rel.as_str()).parent())
        .collect();
    for folder in folders {
        std::fs::create_dir_all(dir.join(folder))?;
    }
    files
        .par_iter()
        .try_for_each(|(rel, bytes)| std::fs::write(dir.join(rel), bytes))
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
