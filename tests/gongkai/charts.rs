//! Every chart is an accessible, parseable SVG that shows what the data says.

use crate::chart_svg::paint;
use crate::support::{assert_links_resolve, attrs, texts, Project};

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
        .filter(|n| paint(doc, *n, "fill").is_some_and(|f| f != "#FFFFFF"))
        .count()
}

#[test]
fn every_chart_is_accessible_and_names_a_cjk_font() {
    let p = Project::fixture("basic");
    p.build();
    for id in ["jobs.total", "jobs.rate", "money.loan", "jobs.urban"] {
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
fn history_chart_has_a_bar_per_published_edition_and_marks_a_definition_break() {
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
}

fn desc_of(doc: &roxmltree::Document) -> String {
    doc.descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string()
}

/// A chart of nothing (every figure withheld) or of one point adds nothing to the figure printed
/// above it: no chart is written, and its description stands in the page as a notice, on the
/// edition's indicator page, on the cross-edition page and in a narrative chart().
#[test]
fn a_chart_of_nothing_or_of_one_point_is_a_notice_in_the_page() {
    let p = Project::fixture("basic");
    p.edit(
        "content/2023/report.md",
        "{{ chart(\"jobs.total\") }}",
        "{{ chart(\"jobs.total\") }}\n\n{{ chart(\"jobs.secret\") }}\n\n{{ chart(\"money.new\") }}",
    );
    p.build();
    for (id, note) in [
        ("jobs.secret", "2022—2023年保密指标数据均依法不予公开。"),
        ("money.new", "2023年新增指标为42个，未完成50个的目标。"),
    ] {
        assert!(
            !p.path(&format!("public/2023/charts/{id}.svg")).exists(),
            "{id}"
        );
        for page in [
            format!("2023/indicators/{id}.html"),
            format!("indicators/{id}.html"),
        ] {
            let doc = p.html(&page);
            assert!(texts(&doc, "figure.chart").is_empty(), "{page}");
            assert_eq!(texts(&doc, "p.chart-note"), [note], "{page}");
            assert!(
                !attrs(&doc, "a", "href")
                    .iter()
                    .any(|h| h.contains("charts/")),
                "{page}"
            );
        }
    }
    let doc = p.html("2023/index.html");
    assert_eq!(
        attrs(&doc, ".narrative figure.chart img", "src"),
        ["charts/jobs.total.svg"]
    );
    assert_eq!(
        texts(&doc, ".narrative p.chart-note"),
        [
            "2022—2023年保密指标数据均依法不予公开。 查看数据表",
            "2023年新增指标为42个，未完成50个的目标。 查看数据表"
        ]
    );
    assert_eq!(
        attrs(&doc, ".narrative p.chart-note a", "href"),
        ["indicators/jobs.secret.html", "indicators/money.new.html"]
    );
    assert!(assert_links_resolve(&p.path("public")) > 100);
}

/// On the example site, each chart's caption says in words what its SVG's `<desc>` says.
#[test]
fn the_caption_under_each_chart_is_its_description() {
    let p = Project::example();
    p.build();
    let page = p.html("2023/indicators/employment.unemployment_rate.html");
    let captions = texts(&page, "figure.chart figcaption .chart-desc");
    let rate = "2021—2023年城镇登记失业率分别为3.4％、3.6％、3.3％，2023年较上年降低0.3个百分点，\
                低于4.0％的控制目标；最高为2022年的3.6％，最低为2023年的3.3％。";
    assert_eq!(captions, [rate]);
    let text = svg(&p, "2023/charts/employment.unemployment_rate.svg");
    assert_eq!(desc_of(&roxmltree::Document::parse(&text).unwrap()), rate);

    // A withheld year in the middle: "*" in the chart and named in its description.
    let text = svg(&p, "2023/charts/insurance.employee_pension_paid.svg");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let t = texts_of(&doc);
    assert!(t.contains(&"*") && t.contains(&"* 不予公开"), "{t:?}");
    assert_eq!(
        desc_of(&doc),
        "2021—2023年支付城镇职工基本养老金分别为41236.58万元、*、46820.35万元。\
         2022年数据依法不予公开。"
    );

    // Every drawn chart of every indicator page: caption = desc.
    let mut seen = 0;
    for (name, _) in p.output_files() {
        let Some(rest) = name.strip_prefix("2023/indicators/") else {
            continue;
        };
        let page = p.html(&name);
        let srcs = attrs(&page, "figure.chart img", "src");
        let captions = texts(&page, "figure.chart figcaption .chart-desc");
        assert_eq!(srcs.len(), captions.len(), "{rest}");
        for (src, caption) in srcs.iter().zip(&captions) {
            let file = src.trim_start_matches("../../");
            let text = svg(&p, file);
            assert_eq!(
                &desc_of(&roxmltree::Document::parse(&text).unwrap()),
                caption,
                "{file}"
            );
            seen += 1;
        }
    }
    assert!(seen > 30, "{seen} charts");
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
            .filter(|n| {
                n.has_tag_name("polygon") && paint(&doc, *n, "fill").as_deref() == Some(fill)
            })
            .count()
    };
    assert_eq!(polygons("#A01C1C"), 3, "two markers and the legend's");
    // Parts differ by marker, not by colour alone: a white marker on each of the four
    // segments and on each of the two legend swatches.
    assert_eq!(polygons("#FFFFFF"), 6);
}

#[test]
fn rates_get_an_axis_just_above_their_largest_point_and_series_get_a_line_chart() {
    let p = Project::fixture("basic");
    p.build();
    // jobs.rate: 3.5 and 3.2 against a 4.0 ceiling: the axis ends at 5 with whole ticks, so the
    // bars and the target are not slivers at the foot of a 0–100 axis.
    let rate = svg(&p, "2023/charts/jobs.rate.svg");
    let doc = roxmltree::Document::parse(&rate).unwrap();
    let t = texts_of(&doc);
    let ticks: Vec<&str> = t.iter().copied().take_while(|s| *s != "3.5").collect();
    assert_eq!(ticks, ["0", "1", "2", "3", "4", "5"], "{t:?}");
    assert!(!t.contains(&"100"), "{t:?}");

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
        .filter(|n| {
            n.has_tag_name("path") && paint(&doc, *n, "stroke-width").as_deref() == Some("3")
        })
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
    // (The fixture's withheld indicator has no two published points, so no chart: the
    // example's 特岗教师 has 2021 withheld between published years.)
    assert!(!p.path("public/2023/charts/jobs.secret.csv").exists());
    let example = Project::example();
    example.build();
    let (_, rows) = chart_csv(&example, "2023/charts/talent.teachers.csv");
    assert_eq!(
        rows,
        [["2021", "*", ""], ["2022", "46", ""], ["2023", "52", ""]]
    );
    let text = svg(&example, "2023/charts/talent.teachers.svg");
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
