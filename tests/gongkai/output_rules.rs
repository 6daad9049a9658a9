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
        "not a bundle of this project's 2023 edition",
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
    for (name, pid) in [
        (".public.gongkai-new-4194400", 4194400),
        (".public.gongkai-old-4194401", 4194401),
    ] {
        p.write(&format!("{name}/index.html"), "half a site");
        p.write(
            &format!("{name}/.gongkai-staging"),
            &marker(&format!("process {pid} started 1 boot x")),
        );
    }
    p.write(".public.gongkai-new-abc/x", "not of gongkai's naming");
    p.write(".public-notes/x", "not of gongkai's naming");
    p.build().ok();
    assert!(!p.path(".public.gongkai-new-4194400").exists());
    assert!(!p.path(".public.gongkai-old-4194401").exists());
    assert!(p.path(".public.gongkai-new-abc/x").exists());
    assert!(p.path(".public-notes/x").exists());
}

/// Whether the tests run as root (then a build that must meet permissions runs as `nobody`).
fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Runs gongkai on `p` as a user without special rights: as root, as `nobody` (the project
/// must then be open to everyone, see [`chmod_all`]).
fn run_unprivileged(p: &Project, args: &[&str]) -> Run {
    let cmd = if as_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_gongkai"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_gongkai"))
    };
    p.run_with(cmd, args)
}

/// Names of the project's entries that look like staging folders.
fn staging_leftovers(p: &Project) -> Vec<String> {
    std::fs::read_dir(p.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("gongkai-"))
        .collect()
}

/// The folder a build cannot empty stops it before the swap: the previous output stays
/// whole. As root every folder is removable, so the build then runs as `nobody`.
#[test]
fn an_unremovable_old_output_is_found_before_the_swap() {
    let p = Project::example();
    let as_root = as_root();
    let run = |args: &[&str]| run_unprivileged(&p, args);
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
    let leftovers = staging_leftovers(&p);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A folder of another user that this one cannot even read (root's, mode 0770): the message
/// names it and says how to fix its permissions, instead of a raw I/O error.
#[test]
fn an_unreadable_folder_in_the_old_output_is_named_with_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::example();
    let as_root = as_root();
    if as_root {
        chmod_all(p.dir.path(), 0o777);
    }
    run_unprivileged(&p, &["build"]).ok();
    let closed = p.path("public/rootdir");
    std::fs::create_dir(&closed).unwrap();
    std::fs::write(closed.join("file.txt"), "x").unwrap();
    // As root the folder stays root's with the group's rights only; otherwise this user's
    // own folder is closed to itself.
    let mode = if as_root { 0o770 } else { 0o000 };
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(mode)).unwrap();
    let before = output_files(&p.path("public/2023"));
    let failed = run_unprivileged(&p, &["build"]);
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(
        !failed.stderr.contains("IO error for operation"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("public/rootdir"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("nothing was changed"),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("help:"), "{}", failed.stderr);
    // Root's folder is given to this user; this user's own is opened.
    let fix = if as_root {
        "chown -R 65534"
    } else {
        "chmod -R u+rwX"
    };
    assert!(
        failed.stderr.contains(&format!("{fix} ")),
        "{}",
        failed.stderr
    );
    assert_eq!(output_files(&p.path("public/2023")), before);
    let leftovers = staging_leftovers(&p);
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

/// Moves project folder `name` out of the project to `elsewhere/<name>` and leaves a link to
/// it in its place, as an office does that keeps its sources on a shared drive.
fn move_out_and_link(p: &Project, name: &str, elsewhere: &Path) -> std::path::PathBuf {
    let target = elsewhere.join(name);
    std::fs::rename(p.path(name), &target).unwrap();
    std::os::unix::fs::symlink(&target, p.path(name)).unwrap();
    target
}

#[test]
fn a_linked_content_themes_or_archive_folder_is_judged_by_where_it_leads() {
    let p = project_with_git();
    p.write("themes/plain/templates/.keep", "");
    p.run(&["archive", "2023"]).ok();
    let elsewhere = tempfile::tempdir().unwrap();
    let content = move_out_and_link(&p, "content", elsewhere.path());
    let themes = move_out_and_link(&p, "themes", elsewhere.path());
    let archive = move_out_and_link(&p, "archive", elsewhere.path());
    p.build();
    let sources = output_files(elsewhere.path());
    let outside = |path: &Path| path.to_string_lossy().into_owned();
    for (out, folder) in [
        ("content/2023/site2".to_string(), "content/"),
        (outside(&content.join("2023/site")), "content/"),
        (outside(&content), "content/"),
        (outside(&themes.join("plain/site")), "themes/"),
        (outside(&archive.join("site")), "archive/"),
        // Replacing the folder that holds them would delete them too.
        (outside(elsewhere.path()), "content/"),
    ] {
        let run = refused(&p, &["build", "--out", &out], folder);
        assert!(run.stderr.contains("link"), "{out}: {}", run.stderr);
        assert_eq!(output_files(elsewhere.path()), sources, "{out}");
    }
    for (out, folder) in [
        (outside(&content.join("2023/bundle.tar.gz")), "content/"),
        (outside(&archive.join("2023.tar.gz")), "archive/"),
    ] {
        refused(&p, &["bundle", "2023", "--out", &out], folder);
        assert_eq!(output_files(elsewhere.path()), sources, "{out}");
    }
    // The next build publishes nothing from inside the sources.
    let run = p.build();
    assert!(!run.stderr.contains("site2"), "{}", run.stderr);
}

/// A staging folder's marker as gongkai writes it: its title line, then the process that
/// owns it (`process <pid> started <clock ticks after boot> boot <boot id>`).
fn marker(owner: &str) -> String {
    format!("gongkai staging folder: the next build removes it once the process that made it is gone\n{owner}\n")
}

/// What gongkai's marker says about a running process `pid` (Linux /proc).
fn identity(pid: u32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = stat.rsplit_once(')').unwrap().1;
    let started = after.split_whitespace().nth(19).unwrap();
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
    format!("process {pid} started {started} boot {}", boot.trim())
}

#[test]
fn only_staging_folders_marked_by_a_gone_build_are_removed() {
    let p = Project::example();
    // Named like staging folders, but the user's: no marker, an empty one, a foreign one.
    p.write(".public.gongkai-new-123/keep.txt", "mine");
    p.write(".public.gongkai-old-4194400/keep.txt", "mine");
    p.write(".public.gongkai-new-4194401/.gongkai-staging", "");
    p.write(
        ".public.gongkai-new-4194402/.gongkai-staging",
        "process 4194402\n",
    );
    // Marked by builds that are gone: a process id that never runs; process 1, which always
    // runs, but is not the process that made the folder (it started at another time).
    let gone = [
        (
            ".public.gongkai-new-4194403",
            "process 4194403 started 5 boot x".to_string(),
        ),
        (
            ".public.gongkai-old-1",
            "process 1 started 0 boot x".to_string(),
        ),
        (
            ".public.gongkai-new-1",
            "process 1 started 0 boot x".to_string(),
        ),
    ];
    for (folder, owner) in &gone {
        p.write(&format!("{folder}/.gongkai-staging"), &marker(owner));
        p.write(&format!("{folder}/2023/index.html"), "half a site");
    }
    // Marked by a build that still runs (this test's process stands in for it).
    let running = ".public.gongkai-new-4194404";
    p.write(
        &format!("{running}/.gongkai-staging"),
        &marker(&identity(std::process::id())),
    );
    p.build();
    for kept in [
        ".public.gongkai-new-123/keep.txt",
        ".public.gongkai-old-4194400/keep.txt",
        ".public.gongkai-new-4194401/.gongkai-staging",
        ".public.gongkai-new-4194402/.gongkai-staging",
        ".public.gongkai-new-4194404/.gongkai-staging",
    ] {
        assert!(p.path(kept).exists(), "{kept} was removed");
    }
    for (folder, _) in gone {
        assert!(!p.path(folder).exists(), "{folder} was left");
    }
    assert!(!p.path("public/.gongkai-staging").exists());
}

#[test]
fn only_the_stamp_gongkai_writes_marks_a_folder_as_its_own() {
    let p = Project::example();
    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("keep.txt"), "mine").unwrap();
    let out = foreign.path().to_string_lossy().into_owned();
    for stamp in ["", "gongkai\n", "This folder is written by `gongkai build`"] {
        std::fs::write(foreign.path().join(".gongkai"), stamp).unwrap();
        let before = output_files(foreign.path());
        let run = refused(&p, &["build", "--out", &out], "not written by gongkai");
        assert!(run.stderr.contains(".gongkai"), "{}", run.stderr);
        assert_eq!(output_files(foreign.path()), before, "{stamp:?}");
    }
}

/// A gzip tar holding `entries` (a path ending in `/` is a folder).
fn tarball(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (path, bytes) in entries {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(if path.ends_with('/') {
            tar::EntryType::Directory
        } else {
            tar::EntryType::Regular
        });
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        tar.append_data(&mut h, path, *bytes).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

#[test]
fn bundle_replaces_only_a_bundle_of_the_same_project_and_edition() {
    let p = Project::example();
    p.run(&["archive", "2022"]).ok();
    p.run(&["archive", "2023"]).ok();
    // Another year's bundle of this project.
    p.run(&["bundle", "2022", "--out", "mybackup.tar.gz"]).ok();
    refused(
        &p,
        &["bundle", "2023", "--out", "mybackup.tar.gz"],
        "not a bundle of this project's 2023 edition",
    );
    // The right top folder, but no manifest of the edition in it.
    let fake = tarball(&[("gongkai-2023/", b""), ("gongkai-2023/notes.txt", b"mine")]);
    std::fs::write(p.path("fake.tar.gz"), &fake).unwrap();
    refused(
        &p,
        &["bundle", "2023", "--out", "fake.tar.gz"],
        "not a bundle",
    );
    // The same edition year of another project.
    let other = Project::fixture("basic");
    other.run(&["archive", "2023"]).ok();
    other.run(&["bundle", "2023"]).ok();
    std::fs::copy(other.path("gongkai-2023.tar.gz"), p.path("other.tar.gz")).unwrap();
    refused(
        &p,
        &["bundle", "2023", "--out", "other.tar.gz"],
        "not a bundle",
    );
    // Its own bundle of the edition, also one made before a correction, it replaces.
    p.run(&["bundle", "2023", "--out", "own.tar.gz"]).ok();
    p.edit("content/2023/report.md", "## 一、", "## 一、（更正）");
    p.run(&["archive", "2023", "--amend", "--note", "标题更正"])
        .ok();
    let before = std::fs::read(p.path("own.tar.gz")).unwrap();
    p.run(&["bundle", "2023", "--out", "own.tar.gz"]).ok();
    assert_ne!(std::fs::read(p.path("own.tar.gz")).unwrap(), before);
}

#[test]
fn a_trailing_slash_does_not_hide_a_link_or_a_file() {
    let p = project_with_git();
    p.run(&["archive", "2023"]).ok();
    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("keep.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(foreign.path(), p.path("lpub")).unwrap();
    std::os::unix::fs::symlink(foreign.path().join("keep.txt"), p.path("lfile")).unwrap();
    p.write("outfile", "x\n");
    let before = output_files(foreign.path());
    for out in ["lpub/", "lpub//", "lpub/."] {
        refused(&p, &["build", "--out", out], "symbolic link");
    }
    refused(&p, &["build", "--out", "outfile/"], "is a file");
    refused(&p, &["bundle", "2023", "--out", "lfile/"], "symbolic link");
    refused(&p, &["bundle", "2023", "--out", "lpub/"], "symbolic link");
    refused(&p, &["bundle", "2023", "--out", "new-bundle/"], "folder");
    assert_eq!(output_files(foreign.path()), before);
}
