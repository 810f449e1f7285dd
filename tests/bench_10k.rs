//! The benchmark's answers at 10,000 events equal the peers' agreed ones.
//!
//! Generates the data set with the shared generator
//! (`<shared>/bench/gen_dataset.py --events 10000 --seed 42`), imports it
//! into a typed news store and runs Q1–Q7 through the code `attest bench`
//! uses, comparing each answer with `agreement.QN.result` in
//! `<shared>/bench/results/peers-10k.json`. `<shared>` is `$ATTEST_SHARED`,
//! else `../shared` beside the crate. Without it the tests fail under CI
//! and are skipped, loudly, elsewhere.

mod common;

use attest::bench::{self, BenchOptions, QUERIES};
use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::import::{ImportOptions, import_csv};
use common::shared;
use std::path::Path;
use std::time::Duration;

fn peers_10k(shared: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    bench::peers_answers(&shared.join("bench/results/peers-10k.json")).unwrap()
}

#[test]
fn answers_at_10k_equal_the_peers() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("10k");
    common::generate_10k(&shared, &data);
    let graph = Graph::in_memory_with(OpenOptions {
        schema: SchemaChoice::News,
    });
    let report = import_csv(&graph, &data, &ImportOptions::default()).unwrap();
    assert_eq!((report.nodes, report.relationships), (21_050, 71_764));
    let params = bench::params(&bench::read_manifest(&data).unwrap()).unwrap();
    let expected = peers_10k(&shared);
    for query in &QUERIES {
        let prepared = graph.prepare(query.text).unwrap();
        let (_, answer) = bench::run_once(&graph, query, &prepared, &params).unwrap();
        assert_eq!(
            Some(&answer),
            expected.get(query.name),
            "{}: {}",
            query.name,
            query.text
        );
    }
}

#[test]
fn the_bench_command_runs_end_to_end_on_disk() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("10k");
    common::generate_10k(&shared, &data);
    let options = BenchOptions {
        data,
        store: Some(dir.path().join("store")),
        repeat: 1,
        query_budget: Duration::from_secs(60),
        peers: Some(shared.join("bench/results/peers-10k.json")),
        progress: None,
    };
    let document = bench::run(&options).unwrap();
    let attest = &document["engines"]["attest"];
    assert_eq!(attest["status"], "ok");
    assert!(attest["load"]["store_bytes"].as_u64().unwrap() > 0);
    assert!(attest["reopen_s"].as_f64().is_some());
    for query in &QUERIES {
        let q = &attest["queries"][query.name];
        assert_eq!(q["warm_runs"], 1, "{}: {q}", query.name);
        assert_eq!(
            document["agreement"][query.name]["agree"], true,
            "{}: {q}",
            query.name
        );
    }
    assert_eq!(document["dataset"]["nodes"], 21_050);
}
