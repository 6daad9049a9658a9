//! Yearly editions and publishing: cross-edition indicator pages, open data for everything,
//! 404/robots/网站地图, sitemap.xml and the Atom feed with absolute URLs.

use crate::support::{assert_links_resolve, attrs, rows, texts, Project};

const BASE: &str = "https://www.example.gov.cn/bm/rsj/";

#[test]
fn cross_edition_indicator_page_and_csv_cover_every_edition() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("indicators/jobs.total.html");
    let years: Vec<String> = rows(&doc, "table.history")
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(years, ["2022年", "2023年"]);
    assert_eq!(rows(&doc, "table.history")[1][1], "1100");
    // The latest edition's history chart is shown and linked.
    assert!(attrs(&doc, "figure img", "src").contains(&"../2023/charts/jobs.total.svg".to_string()));
    // Each edition's indicator page links back to the cross-edition page.
    let edition_page = p.html("2023/indicators/jobs.total.html");
    assert!(
        attrs(&edition_page, "a", "href").contains(&"../../indicators/jobs.total.html".to_string())
    );

    let csv_text = p.read("public/indicators/jobs.total.csv");
    assert!(csv_text.starts_with('\u{feff}'));
    let mut r = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(&recs[1][0], "2023");
    assert_eq!(&recs[1][3], "jobs.total");
    assert_eq!(&recs[1][6], "1100");
}

#[test]
fn all_data_keeps_withheld_figures_withheld() {
    let p = Project::fixture("basic");
    p.build();
    let csv_text = p.read("public/data/all.csv");
    assert!(csv_text.starts_with('\u{feff}'));
    let mut r = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let secret = recs
        .iter()
        .find(|r| &r[0] == "2023" && &r[3] == "jobs.secret")
        .unwrap();
    assert_eq!(&secret[6], "*");
    assert_eq!(&secret[7], "*");
    assert!(recs.iter().any(|r| &r[0] == "2022"));
    assert!(!recs.iter().any(|r| &r[0] == "2024"), "drafts stay out");

    let json: serde_json::Value = serde_json::from_str(&p.read("public/data/all.json")).unwrap();
    let editions = json["editions"].as_array().unwrap();
    assert_eq!(editions.len(), 2);
    let secret = editions[1]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "jobs.secret")
        .unwrap();
    assert!(secret["value"].is_null());
    assert_eq!(secret["withheld"], true);
    for file in [
        "public/data/all.csv",
        "public/data/all.json",
        "public/indicators/jobs.secret.csv",
        "public/indicators/jobs.secret.html",
    ] {
        let text = p.read(file);
        for leaked in ["876543", "765432", "987654"] {
            assert!(!text.contains(leaked), "{file} leaks {leaked}");
        }
    }
}

#[test]
fn not_found_robots_and_site_map_page() {
    let p = Project::fixture("basic");
    let run = p.build();
    assert!(
        run.stdout.contains("sitemap.xml and feed.xml were skipped"),
        "{}",
        run.stdout
    );
    assert!(!p.path("public/sitemap.xml").exists());
    assert!(!p.path("public/feed.xml").exists());
    assert!(p.read("public/robots.txt").contains("User-agent: *"));
    assert_eq!(texts(&p.html("404.html"), "h1"), ["页面未找到"]);

    let map = p.html("sitemap.html");
    let links = attrs(&map, "main a", "href");
    for page in [
        "index.html",
        "2023/index.html",
        "2023/notes.html",
        "2022/indicators/jobs.total.html",
        "indicators/jobs.total.html",
        "data/all.csv",
    ] {
        assert!(links.contains(&page.to_string()), "网站地图 lacks {page}");
    }
    // Every HTML page but the 404 is listed.
    for (path, _) in p.output_files() {
        if path.ends_with(".html") && path != "404.html" {
            assert!(links.contains(&path), "网站地图 lacks {path}");
        }
    }
    // The footer of every page links to it.
    let home = p.html("2023/indicators/jobs.total.html");
    assert!(attrs(&home, "footer a", "href").contains(&"../../sitemap.html".to_string()));
    let checked = assert_links_resolve(&p.path("public"));
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn sitemap_and_feed_are_xml_with_absolute_urls() {
    let p = Project::fixture("basic");
    p.edit(
        "content/2023/report.md",
        "summary: 测试概述。",
        "summary: 就业 <增长> & \"稳定\"",
    );
    let run = p.run(&["build", "--base-url", BASE]).ok();
    assert!(!run.stdout.contains("skipped"), "{}", run.stdout);
    let base = BASE.trim_end_matches('/');

    let sitemap = p.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(ns));
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&format!("{base}/index.html").as_str()));
    assert!(locs.contains(&format!("{base}/2023/indicators/jobs.total.html").as_str()));
    assert!(locs.contains(&format!("{base}/indicators/jobs.total.html").as_str()));
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
    assert!(locs.iter().all(|l| l.starts_with(base)));
    let html_pages = p
        .output_files()
        .iter()
        .filter(|(n, _)| n.ends_with(".html"))
        .count();
    assert_eq!(locs.len(), html_pages - 1);
    let lastmod: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "lastmod")))
        .filter_map(|n| n.text())
        .collect();
    assert!(lastmod.contains(&"2023-12-20"), "{lastmod:?}");

    let feed = p.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(entries.len(), 2, "two published editions");

    let first = &entries[0];
    assert_eq!(
        child(*first, "id").text(),
        Some(format!("{base}/2023/index.html").as_str())
    );
    assert_eq!(
        child(*first, "link").attribute("href"),
        Some(format!("{base}/2023/index.html").as_str())
    );
    assert_eq!(
        child(*first, "updated").text(),
        Some("2023-12-20T00:00:00+08:00")
    );
    assert_eq!(
        child(*first, "summary").text(),
        Some("就业 <增长> & \"稳定\"")
    );
    assert!(p
        .read("public/robots.txt")
        .contains(&format!("Sitemap: {base}/sitemap.xml")));

    // Links stay relative even with a base URL; the 404 page alone is absolute.
    let edition = p.html("2023/index.html");
    assert!(attrs(&edition, "a[href]", "href")
        .iter()
        .all(|h| !h.starts_with(base)));
    assert!(attrs(&p.html("404.html"), "main a", "href").contains(&format!("{base}/sitemap.html")));
}

fn child<'a, 'input>(n: roxmltree::Node<'a, 'input>, name: &str) -> roxmltree::Node<'a, 'input> {
    n.children()
        .find(|c| c.has_tag_name(("http://www.w3.org/2005/Atom", name)))
        .unwrap()
}
