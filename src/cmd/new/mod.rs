//! `gongkai new <year>`: scaffolds content/<year>/ from the latest edition: the same sections
//! and indicators with every figure left 待填报, the previous report's headings, status draft,
//! and the annual disclosure report (see [`nianbao`]). The project is read through the
//! loader, so a project that does not load is refused with the located errors `check` gives.

mod nianbao;

use crate::cli::NewArgs;
use crate::model::config::ReportFront;
use crate::model::Section;
use crate::pipeline::Failure;
use std::fmt::Write as _;

pub fn run(args: &NewArgs) -> Result<String, Failure> {
    let content = args.root.join("content");
    let year = args.year;
    let target = content.join(year.to_string());
    if target.exists() {
        return Err(Failure::Refused(format!(
            "content/{year}/ already exists; gongkai new never overwrites an edition (delete or rename the folder first if you really mean to start over)"
        )));
    }
    let site = crate::load::load(&args.root).map_err(|(s, d)| Failure::Content(s, d))?;
    let prev = site.editions.last().ok_or_else(|| {
        Failure::Refused(format!(
            "no edition to start from in {}: create content/<year>/report.md and indicators.yaml by hand for the first edition",
            content.display()
        ))
    })?;
    let latest = prev.year;
    if latest >= year {
        return Err(Failure::Refused(format!(
            "the latest edition is {latest}; a new edition must come after it"
        )));
    }

    let shift = |s: &str| shift_years(s, latest, year);
    let previous_report = prev.nianbao.as_ref().map(|n| (latest, n));
    // A site that publishes only annual reports gets only an annual report.
    let work_report = prev.report.as_ref().map(|report| {
        [
            (
                "indicators.yaml",
                indicators_yaml(&prev.sections, latest, year),
            ),
            (
                "report.md",
                report_md(&report.front, &report.body, year, &shift),
            ),
        ]
    });
    let files = work_report.into_iter().flatten().chain([
        ("nianbao.yaml", nianbao::yaml(year, previous_report)),
        (
            "nianbao.md",
            nianbao::markdown(year, &site.config, previous_report),
        ),
    ]);
    std::fs::create_dir_all(&target)
        .map_err(|e| Failure::Io(format!("cannot create {}: {e}", target.display())))?;
    for (name, text) in files {
        std::fs::write(target.join(name), text)
            .map_err(|e| Failure::Io(format!("cannot write content/{year}/{name}: {e}")))?;
    }
    let count: usize = prev.sections.iter().map(|s| s.indicators.len()).sum();
    let carried = match previous_report {
        Some((latest, _)) => format!(
            "the {latest} report's carried-over requests and documents in force are comments beside the rows that must agree with them"
        ),
        None => "no earlier annual report to carry figures from: delete nianbao.md and nianbao.yaml if this site does not publish one".to_string(),
    };
    let work = match prev.report {
        Some(_) => format!(
            "{} section(s), {count} indicator(s) to fill (every `value: ~` is 待填报), report.md with the {latest} headings, status: draft",
            prev.sections.len()
        ),
        None => format!("an annual report only, as in the {latest} edition"),
    };
    Ok(format!(
        "created content/{year}/ from the {latest} edition: {work}\n\
         annual report: nianbao.yaml with every cell blank (`~` reads as 0: fill in every row), nianbao.md with the six sections, status: draft; {carried}\n\
         next: fill in the figures and the narrative, then run `gongkai check --drafts`\n"
    ))
}

/// Four-digit years `from` and `from + 1` in `s`, moved on by `to - from` (a report for
/// 2023 usually also names the 2024 plan).
pub fn shift_years(s: &str, from: i32, to: i32) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let digits: String = chars[i..i + run].iter().collect();
        match digits.parse::<i32>() {
            Ok(y) if run == 4 && (y == from || y == from + 1) => {
                let _ = write!(out, "{}", y + to - from);
            }
            _ => out.push_str(&digits),
        }
        i += run;
    }
    out
}

/// YAML scalars are written as JSON strings, which YAML reads as double-quoted scalars.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn indicators_yaml(sections: &[Section], latest: i32, year: i32) -> String {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# {year}年度指标，由 gongkai new 根据{latest}年度生成。\n# 每个 `value: ~` 都是“待填报”：填入本年度数值（依法不予公开的写 \"*\"）后 check 才会通过。\n# 目标（target）请按本年度计划填写；注释中是上年目标，仅供参考。\nsections:"
    );
    for s in sections {
        let _ = writeln!(
            y,
            "  - id: {}\n    title: {}\n    indicators:",
            q(&s.id),
            q(&s.title)
        );
        for i in &s.indicators {
            let _ = writeln!(y, "      - id: {}", q(&i.id));
            let _ = writeln!(y, "        name: {}", q(&i.name));
            let _ = writeln!(y, "        unit: {}", q(&i.unit));
            let _ = writeln!(y, "        value: ~  # 待填报");
            if let Some(t) = i.target {
                let shown = match t {
                    crate::model::Figure::Number(v) => v.to_string(),
                    crate::model::Figure::Withheld => "\"*\"".into(),
                };
                let _ = writeln!(y, "        # target: {shown}  # {latest}年目标");
            }
            if !i.parts.is_empty() {
                let parts: Vec<String> = i.parts.iter().map(|p| q(p)).collect();
                let _ = writeln!(y, "        parts: [{}]", parts.join(", "));
            }
            if i.cumulative {
                let _ = writeln!(y, "        cumulative: true");
            }
            if let Some(d) = i.decimals {
                let _ = writeln!(y, "        decimals: {d}");
            }
            if i.better == crate::model::Better::Lower {
                let _ = writeln!(y, "        better: lower");
            }
            if i.headline {
                let _ = writeln!(y, "        headline: true");
            }
            if i.allow_over_100 {
                let _ = writeln!(y, "        allow_over_100: true");
            }
            for (key, v) in [("description", &i.description), ("source", &i.source)] {
                if let Some(v) = v {
                    let _ = writeln!(y, "        {key}: {}", q(v));
                }
            }
        }
    }
    y
}

fn report_md(front: &ReportFront, body: &str, year: i32, shift: &dyn Fn(&str) -> String) -> String {
    let mut r = String::from("---\n");
    let _ = writeln!(r, "title: {}", q(&shift(&front.title)));
    let _ = writeln!(r, "index_no: {}", q(&shift(&front.index_no)));
    let _ = writeln!(r, "publisher: {}", q(&front.publisher));
    let _ = writeln!(r, "published: {year}-12-31  # 待定：发布前改为实际发布日期");
    let _ = writeln!(r, "category: {}", q(&front.category));
    let _ = writeln!(r, "status: draft  # 定稿后改为 published");
    r.push_str("---\n");
    let mut fenced = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            let _ = writeln!(r, "\n{}\n\n（待撰写）", shift(line));
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_the_report_year_and_the_plan_year_only() {
        assert_eq!(
            shift_years("2023年工作总结和2024年工作计划，较2022年", 2023, 2024),
            "2024年工作总结和2025年工作计划，较2022年"
        );
        assert_eq!(
            shift_years("QC-RSJ-2023-0012", 2023, 2024),
            "QC-RSJ-2024-0012"
        );
        assert_eq!(shift_years("12023", 2023, 2024), "12023");
    }
}
