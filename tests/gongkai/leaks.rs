//! Nothing leaked: backup copies, non-finite figures, spreadsheet formulas and control
//! characters never reach a published file as they were written (issue 11).

use crate::support::Project;

/// Every output file whose bytes contain `needle`.
fn files_containing(p: &Project, needle: &str) -> Vec<String> {
    p.output_files()
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn backups_and_stray_sources_are_never_published() {
    let p = Project::fixture("basic");
    let yaml = p.read("content/2023/indicators.yaml");
    let report = p.read("content/2023/report.md");
    assert!(yaml.contains("withheld_value: 876543"));
    for name in [
        "indicators.yaml~",
        "indicators.yaml.bak",
        "indicators 副本.yaml",
        "indicators.yml",
        ".indicators.yaml.swp",
        "~$填报表.xlsx",
        "#indicators.yaml#",
        "old/indicators.yaml",
        ".git/indicators.yaml",
    ] {
        p.write(&format!("content/2023/{name}"), &yaml);
    }
    p.write("content/2023/report.md.orig", &report);
    p.write("content/2023/img/draft.md", &report);
    // Attachments of the listed kinds still are, in subfolders too.
    p.write("content/2023/附件1.pdf", "%PDF-1.4 attachment");
    p.write("content/2023/img/图 1.PNG", "png bytes");

    let check = p.run(&["check"]);
    assert_eq!(check.code, 0, "warnings only:\n{}", check.stderr);
    let said = check.stdout;
    for skipped in [
        "content/2023/indicators.yaml~",
        "content/2023/indicators.yaml.bak",
        "content/2023/indicators 副本.yaml",
        "content/2023/report.md.orig",
        "content/2023/img/draft.md",
        "content/2023/.indicators.yaml.swp",
        "content/2023/.git",
    ] {
        assert!(
            said.contains(&format!("warning[W012]: {skipped} is not published")),
            "{skipped} not named in:\n{said}"
        );
    }
    assert!(!said.contains("附件1.pdf"), "{said}");
    assert_eq!(p.run(&["check", "--strict"]).code, 1);

    p.build();
    assert_eq!(files_containing(&p, "876543"), Vec::<String>::new());
    let published: Vec<String> = p.output_files().into_iter().map(|(n, _)| n).collect();
    assert!(published.contains(&"2023/附件1.pdf".to_string()));
    assert!(published.contains(&"2023/img/图 1.PNG".to_string()));
    let stray = |n: &&String| {
        [
            ".yaml", ".yml", ".md", "~", ".bak", ".orig", ".swp", ".xlsx", "#",
        ]
        .iter()
        .any(|end| n.ends_with(end))
            || n.contains("副本")
            || n.contains(".git")
    };
    assert_eq!(published.iter().filter(stray).count(), 0, "{published:?}");
}

#[test]
fn theme_static_files_are_an_allow_list_too() {
    let p = Project::fixture("basic");
    p.write("themes/default/static/extra.css", "body{}");
    p.write("themes/default/static/extra.css~", "old");
    p.write("themes/default/static/.DS_Store", "x");
    p.write("themes/default/static/notes.yaml", "secret: 1");
    let said = p.run(&["check"]).ok().stdout;
    for skipped in ["extra.css~", ".DS_Store", "notes.yaml"] {
        assert!(
            said.contains(&format!(
                "warning[W012]: themes/default/static/{skipped} is not published"
            )),
            "{skipped}: {said}"
        );
    }
    p.build();
    let published: Vec<String> = p.output_files().into_iter().map(|(n, _)| n).collect();
    assert!(published.iter().any(|n| n.ends_with("extra.css")));
    assert!(!published
        .iter()
        .any(|n| n.ends_with('~') || n.ends_with(".DS_Store") || n.ends_with("notes.yaml")));
}

#[test]
fn non_finite_and_overflowing_figures_are_located_errors() {
    // (what replaces `value: 1100` of jobs.total at 2023/indicators.yaml:8, where the error points)
    for (written, at) in [
        ("value: .nan", "8:16"),
        ("value: .inf", "8:16"),
        ("value: -.inf", "8:16"),
        ("value: 1.79e308", "8:16"),
        ("value: 1e300\n        completion: 100", "8:16"),
        // A tiny target makes value/target overflow the completion rate.
        ("value: 1e15\n        target: 1e-300", "9:17"),
        ("value: 1100\n        completion: .nan", "9:21"),
        ("value: 1100\n        withheld_value: .inf", "9:25"),
    ] {
        let p = Project::fixture("basic");
        p.build();
        let before = p.output_files();
        let target_line = if written.contains("target") {
            "value: 1100\n        target: 1000"
        } else {
            "value: 1100"
        };
        let yaml = p
            .read("content/2023/indicators.yaml")
            .replacen(target_line, written, 1);
        p.write("content/2023/indicators.yaml", &yaml);
        let run = p.run(&["build"]);
        run.fails_at("E001", &format!("content/2023/indicators.yaml:{at}"));
        assert!(
            run.stderr
                .contains("= help: write the figure as a plain number"),
            "{written}: {}",
            run.stderr
        );
        assert_eq!(p.output_files(), before, "{written}: output changed");
    }
}

#[test]
fn control_characters_reach_no_output_and_check_says_where() {
    let p = Project::fixture("basic");
    p.edit(
        "content/2023/indicators.yaml",
        "name: 城乡就业",
        "name: \"城乡\\uFFFE就业\\x01\"",
    );
    // A part's name is drawn in the history chart's legend.
    p.edit(
        "content/2023/indicators.yaml",
        "name: 城镇就业",
        "name: \"城镇\\u0007就业\\uFFFF\"",
    );
    let report = p.read("content/2023/report.md");
    let title = report.lines().find(|l| l.starts_with("title:")).unwrap();
    p.edit(
        "content/2023/report.md",
        title,
        &format!(
            "title: \"{}\\x1b\"",
            title["title:".len()..].trim().trim_matches('"')
        ),
    );
    p.write(
        "content/2023/report.md",
        &format!(
            "{}\n铃声\u{7}与删除\u{7f}字符。\n",
            p.read("content/2023/report.md")
        ),
    );

    let check = p.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let w013: Vec<&str> = check
        .stdout
        .split("warning[")
        .filter(|b| b.starts_with("W013]"))
        .collect();
    assert_eq!(w013.len(), 7, "{}", check.stdout);
    for at in [
        "content/2023/indicators.yaml:6:",
        "content/2023/indicators.yaml:17:",
        "content/2023/report.md:2:",
    ] {
        assert!(
            w013.iter().any(|b| b.contains(at)),
            "{at}:\n{}",
            check.stdout
        );
    }

    p.run(&["build", "--base-url", "https://example.gov.cn/"])
        .ok();
    let mut xml = 0;
    for (name, bytes) in p.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        if name.ends_with(".svg") || name.ends_with(".xml") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
            xml += 1;
        }
        if name.ends_with(".json") {
            continue; // JSON escapes control characters itself (\u0001), which is valid.
        }
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| {
                (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                    || ('\u{7f}'..='\u{9f}').contains(&c)
                    || c == '\u{fffe}'
                    || c == '\u{ffff}'
            })
            .collect();
        assert!(bad.is_empty(), "{name} holds {bad:?}");
    }
    // Six charts (one-point and all-withheld indicators get a notice instead), the sitemap and
    // the feed.
    assert!(xml >= 8, "{xml} XML files");
    assert!(p.read("public/2023/index.html").contains("铃声与删除字符"));
    assert!(p
        .read("public/2023/indicators/jobs.total.html")
        .contains("城乡就业"));
}

#[test]
fn csv_cells_that_excel_would_run_are_quoted_as_text() {
    let p = Project::fixture("basic");
    p.edit(
        "content/2023/indicators.yaml",
        "name: 城乡就业",
        "name: '=HYPERLINK(\"http://evil.example\",\"点击\")'",
    );
    p.edit(
        "content/2023/indicators.yaml",
        "note: 含灵活就业",
        "note: '@SUM(1+1)'",
    );
    p.edit(
        "content/2023/indicators.yaml",
        "source: 区就业服务中心",
        "source: \"\\t-2+3\"",
    );
    p.build();
    for file in [
        "public/2023/data.csv",
        "public/data/all.csv",
        "public/indicators/jobs.total.csv",
    ] {
        let text = p.read(file);
        let mut reader =
            csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let row = reader
            .records()
            .map(Result::unwrap)
            .find(|r| {
                r[col("id")] == *"jobs.total"
                    && (!headers.iter().any(|h| h == "edition") || r[col("edition")] == *"2023")
            })
            .unwrap();
        assert_eq!(
            &row[col("name")],
            "'=HYPERLINK(\"http://evil.example\",\"点击\")",
            "{file}"
        );
        assert_eq!(&row[col("note")], "'@SUM(1+1)", "{file}");
        assert_eq!(&row[col("source")], "'\t-2+3", "{file}");
        // Figures stay numbers, negative ones too.
        assert_eq!(&row[col("value")], "1100", "{file}");
        for r in reader.records() {
            for cell in r.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r']),
                    "{file}: {cell}"
                );
            }
        }
    }
}

#[test]
fn an_attachment_never_takes_the_place_of_a_file_gongkai_writes() {
    for name in [
        "data.csv",
        "DATA.CSV",
        "charts/jobs.secret.svg",
        "Indicators/x.png",
    ] {
        let p = Project::fixture("basic");
        p.build();
        let before = p.output_files();
        p.write(&format!("content/2023/{name}"), "secret,876543\n");
        let run = p.run(&["build"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "error[E052]: content/2023/{name} would take the place of a file gongkai writes"
            )),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(p.output_files(), before, "{name}");
    }
    // In a folder of its own it is an attachment like any other.
    let p = Project::fixture("basic");
    p.write("content/2023/files/data.csv", "a,b\n");
    p.build();
    assert!(p.path("public/2023/files/data.csv").is_file());
}

#[test]
fn settings_and_rates_out_of_range_are_located_errors() {
    let p = Project::fixture("basic");
    let site = p.read("content/site.yaml");
    for (setting, at) in [
        ("checks:\n  jump_factor: .nan\n", "jump_factor"),
        ("checks:\n  jump_factor: 0.5\n", "jump_factor"),
    ] {
        p.write("content/site.yaml", &format!("{site}{setting}"));
        let run = p.run(&["check"]);
        assert_eq!(run.code, 1, "{setting}: {}", run.stderr);
        assert!(
            run.stderr.contains("jump_factor is a number above 1"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("content/site.yaml:"),
            "{at}: {}",
            run.stderr
        );
    }
    p.write("content/site.yaml", &site);
    for (from, to, message, at) in [
        (
            "decimals: 1",
            "decimals: 40",
            "decimals is 0 to 6",
            "content/2023/indicators.yaml:30:19",
        ),
        (
            "value: 3.2",
            "value: 3.2\n        completion: -5",
            "a completion rate is not negative",
            "content/2023/indicators.yaml:28:21",
        ),
    ] {
        let q = Project::fixture("basic");
        q.edit("content/2023/indicators.yaml", from, to);
        let run = q.run(&["check"]);
        run.fails_at("E001", at);
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
}

#[test]
fn check_never_prints_a_control_character_to_the_terminal() {
    let p = Project::fixture("basic");
    let report = p.read("content/2023/report.md");
    p.write(
        "content/2023/report.md",
        &format!(
            "{report}\nA\u{1b}]0;PWNED\u{7}B\u{1b}[2KC \u{202e}abc {{{{ value(\"nope\") }}}}\n"
        ),
    );
    let run = p.run(&["check"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("error[E004]"), "{all}");
    assert!(
        all.contains("A\\u{1b}]0;PWNED\\u{7}B\\u{1b}[2KC \\u{202e}abc"),
        "{all}"
    );
    assert!(
        !all.chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}'),
        "{all:?}"
    );
}
