//! Output documents: the contract's JSON (section 3) and aligned text tables for
//! people. Both are built from engine results only.

pub mod agreement_doc;
pub mod compare_doc;
pub mod metrics_doc;
pub mod slices_doc;
