//! What the page tells its reader about images, with no I/O: the guided tour and the concepts it teaches,
//! the commands that do the same by hand, share and page links that always say what they point at, and
//! text made safe to show (invisible and bidi characters spelled out, JSON pretty-printed), and sizes in
//! decimal units.

#![warn(missing_docs)]

pub mod concept;
pub mod equivalent_commands;
pub mod file_list_query;
pub mod hex_dump;
pub mod human_size;
pub mod page_link;
pub mod pretty;
pub mod safe_link;
pub mod share_link;
pub mod tour;
pub mod visible_text;
