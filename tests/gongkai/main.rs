//! Integration tests: the real binary on real projects, assertions on parsed output.

mod support;

mod archive_frozen;
mod archive_integrity;
mod base_url;
mod bounded;
mod care;
mod care_versions;
mod chart_colours;
mod chart_svg;
mod charts;
mod check;
mod codes;
mod editions;
mod errors;
mod fill;
mod fill_excel;
mod fill_guards;
mod fragments;
mod golden;
mod hostile;
mod layers;
mod leaks;
mod links;
mod narrative;
mod nianbao;
mod nianbao_hostile;
mod nianbao_new;
mod nianbao_page;
mod output_rules;
mod pages;
mod readme;
mod search;
mod serve;
mod site;
mod withheld;
