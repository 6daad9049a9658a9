//! The 关怀版 from one render: a theme prints the parts that differ between a page and its
//! 关怀版 with `per_version(…)`, and reads `page.care` and `page.counterpart` only there.

use crate::support::{attrs, Project};

/// The basic fixture, built, then set to the theme `mine` (nothing of it written yet).
fn with_theme() -> (Project, Vec<(String, Vec<u8>)>) {
    let p = Project::fixture("basic");
    p.build();
    let before = p.output_files();
    p.edit(
        "content/site.yaml",
        "title: 测试局信息公开",
        "title: 测试局信息公开\ntheme: mine",
    );
    (p, before)
}

#[test]
fn a_per_version_part_of_a_user_theme_differs_between_the_versions() {
    let (p, _) = with_theme();
    // The head partial is printed per version by the default base.html.
    p.write(
        "themes/mine/templates/partials/head.html",
        "{% include \"default/partials/head.html\" %}\n\
         <meta name=\"version\" content=\"{% if page.care %}关怀版{% else %}标准版{% endif %}\" data-back=\"{{ page.counterpart }}\">\n",
    );
    p.build();
    let pages: Vec<String> = p
        .output_files()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|n| n.ends_with(".html") && !n.starts_with("care/"))
        .collect();
    assert!(pages.len() > 5, "{pages:?}");
    for page in &pages {
        let care = format!("care/{page}");
        let standard = p.html(page);
        let elder = p.html(&care);
        let version = |d: &scraper::Html| attrs(d, "meta[name=version]", "content");
        assert_eq!(version(&standard), ["标准版"], "{page}");
        assert_eq!(version(&elder), ["关怀版"], "{care}");
        // The part sees the same counterpart as the toggle.
        assert_eq!(
            attrs(&standard, "meta[name=version]", "data-back"),
            attrs(&standard, "a.care-toggle", "href"),
            "{page}"
        );
        assert_eq!(
            attrs(&elder, "meta[name=version]", "data-back"),
            attrs(&elder, "a.care-toggle", "href"),
            "{care}"
        );
    }
}

#[test]
fn page_care_outside_a_per_version_part_is_an_error_that_says_where_it_may_be_read() {
    let (p, before) = with_theme();
    // The footer is printed once for both versions: it cannot know which one it is in.
    p.write(
        "themes/mine/templates/partials/footer.html",
        "<footer>\n{% if page.care %}大字{% endif %}\n</footer>\n",
    );
    let run = p.run(&["build"]);
    run.fails_at("E006", "themes/mine/templates/partials/footer.html:2:7");
    assert!(
        run.stderr.contains("per_version(\"partials/name.html\")"),
        "{}",
        run.stderr
    );
    assert!(p.output_files() == before, "a failed build changed public/");
}

#[test]
fn a_theme_base_that_includes_the_head_itself_gets_the_same_help() {
    let (p, before) = with_theme();
    let base = std::fs::read_to_string(
        crate::support::repo_root().join("themes/default/templates/base.html"),
    )
    .unwrap();
    let old = base.replace(
        "{{ per_version(\"partials/head.html\") }}",
        "{% include \"partials/head.html\" %}",
    );
    assert_ne!(old, base);
    p.write("themes/mine/templates/base.html", &old);
    let run = p.run(&["build"]);
    // The default head reads page.care on its line 13.
    assert!(
        run.stderr
            .contains("`page.care` is undefined (in theme template `partials/head.html`, line 13)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("per_version("), "{}", run.stderr);
    assert_eq!(run.code, 1);
    assert!(p.output_files() == before, "a failed build changed public/");
}

#[test]
fn per_version_text_cut_before_it_is_printed_is_an_error_at_the_call() {
    let (p, before) = with_theme();
    let base = std::fs::read_to_string(
        crate::support::repo_root().join("themes/default/templates/base.html"),
    )
    .unwrap();
    let cut = base.replace(
        "{{ per_version(\"partials/head.html\") }}",
        "{{ per_version(\"partials/head.html\")[:400] }}",
    );
    assert_ne!(cut, base);
    p.write("themes/mine/templates/base.html", &cut);
    let run = p.run(&["build"]);
    run.fails_at("E006", "themes/mine/templates/base.html:4:4");
    assert!(run.stderr.contains("print it whole"), "{}", run.stderr);
    // Marked safe again, the cut text keeps a marker whose partners are gone.
    p.write(
        "themes/mine/templates/base.html",
        &cut.replace("[:400] }}", "[:400]|safe }}"),
    );
    let run = p.run(&["build"]);
    run.fails_at("E006", "themes/mine/templates/base.html:4:4");
    assert!(run.stderr.contains("print it whole"), "{}", run.stderr);
    assert!(p.output_files() == before, "a failed build changed public/");
}
