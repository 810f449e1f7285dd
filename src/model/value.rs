//! Property and query values.

use super::{Date, NodeId, RelId};
pub use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A value: what a property holds, what a parameter carries, and what a query
/// returns.
///
/// The first eight variants are *storable*: they may be property values. The
/// graph-reference variants (`Node`, `Relationship`, `Path`) exist only while a
/// query runs and in its results; the write path rejects them as properties
/// (see [`Value::is_storable`]).
///
/// Values convert from the matching Rust types and print as Cypher literals:
///
/// ```
/// use attest::model::{Date, Value};
///
/// let certainty = Value::from("hedged");
/// assert_eq!(certainty.as_str(), Some("hedged"));
/// assert_eq!(certainty.to_string(), "'hedged'");
///
/// let aliases = Value::from(vec!["U.S.", "the United States"]);
/// assert_eq!(aliases.type_name(), "LIST");
/// assert_eq!(aliases.to_string(), "['U.S.', 'the United States']");
///
/// let day = Value::from(Date::parse("2016-06-16").unwrap());
/// assert_eq!(day.to_string(), "date('2016-06-16')");
/// assert_eq!(Value::Float(2.0).to_string(), "2.0");
/// assert!(Value::default().is_null());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub enum Value {
    /// The absence of a value. Setting a property to null removes it.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer; arithmetic that overflows is an error.
    Int(i64),
    /// A 64-bit float (NaN and the infinities included).
    Float(f64),
    /// A Unicode string. Strings up to 24 bytes (a label's vocabulary
    /// term, a country, a date written out) are kept inline, with no
    /// allocation of their own; see [`CompactString`].
    String(CompactString),
    /// A calendar date.
    Date(Date),
    /// A list of values; stored lists hold only storable values. Boxed,
    /// as the map is, so that a value is 24 bytes (see [`Value`]'s size
    /// test): every stored property is one.
    List(Box<[Value]>),
    /// A map from string keys to values, in key order.
    Map(Box<BTreeMap<String, Value>>),
    /// A node of the graph, by its stable id.
    Node(NodeId),
    /// A relationship of the graph, by its stable id.
    Relationship(RelId),
    /// A path: `nodes.len() == rels.len() + 1`.
    Path(Box<Path>),
}

/// An alternating sequence of nodes and relationships.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Path {
    /// The nodes in path order; never empty.
    pub nodes: Vec<NodeId>,
    /// The relationships in path order: `rels[i]` joins `nodes[i]` and
    /// `nodes[i + 1]`, in either direction.
    pub rels: Vec<RelId>,
}

impl Path {
    /// A path of length 0 holding one node.
    pub fn single(node: NodeId) -> Path {
        Path {
            nodes: vec![node],
            rels: Vec::new(),
        }
    }

    /// Number of relationships.
    pub fn len(&self) -> usize {
        self.rels.len()
    }

    /// True for a zero-length path.
    pub fn is_empty(&self) -> bool {
        self.rels.is_empty()
    }
}

impl Value {
    /// The openCypher name of this value's type, used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "BOOLEAN",
            Value::Int(_) => "INTEGER",
            Value::Float(_) => "FLOAT",
            Value::String(_) => "STRING",
            Value::Date(_) => "DATE",
            Value::List(_) => "LIST",
            Value::Map(_) => "MAP",
            Value::Node(_) => "NODE",
            Value::Relationship(_) => "RELATIONSHIP",
            Value::Path(_) => "PATH",
        }
    }

    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for the values that own memory of their own (strings, lists,
    /// maps, paths); the rest are plain bits. Every variant is named (no
    /// wildcard), so that a variant added later has to be placed on one
    /// side here rather than fall silently among the values
    /// `replace_with` forgets instead of dropping.
    #[inline]
    fn owns_memory(&self) -> bool {
        match self {
            Value::String(_) | Value::List(_) | Value::Map(_) | Value::Path(_) => true,
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Date(_)
            | Value::Node(_)
            | Value::Relationship(_) => false,
        }
    }

    /// A copy of the value, as `clone` makes, but made in line for the
    /// values that own no memory (nulls, numbers, dates, nodes and
    /// relationships: what the rows of a pattern match mostly hold). A
    /// `clone` goes through one call for every variant, and at a few
    /// instructions per row those calls added up in the executor's hot
    /// loops (callgrind, the three-hop benchmark question).
    ///
    /// ```
    /// use attest::model::{NodeId, Value};
    ///
    /// assert_eq!(Value::Node(NodeId(7)).copy_of(), Value::Node(NodeId(7)));
    /// assert_eq!(Value::from("a string").copy_of(), Value::from("a string"));
    /// ```
    #[inline]
    pub fn copy_of(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Date(d) => Value::Date(*d),
            Value::Node(id) => Value::Node(*id),
            Value::Relationship(id) => Value::Relationship(*id),
            owning => owning.clone(),
        }
    }

    /// Puts `new` in this value's place, as an assignment does, dropping
    /// the old value in line when it owns no memory (see
    /// [`Value::copy_of`] for why).
    ///
    /// ```
    /// use attest::model::{RelId, Value};
    ///
    /// let mut slot = Value::from("was here");
    /// slot.replace_with(Value::Relationship(RelId(3)));
    /// assert_eq!(slot, Value::Relationship(RelId(3)));
    /// slot.replace_with(Value::Null);
    /// assert!(slot.is_null());
    /// ```
    #[inline]
    pub fn replace_with(&mut self, new: Value) {
        let old = std::mem::replace(self, new);
        if old.owns_memory() {
            drop(old);
        } else {
            // Plain bits: nothing to free, so no call to the drop code.
            std::mem::forget(old);
        }
    }

    /// True when the value may be stored as a property: no graph references,
    /// and lists hold only storable values. (Maps are storable in Attest,
    /// unlike Neo4j, because curated facts need small structured values.)
    ///
    /// ```
    /// use attest::model::{NodeId, Value};
    ///
    /// assert!(Value::from(vec!["U.S.", "the United States"]).is_storable());
    /// assert!(Value::Map(Box::new([("precision".to_string(), Value::from("day"))].into())).is_storable());
    /// // A node reference is a query value, not a property value ...
    /// assert!(!Value::Node(NodeId(1)).is_storable());
    /// // ... also inside a list.
    /// assert!(!Value::List(vec![Value::Int(1), Value::Node(NodeId(1))].into()).is_storable());
    /// ```
    pub fn is_storable(&self) -> bool {
        match self {
            Value::Node(_) | Value::Relationship(_) | Value::Path(_) => false,
            Value::List(items) => items.iter().all(Value::is_storable),
            Value::Map(entries) => entries.values().all(Value::is_storable),
            _ => true,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A canonical byte encoding used as an index key: equal values (in the
    /// sense of unique-key constraints) give equal bytes. Integers and floats
    /// holding the same number are distinct keys, as in Neo4j's property
    /// uniqueness constraints on typed properties.
    ///
    /// ```
    /// use attest::model::Value;
    ///
    /// // Equal values, equal keys: what a unique property is checked with.
    /// assert_eq!(Value::from("Russia").index_key(), Value::from("Russia").index_key());
    /// assert_ne!(Value::from("Russia").index_key(), Value::from("russia").index_key());
    /// // The type is part of the key.
    /// assert_ne!(Value::Int(1).index_key(), Value::Float(1.0).index_key());
    /// // Lengths are encoded, so element boundaries cannot shift.
    /// assert_ne!(
    ///     Value::from(vec!["ab", "c"]).index_key(),
    ///     Value::from(vec!["a", "bc"]).index_key()
    /// );
    /// ```
    pub fn index_key(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_index_key(&mut out);
        out
    }

    fn write_index_key(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.push(0),
            Value::Bool(b) => out.extend([1, *b as u8]),
            Value::Int(i) => {
                out.push(2);
                out.extend(i.to_be_bytes());
            }
            Value::Float(f) => {
                out.push(3);
                out.extend(f.to_bits().to_be_bytes());
            }
            Value::String(s) => {
                out.push(4);
                out.extend((s.len() as u64).to_be_bytes());
                out.extend(s.as_bytes());
            }
            Value::Date(d) => {
                out.push(5);
                out.extend(d.days().to_be_bytes());
            }
            Value::List(items) => {
                out.push(6);
                out.extend((items.len() as u64).to_be_bytes());
                items.iter().for_each(|v| v.write_index_key(out));
            }
            Value::Map(entries) => {
                out.push(7);
                out.extend((entries.len() as u64).to_be_bytes());
                for (k, v) in entries.iter() {
                    Value::from(k.as_str()).write_index_key(out);
                    v.write_index_key(out);
                }
            }
            Value::Node(id) => {
                out.push(8);
                out.extend(id.0.to_be_bytes());
            }
            Value::Relationship(id) => {
                out.push(9);
                out.extend(id.0.to_be_bytes());
            }
            Value::Path(p) => {
                out.push(10);
                out.extend((p.nodes.len() as u64).to_be_bytes());
                p.nodes.iter().for_each(|n| out.extend(n.0.to_be_bytes()));
                p.rels.iter().for_each(|r| out.extend(r.0.to_be_bytes()));
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(CompactString::from(s))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(CompactString::from(s))
    }
}
impl From<CompactString> for Value {
    fn from(s: CompactString) -> Value {
        Value::String(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<Date> for Value {
    fn from(d: Date) -> Value {
        Value::Date(d)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

/// Cypher-literal rendering: strings quoted, lists and maps in brackets.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => fmt_float(*x, f),
            Value::String(s) => write_quoted(s, f),
            Value::Date(d) => write!(f, "date('{d}')"),
            Value::List(items) => write_list(f, items),
            Value::Map(entries) => write_map(f, entries.iter()),
            Value::Node(id) => write!(f, "node({})", id.0),
            Value::Relationship(id) => write!(f, "relationship({})", id.0),
            Value::Path(p) => write!(f, "path(length {})", p.len()),
        }
    }
}

/// Writes a float so it reads as one: always a decimal point or an exponent;
/// `NaN`, `Infinity`, `-Infinity` for the special values.
pub fn fmt_float(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if x.is_nan() {
        f.write_str("NaN")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { "Infinity" } else { "-Infinity" })
    } else if x.fract() == 0.0 && x.abs() < 1e16 {
        write!(f, "{x:.1}")
    } else {
        write!(f, "{x}")
    }
}

/// Writes `[a, b, …]`, each item with its own `Display`.
pub fn write_list<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: impl IntoIterator<Item = T>,
) -> fmt::Result {
    f.write_str("[")?;
    for (i, v) in items.into_iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    f.write_str("]")
}

/// Writes `{k: v, …}`, each value with its own `Display`.
pub fn write_map<K: fmt::Display, V: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    entries: impl IntoIterator<Item = (K, V)>,
) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {v}")?;
    }
    f.write_str("}")
}

fn write_quoted(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("'")?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("'")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every stored property is a `Value` in its node's slice of values:
    /// two million nodes of three properties make each byte here six
    /// megabytes. Boxing the list and the map lets the other variants sit
    /// beside the inline string's tag byte.
    #[test]
    fn a_value_is_three_words() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 24);
    }

    #[test]
    fn storable_excludes_graph_references() {
        assert!(Value::from(vec!["a", "b"]).is_storable());
        assert!(!Value::List(vec![Value::Node(NodeId(1))].into()).is_storable());
    }

    #[test]
    fn index_keys_distinguish_types_and_lengths() {
        assert_ne!(Value::Int(1).index_key(), Value::Float(1.0).index_key());
        assert_ne!(
            Value::from(vec!["ab", "c"]).index_key(),
            Value::from(vec!["a", "bc"]).index_key()
        );
        assert_eq!(Value::from("x").index_key(), Value::from("x").index_key());
    }

    #[test]
    fn display_reads_as_cypher() {
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
        assert_eq!(Value::from("it's").to_string(), "'it\\'s'");
        assert_eq!(Value::from(vec![1i64, 2]).to_string(), "[1, 2]");
    }
}
