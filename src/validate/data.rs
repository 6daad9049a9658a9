//! Rules over indicators.yaml: ids, `parts` sums, stated completion rates, rates and counts
//! in range, units and names stable across editions, year-over-year jumps, `series`, and
//! withheld values that published figures would give away.

use super::{is_valid_id, Locator};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};
use std::collections::HashMap;

pub(super) fn check_edition(site: &Site, edition: &Edition, diags: &mut Diagnostics) {
    let Some(file) = edition.indicators_file else {
        return;
    };
    let loc = Locator::new(&site.sources, file);
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
    part_cycles(edition, &loc, diags);
}

/// `parts` that lead back to where they started (a → b → a): the figures cannot add up, and
/// the stacked charts would draw a total inside itself. One error per circle, at the entry
/// of its first indicator (in file order) that starts it; a self-reference is E051 in `parts`.
fn part_cycles(edition: &Edition, loc: &Locator, diags: &mut Diagnostics) {
    // The first indicator of each id, in edition order (later duplicates are E002).
    let mut order: Vec<&Indicator> = Vec::new();
    let mut node: HashMap<&str, usize> = HashMap::new();
    for ind in edition.indicators() {
        if !node.contains_key(ind.id.as_str()) {
            node.insert(&ind.id, order.len());
            order.push(ind);
        }
    }
    let edges: Vec<Vec<usize>> = order
        .iter()
        .enumerate()
        .map(|(v, ind)| {
            let mut out: Vec<usize> = ind
                .parts
                .iter()
                .filter_map(|p| node.get(p.as_str()).copied())
                .filter(|&w| w != v)
                .collect();
            out.dedup();
            out
        })
        .collect();
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue;
        }
        // The shortest circle through the component's first indicator, by breadth-first search.
        let start = component[0];
        let member: std::collections::HashSet<usize> = component.iter().copied().collect();
        let mut came_from: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(v) = queue.pop_front() {
            for &w in &edges[v] {
                if w == start {
                    last = Some(v);
                    break 'search;
                }
                if member.contains(&w) && !came_from.contains_key(&w) {
                    came_from.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let Some(mut v) = last else { continue };
        let mut path = vec![start];
        while v != start {
            path.push(v);
            v = came_from[&v];
        }
        path[1..].reverse();
        path.push(start);
        let names: Vec<&str> = path.iter().map(|&i| order[i].id.as_str()).collect();
        let first = order[start];
        let nth = usize::from(edition.sections.iter().any(|s| s.id == first.id));
        diags.push(loc.at(
            Diagnostic::error(
                "E051",
                format!("the parts of `{}` lead back to it: {}", first.id, names.join(" → ")),
            )
            .help("an indicator cannot be part of its own parts: remove the `parts` entry that closes the circle"),
            loc.entry(&first.id, nth, "parts", names[1], 0),
        ));
    }
}

/// The strongly connected components of a graph (Tarjan's algorithm, without recursion so a
/// long chain of parts cannot overflow the stack), each sorted, in order of their first node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index: Vec<Option<usize>> = vec![None; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root].is_some() {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = Vec::new();
        index[root] = Some(counter);
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, 0));
        while let Some(&mut (v, ref mut next)) = calls.last_mut() {
            if let Some(&w) = edges[v].get(*next) {
                *next += 1;
                match index[w] {
                    None => {
                        index[w] = Some(counter);
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    }
                    Some(iw) if on_stack[w] => low[v] = low[v].min(iw),
                    Some(_) => {}
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if Some(low[v]) == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components.sort_by_key(|c| c[0]);
    components
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
        // A part listed twice or the indicator itself among its parts: the sum means nothing,
        // and with a published total a part counted twice gives itself away (total ÷ 2).
        let mut structural = false;
        for (j, part) in ind.parts.iter().enumerate() {
            let earlier = ind.parts[..j].iter().filter(|p| *p == part).count();
            let span = || self.loc.entry(&ind.id, self.nth, "parts", part, earlier);
            if part == &ind.id && earlier == 0 {
                structural = true;
                diags.push(self.loc.at(
                    Diagnostic::error("E051", format!("`{}` lists itself among its parts", ind.id))
                        .help("remove this entry: parts are the smaller indicators whose values add up to this one"),
                    span(),
                ));
            } else if earlier > 0 {
                structural = true;
                diags.push(self.loc.at(
                    Diagnostic::error("E050", format!("`{part}` is listed twice in the parts of `{}`", ind.id))
                        .help("list each part once: a part counted twice is doubled in the sum and the chart, and a published total then gives a withheld part away"),
                    span(),
                ));
            }
        }
        if structural {
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
            if let Some(negative) = crate::model::negative_count(v, &ind.unit) {
                diags.push(
                    self.at_field(
                        Diagnostic::error("E015", format!("{key} {negative}"))
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
            // The total published with every other part published gives this part away, also
            // when the part is listed more than once (the total is then a multiple of it).
            for total in e.wholes_of(&ind.id) {
                let mut others = total.parts.iter().filter(|p| **p != ind.id).peekable();
                let alone = others.peek().is_none();
                if total.value != Figure::Withheld
                    && others.all(|p| e.indicator(p).is_some_and(|o| o.value != Figure::Withheld))
                {
                    leaks.push(if alone {
                        format!("`{}` gives it (it is the only part)", total.id)
                    } else {
                        format!("`{}` minus its other parts gives it", total.id)
                    });
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
