//! The write layer: what a build makes ([`output`]), the staging folder that replaces the
//! output atomically and the rules for which folders may be replaced ([`staging`]), and the
//! ZIP writer ([`zip`]). It imports only the leaf layers (html, dates, diagnostics).

pub mod output;
pub mod staging;
pub mod zip;

pub(crate) use output::settle;
pub use output::{unshare, Bytes, Output, Settled};
