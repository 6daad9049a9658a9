//! Reads `content/` (site.yaml, one folder per edition year) into a `Site`, collecting every
//! load error as a diagnostic instead of stopping at the first.

use super::publishable;
use super::spans::{find_nth_value, find_value, split_front_matter, top_level_value};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::yaml;
use crate::model::config::{PageFront, ReportFront, SiteConfig};
use crate::model::{Edition, IndicatorsFile, Page, Site};
use crate::source::{FileId, Sources};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Loads the project at `root`. Errors are returned all together.
pub fn load(root: &Path) -> Result<Site, (Sources, Diagnostics)> {
    load_with(root, None, &Overlay::default())
}

/// Texts that stand in for files of the project, by path relative to the root, read in
/// their place: `import --dry-run` checks the sources it would write without writing them,
/// or copying the project to write them elsewhere.
pub type Overlay = std::collections::HashMap<PathBuf, String>;

type Sections = std::sync::Arc<Vec<crate::model::Section>>;

/// Parsed indicators files by path, with the text they were parsed from, kept by `serve`
/// between rebuilds: a city's ten years of indicators.yaml take most of a load to parse, and
/// a save touches one. A file is parsed again when its text differs in any byte.
#[derive(Debug, Default)]
pub struct ParseCache {
    parsed: std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, (String, Sections)>>,
}

/// [`load`], reusing the parses in `cache` for files whose text is unchanged, with the
/// files of `overlay` read from it instead of the disk.
pub fn load_with(
    root: &Path,
    cache: Option<&ParseCache>,
    overlay: &Overlay,
) -> Result<Site, (Sources, Diagnostics)> {
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let content = root.join("content");

    let config = read_config(root, overlay, &mut sources, &mut diags);

    let mut pending = Vec::new();
    let mut skipped = Vec::new();
    if content.is_dir() {
        for (year, dir) in edition_dirs(&content) {
            let (sources, diags) = (&mut sources, &mut diags);
            if let Some(e) = load_edition(root, overlay, &dir, year, sources, diags, &mut skipped) {
                pending.push(e);
            }
        }
    } else {
        diags.push(
            Diagnostic::error(
                "E010",
                format!("no content folder at {}", content.display()),
            )
            .help(
                "run gongkai in a project folder (one with content/site.yaml), or pass --root DIR",
            ),
        );
    }

    let editions = parse_indicators(pending, &sources, &mut diags, cache);

    let theme_dir = config.as_ref().and_then(|(c, file)| {
        let dir = root.join("themes").join(&c.theme);
        if dir.is_dir() {
            Some(dir)
        } else {
            if c.theme != "default" {
                let (start, end) = find_value(&sources.get(*file).text, "theme", &c.theme);
                diags.push(
                    Diagnostic::error("E035", format!("theme `{}` not found", c.theme))
                        .at_span(&sources, *file, start, end)
                        .help(format!(
                            "create themes/{}/templates/ with the templates to override, or set `theme: default`",
                            c.theme
                        )),
                );
            }
            None
        }
    });

    let wordlist = content.join("wordlist.yaml");
    let wordlist_file = if wordlist.is_file() {
        read(root, overlay, &wordlist, &mut sources, &mut diags)
    } else {
        None
    };
    let theme =
        crate::model::theme::Theme::load(theme_dir.as_deref(), root, &mut sources, &mut diags);
    match config {
        Some((config, config_file)) if !diags.has_errors() => Ok(Site {
            root: root.to_path_buf(),
            config,
            config_file,
            editions,
            sources,
            wordlist_file,
            theme,
            skipped,
        }),
        _ => Err((sources, diags)),
    }
}

/// content/site.yaml read and parsed, its `base_url` checked (E055): the one reading of the
/// site's settings, for the build and for the fill-in workbook alike.
pub(super) fn read_config(
    root: &Path,
    overlay: &Overlay,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(SiteConfig, FileId)> {
    let site = root.join("content").join("site.yaml");
    let file = read(root, overlay, &site, sources, diags)?;
    match yaml::parse::<SiteConfig>(sources, file, &sources.get(file).text, 1) {
        Ok(c) => {
            if let Some(url) = &c.base_url {
                diags.extend(base_url_error(sources, file, url));
            }
            Some((c, file))
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// The edition folders of `content` (named by a four-digit year), in year order. A symbolic
/// link is not followed: the build does not load an edition from outside the project.
pub(super) fn edition_dirs(content: &Path) -> Vec<(i32, PathBuf)> {
    WalkDir::new(content)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_dir())
        .filter_map(|entry| {
            let year = edition_year(&entry.file_name().to_string_lossy())?;
            Some((year, entry.path().to_path_buf()))
        })
        .collect()
}

/// E055 at site.yaml's `base_url` when it is not a URL the site can be published under.
fn base_url_error(sources: &Sources, file: FileId, url: &str) -> Option<Diagnostic> {
    let problem = crate::model::config::base_url_problem(url)?;
    let text = &sources.get(file).text;
    // A value written with YAML escapes is not found as is: then at the value as written.
    let (start, end) = find_nth_value(text, "base_url", url, 0)
        .or_else(|| top_level_value(text, "base_url"))
        .unwrap_or_else(|| {
            let key = text.find("base_url").unwrap_or(0);
            (key, key + "base_url".len())
        });
    Some(
        Diagnostic::error(
            "E055",
            format!("base_url is not a URL the site can be published under: {problem}"),
        )
        .at_span(sources, file, start, end)
        .help(format!(
            "{} (or remove base_url: links work without it)",
            crate::model::config::BASE_URL_HELP
        )),
    )
}

/// A folder named by a four-digit year is an edition; anything else in content/ is not.
fn edition_year(name: &str) -> Option<i32> {
    (name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit()))
        .then(|| name.parse().ok())
        .flatten()
}

/// An edition read but whose indicators.yaml is not parsed yet: the files of all editions
/// are parsed together, in parallel.
struct PendingEdition {
    year: i32,
    report: Option<Page<ReportFront>>,
    pages: Vec<Page<PageFront>>,
    indicators_file: Option<FileId>,
    assets: Vec<(String, std::path::PathBuf)>,
    nianbao: Option<crate::model::nianbao::Nianbao>,
    /// Neither report.md nor indicators.yaml is there: an edition of the annual report alone.
    work_report_absent: bool,
}

fn parse_indicators(
    pending: Vec<PendingEdition>,
    sources: &Sources,
    diags: &mut Diagnostics,
    cache: Option<&ParseCache>,
) -> Vec<Edition> {
    use rayon::prelude::*;
    let parsed: Vec<Option<Result<Sections, Diagnostic>>> = pending
        .par_iter()
        .map(|e| {
            let file = e.indicators_file?;
            let source = sources.get(file);
            let hit = cache.and_then(|c| {
                lock(&c.parsed)
                    .get(&source.path)
                    .filter(|(text, _)| *text == source.text)
                    .map(|(_, sections)| sections.clone())
            });
            Some(hit.map(Ok).unwrap_or_else(|| {
                let parsed = yaml::parse::<IndicatorsFile>(sources, file, &source.text, 1)?;
                let sections = std::sync::Arc::new(parsed.sections);
                if let Some(c) = cache {
                    let entry = (source.text.clone(), sections.clone());
                    lock(&c.parsed).insert(source.path.clone(), entry);
                }
                Ok(sections)
            }))
        })
        .collect();
    let mut editions = Vec::new();
    for (e, parsed) in pending.into_iter().zip(parsed) {
        let sections = match parsed {
            Some(Ok(sections)) => sections,
            Some(Err(d)) => {
                // serde stops at the first placeholder; list them all so a scaffolded
                // edition can be filled in one pass.
                let file = e.indicators_file.unwrap_or_default();
                let pending = pending_figures(sources, file);
                if pending.is_empty() {
                    diags.push(d);
                } else {
                    diags.extend(pending);
                }
                continue;
            }
            // An edition of an annual report alone (most departments publish only that).
            None if e.work_report_absent && e.nianbao.is_some() => Default::default(),
            None => continue,
        };
        if e.work_report_absent {
            editions.push(Edition::new(
                e.year, None, e.pages, sections, None, e.assets, e.nianbao,
            ));
            continue;
        }
        let (Some(report), Some(file)) = (e.report, e.indicators_file) else {
            continue;
        };
        editions.push(Edition::new(
            e.year,
            Some(report),
            e.pages,
            sections,
            Some(file),
            e.assets,
            e.nianbao,
        ));
    }
    editions
}

/// A poisoned lock only means a parse panicked elsewhere; the map is still sound.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads an edition folder. Files that are neither a page nor an allowed attachment are
/// added to `skipped`, by their path as shown to the user.
fn load_edition(
    root: &Path,
    overlay: &Overlay,
    dir: &Path,
    year: i32,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    skipped: &mut Vec<PathBuf>,
) -> Option<PendingEdition> {
    // An edition holds a work report (report.md with indicators.yaml), an annual report
    // (nianbao.md with nianbao.yaml), or both; a folder with only an annual report has no
    // work report to miss.
    let work_report_absent = !dir.join("report.md").exists()
        && !dir.join("indicators.yaml").exists()
        && (dir.join("nianbao.md").exists() || dir.join("nianbao.yaml").exists());
    let (report, indicators_file) = if work_report_absent {
        (None, None)
    } else {
        (
            read(root, overlay, &dir.join("report.md"), sources, diags)
                .and_then(|f| load_page::<ReportFront>(sources, f, "index".into(), diags)),
            read(root, overlay, &dir.join("indicators.yaml"), sources, diags),
        )
    };

    let mut pages = Vec::new();
    let mut assets = Vec::new();
    let (files, hidden) = publishable::visible_files(dir);
    for entry in files {
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if matches!(
            rel.as_str(),
            "report.md" | "indicators.yaml" | "nianbao.md" | "nianbao.yaml"
        ) {
            continue;
        }
        if entry.depth() == 1 && rel.ends_with(".md") {
            let slug = rel.trim_end_matches(".md").to_string();
            let Some(file) = read(root, overlay, entry.path(), sources, diags) else {
                continue;
            };
            if !is_slug(&slug) || slug == "index" {
                diags.push(
                    Diagnostic::error("E007", format!("page name `{slug}` cannot be published"))
                        .at(file, 1, 1, 1)
                        .help("rename the file to lowercase letters, digits, - or _ (not `index`), e.g. plan.md"),
                );
                continue;
            }
            if let Some(p) = load_page::<PageFront>(sources, file, slug, diags) {
                pages.push(p);
            }
        } else if publishable::allowed(
            &entry.file_name().to_string_lossy(),
            publishable::ATTACHMENTS,
        ) {
            if publishable::is_generated(&rel) {
                diags.push(
                    Diagnostic::error(
                        "E052",
                        format!(
                            "{} would take the place of a file gongkai writes for the edition",
                            shown(root, entry.path()).display()
                        ),
                    )
                    .help("rename the attachment, or move it into a folder of its own such as files/ (data.csv, data.json, charts/ and indicators/ are the edition's own)"),
                );
                continue;
            }
            assets.push((rel, entry.path().to_path_buf()));
        } else {
            skipped.push(shown(root, entry.path()));
        }
    }
    skipped.extend(hidden.iter().map(|p| shown(root, p)));
    skipped.sort();
    let nianbao = load_nianbao(root, overlay, dir, sources, diags);
    Some(PendingEdition {
        year,
        report,
        pages,
        indicators_file,
        assets,
        nianbao,
        work_report_absent,
    })
}

/// The edition's annual disclosure report, when it has nianbao.md or nianbao.yaml: the two
/// come together.
pub(super) fn load_nianbao(
    root: &Path,
    overlay: &Overlay,
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<crate::model::nianbao::Nianbao> {
    let (md, data) = (dir.join("nianbao.md"), dir.join("nianbao.yaml"));
    match (md.is_file(), data.is_file()) {
        (false, false) => return None,
        (true, true) => {}
        (has_md, _) => {
            let (present, missing) = if has_md { (&md, &data) } else { (&data, &md) };
            diags.push(
                Diagnostic::error(
                    "E071",
                    format!(
                        "{} has no {}",
                        shown(root, present).display(),
                        shown(root, missing).display()
                    ),
                )
                .help("an annual disclosure report is nianbao.md (front matter and narrative) with nianbao.yaml (the tables): `gongkai new <year>` writes both"),
            );
            return None;
        }
    }
    let page = read(root, overlay, &md, sources, diags)
        .and_then(|f| load_page::<ReportFront>(sources, f, "nianbao".into(), diags));
    let data_file = read(root, overlay, &data, sources, diags)?;
    super::nianbao::load(sources, page?, data_file, diags)
}

/// Every `value: ~` / `target: ~` (待填报, as written by `gongkai new`) in an indicators file.
fn pending_figures(sources: &Sources, file: FileId) -> Vec<Diagnostic> {
    let text = &sources.get(file).text;
    let mut out = Vec::new();
    let mut id = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        let code = trimmed.split(" #").next().unwrap_or("").trim_end();
        if let Some(v) = code.strip_prefix("id:") {
            id = v.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
        }
        for key in ["value", "target"] {
            let Some(rest) = code.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
                continue;
            };
            let v = rest.trim();
            if matches!(v, "~" | "null" | "Null" | "NULL" | "") {
                // Only blanks and "- " precede the key, so its first occurrence is the key.
                let start = offset + line.find(key).unwrap_or(0);
                let end = start + code.len();
                out.push(
                    Diagnostic::error(
                        "E031",
                        format!("{key} of `{id}` is not filled in yet (待填报)"),
                    )
                    .at_span(sources, file, start, end)
                    .help(format!(
                        "write the figure, e.g. `{key}: 8084`, or `{key}: \"*\"` if it is withheld by law"
                    )),
                );
            }
        }
        offset += line.len();
    }
    out
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The largest source file gongkai reads.
pub const MAX_SOURCE_BYTES: u64 = 16_000_000;

/// A path as shown to the user: relative to the project root.
fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads a UTF-8 file into `sources`, with its path shown relative to the project root; a
/// file of `overlay` is taken from it, as it would be written.
pub(super) fn read(
    root: &Path,
    overlay: &Overlay,
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    let shown = shown(root, path);
    if let Some(text) = overlay.get(&shown) {
        return Some(sources.add(&shown, text.clone()));
    }
    // A yearly report is kilobytes; a file this large is a mistake (or an attack), and
    // parsing it would only exhaust memory before saying so.
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > MAX_SOURCE_BYTES {
            diags.push(
                Diagnostic::error(
                    "E036",
                    format!(
                        "{} is {} MB; source files are limited to {} MB",
                        shown.display(),
                        meta.len() / 1_000_000,
                        MAX_SOURCE_BYTES / 1_000_000
                    ),
                )
                .help("split the data into editions, or check that the right file was saved here"),
            );
            return None;
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                Some(sources.add(&shown, text))
            }
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "E037",
                        format!(
                            "{} is not valid UTF-8 (byte {})",
                            shown.display(),
                            e.utf8_error().valid_up_to()
                        ),
                    )
                    .help("save the file as UTF-8 (在编辑器中另存为 UTF-8 编码)"),
                );
                None
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error("E010", format!("cannot read {}: {e}", shown.display()))
                    .help("an edition folder needs report.md with indicators.yaml (a work report), nianbao.md with nianbao.yaml (an annual disclosure report), or all four; content/ needs site.yaml"),
            );
            None
        }
    }
}

/// Splits `---` front matter off a Markdown file and parses it.
fn load_page<F: DeserializeOwned>(
    sources: &Sources,
    file: FileId,
    slug: String,
    diags: &mut Diagnostics,
) -> Option<Page<F>> {
    let text = &sources.get(file).text;
    let Some((yaml_text, body_start)) = split_front_matter(text) else {
        diags.push(
            Diagnostic::error("E007", "missing front matter")
                .at(file, 1, 1, 1)
                .help("start the file with a `---` line, the metadata (at least `title: …`), and another `---` line"),
        );
        return None;
    };
    match yaml::parse::<F>(sources, file, yaml_text, 2) {
        Ok(front) => Some(Page {
            slug,
            front,
            body: text[body_start..].to_string(),
            body_start,
            file,
        }),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}
