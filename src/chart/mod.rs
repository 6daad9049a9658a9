//! Charts as SVG strings. plotters is used only inside this module; the rest of gongkai hands
//! in plain data (`HistoryChart`, `SeriesChart`) and gets back a complete, accessible SVG.
//!
//! Every chart has `role="img"`, a `<title>`, a `<desc>` sentence with the values and a viewBox.
//! Text inside the SVG is figures, years and short labels in a CJK-capable font stack; the
//! Chinese caption lives in the HTML around it.

use crate::html::escape::{escape_xml, strip_illegal};

mod history;
mod series;

pub use history::{HistoryChart, HistoryPoint};
pub use series::SeriesChart;

pub(crate) const WIDTH: u32 = 640;
pub(crate) const HEIGHT: u32 = 360;
pub(crate) const FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, SimHei, sans-serif";

/// A theme colour as plotters draws it.
pub(crate) fn rgb((r, g, b): crate::model::theme::Rgb) -> plotters::style::RGBColor {
    plotters::style::RGBColor(r, g, b)
}

/// Upper end of the value axis: 0–100 for percentages unless a value exceeds 100,
/// otherwise a little headroom above the largest value.
pub(crate) fn axis_max(values: impl Iterator<Item = f64>, percent: bool) -> f64 {
    let max = values.fold(0.0_f64, f64::max);
    if percent && max <= 100.0 {
        return 100.0;
    }
    if max <= 0.0 {
        return 1.0;
    }
    // A round number just above max keeps tick labels short.
    let headroom = max * 1.15;
    let magnitude = 10f64.powf(headroom.log10().floor());
    let step = magnitude / 2.0;
    (headroom / step).ceil() * step
}

/// Replaces plotters' `<svg …>` opening tag with an accessible one and adds `<title>`/`<desc>`.
///
/// The font stack is set once on the root, where every `<text>` inherits it, instead of on
/// each element, and attributes that only restate SVG defaults are dropped: a city's archive
/// has tens of thousands of charts, and this takes a third off each.
pub(crate) fn finish_svg(raw: &str, title: &str, desc: &str) -> String {
    let body_start = raw.find('>').map_or(0, |i| i + 1);
    let mut out = String::with_capacity(raw.len() + title.len() + desc.len() + 200);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"{FONT}\">\n<title id=\"t\">{}</title>\n<desc id=\"d\">{}</desc>",
        escape_xml(title),
        escape_xml(desc)
    ));
    // Every text repeats the font stack the root now sets, and every shape says it is
    // opaque: drop both. (A regex doing this took half of the charts' time.)
    let font_attr = format!(" font-family=\"{FONT}\"");
    let without_font = remove_all(&raw[body_start..], &font_attr);
    // plotters escapes markup in labels but passes control characters, which no XML may hold.
    out.push_str(&strip_illegal(&remove_all(&without_font, " opacity=\"1\"")));
    out
}

/// `text` without any occurrence of `needle`.
fn remove_all(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    for at in memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes()) {
        out.push_str(&text[kept..at]);
        kept = at + needle.len();
    }
    out.push_str(&text[kept..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_keeps_percentages_on_a_hundred_scale() {
        assert_eq!(axis_max([3.2, 4.0].into_iter(), true), 100.0);
        assert!(axis_max([101.5].into_iter(), true) > 101.5);
        assert_eq!(axis_max([8084.0].into_iter(), false), 9500.0);
        assert_eq!(axis_max(std::iter::empty(), false), 1.0);
    }
}
