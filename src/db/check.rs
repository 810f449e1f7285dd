//! The integrity check: every index entry on disk must follow from the
//! primary records, and the in-memory graph must equal them.
//!
//! The primary data are the `N` and `R` records and the `M` counters; the
//! `L`, `U`, `O`, `I` and `K` keyspaces are derived from them by the write
//! paths (`txn.rs`, `bulk.rs`). This module derives them once more, from
//! scratch, and compares key by key and value by value, so a write path
//! that forgets an entry, leaves a stale one or commits half a batch shows
//! up as a named difference. The crash harness runs it after every kill;
//! `attest check` runs it on demand. It reads only; it never repairs.

use super::layout;
use super::{Graph, load_state};
use crate::error::{Error, Result};
use crate::model::ElementId;
use crate::schema::Schema;
use std::collections::BTreeMap;

/// At most this many problems are listed; the rest are only counted.
const MAX_LISTED: usize = 20;

/// What [`Graph::check_integrity`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct IntegrityReport {
    /// Node records on disk.
    pub nodes: usize,
    /// Relationship records on disk.
    pub relationships: usize,
    /// Index entries on disk (labels, unique keys, adjacency, fact keys).
    pub index_entries: usize,
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
            "{} nodes, {} relationships, {} index entries, {} transactions: {}",
            self.nodes,
            self.relationships,
            self.index_entries,
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
    /// Checks the store against itself: every label, unique-key, adjacency
    /// and fact-key entry on disk is exactly the set the node and
    /// relationship records imply (no entry missing, none extra, none with
    /// another value); the id counters lie above every id in use; the log is
    /// numbered 1, 2, … up to the transaction counter; no unfinished import
    /// is left; and the in-memory graph equals the records.
    ///
    /// Returns a report listing every disagreement; an `Err` only when the
    /// store cannot be read at all (a damaged record, say).
    ///
    /// ```
    /// use attest::db::Graph;
    ///
    /// let graph = Graph::in_memory();
    /// graph.query("CREATE (:Actor {name: 'Carter'})-[:MET]->(:Actor {name: 'Begin'})")?;
    /// let report = graph.check_integrity()?;
    /// assert!(report.is_ok(), "{report}");
    /// assert_eq!((report.nodes, report.relationships, report.transactions), (2, 1, 1));
    /// assert_eq!(report.index_entries, 2 + 2); // two label entries, two adjacency entries
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

        // The derived keyspaces, derived again from the records.
        let unique = fresh.schema.as_ref().map(Schema::unique_keys).unwrap_or_default();
        let mut expected: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut fact_key = |report: &mut IntegrityReport, key: &str, id: ElementId| -> Result<()> {
            if expected
                .insert(layout::fact_key(key), layout::encode_element(id)?)
                .is_some()
            {
                report.problem(format!("fact key {key:?} is carried by two elements"));
            }
            Ok(())
        };
        let mut max_node = 0;
        for node in fresh.index.nodes() {
            max_node = max_node.max(node.id.0);
            if let Some(key) = &node.key {
                fact_key(&mut report, key, ElementId::Node(node.id))?;
            }
        }
        let mut max_rel = 0;
        for rel in fresh.index.relationships() {
            max_rel = max_rel.max(rel.id.0);
            if let Some(key) = &rel.key {
                fact_key(&mut report, key, ElementId::Rel(rel.id))?;
            }
        }
        for node in fresh.index.nodes() {
            for label in &node.labels {
                expected.insert(layout::label_key(label, node.id), Vec::new());
            }
            for (label, prop) in &unique {
                if let (true, Some(value)) = (node.has_label(label), node.properties.get(prop)) {
                    let key = layout::unique_key(label, prop, &value.index_key());
                    if expected.insert(key, node.id.0.to_be_bytes().to_vec()).is_some() {
                        report.problem(format!("two {label} nodes have {prop} {value}"));
                    }
                }
            }
        }
        for rel in fresh.index.relationships() {
            let out = layout::adjacency_key(layout::OUT, rel.start, &rel.rel_type, rel.id);
            expected.insert(out, rel.end.0.to_be_bytes().to_vec());
            let inc = layout::adjacency_key(layout::IN, rel.end, &rel.rel_type, rel.id);
            expected.insert(inc, rel.start.0.to_be_bytes().to_vec());
        }

        let mut actual: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut log = Vec::new();
        for item in engine.scan_prefix(&[]) {
            let (key, value) = item?;
            match key.first() {
                Some(&(layout::LABEL | layout::UNIQUE | layout::OUT | layout::IN | layout::FACT_KEY)) => {
                    actual.insert(key, value);
                }
                Some(&layout::TXN) => log.push(key),
                Some(&(layout::NODE | layout::REL)) => {}
                Some(b'M') if key == layout::META_IMPORT => {
                    report.problem("an unfinished bulk import's marker is still present".into());
                }
                Some(b'M') => {}
                _ => report.problem(format!("a key in no known keyspace: {}", shown(&key))),
            }
        }
        report.index_entries = actual.len();
        report.transactions = log.len();
        compare(&expected, &actual, &mut report);

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
            if fresh.index.node(node.id) != Some(node) {
                report.problem(format!("node {} differs between memory and its record", node.id));
            }
        }
        for rel in memory.relationships() {
            if fresh.index.relationship(rel.id) != Some(rel) {
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

/// Lists the entries only one side has, or that differ.
fn compare(
    expected: &BTreeMap<Vec<u8>, Vec<u8>>,
    actual: &BTreeMap<Vec<u8>, Vec<u8>>,
    report: &mut IntegrityReport,
) {
    for (key, value) in expected {
        match actual.get(key) {
            None => report.problem(format!("index entry missing: {}", shown(key))),
            Some(v) if v != value => {
                report.problem(format!("index entry with a wrong value: {}", shown(key)))
            }
            Some(_) => {}
        }
    }
    for key in actual.keys().filter(|k| !expected.contains_key(*k)) {
        report.problem(format!("index entry no record implies: {}", shown(key)));
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
