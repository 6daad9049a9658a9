//! The figure a narrative `chart()` call prints: the indicator's history chart with its
//! caption, linked to its data table.

use crate::html::escape::escape_html;
use crate::model::format;
use crate::model::{Indicator, Site};

/// What the history chart of an indicator shows; render knows the editions it covers.
pub struct ChartSummary {
    /// Whether there is a chart (see `HistoryChart::worth_drawing`).
    pub drawn: bool,
    /// The chart's description, shown under it, or alone when there is no chart.
    pub desc: String,
}

/// The figure a narrative `chart()` call becomes: the history chart, linked to its data, with
/// what it shows under it; or, when it is not worth drawing, that sentence as a notice.
/// Paths are relative to the edition folder, where every narrative page lives.
pub(crate) fn chart_figure(site: &Site, ind: &Indicator, chart: &ChartSummary) -> String {
    let unit = format::unit(ind, &site.config.numbers);
    let id = escape_html(&ind.id);
    let desc = escape_html(&chart.desc);
    if !chart.drawn {
        return format!(
            "<p class=\"chart-note\">{desc} <a href=\"indicators/{id}.html\">查看数据表</a></p>"
        );
    }
    format!(
        "<figure class=\"chart\"><img src=\"charts/{id}.svg\" width=\"640\" height=\"360\" alt=\"{alt}\"><figcaption>图：{name}（{unit}），历年数据 · <a href=\"indicators/{id}.html\">查看数据表</a> · <a href=\"charts/{id}.csv\">图中数据 CSV</a><span class=\"chart-desc\">{desc}</span></figcaption></figure>",
        alt = escape_html(&format!("{}历年数据柱状图", ind.name)),
        name = escape_html(&ind.name),
        unit = escape_html(&unit),
    )
}
