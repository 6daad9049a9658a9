//! An edition as the fill-in workbook sees it (`gongkai export` and `import`): its indicators
//! read leniently — a figure still 待填报 (`value: ~`) is what the workbook is for, where the
//! full loader refuses it (E031) — with the byte span of every figure as written, so import can
//! replace those bytes and nothing else; last year's figures for reference; and the annual
//! report's cells, which carry their spans already.

use super::content::{edition_dirs, load_nianbao, read, read_config, Overlay};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::yaml;
use crate::model::config::SiteConfig;
use crate::model::nianbao::Nianbao;
use crate::model::Figure;
use crate::source::{FileId, Sources};
use serde::Deserialize;
use std::path::Path;

/// One year's edition, with the figures a workbook shows and fills.
#[derive(Debug)]
pub(crate) struct Form {
    pub config: SiteConfig,
    pub year: i32,
    pub sources: Sources,
    /// indicators.yaml and its sections, when the edition has a work report.
    pub indicators: Option<(FileId, Vec<FormSection>)>,
    /// The latest earlier edition's indicators, for reference.
    pub previous: Option<(i32, Vec<FormSection>)>,
    pub nianbao: Option<Nianbao>,
    pub previous_nianbao: Option<(i32, Nianbao)>,
}

impl Form {
    /// The latest earlier edition's indicator of this id, shown for reference.
    pub fn previous_indicator(&self, id: &str) -> Option<&FormIndicator> {
        self.previous
            .as_ref()?
            .1
            .iter()
            .flat_map(|s| &s.indicators)
            .find(|i| i.id == id)
    }

    /// Whether a completion rate can be published for `ind`: it has a target this year or
    /// had one last, or states a rate. Only then does the workbook offer a 完成率 cell, and
    /// only then does import take one.
    pub fn rate_offered(&self, ind: &FormIndicator) -> bool {
        ind.target.is_some()
            || ind.completion.is_some()
            || self
                .previous_indicator(&ind.id)
                .is_some_and(|i| i.target.is_some())
    }
}

#[derive(Debug, Deserialize)]
struct LenientFile {
    sections: Vec<FormSection>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FormSection {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub indicators: Vec<FormIndicator>,
}

/// An indicator's fields that a workbook shows; the others are `check`'s business.
#[derive(Debug, Deserialize)]
pub(crate) struct FormIndicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// None: 待填报 (`~`).
    #[serde(default)]
    pub value: Option<Figure>,
    #[serde(default)]
    pub target: Option<Figure>,
    #[serde(default)]
    pub completion: Option<f64>,
    #[serde(skip)]
    pub spans: FigureSpans,
}

impl FormIndicator {
    pub fn is_percent(&self) -> bool {
        matches!(self.unit.trim(), "%" | "％")
    }
}

/// Where an indicator's figures are written in indicators.yaml (byte spans of the value
/// scalars, comments excluded), and where a missing `target:` or `completion:` line goes.
#[derive(Debug, Default, Clone)]
pub(crate) struct FigureSpans {
    pub value: Option<(usize, usize)>,
    pub target: Option<(usize, usize)>,
    pub completion: Option<(usize, usize)>,
    /// The start of the line after `value:` (or after `target:` for `completion:`).
    pub after_value: usize,
    pub after_target: Option<usize>,
    /// The indentation of the indicator's keys.
    pub indent: usize,
}

/// Reads the edition `year` of the project at `root` for a workbook.
pub(crate) fn form(root: &Path, year: i32) -> Result<Form, (Sources, Diagnostics)> {
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let content = root.join("content");
    // The sources as they are on disk: a workbook is exported from them and imported into them.
    let disk = &Overlay::default();
    let config = read_config(root, disk, &mut sources, &mut diags).map(|(c, _)| c);
    let dir = content.join(year.to_string());
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(
                "E010",
                format!("there is no edition {year}: content/{year}/ does not exist"),
            )
            .help(format!(
                "start it with `gongkai new {year}`, or give the year of an edition in content/"
            )),
        );
        return Err((sources, diags));
    }
    // Import edits these in place: one reached through a symbolic link is a file outside
    // the project (the build does not load it), so it is neither read nor written.
    for (path, shown) in [
        (dir.clone(), format!("content/{year}/")),
        (
            dir.join("indicators.yaml"),
            format!("content/{year}/indicators.yaml"),
        ),
        (
            dir.join("nianbao.yaml"),
            format!("content/{year}/nianbao.yaml"),
        ),
    ] {
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            diags.push(
                Diagnostic::error("E095", format!("{shown} is a symbolic link: export and import read and write only the project's own files, and the build does not load it"))
                    .help("put the folder or file itself in its place (copy it over the link), then export or import again"),
            );
        }
    }
    if diags.has_errors() {
        return Err((sources, diags));
    }
    let indicators = edition_indicators(root, &dir, &mut sources, &mut diags);
    let nianbao = load_nianbao(root, disk, &dir, &mut sources, &mut diags);
    // Last year's figures are shown for reference; an earlier edition that does not read
    // is left out rather than standing in the way of this year's form.
    let earlier: Vec<(i32, std::path::PathBuf)> = edition_dirs(&content)
        .into_iter()
        .filter(|(y, _)| *y < year)
        .rev()
        .collect();
    let mut quiet = Diagnostics::default();
    let previous = earlier.iter().find_map(|&(y, ref d)| {
        edition_indicators(root, d, &mut sources, &mut quiet).map(|(_, sections)| (y, sections))
    });
    let previous_nianbao = earlier.iter().find_map(|&(y, ref d)| {
        load_nianbao(root, disk, d, &mut sources, &mut quiet).map(|n| (y, n))
    });
    match config {
        Some(config) if !diags.has_errors() => {
            if indicators.is_none() && nianbao.is_none() {
                diags.push(
                    Diagnostic::error("E010", format!("content/{year}/ has neither indicators.yaml nor nianbao.yaml: there is nothing to fill in"))
                        .help(format!("start the edition with `gongkai new {year}`")),
                );
                return Err((sources, diags));
            }
            Ok(Form {
                config,
                year,
                sources,
                indicators,
                previous,
                nianbao,
                previous_nianbao,
            })
        }
        _ => Err((sources, diags)),
    }
}

fn edition_indicators(
    root: &Path,
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(FileId, Vec<FormSection>)> {
    let path = dir.join("indicators.yaml");
    if !path.is_file() {
        return None;
    }
    let file = read(root, &Overlay::default(), &path, sources, diags)?;
    let text = &sources.get(file).text;
    let parsed = match yaml::parse::<LenientFile>(sources, file, text, 1) {
        Ok(p) => p,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut sections = parsed.sections;
    match locate_figures(text, &mut sections) {
        Ok(()) => Some((file, sections)),
        Err((at, problem)) => {
            let (message, help) = match problem {
                Unplaced::NoValue(id) => (
                    format!("`{id}` has no `value:` line for import to fill in"),
                    "add `value: ~` (待填报) on a line of its own after the indicator's `unit:`, as `gongkai new` writes it, then import again".to_string(),
                ),
                Unplaced::Form => (
                    "indicators.yaml is not written in the block form import edits in place".to_string(),
                    "write every section and indicator as `- id: …` followed by its keys on lines of their own (`value: 12`), as `gongkai new` writes them: `{ … }` mappings and figures on the line after their key cannot be edited figure by figure".to_string(),
                ),
            };
            diags.push(
                Diagnostic::error("E095", message)
                    .at_span(sources, file, at, at + 1)
                    .help(help),
            );
            None
        }
    }
}

/// Why an indicator's figures cannot be placed in its text.
#[derive(Debug, PartialEq)]
pub(crate) enum Unplaced {
    /// Not the block form of `gongkai new` (a `{ }` mapping, a figure below its key).
    Form,
    /// No `value:` key: the full loader refuses the indicator anyway (E001); import says
    /// what to add rather than guessing where.
    NoValue(String),
}

/// Fills in each indicator's [`FigureSpans`] by walking the `id:` keys of the text in
/// order, which must be the parsed order (section, its indicators, next section…); the
/// byte offset of the first disagreement otherwise.
pub(crate) fn locate_figures(
    text: &str,
    sections: &mut [FormSection],
) -> Result<(), (usize, Unplaced)> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .collect();
    let ids: Vec<(usize, usize, (usize, usize))> = lines
        .iter()
        .enumerate()
        .filter_map(|(n, &(start, line))| {
            let (column, key, value) = key_line(line)?;
            (key == "id").then(|| (n, column, (start + value.0, start + value.1)))
        })
        .collect();
    let mut next = ids.iter();
    let unquote = |s: &str| s.trim_matches(['"', '\'']).to_string();
    for section in sections.iter_mut() {
        let &(_, _, span) = next
            .next()
            .ok_or((text.len().saturating_sub(1), Unplaced::Form))?;
        if unquote(&text[span.0..span.1]) != section.id {
            return Err((span.0, Unplaced::Form));
        }
        for ind in section.indicators.iter_mut() {
            let &(n, column, span) = next
                .next()
                .ok_or((text.len().saturating_sub(1), Unplaced::Form))?;
            if unquote(&text[span.0..span.1]) != ind.id {
                return Err((span.0, Unplaced::Form));
            }
            ind.spans = block_figures(&lines, n, column).map_err(|problem| (span.0, problem))?;
            if ind.spans.value.is_none() {
                return Err((span.0, Unplaced::NoValue(ind.id.clone())));
            }
        }
    }
    Ok(())
}

/// The figures of the indicator whose `id:` key is on line `n` at `column`: keys at that
/// column on the lines that follow, until a line indented less (comments and blanks aside).
fn block_figures(
    lines: &[(usize, &str)],
    n: usize,
    column: usize,
) -> Result<FigureSpans, Unplaced> {
    let mut spans = FigureSpans {
        indent: column,
        ..FigureSpans::default()
    };
    for &(start, line) in &lines[n..] {
        let body = line.trim_end_matches(['\r', '\n']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if start != lines[n].0 && indent < column {
            break;
        }
        let Some((at, key, value)) = key_line(line) else {
            continue;
        };
        if at != column {
            continue;
        }
        let end = start + line.len();
        let value = (value.0 != value.1).then_some((start + value.0, start + value.1));
        match key {
            // A figure on the line after its key is not where import could replace it.
            "value" | "target" | "completion" if value.is_none() => return Err(Unplaced::Form),
            "value" => {
                spans.value = value;
                spans.after_value = end;
            }
            "target" => {
                spans.target = value;
                spans.after_target = Some(end);
            }
            "completion" => spans.completion = value,
            _ => {}
        }
    }
    Ok(spans)
}

/// For a line holding `key: value` (after an optional `- `): the key's column, the key, and
/// the value's byte range within the line (empty when nothing follows the colon), comments
/// excluded.
fn key_line(line: &str) -> Option<(usize, &str, (usize, usize))> {
    let body = line.trim_end_matches(['\r', '\n']);
    let mut column = body.len() - body.trim_start_matches(' ').len();
    let mut rest = &body[column..];
    if let Some(r) = rest.strip_prefix("- ") {
        let skipped = r.len() - r.trim_start_matches(' ').len();
        column += 2 + skipped;
        rest = &r[skipped..];
    }
    let colon = rest.find(':')?;
    let key = rest[..colon].trim_end().trim_matches(['"', '\'']);
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let lead = after.len() - after.trim_start_matches([' ', '\t']).len();
    let value = &after[lead..];
    let start = column + colon + 1 + lead;
    let len = if value.starts_with('#') {
        0
    } else if let Some(q @ ('"' | '\'')) = value.chars().next() {
        value[1..].find(q).map_or(value.len(), |i| i + 2)
    } else {
        value.find(" #").unwrap_or(value.len())
    };
    let len = value[..len].trim_end().len();
    Some((column, key, (start, start + len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "sections:\n  - id: jobs  # 就业\n    title: 就业\n    indicators:\n      - id: jobs.total\n        name: 城乡统筹就业\n        unit: 人\n        value: ~  # 待填报\n        # target: 8000\n        parts: [a]\n      - id: \"jobs.rate\"\n        name: 失业率\n        unit: \"%\"\n        value: '*'\n        target: 4.0 # 上限\n        completion: 101\n";

    fn sections() -> Vec<FormSection> {
        let ind = |id: &str| FormIndicator {
            id: id.into(),
            name: String::new(),
            unit: String::new(),
            value: None,
            target: None,
            completion: None,
            spans: FigureSpans::default(),
        };
        vec![FormSection {
            id: "jobs".into(),
            title: String::new(),
            indicators: vec![ind("jobs.total"), ind("jobs.rate")],
        }]
    }

    #[test]
    fn every_figure_is_found_as_written() {
        let mut s = sections();
        locate_figures(TEXT, &mut s).unwrap();
        let at = |span: Option<(usize, usize)>| span.map(|(a, b)| &TEXT[a..b]);
        let total = &s[0].indicators[0].spans;
        assert_eq!(at(total.value), Some("~"));
        assert_eq!(total.target, None);
        assert_eq!(
            &TEXT[total.after_value..total.after_value + 10],
            "        # "
        );
        assert_eq!(total.indent, 8);
        let rate = &s[0].indicators[1].spans;
        assert_eq!(at(rate.value), Some("'*'"));
        assert_eq!(at(rate.target), Some("4.0"));
        assert_eq!(at(rate.completion), Some("101"));
    }

    #[test]
    fn ids_out_of_step_with_the_parse_are_refused() {
        let mut s = sections();
        s[0].indicators.swap(0, 1);
        assert!(locate_figures(TEXT, &mut s).is_err());
        let flow = "sections:\n  - {id: jobs, title: x, indicators: []}\n";
        let mut s = sections();
        s[0].indicators.clear();
        assert!(locate_figures(flow, &mut s).is_err());
    }
}
