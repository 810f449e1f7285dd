//! The integrity check: the store must decode, its pages must hold what
//! their keys say, its counters and log must agree with its records, and
//! the in-memory graph with all its indexes must equal the graph rebuilt
//! from the records.
//!
//! The primary data are the `N` and `R` pages and the `M` counters; every
//! index (labels, unique keys, fact keys, adjacency, label bits) lives in
//! memory and is derived from them on open and kept in step by the write
//! paths (`txn.rs`, `bulk.rs`). This module rebuilds the graph from the
//! store once more and compares record by record and index by index, so a
//! write path that forgets a page, leaves a stale index entry or commits
//! half a batch shows up as a named difference. The crash harness runs it
//! after every kill; `attest check` runs it on demand. It reads only; it
//! never repairs.

use super::layout;
use super::{Graph, load_state};
use crate::error::{Error, Result};
use crate::model::ElementId;
use std::collections::HashMap;

/// At most this many problems are listed; the rest are only counted.
const MAX_LISTED: usize = 20;

/// What [`Graph::check_integrity`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct IntegrityReport {
    /// Node records on disk.
    pub nodes: usize,
    /// Relationship records on disk.
    pub relationships: usize,
    /// Record pages on disk (node pages and relationship pages).
    pub pages: usize,
    /// Entries in the transaction log.
    pub transactions: usize,
    /// Each disagreement found, in words (at most 20 are listed).
    pub problems: Vec<String>,
    /// How many disagreements there were in all.
    pub problem_count: usize,
}

impl IntegrityReport {
    /// True when nothing disagrees.
    pub fn is_ok(&self) -> bool {
        self.problem_count == 0
    }

    fn problem(&mut self, what: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(what);
        }
    }
}

impl std::fmt::Display for IntegrityReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} nodes, {} relationships, {} pages, {} transactions: {}",
            self.nodes,
            self.relationships,
            self.pages,
            self.transactions,
            if self.is_ok() {
                "ok".to_string()
            } else {
                format!("{} problems", self.problem_count)
            }
        )?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        if self.problem_count > self.problems.len() {
            writeln!(f, "  … and {} more", self.problem_count - self.problems.len())?;
        }
        Ok(())
    }
}

impl Graph {
    /// Checks the store against itself and memory: every page decodes and
    /// holds only ids of its range, in order; no element carries a fact key
    /// another one carries, and no two nodes share a unique key's value; the
    /// id counters lie above every id in use; the log is numbered 1, 2, … up
    /// to the transaction counter; no unfinished import is left; no key lies
    /// outside the known keyspaces; and the in-memory graph, with every
    /// index, equals the graph rebuilt from the records.
    ///
    /// Returns a report listing every disagreement; an `Err` only when the
    /// store cannot be read at all (a damaged page, say).
    ///
    /// ```
    /// use attest::db::Graph;
    ///
    /// let graph = Graph::in_memory();
    /// graph.query("CREATE (:Actor {name: 'Carter'})-[:MET]->(:Actor {name: 'Begin'})")?;
    /// let report = graph.check_integrity()?;
    /// assert!(report.is_ok(), "{report}");
    /// assert_eq!((report.nodes, report.relationships, report.transactions), (2, 1, 1));
    /// assert_eq!(report.pages, 2); // one node page, one relationship page
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn check_integrity(&self) -> Result<IntegrityReport> {
        let snap = self.read();
        let engine = self.engine.as_ref();
        let fresh = load_state(engine)?;
        let mut report = IntegrityReport {
            nodes: fresh.index.node_count(),
            relationships: fresh.index.relationship_count(),
            ..IntegrityReport::default()
        };

        // Rules the rebuilt index cannot show by itself: it keeps one
        // element per fact key and lists every holder of a unique value.
        let mut fact_keys: HashMap<&str, ElementId> = HashMap::new();
        for (key, id) in fresh.index.keyed_elements() {
            if let Some(other) = fact_keys.insert(key, id) {
                report.problem(format!("fact key {key:?} is carried by {other:?} and {id:?}"));
            }
        }
        for (label, prop, value, count) in fresh.index.unique_violations() {
            report.problem(format!("{count} {label} nodes have {prop} {value}"));
        }
        let max_node = fresh.index.nodes().map(|n| n.id.0).max().unwrap_or(0);
        let max_rel = fresh.index.relationships().map(|r| r.id.0).max().unwrap_or(0);

        let mut log = Vec::new();
        for item in engine.scan_prefix(&[]) {
            let (key, _) = item?;
            match key.first() {
                Some(&(layout::NODE | layout::REL)) => report.pages += 1,
                Some(&layout::TXN) => log.push(key),
                Some(b'M') if key == layout::META_IMPORT => {
                    report.problem("an unfinished bulk import's marker is still present".into());
                }
                Some(b'M') => {}
                _ => report.problem(format!("a key in no known keyspace: {}", shown(&key))),
            }
        }
        report.transactions = log.len();

        if fresh.next_node <= max_node {
            report.problem(format!("next node id {} is in use", fresh.next_node));
        }
        if fresh.next_rel <= max_rel {
            report.problem(format!("next relationship id {} is in use", fresh.next_rel));
        }
        let numbered: Vec<Vec<u8>> = (1..fresh.next_txn).map(layout::txn_key).collect();
        if log != numbered {
            report.problem(format!(
                "the log holds {} entries, expected transactions 1 to {}",
                log.len(),
                fresh.next_txn.saturating_sub(1)
            ));
        }

        // The in-memory graph must be what the records say.
        let memory = snap.index();
        if let Err(why) = memory.verify() {
            report.problem(format!("in-memory graph: {why}"));
        }
        if let Err(why) = fresh.index.verify() {
            report.problem(format!("graph rebuilt from the records: {why}"));
        }
        if memory.node_count() != fresh.index.node_count()
            || memory.relationship_count() != fresh.index.relationship_count()
        {
            report.problem(format!(
                "memory holds {} nodes and {} relationships, the records {} and {}",
                memory.node_count(),
                memory.relationship_count(),
                fresh.index.node_count(),
                fresh.index.relationship_count()
            ));
        }
        for node in memory.nodes() {
            if !same_record(
                fresh.index.node(node.id).map(|n| n.to_node()).as_ref(),
                &node.to_node(),
            ) {
                report.problem(format!("node {} differs between memory and its record", node.id));
            }
        }
        for rel in memory.relationships() {
            if !same_record(fresh.index.relationship(rel.id).as_ref(), &rel) {
                report.problem(format!(
                    "relationship {} differs between memory and its record",
                    rel.id
                ));
            }
        }
        // A rolled-back transaction leaves the ids it took used up in
        // memory (ids are never reused), so memory may be ahead, never behind.
        if snap.state.next_node < fresh.next_node
            || snap.state.next_rel < fresh.next_rel
            || snap.state.next_txn != fresh.next_txn
        {
            report.problem("the id counters in memory are behind the store's".into());
        }
        Ok(report)
    }

    /// [`Graph::check_integrity`] as a `Result`: the first problems found
    /// become an [`Error::Format`]. Used by tests.
    pub fn verify(&self) -> Result<()> {
        let report = self.check_integrity()?;
        if report.is_ok() {
            Ok(())
        } else {
            Err(Error::Format(format!("integrity check failed: {report}")))
        }
    }
}

/// A key for messages: printable bytes as they are, others in hex.
fn shown(key: &[u8]) -> String {
    key.iter()
        .map(|b| match b {
            0x20..=0x7e => (*b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect()
}

/// True when a record rebuilt from the store is the one in memory. Compared
/// by their encodings, not with `==`: a NaN property is the same value in
/// both, yet never `==` to itself.
fn same_record<T: serde::Serialize>(stored: Option<&T>, in_memory: &T) -> bool {
    let encode = |record: &T| postcard::to_allocvec(record).ok();
    stored.is_some_and(|stored| {
        let (a, b) = (encode(stored), encode(in_memory));
        a.is_some() && a == b
    })
}
