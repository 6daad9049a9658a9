//! The figure a narrative `chart()` call prints: the indicator's history chart with its
//! caption, linked to its data table.

use crate::html::escape::escape_html;
use crate::model::format;
use crate::model::{Indicator, Site};

/// The figure a narrative `chart()` call becomes: the history chart, linked to its data.
/// Paths are relative to the edition folder, where every narrative page lives.
pub(crate) fn chart_figure(site: &Site, ind: &Indicator) -> String {
    let unit = format::unit(ind, &site.config.numbers);
    let id = escape_html(&ind.id);
    format!(
        "<figure class=\"chart\"><img src=\"charts/{id}.svg\" width=\"640\" height=\"360\" alt=\"{alt}\"><figcaption>图：{name}（{unit}），历年数据 · <a href=\"indicators/{id}.html\">查看数据表</a></figcaption></figure>",
        alt = escape_html(&format!("{}历年数据柱状图，数值见数据表", ind.name)),
        name = escape_html(&ind.name),
        unit = escape_html(&unit),
    )
}
