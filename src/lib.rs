//! gongkai (公开) turns a bureau's YAML indicator data and Markdown narrative into a static
//! government information-disclosure site with an SVG chart for every indicator.
//!
//! The code is layered; a module imports only from layers below it (tests/gongkai/layers.rs
//! enforces it):
//!
//! - `cmd` — one thin command each (build, check, new, archive, verify, bundle, serve, export,
//!   import);
//! - `serve` — the preview server: watch, rebuild through `pipeline`, serve from memory;
//! - `pipeline` — the one owner of a build: load → validate → render → assemble → link
//!   check → write; `cli` — the command-line arguments;
//! - `assemble` — site-wide outputs made from everything rendered: archived editions copied
//!   verbatim, history pages, open data, corrections, site map, feed, 404, fragments;
//! - `render` — editions, pages and indicators through the one minijinja `Environment`, the
//!   views templates see, data files, the incremental cache of `serve`; `validate` — rules
//!   over the model → diagnostics, and the link check over rendered pages;
//! - `narrative` — the narrative functions, Markdown, the `chart()` figure; `chart` — the
//!   SVG charts (plotters stays behind it); `fill` — the fill-in workbook of `export` and
//!   `import` (rust_xlsxwriter and calamine stay behind it);
//! - `load` — the project on disk → the model (serde_yaml stays behind `load::yaml`), and
//!   `archive/` read and checked into a build;
//! - `archive` — checking a folder against its manifest, everything `verify` checks, public
//!   corrections;
//! - `write` — what a build makes (`Output`), the atomic staging folder, ZIP;
//! - `model` — plain data: `Site`, `Edition`, `Indicator`, settings, theme, manifests;
//! - `diagnostic` — one `Diagnostic` type and its printer; `date`, `html` (escaping, the
//!   tokenizer, page links, the 关怀版 rewrite), `source` (texts and line:column), `timings`.

pub(crate) mod archive;
pub(crate) mod assemble;
pub(crate) mod chart;
pub mod cli;
pub(crate) mod cmd;
pub(crate) mod date;
pub mod diagnostic;
pub(crate) mod fill;
pub(crate) mod html;
pub(crate) mod load;
pub mod model;
pub(crate) mod narrative;
pub mod pipeline;
pub mod render;
pub mod serve;
pub(crate) mod source;
pub(crate) mod timings;
pub(crate) mod validate;
pub(crate) mod write;

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
        Command::Export(args) => cmd::export::run(args),
        Command::Import(args) => cmd::import::run(args),
    }
}
