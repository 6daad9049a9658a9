//! The registry of diagnostic codes: each code means one thing, and a code that is not here
//! cannot be raised (debug builds and the tests refuse it). The README's table of codes is
//! checked against this one by a test.

/// Every code with what it means, in code order.
pub const CODES: &[(&str, &str)] = &[
    (
        "E001",
        "invalid YAML: syntax, an unknown or missing key, a wrong type or value",
    ),
    (
        "E002",
        "a duplicate indicator or section id within an edition",
    ),
    ("E003", "an id not matching [a-z0-9._-]"),
    ("E004", "an unknown indicator or annual-report cell id in a narrative function"),
    (
        "E005",
        "completion() of an indicator whose rate cannot be given",
    ),
    (
        "E006",
        "a template error, or a page that runs more template steps than any report needs",
    ),
    (
        "E007",
        "missing front matter, or a page file name that cannot be published",
    ),
    (
        "E008",
        "a parts entry that is not an indicator of the edition",
    ),
    ("E009", "chart() not on a line of its own"),
    (
        "E010",
        "a file that must be read cannot be (missing, or no permission)",
    ),
    (
        "E011",
        "change() with no comparable figure in an earlier edition",
    ),
    ("E012", "target() of an indicator without a target"),
    ("E013", "parts that do not add up to the value"),
    ("E014", "a stated completion that contradicts value/target"),
    ("E015", "a negative count"),
    (
        "E016",
        "the unit of an id changed since the previous edition",
    ),
    ("E017", "series periods out of order"),
    (
        "E018",
        "a series period outside the edition's year or not YYYY-MM",
    ),
    (
        "E019",
        "a cumulative series whose last point is not the value",
    ),
    ("E020", "a withheld figure that published ones give away"),
    ("E021", "a withheld figure written in published text"),
    ("E022", "a broken internal link or anchor"),
    ("E023", "an image without alt text"),
    ("E024", "personal data: a 居民身份证号"),
    ("E025", "personal data: a mobile number"),
    ("E026", "personal data: a bank card number"),
    ("E027", "an empty 索引号, 发布机构, 信息名称 or 主题分类"),
    ("E028", "the same 索引号 on two editions"),
    (
        "E029",
        "a 索引号 not matching index_no_pattern, or an invalid pattern",
    ),
    ("E030", "a 发布日期 before the 成文日期 or the data cut-off"),
    ("E031", "a figure still 待填报"),
    ("E032", "an archive that cannot be read"),
    ("E033", "YAML nested deeper than any gongkai file needs"),
    ("E035", "the theme named in site.yaml does not exist"),
    ("E036", "a source file larger than gongkai reads"),
    ("E037", "a file that is not valid UTF-8"),
    (
        "E038",
        "a narrative function whose figure could not be printed while rendering",
    ),
    (
        "E040",
        "a file of an archived folder that differs from its manifest, is missing or unlisted",
    ),
    ("E041", "a symlink or other non-file in an archived folder"),
    (
        "E042",
        "an archived folder without its manifest, or a missing folder a correction names",
    ),
    (
        "E043",
        "a folder the published site lists as archived is no longer in archive/",
    ),
    ("E050", "the same indicator listed twice in parts"),
    (
        "E051",
        "an indicator among its own parts, or parts that lead back to it",
    ),
    (
        "E052",
        "an attachment that would take the place of a file gongkai writes",
    ),
    (
        "E055",
        "a base_url that is not an absolute http or https URL",
    ),
    ("E060", "a YAML anchor, alias or merge key"),
    (
        "E070",
        "an annual report table that is not the official one: format, a missing or unknown row, a row of the wrong length",
    ),
    ("E071", "nianbao.md without nianbao.yaml, or the reverse"),
    (
        "E072",
        "annual report rule 1: 一 + 二 ≠ 三（七） + 四 in a column of table 三",
    ),
    (
        "E073",
        "annual report rule 2: （七）总计 ≠ the sum of （一）–（六） in a column of table 三",
    ),
    (
        "E074",
        "annual report rule 3: 总计 ≠ the sum of the applicant columns in a row of table 三",
    ),
    (
        "E075",
        "annual report rule 4: 总计 ≠ the sum of the results in a group of table 四",
    ),
    (
        "E076",
        "annual report rule 5: a figure in the prose that contradicts the table",
    ),
    (
        "E077",
        "annual report rule 7: 上年结转 ≠ last year's 结转下年度继续办理",
    ),
    (
        "E078",
        "annual report rule 8: 现行有效件数 ≠ last year's + 制发 − 废止",
    ),
    (
        "E079",
        "an annual report without its six sections, in order",
    ),
    (
        "E080",
        "target(), completion() or chart() of an annual-report cell",
    ),
    ("E081", "a row or key of nianbao.yaml written twice"),
    (
        "E082",
        "an annual-report figure not written in decimal digits, or where no check can point at it",
    ),
    (
        "E090",
        "a cell of a fill-in workbook that is not a figure for its indicator or annual-report cell",
    ),
    (
        "E091",
        "a fill-in workbook that would publish a figure withheld in indicators.yaml",
    ),
    ("E092", "an id in a fill-in workbook that the edition does not have"),
    ("E093", "the same id twice in a fill-in workbook"),
    (
        "E094",
        "a workbook that is not this edition's fill-in workbook: another year or site, or no id and figure columns",
    ),
    (
        "E095",
        "a figure of indicators.yaml or nianbao.yaml written where import cannot replace it in place",
    ),
    (
        "W001",
        "a parts sum that cannot be checked because a part is withheld",
    ),
    ("W002", "a % value outside 0–100"),
    ("W003", "an id renamed since the previous edition"),
    ("W004", "a year-over-year jump beyond jump_factor"),
    (
        "W005",
        "a literal rate in the text that contradicts the computed one",
    ),
    ("W006", "a word from content/wordlist.yaml"),
    ("W007", "％ and % mixed in one document"),
    ("W008", "a 文号 with the wrong brackets"),
    ("W009", "a 内容概述 longer than 300 characters"),
    ("W010", "a bare * in prose"),
    ("W011", "an edition's sources edited after it was archived"),
    ("W012", "a file beside the sources that is not published"),
    ("W013", "a control character or non-character in a source"),
    (
        "W040",
        "a correction that withholds a figure the kept version still shows",
    ),
    (
        "W070",
        "an annual report published after its legal deadline",
    ),
    (
        "W071",
        "an annual report section copied from the previous year's",
    ),
    (
        "W072",
        "two chart colours that a colour vision deficiency merges",
    ),
    (
        "W073",
        "a chart colour below 3:1 against the white chart background",
    ),
    (
        "W090",
        "a search index one query of which loads more than the budget",
    ),
];

/// Whether `code` is in the registry.
pub fn is_registered(code: &str) -> bool {
    CODES.binary_search_by(|(c, _)| (*c).cmp(code)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn codes_are_sorted_and_unique() {
        assert!(CODES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
