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
    // Every HTML page but the 404 is listed (the 关怀版 copy has a site map of its own).
    for (path, _) in p.output_files() {
        if path.ends_with(".html") && path != "404.html" && !path.starts_with("care/") {
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
        .filter(|(n, _)| n.ends_with(".html") && !n.starts_with("care/"))
        .count();
    assert_eq!(
        locs.len(),
        html_pages - 1,
        "every standard page but the 404"
    );
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

    // Every absolute link of both 404 pages names a file the site has: the 关怀版 404 links
    // its pages under care/ but the stylesheets, which exist once, at the standard paths.
    for page in ["404.html", "care/404.html"] {
        let html = p.html(page);
        let links: Vec<String> = attrs(&html, "link[href]", "href")
            .into_iter()
            .chain(attrs(&html, "a[href]", "href"))
            .collect();
        let stylesheets = attrs(&html, "link[rel=stylesheet]", "href");
        assert!(!stylesheets.is_empty(), "{page} has no stylesheet");
        for link in links
            .iter()
            .filter_map(|l| l.strip_prefix(&format!("{base}/")))
        {
            let path = link.split('#').next().unwrap();
            assert!(
                p.dir.path().join("public").join(path).is_file(),
                "{page} links {base}/{link}, which the site does not have"
            );
        }
    }
}

fn child<'a, 'input>(n: roxmltree::Node<'a, 'input>, name: &str) -> roxmltree::Node<'a, 'input> {
    n.children()
        .find(|c| c.has_tag_name(("http://www.w3.org/2005/Atom", name)))
        .unwrap()
}

/// The fixture without its 2024 draft, so `new 2024` starts from the published 2023 edition.
fn published_only() -> Project {
    let p = Project::fixture("basic");
    std::fs::remove_dir_all(p.path("content/2024")).unwrap();
    p
}

#[test]
fn new_scaffolds_the_next_edition_with_placeholders_check_reports() {
    let p = published_only();
    let run = p.run(&["new", "2024"]).ok();
    assert!(
        run.stdout.contains("created content/2024/"),
        "{}",
        run.stdout
    );

    let yaml = p.read("content/2024/indicators.yaml");
    let ids = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.trim_start().strip_prefix("- id: "))
            .map(|id| id.trim_matches('"').to_string())
            .collect()
    };
    let old = ids(&p.read("content/2023/indicators.yaml"));
    assert!(old.len() > 5);
    assert_eq!(ids(&yaml), old);
    assert!(!yaml.contains("1100"), "values are emptied");
    let report = p.read("content/2024/report.md");
    assert!(report.contains("status: draft"));
    assert!(report.contains("published: 2024-12-31"));
    let old_headings: Vec<String> = p
        .read("content/2023/report.md")
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(String::from)
        .collect();
    let new_headings: Vec<&str> = report.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(new_headings.len(), old_headings.len());
    assert!(!new_headings.is_empty());

    // Every placeholder is an error at its own line, in check and build alike.
    let first = yaml
        .lines()
        .position(|l| l.trim_start().starts_with("value: ~"))
        .unwrap()
        + 1;
    let last = yaml
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.trim_start().starts_with("value: ~"))
        .unwrap()
        + 1;
    let check = p.run(&["check", "--drafts"]);
    check.fails_at("E031", &format!("content/2024/indicators.yaml:{first}:9"));
    check.fails_at("E031", &format!("content/2024/indicators.yaml:{last}:9"));
    assert!(check.stderr.contains("待填报"));
    p.run(&["build"])
        .fails_at("E031", &format!("content/2024/indicators.yaml:{first}:9"));
    assert!(!p.path("public").exists());

    // Refuses to overwrite.
    let again = p.run(&["new", "2024"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("content/2024/ already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(p.read("content/2024/indicators.yaml"), yaml);

    // Filled in, it checks clean.
    p.write("content/2024/indicators.yaml", &fill(&yaml));
    p.run(&["check", "--drafts"]).ok();
}

#[test]
fn archive_freezes_an_edition_that_later_builds_copy_verbatim() {
    let p = published_only();
    p.run(&["new", "2024"]).ok();
    let yaml = p.read("content/2024/indicators.yaml");
    p.write("content/2024/indicators.yaml", &fill(&yaml));
    p.edit(
        "content/2024/report.md",
        "status: draft",
        "status: published",
    );
    p.build();

    let draft = p.run(&["archive", "2025"]);
    assert_eq!(draft.code, 1);
    let run = p.run(&["archive", "2023"]).ok();
    assert!(run.stdout.contains("archive/2023/"), "{}", run.stdout);
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("archive/2023/manifest.json")).unwrap();
    assert_eq!(manifest["frozen"], "2023-12-20");
    assert_eq!(manifest["edition"], 2023);
    assert_eq!(manifest["gongkai_version"], env!("CARGO_PKG_VERSION"));
    let files = manifest["files"].as_array().unwrap();
    let index = files.iter().find(|f| f["path"] == "index.html").unwrap();
    let bytes = std::fs::read(p.path("archive/2023/index.html")).unwrap();
    assert_eq!(index["size"], bytes.len());
    assert_eq!(index["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "content/2023/indicators.yaml"));
    let again = p.run(&["archive", "2023"]);
    assert_eq!(again.code, 1, "never overwrites an archive");

    // The 已归档 note is part of the frozen pages and links to the manifest.
    let archived =
        scraper::Html::parse_document(&p.read("archive/2023/indicators/jobs.total.html"));
    assert!(texts(&archived, ".archived-note")[0].contains("已归档"));
    assert_eq!(
        attrs(&archived, ".archived-note a", "href"),
        ["../../2023/manifest.json"]
    );

    // A theme change alters every other page but not the archived edition.
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\ntheme: plain",
    );
    p.write(
        "themes/plain/templates/partials/footer.html",
        "<footer class=\"site-footer\"><p>新主题页脚</p><a href=\"{{ page.root }}sitemap.html\">网站地图</a></footer>",
    );
    p.build();
    assert!(p.read("public/2024/index.html").contains("新主题页脚"));
    let archive_files = crate::support::output_files(&p.path("archive/2023"));
    assert!(archive_files.len() > 10);
    for (name, bytes) in &archive_files {
        assert_eq!(
            &std::fs::read(p.path(&format!("public/2023/{name}"))).unwrap(),
            bytes,
            "public/2023/{name} differs from the archive"
        );
    }
    assert!(!p.read("public/2023/index.html").contains("新主题页脚"));
    let checked = assert_links_resolve(&p.path("public"));
    assert!(checked > 100);
    let ok = p.run(&["verify"]).ok();
    assert!(ok.stdout.contains("every file matches"), "{}", ok.stdout);
    p.run(&["verify", "archive"]).ok();
    p.run(&["verify", "archive/2023"]).ok();

    // Tampering with one byte is caught and named; so are missing and extra files.
    let page = p.path("public/2023/indicators/jobs.rate.html");
    let mut bytes = std::fs::read(&page).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&page, bytes).unwrap();
    std::fs::remove_file(p.path("public/2023/data.csv")).unwrap();
    p.write("public/2023/extra.html", "x");
    let bad = p.run(&["verify"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("changed: 2023/indicators/jobs.rate.html"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("missing: 2023/data.csv"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("extra: 2023/extra.html"),
        "{}",
        bad.stderr
    );
    p.run(&["verify", "archive"]).ok();
}

#[test]
fn editing_an_archived_edition_is_reported_and_does_not_change_the_site() {
    let p = published_only();
    p.run(&["archive", "2023", "--date", "2024-01-05"]).ok();
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("archive/2023/manifest.json")).unwrap();
    assert_eq!(manifest["frozen"], "2024-01-05");
    p.edit(
        "content/2023/indicators.yaml",
        "value: 1234.5",
        "value: 1300",
    );
    let check = p.run(&["check"]).ok();
    assert!(check.stdout.contains("warning[W011]"), "{}", check.stdout);
    assert!(
        check.stdout.contains("--> content/2023/indicators.yaml"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("undo the edit"), "{}", check.stdout);
    let strict = p.run(&["check", "--strict"]);
    assert_eq!(strict.code, 1);
    p.build();
    let rows = rows(&p.html("2023/indicators/money.loan.html"), "table.history");
    assert_eq!(
        rows.last().unwrap()[1],
        "1234.50",
        "the archived figure stays"
    );
    let bad_date = p.run(&["archive", "2022", "--date", "2024-13-01"]);
    assert_eq!(bad_date.code, 1);
    assert!(bad_date.stderr.contains("YYYY-MM-DD"));
}

#[test]
fn verify_without_a_manifest_fails() {
    let p = published_only();
    p.build();
    let run = p.run(&["verify"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no manifest.json"), "{}", run.stderr);
}

#[test]
fn archiving_is_reproducible() {
    let a = published_only();
    let b = published_only();
    a.run(&["archive", "2023"]).ok();
    b.run(&["archive", "2023"]).ok();
    let files = crate::support::output_files(&a.path("archive"));
    assert!(files.iter().any(|(n, _)| n == "2023/manifest.json"));
    assert_eq!(files, crate::support::output_files(&b.path("archive")));
}

/// Fills every 待填报 placeholder so the edition checks clean: 5 for each figure, and the
/// total of jobs.total's two parts for jobs.total itself.
fn fill(yaml: &str) -> String {
    yaml.replace("value: ~  # 待填报", "value: 5")
        .replacen("value: 5", "value: 10", 1)
}

#[test]
fn amend_publishes_a_correction_and_keeps_the_replaced_version_reachable() {
    let p = published_only();
    p.run(&["archive", "2023"]).ok();
    let nothing = p.run(&["archive", "2023", "--amend", "--note", "无变化"]);
    assert_eq!(nothing.code, 1, "a correction needs a change");
    assert!(
        nothing.stderr.contains("nothing changed"),
        "{}",
        nothing.stderr
    );
    let not_archived = p.run(&["archive", "2022", "--amend", "--note", "x"]);
    assert_eq!(not_archived.code, 1);
    assert!(not_archived.stderr.contains("not archived"));

    p.edit(
        "content/2023/indicators.yaml",
        "value: 1234.5",
        "value: 1300",
    );
    let note = "贷款发放额由1234.5万元更正为1300万元（<统计口径>）";
    let run = p
        .run(&[
            "archive",
            "2023",
            "--amend",
            "--note",
            note,
            "--date",
            "2024-03-01",
        ])
        .ok();
    assert!(run.stdout.contains("archive/2023-v1/"), "{}", run.stdout);

    let current: serde_json::Value =
        serde_json::from_str(&p.read("archive/2023/manifest.json")).unwrap();
    assert_eq!(current["frozen"], "2023-12-20", "the freezing date stays");
    let c = &current["corrections"][0];
    assert_eq!(c["date"], "2024-03-01");
    assert_eq!(c["note"], note);
    assert_eq!(c["previous"], "2023-v1");
    let changed: Vec<&str> = c["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        changed.contains(&"indicators/money.loan.html"),
        "{changed:?}"
    );
    assert!(changed.contains(&"data.csv"), "{changed:?}");
    assert!(
        !changed.contains(&"indicators/jobs.rate.html"),
        "{changed:?}"
    );
    let previous: serde_json::Value =
        serde_json::from_str(&p.read("archive/2023-v1/manifest.json")).unwrap();
    assert_eq!(previous["superseded"]["current"], "2023");
    assert_eq!(previous["superseded"]["date"], "2024-03-01");

    // No W011 any more: the edit is now a published correction.
    let check = p.run(&["check"]).ok();
    assert!(!check.stdout.contains("W011"), "{}", check.stdout);
    p.build();

    // The amended page: the new figure and the 更正说明 box with date and note at the top.
    let page = p.html("2023/indicators/money.loan.html");
    assert_eq!(rows(&page, "table.history").last().unwrap()[1], "1300.00");
    let boxes = texts(&page, "main > .correction-note");
    assert_eq!(boxes.len(), 1);
    assert!(boxes[0].contains("更正说明"), "{}", boxes[0]);
    assert!(boxes[0].contains("2024年3月1日"), "{}", boxes[0]);
    assert!(boxes[0].contains(note), "{}", boxes[0]);
    assert_eq!(
        attrs(&page, ".correction-note a", "href"),
        [
            "../../2023-v1/indicators/money.loan.html",
            "../../corrections.html"
        ]
    );
    // A page the correction did not touch has no box.
    assert!(texts(
        &p.html("2023/indicators/jobs.rate.html"),
        ".correction-note"
    )
    .is_empty());

    // The replaced version: the old figure, marked 已更正, linked to the current page.
    let old = p.html("2023-v1/indicators/money.loan.html");
    assert_eq!(rows(&old, "table.history").last().unwrap()[1], "1234.50");
    let mark = texts(&old, "main > .superseded-note");
    assert_eq!(mark.len(), 1);
    assert!(mark[0].contains("已更正"), "{}", mark[0]);
    assert!(attrs(&old, ".superseded-note a", "href")
        .contains(&"../../2023/indicators/money.loan.html".to_string()));
    assert_eq!(
        attrs(&old, ".archived-note a", "href"),
        ["../../2023-v1/manifest.json"],
        "the old pages' 已归档 note points at their own manifest"
    );
    assert!(texts(
        &p.html("2023-v1/indicators/jobs.rate.html"),
        ".superseded-note"
    )[0]
    .contains("已更正"));

    // The corrections list page, linked from footers and the site map.
    let list = p.html("corrections.html");
    let items = texts(&list, ".correction-list li");
    assert_eq!(items.len(), 1);
    assert!(items[0].contains(note) && items[0].contains("2024年3月1日"));
    assert!(attrs(&p.html("2022/index.html"), "footer a", "href")
        .contains(&"../corrections.html".to_string()));
    let map = attrs(&p.html("sitemap.html"), "main a", "href");
    assert!(map.contains(&"corrections.html".to_string()));
    assert!(map.contains(&"2023-v1/indicators/money.loan.html".to_string()));

    let checked = assert_links_resolve(&p.path("public"));
    assert!(checked > 100);
    let verified = p.run(&["verify"]).ok();
    // 2023 and 2023-v1 (the 关怀版 copy under care/ holds pages only).
    assert!(
        verified.stdout.contains("2 manifest(s)"),
        "{}",
        verified.stdout
    );
    p.run(&["verify", "archive"]).ok();

    // A second correction keeps both earlier versions and lists both on the page.
    p.edit("content/2023/indicators.yaml", "value: 1300", "value: 1310");
    p.run(&[
        "archive",
        "2023",
        "--amend",
        "--note",
        "再次更正",
        "--date",
        "2024-04-01",
    ])
    .ok();
    p.build();
    let page = p.html("2023/indicators/money.loan.html");
    assert_eq!(texts(&page, ".correction-note li").len(), 2);
    assert_eq!(
        texts(&p.html("corrections.html"), ".correction-list li").len(),
        2
    );
    assert!(p.path("public/2023-v1/index.html").is_file());
    assert_eq!(
        rows(
            &p.html("2023-v2/indicators/money.loan.html"),
            "table.history"
        )
        .last()
        .unwrap()[1],
        "1300.00"
    );
    assert_links_resolve(&p.path("public"));
    p.run(&["verify"]).ok();
    p.run(&["verify", "archive"]).ok();
}

#[test]
fn bundle_unpacked_anywhere_has_every_link_resolving() {
    let p = published_only();
    let refused = p.run(&["bundle", "2023"]);
    assert_eq!(refused.code, 1, "only an archived edition is bundled");
    assert!(
        refused.stderr.contains("gongkai archive 2023"),
        "{}",
        refused.stderr
    );
    p.run(&["archive", "2023"]).ok();
    p.edit(
        "content/2023/indicators.yaml",
        "value: 1234.5",
        "value: 1300",
    );
    p.run(&[
        "archive",
        "2023",
        "--amend",
        "--note",
        "贷款数据更正",
        "--date",
        "2024-03-01",
    ])
    .ok();
    let run = p.run(&["bundle", "2023", "--out", "a.tar.gz"]).ok();
    assert!(run.stdout.contains("a.tar.gz"), "{}", run.stdout);
    p.run(&["bundle", "2023", "--out", "b.tar.gz"]).ok();
    let bytes = std::fs::read(p.path("a.tar.gz")).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(p.path("b.tar.gz")).unwrap(),
        "deterministic"
    );

    let fresh = tempfile::tempdir().unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        assert_eq!(entry.header().uid().unwrap(), 0);
        names.push(entry.path().unwrap().to_string_lossy().into_owned());
    }
    assert!(
        names.iter().all(|n| n.starts_with("gongkai-2023/")),
        "{names:?}"
    );
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    archive.unpack(fresh.path()).unwrap();
    let dir = fresh.path().join("gongkai-2023");
    for file in [
        "2023/index.html",
        "2023/manifest.json",
        "2023/charts/jobs.total.svg",
        "2023/data.csv",
        "2023-v1/index.html",
        "static/style.css",
    ] {
        assert!(dir.join(file).is_file(), "the bundle lacks {file}");
    }
    assert!(
        !dir.join("2022/index.html").exists() || {
            // Pages of other editions are only stand-ins that say where they are published.
            std::fs::read_to_string(dir.join("2022/index.html"))
                .unwrap()
                .contains("不在2023年度归档包内")
        }
    );
    let checked = assert_links_resolve(&dir);
    assert!(checked > 100, "only {checked} links checked");
    // The frozen files are exactly what was archived: verify passes on the unpacked copy.
    let verified = p.run(&["verify", dir.to_str().unwrap()]).ok();
    assert!(
        verified.stdout.contains("2 manifest(s)"),
        "{}",
        verified.stdout
    );
}

/// Most departments publish the annual disclosure report and no work report: an edition of
/// nianbao.md and nianbao.yaml alone is a whole edition. Its report is the edition's page
/// (navigation, home page, feed and site map lead there) and nothing links to the work
/// report's pages it does not have.
#[test]
fn an_edition_may_hold_the_annual_report_alone() {
    let p = Project::example();
    for year in ["2021", "2022", "2023"] {
        for f in ["report.md", "indicators.yaml", "plan.md"] {
            let path = p.path(&format!("content/{year}/{f}"));
            if path.exists() {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    let run = p
        .run(&["build", "--base-url", "https://www.example.gov.cn/rsj/"])
        .ok();
    assert!(run.stdout.contains("built 3 edition(s)"), "{}", run.stdout);
    for year in ["2021", "2022", "2023"] {
        assert!(p.path(&format!("public/{year}/nianbao.html")).is_file());
        assert!(!p.path(&format!("public/{year}/index.html")).exists());
        assert!(!p.path(&format!("public/{year}/data.csv")).exists());
    }
    let home = p.html("index.html");
    let nav = crate::support::attrs(&home, "nav.site-nav a", "href");
    assert!(nav.contains(&"2023/nianbao.html".to_string()), "{nav:?}");
    assert_eq!(
        crate::support::texts(&home, "h1"),
        ["青川区人力资源和社会保障局政府信息公开工作年度报告"]
    );
    let listed = crate::support::attrs(&home, "main ol a", "href");
    assert_eq!(
        listed,
        [
            "2023/nianbao.html",
            "2022/nianbao.html",
            "2021/nianbao.html"
        ],
        "the reports once, newest first, and no list of work reports"
    );
    // The report's own breadcrumbs end at the home page: it is the edition's page.
    let crumbs = crate::support::attrs(&p.html("2023/nianbao.html"), "nav.breadcrumb a", "href");
    assert_eq!(crumbs, ["../index.html"]);
    let feed = p.read("public/feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(feed.contains("<id>https://www.example.gov.cn/rsj/2023/nianbao.html</id>"));
    let sitemap = p.read("public/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://www.example.gov.cn/rsj/2023/nianbao.html</loc><lastmod>2024-01-19</lastmod>"
    ));
    assert!(!sitemap.contains("index.html</loc><lastmod>2023"));
    crate::support::assert_links_resolve(&p.path("public"));

    // The next edition is started the same way: an annual report, no work report.
    let run = p.run(&["new", "2024"]).ok();
    assert!(
        run.stdout.contains("an annual report only"),
        "{}",
        run.stdout
    );
    assert!(p.path("content/2024/nianbao.yaml").is_file());
    assert!(p.path("content/2024/nianbao.md").is_file());
    assert!(!p.path("content/2024/report.md").exists());
    assert!(!p.path("content/2024/indicators.yaml").exists());
}

/// A draft annual report is left out of the later reports' year-over-year table and charts,
/// as it is left out of everything else published.
#[test]
fn a_draft_annual_report_is_not_in_a_later_reports_trend() {
    let p = Project::example();
    p.edit(
        "content/2022/nianbao.md",
        "status: published",
        "status: draft",
    );
    p.build();
    let doc = p.html("2023/nianbao.html");
    let years: Vec<String> = texts(&doc, "section[aria-labelledby=nb-trend] table tbody th");
    assert_eq!(years, ["2021年", "2023年"]);
    let desc = p.read("public/2023/charts/nianbao-new.svg");
    assert!(desc.contains("2021—2023年"), "{desc}");
    assert!(
        !desc.contains("、32件、"),
        "2022's 32 new requests are not drawn"
    );
}
