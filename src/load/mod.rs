//! From a file on disk to the decoded [`table::EvalTable`].

pub mod cell_sets;
pub mod column_chunks;
pub mod compact;
pub mod dictionary_text;
pub mod encode;
pub mod file_hash;
pub mod float_columns;
pub mod graded;
pub mod harness;
pub mod kept_frame;
pub mod narrow_integers;
pub mod open;
pub mod preview;
pub mod read;
pub mod roles;
pub mod scores;
pub mod table;
pub mod text;
pub mod text_features;

pub use open::load;
pub use roles::{Mapping, Task};
pub use table::{EvalTable, LoadOptions, Loaded};
