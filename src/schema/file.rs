//! The schema file format (TOML, format 1): reading and printing.
//!
//! The file shape is kept apart from [`Schema`] so the in-store form can
//! change without breaking files users wrote. See `docs/data-model.md`.

use super::{LabelDef, PropertyDef, PropertyType, RelTypeDef, Schema};
use crate::error::{ErrorClass, Position, QueryError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    format: u32,
    name: String,
    #[serde(default)]
    vocabularies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    labels: BTreeMap<String, LabelFile>,
    #[serde(default)]
    relationships: BTreeMap<String, RelFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelFile {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    doc: String,
    #[serde(default)]
    properties: BTreeMap<String, PropertyFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelFile {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    doc: String,
    joins: Vec<(String, String)>,
    #[serde(default)]
    properties: BTreeMap<String, PropertyFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PropertyFile {
    #[serde(rename = "type")]
    value_type: String,
    #[serde(default, skip_serializing_if = "is_false")]
    required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    unique: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vocabulary: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    doc: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn error(file: &str, message: String, position: Option<Position>) -> QueryError {
    let mut e = QueryError::new(ErrorClass::SyntaxError, format!("schema file: {message}")).in_file(file);
    e.position = position;
    e
}

pub(super) fn parse(text: &str, file: &str) -> Result<Schema, QueryError> {
    let raw: SchemaFile = toml::from_str(text).map_err(|e| {
        let position = e.span().map(|span| Position::of_offset(text, span.start));
        error(file, e.message().to_string(), position)
    })?;
    if raw.format != FORMAT {
        return Err(error(
            file,
            format!(
                "format {} is not supported (this Attest reads format {FORMAT})",
                raw.format
            ),
            None,
        ));
    }
    let props = |owner: &str,
                 map: BTreeMap<String, PropertyFile>|
     -> Result<BTreeMap<String, PropertyDef>, QueryError> {
        map.into_iter()
            .map(|(key, p)| {
                let value_type = PropertyType::parse(&p.value_type).ok_or_else(|| {
                    error(
                        file,
                        format!("{owner}.{key}: unknown type `{}`", p.value_type),
                        None,
                    )
                })?;
                if let Some(v) = &p.vocabulary
                    && !raw.vocabularies.contains_key(v)
                {
                    return Err(error(
                        file,
                        format!("{owner}.{key}: unknown vocabulary `{v}`"),
                        None,
                    ));
                }
                let def = PropertyDef {
                    value_type,
                    required: p.required,
                    unique: p.unique,
                    vocabulary: p.vocabulary,
                    doc: p.doc,
                };
                Ok((key, def))
            })
            .collect()
    };
    let mut labels = BTreeMap::new();
    for (name, l) in raw.labels {
        let properties = props(&name, l.properties)?;
        labels.insert(
            name,
            LabelDef {
                doc: l.doc,
                properties,
            },
        );
    }
    let mut relationships = BTreeMap::new();
    for (name, r) in raw.relationships {
        for (start, end) in &r.joins {
            for label in [start, end] {
                if label != "*" && !labels.contains_key(label) {
                    return Err(error(
                        file,
                        format!("relationship {name} joins unknown label `{label}`"),
                        None,
                    ));
                }
            }
        }
        if r.properties.values().any(|p| p.unique) {
            return Err(error(
                file,
                format!("relationship {name}: unique applies to node properties only"),
                None,
            ));
        }
        let properties = props(&name, r.properties)?;
        relationships.insert(
            name,
            RelTypeDef {
                doc: r.doc,
                joins: r.joins,
                properties,
            },
        );
    }
    Ok(Schema {
        name: raw.name,
        vocabularies: raw.vocabularies,
        labels,
        relationships,
    })
}

pub(super) fn render(schema: &Schema) -> String {
    let props = |map: &BTreeMap<String, PropertyDef>| -> BTreeMap<String, PropertyFile> {
        map.iter()
            .map(|(k, p)| {
                let file = PropertyFile {
                    value_type: p.value_type.to_string(),
                    required: p.required,
                    unique: p.unique,
                    vocabulary: p.vocabulary.clone(),
                    doc: p.doc.clone(),
                };
                (k.clone(), file)
            })
            .collect()
    };
    let file = SchemaFile {
        format: FORMAT,
        name: schema.name.clone(),
        vocabularies: schema.vocabularies.clone(),
        labels: schema
            .labels
            .iter()
            .map(|(k, l)| {
                (
                    k.clone(),
                    LabelFile {
                        doc: l.doc.clone(),
                        properties: props(&l.properties),
                    },
                )
            })
            .collect(),
        relationships: schema
            .relationships
            .iter()
            .map(|(k, r)| {
                let rel = RelFile {
                    doc: r.doc.clone(),
                    joins: r.joins.clone(),
                    properties: props(&r.properties),
                };
                (k.clone(), rel)
            })
            .collect(),
    };
    // Serialising plain maps, strings and booleans cannot fail.
    toml::to_string_pretty(&file).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_positions_and_unknown_fields() {
        let err = parse("format = 1\nname = \"x\"\n[labels.A]\ncolour = 3\n", "s.toml").unwrap_err();
        assert_eq!(err.position.map(|p| p.line), Some(4));
        assert!(err.to_string().contains("s.toml:4:"), "{err}");
    }

    #[test]
    fn rejects_unknown_types_labels_and_formats() {
        let bad_type = "format = 1\nname = \"x\"\n[labels.A.properties]\nk = { type = \"strng\" }\n";
        assert!(parse(bad_type, "s").unwrap_err().message.contains("unknown type"));
        let bad_join = "format = 1\nname = \"x\"\n[relationships.R]\njoins = [[\"A\", \"B\"]]\n";
        assert!(
            parse(bad_join, "s")
                .unwrap_err()
                .message
                .contains("unknown label")
        );
        assert!(
            parse("format = 2\nname = \"x\"\n", "s")
                .unwrap_err()
                .message
                .contains("format 2")
        );
    }
}
