//! Which files a CSV directory holds and what each one is: node or
//! relationship file, its label or type, its columns and their types.
//!
//! The rules (docs/interchange.md): a `manifest.json`, when present, names
//! every file to import and what it holds; without one, every `*.csv` file
//! is imported, a header starting with `from,to` makes it a relationship
//! file and one starting with `id` a node file, and the label or type is the
//! file name up to its first `.`. Column types come from the store's schema,
//! else from a `name:type` header, else they are strings. Everything here is
//! decided from the headers alone, before any row is read, so that a wrong
//! header fails at line 1 rather than at every row.

use super::rows::{header_error, read_header};
use crate::error::{Error, ErrorClass, Position, QueryError, Result, nearest};
use crate::schema::{PropertyDef, PropertyType, Schema};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The manifest's file name inside an import directory.
pub const MANIFEST: &str = "manifest.json";

/// What one file holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum FileKind {
    /// Nodes with this label.
    Node(String),
    /// Relationships of this type.
    Relationship(String),
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileKind::Node(label) => write!(f, "(:{label})"),
            FileKind::Relationship(t) => write!(f, "[:{t}]"),
        }
    }
}

/// The value type of a property column: the scalar types a CSV field can
/// spell, and lists of them (`string[]`: elements separated by `;`, as in
/// Neo4j's import format).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    String,
    Int,
    Float,
    Bool,
    Date,
    StringList,
    IntList,
    FloatList,
    BoolList,
    DateList,
}

/// What separates the elements of a list field.
pub const LIST_SEPARATOR: char = ';';

impl ColumnType {
    fn parse(text: &str) -> Option<ColumnType> {
        if let Some(element) = text.strip_suffix("[]") {
            return ColumnType::parse(element)?.list_of();
        }
        Some(match text {
            "string" => ColumnType::String,
            "int" | "integer" => ColumnType::Int,
            "float" => ColumnType::Float,
            "bool" | "boolean" => ColumnType::Bool,
            "date" => ColumnType::Date,
            _ => return None,
        })
    }

    /// The list type of a scalar type; `None` for a list type.
    fn list_of(self) -> Option<ColumnType> {
        Some(match self {
            ColumnType::String => ColumnType::StringList,
            ColumnType::Int => ColumnType::IntList,
            ColumnType::Float => ColumnType::FloatList,
            ColumnType::Bool => ColumnType::BoolList,
            ColumnType::Date => ColumnType::DateList,
            _ => return None,
        })
    }

    /// The element type of a list type; `None` for a scalar type.
    pub fn element(self) -> Option<ColumnType> {
        Some(match self {
            ColumnType::StringList => ColumnType::String,
            ColumnType::IntList => ColumnType::Int,
            ColumnType::FloatList => ColumnType::Float,
            ColumnType::BoolList => ColumnType::Bool,
            ColumnType::DateList => ColumnType::Date,
            _ => return None,
        })
    }

    /// The column type for a schema property type; `None` for types a CSV
    /// field cannot hold (maps, lists of lists or maps). `any` reads as a
    /// string unless the header says otherwise.
    fn of_schema(value_type: &PropertyType) -> Option<ColumnType> {
        Some(match value_type {
            PropertyType::String | PropertyType::Any => ColumnType::String,
            PropertyType::Int => ColumnType::Int,
            PropertyType::Float => ColumnType::Float,
            PropertyType::Bool => ColumnType::Bool,
            PropertyType::Date => ColumnType::Date,
            PropertyType::List(inner) => return ColumnType::of_schema(inner)?.list_of(),
            PropertyType::Map => return None,
        })
    }

    /// The type's name as a header spells it.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Int => "int",
            ColumnType::Float => "float",
            ColumnType::Bool => "bool",
            ColumnType::Date => "date",
            ColumnType::StringList => "string[]",
            ColumnType::IntList => "int[]",
            ColumnType::FloatList => "float[]",
            ColumnType::BoolList => "bool[]",
            ColumnType::DateList => "date[]",
        }
    }
}

/// One property column.
#[derive(Clone, Debug)]
pub struct Column {
    /// The property name (the header cell without its `:type`).
    pub name: String,
    pub value_type: ColumnType,
    /// Field index in each record.
    pub field: usize,
}

/// One file to import, with everything its header says.
#[derive(Clone, Debug)]
pub struct CsvFile {
    pub path: PathBuf,
    /// The path as errors name it.
    pub name: String,
    /// The file name alone, for reports.
    pub file_name: String,
    pub kind: FileKind,
    /// Property columns (after `id`, or after `from,to`).
    pub columns: Vec<Column>,
    /// Fields per record: the header's width.
    pub width: usize,
    /// Data rows the manifest promises, when it gives a count.
    pub expected_rows: Option<u64>,
    pub bytes: u64,
}

impl CsvFile {
    /// The field index of the property column `name`.
    pub fn field_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().find(|c| c.name == name).map(|c| c.field)
    }

    /// About how many data rows the file holds, to size memory before the
    /// import: the manifest's count, or else the file's size over the mean
    /// line length of its first 64 KiB (a file that cannot be read
    /// estimates none; reading it fails properly later).
    pub fn estimated_rows(&self) -> u64 {
        if let Some(rows) = self.expected_rows {
            return rows;
        }
        let mut sample = Vec::with_capacity(1 << 16);
        let read = std::fs::File::open(&self.path).and_then(|file| {
            std::io::Read::read_to_end(&mut std::io::Read::take(file, 1 << 16), &mut sample)
        });
        let lines = sample.iter().filter(|b| **b == b'\n').count() as u64;
        match read {
            Ok(_) if lines > 0 => (self.bytes * lines / sample.len() as u64).saturating_sub(1),
            _ => 0,
        }
    }
}

/// The manifest format of the benchmark generator (`gen_dataset.py`):
/// fields other than these are ignored.
#[derive(Deserialize)]
pub struct Manifest {
    /// Each CSV file of the directory, by file name.
    pub files: BTreeMap<String, ManifestFile>,
    /// Query parameters; the importer does not read them, `attest bench` does.
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The scale the generator was asked for (events).
    #[serde(default)]
    pub events: Option<u64>,
    /// The generator's random seed.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// One file's entry in the manifest.
#[derive(Deserialize)]
pub struct ManifestFile {
    /// `node` or `rel`.
    pub kind: String,
    /// The label of a node file.
    pub label: Option<String>,
    /// The relationship type of a relationship file.
    #[serde(rename = "type")]
    pub rel_type: Option<String>,
    /// The start and end labels (informational: a typed store checks the
    /// schema's joins).
    pub from: Option<String>,
    /// The end label (informational, like `from`).
    pub to: Option<String>,
    /// The header the file must have.
    pub columns: Option<Vec<String>>,
    /// Data rows in the file.
    pub count: Option<u64>,
}

/// Reads `DIR/manifest.json`, if there is one.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST);
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { path: name, source }),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        let position = Position::of_json_error(&e);
        QueryError::new(
            ErrorClass::SyntaxError,
            format!("not a valid import manifest: {e}"),
        )
        .at(position)
        .in_file(&name)
        .into()
    })
}

/// The files to import from `dir`, node files first, each group by file
/// name; plus the names of `.csv` files the manifest leaves out (skipped).
pub fn plan(dir: &Path, schema: Option<&Schema>) -> Result<(Vec<CsvFile>, Vec<String>)> {
    let listing = csv_files_in(dir)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    match read_manifest(dir)? {
        Some(manifest) => {
            for (file_name, entry) in &manifest.files {
                files.push(from_manifest(dir, file_name, entry, schema)?);
            }
            skipped = listing
                .into_iter()
                .filter(|f| !manifest.files.contains_key(f))
                .collect();
        }
        None => {
            for file_name in listing {
                files.push(from_header(dir, &file_name, schema)?);
            }
        }
    }
    files.sort_by_key(|f| (matches!(f.kind, FileKind::Relationship(_)), f.file_name.clone()));
    Ok((files, skipped))
}

/// `*.csv` file names directly in `dir`, sorted.
fn csv_files_in(dir: &Path) -> Result<Vec<String>> {
    let io_error = |source| Error::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") && entry.file_type().map_err(io_error)?.is_file() {
            names.insert(name);
        }
    }
    Ok(names.into_iter().collect())
}

/// A file named by the manifest: its kind, label or type and header are
/// given, and the file's header must match.
fn from_manifest(
    dir: &Path,
    file_name: &str,
    entry: &ManifestFile,
    schema: Option<&Schema>,
) -> Result<CsvFile> {
    let manifest_error = |message: String| {
        QueryError::new(ErrorClass::SemanticError, format!("{file_name}: {message}"))
            .in_file(&dir.join(MANIFEST).display().to_string())
    };
    let kind = match (entry.kind.as_str(), &entry.label, &entry.rel_type) {
        ("node", Some(label), _) => FileKind::Node(label.clone()),
        ("rel", _, Some(t)) => FileKind::Relationship(t.clone()),
        ("node", None, _) => return Err(manifest_error("a node file needs a `label`".into()).into()),
        ("rel", _, None) => return Err(manifest_error("a relationship file needs a `type`".into()).into()),
        (other, _, _) => {
            return Err(manifest_error(format!("kind `{other}` is neither `node` nor `rel`")).into());
        }
    };
    // A manifest names files of its own directory, never a path: no
    // `../`, no absolute path, no subdirectory, so that an import reads
    // only under the directory the user named.
    let plain = Path::new(file_name).file_name().is_some_and(|n| n == file_name) && file_name != "..";
    if !plain {
        return Err(manifest_error(
            "a manifest may name only files of its own directory (no `/`, no `..`)".into(),
        )
        .into());
    }
    let path = dir.join(file_name);
    if !path.is_file() {
        return Err(Error::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "listed in manifest.json but missing",
            ),
        });
    }
    let header = read_header(&path)?;
    if let Some(columns) = &entry.columns {
        let got: Vec<&str> = header.cells.iter().map(String::as_str).collect();
        if got != columns.iter().map(String::as_str).collect::<Vec<_>>() {
            let field = got.iter().zip(columns).take_while(|(a, b)| *a == b).count();
            let message = format!(
                "the header is `{}`, but manifest.json says `{}`",
                got.join(","),
                columns.join(",")
            );
            return Err(header_error(&path, field, ErrorClass::SemanticError, message));
        }
    }
    describe(&path, file_name, kind, &header.cells, entry.count, schema)
}

/// A file found without a manifest: its header says whether it holds
/// nodes or relationships, its name what label or type.
fn from_header(dir: &Path, file_name: &str, schema: Option<&Schema>) -> Result<CsvFile> {
    let path = dir.join(file_name);
    let header = read_header(&path)?;
    let stem = file_name.split('.').next().unwrap_or(file_name).to_string();
    let first = |n: usize| {
        header
            .cells
            .iter()
            .take(n)
            .map(|c| key_name(c))
            .collect::<Vec<_>>()
    };
    let kind = if first(2) == ["from", "to"] {
        FileKind::Relationship(stem)
    } else if first(1) == ["id"] {
        FileKind::Node(stem)
    } else {
        let message = format!(
            "cannot tell what this file holds: a node file's header starts with `id`, a relationship file's with `from,to` (this one starts with `{}`)",
            header.cells.first().map(String::as_str).unwrap_or("")
        );
        return Err(header_error(&path, 0, ErrorClass::SemanticError, message));
    };
    describe(&path, file_name, kind, &header.cells, None, schema)
}

/// A header cell's name, without a `:type`.
fn key_name(cell: &str) -> &str {
    cell.split_once(':').map_or(cell, |(name, _)| name)
}

/// Checks a header against the file's kind and the schema and types its
/// columns.
fn describe(
    path: &Path,
    file_name: &str,
    kind: FileKind,
    cells: &[String],
    expected_rows: Option<u64>,
    schema: Option<&Schema>,
) -> Result<CsvFile> {
    let fail = |field: usize, class: ErrorClass, message: String| -> Result<CsvFile> {
        Err(header_error(path, field, class, message))
    };
    let keys: &[&str] = match kind {
        FileKind::Node(_) => &["id"],
        FileKind::Relationship(_) => &["from", "to"],
    };
    for (field, key) in keys.iter().enumerate() {
        if cells.get(field).map(String::as_str) != Some(*key) {
            let what = match kind {
                FileKind::Node(_) => "a node file's first column must be `id`",
                FileKind::Relationship(_) => "a relationship file's first columns must be `from,to`",
            };
            let found = cells
                .get(field)
                .map_or("nothing".to_string(), |c| format!("`{c}`"));
            return fail(field, ErrorClass::SemanticError, format!("{what}; found {found}"));
        }
    }
    let declared = match (&kind, schema) {
        (_, None) => None,
        (FileKind::Node(label), Some(schema)) => match schema.labels.get(label) {
            Some(def) => Some(&def.properties),
            None => {
                let mut message = format!("label `{label}` is not in schema `{}`", schema.name);
                if let Some(near) = nearest(label, schema.labels.keys().map(String::as_str)) {
                    message.push_str(&format!("; did you mean `{near}`?"));
                }
                return fail(0, ErrorClass::ConstraintVerificationFailed, message);
            }
        },
        (FileKind::Relationship(t), Some(schema)) => match schema.relationships.get(t) {
            Some(def) => Some(&def.properties),
            None => {
                let mut message = format!("relationship type `{t}` is not in schema `{}`", schema.name);
                if let Some(near) = nearest(t, schema.relationships.keys().map(String::as_str)) {
                    message.push_str(&format!("; did you mean `{near}`?"));
                }
                if file_name.contains('_') && schema.relationships.keys().any(|k| t.starts_with(k.as_str())) {
                    message.push_str(" (without a manifest, the type is the file name up to its first `.`)");
                }
                return fail(0, ErrorClass::ConstraintVerificationFailed, message);
            }
        },
    };
    let mut columns: Vec<Column> = Vec::new();
    for (field, cell) in cells.iter().enumerate().skip(keys.len()) {
        let (name, annotated) = match cell.split_once(':') {
            Some((name, t)) => match ColumnType::parse(t) {
                Some(t) => (name, Some(t)),
                None => {
                    let message = format!(
                        "column `{cell}`: unknown type `{t}` (use string, int, float, bool or date, or a list of one: string[], …)"
                    );
                    return fail(field, ErrorClass::SemanticError, message);
                }
            },
            None => (cell.as_str(), None),
        };
        if name.is_empty() || name.contains('\0') {
            return fail(
                field,
                ErrorClass::SemanticError,
                format!("column {} has no name", field + 1),
            );
        }
        if keys.contains(&name) || columns.iter().any(|c| c.name == name) {
            return fail(
                field,
                ErrorClass::SemanticError,
                format!("column `{name}` appears twice"),
            );
        }
        let value_type = match declared {
            None => annotated.unwrap_or(ColumnType::String),
            Some(properties) => schema_column(&kind, properties, name, annotated).map_err(|message| {
                header_error(path, field, ErrorClass::ConstraintVerificationFailed, message)
            })?,
        };
        columns.push(Column {
            name: name.to_string(),
            value_type,
            field,
        });
    }
    if let (Some(properties), FileKind::Node(label)) = (declared, &kind)
        && let Some((key, _)) = properties
            .iter()
            .find(|(key, def)| def.required && !columns.iter().any(|c| &c.name == *key))
    {
        let message = format!("{label}.{key} is required, and the header has no `{key}` column");
        return fail(0, ErrorClass::ConstraintVerificationFailed, message);
    }
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(CsvFile {
        path: path.to_path_buf(),
        name: path.display().to_string(),
        file_name: file_name.to_string(),
        kind,
        columns,
        width: cells.len(),
        expected_rows,
        bytes,
    })
}

/// A column's type in a typed store: the schema's, which a `:type` in the
/// header may repeat but not contradict.
fn schema_column(
    kind: &FileKind,
    properties: &BTreeMap<String, PropertyDef>,
    name: &str,
    annotated: Option<ColumnType>,
) -> std::result::Result<ColumnType, String> {
    let owner = match kind {
        FileKind::Node(label) => format!(":{label}"),
        FileKind::Relationship(t) => format!("[:{t}]"),
    };
    let Some(def) = properties.get(name) else {
        let mut message = format!("property `{name}` is not declared for {owner}");
        if let Some(near) = nearest(name, properties.keys().map(String::as_str)) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        return Err(message);
    };
    let from_schema = ColumnType::of_schema(&def.value_type);
    match (from_schema, annotated) {
        (None, _) => Err(format!(
            "property `{name}` of {owner} is a {}, which a CSV field cannot hold",
            def.value_type
        )),
        (Some(t), None) => Ok(t),
        // `any` takes whatever the header says.
        (Some(_), Some(a)) if def.value_type == PropertyType::Any => Ok(a),
        (Some(t), Some(a)) if t == a => Ok(t),
        (Some(t), Some(a)) => Err(format!(
            "column `{name}:{}`: the schema says {owner}.{name} is {}",
            a.name(),
            t.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_estimates_come_from_the_manifest_or_the_file_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("id,name\n");
        for i in 0..50_000 {
            text.push_str(&format!("{i},Actor number {i}\n"));
        }
        std::fs::write(dir.path().join("Actor.csv"), &text).unwrap();
        let (mut files, _) = plan(dir.path(), None).unwrap();
        let file = &mut files[0];
        // The first 64 KiB hold the shortest rows here (the ids grow), so
        // the estimate is a little high; the right order is what matters.
        let estimate = file.estimated_rows();
        assert!((45_000..=57_500).contains(&estimate), "{estimate}");
        file.expected_rows = Some(7);
        assert_eq!(file.estimated_rows(), 7);
        file.expected_rows = None;
        file.path = dir.path().join("gone.csv");
        assert_eq!(file.estimated_rows(), 0);
    }

    #[test]
    fn header_types_parse() {
        assert_eq!(ColumnType::parse("date"), Some(ColumnType::Date));
        assert_eq!(ColumnType::parse("list<string>"), None);
        assert_eq!(ColumnType::parse("date[]"), Some(ColumnType::DateList));
        assert_eq!(ColumnType::parse("date[][]"), None);
        assert_eq!(key_name("name:int"), "name");
    }

    #[test]
    fn schema_types_map_to_columns() {
        let schema = Schema::news();
        let event = &schema.labels["Event"].properties;
        let kind = FileKind::Node("Event".into());
        assert_eq!(schema_column(&kind, event, "date", None), Ok(ColumnType::Date));
        assert!(schema_column(&kind, event, "date", Some(ColumnType::Int)).is_err());
        let err = schema_column(&kind, event, "dat", None).unwrap_err();
        assert!(err.contains("did you mean `date`"), "{err}");
    }
}
