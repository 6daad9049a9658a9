//! 填报 (issue 16): `export` writes the fill-in workbook, the tests fill a copy the way a 科室
//! does in Excel (written again with rust_xlsxwriter: text-stored numbers, percent formats,
//! merged cells, hidden rows, extra columns, rows moved), and `import` brings the figures
//! back into indicators.yaml and nianbao.yaml, changing only the figures' bytes.

use crate::support::{rows, texts, Project};
use calamine::{open_workbook_auto, Data, Reader};
use rust_xlsxwriter::{Format, Workbook};

/// A cell as the test writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum C {
    E,
    S(String),
    N(f64),
    /// A number shown with a percent format: Excel keeps `3.5%` as 0.035.
    P(f64),
    /// A number shown with a date format: Excel keeps 1903-06-17 as 1264.
    D(f64),
}

pub(crate) fn s(text: &str) -> C {
    C::S(text.into())
}

#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<C>>,
    pub hidden: bool,
    pub hidden_rows: Vec<u32>,
    /// (first row, first col, last row, last col), the first cell's content shown.
    pub merges: Vec<(u32, u16, u32, u16)>,
}

/// Exports `year` of the project and reads the workbook back, every sheet.
pub(crate) fn exported(p: &Project, year: &str) -> Vec<Sheet> {
    // A fresh export each time: export does not replace a workbook that may have been filled.
    let _ = std::fs::remove_file(p.path("form.xlsx"));
    p.run(&["export", year, "--out", "form.xlsx"]).ok();
    read_sheets(&p.path("form.xlsx"))
}

pub(crate) fn read_sheets(path: &std::path::Path) -> Vec<Sheet> {
    let mut book = open_workbook_auto(path).unwrap();
    let hidden: Vec<bool> = book
        .sheets_metadata()
        .iter()
        .map(|m| m.visible != calamine::SheetVisible::Visible)
        .collect();
    let names = book.sheet_names();
    names
        .iter()
        .zip(hidden)
        .map(|(name, hidden)| {
            let range = book.worksheet_range(name).unwrap();
            let (top, left) = range.start().unwrap_or((0, 0));
            let mut rows = vec![Vec::new(); top as usize];
            for row in range.rows() {
                let mut cells = vec![C::E; left as usize];
                cells.extend(row.iter().map(|d| match d {
                    Data::String(t) => C::S(t.clone()),
                    Data::Float(f) => C::N(*f),
                    Data::Int(i) => C::N(*i as f64),
                    _ => C::E,
                }));
                rows.push(cells);
            }
            Sheet {
                name: name.clone(),
                rows,
                hidden,
                hidden_rows: Vec::new(),
                merges: Vec::new(),
            }
        })
        .collect()
}

/// Writes the sheets as a new workbook, as a spreadsheet program saves a filled copy.
pub(crate) fn save(sheets: &[Sheet], path: &std::path::Path) {
    let mut wb = Workbook::new();
    let percent = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if sheet
                    .merges
                    .iter()
                    .any(|&(r0, c0, r1, c1)| (r0..=r1).contains(&r) && (c0..=c1).contains(&c))
                {
                    continue;
                }
                match cell {
                    C::E => None,
                    C::S(t) => Some(ws.write_string(r, c, t).map(|_| ())),
                    C::N(n) => Some(ws.write_number(r, c, *n).map(|_| ())),
                    C::P(n) => Some(ws.write_number_with_format(r, c, *n, &percent).map(|_| ())),
                    C::D(n) => Some(ws.write_number_with_format(r, c, *n, &date).map(|_| ())),
                };
            }
        }
        for &(r0, c0, r1, c1) in &sheet.merges {
            let text = match &sheet.rows[r0 as usize][c0 as usize] {
                C::S(t) => t.clone(),
                C::N(n) => n.to_string(),
                _ => String::new(),
            };
            ws.merge_range(r0, c0, r1, c1, &text, &Format::new())
                .unwrap();
        }
        for &r in &sheet.hidden_rows {
            ws.set_row_hidden(r).unwrap();
        }
        if sheet.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save(path).unwrap();
}

pub(crate) fn sheet<'a>(sheets: &'a mut [Sheet], name: &str) -> &'a mut Sheet {
    sheets
        .iter_mut()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

pub(crate) fn header_col(sheet: &Sheet, header: &str) -> usize {
    sheet.rows[1]
        .iter()
        .position(|c| *c == C::S(header.into()))
        .unwrap_or_else(|| panic!("no column {header} in {}", sheet.name))
}

pub(crate) fn row_of(sheet: &Sheet, id: &str) -> usize {
    sheet
        .rows
        .iter()
        .position(|r| r.first() == Some(&C::S(id.into())))
        .unwrap_or_else(|| panic!("no row {id} in {}", sheet.name))
}

/// Sets the cell of `id`'s row under `header`, in whichever sheet lists the id.
pub(crate) fn set(sheets: &mut [Sheet], id: &str, header: &str, cell: C) {
    let sheet = sheets
        .iter_mut()
        .find(|s| s.rows.iter().any(|r| r.first() == Some(&C::S(id.into()))))
        .unwrap_or_else(|| panic!("no sheet lists {id}"));
    let (r, c) = (row_of(sheet, id), header_col(sheet, header));
    if sheet.rows[r].len() <= c {
        sheet.rows[r].resize(c + 1, C::E);
    }
    sheet.rows[r][c] = cell;
}

/// Fills a copy of the exported workbook with `fill` and imports it.
pub(crate) fn import(
    p: &Project,
    year: &str,
    fill: impl FnOnce(&mut Vec<Sheet>),
    extra: &[&str],
) -> crate::support::Run {
    let mut sheets = exported(p, year);
    fill(&mut sheets);
    save(&sheets, &p.path("filled.xlsx"));
    let file = p.path("filled.xlsx");
    let mut args = vec!["import", year, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    p.run(&args)
}

pub(crate) const YAML: &str = "content/2023/indicators.yaml";

/// The lines of `after` that differ from `before`, which must have as many lines: every
/// other byte is the same.
pub(crate) fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    let (b, a): (Vec<&str>, Vec<&str>) = (
        before.split_inclusive('\n').collect(),
        after.split_inclusive('\n').collect(),
    );
    assert_eq!(b.len(), a.len(), "lines were added or removed:\n{after}");
    b.iter()
        .zip(&a)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect()
}

#[test]
fn the_workbook_is_the_same_bytes_every_time_and_lists_every_figure() {
    let p = Project::example();
    p.run(&["export", "2023", "--out", "a.xlsx"]).ok();
    p.run(&["export", "2023", "--out", "b.xlsx"]).ok();
    let a = std::fs::read(p.path("a.xlsx")).unwrap();
    assert_eq!(
        a,
        std::fs::read(p.path("b.xlsx")).unwrap(),
        "two exports differ"
    );
    let sheets = read_sheets(&p.path("a.xlsx"));
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"填表说明"));
    assert!(
        names.contains(&"就业创业") && names.contains(&"年度报告"),
        "{names:?}"
    );
    let meta = sheets.iter().find(|s| s.name == "填报信息").unwrap();
    assert!(meta.hidden, "the metadata sheet is hidden");
    assert_eq!(meta.rows[1], [s("年度"), s("2023")]);
    // Every indicator of the edition has its row, with last year's figures beside this year's.
    let yaml = p.read(YAML);
    let ids: Vec<&str> = yaml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .filter(|id| id.contains('.'))
        .collect();
    assert!(ids.len() > 30);
    let mut sheets = sheets;
    for id in &ids {
        assert!(
            sheets
                .iter()
                .any(|sh| sh.rows.iter().any(|r| r.first() == Some(&s(id)))),
            "{id} is not listed"
        );
    }
    let jobs = sheet(&mut sheets, "人才队伍建设");
    assert_eq!(
        jobs.rows[1][..4],
        [s("指标编号"), s("指标名称"), s("计量单位"), s("2022年数值")]
    );
    let r = row_of(jobs, "talent.high_level");
    assert_eq!(jobs.rows[r][header_col(jobs, "2022年数值")], C::N(18.0));
    assert_eq!(jobs.rows[r][header_col(jobs, "2023年数值")], C::N(22.0));
    let hired = row_of(jobs, "talent.medical_hired");
    assert_eq!(jobs.rows[hired][header_col(jobs, "2023年数值")], s("*"));
    let nb = sheet(&mut sheets, "年度报告");
    let r = row_of(nb, "nb.requests.new.total");
    assert_eq!(nb.rows[r][2], s("一、本年新收政府信息公开申请数量"));
    assert_eq!(nb.rows[r][header_col(nb, "2023年数值")], C::N(28.0));
    // A4 landscape, one page wide, panes frozen below the header, input cells unlocked and
    // validated.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet2.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    for needle in [
        r#"paperSize="9""#,
        r#"orientation="landscape""#,
        r#"fitToPage="1""#,
        r#"state="frozen""#,
        "<dataValidation ",
        "<sheetProtection ",
    ] {
        assert!(xml.contains(needle), "sheet2.xml lacks {needle}");
    }
    // Nothing from the clock: the document is dated 1 January of the edition's year, and
    // every zip entry carries the same fixed time.
    let mut core = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
        .unwrap();
    let dates: Vec<&str> = core.split("W3CDTF\">").skip(1).map(|d| &d[..20]).collect();
    assert_eq!(
        dates,
        ["2023-01-01T00:00:00Z", "2023-01-01T00:00:00Z"],
        "{core}"
    );
    for i in 0..zip.len() {
        let entry = zip.by_index(i).unwrap();
        let t = entry.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour()),
            (1980, 1, 1, 0),
            "{}",
            entry.name()
        );
    }
}

#[test]
fn filled_figures_come_back_as_their_value_scalars_and_nothing_else_changes() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |sheets| {
            set(sheets, "talent.high_level", "2023年数值", C::N(23.0));
            set(sheets, "talent.public_recruit", "2023年目标", C::N(155.0));
            set(
                sheets,
                "employment.unemployment_rate",
                "2023年数值",
                C::N(3.4),
            );
            set(sheets, "talent.teachers", "2023年目标", C::N(50.0));
        },
        &[],
    )
    .ok();
    let after = p.read(YAML);
    let changed = changed_lines(
        &before.replace(
            "        value: 52\n",
            "        value: 52\n        target: 50\n",
        ),
        &after,
    );
    assert_eq!(
        changed,
        [
            ("        value: 22\n".into(), "        value: 23\n".into()),
            (
                "        target: 150\n".into(),
                "        target: 155\n".into()
            ),
            ("        value: 3.3\n".into(), "        value: 3.4\n".into()),
        ]
    );
    // The new target line went in right after `value:`, at the indicator's indentation.
    assert!(after.contains("        value: 52\n        target: 50\n        period: 1—11月\n"));
    assert!(
        run.stdout
            .contains("talent.high_level | 引进高层次人才 | 数值 | 22 → 23"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("talent.teachers | 配合招聘特岗教师 | 目标 | 待填报 → 50"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("check: no errors"), "{}", run.stdout);
    // The site shows the new figures.
    p.build();
    let page = p.html("2023/indicators/talent.high_level.html");
    let cells = rows(&page, "table");
    assert!(
        cells.iter().any(|r| r.iter().any(|c| c == "23")),
        "{cells:?}"
    );
    let home = texts(&p.html("2023/index.html"), "main");
    assert!(
        home.iter().any(|t| t.contains("3.4")),
        "the edition shows 3.4％"
    );
}

#[test]
fn a_dry_run_prints_the_changes_and_writes_nothing() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |s| set(s, "talent.high_level", "2023年数值", C::N(23.0)),
        &["--dry-run"],
    )
    .ok();
    assert!(run.stdout.contains("22 → 23"), "{}", run.stdout);
    assert!(
        run.stdout.contains("dry run: nothing was written"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("check: no errors"), "{}", run.stdout);
    assert_eq!(p.read(YAML), before);
    // The result is checked as it would be written: 一 + 二 no longer balances 三 + 四.
    let nianbao = p.read("content/2023/nianbao.yaml");
    let run = import(
        &p,
        "2023",
        |s| set(s, "nb.requests.new.person", "2023年数值", C::N(30.0)),
        &["--dry-run"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("error[E072]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("--> content/2023/nianbao.yaml:"),
        "shown as the project's file: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("nothing was written (dry run)"),
        "{}",
        run.stdout
    );
    assert_eq!(p.read("content/2023/nianbao.yaml"), nianbao);
}

#[test]
fn an_indicator_without_a_value_line_is_refused_with_what_to_add() {
    let p = Project::example();
    p.run(&["export", "2023", "--out", "form.xlsx"]).ok();
    p.edit(YAML, "        value: 52\n", "");
    let before = p.read(YAML);
    let run = p.run(&["import", "2023", p.path("form.xlsx").to_str().unwrap()]);
    let line = before
        .lines()
        .position(|l| l.contains("- id: talent.teachers"))
        .unwrap()
        + 1;
    run.fails_at("E095", &format!("content/2023/indicators.yaml:{line}:13"));
    assert!(run.stderr.contains("add `value: ~`"), "{}", run.stderr);
    assert_eq!(p.read(YAML), before);
}

/// A workbook exported earlier may have been filled since: `export` writes a new file, or
/// finds the file already holds what it would write, and otherwise refuses, never opening a
/// path that is not a regular file.
#[test]
fn export_never_replaces_a_workbook_that_may_have_been_filled() {
    let p = Project::example();
    let mut sheets = exported(&p, "2023");
    set(&mut sheets, "talent.teachers", "2023年数值", C::N(999.0));
    save(&sheets, &p.path("form.xlsx"));
    let filled = std::fs::read(p.path("form.xlsx")).unwrap();
    let run = p.run(&["export", "2023", "--out", "form.xlsx"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing to overwrite")
            && run.stderr.contains("help: pass another --out"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(p.path("form.xlsx")).unwrap(), filled);

    p.run(&["export", "2023", "--out", "fresh.xlsx"]).ok();
    let again = p.run(&["export", "2023", "--out", "fresh.xlsx"]).ok();
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);

    let fifo = p.path("pipe.xlsx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success());
    let run = p.run(&["export", "2023", "--out", "pipe.xlsx"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

/// Export and import refuse an edition folder or a source reached through a symbolic link
/// (the build does not load it), and import reads only a regular file.
#[test]
fn symlinked_sources_and_a_non_file_input_are_refused() {
    let p = Project::example();
    let mut sheets = exported(&p, "2023");
    set(&mut sheets, "talent.teachers", "2023年数值", C::N(53.0));
    save(&sheets, &p.path("filled.xlsx"));
    let outside = p.path("outside.yaml");
    std::fs::rename(p.path(YAML), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, p.path(YAML)).unwrap();
    let before = std::fs::read_to_string(&outside).unwrap();
    let filled = p.path("filled.xlsx");
    for args in [
        vec!["import", "2023", filled.to_str().unwrap()],
        vec!["export", "2023", "--out", "again.xlsx"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("E095") && run.stderr.contains("symbolic link"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), before);
    assert!(!p.path("again.xlsx").exists());

    let q = Project::example();
    let fifo = q.path("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success());
    for file in [fifo.to_str().unwrap(), "/dev/zero"] {
        let run = q.run(&["import", "2023", file]);
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
}

/// The replaced indicators.yaml keeps its mode.
#[test]
fn an_imported_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::example();
    let mode = |p: &Project| {
        std::fs::metadata(p.path(YAML))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let perms = std::fs::Permissions::from_mode(0o600);
    std::fs::set_permissions(p.path(YAML), perms).unwrap();
    import(
        &p,
        "2023",
        |s| set(s, "talent.teachers", "2023年数值", C::N(53.0)),
        &[],
    )
    .ok();
    assert!(p.read(YAML).contains("value: 53"));
    assert_eq!(mode(&p), 0o600);
}

/// A figure out of the loader's range is refused at its cell before anything is written,
/// and one too small to keep is not rounded to 0.
#[test]
fn a_figure_out_of_range_is_refused_at_its_cell() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |s| {
            set(s, "talent.teachers", "2023年数值", C::N(1e-7));
            set(s, "talent.public_recruit", "2023年数值", C::N(2e15));
        },
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.fails_at("E090", "sheet 人才队伍建设!F5");
    assert!(run.stderr.contains("out of range"), "{}", run.stderr);
    assert_eq!(p.read(YAML), before);
}
