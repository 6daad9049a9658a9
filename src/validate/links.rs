//! Internal links and anchors of the rendered site: every relative href/src must name a file
//! of the output, and every #fragment an id on that page. Runs after render, before write.

use crate::content::Site;
use crate::diagnostic::Diagnostic;
use crate::html_scan;
use crate::render::Output;
use crate::source::FileId;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// What the link check needs of one page of the standard site, taken while the page is
/// rendered so that its bytes can be written and dropped at once, and a preview rebuild
/// that reuses the page does not scan it again.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    /// Every id on the page, entities decoded.
    ids: HashSet<String>,
    /// Every distinct internal link.
    links: Vec<Link>,
}

#[derive(Debug, Clone)]
struct Link {
    /// As written, entities decoded.
    text: String,
    /// The file it leads to, relative to the site root; None when it climbs out of the site.
    target: Option<String>,
    /// What follows `#`, if anything.
    fragment: Option<String>,
}

impl PageLinks {
    /// The ids and links of the page at `name` (relative to the site root).
    pub fn of(html: &str, name: &str) -> PageLinks {
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
        let mut seen: HashSet<&str> = HashSet::new();
        let mut ids = HashSet::new();
        let mut raw_links = Vec::new();
        // One pass over the page: it is scanned on the rendering threads for every page.
        // The tokenizer is the one the 关怀版 rewrite uses, so both read the same links.
        html_scan::start_tags(html, |tag| {
            for attr in &tag.attrs {
                if attr.is("href") || attr.is("src") {
                    if seen.insert(attr.value) {
                        raw_links.push(attr.value);
                    }
                } else if attr.is("id") {
                    ids.insert(unescape(attr.value));
                }
            }
        });
        let links = raw_links
            .into_iter()
            .map(unescape)
            .filter(|link| !is_external(link))
            .map(|text| {
                let (path, fragment) = match text.split_once('#') {
                    Some((p, f)) => (p, Some(percent_decode(f))),
                    None => (text.as_str(), None),
                };
                let path = path.split('?').next().unwrap_or("");
                // pulldown-cmark writes `附件1.pdf` as `%E9%99%84…`: the file has the
                // decoded name, and a browser asks for that.
                let target = if path.is_empty() {
                    Some(name.to_string())
                } else {
                    resolve(dir, &percent_decode(path))
                };
                Link {
                    target,
                    fragment: fragment.filter(|f| !f.is_empty()),
                    text,
                }
            })
            .collect();
        PageLinks { ids, links }
    }
}

/// Checks the links of every page of the standard site in `out`; diagnostics point into the
/// Markdown a link came from. `to_come` names files that are not rendered but will be there
/// when the site is published (an archive's manifest, written after its pages).
///
/// The 关怀版 copy under care/ repeats every standard page's links, so checking the standard
/// pages reports each problem once (the copy's own switch links are covered by the browser
/// suite).
pub fn check(site: &Site, out: &Output, to_come: &[String]) -> Vec<Diagnostic> {
    let mut origin: HashMap<String, FileId> = HashMap::new();
    for e in &site.editions {
        origin.insert(format!("{}/index.html", e.year), e.report.file);
        for p in &e.pages {
            origin.insert(format!("{}/{}.html", e.year, p.slug), p.file);
        }
    }
    let pages: Vec<(&String, &PageLinks)> = out.links.iter().map(|(k, v)| (k, &**v)).collect();
    // Tens of thousands of pages on a city's archive: check them in parallel.
    let found: Vec<(&String, &str, String)> = pages
        .par_iter()
        .flat_map_iter(|(name, page)| {
            page.links.iter().filter_map(move |link| {
                problem(link, out, to_come).map(|p| (*name, link.text.as_str(), p))
            })
        })
        .collect();

    // Where each Markdown file's links are, worked out once per file that has a problem.
    let mut destinations: HashMap<FileId, Vec<Destination>> = HashMap::new();
    found
        .into_iter()
        .map(|(name, link, problem)| {
            let mut d = Diagnostic::error("E022", format!("{problem} (on {name})"))
                .help("correct the link; links between pages are relative, e.g. plan.html or indicators/<id>.html#…");
            if let Some(&file) = origin.get(name) {
                let src = &site.sources.get(file).text;
                let dests = destinations
                    .entry(file)
                    .or_insert_with(|| destinations_in(src));
                if let Some((start, end)) = locate(src, dests, link) {
                    d = d.at_span(&site.sources, file, start, end);
                }
            }
            d
        })
        .collect()
}

/// A link destination of a Markdown file: as a browser reads it (entities and
/// percent-escapes decoded), and where it is written.
struct Destination {
    decoded: String,
    start: usize,
    end: usize,
}

fn destinations_in(src: &str) -> Vec<Destination> {
    crate::markdown::link_destinations(src)
        .into_iter()
        .map(|(dest, start, end)| Destination {
            decoded: percent_decode(&unescape(&dest)),
            start,
            end,
        })
        .collect()
}

/// Where `link` (as written on the rendered page, entities decoded) is written in the
/// Markdown `src`: the page writes `附件1.pdf` as `%E9%99%84…`, `<附件 1.pdf>` as `%20`, so
/// the two are compared decoded.
fn locate(src: &str, destinations: &[Destination], link: &str) -> Option<(usize, usize)> {
    let decoded = percent_decode(link);
    if let Some(d) = destinations.iter().find(|d| d.decoded == decoded) {
        return Some((d.start, d.end));
    }
    // Not a Markdown link (e.g. the theme's or a narrative function's): the text itself.
    [link, decoded.as_str()].iter().find_map(|l| {
        src.find(&format!("]({l}"))
            .map(|i| i + 2)
            .or_else(|| src.find(*l))
            .map(|at| (at, at + l.len()))
    })
}

/// What is wrong with one link, if anything.
fn problem(link: &Link, out: &Output, to_come: &[String]) -> Option<String> {
    let text = percent_decode(&link.text);
    let Some(target) = &link.target else {
        return Some(format!("link `{text}` points outside the site"));
    };
    if !out.contains(target) && !to_come.contains(target) {
        return Some(format!("broken link `{text}`: no {target} in the output"));
    }
    match &link.fragment {
        Some(fragment)
            if target.ends_with(".html")
                && !out
                    .links
                    .get(target.as_str())
                    .is_some_and(|p| p.ids.contains(fragment)) =>
        {
            Some(format!(
                "broken anchor `{text}`: {target} has no id `{fragment}`"
            ))
        }
        _ => None,
    }
}

/// The `href` and `src` values of a page in document order, raw; `src` only when `only_src`.
fn link_values(text: &str, only_src: bool) -> Vec<&str> {
    let mut values = Vec::new();
    html_scan::start_tags(text, |tag| {
        for attr in &tag.attrs {
            if attr.is("src") || !only_src && attr.is("href") {
                values.push(attr.value);
            }
        }
    });
    values
}

/// Every internal href and src value of a page, entities decoded.
pub(crate) fn internal_links(text: &str) -> impl Iterator<Item = String> + '_ {
    link_values(text, false)
        .into_iter()
        .map(unescape)
        .filter(|s| !is_external(s))
}

/// The `src` values of a page, entities decoded, external ones left out.
pub(crate) fn sources(text: &str) -> impl Iterator<Item = String> + '_ {
    link_values(text, true)
        .into_iter()
        .map(unescape)
        .filter(|s| !is_external(s))
}

/// Decodes the percent-escapes of a URL path or fragment (`%E9%99%84` → `附`, `%20` → ` `);
/// `s` as it is when they do not spell UTF-8.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%')
            .then(|| Some(hex(*b.get(i + 1)?)? << 4 | hex(*b.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(byte) => {
                bytes.push(byte);
                i += 3;
            }
            None => {
                bytes.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_string())
}

pub(crate) fn is_external(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
}

/// Joins a relative link to the page's folder; None when it climbs out of the site.
pub(crate) fn resolve(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Decodes the entities our templates and the sanitiser write in attribute values
/// (minijinja escapes `/` as `&#x2f;`).
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_percent_escapes_that_spell_utf8() {
        assert_eq!(
            super::percent_decode("%E9%99%84%E4%BB%B6%201.pdf"),
            "附件 1.pdf"
        );
        assert_eq!(super::percent_decode("100%.pdf"), "100%.pdf");
        assert_eq!(super::percent_decode("%zz%4"), "%zz%4");
        // Not UTF-8: left as written.
        assert_eq!(super::percent_decode("%FF.pdf"), "%FF.pdf");
    }

    #[test]
    fn resolves_relative_links() {
        assert_eq!(
            super::resolve("2023", "../index.html").unwrap(),
            "index.html"
        );
        assert_eq!(
            super::resolve("2023/indicators", "../../static/a.css").unwrap(),
            "static/a.css"
        );
        assert!(super::resolve("", "../x.html").is_none());
        assert!(super::resolve("2023", "/abs.html").is_none());
        assert_eq!(
            super::unescape("..&#x2f;a&amp;b&#47;c&bogus"),
            "../a&b/c&bogus"
        );
    }
}
