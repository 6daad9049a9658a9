//! Command-line arguments (clap derive types only).

use clap::{Parser, Subcommand};
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
    Check(CheckArgs),
    /// Preview the site in a browser while editing it: rebuild on every change, reload open
    /// tabs, show errors over the page. Writes nothing; drafts are included and marked.
    Serve(ServeArgs),
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
    /// Absolute URL the site is published under (overrides site.yaml `base_url`).
    #[arg(long)]
    pub base_url: Option<String>,
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
