//! The open-data files: an edition's data.csv (UTF-8 with a BOM, so Excel opens it) and
//! data.json, and the records `publish` reuses for indicators/<id>.csv and data/all.*.
//! Withheld figures are "*" in CSV and null with `"withheld": true` in JSON; `withheld_value`
//! is never read here.

use crate::content::{Edition, Figure, Indicator, Site};
use crate::format;
use crate::view;

/// Plain figures for data files: configured decimals, never thousands separators.
fn data_number(v: f64, ind: &Indicator) -> String {
    format::number(v, ind.decimals, &crate::config::NumberStyle::default())
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
    site: &Site,
    edition: &Edition,
    s: &crate::content::Section,
    i: &Indicator,
) -> Vec<String> {
    let fig = |f: Figure| match f {
        Figure::Number(v) => data_number(v, i),
        Figure::Withheld => format::WITHHELD.into(),
    };
    let row = view::indicator_row(site, edition, i);
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
        row.period,
        i.note.clone().unwrap_or_default(),
        i.source.clone().unwrap_or_default(),
    ]
}

/// CSV bytes with a BOM, so Excel opens the UTF-8 file with the right encoding.
pub(crate) fn csv_bytes(
    header: &[&str],
    records: impl IntoIterator<Item = Vec<String>>,
) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in records {
        let _ = w.write_record(&r);
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(w.into_inner().unwrap_or_default());
    out
}

pub(crate) fn data_csv(site: &Site, edition: &Edition) -> Vec<u8> {
    csv_bytes(
        &CSV_HEADER,
        edition.sections.iter().flat_map(|s| {
            s.indicators
                .iter()
                .map(move |i| csv_record(site, edition, s, i))
        }),
    )
}

fn json_number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from(v)
    }
}

/// The edition's data as JSON: withheld figures are null with `"withheld": true`.
pub(crate) fn edition_json(site: &Site, edition: &Edition) -> serde_json::Value {
    let front = &edition.report.front;
    let fig = |f: Option<Figure>| match f {
        Some(Figure::Number(v)) => json_number(v),
        _ => serde_json::Value::Null,
    };
    let indicators: Vec<serde_json::Value> = edition
        .sections
        .iter()
        .flat_map(|s| s.indicators.iter().map(move |i| (s, i)))
        .map(|(s, i)| {
            let row = view::indicator_row(site, edition, i);
            serde_json::json!({
                "section": s.id,
                "section_title": s.title,
                "id": i.id,
                "name": i.name,
                "unit": i.unit,
                "value": fig(Some(i.value)),
                "withheld": i.value == Figure::Withheld,
                "target": fig(i.target),
                "target_withheld": i.target == Some(Figure::Withheld),
                "completion": i.completion_rate().map(|c| json_number((c * 100.0).round() / 100.0)),
                "period": row.period,
                "note": i.note,
                "source": i.source,
            })
        })
        .collect();
    serde_json::json!({
        "edition": edition.year,
        "title": front.title,
        "publisher": front.publisher,
        "published": front.published.to_string(),
        "as_of": front.as_of.map(|d| d.to_string()),
        "withheld_note": site.config.withheld_note,
        "indicators": indicators,
    })
}

pub(crate) fn data_json(site: &Site, edition: &Edition) -> Vec<u8> {
    json_bytes(&edition_json(site, edition))
}

pub(crate) fn json_bytes(doc: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(doc).unwrap_or_default();
    out.push(b'\n');
    out
}
