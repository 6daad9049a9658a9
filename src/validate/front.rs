//! Rules over front matter: the 政府信息公开 metadata must be complete, unique and in the
//! official forms (索引号 pattern, 文号 brackets, dates in order, a short 内容概述).

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::find_nth_value;
use crate::model::Site;
use regex::Regex;
use std::collections::HashMap;

pub(super) fn check_site(site: &Site, diags: &mut Diagnostics) {
    let pattern = site.config.index_no_pattern.as_ref().and_then(|p| {
        // Anchored: the whole 索引号 must match, not a part of it.
        match Regex::new(&format!("^(?:{p})$")) {
            Ok(re) => Some(re),
            Err(e) => {
                let text = &site.sources.get(site.config_file).text;
                let (s, end) = find_nth_value(text, "index_no_pattern", p, 0).unwrap_or((0, 0));
                diags.push(
                    Diagnostic::error(
                        "E029",
                        format!("index_no_pattern is not a valid regular expression: {e}"),
                    )
                    .at_span(&site.sources, site.config_file, s, end)
                    .help("write a regular expression, e.g. '\\d{9}/\\d{4}-\\d{5}'"),
                );
                None
            }
        }
    });
    let mut index_nos: HashMap<&str, i32> = HashMap::new();
    // The work report and the annual report are each a published document with its own
    // metadata (and its own 索引号).
    let documents = site.editions.iter().flat_map(|e| {
        let report = e.report.as_ref().map(|r| (e.year, &r.front, r.file));
        let nianbao = e
            .nianbao
            .as_ref()
            .map(|n| (e.year, &n.page.front, n.page.file));
        report.into_iter().chain(nianbao)
    });
    for (year, front, file) in documents {
        let text = &site.sources.get(file).text;
        let span = |key: &str, value: &str| find_nth_value(text, key, value, 0).unwrap_or((0, 3));
        let at = |d: Diagnostic, (s, e): (usize, usize)| d.at_span(&site.sources, file, s, e);

        for (key, label, value) in [
            ("index_no", "索引号", &front.index_no),
            ("publisher", "发布机构", &front.publisher),
            ("title", "信息名称", &front.title),
            ("category", "主题分类", &front.category),
        ] {
            if value.trim().is_empty() {
                diags.push(at(
                    Diagnostic::error("E027", format!("{label} (`{key}`) is empty"))
                        .help(format!("a published edition needs its {label}")),
                    span(key, value),
                ));
            }
        }
        if let Some(first) = index_nos.insert(&front.index_no, year) {
            diags.push(at(
                Diagnostic::error(
                    "E028",
                    format!(
                        "索引号 `{}` is already used by the {first} edition",
                        front.index_no
                    ),
                )
                .help("every published document needs its own 索引号"),
                span("index_no", &front.index_no),
            ));
        }
        if let Some(re) = &pattern {
            if !re.is_match(&front.index_no) {
                diags.push(at(
                    Diagnostic::error(
                        "E029",
                        format!(
                            "索引号 `{}` does not match index_no_pattern",
                            front.index_no
                        ),
                    )
                    .help(format!(
                        "write it in the form site.yaml asks for: {}",
                        re.as_str()
                    )),
                    span("index_no", &front.index_no),
                ));
            }
        }
        if let Some(doc_no) = &front.doc_no {
            if let Some(fixed) = fix_doc_no(doc_no) {
                diags.push(at(
                    Diagnostic::warning("W008", format!("文号 `{doc_no}` uses the wrong brackets"))
                        .help(format!("write the year in 六角括号: {fixed}")),
                    span("doc_no", doc_no),
                ));
            }
        }
        let published = front.published;
        for (key, label, date) in [
            ("as_of", "数据截至日期", front.as_of),
            ("written", "成文日期", front.written),
        ] {
            if let Some(d) = date {
                if d > published {
                    diags.push(at(
                        Diagnostic::error("E030", format!("发布日期 {published} is before the {label} {d}"))
                            .help("a document cannot be published before it is written or before its data cut-off; correct one of the dates"),
                        span("published", &published.to_string()),
                    ));
                }
                let _ = key;
            }
        }
        if let Some(summary) = &front.summary {
            let n = summary.chars().count();
            if n > 300 {
                diags.push(at(
                    Diagnostic::warning("W009", format!("内容概述 has {n} characters"))
                        .help("keep the summary to 300 characters; portals cut longer ones"),
                    span("summary", summary),
                ));
            }
        }
    }
}

/// The 文号 with its year in 〔〕, if it was written with other brackets.
fn fix_doc_no(doc_no: &str) -> Option<String> {
    let re = Regex::new(r"[\[\(（【［]\s*(\d{4})\s*[\]\)）】］]").ok()?;
    re.is_match(doc_no)
        .then(|| re.replace_all(doc_no, "〔$1〕").into_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn doc_numbers_get_six_sided_brackets() {
        assert_eq!(
            super::fix_doc_no("青人社发[2023]12号").unwrap(),
            "青人社发〔2023〕12号"
        );
        assert_eq!(
            super::fix_doc_no("青人社发【2023】12号").unwrap(),
            "青人社发〔2023〕12号"
        );
        assert_eq!(
            super::fix_doc_no("青人社发（2023）12号").unwrap(),
            "青人社发〔2023〕12号"
        );
        assert!(super::fix_doc_no("青人社发〔2023〕12号").is_none());
    }
}
