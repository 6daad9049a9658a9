//! Internal links and anchors of the rendered site: every relative href/src must name a file
//! of the output, and every #fragment an id on that page. Runs after render, before write.

use crate::diagnostic::Diagnostic;
use crate::html::links::{names, percent_decode, unescape, Link, NameTable, PageLinks};
use crate::model::Site;
use crate::source::FileId;
use crate::write::Output;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

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
        if let Some(r) = &e.report {
            origin.insert(format!("{}/index.html", e.year), r.file);
        }
        if let Some(n) = &e.nianbao {
            origin.insert(
                format!("{}/{}", e.year, crate::model::nianbao::PAGE),
                n.page.file,
            );
        }
        for p in &e.pages {
            origin.insert(format!("{}/{}.html", e.year, p.slug), p.file);
        }
    }
    // Files beside the sources that are not published, by their path in the site.
    let skipped: HashSet<String> = site
        .skipped
        .iter()
        .filter_map(|p| {
            let p = p.to_string_lossy().replace('\\', "/");
            p.strip_prefix("content/").map(str::to_string)
        })
        .collect();
    let pages: Vec<(&String, &PageLinks)> = out.links.iter().map(|(k, v)| (k, &**v)).collect();
    // Tens of thousands of pages on a city's archive: check them in parallel.
    let skipped = &skipped;
    let names = &names();
    // The pages of a site link the same few thousand files hundreds of thousands of times:
    // whether each target is a file of the output is looked up once. A link to one that is,
    // without an anchor, is fine; only the others are looked at closely.
    let mut is_file = vec![false; names.last_index() + 1];
    for (_, page) in &pages {
        for target in page.links.iter().filter_map(|l| l.target) {
            is_file[target.index()] = true;
        }
    }
    is_file
        .par_iter_mut()
        .enumerate()
        .filter(|(_, linked)| **linked)
        .for_each(|(i, linked)| *linked = out.contains(names.get_index(i)));
    let is_file = &is_file;
    let found: Vec<(&String, &str, String)> = pages
        .par_iter()
        .flat_map_iter(|(name, page)| {
            page.links
                .iter()
                .filter(|l| l.fragment.is_some() || !l.target.is_some_and(|t| is_file[t.index()]))
                .filter_map(move |link| {
                    problem(link, names, out, to_come, skipped)
                        .map(|p| (*name, names.get(link.text), p))
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
    crate::narrative::markdown::link_destinations(src)
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
fn problem(
    link: &Link,
    names: &NameTable,
    out: &Output,
    to_come: &[String],
    skipped: &HashSet<String>,
) -> Option<String> {
    let text = percent_decode(names.get(link.text));
    let Some(target) = link.target.map(|t| names.get(t)) else {
        return Some(format!("link `{text}` points outside the site"));
    };
    let exists = |t: &str| out.contains(t) || to_come.iter().any(|c| c == t);
    // A link to a folder (`./`, `../`, `2023/`) is served its index.html.
    let index = if target.is_empty() {
        "index.html".to_string()
    } else {
        format!("{target}/index.html")
    };
    let page = if exists(target) {
        target
    } else if exists(&index) {
        index.as_str()
    } else {
        let shown = if target.is_empty() {
            "the site root"
        } else {
            target
        };
        if skipped.contains(target) {
            return Some(format!(
                "broken link `{text}`: content/{target} exists but is not published (only pages and attachments of the allowed kinds are; see W012)"
            ));
        }
        let hint = match (target.strip_suffix(".md"), text.strip_suffix(".md")) {
            (Some(stem), Some(written)) if exists(&format!("{stem}.html")) => {
                format!("; the page {written}.md is published as {written}.html: link to that")
            }
            _ => String::new(),
        };
        return Some(format!(
            "broken link `{text}`: no {shown} in the output{hint}"
        ));
    };
    match link.fragment {
        Some(fragment)
            if page.ends_with(".html")
                && !out.links.get(page).is_some_and(|p| p.has_id(fragment)) =>
        {
            Some(format!(
                "broken anchor `{text}`: {page} has no id `{}`",
                names.get(fragment)
            ))
        }
        _ => None,
    }
}
