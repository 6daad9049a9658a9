//! Characters no published file may hold (control characters, U+FFFE, U+FFFF): the escaping
//! drops them from every output, and this rule says where they were written, so the web
//! officer learns that a pasted name lost a character (W013).

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::html::escape::is_illegal;
use crate::load::split_front_matter;
use crate::model::Site;
use regex::Regex;
use std::sync::OnceLock;

/// YAML double-quoted escapes that decode to an illegal character: `\x01`, `\u0085`, `\uFFFE`,
/// `\0`, `\a`, `\b`, `\e`, `\v`, `\f`, `\N` (tab, line feed and carriage return are fine).
fn yaml_escape() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\\(?:x(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|u(?:00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[fF]{3}[eEfF])|[0abefvN])",
        )
        .expect("valid regex")
    })
}

/// Every source file: raw illegal characters anywhere, and YAML escapes of them in YAML files
/// and front matter.
pub(super) fn check_site(site: &Site, diags: &mut Diagnostics) {
    for (file, source) in site.sources.iter() {
        let text = &source.text;
        let mut found: Vec<(usize, usize, String)> = text
            .char_indices()
            .filter(|&(_, c)| is_illegal(c))
            .map(|(i, c)| (i, i + c.len_utf8(), format!("U+{:04X}", c as u32)))
            .collect();
        let is_yaml = source
            .path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml");
        let yaml = if is_yaml {
            Some((text.as_str(), 0))
        } else {
            // The front matter starts after the opening `---` line.
            split_front_matter(text).map(|(front, _)| (front, text.find('\n').map_or(0, |i| i + 1)))
        };
        if let Some((yaml, base)) = yaml {
            found.extend(yaml_escape().find_iter(yaml).map(|m| {
                (
                    base + m.start(),
                    base + m.end(),
                    format!("`{}`", m.as_str()),
                )
            }));
        }
        found.sort();
        for (start, end, what) in found {
            diags.push(
                Diagnostic::warning(
                    "W013",
                    format!("{what}: a control character or non-character that no published file may hold"),
                )
                .at_span(&site.sources, file, start, end)
                .help("it is left out of every published file; delete it, or retype the text if it was pasted from another program"),
            );
        }
    }
}
