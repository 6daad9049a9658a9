//! `gongkai archive <year>`: freezes a published edition: renders it with the 已归档 note and
//! stores its files with a manifest under archive/<year>/, reproducibly (the freezing time is
//! a date from the content or `--date`, never the clock). With `--amend --note`, publishes a
//! correction of an archived edition (see `correction`).

use crate::archive::amend as correction;
use crate::archive::folder as archive;
use crate::cli::ArchiveArgs;
use crate::date::Date;
use crate::diagnostic::Diagnostics;
use crate::model::manifest::{FileEntry, Manifest, MANIFEST};
use crate::pipeline::Failure;
use crate::render::Freezing;
use crate::render::RenderOptions;
use crate::source::Sources;
use std::collections::BTreeMap;

pub fn run(args: &ArchiveArgs) -> Result<String, Failure> {
    let root = &args.root;
    let year = args.year;
    let site = crate::load::load(root).map_err(|(s, d)| Failure::Content(s, d))?;
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
    if edition
        .nianbao
        .as_ref()
        .is_some_and(|n| n.page.front.status == crate::model::config::Status::Draft)
    {
        // Frozen without it, the report could only be published later as a correction.
        return Err(Failure::Refused(format!(
            "the {year} annual report (content/{year}/nianbao.md) is still a draft; publish it (`status: published`) before archiving the edition, or move nianbao.md and nianbao.yaml out of content/{year}/ until it is ready"
        )));
    }
    let folder = root.join("archive").join(year.to_string());
    let date = args
        .date
        .as_deref()
        .map(|d| {
            Date::parse(d).ok_or_else(|| {
                Failure::Refused(format!(
                    "--date `{d}` is not a date; write it as YYYY-MM-DD"
                ))
            })
        })
        .transpose()?;
    if args.amend {
        return amend(args, date.unwrap_or_else(crate::date::Date::today));
    }
    if let Some(refusal) = occupied(&folder, year) {
        return Err(refusal);
    }
    // The edition is frozen when its last document came out: the annual report of a year
    // is published weeks after its work report.
    let date = date.unwrap_or_else(|| {
        let report = edition.front().published;
        edition
            .nianbao
            .as_ref()
            .map_or(report, |n| report.max(n.page.front.published))
    });
    let (mut files, sources, warnings) = render_frozen(root, year, date)?;
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
        corrections: Vec::new(),
        superseded: None,
    };
    let count = files.len();
    files.insert(MANIFEST.to_string(), manifest.to_bytes());
    crate::write::staging::write_atomic(&folder, &files)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", folder.display())))?;
    let mut report = warnings.render(&sources);
    report.push_str(&format!(
        "archived the {year} edition: {count} file(s) and {MANIFEST} in archive/{year}/ (frozen {date}); commit archive/ to version control — builds now copy these files verbatim\n"
    ));
    Ok(report)
}

/// Why `archive <year>` must not write `folder` (archive/<year>/): it exists with anything
/// in it. Whatever state its manifest is in, it may be the only copy of what was published,
/// so it is never overwritten, not even when the manifest is corrupt, deleted or a FIFO.
fn occupied(folder: &std::path::Path, year: i32) -> Option<Failure> {
    let meta = std::fs::symlink_metadata(folder).ok()?;
    if meta.is_dir() && std::fs::read_dir(folder).is_ok_and(|mut e| e.next().is_none()) {
        return None;
    }
    let state = if meta.is_dir() {
        match archive::read_manifest_bytes(&folder.join(MANIFEST)) {
            Ok(bytes) => match crate::model::manifest::parse_manifest(&bytes) {
                Ok(old) => format!("the {year} edition was archived (frozen {})", old.frozen),
                Err(e) => format!("archive/{year}/{e}"),
            },
            Err(e) => archive::cannot_read(&format!("archive/{year}/{MANIFEST}"), &e),
        }
    } else {
        "it is not a folder".to_string()
    };
    Some(Failure::Refused(format!(
        "archive/{year}/ already exists ({state}), and `archive` never overwrites it: it may be the only copy of what was published\n  = help: if it was damaged, restore it from version control (`git checkout -- archive/{year}`); to publish a correction of the archived edition, run `gongkai archive {year} --amend --note \"…\"`"
    )))
}

/// An edition's files by path relative to its folder, what the printer needs to quote
/// source lines, and the warnings found.
type Frozen = (BTreeMap<String, Vec<u8>>, Sources, Diagnostics);

/// The edition `year` rendered afresh with the 已归档 note of `date`: its files relative to
/// its folder.
fn render_frozen(root: &std::path::Path, year: i32, date: Date) -> Result<Frozen, Failure> {
    let options = RenderOptions {
        drafts: false,
        freezing: Some(Freezing { year, date }),
        ..RenderOptions::default()
    };
    let (output, sources, warnings) = crate::pipeline::build_in_memory(root, &options, None)?;
    let prefix = format!("{year}/");
    let files = crate::write::unshare(output.files)
        .into_iter()
        .filter_map(|(p, b)| p.strip_prefix(&prefix).map(|r| (r.to_string(), b)))
        .collect();
    Ok((files, sources, warnings))
}

/// `archive <year> --amend --note …`: the archived copy moves to archive/<year>-v<n>/ (marked
/// 已更正), and archive/<year>/ holds the edition rendered again with a 更正说明 box on every
/// changed page. The new version keeps the original freezing date in its 已归档 note, so a
/// page the correction did not touch stays byte for byte what was published.
fn amend(args: &ArchiveArgs, date: Date) -> Result<String, Failure> {
    let root = &args.root;
    let year = args.year;
    let note = args.note.as_deref().unwrap_or("").trim();
    if note.is_empty() {
        return Err(Failure::Refused(
            "--note is empty: say what was corrected and why; it is shown on every changed page"
                .into(),
        ));
    }
    let archive_dir = root.join("archive");
    let folder = archive_dir.join(year.to_string());
    let manifest_path = folder.join(MANIFEST);
    let manifest_bytes = match archive::read_manifest_bytes(&manifest_path) {
        Ok(bytes) => bytes,
        Err(e) if std::fs::symlink_metadata(&folder).is_ok() => {
            return Err(Failure::Refused(format!(
                "{}; restore archive/{year}/ from version control before amending",
                archive::cannot_read(&format!("archive/{year}/{MANIFEST}"), &e)
            )))
        }
        Err(_) => {
            return Err(Failure::Refused(format!(
                "the {year} edition is not archived, so there is nothing to amend; freeze it first with `gongkai archive {year}`"
            )))
        }
    };
    let old_manifest = crate::model::manifest::parse_manifest(&manifest_bytes).map_err(|e| {
        Failure::Refused(format!(
            "archive/{year}/{e}; restore archive/{year}/ from version control before amending"
        ))
    })?;
    // Checked before anything else of it is read: an unlisted or resized file is found from
    // its size alone.
    let checked = archive::verify_folder(&folder, &old_manifest)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", folder.display())))?;
    if !checked.mismatch.is_empty() {
        return Err(Failure::Refused(format!(
            "archive/{year}/ does not match its manifest; restore it from version control (`gongkai verify archive/{year}` names the files) before amending"
        )));
    }
    let mut old = checked.files;
    old.insert(MANIFEST.to_string(), manifest_bytes);
    let frozen = Date::parse(&old_manifest.frozen).ok_or_else(|| {
        Failure::Refused(format!(
            "archive/{year}/{MANIFEST} has no valid `frozen` date"
        ))
    })?;
    let (fresh, sources, warnings) = render_frozen(root, year, frozen)?;
    let n = correction::next_version(&archive_dir, year);
    let mut kept = std::collections::BTreeSet::new();
    for c in &old_manifest.corrections {
        let files = archive::scan_folder(&archive_dir.join(&c.previous)).unwrap_or_default();
        kept.extend(
            files
                .sizes
                .into_keys()
                .map(|rel| format!("{}/{rel}", c.previous)),
        );
    }
    let request = correction::Request {
        year,
        n,
        date,
        note,
        sources: archive::source_entries(root, year)
            .map_err(|e| Failure::Io(format!("cannot read content/{year}/: {e}")))?,
        kept,
    };
    let withdrawn = withdrawn_figures(&old, &fresh);
    let a = correction::amend(request, &old_manifest, &old, fresh).map_err(Failure::Refused)?;
    let previous_dir = archive_dir.join(&a.version);
    crate::write::staging::write_atomic(&previous_dir, &a.previous)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", previous_dir.display())))?;
    if let Err(e) = crate::write::staging::write_atomic(&folder, &a.current) {
        // Leave the archive as it was: the old copy is still in archive/<year>/.
        let _ = std::fs::remove_dir_all(&previous_dir);
        return Err(Failure::Io(format!(
            "cannot write {}: {e}",
            folder.display()
        )));
    }
    let mut warnings = warnings;
    for (id, field) in withdrawn {
        warnings.push(withdrawal_warning(&sources, year, &a.version, &id, field));
    }
    let mut report = warnings.render(&sources);
    report.push_str(&format!(
        "amended the {year} edition ({date}): {} file(s) changed, a 更正说明 box on {} page(s); the replaced copy is kept as archive/{}/ marked 已更正; commit archive/ and run `gongkai build`\n",
        a.changed.len(),
        a.boxed_pages,
        a.version
    ));
    Ok(report)
}

/// The figures a correction turns from a number into "*": `(indicator id, "value" or
/// "target")`, read from the edition's data.json before and after.
fn withdrawn_figures(
    old: &BTreeMap<String, Vec<u8>>,
    fresh: &BTreeMap<String, Vec<u8>>,
) -> Vec<(String, &'static str)> {
    const FIELDS: [(&str, &str); 2] = [("value", "withheld"), ("target", "target_withheld")];
    let indicators = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, serde_json::Value> {
        let data: serde_json::Value = files
            .get("data.json")
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        data["indicators"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| Some((i["id"].as_str()?.to_string(), i.clone())))
            .collect()
    };
    let (before, after) = (indicators(old), indicators(fresh));
    let mut out = Vec::new();
    for (id, then) in &before {
        let Some(now) = after.get(id) else { continue };
        for (field, withheld) in FIELDS {
            if then[field].is_number() && now[withheld].as_bool() == Some(true) {
                out.push((id.clone(), field));
            }
        }
    }
    out
}

/// W040: a correction withholds a figure, but the version it replaces stays published as
/// it was, the figure in it; located at the figure in content/<year>/indicators.yaml.
fn withdrawal_warning(
    sources: &Sources,
    year: i32,
    version: &str,
    id: &str,
    field: &str,
) -> crate::diagnostic::Diagnostic {
    let d = crate::diagnostic::Diagnostic::warning(
        "W040",
        format!(
            "the {field} of `{id}` is withheld (\"*\") from now on, but the replaced version archive/{version}/ keeps it as it was published: a correction leaves the earlier version public"
        ),
    )
    .help(format!(
        "if the figure only needed correcting, nothing is to be done; if it must be withdrawn from publication, the kept version must go too: follow \"Withdrawing a figure\" in the README (remove archive/{year}/ and every archive/{year}-v<n>/, record why, freeze the edition again with `gongkai archive {year} --date <its frozen date>`); later archived editions show it in their history tables too"
    ));
    let path = format!("content/{year}/indicators.yaml");
    match sources
        .iter()
        .find(|(_, s)| s.path.to_string_lossy().replace('\\', "/") == path)
    {
        Some((file, _)) => {
            let at = crate::validate::Locator::new(sources, file);
            let span = at.field(id, 0, field);
            at.at(d, span)
        }
        None => d,
    }
}
