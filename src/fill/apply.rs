//! A filled workbook matched to its edition by id, and the figures written back: each
//! changed figure replaces the bytes of its value scalar in indicators.yaml or nianbao.yaml
//! and nothing else, so comments, key order and quoting stay as they were. A `target:` or
//! `completion:` line that is not there yet (`gongkai new` leaves last year's target as a
//! comment) is added after `value:` (or `target:`) at the indicator's indentation. Every
//! problem of the workbook is collected, with its place and id; any problem means no edit.

use super::columns::{columns, text_of, Columns};
use super::edit::{edited, line, Edit};
use super::figure::{entry, yaml_scalar, Entry, Expect};
use super::read::{Book, Grid, Value};
use super::*;
use crate::load::form::{Form, FormIndicator};
use crate::model::Figure;
use std::collections::HashMap;

/// One figure that the import changes.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub id: String,
    pub name: String,
    /// `数值`, `目标`, `完成率`.
    pub field: &'static str,
    /// As written before (`~` shown as 待填报).
    pub old: String,
    pub new: String,
}

/// What an import does: the new texts of the files it changes, and what it found.
#[derive(Debug, Default)]
pub(crate) struct Import {
    /// (path relative to the project root, new text); only files with a change.
    pub files: Vec<(std::path::PathBuf, String)>,
    pub changes: Vec<Change>,
    /// Ids in the workbook whose cells were all left blank.
    pub blank: Vec<(String, String)>,
    /// Ids of the edition that no sheet lists: left as they are.
    pub missing: Vec<(String, String)>,
    /// Places of figures in rows without an id (a 合计 row, an id lost to merged cells).
    pub without_id: Vec<String>,
    /// The 科室's remarks (备注), which are not published: (id, place, text).
    pub notes: Vec<(String, String, String)>,
    pub unchanged: usize,
}

/// Checks the workbook against the edition and works out every edit.
pub(crate) fn import(form: &Form, book: &Book) -> Result<Import, Vec<Problem>> {
    let year = form.year;
    let mut problems = Vec::new();
    if !book.csv {
        if let Err(p) = check_meta(form, book) {
            return Err(vec![*p]);
        }
    }
    let indicators: HashMap<&str, &FormIndicator> = form
        .indicators
        .iter()
        .flat_map(|(_, sections)| sections.iter().flat_map(|s| &s.indicators))
        .map(|i| (i.id.as_str(), i))
        .collect();
    let nb_cells: HashMap<String, crate::model::nianbao::Cell> = form
        .nianbao
        .iter()
        .flat_map(|nb| nb.cells().map(|(id, c)| (id, *c)))
        .collect();
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut out = Import::default();
    let mut ind_edits: Vec<Edit> = Vec::new();
    let mut nb_edits: Vec<Edit> = Vec::new();
    let mut sheets = 0;
    let mut absent: Vec<&str> = Vec::new();
    for grid in &book.grids {
        let Some(cols) = columns(grid, year, &mut problems) else {
            continue;
        };
        sheets += 1;
        for row in cols.header_row + 1..grid.rows.len() {
            let id = text_of(grid.get(row, cols.id));
            if id.is_empty() {
                // A 合计 row, or an id lost to merged cells: said, not guessed at.
                let figures = [Some(cols.value), cols.target, cols.completion];
                if let Some(col) = figures
                    .into_iter()
                    .flatten()
                    .find(|&c| *grid.get(row, c) != Value::Empty)
                {
                    out.without_id.push(grid.place(row, col));
                }
                continue;
            }
            let place = grid.place(row, cols.id);
            if let Some(first) = seen.get(&id) {
                problems.push(Problem::new(
                    "E093",
                    &place,
                    format!("`{id}` is listed twice (first at {first})"),
                    "keep one row per id: delete the other row, or correct its id if it is another figure",
                ));
                continue;
            }
            seen.insert(id.clone(), place.clone());
            if let Some(note) = cols
                .note
                .map(|c| text_of(grid.get(row, c)))
                .filter(|n| !n.is_empty())
            {
                out.notes
                    .push((id.clone(), grid.place(row, cols.note.unwrap_or(0)), note));
            }
            if let Some(ind) = indicators.get(id.as_str()) {
                indicator_row(
                    grid,
                    row,
                    &cols,
                    ind,
                    form.rate_offered(ind),
                    &form.sources,
                    form.indicators.as_ref().map(|(f, _)| *f),
                    &mut problems,
                    &mut out,
                    &mut ind_edits,
                );
            } else if let Some(cell) = nb_cells.get(&id) {
                let text = form
                    .nianbao
                    .as_ref()
                    .map(|nb| form.sources.get(nb.data_file).text.as_str())
                    .unwrap_or("");
                nianbao_row(
                    grid,
                    row,
                    &cols,
                    &id,
                    cell,
                    text,
                    &mut problems,
                    &mut out,
                    &mut nb_edits,
                );
            } else if let Some(file) = absent_file(form, &id) {
                // One problem for the whole missing document, not one per row.
                if !absent.contains(&file) {
                    problems.push(Problem::new(
                        "E092",
                        &place,
                        format!("`{id}` belongs in content/{year}/{file}, which the {year} edition does not have"),
                        format!("delete the rows of {file} from the workbook, or start that document first (`gongkai new` writes it for a new edition)"),
                    ));
                    absent.push(file);
                }
            } else {
                let known = indicators
                    .keys()
                    .copied()
                    .chain(nb_cells.keys().map(String::as_str));
                let help = match crate::diagnostic::closest(&id, known) {
                    Some(near) => format!("did you mean `{near}`? ids come from the exported workbook: copy the row from there, or delete this row"),
                    None => format!("the {year} edition has no such indicator or annual-report cell: delete the row, or add the indicator to content/{year}/indicators.yaml first"),
                };
                problems.push(Problem::new(
                    "E092",
                    &place,
                    format!("`{id}` is not an id of the {year} edition"),
                    help,
                ));
            }
        }
    }
    if sheets == 0 {
        let misseparated = book.grids.iter().find_map(super::columns::misseparated);
        problems.push(misseparated.unwrap_or_else(|| Problem::new(
            "E094",
            "",
            format!("no sheet has a `{ID_HEADER}` column with `{}` beside it", value_header(year)),
            format!("import the workbook `gongkai export {year}` wrote (or a CSV saved from one of its sheets), with its header row as it was"),
        )));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if let Some((_, sections)) = &form.indicators {
        for ind in sections.iter().flat_map(|s| &s.indicators) {
            if !seen.contains_key(&ind.id) {
                out.missing.push((ind.id.clone(), ind.name.clone()));
            }
        }
    }
    if let Some(nb) = &form.nianbao {
        if seen
            .keys()
            .any(|id| id.starts_with(crate::model::nianbao::ID_PREFIX))
        {
            for (id, _) in nb.cells() {
                if !seen.contains_key(&id) {
                    out.missing.push((id, "年度报告".into()));
                }
            }
        }
    }
    if let (Some((file, _)), false) = (&form.indicators, ind_edits.is_empty()) {
        let source = form.sources.get(*file);
        out.files
            .push((source.path.clone(), edited(&source.text, ind_edits)));
    }
    if let (Some(nb), false) = (&form.nianbao, nb_edits.is_empty()) {
        let source = form.sources.get(nb.data_file);
        out.files
            .push((source.path.clone(), edited(&source.text, nb_edits)));
    }
    Ok(out)
}

/// The file an id would be in when the edition lacks that file: an annual-report cell
/// without nianbao.yaml, an indicator without indicators.yaml.
fn absent_file(form: &Form, id: &str) -> Option<&'static str> {
    if id.starts_with(crate::model::nianbao::ID_PREFIX) {
        form.nianbao.is_none().then_some("nianbao.yaml")
    } else {
        form.indicators.is_none().then_some("indicators.yaml")
    }
}

/// The 填报信息 sheet must name this year and this site.
fn check_meta(form: &Form, book: &Book) -> Result<(), Box<Problem>> {
    let year = form.year;
    let Some(meta) = book
        .grids
        .iter()
        .find(|g| g.name == META_SHEET && text_of(g.get(0, 0)) == META_MARK)
    else {
        return Err(Box::new(Problem::new(
            "E094",
            "",
            format!("this workbook was not made by `gongkai export` (it has no {META_SHEET} sheet saying which edition it is for)"),
            format!("fill in the workbook `gongkai export {year}` writes, or save the filled sheet as CSV and import that"),
        )));
    };
    let place = |row: usize| meta.place(row, 1);
    let theirs = text_of(meta.get(1, 1));
    if theirs != year.to_string() {
        return Err(Box::new(Problem::new(
            "E094",
            place(1),
            format!("this workbook is for {theirs}, not {year}"),
            format!("import it with `gongkai import {theirs} …`, or export the {year} workbook with `gongkai export {year}`"),
        )));
    }
    let site = (text_of(meta.get(2, 1)), text_of(meta.get(3, 1)));
    let ours = (
        form.config.title.trim().to_string(),
        form.config
            .site_domain
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
    );
    if site != ours {
        return Err(Box::new(Problem::new(
            "E094",
            place(2),
            format!("this workbook is for the site “{}” ({}), not “{}” ({})", site.0, or_none(&site.1), ours.0, or_none(&ours.1)),
            "import it into the project it was exported from (--root), or export this site's workbook with `gongkai export`",
        )));
    }
    Ok(())
}

fn or_none(domain: &str) -> &str {
    if domain.is_empty() {
        "no site_domain"
    } else {
        domain
    }
}

/// The figure as written, for the summary.
fn shown(written: Option<&str>) -> String {
    match written.map(str::trim) {
        None | Some("~" | "null" | "") => "待填报".into(),
        Some(w) => w.trim_matches(['"', '\'']).to_string(),
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one row of a sheet against one indicator: the cells, the file and where the findings go"
)]
fn indicator_row(
    grid: &Grid,
    row: usize,
    cols: &Columns,
    ind: &FormIndicator,
    rate_offered: bool,
    sources: &crate::source::Sources,
    file: Option<crate::source::FileId>,
    problems: &mut Vec<Problem>,
    out: &mut Import,
    edits: &mut Vec<Edit>,
) {
    let text = file.map_or("", |f| sources.get(f).text.as_str());
    let expect = Expect {
        unit: &ind.unit,
        percent: ind.is_percent(),
    };
    let rate = Expect {
        unit: "%",
        percent: true,
    };
    let spans = &ind.spans;
    let mut all_blank = true;
    // Each figure is held to the rule the loader (and the check, for a negative count)
    // holds it to, so that nothing written is refused only after the write.
    type Rule<'a> = &'a dyn Fn(f64) -> Result<f64, (String, String)>;
    let figure_rule = |v: f64| match crate::model::negative_count(v, &ind.unit) {
        Some(negative) => Err((
            negative,
            "a count cannot be negative; correct the figure".to_string(),
        )),
        None => Ok(v),
    };
    let rate_rule = |v: f64| {
        crate::model::rate(v).map_err(|m| {
            (
                m,
                "write the rate in %, 0 or more (e.g. 98.5), or leave the cell empty".to_string(),
            )
        })
    };
    let mut read = |col: Option<usize>, expect: &Expect, rule: Rule| -> Option<Entry> {
        let col = col?;
        let checked = entry(grid.get(row, col), expect).and_then(|e| match e {
            Entry::Number(v) => rule(v).map(Entry::Number),
            e => Ok(e),
        });
        match checked {
            Ok(Entry::Blank) => None,
            Ok(e) => {
                all_blank = false;
                Some(e)
            }
            Err((message, help)) => {
                all_blank = false;
                problems.push(Problem::new(
                    "E090",
                    grid.place(row, col),
                    format!("{message} ({} {})", ind.id, ind.name),
                    help,
                ));
                None
            }
        }
    };
    let value = read(Some(cols.value), &expect, &figure_rule);
    let target = read(cols.target, &expect, &figure_rule);
    let completion = read(cols.completion, &rate, &rate_rule);
    // A rate where the export offered none (its cell grey: no target this year or last, no
    // stated rate) is not published; a target filled in on the same row makes one possible.
    if let (Some(col), Some(_), false) = (
        cols.completion,
        completion,
        rate_offered || target.is_some(),
    ) {
        problems.push(Problem::new(
            "E090",
            grid.place(row, col),
            format!("{} {} has no target this year or last and states no rate, so no completion rate can be published (its 完成率 cell is grey in the exported workbook)", ind.id, ind.name),
            "clear the 完成率 cell, or fill in the indicator's target (目标) on the same row if it has one",
        ));
        return;
    }
    let slots = [
        ("数值", value, ind.value, spans.value, cols.value),
        (
            "目标",
            target,
            ind.target,
            spans.target,
            cols.target.unwrap_or(0),
        ),
    ];
    let mut inserted_target = None;
    for (field, new, old, span, col) in slots {
        let Some(new) = new else { continue };
        let now = match old {
            Some(Figure::Number(v)) => Some(Entry::Number(v)),
            Some(Figure::Withheld) => Some(Entry::Withheld),
            None => None,
        };
        if now == Some(Entry::Withheld) && matches!(new, Entry::Number(_)) {
            problems.push(Problem::new(
                "E091",
                grid.place(row, col),
                format!("{} {}'s {field} is withheld (\"*\") in indicators.yaml; the workbook's {} would publish it", ind.id, ind.name, yaml_scalar(new)),
                "write * in the cell: import never makes a withheld figure public. If the decision to withhold it was reversed, change indicators.yaml by hand and record why",
            ));
            continue;
        }
        if now == Some(new) {
            out.unchanged += 1;
            continue;
        }
        let scalar = yaml_scalar(new);
        let old_text = span.map(|(s, e)| &text[s..e]);
        match span {
            Some((s, e)) => edits.push(Edit {
                start: s,
                end: e,
                text: scalar.clone(),
            }),
            None => {
                // Only `target:` can be missing: `value:` is where the indicator was found.
                let at = spans.after_value;
                edits.push(Edit {
                    start: at,
                    end: at,
                    text: line(text, at, spans.indent, "target", &scalar),
                });
                inserted_target = Some(at);
            }
        }
        out.changes.push(Change {
            id: ind.id.clone(),
            name: ind.name.clone(),
            field,
            old: shown(old_text),
            new: scalar,
        });
    }
    if let Some(Entry::Withheld) = completion {
        problems.push(Problem::new(
            "E090",
            grid.place(row, cols.completion.unwrap_or(0)),
            format!("a completion rate is published as a number ({} {})", ind.id, ind.name),
            "write the rate in % (e.g. 98.5), or leave the cell empty: withhold the value or the target instead",
        ));
    } else if let Some(Entry::Number(c)) = completion {
        if ind.completion == Some(c) {
            out.unchanged += 1;
        } else {
            let scalar = super::figure::number(c);
            let old_text = spans.completion.map(|(s, e)| &text[s..e]);
            match spans.completion {
                Some((s, e)) => edits.push(Edit {
                    start: s,
                    end: e,
                    text: scalar.clone(),
                }),
                None => {
                    let at = spans
                        .after_target
                        .or(inserted_target)
                        .unwrap_or(spans.after_value);
                    edits.push(Edit {
                        start: at,
                        end: at,
                        text: line(text, at, spans.indent, "completion", &scalar),
                    });
                }
            }
            out.changes.push(Change {
                id: ind.id.clone(),
                name: ind.name.clone(),
                field: "完成率",
                old: shown(old_text),
                new: scalar,
            });
        }
    }
    if all_blank {
        out.blank.push((ind.id.clone(), ind.name.clone()));
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one row of a sheet against one cell: the cells, the file and where the findings go"
)]
fn nianbao_row(
    grid: &Grid,
    row: usize,
    cols: &Columns,
    id: &str,
    cell: &crate::model::nianbao::Cell,
    text: &str,
    problems: &mut Vec<Problem>,
    out: &mut Import,
    edits: &mut Vec<Edit>,
) {
    let place = grid.place(row, cols.value);
    let amount = crate::model::nianbao::Nianbao::is_amount(id);
    let expect = Expect {
        unit: if amount { "万元" } else { "" },
        percent: false,
    };
    let help = "write a whole number, 0 or more (收费金额 alone is in 万元 and may have decimals)";
    let read = match entry(grid.get(row, cols.value), &expect) {
        Ok(Entry::Blank) => {
            out.blank.push((id.to_string(), "年度报告".into()));
            return;
        }
        // The report's loader's own rule: whole (but for 万元), 0 or more, at most 10^12.
        Ok(Entry::Number(v)) => {
            crate::model::nianbao::figure(v, amount).map_err(|m| (m, help.to_string()))
        }
        Ok(Entry::Withheld) => Err((
            "`*`: the annual report's tables are never withheld".to_string(),
            help.to_string(),
        )),
        Err(e) => Err(e),
    };
    let new = match read {
        Ok(v) => v,
        Err((message, help)) => {
            problems.push(Problem::new(
                "E090",
                place,
                format!("{message} ({id})"),
                help,
            ));
            return;
        }
    };
    let written = text.get(cell.span.0..cell.span.1).unwrap_or("").trim();
    let pending = matches!(written, "~" | "null" | "");
    let is_scalar = pending || written.parse::<f64>().is_ok();
    if !is_scalar {
        problems.push(Problem::new(
            "E095",
            place,
            format!("{id} is not written as a figure on its key's line in nianbao.yaml, where import could replace it"),
            "write the row as `key: [figures]` on its key's line (or the figure after its key), as `gongkai new` writes it, then import again",
        ));
        return;
    }
    if !pending && cell.value == new {
        out.unchanged += 1;
        return;
    }
    let scalar = super::figure::number(new);
    edits.push(Edit {
        start: cell.span.0,
        end: cell.span.1,
        text: scalar.clone(),
    });
    out.changes.push(Change {
        id: id.to_string(),
        name: "年度报告".into(),
        field: "数值",
        old: shown(Some(written)),
        new: scalar,
    });
}
