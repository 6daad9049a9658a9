//! Command-line arguments (clap derive types only).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// gongkai (公开): YAML indicators + Markdown narrative → a static government information
/// disclosure site with an SVG chart for every indicator.
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default). Nothing is written if any
    /// error is found; the previous output stays as it was.
    Build(BuildArgs),
    /// Load, validate and render everything in memory, print every finding, write nothing.
    /// Exit 0 when clean, 1 on any error (or warning with --strict), 2 when it could not run.
    Check(CheckArgs),
    /// Start next year's edition: copy the latest edition's sections and indicators into
    /// content/<year>/ with every figure left 待填报 and the report's headings, as a draft.
    New(NewArgs),
    /// Freeze a published edition: build it and store its files with a manifest under
    /// archive/<year>/; later builds copy them verbatim. With --amend --note: publish a
    /// correction, keeping the replaced copy as archive/<year>-v<n>/.
    Archive(ArchiveArgs),
    /// Check an archive folder or a built site against its manifest(s); exit 1 on any
    /// changed, missing or extra file.
    Verify(VerifyArgs),
    /// Pack one archived edition into a .tar.gz for handing over: its pages, charts, data,
    /// manifest and the static files they need, every link resolving wherever it is unpacked.
    Bundle(BundleArgs),
    /// Preview the site in a browser while editing it: rebuild on every change, reload open
    /// tabs, show errors over the page. Writes nothing; drafts are included and marked.
    Serve(ServeArgs),
    /// Write an edition's fill-in workbook (xlsx) for the 科室: one sheet per section, a row
    /// per indicator with last year's figures for reference and cells for this year's.
    Export(ExportArgs),
    /// Bring the figures of a filled workbook (xlsx, xls, ods) or CSV into indicators.yaml and
    /// nianbao.yaml, editing only the figures in place, then check the project.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The edition, e.g. 2024.
    pub year: i32,
    /// The workbook to write; default fill-<year>.xlsx under --root. Relative paths are
    /// taken from --root.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The project folder (holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The edition, e.g. 2024.
    pub year: i32,
    /// The filled workbook (xlsx, xls, ods) or a CSV saved from one of its sheets; a
    /// relative path is taken from the current folder.
    pub file: PathBuf,
    /// The project folder (holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print what would change, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The year of the new edition, e.g. 2024.
    pub year: i32,
    /// The project folder (holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// The edition to freeze.
    pub year: i32,
    /// The project folder (holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The freezing date (YYYY-MM-DD); default: the edition's `published` date. With
    /// --amend: the date of the correction; default: today (Beijing time).
    #[arg(long)]
    pub date: Option<String>,
    /// Publish a correction of an archived edition: re-render it, keep the archived copy as
    /// archive/<year>-v<n>/ marked 已更正, and show a 更正说明 box on every changed page.
    #[arg(long, requires = "note")]
    pub amend: bool,
    /// With --amend: what was corrected and why, shown on the pages and on corrections.html.
    #[arg(long, requires = "amend")]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct BundleArgs {
    /// The archived edition to pack.
    pub year: i32,
    /// The project folder (holding content/ and archive/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The file to write; default gongkai-<year>.tar.gz under --root. Relative paths are
    /// taken from --root.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// An archive folder (archive/2023 or archive) or a built site (public); relative paths
    /// are taken from --root.
    #[arg(default_value = "public")]
    pub dir: PathBuf,
    /// The project folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The project folder (holding content/ and optionally themes/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site; relative paths are taken from --root.
    #[arg(long, default_value = "public")]
    pub out: PathBuf,
    /// Include editions and pages whose front matter says `status: draft`.
    #[arg(long)]
    pub drafts: bool,
    /// Absolute URL the site is published under (overrides site.yaml `base_url`): http or
    /// https, with a host, no credentials, query or fragment.
    #[arg(long, value_parser = base_url)]
    pub base_url: Option<String>,
    /// Print the time spent in each phase (load, validate, render, links, write).
    #[arg(long)]
    pub timings: bool,
    /// Column mode: also write every page of every edition as a content block alone (no
    /// header, footer or global CSS; classes and ids prefixed `gk-`) under <out>/fragments/,
    /// with one ZIP per edition, for a portal's 部门信息公开 column.
    #[arg(long)]
    pub fragments: bool,
    /// Withdraw an archived folder (`2023`, `2023-v1`) from the site on purpose: the output's
    /// archived.json lists it, but it was removed from archive/. Without this, such a build
    /// is refused (E043): a deleted or renamed archive must not silently un-freeze an
    /// edition. Repeat it for several folders.
    #[arg(long, value_name = "FOLDER", value_parser = archived_folder)]
    pub withdraw: Vec<String>,
}

fn archived_folder(s: &str) -> Result<String, String> {
    if crate::model::manifest::is_edition_folder(s) {
        Ok(s.to_string())
    } else {
        Err("an archived folder is named <year> or <year>-v<n>, e.g. 2023 or 2023-v1".into())
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The project folder (holding content/ and optionally themes/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// `human` (like a compiler) or `json` (one JSON object per line, for CI systems).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The project folder (holding content/ and optionally themes/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on; 0 picks a free one (the URL printed says which).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on. Anything but loopback shares the preview, drafts included,
    /// with the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of using native file notification (network drives, some
    /// containers and virtual machines).
    #[arg(long)]
    pub poll: bool,
}

/// `--base-url`, refused like any other malformed argument (usage error, exit 2).
fn base_url(url: &str) -> Result<String, String> {
    match crate::model::config::base_url_problem(url) {
        Some(problem) => Err(format!(
            "{problem}; {}",
            crate::model::config::BASE_URL_HELP
        )),
        None => Ok(url.to_string()),
    }
}
