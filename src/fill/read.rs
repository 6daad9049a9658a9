//! A filled workbook or CSV → sheets of cells, each cell with its place (`sheet 就业工作!F5`,
//! `file.csv:12:6`). calamine stays here: it reads xlsx, xls and ods (a merged range holds its
//! value in its first cell only; hidden rows are read like the others). A CSV is what Excel's
//! 另存为 CSV writes: UTF-8 with or without a byte-order mark, or GB18030 (GBK) as Excel on
//! Chinese Windows saves it, told apart by whether the bytes are valid UTF-8.

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::path::Path;

/// A cell as the spreadsheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    /// A number cell; `percent` when its number format shows it as a percentage (Excel keeps
    /// 3.3% as 0.033), None when the file's formats cannot be read (xls, xlsb).
    Number {
        value: f64,
        percent: Option<bool>,
    },
    Text(String),
    /// A number shown as a date or time (the 科室 typed a figure into a cell Excel formats as
    /// a date), as the cell shows it: `1903-06-17`.
    Date(String),
    /// A truth value, a duration or an error value (`#DIV/0!`), described.
    Other(String),
}

/// One sheet (or the one table of a CSV), rows and columns from the sheet's A1.
#[derive(Debug)]
pub(crate) struct Grid {
    pub name: String,
    /// For a CSV: its file name; places are then `name:line:field`.
    pub csv: bool,
    pub rows: Vec<Vec<Value>>,
    /// For a CSV, the line each record starts on (a quoted field may span lines).
    pub lines: Vec<usize>,
}

impl Grid {
    pub fn get(&self, row: usize, col: usize) -> &Value {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Value::Empty)
    }

    /// Where a cell is, as the user finds it: `sheet 就业工作!F5` or `file.csv:12:6`.
    pub fn place(&self, row: usize, col: usize) -> String {
        if self.csv {
            let line = self.lines.get(row).copied().unwrap_or(row + 1);
            format!("{}:{line}:{}", self.name, col + 1)
        } else {
            format!("sheet {}!{}{}", self.name, column_letters(col), row + 1)
        }
    }
}

/// `A`, `B`, … `Z`, `AA` …
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A workbook's sheets (hidden ones included) or a CSV's one table.
#[derive(Debug)]
pub(crate) struct Book {
    pub grids: Vec<Grid>,
    pub csv: bool,
}

/// The largest workbook or CSV import reads.
const MAX_BYTES: u64 = 64_000_000;

/// Reads `path` by its extension: `.csv` as text, anything else as a spreadsheet.
pub(crate) fn read(path: &Path) -> Result<Book, String> {
    // Only a regular file is opened: a pipe would block the read forever, and /dev/zero
    // would fill memory. A fill-in workbook is kilobytes; the cap stops a mistaken file
    // before it is read whole.
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("refusing to read {shown}: it is not a regular file (a folder, pipe or device)\n  = help: pass the filled workbook, or a CSV saved from one of its sheets"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_BYTES + 1), &mut bytes)
        })
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("refusing to read {shown}: it is larger than {} MB, and a fill-in workbook is kilobytes\n  = help: pass the filled workbook, or a CSV saved from one of its sheets", MAX_BYTES / 1_000_000));
    }
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().to_string());
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        return Ok(Book {
            grids: vec![csv(&name, &bytes)?],
            csv: true,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        unpacked_within(&name, &bytes, MAX_UNPACKED)?;
    }
    let percent = super::styles::percent_cells(&bytes);
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot read {name} as a spreadsheet (xlsx, xls or ods): {e}"))?;
    let mut grids = Vec::new();
    for sheet in book.sheet_names() {
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| format!("cannot read sheet {sheet} of {name}: {e}"))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let (top, left) = (top as usize, left as usize);
        let mut rows: Vec<Vec<Value>> = vec![Vec::new(); top];
        for (r, row) in range.rows().enumerate() {
            let mut cells = vec![Value::Empty; left];
            for (c, data) in row.iter().enumerate() {
                let at = (top + r, left + c);
                let shown_as_percent = percent
                    .as_ref()
                    .map(|p| p.contains(&(sheet.clone(), at.0, at.1)));
                cells.push(value(data, shown_as_percent));
            }
            rows.push(cells);
        }
        grids.push(Grid {
            name: sheet,
            csv: false,
            rows,
            lines: Vec::new(),
        });
    }
    Ok(Book { grids, csv: false })
}

/// The most an xlsx or ods file's parts may unpack to, all together: a fill-in workbook's
/// XML is a few megabytes at most, while a small zip can unpack to gigabytes (a 900 KB
/// sharedStrings bomb took calamine to 446 MB of memory), and calamine has no cap of its own.
const MAX_UNPACKED: u64 = 64_000_000;

/// Refuses a zip whose parts unpack to more than `cap` bytes ([`MAX_UNPACKED`]), before
/// calamine reads it: first by the sizes the zip declares, then by unpacking each part into
/// nothing and counting, as a forged header can declare less than its data holds.
fn unpacked_within(name: &str, bytes: &[u8], cap: u64) -> Result<(), String> {
    let too_large = || {
        format!("refusing to read {name}: its parts unpack to more than {} MB, and a fill-in workbook unpacks to a few megabytes\n  = help: pass the workbook `gongkai export` wrote, filled in and saved by a spreadsheet program, or a CSV saved from one of its sheets", cap / 1_000_000)
    };
    let unreadable = |e: zip::result::ZipError| {
        format!("cannot read {name} as a spreadsheet (xlsx, xls or ods): {e}")
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let declared = (0..zip.len()).try_fold(0u64, |sum, i| {
        let size = zip.by_index_raw(i).map_err(unreadable)?.size();
        Ok::<u64, String>(sum.saturating_add(size))
    })?;
    if declared > cap {
        return Err(too_large());
    }
    let mut left = cap;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(unreadable)?;
        let read = std::io::copy(
            &mut std::io::Read::take(part, left + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| format!("cannot read {name} as a spreadsheet (xlsx, xls or ods): {e}"))?;
        left = left.checked_sub(read).ok_or_else(too_large)?;
    }
    Ok(())
}

fn value(data: &Data, percent: Option<bool>) -> Value {
    match data {
        Data::Empty => Value::Empty,
        Data::Int(i) => Value::Number {
            value: *i as f64,
            percent,
        },
        Data::Float(f) => Value::Number { value: *f, percent },
        Data::String(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Other(format!(
            "the truth value {}",
            if *b { "TRUE" } else { "FALSE" }
        )),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
            Value::Date(if (h, mi, sec) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{sec:02}")
            })
        }
        Data::DateTimeIso(d) => Value::Date(d.clone()),
        Data::DateTime(_) => Value::Other(format!("the duration {data}")),
        Data::DurationIso(_) => Value::Other(format!("the duration {data}")),
        Data::Error(e) => Value::Other(format!("the error value {e}")),
    }
}

/// A CSV's bytes as text: UTF-8 (a byte-order mark dropped) when they are valid UTF-8, else
/// GB18030, the superset of GBK that Excel on Chinese Windows writes.
pub(crate) fn decode(name: &str, bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(format!(
            "{name} is neither UTF-8 nor GB18030 (GBK) text: save the sheet again with 另存为 → CSV (UTF-8) or CSV (逗号分隔)"
        ));
    }
    Ok(text.into_owned())
}

fn csv(name: &str, bytes: &[u8]) -> Result<Grid, String> {
    let text = decode(name, bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    // Lines are counted on from the previous record's start, not from the file's: counting
    // from the start for every record made a large CSV quadratic.
    let (mut counted, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| format!("cannot read {name} as CSV: {e}"))?;
        // The line a record starts on, counted from its byte offset: the csv crate's own
        // line count lags behind line breaks inside quoted fields, and after a CRLF its
        // offset is that of the `\n`.
        let bytes = text.as_bytes();
        let mut byte = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while bytes.get(byte).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            byte += 1;
        }
        line += memchr::memchr_iter(b'\n', &bytes[counted.min(byte)..byte]).count();
        counted = counted.max(byte);
        lines.push(line);
        rows.push(
            record
                .iter()
                .map(|s| {
                    if s.trim().is_empty() {
                        Value::Empty
                    } else {
                        Value::Text(s.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Grid {
        name: name.to_string(),
        csv: true,
        rows,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(5), "F");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn csv_places_are_lines_and_fields() {
        let grid = csv(
            "t.csv",
            "title,,\r\nid,\"a\nb\"\r\nx,1,\"1,264\"\r\n\r\ny,\"c\r\n\nd\",2\ny,3\r\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(grid.place(0, 0), "t.csv:1:1");
        assert_eq!(grid.place(2, 2), "t.csv:4:3");
        // After a blank line, a field with two line breaks in it, and a bare `\n`.
        assert_eq!(grid.place(3, 2), "t.csv:6:3");
        assert_eq!(grid.place(4, 1), "t.csv:9:2");
        assert_eq!(grid.get(2, 2), &Value::Text("1,264".into()));
    }

    #[test]
    fn a_zip_is_held_to_its_cap_even_when_its_headers_declare_less() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        zip.write_all(&[b'a'; 10_000]).unwrap();
        let honest = zip.finish().unwrap().into_inner();
        assert!(unpacked_within("a.xlsx", &honest, 10_000).is_ok());
        assert!(unpacked_within("a.xlsx", &honest, 9_999)
            .unwrap_err()
            .contains("unpack to more than"));
        // The local and central headers forged to declare 10 bytes.
        let mut forged = honest.clone();
        for (signature, at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let start = forged.windows(4).position(|w| w == signature).unwrap() + at;
            forged[start..start + 4].copy_from_slice(&10u32.to_le_bytes());
        }
        let err = unpacked_within("a.xlsx", &forged, 9_999).unwrap_err();
        assert!(err.contains("unpack to more than"), "{err}");
        assert!(unpacked_within("a.xlsx", &forged, 20).is_err());
    }

    #[test]
    fn gb18030_and_utf8_read_alike() {
        let text = "指标编号,2024年数值\njobs.total,\"1,264\"\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode("a.csv", &gbk).unwrap(), text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode("a.csv", &bom).unwrap(), text);
        assert!(decode("a.csv", b"\xFF\xFF\xFF").is_err());
    }
}
