//! Edits of a source text: each replaces a byte range (a value scalar) or inserts at a
//! point (a new line), and the rest of the text stays byte for byte as it was.

/// An edit of a text: replace `start..end` with `text` (an insertion when they are equal).
pub(super) struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A new `key: value` line at the indicator's indentation, with the file's line ending.
pub(super) fn line(text: &str, at: usize, indent: usize, key: &str, value: &str) -> String {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lead = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        nl
    } else {
        ""
    };
    format!("{lead}{}{key}: {value}{nl}", " ".repeat(indent))
}

/// `text` with every edit made, the rest byte for byte as it was.
pub(super) fn edited(text: &str, mut edits: Vec<Edit>) -> String {
    // Stable: two insertions at one place keep their order (target before completion).
    edits.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_change_their_bytes_only_and_insertions_keep_their_order() {
        let text = "a: 1  # x\r\nb: ~\r\n";
        let edits = vec![
            Edit {
                start: 14,
                end: 15,
                text: "2".into(),
            },
            Edit {
                start: 11,
                end: 11,
                text: line(text, 11, 0, "t", "5"),
            },
            Edit {
                start: 3,
                end: 4,
                text: "10".into(),
            },
            Edit {
                start: 11,
                end: 11,
                text: line(text, 11, 0, "c", "9"),
            },
        ];
        assert_eq!(
            edited(text, edits),
            "a: 10  # x\r\nt: 5\r\nc: 9\r\nb: 2\r\n"
        );
        // At the end of a file without a final line break, the new line starts one.
        assert_eq!(line("a: 1", 4, 2, "t", "5"), "\n  t: 5\n");
    }
}
