//! A prepared statement keeps its plan while the graph it runs on stays
//! as it was, and plans again after any write, on another graph, and
//! never lets one run's parameters leak into the next.

use attest::db::{Graph, OpenOptions};
use attest::import::import_jsonl_bytes;
use attest::lang::{Params, PreparedQuery, QueryResult, ResultValue};
use attest::model::Value;

fn params(pairs: &[(&str, Value)]) -> Params {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn count(result: &QueryResult) -> i64 {
    match result.rows.first().and_then(|row| row.first()) {
        Some(ResultValue::Int(n)) => *n,
        other => panic!("expected a count, got {other:?}"),
    }
}

/// An open store warns about a label nothing carries; the warning is part
/// of the plan, so it shows whether a run planned afresh.
const GHOSTS: &str = "MATCH (g:Ghost) RETURN count(g)";

fn warns_of_ghosts(result: &QueryResult) -> bool {
    result.warnings.iter().any(|w| w.contains("`Ghost`"))
}

#[test]
fn a_write_makes_the_next_run_plan_again() {
    let graph = Graph::in_memory();
    let query = graph.prepare(GHOSTS).unwrap();
    let before = query.run(&graph, &Params::new()).unwrap();
    assert!(warns_of_ghosts(&before), "{:?}", before.warnings);
    assert_eq!(count(&before), 0);
    // Twice: the kept plan gives the same answer and the same warning.
    let again = query.run(&graph, &Params::new()).unwrap();
    assert!(warns_of_ghosts(&again));
    graph.query("CREATE (:Ghost)").unwrap();
    let after = query.run(&graph, &Params::new()).unwrap();
    assert!(
        !warns_of_ghosts(&after),
        "a plan from before the write: {:?}",
        after.warnings
    );
    assert_eq!(count(&after), 1);
}

#[test]
fn a_bulk_write_makes_the_next_run_plan_again() {
    let graph = Graph::in_memory();
    let query = graph.prepare(GHOSTS).unwrap();
    assert!(warns_of_ghosts(&query.run(&graph, &Params::new()).unwrap()));
    let line = br#"{"type":"node","id":1,"labels":["Ghost"],"properties":{},"sources":[],"key":null}"#;
    import_jsonl_bytes(&graph, line, "ghosts").unwrap();
    let after = query.run(&graph, &Params::new()).unwrap();
    assert!(!warns_of_ghosts(&after), "{:?}", after.warnings);
    assert_eq!(count(&after), 1);
}

#[test]
fn a_rolled_back_write_is_a_new_state_too() {
    let graph = Graph::in_memory();
    let version = graph.read().version();
    assert_eq!(graph.read().version(), version, "reading changes nothing");
    let mut tx = graph.begin();
    tx.create_node(vec!["Ghost".into()], Default::default(), Vec::new())
        .unwrap();
    drop(tx);
    assert_ne!(graph.read().version(), version);
    // The rollback left no ghost, and the plan made now says so.
    let result = graph
        .prepare(GHOSTS)
        .unwrap()
        .run(&graph, &Params::new())
        .unwrap();
    assert!(warns_of_ghosts(&result));
    assert_eq!(count(&result), 0);
}

#[test]
fn two_graphs_never_share_a_state() {
    let (a, b) = (Graph::in_memory(), Graph::in_memory());
    assert_ne!(a.read().version(), b.read().version());
    b.query("CREATE (:Ghost), (:Ghost)").unwrap();
    // One prepared statement, alternating between the graphs: each run
    // answers for the graph it runs on.
    let query = graph_free_prepare(GHOSTS);
    for _ in 0..2 {
        let on_a = query.run(&a, &Params::new()).unwrap();
        assert_eq!(count(&on_a), 0);
        assert!(warns_of_ghosts(&on_a));
        let on_b = query.run(&b, &Params::new()).unwrap();
        assert_eq!(count(&on_b), 2);
        assert!(!warns_of_ghosts(&on_b));
    }
}

fn graph_free_prepare(text: &str) -> PreparedQuery {
    PreparedQuery::new(text).unwrap()
}

#[test]
fn the_same_plan_answers_for_each_run_s_parameters() {
    // The news schema makes Actor.name unique: the plan seeks the name,
    // and the value sought is the parameter of each run.
    let graph = Graph::in_memory_with(OpenOptions::default());
    graph
        .query(
            "CREATE (:Actor {name: 'Russia', kind: 'country'}), (:Actor {name: 'Jordan', kind: 'country'}), \
             (:Actor {name: 'Hamas', kind: 'group'})",
        )
        .unwrap();
    let lookup = graph
        .prepare("MATCH (a:Actor) WHERE a.name = $name AND a.kind = $kind RETURN a.name AS name")
        .unwrap();
    let name_of = |name: &str, kind: &str| -> Option<String> {
        let p = params(&[("name", name.into()), ("kind", kind.into())]);
        let result = lookup.run(&graph, &p).unwrap();
        result
            .rows
            .first()
            .and_then(|row| row[0].as_str().map(str::to_string))
    };
    assert_eq!(name_of("Russia", "country").as_deref(), Some("Russia"));
    assert_eq!(name_of("Jordan", "country").as_deref(), Some("Jordan"));
    assert_eq!(name_of("Hamas", "country"), None);
    assert_eq!(name_of("Hamas", "group").as_deref(), Some("Hamas"));
    assert_eq!(name_of("Russia", "country").as_deref(), Some("Russia"));
    // A missing parameter is still an error with a kept plan.
    let err = lookup
        .run(&graph, &params(&[("name", "Russia".into())]))
        .unwrap_err();
    assert!(err.to_string().contains("$kind"), "{err}");
}

#[test]
fn a_prepared_statement_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<PreparedQuery>();
    let graph = Graph::in_memory();
    graph.query("CREATE (:Ghost), (:Ghost), (:Ghost)").unwrap();
    let query = graph.prepare(GHOSTS).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    assert_eq!(count(&query.run(&graph, &Params::new()).unwrap()), 3);
                }
            });
        }
    });
}
