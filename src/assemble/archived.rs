//! Archived editions in the built site: every file of `archive/<year>/` (and of the versions
//! corrections keep) copied verbatim under `<year>/`, each page with its 关怀版 copy, and the
//! site's `archived.json`.

use crate::diagnostic::Diagnostic;
use crate::load::archives::Archives;
use crate::model::manifest::{LIST, MANIFEST};
use crate::write::Output;

/// Puts every archived edition's files into `out` under `<year>/`, replacing anything
/// rendered there; returns the warnings and errors found while loading.
pub(crate) fn copy_archived(
    archives: &Archives,
    out: &mut Output,
    stage: Option<&crate::write::staging::Staging>,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let editions = archives
        .editions
        .iter()
        .map(|(year, (_, files))| (year.to_string(), files));
    let versions = archives
        .versions
        .iter()
        .map(|(folder, files)| (folder.clone(), files));
    for (folder, files) in editions.chain(versions) {
        let prefix = format!("{folder}/");
        let care_prefix = format!("care/{prefix}");
        out.retain(|p| !p.starts_with(&prefix) && !p.starts_with(&care_prefix));
        let files: Vec<(&String, &Vec<u8>)> = files.iter().collect();
        let settled: Vec<Vec<crate::write::Settled>> = files
            .par_iter()
            .map(|&(rel, bytes)| {
                let path = format!("{prefix}{rel}");
                // The corrections page reads the manifests: they stay in memory.
                let stage = stage.filter(|_| rel != MANIFEST);
                let mut both = Vec::new();
                if rel.ends_with(".html") {
                    let care = crate::html::care::frozen_page_copy(bytes, &path);
                    both.push(crate::write::settle(stage, format!("care/{path}"), care));
                }
                both.push(crate::write::settle(stage, path, bytes.clone()));
                both
            })
            .collect();
        settled.into_iter().flatten().for_each(|f| out.add(f));
    }
    if let Some(list) = archives.list() {
        out.insert(LIST.to_string(), list);
    }
    archives.diagnostics.clone()
}
