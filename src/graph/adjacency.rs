//! Per-node adjacency grouped by direction and relationship type.
//!
//! petgraph keeps each node's relationships in one linked list in insertion
//! order: asking for a node's outgoing `AGENT` relationships walks every
//! relationship the node has, each a separate cache line once the graph
//! outgrows the caches (on the million-event set, Q7's expansion spent most
//! of its time there). This index keeps, for each node, one vector of its
//! relationships sorted by (direction, type, relationship id): the
//! relationships of one type in one direction are a contiguous run, found by
//! binary search, and their number is the run's length.
//!
//! Vectors are indexed by petgraph's node slot, and each entry names the
//! other end both by id and by slot, so an expansion that needs the other
//! end's labels reads them without a hash lookup. Slots are reused only
//! after a node is removed, and a node is removed only when it has no
//! relationship left, so no entry ever names a reused slot.

use crate::model::{NodeId, RelId};

/// One relationship as seen from one of its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct AdjEntry {
    /// The relationship.
    pub rel: RelId,
    /// The node at the other end.
    pub other: NodeId,
    /// The other end's petgraph slot (`NodeIndex::index()`).
    pub other_slot: u32,
    /// Direction bit (highest) and interned type (the rest): the sort key.
    group: u32,
}

const INCOMING: u32 = 1 << 31;

/// The sort group of (direction, type): outgoing before incoming, then by
/// type id.
pub(super) fn group(incoming: bool, rel_type: u32) -> u32 {
    (if incoming { INCOMING } else { 0 }) | (rel_type & !INCOMING)
}

impl AdjEntry {
    /// A placeholder, for buffers.
    pub const EMPTY: AdjEntry = AdjEntry {
        rel: RelId(0),
        other: NodeId(0),
        other_slot: 0,
        group: 0,
    };

    pub fn new(rel: RelId, other: NodeId, other_slot: u32, incoming: bool, rel_type: u32) -> AdjEntry {
        AdjEntry {
            rel,
            other,
            other_slot,
            group: group(incoming, rel_type),
        }
    }

    pub fn incoming(&self) -> bool {
        self.group & INCOMING != 0
    }

    pub fn rel_type(&self) -> u32 {
        self.group & !INCOMING
    }

    fn key(&self) -> (u32, RelId) {
        (self.group, self.rel)
    }
}

/// Every node's relationships, by node slot.
#[derive(Default)]
pub(super) struct Adjacency {
    lists: Vec<Vec<AdjEntry>>,
}

impl Adjacency {
    /// Makes room for `slots` more node slots.
    pub fn reserve(&mut self, slots: usize) {
        self.lists.reserve(slots);
    }

    /// Adds `entry` to the list of the node at `slot`, keeping it sorted.
    pub fn add(&mut self, slot: usize, entry: AdjEntry) {
        if self.lists.len() <= slot {
            self.lists.resize_with(slot + 1, Vec::new);
        }
        let list = &mut self.lists[slot];
        // Loading a store or an import adds relationships in id order and
        // type by type, so the new entry nearly always goes last.
        match list.last() {
            Some(last) if last.key() > entry.key() => {
                let at = list.partition_point(|e| e.key() < entry.key());
                list.insert(at, entry);
            }
            _ => list.push(entry),
        }
    }

    /// Removes the entry for `rel` in `group` from the node at `slot`.
    pub fn remove(&mut self, slot: usize, group: u32, rel: RelId) {
        if let Some(list) = self.lists.get_mut(slot)
            && let Ok(at) = list.binary_search_by(|e| e.key().cmp(&(group, rel)))
        {
            list.remove(at);
            if list.is_empty() {
                // Give the memory back: removed nodes' slots are reused.
                *list = Vec::new();
            }
        }
    }

    /// All entries of the node at `slot`, sorted.
    pub fn all(&self, slot: usize) -> &[AdjEntry] {
        self.lists.get(slot).map_or(&[], Vec::as_slice)
    }

    /// The entries of one direction of the node at `slot`.
    pub fn direction(&self, slot: usize, incoming: bool) -> &[AdjEntry] {
        let list = self.all(slot);
        let split = list.partition_point(|e| !e.incoming());
        if incoming { &list[split..] } else { &list[..split] }
    }

    /// The entries of one direction and type of the node at `slot`.
    pub fn run(&self, slot: usize, incoming: bool, rel_type: u32) -> &[AdjEntry] {
        let list = self.all(slot);
        let wanted = group(incoming, rel_type);
        let start = list.partition_point(|e| e.group < wanted);
        let end = start + list[start..].partition_point(|e| e.group == wanted);
        &list[start..end]
    }

    /// Every entry, with the slot of the node it belongs to (for checks).
    pub fn entries(&self) -> impl Iterator<Item = (usize, &AdjEntry)> {
        self.lists
            .iter()
            .enumerate()
            .flat_map(|(slot, list)| list.iter().map(move |e| (slot, e)))
    }

    /// True when every list is sorted by (group, relationship) with no
    /// entry twice.
    pub fn sorted(&self) -> bool {
        self.lists
            .iter()
            .all(|l| l.windows(2).all(|w| w[0].key() < w[1].key()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rel: u64, incoming: bool, rel_type: u32) -> AdjEntry {
        AdjEntry::new(RelId(rel), NodeId(rel * 10), 0, incoming, rel_type)
    }

    #[test]
    fn runs_are_found_whatever_the_insertion_order() {
        let mut adj = Adjacency::default();
        let entries = [
            entry(5, true, 1),
            entry(1, false, 2),
            entry(3, false, 1),
            entry(2, true, 1),
            entry(4, false, 2),
            entry(6, false, 0),
        ];
        for e in entries {
            adj.add(3, e);
        }
        assert!(adj.sorted());
        let rels = |run: &[AdjEntry]| run.iter().map(|e| e.rel.0).collect::<Vec<_>>();
        assert_eq!(rels(adj.run(3, false, 2)), [1, 4]);
        assert_eq!(rels(adj.run(3, false, 1)), [3]);
        assert_eq!(rels(adj.run(3, true, 1)), [2, 5]);
        assert_eq!(rels(adj.run(3, true, 2)), Vec::<u64>::new());
        assert_eq!(rels(adj.direction(3, false)), [6, 3, 1, 4]);
        assert_eq!(rels(adj.direction(3, true)), [2, 5]);
        assert!(adj.all(0).is_empty() && adj.all(99).is_empty());
        adj.remove(3, group(false, 2), RelId(1));
        adj.remove(3, group(false, 2), RelId(1));
        assert_eq!(rels(adj.run(3, false, 2)), [4]);
        assert!(
            entries
                .iter()
                .all(|e| e.incoming() == (e.rel.0 == 5 || e.rel.0 == 2))
        );
        assert_eq!(entries[1].rel_type(), 2);
    }
}
