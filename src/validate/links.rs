//! Internal links and anchors of the rendered site: every relative href/src must name a file
//! of the output, and every #fragment an id on that page. Runs after render, before write.

use crate::content::Site;
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

/// Checks every HTML file of `files`; diagnostics point into the Markdown a link came from.
/// `to_come` names files that are not rendered but will be there when the site is published
/// (an archive's manifest, written after its pages).
pub fn check(
    site: &Site,
    files: &BTreeMap<String, Vec<u8>>,
    to_come: &[String],
) -> Vec<Diagnostic> {
    static ATTR: OnceLock<Regex> = OnceLock::new();
    static ID: OnceLock<Regex> = OnceLock::new();
    let attr = ATTR.get_or_init(|| Regex::new(r#"\s(?:href|src)="([^"]*)""#).unwrap());
    let id = ID.get_or_init(|| Regex::new(r#"\sid="([^"]*)""#).unwrap());

    let mut origin: HashMap<String, FileId> = HashMap::new();
    for e in &site.editions {
        origin.insert(format!("{}/index.html", e.year), e.report.file);
        for p in &e.pages {
            origin.insert(format!("{}/{}.html", e.year, p.slug), p.file);
        }
    }
    let pages: Vec<(&String, &str)> = files
        .iter()
        .filter(|(name, _)| name.ends_with(".html"))
        .filter_map(|(name, bytes)| std::str::from_utf8(bytes).ok().map(|t| (name, t)))
        .collect();
    let ids: HashMap<&str, HashSet<String>> = pages
        .iter()
        .map(|(name, text)| {
            let set = id.captures_iter(text).map(|c| unescape(&c[1])).collect();
            (name.as_str(), set)
        })
        .collect();

    let mut diags = Vec::new();
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for (name, text) in &pages {
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
        for cap in attr.captures_iter(text) {
            let link = unescape(&cap[1]);
            if is_external(&link) {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() {
                Some((*name).clone())
            } else {
                resolve(dir, path)
            };
            let problem = match &target {
                None => Some(format!("link `{link}` points outside the site")),
                Some(t) if !files.contains_key(t) && !to_come.contains(t) => {
                    Some(format!("broken link `{link}`: no {t} in the output"))
                }
                Some(t)
                    if !fragment.is_empty()
                        && t.ends_with(".html")
                        && !ids.get(t.as_str()).is_some_and(|s| s.contains(fragment)) =>
                {
                    Some(format!(
                        "broken anchor `{link}`: {t} has no id `{fragment}`"
                    ))
                }
                _ => None,
            };
            let Some(problem) = problem else { continue };
            if !reported.insert(((*name).clone(), link.clone())) {
                continue;
            }
            let mut d = Diagnostic::error("E022", format!("{problem} (on {name})"))
                .help("correct the link; links between pages are relative, e.g. plan.html or indicators/<id>.html#…");
            if let Some(&file) = origin.get(*name) {
                let src = &site.sources.get(file).text;
                if let Some(at) = src
                    .find(&format!("]({link}"))
                    .map(|i| i + 2)
                    .or_else(|| src.find(&link))
                {
                    d = d.at_span(&site.sources, file, at, at + link.len());
                }
            }
            diags.push(d);
        }
    }
    diags
}

fn is_external(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
}

/// Joins a relative link to the page's folder; None when it climbs out of the site.
fn resolve(dir: &str, path: &str) -> Option<String> {
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
fn unescape(s: &str) -> String {
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
