//! Reading one CSV file: its header, its records, fields to values, and
//! errors that point at FILE:LINE:COLUMN.
//!
//! Records are read as bytes (`csv::ByteRecord`) so that invalid UTF-8 is
//! reported for the field it is in rather than for the whole file. The
//! `csv` crate gives each record's line and byte offset; the column of a
//! field is worked out only when there is an error to report, by reading
//! the record's raw text again ([`locate_field`]).

use super::files::{Column, ColumnType, CsvFile, LIST_SEPARATOR};
use crate::error::{Error, ErrorClass, Position, QueryError, Result};
use crate::model::{Date, Value};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// A file's header row.
pub struct Header {
    pub cells: Vec<String>,
}

/// A reader for RFC 4180 CSV: comma separated, `"` quoting with `""`
/// inside quotes, any line ending. Records may differ in width (`flexible`)
/// so that a wrong width is reported by [`RowReader`] with its position.
fn open_csv(path: &Path) -> Result<csv::Reader<File>> {
    Ok(csv_builder().from_reader(open_file(path)?))
}

fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Records of any width (checked against the header here, with a clear
/// message), no header row skipped by the library.
fn csv_builder() -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(true);
    builder
}

/// Translates a `csv` error: with flexible records and byte records the
/// only ones left are I/O errors.
fn csv_error(path: &Path, e: csv::Error) -> Error {
    let path = path.display().to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io { path, source },
        other => Error::Io {
            path,
            source: std::io::Error::other(format!("{other:?}")),
        },
    }
}

/// Reads the header row of `path`: a file without one (empty) is an error.
pub fn read_header(path: &Path) -> Result<Header> {
    let mut reader = open_csv(path)?;
    let mut record = csv::ByteRecord::new();
    if !reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let message = "the file is empty; a CSV file starts with a header row";
        return Err(header_error(path, 0, ErrorClass::SyntaxError, message.into()));
    }
    let mut cells = Vec::with_capacity(record.len());
    for (field, bytes) in record.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(bytes) else {
            let message = format!("header column {} is not valid UTF-8", field + 1);
            return Err(header_error(path, field, ErrorClass::SyntaxError, message));
        };
        // A byte-order mark some editors write is not part of the name.
        let text = if field == 0 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        cells.push(text.to_string());
    }
    Ok(cells).map(|cells| Header { cells })
}

/// An error about field `field` of the header of `path`.
pub fn header_error(path: &Path, field: usize, class: ErrorClass, message: String) -> Error {
    let position = locate_field(path, 0, 1, field);
    QueryError::new(class, message)
        .at(position)
        .in_file(&path.display().to_string())
        .into()
}

/// Reads a file's data rows one by one, converting fields on demand.
pub struct RowReader<'f> {
    file: &'f CsvFile,
    reader: csv::Reader<File>,
    record: csv::ByteRecord,
    /// Data rows read so far.
    pub rows: u64,
}

impl<'f> RowReader<'f> {
    /// Opens `file` and skips its header.
    pub fn open(file: &'f CsvFile) -> Result<RowReader<'f>> {
        let mut reader = open_csv(&file.path)?;
        let mut record = csv::ByteRecord::new();
        reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(&file.path, e))?;
        Ok(RowReader {
            file,
            reader,
            record,
            rows: 0,
        })
    }

    /// Reads the next record; false at the end. A record of the wrong
    /// width is an error.
    pub fn next(&mut self) -> Result<bool> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| csv_error(&self.file.path, e))?;
        if !more {
            return Ok(false);
        }
        self.rows += 1;
        let (got, want) = (self.record.len(), self.file.width);
        if got != want {
            let message = format!("this row has {got} fields, but the header has {want} columns");
            return Err(self.error_at(got.min(want), ErrorClass::SyntaxError, message));
        }
        Ok(true)
    }

    /// Bytes of the file read so far.
    pub fn byte(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Field `field` as text.
    fn text(&self, field: usize, name: &str) -> Result<&str> {
        let bytes = self.record.get(field).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|e| {
            let message = format!(
                "column `{name}`: the field is not valid UTF-8 (bad byte at offset {} of the field)",
                e.valid_up_to()
            );
            self.error_at(field, ErrorClass::SyntaxError, message)
        })
    }

    /// Field `field` as a node id (`id`, `from`, `to`): a positive integer.
    pub fn id(&self, field: usize, name: &str) -> Result<u64> {
        // Nearly every id is a short run of ASCII digits: read those straight
        // from the bytes (no UTF-8 check, no general parser), 16.5M times per
        // pass at 1M events (every node's id, every relationship's two ends). Anything else takes the checked path below.
        let bytes = self.record.get(field).unwrap_or_default();
        if let Some(id) = plain_digits(bytes).filter(|id| *id > 0) {
            return Ok(id);
        }
        let text = self.text(field, name)?;
        match text.parse::<u64>() {
            Ok(id) if id > 0 => Ok(id),
            _ if text.is_empty() => Err(self.error_at(
                field,
                ErrorClass::SyntaxError,
                format!("column `{name}` is empty; every row needs a node id there"),
            )),
            _ => Err(self.error_at(
                field,
                ErrorClass::TypeError,
                format!("column `{name}`: `{text}` is not a node id (a positive integer)"),
            )),
        }
    }

    /// A property column's value; `None` for an empty field (absent).
    pub fn value(&self, column: &Column) -> Result<Option<Value>> {
        let text = self.text(column.field, &column.name)?;
        if text.is_empty() {
            return Ok(None);
        }
        let fail = |text: &str, expected: &str| {
            let message = format!(
                "column `{}` ({}): `{text}` is not {expected}",
                column.name,
                column.value_type.name()
            );
            self.error_at(column.field, ErrorClass::TypeError, message)
        };
        let Some(element) = column.value_type.element() else {
            return scalar(column.value_type, text)
                .map(Some)
                .ok_or_else(|| fail(text, expected(column.value_type)));
        };
        let mut items = Vec::new();
        for item in text.split(LIST_SEPARATOR) {
            if item.is_empty() {
                return Err(fail(item, "an element (a list field has no empty elements)"));
            }
            items.push(scalar(element, item).ok_or_else(|| fail(item, expected(element)))?);
        }
        Ok(Some(Value::List(items.into())))
    }

    /// An error about field `field` of the current record.
    pub fn error_at(&self, field: usize, class: ErrorClass, message: String) -> Error {
        self.locate(QueryError::new(class, message).into(), field)
    }

    /// Gives a query error the file and the position of field `field` of
    /// the current record, unless it has its own; other errors pass.
    pub fn locate(&self, error: Error, field: usize) -> Error {
        match error {
            Error::Query(q) => {
                let (offset, line) = self.record.position().map_or((0, 1), |p| (p.byte(), p.line()));
                let position = locate_field(&self.file.path, offset, line, field);
                Error::Query(q.at(position).in_file(&self.file.name))
            }
            other => other,
        }
    }
}

/// The number a field of 1 to 19 ASCII digits spells (at most 19, so it
/// cannot overflow); `None` for any other field.
fn plain_digits(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 19 {
        return None;
    }
    bytes.iter().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// The line and column (in characters) where field `field` of the record
/// starting at byte `offset` (on line `line`) begins, or where the record
/// ends when it has fewer fields. Reads the record's raw text again: only
/// errors need it. Falls back to the record's first column when the file
/// cannot be read.
pub fn locate_field(path: &Path, offset: u64, line: u64, field: usize) -> Position {
    let fallback = Position {
        line: line as u32,
        column: 1,
    };
    let mut raw = Vec::new();
    let read = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(offset))?;
        // A record longer than this is unusual; a column past it is
        // reported as the end of what was read.
        f.take(1 << 20).read_to_end(&mut raw)
    });
    if read.is_err() {
        return fallback;
    }
    let (lines, column) = field_start(&raw, field);
    Position {
        line: (line + lines) as u32,
        column: column as u32,
    }
}

/// Scans one RFC 4180 record in `raw` for the start of field `field`:
/// returns (lines after the first, 1-based column in characters). Quoted
/// fields may hold commas, doubled quotes and line breaks.
fn field_start(raw: &[u8], field: usize) -> (u64, u64) {
    let (mut lines, mut column, mut i, mut current) = (0u64, 1u64, 0usize, 0usize);
    // Counts a character per byte that starts one (not a UTF-8
    // continuation byte), so columns are in characters.
    let step = |b: u8, column: &mut u64| {
        if b & 0xC0 != 0x80 {
            *column += 1;
        }
    };
    loop {
        if current == field {
            return (lines, column);
        }
        if raw.get(i) == Some(&b'"') {
            i += 1;
            column += 1;
            while let Some(&b) = raw.get(i) {
                i += 1;
                match b {
                    b'"' if raw.get(i) == Some(&b'"') => {
                        i += 1;
                        column += 2;
                    }
                    b'"' => {
                        column += 1;
                        break;
                    }
                    b'\n' => {
                        lines += 1;
                        column = 1;
                    }
                    _ => step(b, &mut column),
                }
            }
        }
        while let Some(&b) = raw.get(i) {
            if matches!(b, b',' | b'\n' | b'\r') {
                break;
            }
            step(b, &mut column);
            i += 1;
        }
        if raw.get(i) == Some(&b',') {
            i += 1;
            column += 1;
            current += 1;
        } else {
            return (lines, column);
        }
    }
}

/// A scalar field's value, `None` when the text does not spell one.
fn scalar(t: ColumnType, text: &str) -> Option<Value> {
    match t {
        ColumnType::String => Some(Value::from(text.to_string())),
        ColumnType::Int => text.parse::<i64>().ok().map(Value::Int),
        ColumnType::Float => text
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::Float),
        ColumnType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ColumnType::Date => Date::parse(text).map(Value::Date),
        _ => None,
    }
}

/// What a scalar field of type `t` must be, for messages.
fn expected(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Int => "an integer",
        ColumnType::Float => "a finite number",
        ColumnType::Bool => "true or false",
        ColumnType::Date => "a date (YYYY-MM-DD)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::{field_start, plain_digits};

    proptest::proptest! {
        /// The fast path agrees with `str::parse` wherever it answers, and
        /// answers for every plain run of up to 19 digits.
        #[test]
        fn plain_digits_agree_with_the_parser(text in "[0-9+ -]{0,21}|[0-9]{1,19}") {
            let fast = plain_digits(text.as_bytes());
            if let Some(n) = fast {
                proptest::prop_assert_eq!(text.parse::<u64>().ok(), Some(n));
            }
            let plain = !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit());
            proptest::prop_assert_eq!(fast.is_some(), plain);
        }
    }

    #[test]
    fn finds_fields_in_plain_and_quoted_records() {
        let raw = b"12,\"Smith, J\",2016-01-02\n13,x,y\n";
        assert_eq!(field_start(raw, 0), (0, 1));
        assert_eq!(field_start(raw, 1), (0, 4));
        assert_eq!(field_start(raw, 2), (0, 15));
        // Past the last field: where the record ends.
        assert_eq!(field_start(raw, 5), (0, 25));
    }

    #[test]
    fn counts_lines_inside_quotes_and_characters_not_bytes() {
        let raw = "1,\"two\nlines\",é,x\n".as_bytes();
        assert_eq!(field_start(raw, 2), (1, 8));
        assert_eq!(field_start(raw, 3), (1, 10));
        assert_eq!(field_start(b"a,\"say \"\"hi\"\"\",b", 2), (0, 16));
    }
}
