//! Narrative functions print figures from the data, in official-document style.

use crate::support::{attrs, texts, Project};

fn paragraphs() -> Vec<String> {
    let p = Project::fixture("basic");
    p.build();
    texts(&p.html("2023/index.html"), ".narrative p")
}

#[test]
fn value_target_completion_and_change_print_from_the_data() {
    let ps = paragraphs();
    assert!(
        ps.contains(&"完成就业1100人，目标1000人，完成率110.00％，同比增长10.0％。".to_string()),
        "{ps:#?}"
    );
    // Rates change in percentage points, decimals as configured.
    assert!(
        ps.contains(&"失业率3.2％，较上年降低0.3个百分点。".to_string()),
        "{ps:#?}"
    );
    // decimals: 2 and an unchanged value.
    assert!(
        ps.contains(&"贷款1234.50万元，持平。".to_string()),
        "{ps:#?}"
    );
}

#[test]
fn withheld_figures_print_as_a_literal_star_never_as_emphasis() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("2023/index.html");
    let ps = texts(&doc, ".narrative p");
    // Three withheld figures in one sentence, and a stated completion rate for one of them.
    assert!(
        ps.contains(&"保密指标*人，目标*人，完成率101.05％；另有*户。".to_string()),
        "{ps:#?}"
    );
    assert!(texts(&doc, ".narrative em").is_empty());
    // A "*" must never stand unexplained.
    assert_eq!(
        texts(&doc, ".withheld-note"),
        vec!["注：“*”表示该数据依法不予公开。"]
    );
    // The further page prints a withheld figure too, so it carries the legend as well.
    let notes = p.html("2023/notes.html");
    assert_eq!(
        texts(&notes, ".narrative p"),
        vec!["新增指标目标50个，保密*户。"]
    );
    assert_eq!(texts(&notes, ".withheld-note").len(), 1);
}

#[test]
fn chart_call_becomes_a_figure_linked_to_its_data() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("2023/index.html");
    assert_eq!(
        attrs(&doc, ".narrative figure.chart img", "src"),
        vec!["charts/jobs.total.svg"]
    );
    assert!(attrs(&doc, ".narrative figure.chart img", "alt")[0].contains("城乡就业"));
    assert_eq!(
        attrs(&doc, ".narrative figure.chart figcaption a", "href"),
        vec!["indicators/jobs.total.html", "charts/jobs.total.csv"]
    );
    assert!(p.path("public/2023/charts/jobs.total.csv").is_file());
    // Not wrapped in a paragraph (a figure inside <p> is invalid HTML).
    assert!(!p.read("public/2023/index.html").contains("<p><figure"));
}

#[test]
fn headings_footnotes_and_table_of_contents() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("2023/index.html");
    assert_eq!(texts(&doc, "h1").len(), 1);
    assert_eq!(attrs(&doc, ".narrative h2", "id"), vec!["一就业", "二其他"]);
    let toc = attrs(&doc, ".toc a", "href");
    assert!(
        toc.starts_with(&["#一就业".to_string(), "#二其他".to_string()]),
        "{toc:?}"
    );
    assert_eq!(
        attrs(&doc, ".narrative .footnote-ref a", "href"),
        vec!["#fn-a"]
    );
    assert_eq!(attrs(&doc, ".narrative .footnote", "id"), vec!["fn-a"]);
}

#[test]
fn custom_number_style_from_site_yaml() {
    let p = Project::fixture("basic");
    p.write(
        "content/site.yaml",
        &(p.read("content/site.yaml")
            + "numbers:\n  thousands_separator: true\n  percent_sign: \"%\"\nwithheld_note: 注：*为不公开数据\n"),
    );
    p.build();
    let doc = p.html("2023/index.html");
    let ps = texts(&doc, ".narrative p");
    assert!(
        ps.contains(&"完成就业1,100人，目标1,000人，完成率110.00%，同比增长10.0%。".to_string()),
        "{ps:#?}"
    );
    assert_eq!(texts(&doc, ".withheld-note"), vec!["注：*为不公开数据"]);
}
