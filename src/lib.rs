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
pub mod assemble;
pub mod chart;
pub mod cli;
pub mod cmd;
pub mod date;
pub mod diagnostic;
pub mod html;
pub mod load;
pub mod model;
pub mod narrative;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod source;
pub mod timings;
pub mod validate;
pub mod write;

use cli::{Cli, Command};

pub use pipeline::Failure;

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
