//! Which cells of an xlsx or ods file show their number as a percentage. Excel stores `3.3%`
//! typed into a cell as 0.033 with a percent number format (LibreOffice as a cell of value
//! type `percentage`), and calamine reads the number without its format; so it is read here
//! from the XML parts of the file. xlsx: `xl/styles.xml` (number formats 9 and 10, or a
//! custom format with a `%` outside quotes), `xl/workbook.xml` with its relationships (which
//! part is which sheet), and every cell's `s` attribute. ods: `content.xml`, counting rows
//! and cells with their repeat counts. An xls file (BIFF, no XML) is not read for formats:
//! its percentages must be typed as text (`3.3%`) or as the number of percent (3.3).

use std::collections::HashSet;
use std::io::Read;

/// (sheet name, row, column) of every cell with a percent format; None for a file whose
/// formats are not read here (xls, xlsb).
pub(crate) fn percent_cells(bytes: &[u8]) -> Option<HashSet<(String, usize, usize)>> {
    let mut out = HashSet::new();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut part = |name: &str| -> Option<String> {
        let mut text = String::new();
        // A part larger than this is not a form's; reading it whole would only cost memory.
        zip.by_name(name)
            .ok()?
            .take(64 << 20)
            .read_to_string(&mut text)
            .ok()?;
        Some(text)
    };
    if let Some(content) = part("content.xml") {
        return Some(ods_percent_cells(&content));
    }
    let styles = part("xl/styles.xml")?;
    let (Some(workbook), Some(rels)) =
        (part("xl/workbook.xml"), part("xl/_rels/workbook.xml.rels"))
    else {
        return Some(out);
    };
    let percent_styles = percent_styles(&styles);
    if percent_styles.is_empty() {
        return Some(out);
    }
    let tag =
        |name: &str| regex::Regex::new(&format!(r"<(?:\w+:)?{name}\b[^>]*>")).expect("pattern");
    let relations: Vec<(String, String)> = tag("Relationship")
        .find_iter(&rels)
        .filter_map(|m| Some((attr(m.as_str(), "Id")?, attr(m.as_str(), "Target")?)))
        .collect();
    // Rows and cells in document order, with or without a closing slash: a cell's place is
    // its `r=` when it has one, else the place after the cell before it (some writers omit
    // `r=`), counted as calamine counts it.
    let cells = regex::Regex::new(r"<(/?)(?:\w+:)?(row|c)\b([^>]*?)(/?)>").expect("pattern");
    for m in tag("sheet").find_iter(&workbook) {
        let (Some(name), Some(id)) = (attr(m.as_str(), "name"), attr(m.as_str(), "r:id")) else {
            continue;
        };
        let Some((_, target)) = relations.iter().find(|(i, _)| *i == id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let Some(sheet) = part(&path) else {
            continue;
        };
        for place in placed_cells(&cells, &sheet, |tag| {
            attr(tag, "s")
                .and_then(|s| s.parse::<usize>().ok())
                .is_some_and(|s| percent_styles.contains(&s))
        }) {
            out.insert((name.clone(), place.0, place.1));
        }
    }
    Some(out)
}

/// The (row, column) of every cell of a worksheet's XML whose tag passes `wanted`. A cell
/// without `r=` is placed as calamine places it: after the cell before it on its row, on
/// the row after the one before it (a `<row>` without `r=` follows the last); a
/// self-closing `<c/>` or `<row/>` counts as opened and closed.
fn placed_cells(
    tags: &regex::Regex,
    sheet: &str,
    wanted: impl Fn(&str) -> bool,
) -> Vec<(usize, usize)> {
    let (mut row, mut col) = (0usize, 0usize);
    let mut out = Vec::new();
    for t in tags.captures_iter(sheet) {
        let (closing, empty) = (&t[1] == "/", &t[4] == "/");
        let attrs = t.get(3).map_or("", |m| m.as_str());
        match (&t[2], closing) {
            ("row", false) => {
                if let Some(r) = attr(attrs, "r").and_then(|r| r.parse::<usize>().ok()) {
                    row = r.saturating_sub(1);
                }
                if empty {
                    row += 1;
                    col = 0;
                }
            }
            ("row", true) => {
                row += 1;
                col = 0;
            }
            ("c", false) => {
                let at = match attr(attrs, "r").as_deref().and_then(cell_ref) {
                    Some((r, c)) => {
                        col = c;
                        (r, c)
                    }
                    None => (row, col),
                };
                col += 1;
                if wanted(attrs) {
                    out.push(at);
                }
            }
            _ => {}
        }
    }
    out
}

/// The percentage cells of an OpenDocument spreadsheet's content.xml: rows and cells are
/// counted with their `number-rows-repeated` and `number-columns-repeated`, covered cells of
/// a merged range included, as calamine places them.
fn ods_percent_cells(content: &str) -> HashSet<(String, usize, usize)> {
    let mut out = HashSet::new();
    let tags = regex::Regex::new(
        r"<(/?)table:(table-row|table-cell|covered-table-cell|table)((?:\s[^>]*?)?)(/?)>",
    )
    .expect("pattern");
    let (mut sheet, mut row, mut col) = (String::new(), 0usize, 0usize);
    let mut repeat_row = 1;
    for t in tags.captures_iter(content) {
        let closing = &t[1] == "/";
        let attrs = t.get(3).map_or("", |m| m.as_str());
        let repeat = |name: &str| {
            attr(attrs, name)
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1)
        };
        match (&t[2], closing) {
            ("table", false) => {
                sheet = attr(attrs, "table:name").unwrap_or_default();
                row = 0;
            }
            ("table-row", false) => {
                col = 0;
                repeat_row = repeat("table:number-rows-repeated");
                if &t[4] == "/" {
                    row += repeat_row;
                }
            }
            ("table-row", true) => row += repeat_row,
            ("table-cell" | "covered-table-cell", false) => {
                let n = repeat("table:number-columns-repeated");
                if attr(attrs, "office:value-type").as_deref() == Some("percentage") {
                    for c in col..col + n.min(1024) {
                        out.insert((sheet.clone(), row, c));
                    }
                }
                col += n;
            }
            _ => {}
        }
    }
    out
}

/// Indexes into `cellXfs` whose number format is a percentage.
fn percent_styles(styles: &str) -> HashSet<usize> {
    let custom: Vec<(String, String)> = regex::Regex::new(r"<numFmt\b[^>]*>")
        .expect("pattern")
        .find_iter(styles)
        .filter_map(|m| {
            Some((
                attr(m.as_str(), "numFmtId")?,
                attr(m.as_str(), "formatCode")?,
            ))
        })
        .collect();
    let is_percent = |id: &str| {
        matches!(id, "9" | "10")
            || custom
                .iter()
                .any(|(i, code)| i == id && shows_percent(code))
    };
    let Some(start) = styles.find("<cellXfs") else {
        return HashSet::new();
    };
    let end = styles[start..]
        .find("</cellXfs>")
        .map_or(styles.len(), |e| start + e);
    regex::Regex::new(r"<xf\b[^>]*>")
        .expect("pattern")
        .find_iter(&styles[start..end])
        .enumerate()
        .filter(|(_, m)| attr(m.as_str(), "numFmtId").is_some_and(|id| is_percent(&id)))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a number format code scales by 100: a `%` outside quotes and not escaped, in the
/// format's first section (the one for positive numbers).
fn shows_percent(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => return false,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// An attribute's value, XML entities decoded. A plain scan, not a regular expression: it
/// runs for every cell of a sheet, and LibreOffice writes thousands of styled empty cells.
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        if !tag[..at].ends_with(|c: char| c.is_whitespace()) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let raw = &rest[1..];
        let raw = &raw[..raw.find(quote)?];
        return Some(
            raw.replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    None
}

/// `F5` → (4, 5), zero-based (row, column).
fn cell_ref(r: &str) -> Option<(usize, usize)> {
    let letters = r.bytes().take_while(u8::is_ascii_uppercase).count();
    let (col, row) = r.split_at(letters);
    let row: usize = row.parse().ok()?;
    let col = col.bytes().try_fold(0usize, |n, b| {
        n.checked_mul(26)?.checked_add((b - b'A' + 1) as usize)
    })?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_told_from_others() {
        assert!(shows_percent("0.0%"));
        assert!(shows_percent("0.00%;[Red]-0.00%"));
        assert!(!shows_percent("0.0\"%\""));
        assert!(!shows_percent("0.0\\%"));
        assert!(!shows_percent("#,##0;-0%"));
        assert!(!shows_percent("General"));
    }

    #[test]
    fn attributes_are_read_with_either_quote_and_entities() {
        let tag = r#"<c r="F5" s='3' t="n" rs="9" name = "a&amp;b">"#;
        assert_eq!(attr(tag, "s").as_deref(), Some("3"));
        assert_eq!(attr(tag, "r").as_deref(), Some("F5"));
        assert_eq!(attr(tag, "name").as_deref(), Some("a&b"));
        assert_eq!(attr(tag, "x"), None);
    }

    #[test]
    fn cell_references_read_as_excel_writes_them() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("F5"), Some((4, 5)));
        assert_eq!(cell_ref("AA10"), Some((9, 26)));
        assert_eq!(cell_ref("5"), None);
    }

    #[test]
    fn ods_percentage_cells_are_placed_with_their_repeats() {
        let content = r#"<office:spreadsheet><table:table table:name="甲"><table:table-column/><table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:covered-table-cell/><table:table-cell office:value-type="percentage" office:value="0.035"><text:p>3.5%</text:p></table:table-cell></table:table-row></table:table><table:table table:name="乙"><table:table-row><table:table-cell office:value-type="percentage" office:value="1"/></table:table-row></table:table></office:spreadsheet>"#;
        let mut found: Vec<(String, usize, usize)> =
            ods_percent_cells(content).into_iter().collect();
        found.sort();
        assert_eq!(found, [("乙".to_string(), 0, 0), ("甲".to_string(), 2, 3)]);
    }

    #[test]
    fn cells_without_a_reference_follow_the_cell_before_them() {
        let tags = regex::Regex::new(r"<(/?)(?:\w+:)?(row|c)\b([^>]*?)(/?)>").unwrap();
        let sheet = r#"<sheetData><row r="2"><c r="B2" s="1"><v>1</v></c><c s="1"><v>2</v></c><c s="0"/><c s="1"><v>3</v></c></row><row><c s="1"><v>4</v></c></row><row r="9"/><x:row><x:c s="1"><x:v>5</x:v></x:c></x:row></sheetData><cols><col s="1"/></cols>"#;
        let found = placed_cells(&tags, sheet, |t| attr(t, "s").as_deref() == Some("1"));
        assert_eq!(found, [(1, 1), (1, 2), (1, 4), (2, 0), (9, 0)]);
    }

    #[test]
    fn styles_with_a_percent_format_are_found() {
        let styles = r#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="10" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="3"/></cellXfs></styleSheet>"#;
        let mut found: Vec<usize> = percent_styles(styles).into_iter().collect();
        found.sort();
        assert_eq!(found, [1, 2]);
    }
}
