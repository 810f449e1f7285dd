//! Limits stop runaway queries with an error naming the limit, and a
//! cancel handle stops a query from another thread.

use attest::db::{BulkElement, BulkRejection, BulkSource, Graph, OpenOptions};
use attest::error::ErrorClass;
use attest::graph::MAX_REL_TYPES;
use attest::lang::{CancelHandle, Params, QueryOptions};
use attest::model::{NodeId, Properties};
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
    // The rows are held (an aggregation would stream them and hold none).
    let err = run(&graph, "MATCH (a)-[*]-(b) RETURN a, b", &options);
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

/// Twelve nodes, every pair joined: the number of paths grows as a
/// factorial of their length.
fn dense() -> Graph {
    let graph = Graph::in_memory();
    graph
        .query(
            "UNWIND range(1, 12) AS i CREATE (:N {i: i}) WITH count(*) AS made \
             MATCH (a:N), (b:N) WHERE a.i < b.i CREATE (a)-[:R]->(b)",
        )
        .unwrap();
    graph
}

#[test]
fn the_exploding_query_on_a_dense_graph_ends_naming_a_limit() {
    let graph = dense();
    // Whichever bound the paths reach first: their rows' memory (each row
    // holds its path, up to 66 relationships) or their number.
    let options = QueryOptions {
        max_rows: 1_000_000,
        max_memory_bytes: 64 << 20,
        ..QueryOptions::default()
    };
    let err = run(&graph, "MATCH (a)-[*]-(b) RETURN count(*)", &options);
    assert_eq!(err.class(), Some(ErrorClass::LimitExceeded), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("(limit max_memory)") || message.contains("(limit max_rows)"),
        "{err}"
    );
}

#[test]
fn exploring_without_producing_rows_is_bounded_too() {
    // No path shorter than 30 hops is a result, so nothing is produced
    // while the search explores billions of shorter ones: before the
    // exploration count, only a timeout could stop this.
    let graph = dense();
    let options = QueryOptions {
        max_rows: 100_000,
        ..QueryOptions::default()
    };
    let err = run(&graph, "MATCH (a)-[*30..]-(b) RETURN count(*)", &options);
    assert_eq!(err.class(), Some(ErrorClass::LimitExceeded), "{err}");
    assert!(
        err.to_string().contains("explored more than 100000 paths"),
        "{err}"
    );
}

#[test]
fn a_query_cancelled_from_another_thread_stops_while_it_runs() {
    let graph = dense();
    let cancel = CancelHandle::new();
    let options = QueryOptions {
        cancel: Some(cancel.clone()),
        ..QueryOptions::default()
    };
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let err = run(&graph, "MATCH (a)-[*30..]-(b) RETURN count(*)", &options);
    stopper.join().unwrap();
    assert_eq!(err.class(), Some(ErrorClass::Cancelled), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Nodes 1 to 512, and one relationship of each of `types` types, `T0`,
/// `T1`, …, from one of the first 256 nodes to one of the others,
/// committed. (One node with thousands of types would make each new
/// type's run cost as much as all the runs before it.)
fn with_types(types: usize) -> Graph {
    let graph = Graph::in_memory();
    let mut tx = graph.begin();
    let nodes: Vec<NodeId> = (0..512)
        .map(|_| {
            tx.create_node(vec!["A".into()], Properties::new(), vec![])
                .unwrap()
        })
        .collect();
    for t in 0..types {
        tx.create_relationship(
            &format!("T{t}"),
            nodes[t % 256],
            nodes[256 + (t / 128) % 256],
            Properties::new(),
            vec![],
        )
        .unwrap();
    }
    tx.commit("types").unwrap();
    graph
}

struct OneRelationship(&'static str);

impl BulkSource for OneRelationship {
    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> Result<(), BulkRejection>,
    ) -> attest::Result<()> {
        let rel = BulkElement::Relationship {
            id: None,
            rel_type: self.0.into(),
            start: NodeId(1),
            end: NodeId(2),
            properties: Properties::new(),
            sources: vec![],
            key: None,
        };
        sink(rel).map_err(|r| r.error)
    }
}

#[test]
fn one_relationship_type_too_many_is_refused_and_the_store_kept() {
    let graph = with_types(MAX_REL_TYPES);
    let count = |graph: &Graph| graph.read().index().relationship_count();
    assert_eq!(count(&graph), MAX_REL_TYPES);
    let (a, b) = (NodeId(1), NodeId(257));
    // A type the store has: still fine.
    let mut tx = graph.begin();
    tx.create_relationship("T7", a, b, Properties::new(), vec![])
        .unwrap();
    tx.commit("known type").unwrap();
    // A new one, in a transaction: refused, naming the limit.
    let mut tx = graph.begin();
    let err = tx
        .create_relationship("ONE_TOO_MANY", a, b, Properties::new(), vec![])
        .unwrap_err();
    assert_eq!(err.class(), Some(ErrorClass::ConstraintVerificationFailed));
    assert!(
        err.to_string().contains("at most 32768 relationship types"),
        "{err}"
    );
    drop(tx);
    // And in a bulk import, which leaves the store as it was.
    let err = graph
        .bulk_insert("one more", &mut OneRelationship("ONE_TOO_MANY"))
        .unwrap_err();
    assert!(err.to_string().contains("one type too many"), "{err}");
    assert_eq!(count(&graph), MAX_REL_TYPES + 1);
    let read = graph.read();
    assert_eq!(read.index().relationship_type_counts().count(), MAX_REL_TYPES);
}
