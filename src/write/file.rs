//! Files replaced atomically: each written whole under a temporary name beside it, then
//! renamed over it, so a reader (or a crash) sees the old bytes or the new, never a
//! half-written file; several files are all written before any is renamed. A replaced file
//! keeps its permissions.

use std::io::{self, Write as _};
use std::path::Path;

/// Writes `bytes` to `path`, replacing it in one rename.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_all(&[(path, bytes)])
}

/// Replaces every file: all are written under temporary names first (a failure there
/// removes them and leaves every file as it was), then each is renamed over its file. A
/// temporary name is new (a file of that name is not gongkai's to overwrite). Should a
/// rename fail after others succeeded, the files already replaced get their old bytes back,
/// so the set is replaced whole or not at all; the error says so.
pub fn replace_all(files: &[(&Path, &[u8])]) -> io::Result<()> {
    replace_all_with(files, |from, to| std::fs::rename(from, to))
}

fn replace_all_with(
    files: &[(&Path, &[u8])],
    rename: impl Fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    let written = write_temporaries(files)?;
    // The old bytes, read before anything is renamed: what a failed rename puts back.
    let olds: Vec<Option<Vec<u8>>> = files.iter().map(|(p, _)| std::fs::read(p).ok()).collect();
    for (n, ((path, _), tmp)) in files.iter().zip(&written).enumerate() {
        if let Err(e) = rename(tmp, path) {
            for tmp in &written[n..] {
                let _ = std::fs::remove_file(tmp);
            }
            if n == 0 {
                return Err(e);
            }
            let undone: Vec<(&Path, &[u8])> = files[..n]
                .iter()
                .zip(&olds)
                .filter_map(|((p, _), old)| old.as_deref().map(|o| (*p, o)))
                .collect();
            let names = |list: &[(&Path, &[u8])]| {
                list.iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let restored = write_temporaries(&undone).and_then(|tmps| {
                for ((path, _), tmp) in undone.iter().zip(&tmps) {
                    std::fs::rename(tmp, path)?;
                }
                Ok(())
            });
            return Err(io::Error::new(
                e.kind(),
                match restored {
                    Ok(()) => format!(
                        "{e} (renaming over {}); {} put back as it was, nothing changed",
                        path.display(),
                        names(&files[..n])
                    ),
                    Err(back) => format!(
                        "{e} (renaming over {}); {} already replaced and could not be put back ({back}): compare them with version control",
                        path.display(),
                        names(&files[..n])
                    ),
                },
            ));
        }
    }
    Ok(())
}

/// The temporary name a file is written under before it is renamed over `path`:
/// `.indicators.yaml.gongkai-new-<process id>` beside it.
fn temporary(path: &Path) -> std::path::PathBuf {
    path.with_file_name(format!("{}{}", temporary_prefix(path), std::process::id()))
}

fn temporary_prefix(path: &Path) -> String {
    format!(
        ".{}.gongkai-new-",
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// Temporary files of [`replace_all`] left beside `path` by a run that was killed between
/// writing and renaming them: gongkai's own name for them, a process id after it.
pub fn leftovers(path: &Path) -> Vec<std::path::PathBuf> {
    let prefix = temporary_prefix(path);
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.strip_prefix(&prefix)
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
                && e.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Every file written whole under a new temporary name beside it, or none (each removed again
/// on a failure).
fn write_temporaries(files: &[(&Path, &[u8])]) -> io::Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    for (path, bytes) in files {
        let tmp = temporary(path);
        let made = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp);
        let result = made.and_then(|mut file| {
            written.push(tmp.clone());
            // The replaced file keeps its mode (a read-only nianbao.yaml stays read-only).
            if let Ok(old) = std::fs::metadata(path) {
                file.set_permissions(old.permissions())?;
            }
            file.write_all(bytes)?;
            file.sync_all()
        });
        if let Err(e) = result {
            for tmp in &written {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(e);
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_second_rename_puts_the_first_file_back() {
        let dir = std::env::temp_dir().join(format!("gongkai-file-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("indicators.yaml"), dir.join("nianbao.yaml"));
        std::fs::write(&a, "value: 1\n").unwrap();
        std::fs::write(&b, "fees: 0\n").unwrap();
        let calls = std::cell::Cell::new(0);
        let err = replace_all_with(
            &[
                (&a, b"value: 2\n".as_slice()),
                (&b, b"fees: 5\n".as_slice()),
            ],
            |from, to| {
                calls.set(calls.get() + 1);
                if calls.get() == 2 {
                    Err(io::Error::other("disk gone"))
                } else {
                    std::fs::rename(from, to)
                }
            },
        )
        .unwrap_err();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "value: 1\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "fees: 0\n");
        assert!(err.to_string().contains("put back as it was"), "{err}");
        // No temporary file is left beside them.
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
