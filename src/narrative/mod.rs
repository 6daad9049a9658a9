//! The narrative functions `value`, `target`, `completion`, `change` and `chart`.
//!
//! Narrative goes through minijinja first, then Markdown. The functions do not print figures
//! directly: they print an inert token (private-use delimiters around a hex-encoded id) that
//! Markdown leaves alone, and `substitute` swaps tokens for figures after Markdown and
//! sanitising. So a withheld "*" can never turn into emphasis, and a chart figure never ends
//! up inside a paragraph.
//!
//! `withheld` finds a withheld figure's real value in published text, for the rules over the
//! sources and for the rendered narrative alike.

pub mod figure;
pub mod markdown;
pub(crate) mod withheld;

use crate::model::format;
use crate::model::{Edition, Indicator, Site};
use minijinja::{Environment, Error, ErrorKind};

/// The functions a narrative may call, each taking one indicator id, except `share`, which
/// takes two: `share("a", "b")` prints a as a percentage of b.
pub const FUNCTIONS: [&str; 6] = ["value", "target", "completion", "change", "chart", "share"];

/// Between the two ids of a `share` token; ids never hold it.
const SHARE_SEPARATOR: char = '|';

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A narrative function call with a literal id, found by scanning the source.
#[derive(Debug, Clone)]
pub struct Call {
    pub function: &'static str,
    pub id: String,
    /// Byte range of the whole `{{ … }}` in the scanned text.
    pub start: usize,
    pub end: usize,
    /// Byte range of the quoted id.
    pub arg_start: usize,
    pub arg_end: usize,
}

/// Finds every `{{ f("id") }}` with one of [`FUNCTIONS`], so ids can be checked with exact
/// positions before anything is rendered. A `share("a", "b")` gives two calls over the same
/// `{{ … }}`, one per id.
pub fn scan_calls(text: &str) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut from = 0;
    while let Some(rel) = text[from..].find("{{") {
        let start = from + rel;
        from = start + 2;
        let Some(end_rel) = text[start..].find("}}") else {
            break;
        };
        let end = start + end_rel + 2;
        let inner = &text[start + 2..end - 2];
        let lead = inner.len() - inner.trim_start().len();
        let expr = inner.trim();
        let Some(paren) = expr.find('(') else {
            continue;
        };
        let name = expr[..paren].trim();
        let Some(&function) = FUNCTIONS.iter().find(|f| **f == name) else {
            continue;
        };
        let args = &expr[paren + 1..];
        let args_trim = args.trim_start();
        let Some(quote) = args_trim.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(close) = args_trim[1..].find(quote) else {
            continue;
        };
        // `value("nb.requests." ~ row ~ ".total")`: the id comes from template logic, and
        // the first string is only its start; render checks it once it is known (E038).
        if !args_trim[close + 2..].trim_start().starts_with([')', ',']) {
            continue;
        }
        let arg_start = start + 2 + lead + paren + 1 + (args.len() - args_trim.len());
        let arg_end = arg_start + close + 2;
        calls.push(Call {
            function,
            id: args_trim[1..1 + close].to_string(),
            start,
            end,
            arg_start,
            arg_end,
        });
        // share("a", "b"): the second id is checked like the first, at its own place.
        if function == "share" {
            let rest = &args_trim[close + 2..];
            let after_comma = rest.trim_start().strip_prefix(',').map(str::trim_start);
            let second = after_comma.and_then(|r| {
                let q = r.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                let len = r[1..].find(q)?;
                r[len + 2..]
                    .trim_start()
                    .starts_with(')')
                    .then_some((r, len))
            });
            if let Some((r, len)) = second {
                let at = arg_end + (args_trim.len() - close - 2 - r.len());
                calls.push(Call {
                    function,
                    id: r[1..1 + len].to_string(),
                    start,
                    end,
                    arg_start: at,
                    arg_end: at + len + 2,
                });
            }
        }
        from = end;
    }
    calls
}

fn token(kind: char, id: &str) -> String {
    let mut s = String::with_capacity(id.len() * 2 + 8);
    s.push(OPEN);
    s.push(kind);
    for b in id.bytes() {
        s.push_str(&format!("{b:02x}"));
    }
    s.push(CLOSE);
    s
}

/// Each function's letter in a token.
const KINDS: [(char, &str); 6] = [
    ('v', "value"),
    ('t', "target"),
    ('c', "completion"),
    ('g', "change"),
    ('k', "chart"),
    ('s', "share"),
];

fn kind_of(function: &str) -> char {
    KINDS
        .iter()
        .find(|(_, f)| *f == function)
        .map_or('k', |&(k, _)| k)
}

fn kind_name(kind: char) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("chart", |&(_, f)| f)
}

/// Adds the narrative functions to the build's template environment.
pub fn register(env: &mut Environment<'_>) {
    env.add_function("share", |id: String, of: String| -> Result<String, Error> {
        let bad = |s: &str| s.is_empty() || s.contains([OPEN, CLOSE, SHARE_SEPARATOR]);
        if bad(&id) || bad(&of) {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "share() needs two ids: the part and the whole, e.g. share(\"nb.requests.granted.total\", \"nb.requests.total.total\")",
            ));
        }
        Ok(token('s', &format!("{id}{SHARE_SEPARATOR}{of}")))
    });
    for name in FUNCTIONS.into_iter().filter(|f| *f != "share") {
        env.add_function(name, move |id: String| -> Result<String, Error> {
            if id.is_empty() || id.contains([OPEN, CLOSE]) {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{name}() needs an indicator id"),
                ));
            }
            Ok(token(kind_of(name), &id))
        });
    }
}

/// Text with private-use delimiters removed, for slugs and plain-text uses.
pub fn strip_tokens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            OPEN => inside = true,
            CLOSE => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Text with every token replaced by `with`: what the page shows besides the figures the
/// functions print (a separator keeps the text on either side of a figure apart).
pub fn replace_tokens(s: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            OPEN => {
                inside = true;
                out.push_str(with);
            }
            CLOSE => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The code render uses for a narrative function that cannot print its figure.
pub const FUNCTION_ERROR: &str = "E038";

/// Whether `d` is render's report of a narrative function problem (validation reports the
/// same problems with exact positions).
pub fn is_function_error(d: &crate::diagnostic::Diagnostic) -> bool {
    d.code == FUNCTION_ERROR
}

/// What substitution produced besides the HTML.
#[derive(Debug, Default)]
pub struct Substituted {
    pub html: String,
    /// A "*" was printed, so the page needs the withheld legend.
    pub has_withheld: bool,
    /// Problems found only now (ids from template logic, not literal): (function, id, problem).
    pub problems: Vec<String>,
}

/// Replaces every token in rendered HTML with the figure or chart it stands for.
/// With `mark` (the preview only), each printed figure is wrapped in a span whose title says
/// which indicator it is and where that is defined, for a reviewer to hover. `chart` says
/// what an indicator's history chart shows, for the `chart()` figure.
pub fn substitute(
    html: &str,
    site: &Site,
    edition: &Edition,
    mark: bool,
    chart: &dyn Fn(&Indicator) -> figure::ChartSummary,
) -> Substituted {
    let mut out = Substituted::default();
    let mut rest = html;
    let mut result = String::with_capacity(html.len());
    // Marked figures name the line each indicator is defined on: one scan of the file.
    let lines = mark.then(|| indicator_lines(site, edition));
    while let Some(open) = rest.find(OPEN) {
        let Some(close_rel) = rest[open..].find(CLOSE) else {
            break;
        };
        let close = open + close_rel;
        let inner = &rest[open + OPEN.len_utf8()..close];
        let kind = inner.chars().next().unwrap_or('?');
        let id = decode_hex(&inner[1..]);
        let mut before = &rest[..open];
        let mut after = &rest[close + CLOSE.len_utf8()..];
        let text = match expand(kind, &id, site, edition, chart, &mut out) {
            Ok(Expansion::Text(t)) if mark => {
                let line = lines.as_ref().and_then(|l| l.get(id.as_str()).copied());
                marked(kind, &id, &t, site, edition, line.unwrap_or(1))
            }
            Ok(Expansion::Text(t)) => crate::html::escape::escape_html(&t),
            Ok(Expansion::Block(b)) => {
                // A chart alone in a paragraph replaces the paragraph.
                if before.ends_with("<p>") && after.starts_with("</p>") {
                    before = &before[..before.len() - 3];
                    after = &after[4..];
                }
                b
            }
            Err(problem) => {
                out.problems.push(problem);
                String::new()
            }
        };
        result.push_str(before);
        result.push_str(&text);
        rest = after;
    }
    result.push_str(rest);
    out.html = result;
    out
}

enum Expansion {
    Text(String),
    Block(String),
}

fn expand(
    kind: char,
    id: &str,
    site: &Site,
    edition: &Edition,
    chart: &dyn Fn(&Indicator) -> figure::ChartSummary,
    out: &mut Substituted,
) -> Result<Expansion, String> {
    let style = &site.config.numbers;
    if kind == 's' {
        return share(id, site, edition, out).map(Expansion::Text);
    }
    let function = kind_name(kind);
    if id.starts_with(crate::model::nianbao::ID_PREFIX) {
        return cell(function, id, site, edition).map(Expansion::Text);
    }
    let ind = edition.indicator(id).ok_or_else(|| {
        format!(
            "{function}(\"{id}\"): no indicator `{id}` in {}",
            edition.year
        )
    })?;
    let text = match kind {
        'v' => format::figure(ind.value, ind, style),
        't' => match ind.target {
            Some(t) => format::figure(t, ind, style),
            None => return Err(format!("target(\"{id}\"): `{id}` has no target")),
        },
        'c' => match ind.completion_rate() {
            Some(c) => format::percent(c, style),
            None => {
                return Err(format!(
                    "completion(\"{id}\"): value or target is missing or withheld and no `completion` is stated"
                ))
            }
        },
        'g' => site
            .previous(edition.year)
            .and_then(|p| p.indicator(id))
            .and_then(|prev| format::change(ind, prev, style))
            .ok_or_else(|| {
                format!("change(\"{id}\"): no comparable figure for `{id}` in an earlier edition")
            })?,
        _ => return Ok(Expansion::Block(figure::chart_figure(site, ind, &chart(ind)))),
    };
    if text == format::WITHHELD {
        out.has_withheld = true;
    }
    Ok(Expansion::Text(text))
}

/// What `share(part, whole)` prints: the part as a percentage of the whole, one decimal, as
/// reports write "占33.9%". Each id is a cell of the annual report or an indicator; a withheld
/// figure makes the share "*", since it would reveal the figure.
fn share(
    ids: &str,
    site: &Site,
    edition: &Edition,
    out: &mut Substituted,
) -> Result<String, String> {
    let style = &site.config.numbers;
    let (part, whole) = ids.split_once(SHARE_SEPARATOR).unwrap_or((ids, ""));
    let figure = |id: &str| -> Result<Option<f64>, String> {
        if id.starts_with(crate::model::nianbao::ID_PREFIX) {
            return edition
                .nianbao
                .as_ref()
                .and_then(|n| n.value(id))
                .map(Some)
                .ok_or_else(|| {
                    format!(
                        "share(): no cell `{id}` in the {} annual report",
                        edition.year
                    )
                });
        }
        match edition.indicator(id).map(|i| i.value) {
            Some(crate::model::Figure::Number(v)) => Ok(Some(v)),
            Some(_) => Ok(None),
            None => Err(format!("share(): no indicator `{id}` in {}", edition.year)),
        }
    };
    match (figure(part)?, figure(whole)?) {
        (Some(_), Some(0.0)) => Err(format!("share(\"{part}\", \"{whole}\"): the whole is 0")),
        (Some(p), Some(w)) => Ok(format!(
            "{}{}",
            format::number(p / w * 100.0, Some(1), style),
            style.percent_sign
        )),
        _ => {
            out.has_withheld = true;
            Ok(format::WITHHELD.to_string())
        }
    }
}

/// What value() and change() print for a cell of the annual report.
fn cell(function: &str, id: &str, site: &Site, edition: &Edition) -> Result<String, String> {
    let style = &site.config.numbers;
    let value = |e: &Edition| e.nianbao.as_ref().and_then(|n| n.value(id));
    let v = value(edition).ok_or_else(|| {
        format!(
            "{function}(\"{id}\"): no cell `{id}` in the {} annual report",
            edition.year
        )
    })?;
    match function {
        "value" => Ok(format::number(v, None, style)),
        "change" => site
            .previous(edition.year)
            .and_then(value)
            .and_then(|p| format::relative_change(v, p, style))
            .ok_or_else(|| {
                format!("change(\"{id}\"): no comparable figure in last year's annual report")
            }),
        _ => Err(format!(
            "{function}(\"{id}\"): a cell of the annual report has no {function}"
        )),
    }
}

/// A printed figure wrapped for review: indicator id and name, the function and what it
/// printed, the unit, and `path:line` of the indicator in indicators.yaml.
fn marked(kind: char, id: &str, text: &str, site: &Site, edition: &Edition, line: usize) -> String {
    use crate::html::escape::escape_html;
    if let Some(nb) = edition
        .nianbao
        .as_ref()
        .filter(|_| id.starts_with(crate::model::nianbao::ID_PREFIX))
    {
        // A cell points at its place in nianbao.yaml; a group sum at the file.
        let source = site.sources.get(nb.data_file);
        let line = nb
            .cells()
            .find(|(cell_id, _)| cell_id == id)
            .map_or(1, |(_, c)| {
                source.text[..c.span.0].matches('\n').count() + 1
            });
        let title = format!(
            "{id}\n{}() = {text}\n来源：{}:{line}",
            kind_name(kind),
            source.path.display()
        );
        return format!(
            "<span class=\"gongkai-figure\" data-indicator=\"{}\" title=\"{}\" \
style=\"text-decoration:underline dotted;cursor:help\">{}</span>",
            escape_html(id),
            escape_html(&title),
            escape_html(text)
        );
    }
    let (Some(ind), Some(file)) = (edition.indicator(id), edition.indicators_file) else {
        return escape_html(text);
    };
    let function = kind_name(kind);
    let title = format!(
        "{id} · {}\n{function}() = {text}（单位：{}）\n来源：{}:{line}",
        ind.name,
        format::unit(ind, &site.config.numbers),
        site.sources.get(file).path.display()
    );
    format!(
        "<span class=\"gongkai-figure\" data-indicator=\"{}\" title=\"{}\" \
style=\"text-decoration:underline dotted;cursor:help\">{}</span>",
        escape_html(id),
        escape_html(&title),
        escape_html(text)
    )
}

/// The line of each `id:` in the edition's indicators.yaml (the first, for a duplicate), in
/// one pass: the review page asks for every indicator of every edition.
pub fn indicator_lines<'a>(
    site: &'a Site,
    edition: &Edition,
) -> std::collections::HashMap<&'a str, usize> {
    let mut lines = std::collections::HashMap::new();
    let Some(file) = edition.indicators_file else {
        return lines;
    };
    let text = &site.sources.get(file).text;
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start().trim_start_matches('-').trim();
        if let Some(v) = l.strip_prefix("id:") {
            let id = v.split(" #").next().unwrap_or("").trim();
            lines.entry(id.trim_matches(['"', '\''])).or_insert(i + 1);
        }
    }
    lines
}

fn decode_hex(s: &str) -> String {
    let bytes: Vec<u8> = (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_calls_with_exact_argument_spans() {
        let t =
            "完成{{ value(\"employment.total\") }}人，{{completion('a.b')}}；{{ other(\"x\") }}";
        let calls = scan_calls(t);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].function, "value");
        assert_eq!(calls[0].id, "employment.total");
        assert_eq!(
            &t[calls[0].arg_start..calls[0].arg_end],
            "\"employment.total\""
        );
        assert_eq!(&t[calls[1].arg_start..calls[1].arg_end], "'a.b'");
        assert_eq!(&t[calls[1].start..calls[1].end], "{{completion('a.b')}}");
    }

    #[test]
    fn share_is_scanned_with_both_ids_at_their_places() {
        let t = "占{{ share(\"nb.a.total\",  'nb.b.total') }}，{{ share(\"x\" ~ y, \"z\") }}";
        let calls = scan_calls(t);
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert_eq!(&t[calls[0].arg_start..calls[0].arg_end], "\"nb.a.total\"");
        assert_eq!(&t[calls[1].arg_start..calls[1].arg_end], "'nb.b.total'");
        assert!(calls.iter().all(|c| c.function == "share"));
    }

    #[test]
    fn tokens_round_trip_and_strip() {
        let t = token('v', "a.b_c");
        assert!(t.chars().skip(2).take(10).all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            decode_hex(&t[OPEN.len_utf8() + 1..t.len() - CLOSE.len_utf8()]),
            "a.b_c"
        );
        assert_eq!(strip_tokens(&format!("一{t}二")), "一二");
    }
}
