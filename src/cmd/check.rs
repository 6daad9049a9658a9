//! `gongkai check`: the build pipeline without the write, printing every finding.

use crate::cli::{CheckArgs, Format};
use crate::diagnostic::Diagnostics;
use crate::pipeline::Failure;
use crate::render::RenderOptions;
use crate::source::Sources;

pub fn run(args: &CheckArgs) -> Result<String, Failure> {
    let options = RenderOptions {
        drafts: args.drafts,
        ..RenderOptions::default()
    };
    let result = crate::pipeline::build_in_memory(&args.root, &options, None);
    let (sources, diags, summary) = match result {
        Ok((output, sources, warnings)) => {
            let s = &output.search;
            let summary = format!(
                "search: {} index(es), {} KB in {} chunk(s); one query loads at most {} KB ({}), over every edition at once at most {} KB\n\
                 checked {} edition(s), {} page(s), {} chart(s): no errors\n",
                s.indexes,
                s.bytes.div_ceil(1024),
                s.chunks,
                s.query.div_ceil(1024),
                s.largest,
                s.all_editions_query.div_ceil(1024),
                output.editions,
                output.pages,
                output.charts
            );
            (sources, warnings, Some(summary))
        }
        Err(Failure::Content(sources, diags)) => (sources, diags, None),
        Err(other) => return Err(other),
    };
    let failed = diags.has_errors() || (args.strict && !diags.0.is_empty());
    match args.format {
        Format::Json => {
            let stdout = diags.render_json(&sources);
            if failed {
                Err(Failure::Reported { code: 1, stdout })
            } else {
                Ok(stdout)
            }
        }
        Format::Human if failed => Err(Failure::Content(sources, diags)),
        Format::Human => Ok(human(&sources, &diags, summary.unwrap_or_default())),
    }
}

fn human(sources: &Sources, diags: &Diagnostics, summary: String) -> String {
    let mut out = diags.render(sources);
    out.push_str(&summary);
    out
}
