//! What an indicator's history chart is made of: the editions up to one year that have it, and
//! the chart's points and description. Its own module, below the page renderers, because the
//! narrative's chart() figure needs it as much as the indicator page does.

use super::Ctx;
use crate::chart::{HistoryChart, HistoryPoint};
use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};

/// Every published edition up to `year` that has indicator `id`, oldest first.
pub(crate) fn history<'a>(ctx: &Ctx<'a>, year: i32, id: &str) -> Vec<(&'a Edition, &'a Indicator)> {
    ctx.editions
        .iter()
        .filter(|e| e.year <= year)
        .filter_map(|e| e.indicator(id).map(|i| (*e, i)))
        .collect()
}

pub(super) fn unit_text(site: &Site, ind: &Indicator) -> String {
    format::unit(ind, &site.config.numbers)
}

pub(crate) fn history_chart(ctx: &Ctx, edition: &Edition, ind: &Indicator) -> HistoryChart {
    let site = ctx.site;
    let style = &site.config.numbers;
    let hist = history(ctx, edition.year, &ind.id);
    let part_names: Vec<String> = ind
        .parts
        .iter()
        .map(|p| edition.indicator(p).map_or(p.clone(), |i| i.name.clone()))
        .collect();
    let points: Vec<HistoryPoint> = hist
        .iter()
        .map(|(e, i)| HistoryPoint {
            label: e.year.to_string(),
            value: i.value.number(),
            value_label: format::figure(i.value, i, style),
            target: i.target.and_then(Figure::number),
            parts: ind
                .parts
                .iter()
                .map(|p| e.indicator(p).and_then(|pi| pi.value.number()))
                .collect(),
            break_before: i.definition_break.is_some(),
        })
        .collect();
    let unit = unit_text(site, ind);
    // The latest edition's parts, listed in the description when all are there.
    let parts: Vec<&Indicator> = ind
        .parts
        .iter()
        .map(|p| edition.indicator(p))
        .collect::<Option<_>>()
        .unwrap_or_default();
    let years: Vec<(i32, &Indicator)> = hist.iter().map(|(e, i)| (e.year, *i)).collect();
    let desc = super::describe::history(&ind.name, &years, &parts, style);
    HistoryChart {
        title: format!(
            "{}（{unit}），{}—{}年",
            ind.name,
            hist.first().map_or(edition.year, |h| h.0.year),
            edition.year
        ),
        desc,
        percent: ind.is_percent(),
        part_names,
        points,
    }
}
