//! Per-node adjacency grouped by direction and relationship type.
//!
//! With each node's relationships in one linked list in insertion order
//! (as petgraph's graphs keep them, and as this index once did), asking
//! for a node's outgoing `AGENT` relationships walks every relationship
//! the node has, each a separate cache line once the graph outgrows the
//! caches (on the million-event set, Q7's expansion spent most of its
//! time there). This index keeps, for each node, one vector of its
//! relationships sorted by (direction, type, relationship id): the
//! relationships of one type in one direction are a contiguous run, found by
//! binary search, and their number is the run's length.
//!
//! Vectors are indexed by node slot, and each entry names the
//! other end both by id and by slot, so an expansion that needs the other
//! end's labels reads them without a hash lookup. Slots are reused only
//! after a node is removed, and a node is removed only when it has no
//! relationship left, so no entry ever names a reused slot.
//!
//! Each relationship has two entries, so their size is most of the index:
//! an entry is 20 bytes (the relationship id as two 32-bit halves, so that
//! nothing aligns it to 8; the other end's id in 32 bits; its slot; the
//! group). At 24 bytes, the million-event set's 14.4 million entries took
//! 345 MB; at 20, 288 MB, and an open store's peak RSS went from 2362 to
//! 2306 MB with Q2-Q4 and Q7 no slower. A node id of 2^32 - 1 or more
//! does not fit: the entry says so ([`WIDE_ID`]) and the id is read from
//! the node record in the other end's slot, a cache miss per
//! neighbour. Ids the store hands out are dense, so only an import that
//! keeps ids of its own past four billion pays it.
//!
//! Two 16-byte layouts were measured and left out (minimums of 3 x 12
//! runs on the million-event set, against 24-byte entries). Keeping only
//! the slot and reading every id from the node in that slot made each
//! neighbour a dependent cache miss: Q2 0.27 -> 0.47 ms, Q3 +13 %, Q4
//! +11 %. Keeping id and slot and leaving the group to the node's run list
//! (which describes it already) saved 90 MB of peak RSS and made Q7 20 %
//! faster, but Q4 5 % slower: a short list's expansion then reads its run
//! list, one more random cache line, where it now reads the entries alone.

use super::prefetch::prefetch;
use crate::model::{NodeId, RelId};

/// One relationship as seen from one of its ends: 20 bytes, aligned to 4
/// (the relationship id is kept as two halves so that no field needs 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct AdjEntry {
    /// The relationship's id, low half first.
    rel: [u32; 2],
    /// The other end's id, or [`WIDE_ID`] when it does not fit here.
    other_id: u32,
    /// The other end's node slot.
    pub other_slot: u32,
    /// Direction bit (highest) and interned type (the rest): the sort key.
    group: u32,
}

/// In place of a node id of 32 bits or more: read it through the slot.
const WIDE_ID: u32 = u32::MAX;

const INCOMING: u32 = 1 << 31;

/// The sort group of (direction, type): outgoing before incoming, then by
/// type id.
pub(super) fn group(incoming: bool, rel_type: u32) -> u32 {
    (if incoming { INCOMING } else { 0 }) | (rel_type & !INCOMING)
}

impl AdjEntry {
    /// A placeholder, for buffers.
    pub const EMPTY: AdjEntry = AdjEntry {
        rel: [0, 0],
        other_id: 0,
        other_slot: 0,
        group: 0,
    };

    pub fn new(rel: RelId, other: NodeId, other_slot: u32, incoming: bool, rel_type: u32) -> AdjEntry {
        AdjEntry {
            rel: [rel.0 as u32, (rel.0 >> 32) as u32],
            other_id: u32::try_from(other.0)
                .ok()
                .filter(|id| *id != WIDE_ID)
                .unwrap_or(WIDE_ID),
            other_slot,
            group: group(incoming, rel_type),
        }
    }

    /// The relationship.
    #[inline]
    pub fn rel(&self) -> RelId {
        RelId(u64::from(self.rel[0]) | u64::from(self.rel[1]) << 32)
    }

    /// The other end's id, unless it is too wide to be kept here (then
    /// the node record at `other_slot` has it).
    #[inline]
    pub fn other_id(&self) -> Option<NodeId> {
        (self.other_id != WIDE_ID).then_some(NodeId(u64::from(self.other_id)))
    }

    pub fn incoming(&self) -> bool {
        self.group & INCOMING != 0
    }

    pub fn rel_type(&self) -> u32 {
        self.group & !INCOMING
    }

    fn key(&self) -> (u32, RelId) {
        (self.group, self.rel())
    }
}

/// The runs of sorted `entries`: each group with the end of its run.
fn runs_of(entries: &[AdjEntry]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let group = entries.get(at)?.group;
        at += entries[at..].partition_point(|e| e.group == group);
        Some((group, at as u32))
    })
}

/// Index in `runs` of `group`'s run, or where it would go.
fn find_run(runs: &[(u32, u32)], group: u32) -> Result<usize, usize> {
    // Most nodes have a handful of runs: a linear scan beats a search.
    for (i, (g, _)) in runs.iter().enumerate() {
        if *g >= group {
            return if *g == group { Ok(i) } else { Err(i) };
        }
    }
    Err(runs.len())
}

/// Where run `run` starts: where the one before it ends.
fn run_start(runs: &[(u32, u32)], run: usize) -> usize {
    if run == 0 { 0 } else { runs[run - 1].1 as usize }
}

/// One node's relationships: the sorted entries, and where each run of one
/// (direction, type) group ends. Finding a run reads the small run list
/// (one cache line for most nodes) instead of binary-searching the
/// entries, which on a node with thousands of relationships costs a cache
/// miss per probe.
#[derive(Default)]
struct NodeAdjacency {
    entries: Vec<AdjEntry>,
    /// `(group, end)`: the run of `group` ends (exclusive) at `end` and
    /// starts where the previous run ends. In group order.
    runs: Vec<(u32, u32)>,
}

impl NodeAdjacency {
    fn find(&self, group: u32) -> Result<usize, usize> {
        find_run(&self.runs, group)
    }

    fn start_of(&self, run: usize) -> usize {
        run_start(&self.runs, run)
    }

    fn add(&mut self, entry: AdjEntry) {
        match self.find(entry.group) {
            Ok(r) => {
                let (start, end) = (self.start_of(r), self.runs[r].1 as usize);
                // Loading a store or an import adds relationships in id
                // order, so the new entry nearly always ends its run.
                let rel = entry.rel();
                let at = if self.entries[end - 1].rel() < rel {
                    end
                } else {
                    start + self.entries[start..end].partition_point(|e| e.rel() < rel)
                };
                self.entries.insert(at, entry);
                self.runs[r..].iter_mut().for_each(|run| run.1 += 1);
            }
            Err(r) => {
                let start = self.start_of(r);
                self.entries.insert(start, entry);
                self.runs.insert(r, (entry.group, start as u32 + 1));
                self.runs[r + 1..].iter_mut().for_each(|run| run.1 += 1);
            }
        }
    }

    fn remove(&mut self, group: u32, rel: RelId) {
        let Ok(r) = self.find(group) else { return };
        let (start, end) = (self.start_of(r), self.runs[r].1 as usize);
        let Ok(i) = self.entries[start..end].binary_search_by(|e| e.rel().cmp(&rel)) else {
            return;
        };
        self.entries.remove(start + i);
        self.runs[r..].iter_mut().for_each(|run| run.1 -= 1);
        if self.start_of(r) == self.runs[r].1 as usize {
            self.runs.remove(r);
        }
        if self.entries.is_empty() {
            // Give the memory back: removed nodes' slots are reused.
            *self = NodeAdjacency::default();
        }
    }

    /// Entries sorted, no entry twice, and the runs describing them.
    fn consistent(&self) -> bool {
        NodeAdjacency::describes(&self.entries, &self.runs)
    }

    fn describes(entries: &[AdjEntry], runs: &[(u32, u32)]) -> bool {
        let sorted = entries.windows(2).all(|w| w[0].key() < w[1].key());
        let mut start = 0;
        let runs_ok = runs.iter().all(|(group, end)| {
            let end = *end as usize;
            let ok =
                start < end && end <= entries.len() && entries[start..end].iter().all(|e| e.group == *group);
            start = end;
            ok
        });
        sorted && runs_ok && start == entries.len()
    }
}

/// One relationship as [`Adjacency::built`] reads it.
pub(super) struct BuildEdge {
    /// The start node's slot.
    pub start: usize,
    /// The end node's slot.
    pub end: usize,
    pub rel: RelId,
    pub rel_type: u32,
}

/// Fills `part`, the entries of the nodes in slots `nodes`, from every
/// edge with an end among them, then sorts each node's entries; returns
/// how many runs they make. `heads` holds where each node's entries start
/// in the whole array.
fn fill_part<F, I>(
    part: &mut [AdjEntry],
    nodes: std::ops::Range<usize>,
    heads: &[Head],
    slots: usize,
    edges: &F,
    id_at: &I,
) -> usize
where
    F: Fn(&mut dyn FnMut(BuildEdge)),
    I: Fn(usize) -> NodeId,
{
    let offset = heads.get(nodes.start).map_or(0, |h| h.entries);
    let mut next: Vec<u64> = heads[nodes.clone()].iter().map(|h| h.entries - offset).collect();
    let mut put = |slot: usize, entry: AdjEntry| {
        let at = &mut next[slot - nodes.start];
        part[*at as usize] = entry;
        *at += 1;
    };
    edges(&mut |e| {
        if e.start >= slots || e.end >= slots {
            return;
        }
        // Only the entries this part holds read their other end's id.
        if nodes.contains(&e.start) {
            put(
                e.start,
                AdjEntry::new(e.rel, id_at(e.end), e.end as u32, false, e.rel_type),
            );
        }
        if nodes.contains(&e.end) {
            put(
                e.end,
                AdjEntry::new(e.rel, id_at(e.start), e.start as u32, true, e.rel_type),
            );
        }
    });
    drop(next);
    let mut run_count = 0;
    for slot in nodes {
        let range = (heads[slot].entries - offset) as usize..(heads[slot + 1].entries - offset) as usize;
        let entries = &mut part[range];
        entries.sort_unstable_by_key(AdjEntry::key);
        run_count += runs_of(entries).count();
    }
    run_count
}

/// Every node's relationships, by node slot.
///
/// Opening a store builds one compressed array for all nodes at once
/// ([`Adjacency::built`]): each node's entries side by side, node after
/// node, with its runs in a second array. A scan of nodes in slot order
/// then reads adjacency in memory order, and no node pays for a vector
/// of its own. A node whose relationships change afterwards moves to a
/// list of its own (`owned`), which is what every node gets in a store
/// that was never reopened.
#[derive(Default)]
pub(super) struct Adjacency {
    /// Built entries, node after node.
    base: Vec<AdjEntry>,
    /// Built runs, node after node: `(group, end)` with `end` counted from
    /// the node's first entry.
    base_runs: Vec<(u32, u32)>,
    /// By built slot, where the node's entries and runs start, and one more
    /// head whose starts are the ends. Both starts and the owned mark sit
    /// side by side, so finding a node's list is one cache miss, not three
    /// (an expansion from thousands of nodes pays it per node).
    heads: Vec<Head>,
    /// Lists of nodes changed since the build (or never built).
    owned: super::IdMap<usize, NodeAdjacency>,
}

/// Where one built node's entries and runs start in `base` and
/// `base_runs`. `runs` has [`OWNED`] set once the node's list has moved
/// to `owned`.
#[derive(Clone, Copy, Debug, Default)]
struct Head {
    entries: u64,
    runs: u64,
}

/// In [`Head::runs`]: the node's list is in `owned`, not in the built
/// arrays.
const OWNED: u64 = 1 << 63;

/// A node's entries and runs, wherever they are kept.
#[derive(Clone, Copy)]
struct View<'a> {
    entries: &'a [AdjEntry],
    runs: &'a [(u32, u32)],
}

impl<'a> View<'a> {
    fn run(self, group: u32) -> &'a [AdjEntry] {
        match find_run(self.runs, group) {
            Ok(r) => &self.entries[run_start(self.runs, r)..self.runs[r].1 as usize],
            Err(_) => &[],
        }
    }

    fn split(self) -> usize {
        self.runs
            .iter()
            .take_while(|(g, _)| g & INCOMING == 0)
            .last()
            .map_or(0, |(_, end)| *end as usize)
    }
}

const EMPTY_VIEW: View<'static> = View {
    entries: &[],
    runs: &[],
};

impl Adjacency {
    fn view(&self, slot: usize) -> View<'_> {
        match (self.heads.get(slot), self.heads.get(slot + 1)) {
            (Some(head), Some(next)) if head.runs & OWNED == 0 => View {
                entries: &self.base[head.entries as usize..next.entries as usize],
                runs: &self.base_runs[head.runs as usize..(next.runs & !OWNED) as usize],
            },
            _ => match self.owned.get(&slot) {
                Some(list) => View {
                    entries: &list.entries,
                    runs: &list.runs,
                },
                None => EMPTY_VIEW,
            },
        }
    }

    /// The node's own list, moved out of the built arrays first if needed.
    fn owned_mut(&mut self, slot: usize) -> &mut NodeAdjacency {
        let built_here = slot + 1 < self.heads.len() && self.heads[slot].runs & OWNED == 0;
        if built_here {
            let view = self.view(slot);
            let list = NodeAdjacency {
                entries: view.entries.to_vec(),
                runs: view.runs.to_vec(),
            };
            self.heads[slot].runs |= OWNED;
            self.owned.insert(slot, list);
        }
        self.owned.entry(slot).or_default()
    }

    /// Adds `entry` to the list of the node at `slot`, keeping it sorted.
    pub fn add(&mut self, slot: usize, entry: AdjEntry) {
        self.owned_mut(slot).add(entry);
    }

    /// Removes the entry for `rel` in `group` from the node at `slot`.
    pub fn remove(&mut self, slot: usize, group: u32, rel: RelId) {
        if self.view(slot).entries.is_empty() {
            return;
        }
        let list = self.owned_mut(slot);
        list.remove(group, rel);
        if list.entries.is_empty() {
            self.owned.remove(&slot);
        }
    }

    /// Lists built from `edges` for `slots` node slots: a counting sort by
    /// node, then each node's entries sorted. `id_at` gives the id of the
    /// node in a slot (an entry names its other end by both). With
    /// `two_threads`, the nodes are split in two halves and each half's
    /// entries are filled and sorted on a thread of its own; the halves'
    /// entries lie apart in the array, so neither thread writes where the
    /// other does.
    pub fn built<F, I>(slots: usize, two_threads: bool, edges: F, id_at: I) -> Adjacency
    where
        F: Fn(&mut dyn FnMut(BuildEdge)) + Sync,
        I: Fn(usize) -> NodeId + Sync,
    {
        // The heads' entry starts count each node's entries, then become
        // their prefix sums: where each node's entries start.
        let mut heads = vec![Head::default(); slots + 1];
        edges(&mut |e| {
            if e.start < slots && e.end < slots {
                heads[e.start + 1].entries += 1;
                heads[e.end + 1].entries += 1;
            }
        });
        for i in 0..slots {
            heads[i + 1].entries += heads[i].entries;
        }
        let total = heads[slots].entries as usize;
        let mut base = vec![AdjEntry::EMPTY; total];
        // Filled and sorted a half at a time; counted first, so that the
        // run list is allocated at its size: grown by doubling and then
        // shrunk, it would hold up to three times its size at once (80 MB
        // of runs on the million-event set), just when the rest of the
        // graph is all in memory.
        let fill = |part: &mut [AdjEntry], nodes: std::ops::Range<usize>| {
            fill_part(part, nodes, &heads, slots, &edges, &id_at)
        };
        let run_count = if two_threads {
            let half = slots / 2;
            let split = heads[half].entries as usize;
            let (low, high) = base.split_at_mut(split);
            let (low_runs, high_runs) = std::thread::scope(|scope| {
                let other = std::thread::Builder::new()
                    .name("attest-adjacency".into())
                    .spawn_scoped(scope, || fill(high, half..slots));
                let low_runs = fill(low, 0..half);
                (low_runs, other.ok().map(|thread| thread.join()))
            });
            // Without a second thread, the other half is filled after.
            low_runs
                + match high_runs {
                    Some(Ok(count)) => count,
                    _ => fill(&mut base[split..], half..slots),
                }
        } else {
            fill(&mut base, 0..slots)
        };
        let entries_of =
            |heads: &[Head], slot: usize| heads[slot].entries as usize..heads[slot + 1].entries as usize;
        let mut runs = Vec::with_capacity(run_count);
        for slot in 0..slots {
            heads[slot].runs = runs.len() as u64;
            runs.extend(runs_of(&base[entries_of(&heads, slot)]));
        }
        heads[slots].runs = runs.len() as u64;
        Adjacency {
            base,
            base_runs: runs,
            heads,
            ..Adjacency::default()
        }
    }

    /// Slots that may hold entries: the built ones and every owned one.
    fn slots(&self) -> usize {
        let owned = self.owned.keys().map(|slot| slot + 1).max().unwrap_or(0);
        owned.max(self.heads.len().saturating_sub(1))
    }

    /// Asks for the head of the node at `slot` (where its list starts) to
    /// be brought into the cache.
    #[inline]
    pub fn prefetch_head(&self, slot: usize) {
        if let Some(head) = self.heads.get(slot) {
            prefetch(head);
        }
    }

    /// Asks for the first entries of the node at `slot` to be brought into
    /// the cache. Reads the node's head, so it pays when
    /// [`Adjacency::prefetch_head`] asked for that a little earlier.
    #[inline]
    pub fn prefetch_entries(&self, slot: usize) {
        if let Some(head) = self.heads.get(slot)
            && head.runs & OWNED == 0
            && let Some(first) = self.base.get(head.entries as usize)
        {
            prefetch(first);
        }
    }

    /// All entries of the node at `slot`, sorted.
    pub fn all(&self, slot: usize) -> &[AdjEntry] {
        self.view(slot).entries
    }

    /// The entries of one direction of the node at `slot`.
    pub fn direction(&self, slot: usize, incoming: bool) -> &[AdjEntry] {
        let view = self.view(slot);
        let split = view.split();
        if incoming {
            &view.entries[split..]
        } else {
            &view.entries[..split]
        }
    }

    /// The entries of one direction and type of the node at `slot`.
    pub fn run(&self, slot: usize, incoming: bool, rel_type: u32) -> &[AdjEntry] {
        self.view(slot).run(group(incoming, rel_type))
    }

    /// Every entry, with the slot of the node it belongs to (for checks).
    pub fn entries(&self) -> impl Iterator<Item = (usize, &AdjEntry)> {
        (0..self.slots()).flat_map(move |slot| self.view(slot).entries.iter().map(move |e| (slot, e)))
    }

    /// True when every list is sorted by (group, relationship) with no
    /// entry twice, and its runs describe it.
    pub fn sorted(&self) -> bool {
        let built = (0..self.slots()).all(|slot| {
            let view = self.view(slot);
            NodeAdjacency::describes(view.entries, view.runs)
        });
        built && self.owned.values().all(NodeAdjacency::consistent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rel: u64, incoming: bool, rel_type: u32) -> AdjEntry {
        AdjEntry::new(RelId(rel), NodeId(rel * 10), 0, incoming, rel_type)
    }

    #[test]
    fn ids_too_wide_for_the_entry_are_left_to_the_slot() {
        for (id, kept) in [
            (0, true),
            (7, true),
            (u32::MAX as u64 - 1, true),
            (u32::MAX as u64, false),
            (1 << 40, false),
        ] {
            let e = AdjEntry::new(RelId(u64::MAX - id), NodeId(id), 5, true, 3);
            assert_eq!(e.other_id(), kept.then_some(NodeId(id)), "id {id}");
            assert_eq!(
                (e.rel(), e.other_slot, e.incoming(), e.rel_type()),
                (RelId(u64::MAX - id), 5, true, 3)
            );
        }
        assert_eq!(std::mem::size_of::<AdjEntry>(), 20);
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
        let rels = |run: &[AdjEntry]| run.iter().map(|e| e.rel().0).collect::<Vec<_>>();
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
                .all(|e| e.incoming() == (e.rel().0 == 5 || e.rel().0 == 2))
        );
        assert_eq!(entries[1].rel_type(), 2);
    }

    proptest::proptest! {
        /// Built on two threads (each filling and sorting half of the
        /// nodes), the lists and runs are those built on one, whatever the
        /// edges (self-loops, ends in either half, slots without edges).
        #[test]
        fn two_threads_build_what_one_builds(
            slots in 1usize..40,
            edges in proptest::collection::vec((0usize..40, 0usize..40, 0u32..5), 0..200),
        ) {
            let edges: Vec<(usize, usize, u32)> =
                edges.into_iter().map(|(a, b, t)| (a % slots, b % slots, t)).collect();
            let build = |two_threads: bool| {
                let each = |add: &mut dyn FnMut(BuildEdge)| {
                    for (i, (start, end, rel_type)) in edges.iter().enumerate() {
                        add(BuildEdge { start: *start, end: *end, rel: RelId(1000 + i as u64), rel_type: *rel_type });
                    }
                };
                Adjacency::built(slots, two_threads, each, |slot| NodeId(7 * slot as u64 + 1))
            };
            let (one, two) = (build(false), build(true));
            proptest::prop_assert!(two.sorted());
            proptest::prop_assert_eq!(&one.heads.iter().map(|h| (h.entries, h.runs)).collect::<Vec<_>>(),
                &two.heads.iter().map(|h| (h.entries, h.runs)).collect::<Vec<_>>());
            proptest::prop_assert_eq!(&one.base_runs, &two.base_runs);
            for slot in 0..slots {
                proptest::prop_assert_eq!(one.all(slot), two.all(slot));
            }
            let listed: usize = (0..slots).map(|slot| two.all(slot).len()).sum();
            proptest::prop_assert_eq!(listed, 2 * edges.len());
        }

        /// Any sequence of adds and removes leaves the same entries as a
        /// plain sorted list, with runs that describe them.
        #[test]
        fn runs_follow_any_sequence_of_changes(
            ops in proptest::collection::vec((90u64..140, proptest::bool::ANY, 0u32..4, proptest::bool::ANY), 0..120),
            built in proptest::bool::ANY,
            two_threads in proptest::bool::ANY,
            initial_edges in 0usize..30,
        ) {
            let mut adj = Adjacency::default();
            let mut reference: Vec<AdjEntry> = Vec::new();
            // Half the cases start from a built array (as a reopened store
            // does), so changes move the node's list out of it first.
            if built {
                let initial: Vec<AdjEntry> = (100..100 + initial_edges as u64)
                    .map(|rel| entry(rel, rel % 3 == 0, (rel % 4) as u32))
                    .collect();
                // Node 0 holds the entries; the other end is node 2, whose
                // id is 20.
                let edges = |add: &mut dyn FnMut(BuildEdge)| {
                    for e in &initial {
                        let (start, end) = if e.incoming() { (2, 0) } else { (0, 2) };
                        add(BuildEdge { start, end, rel: e.rel(), rel_type: e.rel_type() });
                    }
                };
                adj = Adjacency::built(3, two_threads, edges, |slot| NodeId(slot as u64 * 10));
                reference = initial
                    .iter()
                    .map(|e| AdjEntry::new(e.rel(), NodeId(20), 2, e.incoming(), e.rel_type()))
                    .collect();
                reference.sort_by_key(|r| r.key());
                proptest::prop_assert!(adj.sorted());
                // Allocated at its size, never grown.
                proptest::prop_assert_eq!(adj.base_runs.capacity(), adj.base_runs.len());
                proptest::prop_assert_eq!(adj.all(0), reference.as_slice());
                proptest::prop_assert_eq!(adj.all(2).len(), reference.len());
                proptest::prop_assert!(adj.all(1).is_empty());
            }
            for (rel, incoming, rel_type, add) in ops {
                let e = entry(rel, incoming, rel_type);
                let present = reference.iter().position(|r| r.key() == e.key());
                match (add, present) {
                    (true, None) => {
                        adj.add(0, e);
                        reference.push(e);
                    }
                    (false, Some(i)) => {
                        adj.remove(0, e.group, e.rel());
                        reference.remove(i);
                    }
                    _ => {}
                }
                reference.sort_by_key(|r| r.key());
                proptest::prop_assert!(adj.sorted());
                proptest::prop_assert_eq!(adj.all(0), reference.as_slice());
                for t in 0..4 {
                    for dir in [false, true] {
                        let expected: Vec<AdjEntry> = reference
                            .iter()
                            .filter(|r| r.incoming() == dir && r.rel_type() == t)
                            .copied()
                            .collect();
                        proptest::prop_assert_eq!(adj.run(0, dir, t), expected.as_slice());
                    }
                }
                let outgoing: Vec<AdjEntry> = reference.iter().filter(|r| !r.incoming()).copied().collect();
                proptest::prop_assert_eq!(adj.direction(0, false), outgoing.as_slice());
            }
        }
    }
}
