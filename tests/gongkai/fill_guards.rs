//! What import refuses before anything is written, and what it leaves: a 完成率 where the
//! export offered none, figures the loader (or the check's count rule) refuses, figures with
//! an exponent and cells formatted as dates, a CSV separated by `;`, a workbook that unpacks
//! beyond the cap; a percent format found in a sheet without `r=`; the temporary files a
//! killed import left; the dry run checked in memory; site.yaml read as the build reads it;
//! and the red team's round trip of an unchanged workbook.

use crate::fill::*;
use crate::fill_excel::{csv_separated, value_line};
use crate::support::Project;

/// 完成率 is yellow only where a rate can be published (a target this year or last, or a
/// stated rate): one typed in a grey cell is refused at its cell, not published. With a
/// target filled in on the same row the rate can be published, and is taken.
#[test]
fn a_completion_rate_where_the_export_offered_none_is_refused_at_its_cell() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |s| set(s, "talent.professional_titles", "完成率（%）", C::N(98.0)),
        &[],
    );
    run.fails_at("E090", "sheet 人才队伍建设!H7");
    assert!(
        run.stderr.contains("talent.professional_titles"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read(YAML), before);
    import(
        &p,
        "2023",
        |s| {
            set(s, "talent.professional_titles", "2023年目标", C::N(400.0));
            set(s, "talent.professional_titles", "完成率（%）", C::N(94.0));
        },
        &[],
    )
    .ok();
    assert!(p
        .read(YAML)
        .contains("target: 400\n        completion: 94\n"));
}

/// What the loader (or the check's rule for counts) refuses is refused at its cell before
/// anything is written: a negative count, a negative completion rate, an annual-report
/// count beyond what the report's loader takes.
#[test]
fn a_figure_the_loader_refuses_is_refused_at_its_cell_before_writing() {
    let p = Project::example();
    let (before, nianbao) = (p.read(YAML), p.read("content/2023/nianbao.yaml"));
    let run = import(
        &p,
        "2023",
        |s| {
            set(s, "talent.teachers", "2023年数值", C::N(-3.0));
            set(s, "talent.high_level", "完成率（%）", C::N(-5.0));
            set(s, "nb.requests.new.person", "2023年数值", C::N(2e12));
        },
        &[],
    );
    run.fails_at("E090", "sheet 人才队伍建设!F5");
    run.fails_at("E090", "sheet 人才队伍建设!H3");
    assert!(run.stderr.contains("negative"), "{}", run.stderr);
    run.fails_at("E090", "sheet 年度报告!F13");
    assert!(!run.stdout.contains("wrote"), "{}", run.stdout);
    assert_eq!(p.read(YAML), before);
    assert_eq!(p.read("content/2023/nianbao.yaml"), nianbao);
}

/// A SIGKILL between the writes leaves `.indicators.yaml.gongkai-new-<pid>` beside the
/// source. The next import says what it is and how to remove it, leaves it be (another
/// import may be about to rename its own), and imports as usual; a file of another name is
/// not gongkai's and is not mentioned.
#[test]
fn an_import_notices_the_temporary_files_a_killed_import_left() {
    let p = Project::example();
    p.write(
        "content/2023/.indicators.yaml.gongkai-new-4242",
        "value: 1\n",
    );
    p.write("content/2023/.nianbao.yaml.gongkai-new-77", "fees: 1\n");
    p.write("content/2023/.indicators.yaml.gongkai-new-mine", "notes\n");
    let run = import(
        &p,
        "2023",
        |s| set(s, "talent.teachers", "2023年数值", C::N(53.0)),
        &[],
    )
    .ok();
    for left in [
        "content/2023/.indicators.yaml.gongkai-new-4242",
        "content/2023/.nianbao.yaml.gongkai-new-77",
    ] {
        assert!(
            run.stdout.contains(&format!(
                "note: {left} is a temporary file left by an import that was stopped"
            )),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("rm '{left}'")),
            "{}",
            run.stdout
        );
        assert!(p.path(left).exists(), "{left} is left where it was");
    }
    assert!(
        !run.stdout
            .contains("note: content/2023/.indicators.yaml.gongkai-new-mine"),
        "{}",
        run.stdout
    );
    assert!(p.read(YAML).contains("value: 53"));
}

/// export and import read site.yaml as the build does, its base_url checked (E055) too.
#[test]
fn export_reads_site_yaml_as_the_build_does() {
    let p = Project::example();
    let site = p.read("content/site.yaml");
    p.write(
        "content/site.yaml",
        &format!("{site}base_url: \"javascript:alert(1)\"\n"),
    );
    let run = p.run(&["export", "2023", "--out", "form.xlsx"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E055]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> content/site.yaml:"),
        "{}",
        run.stderr
    );
    assert!(!p.path("form.xlsx").exists());
}

/// The dry run checks the sources as the import would write them in memory: it copies
/// nothing (a temporary folder it cannot write is no obstacle, and a killed dry run leaves
/// no copy behind), and its findings still name the project's own files.
#[test]
fn a_dry_run_checks_in_memory_without_a_copy_of_the_project() {
    let p = Project::example();
    let nianbao = p.read("content/2023/nianbao.yaml");
    let mut sheets = exported(&p, "2023");
    set(
        &mut sheets,
        "nb.requests.new.person",
        "2023年数值",
        C::N(30.0),
    );
    save(&sheets, &p.path("filled.xlsx"));
    let file = p.path("filled.xlsx");
    let nowhere = p.path("no-such-folder");
    let run = p.run_env(
        &["import", "2023", file.to_str().unwrap(), "--dry-run"],
        &[("TMPDIR", nowhere.to_str().unwrap())],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("error[E072]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("--> content/2023/nianbao.yaml:"),
        "{}",
        run.stdout
    );
    assert!(!nowhere.exists());
    assert_eq!(p.read("content/2023/nianbao.yaml"), nianbao);
}

/// The red team's scenario: each edition's workbook exported and imported back unchanged
/// (2021–2023, and a new 2024 still 待填报) leaves every source file byte for byte as it was.
#[test]
fn an_unchanged_workbook_imports_as_no_change_to_any_source() {
    let p = Project::example();
    p.run(&["new", "2024"]).ok();
    let snapshot = || -> Vec<(std::path::PathBuf, Vec<u8>)> {
        walkdir::WalkDir::new(p.path("content"))
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    let before = snapshot();
    for year in ["2021", "2022", "2023", "2024"] {
        let form = format!("form-{year}.xlsx");
        p.run(&["export", year, "--out", &form]).ok();
        let run = p.run(&["import", year, p.path(&form).to_str().unwrap()]);
        assert!(
            run.stdout.contains(&format!("{form}: 0 change(s)")),
            "{year}: {}{}",
            run.stdout,
            run.stderr
        );
        assert!(
            run.stdout.contains("wrote 0 file(s)"),
            "{year}: {}",
            run.stdout
        );
    }
    assert!(before == snapshot(), "a source changed");
}

/// `path` rewritten as a writer that omits `r=` saves it: a row's `r=` goes where the row
/// follows the one before, a cell's where it follows the cell before on its row.
fn without_references(path: &std::path::Path) -> String {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let tags = regex::Regex::new(r#"<(row|c) r="([A-Z]*)(\d+)"([^>]*)>"#).unwrap();
    let mut parts = Vec::new();
    let mut sheets = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut text = Vec::new();
        part.read_to_end(&mut text).unwrap();
        let name = part.name().to_string();
        if name.starts_with("xl/worksheets/sheet") {
            let xml = String::from_utf8(text).unwrap();
            let (mut row, mut col) = (0usize, 0usize);
            let mut stripped = 0;
            let out = tags.replace_all(&xml, |c: &regex::Captures| {
                let r: usize = c[3].parse().unwrap();
                let letters = c[2]
                    .bytes()
                    .fold(0, |n, b| n * 26 + (b - b'A' + 1) as usize);
                let follows = if &c[1] == "row" {
                    let f = r == row + 1;
                    (row, col) = (r, 0);
                    f
                } else {
                    let f = letters == col + 1;
                    col = letters;
                    f
                };
                if follows {
                    stripped += 1;
                    format!("<{}{}>", &c[1], &c[4])
                } else {
                    c[0].to_string()
                }
            });
            assert!(stripped > 0, "{name}");
            sheets.push_str(&out);
            text = out.into_owned().into_bytes();
        }
        parts.push((name, text));
    }
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in parts {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&text).unwrap();
    }
    w.finish().unwrap();
    sheets
}

/// A writer that leaves out the cells' `r=` attributes: the percent format is still found
/// for the right cell, and 0.9531 shown as 95.3% is 95.31.
#[test]
fn a_percent_format_is_found_in_a_sheet_whose_cells_have_no_reference() {
    let p = Project::example();
    let mut sheets = exported(&p, "2023");
    set(
        &mut sheets,
        "poverty.employment_rate",
        "2023年数值",
        C::P(0.9531),
    );
    set(&mut sheets, "talent.teachers", "2023年数值", C::N(53.0));
    // No gap before the figure, so its cell follows the one before and loses its `r=`.
    set(&mut sheets, "poverty.employment_rate", "2022年目标", s("—"));
    let file = p.path("filled.xlsx");
    save(&sheets, &file);
    let xml = without_references(&file);
    assert!(
        xml.contains(r#"<c s="1"><v>0.9531</v></c>"#),
        "the percent cell keeps no r="
    );
    let run = p.run(&["import", "2023", file.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("2 change(s)"), "{}", run.stdout);
    assert_eq!(value_line(&p, "poverty.employment_rate"), "value: 95.31");
    assert_eq!(value_line(&p, "talent.teachers"), "value: 53");
}

/// A workbook whose sharedStrings unpack to 80 MB from a few hundred KB on disk is refused
/// before it is read (calamine has no cap of its own), and nothing is written.
#[test]
fn a_workbook_that_unpacks_beyond_the_cap_is_refused_before_it_is_read() {
    use std::io::{Read, Write};
    let p = Project::example();
    let before = p.read(YAML);
    exported(&p, "2023");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(p.path("form.xlsx")).unwrap()).unwrap();
    let bomb = p.path("bomb.xlsx");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let chunk = "<si><t>填报</t></si>".repeat(1 << 16);
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().to_string();
        let mut text = Vec::new();
        part.read_to_end(&mut text).unwrap();
        w.start_file(name.as_str(), options).unwrap();
        if name == "xl/sharedStrings.xml" {
            let xml = String::from_utf8(text).unwrap();
            let end = xml.find("</sst>").unwrap();
            w.write_all(&xml.as_bytes()[..end]).unwrap();
            let mut written = 0;
            while written < 80_000_000 {
                w.write_all(chunk.as_bytes()).unwrap();
                written += chunk.len();
            }
            w.write_all(&xml.as_bytes()[end..]).unwrap();
        } else {
            w.write_all(&text).unwrap();
        }
    }
    w.finish().unwrap();
    let on_disk = std::fs::metadata(&bomb).unwrap().len();
    assert!(on_disk < 1_000_000, "{on_disk} bytes");
    let run = p.run(&["import", "2023", bomb.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr.contains("unpack to more than 64 MB"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("= help:"), "{}", run.stderr);
    assert_eq!(p.read(YAML), before);
}

/// Messages that say what is wrong: a figure written with an exponent beyond the loader's
/// range is out of range (not "drop `e999`"), one within it is asked for in digits, a cell
/// formatted as a date shows its date (not Excel's serial number), and a CSV whose fields
/// are separated by `;` is said to be, not reported as lacking a `指标编号` column.
#[test]
fn an_exponent_a_date_cell_and_a_semicolon_csv_are_told_for_what_they_are() {
    let p = Project::example();
    let before = p.read(YAML);
    let run = import(
        &p,
        "2023",
        |sheets| {
            set(sheets, "talent.teachers", "2023年数值", s("1e999"));
            set(sheets, "talent.public_recruit", "2023年数值", C::D(1264.0));
            set(sheets, "talent.high_level", "2023年数值", s("1.2E+03"));
        },
        &[],
    );
    let block = |place: &str| {
        run.stderr
            .split("\n\n")
            .find(|b| b.contains(&format!("--> {place}\n")))
            .unwrap_or_else(|| panic!("nothing at {place}: {}", run.stderr))
            .to_string()
    };
    run.fails_at("E090", "sheet 人才队伍建设!F5");
    assert!(
        block("sheet 人才队伍建设!F5").contains("out of range"),
        "{}",
        run.stderr
    );
    assert!(
        !block("sheet 人才队伍建设!F5").contains("e.g. 1\n"),
        "{}",
        run.stderr
    );
    run.fails_at("E090", "sheet 人才队伍建设!F6");
    let date = block("sheet 人才队伍建设!F6");
    assert!(date.contains("formatted as a date"), "{date}");
    assert!(date.contains("1903-06-17"), "{date}");
    assert!(!date.contains("1264"), "{date}");
    run.fails_at("E090", "sheet 人才队伍建设!F3");
    assert!(
        block("sheet 人才队伍建设!F3").contains("1200"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read(YAML), before);

    let mut sheets = exported(&p, "2023");
    set(&mut sheets, "talent.teachers", "2023年数值", C::N(53.0));
    let text = csv_separated(sheet(&mut sheets, "人才队伍建设"), b';');
    std::fs::write(p.path("人才.csv"), text).unwrap();
    let run = p.run(&["import", "2023", p.path("人才.csv").to_str().unwrap()]);
    run.fails_at("E094", "人才.csv:2:1");
    assert!(run.stderr.contains("separated by `;`"), "{}", run.stderr);
    assert!(run.stderr.contains("逗号分隔"), "{}", run.stderr);
    assert_eq!(p.read(YAML), before);
}
