//! Attest's error type, shared by every layer.
//!
//! One enum with a few kinds, as in toyDB: errors a user caused by their input
//! ([`Error::Query`], classified with openCypher's error classes and carrying a
//! position when there is one), errors of the storage underneath, I/O errors
//! naming the file, and stores Attest cannot open. Library boundaries return
//! [`Result`]; nothing in the crate panics on user input.

use serde::Serialize;
use std::fmt;

/// `Result` with Attest's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A position in a text the user wrote: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// Line number, from 1.
    pub line: u32,
    /// Column number on the line, from 1, counted in characters (not bytes).
    pub column: u32,
}

impl Position {
    /// The position of byte offset `offset` in `text` (clamped to its end).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() as u32 + 1;
        Position { line, column }
    }
}

/// Where each line of a text starts, for turning many byte offsets of one
/// text into positions: the planner records one per clause and item of
/// every statement it plans, and scanning the text from its start for each
/// was a third of planning a small query.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> LineIndex {
        let newlines = text.match_indices('\n').map(|(i, _)| i + 1);
        LineIndex {
            starts: std::iter::once(0).chain(newlines).collect(),
        }
    }

    /// [`Position::of_offset`] for the text this index was built from.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|start| *start <= offset).max(1);
        let line_start = self.starts[line - 1];
        let column = text[line_start..offset].chars().count() as u32 + 1;
        Position {
            line: line as u32,
            column,
        }
    }
}

impl Position {
    /// Where a JSON parser stopped (parameter files, import manifests).
    pub fn of_json_error(e: &serde_json::Error) -> Position {
        Position {
            line: e.line() as u32,
            column: e.column() as u32,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The error classes of the openCypher TCK, plus Attest's own for limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorClass {
    /// The text does not parse (a query, a script, a fact file, a schema
    /// file), or a query breaks a rule checked before it runs, such as an
    /// undefined variable or a misplaced aggregate (the TCK counts those as
    /// syntax errors too).
    SyntaxError,
    /// A statement that cannot run as written: a label, relationship type or
    /// property key the schema does not know, a write where only reads may
    /// run, a relationship created to a null node.
    SemanticError,
    /// The query uses a `$parameter` that was not given.
    ParameterMissing,
    /// A write breaks a rule of the store: the schema (labels, types,
    /// vocabularies, joins, required and unique properties), a fact key
    /// used twice, or deleting a node that still has relationships.
    ConstraintVerificationFailed,
    /// A TCK class for invalid constraint definitions; Attest does not
    /// raise it.
    ConstraintValidationFailed,
    /// Something named does not exist: a node, a relationship, a fact key,
    /// a cited sentence, or an element the statement already deleted.
    EntityNotFound,
    /// A TCK class Attest does not raise (reading a missing property gives
    /// null).
    PropertyNotFound,
    /// A TCK class Attest does not raise.
    LabelNotFound,
    /// A value has the wrong type for an operator, function or clause.
    TypeError,
    /// A function argument or option has the right type but a wrong value
    /// (an invalid regular expression, a span outside its sentence).
    ArgumentError,
    /// Integer overflow or division by zero.
    ArithmeticError,
    /// A TCK class for procedure calls; Attest does not raise it.
    ProcedureError,
    /// A configured limit (rows, depth, memory, time) stopped the query.
    LimitExceeded,
    /// The query was cancelled through its cancel handle or Ctrl-C.
    Cancelled,
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// An error in what the user asked for: a query, a fact file, a write that
/// breaks the schema. Rendered as `Class[Detail]: message`, the first line
/// the conformance runner reads.
///
/// ```
/// use attest::{ErrorClass, Position, QueryError};
///
/// let e = QueryError::new(ErrorClass::SyntaxError, "unexpected `)`")
///     .with_detail("InvalidSyntax")
///     .at(Position { line: 2, column: 7 })
///     .in_file("q.cypher");
/// assert_eq!(e.to_string(), "SyntaxError[InvalidSyntax]: unexpected `)` (at q.cypher:2:7)");
/// assert_eq!(e.location().as_deref(), Some("q.cypher:2:7"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    /// The openCypher error class.
    pub class: ErrorClass,
    /// The TCK detail code, e.g. `UndefinedVariable`, when known.
    pub detail: Option<String>,
    /// What went wrong, in words for the user (no class or location).
    pub message: String,
    /// Where in the input the problem is.
    pub position: Option<Position>,
    /// The file the input came from, when it came from one.
    pub file: Option<String>,
}

impl QueryError {
    /// An error of `class` with `message` and no position.
    pub fn new(class: ErrorClass, message: impl Into<String>) -> QueryError {
        QueryError {
            class,
            detail: None,
            message: message.into(),
            position: None,
            file: None,
        }
    }

    /// Adds the TCK detail code.
    pub fn with_detail(mut self, detail: &str) -> QueryError {
        self.detail = Some(detail.to_string());
        self
    }

    /// Sets the position unless one is already known.
    pub fn at(mut self, position: Position) -> QueryError {
        self.position.get_or_insert(position);
        self
    }

    /// Sets the file name unless one is already known.
    pub fn in_file(mut self, file: &str) -> QueryError {
        self.file.get_or_insert_with(|| file.to_string());
        self
    }

    /// `FILE:LINE:COLUMN` (or the parts of it that are known), for prefixes.
    pub fn location(&self) -> Option<String> {
        match (&self.file, self.position) {
            (Some(f), Some(p)) => Some(format!("{f}:{p}")),
            (Some(f), None) => Some(f.clone()),
            (None, Some(p)) => Some(p.to_string()),
            (None, None) => None,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}[{}]: {}", self.class, d, self.message)?,
            None => write!(f, "{}: {}", self.class, self.message)?,
        }
        if let Some(loc) = self.location() {
            write!(f, " (at {loc})")?;
        }
        Ok(())
    }
}

impl std::error::Error for QueryError {}

/// Every error Attest returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was wrong: syntax, types, schema rules, missing entities.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The storage engine failed (disk full, an I/O error inside the engine, …).
    #[error("storage error: {0}")]
    Storage(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file, as named to Attest.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The store cannot be opened: unknown or newer format, damaged records.
    #[error("cannot open store: {0}")]
    Format(String),
    /// Another process (or another handle in this one) has the store open
    /// for writing, or — when this open is for writing — a read-only open
    /// is copying it at this moment.
    #[error(
        "store {path} is already open for writing (by another process or another handle in this one); the on-disk engine lets one process open a store at a time"
    )]
    Locked {
        /// The store's directory.
        path: String,
    },
    /// A write was attempted on a store opened read-only.
    #[error("store {path} is open read-only: writes are refused (open it without --read-only to write)")]
    ReadOnly {
        /// The store's directory.
        path: String,
    },
    /// A script or import tried to read a file outside the directories
    /// the user allowed.
    #[error("{path} is outside the allowed directories ({allowed}); allow its directory with --allow-dir")]
    NotAllowed {
        /// The file, as named.
        path: String,
        /// The allowed directories, comma-separated.
        allowed: String,
    },
}

impl Error {
    /// Shorthand for a [`QueryError`] of `class`.
    pub fn query(class: ErrorClass, message: impl Into<String>) -> Error {
        Error::Query(QueryError::new(class, message))
    }

    /// The openCypher class of this error; storage-side errors have none.
    pub fn class(&self) -> Option<ErrorClass> {
        match self {
            Error::Query(q) => Some(q.class),
            _ => None,
        }
    }

    /// Adds a file name to a query error (other kinds are returned unchanged).
    pub fn in_file(self, file: &str) -> Error {
        match self {
            Error::Query(q) => Error::Query(q.in_file(file)),
            other => other,
        }
    }
}

/// Suggests the known name nearest to `unknown` ("did you mean …?"), if one is
/// close enough to be a plausible typo.
pub fn nearest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = unknown.to_lowercase();
    known
        .into_iter()
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(3) / 3).max(1) + 1)
        .min_by_key(|(d, k)| (*d, k.len()))
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of_offset(text, 5), Position { line: 2, column: 2 });
        assert_eq!(Position::of_offset(text, 99), Position { line: 3, column: 3 });
    }

    #[test]
    fn suggests_close_names_only() {
        let known = ["Assertion", "Actor", "Event"];
        assert_eq!(nearest("Asertion", known), Some("Assertion"));
        assert_eq!(nearest("actor", known), Some("Actor"));
        assert_eq!(nearest("Zebra", known), None);
    }

    #[test]
    fn renders_class_detail_and_location() {
        let e = QueryError::new(ErrorClass::SyntaxError, "unexpected `)`")
            .with_detail("InvalidSyntax")
            .at(Position { line: 2, column: 7 })
            .in_file("q.cypher");
        assert_eq!(
            e.to_string(),
            "SyntaxError[InvalidSyntax]: unexpected `)` (at q.cypher:2:7)"
        );
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::*;

    #[test]
    fn line_index_positions_equal_scanning_ones() {
        for text in [
            "",
            "abc",
            "a\nb\n\nc",
            "é\nxé😀y\n",
            "\n\n",
            "MATCH (n)\nRETURN é, n",
        ] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.position(text, offset),
                    Position::of_offset(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
