//! The fast paths of expansion and aggregation give the answers the plain
//! paths give: the typed adjacency runs, label checks the schema's joins
//! make unnecessary, aggregation streamed from a match, and `count(*)`
//! taken from a run's length.

use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::lang::{QueryResult, ResultValue};
use attest::schema::Schema;
use proptest::prelude::*;

fn rows(result: &QueryResult) -> Vec<String> {
    let mut rows: Vec<String> = result
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    rows.sort();
    rows
}

fn answer(graph: &Graph, text: &str) -> Vec<String> {
    rows(&graph.query(text).unwrap_or_else(|e| panic!("{text}: {e}")))
}

fn article() -> Graph {
    let graph = Graph::in_memory_with(OpenOptions::default());
    attest::facts::load_article(&graph).expect("the article loads");
    graph
}

/// `count(*)` (the counted fast path), `count(e)` (every row evaluated)
/// and a count of materialised rows agree.
fn assert_counts_agree(graph: &Graph, pattern: &str, key: &str) {
    let star = answer(
        graph,
        &format!("MATCH {pattern} RETURN {key} AS k, count(*) AS n"),
    );
    let each = answer(
        graph,
        &format!("MATCH {pattern} RETURN {key} AS k, count(e) AS n"),
    );
    let listed = answer(
        graph,
        &format!("MATCH {pattern} WITH {key} AS k, e, r RETURN k, count(*) AS n"),
    );
    assert_eq!(star, each, "{pattern}");
    assert_eq!(star, listed, "{pattern}");
}

#[test]
fn counted_expansions_equal_listed_ones_on_the_article() {
    let graph = article();
    for pattern in [
        "(a:Actor)<-[r:AGENT]-(e)",
        "(a:Actor)<-[r:AGENT]-(e:Event)",
        "(a:Actor)<-[r:AGENT|TARGET|PARTICIPANT]-(e:Event)",
        "(a:Actor)-[r]-(e)",
        "(a:Actor)<-[r]-(e:Assertion)",
        "(a)-[r]->(e)",
        "(a:Event)-[r:BEFORE]-(e:Event)",
    ] {
        assert_counts_agree(&graph, pattern, "a.name");
    }
    // count(*) from the run's length equals the size of the listed rows.
    let counted = graph
        .query("MATCH (a:Actor {name: 'Russia'})<-[:AGENT]-(e) RETURN count(*) AS n")
        .unwrap();
    let listed = graph
        .query("MATCH (a:Actor {name: 'Russia'})<-[:AGENT]-(e) RETURN size(collect(e)) AS n")
        .unwrap();
    assert_eq!(counted.rows, listed.rows);
    assert!(
        counted.rows[0][0].as_int().is_some_and(|n| n >= 2),
        "{:?}",
        counted.rows
    );
}

#[test]
fn a_self_loop_is_one_row_undirected_and_one_each_way() {
    let graph = Graph::in_memory();
    graph
        .query("CREATE (a:A {name: 'a'})-[:T]->(a), (a)-[:T]->(:B), (:C)-[:T]->(a)")
        .unwrap();
    for (pattern, expected) in [
        ("(a:A)-[r:T]-(e)", 3),
        ("(a:A)-[r:T]->(e)", 2),
        ("(a:A)<-[r:T]-(e)", 2),
        ("(a:A)-[r]-(e)", 3),
    ] {
        let result = graph
            .query(&format!("MATCH {pattern} RETURN count(*) AS n"))
            .unwrap();
        assert_eq!(result.rows[0][0].as_int(), Some(expected), "{pattern}");
        assert_counts_agree(&graph, pattern, "a.name");
    }
}

/// A schema where `R` always starts at an `S` and ends at an `E`, so the
/// planner may skip those label checks.
fn joined_schema() -> Graph {
    let schema = Schema::from_toml(
        r#"
format = 1
name = "joins"
[labels.S]
[labels.S.properties]
name = { type = "string" }
[labels.E]
[labels.E.properties]
name = { type = "string" }
[labels.X]
[labels.X.properties]
name = { type = "string" }
[relationships.R]
joins = [["S", "E"]]
[relationships.Q]
joins = [["S", "E"], ["S", "X"]]
"#,
        "test",
    )
    .expect("the schema parses");
    Graph::in_memory_with(OpenOptions {
        schema: SchemaChoice::Custom(schema),
    })
}

#[test]
fn labels_implied_by_joins_are_not_needed_but_others_still_count() {
    let graph = joined_schema();
    graph
        .query(
            "CREATE (s:S {name: 's'}), (e:E {name: 'e'}), (x:X), (s)-[:R]->(e), (s)-[:Q]->(e), (s)-[:Q]->(x)",
        )
        .unwrap();
    let count = |text: &str| graph.query(text).unwrap().rows[0][0].as_int();
    assert_eq!(count("MATCH (s:S)-[:R]->(e:E) RETURN count(*)"), Some(1));
    // Q may end at an X: the label check on E still runs.
    assert_eq!(count("MATCH (s:S)-[:Q]->(e:E) RETURN count(*)"), Some(1));
    assert_eq!(count("MATCH (s:S)-[:Q]->(e) RETURN count(*)"), Some(2));
    assert_eq!(count("MATCH (e:E)<-[:R|Q]-(s:S) RETURN count(*)"), Some(2));
    assert_eq!(count("MATCH (s:S)-[:R|Q]->(e:E) RETURN count(*)"), Some(2));
}

#[test]
fn a_label_removed_in_the_open_transaction_is_checked_again() {
    let graph = joined_schema();
    graph
        .query("CREATE (s:S {name: 's'}), (e:E:X {name: 'e'}), (s)-[:R]->(e)")
        .unwrap();
    // Inside one statement the E label goes, then the pattern asks for it:
    // the join guarantee does not hold until the commit (which refuses
    // the change: R must end at an E).
    let err = graph
        .query(
            "MATCH (e:E) REMOVE e:E WITH count(*) AS done \
             MATCH (s:S)-[:R]->(e:E) RETURN count(e) AS n",
        )
        .unwrap_err();
    assert!(err.to_string().contains("`R` may not join"), "{err}");
    let mut tx = graph.begin();
    let result = attest::lang::PreparedQuery::new(
        "MATCH (e:E) REMOVE e:E WITH count(*) AS done MATCH (s:S)-[:R]->(e:E) RETURN count(*) AS n",
    )
    .unwrap()
    .run_in(&mut tx, &attest::lang::Params::new(), &Default::default())
    .unwrap();
    assert_eq!(result.rows[0][0], ResultValue::Int(0));
    tx.rollback();
    assert_eq!(
        graph
            .query("MATCH (s:S)-[:R]->(e:E) RETURN count(*)")
            .unwrap()
            .rows[0][0],
        ResultValue::Int(1)
    );
}

#[test]
fn streamed_aggregations_still_stop_at_the_row_limit() {
    let graph = article();
    let options = attest::lang::QueryOptions {
        max_rows: 50,
        ..Default::default()
    };
    let err = graph
        .prepare("MATCH (a)-[r]-(e) RETURN a.name, count(*)")
        .unwrap()
        .run_with(&graph, &attest::lang::Params::new(), &options)
        .unwrap_err();
    assert!(err.to_string().contains("limit max_rows"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// On random open graphs (labels, types and self-loops mixed), the
    /// counted and listed forms agree for every direction and type set.
    #[test]
    fn counted_and_listed_agree_on_random_graphs(
        edges in prop::collection::vec((0usize..8, 0usize..8, 0usize..3), 0..40),
        labels in prop::collection::vec(0usize..3, 8),
    ) {
        // Every node named, each differently.
        let names: Vec<usize> = (1..=labels.len()).collect();
        let graph = random_graph(&edges, &labels, &names);
        for pattern in [
            "(a:A)-[r:T]->(e)",
            "(a:A)<-[r:T|U]-(e)",
            "(a)-[r:U|V]-(e:B)",
            "(a:B)-[r]-(e)",
            "(a)<-[r]-(e:C)",
        ] {
            let star = answer(&graph, &format!("MATCH {pattern} RETURN a.name AS k, count(*) AS n"));
            let each = answer(&graph, &format!("MATCH {pattern} RETURN a.name AS k, count(e) AS n"));
            prop_assert_eq!(star, each, "{}", pattern);
        }
    }
}

#[test]
fn few_groups_compared_in_place_group_as_hashing_does() {
    let graph = Graph::in_memory();
    graph
        .query("CREATE (:N {k: 1}), (:N {k: 1.0}), (:N), (:N {k: null}), (:N {k: 'a'}), (:N {k: [1, 2]}), (:N {k: [1.0, 2]})")
        .unwrap();
    // Three kinds of key in place (a property, a variable) against the
    // same keys computed (`k + 0` is never read in place).
    let in_place = answer(&graph, "MATCH (n:N) RETURN n.k AS k, count(*) AS c");
    let computed = answer(
        &graph,
        "MATCH (n:N) WITH n, coalesce(n.k, n.k) AS k RETURN k, count(*) AS c",
    );
    assert_eq!(in_place, computed);
    assert_eq!(in_place.len(), 4, "{in_place:?}");
    let counts: Vec<i64> = graph
        .query("MATCH (n:N) RETURN n.k AS k, count(*) AS c ORDER BY c DESC, k")
        .unwrap()
        .rows
        .iter()
        .map(|row| row[1].as_int().unwrap())
        .collect();
    assert_eq!(counts, [2, 2, 2, 1]);
    // More groups than are compared in place.
    graph
        .query("UNWIND range(1, 60) AS i CREATE (:M {k: i % 30})")
        .unwrap();
    let many = answer(&graph, "MATCH (m:M) RETURN m.k AS k, count(*) AS c");
    assert_eq!(many.len(), 30);
    assert!(many.iter().all(|row| row.ends_with("Int(2)")), "{many:?}");
}

/// Keys read in place (a node's property) and keys evaluated (a map's
/// entry, `1.0` beside `1`) in one grouping make the same groups, below
/// and beyond the number compared in place.
#[test]
fn keys_read_in_place_and_evaluated_keys_make_the_same_groups() {
    let graph = Graph::in_memory();
    graph
        .query("UNWIND range(0, 39) AS i CREATE (:N {k: i % 20, m: i % 5})")
        .unwrap();
    let counts = |key: &str| -> Vec<(String, i64)> {
        let text = format!(
            "MATCH (n:N) WITH collect(n) + [{{{key}: 1.0}}, {{{key}: 2}}, {{{key}: 40}}, {{{key}: null}}] AS items \
             UNWIND items AS v RETURN v.{key} AS k, count(*) AS c ORDER BY k"
        );
        let result = graph.query(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        result
            .rows
            .iter()
            .map(|row| (format!("{:?}", row[0]), row[1].as_int().unwrap()))
            .collect()
    };
    let expected = |groups: i64, each: i64| -> Vec<(String, i64)> {
        let mut rows: Vec<(String, i64)> = (0..groups)
            .map(|k| {
                (
                    format!("{:?}", ResultValue::Int(k)),
                    each + i64::from(k == 1 || k == 2),
                )
            })
            .collect();
        rows.push((format!("{:?}", ResultValue::Int(40)), 1));
        rows.push((format!("{:?}", ResultValue::Null), 1));
        rows
    };
    // 20 groups: more than are compared in place.
    assert_eq!(counts("k"), expected(20, 2));
    // 5 groups: all compared in place, then looked up by hash.
    assert_eq!(counts("m"), expected(5, 8));
}

/// Comparing two bound elements' ids (`id(o) <> id(x)`, read in place)
/// gives what comparing the same ids as computed values gives, for every
/// comparison, for nodes and relationships, and null when one side is
/// unbound.
#[test]
fn id_comparisons_read_in_place_equal_computed_ones() {
    let graph = article();
    for op in ["=", "<>", "<", ">", "<=", ">="] {
        for pattern in [
            "(a:Actor), (b:Actor)",
            "()-[a]->(), ()-[b]->()",
            "(a:Event)-[b]->()",
        ] {
            // `id(a) + 0` is evaluated, not read in place.
            for shape in [
                "WHERE {left} {op} id(b) RETURN count(*) AS n",
                "RETURN {left} {op} id(b) AS holds, count(*) AS n",
            ] {
                let query = |left: &str| {
                    format!(
                        "MATCH {pattern} {}",
                        shape.replace("{left}", left).replace("{op}", op)
                    )
                };
                let in_place = query("id(a)");
                assert_eq!(
                    answer(&graph, &in_place),
                    answer(&graph, &query("id(a) + 0")),
                    "{in_place}"
                );
            }
        }
    }
    let unbound = answer(
        &graph,
        "MATCH (a:Actor) OPTIONAL MATCH (b:Actor {name: 'nobody at all'}) RETURN DISTINCT id(a) <> id(b) AS holds",
    );
    assert_eq!(unbound, vec!["Null".to_string()]);
}

/// A random open graph: node `i` has label A, B or C by `labels[i]` and
/// the name `p<names[i]>`, or none for 0; relationships of type T, U or V.
fn random_graph(edges: &[(usize, usize, usize)], labels: &[usize], names: &[usize]) -> Graph {
    let graph = Graph::in_memory();
    let label_names = ["A", "B", "C"];
    let mut text = String::from("CREATE ");
    let nodes: Vec<String> = labels
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (l, name))| match name {
            // Some nodes share a name, some have none.
            0 => format!("(n{i}:{})", label_names[*l]),
            name => format!("(n{i}:{} {{name: 'p{name}'}})", label_names[*l]),
        })
        .collect();
    text.push_str(&nodes.join(", "));
    for (a, b, t) in edges {
        text.push_str(&format!(", (n{a})-[:{}]->(n{b})", ["T", "U", "V"][*t]));
    }
    graph.query(&text).unwrap();
    graph
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// An aggregation streamed from a match takes the rows of expansions
    /// that go on from the step before in batches (reading ahead), and
    /// groups a node's property by the node: the groups equal those of the
    /// same rows listed first, with the key evaluated, and aggregated after
    /// (`WITH` in between).
    #[test]
    fn batched_streamed_aggregations_equal_listed_ones_on_random_graphs(
        edges in prop::collection::vec((0usize..40, 0usize..40, 0usize..3), 100..300),
        labels in prop::collection::vec(0usize..3, 40),
        names in prop::collection::vec(0usize..6, 40),
    ) {
        let graph = random_graph(&edges, &labels, &names);
        for (pattern, variables) in [
            ("(a)-[r1:T]->(b)-[r2]->(c)", "a, b, c, r1, r2"),
            ("(a:A)<-[r1]-(b:B)-[r2:U|V]-(c)", "a, b, c, r1, r2"),
            ("(a)-[r1]-(b)-[r2]-(c) WHERE b.name <> 'p1'", "a, b, c, r1, r2"),
            ("(a)-[r1]->(b)-[r2]->(c)-[r3]-(d:C)", "a, b, c, d, r1, r2, r3"),
            ("(a)<-[r1:U]-(b)<-[r2]-(c:A)<-[r3:T|V]-(d)", "a, b, c, d, r1, r2, r3"),
        ] {
            let last = if variables.contains(" d,") { "d" } else { "c" };
            let aggregates = format!("count(*) AS n, count(DISTINCT {last}) AS m, sum(id({last})) AS s");
            for key in ["a.name", &format!("{last}.name"), "b"] {
                let streamed = answer(&graph, &format!("MATCH {pattern} RETURN {key} AS k, {aggregates}"));
                let listed = answer(
                    &graph,
                    &format!("MATCH {pattern} WITH {variables}, {key} AS k RETURN k, {aggregates}"),
                );
                prop_assert_eq!(streamed, listed, "{} by {}", pattern, key);
            }
        }
    }
}

/// A node created in the slot a deleted node left keeps its own labels:
/// the label bits expansions check are by slot.
#[test]
fn a_reused_slot_carries_the_new_nodes_labels() {
    let graph = Graph::in_memory();
    graph.query("CREATE (:A {name: 'gone'})").unwrap();
    graph.query("MATCH (a:A) DELETE a").unwrap();
    graph
        .query("CREATE (:B {name: 'new'})-[:T]->(:C {name: 'end'})")
        .unwrap();
    assert_eq!(
        answer(&graph, "MATCH (x:C)<-[:T]-(y:A) RETURN y.name"),
        Vec::<String>::new()
    );
    assert_eq!(
        answer(&graph, "MATCH (x:C)<-[:T]-(y:B) RETURN y.name"),
        answer(&graph, "RETURN 'new'")
    );
}
