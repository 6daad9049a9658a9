//! One cell read as a figure, the way Excel leaves it: a number, or text that holds one —
//! stored as text, with thousands separators (`1,264`), full-width digits (`１２６４`), a
//! percent sign (`3.3%`), or the indicator's own unit after it (`1264人`, accepted because it
//! says what the form already says; any other unit is refused, as the figure would then be
//! in another unit). `*` is a withheld figure.

use super::read::Value;

/// What a cell says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Entry {
    /// Nothing: the figure stays as it is.
    Blank,
    Withheld,
    Number(f64),
}

/// How the cell's figure is counted.
pub(crate) struct Expect<'a> {
    /// The indicator's unit, or "" for an annual-report cell.
    pub unit: &'a str,
    pub percent: bool,
}

/// The cell as a figure, or what is wrong with it and how to fix it.
pub(crate) fn entry(value: &Value, expect: &Expect) -> Result<Entry, (String, String)> {
    match value {
        Value::Empty => Ok(Entry::Blank),
        Value::Number {
            value,
            percent: None,
        } if expect.percent && value.abs() > 0.0 && value.abs() < 1.0 => Err((
            format!("{value} could be {}% kept by a percent format, which cannot be read from this kind of file, or {value}%", super::figure::number(tidy(value * 100.0))),
            "type the rate as text with its sign (e.g. 3.5%), or save the workbook as .xlsx or .ods and import that".into(),
        )),
        Value::Number { value, percent } => {
            let percent = &percent.unwrap_or(false);
            if *percent && !expect.percent {
                return Err((
                    format!("{}% is a percentage, but the figure is counted in {}", value * 100.0, shown_unit(expect.unit)),
                    "write the figure itself, and set the cell's number format to 常规 (General) or 数值".into(),
                ));
            }
            let v = if *percent { value * 100.0 } else { *value };
            Ok(Entry::Number(tidy(in_range(v)?)))
        }
        Value::Text(text) => text_entry(text, expect),
        Value::Date(shown) => Err((
            format!("the cell is formatted as a date, so it shows {shown}, not a figure"),
            "set the cell's number format to 常规 (General) or 数值, then type the figure again (or * for a withheld figure)".into(),
        )),
        Value::Other(what) => Err((
            format!("{what} is not a figure"),
            "write the figure as a number (or * for a withheld figure), and set the cell's number format to 常规 (General)".into(),
        )),
    }
}

fn shown_unit(unit: &str) -> &str {
    if unit.is_empty() {
        "件 (a count)"
    } else {
        unit
    }
}

/// Binary fractions of Excel's percentages (0.033 × 100 = 3.3000000000000003) cut back to
/// the six decimals a figure may have.
fn tidy(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A figure in digits, and one with its thousands grouped by commas.
static PLAIN: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"^[+-]?(\d+(\.\d*)?|\.\d+)$").expect("pattern"));
static GROUPED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$").expect("pattern")
});

fn text_entry(text: &str, expect: &Expect) -> Result<Entry, (String, String)> {
    let half: String = text
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' => Some('.'),
            '，' => Some(','),
            '％' => Some('%'),
            '＊' => Some('*'),
            '－' | '−' => Some('-'),
            '＋' => Some('+'),
            // Spaces of every width, also between digit groups (`1 264`).
            c if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' => None,
            c => Some(c),
        })
        .collect();
    if half.is_empty() {
        return Ok(Entry::Blank);
    }
    if half == "*" {
        return Ok(Entry::Withheld);
    }
    let mut number = half.as_str();
    let unit: String = expect.unit.chars().filter(|c| !c.is_whitespace()).collect();
    let mut percent = false;
    if let Some(n) = number.strip_suffix('%') {
        if !expect.percent {
            return Err((
                format!(
                    "`{text}` is a percentage, but the figure is counted in {}",
                    shown_unit(expect.unit)
                ),
                "write the figure itself, without %".into(),
            ));
        }
        number = n;
        percent = true;
    } else if !unit.is_empty() && !expect.percent {
        number = number.strip_suffix(unit.as_str()).unwrap_or(number);
    }
    let digits = number.replace(',', "");
    let (plain, grouped) = (&*PLAIN, &*GROUPED);
    if number.contains(',') && !grouped.is_match(number) {
        return Err((
            format!("`{text}`: the commas do not separate thousands"),
            "write the figure in digits alone, e.g. 1264 (a comma may only group thousands: 1,264)"
                .into(),
        ));
    }
    if let Some(problem) = exponent(text, &digits) {
        return Err(problem);
    }
    if !plain.is_match(&digits) {
        let trailing: String = number
            .trim_start_matches(|c: char| c.is_ascii_digit() || ".,+-".contains(c))
            .to_string();
        let starts_numeric = number.starts_with(|c: char| c.is_ascii_digit());
        return Err(if starts_numeric && !trailing.is_empty() && !percent {
            (
                format!(
                    "`{text}` has `{trailing}` after the figure, but the figure is counted in {}",
                    shown_unit(expect.unit)
                ),
                format!(
                    "drop `{trailing}`: write the figure in {} as digits alone, e.g. {}",
                    shown_unit(expect.unit),
                    number.trim_end_matches(trailing.as_str())
                ),
            )
        } else {
            (
                format!("`{text}` is not a figure"),
                "write a number (e.g. 1264 or 3.3), or * for a figure withheld by law; leave the cell empty to keep the figure as it is".into(),
            )
        });
    }
    let v: f64 = digits.parse().map_err(|_| {
        (
            format!("`{text}` is not a figure"),
            "write a number".to_string(),
        )
    })?;
    Ok(Entry::Number(tidy(in_range(v)?)))
}

/// A figure written with an exponent (`1e999`, `1.2E+03`, as Excel shows a long figure):
/// out of the loader's range, or within it and then asked for in digits, as an exponent
/// in Excel's display keeps only the first digits.
fn exponent(text: &str, digits: &str) -> Option<(String, String)> {
    static EXPONENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$").expect("pattern")
    });
    if !EXPONENT.is_match(digits) {
        return None;
    }
    let v: f64 = digits.parse().ok()?;
    let mantissa = digits.split(['e', 'E']).next().unwrap_or("");
    let zero = mantissa
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| matches!(c, '0' | '.'));
    Some(if (v == 0.0 && !zero) || crate::model::amount(v).is_err() {
        (
            format!(
                "`{text}` is out of range: a figure is 0 or between 0.000001 and 10^15 in size"
            ),
            "check the digits and the unit (万元, 亿元), and write the figure in digits".into(),
        )
    } else {
        (
            format!("`{text}` is written with an exponent"),
            format!("write the figure in digits, e.g. {}: Excel shows a long figure as 1.23E+11 and keeps only its first digits, so copy it from its source", number(tidy(v))),
        )
    })
}

/// The loader's rule for a figure (finite, 0 or between 10^-6 and 10^15 in size), applied
/// before the six decimals are kept: `1e-7` is refused, not written as 0, and nothing out
/// of range reaches the sources to be caught only by the check after the import.
fn in_range(v: f64) -> Result<f64, (String, String)> {
    crate::model::amount(v).map_err(|message| {
        (
            message,
            "write the figure in the indicator's unit, 0 or between 0.000001 and 10^15 in size"
                .into(),
        )
    })
}

/// A figure as indicators.yaml and nianbao.yaml write it: digits, no exponent, no trailing
/// zeros; `"*"` for a withheld one.
pub(crate) fn yaml_scalar(entry: Entry) -> String {
    match entry {
        Entry::Withheld => "\"*\"".into(),
        Entry::Number(v) => number(v),
        Entry::Blank => "~".into(),
    }
}

pub(crate) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, unit: &str) -> Result<Entry, String> {
        let expect = Expect {
            unit,
            percent: matches!(unit, "%" | "％"),
        };
        entry(&Value::Text(text.into()), &expect).map_err(|(m, _)| m)
    }

    #[test]
    fn text_as_excel_leaves_it_reads_as_the_figure() {
        assert_eq!(read("1264", "人"), Ok(Entry::Number(1264.0)));
        assert_eq!(read(" 1,264 ", "人"), Ok(Entry::Number(1264.0)));
        assert_eq!(read("１，２６４", "人"), Ok(Entry::Number(1264.0)));
        assert_eq!(read("1264人", "人"), Ok(Entry::Number(1264.0)));
        assert_eq!(read("12.5 万元", "万元"), Ok(Entry::Number(12.5)));
        assert_eq!(read("3.3%", "%"), Ok(Entry::Number(3.3)));
        assert_eq!(read("3.3％", "%"), Ok(Entry::Number(3.3)));
        assert_eq!(read("3.3", "%"), Ok(Entry::Number(3.3)));
        assert_eq!(read("＊", "人"), Ok(Entry::Withheld));
        assert_eq!(read("-5", "人"), Ok(Entry::Number(-5.0)));
        assert_eq!(read("　", "人"), Ok(Entry::Blank));
    }

    #[test]
    fn what_is_not_the_figure_is_refused() {
        assert!(read("1264户", "人")
            .unwrap_err()
            .contains("`户` after the figure"));
        assert!(read("3.3%", "人").unwrap_err().contains("percentage"));
        assert!(read("1,26,4", "人").unwrap_err().contains("commas"));
        assert!(read("约1200", "人").is_err());
        assert!(read("—", "人").is_err());
        assert!(read("1e3", "人").unwrap_err().contains("exponent"));
        assert!(read("1e999", "人").unwrap_err().contains("out of range"));
        assert!(read("1e-999", "人").unwrap_err().contains("out of range"));
        assert!(read("1e20", "人").unwrap_err().contains("out of range"));
        assert!(read("0e5", "人").unwrap_err().contains("exponent"));
    }

    #[test]
    fn a_percent_format_scales_and_binary_noise_goes() {
        let percent = Expect {
            unit: "%",
            percent: true,
        };
        let cell = Value::Number {
            value: 0.033,
            percent: Some(true),
        };
        assert_eq!(entry(&cell, &percent), Ok(Entry::Number(3.3)));
        let count = Expect {
            unit: "人",
            percent: false,
        };
        assert!(entry(&cell, &count).is_err());
        let unknown = Value::Number {
            value: 0.033,
            percent: None,
        };
        assert!(entry(&unknown, &percent).unwrap_err().0.contains("3.3%"));
        let whole = Value::Number {
            value: 3.3,
            percent: None,
        };
        assert_eq!(entry(&whole, &percent), Ok(Entry::Number(3.3)));
        assert_eq!(number(3.3), "3.3");
        assert_eq!(number(1264.0), "1264");
        assert_eq!(number(0.000001), "0.000001");
        assert_eq!(yaml_scalar(Entry::Withheld), "\"*\"");
    }
}
