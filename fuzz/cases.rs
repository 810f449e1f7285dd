// What each fuzz target does with one input, shared word for word by the
// targets (fuzz/fuzz_targets/*.rs) and by the replay of their corpus and
// regressions in `cargo test` (tests/fuzz_regressions.rs), both through
// `include!`: the replay checks exactly what the fuzzer checked.

/// The query parser, whole-statement and script entry points: must not
/// panic, whatever the input.
pub fn query_parser_case(text: &str) {
    let _ = attest::lang::parse(text);
    if let Ok(script) = attest::lang::Script::new(text) {
        for span in script.statements() {
            let _ = script.parse(span);
        }
    }
}

/// The fact-file parser: must not panic.
pub fn facts_parser_case(text: &str) {
    let _ = attest::facts::parse_facts(text);
}

/// The graph each execute input runs on.
pub const EXECUTE_SEED: &str = "CREATE (a:Actor {name: 'Carter', age: 61})-[:MET {on: DATE '2016-06-18'}]->\
                    (b:Actor {name: 'Begin'}), (a)-[:IN]->(p:Place {name: 'Tanf'}), \
                    (b)-[:IN]->(p), (e:Event {kind: 'airstrike', tags: ['a', 'b']})-[:AGENT]->(a), \
                    (e)-[:AT]->(p), (p)-[:IN]->(:Place {name: 'Syria'})";

/// Parse and execute `text` on a fresh copy of [`EXECUTE_SEED`] within
/// small limits: must not panic, and whatever the statement did (committed,
/// or failed and rolled back), the integrity check must be clean after.
/// Returns the integrity report's text when it is not.
pub fn execute_case(text: &str) -> Result<(), String> {
    let graph = attest::db::Graph::in_memory();
    graph.query(EXECUTE_SEED).expect("the seed graph is created");
    let options = attest::lang::QueryOptions {
        max_rows: 20_000,
        max_path_depth: 8,
        max_memory_bytes: 32 << 20,
        timeout: Some(std::time::Duration::from_secs(2)),
        cancel: None,
    };
    if let Ok(query) = graph.prepare(text) {
        let _ = query.run_with(&graph, &attest::lang::Params::new(), &options);
    }
    let report = graph.check_integrity().expect("the store reads");
    if report.is_ok() {
        Ok(())
    } else {
        Err(report.to_string())
    }
}
