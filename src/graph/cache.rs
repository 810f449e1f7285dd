//! The relationship cache: the relationship table and the adjacency of an
//! index, written as arrays that a later open reads back instead of
//! decoding every relationship page and building the adjacency again.
//!
//! The cache is never the truth: the store's pages are. It describes the
//! index as loading the pages would build it, with nodes in slots by id
//! order (the order pages are read in), so each list and each other end
//! is written by the node's rank among the live nodes' ids, whatever
//! slots the live index gave them. Reading it back checks its length,
//! its counts, every slot and id, each incoming entry against its
//! relationship, and its checksum; installing it checks the nodes; the
//! caller ([`crate::db`]) decides whether it is current (it records the
//! store's meta keys with it) and falls back to the pages on any doubt.
//!
//! Only plain relationships are cached: an index whose relationships have
//! properties, sources or a key, or ids past 2^31, writes no cache and
//! is always loaded from its pages.
//!
//! Layout (little-endian): the magic `ATTESTRC`, the format (u32), the
//! caller's stamp (u32 length and bytes), the node count, a digest of
//! the node ids in order, the relationship count and one past the
//! highest relationship id (u64 each), the type names in interned order (u32 count, then u32 length
//! and bytes each), each node's entry count by rank (u32), every entry
//! (relationship id, other end's rank, group: u32 each; a group is the
//! direction at bit 15 and the type id below it), and a CRC-32 of all
//! that.

use super::GraphIndex;
use super::adjacency::{AdjEntry, Adjacency, RawEntry};
use super::table::Vacant;
use super::table::{Edge, RelTable};
use std::io::{self, Read, Write};

const MAGIC: &[u8; 8] = b"ATTESTRC";
/// 2 since change 55: a group's direction bit is bit 15 (it was bit 31),
/// as entries keep groups in 16 bits. A cache of format 1 is refused
/// and the pages are read, as for any cache in doubt.
const FORMAT: u32 = 2;
/// Bytes read or written at a time: entries go through a buffer of this
/// size rather than one call each.
const CHUNK: usize = 12 * 8192;

/// Why a cache cannot be read (or written): the caller loads from the
/// pages instead.
#[derive(Debug)]
pub struct CacheError(pub String);

impl From<io::Error> for CacheError {
    fn from(e: io::Error) -> CacheError {
        CacheError(e.to_string())
    }
}

fn bad(why: &str) -> CacheError {
    CacheError(why.to_string())
}

/// A writer that checksums what passes through it.
struct Summed<W> {
    inner: W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Summed<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.crc.update(bytes);
        self.inner.write_all(bytes)
    }
    fn u32(&mut self, n: u32) -> io::Result<()> {
        self.put(&n.to_le_bytes())
    }
    fn u64(&mut self, n: u64) -> io::Result<()> {
        self.put(&n.to_le_bytes())
    }
}

/// A reader that checksums what it reads.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
}

impl<R: Read> Checked<R> {
    fn take(&mut self, buf: &mut [u8]) -> Result<(), CacheError> {
        self.inner
            .read_exact(buf)
            .map_err(|_| bad("the relationship cache is cut short"))?;
        self.crc.update(buf);
        Ok(())
    }
    fn u32(&mut self) -> Result<u32, CacheError> {
        let mut b = [0; 4];
        self.take(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn u64(&mut self) -> Result<u64, CacheError> {
        let mut b = [0; 8];
        self.take(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn bytes(&mut self, limit: usize) -> Result<Vec<u8>, CacheError> {
        let len = self.u32()? as usize;
        if len > limit {
            return Err(bad("a field of the relationship cache is too long"));
        }
        let mut b = vec![0; len];
        self.take(&mut b)?;
        Ok(b)
    }
}

/// A relationship cache as read, for [`GraphIndex::install_cache`].
pub(crate) struct RelCache {
    /// Slots (ranks) the cache was written for.
    nodes: usize,
    /// [`ids_digest`] of their ids, in rank order.
    node_ids: u64,
    type_names: Vec<String>,
    type_counts: Vec<usize>,
    rels: RelTable,
    adjacency: Adjacency,
}

impl GraphIndex {
    /// Writes the relationship cache of this index to `out`, headed by
    /// `stamp`. Returns false, having written nothing, when the index
    /// cannot be cached (see the module's comment) or is loading.
    pub(crate) fn write_cache(&self, stamp: &[u8], out: impl Write) -> io::Result<bool> {
        let Some(id_bound) = self.rels.dense_bound().filter(|_| self.cacheable()) else {
            return Ok(false);
        };
        let ranks = Ranks::of(&self.nodes);
        let mut out = Summed {
            inner: io::BufWriter::with_capacity(CHUNK, out),
            crc: crc32fast::Hasher::new(),
        };
        out.put(MAGIC)?;
        out.u32(FORMAT)?;
        out.u32(stamp.len() as u32)?;
        out.put(stamp)?;
        out.u64(self.nodes.len() as u64)?;
        out.u64(ids_digest(
            ranks.slots().filter_map(|slot| self.nodes.id_at(slot)),
        ))?;
        out.u64(self.rels.len() as u64)?;
        out.u64(id_bound)?;
        out.u32(self.rel_type_names.len() as u32)?;
        for name in &self.rel_type_names {
            out.u32(name.len() as u32)?;
            out.put(name.as_bytes())?;
        }
        for slot in ranks.slots() {
            out.u32(self.adjacency.all(slot).len() as u32)?;
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        for slot in ranks.slots() {
            for e in self.adjacency.all(slot) {
                let raw = e.raw();
                let other = ranks.rank_of(raw.other as usize);
                for n in [raw.rel, other, raw.group] {
                    chunk.extend_from_slice(&n.to_le_bytes());
                }
                if chunk.len() >= CHUNK {
                    out.put(&chunk)?;
                    chunk.clear();
                }
            }
        }
        out.put(&chunk)?;
        let crc = out.crc.clone().finalize();
        out.inner.write_all(&crc.to_le_bytes())?;
        out.inner.flush()?;
        Ok(true)
    }

    /// True when [`GraphIndex::write_cache`] would write a cache: no
    /// relationship has properties, sources or a key, every relationship
    /// id fits an entry, and no load is under way.
    pub(crate) fn cacheable(&self) -> bool {
        !self.loading
            && self.rels.detailed().next().is_none()
            && self.adjacency.narrow()
            && self.rels.dense_bound().is_some()
    }

    /// Puts a cache read by [`RelCache::read`] in place of loading the
    /// relationship pages: after the nodes are loaded, before anything
    /// else. False (nothing changed) when the cache was written for
    /// another set of nodes or types are interned already.
    pub(crate) fn install_cache(&mut self, cache: RelCache) -> bool {
        let dense = self.nodes.len() == self.nodes.slot_bound();
        if !dense || cache.nodes != self.nodes.len() || !self.rel_type_names.is_empty() || self.rels.len() > 0
        {
            return false;
        }
        let ids = (0..self.nodes.slot_bound()).filter_map(|slot| self.nodes.id_at(slot));
        if ids_digest(ids) != cache.node_ids {
            return false;
        }
        let distinct: std::collections::HashSet<&String> = cache.type_names.iter().collect();
        if distinct.len() != cache.type_names.len() {
            return false;
        }
        // Interned into an index with none yet, distinct names get the
        // ids 0, 1, 2, … the cache's entries use.
        if cache.type_names.len() > super::MAX_REL_TYPES {
            return false;
        }
        for name in &cache.type_names {
            self.intern_type(name);
        }
        self.rel_type_counts = cache.type_counts;
        self.rels = cache.rels;
        self.adjacency = cache.adjacency;
        true
    }
}

/// A digest of node ids in order, so that a cache is installed only over
/// the very nodes it was written for (the stamp names the store's state;
/// this guards against another store's files put in its place).
fn ids_digest(ids: impl Iterator<Item = crate::model::NodeId>) -> u64 {
    ids.fold(0xcbf2_9ce4_8422_2325, |digest: u64, id| {
        (digest ^ id.0).wrapping_mul(0x0100_0000_01b3).rotate_left(17)
    })
}

/// The rank of each live node among the live nodes' ids: the slot
/// loading the store gives it.
enum Ranks {
    /// Slots already hold the nodes in id order, with no hole (a store
    /// loaded, then added to; a first import of ids in order).
    Slots(usize),
    /// Otherwise: the slots in id order, and each slot's rank.
    Sorted { slots: Vec<u32>, rank_of_slot: Vec<u32> },
}

impl Ranks {
    fn of(nodes: &super::table::NodeTable) -> Ranks {
        let bound = nodes.slot_bound();
        let in_order = (0..bound)
            .map(|slot| nodes.id_at(slot))
            .try_fold(None, |last: Option<u64>, id| match id {
                Some(id) if last.is_none_or(|last| last < id.0) => Some(Some(id.0)),
                _ => None,
            })
            .is_some();
        if in_order {
            return Ranks::Slots(bound);
        }
        // While ids are dense the id-to-slot vector lists the slots in id
        // order already; sorting pairs of id and slot held 34 MB more at
        // a million events, when the store closes after an import, which
        // is when the import's memory peaks.
        let slots = nodes.slots_in_id_order().unwrap_or_else(|| {
            let mut by_id: Vec<(u64, u32)> = (0..bound)
                .filter_map(|slot| Some((nodes.id_at(slot)?.0, slot as u32)))
                .collect();
            by_id.sort_unstable();
            by_id.into_iter().map(|(_, slot)| slot).collect()
        });
        let mut rank_of_slot = vec![u32::MAX; bound];
        for (rank, slot) in slots.iter().enumerate() {
            rank_of_slot[*slot as usize] = rank as u32;
        }
        Ranks::Sorted { slots, rank_of_slot }
    }

    /// The live slots in id order.
    fn slots(&self) -> Box<dyn Iterator<Item = usize> + '_> {
        match self {
            Ranks::Slots(bound) => Box::new(0..*bound),
            Ranks::Sorted { slots, .. } => Box::new(slots.iter().map(|slot| *slot as usize)),
        }
    }

    fn rank_of(&self, slot: usize) -> u32 {
        match self {
            Ranks::Slots(_) => slot as u32,
            Ranks::Sorted { rank_of_slot, .. } => rank_of_slot.get(slot).copied().unwrap_or(u32::MAX),
        }
    }
}

impl RelCache {
    /// True when `input` starts as a cache headed by exactly `stamp` (the
    /// rest is not read).
    pub(crate) fn carries(input: impl Read, stamp: &[u8]) -> bool {
        let mut input = Checked {
            inner: io::BufReader::new(input),
            crc: crc32fast::Hasher::new(),
        };
        header(&mut input, stamp).is_ok()
    }

    /// Reads a cache of `len` bytes headed by exactly `stamp`. Nothing is
    /// allocated beyond what `len` bytes can describe until the checksum
    /// has vouched for the header; every slot, group and id is checked
    /// against the counts in the header, and every incoming entry against
    /// its relationship, so that a damaged cache is refused rather than
    /// loaded.
    pub(crate) fn read(input: impl Read, len: u64, stamp: &[u8]) -> Result<RelCache, CacheError> {
        let mut input = Checked {
            inner: io::BufReader::with_capacity(CHUNK, input),
            crc: crc32fast::Hasher::new(),
        };
        header(&mut input, stamp)?;
        let as_usize = |n: u64| usize::try_from(n).map_err(|_| bad("a count does not fit"));
        let nodes = as_usize(input.u64()?)?;
        let node_ids = input.u64()?;
        let rel_count = as_usize(input.u64()?)?;
        let id_bound = as_usize(input.u64()?)?;
        let type_count = input.u32()? as usize;
        let fits = (nodes as u64)
            .saturating_mul(4)
            .saturating_add((rel_count as u64).saturating_mul(24))
            <= len;
        if !fits
            || nodes >= u32::MAX as usize
            || id_bound > 1 << 31
            || rel_count > id_bound
            || type_count > 1 << 20
        {
            return Err(bad("the relationship cache's counts are out of range"));
        }
        let type_names = (0..type_count)
            .map(|_| String::from_utf8(input.bytes(1 << 16)?).map_err(|_| bad("a type name is not UTF-8")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut counts = vec![0u8; nodes * 4];
        input.take(&mut counts)?;
        let counts: Vec<u32> = counts
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let total: u64 = counts.iter().map(|c| u64::from(*c)).sum();
        if total != 2 * rel_count as u64 {
            return Err(bad(
                "the relationship cache's lists do not hold two entries a relationship",
            ));
        }
        let entries = read_entries(&mut input, total as usize, nodes, type_count)?;
        let expected = input.crc.clone().finalize();
        let mut crc = [0; 4];
        input
            .inner
            .read_exact(&mut crc)
            .map_err(|_| bad("the relationship cache is cut short"))?;
        if u32::from_le_bytes(crc) != expected {
            return Err(bad("the relationship cache's checksum does not match"));
        }
        if input.inner.read(&mut [0])? != 0 {
            return Err(bad("the relationship cache runs on past its end"));
        }
        let (edges, type_counts) = edges_of(&counts, &entries, id_bound, type_count)?;
        if type_counts.iter().sum::<usize>() != rel_count {
            return Err(bad(
                "the relationship cache's outgoing entries do not match its count",
            ));
        }
        let adjacency = Adjacency::from_sorted(&counts, entries)
            .ok_or_else(|| bad("a list of the relationship cache is out of order"))?;
        Ok(RelCache {
            nodes,
            node_ids,
            type_names,
            type_counts,
            rels: RelTable::from_dense(edges, rel_count),
            adjacency,
        })
    }
}

/// Reads the magic, the format and the stamp, which must be `stamp`.
fn header<R: Read>(input: &mut Checked<R>, stamp: &[u8]) -> Result<(), CacheError> {
    let mut magic = [0; 8];
    input.take(&mut magic)?;
    if &magic != MAGIC || input.u32()? != FORMAT {
        return Err(bad("not a relationship cache of this format"));
    }
    if input.bytes(1 << 20)? != stamp {
        return Err(bad("the relationship cache is of another state of the store"));
    }
    Ok(())
}

/// Reads `total` entries, each naming one of `nodes` ranks and one of
/// `type_count` types.
fn read_entries<R: Read>(
    input: &mut Checked<R>,
    total: usize,
    nodes: usize,
    type_count: usize,
) -> Result<Vec<AdjEntry>, CacheError> {
    let mut entries = Vec::with_capacity(total);
    let mut chunk = vec![0u8; CHUNK];
    while entries.len() < total {
        let n = (total - entries.len()).min(CHUNK / 12);
        input.take(&mut chunk[..n * 12])?;
        for raw in chunk[..n * 12].chunks_exact(12) {
            let word = |i: usize| u32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]);
            let e = AdjEntry::from_raw(RawEntry {
                rel: word(0),
                other: word(4),
                group: word(8),
            })
            .ok_or_else(|| bad("an entry of the relationship cache is out of range"))?;
            if word(4) as usize >= nodes || e.rel_type() as usize >= type_count {
                return Err(bad("an entry of the relationship cache is out of range"));
            }
            entries.push(e);
        }
    }
    Ok(entries)
}

/// The relationship table the lists describe (from each relationship's
/// one outgoing entry, at its start), with the count of each type.
/// Every incoming entry must be its relationship's, seen from its end:
/// with one outgoing entry per relationship and two entries per
/// relationship in all, the lists then describe the table exactly.
fn edges_of(
    counts: &[u32],
    entries: &[AdjEntry],
    id_bound: usize,
    type_count: usize,
) -> Result<(Vec<Edge>, Vec<usize>), CacheError> {
    let lists = || {
        let mut start = 0;
        counts.iter().enumerate().map(move |(slot, count)| {
            let list = &entries[start..start + *count as usize];
            start += *count as usize;
            (slot, list)
        })
    };
    let mut edges = vec![Edge::VACANT; id_bound];
    let mut type_counts = vec![0usize; type_count];
    for (slot, list) in lists() {
        for e in list.iter().filter(|e| !e.incoming()) {
            let raw = e.raw();
            let edge = edges
                .get_mut(raw.rel as usize)
                .ok_or_else(|| bad("an entry of the relationship cache is out of range"))?;
            if *edge != Edge::VACANT {
                return Err(bad("a relationship is cached twice"));
            }
            *edge = Edge {
                start: slot as u32,
                end: raw.other,
                // Below MAX_TYPES: a group holds 15 bits of type.
                rel_type: e.rel_type() as u16,
            };
            type_counts[e.rel_type() as usize] += 1;
        }
    }
    for (slot, list) in lists() {
        for e in list.iter().filter(|e| e.incoming()) {
            let raw = e.raw();
            let edge = edges.get(raw.rel as usize).copied().unwrap_or(Edge::VACANT);
            if edge.end as usize != slot
                || edge.start != raw.other
                || u32::from(edge.rel_type) != e.rel_type()
            {
                return Err(bad(
                    "an incoming entry of the relationship cache disagrees with its relationship",
                ));
            }
        }
    }
    Ok((edges, type_counts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::table::tests::node;
    use crate::graph::tests::rel;
    use crate::model::{Direction, Node, NodeId, RelId};

    fn read(bytes: &[u8], stamp: &[u8]) -> Result<RelCache, CacheError> {
        RelCache::read(bytes, bytes.len() as u64, stamp)
    }

    /// An index whose slots are not in id order and have a hole, with
    /// self-loops, parallel relationships, three types, removed
    /// relationships (holes in the ids) and a list longer than a short one.
    fn scrambled() -> GraphIndex {
        let mut g = GraphIndex::new(&[]);
        for id in [7, 3, 9, 1, 4, 8, 2, 6, 5] {
            g.insert_node(node(id));
        }
        let types = ["A", "B", "C"];
        let mut next = 1;
        for (start, end) in [
            (1, 2),
            (2, 2),
            (3, 1),
            (1, 9),
            (9, 1),
            (4, 4),
            (1, 2),
            (8, 3),
            (6, 7),
        ] {
            g.insert_relationship(rel(next, types[next as usize % 3], start, end));
            next += 1;
        }
        for i in 0..40 {
            g.insert_relationship(rel(next, types[i % 3], 5, [1, 2, 3, 5][i % 4]));
            next += 1;
        }
        g.remove_relationship(RelId(3));
        g.remove_relationship(RelId(20));
        // Node 6 goes (its one relationship first): its slot is a hole.
        g.remove_relationship(RelId(9));
        assert!(g.remove_node(NodeId(6)).is_some());
        g
    }

    /// The same nodes, in slots by id order, as loading the pages gives.
    fn nodes_as_loaded(g: &GraphIndex) -> GraphIndex {
        let mut loaded = GraphIndex::new(&[]);
        let mut nodes: Vec<Node> = g.nodes().map(|n| n.to_node()).collect();
        nodes.sort_by_key(|n| n.id);
        for n in nodes {
            loaded.insert_node(n);
        }
        loaded
    }

    fn cache_of(g: &GraphIndex, stamp: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        assert!(g.write_cache(stamp, &mut bytes).unwrap(), "cacheable");
        bytes
    }

    /// Everything a reader can ask about relationships, by id.
    fn relationships_seen(g: &GraphIndex) -> Vec<String> {
        let mut seen: Vec<String> = g
            .relationships()
            .map(|r| format!("{} {} {} {}", r.id, r.rel_type, r.start, r.end))
            .collect();
        seen.sort();
        let mut ids: Vec<NodeId> = g.nodes().map(|n| n.id).collect();
        ids.sort();
        for id in ids {
            for direction in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
                for types in [&[][..], &["A"][..], &["C", "B"][..]] {
                    seen.push(format!(
                        "{id} {direction:?} {types:?} {:?}",
                        g.relationships_of(id, direction, types)
                    ));
                }
            }
        }
        seen.extend(g.relationship_type_counts().map(|(t, n)| format!("{t}: {n}")));
        seen
    }

    /// Ranks come off the id-to-slot vector while ids are dense, and from
    /// a sort once a far id has made it a hash map: both must give the
    /// order a load gives.
    #[test]
    fn a_cache_of_sparse_ids_loads_as_well() {
        let mut g = scrambled();
        g.insert_node(node(1_000_000_000));
        assert!(g.insert_relationship(rel(200, "A", 1_000_000_000, 3)));
        assert!(g.nodes.slots_in_id_order().is_none(), "the id map went sparse");
        let bytes = cache_of(&g, b"stamp");
        let mut loaded = nodes_as_loaded(&g);
        assert!(loaded.install_cache(read(&bytes[..], b"stamp").unwrap()));
        loaded.verify().unwrap();
        assert_eq!(relationships_seen(&loaded), relationships_seen(&g));
        assert!(scrambled().nodes.slots_in_id_order().is_some());
    }

    #[test]
    fn a_cache_loads_the_index_the_pages_would() {
        let g = scrambled();
        g.verify().unwrap();
        let bytes = cache_of(&g, b"stamp");
        let mut loaded = nodes_as_loaded(&g);
        let cache = read(&bytes[..], b"stamp").unwrap();
        assert!(loaded.install_cache(cache));
        loaded.verify().unwrap();
        assert_eq!(relationships_seen(&loaded), relationships_seen(&g));
        // The loaded index takes changes like any other.
        loaded.remove_relationship(RelId(45));
        assert!(loaded.insert_relationship(rel(100, "D", 5, 1)));
        loaded.verify().unwrap();
        // Written again from an index whose slots are in id order.
        let again = cache_of(&loaded, b"2");
        let mut reloaded = nodes_as_loaded(&loaded);
        assert!(reloaded.install_cache(read(&again[..], b"2").unwrap()));
        reloaded.verify().unwrap();
        assert_eq!(relationships_seen(&reloaded), relationships_seen(&loaded));
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_refused() {
        let g = scrambled();
        let bytes = cache_of(&g, b"stamp");
        let refused = |bytes: &[u8], stamp: &[u8]| read(bytes, stamp).err().map(|e| e.0);
        assert!(refused(&bytes, b"stamp").is_none());
        assert!(refused(&bytes, b"other").unwrap().contains("another state"));
        assert!(
            refused(&bytes[..bytes.len() - 1], b"stamp")
                .unwrap()
                .contains("cut short")
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(refused(&longer, b"stamp").unwrap().contains("past its end"));
        // Counts larger than the file can hold are refused before
        // anything of their size is allocated; the largest id (which the
        // file's size does not bound) is used only once the checksum has
        // vouched for it.
        let counts_at = 8 + 4 + 4 + b"stamp".len();
        for (field, huge, why) in [
            (0, (1u64 << 32) - 2, "out of range"),
            (2, 1 << 30, "out of range"),
            (3, 1 << 31, "checksum"),
            (3, (1 << 31) + 1, "out of range"),
        ] {
            let mut inflated = bytes.clone();
            let at = counts_at + 8 * field;
            inflated[at..at + 8].copy_from_slice(&huge.to_le_bytes());
            let error = refused(&inflated, b"stamp").unwrap();
            assert!(error.contains(why), "field {field}: {error}");
        }
        // Any byte changed is refused, by a check or by the checksum.
        for at in (0..bytes.len()).step_by(7) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x10;
            assert!(refused(&damaged, b"stamp").is_some(), "byte {at} changed");
        }
        // Written for other nodes: not installed, the index untouched.
        let mut more = nodes_as_loaded(&g);
        more.insert_node(node(50));
        assert!(!more.install_cache(read(&bytes[..], b"stamp").unwrap()));
        assert_eq!(more.relationship_count(), 0);
        more.verify().unwrap();
        let mut others = GraphIndex::new(&[]);
        for id in [1, 2, 3, 4, 5, 7, 8, 10] {
            others.insert_node(node(id));
        }
        assert!(
            !others.install_cache(read(&bytes[..], b"stamp").unwrap()),
            "same count, other ids"
        );
        assert_eq!(others.relationship_count(), 0);
    }

    #[test]
    fn lists_that_disagree_are_refused_even_under_a_good_checksum() {
        let g = scrambled();
        let bytes = cache_of(&g, b"s");
        // Where the entries start: after the header, the type names and
        // the counts (8 nodes, three names of one byte).
        let entries_at = 8 + 4 + 4 + 1 + 8 * 4 + 4 + 3 * 5 + 8 * 4;
        let body = bytes.len() - 4;
        assert_eq!((body - entries_at) % 12, 0);
        let resealed = |mut bytes: Vec<u8>| {
            let crc = crc32fast::hash(&bytes[..body]);
            bytes[body..].copy_from_slice(&crc.to_le_bytes());
            bytes
        };
        assert!(read(&resealed(bytes.clone())[..], b"s").is_ok());
        let word = |bytes: &[u8], at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let incoming = (entries_at..body)
            .step_by(12)
            .find(|at| word(&bytes, at + 8) & (1 << 15) != 0)
            .unwrap();
        // The other end of an incoming entry moved to another node.
        let mut moved = bytes.clone();
        let other = word(&bytes, incoming + 4);
        moved[incoming + 4..incoming + 8].copy_from_slice(&((other + 1) % 8).to_le_bytes());
        let refused = read(&resealed(moved)[..], b"s").err().unwrap();
        assert!(refused.0.contains("disagrees"), "{}", refused.0);
    }

    #[test]
    fn indexes_with_details_or_wide_ids_write_no_cache() {
        let mut detailed = scrambled();
        let mut with_key = rel(200, "A", 1, 2);
        with_key.key = Some("k".into());
        assert!(detailed.insert_relationship(with_key));
        assert!(!detailed.write_cache(b"", &mut Vec::new()).unwrap());
        let mut wide = scrambled();
        assert!(wide.insert_relationship(rel(1 << 33, "A", 1, 2)));
        assert!(!wide.write_cache(b"", &mut Vec::new()).unwrap());
        let mut loading = scrambled();
        loading.begin_load();
        assert!(!loading.write_cache(b"", &mut Vec::new()).unwrap());
    }
}
