//! `gongkai export`: the fill-in workbook of an edition (rust_xlsxwriter stays here). A sheet
//! 填表说明 says in Chinese how to fill it; one sheet per section lists its indicators with last
//! year's figures for reference (grey, locked) and yellow cells for this year's 数值, 目标,
//! 完成率 and 备注; a sheet 年度报告 lists every cell of the annual report; the hidden sheet
//! 填报信息 records the year and site, which import checks. The same edition gives the same
//! bytes: the document's dates are the edition's 1 January, never the clock.

use super::*;
use crate::load::form::{Form, FormSection};
use crate::model::nianbao::*;
use crate::model::Figure;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

const INPUT: u32 = 0xFFF2CC;
const REFERENCE: u32 = 0xEDEDED;
const HEADER: u32 = 0xDDEBF7;

/// The workbook's bytes.
pub(crate) fn export(form: &Form) -> Result<Vec<u8>, String> {
    build(form).map_err(|e| format!("cannot make the workbook: {e}"))
}

fn build(form: &Form) -> Result<Vec<u8>, XlsxError> {
    let year = form.year;
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(year.clamp(1900, 9999) as u16, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{year}年度数据填报表"))
            .set_company(&form.config.organization)
            .set_author("gongkai")
            .set_creation_datetime(&created)
            .set_custom_property("gongkai.year", year)
            .set_custom_property("gongkai.site", form.config.title.as_str()),
    );
    let f = Formats::new();
    instructions(wb.add_worksheet(), form, &f)?;
    let mut names = Vec::new();
    if let Some((_, sections)) = &form.indicators {
        let previous = form.previous.as_ref();
        for section in sections {
            let name = sheet_name(&section.title, &names);
            names.push(name.clone());
            let ws = wb.add_worksheet();
            ws.set_name(&name)?;
            section_sheet(ws, form, section, previous, &f)?;
        }
    }
    if let Some(nb) = &form.nianbao {
        let ws = wb.add_worksheet();
        ws.set_name(NIANBAO_SHEET)?;
        nianbao_sheet(ws, form, nb, &f)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(META_SHEET)?;
    let meta = [
        (META_MARK, "1".to_string()),
        ("年度", year.to_string()),
        ("网站", form.config.title.clone()),
        ("域名", form.config.site_domain.clone().unwrap_or_default()),
    ];
    for (row, (key, value)) in meta.iter().enumerate() {
        ws.write_string(row as u32, 0, *key)?;
        ws.write_string(row as u32, 1, value)?;
    }
    ws.set_hidden(true);
    wb.save_to_buffer()
}

struct Formats {
    title: Format,
    header: Format,
    id: Format,
    text: Format,
    reference: Format,
    input: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        // 宋体 is what Chinese offices print forms in; LibreOffice substitutes a CJK font.
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_align(FormatAlign::VerticalCenter);
        let boxed = base.clone().set_border(FormatBorder::Thin);
        Formats {
            title: base.clone().set_bold().set_font_size(14),
            header: boxed
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER)),
            id: boxed
                .clone()
                .set_font_name("Consolas")
                .set_background_color(Color::RGB(REFERENCE)),
            text: boxed.clone().set_text_wrap(),
            reference: boxed
                .clone()
                .set_font_color(Color::RGB(0x404040))
                .set_background_color(Color::RGB(REFERENCE)),
            input: boxed.set_unlocked().set_background_color(Color::RGB(INPUT)),
            wrap: base.set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// A4 landscape, one page wide, header rows on every page, panes frozen at the figures.
fn page_setup(ws: &mut Worksheet, header_row: u32, frozen_cols: u16) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, header_row)?;
    ws.set_freeze_panes(header_row + 1, frozen_cols)?;
    ws.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_columns: true,
        insert_rows: true,
        delete_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

fn instructions(ws: &mut Worksheet, form: &Form, f: &Formats) -> Result<(), XlsxError> {
    let year = form.year;
    ws.set_name("填表说明")?;
    ws.set_column_width(0, 100)?;
    ws.write_string_with_format(0, 0, format!("{year}年度数据填报表 · 填表说明"), &f.title)?;
    let lines = [
        format!("本表由 gongkai 根据网站“{}”{year}年度的指标生成，每个工作表是报告的一个部分。请只填写黄色格子：{year}年数值、{year}年目标、完成率和备注。", form.config.title),
        "灰色格子（指标编号、上年数值、上年目标）仅供参考，请勿修改。指标编号用来把数值对回网站数据，不能改动、不能删除。".into(),
        "数值只填数字，如 1264。带千分位（1,264）、全角数字或单位与表中“计量单位”相同（1264人）也能识别，但不要填其他单位或文字说明。".into(),
        "百分比指标（计量单位为 %）直接填百分数，填 3.3 或 3.3% 都可以。".into(),
        "依法不予公开的数据，在数值格中只填一个星号“*”。网站上显示为“*”并附说明；已经标为不予公开的数据，不能在本表中改为数字。".into(),
        "完成率（%）只在数值或目标不予公开时填写，其余情况由网站根据数值和目标自动计算。".into(),
        "暂不填报或没有变化的格子留空即可：导入时留空的格子保持原样。".into(),
        "备注供科室向办公室说明情况，不会发布到网站上。".into(),
        "可以调整列宽、隐藏行、排序或增加列，但请不要修改表头“指标编号”“{year}年数值”等文字。".replace("{year}", &year.to_string()),
        "“年度报告”工作表是政府信息公开工作年度报告的表格数据：每格填非负整数（收费金额单位为万元，可有小数）。".into(),
        format!("填好后交回办公室，由网站管理员导入：gongkai import {year} 文件名.xlsx（也可以把一个工作表另存为 CSV 后导入）。"),
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 2, 0, format!("{}. {line}", i + 1), &f.wrap)?;
        ws.set_row_height(i as u32 + 2, 33)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// A figure as a reference cell shows it: a number, `*`, or nothing.
fn write_figure(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    figure: Option<Figure>,
    format: &Format,
) -> Result<(), XlsxError> {
    match figure {
        Some(Figure::Number(v)) => ws.write_number_with_format(row, col, v, format)?,
        // Right-aligned like the figures beside it, as a printed table shows "*".
        Some(Figure::Withheld) => ws.write_string_with_format(
            row,
            col,
            "*",
            &format.clone().set_align(FormatAlign::Right),
        )?,
        None => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

fn section_sheet(
    ws: &mut Worksheet,
    form: &Form,
    section: &FormSection,
    previous: Option<&(i32, Vec<FormSection>)>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let year = form.year;
    let last = previous.map_or(year - 1, |(y, _)| *y);
    let headers = [
        (ID_HEADER.to_string(), 32.0),
        ("指标名称".to_string(), 30.0),
        ("计量单位".to_string(), 9.0),
        (value_header(last), 12.0),
        (target_header(last), 12.0),
        (value_header(year), 13.0),
        (target_header(year), 13.0),
        (COMPLETION_HEADER.to_string(), 11.0),
        (NOTE_HEADER.to_string(), 28.0),
    ];
    ws.merge_range(
        0,
        0,
        0,
        headers.len() as u16 - 1,
        &format!(
            "{} · {year}年度数据填报表（{}）",
            section.title, form.config.organization
        ),
        &f.title,
    )?;
    ws.set_row_height(0, 24)?;
    for (col, (text, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(1, col as u16, text, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    ws.set_row_height(1, 30)?;
    for (n, ind) in section.indicators.iter().enumerate() {
        let row = n as u32 + 2;
        ws.write_string_with_format(row, 0, &ind.id, &f.id)?;
        ws.write_string_with_format(row, 1, &ind.name, &f.text)?;
        ws.write_string_with_format(row, 2, &ind.unit, &f.text)?;
        let before = form.previous_indicator(&ind.id);
        write_figure(ws, row, 3, before.and_then(|i| i.value), &f.reference)?;
        write_figure(ws, row, 4, before.and_then(|i| i.target), &f.reference)?;
        write_figure(ws, row, 5, ind.value, &f.input)?;
        write_figure(ws, row, 6, ind.target, &f.input)?;
        // A completion rate is published only with a target: the other rows' cell is grey.
        match (ind.completion, form.rate_offered(ind)) {
            (Some(c), _) => ws.write_number_with_format(row, 7, c, &f.input)?,
            (None, true) => ws.write_blank(row, 7, &f.input)?,
            (None, false) => ws.write_blank(row, 7, &f.reference)?,
        };
        ws.set_row_height(row, 20)?;
        ws.write_blank(row, 8, &f.input)?;
    }
    if let Some(rows) = (section.indicators.len() as u32).checked_sub(1) {
        figure_validation(ws, 2, 2 + rows, 5, 6, "数值或“*”")?;
        let rate = DataValidation::new()
            .allow_decimal_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(
                0.0,
            ))
            .set_error_title("完成率")?
            .set_error_message("完成率填百分数（如 98.5），不带 % 号以外的文字")?
            .set_error_style(DataValidationErrorStyle::Warning);
        ws.add_data_validation(2, 7, 2 + rows, 7, &rate)?;
    }
    page_setup(ws, 1, 2)
}

/// Cells that take a number or `*`: Excel warns about anything else as it is typed.
fn figure_validation(
    ws: &mut Worksheet,
    first: u32,
    last: u32,
    col: u16,
    last_col: u16,
    what: &str,
) -> Result<(), XlsxError> {
    let cell = rust_xlsxwriter::utility::row_col_to_cell(first, col);
    let rule = DataValidation::new()
        .allow_custom(Formula::new(format!("=OR(ISNUMBER({cell}),{cell}=\"*\")")))
        .set_error_title("请填写数字")?
        .set_error_message(format!(
            "这里只能填{what}：不带单位和文字；依法不予公开的数据填一个星号 *"
        ))?
        .set_error_style(DataValidationErrorStyle::Warning);
    ws.add_data_validation(first, col, last, last_col, &rule)?;
    Ok(())
}

/// Every cell of the annual report's tables: id, table, row and column as the official
/// format labels them.
pub(crate) fn nianbao_cells(nb: &Nianbao) -> Vec<(String, &'static str, String, String, Cell)> {
    let mut places: Vec<(&'static str, String, String)> = Vec::new();
    for (_, label) in DOCUMENT_ROWS {
        for c in DOCUMENT_COLUMNS {
            places.push(("二", format!("第二十条第（一）项 {label}"), c.label.into()));
        }
    }
    for (_, label, item, column) in PROACTIVE_SINGLE {
        places.push(("二", format!("{item} {label}"), column.into()));
    }
    for row in &nb.requests {
        let label = match row.group {
            Some(g) => format!("{}{}", nb.groups[g].label, row.label),
            None => row.label.clone(),
        };
        for c in REQUEST_COLUMNS {
            places.push(("三", label.clone(), format!("申请人情况·{}", c.label)));
        }
    }
    for row in &nb.cases {
        let group = if row.key == "review" {
            "行政复议".to_string()
        } else {
            format!("行政诉讼·{}", row.label)
        };
        for c in CASE_COLUMNS {
            places.push(("四", group.clone(), c.label.into()));
        }
    }
    nb.cells()
        .zip(places)
        .map(|((id, cell), (table, row, column))| (id, table, row, column, *cell))
        .collect()
}

fn nianbao_sheet(
    ws: &mut Worksheet,
    form: &Form,
    nb: &Nianbao,
    f: &Formats,
) -> Result<(), XlsxError> {
    let year = form.year;
    let text = &form.sources.get(nb.data_file).text;
    let previous = form.previous_nianbao.as_ref();
    let last = previous.map_or(year - 1, |(y, _)| *y);
    let headers = [
        (ID_HEADER.to_string(), 34.0),
        ("表".to_string(), 5.0),
        ("行".to_string(), 44.0),
        ("列".to_string(), 22.0),
        (value_header(last), 11.0),
        (value_header(year), 12.0),
        (NOTE_HEADER.to_string(), 24.0),
    ];
    ws.merge_range(
        0,
        0,
        0,
        headers.len() as u16 - 1,
        &format!("{year}年政府信息公开工作年度报告 · 表格数据填报（国办公开办函〔2021〕30号格式）"),
        &f.title,
    )?;
    ws.set_row_height(0, 24)?;
    for (col, (header, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(1, col as u16, header, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    let cells = nianbao_cells(nb);
    for (n, (id, table, row_label, column, cell)) in cells.iter().enumerate() {
        let row = n as u32 + 2;
        ws.write_string_with_format(row, 0, id, &f.id)?;
        ws.write_string_with_format(row, 1, *table, &f.text)?;
        ws.write_string_with_format(row, 2, row_label, &f.text)?;
        ws.write_string_with_format(row, 3, column, &f.text)?;
        let before = previous.and_then(|(_, p)| p.value(id)).map(Figure::Number);
        write_figure(ws, row, 4, before, &f.reference)?;
        // A `~` is a blank of the official form: shown blank, not as 0.
        let written = text.get(cell.span.0..cell.span.1).unwrap_or("");
        let now =
            (!matches!(written.trim(), "~" | "" | "null")).then_some(Figure::Number(cell.value));
        write_figure(ws, row, 5, now, &f.input)?;
        ws.write_blank(row, 6, &f.input)?;
        ws.set_row_height(row, 20)?;
    }
    if let Some(rows) = (cells.len() as u32).checked_sub(1) {
        let rule = DataValidation::new()
            .allow_decimal_number(rust_xlsxwriter::DataValidationRule::GreaterThanOrEqualTo(
                0.0,
            ))
            .set_error_title("请填写数字")?
            .set_error_message("年度报告的每格填非负整数（收费金额单位为万元，可有小数）")?
            .set_error_style(DataValidationErrorStyle::Warning);
        ws.add_data_validation(2, 5, 2 + rows, 5, &rule)?;
    }
    page_setup(ws, 1, 1)
}

/// A sheet name Excel accepts (31 characters at most, none of `[]:*?/\`), unique in the
/// workbook; import finds sheets by their header row, not by name.
fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let reserved = ["填表说明", NIANBAO_SHEET, META_SHEET];
    let mut name = clean.trim_matches('\'').to_string();
    if name.is_empty() {
        name = "指标".into();
    }
    let mut n = 2;
    let base = name.clone();
    while taken.contains(&name) || reserved.contains(&name.as_str()) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}
