//! JSON Lines: one JSON object per line, every detail of every element.
//!
//! The first line is a header (`{"format":"attest-jsonl","version":1}`),
//! then the nodes, then the relationships, each in id order:
//!
//! ```text
//! {"type":"node","id":1,"labels":["Actor"],"properties":{"name":"Ash Carter"},"sources":[{"document":"article","sentence":2}],"key":"carter"}
//! {"type":"relationship","id":4,"rel_type":"AGENT","start":3,"end":1,"properties":{},"sources":[],"key":null}
//! ```
//!
//! Property values: strings, booleans, integers and floats as JSON (a float
//! always with a `.` or exponent, so `2.0` stays a float), lists as arrays,
//! and the rest tagged: `{"$date":"2016-06-16"}`, `{"$map":{…}}`,
//! `{"$float":"NaN"}` (and `"Infinity"`, `"-Infinity"`). Sources are
//! `{"document":D,"sentence":I}` with an optional `"span":[START,END]`, or
//! `{"external":NOTE}`. This file also decodes those lines, for the JSONL
//! import (`import::jsonl`).

use super::View;
use crate::model::{Date, Node, NodeId, Properties, RelId, RelView, Relationship, Source, Value};
use serde_json::{Map, Value as Json, json};
use std::io::{self, Write};

/// The header line's `format`.
pub(crate) const FORMAT: &str = "attest-jsonl";
/// The version this code writes and reads.
pub(crate) const VERSION: u64 = 1;

pub(crate) fn write(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", json!({"format": FORMAT, "version": VERSION}))?;
    for node in &view.nodes {
        writeln!(out, "{}", node_json(&node.to_node()))?;
    }
    for rel in &view.relationships {
        writeln!(out, "{}", relationship_json(rel))?;
    }
    Ok(())
}

fn node_json(node: &Node) -> Json {
    json!({
        "type": "node",
        "id": node.id.0,
        "labels": node.labels,
        "properties": properties_json(&node.properties),
        "sources": node.sources.iter().map(source_json).collect::<Vec<_>>(),
        "key": node.key,
    })
}

fn relationship_json(rel: &RelView<'_>) -> Json {
    json!({
        "type": "relationship",
        "id": rel.id.0,
        "rel_type": rel.rel_type,
        "start": rel.start.0,
        "end": rel.end.0,
        "properties": properties_json(rel.properties),
        "sources": rel.sources.iter().map(source_json).collect::<Vec<_>>(),
        "key": rel.key,
    })
}

fn properties_json(properties: &Properties) -> Json {
    Json::Object(
        properties
            .iter()
            .map(|(k, v)| (k.clone(), value_json(v)))
            .collect(),
    )
}

/// A storable value as JSON (graph references, which cannot be stored,
/// become null).
pub(crate) fn value_json(value: &Value) -> Json {
    match value {
        Value::Null | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!(i),
        Value::Float(f) if f.is_finite() => json!(f),
        Value::Float(f) => {
            let name = if f.is_nan() {
                "NaN"
            } else if *f > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            json!({"$float": name})
        }
        Value::String(s) => Json::String(s.to_string()),
        Value::Date(d) => json!({"$date": d.to_string()}),
        Value::List(items) => Json::Array(items.iter().map(value_json).collect()),
        Value::Map(entries) => {
            let inner: Map<String, Json> = entries.iter().map(|(k, v)| (k.clone(), value_json(v))).collect();
            json!({"$map": inner})
        }
    }
}

fn source_json(source: &Source) -> Json {
    match source {
        Source::Sentence {
            document,
            index,
            span: None,
        } => json!({"document": document, "sentence": index}),
        Source::Sentence {
            document,
            index,
            span: Some((a, b)),
        } => json!({"document": document, "sentence": index, "span": [a, b]}),
        Source::External { note } => json!({"external": note}),
    }
}

/// One decoded line.
#[derive(Debug, PartialEq)]
pub(crate) enum Line {
    Header,
    Node(Node),
    Relationship(Relationship),
}

/// Decodes one line's JSON; the error says what is wrong, in words.
pub(crate) fn parse_line(line: &Json) -> Result<Line, String> {
    let object = line.as_object().ok_or("a line must be a JSON object")?;
    if let Some(format) = object.get("format") {
        if format.as_str() != Some(FORMAT) {
            return Err(format!(
                "the header's `format` must be \"{FORMAT}\", not {format}"
            ));
        }
        return match object.get("version").and_then(Json::as_u64) {
            Some(VERSION) => Ok(Line::Header),
            other => Err(format!(
                "version {} of the format is not supported (this Attest reads version {VERSION})",
                other.map_or("(none)".to_string(), |v| v.to_string())
            )),
        };
    }
    let field = |name: &str| {
        object
            .get(name)
            .ok_or_else(|| format!("the object has no `{name}`"))
    };
    let id = |name: &str| -> Result<u64, String> {
        field(name)?
            .as_u64()
            .filter(|id| *id > 0 && *id <= i64::MAX as u64)
            .ok_or_else(|| format!("`{name}` must be an id: an integer from 1 to {}", i64::MAX))
    };
    let properties = match object.get("properties") {
        None | Some(Json::Null) => Properties::new(),
        Some(Json::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                value_from_json(v)
                    .map(|v| (k.clone(), v))
                    .map_err(|e| format!("property `{k}`: {e}"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`properties` must be an object".into()),
    };
    let sources = match object.get("sources") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.iter().map(source_from_json).collect::<Result<_, _>>()?,
        Some(_) => return Err("`sources` must be an array".into()),
    };
    let key = match object.get("key") {
        None | Some(Json::Null) => None,
        Some(Json::String(k)) => Some(k.clone()),
        Some(_) => return Err("`key` must be a string or null".into()),
    };
    let string = |name: &str| -> Result<String, String> {
        field(name)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("`{name}` must be a string"))
    };
    match field("type")?.as_str() {
        Some("node") => {
            let labels = match field("labels")? {
                Json::Array(items) => items
                    .iter()
                    .map(|l| l.as_str().map(str::to_string).ok_or("`labels` must hold strings"))
                    .collect::<Result<_, _>>()?,
                _ => return Err("`labels` must be an array of strings".into()),
            };
            Ok(Line::Node(Node {
                id: NodeId(id("id")?),
                labels,
                properties,
                sources: sources.into(),
                key,
            }))
        }
        Some("relationship") => Ok(Line::Relationship(Relationship {
            id: RelId(id("id")?),
            rel_type: string("rel_type")?,
            start: NodeId(id("start")?),
            end: NodeId(id("end")?),
            properties,
            sources,
            key,
        })),
        _ => Err("`type` must be \"node\" or \"relationship\"".into()),
    }
}

/// A property value from its JSON encoding (see the module docs).
pub(crate) fn value_from_json(json: &Json) -> Result<Value, String> {
    Ok(match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None if n.is_u64() => return Err(format!("{n} is too large for an integer")),
            None => Value::Float(
                n.as_f64()
                    .ok_or_else(|| format!("{n} is not a number Attest holds"))?,
            ),
        },
        Json::String(s) => Value::from(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(value_from_json).collect::<Result<_, _>>()?),
        Json::Object(map) if map.len() == 1 => {
            let (tag, inner) = map.iter().next().ok_or("an empty object is not a value")?;
            match (tag.as_str(), inner) {
                ("$date", Json::String(s)) => {
                    Value::Date(Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))?)
                }
                ("$float", Json::String(s)) => Value::Float(match s.as_str() {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    "-Infinity" => f64::NEG_INFINITY,
                    _ => return Err(format!("`{s}` is not NaN, Infinity or -Infinity")),
                }),
                ("$map", Json::Object(entries)) => Value::Map(Box::new(
                    entries
                        .iter()
                        .map(|(k, v)| value_from_json(v).map(|v| (k.clone(), v)))
                        .collect::<Result<_, _>>()?,
                )),
                _ => {
                    return Err(format!(
                        "unknown tagged value `{tag}` (one of $date, $float, $map)"
                    ));
                }
            }
        }
        Json::Object(_) => {
            return Err("an object value must be tagged: {\"$date\": …}, {\"$map\": {…}}".into());
        }
    })
}

fn source_from_json(json: &Json) -> Result<Source, String> {
    let bad = || {
        format!(
            "a source is {{\"document\": D, \"sentence\": I, \"span\": [A, B]}} or {{\"external\": NOTE}}, not {json}"
        )
    };
    let object = json.as_object().ok_or_else(bad)?;
    if let Some(note) = object.get("external") {
        return Ok(Source::External {
            note: note.as_str().ok_or_else(bad)?.to_string(),
        });
    }
    let document = object.get("document").and_then(Json::as_str).ok_or_else(bad)?;
    let index = object
        .get("sentence")
        .and_then(Json::as_u64)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or_else(bad)?;
    let span = match object.get("span") {
        None | Some(Json::Null) => None,
        Some(Json::Array(ends)) if ends.len() == 2 => {
            let end = |j: &Json| j.as_u64().and_then(|i| u32::try_from(i).ok()).ok_or_else(bad);
            Some((end(&ends[0])?, end(&ends[1])?))
        }
        Some(_) => return Err(bad()),
    };
    Ok(Source::Sentence {
        document: document.to_string(),
        index,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_types() {
        let values = [
            Value::Int(-3),
            Value::Float(2.0),
            Value::Float(f64::INFINITY),
            Value::from("2016-06-16"),
            Value::Date(Date::parse("2016-06-16").unwrap()),
            Value::from(vec!["a", "b"]),
            Value::Map(Box::new([("k".to_string(), Value::Bool(true))].into())),
        ];
        for v in values {
            let text = value_json(&v).to_string();
            let back = value_from_json(&serde_json::from_str(&text).unwrap()).unwrap();
            assert_eq!(back, v, "{text}");
        }
        let nan = value_from_json(&value_json(&Value::Float(f64::NAN))).unwrap();
        assert!(matches!(nan, Value::Float(f) if f.is_nan()));
    }

    #[test]
    fn a_node_line_decodes_to_the_node() {
        let node = Node {
            id: NodeId(7),
            labels: ["Actor"].into(),
            properties: [("name".to_string(), Value::from("Ash Carter"))].into(),
            sources: vec![
                Source::Sentence {
                    document: "article".into(),
                    index: 6,
                    span: Some((0, 40)),
                },
                Source::External {
                    note: "archive".into(),
                },
            ]
            .into(),
            key: Some("carter".into()),
        };
        assert_eq!(parse_line(&node_json(&node)), Ok(Line::Node(node)));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let cases = [
            (r#"[1]"#, "must be a JSON object"),
            (r#"{"type":"node","id":0,"labels":[]}"#, "`id` must be an id"),
            (
                r#"{"type":"node","id":1,"labels":"Actor"}"#,
                "`labels` must be an array",
            ),
            (r#"{"type":"edge","id":1}"#, "`type` must be"),
            (
                r#"{"type":"node","id":1,"labels":[],"properties":{"d":{"$date":"2016-13-01"}}}"#,
                "property `d`: `2016-13-01` is not a date",
            ),
            (r#"{"format":"attest-jsonl","version":9}"#, "version 9"),
            (
                r#"{"type":"node","id":1,"labels":[],"sources":[{"document":"a"}]}"#,
                "a source is",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_line(&serde_json::from_str(text).unwrap()).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
