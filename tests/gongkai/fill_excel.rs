//! Each Excel reality of issue 16 as a test: what a 科室 does to the workbook (numbers stored
//! as text, `1,264`, full-width digits, a unit after the figure, `3.5%` typed or kept as 0.035
//! with a percent format, merged cells, hidden rows, extra columns, rows moved, ids missing,
//! unknown or twice), CSV saved from a sheet in UTF-8 and GB18030, withheld figures, the annual
//! report's cells, and workbooks that must change nothing.

use crate::fill::*;
use crate::support::Project;

pub(crate) fn value_line(p: &Project, id: &str) -> String {
    let yaml = p.read(YAML);
    let at = yaml.find(&format!("- id: {id}\n")).unwrap();
    yaml[at..]
        .lines()
        .find(|l| l.trim_start().starts_with("value:"))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn text_stored_numbers_thousands_separators_and_full_width_digits_are_figures() {
    let p = Project::example();
    import(
        &p,
        "2023",
        |s| {
            set(s, "talent.high_level", "2023年数值", C::S("23".into()));
            set(s, "talent.teachers", "2023年数值", C::S("1,264".into()));
            set(
                s,
                "talent.public_recruit",
                "2023年数值",
                C::S("１５５".into()),
            );
            set(
                s,
                "talent.professional_titles",
                "2023年数值",
                C::S("380人".into()),
            );
        },
        &[],
    );
    assert_eq!(value_line(&p, "talent.high_level"), "value: 23");
    assert_eq!(value_line(&p, "talent.teachers"), "value: 1264");
    assert_eq!(value_line(&p, "talent.public_recruit"), "value: 155");
    // The indicator's own unit after the figure is accepted: it says what the form says.
    assert_eq!(value_line(&p, "talent.professional_titles"), "value: 380");
}

#[test]
fn percentages_typed_with_a_sign_or_kept_with_a_percent_format_are_per_cent() {
    let p = Project::example();
    import(
        &p,
        "2023",
        |s| {
            set(
                s,
                "employment.unemployment_rate",
                "2023年数值",
                C::S("3.5%".into()),
            );
            set(s, "poverty.employment_rate", "2023年数值", C::P(0.9531));
            set(
                s,
                "poverty.relocation_rate",
                "2023年数值",
                C::S("97.5％".into()),
            );
        },
        &[],
    )
    .ok();
    assert_eq!(value_line(&p, "employment.unemployment_rate"), "value: 3.5");
    assert_eq!(value_line(&p, "poverty.employment_rate"), "value: 95.31");
    assert_eq!(value_line(&p, "poverty.relocation_rate"), "value: 97.5");
}

#[test]
fn merged_cells_hidden_rows_extra_columns_and_moved_rows_change_nothing_else() {
    let p = Project::example();
    let run = import(
        &p,
        "2023",
        |sheets| {
            set(sheets, "talent.high_level", "2023年数值", C::N(23.0));
            set(sheets, "talent.teachers", "2023年数值", C::N(53.0));
            set(
                sheets,
                "talent.high_level",
                "备注",
                C::S("含柔性引进3人".into()),
            );
            let t = sheet(sheets, "人才队伍建设");
            // A column the 科室 added before the figures, and one after.
            for row in t.rows.iter_mut().skip(1) {
                row.insert(2, C::S("科室".into()));
                row.push(C::S("经办人".into()));
            }
            // Rows in another order, one of them hidden, the 备注 merged over two rows.
            t.rows[2..].reverse();
            let high = row_of(t, "talent.high_level") as u32;
            t.hidden_rows.push(high);
            let note = header_col(t, "备注") as u16;
            t.merges.push((high, note, high + 1, note));
            t.merges.push((0, 0, 0, 9));
            // A 合计 row the 科室 added: a figure without an id.
            let value = header_col(t, "2023年数值");
            let mut total = vec![C::E; value + 1];
            total[1] = C::S("合计".into());
            total[value] = C::N(603.0);
            t.rows.push(total);
        },
        &[],
    )
    .ok();
    assert_eq!(value_line(&p, "talent.high_level"), "value: 23");
    assert_eq!(value_line(&p, "talent.teachers"), "value: 53");
    assert!(
        run.stdout
            .contains("talent.high_level (sheet 人才队伍建设!"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("含柔性引进3人"),
        "the 备注 is shown: {}",
        run.stdout
    );
    assert!(!p.read(YAML).contains("柔性"), "a 备注 is never published");
    let skipped = run.stdout.split("not imported").nth(1).unwrap_or("");
    assert!(skipped.contains("sheet 人才队伍建设!G8"), "{}", run.stdout);
}

#[test]
fn an_id_missing_from_the_sheet_is_kept_and_listed() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |sheets| {
            let t = sheet(sheets, "人才队伍建设");
            let r = row_of(t, "talent.teachers");
            t.rows.remove(r);
        },
        &[],
    )
    .ok();
    assert_eq!(p.read(YAML), before);
    let listed = run.stdout.split("not in the workbook").nth(1).unwrap_or("");
    assert!(
        listed.contains("talent.teachers 配合招聘特岗教师"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_cell_that_is_not_the_figure_is_reported_at_its_place_and_nothing_is_written() {
    let p = Project::example();
    let before = std::fs::read(p.path(YAML)).unwrap();
    let nianbao = std::fs::read(p.path("content/2023/nianbao.yaml")).unwrap();
    let run = import(
        &p,
        "2023",
        |sheets| {
            set(sheets, "talent.high_level", "2023年数值", C::N(23.0));
            set(sheets, "talent.teachers", "2023年数值", C::S("52户".into()));
            set(
                sheets,
                "talent.public_recruit",
                "2023年目标",
                C::S("约150".into()),
            );
            set(
                sheets,
                "talent.professional_titles",
                "2023年数值",
                C::S("3.3%".into()),
            );
            set(
                sheets,
                "employment.public_posts",
                "2023年数值",
                C::S("1,18,6".into()),
            );
            let t = sheet(sheets, "人才队伍建设");
            let mut extra = t.rows[2].clone();
            extra[0] = C::S("talent.hig_level".into());
            t.rows.push(extra);
            let twice = t.rows[3].clone();
            t.rows.push(twice);
        },
        &[],
    );
    run.fails_at("E090", "sheet 人才队伍建设!F5");
    run.fails_at("E090", "sheet 人才队伍建设!G6");
    run.fails_at("E090", "sheet 人才队伍建设!F7");
    run.fails_at("E092", "sheet 人才队伍建设!A8");
    run.fails_at("E093", "sheet 人才队伍建设!A9");
    assert!(run.stderr.contains("drop `户`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `talent.high_level`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("employment.public_posts"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(p.path(YAML)).unwrap(),
        before,
        "indicators.yaml must be untouched, also its good figure"
    );
    assert_eq!(
        std::fs::read(p.path("content/2023/nianbao.yaml")).unwrap(),
        nianbao,
        "nianbao.yaml too"
    );
    let strays: Vec<_> = std::fs::read_dir(p.path("content/2023"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("gongkai-new"))
        .collect();
    assert!(strays.is_empty(), "no temporary file is left: {strays:?}");
}

#[test]
fn a_withheld_figure_stays_withheld_and_a_star_withholds() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |s| {
            set(s, "talent.high_level", "2023年数值", C::N(23.0));
            set(s, "talent.medical_hired", "2023年数值", C::N(37.0));
        },
        &[],
    );
    run.fails_at("E091", "sheet 人才队伍建设!F4");
    assert_eq!(p.read(YAML), before);
    // `*` (also full-width) withholds a published figure: written as README says, "*".
    import(
        &p,
        "2023",
        |s| set(s, "talent.teachers", "2023年数值", C::S("＊".into())),
        &[],
    );
    assert_eq!(value_line(&p, "talent.teachers"), "value: \"*\"");
    assert_eq!(value_line(&p, "talent.medical_hired"), "value: \"*\"");
}

#[test]
fn a_workbook_of_another_year_or_site_is_refused() {
    let p = Project::example();
    p.run(&["export", "2022", "--out", "y2022.xlsx"]).ok();
    let before = p.read(YAML);
    let file = p.path("y2022.xlsx");
    let run = p.run(&["import", "2023", file.to_str().unwrap()]);
    run.fails_at("E094", "sheet 填报信息!B2");
    assert!(
        run.stderr.contains("this workbook is for 2022, not 2023"),
        "{}",
        run.stderr
    );
    let run = import(
        &p,
        "2023",
        |sheets| {
            let meta = sheet(sheets, "填报信息");
            meta.rows[2][1] = C::S("另一个局 工作报告公开".into());
        },
        &[],
    );
    run.fails_at("E094", "sheet 填报信息!B3");
    assert!(run.stderr.contains("另一个局"), "{}", run.stderr);
    assert_eq!(p.read(YAML), before);
}

/// A sheet as Excel's 另存为 CSV writes it: the shown text of every cell, CRLF lines.
fn csv_of(sheet: &Sheet) -> String {
    csv_separated(sheet, b',')
}

/// The same, with fields separated by `separator` (Excel writes `;` where the system's
/// list separator is `;`).
pub(crate) fn csv_separated(sheet: &Sheet, separator: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in &sheet.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                C::E => String::new(),
                C::S(t) => t.clone(),
                C::N(n) => n.to_string(),
                C::P(n) => format!("{:.1}%", n * 100.0),
                C::D(n) => n.to_string(),
            })
            .collect();
        w.write_record(if cells.is_empty() {
            vec![String::new()]
        } else {
            cells
        })
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn a_gb18030_csv_imports_the_same_as_its_utf8_twin_and_as_the_workbook() {
    let fill = |sheets: &mut Vec<Sheet>| {
        set(
            sheets,
            "talent.high_level",
            "2023年数值",
            C::S("1,023".into()),
        );
        set(sheets, "talent.public_recruit", "2023年目标", C::N(155.0));
        set(sheets, "talent.teachers", "2023年数值", C::S("＊".into()));
    };
    let results: Vec<String> = ["xlsx", "utf8", "gb18030"]
        .iter()
        .map(|kind| {
            let p = Project::example();
            let mut sheets = exported(&p, "2023");
            fill(&mut sheets);
            let text = csv_of(sheet(&mut sheets, "人才队伍建设"));
            let (name, bytes) = match *kind {
                "xlsx" => {
                    save(&sheets, &p.path("filled.xlsx"));
                    ("filled.xlsx", std::fs::read(p.path("filled.xlsx")).unwrap())
                }
                "utf8" => (
                    "人才.csv",
                    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                ),
                _ => (
                    "人才.csv",
                    encoding_rs::GB18030.encode(&text).0.into_owned(),
                ),
            };
            std::fs::write(p.path(name), bytes).unwrap();
            let run = p
                .run(&["import", "2023", p.path(name).to_str().unwrap()])
                .ok();
            assert!(run.stdout.contains("3 change(s)"), "{kind}: {}", run.stdout);
            p.read(YAML)
        })
        .collect();
    assert!(results[0].contains("value: 1023"));
    assert_eq!(results[1], results[0], "UTF-8 CSV against the workbook");
    assert_eq!(results[2], results[0], "GB18030 CSV against the workbook");
}

#[test]
fn a_csv_cell_is_reported_at_its_line_and_field() {
    let p = Project::example();
    let mut sheets = exported(&p, "2023");
    set(
        &mut sheets,
        "talent.teachers",
        "2023年数值",
        C::S("52名".into()),
    );
    let text = csv_of(sheet(&mut sheets, "人才队伍建设"));
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(p.path("t.csv"), gbk).unwrap();
    let run = p.run(&["import", "2023", p.path("t.csv").to_str().unwrap()]);
    run.fails_at("E090", "t.csv:5:6");
}

#[test]
fn annual_report_cells_are_edited_in_place_in_nianbao_yaml() {
    let p = Project::example();
    let before = p.read("content/2023/nianbao.yaml");
    let run = import(
        &p,
        "2023",
        |s| {
            set(s, "nb.proactive.licensing", "2023年数值", C::N(1330.0));
            set(s, "nb.requests.new.person", "2023年数值", C::N(25.0));
            set(s, "nb.requests.new.total", "2023年数值", C::S("29".into()));
        },
        &[],
    );
    let after = p.read("content/2023/nianbao.yaml");
    let changed = changed_lines(&before, &after);
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert_eq!(changed[0].1, "  licensing: 1330            # 行政许可\n");
    assert_eq!(
        changed[1].1,
        "  new:          [25, 2, 0, 1, 1, 0, 29]   # 一、本年新收政府信息公开申请数量\n"
    );
    // The project is checked after the import: 一 + 二 no longer balances 三 + 四.
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("error[E072]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("the figures above were written"),
        "{}",
        run.stdout
    );
    let bad = import(
        &p,
        "2023",
        |s| set(s, "nb.requests.new.person", "2023年数值", C::N(2.5)),
        &[],
    );
    bad.fails_at("E090", "sheet 年度报告!F13");
    assert_eq!(p.read("content/2023/nianbao.yaml"), after);
}

#[test]
fn a_new_edition_is_filled_from_its_workbook() {
    let p = Project::example();
    p.run(&["new", "2024"]).ok();
    let yaml = "content/2024/indicators.yaml";
    let before = p.read(yaml);
    let run = import(
        &p,
        "2024",
        |s| {
            set(s, "talent.high_level", "2024年数值", C::N(25.0));
            set(s, "talent.high_level", "2024年目标", C::N(24.0));
            set(s, "talent.medical_hired", "2024年数值", C::S("*".into()));
        },
        &[],
    );
    let after = p.read(yaml);
    let expected = before
        .replacen(
            "\"talent.high_level\"\n        name: \"引进高层次人才\"\n        unit: \"人\"\n        value: ~  # 待填报\n",
            "\"talent.high_level\"\n        name: \"引进高层次人才\"\n        unit: \"人\"\n        value: 25  # 待填报\n        target: 24\n",
            1,
        )
        .replacen(
            "\"talent.medical_hired\"\n        name: \"聘用非事业编制医务人员\"\n        unit: \"人\"\n        value: ~  # 待填报\n",
            "\"talent.medical_hired\"\n        name: \"聘用非事业编制医务人员\"\n        unit: \"人\"\n        value: \"*\"  # 待填报\n",
            1,
        );
    assert_ne!(
        expected, before,
        "the expected edits apply to what `new` wrote"
    );
    assert_eq!(after, expected);
    // The rest is still 待填报: check says so, the figures are written.
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[E031]"), "{}", run.stdout);
    let listed = run
        .stdout
        .split("left blank in the workbook")
        .nth(1)
        .unwrap_or("");
    assert!(listed.contains("talent.teachers"), "{}", run.stdout);
}

#[test]
fn export_replaces_no_other_file() {
    let p = Project::example();
    p.write("mine.xlsx", "my own spreadsheet");
    let run = p.run(&["export", "2023", "--out", "mine.xlsx"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing to overwrite"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read("mine.xlsx"), "my own spreadsheet");
    p.run(&["export", "2022", "--out", "old.xlsx"]).ok();
    let old = std::fs::read(p.path("old.xlsx")).unwrap();
    assert_eq!(p.run(&["export", "2023", "--out", "old.xlsx"]).code, 1);
    assert_eq!(std::fs::read(p.path("old.xlsx")).unwrap(), old);
    p.run(&["export", "2022", "--out", "old.xlsx"]).ok();
    let run = p.run(&["export", "2023", "--out", "content/2023/form.xlsx"]);
    assert_eq!(run.code, 2, "never into the sources: {}", run.stderr);
    let run = p.run(&["export", "2023", "--out", "form.csv"]);
    assert_eq!(
        run.code, 2,
        "an xlsx is not written as .csv: {}",
        run.stderr
    );
    assert!(!p.path("form.csv").exists());
}

/// The same filled workbook saved by LibreOffice as xlsx and ods imports alike; the xls's
/// percent format cannot be read, and 0.035 for a rate is refused rather than guessed.
#[test]
fn workbooks_saved_by_a_spreadsheet_program_import_alike() {
    let fixture = |ext: &str| {
        crate::support::repo_root()
            .join("tests/fixtures/fill")
            .join(format!("libreoffice-2023.{ext}"))
    };
    let mut results = Vec::new();
    for ext in ["xlsx", "ods"] {
        let p = Project::example();
        let run = p
            .run(&["import", "2023", fixture(ext).to_str().unwrap()])
            .ok();
        assert!(run.stdout.contains("3 change(s)"), "{ext}: {}", run.stdout);
        assert!(run.stdout.contains("含线上培训"), "{ext}: {}", run.stdout);
        assert_eq!(value_line(&p, "talent.teachers"), "value: 53", "{ext}");
        assert_eq!(
            value_line(&p, "employment.unemployment_rate"),
            "value: 3.5",
            "{ext}"
        );
        results.push(p.read(YAML));
    }
    assert_eq!(results[0], results[1]);
    let p = Project::example();
    let before = p.read(YAML);
    let run = p.run(&["import", "2023", fixture("xls").to_str().unwrap()]);
    run.fails_at("E090", "sheet 就业创业!F11");
    assert!(
        run.stderr.contains("type the rate as text with its sign"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read(YAML), before);
}

#[test]
fn text_from_the_workbook_cannot_drive_the_terminal() {
    let p = Project::example();
    let run = import(
        &p,
        "2023",
        |s| {
            set(
                s,
                "talent.high_level",
                "备注",
                C::S("\u{1b}]0;owned\u{7}\u{1b}[2J".into()),
            )
        },
        &[],
    )
    .ok();
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    assert!(
        run.stdout.contains("\\u{1b}]0;owned\\u{7}"),
        "{}",
        run.stdout
    );
    let run = import(
        &p,
        "2023",
        |sheets| {
            let t = sheet(sheets, "人才队伍建设");
            let mut row = t.rows[2].clone();
            row[0] = C::S("x\u{202e}y".into());
            t.rows.push(row);
        },
        &[],
    );
    run.fails_at("E092", "sheet 人才队伍建设!A8");
    assert!(!run.stderr.contains('\u{202e}'), "{:?}", run.stderr);
}

#[test]
fn a_csv_of_another_year_is_refused_by_its_header() {
    let p = Project::example();
    let mut sheets = exported(&p, "2022");
    let text = csv_of(sheet(&mut sheets, "人才队伍建设"));
    std::fs::write(p.path("old.csv"), text).unwrap();
    let (yaml, nianbao) = (p.read(YAML), p.read("content/2023/nianbao.yaml"));
    let run = p.run(&["import", "2023", p.path("old.csv").to_str().unwrap()]);
    run.fails_at("E094", "old.csv:2:1");
    assert!(run.stderr.contains("2022年数值"), "{}", run.stderr);
    assert_eq!(p.read(YAML), yaml);
    assert_eq!(p.read("content/2023/nianbao.yaml"), nianbao);
}

#[test]
fn a_file_saved_on_windows_keeps_its_byte_order_mark_and_crlf_lines() {
    let p = Project::example();
    let crlf = p.read(YAML).replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(crlf.as_bytes());
    std::fs::write(p.path(YAML), &bytes).unwrap();
    import(
        &p,
        "2023",
        |s| {
            set(s, "talent.high_level", "2023年数值", C::N(23.0));
            set(s, "talent.teachers", "2023年目标", C::N(50.0));
        },
        &[],
    )
    .ok();
    let expected = String::from_utf8(bytes)
        .unwrap()
        .replacen("        value: 22\r\n", "        value: 23\r\n", 1)
        .replacen(
            "        value: 52\r\n",
            "        value: 52\r\n        target: 50\r\n",
            1,
        );
    assert_eq!(
        String::from_utf8(std::fs::read(p.path(YAML)).unwrap()).unwrap(),
        expected
    );
}

#[test]
fn annual_report_rows_for_an_edition_without_one_are_one_problem() {
    let p = Project::example();
    p.run(&["export", "2023", "--out", "form.xlsx"]).ok();
    std::fs::remove_file(p.path("content/2023/nianbao.yaml")).unwrap();
    std::fs::remove_file(p.path("content/2023/nianbao.md")).unwrap();
    let before = p.read(YAML);
    let run = p.run(&["import", "2023", p.path("form.xlsx").to_str().unwrap()]);
    run.fails_at("E092", "sheet 年度报告!A3");
    assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/2023/nianbao.yaml"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read(YAML), before);
}

#[test]
fn next_years_sheet_or_a_doubled_figure_column_is_refused_by_its_header() {
    let p = Project::example();
    p.run(&["new", "2024"]).ok();
    let mut sheets = exported(&p, "2024");
    // 2024's sheet carries 2023's figures as its reference column `2023年数值`.
    let text = csv_of(sheet(&mut sheets, "人才队伍建设"));
    std::fs::write(p.path("next.csv"), &text).unwrap();
    let (yaml, nianbao) = (p.read(YAML), p.read("content/2023/nianbao.yaml"));
    let run = p.run(&["import", "2023", p.path("next.csv").to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E094"), "{}", run.stderr);
    assert!(run.stderr.contains("`2024年数值` column"), "{}", run.stderr);
    assert_eq!(p.read(YAML), yaml);
    assert_eq!(p.read("content/2023/nianbao.yaml"), nianbao);

    // A second (say hidden) column under the fill-in header is refused, not read first.
    let mut sheets = exported(&p, "2023");
    let text = csv_of(sheet(&mut sheets, "人才队伍建设"));
    let mut doubled = String::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let extra = if line.contains("指标编号") {
            "2023年数值"
        } else {
            "999"
        };
        doubled.push_str(&format!("{line},{extra}\r\n"));
    }
    std::fs::write(p.path("doubled.csv"), doubled).unwrap();
    let run = p.run(&["import", "2023", p.path("doubled.csv").to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("2 columns headed `2023年数值`"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read(YAML), yaml);
}
