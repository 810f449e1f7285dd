//! Interoperability: export, import, and round trips through real peers.
//!
//! The first half needs nothing but Attest: every lossless format (JSON
//! Lines, Turtle, N-Triples, either reification) exported and imported
//! into a new store gives the same graph, ids, sources and keys included;
//! the CSV directory re-imports with the same nodes; imports are atomic
//! and point at the bad line.
//!
//! The second half loads Attest's exports into the peers of the shared
//! benchmark, from the virtual environment `scripts/peers-venv.sh` creates
//! (`$PEERS_VENV`, else `.venv-peers/` in the repository): Turtle into
//! pyoxigraph (SPARQL counts per class and predicate equal Attest's counts),
//! the CSV export of the 10k benchmark data into Kuzu (the seven questions
//! give Attest's answers), GraphML into networkx (same nodes, edges and
//! attributes). Without the venv they fail under CI and are skipped,
//! loudly, elsewhere. The Python side is in `tests/peers/`.

mod common;

use attest::bench::{self, QUERIES};
use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::export::{self, ExportOptions, Format, Reification, Subgraph};
use attest::import::{ImportOptions, import_csv, import_jsonl, import_rdf};
use attest::model::{Relationship, Value};
use common::shared;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn news() -> Graph {
    Graph::in_memory_with(OpenOptions {
        schema: SchemaChoice::News,
    })
}

fn article() -> Graph {
    let graph = news();
    attest::facts::load_article(&graph).expect("the bundled article loads");
    graph
}

fn export_to(graph: &Graph, format: Format, reification: Reification, path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    export::write(graph, format, &ExportOptions { reification }, &mut file).unwrap();
}

// ---------------------------------------------------------------------------
// Round trips within Attest
// ---------------------------------------------------------------------------

#[test]
fn lossless_formats_return_the_same_graph() {
    let original = article();
    let expected = Subgraph::of(&original);
    assert!(
        expected
            .nodes
            .iter()
            .any(|n| !n.sources.is_empty() && n.key.is_some())
    );
    assert!(expected.relationships.iter().any(|r| !r.sources.is_empty()));
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (Format::Jsonl, Reification::Star, "g.jsonl"),
        (Format::Turtle, Reification::Star, "g.ttl"),
        (Format::NTriples, Reification::Star, "g.nt"),
        (Format::Turtle, Reification::Plain, "plain.ttl"),
        (Format::NTriples, Reification::Plain, "plain.nt"),
    ];
    for (format, reification, name) in cases {
        let path = dir.path().join(name);
        export_to(&original, format, reification, &path);
        if format == Format::NTriples {
            // No blank nodes: a loader may split the file at any line.
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("_:"), "{name}");
            assert!(
                text.contains("/source/n1-0> <https://attest.example.org/ns#document>"),
                "{name}"
            );
        }
        let copy = news();
        let report = match format {
            Format::Jsonl => import_jsonl(&copy, &path),
            _ => import_rdf(&copy, &path),
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.nodes as usize, expected.nodes.len(), "{name}");
        assert_eq!(Subgraph::of(&copy), expected, "{name}");
        copy.verify().unwrap();
        // Evidence resolves in the copy as in the original.
        let carter = copy.node_by_key("carter").expect("the fact key survived");
        let id = attest::model::ElementId::Node(carter.id);
        assert_eq!(
            copy.evidence(id).unwrap(),
            original.evidence(id).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn every_value_type_survives_jsonl_and_rdf() {
    let graph = Graph::in_memory();
    graph
        .query(
            "CREATE (a:Thing {s: 'a \"quoted\"\\nline', i: -42, f: 2.0, big: 1.0e300, b: true, \
             d: date('2016-02-29'), l: ['x', 'y'], m: {k: [1, 2]}, empty: ''}), \
             (b:Thing:Other {name: 'two labels'}), (c), \
             (a)-[:LINKS {w: 0.5}]->(b), (a)-[:LINKS {w: 0.5}]->(b), (c)-[:`odd type`]->(c)",
        )
        .unwrap();
    graph
        .query("MATCH (a:Thing {i: -42}) SET a.nan = 0.0 / 0.0, a.inf = 1.0 / 0.0, a.ninf = -1.0 / 0.0")
        .unwrap();
    let expected = Subgraph::of(&graph);
    let thing = expected.nodes.iter().find(|n| n.has_label("Thing")).unwrap();
    assert!(matches!(thing.property("nan"), Value::Float(f) if f.is_nan()));
    assert_eq!(thing.property("ninf"), &Value::Float(f64::NEG_INFINITY));
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [
        (Format::Jsonl, "v.jsonl"),
        (Format::Turtle, "v.ttl"),
        (Format::NTriples, "v.nt"),
    ] {
        let path = dir.path().join(name);
        export_to(&graph, format, Reification::Star, &path);
        let copy = Graph::in_memory();
        match format {
            Format::Jsonl => import_jsonl(&copy, &path),
            _ => import_rdf(&copy, &path),
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = Subgraph::of(&copy);
        // NaN is not equal to itself: compare its absence of equality apart.
        let strip = |s: &Subgraph| {
            let mut s = s.clone();
            for n in &mut s.nodes {
                if let Some(Value::Float(f)) = n.properties.get("nan")
                    && f.is_nan()
                {
                    n.properties.insert("nan".into(), Value::from("NaN"));
                }
            }
            s
        };
        assert_eq!(strip(&got), strip(&expected), "{name}");
    }
}

#[test]
fn csv_export_reimports_with_the_same_nodes_and_relationships() {
    let graph = news();
    graph
        .query(
            "CREATE (a:Actor {name: 'Rao Qupeyan', kind: 'person'}), (b:Actor {name: 'Kaven', kind: 'country'}), \
             (e:Event {kind: 'attack', date: date('2016-05-01'), summary: 'Rao attacked Kaven, \"again\"'}), \
             (d:Document {title: 'Report', outlet: 'Examiner', date: date('2016-05-02')}), \
             (s:Assertion {text: 'It was bad', certainty: 'hedged'}), \
             (e)-[:AGENT]->(a), (e)-[:TARGET]->(b), (e)-[:REPORTED_IN]->(d), (s)-[:REPORTED_IN]->(d), \
             (s)-[:SAID_BY]->(a), (s)-[:ABOUT]->(e)",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("csv");
    let report = export::write_csv(&graph, &out).unwrap();
    assert!(
        report
            .files
            .contains(&"REPORTED_IN.Event.Document.csv".to_string()),
        "{:?}",
        report.files
    );
    assert!(
        report.files.contains(&"AGENT.csv".to_string()),
        "{:?}",
        report.files
    );
    let header = std::fs::read_to_string(out.join("Event.csv")).unwrap();
    assert!(header.starts_with("id,date:date,kind,summary\n"), "{header}");

    let copy = news();
    let imported = import_csv(&copy, &out, &ImportOptions::default()).unwrap();
    assert_eq!(
        (imported.nodes, imported.relationships),
        (report.nodes, report.relationships)
    );
    let (a, b) = (Subgraph::of(&graph), Subgraph::of(&copy));
    assert_eq!(a.nodes, b.nodes);
    // Relationship ids are fresh in a CSV import; everything else matches.
    let shape = |rels: &[Relationship]| {
        let mut v: Vec<_> = rels
            .iter()
            .map(|r| (r.rel_type.clone(), r.start, r.end, format!("{:?}", r.properties)))
            .collect();
        v.sort();
        v
    };
    assert_eq!(shape(&a.relationships), shape(&b.relationships));

    // A second export into the same directory is refused, not mixed in.
    assert!(
        export::write_csv(&graph, &out)
            .unwrap_err()
            .to_string()
            .contains("already holds an export")
    );
}

#[test]
fn the_article_exports_as_csv_with_its_lists_and_reimports() {
    let original = article();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("article");
    export::write_csv(&original, &out).unwrap();
    let actors = std::fs::read_to_string(out.join("Actor.csv")).unwrap();
    assert!(
        actors.starts_with("id,aliases:string[],anonymous:bool,"),
        "{actors}"
    );
    assert!(actors.contains(",U.S.;the United States,"), "{actors}");
    let copy = news();
    import_csv(&copy, &out, &ImportOptions::default()).unwrap();
    // The CSV layout has no place for sources and fact keys.
    let bare = |g: &Graph| {
        let mut s = Subgraph::of(g);
        for n in &mut s.nodes {
            n.sources = Default::default();
            n.key = None;
        }
        s.nodes
    };
    assert_eq!(bare(&copy), bare(&original));
    assert_eq!(copy.stats(), original.stats());
}

#[test]
fn csv_export_refuses_what_the_layout_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("CREATE (:A:B)", "several labels"),
        ("CREATE ()", "it has no label"),
        (
            "CREATE (:A {m: {k: 1}})",
            "property `m` is a MAP, which the CSV layout cannot hold",
        ),
        (
            "CREATE (:A {l: ['a;b']})",
            "`;` separates the elements of a list field",
        ),
        ("CREATE (:A {l: [1, 'x']})", "a list of values of several types"),
        ("CREATE (:A {l: []})", "an empty list"),
        ("CREATE (:A {s: ''})", "an empty string"),
        (
            "CREATE (:A {x: 1}), (:A {x: 'one'})",
            "holds string values here but int values elsewhere",
        ),
        ("CREATE (:`A/B`)", "cannot be a file name"),
    ];
    for (i, (create, expected)) in cases.iter().enumerate() {
        let graph = Graph::in_memory();
        graph.query(create).unwrap();
        let out = dir.path().join(i.to_string());
        let err = export::write_csv(&graph, &out).unwrap_err().to_string();
        assert!(err.contains(expected), "{create}: {err}");
        assert!(err.contains("--format jsonl"), "{err}");
        assert!(!out.exists(), "{create}: nothing is written before the check");
    }
}

#[test]
fn a_failed_import_leaves_the_store_as_it_was_and_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.jsonl");
    export_to(&article(), Format::Jsonl, Reification::Star, &path);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count();

    // A schema violation on the last line: everything before it was fine.
    let bad = text.replace("\"kind\":\"person\"", "\"kind\":\"persn\"");
    let bad_path = dir.path().join("bad.jsonl");
    std::fs::write(&bad_path, &bad).unwrap();
    let graph = news();
    let err = import_jsonl(&graph, &bad_path).unwrap_err().to_string();
    assert!(err.contains("'persn' is not in vocabulary"), "{err}");
    assert!(err.contains("bad.jsonl:"), "{err}");
    assert_eq!((graph.stats().nodes, graph.history().unwrap().len()), (0, 0));
    // The ids of an export are taken in a store that has elements.
    graph
        .query("CREATE (:Actor {name: 'Someone', kind: 'group'})")
        .unwrap();
    let before = (Subgraph::of(&graph), graph.history().unwrap().len());
    let err = import_jsonl(&graph, &path).unwrap_err().to_string();
    assert!(err.contains("node id 1 is already taken"), "{err}");
    assert_eq!((Subgraph::of(&graph), graph.history().unwrap().len()), before);

    // Broken JSON on the last line: line and column.
    let truncated = format!("{}{{\"type\": \"node\", \"id\": 99,\n", text);
    std::fs::write(&bad_path, truncated).unwrap();
    let err = import_jsonl(&news(), &bad_path).unwrap_err().to_string();
    assert!(err.contains(&format!("bad.jsonl:{}:", lines + 1)), "{err}");
    assert!(err.starts_with("SyntaxError: not JSON"), "{err}");

    // Turtle: a syntax error has a line and column; a relationship the
    // schema refuses fails the whole file.
    let ttl = dir.path().join("g.ttl");
    export_to(&article(), Format::Turtle, Reification::Star, &ttl);
    let turtle = std::fs::read_to_string(&ttl).unwrap();
    std::fs::write(&ttl, format!("{turtle}node:1 prop:x \"unterminated .\n")).unwrap();
    let err = import_rdf(&news(), &ttl).unwrap_err().to_string();
    assert!(err.starts_with("SyntaxError:"), "{err}");
    assert!(
        err.contains(&format!("g.ttl:{}:", turtle.lines().count() + 1)),
        "{err}"
    );
    std::fs::write(&ttl, format!("{turtle}node:1 type:SAID_BY node:2 .\n")).unwrap();
    let graph = news();
    let err = import_rdf(&graph, &ttl).unwrap_err().to_string();
    assert!(err.contains("SAID_BY"), "{err}");
    assert_eq!(graph.stats().nodes, 0);
}

#[test]
fn query_results_draw_as_dot_and_graphml_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let db = if args.contains(&"--db") {
            &[][..]
        } else {
            &["--db", "store"][..]
        };
        let out = Command::new(env!("CARGO_BIN_EXE_attest"))
            .current_dir(dir.path())
            .args(db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["load", "article"]);
    let query = "MATCH p = (e:Event)-[:AGENT]->(a:Actor) RETURN p";
    let rows = article().query(query).unwrap().rows.len();
    let dot = run(&["query", query, "--format", "dot"]);
    assert!(dot.starts_with("digraph attest {"), "{dot}");
    assert_eq!(dot.matches("[label=\"AGENT\"]").count(), rows, "{dot}");
    let graphml = run(&["query", query, "--format", "graphml"]);
    assert_eq!(graphml.matches("<edge ").count(), rows, "{graphml}");
    // The whole store, to a file, in every format.
    for format in ["jsonl", "ntriples", "turtle", "graphml", "dot"] {
        run(&["export", "--format", format, "--out", &format!("all.{format}")]);
        assert!(dir.path().join(format!("all.{format}")).metadata().unwrap().len() > 1000);
    }
    let to_stdout = run(&["export", "--format", "ntriples"]);
    assert_eq!(
        to_stdout,
        std::fs::read_to_string(dir.path().join("all.ntriples")).unwrap()
    );
    run(&["--db", "copy", "import", "--jsonl", "all.jsonl"]);
    let stats = run(&["--db", "copy", "stats"]);
    assert!(stats.starts_with(&run(&["stats"])), "{stats}");
}

// ---------------------------------------------------------------------------
// Round trips through real peers
// ---------------------------------------------------------------------------

/// The peers' Python, or `None` (after saying so loudly) outside CI.
fn peers_python() -> Option<PathBuf> {
    let venv = std::env::var_os("PEERS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-peers"));
    let python = venv.join("bin/python");
    if python.is_file() {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: no peers venv at {} (scripts/peers-venv.sh creates it; .ci/run runs it)",
        venv.display()
    );
    eprintln!(
        "\n!!! SKIPPED: no peers venv at {}; run scripts/peers-venv.sh to test the round trips through pyoxigraph, Kuzu and networkx !!!\n",
        venv.display()
    );
    None
}

fn run_peer(python: &Path, script: &str, args: &[&Path]) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peers")
        .join(script);
    let out = Command::new(python).arg(&script).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}", script.display()))
}

#[test]
fn turtle_into_pyoxigraph_counts_what_attest_counts() {
    let Some(python) = peers_python() else { return };
    let graph = article();
    let dir = tempfile::tempdir().unwrap();
    let ttl = dir.path().join("article.ttl");
    export_to(&graph, Format::Turtle, Reification::Star, &ttl);
    let counts = run_peer(&python, "oxigraph_counts.py", &[&ttl]);

    let ours = Subgraph::of(&graph);
    let stats = graph.stats();
    // Classes: one per label, with Attest's count.
    let classes: BTreeMap<String, u64> = stats
        .labels
        .iter()
        .map(|(l, n)| (format!("https://attest.example.org/label/{l}"), *n as u64))
        .collect();
    let theirs: BTreeMap<String, u64> = serde_json::from_value(counts["classes"].clone()).unwrap();
    assert_eq!(theirs, classes);
    // Relationship types: one reifier per relationship.
    let types: BTreeMap<String, u64> = stats
        .relationship_types
        .iter()
        .map(|(t, n)| (format!("https://attest.example.org/type/{t}"), *n as u64))
        .collect();
    let reified: BTreeMap<String, u64> = serde_json::from_value(counts["reified"].clone()).unwrap();
    assert_eq!(reified, types);
    // Predicates: each property, key, source and id as often as Attest has it.
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |iri: String| *expected.entry(iri).or_default() += 1;
    let details = ours
        .nodes
        .iter()
        .map(|n| (&n.properties, &n.key, &n.sources[..]))
        .chain(
            ours.relationships
                .iter()
                .map(|r| (&r.properties, &r.key, &r.sources[..])),
        );
    for (properties, key, sources) in details {
        add("https://attest.example.org/ns#id".into());
        for name in properties.keys() {
            add(format!("https://attest.example.org/prop/{name}"));
        }
        if key.is_some() {
            add("https://attest.example.org/ns#key".into());
        }
        for _ in sources.iter() {
            add("https://attest.example.org/ns#source".into());
        }
    }
    let theirs: BTreeMap<String, u64> = serde_json::from_value(counts["predicates"].clone()).unwrap();
    for (iri, n) in &expected {
        assert_eq!(theirs.get(iri), Some(n), "{iri}");
    }
    // An asserted triple per distinct (start, type, end).
    let mut distinct = std::collections::BTreeSet::new();
    for r in &ours.relationships {
        distinct.insert((r.start, r.rel_type.clone(), r.end));
    }
    for (t, _) in &stats.relationship_types {
        let n = distinct.iter().filter(|(_, ty, _)| ty == t).count() as u64;
        let iri = format!("https://attest.example.org/type/{t}");
        assert_eq!(theirs.get(&iri), Some(&n), "{iri}");
    }
}

#[test]
fn plain_reification_ntriples_into_pyoxigraph_has_a_statement_per_relationship() {
    let Some(python) = peers_python() else { return };
    let graph = article();
    let dir = tempfile::tempdir().unwrap();
    let nt = dir.path().join("article.nt");
    export_to(&graph, Format::NTriples, Reification::Plain, &nt);
    let counts = run_peer(&python, "oxigraph_counts.py", &[&nt]);
    let stats = graph.stats();
    let statement = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement";
    assert_eq!(counts["classes"][statement], stats.relationships as u64);
    for (label, n) in &stats.labels {
        assert_eq!(
            counts["classes"][format!("https://attest.example.org/label/{label}")],
            *n as u64
        );
    }
    assert_eq!(
        counts["reified"],
        serde_json::json!({}),
        "no RDF 1.2 triple terms"
    );
    for p in ["subject", "predicate", "object"] {
        let iri = format!("http://www.w3.org/1999/02/22-rdf-syntax-ns#{p}");
        assert_eq!(
            counts["predicates"][iri.as_str()],
            stats.relationships as u64,
            "{p}"
        );
    }
}

#[test]
fn graphml_into_networkx_has_the_same_nodes_edges_and_attributes() {
    let Some(python) = peers_python() else { return };
    let graph = article();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("article.graphml");
    export_to(&graph, Format::GraphMl, Reification::Star, &file);
    let read = run_peer(&python, "networkx_graphml.py", &[&file]);
    let ours = Subgraph::of(&graph);
    let nodes = read["nodes"].as_object().unwrap();
    assert_eq!(nodes.len(), ours.nodes.len());
    for node in &ours.nodes {
        let attrs = nodes[&format!("n{}", node.id.0)].as_object().unwrap();
        let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
        assert_eq!(attrs[":labels"], Json::String(labels));
        assert_eq!(attrs.len(), node.properties.len() + 1, "{attrs:?}");
        for (name, value) in &node.properties {
            assert_eq!(attrs[name], graphml_value(value), "n{} {name}", node.id.0);
        }
    }
    let edges = read["edges"].as_array().unwrap();
    assert_eq!(edges.len(), ours.relationships.len());
    let mut theirs: Vec<(String, String, String)> = edges
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap().into(),
                e[1].as_str().unwrap().into(),
                e[2][":type"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut expected: Vec<(String, String, String)> = ours
        .relationships
        .iter()
        .map(|r| {
            (
                format!("n{}", r.start.0),
                format!("n{}", r.end.0),
                r.rel_type.clone(),
            )
        })
        .collect();
    theirs.sort();
    expected.sort();
    assert_eq!(theirs, expected);
}

/// A property as networkx reads it back from Attest's GraphML.
fn graphml_value(value: &Value) -> Json {
    match value {
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => Json::from(*f),
        Value::Bool(b) => Json::Bool(*b),
        Value::String(s) => Json::String(s.to_string()),
        Value::Date(d) => Json::String(d.to_string()),
        Value::List(items) => Json::String(
            Json::Array(
                items
                    .iter()
                    .map(|v| v.as_str().map_or(Json::Null, Json::from))
                    .collect(),
            )
            .to_string(),
        ),
        other => Json::String(format!("{other:?}")),
    }
}

#[test]
fn csv_export_into_kuzu_answers_the_seven_questions_as_attest_does() {
    let Some(python) = peers_python() else { return };
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("10k");
    common::generate_10k(&shared, &data);
    let graph = news();
    import_csv(&graph, &data, &ImportOptions::default()).unwrap();
    let params = bench::params(&bench::read_manifest(&data).unwrap()).unwrap();
    let mut ours = serde_json::Map::new();
    for query in &QUERIES {
        let prepared = graph.prepare(query.text).unwrap();
        let (_, answer) = bench::run_once(&graph, query, &prepared, &params).unwrap();
        ours.insert(query.name.to_string(), answer);
    }

    let exported = dir.path().join("export");
    export::write_csv(&graph, &exported).unwrap();
    let work = dir.path().join("kuzu");
    std::fs::create_dir(&work).unwrap();
    let theirs = run_peer(
        &python,
        "kuzu_csv.py",
        &[
            &exported,
            &shared.join("bench"),
            &data.join("manifest.json"),
            &work,
        ],
    );
    assert_eq!(theirs, Json::Object(ours));
}

#[test]
fn ids_and_fact_keys_of_an_import_must_be_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.jsonl");
    let node = |id: u64, key: &str| {
        format!(
            r#"{{"type":"node","id":{id},"labels":["Actor"],"properties":{{}},"sources":[],"key":"{key}"}}"#
        )
    };
    let rel = |id: u64| {
        format!(
            r#"{{"type":"relationship","id":{id},"rel_type":"KNOWS","start":5,"end":6,"properties":{{}},"sources":[]}}"#
        )
    };
    let cases = [
        (
            vec![node(5, "a"), node(6, "a")],
            "fact key `a` is already taken: an earlier element of this import has it",
            3,
        ),
        (
            vec![node(5, "a"), node(6, "b"), rel(9), rel(9)],
            "relationship id 9 appears twice in this import",
            5,
        ),
        (
            vec![node(5, "a"), node(6, "b"), rel(9), node(5, "c")],
            "node id 5 appears twice in this import",
            5,
        ),
    ];
    for (lines, expected, line) in cases {
        std::fs::write(
            &path,
            format!(
                "{{\"format\":\"attest-jsonl\",\"version\":1}}\n{}\n",
                lines.join("\n")
            ),
        )
        .unwrap();
        let graph = Graph::in_memory();
        let err = import_jsonl(&graph, &path).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
        assert!(err.contains(&format!("two.jsonl:{line}:1")), "{err}");
        assert_eq!(graph.stats().nodes, 0);
    }
    // Chosen relationship ids are kept; later fresh ids come after them.
    std::fs::write(&path, [node(5, "a"), node(6, "b"), rel(9)].join("\n")).unwrap();
    let graph = Graph::in_memory();
    import_jsonl(&graph, &path).unwrap();
    assert!(graph.relationship(attest::model::RelId(9)).is_some());
    let made = graph
        .query("MATCH (a), (b) WHERE id(a) = 5 AND id(b) = 6 CREATE (a)-[r:LIKES]->(b) RETURN id(r)")
        .unwrap();
    assert_eq!(made.rows[0][0].as_int(), Some(10));
    // A fact key already in the store is refused too.
    let again = Graph::in_memory();
    again.query("CREATE (:Actor)").unwrap();
    std::fs::write(&path, [node(7, "x")].join("\n")).unwrap();
    import_jsonl(&again, &path).unwrap();
    std::fs::write(&path, [node(8, "x")].join("\n")).unwrap();
    let err = import_jsonl(&again, &path).unwrap_err().to_string();
    assert!(
        err.contains("fact key `x` is already taken: an element in the store has it"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// Generated graphs
// ---------------------------------------------------------------------------

mod generated {
    use super::*;
    use attest::model::{Date, ElementId, NodeId, Properties, Source};
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<f64>().prop_map(Value::Float),
            "[^\u{0}]{0,12}".prop_map(Value::from),
            (-100_000i32..100_000).prop_map(|d| Value::Date(Date::from_days(d))),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => scalar(),
            1 => prop::collection::vec(scalar(), 0..4).prop_map(|items| Value::List(items.into())),
            1 => prop::collection::btree_map("[a-z]{1,3}", scalar(), 0..3).prop_map(|map| Value::Map(Box::new(map))),
        ]
    }

    fn properties() -> impl Strategy<Value = Properties> {
        prop::collection::btree_map("[a-z_ ]{1,6}", value(), 0..4).prop_map(Properties::from)
    }

    fn sources() -> impl Strategy<Value = Vec<Source>> {
        let source = prop_oneof![
            (
                "[a-z#]{1,6}",
                any::<u32>(),
                prop::option::of((any::<u32>(), any::<u32>()))
            )
                .prop_map(|(document, index, span)| Source::Sentence {
                    document,
                    index,
                    span
                }),
            ".{0,10}".prop_map(|note| Source::External { note }),
        ];
        prop::collection::vec(source, 0..3)
    }

    #[derive(Debug, Clone)]
    struct Spec {
        nodes: Vec<(Vec<String>, Properties, Vec<Source>, bool)>,
        rels: Vec<(usize, usize, String, Properties, Vec<Source>, bool)>,
    }

    fn spec() -> impl Strategy<Value = Spec> {
        let label = prop::sample::select(vec!["Actor", "Event", "Odd label", "é"]).prop_map(String::from);
        let node = (
            prop::collection::vec(label, 0..3),
            properties(),
            sources(),
            any::<bool>(),
        );
        prop::collection::vec(node, 1..6).prop_flat_map(|nodes| {
            let n = nodes.len();
            let rel_type = prop::sample::select(vec!["AGENT", "REPORTED IN", "x/y"]).prop_map(String::from);
            let rel = (0..n, 0..n, rel_type, properties(), sources(), any::<bool>());
            prop::collection::vec(rel, 0..8).prop_map(move |rels| Spec {
                nodes: nodes.clone(),
                rels,
            })
        })
    }

    fn build(spec: &Spec) -> Graph {
        let graph = Graph::in_memory();
        let mut tx = graph.begin();
        let mut ids: Vec<NodeId> = Vec::new();
        for (i, (labels, props, sources, keyed)) in spec.nodes.iter().enumerate() {
            let id = tx
                .create_node(labels.clone(), props.clone(), sources.clone())
                .unwrap();
            if *keyed {
                tx.set_key(ElementId::Node(id), &format!("node {i}")).unwrap();
            }
            ids.push(id);
        }
        for (i, (a, b, t, props, sources, keyed)) in spec.rels.iter().enumerate() {
            let id = tx
                .create_relationship(t, ids[*a], ids[*b], props.clone(), sources.clone())
                .unwrap();
            if *keyed {
                tx.set_key(ElementId::Rel(id), &format!("rel {i}")).unwrap();
            }
        }
        tx.commit("generated").unwrap();
        graph
    }

    /// NaN is not equal to itself; compare it by its bits.
    fn comparable(graph: &Graph) -> String {
        format!("{:?}", Subgraph::of(graph))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn export_then_import_returns_the_same_graph(spec in spec()) {
            let graph = build(&spec);
            for (format, reification) in [
                (Format::Jsonl, Reification::Star),
                (Format::Turtle, Reification::Star),
                (Format::NTriples, Reification::Plain),
            ] {
                let mut text = Vec::new();
                export::write(&graph, format, &ExportOptions { reification }, &mut text).unwrap();
                let copy = Graph::in_memory();
                match format {
                    Format::Jsonl => attest::import::import_jsonl_bytes(&copy, &text, "generated").unwrap(),
                    _ => {
                        let dir = tempfile::tempdir().unwrap();
                        let path = dir.path().join(if format == Format::Turtle { "g.ttl" } else { "g.nt" });
                        std::fs::write(&path, &text).unwrap();
                        import_rdf(&copy, &path).unwrap()
                    }
                };
                prop_assert_eq!(comparable(&copy), comparable(&graph), "{}", format);
            }
        }
    }
}

#[test]
fn an_imported_store_reopens_with_the_same_graph() {
    let original = article();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("article.jsonl");
    export_to(&original, Format::Jsonl, Reification::Star, &file);
    let store = dir.path().join("store");
    {
        let graph = Graph::open(&store).unwrap();
        import_jsonl(&graph, &file).unwrap();
        graph.verify().unwrap();
    }
    let graph = Graph::open(&store).unwrap();
    graph.verify().unwrap();
    assert_eq!(Subgraph::of(&graph), Subgraph::of(&original));
    assert!(
        graph.node_by_key("carter").is_some(),
        "fact keys are indexed after reopening"
    );
    // New elements get ids above the imported ones.
    let made = graph
        .query("MATCH (a:Actor {name: 'Ash Carter'}), (b:Actor {name: 'Peter Cook'}) CREATE (a)-[r:MEMBER_OF]->(b) RETURN id(r)")
        .unwrap();
    let top = Subgraph::of(&original)
        .relationships
        .iter()
        .map(|r| r.id.0)
        .max()
        .unwrap();
    assert_eq!(made.rows[0][0].as_int(), Some(top as i64 + 1));
}
