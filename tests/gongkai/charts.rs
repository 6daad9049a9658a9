//! Every chart is an accessible, parseable SVG that shows what the data says.

use crate::support::Project;

fn svg(p: &Project, rel: &str) -> String {
    p.read(&format!("public/{rel}"))
}

fn texts_of<'a>(doc: &'a roxmltree::Document) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect()
}

fn bars(doc: &roxmltree::Document) -> usize {
    // Bars are the filled rects in the plot apart from the white background.
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| n.attribute("fill").is_some_and(|f| f != "#FFFFFF"))
        .count()
}

#[test]
fn every_chart_is_accessible_and_names_a_cjk_font() {
    let p = Project::fixture("basic");
    p.build();
    for id in [
        "jobs.total",
        "jobs.rate",
        "jobs.secret",
        "money.loan",
        "money.new",
    ] {
        let text = svg(&p, &format!("2023/charts/{id}.svg"));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"), "{id}");
        assert_eq!(root.attribute("viewBox"), Some("0 0 640 360"), "{id}");
        let title = root.children().find(|n| n.has_tag_name("title")).unwrap();
        let desc = root.children().find(|n| n.has_tag_name("desc")).unwrap();
        assert!(!title.text().unwrap().is_empty());
        assert!(
            desc.text().unwrap().contains("年"),
            "{id}: desc is a sentence with values"
        );
        let labelled = root.attribute("aria-labelledby").unwrap();
        assert!(labelled
            .split(' ')
            .all(|i| doc.descendants().any(|n| n.attribute("id") == Some(i))));
        // Every text inherits the root's CJK-capable font stack; none overrides it.
        assert!(
            root.attribute("font-family")
                .unwrap()
                .contains("Noto Sans CJK SC"),
            "{id}"
        );
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            assert!(t.attribute("font-family").is_none(), "{id}");
        }
    }
}

#[test]
fn history_chart_has_a_bar_per_published_edition_and_marks_withheld_years() {
    let p = Project::fixture("basic");
    p.build();
    // money.loan: 2022 and 2023, both published; the draft 2024 is not built.
    let loan = svg(&p, "2023/charts/money.loan.svg");
    let doc = roxmltree::Document::parse(&loan).unwrap();
    assert_eq!(bars(&doc), 2 + 1, "two bars and the legend swatch");
    let t = texts_of(&doc);
    assert!(
        t.contains(&"2022") && t.contains(&"2023") && !t.contains(&"2024"),
        "{t:?}"
    );
    assert!(t.contains(&"1234.50"), "{t:?}");
    assert!(
        t.contains(&"口径调整"),
        "a definition break is marked: {t:?}"
    );

    // jobs.secret: withheld both years: no bars, "*" labels, and no number leaks.
    let secret = svg(&p, "2023/charts/jobs.secret.svg");
    let doc = roxmltree::Document::parse(&secret).unwrap();
    assert_eq!(
        bars(&doc),
        0,
        "no bars and no swatch for values never published"
    );
    let t = texts_of(&doc);
    assert_eq!(t.iter().filter(|t| **t == "*").count(), 2, "{t:?}");
    assert!(
        t.contains(&"数据依法不予公开") && t.contains(&"* 不予公开"),
        "{t:?}"
    );
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        desc.contains("2022年*（目标50）") && desc.contains("2023年*（目标*）"),
        "{desc}"
    );
    assert!(desc.contains("依法不予公开"));
}

#[test]
fn parts_are_stacked_and_targets_drawn_as_markers() {
    let p = Project::fixture("basic");
    p.build();
    let total = svg(&p, "2023/charts/jobs.total.svg");
    let doc = roxmltree::Document::parse(&total).unwrap();
    // Two editions × two parts, plus the two legend swatches.
    assert_eq!(bars(&doc), 6);
    let t = texts_of(&doc);
    for label in ["城镇就业", "农村转移", "目标", "1000", "1100"] {
        assert!(t.contains(&label), "{label} missing from {t:?}");
    }
    // Target markers: one diamond per edition with a target.
    let polygons = |fill: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("polygon") && n.attribute("fill") == Some(fill))
            .count()
    };
    assert_eq!(polygons("#A01C1C"), 3, "two markers and the legend's");
    // Parts differ by marker, not by colour alone: a white marker on each of the four
    // segments and on each of the two legend swatches.
    assert_eq!(polygons("#FFFFFF"), 6);
}

#[test]
fn percentages_use_a_hundred_scale_and_series_get_a_line_chart() {
    let p = Project::fixture("basic");
    p.build();
    let rate = svg(&p, "2023/charts/jobs.rate.svg");
    let doc = roxmltree::Document::parse(&rate).unwrap();
    assert!(texts_of(&doc).contains(&"100"), "0–100 axis for % units");

    let series = svg(&p, "2023/charts/jobs.total.series.svg");
    let doc = roxmltree::Document::parse(&series).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count(),
        3
    );
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("3"))
        .count();
    assert_eq!(lines, 1);
    let t = texts_of(&doc);
    for label in ["3月", "9月", "12月", "300", "800", "1100"] {
        assert!(t.contains(&label), "{label} missing from {t:?}");
    }
    // Only indicators with a series get the second chart.
    assert!(!p.path("public/2023/charts/jobs.rate.series.svg").exists());
}
