//! Attest: an embedded, typed, provenance-first knowledge-graph store for
//! facts extracted from news.
//!
//! [`Graph`] is the handle: open a store on disk ([`Graph::open`]) or in
//! memory ([`Graph::in_memory`], [`Graph::in_memory_with`] for a typed
//! one), write through schema-checked transactions ([`Graph::write`]), load
//! fact files ([`facts::load_file`], [`facts::load_article`]), look facts
//! up by key ([`Graph::node_by_key`]), follow relationships by type and
//! direction ([`Graph::neighbours`]) and read the sentences behind any
//! node or relationship ([`Graph::evidence`]). `Graph` is `Send + Sync`:
//! share it behind an `Arc`, many readers and one writer at a time.
//!
//! ```
//! use attest::Graph;
//! use attest::db::OpenOptions;
//! use attest::model::{Direction, ElementId};
//!
//! let graph = Graph::in_memory_with(OpenOptions::default()); // the news schema
//! attest::facts::load_article(&graph)?;
//!
//! // Who carried out the first strike, and which sentence says so?
//! let strike = graph.node_by_key("strike1").expect("a fact key of data/article.facts");
//! let agents = graph.neighbours(strike.id, Some("AGENT"), Direction::Outgoing);
//! let (agent_rel, russia) = &agents[0];
//! assert_eq!(russia.property("name").as_str(), Some("Russia"));
//! let evidence = graph.evidence(ElementId::Rel(agent_rel.id))?;
//! assert!(evidence.iter().any(|e| e.text.as_deref().is_some_and(|t| t.contains("Su-34"))));
//! # Ok::<(), attest::Error>(())
//! ```
//!
//! The layers, and how a query and a write flow through them, are in
//! `docs/ARCHITECTURE.md`; the data model and the fact-file format in
//! `docs/data-model.md`; `examples/embed.rs` embeds the engine in a tool.
#![deny(unsafe_code)]
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

pub use db::Graph;
pub use error::{Error, ErrorClass, Position, QueryError, Result};
/// The petgraph whose visit traits [`graph::GraphIndex`] implements: its
/// algorithms run over a snapshot's index without a copy, and using them
/// through this path keeps the versions matched.
pub use petgraph;
