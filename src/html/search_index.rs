//! One search index: the pages of one edition (or of the site-wide pages) → a manifest
//! (`index.js`, fixed name), term chunks (`t-<hash>.js`) and page groups (`s-<hash>.js`),
//! each a classic script handing its data to the runtime (`gk.index(…)`, `gk.chunk(…)`), as
//! `<script src>` is what still loads from file://.
//!
//! - **Terms** (tokens of `html::search_tokens`) are sorted by UTF-16 code units, the order
//!   JavaScript compares strings in, and cut into chunks of about [`CHUNK_BYTES`]; the
//!   manifest gives each chunk's first and last term, so a query loads only the chunks its
//!   terms fall in. A chunk is lines `term\tpostings`; postings are the page numbers in
//!   order, each written as the field mask (1 title, 2 names, 4 body; `1`–`7`) and the
//!   difference from the previous page number in base 36, separated by commas.
//! - **Page groups** hold the page table (URL relative to the site root, title, 发布日期,
//!   section, for indicator pages the figure and unit as printed) and the page's text for
//!   snippets, about [`GROUP_BYTES`] each. They are kept out of the manifest, which would
//!   otherwise grow with the edition (130 KB for the 1,100 pages of an edition of the medium
//!   corpus): a query loads only the groups of the results it shows.
//!
//! Names are content hashes, so an unchanged chunk keeps its name and the same pages give the
//! same bytes.

use crate::html::escape::js_value;
use crate::html::search_text::PageText;
use rustc_hash::FxHashMap;
use serde_json::{json, Value};

/// The index format the runtime reads; a runtime meeting another skips that index.
pub(crate) const FORMAT: u32 = 1;
/// A chunk is closed once it reaches this size. A query loads one chunk per term in every
/// index it searches, so this, not the edition's size, sets its bytes: the site-wide page's
/// first query of an indicator name (eight terms) loaded 457 KB on the medium corpus with
/// 32 KB chunks, 185 KB with 8 KB ones, for a manifest 2 KB larger (a chunk is ~45 bytes of it).
const CHUNK_BYTES: usize = 8 * 1024;
/// A page group is closed once it reaches this size.
const GROUP_BYTES: usize = 8 * 1024;
/// Characters of a page's text kept for its snippet.
const SNIPPET_CHARS: usize = 1500;
/// What one query is assumed to load for the budget figure: the chunks of this many terms
/// and the page groups of one screen of results.
pub(crate) const QUERY_TERMS: usize = 4;
pub(crate) const RESULTS_SHOWN: usize = 10;

/// One page to index.
pub(crate) struct Doc<'a> {
    /// Relative to the site root.
    pub(crate) url: &'a str,
    pub(crate) text: &'a PageText,
    pub(crate) date: String,
    pub(crate) section: &'static str,
}

/// The files of one index and its figures.
pub(crate) struct Built {
    /// Paths relative to the site root.
    pub(crate) files: Vec<(String, Vec<u8>)>,
    pub(crate) stats: Stats,
}

/// What `check` reports of an index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub(crate) bytes: usize,
    pub(crate) chunks: usize,
    pub(crate) load: Load,
}

/// The most one query can load from one index: its manifest, its [`QUERY_TERMS`] largest
/// chunks and its [`RESULTS_SHOWN`] largest page groups (largest first).
#[derive(Debug, Clone, Default)]
pub(crate) struct Load {
    pub(crate) manifest: usize,
    chunks: Vec<usize>,
    groups: Vec<usize>,
}

impl Load {
    fn of(manifest: usize, mut chunks: Vec<usize>, mut groups: Vec<usize>) -> Load {
        chunks.sort_unstable_by(|a, b| b.cmp(a));
        chunks.truncate(QUERY_TERMS);
        groups.sort_unstable_by(|a, b| b.cmp(a));
        groups.truncate(RESULTS_SHOWN);
        Load {
            manifest,
            chunks,
            groups,
        }
    }

    /// The load of the index whose manifest is `bytes` (a frozen edition's, which lists
    /// the size of every chunk and page group); only the manifest's own bytes when it is of
    /// another format, which the runtime skips.
    pub(crate) fn of_manifest(bytes: &[u8]) -> Load {
        let json = std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| t.strip_prefix("gk.index("))
            .and_then(|t| t.trim_end().strip_suffix(");"))
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .filter(|m| m["format"] == FORMAT);
        let Some(m) = json else {
            return Load::of(bytes.len(), Vec::new(), Vec::new());
        };
        let sizes = |key: &str, at: usize| -> Vec<usize> {
            m[key].as_array().map_or(Vec::new(), |list| {
                list.iter()
                    .filter_map(|x| x[at].as_u64())
                    .map(|n| n as usize)
                    .collect()
            })
        };
        Load::of(bytes.len(), sizes("chunks", 3), sizes("groups", 2))
    }
}

/// The most one query of a search page loads (without the runtime) when it reads the
/// manifests of `also` (bytes) and searches `indexes` at once: their manifests, the chunks of
/// [`QUERY_TERMS`] terms in each, and the page groups of one screen of results, which may all
/// come from one index or be spread over them.
pub(crate) fn query_bytes(indexes: &[&Load], also: usize) -> usize {
    let mut groups: Vec<usize> = indexes.iter().flat_map(|l| l.groups.clone()).collect();
    groups.sort_unstable_by(|a, b| b.cmp(a));
    also + indexes
        .iter()
        .map(|l| l.manifest + l.chunks.iter().sum::<usize>())
        .sum::<usize>()
        + groups.iter().take(RESULTS_SHOWN).sum::<usize>()
}

/// The index of `docs` under `dir` (e.g. `2023/search/`), for `edition` (None: the
/// site-wide pages). `extra` goes into the manifest as it is (the site-wide one lists every
/// edition's index there).
pub(crate) fn build(dir: &str, edition: Option<i32>, docs: &[Doc], extra: Value) -> Built {
    // Keyed by the pages' own terms (they outlive the index): no term is copied until it
    // is written.
    let mut postings: FxHashMap<&str, Vec<(u32, u8)>> = FxHashMap::default();
    for (n, doc) in docs.iter().enumerate() {
        for (term, mask) in doc.text.terms.iter() {
            postings.entry(term).or_default().push((n as u32, mask));
        }
    }
    let mut terms: Vec<(&str, Vec<(u32, u8)>)> = postings.into_iter().collect();
    // UTF-8 byte order is UTF-16 order unless a term holds a character beyond U+FFFF.
    if terms.iter().any(|(t, _)| t.chars().any(|c| c > '\u{ffff}')) {
        terms.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    } else {
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    }

    let mut files = Vec::new();
    let mut chunks = Vec::new();
    let mut chunk_sizes = Vec::new();
    let mut data = String::new();
    let mut first = String::new();
    let mut last = String::new();
    let mut close = |data: &mut String, first: &str, last: &str, files: &mut Vec<_>| {
        let json = serde_json::to_string(&*std::mem::take(data)).unwrap_or_default();
        let (name, bytes) = chunk_file("t", &json);
        chunks.push(json!([first, last, name, bytes.len()]));
        chunk_sizes.push(bytes.len());
        files.push((format!("{dir}{name}"), bytes));
    };
    for (term, list) in &terms {
        if data.is_empty() {
            first.clear();
            first.push_str(term);
        } else {
            data.push('\n');
        }
        data.push_str(term);
        data.push('\t');
        let mut previous = 0;
        for (k, &(page, mask)) in list.iter().enumerate() {
            if k > 0 {
                data.push(',');
            }
            data.push(char::from(b'0' + mask));
            push_base36(&mut data, page - previous);
            previous = page;
        }
        last.clear();
        last.push_str(term);
        if data.len() >= CHUNK_BYTES {
            close(&mut data, &first, &last, &mut files);
        }
    }
    if !data.is_empty() {
        close(&mut data, &first, &last, &mut files);
    }

    let mut groups = Vec::new();
    let mut group_sizes = Vec::new();
    // The group's JSON array, written as its rows are: each row is serialised once, both
    // to measure the group and to be written.
    let mut rows = String::from("[");
    let mut row_bytes = 0;
    let mut group_start = 0;
    for (n, doc) in docs.iter().enumerate() {
        let body = &doc.text.body;
        let snippet = &body[..body
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(body.len(), |(i, _)| i)];
        let row = json!([
            doc.url,
            doc.text.title,
            doc.date,
            doc.section,
            doc.text.figure.as_deref().unwrap_or(""),
            snippet
        ]);
        let row = row.to_string();
        row_bytes += row.len();
        if rows.len() > 1 {
            rows.push(',');
        }
        rows.push_str(&row);
        if row_bytes >= GROUP_BYTES || n + 1 == docs.len() {
            rows.push(']');
            let (name, bytes) = chunk_file("s", &rows);
            rows.clear();
            rows.push('[');
            groups.push(json!([group_start, name, bytes.len()]));
            group_sizes.push(bytes.len());
            files.push((format!("{dir}{name}"), bytes));
            row_bytes = 0;
            group_start = n + 1;
        }
    }

    let mut manifest = json!({
        "format": FORMAT,
        "dir": dir,
        "edition": edition,
        "pages": docs.len(),
        "chunks": chunks,
        "groups": groups,
    });
    if let (Value::Object(m), Value::Object(more)) = (&mut manifest, extra) {
        m.extend(more);
    }
    let manifest = format!("gk.index({});\n", js_value(&manifest.to_string())).into_bytes();
    let stats = Stats {
        bytes: manifest.len() + files.iter().map(|(_, b)| b.len()).sum::<usize>(),
        chunks: chunk_sizes.len(),
        load: Load::of(manifest.len(), chunk_sizes, group_sizes),
    };
    files.push((format!("{dir}index.js"), manifest));
    Built { files, stats }
}

/// A chunk script named by the hash of its data (serialised JSON):
/// `gk.chunk("<prefix>-<hash>", data);`.
fn chunk_file(prefix: &str, data: &str) -> (String, Vec<u8>) {
    let data = js_value(data);
    // The first 16 hex digits of the data's SHA-256.
    let digest = <sha2::Sha256 as sha2::Digest>::digest(data.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("{prefix}-{hash}");
    let bytes = format!("gk.chunk(\"{name}\",{data});\n").into_bytes();
    (format!("{name}.js"), bytes)
}

fn push_base36(out: &mut String, mut n: u32) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 8];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}
