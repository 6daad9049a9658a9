//! One registry of diagnostic codes (src/diagnostic/codes.rs): every code src/ raises is in
//! it, and the README's table lists exactly its codes.

use crate::support::repo_root;
use gongkai::diagnostic::codes::{is_registered, CODES};
use std::collections::BTreeSet;

#[test]
fn every_code_raised_in_src_is_registered() {
    let code = regex::Regex::new(r#""([EW]\d{3})""#).unwrap();
    let mut used = BTreeSet::new();
    for entry in walkdir::WalkDir::new(repo_root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            used.extend(code.captures_iter(&text).map(|c| c[1].to_string()));
        }
    }
    let unregistered: Vec<&String> = used.iter().filter(|c| !is_registered(c)).collect();
    assert!(
        unregistered.is_empty(),
        "not in the registry: {unregistered:?}"
    );
    let unused: Vec<&str> = CODES
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !used.contains(*c))
        .collect();
    assert!(unused.is_empty(), "registered but never raised: {unused:?}");
}

#[test]
fn the_readme_table_lists_exactly_the_registered_codes() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let row = regex::Regex::new(r"(?m)^\| ([EW]\d{3}) \|").unwrap();
    let listed: Vec<&str> = row
        .captures_iter(&readme)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let registered: Vec<&str> = CODES.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        listed, registered,
        "README's table of codes (in code order) against the registry"
    );
}
