//! [`NodeView`]: a node as the index holds it, read without copying the
//! whole record.

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
    record: &'a Node,
}

impl<'a> NodeView<'a> {
    /// A view of a record that is not (or not yet) in an index.
    pub(crate) fn of(record: &'a Node) -> NodeView<'a> {
        NodeView {
            id: record.id,
            labels: &record.labels,
            record,
        }
    }

    /// True if the node carries `label`.
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }

    /// The value of a property, null when absent (a stored property is
    /// never null).
    pub fn property(&self, key: &str) -> Value {
        self.record.property(key).clone()
    }

    /// Every property, as an owned map.
    pub fn properties(&self) -> Properties {
        self.record.properties.clone()
    }

    /// The property keys, sorted.
    pub fn property_keys(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.record.properties.keys().map(String::as_str)
    }

    /// Citations supporting the node.
    pub fn sources(&self) -> &'a [Source] {
        &self.record.sources
    }

    /// The readable key a fact file gave the node, if any.
    pub fn key(&self) -> Option<&'a str> {
        self.record.key.as_deref()
    }

    /// An owned copy of the node.
    pub fn to_node(&self) -> Node {
        self.record.clone()
    }
}

impl std::fmt::Debug for NodeView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_node().fmt(f)
    }
}
