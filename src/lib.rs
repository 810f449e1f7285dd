//! Attest: an embedded, typed, provenance-first knowledge-graph store for
//! facts extracted from news.
#![forbid(unsafe_code)]

pub mod error;
pub mod lang;
pub mod model;
pub mod storage;

pub use error::{Error, ErrorClass, Position, QueryError, Result};
