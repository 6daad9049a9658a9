//! Colour science for the chart colour checks: sRGB to CIELAB, simulated colour vision
//! deficiency (Machado, Oliveira & Fernandes 2009, severity 1.0, applied to linear RGB),
//! CIEDE2000 colour difference (CIE 142-2001, as in Sharma, Wu & Dalal 2005) and the WCAG
//! contrast ratio; and the rule that checks a theme's chart colours with them (W072, W073).

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::theme::{ChartColours, Rgb};
use crate::model::Site;

/// Two series colours at least this far apart (ΔE₀₀) are told apart with normal vision…
pub(crate) const DISTINCT: f64 = 10.0;
/// …and a simulated deficiency that brings them closer than this merges them (W072). The
/// Okabe–Ito palette, made for colour-blind readers, keeps its pairs above 12.
pub(crate) const CONFUSED: f64 = 10.0;
/// WCAG 2.1 SC 1.4.11: graphical objects need 3:1 against their background.
pub(crate) const MIN_CONTRAST: f64 = 3.0;
/// The charts' background.
const WHITE: Rgb = (255, 255, 255);

/// A byte span in the theme's chart.yaml.
type Span = Option<(usize, usize)>;

/// W072 for every pair of chart colours that can share a chart (any two palette entries, and
/// each entry with the target's colour) and that a colour vision deficiency merges; W073 for
/// a colour below 3:1 against the white chart background.
pub(super) fn check_site(site: &Site, diags: &mut Diagnostics) {
    diags.extend(problems(&site.theme.chart).into_iter().map(|(d, span)| {
        match (site.theme.chart.file, span) {
            (Some(file), Some((start, end))) => d.at_span(&site.sources, file, start, end),
            _ => d,
        }
    }));
}

/// What is wrong with `colours`, each with the span of the entry to point at.
fn problems(colours: &ChartColours) -> Vec<(Diagnostic, Span)> {
    let mut named: Vec<(String, Rgb, Span)> = colours
        .palette
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                format!("palette colour {} ({})", k + 1, hex(*c)),
                *c,
                colours.spans.get(k).copied(),
            )
        })
        .collect();
    named.push((
        format!("target colour ({})", hex(colours.target)),
        colours.target,
        colours.target_span,
    ));
    let mut out = Vec::new();
    for (i, (name, c, span)) in named.iter().enumerate() {
        for (other, o, other_span) in &named[i + 1..] {
            let normal = ciede2000(lab(*c), lab(*o));
            if normal < DISTINCT {
                continue;
            }
            for d in Deficiency::ALL {
                let seen = ciede2000(simulated_lab(*c, d), simulated_lab(*o, d));
                if seen < CONFUSED {
                    // At the later entry: the one to change when the earlier is kept.
                    out.push((
                        Diagnostic::warning(
                            "W072",
                            format!(
                                "chart {name} and {other} look alike with {}: ΔE₀₀ {seen:.1} (normal vision {normal:.1})",
                                d.name()
                            ),
                        )
                        .help(format!(
                            "pick colours at least {CONFUSED} ΔE₀₀ apart under protanopia, deuteranopia and tritanopia (e.g. the default palette #1f4e8c, #dd6611, #009988, #aa55ff); a simulator such as Chromium's DevTools > Rendering > Emulate vision deficiencies shows the pair"
                        )),
                        other_span.or(*span),
                    ));
                }
            }
        }
        let ratio = contrast(*c, WHITE);
        if ratio < MIN_CONTRAST {
            out.push((
                Diagnostic::warning(
                    "W073",
                    format!("chart {name} has {ratio:.2}:1 contrast against the white chart background"),
                )
                .help("bars, lines and markers need at least 3:1 against white (WCAG 2.1, 1.4.11): darken the colour"),
                *span,
            ));
        }
    }
    out
}

/// A colour vision deficiency the charts are checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deficiency {
    Protanopia,
    Deuteranopia,
    Tritanopia,
}

impl Deficiency {
    pub(crate) const ALL: [Deficiency; 3] = [
        Deficiency::Protanopia,
        Deficiency::Deuteranopia,
        Deficiency::Tritanopia,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Deficiency::Protanopia => "protanopia",
            Deficiency::Deuteranopia => "deuteranopia",
            Deficiency::Tritanopia => "tritanopia",
        }
    }

    /// Machado et al. 2009, table of simulation matrices, severity 1.0 (on linear RGB).
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Deficiency::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Deficiency::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Deficiency::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }
}

/// A CIELAB colour (D65 white).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Lab {
    pub l: f64,
    pub a: f64,
    pub b: f64,
}

/// One sRGB channel (0–255) as linear light (0–1).
fn to_linear(v: u8) -> f64 {
    let v = f64::from(v) / 255.0;
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn linear_rgb(c: Rgb) -> [f64; 3] {
    [to_linear(c.0), to_linear(c.1), to_linear(c.2)]
}

/// Linear RGB (each 0–1) to CIELAB, through XYZ with the sRGB primaries and D65 white.
fn lab_of_linear(rgb: [f64; 3]) -> Lab {
    let [r, g, b] = rgb.map(|v| v.clamp(0.0, 1.0));
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    let f = |t: f64| {
        // CIE's exact constants: (6/29)³ and 1/3·(29/6)².
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    Lab {
        l: 116.0 * fy - 16.0,
        a: 500.0 * (fx - fy),
        b: 200.0 * (fy - fz),
    }
}

/// `c` in CIELAB as a reader with normal colour vision sees it.
pub(crate) fn lab(c: Rgb) -> Lab {
    lab_of_linear(linear_rgb(c))
}

/// `c` in CIELAB as a reader with the full deficiency sees it.
pub(crate) fn simulated_lab(c: Rgb, d: Deficiency) -> Lab {
    let m = d.matrix();
    let v = linear_rgb(c);
    let row = |k: usize| m[k][0] * v[0] + m[k][1] * v[1] + m[k][2] * v[2];
    lab_of_linear([row(0), row(1), row(2)])
}

/// The CIEDE2000 colour difference ΔE₀₀ (kL = kC = kH = 1).
pub(crate) fn ciede2000(x: Lab, y: Lab) -> f64 {
    use std::f64::consts::PI;
    let deg = |r: f64| r * 180.0 / PI;
    let rad = |d: f64| d * PI / 180.0;
    let pow7 = |v: f64| v.powi(7);
    let c1 = x.a.hypot(x.b);
    let c2 = y.a.hypot(y.b);
    let c_bar = (c1 + c2) / 2.0;
    let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt());
    let a1 = (1.0 + g) * x.a;
    let a2 = (1.0 + g) * y.a;
    let c1p = a1.hypot(x.b);
    let c2p = a2.hypot(y.b);
    // Hue angle in degrees, 0 for a neutral colour.
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            let h = deg(b.atan2(a));
            if h < 0.0 {
                h + 360.0
            } else {
                h
            }
        }
    };
    let h1 = hue(x.b, a1);
    let h2 = hue(y.b, a2);
    let dl = y.l - x.l;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2 - h1).abs() <= 180.0 {
        h2 - h1
    } else if h2 - h1 > 180.0 {
        h2 - h1 - 360.0
    } else {
        h2 - h1 + 360.0
    };
    let d_big_h = 2.0 * (c1p * c2p).sqrt() * (rad(dh) / 2.0).sin();
    let l_bar = (x.l + y.l) / 2.0;
    let cp_bar = (c1p + c2p) / 2.0;
    let h_bar = if c1p * c2p == 0.0 {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * rad(h_bar - 30.0).cos()
        + 0.24 * rad(2.0 * h_bar).cos()
        + 0.32 * rad(3.0 * h_bar + 6.0).cos()
        - 0.20 * rad(4.0 * h_bar - 63.0).cos();
    let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (pow7(cp_bar) / (pow7(cp_bar) + pow7(25.0))).sqrt();
    let sl = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cp_bar;
    let sh = 1.0 + 0.015 * cp_bar * t;
    let rt = -(rad(2.0 * d_theta)).sin() * rc;
    let (ql, qc, qh) = (dl / sl, dc / sc, d_big_h / sh);
    (ql * ql + qc * qc + qh * qh + rt * qc * qh).sqrt()
}

/// WCAG 2 contrast ratio of two colours, 1 to 21.
pub(crate) fn contrast(x: Rgb, y: Rgb) -> f64 {
    // WCAG's relative luminance (its 0.03928 cut-off differs from sRGB's 0.04045 only
    // below any 8-bit value that matters).
    let lum = |c: Rgb| {
        let [r, g, b] = linear_rgb(c);
        0.2126 * r + 0.7152 * g + 0.0722 * b
    };
    let (a, b) = (lum(x), lum(y));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// `c` as written in a theme: `#rrggbb`.
pub(crate) fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab3(l: f64, a: f64, b: f64) -> Lab {
        Lab { l, a, b }
    }

    /// Sharma, Wu & Dalal 2005, table 1: all 34 pairs, to the four decimals published.
    #[test]
    fn ciede2000_matches_sharma_wu_dalal() {
        let pairs: [[f64; 7]; 34] = [
            [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
            [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
            [50.0, 2.8361, -74.0200, 50.0, 0.0, -82.7485, 3.4412],
            [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0000],
            [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0000],
            [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0000],
            [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
            [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
            [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
            [50.0, 2.49, -0.001, 50.0, -2.49, 0.0010, 7.1792],
            [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
            [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
            [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
            [50.0, -0.001, 2.49, 50.0, 0.0010, -2.49, 4.8045],
            [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
            [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
            [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
            [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
            [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.9030],
            [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
            [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0000],
            [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0000],
            [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0000],
            [50.0, 2.5, 0.0, 50.0, 3.2592, 0.3350, 1.0000],
            [
                60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644,
            ],
            [
                63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630,
            ],
            [61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731],
            [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
            [
                22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373,
            ],
            [36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
            [90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441],
            [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
            [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
            [2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082],
        ];
        for (k, p) in pairs.iter().enumerate() {
            let d = ciede2000(lab3(p[0], p[1], p[2]), lab3(p[3], p[4], p[5]));
            assert!((d - p[6]).abs() < 5e-5, "pair {}: {d:.4} ≠ {}", k + 1, p[6]);
            let back = ciede2000(lab3(p[3], p[4], p[5]), lab3(p[0], p[1], p[2]));
            assert!((d - back).abs() < 1e-9, "pair {} is not symmetric", k + 1);
        }
    }

    #[test]
    fn srgb_to_lab_matches_published_values() {
        // White, black and the sRGB primaries in CIELAB (D65), as Lindbloom's calculator and
        // CSS Color 4's sample code give them.
        let cases = [
            ((255, 255, 255), (100.0, 0.0, 0.0)),
            ((0, 0, 0), (0.0, 0.0, 0.0)),
            ((255, 0, 0), (53.2408, 80.0925, 67.2032)),
            ((0, 255, 0), (87.7347, -86.1827, 83.1793)),
            ((0, 0, 255), (32.2970, 79.1875, -107.8602)),
        ];
        for (rgb, (l, a, b)) in cases {
            let got = lab(rgb);
            assert!(
                (got.l - l).abs() < 0.01 && (got.a - a).abs() < 0.01 && (got.b - b).abs() < 0.01,
                "{rgb:?}: {got:?}"
            );
        }
    }

    #[test]
    fn simulation_follows_machado() {
        // Each matrix row sums to 1: neutral greys are seen unchanged.
        for d in Deficiency::ALL {
            let grey = (119, 119, 119);
            assert!(ciede2000(lab(grey), simulated_lab(grey, d)) < 0.01, "{d:?}");
        }
        // Pure red under protanopia: the first column of Machado's matrix, in linear RGB.
        let red = simulated_lab((255, 0, 0), Deficiency::Protanopia);
        let expected = lab_of_linear([0.152286, 0.114503, 0.0]);
        assert!(ciede2000(red, expected) < 1e-9);
        // The textbook confusion: a red and a green of like lightness, 60 apart for normal
        // vision, merge for deuteranopia, come close for protanopia and stay apart for
        // tritanopia.
        let (r, g) = ((0xcc, 0x44, 0x44), (0x44, 0x88, 0x44));
        let seen = |d| ciede2000(simulated_lab(r, d), simulated_lab(g, d));
        assert!(ciede2000(lab(r), lab(g)) > 60.0);
        assert!(seen(Deficiency::Deuteranopia) < 5.0);
        assert!(seen(Deficiency::Protanopia) < 15.0);
        assert!(seen(Deficiency::Tritanopia) > 50.0);
    }

    #[test]
    fn the_default_colours_pass() {
        let found: Vec<String> = problems(&ChartColours::default())
            .into_iter()
            .map(|(d, _)| d.message)
            .collect();
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn confusable_and_faint_colours_are_named() {
        let colours = ChartColours {
            palette: vec![(0xcc, 0x44, 0x44), (0x44, 0x88, 0x44), (0xdd, 0xdd, 0xdd)],
            target: (0x22, 0x22, 0x22),
            file: None,
            spans: vec![(1, 2), (3, 4), (5, 6)],
            target_span: None,
        };
        let found: Vec<(&str, String, Span)> = problems(&colours)
            .into_iter()
            .map(|(d, span)| (d.code, d.message, span))
            .collect();
        let w072: Vec<&String> = found
            .iter()
            .filter(|(c, _, _)| *c == "W072")
            .map(|(_, m, _)| m)
            .collect();
        assert!(w072.iter().any(|m| m.contains("palette colour 1 (#cc4444) and palette colour 2 (#448844) look alike with deuteranopia")), "{w072:?}");
        assert!(found.iter().all(|(c, m, span)| *c != "W072"
            || !m.starts_with("chart palette colour 1 (#cc4444) and palette colour 2")
            || *span == Some((3, 4))));
        assert!(found.iter().any(|(c, m, span)| *c == "W073"
            && m.contains("palette colour 3 (#dddddd) has 1.36:1")
            && *span == Some((5, 6))));
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 1e-9);
        // #767676 is the lightest grey with 4.5:1 on white (4.54:1).
        assert!((contrast((0x76, 0x76, 0x76), (255, 255, 255)) - 4.54).abs() < 0.01);
        assert_eq!(hex((0x1f, 0x4e, 0x8c)), "#1f4e8c");
    }
}
