//! gongkai (公开) turns a bureau's YAML indicator data and Markdown narrative into a static
//! government information-disclosure site with an SVG chart for every indicator.
//!
//! Data flows one way through phases on owned values:
//!
//! 1. **load** (`content`): walkdir + serde_yaml (behind `yaml`) + front matter → a `Site`;
//! 2. **validate** (`validate`): rules → `Diagnostic`s with file:line:column;
//! 3. **render** (`render`): narrative through minijinja (`templates`, `narrative`) then
//!    pulldown-cmark (`markdown`), charts through plotters (`chart`), pages through the theme
//!    (`theme`, `view`), open data (`data`), then archived editions (`archive`, `correction`)
//!    and the site-wide files (`publish`), in parallel; every page in its standard and
//!    关怀版 versions from one view;
//! 4. **write** (`output`): `build` writes each file into a staging folder as it is rendered,
//!    keeping only what the link check needs (`html::links::PageLinks`), and swaps the
//!    folder in atomically once the site rendered and its links resolved; `check` and
//!    `serve` keep the files in memory.
//!
//! `build --fragments` (`fragments`) renders every edition's pages again as content blocks for
//! a portal CMS, with one ZIP (`zipfile`) per edition.
//!
//! `check` is the same pipeline without the write; `serve` (`serve`) runs it on every change,
//! re-rendering only the parts whose inputs changed (`cache`), and serves the result from
//! memory. `timings` backs `build --timings`.

pub mod archive;
pub mod cache;
pub mod chart;
pub mod cli;
pub mod cmd;
pub mod correction;
pub mod data;
pub mod date;
pub mod diagnostic;
pub mod fragments;
pub mod html;
pub mod load;
pub mod model;
pub mod narrative;

pub mod publish;
pub mod render;
pub mod serve;
pub mod source;
pub mod templates;
pub mod timings;
pub mod validate;
pub mod view;
pub mod write;

use cli::{Cli, Command};

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The project has errors (exit code 1); the sources let the printer quote lines.
    Content(source::Sources, diagnostic::Diagnostics),
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

/// Runs one command; returns what to print on success.
pub fn run(cli: &Cli) -> Result<String, Failure> {
    match &cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Archive(args) => cmd::archive::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Bundle(args) => cmd::bundle::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
