//! Limits stop runaway queries with an error naming the limit, and a
//! cancel handle stops a query from another thread.

use attest::db::{Graph, OpenOptions};
use attest::error::ErrorClass;
use attest::lang::{CancelHandle, Params, QueryOptions};
use std::time::Duration;

fn article() -> Graph {
    let graph = Graph::in_memory_with(OpenOptions::default());
    attest::facts::load_article(&graph).unwrap();
    graph
}

fn run(graph: &Graph, text: &str, options: &QueryOptions) -> attest::Error {
    graph
        .prepare(text)
        .unwrap()
        .run_with(graph, &Params::new(), options)
        .unwrap_err()
}

#[test]
fn an_exploding_pattern_ends_with_the_memory_limit() {
    let graph = article();
    let options = QueryOptions {
        max_memory_bytes: 16 << 20,
        ..QueryOptions::default()
    };
    let err = run(&graph, "MATCH (a)-[*]-(b) RETURN count(*)", &options);
    assert_eq!(err.class(), Some(ErrorClass::LimitExceeded));
    assert!(err.to_string().contains("limit max_memory"), "{err}");
}

#[test]
fn rows_depth_and_time_limits_name_themselves() {
    let graph = article();
    let rows = QueryOptions {
        max_rows: 100,
        ..QueryOptions::default()
    };
    assert!(
        run(&graph, "MATCH (a), (b) RETURN count(*)", &rows)
            .to_string()
            .contains("limit max_rows")
    );
    let depth = QueryOptions {
        max_path_depth: 3,
        ..QueryOptions::default()
    };
    assert!(
        run(&graph, "MATCH (a)-[*..5]-(b) RETURN count(*)", &depth)
            .to_string()
            .contains("limit max_path_depth")
    );
    let time = QueryOptions {
        timeout: Some(Duration::from_millis(1)),
        ..QueryOptions::default()
    };
    let err = run(
        &graph,
        "UNWIND range(1, 1000000) AS x MATCH (n) RETURN count(*)",
        &time,
    );
    assert!(err.to_string().contains("limit timeout"), "{err}");
}

#[test]
fn a_cancelled_query_stops_with_cancelled() {
    let graph = article();
    let cancel = CancelHandle::new();
    cancel.cancel();
    let options = QueryOptions {
        cancel: Some(cancel),
        ..QueryOptions::default()
    };
    let err = run(&graph, "UNWIND range(1, 100000) AS x RETURN count(*)", &options);
    assert_eq!(err.class(), Some(ErrorClass::Cancelled));
}
