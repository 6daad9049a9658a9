//! Rules over the loaded site, producing diagnostics with exact positions. `build` refuses to
//! write when any is an error; `check` prints them all.
//!
//! - `data`: indicators.yaml (ids, sums, units, rates, jumps, series, derivable withheld values);
//! - `narrative`: the Markdown pages (function calls, stray `*`, leaks, personal data, words);
//! - `front`: front matter metadata (索引号, 文号, dates);
//! - `nianbao`: the annual disclosure report (the tables' sums, figures in its prose, last
//!   year's report, its six sections, its deadline);
//! - `withheld`: withheld figures written into any published text, of any edition;
//! - `characters`: control characters and non-characters written in any source;
//! - `colours`: the theme's chart colours, for colour-blind readers and against white;
//! - `links`: internal links and anchors of the rendered pages.

mod characters;
mod colours;
mod data;
mod front;
pub mod links;
mod narrative;
mod nianbao;
mod withheld;
mod yaml_text;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::find_nth_value;
use crate::model::Site;
use crate::source::{FileId, Sources};

/// Runs every rule over the loaded site.
pub fn validate(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let words = narrative::load_wordlist(site, &mut diags);
    for edition in &site.editions {
        data::check_edition(site, edition, &mut diags);
        narrative::check_edition(site, edition, &words, &mut diags);
        nianbao::check_edition(site, edition, &mut diags);
    }
    front::check_site(site, &mut diags);
    withheld::check_site(site, &mut diags);
    check_skipped(site, &mut diags);
    characters::check_site(site, &mut diags);
    colours::check_site(site, &mut diags);
    diags
}

/// Names every file beside the sources that the build leaves out, so a web officer who meant
/// to publish an attachment learns why it is missing (W012).
fn check_skipped(site: &Site, diags: &mut Diagnostics) {
    let content = site.skipped.iter().map(|p| (p, "an edition publishes its pages and attachments of the listed kinds only (pdf, ofd, docx, xlsx, png, jpg, zip…: see the README); a backup or copy of a source file would publish withheld figures, so move it out of content/"));
    let theme = site.theme.skipped.iter().map(|p| (p, "a theme's static/ folder publishes css, js, images and fonts only; hidden files and backups are left out"));
    for (path, help) in content.chain(theme) {
        diags.push(
            Diagnostic::warning("W012", format!("{} is not published", path.display())).help(help),
        );
    }
}

pub(crate) fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_' || b == b'-'
        })
}

/// Finds positions inside a block-style YAML file: an indicator's `id:` value, one of its
/// fields, or a string inside its block. The typed structs carry no spans (serde_yaml drops
/// them once parsed), so diagnostics about parsed values find their place again here.
pub(crate) struct Locator<'a> {
    pub sources: &'a Sources,
    pub file: FileId,
    text: &'a str,
}

impl<'a> Locator<'a> {
    pub fn new(sources: &'a Sources, file: FileId) -> Locator<'a> {
        Locator {
            sources,
            file,
            text: &sources.get(file).text,
        }
    }

    /// Span of the `nth` `id: <id>` value; the start of the file if it cannot be found.
    pub fn id(&self, id: &str, nth: usize) -> (usize, usize) {
        find_nth_value(self.text, "id", id, nth).unwrap_or((0, 0))
    }

    /// Byte range of the YAML list item that starts with `- id: <id>`: that line and every
    /// following line that is blank or indented deeper than its dash.
    fn block(&self, id: &str, nth: usize) -> (usize, usize) {
        let (start, _) = self.id(id, nth);
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let first = &self.text[line_start..];
        let lead = first.len() - first.trim_start().len();
        let dash = if first.trim_start().starts_with('-') {
            lead
        } else {
            lead.saturating_sub(2)
        };
        let mut end = line_start + first.find('\n').map_or(first.len(), |i| i + 1);
        for line in self.text[end..].split_inclusive('\n') {
            let body = line.trim_start();
            if !body.trim().is_empty() && line.len() - body.len() <= dash {
                break;
            }
            end += line.len();
        }
        (line_start, end)
    }

    /// Span of the value of `key:` inside the indicator's block (the key itself when its value
    /// is a nested block); the id when the key is absent.
    pub fn field(&self, id: &str, nth: usize, key: &str) -> (usize, usize) {
        let (start, end) = self.block(id, nth);
        let mut offset = start;
        for line in self.text[start..end].split_inclusive('\n') {
            let body = line.trim_start().trim_start_matches("- ");
            if let Some(rest) = body.strip_prefix(key) {
                if let Some(after) = rest.strip_prefix(':') {
                    let key_at = offset + line.find(body).unwrap_or(0);
                    let value = after.split(" #").next().unwrap_or("").trim();
                    if value.is_empty() {
                        return (key_at, key_at + key.len());
                    }
                    let v_at = key_at + key.len() + 1 + after.find(value).unwrap_or(0);
                    return (v_at, v_at + value.len());
                }
            }
            offset += line.len();
        }
        self.id(id, nth)
    }

    /// Span of `needle` inside the indicator's `key:` value or block (e.g. one series period).
    pub fn within(&self, id: &str, nth: usize, key: &str, needle: &str) -> (usize, usize) {
        let (fs, _) = self.field(id, nth, key);
        let (_, be) = self.block(id, nth);
        match self.text[fs..be.max(fs)].find(needle) {
            Some(i) => (fs + i, fs + i + needle.len()),
            None => self.field(id, nth, key),
        }
    }

    /// Span of the `k`-th (0-based) entry `entry` of the indicator's `key:` list, matched as
    /// a whole id (`jobs.a` is not found inside `jobs.ab`); the first one if there are fewer.
    pub fn entry(&self, id: &str, nth: usize, key: &str, entry: &str, k: usize) -> (usize, usize) {
        let (fs, _) = self.field(id, nth, key);
        let (_, be) = self.block(id, nth);
        let region = &self.text[fs..be.max(fs)];
        let is_id_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
        let whole: Vec<usize> = region
            .match_indices(entry)
            .map(|(i, _)| i)
            .filter(|&i| {
                let before = i.checked_sub(1).map(|j| region.as_bytes()[j]);
                let after = region.as_bytes().get(i + entry.len()).copied();
                !before.is_some_and(is_id_byte) && !after.is_some_and(is_id_byte)
            })
            .collect();
        match whole.get(k).or(whole.first()) {
            Some(&i) => (fs + i, fs + i + entry.len()),
            None => self.field(id, nth, key),
        }
    }

    pub fn at(&self, d: Diagnostic, span: (usize, usize)) -> Diagnostic {
        d.at_span(self.sources, self.file, span.0, span.1)
    }
}
