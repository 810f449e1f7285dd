//! Interchange formats: bulk import of a directory of CSV files.
//!
//! This layer owns Attest's interchange formats (docs/interchange.md): how
//! files map to labels, relationship types, ids and typed properties, and
//! how bad input is reported (FILE:LINE:COLUMN). It reads and converts the
//! rows and hands them to `db`'s bulk write ([`Graph::bulk_insert`]), which
//! checks each against the schema as it comes and writes them all
//! atomically once every row was read: each file is read once, streaming. It calls `db`, `schema` and `model`; it knows nothing of
//! terminals: progress goes to a callback.
//!
//! - `files.rs`: which files, and what each holds (manifest or names and
//!   headers), column types;
//! - `rows.rs`: reading records and fields, locating errors;
//! - `jsonl.rs`, `rdf.rs`: JSON Lines and RDF as `export` writes them
//!   (decoded with the codecs in `export`), through the same bulk write.

mod files;
mod jsonl;
mod rdf;
mod rows;

pub use files::{FileKind, LIST_SEPARATOR, MANIFEST, Manifest, ManifestFile, read_manifest};
pub use jsonl::{import_jsonl, import_jsonl_bytes};
pub use rdf::import_rdf;

use crate::db::{BulkElement, BulkField, BulkRejection, BulkSizeHint, BulkSource, Graph};
use crate::error::{Error, ErrorClass, QueryError, Result};
use crate::model::{Labels, NodeId, Properties};
use files::CsvFile;
use rows::RowReader;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// How the CSV `id`s become node ids.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdMode {
    /// Each CSV id *is* the node's id, so `id(n)` returns it and an export
    /// imports back exactly. Every id must be new to the store (never
    /// handed out, even to a deleted node); otherwise the import fails.
    /// Relationship files may also name nodes already in the store.
    #[default]
    Keep,
    /// Nodes get fresh ids in file order; the CSV ids only connect the
    /// relationship files to the node files of this import.
    Remap,
}

/// What an import is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportPhase {
    /// Reading and checking the rows (nothing written to disk yet).
    Reading,
    /// Every row read and accepted: writing them to disk.
    Writing,
}

/// Progress of an import, as reported to [`ImportOptions::progress`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProgress {
    /// Reading or writing.
    pub phase: ImportPhase,
    /// The file being read (the last one, once writing).
    pub file: String,
    /// Rows read so far, over all files.
    pub rows: u64,
    /// Bytes read so far, over all files.
    pub bytes: u64,
    /// Bytes of all the files.
    pub total_bytes: u64,
}

/// A progress callback; called every few thousand rows.
pub type ProgressFn = Arc<dyn Fn(&ImportProgress) + Send + Sync>;

/// Options of [`import_csv`].
#[derive(Clone, Default)]
pub struct ImportOptions {
    /// Keep the CSV ids as node ids, or give the nodes fresh ones.
    pub ids: IdMode,
    /// Called as rows are read, and once when writing starts (the CLI's
    /// progress bar).
    pub progress: Option<ProgressFn>,
}

impl fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportOptions")
            .field("ids", &self.ids)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// One imported file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    /// The file name.
    pub file: String,
    /// Node or relationship file.
    pub kind: FileKind,
    /// Rows imported from it.
    pub rows: u64,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ImportReport {
    /// The directory, as named.
    pub dir: String,
    /// The files imported, in import order.
    pub files: Vec<FileReport>,
    /// `.csv` files the manifest does not list, not imported.
    pub skipped: Vec<String>,
    /// Nodes imported.
    pub nodes: u64,
    /// Relationships imported.
    pub relationships: u64,
    /// The transaction number in the store's log; `None` when the files
    /// held no rows.
    pub txn: Option<u64>,
    /// Wall time of reading the files: converting and checking every row
    /// and adding it to the in-memory graph.
    pub read_seconds: f64,
    /// Wall time of writing to disk (encoding, writing, flushing), after
    /// every row was read.
    pub write_seconds: f64,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = match self.files.len() {
            0 => String::new(),
            n => format!(" from {n} file(s)"),
        };
        write!(
            f,
            "imported {}: {} nodes and {} relationships{files} in {:.2} s (read {:.2} s, write {:.2} s)",
            self.dir,
            self.nodes,
            self.relationships,
            self.read_seconds + self.write_seconds,
            self.read_seconds,
            self.write_seconds
        )?;
        match self.txn {
            Some(t) => writeln!(f, ", transaction {t}")?,
            None => writeln!(f, ", nothing to write")?,
        }
        let width = self.files.iter().map(|r| r.file.len()).max().unwrap_or(0);
        for r in &self.files {
            writeln!(
                f,
                "  {:<width$}  {:<16} {:>10} rows",
                r.file,
                r.kind.to_string(),
                r.rows
            )?;
        }
        for s in &self.skipped {
            writeln!(f, "  {s:<width$}  skipped: not in {MANIFEST}")?;
        }
        Ok(())
    }
}

/// Imports the CSV files of `dir` into `graph`, all or nothing, as one
/// entry in the store's log (`import DIR`). The layout, the id and type
/// rules and the error format are in docs/interchange.md.
///
/// ```
/// use attest::db::Graph;
/// use attest::import::{ImportOptions, import_csv};
///
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("Actor.csv"), "id,name\n1,Russia\n2,Syria\n").unwrap();
/// std::fs::write(dir.path().join("MET.csv"), "from,to\n1,2\n").unwrap();
/// let graph = Graph::in_memory(); // schemaless: every column a string
/// let report = import_csv(&graph, dir.path(), &ImportOptions::default())?;
/// assert_eq!((report.nodes, report.relationships), (2, 1));
/// let result = graph.query("MATCH (a:Actor)-[:MET]->(b) RETURN id(a), b.name")?;
/// assert_eq!(result.rows[0][0].as_int(), Some(1));
/// assert_eq!(result.rows[0][1].as_str(), Some("Syria"));
/// # Ok::<(), attest::Error>(())
/// ```
pub fn import_csv(graph: &Graph, dir: &Path, options: &ImportOptions) -> Result<ImportReport> {
    let schema = graph.schema();
    let (files, skipped) = files::plan(dir, schema.as_ref())?;
    let mut source = CsvSource {
        files: &files,
        options,
        ids: HashMap::new(),
        next_id: 0,
        rows: vec![0; files.len()],
        names: files.iter().map(|f| SharedName::of(&f.kind)).collect(),
        total_bytes: files.iter().map(|f| f.bytes).sum(),
        read: ReadProgress::default(),
        read_started: None,
        write_started: None,
    };
    let description = format!("import {}", dir.display());
    let info = graph.bulk_insert(&description, &mut source)?;
    let done = Instant::now();
    let since =
        |a: Option<Instant>, b: Instant| a.map_or(0.0, |a| b.saturating_duration_since(a).as_secs_f64());
    let read_end = source.write_started.unwrap_or(done);
    Ok(ImportReport {
        dir: dir.display().to_string(),
        files: files
            .iter()
            .zip(&source.rows)
            .map(|(f, rows)| FileReport {
                file: f.file_name.clone(),
                kind: f.kind.clone(),
                rows: *rows,
            })
            .collect(),
        skipped,
        nodes: info.nodes,
        relationships: info.relationships,
        txn: info.txn,
        read_seconds: since(source.read_started, read_end),
        write_seconds: since(source.write_started, done),
    })
}

/// The report of a one-file import (JSON Lines, RDF): `started` holds when
/// reading and writing began.
fn report_of(
    name: &str,
    info: crate::db::BulkInfo,
    started: [Option<Instant>; 2],
    done: Instant,
) -> ImportReport {
    let since =
        |a: Option<Instant>, b: Instant| a.map_or(0.0, |a| b.saturating_duration_since(a).as_secs_f64());
    let read_end = started[1].unwrap_or(done);
    ImportReport {
        dir: name.to_string(),
        files: Vec::new(),
        skipped: Vec::new(),
        nodes: info.nodes,
        relationships: info.relationships,
        txn: info.txn,
        read_seconds: since(started[0], read_end),
        write_seconds: since(started[1], done),
    }
}

/// The part of an element a rejection is about, in words.
fn field_name(field: &BulkField) -> String {
    match field {
        BulkField::Id => "its id".into(),
        BulkField::Labels => "its labels".into(),
        BulkField::Type => "its type".into(),
        BulkField::Start => "its start node".into(),
        BulkField::End => "its end node".into(),
        BulkField::Property(name) => format!("property `{name}`"),
        BulkField::Key => "its fact key".into(),
    }
}

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 4096;

/// A file's label or relationship type, made once and shared by its rows
/// (cloning either is a reference count, not an allocation per row).
enum SharedName {
    Label(Labels),
    Type(Arc<str>),
}

impl SharedName {
    fn of(kind: &files::FileKind) -> SharedName {
        match kind {
            files::FileKind::Node(label) => SharedName::Label(Labels::from([label.as_str()])),
            files::FileKind::Relationship(rel_type) => SharedName::Type(Arc::from(rel_type.as_str())),
        }
    }
}

/// The CSV files as a [`BulkSource`]: node files, then relationship files.
struct CsvSource<'a> {
    files: &'a [CsvFile],
    options: &'a ImportOptions,
    /// In [`IdMode::Remap`], CSV id → node id.
    ids: HashMap<u64, NodeId>,
    /// In [`IdMode::Remap`], the next node id to hand out.
    next_id: u64,
    /// Data rows per file.
    rows: Vec<u64>,
    /// Per file, its label or type as every row shares it.
    names: Vec<SharedName>,
    total_bytes: u64,
    /// Where reading got to, for progress reports.
    read: ReadProgress,
    read_started: Option<Instant>,
    write_started: Option<Instant>,
}

/// Rows and bytes read, over all files, and the file being read.
#[derive(Default)]
struct ReadProgress {
    rows: u64,
    bytes: u64,
    file: usize,
}

impl BulkSource for CsvSource<'_> {
    fn begin(&mut self, first_free_node: NodeId) {
        self.next_id = first_free_node.0;
    }

    /// The manifest's row counts (an export's gives them), or estimates
    /// from the files' sizes.
    fn size_hint(&self) -> Option<BulkSizeHint> {
        let mut hint = BulkSizeHint::default();
        for file in self.files {
            let rows = file.estimated_rows();
            match file.kind {
                FileKind::Node(_) => hint.nodes += rows,
                FileKind::Relationship(_) => hint.relationships += rows,
            }
        }
        Some(hint)
    }

    fn elements(&mut self, sink: &mut dyn FnMut(BulkElement) -> Result<(), BulkRejection>) -> Result<()> {
        self.read_started = Some(Instant::now());
        for (index, file) in self.files.iter().enumerate() {
            self.read.file = index;
            let mut reader = RowReader::open(file)?;
            while reader.next()? {
                let element = self.element(&reader, index)?;
                if let Err(rejection) = sink(element) {
                    return Err(locate(&reader, file, rejection));
                }
                if reader.rows % PROGRESS_EVERY == 0 {
                    let (rows, bytes) = (self.read.rows + reader.rows, self.read.bytes + reader.byte());
                    self.report(ImportPhase::Reading, rows, bytes);
                }
            }
            check_count(&reader, file)?;
            self.rows[index] = reader.rows;
            self.read.rows += reader.rows;
            self.read.bytes += file.bytes;
            self.report(ImportPhase::Reading, self.read.rows, self.read.bytes);
        }
        Ok(())
    }

    fn reading_done(&mut self) {
        self.write_started = Some(Instant::now());
        self.report(ImportPhase::Writing, self.read.rows, self.read.bytes);
    }
}

impl CsvSource<'_> {
    /// The current row as an element.
    fn element(&mut self, reader: &RowReader<'_>, index: usize) -> Result<BulkElement> {
        let file = &self.files[index];
        let mut entries = Vec::with_capacity(file.columns.len());
        for column in &file.columns {
            if let Some(value) = reader.value(column)? {
                entries.push((column.name.as_str(), value));
            }
        }
        let properties = Properties::from_entries(entries);
        Ok(match &self.names[index] {
            SharedName::Label(labels) => BulkElement::Node {
                labels: labels.clone(),
                id: self.node_id(reader)?,
                properties,
                sources: Vec::new(),
                key: None,
            },
            SharedName::Type(rel_type) => BulkElement::Relationship {
                id: None,
                rel_type: Arc::clone(rel_type),
                start: self.end_id(reader, 0, "from")?,
                end: self.end_id(reader, 1, "to")?,
                properties,
                sources: Vec::new(),
                key: None,
            },
        })
    }

    /// A node row's id: the CSV id, or in remap mode a fresh one.
    fn node_id(&mut self, reader: &RowReader<'_>) -> Result<NodeId> {
        let csv_id = reader.id(0, "id")?;
        match self.options.ids {
            IdMode::Keep => Ok(NodeId(csv_id)),
            IdMode::Remap => {
                if self.ids.contains_key(&csv_id) {
                    let message = format!("node id {csv_id} appears twice in this import");
                    return Err(reader.error_at(0, ErrorClass::ConstraintVerificationFailed, message));
                }
                let id = NodeId(self.next_id);
                self.next_id += 1;
                self.ids.insert(csv_id, id);
                Ok(id)
            }
        }
    }

    /// A relationship row's `from` or `to` as a node id.
    fn end_id(&self, reader: &RowReader<'_>, field: usize, name: &str) -> Result<NodeId> {
        let csv_id = reader.id(field, name)?;
        match self.options.ids {
            IdMode::Keep => Ok(NodeId(csv_id)),
            IdMode::Remap => self.ids.get(&csv_id).copied().ok_or_else(|| {
                let message = format!("column `{name}`: no node file of this import has id {csv_id}");
                reader.error_at(field, ErrorClass::EntityNotFound, message)
            }),
        }
    }

    fn report(&self, phase: ImportPhase, rows: u64, bytes: u64) {
        if let (Some(progress), Some(file)) = (&self.options.progress, self.files.get(self.read.file)) {
            progress(&ImportProgress {
                phase,
                file: file.file_name.clone(),
                rows,
                bytes,
                total_bytes: self.total_bytes,
            });
        }
    }
}

/// Points a rejection at the column of the current row it is about.
fn locate(reader: &RowReader<'_>, file: &CsvFile, rejection: BulkRejection) -> Error {
    let field = match (&rejection.field, &file.kind) {
        (Some(BulkField::End), _) => 1,
        (Some(BulkField::Property(name)), _) => file.field_of(name).unwrap_or(0),
        _ => 0,
    };
    let error = match rejection.error {
        // Name the column in words too: the schema's message names the
        // property, but a dangling id deserves its column's name.
        Error::Query(q) if matches!(rejection.field, Some(BulkField::Start | BulkField::End)) => {
            let column = if field == 0 { "from" } else { "to" };
            Error::Query(QueryError {
                message: format!("column `{column}`: {}", q.message),
                ..q
            })
        }
        // The id is taken: say what to do about it.
        Error::Query(q) if rejection.field == Some(BulkField::Id) && q.message.contains("already taken") => {
            Error::Query(QueryError {
                message: format!(
                    "{}; import into a new store, or give the nodes new ids (IdMode::Remap, `attest import --remap-ids`)",
                    q.message
                ),
                ..q
            })
        }
        other => other,
    };
    reader.locate(error, field)
}

/// The manifest's row count, when it gives one, must match the file.
fn check_count(reader: &RowReader<'_>, file: &CsvFile) -> Result<()> {
    match file.expected_rows {
        Some(expected) if expected != reader.rows => {
            let message = format!(
                "the file has {} data rows, but {MANIFEST} says {expected}",
                reader.rows
            );
            let e = QueryError::new(ErrorClass::SemanticError, message).in_file(&file.name);
            Err(e.into())
        }
        _ => Ok(()),
    }
}
