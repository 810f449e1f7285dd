//! Fact files.
mod load;
pub use load::*;
