//! The history chart: one bar per edition (stacked by `parts` where they are published),
//! withheld editions marked "*", the target drawn as a marker, a definition break as a divider.

use super::{rgb, svg, value_axis, Area, FONT};
use crate::model::theme::ChartColours;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One edition's figures, already formatted for labels by the caller.
#[derive(Debug, Clone)]
pub struct HistoryPoint {
    /// The x-axis label, e.g. "2023".
    pub label: String,
    /// None when withheld: no bar is drawn, "*" is printed instead.
    pub value: Option<f64>,
    pub value_label: String,
    /// Published target, if any.
    pub target: Option<f64>,
    /// Published part values in `HistoryChart::part_names` order; drawn stacked only when
    /// every part is published and they are all present.
    pub parts: Vec<Option<f64>>,
    /// The indicator's definition changed at this edition.
    pub break_before: bool,
}

#[derive(Debug, Clone)]
pub struct HistoryChart {
    pub title: String,
    pub desc: String,
    pub percent: bool,
    pub part_names: Vec<String>,
    pub points: Vec<HistoryPoint>,
}

impl HistoryChart {
    /// The chart drawn in the theme's `colours`.
    pub fn to_svg(&self, colours: &ChartColours) -> String {
        // Drawing into memory cannot fail for lack of I/O; an error here is a bug in the
        // coordinates, and an empty chart is better than a panic in a publishing tool.
        svg(&self.title, &self.desc, |area| {
            let _ = self.draw(area, colours);
        })
    }

    /// Whether a chart says more than the figures printed beside it: with every figure
    /// withheld it would be empty axes, with one published figure a lone bar repeating it.
    /// Such an indicator gets its description as a notice in the page instead.
    pub fn worth_drawing(&self) -> bool {
        self.points.iter().filter(|p| p.value.is_some()).count() >= 2
    }

    fn stacked(&self, p: &HistoryPoint) -> Option<Vec<f64>> {
        if self.part_names.is_empty() || p.parts.len() != self.part_names.len() {
            return None;
        }
        p.parts.iter().copied().collect()
    }

    fn draw(
        &self,
        root: Area<'_>,
        colours: &ChartColours,
    ) -> Result<(), Box<dyn std::error::Error + '_>> {
        root.fill(&WHITE)?;
        let target = rgb(colours.target);
        let n = self.points.len().max(1) as f64;
        let axis = value_axis(
            self.points
                .iter()
                .flat_map(|p| [p.value, p.target])
                .flatten(),
            self.percent,
        );
        let ymax = axis.max;
        let has_target = self.points.iter().any(|p| p.target.is_some());
        let has_withheld = self.points.iter().any(|p| p.value.is_none());
        let all_withheld = self.points.iter().all(|p| p.value.is_none());
        let (legend_area, plot_area) = root.split_vertically(LEGEND_HEIGHT);
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_top(28)
            .margin_right(20)
            .margin_left(8)
            .x_label_area_size(40)
            .y_label_area_size(88)
            .build_cartesian_2d(0f64..n, 0f64..ymax)?;
        let axis_text = TextStyle::from((FONT, AXIS_SIZE * 1.24).into_font())
            .color(&RGBColor(0x33, 0x33, 0x33));
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(if all_withheld { 0 } else { axis.labels() })
            .max_light_lines(1)
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .axis_style(RGBColor(0x66, 0x66, 0x66))
            .y_label_style(axis_text.clone())
            .y_label_formatter(&|v| format_tick(*v))
            .draw()?;

        let label_style = TextStyle::from((FONT, LABEL_SIZE * 1.24).into_font())
            .color(&RGBColor(0x22, 0x22, 0x22))
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        let x_label_style = axis_text.pos(Pos::new(HPos::Center, VPos::Top));

        if all_withheld {
            // Nothing to draw but the fact itself: say so in the plot, not with empty axes.
            chart.draw_series(std::iter::once(Text::new(
                "数据依法不予公开",
                (n / 2.0, ymax / 2.0),
                label_style
                    .clone()
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )))?;
        }

        for (i, p) in self.points.iter().enumerate() {
            let x0 = i as f64 + 0.2;
            let x1 = i as f64 + 0.8;
            let mid = i as f64 + 0.5;
            if p.break_before && i > 0 {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(i as f64, 0.0), (i as f64, ymax)],
                    ShapeStyle::from(&RGBColor(0x55, 0x55, 0x55)).stroke_width(2),
                )))?;
                chart.draw_series(std::iter::once(
                    EmptyElement::at((i as f64, ymax))
                        + Text::new(
                            "口径调整",
                            (6, -22),
                            TextStyle::from((FONT, LEGEND_SIZE * 1.24).into_font())
                                .color(&RGBColor(0x33, 0x33, 0x33))
                                .pos(Pos::new(HPos::Left, VPos::Top)),
                        ),
                ))?;
            }
            match (p.value, self.stacked(p)) {
                (Some(_), Some(parts)) => {
                    let mut base = 0.0;
                    for (k, v) in parts.iter().enumerate() {
                        chart.draw_series(std::iter::once(Rectangle::new(
                            [(x0, base), (x1, base + v)],
                            rgb(colours.series(k)).filled(),
                        )))?;
                        // A white seam keeps stacked segments apart without relying on hue.
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(x0, base + v), (x1, base + v)],
                            ShapeStyle::from(&WHITE).stroke_width(2),
                        )))?;
                        // The part's legend marker, where the segment has room for it: the
                        // parts read apart without colour.
                        let (_, top_px) = chart.backend_coord(&(x0, base + v));
                        let (_, bottom_px) = chart.backend_coord(&(x0, base));
                        if bottom_px - top_px >= 2 * MARKER + 6 {
                            chart.draw_series(std::iter::once(
                                EmptyElement::at((mid, base + v / 2.0)) + part_marker(k),
                            ))?;
                        }
                        base += v;
                    }
                }
                (Some(v), None) => {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x0, 0.0), (x1, v)],
                        rgb(colours.series(0)).filled(),
                    )))?;
                }
                (None, _) => {}
            }
            if let Some(t) = p.target {
                // The target is a red rule across the bar with a diamond at its end, outlined
                // in white so it stays visible on the bar: shape, not colour, carries meaning.
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0 - 0.08, t), (x1 + 0.08, t)],
                    ShapeStyle::from(&WHITE).stroke_width(7),
                )))?;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0 - 0.08, t), (x1 + 0.08, t)],
                    ShapeStyle::from(&target).stroke_width(3),
                )))?;
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x1 + 0.08, t)) + diamond((6, 0), target),
                ))?;
            }
            // Above the bar and above the target marker, so the two never collide.
            let top = p.value.unwrap_or(0.0).max(p.target.unwrap_or(0.0));
            chart.draw_series(std::iter::once(
                EmptyElement::at((mid, top))
                    + Text::new(p.value_label.clone(), (0, -8), label_style.clone()),
            ))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at((mid, 0.0))
                    + Text::new(p.label.clone(), (0, 8), x_label_style.clone()),
            ))?;
        }
        draw_legend(
            &legend_area,
            colours,
            &self.part_names,
            !all_withheld,
            has_target,
            has_withheld,
        )?;
        root.present()?;
        Ok(())
    }
}

const AXIS_SIZE: f64 = 20.0;
const LABEL_SIZE: f64 = 20.0;
const LEGEND_SIZE: f64 = 18.0;
const LEGEND_HEIGHT: u32 = 36;
/// Half the size of a part's marker, in pixels.
const MARKER: i32 = 5;

/// The white marker of stacked part `k` (circle, square, triangle, plus, then again), drawn
/// on its segments and its legend swatch so that no part is told by colour alone.
fn part_marker(k: usize) -> Polygon<(i32, i32)> {
    let m = MARKER;
    let points = match k % 4 {
        0 => (0..12)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::PI / 6.0;
                let r = f64::from(m) + 0.5;
                ((r * a.cos()).round() as i32, (r * a.sin()).round() as i32)
            })
            .collect(),
        1 => vec![(-m, -m), (m, -m), (m, m), (-m, m)],
        2 => vec![(0, -m - 1), (m + 1, m), (-m - 1, m)],
        _ => {
            let t = 2;
            vec![
                (-t, -m - 1),
                (t, -m - 1),
                (t, -t),
                (m + 1, -t),
                (m + 1, t),
                (t, t),
                (t, m + 1),
                (-t, m + 1),
                (-t, t),
                (-m - 1, t),
                (-m - 1, -t),
                (-t, -t),
            ]
        }
    };
    Polygon::new(points, ShapeStyle::from(&WHITE).filled())
}

/// The target marker's diamond, `offset` pixels from its anchor.
fn diamond(offset: (i32, i32), colour: RGBColor) -> Polygon<(i32, i32)> {
    let (x, y) = offset;
    Polygon::new(
        vec![(x - 6, y), (x, y - 7), (x + 6, y), (x, y + 7)],
        ShapeStyle::from(&colour).filled(),
    )
}

fn draw_legend(
    area: &Area<'_>,
    colours: &ChartColours,
    part_names: &[String],
    has_values: bool,
    has_target: bool,
    has_withheld: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let text = TextStyle::from((FONT, LEGEND_SIZE * 1.24).into_font())
        .color(&RGBColor(0x22, 0x22, 0x22))
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = 96;
    let y = 20;
    let names: Vec<&str> = if !has_values {
        vec![]
    } else if part_names.is_empty() {
        vec!["数值"]
    } else {
        part_names.iter().map(String::as_str).collect()
    };
    // CJK glyphs are about one em wide; plotters' own estimate counts bytes.
    let width = |s: &str| (LEGEND_SIZE as i32) * s.chars().count() as i32;
    for (k, name) in names.iter().enumerate() {
        area.draw(&Rectangle::new(
            [(x, y - 8), (x + 16, y + 8)],
            rgb(colours.series(k)).filled(),
        ))?;
        if !part_names.is_empty() {
            area.draw(&(EmptyElement::at((x + 8, y)) + part_marker(k)))?;
        }
        area.draw(&Text::new(name.to_string(), (x + 22, y), text.clone()))?;
        x += 22 + width(name) + 24;
    }
    if has_target {
        area.draw(&PathElement::new(
            vec![(x, y), (x + 20, y)],
            ShapeStyle::from(&rgb(colours.target)).stroke_width(3),
        ))?;
        area.draw(&(EmptyElement::at((x + 20, y)) + diamond((0, 0), rgb(colours.target))))?;
        area.draw(&Text::new("目标", (x + 34, y), text.clone()))?;
        x += 34 + width("目标") + 24;
    }
    if has_withheld {
        area.draw(&Text::new("* 不予公开", (x, y), text))?;
    }
    Ok(())
}

/// Axis ticks: integers without separators, otherwise at most two decimals.
pub(crate) fn format_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
