//! Whole-site properties: links resolve, builds are reproducible, withheld figures never leak,
//! themes can be overridden block by block.

use crate::support::{assert_links_resolve, output_files, texts, Project};

#[test]
fn example_site_builds_and_every_internal_link_resolves() {
    let p = Project::example();
    let run = p.build();
    assert!(run.stdout.contains("built 3 edition(s)"), "{}", run.stdout);
    let checked = assert_links_resolve(&p.path("public"));
    assert!(checked > 1000, "only {checked} links checked");
    // At least 30 indicators per edition, each with its page and chart.
    for year in [2021, 2022, 2023] {
        let n = std::fs::read_dir(p.path(&format!("public/{year}/indicators")))
            .unwrap()
            .count();
        assert!(n >= 30, "{year}: {n} indicator pages");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let p = Project::example();
    p.build();
    let first = p.output_files();
    std::fs::rename(p.path("public"), p.path("first")).unwrap();
    p.build();
    let second = p.output_files();
    // The example's annual reports are among the files compared.
    assert!(first.iter().any(|(n, _)| n == "2023/nianbao.html"));
    assert_eq!(first.len(), second.len());
    for ((n1, b1), (n2, b2)) in first.iter().zip(&second) {
        assert_eq!(n1, n2);
        assert!(b1 == b2, "{n1} differs between builds");
    }
}

#[test]
fn withheld_values_never_reach_any_output_file() {
    let p = Project::fixture("basic");
    p.run(&["build", "--drafts"]).ok();
    let files = p.output_files();
    assert!(files.len() > 20);
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["987654", "876543", "765432"] {
            assert!(
                !text.contains(secret),
                "{name} leaks withheld value {secret}"
            );
        }
    }
}

#[test]
fn a_theme_overrides_one_block_of_a_default_template() {
    let p = Project::fixture("basic");
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\ntheme: mine",
    );
    p.write(
        "themes/mine/templates/indicator.html",
        "{% extends \"default/indicator.html\" %}{% block content %}<p class=\"custom\">自定义：{{ indicator.row.name }}</p>{{ super() }}{% endblock %}",
    );
    p.write(
        "themes/mine/templates/partials/footer.html",
        "<footer class=\"mine\">{{ site.organization }}</footer>",
    );
    p.write("themes/mine/static/extra.css", "body{}");
    p.build();
    let doc = p.html("2023/indicators/jobs.total.html");
    assert_eq!(texts(&doc, "p.custom"), vec!["自定义：城乡就业"]);
    assert_eq!(
        texts(&doc, "table.history").len(),
        1,
        "the rest of the page is kept"
    );
    assert_eq!(texts(&doc, "footer.mine"), vec!["测试区测试局"]);
    assert!(p.path("public/static/extra.css").exists());
    assert!(p.path("public/static/style.css").exists());
}

#[test]
fn user_strings_are_escaped_everywhere() {
    let p = Project::fixture("basic");
    p.edit(
        "content/2023/indicators.yaml",
        "name: 新增指标",
        "name: \"新增<script>alert(1)</script>\\\"><img src=x onerror=alert(2)>\"",
    );
    p.edit(
        "content/2023/report.md",
        "开篇段落",
        "<script>alert(3)</script><a href=\"javascript:alert(4)\">x</a>开篇段落",
    );
    p.build();
    // HTML and SVG must escape; CSV and JSON carry the text as data, quoted for their format.
    for (name, bytes) in p.output_files() {
        if name.ends_with(".csv") || name.ends_with(".json") {
            continue;
        }
        let text = crate::support::without_search_runtime(&String::from_utf8_lossy(&bytes));
        assert!(!text.contains("<script"), "{name} has a raw <script>");
        assert!(
            !text.contains("<img src=x"),
            "{name} has a raw injected <img>"
        );
        assert!(
            !text.contains("javascript:"),
            "{name} has a javascript: URL"
        );
    }
    let name = "新增<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let doc = p.html("2023/indicators/money.new.html");
    assert_eq!(texts(&doc, "h1")[0], format!("{name}（2023年）"));
    let json: serde_json::Value = serde_json::from_str(&p.read("public/2023/data.json")).unwrap();
    assert!(json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["name"] == name));
    let csv_text = p.read("public/2023/data.csv");
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    assert!(reader.records().any(|r| &r.unwrap()[3] == name));
}

#[test]
fn help_is_clear() {
    let p = Project::fixture("basic");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("build") && help.contains("check"), "{help}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in ["--root", "--out", "--drafts", "--base-url"] {
        assert!(help.contains(flag), "{help}");
    }
    let run = p.build();
    let line = run.stdout.lines().last().unwrap();
    assert!(
        line.starts_with("built 2 edition(s), ")
            && line.contains(" chart(s) ")
            && line.ends_with('s'),
        "{line}"
    );
}

#[test]
fn serial_and_parallel_builds_are_byte_identical() {
    let p = Project::example();
    p.run_env(&["build", "--out", "serial"], &[("RAYON_NUM_THREADS", "1")])
        .ok();
    p.run_env(
        &["build", "--out", "parallel"],
        &[("RAYON_NUM_THREADS", "4")],
    )
    .ok();
    let serial = output_files(&p.path("serial"));
    let parallel = output_files(&p.path("parallel"));
    assert!(serial.iter().any(|(n, _)| n == "2023/nianbao.html"));
    assert_eq!(serial.len(), parallel.len());
    for ((n1, b1), (n2, b2)) in serial.iter().zip(&parallel) {
        assert_eq!(n1, n2);
        assert!(
            b1 == b2,
            "{n1} differs between a serial and a parallel build"
        );
    }
}

#[test]
fn a_cached_rebuild_renders_only_what_changed_and_matches_a_fresh_build() {
    use gongkai::pipeline::build_in_memory;
    use gongkai::render::RenderCache;
    use gongkai::render::RenderOptions;
    use std::sync::Arc;

    let p = Project::fixture("basic");
    let cache = Arc::new(RenderCache::default());
    let cached = RenderOptions {
        drafts: true,
        cache: Some(Arc::clone(&cache)),
        ..RenderOptions::default()
    };
    let fresh = RenderOptions {
        drafts: true,
        ..RenderOptions::default()
    };
    let build = |options: &RenderOptions| {
        build_in_memory(p.dir.path(), options, None)
            .unwrap()
            .0
            .files
    };
    build(&cached);
    let (first, _) = cache.take_counts();
    assert!(first >= 8, "every part rendered the first time: {first}");
    // One search index per edition (2022–2024, drafts included) and one of the site-wide
    // pages.
    assert_eq!(cache.take_made_from_pages(), 4);

    // One narrative page: only that page is rendered again, as one part holding both its
    // standard and its 关怀版 version.
    p.edit("content/2023/report.md", "开篇段落", "开篇段落（修订）");
    let after_text = build(&cached);
    assert_eq!(cache.take_counts().0, 1);
    // Only 2023's page reads differently: the other indexes are not built again (the home
    // page is rendered again on every rebuild, but its text is the same).
    assert_eq!(cache.take_made_from_pages(), 1);
    assert!(
        String::from_utf8_lossy(&after_text["care/2023/index.html"]).contains("开篇段落（修订）")
    );
    assert!(
        after_text == build(&fresh),
        "cached output differs from a fresh build"
    );
    assert!(String::from_utf8_lossy(&after_text["2023/index.html"]).contains("开篇段落（修订）"));

    // One figure of 2022: 2022's and every later edition's indicator parts (their histories),
    // and the narrative pages of 2022 and 2023 (change() compares with the year before).
    p.edit(
        "content/2022/indicators.yaml",
        "        value: 600",
        "        value: 650",
    );
    p.edit(
        "content/2022/indicators.yaml",
        "        value: 1000",
        "        value: 1050",
    );
    let after_data = build(&cached);
    let (rendered, reused) = cache.take_counts();
    assert!(
        rendered < first && reused > 0,
        "{rendered} rendered, {reused} reused"
    );
    assert!(
        after_data == build(&fresh),
        "cached output differs from a fresh build"
    );

    // A renamed indicator: the 网站地图 lists every indicator by name, so the cached one
    // is not reused.
    p.edit(
        "content/2023/indicators.yaml",
        "name: 登记失业率",
        "name: 城镇登记失业率",
    );
    let renamed = build(&cached);
    let sitemap = scraper::Html::parse_document(&String::from_utf8_lossy(&renamed["sitemap.html"]));
    assert!(
        crate::support::texts(&sitemap, "main a").contains(&"城镇登记失业率（2023年）".to_string()),
        "{:?}",
        crate::support::texts(&sitemap, "main a")
    );
    assert!(
        renamed == build(&fresh),
        "cached output differs from a fresh build"
    );
}
