//! Unbounded work is refused with a located error: a runaway template loop and YAML nested
//! thousands of brackets deep end quickly, the previous output untouched (issue 11, defect 9).

use crate::support::Project;

#[test]
fn a_runaway_template_loop_is_stopped_and_located() {
    let p = Project::fixture("basic");
    p.build();
    let before = p.output_files();
    let notes = p.read("content/2023/notes.md");
    let line = notes.lines().count() + 1;
    p.write(
        "content/2023/notes.md",
        &format!(
            "{notes}{{% for i in range(100000) %}}{{% for j in range(100000) %}}x{{% endfor %}}{{% endfor %}}\n"
        ),
    );
    let run = p.run(&["build"]);
    run.fails_at("E006", &format!("content/2023/notes.md:{line}:41"));
    assert!(run.stderr.contains("ran out of fuel"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("a loop (e.g. over range()) is too large"));
    assert_eq!(p.output_files(), before);
}

#[test]
fn yaml_nested_deeper_than_any_file_needs_is_refused_at_the_bracket() {
    let p = Project::fixture("basic");
    p.build();
    let before = p.output_files();
    // 200 KB of brackets took 46 s in the YAML scanner before it reached serde's depth limit.
    let deep = format!("sections: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    p.write("content/2023/indicators.yaml", &deep);
    // In front matter too: the bracket is placed in the file, past the opening `---`.
    let report = p.read("content/2023/report.md");
    p.write(
        "content/2022/report.md",
        &report.replacen("---\n", &format!("---\nx: {}\n", "{".repeat(40)), 1),
    );
    let run = p.run(&["build"]);
    run.fails_at("E033", "content/2023/indicators.yaml:1:43");
    run.fails_at("E033", "content/2022/report.md:2:36");
    // The quoted line is a window around the bracket, not 200 KB of it.
    assert!(
        run.stderr.len() < 4_000,
        "{} bytes of stderr",
        run.stderr.len()
    );
    assert_eq!(p.output_files(), before);

    // Brackets inside strings and comments do not count.
    let p = Project::fixture("basic");
    let text = p.read("content/2023/indicators.yaml").replacen(
        "note: 含灵活就业",
        &format!(
            "note: \"含{}灵活就业\"  # {}",
            "[".repeat(40),
            "{".repeat(40)
        ),
        1,
    );
    p.write("content/2023/indicators.yaml", &text);
    p.build();
}
