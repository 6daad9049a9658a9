//! `corrections.html`, the site-wide list of every correction recorded in the manifests of the
//! archived editions, and the site map's group of the versions corrections keep.

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::load::archives::Archives;
use crate::model::manifest::{parse_version, Correction};
use crate::render::view::{Link, LinkGroup};
use crate::render::{self, Ctx};
use crate::write::Output;
use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) use crate::model::manifest::CORRECTIONS_PAGE as PAGE;

/// Every correction recorded in the current manifests of the archived editions, newest
/// first, with the year of its edition.
fn recorded(archives: &Archives) -> Vec<(i32, Correction)> {
    let mut all: Vec<(i32, Correction)> = archives
        .editions
        .iter()
        .flat_map(|(year, (manifest, _))| manifest.corrections.iter().map(|c| (*year, c.clone())))
        .collect();
    all.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(b.0.cmp(&a.0)));
    all
}

/// One correction as the corrections page shows it.
#[derive(Debug, Serialize)]
struct CorrectionView {
    anchor: String,
    date: String,
    date_cn: String,
    edition_title: String,
    note: String,
    /// The edition's current index page, relative to the site root.
    current: String,
    /// The replaced version's index page.
    previous: String,
    pages: Vec<Link>,
}

/// What a changed file of edition `year` is called on the corrections page.
fn file_title(edition: Option<&crate::model::Edition>, rel: &str) -> String {
    let Some(e) = edition else {
        return rel.to_string();
    };
    if rel == "index.html" {
        return e.front().title.clone();
    }
    if let Some(id) = rel
        .strip_prefix("indicators/")
        .and_then(|r| r.strip_suffix(".html"))
    {
        if let Some(i) = e.indicator(id) {
            return format!("{}（{}年）", i.name, e.year);
        }
    }
    if let Some(p) = e
        .pages
        .iter()
        .find(|p| rel.strip_suffix(".html") == Some(p.slug.as_str()))
    {
        return p.front.title.clone();
    }
    rel.to_string()
}

/// The page an edition folder opens with: its work report's index.html, or, in an edition
/// of the annual report alone, the annual report.
fn entry_page(out: &Output, folder: &str) -> String {
    let index = format!("{folder}/index.html");
    if out.contains(&index) {
        index
    } else {
        format!("{folder}/{}", crate::model::nianbao::PAGE)
    }
}

/// `corrections.html`: every correction recorded in the manifests of the archived editions.
pub(crate) fn corrections_page(
    ctx: &Ctx,
    archives: &Archives,
    out: &Output,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut count: BTreeMap<i32, usize> = BTreeMap::new();
    let mut views: Vec<CorrectionView> = Vec::new();
    let mut all = recorded(archives);
    // Number each edition's corrections oldest first, so anchors stay put as more are added.
    all.reverse();
    for (year, c) in all {
        let k = count.entry(year).or_default();
        *k += 1;
        let edition = ctx.editions.iter().find(|e| e.year == year).copied();
        let pages = c
            .files
            .iter()
            .filter(|rel| out.contains(&format!("{year}/{rel}")))
            .map(|rel| Link {
                title: file_title(edition, rel),
                url: format!("{year}/{rel}"),
            })
            .collect();
        views.push(CorrectionView {
            anchor: format!("correction-{year}-{k}"),
            date_cn: Date::parse(&c.date).map_or(c.date.clone(), |d| d.chinese()),
            date: c.date,
            edition_title: edition.map_or(format!("{year}年度"), |e| e.front().title.clone()),
            note: c.note,
            current: entry_page(out, &year.to_string()),
            previous: entry_page(out, &c.previous),
            pages,
        });
    }
    views.reverse();
    let corrections = Value::from(Serde(&views));
    let home = Link {
        title: "首页".into(),
        url: "index.html".into(),
    };
    render::render_page(
        ctx,
        "corrections.html",
        PAGE,
        |care| render::head(ctx, care, "更正说明", PAGE, None, vec![home.clone()]),
        |page| {
            context! {
                site => ctx.site_view.clone(),
                page,
                corrections => corrections.clone(),
            }
        },
    )
}

/// For the site map: every page of the versions kept by corrections.
pub(crate) fn kept_versions(out: &Output) -> LinkGroup {
    LinkGroup {
        title: "更正前的版本（已更正）".into(),
        links: out
            .paths(|p| {
                p.ends_with(".html")
                    && p.split_once('/')
                        .is_some_and(|(dir, _)| parse_version(dir).is_some())
            })
            .into_iter()
            .map(|p| Link {
                title: p.to_string(),
                url: p.to_string(),
            })
            .collect(),
    }
}
