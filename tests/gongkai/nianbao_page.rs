//! The annual report's page as a reader and an inspector see it: the official tables of the
//! 2021 format with their merged cells and `headers` lists, every figure equal to what
//! content/2023/nianbao.yaml says at that place, and the page's links, data files, charts and
//! 关怀版 copy.

use crate::support::{attrs, texts, Project};
use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};

const BASE: &str = "https://www.example.gov.cn/gzbg/";

/// The example site, built with a base URL so that sitemap.xml is written too.
fn built() -> Project {
    let p = Project::example();
    p.run(&["build", "--base-url", BASE]).ok();
    p
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().split_whitespace().collect()
}

fn span(e: ElementRef, attr: &str) -> usize {
    e.value().attr(attr).map_or(1, |v| v.parse().unwrap())
}

/// A figure as printed in a cell.
fn figure(e: ElementRef) -> f64 {
    let t = text(e);
    t.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("cell `{t}` is not a number"))
}

/// (text, rowspan, colspan) of each cell of `row`.
fn shape(row: ElementRef) -> Vec<(String, usize, usize)> {
    row.select(&sel("th, td"))
        .map(|c| (text(c), span(c, "rowspan"), span(c, "colspan")))
        .collect()
}

fn cell(t: &str, rowspan: usize, colspan: usize) -> (String, usize, usize) {
    (t.to_string(), rowspan, colspan)
}

/// The rows of a table section laid out as the browser does: `grid[r][c]` is the cell that
/// covers row r, column c, after rowspan and colspan.
fn grid<'a>(rows: &[ElementRef<'a>]) -> Vec<Vec<ElementRef<'a>>> {
    let mut out: Vec<Vec<Option<ElementRef>>> = vec![Vec::new(); rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        for e in row.select(&sel("th, td")) {
            while out[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            for dr in 0..span(e, "rowspan") {
                let line = &mut out[r + dr];
                for dc in 0..span(e, "colspan") {
                    if line.len() <= c + dc {
                        line.resize(c + dc + 1, None);
                    }
                    assert!(line[c + dc].is_none(), "two cells cover row {r} column {c}");
                    line[c + dc] = Some(e);
                }
            }
            c += span(e, "colspan");
        }
    }
    let width = out[0].len();
    out.into_iter()
        .enumerate()
        .map(|(r, line)| {
            assert_eq!(line.len(), width, "row {r} is not as wide as the first");
            line.into_iter()
                .enumerate()
                .map(|(c, e)| e.unwrap_or_else(|| panic!("hole at row {r} column {c}")))
                .collect()
        })
        .collect()
}

fn children<'a>(table: ElementRef<'a>, section: &str) -> Vec<ElementRef<'a>> {
    table
        .select(&sel(&format!(":scope > {section} > tr")))
        .collect()
}

/// Every `td` names in `headers` exactly the headings a screen reader must read with it: the
/// `th`s left of it in its row (row heading and the groups it belongs to) and the `th`s above
/// it in the head (its column heading and the groups over it), all of them ids of this table.
fn assert_headers_complete(table: ElementRef, name: &str) {
    let ids: HashSet<&str> = table
        .select(&sel("th[id]"))
        .filter_map(|e| e.value().attr("id"))
        .collect();
    let head = grid(&children(table, "thead"));
    let body = grid(&children(table, "tbody"));
    let id_of = |e: &ElementRef| e.value().attr("id").unwrap_or("").to_string();
    let mut checked = 0;
    for (r, line) in body.iter().enumerate() {
        for (c, e) in line.iter().enumerate() {
            if e.value().name() != "td" || line[..c].last().is_some_and(|l| l.id() == e.id()) {
                continue; // a heading, or the rest of a cell already checked
            }
            let listed: BTreeSet<String> = e
                .value()
                .attr("headers")
                .unwrap_or_else(|| panic!("{name}: cell at row {r} column {c} has no headers"))
                .split_whitespace()
                .map(str::to_string)
                .collect();
            for id in &listed {
                assert!(
                    ids.contains(id.as_str()),
                    "{name}: headers names `{id}`, no th has it"
                );
            }
            let mut wanted: BTreeSet<String> = BTreeSet::new();
            let mut seen = HashSet::new();
            for h in line[..c].iter().filter(|h| h.value().name() == "th") {
                if seen.insert(h.id()) {
                    wanted.insert(id_of(h));
                }
            }
            for above in &head {
                if seen.insert(above[c].id()) {
                    wanted.insert(id_of(&above[c]));
                }
            }
            assert!(
                !wanted.contains(""),
                "{name}: a heading of row {r} column {c} has no id"
            );
            assert_eq!(
                listed, wanted,
                "{name}: headers of the cell at row {r} column {c}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "{name}: no cells");
}

/// content/2023/nianbao.yaml, read here on its own: the rows of each table in the order the
/// format prints them, with their figures.
struct Source {
    yaml: serde_yaml::Value,
}

impl Source {
    fn read(p: &Project, year: i32) -> Source {
        let yaml = serde_yaml::from_str(&p.read(&format!("content/{year}/nianbao.yaml"))).unwrap();
        Source { yaml }
    }

    fn at(&self, path: &str) -> &serde_yaml::Value {
        path.split('.').fold(&self.yaml, |v, k| {
            v.get(k).unwrap_or_else(|| panic!("no {path}"))
        })
    }

    fn numbers(&self, path: &str) -> Vec<f64> {
        let v = self.at(path);
        let one = |v: &serde_yaml::Value| {
            if v.is_null() {
                0.0
            } else {
                v.as_f64().unwrap()
            }
        };
        match v.as_sequence() {
            Some(list) => list.iter().map(one).collect(),
            None => vec![one(v)],
        }
    }

    /// Table 三's rows: (YAML path, figures), 一 to 四, the group items in the file's order.
    fn request_rows(&self) -> Vec<(String, Vec<f64>)> {
        let mut rows = Vec::new();
        for key in ["new", "carried_in", "granted", "partial"] {
            rows.push(format!("requests.{key}"));
        }
        for group in ["denied", "unavailable", "not_handled", "other"] {
            for (item, _) in self.at(&format!("requests.{group}")).as_mapping().unwrap() {
                rows.push(format!("requests.{group}.{}", item.as_str().unwrap()));
            }
        }
        rows.push("requests.total".into());
        rows.push("requests.carried_over".into());
        rows.into_iter()
            .map(|path| {
                let n = self.numbers(&path);
                (path, n)
            })
            .collect()
    }

    /// Every cell by its id (`nb.` …), as the spec names them.
    fn cells(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for doc in ["rules", "normative"] {
            let v = self.numbers(&format!("proactive.{doc}"));
            for (col, v) in ["issued", "repealed", "in_force"].iter().zip(v) {
                out.insert(format!("nb.proactive.{doc}.{col}"), v);
            }
        }
        for single in ["licensing", "penalty", "coercion", "fees"] {
            out.insert(
                format!("nb.proactive.{single}"),
                self.numbers(&format!("proactive.{single}"))[0],
            );
        }
        let columns = [
            "person", "business", "research", "charity", "legal", "other", "total",
        ];
        for (path, v) in self.request_rows() {
            for (col, v) in columns.iter().zip(v) {
                out.insert(format!("nb.{path}.{col}"), v);
            }
        }
        for row in ["review", "litigation.direct", "litigation.after_review"] {
            for (col, v) in ["upheld", "corrected", "other", "pending", "total"]
                .iter()
                .zip(self.numbers(row))
            {
                out.insert(format!("nb.{row}.{col}"), v);
            }
        }
        out
    }
}

/// The official labels of table 三's rows, in order (国办公开办函〔2021〕30号).
const REQUEST_LABELS: [&str; 25] = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
];

fn table<'a>(doc: &'a Html, selector: &str) -> ElementRef<'a> {
    let found: Vec<ElementRef> = doc.select(&sel(selector)).collect();
    assert_eq!(found.len(), 1, "{selector}");
    found[0]
}

/// One of table 二's four tables: caption, figure columns, (row label, YAML path) per row.
type ProactiveTable = (
    &'static str,
    &'static [&'static str],
    Vec<(&'static str, &'static str)>,
);

#[test]
fn the_tables_have_the_official_structure_and_the_source_figures() {
    let p = built();
    let src = Source::read(&p, 2023);
    let doc = p.html("2023/nianbao.html");

    // Each table sits in its own section: 二's four after 二's heading, 三 after 三's, 四 after 四's.
    let mut section = String::new();
    let mut placed = Vec::new();
    for e in doc.select(&sel(".narrative h2, .narrative table")) {
        if e.value().name() == "h2" {
            section = text(e).chars().take(2).collect();
        } else {
            placed.push((
                e.value().attr("class").unwrap_or("").to_string(),
                section.clone(),
            ));
        }
    }
    let proactive = "nianbao nb-proactive".to_string();
    assert_eq!(
        placed,
        [
            (proactive.clone(), "二、".into()),
            (proactive.clone(), "二、".into()),
            (proactive.clone(), "二、".into()),
            (proactive, "二、".into()),
            ("nianbao nb-requests".into(), "三、".into()),
            ("nianbao nb-cases".into(), "四、".into()),
        ]
    );
    // Every table scrolls in a focusable region named by its caption (a phone shows it whole
    // by scrolling the table, not the page).
    for t in doc.select(&sel("table.nianbao")) {
        let region = ElementRef::wrap(t.parent().unwrap()).unwrap();
        let caption = t.select(&sel("caption")).next().expect("caption");
        assert_eq!(region.value().attr("class"), Some("table-scroll"));
        assert_eq!(region.value().attr("role"), Some("region"));
        assert_eq!(region.value().attr("tabindex"), Some("0"));
        assert_eq!(
            region.value().attr("aria-labelledby"),
            caption.value().attr("id")
        );
    }

    // 二: four tables, one per item of article 20, first column 信息内容.
    let two: Vec<ElementRef> = doc.select(&sel("table.nb-proactive")).collect();
    let expect: [ProactiveTable; 4] = [
        (
            "第二十条第（一）项",
            &["本年制发件数", "本年废止件数", "现行有效件数"],
            vec![
                ("规章", "proactive.rules"),
                ("行政规范性文件", "proactive.normative"),
            ],
        ),
        (
            "第二十条第（五）项",
            &["本年处理决定数量"],
            vec![("行政许可", "proactive.licensing")],
        ),
        (
            "第二十条第（六）项",
            &["本年处理决定数量"],
            vec![
                ("行政处罚", "proactive.penalty"),
                ("行政强制", "proactive.coercion"),
            ],
        ),
        (
            "第二十条第（八）项",
            &["本年收费金额（单位：万元）"],
            vec![("行政事业性收费", "proactive.fees")],
        ),
    ];
    assert_eq!(two.len(), expect.len());
    for (t, (caption, columns, rows)) in two.iter().zip(expect) {
        assert_eq!(texts_in(*t, "caption"), [caption]);
        let mut head = vec!["信息内容"];
        head.extend(columns);
        assert_eq!(texts_in(*t, "thead th"), head, "{caption}");
        assert!(attrs_in(*t, "thead th", "scope").iter().all(|s| s == "col"));
        let body = children(*t, "tbody");
        assert_eq!(body.len(), rows.len(), "{caption}");
        for (tr, (label, path)) in body.iter().zip(rows) {
            assert_eq!(texts_in(*tr, "th"), [label], "{caption}");
            assert_eq!(attrs_in(*tr, "th", "scope"), ["row"], "{caption}");
            let figures: Vec<f64> = tr.select(&sel("td")).map(figure).collect();
            assert_eq!(figures, src.numbers(path), "{caption} {label}");
        }
    }

    // 三: the 勾稽关系 heading and the applicant columns with the format's merged cells.
    let three = table(&doc, "table.nb-requests");
    let head = children(three, "thead");
    assert_eq!(head.len(), 3);
    assert_eq!(
        shape(head[0]),
        [
            cell(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
                3
            ),
            cell("申请人情况", 1, 7),
        ]
    );
    assert_eq!(
        shape(head[1]),
        [
            cell("自然人", 2, 1),
            cell("法人或其他组织", 1, 5),
            cell("总计", 2, 1)
        ]
    );
    assert_eq!(
        shape(head[2]),
        [
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他"
        ]
        .map(|t| cell(t, 1, 1))
    );
    // Its 25 rows: the labels of the format, 三、本年度办理结果 over （一） to （七）, each
    // group over its items, and seven figures that are the source's.
    let body = children(three, "tbody");
    let rows = src.request_rows();
    assert_eq!(body.len(), 25);
    assert_eq!(rows.len(), 25);
    let first = REQUEST_LABELS
        .iter()
        .position(|l| l.starts_with("（一）"))
        .unwrap();
    let last = REQUEST_LABELS
        .iter()
        .position(|l| l.starts_with("（七）"))
        .unwrap();
    let groups = [
        ("（三）不予公开", "denied"),
        ("（四）无法提供", "unavailable"),
        ("（五）不予处理", "not_handled"),
        ("（六）其他处理", "other"),
    ];
    for (i, (tr, (path, figures))) in body.iter().zip(&rows).enumerate() {
        let label = REQUEST_LABELS[i];
        let tds: Vec<ElementRef> = tr.select(&sel("td")).collect();
        let mut heads = shape(*tr);
        heads.truncate(heads.len() - tds.len());
        let mut want = Vec::new();
        if i == first {
            want.push(cell("三、本年度办理结果", last - first + 1, 1));
        }
        let group = groups
            .iter()
            .find(|(_, key)| path.starts_with(&format!("requests.{key}.")));
        match group {
            Some((group_label, key)) => {
                let items = src.at(&format!("requests.{key}")).as_mapping().unwrap();
                let first_item = items.keys().next().unwrap().as_str().unwrap();
                if *path == format!("requests.{key}.{first_item}") {
                    want.push(cell(group_label, items.len(), 1));
                }
                want.push(cell(label, 1, 1));
            }
            None if (first..=last).contains(&i) => want.push(cell(label, 1, 2)),
            None => want.push(cell(label, 1, 3)),
        }
        assert_eq!(heads, want, "row {i} ({path})");
        assert_eq!(tds.len(), 7, "row {i} ({path})");
        let shown: Vec<f64> = tds.iter().map(|e| figure(*e)).collect();
        assert_eq!(&shown, figures, "row {i} ({path})");
    }
    assert_headers_complete(three, "table 三");

    // 四: 行政复议 over five columns, 行政诉讼 over ten in its two kinds, one row of 15 figures.
    let four = table(&doc, "table.nb-cases");
    let head = children(four, "thead");
    assert_eq!(head.len(), 3);
    assert_eq!(
        shape(head[0]),
        [cell("行政复议", 1, 5), cell("行政诉讼", 1, 10)]
    );
    let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut second: Vec<_> = outcomes.iter().map(|t| cell(t, 2, 1)).collect();
    second.push(cell("未经复议直接起诉", 1, 5));
    second.push(cell("复议后起诉", 1, 5));
    assert_eq!(shape(head[1]), second);
    let third: Vec<_> = outcomes
        .iter()
        .chain(&outcomes)
        .map(|t| cell(t, 1, 1))
        .collect();
    assert_eq!(shape(head[2]), third);
    let body = children(four, "tbody");
    assert_eq!(body.len(), 1);
    let shown: Vec<f64> = body[0].select(&sel("td")).map(figure).collect();
    let mut wanted = src.numbers("review");
    wanted.extend(src.numbers("litigation.direct"));
    wanted.extend(src.numbers("litigation.after_review"));
    assert_eq!(shown.len(), 15);
    assert_eq!(shown, wanted);
    assert_headers_complete(four, "table 四");
}

fn texts_in(e: ElementRef, selector: &str) -> Vec<String> {
    e.select(&sel(selector)).map(text).collect()
}

fn attrs_in(e: ElementRef, selector: &str, attr: &str) -> Vec<String> {
    e.select(&sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// `href` as written on the page at `page`, resolved to a path relative to the output folder.
fn resolve(page: &str, href: &str) -> String {
    let mut out = PathBuf::new();
    for c in Path::new(page).parent().unwrap().join(href).components() {
        match c {
            Component::ParentDir => assert!(out.pop(), "{href} on {page} climbs out of the site"),
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out.to_string_lossy().replace('\\', "/")
}

#[test]
fn the_report_is_linked_listed_and_has_a_care_copy() {
    let p = built();
    let edition = p.html("2023/index.html");
    let links: Vec<String> = attrs(&edition, "main a", "href")
        .iter()
        .map(|h| resolve("2023/index.html", h))
        .collect();
    assert!(
        links.contains(&"2023/nianbao.html".to_string()),
        "{links:?}"
    );

    let sitemap = p.read("public/sitemap.xml");
    let xml = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let html_map = p.html("sitemap.html");
    let listed = attrs(&html_map, "main a", "href");
    for year in [2021, 2022, 2023] {
        let page = format!("{year}/nianbao.html");
        assert!(
            locs.contains(&format!("{BASE}{page}").as_str()),
            "sitemap.xml lacks {page}"
        );
        assert!(listed.contains(&page), "网站地图 lacks {page}");
    }

    // 关怀版: the same tables in large type.
    let care = p.html("care/2023/nianbao.html");
    assert!(attrs(&care, "link[rel=stylesheet]", "href")
        .iter()
        .any(|h| h.ends_with("static/care.css")));
    let doc = p.html("2023/nianbao.html");
    let tables =
        |d: &Html| -> Vec<String> { d.select(&sel("table.nianbao")).map(|t| t.html()).collect() };
    assert_eq!(tables(&doc).len(), 6);
    assert_eq!(tables(&care), tables(&doc));
    assert_eq!(texts(&care, "h1"), texts(&doc, "h1"));
}

/// A CSV file's rows as maps from the header's names, after checking its BOM and header.
fn csv_rows(bytes: &[u8], file: &str) -> Vec<BTreeMap<String, String>> {
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{file} starts with a UTF-8 BOM"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        ["year", "table", "row", "column", "id", "value"],
        "{file}"
    );
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn the_data_files_hold_every_cell_of_the_tables() {
    let p = built();
    let cells = Source::read(&p, 2023).cells();
    assert_eq!(cells.len(), 6 + 4 + 25 * 7 + 15);

    let rows = csv_rows(
        &std::fs::read(p.path("public/2023/nianbao.csv")).unwrap(),
        "2023/nianbao.csv",
    );
    assert_eq!(rows.len(), 200);
    let mut per_table = BTreeMap::new();
    let mut from_csv = BTreeMap::new();
    for r in &rows {
        assert_eq!(r["year"], "2023");
        *per_table.entry(r["table"].clone()).or_insert(0) += 1;
        let value: f64 = r["value"].parse().unwrap();
        assert!(
            from_csv.insert(r["id"].clone(), value).is_none(),
            "{} twice",
            r["id"]
        );
        assert!(!r["row"].is_empty() && !r["column"].is_empty(), "{r:?}");
    }
    assert_eq!(
        per_table,
        BTreeMap::from([
            ("二".to_string(), 10),
            ("三".into(), 175),
            ("四".into(), 15)
        ])
    );
    assert_eq!(
        from_csv, cells,
        "2023/nianbao.csv against content/2023/nianbao.yaml"
    );
    let by_id = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(
        by_id("nb.requests.denied.internal.person")["row"],
        "（三）不予公开5.属于三类内部事务信息"
    );
    assert_eq!(
        by_id("nb.requests.denied.internal.person")["column"],
        "自然人"
    );
    assert_eq!(
        by_id("nb.proactive.fees")["column"],
        "本年收费金额（单位：万元）"
    );

    // The JSON says the same as the CSV, cell by cell and in the same order.
    let json: serde_json::Value =
        serde_json::from_str(&p.read("public/2023/nianbao.json")).unwrap();
    assert_eq!(json["year"], 2023);
    assert_eq!(json["format"], 2021);
    let list = json["cells"].as_array().unwrap();
    assert_eq!(list.len(), rows.len());
    for (j, r) in list.iter().zip(&rows) {
        for key in ["id", "table", "row", "column"] {
            assert_eq!(j[key].as_str().unwrap(), r[key], "{key} of {}", r["id"]);
        }
        assert_eq!(
            j["value"].as_f64().unwrap(),
            r["value"].parse::<f64>().unwrap(),
            "{}",
            r["id"]
        );
    }

    // The site-wide file: every year's report, each whole and equal to its own file.
    let all = csv_rows(
        &std::fs::read(p.path("public/data/nianbao.csv")).unwrap(),
        "data/nianbao.csv",
    );
    for year in [2021, 2022, 2023] {
        let theirs: Vec<_> = all
            .iter()
            .filter(|r| r["year"] == year.to_string())
            .collect();
        assert_eq!(theirs.len(), 200, "{year} in data/nianbao.csv");
        let own = csv_rows(
            &std::fs::read(p.path(&format!("public/{year}/nianbao.csv"))).unwrap(),
            "nianbao.csv",
        );
        assert_eq!(theirs, own.iter().collect::<Vec<_>>(), "{year}");
        let expected = Source::read(&p, year).cells();
        let got: BTreeMap<String, f64> = theirs
            .iter()
            .map(|r| (r["id"].clone(), r["value"].parse().unwrap()))
            .collect();
        assert_eq!(got, expected, "{year} against its nianbao.yaml");
    }
    assert_eq!(all.len(), 600);
}

#[test]
fn the_charts_are_named_images_with_the_official_names_in_their_description() {
    let p = built();
    let doc = p.html("2023/nianbao.html");
    let srcs: Vec<String> = attrs(&doc, "main img", "src")
        .iter()
        .map(|s| resolve("2023/nianbao.html", s))
        .collect();
    let charts: Vec<&String> = srcs
        .iter()
        .filter(|s| s.contains("charts/nianbao-"))
        .collect();
    // 申请人情况 and 办理结果 of the year, and five year-over-year series.
    assert_eq!(charts.len(), 7, "{srcs:?}");
    for c in &charts {
        let svg = p.read(&format!("public/{c}"));
        let xml = roxmltree::Document::parse(&svg).unwrap();
        let root = xml.root_element();
        assert_eq!(root.attribute("role"), Some("img"), "{c}");
        let child = |name: &str| {
            root.children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .unwrap_or("")
                .to_string()
        };
        assert!(!child("title").trim().is_empty(), "{c} has a <title>");
        assert!(!child("desc").trim().is_empty(), "{c} has a <desc>");
    }
    assert!(p.path("public/2021/charts/nianbao-applicants.svg").exists());

    // The applicants chart has four characters of room per bar: its axis says 公益组织 and
    // 法律服务, while its description and the page's alt text keep the official names.
    let svg = p.read("public/2023/charts/nianbao-applicants.svg");
    let xml = roxmltree::Document::parse(&svg).unwrap();
    let labels: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for short in [
        "自然人",
        "商业企业",
        "科研机构",
        "公益组织",
        "法律服务",
        "其他",
    ] {
        assert!(labels.contains(&short), "{short} under its bar: {labels:?}");
    }
    assert!(labels.iter().all(|l| l.chars().count() <= 4), "{labels:?}");
    let desc = xml
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap();
    // The sentence is shown under the chart (and is its desc); the alt names the chart.
    let shown = crate::support::texts(&doc, "figure.chart .chart-desc").concat();
    for full in ["社会公益组织", "法律服务机构"] {
        assert!(desc.contains(full), "{desc}");
        assert!(shown.contains(full), "{shown}");
    }
}

/// Each chart of the annual report says what it shows under it and offers its own data: the
/// CSV beside the SVG holds exactly the bars or points drawn, and the sentence is the SVG's desc.
#[test]
fn each_annual_report_chart_says_what_it_shows_and_offers_its_data() {
    let p = crate::support::Project::example();
    p.build();
    let doc = p.html("2023/nianbao.html");
    let figures = scraper::Selector::parse("figure.chart").unwrap();
    let img = scraper::Selector::parse("img").unwrap();
    let desc = scraper::Selector::parse(".chart-desc").unwrap();
    let mut seen = 0;
    for figure in doc.select(&figures) {
        let src = figure
            .select(&img)
            .next()
            .unwrap()
            .value()
            .attr("src")
            .unwrap();
        let svg = p.read(&format!(
            "public/2023/{}",
            src.trim_start_matches("../2023/")
        ));
        let svg_doc = roxmltree::Document::parse(&svg).unwrap();
        let svg_desc = svg_doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text())
            .unwrap()
            .to_string();
        let shown: String = figure.select(&desc).next().unwrap().text().collect();
        assert_eq!(
            shown, svg_desc,
            "{src}: the caption is the SVG's description"
        );
        let csv_path = src.trim_start_matches("../2023/").replace(".svg", ".csv");
        let bytes = std::fs::read(p.path(&format!("public/2023/{csv_path}"))).unwrap();
        let body = bytes
            .strip_prefix("\u{feff}".as_bytes())
            .expect("CSV with BOM");
        let mut r = csv::Reader::from_reader(body);
        for rec in r.records() {
            let rec = rec.unwrap();
            assert!(
                svg_desc.contains(&format!("{}件", &rec[1])),
                "{csv_path}: {} is said in the description {svg_desc}",
                &rec[1]
            );
        }
        seen += 1;
    }
    assert_eq!(
        seen, 7,
        "two charts of this year and five of the years so far"
    );
    let new = p.read("public/2023/charts/nianbao-new.csv");
    assert!(new.ends_with("2021,22\n2022,32\n2023,28\n"), "{new}");
    let text = crate::support::texts(&doc, ".chart-desc").join("");
    assert!(
        text.contains(
            "2021—2023年新收政府信息公开申请分别为22件、32件、28件，2023年较上年下降12.5％。"
        ),
        "{text}"
    );
}
