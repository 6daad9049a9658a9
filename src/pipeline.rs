//! The one owner of a build's sequence, which every command and `serve` run:
//!
//! 1. **load** (`load`) the project into the model (`model`);
//! 2. **validate** (`validate`) it: rules → diagnostics with file:line:column;
//! 3. **render** (`render`) every edition not archived and the home page, in parallel;
//! 4. **assemble** (`assemble`) the site-wide outputs: archived editions copied verbatim,
//!    history pages, open data, corrections, site map, feed, 404;
//! 5. **check links** of every page (`validate::links`);
//! 6. **write** (`write`): `build` streams each file into a staging folder as it is rendered
//!    and swaps it in only when all of the above succeeded; `check` and `serve` keep the
//!    files in memory.
//!
//! It renders even when validation failed, so one run reports template errors and broken
//! links too.

use crate::diagnostic::Diagnostics;
use crate::load::archives::Archives;
use crate::model::Site;
use crate::render::{RenderOptions, Shared};
use crate::source::Sources;
use crate::write::Output;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The project has errors (exit code 1); the sources let the printer quote lines.
    Content(Sources, Diagnostics),
    /// gongkai could not do its work, e.g. the output folder is not writable (exit code 2).
    Io(String),
    /// The command printed its findings itself (e.g. as JSON) and exits with this code.
    Reported { code: i32, stdout: String },
    /// The command refused or found a problem outside the content, e.g. `new` would overwrite
    /// an edition or `verify` found a changed file (exit code 1).
    Refused(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Content(..) | Failure::Refused(_) => 1,
            Failure::Io(_) => 2,
            Failure::Reported { code, .. } => *code,
        }
    }

    pub fn render(&self) -> String {
        match self {
            Failure::Content(sources, diags) => {
                let mut s = diags.render(sources);
                s.push_str("nothing was written; fix the errors above and run again\n");
                s
            }
            Failure::Io(msg) | Failure::Refused(msg) => format!("error: {msg}\n"),
            Failure::Reported { .. } => String::new(),
        }
    }
}

/// Loads, validates and renders the project at `root` in memory.
pub fn build_in_memory(
    root: &std::path::Path,
    options: &RenderOptions,
    base_url: Option<String>,
) -> Result<(Output, Sources, Diagnostics), Failure> {
    build_site(root, options, base_url).map(|(out, site, diags)| (out, site.sources, diags))
}

/// [`build_in_memory`], keeping the loaded site for callers that look at it after rendering
/// (`serve` marks drafts and lists every indicator for review).
pub fn build_site(
    root: &std::path::Path,
    options: &RenderOptions,
    base_url: Option<String>,
) -> Result<(Output, Site, Diagnostics), Failure> {
    if !root.join("content").is_dir() {
        return Err(Failure::Io(format!(
            "no content/ folder in {}: run gongkai in a project folder (one with content/site.yaml), or pass --root DIR",
            root.display()
        )));
    }
    let (loaded, load_time) = crate::timings::timed(|| {
        crate::load::load_with(
            root,
            options.cache.as_ref().map(|c| &c.parsed),
            options
                .overlay
                .as_deref()
                .unwrap_or(&crate::load::Overlay::default()),
        )
    });
    let mut site = loaded.map_err(|(sources, d)| Failure::Content(sources, d))?;
    if let Some(url) = base_url {
        site.config.base_url = Some(url);
    }
    let (mut diags, validate_time) = crate::timings::timed(|| crate::validate::validate(&site));
    // Render even when validation found errors, so one run reports template errors and broken
    // links too. Narrative-function errors found while rendering repeat what validation
    // already said with exact positions, so those are dropped then.
    let validated = !diags.has_errors();
    let (rendered, render_time) = crate::timings::timed(|| render_site(&site, options));
    match rendered {
        Ok(mut out) => {
            out.timings.load = load_time;
            out.timings.validate = validate_time;
            out.timings.render = render_time;
            diags.extend(
                std::mem::take(&mut out.problems)
                    .into_iter()
                    .filter(|d| validated || !crate::narrative::is_function_error(d)),
            );
            diags.extend(std::mem::take(&mut out.warnings));
            let to_come: Vec<String> = options
                .freezing
                .iter()
                .map(|f| format!("{}/{}", f.year, crate::model::manifest::MANIFEST))
                .collect();
            let (broken, links_time) =
                crate::timings::timed(|| crate::validate::links::check(&site, &out, &to_come));
            out.timings.links = links_time;
            diags.extend(broken);
            diags.sort();
            if diags.has_errors() {
                return Err(Failure::Content(site.sources, diags));
            }
            Ok((out, site, diags))
        }
        Err(rendered) => {
            diags.extend(
                rendered
                    .0
                    .into_iter()
                    .filter(|d| validated || !crate::narrative::is_function_error(d)),
            );
            diags.sort();
            Err(Failure::Content(site.sources, diags))
        }
    }
}

/// Steps 3 and 4: the site rendered and assembled in memory (or streamed into the staging
/// folder of `options`), or every error found while rendering.
pub(crate) fn render_site(site: &Site, options: &RenderOptions) -> Result<Output, Diagnostics> {
    // Archived editions are copied from archive/<year>/, never re-rendered.
    let archives = Archives::load(site, options.freezing.as_ref().map(|f| f.year));
    // An annual report written after its edition was archived is not published until the
    // archive is amended (W011 says so): the home page must not link to it.
    let report_published = |year: i32| {
        !archives.contains(year) || archives.has_file(year, crate::model::nianbao::PAGE)
    };
    let shared = Shared::new(site, options, &report_published)?;
    let ctx = shared.ctx(site, options);
    let (mut out, mut diags) =
        crate::render::render_editions(&ctx, options, &|year| archives.contains(year));
    diags.extend(crate::assemble::assemble(&ctx, &archives, &mut out));
    drop(ctx);
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    out.warnings = diags.0;
    out.timings = shared.timings;
    Ok(out)
}

/// What `build` made, for its report.
pub struct Published {
    pub output: Output,
    pub warnings: String,
    /// A staging folder that could not be removed (the build itself succeeded).
    pub leftover: Option<String>,
    /// Column mode: fragments and ZIPs written.
    pub fragments: Option<(usize, usize)>,
    /// Archived folders the previous output listed that were withdrawn (`--withdraw`).
    pub withdrawn: Vec<String>,
    pub write_time: std::time::Duration,
}

/// The whole `build`: steps 1–5, column mode's fragments when asked, then step 6 into
/// `out_dir`, which is replaced only when everything succeeded and only if gongkai may
/// replace it (see `write::staging::check_site_output`).
pub fn publish(
    root: &std::path::Path,
    out_dir: &std::path::Path,
    drafts: bool,
    base_url: Option<String>,
    fragments: bool,
    withdraw: &[String],
) -> Result<Published, Failure> {
    let cannot_write =
        |e: std::io::Error| Failure::Io(format!("cannot write {}: {e}", out_dir.display()));
    // Before anything is rendered: a mistyped --out must not replace the project, a theme
    // or a folder gongkai did not write.
    if root.join("content").is_dir() {
        crate::write::rules::check_site_output(root, out_dir)
            .map_err(|r| Failure::Io(r.to_string()))?;
    }
    // Pages go to disk as they are rendered, into a folder that replaces the output only
    // when the whole build succeeded. Column mode reads the rendered pages again, so it
    // keeps them in memory.
    let stage = if fragments || !root.join("content").is_dir() {
        None
    } else {
        Some(std::sync::Arc::new(
            crate::write::staging::Staging::new(out_dir, true).map_err(cannot_write)?,
        ))
    };
    let options = RenderOptions {
        drafts,
        stage: stage.clone(),
        ..RenderOptions::default()
    };
    // What the site published as archived must still be archived: a deleted or renamed
    // archive folder must not silently turn a frozen edition back into a rendered one.
    let (unfrozen, withdrawn) = crate::load::archives::check_published(root, out_dir, withdraw);
    let (mut output, site, warnings) = match build_site(root, &options, base_url) {
        Err(Failure::Content(sources, mut diags)) => {
            diags.extend(unfrozen);
            diags.sort();
            return Err(Failure::Content(sources, diags));
        }
        Ok((_, site, mut diags)) if !unfrozen.is_empty() => {
            diags.extend(unfrozen);
            diags.sort();
            return Err(Failure::Content(site.sources, diags));
        }
        built => built?,
    };
    let mut files = crate::write::unshare(std::mem::take(&mut output.files));
    let fragments = if fragments {
        let f = crate::assemble::fragments::render(&site, &options, &files)
            .map_err(|d| Failure::Content(site.sources.clone(), d))?;
        let summary = (f.pages, f.zips);
        files.extend(f.files);
        Some(summary)
    } else {
        None
    };
    let (written, write_time) = crate::timings::timed(|| match &stage {
        Some(stage) => stage.commit(&files),
        None => crate::write::staging::Staging::new(out_dir, true).and_then(|s| s.commit(&files)),
    });
    let leftover = written.map_err(cannot_write)?;
    Ok(Published {
        output,
        warnings: warnings.render(&site.sources),
        leftover,
        fragments,
        withdrawn,
        write_time,
    })
}
