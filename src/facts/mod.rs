//! Fact files: the human-readable, citation-carrying input format of Attest.
//!
//! A fact file states nodes and relationships in a Cypher-like notation and
//! says, for every one of them, where it comes from: sentences of a declared
//! document (`cites 2, 6[0..40]`) or a note about outside knowledge
//! (`external "…"`). This module owns the format, not its meaning:
//!
//! - [`sentences`] numbers the sentences of a document, the numbers that
//!   citations use;
//! - [`parse_facts`] turns a fact file into the [`FactFile`] AST, with
//!   positions for every fact and property, reporting syntax errors with
//!   line and column;
//! - [`load_file`] / [`load_article`] turn the AST into one graph
//!   transaction (`load.rs`), which checks every fact against the store's
//!   schema (the news ontology of `data/schema.toml` by default).
//!
//! The format is documented for users in `docs/data-model.md`.

pub mod ast;
mod parser;
pub mod sentences;

pub use ast::{Citation, DocumentDecl, FactFile, Item, Name, NodeFact, Property, RelFact, to_properties};
pub use parser::parse_facts;
pub use sentences::{SentenceText, split_sentences};

mod load;
pub use load::{LoadReport, load_article, load_file, load_file_with, load_text};
