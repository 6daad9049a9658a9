//! What the preview adds to pages at response time, and only there: the live-reload script,
//! the error overlay, the draft banner, the warnings panel, and the review page.
//! Every user-provided text is HTML-escaped here; diagnostics quote source lines verbatim.

use super::Status;
use crate::html::escape::escape_html;
use crate::model::format;
use crate::model::{Edition, Indicator, Site};
use std::fmt::Write as _;

/// Where tabs listen for rebuilds (Server-Sent Events, same origin).
pub const EVENTS_PATH: &str = "__gongkai/events";
/// The review page: every indicator of every edition.
pub const REVIEW_PATH: &str = "__gongkai/review";

/// The banner on every page showing unpublished content.
pub const DRAFT_BANNER: &str = "草稿 · 未公开";

/// Output paths showing unpublished content: draft editions' folders, draft pages, and the
/// home page when it lists a draft edition.
pub fn drafts(site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    for e in &site.editions {
        if e.is_draft() {
            out.push(format!("{}/", e.year));
            continue;
        }
        for p in &e.pages {
            if p.front.status == crate::model::config::Status::Draft {
                out.push(format!("{}/{}.html", e.year, p.slug));
            }
        }
    }
    if site.editions.iter().any(Edition::is_draft) {
        out.push("index.html".into());
    }
    out
}

/// The overlay listing the diagnostics of a failed rebuild, as one element (also sent whole
/// over the event stream, so the script can swap it in).
pub fn overlay(diagnostics: &str) -> String {
    format!(
        "<div id=\"gongkai-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
overflow:auto;background:rgba(24,24,24,.94);color:#fff;padding:1.5em;font:14px/1.5 monospace\">\
<p style=\"margin:0 0 1em;font-weight:bold;color:#ff8a80\">构建失败：修正下列错误后页面自动刷新（下方仍是上次成功构建的版本）\
<button type=\"button\" onclick=\"this.closest('#gongkai-overlay').remove()\" \
style=\"float:right\">隐藏</button></p>\
<pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
        escape_html(diagnostics)
    )
}

/// The script that follows rebuilds: `reload` refreshes the tab, `diagnostics` shows the
/// overlay. It connects with the generation the page was served at, so a rebuild that
/// happened while the page loaded is not missed.
fn script(generation: u64) -> String {
    format!(
        "<script>(function(){{var es=new EventSource(\"/{EVENTS_PATH}?since={generation}\");\
es.addEventListener(\"reload\",function(){{es.close();location.reload();}});\
es.addEventListener(\"diagnostics\",function(e){{var o=document.getElementById(\"gongkai-overlay\");\
if(!o){{o=document.createElement(\"div\");document.body.appendChild(o);}}\
o.outerHTML=JSON.parse(e.data);}});}})();</script>"
    )
}

/// `html` with the preview additions for the page at `path` (relative to the site root).
pub fn inject(html: &[u8], path: &str, status: &Status) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let site = status.site.as_deref();
    let mut top = String::new();
    if site.is_some_and(|s| s.is_draft(path)) {
        let _ = write!(
            top,
            "<div id=\"gongkai-draft\" role=\"note\" style=\"background:#b71c1c;color:#fff;\
text-align:center;padding:.4em;font-weight:bold;letter-spacing:.2em\">{DRAFT_BANNER}</div>"
        );
    }
    let mut bottom = String::new();
    if let Some(error) = &status.error {
        bottom.push_str(&overlay(error));
    }
    let _ = write!(
        bottom,
        "<div id=\"gongkai-tools\" style=\"position:fixed;left:0;bottom:0;z-index:2147483646;\
background:#263238;color:#fff;font:13px/1.6 sans-serif;padding:.2em .6em;max-width:100%\">\
预览 · <a href=\"/{REVIEW_PATH}\" style=\"color:#80d8ff\">指标审阅</a>"
    );
    if let Some(warnings) = site.map(|s| &s.warnings).filter(|w| !w.is_empty()) {
        let _ = write!(
            bottom,
            "<details id=\"gongkai-warnings\"><summary>{} 条提示</summary>\
<pre style=\"white-space:pre-wrap;max-height:40vh;overflow:auto\">{}</pre></details>",
            warnings.len(),
            escape_html(&warnings.concat())
        );
    }
    bottom.push_str("</div>");
    bottom.push_str(&script(status.generation));

    let mut out = String::with_capacity(html.len() + top.len() + bottom.len());
    let body_open = html
        .find("<body")
        .and_then(|b| html[b..].find('>').map(|e| b + e + 1));
    let body_close = html.rfind("</body>").unwrap_or(html.len());
    match body_open {
        Some(at) if at <= body_close => {
            out.push_str(&html[..at]);
            out.push_str(&top);
            out.push_str(&html[at..body_close]);
        }
        _ => {
            out.push_str(&top);
            out.push_str(&html[..body_close]);
        }
    }
    out.push_str(&bottom);
    out.push_str(&html[body_close..]);
    out.into_bytes()
}

/// A page for when nothing has built yet (or the path is unknown): the reload script and,
/// through `inject`, the overlay take it from there.
pub fn plain_page(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
<body><h1>{}</h1><p>{}</p></body></html>",
        escape_html(title),
        escape_html(title),
        escape_html(text)
    )
}

/// The review page: every indicator of every edition, newest first, with its value, last
/// year's value and the change, and every warning of the build.
pub fn review_page(
    site: &Site,
    warnings: &[String],
    diagnostics: &[crate::diagnostic::Diagnostic],
) -> String {
    let style = &site.config.numbers;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>指标审阅_{}</title><style>body{{font:15px/1.6 sans-serif;margin:1em auto;max-width:72em;padding:0 1em}}\
table{{border-collapse:collapse;width:100%;margin-bottom:2em}}th,td{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}\
td.n{{text-align:right;font-variant-numeric:tabular-nums}}code{{font-size:90%}}</style></head><body>\
<h1>指标审阅</h1><p>仅在预览中提供，不会出现在 build 输出中。<a href=\"/index.html\">返回首页</a></p>",
        escape_html(&site.config.title)
    );
    if warnings.is_empty() {
        h.push_str("<p id=\"warnings\">检查无提示。</p>");
    } else {
        let _ = write!(
            h,
            "<details id=\"warnings\" open><summary>{} 条提示</summary><pre>{}</pre></details>",
            warnings.len(),
            escape_html(&warnings.concat())
        );
    }
    for e in site.editions.iter().rev() {
        let prev = site.previous(e.year);
        let _ = write!(
            h,
            "<h2 id=\"e{year}\">{year}年度{draft}</h2><table><thead><tr><th>指标</th><th>编号</th>\
<th>单位</th><th>{year}年</th><th>{prev_year}</th><th>变化</th><th>目标</th><th>定义位置</th><th>提示</th></tr></thead><tbody>",
            year = e.year,
            draft = if e.is_draft() {
                format!("（{DRAFT_BANNER}）")
            } else {
                String::new()
            },
            prev_year = prev.map_or("上年".to_string(), |p| format!("{}年", p.year)),
        );
        let against = findings_by_indicator(site, e, diagnostics);
        let lines = crate::narrative::indicator_lines(site, e);
        let path = e
            .indicators_file
            .map(|f| site.sources.get(f).path.display().to_string())
            .unwrap_or_default();
        for ind in e.indicators() {
            let prev_ind: Option<&Indicator> = prev.and_then(|p| p.indicator(&ind.id));
            let cells = [
                format::figure(ind.value, ind, style),
                prev_ind.map_or("—".into(), |p| format::figure(p.value, p, style)),
                prev_ind
                    .and_then(|p| format::change(ind, p, style))
                    .unwrap_or_else(|| "—".into()),
                ind.target
                    .map_or("—".into(), |t| format::figure(t, ind, style)),
            ];
            let _ = write!(
                h,
                "<tr data-id=\"{id}\"><td>{name}</td><td><code>{id}</code></td><td>{unit}</td>",
                id = escape_html(&ind.id),
                name = escape_html(&ind.name),
                unit = escape_html(&format::unit(ind, style)),
            );
            for c in &cells {
                let _ = write!(h, "<td class=\"n\">{}</td>", escape_html(c));
            }
            let _ = write!(
                h,
                "<td><code>{}</code></td><td>",
                escape_html(&format!(
                    "{path}:{}",
                    lines.get(ind.id.as_str()).copied().unwrap_or(1)
                ))
            );
            for d in against.get(ind.id.as_str()).into_iter().flatten() {
                let _ = write!(
                    h,
                    "<p class=\"finding\">{}[{}] {}</p>",
                    if d.is_error() { "error" } else { "warning" },
                    d.code,
                    escape_html(&d.message)
                );
            }
            h.push_str("</td></tr>");
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</body></html>");
    h
}

/// The findings located in each indicator's block of the edition's indicators.yaml: from its
/// `id:` line to the next `id:` line.
fn findings_by_indicator<'a>(
    site: &Site,
    edition: &crate::model::Edition,
    diagnostics: &'a [crate::diagnostic::Diagnostic],
) -> std::collections::HashMap<String, Vec<&'a crate::diagnostic::Diagnostic>> {
    let Some(file) = edition.indicators_file else {
        return Default::default();
    };
    let text = &site.sources.get(file).text;
    let starts: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let l = l.trim_start().trim_start_matches('-').trim();
            l.strip_prefix("id:").map(|v| {
                (
                    i + 1,
                    v.split(" #")
                        .next()
                        .unwrap_or("")
                        .trim()
                        .trim_matches(['"', '\''])
                        .to_string(),
                )
            })
        })
        .collect();
    let mut out: std::collections::HashMap<String, Vec<&crate::diagnostic::Diagnostic>> =
        std::collections::HashMap::new();
    for d in diagnostics {
        let Some(loc) = d.location.as_ref().filter(|l| l.file == file) else {
            continue;
        };
        if let Some((_, id)) = starts.iter().rev().find(|(line, _)| *line <= loc.line) {
            out.entry(id.clone()).or_default().push(d);
        }
    }
    out
}

/// The event-stream message telling tabs what happened at this status.
pub fn event(status: &Status) -> String {
    match &status.error {
        None => "event: reload\ndata: {}\n\n".to_string(),
        Some(error) => format!(
            "event: diagnostics\ndata: {}\n\n",
            serde_json::to_string(&overlay(error)).unwrap_or_default()
        ),
    }
}
