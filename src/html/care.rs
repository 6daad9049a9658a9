//! The 关怀版 (elder mode) copy of a page: its links to files other than pages are pointed at
//! the standard site's copies, read from the page's tags by the one HTML tokenizer.

use super::escape::escape_html;
use super::links::{is_external, resolve, unescape};

/// The 关怀版 copy of the frozen page `page` (an archived edition's or a kept version's, e.g.
/// `2023/index.html`): the page itself, its links to anything but pages led back to the
/// standard files, its scrolling boxes focusable, and the 关怀版 stylesheet added after its
/// own. Frozen pages link relatively, so no base URL is needed. `build` writes it and `verify`
/// recomputes it to check the copy, so both must use this one function.
pub(crate) fn frozen_page_copy(page_bytes: &[u8], page: &str) -> Vec<u8> {
    // A frozen page keeps its markup; its copy gets what the 关怀版 is for, the large type and
    // targets of care.css (most of a site's editions are archived: their elder readers too).
    let copy = rewrite(&String::from_utf8_lossy(page_bytes), page, None, true);
    let up = "../".repeat(page.matches('/').count() + 1);
    match copy.find("</head>") {
        Some(at) => format!(
            "{}<link rel=\"stylesheet\" href=\"{up}static/care.css\">\n{}",
            &copy[..at],
            &copy[at..]
        ),
        None => copy,
    }
    .into_bytes()
}

/// The 关怀版 copy of a page rendered now for `care/<page>`: its links to files other than
/// pages (charts, data, stylesheets, images) lead to the standard site's copies, so care/ holds
/// only pages (a second copy of every chart would double the output), and every box that may
/// scroll sideways in the 关怀版 can take the keyboard focus, which a keyboard needs to scroll
/// it: a chart figure (`<figure class="chart">`: care.css shows charts at 4/3 of their drawn
/// size, so their text is as large as the body text, and on a phone a chart scrolls inside its
/// figure) and a table's `.table-scroll` box that has no `tabindex` yet (a Markdown table of
/// the narrative: at 24 px type it no longer fits a phone). The standard pages' boxes fit and
/// stay as they are.
pub(crate) fn care_copy(html: &str, page: &str, base_url: Option<&str>) -> String {
    rewrite(html, page, base_url, true)
}

/// Is `tag` a box that scrolls sideways in the 关怀版 and cannot take the focus yet?
fn unfocusable_scroller(tag: &super::scan::Tag) -> bool {
    let class = |name: &str| {
        tag.attr("class")
            .is_some_and(|c| c.value.split_ascii_whitespace().any(|w| w == name))
    };
    tag.attr("tabindex").is_none()
        && ((tag.name.eq_ignore_ascii_case("figure") && class("chart")) || class("table-scroll"))
}

fn rewrite(html: &str, page: &str, base_url: Option<&str>, focus_scrollers: bool) -> String {
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    // From care/<dir>/ back to the site root.
    let up = "../".repeat(page.matches('/').count() + 1);
    // A page that must link absolutely (the 404 page, with a base URL) links the copy's
    // files under <base>/care/.
    let base = base_url.map(|b| format!("{}/", b.trim_end_matches('/')));
    let mut out = String::with_capacity(html.len() + 256);
    let mut copied = 0;
    // A real tokenizer, not a scan for `="`: a quote in the narrative's text, a `>` in a
    // value or a link in a comment or script must not put the rewrite out of step.
    super::scan::start_tags(html, |tag| {
        let scroller = focus_scrollers && unfocusable_scroller(tag);
        for attr in &tag.attrs {
            let raw = attr.value;
            // Links between pages stay as they are: most links of a page, and no need to
            // decode and resolve them to know.
            if !(attr.is("href") || attr.is("src"))
                || attr.quote == super::scan::Quote::Bare
                || raw
                    .split(['#', '?'])
                    .next()
                    .is_some_and(|p| p.ends_with(".html"))
            {
                continue;
            }
            let link = unescape(raw);
            let (path, suffix) = link
                .find(['#', '?'])
                .map_or((link.as_str(), ""), |k| link.split_at(k));
            let standard = match base
                .as_deref()
                .and_then(|b| Some((b, path.strip_prefix(b)?)))
            {
                Some((b, site_path)) => site_path
                    .strip_prefix("care/")
                    .map(|own| format!("{b}{own}")),
                None if !path.is_empty() && !is_external(&link) => {
                    resolve(dir, path).map(|t| format!("{up}{t}"))
                }
                None => None,
            };
            let Some(standard) = standard else {
                continue;
            };
            // An unquoted value gets quotes: the escaped link may not be a valid bare value.
            let quote = if attr.quote == super::scan::Quote::Unquoted {
                "\""
            } else {
                ""
            };
            out.push_str(&html[copied..attr.at]);
            out.push_str(quote);
            out.push_str(&escape_html(&standard));
            out.push_str(&escape_html(suffix));
            out.push_str(quote);
            copied = attr.at + raw.len();
        }
        if scroller {
            // Before the tag's `>` (or `/>`), after its last attribute.
            let close = tag.end - 1 - usize::from(html[..tag.end - 1].ends_with('/'));
            out.push_str(&html[copied..close]);
            out.push_str(" tabindex=\"0\"");
            copied = close;
        }
    });
    out.push_str(&html[copied..]);
    out
}
