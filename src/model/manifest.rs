//! What an archived edition records about itself (`manifest.json`: every file's path, size
//! and SHA-256, the source files' hashes, the freezing date, its corrections) and the site's
//! list of archived folders (`archived.json`), with the names of those folders.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The file name of a manifest, inside the edition folder it describes.
pub const MANIFEST: &str = "manifest.json";

/// `archive/<year>/manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub edition: i32,
    pub gongkai_version: String,
    /// The freezing date (YYYY-MM-DD): the edition's `published` date or `archive --date`.
    pub frozen: String,
    /// content/<year>/ as it was when frozen, paths relative to the project root.
    pub sources: Vec<FileEntry>,
    /// Every file of the frozen edition except the manifest, paths relative to its folder.
    pub files: Vec<FileEntry>,
    /// Every `archive --amend` of the edition, oldest first (on the current version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// On a version replaced by a correction (archive/<year>-v<n>/): what replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl FileEntry {
    pub fn of(path: String, bytes: &[u8]) -> FileEntry {
        FileEntry {
            path,
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The site-wide list of corrections, linked from every footer, the site map and every
/// correction's notes.
pub const CORRECTIONS_PAGE: &str = "corrections.html";

/// `archived.json` at the site root: which folders of the site are archived editions or
/// versions kept by corrections, each with its manifest's SHA-256. `verify` takes from it
/// which folders must have a manifest, so deleting one (and editing a page) is caught.
pub const LIST: &str = "archived.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedList {
    pub archived: Vec<ArchivedFolder>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedFolder {
    /// The folder under the site root, e.g. `2023` or `2023-v1`.
    pub folder: String,
    pub manifest_sha256: String,
}

/// Whether `name` is the name of an archived folder: `<year>` or `<year>-v<n>`.
pub fn is_edition_folder(name: &str) -> bool {
    (name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit())) || parse_version(name).is_some()
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{MANIFEST} is not a gongkai manifest: {e}"))
}

/// One correction, as the amended edition's manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The date of the correction, YYYY-MM-DD.
    pub date: String,
    /// What was corrected and why, as given with `--note`.
    pub note: String,
    /// The folder (beside the edition's, e.g. `2023-v1`) holding the version it replaced.
    pub previous: String,
    /// Files of the edition that changed, were added or removed, relative to its folder.
    pub files: Vec<String>,
}

/// On a replaced version's manifest: what replaced it, and its files as first frozen (before
/// its pages were marked 已更正).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    pub date: String,
    pub note: String,
    /// The folder of the current version, e.g. `2023`.
    pub current: String,
    pub original_files: Vec<FileEntry>,
}

/// `<year>-v<n>`, the folder of the n-th replaced version of an edition.
pub fn version_name(year: i32, n: u32) -> String {
    format!("{year}-v{n}")
}

/// `(year, n)` of a folder named `<year>-v<n>`.
pub fn parse_version(name: &str) -> Option<(i32, u32)> {
    let (y, n) = name.split_once("-v")?;
    Some((y.parse().ok()?, n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
