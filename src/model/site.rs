//! The site model: editions, sections, indicators and pages, as loaded from the project.
//! Templates never see these types; `render` builds view structs from them.

use crate::model::config::{PageFront, ReportFront, SiteConfig};
use crate::source::{FileId, Sources};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// A loaded project: settings, every edition in year order, and the texts they came from.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub config_file: FileId,
    pub editions: Vec<Edition>,
    pub sources: Sources,
    /// `content/wordlist.yaml`, if the project has one.
    pub wordlist_file: Option<FileId>,
    /// The default theme with the project's overrides laid over it.
    pub theme: crate::model::theme::Theme,
    /// Files beside the sources that are not published (backups, sources in subfolders,
    /// kinds outside the attachment allow-list), as shown to the user: `check` names them.
    pub skipped: Vec<PathBuf>,
}

impl Site {
    /// The edition published before `year`, if any: the one `change()` compares against.
    pub fn previous(&self, year: i32) -> Option<&Edition> {
        self.editions.iter().rev().find(|e| e.year < year)
    }
}

/// One year's documents: `content/<year>/`. An edition has a work report (report.md with
/// indicators.yaml), an annual disclosure report (nianbao.md with nianbao.yaml), or both:
/// most departments publish only the annual report.
#[derive(Debug)]
pub struct Edition {
    pub year: i32,
    /// The work report, when the edition has one.
    pub report: Option<Page<ReportFront>>,
    pub pages: Vec<Page<PageFront>>,
    /// Shared with the preview's parse cache: a rebuild does not copy ten thousand indicators.
    pub sections: std::sync::Arc<Vec<Section>>,
    /// indicators.yaml, which comes with the work report.
    pub indicators_file: Option<FileId>,
    /// Further files of the edition folder (images, attachments), copied verbatim:
    /// (path relative to the edition folder, absolute path).
    pub assets: Vec<(String, PathBuf)>,
    /// The 政府信息公开工作年度报告 for this year, when the edition has one.
    pub nianbao: Option<crate::model::nianbao::Nianbao>,
    index: HashMap<String, (usize, usize)>,
    /// For each id, the indicators listing it among their parts: looked up for every page,
    /// so computed once rather than by scanning the edition per indicator.
    wholes: HashMap<String, Vec<(usize, usize)>>,
}

impl Edition {
    pub fn new(
        year: i32,
        report: Option<Page<ReportFront>>,
        pages: Vec<Page<PageFront>>,
        sections: std::sync::Arc<Vec<Section>>,
        indicators_file: Option<FileId>,
        assets: Vec<(String, PathBuf)>,
        nianbao: Option<crate::model::nianbao::Nianbao>,
    ) -> Edition {
        let mut index = HashMap::new();
        for (s, section) in sections.iter().enumerate() {
            for (i, ind) in section.indicators.iter().enumerate() {
                // The first of duplicate ids wins; validation reports the others.
                index.entry(ind.id.clone()).or_insert((s, i));
            }
        }
        let mut wholes: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (s, section) in sections.iter().enumerate() {
            for (i, ind) in section.indicators.iter().enumerate() {
                for part in &ind.parts {
                    let list = wholes.entry(part.clone()).or_default();
                    if list.last() != Some(&(s, i)) {
                        list.push((s, i));
                    }
                }
            }
        }
        Edition {
            year,
            report,
            pages,
            sections,
            indicators_file,
            assets,
            nianbao,
            index,
            wholes,
        }
    }

    /// The indicators that list `id` among their parts, in the order of the edition.
    pub fn wholes_of(&self, id: &str) -> impl Iterator<Item = &Indicator> {
        self.wholes
            .get(id)
            .into_iter()
            .flatten()
            .map(|&(s, i)| &self.sections[s].indicators[i])
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.index
            .get(id)
            .map(|&(s, i)| &self.sections[s].indicators[i])
    }

    /// The indicator with its section.
    pub fn locate(&self, id: &str) -> Option<(&Section, &Indicator)> {
        self.index.get(id).map(|&(s, i)| {
            let section = &self.sections[s];
            (section, &section.indicators[i])
        })
    }

    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.sections.iter().flat_map(|s| s.indicators.iter())
    }

    /// The front matter that stands for the edition (title, dates, publisher): the work
    /// report's, or the annual report's in an edition without a work report.
    pub fn front(&self) -> &ReportFront {
        match (&self.report, &self.nianbao) {
            (Some(r), _) => &r.front,
            (None, Some(n)) => &n.page.front,
            // The loader makes no edition without either.
            (None, None) => unreachable!("an edition has a work report or an annual report"),
        }
    }

    /// The file of that front matter.
    pub fn front_file(&self) -> FileId {
        match (&self.report, &self.nianbao) {
            (Some(r), _) => r.file,
            (None, Some(n)) => n.page.file,
            (None, None) => unreachable!("an edition has a work report or an annual report"),
        }
    }

    /// The edition's first page, relative to the site root: the work report, or the annual
    /// report when there is no work report.
    pub fn url(&self) -> String {
        match self.report {
            Some(_) => format!("{}/index.html", self.year),
            None => format!("{}/{}", self.year, crate::model::nianbao::PAGE),
        }
    }

    /// Every Markdown page of the edition, report first, as (body, body offset in its file,
    /// file): what the template environment compiles and the narrative rules read.
    pub fn narratives(&self) -> impl Iterator<Item = (&str, usize, FileId)> {
        self.report
            .iter()
            .map(|r| (r.body.as_str(), r.body_start, r.file))
            .chain(
                self.pages
                    .iter()
                    .map(|p| (p.body.as_str(), p.body_start, p.file)),
            )
            .chain(
                self.nianbao
                    .iter()
                    .map(|n| (n.page.body.as_str(), n.page.body_start, n.page.file)),
            )
    }

    pub fn is_draft(&self) -> bool {
        self.front().status == crate::model::config::Status::Draft
    }
}

/// A Markdown page with its front matter; the body is kept with its byte offset in the file
/// so diagnostics inside it point at the right line and column.
#[derive(Debug)]
pub struct Page<F> {
    /// Output name without extension: "index" for report.md, else the file stem.
    pub slug: String,
    pub front: F,
    pub body: String,
    pub body_start: usize,
    pub file: FileId,
}

/// `indicators.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsFile {
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

/// One figure of the report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub value: Figure,
    #[serde(default)]
    pub target: Option<Figure>,
    /// A published completion rate (%), for when value or target is withheld.
    #[serde(default, deserialize_with = "optional_rate")]
    pub completion: Option<f64>,
    #[serde(default)]
    pub parts: Vec<String>,
    #[serde(default, deserialize_with = "ordered_series")]
    pub series: Vec<(String, Figure)>,
    #[serde(default)]
    pub cumulative: bool,
    #[serde(default, deserialize_with = "optional_decimals")]
    pub decimals: Option<u8>,
    #[serde(default)]
    pub better: Better,
    #[serde(default)]
    pub headline: bool,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default, rename = "break")]
    pub definition_break: Option<String>,
    #[serde(default)]
    pub allow_over_100: bool,
    /// The real figure behind a withheld value, for internal review only: never written out.
    #[serde(default, deserialize_with = "optional_amount")]
    pub withheld_value: Option<f64>,
}

impl Indicator {
    pub fn is_percent(&self) -> bool {
        matches!(self.unit.trim(), "%" | "％")
    }

    /// The completion rate in %: value/target when both are published, else the stated one.
    /// A ceiling (`better: lower`, e.g. 失业率控制在4%以内) has no computed rate: 82.5％ of a
    /// ceiling reads as a failure when it is a success.
    pub fn completion_rate(&self) -> Option<f64> {
        match (self.value, self.target) {
            (Figure::Number(v), Some(Figure::Number(t)))
                if t != 0.0 && self.better == Better::Higher =>
            {
                Some(v / t * 100.0)
            }
            _ => self.completion,
        }
    }

    /// Whether the target is met, judged against `better`; None when there is no target or
    /// the answer cannot be known from published figures.
    pub fn target_met(&self) -> Option<bool> {
        match (self.value, self.target?) {
            (Figure::Number(v), Figure::Number(t)) => Some(match self.better {
                Better::Higher => v >= t,
                Better::Lower => v <= t,
            }),
            _ => {
                let c = self.completion?;
                Some(match self.better {
                    Better::Higher => c >= 100.0,
                    Better::Lower => c <= 100.0,
                })
            }
        }
    }
}

/// What a `~` (待填报) figure is reported as.
pub const PENDING_MESSAGE: &str = "待填报: the figure is not filled in yet";

/// A published number, or "*": withheld under the disclosure rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Number(f64),
    Withheld,
}

impl Figure {
    pub fn number(self) -> Option<f64> {
        match self {
            Figure::Number(n) => Some(n),
            Figure::Withheld => None,
        }
    }
}

impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Figure, D::Error> {
        struct FigureVisitor;
        impl Visitor<'_> for FigureVisitor {
            type Value = Figure;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or \"*\" for a withheld figure")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Figure, E> {
                amount(v).map(Figure::Number).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Figure, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Figure, E> {
                self.visit_f64(v as f64)
            }
            // `value: ~` is the 待填报 placeholder `gongkai new` writes; the loader reports
            // every one of them with its position (see `load::pending_figures`).
            fn visit_unit<E: de::Error>(self) -> Result<Figure, E> {
                Err(E::custom(PENDING_MESSAGE))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Figure, E> {
                if v.trim() == "*" {
                    Ok(Figure::Withheld)
                } else {
                    Err(E::custom(format!(
                        "`{v}` is not a figure: write a number without quotes or units, or \"*\" for a withheld figure"
                    )))
                }
            }
        }
        d.deserialize_any(FigureVisitor)
    }
}

/// The largest magnitude a figure may have: more than any count or sum of money a report
/// states (10^15 元 is a thousand times China's GDP), and small enough that sums, changes and
/// rates computed from figures stay finite and exact to the digits printed.
pub const MAX_AMOUNT: f64 = 1e15;

/// The smallest non-zero magnitude: below it a figure is a typing accident (`1e-300`), and
/// dividing by it would overflow a completion rate or a change.
pub const MIN_AMOUNT: f64 = 1e-6;

/// A number as written in indicators.yaml, or why it cannot be a figure: `.nan`, `.inf` and
/// magnitudes outside [`MIN_AMOUNT`, `MAX_AMOUNT`] would print as `NaN％`, `inf％` or an empty chart.
pub(crate) fn amount(v: f64) -> Result<f64, String> {
    if !v.is_finite() {
        return Err(format!(
            "`{v}` is not a figure: write a finite number, or \"*\" for a withheld figure"
        ));
    }
    if v.abs() > MAX_AMOUNT || (v != 0.0 && v.abs() < MIN_AMOUNT) {
        return Err(format!(
            "`{v:e}` is out of range: a figure is 0 or between 0.000001 and 10^15 in size; check the digits and the unit (万元, 亿元)"
        ));
    }
    Ok(v)
}

/// An optional plain number held to the same rules as a figure (`withheld_value`).
fn optional_amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_any(NumberVisitor(amount))
}

/// A stated completion rate: a figure that cannot be negative.
fn optional_rate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_any(NumberVisitor(rate))
}

/// A completion rate as written in indicators.yaml, or why the loader refuses it; `import`
/// holds a workbook's 完成率 to this same rule.
pub(crate) fn rate(v: f64) -> Result<f64, String> {
    if v < 0.0 {
        Err(format!(
            "`{v}` is out of range: a completion rate is not negative"
        ))
    } else {
        amount(v)
    }
}

/// Units whose figures are counts and can never be negative.
const COUNT_UNITS: [&str; 14] = [
    "人",
    "万人",
    "人次",
    "万人次",
    "家",
    "户",
    "户次",
    "件",
    "个",
    "项",
    "次",
    "名",
    "所",
    "场",
];

/// Why `v` cannot be a figure in `unit`: a count is never negative. `check` reports it as
/// E015, and `import` refuses such a cell before anything is written.
pub(crate) fn negative_count(v: f64, unit: &str) -> Option<String> {
    (v < 0.0 && COUNT_UNITS.contains(&unit.trim()))
        .then(|| format!("{v} is negative for a count ({unit})"))
}

/// An optional number checked by its rule inside the visitor, so the parser still points at
/// the number when the rule refuses it.
struct NumberVisitor(fn(f64) -> Result<f64, String>);

impl Visitor<'_> for NumberVisitor {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        (self.0)(v).map(Some).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visit_f64(v as f64)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The most decimals a figure is printed with: beyond this the digits are noise of the
/// binary fraction, not data.
pub const MAX_DECIMALS: u8 = 6;

fn optional_decimals<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    struct DecimalsVisitor;
    impl Visitor<'_> for DecimalsVisitor {
        type Value = Option<u8>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a whole number from 0 to {MAX_DECIMALS}")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            match u8::try_from(n) {
                Ok(n) if n <= MAX_DECIMALS => Ok(Some(n)),
                _ => Err(E::custom(format!(
                    "`{n}` is out of range: decimals is 0 to {MAX_DECIMALS}"
                ))),
            }
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
            match u64::try_from(n) {
                Ok(n) => self.visit_u64(n),
                Err(_) => Err(E::custom(format!(
                    "`{n}` is out of range: decimals is 0 to {MAX_DECIMALS}"
                ))),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(DecimalsVisitor)
}

/// `series` keeps the order it was written in, so a check can tell the user it is unsorted.
fn ordered_series<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Figure)>, D::Error> {
    struct SeriesVisitor;
    impl<'de> Visitor<'de> for SeriesVisitor {
        type Value = Vec<(String, Figure)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mapping of periods (\"2023-03\") to figures")
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Figure>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_map(SeriesVisitor)
}
