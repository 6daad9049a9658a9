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

/// A chart's CSV: BOM, header and records.
fn chart_csv(p: &Project, rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(p.path(&format!("public/{rel}"))).unwrap();
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 with BOM, for Excel");
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn each_chart_offers_the_data_it_draws_as_csv() {
    let p = Project::fixture("basic");
    p.build().ok();

    // The history chart: one row per bar, parts as columns, in the order the chart draws them.
    let (header, rows) = chart_csv(&p, "2023/charts/jobs.total.csv");
    assert_eq!(
        header,
        ["edition", "value", "target", "jobs.urban", "jobs.rural"]
    );
    assert_eq!(
        rows,
        [
            ["2022", "1000", "900", "600", "400"],
            ["2023", "1100", "1000", "700", "400"]
        ]
    );
    let text = svg(&p, "2023/charts/jobs.total.svg");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels = texts_of(&doc);
    // Each bar prints its value label, then its year: the CSV's, in the chart's order.
    let bars: Vec<[&str; 2]> = labels
        .windows(2)
        .filter(|w| w[1].len() == 4 && w[1].starts_with("20"))
        .map(|w| [w[1], w[0]])
        .collect();
    let from_csv: Vec<[&str; 2]> = rows
        .iter()
        .map(|r| [r[0].as_str(), r[1].as_str()])
        .collect();
    assert_eq!(bars, from_csv, "{labels:?}");

    // The within-year chart: every period with its value.
    let (header, rows) = chart_csv(&p, "2023/charts/jobs.total.series.csv");
    assert_eq!(header, ["period", "value"]);
    let values: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(values, ["300", "800", "1100"]);
    let text = svg(&p, "2023/charts/jobs.total.series.svg");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels = texts_of(&doc);
    for v in &values {
        assert!(labels.contains(v), "{v} not drawn: {labels:?}");
    }

    // Withheld figures are "*", as the chart shows them.
    let (_, rows) = chart_csv(&p, "2023/charts/jobs.secret.csv");
    assert_eq!(rows, [["2022", "*", "50"], ["2023", "*", "*"]]);
    let text = svg(&p, "2023/charts/jobs.secret.svg");
    assert!(texts_of(&roxmltree::Document::parse(&text).unwrap()).contains(&"*"));

    // Beside each chart of the indicator page and the cross-edition page, both downloads.
    let page = p.html("2023/indicators/jobs.total.html");
    let links = crate::support::attrs(&page, ".chart-downloads a", "href");
    assert_eq!(
        links,
        [
            "../../2023/charts/jobs.total.svg",
            "../../2023/charts/jobs.total.csv",
            "../../2023/charts/jobs.total.series.svg",
            "../../2023/charts/jobs.total.series.csv"
        ]
    );
    let page = p.html("indicators/jobs.total.html");
    let links = crate::support::attrs(&page, ".chart-downloads a", "href");
    assert_eq!(
        links,
        [
            "../2023/charts/jobs.total.svg",
            "../2023/charts/jobs.total.csv"
        ]
    );
    crate::support::assert_links_resolve(&p.path("public"));
}
