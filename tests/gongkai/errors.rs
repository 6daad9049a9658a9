//! Bad input: exit 1, a message naming file:line:column with help, and the output untouched.

use crate::support::Project;

/// A project with a previous good build, so each failure can be shown to leave it intact.
fn built() -> (Project, Vec<(String, Vec<u8>)>) {
    let p = Project::fixture("basic");
    p.build();
    let before = p.output_files();
    (p, before)
}

#[track_caller]
fn assert_untouched(p: &Project, before: &[(String, Vec<u8>)]) {
    assert!(p.output_files() == before, "a failed build changed public/");
    let leftovers: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );
}

#[test]
fn yaml_syntax_error() {
    let (p, before) = built();
    p.edit(
        "content/2023/indicators.yaml",
        "        value: 700\n",
        "        value: \"700\n",
    );
    p.run(&["build"])
        .fails_at("E001", "content/2023/indicators.yaml:19:16");
    assert_untouched(&p, &before);
}

#[test]
fn unknown_key() {
    let (p, before) = built();
    p.edit(
        "content/2023/indicators.yaml",
        "        note: 含灵活就业",
        "        notes: 含灵活就业",
    );
    let run = p.run(&["build"]);
    run.fails_at("E001", "content/2023/indicators.yaml:15:9");
    assert!(
        run.stderr.contains("unknown field `notes`"),
        "{}",
        run.stderr
    );
    assert_untouched(&p, &before);
}

#[test]
fn wrong_type() {
    let (p, before) = built();
    p.edit(
        "content/2023/indicators.yaml",
        "        value: 1100",
        "        value: 1100人",
    );
    let run = p.run(&["build"]);
    run.fails_at("E001", "content/2023/indicators.yaml:8:16");
    assert!(
        run.stderr.contains("`1100人` is not a figure"),
        "{}",
        run.stderr
    );
    assert_untouched(&p, &before);
}

#[test]
fn missing_required_field_in_front_matter() {
    let (p, before) = built();
    p.edit("content/2023/report.md", "index_no: T-2023-01\n", "");
    let run = p.run(&["build"]);
    run.fails_at("E001", "content/2023/report.md:2:1");
    assert!(
        run.stderr.contains("missing field `index_no`"),
        "{}",
        run.stderr
    );
    assert_untouched(&p, &before);
}

#[test]
fn invalid_date() {
    let (p, before) = built();
    p.edit(
        "content/2023/report.md",
        "published: 2023-12-20",
        "published: 2023-02-30",
    );
    let run = p.run(&["build"]);
    run.fails_at("E001", "content/2023/report.md:6:12");
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
    assert_untouched(&p, &before);
}

#[test]
fn duplicate_id() {
    let (p, before) = built();
    p.edit(
        "content/2023/indicators.yaml",
        "      - id: jobs.rural",
        "      - id: jobs.urban",
    );
    p.run(&["build"])
        .fails_at("E002", "content/2023/indicators.yaml:20:13");
    assert_untouched(&p, &before);
}

#[test]
fn unknown_id_in_narrative_points_at_the_exact_column() {
    let (p, before) = built();
    p.edit(
        "content/2023/report.md",
        "贷款{{ value(\"money.loan\") }}",
        "贷款{{ value(\"money.lone\") }}",
    );
    let run = p.run(&["build"]);
    // 贷款 is two characters, `{{ value(` nine: the id's quote is column 12.
    run.fails_at("E004", "content/2023/report.md:22:12");
    assert!(
        run.stderr.contains("did you mean `money.loan`?"),
        "{}",
        run.stderr
    );
    assert_untouched(&p, &before);
}

#[test]
fn completion_of_a_withheld_indicator_without_a_stated_rate() {
    let (p, before) = built();
    p.edit(
        "content/2023/notes.md",
        "保密{{ value(\"jobs.hidden\") }}户",
        "保密{{ completion(\"jobs.hidden\") }}",
    );
    let run = p.run(&["build"]);
    run.fails_at("E005", "content/2023/notes.md:6:50");
    assert!(run.stderr.contains("add `target:`"), "{}", run.stderr);
    assert_untouched(&p, &before);
}

#[test]
fn unknown_function_in_narrative() {
    let (p, before) = built();
    p.edit(
        "content/2023/report.md",
        "说明[^a]。",
        "说明{{ valu(\"jobs.total\") }}[^a]。",
    );
    let run = p.run(&["build"]);
    run.fails_at("E006", "content/2023/report.md:28:6");
    assert!(run.stderr.contains("value(\"id\")"), "{}", run.stderr);
    assert_untouched(&p, &before);
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let (p, before) = built();
    p.edit(
        "content/2022/indicators.yaml",
        "        value: 600",
        "        value: abc",
    );
    p.edit(
        "content/2023/report.md",
        "value(\"money.loan\")",
        "value(\"nope\")",
    );
    p.edit(
        "content/2023/report.md",
        "{{ chart(\"jobs.total\") }}",
        "{{ chart(\"nope2\") }}",
    );
    let run = p.run(&["build"]);
    assert_eq!(run.code, 1);
    // The YAML error stops 2022 from loading; the narrative errors of 2023 are found by
    // validation only once everything loads, so a second run shows them.
    run.fails_at("E001", "content/2022/indicators.yaml:15:16");
    p.edit(
        "content/2022/indicators.yaml",
        "        value: abc",
        "        value: 600",
    );
    let run = p.run(&["build"]);
    run.fails_at("E004", "content/2023/report.md:22:12");
    run.fails_at("E004", "content/2023/report.md:24:10");
    assert!(run.stderr.contains("2 error(s)"), "{}", run.stderr);
    assert_untouched(&p, &before);
}

#[test]
fn chart_inside_a_sentence() {
    let (p, _) = built();
    p.edit(
        "content/2023/report.md",
        "贷款{{ value(\"money.loan\") }}万元",
        "贷款{{ chart(\"money.loan\") }}万元",
    );
    p.run(&["build"])
        .fails_at("E009", "content/2023/report.md:22:3");
}

#[test]
fn check_reports_the_same_and_writes_nothing() {
    let p = Project::fixture("basic");
    let run = p.run(&["check"]).ok();
    assert!(run.stdout.contains("no errors"), "{}", run.stdout);
    assert!(!p.path("public").exists());
    p.edit(
        "content/2023/report.md",
        "value(\"money.loan\")",
        "value(\"nope\")",
    );
    p.run(&["check"])
        .fails_at("E004", "content/2023/report.md:22:12");
}

#[test]
fn unknown_function_in_a_theme_template() {
    let (p, before) = built();
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\ntheme: mine",
    );
    p.write(
        "themes/mine/templates/partials/footer.html",
        "<footer>\n  {{ site.organization }} {{ no_such_function() }}\n</footer>\n",
    );
    let run = p.run(&["build"]);
    run.fails_at("E006", "themes/mine/templates/partials/footer.html:2:30");
    assert_untouched(&p, &before);
}

#[test]
fn undefined_variable_in_a_theme_template_is_an_error() {
    let (p, before) = built();
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\ntheme: mine",
    );
    p.write(
        "themes/mine/templates/partials/legend.html",
        "<p>{{ site.no_such_field }}</p>\n",
    );
    p.run(&["build"])
        .fails_at("E006", "themes/mine/templates/partials/legend.html:1:7");
    assert_untouched(&p, &before);
}

#[test]
fn completion_of_a_withheld_value_without_a_stated_rate() {
    let (p, before) = built();
    p.edit(
        "content/2022/report.md",
        "2022年完成就业",
        "完成率{{ completion(\"jobs.secret\") }}，2022年完成就业",
    );
    let run = p.run(&["build"]);
    run.fails_at("E005", "content/2022/report.md:8:18");
    assert!(
        run.stderr.contains("value or target is withheld"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("completion: 101.05"), "{}", run.stderr);
    assert_untouched(&p, &before);
}

#[test]
fn a_broken_link_found_after_every_page_was_written_leaves_the_output_untouched() {
    // `build` writes pages into a staging folder as they are rendered; the link check runs
    // last, so this failure comes after the whole site was written there.
    let (p, before) = built();
    p.edit("content/2023/report.md", "(notes.html)", "(nope.html)");
    p.run(&["build"])
        .fails_at("E022", "content/2023/report.md:12:15");
    assert_untouched(&p, &before);
}
