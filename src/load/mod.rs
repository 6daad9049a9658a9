//! The load layer: the project on disk → the model. `content` walks content/ (site.yaml, one
//! folder per edition, front matter), `yaml` is the one user of serde_yaml, `theme` lays the
//! project's overrides over the embedded default theme, and `publishable` says which files
//! beside the sources may be published.

pub mod archives;
mod content;
pub(crate) mod form;
mod nianbao;
mod paths;
pub(crate) mod publishable;
mod spans;
pub mod theme;
pub(crate) mod yaml;

pub use content::{load, load_with, Overlay, ParseCache};
pub(crate) use spans::{find_nth_value, split_front_matter, top_level_value};
