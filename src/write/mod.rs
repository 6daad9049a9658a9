//! The write layer: what a build makes ([`output`]), the staging folder that replaces the
//! output atomically ([`staging`]), the rules for which folders and files may be replaced
//! ([`rules`]), one file replaced atomically ([`file`]), and the ZIP writer ([`zip`]). It imports only the leaf layers (html, dates, diagnostics).

pub mod file;
pub mod output;
pub mod rules;
pub mod staging;
pub mod zip;

pub(crate) use output::settle;
pub use output::{unshare, Bytes, Output, Settled};
