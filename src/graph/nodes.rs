//! The node table: node records by petgraph slot, and the way from a node
//! id to its slot.
//!
//! Ids the store hands out are dense (1, 2, 3, …), so the id-to-slot map is
//! a vector indexed by id: one read, where a hash map costs a probe into a
//! table far larger than the caches (on the million-event set, that probe
//! was most of the cost of starting an expansion). An import may keep ids
//! of its own choosing (10^9, say); the first id that would leave the
//! vector mostly holes turns it into a hash map for good.
//!
//! Records sit in a vector by slot rather than in a map by id: slots follow
//! insertion order, so a label scan in id order reads records in memory
//! order, and no hash table surrounds them.

use super::IdMap;
use crate::model::{Node, NodeId};
use petgraph::stable_graph::NodeIndex;

/// No slot, in the dense map.
const NONE: u32 = u32::MAX;

/// Slack the dense map allows past the ids it holds, before an id counts
/// as sparse.
const DENSE_SLACK: u64 = 1 << 16;

enum SlotIndex {
    Dense(Vec<u32>),
    Sparse(IdMap<NodeId, NodeIndex>),
}

impl Default for SlotIndex {
    fn default() -> SlotIndex {
        SlotIndex::Dense(Vec::new())
    }
}

/// Node records by slot, with the id-to-slot map.
#[derive(Default)]
pub(super) struct NodeTable {
    slots: SlotIndex,
    records: Vec<Option<Node>>,
    len: usize,
}

impl NodeTable {
    /// Makes room for about `nodes` more nodes.
    pub fn reserve(&mut self, nodes: usize) {
        self.records.reserve(nodes);
        match &mut self.slots {
            SlotIndex::Dense(v) => v.reserve(nodes),
            SlotIndex::Sparse(m) => m.reserve(nodes),
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot of node `id`.
    pub fn slot(&self, id: NodeId) -> Option<NodeIndex> {
        match &self.slots {
            SlotIndex::Dense(v) => {
                let slot = *v.get(usize::try_from(id.0).ok()?)?;
                (slot != NONE).then(|| NodeIndex::new(slot as usize))
            }
            SlotIndex::Sparse(m) => m.get(&id).copied(),
        }
    }

    /// The record of node `id`.
    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.at(self.slot(id)?)
    }

    /// The record in `slot`.
    pub fn at(&self, slot: NodeIndex) -> Option<&Node> {
        self.records.get(slot.index())?.as_ref()
    }

    /// Records that node `id` lives in `slot` (its record comes later,
    /// with [`NodeTable::put`]).
    pub fn set_slot(&mut self, id: NodeId, slot: NodeIndex) {
        if let SlotIndex::Dense(v) = &mut self.slots
            && id.0 > 2 * (self.len as u64) + DENSE_SLACK
        {
            let sparse = v
                .iter()
                .enumerate()
                .filter(|(_, s)| **s != NONE)
                .map(|(i, s)| (NodeId(i as u64), NodeIndex::new(*s as usize)))
                .collect();
            self.slots = SlotIndex::Sparse(sparse);
        }
        match &mut self.slots {
            SlotIndex::Dense(v) => {
                let at = id.0 as usize;
                if v.len() <= at {
                    v.resize(at + 1, NONE);
                }
                v[at] = slot.index() as u32;
            }
            SlotIndex::Sparse(m) => {
                m.insert(id, slot);
            }
        }
    }

    /// Stores `node` in `slot` (new or replacing the record there).
    pub fn put(&mut self, slot: NodeIndex, node: Node) {
        let at = slot.index();
        if self.records.len() <= at {
            self.records.resize_with(at + 1, || None);
        }
        if self.records[at].replace(node).is_none() {
            self.len += 1;
        }
    }

    /// Takes node `id`'s record out, leaving its slot reserved (to put a
    /// new record back, or to forget the slot).
    pub fn take(&mut self, id: NodeId) -> Option<Node> {
        let slot = self.slot(id)?;
        let node = self.records.get_mut(slot.index())?.take()?;
        self.len -= 1;
        Some(node)
    }

    /// Forgets node `id`'s slot (its record already taken).
    pub fn forget(&mut self, id: NodeId) {
        match &mut self.slots {
            SlotIndex::Dense(v) => {
                if let Some(s) = usize::try_from(id.0).ok().and_then(|i| v.get_mut(i)) {
                    *s = NONE;
                }
            }
            SlotIndex::Sparse(m) => {
                m.remove(&id);
            }
        }
    }

    /// Every record, in slot order.
    pub fn values(&self) -> impl Iterator<Item = &Node> {
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
            table.set_slot(NodeId(id), NodeIndex::new(slot));
            table.put(NodeIndex::new(slot), node(id));
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
            table.set_slot(NodeId(id), NodeIndex::new(id as usize - 1));
            table.put(NodeIndex::new(id as usize - 1), node(id));
        }
        assert!(matches!(table.slots, SlotIndex::Dense(_)));
        assert_eq!(table.get(NodeId(999)).map(|n| n.id), Some(NodeId(999)));
        assert_eq!(table.get(NodeId(u64::MAX)), None);
    }
}
