//! The annual disclosure report's `check` rules: the broken fixture reports every rule once at
//! the cell it breaks; bad cells, rows and sections are located errors; the example site's
//! reports check clean, also with their figures written out literally; an archived report
//! edited afterwards is flagged.

use crate::support::{repo_root, Project};
use serde_json::Value;

/// Codes of the annual report's rules: nothing else with these may be reported.
const CODES: &[&str] = &[
    "E072", "E073", "E074", "E075", "E076", "E077", "E078", "E079", "W070", "W071",
];

fn findings(p: &Project) -> (i32, Vec<Value>) {
    let run = p.run(&["check", "--format", "json"]);
    let list = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (run.code, list)
}

/// The findings with the annual report's codes.
fn report_findings(list: &[Value]) -> Vec<&Value> {
    list.iter()
        .filter(|f| CODES.contains(&f["code"].as_str().unwrap_or("")))
        .collect()
}

/// One expected finding: code, file, line, column, the text written at that column (the cell
/// or word the `BREAKS` comment of the fixture documents), and a part of its help.
struct Expected {
    code: &'static str,
    file: &'static str,
    line: u64,
    col: u64,
    at: &'static str,
    help: &'static str,
}

const Y23: &str = "content/2023/nianbao.yaml";
const M23: &str = "content/2023/nianbao.md";

const BROKEN: &[Expected] = &[
    // Rule 1 (line 21's comment): the 自然人 column, reported at 四、结转下年度继续办理.
    Expected {
        code: "E072",
        file: Y23,
        line: 50,
        col: 18,
        at: "0",
        help: "一 + 二 = 10 + 1 = 11, but 三（七） + 四 = 10 + 0 = 10",
    },
    // Rule 2 (line 24's comment): the 法律服务机构 column, at its （七）总计.
    Expected {
        code: "E073",
        file: Y23,
        line: 49,
        col: 31,
        at: "1",
        help: "= 1 + 1 + 0 + 0 + 0 + 0 = 2, but （七）总计 = 1",
    },
    // Rule 3 (line 49): the （七）总计 row, at its 总计.
    Expected {
        code: "E074",
        file: Y23,
        line: 49,
        col: 37,
        at: "14",
        help: "= 10 + 2 + 0 + 0 + 1 + 0 = 13, but 总计 = 14",
    },
    // Rule 4 (line 57): 复议后起诉, at its 总计.
    Expected {
        code: "E075",
        file: Y23,
        line: 57,
        col: 30,
        at: "2",
        help: "= 1 + 0 + 0 + 0 = 1, but 总计 = 2",
    },
    // Rule 5 (the comment above line 43): 新收申请12件 where the table says 13.
    Expected {
        code: "E076",
        file: M23,
        line: 43,
        col: 8,
        at: "12",
        help: "the table says 13: print it with {{ value(\"nb.requests.new.total\") }}",
    },
    // Rule 7 (line 22): 商业企业 and, by design, 总计 differ from 2022's carried_over.
    Expected {
        code: "E077",
        file: Y23,
        line: 22,
        col: 21,
        at: "1",
        help: "content/2022/nianbao.yaml:50 has 四、结转下年度继续办理 · 商业企业 = 0",
    },
    Expected {
        code: "E077",
        file: Y23,
        line: 22,
        col: 36,
        at: "2",
        help: "content/2022/nianbao.yaml:50 has 四、结转下年度继续办理 · 总计 = 1",
    },
    // Rule 8 (line 9): 行政规范性文件 in force, 5 + 1 − 1 ≠ 6.
    Expected {
        code: "E078",
        file: Y23,
        line: 9,
        col: 37,
        at: "6",
        help: "content/2022/nianbao.yaml:9 has 2022's 现行有效件数 = 5; 5 + 1 − 1 = 5",
    },
    // The deadline (line 6): 2024-02-06 for a department's 2023 report.
    Expected {
        code: "W070",
        file: M23,
        line: 6,
        col: 12,
        at: "2024-02-06",
        help: "第四十九条",
    },
    // Copy-forward (the comment above line 50): section 五 is 2022's word for word.
    Expected {
        code: "W071",
        file: M23,
        line: 50,
        col: 1,
        at: "## 五、存在的主要问题及改进情况",
        help: "content/2022/nianbao.md:48 has the same text",
    },
];

#[test]
fn the_broken_fixture_reports_each_rule_once_at_its_cell() {
    let p = Project::fixture("nianbao-broken");
    let (code, list) = findings(&p);
    assert_eq!(code, 1, "{list:#?}");
    let found = report_findings(&list);
    for e in BROKEN {
        // The position is the documented cell: the fixture has `at` there.
        let line = p
            .read(e.file)
            .lines()
            .nth(e.line as usize - 1)
            .unwrap()
            .to_string();
        let from: String = line.chars().skip(e.col as usize - 1).collect();
        assert!(
            from.starts_with(e.at),
            "{}:{}:{} is `{from}`, not `{}`",
            e.file,
            e.line,
            e.col,
            e.at
        );
        let hits: Vec<&&Value> = found
            .iter()
            .filter(|f| {
                f["code"] == e.code
                    && f["file"] == e.file
                    && f["line"] == e.line
                    && f["column"] == e.col
            })
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{} at {}:{}:{} once; got {found:#?}",
            e.code,
            e.file,
            e.line,
            e.col
        );
        let help = hits[0]["help"].as_str().unwrap();
        assert!(help.contains(e.help), "{} help: {help}", e.code);
    }
    assert_eq!(
        found.len(),
        BROKEN.len(),
        "nothing else with the annual report's codes: {found:#?}"
    );
}

#[test]
fn a_failed_build_leaves_the_output_untouched() {
    let p = Project::fixture("nianbao-broken");
    // Without its broken 2023 report the fixture builds; with it, nothing is written.
    let yaml = p.read(Y23);
    let md = p.read(M23);
    std::fs::remove_file(p.path(Y23)).unwrap();
    std::fs::remove_file(p.path(M23)).unwrap();
    p.build();
    let before = p.output_files();
    assert!(before.iter().any(|(n, _)| n == "2022/nianbao.html"));
    p.write(Y23, &yaml).write(M23, &md);
    let run = p.run(&["build"]);
    run.fails_at("E072", "content/2023/nianbao.yaml:50:18");
    assert!(p.output_files() == before, "a failed build changed public/");
}

/// Each file of tests/fixtures/nianbao-bad-input in place of the example's 2021 report, with
/// the error it must give and a part of its message or help.
const BAD_INPUT: &[(&str, &str, &str, &str)] = &[
    (
        "negative.yaml",
        "E001",
        "content/2021/nianbao.yaml:14:13",
        "`-3` is negative",
    ),
    (
        "decimal-count.yaml",
        "E001",
        "content/2021/nianbao.yaml:13:12",
        "`2.5` is not a whole number",
    ),
    (
        "text-cell.yaml",
        "E001",
        "content/2021/nianbao.yaml:9:37",
        "`十二` is not a number",
    ),
    (
        "unknown-row.yaml",
        "E070",
        "content/2021/nianbao.yaml:25:3",
        "did you mean `granted`",
    ),
    (
        "short-row.yaml",
        "E070",
        "content/2021/nianbao.yaml:25:17",
        "has 6 figures; its row of the official table has 7",
    ),
    (
        "missing-section.md",
        "E079",
        "content/2021/nianbao.md:50:1",
        "lacks its section `## 五、存在的主要问题及改进情况`",
    ),
];

#[test]
fn bad_input_is_a_located_error_with_help() {
    for (name, code, at, says) in BAD_INPUT {
        let p = Project::example();
        let ext = name.rsplit('.').next().unwrap();
        let bad = std::fs::read_to_string(
            repo_root()
                .join("tests/fixtures/nianbao-bad-input")
                .join(name),
        )
        .unwrap();
        p.write(&format!("content/2021/nianbao.{ext}"), &bad);
        let run = p.run(&["check"]);
        run.fails_at(code, at);
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        // A cell's help says how to write the cell, not to fix the YAML syntax.
        assert!(
            !run.stderr.contains("fix the YAML syntax"),
            "{name}: {}",
            run.stderr
        );
    }
    // The missing section is reported where it belongs: at the heading that follows it.
    let md = std::fs::read_to_string(
        repo_root().join("tests/fixtures/nianbao-bad-input/missing-section.md"),
    )
    .unwrap();
    assert!(md.lines().nth(49).unwrap().starts_with("## 六、"));
}

#[test]
fn sections_are_matched_by_numeral_and_kept_in_order() {
    let p = Project::example();
    // Provinces word the titles differently: the numeral is what counts.
    p.edit(
        "content/2023/nianbao.md",
        "## 一、总体情况",
        "## 一、政府信息公开工作总体情况",
    );
    let (code, list) = findings(&p);
    assert_eq!(code, 0, "{list:#?}");
    assert!(report_findings(&list).is_empty(), "{list:#?}");
    // Swap two headings: the one out of the longest in-order run is reported, once.
    p.edit(
        "content/2023/nianbao.md",
        "## 二、主动公开政府信息情况",
        "## 三、收到和处理政府信息公开申请情况（暂）",
    );
    p.edit(
        "content/2023/nianbao.md",
        "## 三、收到和处理政府信息公开申请情况\n",
        "## 二、主动公开政府信息情况\n",
    );
    let (code, list) = findings(&p);
    assert_eq!(code, 1);
    let found = report_findings(&list);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["code"], "E079");
    assert_eq!(found[0]["file"], "content/2023/nianbao.md");
    assert_eq!(found[0]["line"], 41);
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("out of order"));
}

#[test]
fn the_deadline_follows_the_agency() {
    let p = Project::fixture("nianbao-broken");
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\nagency: government",
    );
    let (_, list) = findings(&p);
    assert!(
        !list.iter().any(|f| f["code"] == "W070"),
        "a government's report is due by 31 March: {list:#?}"
    );
    p.edit(M23, "published: 2024-02-06", "published: 2024-04-01");
    let (_, list) = findings(&p);
    let late: Vec<&Value> = list.iter().filter(|f| f["code"] == "W070").collect();
    assert_eq!(late.len(), 1, "{list:#?}");
    assert!(late[0]["help"].as_str().unwrap().contains("2024-03-31"));
}

#[test]
fn a_mistyped_cell_id_in_the_narrative_has_a_did_you_mean() {
    let p = Project::example();
    p.edit(
        "content/2023/nianbao.md",
        "本局新收政府信息公开申请{{ value(\"nb.requests.new.total\") }}",
        "本局新收政府信息公开申请{{ value(\"nb.requests.nwe.total\") }}",
    );
    let run = p.run(&["check"]);
    run.fails_at("E004", "content/2023/nianbao.md:43:28");
    assert!(
        run.stderr.contains("did you mean `nb.requests.new.total`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_example_reports_check_clean() {
    let p = Project::example();
    let (code, list) = findings(&p);
    assert_eq!(code, 0, "{list:#?}");
    assert!(list.is_empty(), "{list:#?}");
}

/// The figure a cell id prints in the example's report of `year`, read from the open data the
/// build publishes (group sums added up, as the narrative functions give them).
fn figures(p: &Project, year: i32) -> std::collections::HashMap<String, f64> {
    let data: Value =
        serde_json::from_str(&p.read(&format!("public/{year}/nianbao.json"))).unwrap();
    let mut out = std::collections::HashMap::new();
    for cell in data["cells"].as_array().unwrap() {
        out.insert(
            cell["id"].as_str().unwrap().to_string(),
            cell["value"].as_f64().unwrap(),
        );
    }
    for group in ["denied", "unavailable", "not_handled", "other"] {
        let prefix = format!("nb.requests.{group}.");
        let sum: f64 = out
            .iter()
            .filter(|(id, _)| {
                id.starts_with(&prefix) && id.matches('.').count() == 4 && id.ends_with(".total")
            })
            .map(|(_, v)| v)
            .sum();
        out.insert(format!("{prefix}total"), sum);
    }
    out
}

#[test]
fn figures_written_out_in_the_prose_are_compared_with_the_table() {
    let p = Project::example();
    p.build();
    // Every value() of a cell written out as the figure it prints: the prose is unchanged as
    // a reader sees it, and rule 5 must find nothing in it.
    for year in [2021, 2022, 2023] {
        let values = figures(&p, year);
        let path = format!("content/{year}/nianbao.md");
        let mut text = p.read(&path);
        for (id, v) in &values {
            text = text.replace(&format!("{{{{ value(\"{id}\") }}}}"), &v.to_string());
        }
        assert!(!text.contains("{{ value(\"nb."), "{text}");
        p.write(&path, &text);
    }
    let (code, list) = findings(&p);
    assert_eq!(code, 0, "{list:#?}");
    assert!(report_findings(&list).is_empty(), "{list:#?}");
    // The 2022 report's 三: 上年结转的2件 and 行政复议2件 are the table's; one figure off is an
    // error at it, a share is compared too, and a count that is a part (…件中) is not.
    let m22 = "content/2022/nianbao.md";
    p.edit(m22, "连同上年结转的2件", "连同上年结转的3件");
    p.edit(m22, "予以公开16件，", "予以公开16件，占50%，");
    p.edit(m22, "部分公开3件，", "部分公开3件（占8.1%），");
    p.edit(m22, "其他处理1件，", "其他处理的5件中，");
    let (code, list) = findings(&p);
    assert_eq!(code, 1);
    let found = report_findings(&list);
    let at: Vec<(u64, u64)> = found
        .iter()
        .map(|f| {
            assert_eq!(f["code"], "E076");
            (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap())
        })
        .collect();
    // 1-based columns of the wrong count and of the wrong share on line 43.
    let line = p.read(m22).lines().nth(42).unwrap().to_string();
    let col = |before: &str| {
        line[..line.find(before).unwrap() + before.len()]
            .chars()
            .count() as u64
            + 1
    };
    assert_eq!(
        at,
        vec![(43, col("连同上年结转的")), (43, col("部分公开3件（占"))],
        "{found:#?}"
    );
    assert!(found[0]["help"]
        .as_str()
        .unwrap()
        .contains("the table says 2: print it with {{ value(\"nb.requests.carried_in.total\") }}"));
    assert!(found[1]["help"]
        .as_str()
        .unwrap()
        .contains("3 ÷ （七）总计 32 = 9.4%"));
}

#[test]
fn editing_an_archived_report_warns() {
    let p = Project::example();
    p.run(&["archive", "2022"]).ok();
    let (_, list) = findings(&p);
    assert!(!list.iter().any(|f| f["code"] == "W011"), "{list:#?}");
    for (file, from, to) in [
        (
            "content/2022/nianbao.yaml",
            "  penalty: 52",
            "  penalty: 53",
        ),
        ("content/2022/nianbao.md", "全年公布4批次", "全年公布5批次"),
    ] {
        let p = Project::example();
        p.run(&["archive", "2022"]).ok();
        p.edit(file, from, to);
        let (code, list) = findings(&p);
        assert_eq!(code, 0, "a warning: {list:#?}");
        let w: Vec<&Value> = list.iter().filter(|f| f["code"] == "W011").collect();
        assert_eq!(w.len(), 1, "{list:#?}");
        assert_eq!(w[0]["file"], file);
        assert!(w[0]["message"]
            .as_str()
            .unwrap()
            .contains("was changed after the 2022 edition was archived"));
    }
}

/// A province's row set replaces a group's items; its labels reach the page escaped, and an
/// item key, which becomes part of cell ids and HTML ids, may only be an id.
#[test]
fn a_provincial_row_set_is_published_escaped_and_its_keys_are_ids() {
    let p = Project::example();
    let yaml = p.read("content/2023/nianbao.yaml");
    // （六） with two items instead of three; the example's three are [1…1], [0…0], [1…1], so
    // two items of [1…1] keep every sum.
    let lines: Vec<String> = yaml
        .lines()
        .map(|l| match l.trim_start().split(':').next().unwrap() {
            "no_correction" => "    quit: [1, 0, 0, 0, 0, 0, 1]".to_string(),
            "no_fee" => "    fee: [0, 0, 0, 0, 0, 0, 0]".to_string(),
            "other" if l.starts_with("    other:") => "    fee2: [1, 0, 0, 0, 0, 0, 1]".to_string(),
            _ => l.to_string(),
        })
        .collect();
    assert!(yaml.contains("    no_correction: [1, 0, 0, 0, 0, 0, 1]"));
    assert!(yaml.contains("    other:         [1, 0, 0, 0, 0, 0, 1]"));
    let text = lines.join("\n").replace(
        "format: 2021\n",
        "format: 2021\nrow_set:\n  other:\n    - [quit, \"申请人撤回<script>申请\"]\n    - [fee, 逾期未缴费]\n    - [fee2, 其他]\n",
    );
    p.write("content/2023/nianbao.yaml", &text);
    p.build();
    let html = p.read("public/2023/nianbao.html");
    assert!(
        html.contains("1.申请人撤回&lt;script&gt;申请"),
        "the label is escaped"
    );
    assert!(!html.contains("<script>申请"));
    let csv = p.read("public/2023/nianbao.csv");
    assert!(
        csv.contains("nb.requests.other.quit.total"),
        "the item's cells are published"
    );
    assert!(!csv.contains("nb.requests.other.no_fee"));

    let bad = text.replace("- [quit,", "- [\"q\\\" onmouseover=x\",");
    p.write("content/2023/nianbao.yaml", &bad);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[E070]: row_set.other: item `q\" onmouseover=x` is not a key"),
        "{}",
        run.stderr
    );
}

/// `share(part, whole)` prints a percentage of a total from the cells, so prose and table
/// cannot drift; each of its ids is checked at its own place.
#[test]
fn share_prints_a_cell_as_a_percentage_of_another() {
    let p = Project::example();
    p.build();
    let html = p.read("public/2023/nianbao.html");
    // 予以公开 15 of 29 办结 (content/2023/nianbao.yaml).
    assert!(
        html.contains("予以公开15件（占办结总数的51.7％）"),
        "share() printed"
    );
    p.edit(
        "content/2023/nianbao.md",
        "\"nb.requests.total.total\") }}），部分公开",
        "\"nb.requests.totl.total\") }}），部分公开",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    let line = p
        .read("content/2023/nianbao.md")
        .lines()
        .position(|l| l.contains("nb.requests.totl.total"))
        .unwrap()
        + 1;
    let text = p.read("content/2023/nianbao.md");
    let l = text.lines().nth(line - 1).unwrap();
    let col = l[..l.find("\"nb.requests.totl.total\"").unwrap()]
        .chars()
        .count()
        + 1;
    assert!(
        run.stderr.contains(&format!(
            "error[E004]: unknown cell `nb.requests.totl.total` in share()\n  --> content/2023/nianbao.md:{line}:{col}\n"
        )),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("did you mean `nb.requests.total.total`?"));
}
