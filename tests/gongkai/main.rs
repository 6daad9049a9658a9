//! Integration tests: the real binary on real projects, assertions on parsed output.

mod support;

mod care;
mod charts;
mod errors;
mod narrative;
mod pages;
mod site;
