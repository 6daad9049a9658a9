//! The within-year chart: a line through the `series` points of one edition, each point with a
//! marker and its value, so the shape reads without colour.

use super::history::format_tick;
use super::{rgb, svg, value_axis, Area, FONT};
use crate::model::theme::ChartColours;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

#[derive(Debug, Clone)]
pub struct SeriesChart {
    pub title: String,
    pub desc: String,
    pub percent: bool,
    /// (period label, value, value label) of the published points; periods in order.
    pub points: Vec<(String, f64, String)>,
}

impl SeriesChart {
    /// Like `HistoryChart::worth_drawing`: a line needs two published points.
    pub fn worth_drawing(&self) -> bool {
        self.points.len() >= 2
    }

    /// The chart drawn in the theme's `colours`.
    pub fn to_svg(&self, colours: &ChartColours) -> String {
        svg(&self.title, &self.desc, |area| {
            let _ = self.draw(area, colours);
        })
    }

    fn draw(
        &self,
        root: Area<'_>,
        colours: &ChartColours,
    ) -> Result<(), Box<dyn std::error::Error + '_>> {
        root.fill(&WHITE)?;
        let n = self.points.len().max(1) as f64;
        let axis = value_axis(self.points.iter().map(|p| p.1), self.percent);
        let ymax = axis.max;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(24)
            .margin_right(16)
            .margin_left(8)
            .x_label_area_size(36)
            .y_label_area_size(88)
            .build_cartesian_2d(0f64..n, 0f64..ymax)?;
        let axis_text =
            TextStyle::from((FONT, 20.0 * 1.24).into_font()).color(&RGBColor(0x33, 0x33, 0x33));
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(axis.labels())
            .max_light_lines(1)
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .axis_style(RGBColor(0x66, 0x66, 0x66))
            .y_label_style(axis_text.clone())
            .y_label_formatter(&|v| format_tick(*v))
            .draw()?;
        let colour = rgb(colours.series(0));
        let coords: Vec<(f64, f64)> = self
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64 + 0.5, p.1))
            .collect();
        chart.draw_series(LineSeries::new(
            coords.clone(),
            ShapeStyle::from(&colour).stroke_width(3),
        ))?;
        chart.draw_series(
            coords
                .iter()
                .map(|&c| Circle::new(c, 5, ShapeStyle::from(&colour).filled())),
        )?;
        let label_style = TextStyle::from((FONT, 20.0 * 1.24).into_font())
            .color(&RGBColor(0x22, 0x22, 0x22))
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        let x_label_style = axis_text.pos(Pos::new(HPos::Center, VPos::Top));
        let last = self.points.len().saturating_sub(1);
        // With many points, every other value label (and always the last) keeps them apart;
        // the data table beside the chart has every figure.
        let step = if self.points.len() > 6 { 2 } else { 1 };
        for (i, (period, v, label)) in self.points.iter().enumerate() {
            let mid = i as f64 + 0.5;
            if (last - i) % step == 0 {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((mid, *v))
                        + Text::new(label.clone(), (0, -10), label_style.clone()),
                ))?;
            }
            chart.draw_series(std::iter::once(
                EmptyElement::at((mid, 0.0))
                    + Text::new(period.clone(), (0, 8), x_label_style.clone()),
            ))?;
        }
        root.present()?;
        Ok(())
    }
}
