//! Rules over the loaded site, producing diagnostics with exact positions. `build` refuses to
//! write when any is an error; `check` prints them all.

use crate::content::find_nth_value;
use crate::content::{Edition, Figure, Site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::narrative::{scan_calls, Call};
use std::collections::HashMap;

/// Runs every rule over the editions that will be published.
pub fn validate(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for edition in &site.editions {
        check_indicators(site, edition, &mut diags);
        let report = (
            &edition.report.body,
            edition.report.body_start,
            edition.report.file,
        );
        let pages = edition
            .pages
            .iter()
            .map(|p| (&p.body, p.body_start, p.file));
        for (body, start, file) in std::iter::once(report).chain(pages) {
            for call in scan_calls(body) {
                check_call(site, edition, &call, body, start, file, &mut diags);
            }
        }
    }
    diags
}

pub(crate) fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_' || b == b'-'
        })
}

fn check_indicators(site: &Site, edition: &Edition, diags: &mut Diagnostics) {
    let file = edition.indicators_file;
    let text = &site.sources.get(file).text;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let span_of = |id: &str, nth: usize| find_nth_value(text, "id", id, nth).unwrap_or((0, 0));
    for section in &edition.sections {
        if !is_valid_id(&section.id) {
            let (s, e) = span_of(&section.id, 0);
            diags.push(
                Diagnostic::error(
                    "E003",
                    format!("section id `{}` is not allowed", section.id),
                )
                .at_span(&site.sources, file, s, e)
                .help("ids use lowercase letters, digits, `.`, `_` and `-` only, e.g. employment"),
            );
        }
        if edition
            .sections
            .iter()
            .filter(|s| s.id == section.id)
            .count()
            > 1
        {
            let first = edition.sections.iter().position(|s| s.id == section.id);
            let this = edition
                .sections
                .iter()
                .position(|s| std::ptr::eq(s, section));
            if first != this {
                let (s, e) = span_of(&section.id, 1);
                diags.push(
                    Diagnostic::error(
                        "E002",
                        format!("duplicate section id `{}` in {}", section.id, edition.year),
                    )
                    .at_span(&site.sources, file, s, e)
                    .help("every section of an edition needs its own id; rename one of them"),
                );
            }
        }
        for ind in &section.indicators {
            let nth = {
                let n = seen.entry(&ind.id).or_insert(0);
                *n += 1;
                *n - 1
            };
            let (s, e) = span_of(&ind.id, nth);
            if !is_valid_id(&ind.id) {
                diags.push(
                    Diagnostic::error("E003", format!("indicator id `{}` is not allowed", ind.id))
                        .at_span(&site.sources, file, s, e)
                        .help("ids use lowercase letters, digits, `.`, `_` and `-` only, e.g. employment.total; they become file names and URLs"),
                );
            }
            if nth > 0 {
                diags.push(
                    Diagnostic::error(
                        "E002",
                        format!("duplicate indicator id `{}` in {}", ind.id, edition.year),
                    )
                    .at_span(&site.sources, file, s, e)
                    .help("every indicator of an edition needs its own id; rename one of them"),
                );
            }
            for part in &ind.parts {
                if edition.indicator(part).is_none() {
                    let (ps, pe) = find_in(text, part, s).unwrap_or((s, e));
                    diags.push(
                        Diagnostic::error("E008", format!("part `{part}` of `{}` is not an indicator of {}", ind.id, edition.year))
                            .at_span(&site.sources, file, ps, pe)
                            .help("list the ids of indicators of the same edition whose values add up to this one"),
                    );
                }
            }
        }
    }
}

/// The first occurrence of `needle` at or after `from`.
fn find_in(text: &str, needle: &str, from: usize) -> Option<(usize, usize)> {
    text.get(from..)?
        .find(needle)
        .map(|i| (from + i, from + i + needle.len()))
}

fn check_call(
    site: &Site,
    edition: &Edition,
    call: &Call,
    body: &str,
    start: usize,
    file: usize,
    diags: &mut Diagnostics,
) {
    let at = |d: Diagnostic| {
        d.at_span(
            &site.sources,
            file,
            start + call.arg_start,
            start + call.arg_end,
        )
    };
    let Some(ind) = edition.indicator(&call.id) else {
        let mut d = Diagnostic::error(
            "E004",
            format!("unknown indicator `{}` in {}()", call.id, call.function),
        );
        let close = closest(&call.id, edition.indicators().map(|i| i.id.as_str()));
        d = d.help(match close {
            Some(c) => format!(
                "did you mean `{c}`? ids are defined in content/{}/indicators.yaml",
                edition.year
            ),
            None => format!(
                "add the indicator to content/{}/indicators.yaml or correct the id",
                edition.year
            ),
        });
        diags.push(at(d));
        return;
    };
    match call.function {
        "target" if ind.target.is_none() => diags.push(at(Diagnostic::error(
            "E012",
            format!("target() of `{}`, which has no target", call.id),
        )
        .help("add `target:` to the indicator, or remove the call"))),
        "completion" if ind.completion_rate().is_none() => {
            let (why, help) = match (ind.value, ind.target) {
                (_, None) => (
                    "it has no target",
                    "add `target:` to the indicator (or `completion:` with the published rate), or remove the call",
                ),
                _ if ind.better == crate::content::Better::Lower => (
                    "its target is a ceiling (`better: lower`), which has no completion rate",
                    "say whether the ceiling was kept with value() and target(), or state `completion:` if one was published",
                ),
                (Figure::Withheld, _) | (_, Some(Figure::Withheld)) => (
                    "its value or target is withheld",
                    "state the published rate as `completion: 101.05` on the indicator, or remove the call",
                ),
                _ => ("its target is 0", "correct the target, or remove the call"),
            };
            diags.push(at(Diagnostic::error(
                "E005",
                format!("completion() of `{}` cannot be computed: {why}", call.id),
            )
            .help(help)));
        }
        "change" => {
            let prev = site
                .previous(edition.year)
                .and_then(|p| p.indicator(&call.id).map(|i| (p.year, i)));
            match prev {
                None => diags.push(at(Diagnostic::error(
                    "E011",
                    format!("change() of `{}`: no earlier edition has this indicator", call.id),
                )
                .help("change() compares with the previous edition; remove the call for an indicator new this year"))),
                Some((_, p)) if p.value == Figure::Number(0.0) && !ind.is_percent() => diags.push(at(Diagnostic::error(
                    "E011",
                    format!("change() of `{}`: the previous value is 0, a growth rate cannot be computed", call.id),
                )
                .help("describe the change in words instead"))),
                _ => {}
            }
        }
        "chart" => {
            let line_start = body[..call.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = body[call.end..]
                .find('\n')
                .map_or(body.len(), |i| call.end + i);
            let alone = body[line_start..call.start].trim().is_empty()
                && body[call.end..line_end].trim().is_empty();
            let prev_blank = line_start == 0
                || body[..line_start - 1]
                    .rsplit('\n')
                    .next()
                    .is_none_or(|l| l.trim().is_empty());
            let next_blank = line_end >= body.len()
                || body[line_end + 1..]
                    .split('\n')
                    .next()
                    .is_none_or(|l| l.trim().is_empty());
            if !(alone && prev_blank && next_blank) {
                diags.push(
                    Diagnostic::error("E009", format!("chart(\"{}\") must stand alone", call.id))
                        .at_span(&site.sources, file, start + call.start, start + call.end)
                        .help("put the chart call on a line of its own with a blank line before and after it"),
                );
            }
        }
        _ => {}
    }
}

/// The candidate nearest to `id` by edit distance, if it is close enough to be a typo.
fn closest<'a>(id: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(id, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 5))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
