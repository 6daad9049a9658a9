//! Generates a deterministic gongkai project of any size for benchmarks, and the same corpus
//! as a Hugo and a Zola project (one page per indicator with the same fields, a narrative page
//! per edition, minimal templates; no charts, since they have none).
//!
//! `cargo run --release --example gen-corpus -- --editions 10 --sections 20 --indicators 1000 OUT`
//! writes OUT/gongkai, OUT/hugo and OUT/zola.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// xorshift64*: a tiny seeded generator, so every run writes the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const UNITS: [&str; 6] = ["人", "家", "户次", "件", "万元", "%"];
const WORDS: [&str; 24] = [
    "就业", "社保", "人才", "培训", "维权", "调解", "参保", "创业", "补贴", "岗位", "服务", "监察",
    "仲裁", "养老", "医疗", "工伤", "失业", "技能", "招聘", "考核", "档案", "职称", "帮扶", "稳岗",
];
const PHRASES: [&str; 8] = [
    "坚持以人民为中心，统筹推进各项工作，",
    "围绕年度目标任务，强化责任落实，",
    "加强部门协同联动，完善工作机制，",
    "聚焦重点群体，提升服务质量，",
    "深化改革创新，优化办事流程，",
    "狠抓政策落实，确保资金安全，",
    "加大宣传力度，扩大覆盖范围，",
    "严格监督检查，防范化解风险，",
];

struct Args {
    editions: usize,
    sections: usize,
    indicators: usize,
    out: PathBuf,
}

fn parse_args() -> Args {
    let mut args = Args {
        editions: 3,
        sections: 5,
        indicators: 100,
        out: PathBuf::from("corpus"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match a.as_str() {
            "--editions" => args.editions = num(),
            "--sections" => args.sections = num(),
            "--indicators" => args.indicators = num(),
            other => args.out = PathBuf::from(other),
        }
    }
    args
}

/// One generated indicator of one edition.
struct Ind {
    section: usize,
    id: String,
    name: String,
    unit: &'static str,
    value: Option<f64>,
    target: Option<f64>,
    parts: Vec<String>,
    series: Vec<(String, f64)>,
}

fn indicators(rng: &mut Rng, year: i32, n: usize, sections: usize, base: &[f64]) -> Vec<Ind> {
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let section = i * sections / n;
        // Every 10th indicator (with room for two more in the section) is a total of the next two.
        if i % 10 == 0 && i + 2 < n && (i + 2) * sections / n == section {
            let a = (base[i + 1] * (1.0 + rng.range(0, 20) as f64 / 100.0)).round();
            let b = (base[i + 2] * (1.0 + rng.range(0, 20) as f64 / 100.0)).round();
            let ids = [
                format!("s{section}.i{i}"),
                format!("s{section}.i{}", i + 1),
                format!("s{section}.i{}", i + 2),
            ];
            out.push(Ind {
                section,
                id: ids[0].clone(),
                name: format!("{}合计{i}", stable_name(i)),
                unit: "人",
                value: Some(a + b),
                target: Some(((a + b) * 0.95).round()),
                parts: vec![ids[1].clone(), ids[2].clone()],
                series: Vec::new(),
            });
            for (k, v) in [(1, a), (2, b)] {
                out.push(Ind {
                    section,
                    id: ids[k].clone(),
                    name: format!("{}分项{}", stable_name(i + k), i + k),
                    unit: "人",
                    value: Some(v),
                    target: None,
                    parts: Vec::new(),
                    series: Vec::new(),
                });
            }
            i += 3;
            continue;
        }
        let unit = UNITS[i % UNITS.len()];
        let grow = 1.0 + rng.range(0, 30) as f64 / 100.0;
        let mut value = if unit == "%" {
            (50.0 + base[i] % 40.0 + rng.range(0, 300) as f64 / 100.0).min(99.0)
        } else if unit == "万元" {
            (base[i] * grow * 100.0).round() / 100.0
        } else {
            (base[i] * grow).round()
        };
        if unit == "万元" {
            value = (value * 100.0).round() / 100.0;
        }
        let withheld = i % 13 == 5;
        let series = if !withheld && i % 7 == 3 && unit != "%" {
            let mut s = Vec::new();
            for q in 1..=4 {
                let v = if q == 4 {
                    value
                } else {
                    (value * q as f64 / 4.0).round()
                };
                s.push((format!("{year}-{:02}", q * 3), v));
            }
            s
        } else {
            Vec::new()
        };
        out.push(Ind {
            section,
            id: format!("s{section}.i{i}"),
            name: format!("{}指标{i}", stable_name(i)),
            unit,
            value: (!withheld).then_some(value),
            target: (!withheld && i % 4 == 1 && unit != "%").then(|| (value * 0.9).round()),
            parts: Vec::new(),
            series,
        });
        i += 1;
    }
    out
}

/// The same name for indicator `i` in every edition (a renamed id would be a warning).
fn stable_name(i: usize) -> String {
    let w = |k: usize| WORDS[k % WORDS.len()];
    format!("{}{}{}", w(i * 7), w(i * 13 + 5), w(i * 17 + 11))
}

fn num(v: f64, unit: &str) -> String {
    if unit == "万元" || unit == "%" {
        format!("{v:.2}")
    } else {
        format!("{}", v as i64)
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn main() {
    let args = parse_args();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let base: Vec<f64> = (0..args.indicators)
        .map(|_| rng.range(100, 20_000) as f64)
        .collect();
    let first_year = 2016;
    let g = args.out.join("gongkai/content");
    let hugo = args.out.join("hugo");
    let zola = args.out.join("zola");
    write(
        &g.join("site.yaml"),
        "title: 基准测试局信息公开\norganization: 基准测试局\nsite_domain: bench.example.gov.cn\ncolumn:\n  name: 工作总结\n  type: 政务公开\nfooter:\n  site_code: \"0000000000\"\n",
    );
    write(&hugo.join("hugo.toml"), "baseURL = 'https://bench.example.gov.cn/'\ntitle = '基准测试局信息公开'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n");
    write(&hugo.join("layouts/_default/single.html"), HUGO_SINGLE);
    write(&hugo.join("layouts/_default/list.html"), HUGO_LIST);
    write(&hugo.join("layouts/index.html"), HUGO_LIST);
    write(&zola.join("config.toml"), "base_url = 'https://bench.example.gov.cn/'\ntitle = '基准测试局信息公开'\ncompile_sass = false\nbuild_search_index = false\n");
    write(&zola.join("templates/page.html"), ZOLA_PAGE);
    write(&zola.join("templates/section.html"), ZOLA_SECTION);
    write(&zola.join("templates/index.html"), ZOLA_SECTION);
    write(
        &zola.join("content/_index.md"),
        "+++\ntitle = '首页'\n+++\n",
    );
    write(&hugo.join("content/_index.md"), "---\ntitle: 首页\n---\n");

    for e in 0..args.editions {
        let year = first_year + e as i32;
        let inds = indicators(&mut rng, year, args.indicators, args.sections, &base);
        // indicators.yaml
        let mut y = String::from("sections:\n");
        let mut current = usize::MAX;
        for ind in &inds {
            if ind.section != current {
                current = ind.section;
                let _ = write!(
                    y,
                    "  - id: s{current}\n    title: 第{}部分工作\n    indicators:\n",
                    current + 1
                );
            }
            let _ = write!(
                y,
                "      - id: {}\n        name: {}\n        unit: \"{}\"\n",
                ind.id, ind.name, ind.unit
            );
            match ind.value {
                Some(v) => {
                    let _ = writeln!(y, "        value: {}", num(v, ind.unit));
                }
                None => y.push_str("        value: \"*\"\n"),
            }
            if let Some(t) = ind.target {
                let _ = writeln!(y, "        target: {}", num(t, ind.unit));
            }
            if ind.unit == "万元" || ind.unit == "%" {
                y.push_str("        decimals: 2\n");
            }
            if !ind.parts.is_empty() {
                let _ = writeln!(y, "        parts: [{}]", ind.parts.join(", "));
            }
            if !ind.series.is_empty() {
                let pts: Vec<String> = ind
                    .series
                    .iter()
                    .map(|(p, v)| format!("\"{p}\": {}", num(*v, ind.unit)))
                    .collect();
                let _ = writeln!(
                    y,
                    "        cumulative: true\n        series: {{{}}}",
                    pts.join(", ")
                );
            }
            let _ = writeln!(
                y,
                "        source: 区{}中心",
                WORDS[ind.section % WORDS.len()]
            );
        }
        write(&g.join(format!("{year}/indicators.yaml")), &y);

        // report.md: about 5,000 characters using the narrative functions.
        let mut md = format!(
            "---\ntitle: 基准测试局{year}年工作总结\nindex_no: BENCH-{year}-0001\npublisher: 基准测试局\npublished: {year}-12-20\nas_of: {year}-11-30\ncategory: 劳动、人事、监察\\劳动就业\nsummary: {year}年工作总结。\n---\n{year}年，基准测试局认真履行职责，较好完成各项目标任务。\n\n"
        );
        let mut plain = md.clone();
        let mut chars = 0;
        let mut k = 0;
        let mut section = 0;
        while chars < 5000 {
            if k % 6 == 0 {
                section += 1;
                let _ = write!(md, "## {}、第{section}方面工作\n\n", section);
                let _ = write!(plain, "## {}、第{section}方面工作\n\n", section);
            }
            let ind = &inds[(k * 7919) % inds.len()];
            let phrase = rng.pick(&PHRASES);
            let value_text = ind.value.map_or("*".to_string(), |v| num(v, ind.unit));
            let _ = write!(
                md,
                "{phrase}全年{}达到{{{{ value(\"{}\") }}}}{}",
                ind.name, ind.id, ind.unit
            );
            let _ = write!(
                plain,
                "{phrase}全年{}达到{}{}",
                ind.name, value_text, ind.unit
            );
            if let (Some(v), Some(t)) = (ind.value, ind.target) {
                let _ = write!(md, "，完成目标的{{{{ completion(\"{}\") }}}}", ind.id);
                let _ = write!(plain, "，完成目标的{:.2}％", v / t * 100.0);
            }
            md.push_str("。\n\n");
            plain.push_str("。\n\n");
            chars += phrase.chars().count() + ind.name.chars().count() + 16;
            k += 1;
        }
        write(&g.join(format!("{year}/report.md")), &md);

        // Hugo and Zola: one page per indicator with the same fields, one narrative page.
        let body = plain
            .split_once("\n---\n")
            .map_or(plain.as_str(), |(_, b)| b)
            .to_string();
        write(
            &hugo.join(format!("content/{year}/_index.md")),
            &format!("---\ntitle: 基准测试局{year}年工作总结\ndate: {year}-12-20\n---\n{body}"),
        );
        write(
            &zola.join(format!("content/{year}/_index.md")),
            &format!("+++\ntitle = '基准测试局{year}年工作总结'\n+++\n{body}"),
        );
        for ind in &inds {
            let v = ind.value.map_or("*".to_string(), |v| num(v, ind.unit));
            let t = ind.target.map_or(String::new(), |t| num(t, ind.unit));
            let fm = format!(
                "title: {}\nvalue: \"{v}\"\nunit: \"{}\"\ntarget: \"{t}\"\nsource: 区{}中心",
                ind.name,
                ind.unit,
                WORDS[ind.section % WORDS.len()]
            );
            let text = format!("{}（{year}年）：{v}{}。", ind.name, ind.unit);
            write(
                &hugo.join(format!("content/{year}/{}.md", ind.id.replace('.', "-"))),
                &format!("---\n{fm}\ndate: {year}-12-20\n---\n{text}\n"),
            );
            let zfm = format!("title = '{}'\ndate = {year}-12-20\n[extra]\nvalue = '{v}'\nunit = '{}'\ntarget = '{t}'\nsource = '区{}中心'", ind.name, ind.unit, WORDS[ind.section % WORDS.len()]);
            write(
                &zola.join(format!("content/{year}/{}.md", ind.id.replace('.', "-"))),
                &format!("+++\n{zfm}\n+++\n{text}\n"),
            );
        }
    }
    println!(
        "wrote {} editions × {} indicators to {}",
        args.editions,
        args.indicators,
        args.out.display()
    );
}

const HUGO_SINGLE: &str = r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}_{{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1><table><tr><th>数值</th><td>{{ .Params.value }}</td></tr><tr><th>单位</th><td>{{ .Params.unit }}</td></tr>
<tr><th>目标</th><td>{{ .Params.target }}</td></tr><tr><th>来源</th><td>{{ .Params.source }}</td></tr></table>{{ .Content }}</body></html>
"#;
const HUGO_LIST: &str = r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}_{{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.value }}</li>{{ end }}</ul></body></html>
"#;
const ZOLA_PAGE: &str = r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ page.title }}_{{ config.title }}</title></head>
<body><h1>{{ page.title }}</h1><table><tr><th>数值</th><td>{{ page.extra.value }}</td></tr><tr><th>单位</th><td>{{ page.extra.unit }}</td></tr>
<tr><th>目标</th><td>{{ page.extra.target }}</td></tr><tr><th>来源</th><td>{{ page.extra.source }}</td></tr></table>{{ page.content | safe }}</body></html>
"#;
const ZOLA_SECTION: &str = r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ section.title }}_{{ config.title }}</title></head>
<body><h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> {{ p.extra.value }}</li>{% endfor %}</ul></body></html>
"#;
