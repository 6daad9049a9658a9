//! `gongkai export <year>`: writes the edition's fill-in workbook (see `fill::workbook`). It
//! writes a new file only: an existing one is left alone (it may have been filled since).

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
    crate::write::rules::check_file_output(&args.root, &out, &|_| None)
        .map_err(|r| Failure::Io(r.to_string()))?;
    let bytes = crate::fill::workbook::export(&form).map_err(Failure::Io)?;
    // An existing file is never opened unless it is a regular file (a FIFO would block the
    // read forever), and never replaced unless it already holds these very bytes: a workbook
    // exported earlier may since have been filled by the 科室, and its figures and notes
    // would be lost.
    let shown = out.display();
    match std::fs::symlink_metadata(&out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::write::file::replace(&out, &bytes)
                .map_err(|e| Failure::Io(format!("cannot write {shown}: {e}")))?;
        }
        Err(e) => return Err(Failure::Io(format!("cannot read {shown}: {e}"))),
        Ok(m) if !m.file_type().is_file() => {
            return Err(Failure::Refused(format!(
                "refusing to write {shown}: it exists and is not a regular file (a pipe, device or socket), so it was not opened\n  = help: pass another --out, e.g. --out fill-{year}.xlsx"
            )));
        }
        Ok(m) => {
            let same =
                m.len() == bytes.len() as u64 && std::fs::read(&out).is_ok_and(|old| old == bytes);
            if !same {
                return Err(Failure::Refused(format!(
                    "refusing to overwrite {shown}: the file exists and may hold filled figures and notes, which replacing it would lose\n  = help: pass another --out, e.g. --out fill-{year}-new.xlsx, or move the file away; to bring its figures in, `gongkai import {year} {shown}`"
                )));
            }
            return Ok(format!(
                "{shown} is already the {year} fill-in workbook as it would be exported now: nothing to do\n"
            ));
        }
    }
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
