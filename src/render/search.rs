//! Which published pages search indexes and under which index, and the index of an edition
//! made as soon as its pages are: each page's text (`html::search_text`) waits in memory for
//! its index, so an edition's pages let go of theirs when their edition is done, not when the
//! whole site is (on the large corpus the texts of every page took 237 MB at the peak).
//! The site-wide index and the archived editions' are made in `assemble::search`.

use crate::html::search_index::{self, Doc, Stats};
use crate::html::search_text::PageText;
use crate::write::Settled;
use serde_json::Value;
use std::sync::Arc;

/// The runtime: the tokenizer's rules in JavaScript, the loader and the search page's
/// script, copied beside every index it reads.
pub(crate) const RUNTIME: &str = include_str!("search.js");

/// Pages that are not searched: the search pages themselves, the 404 page and the site map
/// (a list of every page, which would match every query).
pub(crate) fn searchable(path: &str) -> bool {
    !(path == "search.html"
        || path.ends_with("/search.html")
        || path == "404.html"
        || path == "sitemap.html"
        || path.starts_with("fragments/"))
}

/// The edition folder a page belongs to (`2023`), if any; None for the site-wide pages and
/// for the versions kept by corrections (`2023-v1/`, which are not searched).
pub(crate) fn edition_of(path: &str) -> Option<Result<i32, ()>> {
    let (dir, _) = path.split_once('/')?;
    match dir.parse::<i32>() {
        Ok(year) if dir.len() == 4 => Some(Ok(year)),
        _ if crate::model::manifest::parse_version(dir).is_some() => Some(Err(())),
        _ => None,
    }
}

/// The section a page is listed under, and its rank among an index's pages (the edition's
/// page first, indicators last: the order ties are broken in).
fn section(path: &str) -> (u8, &'static str) {
    let rest = path.split_once('/').map_or(path, |(_, r)| r);
    let in_edition = edition_of(path).is_some();
    match (in_edition, rest) {
        (true, "index.html") => (0, "工作报告"),
        (true, "nianbao.html") => (1, "年度报告"),
        (true, r) if r.starts_with("indicators/") => (3, "指标"),
        (true, _) => (2, "页面"),
        (false, _) if path == "index.html" => (0, "首页"),
        (false, _) if path.starts_with("indicators/") => (3, "历年指标"),
        (false, _) => (2, "网站"),
    }
}

/// The index of `pages` under `dir` for `edition` (None: the site-wide pages), its files
/// settled (written at once when the build stages its output) and its figures.
pub(crate) fn index_pages(
    stage: Option<&crate::write::staging::Staging>,
    dir: &str,
    edition: Option<i32>,
    mut pages: Vec<(String, Arc<PageText>)>,
    extra: Value,
) -> (Stats, Vec<Settled>) {
    pages.sort_by(|(a, _), (b, _)| (section(a).0, a).cmp(&(section(b).0, b)));
    // Pages without a 发布日期 of their own (indicator pages) carry their edition's.
    let edition_date = pages
        .iter()
        .find_map(|(_, t)| t.date.clone())
        .unwrap_or_default();
    let docs: Vec<Doc> = pages
        .iter()
        .map(|(path, text)| Doc {
            url: path,
            text,
            date: text.date.clone().unwrap_or_else(|| {
                if edition.is_some() {
                    edition_date.clone()
                } else {
                    String::new()
                }
            }),
            section: section(path).1,
        })
        .collect();
    let built = search_index::build(dir, edition, &docs, extra);
    let files = built
        .files
        .into_iter()
        .map(|(path, bytes)| crate::write::settle(stage, path, bytes))
        .collect();
    (built.stats, files)
}

/// Indexes the edition `year` rendered now from its `files` into `<year>/search/` (with a
/// copy of the runtime), adds the index's files and takes each page's text out.
pub(crate) fn index_edition(
    stage: Option<&crate::write::staging::Staging>,
    year: i32,
    files: &mut Vec<Settled>,
) -> Stats {
    let pages: Vec<(String, Arc<PageText>)> = files
        .iter_mut()
        .filter_map(|file| {
            let text = file.take_text()?;
            let path = file.path();
            (searchable(path) && edition_of(path) == Some(Ok(year)))
                .then(|| (path.to_string(), text))
        })
        .collect();
    let dir = format!("{year}/search/");
    let (stats, index_files) = index_pages(stage, &dir, Some(year), pages, Value::Null);
    files.extend(index_files);
    files.push(crate::write::settle(
        stage,
        format!("{dir}search.js"),
        RUNTIME.as_bytes().to_vec(),
    ));
    stats
}
