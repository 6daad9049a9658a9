//! How figures are printed, in the habits of official documents: no thousands separators and a
//! full-width ％ unless site.yaml says otherwise, and "*" for a withheld figure.

use crate::model::config::NumberStyle;
use crate::model::{Figure, Indicator};

pub const WITHHELD: &str = "*";

/// Prints a number with `decimals` places, or in its shortest exact form when unset.
pub fn number(v: f64, decimals: Option<u8>, style: &NumberStyle) -> String {
    let s = match decimals {
        Some(d) => format!("{:.*}", d as usize, v),
        None if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        // Rust's shortest round-trip form: 3.2 stays "3.2", never "3.2000000000000002".
        None => format!("{v}"),
    };
    let s = if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    };
    if style.thousands_separator {
        group_thousands(&s)
    } else {
        s
    }
}

fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A figure of an indicator (its value or target), or "*".
pub fn figure(f: Figure, ind: &Indicator, style: &NumberStyle) -> String {
    match f {
        Figure::Number(v) => number(v, ind.decimals, style),
        Figure::Withheld => WITHHELD.into(),
    }
}

/// A rate in % with two decimals and the configured sign: `101.05％`.
pub fn percent(v: f64, style: &NumberStyle) -> String {
    format!("{}{}", number(v, Some(2), style), style.percent_sign)
}

/// The unit as printed: a `%` unit takes the configured percent sign.
pub fn unit(ind: &Indicator, style: &NumberStyle) -> String {
    if ind.is_percent() {
        style.percent_sign.clone()
    } else {
        ind.unit.clone()
    }
}

/// The change against the previous edition in words: 增长3.2％ / 下降1.5％ / 持平; for rates,
/// 提高0.3个百分点 / 降低…; "*" when either figure is withheld (a change would reveal it).
pub fn change(current: &Indicator, previous: &Indicator, style: &NumberStyle) -> Option<String> {
    let (Figure::Number(v), Figure::Number(p)) = (current.value, previous.value) else {
        return Some(WITHHELD.into());
    };
    change_between(v, p, current, style)
}

/// The change from `p` to `v`, two published figures of indicator `ind` (two editions, or two
/// points of its series), in the words of `change`.
pub fn change_between(v: f64, p: f64, ind: &Indicator, style: &NumberStyle) -> Option<String> {
    let current = ind;
    if current.is_percent() {
        let diff = v - p;
        let text = number(diff.abs(), Some(current.decimals.unwrap_or(1)), style);
        if text.trim_start_matches(['0', '.', ',']).is_empty() {
            return Some("持平".into());
        }
        let verb = if diff > 0.0 { "提高" } else { "降低" };
        return Some(format!("{verb}{text}个百分点"));
    }
    relative_change(v, p, style)
}

/// The year-over-year change of a count or amount as a growth rate ("增长12.5％", "持平");
/// None when last year's figure is 0 and this year's is not.
pub fn relative_change(v: f64, p: f64, style: &NumberStyle) -> Option<String> {
    if p == 0.0 {
        return (v == 0.0).then(|| "持平".into());
    }
    let rate = (v - p) / p.abs() * 100.0;
    let text = number(rate.abs(), Some(1), style);
    if text.trim_start_matches(['0', '.', ',']).is_empty() {
        return Some("持平".into());
    }
    let verb = if rate > 0.0 { "增长" } else { "下降" };
    Some(format!("{verb}{text}{}", style.percent_sign))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_official_habits() {
        let s = NumberStyle::default();
        assert_eq!(number(8084.0, None, &s), "8084");
        assert_eq!(number(3.2, None, &s), "3.2");
        assert_eq!(number(1234.5, Some(2), &s), "1234.50");
        assert_eq!(number(-0.0001, Some(1), &s), "0.0");
        assert_eq!(percent(101.0526, &s), "101.05％");
        let g = NumberStyle {
            thousands_separator: true,
            percent_sign: "%".into(),
        };
        assert_eq!(number(1234567.25, None, &g), "1,234,567.25");
        assert_eq!(number(-1234.0, None, &g), "-1,234");
        assert_eq!(number(123.0, None, &g), "123");
        assert_eq!(percent(50.0, &g), "50.00%");
    }
}
