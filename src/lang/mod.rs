//! The query language: Attest's dialect of openCypher.
//!
//! This layer owns the path from query text to results: parse (text to the
//! [`ast`], pest hidden behind [`parse`]), plan (`plan`: variables to
//! slots, patterns to match steps, filters pushed down), execute (`exec`:
//! rows through operators), with the value semantics ([`values`]) and
//! built-in functions ([`functions`]) of openCypher. [`Graph::query`] and
//! [`PreparedQuery`] are the entry points (`query.rs`). It calls `db` (read
//! snapshots and transactions), `graph`, `schema` and `model`; nothing below
//! it knows the language exists.
//!
//! [`Graph::query`]: crate::db::Graph::query

pub mod ast;
mod exec;
pub mod functions;
mod parser;
pub(crate) use parser::{closing_backquote, closing_quote};
mod plan;
mod query;
pub mod result;
pub mod values;

pub use parser::{
    CALL_LIMIT, MAX_EXPRESSION_DEPTH, MAX_NESTING, Script, parse, parse_expression, parse_script,
};
pub use query::{CancelHandle, Params, PreparedQuery, QueryOptions, execute, execute_in};
pub use result::{NodeValue, QueryResult, RelValue, ResultValue};
