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

const Y23: &str = "content/2023/nianbao.yaml";
const NEW_ROW: &str = "  new:          [24, 2, 0, 1, 1, 0, 28]";

/// A row written twice was read into the list of rows and the second silently dropped (a
/// figure the author corrected below never published); a repeated field was reported at the
/// start of its mapping. Both are refused at the repeated key.
#[test]
fn a_row_or_key_written_twice_is_refused_at_the_second() {
    let p = Project::example();
    p.edit(
        Y23,
        NEW_ROW,
        &format!("{NEW_ROW}\n  new:          [25, 2, 0, 1, 1, 0, 29]"),
    );
    let run = p.run(&["check"]);
    run.fails_at("E081", &format!("{Y23}:22:3"));
    assert!(
        run.stderr
            .contains("`requests.new` is written twice (first on line 21)"),
        "{}",
        run.stderr
    );

    let p = Project::example();
    p.edit(Y23, "  penalty: 48 ", "  penalty: 48\n  penalty: 50 ");
    p.run(&["check"]).fails_at("E081", &format!("{Y23}:14:3"));

    let p = Project::example();
    p.edit(
        Y23,
        "    secret:       [0, 0, 0, 0, 0, 0, 0]   # 1.属于国家秘密",
        "    secret:       [0, 0, 0, 0, 0, 0, 0]   # 1.属于国家秘密\n    secret:       [1, 0, 0, 0, 0, 0, 1]",
    );
    p.run(&["check"]).fails_at("E081", &format!("{Y23}:28:5"));
}

/// Valid YAML whose cells the locator cannot follow (a block sequence, a `{ }` mapping, the
/// figures on the line after the key) made every rule point at the row's key or at 1:1; a
/// figure in hex was published in decimal. Each is refused at the row.
#[test]
fn a_row_in_a_form_no_rule_can_point_into_is_refused_at_the_row() {
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            NEW_ROW,
            "  new:\n    - 24\n    - 2\n    - 0\n    - 1\n    - 1\n    - 0\n    - 29",
            "21:3",
            "`requests.new` is not written where gongkai can point",
        ),
        (
            NEW_ROW,
            "  new:\n    [24, 2, 0, 1, 1, 0, 29]",
            "21:3",
            "`requests.new` is not written where gongkai can point",
        ),
        (
            "litigation:\n  direct:       [0, 0, 0, 1, 1]           # 行政诉讼 · 未经复议直接起诉\n  after_review: [0, 0, 0, 0, 0]           # 行政诉讼 · 复议后起诉",
            "litigation: {direct: [0, 0, 0, 1, 1], after_review: [0, 0, 0, 0, 9]}",
            "55:1",
            "`litigation.after_review` is not written where gongkai can point",
        ),
        ("  licensing: 1326 ", "  licensing:\n    1326 ", "11:3", "write the figure on its key's line"),
        ("  licensing: 1326 ", "  licensing: 0x52E ", "11:14", "`0x52E` of `proactive.licensing` is not written in decimal digits: it would be published as 1326"),
    ];
    for (from, to, at, says) in cases {
        let p = Project::example();
        p.edit(Y23, from, to);
        let run = p.run(&["check"]);
        run.fails_at("E082", &format!("{Y23}:{at}"));
        assert!(run.stderr.contains(says), "{to}: {}", run.stderr);
    }
    // The usual forms stay accepted: a sign, blanks, a quoted key, a row over two lines.
    let p = Project::example();
    p.edit(Y23, "  licensing: 1326 ", "  licensing: +1326 ");
    p.edit(Y23, "  coercion: 0 ", "  coercion: ");
    p.edit(Y23, NEW_ROW, "  \"new\":      [24, 2, 0,\n    1, 1, 0, 28]");
    p.run(&["check"]).ok();
}

/// An id built by template logic (`"nb.requests." ~ row ~ ".total"`) was checked as if its
/// first string were the whole id: a false E004 for `nb.requests.`. It is checked once
/// rendered, and a wrong one is E038.
#[test]
fn a_cell_id_built_by_template_logic_is_checked_when_rendered() {
    let p = Project::example();
    let text = p.read("content/2023/report.md")
        + "\n\n新收与结转：{% for row in [\"new\", \"carried_in\"] %}{{ value(\"nb.requests.\" ~ row ~ \".total\") }}件；{% endfor %}\n";
    p.write("content/2023/report.md", &text);
    p.build();
    let html = p.read("public/2023/index.html");
    assert!(
        html.contains("新收与结转：28件；2件；"),
        "the loop prints both cells"
    );

    p.write(
        "content/2023/report.md",
        &text.replace("\"carried_in\"", "\"carried_inn\""),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E038]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nb.requests.carried_inn.total"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("error[E004]"), "{}", run.stderr);
}

/// W013 promises a control character is left out of every published file; the report's JSON
/// kept it in the title (as `\u0007`) and in a row_set label (U+0085 raw).
#[test]
fn control_characters_stay_out_of_the_reports_open_data() {
    let p = Project::example();
    let md = p.read("content/2023/nianbao.md");
    let title = md.lines().find(|l| l.starts_with("title: ")).unwrap();
    p.edit(
        "content/2023/nianbao.md",
        title,
        "title: \"2023年\\u0007政府信息公开工作年度报告\"",
    );
    p.edit(
        Y23,
        "format: 2021\n",
        "format: 2021\nrow_set:\n  unavailable:\n    - [not_held, \"本机关不掌握\\u0085相关政府信息\"]\n    - [to_create, 没有现成信息需要另行制作]\n    - [unclear, 补正后申请内容仍不明确]\n",
    );
    p.build();
    for file in ["public/2023/nianbao.json", "public/data/nianbao.json"] {
        let text = p.read(file);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            !text.contains("\\u0007") && !text.contains('\u{85}'),
            "{file}"
        );
        let all = json.to_string();
        assert!(all.contains("2023年政府信息公开工作年度报告"), "{file}");
        assert!(all.contains("本机关不掌握相关政府信息"), "{file}");
    }
}

/// The bundle of an edition of the annual report alone named `2023/index.html` to open, and
/// every stand-in page linked back to it: the edition has no index.html, its page is
/// nianbao.html.
#[test]
fn the_bundle_of_an_annual_report_alone_leads_to_the_report() {
    let p = Project::example();
    for file in ["report.md", "indicators.yaml", "plan.md"] {
        std::fs::remove_file(p.path(&format!("content/2023/{file}"))).unwrap();
    }
    p.run(&["archive", "2023"]).ok();
    let run = p.run(&["bundle", "2023", "--out", "b.tar.gz"]).ok();
    assert!(
        run.stdout.contains("open gongkai-2023/2023/nianbao.html"),
        "{}",
        run.stdout
    );
    let bytes = std::fs::read(p.path("b.tar.gz")).unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()))
        .unpack(p.path("unpacked"))
        .unwrap();
    let unpacked = p.path("unpacked/gongkai-2023");
    assert!(!unpacked.join("2023/index.html").exists());
    let stand_in = p.read("unpacked/gongkai-2023/index.html");
    assert!(stand_in.contains("本页不在2023年度归档包内"), "{stand_in}");
    assert!(
        stand_in.contains("href=\"2023/nianbao.html\""),
        "{stand_in}"
    );
    assert!(!stand_in.contains("2023/index.html"), "{stand_in}");
}

/// After `archive --amend` of an edition of the annual report alone, corrections.html linked
/// to `2023/index.html` and `2023-v1/index.html`, neither of which exists: every later build
/// failed (E022), so the correction could not be published.
#[test]
fn an_amended_annual_report_alone_builds_and_its_corrections_link_to_the_report() {
    let p = Project::example();
    for file in ["report.md", "indicators.yaml", "plan.md"] {
        std::fs::remove_file(p.path(&format!("content/2023/{file}"))).unwrap();
    }
    p.run(&["archive", "2023"]).ok();
    p.edit(
        "content/2023/nianbao.md",
        "\n## 五、",
        "\n本节补记一句。\n\n## 五、",
    );
    p.run(&[
        "archive",
        "2023",
        "--amend",
        "--note",
        "补记",
        "--date",
        "2024-03-01",
    ])
    .ok();
    p.build();
    let corrections = p.read("public/corrections.html");
    assert!(
        corrections.contains("href=\"2023/nianbao.html\""),
        "{corrections}"
    );
    assert!(
        corrections.contains("href=\"2023-v1/nianbao.html\""),
        "{corrections}"
    );
    assert!(
        !corrections.contains("2023/index.html") && !corrections.contains("2023-v1/index.html"),
        "{corrections}"
    );
}
