//! The in-memory graph index: every node and relationship, held for traversal.
//!
//! This layer owns the structures queries walk: the node records (in a
//! table by slot, `table.rs`, packed into bytes, `packed.rs`, and handed
//! out as [`NodeView`]s, `view.rs`) with each node's labels as bits by the
//! same slot, each relationship's type and ends (10 bytes by id, `table.rs`; a
//! relationship has a record only for properties, sources or a key), the
//! typed adjacency expansions read (`adjacency.rs`), and the lookup indexes
//! (by label, `idset.rs`; by unique key; by fact key). These are all of
//! Attest's indexes: the store keeps only records. It is rebuilt
//! from the store when a store is opened (the relationship table and the
//! adjacency possibly from the cache `cache.rs` writes and reads, which
//! the caller keeps beside the store) and kept in step by the
//! transaction layer (`crate::db`), which is the only caller of its
//! mutating methods. petgraph's algorithms and walkers run over it through
//! petgraph's visit traits (`visit.rs`), without a copy.
//!
//! **Architecture invariant:** slots never leave this module and are never
//! stored, but as the ranks of the relationship cache, which only this
//! module reads and checks against the nodes loaded. A removed node's
//! slot is reused, so slots are not identities; Attest's own
//! [`NodeId`]/[`RelId`] are. Calls only `crate::model`.

mod adjacency;
mod cache;
mod idset;
mod packed;
mod paths;
mod prefetch;
mod table;
mod view;
mod visit;

pub(crate) use cache::RelCache;
pub(crate) use packed::{PackedNode, ValueRef};
pub use paths::ShortestPaths;
pub use view::NodeView;
pub use visit::{Edges, Neighbors, RelRef};

use adjacency::{AdjEntry, Adjacency, BuildEdge, SHORT_LIST};

/// How many relationship types a graph may have: an adjacency entry keeps
/// a type id in 15 bits (docs/performance.md, change 55). Neo4j's limit
/// was of the same order for years (65,535); a news graph has a few dozen.
pub const MAX_REL_TYPES: usize = adjacency::MAX_TYPES;
use idset::IdSet;
use prefetch::prefetch;
use table::{Edge, NodeTable, RelDetails, RelTable};

use crate::model::{Direction, ElementId, Labels, Node, NodeId, RelId, RelView, Relationship, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Bit `i` set: the node has the label interned as `i`. Label ids from
/// [`OVERFLOW_LABEL`] on share that last bit, which then means "ask the
/// record".
pub type LabelBits = u64;

/// How many entries ahead
/// [`GraphIndex::try_for_each_neighbour_reading_ahead`] asks for a
/// neighbour's slot and adjacency head (and half as far, for the entries
/// the head points to): enough for a few memory reads to be under way at
/// once.
const READ_AHEAD: usize = 16;

/// Relationships from which building the adjacency of a store being
/// opened takes a second thread.
const TWO_THREADS_FROM: usize = 1 << 15;

/// How many entries ahead an expansion asks for the next neighbour's id
/// (by slot) while it names neighbours by id.
const IDS_AHEAD: usize = 8;

/// How many neighbours' label bits
/// [`GraphIndex::read_ahead_neighbour_labels`] asks for.
const READ_AHEAD_LABELS: usize = 8;

/// The bit shared by every label interned past the 63rd.
const OVERFLOW_LABEL: u32 = 63;

/// How to test a node's labels against the labels a pattern asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabelTest {
    /// The node qualifies when all these bits are set (none: any node).
    Bits(LabelBits),
    /// A label no node carries: nothing qualifies.
    Never,
    /// Some label shares the overflow bit: check the record.
    Record,
}

impl LabelTest {
    /// True when `bits` pass; `None` when only the record can tell.
    pub fn passes(self, bits: LabelBits) -> Option<bool> {
        match self {
            LabelTest::Bits(wanted) => Some(bits & wanted == wanted),
            LabelTest::Never => Some(false),
            LabelTest::Record => None,
        }
    }
}

/// A unique-key index for one `(label, property)` pair. A value maps to a set
/// because a transaction may briefly hold a duplicate that its commit check
/// then rejects.
type UniqueIndex = HashMap<Vec<u8>, BTreeSet<NodeId>>;

/// Which relationship types an expansion keeps, by interned type id.
#[derive(Clone, Debug)]
enum TypeFilter {
    Any,
    Mask(u64),
    List(Vec<u32>),
}

impl TypeFilter {
    fn keeps(&self, rel_type: u32) -> bool {
        match self {
            TypeFilter::Any => true,
            TypeFilter::Mask(mask) => rel_type < 64 && mask & (1 << rel_type) != 0,
            TypeFilter::List(list) => list.binary_search(&rel_type).is_ok(),
        }
    }
}

/// The relationship types an expansion follows, resolved against one
/// index by [`GraphIndex::type_set`]: resolve once per query, not once per
/// row.
#[derive(Clone, Debug)]
pub struct TypeSet(TypeFilter);

/// One relationship at a node, as an expansion meets it: the relationship
/// and the node at its other end. [`GraphIndex::neighbour_labels`] gives
/// that node's label bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// The relationship.
    pub rel: RelId,
    /// The node at the other end.
    pub node: NodeId,
    slot: u32,
}

/// What a walk over adjacency entries asks to be read ahead.
#[derive(Clone, Copy)]
enum Ahead {
    /// Nothing: the walk keeps slots.
    Nothing,
    /// Neighbours' ids, which the walk names its neighbours by.
    Ids,
    /// What expanding from each neighbour reads (see
    /// [`GraphIndex::try_for_each_neighbour_reading_ahead`]).
    Expansion,
}

/// The stages of [`GraphIndex::read_ahead`], in the order an expansion
/// reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAhead {
    /// The node's slot, found by its id.
    Slot,
    /// Where the node's adjacency starts.
    Head,
    /// The node's first adjacency entries.
    Entries,
}

/// A shared, read-only view of an index's node records
/// ([`GraphIndex::node_records`]).
pub(crate) struct NodeRecords(Arc<NodeTable>);

impl NodeRecords {
    /// The node `id`.
    pub(crate) fn node(&self, id: NodeId) -> Option<NodeView<'_>> {
        self.0.get(id)
    }
}

/// Maps keyed by element id (and by label or type name). Ids are small
/// integers the store hands out, not attacker-chosen keys, so the fast Fx
/// hash replaces SipHash here: id lookups are most of the work of matching
/// a pattern, and every relationship loaded looks its type up.
pub(crate) type IdMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// An adjacency built for a loading index, to hand to
/// [`GraphIndex::finish_load_with`].
pub(crate) struct LoadedAdjacency(Adjacency);

/// All nodes and relationships in memory, with their indexes.
///
/// Read it through a [`Snapshot`](crate::db::Snapshot) (or a transaction):
///
/// ```
/// use attest::db::Graph;
/// use attest::model::Direction;
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Event {kind: 'airstrike'})-[:AGENT]->(:Actor {name: 'Russia'})")?;
///
/// let snapshot = graph.read();
/// let index = snapshot.index();
/// assert_eq!(index.label_count("Actor"), 1);
/// let event = index.nodes_with_label("Event").next().unwrap();
/// let agents = index.relationships_of(event, Direction::Outgoing, &["AGENT"]);
/// let (_, actor) = agents[0];
/// assert_eq!(index.node(actor).unwrap().property("name").as_str(), Some("Russia"));
/// # Ok::<(), attest::Error>(())
/// ```
#[derive(Default)]
pub struct GraphIndex {
    /// Slots of removed nodes, to reuse (the last freed first) before the
    /// node table grows.
    free_slots: Vec<u32>,
    /// By node slot: the node's labels as bits of interned label
    /// ids, so checking `(:Event)` on a neighbour costs no lookup of its
    /// record (on the million-event set, that lookup is a cache miss or
    /// three per row). Kept apart from the records so that an expansion
    /// can ask for a neighbour's bits to be read ahead: their address is
    /// known from the slot alone.
    slot_labels: Vec<LabelBits>,
    /// Label name to the bit it has in [`GraphIndex::slot_labels`].
    label_ids: IdMap<String, u32>,
    /// Node records by slot, and node ids to slots. Shared only while a
    /// bulk import writes its node pages on a second thread (see
    /// [`GraphIndex::node_records`]); every change goes through
    /// [`GraphIndex::nodes_mut`].
    nodes: Arc<NodeTable>,
    /// Each relationship's type and ends by id, and the details of the few
    /// relationships that have properties, sources or a key.
    rels: RelTable,
    /// Each label's nodes.
    by_label: IdMap<String, IdSet>,
    rel_type_ids: IdMap<String, u32>,
    rel_type_names: Vec<String>,
    /// Relationships per interned type id.
    rel_type_counts: Vec<usize>,
    /// The type [`GraphIndex::intern_type`] returned last.
    last_type: u32,
    /// The label list [`GraphIndex::label_facts`] answered last, and its
    /// answer.
    last_label_facts: Option<(Labels, (LabelBits, u64))>,
    unique: BTreeMap<(String, String), UniqueIndex>,
    by_key: HashMap<String, ElementId>,
    /// Types of relationships deleted by the open transaction: openCypher
    /// lets a statement still ask `type(r)` of a relationship it deleted.
    /// Cleared when the transaction ends.
    deleted_types: IdMap<RelId, String>,
    /// Each node's relationships grouped by direction and type.
    adjacency: Adjacency,
    /// By interned type id: the label bits every start node and every end
    /// node of that type carries, as the schema's joins guarantee (zero in
    /// an open store). See [`GraphIndex::implied_labels`].
    join_labels: Vec<[LabelBits; 2]>,
    /// The schema's guarantees as given, by type name, to re-apply when a
    /// type is interned later.
    join_rules: BTreeMap<String, [Vec<String>; 2]>,
    /// Set when the open transaction took a label off a node: until the
    /// commit re-checks the joins, the schema's guarantees may not hold.
    labels_removed: bool,
    /// Set while a store is being loaded: the adjacency is built once at
    /// the end ([`GraphIndex::finish_load`]) instead of entry by entry.
    loading: bool,
}

impl GraphIndex {
    /// An empty index maintaining unique-key indexes for the given
    /// `(label, property)` pairs.
    pub fn new(unique_keys: &[(String, String)]) -> GraphIndex {
        let mut index = GraphIndex::default();
        for key in unique_keys {
            index.unique.insert(key.clone(), HashMap::new());
        }
        index
    }

    /// Makes room for about `nodes` more nodes and `rels` more
    /// relationships, so that loading a store does not grow the maps step
    /// by step.
    pub(crate) fn reserve(&mut self, nodes: usize, rels: usize) {
        self.nodes_mut().reserve(nodes);
        self.rels.reserve(rels);
        self.slot_labels.reserve(nodes);
    }

    /// Makes room for a bulk import of about `nodes` new nodes and `rels`
    /// new relationships, as its source expects: no vector grows step by
    /// step (copying the relationship table each time), and node ids that arrive
    /// out of order (a file of high ids first) stay in the dense id map.
    pub(crate) fn reserve_import(&mut self, nodes: usize, rels: usize) {
        self.reserve(nodes, rels);
        self.nodes_mut().expect(nodes);
    }

    /// An empty index kept as this one is: the same unique-key indexes and
    /// the same schema joins.
    pub(crate) fn emptied(&self) -> GraphIndex {
        let unique: Vec<(String, String)> = self.unique.keys().cloned().collect();
        let mut index = GraphIndex::new(&unique);
        index.set_join_labels(self.join_rules.clone());
        index
    }

    /// True between [`GraphIndex::begin_load`] and the end of the load.
    pub(crate) fn is_loading(&self) -> bool {
        self.loading
    }

    /// Starts loading a store: relationships inserted until
    /// [`GraphIndex::finish_load`] are not yet in the adjacency.
    pub(crate) fn begin_load(&mut self) {
        self.loading = true;
    }

    /// Builds the adjacency of everything inserted, in two sequential
    /// passes over the relationships (a counting sort by node), instead of
    /// one random access per entry while loading; on two threads, since
    /// nothing else runs then, unless the graph is too small to pay for
    /// starting one.
    pub(crate) fn finish_load(&mut self) {
        let adjacency = self.loaded_adjacency(self.rels.len() >= TWO_THREADS_FROM);
        self.finish_load_with(adjacency);
    }

    /// Ends loading with an adjacency [`GraphIndex::loaded_adjacency`]
    /// built (on another thread, while the index was only read).
    pub(crate) fn finish_load_with(&mut self, adjacency: LoadedAdjacency) {
        self.loading = false;
        self.adjacency = adjacency.0;
    }

    /// The adjacency of everything in the index, built from the
    /// relationship table in two sequential passes (a counting sort by
    /// node), on two threads when `two_threads` is set.
    pub(crate) fn loaded_adjacency(&self, two_threads: bool) -> LoadedAdjacency {
        let (rels, nodes) = (&self.rels, &*self.nodes);
        let edges = |add: &mut dyn FnMut(BuildEdge)| {
            for (rel, edge) in rels.edges() {
                add(BuildEdge {
                    start: edge.start as usize,
                    end: edge.end as usize,
                    rel,
                    rel_type: u32::from(edge.rel_type),
                });
            }
        };
        LoadedAdjacency(Adjacency::built(nodes.slot_bound(), two_threads, edges))
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of relationships.
    pub fn relationship_count(&self) -> usize {
        self.rels.len()
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> Option<NodeView<'_>> {
        self.nodes.get(id)
    }

    /// The relationship with this id.
    pub fn relationship(&self, id: RelId) -> Option<RelView<'_>> {
        self.rel_view(id, self.rels.edge(id)?)
    }

    /// The relationship `id`, put together from its type and ends and its
    /// details, if it has any.
    fn rel_view(&self, id: RelId, edge: Edge) -> Option<RelView<'_>> {
        let rel_type = self.rel_type_names.get(edge.rel_type as usize)?;
        // A relationship's ends are live nodes (a node with relationships
        // cannot be removed): their ids come from the vector of ids by
        // slot, not from their records.
        let start = self.nodes.live_id_at(edge.start as usize);
        let end = self.nodes.live_id_at(edge.end as usize);
        let mut view = RelView::plain(id, rel_type, start, end);
        if let Some(details) = self.rels.details(id) {
            view.properties = &details.properties;
            view.sources = &details.sources;
            view.key = details.key.as_deref();
        }
        Some(view)
    }

    /// Every node, in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeView<'_>> {
        self.nodes.values()
    }

    /// Every node id in ascending order (deterministic scans).
    pub fn node_ids(&self) -> Vec<NodeId> {
        let mut ids: Vec<NodeId> = self.nodes.values().map(|n| n.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Every relationship, in no particular order (by id while ids are
    /// dense).
    pub fn relationships(&self) -> impl Iterator<Item = RelView<'_>> {
        self.rels.edges().filter_map(|(id, edge)| self.rel_view(id, edge))
    }

    /// Ids of the nodes carrying `label`, ascending.
    pub fn nodes_with_label(&self, label: &str) -> impl Iterator<Item = NodeId> + '_ {
        self.by_label.get(label).into_iter().flat_map(IdSet::iter)
    }

    /// Number of nodes carrying `label`.
    pub fn label_count(&self, label: &str) -> usize {
        self.by_label.get(label).map_or(0, IdSet::len)
    }

    /// Labels in use with their node counts, by name.
    pub fn label_counts(&self) -> impl Iterator<Item = (&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .by_label
            .iter()
            .filter(|(_, s)| s.len() > 0)
            .map(|(l, s)| (l.as_str(), s.len()))
            .collect();
        counts.sort_unstable();
        counts.into_iter()
    }

    /// Relationship types in use with their counts, by name.
    pub fn relationship_type_counts(&self) -> impl Iterator<Item = (&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .rel_type_names
            .iter()
            .zip(&self.rel_type_counts)
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| (t.as_str(), *n))
            .collect();
        counts.sort_unstable();
        counts.into_iter()
    }

    /// Property keys in use on nodes and relationships, sorted.
    pub fn property_keys(&self) -> BTreeSet<&str> {
        let node_keys = self.nodes.values().flat_map(|n| n.property_keys());
        let rel_keys = self
            .relationships()
            .flat_map(|r| r.properties.keys().map(String::as_str));
        node_keys.chain(rel_keys).collect()
    }

    /// True when `(label, property)` has a unique-key index.
    pub fn has_unique_index(&self, label: &str, property: &str) -> bool {
        self.unique
            .contains_key(&(label.to_string(), property.to_string()))
    }

    /// Nodes with `label` whose `property` equals `value`, through the
    /// unique-key index; `None` when that pair is not indexed.
    pub fn find_unique(&self, label: &str, property: &str, value: &Value) -> Option<Vec<NodeId>> {
        let index = self.unique.get(&(label.to_string(), property.to_string()))?;
        Some(
            index
                .get(&value.index_key())
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
        )
    }

    /// Every unique-key value held by more than one node, as `(label,
    /// property, one holder's value, how many hold it)`; empty in a
    /// consistent store.
    pub fn unique_violations(&self) -> Vec<(&str, &str, Value, usize)> {
        let mut found = Vec::new();
        for ((label, prop), index) in &self.unique {
            for ids in index.values().filter(|ids| ids.len() > 1) {
                let value = ids
                    .first()
                    .and_then(|id| self.nodes.get(*id))
                    .map(|n| n.property(prop))
                    .unwrap_or(Value::Null);
                found.push((label.as_str(), prop.as_str(), value, ids.len()));
            }
        }
        found
    }

    /// Unique-key values currently held by more than one node, as
    /// `(label, property, node ids)`: what a commit must reject.
    pub fn unique_conflicts_for(&self, node: NodeView<'_>) -> Vec<(String, String, Vec<NodeId>)> {
        let mut conflicts = Vec::new();
        for ((label, prop), index) in &self.unique {
            if !node.has_label(label) {
                continue;
            }
            let value = node.property(prop);
            if value.is_null() {
                continue;
            }
            if let Some(ids) = index.get(&value.index_key())
                && ids.len() > 1
            {
                conflicts.push((label.clone(), prop.clone(), ids.iter().copied().collect()));
            }
        }
        conflicts
    }

    /// The element a fact file named `key`.
    pub fn element_by_key(&self, key: &str) -> Option<ElementId> {
        self.by_key.get(key).copied()
    }

    /// Relationships at `node` in `direction`, restricted to `types` (all
    /// types when empty), as `(relationship, node at the other end)`. A
    /// self-loop appears once per direction it matches.
    pub fn relationships_of(
        &self,
        node: NodeId,
        direction: Direction,
        types: &[&str],
    ) -> Vec<(RelId, NodeId)> {
        let mut out = Vec::new();
        self.for_each_relationship(node, direction, types, |rel, other| out.push((rel, other)));
        out
    }

    /// Calls `f(relationship, other node)` for each relationship at `node`,
    /// as [`GraphIndex::relationships_of`] lists them, without allocating.
    pub fn for_each_relationship(
        &self,
        node: NodeId,
        direction: Direction,
        types: &[&str],
        mut f: impl FnMut(RelId, NodeId),
    ) {
        if let Some(types) = self.type_set(types) {
            let _ = self.try_for_each_neighbour(node, direction, &types, |n| {
                f(n.rel, n.node);
                Ok::<(), ()>(())
            });
        }
    }

    /// How to test label bits for nodes carrying all of `labels`.
    pub fn label_test(&self, labels: &[String]) -> LabelTest {
        let mut wanted = 0;
        for label in labels {
            match self.label_ids.get(label) {
                None => return LabelTest::Never,
                Some(&id) if id >= OVERFLOW_LABEL => return LabelTest::Record,
                Some(&id) => wanted |= 1 << id,
            }
        }
        LabelTest::Bits(wanted)
    }

    /// The types named (all types when empty), resolved for expansions;
    /// `None` when types were named and none of them exists (nothing can
    /// match).
    pub fn type_set<S: AsRef<str>>(&self, types: &[S]) -> Option<TypeSet> {
        if types.is_empty() {
            return Some(TypeSet(TypeFilter::Any));
        }
        let ids = types
            .iter()
            .filter_map(|t| self.rel_type_ids.get(t.as_ref()).copied());
        // A bit mask keeps the common case (fewer than 64 types in the
        // store) free of allocation and of duplicates.
        let filter = if self.rel_type_names.len() <= 64 {
            TypeFilter::Mask(ids.fold(0u64, |mask, id| mask | (1 << id)))
        } else {
            let mut list: Vec<u32> = ids.collect();
            list.sort_unstable();
            list.dedup();
            TypeFilter::List(list)
        };
        match &filter {
            TypeFilter::Mask(0) => None,
            TypeFilter::List(list) if list.is_empty() => None,
            _ => Some(TypeSet(filter)),
        }
    }

    /// Calls `f` for each relationship at `node` in `direction` whose type
    /// is in `types`: outgoing ones first, then incoming, each by type and
    /// then by relationship id. A self-loop appears once per direction it
    /// matches. Stops at the first error `f` returns.
    pub fn try_for_each_neighbour<E>(
        &self,
        node: NodeId,
        direction: Direction,
        types: &TypeSet,
        f: impl FnMut(Neighbour) -> Result<(), E>,
    ) -> Result<(), E> {
        self.try_for_each_neighbour_reading_ahead(node, direction, types, false, f)
    }

    /// [`GraphIndex::try_for_each_neighbour`], reading ahead when
    /// `read_ahead` is set: for an expansion that goes on from each
    /// neighbour, while one neighbour is visited the adjacency of one a few
    /// entries later is read into the cache. Visiting thousands of
    /// neighbours' lists is a wait on memory per neighbour otherwise; read
    /// ahead, the waits overlap.
    pub fn try_for_each_neighbour_reading_ahead<E>(
        &self,
        node: NodeId,
        direction: Direction,
        types: &TypeSet,
        read_ahead: bool,
        mut f: impl FnMut(Neighbour) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(slot) = self.nodes.slot(node) else {
            return Ok(());
        };
        let ahead = if read_ahead { Ahead::Expansion } else { Ahead::Ids };
        self.try_for_each_entry(slot, direction, types, ahead, |e| f(self.neighbour(e)))
    }

    /// Each relationship at the node in `slot` in `direction` whose type is
    /// in `types`, with its other end's slot, in the order
    /// [`GraphIndex::try_for_each_neighbour`] gives: for searches that
    /// keep slots rather than ids (no lookup of either per neighbour).
    pub(crate) fn for_each_neighbour_slot(
        &self,
        slot: usize,
        direction: Direction,
        types: &TypeSet,
        mut f: impl FnMut(RelId, usize),
    ) {
        let _ = self.try_for_each_entry(slot, direction, types, Ahead::Nothing, |e| {
            f(self.adjacency.rel(e), e.other_slot as usize);
            Ok::<(), ()>(())
        });
    }

    /// The entries behind [`GraphIndex::try_for_each_neighbour_reading_ahead`].
    fn try_for_each_entry<E>(
        &self,
        slot: usize,
        direction: Direction,
        types: &TypeSet,
        ahead: Ahead,
        mut f: impl FnMut(&AdjEntry) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut visit = |run: &[AdjEntry], skip_loops: bool| {
            for (at, e) in run.iter().enumerate() {
                match ahead {
                    Ahead::Expansion => self.read_ahead_in_run(run, at),
                    Ahead::Ids => {
                        if let Some(later) = run.get(at + IDS_AHEAD) {
                            self.nodes.prefetch_id(later.other_slot as usize);
                        }
                    }
                    Ahead::Nothing => {}
                }
                if !(skip_loops && e.other_slot as usize == slot) {
                    f(e)?;
                }
            }
            Ok(())
        };
        if matches!(direction, Direction::Outgoing | Direction::Both) {
            self.for_each_run(slot, false, types, &mut |run| visit(run, false))?;
        }
        if matches!(direction, Direction::Incoming | Direction::Both) {
            // A self-loop was already listed as outgoing when both
            // directions are asked for.
            let skip_loops = direction == Direction::Both;
            self.for_each_run(slot, true, types, &mut |run| visit(run, skip_loops))?;
        }
        Ok(())
    }

    /// While the entry at `at` of `run` is visited, asks for what
    /// expanding from later entries' other ends will read first, in two
    /// stages: the slot by id and the adjacency head [`READ_AHEAD`] entries
    /// on, and half as far on, the first entries that head points to (by
    /// then the head is in the cache).
    #[inline]
    fn read_ahead_in_run(&self, run: &[AdjEntry], at: usize) {
        if let Some(far) = run.get(at + READ_AHEAD) {
            self.nodes.prefetch_id(far.other_slot as usize);
            self.adjacency.prefetch_head(far.other_slot as usize);
        }
        if let Some(near) = run.get(at + READ_AHEAD / 2) {
            let slot = near.other_slot as usize;
            self.nodes.prefetch_slot(self.nodes.live_id_at(slot));
            self.adjacency.prefetch_entries(slot);
        }
    }

    /// Asks for what expanding from `node` reads first to be brought into
    /// the cache, one stage of it: an expansion that knows its next starts
    /// asks for the slot of a far one, the head of a nearer one, the
    /// entries of the next but few (each stage reads what the one before
    /// brought in). A hint: nothing changes but speed.
    #[inline]
    pub fn read_ahead(&self, node: NodeId, stage: ReadAhead) {
        match stage {
            ReadAhead::Slot => self.nodes.prefetch_slot(node),
            ReadAhead::Head => {
                if let Some(slot) = self.nodes.slot(node) {
                    self.adjacency.prefetch_head(slot);
                }
            }
            ReadAhead::Entries => {
                if let Some(slot) = self.nodes.slot(node) {
                    self.adjacency.prefetch_entries(slot);
                }
            }
        }
    }

    /// Asks for the label bits of the first few nodes an expansion from
    /// `node` will meet to be brought into the cache: the stage after
    /// [`ReadAhead::Entries`], for an expansion that checks its
    /// neighbours' labels. Reads `node`'s adjacency, which those stages
    /// brought in.
    pub fn read_ahead_neighbour_labels(&self, node: NodeId, direction: Direction, types: &TypeSet) {
        let Some(slot) = self.nodes.slot(node) else {
            return;
        };
        let mut left = READ_AHEAD_LABELS;
        let mut ask = |run: &[AdjEntry]| {
            for e in run.iter().take(left) {
                if let Some(bits) = self.slot_labels.get(e.other_slot as usize) {
                    prefetch(bits);
                }
            }
            left = left.saturating_sub(run.len());
            if left == 0 { Err(()) } else { Ok(()) }
        };
        if matches!(direction, Direction::Outgoing | Direction::Both) {
            let _ = self.for_each_run(slot, false, types, &mut ask);
        }
        if matches!(direction, Direction::Incoming | Direction::Both) {
            let _ = self.for_each_run(slot, true, types, &mut ask);
        }
    }

    /// How many relationships [`GraphIndex::try_for_each_neighbour`] would
    /// list, without listing them.
    pub fn count_neighbours(&self, node: NodeId, direction: Direction, types: &TypeSet) -> usize {
        let Some(slot) = self.nodes.slot(node) else {
            return 0;
        };
        let mut count = 0;
        if matches!(direction, Direction::Outgoing | Direction::Both) {
            let _ = self.for_each_run(slot, false, types, &mut |run| {
                count += run.len();
                Ok::<(), ()>(())
            });
        }
        if matches!(direction, Direction::Incoming | Direction::Both) {
            let skip_loops = direction == Direction::Both;
            let _ = self.for_each_run(slot, true, types, &mut |run| {
                count += if skip_loops {
                    run.iter().filter(|e| e.other_slot as usize != slot).count()
                } else {
                    run.len()
                };
                Ok::<(), ()>(())
            });
        }
        count
    }

    /// The runs of `slot`'s adjacency in one direction holding the types
    /// of `types`, in type order.
    fn for_each_run<E>(
        &self,
        slot: usize,
        incoming: bool,
        types: &TypeSet,
        f: &mut impl FnMut(&[AdjEntry]) -> Result<(), E>,
    ) -> Result<(), E> {
        let all = self.adjacency.all(slot);
        if all.len() <= SHORT_LIST {
            // A short list is read once, keeping the wanted entries (still
            // in type order): its run list need not be read at all.
            let mut kept = [AdjEntry::EMPTY; SHORT_LIST];
            let mut n = 0;
            for e in all {
                if e.incoming() == incoming && types.0.keeps(e.rel_type()) {
                    kept[n] = *e;
                    n += 1;
                }
            }
            return f(&kept[..n]);
        }
        match &types.0 {
            TypeFilter::Any => f(self.adjacency.direction(slot, incoming)),
            TypeFilter::Mask(mask) => {
                let mut rest = *mask;
                while rest != 0 {
                    let rel_type = rest.trailing_zeros();
                    rest &= rest - 1;
                    f(self.adjacency.run(slot, incoming, rel_type))?;
                }
                Ok(())
            }
            TypeFilter::List(list) => list
                .iter()
                .try_for_each(|rel_type| f(self.adjacency.run(slot, incoming, *rel_type))),
        }
    }

    /// The label bits of the node at a neighbour's other end.
    pub fn neighbour_labels(&self, neighbour: &Neighbour) -> LabelBits {
        self.slot_labels
            .get(neighbour.slot as usize)
            .copied()
            .unwrap_or(0)
    }

    /// The relationship of an adjacency entry and the node at its other
    /// end.
    #[inline]
    fn neighbour(&self, e: &AdjEntry) -> Neighbour {
        Neighbour {
            rel: self.adjacency.rel(e),
            // Adjacency entries name only live nodes' slots (see
            // `adjacency.rs`).
            node: self.nodes.live_id_at(e.other_slot as usize),
            slot: e.other_slot,
        }
    }

    /// Label bits that every node met by expanding in `direction` over
    /// `types` carries, because the schema's joins say so: an expansion
    /// need not check them. Zero in an open store, and while the open
    /// transaction has removed a label (its commit re-checks the joins).
    pub fn implied_labels(&self, direction: Direction, types: &TypeSet) -> LabelBits {
        if self.labels_removed {
            return 0;
        }
        let ends: &[usize] = match direction {
            Direction::Outgoing => &[1],
            Direction::Incoming => &[0],
            Direction::Both => &[0, 1],
        };
        let implied_by = |rel_type: u32| {
            let labels = self.join_labels.get(rel_type as usize).copied().unwrap_or([0, 0]);
            ends.iter().fold(!0, |bits, end| bits & labels[*end])
        };
        match &types.0 {
            TypeFilter::Any => (0..self.rel_type_names.len() as u32)
                .fold(if self.rel_type_names.is_empty() { 0 } else { !0 }, |bits, t| {
                    bits & implied_by(t)
                }),
            TypeFilter::Mask(mask) => {
                let mut bits = !0;
                let mut rest = *mask;
                while rest != 0 {
                    bits &= implied_by(rest.trailing_zeros());
                    rest &= rest - 1;
                }
                bits
            }
            TypeFilter::List(list) => list.iter().fold(!0, |bits, t| bits & implied_by(*t)),
        }
    }

    /// Declares the labels every start and end node of each relationship
    /// type carries (from the schema's joins), for
    /// [`GraphIndex::implied_labels`].
    pub(crate) fn set_join_labels(&mut self, rules: BTreeMap<String, [Vec<String>; 2]>) {
        self.join_rules = rules;
        let types: Vec<String> = self.rel_type_names.clone();
        self.join_labels.clear();
        for rel_type in &types {
            let labels = self.join_bits(rel_type);
            self.join_labels.push(labels);
        }
    }

    fn join_bits(&mut self, rel_type: &str) -> [LabelBits; 2] {
        let Some(rule) = self.join_rules.get(rel_type).cloned() else {
            return [0, 0];
        };
        rule.map(|labels| {
            labels.iter().fold(0, |bits, label| {
                let id = self.intern_label(label);
                // A label past the bits cannot be vouched for by a bit.
                if id >= OVERFLOW_LABEL {
                    bits
                } else {
                    bits | 1 << id
                }
            })
        })
    }

    /// Number of relationships at `node` (a self-loop counts once).
    pub fn degree(&self, node: NodeId) -> usize {
        let mut n = 0;
        self.for_each_relationship(node, Direction::Both, &[], |_, _| n += 1);
        n
    }

    /// A relationship of `rel_type` from `start` to `end`, if one exists.
    pub fn find_relationship(&self, start: NodeId, rel_type: &str, end: NodeId) -> Option<RelId> {
        let mut found = None;
        self.for_each_relationship(start, Direction::Outgoing, &[rel_type], |rel, other| {
            if other == end && found.is_none() {
                found = Some(rel);
            }
        });
        found
    }

    // ----- mutation: called by the transaction layer only -----

    /// The node records, to change. Copies them first if they are shared,
    /// which they are only while a bulk import's node pages are being
    /// written from a [`NodeRecords`]; the import waits for that writer
    /// before it changes a node, so no copy is ever made in practice, and
    /// if one were, it would cost time, never correctness.
    fn nodes_mut(&mut self) -> &mut NodeTable {
        Arc::make_mut(&mut self.nodes)
    }

    /// The node records as they are now, to read on another thread while
    /// this index goes on taking relationships (which never change a node
    /// record): a bulk import writes its node pages from them while it
    /// reads its relationships.
    pub(crate) fn node_records(&self) -> NodeRecords {
        NodeRecords(Arc::clone(&self.nodes))
    }

    /// Gives the new node `id` a slot: a removed node's, the last freed
    /// first (its label bits are set anew when the node is indexed), or
    /// the next one.
    fn slot_for_new(&mut self, id: NodeId) -> usize {
        let slot = match self.free_slots.pop() {
            Some(slot) => slot as usize,
            None => self.nodes.slot_bound(),
        };
        if self.slot_labels.len() <= slot {
            self.slot_labels.resize(slot + 1, 0);
        }
        self.nodes_mut().set_slot(id, slot);
        slot
    }

    /// Adds a node (its id must be new).
    pub(crate) fn insert_node(&mut self, node: Node) {
        let slot = self.slot_for_new(node.id);
        self.index_node(&node);
        self.nodes_mut().put(slot, node);
    }

    /// Adds a node whose values are packed already (its id must be new):
    /// what opening a store does for each node of its pages.
    pub(crate) fn insert_packed_node(&mut self, node: PackedNode) {
        let slot = self.slot_for_new(node.id);
        self.index_node_parts(
            node.id,
            &node.labels,
            |prop| node.property(prop),
            node.key.as_deref(),
        );
        self.nodes_mut().put_packed(slot, node);
    }

    /// Replaces a node's record (labels, properties, sources, key), keeping
    /// its relationships. Returns the previous record.
    pub(crate) fn replace_node(&mut self, node: Node) -> Option<Node> {
        let slot = self.nodes.slot(node.id)?;
        let old = self.nodes_mut().take(node.id)?;
        if old.labels.iter().any(|l| !node.has_label(l)) {
            self.labels_removed = true;
        }
        self.unindex_node(&old);
        self.index_node(&node);
        self.nodes_mut().put(slot, node);
        Some(old)
    }

    /// Removes a node that has no relationships left; returns its record.
    /// Refuses (`None`) while a load is under way: the adjacency, which
    /// tells whether a node still has relationships, is not built yet.
    pub(crate) fn remove_node(&mut self, id: NodeId) -> Option<Node> {
        let slot = self.nodes.slot(id)?;
        if self.loading || !self.adjacency.all(slot).is_empty() {
            return None;
        }
        let node = self.nodes_mut().take(id)?;
        self.nodes_mut().forget(id);
        // Slots are u32 (see `Table::set_slot`).
        self.free_slots.push(slot as u32);
        self.unindex_node(&node);
        Some(node)
    }

    /// Adds a relationship between two existing nodes; false if either end
    /// is missing.
    pub(crate) fn insert_relationship(&mut self, rel: Relationship) -> bool {
        let Some(edge) = self.add_edge(rel.as_view()) else {
            return false;
        };
        if let Some(key) = &rel.key {
            self.by_key.insert(key.clone(), ElementId::Rel(rel.id));
        }
        self.rels.insert(rel.id, edge, RelDetails::of(rel));
        true
    }

    /// Adds a relationship with no properties, sources or key: what most
    /// records of a large store are, added without an owned record (no
    /// type name allocated per relationship while a store opens).
    pub(crate) fn insert_plain_relationship(
        &mut self,
        id: RelId,
        rel_type: &str,
        start: NodeId,
        end: NodeId,
    ) -> bool {
        let Some(edge) = self.add_edge(RelView::plain(id, rel_type, start, end)) else {
            return false;
        };
        self.rels.insert(id, edge, None);
        true
    }

    /// Puts a relationship into the adjacency (unless a load defers it)
    /// and counts its type; returns its type and ends for the relationship
    /// table, or `None` if either end is missing or the type is one too
    /// many ([`GraphIndex::type_fits`], which writers check first).
    fn add_edge(&mut self, rel: RelView<'_>) -> Option<Edge> {
        let a = self.nodes.slot(rel.start)?;
        let b = self.nodes.slot(rel.end)?;
        let rel_type = self.intern_type(rel.rel_type)?;
        if !self.loading {
            self.adjacency.add(a, rel.id, b as u32, false, rel_type);
            self.adjacency.add(b, rel.id, a as u32, true, rel_type);
        }
        self.rel_type_counts[rel_type as usize] += 1;
        Some(Edge {
            start: a as u32,
            end: b as u32,
            // Below MAX_TYPES (`intern_type`).
            rel_type: rel_type as u16,
        })
    }

    /// Replaces a relationship's properties, sources and key (type and ends
    /// never change). Returns the previous record.
    pub(crate) fn replace_relationship(&mut self, rel: Relationship) -> Option<Relationship> {
        let old = self.relationship(rel.id)?.to_relationship();
        if let Some(key) = &old.key {
            self.by_key.remove(key);
        }
        if let Some(key) = &rel.key {
            self.by_key.insert(key.clone(), ElementId::Rel(rel.id));
        }
        self.rels.set_details(rel.id, RelDetails::of(rel));
        Some(old)
    }

    /// Removes a relationship; returns its record.
    pub(crate) fn remove_relationship(&mut self, id: RelId) -> Option<Relationship> {
        let edge = self.rels.edge(id)?;
        let rel = self.rel_view(id, edge)?.to_relationship();
        let rel_type = u32::from(edge.rel_type);
        self.adjacency
            .remove(edge.start as usize, adjacency::group(false, rel_type), id);
        self.adjacency
            .remove(edge.end as usize, adjacency::group(true, rel_type), id);
        self.rels.remove(id);
        if let Some(n) = self.rel_type_counts.get_mut(rel_type as usize) {
            *n -= 1;
        }
        if let Some(key) = &rel.key {
            self.by_key.remove(key);
        }
        self.deleted_types.insert(id, rel.rel_type.clone());
        Some(rel)
    }

    /// The type of a relationship the open transaction deleted.
    pub fn deleted_relationship_type(&self, id: RelId) -> Option<&str> {
        self.deleted_types.get(&id).map(String::as_str)
    }

    /// Forgets deleted relationships' types (the transaction ended).
    pub(crate) fn forget_deleted(&mut self) {
        self.deleted_types.clear();
        self.labels_removed = false;
    }

    fn intern_label(&mut self, label: &str) -> u32 {
        if let Some(&id) = self.label_ids.get(label) {
            return id;
        }
        let id = self.label_ids.len() as u32;
        self.label_ids.insert(label.to_string(), id);
        id
    }

    /// True when a relationship of type `rel_type` can be added: the type
    /// is known, or fewer than [`MAX_REL_TYPES`] types are. Writers check
    /// it before they change anything, to refuse the type with an error.
    pub fn type_fits(&self, rel_type: &str) -> bool {
        self.rel_type_names.len() < MAX_REL_TYPES || self.rel_type_ids.contains_key(rel_type)
    }

    /// The id of `rel_type`, interned if new; `None` when it is new and
    /// [`MAX_REL_TYPES`] types are known already.
    fn intern_type(&mut self, rel_type: &str) -> Option<u32> {
        // Relationships come in runs of one type (a store's pages, an
        // import's files): try the last type interned before hashing.
        let last = self.last_type as usize;
        if self.rel_type_names.get(last).is_some_and(|name| name == rel_type) {
            return Some(self.last_type);
        }
        if let Some(&id) = self.rel_type_ids.get(rel_type) {
            self.last_type = id;
            return Some(id);
        }
        if self.rel_type_names.len() >= MAX_REL_TYPES {
            return None;
        }
        let id = self.rel_type_names.len() as u32;
        self.rel_type_names.push(rel_type.to_string());
        self.rel_type_ids.insert(rel_type.to_string(), id);
        self.rel_type_counts.push(0);
        let labels = self.join_bits(rel_type);
        self.join_labels.push(labels);
        Some(id)
    }

    fn index_node(&mut self, node: &Node) {
        self.index_node_parts(
            node.id,
            &node.labels,
            |prop| node.properties.get(prop).cloned(),
            node.key.as_deref(),
        );
    }

    /// Indexes a node given its parts: its id, labels, a way to read a
    /// property (for the unique-key indexes) and its fact key.
    fn index_node_parts(
        &mut self,
        id: NodeId,
        labels: &Labels,
        property: impl Fn(&str) -> Option<Value>,
        key: Option<&str>,
    ) {
        for label in labels {
            // get_mut first: `entry` would copy the label name per node.
            match self.by_label.get_mut(label) {
                Some(ids) => {
                    ids.insert(id);
                }
                None => {
                    let mut ids = IdSet::default();
                    ids.insert(id);
                    self.by_label.insert(label.clone(), ids);
                }
            }
        }
        let (bits, unique_keys) = self.label_facts(labels);
        if let Some(slot_bits) = self
            .nodes
            .slot(id)
            .and_then(|slot| self.slot_labels.get_mut(slot))
        {
            *slot_bits = bits;
        }
        for (i, ((label, prop), index)) in self.unique.iter_mut().enumerate() {
            let applies = if i < 63 {
                unique_keys & (1 << i) != 0
            } else {
                labels.iter().any(|l| l == label)
            };
            if applies && let Some(value) = property(prop) {
                index.entry(value.index_key()).or_default().insert(id);
            }
        }
        if let Some(key) = key {
            self.by_key.insert(key.to_string(), ElementId::Node(id));
        }
    }

    /// A label list's bits, and which unique-key indexes (by position in
    /// `unique`) apply to its nodes. Nodes come in runs of one label list
    /// (a store's pages, an import's files), which is interned: the answer
    /// for the last list is kept and reused while the same list comes back.
    fn label_facts(&mut self, labels: &Labels) -> (LabelBits, u64) {
        if let Some((last, facts)) = &self.last_label_facts
            && last.ptr_eq(labels)
        {
            return *facts;
        }
        let mut bits = 0;
        for label in labels.iter() {
            bits |= 1 << self.intern_label(label).min(OVERFLOW_LABEL);
        }
        // Bit i: the i-th index applies. Indexes past the 63rd (a schema
        // with that many unique keys) are tested per node instead.
        let mut unique_keys = 0u64;
        for (i, (label, _)) in self.unique.keys().enumerate().take(63) {
            if labels.iter().any(|l| l == label) {
                unique_keys |= 1 << i;
            }
        }
        self.last_label_facts = Some((labels.clone(), (bits, unique_keys)));
        (bits, unique_keys)
    }

    fn unindex_node(&mut self, node: &Node) {
        for label in &node.labels {
            if let Some(set) = self.by_label.get_mut(label) {
                set.remove(node.id);
            }
        }
        for ((label, prop), index) in self.unique.iter_mut() {
            if let (true, Some(value)) = (node.has_label(label), node.properties.get(prop)) {
                let key = value.index_key();
                if let Some(set) = index.get_mut(&key) {
                    set.remove(&node.id);
                    if set.is_empty() {
                        index.remove(&key);
                    }
                }
            }
        }
        if let Some(key) = &node.key
            && self.by_key.get(key) == Some(&ElementId::Node(node.id))
        {
            self.by_key.remove(key);
        }
    }

    /// Checks every internal index against the records; returns the first
    /// disagreement found. Used by tests and the crash harness.
    pub fn verify(&self) -> Result<(), String> {
        if let Some(slot) = self
            .free_slots
            .iter()
            .find(|s| self.nodes.at(**s as usize).is_some())
        {
            return Err(format!("free slot {slot} holds a record"));
        }
        for node in self.nodes.values() {
            let id = &node.id;
            let slot = self.nodes.slot(*id).ok_or(format!("{id} has no graph slot"))?;
            if self.nodes.id_at(slot) != Some(*id) || self.nodes.live_id_at(slot) != *id {
                return Err(format!("{id}'s slot holds another record"));
            }
            let bits = node
                .labels
                .iter()
                .filter_map(|l| self.label_ids.get(l))
                .fold(0, |bits, id| bits | 1 << (*id).min(OVERFLOW_LABEL));
            if self.slot_labels.get(slot) != Some(&bits)
                || node.labels.iter().any(|l| !self.label_ids.contains_key(l))
            {
                return Err(format!("{id}'s label bits disagree with its labels"));
            }
            for label in node.labels {
                if !self.by_label.get(label).is_some_and(|s| s.contains(*id)) {
                    return Err(format!("{id} missing from label index {label}"));
                }
            }
        }
        for (label, ids) in &self.by_label {
            if let Some(id) = ids
                .iter()
                .find(|id| !self.nodes.get(*id).is_some_and(|n| n.has_label(label)))
            {
                return Err(format!("label index {label} lists {id} wrongly"));
            }
        }
        let mut rels = 0;
        for (id, edge) in self.rels.edges() {
            rels += 1;
            if self.rel_view(id, edge).is_none() {
                return Err(format!("{id} names a type or an end that does not exist"));
            }
        }
        if rels != self.rels.len() {
            return Err(format!(
                "{rels} relationships listed, {} counted",
                self.rels.len()
            ));
        }
        if let Some(id) = self.rels.detailed().find(|id| self.rels.edge(*id).is_none()) {
            return Err(format!("{id} has details but is not in the graph"));
        }
        self.verify_adjacency()?;
        self.verify_keys()?;
        self.verify_unique()?;
        self.verify_type_counts()
    }

    /// The adjacency lists hold each relationship once at each end, sorted,
    /// with the right direction, type and other end.
    fn verify_adjacency(&self) -> Result<(), String> {
        if !self.adjacency.sorted() {
            return Err("an adjacency list is out of order".into());
        }
        let mut entries = 0;
        for (slot, e) in self.adjacency.entries() {
            entries += 1;
            let id = self.adjacency.rel(e);
            let rel = self
                .relationship(id)
                .ok_or(format!("adjacency lists {id}, which does not exist"))?;
            let (here, there) = if e.incoming() {
                (rel.end, rel.start)
            } else {
                (rel.start, rel.end)
            };
            let type_name = self.rel_type_names.get(e.rel_type() as usize);
            if self.nodes.id_at(slot) != Some(here)
                || self.neighbour(e).node != there
                || self.nodes.id_at(e.other_slot as usize) != Some(there)
                || type_name.map(String::as_str) != Some(rel.rel_type)
            {
                return Err(format!("the adjacency entry of {id} disagrees with its record"));
            }
        }
        if entries != 2 * self.rels.len() {
            return Err(format!(
                "the adjacency lists hold {entries} entries for {} relationships",
                self.rels.len()
            ));
        }
        Ok(())
    }

    /// Every element that carries a fact key, with its key, as the records
    /// say (the index keeps one element per key; this lists them all).
    pub fn keyed_elements(&self) -> impl Iterator<Item = (&str, ElementId)> {
        let nodes = self
            .nodes
            .values()
            .filter_map(|n| Some((n.key()?, ElementId::Node(n.id))));
        let rels = self
            .relationships()
            .filter_map(|r| Some((r.key?, ElementId::Rel(r.id))));
        nodes.chain(rels)
    }

    /// The fact-key index holds exactly the records' keys, each once.
    fn verify_keys(&self) -> Result<(), String> {
        let mut keyed = 0;
        for (key, id) in self.keyed_elements() {
            keyed += 1;
            if self.by_key.get(key) != Some(&id) {
                return Err(format!(
                    "fact key {key:?} does not lead to {id:?} (two elements carry it, or the index is stale)"
                ));
            }
        }
        if keyed != self.by_key.len() {
            return Err(format!(
                "the fact-key index has {} entries for {keyed} keyed elements",
                self.by_key.len()
            ));
        }
        Ok(())
    }

    /// Each unique-key index lists exactly the nodes with that label and
    /// property, under their value.
    fn verify_unique(&self) -> Result<(), String> {
        for ((label, prop), index) in &self.unique {
            let mut listed = 0;
            for node in self.nodes.values() {
                let value = node.property(prop);
                if node.has_label(label) && !value.is_null() {
                    listed += 1;
                    if !index
                        .get(&value.index_key())
                        .is_some_and(|ids| ids.contains(&node.id))
                    {
                        return Err(format!("unique index {label}.{prop} misses {}", node.id));
                    }
                }
            }
            let entries: usize = index.values().map(BTreeSet::len).sum();
            if entries != listed {
                return Err(format!(
                    "unique index {label}.{prop} has {entries} entries for {listed} nodes"
                ));
            }
        }
        Ok(())
    }

    /// The per-type relationship counts match the records.
    fn verify_type_counts(&self) -> Result<(), String> {
        let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
        for rel in self.relationships() {
            *counted.entry(rel.rel_type).or_default() += 1;
        }
        let kept: BTreeMap<&str, usize> = self.relationship_type_counts().collect();
        if counted != kept {
            return Err(format!(
                "relationship counts per type {kept:?} disagree with the records {counted:?}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn unique_indexes_follow_each_nodes_labels_across_runs_and_past_63_indexes() {
        // 70 labels, each with a unique `name`: indexes past the 63rd are
        // tested per node, the others through the remembered label list.
        let keys: Vec<(String, String)> = (0..70)
            .map(|i| (format!("L{i:02}"), "name".to_string()))
            .collect();
        let mut index = GraphIndex::new(&keys);
        let labels_of = |id: u64| format!("L{:02}", [3, 3, 65, 65, 3, 69][id as usize - 1]);
        for id in 1..=6 {
            index.insert_node(node(id, &labels_of(id), &format!("n{id}")));
        }
        for id in 1..=6 {
            let name = Value::from(format!("n{id}"));
            for label in ["L03", "L65", "L69"] {
                let found = index.find_unique(label, "name", &name).expect("indexed pair");
                let expected = if label == labels_of(id) {
                    vec![NodeId(id)]
                } else {
                    vec![]
                };
                assert_eq!(found, expected, "node {id} under {label}");
            }
        }
        let bits = |id: u64| index.slot_labels[index.nodes.slot(NodeId(id)).unwrap()];
        assert_eq!(bits(1), bits(5));
        assert_ne!(bits(1), bits(3));
    }

    use crate::model::Properties;

    fn node(id: u64, label: &str, name: &str) -> Node {
        let mut properties = Properties::new();
        properties.insert("name".into(), name.into());
        Node {
            id: NodeId(id),
            labels: [label].into(),
            properties,
            sources: Default::default(),
            key: None,
        }
    }

    /// A plain relationship, for tests of this module's parts too.
    pub(in crate::graph) fn rel(id: u64, t: &str, a: u64, b: u64) -> Relationship {
        Relationship {
            id: RelId(id),
            rel_type: t.into(),
            start: NodeId(a),
            end: NodeId(b),
            properties: Properties::new(),
            sources: vec![],
            key: None,
        }
    }

    /// Plain relationships keep no details; details come and go with
    /// replacements, and every form reads back as the record it was given.
    #[test]
    fn relationships_keep_details_only_when_they_have_some() {
        let mut g = GraphIndex::new(&[]);
        g.insert_node(node(1, "Event", "strike"));
        g.insert_node(node(2, "Actor", "Russia"));
        assert!(g.insert_plain_relationship(RelId(10), "AGENT", NodeId(1), NodeId(2)));
        assert!(!g.insert_plain_relationship(RelId(12), "AGENT", NodeId(1), NodeId(9)));
        let mut detailed = rel(11, "TARGET", 2, 1);
        detailed.properties.insert("w".into(), Value::Int(1));
        detailed.key = Some("r11".into());
        assert!(g.insert_relationship(detailed.clone()));
        assert_eq!(g.rels.detailed().collect::<Vec<_>>(), vec![RelId(11)]);
        assert_eq!(
            g.relationship(RelId(10)).map(|r| r.to_relationship()),
            Some(rel(10, "AGENT", 1, 2))
        );
        assert_eq!(
            g.relationship(RelId(11)).map(|r| r.to_relationship()),
            Some(detailed.clone())
        );
        assert_eq!(g.element_by_key("r11"), Some(ElementId::Rel(RelId(11))));

        // Made plain: the details go, the key with them.
        let old = g.replace_relationship(rel(11, "TARGET", 2, 1));
        assert_eq!(old, Some(detailed.clone()));
        assert_eq!(g.rels.detailed().count(), 0);
        assert_eq!(g.element_by_key("r11"), None);
        // Given details again, then removed: the record comes back whole.
        g.replace_relationship(detailed.clone());
        g.verify().unwrap();
        assert_eq!(g.remove_relationship(RelId(11)), Some(detailed));
        assert_eq!(g.rels.detailed().count(), 0);
        assert_eq!(g.relationship_count(), 1);
        assert_eq!(g.deleted_relationship_type(RelId(11)), Some("TARGET"));
        g.verify().unwrap();
    }

    #[test]
    fn traverses_by_type_and_direction() {
        let mut g = GraphIndex::new(&[("Actor".into(), "name".into())]);
        g.insert_node(node(1, "Event", "strike"));
        g.insert_node(node(2, "Actor", "Russia"));
        g.insert_node(node(3, "Actor", "U.S."));
        assert!(g.insert_relationship(rel(10, "AGENT", 1, 2)));
        assert!(g.insert_relationship(rel(11, "TARGET", 1, 3)));
        assert_eq!(
            g.relationships_of(NodeId(1), Direction::Outgoing, &["AGENT"]),
            vec![(RelId(10), NodeId(2))]
        );
        assert_eq!(
            g.relationships_of(NodeId(2), Direction::Incoming, &[]),
            vec![(RelId(10), NodeId(1))]
        );
        assert!(g.relationships_of(NodeId(2), Direction::Outgoing, &[]).is_empty());
        assert_eq!(g.relationships_of(NodeId(1), Direction::Both, &["NOPE"]), vec![]);
        assert_eq!(
            g.find_unique("Actor", "name", &"Russia".into()),
            Some(vec![NodeId(2)])
        );
        assert_eq!(
            g.find_relationship(NodeId(1), "TARGET", NodeId(3)),
            Some(RelId(11))
        );
        g.verify().unwrap();
    }

    #[test]
    fn removal_keeps_indexes_consistent_despite_slot_reuse() {
        let mut g = GraphIndex::new(&[]);
        for i in 1..=3 {
            g.insert_node(node(i, "A", "x"));
        }
        assert!(g.insert_relationship(rel(7, "R", 1, 3)));
        assert!(
            g.remove_node(NodeId(1)).is_none(),
            "a node with relationships stays"
        );
        g.remove_relationship(RelId(7)).unwrap();
        g.remove_node(NodeId(1)).unwrap();
        let bound = g.nodes.slot_bound();
        g.insert_node(node(4, "B", "y"));
        assert_eq!(g.nodes.slot_bound(), bound, "the freed slot is reused");
        assert!(g.insert_relationship(rel(8, "R", 4, 3)));
        assert_eq!(
            g.relationships_of(NodeId(3), Direction::Incoming, &[]),
            vec![(RelId(8), NodeId(4))]
        );
        assert_eq!(
            g.relationship(RelId(8)).map(|r| (r.start, r.end)),
            Some((NodeId(4), NodeId(3)))
        );
        assert_eq!(g.label_count("A"), 2);
        g.verify().unwrap();
    }

    #[test]
    fn no_node_is_removed_while_a_load_defers_the_adjacency() {
        let mut g = GraphIndex::new(&[]);
        g.begin_load();
        for i in 1..=3 {
            g.insert_node(node(i, "A", "x"));
        }
        assert!(g.insert_relationship(rel(7, "R", 1, 2)));
        // Only the adjacency tells that a node has relationships, and a
        // load builds it at the end: until then, removing is refused.
        assert!(g.remove_node(NodeId(3)).is_none());
        g.finish_load();
        assert!(g.remove_node(NodeId(1)).is_none());
        assert!(g.remove_node(NodeId(3)).is_some());
        g.verify().unwrap();
    }

    /// Node ids too wide for an adjacency entry are read through the other
    /// end's slot, built at load or added later, and stay right when a
    /// removed node's slot is taken by another node.
    #[test]
    fn wide_node_ids_are_read_through_their_slot_despite_reuse() {
        let wide = 1u64 << 40;
        // The first id that does not fit: u32::MAX marks a wide id.
        let edge = u32::MAX as u64;
        for built in [false, true] {
            let mut g = GraphIndex::new(&[]);
            if built {
                g.begin_load();
            }
            g.insert_node(node(1, "A", "x"));
            g.insert_node(node(wide, "B", "y"));
            g.insert_node(node(edge, "C", "z"));
            assert!(g.insert_relationship(rel(10, "R", 1, wide)));
            assert!(g.insert_relationship(rel(11, "R", edge, 1)));
            if built {
                g.finish_load();
            }
            g.verify().unwrap();
            assert_eq!(
                g.relationships_of(NodeId(1), Direction::Both, &[]),
                vec![(RelId(10), NodeId(wide)), (RelId(11), NodeId(edge))]
            );
            g.remove_relationship(RelId(10)).unwrap();
            let freed = g.nodes.slot(NodeId(wide));
            g.remove_node(NodeId(wide)).unwrap();
            g.insert_node(node(wide + 1, "D", "w"));
            assert_eq!(g.nodes.slot(NodeId(wide + 1)), freed, "the freed slot is reused");
            assert!(g.insert_relationship(rel(12, "S", wide + 1, 1)));
            g.verify().unwrap();
            let types = g.type_set::<&str>(&[]).unwrap();
            let mut met = Vec::new();
            g.try_for_each_neighbour(NodeId(1), Direction::Incoming, &types, |n| {
                met.push((n.rel, n.node, g.neighbour_labels(&n)));
                Ok::<(), ()>(())
            })
            .unwrap();
            let bits = |label: &str| match g.label_test(&[label.to_string()]) {
                LabelTest::Bits(bits) => bits,
                other => panic!("{other:?}"),
            };
            assert_eq!(
                met,
                vec![
                    (RelId(11), NodeId(edge), bits("C")),
                    (RelId(12), NodeId(wide + 1), bits("D"))
                ]
            );
            assert_eq!(
                g.relationships_of(NodeId(wide + 1), Direction::Outgoing, &[]),
                vec![(RelId(12), NodeId(1))]
            );
        }
    }

    #[test]
    fn self_loops_are_listed_once_for_both_directions() {
        let mut g = GraphIndex::new(&[]);
        g.insert_node(node(1, "A", "x"));
        assert!(g.insert_relationship(rel(2, "R", 1, 1)));
        assert_eq!(g.relationships_of(NodeId(1), Direction::Both, &[]).len(), 1);
        assert_eq!(g.relationships_of(NodeId(1), Direction::Incoming, &[]).len(), 1);
    }

    #[test]
    fn reading_ahead_lists_the_same_neighbours() {
        for built in [false, true] {
            let mut g = GraphIndex::new(&[]);
            if built {
                g.begin_load();
            }
            for id in 1..=60 {
                g.insert_node(node(id, "N", "n"));
            }
            // Node 1: more neighbours than a short list holds and than the
            // read-ahead distance, in three types and both directions, and
            // a self-loop (listed once when both directions are asked for).
            let mut next_rel = 100;
            for other in 2..=60 {
                let t = ["A", "B", "C"][other as usize % 3];
                let (a, b) = if other % 2 == 0 { (1, other) } else { (other, 1) };
                assert!(g.insert_relationship(rel(next_rel, t, a, b)));
                next_rel += 1;
            }
            assert!(g.insert_relationship(rel(next_rel, "A", 1, 1)));
            if built {
                g.finish_load();
            }
            let list = |direction: Direction, types: &TypeSet, ahead: bool| {
                let mut met = Vec::new();
                let visit = |n: Neighbour| {
                    met.push((n.rel, n.node, n.slot));
                    Ok::<(), ()>(())
                };
                g.try_for_each_neighbour_reading_ahead(NodeId(1), direction, types, ahead, visit)
                    .unwrap();
                met
            };
            for types in [&[][..], &["A"][..], &["A", "C"][..]] {
                let types = g.type_set(types).unwrap();
                for direction in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
                    let plain = list(direction, &types, false);
                    assert!(!plain.is_empty());
                    assert_eq!(list(direction, &types, true), plain, "{direction:?}");
                }
            }
            assert_eq!(
                list(Direction::Both, &g.type_set::<&str>(&[]).unwrap(), true).len(),
                60
            );
        }
    }
}
