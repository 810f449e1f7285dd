//! Query results: columns and rows of self-contained values.
//!
//! The executor resolves graph references before the transaction ends, so a
//! result owns everything it shows: a node comes with its labels and
//! properties, a path with its nodes and relationships. Results serialise
//! (serde) in the value encoding of the conformance contract
//! (`../shared/tck/README.md`), print as aligned tables, CSV or Markdown.

use crate::db::ChangeStats;
use crate::model::{Date, NodeId, Properties, RelId, Value, value_fmt_float, write_list, write_map};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A node as a result shows it: its state when the statement ended. A node
/// the statement deleted keeps its id and shows no labels or properties.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeValue {
    /// The node's stable id.
    pub id: NodeId,
    /// Its labels, in the order they were added.
    pub labels: Vec<String>,
    /// Its properties.
    pub properties: Properties,
}

/// A relationship as a result shows it: its state when the statement
/// ended. A relationship the statement deleted keeps its id and shows an
/// empty type, no properties, and node id 0 at both ends.
#[derive(Clone, Debug, PartialEq)]
pub struct RelValue {
    /// The relationship's stable id.
    pub id: RelId,
    /// Its type.
    pub rel_type: String,
    /// The node it starts at.
    pub start: NodeId,
    /// The node it points to.
    pub end: NodeId,
    /// Its properties.
    pub properties: Properties,
}

/// One value of a result row.
#[derive(Clone, Debug, PartialEq)]
pub enum ResultValue {
    /// Null; JSON `null`.
    Null,
    /// A boolean; JSON `true` / `false`.
    Bool(bool),
    /// An integer; a JSON number.
    Int(i64),
    /// A float; a JSON number, or `{"$float": "NaN"}` (`"Infinity"`,
    /// `"-Infinity"`) for the values JSON cannot hold.
    Float(f64),
    /// A string; a JSON string.
    String(String),
    /// A date; a JSON string `YYYY-MM-DD`.
    Date(Date),
    /// A list; a JSON array.
    List(Vec<ResultValue>),
    /// A map; JSON `{"$map": {...}}`.
    Map(BTreeMap<String, ResultValue>),
    /// A node with its labels and properties; JSON `{"$node": {...}}`.
    Node(NodeValue),
    /// A relationship with its type, ends and properties; JSON
    /// `{"$rel": {...}}`.
    Relationship(RelValue),
    /// Nodes and relationships alternating; `nodes.len() == rels.len() + 1`.
    /// JSON `{"$path": [...]}`.
    Path {
        /// The nodes in path order.
        nodes: Vec<NodeValue>,
        /// The relationships in path order: `rels[i]` joins `nodes[i]` and
        /// `nodes[i + 1]`, pointing either way.
        rels: Vec<RelValue>,
    },
}

impl ResultValue {
    /// A plain value (no graph references) as a result value.
    pub fn from_plain(value: &Value) -> ResultValue {
        match value {
            Value::Null | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => ResultValue::Null,
            Value::Bool(b) => ResultValue::Bool(*b),
            Value::Int(i) => ResultValue::Int(*i),
            Value::Float(f) => ResultValue::Float(*f),
            Value::String(s) => ResultValue::String(s.to_string()),
            Value::Date(d) => ResultValue::Date(*d),
            Value::List(items) => ResultValue::List(items.iter().map(ResultValue::from_plain).collect()),
            Value::Map(m) => ResultValue::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), ResultValue::from_plain(v)))
                    .collect(),
            ),
        }
    }

    /// The value as an integer, if it is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            ResultValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ResultValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// What a statement returned.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueryResult {
    /// Column names: the alias, or the expression as written.
    pub columns: Vec<String>,
    /// The rows, each with one value per column, in column order; empty
    /// for a statement that returns nothing.
    pub rows: Vec<Vec<ResultValue>>,
    /// Side effects of a writing statement.
    pub stats: ChangeStats,
    /// Notices that did not stop the statement, e.g. a label no node has
    /// in an open store, with the nearest one that exists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// For `EXPLAIN` / `PROFILE`: the plan as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Wall time of parse, plan and execution.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl QueryResult {
    /// The values of one column, by name.
    pub fn column(&self, name: &str) -> Option<Vec<&ResultValue>> {
        let i = self.columns.iter().position(|c| c == name)?;
        Some(self.rows.iter().map(|r| &r[i]).collect())
    }

    /// One JSON line of the conformance contract:
    /// `{"columns": [...], "rows": [[...]], "stats": {...}}`, without the
    /// plan and the time. Values are encoded as [`ResultValue`] describes.
    ///
    /// ```
    /// use attest::db::Graph;
    ///
    /// let graph = Graph::in_memory();
    /// let result = graph.query(
    ///     "CREATE (a:Actor {name: 'Russia'}) RETURN a.name AS name, date('2016-06-18') AS day",
    /// )?;
    /// assert!(result.to_json_line().starts_with(
    ///     r#"{"columns":["name","day"],"rows":[["Russia","2016-06-18"]],"stats":{"nodes_created":1,"#
    /// ));
    ///
    /// // Graph elements are tagged objects.
    /// let result = graph.query("MATCH (a:Actor) RETURN a")?;
    /// assert!(result.to_json_line().contains(
    ///     r#""rows":[[{"$node":{"id":1,"labels":["Actor"],"properties":{"name":"Russia"}}}]]"#
    /// ));
    /// # Ok::<(), attest::Error>(())
    /// ```
    pub fn to_json_line(&self) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            columns: &'a [String],
            rows: &'a [Vec<ResultValue>],
            stats: &'a ChangeStats,
        }
        serde_json::to_string(&Line {
            columns: &self.columns,
            rows: &self.rows,
            stats: &self.stats,
        })
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot encode result: {e}\"}}"))
    }
}

impl Serialize for ResultValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ResultValue::Null => s.serialize_unit(),
            ResultValue::Bool(b) => s.serialize_bool(*b),
            ResultValue::Int(i) => s.serialize_i64(*i),
            ResultValue::Float(f) if f.is_finite() => s.serialize_f64(*f),
            ResultValue::Float(f) => {
                let text = if f.is_nan() {
                    "NaN"
                } else if *f > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                };
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$float", text)?;
                map.end()
            }
            ResultValue::String(text) => s.serialize_str(text),
            ResultValue::Date(d) => s.serialize_str(&d.to_string()),
            ResultValue::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            ResultValue::Map(entries) => {
                // A map whose only key starts with `$` would read as a tagged
                // value; the contract says to wrap it.
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$map", &PlainMap(entries))?;
                map.end()
            }
            ResultValue::Node(n) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$node", &NodeJson(n))?;
                map.end()
            }
            ResultValue::Relationship(r) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$rel", &RelJson(r, None))?;
                map.end()
            }
            ResultValue::Path { nodes, rels } => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$path", &PathJson(nodes, rels))?;
                map.end()
            }
        }
    }
}

struct PlainMap<'a>(&'a BTreeMap<String, ResultValue>);
impl Serialize for PlainMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct PropsJson<'a>(&'a Properties);
impl Serialize for PropsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &ResultValue::from_plain(v))?;
        }
        map.end()
    }
}

struct NodeJson<'a>(&'a NodeValue);
impl Serialize for NodeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("id", &self.0.id.0)?;
        map.serialize_entry("labels", &self.0.labels)?;
        map.serialize_entry("properties", &PropsJson(&self.0.properties))?;
        map.end()
    }
}

/// A relationship; inside a path it also says which way it points.
struct RelJson<'a>(&'a RelValue, Option<&'static str>);
impl Serialize for RelJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.0.id.0)?;
        map.serialize_entry("type", &self.0.rel_type)?;
        map.serialize_entry("start", &self.0.start.0)?;
        map.serialize_entry("end", &self.0.end.0)?;
        map.serialize_entry("properties", &PropsJson(&self.0.properties))?;
        if let Some(dir) = self.1 {
            map.serialize_entry("dir", dir)?;
        }
        map.end()
    }
}

struct PathJson<'a>(&'a [NodeValue], &'a [RelValue]);
impl Serialize for PathJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len() + self.1.len()))?;
        for (i, node) in self.0.iter().enumerate() {
            seq.serialize_element(&NodeTagged(node))?;
            if let Some(rel) = self.1.get(i) {
                let dir = if rel.start == node.id { "->" } else { "<-" };
                seq.serialize_element(&RelTagged(rel, dir))?;
            }
        }
        seq.end()
    }
}

struct NodeTagged<'a>(&'a NodeValue);
impl Serialize for NodeTagged<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("$node", &NodeJson(self.0))?;
        map.end()
    }
}

struct RelTagged<'a>(&'a RelValue, &'static str);
impl Serialize for RelTagged<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("$rel", &RelJson(self.0, Some(self.1)))?;
        map.end()
    }
}

/// Cypher-like rendering for tables: `(:Actor {name: 'Russia'})`,
/// `[:AGENT]`, paths as `(a)-[:T]->(b)`.
impl fmt::Display for ResultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultValue::Null => f.write_str("null"),
            ResultValue::Bool(b) => write!(f, "{b}"),
            ResultValue::Int(i) => write!(f, "{i}"),
            ResultValue::Float(x) => value_fmt_float(*x, f),
            ResultValue::String(s) => write!(f, "{}", Value::from(s.as_str())),
            ResultValue::Date(d) => write!(f, "{d}"),
            ResultValue::List(items) => write_list(f, items),
            ResultValue::Map(entries) => write_map(f, entries),
            ResultValue::Node(n) => write_node(n, f),
            ResultValue::Relationship(r) => write_rel(r, f),
            ResultValue::Path { nodes, rels } => {
                for (i, node) in nodes.iter().enumerate() {
                    write_node(node, f)?;
                    if let Some(rel) = rels.get(i) {
                        let forward = rel.start == node.id;
                        f.write_str(if forward { "-" } else { "<-" })?;
                        write_rel(rel, f)?;
                        f.write_str(if forward { "->" } else { "-" })?;
                    }
                }
                Ok(())
            }
        }
    }
}

fn write_props(properties: &Properties, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if properties.is_empty() {
        return Ok(());
    }
    f.write_str(" ")?;
    write_map(f, properties)
}

fn write_node(n: &NodeValue, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("(")?;
    for l in &n.labels {
        write!(f, ":{l}")?;
    }
    write_props(&n.properties, f)?;
    f.write_str(")")
}

fn write_rel(r: &RelValue, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "[:{}", r.rel_type)?;
    write_props(&r.properties, f)?;
    f.write_str("]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_follows_the_conformance_encoding() {
        let node = NodeValue {
            id: NodeId(1),
            labels: vec!["A".into()],
            properties: Properties::new(),
        };
        let result = QueryResult {
            columns: vec!["x".into(), "n".into()],
            rows: vec![
                vec![ResultValue::Float(f64::NAN), ResultValue::Node(node)],
                vec![
                    ResultValue::Float(1.0),
                    ResultValue::Map(BTreeMap::from([("$k".to_string(), ResultValue::Int(1))])),
                ],
            ],
            ..QueryResult::default()
        };
        let line = result.to_json_line();
        assert!(line.contains(r#"{"$float":"NaN"}"#), "{line}");
        assert!(
            line.contains(r#"{"$node":{"id":1,"labels":["A"],"properties":{}}}"#),
            "{line}"
        );
        assert!(line.contains(r#"1.0"#), "{line}");
        assert!(line.contains(r#"{"$map":{"$k":1}}"#), "{line}");
        assert!(line.contains(r#""stats":{"nodes_created":0"#), "{line}");
    }

    #[test]
    fn paths_carry_directions() {
        let a = NodeValue {
            id: NodeId(1),
            labels: vec![],
            properties: Properties::new(),
        };
        let b = NodeValue {
            id: NodeId(2),
            labels: vec![],
            properties: Properties::new(),
        };
        let r = RelValue {
            id: RelId(5),
            rel_type: "T".into(),
            start: NodeId(2),
            end: NodeId(1),
            properties: Properties::new(),
        };
        let path = ResultValue::Path {
            nodes: vec![a, b],
            rels: vec![r],
        };
        let json = serde_json::to_string(&path).unwrap();
        assert!(json.contains(r#""dir":"<-""#), "{json}");
        assert_eq!(path.to_string(), "()<-[:T]-()");
    }
}
