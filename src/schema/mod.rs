//! Schema as data: labels, property types, vocabularies, relationship joins.
//!
//! This layer owns the rules a typed store enforces and nothing else: which
//! labels exist, which properties each may carry (type, required, unique,
//! vocabulary), and which relationship types may join which labels. A schema
//! is read from a TOML file ([`Schema::from_toml`]), stored inside the store,
//! and printed back ([`Schema::to_toml`]). The news ontology in
//! `data/schema.toml` is the default ([`Schema::news`]), not hard-wired: any
//! domain can bring its own file. The checks here are pure functions over
//! model types; the graph layer calls them from one place on every commit.
//! Calls only `crate::model` and `crate::error`.

mod file;

use crate::error::{ErrorClass, QueryError, nearest};
use crate::model::{Date, Properties, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The type a property's values must have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PropertyType {
    /// `string`
    String,
    /// `int` (or `integer`): a 64-bit integer.
    Int,
    /// `float`: a 64-bit float; integers are accepted and converted.
    Float,
    /// `bool` (or `boolean`)
    Bool,
    /// `date`: a calendar date; `YYYY-MM-DD` strings are accepted and
    /// converted.
    Date,
    /// `map`: a map; its entries are not typed.
    Map,
    /// Any storable value.
    Any,
    /// `list<T>`: a list whose every element has type `T`.
    List(Box<PropertyType>),
}

impl PropertyType {
    /// Parses the schema file's spelling: `string`, `int`, `list<string>`, ….
    pub fn parse(text: &str) -> Option<PropertyType> {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
            return PropertyType::parse(inner).map(|t| PropertyType::List(Box::new(t)));
        }
        Some(match text {
            "string" => PropertyType::String,
            "int" | "integer" => PropertyType::Int,
            "float" => PropertyType::Float,
            "bool" | "boolean" => PropertyType::Bool,
            "date" => PropertyType::Date,
            "map" => PropertyType::Map,
            "any" => PropertyType::Any,
            _ => return None,
        })
    }

    /// True when `value` is of this type as it is, needing no conversion
    /// (exactly the cases [`PropertyType::coerce`] returns a copy for).
    pub fn holds(&self, value: &Value) -> bool {
        match (self, value) {
            (PropertyType::Any, _)
            | (PropertyType::String, Value::String(_))
            | (PropertyType::Int, Value::Int(_))
            | (PropertyType::Float, Value::Float(_))
            | (PropertyType::Bool, Value::Bool(_))
            | (PropertyType::Date, Value::Date(_))
            | (PropertyType::Map, Value::Map(_)) => true,
            (PropertyType::List(inner), Value::List(items)) => items.iter().all(|item| inner.holds(item)),
            _ => false,
        }
    }

    /// Checks `value` against this type, converting where the conversion is
    /// lossless and unsurprising (an integer for a float property, an ISO
    /// `YYYY-MM-DD` string for a date property, as Kuzu does for DATE
    /// columns). Returns the value to store, or `None` when it does not fit.
    pub fn coerce(&self, value: &Value) -> Option<Value> {
        match (self, value) {
            (PropertyType::Any, v) => Some(v.clone()),
            (PropertyType::String, Value::String(_))
            | (PropertyType::Int, Value::Int(_))
            | (PropertyType::Float, Value::Float(_))
            | (PropertyType::Bool, Value::Bool(_))
            | (PropertyType::Date, Value::Date(_))
            | (PropertyType::Map, Value::Map(_)) => Some(value.clone()),
            (PropertyType::Float, Value::Int(i)) => Some(Value::Float(*i as f64)),
            (PropertyType::Date, Value::String(s)) => Date::parse(s).map(Value::Date),
            (PropertyType::List(inner), Value::List(items)) => items
                .iter()
                .map(|item| inner.coerce(item))
                .collect::<Option<Vec<_>>>()
                .map(|items| Value::List(items.into())),
            _ => None,
        }
    }
}

impl fmt::Display for PropertyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropertyType::String => f.write_str("string"),
            PropertyType::Int => f.write_str("int"),
            PropertyType::Float => f.write_str("float"),
            PropertyType::Bool => f.write_str("bool"),
            PropertyType::Date => f.write_str("date"),
            PropertyType::Map => f.write_str("map"),
            PropertyType::Any => f.write_str("any"),
            PropertyType::List(inner) => write!(f, "list<{inner}>"),
        }
    }
}

/// One declared property.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropertyDef {
    /// The type values must have (`type` in the file).
    pub value_type: PropertyType,
    /// Every node with the label must carry a non-null value by the end of
    /// each transaction. Only node properties are checked; the flag is
    /// accepted but not enforced on relationship properties.
    pub required: bool,
    /// No two nodes with this label share a value (nodes only).
    pub unique: bool,
    /// Name of the vocabulary the (string) values must come from.
    pub vocabulary: Option<String>,
    /// What the property means, for people; empty when the file gives none.
    pub doc: String,
}

/// A node label and its properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelDef {
    /// What the label stands for, for people; may be empty.
    pub doc: String,
    /// The properties nodes with this label may carry, by key.
    pub properties: BTreeMap<String, PropertyDef>,
}

/// A relationship type, the label pairs it may join, and its properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelTypeDef {
    /// What the relationship type means, for people; may be empty.
    pub doc: String,
    /// Allowed (start label, end label) pairs; `*` matches any label.
    pub joins: Vec<(String, String)>,
    /// The properties relationships of this type may carry, by key (never
    /// unique: the file format rejects `unique` here).
    pub properties: BTreeMap<String, PropertyDef>,
}

/// A complete schema. See the module documentation.
///
/// ```
/// use attest::schema::Schema;
/// let schema = Schema::news();
/// assert!(schema.labels.contains_key("Assertion"));
/// assert!(schema.vocabularies["certainty"].contains(&"hedged".to_string()));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The schema's name (`"news"` for the default), shown in messages.
    pub name: String,
    /// Named lists of allowed strings, which [`PropertyDef::vocabulary`]
    /// refers to.
    pub vocabularies: BTreeMap<String, Vec<String>>,
    /// The node labels, by name.
    pub labels: BTreeMap<String, LabelDef>,
    /// The relationship types, by name.
    pub relationships: BTreeMap<String, RelTypeDef>,
}

/// The default news ontology, bundled into the binary.
const NEWS_SCHEMA: &str = include_str!("../../data/schema.toml");

impl Schema {
    /// The default news ontology (`data/schema.toml`).
    pub fn news() -> Schema {
        // The bundled file is checked by a unit test; failing here would be a
        // build defect, not user input, so fall back to an empty schema
        // rather than panic.
        Schema::from_toml(NEWS_SCHEMA, "data/schema.toml").unwrap_or_else(|_| Schema::empty("news"))
    }

    /// A schema with nothing declared (every write fails): a base for tests.
    pub fn empty(name: &str) -> Schema {
        Schema {
            name: name.to_string(),
            vocabularies: BTreeMap::new(),
            labels: BTreeMap::new(),
            relationships: BTreeMap::new(),
        }
    }

    /// Reads a schema file (TOML, format 1). `file` names it in errors.
    ///
    /// # Errors
    /// A `SyntaxError` [`QueryError`] naming `file`: TOML that does not
    /// parse (with its position), another format version, an unknown type,
    /// vocabulary or label, or `unique` on a relationship property.
    ///
    /// # Example
    /// A small schema of one's own domain, and a node checked against it:
    ///
    /// ```
    /// use attest::model::{Properties, Value};
    /// use attest::schema::Schema;
    ///
    /// let schema = Schema::from_toml(
    ///     r#"
    /// format = 1
    /// name = "library"
    ///
    /// [vocabularies]
    /// genre = ["novel", "poetry", "essay"]
    ///
    /// [labels.Author.properties]
    /// name = { type = "string", required = true, unique = true }
    ///
    /// [labels.Book]
    /// doc = "A published book."
    /// [labels.Book.properties]
    /// title = { type = "string", required = true }
    /// genre = { type = "string", vocabulary = "genre" }
    /// published = { type = "date" }
    ///
    /// [relationships.WROTE]
    /// joins = [["Author", "Book"]]
    /// "#,
    ///     "library.toml",
    /// )?;
    /// assert_eq!(schema.unique_keys(), [("Author".to_string(), "name".to_string())]);
    ///
    /// let labels = vec!["Book".to_string()];
    /// let mut book = Properties::new();
    /// book.insert("title".into(), "Middlemarch".into());
    /// book.insert("published".into(), "1871-12-01".into());
    /// schema.check_node("node middlemarch", &labels, &mut book)?;
    /// // The ISO string was converted to a date.
    /// assert!(matches!(book.get("published"), Some(Value::Date(_))));
    ///
    /// // A word outside the vocabulary is refused, with a suggestion.
    /// book.insert("genre".into(), "novle".into());
    /// let err = schema.check_node("node middlemarch", &labels, &mut book).unwrap_err();
    /// assert!(err.message.contains("did you mean 'novel'"), "{err}");
    ///
    /// // Mistakes in the file itself name the file.
    /// let err = Schema::from_toml("format = 1\nname = 'x'\n[labels.A.properties]\nn = { type = 'text' }", "bad.toml")
    ///     .unwrap_err();
    /// assert_eq!(err.file.as_deref(), Some("bad.toml"));
    /// # Ok::<(), attest::QueryError>(())
    /// ```
    pub fn from_toml(text: &str, file: &str) -> Result<Schema, QueryError> {
        file::parse(text, file)
    }

    /// The schema as a TOML schema file (parses back to an equal schema).
    pub fn to_toml(&self) -> String {
        file::render(self)
    }

    /// Every `(label, property)` pair declared unique.
    pub fn unique_keys(&self) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        for (label, def) in &self.labels {
            for (prop, p) in &def.properties {
                if p.unique {
                    keys.push((label.clone(), prop.clone()));
                }
            }
        }
        keys
    }

    /// For each relationship type, the labels its start node and its end
    /// node always carry, whichever of its joins it uses (`*` guarantees
    /// nothing). In the news schema every `AGENT` starts at an `Event` and
    /// ends at an `Actor`, so a query need not check those labels.
    ///
    /// ```
    /// use attest::schema::Schema;
    /// let implied = Schema::news().join_labels();
    /// assert_eq!(implied["AGENT"], [vec!["Event".to_string()], vec!["Actor".to_string()]]);
    /// assert_eq!(implied["VIA"][1], Vec::<String>::new()); // an Actor or an Event
    /// ```
    pub fn join_labels(&self) -> BTreeMap<String, [Vec<String>; 2]> {
        let common = |ends: Vec<&String>| -> Vec<String> {
            match ends.split_first() {
                Some((first, rest)) if first.as_str() != "*" && rest.iter().all(|e| e == first) => {
                    vec![(*first).clone()]
                }
                _ => Vec::new(),
            }
        };
        self.relationships
            .iter()
            .map(|(rel_type, def)| {
                let starts = common(def.joins.iter().map(|(s, _)| s).collect());
                let ends = common(def.joins.iter().map(|(_, e)| e).collect());
                (rel_type.clone(), [starts, ends])
            })
            .collect()
    }

    /// Checks a node's labels and property values, converting values where
    /// [`PropertyType::coerce`] allows. Required properties are checked
    /// separately ([`Schema::check_required`]) because a statement may create
    /// a node and set its properties in later clauses.
    pub fn check_node(
        &self,
        what: &str,
        labels: &[String],
        properties: &mut Properties,
    ) -> Result<(), QueryError> {
        if labels.is_empty() {
            return Err(violation(
                what,
                "every node in a typed store has at least one label",
            ));
        }
        for label in labels {
            if !self.labels.contains_key(label) {
                return Err(self.unknown_label(what, label));
            }
        }
        for (key, value) in properties.iter_mut() {
            let def = labels
                .iter()
                .filter_map(|l| self.labels[l].properties.get(key))
                .next()
                .ok_or_else(|| {
                    let known = labels.iter().flat_map(|l| self.labels[l].properties.keys());
                    unknown_property(what, &labels.join(":"), key, known.map(String::as_str))
                })?;
            self.check_value(what, key, def, value)?;
        }
        Ok(())
    }

    /// Checks that a node carries every property its labels require.
    pub fn check_required(
        &self,
        what: &str,
        labels: &[String],
        properties: &Properties,
    ) -> Result<(), QueryError> {
        for label in labels {
            let Some(def) = self.labels.get(label) else {
                continue;
            };
            for (key, p) in &def.properties {
                if p.required && properties.get(key).is_none_or(Value::is_null) {
                    return Err(violation(what, &format!("{label}.{key} is required")));
                }
            }
        }
        Ok(())
    }

    /// Checks that a relationship carries every property its type requires.
    pub fn check_required_relationship(
        &self,
        what: &str,
        rel_type: &str,
        properties: &Properties,
    ) -> Result<(), QueryError> {
        let Some(def) = self.relationships.get(rel_type) else {
            return Ok(());
        };
        for (key, p) in &def.properties {
            if p.required && properties.get(key).is_none_or(Value::is_null) {
                return Err(violation(what, &format!("{rel_type}.{key} is required")));
            }
        }
        Ok(())
    }

    /// Checks a relationship: its type, the labels it joins, its properties.
    pub fn check_relationship(
        &self,
        what: &str,
        rel_type: &str,
        start_labels: &[String],
        end_labels: &[String],
        properties: &mut Properties,
    ) -> Result<(), QueryError> {
        let Some(def) = self.relationships.get(rel_type) else {
            let mut message = format!("relationship type `{rel_type}` is not in schema `{}`", self.name);
            if let Some(near) = nearest(rel_type, self.relationships.keys().map(String::as_str)) {
                message.push_str(&format!("; did you mean `{near}`?"));
            }
            return Err(violation(what, &message));
        };
        let joins = |pattern: &str, labels: &[String]| pattern == "*" || labels.iter().any(|l| l == pattern);
        if !def
            .joins
            .iter()
            .any(|(s, e)| joins(s, start_labels) && joins(e, end_labels))
        {
            let allowed: Vec<String> = def.joins.iter().map(|(s, e)| format!("({s})->({e})")).collect();
            return Err(violation(
                what,
                &format!(
                    "`{rel_type}` may not join (:{})->(:{}); it joins {}",
                    start_labels.join(":"),
                    end_labels.join(":"),
                    allowed.join(", ")
                ),
            ));
        }
        for (key, value) in properties.iter_mut() {
            let Some(p) = def.properties.get(key) else {
                return Err(unknown_property(
                    what,
                    rel_type,
                    key,
                    def.properties.keys().map(String::as_str),
                ));
            };
            self.check_value(what, key, p, value)?;
        }
        Ok(())
    }

    /// Checks `value` against `def`, converting it in place where the type
    /// allows (an int to a float, a date string to a date). A value already
    /// of its type is left alone: the import checks every field of every
    /// row, and copying each string to check it had been a tenth of the
    /// import's time.
    fn check_value(
        &self,
        what: &str,
        key: &str,
        def: &PropertyDef,
        value: &mut Value,
    ) -> Result<(), QueryError> {
        if !def.value_type.holds(value) {
            let converted = def.value_type.coerce(value).ok_or_else(|| {
                let message = format!(
                    "property `{key}` must be {}, got {} {value}",
                    def.value_type,
                    value.type_name()
                );
                violation(what, &message)
            })?;
            *value = converted;
        }
        let converted = &*value;
        if let Some(vocab) = &def.vocabulary {
            let words = self
                .vocabularies
                .get(vocab)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let outside = |v: &Value| match v {
                Value::String(s) => !words.iter().any(|w| w == s),
                _ => false,
            };
            let bad = match converted {
                Value::List(items) => items.iter().find(|v| outside(v)),
                v => outside(v).then_some(v),
            };
            if let Some(bad) = bad {
                let mut message = format!("{bad} is not in vocabulary `{vocab}` ({})", words.join(", "));
                if let Some(near) = bad
                    .as_str()
                    .and_then(|s| nearest(s, words.iter().map(String::as_str)))
                {
                    message.push_str(&format!("; did you mean '{near}'?"));
                }
                return Err(violation(what, &format!("property `{key}`: {message}")));
            }
        }
        Ok(())
    }

    fn unknown_label(&self, what: &str, label: &str) -> QueryError {
        let mut message = format!("label `{label}` is not in schema `{}`", self.name);
        if let Some(near) = nearest(label, self.labels.keys().map(String::as_str)) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        violation(what, &message)
    }
}

/// A schema violation: names the offending fact (`what`) and the rule.
pub fn violation(what: &str, rule: &str) -> QueryError {
    QueryError::new(
        ErrorClass::ConstraintVerificationFailed,
        format!("{what}: {rule}"),
    )
}

fn unknown_property<'a>(
    what: &str,
    owner: &str,
    key: &str,
    known: impl Iterator<Item = &'a str>,
) -> QueryError {
    let mut message = format!("property `{key}` is not declared for :{owner}");
    if let Some(near) = nearest(key, known) {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    violation(what, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, Value)]) -> Properties {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn bundled_news_schema_parses() {
        let schema = Schema::from_toml(NEWS_SCHEMA, "data/schema.toml").unwrap();
        for label in [
            "Document",
            "Sentence",
            "Actor",
            "Place",
            "Event",
            "Assertion",
            "Equipment",
            "Agreement",
        ] {
            assert!(schema.labels.contains_key(label), "{label}");
        }
        assert!(schema.unique_keys().contains(&("Actor".into(), "name".into())));
    }

    #[test]
    fn round_trips_through_toml() {
        let schema = Schema::news();
        let again = Schema::from_toml(&schema.to_toml(), "printed").unwrap();
        assert_eq!(schema, again);
    }

    #[test]
    fn rejects_unknown_labels_with_a_suggestion() {
        let err = Schema::news()
            .check_node("node x", &["Asertion".into()], &mut Properties::new())
            .unwrap_err();
        assert_eq!(err.class, ErrorClass::ConstraintVerificationFailed);
        assert!(
            err.message.contains("did you mean `Assertion`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn checks_types_and_vocabularies() {
        let schema = Schema::news();
        let labels = vec!["Actor".to_string()];
        let mut bad_kind = props(&[("name", "x".into()), ("kind", "persn".into())]);
        let err = schema.check_node("node x", &labels, &mut bad_kind).unwrap_err();
        assert!(err.message.contains("did you mean 'person'"), "{}", err.message);
        let mut bad_type = props(&[("name", Value::Int(3))]);
        assert!(schema.check_node("node x", &labels, &mut bad_type).is_err());
        let mut good = props(&[("name", "x".into()), ("kind", "person".into())]);
        schema.check_node("node x", &labels, &mut good).unwrap();
        assert!(schema.check_required("node x", &labels, &props(&[])).is_err());
    }

    #[test]
    fn a_value_that_holds_its_type_is_what_coerce_would_return() {
        let types = [
            PropertyType::String,
            PropertyType::Int,
            PropertyType::Float,
            PropertyType::Bool,
            PropertyType::Date,
            PropertyType::Map,
            PropertyType::Any,
            PropertyType::List(Box::new(PropertyType::Float)),
            PropertyType::List(Box::new(PropertyType::Date)),
        ];
        let values = [
            Value::from("2016-06-16"),
            Value::Int(2),
            Value::Float(2.5),
            Value::Bool(true),
            Value::Date(Date::from_ymd(2016, 6, 16).unwrap()),
            Value::List(vec![Value::Float(1.0), Value::Float(2.0)].into()),
            Value::List(vec![Value::Int(1), Value::Float(2.0)].into()),
            Value::List(vec![Value::from("2016-06-16")].into()),
        ];
        for ty in &types {
            for value in &values {
                if ty.holds(value) {
                    assert_eq!(ty.coerce(value).as_ref(), Some(value), "{ty} {value}");
                }
            }
        }
        // A conversion is not "holding": the checker must still convert.
        assert!(!PropertyType::Float.holds(&Value::Int(2)));
        assert!(!PropertyType::Date.holds(&Value::from("2016-06-16")));
    }

    #[test]
    fn coerces_dates_and_integers() {
        assert_eq!(
            PropertyType::Date.coerce(&"2016-06-16".into()),
            Some(Value::Date(Date::from_ymd(2016, 6, 16).unwrap()))
        );
        assert_eq!(
            PropertyType::Float.coerce(&Value::Int(2)),
            Some(Value::Float(2.0))
        );
        assert_eq!(PropertyType::Int.coerce(&Value::Float(2.0)), None);
        assert_eq!(
            PropertyType::parse("list<string>"),
            Some(PropertyType::List(Box::new(PropertyType::String)))
        );
    }

    #[test]
    fn checks_relationship_joins() {
        let schema = Schema::news();
        let event = vec!["Event".to_string()];
        let actor = vec!["Actor".to_string()];
        schema
            .check_relationship("rel", "AGENT", &event, &actor, &mut Properties::new())
            .unwrap();
        let err = schema
            .check_relationship("rel", "AGENT", &actor, &event, &mut Properties::new())
            .unwrap_err();
        assert!(err.message.contains("may not join"), "{}", err.message);
        let err = schema
            .check_relationship("rel", "AGNET", &event, &actor, &mut Properties::new())
            .unwrap_err();
        assert!(err.message.contains("did you mean `AGENT`"), "{}", err.message);
    }
}
