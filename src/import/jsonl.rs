//! JSON Lines import: reads back what `export::jsonl` writes, with every
//! node id, relationship id, source and fact key, streaming the file once
//! per pass of the bulk write (nothing is held in memory but what the
//! check needs). Nodes must come before the relationships that join them,
//! as the export writes them. Errors name FILE:LINE:COLUMN.

use super::ImportReport;
use crate::db::{BulkElement, BulkRejection, BulkSource, Graph};
use crate::error::{Error, ErrorClass, Position, QueryError, Result};
use crate::export::jsonl::{Line, parse_line};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

/// Imports a JSON Lines export into `graph`: all of it or, on the first
/// error, none of it, as one entry in the store's log (`import FILE`).
/// Node and relationship ids are kept, so they must be new to the store
/// (import into a new store, as after `attest export --format jsonl`).
///
/// ```
/// use attest::db::Graph;
/// use attest::export::{ExportOptions, Format, Subgraph, write};
/// use attest::import::import_jsonl;
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven', born: date('1960-01-02')})-[:MEMBER_OF {since: 2.5}]->(:Actor {name: 'Rao'})")?;
/// let dir = tempfile::tempdir().unwrap();
/// let file = dir.path().join("graph.jsonl");
/// write(&graph, Format::Jsonl, &ExportOptions::default(), &mut std::fs::File::create(&file).unwrap())?;
///
/// let copy = Graph::in_memory();
/// let report = import_jsonl(&copy, &file)?;
/// assert_eq!((report.nodes, report.relationships), (2, 1));
/// assert_eq!(Subgraph::of(&copy), Subgraph::of(&graph));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn import_jsonl(graph: &Graph, path: &Path) -> Result<ImportReport> {
    import(graph, Input::File(path), &path.display().to_string())
}

/// [`import_jsonl`] from text in memory; `name` stands for the file in
/// errors and in the store's log.
///
/// ```
/// use attest::db::Graph;
/// use attest::export::{ExportOptions, Format, Subgraph, write};
/// use attest::import::import_jsonl_bytes;
///
/// let graph = Graph::in_memory();
/// graph.query("CREATE (:Actor {name: 'Kaven'})-[:MEMBER_OF]->(:Actor {name: 'Rao'})")?;
/// let mut text = Vec::new();
/// write(&graph, Format::Jsonl, &ExportOptions::default(), &mut text)?;
/// let copy = Graph::in_memory();
/// import_jsonl_bytes(&copy, &text, "copy")?;
/// assert_eq!(Subgraph::of(&copy), Subgraph::of(&graph));
///
/// let err = import_jsonl_bytes(&Graph::in_memory(), b"{\"type\": \"node\"", "bad").unwrap_err();
/// assert!(err.to_string().ends_with("(at bad:1:15)"), "{err}");
/// # Ok::<(), attest::Error>(())
/// ```
pub fn import_jsonl_bytes(graph: &Graph, text: &[u8], name: &str) -> Result<ImportReport> {
    import(graph, Input::Bytes(text), name)
}

fn import(graph: &Graph, input: Input<'_>, name: &str) -> Result<ImportReport> {
    let mut source = JsonlSource {
        input,
        name: name.to_string(),
        started: [None, None],
    };
    let info = graph.bulk_insert(&format!("import {name}"), &mut source)?;
    let done = Instant::now();
    Ok(super::report_of(name, info, source.started, done))
}

/// Where the lines come from.
enum Input<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

struct JsonlSource<'a> {
    input: Input<'a>,
    name: String,
    started: [Option<Instant>; 2],
}

impl JsonlSource<'_> {
    fn error(&self, line: usize, column: usize, class: ErrorClass, message: String) -> Error {
        let position = Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        };
        QueryError::new(class, message)
            .at(position)
            .in_file(&self.name)
            .into()
    }
}

impl BulkSource for JsonlSource<'_> {
    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> std::result::Result<(), BulkRejection>,
    ) -> Result<()> {
        self.started[0] = Some(Instant::now());
        let mut reader: Box<dyn BufRead + '_> = match self.input {
            Input::File(path) => {
                let file = File::open(path).map_err(|e| crate::export::io_error(&self.name, e))?;
                Box::new(BufReader::new(file))
            }
            Input::Bytes(bytes) => Box::new(bytes),
        };
        let mut text = String::new();
        let mut number = 0;
        let mut rows = 0;
        loop {
            text.clear();
            number += 1;
            match reader.read_line(&mut text) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    let message = "the line is not valid UTF-8".to_string();
                    return Err(self.error(number, 1, ErrorClass::SyntaxError, message));
                }
                Err(e) => return Err(crate::export::io_error(&self.name, e)),
            }
            let line = text.trim_end_matches(['\n', '\r']).trim_start_matches('\u{feff}');
            if line.trim().is_empty() {
                continue;
            }
            let json: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                self.error(
                    number,
                    e.column().max(1),
                    ErrorClass::SyntaxError,
                    format!("not JSON: {e}"),
                )
            })?;
            let element = match parse_line(&json) {
                Ok(Line::Header) if rows == 0 => continue,
                Ok(Line::Header) => {
                    let message = "a header line may only come first".to_string();
                    return Err(self.error(number, 1, ErrorClass::SyntaxError, message));
                }
                Ok(Line::Node(node)) => BulkElement::Node {
                    id: node.id,
                    labels: node.labels,
                    properties: node.properties,
                    sources: node.sources.into_vec(),
                    key: node.key,
                },
                Ok(Line::Relationship(rel)) => BulkElement::Relationship {
                    id: Some(rel.id),
                    rel_type: rel.rel_type.into(),
                    start: rel.start,
                    end: rel.end,
                    properties: rel.properties,
                    sources: rel.sources,
                    key: rel.key,
                },
                Err(message) => return Err(self.error(number, 1, ErrorClass::SyntaxError, message)),
            };
            rows += 1;
            if let Err(rejection) = sink(element) {
                return Err(match rejection.error {
                    Error::Query(q) => {
                        let message = match &rejection.field {
                            Some(field) => format!("{} ({})", q.message, super::field_name(field)),
                            None => q.message,
                        };
                        self.error(number, 1, q.class, message)
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
