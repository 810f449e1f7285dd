//! The on-disk layout: how nodes, relationships, indexes and metadata map to
//! keys and values in the single ordered keyspace of a storage engine.
//!
//! Every key starts with one keyspace byte. Integers are big-endian so that
//! byte order is numeric order; names are followed by a 0x00 separator (names
//! may not contain NUL, checked on write). Pages are packed by hand
//! ([`encode_node_page`], [`encode_rel_page`]), their values and other
//! records postcard-encoded. `docs/ARCHITECTURE.md` has the table.

use crate::error::{Error, Result};
use crate::graph::{NodeView, PackedNode, ValueRef};
use crate::model::{
    Date, Labels, Node, NodeId, Properties, RelId, RelView, Relationship, Shape, Source, Sources, Value,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// The store format this build writes. Format 1 kept one key per record
/// plus on-disk label, unique, adjacency and fact-key indexes; format 2
/// keeps records in pages and rebuilds every index in memory; format 3
/// writes pages packed ([`encode_node_page`], [`encode_rel_page`]).
pub const FORMAT_VERSION: u32 = 3;

/// The oldest format this build reads. A format-2 store is read as it is
/// (its pages in either encoding) and marked format 3 when it
/// is opened, before anything is written to it, so that a build that
/// reads only format 2 refuses it rather than misreading a packed page.
pub const OLDEST_READ_FORMAT: u32 = 2;

pub const NODE: u8 = b'N';
pub const REL: u8 = b'R';
pub const TXN: u8 = b'T';
/// The first byte of every `META_` key.
pub const META: u8 = b'M';

pub const META_FORMAT: &[u8] = b"Mformat";
pub const META_SCHEMA: &[u8] = b"Mschema";
pub const META_NEXT_NODE: &[u8] = b"Mnext_node";
pub const META_NEXT_REL: &[u8] = b"Mnext_rel";
pub const META_NEXT_TXN: &[u8] = b"Mnext_txn";
/// Present only while a bulk import is being written; see [`ImportMarker`].
pub const META_IMPORT: &[u8] = b"Mimport";

/// Records per page. A page is one storage value holding the live records
/// whose ids fall in `[page * PAGE_RECORDS, (page + 1) * PAGE_RECORDS)`.
///
/// Why pages: the storage engine's cost is per key (the on-disk engine
/// rewrites a tree node per insert), and every index can be rebuilt from the records when
/// the store is opened, so fewer, larger values make imports and reopening
/// many times faster and the store several times smaller. Why this size: a
/// transaction rewrites every page it touches, so pages stay small enough
/// (a few kilobytes) that a one-node change stays cheap.
pub const PAGE_RECORDS: u64 = 128;

/// The page holding element id `id`.
pub fn page_of(id: u64) -> u64 {
    id / PAGE_RECORDS
}

/// The ids a page may hold.
pub fn page_ids(page: u64) -> std::ops::Range<u64> {
    let first = page.saturating_mul(PAGE_RECORDS);
    first..first.saturating_add(PAGE_RECORDS)
}

/// The end of keyspace `space` for range scans: every key starting with
/// `space` sorts below it.
pub fn space_end(space: u8) -> [u8; 1] {
    [space + 1]
}

/// Key of node page `page`: `N` + page number, big-endian.
pub fn node_page_key(page: u64) -> Vec<u8> {
    with_prefix(NODE, &page.to_be_bytes())
}

/// Key of relationship page `page`: `R` + page number, big-endian.
pub fn rel_page_key(page: u64) -> Vec<u8> {
    with_prefix(REL, &page.to_be_bytes())
}

pub fn txn_key(txn: u64) -> Vec<u8> {
    with_prefix(TXN, &txn.to_be_bytes())
}

fn with_prefix(space: u8, rest: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(rest.len() + 1);
    key.push(space);
    key.extend(rest);
    key
}

/// One committed transaction, as kept in the store's log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TxnRecord {
    /// Transaction number, from 1, in commit order.
    pub txn: u64,
    /// Commit time, milliseconds since the Unix epoch.
    pub unix_ms: u64,
    /// What ran: a query's text, `load FILE`, `import DIR`, ….
    pub description: String,
    /// Nodes created or changed (and not deleted again).
    pub nodes_written: u64,
    /// Nodes deleted (that existed before the transaction).
    pub nodes_deleted: u64,
    /// Relationships created or changed (and not deleted again).
    pub relationships_written: u64,
    /// Relationships deleted (that existed before the transaction).
    pub relationships_deleted: u64,
}

/// Written (and flushed) before the first batch of a bulk import and removed
/// by its last batch. A store opened with the marker present holds part of
/// an import that never finished; every element it wrote has an id at or
/// above the counters recorded here (ids are handed out in increasing order
/// and the import holds the write lock throughout), so opening removes
/// exactly those.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportMarker {
    /// `Mnext_node` when the import started: its nodes have ids >= this.
    pub next_node: u64,
    /// `Mnext_rel` when the import started: its relationships have ids >= this.
    pub next_rel: u64,
    /// What was being imported, for the message after recovery.
    pub description: String,
    /// When the import started, milliseconds since the Unix epoch.
    pub unix_ms: u64,
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(|e| Error::Storage(format!("cannot encode a record: {e}")))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    postcard::from_bytes(bytes).map_err(|e| Error::Format(format!("damaged {what} record: {e}")))
}

pub fn decode_u64(bytes: &[u8], what: &str) -> Result<u64> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| Error::Format(format!("damaged {what}")))?;
    Ok(u64::from_be_bytes(array))
}

/// Encodes a page of records as format 2 did (postcard's encoding of the
/// list): kept to test that such pages still read. Pages are now written
/// by [`encode_node_page`] and [`encode_rel_page`].
#[cfg(test)]
pub fn encode_page<T: Serialize>(records: &[T]) -> Result<Vec<u8>> {
    encode(&records)
}

/// The first byte of a packed page (nodes or relationships). A page of
/// format 2 starts with its record count as a varint, and holds at most
/// [`PAGE_RECORDS`] records, so its first byte is at most 0x80: the two
/// cannot be taken for each other.
const PACKED: u8 = 0xff;

/// Encodes a relationship page (records sorted by id) packed: each type
/// name once, then per relationship its id as the step from the one
/// before, its type's position, its ends, and a byte saying whether
/// postcard's encoding of its properties, sources and key follows.
///
/// The postcard encoding of format 2 spelled out every relationship's type
/// name and its empty properties, sources and key: about 23 bytes a plain
/// relationship on the million-event set, where this takes about 10. The
/// pages are most of a large store, and an open reads them all.
///
/// ```text
/// page    := 0xff  varint(types)  (varint(len) utf8){types}
///            varint(count)  record{count}
/// record  := varint(id - previous id; the first: id)  varint(type)
///            varint(start)  varint(end)
///            (0x00 | 0x01 postcard(properties, sources, key))
/// ```
pub fn encode_rel_page(rels: &[RelView<'_>]) -> Result<Vec<u8>> {
    let mut types: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(16 + rels.len() * 10);
    out.push(PACKED);
    let positions: Vec<usize> = rels
        .iter()
        .map(|rel| position_in(&mut types, rel.rel_type))
        .collect();
    put_varint(&mut out, types.len() as u64);
    for name in &types {
        put_str(&mut out, name);
    }
    put_varint(&mut out, rels.len() as u64);
    let mut previous = 0u64;
    for (rel, position) in rels.iter().zip(positions) {
        put_id_step(&mut out, &mut previous, rel.id.0);
        put_varint(&mut out, position as u64);
        put_varint(&mut out, rel.start.0);
        put_varint(&mut out, rel.end.0);
        if rel.properties.is_empty() && rel.sources.is_empty() && rel.key.is_none() {
            out.push(0);
        } else {
            out.push(1);
            out = postcard::to_extend(&(rel.properties, rel.sources, rel.key), out).map_err(encode_error)?;
        }
    }
    Ok(out)
}

/// Writes `id` as the step from `previous` (the id before it on the page,
/// 0 for the first), and makes it the new `previous`. Wrapping, so that
/// any order round-trips; the decoder's page check refuses records out of
/// order.
fn put_id_step(out: &mut Vec<u8>, previous: &mut u64, id: u64) {
    put_varint(out, id.wrapping_sub(*previous));
    *previous = id;
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// What follows a packed relationship whose flag byte is set.
type RelDetails = (Properties, Vec<Source>, Option<String>);

/// Decodes a packed relationship page ([`encode_rel_page`]) into whole
/// records.
fn packed_rels(bytes: &[u8]) -> Result<Vec<Relationship>> {
    let (_, rels) = packed_rel_records(bytes, |rel| {
        let (properties, sources, key) = rel.details.unwrap_or_default();
        Relationship {
            id: rel.id,
            rel_type: rel.type_name.to_string(),
            start: rel.start,
            end: rel.end,
            properties,
            sources,
            key,
        }
    })?;
    Ok(rels)
}

/// One record of a packed relationship page, as [`packed_rel_records`]
/// reads it.
struct PackedRel<'a> {
    id: RelId,
    /// The type's position in the page's list of types.
    type_at: usize,
    type_name: &'a str,
    start: NodeId,
    end: NodeId,
    details: Option<RelDetails>,
}

/// Reads a packed relationship page: its list of types, and each record
/// through `record`.
fn packed_rel_records<'a, T>(
    bytes: &'a [u8],
    mut record: impl FnMut(PackedRel<'a>) -> T,
) -> Result<(Vec<&'a str>, Vec<T>)> {
    let damaged = |what: &str| Error::Format(format!("damaged relationship page: {what}"));
    let mut input = PostcardInput(bytes);
    let type_count = input.varint().ok_or_else(|| damaged("no type count"))?;
    // Each type takes at least a byte: a damaged count cannot ask for more
    // room than the page could fill.
    let mut types = Vec::with_capacity(usize::try_from(type_count).unwrap_or(0).min(bytes.len()));
    for _ in 0..type_count {
        let name = input.bytes().ok_or_else(|| damaged("a type name is cut short"))?;
        types.push(std::str::from_utf8(name).map_err(|_| damaged("a type name is not UTF-8"))?);
    }
    // Each record takes at least 5 bytes.
    let records = input.records(5, &damaged, |input, id| {
        let cut = || damaged("a record is cut short");
        let position = input.varint().ok_or_else(cut)?;
        let start = NodeId(input.varint().ok_or_else(cut)?);
        let end = NodeId(input.varint().ok_or_else(cut)?);
        let named = usize::try_from(position)
            .ok()
            .and_then(|at| Some((at, *types.get(at)?)));
        let Some((type_at, type_name)) = named else {
            return Err(damaged(&format!(
                "relationship {id} names type {position} of {type_count}"
            )));
        };
        let details: Option<RelDetails> = input
            .details()
            .map_err(|e| damaged(&format!("relationship {id}: {e}")))?;
        Ok(record(PackedRel {
            id: RelId(id),
            type_at,
            type_name,
            start,
            end,
            details,
        }))
    })?;
    Ok((types, records))
}

/// A relationship page decoded for loading into the in-memory index:
/// owned, so that it can cross from the thread that reads the store to the
/// one that loads it, yet with no type name allocated per relationship.
pub struct LoadedRelPage {
    /// The page's relationship types, each once.
    pub types: Vec<String>,
    pub rels: Vec<LoadedRel>,
}

/// One relationship of a [`LoadedRelPage`].
pub enum LoadedRel {
    /// A relationship with nothing but a type (its position in the page's
    /// `types`) and two ends: nearly all of a large store's.
    Plain {
        id: RelId,
        rel_type: usize,
        start: NodeId,
        end: NodeId,
    },
    /// A relationship with properties, sources or a key: its record.
    Full(Box<Relationship>),
}

impl LoadedRel {
    /// A record read from a page as the index loads it: plain when its
    /// details are absent or empty.
    fn of(
        id: RelId,
        rel_type: (usize, &str),
        start: NodeId,
        end: NodeId,
        details: Option<RelDetails>,
    ) -> LoadedRel {
        match details {
            Some((properties, sources, key))
                if !properties.is_empty() || !sources.is_empty() || key.is_some() =>
            {
                LoadedRel::Full(Box::new(Relationship {
                    id,
                    rel_type: rel_type.1.to_string(),
                    start,
                    end,
                    properties,
                    sources,
                    key,
                }))
            }
            _ => LoadedRel::Plain {
                id,
                rel_type: rel_type.0,
                start,
                end,
            },
        }
    }

    fn id(&self) -> RelId {
        match self {
            LoadedRel::Plain { id, .. } => *id,
            LoadedRel::Full(rel) => rel.id,
        }
    }
}

/// Decodes a relationship page for loading, and checks every record
/// belongs to it, in id order. A packed page's relationships name their
/// type by its place in the page's list; a format-2 page's, which spell
/// out their type, are matched to a list built as they come.
pub fn decode_rel_page_for_load(key: &[u8], bytes: &[u8]) -> Result<LoadedRelPage> {
    let page = page_in_key(REL, key)?;
    let loaded = rels_for_load(bytes)?;
    check_page(page, loaded.rels.iter().map(|r| r.id().0), "relationship")?;
    Ok(loaded)
}

/// [`decode_rel_page_for_load`] but for the page check.
fn rels_for_load(bytes: &[u8]) -> Result<LoadedRelPage> {
    let (types, rels) = match bytes.split_first() {
        Some((&PACKED, packed)) => {
            let (names, rels) = packed_rel_records(packed, |rel| {
                LoadedRel::of(
                    rel.id,
                    (rel.type_at, rel.type_name),
                    rel.start,
                    rel.end,
                    rel.details,
                )
            })?;
            (names.into_iter().map(str::to_string).collect(), rels)
        }
        // A page of format 2, whose records spell out their type.
        _ => {
            let stored: Vec<StoredRel> = postcard::from_bytes(bytes)
                .map_err(|e| Error::Format(format!("damaged relationship page record: {e}")))?;
            let mut names: Vec<&str> = Vec::new();
            let rels = stored
                .into_iter()
                .map(|rel| {
                    let at = position_in(&mut names, rel.rel_type);
                    let details = Some((rel.properties, rel.sources, rel.key));
                    LoadedRel::of(rel.id, (at, rel.rel_type), rel.start, rel.end, details)
                })
                .collect();
            (names.into_iter().map(str::to_string).collect(), rels)
        }
    };
    Ok(LoadedRelPage { types, rels })
}

/// The entry at `at` of a page's list of names.
fn listed<T>(list: &[T], at: u64) -> Option<&T> {
    list.get(usize::try_from(at).ok()?)
}

/// The page number in a node or relationship page key.
fn page_in_key(space: u8, key: &[u8]) -> Result<u64> {
    match key.split_first() {
        Some((first, rest)) if *first == space => decode_u64(rest, "page key"),
        _ => Err(Error::Format("a page is stored under a foreign key".into())),
    }
}

/// Decodes a node page and checks every record belongs to it, in id order.
pub fn decode_node_page(key: &[u8], bytes: &[u8]) -> Result<Vec<Node>> {
    let page = page_in_key(NODE, key)?;
    let nodes: Vec<Node> = match bytes.split_first() {
        Some((&PACKED, packed)) => packed_nodes(packed)?,
        // A page of format 2.
        _ => decode(bytes, "node page")?,
    };
    check_page(page, nodes.iter().map(|n| n.id.0), "node")?;
    Ok(nodes)
}

/// Encodes a node page (records sorted by id) packed: each label list and
/// each set of property keys once, then per node its id as the step from
/// the one before, the positions of its labels and of its keys, postcard's
/// encoding of each value, and a byte saying whether postcard's encoding
/// of its sources and key follows.
///
/// Postcard's encoding of `Vec<Node>` (format 2) spelled out every node's
/// label names and property keys, about 25 of the 100 bytes of an event
/// of the million-event set.
///
/// ```text
/// page    := 0xff  list{labels}  list{key sets}  varint(count)  record{count}
/// list    := varint(n)  (varint(m)  (varint(len) utf8){m}){n}
/// record  := varint(id - previous id; the first: id)  varint(labels)
///            varint(keys)  postcard(value){keys' length}
///            (0x00 | 0x01 postcard(sources, key))
/// ```
pub fn encode_node_page(nodes: &[NodeView<'_>]) -> Result<Vec<u8>> {
    let mut label_lists: Vec<&[String]> = Vec::new();
    let mut key_sets: Vec<&[String]> = Vec::new();
    let mut out = Vec::with_capacity(64 + nodes.len() * 80);
    out.push(PACKED);
    let positions: Vec<(usize, usize)> = nodes
        .iter()
        .map(|node| {
            (
                position_in(&mut label_lists, node.labels.as_slice()),
                position_in(&mut key_sets, node.keys_slice()),
            )
        })
        .collect();
    for lists in [&label_lists, &key_sets] {
        put_varint(&mut out, lists.len() as u64);
        for list in lists.iter() {
            put_varint(&mut out, list.len() as u64);
            for name in list.iter() {
                put_str(&mut out, name);
            }
        }
    }
    put_varint(&mut out, nodes.len() as u64);
    let mut previous = 0u64;
    for (node, (labels, keys)) in nodes.iter().zip(positions) {
        put_id_step(&mut out, &mut previous, node.id.0);
        put_varint(&mut out, labels as u64);
        put_varint(&mut out, keys as u64);
        node.try_for_each_value(|value| {
            match value {
                // As serde writes a `Value::String` (read back by
                // `PostcardInput::value`), without making one.
                ValueRef::Str(text) => {
                    put_varint(&mut out, u64::from(STRING_VARIANT));
                    put_str(&mut out, text);
                }
                ValueRef::Value(value) => {
                    out = postcard::to_extend(value, std::mem::take(&mut out)).map_err(encode_error)?;
                }
            }
            Ok::<(), Error>(())
        })?;
        let (sources, key) = (node.sources(), node.key());
        if sources.is_empty() && key.is_none() {
            out.push(0);
        } else {
            out.push(1);
            // Encoded as the record's `(Sources, Option<String>)` is.
            out = postcard::to_extend(&(sources, key), out).map_err(encode_error)?;
        }
    }
    Ok(out)
}

fn encode_error(e: postcard::Error) -> Error {
    Error::Storage(format!("cannot encode a record: {e}"))
}

/// The position of `item` in `items`, added at the end if new. A page
/// holds one kind of record or a few: a search beats a map.
fn position_in<'a, T: PartialEq + ?Sized>(items: &mut Vec<&'a T>, item: &'a T) -> usize {
    match items.iter().rposition(|i| *i == item) {
        Some(at) => at,
        None => {
            items.push(item);
            items.len() - 1
        }
    }
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Decodes a packed node page ([`encode_node_page`]).
fn packed_nodes(bytes: &[u8]) -> Result<Vec<Node>> {
    packed_node_records(bytes, |input, id, labels, shape, damaged| {
        let mut values = Vec::with_capacity(shape.len());
        for _ in 0..shape.len() {
            values.push(input.value().map_err(|e| damaged(&format!("node {id}: {e}")))?);
        }
        let properties =
            Properties::with_shape(shape, values).ok_or_else(|| damaged(&format!("node {id}: values")))?;
        Ok(Node {
            id: NodeId(id),
            labels: labels.clone(),
            properties,
            sources: Sources::default(),
            key: None,
        })
    })
    .map(|records| {
        records
            .into_iter()
            .map(|(mut node, (sources, key))| {
                node.sources = sources;
                node.key = key;
                node
            })
            .collect()
    })
}

/// Decodes a node page into nodes whose values are packed for the index
/// ([`PackedNode`]): a string goes from the page's bytes into the record
/// without a [`Value`] of its own. `None` for a page of format 2, which
/// [`decode_node_page`] reads.
pub(crate) fn decode_node_page_packed(key: &[u8], bytes: &[u8]) -> Result<Option<Vec<PackedNode>>> {
    let page = page_in_key(NODE, key)?;
    let Some((&PACKED, packed)) = bytes.split_first() else {
        return Ok(None);
    };
    let records = packed_node_records(packed, |input, id, labels, shape, damaged| {
        let mut node = PackedNode::new(NodeId(id), labels.clone(), shape.clone());
        for _ in 0..shape.len() {
            input
                .value_into(&mut node)
                .map_err(|e| damaged(&format!("node {id}: {e}")))?;
        }
        Ok(node)
    })?;
    let nodes: Vec<PackedNode> = records
        .into_iter()
        .map(|(mut node, (sources, key))| {
            node.sources = sources;
            node.key = key;
            node
        })
        .collect();
    check_page(page, nodes.iter().map(|n| n.id.0), "node")?;
    Ok(Some(nodes))
}

/// A record's citations and fact key, as a page holds them.
type Details = (Sources, Option<String>);

/// Walks a packed node page: its label lists and key sets, then each
/// record, whose values `values` reads (given the record's id, labels and
/// shape), and whose sources and key follow.
fn packed_node_records<T>(
    bytes: &[u8],
    mut values: impl FnMut(&mut PostcardInput, u64, &Labels, &Shape, &dyn Fn(&str) -> Error) -> Result<T>,
) -> Result<Vec<(T, Details)>> {
    let damaged = |what: &str| Error::Format(format!("damaged node page: {what}"));
    let mut input = PostcardInput(bytes);
    let label_lists: Vec<Labels> = input
        .name_lists(bytes.len())
        .ok_or_else(|| damaged("its label lists are cut short or not UTF-8"))?
        .iter()
        .map(|names| Labels::from(names.as_slice()))
        .collect();
    let key_sets: Vec<Shape> = input
        .name_lists(bytes.len())
        .ok_or_else(|| damaged("its key sets are cut short or not UTF-8"))?
        .iter()
        .map(|keys| Shape::of(keys).ok_or_else(|| damaged("a key set is out of order")))
        .collect::<Result<_>>()?;
    // Each record takes at least 4 bytes.
    input.records(4, &damaged, |input, id| {
        let cut = || damaged("a record is cut short");
        let (labels_at, keys_at) = (input.varint().ok_or_else(cut)?, input.varint().ok_or_else(cut)?);
        let labels = listed(&label_lists, labels_at)
            .ok_or_else(|| damaged(&format!("node {id} names label list {labels_at}")))?;
        let shape = listed(&key_sets, keys_at)
            .ok_or_else(|| damaged(&format!("node {id} names key set {keys_at}")))?;
        let record = values(input, id, labels, shape, &damaged)?;
        let details: Option<(Sources, Option<String>)> =
            input.details().map_err(|e| damaged(&format!("node {id}: {e}")))?;
        Ok((record, details.unwrap_or_default()))
    })
}

/// A relationship record as a format-2 page holds it (postcard's encoding
/// of a [`Relationship`]), its type borrowed from the page's bytes, so that
/// loading such a page allocates no type name per relationship.
#[derive(Deserialize)]
struct StoredRel<'a> {
    id: RelId,
    #[serde(borrow)]
    rel_type: &'a str,
    start: NodeId,
    end: NodeId,
    properties: Properties,
    sources: Vec<Source>,
    key: Option<String>,
}

/// The rest of a postcard encoding, read from the front.
struct PostcardInput<'a>(&'a [u8]);

/// The number serde gives [`Value::String`] (see [`PostcardInput::value`]).
const STRING_VARIANT: u32 = 4;

impl<'a> PostcardInput<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// An unsigned integer in postcard's varint encoding (seven bits a
    /// byte, low bits first, high bit set on all but the last byte).
    #[inline]
    fn varint(&mut self) -> Option<u64> {
        // Most integers of a page (id steps, list positions) take one byte.
        match self.0.split_first() {
            Some((&byte, rest)) if byte < 0x80 => {
                self.0 = rest;
                Some(u64::from(byte))
            }
            _ => self.long_varint(),
        }
    }

    fn long_varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            // The tenth byte may carry only the 64th bit.
            if shift == 63 && bits > 1 {
                return None;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// An id written by `put_id_step` after `previous`, which it becomes.
    fn id_step(&mut self, previous: &mut u64) -> Option<u64> {
        *previous = previous.wrapping_add(self.varint()?);
        Some(*previous)
    }

    /// A packed page's records: their count, then each record, whose id
    /// (`put_id_step`) is read here and the rest by `record`. No record
    /// takes fewer than `min_bytes`, so a damaged count cannot ask for
    /// more room than the page could fill.
    fn records<T>(
        &mut self,
        min_bytes: usize,
        damaged: &dyn Fn(&str) -> Error,
        mut record: impl FnMut(&mut Self, u64) -> Result<T>,
    ) -> Result<Vec<T>> {
        let count = self.varint().ok_or_else(|| damaged("no record count"))?;
        let room = self.0.len() / min_bytes;
        let mut records = Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(room));
        let mut previous = 0u64;
        for _ in 0..count {
            let id = self
                .id_step(&mut previous)
                .ok_or_else(|| damaged("a record is cut short"))?;
            records.push(record(self, id)?);
        }
        Ok(records)
    }

    /// A value in postcard's encoding.
    fn postcard<T: DeserializeOwned>(&mut self) -> std::result::Result<T, postcard::Error> {
        let (value, rest) = postcard::take_from_bytes(self.0)?;
        self.0 = rest;
        Ok(value)
    }

    /// What follows a record's flag byte: nothing for 0, a value in
    /// postcard's encoding for 1.
    fn details<T: DeserializeOwned>(&mut self) -> std::result::Result<Option<T>, String> {
        match self.byte() {
            Some(0) => Ok(None),
            Some(1) => self.postcard().map(Some).map_err(|e| e.to_string()),
            _ => Err("no details flag".into()),
        }
    }

    /// Lists of names, as [`encode_node_page`] writes them; `None` when
    /// cut short or not UTF-8. No list can be longer than the page.
    fn name_lists(&mut self, page_len: usize) -> Option<Vec<Vec<&'a str>>> {
        let count = usize::try_from(self.varint()?).ok()?;
        let mut lists = Vec::with_capacity(count.min(page_len));
        for _ in 0..count {
            let len = usize::try_from(self.varint()?).ok()?;
            let mut names = Vec::with_capacity(len.min(page_len));
            for _ in 0..len {
                names.push(std::str::from_utf8(self.bytes()?).ok()?);
            }
            lists.push(names);
        }
        Some(lists)
    }

    /// A length-prefixed byte string (how postcard writes a `str`).
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        if len > self.0.len() {
            return None;
        }
        let (taken, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(taken)
    }

    /// A varint of a 32-bit integer: at most five bytes, as postcard reads
    /// one.
    fn varint_u32(&mut self) -> Option<u32> {
        let before = self.0.len();
        let value = self.varint()?;
        (before - self.0.len() <= 5).then_some(value)?.try_into().ok()
    }

    /// A [`Value`] in postcard's encoding (the variant's index, then its
    /// contents), read the way `postcard::take_from_bytes::<Value>` reads
    /// it, with the same result and the same refusals: the variants node
    /// pages hold (strings, integers, dates, floats, booleans, null) are read
    /// here, the others through serde. Opening a million-event store reads
    /// over six million of these, and serde's generic path cost more than
    /// the strings themselves.
    /// A value in postcard's encoding, pushed onto `node`: a string is
    /// copied from the page without becoming a [`Value`].
    fn value_into(&mut self, node: &mut PackedNode) -> std::result::Result<(), postcard::Error> {
        let mut ahead = PostcardInput(self.0);
        if ahead.varint_u32() == Some(STRING_VARIANT)
            && let Some(text) = ahead.bytes().and_then(|text| std::str::from_utf8(text).ok())
        {
            node.push_str(text);
            self.0 = ahead.0;
            return Ok(());
        }
        node.push_value(&self.value()?);
        Ok(())
    }

    fn value(&mut self) -> std::result::Result<Value, postcard::Error> {
        let start = self.0;
        // Serde numbers the variants in the order `Value` declares them;
        // the round-trip test below fails if that order changes.
        let read = match self.varint_u32() {
            Some(0) => Some(Value::Null),
            Some(1) => match self.byte() {
                Some(0) => Some(Value::Bool(false)),
                Some(1) => Some(Value::Bool(true)),
                _ => None,
            },
            // Zigzag: the sign in the lowest bit.
            Some(2) => self
                .varint()
                .map(|n| Value::Int((n >> 1) as i64 ^ -((n & 1) as i64))),
            Some(3) => self.0.split_first_chunk::<8>().map(|(bits, rest)| {
                self.0 = rest;
                Value::Float(f64::from_le_bytes(*bits))
            }),
            Some(STRING_VARIANT) => self
                .bytes()
                .and_then(|text| std::str::from_utf8(text).ok())
                .map(Value::from),
            Some(5) => self
                .varint_u32()
                .map(|n| Value::Date(Date::from_days((n >> 1) as i32 ^ -((n & 1) as i32)))),
            _ => None,
        };
        match read {
            Some(value) => Ok(value),
            // Anything else, damage included, is serde's to read or refuse.
            None => {
                self.0 = start;
                self.postcard()
            }
        }
    }
}

/// Decodes a relationship page into whole records and checks every record
/// belongs to it, in id order.
pub fn decode_rel_page(key: &[u8], bytes: &[u8]) -> Result<Vec<Relationship>> {
    let page = page_in_key(REL, key)?;
    let rels = match bytes.split_first() {
        Some((&PACKED, packed)) => packed_rels(packed)?,
        // A page of format 2.
        _ => decode(bytes, "relationship page")?,
    };
    check_page(page, rels.iter().map(|r| r.id.0), "relationship")?;
    Ok(rels)
}

fn check_page(page: u64, ids: impl Iterator<Item = u64>, what: &str) -> Result<()> {
    let range = page_ids(page);
    let mut previous = None;
    for id in ids {
        if !range.contains(&id) || previous.is_some_and(|p| p >= id) {
            return Err(Error::Format(format!(
                "{what} record {id} is stored in page {page}, which holds ids {}..{}",
                range.start, range.end
            )));
        }
        previous = Some(id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Value;
    use proptest::strategy::Strategy;

    #[test]
    fn integer_keys_sort_numerically() {
        assert!(node_page_key(2) < node_page_key(256));
        assert!(txn_key(9) < txn_key(10));
    }

    #[test]
    fn pages_cover_consecutive_ids() {
        assert_eq!(page_of(0), 0);
        assert_eq!(page_of(PAGE_RECORDS - 1), 0);
        assert_eq!(page_of(PAGE_RECORDS), 1);
        assert_eq!(page_ids(1), PAGE_RECORDS..2 * PAGE_RECORDS);
        assert_eq!(page_ids(u64::MAX).end, u64::MAX);
    }

    fn node(id: u64) -> Node {
        let mut properties = crate::model::Properties::new();
        properties.insert("n".into(), Value::Int(id as i64));
        Node {
            id: NodeId(id),
            labels: ["L"].into(),
            properties,
            sources: Default::default(),
            key: None,
        }
    }

    #[test]
    fn a_page_round_trips_and_refuses_strangers() {
        let (a, b) = (node(PAGE_RECORDS + 1), node(PAGE_RECORDS + 5));
        let bytes = encode_page(&[&a, &b]).unwrap();
        let back = decode_node_page(&node_page_key(1), &bytes).unwrap();
        assert_eq!(back, vec![a.clone(), b.clone()]);
        // The same records under another page number are damage.
        let err = decode_node_page(&node_page_key(0), &bytes).unwrap_err();
        assert!(err.to_string().contains("page 0"), "{err}");
        // Out of order is damage too.
        let bytes = encode_page(&[&b, &a]).unwrap();
        assert!(decode_node_page(&node_page_key(1), &bytes).is_err());
        // A relationship page key does not hold nodes.
        assert!(decode_node_page(&rel_page_key(1), &bytes).is_err());
    }

    fn rel(id: u64, key: Option<&str>) -> Relationship {
        Relationship {
            id: RelId(id),
            rel_type: "AGENT".into(),
            start: NodeId(1),
            end: NodeId(2),
            properties: crate::model::Properties::from([("w".to_string(), Value::Int(3))]),
            sources: vec![Source::sentence("doc", 2)],
            key: key.map(str::to_string),
        }
    }

    /// The index writes pages from views and reads them back as borrowed
    /// records; both must agree with the owned record byte for byte, or a
    /// store written by one build would not read in another.
    #[test]
    fn views_and_stored_records_encode_as_owned_records() {
        let (a, b) = (rel(1, Some("k")), rel(2, None));
        let owned = encode_page(&[&a, &b]).unwrap();
        let viewed = encode_page(&[a.as_view(), b.as_view()]).unwrap();
        assert_eq!(owned, viewed);
        // Both readers: whole records, and borrowed ones for loading.
        assert_eq!(
            unpacked(&rel_page_key(0), &owned).unwrap(),
            vec![a.clone(), b.clone()]
        );
        assert_eq!(
            loaded(&rel_page_key(0), &owned).unwrap(),
            (vec![a, b], vec![false, false])
        );
        let plain = Relationship {
            properties: Default::default(),
            sources: vec![],
            ..rel(3, None)
        };
        let bytes = encode_page(&[plain.as_view()]).unwrap();
        assert_eq!(loaded(&rel_page_key(0), &bytes).unwrap().1, [true]);
        assert!(unpacked(&rel_page_key(1), &bytes).is_err());
    }

    fn plain(id: u64, rel_type: &str, start: u64, end: u64) -> Relationship {
        Relationship {
            id: RelId(id),
            rel_type: rel_type.into(),
            start: NodeId(start),
            end: NodeId(end),
            properties: Default::default(),
            sources: vec![],
            key: None,
        }
    }

    #[test]
    fn format_2_relationship_pages_still_read_and_their_damage_is_an_error() {
        let page = [
            plain(0, "AGENT", 1, 2),
            plain(1, "AGENT", u64::MAX, 0),
            plain(2, "ÜBER", 300, 1 << 35),
            plain(3, "", 7, 7),
        ];
        let bytes = encode_page(&page).unwrap();
        assert!(bytes[0] <= 0x80);
        assert_eq!(unpacked(&rel_page_key(0), &bytes).unwrap(), page.to_vec());
        assert_eq!(loaded(&rel_page_key(0), &bytes).unwrap().1, [true; 4]);
        let mixed = encode_page(&[plain(0, "AGENT", 1, 2), rel(1, None)]).unwrap();
        assert_eq!(
            unpacked(&rel_page_key(0), &mixed).unwrap(),
            vec![plain(0, "AGENT", 1, 2), rel(1, None)]
        );
        assert_eq!(loaded(&rel_page_key(0), &mixed).unwrap().1, [true, false]);
        for cut in 0..bytes.len() {
            assert!(unpacked(&rel_page_key(0), &bytes[..cut]).is_err(), "cut at {cut}");
        }
        // A type that is not UTF-8.
        let mut bad = encode_page(&[plain(0, "AB", 1, 2)]).unwrap();
        let at = bad.iter().position(|b| *b == b'A').unwrap();
        bad[at] = 0xff;
        assert!(unpacked(&rel_page_key(0), &bad).is_err());
        // An integer longer than 64 bits.
        let too_long = [1u8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert!(unpacked(&rel_page_key(0), &too_long).is_err());
    }

    fn packed_page(nodes: &[Node]) -> Vec<u8> {
        encode_node_page(&nodes.iter().map(NodeView::of).collect::<Vec<_>>()).unwrap()
    }

    fn rich_node(id: u64) -> Node {
        let mut n = node(id);
        n.labels = ["Event", "Ü"].into();
        n.properties.insert("summary".into(), Value::from("a, b \"c\""));
        n.properties.insert(
            "when".into(),
            Value::from(crate::model::Date::from_ymd(2016, 6, 16).unwrap()),
        );
        n.properties.insert("tags".into(), Value::from(vec!["x", "y"]));
        n.properties.insert("f".into(), Value::Float(-0.5));
        n.sources = vec![Source::sentence("doc", 3)].into();
        n.key = Some(format!("k{id}"));
        n
    }

    /// An index keeps nodes packed, and writes their pages from those
    /// records (strings straight from the record's bytes): the page must
    /// be the one the nodes themselves make, and an open must read the
    /// nodes back, packed or not.
    #[test]
    fn pages_written_from_packed_records_are_the_nodes_pages() {
        let mut long = rich_node(PAGE_RECORDS + 2);
        long.properties.insert(
            "text".into(),
            Value::from("a string well past the twenty-four bytes kept inline"),
        );
        let nodes = vec![rich_node(PAGE_RECORDS), node(PAGE_RECORDS + 1), long];
        let mut index = crate::graph::GraphIndex::new(&[]);
        for n in &nodes {
            index.insert_node(n.clone());
        }
        let views: Vec<NodeView> = nodes.iter().filter_map(|n| index.node(n.id)).collect();
        let bytes = encode_node_page(&views).unwrap();
        assert_eq!(bytes, packed_page(&nodes));
        let key = node_page_key(1);
        assert_eq!(decode_node_page(&key, &bytes).unwrap(), nodes);
        let mut reopened = crate::graph::GraphIndex::new(&[]);
        for n in decode_node_page_packed(&key, &bytes).unwrap().unwrap() {
            reopened.insert_packed_node(n);
        }
        let back: Vec<Node> = nodes
            .iter()
            .filter_map(|n| reopened.node(n.id))
            .map(|v| v.to_node())
            .collect();
        assert_eq!(back, nodes);
    }

    #[test]
    fn packed_node_pages_round_trip_and_refuse_strangers() {
        let bare = Node {
            labels: Labels::default(),
            properties: Properties::new(),
            ..node(PAGE_RECORDS + 9)
        };
        let page = vec![
            node(PAGE_RECORDS),
            rich_node(PAGE_RECORDS + 1),
            node(PAGE_RECORDS + 5),
            bare,
            rich_node(PAGE_RECORDS + 127),
        ];
        let bytes = packed_page(&page);
        assert_eq!(bytes[0], PACKED);
        assert_eq!(decode_node_page(&node_page_key(1), &bytes).unwrap(), page);
        assert!(decode_node_page(&node_page_key(0), &bytes).is_err());
        let disordered = packed_page(&[node(5), node(3)]);
        assert!(decode_node_page(&node_page_key(0), &disordered).is_err());
        // Every truncation is an error, and so is a key set out of order.
        for cut in 1..bytes.len() {
            let err = decode_node_page(&node_page_key(1), &bytes[..cut]).unwrap_err();
            assert!(
                err.to_string().contains("damaged node page"),
                "cut at {cut}: {err}"
            );
        }
        let mut swapped = packed_page(&[node(1)]);
        // The one key set is ["n"]: make it ["n", "n"] by hand.
        let at = swapped.windows(3).position(|w| w == [1, 1, b'n']).unwrap();
        swapped.splice(at..at + 3, [2, 1, b'n', 1, b'n']);
        let err = decode_node_page(&node_page_key(0), &swapped).unwrap_err();
        assert!(err.to_string().contains("out of order"), "{err}");
        // Format 2's pages still read; packed ones are much smaller.
        let events: Vec<Node> = (0..128)
            .map(|i| {
                let mut n = node(i);
                n.labels = ["Event"].into();
                n.properties.insert("kind".into(), Value::from("statement"));
                n.properties.insert(
                    "summary".into(),
                    Value::from(format!("someone said something {i}")),
                );
                n
            })
            .collect();
        let refs: Vec<&Node> = events.iter().collect();
        let old = encode_page(&refs).unwrap();
        assert_eq!(decode_node_page(&node_page_key(0), &old).unwrap(), events);
        assert!(
            packed_page(&events).len() * 10 < old.len() * 7,
            "{} against {}",
            packed_page(&events).len(),
            old.len()
        );
    }

    /// A page decoded for loading, as records again, and which of them it
    /// loads as plain.
    fn loaded(key: &[u8], bytes: &[u8]) -> Result<(Vec<Relationship>, Vec<bool>)> {
        Ok(as_records(decode_rel_page_for_load(key, bytes)?))
    }

    fn as_records(page: LoadedRelPage) -> (Vec<Relationship>, Vec<bool>) {
        let LoadedRelPage { types, rels } = page;
        rels.into_iter()
            .map(|rel| match rel {
                LoadedRel::Plain {
                    id,
                    rel_type,
                    start,
                    end,
                } => (plain(id.0, &types[rel_type], start.0, end.0), true),
                LoadedRel::Full(rel) => (*rel, false),
            })
            .unzip()
    }

    fn packed(rels: &[Relationship]) -> Vec<u8> {
        encode_rel_page(&rels.iter().map(Relationship::as_view).collect::<Vec<_>>()).unwrap()
    }

    /// Decodes a relationship page both ways a store reads one (whole
    /// records, and for loading), which must agree.
    fn unpacked(key: &[u8], bytes: &[u8]) -> Result<Vec<Relationship>> {
        let whole = decode_rel_page(key, bytes);
        let for_load = loaded(key, bytes).map(|(rels, _)| rels);
        match (&whole, &for_load) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            _ => panic!("the decoders disagree: {whole:?} against {for_load:?}"),
        }
        whole
    }

    #[test]
    fn packed_pages_round_trip_plain_and_detailed_records() {
        let page = vec![
            plain(128, "AGENT", 1, 2),
            rel(129, Some("k")),
            plain(131, "TARGET", u64::MAX, 0),
            rel(200, None),
            plain(255, "AGENT", 7, 7),
        ];
        let bytes = packed(&page);
        assert_eq!(bytes[0], PACKED);
        assert_eq!(unpacked(&rel_page_key(1), &bytes).unwrap(), page);
        assert_eq!(
            loaded(&rel_page_key(1), &bytes).unwrap().1,
            [true, false, true, false, true]
        );
        // The page check holds for packed pages too.
        assert!(unpacked(&rel_page_key(0), &bytes).is_err());
        assert!(
            unpacked(
                &rel_page_key(1),
                &packed(&[plain(130, "A", 1, 2), plain(129, "A", 1, 2)])
            )
            .is_err()
        );
        // A million-event page of plain relationships is well under half
        // the size of its format-2 encoding.
        let plains: Vec<Relationship> = (0..128)
            .map(|i| plain(5_000_000 + i, "REPORTED_IN", 1_000_000 + 7 * i, 1_800_000 + 3 * i))
            .collect();
        let old = encode_page(&plains.iter().map(Relationship::as_view).collect::<Vec<_>>()).unwrap();
        assert!(
            packed(&plains).len() * 2 < old.len(),
            "{} against {}",
            packed(&plains).len(),
            old.len()
        );
    }

    #[test]
    fn damaged_packed_pages_are_errors() {
        let bytes = packed(&[plain(1, "AGENT", 1, 2), rel(2, Some("k")), plain(3, "ÜBER", 5, 6)]);
        for cut in 1..bytes.len() {
            let err = unpacked(&rel_page_key(0), &bytes[..cut]).unwrap_err();
            assert!(
                err.to_string().contains("damaged relationship page"),
                "cut at {cut}: {err}"
            );
        }
        // A type position past the page's types.
        let mut bad = packed(&[plain(1, "AGENT", 1, 2)]);
        let at = bad.len() - 4;
        assert_eq!(bad[at], 0, "the type position");
        bad[at] = 9;
        let err = unpacked(&rel_page_key(0), &bad).unwrap_err();
        assert!(err.to_string().contains("type 9 of 1"), "{err}");
        // A details flag that is neither 0 nor 1.
        let mut bad = packed(&[plain(1, "AGENT", 1, 2)]);
        *bad.last_mut().unwrap() = 7;
        assert!(unpacked(&rel_page_key(0), &bad).is_err());
        // Format 2's pages still read, beside packed ones.
        let legacy = encode_page(&[plain(1, "AGENT", 1, 2).as_view()]).unwrap();
        assert!(legacy[0] <= 0x80);
        assert_eq!(
            unpacked(&rel_page_key(0), &legacy).unwrap(),
            vec![plain(1, "AGENT", 1, 2)]
        );
    }

    /// What [`PostcardInput::value`] reads from `bytes`: the value
    /// (encoded again, since a NaN is not equal to itself) and how many
    /// bytes are left, or None for an error.
    fn fast_read(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
        let mut input = PostcardInput(bytes);
        let value = input.value().ok()?;
        Some((postcard::to_allocvec(&value).unwrap(), input.0.len()))
    }

    /// The same, read by serde.
    fn serde_read(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
        let (value, rest) = postcard::take_from_bytes::<Value>(bytes).ok()?;
        Some((postcard::to_allocvec(&value).unwrap(), rest.len()))
    }

    #[test]
    fn values_read_fast_are_refused_where_serde_refuses_them() {
        let refused: [&[u8]; 10] = [
            &[1, 2],                                                          // a boolean neither 0 nor 1
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0],                               // a tag longer than five bytes
            &[5, 0x80, 0x80, 0x80, 0x80, 0x10],                               // a date past 32 bits
            &[5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],                         // a date longer than five bytes
            &[2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], // an integer past 64 bits
            &[3, 1, 2, 3],                                                    // a float cut short
            &[4, 3, b'a', b'b'],                                              // a string cut short
            &[4, 2, 0xc3, 0x28],                                              // a string that is not UTF-8
            &[4],                                                             // no length
            &[],                                                              // nothing at all
        ];
        for bytes in refused {
            assert_eq!(serde_read(bytes), None, "{bytes:?}");
            assert_eq!(fast_read(bytes), None, "{bytes:?}");
        }
        let read: [&[u8]; 7] = [
            &[0, 9],
            &[1, 1],
            &[2, 3],
            &[5, 0xff, 0xff, 0xff, 0xff, 0x0f],
            &[4, 2, 0xc3, 0xa9, 7],
            &[0x80, 0x00], // a tag of two bytes still reads
            &[6, 1, 2, 4], // a list: serde's to read
        ];
        for bytes in read {
            assert!(serde_read(bytes).is_some(), "{bytes:?}");
            assert_eq!(fast_read(bytes), serde_read(bytes), "{bytes:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn packed_pages_round_trip_any_records(
            records in proptest::collection::vec(
                (0u64..4, "[A-Z_]{0,12}|\\PC{0,4}", proptest::num::u64::ANY, proptest::num::u64::ANY, proptest::bool::ANY),
                0..40,
            ),
            first in 0u64..u64::MAX / 2,
        ) {
            let mut id = first;
            let page: Vec<Relationship> = records
                .iter()
                .map(|(step, t, s, e, detailed)| {
                    id += step + 1;
                    let mut r = plain(id, t, *s, *e);
                    if *detailed {
                        r.properties = crate::model::Properties::from([("w".to_string(), Value::Int(*s as i64))]);
                        r.key = Some(t.clone());
                    }
                    r
                })
                .collect();
            let bytes = packed(&page);
            let back: Vec<Relationship> =
                packed_rels(&bytes[1..]).unwrap();
            proptest::prop_assert_eq!(&back, &page);
            let (for_load, plain_ones) = as_records(rels_for_load(&bytes).unwrap());
            proptest::prop_assert_eq!(for_load, page);
            let detailed: Vec<bool> = records.iter().map(|r| !r.4).collect();
            proptest::prop_assert_eq!(plain_ones, detailed);
        }

        #[test]
        fn packed_node_pages_round_trip_any_records(
            records in proptest::collection::vec(
                (0u64..4, proptest::collection::btree_map("[a-c]{1,3}", proptest::num::i64::ANY, 0..4),
                 proptest::sample::select(vec![vec![], vec!["A"], vec!["A", "B"], vec!["Ü"]]), proptest::bool::ANY),
                0..30,
            ),
        ) {
            let mut id = 0;
            let page: Vec<Node> = records
                .iter()
                .map(|(step, props, labels, keyed)| {
                    id += step + 1;
                    Node {
                        id: NodeId(id),
                        labels: labels.iter().map(|l| l.to_string()).collect(),
                        properties: props.iter().map(|(k, v)| (k.clone(), Value::Int(*v))).collect(),
                        sources: Default::default(),
                        key: keyed.then(|| format!("key {id}")),
                    }
                })
                .collect();
            let back = packed_nodes(&packed_page(&page)[1..]).unwrap();
            proptest::prop_assert_eq!(back, page);
        }

        #[test]
        fn values_read_as_serde_reads_them(
            // Bytes near the edges of varints and tags, and any others.
            bytes in proptest::collection::vec(
                proptest::prop_oneof![0u8..7, 0x7eu8..0x82, 0x0fu8..0x11, proptest::num::u8::ANY],
                0..24,
            ),
        ) {
            proptest::prop_assert_eq!(fast_read(&bytes), serde_read(&bytes));
        }

        #[test]
        fn stored_values_round_trip_through_the_fast_reader(
            value in proptest::prop_oneof![
                proptest::strategy::Just(Value::Null),
                proptest::bool::ANY.prop_map(Value::Bool),
                proptest::num::i64::ANY.prop_map(Value::Int),
                proptest::num::f64::ANY.prop_map(Value::Float),
                "\\PC{0,40}".prop_map(Value::from),
                proptest::num::i32::ANY.prop_map(|d| Value::Date(Date::from_days(d))),
                proptest::collection::vec(proptest::num::i64::ANY.prop_map(Value::Int), 0..4)
                    .prop_map(|items| Value::List(items.into())),
            ],
        ) {
            let encoded = postcard::to_allocvec(&value).unwrap();
            let mut input = PostcardInput(&encoded);
            let back = input.value().unwrap();
            proptest::prop_assert!(input.0.is_empty());
            proptest::prop_assert_eq!(postcard::to_allocvec(&back).unwrap(), encoded);
        }

        #[test]
        fn any_bytes_after_the_packed_tag_decode_nodes_or_fail_without_panicking(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)
        ) {
            let _ = packed_nodes(&bytes);
        }

        #[test]
        fn any_bytes_after_the_packed_tag_decode_or_fail_without_panicking(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)
        ) {
            let _ = packed_rels(&bytes);
            let mut page = vec![PACKED];
            page.extend(&bytes);
            let _ = decode_rel_page_for_load(&rel_page_key(0), &page);
        }
    }
}
