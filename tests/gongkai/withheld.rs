//! The withheld-figure safety net (E020, E050, E051): `parts` lists that would give a
//! withheld figure away or make no sense (a part listed twice, an indicator among its own
//! parts, a cycle). Each finding is asserted by code, file, line and column.

use crate::support::Project;

/// One seeded mistake: edits to the `basic` fixture and where check must point.
struct Case {
    what: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    code: &'static str,
    at: &'static str,
}

const I23: &str = "content/2023/indicators.yaml";
const PARTS: &str = "parts: [jobs.urban, jobs.rural]";

const CASES: &[Case] = &[
    // `parts` lists (2023: jobs.total = jobs.urban + jobs.rural, line 10).
    Case {
        what: "a part listed twice",
        edits: &[(I23, PARTS, "parts: [jobs.urban, jobs.urban]")],
        code: "E050",
        at: "content/2023/indicators.yaml:10:29",
    },
    Case {
        what: "a withheld part listed twice under a published total",
        edits: &[
            (I23, PARTS, "parts: [jobs.urban, jobs.urban]"),
            (I23, "        value: 700\n", "        value: \"*\"\n"),
        ],
        code: "E020",
        at: "content/2023/indicators.yaml:19:16",
    },
    Case {
        what: "an indicator among its own parts",
        edits: &[(I23, PARTS, "parts: [jobs.urban, jobs.total]")],
        code: "E051",
        at: "content/2023/indicators.yaml:10:29",
    },
    Case {
        what: "a cycle of two",
        edits: &[(
            I23,
            "        value: 700\n",
            "        value: 700\n        parts: [jobs.total]\n",
        )],
        code: "E051",
        at: "content/2023/indicators.yaml:10:17",
    },
    Case {
        what: "a cycle of three, one list in block style",
        edits: &[
            (
                I23,
                "        value: 400\n",
                "        value: 400\n        parts:\n          - jobs.rate\n",
            ),
            (
                I23,
                "        value: 3.2\n",
                "        value: 3.2\n        parts: [jobs.total]\n",
            ),
        ],
        code: "E051",
        at: "content/2023/indicators.yaml:10:29",
    },
];

fn findings(p: &Project) -> (i32, Vec<serde_json::Value>) {
    let run = p.run(&["check", "--format", "json"]);
    let list = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (run.code, list)
}

#[test]
fn each_gap_of_the_safety_net_is_an_error_at_its_source_position() {
    let mut missed = Vec::new();
    for case in CASES {
        let p = Project::fixture("basic");
        for (file, from, to) in case.edits {
            p.edit(file, from, to);
        }
        let (code, list) = findings(&p);
        let (path, rest) = case.at.split_once(':').unwrap();
        let (line, col) = rest.split_once(':').unwrap();
        let found = list.iter().any(|f| {
            f["code"] == case.code
                && f["severity"] == "error"
                && f["file"] == path
                && f["line"] == line.parse::<u64>().unwrap()
                && f["column"] == col.parse::<u64>().unwrap()
                && f["help"].as_str().is_some_and(|h| !h.is_empty())
        });
        if !found || code != 1 {
            missed.push(format!(
                "{} ({}): {} at {} not reported (exit {code}); got:\n{}",
                case.what,
                case.code,
                case.code,
                case.at,
                list.iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}
