//! Escaping for each output context, in one place: every string from users reaches HTML,
//! SVG, XML and CSV through these (JSON is written by its serialiser, which escapes control
//! characters itself). Characters no output may hold are dropped here too.

use std::borrow::Cow;
use std::fmt;

/// Characters that make an XML file ill-formed (C0 controls but tab, line feed and carriage
/// return; U+FFFE, U+FFFF) or that HTML reports as control-character errors (DEL, C1). They
/// arrive from YAML escapes (`"\x01"`, `"\uFFFE"`) and pasted text; no page means to show them.
pub fn is_illegal(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// `s` without the characters of [`is_illegal`]; borrowed when there are none.
pub fn strip_illegal(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_illegal) {
        Cow::Owned(s.chars().filter(|&c| !is_illegal(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// A text cell for a CSV file that spreadsheets open: illegal characters dropped, and text
/// that Excel would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
/// prefixed with `'`, as OWASP advises. Plain numbers (`-3.5`) stay numbers.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let s = strip_illegal(s);
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && !is_plain_number(&s) {
        Cow::Owned(format!("'{s}"))
    } else {
        s
    }
}

/// An optional sign, digits and at most one decimal point: what gongkai writes for a figure.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("");
    !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !digits.ends_with('.')
}

/// A serialised JSON value as a JavaScript expression in a classic script file (the search
/// index's `gk.chunk(…)` calls; JSON is JavaScript since ES2019): `<` is written `\u003c`
/// (it only occurs inside strings), so no `</script>` or `<!--` can appear, and the
/// characters of [`is_illegal`] the serialiser keeps are dropped.
pub fn js_value(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    // Copied a stretch at a time: an index's chunks are megabytes with hardly a `<` in them.
    let mut rest = json;
    while let Some(i) = rest.find(|c| c == '<' || is_illegal(c)) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or_default();
        if c == '<' {
            out.push_str("\\u003c");
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = write_escaped_html(&mut out, s);
    out
}

/// Writes `s` escaped for HTML content and attribute values; what the templates print goes
/// through this too, so pages and the strings built in code escape alike.
pub fn write_escaped_html(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    let mut rest = s;
    while let Some(i) = rest.find(|c| matches!(c, '<' | '>' | '&' | '"' | '\'') || is_illegal(c)) {
        out.write_str(&rest[..i])?;
        let c = rest[i..].chars().next().unwrap_or_default();
        out.write_str(match c {
            '<' => "&lt;",
            '>' => "&gt;",
            '&' => "&amp;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => "",
        })?;
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// Escapes text for XML content and attribute values (SVG charts, sitemap.xml, the feed).
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_illegal(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_each_context() {
        assert_eq!(escape_html("a<b>&\"'/"), "a&lt;b&gt;&amp;&quot;&#39;/");
        assert_eq!(escape_xml("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape_html("a\u{1}\u{fffe}b\u{85}<"), "ab&lt;");
        assert_eq!(escape_xml("名\u{ffff}称\t"), "名称\t");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (cell, out) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\r=1", "'\r=1"),
            ("-3.5", "-3.5"),
            ("+12", "+12"),
            ("1.5", "1.5"),
            ("-", "'-"),
            ("-.", "'-."),
            ("城镇=就业", "城镇=就业"),
            ("a\u{1}b", "ab"),
        ] {
            assert_eq!(csv_cell(cell), out, "{cell:?}");
        }
    }
}
