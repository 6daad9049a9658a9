//! `gongkai check`: one seeded mistake per rule, each reported with its code at the exact
//! file:line:column; a fixture with many mistakes reports them all; JSON output; exit codes.

use crate::support::{repo_root, Project};

/// One rule: an edit that introduces the mistake, and where check must point.
struct Case {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    code: &'static str,
    at: &'static str,
}

const I23: &str = "content/2023/indicators.yaml";
const R23: &str = "content/2023/report.md";

const CASES: &[Case] = &[
    // Data.
    Case {
        file: I23,
        from: "        value: 700\n",
        to: "        value: 650\n",
        code: "E013",
        at: "content/2023/indicators.yaml:8:16",
    },
    Case {
        file: I23,
        from: "        value: 400\n",
        to: "        value: \"*\"\n",
        code: "W001",
        at: "content/2023/indicators.yaml:10:16",
    },
    Case {
        file: I23,
        from: "        value: 400\n",
        to: "        value: \"*\"\n",
        code: "E020",
        at: "content/2023/indicators.yaml:23:16",
    },
    Case {
        file: I23,
        from: "        target: 1000\n",
        to: "        target: 1000\n        completion: 99\n",
        code: "E014",
        at: "content/2023/indicators.yaml:10:21",
    },
    Case {
        file: I23,
        from: "        value: 3.2\n",
        to: "        value: 103.2\n",
        code: "W002",
        at: "content/2023/indicators.yaml:27:16",
    },
    Case {
        file: I23,
        from: "        value: 42\n",
        to: "        value: -42\n",
        code: "E015",
        at: "content/2023/indicators.yaml:57:16",
    },
    Case {
        file: I23,
        from: "        unit: 万元\n",
        to: "        unit: 亿元\n",
        code: "E016",
        at: "content/2023/indicators.yaml:50:15",
    },
    Case {
        file: I23,
        from: "        name: 创业贷款\n",
        to: "        name: 创业担保贷款\n",
        code: "W003",
        at: "content/2023/indicators.yaml:49:15",
    },
    Case {
        file: I23,
        from: "        value: 700\n",
        to: "        value: 7000\n",
        code: "W004",
        at: "content/2023/indicators.yaml:19:16",
    },
    Case {
        file: I23,
        from: "{\"2023-03\": 300, \"2023-09\": 800,",
        to: "{\"2023-09\": 800, \"2023-03\": 300,",
        code: "E017",
        at: "content/2023/indicators.yaml:11:35",
    },
    Case {
        file: I23,
        from: "\"2023-03\": 300",
        to: "\"2022-03\": 300",
        code: "E018",
        at: "content/2023/indicators.yaml:11:19",
    },
    Case {
        file: I23,
        from: "\"2023-12\": 1100",
        to: "\"2023-12\": 1000",
        code: "E019",
        at: "content/2023/indicators.yaml:11:51",
    },
    Case {
        file: I23,
        from: "        withheld_value: 765432\n",
        to: "        withheld_value: 765432\n        target: 10\n        completion: 50\n",
        code: "E020",
        at: "content/2023/indicators.yaml:42:16",
    },
    Case {
        file: I23,
        from: "  - id: jobs.secret",
        to: "  - id: Jobs.Secret",
        code: "E003",
        at: "content/2023/indicators.yaml:32:13",
    },
    // Narrative.
    Case {
        file: R23,
        from: "开篇段落",
        to: "开篇*段落",
        code: "W010",
        at: "content/2023/report.md:12:3",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "开篇765432段落",
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "城乡就业完成率为98.1％，开篇段落",
        code: "W005",
        at: "content/2023/report.md:12:9",
    },
    Case {
        file: R23,
        from: "(notes.html)",
        to: "(nope.html)",
        code: "E022",
        at: "content/2023/report.md:12:15",
    },
    Case {
        file: R23,
        from: "(notes.html)",
        to: "(notes.html#nope)",
        code: "E022",
        at: "content/2023/report.md:12:15",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "![](notes.html)开篇段落",
        code: "E023",
        at: "content/2023/report.md:12:1",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "电话13812345678，开篇段落",
        code: "E025",
        at: "content/2023/report.md:12:3",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "证件11010519491231002X，开篇段落",
        code: "E024",
        at: "content/2023/report.md:12:3",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "卡号4111111111111111，开篇段落",
        code: "E026",
        at: "content/2023/report.md:12:3",
    },
    Case {
        file: R23,
        from: "开篇段落",
        to: "增长5%，开篇段落",
        code: "W007",
        at: "content/2023/report.md:12:4",
    },
    // Front matter.
    Case {
        file: R23,
        from: "index_no: T-2023-01",
        to: "index_no: T-2022-01",
        code: "E028",
        at: "content/2023/report.md:3:11",
    },
    Case {
        file: R23,
        from: "index_no: T-2023-01",
        to: "index_no: \"\"",
        code: "E027",
        at: "content/2023/report.md:3:11",
    },
    Case {
        file: R23,
        from: "doc_no: 测发〔2023〕1号",
        to: "doc_no: 测发[2023]1号",
        code: "W008",
        at: "content/2023/report.md:9:9",
    },
    Case {
        file: R23,
        from: "written: 2023-12-05",
        to: "written: 2024-01-05",
        code: "E030",
        at: "content/2023/report.md:6:12",
    },
    Case {
        file: R23,
        from: "published: 2023-12-20",
        to: "published: 2023-02-30",
        code: "E001",
        at: "content/2023/report.md:6:12",
    },
];

#[test]
fn every_rule_reports_its_code_at_the_exact_position() {
    let mut missed = Vec::new();
    for case in CASES {
        let p = Project::fixture("basic");
        p.edit(case.file, case.from, case.to);
        let run = p.run(&["check", "--format", "json"]);
        let findings: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (path, rest) = case.at.split_once(':').unwrap();
        let (line, col) = rest.split_once(':').unwrap();
        let found = findings.iter().any(|f| {
            f["code"] == case.code
                && f["file"] == path
                && f["line"] == line.parse::<u64>().unwrap()
                && f["column"] == col.parse::<u64>().unwrap()
                && f["help"].as_str().is_some_and(|h| !h.is_empty())
        });
        if !found {
            missed.push(format!(
                "{} at {} not reported after `{}` → `{}`; got:\n{}",
                case.code, case.at, case.from, case.to, run.stdout
            ));
            continue;
        }
        if case.code.starts_with('E') {
            assert_eq!(run.code, 1, "{}: an error fails check", case.code);
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn word_list_and_index_pattern_come_from_the_project() {
    let p = Project::fixture("basic");
    p.write("content/wordlist.yaml", "开篇: 开头\n");
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\nindex_no_pattern: 'T-\\d{4}-\\d{2}'",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("warning[W006]: “开篇” is on the word list"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--> content/2023/report.md:12:1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("= help: write “开头” (content/wordlist.yaml)"),
        "{}",
        run.stdout
    );
    p.edit(
        "content/2023/report.md",
        "index_no: T-2023-01",
        "index_no: T2023-1",
    );
    p.run(&["check"])
        .fails_at("E029", "content/2023/report.md:3:11");
}

#[test]
fn the_example_site_checks_clean() {
    let p = Project::example();
    let run = p.run(&["check", "--strict"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("no errors") && !run.stdout.contains("warning"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_fixture_with_many_mistakes_reports_them_all_in_the_snapshot_format() {
    let p = Project::fixture("mistakes");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    let expected_path = repo_root().join("tests/fixtures/mistakes/expected.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&expected_path, &run.stderr).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert!(
        run.stderr == expected,
        "check output differs from {} (run with UPDATE_SNAPSHOTS=1 to accept):\n{}",
        expected_path.display(),
        run.stderr
    );
    let headers = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .count();
    assert!(headers >= 20, "{headers} findings");
    assert!(run.stderr.contains("error(s), ") && run.stderr.contains("warning(s)"));
}

#[test]
fn json_lines_and_exit_codes() {
    let p = Project::fixture("basic");
    p.edit(R23, "开篇段落", "开篇*段落");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "a warning alone does not fail check");
    let finding: serde_json::Value =
        serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["code"], "W010");
    assert_eq!(
        p.run(&["check", "--strict"]).code,
        1,
        "--strict fails on warnings"
    );
    // Nothing to check is "could not run".
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["check", "--root"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no content/ folder"));
}
