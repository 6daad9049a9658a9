//! Typed forms of `site.yaml` and of page front matter. Unknown keys are errors from day one.

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub organization: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub site_domain: Option<String>,
    #[serde(default)]
    pub column: Column,
    #[serde(default)]
    pub footer: Footer,
    #[serde(default)]
    pub numbers: NumberStyle,
    /// The legend printed wherever a withheld "*" appears.
    #[serde(default = "default_withheld_note")]
    pub withheld_note: String,
    /// A regular expression every 索引号 must match (formats differ by province).
    #[serde(default)]
    pub index_no_pattern: Option<String>,
    #[serde(default)]
    pub checks: Checks,
    /// Whether the publisher is a department or a government: it sets the legal deadline
    /// of the annual disclosure report.
    #[serde(default)]
    pub agency: Agency,
}

/// How to write a base URL, for the help line of a refused one.
/// The kind of agency publishing the site (《政府信息公开条例》 art. 49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Agency {
    /// 县级以上人民政府部门: the annual report by 31 January.
    #[default]
    Department,
    /// 县级以上地方人民政府: by 31 March.
    Government,
}

impl Agency {
    /// Month and day of the deadline, in the year after the report's.
    pub fn deadline(self) -> (u32, u32) {
        match self {
            Agency::Department => (1, 31),
            Agency::Government => (3, 31),
        }
    }
}

pub const BASE_URL_HELP: &str =
    "write the address the site is published under, e.g. https://www.example.gov.cn/gzbg/";

/// Why `url` cannot be the address a site is published under, or None when it can: an
/// absolute http or https URL with a host, without credentials, query or fragment. It ends up
/// in canonical links, the feed, the sitemap, the 404 page and stand-in pages, so a
/// `javascript:` or `data:` URL here would be a link every visitor may follow, and
/// `user:pass@` would publish a password.
pub fn base_url_problem(url: &str) -> Option<String> {
    let problem = Some;
    if url.is_empty() {
        return problem("the base URL is empty".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return problem("the base URL contains a space or a control character".into());
    }
    if let Some(c) = url.chars().find(|&c| is_invisible(c)) {
        return problem(format!(
            "the base URL contains the invisible character U+{:04X}: zero-width and text-direction characters make a link read differently from where it leads",
            c as u32
        ));
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &url[scheme.len()..]))
    else {
        // `https:\\host` or `https:/host`: the right scheme, written wrong.
        if let Some(scheme) = ["https:", "http:"]
            .into_iter()
            .find(|scheme| lower.starts_with(scheme))
        {
            return problem(format!(
                "the slashes after `{scheme}` are wrong: write `{scheme}//` and then the host, with two forward slashes"
            ));
        }
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s)
            .filter(|s| s.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter(|s| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            });
        return problem(match scheme {
            Some(s) => format!("`{s}:` is not http or https"),
            None => "the base URL is not absolute: it must start with https:// or http://".into(),
        });
    };
    if rest.contains('?') {
        return problem("the base URL has a query (`?…`)".into());
    }
    if rest.contains('#') {
        return problem("the base URL has a fragment (`#…`)".into());
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return problem("the base URL contains credentials (`user:password@`)".into());
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((ip, port)) if ip.parse::<std::net::Ipv6Addr>().is_ok() => (ip, port),
            _ => return problem("the base URL's IPv6 host is not valid".into()),
        },
        None => authority.split_at(authority.rfind(':').unwrap_or(authority.len())),
    };
    if !authority.starts_with('[') {
        let labels: Vec<&str> = host.strip_suffix('.').unwrap_or(host).split('.').collect();
        if host.is_empty() {
            return problem("the base URL has no host".into());
        }
        let label_ok =
            |l: &&str| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !labels.iter().all(label_ok) {
            return problem(format!("`{host}` is not a host name"));
        }
        if labels
            .iter()
            .any(|l| l.starts_with('-') || l.ends_with('-'))
        {
            return problem(format!(
                "`{host}` is not a host name: a part of it starts or ends with `-`"
            ));
        }
        // A browser reads a host whose last part is a number as an IPv4 address (also in
        // hex or with fewer parts), and a malformed one as no address at all.
        let last = labels.last().copied().unwrap_or("");
        let numeric = last.bytes().all(|b| b.is_ascii_digit())
            || last.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("0x"));
        let dotted = host.strip_suffix('.').unwrap_or(host);
        if numeric && dotted.parse::<std::net::Ipv4Addr>().is_err() {
            return problem(format!(
                "`{host}` is not an IPv4 address (four numbers 0–255 without leading zeros, e.g. 192.168.1.25) nor a host name"
            ));
        }
    }
    if let Some(digits) = port.strip_prefix(':') {
        if digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || digits.parse::<u16>().is_err()
        {
            return problem(format!("`{digits}` is not a port number"));
        }
        if digits.parse::<u16>() == Ok(0) {
            return problem("port 0 is not a port a site can be reached on".into());
        }
    } else if !port.is_empty() {
        return problem("the base URL's IPv6 host is not valid".into());
    }
    // Browsers read a backslash as a slash; the others cannot stand in a URL unescaped.
    if let Some(c) = path.chars().find(|c| "\\\"<>^`{|}".contains(*c)) {
        return problem(format!(
            "the base URL contains `{c}`, which must be percent-encoded"
        ));
    }
    None
}

/// Characters that show nothing or reorder the text around them: every format character
/// (Unicode category Cf: zero-width spaces and joiners, bidi embeddings, overrides and
/// isolates, the byte-order mark, tag characters…) and the blank fillers that are letters.
fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0xAD | 0x34F
            | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// Thresholds of `check`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// A value more than this many times (or less than 1/this of) last year's asks for
    /// confirmation.
    #[serde(default = "default_jump_factor", deserialize_with = "jump_factor")]
    pub jump_factor: f64,
    /// The most KB one query of an edition's search page may load before `check` warns
    /// (W090).
    #[serde(default = "default_search_query_kb")]
    pub search_query_kb: u32,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            jump_factor: default_jump_factor(),
            search_query_kb: default_search_query_kb(),
        }
    }
}

fn default_search_query_kb() -> u32 {
    300
}

fn default_jump_factor() -> f64 {
    3.0
}

/// A jump factor is a finite number above 1: `.nan` would switch the check off silently and
/// 1 or less would flag every figure.
fn jump_factor<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v > 1.0 {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "`{v}` is out of range: jump_factor is a number above 1, e.g. 3"
        )))
    }
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_withheld_note() -> String {
    "注：“*”表示该数据依法不予公开。".into()
}

/// 栏目名 and 栏目类型, for the portal head tags.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    #[serde(default)]
    pub sponsor: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub site_code: Option<String>,
    #[serde(default)]
    pub icp: Option<String>,
    #[serde(default)]
    pub police_record: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// How figures are printed. Official documents use no thousands separators and a full-width ％.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberStyle {
    #[serde(default)]
    pub thousands_separator: bool,
    #[serde(default = "default_percent_sign")]
    pub percent_sign: String,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            thousands_separator: false,
            percent_sign: default_percent_sign(),
        }
    }
}

fn default_percent_sign() -> String {
    "％".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Published,
    Draft,
}

/// Front matter of `report.md`: the 政府信息公开 metadata of an edition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFront {
    pub title: String,
    pub index_no: String,
    pub publisher: String,
    #[serde(default)]
    pub written: Option<Date>,
    pub published: Date,
    #[serde(default)]
    pub as_of: Option<Date>,
    pub category: String,
    #[serde(default)]
    pub doc_no: Option<String>,
    #[serde(default = "default_disclosure")]
    pub disclosure: String,
    #[serde(default = "default_scope")]
    pub scope: String,
    #[serde(default)]
    pub validity: Option<String>,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub summary: Option<String>,
}

fn default_disclosure() -> String {
    "主动公开".into()
}
fn default_scope() -> String {
    "面向社会".into()
}

/// Front matter of a further page of an edition: only `title` is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    #[serde(default)]
    pub published: Option<Date>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub status: Status,
}

#[cfg(test)]
mod tests {
    use super::{base_url_problem, Date};

    #[test]
    fn base_urls_are_absolute_http_without_credentials_query_or_fragment() {
        for good in [
            "https://www.example.gov.cn/gzbg/",
            "http://example.gov.cn",
            "HTTPS://Example.gov.cn:8443/a&b='c'/",
            "http://127.0.0.1:8000/",
            "http://[::1]:8000/x/",
            "https://政府.中国/年报/",
            "https://example.gov.cn./%E5%B9%B4/",
            "https://rsj-2.example.gov.cn/",
            "https://1example.gov.cn/",
            "http://192.168.1.25:8080/",
            "https://a.example/%E2%80%8B/",
        ] {
            assert_eq!(base_url_problem(good), None, "{good}");
        }
        for (bad, why) in [
            (
                "data:text/html,<script>alert(1)</script>",
                "`data:` is not http",
            ),
            ("javascript:alert(1)", "`javascript:` is not http"),
            ("ftp://example.gov.cn/", "`ftp:` is not http"),
            ("//evil.example/", "not absolute"),
            ("example.gov.cn/gzbg/", "not absolute"),
            ("/gzbg/", "not absolute"),
            ("", "empty"),
            ("https://", "no host"),
            ("https:///x", "no host"),
            ("https://user:pass@example.gov.cn/", "credentials"),
            ("https://@example.gov.cn/", "credentials"),
            ("https://example.gov.cn/?a=1", "query"),
            ("https://example.gov.cn/#top", "fragment"),
            ("https://example.gov.cn:99999/", "not a port"),
            ("https://example.gov.cn:/", "not a port"),
            ("https://exa mple.gov.cn/", "space"),
            ("https://example.gov.cn/\n", "control"),
            ("https://example.gov.cn\\@evil/", "credentials"),
            ("https://example.gov.cn\\evil/", "not a host name"),
            ("https://example.gov.cn/a\\b", "`\\`"),
            ("https://example.gov.cn/\"><script>", "`\"`"),
            ("https://[::1/", "IPv6"),
            ("https://[::1]x/", "IPv6"),
            ("https://a..b/", "not a host name"),
            ("https:\\\\a.example\\", "slashes after `https:`"),
            ("HTTPS:/a.example/", "slashes after `https:`"),
            ("http:a.example", "slashes after `http:`"),
            ("https://a.example\u{200B}/", "U+200B"),
            ("https://a.example/\u{202E}x", "U+202E"),
            ("https://a\u{AD}b.example/", "U+00AD"),
            ("https://a.example/\u{E0041}", "U+E0041"),
            ("https://a.example:0/", "port 0"),
            ("https://a.example:00/", "port 0"),
            ("https://-a.example/", "`-`"),
            ("https://a-.example/", "`-`"),
            ("https://1.2.3.4.5/", "IPv4"),
            ("https://a.1/", "IPv4"),
            ("https://0x7f.1/", "IPv4"),
            ("https://127.0.0.01/", "IPv4"),
        ] {
            let problem = base_url_problem(bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(problem.contains(why), "{bad}: {problem}");
        }
    }

    #[test]
    fn dates_parse_strictly_and_print_both_ways() {
        let d = Date::parse("2023-02-05").unwrap();
        assert_eq!(d.to_string(), "2023-02-05");
        assert_eq!(d.chinese(), "2023年2月5日");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-13-01").is_none());
        assert!(Date::parse("23-1-1").is_none());
    }
}
