//! HTML as gongkai writes and reads it, the bottom layer every other one may use: escaping for
//! each output context (`escape`), a tokenizer of start tags as a browser reads them (`scan`),
//! the links and ids of a page (`links`) and the 关怀版 rewrite of a page's asset links
//! (`care`), and the search tokenizer and the text of a page as search reads it
//! (`search_tokens`, `search_text`). It imports nothing from the rest of the crate.

pub mod care;
pub mod escape;
pub mod links;
pub(crate) mod page;
pub mod scan;
pub(crate) mod search_index;
pub mod search_text;
pub mod search_tokens;
