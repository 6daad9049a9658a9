//! Links in rendered HTML as a browser reads them: the ids and internal links of a page
//! ([`PageLinks`], what the link check needs), entity and percent decoding, and resolving a
//! relative link against the page's folder.

use rustc_hash::FxHashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};

/// What the link check needs of one page of the standard site, taken while the page is
/// rendered so that its bytes can be written and dropped at once, and a preview rebuild
/// that reuses the page does not scan it again. Every string is a [`Name`]: the pages of a
/// site repeat the same links (stylesheet, navigation, the edition's indicators) and ids,
/// and a large site holds millions of them until the link check.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    /// Every id on the page, entities decoded, sorted.
    ids: Box<[Name]>,
    /// Every distinct internal link.
    pub(crate) links: Box<[Link]>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Link {
    /// As written, entities decoded.
    pub(crate) text: Name,
    /// The file it leads to, relative to the site root; None when it climbs out of the site.
    pub(crate) target: Option<Name>,
    /// What follows `#`, if anything.
    pub(crate) fragment: Option<Name>,
}

/// A string of [`PageLinks`] by its number in the process's one table of them: 4 bytes
/// where a string would take 16 to 24 and its own allocation. The table only grows (a
/// preview session adds the few links its edits make); [`names`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Name(NonZeroU32);

#[derive(Default)]
struct Names {
    numbers: FxHashMap<Arc<str>, Name>,
    strings: Vec<Arc<str>>,
}

static NAMES: Mutex<Option<Names>> = Mutex::new(None);

/// The names of `strings`, taken under one lock for a whole page.
fn name_all<const N: usize>(strings: Vec<[Option<String>; N]>) -> Vec<[Option<Name>; N]> {
    let mut guard = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    let names = guard.get_or_insert_with(Names::default);
    let mut one = |s: String| -> Name {
        if let Some(&name) = names.numbers.get(s.as_str()) {
            return name;
        }
        let number = u32::try_from(names.strings.len() + 1)
            .ok()
            .and_then(NonZeroU32::new)
            .expect("fewer than 4 billion distinct links");
        let string: Arc<str> = Arc::from(s);
        names.strings.push(string.clone());
        names.numbers.insert(string, Name(number));
        Name(number)
    };
    strings
        .into_iter()
        .map(|group| group.map(|s| s.map(&mut one)))
        .collect()
}

/// The strings of the names given so far, to read [`Name`]s without a lock.
pub(crate) fn names() -> NameTable {
    let guard = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    NameTable(
        guard
            .as_ref()
            .map(|n| n.strings.clone())
            .unwrap_or_default(),
    )
}

/// The strings of the names given when it was taken.
pub(crate) struct NameTable(Vec<Arc<str>>);

impl NameTable {
    pub(crate) fn get(&self, name: Name) -> &str {
        self.get_index(name.index())
    }

    /// The string of the name whose [`Name::index`] is `index` (from 1).
    pub(crate) fn get_index(&self, index: usize) -> &str {
        &self.0[index - 1]
    }

    /// The largest index of a name in the table.
    pub(crate) fn last_index(&self) -> usize {
        self.0.len()
    }
}

impl Name {
    /// Its number, from 1: names index a table of their own with it.
    pub(crate) fn index(self) -> usize {
        self.0.get() as usize
    }
}

impl PageLinks {
    /// The ids and links of the page at `name` (relative to the site root).
    pub fn of(html: &str, name: &str) -> PageLinks {
        let mut reader = LinkReader::default();
        // The tokenizer is the one the 关怀版 rewrite uses, so both read the same links.
        super::scan::start_tags(html, |tag| reader.tag(tag));
        reader.finish(name)
    }

    /// Whether the page has an element with this id.
    pub(crate) fn has_id(&self, id: Name) -> bool {
        self.ids.binary_search(&id).is_ok()
    }
}

/// [`PageLinks`] in the making, fed the start tags of one walk over a page (search's reader
/// takes the same walk: see `html::page`).
#[derive(Default)]
pub(crate) struct LinkReader<'a> {
    seen: rustc_hash::FxHashSet<&'a str>,
    ids: Vec<String>,
    raw_links: Vec<&'a str>,
}

impl<'a> LinkReader<'a> {
    pub(crate) fn tag(&mut self, tag: &super::scan::Tag<'a>) {
        for attr in &tag.attrs {
            if attr.is("href") || attr.is("src") {
                if self.seen.insert(attr.value) {
                    self.raw_links.push(attr.value);
                }
            } else if attr.is("id") {
                self.ids.push(unescape(attr.value));
            }
        }
    }

    /// The ids and links read, of the page at `name` (relative to the site root).
    pub(crate) fn finish(self, name: &str) -> PageLinks {
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
        let depth = name.matches('/').count();
        let LinkReader { ids, raw_links, .. } = self;
        // Most links of a page climb to the site root first (`../../2023/index.html`), so
        // they lead to the same file from every page as deep: each is decoded, resolved and
        // named once per thread, not on every page that has it.
        let mut known: Vec<Option<Resolved>> = Vec::with_capacity(raw_links.len());
        let mut misses: Vec<(&str, bool, [Option<String>; 3])> = Vec::new();
        RESOLVED.with_borrow_mut(|cache| {
            let cache = cache_at(cache, depth);
            for &raw in &raw_links {
                known.push(cache.get(raw).copied());
            }
        });
        for (&raw, known) in raw_links.iter().zip(&known) {
            if known.is_some() {
                continue;
            }
            let text = unescape(raw);
            if is_external(&text) {
                misses.push((raw, true, [None, None, None]));
                continue;
            }
            let (path, fragment) = match text.split_once('#') {
                Some((p, f)) => (p, Some(percent_decode(f))),
                None => (text.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or("");
            // The file it leads to depends on the page's folder only below the root.
            let anywhere = !path.is_empty() && (depth == 0 || climbs(path, depth));
            // pulldown-cmark writes `附件1.pdf` as `%E9%99%84…`: the file has the
            // decoded name, and a browser asks for that.
            let target = if path.is_empty() {
                Some(name.to_string())
            } else {
                resolve(dir, &percent_decode(path))
            };
            let fragment = fragment.filter(|f| !f.is_empty());
            misses.push((raw, anywhere, [Some(text), target, fragment]));
        }
        let named = name_all(
            misses
                .iter_mut()
                .map(|m| std::mem::take(&mut m.2))
                .collect(),
        );
        let mut named = misses
            .iter()
            .zip(named)
            .map(|(&(raw, anywhere, _), names)| {
                // An external link names nothing: it is known not to be checked.
                let resolved = names[0].map(|text| [Some(text), names[1], names[2]]);
                (raw, anywhere || resolved.is_none(), resolved)
            });
        let mut fresh = Vec::new();
        let links = known
            .into_iter()
            .filter_map(|known| {
                let resolved = match known {
                    Some(resolved) => resolved,
                    None => {
                        let (raw, cacheable, resolved) = named.next()?;
                        if cacheable {
                            fresh.push((raw, resolved));
                        }
                        resolved
                    }
                };
                let [text, target, fragment] = resolved?;
                Some(Link {
                    text: text?,
                    target,
                    fragment,
                })
            })
            .collect();
        RESOLVED.with_borrow_mut(|cache| {
            let cache = cache_at(cache, depth);
            // Bounded: links met on one page only (its own chart) would otherwise pile up on
            // a large site; the shared ones (navigation, stylesheet) come back at once.
            if cache.len() + fresh.len() > CACHED_LINKS {
                cache.clear();
            }
            for (raw, resolved) in fresh {
                cache.insert(raw.into(), resolved);
            }
        });
        let mut ids: Vec<Name> = name_all(ids.into_iter().map(|id| [Some(id)]).collect())
            .into_iter()
            .filter_map(|[id]| id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        PageLinks {
            ids: ids.into_boxed_slice(),
            links,
        }
    }
}

/// A link's names as the link check reads them (text, target, fragment), or None for a link
/// that leaves the site.
type Resolved = Option<[Option<Name>; 3]>;

/// The most links [`RESOLVED`] keeps for one depth on one thread (a few MB).
const CACHED_LINKS: usize = 32_768;

thread_local! {
    /// The links that lead to the same file from every page as deep as the page, by that
    /// depth and as written: [`LinkReader::finish`] resolves each once per rendering thread.
    static RESOLVED: std::cell::RefCell<Vec<FxHashMap<Box<str>, Resolved>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn cache_at(
    cache: &mut Vec<FxHashMap<Box<str>, Resolved>>,
    depth: usize,
) -> &mut FxHashMap<Box<str>, Resolved> {
    if cache.len() <= depth {
        cache.resize_with(depth + 1, FxHashMap::default);
    }
    &mut cache[depth]
}

/// Whether `path` begins by climbing `depth` folders (`../../` for 2).
fn climbs(path: &str, depth: usize) -> bool {
    let mut rest = path;
    for _ in 0..depth {
        match rest.strip_prefix("../") {
            Some(r) => rest = r,
            None => return false,
        }
    }
    true
}

/// The `href` and `src` values of a page in document order, raw; `src` only when `only_src`.
fn link_values(text: &str, only_src: bool) -> Vec<&str> {
    let mut values = Vec::new();
    super::scan::start_tags(text, |tag| {
        for attr in &tag.attrs {
            if attr.is("src") || !only_src && attr.is("href") {
                values.push(attr.value);
            }
        }
    });
    values
}

/// Every internal href and src value of a page, entities decoded.
pub(crate) fn internal_links(text: &str) -> impl Iterator<Item = String> + '_ {
    link_values(text, false)
        .into_iter()
        .map(unescape)
        .filter(|s| !is_external(s))
}

/// The `src` values of a page, entities decoded, external ones left out.
pub(crate) fn sources(text: &str) -> impl Iterator<Item = String> + '_ {
    link_values(text, true)
        .into_iter()
        .map(unescape)
        .filter(|s| !is_external(s))
}

/// Decodes the percent-escapes of a URL path or fragment (`%E9%99%84` → `附`, `%20` → ` `);
/// `s` as it is when they do not spell UTF-8.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%')
            .then(|| Some(hex(*b.get(i + 1)?)? << 4 | hex(*b.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(byte) => {
                bytes.push(byte);
                i += 3;
            }
            None => {
                bytes.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_string())
}

pub(crate) fn is_external(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || lower.starts_with("data:")
}

/// Joins a relative link to the page's folder; None when it climbs out of the site.
pub(crate) fn resolve(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Decodes the entities our templates and the sanitiser write in attribute values
/// (minijinja escapes `/` as `&#x2f;`).
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_percent_escapes_that_spell_utf8() {
        assert_eq!(
            super::percent_decode("%E9%99%84%E4%BB%B6%201.pdf"),
            "附件 1.pdf"
        );
        assert_eq!(super::percent_decode("100%.pdf"), "100%.pdf");
        assert_eq!(super::percent_decode("%zz%4"), "%zz%4");
        // Not UTF-8: left as written.
        assert_eq!(super::percent_decode("%FF.pdf"), "%FF.pdf");
    }

    #[test]
    fn resolves_relative_links() {
        assert_eq!(
            super::resolve("2023", "../index.html").unwrap(),
            "index.html"
        );
        assert_eq!(
            super::resolve("2023/indicators", "../../static/a.css").unwrap(),
            "static/a.css"
        );
        assert!(super::resolve("", "../x.html").is_none());
        assert!(super::resolve("2023", "/abs.html").is_none());
        assert_eq!(
            super::unescape("..&#x2f;a&amp;b&#47;c&bogus"),
            "../a&b/c&bogus"
        );
    }
}
