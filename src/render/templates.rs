//! The one minijinja `Environment` of a build: theme templates (overrides over the embedded
//! default), every narrative page compiled as a template, the narrative functions, strict
//! undefined variables, and auto-escaping by extension (`.svg` included, `.md` not).

use crate::diagnostic::Diagnostic;
use crate::model::theme::Theme;
use crate::model::Site;
use crate::source::FileId;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::collections::HashMap;

/// Prints a value into a template. Strings in HTML and SVG are escaped by
/// `escape::write_escaped_html`, as strings built in code are; minijinja's default also
/// writes every `/` as `&#x2f;`, which HTML does not need and which tripled the length of
/// every link on a page.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        // per_version()'s text made into a plain string (sliced, filtered) would lose its
        // markers to the escaping, and the 关怀版 its own head, unseen.
        Some(text) if !value.is_safe() && super::versions::holds_marker(text) => Err(
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, super::versions::CUT),
        ),
        Some(text) if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() => {
            Ok(crate::html::escape::write_escaped_html(out, text)?)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Template instructions one render may run. A narrative is a page of prose with a few loops;
/// a `{% for %}` nested over `range(100000)` twice would run for hours and hang `serve`. This
/// stops it in about a second, while the edition page of a 10,000-indicator edition (the
/// largest page a real site has) renders well within it.
const FUEL: u64 = 50_000_000;

/// Template names of narrative pages map back to their file and the body's byte offset.
#[derive(Debug, Default)]
pub struct TemplateOrigins {
    origins: HashMap<String, (FileId, usize)>,
}

/// Builds the environment; every template is compiled now, so syntax errors surface at once.
pub fn environment(
    site: &Site,
    theme: &Theme,
) -> Result<(Environment<'static>, TemplateOrigins), Vec<Diagnostic>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        let ext = name.rsplit('.').next().unwrap_or("");
        match ext {
            "html" | "htm" | "xml" | "svg" => AutoEscape::Html,
            _ => AutoEscape::None,
        }
    });
    env.set_formatter(format_value);
    env.set_fuel(Some(FUEL));
    crate::narrative::register(&mut env);
    // The parts of a page that differ between the standard page and its 关怀版.
    env.add_function("per_version", super::versions::per_version);
    let mut origins = TemplateOrigins::default();
    let mut errors = Vec::new();
    for (name, (text, file)) in &theme.templates {
        if let Some(file) = file {
            origins.origins.insert(name.clone(), (*file, 0));
        }
        if let Err(e) = env.add_template_owned(name.clone(), text.clone()) {
            errors.push(template_error(site, &origins, &e));
        }
    }
    for edition in &site.editions {
        for (body, start, file) in edition.narratives() {
            let name = narrative_name(site, file);
            origins.origins.insert(name.clone(), (file, start));
            if let Err(e) = env.add_template_owned(name, body.to_string()) {
                errors.push(template_error(site, &origins, &e));
            }
        }
    }
    if errors.is_empty() {
        Ok((env, origins))
    } else {
        Err(errors)
    }
}

/// The template name of a narrative file: its path, so errors name it.
pub fn narrative_name(site: &Site, file: FileId) -> String {
    site.sources
        .get(file)
        .path
        .to_string_lossy()
        .replace('\\', "/")
}

/// Turns a minijinja error into a diagnostic pointing into the narrative or theme file.
pub fn template_error(
    site: &Site,
    origins: &TemplateOrigins,
    outer: &minijinja::Error,
) -> Diagnostic {
    // An error inside an included or extended template arrives wrapped ("could not render
    // include"); the innermost one names the file and position the user must fix.
    let mut err = outer;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(outer);
    while let Some(c) = cause {
        if let Some(inner) = c.downcast_ref::<minijinja::Error>() {
            err = inner;
        }
        cause = c.source();
    }
    let detail = err.detail().unwrap_or("").to_string();
    let kind = err.kind().to_string();
    let message = if detail.is_empty() {
        format!("template error: {kind}")
    } else {
        format!("template error: {kind}: {detail}")
    };
    let help = match err.kind() {
        minijinja::ErrorKind::UnknownFunction => format!(
            "the narrative functions are {}; check the spelling",
            crate::narrative::FUNCTIONS
                .iter()
                .map(|f| format!("{f}(\"id\")"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        minijinja::ErrorKind::UndefinedError => {
            "the variable does not exist in this template's context; check its name".into()
        }
        minijinja::ErrorKind::SyntaxError => {
            "check the {{ … }} and {% … %} tags: each must be closed, and strings quoted".into()
        }
        minijinja::ErrorKind::OutOfFuel => format!(
            "rendering this page took more than {FUEL} template steps, far more than any report needs: a loop (e.g. over range()) is too large; make it smaller"
        ),
        _ => "fix the template at this position".into(),
    };
    let name = err.name().unwrap_or("");
    let d = Diagnostic::error("E006", message).help(help);
    match origins.origins.get(name) {
        Some(&(file, start)) => {
            let src = site.sources.get(file);
            match (err.range(), err.line()) {
                (Some(r), _) => d.at_span(&site.sources, file, start + r.start, start + r.end),
                (None, Some(line)) => {
                    let (first_line, _) = src.line_col(start);
                    d.at(file, first_line + line - 1, 1, 1)
                }
                _ => d.at(file, src.line_col(start).0, 1, 1),
            }
        }
        None => {
            let mut d = d;
            d.message = format!(
                "{} (in theme template `{name}`, line {})",
                d.message,
                err.line().unwrap_or(0)
            );
            d
        }
    }
}
