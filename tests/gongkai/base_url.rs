//! The base URL a site is published under (`build --base-url`, `base_url` in site.yaml) is an
//! absolute http(s) URL with a host, no credentials, query or fragment: it ends up in links
//! every visitor may follow (issue "Nothing lost, nothing leaked", preview server section).

use crate::support::{output_files, Project};

/// What the hostile-input survey tried, and the other ways to get a base URL wrong.
const REFUSED: [(&str, &str); 8] = [
    (
        "data:text/html,<script>alert(1)</script>",
        "`data:` is not http or https",
    ),
    (
        "javascript:alert(1)//",
        "`javascript:` is not http or https",
    ),
    ("//evil.example/", "not absolute"),
    ("ftp://example.gov.cn/gzbg/", "`ftp:` is not http or https"),
    ("https://user:secret@example.gov.cn/", "credentials"),
    ("https://example.gov.cn/gzbg/?from=feed", "query"),
    ("https://example.gov.cn/gzbg/#top", "fragment"),
    ("https:///gzbg/", "no host"),
];

#[test]
fn build_refuses_a_base_url_that_is_not_absolute_http_as_a_usage_error() {
    let p = Project::fixture("basic");
    p.build();
    let before = output_files(&p.path("public"));
    for (url, why) in REFUSED {
        let run = p.run(&["build", "--base-url", url]);
        assert_eq!(run.code, 2, "{url}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("invalid value") && run.stderr.contains("--base-url"),
            "{url}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(why),
            "{url}: no `{why}` in {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("e.g. https://"),
            "{url}: no example in {}",
            run.stderr
        );
        assert_eq!(output_files(&p.path("public")), before, "{url}");
    }
    // A plain absolute URL still builds, with the feed that needs it.
    p.run(&["build", "--base-url", "https://example.gov.cn/gzbg/"])
        .ok();
    assert!(p
        .read("public/feed.xml")
        .contains("https://example.gov.cn/gzbg/"));
}

#[test]
fn site_yaml_base_url_is_checked_with_its_position_by_every_command() {
    let p = Project::fixture("basic");
    p.run(&["archive", "2023"]).ok();
    p.build();
    let before = output_files(&p.path("public"));
    let site = p.read("content/site.yaml");
    for (url, why) in REFUSED {
        let quoted = format!("'{url}'");
        p.write(
            "content/site.yaml",
            &site.replacen(
                "site_domain:",
                &format!("base_url: {quoted}\nsite_domain:"),
                1,
            ),
        );
        for command in [&["check"][..], &["build"], &["bundle", "2023"]] {
            let run = p.run(command);
            run.fails_at("E055", "content/site.yaml:3:11");
            assert!(
                run.stderr.contains(why),
                "{url}: no `{why}` in {}",
                run.stderr
            );
        }
        assert_eq!(output_files(&p.path("public")), before, "{url}");
        assert!(!p.path("gongkai-2023.tar.gz").exists());
    }
}

/// What the red team found still accepted or misleadingly explained, with what the error
/// must say.
const REFUSED_TOO: [(&str, &str); 12] = [
    ("https:\\\\a.example\\", "slashes after `https:` are wrong"),
    ("https:/a.example/", "slashes after `https:` are wrong"),
    ("http:a.example", "slashes after `http:` are wrong"),
    ("https://a.example\u{200B}/", "U+200B"),
    ("https://a.example/\u{202E}lmth.exe", "U+202E"),
    ("https://\u{FEFF}a.example/", "U+FEFF"),
    ("https://a.example/\u{2066}x", "U+2066"),
    ("https://a.example:0/", "port 0"),
    ("https://-a.example/", "starts or ends with `-`"),
    ("https://www.a-.example/", "starts or ends with `-`"),
    ("https://1.2.3.4.5/", "not an IPv4 address"),
    ("https://192.168.1.256/", "not an IPv4 address"),
];

/// `text` as a YAML double-quoted scalar, everything but printable ASCII escaped, so the
/// value is not found in the file as written.
fn yaml_escaped(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[test]
fn wrong_slashes_invisible_characters_port_0_and_bad_hosts_are_refused_at_the_value() {
    let p = Project::fixture("basic");
    p.build();
    let before = output_files(&p.path("public"));
    let site = p.read("content/site.yaml");
    for (url, why) in REFUSED_TOO {
        let run = p.run(&["build", "--base-url", url]);
        assert_eq!(run.code, 2, "{url:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(why),
            "{url:?}: no `{why}` in {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("is not http or https"),
            "{url:?}: {}",
            run.stderr
        );
        // In site.yaml, written with escapes: the error points at the value, not the key.
        p.write(
            "content/site.yaml",
            &site.replacen(
                "site_domain:",
                &format!("base_url: {}  # 地址\nsite_domain:", yaml_escaped(url)),
                1,
            ),
        );
        let run = p.run(&["check"]);
        run.fails_at("E055", "content/site.yaml:3:11");
        assert!(
            run.stderr.contains(why),
            "{url:?}: no `{why}` in {}",
            run.stderr
        );
        assert_eq!(output_files(&p.path("public")), before, "{url:?}");
        p.write("content/site.yaml", &site);
    }
    // Still fine: a host name with inner hyphens and digits, an IPv4 address, a port.
    for url in [
        "https://rsj-2.example.gov.cn/",
        "http://192.168.1.25:8080/gzbg/",
        "https://1example.gov.cn/",
    ] {
        p.run(&["build", "--base-url", url]).ok();
    }
}
