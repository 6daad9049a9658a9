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
