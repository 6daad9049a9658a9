//! The default theme, embedded in the binary, and a project's overrides from `themes/<name>/`.
//!
//! Every embedded template is registered twice: as `<name>` (which a project template of the
//! same name replaces) and as `default/<name>` (which stays), so an override can
//! `{% extends "default/page.html" %}` and change one block instead of copying the file.
//!
//! `themes/<name>/chart.yaml` sets the charts' colours: `palette:` (the series, in order) and
//! `target:`, each a quoted `"#rrggbb"`; what it leaves out stays the default's.

use super::publishable;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::theme::{Rgb, Theme};
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
    "search.html",
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
        let chart = dir.join("chart.yaml");
        if chart.is_file() {
            load_chart_colours(&chart, root, &mut theme, sources, diags);
        }
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

/// `themes/<name>/chart.yaml` as written.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ChartFile {
    palette: Option<Vec<String>>,
    target: Option<String>,
}

const COLOUR_HELP: &str =
    "write a colour as a quoted hex value, e.g. \"#1f4e8c\" (unquoted, YAML reads # as a comment)";

/// Lays the colours of `path` over the default ones; an unreadable or malformed file is E001
/// (or E010) at the value, and the default colours stay.
fn load_chart_colours(
    path: &Path,
    root: &Path,
    theme: &mut Theme,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            diags.push(
                Diagnostic::error("E037", format!("{} is not valid UTF-8", shown.display()))
                    .help("save the file as UTF-8"),
            );
            return;
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("E010", format!("cannot read {}: {e}", shown.display()))
                    .help("check the file's permissions"),
            );
            return;
        }
    };
    let file = sources.add(shown, text);
    let text = &sources.get(file).text;
    let parsed = match super::yaml::parse::<ChartFile>(sources, file, text, 1) {
        Ok(p) => p,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let mut colours = theme.chart.clone();
    colours.file = Some(file);
    let mut ok = true;
    let mut bad = |value: &str, span: (usize, usize), why: &str| {
        ok = false;
        diags.push(
            Diagnostic::error("E001", format!("`{value}` is not a chart colour: {why}"))
                .at_span(sources, file, span.0, span.1)
                .help(COLOUR_HELP),
        );
    };
    if let Some(palette) = &parsed.palette {
        let key = key_offset(text, "palette");
        if palette.is_empty() {
            bad(
                "[]",
                (key, key + "palette".len()),
                "the palette needs a colour at least",
            );
        }
        let spans = value_spans(text, key, palette);
        colours.palette.clear();
        colours.spans.clear();
        for (value, span) in palette.iter().zip(&spans) {
            match parse_hex(value) {
                Some(c) => colours.palette.push(c),
                None => bad(value, *span, "not #rrggbb"),
            }
            colours.spans.push(*span);
        }
    }
    if let Some(target) = &parsed.target {
        let key = key_offset(text, "target");
        let span = value_spans(text, key, std::slice::from_ref(target))[0];
        match parse_hex(target) {
            Some(c) => colours.target = c,
            None => bad(target, span, "not #rrggbb"),
        }
        colours.target_span = Some(span);
    }
    if ok {
        theme.chart = colours;
    }
}

/// `#rrggbb` or `#rgb`, any case.
fn parse_hex(value: &str) -> Option<Rgb> {
    let digits = value.strip_prefix('#')?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match digits.len() {
        6 => Some((
            channel(&digits[0..2])?,
            channel(&digits[2..4])?,
            channel(&digits[4..6])?,
        )),
        3 => {
            let twice = |k: usize| channel(&digits[k..=k].repeat(2));
            Some((twice(0)?, twice(1)?, twice(2)?))
        }
        _ => None,
    }
}

/// Byte offset of the top-level `key:` in `text` (0 when it is not found).
fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return offset;
        }
        offset += line.len();
    }
    0
}

/// Where each of `values` is written, in order, from `from` on (serde_yaml keeps no
/// positions); a value not found is placed at `from`.
fn value_spans(text: &str, from: usize, values: &[String]) -> Vec<(usize, usize)> {
    let mut at = from;
    values
        .iter()
        .map(
            |v| match text[at..].find(v.as_str()).filter(|_| !v.is_empty()) {
                Some(i) => {
                    let (mut start, mut end) = (at + i, at + i + v.len());
                    // The value as written, quotes included.
                    let b = text.as_bytes();
                    if start > 0
                        && matches!(b[start - 1], b'"' | b'\'')
                        && b.get(end) == Some(&b[start - 1])
                    {
                        start -= 1;
                        end += 1;
                    }
                    at = end;
                    (start, end)
                }
                None => (from, from),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours_parse() {
        assert_eq!(parse_hex("#1F4e8c"), Some((0x1f, 0x4e, 0x8c)));
        assert_eq!(parse_hex("#abc"), Some((0xaa, 0xbb, 0xcc)));
        for bad in ["1f4e8c", "#1f4e8", "#1f4e8g", "#+1+2+3", "#", "red"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn palette_entries_are_found_in_order() {
        let text = "# c: \"#111111\"\npalette:\n  - \"#111111\"\n  - '#222222'\n  - \"#111111\"\n";
        let values: Vec<String> = ["#111111", "#222222", "#111111"].map(String::from).into();
        let key = key_offset(text, "palette");
        let spans = value_spans(text, key, &values);
        let lines: Vec<usize> = spans.iter().map(|s| text[..s.0].lines().count()).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert_eq!(&text[spans[1].0..spans[1].1], "'#222222'");
    }
}
