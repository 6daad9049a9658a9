//! Charts as SVG strings. plotters is used only inside this module; the rest of gongkai hands
//! in plain data (`HistoryChart`, `SeriesChart`) and gets back a complete, accessible SVG.
//!
//! Every chart has `role="img"`, a `<title>`, a `<desc>` sentence with the values and a viewBox.
//! Text inside the SVG is figures, years and short labels in a CJK-capable font stack; the
//! Chinese caption lives in the HTML around it.

use crate::html::escape::escape_xml;
use lean::LeanSvg;

mod history;
mod lean;
mod series;

pub use history::{HistoryChart, HistoryPoint};
pub use series::SeriesChart;

pub(crate) const WIDTH: u32 = 640;
pub(crate) const HEIGHT: u32 = 360;
/// The size of most chart text (axis figures, years, value labels), set once on the root.
pub(crate) const TEXT_SIZE: f64 = 20.0;
pub(crate) const FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, SimHei, sans-serif";

/// A theme colour as plotters draws it.
pub(crate) fn rgb((r, g, b): crate::model::theme::Rgb) -> plotters::style::RGBColor {
    plotters::style::RGBColor(r, g, b)
}

/// The value axis: from 0 to `max`, a tick at every multiple of `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Axis {
    pub max: f64,
    pub step: f64,
}

impl Axis {
    /// How many tick labels to ask plotters for: it picks the finest 1-2-5 step that gives no
    /// more, which is `step` itself, as `step` is a 1-2-5 step and `max` a multiple of it.
    pub(crate) fn labels(&self) -> usize {
        (self.max / self.step).round() as usize + 1
    }
}

/// The value axis of a chart of `values` (every value, target and history point drawn): from 0
/// to a round value just above the largest, with ticks on a 1-2-5 step. A % axis never goes
/// above 100 unless a value does: a 0–100 axis drew 3.3％ against a 4.0％ ceiling as a sliver.
/// Whole values (counts of cases) get whole ticks: "0.5 件" is no count.
pub(crate) fn value_axis(values: impl Iterator<Item = f64>, percent: bool) -> Axis {
    let (top, whole) = values.fold((0.0_f64, true), |(top, whole), v| {
        (top.max(v), whole && v.fract() == 0.0)
    });
    if top <= 0.0 {
        return Axis {
            max: 1.0,
            step: 1.0,
        };
    }
    // A little room above the largest bar keeps its value label inside the plot.
    let room = top * 1.08;
    let mut step = nice_step(room / 6.0);
    if whole && step < 1.0 {
        step = 1.0;
    }
    let mut max = (room / step - 1e-9).ceil() * step;
    // Every step up to 20 divides 100; a larger one cannot come from a top of at most 100.
    if percent && top <= 100.0 && max > 100.0 {
        max = 100.0;
    }
    Axis { max, step }
}

/// The smallest of 1, 2, 5 × 10ⁿ that is at least `x` (> 0).
fn nice_step(x: f64) -> f64 {
    let magnitude = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= x * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// The drawing area a chart draws on: plotters on the lean backend.
pub(crate) type Area<'a> = plotters::drawing::DrawingArea<LeanSvg<'a>, plotters::coord::Shift>;

/// A complete chart: the accessible root element with `<title>` and `<desc>` around what
/// `draw` paints on a `WIDTH` × `HEIGHT` area.
///
/// The font stack is set once on the root, where every `<text>` inherits it; the paints are
/// classes of one `<style>` (see `lean`): a city's archive has tens of thousands of charts.
pub(crate) fn svg(title: &str, desc: &str, draw: impl FnOnce(Area<'_>)) -> String {
    let mut body = String::new();
    {
        use plotters::drawing::IntoDrawingArea;
        draw(LeanSvg::new(&mut body, (WIDTH, HEIGHT), FONT, TEXT_SIZE).into_drawing_area());
    }
    let mut out = String::with_capacity(body.len() + title.len() + desc.len() + 300);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"{FONT}\" font-size=\"{TEXT_SIZE}\">\n<title id=\"t\">{}</title>\n<desc id=\"d\">{}</desc>\n",
        escape_xml(title),
        escape_xml(desc)
    ));
    out.push_str(&body);
    out.push_str("\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(values: &[f64], percent: bool) -> (f64, f64) {
        let a = value_axis(values.iter().copied(), percent);
        (a.max, a.step)
    }

    #[test]
    fn the_value_axis_ends_at_a_round_value_just_above_the_largest_point() {
        // 城镇登记失业率 3.6, 3.6, 3.3 against a 4.0 ceiling: 0–5, not 0–100.
        assert_eq!(axis(&[3.6, 3.6, 3.3, 4.0, 4.0, 4.0], true), (5.0, 1.0));
        assert_eq!(axis(&[3.2, 3.5], true), (4.0, 1.0));
        // A % near 100 stops at 100; one above 100 goes past it.
        assert_eq!(axis(&[96.5, 98.2], true), (100.0, 20.0));
        assert_eq!(axis(&[101.5], true), (120.0, 20.0));
        // Counts and amounts: round, short tick labels.
        assert_eq!(axis(&[7860.0, 8084.0, 8000.0], false), (10000.0, 2000.0));
        assert_eq!(axis(&[1234.5, 2630.8, 2600.0], false), (3000.0, 500.0));
        assert_eq!(axis(&[0.35, 0.42], false), (0.5, 0.1));
        // Small whole counts (the annual report's 行政诉讼 0, 1, 2 件) get whole ticks.
        assert_eq!(axis(&[0.0, 1.0, 2.0], false), (3.0, 1.0));
        assert_eq!(axis(&[1.0], false), (2.0, 1.0));
        assert_eq!(axis(&[12.0, 9.0], false), (15.0, 5.0));
        // Nothing to scale by.
        assert_eq!(axis(&[], false), (1.0, 1.0));
        assert_eq!(axis(&[0.0], true), (1.0, 1.0));
        for (values, percent) in [(&[3.3, 4.0][..], true), (&[8084.0][..], false)] {
            let a = value_axis(values.iter().copied(), percent);
            assert!(a.max > values.iter().copied().fold(0.0, f64::max));
            assert_eq!(a.labels() as f64, a.max / a.step + 1.0);
        }
    }
}
