//! Record tables: node and relationship records by petgraph slot, and the
//! way from an id to its slot.
//!
//! Ids the store hands out are dense (1, 2, 3, …), so the id-to-slot map is
//! a vector indexed by id: one read, where a hash map costs a probe into a
//! table far larger than the caches (on the million-event set, that probe
//! was most of the cost of starting an expansion, and filling the maps most
//! of the cost of opening the store). An import may keep ids of its own
//! choosing (10^9, say); the first id that would leave the vector mostly
//! holes turns it into a hash map for good.
//!
//! Records sit in a vector by slot rather than in a map by id: slots follow
//! insertion order, so a label scan in id order reads records in memory
//! order, and no hash table surrounds them.

use super::IdMap;
use crate::model::{Node, NodeId, RelId, Relationship};
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

/// Node records, by petgraph node slot.
pub(super) type NodeTable = Table<NodeId, Node>;
/// Relationship records, by petgraph edge slot.
pub(super) type RelTable = Table<RelId, Relationship>;

/// No slot, in the dense map.
const NONE: u32 = u32::MAX;

/// Slack the dense map allows past the ids it holds, before an id counts
/// as sparse.
const DENSE_SLACK: u64 = 1 << 16;

enum SlotIndex<I> {
    Dense(Vec<u32>),
    Sparse(IdMap<I, u32>),
}

/// Records by slot, with the id-to-slot map.
pub(super) struct Table<I, R> {
    slots: SlotIndex<I>,
    records: Vec<Option<R>>,
    len: usize,
}

impl<I, R> Default for Table<I, R> {
    fn default() -> Table<I, R> {
        Table {
            slots: SlotIndex::Dense(Vec::new()),
            records: Vec::new(),
            len: 0,
        }
    }
}

impl<I: TableId, R> Table<I, R> {
    /// Makes room for about `more` more records.
    pub fn reserve(&mut self, more: usize) {
        self.records.reserve(more);
        match &mut self.slots {
            SlotIndex::Dense(v) => v.reserve(more),
            SlotIndex::Sparse(m) => m.reserve(more),
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot of `id`.
    pub fn slot(&self, id: I) -> Option<usize> {
        let slot = match &self.slots {
            SlotIndex::Dense(v) => *v.get(usize::try_from(id.raw()).ok()?)?,
            SlotIndex::Sparse(m) => *m.get(&id)?,
        };
        (slot != NONE).then_some(slot as usize)
    }

    /// The record of `id`.
    pub fn get(&self, id: I) -> Option<&R> {
        self.at(self.slot(id)?)
    }

    /// The record of `id`, to change in place.
    pub fn get_mut(&mut self, id: I) -> Option<&mut R> {
        let slot = self.slot(id)?;
        self.records.get_mut(slot)?.as_mut()
    }

    /// The record in `slot`.
    pub fn at(&self, slot: usize) -> Option<&R> {
        self.records.get(slot)?.as_ref()
    }

    /// Records that `id` lives in `slot` (its record comes later, with
    /// [`Table::put`]).
    pub fn set_slot(&mut self, id: I, slot: usize) {
        if let SlotIndex::Dense(v) = &mut self.slots
            && id.raw() > 2 * (self.len as u64) + DENSE_SLACK
        {
            let sparse = v
                .iter()
                .enumerate()
                .filter(|(_, s)| **s != NONE)
                .map(|(i, s)| (I::from_raw(i as u64), *s))
                .collect();
            self.slots = SlotIndex::Sparse(sparse);
        }
        // Slots are petgraph indices, which are u32.
        let slot = u32::try_from(slot).unwrap_or(NONE);
        match &mut self.slots {
            SlotIndex::Dense(v) => {
                let at = id.raw() as usize;
                if v.len() <= at {
                    v.resize(at + 1, NONE);
                }
                v[at] = slot;
            }
            SlotIndex::Sparse(m) => {
                m.insert(id, slot);
            }
        }
    }

    /// Stores `record` in `slot` (new or replacing the record there).
    pub fn put(&mut self, slot: usize, record: R) {
        if self.records.len() <= slot {
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
        match &mut self.slots {
            SlotIndex::Dense(v) => {
                if let Some(s) = usize::try_from(id.raw()).ok().and_then(|i| v.get_mut(i)) {
                    *s = NONE;
                }
            }
            SlotIndex::Sparse(m) => {
                m.remove(&id);
            }
        }
    }

    /// Every record, in slot order.
    pub fn values(&self) -> impl Iterator<Item = &R> {
        self.records.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Properties;

    fn node(id: u64) -> Node {
        Node {
            id: NodeId(id),
            labels: vec!["A".into()],
            properties: Properties::new(),
            sources: Vec::new(),
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
        assert!(matches!(table.slots, SlotIndex::Sparse(_)));
        assert_eq!(table.len(), 5);
        for id in [1u64, 2, 3, 1_000_000_000, 4] {
            assert_eq!(table.get(NodeId(id)).map(|n| n.id), Some(NodeId(id)));
        }
        assert_eq!(table.get(NodeId(5)), None);
        assert_eq!(table.take(NodeId(2)).map(|n| n.id), Some(NodeId(2)));
        table.forget(NodeId(2));
        assert_eq!(table.slot(NodeId(2)), None);
        assert_eq!(table.len(), 4);
        assert_eq!(table.values().count(), 4);
    }

    #[test]
    fn dense_ids_stay_in_the_vector() {
        let mut table = NodeTable::default();
        for id in 1..1000u64 {
            table.set_slot(NodeId(id), id as usize - 1);
            table.put(id as usize - 1, node(id));
        }
        assert!(matches!(table.slots, SlotIndex::Dense(_)));
        assert_eq!(table.get(NodeId(999)).map(|n| n.id), Some(NodeId(999)));
        assert_eq!(table.get(NodeId(u64::MAX)), None);
    }
}
