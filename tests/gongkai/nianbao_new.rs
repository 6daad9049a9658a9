//! `gongkai new <year>` scaffolds the annual disclosure report: nianbao.yaml with every cell of
//! the official tables blank and last year's figures to carry beside their rows, nianbao.md
//! with the six sections, both drafts that never reach the site until published.

use crate::support::{assert_links_resolve, rows, texts, Project};

/// Every row key of nianbao.yaml in the format (the spec's sample file), top-level first.
const KEYS: &[&str] = &[
    "format",
    "proactive",
    "rules",
    "normative",
    "licensing",
    "penalty",
    "coercion",
    "fees",
    "requests",
    "new",
    "carried_in",
    "granted",
    "partial",
    "denied",
    "secret",
    "law",
    "safety",
    "third_party",
    "internal",
    "process",
    "enforcement",
    "inquiry",
    "unavailable",
    "not_held",
    "to_create",
    "unclear",
    "not_handled",
    "petition",
    "repeated",
    "publication",
    "excessive",
    "confirm",
    "other",
    "no_correction",
    "no_fee",
    "total",
    "carried_over",
    "review",
    "litigation",
    "direct",
    "after_review",
];

const SECTIONS: [&str; 6] = [
    "## 一、总体情况",
    "## 二、主动公开政府信息情况",
    "## 三、收到和处理政府信息公开申请情况",
    "## 四、政府信息公开行政复议、行政诉讼情况",
    "## 五、存在的主要问题及改进情况",
    "## 六、其他需要报告的事项",
];

/// The line of `yaml` whose key is `key`, and the line before it.
fn row<'a>(yaml: &'a str, key: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = yaml.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no `{key}:` in\n{yaml}"));
    (lines[i], lines[i.saturating_sub(1)])
}

/// The `[…]` of a row as written, e.g. `[1, 0, 0, 0, 0, 0, 1]`.
fn flow(line: &str) -> &str {
    let start = line.find('[').unwrap();
    &line[start..=line.find(']').unwrap()]
}

/// Lines with their comments cut off.
fn code(yaml: &str) -> Vec<&str> {
    yaml.lines()
        .map(|l| l.split('#').next().unwrap().trim_end())
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// The findings of `check --drafts --format json`: (severity, code, file).
fn findings(p: &Project) -> Vec<(String, String, String)> {
    let run = p.run(&["check", "--drafts", "--format", "json"]);
    run.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            (s("severity"), s("code"), s("file"))
        })
        .collect()
}

/// The example site's 2023 indicators as 2024's, so only the annual report is left to fill.
fn fill_indicators(p: &Project) {
    let yaml = p.read("content/2023/indicators.yaml");
    p.write(
        "content/2024/indicators.yaml",
        &yaml.replace("\"2023-", "\"2024-"),
    );
}

/// Writes into 2024's report what its comments carry from 2023: 上年结转 (and as nothing
/// else happened, 结转下年度) and 现行有效.
fn fill_as_the_comments_say(p: &Project) {
    let yaml = p.read("content/2024/nianbao.yaml");
    let (_, above) = row(&yaml, "carried_in");
    let carried = flow(above);
    let in_force = row(&yaml, "normative")
        .0
        .rsplit("上年现行有效：")
        .next()
        .unwrap();
    let blank = |key: &str| {
        row(&yaml, key)
            .0
            .split('#')
            .next()
            .unwrap()
            .trim_end()
            .to_string()
    };
    let filled = yaml
        .replace(&blank("carried_in"), &format!("  carried_in:   {carried}"))
        .replace(
            &blank("carried_over"),
            &format!("  carried_over: {carried}"),
        )
        .replace(
            &blank("normative"),
            &format!("  normative: [~, ~, {in_force}]"),
        );
    p.write("content/2024/nianbao.yaml", &filled);
}

#[test]
fn new_scaffolds_a_blank_annual_report_that_carries_last_years_figures_as_comments() {
    let p = Project::example();
    let run = p.run(&["new", "2024"]).ok();
    assert!(run.stdout.contains("nianbao.yaml"), "{}", run.stdout);
    let yaml = p.read("content/2024/nianbao.yaml");
    let md = p.read("content/2024/nianbao.md");

    // Every row of the format, every figure blank.
    let code = code(&yaml);
    for key in KEYS {
        assert!(
            code.iter()
                .any(|l| l.trim_start().starts_with(&format!("{key}:"))),
            "nianbao.yaml lacks `{key}:`"
        );
    }
    for line in &code {
        if *line != "format: 2021" {
            assert!(
                !line.chars().any(|c| c.is_ascii_digit()),
                "a figure is filled in: {line}"
            );
        }
    }
    assert_eq!(
        row(&yaml, "licensing").0.split('#').next().unwrap().trim(),
        "licensing: ~"
    );
    assert_eq!(flow(row(&yaml, "new").0), "[~, ~, ~, ~, ~, ~, ~]");
    assert_eq!(flow(row(&yaml, "after_review").0), "[~, ~, ~, ~, ~]");
    // The official labels stay beside their rows.
    assert!(row(&yaml, "partial")
        .0
        .ends_with("# （二）部分公开（区分处理的，只计这一情形，不计其他情形）"));
    assert!(row(&yaml, "inquiry").0.ends_with("# 8.属于行政查询事项"));

    // Last year's figures to carry, as written in content/2023/nianbao.yaml.
    let last = p.read("content/2023/nianbao.yaml");
    let carried_over = flow(row(&last, "carried_over").0);
    assert_eq!(carried_over, "[1, 0, 0, 0, 0, 0, 1]");
    let (carried_in, above) = row(&yaml, "carried_in");
    assert!(above.trim_start().starts_with('#'), "{above}");
    assert!(
        above.contains(&format!("上年结转下年度：{carried_over}")),
        "{above}"
    );
    assert!(carried_in.contains("# 二、上年结转政府信息公开申请数量"));
    for key in ["rules", "normative"] {
        let in_force = flow(row(&last, key).0)
            .trim_matches(['[', ']'])
            .rsplit(", ")
            .next()
            .unwrap()
            .to_string();
        assert!(
            row(&yaml, key)
                .0
                .contains(&format!("上年现行有效：{in_force}")),
            "{key}: {}",
            row(&yaml, key).0
        );
    }
    assert!(row(&yaml, "normative").0.contains("上年现行有效：15"));

    // nianbao.md: the report's metadata, a draft, the six sections in order.
    assert!(md.contains("title: \"青川区人力资源和社会保障局2024年政府信息公开工作年度报告\""));
    assert!(md.contains("publisher: \"青川区人力资源和社会保障局\""));
    assert!(md.contains("index_no: \"QC-RSJ-2025-0002\""), "{md}");
    assert!(md.contains("published: 2025-01-31"), "{md}");
    assert!(md.contains("status: draft"));
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(headings, SECTIONS);
    for sub in ["（一）主动公开", "（五）监督保障"] {
        assert!(md.contains(&format!("### {sub}")), "no ### {sub}");
    }
    assert!(
        !md.contains("### （六）"),
        "a department reports five parts under 一"
    );
    let three = md
        .split(SECTIONS[2])
        .nth(1)
        .unwrap()
        .split(SECTIONS[3])
        .next()
        .unwrap();
    assert!(
        three.contains("{{ value(\"nb.requests.new.total\") }}"),
        "{three}"
    );

    // Nothing filled in: the indicators' 待填报 are the only errors; the report loads.
    let found = findings(&p);
    assert!(!found.is_empty());
    for (severity, code, file) in &found {
        if severity == "error" {
            assert_eq!(
                (code.as_str(), file.as_str()),
                ("E031", "content/2024/indicators.yaml")
            );
        }
    }
    // With the indicators filled, check points at the cells that must carry last year's
    // figures, and at nothing else.
    fill_indicators(&p);
    let line = |key: &str| {
        yaml.lines()
            .position(|l| l.starts_with(&format!("  {key}:")))
            .unwrap()
            + 1
    };
    let check = p.run(&["check", "--drafts"]);
    let at = |key: &str, column: usize| format!("content/2024/nianbao.yaml:{}:{column}", line(key));
    check.fails_at("E077", &at("carried_in", 18));
    check.fails_at("E077", &at("carried_in", 36));
    check.fails_at("E078", &at("normative", 37));
    assert_eq!(
        check.stderr.matches("error[E").count(),
        3,
        "{}",
        check.stderr
    );

    // Filled as the comments say, it checks clean.
    fill_as_the_comments_say(&p);
    p.run(&["check", "--drafts"]).ok();

    // The edition published, its annual report still a draft: nothing of the report is
    // published or linked.
    p.edit(
        "content/2024/report.md",
        "status: draft",
        "status: published",
    );
    p.build();
    assert!(p.path("public/2024/index.html").exists());
    assert!(!p.path("public/2024/nianbao.html").exists());
    assert!(!p.read("public/2024/index.html").contains("nianbao.html"));
    let data = p.read("public/data/nianbao.csv");
    assert!(data.contains("\n2023,"));
    assert!(!data.contains("\n2024,"), "a draft report in the open data");
    assert_links_resolve(&p.path("public"));

    // With --drafts: the page has its six sections, the tables and the figures.
    p.run(&["build", "--drafts"]).ok();
    let page = p.html("2024/nianbao.html");
    let h2 = texts(&page, "h2");
    for s in SECTIONS {
        assert!(h2.iter().any(|h| h == &s[3..]), "no {s} in {h2:?}");
    }
    assert!(!rows(&page, "table").is_empty());
    let text = texts(&page, "main").join(" ");
    assert!(
        text.contains("新收政府信息公开申请0件，上年结转1件"),
        "{text}"
    );
}

#[test]
fn new_writes_an_annual_report_even_when_no_earlier_edition_has_one() {
    let p = Project::fixture("basic");
    std::fs::remove_dir_all(p.path("content/2024")).unwrap();
    // A government, not a department: a later deadline and one more part of 一、总体情况.
    p.edit(
        "content/site.yaml",
        "organization: 测试区测试局\n",
        "organization: 测试区测试局\nagency: government\n",
    );
    let run = p.run(&["new", "2024"]).ok();
    assert!(
        run.stdout.contains("no earlier annual report"),
        "{}",
        run.stdout
    );
    let yaml = p.read("content/2024/nianbao.yaml");
    let md = p.read("content/2024/nianbao.md");
    assert!(
        !yaml.contains("上年结转下年度："),
        "nothing to carry:\n{yaml}"
    );
    assert!(!yaml.contains("上年现行有效"), "nothing to carry:\n{yaml}");
    assert!(!yaml.contains("row_set"));
    for key in KEYS {
        row(&yaml, key);
    }
    assert!(md.contains("title: \"测试区测试局2024年政府信息公开工作年度报告\""));
    assert!(md.contains("index_no: \"待填\""));
    assert!(md.contains("published: 2025-03-31"), "{md}");
    assert!(md.contains("### （六）工作考核、社会评议和责任追究结果"));
    assert!(md.contains("status: draft"));

    // Only the indicators are 待填报; the report loads with every cell 0.
    let found = findings(&p);
    assert!(found.iter().any(|(s, ..)| s == "error"));
    for (severity, code, file) in found {
        assert!(
            severity != "error" || (code == "E031" && file == "content/2024/indicators.yaml"),
            "{code} at {file}"
        );
    }
}

#[test]
fn new_refuses_a_project_whose_annual_report_does_not_load() {
    let p = Project::example();
    p.edit("content/2023/nianbao.yaml", "  granted: ", "  granteed: ");
    let run = p.run(&["new", "2024"]);
    run.fails_at("E070", "content/2023/nianbao.yaml:24:3");
    assert!(
        run.stderr.contains("did you mean `granted`?"),
        "{}",
        run.stderr
    );
    assert!(!p.path("content/2024").exists(), "nothing is written");
}

#[test]
fn new_carries_a_provincial_row_set_forward() {
    let p = Project::example();
    // A province that words （六）3 differently: the items stay, their label differs.
    p.edit(
        "content/2023/nianbao.yaml",
        "format: 2021\n",
        "format: 2021\nrow_set:\n  other:\n    - [no_correction, 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请]\n    - [no_fee, 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请]\n    - [other, 其他（含申请人撤回申请）]\n",
    );
    p.run(&["new", "2024"]).ok();
    let yaml = p.read("content/2024/nianbao.yaml");
    assert!(yaml.contains("\nrow_set:\n  other:\n"), "{yaml}");
    assert!(
        yaml.contains("- [\"other\", \"其他（含申请人撤回申请）\"]"),
        "{yaml}"
    );
    assert!(row(&yaml, "no_fee")
        .0
        .contains("# 2.申请人逾期未按收费通知要求缴纳费用"));
    let (other, _) = row(yaml.split_once("  other:  ").unwrap().1, "other");
    assert!(other.ends_with("# 3.其他（含申请人撤回申请）"), "{other}");

    // The row set loads: filled in, the built table shows the province's label.
    fill_indicators(&p);
    fill_as_the_comments_say(&p);
    p.run(&["build", "--drafts"]).ok();
    let cells: Vec<String> = rows(&p.html("2024/nianbao.html"), "table")
        .into_iter()
        .flatten()
        .collect();
    assert!(
        cells.iter().any(|c| c.contains("其他（含申请人撤回申请）")),
        "{cells:?}"
    );
}
