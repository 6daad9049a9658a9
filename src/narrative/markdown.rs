//! Markdown to safe HTML: pulldown-cmark with tables and footnotes (smart punctuation off, it
//! mangles Chinese quotes), stable heading ids for the table of contents, footnote ids that
//! cannot clash with other ids on the page, and an allow-list sanitiser for raw HTML.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A heading of the narrative, for the table of contents.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Renders Markdown to sanitised HTML and lists its headings.
pub fn render(markdown: &str) -> (String, Vec<Heading>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let headings = assign_heading_ids(&mut events);
    let events = rewrite_footnotes(events);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Wide tables scroll in their own box on phones instead of widening the page.
    let html = html
        .replace("<table>", "<div class=\"table-scroll\"><table>")
        .replace("</table>", "</table></div>");
    // Control characters from YAML escapes or pasted text would make the page invalid.
    let clean = sanitizer().clean(&html).to_string();
    (
        crate::html::escape::strip_illegal(&clean).into_owned(),
        headings,
    )
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class"]);
        b.add_tag_attributes("th", ["style"]);
        b.add_tag_attributes("td", ["style"]);
        b.attribute_filter(|_element, attribute, value| {
            if attribute == "style" {
                // Only the column alignment pulldown-cmark writes for tables survives.
                let v = value.trim().trim_end_matches(';');
                return matches!(
                    v,
                    "text-align: left" | "text-align: center" | "text-align: right"
                )
                .then(|| value.into());
            }
            Some(value.into())
        });
        b
    })
}

fn assign_heading_ids(events: &mut [Event]) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let given = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let text = super::strip_tokens(&text).trim().to_string();
            let base = given.unwrap_or_else(|| slug(&text));
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            // The page title is the one h1; narrative headings start at h2.
            let level = if level == HeadingLevel::H1 {
                HeadingLevel::H2
            } else {
                level
            };
            if let Event::Start(Tag::Heading {
                level: l,
                id: idref,
                ..
            }) = &mut events[i]
            {
                *l = level;
                *idref = Some(CowStr::from(unique.clone()));
            }
            if let Some(Event::End(TagEnd::Heading(l))) = events.get_mut(j) {
                *l = level;
            }
            headings.push(Heading {
                level: level as u8,
                id: unique,
                text,
            });
            i = j;
        }
        i += 1;
    }
    headings
}

/// An id from heading text: letters (CJK included) and digits kept, everything else dropped
/// or turned into single hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_' || c == '.') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("h-{out}")
    } else {
        out
    }
}

fn rewrite_footnotes(events: Vec<Event>) -> Vec<Event> {
    // A definition links back to its reference only when there is one: a footnote defined
    // but never referenced would otherwise link to an id no page has.
    let referenced: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::FootnoteReference(name) => Some(name.to_string()),
            _ => None,
        })
        .collect();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut number_of = |name: &str| {
        let next = numbers.len() + 1;
        *numbers.entry(name.to_string()).or_insert(next)
    };
    events
        .into_iter()
        .map(|e| match e {
            Event::FootnoteReference(name) => {
                let n = number_of(&name);
                let id = slug(&name);
                Event::InlineHtml(
                    format!(
                        "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"fnref-{id}\">[{n}]</a></sup>"
                    )
                    .into(),
                )
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let n = number_of(&name);
                let id = slug(&name);
                let label = if referenced.contains(name.as_ref()) {
                    format!("<a href=\"#fnref-{id}\">[{n}]</a>")
                } else {
                    format!("[{n}]")
                };
                Event::Html(
                    format!(
                        "<div class=\"footnote\" id=\"fn-{id}\"><span class=\"footnote-label\">{label}</span>"
                    )
                    .into(),
                )
            }
            Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>\n".into()),

            e => e,
        })
        .collect()
}

/// Every link and image destination of the Markdown `text`, raw HTML included, with the
/// byte range where it is written (the whole link when the destination is not written
/// inside it, as with a reference link), for pointing a diagnostic at it.
pub(crate) fn link_destinations(text: &str) -> Vec<(String, usize, usize)> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH;
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let written = &text[range.clone()];
                let (start, end) = match written.rfind(dest_url.as_ref()) {
                    Some(i) if !dest_url.is_empty() => {
                        (range.start + i, range.start + i + dest_url.len())
                    }
                    _ => (range.start, range.end),
                };
                found.push((dest_url.to_string(), start, end));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                crate::html::scan::start_tags(&html, |tag| {
                    for attr in &tag.attrs {
                        if !(attr.is("href") || attr.is("src")) {
                            continue;
                        }
                        // The event's text is the source's own from the range's start, but
                        // inside a list or a quote the markers are left out of it.
                        let value = attr.value;
                        let start = Some(range.start + attr.at)
                            .filter(|&at| text.get(at..at + value.len()) == Some(value))
                            .or_else(|| Some(range.start + text[range.clone()].find(value)?));
                        if let Some(start) = start {
                            found.push((value.to_string(), start, start + value.len()));
                        }
                    }
                });
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_stable_unique_ids_and_h1_becomes_h2() {
        let (html, toc) = render("# 一、就业\n\n## 一、就业\n\n### Plan {#plan}\n");
        assert_eq!(toc[0].id, "一就业");
        assert_eq!(toc[1].id, "一就业-1");
        assert_eq!(toc[2].id, "plan");
        assert_eq!(toc[0].level, 2);
        assert!(html.contains("<h2 id=\"一就业\">一、就业</h2>"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let (html, _) = render(
            "<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">a</a> <b onmouseover=\"y\">b</b>\n",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            !html.contains("onclick") && !html.contains("onmouseover"),
            "{html}"
        );
        assert!(html.contains("<b>b</b>"));
    }

    #[test]
    fn footnotes_get_prefixed_ids() {
        let (html, _) = render("正文[^1]。\n\n[^1]: 注释。\n");
        assert!(html.contains("id=\"fnref-h-1\""), "{html}");
        assert!(html.contains("id=\"fn-h-1\""), "{html}");
    }

    #[test]
    fn table_alignment_survives_but_other_styles_do_not() {
        let (html, _) =
            render("| a | b |\n|:-:|---|\n| 1 | <span style=\"color:red\">2</span> |\n");
        assert!(html.contains("text-align: center"), "{html}");
        assert!(!html.contains("color:red"), "{html}");
    }
}
