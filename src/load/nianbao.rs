//! Reads an edition's annual disclosure report: nianbao.yaml checked against the official row
//! set (every row present, no unknown row, the right number of figures per row) and joined
//! with nianbao.md, each cell keeping the place it was written.

use super::paths::{flow_items, locate, repeated_key};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::yaml;
use crate::model::config::ReportFront;
use crate::model::nianbao::*;
use crate::model::Page;
use crate::source::{FileId, Sources};

/// Builds the report from its parsed front page and data file; problems go to `diags`.
pub(super) fn load(
    sources: &Sources,
    page: Page<ReportFront>,
    data_file: FileId,
    diags: &mut Diagnostics,
) -> Option<Nianbao> {
    let text = &sources.get(data_file).text;
    if let Some((first, second, path)) = repeated_key(text) {
        let line = sources.get(data_file).line_col(first.0).0;
        diags.push(
            Diagnostic::error("E081", format!("`{path}` is written twice (first on line {line})"))
                .at_span(sources, data_file, second.0, second.1)
                .help("each row and key of nianbao.yaml comes once: delete the repeated one, or correct its key if it is another row"),
        );
        return None;
    }
    let file: NianbaoFile = match yaml::parse(sources, data_file, text, 1) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut r = Reader {
        sources,
        file: data_file,
        text,
        errors: Vec::new(),
    };
    if file.format != FORMAT_2021 {
        let span = r.value_span(&["format"]);
        let what = if file.format == 2019 {
            "the 2019 trial format (国办公开办函〔2019〕60号) is not supported yet".to_string()
        } else {
            format!("there is no format {}", file.format)
        };
        r.error(
            span,
            format!("format: {} — {what}", file.format),
            "write `format: 2021` and fill the tables of the 2021 format (国办公开办函〔2021〕30号)",
        );
    }
    let groups = r.groups(&file);
    let documents = [
        r.row::<3>(
            &["proactive", "rules"],
            &file.proactive.rules,
            &DOCUMENT_COLUMNS,
        ),
        r.row::<3>(
            &["proactive", "normative"],
            &file.proactive.normative,
            &DOCUMENT_COLUMNS,
        ),
    ];
    let p = &file.proactive;
    let single = [p.licensing.0, p.penalty.0, p.coercion.0, p.fees.0]
        .iter()
        .zip(PROACTIVE_SINGLE)
        .map(|(&value, (key, ..))| {
            let path = ["proactive", key];
            let located = locate(text, &path);
            match located.and_then(|l| l.value) {
                Some(span) => r.check_figure(&path, value, span, false),
                // `licensing:` with nothing after it reads as a blank cell; a figure on
                // the next line is where no rule could point at it.
                None if value == 0.0 && located.is_some() => {}
                None => r.not_found(&path, false),
            }
            Cell {
                value,
                span: r.value_span(&path),
            }
        })
        .collect::<Vec<_>>()
        .try_into()
        .expect("four cells");
    let requests = r.requests(&file.requests, &groups);
    let case = |r: &mut Reader, i: usize, counts: &[Count]| {
        let (key, path, label) = CASE_ROWS[i];
        CaseRow {
            key,
            label,
            cells: r.row::<5>(path, counts, &CASE_COLUMNS),
            key_span: r.key_span(path),
        }
    };
    let cases = [
        case(&mut r, 0, &file.review),
        case(&mut r, 1, &file.litigation.direct),
        case(&mut r, 2, &file.litigation.after_review),
    ];
    if !r.errors.is_empty() {
        diags.extend(r.errors);
        return None;
    }
    Some(Nianbao::new(
        page,
        data_file,
        file.format,
        groups,
        documents,
        single,
        requests,
        cases,
    ))
}

struct Reader<'a> {
    sources: &'a Sources,
    file: FileId,
    text: &'a str,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, span: (usize, usize), message: String, help: impl Into<String>) {
        self.errors.push(
            Diagnostic::error("E070", message)
                .at_span(self.sources, self.file, span.0, span.1)
                .help(help),
        );
    }

    /// E082: the figure `value` of `path` is not where the rules will point, or not written
    /// in decimal digits: a diagnostic at the wrong place, or a figure published other than
    /// it is written (`0x10` printed as 16), is worse than asking for the usual form.
    fn check_figure(&mut self, path: &[&str], value: f64, span: (usize, usize), row: bool) {
        let written = &self.text[span.0..span.1];
        match plain_figure(written) {
            Some(v) if v == value => {}
            None if written.starts_with(|c: char| c.is_ascii_digit() || ".+-".contains(c)) => {
                let value = crate::model::format::number(value, None, &Default::default());
                self.errors.push(
                    Diagnostic::error(
                        "E082",
                        format!("`{written}` of `{}` is not written in decimal digits: it would be published as {value}", path.join(".")),
                    )
                    .at_span(self.sources, self.file, span.0, span.1)
                    .help("write the figure as the table prints it, in decimal digits, e.g. 16 (no 0x or 0o prefix, no exponent)"),
                );
            }
            _ => self.not_found(path, row),
        }
    }

    /// E082 for a row or cell written in a YAML form whose figures gongkai cannot point at.
    fn not_found(&mut self, path: &[&str], row: bool) {
        // The deepest key that is found: the row's, or the mapping that holds it.
        let span = (1..=path.len())
            .rev()
            .find_map(|n| locate(self.text, &path[..n]))
            .map_or((0, 0), |l| l.key);
        let key = path.last().copied().unwrap_or("");
        self.errors.push(
            Diagnostic::error(
                "E082",
                format!(
                    "`{}` is not written where gongkai can point at each of its cells",
                    path.join(".")
                ),
            )
            .at_span(self.sources, self.file, span.0, span.1)
            .help(if row {
                format!("write the row on its key's line as `{key}: [figures]` (it may go on over several lines inside the [ ]), and every mapping as indented `key:` lines, not {{ }}: the checks point at the cell that is wrong")
            } else {
                format!("write the figure on its key's line, `{key}: 12`, and every mapping as indented `key:` lines, not {{ }}: the checks point at the cell that is wrong")
            }),
        );
    }

    fn key_span(&self, path: &[&str]) -> (usize, usize) {
        locate(self.text, path).map_or((0, 0), |l| l.key)
    }

    fn value_span(&self, path: &[&str]) -> (usize, usize) {
        locate(self.text, path).map_or((0, 0), |l| l.value.unwrap_or(l.key))
    }

    /// The national groups with the file's `row_set` overrides applied.
    fn groups(&mut self, file: &NianbaoFile) -> Vec<Group> {
        let mut groups = national_groups();
        for (key, items) in &file.row_set {
            match groups.iter_mut().find(|g| g.key == key) {
                Some(g) if !items.is_empty() => {
                    // An item key becomes part of cell ids, HTML ids and file names: the
                    // characters of an id only, each once.
                    let mut seen = std::collections::HashSet::new();
                    for (item, label) in items {
                        let well_formed = item.starts_with(|c: char| c.is_ascii_lowercase())
                            && item
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                        if !well_formed || !seen.insert(item.as_str()) || label.trim().is_empty() {
                            let span = self.key_span(&["row_set", key]);
                            let why = if !well_formed {
                                "is not a key: lowercase letters, digits and _ only, starting with a letter"
                            } else if label.trim().is_empty() {
                                "has no label"
                            } else {
                                "is listed twice"
                            };
                            self.error(
                                span,
                                format!("row_set.{key}: item `{item}` {why}"),
                                "list each item once as `- [key, 标签]`, e.g. `- [secret, 属于国家秘密]`",
                            );
                        }
                    }
                    g.items = items.clone();
                }
                Some(_) => {
                    let span = self.key_span(&["row_set", key]);
                    self.error(
                        span,
                        format!("row_set.{key} lists no items"),
                        "list the items as `- [key, 标签]`, or remove the override to use the national row set",
                    );
                }
                None => {
                    let span = self.key_span(&["row_set", key]);
                    let keys: Vec<&str> = groups.iter().map(|g| g.key).collect();
                    self.error(
                        span,
                        format!("row_set names `{key}`, which is not a group of table 三"),
                        format!(
                            "only the items of these groups can vary: {}",
                            keys.join(", ")
                        ),
                    );
                }
            }
        }
        groups
    }

    /// The cells of a row that must have `N` figures.
    fn row<const N: usize>(
        &mut self,
        path: &[&str],
        counts: &[Count],
        columns: &[Column; N],
    ) -> [Cell; N] {
        let located = locate(self.text, path);
        let value = located.and_then(|l| l.value);
        let items = match value {
            Some(span) if self.text[span.0..].starts_with('[') => flow_items(self.text, span),
            _ => Vec::new(),
        };
        if counts.len() != N {
            let span = value.or(located.map(|l| l.key)).unwrap_or((0, 0));
            let labels: Vec<&str> = columns.iter().map(|c| c.label).collect();
            self.error(
                span,
                format!(
                    "`{}` has {} figures; its row of the official table has {N}",
                    path.join("."),
                    counts.len()
                ),
                format!(
                    "write {N} figures in [ ], in this order: {} (a blank cell is ~; a thousands separator such as 1,264 splits a figure in two)",
                    labels.join(", ")
                ),
            );
        }
        if counts.len() == N {
            match value {
                Some(_) if items.len() == N => {
                    for (count, &span) in counts.iter().zip(&items) {
                        self.check_figure(path, count.0, span, true);
                    }
                }
                _ => self.not_found(path, true),
            }
        }
        std::array::from_fn(|i| Cell {
            value: counts.get(i).map_or(0.0, |c| c.0),
            span: items
                .get(i)
                .copied()
                .or(value)
                .or(located.map(|l| l.key))
                .unwrap_or((0, 0)),
        })
    }

    /// Table 三 in official order, every row checked against the row set.
    fn requests(&mut self, rows: &Rows, groups: &[Group]) -> Vec<RequestRow> {
        let mut out = Vec::new();
        let known: Vec<&str> = REQUEST_HEAD
            .iter()
            .map(|r| r.0)
            .chain(groups.iter().map(|g| g.key))
            .chain(REQUEST_TAIL.iter().map(|r| r.0))
            .collect();
        for (key, _) in &rows.0 {
            if !known.contains(&key.as_str()) {
                let span = self.key_span(&["requests", key]);
                self.error(
                    span,
                    format!("table 三 has no row `{key}`"),
                    did_you_mean(key, &known, "the rows of table 三 are"),
                );
            }
        }
        let requests_span = self.key_span(&["requests"]);
        let plain = |r: &mut Self, key: &str, label: &str, out: &mut Vec<RequestRow>| {
            let path = ["requests", key];
            match rows.0.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
                Some(RowOrGroup::Row(counts)) => {
                    let cells = r.row::<7>(&path, counts, &REQUEST_COLUMNS);
                    out.push(RequestRow {
                        key: key.to_string(),
                        label: label.to_string(),
                        group: None,
                        cells,
                        key_span: r.key_span(&path),
                    });
                }
                Some(RowOrGroup::Group(_)) => {
                    let span = r.key_span(&path);
                    r.error(
                        span,
                        format!("`requests.{key}` ({label}) is one row, not a group"),
                        format!("write `{key}: [7 figures]`"),
                    );
                }
                None => r.error(
                    requests_span,
                    format!("table 三 lacks the row `{key}` ({label})"),
                    format!(
                        "add `  {key}: [0, 0, 0, 0, 0, 0, 0]` under `requests:` and fill it in"
                    ),
                ),
            }
        };
        for (key, label) in REQUEST_HEAD {
            plain(self, key, label, &mut out);
        }
        for (g, group) in groups.iter().enumerate() {
            let path = ["requests", group.key];
            let items = match rows.0.iter().find(|(k, _)| k == group.key).map(|(_, v)| v) {
                Some(RowOrGroup::Group(items)) => items,
                Some(RowOrGroup::Row(_)) => {
                    let span = self.key_span(&path);
                    self.error(
                        span,
                        format!(
                            "`requests.{}` ({}) is a group: its figures go in its numbered items",
                            group.key, group.label
                        ),
                        format!(
                            "write one line per item under `{}:`, e.g. `    {}: [0, 0, 0, 0, 0, 0, 0]`",
                            group.key, group.items[0].0
                        ),
                    );
                    continue;
                }
                None => {
                    self.error(
                        requests_span,
                        format!("table 三 lacks the group `{}` ({})", group.key, group.label),
                        format!(
                            "add `  {}:` under `requests:` with one line per item ({})",
                            group.key,
                            item_keys(group)
                        ),
                    );
                    continue;
                }
            };
            let item_names: Vec<&str> = group.items.iter().map(|(k, _)| k.as_str()).collect();
            for (key, _) in items {
                if !item_names.contains(&key.as_str()) {
                    let span = self.key_span(&["requests", group.key, key]);
                    self.error(
                        span,
                        format!("{} has no item `{key}`", group.label),
                        did_you_mean(key, &item_names, "its items are"),
                    );
                }
            }
            for (n, (key, label)) in group.items.iter().enumerate() {
                let path = ["requests", group.key, key.as_str()];
                match items.iter().find(|(k, _)| k == key) {
                    Some((_, counts)) => {
                        let cells = self.row::<7>(&path, counts, &REQUEST_COLUMNS);
                        out.push(RequestRow {
                            key: format!("{}.{key}", group.key),
                            label: format!("{}.{label}", n + 1),
                            group: Some(g),
                            cells,
                            key_span: self.key_span(&path),
                        });
                    }
                    None => {
                        let span = self.key_span(&path[..2]);
                        self.error(
                            span,
                            format!("{} lacks the item `{key}` ({}.{label})", group.label, n + 1),
                            format!(
                                "add `    {key}: [0, 0, 0, 0, 0, 0, 0]` under `{}:`",
                                group.key
                            ),
                        );
                    }
                }
            }
        }
        for (key, label) in REQUEST_TAIL {
            plain(self, key, label, &mut out);
        }
        out
    }
}

fn item_keys(group: &Group) -> String {
    group
        .items
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "did you mean `x`?" when one known key is close, else the list of known keys.
fn did_you_mean(key: &str, known: &[&str], list: &str) -> String {
    match crate::diagnostic::closest(key, known.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("{list}: {}", known.join(", ")),
    }
}

/// The figure a cell's text reads as when written the usual way: decimal digits with an
/// optional sign and decimal point, or a blank (`~`, `null`, an empty string) for 0.
fn plain_figure(written: &str) -> Option<f64> {
    let w = written.trim();
    let quoted_blank = w.len() >= 2
        && (w.starts_with('"') && w.ends_with('"') || w.starts_with('\'') && w.ends_with('\''))
        && w[1..w.len() - 1].trim().is_empty();
    if matches!(w, "~" | "null" | "Null" | "NULL") || quoted_blank {
        return Some(0.0);
    }
    let digits = w.strip_prefix(['+', '-']).unwrap_or(w);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    w.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::plain_figure;

    #[test]
    fn only_decimal_digits_and_blanks_are_plain_figures() {
        for (written, value) in [
            ("12", 12.0),
            ("+3", 3.0),
            ("-0", 0.0),
            ("0.35", 0.35),
            (".5", 0.5),
            ("~", 0.0),
            ("\"\"", 0.0),
            ("'  '", 0.0),
            ("null", 0.0),
        ] {
            assert_eq!(plain_figure(written), Some(value), "{written}");
        }
        for written in ["0x10", "0o17", "1e3", "new", "[1, 2]", ".", "", "１２"] {
            assert_eq!(plain_figure(written), None, "{written}");
        }
    }
}
