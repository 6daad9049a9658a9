//! An archived edition stays frozen at the edges a red team reached after defects 3 and 4 of
//! issue 11 were fixed: `archive` never overwrites an unreadable archive, a deleted or renamed
//! archive folder does not silently un-freeze an edition, `verify` compares a built site with
//! archive/ and checks the 关怀版 copies of frozen pages, FIFOs are never opened, a kept
//! version must belong to its edition, and a stray file is never read before it is found
//! unlisted.

use crate::support::{archived_and_built, copy_dir, output_files, restore, Project};
use std::path::Path;

fn saved(p: &Project, dir: &str) -> tempfile::TempDir {
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&p.path(dir), saved.path());
    saved
}

/// The blocks of `error[code]: …` diagnostics in `stderr`.
fn errors<'a>(stderr: &'a str, code: &str) -> Vec<&'a str> {
    let header = format!("error[{code}]: ");
    stderr
        .split("\nerror[")
        .map(|b| b.trim_start_matches("error["))
        .filter(|b| b.starts_with(&header["error[".len()..]))
        .collect()
}

#[test]
fn archive_never_overwrites_an_archived_folder_whose_manifest_cannot_be_read() {
    let p = Project::fixture("basic");
    p.run(&["archive", "2023"]).ok();
    let saved = saved(&p, "archive");
    type Tamper = fn(&Project);
    let cases: [(&str, Tamper); 3] = [
        ("a corrupt manifest", |p| {
            p.write("archive/2023/manifest.json", "{ \"edition\": 20");
        }),
        ("a deleted manifest", |p| {
            std::fs::remove_file(p.path("archive/2023/manifest.json")).unwrap();
        }),
        ("one stray file left", |p| {
            std::fs::remove_dir_all(p.path("archive/2023")).unwrap();
            p.write("archive/2023/index.html", "<p>留下的页面</p>");
        }),
    ];
    for (what, tamper) in cases {
        tamper(&p);
        let before = output_files(&p.path("archive"));
        let run = p.run(&["archive", "2023"]);
        assert_eq!(run.code, 1, "{what}: refused\n{}", run.stdout);
        assert!(
            run.stderr.contains("archive/2023/ already exists"),
            "{what}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("version control"), "{}", run.stderr);
        assert!(run.stderr.contains("--amend"), "{}", run.stderr);
        assert!(
            output_files(&p.path("archive")) == before,
            "{what}: archive/ untouched"
        );
        restore(&p, saved.path(), "archive");
    }
    // An empty folder holds nothing to lose.
    std::fs::remove_dir_all(p.path("archive/2023")).unwrap();
    std::fs::create_dir(p.path("archive/2023")).unwrap();
    p.run(&["archive", "2023"]).ok();
    p.run(&["verify", "archive"]).ok();
}

#[test]
fn build_refuses_when_an_edition_the_site_lists_as_archived_left_archive() {
    let p = archived_and_built();
    let before = p.output_files();
    let saved = saved(&p, "archive/2023");
    for moved_to in [None, Some("archive/2023 "), Some("archive/2023.bak")] {
        match moved_to {
            None => std::fs::remove_dir_all(p.path("archive/2023")).unwrap(),
            Some(to) => std::fs::rename(p.path("archive/2023"), p.path(to)).unwrap(),
        }
        let build = p.run(&["build"]);
        assert_eq!(build.code, 1, "{moved_to:?}: refused\n{}", build.stdout);
        let gone = errors(&build.stderr, "E043");
        assert_eq!(
            gone.len(),
            1,
            "{moved_to:?}: one E043 in:\n{}",
            build.stderr
        );
        assert!(
            gone[0].starts_with(
                "E043]: public/archived.json lists 2023 as archived, but archive/2023/ is gone"
            ),
            "{}",
            gone[0]
        );
        assert!(gone[0].contains("= help: "), "{}", gone[0]);
        assert!(
            gone[0].contains("gongkai build --withdraw 2023"),
            "{}",
            gone[0]
        );
        assert!(
            p.output_files() == before,
            "{moved_to:?}: public/ untouched"
        );
        if let Some(to) = moved_to {
            let name = &to["archive/".len()..];
            let misnamed = errors(&build.stderr, "E042");
            assert!(
                misnamed.iter().any(|b| b.starts_with(&format!(
                    "E042]: archive/{name}/ holds a manifest.json but `{name}` is not an archived edition's name"
                ))),
                "{}",
                build.stderr
            );
            // check knows no previous output, but it sees the misnamed folder too.
            let check = p.run(&["check", "--format", "json"]);
            assert_eq!(check.code, 1, "{}", check.stdout);
            assert!(
                check.stdout.contains("\"code\":\"E042\""),
                "{}",
                check.stdout
            );
            std::fs::remove_dir_all(p.path(to)).unwrap();
        }
        copy_dir(saved.path(), &p.path("archive/2023"));
        p.build();
        assert!(
            p.output_files() == before,
            "restored, the site is as it was"
        );
    }

    // Withdrawing an archived edition on purpose is said on the command line.
    std::fs::remove_dir_all(p.path("archive/2023")).unwrap();
    let run = p.run(&["build", "--withdraw", "2023"]).ok();
    assert!(run.stdout.contains("withdrew 2023"), "{}", run.stdout);
    let list: serde_json::Value = serde_json::from_str(&p.read("public/archived.json")).unwrap();
    assert_eq!(list["archived"].as_array().unwrap().len(), 1);
    assert_eq!(list["archived"][0]["folder"], "2022");
    assert!(!p.path("public/2023/manifest.json").exists());
    p.build();
    p.run(&["verify"]).ok();
}

/// The basic fixture archived and built, with 2023 corrected once (so 2023-v1 is kept).
fn amended_and_built() -> Project {
    let p = archived_and_built();
    p.edit(
        "content/2023/indicators.yaml",
        "value: 1234.5",
        "value: 1300",
    );
    p.run(&[
        "archive",
        "2023",
        "--amend",
        "--note",
        "贷款数据更正",
        "--date",
        "2024-03-01",
    ])
    .ok();
    p.build();
    p
}

fn sha256(bytes: &[u8]) -> String {
    gongkai::model::manifest::sha256_hex(bytes)
}

#[test]
fn verify_in_a_project_compares_the_site_with_archive_and_checks_the_care_copies() {
    let p = amended_and_built();
    let ok = p.run(&["verify"]).ok();
    assert!(ok.stdout.contains("every file matches"), "{}", ok.stdout);
    assert!(ok.stdout.contains("archive/"), "{}", ok.stdout);
    let saved = saved(&p, "public");

    type Tamper = fn(&Project);
    let cases: Vec<(&str, Vec<&str>, Tamper)> = vec![
        (
            "(a) 2023 dropped from archived.json, its manifest deleted, a page edited",
            vec![
                "missing: 2023/manifest.json (archive/2023/ holds the archived edition)",
                "changed: 2023/index.html",
                "changed: archived.json (does not list 2023, which archive/ holds)",
            ],
            |p| {
                let mut list: serde_json::Value =
                    serde_json::from_str(&p.read("public/archived.json")).unwrap();
                list["archived"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|f| f["folder"] != "2023");
                p.write("public/archived.json", &list.to_string());
                std::fs::remove_file(p.path("public/2023/manifest.json")).unwrap();
                p.edit("public/2023/index.html", "<main", "<main data-x=\"篡改\"");
            },
        ),
        (
            "(b) archived.json, .gongkai and the manifest deleted, a page edited",
            vec![
                "missing: 2023/manifest.json (archive/2023/ holds the archived edition)",
                "changed: 2023/index.html",
            ],
            |p| {
                for f in ["archived.json", ".gongkai", "2023/manifest.json"] {
                    std::fs::remove_file(p.path(&format!("public/{f}"))).unwrap();
                }
                p.edit("public/2023/index.html", "<main", "<main data-x=\"篡改\"");
            },
        ),
        (
            "(c) a page edited, its manifest and archived.json updated to match",
            vec![
                "changed: 2023/manifest.json (not archive/2023/manifest.json)",
                "changed: 2023/index.html",
            ],
            |p| {
                p.edit("public/2023/index.html", "<main", "<main data-x=\"篡改\"");
                let page = std::fs::read(p.path("public/2023/index.html")).unwrap();
                let mut m: serde_json::Value =
                    serde_json::from_str(&p.read("public/2023/manifest.json")).unwrap();
                for f in m["files"].as_array_mut().unwrap() {
                    if f["path"] == "index.html" {
                        f["size"] = page.len().into();
                        f["sha256"] = sha256(&page).into();
                    }
                }
                let bytes = m.to_string();
                p.write("public/2023/manifest.json", &bytes);
                let mut list: serde_json::Value =
                    serde_json::from_str(&p.read("public/archived.json")).unwrap();
                for f in list["archived"].as_array_mut().unwrap() {
                    if f["folder"] == "2023" {
                        f["manifest_sha256"] = sha256(bytes.as_bytes()).into();
                    }
                }
                p.write("public/archived.json", &list.to_string());
            },
        ),
        (
            "(d) the 关怀版 copy of an archived page edited",
            vec!["changed: care/2023/index.html (not the 关怀版 copy of 2023/index.html)"],
            |p| {
                p.edit(
                    "public/care/2023/index.html",
                    "<main",
                    "<main data-x=\"篡改\"",
                );
            },
        ),
        (
            "the 关怀版 copy of a kept version's page edited",
            vec!["changed: care/2023-v1/index.html (not the 关怀版 copy of 2023-v1/index.html)"],
            |p| {
                p.edit(
                    "public/care/2023-v1/index.html",
                    "<main",
                    "<main data-x=\"篡改\"",
                );
            },
        ),
        (
            "a page added to, and one removed from, an archived edition's 关怀版 copy",
            vec![
                "extra: care/2023/evil.html",
                "missing: care/2023/indicators/jobs.total.html",
            ],
            |p| {
                p.write("public/care/2023/evil.html", "<p>x</p>");
                std::fs::remove_file(p.path("public/care/2023/indicators/jobs.total.html"))
                    .unwrap();
            },
        ),
        (
            "the whole 关怀版 copy removed from the site",
            vec!["missing: care/2023/ (the 关怀版 copy of 2023/)"],
            |p| std::fs::remove_dir_all(p.path("public/care")).unwrap(),
        ),
        (
            "a whole archived folder removed from the site",
            vec!["missing: 2022/ (archive/2022/ holds the archived edition)"],
            |p| std::fs::remove_dir_all(p.path("public/2022")).unwrap(),
        ),
    ];
    for (what, expected, tamper) in cases {
        tamper(&p);
        let run = p.run(&["verify"]);
        assert_eq!(run.code, 1, "{what}: verify must fail\n{}", run.stdout);
        for e in expected {
            assert!(
                run.stderr.contains(&format!("  {e}\n")),
                "{what}: `{e}` in:\n{}",
                run.stderr
            );
        }
        restore(&p, saved.path(), "public");
    }
    p.run(&["verify"]).ok();

    // An unpacked bundle holds one edition (and stand-ins for the other's pages): archive/'s
    // other folders are not required of it, but its own are compared.
    p.run(&["bundle", "2023", "--out", "b.tar.gz"]).ok();
    let bytes = std::fs::read(p.path("b.tar.gz")).unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()))
        .unpack(p.path("unpacked"))
        .unwrap();
    let bundle = p.run(&["verify", "unpacked/gongkai-2023"]).ok();
    assert!(
        bundle.stdout.contains("not a whole site"),
        "{}",
        bundle.stdout
    );
    std::fs::remove_file(p.path("unpacked/gongkai-2023/2023/manifest.json")).unwrap();
    p.edit(
        "unpacked/gongkai-2023/2023/index.html",
        "<main",
        "<main data-x=\"篡改\"",
    );
    let run = p.run(&["verify", "unpacked/gongkai-2023"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for e in [
        "missing: 2023/manifest.json (archive/2023/ holds the archived edition)",
        "changed: 2023/index.html",
    ] {
        assert!(
            run.stderr.contains(&format!("  {e}\n")),
            "`{e}` in:\n{}",
            run.stderr
        );
    }

    // A server copy alone: no archive/ to compare with, but the 关怀版 copies are still
    // recomputed from the frozen pages, and verify says what it could not check.
    let server = Project {
        dir: tempfile::tempdir().unwrap(),
    };
    copy_dir(&p.path("public"), &server.path("www"));
    let alone = server.run(&["verify", "www"]).ok();
    assert!(
        alone.stdout.contains("not compared with archive/"),
        "{}",
        alone.stdout
    );
    server.edit("www/care/2023/index.html", "<main", "<main data-x=\"篡改\"");
    let run = server.run(&["verify", "www"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("  changed: care/2023/index.html (not the 关怀版 copy of 2023/index.html)\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not compared with archive/"),
        "{}",
        run.stderr
    );
    // With the list, the stamp and a manifest gone, the frozen pages still link to it.
    for f in ["archived.json", ".gongkai", "2023/manifest.json"] {
        std::fs::remove_file(server.path(&format!("www/{f}"))).unwrap();
    }
    let run = server.run(&["verify", "www"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "  missing: 2023/manifest.json (2023/index.html links to it as its archived edition's manifest)\n"
        ),
        "{}",
        run.stderr
    );
}

/// Makes `rel` a FIFO and runs `args`: true when gongkai never opened it (a reader that
/// opens a FIFO waits for a writer, so gongkai would hang for good; here a writer stands by
/// and records whether anybody opened the FIFO).
#[cfg(unix)]
fn fifo_left_unopened(
    p: &Project,
    rel: &str,
    payload: Vec<u8>,
    args: &[&str],
) -> (bool, crate::support::Run) {
    use std::io::{Read as _, Write as _};
    use std::os::unix::fs::FileTypeExt as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let path = p.path(rel);
    if path.exists() {
        std::fs::remove_file(&path).unwrap();
    }
    // The writer opens the FIFO by a second name of its own, so it can be released even
    // if gongkai removed or replaced `rel`.
    let keep = tempfile::tempdir_in(p.path("")).unwrap();
    let fifo = keep.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::hard_link(&fifo, &path).unwrap();
    let opened = Arc::new(AtomicBool::new(false));
    let writer = {
        let (fifo, opened) = (fifo.clone(), opened.clone());
        std::thread::spawn(move || {
            // Blocks until a reader opens the FIFO: gongkai, or this test afterwards.
            let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            opened.store(true, Ordering::SeqCst);
            let _ = f.write_all(&payload);
        })
    };
    let run = p.run(args);
    let unopened = !opened.load(Ordering::SeqCst);
    if unopened {
        // Release the writer.
        let mut rest = Vec::new();
        std::fs::File::open(&fifo)
            .unwrap()
            .read_to_end(&mut rest)
            .unwrap();
    }
    writer.join().unwrap();
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_fifo()) {
        std::fs::remove_file(&path).unwrap();
    }
    (unopened, run)
}

#[cfg(unix)]
#[test]
fn a_fifo_is_never_opened() {
    let p = archived_and_built();
    let archive = saved(&p, "archive");
    let manifest = std::fs::read(p.path("archive/2023/manifest.json")).unwrap();
    let list = std::fs::read(p.path("public/archived.json")).unwrap();

    let cases: [(&str, Vec<u8>, &[&str], &str); 4] = [
        (
            "archive/2023/manifest.json",
            manifest.clone(),
            &["bundle", "2023"],
            "archive/2023/manifest.json is not a regular file",
        ),
        (
            "archive/2023/manifest.json",
            manifest.clone(),
            &["archive", "2023", "--amend", "--note", "x"],
            "archive/2023/manifest.json is not a regular file",
        ),
        (
            "archive/2023/manifest.json",
            manifest.clone(),
            &["archive", "2023"],
            "archive/2023/ already exists",
        ),
        (
            "public/archived.json",
            list.clone(),
            &["verify"],
            "archived.json is not a regular file",
        ),
    ];
    for (rel, payload, args, says) in cases {
        let (unopened, run) = fifo_left_unopened(&p, rel, payload, args);
        assert!(unopened, "{args:?} opened the FIFO {rel}");
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains(says),
            "{args:?}: `{says}` in:\n{}",
            run.stderr
        );
        restore(&p, archive.path(), "archive");
        std::fs::write(p.path("public/archived.json"), &list).unwrap();
    }

    // The build names a FIFO for what it is, not a symlink.
    let (unopened, build) =
        fifo_left_unopened(&p, "archive/2023/manifest.json", manifest, &["build"]);
    assert!(unopened);
    assert_eq!(build.code, 1);
    assert!(
        build
            .stderr
            .contains("error[E041]: archive/2023/manifest.json is not a regular file"),
        "{}",
        build.stderr
    );
    restore(&p, archive.path(), "archive");
    let (unopened, build) = fifo_left_unopened(&p, "archive/2023/data.csv", Vec::new(), &["build"]);
    assert!(unopened);
    assert_eq!(build.code, 1);
    assert!(
        build
            .stderr
            .contains("error[E041]: archive/2023/data.csv is not a regular file"),
        "{}",
        build.stderr
    );
}

#[test]
fn verify_archive_knows_a_kept_version_belongs_to_its_edition() {
    let p = archived_and_built();
    std::fs::rename(p.path("archive/2023"), p.path("archive/2023-v1")).unwrap();
    let build = p.run(&["build"]);
    assert_eq!(build.code, 1);
    let run = p.run(&["verify", "archive"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for e in [
        "missing: 2023/ (2023-v1 is a version of the 2023 edition, kept by a correction)",
        "changed: 2023-v1/manifest.json (records no `superseded`: it is not a version kept by a correction)",
    ] {
        assert!(run.stderr.contains(&format!("  {e}\n")), "`{e}` in:\n{}", run.stderr);
    }
    let check = p.run(&["check"]);
    assert!(
        check
            .stderr
            .contains("archive/2023-v1/manifest.json records no `superseded`"),
        "{}",
        check.stderr
    );

    // A real kept version passes, and its current edition must name it.
    let p = amended_and_built();
    p.run(&["verify", "archive"]).ok();
    p.run(&["verify"]).ok();
}

/// Runs `run` and returns the files under `dir` (not its subfolders) that were opened
/// meanwhile, as inotify saw it. No waiting on a clock: after the run the test opens a file
/// of its own, watched by the same inotify queue, and reads events up to that one.
#[cfg(target_os = "linux")]
fn opened_during(
    dir: &Path,
    run: impl FnOnce() -> crate::support::Run,
) -> (
    std::collections::BTreeSet<std::path::PathBuf>,
    crate::support::Run,
) {
    use notify::event::{AccessKind, EventKind};
    use notify::{RecursiveMode, Watcher as _};
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).unwrap();
    let sentinel = tempfile::tempdir().unwrap();
    let mark = sentinel.path().join("mark");
    std::fs::write(&mark, "x").unwrap();
    watcher.watch(dir, RecursiveMode::NonRecursive).unwrap();
    watcher
        .watch(sentinel.path(), RecursiveMode::NonRecursive)
        .unwrap();
    let result = run();
    std::fs::read(&mark).unwrap();
    let mut opened = std::collections::BTreeSet::new();
    loop {
        // Only a guard against a watcher that delivers nothing: the sentinel's event is
        // queued behind every earlier one.
        let event = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("inotify delivered the sentinel's event")
            .unwrap();
        if !matches!(event.kind, EventKind::Access(AccessKind::Open(_))) {
            continue;
        }
        if event.paths.contains(&mark) {
            break;
        }
        opened.extend(event.paths);
    }
    (opened, result)
}

#[cfg(target_os = "linux")]
#[test]
fn a_stray_or_resized_file_is_reported_without_being_read() {
    let p = archived_and_built();
    let before = p.output_files();
    // As big as suits a test; the point is that neither file is opened at all, so a 5 GB
    // one costs nothing either.
    let stray = p.path("archive/2023/stray.bin");
    std::fs::write(&stray, vec![0u8; 1 << 20]).unwrap();
    let resized = p.path("archive/2023/data.csv");
    let mut csv = std::fs::read(&resized).unwrap();
    csv.extend_from_slice(&[b'x'; 4096]);
    std::fs::write(&resized, csv).unwrap();
    let never = |opened: &std::collections::BTreeSet<std::path::PathBuf>, what: &str| {
        for file in [&stray, &resized] {
            assert!(!opened.contains(file), "{what} opened {}", file.display());
        }
    };

    let (opened, build) = opened_during(&p.path("archive/2023"), || p.run(&["build"]));
    assert_eq!(build.code, 1);
    for message in [
        "archive/2023/stray.bin is not listed in archive/2023/manifest.json",
        "archive/2023/data.csv differs from archive/2023/manifest.json",
    ] {
        assert!(
            build.stderr.contains(&format!("error[E040]: {message}")),
            "{message} in:\n{}",
            build.stderr
        );
    }
    never(&opened, "build");
    assert!(
        opened.contains(&p.path("archive/2023/index.html")),
        "the watch sees the files that are read: {opened:?}"
    );
    assert!(p.output_files() == before);

    let (opened, run) = opened_during(&p.path("archive/2023"), || p.run(&["verify", "archive"]));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("  extra: 2023/stray.bin\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("  changed: 2023/data.csv\n"),
        "{}",
        run.stderr
    );
    never(&opened, "verify archive");

    let (opened, amend) = opened_during(&p.path("archive/2023"), || {
        p.run(&["archive", "2023", "--amend", "--note", "x"])
    });
    assert_eq!(amend.code, 1);
    assert!(
        amend.stderr.contains("does not match its manifest"),
        "{}",
        amend.stderr
    );
    never(&opened, "archive --amend");

    // The same in a built site.
    std::fs::write(p.path("public/2023/stray.bin"), vec![0u8; 1 << 20]).unwrap();
    let (opened, run) = opened_during(&p.path("public/2023"), || p.run(&["verify"]));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("  extra: 2023/stray.bin\n"),
        "{}",
        run.stderr
    );
    assert!(!opened.contains(&p.path("public/2023/stray.bin")));
}

/// The usual calendar: the work report is archived in December, the annual disclosure report
/// of the same year is written in January. Until the archive is amended the report is not
/// published, nothing links to it, and `build` says why; the amendment publishes it.
#[test]
fn an_annual_report_written_after_its_edition_was_archived_waits_for_the_amendment() {
    let p = Project::example();
    let aside = tempfile::tempdir().unwrap();
    for f in ["nianbao.md", "nianbao.yaml"] {
        std::fs::rename(p.path(&format!("content/2023/{f}")), aside.path().join(f)).unwrap();
    }
    p.run(&["archive", "2023"]).ok();
    for f in ["nianbao.md", "nianbao.yaml"] {
        std::fs::rename(aside.path().join(f), p.path(&format!("content/2023/{f}"))).unwrap();
    }
    let run = p.build();
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(
            "warning[W011]: content/2023/nianbao.md was added after the 2023 edition was archived"
        ),
        "{said}"
    );
    assert!(!p.path("public/2023/nianbao.html").exists());
    let years = |p: &Project| -> Vec<String> {
        let csv = p.read("public/data/nianbao.csv");
        let mut years: Vec<String> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        years.dedup();
        years
    };
    assert_eq!(
        years(&p),
        ["2021", "2022"],
        "an unpublished report's data stays out"
    );
    let links = crate::support::attrs(&p.html("index.html"), "a", "href");
    assert!(
        links.contains(&"2022/nianbao.html".to_string()),
        "{links:?}"
    );
    assert!(
        !links.contains(&"2023/nianbao.html".to_string()),
        "{links:?}"
    );

    p.run(&[
        "archive",
        "2023",
        "--amend",
        "--note",
        "补充发布2023年政府信息公开工作年度报告",
    ])
    .ok();
    let run = p.build();
    assert!(!format!("{}{}", run.stdout, run.stderr).contains("W011"));
    assert!(p.path("public/2023/nianbao.html").is_file());
    assert_eq!(years(&p), ["2021", "2022", "2023"]);
    let links = crate::support::attrs(&p.html("index.html"), "a", "href");
    assert!(
        links.contains(&"2023/nianbao.html".to_string()),
        "{links:?}"
    );
}

/// An edition is frozen on the day its last document came out (its annual report, weeks after
/// the work report), and never while its annual report is a draft, which would leave the
/// report to be published later as a correction.
#[test]
fn an_edition_is_frozen_with_its_annual_report_published() {
    let p = Project::example();
    p.edit(
        "content/2023/nianbao.md",
        "status: published",
        "status: draft",
    );
    let run = p.run(&["archive", "2023"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("the 2023 annual report (content/2023/nianbao.md) is still a draft"),
        "{}",
        run.stderr
    );
    assert!(!p.path("archive/2023").exists());

    p.edit(
        "content/2023/nianbao.md",
        "status: draft",
        "status: published",
    );
    p.run(&["archive", "2023"]).ok();
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("archive/2023/manifest.json")).unwrap();
    assert_eq!(manifest["frozen"], "2024-01-19");
    assert!(p.path("archive/2023/nianbao.html").is_file());
}

/// The 关怀版 copy of a frozen page is the 关怀版 too: large type and targets from care.css,
/// its charts and tables focusable for keyboard scrolling; and `verify` recomputes it so.
#[test]
fn the_care_copy_of_an_archived_page_has_the_care_stylesheet() {
    let p = archived_and_built();
    let copy = p.html("care/2023/index.html");
    let sheets = crate::support::attrs(&copy, "link[rel=stylesheet]", "href");
    assert_eq!(
        sheets,
        ["../../static/style.css", "../../static/care.css"],
        "the standard stylesheet, then the 关怀版's"
    );
    let standard = p.html("2023/index.html");
    assert!(
        !crate::support::attrs(&standard, "link[rel=stylesheet]", "href")
            .iter()
            .any(|h| h.contains("care.css")),
        "the frozen page itself is unchanged"
    );
    let figures = crate::support::attrs(&copy, "figure.chart", "tabindex");
    assert!(!figures.is_empty() && figures.iter().all(|t| t == "0"));
    p.run(&["verify"]).ok();
}
