//! What the build takes of each published page, in one walk of the tokenizer: the ids and
//! links the link check needs ([`PageLinks`]) and the text search indexes ([`PageText`]).
//! Every page of a site passes through here on the rendering threads, so it is read once.

use super::links::{LinkReader, PageLinks};
use super::scan::{walk, Event};
use super::search_text::{PageText, TextReader};

/// The links and the searchable text of the page at `name` (relative to the site root).
pub(crate) fn read(html: &str, name: &str) -> (PageLinks, PageText) {
    let mut links = LinkReader::default();
    let mut text = TextReader::default();
    walk(html, |event| {
        if let Event::Start(tag) = &event {
            links.tag(tag);
        }
        text.event(&event);
    });
    (links.finish(name), text.finish())
}

#[cfg(test)]
mod tests {
    use super::read;
    use crate::html::links::PageLinks;
    use crate::html::search_text::PageText;

    /// One walk reads what the two readers read apart.
    #[test]
    fn one_walk_reads_what_two_do() {
        let html = concat!(
            r#"<html><head><meta name="PubDate" content="2023-12-20"><link rel=stylesheet href="../static/s.css"></head>"#,
            r#"<body><header><a href="../index.html">首页</a></header><main id="main">"#,
            r#"<h1 id="t">失业率</h1><p>就业&amp;<a href="a.html#t">创业</a><a href='b.html?x=1'>B</a></p>"#,
            r#"<script>var s = "<a href='no.html'>";</script><p id="t">3.3</p></main></body></html>"#
        );
        let (links, text) = read(html, "2023/x.html");
        assert_eq!(text, PageText::of(html));
        let apart = PageLinks::of(html, "2023/x.html");
        assert_eq!(format!("{links:?}"), format!("{apart:?}"));
        assert_eq!(links.links.len(), 4);
        assert_eq!(text.body, "失业率 就业&创业B 3.3");
    }
}
