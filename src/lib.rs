//! Attest: an embedded, typed, provenance-first knowledge-graph store for
//! facts extracted from news.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod bench;
pub mod cli;
pub mod db;
pub mod error;
pub mod export;
pub mod facts;
pub mod graph;
pub mod import;
pub mod lang;
pub mod model;
pub mod schema;
pub mod storage;

pub use error::{Error, ErrorClass, Position, QueryError, Result};
