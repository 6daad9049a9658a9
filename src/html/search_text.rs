//! What search reads of a published page: the text a reader sees in `<main>`, read with the
//! one HTML tokenizer (`scan`), never the sources, so a figure the page does not show (a
//! withheld value, a draft) cannot reach the index. The site's chrome (header, navigation,
//! footer, forms), scripts, styles and the 已归档 note are left out.

use super::links::unescape;
use super::scan::{Event, Tag};
use super::search_tokens::PageTerms;

/// The searchable text of one page, taken while it is rendered (its bytes are written and
/// dropped at once on a large site).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    /// The first `<h1>` in `<main>`.
    pub(crate) title: String,
    /// Every text of `<main>`, the title and names included, white space collapsed.
    pub(crate) body: String,
    /// On an indicator page, its figure and unit as printed (the first `<dd>` of
    /// `<dl class="facts">`).
    pub(crate) figure: Option<String>,
    /// The page's 发布日期 (`<meta name="PubDate">`), when it has one.
    pub(crate) date: Option<String>,
    /// The terms of the title, the names (headings below the title, table headings and
    /// captions, terms of definition lists: where an edition's pages name its indicators)
    /// and the body, tokenized here on the rendering thread.
    pub(crate) terms: PageTerms,
}

/// What an element is to search, by its name.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Chrome, forms and code that is not text: never searched.
    Skipped,
    /// Inside a line of text: its boundaries do not separate words.
    Inline,
    Other,
}

/// A tag name lower-cased on the stack (tag names are short; a longer one is none of those
/// search tells apart, and reads as empty).
fn lowered(name: &str) -> ([u8; 10], usize) {
    let mut buf = [0u8; 10];
    if name.len() > buf.len() {
        return (buf, 0);
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    buf.make_ascii_lowercase();
    (buf, name.len())
}

fn kind(name: &str) -> Kind {
    let (buf, len) = lowered(name);
    match &buf[..len] {
        b"nav" | b"header" | b"footer" | b"form" | b"script" | b"style" | b"noscript"
        | b"template" => Kind::Skipped,
        b"a" | b"abbr" | b"b" | b"bdi" | b"bdo" | b"cite" | b"code" | b"data" | b"dfn" | b"em"
        | b"i" | b"kbd" | b"mark" | b"q" | b"s" | b"small" | b"span" | b"strong" | b"sub"
        | b"sup" => Kind::Inline,
        _ => Kind::Other,
    }
}

/// Where a text goes besides the body.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Title,
    Name,
    Figure,
}

impl PageText {
    /// The searchable text of `html` (the build reads it with the page's links, in
    /// `html::page`).
    #[cfg(test)]
    pub(crate) fn of(html: &str) -> PageText {
        let mut reader = TextReader::default();
        super::scan::walk(html, |event| reader.event(&event));
        reader.finish()
    }
}

/// [`PageText`] in the making, fed the events of one walk over a page (the link check's
/// reader takes the same walk: see `html::page`).
#[derive(Default)]
pub(crate) struct TextReader<'a> {
    page: PageText,
    in_main: bool,
    /// The element being skipped and how deep inside it we are.
    skip: Option<(&'a str, usize)>,
    /// The element whose text also goes to a field, with its nesting depth.
    field: Option<(&'a str, usize, Field)>,
    seen_title: bool,
    in_facts: bool,
    figure: String,
    body: String,
    title: String,
    names: String,
}

impl<'a> TextReader<'a> {
    pub(crate) fn event(&mut self, event: &Event<'a, '_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(name) => self.end(name),
            Event::Text(text) => self.text(text),
        }
    }

    fn start(&mut self, tag: &Tag<'a>) {
        let name = tag.name;
        if let Some((skipped, depth)) = &mut self.skip {
            if name.eq_ignore_ascii_case(skipped) {
                *depth += 1;
            }
            return;
        }
        if name.eq_ignore_ascii_case("meta")
            && tag.attr("name").is_some_and(|n| n.value == "PubDate")
        {
            self.page.date = tag.attr("content").map(|c| unescape(c.value));
        }
        if name.eq_ignore_ascii_case("main") {
            self.in_main = true;
        }
        if !self.in_main {
            return;
        }
        let class = |c: &str| {
            tag.attr("class")
                .is_some_and(|v| v.value.split_ascii_whitespace().any(|w| w == c))
        };
        let kind = kind(name);
        if kind == Kind::Skipped || class("archived-note") {
            self.skip = Some((name, 1));
            return;
        }
        // A chart's description is a line of its own under the caption (display: block).
        if kind != Kind::Inline || class("chart-desc") {
            separate(&mut self.body);
            if let Some((_, _, f)) = self.field {
                separate(self.target(f));
            }
        }
        if name.eq_ignore_ascii_case("dl") && class("facts") {
            self.in_facts = true;
        }
        match &mut self.field {
            Some((open, depth, _)) => {
                if name.eq_ignore_ascii_case(open) {
                    *depth += 1;
                }
            }
            None => {
                let (buf, len) = lowered(name);
                let f = match &buf[..len] {
                    b"h1" if !self.seen_title => Some(Field::Title),
                    b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"th" | b"caption" | b"dt" => {
                        Some(Field::Name)
                    }
                    b"dd"
                        if self.in_facts
                            && self.page.figure.is_none()
                            && self.figure.is_empty() =>
                    {
                        Some(Field::Figure)
                    }
                    _ => None,
                };
                if let Some(f) = f {
                    separate(self.target(f));
                    self.seen_title |= f == Field::Title;
                    self.field = Some((name, 1, f));
                }
            }
        }
    }

    fn end(&mut self, name: &str) {
        if let Some((skipped, depth)) = &mut self.skip {
            if name.eq_ignore_ascii_case(skipped) {
                *depth -= 1;
                if *depth == 0 {
                    self.skip = None;
                }
            }
            return;
        }
        if name.eq_ignore_ascii_case("main") {
            self.in_main = false;
        }
        if name.eq_ignore_ascii_case("dl") {
            self.in_facts = false;
        }
        if let Some((open, depth, f)) = &mut self.field {
            if name.eq_ignore_ascii_case(open) {
                *depth -= 1;
                if *depth == 0 {
                    if *f == Field::Figure {
                        self.page.figure = Some(collapse(&self.figure));
                    }
                    self.field = None;
                }
            }
        }
        if kind(name) != Kind::Inline {
            separate(&mut self.body);
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip.is_some() || !self.in_main {
            return;
        }
        let text = if text.contains('&') {
            std::borrow::Cow::Owned(unescape(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        self.body.push_str(&text);
        if let Some((_, _, f)) = self.field {
            self.target(f).push_str(&text);
        }
    }

    fn target(&mut self, f: Field) -> &mut String {
        match f {
            Field::Title => &mut self.title,
            Field::Name => &mut self.names,
            Field::Figure => &mut self.figure,
        }
    }

    pub(crate) fn finish(self) -> PageText {
        let mut page = self.page;
        page.title = collapse(&self.title);
        page.body = collapse(&self.body);
        // Names are searched as a field of their own, but only their terms are kept.
        page.terms = PageTerms::of(&page.title, &collapse(&self.names), &page.body);
        page
    }
}

/// Ends a word at an element boundary.
fn separate(s: &mut String) {
    if !s.is_empty() && !s.ends_with(' ') {
        s.push(' ');
    }
}

/// White space collapsed to single spaces, none at either end.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::PageText;

    /// The terms the page has in its names (field mask 2).
    fn names(page: &PageText) -> Vec<&str> {
        page.terms
            .iter()
            .filter(|t| t.1 & 2 != 0)
            .map(|t| t.0)
            .collect()
    }

    /// An element left open at `</main>` closes where it ends, outside too: what follows is
    /// not read as part of it.
    #[test]
    fn a_field_closes_after_main() {
        let page = PageText::of("<main><h2>标题</main></h2><main><p>正文</p></main>");
        let names = names(&page);
        assert!(
            names.contains(&"标题") && !names.contains(&"正文"),
            "{names:?}"
        );
    }

    #[test]
    fn main_text_without_chrome() {
        let page = PageText::of(concat!(
            r#"<html><head><meta name="PubDate" content="2023-12-20"><title>标题_站</title></head>"#,
            r#"<body><header><p>青川区</p><nav><a href=x>首页</a></nav></header>"#,
            r#"<main><p class="archived-note">已归档</p><h1>城镇登记失业率<span>（2023年）</span></h1>"#,
            r#"<dl class="facts"><div><dt>数值</dt><dd><strong>3.3</strong> ％</dd></div><div><dt>目标</dt><dd>4</dd></div></dl>"#,
            r#"<table><tr><th>年度</th><td>8084</td><td>8000</td></tr></table>"#,
            r#"<figure><figcaption>图1：失业率<span class="chart-desc">2023年为3.3</span></figcaption></figure>"#,
            r#"<p>就业&amp;<a href=y>创业</a></p><script>var x = "秘密";</script>"#,
            r#"<form><label>搜索</label></form></main><footer>网站地图</footer></body></html>"#
        ));
        assert_eq!(page.title, "城镇登记失业率（2023年）");
        assert_eq!(page.figure.as_deref(), Some("3.3 ％"));
        assert_eq!(page.date.as_deref(), Some("2023-12-20"));
        let names = names(&page);
        assert!(
            names.contains(&"年度") && names.contains(&"数值") && names.len() == 9,
            "{names:?}"
        );
        assert_eq!(
            page.body,
            "城镇登记失业率（2023年） 数值 3.3 ％ 目标 4 年度 8084 8000 图1：失业率 2023年为3.3 就业&创业"
        );
    }
}
