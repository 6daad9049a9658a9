//! A theme's chart colours: set in `themes/<name>/chart.yaml`, drawn in every chart, and
//! checked for colour-blind readers (W072) and against the white background (W073).

use crate::support::{copy_dir, repo_root, Project};

/// The basic fixture with the theme `name` from tests/fixtures/themes/.
fn with_theme(name: &str) -> Project {
    let p = Project::fixture("basic");
    copy_dir(
        &repo_root().join("tests/fixtures/themes").join(name),
        &p.path(&format!("themes/{name}")),
    );
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        &format!("title: 测试局信息公开\ntheme: {name}"),
    );
    p
}

fn findings(p: &Project) -> Vec<serde_json::Value> {
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "warnings alone: {}", run.stderr);
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn confusable_colours_are_named_at_their_palette_entry() {
    let p = with_theme("confusable");
    let found = findings(&p);
    let at = |code: &str, line: u64, col: u64, says: &str| {
        found.iter().any(|f| {
            f["code"] == code
                && f["file"] == "themes/confusable/chart.yaml"
                && f["line"] == line
                && f["column"] == col
                && f["message"].as_str().is_some_and(|m| m.contains(says))
                && f["help"].as_str().is_some_and(|h| !h.is_empty())
        })
    };
    assert!(
        at(
            "W072",
            4,
            5,
            "palette colour 1 (#cc4444) and palette colour 2 (#448844) look alike with deuteranopia"
        ),
        "{found:#?}"
    );
    assert!(
        at(
            "W073",
            5,
            5,
            "palette colour 3 (#dddddd) has 1.36:1 contrast"
        ),
        "{found:#?}"
    );
    // The near-black target stays apart from every colour for every reader.
    assert!(
        !found
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("target colour")),
        "{found:#?}"
    );
    // The text output names the file:line too.
    let text = p.run(&["check"]).stdout;
    assert!(
        text.contains("warning[W072]") && text.contains("--> themes/confusable/chart.yaml:4:5"),
        "{text}"
    );
}

#[test]
fn the_default_colours_raise_no_warning() {
    let p = Project::fixture("basic");
    let found = findings(&p);
    assert!(
        !found
            .iter()
            .any(|f| f["code"] == "W072" || f["code"] == "W073"),
        "{found:#?}"
    );
}

#[test]
fn charts_are_drawn_in_the_theme_colours() {
    let p = with_theme("confusable");
    p.build().ok();
    // jobs.total is stacked from two parts: the first two palette colours, then the target.
    let svg = p.read("public/2023/charts/jobs.total.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let fills: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") || n.has_tag_name("polygon"))
        .filter_map(|n| crate::chart_svg::paint(&doc, n, "fill"))
        .collect();
    for colour in ["#CC4444", "#448844", "#222222"] {
        assert!(fills.iter().any(|f| f == colour), "{colour}:\n{svg}");
    }
    assert!(!svg.contains("#1F4E8C"), "{svg}");
}

#[test]
fn a_colour_that_is_not_hex_is_an_error_at_its_entry() {
    let p = with_theme("confusable");
    p.edit("themes/confusable/chart.yaml", "\"#448844\"", "\"green\"");
    p.run(&["check"])
        .fails_at("E001", "themes/confusable/chart.yaml:4:5");
}
