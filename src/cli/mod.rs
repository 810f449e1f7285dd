//! The command line: argument parsing, choosing the store, printing.
//!
//! This layer owns everything about terminals and processes: clap
//! arguments, which store and schema to open, exit codes, and printing
//! results and errors (with the offending line and a caret). It calls the
//! library's public API only (`db`, `facts`, `schema`), as any embedding
//! tool would. Only this layer knows about terminals.

pub mod bench;
mod crash;
pub mod json;
pub mod progress;
pub mod render;
pub mod repl;

use crate::access::FileAccess;
use crate::db::{Graph, OpenOptions, SchemaChoice};
use crate::error::{Error, QueryError};
use crate::facts;
use crate::import::{IdMode, ImportOptions};
use crate::lang::{self, Params, PreparedQuery};
use crate::schema::Schema;
use clap::{Parser, Subcommand};
use render::Format;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The default store, created in the working directory on first run.
pub const DEFAULT_STORE: &str = "attest.db";

/// The `attest` command line: global options and an optional subcommand.
#[derive(Parser, Debug)]
#[command(
    name = "attest",
    version,
    about = "An embedded, typed, provenance-first knowledge-graph store for news facts"
)]
pub struct Cli {
    /// The store to open (created when missing). Default: ./attest.db,
    /// seeded with the bundled article on first run.
    #[arg(long, env = "ATTEST_DB", global = true)]
    pub db: Option<PathBuf>,
    /// Use an empty in-memory store that vanishes at exit (schemaless
    /// unless --schema is given). Overrides ATTEST_DB; not allowed with
    /// --db.
    #[arg(long, global = true)]
    pub memory: bool,
    /// Schema file for a new store (TOML; see docs/data-model.md).
    #[arg(long, global = true, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Create a new store without a schema (an open store).
    #[arg(long, global = true, conflicts_with = "schema")]
    pub schemaless: bool,
    /// Open an existing store for reading only: several read-only
    /// processes may share it; writes fail. Reads a snapshot of the store
    /// as it is at the open (see docs/reliability.md).
    #[arg(long, global = true, conflicts_with = "memory")]
    pub read_only: bool,
    /// A directory that files named *inside* inputs (the document texts a
    /// fact file names) may be read from, besides the working directory
    /// and the fact file's own. Repeatable.
    #[arg(long = "allow-dir", global = true, value_name = "DIR")]
    pub allow_dirs: Vec<PathBuf>,
    /// What to do; `None` starts the interactive shell on a terminal and
    /// runs standard input as a script otherwise.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands of `attest`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load a fact file (or the bundled article with `load article`).
    Load {
        /// Path of a `.facts` file, or `article` for the bundled article.
        file: String,
    },
    /// Import a directory of CSV files (one per label and relationship
    /// type, optional manifest.json; see docs/interchange.md), or a JSON
    /// Lines or RDF export (docs/interop.md), checked against the schema,
    /// all or nothing, as one transaction.
    #[command(group(clap::ArgGroup::new("input").required(true).args(["csv", "jsonl", "rdf"])))]
    Import {
        /// The directory of CSV files.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// A JSON Lines export (`attest export --format jsonl`).
        #[arg(long, value_name = "FILE")]
        jsonl: Option<PathBuf>,
        /// An RDF export: N-Triples (`.nt`) or Turtle (anything else).
        #[arg(long, value_name = "FILE")]
        rdf: Option<PathBuf>,
        /// Give the nodes new ids; the CSV ids then only connect the
        /// relationship files to the node files. Without it the CSV ids
        /// become the node ids and must be new to the store. (CSV only.)
        #[arg(long, requires = "csv")]
        remap_ids: bool,
    },
    /// Export the whole store: JSON Lines (lossless), a CSV directory in
    /// the bulk-import layout, RDF (N-Triples, Turtle), GraphML or DOT
    /// (docs/interop.md).
    Export {
        /// The format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Where to write: a file (standard output when left out), or for
        /// CSV the directory to create (required).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// RDF only: attach relationship details with classic
        /// `rdf:Statement` reification instead of RDF 1.2 (RDF-star)
        /// `rdf:reifies` triple terms, for stores without RDF 1.2.
        #[arg(long)]
        rdf_reification: bool,
    },
    /// Run the news-event benchmark (shared/bench/README.md): import a
    /// generated data set into a new store, reopen it, time Q1–Q7 and
    /// write the results as JSON (the peers' format). Ignores --db.
    Bench {
        /// The data set directory (gen_dataset.py's output, with manifest.json).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Where to write the results.
        #[arg(long, value_name = "OUT.json")]
        json: PathBuf,
        /// Warm runs per query.
        #[arg(long, default_value_t = 10)]
        repeat: usize,
        /// Build the store here (kept) instead of in a temporary directory.
        #[arg(long, value_name = "PATH")]
        store: Option<PathBuf>,
        /// Seconds of warm runs per query at most (at least one run).
        #[arg(long, default_value_t = 60.0)]
        query_budget: f64,
        /// A peers' results file (peers-10k.json) to check the answers against.
        #[arg(long, value_name = "FILE.json")]
        peers: Option<PathBuf>,
    },
    /// Print counts per label and relationship type.
    Stats,
    /// Check the store's integrity: every index entry against the records
    /// (exit code 1 when anything disagrees). Reads only.
    Check,
    /// The crash harness's writer (tests/crash.rs): commits fact-file
    /// loads, query writes and bulk imports in turn, printing `ack KIND
    /// SEQ` after each commit returns, until it is killed.
    #[command(hide = true)]
    CrashWriter {
        /// Seed of the writer's choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the store's schema as a schema file.
    Schema,
    /// Print the log of committed transactions.
    History,
    /// Run script files: statements separated by `;`, `//` and `/* */`
    /// comments. Stops at the first error (FILE:line:column, exit code 1).
    Run {
        /// Script files, run in the order given.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How results print.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Parameters as a JSON object of name: value.
        #[arg(long, value_name = "FILE.json")]
        params: Option<PathBuf>,
    },
    /// Run one statement.
    Query {
        /// The statement, e.g. "MATCH (a:Actor) RETURN a.name".
        text: String,
        /// How results print.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Parameters as a JSON object of name: value.
        #[arg(long, value_name = "FILE.json")]
        params: Option<PathBuf>,
    },
}

/// The formats of `attest export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// JSON Lines: every id, label, typed property, source and key.
    Jsonl,
    /// A directory of CSV files with manifest.json (needs --out DIR).
    Csv,
    /// RDF N-Triples.
    Ntriples,
    /// RDF Turtle.
    Turtle,
    /// GraphML (Gephi, yEd, NetworkX).
    Graphml,
    /// Graphviz DOT.
    Dot,
}

impl From<ExportFormat> for crate::export::Format {
    fn from(f: ExportFormat) -> Self {
        use crate::export::Format as F;
        match f {
            ExportFormat::Jsonl => F::Jsonl,
            ExportFormat::Csv => F::Csv,
            ExportFormat::Ntriples => F::NTriples,
            ExportFormat::Turtle => F::Turtle,
            ExportFormat::Graphml => F::GraphMl,
            ExportFormat::Dot => F::Dot,
        }
    }
}

/// Entry point of the `attest` binary.
pub fn main() -> ExitCode {
    let cli = parse_args();
    let source = script_text(&cli);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, source.as_deref());
            ExitCode::FAILURE
        }
    }
}

/// Parses the command line. `--memory` conflicts with `--db` given on the
/// command line, but not with an `ATTEST_DB` exported in the shell: that
/// one only names the usual store, and `--memory` overrides it. (clap counts
/// a value from the environment as present, so a plain `conflicts_with`
/// would refuse `ATTEST_DB=x attest --memory`.)
fn parse_args() -> Cli {
    use clap::parser::ValueSource;
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if cli.memory {
        if matches.value_source("db") == Some(ValueSource::CommandLine) {
            Cli::command()
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "the argument '--memory' cannot be used with '--db <DB>'",
                )
                .exit();
        }
        cli.db = None;
    }
    cli
}

/// The text an error position may point into, for the caret line.
fn script_text(cli: &Cli) -> Option<String> {
    match &cli.command {
        Some(Command::Query { text, .. }) => Some(text.clone()),
        _ => None,
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    // The benchmark builds a store of its own.
    if let Some(Command::Bench {
        data,
        json,
        repeat,
        store,
        query_budget,
        peers,
    }) = cli.command
    {
        return bench::run(data, json, store, repeat, query_budget, peers);
    }
    let graph = open_store(&cli)?;
    let access = file_access(&cli)?;
    match cli.command {
        Some(Command::Run {
            files,
            format,
            params,
        }) => {
            let params = read_params(params.as_deref())?;
            for file in &files {
                let name = file.display().to_string();
                let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
                    path: name.clone(),
                    source,
                })?;
                run_script(&graph, &text, &name, &params, format)?;
            }
            Ok(())
        }
        Some(Command::Query { text, format, params }) => {
            let params = read_params(params.as_deref())?;
            run_script(&graph, &text, "query", &params, format)
        }
        Some(Command::Load { file }) => load(&graph, &file, &access),
        Some(Command::Check) => {
            let report = graph.check_integrity()?;
            out(&report.to_string());
            if report.is_ok() {
                Ok(())
            } else {
                Err(Error::Format(format!(
                    "{}: the integrity check found {} problems",
                    graph
                        .path()
                        .map_or("the store".into(), |p| p.display().to_string()),
                    report.problem_count
                )))
            }
        }
        Some(Command::CrashWriter { seed }) => crash::writer(&graph, seed),
        Some(Command::Import {
            csv,
            jsonl,
            rdf,
            remap_ids,
        }) => {
            let report = match (csv, jsonl, rdf) {
                (Some(csv), _, _) => {
                    let bar = progress::ImportBar::new();
                    let options = ImportOptions {
                        ids: if remap_ids { IdMode::Remap } else { IdMode::Keep },
                        progress: Some(bar.callback.clone()),
                    };
                    let report = crate::import::import_csv(&graph, &csv, &options);
                    bar.finish();
                    report
                }
                (None, Some(jsonl), _) => crate::import::import_jsonl(&graph, &jsonl),
                (None, None, Some(rdf)) => crate::import::import_rdf(&graph, &rdf),
                (None, None, None) => {
                    return Err(Error::query(
                        crate::ErrorClass::ArgumentError,
                        "attest import needs --csv DIR, --jsonl FILE or --rdf FILE",
                    ));
                }
            };
            out(&report?.to_string());
            Ok(())
        }
        Some(Command::Export {
            format,
            out: path,
            rdf_reification,
        }) => export(&graph, format.into(), path.as_deref(), rdf_reification),
        Some(Command::Bench { .. }) => Ok(()),
        Some(Command::Stats) => {
            out(&render_stats(&graph.stats()));
            Ok(())
        }
        Some(Command::Schema) => {
            match graph.schema() {
                Some(schema) => out(&schema.to_toml()),
                None => out("# this store is open (schemaless): any label, relationship type and property\n"),
            }
            Ok(())
        }
        Some(Command::History) => {
            for t in graph.history()? {
                out(&format!(
                    "{:>6}  {}  +{}n -{}n +{}r -{}r  {}\n",
                    t.txn,
                    utc_time(t.unix_ms),
                    t.nodes_written,
                    t.nodes_deleted,
                    t.relationships_written,
                    t.relationships_deleted,
                    t.description
                ));
            }
            Ok(())
        }
        None => {
            if std::io::stdin().is_terminal() {
                repl::run(&graph)
            } else {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|source| Error::Io {
                        path: "standard input".into(),
                        source,
                    })?;
                run_script(&graph, &text, "stdin", &Params::new(), Format::Table)
            }
        }
    }
}

/// `attest export`: to a file, standard output, or (CSV) a directory; the
/// summary goes to standard error so that standard output carries only the
/// export.
fn export(
    graph: &Graph,
    format: crate::export::Format,
    path: Option<&Path>,
    plain: bool,
) -> Result<(), Error> {
    use crate::export::{self, ExportOptions, Reification};
    let options = ExportOptions {
        reification: if plain {
            Reification::Plain
        } else {
            Reification::Star
        },
    };
    let report = match (format, path) {
        (export::Format::Csv, Some(dir)) => export::write_csv(graph, dir)?,
        (export::Format::Csv, None) => {
            return Err(Error::query(
                crate::ErrorClass::ArgumentError,
                "CSV export writes a directory: give it with --out DIR",
            ));
        }
        (_, Some(file)) => {
            let name = file.display().to_string();
            let mut f = std::fs::File::create(file).map_err(|source| Error::Io { path: name, source })?;
            export::write(graph, format, &options, &mut f)?
        }
        (_, None) => match export::write(graph, format, &options, &mut std::io::stdout().lock()) {
            // A reader that went away (`attest export … | head`) is not an
            // error of ours, as for every other printing command.
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        },
    };
    let place = path.map_or("standard output".to_string(), |p| p.display().to_string());
    eprintln!(
        "exported {} nodes and {} relationships as {format} to {place}",
        report.nodes, report.relationships
    );
    Ok(())
}

fn read_params(path: Option<&Path>) -> Result<Params, Error> {
    let Some(path) = path else {
        return Ok(Params::new());
    };
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    Ok(json::params_from_json(&text, &name)?)
}

/// Writes to standard output. A reader that went away (`attest … | head`)
/// is not an error of ours, so write failures are ignored rather than
/// panicking as `print!` would.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// A script failed: the error is already printed.
#[derive(Debug)]
pub struct Reported;

/// Runs the statements of a script one by one, printing each result as
/// soon as it is complete (so a reader of the output can tell how far the
/// script got). The first error is printed with FILE:line:column and the
/// offending line, and ends the script.
pub fn run_script(
    graph: &Graph,
    text: &str,
    file: &str,
    params: &Params,
    format: Format,
) -> Result<(), Error> {
    let script = lang::Script::new(text).map_err(|e| Error::Query(e.in_file(file)))?;
    let shared: std::sync::Arc<str> = text.into();
    let stdout = std::io::stdout();
    for span in script.statements() {
        let outcome = script
            .parse(span)
            .map_err(Error::Query)
            .and_then(|statement| PreparedQuery::from_parsed(statement, shared.clone()).run(graph, params));
        match outcome {
            Ok(result) => {
                for warning in &result.warnings {
                    eprintln!("warning: {warning}");
                }
                let mut out = stdout.lock();
                let _ = out.write_all(render::render(&result, format, None).as_bytes());
                let _ = out.flush();
            }
            Err(e) => {
                let e = locate(e, file, text, span);
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Gives an error without a position the statement's start, and names the file.
fn locate(e: Error, file: &str, text: &str, span: lang::ast::Span) -> Error {
    match e {
        Error::Query(mut q) => {
            if q.position.is_none() {
                q.position = Some(span.position(text));
            }
            Error::Query(q.in_file(file))
        }
        other => other,
    }
}

/// Opens the store the flags select; see the README for the rules.
pub fn open_store(cli: &Cli) -> Result<Graph, Error> {
    let schema = match (&cli.schema, cli.schemaless) {
        (Some(path), _) => SchemaChoice::Custom(read_schema(path)?),
        (None, true) => SchemaChoice::Schemaless,
        (None, false) if cli.memory => SchemaChoice::Schemaless,
        (None, false) => SchemaChoice::News,
    };
    let options = OpenOptions { schema };
    if cli.memory {
        return Ok(Graph::in_memory_with(options));
    }
    if cli.read_only {
        return Graph::open_read_only(cli.db.as_deref().unwrap_or(Path::new(DEFAULT_STORE)));
    }
    let graph = match &cli.db {
        Some(path) => Graph::open_with(path, options)?,
        None => {
            let graph = Graph::open_with(DEFAULT_STORE, options)?;
            if graph.was_created() {
                let report = facts::load_article(&graph)?;
                eprintln!("created {DEFAULT_STORE} and loaded the bundled article: {report}");
            }
            graph
        }
    };
    if let Some(r) = graph.recovered_import() {
        eprintln!(
            "warning: removed an import that did not finish ({}): {} nodes and {} relationships it had written",
            r.description, r.nodes, r.relationships
        );
    }
    Ok(graph)
}

fn read_schema(path: &Path) -> Result<Schema, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Schema::from_toml(&text, &path.display().to_string())?)
}

/// Where files named inside inputs may be read from: the working directory
/// and every `--allow-dir`. Files the user names (on the command line, at
/// the REPL's `:source`) are the user's own choice and are read wherever
/// they are.
fn file_access(cli: &Cli) -> Result<FileAccess, Error> {
    let mut access = FileAccess::working_directory()?;
    for dir in &cli.allow_dirs {
        access.allow(dir)?;
    }
    Ok(access)
}

fn load(graph: &Graph, file: &str, access: &FileAccess) -> Result<(), Error> {
    let report = if file == "article" {
        facts::load_article(graph)?
    } else {
        facts::load_file_with(graph, Path::new(file), access)?
    };
    out(&format!("{report}\n"));
    Ok(())
}

/// `2016-06-18T14:05:09Z` for milliseconds since the Unix epoch.
pub fn utc_time(unix_ms: u64) -> String {
    let seconds = unix_ms / 1000;
    let day = crate::model::Date::from_days((seconds / 86_400) as i32);
    let rest = seconds % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", rest / 3600, rest / 60 % 60, rest % 60)
}

/// Counts per label and relationship type, as `attest stats` prints them.
pub fn render_stats(stats: &crate::db::GraphStats) -> String {
    let mut out = format!("{} nodes, {} relationships\n", stats.nodes, stats.relationships);
    let width = stats
        .labels
        .iter()
        .chain(&stats.relationship_types)
        .map(|(n, _)| n.len() + 2)
        .max()
        .unwrap_or(0);
    for (label, n) in &stats.labels {
        out.push_str(&format!("  {:<width$} {n:>8}\n", format!(":{label}")));
    }
    for (t, n) in &stats.relationship_types {
        out.push_str(&format!("  {:<width$} {n:>8}\n", format!("[:{t}]")));
    }
    out
}

/// Prints an error to stderr: the class line first (the conformance runner
/// reads it), then, when the input text is at hand, the offending line with
/// a caret under the position.
pub fn report(error: &Error, source: Option<&str>) {
    eprintln!("{error}");
    let file_text = match error {
        Error::Query(QueryError { file: Some(f), .. }) if source.is_none() => std::fs::read_to_string(f).ok(),
        _ => None,
    };
    let source = source.or(file_text.as_deref());
    if let (Error::Query(q), Some(text)) = (error, source)
        && let Some(snippet) = caret_snippet(q, text)
    {
        eprint!("{snippet}");
    }
}

/// The line a query error points at, with a caret under its column.
pub fn caret_snippet(error: &QueryError, text: &str) -> Option<String> {
    let position = error.position?;
    let line = text.lines().nth(position.line.saturating_sub(1) as usize)?;
    let pad: String = line
        .chars()
        .take(position.column.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!("  {line}\n  {pad}^\n"))
}
