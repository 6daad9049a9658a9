//! The report as a document: its six sections present and in order (E079), its legal
//! deadline (W070), and no section copied word for word from last year's report (W071).

use super::*;

/// A level-2 heading of nianbao.md: which of the six sections its numeral names (if any),
/// the byte range of its line in the body, and where its section's text ends.
struct Heading {
    section: Option<usize>,
    line: (usize, usize),
    text_end: usize,
}

/// The level-2 headings of a report's body as the page renders them (Markdown parsed, so a
/// `## ` line inside a code block or an HTML block is no heading), comments masked.
pub(super) struct Sections {
    headings: Vec<Heading>,
    /// Lines that read like a section's heading but are not a level-2 heading (`# 三、…`,
    /// `## 三，…`, a heading inside a `<div>`): (section, line), for a located E079.
    near: Vec<(usize, (usize, usize))>,
}

impl Sections {
    pub(super) fn of(body: &str) -> Sections {
        use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
        // The options the page is rendered with, so the two agree on what is a heading.
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_STRIKETHROUGH;
        let masked = mask_comments(body);
        let mut headings: Vec<Heading> = Vec::new();
        let mut open: Option<(usize, String)> = None;
        for (event, range) in Parser::new_ext(&masked, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                }) => open = Some((range.start, String::new())),
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, text)) = &mut open {
                        text.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                    let Some((start, text)) = open.take() else {
                        continue;
                    };
                    let title = text.trim();
                    let section = SECTIONS
                        .iter()
                        .position(|(n, _)| title.starts_with(&format!("{n}、")));
                    // The heading's first line (a setext heading has its underline below).
                    let line = masked[start..].lines().next().unwrap_or("").trim_end();
                    if let Some(previous) = headings.last_mut() {
                        previous.text_end = start;
                    }
                    headings.push(Heading {
                        section,
                        line: (start, start + line.len()),
                        text_end: body.len(),
                    });
                }
                _ => {}
            }
        }
        let mut near = Vec::new();
        let mut offset = 0;
        for line in masked.split_inclusive('\n') {
            let content = line.trim_end();
            let text = content.trim_start().trim_start_matches('#').trim_start();
            for (s, (n, title)) in SECTIONS.iter().enumerate() {
                let Some(rest) = text.strip_prefix(n) else {
                    continue;
                };
                let rest =
                    rest.trim_start_matches(['、', '，', ',', '.', '．', '：', ':', ' ', '\t']);
                // Only consulted when section `s` has no heading, so a true heading never
                // lands here.
                if rest.starts_with(title) {
                    let start = offset + (line.len() - line.trim_start().len());
                    near.push((s, (start, offset + content.len())));
                }
            }
            offset += line.len();
        }
        Sections { headings, near }
    }

    /// The first heading of section `s`.
    fn find(&self, s: usize) -> Option<&Heading> {
        self.headings.iter().find(|h| h.section == Some(s))
    }

    /// E079: the six sections, each once, in order. Headings that keep the order are those of
    /// the longest run in order; any other is misplaced, and a missing one is reported where
    /// it belongs: at the next section's heading, or at the end of the body.
    pub(super) fn check_order(&self, site: &Site, nb: &Nianbao, diags: &mut Diagnostics) {
        let numbered: Vec<(usize, &Heading)> = self
            .headings
            .iter()
            .filter_map(|h| h.section.map(|s| (s, h)))
            .collect();
        let kept = longest_in_order(&numbered.iter().map(|(s, _)| *s).collect::<Vec<_>>());
        let body = &nb.page.body;
        let at = |d: Diagnostic, span: (usize, usize)| in_body(site, nb, d, span);
        let heading = |s: usize| format!("## {}、{}", SECTIONS[s].0, SECTIONS[s].1);
        let all: Vec<String> = (0..SECTIONS.len()).map(heading).collect();
        for s in 0..SECTIONS.len() {
            if numbered.iter().any(|(n, _)| *n == s) {
                continue;
            }
            let next = kept
                .iter()
                .map(|&k| numbered[k])
                .find(|(n, _)| *n > s)
                .map(|(_, h)| h.line);
            let end = body.trim_end().len();
            let last_line = body[..end].rfind('\n').map_or(0, |i| i + 1);
            if let Some(&(_, line)) = self.near.iter().find(|(n, _)| *n == s) {
                diags.push(at(
                    Diagnostic::error(
                        "E079",
                        format!(
                            "this line is not the section heading `{}` the annual report needs",
                            heading(s)
                        ),
                    )
                    .help(format!(
                        "write it as `{}` on a line of its own: two #, a space, the numeral and 、, outside any code block or HTML block such as <div> (gongkai inserts the section's table after it)",
                        heading(s)
                    )),
                    line,
                ));
                continue;
            }
            let (span, where_) = match next {
                Some(line) => (line, "before this heading"),
                None => ((last_line, end), "after this, the last line of the report"),
            };
            diags.push(at(
                Diagnostic::error(
                    "E079",
                    format!("the annual report lacks its section `{}`", heading(s)),
                )
                .help(format!(
                    "add `{}` {where_}: every report has the six sections of the uniform format, in order: {}",
                    heading(s),
                    all.join(" · ")
                )),
                span,
            ));
        }
        for (k, (s, h)) in numbered.iter().enumerate() {
            if kept.contains(&k) {
                continue;
            }
            let twice = numbered[..k].iter().any(|(n, _)| n == s);
            let message = if twice {
                format!("a second `## {}、…` heading", SECTIONS[*s].0)
            } else {
                format!("section `## {}、…` is out of order", SECTIONS[*s].0)
            };
            diags.push(at(
                Diagnostic::error("E079", message).help(format!(
                    "the six sections come once each, in this order: {}",
                    all.join(" · ")
                )),
                h.line,
            ));
        }
    }
}

/// Indices into `seq` of its longest strictly increasing subsequence (the first of equals).
fn longest_in_order(seq: &[usize]) -> Vec<usize> {
    let n = seq.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![None; n];
    for i in 0..n {
        for j in 0..i {
            if seq[j] < seq[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = Some(j);
            }
        }
    }
    let Some(mut i) = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i))) else {
        return Vec::new();
    };
    let mut out = vec![i];
    while let Some(p) = prev[i] {
        out.push(p);
        i = p;
    }
    out.reverse();
    out
}

/// W070: `published` after the legal deadline (art. 49): 31 January of the next year for a
/// department, 31 March for a government.
pub(super) fn deadline(site: &Site, year: i32, nb: &Nianbao, diags: &mut Diagnostics) {
    let agency = site.config.agency;
    let (month, day) = agency.deadline();
    let due = crate::date::Date {
        year: year + 1,
        month,
        day,
    };
    let published = nb.page.front.published;
    if published <= due {
        return;
    }
    let text = &site.sources.get(nb.page.file).text;
    let (s, e) = top_level_value(text, "published").unwrap_or((0, 3));
    let who = match agency {
        crate::model::config::Agency::Department => "a department (县级以上人民政府部门)",
        crate::model::config::Agency::Government => "a government (县级以上地方人民政府)",
    };
    diags.push(
        Diagnostic::warning(
            "W070",
            format!("the {year} annual report is published {published}, after its deadline {due}"),
        )
        .at_span(&site.sources, nb.page.file, s, e)
        .help(format!(
            "{ARTICLE_49}: {who} publishes the previous year's report by {}月{}日 ({due}); keep the true date if it was late. `agency:` in site.yaml says which deadline applies (department: 1月31日, government: 3月31日)",
            month, day
        )),
    );
}

/// W071: a section word for word last year's (whitespace aside, and with value() calls read
/// as the figures they print, so a sentence that prints this year's figures is not a copy).
/// In 二、三、四 gongkai adds the tables, so only the prose written there is compared; an empty
/// section is nobody's copy.
pub(super) fn copy_forward(
    site: &Site,
    sections: &Sections,
    nb: &Nianbao,
    year: i32,
    last: &Nianbao,
    diags: &mut Diagnostics,
) {
    let before = Sections::of(&last.page.body);
    for (s, (n, title)) in SECTIONS.iter().enumerate() {
        let (Some(now), Some(then)) = (sections.find(s), before.find(s)) else {
            continue;
        };
        let text_now = section_text(nb, now);
        if text_now.is_empty() || text_now != section_text(last, then) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                "W071",
                format!("section {n}、{title} is word for word the {year} report's"),
            )
            .at_span(
                &site.sources,
                nb.page.file,
                nb.page.body_start + now.line.0,
                nb.page.body_start + now.line.1,
            )
            .help(format!(
                "{} has the same text: report this year's work, problems and improvements (third-party evaluations count a report copied from earlier years against the agency)",
                place(site, last.page.file, last.page.body_start + then.line.0)
            )),
        );
    }
}

/// A section's text as a reader gets it, whitespace-normalised: comments dropped, and each
/// value() of a cell replaced by the figure it prints.
fn section_text(nb: &Nianbao, heading: &Heading) -> String {
    let body = mask_comments(&nb.page.body);
    let text = &body[heading.line.1.min(heading.text_end)..heading.text_end];
    let mut out = String::new();
    let mut from = 0;
    for call in scan_calls(text) {
        // share() is listed once per id, both over the same `{{ … }}`.
        if call.start < from {
            continue;
        }
        out.push_str(&text[from..call.start]);
        match (call.function, nb.value(&call.id)) {
            ("value", Some(v)) => out.push_str(&v.to_string()),
            _ => out.push_str(&text[call.start..call.end]),
        }
        from = call.end;
    }
    out.push_str(&text[from..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sections_kept_are_the_longest_run_in_order() {
        assert_eq!(
            longest_in_order(&[0, 1, 2, 3, 4, 5]),
            vec![0, 1, 2, 3, 4, 5]
        );
        assert_eq!(longest_in_order(&[0, 2, 1, 3, 4, 5]), vec![0, 1, 3, 4, 5]);
        assert_eq!(longest_in_order(&[0, 1, 1, 2]), vec![0, 1, 3]);
        assert!(longest_in_order(&[]).is_empty());
    }
}
