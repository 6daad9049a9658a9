//! `gongkai bundle <year>`: one .tar.gz per archived edition for handing over (to an archives
//! office, a new web officer). It holds the edition folder exactly as built (frozen pages,
//! charts, data, manifest), the versions kept by corrections, the static files, and for every
//! page outside the edition that those pages link to, a small stand-in page saying where the
//! page is published, so every link resolves wherever the bundle is unpacked. Deterministic:
//! sorted entries, fixed modes and owners, the freezing date as every file's time.

use crate::archive::folder as archive;
use crate::cli::BundleArgs;
use crate::date::Date;
use crate::html::escape::escape_html;
use crate::model::manifest::{Manifest, MANIFEST};
use crate::pipeline::Failure;
use crate::render::RenderOptions;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write as _};

pub fn run(args: &BundleArgs) -> Result<String, Failure> {
    let root = &args.root;
    let year = args.year;
    let folder = root.join("archive").join(year.to_string());
    let manifest = archive::read_manifest_bytes(&folder.join(MANIFEST))
        .map_err(|e| {
            if std::fs::symlink_metadata(&folder).is_ok() {
                Failure::Refused(format!(
                    "{}; restore archive/{year}/ from version control (`gongkai verify archive` names what is wrong)",
                    archive::cannot_read(&format!("archive/{year}/{MANIFEST}"), &e)
                ))
            } else {
                Failure::Refused(format!(
                    "the {year} edition is not archived: a bundle hands over a frozen edition with its manifest; run `gongkai archive {year}` first"
                ))
            }
        })
        .and_then(|bytes| {
            crate::model::manifest::parse_manifest(&bytes)
                .map_err(|e| Failure::Refused(format!("archive/{year}/{e}")))
        })?;
    let out = match &args.out {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => root.join(p),
        None => root.join(format!("gongkai-{year}.tar.gz")),
    };
    let replaceable = |path: &std::path::Path| not_this_bundle(root, year, path);
    crate::write::rules::check_file_output(root, &out, &replaceable)
        .map_err(|r| Failure::Io(r.to_string()))?;
    let (output, site, _) = crate::pipeline::build_site(root, &RenderOptions::default(), None)?;
    let files = select(
        &crate::write::unshare(output.files),
        year,
        site.config.base_url.as_deref(),
    );
    let folder = format!("gongkai-{year}");
    let mtime = Date::parse(&manifest.frozen).map_or(0, Date::epoch_seconds);
    let bytes = tar_gz(&folder, &files, mtime)
        .map_err(|e| Failure::Io(format!("cannot pack the bundle: {e}")))?;
    let tmp = out.with_file_name(format!(
        ".{}.gongkai-new-{}",
        out.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    // A new file only: a file of that name is not ours to overwrite or remove.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            let written = file
                .write_all(&bytes)
                .and_then(|()| std::fs::rename(&tmp, &out));
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written
        })
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", out.display())))?;
    Ok(format!(
        "bundled the {year} edition: {} file(s) in {} ({} bytes); unpacked, open {folder}/{year}/{}\n",
        files.len(),
        out.display(),
        bytes.len(),
        entry_page(&files, year)
    ))
}

/// The edition's own page: its work report, or for an edition of the annual report alone
/// (no index.html) the annual report.
fn entry_page(files: &BTreeMap<String, Vec<u8>>, year: i32) -> &'static str {
    if files.contains_key(&format!("{year}/index.html")) {
        "index.html"
    } else {
        crate::model::nianbao::PAGE
    }
}

/// Why the file at `path` is not a bundle of this project's `year` edition, or None when it
/// is one (so `bundle` may replace it): a gzip-compressed tar whose first entry is the
/// `gongkai-<year>/` folder and which holds `<year>/manifest.json` of an archived version of
/// that edition in this project (the current one, or one kept by a correction, recognised by
/// its year, freezing date and the hashes of the sources it was frozen from). A bundle of
/// another year or another project is somebody's hand-over copy, never replaced.
fn not_this_bundle(root: &std::path::Path, year: i32, path: &std::path::Path) -> Option<String> {
    let folder = format!("gongkai-{year}/");
    let why = Some(format!(
        "is not a bundle of this project's {year} edition (gongkai replaces only a bundle it wrote of that edition: a .tar.gz whose top folder is {folder} and whose {year}/{MANIFEST} is in this project's archive/)"
    ));
    let Some(bundled) = bundled_manifest(path, year) else {
        return why;
    };
    let archive_dir = root.join("archive");
    let versions = std::fs::read_dir(&archive_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            *name == year.to_string()
                || crate::model::manifest::parse_version(name).is_some_and(|(y, _)| y == year)
        });
    let same = versions
        .filter_map(|name| archive::read_manifest(&archive_dir.join(name).join(MANIFEST)).ok())
        .any(|m| {
            m.edition == bundled.edition
                && m.frozen == bundled.frozen
                && m.sources == bundled.sources
        });
    if bundled.edition == year && same {
        None
    } else {
        why
    }
}

/// The `<year>/manifest.json` of the bundle at `path`, when the file is a gzip tar whose
/// first entry is the `gongkai-<year>/` folder.
fn bundled_manifest(path: &std::path::Path, year: i32) -> Option<Manifest> {
    let folder = format!("gongkai-{year}/");
    // Never open anything but a regular file: a FIFO would block for good.
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut entries = archive.entries().ok()?;
    let first = entries.next()?.ok()?;
    if first.path().ok()?.to_string_lossy() != folder {
        return None;
    }
    let wanted = format!("{folder}{year}/{MANIFEST}");
    let entry = entries
        .filter_map(Result::ok)
        .find(|e| e.path().is_ok_and(|p| p.to_string_lossy() == wanted))?;
    let mut bytes = Vec::new();
    // A manifest lists every file of an edition; 64 MiB is far more than any needs.
    entry.take(64 << 20).read_to_end(&mut bytes).ok()?;
    crate::model::manifest::parse_manifest(&bytes).ok()
}

/// The files of the bundle for edition `year`, by path under the bundle's folder.
pub fn select(
    site: &BTreeMap<String, Vec<u8>>,
    year: i32,
    base_url: Option<&str>,
) -> BTreeMap<String, Vec<u8>> {
    let own = |path: &str| {
        let dir = path.split('/').next().unwrap_or("");
        dir == year.to_string()
            || crate::model::manifest::parse_version(dir).is_some_and(|(y, _)| y == year)
            || dir == "static"
    };
    let mut files: BTreeMap<String, Vec<u8>> = site
        .iter()
        .filter(|(p, _)| own(p))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    // Pages outside the edition that its pages link to, with the anchors asked for.
    let mut stubs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut extra = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for link in crate::html::links::internal_links(&text) {
            let (target, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let Some(target) = crate::html::links::resolve(dir, target) else {
                continue;
            };
            if target.is_empty() || files.contains_key(&target) {
                continue;
            }
            if target.ends_with(".html") {
                let anchors = stubs.entry(target).or_default();
                if !fragment.is_empty() {
                    anchors.insert(fragment.to_string());
                }
            } else if let Some(b) = site.get(&target) {
                // Data files (CSV, JSON) link nowhere: take them as they are.
                extra.push((target, b.clone()));
            }
        }
    }
    files.extend(extra);
    let entry = entry_page(&files, year);
    for (path, anchors) in stubs {
        let page = stand_in(&path, &anchors, year, entry, base_url);
        files.insert(path, page.into_bytes());
    }
    files
}

/// A page standing in for `path`, which is published on the site but not in this bundle.
fn stand_in(
    path: &str,
    anchors: &BTreeSet<String>,
    year: i32,
    entry: &str,
    base_url: Option<&str>,
) -> String {
    let root = "../".repeat(path.matches('/').count());
    let online = match base_url {
        Some(base) => {
            let url = crate::assemble::absolute(base, path);
            format!(
                "<p>网上地址：<a href=\"{u}\">{u}</a></p>",
                u = escape_html(&url)
            )
        }
        None => format!(
            "<p>该页面位于网站的 <code>{}</code>。</p>",
            escape_html(path)
        ),
    };
    let ids: String = anchors
        .iter()
        .map(|a| format!("<span id=\"{}\"></span>", escape_html(a)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>本页不在{year}年度归档包内</title>\n<link rel=\"stylesheet\" href=\"{root}static/style.css\">\n</head>\n<body>\n<main id=\"main\" class=\"wrap\">{ids}\n<h1>本页不在{year}年度归档包内</h1>\n{online}\n<p><a href=\"{root}{year}/{entry}\">返回{year}年度报告</a></p>\n</main>\n</body>\n</html>\n"
    )
}

/// The files under `folder/` as a gzip-compressed tar, byte-identical for the same input.
fn tar_gz(folder: &str, files: &BTreeMap<String, Vec<u8>>, mtime: u64) -> std::io::Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for path in files.keys() {
        let mut at = path.as_str();
        while let Some((d, _)) = at.rsplit_once('/') {
            dirs.insert(d.to_string());
            at = d;
        }
    }
    let header = |size: u64, mode: u32, kind: tar::EntryType| {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(mode);
        h.set_mtime(mtime);
        h.set_uid(0);
        h.set_gid(0);
        h
    };
    let mut h = header(0, 0o755, tar::EntryType::Directory);
    tar.append_data(&mut h, format!("{folder}/"), std::io::empty())?;
    for d in &dirs {
        let mut h = header(0, 0o755, tar::EntryType::Directory);
        tar.append_data(&mut h, format!("{folder}/{d}/"), std::io::empty())?;
    }
    for (path, bytes) in files {
        let mut h = header(bytes.len() as u64, 0o644, tar::EntryType::Regular);
        tar.append_data(&mut h, format!("{folder}/{path}"), bytes.as_slice())?;
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    gz.finish()
}
