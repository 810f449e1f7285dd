//! [`NodeView`]: a node as the index holds it, read without copying the
//! whole record.

use super::packed::{Extra, NodeRecord, Packing, ValueRef};
use crate::model::{Labels, Node, NodeId, Properties, Source, Value};

/// A node of a [`GraphIndex`](super::GraphIndex), borrowed: its id and
/// labels are at hand, and its properties, citations and key are read on
/// demand. [`NodeView::to_node`] makes an owned [`Node`].
///
/// ```
/// use attest::db::Graph;
/// use attest::model::{Properties, Value};
///
/// let graph = Graph::in_memory();
/// let mut tx = graph.begin();
/// let mut props = Properties::new();
/// props.insert("name".into(), "Ash Carter".into());
/// let carter = tx.create_node(vec!["Actor".into()], props, vec![]).unwrap();
/// tx.commit("add Carter").unwrap();
/// let snapshot = graph.read();
/// let view = snapshot.index().node(carter).unwrap();
/// assert!(view.has_label("Actor"));
/// assert_eq!(view.property("name"), Value::from("Ash Carter"));
/// assert_eq!(view.property("born"), Value::Null);
/// assert_eq!(view.to_node().id, carter);
/// ```
#[derive(Clone, Copy)]
pub struct NodeView<'a> {
    /// The node's stable id.
    pub id: NodeId,
    /// Its labels, in the order they were added.
    pub labels: &'a Labels,
    backing: Backing<'a>,
}

/// Where a view reads the node.
#[derive(Clone, Copy)]
enum Backing<'a> {
    /// A record the index packed, with the shapes and labels it names and
    /// the arena its bytes lie in, and what the node keeps beside it.
    Packed(&'a NodeRecord, &'a Packing, Option<&'a Extra>),
    /// A node not (or not yet) in an index.
    Node(&'a Node),
}

impl<'a> NodeView<'a> {
    /// A view of a record that is not (or not yet) in an index.
    pub(crate) fn of(node: &'a Node) -> NodeView<'a> {
        NodeView {
            id: node.id,
            labels: &node.labels,
            backing: Backing::Node(node),
        }
    }

    pub(super) fn packed(
        id: NodeId,
        record: &'a NodeRecord,
        packing: &'a Packing,
        extra: Option<&'a Extra>,
    ) -> NodeView<'a> {
        NodeView {
            id,
            labels: record.labels(packing),
            backing: Backing::Packed(record, packing, extra),
        }
    }

    /// True if the node carries `label`.
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }

    /// The value of a property, null when absent (a stored property is
    /// never null).
    pub fn property(&self, key: &str) -> Value {
        match self.backing {
            Backing::Packed(record, packing, _) => record.property(key, packing).unwrap_or_default(),
            Backing::Node(node) => node.property(key).clone(),
        }
    }

    /// Every property, as an owned map.
    pub fn properties(&self) -> Properties {
        match self.backing {
            Backing::Packed(record, packing, _) => record.properties(packing),
            Backing::Node(node) => node.properties.clone(),
        }
    }

    /// The property keys, sorted.
    pub fn property_keys(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let keys: Box<dyn Iterator<Item = &'a String> + 'a> = match self.backing {
            Backing::Packed(record, packing, _) => Box::new(record.keys(packing).iter()),
            Backing::Node(node) => Box::new(node.properties.keys()),
        };
        keys.map(String::as_str)
    }

    /// The property keys, sorted, as the shape holds them.
    pub(crate) fn keys_slice(&self) -> &'a [String] {
        match self.backing {
            Backing::Packed(record, packing, _) => record.keys(packing),
            Backing::Node(node) => node.properties.keys_slice(),
        }
    }

    /// Calls `f` with each property value in key order, decoding one at a
    /// time (writing a page from a view builds no map). A packed record
    /// that does not decode stops early, as if it had fewer values.
    pub(crate) fn try_for_each_value<E>(
        &self,
        mut f: impl FnMut(ValueRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.backing {
            Backing::Packed(record, packing, _) => record.try_for_each_value(packing, f),
            Backing::Node(node) => node.properties.values().try_for_each(|v| f(ValueRef::Value(v))),
        }
    }

    /// Citations supporting the node.
    pub fn sources(&self) -> &'a [Source] {
        match self.backing {
            Backing::Packed(_, _, extra) => Extra::sources(extra),
            Backing::Node(node) => &node.sources,
        }
    }

    /// The readable key a fact file gave the node, if any.
    pub fn key(&self) -> Option<&'a str> {
        match self.backing {
            Backing::Packed(_, _, extra) => Extra::key(extra),
            Backing::Node(node) => node.key.as_deref(),
        }
    }

    /// An owned copy of the node.
    pub fn to_node(&self) -> Node {
        match self.backing {
            Backing::Packed(record, packing, extra) => record.unpack(self.id, packing, extra),
            Backing::Node(node) => node.clone(),
        }
    }
}

impl std::fmt::Debug for NodeView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_node().fmt(f)
    }
}
