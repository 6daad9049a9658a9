//! Chart SVGs are lean: one `<style>` of classes paints every element, no element repeats a
//! paint or restates a default, coordinates are whole pixels, and the example's median chart
//! stays small. Also the reader other chart tests use for what paints an element.

use crate::support::Project;
use roxmltree::{Document, Node};
use std::collections::BTreeMap;

/// Class name → its declarations (property → value), from the chart's one `<style>`.
pub(crate) fn rules(doc: &Document) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rules = BTreeMap::new();
    let style = doc
        .descendants()
        .filter(|n| n.has_tag_name("style"))
        .filter_map(|n| n.text())
        .collect::<String>();
    for rule in style.split('}').filter(|r| !r.trim().is_empty()) {
        let (selector, body) = rule.split_once('{').expect("selector{declarations}");
        let class = selector.trim().strip_prefix('.').expect("a class selector");
        let declarations = body
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(p, v)| (p.trim().to_string(), v.trim().to_string()))
            .collect();
        assert!(
            rules.insert(class.to_string(), declarations).is_none(),
            "class {class} declared twice"
        );
    }
    rules
}

/// What paints `node` with `property` (fill, stroke, stroke-width, font-size, text-anchor):
/// its own attribute or class, else its nearest group's or the root's, as the properties are
/// inherited. A font size comes back without its unit, a colour as `#RRGGBB`.
pub(crate) fn paint(doc: &Document, node: Node, property: &str) -> Option<String> {
    let rules = rules(doc);
    let value = node.ancestors().filter(Node::is_element).find_map(|n| {
        n.attribute(property).map(str::to_string).or_else(|| {
            n.attribute("class")?
                .split_whitespace()
                .find_map(|c| rules.get(c)?.get(property).cloned())
        })
    })?;
    let value = value.trim_end_matches("px");
    Some(match value.strip_prefix('#') {
        Some(rgb) if rgb.len() == 3 => rgb.chars().fold("#".to_string(), |mut out, c| {
            out.push(c);
            out.push(c);
            out
        }),
        _ => value.to_string(),
    })
}

/// Every number in an attribute value.
fn numbers(value: &str) -> Vec<&str> {
    value
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

const PAINT: [&str; 8] = [
    "fill",
    "stroke",
    "stroke-width",
    "font-size",
    "font-family",
    "text-anchor",
    "opacity",
    "style",
];

#[test]
fn every_chart_of_the_example_is_painted_by_one_style_of_classes() {
    let p = Project::example();
    p.build();
    let mut sizes = Vec::new();
    for (name, bytes) in p.output_files() {
        if !name.ends_with(".svg") || name.starts_with("care/") {
            continue;
        }
        sizes.push(bytes.len());
        let text = String::from_utf8(bytes).unwrap();
        let doc = Document::parse(&text).unwrap();
        let root = doc.root_element();
        // What a reader's software needs is kept: role, name, description, size.
        assert_eq!(root.attribute("role"), Some("img"), "{name}");
        assert_eq!(root.attribute("aria-labelledby"), Some("t d"), "{name}");
        assert_eq!(root.attribute("viewBox"), Some("0 0 640 360"), "{name}");
        let first: Vec<&str> = root
            .children()
            .filter(Node::is_element)
            .take(3)
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(first, ["title", "desc", "style"], "{name}");
        for id in ["t", "d"] {
            let n = doc.descendants().find(|n| n.attribute("id") == Some(id));
            assert!(!n.and_then(|n| n.text()).unwrap_or("").is_empty(), "{name}");
        }
        // The font stack once, on the root.
        assert!(root
            .attribute("font-family")
            .unwrap()
            .contains("Noto Sans CJK SC"));

        let styles = doc.descendants().filter(|n| n.has_tag_name("style"));
        assert_eq!(styles.count(), 1, "{name}: one <style>");
        let rules = rules(&doc);
        let mut used = std::collections::BTreeSet::new();
        for n in root.descendants().filter(|n| n.is_element() && *n != root) {
            let tag = n.tag_name().name();
            // No element says a paint itself: its class (or its group's) does.
            for a in n.attributes() {
                assert!(!PAINT.contains(&a.name()), "{name}: <{tag} {}>", a.name());
            }
            if let Some(class) = n.attribute("class") {
                assert!(
                    rules.contains_key(class),
                    "{name}: class {class} undeclared"
                );
                used.insert(class.to_string());
            }
            // Whole pixels, as plotters draws them; at most one decimal anywhere.
            for a in ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r"] {
                for v in numbers(n.attribute(a).unwrap_or("")) {
                    let decimals = v.split_once('.').map_or(0, |(_, d)| d.len());
                    assert!(decimals <= 1, "{name}: <{tag} {a}=\"{v}\">");
                }
            }
            for a in ["width", "height", "points", "d"] {
                for v in numbers(n.attribute(a).unwrap_or("")) {
                    assert!(!v.contains('.'), "{name}: <{tag} {a}> has {v}");
                }
            }
            // No default restated: a rect at the origin says no x or y.
            if tag == "rect" {
                assert_ne!(n.attribute("x"), Some("0"), "{name}");
                assert_ne!(n.attribute("y"), Some("0"), "{name}");
            }
            match tag {
                "text" => {
                    let t = n.text().unwrap_or("");
                    assert_eq!(t, t.trim(), "{name}: a label without padding");
                    assert!(paint(&doc, n, "fill").is_some(), "{name}: {t}");
                    assert!(paint(&doc, n, "font-size").is_some(), "{name}: {t}");
                }
                "rect" | "polygon" | "circle" | "path" | "line" => {
                    let fill = paint(&doc, n, "fill").filter(|f| f != "none");
                    assert!(
                        fill.is_some() || paint(&doc, n, "stroke").is_some(),
                        "{name}: a <{tag}> painted by default black"
                    );
                }
                _ => {}
            }
        }
        let declared: std::collections::BTreeSet<String> = rules.keys().cloned().collect();
        assert_eq!(used, declared, "{name}: every class is used");
        // Each paint is one class: no two classes say the same.
        let paints: std::collections::BTreeSet<_> = rules.values().collect();
        assert_eq!(paints.len(), rules.len(), "{name}");
    }
    sizes.sort_unstable();
    assert!(sizes.len() > 60, "{} charts", sizes.len());
    // Measured 3,210 bytes with plotters' own SVG, 1,929 with classes (2026-12-06).
    let median = sizes[sizes.len() / 2];
    assert!(median <= 2_000, "median chart {median} bytes");
}
