//! Replays the fuzz targets' inputs through the library in `cargo test`:
//! the seed corpus (`fuzz/corpus/TARGET/`) and every input a fuzzer found
//! a fault with (`fuzz/regressions/TARGET/`, kept after the fix). The
//! checks are the targets' own (fuzz/fuzz_targets/): no panic, and after
//! parse-and-execute the store's indexes agree with its records.

use attest::db::Graph;
use attest::lang::{Params, QueryOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The graph fuzz/fuzz_targets/execute.rs runs each input on.
const SEED: &str = "CREATE (a:Actor {name: 'Carter', age: 61})-[:MET {on: DATE '2016-06-18'}]->\
                    (b:Actor {name: 'Begin'}), (a)-[:IN]->(p:Place {name: 'Tanf'}), \
                    (b)-[:IN]->(p), (e:Event {kind: 'airstrike', tags: ['a', 'b']})-[:AGENT]->(a), \
                    (e)-[:AT]->(p), (p)-[:IN]->(:Place {name: 'Syria'})";

fn inputs(target: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            // Inputs a local fuzzing run added (named by their SHA-1) are
            // not part of the repository's corpus (fuzz/.gitignore).
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.len() == 40 && name.chars().all(|c| c.is_ascii_hexdigit()) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            // The targets skip input that is not UTF-8, and so does this.
            if let Ok(text) = String::from_utf8(bytes) {
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn query_parser_inputs() {
    let inputs = inputs("query_parser");
    assert!(inputs.len() >= 20, "the corpus is missing: {}", inputs.len());
    for (_, text) in &inputs {
        let _ = attest::lang::parse(text);
        if let Ok(script) = attest::lang::Script::new(text) {
            for span in script.statements() {
                let _ = script.parse(span);
            }
        }
    }
}

#[test]
fn facts_parser_inputs() {
    let inputs = inputs("facts_parser");
    assert!(inputs.len() >= 10, "the corpus is missing: {}", inputs.len());
    for (_, text) in &inputs {
        let _ = attest::facts::parse_facts(text);
    }
}

#[test]
fn execute_inputs() {
    let inputs = inputs("execute");
    assert!(inputs.len() >= 10, "the corpus is missing: {}", inputs.len());
    let options = QueryOptions {
        max_rows: 20_000,
        max_path_depth: 8,
        max_memory_bytes: 32 << 20,
        timeout: Some(Duration::from_secs(2)),
        cancel: None,
    };
    for (path, text) in &inputs {
        let graph = Graph::in_memory();
        graph.query(SEED).unwrap();
        if let Ok(query) = graph.prepare(text) {
            let _ = query.run_with(&graph, &Params::new(), &options);
        }
        let report = graph.check_integrity().unwrap();
        assert!(report.is_ok(), "{}: {report}", path.display());
    }
}
