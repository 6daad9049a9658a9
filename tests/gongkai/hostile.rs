//! Hostile and odd input ends in a clear error or a correct build: never a panic, a hang,
//! unbounded memory, or a file written outside the output folder.

use crate::support::{output_files, Project};
use proptest::prelude::*;

#[test]
fn every_user_string_is_escaped_in_every_output() {
    const NASTY: &str =
        "<script>alert(1)</script>\"><img src=x onerror=alert(2)>javascript:alert(3)";
    let p = Project::fixture("basic");
    // Single-quoted YAML: no escapes, so the text arrives exactly as written.
    let q = |s: &str| format!("'{s}{NASTY}'");
    for (file, key) in [
        ("content/site.yaml", "title"),
        ("content/site.yaml", "organization"),
        ("content/site.yaml", "  sponsor"),
        ("content/site.yaml", "  address"),
        ("content/site.yaml", "  phone"),
        ("content/site.yaml", "  icp"),
        ("content/site.yaml", "  name"),
        ("content/2023/report.md", "title"),
        ("content/2023/report.md", "publisher"),
        ("content/2023/report.md", "category"),
        ("content/2023/report.md", "summary"),
        ("content/2023/report.md", "doc_no"),
        ("content/2023/notes.md", "title"),
    ] {
        let text = p.read(file);
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key} in {file}"));
        let value = line
            .split_once(": ")
            .unwrap()
            .1
            .trim_matches('"')
            .replace("\\\\", "\\");
        p.edit(file, line, &format!("{key}: {}", q(&value)));
    }
    let yaml = p.read("content/2023/indicators.yaml");
    let yaml = yaml
        .replace("name: 城乡就业", &format!("name: {}", q("城乡就业")))
        .replace("unit: 户", &format!("unit: {}", q("户")))
        .replace("note: 含灵活就业", &format!("note: {}", q("含灵活就业")))
        .replace(
            "source: 区就业服务中心",
            &format!("source: {}", q("区就业服务中心")),
        )
        .replace("title: 就业", &format!("title: {}", q("就业")))
        .replace(
            "break: 自2023年起含贴息部分",
            &format!("break: {}", q("口径")),
        );
    p.write("content/2023/indicators.yaml", &yaml);
    p.edit(
        "content/2022/indicators.yaml",
        "name: 城乡就业",
        &format!("name: {}", q("城乡就业")),
    );
    p.edit(
        "content/2022/indicators.yaml",
        "title: 就业",
        &format!("title: {}", q("就业")),
    );
    p.run(&["build", "--base-url", "https://example.gov.cn/a&x=1&y='2'/"])
        .ok();
    let mut checked = 0;
    for (name, bytes) in p.output_files() {
        if name.ends_with(".csv") || name.ends_with(".json") {
            continue;
        }
        let text = crate::support::without_search_runtime(&String::from_utf8_lossy(&bytes));
        assert!(!text.contains("<script"), "{name} has a raw <script>");
        assert!(
            !text.contains("<img src=x"),
            "{name} has a raw injected <img>"
        );
        assert!(
            !text.contains("=\"javascript:") && !text.contains("='javascript:"),
            "{name}"
        );
        if name.ends_with(".html") || name.ends_with(".xml") {
            assert!(!text.contains("&y="), "{name}: base URL unescaped");
        }
        if name.ends_with(".svg") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        }
        checked += 1;
    }
    assert!(checked > 15);
    // Data files carry the text as data, quoted for their format.
    let json: serde_json::Value = serde_json::from_str(&p.read("public/2023/data.json")).unwrap();
    assert!(json["indicators"][0]["name"]
        .as_str()
        .unwrap()
        .ends_with(NASTY));
}

#[test]
fn ids_and_page_names_cannot_leave_the_output_folder() {
    let p = Project::fixture("basic");
    p.edit(
        "content/2023/indicators.yaml",
        "- id: money.new",
        "- id: ../../evil",
    );
    p.run(&["build"])
        .fails_at("E003", "content/2023/indicators.yaml:54:13");
    let p = Project::fixture("basic");
    p.write("content/2023/Evil Page.md", "---\ntitle: x\n---\nx\n");
    p.run(&["build"])
        .fails_at("E007", "content/2023/Evil Page.md:1:1");
    // A symlink out of content/ is not followed: its target is not published.
    #[cfg(unix)]
    {
        let p = Project::fixture("basic");
        let secret = tempfile::tempdir().unwrap();
        std::fs::write(secret.path().join("secret.txt"), "top secret").unwrap();
        std::os::unix::fs::symlink(secret.path(), p.path("content/2023/attachments")).unwrap();
        std::os::unix::fs::symlink(
            secret.path().join("secret.txt"),
            p.path("content/2023/leak.txt"),
        )
        .unwrap();
        p.build();
        for (name, bytes) in p.output_files() {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("top secret"),
                "{name} leaks"
            );
        }
    }
}

#[test]
fn huge_and_hostile_yaml_end_in_clear_errors() {
    // A 50 MB file is refused before it is parsed.
    let p = Project::fixture("basic");
    let big = "# padding\n".repeat(5_000_000);
    p.write(
        "content/2023/indicators.yaml",
        &(p.read("content/2023/indicators.yaml") + &big),
    );
    let run = p.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("source files are limited to 16 MB"),
        "{}",
        run.stderr
    );

    // A billion-laughs alias bomb: anchors are refused before the parser expands anything.
    let p = Project::fixture("basic");
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    bomb.push_str("sections: *i\n");
    p.write("content/2023/indicators.yaml", &bomb);
    p.run(&["build"])
        .fails_at("E060", "content/2023/indicators.yaml:1:4");

    // Deep nesting.
    let p = Project::fixture("basic");
    p.write(
        "content/2023/indicators.yaml",
        &format!("sections: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let run = p.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E033]"), "{}", run.stderr);

    // Invalid UTF-8.
    let p = Project::fixture("basic");
    std::fs::write(
        p.path("content/2023/report.md"),
        b"---\ntitle: \xff\xfe\n---\n",
    )
    .unwrap();
    let run = p.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not valid UTF-8"), "{}", run.stderr);
}

#[test]
fn a_bom_and_crlf_line_endings_build_the_same_site() {
    let plain = Project::fixture("basic");
    plain.build();
    let windows = Project::fixture("basic");
    for file in [
        "content/site.yaml",
        "content/2023/report.md",
        "content/2023/indicators.yaml",
        "content/2023/notes.md",
    ] {
        let text = windows.read(file).replace('\n', "\r\n");
        windows.write(file, &format!("\u{feff}{text}"));
    }
    windows.build();
    let a = output_files(&plain.path("public"));
    let b = output_files(&windows.path("public"));
    assert_eq!(a.len(), b.len());
    for ((n1, b1), (_, b2)) in a.iter().zip(&b) {
        if n1.ends_with(".svg") || n1.ends_with(".csv") || n1.ends_with(".json") {
            assert!(b1 == b2, "{n1} differs with CRLF input");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary text in the narrative and in YAML values never panics the pipeline:
    /// it builds, or it fails with diagnostics.
    #[test]
    fn arbitrary_text_never_panics(body in "\\PC{0,200}", name in "\\PC{0,40}", value in "[-*0-9.eE+]{0,12}") {
        let p = Project::fixture("basic");
        p.edit("content/2023/report.md", "开篇段落", &body.replace('\r', ""));
        p.edit("content/2023/indicators.yaml", "name: 新增指标", &format!("name: {}", serde_json::to_string(&name).unwrap()));
        p.edit("content/2023/indicators.yaml", "        value: 42\n", &format!("        value: {value}\n"));
        let run = p.run(&["build"]);
        prop_assert!(run.code == 0 || run.code == 1, "exit {} stderr {}", run.code, run.stderr);
        prop_assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        if run.code == 1 {
            prop_assert!(run.stderr.contains("error["), "{}", run.stderr);
        }
    }
}
