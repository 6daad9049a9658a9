//! The layers of src/ import only downward: a scan of every `crate::` path, so the import
//! circle the pipeline restructure removed cannot come back. A new top-level module must be
//! given its place in `LAYERS` (and in the README's "How the code is laid out").

use crate::support::repo_root;

/// Top-level modules from the top layer down; modules on one line are siblings and may not
/// import each other. `lib.rs` and `main.rs` sit above them all.
const LAYERS: &[&[&str]] = &[
    &["cmd"],
    &["serve"],
    &["pipeline", "cli"],
    &["assemble"],
    &["render", "validate"],
    &["narrative", "chart", "fill"],
    &["load"],
    &["archive"],
    &["write"],
    &["model"],
    &["diagnostic"],
    &["date", "html", "source", "timings"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

#[test]
fn src_modules_import_only_from_layers_below_them() {
    let src = repo_root().join("src");
    let path = regex::Regex::new(r"crate::(?:\{\s*)?([a-z_]+)").unwrap();
    let braced = regex::Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let mut wrong = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".rs") || rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        files += 1;
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs");
        let Some(own) = layer_of(module) else {
            wrong.push(format!("{rel}: module `{module}` has no place in LAYERS"));
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut targets: Vec<&str> = path
                .captures_iter(code)
                .map(|c| c.get(1).unwrap().as_str())
                .collect();
            for group in braced.captures_iter(code) {
                targets.extend(
                    group
                        .get(1)
                        .unwrap()
                        .as_str()
                        .split(',')
                        .filter_map(|t| t.trim().split("::").next()),
                );
            }
            for target in targets
                .into_iter()
                .filter(|t| *t != module && !t.is_empty())
            {
                match layer_of(target) {
                    Some(layer) if layer > own => {}
                    _ => wrong.push(format!(
                        "src/{rel}:{}: `{module}` imports `{target}`",
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(files > 40, "only {files} files scanned");
    assert!(
        wrong.is_empty(),
        "imports that break the layers:\n{}",
        wrong.join("\n")
    );
}
