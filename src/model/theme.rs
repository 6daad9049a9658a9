//! The theme a build uses: templates and static files, the project's overrides laid over the
//! embedded default (loaded by `load::theme`).

use crate::source::FileId;
use std::collections::BTreeMap;

/// The templates and static files a build uses, overrides applied.
#[derive(Debug, Default)]
pub struct Theme {
    /// Template name → (source, the project file it came from, if not embedded).
    pub templates: BTreeMap<String, (String, Option<FileId>)>,
    /// Path under `static/` → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Files of the theme folder that are not used: hidden files and editor backups, and
    /// static files outside the allow-list (`check` names them).
    pub skipped: Vec<std::path::PathBuf>,
}
