//! E021: a withheld figure's real value (`withheld_value`) in anything that reaches the
//! published site. Every text is read from its source as written, so the finding points
//! where the figure was typed: site.yaml (on every page), the project's theme templates and
//! static files (on every page too), and in the withholding edition and every later one,
//! indicators.yaml (names, notes, sources, section titles, any string), front matter (title,
//! summary, 文号, every field) and the whole Markdown body, code spans, raw-HTML attributes,
//! link URLs and template tags included. Only what never reaches the output is left out:
//! keys, comments, the figures themselves and `withheld_value`.
//!
//! What the source as written does not show is checked as well: every string as YAML reads
//! it (escapes such as `\u0038`, a line break inside quotes, folded lines), the csv and svg
//! attachments, and the names of published files and folders. The narrative as Markdown and
//! templates made it is render's to check (it sees the page before figures are printed).
//! How a number is matched is `narrative::withheld`'s.

use super::yaml_text::{key_span, mask_yaml, region};
use super::Locator;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Edition, Site};
use crate::narrative::withheld::{
    find, known_in, mask_comments, mask_template_comments, secrets, Secret,
};
use crate::source::FileId;
use std::collections::HashMap;

/// indicators.yaml keys whose values are figures, not text: published as numbers (or "*"),
/// or, for `withheld_value`, never.
pub(super) const FIGURE_KEYS: &[&str] = &[
    "value",
    "target",
    "completion",
    "series",
    "decimals",
    "withheld_value",
];

/// site.yaml keys that configure gongkai and never reach a page.
const SETTING_KEYS: &[&str] = &["index_no_pattern", "checks", "numbers", "theme"];

/// Attachments published verbatim that are text a reader (or a search engine) reads.
const TEXT_ATTACHMENTS: &[&str] = &["csv", "svg"];

/// Static files of a theme that are text.
const TEXT_STATIC: &[&str] = &["css", "js", "svg"];

/// What kind of text is scanned, for the message and the help.
#[derive(Clone, Copy)]
enum Text {
    /// A Markdown body of edition `year`: a figure of that edition has value() to print it.
    Narrative { year: i32 },
    /// A YAML text as written: indicators.yaml, front matter or site.yaml.
    Data,
    /// A YAML string as YAML reads it, where the text as written does not show the figure.
    Parsed,
    /// A template of the project's theme.
    Theme,
}

/// One run of the rule: the findings so far, so a parsed string does not repeat what the
/// text as written already reported.
struct Rule<'s> {
    site: &'s Site,
    diags: &'s mut Diagnostics,
    /// (file, byte offset, indicator id) of every finding in a source.
    reported: Vec<(FileId, usize, &'s str)>,
}

pub(super) fn check_site(site: &Site, diags: &mut Diagnostics) {
    let all = secrets(site);
    if all.is_empty() {
        return;
    }
    let mut rule = Rule {
        site,
        diags,
        reported: Vec::new(),
    };
    let config = &site.sources.get(site.config_file).text;
    rule.scan(
        site.config_file,
        &mask_yaml(config, SETTING_KEYS),
        &all,
        Text::Data,
    );
    rule.config_strings(&all);
    rule.theme(&all);
    for edition in &site.editions {
        let known = known_in(&all, edition.year);
        if known.is_empty() {
            continue;
        }
        if let Some(file) = edition.indicators_file {
            let text = &site.sources.get(file).text;
            rule.scan(file, &mask_yaml(text, FIGURE_KEYS), &known, Text::Data);
            rule.indicator_strings(edition, &known);
        }
        for (_, body_start, file) in edition.narratives() {
            let text = &site.sources.get(file).text;
            let (front, body) = text.split_at(body_start.min(text.len()));
            let front = mask_yaml(front, &[]);
            rule.scan(file, &front, &known, Text::Data);
            let body = mask_comments(body);
            let narrative = Text::Narrative { year: edition.year };
            // The body's offsets continue the front matter's.
            let padded = " ".repeat(front.len()) + &body;
            rule.scan(file, &padded, &known, narrative);
        }
        rule.front_strings(edition, &known);
        rule.files(edition, &known);
    }
}

impl<'s> Rule<'s> {
    /// Reports every number of `masked` (a file's text with what never reaches a page
    /// blanked) that is one of `secrets`.
    fn scan(&mut self, file: FileId, masked: &str, secrets: &[Secret<'s>], text: Text) {
        for leak in find(masked, secrets) {
            let (message, help) = explain(text, leak.secret);
            self.reported.push((file, leak.start, leak.secret.id));
            self.diags
                .push(Diagnostic::error("E021", message).help(help).at_span(
                    &self.site.sources,
                    file,
                    leak.start,
                    leak.end,
                ));
        }
    }

    /// Reports `value` (a string as YAML read it, written at `span` of `file`) when it shows
    /// one of `secrets` that the text as written did not show there.
    fn parsed(&mut self, file: FileId, span: (usize, usize), value: &str, secrets: &[Secret<'s>]) {
        let text = &self.site.sources.get(file).text;
        let (from, to) = region(text, span.0);
        for leak in find(value, secrets) {
            let id = leak.secret.id;
            let seen = self
                .reported
                .iter()
                .any(|&(f, at, i)| f == file && i == id && (from..to.max(from + 1)).contains(&at));
            if seen {
                continue;
            }
            let (message, help) = explain(Text::Parsed, leak.secret);
            self.reported.push((file, from, id));
            self.diags
                .push(Diagnostic::error("E021", message).help(help).at_span(
                    &self.site.sources,
                    file,
                    span.0,
                    span.1,
                ));
        }
    }

    /// The strings of site.yaml that reach a page, as YAML read them.
    fn config_strings(&mut self, secrets: &[Secret<'s>]) {
        let site = self.site;
        let c = &site.config;
        let f = &c.footer;
        let strings: [(&str, Option<&String>); 15] = [
            ("title", Some(&c.title)),
            ("organization", Some(&c.organization)),
            ("language", Some(&c.language)),
            ("base_url", c.base_url.as_ref()),
            ("site_domain", c.site_domain.as_ref()),
            ("name", Some(&c.column.name)),
            ("type", Some(&c.column.kind)),
            ("sponsor", f.sponsor.as_ref()),
            ("operator", f.operator.as_ref()),
            ("site_code", f.site_code.as_ref()),
            ("icp", f.icp.as_ref()),
            ("police_record", f.police_record.as_ref()),
            ("address", f.address.as_ref()),
            ("phone", f.phone.as_ref()),
            ("withheld_note", Some(&c.withheld_note)),
        ];
        let file = site.config_file;
        let text = &site.sources.get(file).text;
        let percent = ("percent_sign", Some(&c.numbers.percent_sign));
        for (key, value) in strings.into_iter().chain([percent]) {
            if let Some(value) = value {
                let span = key_span(text, (0, text.len()), key).unwrap_or((0, 0));
                self.parsed(file, span, value, secrets);
            }
        }
    }

    /// The strings of an edition's indicators.yaml that reach a page, as YAML read them.
    fn indicator_strings(&mut self, edition: &'s Edition, secrets: &[Secret<'s>]) {
        let site = self.site;
        let Some(file) = edition.indicators_file else {
            return;
        };
        let locator = Locator::new(&site.sources, file);
        // Sections and indicators both have `id:` lines; a repeated id is found again by count.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut nth = |id: &'s str| {
            let n = seen.entry(id).or_default();
            *n += 1;
            *n - 1
        };
        for section in edition.sections.iter() {
            let n = nth(&section.id);
            for (key, value) in [("id", &section.id), ("title", &section.title)] {
                self.parsed(file, locator.field(&section.id, n, key), value, secrets);
            }
            for ind in &section.indicators {
                let n = nth(&ind.id);
                let strings = [
                    ("id", Some(&ind.id)),
                    ("name", Some(&ind.name)),
                    ("unit", Some(&ind.unit)),
                    ("period", ind.period.as_ref()),
                    ("note", ind.note.as_ref()),
                    ("description", ind.description.as_ref()),
                    ("source", ind.source.as_ref()),
                    ("break", ind.definition_break.as_ref()),
                ];
                for (key, value) in strings {
                    if let Some(value) = value {
                        self.parsed(file, locator.field(&ind.id, n, key), value, secrets);
                    }
                }
            }
        }
    }

    /// The front matter of an edition's pages, as YAML read it.
    fn front_strings(&mut self, edition: &Edition, secrets: &[Secret<'s>]) {
        let documents = edition
            .report
            .iter()
            .chain(edition.nianbao.iter().map(|n| &n.page));
        for report in documents {
            self.report_front(report, secrets);
        }
        for page in &edition.pages {
            let strings = [
                ("title", Some(&page.front.title)),
                ("summary", page.front.summary.as_ref()),
            ];
            self.front(page.file, page.body_start, &strings, secrets);
        }
    }

    fn report_front(
        &mut self,
        report: &crate::model::Page<crate::model::config::ReportFront>,
        secrets: &[Secret<'s>],
    ) {
        let f = &report.front;
        let strings = [
            ("title", Some(&f.title)),
            ("index_no", Some(&f.index_no)),
            ("publisher", Some(&f.publisher)),
            ("category", Some(&f.category)),
            ("doc_no", f.doc_no.as_ref()),
            ("disclosure", Some(&f.disclosure)),
            ("scope", Some(&f.scope)),
            ("validity", f.validity.as_ref()),
            ("summary", f.summary.as_ref()),
        ];
        self.front(report.file, report.body_start, &strings, secrets);
    }

    fn front(
        &mut self,
        file: FileId,
        body_start: usize,
        strings: &[(&str, Option<&String>)],
        secrets: &[Secret<'s>],
    ) {
        let text = &self.site.sources.get(file).text;
        for &(key, value) in strings {
            if let Some(value) = value {
                let span = key_span(text, (0, body_start.min(text.len())), key).unwrap_or((0, 0));
                self.parsed(file, span, value, secrets);
            }
        }
    }

    /// The project's theme: its templates are on every page and its static files are loaded
    /// by every page, so every edition's withheld figures count.
    fn theme(&mut self, secrets: &[Secret<'s>]) {
        let site = self.site;
        for (_, file) in site.theme.templates.values() {
            if let Some(file) = *file {
                let text = mask_template_comments(&site.sources.get(file).text);
                self.scan(file, &text, secrets, Text::Theme);
            }
        }
        let folder = format!("themes/{}/static", site.config.theme);
        for (name, bytes) in &site.theme.static_files {
            let shown = format!("{folder}/{name}");
            self.name(None, &shown, name, secrets);
            let embedded = crate::load::theme::STATIC
                .iter()
                .any(|(n, b)| n == name && *b == bytes.as_slice());
            if !embedded && has_extension(name, TEXT_STATIC) {
                self.text_file(&shown, bytes, secrets);
            }
        }
    }

    /// The names an edition publishes (its pages and attachments, with their folders), and
    /// the text of its csv and svg attachments.
    fn files(&mut self, edition: &Edition, secrets: &[Secret<'s>]) {
        let folder = format!("content/{}", edition.year);
        for page in &edition.pages {
            let shown = format!("{folder}/{}.md", page.slug);
            self.name(Some(page.file), &shown, &page.slug, secrets);
        }
        let mut named = std::collections::BTreeSet::new();
        for (rel, path) in &edition.assets {
            // Each folder once, however many files it holds.
            let mut prefix = String::new();
            for part in rel.split('/') {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(part);
                if named.insert(prefix.clone()) {
                    self.name(None, &format!("{folder}/{prefix}"), part, secrets);
                }
            }
            if has_extension(rel, TEXT_ATTACHMENTS) {
                // An unreadable attachment is render's error (E010).
                if let Ok(bytes) = std::fs::read(path) {
                    self.text_file(&format!("{folder}/{rel}"), &bytes, secrets);
                }
            }
        }
    }

    /// A published file or folder name (`shown` is its path, `name` its last part).
    fn name(&mut self, file: Option<FileId>, shown: &str, name: &str, secrets: &[Secret<'s>]) {
        if let Some(leak) = find(name, secrets).first() {
            let s = leak.secret;
            let d = Diagnostic::error(
                "E021",
                format!(
                    "the name `{shown}` is published and shows the withheld value of `{}` in the {} edition",
                    s.id, s.year
                ),
            )
            .help("file and folder names are part of the published addresses: rename it without the figure");
            self.diags.push(match file {
                Some(file) => d.at(file, 1, 1, 1),
                None => d,
            });
        }
    }

    /// A text file published verbatim (an attachment or a theme's static file): one error per
    /// withheld figure, at its first line and column.
    fn text_file(&mut self, shown: &str, bytes: &[u8], secrets: &[Secret<'s>]) {
        let text = String::from_utf8_lossy(bytes);
        // (first line, column, times), by id, in the order found.
        let mut found: Vec<(Secret, usize, usize, usize)> = Vec::new();
        // Line by line: a large CSV is never held as characters whole.
        for (n, line) in text.lines().enumerate() {
            for leak in find(line, secrets) {
                match found.iter_mut().find(|f| f.0.id == leak.secret.id) {
                    Some(f) => f.3 += 1,
                    None => {
                        let col = line[..leak.start].chars().count() + 1;
                        found.push((leak.secret, n + 1, col, 1));
                    }
                }
            }
        }
        for (s, line, col, times) in found {
            let more = match times {
                1 => String::new(),
                n => format!(" ({} times)", n),
            };
            self.diags.push(
                Diagnostic::error(
                    "E021",
                    format!(
                        "{shown}:{line}:{col}: this file is published as it is and shows the withheld value of `{}` in the {} edition{more}",
                        s.id, s.year
                    ),
                )
                .help("take the figure out of the file (write “*”), or leave the file out of the folder"),
            );
        }
    }
}

/// The message and the help of a finding in `text`.
fn explain(text: Text, secret: Secret) -> (String, String) {
    let id = secret.id;
    let year = secret.year;
    match text {
        Text::Narrative { year: y } if y == year => (
            format!("this figure is the withheld value of `{id}`"),
            format!("withheld figures must not leak through the text: write {{{{ value(\"{id}\") }}}}, which prints *"),
        ),
        Text::Narrative { .. } => (
            format!("this figure is the withheld value of `{id}` in the {year} edition"),
            "a figure withheld once stays withheld in every later edition: leave it out of the text, or write “*”".to_string(),
        ),
        Text::Data => (
            format!("this figure is the withheld value of `{id}` in the {year} edition"),
            "this text is published: leave the figure out or write “*”; the real figure belongs only in `withheld_value`, which is never published".to_string(),
        ),
        Text::Parsed => (
            format!("this text, as YAML reads it, shows the withheld value of `{id}` in the {year} edition"),
            "YAML escapes (`\\u0038`), a line break inside quotes and lines folded together publish the figure as surely as its digits: leave it out or write “*”".to_string(),
        ),
        Text::Theme => (
            format!("this figure is the withheld value of `{id}` in the {year} edition"),
            "a theme's templates are part of every page: leave the figure out".to_string(),
        ),
    }
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}
