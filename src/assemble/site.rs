//! The site-wide pages and files besides the history pages: `404.html` (both versions),
//! `robots.txt`, the 网站地图 page and, with a base URL, `sitemap.xml` and an Atom feed. They
//! run last, so the site map lists exactly the pages the build writes.

use super::{add, corrections, history_url, home};
use crate::diagnostic::Diagnostic;
use crate::html::escape::escape_xml;
use crate::load::archives::Archives;
use crate::render::view::{self, Link, LinkGroup, PageHead};
use crate::render::{self, Ctx};
use crate::write::Output;
use minijinja::value::Serde;
use minijinja::{context, Value};

/// Adds `404.html`, `robots.txt`, `corrections.html`, the site map and, with a base URL,
/// `sitemap.xml` and `feed.xml`.
pub(super) fn render_site_pages(
    ctx: &Ctx,
    archives: &Archives,
    out: &mut Output,
    errors: &mut Vec<Diagnostic>,
) {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    match not_found_page(ctx, false).and_then(|standard| {
        let care = not_found_page(ctx, true)?;
        let care = crate::html::care::care_copy(
            &String::from_utf8_lossy(&care),
            "404.html",
            ctx.site.config.base_url.as_deref(),
        );
        Ok([
            ("404.html".into(), standard),
            ("care/404.html".into(), care.into_bytes()),
        ])
    }) {
        Ok(both) => files.extend(both),
        Err(d) => errors.push(d),
    }
    files.push(("robots.txt".into(), robots(ctx).into_bytes()));
    add(out, files);

    match corrections::corrections_page(ctx, archives, out) {
        Ok(both) => add(out, both),
        Err(d) => errors.push(d),
    }

    // The site map lists what exists by now, itself included.
    out.expect("sitemap.html");
    match sitemap_page(ctx, out) {
        Ok((both, _)) => both.into_iter().for_each(|file| out.add(file)),
        Err(ds) => {
            out.retain(|p| p != "sitemap.html");
            errors.extend(ds);
        }
    }

    match &ctx.site.config.base_url {
        Some(base) => {
            let sitemap = sitemap_xml(ctx, base, out);
            out.insert("sitemap.xml".into(), sitemap.into_bytes());
            if let Some(feed) = feed_xml(ctx, base, out) {
                out.insert("feed.xml".into(), feed.into_bytes());
            }
        }
        None => out.notes.push(
            "note: no base URL, so sitemap.xml and feed.xml were skipped (set `base_url` in content/site.yaml or pass --base-url)".into(),
        ),
    }
}

/// A 404 page is served at any URL, so its links cannot be relative: they use the base URL
/// when there is one and the site root otherwise.
fn not_found_page(ctx: &Ctx, care: bool) -> Result<Vec<u8>, Diagnostic> {
    let base = ctx
        .site
        .config
        .base_url
        .as_ref()
        .map(|b| format!("{}/", b.trim_end_matches('/')))
        .unwrap_or_default();
    // With a base URL, absolute links; without one, links relative to the page's own folder
    // (the site root, or care/ for the 关怀版 copy).
    let (root, counterpart) = match (base.is_empty(), care) {
        (true, false) => (String::new(), "care/404.html".to_string()),
        (true, true) => (String::new(), "../404.html".to_string()),
        (false, false) => (base.clone(), format!("{base}care/404.html")),
        (false, true) => (format!("{base}care/"), format!("{base}404.html")),
    };
    let page = PageHead {
        search: format!("{root}search.html"),
        title: "页面未找到".into(),
        root,
        article: None,
        breadcrumbs: vec![],
        canonical: None,
        archived: None,
        care,
        counterpart,
    };
    // Its links differ beyond the head (`page.root`), so each version is a render of its own.
    let rest = context! { site => ctx.site_view.clone() };
    let page = render::PageVersions::one(Value::from(Serde(page)), care, &rest);
    let value = context! { page => Value::from_dyn_object(page.clone()), ..rest };
    render::render_versions(ctx, "404.html", &page, value).map(String::into_bytes)
}

fn robots(ctx: &Ctx) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &ctx.site.config.base_url {
        s.push_str(&format!("Sitemap: {}\n", absolute(base, "sitemap.xml")));
    }
    s
}

/// The 网站地图 in both versions. `serve` renders it again only when its links or the site's
/// settings and theme changed: it lists every page, and rendering, rewriting and scanning
/// it was a tenth of a rebuild after a saved page.
fn sitemap_page(ctx: &Ctx, out: &Output) -> Result<render::incremental::Part, Vec<Diagnostic>> {
    let exists = |l: &Link| out.contains(&l.url);
    let mut groups = vec![LinkGroup {
        title: "网站首页".into(),
        links: vec![
            home(),
            Link {
                title: "网站地图".into(),
                url: "sitemap.html".into(),
            },
            Link {
                title: "更正说明".into(),
                url: corrections::PAGE.into(),
            },
            Link {
                title: "站内搜索".into(),
                url: "search.html".into(),
            },
        ],
    }];
    for e in ctx.editions.iter().rev() {
        let year = e.year;
        let mut links: Vec<Link> = e
            .report
            .iter()
            .map(|r| Link {
                title: r.front.title.clone(),
                url: format!("{year}/index.html"),
            })
            .collect();
        links.extend(e.pages.iter().map(|p| Link {
            title: p.front.title.clone(),
            url: format!("{year}/{}.html", p.slug),
        }));
        links.extend(e.nianbao.iter().map(|n| Link {
            title: n.page.front.title.clone(),
            url: render::nianbao_path(year),
        }));
        links.extend(e.indicators().map(|i| Link {
            title: format!("{}（{year}年）", i.name),
            url: view::indicator_url(year, &i.id),
        }));
        // An archived edition has one when it was frozen with it.
        links.push(Link {
            title: format!("站内搜索（{year}年度）"),
            url: format!("{year}/search.html"),
        });
        groups.push(LinkGroup {
            title: format!("{year}年度"),
            links,
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    let history: Vec<Link> = ctx
        .editions
        .iter()
        .rev()
        .flat_map(|e| e.indicators())
        .filter(|i| seen.insert(i.id.clone()))
        .map(|i| Link {
            title: i.name.clone(),
            url: history_url(&i.id),
        })
        .collect();
    groups.push(LinkGroup {
        title: "指标历年数据".into(),
        links: history,
    });
    let mut data = vec![
        Link {
            title: "全部数据 CSV".into(),
            url: "data/all.csv".into(),
        },
        Link {
            title: "全部数据 JSON".into(),
            url: "data/all.json".into(),
        },
    ];
    for ext in ["csv", "json"] {
        data.push(Link {
            title: format!("历年政府信息公开工作年度报告数据 {}", ext.to_uppercase()),
            url: format!("data/nianbao.{ext}"),
        });
    }
    for e in ctx.editions.iter().rev() {
        for ext in ["csv", "json"] {
            data.push(Link {
                title: format!("{}年度数据 {}", e.year, ext.to_uppercase()),
                url: format!("{}/data.{ext}", e.year),
            });
        }
        for ext in ["csv", "json"] {
            data.push(Link {
                title: format!(
                    "{}年政府信息公开工作年度报告数据 {}",
                    e.year,
                    ext.to_uppercase()
                ),
                url: format!("{}/nianbao.{ext}", e.year),
            });
        }
    }
    groups.push(LinkGroup {
        title: "开放数据".into(),
        links: data,
    });
    groups.push(corrections::kept_versions(out));
    for g in &mut groups {
        g.links.retain(exists);
    }
    groups.retain(|g| !g.links.is_empty());
    let listed: Vec<(&str, Vec<(&str, &str)>)> = groups
        .iter()
        .map(|g| {
            let links = g.links.iter().map(|l| (&*l.title, &*l.url)).collect();
            (&*g.title, links)
        })
        .collect();
    let listed = render::incremental::fingerprint(listed);
    render::cached(
        ctx,
        || "sitemap.html".into(),
        |inputs| render::incremental::fingerprint((inputs.base, listed)),
        |inputs| render::incremental::fingerprint((inputs.base, listed)),
        &|| {
            // Made only when the page is rendered: a view of 11,000 links is not cheap.
            let groups = Value::from(Serde(&groups));
            let files = render::render_page(
                ctx,
                "sitemap.html",
                "sitemap.html",
                |care| render::head(ctx, care, "网站地图", "sitemap.html", None, vec![home()]),
                |page| {
                    context! {
                        site => ctx.site_view.clone(),
                        page,
                        groups => groups.clone(),
                    }
                },
            );
            files.map(|f| (f, Vec::new())).map_err(|d| vec![d])
        },
    )
}

/// `base` + `path`, with exactly one slash between them.
pub fn absolute(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// The publication date of the page at `path`: its edition's, or the newest edition's for
/// site-wide pages. Never the build clock.
fn page_date(ctx: &Ctx, path: &str) -> Option<crate::date::Date> {
    let year: Option<i32> = path.split('/').next().and_then(|y| y.parse().ok());
    match year {
        Some(y) => ctx
            .editions
            .iter()
            .find(|e| e.year == y)
            .map(|e| match &e.nianbao {
                Some(n) if path.ends_with(&format!("/{}", crate::model::nianbao::PAGE)) => {
                    n.page.front.published
                }
                _ => e.front().published,
            }),
        None => ctx.editions.iter().map(|e| e.front().published).max(),
    }
}

/// Every published document of the site that is in `out` (work reports and annual
/// reports), newest first: the feed's entries.
fn documents<'a>(
    ctx: &'a Ctx,
    out: &Output,
) -> Vec<(String, &'a crate::model::config::ReportFront)> {
    let mut docs: Vec<(String, &crate::model::config::ReportFront)> = ctx
        .editions
        .iter()
        .flat_map(|e| {
            let report = e
                .report
                .as_ref()
                .map(|r| (format!("{}/index.html", e.year), &r.front));
            let nianbao = e
                .nianbao
                .as_ref()
                .map(|n| (render::nianbao_path(e.year), &n.page.front));
            report.into_iter().chain(nianbao)
        })
        .filter(|(url, _)| out.contains(url))
        .collect();
    docs.sort_by(|a, b| b.1.published.cmp(&a.1.published).then(b.0.cmp(&a.0)));
    docs
}

fn sitemap_xml(ctx: &Ctx, base: &str, out: &Output) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // The 关怀版 copy under care/ repeats the standard pages, which are the ones to index.
    let pages = out.paths(|p| p.ends_with(".html") && p != "404.html" && !p.starts_with("care/"));
    for path in pages {
        s.push_str(&format!(
            "  <url><loc>{}</loc>",
            escape_xml(&absolute(base, path))
        ));
        if let Some(d) = page_date(ctx, path) {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// An Atom feed of the editions, newest first; None when there is no edition to announce.
fn feed_xml(ctx: &Ctx, base: &str, out: &Output) -> Option<String> {
    let c = &ctx.site.config;
    let documents = documents(ctx, out);
    let updated = documents.iter().map(|(_, f)| f.published).max()?;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape_xml(&c.language)
    ));
    s.push_str(&format!("  <title>{}</title>\n", escape_xml(&c.title)));
    s.push_str(&format!(
        "  <id>{}</id>\n",
        escape_xml(&absolute(base, "index.html"))
    ));
    s.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape_xml(&absolute(base, "feed.xml"))
    ));
    s.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape_xml(&absolute(base, "index.html"))
    ));
    s.push_str(&format!("  <updated>{}</updated>\n", updated.atom_time()));
    s.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape_xml(&c.organization)
    ));
    for (path, f) in documents {
        let url = escape_xml(&absolute(base, &path));
        s.push_str("  <entry>\n");
        s.push_str(&format!("    <title>{}</title>\n", escape_xml(&f.title)));
        s.push_str(&format!("    <id>{url}</id>\n"));
        s.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n"
        ));
        s.push_str(&format!(
            "    <published>{}</published>\n",
            f.published.atom_time()
        ));
        s.push_str(&format!(
            "    <updated>{}</updated>\n",
            f.published.atom_time()
        ));
        s.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape_xml(&f.publisher)
        ));
        let summary = f.summary.clone().unwrap_or_else(|| f.title.clone());
        s.push_str(&format!(
            "    <summary>{}</summary>\n",
            escape_xml(&summary)
        ));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml_and_joins_urls() {
        assert_eq!(
            absolute("https://x.cn/a/", "b.html"),
            "https://x.cn/a/b.html"
        );
        assert_eq!(
            absolute("https://x.cn/a", "b.html"),
            "https://x.cn/a/b.html"
        );
    }
}
