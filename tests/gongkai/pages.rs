//! Pages carry the disclosure metadata, portal head tags and tables an inspector looks for.

use crate::support::{assert_links_resolve, attrs, rows, texts, Project};

#[test]
fn edition_page_has_metadata_table_head_tags_and_overview() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("2023/index.html");
    assert_eq!(attrs(&doc, "html", "lang"), vec!["zh-CN"]);
    assert_eq!(
        texts(&doc, "title"),
        vec!["测试局2023年工作报告_测试局信息公开"]
    );
    let meta = |name: &str| attrs(&doc, &format!("meta[name={name}]"), "content");
    assert_eq!(meta("SiteName"), vec!["测试局信息公开"]);
    assert_eq!(meta("SiteDomain"), vec!["test.example.gov.cn"]);
    assert_eq!(meta("SiteIDCode"), vec!["0000000001"]);
    assert_eq!(meta("ColumnName"), vec!["工作总结"]);
    assert_eq!(meta("ColumnType"), vec!["政务公开"]);
    assert_eq!(meta("ArticleTitle"), vec!["测试局2023年工作报告"]);
    assert_eq!(meta("PubDate"), vec!["2023-12-20"]);
    assert_eq!(meta("ContentSource"), vec!["测试区测试局"]);

    let labels = texts(&doc, ".meta-table th");
    assert_eq!(
        labels,
        [
            "索引号",
            "信息名称",
            "发布机构",
            "成文日期",
            "发布日期",
            "文号",
            "主题分类",
            "公开方式",
            "公开范围",
            "有效性"
        ]
    );
    let values = texts(&doc, ".meta-table td");
    assert_eq!(values[0], "T-2023-01");
    assert_eq!(values[3], "2023-12-05");
    assert_eq!(values[4], "2023-12-20");
    assert_eq!(values[5], "测发〔2023〕1号");
    assert_eq!(values[6], "劳动、人事、监察\\劳动就业");
    assert_eq!(values[7], "主动公开");
    assert_eq!(values[8], "面向社会");
    assert_eq!(values[9], "", "an empty optional field keeps its row");
    // Dates in running text: no zero padding.
    assert!(texts(&doc, ".dateline")[0].contains("2023年12月20日"));
    assert!(texts(&doc, ".dateline")[0].contains("2023年11月30日"));

    // Overview: a table per section, with status in words.
    assert_eq!(texts(&doc, ".overview table caption"), vec!["就业", "资金"]);
    let row = |name: &str| {
        let sel = scraper::Selector::parse(".overview tbody tr").unwrap();
        doc.select(&sel)
            .map(|tr| tr.text().collect::<Vec<_>>().concat())
            .find(|t| t.contains(name))
            .unwrap()
    };
    assert!(row("城乡就业").contains("1100") && row("城乡就业").contains("完成"));
    assert!(
        row("登记失业率").contains("完成"),
        "lower is better: 3.2 ≤ 4.0"
    );
    assert!(row("新增指标").contains("未完成"));
    assert!(row("保密指标").contains("101.05％"));
    assert!(row("城乡就业").contains("区就业服务中心"));
    let ths = attrs(&doc, ".overview thead th", "scope");
    assert!(ths.iter().all(|s| s == "col") && !ths.is_empty());
}

#[test]
fn indicator_page_has_history_table_charts_and_downloads() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("2023/indicators/jobs.total.html");
    assert_eq!(texts(&doc, "h1"), vec!["城乡就业（2023年）"]);
    let history = rows(&doc, "table.history");
    assert_eq!(
        history,
        [
            ["2022年", "1000", "900", "111.11％", "完成", ""],
            ["2023年", "1100", "1000", "110.00％", "完成", "增长10.0％"],
        ]
    );
    assert_eq!(
        attrs(&doc, "figure.chart img", "src"),
        vec![
            "../../2023/charts/jobs.total.svg",
            "../../2023/charts/jobs.total.series.svg"
        ]
    );
    assert_eq!(texts(&doc, "table.series tbody tr").len(), 3);
    let links = attrs(&doc, ".downloads a", "href");
    assert!(links.contains(&"../../2023/data.csv".to_string()));
    // Parts link both ways.
    let about = texts(&doc, ".about");
    assert!(about[0].contains("城镇就业") && about[0].contains("农村转移"));
    let urban = p.html("2023/indicators/jobs.urban.html");
    assert!(texts(&urban, ".about")[0].contains("属于城乡就业"));
    // A later edition never changes an earlier one: 2022's page knows nothing of 2023.
    let old = p.html("2022/indicators/jobs.total.html");
    assert_eq!(texts(&old, "table.history tbody tr").len(), 1);
}

#[test]
fn home_lists_editions_and_headline_figures() {
    let p = Project::fixture("basic");
    p.build();
    let doc = p.html("index.html");
    assert_eq!(texts(&doc, "title"), vec!["测试局信息公开"]);
    assert_eq!(
        attrs(&doc, "ol.editions a", "href"),
        vec!["2023/index.html", "2022/index.html"]
    );
    let names = texts(&doc, ".headline .h-name");
    assert_eq!(names, vec!["城乡就业", "登记失业率", "另一保密指标"]);
    assert_eq!(texts(&doc, ".headline .h-value"), vec!["1100", "3.2", "*"]);
    assert_eq!(texts(&doc, ".withheld-note").len(), 1);
    // The footer carries the filing links and the error-report link with the site code.
    let hrefs = attrs(&doc, "footer a", "href");
    assert!(hrefs
        .iter()
        .any(|h| h.starts_with("https://beian.miit.gov.cn")));
    assert!(hrefs
        .iter()
        .any(|h| h.starts_with("https://beian.mps.gov.cn")));
    assert!(hrefs.iter().any(|h| h.contains("site_code=0000000001")));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let p = Project::fixture("basic");
    p.build();
    assert!(!p.path("public/2024").exists());
    p.run(&["build", "--drafts"]).ok();
    assert!(p.path("public/2024/index.html").exists());
    let doc = p.html("index.html");
    assert_eq!(attrs(&doc, "ol.editions a", "href")[0], "2024/index.html");
}

#[test]
fn a_draft_annual_report_of_a_published_edition_is_left_out_unless_asked_for() {
    // December to January: the work report is out, the annual report is still a draft.
    let p = Project::example();
    p.edit(
        "content/2023/nianbao.md",
        "status: published",
        "status: draft",
    );
    p.build();
    assert!(p.path("public/2023/index.html").exists());
    assert!(!p.path("public/2023/nianbao.html").exists());
    for page in ["index.html", "2023/index.html", "2023/plan.html"] {
        assert!(
            !p.read(&format!("public/{page}"))
                .contains("2023/nianbao.html"),
            "{page} links the draft"
        );
    }
    // Its blank or unchecked cells are not open data either.
    let data = p.read("public/data/nianbao.csv");
    assert!(data.contains("\n2022,"));
    assert!(
        !data.contains("\n2023,"),
        "the draft is in data/nianbao.csv"
    );
    assert!(!p
        .read("public/data/nianbao.json")
        .contains("\"year\": 2023"));
    assert_links_resolve(&p.path("public"));

    p.run(&["build", "--drafts"]).ok();
    assert!(p.path("public/2023/nianbao.html").exists());
    assert!(p.read("public/2023/index.html").contains("nianbao.html"));
    assert!(p.read("public/data/nianbao.csv").contains("\n2023,"));
}

#[test]
fn data_files_explain_themselves_and_keep_withheld_as_star_or_null() {
    let p = Project::fixture("basic");
    p.build();
    let bytes = std::fs::read(p.path("public/2023/data.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "section",
            "section_title",
            "id",
            "name",
            "unit",
            "value",
            "target",
            "completion",
            "period",
            "note",
            "source"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let secret = rows.iter().find(|r| &r[2] == "jobs.secret").unwrap();
    assert_eq!((&secret[5], &secret[6], &secret[7]), ("*", "*", "101.05"));
    let loan = rows.iter().find(|r| &r[2] == "money.loan").unwrap();
    assert_eq!(&loan[5], "1234.50");

    let json: serde_json::Value = serde_json::from_str(&p.read("public/2023/data.json")).unwrap();
    assert_eq!(json["edition"], 2023);
    let inds = json["indicators"].as_array().unwrap();
    let secret = inds.iter().find(|i| i["id"] == "jobs.secret").unwrap();
    assert!(secret["value"].is_null());
    assert_eq!(secret["withheld"], true);
    assert_eq!(secret["target_withheld"], true);
    let total = inds.iter().find(|i| i["id"] == "jobs.total").unwrap();
    assert_eq!(total["value"], 1100);
    assert_eq!(total["completion"], 110.0);
}

#[test]
fn base_url_adds_canonical_links_and_links_stay_relative() {
    let p = Project::fixture("basic");
    p.build();
    assert!(attrs(&p.html("2023/index.html"), "link[rel=canonical]", "href").is_empty());
    p.run(&["build", "--base-url", "https://example.gov.cn/gzbg/"])
        .ok();
    let doc = p.html("2023/indicators/jobs.total.html");
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://example.gov.cn/gzbg/2023/indicators/jobs.total.html"]
    );
    assert_eq!(
        attrs(&doc, "link[rel=stylesheet]", "href"),
        vec!["../../static/style.css"]
    );
}

#[test]
fn no_change_is_computed_across_a_definition_break_or_completion_for_a_ceiling() {
    let p = Project::fixture("basic");
    p.build();
    let loan = rows(&p.html("2023/indicators/money.loan.html"), "table.history");
    assert_eq!(loan[1][5], "口径调整，不可比");
    // 失业率 target 4.0 is a ceiling: kept (完成), but 3.2/4.0 = 80% is no "completion rate".
    let rate = rows(&p.html("2023/indicators/jobs.rate.html"), "table.history");
    assert_eq!(
        rate[1],
        ["2023年", "3.2", "4.0", "", "完成", "降低0.3个百分点"]
    );
    // Sections without any target leave those columns out.
    let doc = p.html("2023/index.html");
    let heads = texts(&doc, ".overview table:nth-of-type(1) thead th");
    assert!(heads.contains(&"完成率".to_string()));
    let money = rows(&doc, ".overview .table-scroll:nth-of-type(2) table");
    assert_eq!(
        money[0].len(),
        8,
        "资金 has a target (money.new), so it keeps all columns"
    );
}
