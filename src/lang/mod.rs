//! The query language: value semantics and built-in functions.

pub mod functions;
pub mod values;
