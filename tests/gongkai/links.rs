//! The link check and the links it reads: no false E022 from HTML written in a way a
//! browser accepts.

use crate::support::{attrs, Project};

/// Appends `text` to the fixture's 2023 report and returns the line number of its first line.
fn append_to_report(p: &Project, text: &str) -> usize {
    let report = p.read("content/2023/report.md");
    let report = format!("{}\n\n", report.trim_end());
    p.write("content/2023/report.md", &format!("{report}{text}"));
    report.lines().count() + 1
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
