//! Column mode (`build --fragments`): content blocks for a portal CMS, and one ZIP per edition.

use crate::support::{attrs, rows, texts, Project};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

const PREFIX: &str = "gk-";

fn built() -> Project {
    let p = Project::fixture("basic");
    let run = p.run(&["build", "--fragments"]).ok();
    assert!(run.stdout.contains("fragment(s)"), "{}", run.stdout);
    p
}

fn fragment(p: &Project, rel: &str) -> (String, scraper::Html) {
    let text = p.read(&format!("public/fragments/{rel}"));
    let doc = scraper::Html::parse_fragment(&text);
    (text, doc)
}

/// Every class and id starts with the prefix, and the page furniture a portal supplies
/// itself is absent.
#[track_caller]
fn assert_self_contained(text: &str, doc: &scraper::Html) {
    for tag in [
        "<html", "<head", "<body", "<header", "<footer", "<nav", "<link", "<script",
    ] {
        assert!(!text.contains(tag), "fragment has {tag}");
    }
    let sel = scraper::Selector::parse("*").unwrap();
    let mut classes = 0;
    for el in doc.select(&sel) {
        for c in el.value().classes() {
            assert!(c.starts_with(PREFIX), "class {c} without the prefix");
            classes += 1;
        }
        if let Some(id) = el.value().id() {
            assert!(id.starts_with(PREFIX), "id {id} without the prefix");
        }
    }
    assert!(classes > 5, "expected classes in the fragment");
}

#[test]
fn the_edition_fragment_has_metadata_narrative_tables_and_charts() {
    let p = built();
    let (text, doc) = fragment(&p, "2023/index.html");
    assert_self_contained(&text, &doc);

    let meta = rows(&doc, "table.gk-meta-table");
    assert!(
        meta.iter()
            .any(|r| r[..2] == ["索引号".to_string(), "T-2023-01".to_string()]),
        "{meta:?}"
    );
    let narrative = texts(&doc, ".gk-narrative").join(" ");
    assert!(
        narrative.contains("完成就业1100人，目标1000人，完成率110.00％"),
        "{narrative}"
    );
    // Withheld figures stay "*" and the legend explains them.
    assert!(narrative.contains("保密指标*人"), "{narrative}");
    assert!(texts(&doc, ".gk-withheld-note")[0].contains("不予公开"));

    let jobs = rows(&doc, "table.gk-indicators");
    assert!(
        jobs.iter().any(|r| r[0] == "城乡就业" && r[1] == "1100"),
        "{jobs:?}"
    );
    assert!(
        jobs.iter().any(|r| r[0] == "保密指标" && r[1] == "*"),
        "{jobs:?}"
    );

    let charts = attrs(&doc, ".gk-chart img", "src");
    assert_eq!(charts, ["charts/jobs.total.svg"]);
    assert!(!attrs(&doc, ".gk-chart img", "alt")[0].is_empty());
    // In-page links follow the prefixed ids.
    for href in attrs(&doc, "a[href^='#']", "href") {
        let id = &href[1..];
        assert!(
            !texts(&doc, &format!("[id='{id}']")).is_empty(),
            "no element for {href}"
        );
    }
}

#[test]
fn every_indicator_and_page_gets_a_fragment_with_its_charts_beside_it() {
    let p = built();
    for rel in [
        "2023/notes.html",
        "2023/indicators/jobs.total.html",
        "2023/indicators/jobs.secret.html",
    ] {
        let (text, doc) = fragment(&p, rel);
        assert_self_contained(&text, &doc);
    }
    let (_, doc) = fragment(&p, "2023/indicators/jobs.total.html");
    let srcs = attrs(&doc, "figure img", "src");
    assert_eq!(
        srcs,
        [
            "../charts/jobs.total.svg",
            "../charts/jobs.total.series.svg"
        ]
    );
    let svg = p.read("public/fragments/2023/charts/jobs.total.svg");
    let svg = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(svg.root_element().attribute("role"), Some("img"));
    let history = rows(&doc, "table.gk-history");
    assert_eq!(history.len(), 2, "{history:?}");

    let (_, secret) = fragment(&p, "2023/indicators/jobs.secret.html");
    assert!(texts(&secret, ".gk-facts .gk-big").contains(&"*".to_string()));
    assert!(texts(&secret, ".gk-withheld-note")[0].contains("不予公开"));
}

/// A portal page of its own, with a stylesheet that would clash with unprefixed names.
fn portal_page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>部门信息公开</title>\
         <style>.table-scroll,.chart,.narrative,.indicators,.meta-table{{display:none}} table{{width:10px}}</style></head>\
         <body><header class=\"portal-header\">某区人民政府</header><nav class=\"portal-nav\"><a href=\"/\">首页</a></nav>\
         <div id=\"main\" class=\"article-content\">{body}</div><footer>版权所有</footer></body></html>"
    )
}

#[test]
fn a_fragment_pasted_into_a_foreign_page_renders_its_tables_and_charts() {
    let p = built();
    let folder = p.path("public/fragments/2023");
    for (rel, has_tables) in [
        ("index.html", true),
        ("notes.html", false),
        ("indicators/jobs.total.html", true),
    ] {
        let body = std::fs::read_to_string(folder.join(rel)).unwrap();
        let page = portal_page(&body);
        let doc = scraper::Html::parse_document(&page);
        // The fragment's blocks are inside the portal's article box, untouched by its CSS
        // selectors (which name unprefixed classes the fragment never uses).
        for sel in [
            ".table-scroll",
            ".chart",
            ".narrative",
            ".indicators",
            ".meta-table",
        ] {
            let foreign = texts(&doc, &format!(".article-content {sel}"));
            assert!(
                foreign.is_empty(),
                "{rel}: portal CSS {sel} would hit the fragment"
            );
        }
        assert!(!texts(
            &doc,
            ".article-content .gk-fragment .gk-dateline, .article-content .gk-fragment .gk-facts"
        )
        .is_empty());
        if has_tables {
            let tables = rows(&doc, ".article-content .gk-fragment table");
            assert!(
                tables.iter().any(|r| r.iter().any(|c| c == "1100")),
                "{rel}: no figures"
            );
            let charts = attrs(&doc, ".article-content .gk-fragment figure img", "alt");
            assert!(
                !charts.is_empty() && charts.iter().all(|a| !a.is_empty()),
                "{rel}: no charts"
            );
        }
        assert_eq!(texts(&doc, "header").len(), 1, "{rel}: a second header");
        assert_eq!(texts(&doc, "footer").len(), 1, "{rel}: a second footer");
        assert_eq!(texts(&doc, "nav").len(), 1, "{rel}: a second nav");
        // Every relative link and image of the fragment resolves from the fragment's folder.
        let dir = Path::new(rel).parent().unwrap();
        let links: Vec<String> = attrs(&doc, ".article-content [href]", "href")
            .into_iter()
            .chain(attrs(&doc, ".article-content [src]", "src"))
            .collect();
        assert!(!links.is_empty());
        for link in links {
            if link.starts_with('#') || link.starts_with("http") {
                continue;
            }
            let (path, _) = link.split_once('#').unwrap_or((&link, ""));
            let target = folder.join(dir).join(path);
            assert!(target.is_file(), "{rel}: {link} does not resolve");
            assert!(
                target
                    .canonicalize()
                    .unwrap()
                    .starts_with(folder.canonicalize().unwrap()),
                "{rel}: {link} leaves the edition folder"
            );
        }
    }
}

#[test]
fn links_to_other_pages_become_absolute_with_a_base_url_or_plain_text_without() {
    let p = built();
    let (_, doc) = fragment(&p, "2023/indicators/jobs.total.html");
    // The 2022 row links to another edition: no base URL, so plain text.
    let hrefs = attrs(&doc, "a[href]", "href");
    assert!(hrefs.iter().all(|h| !h.contains("2022")), "{hrefs:?}");
    assert!(texts(&doc, "table.gk-history th a").contains(&"2022年".to_string()));

    p.run(&[
        "build",
        "--fragments",
        "--base-url",
        "https://www.example.gov.cn/gk/",
    ])
    .ok();
    let (_, doc) = fragment(&p, "2023/indicators/jobs.total.html");
    let hrefs = attrs(&doc, "table.gk-history th a", "href");
    assert_eq!(
        hrefs,
        [
            "https://www.example.gov.cn/gk/2022/indicators/jobs.total.html",
            "jobs.total.html"
        ]
    );
}

/// The entries of a ZIP archive, read with nothing but the format description: the central
/// directory, then each local header and its deflated data, checked against its CRC.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
    let end = bytes.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "no end of central directory");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    let mut out = BTreeMap::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50);
        let crc = u32_at(at + 16) as u32;
        let packed = u32_at(at + 20);
        let size = u32_at(at + 24);
        let name_len = u16_at(at + 28);
        let extra = u16_at(at + 30);
        let comment = u16_at(at + 32);
        let local = u32_at(at + 42);
        let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(u32_at(local), 0x0403_4b50);
        assert_eq!(u16_at(local + 8), 8, "deflate");
        let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let mut plain = Vec::new();
        flate2::read::DeflateDecoder::new(&bytes[data..data + packed])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain.len(), size);
        assert_eq!(crc32fast::hash(&plain), crc, "{name}: bad CRC");
        out.insert(name, plain);
        at += 46 + name_len + extra + comment;
    }
    out
}

#[test]
fn one_deterministic_zip_per_edition_holds_the_fragments_and_their_files() {
    let p = built();
    let first = std::fs::read(p.path("public/fragments/2023.zip")).unwrap();
    p.run(&["build", "--fragments"]).ok();
    let second = std::fs::read(p.path("public/fragments/2023.zip")).unwrap();
    assert!(first == second, "two builds gave different ZIPs");

    let entries = unzip(&first);
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for name in [
        "index.html",
        "notes.html",
        "indicators/jobs.total.html",
        "charts/jobs.total.svg",
        "data.csv",
    ] {
        assert!(entries.contains_key(name), "{name} missing from {names:?}");
    }
    // The ZIP holds exactly the fragment folder.
    let folder = p.path("public/fragments/2023");
    let on_disk = crate::support::output_files(&folder);
    assert_eq!(on_disk.len(), entries.len());
    for (name, bytes) in on_disk {
        assert_eq!(entries.get(&name), Some(&bytes), "{name} differs");
    }
    // Every entry dated 2023-12-20 (the edition's published date), 00:00.
    let dos_date = ((2023 - 1980) << 9) | (12 << 5) | 20;
    assert_eq!(u16::from_le_bytes([first[12], first[13]]), dos_date);
    assert!(p.path("public/fragments/2022.zip").is_file());
}

#[test]
fn without_the_flag_no_fragments_are_written() {
    let p = Project::fixture("basic");
    p.build();
    assert!(!p.path("public/fragments").exists());
}

/// The annual report goes into the portal's column too: its fragment holds the tables with
/// every `headers` reference still pointing at a heading of the fragment, and the charts it
/// shows are uploaded beside it.
#[test]
fn the_annual_report_fragment_keeps_its_tables_whole() {
    let p = Project::example();
    p.run(&["build", "--fragments"]).ok();
    let (text, doc) = fragment(&p, "2023/nianbao.html");
    assert_self_contained(&text, &doc);
    let ids: std::collections::BTreeSet<String> = attrs(&doc, "[id]", "id").into_iter().collect();
    let headers = attrs(&doc, "td[headers]", "headers");
    // Tables 三 and 四 have merged headings, so each cell lists its headings; table 二's
    // simple grids use `scope`.
    assert_eq!(
        headers.len(),
        25 * 7 + 15,
        "one cell per figure of tables 三 and 四"
    );
    for h in &headers {
        for id in h.split_whitespace() {
            assert!(
                ids.contains(id),
                "headers names `{id}`, which the fragment lacks"
            );
        }
    }
    let sections = texts(&doc, "h2");
    for numeral in ["一、", "二、", "三、", "四、", "五、", "六、"] {
        assert!(
            sections.iter().any(|h| h.starts_with(numeral)),
            "{numeral} missing from {sections:?}"
        );
    }
    for src in attrs(&doc, "img", "src") {
        assert!(
            p.path(&format!("public/fragments/2023/{src}")).is_file(),
            "{src} is not beside the fragment"
        );
    }
}
