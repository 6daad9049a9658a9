//! Loading a project from disk into the `Site` model (`load`), and the model itself (`model`).

mod load;
mod model;

pub(crate) use load::find_nth_value;
pub use load::load;
pub use model::*;
