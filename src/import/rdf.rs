//! RDF import: reads back the N-Triples and Turtle that `export::rdf`
//! writes (either reification), parsed with Oxigraph's `oxttl`.
//!
//! Every triple must belong to the `attest:` vocabulary (docs/interop.md):
//! a triple about anything else is refused, naming it, rather than
//! dropped. Relationships are the `rel:ID` resources; an asserted
//! `node:S type:T node:E` triple that no resource reifies becomes a
//! relationship with a fresh id. RDF has no order, so the triples are
//! gathered in memory first (the file's order gives a node's labels their
//! order, `attest:position` a source list's), then written by one bulk
//! write. Syntax errors name FILE:LINE:COLUMN; vocabulary errors name the
//! triple's subject.

use super::ImportReport;
use crate::db::{BulkElement, BulkRejection, BulkSizeHint, BulkSource, Graph};
use crate::error::{Error, ErrorClass, Position, QueryError, Result};
use crate::export::jsonl::value_from_json;
use crate::export::rdf::{LABEL, NODE, NS, PROP, REL, SOURCE, TYPE, decode};
use crate::model::{Date, NodeId, Properties, RelId, Source, Value};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Literal, NamedOrBlankNode, Term, Triple};
use oxttl::{NTriplesParser, TurtleParser};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

/// Imports an RDF export (N-Triples or Turtle: `.nt` files are read as
/// N-Triples, anything else as Turtle, which N-Triples also is) into
/// `graph`, all or nothing, as one entry in the store's log. Ids are kept,
/// as with [`import_jsonl`](super::import_jsonl).
///
/// ```
/// use attest::db::Graph;
/// use attest::export::{ExportOptions, Format, Subgraph, write};
/// use attest::import::import_rdf;
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven', aliases: ['K']})-[:MEMBER_OF {since: 2016}]->(:Actor {name: 'Rao'})")?;
/// let dir = tempfile::tempdir().unwrap();
/// let file = dir.path().join("graph.ttl");
/// write(&graph, Format::Turtle, &ExportOptions::default(), &mut std::fs::File::create(&file).unwrap())?;
///
/// let copy = Graph::in_memory();
/// import_rdf(&copy, &file)?;
/// assert_eq!(Subgraph::of(&copy), Subgraph::of(&graph));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn import_rdf(graph: &Graph, path: &Path) -> Result<ImportReport> {
    let name = path.display().to_string();
    let started = Instant::now();
    let triples = parse(path, &name)?;
    let elements = elements(&triples).map_err(|message| {
        Error::Query(QueryError::new(ErrorClass::SemanticError, message).in_file(&name))
    })?;
    let mut source = Elements {
        elements,
        name: name.clone(),
        started: [Some(started), None],
    };
    let info = graph.bulk_insert(&format!("import {name}"), &mut source)?;
    Ok(super::report_of(&name, info, source.started, Instant::now()))
}

fn parse(path: &Path, name: &str) -> Result<Vec<Triple>> {
    let file = File::open(path).map_err(|e| crate::export::io_error(name, e))?;
    let reader = BufReader::new(file);
    let ntriples = path.extension().is_some_and(|e| e == "nt");
    let results: Box<dyn Iterator<Item = std::result::Result<Triple, oxttl::TurtleParseError>>> = if ntriples
    {
        Box::new(NTriplesParser::new().for_reader(reader))
    } else {
        Box::new(TurtleParser::new().for_reader(reader))
    };
    let mut triples = Vec::new();
    for result in results {
        match result {
            Ok(t) => triples.push(t),
            Err(oxttl::TurtleParseError::Syntax(e)) => {
                let start = e.location().start;
                let position = Position {
                    line: u32::try_from(start.line + 1).unwrap_or(u32::MAX),
                    column: u32::try_from(start.column + 1).unwrap_or(u32::MAX),
                };
                let q = QueryError::new(ErrorClass::SyntaxError, e.message().to_string())
                    .at(position)
                    .in_file(name);
                return Err(q.into());
            }
            Err(oxttl::TurtleParseError::Io(e)) => return Err(crate::export::io_error(name, e)),
        }
    }
    Ok(triples)
}

/// A node or relationship as the triples describe it.
#[derive(Default)]
struct Gathered {
    labels: Vec<String>,
    properties: Properties,
    key: Option<String>,
    sources: Vec<String>,
    id: Option<u64>,
    /// Relationships: (start, type, end).
    triple: Option<(u64, String, u64)>,
    /// Plain reification's three parts, as they come.
    subject: Option<u64>,
    predicate: Option<String>,
    object: Option<u64>,
}

/// A source's fields, by blank node.
#[derive(Default)]
struct SourceParts {
    position: Option<u64>,
    document: Option<String>,
    sentence: Option<u64>,
    start: Option<u64>,
    end: Option<u64>,
    note: Option<String>,
}

/// A source's IRI (`source:n1-0`), as itself.
fn source_iri(iri: &str) -> Option<&str> {
    let rest = iri.strip_prefix(SOURCE)?;
    let (id, n) = rest.strip_prefix(['n', 'r'])?.split_once('-')?;
    (id.parse::<u64>().is_ok() && n.parse::<u64>().is_ok()).then_some(iri)
}

fn id_in(iri: &str, base: &str) -> Option<u64> {
    iri.strip_prefix(base)?
        .parse()
        .ok()
        .filter(|id| *id > 0 && *id <= i64::MAX as u64)
}

fn show(triple: &Triple) -> String {
    triple.to_string()
}

/// Turns the triples into bulk elements: nodes (by id), then relationships.
fn elements(triples: &[Triple]) -> std::result::Result<Vec<BulkElement>, String> {
    let mut nodes: BTreeMap<u64, Gathered> = BTreeMap::new();
    let mut rels: BTreeMap<u64, Gathered> = BTreeMap::new();
    let mut sources: HashMap<String, SourceParts> = HashMap::new();
    let mut asserted: Vec<(u64, String, u64)> = Vec::new();
    let outside = |t: &Triple| {
        format!(
            "the triple {} is not in Attest's RDF vocabulary (docs/interop.md)",
            show(t)
        )
    };
    for t in triples {
        let p = t.predicate.as_str();
        let source = match &t.subject {
            NamedOrBlankNode::BlankNode(b) => Some(b.as_str()),
            NamedOrBlankNode::NamedNode(n) => source_iri(n.as_str()),
        };
        match (&t.subject, source) {
            (_, Some(source)) => {
                let parts = sources.entry(source.to_string()).or_default();
                let local = p.strip_prefix(NS).ok_or_else(|| outside(t))?;
                let bad = || format!("{}: the object is not what `attest:{local}` takes", show(t));
                match local {
                    "position" => parts.position = Some(count(&t.object).ok_or_else(bad)?),
                    "document" => parts.document = Some(string(&t.object).ok_or_else(bad)?),
                    "sentence" => parts.sentence = Some(count(&t.object).ok_or_else(bad)?),
                    "spanStart" => parts.start = Some(count(&t.object).ok_or_else(bad)?),
                    "spanEnd" => parts.end = Some(count(&t.object).ok_or_else(bad)?),
                    "note" => parts.note = Some(string(&t.object).ok_or_else(bad)?),
                    _ => return Err(outside(t)),
                }
            }
            (NamedOrBlankNode::BlankNode(_), None) => return Err(outside(t)),
            (NamedOrBlankNode::NamedNode(s), None) => {
                let (me, is_node) = if let Some(id) = id_in(s.as_str(), NODE) {
                    (nodes.entry(id).or_default(), true)
                } else if let Some(id) = id_in(s.as_str(), REL) {
                    (rels.entry(id).or_default(), false)
                } else {
                    return Err(outside(t));
                };
                if let Some(name) = p.strip_prefix(PROP) {
                    let name = decode(name).ok_or_else(|| outside(t))?;
                    let value = match &t.object {
                        Term::Literal(l) => value_of(l).map_err(|e| format!("{}: {e}", show(t)))?,
                        _ => return Err(format!("{}: a property's value must be a literal", show(t))),
                    };
                    me.properties.insert(name, value);
                } else if let Some(rel_type) = p.strip_prefix(TYPE) {
                    let rel_type = decode(rel_type).ok_or_else(|| outside(t))?;
                    match (is_node, &t.object) {
                        (true, Term::NamedNode(o)) if id_in(o.as_str(), NODE).is_some() => {
                            let start = id_in(s.as_str(), NODE).unwrap_or_default();
                            asserted.push((start, rel_type, id_in(o.as_str(), NODE).unwrap_or_default()));
                        }
                        _ => return Err(outside(t)),
                    }
                } else if p == rdf::TYPE.as_str() {
                    match &t.object {
                        Term::NamedNode(o) if is_node && o.as_str().starts_with(LABEL) => {
                            let label = decode(&o.as_str()[LABEL.len()..]).ok_or_else(|| outside(t))?;
                            if !me.labels.contains(&label) {
                                me.labels.push(label);
                            }
                        }
                        Term::NamedNode(o) if !is_node && o.as_str() == rdf::STATEMENT.as_str() => {}
                        _ => return Err(outside(t)),
                    }
                } else if let Some(local) = p.strip_prefix(NS) {
                    let bad = || format!("{}: the object is not what `attest:{local}` takes", show(t));
                    match local {
                        "id" => me.id = Some(count(&t.object).ok_or_else(bad)?),
                        "key" => me.key = Some(string(&t.object).ok_or_else(bad)?),
                        "source" => match &t.object {
                            Term::BlankNode(b) => me.sources.push(b.as_str().to_string()),
                            Term::NamedNode(n) if source_iri(n.as_str()).is_some() => {
                                me.sources.push(n.as_str().to_string())
                            }
                            _ => return Err(bad()),
                        },
                        _ => return Err(outside(t)),
                    }
                } else if !is_node && p == rdf::REIFIES.as_str() {
                    match &t.object {
                        Term::Triple(q) => me.triple = Some(edge(q).ok_or_else(|| outside(t))?),
                        _ => return Err(outside(t)),
                    }
                } else if !is_node && p == rdf::SUBJECT.as_str() {
                    me.subject = Some(node_term(&t.object).ok_or_else(|| outside(t))?);
                } else if !is_node && p == rdf::OBJECT.as_str() {
                    me.object = Some(node_term(&t.object).ok_or_else(|| outside(t))?);
                } else if !is_node && p == rdf::PREDICATE.as_str() {
                    let rel_type = match &t.object {
                        Term::NamedNode(o) => o.as_str().strip_prefix(TYPE).and_then(decode),
                        _ => None,
                    };
                    me.predicate = Some(rel_type.ok_or_else(|| outside(t))?);
                } else {
                    return Err(outside(t));
                }
            }
        }
    }
    let mut out = Vec::with_capacity(nodes.len() + rels.len());
    for (id, node) in nodes {
        check_id(&node, id, "node")?;
        out.push(BulkElement::Node {
            id: NodeId(id),
            labels: node.labels.into(),
            properties: node.properties,
            sources: assemble(&node.sources, &mut sources, &format!("node:{id}"))?,
            key: node.key,
        });
    }
    let mut reified = HashSet::new();
    for (id, rel) in rels {
        check_id(&rel, id, "relationship")?;
        let plain = match (rel.subject, rel.predicate.clone(), rel.object) {
            (Some(s), Some(p), Some(o)) => Some((s, p, o)),
            (None, None, None) => None,
            _ => {
                return Err(format!(
                    "rel:{id}: rdf:subject, rdf:predicate and rdf:object must come together"
                ));
            }
        };
        let (start, rel_type, end) = match (rel.triple.clone(), plain) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!(
                    "rel:{id}: rdf:reifies and rdf:subject/predicate/object name different triples"
                ));
            }
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => {
                return Err(format!(
                    "rel:{id}: no rdf:reifies (or rdf:subject, rdf:predicate, rdf:object) says which triple it is"
                ));
            }
        };
        reified.insert((start, rel_type.clone(), end));
        out.push(BulkElement::Relationship {
            id: Some(RelId(id)),
            rel_type: rel_type.into(),
            start: NodeId(start),
            end: NodeId(end),
            properties: rel.properties,
            sources: assemble(&rel.sources, &mut sources, &format!("rel:{id}"))?,
            key: rel.key,
        });
    }
    for (start, rel_type, end) in asserted {
        if reified.insert((start, rel_type.clone(), end)) {
            out.push(BulkElement::Relationship {
                id: None,
                rel_type: rel_type.into(),
                start: NodeId(start),
                end: NodeId(end),
                properties: Properties::new(),
                sources: Vec::new(),
                key: None,
            });
        }
    }
    if let Some(b) = sources.keys().next() {
        return Err(format!(
            "_:{b} has source fields but no element names it with attest:source"
        ));
    }
    Ok(out)
}

fn check_id(g: &Gathered, id: u64, what: &str) -> std::result::Result<(), String> {
    match g.id {
        Some(given) if given != id => Err(format!("{what} {id}: attest:id says {given}")),
        _ => Ok(()),
    }
}

fn assemble(
    names: &[String],
    parts: &mut HashMap<String, SourceParts>,
    owner: &str,
) -> std::result::Result<Vec<Source>, String> {
    let mut listed = Vec::new();
    for name in names {
        let p = parts.remove(name).ok_or_else(|| {
            format!("{owner}: source _:{name} has no fields, or another element names it too")
        })?;
        let bad = |why: &str| format!("{owner}: source {name} {why}");
        let source = match (p.document, p.sentence, p.note) {
            (Some(document), Some(index), None) => Source::Sentence {
                document,
                index: u32::try_from(index).map_err(|_| bad("has a sentence index out of range"))?,
                span: match (p.start, p.end) {
                    (None, None) => None,
                    (Some(a), Some(z)) => Some((
                        u32::try_from(a).map_err(|_| bad("has a span out of range"))?,
                        u32::try_from(z).map_err(|_| bad("has a span out of range"))?,
                    )),
                    _ => return Err(bad("has only one end of its span")),
                },
            },
            (None, None, Some(note)) => Source::External { note },
            _ => return Err(bad("needs attest:document and attest:sentence, or attest:note")),
        };
        listed.push((p.position.unwrap_or(u64::MAX), source));
    }
    listed.sort_by_key(|(position, _)| *position);
    Ok(listed.into_iter().map(|(_, s)| s).collect())
}

fn node_term(term: &Term) -> Option<u64> {
    match term {
        Term::NamedNode(n) => id_in(n.as_str(), NODE),
        _ => None,
    }
}

fn edge(triple: &Triple) -> Option<(u64, String, u64)> {
    let start = match &triple.subject {
        NamedOrBlankNode::NamedNode(n) => id_in(n.as_str(), NODE)?,
        NamedOrBlankNode::BlankNode(_) => return None,
    };
    let rel_type = decode(triple.predicate.as_str().strip_prefix(TYPE)?)?;
    Some((start, rel_type, node_term(&triple.object)?))
}

fn count(term: &Term) -> Option<u64> {
    match term {
        Term::Literal(l) if l.datatype() == xsd::INTEGER => l.value().parse().ok(),
        _ => None,
    }
}

fn string(term: &Term) -> Option<String> {
    match term {
        Term::Literal(l) if l.datatype() == xsd::STRING => Some(l.value().to_string()),
        _ => None,
    }
}

/// A property value from its typed literal.
fn value_of(literal: &Literal) -> std::result::Result<Value, String> {
    let text = literal.value();
    let datatype = literal.datatype();
    let bad = |what: &str| format!("`{text}` is not {what}");
    Ok(if datatype == xsd::STRING {
        Value::from(text.to_string())
    } else if datatype == xsd::INTEGER {
        Value::Int(text.parse().map_err(|_| bad("a 64-bit integer"))?)
    } else if datatype == xsd::DOUBLE {
        Value::Float(match text {
            "INF" | "+INF" => f64::INFINITY,
            "-INF" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            _ => text.parse().map_err(|_| bad("an xsd:double"))?,
        })
    } else if datatype == xsd::BOOLEAN {
        match text {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(bad("an xsd:boolean")),
        }
    } else if datatype == xsd::DATE {
        Value::Date(Date::parse(text).ok_or_else(|| bad("a date (YYYY-MM-DD)"))?)
    } else if datatype.as_str() == format!("{NS}json") {
        let json = serde_json::from_str(text).map_err(|e| format!("`{text}` is not JSON: {e}"))?;
        value_from_json(&json)?
    } else {
        return Err(format!(
            "literals of type <{}> are not Attest values (xsd:string, xsd:integer, xsd:double, xsd:boolean, xsd:date, attest:json)",
            datatype.as_str()
        ));
    })
}

/// Elements gathered in memory.
struct Elements {
    elements: Vec<BulkElement>,
    name: String,
    started: [Option<Instant>; 2],
}

impl BulkSource for Elements {
    fn size_hint(&self) -> Option<BulkSizeHint> {
        let nodes = self
            .elements
            .iter()
            .filter(|e| matches!(e, BulkElement::Node { .. }))
            .count() as u64;
        Some(BulkSizeHint {
            nodes,
            relationships: self.elements.len() as u64 - nodes,
        })
    }

    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> std::result::Result<(), BulkRejection>,
    ) -> Result<()> {
        for element in &self.elements {
            if let Err(rejection) = sink(element.clone()) {
                let what = match element {
                    BulkElement::Node { id, .. } => format!("node:{}", id.0),
                    BulkElement::Relationship { id: Some(id), .. } => format!("rel:{}", id.0),
                    BulkElement::Relationship {
                        start, rel_type, end, ..
                    } => {
                        format!("node:{} type:{rel_type} node:{}", start.0, end.0)
                    }
                };
                return Err(match rejection.error {
                    Error::Query(q) => {
                        let field = rejection
                            .field
                            .as_ref()
                            .map(super::field_name)
                            .unwrap_or_default();
                        let message = format!(
                            "{what}: {}{}",
                            q.message,
                            if field.is_empty() {
                                String::new()
                            } else {
                                format!(" ({field})")
                            }
                        );
                        Error::Query(QueryError { message, ..q }.in_file(&self.name))
                    }
                    other => other,
                });
            }
        }
        Ok(())
    }

    fn reading_done(&mut self) {
        self.started[1] = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements_of(turtle: &str) -> std::result::Result<Vec<BulkElement>, String> {
        let triples: Vec<Triple> = TurtleParser::new()
            .for_slice(turtle)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| e.to_string())?;
        elements(&triples)
    }

    const PREFIXES: &str = "@prefix attest: <https://attest.example.org/ns#> .\n\
        @prefix node: <https://attest.example.org/node/> .\n\
        @prefix rel: <https://attest.example.org/rel/> .\n\
        @prefix type: <https://attest.example.org/type/> .\n\
        @prefix prop: <https://attest.example.org/prop/> .\n\
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n";

    #[test]
    fn an_unreified_triple_is_a_relationship_with_a_fresh_id() {
        let found = elements_of(&format!(
            "{PREFIXES}node:1 type:KNOWS node:2 .\nnode:2 attest:id 2 ."
        ))
        .unwrap();
        assert_eq!(found.len(), 3);
        assert!(
            matches!(&found[2], BulkElement::Relationship { id: None, rel_type, .. } if &**rel_type == "KNOWS")
        );
    }

    #[test]
    fn annotation_syntax_and_blank_node_sources_read_as_the_export_does() {
        let turtle = format!(
            "{PREFIXES}node:1 attest:id 1 .\nnode:2 attest:id 2 .\n\
             node:1 type:KNOWS node:2 ~ rel:7 {{| prop:since 2016 ; attest:source [ attest:position 0 ; attest:note \"n\" ] |}} ."
        );
        let found = elements_of(&turtle).unwrap();
        match &found[2] {
            BulkElement::Relationship {
                id,
                properties,
                sources,
                ..
            } => {
                assert_eq!(*id, Some(RelId(7)));
                assert_eq!(properties.get("since"), Some(&Value::Int(2016)));
                assert_eq!(sources, &[Source::External { note: "n".into() }]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(found.len(), 3, "the asserted triple is the reified relationship");
    }

    #[test]
    fn triples_outside_the_vocabulary_are_named() {
        let cases = [
            (
                "<http://example.org/x> prop:name \"x\" .",
                "is not in Attest's RDF vocabulary",
            ),
            ("node:1 prop:born \"2016-13-01\"^^xsd:date .", "is not a date"),
            ("node:1 prop:n \"x\"@en .", "are not Attest values"),
            (
                "node:1 attest:source [ attest:document \"a\" ] .",
                "needs attest:document and attest:sentence",
            ),
            ("rel:1 attest:id 1 .", "says which triple"),
            ("node:1 attest:id 2 .", "attest:id says 2"),
        ];
        for (turtle, expected) in cases {
            let err = elements_of(&format!("{PREFIXES}{turtle}"))
                .err()
                .unwrap_or_default();
            assert!(err.contains(expected), "{turtle}: {err}");
        }
    }
}
