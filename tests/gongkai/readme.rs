//! The README's annual-report reference cannot drift from the code: every cell id the build
//! writes (and every group sum) is listed, and the sample nianbao.yaml loads.

use crate::support::{repo_root, Project};

fn readme() -> String {
    std::fs::read_to_string(repo_root().join("README.md")).unwrap()
}

/// The README's section on the annual report, up to the next `##` heading.
fn nianbao_section(readme: &str) -> &str {
    let start = readme
        .find("### nianbao.yaml and nianbao.md")
        .expect("README has a section on nianbao.yaml");
    let rest = &readme[start..];
    &rest[..rest[4..].find("\n## ").map_or(rest.len(), |i| i + 4)]
}

#[test]
fn readme_lists_every_annual_report_cell_id() {
    let p = Project::example();
    p.build();
    let json: serde_json::Value =
        serde_json::from_str(&p.read("public/2023/nianbao.json")).unwrap();
    let cells = json["cells"].as_array().unwrap();
    assert!(cells.len() > 150, "only {} cells", cells.len());
    let readme = readme();
    let section = nianbao_section(&readme);
    let mut missing = Vec::new();
    for cell in cells {
        let id = cell["id"].as_str().unwrap();
        if section.contains(&format!("`{id}`")) {
            continue;
        }
        // Tables 三 and 四 list a row once, `nb.requests.new.<col>`, and the columns apart,
        // by key and by the label the output gives them.
        let (row, col) = id.rsplit_once('.').unwrap();
        let label = cell["column"].as_str().unwrap().rsplit('·').next().unwrap();
        if !section.contains(&format!("`{row}.<col>`")) {
            missing.push(id.to_string());
        }
        if !section.contains(&format!("| `{col}` | {label} |")) {
            missing.push(format!("column `{col}` ({label}) of {id}"));
        }
        // An item of a group: the group's sum has an id of its own.
        let parts: Vec<&str> = row.split('.').collect();
        if let ["nb", "requests", group, _item] = parts[..] {
            if !section.contains(&format!("`nb.requests.{group}.<col>`")) {
                missing.push(format!("the group sum nb.requests.{group}.{col}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "README.md does not list: {missing:#?}");
}

#[test]
fn readme_sample_nianbao_yaml_loads_and_shows_every_key() {
    let readme = readme();
    let section = nianbao_section(&readme);
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let sample = &section[start..start + section[start..].find("```").unwrap()];
    assert!(sample.contains("format: 2021"));
    // Every key of the example site's report is in the sample.
    let p = Project::example();
    let key = regex::Regex::new(r"(?m)^\s*([a-z_]+):").unwrap();
    for c in key.captures_iter(&p.read("content/2023/nianbao.yaml")) {
        assert!(
            sample.contains(&format!("{}:", &c[1])),
            "the README's sample lacks `{}:`",
            &c[1]
        );
    }
    // In place of the example's 2023 report, it checks clean.
    p.write("content/2023/nianbao.yaml", sample);
    p.run(&["check"]).ok();
}
