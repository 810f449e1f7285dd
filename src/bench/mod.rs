//! The news-event benchmark (`shared/bench/README.md`) run on Attest.
//!
//! This layer owns measuring, so that the engine itself holds none of it:
//! the seven questions Q1–Q7 in Attest's query language, their parameters
//! from a data set's manifest, answers normalised as the peers' are, and a
//! timed run — import into a fresh store, close, reopen, one cold and
//! several warm runs of each question — reported in the JSON format of the
//! peers' `peers.py`. It calls `db`, `import` and `lang` as any embedding
//! program would; the CLI's `attest bench` prints what it returns.

use crate::db::{Graph, OpenOptions, SchemaChoice};
use crate::error::{Error, ErrorClass, QueryError, Result};
use crate::import::{self, ImportOptions, Manifest, ProgressFn};
use crate::lang::{Params, PreparedQuery, QueryResult, ResultValue};
use crate::model::{Date, Value};
use serde::Serialize;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The shape of a normalised answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// The first column of the first row: an integer, or null without rows.
    Scalar,
    /// Every row as `[string, integer]`.
    Pairs,
}

/// One benchmark question.
#[derive(Clone, Copy, Debug)]
pub struct BenchQuery {
    /// `Q1` … `Q7`.
    pub name: &'static str,
    /// The peers' description.
    pub description: &'static str,
    /// The statement, with parameters `$x $y $p $d1 $d2`.
    pub text: &'static str,
    shape: Shape,
}

/// The questions, as the README writes them in Cypher. CSV ids are node
/// ids after an import, so Q1 returns `id(a)` and Q3 compares `id(o)` with
/// `id(x)` where the peers compare an `id` property; Q6 is the openCypher
/// form the README gives.
pub const QUERIES: [BenchQuery; 7] = [
    BenchQuery {
        name: "Q1",
        description: "lookup: id of the Actor named X",
        text: "MATCH (a:Actor) WHERE a.name = $x RETURN id(a)",
        shape: Shape::Scalar,
    },
    BenchQuery {
        name: "Q2",
        description: "one hop: number of distinct Events with AGENT -> X",
        text: "MATCH (e:Event)-[:AGENT]->(x:Actor) WHERE x.name = $x RETURN count(DISTINCT e)",
        shape: Shape::Scalar,
    },
    BenchQuery {
        name: "Q3",
        description: "two hops: distinct actors other than X with any role (AGENT/TARGET/PARTICIPANT) in an event where X has any role",
        text: "MATCH (x:Actor)<-[:AGENT|TARGET|PARTICIPANT]-(e:Event)-[:AGENT|TARGET|PARTICIPANT]->(o:Actor) \
               WHERE x.name = $x AND id(o) <> id(x) RETURN count(DISTINCT o)",
        shape: Shape::Scalar,
    },
    BenchQuery {
        name: "Q4",
        description: "three hops: assertions ABOUT events whose TARGET is X, distinct assertions counted per SAID_BY speaker name; top 10 by count desc, name asc",
        text: "MATCH (x:Actor)<-[:TARGET]-(e:Event)<-[:ABOUT]-(s:Assertion)-[:SAID_BY]->(sp:Actor) \
               WHERE x.name = $x \
               RETURN sp.name AS speaker, count(DISTINCT s) AS n ORDER BY n DESC, speaker ASC LIMIT 10",
        shape: Shape::Pairs,
    },
    BenchQuery {
        name: "Q5",
        description: "filter+aggregate: events AT place P with date in [D1, D2], count per kind, ordered by kind",
        text: "MATCH (e:Event)-[:AT]->(p:Place) \
               WHERE p.name = $p AND e.date >= $d1 AND e.date <= $d2 \
               RETURN e.kind AS kind, count(*) AS n ORDER BY kind",
        shape: Shape::Pairs,
    },
    BenchQuery {
        name: "Q6",
        description: "shortest path: hops between X and Y over all relationship types, undirected, capped at 8 (null if farther or unreachable)",
        text: "MATCH p = shortestPath((a:Actor {name: $x})-[*..8]-(b:Actor {name: $y})) RETURN length(p)",
        shape: Shape::Scalar,
    },
    BenchQuery {
        name: "Q7",
        description: "full scan aggregate: (event, agent) pairs per agent actor kind, ordered by kind",
        text: "MATCH (e:Event)-[:AGENT]->(a:Actor) RETURN a.kind AS kind, count(*) AS n ORDER BY kind",
        shape: Shape::Pairs,
    },
];

impl BenchQuery {
    /// The answer as the peers compare it: Q1, Q6 an integer or null; Q2,
    /// Q3 an integer; Q4, Q5, Q7 a list of `[string, integer]`.
    pub fn normalise(&self, result: &QueryResult) -> Result<Json> {
        let unexpected = |v: &ResultValue| {
            Error::Query(QueryError::new(
                ErrorClass::TypeError,
                format!("{}: unexpected value {v:?} in the answer", self.name),
            ))
        };
        match self.shape {
            Shape::Scalar => match result.rows.first().and_then(|row| row.first()) {
                None | Some(ResultValue::Null) => Ok(Json::Null),
                Some(ResultValue::Int(n)) => Ok(json!(n)),
                Some(other) => Err(unexpected(other)),
            },
            Shape::Pairs => result
                .rows
                .iter()
                .map(|row| match row.as_slice() {
                    [ResultValue::String(s), ResultValue::Int(n)] => Ok(json!([s, n])),
                    [other, ..] => Err(unexpected(other)),
                    [] => Ok(Json::Null),
                })
                .collect::<Result<Vec<_>>>()
                .map(Json::Array),
        }
    }
}

/// The query parameters from a manifest's `params`: `$x`, `$y` (actor
/// names), `$p` (place name), `$d1`, `$d2` (dates).
pub fn params(manifest: &Manifest) -> Result<Params> {
    let text = |key: &str| -> Result<String> {
        manifest
            .params
            .get(key)
            .and_then(Json::as_str)
            .map(str::to_string)
            .ok_or_else(|| manifest_error(format!("params.{key} is missing or not a string")))
    };
    let date = |key: &str| -> Result<Value> {
        let t = text(key)?;
        Date::parse(&t)
            .map(Value::Date)
            .ok_or_else(|| manifest_error(format!("params.{key} `{t}` is not a date (YYYY-MM-DD)")))
    };
    Ok(Params::from([
        ("x".to_string(), Value::from(text("x_name")?)),
        ("y".to_string(), Value::from(text("y_name")?)),
        ("p".to_string(), Value::from(text("place_name")?)),
        ("d1".to_string(), date("date_from")?),
        ("d2".to_string(), date("date_to")?),
    ]))
}

fn manifest_error(message: String) -> Error {
    Error::Query(QueryError::new(ErrorClass::SemanticError, message).in_file(import::MANIFEST))
}

/// Reads the manifest the benchmark needs (it holds the parameters).
pub fn read_manifest(data: &Path) -> Result<Manifest> {
    import::read_manifest(data)?.ok_or_else(|| Error::Io {
        path: data.join(import::MANIFEST).display().to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the benchmark needs the data set's manifest (gen_dataset.py writes it)",
        ),
    })
}

/// Runs one question once, plan to last row, and normalises the answer.
/// The statement is parsed once beforehand, as an application (or
/// SQLite's statement cache, which the SQLite peer uses) would.
pub fn run_once(
    graph: &Graph,
    query: &BenchQuery,
    prepared: &PreparedQuery,
    params: &Params,
) -> Result<(Duration, Json)> {
    let started = Instant::now();
    let result = prepared.run(graph, params)?;
    let elapsed = started.elapsed();
    Ok((elapsed, query.normalise(&result)?))
}

/// One question's timings and answer, as the peers' JSON has them.
#[derive(Clone, Debug, Serialize)]
pub struct QueryTiming {
    /// The first run after reopening, in milliseconds.
    pub cold_ms: f64,
    /// The median of the warm runs (none when no warm run was made).
    pub warm_median_ms: Option<f64>,
    /// How many warm runs were made.
    pub warm_runs: usize,
    /// Every warm run, in milliseconds.
    pub warm_ms: Vec<f64>,
    /// The answer, normalised as the benchmark's README says.
    pub result: Json,
    /// Present when a warm run answered differently from the cold one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// Times one question: a cold run, then `repeat` warm runs, fewer when the
/// cold run says they would take longer than `budget` (at least one), as
/// `peers.py` does.
pub fn time_query(
    graph: &Graph,
    query: &BenchQuery,
    params: &Params,
    repeat: usize,
    budget: Duration,
) -> Result<QueryTiming> {
    let prepared = graph.prepare(query.text)?;
    let (cold, result) = run_once(graph, query, &prepared, params)?;
    let mut runs = repeat;
    if !cold.is_zero() && cold.as_secs_f64() * repeat as f64 > budget.as_secs_f64() {
        runs = ((budget.as_secs_f64() / cold.as_secs_f64()) as usize).max(1);
    }
    let mut warm = Vec::with_capacity(runs);
    let mut warning = None;
    for _ in 0..runs {
        let (elapsed, again) = run_once(graph, query, &prepared, params)?;
        if again != result {
            warning = Some(format!("a warm run answered {again}"));
        }
        warm.push(ms(elapsed));
    }
    Ok(QueryTiming {
        cold_ms: ms(cold),
        warm_median_ms: median(&warm),
        warm_runs: warm.len(),
        warm_ms: warm,
        result,
        warning,
    })
}

fn ms(d: Duration) -> f64 {
    round3(d.as_secs_f64() * 1000.0)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The median, as Python's `statistics.median` takes it.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(round3((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0)),
    }
}

/// What `attest bench` runs.
#[derive(Clone, Default)]
pub struct BenchOptions {
    /// The data set: `gen_dataset.py`'s directory.
    pub data: PathBuf,
    /// Where to build the store (must be new); default: a temporary
    /// directory, removed afterwards.
    pub store: Option<PathBuf>,
    /// Warm runs per question.
    pub repeat: usize,
    /// Seconds of warm runs per question at most (at least one run).
    pub query_budget: Duration,
    /// A peers' results file whose `agreement` answers to compare with.
    pub peers: Option<PathBuf>,
    /// Import progress.
    pub progress: Option<ProgressFn>,
}

/// Runs the benchmark and returns the result document (`peers.py`'s
/// format with Attest as the one engine).
pub fn run(options: &BenchOptions) -> Result<Json> {
    let started_at = utc_now();
    let wall = Instant::now();
    let manifest = read_manifest(&options.data)?;
    let params = params(&manifest)?;
    let reference = options.peers.as_deref().map(peers_answers).transpose()?;
    let store = match &options.store {
        Some(path) => StoreDir::kept(path.clone()),
        None => StoreDir::temporary()?,
    };
    let rss_before_load = rss_mb("VmRSS");
    let news = OpenOptions {
        schema: SchemaChoice::News,
    };
    let load_started = Instant::now();
    let graph = Graph::open_with(&store.path, news)?;
    let import_options = ImportOptions {
        progress: options.progress.clone(),
        ..ImportOptions::default()
    };
    let report = import::import_csv(&graph, &options.data, &import_options)?;
    drop(graph);
    let load_seconds = load_started.elapsed().as_secs_f64();
    let load_peak = rss_mb("VmHWM");
    let rss_after_load = rss_mb("VmRSS");
    let store_bytes = dir_bytes(&store.path)?;
    let reopen_started = Instant::now();
    let graph = Graph::open(&store.path)?;
    let reopen_seconds = reopen_started.elapsed().as_secs_f64();
    let mut queries = serde_json::Map::new();
    let mut agreement = serde_json::Map::new();
    for query in &QUERIES {
        let timing = time_query(&graph, query, &params, options.repeat, options.query_budget);
        let entry = match timing {
            Ok(timing) => {
                if let Some(reference) = &reference {
                    let expected = reference.get(query.name).cloned().unwrap_or(Json::Null);
                    agreement.insert(
                        query.name.to_string(),
                        json!({"agree": expected == timing.result, "engines": ["attest"], "result": expected}),
                    );
                }
                serde_json::to_value(timing).map_err(|e| Error::Format(e.to_string()))?
            }
            Err(e) => json!({"error": e.to_string()}),
        };
        queries.insert(query.name.to_string(), entry);
    }
    let store_bytes_after = dir_bytes(&store.path)?;
    drop(graph);
    let mut engine = json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "notes": [
            "attest import of the generated CSVs (manifest.json) into a new typed store (news schema), then closed and reopened",
            "queries in Attest's openCypher dialect with the manifest's parameters; CSV ids are node ids, so Q1 returns id(a)",
            if cfg!(debug_assertions) { "debug build: timings are not representative" } else { "release build" },
        ],
        "run_at": started_at,
        "rss_before_load_mb": rss_before_load,
        "load": {
            "seconds": round3(load_seconds),
            "store_bytes": store_bytes,
            "peak_rss_mb": load_peak,
            "rss_after_load_mb": rss_after_load,
            "steps_s": {"read": round3(report.read_seconds), "write": round3(report.write_seconds)},
        },
        "reopen_s": round3(reopen_seconds),
        "queries": queries,
        "store_bytes_after_queries": store_bytes_after,
    });
    engine["peak_rss_mb"] = json!(rss_mb("VmHWM"));
    engine["wall_s"] = json!(round3(wall.elapsed().as_secs_f64()));
    let counts: BTreeMap<&String, Option<u64>> = manifest.files.iter().map(|(f, e)| (f, e.count)).collect();
    let csv_bytes: u64 = manifest
        .files
        .keys()
        .filter_map(|f| std::fs::metadata(options.data.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let mut document = json!({
        "format_version": 1,
        "benchmark": "kg-news-events attest",
        "started": started_at,
        "dataset": {
            "events": manifest.events,
            "seed": manifest.seed,
            "nodes": report.nodes,
            "relationships": report.relationships,
            "csv_bytes": csv_bytes,
            "counts": counts,
            "params": manifest.params,
        },
        "settings": {
            "repeat": options.repeat,
            "query_budget_s": options.query_budget.as_secs_f64(),
            "cold": "first run of the query after the store was closed and reopened (earlier queries may have warmed caches; OS page cache not dropped)",
            "timing": "wall clock in the attest process: parse, plan and run, resolving every result row",
        },
        "machine": machine(),
        "queries": QUERIES.iter().map(|q| (q.name, q.description)).collect::<BTreeMap<_, _>>(),
        "engines": {"attest": engine},
    });
    if reference.is_some() {
        document["agreement"] = Json::Object(agreement);
    }
    document["finished"] = json!(utc_now());
    Ok(document)
}

/// The reference answers of a peers' results file (`agreement.QN.result`).
pub fn peers_answers(path: &Path) -> Result<BTreeMap<String, Json>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    let document: Json = serde_json::from_str(&text)
        .map_err(|e| Error::Query(QueryError::new(ErrorClass::SyntaxError, e.to_string()).in_file(&name)))?;
    let agreement = document
        .get("agreement")
        .and_then(Json::as_object)
        .ok_or_else(|| {
            Error::Query(QueryError::new(ErrorClass::SemanticError, "no `agreement` object").in_file(&name))
        })?;
    Ok(agreement
        .iter()
        .filter_map(|(q, a)| Some((q.clone(), a.get("result")?.clone())))
        .collect())
}

/// The store's directory: a temporary one is removed on drop.
struct StoreDir {
    path: PathBuf,
    remove: bool,
}

impl StoreDir {
    fn kept(path: PathBuf) -> StoreDir {
        StoreDir { path, remove: false }
    }

    fn temporary() -> Result<StoreDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!("attest-bench-{}-{nanos}", std::process::id()));
        Ok(StoreDir { path, remove: true })
    }
}

impl Drop for StoreDir {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Apparent size of every file under `dir`.
fn dir_bytes(dir: &Path) -> Result<u64> {
    let io = |source| Error::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut total = 0;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let meta = entry.metadata().map_err(io)?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// A `/proc/self/status` figure (`VmHWM` = peak resident set, `VmRSS` =
/// now) in MB; null where there is no /proc.
fn rss_mb(field: &str) -> Json {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(Json::Null, |kb| json!((kb / 1024.0 * 10.0).round() / 10.0))
}

/// What `peers.py` records about the machine, as far as Rust can tell.
fn machine() -> Json {
    let mem_kb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().next()?.split_whitespace().nth(1)?.parse::<f64>().ok());
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|t| {
        t.lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, m)| m.trim().to_string())
    });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    json!({
        "platform": format!("{}-{}-{}", std::env::consts::OS, kernel.trim(), std::env::consts::ARCH),
        "cpus": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "mem_total_gib": mem_kb.map(|kb| (kb / 1_048_576.0 * 10.0).round() / 10.0),
        "cpu_model": cpu_model,
        "build": if cfg!(debug_assertions) { "debug" } else { "release" },
    })
}

/// `2026-11-25T00:01:23+00:00`, as `peers.py` writes times.
fn utc_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = Date::from_days((seconds / 86_400) as i32);
    let rest = seconds % 86_400;
    format!(
        "{day}T{:02}:{:02}:{:02}+00:00",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_as_python_takes_them() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn every_question_parses() {
        for q in &QUERIES {
            crate::lang::parse(q.text).unwrap_or_else(|e| panic!("{}: {e}", q.name));
        }
    }
}
