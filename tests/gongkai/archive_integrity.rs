//! Archived editions stay what was frozen: `build` and `check` refuse an archive/ folder that
//! no longer matches its manifest (issue 11, defect 3), `verify` cannot be fooled by hidden
//! files, symlinks, self-made manifests or a deleted manifest (defect 4), and withholding a
//! published figure by `archive --amend` warns that the kept version still shows it
//! (defect 12).

use crate::support::{archived_and_built, copy_dir, restore, rows, Project};

#[test]
fn build_and_check_refuse_an_archive_that_no_longer_matches_its_manifest() {
    let p = archived_and_built();
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&p.path("archive"), saved.path());
    let before = p.output_files();

    // (error code, what the message names, the tampering)
    type Tamper = fn(&Project);
    let cases: Vec<(&str, &str, Tamper)> = vec![
        ("E040", "archive/2023/index.html differs from", |p| {
            p.edit("archive/2023/index.html", "<main", "<main data-x=\"篡改\"");
        }),
        ("E040", "archive/2023/.htaccess is not listed", |p| {
            p.write(
                "archive/2023/.htaccess",
                "Redirect / https://example.com/\n",
            );
        }),
        ("E040", "archive/2023/.well-known/x is not listed", |p| {
            p.write("archive/2023/.well-known/x", "x");
        }),
        // A subfolder with a manifest of its own is no exemption.
        (
            "E040",
            "archive/2023/evil/manifest.json is not listed",
            |p| {
                std::fs::create_dir_all(p.path("archive/2023/evil")).unwrap();
                std::fs::copy(
                    p.path("archive/2022/manifest.json"),
                    p.path("archive/2023/evil/manifest.json"),
                )
                .unwrap();
            },
        ),
        (
            "E040",
            "archive/2023/data.csv is missing but listed in archive/2023/manifest.json",
            |p| std::fs::remove_file(p.path("archive/2023/data.csv")).unwrap(),
        ),
        // Without its manifest the edition was silently rendered afresh from content/.
        ("E042", "archive/2023/ has no manifest.json", |p| {
            std::fs::remove_file(p.path("archive/2023/manifest.json")).unwrap();
            p.edit(
                "content/2023/indicators.yaml",
                "value: 1234.5",
                "value: 9999",
            );
        }),
        #[cfg(unix)]
        ("E041", "archive/2023/p.html is a symlink", |p| {
            std::os::unix::fs::symlink("/etc/passwd", p.path("archive/2023/p.html")).unwrap()
        }),
    ];
    for (code, message, tamper) in cases {
        let content = p.read("content/2023/indicators.yaml");
        tamper(&p);
        let build = p.run(&["build"]);
        assert_eq!(
            build.code, 1,
            "{message}: build must fail\n{}",
            build.stdout
        );
        let header = format!("error[{code}]: {message}");
        assert!(
            build.stderr.contains(&header),
            "{header} in:\n{}",
            build.stderr
        );
        assert!(build.stderr.contains("= help: "), "{}", build.stderr);
        assert!(
            p.output_files() == before,
            "{message}: a failed build left public/ untouched"
        );
        let check = p.run(&["check", "--format", "json"]);
        assert_eq!(check.code, 1, "{message}: check reports it");
        let codes: Vec<String> = check
            .stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|d| d["message"].as_str().unwrap().starts_with(message))
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, [code], "{message} in:\n{}", check.stdout);
        restore(&p, saved.path(), "archive");
        p.write("content/2023/indicators.yaml", &content);
    }
    p.build();
    assert!(
        p.output_files() == before,
        "restored, the site is as it was"
    );
}

#[test]
fn verify_walks_every_entry_and_knows_which_folders_must_have_a_manifest() {
    let p = archived_and_built();
    let listed: serde_json::Value = serde_json::from_str(&p.read("public/archived.json")).unwrap();
    let folders: Vec<&str> = listed["archived"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["folder"].as_str().unwrap())
        .collect();
    assert_eq!(folders, ["2022", "2023"]);
    let ok = p.run(&["verify"]).ok();
    assert!(ok.stdout.contains("2 manifest(s)"), "{}", ok.stdout);
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&p.path("public"), saved.path());

    type Tamper = fn(&Project);
    let cases: Vec<(&str, Tamper)> = vec![
        ("extra: 2023/.htaccess", |p| {
            p.write("public/2023/.htaccess", "Redirect / https://example.com/\n");
        }),
        ("extra: 2023/.well-known/security.txt", |p| {
            p.write("public/2023/.well-known/security.txt", "x");
        }),
        // A folder with its own self-made manifest is not a second edition.
        ("extra: 2023/evil/manifest.json", |p| {
            p.write("public/2023/evil/a.html", "<p>x</p>");
            let bytes = b"<p>x</p>";
            let manifest = serde_json::json!({
                "edition": 2023, "gongkai_version": "0", "frozen": "2023-12-20",
                "sources": [], "files": [{"path": "a.html", "size": bytes.len(),
                "sha256": gongkai::model::manifest::sha256_hex(bytes)}],
            });
            p.write("public/2023/evil/manifest.json", &manifest.to_string());
        }),
        // The site's list says 2023 is archived, so its manifest cannot just go.
        (
            "missing: 2023/manifest.json (archived.json lists 2023 as archived)",
            |p| {
                std::fs::remove_file(p.path("public/2023/manifest.json")).unwrap();
                p.edit("public/2023/index.html", "<main", "<main data-x=\"篡改\"");
            },
        ),
        // Nor can the list, while other manifests are there.
        ("missing: archived.json", |p| {
            std::fs::remove_file(p.path("public/archived.json")).unwrap();
            std::fs::remove_file(p.path("public/2023/manifest.json")).unwrap();
        }),
        // A manifest rewritten to match an edited page is not the one that was archived.
        (
            "changed: 2023/manifest.json (not the manifest archived.json lists)",
            |p| {
                let page = "public/2023/index.html";
                p.edit(page, "<main", "<main data-x=\"篡改\"");
                let bytes = std::fs::read(p.path(page)).unwrap();
                let mut m: serde_json::Value =
                    serde_json::from_str(&p.read("public/2023/manifest.json")).unwrap();
                for f in m["files"].as_array_mut().unwrap() {
                    if f["path"] == "index.html" {
                        f["size"] = bytes.len().into();
                        f["sha256"] = gongkai::model::manifest::sha256_hex(&bytes).into();
                    }
                }
                p.write("public/2023/manifest.json", &m.to_string());
            },
        ),
        #[cfg(unix)]
        ("symlink: 2023/p.html", |p| {
            std::os::unix::fs::symlink("/etc/passwd", p.path("public/2023/p.html")).unwrap();
        }),
    ];
    for (expected, tamper) in cases {
        tamper(&p);
        let run = p.run(&["verify"]);
        assert_eq!(run.code, 1, "{expected}: verify must fail\n{}", run.stdout);
        assert!(
            run.stderr.contains(&format!("  {expected}")),
            "{expected} in:\n{}",
            run.stderr
        );
        restore(&p, saved.path(), "public");
    }

    // One edition's folder on its own: the same strict walk.
    p.write("public/2023/.htaccess", "x");
    let one = p.run(&["verify", "public/2023"]);
    assert_eq!(one.code, 1);
    assert!(one.stderr.contains("  extra: .htaccess"), "{}", one.stderr);
    restore(&p, saved.path(), "public");

    // archive/ has no list: every edition folder in it is an archive and needs its manifest.
    p.run(&["verify", "archive"]).ok();
    std::fs::remove_file(p.path("archive/2022/manifest.json")).unwrap();
    let run = p.run(&["verify", "archive"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("  missing: 2022/manifest.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn withholding_a_published_figure_by_amend_warns_and_withdrawing_it_works() {
    let p = Project::fixture("basic");
    p.run(&["archive", "2023"]).ok();
    let frozen: serde_json::Value =
        serde_json::from_str(&p.read("archive/2023/manifest.json")).unwrap();
    p.edit("content/2023/indicators.yaml", "value: 42", "value: \"*\"");
    let yaml = p.read("content/2023/indicators.yaml");
    let block = yaml.find("id: money.new").unwrap();
    let at = block + yaml[block..].find("value: \"*\"").unwrap() + "value: ".len();
    let line = yaml[..at].matches('\n').count() + 1;
    let col = at - yaml[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    let run = p
        .run(&[
            "archive",
            "2023",
            "--amend",
            "--note",
            "新增指标数据依法不予公开",
            "--date",
            "2024-03-01",
        ])
        .ok();
    let warning = run
        .stdout
        .split("\nwarning[")
        .find(|b| b.contains("W040]"))
        .unwrap_or_else(|| panic!("no W040 in:\n{}", run.stdout));
    assert!(warning.contains("`money.new`"), "{warning}");
    assert!(warning.contains("archive/2023-v1/"), "{warning}");
    assert!(
        warning.contains(&format!("--> content/2023/indicators.yaml:{line}:{col}\n")),
        "{warning}"
    );
    assert!(warning.contains("= help: "), "{warning}");
    assert!(warning.contains("Withdrawing a figure"), "{warning}");
    p.build();
    let old = rows(
        &p.html("2023-v1/indicators/money.new.html"),
        "table.history",
    );
    assert_eq!(
        old.last().unwrap()[1],
        "42",
        "the kept version still shows it"
    );

    // Removing the kept version alone breaks the record of the correction: refused.
    std::fs::remove_dir_all(p.path("archive/2023-v1")).unwrap();
    let build = p.run(&["build"]);
    assert_eq!(build.code, 1);
    assert!(
        build
            .stderr
            .contains("error[E042]: archive/2023-v1/ is missing: archive/2023/manifest.json records a correction"),
        "{}",
        build.stderr
    );

    // The README's way to withdraw: remove the edition's archive folders and freeze it
    // again on its original date.
    std::fs::remove_dir_all(p.path("archive/2023")).unwrap();
    let date = frozen["frozen"].as_str().unwrap();
    p.run(&["archive", "2023", "--date", date]).ok();
    // The site published 2023-v1 as archived: its withdrawal is said on the command line.
    let refused = p.run(&["build"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("error[E043]: public/archived.json lists 2023-v1 as archived"),
        "{}",
        refused.stderr
    );
    p.run(&["build", "--withdraw", "2023-v1"]).ok();
    assert!(!p.path("public/2023-v1").exists());
    let now = rows(&p.html("2023/indicators/money.new.html"), "table.history");
    assert_eq!(now.last().unwrap()[1], "*");
    for (name, bytes) in p.output_files() {
        if name.contains("money.new") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(">42<"), "{name} still shows the figure");
        }
    }
    p.run(&["verify"]).ok();
    p.run(&["verify", "archive"]).ok();
}
