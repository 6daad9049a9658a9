//! The assemble layer: the site-wide outputs made after the editions are rendered, from
//! everything rendered so far. The theme's static files, the archived editions copied
//! verbatim (`archived`), every indicator across editions and the open data of everything
//! (`history`), `404.html`, `robots.txt`, the corrections page (`corrections`), the site map,
//! `sitemap.xml` and the feed (`site`), the search pages and indexes (`search`); and column
//! mode's fragments (`fragments`).

mod archived;
mod corrections;
pub mod fragments;
mod history;
mod search;
mod site;

pub use history::history_url;
pub use site::absolute;

use crate::diagnostic::Diagnostic;
use crate::load::archives::Archives;
use crate::render::view::Link;
use crate::render::Ctx;
use crate::write::Output;

/// Adds the site-wide outputs to `out`; returns every error and warning found.
pub(crate) fn assemble(ctx: &Ctx, archives: &Archives, out: &mut Output) -> Vec<Diagnostic> {
    for (name, bytes) in &ctx.site.theme.static_files {
        out.insert(format!("static/{name}"), bytes.clone());
    }
    let mut found = archived::copy_archived(archives, out, ctx.stage);
    history::render_history(ctx, out, &mut found);
    search::render_pages(ctx, archives, out, &mut found);
    site::render_site_pages(ctx, archives, out, &mut found);
    // Last: the indexes read the text of every page made before.
    search::build_indexes(ctx, archives, out, &mut found);
    found
}

fn add(out: &mut Output, files: Vec<(String, Vec<u8>)>) {
    for (path, bytes) in files {
        out.insert(path, bytes);
    }
}

/// The home page's breadcrumb.
fn home() -> Link {
    Link {
        title: "首页".into(),
        url: "index.html".into(),
    }
}
