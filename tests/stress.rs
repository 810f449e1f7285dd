//! Concurrency stress: 8 reader threads and 1 writer on one `Graph`.
//!
//! Every statement the writer runs keeps two invariants, which readers
//! check on every read; a reader that saw half a statement would see one
//! broken:
//!
//! - **ledger**: ten `stress ledger` Sentences whose `start` values sum to
//!   1000; the writer moves amounts between two of them in one statement;
//! - **pairs**: every `stress actor` Actor has exactly one Event AGENT
//!   relationship; the writer creates and deletes actor and event together.
//!
//! Readers also run the benchmark's questions (Q1–Q7) when the store holds
//! the benchmark data. The test fails on a broken invariant, a panic, or a
//! thread that does not finish in time (a deadlock). `cargo test` runs a
//! short version on the article's graph; `scripts/stress-run.sh [SECONDS]`
//! runs the ignored long version on the 100k-event data set, on disk.

use attest::bench::{self, QUERIES};
use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::lang::{Params, ResultValue};
use attest::model::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

const READERS: usize = 8;
const LEDGER: &str = "MATCH (s:Sentence) WHERE s.text = 'stress ledger' RETURN sum(s.start), count(s)";
const PAIRS: &str = "MATCH (a:Actor) WHERE a.name STARTS WITH 'stress actor ' \
                     OPTIONAL MATCH (a)<-[:AGENT]-(e:Event) RETURN count(DISTINCT a), count(e)";

#[derive(Debug, Default)]
struct Figures {
    seconds: f64,
    reads: u64,
    writes: u64,
}

fn int(v: &ResultValue) -> i64 {
    match v {
        ResultValue::Int(n) => *n,
        other => panic!("expected an integer, got {other:?}"),
    }
}

/// Runs the writer and the readers on `graph` for `duration`.
fn stress(graph: Arc<Graph>, duration: Duration, bench_params: Option<Params>) -> Figures {
    graph
        .query("UNWIND range(0, 9) AS i CREATE (:Sentence {index: i, text: 'stress ledger', start: 100})")
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let (results, finished) = mpsc::channel::<Result<(bool, u64), String>>();
    let started = Instant::now();
    let mut threads = Vec::new();
    for r in 0..READERS {
        let (graph, done, results) = (graph.clone(), done.clone(), results.clone());
        let bench_params = bench_params.clone();
        threads.push(std::thread::spawn(move || {
            let ledger = graph.prepare(LEDGER).unwrap();
            let pairs = graph.prepare(PAIRS).unwrap();
            let questions: Vec<_> = QUERIES.iter().map(|q| graph.prepare(q.text).unwrap()).collect();
            let none = Params::new();
            let mut reads = 0u64;
            let outcome = (|| {
                while !done.load(Ordering::Relaxed) {
                    let l = ledger.run(&graph, &none).map_err(|e| e.to_string())?;
                    if (int(&l.rows[0][0]), int(&l.rows[0][1])) != (1000, 10) {
                        return Err(format!("reader {r}: the ledger reads {:?}", l.rows[0]));
                    }
                    let p = pairs.run(&graph, &none).map_err(|e| e.to_string())?;
                    if p.rows[0][0] != p.rows[0][1] {
                        return Err(format!("reader {r}: actors and events disagree: {:?}", p.rows[0]));
                    }
                    reads += 2;
                    if let Some(params) = &bench_params {
                        let q = &questions[(reads as usize / 2 + r) % questions.len()];
                        q.run(&graph, params).map_err(|e| e.to_string())?;
                        reads += 1;
                    }
                }
                Ok(reads)
            })();
            let _ = results.send(outcome.map(|n| (false, n)));
        }));
    }
    {
        let (graph, done, results) = (graph.clone(), done.clone(), results.clone());
        threads.push(std::thread::spawn(move || {
            let transfer = graph
                .prepare(
                    "MATCH (a:Sentence {index: $i}), (b:Sentence {index: $j}) \
                     WHERE a.text = 'stress ledger' AND b.text = 'stress ledger' \
                     SET a.start = a.start - $x, b.start = b.start + $x",
                )
                .unwrap();
            let create = graph
                .prepare(
                    "CREATE (:Event {kind: 'meeting', summary: 'stress pair'})-[:AGENT]->\
                     (:Actor {name: 'stress actor ' + toString($k), kind: 'group'})",
                )
                .unwrap();
            let delete = graph
                .prepare("MATCH (a:Actor {name: 'stress actor ' + toString($k)})<-[:AGENT]-(e:Event) DETACH DELETE a, e")
                .unwrap();
            let mut writes = 0u64;
            let mut k = 0i64;
            let outcome = (|| {
                while started.elapsed() < duration {
                    let params = Params::from([
                        ("i".to_string(), Value::Int(k % 10)),
                        ("j".to_string(), Value::Int((k * 7 + 3) % 10)),
                        ("x".to_string(), Value::Int(k % 13)),
                        ("k".to_string(), Value::Int(k)),
                    ]);
                    transfer.run(&graph, &params).map_err(|e| e.to_string())?;
                    create.run(&graph, &params).map_err(|e| e.to_string())?;
                    writes += 2;
                    if k % 2 == 1 {
                        let old = Params::from([("k".to_string(), Value::Int(k - 1))]);
                        let result = delete.run(&graph, &old).map_err(|e| e.to_string())?;
                        if result.stats.nodes_deleted != 2 {
                            return Err(format!("deleting pair {} deleted {:?}", k - 1, result.stats));
                        }
                        writes += 1;
                    }
                    k += 1;
                }
                Ok(writes)
            })();
            done.store(true, Ordering::Relaxed);
            let _ = results.send(outcome.map(|n| (true, n)));
        }));
    }
    drop(results);
    let mut figures = Figures::default();
    for _ in 0..=READERS {
        match finished.recv_timeout(duration + Duration::from_secs(120)) {
            Ok(Ok((true, n))) => figures.writes = n,
            Ok(Ok((false, n))) => figures.reads += n,
            Ok(Err(why)) => {
                done.store(true, Ordering::Relaxed);
                panic!("{why}");
            }
            Err(_) => {
                done.store(true, Ordering::Relaxed);
                panic!("a thread neither finished nor failed: deadlock or panic (see above)");
            }
        }
    }
    figures.seconds = started.elapsed().as_secs_f64();
    for thread in threads {
        assert!(thread.join().is_ok(), "a thread panicked");
    }
    assert!(graph.check_integrity().unwrap().is_ok());
    figures
}

#[test]
fn readers_never_see_half_a_statement() {
    let graph = Graph::in_memory_with(OpenOptions::default());
    attest::facts::load_article(&graph).unwrap();
    let figures = stress(Arc::new(graph), Duration::from_secs(3), None);
    eprintln!("{figures:?}");
    assert!(figures.reads > 0 && figures.writes > 0, "{figures:?}");
}

/// The shared benchmark generator, from `$ATTEST_SHARED` or `../shared`.
fn generator() -> PathBuf {
    let shared = std::env::var_os("ATTEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    shared.join("bench/gen_dataset.py")
}

/// The long run: `scripts/stress-run.sh [SECONDS]` (default 30).
#[test]
#[ignore = "long: run through scripts/stress-run.sh"]
fn stress_on_the_100k_data_set() {
    let seconds = std::env::var("ATTEST_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let data = match std::env::var_os("ATTEST_STRESS_DATA") {
        Some(d) => PathBuf::from(d),
        None => {
            let out = dir.path().join("100k");
            let status = std::process::Command::new("python3")
                .arg(generator())
                .args(["--events", "100000", "--seed", "42", "--out"])
                .arg(&out)
                .status()
                .expect("python3 runs");
            assert!(status.success(), "gen_dataset.py failed");
            out
        }
    };
    let graph = Graph::open_with(
        dir.path().join("store"),
        OpenOptions {
            schema: SchemaChoice::News,
        },
    )
    .unwrap();
    let report = attest::import::import_csv(&graph, &data, &Default::default()).unwrap();
    let params = bench::params(&bench::read_manifest(&data).unwrap()).unwrap();
    let figures = stress(Arc::new(graph), Duration::from_secs(seconds), Some(params));
    println!(
        "stress run: {} nodes, {} relationships; {READERS} readers, 1 writer, {:.1} s: \
         {} reads ({:.0}/s), {} writes ({:.0}/s)",
        report.nodes,
        report.relationships,
        figures.seconds,
        figures.reads,
        figures.reads as f64 / figures.seconds,
        figures.writes,
        figures.writes as f64 / figures.seconds
    );
}
