//! The parsed form of a fact file.
//!
//! The AST keeps what the author wrote, with positions, and nothing the
//! parser cannot know: node keys used by relationships are recorded, not
//! resolved (the loader resolves them, in this file or in the store), and
//! labels, types and properties are not checked against a schema (the schema
//! checker does that, pointing at the positions kept here).

use crate::error::Position;
use crate::model::{Properties, Source, Value};

/// A whole fact file: its items in the order written.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FactFile {
    /// Documents, nodes and relationships, in file order.
    pub items: Vec<Item>,
}

/// One declaration of a fact file.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `document key {…} text "…"`: the document later citations refer to.
    Document(DocumentDecl),
    /// `(key:Label {…}) cites …`: a node.
    Node(NodeFact),
    /// `(a)-[:TYPE {…}]->(b) cites …`: a relationship.
    Rel(RelFact),
}

/// `document article {title: "…", date: 2016-06-18} text "article.txt"`.
///
/// Declares a document, which becomes a `Document` node keyed `key`, and makes
/// it the *current document*: bare sentence numbers in the citations that
/// follow (up to the next `document`) refer to its sentences.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentDecl {
    /// The document's fact key, which relationships may use as a node key.
    pub key: String,
    /// The `Document` node's properties, in the order written.
    pub properties: Vec<Property>,
    /// Path of the document's text as written, relative to the fact file's
    /// directory; `None` when the text is not available.
    pub text_path: Option<String>,
    /// Citations backing the document's own properties (e.g. an `external`
    /// note saying where the publication date comes from). Sentence numbers
    /// here refer to the document being declared. May be empty.
    pub sources: Vec<Citation>,
    /// Position of the `document` keyword.
    pub pos: Position,
}

/// `(key:Label:Other {props}) cites …`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeFact {
    /// The node's fact key, unique among the keys of the file.
    pub key: String,
    /// At least one label, in the order written.
    pub labels: Vec<Name>,
    /// The node's properties, in the order written; may be empty.
    pub properties: Vec<Property>,
    /// At least one citation.
    pub citations: Vec<Citation>,
    /// Position of the opening `(`.
    pub pos: Position,
}

/// `(from)-[key:TYPE {props}]->(to) cites …`; a left arrow `(to)<-[…]-(from)`
/// is stored the same way, with `from` the start node.
#[derive(Clone, Debug, PartialEq)]
pub struct RelFact {
    /// The relationship's own fact key, when the author gave one. Without a
    /// key, a relationship is identified by (`from`, `rel_type`, `to`), which
    /// the parser requires to be unique among unkeyed relationships.
    pub key: Option<String>,
    /// The relationship type.
    pub rel_type: Name,
    /// Key of the start node: a node or document declared anywhere in the
    /// file, or a key already in the store (the loader resolves it).
    pub from: Name,
    /// Key of the end node.
    pub to: Name,
    /// The relationship's properties, in the order written; may be empty.
    pub properties: Vec<Property>,
    /// At least one citation.
    pub citations: Vec<Citation>,
    /// Position of the first `(`.
    pub pos: Position,
}

/// An identifier as written (label, relationship type or node key) and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The identifier.
    pub name: String,
    /// Where it starts.
    pub pos: Position,
}

/// One `key: value` entry of a property map.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    /// The property key.
    pub key: String,
    /// The value as written (`null` included; [`to_properties`] drops it).
    pub value: Value,
    /// Position of the property's key.
    pub pos: Position,
    /// Position of the value's first character.
    pub value_pos: Position,
}

/// One citation: a sentence of a document, or an external note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The resolved source: for a sentence, the document key is the one in
    /// force where the citation was written.
    pub source: Source,
    /// Position of the sentence number (or of the `external` keyword).
    pub pos: Position,
}

impl FactFile {
    /// The document declarations, in order.
    pub fn documents(&self) -> impl Iterator<Item = &DocumentDecl> {
        self.items.iter().filter_map(|item| match item {
            Item::Document(d) => Some(d),
            _ => None,
        })
    }

    /// The node facts, in order.
    pub fn nodes(&self) -> impl Iterator<Item = &NodeFact> {
        self.items.iter().filter_map(|item| match item {
            Item::Node(n) => Some(n),
            _ => None,
        })
    }

    /// The relationship facts, in order.
    pub fn rels(&self) -> impl Iterator<Item = &RelFact> {
        self.items.iter().filter_map(|item| match item {
            Item::Rel(r) => Some(r),
            _ => None,
        })
    }

    /// The node fact with key `key`, if the file defines one.
    pub fn node(&self, key: &str) -> Option<&NodeFact> {
        self.nodes().find(|n| n.key == key)
    }
}

impl Item {
    /// Where the item starts.
    pub fn pos(&self) -> Position {
        match self {
            Item::Document(d) => d.pos,
            Item::Node(n) => n.pos,
            Item::Rel(r) => r.pos,
        }
    }
}

impl NodeFact {
    /// The value written for property `key`, if any.
    pub fn property(&self, key: &str) -> Option<&Value> {
        find_property(&self.properties, key)
    }

    /// True if the node carries `label`.
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l.name == label)
    }

    /// The citations as plain sources.
    pub fn sources(&self) -> Vec<Source> {
        self.citations.iter().map(|c| c.source.clone()).collect()
    }
}

impl RelFact {
    /// The value written for property `key`, if any.
    pub fn property(&self, key: &str) -> Option<&Value> {
        find_property(&self.properties, key)
    }

    /// The citations as plain sources.
    pub fn sources(&self) -> Vec<Source> {
        self.citations.iter().map(|c| c.source.clone()).collect()
    }
}

impl DocumentDecl {
    /// The value written for property `key`, if any.
    pub fn property(&self, key: &str) -> Option<&Value> {
        find_property(&self.properties, key)
    }
}

/// The properties as a stored property map: nulls are dropped, because a
/// null property and a missing one mean the same thing in the store.
pub fn to_properties(properties: &[Property]) -> Properties {
    properties
        .iter()
        .filter(|p| !p.value.is_null())
        .map(|p| (p.key.clone(), p.value.clone()))
        .collect()
}

fn find_property<'a>(properties: &'a [Property], key: &str) -> Option<&'a Value> {
    properties.iter().find(|p| p.key == key).map(|p| &p.value)
}
