//! One `Diagnostic` type for every problem gongkai finds, and one printer in the style of
//! rustc and just (`error[E004]: …`, `--> file:line:col`, the source line, a caret, `help:`).

pub mod codes;

use crate::source::{FileId, Sources};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic points: a file, a 1-based line and column, and how many characters to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub line: usize,
    pub col: usize,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        debug_assert!(
            codes::is_registered(code) && code.starts_with('E'),
            "{code} is not a registered error code (src/diagnostic/codes.rs)"
        );
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        debug_assert!(
            codes::is_registered(code) && code.starts_with('W'),
            "{code} is not a registered warning code (src/diagnostic/codes.rs)"
        );
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn at(mut self, file: FileId, line: usize, col: usize, len: usize) -> Diagnostic {
        self.location = Some(Location {
            file,
            line,
            col,
            len: len.max(1),
        });
        self
    }

    /// Points at a byte range of a loaded source.
    pub fn at_span(self, sources: &Sources, file: FileId, start: usize, end: usize) -> Diagnostic {
        let src = sources.get(file);
        let (line, col) = src.line_col(start);
        let len = src
            .text
            .get(start..end.max(start))
            .map_or(1, |s| s.chars().take_while(|&c| c != '\n').count());
        self.at(file, line, col, len)
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` of the location, for tests and one-line summaries.
    pub fn position(&self, sources: &Sources) -> Option<String> {
        let loc = self.location.as_ref()?;
        Some(format!(
            "{}:{}:{}",
            sources.get(loc.file).path.display(),
            loc.line,
            loc.col
        ))
    }

    /// One JSON object for `check --format json`.
    pub fn to_json(&self, sources: &Sources) -> serde_json::Value {
        let loc = self.location.as_ref();
        serde_json::json!({
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "code": self.code,
            "message": self.message,
            "file": loc.map(|l| sources.get(l.file).path.to_string_lossy().replace('\\', "/")),
            "line": loc.map(|l| l.line),
            "column": loc.map(|l| l.col),
            "length": loc.map(|l| l.len),
            "help": self.help,
        })
    }

    /// The human rendering, with the quoted source line and a caret under the span.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{kind}[{}]: {}", self.code, printable(&self.message));
        if let Some(loc) = &self.location {
            let src = sources.get(loc.file);
            let line_no = loc.line.to_string();
            let pad = " ".repeat(line_no.len());
            let _ = writeln!(
                out,
                "{pad}--> {}:{}:{}",
                printable(&src.path.to_string_lossy()),
                loc.line,
                loc.col
            );
            let text = src.line_text(loc.line);
            if !text.is_empty() {
                // A minified or hostile line can be megabytes: quote a window around the span.
                const WINDOW: usize = 160;
                let chars: Vec<char> = text.chars().collect();
                let col = loc.col.saturating_sub(1).min(chars.len());
                let start = if chars.len() > WINDOW {
                    col.saturating_sub(WINDOW / 3)
                } else {
                    0
                };
                let end = (start + WINDOW).min(chars.len());
                let open = if start > 0 { "…" } else { "" };
                let close = if end < chars.len() { "…" } else { "" };
                let shown = printable(&chars[start..end].iter().collect::<String>()).into_owned();
                let before = printable(&chars[start..col].iter().collect::<String>()).into_owned();
                let marked = printable(
                    &chars[col..(col + loc.len).min(end).max(col)]
                        .iter()
                        .collect::<String>(),
                )
                .into_owned();
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{line_no} | {open}{shown}{close}");
                let _ = writeln!(
                    out,
                    "{pad} | {}{}",
                    " ".repeat(display_width(open) + display_width(&before)),
                    "^".repeat(display_width(&marked).max(1))
                );
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", printable(help));
        }
        out
    }
}

/// `s` safe to print on a terminal: control characters (an escape sequence in a source file
/// could retitle or clear the terminal), bidi controls (which reorder what is shown) and
/// non-characters are written as `\u{…}` instead.
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Terminal columns a string takes: CJK and full-width characters take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c);
            if c == '\t' as u32 {
                4
            } else if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// All findings of one run, errors first, then in file order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.severity,
                    d.location
                        .as_ref()
                        .map(|l| (l.file, l.line, l.col))
                        .unwrap_or((usize::MAX, 0, 0)),
                )
            };
            key(a).cmp(&key(b))
        });
        // The same template error shows up once per page that uses the template.
        self.0.dedup_by(|a, b| {
            a.code == b.code && a.message == b.message && a.location == b.location
        });
    }

    /// JSON lines, one finding per line.
    pub fn render_json(&self, sources: &Sources) -> String {
        self.0
            .iter()
            .map(|d| d.to_json(sources).to_string() + "\n")
            .collect()
    }

    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(sources));
            out.push('\n');
        }
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        let warnings = self.0.len() - errors;
        if errors + warnings > 0 {
            let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
        }
        out
    }
}

/// The candidate nearest to `id` by edit distance, if it is close enough to be a typo.
pub(crate) fn closest<'a>(id: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(id, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 5))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_span_past_wide_characters() {
        let mut sources = Sources::default();
        let f = sources.add(
            "content/2023/report.md".as_ref(),
            "标题\n完成就业{{ value(\"x\") }}人\n".into(),
        );
        let text = &sources.get(f).text;
        let start = text.find("\"x\"").unwrap();
        let d = Diagnostic::error("E004", "unknown indicator `x`")
            .at_span(&sources, f, start, start + 3)
            .help("check the id");
        let out = d.render(&sources);
        assert!(out.starts_with("error[E004]: unknown indicator `x`\n"));
        assert!(out.contains(" --> content/2023/report.md:2:14\n"), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        // "完成就业" is 8 columns wide, "{{ value(" 9 more.
        assert_eq!(lines[4], format!("  | {}^^^", " ".repeat(17)));
        assert_eq!(lines[5], "  = help: check the id");
    }
}
