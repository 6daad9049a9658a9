//! One file replaced atomically: written whole under a temporary name beside it, then renamed
//! over it, so a reader (or a crash) sees the old bytes or the new, never a half-written file.

use std::io::{self, Write as _};
use std::path::Path;

/// Writes `bytes` to `path`, replacing it in one rename. The temporary name is new (a file
/// of that name is not gongkai's to overwrite) and is removed again if anything fails.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_file_name(format!(
        ".{}.gongkai-new-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, path)
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
