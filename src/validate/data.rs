//! Rules over indicators.yaml: ids, `parts` sums, stated completion rates, rates and counts
//! in range, units and names stable across editions, year-over-year jumps, `series`, and
//! withheld values that published figures would give away.

use super::{is_valid_id, Locator};
use crate::content::{Edition, Figure, Indicator, Site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format;
use std::collections::HashMap;

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

pub(super) fn check_edition(site: &Site, edition: &Edition, diags: &mut Diagnostics) {
    let loc = Locator::new(&site.sources, edition.indicators_file);
    let previous = site.previous(edition.year);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut sections_seen: HashMap<&str, usize> = HashMap::new();
    for section in edition.sections.iter() {
        let snth = {
            let n = sections_seen.entry(&section.id).or_insert(0);
            *n += 1;
            *n - 1
        };
        if !is_valid_id(&section.id) {
            diags.push(
                loc.at(
                    Diagnostic::error(
                        "E003",
                        format!("section id `{}` is not allowed", section.id),
                    )
                    .help(
                        "ids use lowercase letters, digits, `.`, `_` and `-` only, e.g. employment",
                    ),
                    loc.id(&section.id, 0),
                ),
            );
        }
        if snth > 0 {
            diags.push(
                loc.at(
                    Diagnostic::error(
                        "E002",
                        format!("duplicate section id `{}` in {}", section.id, edition.year),
                    )
                    .help("every section of an edition needs its own id; rename one of them"),
                    loc.id(&section.id, snth),
                ),
            );
        }
        for ind in &section.indicators {
            let nth = {
                let n = seen.entry(&ind.id).or_insert(0);
                *n += 1;
                *n - 1
            };
            // A section and an indicator may share an id; only indicators count as duplicates.
            let nth_in_file = nth + usize::from(edition.sections.iter().any(|s| s.id == ind.id));
            let check = IndicatorCheck {
                site,
                edition,
                ind,
                nth: nth_in_file,
                loc: &loc,
            };
            if !is_valid_id(&ind.id) {
                diags.push(check.at_id(
                    Diagnostic::error("E003", format!("indicator id `{}` is not allowed", ind.id))
                        .help("ids use lowercase letters, digits, `.`, `_` and `-` only, e.g. employment.total; they become file names and URLs"),
                ));
            }
            if nth > 0 {
                diags.push(
                    check.at_id(
                        Diagnostic::error(
                            "E002",
                            format!("duplicate indicator id `{}` in {}", ind.id, edition.year),
                        )
                        .help("every indicator of an edition needs its own id; rename one of them"),
                    ),
                );
                continue;
            }
            check.parts(diags);
            check.completion(diags);
            check.ranges(diags);
            check.series(diags);
            check.derivable(diags);
            if let Some(prev) = previous.and_then(|p| p.indicator(&ind.id).map(|i| (p.year, i))) {
                check.against_previous(prev.0, prev.1, diags);
            }
        }
    }
}

struct IndicatorCheck<'a> {
    site: &'a Site,
    edition: &'a Edition,
    ind: &'a Indicator,
    nth: usize,
    loc: &'a Locator<'a>,
}

impl IndicatorCheck<'_> {
    fn at_id(&self, d: Diagnostic) -> Diagnostic {
        self.loc.at(d, self.loc.id(&self.ind.id, self.nth))
    }

    fn at_field(&self, d: Diagnostic, key: &str) -> Diagnostic {
        self.loc.at(d, self.loc.field(&self.ind.id, self.nth, key))
    }

    fn show(&self, f: Figure, i: &Indicator) -> String {
        format::figure(f, i, &self.site.config.numbers)
    }

    fn parts(&self, diags: &mut Diagnostics) {
        let ind = self.ind;
        if ind.parts.is_empty() {
            return;
        }
        let mut parts = Vec::new();
        for part in &ind.parts {
            match self.edition.indicator(part) {
                Some(p) => parts.push(p),
                None => diags.push(self.loc.at(
                    Diagnostic::error(
                        "E008",
                        format!("part `{part}` of `{}` is not an indicator of {}", ind.id, self.edition.year),
                    )
                    .help("list the ids of indicators of the same edition whose values add up to this one"),
                    self.loc.within(&ind.id, self.nth, "parts", part),
                )),
            }
        }
        if parts.len() != ind.parts.len() {
            return;
        }
        let Figure::Number(total) = ind.value else {
            return;
        };
        if let Some(w) = parts.iter().find(|p| p.value == Figure::Withheld) {
            diags.push(self.at_field(
                Diagnostic::warning(
                    "W001",
                    format!("the parts of `{}` cannot be checked: part `{}` is withheld", ind.id, w.id),
                )
                .help("check the sum by hand, or give the part's real figure as `withheld_value` (never published) so check can"),
                "parts",
            ));
            return;
        }
        let sum: f64 = parts.iter().filter_map(|p| p.value.number()).sum();
        let decimals = parts
            .iter()
            .chain(std::iter::once(&ind))
            .map(|p| p.decimals.unwrap_or(0))
            .max()
            .unwrap_or(0);
        let tolerance = 0.5 * 10f64.powi(-i32::from(decimals)) * parts.len() as f64 + 1e-9;
        if (sum - total).abs() > tolerance {
            let style = &self.site.config.numbers;
            diags.push(
                self.at_field(
                    Diagnostic::error(
                        "E013",
                        format!(
                            "the parts of `{}` add up to {}, not {}",
                            ind.id,
                            format::number(sum, Some(decimals), style),
                            format::number(total, ind.decimals, style)
                        ),
                    )
                    .help("correct the value or one of the parts; `parts` must add up to `value`"),
                    "value",
                ),
            );
        }
    }

    fn completion(&self, diags: &mut Diagnostics) {
        let ind = self.ind;
        let (Some(stated), Figure::Number(v), Some(Figure::Number(t))) =
            (ind.completion, ind.value, ind.target)
        else {
            return;
        };
        if t == 0.0 {
            return;
        }
        let computed = v / t * 100.0;
        // A stated rate is printed with two decimals; anything within rounding agrees.
        if (computed - stated).abs() > 0.0051 {
            let style = &self.site.config.numbers;
            diags.push(self.at_field(
                Diagnostic::error(
                    "E014",
                    format!(
                        "stated completion {} contradicts value/target = {}",
                        format::percent(stated, style),
                        format::percent(computed, style)
                    ),
                )
                .help("remove `completion:` (it is computed when value and target are published) or correct the figures"),
                "completion",
            ));
        }
    }

    fn ranges(&self, diags: &mut Diagnostics) {
        let ind = self.ind;
        let figures = [("value", Some(ind.value)), ("target", ind.target)];
        for (key, f) in figures {
            let Some(Figure::Number(v)) = f else { continue };
            if ind.is_percent() && !(0.0..=100.0).contains(&v) && !ind.allow_over_100 {
                diags.push(self.at_field(
                    Diagnostic::warning("W002", format!("{key} {v} is outside 0–100 for a % indicator"))
                        .help("check the figure; if a rate above 100% is right, add `allow_over_100: true`"),
                    key,
                ));
            }
            if v < 0.0 && COUNT_UNITS.contains(&ind.unit.trim()) {
                diags.push(
                    self.at_field(
                        Diagnostic::error(
                            "E015",
                            format!("{key} {v} is negative for a count ({})", ind.unit),
                        )
                        .help("a count cannot be negative; correct the figure"),
                        key,
                    ),
                );
            }
        }
    }

    fn series(&self, diags: &mut Diagnostics) {
        let ind = self.ind;
        let year = self.edition.year;
        let mut previous: Option<&str> = None;
        for (period, _) in &ind.series {
            // Finding a position rescans the file: only do it for a finding.
            let span = || self.loc.within(&ind.id, self.nth, "series", period);
            if !period_in_year(period, year) {
                diags.push(self.loc.at(
                    Diagnostic::error("E018", format!("series period `{period}` is not a month of {year}"))
                        .help(format!("write periods as YYYY-MM within the edition's year, e.g. \"{year}-06\"")),
                    span(),
                ));
            } else if previous.is_some_and(|p| p >= period.as_str()) {
                diags.push(
                    self.loc.at(
                        Diagnostic::error(
                            "E017",
                            format!("series period `{period}` is out of order"),
                        )
                        .help("list the periods in time order, earliest first"),
                        span(),
                    ),
                );
            }
            previous = Some(period);
        }
        if ind.cumulative {
            if let (Some((period, Figure::Number(last))), Figure::Number(v)) =
                (ind.series.last(), ind.value)
            {
                if (last - v).abs() > 1e-9 {
                    diags.push(self.loc.at(
                        Diagnostic::error(
                            "E019",
                            format!("cumulative series ends at {} ({period}) but the value is {}", self.show(Figure::Number(*last), ind), self.show(ind.value, ind)),
                        )
                        .help("with `cumulative: true` the last point is the year's value; correct one of them"),
                        self.loc.within(&ind.id, self.nth, "series", period),
                    ));
                }
            }
        }
    }

    /// A withheld figure that the published ones give away is not withheld at all.
    fn derivable(&self, diags: &mut Diagnostics) {
        let ind = self.ind;
        let e = self.edition;
        let mut leaks: Vec<String> = Vec::new();
        if ind.value == Figure::Withheld {
            let parts: Vec<&Indicator> = ind.parts.iter().filter_map(|p| e.indicator(p)).collect();
            if !parts.is_empty()
                && parts.len() == ind.parts.len()
                && parts.iter().all(|p| p.value != Figure::Withheld)
            {
                leaks.push(format!(
                    "its parts are all published ({})",
                    parts
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(" + ")
                ));
            }
            if let (Some(Figure::Number(_)), Some(_)) = (ind.target, ind.completion) {
                leaks.push("target × completion gives it".into());
            }
            if let Some((period, Figure::Number(_))) = ind.series.last() {
                if ind.cumulative {
                    leaks.push(format!("the cumulative series ends with it ({period})"));
                } else if let (Some(w), Some((_, Figure::Number(last)))) =
                    (ind.withheld_value, ind.series.last())
                {
                    if (w - last).abs() < 1e-9 {
                        leaks.push(format!("the series' last point ({period}) equals it"));
                    }
                }
            }
            // The total published with every other part published gives this part away.
            for total in e.wholes_of(&ind.id) {
                let others: Vec<&Indicator> = total
                    .parts
                    .iter()
                    .filter(|p| **p != ind.id)
                    .filter_map(|p| e.indicator(p))
                    .collect();
                if total.value != Figure::Withheld
                    && others.len() + 1 == total.parts.len()
                    && others.iter().all(|o| o.value != Figure::Withheld)
                {
                    leaks.push(format!("`{}` minus its other parts gives it", total.id));
                }
            }
        }
        if ind.target == Some(Figure::Withheld)
            && ind.completion.is_some()
            && ind.value != Figure::Withheld
        {
            diags.push(self.at_field(
                Diagnostic::error("E020", format!("the withheld target of `{}` can be derived: value ÷ completion gives it", ind.id))
                    .help("withhold the value too, or do not publish the completion rate"),
                "target",
            ));
        }
        if !leaks.is_empty() {
            diags.push(
                self.at_field(
                    Diagnostic::error(
                        "E020",
                        format!(
                            "the withheld value of `{}` can be derived: {}",
                            ind.id,
                            leaks.join("; ")
                        ),
                    )
                    .help("withhold the figures that give it away as well, or publish the value"),
                    "value",
                ),
            );
        }
    }

    fn against_previous(&self, year: i32, prev: &Indicator, diags: &mut Diagnostics) {
        let ind = self.ind;
        if prev.unit.trim() != ind.unit.trim() {
            diags.push(self.at_field(
                Diagnostic::error(
                    "E016",
                    format!("unit of `{}` changed from {} ({year}) to {}", ind.id, prev.unit, ind.unit),
                )
                .help("a silent unit change corrupts trend charts: keep the unit, or give the indicator a new id and a `break:` note"),
                "unit",
            ));
        }
        if prev.name.trim() != ind.name.trim() {
            diags.push(self.at_field(
                Diagnostic::warning(
                    "W003",
                    format!("`{}` was named “{}” in {year}, now “{}”", ind.id, prev.name, ind.name),
                )
                .help("if it is the same indicator, keep the name; if its definition changed, add `break:`"),
                "name",
            ));
        }
        if ind.definition_break.is_some() {
            return;
        }
        if let (Figure::Number(v), Figure::Number(p)) = (ind.value, prev.value) {
            let factor = self.site.config.checks.jump_factor;
            if p != 0.0 && v != 0.0 && (v / p > factor || v / p < 1.0 / factor) && (v / p) > 0.0 {
                diags.push(self.at_field(
                    Diagnostic::warning(
                        "W004",
                        format!(
                            "`{}` went from {} ({year}) to {}: please confirm",
                            ind.id,
                            self.show(prev.value, prev),
                            self.show(ind.value, ind)
                        ),
                    )
                    .help(format!("a change of more than ×{factor} is often a typo or a unit mix-up; set `checks: {{jump_factor: …}}` in site.yaml to tune")),
                    "value",
                ));
            }
        }
    }
}

/// `YYYY-MM` (or `YYYY-MM-DD`) inside `year`.
fn period_in_year(period: &str, year: i32) -> bool {
    let mut it = period.split('-');
    let (Some(y), Some(m)) = (it.next(), it.next()) else {
        return false;
    };
    let day_ok = it
        .next()
        .is_none_or(|d| d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)));
    y.parse::<i32>() == Ok(year)
        && m.len() == 2
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && day_ok
        && it.next().is_none()
}
