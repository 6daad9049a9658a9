//! `gongkai archive <year>`: freezes a published edition: renders it with the 已归档 note and
//! stores its files with a manifest under archive/<year>/, reproducibly (the freezing time is
//! a date from the content or `--date`, never the clock).

use crate::archive::{self, FileEntry, Freezing, Manifest, MANIFEST};
use crate::cli::ArchiveArgs;
use crate::config::Date;
use crate::render::RenderOptions;
use crate::Failure;
use std::collections::BTreeMap;

pub fn run(args: &ArchiveArgs) -> Result<String, Failure> {
    let root = &args.root;
    let year = args.year;
    let site = crate::content::load(root).map_err(|(s, d)| Failure::Content(s, d))?;
    let edition = site
        .editions
        .iter()
        .find(|e| e.year == year)
        .ok_or_else(|| {
            Failure::Refused(format!("there is no content/{year}/ edition to archive"))
        })?;
    if edition.is_draft() {
        return Err(Failure::Refused(format!(
            "the {year} edition is still a draft; set `status: published` in content/{year}/report.md and publish it before archiving"
        )));
    }
    let folder = root.join("archive").join(year.to_string());
    if let Ok(old) = archive::read_manifest(&folder.join(MANIFEST)) {
        return Err(Failure::Refused(format!(
            "the {year} edition was already archived (frozen {}); archive/{year}/ is never overwritten",
            old.frozen
        )));
    }
    let date = match &args.date {
        Some(d) => Date::parse(d).ok_or_else(|| {
            Failure::Refused(format!(
                "--date `{d}` is not a date; write it as YYYY-MM-DD"
            ))
        })?,
        None => edition.report.front.published,
    };
    let options = RenderOptions {
        drafts: false,
        freezing: Some(Freezing { year, date }),
        ..RenderOptions::default()
    };
    let (output, sources, warnings) = super::build::build_in_memory(root, &options, None)?;

    let prefix = format!("{year}/");
    let mut files: BTreeMap<String, Vec<u8>> = output
        .files
        .into_iter()
        .filter_map(|(p, b)| p.strip_prefix(&prefix).map(|r| (r.to_string(), b)))
        .collect();
    let manifest = Manifest {
        edition: year,
        gongkai_version: env!("CARGO_PKG_VERSION").to_string(),
        frozen: date.to_string(),
        sources: archive::source_entries(root, year)
            .map_err(|e| Failure::Io(format!("cannot read content/{year}/: {e}")))?,
        files: files
            .iter()
            .map(|(p, b)| FileEntry::of(p.clone(), b))
            .collect(),
    };
    let count = files.len();
    files.insert(MANIFEST.to_string(), manifest.to_bytes());
    crate::output::write_atomic(&folder, &files)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", folder.display())))?;
    let mut report = warnings.render(&sources);
    report.push_str(&format!(
        "archived the {year} edition: {count} file(s) and {MANIFEST} in archive/{year}/ (frozen {date}); commit archive/ to version control — builds now copy these files verbatim\n"
    ));
    Ok(report)
}
