//! The query language: Attest's dialect of openCypher.
//!
//! This layer owns the path from query text to results: parse (text to the
//! [`ast`]), then plan, then execute. Parsing depends only on [`crate::model`]
//! (for literal values and directions) and [`crate::error`]; it knows nothing
//! of storage, and the pest grammar behind it is private, so the rest of the
//! crate sees only [`parse`], [`parse_script`], [`parse_expression`] and the
//! typed tree they return.

pub mod ast;
mod parser;

pub use parser::{CALL_LIMIT, MAX_EXPRESSION_DEPTH, MAX_NESTING, parse, parse_expression, parse_script};
