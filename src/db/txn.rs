//! Write transactions: every change to the graph goes through here.
//!
//! A [`Transaction`] holds the graph's write lock, applies each change to the
//! in-memory index at once (so later reads in the same transaction see it),
//! and remembers the first-touch image of every element it changed. Commit
//! checks the deferred schema rules once, turns the before/after images into
//! one storage batch, and applies it atomically; rollback restores the
//! images. That one mechanism gives atomic statements, multi-statement
//! transactions, the side-effect counts the TCK reads, and the change log.

use super::layout::{self, TxnRecord};
use super::{Graph, State};
use crate::error::{Error, ErrorClass, Position, QueryError, Result};
use crate::graph::{GraphIndex, NodeView};
use crate::model::{
    Direction, ElementId, Node, NodeId, Properties, RelId, RelView, Relationship, Source, Value,
};
use crate::schema::Schema;
use crate::storage::WriteBatch;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::RwLockWriteGuard;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where a change came from, so errors found at commit can still point at
/// the fact or clause that caused them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file the change was written in, if it came from one.
    pub file: Option<String>,
    /// Where in that file (or in the query text), if known.
    pub position: Option<Position>,
}

/// Observable side effects of a transaction, as the openCypher TCK counts
/// them: differences between the graph before and after.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeStats {
    /// Nodes that exist after but not before (the TCK's `+nodes`).
    pub nodes_created: u64,
    /// Nodes that existed before but not after (`-nodes`).
    pub nodes_deleted: u64,
    /// Relationships that exist after but not before (`+relationships`).
    pub relationships_created: u64,
    /// Relationships that existed before but not after (`-relationships`).
    pub relationships_deleted: u64,
    /// Property values present after that were not there before: new
    /// properties, changed values, and the properties of created elements
    /// (`+properties`).
    pub properties_set: u64,
    /// Property values present before that are gone after: removed
    /// properties, overwritten values, and the properties of deleted
    /// elements (`-properties`).
    pub properties_removed: u64,
    /// Labels no node carried before and some node carries after
    /// (`+labels`): counted per label, not per node.
    pub labels_added: u64,
    /// Labels some node carried before and none carries after (`-labels`).
    pub labels_removed: u64,
}

impl ChangeStats {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == ChangeStats::default()
    }
}

/// What a successful commit reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// The transaction number in the store's log (`None` when nothing
    /// changed and nothing was logged).
    pub txn: Option<u64>,
    /// What the transaction changed.
    pub stats: ChangeStats,
}

/// An open write transaction. Dropping it without [`Transaction::commit`]
/// rolls it back.
///
/// Each change is visible to the transaction at once and checked against
/// the schema where it can be; rules that depend on the final state
/// (required properties, unique keys) are checked at commit:
///
/// ```
/// use attest::db::{Graph, OpenOptions};
/// use attest::model::{Properties, Source};
///
/// let graph = Graph::in_memory_with(OpenOptions::default()); // the news schema
/// let cites = vec![Source::sentence("article", 1)];
///
/// let mut tx = graph.begin();
/// let russia = tx.create_node(vec!["Actor".into()], Properties::new(), cites.clone())?;
/// // `name` and `kind` are required, but may be set after the node is created.
/// tx.set_node_property(russia, "name", "Russia".into())?;
/// tx.set_node_property(russia, "kind", "country".into())?;
/// assert_eq!(tx.stats().nodes_created, 1);
/// tx.commit("add Russia")?;
///
/// // A second Actor named Russia breaks the unique key: the commit fails
/// // and writes nothing.
/// let mut tx = graph.begin();
/// let props = Properties::from([
///     ("name".to_string(), "Russia".into()),
///     ("kind".to_string(), "country".into()),
/// ]);
/// tx.create_node(vec!["Actor".into()], props, cites)?;
/// let err = tx.commit("add Russia again").unwrap_err();
/// assert!(err.to_string().contains("must be unique"), "{err}");
/// assert_eq!(graph.stats().nodes, 1);
/// # Ok::<(), attest::Error>(())
/// ```
pub struct Transaction<'g> {
    graph: &'g Graph,
    state: RwLockWriteGuard<'g, State>,
    before_nodes: HashMap<NodeId, Option<Node>>,
    before_rels: HashMap<RelId, Option<Relationship>>,
    origins: HashMap<ElementId, Origin>,
    origin: Option<Origin>,
    finished: bool,
}

impl<'g> Transaction<'g> {
    pub(super) fn new(graph: &'g Graph, state: RwLockWriteGuard<'g, State>) -> Transaction<'g> {
        Transaction {
            graph,
            state,
            before_nodes: HashMap::new(),
            before_rels: HashMap::new(),
            origins: HashMap::new(),
            origin: None,
            finished: false,
        }
    }

    /// The graph as this transaction sees it (its own changes included).
    pub fn index(&self) -> &GraphIndex {
        &self.state.index
    }

    /// The schema, when the store is typed.
    pub fn schema(&self) -> Option<&Schema> {
        self.state.schema.as_ref()
    }

    /// Attributes the following changes to `origin` (a fact's file and
    /// position), so that errors found at commit point there too.
    pub fn set_origin(&mut self, origin: Option<Origin>) {
        self.origin = origin;
    }

    /// Creates a node. Null properties are dropped; values are checked
    /// against the schema (and converted where it allows) at once.
    pub fn create_node(
        &mut self,
        labels: Vec<String>,
        properties: Properties,
        sources: Vec<Source>,
    ) -> Result<NodeId> {
        let id = NodeId(self.state.next_node);
        let mut node = Node {
            id,
            labels: dedup(labels).into(),
            properties: without_nulls(properties),
            sources: sources.into(),
            key: None,
        };
        self.check_node(&mut node)?;
        self.state.next_node += 1;
        self.touch_node(id, None);
        self.state.index.insert_node(node);
        Ok(id)
    }

    /// Creates a relationship of `rel_type` from `start` to `end`.
    pub fn create_relationship(
        &mut self,
        rel_type: &str,
        start: NodeId,
        end: NodeId,
        properties: Properties,
        sources: Vec<Source>,
    ) -> Result<RelId> {
        check_name("relationship type", rel_type)?;
        let id = RelId(self.state.next_rel);
        let mut rel = Relationship {
            id,
            rel_type: rel_type.to_string(),
            start,
            end,
            properties: without_nulls(properties),
            sources,
            key: None,
        };
        self.check_relationship(&mut rel)?;
        self.state.next_rel += 1;
        self.touch_rel(id, None);
        self.state.index.insert_relationship(rel);
        Ok(id)
    }

    /// Sets (or, with null, removes) a node property.
    pub fn set_node_property(&mut self, id: NodeId, key: &str, value: Value) -> Result<()> {
        self.update_node(id, |node| {
            set_property(&mut node.properties, key, value);
        })
    }

    /// Sets (or, with null, removes) a relationship property.
    pub fn set_relationship_property(&mut self, id: RelId, key: &str, value: Value) -> Result<()> {
        self.update_relationship(id, |rel| set_property(&mut rel.properties, key, value))
    }

    /// Replaces all of a node's properties (`SET n = {…}`).
    pub fn replace_node_properties(&mut self, id: NodeId, properties: Properties) -> Result<()> {
        self.update_node(id, |node| node.properties = without_nulls(properties))
    }

    /// Replaces all of a relationship's properties (`SET r = {…}`).
    pub fn replace_relationship_properties(&mut self, id: RelId, properties: Properties) -> Result<()> {
        self.update_relationship(id, |rel| rel.properties = without_nulls(properties))
    }

    /// Adds a label to a node (no change if it has it).
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<()> {
        check_name("label", label)?;
        self.update_node(id, |node| {
            if !node.has_label(label) {
                node.labels.push(label.to_string());
            }
        })
    }

    /// Removes a label from a node (no change if it lacks it).
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<()> {
        self.update_node(id, |node| node.labels.retain(|l| l != label))
    }

    /// Adds citations to an element, skipping ones it already has.
    pub fn add_sources(&mut self, id: ElementId, sources: &[Source]) -> Result<()> {
        let add = |existing: &mut Vec<Source>| {
            for s in sources {
                if !existing.contains(s) {
                    existing.push(s.clone());
                }
            }
        };
        match id {
            ElementId::Node(n) => self.update_node(n, |node| add(node.sources.as_mut_vec())),
            ElementId::Rel(r) => self.update_relationship(r, |rel| add(&mut rel.sources)),
        }
    }

    /// Gives an element a readable fact key (unique across the store).
    pub fn set_key(&mut self, id: ElementId, key: &str) -> Result<()> {
        check_name("fact key", key)?;
        if let Some(other) = self.state.index.element_by_key(key)
            && other != id
        {
            let message = format!("fact key `{key}` already names {other}");
            return Err(self
                .located(QueryError::new(ErrorClass::ConstraintVerificationFailed, message))
                .into());
        }
        let key = Some(key.to_string());
        match id {
            ElementId::Node(n) => self.update_node(n, |node| node.key = key),
            ElementId::Rel(r) => self.update_relationship(r, |rel| rel.key = key),
        }
    }

    /// Deletes a relationship.
    pub fn delete_relationship(&mut self, id: RelId) -> Result<()> {
        let Some(rel) = self.state.index.relationship(id).map(|r| r.to_relationship()) else {
            return Err(not_found(&format!("relationship {id}")));
        };
        self.touch_rel(id, Some(rel));
        self.state.index.remove_relationship(id);
        Ok(())
    }

    /// Deletes a node; with `detach`, its relationships first. Without it, a
    /// node that still has relationships is an error (openCypher's
    /// `DeleteConnectedNode`).
    pub fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<()> {
        let Some(node) = self.state.index.node(id).map(|n| n.to_node()) else {
            return Err(not_found(&format!("node {id}")));
        };
        let rels = self.state.index.relationships_of(id, Direction::Both, &[]);
        if !rels.is_empty() && !detach {
            let message = format!("cannot delete node {id}: it still has relationships (use DETACH DELETE)");
            return Err(QueryError::new(ErrorClass::ConstraintVerificationFailed, message)
                .with_detail("DeleteConnectedNode")
                .into());
        }
        for (rel, _) in rels {
            self.delete_relationship(rel)?;
        }
        self.touch_node(id, Some(node));
        self.state.index.remove_node(id);
        Ok(())
    }

    /// Commits: checks the deferred schema rules, writes one atomic batch
    /// and makes it durable. On error
    /// nothing is written and the in-memory graph is restored.
    pub fn commit(mut self, description: &str) -> Result<CommitInfo> {
        self.finished = true;
        self.state.index.forget_deleted();
        match self.try_commit(description) {
            Ok(info) => Ok(info),
            Err(e) => {
                self.restore();
                Err(e)
            }
        }
    }

    /// Discards every change.
    pub fn rollback(mut self) {
        self.finished = true;
        self.restore();
    }

    /// True when this transaction has changed (created, updated or
    /// deleted) the element.
    pub fn has_changed(&self, id: ElementId) -> bool {
        match id {
            ElementId::Node(n) => self.before_nodes.contains_key(&n),
            ElementId::Rel(r) => self.before_rels.contains_key(&r),
        }
    }

    /// Side effects so far, as [`ChangeStats`].
    pub fn stats(&self) -> ChangeStats {
        let index = &self.state.index;
        let mut stats = ChangeStats::default();
        let mut label_delta: HashMap<&str, i64> = HashMap::new();
        for (id, before) in &self.before_nodes {
            let after = index.node(*id);
            match (before, after) {
                (None, Some(_)) => stats.nodes_created += 1,
                (Some(_), None) => stats.nodes_deleted += 1,
                _ => {}
            }
            count_properties(
                before.as_ref().map(|n| &n.properties),
                after.map(|n| n.properties()).as_ref(),
                &mut stats,
            );
            for l in before.iter().flat_map(|n| &n.labels) {
                *label_delta.entry(l).or_default() -= 1;
            }
            for l in after.iter().flat_map(|n| n.labels) {
                *label_delta.entry(l).or_default() += 1;
            }
        }
        for (label, delta) in label_delta {
            let now = index.label_count(label) as i64;
            let was = now - delta;
            if was == 0 && now > 0 {
                stats.labels_added += 1;
            } else if was > 0 && now == 0 {
                stats.labels_removed += 1;
            }
        }
        for (id, before) in &self.before_rels {
            let after = index.relationship(*id);
            match (before, after) {
                (None, Some(_)) => stats.relationships_created += 1,
                (Some(_), None) => stats.relationships_deleted += 1,
                _ => {}
            }
            count_properties(
                before.as_ref().map(|r| &r.properties),
                after.map(|r| r.properties),
                &mut stats,
            );
        }
        stats
    }

    fn try_commit(&mut self, description: &str) -> Result<CommitInfo> {
        self.graph.check_writable()?;
        self.check_deferred()?;
        let stats = self.stats();
        if self.before_nodes.is_empty() && self.before_rels.is_empty() {
            return Ok(CommitInfo { txn: None, stats });
        }
        let txn = self.state.next_txn;
        let mut batch = self.changes_batch()?;
        let record = TxnRecord {
            txn,
            unix_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            description: description.to_string(),
            nodes_written: self
                .before_nodes
                .keys()
                .filter(|id| self.state.index.node(**id).is_some())
                .count() as u64,
            nodes_deleted: stats.nodes_deleted,
            relationships_written: self
                .before_rels
                .keys()
                .filter(|id| self.state.index.relationship(**id).is_some())
                .count() as u64,
            relationships_deleted: stats.relationships_deleted,
        };
        batch.put(layout::txn_key(txn), layout::encode(&record)?);
        batch.put(
            layout::META_NEXT_NODE,
            self.state.next_node.to_be_bytes().to_vec(),
        );
        batch.put(layout::META_NEXT_REL, self.state.next_rel.to_be_bytes().to_vec());
        batch.put(layout::META_NEXT_TXN, (txn + 1).to_be_bytes().to_vec());
        self.graph.engine.apply(batch)?;
        self.graph.engine.flush()?;
        self.state.next_txn = txn + 1;
        Ok(CommitInfo {
            txn: Some(txn),
            stats,
        })
    }

    /// Rules that can only be judged on the final state: required
    /// properties, unique keys, and joins of relationships whose end nodes
    /// changed labels.
    fn check_deferred(&self) -> Result<()> {
        let Some(schema) = self.state.schema.as_ref() else {
            return Ok(());
        };
        let index = &self.state.index;
        let mut nodes: Vec<&NodeId> = self.before_nodes.keys().collect();
        nodes.sort();
        for id in nodes {
            let Some(node) = index.node(*id) else { continue };
            let what = describe_node(node);
            schema
                .check_required(&what, node.labels, &node.properties())
                .map_err(|e| self.located_for(ElementId::Node(*id), e))?;
            if let Some((label, prop, ids)) = index.unique_conflicts_for(node).into_iter().next() {
                let others: Vec<String> = ids
                    .iter()
                    .filter(|o| *o != id)
                    .map(|o| describe_id(index, *o))
                    .collect();
                let rule = format!(
                    "{label}.{prop} must be unique; {} already has it",
                    others.join(", ")
                );
                return Err(self
                    .located_for(ElementId::Node(*id), crate::schema::violation(&what, &rule))
                    .into());
            }
            for (rel, _) in index.relationships_of(*id, Direction::Both, &[]) {
                if let Some(r) = index.relationship(rel) {
                    let mut properties = r.properties.clone();
                    self.check_joins(schema, r, &mut properties)?;
                }
            }
        }
        let mut rels: Vec<&RelId> = self.before_rels.keys().collect();
        rels.sort();
        for id in rels {
            let Some(rel) = index.relationship(*id) else {
                continue;
            };
            schema
                .check_required_relationship(&describe_rel(index, rel), rel.rel_type, rel.properties)
                .map_err(|e| self.located_for(ElementId::Rel(*id), e))?;
        }
        Ok(())
    }

    fn check_joins(&self, schema: &Schema, rel: RelView<'_>, properties: &mut Properties) -> Result<()> {
        let index = &self.state.index;
        let labels = |id: NodeId| index.node(id).map(|n| n.labels.clone()).unwrap_or_default();
        schema
            .check_relationship(
                &describe_rel(index, rel),
                rel.rel_type,
                &labels(rel.start),
                &labels(rel.end),
                properties,
            )
            .map_err(|e| self.located_for(ElementId::Rel(rel.id), e).into())
    }

    /// The storage batch that turns the before-images into the current state:
    /// every page holding a touched element, written again from memory.
    fn changes_batch(&self) -> Result<WriteBatch> {
        let node_pages: BTreeSet<u64> = self.before_nodes.keys().map(|id| layout::page_of(id.0)).collect();
        let rel_pages: BTreeSet<u64> = self.before_rels.keys().map(|id| layout::page_of(id.0)).collect();
        let mut batch = WriteBatch::new();
        super::write_pages(
            &self.state.index,
            node_pages.iter().copied(),
            rel_pages.iter().copied(),
            &mut batch,
        )?;
        Ok(batch)
    }

    /// Puts every touched element back as it was before the transaction.
    fn restore(&mut self) {
        let index = &mut self.state.index;
        for id in self.before_rels.keys() {
            index.remove_relationship(*id);
        }
        for (id, before) in self.before_nodes.drain() {
            match (before, index.node(id).is_some()) {
                (None, true) => {
                    index.remove_node(id);
                }
                (Some(old), true) => {
                    index.replace_node(old);
                }
                (Some(old), false) => index.insert_node(old),
                (None, false) => {}
            }
        }
        for (_, before) in self.before_rels.drain() {
            if let Some(old) = before {
                index.insert_relationship(old);
            }
        }
        self.state.index.forget_deleted();
    }

    fn update_node(&mut self, id: NodeId, change: impl FnOnce(&mut Node)) -> Result<()> {
        let Some(old) = self.state.index.node(id).map(|n| n.to_node()) else {
            return Err(not_found(&format!("node {id}")));
        };
        let mut node = old.clone();
        change(&mut node);
        if node == old {
            return Ok(());
        }
        self.check_node(&mut node)?;
        self.touch_node(id, Some(old));
        self.state.index.replace_node(node);
        Ok(())
    }

    fn update_relationship(&mut self, id: RelId, change: impl FnOnce(&mut Relationship)) -> Result<()> {
        let Some(old) = self.state.index.relationship(id).map(|r| r.to_relationship()) else {
            return Err(not_found(&format!("relationship {id}")));
        };
        let mut rel = old.clone();
        change(&mut rel);
        if rel == old {
            return Ok(());
        }
        self.check_relationship(&mut rel)?;
        self.touch_rel(id, Some(old));
        self.state.index.replace_relationship(rel);
        Ok(())
    }

    fn check_node(&self, node: &mut Node) -> Result<()> {
        for label in &node.labels {
            check_name("label", label)?;
        }
        for (key, value) in &node.properties {
            check_property(key, value)?;
        }
        if let Some(schema) = &self.state.schema {
            let what = describe_node(NodeView::of(node));
            schema
                .check_node(&what, &node.labels, &mut node.properties)
                .map_err(|e| self.located(e))?;
        }
        Ok(())
    }

    fn check_relationship(&self, rel: &mut Relationship) -> Result<()> {
        for (key, value) in &rel.properties {
            check_property(key, value)?;
        }
        let index = &self.state.index;
        super::check_type_room(index, &rel.rel_type)?;
        for end in [rel.start, rel.end] {
            if index.node(end).is_none() {
                return Err(not_found(&format!(
                    "node {end} (an end of a new {} relationship)",
                    rel.rel_type
                )));
            }
        }
        match &self.state.schema {
            Some(schema) => {
                // The check may change the properties; the other fields,
                // borrowed beside them (no copy of the record), name the
                // relationship in its errors.
                let mut described = RelView::plain(rel.id, &rel.rel_type, rel.start, rel.end);
                described.key = rel.key.as_deref();
                self.check_joins(schema, described, &mut rel.properties)
            }
            None => Ok(()),
        }
    }

    fn touch_node(&mut self, id: NodeId, before: Option<Node>) {
        self.before_nodes.entry(id).or_insert(before);
        if let Some(origin) = &self.origin {
            self.origins
                .entry(ElementId::Node(id))
                .or_insert_with(|| origin.clone());
        }
    }

    fn touch_rel(&mut self, id: RelId, before: Option<Relationship>) {
        self.before_rels.entry(id).or_insert(before);
        if let Some(origin) = &self.origin {
            self.origins
                .entry(ElementId::Rel(id))
                .or_insert_with(|| origin.clone());
        }
    }

    fn located(&self, e: QueryError) -> QueryError {
        apply_origin(e, self.origin.as_ref())
    }

    fn located_for(&self, id: ElementId, e: QueryError) -> QueryError {
        apply_origin(e, self.origins.get(&id).or(self.origin.as_ref()))
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.restore();
        }
    }
}

fn apply_origin(mut e: QueryError, origin: Option<&Origin>) -> QueryError {
    if let Some(origin) = origin {
        if let Some(file) = &origin.file {
            e = e.in_file(file);
        }
        if let Some(position) = origin.position {
            e = e.at(position);
        }
    }
    e
}

fn count_properties(before: Option<&Properties>, after: Option<&Properties>, stats: &mut ChangeStats) {
    let empty = Properties::new();
    let (before, after) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    for (k, v) in after {
        if before.get(k) != Some(v) {
            stats.properties_set += 1;
        }
    }
    for (k, v) in before {
        if after.get(k) != Some(v) {
            stats.properties_removed += 1;
        }
    }
}

fn set_property(properties: &mut Properties, key: &str, value: Value) {
    if value.is_null() {
        properties.remove(key);
    } else {
        properties.insert(key.to_string(), value);
    }
}

pub(super) fn without_nulls(mut properties: Properties) -> Properties {
    properties.retain(|_, v| !v.is_null());
    properties
}

pub(super) fn dedup(labels: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for l in labels {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

pub(super) fn check_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.contains('\0') {
        return Err(Error::query(
            ErrorClass::SemanticError,
            format!("invalid {what} name {name:?}"),
        ));
    }
    Ok(())
}

pub(super) fn check_property(key: &str, value: &Value) -> Result<()> {
    check_name("property", key)?;
    let nested_list = match value {
        Value::List(items) => items.iter().any(|v| matches!(v, Value::List(_) | Value::Map(_))),
        _ => false,
    };
    if nested_list {
        let message =
            format!("property `{key}` cannot hold a list of lists or maps (lists hold plain values)");
        return Err(QueryError::new(ErrorClass::TypeError, message)
            .with_detail("InvalidPropertyType")
            .into());
    }
    if !value.is_storable() {
        let message = format!(
            "property `{key}` cannot hold a {} (only values can be stored)",
            value.type_name()
        );
        return Err(QueryError::new(ErrorClass::TypeError, message)
            .with_detail("InvalidPropertyType")
            .into());
    }
    Ok(())
}

fn not_found(what: &str) -> Error {
    Error::query(
        ErrorClass::EntityNotFound,
        format!("{what} does not exist (it may have been deleted)"),
    )
}

/// A short human description of a node for error messages:
/// `(:Actor {name: 'Ash Carter'})`, or with its fact key.
pub(crate) fn describe_node(node: NodeView<'_>) -> String {
    let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    let name = ["name", "title", "text", "summary"]
        .iter()
        .find_map(|k| {
            Some(node.property(k))
                .filter(|v| !v.is_null())
                .map(|v| format!(" {{{k}: {v}}}"))
        })
        .unwrap_or_default();
    match node.key() {
        Some(key) => format!("node `{key}` ({labels}{name})"),
        None => format!("node ({labels}{name})"),
    }
}

pub(super) fn describe_id(index: &GraphIndex, id: NodeId) -> String {
    index.node(id).map_or_else(|| id.to_string(), describe_node)
}

fn describe_rel(index: &GraphIndex, rel: RelView<'_>) -> String {
    let name = match rel.key {
        Some(key) => format!("relationship `{key}`"),
        None => "relationship".to_string(),
    };
    format!(
        "{name} {}-[:{}]->{}",
        describe_id(index, rel.start),
        rel.rel_type,
        describe_id(index, rel.end)
    )
}
