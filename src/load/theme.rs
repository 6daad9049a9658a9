//! The default theme, embedded in the binary, and a project's overrides from `themes/<name>/`.
//!
//! Every embedded template is registered twice: as `<name>` (which a project template of the
//! same name replaces) and as `default/<name>` (which stays), so an override can
//! `{% extends "default/page.html" %}` and change one block instead of copying the file.

use super::publishable;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::theme::Theme;
use crate::source::Sources;
use std::path::Path;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub const TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "index.html",
    "edition.html",
    "page.html",
    "nianbao.html",
    "indicator.html",
    "history.html",
    "sitemap.html",
    "corrections.html",
    "404.html",
    "partials/head.html",
    "partials/header.html",
    "partials/footer.html",
    "partials/meta_table.html",
    "partials/indicator_table.html",
    "partials/legend.html",
    "partials/toc.html",
    "partials/indicator_body.html",
    "partials/edition_body.html",
    "fragments/base.html",
    "fragments/style.html",
    "fragments/toc.html",
    "fragments/edition.html",
    "fragments/page.html",
    "fragments/indicator.html",
);

/// The default theme's static files, by path under `static/`.
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "care.css",
        include_bytes!("../../themes/default/static/care.css"),
    ),
];

impl Theme {
    /// The embedded default theme with the project's `themes/<name>/` laid over it.
    pub fn load(
        dir: Option<&Path>,
        root: &Path,
        sources: &mut Sources,
        diags: &mut Diagnostics,
    ) -> Theme {
        let mut theme = Theme::default();
        for (name, text) in TEMPLATES {
            theme
                .templates
                .insert((*name).to_string(), ((*text).to_string(), None));
            theme
                .templates
                .insert(format!("default/{name}"), ((*text).to_string(), None));
        }
        for (name, bytes) in STATIC {
            theme
                .static_files
                .insert((*name).to_string(), bytes.to_vec());
        }
        let Some(dir) = dir else {
            return theme;
        };
        for (sub, is_template) in [("templates", true), ("static", false)] {
            let base = dir.join(sub);
            let (files, hidden) = publishable::visible_files(&base);
            for entry in files {
                let name = entry
                    .path()
                    .strip_prefix(&base)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let file_name = entry.file_name().to_string_lossy();
                // A template backup (`base.html~`) is never rendered, but a stray static file
                // is published: static files need the list.
                let used =
                    is_template || publishable::allowed(&file_name, publishable::THEME_STATIC);
                if !used {
                    theme.skipped.push(shown.to_path_buf());
                    continue;
                }
                match std::fs::read(entry.path()) {
                    Ok(bytes) if is_template => match String::from_utf8(bytes) {
                        Ok(text) => {
                            let file = sources.add(shown, text.clone());
                            theme.templates.insert(name, (text, Some(file)));
                        }
                        Err(_) => diags.push(
                            Diagnostic::error(
                                "E037",
                                format!("{} is not valid UTF-8", shown.display()),
                            )
                            .help("save the template as UTF-8"),
                        ),
                    },
                    Ok(bytes) => {
                        theme.static_files.insert(name, bytes);
                    }
                    Err(e) => diags.push(
                        Diagnostic::error("E010", format!("cannot read {}: {e}", shown.display()))
                            .help("check the file's permissions"),
                    ),
                }
            }
            theme.skipped.extend(
                hidden
                    .iter()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf()),
            );
        }
        theme
    }
}
