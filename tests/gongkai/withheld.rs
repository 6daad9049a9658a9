//! The withheld-figure safety net (E020, E021, E050, E051): `parts` lists that would give a
//! withheld figure away or make no sense (a part listed twice, an indicator among its own
//! parts, a cycle), and a withheld figure's real value written into any text that reaches the
//! published site, in any of the forms a reader would recognise, in its own edition or a later
//! one, also where the text as written does not show the digits (YAML escapes, invisible
//! characters, a figure computed by a template or split by markup), in the files published
//! verbatim (theme files, attachments) and in file names. YAML anchors and aliases are
//! refused (E060). Each finding is asserted by code, file, line and column.

use crate::support::Project;

/// One seeded mistake: edits to the `basic` fixture and where check must point.
struct Case {
    what: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    code: &'static str,
    at: &'static str,
}

const I23: &str = "content/2023/indicators.yaml";
const R23: &str = "content/2023/report.md";
const I24: &str = "content/2024/indicators.yaml";
const R24: &str = "content/2024/report.md";
const PARTS: &str = "parts: [jobs.urban, jobs.rural]";

/// The paragraph of report.md line 12 every narrative case rewrites.
const P: &str = "开篇段落";

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
    // indicators.yaml texts (2023 withholds jobs.hidden = 765432, jobs.secret = 876543).
    Case {
        what: "a note",
        edits: &[(I23, "note: 含灵活就业", "note: 含灵活就业765432户")],
        code: "E021",
        at: "content/2023/indicators.yaml:15:20",
    },
    Case {
        what: "a source",
        edits: &[(
            I23,
            "source: 区就业服务中心",
            "source: 区就业服务中心（765432户）",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:14:25",
    },
    Case {
        what: "a description",
        edits: &[(
            I23,
            "        note: 含灵活就业\n",
            "        note: 含灵活就业\n        description: 口径同上年，实际876543人\n",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:16:30",
    },
    Case {
        what: "a section title",
        edits: &[(I23, "title: 就业", "title: 就业（765432户）")],
        code: "E021",
        at: "content/2023/indicators.yaml:3:15",
    },
    Case {
        what: "an indicator name",
        edits: &[(I23, "name: 另一保密指标", "name: 另一保密指标765432")],
        code: "E021",
        at: "content/2023/indicators.yaml:40:21",
    },
    Case {
        what: "a break note, in a block scalar",
        edits: &[(
            I23,
            "        break: 自2023年起含贴息部分\n",
            "        break: |\n          自2023年起含贴息部分，\n          另有876543人\n",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:55:13",
    },
    // Front matter.
    Case {
        what: "the report's title",
        edits: &[(
            R23,
            "title: 测试局2023年工作报告",
            "title: 测试局2023年工作报告765432",
        )],
        code: "E021",
        at: "content/2023/report.md:2:20",
    },
    Case {
        what: "the report's summary",
        edits: &[(R23, "summary: 测试概述。", "summary: 测试概述765432。")],
        code: "E021",
        at: "content/2023/report.md:10:14",
    },
    Case {
        what: "the 文号",
        edits: &[(
            R23,
            "doc_no: 测发〔2023〕1号",
            "doc_no: 测发〔2023〕765432号",
        )],
        code: "E021",
        at: "content/2023/report.md:9:17",
    },
    Case {
        what: "a further page's title",
        edits: &[(
            "content/2023/notes.md",
            "title: 2024年重点工作",
            "title: 2024年重点工作765432",
        )],
        code: "E021",
        at: "content/2023/notes.md:2:17",
    },
    // The narrative beyond plain text.
    Case {
        what: "a raw-HTML attribute",
        edits: &[(R23, P, "<span title=\"765432\">开篇段落</span>")],
        code: "E021",
        at: "content/2023/report.md:12:14",
    },
    Case {
        what: "a code span",
        edits: &[(R23, P, "`765432`开篇段落")],
        code: "E021",
        at: "content/2023/report.md:12:2",
    },
    Case {
        what: "a link URL",
        edits: &[(R23, P, "[外链](https://example.com/765432)开篇段落")],
        code: "E021",
        at: "content/2023/report.md:12:26",
    },
    Case {
        what: "thousands separators",
        edits: &[(R23, P, "开篇765,432段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "full-width thousands separators",
        edits: &[(R23, P, "开篇765，432段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "spaces as thousands separators",
        edits: &[(R23, P, "开篇 765 432 段落")],
        code: "E021",
        at: "content/2023/report.md:12:4",
    },
    Case {
        what: "full-width digits",
        edits: &[(R23, P, "开篇７６５４３２段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "a decimal form",
        edits: &[(R23, P, "开篇765432.00段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "written in 万",
        edits: &[(R23, P, "开篇76.5432万户段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    // Later editions.
    Case {
        what: "the next edition's narrative",
        edits: &[(R24, "。", "。上年该项为765432户。")],
        code: "E021",
        at: "content/2024/report.md:9:34",
    },
    Case {
        what: "an edition two years later",
        edits: &[(R24, "。", "。前年为987654人。")],
        code: "E021",
        at: "content/2024/report.md:9:32",
    },
    Case {
        what: "the next edition's indicators.yaml",
        edits: &[(
            I24,
            "        value: 1200\n",
            "        value: 1200\n        note: 上年保密指标876543人\n",
        )],
        code: "E021",
        at: "content/2024/indicators.yaml:9:21",
    },
    // site.yaml is on every page.
    Case {
        what: "site.yaml",
        edits: &[(
            "content/site.yaml",
            "address: 测试路1号",
            "address: 测试路765432号",
        )],
        code: "E021",
        at: "content/site.yaml:13:15",
    },
    // Strings as YAML reads them, where the text as written does not show the digits.
    Case {
        what: "\\u escapes in a note",
        edits: &[(
            I23,
            "note: 含灵活就业",
            "note: \"另有\\u0038\\u0037\\u0036543人\"",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:15:15",
    },
    Case {
        what: "\\x escapes in a source",
        edits: &[(I23, "source: 区就业服务中心", "source: \"876\\x35\\x343\"")],
        code: "E021",
        at: "content/2023/indicators.yaml:14:17",
    },
    Case {
        what: "\\U escapes in a name",
        edits: &[(
            I23,
            "name: 新增指标",
            "name: \"\\U00000038\\U00000037\\U00000036543\"",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:55:15",
    },
    Case {
        what: "an escaped line break inside a double-quoted string",
        edits: &[(
            I23,
            "break: 自2023年起含贴息部分",
            "break: \"自2023年起876\\\n          543\"",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:53:16",
    },
    Case {
        what: "a plain string folded over two lines",
        edits: &[(
            I23,
            "note: 含灵活就业",
            "note: 含灵活就业876\n          543人",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:15:15",
    },
    Case {
        what: "an escaped soft hyphen inside the digits",
        edits: &[(I23, "note: 含灵活就业", "note: \"876\\u00AD543\"")],
        code: "E021",
        at: "content/2023/indicators.yaml:15:15",
    },
    Case {
        what: "escapes in a section title",
        edits: &[(
            I23,
            "title: 资金",
            "title: \"资金\\u0038\\u0037\\u0036543\"",
        )],
        code: "E021",
        at: "content/2023/indicators.yaml:46:12",
    },
    Case {
        what: "escapes in the report's summary",
        edits: &[(
            R23,
            "summary: 测试概述。",
            "summary: \"测试\\u0038\\u0037\\u0036543\"",
        )],
        code: "E021",
        at: "content/2023/report.md:10:10",
    },
    Case {
        what: "escapes in site.yaml",
        edits: &[(
            "content/site.yaml",
            "address: 测试路1号",
            "address: \"测试路\\u0038\\u0037\\u0036543号\"",
        )],
        code: "E021",
        at: "content/site.yaml:13:12",
    },
    // Anchors, aliases and merge keys are refused outright (E060).
    Case {
        what: "an alias of the withheld value",
        edits: &[
            (I23, "withheld_value: 876543", "withheld_value: &w 876543"),
            (I23, "note: 含灵活就业", "note: *w"),
        ],
        code: "E060",
        at: "content/2023/indicators.yaml:38:25",
    },
    Case {
        what: "a merge key",
        edits: &[(
            I23,
            "        note: 含灵活就业\n",
            "        note: 含灵活就业\n        <<: {description: 说明}\n",
        )],
        code: "E060",
        at: "content/2023/indicators.yaml:16:9",
    },
    Case {
        what: "an anchor in front matter",
        edits: &[(R23, "summary: 测试概述。", "summary: &s 测试概述。")],
        code: "E060",
        at: "content/2023/report.md:10:10",
    },
    Case {
        what: "an anchor in site.yaml",
        edits: &[(
            "content/site.yaml",
            "address: 测试路1号",
            "address: &a 测试路1号",
        )],
        code: "E060",
        at: "content/site.yaml:13:12",
    },
    // Invisible characters inside the digits hide nothing.
    Case {
        what: "a soft hyphen",
        edits: &[(R23, P, "开篇876\u{AD}543段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "zero-width space and joiners, word joiner",
        edits: &[(R23, P, "开篇8\u{200B}7\u{200C}6\u{200D}5\u{2060}43段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "byte order mark, grapheme joiner, variation selector",
        edits: &[(R23, P, "开篇8\u{FEFF}7\u{34F}6\u{FE0F}543段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "bidi embeddings and overrides",
        edits: &[(
            R23,
            P,
            "开篇8\u{202A}7\u{202B}6\u{202C}5\u{202D}4\u{202E}3段落",
        )],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "bidi isolates",
        edits: &[(R23, P, "开篇8\u{2066}7\u{2067}6\u{2068}5\u{2069}43段落")],
        code: "E021",
        at: "content/2023/report.md:12:3",
    },
    Case {
        what: "a zero-width space in a section title",
        edits: &[(I23, "title: 资金", "title: 资金876\u{200B}543")],
        code: "E021",
        at: "content/2023/indicators.yaml:46:14",
    },
    // The narrative as templates and Markdown made it: found by render, at the page.
    Case {
        what: "a sum in a template expression",
        edits: &[(R23, P, "开篇{{ 876542 + 1 }}段落")],
        code: "E021",
        at: "content/2023/report.md:1:1",
    },
    Case {
        what: "strings joined in a template expression",
        edits: &[(R23, P, "开篇{{ \"8765\" ~ \"43\" }}段落")],
        code: "E021",
        at: "content/2023/report.md:1:1",
    },
    Case {
        what: "an HTML comment inside the digits",
        edits: &[(R23, P, "开篇876<!-- -->543段落")],
        code: "E021",
        at: "content/2023/report.md:1:1",
    },
    Case {
        what: "a character reference",
        edits: &[(R23, P, "开篇&#56;76543段落")],
        code: "E021",
        at: "content/2023/report.md:1:1",
    },
    Case {
        what: "Markdown emphasis inside the digits",
        edits: &[(R23, P, "开篇876**5**43段落")],
        code: "E021",
        at: "content/2023/report.md:1:1",
    },
    Case {
        what: "an HTML tag inside the digits",
        edits: &[(R23, P, "开篇8<b>7</b>6543段落")],
        code: "E021",
        at: "content/2023/report.md:1:1",
    },
    Case {
        what: "a computed attribute",
        edits: &[(R23, P, "<span title=\"{{ 765431 + 1 }}\">开篇段落</span>")],
        code: "E021",
        at: "content/2023/report.md:1:1",
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

/// Files a case adds to the `basic` fixture, with the site.yaml line that selects the theme.
const THEME: (&str, &str, &str) = (
    "content/site.yaml",
    "title: 测试局信息公开",
    "theme: mine\ntitle: 测试局信息公开",
);

/// Where a finding about a published file must point: a source position, or, for a file
/// published verbatim (not a source gongkai reads), the path and position its message names.
enum At {
    Source(&'static str),
    Message(&'static str),
}

/// A seeded leak in the files a site publishes besides its texts.
struct FileCase {
    what: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    writes: &'static [(&'static str, &'static [u8])],
    at: At,
}

const FILE_CASES: &[FileCase] = &[
    FileCase {
        what: "a theme template (its HTML comments are published)",
        edits: &[THEME],
        writes: &[(
            "themes/mine/templates/partials/footer.html",
            "<footer>统计<!-- 876543 --></footer>\n".as_bytes(),
        )],
        at: At::Source("themes/mine/templates/partials/footer.html:1:16"),
    },
    FileCase {
        what: "a theme's stylesheet",
        edits: &[THEME],
        writes: &[(
            "themes/mine/static/extra.css",
            b"a { color: red; }\n/* 876543 */\n",
        )],
        at: At::Message("themes/mine/static/extra.css:2:4:"),
    },
    FileCase {
        what: "a theme's script",
        edits: &[THEME],
        writes: &[("themes/mine/static/app.js", b"var n = 765432;\n")],
        at: At::Message("themes/mine/static/app.js:1:9:"),
    },
    FileCase {
        what: "a theme's static file name",
        edits: &[THEME],
        writes: &[("themes/mine/static/img765432.png", b"\x89PNG")],
        at: At::Message("`themes/mine/static/img765432.png`"),
    },
    FileCase {
        what: "a csv attachment",
        edits: &[],
        writes: &[(
            "content/2023/附件.csv",
            "指标,数值\n保密指标,\"876,543\"\n".as_bytes(),
        )],
        at: At::Message("content/2023/附件.csv:2:7:"),
    },
    FileCase {
        what: "an svg attachment of a later edition, in a subfolder",
        edits: &[],
        writes: &[(
            "content/2024/图/chart.SVG",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><text>765432</text></svg>",
        )],
        at: At::Message("content/2024/图/chart.SVG:1:47:"),
    },
    FileCase {
        what: "a page's file name",
        edits: &[],
        writes: &[(
            "content/2023/p876543.md",
            "---\ntitle: 附录\n---\n正文\n".as_bytes(),
        )],
        at: At::Source("content/2023/p876543.md:1:1"),
    },
    FileCase {
        what: "an attachment's file name",
        edits: &[],
        writes: &[("content/2023/附件876543.pdf", b"%PDF-1.4")],
        at: At::Message("`content/2023/附件876543.pdf`"),
    },
    FileCase {
        what: "an attachment's folder name",
        edits: &[],
        writes: &[
            ("content/2023/876543/a.pdf", b"%PDF-1.4"),
            ("content/2023/876543/b.pdf", b"%PDF-1.4"),
        ],
        at: At::Message("`content/2023/876543`"),
    },
];

#[test]
fn a_withheld_figure_in_a_published_file_or_its_name_is_an_error() {
    let mut missed = Vec::new();
    for case in FILE_CASES {
        let p = Project::fixture("basic");
        for (file, from, to) in case.edits {
            p.edit(file, from, to);
        }
        for (file, bytes) in case.writes {
            let path = p.path(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let (code, list) = findings(&p);
        let matching: Vec<_> = list
            .iter()
            .filter(|f| f["code"] == "E021" && f["severity"] == "error")
            .filter(|f| f["help"].as_str().is_some_and(|h| !h.is_empty()))
            .filter(|f| match case.at {
                At::Source(at) => {
                    let (path, rest) = at.split_once(':').unwrap();
                    let (line, col) = rest.split_once(':').unwrap();
                    f["file"] == path
                        && f["line"] == line.parse::<u64>().unwrap()
                        && f["column"] == col.parse::<u64>().unwrap()
                }
                At::Message(text) => f["message"].as_str().is_some_and(|m| m.contains(text)),
            })
            .collect();
        // A folder is named once, however many files it holds.
        if matching.len() != 1 || code != 1 {
            missed.push(format!(
                "{}: {} findings (exit {code}); got:\n{}",
                case.what,
                matching.len(),
                list.iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}

/// Numbers that merely contain the digits, comments that never reach the output, published
/// figures and the edition before the one that withholds: none of these is a leak.
#[test]
fn only_the_whole_number_in_published_text_counts() {
    let p = Project::fixture("basic");
    p.edit(
        R23,
        P,
        "开篇1765432、7654321、765432.5、7,654,320、12.765432段落{# 内部：实为765432户 #}<!-- 765432 -->",
    );
    p.edit(
        I23,
        "note: 含灵活就业",
        "note: 含灵活就业  # 内部：保密指标实为876543人",
    );
    p.edit(
        "content/2022/report.md",
        "2022年完成就业",
        "2022年（下年保密指标为765432户）完成就业",
    );
    let (code, list) = findings(&p);
    let leaks: Vec<_> = list
        .iter()
        .filter(|f| f["code"] == "E021" || f["code"] == "E050" || f["code"] == "E051")
        .collect();
    assert!(leaks.is_empty(), "{leaks:?}");
    assert_eq!(code, 0, "{list:?}");
}

#[test]
fn a_leak_in_a_summary_fails_the_build_and_keeps_the_previous_output() {
    let p = Project::fixture("basic");
    p.build();
    let before = p.output_files();
    p.edit(
        R23,
        "summary: 测试概述。",
        "summary: 测试概述，另有765,432户。",
    );
    p.run(&["build"])
        .fails_at("E021", "content/2023/report.md:10:17");
    assert!(p.output_files() == before, "a failed build changed public/");
    // The summary reaches feed.xml with a base URL: the build refuses there too.
    p.run(&["build", "--base-url", "https://example.gov.cn/"])
        .fails_at("E021", "content/2023/report.md:10:17");
    assert!(p.output_files() == before, "a failed build changed public/");
}

/// A small withheld figure must not turn every later date into an error no one can reword.
#[test]
fn a_date_is_not_a_figure() {
    let p = Project::fixture("basic");
    p.edit(I23, "withheld_value: 765432", "withheld_value: 20");
    // 2023-12-20 and 2024-12-20 are the 发布日期 of both editions' front matter.
    p.edit(R24, "。", "。截至2024年11月20日，2024/11/20。");
    let (code, list) = findings(&p);
    let leaks: Vec<_> = list.iter().filter(|f| f["code"] == "E021").collect();
    assert!(leaks.is_empty(), "{leaks:?}");
    assert_eq!(code, 0, "{list:?}");
    p.edit(R24, "。截至", "。另有20户，截至");
    let (code, list) = findings(&p);
    assert_eq!(code, 1);
    assert!(
        list.iter().any(|f| f["code"] == "E021"
            && f["file"] == R24
            && f["line"] == 9
            && f["column"] == 31),
        "{list:?}"
    );
}

/// What the new checks must let through: digits that only meet across a table cell, a line
/// break or a printed figure, an `&` in text, template comments, and a file of the edition
/// before the one that withholds.
#[test]
fn separate_numbers_ampersands_and_comments_are_not_leaks() {
    let p = Project::fixture("basic");
    p.edit(
        R23,
        P,
        "开篇87{{ value(\"jobs.total\") }}6543、876<br>543段落\n\n| 甲 | 乙 |\n|---|---|\n| 876 | 543 |\n",
    );
    p.edit(I23, "note: 含灵活就业", "note: 研发&创新, &c");
    p.edit(I23, "source: 区就业服务中心", "source: \"R&D\"");
    p.edit(THEME.0, THEME.1, THEME.2);
    p.write(
        "themes/mine/templates/partials/footer.html",
        "<footer>{# 内部：876543 #}统计</footer>\n",
    );
    p.write("themes/mine/static/extra.css", "a { color: #333; }\n");
    p.write("content/2022/附件.csv", "指标,数值\n下年保密,876543\n");
    let (code, list) = findings(&p);
    let wrong: Vec<_> = list
        .iter()
        .filter(|f| f["code"] == "E021" || f["code"] == "E060")
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(code, 0, "{list:?}");
}

/// A figure only the rendered page shows stops the build like any other error, in its own
/// edition's pages and in a later edition's.
#[test]
fn a_figure_made_by_a_template_fails_the_build_and_keeps_the_previous_output() {
    let p = Project::fixture("basic");
    p.build();
    let before = p.output_files();
    p.edit(R23, P, "开篇{{ 876542 + 1 }}段落");
    p.run(&["build"])
        .fails_at("E021", "content/2023/report.md:1:1");
    assert!(p.output_files() == before, "a failed build changed public/");
    p.edit(R23, "开篇{{ 876542 + 1 }}段落", P);
    p.edit(R24, "。", "。上年该项为{{ \"8765\" ~ \"43\" }}人。");
    p.run(&["build"]).ok();
    p.run(&["build", "--drafts"])
        .fails_at("E021", "content/2024/report.md:1:1");
}

/// A small withheld figure is not found in what gongkai numbers itself on a rendered page:
/// footnote numbers (`[2]`) and the ids of repeated headings (`小结-2`).
#[test]
fn numbers_gongkai_gives_a_page_are_not_figures() {
    let p = Project::fixture("basic");
    p.edit(I23, "withheld_value: 765432", "withheld_value: 2");
    p.edit(
        R23,
        "说明[^a]。",
        "说明[^a]，又见[^b]。\n\n### 小结\n\n甲\n\n### 小结\n\n乙\n\n### 小结\n\n丙\n\n[^b]: 另注。",
    );
    let (code, list) = findings(&p);
    let leaks: Vec<_> = list.iter().filter(|f| f["code"] == "E021").collect();
    assert!(leaks.is_empty(), "{leaks:?}");
    assert_eq!(code, 0, "{list:?}");
}
