//! Thin orchestration of the pipeline for each command.

pub mod archive;
pub mod build;
pub mod bundle;
pub mod check;
pub mod export;
pub mod import;
pub mod new;
pub mod serve;
pub mod verify;
