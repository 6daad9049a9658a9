//! 站内搜索 (issue 14): the indexes read back as the browser's runtime reads them — manifest,
//! term chunks, page groups —, what they hold and what they must never hold, the search pages
//! and the header's search box.

use crate::support::{attrs, texts, Project};
use serde_json::Value;
use std::collections::BTreeMap;

/// The manifest of the index in `dir` (e.g. `2023/search/`).
fn manifest(p: &Project, dir: &str) -> Value {
    let text = p.read(&format!("public/{dir}index.js"));
    let json = text
        .strip_prefix("gk.index(")
        .and_then(|t| t.strip_suffix(");\n"))
        .expect("gk.index(…);");
    serde_json::from_str(json).unwrap()
}

/// The data a chunk file hands to `gk.chunk`, checked to carry the file's own name.
fn chunk(p: &Project, dir: &str, file: &str) -> Value {
    let text = p.read(&format!("public/{dir}{file}"));
    let name = file.strip_suffix(".js").unwrap();
    let json = text
        .strip_prefix(&format!("gk.chunk(\"{name}\","))
        .and_then(|t| t.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{file} is not gk.chunk(\"{name}\", …);"));
    serde_json::from_str(json).unwrap()
}

/// An index read whole: its manifest, every term's postings (page → field mask) and every
/// page's row [url, title, date, section, figure, text], by page number.
struct Index {
    manifest: Value,
    terms: BTreeMap<String, Vec<(usize, u8)>>,
    rows: Vec<Value>,
}

fn read_index(p: &Project, dir: &str) -> Index {
    let manifest = manifest(p, dir);
    assert_eq!(manifest["format"], 1);
    assert_eq!(manifest["dir"], dir);
    let mut terms = BTreeMap::new();
    let mut previous: Option<Vec<u16>> = None;
    for c in manifest["chunks"].as_array().unwrap() {
        let data = chunk(p, dir, c[2].as_str().unwrap());
        let data = data.as_str().unwrap();
        let file_len =
            std::fs::metadata(p.path(&format!("public/{dir}{}", c[2].as_str().unwrap())))
                .unwrap()
                .len();
        assert_eq!(
            c[3].as_u64().unwrap(),
            file_len,
            "the manifest gives the chunk's size"
        );
        let lines: Vec<&str> = data.split('\n').collect();
        assert_eq!(lines[0].split('\t').next().unwrap(), c[0]);
        assert_eq!(lines.last().unwrap().split('\t').next().unwrap(), c[1]);
        for line in lines {
            let (term, list) = line.split_once('\t').unwrap();
            // Sorted as JavaScript compares strings: by UTF-16 code units.
            let units: Vec<u16> = term.encode_utf16().collect();
            assert!(
                previous.as_ref().is_none_or(|p| *p < units),
                "{term} out of order"
            );
            previous = Some(units);
            let mut page = 0;
            let postings = list
                .split(',')
                .map(|entry| {
                    let mask = entry.as_bytes()[0] - b'0';
                    assert!((1..=7).contains(&mask), "{entry}");
                    page += usize::from_str_radix(&entry[1..], 36).unwrap();
                    (page, mask)
                })
                .collect();
            terms.insert(term.to_string(), postings);
        }
    }
    let mut rows = Vec::new();
    for g in manifest["groups"].as_array().unwrap() {
        assert_eq!(g[0].as_u64().unwrap() as usize, rows.len());
        rows.extend(
            chunk(p, dir, g[1].as_str().unwrap())
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
    }
    assert_eq!(manifest["pages"].as_u64().unwrap() as usize, rows.len());
    Index {
        manifest,
        terms,
        rows,
    }
}

impl Index {
    fn page(&self, url: &str) -> usize {
        self.rows
            .iter()
            .position(|r| r[0] == url)
            .unwrap_or_else(|| panic!("{url} is not in the index"))
    }

    /// The field mask of `term` on page `url`, if the page holds it.
    fn mask(&self, term: &str, url: &str) -> Option<u8> {
        let page = self.page(url);
        self.terms
            .get(term)?
            .iter()
            .find(|(p, _)| *p == page)
            .map(|(_, m)| *m)
    }
}

/// Every page of the standard site under `prefix`, as the index lists them.
fn pages_under(p: &Project, prefix: &str) -> Vec<String> {
    let mut pages: Vec<String> = p
        .output_files()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|n| n.starts_with(prefix) && n.ends_with(".html") && !n.ends_with("search.html"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_published_page_of_an_edition_is_in_its_index_with_its_page_table() {
    let p = Project::example();
    p.build();
    let index = read_index(&p, "2023/search/");
    assert_eq!(index.manifest["edition"], 2023);
    let mut listed: Vec<String> = index
        .rows
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, pages_under(&p, "2023/"));
    // The edition's page comes first, and rows carry title, date, section.
    let first = &index.rows[0];
    assert_eq!(first[0], "2023/index.html");
    assert_eq!(first[3], "工作报告");
    let doc = p.html("2023/index.html");
    assert_eq!(first[1].as_str().unwrap(), texts(&doc, "main h1")[0]);
    assert_eq!(first[2], "2023-12-20");
    // An indicator page: its figure and unit as printed, the edition's date.
    let row = &index.rows[index.page("2023/indicators/employment.unemployment_rate.html")];
    assert_eq!(row[1], "城镇登记失业率（2023年）");
    assert_eq!(row[3], "指标");
    assert_eq!(row[2], "2023-12-20");
    let doc = p.html("2023/indicators/employment.unemployment_rate.html");
    let printed = texts(&doc, "dl.facts dd")[0]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(row[4].as_str().unwrap(), printed);

    // The site-wide index holds the home page and the cross-edition pages, and lists every
    // edition's index, newest first.
    let site = read_index(&p, "search/");
    assert_eq!(site.manifest["edition"], Value::Null);
    site.page("index.html");
    site.page("indicators/employment.unemployment_rate.html");
    let listed = listed_indexes(&p);
    let editions: Vec<(i64, &str)> = listed.iter().map(|x| (x.0, x.1.as_str())).collect();
    assert_eq!(
        editions,
        [
            (2023, "2023/search/index.js"),
            (2022, "2022/search/index.js"),
            (2021, "2021/search/index.js")
        ]
    );
    for (year, src, page) in listed {
        assert!(p.path(&format!("public/{src}")).is_file(), "{src}");
        assert_eq!(page.as_deref(), Some(&*format!("{year}/search.html")));
    }
    // The runtime sits beside every index a search page loads.
    for dir in ["search/", "2023/search/", "2022/search/"] {
        assert!(p.path(&format!("public/{dir}search.js")).is_file(), "{dir}");
    }
}

#[test]
fn the_terms_are_the_pages_words_with_their_fields() {
    let p = Project::example();
    p.build();
    let index = read_index(&p, "2023/search/");
    let page = "2023/indicators/employment.unemployment_rate.html";
    // Bigrams and unigrams of the title: title, and body (the body holds the title too).
    for term in ["城镇", "失业", "业率", "率"] {
        let mask = index.mask(term, page).unwrap_or(0);
        assert_eq!(mask & 5, 5, "{term}: {mask}");
    }
    // A two-character word inside a longer compound: 复议 in 行政复议 (the annual report's
    // table 四 heading).
    let report = "2023/nianbao.html";
    assert!(index.mask("复议", report).is_some_and(|m| m & 2 == 2));
    // A decimal is one token, as the page prints it.
    let with_rate: Vec<&str> = index.terms["101.05"]
        .iter()
        .map(|(n, _)| index.rows[*n][0].as_str().unwrap())
        .collect();
    assert!(with_rate.contains(&"2023/index.html"), "{with_rate:?}");
    // The header, navigation and footer are not indexed: the footer's ICP filing number
    // and address are on every page but in no index.
    for chrome in ["icp", "滨江", "公网"] {
        assert!(
            !index.terms.contains_key(chrome),
            "{chrome}: chrome indexed"
        );
    }
}

#[test]
fn withheld_figures_and_drafts_never_reach_an_index() {
    let p = Project::fixture("basic");
    let yaml = p.read("content/2023/indicators.yaml");
    assert!(yaml.contains("withheld_value: 876543"));
    p.write(
        "content/2023/plan-draft.md",
        "---\ntitle: 草稿计划\nstatus: draft\n---\n\n尚未公开的安排：甲乙丙丁戊己。\n",
    );
    p.build();
    let search_files: Vec<(String, Vec<u8>)> = p
        .output_files()
        .into_iter()
        .filter(|(name, _)| name.contains("search/"))
        .collect();
    assert!(search_files.len() > 4);
    for (name, bytes) in &search_files {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["876543", "876,543", "甲乙丙丁戊己", "草稿计划"] {
            assert!(!text.contains(secret), "{secret} in {name}");
        }
    }
    let index = read_index(&p, "2023/search/");
    assert!(!index.terms.contains_key("876543"));
    assert!(!index.terms.contains_key("甲乙"));

    // Built with the drafts, the draft page is what is published: it is indexed.
    p.run(&["build", "--drafts"]).ok();
    let index = read_index(&p, "2023/search/");
    assert!(index.mask("甲乙", "2023/plan-draft.html").is_some());
}

#[test]
fn every_page_has_a_search_box_leading_to_its_search_page() {
    let p = Project::example();
    p.build();
    for (page, action) in [
        ("index.html", "search.html"),
        ("sitemap.html", "search.html"),
        (
            "indicators/employment.unemployment_rate.html",
            "../search.html",
        ),
        ("2023/index.html", "../2023/search.html"),
        (
            "2023/indicators/employment.unemployment_rate.html",
            "../../2023/search.html",
        ),
        ("2022/nianbao.html", "../2022/search.html"),
        ("care/2023/index.html", "../2023/search.html"),
        (
            "care/indicators/employment.unemployment_rate.html",
            "../search.html",
        ),
    ] {
        let doc = p.html(page);
        assert_eq!(
            attrs(&doc, "header form[role=search]", "action"),
            [action],
            "{page}"
        );
        assert_eq!(
            attrs(&doc, "header form[role=search] input[type=search]", "name"),
            ["q"]
        );
        assert_eq!(texts(&doc, "header form[role=search] label"), ["站内搜索"]);
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let target = std::path::Path::new(dir).join(action);
        assert!(
            p.path(&format!("public/{}", target.display())).is_file(),
            "{page} → {action}"
        );
    }
    // The search pages: results region, live status, the script beside the index, and the
    // way on without JavaScript.
    for (page, script, sitemap) in [
        ("search.html", "search/search.js", "sitemap.html"),
        ("2023/search.html", "search/search.js", "../sitemap.html"),
        (
            "care/2023/search.html",
            "../../2023/search/search.js",
            "../sitemap.html",
        ),
    ] {
        let doc = p.html(page);
        assert_eq!(texts(&doc, "#search-results").len(), 1, "{page}");
        assert_eq!(attrs(&doc, "#search-status", "aria-live"), ["polite"]);
        assert_eq!(attrs(&doc, "main form input[type=search]", "name"), ["q"]);
        assert_eq!(attrs(&doc, "main script", "src"), [script], "{page}");
        // (an HTML parser with scripting on, as a browser's, reads <noscript> as text)
        let without_js = texts(&doc, "noscript").join("");
        assert!(without_js.contains("需要启用浏览器的 JavaScript"), "{page}");
        assert!(
            without_js.contains(&format!("href=\"{sitemap}\"")),
            "{page}: {without_js}"
        );
    }
    // The site-wide page filters by edition, newest first.
    let doc = p.html("search.html");
    assert_eq!(
        attrs(&doc, "#search-edition option", "value"),
        ["", "2023", "2022", "2021"]
    );
}

#[test]
fn check_reports_the_index_and_warns_over_the_query_budget() {
    let p = Project::example();
    let run = p.run(&["check"]).ok();
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("search: "))
        .unwrap_or_else(|| panic!("no search line in:\n{}", run.stdout));
    assert!(line.starts_with("search: 4 index(es), "), "{line}");
    let kb = |after: &str| -> u64 {
        let rest = &line[line.find(after).unwrap() + after.len()..];
        rest.split(' ').next().unwrap().parse().unwrap()
    };
    assert!(kb("loads at most ") > 20, "{line}");
    assert!(kb("loads at most ") <= 300, "{line}");
    assert!(!run.stdout.contains("W090"));

    p.edit(
        "content/site.yaml",
        "title:",
        "checks: {search_query_kb: 20}\ntitle:",
    );
    let run = p.run(&["check"]).ok();
    assert!(
        run.stdout.contains(
            "warning[W090]: one query of the search page 2023/search.html (2023年度) may load"
        ),
        "{}",
        run.stdout
    );
    let timed = p.run(&["build", "--timings"]).ok();
    let line = timed
        .stdout
        .lines()
        .find(|l| l.starts_with("timings (search index, part of render): "))
        .unwrap_or_else(|| panic!("{}", timed.stdout));
    // The editions' indexes are timed on the rendering threads (CPU), the rest as one step.
    assert!(
        line.contains("editions' indexes ")
            && line.contains(" ms CPU over all threads, the others ")
            && line.contains(" ms wall; 4 index(es), "),
        "{line}"
    );
}

#[test]
fn an_archived_edition_keeps_its_index_and_its_bundle_carries_it() {
    let p = crate::support::archived_and_built();
    // Frozen with the pages: listed in the manifest, copied verbatim into the site.
    let manifest: Value = serde_json::from_str(&p.read("archive/2023/manifest.json")).unwrap();
    let listed: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for file in ["search.html", "search/index.js", "search/search.js"] {
        assert!(listed.contains(&file), "{file} not frozen");
        assert_eq!(
            std::fs::read(p.path(&format!("archive/2023/{file}"))).unwrap(),
            std::fs::read(p.path(&format!("public/2023/{file}"))).unwrap(),
            "{file} is not the frozen copy"
        );
    }
    let index = read_index(&p, "2023/search/");
    index.page("2023/index.html");
    let frozen = (
        2023,
        "2023/search/index.js".to_string(),
        Some("2023/search.html".to_string()),
    );
    assert!(listed_indexes(&p).contains(&frozen));
    p.run(&["verify"]).ok();

    // The bundle holds the edition's search page, index and runtime.
    p.run(&["bundle", "2023", "--out", "b.tar.gz"]).ok();
    let listing = std::process::Command::new("tar")
        .args(["-tzf", "b.tar.gz"])
        .current_dir(p.path(""))
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    for file in [
        "2023/search.html",
        "2023/search/index.js",
        "2023/search/search.js",
    ] {
        assert!(
            listing.lines().any(|l| l == format!("gongkai-2023/{file}")),
            "{file} not in the bundle:\n{listing}"
        );
    }
}

/// Every edition index the site-wide manifest lists, newest first: (edition, its manifest,
/// its own search page if it has one).
fn listed_indexes(p: &Project) -> Vec<(i64, String, Option<String>)> {
    manifest(p, "search/")["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["edition"].as_i64().unwrap(),
                x["src"].as_str().unwrap().to_string(),
                x["page"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn an_edition_archived_before_search_is_indexed_site_wide() {
    let p = Project::fixture("basic");
    p.run(&["archive", "2022"]).ok();
    // As an archive made before search existed: no search files, none in its manifest.
    std::fs::remove_dir_all(p.path("archive/2022/search")).unwrap();
    std::fs::remove_file(p.path("archive/2022/search.html")).unwrap();
    let mut frozen: Value = serde_json::from_str(&p.read("archive/2022/manifest.json")).unwrap();
    frozen["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| !f["path"].as_str().unwrap().starts_with("search"));
    p.write(
        "archive/2022/manifest.json",
        &serde_json::to_string_pretty(&frozen).unwrap(),
    );
    p.build();
    assert!(
        !p.path("public/2022/search").exists(),
        "a frozen folder gained files"
    );
    assert!(!p.path("public/2022/search.html").exists());
    let index = read_index(&p, "search/2022/");
    assert_eq!(index.manifest["edition"], 2022);
    index.page("2022/index.html");
    // Its pages are found from the site-wide page only: nothing links a search page of 2022.
    assert!(listed_indexes(&p).contains(&(2022, "search/2022/index.js".to_string(), None)));
    p.run(&["verify"]).ok();
    // Its one search page is the site-wide page's edition filter, which the budget names.
    p.edit(
        "content/site.yaml",
        "title:",
        "checks: {search_query_kb: 1}\ntitle:",
    );
    let run = p.run(&["check"]).ok();
    assert!(
        run.stdout
            .contains("warning[W090]: one query of the search page search.html?edition=2022 (2022年度) may load"),
        "{}",
        run.stdout
    );
}

/// The most one query of a search page loads, from the files as they are: the runtime, the
/// manifests of `read` (read only), and for the indexes it `searches` their manifests, the
/// four largest chunks of each (a query of four terms) and the ten largest page groups among
/// them all (one screen of results).
fn first_query_bytes(p: &Project, searches: &[&str], read: &[&str]) -> u64 {
    let size = |rel: &str| {
        std::fs::metadata(p.path(&format!("public/{rel}")))
            .unwrap()
            .len()
    };
    let largest = |mut sizes: Vec<u64>, n: usize| {
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes.into_iter().take(n).sum::<u64>()
    };
    let mut bytes = size(&format!("{}search.js", searches[0]));
    let mut groups = Vec::new();
    for dir in read {
        bytes += size(&format!("{dir}index.js"));
    }
    for dir in searches {
        let m = manifest(p, dir);
        bytes += size(&format!("{dir}index.js"));
        let files = |key: &str, at: usize| -> Vec<u64> {
            m[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| size(&format!("{dir}{}", x[at].as_str().unwrap())))
                .collect()
        };
        bytes += largest(files("chunks", 2), 4);
        groups.extend(files("groups", 1));
    }
    bytes + largest(groups, 10)
}

#[test]
fn the_query_budget_covers_the_site_wide_page_which_searches_two_indexes_at_once() {
    let p = Project::example();
    p.build();
    // The site-wide page searches the site-wide pages and the newest edition together; an
    // edition's page searches its own index and reads the site-wide manifest.
    let site_page = first_query_bytes(&p, &["search/", "2023/search/"], &[]);
    let edition_pages = ["2023", "2022", "2021"]
        .map(|year| first_query_bytes(&p, &[&format!("{year}/search/")], &["search/"]));
    let edition_most = *edition_pages.iter().max().unwrap();
    assert!(site_page > edition_most, "{site_page} {edition_pages:?}");
    let run = p.run(&["check"]).ok();
    let expected = format!(
        "one query loads at most {} KB (search.html),",
        site_page.div_ceil(1024)
    );
    assert!(run.stdout.contains(&expected), "{expected}\n{}", run.stdout);

    // A budget every edition's page keeps and the site-wide page does not: W090 names it.
    let budget = edition_most.div_ceil(1024);
    assert!(budget * 1024 < site_page, "{budget} KB, {site_page}");
    p.edit(
        "content/site.yaml",
        "title:",
        &format!("checks: {{search_query_kb: {budget}}}\ntitle:"),
    );
    let run = p.run(&["check"]).ok();
    let warning = format!(
        "warning[W090]: one query of the search page search.html (2023年度和全站页面) may load {} KB, over the budget of {budget} KB",
        site_page.div_ceil(1024)
    );
    assert!(run.stdout.contains(&warning), "{warning}\n{}", run.stdout);
    assert_eq!(
        run.stdout.matches("warning[W090]").count(),
        1,
        "{}",
        run.stdout
    );
}

#[test]
fn a_term_loads_one_small_chunk_so_a_query_does_not_grow_with_the_edition() {
    let p = Project::example();
    p.build();
    for dir in ["search/", "2023/search/"] {
        let index = read_index(&p, dir);
        let chunks = index.manifest["chunks"].as_array().unwrap();
        assert!(chunks.len() >= 3, "{dir}: {} chunk(s)", chunks.len());
        for c in chunks {
            let file = c[2].as_str().unwrap();
            let data = chunk(&p, dir, file);
            let data = data.as_str().unwrap();
            // A chunk is closed once it reaches 8 KB: without its last line it is smaller.
            let (before_last, _) = data.rsplit_once('\n').unwrap_or(("", data));
            assert!(
                before_last.len() < 8 * 1024,
                "{dir}{file}: {} bytes before its last line ({} in the file)",
                before_last.len(),
                c[3]
            );
        }
    }
}

#[test]
fn the_budget_weighs_a_frozen_newest_edition_as_it_was_archived() {
    let p = Project::example();
    p.run(&["archive", "2023"]).ok();
    // The frozen index is not rebuilt: its chunks count by the sizes its manifest lists.
    p.build();
    let site_page = first_query_bytes(&p, &["search/", "2023/search/"], &[]);
    let run = p.run(&["check"]).ok();
    let expected = format!(
        "one query loads at most {} KB (search.html),",
        site_page.div_ceil(1024)
    );
    assert!(run.stdout.contains(&expected), "{expected}\n{}", run.stdout);
}
