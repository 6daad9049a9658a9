//! The link check and the links it reads: attachments named in Chinese or with spaces, every
//! E022 located in the Markdown, and no false E022/E023 from gongkai's own markup or from
//! HTML written in a way a browser accepts.

use crate::support::{attrs, texts, Project};

/// Appends `text` to the fixture's 2023 report and returns the line number of its first line.
fn append_to_report(p: &Project, text: &str) -> usize {
    let report = p.read("content/2023/report.md");
    let report = format!("{}\n\n", report.trim_end());
    p.write("content/2023/report.md", &format!("{report}{text}"));
    report.lines().count() + 1
}

/// Every finding of `check --format json` with `code`.
fn findings(p: &Project, code: &str) -> Vec<serde_json::Value> {
    p.run(&["check", "--format", "json"])
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|f| f["code"] == code)
        .collect()
}

#[test]
fn attachments_named_in_chinese_or_with_spaces_can_be_linked() {
    // Issue 11, defect 5: the page writes 附件1.pdf as %E9%99%84…, and the check looked for
    // a file of that name.
    let p = Project::fixture("basic");
    p.write("content/2023/附件1.pdf", "%PDF-1.4 一");
    p.write("content/2023/附件 1.pdf", "%PDF-1.4 二");
    append_to_report(
        &p,
        "见[附件1](附件1.pdf)、[附件 1](<附件 1.pdf>)、[同一附件](附件%201.pdf)和[就业](#一就业)。\n",
    );
    p.build();
    // The standard page and its 关怀版 copy each lead to the two files, as a browser
    // decodes the links.
    for page in ["2023/index.html", "care/2023/index.html"] {
        let doc = p.html(page);
        let reached: Vec<String> = attrs(&doc, ".narrative a[href*='pdf']", "href")
            .iter()
            .map(|href| p.read(&format!("public/{}", resolve(page, &percent_decode(href)))))
            .collect();
        assert_eq!(
            reached,
            ["%PDF-1.4 一", "%PDF-1.4 二", "%PDF-1.4 二"],
            "{page}"
        );
        let anchors = attrs(&doc, ".narrative a[href^='#%']", "href");
        assert_eq!(anchors.len(), 1, "{page}");
        let id = percent_decode(&anchors[0]);
        assert_eq!(attrs(&doc, "h2#一就业", "id"), [&id[1..]], "{page}");
    }
}

/// `href` on the page at `page` (relative to the output folder), resolved.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop().expect("climbs out of the site");
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// What a browser asks for: `%E9%99%84` is 附.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn a_broken_attachment_link_is_located_in_the_markdown() {
    // Issue 11, defect 5: E022 carried no position when the link was percent-encoded.
    let p = Project::fixture("basic");
    let line = append_to_report(
        &p,
        "见[附件9](附件9.pdf)。\n\n> 引文[附件7](<附件 7.pdf>)、[八](附件%208.pdf#页)。\n\n- 列表 <a href=\"附件6.pdf\">六</a>\n",
    );
    let run = p.run(&["build"]);
    run.fails_at("E022", &format!("content/2023/report.md:{line}:8"));
    assert!(
        run.stderr.contains("broken link `附件9.pdf`"),
        "{}",
        run.stderr
    );
    let e022 = findings(&p, "E022");
    let at: Vec<(u64, u64, u64)> = e022
        .iter()
        .map(|f| {
            assert_eq!(f["file"], "content/2023/report.md", "{f}");
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["length"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = line as u64;
    assert_eq!(
        at,
        [
            (line, 8, 7),
            (line + 2, 12, 8),
            (line + 2, 27, 12),
            (line + 4, 15, 7)
        ],
        "{e022:?}"
    );
    assert!(!p.path("public").exists(), "nothing was written");
}

#[test]
fn a_footnote_defined_but_never_referenced_does_not_break_the_build() {
    // Issue 11, defect 13: its back-link pointed at a #fnref-… no reference made.
    let p = Project::fixture("basic");
    append_to_report(&p, "[^unused]: 没有被引用的注释。\n");
    p.build();
    let doc = p.html("2023/index.html");
    assert_eq!(attrs(&doc, "#fn-unused a", "href"), Vec::<String>::new());
    assert_eq!(texts(&doc, "#fn-unused .footnote-label"), ["[2]"]);
    // The referenced footnote keeps its back-link.
    assert_eq!(attrs(&doc, "#fn-a a", "href"), ["#fnref-a"]);
}

#[test]
fn a_quote_in_an_autolink_does_not_hide_the_next_heading() {
    // Issue 11, defect 13: the autolink's text `q="x` was read as an attribute running into
    // the heading's id, and the table of contents' link to it was "broken".
    let p = Project::fixture("basic");
    append_to_report(
        &p,
        "见 <https://example.com/?q=\"x> 。\n\n## 三、后续\n\n回到开头。\n",
    );
    p.build();
    let doc = p.html("2023/index.html");
    assert_eq!(attrs(&doc, "h2#三后续", "id"), ["三后续"]);
}

#[test]
fn an_unquoted_alt_is_alt_text() {
    // Issue 11, defect 13: `alt=a` without quotes was taken for a missing alt.
    let p = Project::fixture("basic");
    p.write("content/2023/x.png", "png");
    append_to_report(
        &p,
        "<img alt=示意图 src=x.png> <IMG ALT='图二' src=x.png> <img alt=\"a>b\" src=x.png>\n",
    );
    p.build();
    let doc = p.html("2023/index.html");
    assert_eq!(
        attrs(&doc, ".narrative img[src='x.png']", "alt"),
        ["示意图", "图二", "a>b"]
    );
}

#[test]
fn an_image_without_alt_is_still_found_however_it_is_quoted() {
    let p = Project::fixture("basic");
    p.write("content/2023/x.png", "png");
    let line = append_to_report(
        &p,
        "<img src=x.png>\n\n<img alt=\"\" src=x.png>\n\n<img title='alt=\"y\"' src=x.png>\n",
    );
    let e023: Vec<(u64, u64, u64)> = findings(&p, "E023")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["length"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = line as u64;
    assert_eq!(e023, [(line, 1, 15), (line + 2, 1, 22), (line + 4, 1, 31)]);
    p.run(&["build"])
        .fails_at("E023", &format!("content/2023/report.md:{}:1", line + 4));
}

#[test]
fn an_image_shown_as_code_is_not_an_image() {
    let p = Project::fixture("basic");
    append_to_report(
        &p,
        "写法示例：`![](x.png)` 与 `<img src=x.png>`。\n\n```\n![](y.png)\n<img src=y.png>\n```\n\n    <img src=z.png>\n",
    );
    assert_eq!(findings(&p, "E023"), Vec::<serde_json::Value>::new());
    // An image outside code still is one.
    let line = append_to_report(&p, "![](real.png)");
    let found = findings(&p, "E023");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["line"], line);
}

#[test]
fn a_link_to_a_folder_reaches_its_index_and_a_skipped_file_is_named_as_such() {
    let p = Project::fixture("basic");
    append_to_report(&p, "[本年](./)、[首页](../)、[上年](../2022/)。");
    assert_eq!(findings(&p, "E022"), Vec::<serde_json::Value>::new());
    p.write("content/2023/skip.txt", "x");
    let line = append_to_report(&p, "[说明](skip.txt)、[附注](notes.md)、[无](nowhere.pdf)");
    let found = findings(&p, "E022");
    let message = |needle: &str| {
        found
            .iter()
            .find(|f| f["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no E022 about {needle}: {found:?}"))
            .clone()
    };
    let skipped = message("skip.txt");
    assert!(skipped["message"]
        .as_str()
        .unwrap()
        .contains("content/2023/skip.txt exists but is not published"));
    assert_eq!(skipped["line"], line);
    assert!(message("notes.md")["message"]
        .as_str()
        .unwrap()
        .contains("published as notes.html"));
    assert!(message("nowhere.pdf")["message"]
        .as_str()
        .unwrap()
        .contains("no 2023/nowhere.pdf in the output"));
}
