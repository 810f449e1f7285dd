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
//! Vectors are indexed by node slot, and each entry names the other end
//! by slot, so an expansion that needs the other end's labels or id reads
//! them from vectors by slot without a hash lookup. Slots are reused only
//! after a node is removed, and a node is removed only when it has no
//! relationship left, so no entry ever names a reused slot.
//!
//! Each relationship has two entries, so their size is most of the index:
//! an entry is 10 bytes (the relationship id in 32 bits, the other end's
//! slot, and the group in 16 bits: the direction and a type id below
//! [`MAX_TYPES`]), packed to an alignment of 2. The other end's id is not
//! kept: the node table keeps every slot's id in a 4-byte vector, which at
//! a million events (8 MB) stays mostly in the last-level cache. Entries
//! of 20 bytes, which kept the id and the relationship id in 64 bits, took
//! 288 MB on the million-event set; 12-byte ones 173 MB (change 43 in
//! docs/performance.md), 10-byte ones 144 MB (change 55). A relationship
//! id of 2^31 or more does not fit: the entry then holds its place in a
//! side table of such ids ([`WideRels`]). Ids the store hands out are
//! dense, so only an import that keeps ids of its own past two billion
//! pays for it.
//!
//! Two 16-byte layouts were measured and left out (minimums of 3 x 12
//! runs on the million-event set, against 24-byte entries). Keeping only
//! the slot and reading every id from the 72-byte node record in that
//! slot made each neighbour a dependent cache miss: Q2 0.27 -> 0.47 ms,
//! Q3 +13 %, Q4 +11 %. Keeping id and slot and leaving the group to the
//! node's run list (which describes it already) saved 90 MB of peak RSS
//! and made Q7 20 % faster, but Q4 5 % slower: a short list's expansion
//! then reads its run list, one more random cache line, where it now
//! reads the entries alone.

use super::IdMap;
use super::prefetch::prefetch;
use crate::model::RelId;

/// One relationship as seen from one of its ends: 10 bytes, packed to
/// an alignment of 2 so that an array of them has no padding (a 4-byte
/// alignment would round each up to 12). Fields are read by copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(super) struct AdjEntry {
    /// The relationship's id, or (at [`WIDE_REL`] and above) where the
    /// side table of wide ids keeps it.
    rel: u32,
    /// The other end's node slot.
    pub other_slot: u32,
    /// Direction bit (highest) and interned type (the rest): the sort key.
    group_bits: u16,
}

/// Relationship ids from here on are kept in [`WideRels`]; an entry holds
/// `WIDE_REL + index`. Below it, the entry holds the id itself, so a
/// narrow entry always orders before a wide one, as their ids do.
const WIDE_REL: u32 = 1 << 31;

/// The direction bit of a group: a group is 16 bits, the direction and
/// a type id below [`MAX_TYPES`].
const INCOMING: u32 = 1 << 15;

/// How many relationship types an index can tell apart: type ids are
/// the 15 bits of a group below its direction bit. The index refuses a
/// type beyond them (`GraphIndex::type_fits`).
pub(crate) const MAX_TYPES: usize = 1 << 15;

/// The sort group of (direction, type): outgoing before incoming, then by
/// type id (below [`MAX_TYPES`]).
pub(super) fn group(incoming: bool, rel_type: u32) -> u32 {
    (if incoming { INCOMING } else { 0 }) | (rel_type & (INCOMING - 1))
}

/// An entry's three fields as stored (see `cache.rs`).
#[derive(Clone, Copy)]
pub(super) struct RawEntry {
    pub rel: u32,
    pub other: u32,
    pub group: u32,
}

impl AdjEntry {
    /// The entry's fields as stored.
    pub fn raw(&self) -> RawEntry {
        RawEntry {
            rel: self.rel,
            other: self.other_slot,
            group: self.group(),
        }
    }

    /// The entry of stored fields; `None` if the group is not one.
    pub fn from_raw(raw: RawEntry) -> Option<AdjEntry> {
        Some(AdjEntry {
            rel: raw.rel,
            other_slot: raw.other,
            group_bits: u16::try_from(raw.group).ok()?,
        })
    }

    /// A placeholder, for buffers.
    pub const EMPTY: AdjEntry = AdjEntry {
        rel: 0,
        other_slot: 0,
        group_bits: 0,
    };

    fn new(rel: u32, other_slot: u32, incoming: bool, rel_type: u32) -> AdjEntry {
        AdjEntry {
            rel,
            other_slot,
            // A group has 16 bits (see `group`).
            group_bits: group(incoming, rel_type) as u16,
        }
    }

    /// Direction and type: the sort key's first part.
    #[inline]
    pub fn group(&self) -> u32 {
        u32::from(self.group_bits)
    }

    pub fn incoming(&self) -> bool {
        self.group() & INCOMING != 0
    }

    pub fn rel_type(&self) -> u32 {
        self.group() & !INCOMING
    }
}

/// Relationship ids too wide for an entry ([`WIDE_REL`] or more), each
/// with its place. A place is never given back (a removed wide
/// relationship's stays until the adjacency is built again): stores that
/// have such ids at all are rare, and places are 8 bytes.
#[derive(Default)]
pub(super) struct WideRels {
    ids: Vec<RelId>,
    places: IdMap<RelId, u32>,
}

impl WideRels {
    /// What an entry holds for `rel`: the id itself if it fits, else its
    /// place here (given one on first sight).
    fn encode(&mut self, rel: RelId) -> u32 {
        if let Some(narrow) = narrow(rel) {
            return narrow;
        }
        let next = self.ids.len() as u32;
        let place = *self.places.entry(rel).or_insert(next);
        if place == next {
            self.ids.push(rel);
        }
        WIDE_REL.saturating_add(place)
    }

    /// What an entry for `rel` holds, if one was ever encoded.
    fn find(&self, rel: RelId) -> Option<u32> {
        match narrow(rel) {
            Some(narrow) => Some(narrow),
            None => self.places.get(&rel).map(|place| WIDE_REL + place),
        }
    }

    /// The relationship an entry names.
    #[inline]
    pub fn rel(&self, e: &AdjEntry) -> RelId {
        if e.rel < WIDE_REL {
            RelId(u64::from(e.rel))
        } else {
            self.ids
                .get((e.rel - WIDE_REL) as usize)
                .copied()
                .unwrap_or(RelId(u64::MAX))
        }
    }

    /// An entry's sort key: its group, then its relationship's id.
    fn key(&self, e: &AdjEntry) -> (u32, RelId) {
        (e.group(), self.rel(e))
    }
}

/// `rel` as an entry holds it, if it fits.
fn narrow(rel: RelId) -> Option<u32> {
    u32::try_from(rel.0).ok().filter(|raw| *raw < WIDE_REL)
}

/// Lists up to this long are read whole: an expansion filters their
/// entries by group in one pass rather than finding its runs, and the
/// built arrays keep no run list for them (on the million-event set, 7.55
/// of the 7.65 million runs, 60 MB, belonged to such lists).
pub(super) const SHORT_LIST: usize = 16;

/// The runs of sorted `entries`: each group with the end of its run.
fn runs_of(entries: &[AdjEntry]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let group = entries.get(at)?.group();
        at += entries[at..].partition_point(|e| e.group() == group);
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

    fn add(&mut self, entry: AdjEntry, wide: &WideRels) {
        match self.find(entry.group()) {
            Ok(r) => {
                let (start, end) = (self.start_of(r), self.runs[r].1 as usize);
                // Loading a store or an import adds relationships in id
                // order, so the new entry nearly always ends its run.
                let rel = wide.rel(&entry);
                let at = if wide.rel(&self.entries[end - 1]) < rel {
                    end
                } else {
                    start + self.entries[start..end].partition_point(|e| wide.rel(e) < rel)
                };
                self.entries.insert(at, entry);
                self.runs[r..].iter_mut().for_each(|run| run.1 += 1);
            }
            Err(r) => {
                let start = self.start_of(r);
                self.entries.insert(start, entry);
                self.runs.insert(r, (entry.group(), start as u32 + 1));
                self.runs[r + 1..].iter_mut().for_each(|run| run.1 += 1);
            }
        }
    }

    fn remove(&mut self, group: u32, rel: RelId, wide: &WideRels) {
        let Ok(r) = self.find(group) else { return };
        let (start, end) = (self.start_of(r), self.runs[r].1 as usize);
        let Ok(i) = self.entries[start..end].binary_search_by(|e| wide.rel(e).cmp(&rel)) else {
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
    fn consistent(&self, wide: &WideRels) -> bool {
        NodeAdjacency::describes(&self.entries, &self.runs, wide)
    }

    fn describes(entries: &[AdjEntry], runs: &[(u32, u32)], wide: &WideRels) -> bool {
        let sorted = entries.windows(2).all(|w| wide.key(&w[0]) < wide.key(&w[1]));
        let mut start = 0;
        let runs_ok = runs.iter().all(|(group, end)| {
            let end = *end as usize;
            let ok = start < end
                && end <= entries.len()
                && entries[start..end].iter().all(|e| e.group() == *group);
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
fn fill_part<F>(
    part: &mut [AdjEntry],
    nodes: std::ops::Range<usize>,
    heads: &[Head],
    slots: usize,
    edges: &F,
    wide: &WideRels,
) -> usize
where
    F: Fn(&mut dyn FnMut(BuildEdge)),
{
    let offset = heads.get(nodes.start).map_or(0, |h| h.entries);
    let mut next: Vec<u32> = heads[nodes.clone()].iter().map(|h| h.entries - offset).collect();
    let mut put = |slot: usize, entry: AdjEntry| {
        let at = &mut next[slot - nodes.start];
        part[*at as usize] = entry;
        *at += 1;
    };
    edges(&mut |e| {
        if e.start >= slots || e.end >= slots {
            return;
        }
        // The counting pass gave every wide id its place.
        let rel = wide.find(e.rel).unwrap_or(u32::MAX);
        if nodes.contains(&e.start) {
            put(e.start, AdjEntry::new(rel, e.end as u32, false, e.rel_type));
        }
        if nodes.contains(&e.end) {
            put(e.end, AdjEntry::new(rel, e.start as u32, true, e.rel_type));
        }
    });
    drop(next);
    let mut run_count = 0;
    for slot in nodes {
        let range = (heads[slot].entries - offset) as usize..(heads[slot + 1].entries - offset) as usize;
        let entries = &mut part[range];
        if wide.ids.is_empty() {
            // Every entry holds its id: the raw fields are the key.
            entries.sort_unstable_by_key(|e| (e.group(), e.rel));
        } else {
            entries.sort_unstable_by_key(|e| wide.key(e));
        }
        if entries.len() > SHORT_LIST {
            run_count += runs_of(entries).count();
        }
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
    /// Relationship ids too wide for an entry.
    wide: WideRels,
}

/// Where one built node's entries and runs start in `base` and
/// `base_runs`. `runs` has [`OWNED`] set once the node's list has moved
/// to `owned`. Both are 32 bits (a head is 8 bytes, 17 MB at a million
/// events rather than 34): built arrays hold at most `u32::MAX` entries,
/// and a graph with more has every list in `owned` ([`Adjacency::listed`]).
/// Runs are far fewer than entries (one per group of a list longer than
/// [`SHORT_LIST`]), so they never reach the [`OWNED`] bit.
#[derive(Clone, Copy, Debug, Default)]
struct Head {
    entries: u32,
    runs: u32,
}

/// In [`Head::runs`]: the node's list is in `owned`, not in the built
/// arrays.
const OWNED: u32 = 1 << 31;

/// A node's entries and runs, wherever they are kept.
#[derive(Clone, Copy)]
struct View<'a> {
    entries: &'a [AdjEntry],
    runs: &'a [(u32, u32)],
}

impl<'a> View<'a> {
    /// True for a built short list, which has entries but no run list: its
    /// runs are found in the entries themselves.
    fn runs_implicit(self) -> bool {
        self.runs.is_empty() && !self.entries.is_empty()
    }

    fn run(self, group: u32) -> &'a [AdjEntry] {
        if self.runs_implicit() {
            let start = self.entries.partition_point(|e| e.group() < group);
            let len = self.entries[start..].partition_point(|e| e.group() == group);
            return &self.entries[start..start + len];
        }
        match find_run(self.runs, group) {
            Ok(r) => &self.entries[run_start(self.runs, r)..self.runs[r].1 as usize],
            Err(_) => &[],
        }
    }

    fn split(self) -> usize {
        if self.runs_implicit() {
            return self.entries.partition_point(|e| e.group() & INCOMING == 0);
        }
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

    /// The relationship an entry names.
    #[inline]
    pub fn rel(&self, e: &AdjEntry) -> RelId {
        self.wide.rel(e)
    }

    /// The node's own list, moved out of the built arrays first if needed.
    fn owned_mut(&mut self, slot: usize) -> &mut NodeAdjacency {
        let built_here = slot + 1 < self.heads.len() && self.heads[slot].runs & OWNED == 0;
        if built_here {
            let view = self.view(slot);
            // A short list's runs were left implicit: they are listed now.
            let list = NodeAdjacency {
                entries: view.entries.to_vec(),
                runs: runs_of(view.entries).collect(),
            };
            self.heads[slot].runs |= OWNED;
            self.owned.insert(slot, list);
        }
        self.owned.entry(slot).or_default()
    }

    /// Adds `rel` (of type `rel_type`, to or from the node at
    /// `other_slot`) to the list of the node at `slot`, keeping it sorted.
    pub fn add(&mut self, slot: usize, rel: RelId, other_slot: u32, incoming: bool, rel_type: u32) {
        let entry = AdjEntry::new(self.wide.encode(rel), other_slot, incoming, rel_type);
        self.owned_mut(slot);
        if let Some(list) = self.owned.get_mut(&slot) {
            list.add(entry, &self.wide);
        }
    }

    /// Removes the entry for `rel` in `group` from the node at `slot`.
    pub fn remove(&mut self, slot: usize, group: u32, rel: RelId) {
        if self.view(slot).entries.is_empty() {
            return;
        }
        self.owned_mut(slot);
        let Some(list) = self.owned.get_mut(&slot) else {
            return;
        };
        list.remove(group, rel, &self.wide);
        if list.entries.is_empty() {
            self.owned.remove(&slot);
        }
    }

    /// Lists built from `edges` for `slots` node slots: a counting sort by
    /// node, then each node's entries sorted. With
    /// `two_threads`, the nodes are split in two halves and each half's
    /// entries are filled and sorted on a thread of its own; the halves'
    /// entries lie apart in the array, so neither thread writes where the
    /// other does.
    pub fn built<F>(slots: usize, two_threads: bool, edges: F) -> Adjacency
    where
        F: Fn(&mut dyn FnMut(BuildEdge)) + Sync,
    {
        // The heads' entry starts count each node's entries, then become
        // their prefix sums: where each node's entries start.
        let mut heads = vec![Head::default(); slots + 1];
        let mut wide = WideRels::default();
        let mut fits = true;
        edges(&mut |e| {
            if e.start < slots && e.end < slots {
                for end in [e.start, e.end] {
                    let count = &mut heads[end + 1].entries;
                    *count = count.checked_add(1).unwrap_or_else(|| {
                        fits = false;
                        0
                    });
                }
                if narrow(e.rel).is_none() {
                    wide.encode(e.rel);
                }
            }
        });
        for i in 0..slots {
            match heads[i + 1].entries.checked_add(heads[i].entries) {
                Some(start) => heads[i + 1].entries = start,
                None => fits = false,
            }
        }
        if !fits {
            return Adjacency::listed(slots, edges);
        }
        let total = heads[slots].entries as usize;
        let mut base = vec![AdjEntry::EMPTY; total];
        // Filled and sorted a half at a time; counted first, so that the
        // run list is allocated at its size: grown by doubling and then
        // shrunk, it would hold up to three times its size at once (80 MB
        // of runs on the million-event set), just when the rest of the
        // graph is all in memory.
        let fill = |part: &mut [AdjEntry], nodes: std::ops::Range<usize>| {
            fill_part(part, nodes, &heads, slots, &edges, &wide)
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
            heads[slot].runs = runs.len() as u32;
            let entries = &base[entries_of(&heads, slot)];
            if entries.len() > SHORT_LIST {
                runs.extend(runs_of(entries));
            }
        }
        heads[slots].runs = runs.len() as u32;
        Adjacency {
            base,
            base_runs: runs,
            heads,
            wide,
            ..Adjacency::default()
        }
    }

    /// Every node's list kept on its own (`owned`), none in built arrays:
    /// for a graph whose entries outnumber what a built array indexes with
    /// 32 bits. Slower to build and to read, but the same lists.
    fn listed<F>(slots: usize, edges: F) -> Adjacency
    where
        F: Fn(&mut dyn FnMut(BuildEdge)),
    {
        let mut adjacency = Adjacency::default();
        edges(&mut |e| {
            if e.start < slots && e.end < slots {
                adjacency.add(e.start, e.rel, e.end as u32, false, e.rel_type);
                adjacency.add(e.end, e.rel, e.start as u32, true, e.rel_type);
            }
        });
        adjacency
    }

    /// True when every relationship id fits an entry (none is kept aside).
    pub fn narrow(&self) -> bool {
        self.wide.ids.is_empty()
    }

    /// Built arrays of `entries`, given each node's entry count by slot:
    /// `None` unless every node's entries are sorted by (group,
    /// relationship) with no relationship twice and every id fits an
    /// entry. Runs are listed for the lists longer than [`SHORT_LIST`],
    /// as [`Adjacency::built`] lists them.
    pub fn from_sorted(counts: &[u32], entries: Vec<AdjEntry>) -> Option<Adjacency> {
        let mut heads = Vec::with_capacity(counts.len() + 1);
        let mut runs = Vec::new();
        let mut start = 0usize;
        for count in counts {
            let end = start.checked_add(*count as usize)?;
            let list = entries.get(start..end)?;
            let in_order = list
                .windows(2)
                .all(|w| (w[0].group(), w[0].rel) < (w[1].group(), w[1].rel));
            if !in_order || list.iter().any(|e| e.rel >= WIDE_REL) {
                return None;
            }
            heads.push(Head {
                entries: u32::try_from(start).ok()?,
                runs: runs.len() as u32,
            });
            if list.len() > SHORT_LIST {
                runs.extend(runs_of(list));
            }
            start = end;
        }
        if start != entries.len() {
            return None;
        }
        heads.push(Head {
            entries: u32::try_from(start).ok()?,
            runs: runs.len() as u32,
        });
        runs.shrink_to_fit();
        Some(Adjacency {
            base: entries,
            base_runs: runs,
            heads,
            ..Adjacency::default()
        })
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
            let runs: Vec<(u32, u32)>;
            let runs = if view.runs_implicit() && view.entries.len() <= SHORT_LIST {
                runs = runs_of(view.entries).collect();
                &runs
            } else {
                view.runs
            };
            NodeAdjacency::describes(view.entries, runs, &self.wide)
        });
        built && self.owned.values().all(|list| list.consistent(&self.wide))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry for a narrow relationship id (the tests' ids are small).
    fn entry(rel: u64, incoming: bool, rel_type: u32) -> AdjEntry {
        AdjEntry::new(narrow(RelId(rel)).unwrap(), 0, incoming, rel_type)
    }

    fn key(e: &AdjEntry) -> (u32, RelId) {
        WideRels::default().key(e)
    }

    fn rel(e: &AdjEntry) -> RelId {
        WideRels::default().rel(e)
    }

    #[test]
    fn ids_too_wide_for_the_entry_are_kept_aside() {
        let mut wide = WideRels::default();
        let ids = [0, 7, (1 << 31) - 1, 1 << 31, u32::MAX as u64, 1 << 40, u64::MAX];
        let encoded: Vec<u32> = ids.iter().map(|id| wide.encode(RelId(*id))).collect();
        assert_eq!(
            &encoded[..3],
            &[0, 7, (1 << 31) - 1],
            "narrow ids are held as they are"
        );
        assert_eq!(wide.ids.len(), 4, "four wide ids");
        for (id, raw) in ids.iter().zip(&encoded) {
            let e = AdjEntry::new(*raw, 5, true, 3);
            assert_eq!(
                (wide.rel(&e), e.other_slot, e.incoming(), e.rel_type()),
                (RelId(*id), 5, true, 3)
            );
            assert_eq!(wide.find(RelId(*id)), Some(*raw));
        }
        // Encoding again gives the same place; order by key is id order.
        assert_eq!(wide.encode(RelId(1 << 40)), encoded[5]);
        let mut entries: Vec<AdjEntry> = encoded
            .iter()
            .rev()
            .map(|raw| AdjEntry::new(*raw, 0, false, 1))
            .collect();
        entries.sort_by_key(|e| wide.key(e));
        assert_eq!(entries.iter().map(|e| wide.rel(e).0).collect::<Vec<_>>(), ids);
        assert_eq!(wide.find(RelId(1 << 50)), None);
        assert_eq!(std::mem::size_of::<AdjEntry>(), 10);
    }

    #[test]
    fn wide_ids_keep_their_order_through_adds_builds_and_removes() {
        let ids = [1u64 << 40, 3, 1 << 33, u64::MAX, 9];
        let mut sorted = ids;
        sorted.sort();
        // Added one by one, in a scrambled order.
        let mut adj = Adjacency::default();
        for id in ids {
            adj.add(0, RelId(id), 1, false, 2);
            adj.add(1, RelId(id), 0, true, 2);
        }
        let rels =
            |adj: &Adjacency, slot: usize| adj.all(slot).iter().map(|e| adj.rel(e).0).collect::<Vec<_>>();
        assert!(adj.sorted());
        assert_eq!(rels(&adj, 0), sorted);
        assert_eq!(rels(&adj, 1), sorted);
        // Built in one go, on one thread or two.
        for two_threads in [false, true] {
            let edges = |add: &mut dyn FnMut(BuildEdge)| {
                for id in ids {
                    add(BuildEdge {
                        start: 0,
                        end: 1,
                        rel: RelId(id),
                        rel_type: 2,
                    });
                }
            };
            let mut built = Adjacency::built(2, two_threads, edges);
            assert!(built.sorted());
            assert_eq!(rels(&built, 0), sorted);
            assert_eq!(rels(&built, 1), sorted);
            built.remove(0, group(false, 2), RelId(u64::MAX));
            built.remove(1, group(true, 2), RelId(1 << 33));
            built.add(0, RelId(1 << 35), 1, false, 2);
            assert!(built.sorted());
            assert_eq!(rels(&built, 0), [3, 9, 1 << 33, 1 << 35, 1 << 40]);
            assert_eq!(rels(&built, 1), [3, 9, 1 << 40, u64::MAX]);
        }
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
            adj.add(3, rel(&e), e.other_slot, e.incoming(), e.rel_type());
        }
        assert!(adj.sorted());
        let rels = |run: &[AdjEntry]| run.iter().map(|e| rel(e).0).collect::<Vec<_>>();
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
                .all(|e| e.incoming() == (rel(e).0 == 5 || rel(e).0 == 2))
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
            let each = |add: &mut dyn FnMut(BuildEdge)| {
                for (i, (start, end, rel_type)) in edges.iter().enumerate() {
                    add(BuildEdge { start: *start, end: *end, rel: RelId(1000 + i as u64), rel_type: *rel_type });
                }
            };
            let build = |two_threads: bool| Adjacency::built(slots, two_threads, each);
            let (one, two) = (build(false), build(true));
            // Too many entries for built arrays: the same lists, each kept
            // on its own.
            let listed = Adjacency::listed(slots, each);
            proptest::prop_assert!(listed.sorted() && listed.heads.is_empty());
            for slot in 0..slots {
                proptest::prop_assert_eq!(one.all(slot), listed.all(slot));
                for incoming in [false, true] {
                    for rel_type in 0..5 {
                        proptest::prop_assert_eq!(one.run(slot, incoming, rel_type), listed.run(slot, incoming, rel_type));
                    }
                }
            }
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
                // Node 0 holds the entries; the other end is node 2.
                let edges = |add: &mut dyn FnMut(BuildEdge)| {
                    for e in &initial {
                        let (start, end) = if e.incoming() { (2, 0) } else { (0, 2) };
                        add(BuildEdge { start, end, rel: rel(e), rel_type: e.rel_type() });
                    }
                };
                adj = Adjacency::built(3, two_threads, edges);
                reference = initial
                    .iter()
                    .map(|e| AdjEntry { other_slot: 2, ..*e })
                    .collect();
                reference.sort_by_key(key);
                proptest::prop_assert!(adj.sorted());
                // Allocated at its size, never grown.
                proptest::prop_assert_eq!(adj.base_runs.capacity(), adj.base_runs.len());
                proptest::prop_assert_eq!(adj.all(0), reference.as_slice());
                proptest::prop_assert_eq!(adj.all(2).len(), reference.len());
                proptest::prop_assert!(adj.all(1).is_empty());
                // Built short lists keep no run list; their runs are found
                // in the entries.
                lists_runs_as(&adj, 0, &reference)?;
            }
            for (rel, incoming, rel_type, add) in ops {
                let e = entry(rel, incoming, rel_type);
                let present = reference.iter().position(|r| key(r) == key(&e));
                match (add, present) {
                    (true, None) => {
                        adj.add(0, RelId(rel), e.other_slot, e.incoming(), e.rel_type());
                        reference.push(e);
                    }
                    (false, Some(i)) => {
                        adj.remove(0, e.group(), RelId(rel));
                        reference.remove(i);
                    }
                    _ => {}
                }
                reference.sort_by_key(key);
                proptest::prop_assert!(adj.sorted());
                proptest::prop_assert_eq!(adj.all(0), reference.as_slice());
                lists_runs_as(&adj, 0, &reference)?;
            }
        }
    }

    /// The runs and directions of the list at `slot` are those of
    /// `reference`, a sorted list of its entries.
    fn lists_runs_as(
        adj: &Adjacency,
        slot: usize,
        reference: &[AdjEntry],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        for dir in [false, true] {
            for t in 0..4 {
                let expected: Vec<AdjEntry> = reference
                    .iter()
                    .filter(|r| r.incoming() == dir && r.rel_type() == t)
                    .copied()
                    .collect();
                proptest::prop_assert_eq!(adj.run(slot, dir, t), expected.as_slice());
            }
            let expected: Vec<AdjEntry> = reference
                .iter()
                .filter(|r| r.incoming() == dir)
                .copied()
                .collect();
            proptest::prop_assert_eq!(adj.direction(slot, dir), expected.as_slice());
        }
        Ok(())
    }

    #[test]
    fn only_long_built_lists_keep_a_run_list() {
        // Node 0 has SHORT_LIST entries in two runs; node 1 one more than
        // that, in three runs; node 2 is the other end of all of them.
        let edges = |add: &mut dyn FnMut(BuildEdge)| {
            for i in 0..2 * SHORT_LIST + 1 {
                let (start, rel_type) = if i < SHORT_LIST { (0, i % 2) } else { (1, i % 3) };
                add(BuildEdge {
                    start,
                    end: 2,
                    rel: RelId(i as u64),
                    rel_type: rel_type as u32,
                });
            }
        };
        let adj = Adjacency::built(3, false, edges);
        assert!(adj.sorted());
        assert!(adj.view(0).runs.is_empty(), "a short list keeps no runs");
        assert_eq!(adj.view(1).runs.len(), 3);
        assert_eq!(
            adj.view(2).runs.len(),
            3,
            "node 2's list is long: incoming of types 0, 1, 2"
        );
        assert_eq!(adj.base_runs.len(), 6);
        assert_eq!(adj.run(0, false, 1).len(), SHORT_LIST / 2);
        assert_eq!(adj.run(0, false, 2).len(), 0);
        assert_eq!(adj.run(0, true, 1).len(), 0);
        assert_eq!(adj.direction(0, false).len(), SHORT_LIST);
        assert!(adj.direction(0, true).is_empty());
        // A short built list that changes gets its runs listed.
        let mut adj = adj;
        adj.add(0, RelId(1000), 2, true, 0);
        assert!(adj.sorted());
        assert_eq!(adj.view(0).runs.len(), 3);
        assert_eq!(adj.direction(0, true).len(), 1);
    }
}
