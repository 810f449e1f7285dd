//! Properties over generated input (proptest):
//!
//! - generated statements — well-formed, half-formed and token soup —
//!   never panic, whatever they do to a small graph, and whatever they did
//!   (committed or failed) leaves the store's indexes agreeing with its
//!   records;
//! - generated sequences of writes of every kind (query-language writes,
//!   fact-file loads, bulk inserts; some failing by design) on a typed
//!   store on disk keep store and in-memory graph consistent after every
//!   step, and the store reopens to exactly the same graph.
//!
//! Export-then-import equality is checked over generated graphs beside the
//! exporters, in `tests/interop.rs` (`export_then_import_returns_the_same_graph`).

use attest::db::{BulkElement, BulkRejection, BulkSource, Graph, OpenOptions, SchemaChoice};
use attest::lang::{Params, QueryOptions};
use attest::model::{NodeId, Properties, Value};
use proptest::prelude::*;
use std::time::Duration;

const SEED: &str = "CREATE (a:A {k: 1, s: 'x', l: [1, 2]})-[:R {w: 2}]->(b:B {k: 2}), \
                    (b)-[:R {w: 3}]->(c:A:B {k: 3, d: DATE '2016-06-18'}), (c)-[:S]->(a), (a)-[:S]->(a)";

fn options() -> QueryOptions {
    QueryOptions {
        max_rows: 5_000,
        max_path_depth: 5,
        max_memory_bytes: 8 << 20,
        timeout: Some(Duration::from_millis(500)),
        cancel: None,
    }
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        Just("9223372036854775807".to_string()),
        Just("-9223372036854775808".to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        "[a-zA-Z0-9 'é\\\\\"]{0,6}".prop_map(|s| format!("'{}'", s.replace('\'', ""))),
        Just("null".to_string()),
        Just("true".to_string()),
        prop::sample::select(vec!["a", "b", "r", "x", "a.k", "b.s", "r.w", "a.l", "$p", "c.d"])
            .prop_map(str::to_string),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let op = prop::sample::select(vec![
            "+",
            "-",
            "*",
            "/",
            "%",
            "^",
            "=",
            "<>",
            "<",
            ">=",
            "AND",
            "OR",
            "XOR",
            "IN",
            "STARTS WITH",
            "CONTAINS",
            "=~",
            "IS NULL OR",
        ]);
        let function = prop::sample::select(vec![
            "size",
            "toInteger",
            "toFloat",
            "toString",
            "head",
            "last",
            "abs",
            "labels",
            "keys",
            "type",
            "id",
            "coalesce",
            "reverse",
            "toUpper",
            "sqrt",
            "date",
            "exists",
            "properties",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            (function, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{k: {a}, m: {b}}}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("CASE WHEN {a} THEN {b} ELSE {c} END")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("range(0, {a})[{b}]")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("substring({a}, {b})")),
        ]
    })
}

fn pattern() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "(a)",
        "(a:A)",
        "(a:A {k: 1})",
        "(a)-[r]->(b)",
        "(a)-[r:R]-(b:B)",
        "(a)<-[r:R|S]-(b)",
        "(a)-[*]-(b)",
        "(a)-[r*1..3]->(b)",
        "(a)-[:S*0..]->(b)",
        "p = (a)-[*..4]-(b)",
        "(a), (b)",
    ])
    .prop_map(str::to_string)
}

/// A statement from clauses that mostly fit together.
fn statement() -> impl Strategy<Value = String> {
    let clause = prop_oneof![
        pattern().prop_map(|p| format!("MATCH {p}")),
        pattern().prop_map(|p| format!("OPTIONAL MATCH {p}")),
        expression().prop_map(|e| format!("WHERE {e}")),
        expression().prop_map(|e| format!("WITH *, {e} AS x")),
        expression().prop_map(|e| format!("UNWIND {e} AS x")),
        expression().prop_map(|e| format!("SET a.k = {e}")),
        Just("SET a:C REMOVE a:A".to_string()),
        Just("DETACH DELETE a".to_string()),
        Just("DELETE r".to_string()),
        expression().prop_map(|e| format!("CREATE (:A {{k: {e}}})-[:R]->(a)")),
        expression().prop_map(|e| format!("MERGE (:B {{k: {e}}})")),
        (expression(), expression())
            .prop_map(|(a, b)| format!("RETURN {a}, {b} AS y ORDER BY y SKIP 0 LIMIT 5")),
        expression().prop_map(|e| format!("RETURN count(*), collect({e}), sum(a.k), min({e})")),
        Just("RETURN DISTINCT a, b".to_string()),
    ];
    let free = prop::collection::vec(clause.clone(), 1..5).prop_map(|c| c.join(" "));
    // The usual shape: a match, a filter, updates or projections, a return.
    let middle = prop_oneof![
        expression().prop_map(|e| format!("WITH a, b, {e} AS x")),
        Just("UNWIND [1, 2, 3] AS x".to_string()),
        expression().prop_map(|e| format!("SET a.k = {e}")),
        Just("SET a:C REMOVE a:A".to_string()),
        expression().prop_map(|e| format!("CREATE (:A {{k: {e}}})-[:R]->(a)")),
        expression().prop_map(|e| format!("MERGE (:B {{k: {e}}})")),
    ];
    let end = prop_oneof![
        Just("RETURN a, b".to_string()),
        expression().prop_map(|e| format!("RETURN {e} AS y ORDER BY y LIMIT 3")),
        Just("RETURN count(*), collect(a.k)".to_string()),
        Just("DETACH DELETE a".to_string()),
        Just(String::new()),
    ];
    let shaped = (
        prop::sample::select(vec![
            "MATCH (a)-[r]->(b)",
            "MATCH (a:A), (b)",
            "OPTIONAL MATCH (a)-[r:R*1..2]-(b)",
        ]),
        prop::option::of(expression()),
        prop::collection::vec(middle, 0..3),
        end,
    )
        .prop_map(|(m, w, mid, end)| {
            let filter = w.map(|w| format!("WHERE {w}")).unwrap_or_default();
            format!("{m} {filter} {} {end}", mid.join(" "))
        });
    prop_oneof![1 => free, 2 => shaped]
}

/// Token soup: Cypher's vocabulary in any order.
fn soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "MATCH", "RETURN", "WITH", "WHERE", "CREATE", "MERGE", "SET", "DELETE", "DETACH", "UNWIND", "AS",
        "ORDER", "BY", "LIMIT", "SKIP", "OPTIONAL", "UNION", "ALL", "CASE", "WHEN", "THEN", "END", "EXPLAIN",
        "PROFILE", "SHOW", "LABELS", "(", ")", "[", "]", "{", "}", "-", "->", "<-", ":", ",", ".", "*", "..",
        "|", "=", "'s'", "\"", "'", "1", "1.5e308", "a", "b", "$p", "`q`", "//", "/*", ";", "\n", "é",
        "\u{0}", "count", "exists", "null",
    ]);
    prop::collection::vec(token, 0..30).prop_map(|t| t.join(" "))
}

fn run_one(text: &str) -> Result<(), TestCaseError> {
    let graph = Graph::in_memory();
    graph.query(SEED).unwrap();
    let params = Params::from([("p".to_string(), Value::Int(2))]);
    if let Ok(query) = graph.prepare(text) {
        let _ = query.run_with(&graph, &params, &options());
    }
    let report = graph.check_integrity().unwrap();
    prop_assert!(report.is_ok(), "after {text:?}: {report}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_statements_never_panic(text in statement()) {
        run_one(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in soup()) {
        run_one(&text)?;
    }

    #[test]
    fn any_text_never_panics_the_parsers(text in "\\PC{0,80}") {
        let _ = attest::lang::parse(&text);
        let _ = attest::facts::parse_facts(&text);
    }
}

/// One write of a generated sequence.
#[derive(Clone, Debug)]
enum Write {
    Query(u8, u8, u8),
    Facts(u8, u8),
    Bulk(u8, bool),
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        3 => (0u8..8, 0u8..6, 0u8..6).prop_map(|(k, i, j)| Write::Query(k, i, j)),
        2 => (0u8..6, 0u8..6).prop_map(|(i, j)| Write::Facts(i, j)),
        1 => (1u8..30, any::<bool>()).prop_map(|(n, clash)| Write::Bulk(n, clash)),
    ]
}

/// Actors for a bulk insert; with `clash`, the last one takes a name the
/// store may already have, and the whole insert must then leave nothing.
struct Actors {
    n: u8,
    clash: bool,
    tag: usize,
    first: u64,
}

impl BulkSource for Actors {
    fn begin(&mut self, first_free_node: NodeId) {
        self.first = first_free_node.0;
    }

    fn elements(
        &mut self,
        sink: &mut dyn FnMut(BulkElement) -> Result<(), BulkRejection>,
    ) -> attest::Result<()> {
        for i in 0..u64::from(self.n) {
            let name = if self.clash && i + 1 == u64::from(self.n) {
                "n0".to_string()
            } else {
                format!("bulk{}-{i}", self.tag)
            };
            let properties = Properties::from([
                ("name".to_string(), Value::from(name)),
                ("kind".to_string(), Value::from("group")),
            ]);
            sink(BulkElement::Node {
                id: NodeId(self.first + i),
                labels: attest::model::Labels::from(["Actor"]),
                properties,
                sources: Vec::new(),
                key: None,
            })
            .map_err(|r| r.error)?;
            if i > 0 {
                sink(BulkElement::Relationship {
                    id: None,
                    rel_type: "MEMBER_OF".into(),
                    start: NodeId(self.first + i),
                    end: NodeId(self.first + i - 1),
                    properties: Properties::new(),
                    sources: Vec::new(),
                    key: None,
                })
                .map_err(|r| r.error)?;
            }
        }
        Ok(())
    }
}

fn apply(graph: &Graph, step: usize, write: &Write) {
    match *write {
        Write::Query(kind, i, j) => {
            let text = match kind {
                0 => format!("CREATE (:Actor {{name: 'n{i}', kind: 'person'}})"),
                1 => format!("MATCH (a:Actor {{name: 'n{i}'}}) SET a.title = 't{j}'"),
                2 => format!(
                    "MATCH (a:Actor {{name: 'n{i}'}}), (b:Actor {{name: 'n{j}'}}) CREATE (a)-[:MEMBER_OF]->(b)"
                ),
                3 => format!("MATCH (a:Actor {{name: 'n{i}'}}) DETACH DELETE a"),
                4 => format!("MATCH (a:Actor {{name: 'n{i}'}}) SET a.name = 'n{j}'"),
                5 => "MATCH ()-[r:MEMBER_OF]->() WITH r LIMIT 1 DELETE r".to_string(),
                6 => {
                    format!("CREATE (:Actor {{name: 'n{i}x', kind: 'person'}}) WITH 1 AS one RETURN one / 0")
                }
                _ => format!("MATCH (a:Actor) WHERE a.name STARTS WITH 'f' SET a.title = 'seen {step}'"),
            };
            let _ = graph.query(&text);
        }
        Write::Facts(i, j) => {
            let text = format!(
                "(k{i}:Actor {{name: \"f{i}\", kind: \"group\"}}) external \"step {step}\"\n\
                 (k{j}:Actor {{name: \"f{j}\", kind: \"group\"}}) external \"step {step}\"\n\
                 (k{i})-[m{i}x{j}:MEMBER_OF]->(k{j}) external \"step {step}\"\n"
            );
            let _ = attest::facts::load_text(graph, &text, "gen.facts", &|_| {
                Err(attest::Error::Storage("no texts".into()))
            });
        }
        Write::Bulk(n, clash) => {
            let mut source = Actors {
                n,
                clash,
                tag: step,
                first: 0,
            };
            let _ = graph.bulk_insert("generated", &mut source);
        }
    }
}

fn contents(graph: &Graph) -> (Vec<String>, Vec<String>) {
    let snap = graph.read();
    let mut nodes: Vec<String> = snap.index().nodes().map(|n| format!("{n:?}")).collect();
    let mut rels: Vec<String> = snap.index().relationships().map(|r| format!("{r:?}")).collect();
    nodes.sort();
    rels.sort();
    (nodes, rels)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20))]

    #[test]
    fn generated_writes_keep_store_and_index_consistent_across_reopen(
        writes in prop::collection::vec(write(), 1..30)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let before = {
            let graph = Graph::open_with(&path, OpenOptions { schema: SchemaChoice::News }).unwrap();
            for (step, w) in writes.iter().enumerate() {
                apply(&graph, step, w);
                let report = graph.check_integrity().unwrap();
                prop_assert!(report.is_ok(), "after {w:?}: {report}");
            }
            (contents(&graph), graph.history().unwrap().len())
        };
        let graph = Graph::open(&path).unwrap();
        let report = graph.check_integrity().unwrap();
        prop_assert!(report.is_ok(), "after reopening: {report}");
        prop_assert_eq!((contents(&graph), graph.history().unwrap().len()), before);
    }
}
