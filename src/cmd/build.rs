//! `gongkai build`: the pipeline into the output folder, and its report.

use crate::cli::BuildArgs;
use crate::pipeline::Failure;
use std::time::Instant;

pub fn run(args: &BuildArgs) -> Result<String, Failure> {
    let started = Instant::now();
    let out_dir = if args.out.is_absolute() {
        args.out.clone()
    } else {
        args.root.join(&args.out)
    };
    let published = crate::pipeline::publish(
        &args.root,
        &out_dir,
        args.drafts,
        args.base_url.clone(),
        args.fragments,
        &args.withdraw,
    )?;
    let output = published.output;
    let mut report = published.warnings;
    if let Some(warning) = published.leftover {
        report.push_str(&format!("warning: {warning}\n"));
    }
    for folder in &published.withdrawn {
        report.push_str(&format!(
            "withdrew {folder} from the archived editions: archive/{folder}/ is gone and the site no longer lists it as archived\n"
        ));
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
    if let Some((pages, zips)) = published.fragments {
        report.push_str(&format!(
            "column mode: {pages} fragment(s) and {zips} ZIP(s) in {}\n",
            out_dir.join(crate::assemble::fragments::DIR).display()
        ));
    }
    if args.timings {
        let mut timings = output.timings;
        timings.write = published.write_time;
        report.push_str(&timings.report());
        let s = &output.search;
        report.push_str(&format!(
            "timings (search index, part of render): editions' indexes {:.0} ms CPU over all threads, the others {:.0} ms wall; {} index(es), {} KB in {} chunk(s)\n",
            timings.search.get().as_secs_f64() * 1000.0,
            s.time.as_secs_f64() * 1000.0,
            s.indexes,
            s.bytes.div_ceil(1024),
            s.chunks
        ));
    }
    Ok(report)
}
