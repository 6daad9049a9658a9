//! What a chart shows, said in one Chinese sentence made from the data: the years, the values,
//! the latest change, the highest and lowest points, the target, and which figures are
//! withheld. It is the SVG's `<desc>` and, visibly, the chart's caption, so a reader who
//! cannot see the chart, or does not read charts, gets the same takeaway.

use crate::model::config::NumberStyle;
use crate::model::format;
use crate::model::{Better, Figure, Indicator};

/// A published figure of `ind` with its unit: `3.6％`, `1100人`.
fn with_unit(v: f64, ind: &Indicator, style: &NumberStyle) -> String {
    format!(
        "{}{}",
        format::number(v, ind.decimals, style),
        format::unit(ind, style)
    )
}

/// A figure with its unit, or "*".
fn figure(f: Figure, ind: &Indicator, style: &NumberStyle) -> String {
    match f {
        Figure::Number(v) => with_unit(v, ind, style),
        Figure::Withheld => format::WITHHELD.into(),
    }
}

/// "2021年、2022年".
fn joined(labels: &[&str]) -> String {
    labels.join("、")
}

/// "最高为2021年、2022年的3.6％，最低为2023年的3.3％", for three or more published points
/// that are not all equal.
fn highest_and_lowest(
    points: &[(&str, f64)],
    ind: &Indicator,
    style: &NumberStyle,
) -> Option<String> {
    if points.len() < 3 {
        return None;
    }
    let max = points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    let min = points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    if max == min {
        return None;
    }
    let at = |x: f64| -> String {
        let labels: Vec<&str> = points.iter().filter(|p| p.1 == x).map(|p| p.0).collect();
        format!("{}的{}", joined(&labels), with_unit(x, ind, style))
    };
    Some(format!("最高为{}，最低为{}", at(max), at(min)))
}

/// Whether the latest figure met its target, or kept under its ceiling: "低于4.0％的控制目标",
/// "完成8000人的目标", or with the target withheld "目标完成率为101.05％".
fn target_clause(ind: &Indicator, style: &NumberStyle) -> Option<String> {
    let target = ind.target?;
    match (ind.value, target, ind.better) {
        (Figure::Number(v), Figure::Number(t), Better::Higher) => {
            let text = with_unit(t, ind, style);
            Some(if v >= t {
                format!("完成{text}的目标")
            } else {
                format!("未完成{text}的目标")
            })
        }
        (Figure::Number(v), Figure::Number(t), Better::Lower) => {
            let text = with_unit(t, ind, style);
            Some(if v < t {
                format!("低于{text}的控制目标")
            } else if v == t {
                format!("未超过{text}的控制目标")
            } else {
                format!("高于{text}的控制目标")
            })
        }
        // A withheld value or target: only the stated completion can say how it went.
        (_, _, Better::Higher) => ind
            .completion
            .map(|c| format!("目标完成率为{}", format::percent(c, style))),
        (_, _, Better::Lower) => ind.target_met().map(|met| {
            if met {
                "控制在目标以内".to_string()
            } else {
                "超过控制目标".to_string()
            }
        }),
    }
}

/// The previous point's name as the latest one's comparison: "上年" for the year before.
fn previous_name(previous: i32, latest: i32) -> String {
    if previous + 1 == latest {
        "上年".into()
    } else {
        format!("{previous}年")
    }
}

/// "较上年下降0.3个百分点" / "与上年持平", from `format::change_between`.
fn change_words(
    v: f64,
    p: f64,
    since: &str,
    ind: &Indicator,
    style: &NumberStyle,
) -> Option<String> {
    let change = format::change_between(v, p, ind, style)?;
    Some(if change == "持平" {
        format!("与{since}持平")
    } else {
        format!("较{since}{change}")
    })
}

/// Sentences end with "。"; clauses within one are joined with "，".
fn sentence(clauses: Vec<String>) -> String {
    let mut s = clauses.join("，");
    s.push('。');
    s
}

/// The history chart of `name`: one point per edition, oldest first, each the indicator as
/// that edition has it; `parts` are the latest edition's parts (name and indicator), listed
/// when all are published.
pub(crate) fn history(
    name: &str,
    points: &[(i32, &Indicator)],
    parts: &[&Indicator],
    style: &NumberStyle,
) -> String {
    let Some(&(last_year, last)) = points.last() else {
        return String::new();
    };
    let first_year = points[0].0;
    let range = if points.len() == 1 {
        format!("{last_year}年")
    } else {
        format!("{first_year}—{last_year}年")
    };
    let withheld: Vec<String> = points
        .iter()
        .filter(|(_, i)| i.value == Figure::Withheld)
        .map(|(y, _)| format!("{y}年"))
        .collect();
    if withheld.len() == points.len() {
        let all = if points.len() == 1 { "" } else { "均" };
        return format!("{range}{name}数据{all}依法不予公开。");
    }

    let mut clauses = Vec::new();
    clauses.push(if points.len() == 1 {
        format!("{range}{name}为{}", figure(last.value, last, style))
    } else {
        let values: Vec<String> = points
            .iter()
            .map(|(_, i)| figure(i.value, i, style))
            .collect();
        format!("{range}{name}分别为{}", values.join("、"))
    });
    // The latest point against the one before it, unless the definition changed between them.
    let mut year_said = points.len() == 1;
    if let [.., (prev_year, prev), _] = points {
        if last.definition_break.is_some() {
            clauses.push(format!("{last_year}年起口径调整，与以前年度不可比"));
            year_said = true;
        } else if let (Figure::Number(v), Figure::Number(p)) = (last.value, prev.value) {
            let since = previous_name(*prev_year, last_year);
            if let Some(words) = change_words(v, p, &since, last, style) {
                clauses.push(format!("{last_year}年{words}"));
                year_said = true;
            }
        }
    }
    if let Some(t) = target_clause(last, style) {
        clauses.push(if year_said {
            t
        } else {
            format!("{last_year}年{t}")
        });
    }
    let part_values: Option<Vec<String>> = parts
        .iter()
        .map(|p| {
            p.value
                .number()
                .map(|v| format!("{}{}", p.name, with_unit(v, p, style)))
        })
        .collect();
    if let Some(listed) = part_values.filter(|l| !l.is_empty() && last.value != Figure::Withheld) {
        clauses.push(format!("其中{}", listed.join("、")));
    }
    let labels: Vec<String> = points.iter().map(|(y, _)| format!("{y}年")).collect();
    let published: Vec<(&str, f64)> = points
        .iter()
        .zip(&labels)
        .filter_map(|((_, i), l)| i.value.number().map(|v| (l.as_str(), v)))
        .collect();
    let mut text = sentence(clauses);
    if let Some(hl) = highest_and_lowest(&published, last, style) {
        text.pop();
        text.push('；');
        text.push_str(&hl);
        text.push('。');
    }
    let withheld_refs: Vec<&str> = withheld.iter().map(String::as_str).collect();
    if !withheld.is_empty() {
        text.push_str(&format!("{}数据依法不予公开。", joined(&withheld_refs)));
    }
    let targets_withheld: Vec<String> = points
        .iter()
        .filter(|(_, i)| i.target == Some(Figure::Withheld))
        .map(|(y, _)| format!("{y}年"))
        .collect();
    if !targets_withheld.is_empty() {
        let refs: Vec<&str> = targets_withheld.iter().map(String::as_str).collect();
        text.push_str(&format!("{}目标依法不予公开。", joined(&refs)));
    }
    text
}

/// The within-year chart of `ind` in `year`: its `series`, each period labelled ("3月").
pub(crate) fn series(year: i32, ind: &Indicator, labels: &[String], style: &NumberStyle) -> String {
    let name = &ind.name;
    let cumulative = if ind.cumulative { "累计" } else { "" };
    let periods = format!(
        "{year}年{}",
        joined(&labels.iter().map(String::as_str).collect::<Vec<_>>())
    );
    let withheld: Vec<&str> = ind
        .series
        .iter()
        .zip(labels)
        .filter(|((_, f), _)| *f == Figure::Withheld)
        .map(|(_, l)| l.as_str())
        .collect();
    if withheld.len() == labels.len() {
        return format!("{periods}{name}{cumulative}数据均依法不予公开。");
    }
    let values: Vec<String> = ind
        .series
        .iter()
        .map(|(_, f)| figure(*f, ind, style))
        .collect();
    let mut clauses = vec![if values.len() == 1 {
        format!("{periods}{name}{cumulative}为{}", values[0])
    } else {
        format!("{periods}{name}{cumulative}分别为{}", values.join("、"))
    }];
    let n = ind.series.len();
    let last_label = labels.last().map_or("", String::as_str);
    if n >= 2 {
        if let (Figure::Number(v), Figure::Number(p)) = (ind.series[n - 1].1, ind.series[n - 2].1) {
            let since = &labels[n - 2];
            if let Some(words) = change_words(v, p, since, ind, style) {
                clauses.push(format!("{last_label}{words}"));
            }
        }
    }
    // A cumulative series ends at the year's value, which the target is set for.
    let last_is_value = ind.cumulative && ind.series.last().map(|s| s.1) == Some(ind.value);
    if last_is_value {
        if let Some(t) = target_clause(ind, style) {
            clauses.push(format!("全年{t}"));
        }
    }
    let published: Vec<(&str, f64)> = ind
        .series
        .iter()
        .zip(labels)
        .filter_map(|((_, f), l)| f.number().map(|v| (l.as_str(), v)))
        .collect();
    let mut text = sentence(clauses);
    // A running total rises to its last point: its highest and lowest say nothing new.
    if !ind.cumulative {
        if let Some(hl) = highest_and_lowest(&published, ind, style) {
            text.pop();
            text.push('；');
            text.push_str(&hl);
            text.push('。');
        }
    }
    if !withheld.is_empty() {
        text.push_str(&format!("{}数据依法不予公开。", joined(&withheld)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(name: &str, unit: &str, value: Option<f64>, target: Option<f64>) -> Indicator {
        Indicator {
            id: "x".into(),
            name: name.into(),
            unit: unit.into(),
            value: value.map_or(Figure::Withheld, Figure::Number),
            target: target.map(Figure::Number),
            completion: None,
            parts: Vec::new(),
            series: Vec::new(),
            cumulative: false,
            decimals: None,
            better: Better::Higher,
            headline: false,
            period: None,
            note: None,
            description: None,
            source: None,
            definition_break: None,
            allow_over_100: false,
            withheld_value: None,
        }
    }

    fn rate(value: f64) -> Indicator {
        Indicator {
            decimals: Some(1),
            better: Better::Lower,
            ..ind("城镇登记失业率", "%", Some(value), Some(4.0))
        }
    }

    fn describe(points: &[(i32, &Indicator)]) -> String {
        history(
            &points.last().unwrap().1.name,
            points,
            &[],
            &NumberStyle::default(),
        )
    }

    #[test]
    fn a_rate_under_its_ceiling() {
        let (a, b, c) = (rate(3.6), rate(3.6), rate(3.3));
        assert_eq!(
            describe(&[(2021, &a), (2022, &b), (2023, &c)]),
            "2021—2023年城镇登记失业率分别为3.6％、3.6％、3.3％，2023年较上年降低0.3个百分点，\
             低于4.0％的控制目标；最高为2021年、2022年的3.6％，最低为2023年的3.3％。"
        );
    }

    #[test]
    fn a_rising_count_that_met_its_target() {
        let a = ind("职业技能培训", "人", Some(3210.0), Some(3000.0));
        let b = ind("职业技能培训", "人", Some(3562.0), Some(3500.0));
        assert_eq!(
            describe(&[(2022, &a), (2023, &b)]),
            "2022—2023年职业技能培训分别为3210人、3562人，2023年较上年增长11.0％，完成3500人的目标。"
        );
        // The same in a site that prints thousands separators and a half-width %.
        let style = NumberStyle {
            thousands_separator: true,
            percent_sign: "%".into(),
        };
        assert_eq!(
            history("职业技能培训", &[(2022, &a), (2023, &b)], &[], &style),
            "2022—2023年职业技能培训分别为3,210人、3,562人，2023年较上年增长11.0%，完成3,500人的目标。"
        );
    }

    #[test]
    fn one_withheld_year_in_the_middle() {
        let a = ind("兑现稳岗返还企业", "家", Some(280.0), None);
        let b = ind("兑现稳岗返还企业", "家", None, None);
        let c = ind("兑现稳岗返还企业", "家", Some(318.0), None);
        assert_eq!(
            describe(&[(2021, &a), (2022, &b), (2023, &c)]),
            "2021—2023年兑现稳岗返还企业分别为280家、*、318家。2022年数据依法不予公开。"
        );
    }

    #[test]
    fn every_figure_withheld() {
        let a = ind("聘用非事业编制医务人员", "人", None, None);
        assert_eq!(
            describe(&[(2021, &a), (2022, &a), (2023, &a)]),
            "2021—2023年聘用非事业编制医务人员数据均依法不予公开。"
        );
        assert_eq!(
            describe(&[(2023, &a)]),
            "2023年聘用非事业编制医务人员数据依法不予公开。"
        );
    }

    #[test]
    fn one_point() {
        let a = ind("发放失业保险金", "万元", Some(548.17), None);
        assert_eq!(
            describe(&[(2023, &a)]),
            "2023年发放失业保险金为548.17万元。"
        );
        let r = rate(3.3);
        assert_eq!(
            describe(&[(2023, &r)]),
            "2023年城镇登记失业率为3.3％，低于4.0％的控制目标。"
        );
    }

    #[test]
    fn stacked_parts_and_a_withheld_target_with_a_stated_completion() {
        let closed = ind("审理结案", "件", Some(161.0), None);
        let pending = ind("时限内未结案", "件", Some(14.0), None);
        let a = ind("劳动人事争议立案受理", "件", Some(150.0), None);
        let b = ind("劳动人事争议立案受理", "件", Some(175.0), None);
        assert_eq!(
            history("劳动人事争议立案受理", &[(2022, &a), (2023, &b)], &[&closed, &pending], &NumberStyle::default()),
            "2022—2023年劳动人事争议立案受理分别为150件、175件，2023年较上年增长16.7％，其中审理结案161件、时限内未结案14件。"
        );
        let total = Indicator {
            target: Some(Figure::Withheld),
            completion: Some(101.05),
            ..ind("城乡统筹就业", "人", None, None)
        };
        let before = ind("城乡统筹就业", "人", Some(7935.0), Some(7800.0));
        assert_eq!(
            describe(&[(2022, &before), (2023, &total)]),
            "2022—2023年城乡统筹就业分别为7935人、*，2023年目标完成率为101.05％。\
             2023年数据依法不予公开。2023年目标依法不予公开。"
        );
    }

    #[test]
    fn a_cumulative_series_within_the_year() {
        let training = Indicator {
            cumulative: true,
            series: [
                ("2023-03", 742.0),
                ("2023-06", 1683.0),
                ("2023-09", 2804.0),
                ("2023-11", 3562.0),
            ]
            .iter()
            .map(|(p, v)| (p.to_string(), Figure::Number(*v)))
            .collect(),
            ..ind("职业技能培训", "人", Some(3562.0), Some(3500.0))
        };
        let labels: Vec<String> = ["3月", "6月", "9月", "11月"].map(String::from).to_vec();
        assert_eq!(
            series(2023, &training, &labels, &NumberStyle::default()),
            "2023年3月、6月、9月、11月职业技能培训累计分别为742人、1683人、2804人、3562人，\
             11月较9月增长27.0％，全年完成3500人的目标。"
        );
        // A series that is not a running total has its highest and lowest points; a withheld
        // point is named.
        let monthly = Indicator {
            cumulative: false,
            decimals: Some(1),
            series: [
                ("2023-01", Some(3.4)),
                ("2023-02", None),
                ("2023-03", Some(3.1)),
                ("2023-04", Some(3.2)),
            ]
            .iter()
            .map(|(p, v)| (p.to_string(), v.map_or(Figure::Withheld, Figure::Number)))
            .collect(),
            ..rate(3.2)
        };
        let labels: Vec<String> = ["1月", "2月", "3月", "4月"].map(String::from).to_vec();
        assert_eq!(
            series(2023, &monthly, &labels, &NumberStyle::default()),
            "2023年1月、2月、3月、4月城镇登记失业率分别为3.4％、*、3.1％、3.2％，4月较3月提高0.1个百分点；\
             最高为1月的3.4％，最低为3月的3.1％。2月数据依法不予公开。"
        );
    }
}
