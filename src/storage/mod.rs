//! Storage: an ordered key-value engine behind a small trait.
//!
//! This layer owns bytes on disk and nothing else: it knows keys and values,
//! not nodes, labels or queries. Two engines implement [`Engine`]: sled (the
//! durable store) and an in-memory B-tree (for `--memory`, tests and
//! conformance runs). Both pass one shared test suite. Nothing above this
//! layer names sled. It calls only `crate::error`.
//!
//! # Contract
//! - [`Engine::apply`] applies a [`WriteBatch`] atomically: after a crash,
//!   either every operation of the batch is visible or none is.
//! - A batch is *durable* once [`Engine::flush`] has returned after it; the
//!   graph layer flushes on every commit (bulk import may defer, documented).
//! - Scans return keys in ascending byte order.
