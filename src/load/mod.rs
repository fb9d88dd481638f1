//! From a file on disk to the decoded [`table::EvalTable`].

pub mod encode;
pub mod preview;
pub mod read;
pub mod roles;
pub mod scores;
pub mod table;
pub mod text;

pub use roles::{Mapping, Task};
pub use table::{EvalTable, LoadOptions, Loaded, load};
