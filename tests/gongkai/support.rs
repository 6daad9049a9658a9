//! Test harness: a project copied into a temp folder, the real `gongkai` binary run on it,
//! and parsed views of what it wrote (after mdBook's `BookTest` and just's `Test`).

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the harness"
)]

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

pub struct Project {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts a failed run with an error `code` that points at `location` (`path:line:col`)
    /// and says how to fix it.
    #[track_caller]
    pub fn fails_at(&self, code: &str, location: &str) {
        assert_eq!(self.code, 1, "expected exit 1; stderr:\n{}", self.stderr);
        let header = format!("error[{code}]");
        let arrow = format!("--> {location}\n");
        let found = self
            .stderr
            .split("\nerror[")
            .map(|block| block.trim_start_matches("error["))
            .filter(|block| block.starts_with(&header["error[".len()..]))
            .any(|block| block.contains(&arrow) && block.contains("= help: "));
        assert!(
            found,
            "no {header} with help at {location} in:\n{}",
            self.stderr
        );
    }
}

/// `text` without the search pages' runtime (`<script src="…search/search.js"></script>`,
/// issue 14), the one script gongkai writes into a page: what is left must hold none.
pub fn without_search_runtime(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<script src=\"") {
        let tail = &rest[at + 13..];
        match tail.find('"') {
            Some(q)
                if tail[..q + 1].ends_with("search/search.js\"")
                    && tail[q + 1..].starts_with("></script>") =>
            {
                out.push_str(&rest[..at]);
                rest = &tail[q + 1 + "></script>".len()..];
            }
            _ => {
                out.push_str(&rest[..at + 13]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Copies the tree at `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The basic fixture with its 2022 and 2023 editions archived and built.
pub fn archived_and_built() -> Project {
    let p = Project::fixture("basic");
    p.run(&["archive", "2022"]).ok();
    p.run(&["archive", "2023"]).ok();
    p.build();
    p
}

/// Puts `dir` (relative to the project) back as `saved` holds it.
pub fn restore(p: &Project, saved: &Path, dir: &str) {
    if p.path(dir).exists() {
        std::fs::remove_dir_all(p.path(dir)).unwrap();
    }
    copy_dir(saved, &p.path(dir));
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Project {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("tests/fixtures").join(name), dir.path());
        Project { dir }
    }

    /// A copy of the example site in the repository's content/.
    pub fn example() -> Project {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("content"), &dir.path().join("content"));
        Project { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Project {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Replaces the one occurrence of `from` in a project file.
    #[track_caller]
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Project {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in {rel}"
        );
        self.write(rel, &text.replacen(from, to, 1))
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs gongkai with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongkai"));
        cmd.envs(env.iter().copied());
        self.run_with(cmd, args)
    }

    /// Runs `cmd` (gongkai, or a wrapper that runs it) with `args` on the project.
    pub fn run_with(&self, mut cmd: Command, args: &[&str]) -> Run {
        let out = cmd
            .args(args)
            .arg("--root")
            .arg(self.dir.path())
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"]).ok()
    }

    pub fn html(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(&format!("public/{rel}")))
    }

    /// Every file under `public/`, by relative path, with its bytes.
    pub fn output_files(&self) -> Vec<(String, Vec<u8>)> {
        output_files(&self.path("public"))
    }
}

pub fn output_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Texts of every element matching `selector`, whitespace-normalised.
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Values of `attr` on every element matching `selector`.
pub fn attrs(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Each row of the table(s) matching `selector` as a list of its cells' texts.
pub fn rows(doc: &scraper::Html, selector: &str) -> Vec<Vec<String>> {
    let tr = scraper::Selector::parse(&format!("{selector} tbody tr")).unwrap();
    let cell = scraper::Selector::parse("th, td").unwrap();
    doc.select(&tr)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                assert!(out.pop(), "link climbs out of the site: {}", p.display());
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Every internal href/src of every page resolves to a file, and every #fragment to an id;
/// returns how many links were checked.
#[track_caller]
pub fn assert_links_resolve(public: &Path) -> usize {
    let files = output_files(public);
    let names: HashSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    let pages: Vec<(&String, scraper::Html)> = files
        .iter()
        .filter(|(n, _)| n.ends_with(".html"))
        .map(|(n, b)| {
            (
                n,
                scraper::Html::parse_document(std::str::from_utf8(b).unwrap()),
            )
        })
        .collect();
    for (name, doc) in &pages {
        ids.insert(
            (*name).clone(),
            attrs(doc, "[id]", "id").into_iter().collect(),
        );
    }
    let mut checked = 0;
    for (name, doc) in &pages {
        let dir = Path::new(name.as_str()).parent().unwrap_or(Path::new(""));
        let links = attrs(doc, "[href]", "href")
            .into_iter()
            .chain(attrs(doc, "[src]", "src"));
        for link in links {
            if link.starts_with("https://")
                || link.starts_with("http://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                (*name).clone()
            } else {
                normalise(&dir.join(path))
                    .to_string_lossy()
                    .replace('\\', "/")
            };
            assert!(
                names.contains(target.as_str()),
                "{name}: broken link {link}"
            );
            if !fragment.is_empty() {
                assert!(
                    ids.get(&target).is_some_and(|s| s.contains(fragment)),
                    "{name}: no #{fragment} in {target}"
                );
            }
            checked += 1;
        }
    }
    checked
}
