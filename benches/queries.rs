//! Criterion benchmarks of typical queries on the article graph, in-process.
//!
//! `cargo bench --bench queries`. The one-pattern lookup is the figure the
//! language issue asks for ("well under a millisecond").

use attest::db::{Graph, OpenOptions};
use attest::lang::Params;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn article() -> Graph {
    let graph = Graph::in_memory_with(OpenOptions::default());
    attest::facts::load_article(&graph).expect("the bundled article loads");
    graph
}

fn queries(c: &mut Criterion) {
    let graph = article();
    let cases = [
        (
            "one_pattern_lookup",
            "MATCH (a:Actor {name: 'Russia'}) RETURN a.kind",
        ),
        (
            "one_hop",
            "MATCH (e:Event)-[:AGENT]->(a:Actor {name: 'Russia'}) RETURN e.kind, e.date",
        ),
        (
            "two_hops_claims",
            "MATCH (s:Actor)<-[:SAID_BY]-(q:Assertion)-[:ABOUT]->(e:Event) RETURN s.name, count(q) ORDER BY s.name",
        ),
        (
            "aggregate_by_label",
            "MATCH (n) RETURN labels(n)[0] AS label, count(*) ORDER BY label",
        ),
        ("evidence", "MATCH (q:Equipment) RETURN q.name, evidence(q)"),
        (
            "shortest_path",
            "MATCH p = shortestPath((a:Actor {name: 'Ash Carter'})-[*..8]-(b:Actor {name: 'Russia'})) RETURN length(p)",
        ),
        ("timeline", "UNWIND timeline() AS e RETURN e.kind, e.date"),
    ];
    for (name, text) in cases {
        let prepared = graph.prepare(text).expect("benchmark queries parse");
        let params = Params::new();
        c.bench_function(&format!("article/{name}"), |b| {
            b.iter(|| black_box(prepared.run(&graph, &params).expect("benchmark queries run")))
        });
    }
    c.bench_function("article/parse_and_run_lookup", |b| {
        b.iter(|| {
            black_box(
                graph
                    .query("MATCH (a:Actor {name: 'Russia'}) RETURN a.kind")
                    .expect("runs"),
            )
        })
    });
}

criterion_group!(benches, queries);
criterion_main!(benches);
