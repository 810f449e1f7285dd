//! Bulk writes: many nodes and relationships in one logged, all-or-nothing
//! operation, without a before-image per element.
//!
//! A [`Transaction`](super::Transaction) keeps the first-touch image of
//! every element it changes and writes one storage batch at commit. For an
//! import of millions of new elements both are too big, and neither is
//! needed: nothing existing changes, so "before" is simply "without the new
//! ids". A bulk write reads its [`BulkSource`] once, in two phases:
//!
//! 1. **read** — every element is checked (ids, names, the schema's labels,
//!    types, vocabularies, required and unique properties and relationship
//!    joins, relationship ends) against the store and the elements before
//!    it, then added to the in-memory index at once, so that later elements
//!    are checked against it. Readers wait, so none sees a half-read
//!    import. Nothing is written to disk before the first relationship;
//!    an element refused before then undoes the phase in memory and the
//!    store is untouched. An import that has filled many node pages by
//!    its first relationship writes the marker (below) then, and those
//!    pages on a second thread while it reads on ([`EarlyNodePages`]); a
//!    refusal after that is undone on disk too, as a failed write phase
//!    is.
//! 2. **write** — an import marker ([`layout::ImportMarker`], holding the
//!    id counters) is written and flushed, unless the read phase did; then
//!    the pages of the new ids not yet written are encoded from memory and
//!    written in large batches that are not flushed one by one; then
//!    everything is flushed and one last batch advances the id counters,
//!    appends the log entry and removes the marker, and is flushed.
//!
//! The write lock is held from the start to the end, so the new elements
//! are exactly the ids at or above the counters in the marker. When
//! anything fails once the marker is written, those are removed again, in
//! memory and on disk ([`remove_partial_import`]). When the process dies
//! instead, the marker is still there at the next open, which removes them
//! the same way before loading the graph. Either way the store is as it
//! was.
//!
//! Reading once matters at scale: parsing and converting the input was
//! about half of each of the two passes an earlier design made (check, then
//! read again and write), and a second read needs the input unchanged in
//! between, which a file on disk does not promise.

use super::layout::{self, ImportMarker, TxnRecord};
use super::txn::{check_name, check_property, dedup, describe_node, without_nulls};
use super::{Graph, State};
use crate::error::{Error, ErrorClass, QueryError, Result};
use crate::graph::{GraphIndex, NodeView};
use crate::model::{ElementId, Labels, Node, NodeId, Properties, RelId, Relationship, Source};
use crate::schema::Schema;
use crate::storage::{Engine, WriteBatch};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Pages per storage batch in the write phase and when a partial import is
/// removed. A page holds up to [`layout::PAGE_RECORDS`] records, so a batch
/// of typical records is about a megabyte; the on-disk engine holds several
/// times a batch's size in memory while it applies it. What saves time is not
/// flushing each batch.
const BATCH_PAGES: usize = 64;

/// One element a [`BulkSource`] yields: always new, never an update.
#[derive(Clone, Debug, PartialEq)]
pub enum BulkElement {
    /// A new node with the id it is to have: one never used in the store
    /// (at or above its next free id) and not yielded before.
    Node {
        /// The node's id.
        id: NodeId,
        /// Its labels, interned: a source yielding a million nodes of one
        /// label clones one shared list instead of allocating a million.
        labels: Labels,
        /// Its properties (checked against the schema like any write).
        properties: Properties,
        /// Its citations (an import of plain rows has none).
        sources: Vec<Source>,
        /// Its fact key, which must be new to the store and to this write.
        key: Option<String>,
    },
    /// A new relationship between a node of this bulk write (yielded
    /// earlier) or of the store.
    Relationship {
        /// The id it is to have, one never used in the store (at or above
        /// its next free relationship id) and not yielded before; `None`
        /// gives it a fresh id, after every id given here.
        id: Option<RelId>,
        /// The relationship type, shared: a source yielding a million
        /// relationships of one type clones one name instead of allocating
        /// a million.
        rel_type: Arc<str>,
        /// The start node's id.
        start: NodeId,
        /// The end node's id.
        end: NodeId,
        /// Its properties.
        properties: Properties,
        /// Its citations.
        sources: Vec<Source>,
        /// Its fact key, new to the store and to this write.
        key: Option<String>,
    },
}

/// About how many elements a [`BulkSource`] will yield, so that memory is
/// sized once rather than grown step by step (and node ids that arrive out
/// of order still count as dense). A hint only: a wrong one costs time or
/// memory, never correctness.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BulkSizeHint {
    /// Nodes.
    pub nodes: u64,
    /// Relationships.
    pub relationships: u64,
}

/// The part of an element a rejection is about, so that a source can point
/// at the right place in its input (a CSV column, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkField {
    /// A node's id.
    Id,
    /// A node's labels.
    Labels,
    /// A relationship's type (and the labels it joins).
    Type,
    /// A relationship's start node.
    Start,
    /// A relationship's end node.
    End,
    /// One property.
    Property(String),
    /// The fact key.
    Key,
}

/// Why the bulk write refused an element (or failed writing it).
#[derive(Debug)]
pub struct BulkRejection {
    /// What went wrong.
    pub error: Error,
    /// The part of the element at fault, when one is.
    pub field: Option<BulkField>,
}

impl BulkRejection {
    fn at(field: BulkField, error: impl Into<Error>) -> BulkRejection {
        BulkRejection {
            error: error.into(),
            field: Some(field),
        }
    }
}

impl From<Error> for BulkRejection {
    fn from(error: Error) -> BulkRejection {
        BulkRejection { error, field: None }
    }
}

/// Where a bulk write takes its elements from: read once, every
/// relationship after the nodes of this bulk write it joins. It stops at
/// the first `Err` the sink returns and returns an error itself (typically
/// the rejection located in its input).
///
/// ```
/// use attest::db::{BulkElement, BulkRejection, BulkSource, Graph};
/// use attest::model::{Labels, NodeId, Properties};
///
/// struct Two;
/// impl BulkSource for Two {
///     fn elements(
///         &mut self,
///         sink: &mut dyn FnMut(BulkElement) -> Result<(), BulkRejection>,
///     ) -> attest::Result<()> {
///         for id in [10, 11] {
///             let node = BulkElement::Node {
///                 id: NodeId(id),
///                 labels: Labels::from(["Actor"]),
///                 properties: Properties::new(),
///                 sources: vec![],
///                 key: None,
///             };
///             sink(node).map_err(|r| r.error)?;
///         }
///         let rel = BulkElement::Relationship {
///             id: None,
///             rel_type: "KNOWS".into(),
///             start: NodeId(10),
///             end: NodeId(11),
///             properties: Properties::new(),
///             sources: vec![],
///             key: None,
///         };
///         sink(rel).map_err(|r| r.error)
///     }
/// }
///
/// let graph = Graph::in_memory();
/// let info = graph.bulk_insert("two actors", &mut Two)?;
/// assert_eq!((info.nodes, info.relationships), (2, 1));
/// assert!(graph.node(NodeId(11)).is_some());
/// # Ok::<(), attest::Error>(())
/// ```
pub trait BulkSource {
    /// Called once, under the write lock, before anything is read: the
    /// smallest node id never handed out in the store, for sources that
    /// assign ids themselves.
    fn begin(&mut self, first_free_node: NodeId) {
        let _ = first_free_node;
    }

    /// About how many elements [`BulkSource::elements`] will yield, when
    /// the source knows (a manifest's row counts, say). Default: unknown.
    fn size_hint(&self) -> Option<BulkSizeHint> {
        None
    }

    /// Calls `sink` with every element, in order.
    fn elements(&mut self, sink: &mut dyn FnMut(BulkElement) -> Result<(), BulkRejection>) -> Result<()>;

    /// Called once every element was read and accepted, before they are
    /// written to disk (the write phase; a progress display may say so).
    fn reading_done(&mut self) {}
}

/// What a bulk write wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BulkInfo {
    /// The transaction number in the store's log (`None` when the source
    /// yielded nothing and nothing was logged).
    pub txn: Option<u64>,
    /// Nodes written.
    pub nodes: u64,
    /// Relationships written.
    pub relationships: u64,
}

/// An unfinished bulk import that opening the store removed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecoveredImport {
    /// The import's description (`import DIR`).
    pub description: String,
    /// Nodes of it found and removed.
    pub nodes: u64,
    /// Relationships of it found and removed.
    pub relationships: u64,
}

/// What a bulk write keeps while it reads: enough to check each element
/// against the ones before it quickly, and to undo the import.
struct Checked {
    /// The `(label, property)` pairs with unique-key indexes.
    unique: Vec<(String, String)>,
    /// Each new node's label set, as an index into `label_sets`.
    nodes: NewNodes,
    label_sets: Vec<Labels>,
    label_set_ids: HashMap<Labels, u32>,
    relationships: u64,
    max_node: u64,
    /// The store's counters before the write: every id at or above them
    /// is this write's.
    first_node: u64,
    first_rel: u64,
    /// The next fresh relationship id: after every id handed out so far,
    /// chosen or fresh.
    next_rel: u64,
    /// The last relationship without properties the schema accepted: its
    /// type and its ends' label sets.
    last_plain_join: Option<(Arc<str>, u32, u32)>,
}

/// The pages a bulk write filled, in the order it filled them; consecutive
/// elements mostly share a page, so a page is listed once per run.
#[derive(Default)]
struct NewPages {
    nodes: Vec<u64>,
    rels: Vec<u64>,
}

impl NewPages {
    fn add(pages: &mut Vec<u64>, id: u64) {
        let page = layout::page_of(id);
        if pages.last() != Some(&page) {
            pages.push(page);
        }
    }

    /// Each page once, in key order.
    fn sorted(mut pages: Vec<u64>) -> Vec<u64> {
        pages.sort_unstable();
        pages.dedup();
        pages
    }
}

impl Graph {
    /// Writes every element of `source` as one logged, atomic operation
    /// (one entry in [`Graph::history`] described as `description`),
    /// checked as transactions are. Readers and writers wait until it ends.
    ///
    /// On any error — an element the schema refuses, a missing end node, a
    /// duplicate id, a failing disk — the store is left as it was; after a
    /// crash in the middle, the next open restores it (see the module
    /// documentation of `db::bulk` and `docs/ARCHITECTURE.md`).
    pub fn bulk_insert(&self, description: &str, source: &mut dyn BulkSource) -> Result<BulkInfo> {
        self.check_writable()?;
        let mut state = self
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.version.bump();
        let marker = ImportMarker {
            next_node: state.next_node,
            next_rel: state.next_rel,
            description: description.to_string(),
            unix_ms: now_ms(),
        };
        let hint = source.size_hint().unwrap_or_default();
        let mut checked = Checked {
            unique: state.schema.as_ref().map(Schema::unique_keys).unwrap_or_default(),
            nodes: NewNodes::expecting(hint.nodes),
            label_sets: Vec::new(),
            label_set_ids: HashMap::new(),
            relationships: 0,
            max_node: 0,
            first_node: marker.next_node,
            first_rel: marker.next_rel,
            next_rel: marker.next_rel,
            last_plain_join: None,
        };
        let was_empty = state.index.node_count() == 0 && state.index.relationship_count() == 0;
        // An import as large as a quarter of the store builds the adjacency
        // once at the end, in two sequential passes, rather than entry by
        // entry (random writes); a small one into a big store does not
        // pay for rebuilding everything.
        let hinted_rels = usize::try_from(hint.relationships).unwrap_or(usize::MAX);
        let deferred = hinted_rels >= state.index.relationship_count() / 4;
        state.index.reserve_import(
            usize::try_from(hint.nodes).unwrap_or(0),
            usize::try_from(hint.relationships).unwrap_or(0),
        );
        if deferred {
            state.index.begin_load();
        }
        source.begin(NodeId(state.next_node));
        let result = read_phase(self, &marker, &mut state, &mut checked, source).and_then(
            |(pages, marker_written)| {
                if checked.nodes.is_empty() && checked.relationships == 0 {
                    return Ok(None);
                }
                source.reading_done();
                if !marker_written {
                    self.write_marker(&marker)?;
                }
                // The index is only read from here on: the adjacency is built
                // on the second core while this one writes the pages. (Writing
                // the relationship pages on a third thread saved 0.1 s at 1M
                // but left 70 MB more resident in that thread's malloc arena.)
                let (written, adjacency) = std::thread::scope(|scope| {
                    let index = &state.index;
                    let adjacency = deferred.then(|| scope.spawn(|| index.loaded_adjacency(false)));
                    // Every element must be on disk before the batch that
                    // removes the marker can be: after that, nothing would
                    // clean up a hole.
                    let written = self
                        .write_new_pages(index, pages)
                        .and_then(|()| self.engine.flush());
                    (written, adjacency.map(|thread| thread.join()))
                });
                written.map_err(|e| (e, true))?;
                // A panic while building is a bug; finishing the load below
                // then builds it again on this thread.
                if let Some(Ok(adjacency)) = adjacency {
                    state.index.finish_load_with(adjacency);
                }
                self.commit(&mut state, &checked, &marker)
                    .map(Some)
                    .map_err(|e| (e, true))
            },
        );
        let result = match result {
            Ok(info) => Ok(info.unwrap_or_default()),
            Err((e, on_disk)) => {
                undo_in_memory(&mut state, &checked, was_empty);
                if on_disk && let Err(cleanup) = remove_partial_import(self.engine.as_ref(), &marker) {
                    // The partial import stays on disk behind its marker;
                    // later writes would get ids the next open removes
                    // with it, so this handle takes no more writes.
                    self.set_broken(format!(
                        "a failed import could not be removed ({cleanup}); reopen the store to finish removing it"
                    ));
                }
                Err(e)
            }
        };
        if deferred && state.index.is_loading() {
            state.index.finish_load();
        }
        result
    }

    fn write_marker(&self, marker: &ImportMarker) -> std::result::Result<(), (Error, bool)> {
        let mut batch = WriteBatch::new();
        let encoded = layout::encode(marker).map_err(|e| (e, false))?;
        batch.put(layout::META_IMPORT, encoded);
        // Once the marker may be on disk, a failure must remove it (and
        // whatever it guards) again.
        self.engine.apply(batch).map_err(|e| (e, true))?;
        self.engine.flush().map_err(|e| (e, true))
    }

    /// Writes the pages the new elements filled, from memory (not
    /// flushed).
    fn write_new_pages(&self, index: &GraphIndex, pages: NewPages) -> Result<()> {
        for chunk in NewPages::sorted(pages.nodes).chunks(BATCH_PAGES) {
            let mut batch = WriteBatch::new();
            super::write_pages(index, chunk.iter().copied(), [], &mut batch)?;
            self.engine.apply(batch)?;
        }
        for chunk in NewPages::sorted(pages.rels).chunks(BATCH_PAGES) {
            let mut batch = WriteBatch::new();
            super::write_pages(index, [], chunk.iter().copied(), &mut batch)?;
            self.engine.apply(batch)?;
        }
        Ok(())
    }

    /// The last batch: the id counters, the log entry, the marker removed.
    fn commit(&self, state: &mut State, checked: &Checked, marker: &ImportMarker) -> Result<BulkInfo> {
        let nodes = checked.nodes.len() as u64;
        let relationships = checked.relationships;
        let txn = state.next_txn;
        let next_node = state.next_node.max(checked.max_node + 1);
        let next_rel = checked.next_rel;
        let record = TxnRecord {
            txn,
            unix_ms: now_ms(),
            description: marker.description.clone(),
            nodes_written: nodes,
            nodes_deleted: 0,
            relationships_written: relationships,
            relationships_deleted: 0,
        };
        let mut last = WriteBatch::new();
        last.put(layout::txn_key(txn), layout::encode(&record)?);
        last.put(layout::META_NEXT_NODE, next_node.to_be_bytes().to_vec());
        last.put(layout::META_NEXT_REL, next_rel.to_be_bytes().to_vec());
        last.put(layout::META_NEXT_TXN, (txn + 1).to_be_bytes().to_vec());
        last.delete(layout::META_IMPORT);
        self.engine.apply(last)?;
        self.engine.flush()?;
        state.next_node = next_node;
        state.next_rel = next_rel;
        state.next_txn = txn + 1;
        Ok(BulkInfo {
            txn: Some(txn),
            nodes,
            relationships,
        })
    }
}

/// Node pages an import has filled before its first relationship, from
/// which it writes them on a second thread while it reads the
/// relationships (see [`EarlyNodePages`]): below this, the thread and the
/// marker's early flush cost more than they save.
const EARLY_NODE_PAGES: usize = 256;

/// The node pages of an import written while its relationships are still
/// being read.
///
/// Once the first relationship arrives, the nodes read so far no longer
/// change (a relationship never changes a node record), and writing their
/// pages was the largest part of the write phase (about 2.5 s of a
/// million-event import, against 1.6 s for the relationship pages) while
/// the second core sat idle during the read phase. So the marker is
/// written then, and a thread writes those pages from a shared view of the
/// node records, while this one goes on reading. A node that arrives
/// later (a source need not yield nodes first) waits for the thread, and
/// its page is written again in the write phase. From the marker on, a
/// refusal must clean up on disk, as a failed write phase does.
struct EarlyNodePages<'scope> {
    writer: Option<std::thread::ScopedJoinHandle<'scope, Result<()>>>,
    /// The marker was written (or may have been): a failure must remove
    /// the partial import from disk.
    marker_written: bool,
    /// The first failure of the marker or the writer, reported when the
    /// read phase ends (not as a rejection of whatever element is being
    /// read then, whose position it has nothing to do with).
    failed: Option<Error>,
}

impl EarlyNodePages<'_> {
    /// Waits for the writer, if one runs, and keeps its failure.
    fn finish(&mut self) {
        let Some(writer) = self.writer.take() else {
            return;
        };
        let outcome = writer
            .join()
            .unwrap_or_else(|_| Err(Error::Storage("the thread writing node pages stopped".into())));
        if let Err(e) = outcome {
            self.failed.get_or_insert(e);
        }
    }
}

/// The read phase: checks every element of `source` and adds it to the
/// in-memory index at once. Returns the pages still to write, and whether
/// the marker is written already; an error comes with whether anything
/// may be on disk (see [`EarlyNodePages`]).
fn read_phase(
    graph: &Graph,
    marker: &ImportMarker,
    state: &mut State,
    checked: &mut Checked,
    source: &mut dyn BulkSource,
) -> std::result::Result<(NewPages, bool), (Error, bool)> {
    std::thread::scope(|scope| {
        let mut pages = NewPages::default();
        let mut early = EarlyNodePages {
            writer: None,
            marker_written: false,
            failed: None,
        };
        let read = source.elements(&mut |element| {
            match checked.check(state, element)? {
                Record::Node(node) => {
                    // The writer reads the node records: it must be done
                    // before one changes (a late node's page is written
                    // again in the write phase).
                    early.finish();
                    NewPages::add(&mut pages.nodes, node.id.0);
                    state.index.insert_node(node);
                }
                Record::Relationship(rel, chosen) => {
                    if !early.marker_written && pages.nodes.len() >= EARLY_NODE_PAGES {
                        start_early_node_pages(graph, marker, state, &mut pages, &mut early, scope);
                    }
                    let id = chosen.unwrap_or_else(|| {
                        checked.next_rel += 1;
                        RelId(checked.next_rel - 1)
                    });
                    NewPages::add(&mut pages.rels, id.0);
                    // Its ends were checked just now: a miss is a bug.
                    if !rel.insert_into(&mut state.index, id) {
                        let message = format!("relationship {id}: an end node is missing");
                        return Err(Error::query(ErrorClass::EntityNotFound, message).into());
                    }
                    checked.relationships += 1;
                }
            }
            Ok(())
        });
        early.finish();
        let on_disk = early.marker_written;
        read.map_err(|e| (e, on_disk))?;
        match early.failed {
            Some(e) => Err((e, on_disk)),
            None => Ok((pages, on_disk)),
        }
    })
}

/// Writes the import marker, then starts writing the node pages filled so
/// far on a thread of `scope` (see [`EarlyNodePages`]); they are taken
/// out of `pages`.
fn start_early_node_pages<'scope>(
    graph: &'scope Graph,
    marker: &ImportMarker,
    state: &State,
    pages: &mut NewPages,
    early: &mut EarlyNodePages<'scope>,
    scope: &'scope std::thread::Scope<'scope, '_>,
) {
    early.marker_written = true;
    if let Err((e, _)) = graph.write_marker(marker) {
        early.failed = Some(e);
        return;
    }
    let records = state.index.node_records();
    let written = NewPages::sorted(std::mem::take(&mut pages.nodes));
    let engine: &dyn Engine = graph.engine.as_ref();
    early.writer = Some(scope.spawn(move || {
        for chunk in written.chunks(BATCH_PAGES) {
            let mut batch = WriteBatch::new();
            super::put_node_pages(|id| records.node(id), chunk.iter().copied(), &mut batch)?;
            engine.apply(batch)?;
        }
        Ok(())
    }));
}

/// The new nodes of an import, by id, with their label sets. Looked up
/// twice per relationship (both ends), so kept as a vector indexed by id
/// while the ids are dense, as the store's are: on the million-event set a
/// hash map made those lookups a sixth of the import's time. Ids an import
/// chose sparse (10^9) move everything to a hash map.
#[derive(Default)]
struct NewNodes {
    dense: Vec<u32>,
    sparse: Option<crate::graph::IdMap<NodeId, u32>>,
    len: usize,
    /// How many the source said to expect: ids up to a few times that
    /// count as dense from the start.
    expected: usize,
}

impl NewNodes {
    const NONE: u32 = u32::MAX;

    fn expecting(nodes: u64) -> NewNodes {
        NewNodes {
            expected: usize::try_from(nodes).unwrap_or(0),
            ..NewNodes::default()
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn get(&self, id: NodeId) -> Option<&u32> {
        match &self.sparse {
            Some(map) => map.get(&id),
            None => usize::try_from(id.0)
                .ok()
                .and_then(|i| self.dense.get(i))
                .filter(|set| **set != NewNodes::NONE),
        }
    }

    /// Records a new node (its id was checked to be new).
    fn insert(&mut self, id: NodeId, set: u32) {
        if self.sparse.is_none() && id.0 > 4 * (self.len.max(self.expected) as u64) + (1 << 20) {
            let map = self
                .dense
                .iter()
                .enumerate()
                .filter(|(_, s)| **s != NewNodes::NONE)
                .map(|(i, s)| (NodeId(i as u64), *s))
                .collect();
            self.sparse = Some(map);
            self.dense = Vec::new();
        }
        match &mut self.sparse {
            Some(map) => {
                map.insert(id, set);
            }
            None => {
                let at = id.0 as usize;
                if self.dense.len() <= at {
                    self.dense.resize(at + 1, NewNodes::NONE);
                }
                self.dense[at] = set;
            }
        }
        self.len += 1;
    }

    /// The new nodes' ids.
    fn ids(&self) -> Vec<NodeId> {
        match &self.sparse {
            Some(map) => map.keys().copied().collect(),
            None => (0..self.dense.len())
                .filter(|i| self.dense[*i] != NewNodes::NONE)
                .map(|i| NodeId(i as u64))
                .collect(),
        }
    }
}

/// `labels` without repeats, first occurrence kept; the same shared list
/// when there are none (always, from a CSV file).
fn dedup_labels(labels: Labels) -> Labels {
    let repeats = labels.iter().enumerate().any(|(i, l)| labels[..i].contains(l));
    if repeats {
        Labels::from(dedup(labels.to_vec()))
    } else {
        labels
    }
}

/// A checked element, ready to write.
enum Record {
    Node(Node),
    /// With the id the source chose; otherwise one is assigned when it is
    /// written.
    Relationship(NewRel, Option<RelId>),
}

/// A relationship of a bulk write before it has its id. Most have no
/// properties, sources or key, and are written without an owned record.
struct NewRel {
    rel_type: Arc<str>,
    start: NodeId,
    end: NodeId,
    properties: Properties,
    sources: Vec<Source>,
    key: Option<String>,
}

impl NewRel {
    fn is_plain(&self) -> bool {
        self.properties.is_empty() && self.sources.is_empty() && self.key.is_none()
    }

    /// Adds it to the index with the id `id`; false if an end is missing.
    fn insert_into(self, index: &mut GraphIndex, id: RelId) -> bool {
        if self.is_plain() {
            return index.insert_plain_relationship(id, &self.rel_type, self.start, self.end);
        }
        index.insert_relationship(Relationship {
            id,
            rel_type: self.rel_type.to_string(),
            start: self.start,
            end: self.end,
            properties: self.properties,
            sources: self.sources,
            key: self.key,
        })
    }
}

impl Checked {
    /// Checks one element (converting its values to the schema's types)
    /// against the store, which already holds the elements before it, and
    /// records a new node's label set for the checks of later ones.
    fn check(&mut self, state: &State, element: BulkElement) -> Result<Record, BulkRejection> {
        match element {
            BulkElement::Node {
                id,
                labels,
                properties,
                sources,
                key,
            } => {
                let mut node = Node {
                    id,
                    labels: dedup_labels(labels),
                    properties: without_nulls(properties),
                    sources: sources.into(),
                    key,
                };
                self.check_node(state, &mut node)?;
                self.check_key(state, &node.key)?;
                Ok(Record::Node(node))
            }
            BulkElement::Relationship {
                id,
                rel_type,
                start,
                end,
                properties,
                sources,
                key,
            } => {
                let mut rel = NewRel {
                    rel_type,
                    start,
                    end,
                    properties: without_nulls(properties),
                    sources,
                    key,
                };
                if let Some(id) = id {
                    self.check_rel_id(state, id)?;
                }
                self.check_relationship(state, &mut rel)?;
                self.check_key(state, &rel.key)?;
                Ok(Record::Relationship(rel, id))
            }
        }
    }

    fn check_node(&mut self, state: &State, node: &mut Node) -> Result<(), BulkRejection> {
        let id = node.id;
        check_new_id(state, &self.nodes, id).map_err(|e| BulkRejection::at(BulkField::Id, e))?;
        for label in &node.labels {
            check_name("label", label).map_err(|e| BulkRejection::at(BulkField::Labels, e))?;
        }
        for (key, value) in &node.properties {
            check_property(key, value).map_err(|e| BulkRejection::at(BulkField::Property(key.clone()), e))?;
        }
        if let Some(schema) = &state.schema {
            // A description costs an allocation per node, so the fast path
            // checks without one and the slow path checks again to say
            // which part is at fault.
            if schema.check_node("", &node.labels, &mut node.properties).is_err()
                || schema.check_required("", &node.labels, &node.properties).is_err()
            {
                return Err(node_rejection(schema, node));
            }
        }
        for (label, prop) in &self.unique {
            let (true, Some(value)) = (node.has_label(label), node.properties.get(prop)) else {
                continue;
            };
            // The earlier nodes of this import are in the index already.
            let holders = state.index.find_unique(label, prop, value).unwrap_or_default();
            if let Some(holder) = holders.first() {
                let whose = if holder.0 < self.first_node {
                    "a node in the store"
                } else {
                    "an earlier node of this import"
                };
                let rule = format!("{label}.{prop} must be unique; {whose} already has it");
                let error = crate::schema::violation(&describe_node(NodeView::of(node)), &rule);
                return Err(BulkRejection::at(BulkField::Property(prop.clone()), error));
            }
        }
        let set = match self.label_set_ids.get(&node.labels) {
            Some(set) => *set,
            None => {
                let set = self.label_sets.len() as u32;
                self.label_sets.push(node.labels.clone());
                self.label_set_ids.insert(node.labels.clone(), set);
                set
            }
        };
        self.nodes.insert(id, set);
        self.max_node = self.max_node.max(id.0);
        Ok(())
    }

    fn check_relationship(&mut self, state: &State, rel: &mut NewRel) -> Result<(), BulkRejection> {
        check_name("relationship type", &rel.rel_type).map_err(|e| BulkRejection::at(BulkField::Type, e))?;
        super::check_type_room(&state.index, &rel.rel_type)
            .map_err(|e| BulkRejection::at(BulkField::Type, e))?;
        for (key, value) in &rel.properties {
            check_property(key, value).map_err(|e| BulkRejection::at(BulkField::Property(key.clone()), e))?;
        }
        let start = self.labels_of(state, rel.start, BulkField::Start)?;
        let end = self.labels_of(state, rel.end, BulkField::End)?;
        // Without properties, the schema's verdict depends only on the type
        // and the ends' labels, and a file of one type between nodes of one
        // label asks the same question millions of times: remember the last
        // answer.
        let asked = match (
            rel.properties.is_empty(),
            self.set_of(rel.start),
            self.set_of(rel.end),
        ) {
            (true, Some(start_set), Some(end_set)) => Some((rel.rel_type.clone(), start_set, end_set)),
            _ => None,
        };
        let answered = asked.is_some() && asked == self.last_plain_join;
        if let Some(schema) = &state.schema
            && !answered
        {
            if schema
                .check_relationship("", &rel.rel_type, start, end, &mut rel.properties)
                .is_err()
            {
                return Err(relationship_rejection(schema, rel, start, end));
            }
            self.last_plain_join = asked;
        }
        Ok(())
    }

    /// The label set of a node new in this write.
    fn set_of(&self, id: NodeId) -> Option<u32> {
        self.nodes.get(id).copied()
    }

    /// A relationship id the source chose must never have been handed out,
    /// in the store or earlier in this write (chosen, or fresh: a fresh id
    /// comes after every id handed out before it).
    fn check_rel_id(&mut self, state: &State, id: RelId) -> Result<(), BulkRejection> {
        let refuse = |message: String| {
            Err(BulkRejection::at(
                BulkField::Id,
                QueryError::new(ErrorClass::ConstraintVerificationFailed, message),
            ))
        };
        if id.0 == 0 || id.0 > i64::MAX as u64 {
            return refuse(format!(
                "relationship id {} is out of range (1 to {})",
                id.0,
                i64::MAX
            ));
        }
        if id.0 < state.next_rel {
            return refuse(format!(
                "relationship id {} is already taken (new ids start at {})",
                id.0, state.next_rel
            ));
        }
        if state.index.relationship(id).is_some() {
            // Chosen by an earlier element, or given to one as a fresh id.
            return refuse(format!("relationship id {} appears twice in this import", id.0));
        }
        self.next_rel = self.next_rel.max(id.0 + 1);
        Ok(())
    }

    /// A fact key must name one element: new to the store and to this
    /// write.
    fn check_key(&mut self, state: &State, key: &Option<String>) -> Result<(), BulkRejection> {
        let Some(holder) = key.as_ref().and_then(|key| state.index.element_by_key(key)) else {
            return Ok(());
        };
        let of_this_write = match holder {
            ElementId::Node(id) => id.0 >= self.first_node,
            ElementId::Rel(id) => id.0 >= self.first_rel,
        };
        let whose = if of_this_write {
            "an earlier element of this import"
        } else {
            "an element in the store"
        };
        let key = key.as_deref().unwrap_or_default();
        let message = format!("fact key `{key}` is already taken: {whose} has it");
        Err(BulkRejection::at(
            BulkField::Key,
            QueryError::new(ErrorClass::ConstraintVerificationFailed, message),
        ))
    }

    /// The labels of a relationship's end: a new node's, or a stored one's.
    fn labels_of<'a>(
        &'a self,
        state: &'a State,
        id: NodeId,
        field: BulkField,
    ) -> Result<&'a [String], BulkRejection> {
        if let Some(set) = self.nodes.get(id) {
            return Ok(&self.label_sets[*set as usize]);
        }
        match state.index.node(id) {
            Some(node) => Ok(node.labels),
            None => {
                let message = format!(
                    "node {} does not exist (neither in the store nor earlier in this import)",
                    id.0
                );
                Err(BulkRejection::at(
                    field,
                    QueryError::new(ErrorClass::EntityNotFound, message),
                ))
            }
        }
    }
}

/// A new node's id must never have been handed out (ids are not reused,
/// even after a delete), must fit an INTEGER (`id(n)` returns it), and may
/// appear once.
fn check_new_id(state: &State, new: &NewNodes, id: NodeId) -> Result<()> {
    let refuse =
        |message: String| Err(QueryError::new(ErrorClass::ConstraintVerificationFailed, message).into());
    if id.0 == 0 || id.0 > i64::MAX as u64 {
        return refuse(format!("node id {} is out of range (1 to {})", id.0, i64::MAX));
    }
    if id.0 < state.next_node {
        let why = if state.index.node(id).is_some() {
            "a node in the store has it"
        } else {
            "a deleted node had it, and ids are never reused"
        };
        return refuse(format!(
            "node id {} is already taken: {why} (new ids start at {})",
            id.0, state.next_node
        ));
    }
    if new.get(id).is_some() {
        return refuse(format!("node id {} appears twice in this import", id.0));
    }
    Ok(())
}

/// Works out which part of a node the schema refuses, with the full
/// description in the message (the slow path of [`Checked::check_node`]).
fn node_rejection(schema: &Schema, node: &Node) -> BulkRejection {
    let what = describe_node(NodeView::of(node));
    if let Err(e) = schema.check_node(&what, &node.labels, &mut Properties::new()) {
        return BulkRejection::at(BulkField::Labels, e);
    }
    for (key, value) in &node.properties {
        let mut one = Properties::from([(key.clone(), value.clone())]);
        if let Err(e) = schema.check_node(&what, &node.labels, &mut one) {
            return BulkRejection::at(BulkField::Property(key.clone()), e);
        }
    }
    for label in &node.labels {
        for (key, def) in schema
            .labels
            .get(label)
            .map(|l| &l.properties)
            .into_iter()
            .flatten()
        {
            if def.required && !node.properties.contains_key(key) {
                let e = crate::schema::violation(&what, &format!("{label}.{key} is required"));
                return BulkRejection::at(BulkField::Property(key.clone()), e);
            }
        }
    }
    // Each part passed on its own; the whole did not (a rule over several
    // properties): blame the node.
    let e = QueryError::new(
        ErrorClass::ConstraintVerificationFailed,
        format!("{what} breaks the schema"),
    );
    BulkRejection::from(Error::from(e))
}

/// The slow path of [`Checked::check_relationship`]: which part is at fault.
fn relationship_rejection(schema: &Schema, rel: &NewRel, start: &[String], end: &[String]) -> BulkRejection {
    let what = format!(
        "relationship ({})-[:{}]->({})",
        rel.start.0, rel.rel_type, rel.end.0
    );
    if let Err(e) = schema.check_relationship(&what, &rel.rel_type, start, end, &mut Properties::new()) {
        return BulkRejection::at(BulkField::Type, e);
    }
    for (key, value) in &rel.properties {
        let mut one = Properties::from([(key.clone(), value.clone())]);
        if let Err(e) = schema.check_relationship(&what, &rel.rel_type, start, end, &mut one) {
            return BulkRejection::at(BulkField::Property(key.clone()), e);
        }
    }
    let e = QueryError::new(
        ErrorClass::ConstraintVerificationFailed,
        format!("{what} breaks the schema"),
    );
    BulkRejection::from(Error::from(e))
}

/// Takes the elements of a failed bulk write out of the in-memory index.
fn undo_in_memory(state: &mut State, checked: &Checked, was_empty: bool) {
    if was_empty {
        // Everything in it is the import's: start again from nothing,
        // rather than unlinking millions of elements one by one.
        state.index = state.index.emptied();
        return;
    }
    let index = &mut state.index;
    // Only a built adjacency tells that a node has no relationships left,
    // and a node is removed only then.
    if index.is_loading() {
        index.finish_load();
    }
    // Every relationship of the import has an id at or above the counter
    // before it, and nothing else does.
    let new: Vec<RelId> = index
        .relationships()
        .map(|r| r.id)
        .filter(|id| id.0 >= checked.first_rel)
        .collect();
    for id in new {
        index.remove_relationship(id);
    }
    for node in checked.nodes.ids() {
        index.remove_node(node);
    }
    index.forget_deleted();
}

/// Removes every record at or above the marker's counters, then the
/// marker; flushes. Used when a write phase fails and when a store is opened
/// with the marker present. Safe to repeat: a crash during it leaves the
/// marker, and the next open finishes the job. Returns how many nodes and
/// relationships were removed.
pub(super) fn remove_partial_import(engine: &dyn Engine, marker: &ImportMarker) -> Result<(u64, u64)> {
    let rels = trim_pages(
        engine,
        layout::REL,
        marker.next_rel,
        layout::decode_rel_page,
        |rel| rel.id.0,
        |kept| layout::encode_rel_page(&kept.iter().map(|rel| rel.as_view()).collect::<Vec<_>>()),
    )?;
    let nodes = trim_pages(
        engine,
        layout::NODE,
        marker.next_node,
        layout::decode_node_page,
        |node| node.id.0,
        |kept| layout::encode_node_page(&kept.iter().map(|n| NodeView::of(n)).collect::<Vec<_>>()),
    )?;
    let mut last = WriteBatch::new();
    last.delete(layout::META_IMPORT);
    engine.apply(last)?;
    engine.flush()?;
    Ok((nodes, rels))
}

/// Takes the records with ids at or above `first_new` out of the pages of
/// keyspace `space`: pages holding only new ids are deleted, the page
/// holding both old and new ones is written again with the old ones.
/// `id` names a record's id. Returns how many records were removed.
fn trim_pages<T>(
    engine: &dyn Engine,
    space: u8,
    first_new: u64,
    decode: impl Fn(&[u8], &[u8]) -> Result<Vec<T>>,
    id: impl Fn(&T) -> u64,
    encode: impl Fn(&[&T]) -> Result<Vec<u8>>,
) -> Result<u64> {
    let mut start = vec![space];
    start.extend(layout::page_of(first_new).to_be_bytes());
    let end = layout::space_end(space);
    let mut removed = 0;
    let mut batch = WriteBatch::new();
    for item in engine.scan_range(&start, Some(&end)) {
        let (key, value) = item?;
        let records = decode(&key, &value)?;
        let kept: Vec<&T> = records.iter().filter(|r| id(r) < first_new).collect();
        removed += (records.len() - kept.len()) as u64;
        if kept.len() < records.len() {
            super::put_page(&mut batch, key, &kept, &encode)?;
        }
        if batch.len() >= BATCH_PAGES {
            engine.apply(std::mem::take(&mut batch))?;
        }
    }
    engine.apply(batch)?;
    Ok(removed)
}

/// Called when a store is opened: removes an import that never finished.
pub(super) fn recover(engine: &dyn Engine) -> Result<Option<RecoveredImport>> {
    let Some(bytes) = engine.get(layout::META_IMPORT)? else {
        return Ok(None);
    };
    let marker: ImportMarker = layout::decode(&bytes, "import marker")?;
    let (nodes, relationships) = remove_partial_import(engine, &marker)?;
    Ok(Some(RecoveredImport {
        description: marker.description,
        nodes,
        relationships,
    }))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
