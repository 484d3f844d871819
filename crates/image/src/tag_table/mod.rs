//! A repository's tag table: what each tag's row shows (`summary`), which tags name the same image
//! (`same_digest`), and the orders a reader sorts them in (`order`, with `version_order` and
//! `created_time` for the two that are not plain text).

mod created_time;
mod order;
mod same_digest;
mod summary;
mod version_order;

pub use created_time::created_seconds;
pub use order::{TagOrder, TagRow, sorted};
pub use same_digest::same_as;
pub use summary::{TagNeeds, TagSummary};
pub use version_order::compare_versions;
