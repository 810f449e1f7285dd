//! The graph store: atomic, schema-checked writes; reopen; store/index
//! consistency; concurrency; format checks.

use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::error::{Error, ErrorClass};
use attest::model::{Direction, ElementId, NodeId, Properties, Source, Value};
use attest::storage::{Engine, MemoryEngine, WriteBatch};
use proptest::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn props(pairs: &[(&str, Value)]) -> Properties {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn actor(name: &str) -> Properties {
    props(&[("name", name.into()), ("kind", "person".into())])
}

fn int(value: &Value) -> i64 {
    match value {
        Value::Int(n) => *n,
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn news_in_memory() -> Graph {
    Graph::in_memory_with(OpenOptions {
        schema: SchemaChoice::News,
    })
}

#[test]
fn committed_writes_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let (carter, event) = {
        let graph = Graph::open(&path).unwrap();
        assert!(graph.was_created());
        let mut tx = graph.begin();
        let carter = tx
            .create_node(
                vec!["Actor".into()],
                actor("Ash Carter"),
                vec![Source::sentence("a", 2)],
            )
            .unwrap();
        let event = tx
            .create_node(
                vec!["Event".into()],
                props(&[("kind", "statement".into())]),
                vec![],
            )
            .unwrap();
        tx.create_relationship("AGENT", event, carter, Properties::new(), vec![])
            .unwrap();
        tx.set_key(ElementId::Node(carter), "carter").unwrap();
        let info = tx.commit("test").unwrap();
        assert_eq!(info.txn, Some(1));
        assert_eq!(info.stats.nodes_created, 2);
        assert_eq!(info.stats.relationships_created, 1);
        (carter, event)
    };
    let graph = Graph::open(&path).unwrap();
    assert!(!graph.was_created());
    assert_eq!(graph.node_by_key("carter").unwrap().id, carter);
    let neighbours = graph.neighbours(event, Some("AGENT"), Direction::Outgoing);
    assert_eq!(neighbours.len(), 1);
    assert_eq!(neighbours[0].1.property("name"), &Value::from("Ash Carter"));
    assert_eq!(
        graph
            .node_by_unique("Actor", "name", &"Ash Carter".into())
            .unwrap()
            .id,
        carter
    );
    assert_eq!(graph.history().unwrap().len(), 1);
    graph.verify().unwrap();
    // Ids are never reused, also across reopen.
    let (id, _) = graph
        .write("next", |tx| {
            tx.create_node(vec!["Actor".into()], actor("Elissa Slotkin"), vec![])
        })
        .unwrap();
    assert!(id.0 > event.0);
}

#[test]
fn a_schema_violation_writes_nothing_of_its_batch() {
    for graph in [news_in_memory(), {
        let dir = tempfile::tempdir().unwrap();
        Graph::open(dir.path().join("s")).unwrap()
    }] {
        let result = graph.write("bad batch", |tx| {
            tx.create_node(vec!["Actor".into()], actor("Russia"), vec![])?;
            tx.create_node(
                vec!["Actor".into()],
                props(&[("name", "x".into()), ("kind", "robot".into())]),
                vec![],
            )
        });
        let err = result.unwrap_err();
        assert_eq!(err.class(), Some(ErrorClass::ConstraintVerificationFailed));
        assert!(err.to_string().contains("not in vocabulary"), "{err}");
        assert_eq!(graph.stats().nodes, 0);
        assert!(graph.history().unwrap().is_empty());
        graph.verify().unwrap();
    }
}

#[test]
fn deferred_rules_are_checked_at_commit() {
    let graph = news_in_memory();
    graph
        .write("one", |tx| {
            tx.create_node(vec!["Actor".into()], actor("Russia"), vec![])
        })
        .unwrap();
    // Unique key: a second Russia is rejected at commit, naming both.
    let err = graph
        .write("dup", |tx| {
            tx.create_node(vec!["Actor".into()], actor("Russia"), vec![])
        })
        .unwrap_err();
    assert!(err.to_string().contains("Actor.name must be unique"), "{err}");
    // Required property: creating then setting it in the same transaction is fine.
    graph
        .write("later set", |tx| {
            let id = tx.create_node(vec!["Actor".into()], Properties::new(), vec![])?;
            tx.set_node_property(id, "name", "Jordan".into())?;
            tx.set_node_property(id, "kind", "country".into())
        })
        .unwrap();
    let err = graph
        .write("missing", |tx| {
            tx.create_node(vec!["Actor".into()], props(&[("kind", "group".into())]), vec![])
        })
        .unwrap_err();
    assert!(err.to_string().contains("Actor.name is required"), "{err}");
    assert_eq!(graph.stats().nodes, 2);
}

#[test]
fn relationship_joins_and_types_are_checked() {
    let graph = news_in_memory();
    let err = graph
        .write("wrong way", |tx| {
            let a = tx.create_node(vec!["Actor".into()], actor("A"), vec![])?;
            let e = tx.create_node(vec!["Event".into()], props(&[("kind", "attack".into())]), vec![])?;
            tx.create_relationship("AGENT", a, e, Properties::new(), vec![])
        })
        .unwrap_err();
    assert!(err.to_string().contains("may not join"), "{err}");
    assert_eq!(graph.stats().nodes, 0);
}

#[test]
fn dropping_a_transaction_rolls_it_back() {
    let graph = Graph::in_memory();
    {
        let mut tx = graph.begin();
        tx.create_node(vec!["X".into()], Properties::new(), vec![])
            .unwrap();
        assert_eq!(tx.index().node_count(), 1);
    }
    assert_eq!(graph.stats().nodes, 0);
    graph.verify().unwrap();
}

#[test]
fn change_stats_count_observable_differences() {
    let graph = Graph::in_memory();
    let (a, _) = graph
        .write("a", |tx| {
            tx.create_node(vec!["A".into()], props(&[("k", 1i64.into())]), vec![])
        })
        .unwrap();
    let (_, info) = graph
        .write("b", |tx| {
            tx.set_node_property(a, "k", 2i64.into())?;
            tx.set_node_property(a, "j", "same".into())?;
            tx.add_label(a, "B")
        })
        .unwrap();
    assert_eq!(info.stats.properties_set, 2);
    assert_eq!(info.stats.properties_removed, 1);
    assert_eq!(info.stats.labels_added, 1);
    let (_, info) = graph.write("c", |tx| tx.delete_node(a, false)).unwrap();
    assert_eq!(info.stats.nodes_deleted, 1);
    assert_eq!(info.stats.properties_removed, 2);
    assert_eq!(info.stats.labels_removed, 2);
}

#[test]
fn deleting_a_connected_node_needs_detach() {
    let graph = Graph::in_memory();
    let ((a, b), _) = graph
        .write("ab", |tx| {
            let a = tx.create_node(vec!["A".into()], Properties::new(), vec![])?;
            let b = tx.create_node(vec!["A".into()], Properties::new(), vec![])?;
            tx.create_relationship("R", a, b, Properties::new(), vec![])?;
            Ok((a, b))
        })
        .unwrap();
    let err = graph.write("del", |tx| tx.delete_node(a, false)).unwrap_err();
    assert!(err.to_string().contains("DeleteConnectedNode"), "{err}");
    graph.write("detach", |tx| tx.delete_node(a, true)).unwrap();
    assert_eq!(graph.stats().relationships, 0);
    assert!(graph.node(b).is_some());
    graph.verify().unwrap();
}

#[test]
fn provenance_resolves_through_sentence_nodes() {
    let graph = Graph::in_memory();
    let (fact, _) = graph
        .write("doc", |tx| {
            let doc = tx.create_node(vec!["Document".into()], props(&[("title", "T".into())]), vec![])?;
            tx.set_key(ElementId::Node(doc), "art")?;
            let s = tx.create_node(
                vec!["Sentence".into()],
                props(&[("text", "Russia struck.".into())]),
                vec![],
            )?;
            tx.set_key(ElementId::Node(s), "art#1")?;
            let source = Source::Sentence {
                document: "art".into(),
                index: 1,
                span: Some((0, 6)),
            };
            let external = Source::External {
                note: "background".into(),
            };
            tx.create_node(vec!["Actor".into()], Properties::new(), vec![source, external])
        })
        .unwrap();
    let evidence = graph.evidence(ElementId::Node(fact)).unwrap();
    assert_eq!(evidence[0].text.as_deref(), Some("Russia"));
    assert_eq!(evidence[0].document.as_deref(), Some("T"));
    assert_eq!(evidence[1].text, None);
    let missing = graph.evidence(ElementId::Node(NodeId(999))).unwrap_err();
    assert_eq!(missing.class(), Some(ErrorClass::EntityNotFound));
}

#[test]
fn newer_formats_and_foreign_data_are_refused() {
    let engine = MemoryEngine::new();
    let mut batch = WriteBatch::new();
    batch.put(b"Mformat".to_vec(), 4u32.to_be_bytes().to_vec());
    engine.apply(batch).unwrap();
    let err = Graph::with_engine(Box::new(engine), OpenOptions::default())
        .err()
        .unwrap();
    assert!(
        matches!(err, Error::Format(_)) && err.to_string().contains("format 4"),
        "{err}"
    );

    let engine = MemoryEngine::new();
    let mut batch = WriteBatch::new();
    batch.put(b"something".to_vec(), b"else".to_vec());
    engine.apply(batch).unwrap();
    assert!(Graph::with_engine(Box::new(engine), OpenOptions::default()).is_err());
}

#[test]
fn a_store_open_for_writing_cannot_be_opened_again() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Graph::open(dir.path().join("s")).unwrap();
    let err = Graph::open(dir.path().join("s")).err().unwrap();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert!(err.to_string().contains("s"));
}

#[test]
fn readers_never_see_half_a_transaction() {
    let graph = Arc::new(Graph::in_memory());
    let done = Arc::new(AtomicBool::new(false));
    let started = Arc::new(std::sync::Barrier::new(5));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (graph, done, started) = (graph.clone(), done.clone(), started.clone());
            std::thread::spawn(move || {
                started.wait();
                let mut reads = 0u64;
                while !done.load(Ordering::SeqCst) {
                    let snap = graph.read();
                    // Every transaction adds two nodes and one relationship.
                    assert_eq!(snap.index().node_count(), 2 * snap.index().relationship_count());
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    started.wait();
    for i in 0..200i64 {
        graph
            .write("pair", |tx| {
                let a = tx.create_node(vec!["A".into()], props(&[("i", i.into())]), vec![])?;
                let b = tx.create_node(vec!["B".into()], Properties::new(), vec![])?;
                tx.create_relationship("R", a, b, Properties::new(), vec![])
            })
            .unwrap();
        // Give readers a turn: the lock may prefer the writer.
        std::thread::yield_now();
    }
    done.store(true, Ordering::SeqCst);
    let reads: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(reads > 0);
    assert_eq!(graph.stats().relationships, 200);
}

/// One step of a random write sequence.
#[derive(Clone, Debug)]
enum Op {
    CreateNode(u8),
    CreateRel(usize, usize),
    SetProp(usize, i64),
    DeleteRel(usize),
    DeleteNode(usize),
    FailingBatch(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3).prop_map(Op::CreateNode),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::CreateRel(a, b)),
        (any::<usize>(), -5i64..5).prop_map(|(a, v)| Op::SetProp(a, v)),
        any::<usize>().prop_map(Op::DeleteRel),
        any::<usize>().prop_map(Op::DeleteNode),
        any::<usize>().prop_map(Op::FailingBatch),
    ]
}

fn pick<T: Copy>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()])
}

fn apply(graph: &Graph, op: &Op) {
    let snap = graph.read();
    let nodes = snap.index().node_ids();
    let mut rels: Vec<_> = snap.index().relationships().map(|r| r.id).collect();
    rels.sort();
    drop(snap);
    let labels = ["A", "B", "C"];
    let _ = graph.write("op", |tx| match *op {
        Op::CreateNode(l) => tx
            .create_node(vec![labels[l as usize].into()], Properties::new(), vec![])
            .map(|_| ()),
        Op::CreateRel(a, b) => match (pick(&nodes, a), pick(&nodes, b)) {
            (Some(a), Some(b)) => tx
                .create_relationship("R", a, b, Properties::new(), vec![])
                .map(|_| ()),
            _ => Ok(()),
        },
        Op::SetProp(a, v) => match pick(&nodes, a) {
            Some(a) => tx.set_node_property(a, "v", if v == 0 { Value::Null } else { v.into() }),
            None => Ok(()),
        },
        Op::DeleteRel(r) => pick(&rels, r).map_or(Ok(()), |r| tx.delete_relationship(r)),
        Op::DeleteNode(n) => pick(&nodes, n).map_or(Ok(()), |n| tx.delete_node(n, true)),
        Op::FailingBatch(n) => {
            if let Some(n) = pick(&nodes, n) {
                tx.delete_node(n, true)?;
            }
            tx.create_node(vec!["A".into()], Properties::new(), vec![])?;
            Err(Error::Storage("simulated failure".into()))
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_writes_keep_store_and_index_consistent(ops in proptest::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let snapshot = {
            let graph = Graph::open_with(&path, OpenOptions { schema: SchemaChoice::Schemaless }).unwrap();
            for op in &ops {
                apply(&graph, op);
                graph.verify().unwrap();
            }
            let snap = graph.read();
            let mut nodes: Vec<_> = snap.index().nodes().map(|n| n.to_node()).collect();
            nodes.sort_by_key(|n| n.id);
            let mut rels: Vec<_> = snap.index().relationships().map(|r| r.to_relationship()).collect();
            rels.sort_by_key(|r| r.id);
            (nodes, rels)
        };
        let graph = Graph::open(&path).unwrap();
        graph.verify().unwrap();
        let snap = graph.read();
        let mut nodes: Vec<_> = snap.index().nodes().map(|n| n.to_node()).collect();
        nodes.sort_by_key(|n| n.id);
        let mut rels: Vec<_> = snap.index().relationships().map(|r| r.to_relationship()).collect();
        rels.sort_by_key(|r| r.id);
        prop_assert_eq!((nodes, rels), snapshot);
    }
}

#[test]
fn the_handles_can_be_shared_between_threads() {
    // A compile-time property: sharing `Graph` and prepared statements
    // behind an `Arc` across threads must stay possible.
    fn shareable<T: Send + Sync>() {}
    shareable::<Graph>();
    shareable::<attest::lang::PreparedQuery>();
    shareable::<attest::lang::QueryResult>();
}

#[test]
fn writers_on_many_threads_take_turns() {
    // Four threads each add one to a counter 25 times (read, then write,
    // in one transaction) while two readers watch it: with one writer at a
    // time no increment is lost, every commit gets its own transaction
    // number, and readers never see the counter go back.
    let dir = tempfile::tempdir().unwrap();
    let graph = Arc::new(
        Graph::open_with(
            dir.path().join("s"),
            OpenOptions {
                schema: SchemaChoice::Schemaless,
            },
        )
        .unwrap(),
    );
    let (counter, _) = graph
        .write("counter", |tx| {
            tx.create_node(vec!["Counter".into()], props(&[("n", 0i64.into())]), vec![])
        })
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (graph, done) = (graph.clone(), done.clone());
            std::thread::spawn(move || {
                let mut last = 0;
                while !done.load(Ordering::SeqCst) {
                    let n = int(graph.node(counter).unwrap().property("n"));
                    assert!(n >= last, "the counter went back from {last} to {n}");
                    last = n;
                    std::thread::yield_now();
                }
            })
        })
        .collect();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let graph = graph.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    graph
                        .write(&format!("writer {w} step {i}"), |tx| {
                            let n = int(&tx.index().node(counter).unwrap().property("n"));
                            std::thread::yield_now();
                            tx.set_node_property(counter, "n", (n + 1).into())
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(graph.node(counter).unwrap().property("n"), &Value::Int(100));
    let txns: Vec<u64> = graph.history().unwrap().iter().map(|t| t.txn).collect();
    assert_eq!(txns, (1..=101).collect::<Vec<_>>());
    graph.verify().unwrap();
}

#[test]
fn required_relationship_properties_are_checked_at_commit() {
    let schema = attest::schema::Schema::from_toml(
        "format = 1\nname = \"t\"\n[labels.A.properties]\nname = { type = \"string\" }\n\
         [relationships.R]\njoins = [[\"A\", \"A\"]]\n[relationships.R.properties]\nw = { type = \"int\", required = true }\n",
        "t.toml",
    )
    .unwrap();
    let graph = Graph::in_memory_with(OpenOptions {
        schema: SchemaChoice::Custom(schema),
    });
    let err = graph
        .write("no w", |tx| {
            let a = tx.create_node(vec!["A".into()], Properties::new(), vec![])?;
            tx.create_relationship("R", a, a, Properties::new(), vec![])
        })
        .unwrap_err();
    assert!(err.to_string().contains("R.w is required"), "{err}");
    assert_eq!(graph.stats().nodes, 0);
    graph
        .write("with w", |tx| {
            let a = tx.create_node(vec!["A".into()], Properties::new(), vec![])?;
            let r = tx.create_relationship("R", a, a, Properties::new(), vec![])?;
            tx.set_relationship_property(r, "w", 3i64.into())
        })
        .unwrap();
}

/// Opening reads relationship pages on a second thread: many pages, three
/// types, plain relationships beside ones with properties and keys, and
/// holes left by deletes, all come back as they were.
#[test]
fn relationship_pages_read_on_a_second_thread_reopen_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let everything = "MATCH (a)-[r]->(b) RETURN id(r) AS r, type(r) AS t, id(a) AS a, id(b) AS b, \
                      properties(r) AS p ORDER BY r";
    let open = || {
        Graph::open_with(
            &path,
            OpenOptions {
                schema: SchemaChoice::Schemaless,
            },
        )
        .unwrap()
    };
    let before = {
        let graph = open();
        graph
            .query("UNWIND range(1, 40) AS i CREATE (:N {i: i})")
            .unwrap();
        graph
            .query(
                "MATCH (a:N), (b:N) WHERE (a.i * 7 + b.i) % 3 = 0 \
                 CREATE (a)-[:T]->(b), (b)-[:U {w: a.i}]->(a), (a)-[:V]->(a)",
            )
            .unwrap();
        graph
            .query("MATCH ()-[r:T]->() WHERE id(r) % 5 = 0 DELETE r")
            .unwrap();
        graph.query(everything).unwrap().rows
    };
    assert!(before.len() > 5 * 128, "several pages: {}", before.len());
    let graph = open();
    assert_eq!(graph.query(everything).unwrap().rows, before);
    graph.verify().unwrap();
}
