//! The open-data files: an edition's data.csv (UTF-8 with a BOM, so Excel opens it) and
//! data.json, and the records `publish` reuses for indicators/<id>.csv and data/all.*.
//! Withheld figures are "*" in CSV and null with `"withheld": true` in JSON; `withheld_value`
//! is never read here.

use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};
use crate::render::view;
use serde::Serialize;

/// Plain figures for data files: configured decimals, never thousands separators.
fn data_number(v: f64, ind: &Indicator) -> String {
    format::number(
        v,
        ind.decimals,
        &crate::model::config::NumberStyle::default(),
    )
}

/// Column names of the data CSV files, in order.
pub(crate) const CSV_HEADER: [&str; 11] = [
    "section",
    "section_title",
    "id",
    "name",
    "unit",
    "value",
    "target",
    "completion",
    "period",
    "note",
    "source",
];

/// One indicator as a data CSV record (columns of `CSV_HEADER`); withheld figures stay "*".
pub(crate) fn csv_record(
    edition: &Edition,
    s: &crate::model::Section,
    i: &Indicator,
) -> Vec<String> {
    let fig = |f: Figure| figure_cell(f, i);
    vec![
        s.id.clone(),
        s.title.clone(),
        i.id.clone(),
        i.name.clone(),
        i.unit.clone(),
        fig(i.value),
        i.target.map(fig).unwrap_or_default(),
        i.completion_rate()
            .map(|c| format!("{c:.2}"))
            .unwrap_or_default(),
        view::period(edition, i),
        i.note.clone().unwrap_or_default(),
        i.source.clone().unwrap_or_default(),
    ]
}

/// CSV bytes with a BOM, so Excel opens the UTF-8 file with the right encoding. Every cell
/// passes through [`crate::html::escape::csv_cell`]: a name or note starting with `=` must not run
/// as a formula when the file is opened.
pub(crate) fn csv_bytes(
    header: &[&str],
    records: impl IntoIterator<Item = Vec<String>>,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in records {
        let _ = w.write_record(
            r.iter()
                .map(|cell| crate::html::escape::csv_cell(cell).into_owned()),
        );
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(w.into_inner().unwrap_or_default());
    out
}

/// A figure as a data cell: the number, or "*" when withheld.
fn figure_cell(f: Figure, ind: &Indicator) -> String {
    match f {
        Figure::Number(v) => data_number(v, ind),
        Figure::Withheld => format::WITHHELD.into(),
    }
}

/// The data of a history chart, one row per bar: edition, value, target, and each part's
/// value (columns named by the part ids); "*" where withheld, empty where there is none.
pub(crate) fn history_chart_csv(hist: &[(&Edition, &Indicator)], parts: &[String]) -> Vec<u8> {
    let mut header = vec!["edition", "value", "target"];
    header.extend(parts.iter().map(String::as_str));
    csv_bytes(
        &header,
        hist.iter().map(|(e, i)| {
            let mut r = vec![
                e.year.to_string(),
                figure_cell(i.value, i),
                i.target.map(|t| figure_cell(t, i)).unwrap_or_default(),
            ];
            r.extend(parts.iter().map(|p| {
                e.indicator(p)
                    .map(|pi| figure_cell(pi.value, pi))
                    .unwrap_or_default()
            }));
            r
        }),
    )
}

/// The data of a within-year chart: every period as written, "*" where withheld.
pub(crate) fn series_chart_csv(ind: &Indicator) -> Vec<u8> {
    csv_bytes(
        &["period", "value"],
        ind.series
            .iter()
            .map(|(period, f)| vec![period.clone(), figure_cell(*f, ind)]),
    )
}

pub(crate) fn data_csv(edition: &Edition) -> Vec<u8> {
    csv_bytes(
        &CSV_HEADER,
        edition
            .sections
            .iter()
            .flat_map(|s| s.indicators.iter().map(move |i| csv_record(edition, s, i))),
    )
}

/// A figure in JSON: whole numbers without a fraction, so 1200 is not printed as 1200.0.
#[derive(Clone, Copy)]
pub(crate) struct JsonNumber(pub(crate) f64);

impl Serialize for JsonNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

/// An edition's data.json. Fields are declared in alphabetical order, the order the
/// published files have always had.
#[derive(Serialize)]
pub(crate) struct EditionData<'a> {
    as_of: Option<String>,
    edition: i32,
    indicators: Vec<IndicatorData<'a>>,
    published: String,
    publisher: &'a str,
    title: &'a str,
    withheld_note: &'a str,
}

#[derive(Serialize)]
struct IndicatorData<'a> {
    completion: Option<JsonNumber>,
    id: &'a str,
    name: &'a str,
    note: &'a Option<String>,
    period: String,
    section: &'a str,
    section_title: &'a str,
    source: &'a Option<String>,
    target: Option<JsonNumber>,
    target_withheld: bool,
    unit: &'a str,
    value: Option<JsonNumber>,
    withheld: bool,
}

/// The edition's data as JSON: withheld figures are null with `"withheld": true`.
pub(crate) fn edition_json<'a>(site: &'a Site, edition: &'a Edition) -> EditionData<'a> {
    let front = edition.front();
    let fig = |f: Option<Figure>| match f {
        Some(Figure::Number(v)) => Some(JsonNumber(v)),
        _ => None,
    };
    let indicators = edition
        .sections
        .iter()
        .flat_map(|s| s.indicators.iter().map(move |i| (s, i)))
        .map(|(s, i)| IndicatorData {
            completion: i
                .completion_rate()
                .map(|c| JsonNumber((c * 100.0).round() / 100.0)),
            id: &i.id,
            name: &i.name,
            note: &i.note,
            period: view::period(edition, i),
            section: &s.id,
            section_title: &s.title,
            source: &i.source,
            target: fig(i.target),
            target_withheld: i.target == Some(Figure::Withheld),
            unit: &i.unit,
            value: fig(Some(i.value)),
            withheld: i.value == Figure::Withheld,
        })
        .collect();
    EditionData {
        as_of: front.as_of.map(|d| d.to_string()),
        edition: edition.year,
        indicators,
        published: front.published.to_string(),
        publisher: &front.publisher,
        title: &front.title,
        withheld_note: &site.config.withheld_note,
    }
}

pub(crate) fn data_json(site: &Site, edition: &Edition) -> Vec<u8> {
    json_bytes(&edition_json(site, edition))
}

pub(crate) fn json_bytes(doc: &impl Serialize) -> Vec<u8> {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    let mut out = without_illegal(&text).into_bytes();
    out.push(b'\n');
    out
}

/// Serialized JSON without the characters no published file holds (W013): serde_json writes
/// a C0 control as `\u00XX` (or `\b`, `\f`) and DEL, the C1 controls and U+FFFE/U+FFFF as
/// they are. Every backslash in serde_json's output starts an escape, so reading escape by
/// escape never mistakes an escaped backslash for the start of one.
fn without_illegal(json: &str) -> String {
    let bytes = json.as_bytes();
    // U+FFFE and U+FFFF are rare enough to leave to the reading char by char below.
    let nonchar = |c: char| memchr::memmem::find(bytes, c.to_string().as_bytes()).is_some();
    if nonchar('\u{fffe}') || nonchar('\u{ffff}') {
        return without_illegal_chars(json);
    }
    // The rest can only start at a backslash (an escape), DEL, or 0xC2 (the first byte of
    // U+0080–U+00BF, C1 controls among them): a site's JSON of megabytes, mostly Chinese
    // text, holds few of them, and memchr finds them without reading char by char.
    let mut out = String::with_capacity(json.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(k) = memchr::memchr3(b'\\', 0x7f, 0xc2, &bytes[at..]) {
        let i = at + k;
        let drop = match bytes[i] {
            0x7f => 1,
            0xc2 => usize::from(matches!(bytes.get(i + 1), Some(0x80..=0x9f))) * 2,
            _ => match bytes.get(i + 1) {
                Some(b'b' | b'f') => 2,
                Some(b'u') => {
                    let code = json
                        .get(i + 2..i + 6)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32);
                    usize::from(code.is_some_and(crate::html::escape::is_illegal)) * 6
                }
                _ => {
                    // Any other escape (`\\`, `\"`, `\n`, …) stays, its second byte too.
                    at = i + 2;
                    continue;
                }
            },
        };
        if drop > 0 {
            out.push_str(&json[copied..i]);
            copied = i + drop;
        }
        at = i + drop.max(1);
    }
    out.push_str(&json[copied..]);
    out
}

/// [`without_illegal`] read char by char.
fn without_illegal_chars(json: &str) -> String {
    use crate::html::escape::is_illegal;
    let mut out = String::with_capacity(json.len());
    let mut chars = json.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            if !is_illegal(c) {
                out.push(c);
            }
            continue;
        }
        match chars.peek().map(|&(_, n)| n) {
            Some('b' | 'f') => {
                chars.next();
            }
            Some('u') => {
                let code = json
                    .get(i + 2..i + 6)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32);
                if code.is_some_and(is_illegal) {
                    for _ in 0..5 {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            Some(n) => {
                out.push(c);
                out.push(n);
                chars.next();
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn illegal_characters_leave_json_but_escaped_backslashes_stay() {
        let doc = serde_json::json!({"a": "x\u{7}y\u{8}z\u{85}\\b\\u0007\n"});
        let text = String::from_utf8(super::json_bytes(&doc)).unwrap();
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["a"], "xyz\\b\\u0007\n");
    }

    #[test]
    fn the_fast_reading_drops_what_the_char_by_char_one_does() {
        let doc = serde_json::json!({
            "a": "就业\u{7f}人数\u{9f}（万）\u{a0}\u{c}\u{1b}\t\\\u{80}％\"\\u0085",
            "b": ["\u{1}", "¢", "\\\\b"],
        });
        let json = serde_json::to_string_pretty(&doc).unwrap();
        let fast = super::without_illegal(&json);
        assert_eq!(fast, super::without_illegal_chars(&json));
        let back: serde_json::Value = serde_json::from_str(&fast).unwrap();
        assert_eq!(back["a"], "就业人数（万）\u{a0}\t\\％\"\\u0085");
        // With a noncharacter in it, the whole text is read char by char.
        let odd = json.replace("¢", "\u{fffe}¢");
        assert_eq!(super::without_illegal(&odd), super::without_illegal(&json));
    }
}
