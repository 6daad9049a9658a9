//! A small HTML tokenizer for the places that read attributes back out of rendered pages
//! (the link check's ids and links, the 关怀版 link rewrite) and out of raw HTML in the
//! narrative. It follows the HTML tokenizer's states closely enough to stay in step with a
//! browser: quotes only count inside a tag, values may be double-, single- or unquoted and
//! hold `>`, comments, doctypes and the contents of <script>, <style> and their kin are
//! skipped. A leaf: it imports nothing from the crate.

/// How an attribute's value was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quote {
    Double,
    Single,
    Unquoted,
    /// No value at all (`<input disabled>`).
    Bare,
}

/// One attribute of a start tag.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'a> {
    /// As written; compare with [`Attr::is`], names are case-insensitive.
    pub(crate) name: &'a str,
    /// Raw: character references are not decoded.
    pub(crate) value: &'a str,
    /// Byte offset of the value in the input (inside the quotes).
    pub(crate) at: usize,
    pub(crate) quote: Quote,
}

impl Attr<'_> {
    pub(crate) fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// One start tag.
#[derive(Debug, Clone)]
pub(crate) struct Tag<'a> {
    /// As written; compare with `eq_ignore_ascii_case`.
    pub(crate) name: &'a str,
    /// In order; a repeated name is left out, as browsers ignore it.
    pub(crate) attrs: Vec<Attr<'a>>,
    /// Byte offset just past the tag's `>`.
    pub(crate) end: usize,
}

impl<'a> Tag<'a> {
    /// The first attribute called `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.is(name))
    }
}

/// Elements whose content is text up to their end tag, never tags.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Calls `visit` with every start tag of `html`, in order. Text, end tags, comments,
/// doctypes and the contents of raw-text elements are skipped; a tag cut off by the end of
/// the input is not a tag (as in a browser).
pub(crate) fn start_tags<'a>(html: &'a str, mut visit: impl FnMut(&Tag<'a>)) {
    walk(html, |event| {
        if let Event::Start(tag) = event {
            visit(tag);
        }
    });
}

/// What [`walk`] meets, in document order.
pub(crate) enum Event<'a, 'b> {
    Start(&'b Tag<'a>),
    /// An end tag's name, as written.
    End(&'a str),
    /// Text between tags, raw: character references are not decoded.
    Text(&'a str),
}

/// Calls `visit` with every start tag, end tag and run of text of `html`, in order (what
/// search reads of a page). Comments, doctypes and the contents of raw-text elements
/// (`<script>`, `<style>`, `<title>` …) are skipped.
pub(crate) fn walk<'a>(html: &'a str, mut visit: impl FnMut(Event<'a, '_>)) {
    let b = html.as_bytes();
    let mut pos = 0;
    // One buffer for every tag's attributes: pages are scanned on the rendering threads.
    let mut tag = Tag {
        name: "",
        attrs: Vec::new(),
        end: 0,
    };
    // memchr rather than str::find: tags are dense, and this loop runs over every page.
    // Text reaches from `pos` to the next `<` that opens markup (a lone `<` is text).
    let mut text_from = 0;
    while let Some(i) = memchr::memchr(b'<', &b[pos..]).map(|i| pos + i) {
        let markup = match b.get(i + 1) {
            Some(c) => c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'),
            None => false,
        };
        if markup && text_from < i {
            visit(Event::Text(&html[text_from..i]));
        }
        match b.get(i + 1) {
            Some(c) if c.is_ascii_alphabetic() => {
                if !parse_tag(html, i, &mut tag) {
                    return;
                }
                visit(Event::Start(&tag));
                pos = tag.end;
                let name = tag.name;
                if name.eq_ignore_ascii_case("plaintext") {
                    return;
                }
                if RAW_TEXT.iter().any(|r| name.eq_ignore_ascii_case(r)) {
                    pos = raw_text_end(html, pos, name);
                }
            }
            Some(b'/') => match b.get(i + 2) {
                Some(c) if c.is_ascii_alphabetic() => {
                    // End tags are parsed like start tags so that a quoted `>` in one
                    // does not end it early.
                    let mut end_tag = Tag {
                        name: "",
                        attrs: Vec::new(),
                        end: 0,
                    };
                    if !parse_tag(html, i + 1, &mut end_tag) {
                        return;
                    }
                    visit(Event::End(end_tag.name));
                    pos = end_tag.end;
                }
                Some(b'>') => pos = i + 3,
                Some(_) => pos = past(html, i + 2, ">"),
                None => return,
            },
            Some(b'!') => {
                let rest = &html[i + 2..];
                pos = if let Some(comment) = rest.strip_prefix("--") {
                    // `<!-->` and `<!--->` are whole (empty) comments.
                    if comment.starts_with('>') {
                        i + 5
                    } else if comment.starts_with("->") {
                        i + 6
                    } else {
                        let from = i + 4;
                        let close = html[from..].find("-->").map(|k| from + k + 3);
                        let bang = html[from..].find("--!>").map(|k| from + k + 4);
                        match (close, bang) {
                            (Some(c), Some(b)) => c.min(b),
                            (c, b) => c.or(b).unwrap_or(html.len()),
                        }
                    }
                } else if rest.starts_with("[CDATA[") {
                    past(html, i + 9, "]]>")
                } else {
                    past(html, i + 2, ">")
                };
            }
            Some(b'?') => pos = past(html, i + 2, ">"),
            _ => pos = i + 1,
        }
        if markup {
            text_from = pos;
        }
    }
    if text_from < html.len() {
        visit(Event::Text(&html[text_from..]));
    }
}

/// The start tag that begins at `at` (a `<` followed by a letter), if it is complete.
pub(crate) fn tag_at(html: &str, at: usize) -> Option<Tag<'_>> {
    let b = html.as_bytes();
    if b.get(at) != Some(&b'<') || !b.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut tag = Tag {
        name: "",
        attrs: Vec::new(),
        end: 0,
    };
    parse_tag(html, at, &mut tag).then_some(tag)
}

/// Just past the first `end` at or after `from`, or the end of the input.
fn past(html: &str, from: usize, end: &str) -> usize {
    html.get(from..)
        .and_then(|s| s.find(end))
        .map_or(html.len(), |k| from + k + end.len())
}

/// Where the raw text of element `name` that starts at `from` ends: at its end tag.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let b = html.as_bytes();
    let mut pos = from;
    while let Some(k) = html[pos..].find("</").map(|k| pos + k) {
        let after = k + 2 + name.len();
        if b.len() >= after
            && b[k + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && b.get(after)
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return k;
        }
        pos = k + 2;
    }
    html.len()
}

/// Parses the tag whose `<` is at `lt` into `tag`; false when the input ends inside it.
fn parse_tag<'a>(html: &'a str, lt: usize, tag: &mut Tag<'a>) -> bool {
    let b = html.as_bytes();
    let stop = |c: u8| is_space(c) || c == b'/' || c == b'>';
    let mut i = lt + 1;
    let start = i;
    while i < b.len() && !stop(b[i]) {
        i += 1;
    }
    tag.name = &html[start..i];
    tag.attrs.clear();
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            i += 1;
        }
        match b.get(i) {
            None => return false,
            Some(b'>') => {
                tag.end = i + 1;
                return true;
            }
            Some(_) => {}
        }
        // A name may start with `=` (a browser keeps it as part of the name).
        let name_start = i;
        i += 1;
        while i < b.len() && !stop(b[i]) && b[i] != b'=' {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let (value, at, quote) = if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match b.get(i) {
                None => return false,
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(len) = memchr::memchr(q, &html.as_bytes()[i + 1..]) else {
                        return false;
                    };
                    let at = i + 1;
                    i = at + len + 1;
                    let quote = if q == b'"' {
                        Quote::Double
                    } else {
                        Quote::Single
                    };
                    (&html[at..at + len], at, quote)
                }
                // `a=>`: an empty value, and the tag ends.
                Some(b'>') => ("", i, Quote::Unquoted),
                Some(_) => {
                    let at = i;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                    (&html[at..i], at, Quote::Unquoted)
                }
            }
        } else {
            ("", i, Quote::Bare)
        };
        if !tag.attrs.iter().any(|a| a.is(name)) {
            tag.attrs.push(Attr {
                name,
                value,
                at,
                quote,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_start_tags(html: &str) -> Vec<Tag<'_>> {
        let mut tags = Vec::new();
        start_tags(html, |t| tags.push(t.clone()));
        tags
    }

    fn attrs(html: &str) -> Vec<(String, String, String)> {
        all_start_tags(html)
            .iter()
            .flat_map(|t| {
                t.attrs
                    .iter()
                    .map(|a| (t.name.to_string(), a.name.to_string(), a.value.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn triple(t: &str, a: &str, v: &str) -> (String, String, String) {
        (t.into(), a.into(), v.into())
    }

    #[test]
    fn quotes_in_text_do_not_matter() {
        assert_eq!(
            attrs(r#"<p>配置 a="b 说明。</p><img alt="示意图" src="x.png">"#),
            [
                triple("img", "alt", "示意图"),
                triple("img", "src", "x.png")
            ]
        );
    }

    #[test]
    fn every_way_of_quoting() {
        assert_eq!(
            attrs(r#"<a href='a"b.html' title="x>y" data-src=z.png src = w.png hidden>"#),
            [
                triple("a", "href", "a\"b.html"),
                triple("a", "title", "x>y"),
                triple("a", "data-src", "z.png"),
                triple("a", "src", "w.png"),
                triple("a", "hidden", ""),
            ]
        );
        // Positions point at the value itself.
        let html = "<img alt=a src='b'>";
        let tags = all_start_tags(html);
        let src = tags[0].attr("SRC").unwrap();
        assert_eq!(&html[src.at..src.at + src.value.len()], "b");
        assert_eq!(src.quote, Quote::Single);
    }

    #[test]
    fn comments_scripts_and_styles_hide_their_contents() {
        let html = concat!(
            r#"<!-- <a href="c.html"> --><!--><!---><!DOCTYPE html>"#,
            r#"<script>var s = '<img src="s.png">';</script >"#,
            r#"<STYLE>a[href="x"] { }</style><![CDATA[<a href="d">]]>"#,
            r#"<p id="ok"></p title="</p>"><b id=last>"#,
        );
        assert_eq!(
            attrs(html),
            [triple("p", "id", "ok"), triple("b", "id", "last")]
        );
    }

    #[test]
    fn walk_gives_text_and_end_tags_in_order() {
        let mut seen = Vec::new();
        walk(
            "a<p class=x>b < c<!-- d --></p><script>e</script>f",
            |event| {
                seen.push(match event {
                    Event::Start(t) => format!("<{}>", t.name),
                    Event::End(name) => format!("</{name}>"),
                    Event::Text(text) => text.to_string(),
                })
            },
        );
        assert_eq!(
            seen,
            ["a", "<p>", "b < c", "</p>", "<script>", "</script>", "f"]
        );
    }

    #[test]
    fn a_cut_off_tag_and_repeated_names_are_dropped() {
        assert_eq!(
            attrs(r#"<a href="1" HREF="2">x < y <b id="z"#),
            [triple("a", "href", "1")]
        );
        assert!(tag_at("<img alt=a", 0).is_none());
        assert_eq!(tag_at("x<img alt=a>", 1).unwrap().end, 12);
    }
}
