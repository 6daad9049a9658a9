//! Column mode (`build --fragments`): every page of every published edition as a content
//! block alone, for a bureau that publishes through the district portal's 部门信息公开 column.
//!
//! The fragments are rendered through the theme's `fragments/*.html` templates, then every
//! class and id is given [`PREFIX`] (so the portal's stylesheet cannot clash) and every link
//! is rewritten: within the edition's fragments, charts and data it stays relative; to any
//! other page it becomes absolute with the base URL, or plain text without one. They are
//! written under `fragments/<year>/` with the same layout as the site's `<year>/`, beside one
//! deterministic `fragments/<year>.zip` per edition.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::html::escape::escape_html;
use crate::model::{Edition, Site};
use crate::render::view::{self, ArticleMeta};
use crate::render::{self, Ctx, RenderOptions};
use minijinja::value::Serde;
use minijinja::{context, Value};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// Put before every class name and id of a fragment.
pub const PREFIX: &str = "gk-";

/// The folder under the output folder that holds the fragments and ZIPs.
pub const DIR: &str = "fragments";

/// The fragments of a site: files by path relative to the output folder.
#[derive(Debug, Default)]
pub struct Fragments {
    pub files: BTreeMap<String, Vec<u8>>,
    /// How many fragment pages were written (ZIPs and the files beside them not counted).
    pub pages: usize,
    pub zips: usize,
}

/// What fragment templates see as `page`.
#[derive(Serialize)]
struct FragmentPage {
    title: String,
    /// Relative path from the fragment to the site root, as on the site's pages.
    root: String,
    article: ArticleMeta,
}

/// Renders the fragments of every published edition. `site_files` is the rendered site: the
/// charts, data and attachments an edition's fragments link to are taken from it.
pub fn render(
    site: &Site,
    options: &RenderOptions,
    site_files: &BTreeMap<String, Vec<u8>>,
) -> Result<Fragments, Diagnostics> {
    let results = render::with_ctx(site, options, |ctx| {
        ctx.editions
            .iter()
            .map(|e| render_edition(ctx, e, options.drafts, site_files))
            .collect::<Vec<_>>()
    })?;
    let mut out = Fragments::default();
    let mut diags = Diagnostics::default();
    for r in results {
        match r {
            Ok(edition) => {
                out.pages += edition.pages;
                out.zips += 1;
                out.files.extend(edition.files);
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(out)
}

fn render_edition(
    ctx: &Ctx,
    edition: &Edition,
    drafts: bool,
    site_files: &BTreeMap<String, Vec<u8>>,
) -> Result<Fragments, Vec<Diagnostic>> {
    let site = ctx.site;
    let year = edition.year;
    let front = edition.front();
    let pages = render::published_pages(edition, drafts);
    let edition_value = render::edition_value(
        site,
        edition,
        &pages,
        render::published_nianbao(edition, drafts),
    );
    let page = |title: &str, path: &str, date: crate::date::Date| {
        Value::from(Serde(FragmentPage {
            title: title.to_string(),
            root: "../".repeat(path.matches('/').count()),
            article: ArticleMeta {
                title: title.to_string(),
                pub_date: date.to_string(),
                source: front.publisher.clone(),
            },
        }))
    };
    let mut rendered: Vec<(String, Result<Vec<u8>, Diagnostic>)> = Vec::new();

    if let Some(report) = &edition.report {
        let path = format!("{year}/index.html");
        rendered.push((
            path.clone(),
            render::render_narrative(ctx, edition, report.file).and_then(|n| {
                render::render_template(
                    ctx,
                    "fragments/edition.html",
                    context! {
                        site => ctx.site_view.clone(),
                        prefix => PREFIX,
                        page => page(&front.title, &path, front.published),
                        edition => edition_value.clone(),
                        body => Value::from_safe_string(n.html),
                        toc => Value::from(Serde(view::toc(&n.headings))),
                        narrative_has_withheld => n.has_withheld,
                    },
                )
            }),
        ));
    }
    // A further page and the annual report are both a narrative under its title and date.
    let page_fragment = |path: &str,
                         title: &str,
                         summary: &Option<String>,
                         date: crate::date::Date,
                         html: String,
                         headings: &[crate::narrative::markdown::Heading],
                         has_withheld: bool| {
        render::render_template(
            ctx,
            "fragments/page.html",
            context! {
                site => ctx.site_view.clone(),
                prefix => PREFIX,
                page => page(title, path, date),
                edition => edition_value.clone(),
                doc => context! {
                    title => title,
                    summary => summary.clone(),
                    published => date.chinese(),
                },
                body => Value::from_safe_string(html),
                toc => Value::from(Serde(view::toc(headings))),
                has_withheld => has_withheld,
            },
        )
    };
    for p in &pages {
        let path = format!("{year}/{}.html", p.slug);
        let date = p.front.published.unwrap_or(front.published);
        let f = &p.front;
        let html = render::render_narrative(ctx, edition, p.file).and_then(|n| {
            page_fragment(
                &path,
                &f.title,
                &f.summary,
                date,
                n.html,
                &n.headings,
                n.has_withheld,
            )
        });
        rendered.push((path, html));
    }
    if let Some(nb) = render::published_nianbao(edition, drafts) {
        let path = render::nianbao_path(year);
        let f = &nb.page.front;
        let html = render::nianbao_body(ctx, edition, nb).and_then(|(n, _)| {
            page_fragment(
                &path,
                &f.title,
                &f.summary,
                f.published,
                n.html,
                &n.headings,
                n.has_withheld,
            )
        });
        rendered.push((path, html));
    }
    for ind in edition.indicators() {
        let path = view::indicator_url(year, &ind.id);
        let hc = render::history_chart(ctx, edition, ind);
        let sc = render::series_chart(site, edition, ind);
        let charts = render::chart_refs(year, &ind.id, &hc, sc.as_ref());
        let detail = render::indicator_detail(ctx, edition, ind, charts);
        let title = format!("{}（{}年）", ind.name, year);
        let html = render::render_template(
            ctx,
            "fragments/indicator.html",
            context! {
                site => ctx.site_view.clone(),
                prefix => PREFIX,
                page => page(&title, &path, front.published),
                edition => edition_value.clone(),
                indicator => Value::from(Serde(&detail)),
            },
        );
        rendered.push((path, html));
    }

    let mut errors = Vec::new();
    let mut fragments = Vec::new();
    for (path, html) in rendered {
        match html {
            Ok(bytes) => fragments.push((path, String::from_utf8_lossy(&bytes).into_owned())),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // What is uploaded together: the fragments and the edition's charts, data and
    // attachments (the manifest of an archived edition describes the site's pages, not these).
    let folder = format!("{year}/");
    let beside: Vec<(&String, &Vec<u8>)> = site_files
        .iter()
        .filter(|(p, _)| p.starts_with(&folder) && !p.ends_with(".html"))
        .filter(|(p, _)| p.as_str() != format!("{folder}{}", crate::model::manifest::MANIFEST))
        .collect();
    let bundle: BTreeSet<&str> = fragments
        .iter()
        .map(|(p, _)| p.as_str())
        .chain(beside.iter().map(|(p, _)| p.as_str()))
        .collect();
    let base = site.config.base_url.as_deref();
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, html) in &fragments {
        let rel = &path[folder.len()..];
        entries.insert(
            rel.to_string(),
            rewrite(html, path, &bundle, base).into_bytes(),
        );
    }
    for (path, bytes) in &beside {
        entries.insert(path[folder.len()..].to_string(), (*bytes).clone());
    }
    let zip = crate::write::zip::write(
        entries.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
        front.published,
    );
    let mut files: BTreeMap<String, Vec<u8>> = entries
        .into_iter()
        .map(|(p, b)| (format!("{DIR}/{year}/{p}"), b))
        .collect();
    files.insert(format!("{DIR}/{year}.zip"), zip);
    Ok(Fragments {
        files,
        pages: fragments.len(),
        zips: 1,
    })
}

/// A start tag with its attributes (values double- or single-quoted or bare). Text and
/// attribute values are escaped, so `<` followed by a letter only ever starts a tag.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(/?)>"#)
        .expect("valid regex")
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"#)
        .expect("valid regex")
});

/// Prefixes every class and id (and what refers to ids) of a fragment at `path` and rewrites
/// its links: kept when they point into `bundle`, absolute under `base` otherwise, or
/// removed (the link text stays as plain text) when there is no base URL.
pub fn rewrite(html: &str, path: &str, bundle: &BTreeSet<&str>, base: Option<&str>) -> String {
    TAG.replace_all(html, |c: &regex::Captures| {
        let mut tag = format!("<{}", &c[1]);
        for a in ATTR.captures_iter(&c[2]) {
            let name = a[1].to_ascii_lowercase();
            let Some(value) = a.get(2).or(a.get(3)).or(a.get(4)).map(|m| m.as_str()) else {
                tag.push(' ');
                tag.push_str(&a[1]);
                continue;
            };
            let value = match name.as_str() {
                "class" | "aria-labelledby" | "aria-describedby" | "aria-controls" | "headers" => {
                    Some(
                        value
                            .split_whitespace()
                            .map(prefixed)
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
                }
                "id" | "for" => Some(prefixed(value)),
                "href" | "src" => link(value, path, bundle, base),
                _ => Some(value.to_string()),
            };
            // Values are written back as they came (already escaped), or escaped by `link`.
            if let Some(value) = value {
                tag.push_str(&format!(" {}=\"{}\"", &a[1], value.replace('"', "&quot;")));
            }
        }
        tag.push_str(&c[3]);
        tag.push('>');
        tag
    })
    .into_owned()
}

fn prefixed(name: &str) -> String {
    if name.starts_with(PREFIX) {
        name.to_string()
    } else {
        format!("{PREFIX}{name}")
    }
}

/// A link of the fragment at `path`, rewritten; `None` to drop the attribute.
fn link(value: &str, path: &str, bundle: &BTreeSet<&str>, base: Option<&str>) -> Option<String> {
    if let Some(id) = value.strip_prefix('#') {
        return Some(format!("#{}", prefixed(id)));
    }
    let has_scheme = value
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if has_scheme || value.starts_with('/') {
        return Some(value.to_string());
    }
    let value = crate::html::links::unescape(value);
    let (target, anchor) = value.split_once('#').unwrap_or((&value, ""));
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let resolved = crate::html::links::resolve(dir, target);
    let url = match resolved {
        // Relative to the fragment's own folder, so the edition's folder can have any name.
        Some(r) if bundle.contains(r.as_str()) => {
            let mut url = relative(path, &r);
            if !anchor.is_empty() {
                url.push('#');
                url.push_str(&prefixed(anchor));
            }
            url
        }
        Some(r) => {
            let mut url = format!("{}/{r}", base?.trim_end_matches('/'));
            if !anchor.is_empty() {
                url.push('#');
                url.push_str(anchor);
            }
            url
        }
        None => return None,
    };
    Some(escape_html(&url))
}

/// The path of `to` relative to the folder of the page at `from` (both from the site root).
fn relative(from: &str, to: &str) -> String {
    let dir: Vec<&str> = from.split('/').collect();
    let dir = &dir[..dir.len() - 1];
    let to: Vec<&str> = to.split('/').collect();
    let common = dir
        .iter()
        .zip(&to[..to.len() - 1])
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(dir.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_classes_ids_and_rewrites_links() {
        let bundle: BTreeSet<&str> = ["2023/index.html", "2023/charts/a.svg"].into();
        assert_eq!(
            relative("2023/indicators/a.html", "2023/data.csv"),
            "../data.csv"
        );
        assert_eq!(
            relative("2023/index.html", "2023/indicators/a.html"),
            "indicators/a.html"
        );
        let html = r##"<p class="a b" id="x" title="1 > 0"><a href="#y">1</a><a href="index.html#z">2</a><img src="charts/a.svg" alt="a"><a href="../2022/index.html#k">3</a><a href="https://e.cn/">4</a><a href="..&#x2f;2023&#x2f;index.html">5</a></p>"##;
        let out = rewrite(html, "2023/notes.html", &bundle, None);
        assert_eq!(
            out,
            r##"<p class="gk-a gk-b" id="gk-x" title="1 > 0"><a href="#gk-y">1</a><a href="index.html#gk-z">2</a><img src="charts/a.svg" alt="a"><a>3</a><a href="https://e.cn/">4</a><a href="index.html">5</a></p>"##
        );
        let out = rewrite(html, "2023/notes.html", &bundle, Some("https://g.cn/gk/"));
        assert!(out.contains(r#"<a href="https://g.cn/gk/2022/index.html#k">3</a>"#));
    }
}
