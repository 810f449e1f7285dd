//! Export: the graph (or a query result) in the formats other tools read.
//!
//! This layer owns how Attest's elements are written as JSON Lines, a CSV
//! directory in the bulk-import layout, N-Triples and Turtle (RDF, with the
//! `attest:` vocabulary of docs/interop.md), GraphML and DOT. It reads a
//! [`View`] of nodes and relationships, taken from a store's snapshot or
//! from the nodes, relationships and paths of a [`QueryResult`]; it never
//! writes to a store. It calls `db` (read access only), `model` and
//! `lang::result`; the import of what it writes lives in `import`.
//!
//! - `jsonl.rs`: JSON Lines, and the JSON value codec import shares;
//! - `csv.rs`: the bulk-import directory with its manifest;
//! - `rdf.rs`: N-Triples and Turtle, provenance by RDF 1.2 reifiers
//!   (triple terms) or classic `rdf:Statement` reification;
//! - `graphml.rs`, `dot.rs`: pictures and graph tools.

mod csv;
mod dot;
mod graphml;
pub(crate) mod jsonl;
pub(crate) mod rdf;

use crate::db::Graph;
use crate::error::{Error, ErrorClass, Result};
use crate::graph::NodeView;
use crate::lang::{QueryResult, ResultValue};
use crate::model::{Node, NodeId, RelId, RelView, Relationship};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

/// The formats [`write()`] and [`write_csv`] produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON object per line: every id, label, typed property, source
    /// and fact key (the lossless format).
    Jsonl,
    /// A directory of CSV files in the bulk-import layout, with manifest.
    Csv,
    /// RDF as N-Triples (RDF 1.2 triple terms for provenance).
    NTriples,
    /// RDF as Turtle, the same triples with prefixes.
    Turtle,
    /// GraphML (Gephi, yEd, NetworkX).
    GraphMl,
    /// Graphviz DOT.
    Dot,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 6] = [
        Format::Jsonl,
        Format::Csv,
        Format::NTriples,
        Format::Turtle,
        Format::GraphMl,
        Format::Dot,
    ];

    /// The name the CLI uses.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::NTriples => "ntriples",
            Format::Turtle => "turtle",
            Format::GraphMl => "graphml",
            Format::Dot => "dot",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    /// ```
    /// use attest::export::Format;
    /// assert_eq!("turtle".parse::<Format>().unwrap(), Format::Turtle);
    /// assert!("gexf".parse::<Format>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| {
                f.name() == s || (s == "nt" && *f == Format::NTriples) || (s == "ttl" && *f == Format::Turtle)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                Error::query(
                    ErrorClass::ArgumentError,
                    format!("unknown export format `{s}` (one of {})", names.join(", ")),
                )
            })
    }
}

/// How RDF export attaches a relationship's id, properties and sources to
/// the triple it asserts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reification {
    /// RDF 1.2 (RDF-star): the relationship's IRI `rdf:reifies` the triple
    /// term `<<( start type end )>>`.
    #[default]
    Star,
    /// Classic RDF reification, for stores without RDF 1.2: the
    /// relationship's IRI is an `rdf:Statement` with `rdf:subject`,
    /// `rdf:predicate` and `rdf:object`.
    Plain,
}

/// Options of [`write()`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// RDF only: RDF-star reifiers or plain reification.
    pub reification: Reification,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExportReport {
    /// Nodes written.
    pub nodes: u64,
    /// Relationships written.
    pub relationships: u64,
    /// Files written (CSV export only), in the manifest's order.
    pub files: Vec<String>,
}

/// Nodes and relationships to export, in id order. Borrowed from a store
/// snapshot or from a [`Subgraph`].
#[derive(Clone, Debug, Default)]
pub struct View<'a> {
    /// Nodes, ascending by id.
    pub nodes: Vec<NodeView<'a>>,
    /// Relationships, ascending by id; both ends are in `nodes`.
    pub relationships: Vec<RelView<'a>>,
}

impl<'a> View<'a> {
    /// Every element of a graph index (a snapshot's), in id order.
    pub fn of_index(index: &'a crate::graph::GraphIndex) -> View<'a> {
        let mut nodes: Vec<NodeView> = index.nodes().collect();
        nodes.sort_by_key(|n| n.id);
        let mut relationships: Vec<RelView> = index.relationships().collect();
        relationships.sort_by_key(|r| r.id);
        View { nodes, relationships }
    }

    fn report(&self) -> ExportReport {
        ExportReport {
            nodes: self.nodes.len() as u64,
            relationships: self.relationships.len() as u64,
            files: Vec::new(),
        }
    }
}

/// An owned set of nodes and relationships: what a query result shows, or
/// a whole store's contents. Equal subgraphs hold equal elements, which is
/// what the round-trip tests compare.
///
/// ```
/// use attest::db::Graph;
/// use attest::export::Subgraph;
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven'})-[:MEMBER_OF]->(:Actor {name: 'Rao'})")?;
/// let result = graph.query("MATCH p = (a)-[:MEMBER_OF]->(b) RETURN p")?;
/// let shown = Subgraph::of_result(&result);
/// assert_eq!((shown.nodes.len(), shown.relationships.len()), (2, 1));
/// assert_eq!(Subgraph::of(&graph), shown); // no sources or keys here
/// # Ok::<(), attest::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subgraph {
    /// Nodes, ascending by id.
    pub nodes: Vec<Node>,
    /// Relationships, ascending by id.
    pub relationships: Vec<Relationship>,
}

impl Subgraph {
    /// Every node and relationship of `graph`, with sources and keys.
    pub fn of(graph: &Graph) -> Subgraph {
        let snapshot = graph.read();
        let view = View::of_index(snapshot.index());
        Subgraph {
            nodes: view.nodes.into_iter().map(|n| n.to_node()).collect(),
            relationships: view.relationships.iter().map(RelView::to_relationship).collect(),
        }
    }

    /// The nodes, relationships and paths found anywhere in a result's
    /// rows (inside lists and maps too), each once. A relationship whose
    /// end nodes the result does not show brings them in as bare nodes
    /// (id only), so that every edge can be drawn. Results carry no
    /// sources or keys.
    pub fn of_result(result: &QueryResult) -> Subgraph {
        let mut nodes = BTreeMap::new();
        let mut rels = BTreeMap::new();
        for row in &result.rows {
            for value in row {
                collect(value, &mut nodes, &mut rels);
            }
        }
        for rel in rels.values() {
            let rel: &Relationship = rel;
            for end in [rel.start, rel.end] {
                nodes.entry(end).or_insert_with(|| Node {
                    id: end,
                    labels: Default::default(),
                    properties: Default::default(),
                    sources: Default::default(),
                    key: None,
                });
            }
        }
        Subgraph {
            nodes: nodes.into_values().collect(),
            relationships: rels.into_values().collect(),
        }
    }

    /// A view of this subgraph.
    pub fn view(&self) -> View<'_> {
        View {
            nodes: self.nodes.iter().map(NodeView::of).collect(),
            relationships: self.relationships.iter().map(Relationship::as_view).collect(),
        }
    }
}

fn collect(
    value: &ResultValue,
    nodes: &mut BTreeMap<NodeId, Node>,
    rels: &mut BTreeMap<RelId, Relationship>,
) {
    let mut node = |n: &crate::lang::NodeValue| {
        // A node the statement deleted shows no labels; still draw it.
        nodes.entry(n.id).or_insert_with(|| Node {
            id: n.id,
            labels: n.labels.as_slice().into(),
            properties: n.properties.clone(),
            sources: Default::default(),
            key: None,
        });
    };
    let rel = |r: &crate::lang::RelValue, rels: &mut BTreeMap<RelId, Relationship>| {
        // Deleted relationships have no ends (node 0); there is nothing to draw.
        if r.start.0 != 0 {
            rels.entry(r.id).or_insert_with(|| Relationship {
                id: r.id,
                rel_type: r.rel_type.clone(),
                start: r.start,
                end: r.end,
                properties: r.properties.clone(),
                sources: Vec::new(),
                key: None,
            });
        }
    };
    match value {
        ResultValue::Node(n) => node(n),
        ResultValue::Relationship(r) => rel(r, rels),
        ResultValue::Path { nodes: ns, rels: rs } => {
            ns.iter().for_each(&mut node);
            rs.iter().for_each(|r| rel(r, rels));
        }
        ResultValue::List(items) => items.iter().for_each(|v| collect(v, nodes, rels)),
        ResultValue::Map(entries) => entries.values().for_each(|v| collect(v, nodes, rels)),
        _ => {}
    }
}

/// Writes every node and relationship of `graph` to `out` in `format`
/// (any but [`Format::Csv`], which writes a directory: [`write_csv`]).
/// The store is read under one snapshot, so the export is consistent.
///
/// ```
/// use attest::db::Graph;
/// use attest::export::{ExportOptions, Format, write};
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven'})-[:MEMBER_OF]->(:Actor {name: 'Rao'})")?;
/// let mut out = Vec::new();
/// let report = write(&graph, Format::Dot, &ExportOptions::default(), &mut out)?;
/// assert_eq!((report.nodes, report.relationships), (2, 1));
/// let dot = String::from_utf8(out).unwrap();
/// assert!(dot.starts_with("digraph attest {"));
/// assert!(dot.contains("n1 -> n2 [label=\"MEMBER_OF\"]"));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn write(
    graph: &Graph,
    format: Format,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> Result<ExportReport> {
    let snapshot = graph.read();
    let view = View::of_index(snapshot.index());
    write_view(&view, format, options, out)
}

/// Writes a [`View`] (of a store or of a query result's [`Subgraph`]).
pub fn write_view(
    view: &View<'_>,
    format: Format,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> Result<ExportReport> {
    let mut out = std::io::BufWriter::new(out);
    match format {
        Format::Jsonl => jsonl::write(view, &mut out),
        Format::NTriples => rdf::write(view, rdf::Syntax::NTriples, options.reification, &mut out),
        Format::Turtle => rdf::write(view, rdf::Syntax::Turtle, options.reification, &mut out),
        Format::GraphMl => graphml::write(view, &mut out),
        Format::Dot => dot::write(view, &mut out),
        Format::Csv => {
            return Err(Error::query(
                ErrorClass::ArgumentError,
                "CSV export writes a directory of files; give it a directory (`--out DIR`, export::write_csv)",
            ));
        }
    }
    .and_then(|()| out.flush())
    .map_err(|e| io_error("export output", e))?;
    Ok(view.report())
}

/// Writes every node and relationship of `graph` as a directory of CSV
/// files in the bulk-import layout (docs/interchange.md), with its
/// `manifest.json`; `attest import --csv DIR` reads it back with the same
/// node ids. `dir` is created if needed and must not hold a manifest yet.
///
/// The layout has no place for sources, fact keys, several labels on one
/// node, maps, or lists it cannot spell (`a;b` holds lists of one scalar
/// type): a graph that has any of the last three is refused (naming the
/// element), and sources and keys are left out (JSON Lines and RDF keep
/// them).
///
/// ```
/// use attest::db::Graph;
/// use attest::export::write_csv;
/// use attest::import::{ImportOptions, import_csv};
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven'})-[:MEMBER_OF {since: 2016}]->(:Actor {name: 'Rao'})")?;
/// let dir = tempfile::tempdir().unwrap();
/// let report = write_csv(&graph, dir.path())?;
/// assert_eq!(report.files, ["Actor.csv", "MEMBER_OF.csv"]);
///
/// let copy = Graph::in_memory();
/// import_csv(&copy, dir.path(), &ImportOptions::default())?;
/// let since = copy.query("MATCH ()-[r:MEMBER_OF]->() RETURN r.since")?;
/// assert_eq!(since.rows[0][0].as_int(), Some(2016));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn write_csv(graph: &Graph, dir: &Path) -> Result<ExportReport> {
    let snapshot = graph.read();
    let view = View::of_index(snapshot.index());
    csv::write(&view, dir)
}

/// Writes a query result's nodes, relationships and paths as a picture
/// format ([`Format::Dot`] or [`Format::GraphMl`]) or any other stream
/// format: what `attest query … --format dot` prints.
///
/// ```
/// use attest::db::Graph;
/// use attest::export::{Format, write_result};
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven'})-[:MEMBER_OF]->(:Actor {name: 'Rao'})")?;
/// let result = graph.query("MATCH (a)-[r]->(b) RETURN r")?; // ends come along
/// let mut out = Vec::new();
/// let report = write_result(&result, Format::GraphMl, &mut out)?;
/// assert_eq!((report.nodes, report.relationships), (2, 1));
/// let graphml = String::from_utf8(out).unwrap();
/// assert!(graphml.contains(r#"<edge id="e1" source="n1" target="n2">"#));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn write_result(result: &QueryResult, format: Format, out: &mut dyn Write) -> Result<ExportReport> {
    let subgraph = Subgraph::of_result(result);
    write_view(&subgraph.view(), format, &ExportOptions::default(), out)
}

pub(crate) fn io_error(path: &str, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_string(),
        source,
    }
}

/// A short text for a node in pictures: its `name`, `title` or `text`
/// property, else its first string property, else its id.
pub(crate) fn caption(node: &Node) -> String {
    let named = ["name", "title", "summary", "text"]
        .iter()
        .find_map(|k| node.property(k).as_str())
        .or_else(|| node.properties.values().find_map(|v| v.as_str()));
    let text = match named {
        Some(t) => t.to_string(),
        None => node.id.0.to_string(),
    };
    if text.chars().count() > 40 {
        let short: String = text.chars().take(39).collect();
        format!("{short}…")
    } else {
        text
    }
}
