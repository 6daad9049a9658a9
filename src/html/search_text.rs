//! What search reads of a published page: the text a reader sees in `<main>`, read with the
//! one HTML tokenizer (`scan`), never the sources, so a figure the page does not show (a
//! withheld value, a draft) cannot reach the index. The site's chrome (header, navigation,
//! footer, forms), scripts, styles and the 已归档 note are left out.

use super::links::unescape;
use super::scan::{walk, Event};
use super::search_tokens::PageTerms;

/// The searchable text of one page, taken while it is rendered (its bytes are written and
/// dropped at once on a large site).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    /// The first `<h1>` in `<main>`.
    pub(crate) title: String,
    /// Headings below the title, table headings and captions, terms of definition lists:
    /// where an edition's pages name its indicators.
    pub(crate) names: String,
    /// Every text of `<main>`, the title and names included, white space collapsed.
    pub(crate) body: String,
    /// On an indicator page, its figure and unit as printed (the first `<dd>` of
    /// `<dl class="facts">`).
    pub(crate) figure: Option<String>,
    /// The page's 发布日期 (`<meta name="PubDate">`), when it has one.
    pub(crate) date: Option<String>,
    /// The terms of the title, names and body, tokenized here on the rendering thread.
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

fn kind(name: &str) -> Kind {
    // Tag names are short: lower-case them on the stack, then one match.
    let mut buf = [0u8; 10];
    if name.len() > buf.len() {
        return Kind::Other;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
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
    /// The searchable text of `html`.
    pub fn of(html: &str) -> PageText {
        let mut page = PageText::default();
        let mut in_main = false;
        // The element being skipped and how deep inside it we are.
        let mut skip: Option<(&str, usize)> = None;
        // The element whose text also goes to a field, with its nesting depth.
        let mut field: Option<(&str, usize, Field)> = None;
        let mut seen_title = false;
        let mut in_facts = false;
        let mut figure = String::new();
        let mut body = String::new();
        let mut title = String::new();
        let mut names = String::new();
        walk(html, |event| match event {
            Event::Start(tag) => {
                let name = tag.name;
                if let Some((skipped, depth)) = &mut skip {
                    if name.eq_ignore_ascii_case(skipped) {
                        *depth += 1;
                    }
                    return;
                }
                if name.eq_ignore_ascii_case("meta")
                    && tag.attr("name").is_some_and(|n| n.value == "PubDate")
                {
                    page.date = tag.attr("content").map(|c| unescape(c.value));
                }
                if name.eq_ignore_ascii_case("main") {
                    in_main = true;
                }
                if !in_main {
                    return;
                }
                let class = |c: &str| {
                    tag.attr("class")
                        .is_some_and(|v| v.value.split_ascii_whitespace().any(|w| w == c))
                };
                let kind = kind(name);
                if kind == Kind::Skipped || class("archived-note") {
                    skip = Some((name, 1));
                    return;
                }
                if kind != Kind::Inline {
                    separate(&mut body);
                    if let Some((_, _, f)) = field {
                        separate(target(f, &mut title, &mut names, &mut figure));
                    }
                }
                if name.eq_ignore_ascii_case("dl") && class("facts") {
                    in_facts = true;
                }
                match &mut field {
                    Some((open, depth, _)) => {
                        if name.eq_ignore_ascii_case(open) {
                            *depth += 1;
                        }
                    }
                    None => {
                        let lower = name.to_ascii_lowercase();
                        let f = match lower.as_str() {
                            "h1" if !seen_title => Some(Field::Title),
                            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" | "caption" | "dt" => {
                                Some(Field::Name)
                            }
                            "dd" if in_facts && page.figure.is_none() && figure.is_empty() => {
                                Some(Field::Figure)
                            }
                            _ => None,
                        };
                        if let Some(f) = f {
                            separate(target(f, &mut title, &mut names, &mut figure));
                            seen_title |= f == Field::Title;
                            field = Some((name, 1, f));
                        }
                    }
                }
            }
            Event::End(name) => {
                if let Some((skipped, depth)) = &mut skip {
                    if name.eq_ignore_ascii_case(skipped) {
                        *depth -= 1;
                        if *depth == 0 {
                            skip = None;
                        }
                    }
                    return;
                }
                if name.eq_ignore_ascii_case("main") {
                    in_main = false;
                }
                if name.eq_ignore_ascii_case("dl") {
                    in_facts = false;
                }
                if let Some((open, depth, f)) = &mut field {
                    if name.eq_ignore_ascii_case(open) {
                        *depth -= 1;
                        if *depth == 0 {
                            if *f == Field::Figure {
                                page.figure = Some(collapse(&figure));
                            }
                            field = None;
                        }
                    }
                }
                if kind(name) != Kind::Inline {
                    separate(&mut body);
                }
            }
            Event::Text(text) => {
                if skip.is_some() || !in_main {
                    return;
                }
                let text = if text.contains('&') {
                    std::borrow::Cow::Owned(unescape(text))
                } else {
                    std::borrow::Cow::Borrowed(text)
                };
                body.push_str(&text);
                if let Some((_, _, f)) = field {
                    target(f, &mut title, &mut names, &mut figure).push_str(&text);
                }
            }
        });
        page.title = collapse(&title);
        page.names = collapse(&names);
        page.body = collapse(&body);
        page.terms = PageTerms::of(&page.title, &page.names, &page.body);
        page
    }
}

fn target<'s>(
    f: Field,
    title: &'s mut String,
    names: &'s mut String,
    figure: &'s mut String,
) -> &'s mut String {
    match f {
        Field::Title => title,
        Field::Name => names,
        Field::Figure => figure,
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

    #[test]
    fn main_text_without_chrome() {
        let page = PageText::of(concat!(
            r#"<html><head><meta name="PubDate" content="2023-12-20"><title>标题_站</title></head>"#,
            r#"<body><header><p>青川区</p><nav><a href=x>首页</a></nav></header>"#,
            r#"<main><p class="archived-note">已归档</p><h1>城镇登记失业率<span>（2023年）</span></h1>"#,
            r#"<dl class="facts"><div><dt>数值</dt><dd><strong>3.3</strong> ％</dd></div><div><dt>目标</dt><dd>4</dd></div></dl>"#,
            r#"<table><tr><th>年度</th><td>8084</td><td>8000</td></tr></table>"#,
            r#"<p>就业&amp;<a href=y>创业</a></p><script>var x = "秘密";</script>"#,
            r#"<form><label>搜索</label></form></main><footer>网站地图</footer></body></html>"#
        ));
        assert_eq!(page.title, "城镇登记失业率（2023年）");
        assert_eq!(page.figure.as_deref(), Some("3.3 ％"));
        assert_eq!(page.date.as_deref(), Some("2023-12-20"));
        assert_eq!(page.names, "数值 目标 年度");
        assert_eq!(
            page.body,
            "城镇登记失业率（2023年） 数值 3.3 ％ 目标 4 年度 8084 8000 就业&创业"
        );
    }
}
