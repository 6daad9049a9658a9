//! Loading a project from disk into the `Site` model (`load`), and the model itself (`model`).

mod load;
mod model;
pub(crate) mod publishable;

pub(crate) use load::{find_nth_value, split_front_matter};
pub use load::{load, load_with, ParseCache};
pub use model::*;
