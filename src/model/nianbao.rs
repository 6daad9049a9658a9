//! The annual disclosure report (政府信息公开工作年度报告): the official tables of the 2021
//! uniform format (国办公开办函〔2021〕30号) as data, and one report's cells, each with the place
//! in nianbao.yaml it was written so every rule can point at it.

use crate::model::config::ReportFront;
use crate::model::Page;
use crate::source::FileId;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The format version every report must state; the 2019 trial format had other columns.
pub const FORMAT_2021: u32 = 2021;

/// The report's page in its edition folder.
pub const PAGE: &str = "nianbao.html";

/// Prefix of every cell id, so a cell never shadows an indicator id.
pub const ID_PREFIX: &str = "nb.";

/// A column of table 三 or 四: its key in cell ids and its official label.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
}

const fn col(key: &'static str, label: &'static str) -> Column {
    Column { key, label }
}

/// Table 三's columns, 申请人情况, in the official order; the last is 总计.
pub const REQUEST_COLUMNS: [Column; 7] = [
    col("person", "自然人"),
    col("business", "商业企业"),
    col("research", "科研机构"),
    col("charity", "社会公益组织"),
    col("legal", "法律服务机构"),
    col("other", "其他"),
    col("total", "总计"),
];

/// Table 四's columns, the same five for 行政复议 and both kinds of 行政诉讼.
pub const CASE_COLUMNS: [Column; 5] = [
    col("upheld", "结果维持"),
    col("corrected", "结果纠正"),
    col("other", "其他结果"),
    col("pending", "尚未审结"),
    col("total", "总计"),
];

/// Table 二 (第二十条第（一）项)'s columns.
pub const DOCUMENT_COLUMNS: [Column; 3] = [
    col("issued", "本年制发件数"),
    col("repealed", "本年废止件数"),
    col("in_force", "现行有效件数"),
];

/// The rows of table 二 with one figure, with the article item that lists them and the
/// column's label: (key, label, 第二十条 item, column label).
pub const PROACTIVE_SINGLE: [(&str, &str, &str, &str); 4] = [
    (
        "licensing",
        "行政许可",
        "第二十条第（五）项",
        "本年处理决定数量",
    ),
    (
        "penalty",
        "行政处罚",
        "第二十条第（六）项",
        "本年处理决定数量",
    ),
    (
        "coercion",
        "行政强制",
        "第二十条第（六）项",
        "本年处理决定数量",
    ),
    (
        "fees",
        "行政事业性收费",
        "第二十条第（八）项",
        "本年收费金额（单位：万元）",
    ),
];

/// The two rows of 第二十条第（一）项: (key, label).
pub const DOCUMENT_ROWS: [(&str, &str); 2] = [("rules", "规章"), ("normative", "行政规范性文件")];

/// The three rows of table 四: (key in cell ids, YAML path, label of the case kind).
pub const CASE_ROWS: [(&str, &[&str], &str); 3] = [
    ("review", &["review"], "行政复议"),
    (
        "litigation.direct",
        &["litigation", "direct"],
        "未经复议直接起诉",
    ),
    (
        "litigation.after_review",
        &["litigation", "after_review"],
        "复议后起诉",
    ),
];

/// One of the four groups of 三、本年度办理结果 whose items a province may vary.
#[derive(Debug, Clone)]
pub struct Group {
    pub key: &'static str,
    /// "（三）不予公开".
    pub label: &'static str,
    /// (key, label without its number), in order.
    pub items: Vec<(String, String)>,
}

/// The groups of the national 2021 row set.
pub fn national_groups() -> Vec<Group> {
    let items = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect()
    };
    vec![
        Group {
            key: "denied",
            label: "（三）不予公开",
            items: items(&[
                ("secret", "属于国家秘密"),
                ("law", "其他法律行政法规禁止公开"),
                ("safety", "危及“三安全一稳定”"),
                ("third_party", "保护第三方合法权益"),
                ("internal", "属于三类内部事务信息"),
                ("process", "属于四类过程性信息"),
                ("enforcement", "属于行政执法案卷"),
                ("inquiry", "属于行政查询事项"),
            ]),
        },
        Group {
            key: "unavailable",
            label: "（四）无法提供",
            items: items(&[
                ("not_held", "本机关不掌握相关政府信息"),
                ("to_create", "没有现成信息需要另行制作"),
                ("unclear", "补正后申请内容仍不明确"),
            ]),
        },
        Group {
            key: "not_handled",
            label: "（五）不予处理",
            items: items(&[
                ("petition", "信访举报投诉类申请"),
                ("repeated", "重复申请"),
                ("publication", "要求提供公开出版物"),
                ("excessive", "无正当理由大量反复申请"),
                ("confirm", "要求行政机关确认或重新出具已获取信息"),
            ]),
        },
        Group {
            key: "other",
            label: "（六）其他处理",
            items: items(&[
                (
                    "no_correction",
                    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ),
                (
                    "no_fee",
                    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ),
                ("other", "其他"),
            ]),
        },
    ]
}

/// The rows of table 三 outside the groups: (key, label), before and after them.
pub const REQUEST_HEAD: [(&str, &str); 4] = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    (
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
];
pub const REQUEST_TAIL: [(&str, &str); 2] = [
    ("total", "（七）总计"),
    ("carried_over", "四、结转下年度继续办理"),
];

/// The six sections every report has, in order, by their numeral and official title.
pub const SECTIONS: [(&str, &str); 6] = [
    ("一", "总体情况"),
    ("二", "主动公开政府信息情况"),
    ("三", "收到和处理政府信息公开申请情况"),
    ("四", "政府信息公开行政复议、行政诉讼情况"),
    ("五", "存在的主要问题及改进情况"),
    ("六", "其他需要报告的事项"),
];

/// One figure of the tables and where it was written: byte span in nianbao.yaml.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub value: f64,
    pub span: (usize, usize),
}

/// A row of table 三.
#[derive(Debug, Clone)]
pub struct RequestRow {
    /// "new", "denied.secret", "total"…: the row part of its cells' ids.
    pub key: String,
    /// Official label; items of a group carry their number ("1.属于国家秘密").
    pub label: String,
    /// Index into [`Nianbao::groups`] for an item of a group.
    pub group: Option<usize>,
    pub cells: [Cell; 7],
    /// Span of the row's key, for a rule about the whole row.
    pub key_span: (usize, usize),
}

/// A row of table 四.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub key: &'static str,
    pub label: &'static str,
    pub cells: [Cell; 5],
    pub key_span: (usize, usize),
}

/// One edition's annual report: nianbao.md (front matter and narrative) with the cells of
/// nianbao.yaml.
#[derive(Debug)]
pub struct Nianbao {
    pub page: Page<ReportFront>,
    pub data_file: FileId,
    pub format: u32,
    pub groups: Vec<Group>,
    /// 规章, 行政规范性文件: [issued, repealed, in force].
    pub documents: [[Cell; 3]; 2],
    /// In [`PROACTIVE_SINGLE`] order.
    pub single: [Cell; 4],
    pub requests: Vec<RequestRow>,
    pub cases: [CaseRow; 3],
    index: HashMap<String, f64>,
}

impl Nianbao {
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per table of the report, each named where it is built"
    )]
    pub fn new(
        page: Page<ReportFront>,
        data_file: FileId,
        format: u32,
        groups: Vec<Group>,
        documents: [[Cell; 3]; 2],
        single: [Cell; 4],
        requests: Vec<RequestRow>,
        cases: [CaseRow; 3],
    ) -> Nianbao {
        let mut n = Nianbao {
            page,
            data_file,
            format,
            groups,
            documents,
            single,
            requests,
            cases,
            index: HashMap::new(),
        };
        n.index = n.cells().map(|(id, c)| (id, c.value)).collect();
        for (g, group) in n.groups.iter().enumerate() {
            for (c, column) in REQUEST_COLUMNS.iter().enumerate() {
                let sum = n.group_sum(g, c);
                n.index
                    .insert(format!("nb.requests.{}.{}", group.key, column.key), sum);
            }
        }
        n
    }

    /// Every cell with its id, in table order.
    pub fn cells(&self) -> impl Iterator<Item = (String, &Cell)> {
        let documents = DOCUMENT_ROWS
            .iter()
            .zip(&self.documents)
            .flat_map(|((row, _), cells)| {
                DOCUMENT_COLUMNS
                    .iter()
                    .zip(cells)
                    .map(move |(c, cell)| (format!("nb.proactive.{row}.{}", c.key), cell))
            });
        let single = PROACTIVE_SINGLE
            .iter()
            .zip(&self.single)
            .map(|(row, cell)| (format!("nb.proactive.{}", row.0), cell));
        let requests = self.requests.iter().flat_map(|row| {
            REQUEST_COLUMNS
                .iter()
                .zip(&row.cells)
                .map(move |(c, cell)| (format!("nb.requests.{}.{}", row.key, c.key), cell))
        });
        let cases = self.cases.iter().flat_map(|row| {
            CASE_COLUMNS
                .iter()
                .zip(&row.cells)
                .map(move |(c, cell)| (format!("nb.{}.{}", row.key, c.key), cell))
        });
        documents.chain(single).chain(requests).chain(cases)
    }

    /// The value of a cell or group sum by id.
    pub fn value(&self, id: &str) -> Option<f64> {
        self.index.get(id).copied()
    }

    /// Every addressable id (cells and group sums), sorted: for did-you-mean.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.index.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// A row of table 三 by key.
    pub fn request(&self, key: &str) -> Option<&RequestRow> {
        self.requests.iter().find(|r| r.key == key)
    }

    /// Sum of group `g`'s items in column `c`.
    pub fn group_sum(&self, g: usize, c: usize) -> f64 {
        self.requests
            .iter()
            .filter(|r| r.group == Some(g))
            .map(|r| r.cells[c].value)
            .sum()
    }

    /// Whether `id` names the 收费金额 cell, the one figure in 万元 rather than a count.
    pub fn is_amount(id: &str) -> bool {
        id == "nb.proactive.fees"
    }
}

/// nianbao.yaml as written, before it is checked against the row set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NianbaoFile {
    pub format: u32,
    /// Items of the groups of 三 where a province's row set differs from the national one.
    #[serde(default)]
    pub row_set: BTreeMap<String, Vec<(String, String)>>,
    pub proactive: ProactiveFile,
    pub requests: Rows,
    pub review: Vec<Count>,
    pub litigation: LitigationFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProactiveFile {
    pub rules: Vec<Count>,
    pub normative: Vec<Count>,
    pub licensing: Count,
    pub penalty: Count,
    pub coercion: Count,
    pub fees: Amount,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LitigationFile {
    pub direct: Vec<Count>,
    pub after_review: Vec<Count>,
}

/// The rows of 三 in file order: a key with its figures, or a group key with its items.
#[derive(Debug, Default)]
pub struct Rows(pub Vec<(String, RowOrGroup)>);

#[derive(Debug)]
pub enum RowOrGroup {
    Row(Vec<Count>),
    Group(Vec<(String, Vec<Count>)>),
}

impl<'de> Deserialize<'de> for Rows {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Rows;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the rows of table 三, one `key: [7 figures]` per line")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Rows, A::Error> {
                let mut rows = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    rows.push((key, map.next_value::<RowOrGroup>()?));
                }
                Ok(Rows(rows))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for RowOrGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RowOrGroup;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a row of 7 figures in [ ], or the numbered items of a group")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RowOrGroup, A::Error> {
                let mut cells = Vec::new();
                while let Some(c) = seq.next_element::<Count>()? {
                    cells.push(c);
                }
                Ok(RowOrGroup::Row(cells))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RowOrGroup, A::Error> {
                let mut items = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    items.push((key, map.next_value::<Vec<Count>>()?));
                }
                Ok(RowOrGroup::Group(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// A count: a whole number, 0 or more; blank (`~`) reads as 0, as real reports leave zero
/// cells empty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count(pub f64);

/// An amount in 万元 (收费金额): a number, 0 or more, decimals allowed; blank reads as 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount(pub f64);

struct FigureVisitor {
    decimals: bool,
}

impl FigureVisitor {
    fn number<E: de::Error>(&self, v: f64) -> Result<f64, E> {
        figure(v, self.decimals).map_err(E::custom)
    }
}

/// A figure of the report's tables, or why the loader refuses it: finite and at most 10^12,
/// 0 or more, and whole unless it is an amount in 万元 (`decimals`). `import` holds a
/// workbook's cell to this same rule.
pub(crate) fn figure(v: f64, decimals: bool) -> Result<f64, String> {
    if !v.is_finite() || v.abs() > 1e12 {
        return Err(format!("`{v}` is not a figure of the report"));
    }
    if v < 0.0 {
        return Err(format!(
            "`{v}` is negative: a count or an amount is 0 or more"
        ));
    }
    if !decimals && v.fract() != 0.0 {
        return Err(format!(
            "`{v}` is not a whole number: this cell counts cases, only 收费金额 has decimals"
        ));
    }
    Ok(v)
}

impl<'de> Visitor<'de> for FigureVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if self.decimals {
            "an amount in 万元, e.g. 1.25, or ~ for 0"
        } else {
            "a whole number, e.g. 12, or ~ for 0"
        })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        self.number(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        self.number(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        if !self.decimals && v.fract() == 0.0 && v >= 0.0 {
            return Err(E::custom(format!(
                "`{v}` is written with a decimal point: this cell counts cases, write a whole number such as {v:.0}"
            )));
        }
        self.number(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
        Ok(0.0)
    }
    fn visit_none<E: de::Error>(self) -> Result<f64, E> {
        Ok(0.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        if v.trim().is_empty() {
            return Ok(0.0);
        }
        Err(E::custom(format!(
            "`{v}` is not a number: write the figure in digits without separators or units, e.g. 1264, or ~ for a blank cell"
        )))
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FigureVisitor { decimals: false })
            .map(Count)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FigureVisitor { decimals: true })
            .map(Amount)
    }
}
