//! `gongkai verify [DIR]`: checks the archived editions under DIR (an archive folder, one
//! edition's folder or a built site) against their manifests and names each changed,
//! missing or extra file, symlink and missing manifest.
//!
//! The checks are the archive layer's (`archive::verify`).

use crate::archive::verify::{exists, Found, Record};
use crate::cli::VerifyArgs;
use crate::model::manifest::MANIFEST;
use crate::pipeline::Failure;

pub fn run(args: &VerifyArgs) -> Result<String, Failure> {
    let dir = if args.dir.is_absolute() {
        args.dir.clone()
    } else {
        args.root.join(&args.dir)
    };
    if !dir.is_dir() {
        return Err(Failure::Refused(format!("no folder at {}", dir.display())));
    }
    let record = Record::of(&args.root, &dir);
    let mut found = Found::default();
    if exists(&dir.join(MANIFEST)) {
        // One edition's folder (archive/2023, public/2023, a copy of either).
        if let Some(edition) = found.edition(&dir, "", None) {
            if let Record::Archive(archive) = &record {
                found.same_manifest_as_archive(&dir, archive, &edition.bytes);
            }
        }
    } else {
        found.site(&dir, &record).map_err(Failure::Io)?;
    }
    if found.manifests == 0 && found.problems.is_empty() {
        return Err(Failure::Refused(format!(
            "no {MANIFEST} under {}: nothing to verify (freeze an edition with `gongkai archive <year>` first)",
            dir.display()
        )));
    }
    let notes = found.notes.concat();
    if found.problems.is_empty() {
        Ok(format!(
            "verified {} manifest(s), {} file(s) under {}: every file matches\n{notes}",
            found.manifests,
            found.files,
            dir.display()
        ))
    } else {
        Err(Failure::Refused(format!(
            "{} does not match its manifest(s):\n{}{notes}restore these files from the archive (archive/<year>/) or from version control",
            dir.display(),
            found.problems.concat()
        )))
    }
}
