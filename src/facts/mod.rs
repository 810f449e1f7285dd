//! Fact files: the human-readable, citation-carrying input format of Attest.
//!
//! - [`sentences`] numbers the sentences of a document, the numbers that
//!   citations use.

pub mod sentences;

pub use sentences::{SentenceText, split_sentences};
