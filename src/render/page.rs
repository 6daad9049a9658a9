//! One page in its two versions (standard and 关怀版) from one render of a theme template, the page head
//! every template gets, and a narrative page through minijinja, Markdown and the narrative
//! functions.

use super::templates;
use super::versions::{self, PageVersions};
use super::view::{ArticleMeta, Link, PageHead};
use super::{Ctx, Files};
use crate::diagnostic::Diagnostic;
use crate::model::Edition;
use crate::narrative::withheld::{find, known_in, mask_comments, published_text};
use crate::narrative::{self, markdown};
use minijinja::value::Serde;
use minijinja::{context, Value};

/// Renders the page at `path` with `template` once for both versions: the standard page, and
/// its 关怀版 copy at `care/<path>`, which differs in the theme's `per_version` parts (head and
/// toggle, see [`super::versions`]) and whose links to anything but pages lead to the
/// standard files. `value` gets the page head and gives the template's context.
pub(crate) fn render_page(
    ctx: &Ctx,
    template: &str,
    path: &str,
    head: impl Fn(bool) -> Value,
    value: impl Fn(Value) -> Value,
) -> Result<Files, Diagnostic> {
    let page = PageVersions::both(head(false), head(true), &value(Value::UNDEFINED));
    let both = render_versions(
        ctx,
        template,
        &page,
        value(Value::from_dyn_object(page.clone())),
    )?;
    let (standard, care) = versions::split(&both).map_err(|e| version_error(ctx, template, &e))?;
    let care = crate::html::care::care_copy(&care, path, ctx.site.config.base_url.as_deref());
    Ok(vec![
        (path.to_string(), standard.into_bytes()),
        (format!("care/{path}"), care.into_bytes()),
    ])
}

/// Renders `template` whose `page` is `page`; an undefined `page.care` or `page.counterpart`
/// (read outside a `per_version` part) says where they may be read.
pub(crate) fn render_versions(
    ctx: &Ctx,
    template: &str,
    page: &PageVersions,
    value: Value,
) -> Result<String, Diagnostic> {
    render_string(ctx, template, value).map_err(|mut d| {
        if page.asked_for_version() && d.message.contains("undefined") {
            d.help = Some(
                "`page.care` and `page.counterpart` differ between the standard page and its 关怀版, and are defined only in the parts the theme prints once per version: print the template that uses them with {{ per_version(\"partials/name.html\") }} (README, Themes)"
                    .into(),
            );
        }
        d
    })
}

/// The page's `per_version` text was altered before it was printed: only a project's theme
/// can do that, so the first `per_version(` of its templates is where to look.
fn version_error(ctx: &Ctx, template: &str, e: &minijinja::Error) -> Diagnostic {
    let d = Diagnostic::error(
        "E006",
        format!(
            "template error: the page made with theme template `{template}`: {}",
            e.detail().unwrap_or_default()
        ),
    )
    .help("print what per_version() returns as it is, without a filter or a slice: {{ per_version(\"partials/head.html\") }}");
    let call = "per_version(";
    let sources = &ctx.site.sources;
    let first = ctx.site.theme.templates.values().find_map(|(text, file)| {
        let at = text.find(call)?;
        Some((file.as_ref()?, at))
    });
    match first {
        Some((&file, at)) => d.at_span(sources, file, at, at + call.len() - 1),
        None => d,
    }
}

pub(crate) fn render_template(ctx: &Ctx, name: &str, value: Value) -> Result<Vec<u8>, Diagnostic> {
    render_string(ctx, name, value).map(String::into_bytes)
}

fn render_string(ctx: &Ctx, name: &str, value: Value) -> Result<String, Diagnostic> {
    ctx.env
        .get_template(name)
        .and_then(|t| t.render(value))
        .map_err(|e| templates::template_error(ctx.site, ctx.origins, &e))
}

/// Head data of the page written at `path` (relative to the output folder).
pub(crate) fn head(
    ctx: &Ctx,
    care: bool,
    title: &str,
    path: &str,
    article: Option<ArticleMeta>,
    breadcrumbs: Vec<Link>,
) -> Value {
    let depth = path.matches('/').count();
    let root = "../".repeat(depth);
    Value::from(Serde(PageHead {
        // A frozen page is copied as it is into both versions of the site, so it cannot
        // know which one it sits in: it offers no switch.
        counterpart: if ctx.freezing.is_some_and(|f| f.note_for(path).is_some()) {
            String::new()
        } else if care {
            format!("{root}../{path}")
        } else {
            format!("{root}care/{path}")
        },
        care,
        title: title.to_string(),
        article,
        breadcrumbs,
        canonical: ctx
            .site
            .config
            .base_url
            .as_ref()
            .map(|base| format!("{}/{path}", base.trim_end_matches('/'))),
        archived: ctx.freezing.and_then(|f| f.note_for(path)),
        search: format!("{root}{}", search_page(ctx, path)),
        root,
    }))
}

/// The search page for the page at `path`, relative to the site root: the edition's own
/// inside an edition folder, the site-wide one elsewhere.
pub(crate) fn search_page(ctx: &Ctx, path: &str) -> String {
    match path.split_once('/') {
        Some((dir, _)) if ctx.editions.iter().any(|e| e.year.to_string() == dir) => {
            format!("{dir}/search.html")
        }
        _ => "search.html".to_string(),
    }
}

/// A narrative page rendered: sanitised HTML with figures in place, and its headings.
pub(crate) struct Narrative {
    pub(crate) html: String,
    pub(crate) headings: Vec<markdown::Heading>,
    pub(crate) has_withheld: bool,
    pub(crate) problems: Vec<Diagnostic>,
}

pub(crate) fn render_narrative(
    ctx: &Ctx,
    edition: &Edition,
    file: usize,
) -> Result<Narrative, Diagnostic> {
    ctx.timings
        .narrative
        .time(|| render_narrative_untimed(ctx, edition, file))
}

fn render_narrative_untimed(
    ctx: &Ctx,
    edition: &Edition,
    file: usize,
) -> Result<Narrative, Diagnostic> {
    let name = templates::narrative_name(ctx.site, file);
    let md = ctx
        .env
        .get_template(&name)
        .and_then(|t| t.render(context! { year => edition.year }))
        .map_err(|e| templates::template_error(ctx.site, ctx.origins, &e))?;
    let (html, headings) = markdown::render(&md);
    let mut problems = withheld_on_page(ctx, edition, file, &html);
    let chart = |ind: &crate::model::Indicator| {
        let hc = super::chart_data::history_chart(ctx, edition, ind);
        narrative::figure::ChartSummary {
            drawn: hc.worth_drawing(),
            desc: hc.desc,
        }
    };
    let sub = narrative::substitute(&html, ctx.site, edition, ctx.preview, &chart);
    problems.extend(sub.problems.iter().map(|problem| {
        Diagnostic::error(narrative::FUNCTION_ERROR, format!("narrative: {problem}"))
            .at(file, 1, 1, 1)
            .help(
                "the id comes from template logic; make sure it names an indicator of this edition",
            )
    }));
    Ok(Narrative {
        html: sub.html,
        headings,
        has_withheld: sub.has_withheld,
        problems,
    })
}

/// E021 for a withheld figure (of this edition or an earlier one) that the page shows once
/// templates and Markdown made it, though its source does not: `{{ 876542 + 1 }}`,
/// `876**5**43`, `&#56;76543`, `876<!-- -->543`. `html` is the sanitised narrative before
/// the narrative functions print their figures, which are published by right and not seen
/// here. A figure the source shows is validation's to report, with its position.
fn withheld_on_page(ctx: &Ctx, edition: &Edition, file: usize, html: &str) -> Vec<Diagnostic> {
    let site = ctx.site;
    let known = known_in(ctx.secrets, edition.year);
    if known.is_empty() {
        return Vec::new();
    }
    let shown = published_text(&narrative::replace_tokens(html, "\n"));
    let leaks = find(&shown, &known);
    if leaks.is_empty() {
        return Vec::new();
    }
    let text = &site.sources.get(file).text;
    let body_start = edition
        .narratives()
        .find(|&(_, _, f)| f == file)
        .map_or(0, |(_, start, _)| start.min(text.len()));
    let written = find(&mask_comments(&text[body_start..]), &known);
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for leak in leaks {
        let secret = leak.secret;
        if written.iter().any(|w| w.secret.id == secret.id) || done.contains(&secret.id) {
            continue;
        }
        done.push(secret.id);
        let digits = match secret.value.abs() {
            v if v.fract() == 0.0 => format!("{v:.0}"),
            v => v.to_string(),
        };
        let d = Diagnostic::error(
            "E021",
            format!(
                "the page shows the withheld value of `{}` ({} edition), made by template logic or markup",
                secret.id, secret.year
            ),
        )
        .help("a figure computed, joined or encoded in the narrative (`{{ 876542 + 1 }}`, `876**5**43`, `&#56;76543`) is published all the same: take it out, and print withheld figures with value(), which shows *");
        out.push(match text[body_start..].find(&digits) {
            Some(at) => d.at_span(
                &site.sources,
                file,
                body_start + at,
                body_start + at + digits.len(),
            ),
            None => d.at(file, 1, 1, 1),
        });
    }
    out
}
