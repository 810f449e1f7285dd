//! CSV export: the bulk-import layout of docs/interchange.md, so that
//! `attest import --csv DIR` reads it back with the same node ids, and Kuzu
//! (`COPY … FROM`) and, after a header rewrite, Neo4j's admin import load
//! it (docs/interop.md).
//!
//! One file per label (`Actor.csv`: `id` then the properties) and per
//! relationship type (`AGENT.csv`: `from,to` then the properties); a type
//! joining several pairs of labels gets one file per pair
//! (`REPORTED_IN.Event.Document.csv`), as Kuzu's `COPY` wants. Columns
//! holding integers, floats, booleans or dates are typed in the header
//! (`date:date`), so that a schemaless store gets the types back too.
//! `manifest.json` lists every file with its label or type, the labels a
//! relationship file joins, its columns and row count.
//!
//! Lists of one scalar type are typed `name:string[]` (`int[]`, …) with
//! their elements separated by `;`, Neo4j's array syntax.
//!
//! Everything is checked before a file is written: what the layout cannot
//! hold (a node with several labels or none, maps, lists that are empty,
//! mixed or hold a `;`, empty strings, which CSV cannot tell from absent
//! values, infinite floats, a property with values of two types in one
//! file, names that cannot be file names) is refused with the element
//! named.

use super::{ExportReport, View, io_error};
use crate::error::{Error, ErrorClass, Result};
use crate::graph::NodeView;
use crate::import::LIST_SEPARATOR;
use crate::model::{Properties, RelView, Value};
use serde_json::{Map, json};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// What one file holds.
struct Plan {
    name: String,
    /// `(label)` for a node file, `(type, start label, end label)` for a
    /// relationship file.
    kind: Kind,
    /// Property columns in order, with their header type (`None`: string).
    columns: Vec<(String, Option<&'static str>)>,
    rows: u64,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Node(String),
    Rel(String, String, String),
}

pub(crate) fn write(view: &View<'_>, dir: &Path) -> Result<ExportReport> {
    let plans = plan(view)?;
    let manifest_path = dir.join(crate::import::MANIFEST);
    if manifest_path.exists() {
        return Err(Error::query(
            ErrorClass::ArgumentError,
            format!(
                "{} already holds an export ({} exists); choose a new directory",
                dir.display(),
                crate::import::MANIFEST
            ),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(&dir.display().to_string(), e))?;
    let mut writers = BTreeMap::new();
    for (kind, plan) in &plans {
        let path = dir.join(&plan.name);
        let file = File::create(&path).map_err(|e| io_error(&path.display().to_string(), e))?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        let mut header: Vec<String> = match kind {
            Kind::Node(_) => vec!["id".into()],
            Kind::Rel(..) => vec!["from".into(), "to".into()],
        };
        header.extend(plan.columns.iter().map(|(name, ty)| match ty {
            Some(ty) => format!("{name}:{ty}"),
            None => name.clone(),
        }));
        writer.write_record(&header).map_err(|e| csv_error(&path, e))?;
        writers.insert(kind.clone(), (writer, header, path));
    }
    let label_of = |node: &NodeView| node.labels.first().cloned().unwrap_or_default();
    let labels: BTreeMap<_, _> = view.nodes.iter().map(|n| (n.id, label_of(n))).collect();
    for node in &view.nodes {
        let kind = Kind::Node(label_of(node));
        let (writer, _, path) = writers.get_mut(&kind).ok_or_else(changed)?;
        let mut record = vec![node.id.0.to_string()];
        record.extend(fields(&plans[&kind], &node.properties()));
        writer.write_record(&record).map_err(|e| csv_error(path, e))?;
    }
    for rel in &view.relationships {
        let kind = rel_kind(rel, &labels);
        let (writer, _, path) = writers.get_mut(&kind).ok_or_else(changed)?;
        let mut record = vec![rel.start.0.to_string(), rel.end.0.to_string()];
        record.extend(fields(&plans[&kind], rel.properties));
        writer.write_record(&record).map_err(|e| csv_error(path, e))?;
    }
    let mut files = Map::new();
    for (kind, (mut writer, header, path)) in writers {
        writer
            .flush()
            .map_err(|e| io_error(&path.display().to_string(), e))?;
        let plan = &plans[&kind];
        let entry = match &kind {
            Kind::Node(label) => {
                json!({"kind": "node", "label": label, "columns": header, "count": plan.rows})
            }
            Kind::Rel(t, from, to) => {
                json!({"kind": "rel", "type": t, "from": from, "to": to, "columns": header, "count": plan.rows})
            }
        };
        files.insert(plan.name.clone(), entry);
    }
    let names: Vec<String> = files.keys().cloned().collect();
    let manifest = json!({"format": "attest-csv", "version": 1, "files": files});
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Storage(e.to_string()))?;
    std::fs::write(&manifest_path, text + "\n")
        .map_err(|e| io_error(&manifest_path.display().to_string(), e))?;
    Ok(ExportReport {
        nodes: view.nodes.len() as u64,
        relationships: view.relationships.len() as u64,
        files: names,
    })
}

fn changed() -> Error {
    Error::Storage("the graph changed during the export".into())
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let path = path.display().to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io_error(&path, io),
        other => Error::Storage(format!("{path}: {other:?}")),
    }
}

fn rel_kind(rel: &RelView<'_>, labels: &BTreeMap<crate::model::NodeId, String>) -> Kind {
    let end = |id| labels.get(&id).cloned().unwrap_or_default();
    Kind::Rel(rel.rel_type.to_string(), end(rel.start), end(rel.end))
}

/// Which files, with which columns; refuses what the layout cannot hold.
fn plan(view: &View<'_>) -> Result<BTreeMap<Kind, Plan>> {
    let mut plans: BTreeMap<Kind, Plan> = BTreeMap::new();
    let mut types: BTreeMap<(Kind, String), &'static str> = BTreeMap::new();
    let refuse = |what: String, why: &str| {
        Err(Error::query(
            ErrorClass::ConstraintVerificationFailed,
            format!("cannot export {what} as CSV: {why}; export JSON Lines (--format jsonl) to keep it"),
        ))
    };
    let mut labels = BTreeMap::new();
    for node in &view.nodes {
        let what = format!("node {}", node.id.0);
        let label = match node.labels.as_slice() {
            [label] => label,
            [] => return refuse(what, "it has no label, and CSV files are per label"),
            _ => {
                return refuse(
                    what,
                    "it has several labels, and the CSV layout gives each node one",
                );
            }
        };
        if !file_safe(label) {
            return refuse(
                what,
                &format!("label `{label}` cannot be a file name (letters, digits, _ and -)"),
            );
        }
        labels.insert(node.id, label.clone());
        let kind = Kind::Node(label.clone());
        add(&mut plans, &mut types, kind, &node.properties(), &what)?;
    }
    for rel in &view.relationships {
        let what = format!("relationship {}", rel.id.0);
        if !file_safe(rel.rel_type) {
            return refuse(
                what,
                &format!(
                    "type `{}` cannot be a file name (letters, digits, _ and -)",
                    rel.rel_type
                ),
            );
        }
        let kind = rel_kind(rel, &labels);
        add(&mut plans, &mut types, kind, rel.properties, &what)?;
    }
    // A type joining one pair of labels is `TYPE.csv`; several pairs get a
    // file each.
    let mut pairs: BTreeMap<String, usize> = BTreeMap::new();
    for kind in plans.keys() {
        if let Kind::Rel(t, ..) = kind {
            *pairs.entry(t.clone()).or_default() += 1;
        }
    }
    for (kind, plan) in plans.iter_mut() {
        plan.name = match kind {
            Kind::Node(label) => format!("{label}.csv"),
            Kind::Rel(t, ..) if pairs[t] == 1 => format!("{t}.csv"),
            Kind::Rel(t, from, to) => format!("{t}.{from}.{to}.csv"),
        };
        plan.kind = kind.clone();
        plan.columns.sort();
        for (name, ty) in plan.columns.iter_mut() {
            *ty = match types[&(kind.clone(), name.clone())] {
                "string" => None,
                other => Some(other),
            };
        }
    }
    // A node label and a relationship type of the same name would share a
    // file name.
    let mut names = std::collections::BTreeSet::new();
    for plan in plans.values() {
        if !names.insert(plan.name.to_lowercase()) {
            return refuse(
                format!("file {}", plan.name),
                "a label and a relationship type (or two differing in case) would share the file",
            );
        }
    }
    Ok(plans)
}

fn add(
    plans: &mut BTreeMap<Kind, Plan>,
    types: &mut BTreeMap<(Kind, String), &'static str>,
    kind: Kind,
    properties: &Properties,
    what: &str,
) -> Result<()> {
    let plan = plans.entry(kind.clone()).or_insert_with(|| Plan {
        name: String::new(),
        kind: kind.clone(),
        columns: Vec::new(),
        rows: 0,
    });
    plan.rows += 1;
    for (name, value) in properties {
        let refuse = |why: String| {
            Err(Error::query(
                ErrorClass::ConstraintVerificationFailed,
                format!(
                    "cannot export {what} as CSV: property `{name}` {why}; export JSON Lines (--format jsonl) to keep it"
                ),
            ))
        };
        let ty = match column_type(value) {
            Ok(ty) => ty,
            Err(why) => return refuse(why),
        };
        if name.contains(':') || name == "id" || name == "from" || name == "to" {
            return refuse("has a name the CSV header reserves (`id`, `from`, `to`, or one with `:`)".into());
        }
        match types.get(&(kind.clone(), name.clone())) {
            None => {
                types.insert((kind.clone(), name.clone()), ty);
                plan.columns.push((name.clone(), None));
            }
            Some(seen) if *seen != ty => {
                return refuse(format!(
                    "holds {ty} values here but {seen} values elsewhere in the same file"
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The header type of a property value (`string`, `int`, …, `string[]`),
/// or why a CSV field cannot hold it.
fn column_type(value: &Value) -> std::result::Result<&'static str, String> {
    let Value::List(items) = value else {
        return scalar_type(value);
    };
    let mut element = None;
    for item in items {
        let ty = scalar_type(item).map_err(|why| format!("holds a value that {why}"))?;
        if let Value::String(s) = item
            && s.contains(LIST_SEPARATOR)
        {
            return Err(format!(
                "holds `{s}`, and `{LIST_SEPARATOR}` separates the elements of a list field"
            ));
        }
        if element.is_some_and(|e| e != ty) {
            return Err("is a list of values of several types, which a CSV column cannot type".into());
        }
        element = Some(ty);
    }
    match element {
        None => Err("is an empty list, which CSV cannot tell from absent".into()),
        Some("int") => Ok("int[]"),
        Some("float") => Ok("float[]"),
        Some("bool") => Ok("bool[]"),
        Some("date") => Ok("date[]"),
        Some(_) => Ok("string[]"),
    }
}

/// The header type of a scalar value, or why a field cannot hold it.
fn scalar_type(value: &Value) -> std::result::Result<&'static str, String> {
    Ok(match value {
        Value::String(s) if s.is_empty() => {
            return Err("is an empty string, which CSV cannot tell from absent".into());
        }
        Value::String(_) => "string",
        Value::Int(_) => "int",
        Value::Float(f) if !f.is_finite() => return Err(format!("is {f}, which the CSV layout cannot hold")),
        Value::Float(_) => "float",
        Value::Bool(_) => "bool",
        Value::Date(_) => "date",
        other => {
            return Err(format!(
                "is a {}, which the CSV layout cannot hold",
                other.type_name()
            ));
        }
    })
}

fn file_safe(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A row's property fields, in the plan's column order; empty for absent.
fn fields(plan: &Plan, properties: &Properties) -> Vec<String> {
    plan.columns
        .iter()
        .map(|(name, _)| match properties.get(name) {
            None => String::new(),
            Some(Value::List(items)) => {
                let texts: Vec<String> = items.iter().map(field).collect();
                texts.join(&LIST_SEPARATOR.to_string())
            }
            Some(other) => field(other),
        })
        .collect()
}

/// A scalar value as a field.
fn field(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Date(d) => d.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}
