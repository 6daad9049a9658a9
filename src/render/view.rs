//! What templates see: view structs built from the model for one page, so the YAML schema can
//! change without breaking themes. Every string here is plain text; templates escape it.

use crate::model::config::{Footer, SiteConfig};
use crate::model::format;
use crate::model::{Edition, Figure, Indicator, Site};
use crate::narrative::markdown::Heading;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub organization: String,
    pub language: String,
    pub domain: String,
    pub site_code: String,
    pub column_name: String,
    pub column_type: String,
    pub base_url: Option<String>,
    pub footer: Footer,
    pub withheld_note: String,
    /// Every published edition, newest first.
    pub editions: Vec<EditionLink>,
    /// Every published 政府信息公开工作年度报告, newest first.
    pub reports: Vec<EditionLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditionLink {
    pub year: i32,
    /// The edition has a work report (report.md), not only an annual report.
    pub work_report: bool,
    pub title: String,
    /// Relative to the site root.
    pub url: String,
    pub published: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// The parts of `<head>` and the breadcrumb that differ per page.
#[derive(Debug, Clone, Serialize)]
pub struct PageHead {
    /// The page's own title; `<title>` is `title_网站名称`.
    pub title: String,
    /// Relative path from this page to the site root ("", "../", "../../").
    pub root: String,
    /// Content pages carry ArticleTitle, PubDate and ContentSource.
    pub article: Option<ArticleMeta>,
    pub breadcrumbs: Vec<Link>,
    pub canonical: Option<String>,
    /// This is the 关怀版 (large type, high contrast) copy of the page, under `care/`.
    pub care: bool,
    /// Relative link from this page to the same page in the other version (standard ↔ 关怀版).
    pub counterpart: String,
    /// On the pages of an archived edition: the 已归档 note, rendered into the frozen files.
    pub archived: Option<ArchivedNote>,
    /// Relative link to the search page the header's search box leads to: the edition's own
    /// (`<year>/search.html`, frozen with it) inside an edition, the site-wide one elsewhere.
    pub search: String,
}

/// The 已归档 note of a frozen edition's pages.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivedNote {
    /// The freezing date, YYYY-MM-DD.
    pub date: String,
    /// The edition's manifest.json, relative to the site root.
    pub manifest: String,
}

/// The cross-edition page of one indicator (`indicators/<id>.html`).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorHistory {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub description: Option<String>,
    /// The latest edition's history chart, which covers every edition up to it; None when
    /// it is not worth drawing (`chart_note` says what it would show).
    pub chart: Option<ChartRef>,
    pub chart_note: Option<String>,
    /// Every edition that has the indicator, oldest first.
    pub history: Vec<HistoryRow>,
    pub has_withheld: bool,
    /// `indicators/<id>.csv`, relative to the site root.
    pub csv: String,
}

/// A titled list of links, e.g. one edition on the 网站地图 page.
#[derive(Debug, Clone, Serialize)]
pub struct LinkGroup {
    pub title: String,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleMeta {
    pub title: String,
    pub pub_date: String,
    pub source: String,
}

/// One row of the 政府信息公开 metadata table.
#[derive(Debug, Clone, Serialize)]
pub struct MetaRow {
    pub label: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub indicators: Vec<IndicatorRow>,
    /// Whether any indicator of the section has a target: columns that would be empty
    /// throughout are left out.
    pub has_targets: bool,
}

/// An indicator as a table row: every figure already printed.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub value: String,
    pub target: String,
    pub completion: String,
    /// 完成 / 未完成 / "" (no target) / "—" (cannot be known).
    pub status: String,
    pub period: String,
    pub source: String,
    /// The indicator page, relative to the site root.
    pub url: String,
    pub withheld: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    /// Relative to the site root.
    pub src: String,
    /// The chart's own data as CSV, beside the SVG; relative to the site root.
    pub csv: String,
    pub alt: String,
    pub caption: String,
    /// What the chart shows, in a sentence: its SVG's `<desc>`, shown under it.
    pub desc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub year: i32,
    pub value: String,
    pub target: String,
    pub completion: String,
    pub status: String,
    pub change: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesRow {
    pub period: String,
    pub value: String,
}

pub fn site_view(
    site: &Site,
    editions: &[&Edition],
    drafts: bool,
    report_published: &dyn Fn(i32) -> bool,
) -> SiteView {
    let c: &SiteConfig = &site.config;
    SiteView {
        title: c.title.clone(),
        organization: c.organization.clone(),
        language: c.language.clone(),
        domain: c.site_domain.clone().unwrap_or_default(),
        site_code: c.footer.site_code.clone().unwrap_or_default(),
        column_name: c.column.name.clone(),
        column_type: c.column.kind.clone(),
        base_url: c.base_url.clone(),
        footer: c.footer.clone(),
        withheld_note: c.withheld_note.clone(),
        editions: editions.iter().rev().map(|e| edition_link(e)).collect(),
        reports: editions
            .iter()
            .rev()
            .filter(|e| report_published(e.year))
            .filter_map(|e| {
                let n = e.nianbao.as_ref().filter(|n| {
                    drafts || n.page.front.status != crate::model::config::Status::Draft
                })?;
                Some(EditionLink {
                    year: e.year,
                    work_report: false,
                    title: n.page.front.title.clone(),
                    url: format!("{}/{}", e.year, crate::model::nianbao::PAGE),
                    published: n.page.front.published.chinese(),
                    summary: n.page.front.summary.clone(),
                })
            })
            .collect(),
    }
}

pub fn edition_link(e: &Edition) -> EditionLink {
    EditionLink {
        year: e.year,
        title: e.front().title.clone(),
        url: e.url(),
        work_report: e.report.is_some(),
        published: e.front().published.chinese(),
        summary: e.front().summary.clone(),
    }
}

pub fn meta_rows(e: &Edition) -> Vec<MetaRow> {
    report_meta_rows(e.front())
}

/// The 政府信息公开 metadata table of a document with report front matter.
pub fn report_meta_rows(f: &crate::model::config::ReportFront) -> Vec<MetaRow> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        MetaRow {
            label: "索引号",
            value: f.index_no.clone(),
        },
        MetaRow {
            label: "信息名称",
            value: f.title.clone(),
        },
        MetaRow {
            label: "发布机构",
            value: f.publisher.clone(),
        },
        MetaRow {
            label: "成文日期",
            value: f.written.map(|d| d.to_string()).unwrap_or_default(),
        },
        MetaRow {
            label: "发布日期",
            value: f.published.to_string(),
        },
        MetaRow {
            label: "文号",
            value: opt(&f.doc_no),
        },
        MetaRow {
            label: "主题分类",
            value: f.category.clone(),
        },
        MetaRow {
            label: "公开方式",
            value: f.disclosure.clone(),
        },
        MetaRow {
            label: "公开范围",
            value: f.scope.clone(),
        },
        MetaRow {
            label: "有效性",
            value: opt(&f.validity),
        },
    ]
}

pub fn indicator_url(year: i32, id: &str) -> String {
    format!("{year}/indicators/{id}.html")
}

pub fn status(ind: &Indicator) -> String {
    match (ind.target.is_some(), ind.target_met()) {
        (false, _) => String::new(),
        (true, Some(true)) => "完成".into(),
        (true, Some(false)) => "未完成".into(),
        (true, None) => "—".into(),
    }
}

/// The period a figure covers: as stated, or the edition's year.
pub fn period(edition: &Edition, ind: &Indicator) -> String {
    ind.period
        .clone()
        .unwrap_or_else(|| format!("{}年", edition.year))
}

pub fn indicator_row(site: &Site, edition: &Edition, ind: &Indicator) -> IndicatorRow {
    let style = &site.config.numbers;
    IndicatorRow {
        id: ind.id.clone(),
        name: ind.name.clone(),
        unit: format::unit(ind, style),
        value: format::figure(ind.value, ind, style),
        target: ind
            .target
            .map(|t| format::figure(t, ind, style))
            .unwrap_or_default(),
        completion: ind
            .completion_rate()
            .map(|c| format::percent(c, style))
            .unwrap_or_default(),
        status: status(ind),
        period: period(edition, ind),
        source: ind.source.clone().unwrap_or_default(),
        url: indicator_url(edition.year, &ind.id),
        withheld: ind.value == Figure::Withheld || ind.target == Some(Figure::Withheld),
    }
}

pub fn sections(site: &Site, edition: &Edition) -> Vec<SectionView> {
    edition
        .sections
        .iter()
        .map(|s| SectionView {
            id: s.id.clone(),
            title: s.title.clone(),
            has_targets: s
                .indicators
                .iter()
                .any(|i| i.target.is_some() || i.completion.is_some()),
            indicators: s
                .indicators
                .iter()
                .map(|i| indicator_row(site, edition, i))
                .collect(),
        })
        .collect()
}

/// Headings for the table of contents: the narrative's h2/h3 and the overview table.
pub fn toc(headings: &[Heading]) -> Vec<Heading> {
    headings.iter().filter(|h| h.level <= 3).cloned().collect()
}
