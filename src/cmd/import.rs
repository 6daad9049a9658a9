//! `gongkai import <year> FILE`: brings the figures of a filled workbook (or a CSV saved from
//! one of its sheets) into indicators.yaml and nianbao.yaml, each figure's value scalar edited
//! in place (see `fill::apply`), then checks the project as `check --drafts` does. Any problem
//! of the workbook is reported with its place and nothing is written.

use crate::cli::ImportArgs;
use crate::diagnostic::printable;
use crate::fill::apply::Import;
use crate::pipeline::Failure;
use crate::render::RenderOptions;
use std::fmt::Write as _;

pub fn run(args: &ImportArgs) -> Result<String, Failure> {
    let year = args.year;
    let root = &args.root;
    let form = crate::load::form::form(root, year).map_err(|(s, d)| Failure::Content(s, d))?;
    let note = leftovers_note(root, year);
    let book = crate::fill::read::read(&args.file)
        .map_err(|message| Failure::Refused(format!("{note}{message}")))?;
    let import = crate::fill::apply::import(&form, &book).map_err(|problems| {
        Failure::Refused(format!(
            "{note}{}",
            crate::fill::render_problems(&problems, &format!("content/{year}/"))
        ))
    })?;
    let mut out = note;
    out.push_str(&summary(&import, &args.file.display().to_string()));
    if args.dry_run {
        let _ = writeln!(
            out,
            "dry run: nothing was written ({} file(s) would change); checking the project with them as they would be written",
            import.files.len()
        );
        // The changed files are read from memory in place of the disk's: nothing is copied,
        // so nothing is left behind should the dry run be killed.
        let overlay: crate::load::Overlay = import.files.iter().cloned().collect();
        return checked(out, root, Some(overlay), "nothing was written (dry run)");
    }
    // Both files are checked before either is replaced: one that changed on disk since it
    // was read would lose that change.
    let mut writes = Vec::new();
    for (path, text) in &import.files {
        let full = root.join(path);
        let raw = std::fs::read(&full)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
        let bom = raw.starts_with(b"\xEF\xBB\xBF");
        let before = form
            .sources
            .iter()
            .find(|(_, s)| s.path == *path)
            .map(|(_, s)| s.text.as_bytes());
        if Some(&raw[if bom { 3 } else { 0 }..]) != before {
            return Err(Failure::Io(format!(
                "{} changed while importing; nothing was written: import again",
                path.display()
            )));
        }
        let mut bytes = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(text.as_bytes());
        writes.push((full, bytes));
    }
    let files: Vec<(&std::path::Path, &[u8])> = writes
        .iter()
        .map(|(full, bytes)| (full.as_path(), bytes.as_slice()))
        .collect();
    crate::write::file::replace_all(&files).map_err(|e| {
        Failure::Io(format!(
            "cannot write the imported figures into content/{year}/: {e}"
        ))
    })?;
    let _ = writeln!(
        out,
        "wrote {} file(s); checking the project (as `gongkai check --drafts`)",
        writes.len()
    );
    checked(out, root, None, "the figures above were written")
}

/// What a killed import left beside the sources: temporary files under gongkai's own name,
/// written but never renamed. They are said, with how to remove them, and not removed here:
/// another import running at this moment may be about to rename its own.
fn leftovers_note(root: &std::path::Path, year: i32) -> String {
    let dir = root.join("content").join(year.to_string());
    let mut out = String::new();
    for (file, left) in ["indicators.yaml", "nianbao.yaml"].iter().flat_map(|f| {
        crate::write::file::leftovers(&dir.join(f))
            .into_iter()
            .map(move |l| (f, l))
    }) {
        let shown = left
            .strip_prefix(root)
            .unwrap_or(&left)
            .display()
            .to_string();
        let _ = writeln!(
            out,
            "note: {} is a temporary file left by an import that was stopped before it finished; {file} itself is whole (the figures before that import, or after it) and this file is not used\n  = help: check that no other import is running, then delete it: rm '{}'\n",
            printable(&shown),
            printable(&shown)
        );
    }
    out
}

/// Runs `check --drafts` on the project at `root`, with the files of `overlay` in place of
/// the disk's, and adds its findings to `out`: exit 0 when clean, 1 with `what_happened`
/// said when not.
fn checked(
    mut out: String,
    root: &std::path::Path,
    overlay: Option<crate::load::Overlay>,
    what_happened: &str,
) -> Result<String, Failure> {
    let options = RenderOptions {
        drafts: true,
        overlay: overlay.map(std::sync::Arc::new),
        ..RenderOptions::default()
    };
    match crate::pipeline::build_in_memory(root, &options, None) {
        Ok((_, sources, warnings)) => {
            out.push_str(&warnings.render(&sources));
            out.push_str("check: no errors\n");
            Ok(out)
        }
        Err(Failure::Content(sources, diags)) => {
            out.push_str(&diags.render(&sources));
            let errors = diags.0.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(
                out,
                "check: {errors} error(s) in the project after the import ({what_happened}): fix them in the workbook or the sources, then import or check again"
            );
            Err(Failure::Reported {
                code: 1,
                stdout: out,
            })
        }
        Err(other) => Err(other),
    }
}

/// The table of changes, what was left blank, what the workbook does not list, and the
/// 科室's remarks.
fn summary(import: &Import, file: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{file}: {} change(s), {} figure(s) as before",
        import.changes.len(),
        import.unchanged
    );
    if !import.changes.is_empty() {
        let _ = writeln!(out, "\n  id | 名称 | 项 | 原值 → 新值");
        for c in &import.changes {
            let _ = writeln!(
                out,
                "  {} | {} | {} | {} → {}",
                printable(&c.id),
                printable(&c.name),
                c.field,
                printable(&c.old),
                c.new
            );
        }
    }
    let list = |out: &mut String, title: &str, items: &[(String, String)]| {
        if !items.is_empty() {
            let _ = writeln!(out, "\n{title} ({}):", items.len());
            for (id, name) in items {
                let _ = writeln!(out, "  {} {}", printable(id), printable(name));
            }
        }
    };
    // The annual report's two hundred cells are counted, not listed.
    for (title, items) in [
        (
            "left blank in the workbook, kept as they were",
            &import.blank,
        ),
        ("not in the workbook, kept as they were", &import.missing),
    ] {
        let (cells, indicators): (Vec<_>, Vec<_>) = items
            .iter()
            .cloned()
            .partition(|(id, _)| id.starts_with(crate::model::nianbao::ID_PREFIX));
        list(&mut out, title, &indicators);
        if !cells.is_empty() {
            let _ = writeln!(out, "\n年度报告: {} cell(s) {title}", cells.len());
        }
    }
    if !import.without_id.is_empty() {
        let _ = writeln!(
            out,
            "\nfigures in rows without a 指标编号, not imported (a 合计 row, or an id lost to merged cells?):"
        );
        for place in &import.without_id {
            let _ = writeln!(out, "  {}", printable(place));
        }
    }
    if !import.notes.is_empty() {
        let _ = writeln!(
            out,
            "\n备注 from the workbook (not published; act on them by hand):"
        );
        for (id, place, note) in &import.notes {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                printable(id),
                printable(place),
                printable(note)
            );
        }
    }
    out.push('\n');
    out
}
