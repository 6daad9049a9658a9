//! `gongkai check`: the build pipeline without the write, printing every finding.

use crate::cli::CheckArgs;
use crate::render::RenderOptions;
use crate::Failure;

pub fn run(args: &CheckArgs) -> Result<String, Failure> {
    let options = RenderOptions {
        drafts: args.drafts,
        preview: false,
    };
    let (output, sources, warnings) = super::build::build_in_memory(&args.root, &options, None)?;
    if args.strict && !warnings.0.is_empty() {
        return Err(Failure::Content(sources, warnings));
    }
    let mut report = warnings.render(&sources);
    report.push_str(&format!(
        "checked {} edition(s), {} page(s), {} chart(s): no errors\n",
        output.editions, output.pages, output.charts
    ));
    Ok(report)
}
