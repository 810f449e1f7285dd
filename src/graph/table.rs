//! Record tables: node records by slot, each relationship's type and ends
//! (with the details of the few that have more), and the way from an id to
//! its slot.
//!
//! Ids the store hands out are dense (1, 2, 3, …), so the id-to-slot map is
//! a vector indexed by id: one read, where a hash map costs a probe into a
//! table far larger than the caches (on the million-event set, that probe
//! was most of the cost of starting an expansion, and filling the maps most
//! of the cost of opening the store). An import may keep ids of its own
//! choosing (10^9, say); the first id that would leave the vector mostly
//! holes turns it into a hash map for good. A bulk import sizes the vector
//! for its largest id before it starts (when the ids are dense overall), so
//! that node files arriving high ids first do not count as sparse.
//!
//! Node records sit in a vector by slot rather than in a map by id: slots
//! follow insertion order, so a label scan in id order reads records in
//! memory order, and no hash table surrounds them. Each is packed
//! ([`NodeRecord`]): nodes go in as [`Node`]s and come out as
//! [`NodeView`]s. Relationships have no
//! record here unless they have properties, sources or a key: their type
//! and ends are a 10-byte [`Edge`], and on a news graph nearly all of them
//! are nothing more (a 120-byte record each had been a third of the memory of
//! an open million-event store).

use super::IdMap;
use super::NodeView;
use super::packed::{Extra, NodeRecord, PackedNode, Packing};
use super::prefetch::prefetch;
use crate::model::{Node, NodeId, Properties, RelId, Relationship, Source};
use std::hash::Hash;

/// An element id: a `u64` under a name.
pub(super) trait TableId: Copy + Eq + Hash {
    fn raw(self) -> u64;
    fn from_raw(raw: u64) -> Self;
}

impl TableId for NodeId {
    fn raw(self) -> u64 {
        self.0
    }
    fn from_raw(raw: u64) -> NodeId {
        NodeId(raw)
    }
}

impl TableId for RelId {
    fn raw(self) -> u64 {
        self.0
    }
    fn from_raw(raw: u64) -> RelId {
        RelId(raw)
    }
}

/// Node records by node slot, packed ([`NodeRecord`]), with the shapes
/// and label lists they name, the arena their bytes lie in and the
/// extras a few keep beside them. Records go in as [`Node`]s and come
/// out as [`NodeView`]s (or as `Node`s again when taken out).
#[derive(Clone, Default)]
pub(super) struct NodeTable {
    table: Table<NodeId, NodeRecord>,
    packing: Packing,
    /// What the few nodes with citations, a fact key or a wide id keep
    /// beside their records, by slot.
    extras: IdMap<usize, Extra>,
}

impl NodeTable {
    /// Makes room for about `more` more records.
    pub fn reserve(&mut self, more: usize) {
        self.table.reserve(more);
    }

    /// Expects `more` more records (see `Table::expected`).
    pub fn expect(&mut self, more: usize) {
        self.table.expect(more);
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// The slot of `id`.
    #[inline]
    pub fn slot(&self, id: NodeId) -> Option<usize> {
        self.table.slot(id)
    }

    /// One past the highest slot that has held a node.
    pub fn slot_bound(&self) -> usize {
        self.table.slot_bound()
    }

    /// Asks for the slot of `id` to be brought into the cache.
    #[inline]
    pub fn prefetch_slot(&self, id: NodeId) {
        self.table.prefetch_slot(id);
    }

    /// Records that `id` lives in `slot` (see [`Table::set_slot`]).
    pub fn set_slot(&mut self, id: NodeId, slot: usize) {
        self.table.set_slot(id, slot);
    }

    /// Forgets `id`'s slot (its node already taken).
    pub fn forget(&mut self, id: NodeId) {
        self.table.forget(id);
    }

    /// The node `id`.
    pub fn get(&self, id: NodeId) -> Option<NodeView<'_>> {
        self.at(self.slot(id)?)
    }

    /// The node in `slot`.
    pub fn at(&self, slot: usize) -> Option<NodeView<'_>> {
        let record = self.table.at(slot)?;
        Some(self.view(slot, record))
    }

    fn view<'a>(&'a self, slot: usize, record: &'a NodeRecord) -> NodeView<'a> {
        let extra = self.extra(slot, record);
        NodeView::packed(self.id_of(slot, extra), record, &self.packing, extra)
    }

    /// What the node in `slot` keeps beside its record, if anything.
    fn extra(&self, slot: usize, record: &NodeRecord) -> Option<&Extra> {
        // Most records have none: no lookup for them.
        record.has_extra().then(|| self.extras.get(&slot)).flatten()
    }

    fn id_of(&self, slot: usize, extra: Option<&Extra>) -> NodeId {
        match self.table.ids.get(slot) {
            Some(raw) if *raw != NONE => NodeId(u64::from(*raw)),
            _ => extra.and_then(|e| e.wide_id).unwrap_or(NodeId(0)),
        }
    }

    /// Stores `node` in `slot` (its slot set first), packed.
    pub fn put(&mut self, slot: usize, node: Node) {
        let (record, extra) = NodeRecord::pack(node.id.0 >= WIDE, node, &mut self.packing);
        self.store(slot, record, extra);
    }

    /// Stores a node whose values are packed already in `slot`.
    pub fn put_packed(&mut self, slot: usize, node: PackedNode) {
        let (record, extra) = NodeRecord::of_packed(node.id.0 >= WIDE, node, &mut self.packing);
        self.store(slot, record, extra);
    }

    /// Puts `record` (and `extra`) in `slot`; the bytes of the record it
    /// replaces are freed.
    fn store(&mut self, slot: usize, record: NodeRecord, extra: Option<Extra>) {
        if let Some(old) = self.table.at(slot) {
            self.packing.arena.free(old.packed_at());
        }
        match extra {
            Some(extra) => {
                self.extras.insert(slot, extra);
            }
            // Most tables keep no extras at all: no lookup then.
            None if !self.extras.is_empty() => {
                self.extras.remove(&slot);
            }
            None => {}
        }
        self.table.put(slot, record);
        self.repack_if_wasted();
    }

    /// Packs every record's bytes into a new arena once more of the old
    /// one is freed than used (nodes updated or removed): the space of the
    /// records that are left, in one pass.
    fn repack_if_wasted(&mut self) {
        if !self.packing.arena.wasted() {
            return;
        }
        let mut packing = self.packing.emptied();
        for record in self.table.records.iter_mut().flatten() {
            packing.moved(record, &self.packing.arena);
        }
        self.packing = packing;
    }

    /// Takes `id`'s node out, leaving its slot reserved.
    pub fn take(&mut self, id: NodeId) -> Option<Node> {
        let slot = self.table.slot(id)?;
        let record = self.table.take(id)?;
        let extra = self.extras.remove(&slot);
        let node = record.unpack(id, &self.packing, extra.as_ref());
        self.packing.arena.free(record.packed_at());
        self.repack_if_wasted();
        Some(node)
    }

    /// Every node, in slot order.
    pub fn values(&self) -> impl Iterator<Item = NodeView<'_>> {
        self.table
            .records
            .iter()
            .enumerate()
            .filter_map(|(slot, record)| Some(self.view(slot, record.as_ref()?)))
    }

    /// The live slots in id order, read off the id-to-slot vector while
    /// ids are dense (no sort, and no pairs of id and slot to hold);
    /// `None` once the map is a hash map.
    pub fn slots_in_id_order(&self) -> Option<Vec<u32>> {
        let SlotIndex::Dense(by_id) = &self.table.slots else {
            return None;
        };
        let mut slots = Vec::with_capacity(self.len());
        slots.extend(by_id.iter().copied().filter(|slot| *slot != NONE));
        Some(slots)
    }

    /// The id of the node in `slot`, if one lives there.
    pub fn id_at(&self, slot: usize) -> Option<NodeId> {
        let record = self.table.at(slot)?;
        Some(self.id_of(slot, self.extra(slot, record)))
    }

    /// The id of the node in `slot`, which must hold one (as the slots
    /// adjacency entries name do): read from the 4-byte vector of ids by
    /// slot, not from the record, unless the id is too wide for it.
    #[inline]
    pub fn live_id_at(&self, slot: usize) -> NodeId {
        match self.table.ids.get(slot) {
            Some(raw) if *raw != NONE => NodeId(u64::from(*raw)),
            _ => self.id_at(slot).unwrap_or(NodeId(0)),
        }
    }

    /// Asks for the id by slot of the node in `slot` to be brought into
    /// the cache.
    #[inline]
    pub fn prefetch_id(&self, slot: usize) {
        if let Some(raw) = self.table.ids.get(slot) {
            prefetch(raw);
        }
    }
}

/// No slot, in the dense map.
const NONE: u32 = u32::MAX;

/// The first node id the vector of ids by slot cannot hold (`NONE`
/// stands for it and any above): a record keeps such an id itself.
const WIDE: u64 = NONE as u64;

/// Slack the dense map allows past the ids it holds, before an id counts
/// as sparse.
const DENSE_SLACK: u64 = 1 << 16;

/// A value a [`SlotIndex`] holds, with the one value that stands for
/// "none" in its dense vector.
pub(super) trait Vacant: Copy + PartialEq {
    const VACANT: Self;
}

impl Vacant for u32 {
    const VACANT: u32 = NONE;
}

/// Ids to values (a slot, or a relationship's ends): a vector indexed by id
/// while ids are dense, a hash map once they are not.
#[derive(Clone)]
pub(super) enum SlotIndex<I, V = u32> {
    Dense(Vec<V>),
    Sparse(IdMap<I, V>),
}

impl<I, V> Default for SlotIndex<I, V> {
    fn default() -> SlotIndex<I, V> {
        SlotIndex::Dense(Vec::new())
    }
}

impl<I: TableId, V: Vacant> SlotIndex<I, V> {
    fn reserve(&mut self, more: usize) {
        match self {
            SlotIndex::Dense(v) => v.reserve(more),
            SlotIndex::Sparse(m) => m.reserve(more),
        }
    }

    fn get(&self, id: I) -> Option<V> {
        let value = match self {
            SlotIndex::Dense(v) => *v.get(usize::try_from(id.raw()).ok()?)?,
            SlotIndex::Sparse(m) => *m.get(&id)?,
        };
        (value != V::VACANT).then_some(value)
    }

    /// Records `value` for `id`, given how many ids are held (which decides
    /// when the vector would be mostly holes).
    fn set(&mut self, id: I, value: V, held: usize) {
        // An id the vector already covers costs no memory, however sparse.
        if let SlotIndex::Dense(v) = self
            && id.raw() >= v.len() as u64
            && id.raw() > 2 * (held as u64) + DENSE_SLACK
        {
            *self = SlotIndex::Sparse(self.iter().collect());
        }
        match self {
            SlotIndex::Dense(v) => {
                let at = id.raw() as usize;
                if v.len() <= at {
                    v.resize(at + 1, V::VACANT);
                }
                v[at] = value;
            }
            SlotIndex::Sparse(m) => {
                m.insert(id, value);
            }
        }
    }

    /// Every id held with its value: in id order while the ids are dense,
    /// in no particular order once they are not.
    fn iter(&self) -> impl Iterator<Item = (I, V)> + '_ {
        let (dense, sparse) = match self {
            SlotIndex::Dense(v) => (Some(v), None),
            SlotIndex::Sparse(m) => (None, Some(m)),
        };
        let dense = dense.into_iter().flat_map(|v| {
            v.iter()
                .enumerate()
                .filter(|(_, value)| **value != V::VACANT)
                .map(|(at, value)| (I::from_raw(at as u64), *value))
        });
        let sparse = sparse
            .into_iter()
            .flat_map(|m| m.iter().map(|(id, value)| (*id, *value)));
        dense.chain(sparse)
    }

    /// Asks for the value of `id` to be brought into the cache.
    #[inline]
    fn prefetch(&self, id: I) {
        if let SlotIndex::Dense(v) = self
            && let Some(value) = usize::try_from(id.raw()).ok().and_then(|at| v.get(at))
        {
            prefetch(value);
        }
    }

    fn forget(&mut self, id: I) {
        match self {
            SlotIndex::Dense(v) => {
                if let Some(value) = usize::try_from(id.raw()).ok().and_then(|i| v.get_mut(i)) {
                    *value = V::VACANT;
                }
            }
            SlotIndex::Sparse(m) => {
                m.remove(&id);
            }
        }
    }
}

/// Records by slot, with the id-to-slot map.
#[derive(Clone)]
pub(super) struct Table<I, R> {
    slots: SlotIndex<I>,
    records: Vec<Option<R>>,
    /// By slot, the id that was given it last, or [`NONE`] for an id of
    /// 32 bits or more (then only the record has it). Four bytes a slot
    /// against a 32-byte record and its values: expansions read a
    /// neighbour's id here.
    ids: Vec<u32>,
    len: usize,
    /// How many records a bulk import said to expect in all: the id map
    /// judges density by that count rather than by the records held so
    /// far, so that an import naming its ids out of order (a node file of
    /// high ids before one of low ids) keeps the vector rather than turning
    /// it into a hash map at its first jump.
    expected: usize,
}

impl<I, R> Default for Table<I, R> {
    fn default() -> Table<I, R> {
        Table {
            slots: SlotIndex::default(),
            records: Vec::new(),
            ids: Vec::new(),
            len: 0,
            expected: 0,
        }
    }
}

impl<I: TableId, R> Table<I, R> {
    /// Makes room for about `more` more records.
    pub fn reserve(&mut self, more: usize) {
        self.records.reserve(more);
        self.ids.reserve(more);
        self.slots.reserve(more);
    }

    /// Expects `more` more records (see `Table::expected`).
    pub fn expect(&mut self, more: usize) {
        self.expected = self.len.saturating_add(more);
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot of `id`.
    pub fn slot(&self, id: I) -> Option<usize> {
        self.slots.get(id).map(|slot| slot as usize)
    }

    /// One past the highest slot that has held a record: where the next
    /// new slot goes.
    pub fn slot_bound(&self) -> usize {
        self.records.len()
    }

    /// Asks for the slot of `id` to be brought into the cache.
    #[inline]
    pub fn prefetch_slot(&self, id: I) {
        self.slots.prefetch(id);
    }

    /// The record in `slot`.
    pub fn at(&self, slot: usize) -> Option<&R> {
        self.records.get(slot)?.as_ref()
    }

    /// Records that `id` lives in `slot` (its record comes later, with
    /// [`Table::put`]).
    pub fn set_slot(&mut self, id: I, slot: usize) {
        // Slots are u32, as adjacency entries keep them: four billion
        // nodes would need hundreds of GB of records first.
        let slot32 = u32::try_from(slot).unwrap_or(NONE);
        self.slots.set(id, slot32, self.len.max(self.expected));
        let raw = u32::try_from(id.raw()).unwrap_or(NONE);
        // Pushed when it is the next slot, for the reason `Table::put` gives.
        if self.ids.len() == slot {
            self.ids.push(raw);
        } else {
            if self.ids.len() < slot {
                self.ids.resize(slot + 1, NONE);
            }
            self.ids[slot] = raw;
        }
    }

    /// Stores `record` in `slot` (new or replacing the record there).
    pub fn put(&mut self, slot: usize, record: R) {
        // The next slot is pushed: filling it with `None` and then
        // replacing that would read the slot first. On memory never touched
        // before, that read maps the kernel's shared zero page and the write
        // then faults a second time, flushing the other core's TLB. That
        // was about a tenth of opening a million-event store.
        if self.records.len() == slot {
            self.records.push(Some(record));
            self.len += 1;
            return;
        }
        if self.records.len() < slot {
            self.records.resize_with(slot + 1, || None);
        }
        if self.records[slot].replace(record).is_none() {
            self.len += 1;
        }
    }

    /// Takes `id`'s record out, leaving its slot reserved (to put a new
    /// record back, or to forget the slot).
    pub fn take(&mut self, id: I) -> Option<R> {
        let slot = self.slot(id)?;
        let record = self.records.get_mut(slot)?.take()?;
        self.len -= 1;
        Some(record)
    }

    /// Forgets `id`'s slot (its record already taken).
    pub fn forget(&mut self, id: I) {
        self.slots.forget(id);
    }
}

/// What a relationship records beyond its type and ends. Most have none of
/// it, and the relationship table keeps it only for those that do.
#[derive(Debug, Default)]
pub(super) struct RelDetails {
    pub properties: Properties,
    pub sources: Vec<Source>,
    pub key: Option<String>,
}

impl RelDetails {
    /// The details of `rel`, or `None` when it has nothing to record.
    pub fn of(rel: Relationship) -> Option<RelDetails> {
        let plain = rel.properties.is_empty() && rel.sources.is_empty() && rel.key.is_none();
        (!plain).then_some(RelDetails {
            properties: rel.properties,
            sources: rel.sources,
            key: rel.key,
        })
    }
}

/// A relationship's type and ends: its interned type id and its start
/// and end nodes' slots: 10 bytes (packed as adjacency entries are, and
/// the type in 16 bits, as in their groups). Fields are read by copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(super) struct Edge {
    pub start: u32,
    pub end: u32,
    pub rel_type: u16,
}

impl Vacant for Edge {
    // No interned type reaches u16::MAX: types stay below MAX_TYPES.
    const VACANT: Edge = Edge {
        start: NONE,
        end: NONE,
        rel_type: u16::MAX,
    };
}

/// Relationships by id: each one's type and ends (by node slot) in a
/// vector indexed by id while ids are dense, and details for the few
/// relationships that have any. A plain relationship costs this table 10
/// bytes and nothing else; its two adjacency entries are the rest of it.
#[derive(Default)]
pub(super) struct RelTable {
    edges: SlotIndex<RelId, Edge>,
    details: IdMap<RelId, RelDetails>,
    len: usize,
}

impl RelTable {
    /// Makes room for about `more` more relationships.
    pub fn reserve(&mut self, more: usize) {
        self.edges.reserve(more);
    }

    /// Number of relationships.
    pub fn len(&self) -> usize {
        self.len
    }

    /// A table of `edges` by id ([`Edge::VACANT`] where no relationship
    /// has that id), `len` of them live, none with details.
    pub fn from_dense(edges: Vec<Edge>, len: usize) -> RelTable {
        RelTable {
            edges: SlotIndex::Dense(edges),
            details: IdMap::default(),
            len,
        }
    }

    /// One past the highest id the table can hold while its ids are kept
    /// in a vector; `None` once they are kept in a map (sparse ids).
    pub fn dense_bound(&self) -> Option<u64> {
        match &self.edges {
            SlotIndex::Dense(v) => Some(v.len() as u64),
            SlotIndex::Sparse(_) => None,
        }
    }

    /// The type and ends of `id`.
    pub fn edge(&self, id: RelId) -> Option<Edge> {
        self.edges.get(id)
    }

    /// Every relationship's id with its type and ends: in id order while
    /// ids are dense (as the store hands them out), else in no particular
    /// order.
    pub fn edges(&self) -> impl Iterator<Item = (RelId, Edge)> + '_ {
        self.edges.iter()
    }

    /// The details of `id`, if it has any.
    pub fn details(&self, id: RelId) -> Option<&RelDetails> {
        self.details.get(&id)
    }

    /// Adds `id` (a new id) with its type, ends and details.
    pub fn insert(&mut self, id: RelId, edge: Edge, details: Option<RelDetails>) {
        self.edges.set(id, edge, self.len);
        self.len += 1;
        // A new id has no details to replace: plain relationships (nearly
        // all of a large store) skip the map.
        if let Some(details) = details {
            self.details.insert(id, details);
        }
    }

    /// Replaces `id`'s details (none: it has become plain).
    pub fn set_details(&mut self, id: RelId, details: Option<RelDetails>) {
        match details {
            Some(d) => self.details.insert(id, d),
            None => self.details.remove(&id),
        };
    }

    /// Ids of the relationships that have details.
    pub fn detailed(&self) -> impl Iterator<Item = RelId> + '_ {
        self.details.keys().copied()
    }

    /// Removes `id` and its details; returns its type and ends.
    pub fn remove(&mut self, id: RelId) -> Option<Edge> {
        let edge = self.edges.get(id);
        if edge.is_some() {
            self.edges.forget(id);
            self.len -= 1;
        }
        self.details.remove(&id);
        edge
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::Value;

    /// A node of label `A` and no properties, for tests of the graph's
    /// parts.
    pub(in crate::graph) fn node(id: u64) -> Node {
        Node {
            id: NodeId(id),
            labels: ["A"].into(),
            properties: Properties::new(),
            sources: Default::default(),
            key: None,
        }
    }

    #[test]
    fn dense_ids_and_a_sparse_one_are_all_found() {
        let mut table = NodeTable::default();
        for (slot, id) in [1u64, 2, 3, 1_000_000_000, 4].into_iter().enumerate() {
            table.set_slot(NodeId(id), slot);
            table.put(slot, node(id));
        }
        assert!(matches!(table.table.slots, SlotIndex::Sparse(_)));
        assert_eq!(table.len(), 5);
        for id in [1u64, 2, 3, 1_000_000_000, 4] {
            assert_eq!(table.get(NodeId(id)).map(|n| n.id), Some(NodeId(id)));
        }
        assert!(table.get(NodeId(5)).is_none());
        assert_eq!(table.take(NodeId(2)).map(|n| n.id), Some(NodeId(2)));
        table.forget(NodeId(2));
        assert_eq!(table.slot(NodeId(2)), None);
        assert_eq!(table.len(), 4);
        assert_eq!(table.values().count(), 4);
    }

    #[test]
    fn a_record_is_put_in_the_next_slot_a_later_one_or_over_another() {
        let mut table = NodeTable::default();
        // The next slot (pushed), a slot past it (the gap stays empty),
        // then a slot that is already taken (replaced, not counted twice).
        for (slot, id) in [(0, 1u64), (3, 2), (3, 3), (1, 4)] {
            table.set_slot(NodeId(id), slot);
            table.put(slot, node(id));
        }
        assert_eq!(table.len(), 3);
        let ids: Vec<u64> = table.values().map(|n| n.id.0).collect();
        assert_eq!(ids, [1, 4, 3]);
        assert_eq!(table.at(2).map(|n| n.id), None);
        assert_eq!(table.at(3).map(|n| n.id), Some(NodeId(3)));
    }

    #[test]
    fn citations_keys_and_wide_ids_are_kept_beside_the_records_by_slot() {
        use crate::model::Source;
        let mut table = NodeTable::default();
        let cited = |id: u64| {
            let mut n = node(id);
            n.sources = vec![Source::sentence("article", 3)].into();
            n.key = Some(format!("key-{id}"));
            n
        };
        let wide = 1u64 << 40;
        for (slot, n) in [cited(1), node(2), node(wide)].into_iter().enumerate() {
            table.set_slot(n.id, slot);
            table.put(slot, n);
        }
        let one = table.get(NodeId(1)).unwrap();
        assert_eq!((one.key(), one.sources().len()), (Some("key-1"), 1));
        let two = table.get(NodeId(2)).unwrap();
        assert_eq!((two.key(), two.sources().len()), (None, 0));
        assert_eq!(table.get(NodeId(wide)).map(|n| n.id), Some(NodeId(wide)));
        assert_eq!(table.id_at(2), Some(NodeId(wide)));
        assert_eq!(table.extras.len(), 2);
        // Rewritten without citations or key: nothing kept beside it.
        table.put(0, node(1));
        assert_eq!(table.get(NodeId(1)).unwrap().key(), None);
        assert_eq!(table.extras.len(), 1);
        // Taken out whole.
        table.put(0, cited(1));
        let taken = table.take(NodeId(1)).unwrap();
        assert_eq!((taken.key.as_deref(), taken.sources.len()), (Some("key-1"), 1));
        assert_eq!(taken.labels, ["A"]);
        assert_eq!(table.extras.len(), 1);
    }

    #[test]
    fn records_rewritten_and_removed_keep_their_values_and_the_arena_small() {
        let mut table = NodeTable::default();
        let text = |id: u64, round: u64| format!("{id}:{round}:{}", "x".repeat(4000));
        let with_text = |id: u64, round: u64| {
            let mut n = node(id);
            n.properties.insert("text".into(), Value::from(text(id, round)));
            n
        };
        for id in 1..=100u64 {
            table.set_slot(NodeId(id), id as usize);
            table.put(id as usize, with_text(id, 0));
        }
        // Each record rewritten ten times: 4 MB of bytes replaced against
        // 0.4 MB in use, so the arena is packed anew on the way.
        for round in 1..=10 {
            for id in 1..=100u64 {
                table.put(id as usize, with_text(id, round));
            }
        }
        for id in 1..=100u64 {
            let view = table.get(NodeId(id)).expect("still there");
            assert_eq!(view.property("text"), Value::from(text(id, 10)));
        }
        assert!(
            table.packing.arena.chunks() <= 2,
            "{} chunks",
            table.packing.arena.chunks()
        );
        // Taken out: the node comes back whole, and the rest still read.
        for id in 1..=90u64 {
            let taken = table.take(NodeId(id)).expect("taken");
            assert_eq!(taken.properties.get("text"), Some(&Value::from(text(id, 10))));
        }
        for id in 91..=100u64 {
            assert_eq!(
                table.get(NodeId(id)).map(|v| v.property("text")),
                Some(Value::from(text(id, 10)))
            );
        }
    }

    #[test]
    fn ids_reserved_ahead_stay_in_the_vector_in_any_order() {
        // An import's node files in name order: high ids (Assertion)
        // before low ones (Event), the way the million-event set comes.
        let mut table = NodeTable::default();
        table.expect(300_000);
        let ids = (1..=1000u64).chain(200_001..=300_000).chain(1001..=200_000);
        for (slot, id) in ids.enumerate() {
            table.set_slot(NodeId(id), slot);
            table.put(slot, node(id));
        }
        assert!(matches!(table.table.slots, SlotIndex::Dense(_)));
        assert_eq!(table.len(), 300_000);
        for id in [1u64, 1000, 1001, 200_000, 200_001, 300_000] {
            assert_eq!(table.get(NodeId(id)).map(|n| n.id), Some(NodeId(id)));
        }
        assert!(table.get(NodeId(300_001)).is_none());
        // Ids far beyond what was expected still turn the map sparse.
        let mut table = NodeTable::default();
        table.expect(10);
        for (slot, id) in [1u64, 1_000_000_000].into_iter().enumerate() {
            table.set_slot(NodeId(id), slot);
            table.put(slot, node(id));
        }
        assert!(matches!(table.table.slots, SlotIndex::Sparse(_)));
        assert_eq!(
            table.get(NodeId(1_000_000_000)).map(|n| n.id),
            Some(NodeId(1_000_000_000))
        );
    }

    fn edge(start: u32, end: u32, rel_type: u16) -> Edge {
        Edge { start, end, rel_type }
    }

    #[test]
    fn a_relationship_costs_ten_bytes_and_any_id_is_kept() {
        assert_eq!(std::mem::size_of::<Edge>(), 10);
        let mut table = RelTable::default();
        let ids = [1, 2, u64::from(u32::MAX), 1 << 32, (1 << 40) + 5, u64::MAX];
        for (i, id) in ids.into_iter().enumerate() {
            table.insert(RelId(id), edge(i as u32, 7, i as u16 % 3), None);
        }
        assert!(matches!(table.edges, SlotIndex::Sparse(_)));
        assert_eq!(table.len(), ids.len());
        for (i, id) in ids.into_iter().enumerate() {
            assert_eq!(table.edge(RelId(id)), Some(edge(i as u32, 7, i as u16 % 3)));
        }
        let mut listed: Vec<u64> = table.edges().map(|(id, _)| id.0).collect();
        listed.sort_unstable();
        assert_eq!(listed, ids);
        assert_eq!(table.remove(RelId(1 << 32)), Some(edge(3, 7, 0)));
        assert_eq!(table.remove(RelId(1 << 32)), None);
        assert_eq!(table.edge(RelId(1 << 32)), None);
        assert_eq!(table.len(), ids.len() - 1);
    }

    #[test]
    fn dense_relationship_ids_are_listed_in_id_order_with_details_apart() {
        let mut table = RelTable::default();
        for id in [3u64, 1, 2, 5] {
            let details = (id == 2).then(RelDetails::default);
            table.insert(RelId(id), edge(id as u32, 0, 1), details);
        }
        assert!(matches!(table.edges, SlotIndex::Dense(_)));
        let listed: Vec<u64> = table.edges().map(|(id, _)| id.0).collect();
        assert_eq!(listed, [1, 2, 3, 5]);
        assert_eq!(table.edge(RelId(4)), None);
        assert_eq!(table.detailed().collect::<Vec<_>>(), [RelId(2)]);
        table.remove(RelId(2));
        assert_eq!(table.detailed().count(), 0);
        assert_eq!(table.edges().count(), 3);
    }

    #[test]
    fn dense_ids_stay_in_the_vector() {
        let mut table = NodeTable::default();
        for id in 1..1000u64 {
            table.set_slot(NodeId(id), id as usize - 1);
            table.put(id as usize - 1, node(id));
        }
        assert!(matches!(table.table.slots, SlotIndex::Dense(_)));
        assert_eq!(table.get(NodeId(999)).map(|n| n.id), Some(NodeId(999)));
        assert!(table.get(NodeId(u64::MAX)).is_none());
    }
}
