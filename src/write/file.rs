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
/// temporary name is new (a file of that name is not gongkai's to overwrite).
pub fn replace_all(files: &[(&Path, &[u8])]) -> io::Result<()> {
    let mut written = Vec::new();
    for (path, bytes) in files {
        let tmp = path.with_file_name(format!(
            ".{}.gongkai-new-{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
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
    for (n, ((path, _), tmp)) in files.iter().zip(&written).enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            for tmp in &written[n..] {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(e);
        }
    }
    Ok(())
}
