//! Which folders and files a build or a bundle may replace: never the project, its sources,
//! a foreign folder or a file it did not write; and nothing lost when the swap fails or a
//! build is killed (issue "Nothing lost, nothing leaked", defects 1 and 10).

use crate::support::{output_files, Project, Run};
use std::path::Path;
use std::process::Command;

/// Every file of the project folder (public/ and the rest), with its bytes.
fn snapshot(p: &Project) -> Vec<(String, Vec<u8>)> {
    output_files(p.dir.path())
}

/// Asserts a refusal: exit 2, a message saying why and what to pass instead, nothing touched.
#[track_caller]
fn refused(p: &Project, args: &[&str], why: &str) -> Run {
    let before = snapshot(p);
    let run = p.run(args);
    assert_eq!(
        run.code, 2,
        "{args:?}: stdout {}\nstderr {}",
        run.stdout, run.stderr
    );
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert!(
        run.stderr.contains(why),
        "{args:?}: no `{why}` in {}",
        run.stderr
    );
    assert!(run.stderr.contains("= help: "), "{}", run.stderr);
    assert_eq!(snapshot(p), before, "{args:?} changed the project");
    run
}

/// The example project with a .git folder and a previous build in public/.
fn project_with_git() -> Project {
    let p = Project::example();
    p.write(".git/HEAD", "ref: refs/heads/main\n");
    p.write(".git/config", "[core]\n");
    p.build().ok();
    p
}

#[test]
fn refuses_the_project_its_sources_and_their_parents() {
    let p = project_with_git();
    let name = p
        .dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let up = format!("../{name}");
    let project = p.dir.path().to_string_lossy().into_owned();
    let parent = p
        .dir
        .path()
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    for out in [".", up.as_str(), project.as_str(), parent.as_str()] {
        refused(
            &p,
            &["build", "--out", out],
            "project folder or one of its parents",
        );
    }
    for (out, folder) in [
        ("content", "content/"),
        ("content/2023/site", "content/"),
        ("content/2023", "content/"),
        ("themes/x", "themes/"),
        ("archive", "archive/"),
        (".git", ".git/"),
        (".git/objects", ".git/"),
    ] {
        refused(&p, &["build", "--out", out], folder);
    }
    // A path that climbs out and back in is judged by where it leads.
    let sneaky = format!("public/../content/{name}");
    refused(&p, &["build", "--out", &sneaky], "content/");
}

#[test]
fn refuses_a_file_a_link_and_a_foreign_folder() {
    let p = project_with_git();
    p.write("outfile", "x\n");
    refused(&p, &["build", "--out", "outfile"], "is a file");
    let hidden: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("gongkai-"))
        .collect();
    assert!(hidden.is_empty(), "staging left behind: {hidden:?}");

    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("keep.txt"), "mine").unwrap();
    let before = output_files(foreign.path());
    refused(
        &p,
        &["build", "--out", &foreign.path().to_string_lossy()],
        "not written by gongkai",
    );
    assert_eq!(output_files(foreign.path()), before);

    std::os::unix::fs::symlink(foreign.path(), p.path("linked")).unwrap();
    refused(&p, &["build", "--out", "linked"], "symbolic link");
    assert_eq!(output_files(foreign.path()), before);
}

#[test]
fn replaces_only_an_empty_or_stamped_folder() {
    let p = Project::example();
    let empty = tempfile::tempdir().unwrap();
    let out = empty.path().join("site");
    std::fs::create_dir(&out).unwrap();
    let out_arg = out.to_string_lossy().into_owned();
    p.run(&["build", "--out", &out_arg]).ok();
    assert!(
        out.join(".gongkai").is_file(),
        "the output carries the stamp"
    );
    assert!(out.join("2023/index.html").is_file());
    std::fs::write(out.join("stale.html"), "x").unwrap();
    // Marked by the first build: the second replaces it whole.
    p.run(&["build", "--out", &out_arg]).ok();
    assert!(!out.join("stale.html").exists());
    // The stamp alone decides: without it the same folder is refused.
    std::fs::remove_file(out.join(".gongkai")).unwrap();
    refused(&p, &["build", "--out", &out_arg], "not written by gongkai");
    assert!(out.join("2023/index.html").is_file());
}

#[test]
fn bundle_never_overwrites_a_source_or_a_foreign_file() {
    let p = project_with_git();
    p.run(&["archive", "2023"]).ok();
    refused(
        &p,
        &["bundle", "2023", "--out", "content/site.yaml"],
        "content/",
    );
    refused(
        &p,
        &["bundle", "2023", "--out", "archive/2023.tar.gz"],
        "archive/",
    );
    refused(&p, &["bundle", "2023", "--out", "public"], "is a folder");
    p.write("notes.tar.gz", "my notes\n");
    refused(
        &p,
        &["bundle", "2023", "--out", "notes.tar.gz"],
        "not written by gongkai",
    );
    // Its own bundle it may write again.
    p.run(&["bundle", "2023"]).ok();
    let first = std::fs::read(p.path("gongkai-2023.tar.gz")).unwrap();
    p.run(&["bundle", "2023"]).ok();
    assert_eq!(std::fs::read(p.path("gongkai-2023.tar.gz")).unwrap(), first);
}

#[test]
fn stale_staging_folders_of_a_killed_build_are_removed() {
    let p = Project::example();
    // Process ids above the kernel's limit (4,194,304) never run.
    for name in [".public.gongkai-new-4194400", ".public.gongkai-old-4194401"] {
        p.write(&format!("{name}/index.html"), "half a site");
    }
    p.write(".public.gongkai-new-abc/x", "not of gongkai's naming");
    p.write(".public-notes/x", "not of gongkai's naming");
    p.build().ok();
    assert!(!p.path(".public.gongkai-new-4194400").exists());
    assert!(!p.path(".public.gongkai-old-4194401").exists());
    assert!(p.path(".public.gongkai-new-abc/x").exists());
    assert!(p.path(".public-notes/x").exists());
}

/// The folder a build cannot empty stops it before the swap: the previous output stays
/// whole. As root every folder is removable, so the build then runs as `nobody`.
#[test]
fn an_unremovable_old_output_is_found_before_the_swap() {
    let p = Project::example();
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let run = |args: &[&str]| -> Run {
        let mut cmd = if as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_gongkai"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_gongkai"))
        };
        let out = cmd
            .args(args)
            .arg("--root")
            .arg(p.dir.path())
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    if as_root {
        chmod_all(p.dir.path(), 0o777);
    }
    run(&["build"]).ok();
    // A folder inside the output whose contents this user cannot delete.
    let locked = p.path("public/2023/locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("file.txt"), "x").unwrap();
    if !as_root {
        chmod_all(&locked, 0o555);
    }
    let before = output_files(&p.path("public"));
    p.edit("content/2023/report.md", "## 一、", "## 一、新的");
    let failed = run(&["build"]);
    if !as_root {
        chmod_all(&locked, 0o755);
    }
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(failed.stderr.contains("locked"), "{}", failed.stderr);
    assert!(
        failed.stderr.contains("nothing was changed"),
        "{}",
        failed.stderr
    );
    assert_eq!(
        output_files(&p.path("public")),
        before,
        "the previous output stays whole"
    );
    let leftovers: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn chmod_all(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir).contents_first(true) {
        let entry = entry.unwrap();
        let m = if entry.file_type().is_dir() {
            mode
        } else {
            mode & 0o666
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(m)).unwrap();
    }
}
