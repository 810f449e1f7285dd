//! What the REPL does with an entry, without any terminal.
//!
//! A [`Session`] takes complete entries (a meta command, or statements
//! ending with `;`) and writes what they print to a [`Sink`]. It keeps the
//! settings (`:format`, `:timing`, `:evidence`, `:rows`), the parameters and
//! the open transaction of `:begin`. The line editor in `mod.rs` only
//! collects entries and hands them over, so everything here is testable
//! with two `Vec<u8>`s.
//!
//! While a transaction is open it holds the graph's write lock, so nothing
//! here may read through `Graph` then (that would wait for ourselves):
//! every read goes through [`Session::view`], which uses the transaction's
//! own view of the graph when there is one.

use super::complete::{META_COMMANDS, Vocabulary};
use crate::cli::render::{self, Format};
use crate::cli::{caret_snippet, json};
use crate::db::{Graph, Transaction, evidence_in};
use crate::error::{Error, ErrorClass, QueryError, nearest};
use crate::graph::GraphIndex;
use crate::lang::ast::{Span, Statement};
use crate::lang::{self, CancelHandle, NodeValue, Params, QueryOptions, QueryResult, RelValue, ResultValue};
use crate::model::ElementId;
use crate::schema::Schema;
use std::collections::HashSet;
use std::io::Write;

/// Rows shown before the rest of a result is cut off.
pub const DEFAULT_ROWS: usize = 100;

/// The help text of `:help`.
pub const HELP: &str = "\
Statements end with `;`: Enter continues the input until then. Several
statements on one line run one after another. Tab completes keywords,
labels (after `:`), relationship types (in `-[:`), property keys (after
`.`), functions, parameters (after `$`) and node names (inside a string).

  :help                      this text
  :schema                    the store's schema (a schema file)
  :stats                     counts per label and relationship type
  :format table|json|csv|markdown|dot|graphml
                             how results print
  :dot FILE                  write the last result's nodes, relationships
                             and paths as a Graphviz graph (dot -Tsvg FILE)
  :param NAME VALUE          set parameter $NAME; VALUE is JSON:
                               :param who \"Ash Carter\"   :param n 3
                               :param xs [1, 2.5, {\"$float\": \"NaN\"}]
  :param NAME                remove parameter $NAME
  :params                    list the parameters (`:params clear` removes all)
  :begin                     open a transaction: the statements that follow
                             run in it, and see each other's changes
  :commit                    make the transaction's changes permanent
  :rollback                  discard them (a failing statement inside a
                             transaction rolls it back too)
  :timing on|off             show how long each statement took
  :evidence on|off           under each row, the cited sentences of every
                             node and relationship in it
  :rows N|all                rows shown per result (default 100)
  :source FILE               run a script file, like `attest run FILE`
  :settings                  the current settings
  :quit, :exit, Ctrl-D       leave (an open transaction is rolled back)

Ctrl-C cancels a running query; at the prompt it clears the input.
";

/// Where a session writes: results to `out`, errors and notices to `err`.
/// Write errors are ignored: a terminal that went away ends the REPL at
/// its next read anyway.
pub struct Sink<'a> {
    /// Where results go (standard output in the REPL).
    pub out: &'a mut dyn Write,
    /// Where errors and notices go (standard error in the REPL).
    pub err: &'a mut dyn Write,
}

impl Sink<'_> {
    fn out(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    fn err(&mut self, text: &str) {
        // Results already written must come first on a shared terminal.
        let _ = self.out.flush();
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }
}

/// What the REPL should do after an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next entry.
    Continue,
    /// Leave the REPL (`:quit`, `:exit`).
    Quit,
}

/// How results print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The output format (`:format`); a table by default.
    pub format: Format,
    /// Show each statement's time in its summary line.
    pub timing: bool,
    /// Print the evidence of every element in a row under the row.
    pub evidence: bool,
    /// Most rows printed per result; `None` prints all.
    pub rows: Option<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            format: Format::Table,
            timing: true,
            evidence: false,
            rows: Some(DEFAULT_ROWS),
        }
    }
}

/// One REPL session on a graph: settings, parameters and an optional open
/// transaction.
pub struct Session<'g> {
    graph: &'g Graph,
    tx: Option<Transaction<'g>>,
    /// Statements run in the open transaction, for the rollback notice.
    tx_statements: usize,
    params: Params,
    settings: Settings,
    cancel: CancelHandle,
    /// Labels, keys or names may have changed since the last
    /// [`Session::take_changed`].
    changed: bool,
    /// The last result, for `:dot`.
    last: Option<QueryResult>,
}

impl<'g> Session<'g> {
    /// A session on `graph`; `cancel` is the handle a Ctrl-C handler sets.
    pub fn new(graph: &'g Graph, cancel: CancelHandle) -> Session<'g> {
        Session {
            graph,
            tx: None,
            tx_statements: 0,
            params: Params::new(),
            settings: Settings::default(),
            cancel,
            changed: false,
            last: None,
        }
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The session's parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// True while a `:begin` transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    /// The prompt: it shows when a transaction is open.
    pub fn prompt(&self) -> &'static str {
        if self.in_transaction() {
            "attest(tx)> "
        } else {
            "attest> "
        }
    }

    /// The greeting: the store, its schema, its size, where help is.
    pub fn banner(&self) -> String {
        let store = self
            .graph
            .path()
            .map_or_else(|| "in-memory store".to_string(), |p| p.display().to_string());
        let (schema, nodes, relationships) = self.view(|index, schema| {
            let schema = schema.map_or_else(
                || "open store (no schema)".to_string(),
                |s| format!("schema {}", s.name),
            );
            (schema, index.node_count(), index.relationship_count())
        });
        format!(
            "Attest {} — {store}, {schema}, {nodes} nodes, {relationships} relationships\n\
             End statements with `;`. :help for help, Ctrl-D to quit.\n",
            env!("CARGO_PKG_VERSION")
        )
    }

    /// The names completion offers, read from the graph as this session
    /// sees it (inside the open transaction, if any).
    pub fn vocabulary(&self) -> Vocabulary {
        self.view(|index, schema| Vocabulary::read(index, schema, &self.params))
    }

    /// True (once) when the labels, keys, names or parameters may have
    /// changed since the last call: time to refresh completion.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Reads the graph: through the open transaction, or a snapshot.
    fn view<R>(&self, f: impl FnOnce(&GraphIndex, Option<&Schema>) -> R) -> R {
        match &self.tx {
            Some(tx) => f(tx.index(), tx.schema()),
            None => {
                let snapshot = self.graph.read();
                f(snapshot.index(), snapshot.schema())
            }
        }
    }

    /// Runs one entry: a meta command, or statements.
    pub fn execute(&mut self, entry: &str, sink: &mut Sink<'_>) -> Flow {
        // A Ctrl-C pressed before this entry is not meant for it.
        self.cancel.reset();
        let trimmed = entry.trim();
        if trimmed.is_empty() {
            return Flow::Continue;
        }
        if trimmed.starts_with(':') {
            return self.meta(trimmed, sink);
        }
        self.run_text(entry, None, sink);
        Flow::Continue
    }

    /// Ends the session: an open transaction is rolled back, and says so.
    pub fn close(&mut self, sink: &mut Sink<'_>) {
        if let Some(tx) = self.tx.take() {
            tx.rollback();
            sink.err(&format!(
                "the open transaction was rolled back ({} statement(s) undone; :commit keeps changes)\n",
                self.tx_statements
            ));
        }
    }

    fn meta(&mut self, line: &str, sink: &mut Sink<'_>) -> Flow {
        let (command, rest) = match line.find(char::is_whitespace) {
            Some(i) => (&line[..i], line[i..].trim()),
            None => (line, ""),
        };
        let takes_no_argument = |sink: &mut Sink<'_>| {
            if rest.is_empty() {
                true
            } else {
                sink.err(&format!("{command} takes no argument\n"));
                false
            }
        };
        match command {
            ":help" | ":h" | ":?" => sink.out(HELP),
            ":quit" | ":exit" | ":q" => return Flow::Quit,
            ":schema" if takes_no_argument(sink) => sink.out(&self.view(|_, schema| match schema {
                Some(schema) => schema.to_toml(),
                None => {
                    "# this store is open (schemaless): any label, relationship type and property\n".into()
                }
            })),
            ":stats" if takes_no_argument(sink) => {
                let mut text = self.view(stats_text);
                if self.in_transaction() {
                    text.push_str("(as seen inside the open transaction)\n");
                }
                sink.out(&text);
            }
            ":settings" if takes_no_argument(sink) => sink.out(&self.settings_text()),
            ":format" => match rest {
                "" => sink.out(&format!("format: {}\n", format_name(self.settings.format))),
                _ => match parse_format(rest) {
                    Some(format) => self.settings.format = format,
                    None => sink.err(&format!(
                        "unknown format `{rest}`: use table, json, csv or markdown\n"
                    )),
                },
            },
            ":timing" => self.switch("timing", rest, |s| &mut s.timing, sink),
            ":evidence" => self.switch("evidence", rest, |s| &mut s.evidence, sink),
            ":rows" => match rest {
                "" => sink.out(&format!("rows: {}\n", rows_text(self.settings.rows))),
                "all" => self.settings.rows = None,
                n => match n.parse::<usize>() {
                    Ok(n) if n > 0 => self.settings.rows = Some(n),
                    _ => sink.err(&format!(
                        "`{n}` is not a row count: use a whole number above 0, or `all`\n"
                    )),
                },
            },
            ":param" => self.param(rest, sink),
            ":params" => match rest {
                "" => sink.out(&self.params_text()),
                "clear" => {
                    self.params.clear();
                    self.changed = true;
                }
                _ => sink.err(":params lists the parameters; `:params clear` removes them all\n"),
            },
            ":begin" if takes_no_argument(sink) => self.begin(sink),
            ":commit" if takes_no_argument(sink) => self.commit(sink),
            ":rollback" if takes_no_argument(sink) => self.rollback(sink),
            ":source" => self.source(rest, sink),
            ":dot" => self.dot(rest, sink),
            ":schema" | ":stats" | ":settings" | ":begin" | ":commit" | ":rollback" => {}
            unknown => {
                let suggestion = nearest(unknown, META_COMMANDS.iter().copied().chain([":settings"]))
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                sink.err(&format!(
                    "unknown command {unknown}{suggestion}; :help lists the commands\n"
                ));
            }
        }
        Flow::Continue
    }

    fn switch(&mut self, name: &str, rest: &str, field: fn(&mut Settings) -> &mut bool, sink: &mut Sink<'_>) {
        let value = field(&mut self.settings);
        match rest {
            "" => sink.out(&format!("{name}: {}\n", on_off(*value))),
            "on" => *value = true,
            "off" => *value = false,
            other => sink.err(&format!("`{other}`: use :{name} on or :{name} off\n")),
        }
    }

    fn settings_text(&self) -> String {
        let s = &self.settings;
        format!(
            "format: {}\ntiming: {}\nevidence: {}\nrows: {}\ntransaction: {}\nparameters: {}\n",
            format_name(s.format),
            on_off(s.timing),
            on_off(s.evidence),
            rows_text(s.rows),
            if self.in_transaction() { "open" } else { "none" },
            self.params.len()
        )
    }

    /// `:param NAME VALUE` sets, `:param NAME` removes.
    fn param(&mut self, rest: &str, sink: &mut Sink<'_>) {
        let (name, value) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim()),
            None => (rest, ""),
        };
        let name = name.strip_prefix('$').unwrap_or(name);
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            sink.err("usage: :param NAME VALUE (VALUE is JSON, e.g. :param who \"Ash Carter\"), or :param NAME to remove it\n");
            return;
        }
        self.changed = true;
        if value.is_empty() {
            match self.params.remove(name) {
                Some(_) => sink.out(&format!("${name} removed\n")),
                None => sink.err(&format!("${name} is not set\n")),
            }
            return;
        }
        let parsed = serde_json::from_str::<serde_json::Value>(value)
            .map_err(|e| format!("the value is not JSON ({e}); strings need double quotes: \"text\""))
            .and_then(|json| json::value_from_json(&json).map_err(|e| e.to_string()));
        match parsed {
            Ok(value) => {
                sink.out(&format!("${name} = {value}\n"));
                self.params.insert(name.to_string(), value);
            }
            Err(message) => sink.err(&format!("${name} not set: {message}\n")),
        }
    }

    fn params_text(&self) -> String {
        if self.params.is_empty() {
            return "no parameters (set one with :param NAME VALUE)\n".into();
        }
        self.params
            .iter()
            .map(|(name, value)| format!("${name} = {value}\n"))
            .collect()
    }

    fn begin(&mut self, sink: &mut Sink<'_>) {
        if self.in_transaction() {
            sink.err("a transaction is already open: :commit or :rollback it first\n");
            return;
        }
        self.tx = Some(self.graph.begin());
        self.tx_statements = 0;
        sink.out("transaction open: statements run in it until :commit or :rollback\n");
    }

    fn commit(&mut self, sink: &mut Sink<'_>) {
        let Some(tx) = self.tx.take() else {
            sink.err("no transaction is open (:begin opens one)\n");
            return;
        };
        self.changed = true;
        let description = format!("REPL transaction of {} statement(s)", self.tx_statements);
        match tx.commit(&description) {
            Ok(info) => {
                let number = info
                    .txn
                    .map_or_else(|| "nothing changed".to_string(), |t| format!("transaction {t}"));
                let changes = render::change_summary(&info.stats);
                sink.out(&format!(
                    "committed ({number}{}{changes})\n",
                    if changes.is_empty() { "" } else { ": " }
                ));
            }
            Err(mut e) => {
                // A position would point into one of the transaction's
                // statements without saying which: leave it out.
                if let Error::Query(q) = &mut e {
                    q.position = None;
                }
                report_error(&e, None, sink);
                sink.err("the transaction was rolled back: none of its changes were kept\n");
            }
        }
    }

    fn rollback(&mut self, sink: &mut Sink<'_>) {
        match self.tx.take() {
            Some(tx) => {
                tx.rollback();
                self.changed = true;
                sink.out(&format!(
                    "rolled back ({} statement(s) undone)\n",
                    self.tx_statements
                ));
            }
            None => sink.err("no transaction is open (:begin opens one)\n"),
        }
    }

    fn source(&mut self, rest: &str, sink: &mut Sink<'_>) {
        let path = unquote(rest);
        if path.is_empty() {
            sink.err("usage: :source FILE\n");
            return;
        }
        match std::fs::read_to_string(path) {
            Ok(text) => {
                self.run_text(&text, Some(path), sink);
            }
            Err(source) => report_error(
                &Error::Io {
                    path: path.to_string(),
                    source,
                },
                None,
                sink,
            ),
        }
    }

    /// `:dot FILE`: the last result as a DOT graph.
    fn dot(&mut self, rest: &str, sink: &mut Sink<'_>) {
        let path = unquote(rest);
        if path.is_empty() {
            sink.err("usage: :dot FILE (writes the last result as a Graphviz graph)\n");
            return;
        }
        let Some(result) = &self.last else {
            sink.err(":dot writes the last result, and nothing has run yet\n");
            return;
        };
        let written = std::fs::File::create(path)
            .map_err(|source| Error::Io {
                path: path.to_string(),
                source,
            })
            .and_then(|mut file| crate::export::write_result(result, crate::export::Format::Dot, &mut file));
        match written {
            Ok(report) => sink.out(&format!(
                "wrote {path}: {} node(s), {} relationship(s) (draw it with `dot -Tsvg {path} -o picture.svg`)\n",
                report.nodes, report.relationships
            )),
            Err(e) => report_error(&e, None, sink),
        }
    }

    /// Runs the statements of `text` one by one, printing each result as
    /// it comes, and stops at the first error. `file` names the script for
    /// error positions (`None` for what was typed).
    fn run_text(&mut self, text: &str, file: Option<&str>, sink: &mut Sink<'_>) -> bool {
        let script = match lang::Script::new(text) {
            Ok(script) => script,
            Err(e) => {
                self.fail(&Error::Query(name_file(e, file)), text, sink);
                return false;
            }
        };
        for span in script.statements() {
            let outcome = if self.cancel.is_cancelled() {
                // Ctrl-C between two statements of a script stops the rest.
                Err(Error::Query(QueryError::new(
                    ErrorClass::Cancelled,
                    "the script was cancelled",
                )))
            } else {
                script
                    .parse(span)
                    .map_err(Error::Query)
                    .and_then(|s| self.run_statement(&s, text))
            };
            match outcome {
                Ok(result) => {
                    if !result.stats.is_empty() {
                        self.changed = true;
                    }
                    for warning in &result.warnings {
                        sink.err(&format!("warning: {warning}\n"));
                    }
                    self.last = Some(result.clone());
                    let shown = self.show(result);
                    sink.out(&shown);
                }
                Err(e) => {
                    self.fail(&locate(e, text, span, file), text, sink);
                    return false;
                }
            }
        }
        true
    }

    fn run_statement(&mut self, statement: &Statement, text: &str) -> crate::Result<QueryResult> {
        let options = QueryOptions {
            cancel: Some(self.cancel.clone()),
            ..QueryOptions::default()
        };
        match &mut self.tx {
            Some(tx) => {
                self.tx_statements += 1;
                lang::execute_in(tx, statement, text, &self.params, &options)
            }
            None => lang::execute(self.graph, statement, text, &self.params, &options),
        }
    }

    /// Prints a failed statement's error; inside a transaction the whole
    /// transaction is rolled back, since the failed statement may have
    /// changed part of what it meant to.
    fn fail(&mut self, error: &Error, text: &str, sink: &mut Sink<'_>) {
        report_error(error, Some(text), sink);
        if let Some(tx) = self.tx.take() {
            tx.rollback();
            self.changed = true;
            sink.err(&format!(
                "the transaction was rolled back: none of its {} statement(s) took effect\n",
                self.tx_statements
            ));
        }
    }

    /// A result as the settings want it printed.
    fn show(&self, mut result: QueryResult) -> String {
        let summary = self.summary(&result);
        let limit = self.settings.rows;
        let hidden = limit.map_or(0, |n| result.rows.len().saturating_sub(n));
        let notice =
            format!("… {hidden} more row(s) not shown (raise the limit with :rows N or :rows all)\n");
        let evidence = self.settings.evidence;
        match self.settings.format {
            Format::Table if evidence => {
                self.view(|index, _| table_with_evidence(&result, limit, &summary, index))
            }
            Format::Table => {
                let text = render::render(&result, Format::Table, limit);
                // The table ends with the summary; swap in ours (which may
                // leave out the time).
                match text.strip_suffix(&render::summary(&result)) {
                    Some(body) => format!("{body}{summary}"),
                    None => text,
                }
            }
            format => {
                let mut text = if format == Format::Markdown {
                    render::render(&result, format, limit)
                } else {
                    // JSON and CSV print every row they are given: cut here.
                    if hidden > 0 {
                        result.rows.truncate(result.rows.len() - hidden);
                    }
                    let mut text = render::render(&result, format, None);
                    if hidden > 0 {
                        text.push_str(&notice);
                    }
                    text
                };
                if evidence {
                    let shown = limit.map_or(result.rows.len(), |n| n.min(result.rows.len()));
                    text.push_str(&self.view(|index, _| evidence_block(&result, shown, index)));
                }
                // Markdown without columns already ends with the summary.
                if !(format == Format::Markdown && result.columns.is_empty()) {
                    text.push_str(&summary);
                }
                text
            }
        }
    }

    /// `3 rows, 1 node created (0.42 ms)`, without the time when
    /// `:timing off`.
    fn summary(&self, result: &QueryResult) -> String {
        let full = render::summary(result);
        if self.settings.timing {
            return full;
        }
        match full.rfind(" (") {
            Some(i) => format!("{}\n", &full[..i]),
            None => full,
        }
    }
}

/// Prints an error: the class line, then for a query error with a
/// position in `text`, the line with a caret under the column.
fn report_error(error: &Error, text: Option<&str>, sink: &mut Sink<'_>) {
    let mut message = format!("{error}\n");
    if let (Error::Query(q), Some(text)) = (error, text)
        && let Some(snippet) = caret_snippet(q, text)
    {
        message.push_str(&snippet);
    }
    sink.err(&message);
}

fn name_file(e: QueryError, file: Option<&str>) -> QueryError {
    match file {
        Some(file) => e.in_file(file),
        None => e,
    }
}

/// Gives an error without a position the start of its statement, and the
/// script's file name.
fn locate(e: Error, text: &str, span: Span, file: Option<&str>) -> Error {
    match e {
        Error::Query(mut q) => {
            // A cancelled statement did nothing wrong at any place: a caret
            // under it would only suggest it did.
            if q.position.is_none() && q.class != ErrorClass::Cancelled {
                q.position = Some(span.position(text));
            }
            Error::Query(name_file(q, file))
        }
        other => other,
    }
}

fn parse_format(name: &str) -> Option<Format> {
    match name.to_ascii_lowercase().as_str() {
        "table" => Some(Format::Table),
        "json" => Some(Format::Json),
        "csv" => Some(Format::Csv),
        "markdown" | "md" => Some(Format::Markdown),
        "dot" => Some(Format::Dot),
        "graphml" => Some(Format::Graphml),
        _ => None,
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Json => "json",
        Format::Csv => "csv",
        Format::Markdown => "markdown",
        Format::Dot => "dot",
        Format::Graphml => "graphml",
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn rows_text(rows: Option<usize>) -> String {
    rows.map_or_else(|| "all".to_string(), |n| n.to_string())
}

/// A file name as typed, without surrounding quotes.
fn unquote(text: &str) -> &str {
    let text = text.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

/// Counts per label and relationship type, laid out as `attest stats`
/// prints them (read from `index`, which may be a transaction's).
fn stats_text(index: &GraphIndex, _schema: Option<&Schema>) -> String {
    crate::cli::render_stats(&crate::db::GraphStats::of(index))
}

/// An aligned table like `render`'s, with the evidence of each row's
/// elements printed under the row.
fn table_with_evidence(
    result: &QueryResult,
    limit: Option<usize>,
    summary: &str,
    index: &GraphIndex,
) -> String {
    render::table_with(
        result,
        limit,
        &|row| row_evidence(&result.columns, row, index),
        summary,
    )
}

/// The evidence of the first `shown` rows, row by row, for formats that
/// cannot carry it between rows.
fn evidence_block(result: &QueryResult, shown: usize, index: &GraphIndex) -> String {
    let mut out = String::new();
    for (i, row) in result.rows.iter().take(shown).enumerate() {
        let notes = row_evidence(&result.columns, row, index);
        if !notes.is_empty() {
            out.push_str(&format!("evidence of row {}:\n", i + 1));
            for note in notes {
                out.push_str(&note);
                out.push('\n');
            }
        }
    }
    out
}

/// Lines naming each node and relationship of a row (also inside lists,
/// maps and paths), each followed by the sources that support it.
fn row_evidence(columns: &[String], row: &[ResultValue], index: &GraphIndex) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut lines = Vec::new();
    for (column, value) in columns.iter().zip(row) {
        let mut elements = Vec::new();
        collect_elements(value, &mut elements);
        for (id, description) in elements {
            if !seen.insert(id) {
                continue;
            }
            lines.push(format!("  ↳ {column}: {description}"));
            match evidence_in(index, id) {
                Ok(list) if list.is_empty() => lines.push("      no evidence recorded".into()),
                Ok(list) => {
                    for evidence in list {
                        lines.push(match evidence.text {
                            Some(text) => format!("      {}: \"{text}\"", evidence.source),
                            None => format!("      {}", evidence.source),
                        });
                    }
                }
                // Deleted by the statement that returned it.
                Err(_) => lines.push("      no longer in the graph".into()),
            }
        }
    }
    lines
}

/// The elements in a value, each with a short description.
fn collect_elements(value: &ResultValue, out: &mut Vec<(ElementId, String)>) {
    match value {
        ResultValue::Node(n) => out.push(node_element(n)),
        ResultValue::Relationship(r) => out.push(relationship_element(r)),
        ResultValue::Path { nodes, rels } => {
            out.extend(nodes.iter().map(node_element));
            out.extend(rels.iter().map(relationship_element));
        }
        ResultValue::List(items) => items.iter().for_each(|v| collect_elements(v, out)),
        ResultValue::Map(entries) => entries.values().for_each(|v| collect_elements(v, out)),
        _ => {}
    }
}

/// `n5:Actor "Ash Carter"`: id, labels and name, enough to tell which node.
fn node_element(node: &NodeValue) -> (ElementId, String) {
    let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    let name = node
        .properties
        .get("name")
        .and_then(|v| v.as_str())
        .map(|s| format!(" {s:?}"))
        .unwrap_or_default();
    (ElementId::Node(node.id), format!("{}{labels}{name}", node.id))
}

/// `r7 [:AGENT] n1→n5`.
fn relationship_element(rel: &RelValue) -> (ElementId, String) {
    (
        ElementId::Rel(rel.id),
        format!("{} [:{}] {}→{}", rel.id, rel.rel_type, rel.start, rel.end),
    )
}
