//! `gongkai verify [DIR]`: checks every manifest.json under DIR (an archive folder or a built
//! site) against the files beside it and names each changed, missing or extra file.

use crate::archive::{self, MANIFEST};
use crate::cli::VerifyArgs;
use crate::Failure;
use std::fmt::Write as _;
use walkdir::WalkDir;

pub fn run(args: &VerifyArgs) -> Result<String, Failure> {
    let dir = if args.dir.is_absolute() {
        args.dir.clone()
    } else {
        args.root.join(&args.dir)
    };
    if !dir.is_dir() {
        return Err(Failure::Refused(format!("no folder at {}", dir.display())));
    }
    let manifests: Vec<_> = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() == MANIFEST)
        .map(|e| e.into_path())
        .collect();
    if manifests.is_empty() {
        return Err(Failure::Refused(format!(
            "no {MANIFEST} under {}: nothing to verify (freeze an edition with `gongkai archive <year>` first)",
            dir.display()
        )));
    }
    let mut problems = String::new();
    let mut files = 0;
    for path in &manifests {
        let folder = path.parent().unwrap_or(&dir);
        let shown = |name: &str| {
            let rel = folder.strip_prefix(&dir).unwrap_or(folder).join(name);
            rel.to_string_lossy().replace('\\', "/")
        };
        let manifest = match archive::read_manifest(path) {
            Ok(m) => m,
            Err(e) => {
                let _ = writeln!(problems, "  unreadable: {} ({e})", shown(MANIFEST));
                continue;
            }
        };
        files += manifest.files.len();
        let m = archive::verify_folder(folder, &manifest)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", folder.display())))?;
        for (what, list) in [
            ("changed", &m.changed),
            ("missing", &m.missing),
            ("extra", &m.extra),
        ] {
            for name in list {
                let _ = writeln!(problems, "  {what}: {}", shown(name));
            }
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "verified {} manifest(s), {files} file(s) under {}: every file matches\n",
            manifests.len(),
            dir.display()
        ))
    } else {
        Err(Failure::Refused(format!(
            "{} does not match its manifest(s):\n{problems}restore these files from the archive (archive/<year>/) or from version control",
            dir.display()
        )))
    }
}
