//! The data model: values, nodes, relationships and their provenance.
//!
//! This layer owns the plain data types every other layer speaks: [`Value`],
//! [`Date`], the stable identifiers [`NodeId`] and [`RelId`], the stored
//! records [`Node`] and [`Relationship`], a node's interned [`Labels`], and
//! [`Source`], the citation that backs a fact. It calls nothing else in the
//! crate: it is the leaf every other layer may depend on.

mod date;
mod intern;
mod labels;
mod properties;
mod value;

pub use date::Date;
pub use labels::Labels;
pub use properties::Properties;
pub(crate) use properties::Shape;
pub use value::{Path, Value, fmt_float as value_fmt_float, write_list, write_map};

use serde::{Deserialize, Serialize};
use std::fmt;

/// A node's stable identifier: assigned once, never reused, even after delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u64);

/// A relationship's stable identifier: assigned once, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RelId(pub u64);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

impl fmt::Display for RelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// Either kind of graph element, for APIs that accept both (provenance,
/// fact keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ElementId {
    /// A node.
    Node(NodeId),
    /// A relationship.
    Rel(RelId),
}

impl fmt::Display for ElementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElementId::Node(n) => n.fmt(f),
            ElementId::Rel(r) => r.fmt(f),
        }
    }
}

/// Where a fact comes from.
///
/// Facts read from a document cite the sentence (by its stable index; the
/// title is sentence 0) and, where known, the character span inside that
/// sentence. Facts added from outside the document (background knowledge such
/// as a spokesman's full name) are marked [`Source::External`] with a note, so
/// a reader can always tell what the text itself supports.
///
/// ```
/// use attest::model::Source;
///
/// assert_eq!(Source::sentence("article", 2).to_string(), "article#2");
/// let part = Source::Sentence { document: "article".into(), index: 6, span: Some((0, 40)) };
/// assert_eq!(part.to_string(), "article#6[0..40]");
/// let note = Source::External { note: "publication date from the outlet's archive".into() };
/// assert_eq!(note.to_string(), "external: publication date from the outlet's archive");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    /// A sentence (or part of one) of a document loaded into the store.
    Sentence {
        /// The document's fact key (e.g. `"article"`).
        document: String,
        /// Sentence index within the document; 0 is the title.
        index: u32,
        /// Character range `[start, end)` within the sentence text, if known.
        span: Option<(u32, u32)>,
    },
    /// Knowledge from outside the document, with a note saying so.
    External {
        /// What was added and where it comes from.
        note: String,
    },
}

impl Source {
    /// A citation of a whole sentence.
    pub fn sentence(document: &str, index: u32) -> Source {
        Source::Sentence {
            document: document.to_string(),
            index,
            span: None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Sentence {
                document,
                index,
                span: None,
            } => write!(f, "{document}#{index}"),
            Source::Sentence {
                document,
                index,
                span: Some((a, b)),
            } => write!(f, "{document}#{index}[{a}..{b}]"),
            Source::External { note } => write!(f, "external: {note}"),
        }
    }
}

/// The citations of a node, in the order they were added: a list one
/// pointer wide that allocates nothing while empty.
///
/// Nodes of a large import cite nothing, and a `Vec` would cost each of
/// them 24 bytes anyway (50 MB on the million-event store, counted with
/// the key's, see [`Node`]). It reads as a slice and is encoded exactly as
/// the `Vec<Source>` it replaced.
///
/// ```
/// use attest::model::{Source, Sources};
///
/// let mut sources = Sources::default();
/// assert!(sources.is_empty());
/// sources.push(Source::sentence("article", 2));
/// assert_eq!(sources[0].to_string(), "article#2");
/// assert_eq!(std::mem::size_of::<Sources>(), std::mem::size_of::<usize>());
/// ```
#[derive(Clone, Default)]
// The box is the point: it makes the field one pointer wide instead of a
// vector's three words, at the price of an extra allocation only for the
// few nodes that cite anything.
#[allow(clippy::box_collection)]
pub struct Sources(Option<Box<Vec<Source>>>);

impl Sources {
    /// Adds a citation at the end.
    pub fn push(&mut self, source: Source) {
        self.as_mut_vec().push(source);
    }

    /// The list as a vector, to change in place.
    pub fn as_mut_vec(&mut self) -> &mut Vec<Source> {
        self.0.get_or_insert_with(Default::default)
    }

    /// The citations as a vector of their own.
    pub fn into_vec(self) -> Vec<Source> {
        self.0.map(|list| *list).unwrap_or_default()
    }
}

impl std::ops::Deref for Sources {
    type Target = [Source];

    fn deref(&self) -> &[Source] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

// Compared and hashed as the lists they hold: an emptied list (its vector
// still boxed after `as_mut_vec`) equals the list that never held any.
impl PartialEq for Sources {
    fn eq(&self, other: &Sources) -> bool {
        **self == **other
    }
}

impl Eq for Sources {}

impl std::hash::Hash for Sources {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<Source>> for Sources {
    fn from(list: Vec<Source>) -> Sources {
        if list.is_empty() {
            Sources(None)
        } else {
            Sources(Some(Box::new(list)))
        }
    }
}

impl FromIterator<Source> for Sources {
    fn from_iter<I: IntoIterator<Item = Source>>(iter: I) -> Sources {
        Sources::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a Sources {
    type Item = &'a Source;
    type IntoIter = std::slice::Iter<'a, Source>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq<Vec<Source>> for Sources {
    fn eq(&self, other: &Vec<Source>) -> bool {
        **self == **other
    }
}

impl Serialize for Sources {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Sources, D::Error> {
        Vec::<Source>::deserialize(deserializer).map(Sources::from)
    }
}

/// A stored node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The node's stable id.
    pub id: NodeId,
    /// Labels in the order they were added; never empty in a typed store.
    /// Shared with every node that has the same labels (see [`Labels`]).
    pub labels: Labels,
    /// The node's properties; never holds null.
    pub properties: Properties,
    /// Citations supporting this node, in the order they were added; empty
    /// for nodes created by queries.
    pub sources: Sources,
    /// The readable key a fact file gave this node (e.g. `"carter"`), which
    /// makes loading the same file twice idempotent. Documents are keyed by
    /// their document key, sentences `document#index`; `None` for nodes
    /// created by queries.
    pub key: Option<String>,
}

impl Node {
    /// True if the node carries `label`.
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }

    /// The value of a property, null when absent.
    pub fn property(&self, key: &str) -> &Value {
        self.properties.get(key).unwrap_or(&Value::Null)
    }
}

/// A stored relationship.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relationship {
    /// The relationship's stable id.
    pub id: RelId,
    /// The relationship type, e.g. `"AGENT"`.
    pub rel_type: String,
    /// The node the relationship starts at (its tail).
    pub start: NodeId,
    /// The node the relationship points to (its head).
    pub end: NodeId,
    /// The relationship's properties; never holds null.
    pub properties: Properties,
    /// Citations supporting this relationship, in the order they were
    /// added; empty for relationships created by queries.
    pub sources: Vec<Source>,
    /// The readable key a fact file gave this relationship, if it gave one;
    /// `None` for unkeyed relationships (which a fact file identifies by
    /// start, type and end) and for relationships created by queries.
    pub key: Option<String>,
}

impl Relationship {
    /// The value of a property, null when absent.
    pub fn property(&self, key: &str) -> &Value {
        self.properties.get(key).unwrap_or(&Value::Null)
    }

    /// The node at the other end from `node` (the start for a self-loop).
    pub fn other(&self, node: NodeId) -> NodeId {
        if self.start == node { self.end } else { self.start }
    }
}

/// A map with no properties, for views of records that have none.
static NO_PROPERTIES: Properties = Properties::new();

impl Relationship {
    /// This record as a view, the form the graph index hands out.
    pub fn as_view(&self) -> RelView<'_> {
        RelView {
            id: self.id,
            rel_type: &self.rel_type,
            start: self.start,
            end: self.end,
            properties: &self.properties,
            sources: &self.sources,
            key: self.key.as_deref(),
        }
    }
}

/// A relationship as the graph index holds it: borrowed parts, because most
/// relationships (on a news graph of millions, nearly all) have no
/// properties, sources or key, and the index keeps no record for those —
/// their type and ends are already in its structure.
///
/// It serializes exactly as [`Relationship`] does, so either can be written
/// to the store and read back as the other.
///
/// ```
/// use attest::model::{NodeId, RelId, Relationship};
///
/// let rel = Relationship {
///     id: RelId(7),
///     rel_type: "AGENT".into(),
///     start: NodeId(1),
///     end: NodeId(2),
///     properties: Default::default(),
///     sources: vec![],
///     key: None,
/// };
/// let view = rel.as_view();
/// assert_eq!(view.rel_type, "AGENT");
/// assert_eq!(view.to_relationship(), rel);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RelView<'a> {
    /// The relationship's stable id.
    pub id: RelId,
    /// The relationship type.
    pub rel_type: &'a str,
    /// The node the relationship starts at.
    pub start: NodeId,
    /// The node the relationship points to.
    pub end: NodeId,
    /// The relationship's properties (empty for most).
    pub properties: &'a Properties,
    /// Citations supporting the relationship.
    pub sources: &'a [Source],
    /// The readable key a fact file gave it, if any.
    pub key: Option<&'a str>,
}

impl<'a> RelView<'a> {
    /// A view of a relationship with nothing recorded but its type and
    /// ends.
    pub fn plain(id: RelId, rel_type: &'a str, start: NodeId, end: NodeId) -> RelView<'a> {
        RelView {
            id,
            rel_type,
            start,
            end,
            properties: &NO_PROPERTIES,
            sources: &[],
            key: None,
        }
    }

    /// The value of a property, null when absent.
    pub fn property(&self, key: &str) -> &'a Value {
        self.properties.get(key).unwrap_or(&Value::Null)
    }

    /// The node at the other end from `node` (the start for a self-loop).
    pub fn other(&self, node: NodeId) -> NodeId {
        if self.start == node { self.end } else { self.start }
    }

    /// An owned copy of the record.
    pub fn to_relationship(&self) -> Relationship {
        Relationship {
            id: self.id,
            rel_type: self.rel_type.to_string(),
            start: self.start,
            end: self.end,
            properties: self.properties.clone(),
            sources: self.sources.to_vec(),
            key: self.key.map(str::to_string),
        }
    }
}

/// Direction of a traversal step relative to the node it starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// `(a)-[r]->(b)`: relationships starting at the node.
    Outgoing,
    /// `(a)<-[r]-(b)`: relationships ending at the node.
    Incoming,
    /// `(a)-[r]-(b)`: either.
    Both,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_encode_exactly_as_the_vector_they_replaced() {
        let list = vec![
            Source::sentence("article", 2),
            Source::External {
                note: "archive".into(),
            },
        ];
        for list in [Vec::new(), list] {
            let ours = Sources::from(list.clone());
            let bytes = postcard::to_allocvec(&ours).expect("encode");
            assert_eq!(bytes, postcard::to_allocvec(&list).expect("encode"));
            assert_eq!(postcard::from_bytes::<Sources>(&bytes).expect("decode"), ours);
            assert_eq!(
                serde_json::to_string(&ours).ok(),
                serde_json::to_string(&list).ok()
            );
            assert_eq!(
                ours.is_empty(),
                ours.0.is_none(),
                "an empty list allocates nothing"
            );
        }
        let mut emptied = Sources::from(vec![Source::sentence("article", 1)]);
        emptied.as_mut_vec().clear();
        assert_eq!(emptied, Sources::default());
        let mut touched = Sources::default();
        touched.as_mut_vec();
        assert_eq!(touched, Sources::default());
        assert_eq!(std::mem::size_of::<Node>(), 72);
    }
}
