//! The command line: argument parsing, choosing the store, printing.
//!
//! This layer owns everything about terminals and processes: clap
//! arguments, which store and schema to open, exit codes, and printing
//! results and errors (with the offending line and a caret). It calls the
//! library's public API only (`db`, `facts`, `schema`), as any embedding
//! tool would. Only this layer knows about terminals.

use crate::db::{Graph, OpenOptions, SchemaChoice};
use crate::error::{Error, QueryError};
use crate::facts;
use crate::schema::Schema;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The default store, created in the working directory on first run.
pub const DEFAULT_STORE: &str = "attest.db";

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
    /// unless --schema is given).
    #[arg(long, global = true, conflicts_with = "db")]
    pub memory: bool,
    /// Schema file for a new store (TOML; see docs/data-model.md).
    #[arg(long, global = true, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Create a new store without a schema (an open store).
    #[arg(long, global = true, conflicts_with = "schema")]
    pub schemaless: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load a fact file (or the bundled article with `load article`).
    Load {
        /// Path of a `.facts` file, or `article` for the bundled article.
        file: String,
    },
    /// Print counts per label and relationship type.
    Stats,
    /// Print the store's schema as a schema file.
    Schema,
    /// Print the log of committed transactions.
    History,
}

/// Entry point of the `attest` binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, None);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    let graph = open_store(&cli)?;
    match cli.command {
        Some(Command::Load { file }) => load(&graph, &file),
        Some(Command::Stats) => {
            print!("{}", render_stats(&graph));
            Ok(())
        }
        Some(Command::Schema) => {
            match graph.schema() {
                Some(schema) => print!("{}", schema.to_toml()),
                None => {
                    println!("# this store is open (schemaless): any label, relationship type and property")
                }
            }
            Ok(())
        }
        Some(Command::History) => {
            for t in graph.history()? {
                println!(
                    "{:>6}  {}  +{}n -{}n +{}r -{}r  {}",
                    t.txn,
                    t.unix_ms,
                    t.nodes_written,
                    t.nodes_deleted,
                    t.relationships_written,
                    t.relationships_deleted,
                    t.description
                );
            }
            Ok(())
        }
        None => {
            print!("{}", render_stats(&graph));
            Ok(())
        }
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
    match &cli.db {
        Some(path) => Graph::open_with(path, options),
        None => {
            let graph = Graph::open_with(DEFAULT_STORE, options)?;
            if graph.was_created() {
                let report = facts::load_article(&graph)?;
                eprintln!("created {DEFAULT_STORE} and loaded the bundled article: {report}");
            }
            Ok(graph)
        }
    }
}

fn read_schema(path: &Path) -> Result<Schema, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Schema::from_toml(&text, &path.display().to_string())?)
}

fn load(graph: &Graph, file: &str) -> Result<(), Error> {
    let report = if file == "article" {
        facts::load_article(graph)?
    } else {
        facts::load_file(graph, Path::new(file))?
    };
    println!("{report}");
    Ok(())
}

/// Counts per label and relationship type, as `attest stats` prints them.
pub fn render_stats(graph: &Graph) -> String {
    let stats = graph.stats();
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
