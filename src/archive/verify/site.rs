//! A folder of archived editions checked as a whole: a built site (against its list of
//! archived folders and, inside a project, against archive/), archive/ itself, or an unpacked
//! bundle; the versions kept by corrections; the 关怀版 copies of frozen pages.

use super::{exists, links_to_own_manifest, Edition, Found, Record};
use crate::archive::folder as archive;
use crate::model::manifest::{self as manifest, ArchivedList, LIST, MANIFEST};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use walkdir::WalkDir;

impl Found {
    /// A folder holding archived editions: a built site, archive/, or an unpacked bundle.
    pub(crate) fn site(&mut self, dir: &Path, record: &Record) -> Result<(), String> {
        let cannot_read = |e: std::io::Error| format!("cannot read {}: {e}", dir.display());
        let children: BTreeSet<String> = std::fs::read_dir(dir)
            .map_err(cannot_read)?
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| manifest::is_edition_folder(n))
            .collect();
        // Folder → the manifest's SHA-256 the site list gives, if any.
        let mut required: BTreeMap<String, Option<String>> = BTreeMap::new();
        let list_path = dir.join(LIST);
        let list_there = exists(&list_path);
        let mut list = None;
        if list_there {
            match archive::read_regular(&list_path, archive::LIST_LIMIT)
                .map_err(|e| archive::cannot_read(LIST, &e))
                .and_then(|b| {
                    serde_json::from_slice::<ArchivedList>(&b).map_err(|e| format!("{LIST} ({e})"))
                }) {
                Ok(l) => {
                    for f in &l.archived {
                        if manifest::is_edition_folder(&f.folder) {
                            required.insert(f.folder.clone(), Some(f.manifest_sha256.clone()));
                        } else {
                            self.problem(
                                "unreadable",
                                LIST,
                                &format!(" (`{}` is not an edition's folder)", f.folder),
                            );
                        }
                    }
                    list = Some(l);
                }
                Err(e) => self.problem("unreadable", &e, ""),
            }
        } else if matches!(record, Record::IsArchive) {
            // archive/ holds nothing but archived folders, each written with its manifest.
            required.extend(children.iter().map(|c| (c.clone(), None)));
        }
        // An unreadable list says nothing about which folders are archived.
        let listed = list.is_some();
        let with_manifest: Vec<String> = children
            .iter()
            .filter(|c| exists(&dir.join(c).join(MANIFEST)))
            .cloned()
            .collect();
        if !list_there && crate::write::rules::is_stamped(dir) && !with_manifest.is_empty() {
            // A build writes the list whenever an edition is archived.
            self.problem("missing", LIST, " (the site's list of archived editions)");
        }
        let mut editions: BTreeMap<String, Option<String>> = required.clone();
        for c in &with_manifest {
            editions.entry(c.clone()).or_insert(None);
        }
        let mut checked: BTreeMap<String, Edition> = BTreeMap::new();
        for (folder, sha) in &editions {
            if listed && !required.contains_key(folder) {
                self.problem(
                    "extra",
                    &format!("{folder}/{MANIFEST}"),
                    &format!(" ({LIST} does not list {folder} as archived)"),
                );
                continue;
            }
            let path = dir.join(folder);
            if !exists(&path.join(MANIFEST)) {
                let why = if listed {
                    format!(" ({LIST} lists {folder} as archived)")
                } else {
                    " (every folder under archive/ is an archived edition)".to_string()
                };
                self.problem("missing", &format!("{folder}/{MANIFEST}"), &why);
                continue;
            }
            if let Some(e) = self.edition(&path, &format!("{folder}/"), sha.as_deref()) {
                checked.insert(folder.clone(), e);
            }
        }
        // A built site (or a copy of one) holds every archived folder and its 关怀版 copy;
        // an unpacked bundle holds one edition and stand-in pages for the rest, and has
        // neither the stamp, the list nor care/.
        let whole = list_there || crate::write::rules::is_stamped(dir) || dir.join("care").is_dir();
        match record {
            Record::Archive(archive) => {
                self.against_archive(dir, archive, list.as_ref(), whole, &mut checked)
            }
            Record::IsArchive => {}
            Record::None(root) => {
                self.linked_manifests(dir, &children, &editions);
                self.notes.push(format!(
                    "note: there is no archive/ in {}, so the archived folders were not compared with archive/ (only with their own manifests and {LIST}, which a copy can forge along with a page); pass the project folder as --root to compare them\n",
                    root.display(),
                ));
            }
        }
        self.versions(dir, &checked);
        if !matches!(record, Record::IsArchive) && !checked.is_empty() {
            if whole {
                self.care(dir, &checked);
                self.notes.push(format!(
                    "recomputed the 关怀版 copies of {} frozen page(s) under care/\n",
                    self.care_pages
                ));
            } else {
                // An unpacked bundle holds no 关怀版.
                self.notes
                    .push("note: there is no care/ folder, so no 关怀版 copy was checked\n".into());
            }
        }
        // A manifest anywhere else checks nothing: only an edition folder's own one counts.
        for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let top = rel.split('/').next().unwrap_or("");
            if entry.file_name() == MANIFEST && !editions.contains_key(top) {
                self.problem(
                    "extra",
                    &rel,
                    " (a manifest counts only at the root of an archived edition's folder)",
                );
            }
        }
        Ok(())
    }
    /// A kept version belongs to its edition and the edition to its versions: every
    /// correction the current manifest records keeps its version's folder, a `<year>-v<n>`
    /// folder's manifest records `superseded` by `<year>`, that folder is there and its
    /// manifest names the version; a `<year>` folder's manifest is the edition's.
    fn versions(&mut self, dir: &Path, checked: &BTreeMap<String, Edition>) {
        for (folder, e) in checked {
            let m = &e.manifest;
            let shown = format!("{folder}/{MANIFEST}");
            let year =
                manifest::parse_version(folder).map_or(folder.clone(), |(y, _)| y.to_string());
            if m.edition.to_string() != year {
                self.problem(
                    "changed",
                    &shown,
                    &format!(" (describes the {} edition)", m.edition),
                );
                continue;
            }
            for c in &m.corrections {
                if !checked.contains_key(&c.previous)
                    && !exists(&dir.join(&c.previous).join(MANIFEST))
                {
                    self.problem(
                        "missing",
                        &format!("{}/{MANIFEST}", c.previous),
                        &format!(
                            " ({shown} records a correction that keeps the replaced version there)"
                        ),
                    );
                }
            }
            if manifest::parse_version(folder).is_none() {
                if m.superseded.is_some() {
                    self.problem("changed", &shown, " (records `superseded`: it is a version kept by a correction, not the current edition)");
                }
                continue;
            }
            match &m.superseded {
                None => self.problem(
                    "changed",
                    &shown,
                    " (records no `superseded`: it is not a version kept by a correction)",
                ),
                Some(s) if s.current != year => self.problem(
                    "changed",
                    &shown,
                    &format!(" (records `superseded` by {}, not {year})", s.current),
                ),
                Some(_) => {}
            }
            let kept =
                format!(" ({folder} is a version of the {year} edition, kept by a correction)");
            match checked.get(&year) {
                Some(current) => {
                    if !current
                        .manifest
                        .corrections
                        .iter()
                        .any(|c| &c.previous == folder)
                    {
                        self.problem(
                            "extra",
                            &format!("{folder}/"),
                            &format!(" ({year}/{MANIFEST} records no correction that kept it)"),
                        );
                    }
                }
                None if dir.join(&year).is_dir() => {
                    self.problem("missing", &format!("{year}/{MANIFEST}"), &kept);
                }
                None => self.problem("missing", &format!("{year}/"), &kept),
            }
        }
    }
    /// Compares the site's archived folders with archive/'s: the same manifests byte for
    /// byte, every folder of archive/ in the site, none archived in the site alone, and the
    /// site's list naming exactly archive/'s folders. A folder whose manifest differs or is
    /// gone is checked against archive/'s manifest, so an edited page is found even when
    /// its manifest and the list were rewritten to match it.
    fn against_archive(
        &mut self,
        dir: &Path,
        archive_dir: &Path,
        list: Option<&ArchivedList>,
        whole: bool,
        checked: &mut BTreeMap<String, Edition>,
    ) {
        let names: BTreeSet<String> = std::fs::read_dir(archive_dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| manifest::is_edition_folder(n))
            .collect();
        for name in &names {
            let record = format!("archive/{name}/{MANIFEST}");
            let bytes = match archive::read_manifest_bytes(&archive_dir.join(name).join(MANIFEST)) {
                Ok(b) => b,
                Err(e) => {
                    let e = archive::cannot_read(&record, &e);
                    self.problem("unreadable", &e, " (`gongkai verify archive` says more)");
                    continue;
                }
            };
            let Ok(m) = manifest::parse_manifest(&bytes) else {
                self.problem(
                    "unreadable",
                    &record,
                    " (not a gongkai manifest; `gongkai verify archive` says more)",
                );
                continue;
            };
            if list.is_some_and(|l| !l.archived.iter().any(|f| &f.folder == name)) {
                self.problem(
                    "changed",
                    LIST,
                    &format!(" (does not list {name}, which archive/ holds)"),
                );
            }
            let out = dir.join(name);
            let held = format!(" (archive/{name}/ holds the archived edition)");
            if !exists(&out) {
                if whole {
                    self.problem("missing", &format!("{name}/"), &held);
                }
                continue;
            }
            if checked.get(name).is_some_and(|e| e.bytes == bytes) {
                continue;
            }
            let shown = format!("{name}/{MANIFEST}");
            match archive::read_manifest_bytes(&out.join(MANIFEST)) {
                // Not checked yet (e.g. the list leaves it out): checked below.
                Ok(b) if b == bytes => {}
                Ok(_) => self.problem("changed", &shown, &format!(" (not {record})")),
                // In a bundle, the folder of another edition holds stand-in pages.
                Err(e)
                    if e.kind() == std::io::ErrorKind::NotFound
                        && !whole
                        && !links_to_own_manifest(dir, name) =>
                {
                    continue;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    self.problem("missing", &shown, &held);
                }
                Err(e) => self.problem("unreadable", &archive::cannot_read(&shown, &e), ""),
            }
            if let Some(files) = self.against(&out, &format!("{name}/"), &m) {
                checked.insert(
                    name.clone(),
                    Edition {
                        manifest: m,
                        bytes,
                        files,
                    },
                );
            }
        }
        for f in list.map_or(&[][..], |l| &l.archived[..]) {
            if !names.contains(&f.folder) {
                self.problem(
                    "changed",
                    LIST,
                    &format!(" (lists {}, which archive/ does not hold)", f.folder),
                );
            }
        }
        let alone: Vec<String> = checked
            .keys()
            .filter(|k| !names.contains(*k))
            .cloned()
            .collect();
        for name in alone {
            self.problem(
                "extra",
                &format!("{name}/{MANIFEST}"),
                &format!(" (archive/ holds no {name}: the site has an archived edition the project does not)"),
            );
            checked.remove(&name);
        }
        let held = names.iter().filter(|n| checked.contains_key(*n)).count();
        let rest = if whole || held == names.len() {
            String::new()
        } else {
            format!(
                " (not a whole site, e.g. an unpacked bundle: archive/'s other {} folder(s) are not required)",
                names.len() - held
            )
        };
        self.notes.push(format!(
            "compared with the project's archive/ ({}): {held} archived folder(s), their manifests byte for byte{rest}\n",
            archive_dir.display(),
        ));
    }
    /// `verify <one edition's folder>` inside a project: its manifest is archive/'s.
    pub(crate) fn same_manifest_as_archive(
        &mut self,
        dir: &Path,
        archive_dir: &Path,
        bytes: &[u8],
    ) {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        if !manifest::is_edition_folder(name) {
            return;
        }
        let record = archive_dir.join(name).join(MANIFEST);
        match archive::read_manifest_bytes(&record) {
            Ok(b) if b == bytes => {
                self.notes.push(format!(
                    "its {MANIFEST} is archive/{name}/{MANIFEST}, byte for byte\n"
                ));
            }
            Ok(_) => self.problem(
                "changed",
                MANIFEST,
                &format!(" (not archive/{name}/{MANIFEST})"),
            ),
            Err(_) => {}
        }
    }
    /// Without archive/: an edition folder without a manifest whose index page links to
    /// its own manifest (the 已归档 note of the default theme) was archived.
    fn linked_manifests(
        &mut self,
        dir: &Path,
        children: &BTreeSet<String>,
        editions: &BTreeMap<String, Option<String>>,
    ) {
        for child in children.iter().filter(|c| !editions.contains_key(*c)) {
            if links_to_own_manifest(dir, child) {
                self.problem(
                    "missing",
                    &format!("{child}/{MANIFEST}"),
                    &format!(
                        " ({child}/index.html links to it as its archived edition's manifest)"
                    ),
                );
            }
        }
    }
    /// The 关怀版 copy of every frozen page, care/<folder>/<page>, is the page as the build
    /// rewrites it, computed here by the same function from the page that matched its
    /// manifest; care/<folder>/ holds nothing else.
    fn care(&mut self, dir: &Path, checked: &BTreeMap<String, Edition>) {
        for (name, e) in checked {
            let pages: Vec<&str> = e
                .manifest
                .files
                .iter()
                .map(|f| f.path.as_str())
                .filter(|p| p.ends_with(".html"))
                .collect();
            if pages.is_empty() {
                continue;
            }
            let care_dir = dir.join("care").join(name);
            let shown = format!("care/{name}/");
            let found = match archive::scan_folder(&care_dir) {
                Ok(f) => f,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    self.problem("missing", &shown, &format!(" (the 关怀版 copy of {name}/)"));
                    continue;
                }
                Err(err) => {
                    self.problem("unreadable", &shown, &format!(" ({err})"));
                    continue;
                }
            };
            self.odd(&shown, &found);
            if found.not_a_file(".").is_some() {
                continue;
            }
            for page in &pages {
                let copy = format!("{shown}{page}");
                let Some(&size) = found.sizes.get(*page) else {
                    if found.not_a_file(page).is_none() {
                        self.problem("missing", &copy, "");
                    }
                    continue;
                };
                // A page that differs from its manifest is reported already; its copy
                // cannot be recomputed.
                let Some(standard) = e.files.get(*page) else {
                    continue;
                };
                let want = crate::html::care::frozen_page_copy(standard, &format!("{name}/{page}"));
                let same = size == want.len() as u64
                    && archive::read_regular(&care_dir.join(page), size).is_ok_and(|b| b == want);
                if !same {
                    self.problem(
                        "changed",
                        &copy,
                        &format!(" (not the 关怀版 copy of {name}/{page})"),
                    );
                }
                self.care_pages += 1;
            }
            let pages: BTreeSet<&str> = pages.into_iter().collect();
            for rel in found.sizes.keys().filter(|r| !pages.contains(r.as_str())) {
                self.problem("extra", &format!("{shown}{rel}"), "");
            }
        }
    }
}
