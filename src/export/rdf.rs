//! RDF export: N-Triples and Turtle in the `attest:` vocabulary
//! (docs/interop.md), written with Oxigraph's `oxttl` serializers.
//!
//! - a node is `node:ID`, typed by its labels (`node:1 a label:Actor`),
//!   with `attest:id`, one `prop:NAME` triple per property, `attest:key`;
//! - a relationship is the asserted triple `node:S type:TYPE node:E` and a
//!   resource `rel:ID` that carries its id, properties, key and sources and
//!   names the triple it stands for: with RDF 1.2 (RDF-star) it
//!   `rdf:reifies` the triple term `<<( node:S type:TYPE node:E )>>`; with
//!   [`Reification::Plain`] it is an `rdf:Statement` with `rdf:subject`,
//!   `rdf:predicate` and `rdf:object`. Two relationships of one type
//!   between the same nodes assert one triple but keep two resources;
//! - every source is a resource of its own, `source:nID-N` or
//!   `source:rID-N` (not a blank node, so that an N-Triples file can be
//!   split at any line for a parallel loader), `attest:source` of its
//!   element, with `attest:position` (its place in the element's list), and
//!   either
//!   `attest:document`, `attest:sentence`, `attest:spanStart`,
//!   `attest:spanEnd`, or `attest:note`;
//! - values are typed literals: `xsd:string`, `xsd:integer`, `xsd:double`,
//!   `xsd:boolean`, `xsd:date`; lists and maps are `attest:json` literals
//!   holding the JSON encoding of the JSONL export.
//!
//! Names are percent-encoded into the IRIs (`label:Actor`,
//! `prop:first%20name`), so any label, type or property name round-trips.
//! This file also holds the vocabulary that `import::rdf` reads back.

use super::jsonl::value_json;
use super::{Reification, View};
use crate::model::{Node, Properties, RelView, Source, Value};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxttl::{NTriplesSerializer, TurtleSerializer};
use std::io::{self, Write};

/// The vocabulary's namespace: `attest:id`, `attest:source`, …
pub const NS: &str = "https://attest.example.org/ns#";
pub(crate) const NODE: &str = "https://attest.example.org/node/";
pub(crate) const REL: &str = "https://attest.example.org/rel/";
pub(crate) const LABEL: &str = "https://attest.example.org/label/";
pub(crate) const TYPE: &str = "https://attest.example.org/type/";
pub(crate) const PROP: &str = "https://attest.example.org/prop/";
pub(crate) const SOURCE: &str = "https://attest.example.org/source/";

/// The prefixes the Turtle export declares.
pub(crate) const PREFIXES: [(&str, &str); 10] = [
    ("attest", NS),
    ("node", NODE),
    ("rel", REL),
    ("label", LABEL),
    ("type", TYPE),
    ("prop", PROP),
    ("source", SOURCE),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// Which RDF syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Syntax {
    NTriples,
    Turtle,
}

pub(crate) fn term(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{NS}{local}"))
}

pub(crate) fn named(base: &str, name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{base}{}", encode(name)))
}

/// Percent-encodes everything but unreserved ASCII, so a name is one IRI
/// path segment and a Turtle local name where it can be.
pub(crate) fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The inverse of [`encode`]; `None` when the text is not valid.
pub(crate) fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The typed literal of a property value.
pub(crate) fn literal(value: &Value) -> Literal {
    match value {
        Value::String(s) => Literal::new_simple_literal(s.as_str()),
        Value::Int(i) => Literal::new_typed_literal(i.to_string(), xsd::INTEGER),
        Value::Float(f) => {
            let text = if f.is_nan() {
                "NaN".to_string()
            } else if f.is_infinite() {
                if *f > 0.0 { "INF" } else { "-INF" }.to_string()
            } else {
                format!("{f:?}")
            };
            Literal::new_typed_literal(text, xsd::DOUBLE)
        }
        Value::Bool(b) => Literal::new_typed_literal(b.to_string(), xsd::BOOLEAN),
        Value::Date(d) => Literal::new_typed_literal(d.to_string(), xsd::DATE),
        other => Literal::new_typed_literal(value_json(other).to_string(), term("json")),
    }
}

fn integer(i: u64) -> Term {
    Literal::new_typed_literal(i.to_string(), xsd::INTEGER).into()
}

/// One of the two serializers.
enum Out<W: Write> {
    NTriples(oxttl::ntriples::WriterNTriplesSerializer<W>),
    Turtle(Box<oxttl::turtle::WriterTurtleSerializer<W>>),
}

impl<W: Write> Out<W> {
    fn triple(
        &mut self,
        subject: impl Into<NamedOrBlankNode>,
        predicate: NamedNode,
        object: impl Into<Term>,
    ) -> io::Result<()> {
        let triple = Triple::new(subject, predicate, object);
        match self {
            Out::NTriples(s) => s.serialize_triple(&triple),
            Out::Turtle(s) => s.serialize_triple(&triple),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Out::NTriples(s) => {
                s.finish();
                Ok(())
            }
            Out::Turtle(s) => s.finish().map(drop),
        }
    }
}

pub(crate) fn write(
    view: &View<'_>,
    syntax: Syntax,
    reification: Reification,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut out = match syntax {
        Syntax::NTriples => Out::NTriples(NTriplesSerializer::new().for_writer(out)),
        Syntax::Turtle => {
            let mut serializer = TurtleSerializer::new();
            for (prefix, iri) in PREFIXES {
                serializer = serializer
                    .with_prefix(prefix, iri)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
            }
            Out::Turtle(Box::new(serializer.for_writer(out)))
        }
    };
    for node in &view.nodes {
        write_node(&mut out, &node.to_node())?;
    }
    for rel in &view.relationships {
        write_relationship(&mut out, rel, reification)?;
    }
    out.finish()
}

/// Source `i` of the node or relationship `owner`: `source:n17-0`,
/// `source:r40-0`.
fn source_iri(owner: &NamedNode, i: usize) -> NamedNode {
    let (kind, id) = match owner.as_str().strip_prefix(NODE) {
        Some(id) => ('n', id),
        None => ('r', owner.as_str().strip_prefix(REL).unwrap_or_default()),
    };
    NamedNode::new_unchecked(format!("{SOURCE}{kind}{id}-{i}"))
}

pub(crate) fn node_iri(id: u64) -> NamedNode {
    NamedNode::new_unchecked(format!("{NODE}{id}"))
}

pub(crate) fn rel_iri(id: u64) -> NamedNode {
    NamedNode::new_unchecked(format!("{REL}{id}"))
}

fn write_node<W: Write>(out: &mut Out<W>, node: &Node) -> io::Result<()> {
    let me = node_iri(node.id.0);
    for label in &node.labels {
        out.triple(me.clone(), rdf::TYPE.into_owned(), named(LABEL, label))?;
    }
    out.triple(me.clone(), term("id"), integer(node.id.0))?;
    write_details(out, &me, &node.properties, node.key.as_deref(), &node.sources)
}

fn write_relationship<W: Write>(
    out: &mut Out<W>,
    rel: &RelView<'_>,
    reification: Reification,
) -> io::Result<()> {
    let (start, predicate, end) = (
        node_iri(rel.start.0),
        named(TYPE, rel.rel_type),
        node_iri(rel.end.0),
    );
    out.triple(start.clone(), predicate.clone(), end.clone())?;
    let me = rel_iri(rel.id.0);
    match reification {
        Reification::Star => {
            let quoted = Triple::new(start, predicate, end);
            out.triple(
                me.clone(),
                rdf::REIFIES.into_owned(),
                Term::Triple(Box::new(quoted)),
            )?;
        }
        Reification::Plain => {
            out.triple(me.clone(), rdf::TYPE.into_owned(), rdf::STATEMENT.into_owned())?;
            out.triple(me.clone(), rdf::SUBJECT.into_owned(), start)?;
            out.triple(me.clone(), rdf::PREDICATE.into_owned(), predicate)?;
            out.triple(me.clone(), rdf::OBJECT.into_owned(), end)?;
        }
    }
    out.triple(me.clone(), term("id"), integer(rel.id.0))?;
    write_details(out, &me, rel.properties, rel.key, rel.sources)
}

fn write_details<W: Write>(
    out: &mut Out<W>,
    me: &NamedNode,
    properties: &Properties,
    key: Option<&str>,
    sources: &[Source],
) -> io::Result<()> {
    for (name, value) in properties {
        out.triple(me.clone(), named(PROP, name), literal(value))?;
    }
    if let Some(key) = key {
        out.triple(me.clone(), term("key"), Literal::new_simple_literal(key))?;
    }
    // The links first, so that Turtle groups them under the element.
    for i in 0..sources.len() {
        out.triple(me.clone(), term("source"), source_iri(me, i))?;
    }
    for (i, source) in sources.iter().enumerate() {
        let b = source_iri(me, i);
        out.triple(b.clone(), term("position"), integer(i as u64))?;
        match source {
            Source::Sentence {
                document,
                index,
                span,
            } => {
                out.triple(
                    b.clone(),
                    term("document"),
                    Literal::new_simple_literal(document.as_str()),
                )?;
                out.triple(b.clone(), term("sentence"), integer(u64::from(*index)))?;
                if let Some((a, z)) = span {
                    out.triple(b.clone(), term("spanStart"), integer(u64::from(*a)))?;
                    out.triple(b.clone(), term("spanEnd"), integer(u64::from(*z)))?;
                }
            }
            Source::External { note } => {
                out.triple(
                    b.clone(),
                    term("note"),
                    Literal::new_simple_literal(note.as_str()),
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_encode_and_decode() {
        for name in ["Actor", "first name", "ünïcode/#%", ""] {
            assert_eq!(decode(&encode(name)).as_deref(), Some(name));
        }
        assert_eq!(encode("REPORTED_IN"), "REPORTED_IN");
        assert_eq!(decode("%zz"), None);
    }
}
