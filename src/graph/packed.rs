//! Node records packed into bytes: what the index keeps per node instead
//! of a [`Node`].
//!
//! A `Node` held its properties as a slice of 24-byte values, each string
//! longer than 24 bytes in an allocation of its own, beside a 72-byte
//! record (as the index kept them until change 49, docs/performance.md);
//! at a million events that was 0.46 GB for the nodes alone, the largest
//! part of an open store's memory. A [`NodeRecord`] is 12 bytes: the
//! number of its list of labels, and where its bytes lie in the table's
//! [`Arena`] (the shape's number and the values encoded one after
//! another: a date in three bytes, a string as its length and its bytes).
//! The rare citations, fact key or wide id are kept beside the records,
//! by slot ([`Extra`]). A property is decoded when it is read, by skipping
//! the values before it; nodes have a handful.
//!
//! The bytes of all records lie end to end in the arena's large chunks
//! rather than in an allocation each: the allocator's header and rounding
//! and a 16-byte pointer were about 24 bytes a node, 50 MB of an open
//! million-event store (change 53, docs/performance.md).
//!
//! The encoding lives only in memory (pages on disk have their own, in
//! `db::layout`), so it can change freely. The index writes every record
//! itself, and a record that does not decode (which would be a bug) reads
//! as having no such property rather than panicking.

use crate::model::{Date, Labels, Node, NodeId, Path, Properties, RelId, Shape, Source, Sources, Value};
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;

/// A node as the index keeps it: 12 bytes. Its id is kept by slot (see
/// `Table::ids`) unless it is wider than 32 bits; that id, citations and
/// a fact key are kept by slot beside the records ([`Extra`]) for the few
/// nodes that have any.
#[derive(Clone, Copy, Debug)]
pub(super) struct NodeRecord {
    /// The number of the node's labels in its table's [`LabelSets`], with
    /// [`HAS_EXTRA`] set when the node has an [`Extra`].
    labels: u32,
    /// Where the record's bytes lie in its table's arena: the shape's
    /// number ([`Shapes`]) as a varint, then one encoded value per key of
    /// the shape; no bytes for a node without properties.
    packed: PackedAt,
}

/// In [`NodeRecord::labels`]: the node has an [`Extra`]. Label sets are
/// numbered below it (two billion distinct lists of labels would not fit
/// in memory anyway).
const HAS_EXTRA: u32 = 1 << 31;

/// Citations, fact key and an id of 32 bits or more: what the few nodes
/// that have any (fact files' nodes; none of an import of rows) keep
/// beside their records, by slot.
#[derive(Clone, Debug, Default)]
pub(super) struct Extra {
    pub(super) sources: Sources,
    pub(super) key: Option<String>,
    pub(super) wide_id: Option<NodeId>,
}

/// A node on its way into an index, its values already packed: what a
/// store's page decodes to when it is opened, so that no [`Value`] is
/// built for a value that goes straight into a record (a string is copied
/// from the page's bytes into the record's).
pub(crate) struct PackedNode {
    pub(crate) id: NodeId,
    pub(crate) labels: Labels,
    pub(crate) shape: Shape,
    values: Vec<u8>,
    pub(crate) sources: Sources,
    pub(crate) key: Option<String>,
}

impl PackedNode {
    /// A node of `shape`'s keys, whose values are to be pushed in key
    /// order.
    pub(crate) fn new(id: NodeId, labels: Labels, shape: Shape) -> PackedNode {
        PackedNode {
            id,
            labels,
            values: Vec::with_capacity(16 * shape.keys().len()),
            shape,
            sources: Sources::default(),
            key: None,
        }
    }

    /// The next value.
    pub(crate) fn push_value(&mut self, value: &Value) {
        put_value(&mut self.values, value);
    }

    /// The next value, a string.
    pub(crate) fn push_str(&mut self, text: &str) {
        self.values.push(STRING);
        put_bytes(&mut self.values, text.as_bytes());
    }

    /// The value of `key`, if the node has it.
    pub(crate) fn property(&self, key: &str) -> Option<Value> {
        value_in(&self.shape, &self.values, key)
    }
}

/// The value of `key` in `values`, the packed values of `shape`'s keys.
fn value_in(shape: &Shape, mut values: &[u8], key: &str) -> Option<Value> {
    // A shape has a handful of keys: a scan that compares lengths and
    // first bytes before whole keys calls `memcmp` about once, where a
    // binary search called it for every probe.
    let first = key.as_bytes().first();
    let at = shape
        .keys()
        .iter()
        .position(|k| k.len() == key.len() && k.as_bytes().first() == first && k == key)?;
    for _ in 0..at {
        skip_value(&mut values)?;
    }
    take_value(&mut values)
}

/// A property value as a record yields it for writing out: a string
/// borrowed from the record, anything else as a value.
pub(crate) enum ValueRef<'a> {
    Str(&'a str),
    Value(&'a Value),
}

/// Something the records name by number: a list of labels or a shape
/// (a set of property keys). Both are interned, so equal ones are one
/// allocation, whose address names them while it lives.
pub(super) trait Interned: Clone {
    fn identity(&self) -> usize;
}

impl Interned for Shape {
    fn identity(&self) -> usize {
        Shape::identity(self)
    }
}

impl Interned for Labels {
    fn identity(&self) -> usize {
        Labels::identity(self)
    }
}

/// The shapes or label lists the records name by number, where the
/// thing itself would be a pointer (8 bytes) or more. One stays listed
/// once no record names it any more: a graph has a few dozen, and
/// numbering them anew would mean rewriting records. Listing keeps it
/// alive, so its identity cannot be reused by another.
#[derive(Clone, Debug)]
pub(super) struct Numbered<T> {
    list: Vec<T>,
    by_identity: HashMap<usize, u32>,
    /// The one numbered last and its number: nodes come in runs of one
    /// shape and one label list (a page, an import's file).
    last: Option<(usize, u32)>,
}

impl<T> Default for Numbered<T> {
    fn default() -> Numbered<T> {
        Numbered {
            list: Vec::new(),
            by_identity: HashMap::new(),
            last: None,
        }
    }
}

impl<T: Interned> Numbered<T> {
    fn number(&mut self, item: &T) -> u32 {
        let identity = item.identity();
        if let Some((last, n)) = self.last
            && last == identity
        {
            return n;
        }
        let n = match self.by_identity.get(&identity) {
            Some(n) => *n,
            None => {
                let n = self.list.len() as u32;
                self.list.push(item.clone());
                self.by_identity.insert(identity, n);
                n
            }
        };
        self.last = Some((identity, n));
        n
    }

    fn get(&self, number: u64) -> Option<&T> {
        self.list.get(usize::try_from(number).ok()?)
    }
}

/// The shapes (sets of property keys) the records name by number.
pub(super) type Shapes = Numbered<Shape>;

/// The lists of labels the records name by number.
pub(super) type LabelSets = Numbered<Labels>;

impl Shapes {
    /// Writes a record's bytes into `out` (emptied first): `shape`'s
    /// number, then the values `write` puts; none for a node without
    /// properties.
    fn pack(&mut self, shape: &Shape, out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
        out.clear();
        if shape.keys().is_empty() {
            return;
        }
        put_varint(out, u64::from(self.number(shape)));
        write(out);
    }
}

/// Where a record's bytes lie in an [`Arena`]: a chunk (counted from 1,
/// so that an `Option<NodeRecord>` needs no flag of its own) and the
/// offset of the bytes' length in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PackedAt {
    chunk: NonZeroU32,
    offset: u32,
}

/// The packed bytes of a table's records, end to end in chunks of about a
/// megabyte, each record's bytes after their length (a varint). A chunk is
/// never grown, so bytes never move while records point at them. Bytes a
/// record no longer uses (replaced, removed) are counted, and once they
/// outweigh the bytes in use the table packs its records into a new arena
/// ([`Arena::wasted`]).
#[derive(Clone, Debug, Default)]
pub(super) struct Arena {
    chunks: Vec<Vec<u8>>,
    /// Bytes of the records in the chunks, lengths included.
    used: usize,
    /// Bytes no record uses any more.
    freed: usize,
}

/// The usual chunk's size; a record longer than that gets a chunk of
/// its own size.
const CHUNK: usize = 1 << 20;

impl Arena {
    /// An arena for about `bytes` bytes of records.
    pub(super) fn with_capacity(bytes: usize) -> Arena {
        Arena {
            chunks: Vec::with_capacity(bytes / CHUNK + 1),
            ..Arena::default()
        }
    }

    /// Appends `bytes`, returning where they lie.
    pub(super) fn push(&mut self, bytes: &[u8]) -> PackedAt {
        let need = varint_len(bytes.len() as u64) + bytes.len();
        let fits = self
            .chunks
            .last()
            .is_some_and(|chunk| chunk.capacity() - chunk.len() >= need);
        // The last chunk is taken out and put back (a move of the vector,
        // not of its bytes), or a new one is started.
        let mut chunk = match fits {
            true => self.chunks.pop().unwrap_or_default(),
            false => Vec::with_capacity(need.max(CHUNK)),
        };
        let offset = chunk.len();
        put_varint(&mut chunk, bytes.len() as u64);
        chunk.extend_from_slice(bytes);
        self.chunks.push(chunk);
        let index = self.chunks.len();
        self.used += need;
        PackedAt {
            // Chunks number from 1 and a chunk holds at least one byte:
            // neither conversion can fail short of 4 billion chunks or a
            // 4 GB record, which the index never makes.
            chunk: NonZeroU32::new(u32::try_from(index).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MAX),
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }

    /// The bytes at `at` (none if `at` is not a record's: a bug, read as
    /// a record without properties).
    pub(super) fn get(&self, at: PackedAt) -> &[u8] {
        let Some(chunk) = self.chunks.get(at.chunk.get() as usize - 1) else {
            return &[];
        };
        let mut bytes = chunk.get(at.offset as usize..).unwrap_or(&[]);
        let Some(len) = take_varint(&mut bytes).and_then(|n| usize::try_from(n).ok()) else {
            return &[];
        };
        bytes.get(..len).unwrap_or(&[])
    }

    /// Counts the bytes at `at` as no longer used.
    pub(super) fn free(&mut self, at: PackedAt) {
        let len = self.get(at).len();
        self.freed += varint_len(len as u64) + len;
    }

    /// Number of chunks.
    #[cfg(test)]
    pub(super) fn chunks(&self) -> usize {
        self.chunks.len()
    }

    /// True when more bytes are unused than used (and enough to matter):
    /// time to pack the records into a new arena.
    pub(super) fn wasted(&self) -> bool {
        self.freed > CHUNK && self.freed > self.used - self.freed
    }
}

/// The shapes the records of a table name and the arena of their bytes:
/// what reading a record needs besides the record.
#[derive(Clone, Debug, Default)]
pub(super) struct Packing {
    pub(super) shapes: Shapes,
    pub(super) label_sets: LabelSets,
    pub(super) arena: Arena,
    /// Reused while packing a record, before its bytes go to the arena.
    scratch: Vec<u8>,
}

impl Packing {
    /// Puts a record's bytes in the arena: `shape`'s number, then the
    /// values `write` puts (written first into a buffer kept for the next
    /// record).
    fn put(&mut self, shape: &Shape, write: impl FnOnce(&mut Vec<u8>)) -> PackedAt {
        let mut out = std::mem::take(&mut self.scratch);
        self.shapes.pack(shape, &mut out, write);
        let at = self.arena.push(&out);
        self.scratch = out;
        at
    }

    /// Moves `record`'s bytes from `from` into this packing's arena (the
    /// shapes are the same: this packing is `from`'s, emptied).
    pub(super) fn moved(&mut self, record: &mut NodeRecord, from: &Arena) {
        record.packed = self.arena.push(from.get(record.packed));
    }

    /// An emptied copy, with room for the bytes in use: the same
    /// shapes, no bytes yet.
    pub(super) fn emptied(&self) -> Packing {
        Packing {
            shapes: self.shapes.clone(),
            label_sets: self.label_sets.clone(),
            arena: Arena::with_capacity(self.arena.used - self.arena.freed),
            scratch: Vec::new(),
        }
    }
}

impl NodeRecord {
    /// Packs `node`, with what it keeps beside the record; `wide` says its
    /// id does not fit the 32-bit vector of ids by slot.
    pub(super) fn pack(wide: bool, node: Node, packing: &mut Packing) -> (NodeRecord, Option<Extra>) {
        let Node {
            id,
            labels,
            properties,
            sources,
            key,
        } = node;
        let packed = packing.put(&properties.shape(), |out| {
            properties.values().for_each(|value| put_value(out, value));
        });
        NodeRecord::finish(packing, &labels, packed, sources, key, wide.then_some(id))
    }

    /// Packs a node whose values are packed already.
    pub(super) fn of_packed(
        wide: bool,
        node: PackedNode,
        packing: &mut Packing,
    ) -> (NodeRecord, Option<Extra>) {
        let PackedNode {
            id,
            labels,
            shape,
            values,
            sources,
            key,
        } = node;
        let packed = packing.put(&shape, |out| out.extend_from_slice(&values));
        NodeRecord::finish(packing, &labels, packed, sources, key, wide.then_some(id))
    }

    fn finish(
        packing: &mut Packing,
        labels: &Labels,
        packed: PackedAt,
        sources: Sources,
        key: Option<String>,
        wide_id: Option<NodeId>,
    ) -> (NodeRecord, Option<Extra>) {
        let extra = (!sources.is_empty() || key.is_some() || wide_id.is_some()).then_some(Extra {
            sources,
            key,
            wide_id,
        });
        let number = packing.label_sets.number(labels);
        let record = NodeRecord {
            labels: if extra.is_some() {
                number | HAS_EXTRA
            } else {
                number
            },
            packed,
        };
        (record, extra)
    }

    /// True when the node keeps an [`Extra`] beside the record.
    pub(super) fn has_extra(&self) -> bool {
        self.labels & HAS_EXTRA != 0
    }

    /// The node's labels.
    pub(super) fn labels<'p>(&self, packing: &'p Packing) -> &'p Labels {
        const NONE: &Labels = &Labels::new();
        let number = u64::from(self.labels & !HAS_EXTRA);
        packing.label_sets.get(number).unwrap_or(NONE)
    }

    /// Where the record's bytes lie in its table's arena.
    pub(super) fn packed_at(&self) -> PackedAt {
        self.packed
    }

    fn shape<'s>(&self, packing: &'s Packing) -> Option<(&'s Shape, &'s [u8])> {
        let mut bytes = packing.arena.get(self.packed);
        if bytes.is_empty() {
            return None;
        }
        let number = take_varint(&mut bytes)?;
        Some((packing.shapes.get(number)?, bytes))
    }

    /// The value of `key`, if the node has it.
    pub(super) fn property(&self, key: &str, packing: &Packing) -> Option<Value> {
        let (shape, bytes) = self.shape(packing)?;
        value_in(shape, bytes, key)
    }

    /// The property keys, sorted.
    pub(super) fn keys<'s>(&self, packing: &'s Packing) -> &'s [String] {
        self.shape(packing).map_or(&[], |(shape, _)| shape.keys())
    }

    /// Calls `f` with each value in key order: a string as the `&str`
    /// the record holds, anything else decoded. Once a value does not
    /// decode (a bug: the index wrote these bytes), the rest come as null,
    /// so that a page written from the record still has a value per key.
    pub(super) fn try_for_each_value<E>(
        &self,
        packing: &Packing,
        mut f: impl FnMut(ValueRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some((shape, mut bytes)) = self.shape(packing) else {
            return Ok(());
        };
        for _ in shape.keys() {
            if bytes.first() == Some(&STRING) {
                let mut ahead = &bytes[1..];
                if let Some(text) = take_str(&mut ahead) {
                    bytes = ahead;
                    f(ValueRef::Str(text))?;
                    continue;
                }
            }
            let value = take_value(&mut bytes);
            if value.is_none() {
                bytes = &[];
            }
            f(ValueRef::Value(&value.unwrap_or_default()))?;
        }
        Ok(())
    }

    /// Every property.
    pub(super) fn properties(&self, packing: &Packing) -> Properties {
        let Some((shape, mut bytes)) = self.shape(packing) else {
            return Properties::new();
        };
        let mut values = Vec::with_capacity(shape.keys().len());
        for _ in shape.keys() {
            match take_value(&mut bytes) {
                Some(value) => values.push(value),
                None => return Properties::new(),
            }
        }
        Properties::with_shape(shape, values).unwrap_or_default()
    }

    /// The node, unpacked, with `extra`, what it keeps beside the record.
    pub(super) fn unpack(&self, id: NodeId, packing: &Packing, extra: Option<&Extra>) -> Node {
        Node {
            id,
            labels: self.labels(packing).clone(),
            properties: self.properties(packing),
            sources: extra.map(|e| e.sources.clone()).unwrap_or_default(),
            key: extra.and_then(|e| e.key.clone()),
        }
    }
}

impl Extra {
    pub(super) fn sources(extra: Option<&Extra>) -> &[Source] {
        extra.map_or(&[], |e| &e.sources[..])
    }

    pub(super) fn key(extra: Option<&Extra>) -> Option<&str> {
        extra.and_then(|e| e.key.as_deref())
    }
}

// Value tags. Property values are never null, but the encoding covers
// every value so that it is total.
const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const STRING: u8 = 5;
const DATE: u8 = 6;
const LIST: u8 = 7;
const MAP: u8 = 8;
const NODE: u8 = 9;
const REL: u8 = 10;
const PATH: u8 = 11;

/// How many bytes [`put_varint`] writes for `n`.
fn varint_len(n: u64) -> usize {
    (64 - n.leading_zeros() as usize).max(1).div_ceil(7)
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Int(n) => {
            out.push(INT);
            put_varint(out, zigzag(*n));
        }
        Value::Float(f) => {
            out.push(FLOAT);
            out.extend_from_slice(&f.to_le_bytes());
        }
        Value::String(s) => {
            out.push(STRING);
            put_bytes(out, s.as_bytes());
        }
        Value::Date(d) => {
            out.push(DATE);
            put_varint(out, zigzag(i64::from(d.days())));
        }
        Value::List(items) => {
            out.push(LIST);
            put_varint(out, items.len() as u64);
            for item in items.iter() {
                put_value(out, item);
            }
        }
        Value::Map(entries) => {
            out.push(MAP);
            put_varint(out, entries.len() as u64);
            for (k, v) in entries.iter() {
                put_bytes(out, k.as_bytes());
                put_value(out, v);
            }
        }
        Value::Node(id) => {
            out.push(NODE);
            put_varint(out, id.0);
        }
        Value::Relationship(id) => {
            out.push(REL);
            put_varint(out, id.0);
        }
        Value::Path(path) => {
            out.push(PATH);
            put_varint(out, path.nodes.len() as u64);
            path.nodes.iter().for_each(|n| put_varint(out, n.0));
            put_varint(out, path.rels.len() as u64);
            path.rels.iter().for_each(|r| put_varint(out, r.0));
        }
    }
}

fn take_byte(bytes: &mut &[u8]) -> Option<u8> {
    let (first, rest) = bytes.split_first()?;
    *bytes = rest;
    Some(*first)
}

fn take_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = take_byte(bytes)?;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

fn take_slice<'b>(bytes: &mut &'b [u8]) -> Option<&'b [u8]> {
    let len = usize::try_from(take_varint(bytes)?).ok()?;
    if len > bytes.len() {
        return None;
    }
    let (taken, rest) = bytes.split_at(len);
    *bytes = rest;
    Some(taken)
}

fn take_str<'b>(bytes: &mut &'b [u8]) -> Option<&'b str> {
    std::str::from_utf8(take_slice(bytes)?).ok()
}

/// A count of items each at least one byte long, so that a damaged count
/// cannot make a vector larger than the bytes left.
fn take_count(bytes: &mut &[u8]) -> Option<usize> {
    usize::try_from(take_varint(bytes)?)
        .ok()
        .filter(|n| *n <= bytes.len())
}

fn take_value(bytes: &mut &[u8]) -> Option<Value> {
    Some(match take_byte(bytes)? {
        NULL => Value::Null,
        FALSE => Value::Bool(false),
        TRUE => Value::Bool(true),
        INT => Value::Int(unzigzag(take_varint(bytes)?)),
        FLOAT => {
            let raw: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
            *bytes = &bytes[8..];
            Value::Float(f64::from_le_bytes(raw))
        }
        STRING => Value::from(take_str(bytes)?),
        DATE => Value::Date(Date::from_days(
            i32::try_from(unzigzag(take_varint(bytes)?)).ok()?,
        )),
        LIST => {
            let n = take_count(bytes)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(take_value(bytes)?);
            }
            Value::List(items.into())
        }
        MAP => {
            let n = take_count(bytes)?;
            let mut entries = BTreeMap::new();
            for _ in 0..n {
                let key = take_str(bytes)?.to_string();
                entries.insert(key, take_value(bytes)?);
            }
            Value::Map(Box::new(entries))
        }
        NODE => Value::Node(NodeId(take_varint(bytes)?)),
        REL => Value::Relationship(RelId(take_varint(bytes)?)),
        PATH => {
            let n = take_count(bytes)?;
            let nodes = (0..n)
                .map(|_| take_varint(bytes).map(NodeId))
                .collect::<Option<_>>()?;
            let n = take_count(bytes)?;
            let rels = (0..n)
                .map(|_| take_varint(bytes).map(RelId))
                .collect::<Option<_>>()?;
            Value::Path(Box::new(Path { nodes, rels }))
        }
        _ => return None,
    })
}

/// Moves past one value without building it.
fn skip_value(bytes: &mut &[u8]) -> Option<()> {
    match take_byte(bytes)? {
        NULL | FALSE | TRUE => {}
        INT | DATE | NODE | REL => {
            take_varint(bytes)?;
        }
        FLOAT => *bytes = bytes.get(8..)?,
        STRING => {
            take_slice(bytes)?;
        }
        LIST => {
            for _ in 0..take_count(bytes)? {
                skip_value(bytes)?;
            }
        }
        MAP => {
            for _ in 0..take_count(bytes)? {
                take_slice(bytes)?;
                skip_value(bytes)?;
            }
        }
        PATH => {
            for _ in 0..take_count(bytes)? {
                take_varint(bytes)?;
            }
            for _ in 0..take_count(bytes)? {
                take_varint(bytes)?;
            }
        }
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let scalar = prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<f64>().prop_map(Value::Float),
            ".{0,40}".prop_map(|s: String| Value::from(s)),
            any::<i32>().prop_map(|d| Value::Date(Date::from_days(d))),
            any::<u64>().prop_map(|n| Value::Node(NodeId(n))),
            any::<u64>().prop_map(|n| Value::Relationship(RelId(n))),
        ];
        scalar.prop_recursive(2, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(|items| Value::List(items.into())),
                proptest::collection::btree_map("[a-c]{1,2}", inner, 0..3)
                    .prop_map(|m| Value::Map(Box::new(m))),
                (
                    proptest::collection::vec(any::<u64>(), 1..4),
                    proptest::collection::vec(any::<u64>(), 0..3)
                )
                    .prop_map(|(n, r)| Value::Path(Box::new(Path {
                        nodes: n.into_iter().map(NodeId).collect(),
                        rels: r.into_iter().map(RelId).collect(),
                    }))),
            ]
        })
    }

    fn same(a: &Value, b: &Value) -> bool {
        // NaN is not equal to itself; compare floats by their bits.
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::List(x), Value::List(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|((ka, a), (kb, b))| ka == kb && same(a, b))
            }
            _ => a == b,
        }
    }

    proptest::proptest! {
        #[test]
        fn nodes_unpack_as_they_were_packed(
            entries in proptest::collection::btree_map("[a-e]{1,3}", value(), 0..6),
            cited in any::<bool>(),
            wide in any::<bool>(),
        ) {
            let mut properties = Properties::new();
            for (k, v) in &entries {
                properties.insert(k.clone(), v.clone());
            }
            let node = Node {
                id: NodeId(if wide { 1 << 40 } else { 7 }),
                labels: Labels::from(vec!["Event".to_string()]),
                properties,
                sources: if cited { vec![Source::sentence("article", 3)].into() } else { Sources::default() },
                key: cited.then(|| "strike".to_string()),
            };
            let mut packing = Packing::default();
            let (record, extra) = NodeRecord::pack(wide, node.clone(), &mut packing);
            prop_assert_eq!(extra.as_ref().and_then(|e| e.wide_id), wide.then_some(node.id));
            prop_assert_eq!(record.has_extra(), extra.is_some());
            prop_assert_eq!(extra.is_some(), wide || cited);
            prop_assert_eq!(record.labels(&packing), &node.labels);
            let back = record.unpack(node.id, &packing, extra.as_ref());
            prop_assert_eq!(&back.labels, &node.labels);
            prop_assert_eq!(&back.sources, &node.sources);
            prop_assert_eq!(&back.key, &node.key);
            prop_assert_eq!(back.properties.len(), node.properties.len());
            for (k, v) in node.properties.iter() {
                prop_assert!(same(&record.property(k, &packing).unwrap_or_default(), v));
                prop_assert!(same(back.properties.get(k).unwrap_or(&Value::Null), v));
            }
            prop_assert_eq!(record.property("zzz", &packing), None);
            prop_assert_eq!(record.keys(&packing).len(), node.properties.len());
        }
    }

    #[test]
    fn records_of_the_same_keys_share_a_shape() {
        let mut packing = Packing::default();
        let node = |kind: &str| {
            let mut properties = Properties::new();
            properties.insert("kind".into(), Value::from(kind));
            properties.insert("date".into(), Value::Date(Date::from_days(16_968)));
            Node {
                id: NodeId(1),
                labels: Labels::default(),
                properties,
                sources: Sources::default(),
                key: None,
            }
        };
        let (a, _) = NodeRecord::pack(false, node("airstrike"), &mut packing);
        let (b, _) = NodeRecord::pack(false, node("meeting"), &mut packing);
        assert_eq!(packing.shapes.list.len(), 1);
        assert_eq!(a.property("kind", &packing), Some(Value::from("airstrike")));
        assert_eq!(b.property("kind", &packing), Some(Value::from("meeting")));
        // The date takes three bytes and its tag; the whole record is small.
        let bytes = packing.arena.get(a.packed).len();
        assert!(bytes <= 1 + 1 + 10 + 1 + 3, "{bytes} bytes");
        assert!(!a.has_extra());
        // One list of labels for both (the same interned list).
        assert_eq!(packing.label_sets.list.len(), 1);
        assert_eq!(std::mem::size_of::<NodeRecord>(), 12);
        assert_eq!(std::mem::size_of::<Option<NodeRecord>>(), 12);
    }

    #[test]
    fn varint_lengths_are_what_is_written() {
        for n in [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, n);
            assert_eq!(varint_len(n), out.len(), "{n}");
        }
    }

    #[test]
    fn the_arena_keeps_records_apart_and_counts_what_they_freed() {
        let mut arena = Arena::default();
        let small = arena.push(b"abc");
        let empty = arena.push(b"");
        // Longer than a chunk: a chunk of its own, and the next record
        // starts another.
        let big_bytes = vec![7u8; CHUNK + 10];
        let big = arena.push(&big_bytes);
        let after = arena.push(b"xyz");
        assert_eq!(arena.get(small), b"abc");
        assert_eq!(arena.get(empty), b"");
        assert_eq!(arena.get(big), &big_bytes[..]);
        assert_eq!(arena.get(after), b"xyz");
        assert_eq!(arena.chunks.len(), 3);
        assert!(!arena.wasted());
        arena.free(big);
        // Freed: the big record and its 3-byte length, against the 9 bytes
        // still in use.
        assert_eq!(arena.freed, CHUNK + 13);
        assert!(arena.wasted());
    }

    #[test]
    fn damaged_bytes_read_as_missing_not_as_a_panic() {
        let mut packing = Packing::default();
        let mut properties = Properties::new();
        properties.insert(
            "name".into(),
            Value::from("Ash Carter, United States Secretary of Defense"),
        );
        let node = Node {
            id: NodeId(1),
            labels: Labels::default(),
            properties,
            sources: Sources::default(),
            key: None,
        };
        let (mut record, _) = NodeRecord::pack(false, node, &mut packing);
        let mut cut = packing.arena.get(record.packed).to_vec();
        cut.truncate(cut.len() - 3);
        record.packed = packing.arena.push(&cut);
        assert_eq!(record.property("name", &packing), None);
        assert!(record.properties(&packing).is_empty());
        // A page written from the record still gets a value per key.
        let mut written = Vec::new();
        record
            .try_for_each_value(&packing, |value| {
                written.push(match value {
                    ValueRef::Str(text) => Value::from(text),
                    ValueRef::Value(value) => value.clone(),
                });
                Ok::<(), ()>(())
            })
            .unwrap();
        assert_eq!(written, [Value::Null]);
        record.packed = packing.arena.push(&[0x80; 12]);
        assert_eq!(record.property("name", &packing), None);
        // A place that is no record's reads as no bytes at all.
        record.packed.offset += 1 << 24;
        assert_eq!(record.property("name", &packing), None);
        record.packed.chunk = NonZeroU32::MAX;
        assert!(record.properties(&packing).is_empty());
    }
}
