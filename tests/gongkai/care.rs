//! 关怀版 (elder mode): every page has a large-type copy under care/ that links back, uses
//! care.css, says the same thing, and finds every chart, data file and stylesheet it links to.

use crate::support::{attrs, texts, Project};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// `href` as written on the page at `page`, resolved to a path relative to the output folder.
fn resolve(page: &str, href: &str) -> String {
    let mut out = PathBuf::new();
    let joined = Path::new(page).parent().unwrap().join(href);
    for c in joined.components() {
        match c {
            Component::ParentDir => assert!(out.pop(), "{href} on {page} climbs out of the site"),
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out.to_string_lossy().replace('\\', "/")
}

#[test]
fn every_page_has_a_care_copy_that_links_back_and_uses_care_css() {
    let p = Project::fixture("basic");
    p.build();
    let files: BTreeMap<String, Vec<u8>> = p.output_files().into_iter().collect();
    let standard: Vec<&String> = files
        .keys()
        .filter(|f| f.ends_with(".html") && !f.starts_with("care/"))
        .collect();
    assert!(standard.len() > 5, "fixture pages: {standard:?}");

    for page in standard {
        let care = format!("care/{page}");
        assert!(files.contains_key(&care), "no 关怀版 copy of {page}");
        let doc = p.html(page);
        let care_doc = p.html(&care);

        let toggle = attrs(&doc, "a.care-toggle", "href");
        assert_eq!(toggle.len(), 1, "{page}: one link to the 关怀版");
        assert_eq!(resolve(page, &toggle[0]), care, "{page}: 关怀版 link");
        let back = attrs(&care_doc, "a.care-toggle", "href");
        assert_eq!(back.len(), 1, "{care}: one link back");
        assert_eq!(resolve(&care, &back[0]), *page, "{care}: link back");
        assert_eq!(texts(&care_doc, "a.care-toggle"), ["返回标准版"]);

        let sheets = |d: &scraper::Html, at: &str| -> Vec<String> {
            attrs(d, "link[rel=stylesheet]", "href")
                .iter()
                .map(|h| resolve(at, h))
                .collect()
        };
        assert_eq!(sheets(&doc, page), ["static/style.css"], "{page}");
        assert_eq!(
            sheets(&care_doc, &care),
            ["static/style.css", "static/care.css"],
            "{care}"
        );
        // the same report, only easier to read
        assert_eq!(texts(&doc, "main"), texts(&care_doc, "main"), "{care}");
    }
}

#[test]
fn care_copy_holds_pages_only_and_uses_the_standard_charts_data_and_stylesheets() {
    let p = Project::fixture("basic");
    let run = p.build();
    let files: BTreeMap<String, Vec<u8>> = p.output_files().into_iter().collect();
    let extra: Vec<&String> = files
        .keys()
        .filter(|n| n.starts_with("care/") && !n.ends_with(".html"))
        .collect();
    assert!(extra.is_empty(), "care/ copies non-page files: {extra:?}");
    // Every chart, data file and stylesheet a 关怀版 page links to is the standard copy.
    let mut others = 0;
    for page in files
        .keys()
        .filter(|n| n.starts_with("care/") && n.ends_with(".html"))
    {
        let doc = p.html(page);
        for link in attrs(&doc, "[src]", "src")
            .into_iter()
            .chain(attrs(&doc, "link[href]", "href"))
            .chain(attrs(
                &doc,
                "a[href$='.csv'], a[href$='.json'], a[href$='.svg']",
                "href",
            ))
        {
            let target = resolve(page, &link);
            assert!(
                !target.starts_with("care/"),
                "{page}: {link} stays in care/"
            );
            assert!(
                files.contains_key(&target),
                "{page}: {link} → {target} is missing"
            );
            others += 1;
        }
    }
    assert!(others > 20, "{others} links to non-page files checked");
    assert!(files.contains_key("static/care.css"));
    let css = String::from_utf8(files["static/care.css"].clone()).unwrap();
    // 适老化, strict reading: 18 pt = 24 px text, 1.3× spacing, 60 px targets (the browser
    // suite measures each on every page; here: the numbers are the shipped ones)
    for rule in [
        "html { font-size: 24px; }",
        "line-height: 1.6;",
        "margin-bottom: 2.1em;",
        "min-height: 60px; min-width: 60px;",
        "figure.chart img { width: 854px;",
    ] {
        assert!(css.contains(rule), "care.css lacks {rule}");
    }
    // the summary counts the site's pages once, not its 关怀版 copy again
    let pages = files
        .keys()
        .filter(|f| f.ends_with(".html") && !f.starts_with("care/"))
        .count();
    assert!(
        run.stdout.contains(&format!(" {pages} page(s)")),
        "{}",
        run.stdout
    );
}

/// Every `src` of `selector` on the 关怀版 page `care` leads to the standard site's `want`.
#[track_caller]
fn sources_lead_to(p: &Project, care: &str, selector: &str, want: &str) -> usize {
    let doc = p.html(care);
    let sources = attrs(&doc, selector, "src");
    for src in &sources {
        assert_eq!(resolve(care, src), want, "{care}: src={src}");
    }
    sources.len()
}

#[test]
fn an_unbalanced_quote_in_the_narrative_does_not_put_the_care_rewrite_out_of_step() {
    // Issue 11, defect 6: the rewrite looked for `="` and took the narrative's `a="b` for an
    // attribute, so the image after it kept `src="x.png"`, broken under care/.
    let p = Project::fixture("basic");
    p.write("content/2023/x.png", "png");
    let notes = p.read("content/2023/notes.md");
    p.write(
        "content/2023/notes.md",
        &format!("{notes}\n配置 a=\"b 说明。\n\n![示意图](x.png)\n"),
    );
    p.build();
    assert_eq!(
        attrs(&p.html("2023/notes.html"), "img[alt=示意图]", "src"),
        ["x.png"]
    );
    assert_eq!(
        sources_lead_to(&p, "care/2023/notes.html", "img[alt=示意图]", "2023/x.png"),
        1
    );
}

#[test]
fn the_care_rewrite_reads_attributes_as_a_browser_does() {
    // Issue 11, defect 6: single-quoted, unquoted and `>`-holding values are links too;
    // comments, scripts, styles and data-src are not.
    let p = Project::fixture("basic");
    p.write("content/2023/x.png", "png");
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\ntheme: hostile",
    );
    let hostile = concat!(
        "<!-- <img src=\"c.png\"> -->\n",
        "<script>var s = '<img src=\"s.png\">'; var q = \"a=\\\"b\";</script>\n",
        "<style>a[title=\"x\"]::after { content: \">\" }</style>\n",
        "<div class=\"hostile\">\n",
        "<img alt='单引号' src='x.png'>\n",
        "<img alt=无引号 src=x.png>\n",
        "<img alt=\"大于号\" title=\"a>b\" src=\"x.png\">\n",
        "<img alt=\"数据\" data-src=\"x.png\" SRC=\"x.png\">\n",
        "<a class=\"data\" href=data.csv>数据</a>\n",
        "</div>\n",
    );
    p.write(
        "themes/hostile/templates/page.html",
        &format!(
            "{{% extends \"default/page.html\" %}}{{% block content %}}{{{{ super() }}}}\n{hostile}{{% endblock %}}"
        ),
    );
    // The link check reads the same tokens: the comment's and the script's images are no
    // links, so the build passes.
    p.build();
    let standard = p.read("public/2023/notes.html");
    assert!(standard.contains(hostile), "{standard}");
    let care = "care/2023/notes.html";
    assert_eq!(sources_lead_to(&p, care, ".hostile img", "2023/x.png"), 4);
    let doc = p.html(care);
    assert_eq!(attrs(&doc, "img[data-src]", "data-src"), ["x.png"]);
    let data = attrs(&doc, "a.data", "href");
    assert_eq!(resolve(care, &data[0]), "2023/data.csv");
    let text = p.read(&format!("public/{care}"));
    for untouched in [
        "<!-- <img src=\"c.png\"> -->",
        "<script>var s = '<img src=\"s.png\">'; var q = \"a=\\\"b\";</script>",
        "<style>a[title=\"x\"]::after { content: \">\" }</style>",
        "title=\"a>b\"",
    ] {
        assert!(text.contains(untouched), "{untouched} changed in {text}");
    }
}

#[test]
fn care_scrollers_take_the_keyboard_focus_and_standard_figures_do_not() {
    // care.css shows a chart at 4/3 of its drawn size (its 18 px text at 24 px), so on a phone
    // it scrolls sideways inside its figure: a keyboard reaches that scroller only if it can
    // take the focus. The standard figure never scrolls and gets no extra tab stop. A Markdown
    // table's scroller (no tabindex in the standard page, where it fits) gets one too.
    let p = Project::fixture("basic");
    let notes = p.read("content/2023/notes.md");
    p.write(
        "content/2023/notes.md",
        &format!("{notes}\n| 险种 | 参保人数 |\n|---|---:|\n| 失业保险 | 3.1 |\n"),
    );
    p.build();
    let markdown_table = |page: &str| {
        attrs(
            &p.html(page),
            "div.table-scroll:has(> table:not([class]))",
            "tabindex",
        )
    };
    assert!(markdown_table("2023/notes.html").is_empty());
    assert_eq!(markdown_table("care/2023/notes.html"), ["0"]);
    let files: BTreeMap<String, Vec<u8>> = p.output_files().into_iter().collect();
    let mut figures = 0;
    for page in files
        .keys()
        .filter(|f| f.ends_with(".html") && !f.starts_with("care/"))
    {
        let standard = attrs(&p.html(page), "figure.chart", "class").len();
        assert!(
            attrs(&p.html(page), "figure[tabindex]", "tabindex").is_empty(),
            "{page}: a standard figure is focusable"
        );
        let care = format!("care/{page}");
        let focusable = attrs(&p.html(&care), "figure.chart", "tabindex");
        assert_eq!(focusable.len(), standard, "{care}: every chart figure");
        assert!(focusable.iter().all(|t| t == "0"), "{care}: {focusable:?}");
        figures += standard;
    }
    assert!(figures > 3, "{figures} chart figures checked");
}
