//! `gongkai build`: load → validate → render → write, refusing to write on any error.

use crate::cli::BuildArgs;
use crate::diagnostic::Diagnostics;
use crate::model::Site;
use crate::render::{render, RenderOptions};
use crate::source::Sources;
use crate::write::Output;
use crate::Failure;
use std::time::Instant;

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
        crate::load::load_with(root, options.cache.as_ref().map(|c| &c.parsed))
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
    let (rendered, render_time) = crate::timings::timed(|| render(&site, options));
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
                .map(|f| format!("{}/{}", f.year, crate::archive::MANIFEST))
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

pub fn run(args: &BuildArgs) -> Result<String, Failure> {
    let started = Instant::now();
    let out_dir = if args.out.is_absolute() {
        args.out.clone()
    } else {
        args.root.join(&args.out)
    };
    let cannot_write =
        |e: std::io::Error| Failure::Io(format!("cannot write {}: {e}", out_dir.display()));
    // Before anything is rendered: a mistyped --out must not replace the project, a theme
    // or a folder gongkai did not write.
    if args.root.join("content").is_dir() {
        crate::write::staging::check_site_output(&args.root, &out_dir)
            .map_err(|r| Failure::Io(r.to_string()))?;
    }
    // Pages go to disk as they are rendered, into a folder that replaces the output only
    // when the whole build succeeded. Column mode reads the rendered pages again, so it
    // keeps them in memory.
    let stage = if args.fragments || !args.root.join("content").is_dir() {
        None
    } else {
        Some(std::sync::Arc::new(
            crate::write::staging::Staging::new(&out_dir, true).map_err(cannot_write)?,
        ))
    };
    let options = RenderOptions {
        drafts: args.drafts,
        stage: stage.clone(),
        ..RenderOptions::default()
    };
    let (mut output, site, warnings) = build_site(&args.root, &options, args.base_url.clone())?;
    let mut files = crate::write::unshare(std::mem::take(&mut output.files));
    let fragments = if args.fragments {
        let f = crate::fragments::render(&site, &options, &files)
            .map_err(|d| Failure::Content(site.sources.clone(), d))?;
        let summary = (f.pages, f.zips);
        files.extend(f.files);
        Some(summary)
    } else {
        None
    };
    let sources = site.sources;
    let (written, write_time) = crate::timings::timed(|| match &stage {
        Some(stage) => stage.commit(&files),
        None => crate::write::staging::Staging::new(&out_dir, true).and_then(|s| s.commit(&files)),
    });
    let leftover = written.map_err(cannot_write)?;
    let mut report = warnings.render(&sources);
    if let Some(warning) = leftover {
        report.push_str(&format!("warning: {warning}\n"));
    }
    for note in &output.notes {
        report.push_str(note);
        report.push('\n');
    }
    report.push_str(&format!(
        "built {} edition(s), {} page(s), {} chart(s) into {} in {:.2}s\n",
        output.editions,
        output.pages,
        output.charts,
        out_dir.display(),
        started.elapsed().as_secs_f64()
    ));
    if let Some((pages, zips)) = fragments {
        report.push_str(&format!(
            "column mode: {pages} fragment(s) and {zips} ZIP(s) in {}\n",
            out_dir.join(crate::fragments::DIR).display()
        ));
    }
    if args.timings {
        let mut timings = output.timings;
        timings.write = write_time;
        report.push_str(&timings.report());
    }
    Ok(report)
}
