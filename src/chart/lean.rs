//! A plotters drawing backend that writes lean SVG. plotters' own `SVGBackend` spells out
//! every colour, width, size and anchor on every element; a chart repeats a handful of them
//! dozens of times. This backend records what plotters draws, in plotters' integer pixel
//! coordinates, and writes each distinct paint once as a class in one `<style>`.
//!
//! The picture stays what `SVGBackend` drew: the same elements at the same coordinates, with
//! three changes that paint the same pixels. Attributes that restate SVG defaults (opacity 1,
//! stroke-width 1, `stroke="none"` on a fill, `text-anchor` start, x/y 0) are left out. Runs
//! of strokes that share a paint become one `<path>` (the axis and its ticks; they are opaque,
//! so overlaps look the same) and other runs share one `<g class>`. Text goes after the
//! shapes, in the order plotters drew it: no label may touch a shape anyway (the browser
//! suite's chart-overlap check), and on top is where a label belongs.
//!
//! The class names are single letters: a chart is only ever shown as an external image
//! (`<img>`, a link), where its `<style>` cannot reach the page. Inlining a chart into a page
//! would need them namespaced.

use crate::html::escape::escape_xml;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};
use std::convert::Infallible;
use std::fmt::Write as _;

/// What plotters draws, recorded until `present` writes it out.
pub(crate) struct LeanSvg<'a> {
    out: &'a mut String,
    size: (u32, u32),
    /// The font stack and size the root element sets: text in them says neither itself.
    font: &'static str,
    font_size: f64,
    shapes: Vec<Mark>,
    texts: Vec<Mark>,
    written: bool,
}

/// One drawn element: its paint (CSS declarations, shared through a class) and its geometry.
struct Mark {
    paint: String,
    shape: Shape,
}

enum Shape {
    Line(BackendCoord, BackendCoord),
    Rect(BackendCoord, BackendCoord),
    /// An open stroked polyline.
    Path(Vec<BackendCoord>),
    Polygon(Vec<BackendCoord>),
    Circle(BackendCoord, u32),
    Text {
        x: i32,
        /// Whole pixels, or one decimal where a top anchor's offset joined it.
        y: String,
        /// The offset left to the reader's font, if any.
        dy: &'static str,
        /// An attribute the paint cannot carry: a rotation, a font outside the root's stack.
        extra: String,
        text: String,
    },
}

impl<'a> LeanSvg<'a> {
    /// A backend of `size` pixels that writes the chart's `<style>` and elements into `out`
    /// when plotters presents it (the caller adds the root element around them).
    pub(crate) fn new(
        out: &'a mut String,
        size: (u32, u32),
        font: &'static str,
        font_size: f64,
    ) -> Self {
        LeanSvg {
            out,
            size,
            font,
            font_size,
            shapes: Vec::new(),
            texts: Vec::new(),
            written: false,
        }
    }

    fn shape(&mut self, paint: String, shape: Shape) {
        self.shapes.push(Mark { paint, shape });
    }
}

/// `#RRGGBB`, or `#RGB` where that says the same.
fn colour(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    if [r, g, b].iter().all(|v| v >> 4 == v & 0xF) {
        format!("#{:X}{:X}{:X}", r & 0xF, g & 0xF, b & 0xF)
    } else {
        format!("#{r:02X}{g:02X}{b:02X}")
    }
}

/// The declarations of a paint: `fill`, then a stroke of `width` if any, then the opacity
/// when it is not the default 1.
fn paint(c: BackendColor, fill: bool, stroke: Option<u32>) -> String {
    let colour = colour(c);
    let mut p = String::with_capacity(48);
    p.push_str("fill:");
    p.push_str(if fill { &colour } else { "none" });
    if let Some(width) = stroke {
        p.push_str(";stroke:");
        p.push_str(&colour);
        if width != 1 {
            let _ = write!(p, ";stroke-width:{width}");
        }
    }
    if c.alpha != 1.0 {
        let _ = write!(p, ";opacity:{}", c.alpha);
    }
    p
}

impl DrawingBackend for LeanSvg<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        if !self.written {
            write_body(self.out, &self.shapes, &self.texts);
            self.written = true;
        }
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        p: BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if c.alpha != 0.0 {
            self.shape(paint(c, true, None), Shape::Rect(p, (p.0 + 1, p.1 + 1)));
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha != 0.0 {
            // A line has no fill to speak of: only its stroke.
            let p = paint(c, false, Some(style.stroke_width()));
            let p = p.strip_prefix("fill:none;").unwrap_or(&p).to_string();
            self.shape(p, Shape::Line(from, to));
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha != 0.0 {
            // SVGBackend strokes an outline at the default width, whatever the style says.
            let p = paint(c, fill, (!fill).then_some(1));
            self.shape(p, Shape::Rect(upper_left, bottom_right));
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha != 0.0 {
            let p = paint(c, false, Some(style.stroke_width()));
            self.shape(p, Shape::Path(path.into_iter().collect()));
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha != 0.0 {
            let p = paint(c, true, None);
            self.shape(p, Shape::Polygon(vertices.into_iter().collect()));
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        centre: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha != 0.0 {
            let p = paint(c, fill, (!fill).then(|| style.stroke_width()));
            self.shape(p, Shape::Circle(centre, radius));
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        at: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let anchor = style.anchor();
        // plotters' sizes are 1.24 × the em size SVGBackend writes.
        let em = style.size() / 1.24;
        let mut p = format!("fill:{}", colour(c));
        if em != self.font_size {
            let _ = write!(p, ";font-size:{em}px");
        }
        match anchor.h_pos {
            HPos::Left => {}
            HPos::Center => p.push_str(";text-anchor:middle"),
            HPos::Right => p.push_str(";text-anchor:end"),
        }
        match style.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => p.push_str(";font-weight:bold"),
            other => {
                let _ = write!(p, ";font-style:{}", other.as_str());
            }
        }
        if c.alpha != 1.0 {
            let _ = write!(p, ";opacity:{}", c.alpha);
        }
        let mut extra = String::new();
        let family = style.family();
        if family.as_str() != self.font {
            let _ = write!(extra, " font-family=\"{}\"", escape_xml(family.as_str()));
        }
        let degrees = match style.transform() {
            FontTransform::Rotate90 => 90,
            FontTransform::Rotate180 => 180,
            FontTransform::Rotate270 => 270,
            _ => 0,
        };
        if degrees != 0 {
            let _ = write!(extra, " transform=\"rotate({degrees} {} {})\"", at.0, at.1);
        }
        // The vertical anchor as SVGBackend places it: ".76em" below a top anchor is a
        // length this size already fixes, so it joins y where that needs one decimal at most;
        // an ex depends on the reader's font and stays an offset (".5ex" is "0.5ex").
        let tenths = 7.6 * em;
        let (y, dy) = match anchor.v_pos {
            VPos::Top if degrees == 0 && (tenths - tenths.round()).abs() < 1e-9 => {
                let y = (f64::from(at.1) * 10.0 + tenths.round()) / 10.0;
                (y.to_string(), "")
            }
            VPos::Top => (at.1.to_string(), ".76em"),
            VPos::Center => (at.1.to_string(), ".5ex"),
            VPos::Bottom => (at.1.to_string(), "-.5ex"),
        };
        self.texts.push(Mark {
            paint: p,
            shape: Shape::Text {
                x: at.0,
                y,
                dy,
                extra,
                text: text.to_string(),
            },
        });
        Ok(())
    }
}

impl Drop for LeanSvg<'_> {
    fn drop(&mut self) {
        let _ = self.present();
    }
}

/// The `<style>`, then the shapes in the order drawn, then the texts in the order drawn.
fn write_body(out: &mut String, shapes: &[Mark], texts: &[Mark]) {
    // Classes in order of first use, so the same chart always gets the same bytes.
    let mut paints: Vec<&str> = Vec::new();
    for m in shapes.iter().chain(texts) {
        if !paints.contains(&m.paint.as_str()) {
            paints.push(&m.paint);
        }
    }
    out.push_str("<style>");
    for (i, p) in paints.iter().enumerate() {
        let _ = write!(out, ".{}{{{p}}}", class_name(i));
    }
    out.push_str("</style>");
    let class_of = |m: &Mark| paints.iter().position(|p| *p == m.paint).unwrap_or(0);
    let is_path = |m: &Mark| matches!(m.shape, Shape::Path(_));
    for marks in [shapes, texts] {
        for run in marks.chunk_by(|a, b| a.paint == b.paint) {
            let class = format!(" class=\"{}\"", class_name(class_of(&run[0])));
            // Opaque strokes of one paint read the same as one path: merge neighbours.
            let merge = !run[0].paint.contains("opacity");
            let pieces: Vec<&[Mark]> = run
                .chunk_by(|a, b| merge && is_path(a) && is_path(b))
                .collect();
            if let [one] = pieces.as_slice() {
                write_element(out, &class, one);
            } else {
                let _ = write!(out, "<g{class}>");
                for piece in pieces {
                    write_element(out, "", piece);
                }
                out.push_str("</g>");
            }
        }
    }
}

/// `a`…`z`, then `ba`, `bb`…: a chart uses fewer than a dozen.
fn class_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'a' + (i % 26) as u8);
        i /= 26;
        if i == 0 {
            break;
        }
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// One element with `class` (an attribute, or nothing): one mark, or strokes as one path.
fn write_element(out: &mut String, class: &str, marks: &[Mark]) {
    let Some(first) = marks.first() else {
        return;
    };
    let _ = match &first.shape {
        Shape::Line((x1, y1), (x2, y2)) => write!(
            out,
            "<line{class} x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>"
        ),
        Shape::Rect((x, y), (x2, y2)) => {
            let _ = write!(out, "<rect{class}");
            if *x != 0 {
                let _ = write!(out, " x=\"{x}\"");
            }
            if *y != 0 {
                let _ = write!(out, " y=\"{y}\"");
            }
            write!(out, " width=\"{}\" height=\"{}\"/>", x2 - x, y2 - y)
        }
        Shape::Path(_) => {
            let _ = write!(out, "<path{class} d=\"");
            for m in marks {
                if let Shape::Path(points) = &m.shape {
                    push_path(out, points);
                }
            }
            write!(out, "\"/>")
        }
        Shape::Polygon(points) => {
            let _ = write!(out, "<polygon{class} points=\"");
            for (i, (x, y)) in points.iter().enumerate() {
                let sep = if i == 0 { "" } else { " " };
                let _ = write!(out, "{sep}{x},{y}");
            }
            write!(out, "\"/>")
        }
        Shape::Circle((cx, cy), r) => {
            write!(out, "<circle{class} cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\"/>")
        }
        Shape::Text {
            x,
            y,
            dy,
            extra,
            text,
        } => {
            let _ = write!(out, "<text{class} x=\"{x}\" y=\"{y}\"");
            if !dy.is_empty() {
                let _ = write!(out, " dy=\"{dy}\"");
            }
            write!(out, "{extra}>{}</text>", escape_xml(text))
        }
    };
}

/// A polyline as path data: a move, then horizontal, vertical or straight lines.
fn push_path(d: &mut String, points: &[BackendCoord]) {
    let mut prev: Option<BackendCoord> = None;
    for &(x, y) in points {
        let _ = match prev {
            None => write!(d, "M{x} {y}"),
            Some((_, py)) if py == y => write!(d, "H{x}"),
            Some((px, _)) if px == x => write!(d, "V{y}"),
            Some(_) => write!(d, "L{x} {y}"),
        };
        prev = Some((x, y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;

    #[test]
    fn each_paint_is_written_once_and_neighbouring_strokes_join_one_path() {
        let mut out = String::new();
        {
            let area = LeanSvg::new(&mut out, (100, 50), "F", 20.0).into_drawing_area();
            let grey = RGBColor(0x66, 0x66, 0x66);
            area.draw(&Rectangle::new([(0, 0), (100, 50)], WHITE.filled()))
                .unwrap();
            area.draw(&PathElement::new(vec![(5, 5), (5, 40)], grey))
                .unwrap();
            let label = TextStyle::from(("F", 20.0 * 1.24).into_font())
                .color(&RGBColor(0x1F, 0x4E, 0x8C))
                .pos(Pos::new(HPos::Center, VPos::Top));
            area.draw(&Text::new("<1>", (50, 10), label.clone()))
                .unwrap();
            area.draw(&PathElement::new(vec![(0, 40), (90, 40), (95, 35)], grey))
                .unwrap();
            area.draw(&Text::new(
                "2",
                (60, 10),
                label.pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .unwrap();
            area.present().unwrap();
        }
        assert_eq!(
            out,
            "<style>.a{fill:#FFF}.b{fill:none;stroke:#666}.c{fill:#1F4E8C;text-anchor:middle}\
             .d{fill:#1F4E8C;text-anchor:end}</style>\
             <rect class=\"a\" width=\"100\" height=\"50\"/>\
             <path class=\"b\" d=\"M5 5V40M0 40H90L95 35\"/>\
             <text class=\"c\" x=\"50\" y=\"25.2\">&lt;1&gt;</text>\
             <text class=\"d\" x=\"60\" y=\"10\" dy=\".5ex\">2</text>"
        );
    }

    #[test]
    fn translucent_strokes_stay_apart_and_a_foreign_font_or_turn_stays_on_its_text() {
        let mut out = String::new();
        {
            let area = LeanSvg::new(&mut out, (100, 50), "F", 20.0).into_drawing_area();
            let veil = RGBColor(0, 0, 0).mix(0.5);
            for y in [10, 12] {
                area.draw(&PathElement::new(vec![(0, y), (50, y)], veil))
                    .unwrap();
            }
            let other = TextStyle::from(("A\"B", 18.0 * 1.24).into_font())
                .transform(FontTransform::Rotate90)
                .pos(Pos::new(HPos::Left, VPos::Top));
            area.draw(&Text::new("x", (5, 6), other)).unwrap();
            area.present().unwrap();
        }
        // Overlapping halves of a translucent stroke would darken where they cross if joined.
        assert_eq!(
            out,
            "<style>.a{fill:none;stroke:#000;opacity:0.5}.b{fill:#000;font-size:18px}</style>\
             <g class=\"a\"><path d=\"M0 10H50\"/><path d=\"M0 12H50\"/></g>\
             <text class=\"b\" x=\"5\" y=\"6\" dy=\".76em\" font-family=\"A&quot;B\" \
             transform=\"rotate(90 5 6)\">x</text>"
        );
    }

    #[test]
    fn class_names_and_colours_are_short() {
        assert_eq!(
            [0, 25, 26, 27].map(class_name),
            ["a", "z", "ba", "bb"].map(String::from)
        );
        let c = |rgb| colour(BackendColor { alpha: 1.0, rgb });
        assert_eq!(c((0xDD, 0xDD, 0xDD)), "#DDD");
        assert_eq!(c((0xCC, 0x44, 0x44)), "#C44");
        assert_eq!(c((0x1F, 0x4E, 0x8C)), "#1F4E8C");
        assert_eq!(c((0xA0, 0x1C, 0x1C)), "#A01C1C");
    }
}
