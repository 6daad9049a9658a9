//! `gongkai export <year>`: writes the edition's fill-in workbook (see `fill::workbook`). It
//! replaces only a workbook it wrote for the same edition of the same site.

use crate::cli::ExportArgs;
use crate::pipeline::Failure;

pub fn run(args: &ExportArgs) -> Result<String, Failure> {
    let year = args.year;
    let form =
        crate::load::form::form(&args.root, year).map_err(|(s, d)| Failure::Content(s, d))?;
    let out = match &args.out {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => args.root.join(p),
        None => args.root.join(format!("fill-{year}.xlsx")),
    };
    if !out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        return Err(Failure::Io(format!(
            "refusing to write {}: the workbook is an .xlsx file\n  = help: pass a file name ending in .xlsx, e.g. --out fill-{year}.xlsx",
            out.display()
        )));
    }
    let ours = |path: &std::path::Path| -> Option<String> {
        let workbook = crate::fill::read::read(path).ok().filter(|b| !b.csv);
        match workbook.map(|b| crate::fill::apply::is_workbook_of(&form, &b)) {
            Some(true) => None,
            _ => Some(format!(
                "is not the {year} fill-in workbook of this site (gongkai replaces only a workbook it exported for the same edition)"
            )),
        }
    };
    crate::write::rules::check_file_output(&args.root, &out, &ours)
        .map_err(|r| Failure::Io(r.to_string()))?;
    let bytes = crate::fill::workbook::export(&form).map_err(Failure::Io)?;
    crate::write::file::replace(&out, &bytes)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", out.display())))?;
    let sections = form.indicators.as_ref().map_or(0, |(_, s)| s.len());
    let indicators: usize = form
        .indicators
        .iter()
        .flat_map(|(_, s)| s.iter().map(|s| s.indicators.len()))
        .sum();
    let report = match &form.nianbao {
        Some(nb) => format!(", and the annual report's {} cells", nb.cells().count()),
        None => String::new(),
    };
    Ok(format!(
        "wrote {}: {indicators} indicator(s) in {sections} section sheet(s){report}\n\
         next: send it to the 科室; they fill the yellow cells; then `gongkai import {year} <the filled file>`\n",
        out.display()
    ))
}
