//! The model: plain data the load layer fills and every layer above reads. A loaded project
//! (`Site`, `Edition`, `Indicator` …), its settings and front matter (`config`), the theme
//! (`theme`), and how figures print (`format`). Nothing here reads files or renders.

pub mod config;
pub mod format;
pub mod manifest;
pub mod nianbao;
mod site;
pub mod theme;

pub use site::*;
