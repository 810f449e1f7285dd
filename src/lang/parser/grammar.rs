//! The pest parser generated from `grammar/cypher.pest`. Private to the
//! parser module: nothing outside `lang::parser` sees pest types.

use pest_derive::Parser;

/// The generated parser; its rules are the variants of [`Rule`].
#[derive(Parser)]
#[grammar = "grammar/cypher.pest"]
pub(super) struct CypherParser;
