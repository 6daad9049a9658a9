//! The annual disclosure report (政府信息公开工作年度报告) of a new edition: nianbao.yaml with
//! every cell of the 2021 format in the official layout, and nianbao.md with the six sections.
//!
//! Every figure is written `~`. The official reading of a blank cell is 0, so `check` does not
//! stop on it; what keeps a report of zeros off the site is `status: draft` in nianbao.md. The
//! figures a reporter must carry over (上年结转, 现行有效) are written beside their rows from
//! last year's report, which rules 7 and 8 compare against.

use super::{q, shift_years};
use crate::model::config::{Agency, SiteConfig};
use crate::model::nianbao::*;
use std::fmt::Write as _;

/// Column of the trailing label comment in table 三 and 四 (as in the format's sample file).
const COMMENT_AT: usize = 42;
/// Column of the figures of table 二 and of its label comments.
const PROACTIVE_AT: usize = 29;
/// Column of the figures of table 三 and 四's rows, and of a group's items.
const ROW_AT: usize = 16;
const ITEM_AT: usize = 18;

/// `key` at `indent`, its figures from column `value_at`, the label from column `comment_at`
/// (always at least two spaces after the figures).
fn line(
    out: &mut String,
    indent: usize,
    key: &str,
    value_at: usize,
    figures: &str,
    comment_at: usize,
    label: &str,
) {
    let mut l = format!("{:indent$}{key}:", "");
    pad(&mut l, value_at, 1);
    l.push_str(figures);
    if !label.is_empty() {
        pad(&mut l, comment_at, 2);
        let _ = write!(l, "# {label}");
    }
    out.push_str(l.trim_end());
    out.push('\n');
}

/// Spaces up to column `at`, and at least `min`. Keys and figures are ASCII, so bytes are
/// columns.
fn pad(l: &mut String, at: usize, min: usize) {
    let n = at.saturating_sub(l.len()).max(min);
    l.extend(std::iter::repeat_n(' ', n));
}

/// `n` blank cells: `[~, ~, ~]`.
fn blanks(n: usize) -> String {
    format!("[{}]", vec!["~"; n].join(", "))
}

/// A row's figures as written in nianbao.yaml: `[1, 0, 0, 0, 0, 0, 1]`.
fn figures(cells: &[Cell]) -> String {
    let shown: Vec<String> = cells.iter().map(|c| c.value.to_string()).collect();
    format!("[{}]", shown.join(", "))
}

fn labels(columns: &[Column]) -> String {
    let labels: Vec<&str> = columns.iter().map(|c| c.label).collect();
    format!("[{}]", labels.join(", "))
}

/// nianbao.yaml for `year`, with the row set and the figures to carry from `previous`, the
/// latest edition's report when it has one.
pub(super) fn yaml(year: i32, previous: Option<(i32, &Nianbao)>) -> String {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# {year}年政府信息公开工作年度报告 · 表格数据（国办公开办函〔2021〕30号格式）\n# 逐行照官方表格填写；空白格写 0 或 ~（按 0 计）。"
    );
    match previous {
        Some((latest, _)) => {
            let _ = writeln!(
                y,
                "# 本文件由 gongkai new 根据{latest}年度报告生成，每格都还是 ~：请逐格填入{year}年的数字（件数写整数，收费金额以万元计，可有小数）。\n# “上年……”注释是{latest}年报告的数字，供核对：上年结转须逐列等于上年的“结转下年度继续办理”，现行有效 = 上年现行有效 + 本年制发 − 本年废止。"
            );
        }
        None => {
            let _ = writeln!(
                y,
                "# 本文件由 gongkai new 生成（此前没有年度报告可供沿用），每格都还是 ~：请逐格填入{year}年的数字（件数写整数，收费金额以万元计，可有小数）。"
            );
        }
    }
    let _ = writeln!(
        y,
        "# ~ 按 0 计，check 不会因此报错：填完并核对前，nianbao.md 请保持 status: draft，以免发布一份全是 0 的报告。\nformat: {FORMAT_2021}"
    );
    let report = previous.map(|(_, n)| n);
    let groups = report.map_or_else(national_groups, |n| n.groups.clone());
    row_set(&mut y, &groups);

    y.push_str("\n# 二、主动公开政府信息情况\nproactive:\n");
    let _ = writeln!(
        y,
        "  # 第二十条第（一）项        {}",
        labels(&DOCUMENT_COLUMNS)
    );
    for (i, (key, label)) in DOCUMENT_ROWS.iter().enumerate() {
        let label = match report {
            Some(n) => format!("{label}；上年现行有效：{}", n.documents[i][2].value),
            None => label.to_string(),
        };
        line(
            &mut y,
            2,
            key,
            PROACTIVE_AT,
            &blanks(DOCUMENT_COLUMNS.len()),
            PROACTIVE_AT + 14,
            &label,
        );
    }
    let mut item = "";
    for (key, label, article, column) in PROACTIVE_SINGLE {
        if article != item {
            let _ = writeln!(y, "  # {article} {column}");
            item = article;
        }
        line(&mut y, 2, key, 0, "~", PROACTIVE_AT, label);
    }

    let _ = writeln!(
        y,
        "\n# 三、收到和处理政府信息公开申请情况\n# 每行 {} 个数：{}\nrequests:",
        REQUEST_COLUMNS.len(),
        labels(&REQUEST_COLUMNS)
    );
    let row = blanks(REQUEST_COLUMNS.len());
    for (key, label) in REQUEST_HEAD {
        if key == "carried_in" {
            if let Some(carried) = report.and_then(|n| n.request("carried_over")) {
                let _ = writeln!(
                    y,
                    "  # 上年结转下年度：{}（本行须逐列与之相同）",
                    figures(&carried.cells)
                );
            }
        }
        if key == "granted" {
            y.push_str("  # 三、本年度办理结果\n");
        }
        line(&mut y, 2, key, ROW_AT, &row, COMMENT_AT, label);
    }
    for group in &groups {
        line(&mut y, 2, group.key, 0, "", COMMENT_AT, group.label);
        // A long item key moves its whole group's figures, so they stay in one column.
        let longest = group.items.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let value_at = ITEM_AT.max(4 + longest + 2);
        for (n, (key, label)) in group.items.iter().enumerate() {
            let label = format!("{}.{label}", n + 1);
            line(&mut y, 4, key, value_at, &row, COMMENT_AT, &label);
        }
    }
    for (key, label) in REQUEST_TAIL {
        line(&mut y, 2, key, ROW_AT, &row, COMMENT_AT, label);
    }

    let _ = writeln!(
        y,
        "\n# 四、政府信息公开行政复议、行政诉讼情况\n# 每行 {} 个数：{}",
        CASE_COLUMNS.len(),
        labels(&CASE_COLUMNS)
    );
    let row = blanks(CASE_COLUMNS.len());
    let mut parent = "";
    for (_, path, label) in CASE_ROWS {
        let (key, indent, label) = match path {
            [key] => (*key, 0, label.to_string()),
            [group, key] => {
                if *group != parent {
                    let _ = writeln!(y, "{group}:");
                    parent = group;
                }
                (*key, 2, format!("行政诉讼 · {label}"))
            }
            _ => continue,
        };
        line(&mut y, indent, key, ROW_AT, &row, COMMENT_AT, &label);
    }
    y
}

/// `row_set:` for each group whose items differ from the national row set, so a province's
/// rows carry over from year to year.
fn row_set(y: &mut String, groups: &[Group]) {
    let national = national_groups();
    let differing: Vec<&Group> = groups
        .iter()
        .filter(|g| {
            national
                .iter()
                .find(|n| n.key == g.key)
                .is_none_or(|n| n.items != g.items)
        })
        .collect();
    if differing.is_empty() {
        return;
    }
    y.push_str("# 表三（三）至（六）中与全国格式不同的细项（沿用上年）：\nrow_set:\n");
    for g in differing {
        let _ = writeln!(y, "  {}:", g.key);
        for (key, label) in &g.items {
            let _ = writeln!(y, "    - [{}, {}]", q(key), q(label));
        }
    }
}

/// The sub-headings of 一、总体情况 in the 2021 format, each with what to write under it; a
/// government reports a sixth, [`GOVERNMENT_OVERVIEW`].
const OVERVIEW: [(&str, &str); 5] = [
    ("（一）主动公开", "本年主动公开的重点领域、发布数量和渠道"),
    (
        "（二）依申请公开",
        "申请的数量、主要内容和办理方式，较上年的变化",
    ),
    (
        "（三）政府信息管理",
        "保密审查、动态更新、文件清理等制度和做法",
    ),
    (
        "（四）政府信息公开平台建设",
        "门户网站、政务新媒体、公开专区等平台的建设和运行",
    ),
    ("（五）监督保障", "考核、培训、社会评议和责任追究"),
];
const GOVERNMENT_OVERVIEW: (&str, &str) = (
    "（六）工作考核、社会评议和责任追究结果",
    "对下级政府和部门的考核、社会评议和责任追究结果",
);

/// What to write under sections 二 to 六, in order; gongkai inserts the tables of 二, 三 and 四
/// at the end of their sections.
fn prompt(numeral: &str) -> &'static str {
    match numeral {
        "二" => {
            "（待撰写：规章、行政规范性文件的制发和清理情况等；本节末尾由 gongkai 插入表格，数字请用 value() 引用，勿手写。）"
        }
        "三" => {
            "（待撰写：办理结果和申请的主要类型；本节末尾由 gongkai 插入表格，数字请用 value() 引用，勿手写。）"
        }
        "四" => {
            "（待撰写：行政复议、行政诉讼的结果和纠错整改情况；本节末尾由 gongkai 插入表格。）"
        }
        "五" => "（待撰写：本年存在的主要问题和改进措施，请勿照抄上年。）",
        _ => "（待撰写：信息处理费收取情况、年度工作要点落实情况等。）",
    }
}

/// nianbao.md for `year`: front matter with what is known and placeholders for the rest,
/// status draft, and the six sections with a prompt under each.
pub(super) fn markdown(
    year: i32,
    config: &SiteConfig,
    previous: Option<(i32, &Nianbao)>,
) -> String {
    let org = &config.organization;
    let front = previous.map(|(latest, n)| (latest, &n.page.front));
    let (month, day) = config.agency.deadline();
    let agency = match config.agency {
        Agency::Department => "department",
        Agency::Government => "government",
    };
    let mut r = String::from("---\n");
    let _ = writeln!(
        r,
        "title: {}",
        q(&format!("{org}{year}年政府信息公开工作年度报告"))
    );
    match front {
        Some((latest, f)) => {
            let _ = writeln!(
                r,
                "index_no: {}  # 待核：由上年报告的索引号顺推",
                q(&shift_years(&f.index_no, latest, year))
            );
        }
        None => {
            let _ = writeln!(r, "index_no: \"待填\"  # 待填：本报告的索引号");
        }
    }
    let _ = writeln!(r, "publisher: {}", q(org));
    let _ = writeln!(
        r,
        "published: {}-{month:02}-{day:02}  # 待定：发布前改为实际发布日期（agency: {agency}，法定期限为{}年{month}月{day}日）",
        year + 1,
        year + 1
    );
    let category = front.map_or("综合政务\\政务公开", |(_, f)| f.category.as_str());
    let _ = writeln!(r, "category: {}", q(category));
    let _ = writeln!(r, "status: draft  # 表格和正文核对无误后改为 published");
    r.push_str("---\n\n");
    let _ = writeln!(
        r,
        "本报告由{org}依据《中华人民共和国政府信息公开条例》编制，数据统计期限自{year}年1月1日至{year}年12月31日。"
    );
    for (numeral, title) in SECTIONS {
        let _ = writeln!(r, "\n## {numeral}、{title}\n");
        match numeral {
            "一" => {
                let government =
                    (config.agency == Agency::Government).then_some(GOVERNMENT_OVERVIEW);
                for (i, (heading, what)) in OVERVIEW.iter().chain(&government).enumerate() {
                    if i > 0 {
                        r.push('\n');
                    }
                    let _ = writeln!(r, "### {heading}\n\n（待撰写：{what}。）");
                }
            }
            "三" => {
                let _ = writeln!(
                    r,
                    "{year}年，本机关新收政府信息公开申请{{{{ value(\"nb.requests.new.total\") }}}}件，上年结转{{{{ value(\"nb.requests.carried_in.total\") }}}}件。{}",
                    prompt(numeral)
                );
            }
            _ => {
                let _ = writeln!(r, "{}", prompt(numeral));
            }
        }
    }
    r
}
