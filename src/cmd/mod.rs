//! Thin orchestration of the pipeline for each command.

pub mod build;
pub mod check;
pub mod serve;
