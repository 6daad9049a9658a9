//! The annual report as a careless or hostile author writes it: section headings the page
//! would not render as headings, YAML shapes and duplicate rows the cell locator must not
//! misread, ids built by template logic, control characters in the open data, and an
//! edition of the annual report alone handed over as a bundle. Each was a defect.

use crate::support::Project;

/// A section heading the page does not render as a heading (inside an HTML block or a `~~~`
/// fence, indented as code, level 1, a comma for 、) is refused at its own line: the page
/// would otherwise print `## 三、…` as text and put table 二 after the last section.
#[test]
fn a_section_heading_the_page_would_not_render_is_refused_at_its_line() {
    let heading = "## 三、收到和处理政府信息公开申请情况";
    let cases: [(&str, String, &str); 5] = [
        (
            "a <div>",
            format!("<div class=\"note\">\n{heading}"),
            "42:1",
        ),
        ("a ~~~ fence", format!("~~~\n{heading}\n~~~"), "42:1"),
        ("indented code", format!("    {heading}"), "41:5"),
        (
            "level 1",
            "# 三、收到和处理政府信息公开申请情况".into(),
            "41:1",
        ),
        (
            "a comma",
            "## 三，收到和处理政府信息公开申请情况".into(),
            "41:1",
        ),
    ];
    for (what, written, at) in cases {
        let p = Project::example();
        p.edit(
            "content/2023/nianbao.md",
            &format!("{heading}\n"),
            &format!("{written}\n"),
        );
        let run = p.run(&["check"]);
        run.fails_at("E079", &format!("content/2023/nianbao.md:{at}"));
        assert!(
            run.stderr.contains("is not the section heading `## 三、"),
            "{what}: {}",
            run.stderr
        );
    }
}

/// A setext heading is a level-2 heading on the page, so it is the section's heading too.
#[test]
fn a_setext_section_heading_is_accepted_and_gets_its_table() {
    let p = Project::example();
    p.edit(
        "content/2023/nianbao.md",
        "## 三、收到和处理政府信息公开申请情况\n",
        "三、收到和处理政府信息公开申请情况\n----------------\n",
    );
    p.build();
    let html = p.read("public/2023/nianbao.html");
    let heading = html
        .find(">三、收到和处理政府信息公开申请情况</h2>")
        .unwrap();
    let table_two = html.find("class=\"nianbao nb-proactive\"").unwrap();
    assert!(table_two < heading, "table 二 belongs before section 三");
}
