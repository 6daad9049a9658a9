//! Which files beside the sources may be published as they are: an allow-list by extension.
//!
//! An office keeps backup copies next to its sources (`indicators.yaml~`, `indicators.yaml.bak`,
//! `indicators 副本.yaml`, `report.md.orig`, editor swap files), and those hold withheld figures
//! in clear. A deny-list always misses the next editor's pattern, so only the kinds of file a
//! disclosure page links to are copied; everything else is skipped and `check` names it.

/// Extensions (lower case) of the attachments an edition may publish: documents as offices
/// issue them (including the domestic OFD and WPS formats), images, tables and archives.
pub(crate) const ATTACHMENTS: &[&str] = &[
    "pdf", "ofd", "doc", "docx", "wps", "rtf", "odt", "xls", "xlsx", "et", "ods", "csv", "ppt",
    "pptx", "dps", "odp", "png", "jpg", "jpeg", "gif", "svg", "webp", "zip", "rar", "7z", "mp3",
    "mp4",
];

/// Extensions (lower case) a theme's `static/` folder may publish: what a page loads.
pub(crate) const THEME_STATIC: &[&str] = &[
    "css", "js", "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "woff", "woff2", "ttf", "otf",
];

/// Whether a file named `name` (its last path component) with an extension in `allowed` may be
/// published. Hidden files, Office lock files (`~$…`) and Emacs autosaves (`#…#`) never are,
/// whatever their extension.
pub(crate) fn allowed(name: &str, allowed: &[&str]) -> bool {
    if name.starts_with('.') || name.starts_with("~$") || name.starts_with('#') {
        return false;
    }
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty() && allowed.iter().any(|a| ext.eq_ignore_ascii_case(a))
}

/// Whether an attachment at `rel` (relative to its edition folder) would take the place of a
/// file gongkai writes there: the edition's data files, or anything in its charts/ and
/// indicators/ folders. Compared without case, as Windows and macOS servers do.
pub(crate) fn is_generated(rel: &str) -> bool {
    let rel = rel.to_lowercase();
    matches!(
        rel.as_str(),
        "data.csv" | "data.json" | "index.html" | "manifest.json"
    ) || rel.starts_with("charts/")
        || rel.starts_with("indicators/")
}

/// Every regular file under `dir` (symlinks not followed: nothing outside the project is
/// published), in name order, with hidden folders and files (`.git`, `.report.md.swp`) left
/// out and returned apart, each named once.
pub(crate) fn visible_files(
    dir: &std::path::Path,
) -> (Vec<walkdir::DirEntry>, Vec<std::path::PathBuf>) {
    let mut hidden = Vec::new();
    let files = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let visible = !e.file_name().to_string_lossy().starts_with('.');
            if !visible {
                hidden.push(e.path().to_path_buf());
            }
            visible
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    (files, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_kinds_are_published() {
        for ok in ["附件1.pdf", "图 1.PNG", "表.xlsx", "通知.ofd", "a.b.jpg"] {
            assert!(allowed(ok, ATTACHMENTS), "{ok}");
        }
        for skipped in [
            "indicators.yaml~",
            "indicators.yaml.bak",
            "indicators 副本.yaml",
            "report.md.orig",
            ".report.md.swp",
            "notes.md",
            "data.yml",
            "~$表.xlsx",
            "#report.md#",
            ".htaccess",
            "Thumbs.db",
            "README",
            ".pdf",
            "x.pdf~",
        ] {
            assert!(!allowed(skipped, ATTACHMENTS), "{skipped}");
        }
    }
}
