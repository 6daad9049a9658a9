//! Which folders and files a build or a bundle may replace: never the project, its sources or
//! anything gongkai did not write. A folder gongkai writes carries the [`STAMP`] with its
//! exact text; anything else non-empty is somebody's and is refused before anything renders.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as written by `gongkai build`. A build replaces its output
/// folder as a whole, so it only ever replaces a folder that carries this mark or is empty:
/// a mistyped `--out` must never wipe a project, a theme or somebody else's files.
pub const STAMP: &str = ".gongkai";

pub(crate) const STAMP_TEXT: &[u8] =
    b"This folder is written by `gongkai build` and replaced as a whole on every build.\n";

/// Why an output path was refused, with the help line that says what to pass instead.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n  = help: {}", self.message, self.help)
    }
}

/// The folders of a project that a build reads from or that belong to the user: the output
/// may be none of them, nor lie inside one.
const PROJECT_FOLDERS: [&str; 4] = ["content", "themes", "archive", ".git"];

/// Refuses a site output folder that a build must not replace: the project folder or one of
/// its parents, anything inside content/, themes/, archive/ or .git/, an existing file or
/// symbolic link, and a non-empty folder without the [`STAMP`] of an earlier build (its exact
/// text: an empty `.gongkai` anybody can make does not count). Called
/// before anything is rendered or written, so a refusal touches nothing.
pub fn check_site_output(root: &Path, out: &Path) -> Result<(), Refusal> {
    let real = check_project_path(root, out)?;
    let shown = out.display();
    let is_dir = std::fs::metadata(&real).map(|m| m.is_dir());
    if is_dir.as_ref().is_ok_and(|d| !d) {
        return Err(Refusal {
            message: format!("refusing to build into {shown}: it is a file, not a folder"),
            help: "pass a folder for the site (it is created if missing), e.g. --out public".into(),
        });
    }
    if is_dir.is_err() || is_empty(&real) {
        return Ok(());
    }
    let why = match stamp_of(&real) {
        Stamp::Ours => return Ok(()),
        Stamp::Missing => format!("it has no {STAMP} file"),
        Stamp::Other => format!("its {STAMP} file is not the stamp gongkai writes"),
    };
    Err(Refusal {
        message: format!("refusing to build into {shown}: the folder is not empty and was not written by gongkai ({why}), and a build replaces its output folder as a whole"),
        help: "pass an empty or new folder, e.g. --out public; if an older gongkai wrote this folder, delete or move it once by hand".into(),
    })
}

/// Refuses an output file (a bundle) at `out` that is a folder, lies where a build must not
/// write (see [`check_site_output`]), ends with a slash (a folder's name), or exists without
/// being `ours`: a file gongkai wrote before, which it may replace; `ours` says why a file is
/// not, or None when it is.
pub fn check_file_output(
    root: &Path,
    out: &Path,
    ours: &dyn Fn(&Path) -> Option<String>,
) -> Result<(), Refusal> {
    let real = check_project_path(root, out)?;
    let shown = out.display();
    let is_dir = std::fs::metadata(&real).map(|m| m.is_dir());
    if is_dir.as_ref().is_ok_and(|d| *d) {
        return Err(Refusal {
            message: format!("refusing to write {shown}: it is a folder"),
            help: "pass a file name, e.g. --out gongkai-2023.tar.gz".into(),
        });
    }
    // `x/` names a folder: writing a file there fails only at the very end.
    if out
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
    {
        return Err(Refusal {
            message: format!("refusing to write {shown}: the path ends with a slash, so it names a folder, and a bundle is a file"),
            help: "pass a file name without the trailing slash, e.g. --out gongkai-2023.tar.gz"
                .into(),
        });
    }
    match is_dir.map(|_| ours(&real)) {
        Ok(Some(why)) => Err(Refusal {
            message: format!("refusing to overwrite {shown}: the file exists and {why}"),
            help: "pass a new file name, e.g. --out gongkai-2023.tar.gz, or move the file away"
                .into(),
        }),
        _ => Ok(()),
    }
}

/// The rules every output path shares: not a symbolic link, not the project folder or one
/// of its parents, not inside one of its [`PROJECT_FOLDERS`]. Returns the resolved path.
fn check_project_path(root: &Path, out: &Path) -> Result<PathBuf, Refusal> {
    let shown = out.display();
    let refuse = |message: String, help: &str| Refusal {
        message,
        help: help.to_string(),
    };
    let root = std::fs::canonicalize(root).map_err(|e| {
        refuse(
            format!("cannot read the project folder {}: {e}", root.display()),
            "pass the project folder (the one holding content/) with --root",
        )
    })?;
    // Without its trailing `/` (and `/.`), or the link itself would be looked through.
    let out: PathBuf = out.components().collect();
    if std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(refuse(
            format!("refusing to write to {shown}: it is a symbolic link"),
            "pass the path the link points to, so it is clear what is replaced",
        ));
    }
    let real = resolve(&out).map_err(|e| {
        refuse(
            format!("cannot resolve the output path {shown}: {e}"),
            "pass an output path that can be created, e.g. --out public",
        )
    })?;
    if root.starts_with(&real) {
        return Err(refuse(
            format!("refusing to write to {shown}: it is the project folder or one of its parents, and the output replaces what is there"),
            "pass a folder of its own for the site, e.g. --out public",
        ));
    }
    let help =
        "pass an output path outside content/, themes/, archive/ and .git/, e.g. --out public";
    for (folder, at) in project_folders(&root) {
        // A linked folder is named with where it leads, or the refusal of a path outside
        // the project would make no sense.
        let linked = if at == root.join(folder) {
            String::new()
        } else {
            format!(" ({folder}/ is a link to {})", at.display())
        };
        if real.starts_with(&at) {
            return Err(refuse(
                format!("refusing to write to {shown}: it is inside the project's {folder}/ folder{linked}, which holds sources and must never be replaced"),
                help,
            ));
        }
        if at.starts_with(&real) {
            return Err(refuse(
                format!("refusing to write to {shown}: it holds the project's {folder}/ folder{linked}, and the output replaces what is there"),
                help,
            ));
        }
    }
    Ok(real)
}

/// Each of the [`PROJECT_FOLDERS`] of the project at `root` (canonical) as it is named and,
/// when it is a symbolic link, where it leads; likewise a theme folder, or its templates/
/// or static/, that is a link (the theme loader follows those). Only a link's target counts
/// as well: a sources folder kept on a shared drive and linked in is still the sources.
fn project_folders(root: &Path) -> Vec<(&'static str, PathBuf)> {
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_symlink());
    let mut found = Vec::new();
    for folder in PROJECT_FOLDERS {
        let named = root.join(folder);
        if let Ok(real) = std::fs::canonicalize(&named) {
            if real != named {
                found.push((folder, real));
            }
        }
        found.push((folder, named));
    }
    let themes = std::fs::read_dir(root.join("themes")).into_iter().flatten();
    for theme in themes.filter_map(Result::ok).map(|e| e.path()) {
        for path in [theme.join("templates"), theme.join("static"), theme] {
            if is_link(&path) {
                if let Ok(real) = std::fs::canonicalize(&path) {
                    found.push(("themes", real));
                }
            }
        }
    }
    found
}

/// `path` with symbolic links and `..` resolved, for a path that need not exist yet: the
/// deepest existing ancestor is canonicalised and the rest appended.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            // `..` or the root: canonicalise what is there and let it fail if it must.
            _ => break,
        }
    }
    let mut real = std::fs::canonicalize(existing)?;
    for name in rest.iter().rev() {
        real.push(name);
    }
    // A `..` after a folder that does not exist yet is taken lexically.
    let mut normal = PathBuf::new();
    for c in real.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            c => normal.push(c),
        }
    }
    Ok(normal)
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// What a folder's [`STAMP`] says about it.
enum Stamp {
    /// The stamp exactly as a build writes it.
    Ours,
    Missing,
    /// A file of that name with other content (or not a plain file): an empty `.gongkai`
    /// that anybody can create must not let a build wipe the folder.
    Other,
}

/// Whether `dir` is a folder `gongkai build` wrote: it carries the [`STAMP`] as a build writes it.
pub(crate) fn is_stamped(dir: &Path) -> bool {
    matches!(stamp_of(dir), Stamp::Ours)
}

fn stamp_of(dir: &Path) -> Stamp {
    let path = dir.join(STAMP);
    match std::fs::symlink_metadata(&path) {
        Err(_) => Stamp::Missing,
        Ok(meta) if meta.is_file() && meta.len() == STAMP_TEXT.len() as u64 => {
            match std::fs::read(&path) {
                Ok(bytes) if bytes == STAMP_TEXT => Stamp::Ours,
                _ => Stamp::Other,
            }
        }
        Ok(_) => Stamp::Other,
    }
}
