//! The example site with a base URL, byte for byte: a manifest of every output file's path and
//! SHA-256 is committed in tests/golden/example.sha256, so any change to what gongkai writes
//! shows in the diff of the commit that made it. `UPDATE_GOLDEN=1 cargo test golden` accepts
//! an intended change.

use crate::support::{repo_root, Project};
use sha2::{Digest, Sha256};

#[test]
fn the_example_site_is_byte_identical_to_the_golden_manifest() {
    let p = Project::example();
    p.run(&["build", "--base-url", "https://www.example.gov.cn/gzbg/"])
        .ok();
    let mut manifest = String::new();
    for (path, bytes) in p.output_files() {
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        manifest.push_str(&format!("{hex}  {path}\n"));
    }
    let golden = repo_root().join("tests/golden/example.sha256");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &manifest).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if expected != manifest {
        let old: std::collections::BTreeSet<&str> = expected.lines().collect();
        let new: std::collections::BTreeSet<&str> = manifest.lines().collect();
        let gone: Vec<&&str> = old.difference(&new).take(20).collect();
        let came: Vec<&&str> = new.difference(&old).take(20).collect();
        panic!(
            "the example site's output differs from {} (UPDATE_GOLDEN=1 to accept an intended change)\nonly in the golden manifest:\n{gone:#?}\nonly in this build:\n{came:#?}",
            golden.display()
        );
    }
}
