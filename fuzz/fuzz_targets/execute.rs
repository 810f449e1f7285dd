//! Parse and execute on a small in-memory graph: no panic, and whatever
//! the statement did (committed, or failed and rolled back), the store's
//! indexes still agree with its records.
#![no_main]

use attest::db::Graph;
use attest::lang::{Params, QueryOptions};
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

const SEED: &str = "CREATE (a:Actor {name: 'Carter', age: 61})-[:MET {on: DATE '2016-06-18'}]->\
                    (b:Actor {name: 'Begin'}), (a)-[:IN]->(p:Place {name: 'Tanf'}), \
                    (b)-[:IN]->(p), (e:Event {kind: 'airstrike', tags: ['a', 'b']})-[:AGENT]->(a), \
                    (e)-[:AT]->(p), (p)-[:IN]->(:Place {name: 'Syria'})";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let graph = Graph::in_memory();
    graph.query(SEED).expect("the seed graph is created");
    let options = QueryOptions {
        max_rows: 20_000,
        max_path_depth: 8,
        max_memory_bytes: 32 << 20,
        timeout: Some(Duration::from_secs(2)),
        cancel: None,
    };
    if let Ok(query) = graph.prepare(text) {
        let _ = query.run_with(&graph, &Params::new(), &options);
    }
    let report = graph.check_integrity().expect("the store reads");
    assert!(report.is_ok(), "after {text:?}: {report}");
});
