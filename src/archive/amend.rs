//! Corrections of archived editions (`gongkai archive <year> --amend --note …`): a correction
//! is a public act, so the amended edition replaces archive/<year>/ while the copy it
//! replaces moves, marked 已更正, to the sibling folder archive/<year>-v<n>/ (the same depth
//! under the site root, so every relative link in it still resolves); every changed page of
//! the amended edition carries a 更正说明 box, both manifests record what happened, and the
//! site lists every correction on `corrections.html` (made by the assemble layer).

use crate::date::Date;
use crate::html::escape::escape_html;
use crate::model::manifest::{
    version_name, Correction, FileEntry, Manifest, Superseded, CORRECTIONS_PAGE as PAGE, MANIFEST,
};
use std::collections::{BTreeMap, BTreeSet};

/// `../` for every folder above the page at `path` (relative to the site root).
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

const BOX_START: &str = "<aside class=\"correction-note\"";
const BOX_END: &str = "</aside>\n";
const MARK_START: &str = "<p class=\"superseded-note\"";
const MARK_END: &str = "</p>\n";

/// Puts `snippet` at the top of the page's main content (after the opening `<main>` tag, or
/// `<body>` for a theme without one).
pub fn insert_at_top(html: &[u8], snippet: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let at = ["<main", "<body"]
        .iter()
        .find_map(|tag| {
            let start = text.find(tag)?;
            text[start..].find('>').map(|end| start + end + 1)
        })
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len() + snippet.len() + 1);
    out.push_str(&text[..at]);
    if at > 0 {
        out.push('\n');
    }
    out.push_str(snippet);
    let rest = &text[at..];
    out.push_str(rest.strip_prefix('\n').unwrap_or(rest));
    out.into_bytes()
}

/// The page as rendered, without a 更正说明 box added by an earlier correction.
pub fn strip_box(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.find(BOX_START) {
        Some(start) => match text[start..].find(BOX_END) {
            Some(len) => {
                let mut out = text[..start].to_string();
                out.push_str(&text[start + len + BOX_END.len()..]);
                out.into_bytes()
            }
            None => html.to_vec(),
        },
        None => html.to_vec(),
    }
}

/// The 更正说明 box for the page `rel` of edition `year`: every correction that changed it,
/// each linked to the page's earlier version (or that version's index when the page is new;
/// `kept` holds the pages of the version folders, e.g. `2023-v1/index.html`).
pub fn box_html(
    year: i32,
    rel: &str,
    corrections: &[&Correction],
    kept: &BTreeSet<String>,
) -> String {
    let root = root_of(&format!("{year}/{rel}"));
    let mut s = format!("{BOX_START} role=\"note\"><p><strong>更正说明</strong></p><ul>");
    for c in corrections {
        let date = Date::parse(&c.date).map_or(c.date.clone(), |d| d.chinese());
        let earlier = format!("{}/{rel}", c.previous);
        let earlier = if kept.contains(&earlier) {
            earlier
        } else if kept.contains(&format!("{}/index.html", c.previous)) {
            format!("{}/index.html", c.previous)
        } else {
            // An edition of the annual report alone has no index.html.
            format!("{}/{}", c.previous, crate::model::nianbao::PAGE)
        };
        s.push_str(&format!(
            "<li><time datetime=\"{}\">{date}</time>更正：{}（<a href=\"{root}{}\">更正前的版本</a>）</li>",
            escape_html(&c.date),
            escape_html(&c.note),
            escape_html(&earlier),
        ));
    }
    s.push_str(&format!(
        "</ul><p><a href=\"{root}{PAGE}\">本站全部更正说明</a></p>{BOX_END}"
    ));
    s
}

/// The 已更正 mark on page `rel` of the replaced version kept in folder `version`; `current`
/// is the page's counterpart in the amended edition (its index when the page is gone).
fn superseded_mark(year: i32, version: &str, rel: &str, current: &str, c: &Correction) -> String {
    let root = root_of(&format!("{version}/{rel}"));
    let date = Date::parse(&c.date).map_or(c.date.clone(), |d| d.chinese());
    format!(
        "{MARK_START}><strong>已更正</strong>：本页是{year}年度更正前的版本，已于{date}更正（{}）。<a href=\"{root}{year}/{}\">查看现行版本</a>　<a href=\"{root}{PAGE}\">更正说明</a>{MARK_END}",
        escape_html(&c.note),
        escape_html(current),
    )
}

/// Points the 已归档 note of a page that moves to `version` at that version's own manifest.
fn repoint_manifest(html: &str, year: i32, version: &str) -> String {
    html.lines()
        .map(|line| {
            if line.starts_with("<p class=\"archived-note\">") {
                line.replace(
                    &format!("{year}&#x2f;{MANIFEST}\""),
                    &format!("{version}&#x2f;{MANIFEST}\""),
                )
                .replace(
                    &format!("{year}/{MANIFEST}\""),
                    &format!("{version}/{MANIFEST}\""),
                )
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if html.ends_with('\n') { "\n" } else { "" }
}

/// What an amendment writes: the new current folder and the replaced version's folder, both
/// with their manifests.
#[derive(Debug)]
pub struct Amendment {
    pub version: String,
    pub current: BTreeMap<String, Vec<u8>>,
    pub previous: BTreeMap<String, Vec<u8>>,
    pub changed: Vec<String>,
    pub boxed_pages: usize,
}

/// One `archive --amend` request.
#[derive(Debug)]
pub struct Request<'a> {
    pub year: i32,
    /// The number of the version folder the replaced copy moves to.
    pub n: u32,
    pub date: Date,
    pub note: &'a str,
    /// content/<year>/ as it is now.
    pub sources: Vec<FileEntry>,
    /// The pages of the versions kept by earlier corrections, e.g. `2023-v1/index.html`.
    pub kept: BTreeSet<String>,
}

/// Works out an amendment: `old` is archive/<year>/ as it stands (its manifest included),
/// `fresh` the edition rendered again (files relative to its folder).
pub fn amend(
    req: Request,
    old_manifest: &Manifest,
    old: &BTreeMap<String, Vec<u8>>,
    fresh: BTreeMap<String, Vec<u8>>,
) -> Result<Amendment, String> {
    let Request {
        year,
        n,
        date,
        note,
        sources,
        mut kept,
    } = req;
    let version = version_name(year, n);
    let old_files: BTreeMap<&str, &Vec<u8>> = old
        .iter()
        .filter(|(p, _)| p.as_str() != MANIFEST)
        .map(|(p, b)| (p.as_str(), b))
        .collect();
    // Changed, added or removed files; a page also changes when a chart it shows changed.
    let mut changed: BTreeSet<String> = BTreeSet::new();
    for (rel, bytes) in &fresh {
        let same = old_files.get(rel.as_str()).is_some_and(|b| {
            if rel.ends_with(".html") {
                strip_box(b) == *bytes
            } else {
                *b == bytes
            }
        });
        if !same {
            changed.insert(rel.clone());
        }
    }
    for rel in old_files.keys() {
        if !fresh.contains_key(*rel) {
            changed.insert((*rel).to_string());
        }
    }
    if changed.is_empty() {
        return Err(format!(
            "nothing changed: content/{year}/ and the theme render the archived pages exactly; edit them first, then amend"
        ));
    }
    for (rel, bytes) in &fresh {
        if rel.ends_with(".html") && !changed.contains(rel) {
            let text = String::from_utf8_lossy(bytes);
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            let shows_changed = crate::html::links::sources(&text)
                .filter_map(|src| crate::html::links::resolve(dir, &src))
                .any(|t| changed.contains(&t));
            if shows_changed {
                changed.insert(rel.clone());
            }
        }
    }
    let correction = Correction {
        date: date.to_string(),
        note: note.to_string(),
        previous: version.clone(),
        files: changed.iter().cloned().collect(),
    };
    let mut corrections = old_manifest.corrections.clone();
    corrections.push(correction.clone());
    kept.extend(old_files.keys().map(|rel| format!("{version}/{rel}")));

    // The amended edition: each page shows every correction that changed it.
    let mut current = BTreeMap::new();
    let mut boxed_pages = 0;
    for (rel, bytes) in fresh {
        let bytes = if rel.ends_with(".html") {
            let mine: Vec<&Correction> = corrections
                .iter()
                .filter(|c| c.files.contains(&rel))
                .collect();
            if mine.is_empty() {
                bytes
            } else {
                boxed_pages += 1;
                insert_at_top(&bytes, &box_html(year, &rel, &mine, &kept))
            }
        } else {
            bytes
        };
        current.insert(rel, bytes);
    }
    let manifest = Manifest {
        edition: year,
        gongkai_version: env!("CARGO_PKG_VERSION").to_string(),
        frozen: old_manifest.frozen.clone(),
        sources,
        files: current
            .iter()
            .map(|(p, b)| FileEntry::of(p.clone(), b))
            .collect(),
        corrections,
        superseded: None,
    };
    current.insert(MANIFEST.to_string(), manifest.to_bytes());

    // The replaced version: every page marked 已更正 and linked to its current counterpart.
    let mut previous = BTreeMap::new();
    for (rel, bytes) in &old_files {
        let bytes = if rel.ends_with(".html") {
            let target = if current.contains_key(*rel) {
                (*rel).to_string()
            } else if current.contains_key("index.html") {
                "index.html".to_string()
            } else {
                // An edition of the annual report alone has no index.html.
                crate::model::nianbao::PAGE.to_string()
            };
            let text = repoint_manifest(&String::from_utf8_lossy(bytes), year, &version);
            insert_at_top(
                text.as_bytes(),
                &superseded_mark(year, &version, rel, &target, &correction),
            )
        } else {
            (*bytes).clone()
        };
        previous.insert((*rel).to_string(), bytes);
    }
    let previous_manifest = Manifest {
        files: previous
            .iter()
            .map(|(p, b)| FileEntry::of(p.clone(), b))
            .collect(),
        superseded: Some(Superseded {
            date: correction.date.clone(),
            note: correction.note.clone(),
            current: year.to_string(),
            original_files: old_manifest.files.clone(),
        }),
        ..old_manifest.clone()
    };
    previous.insert(MANIFEST.to_string(), previous_manifest.to_bytes());
    Ok(Amendment {
        version,
        current,
        previous,
        changed: correction.files,
        boxed_pages,
    })
}

/// The first free version number of edition `year` under archive/.
pub fn next_version(archive_dir: &std::path::Path, year: i32) -> u32 {
    (1..)
        .find(|n| !archive_dir.join(version_name(year, *n)).exists())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_go_in_and_come_out() {
        let page = b"<html><body>\n<main id=\"main\">\n<p>x</p>\n</main></body></html>";
        let c = Correction {
            date: "2024-03-01".into(),
            note: "<数据>更正".into(),
            previous: "2023-v1".into(),
            files: vec!["index.html".into()],
        };
        let kept = BTreeSet::from(["2023-v1/index.html".to_string()]);
        let boxed = insert_at_top(page, &box_html(2023, "index.html", &[&c], &kept));
        let text = String::from_utf8(boxed.clone()).unwrap();
        assert!(text.contains("<main id=\"main\">\n<aside class=\"correction-note\""));
        assert!(text.contains("&lt;数据&gt;更正"));
        assert!(text.contains("href=\"../2023-v1/index.html\""));
        assert_eq!(strip_box(&boxed), page.to_vec());
    }
}
