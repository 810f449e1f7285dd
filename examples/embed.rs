//! Embedding Attest in another tool: open a store, load facts, ask
//! questions, follow provenance back to the sentences, run a petgraph
//! algorithm over the graph.
//!
//! Run with `cargo run --example embed`.

use attest::db::{Graph, OpenOptions};
use attest::lang::{Params, ResultValue};
use attest::model::ElementId;

fn main() -> attest::Result<()> {
    // An in-memory store typed with the news ontology; `Graph::open(path)`
    // gives the same on disk.
    let graph = Graph::in_memory_with(OpenOptions::default());
    let report = attest::facts::load_article(&graph)?;
    println!("loaded: {report}");

    // A prepared query, run with parameters.
    let who_did = graph.prepare(
        "MATCH (e:Event)-[:AGENT]->(a:Actor {name: $actor}) \
         RETURN e.kind AS kind, e.when AS written, e.summary AS summary ORDER BY e.date",
    )?;
    let params = Params::from([("actor".to_string(), "Russia".into())]);
    let result = who_did.run(&graph, &params)?;
    println!("\nwhat Russia did ({} events):", result.rows.len());
    for row in &result.rows {
        let text = |v: &ResultValue| v.as_str().unwrap_or("?").to_string();
        println!("  {} ({}): {}", text(&row[0]), text(&row[1]), text(&row[2]));
    }

    // Provenance: which sentences support a fact?
    let result = graph.query("MATCH (q:Equipment) WHERE q.name CONTAINS 'Su-34' RETURN q")?;
    if let Some(ResultValue::Node(node)) = result.rows.first().and_then(|r| r.first()) {
        println!(
            "\nevidence for {}:",
            node.properties.get("name").unwrap_or(&attest::model::Value::Null)
        );
        for evidence in graph.evidence(ElementId::Node(node.id))? {
            println!("  [{}] {}", evidence.source, evidence.text.unwrap_or_default());
        }
    }

    // Results serialise with serde, e.g. to JSON for another program.
    let result = graph.query("MATCH (a:Assertion {certainty: 'anonymous'}) RETURN a.text AS claim")?;
    println!("\nanonymous claims as JSON:\n{}", result.to_json_line());

    // petgraph's algorithms run on a snapshot's index as it is: nodes are
    // node ids, edges relationship ids.
    let snapshot = graph.read();
    let index = snapshot.index();
    let groups = attest::petgraph::algo::kosaraju_scc(index);
    let largest = groups.iter().map(Vec::len).max().unwrap_or(0);
    println!(
        "\n{} nodes in {} strongly connected groups, the largest of {largest}",
        index.node_count(),
        groups.len()
    );
    Ok(())
}
