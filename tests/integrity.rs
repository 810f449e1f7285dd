//! `Graph::check_integrity` (and `attest check`) finds what the store's
//! records, counters and log break, and what opening a store refuses: each
//! test damages a healthy store in one way, through the storage engine
//! underneath, and expects the check (or the open) to name it.

use attest::db::Graph;
use attest::model::{Node, NodeId};
use attest::storage::{Engine, SledEngine, WriteBatch};
use std::path::Path;
use std::process::Command;

/// A store holding a little of everything: labels, a unique key (Actor
/// name, news schema), fact keys, relationships.
fn healthy(path: &Path) {
    let graph = Graph::open(path).unwrap();
    attest::facts::load_article(&graph).unwrap();
    graph
        .query("MATCH (a:Actor {name: 'Russia'}) SET a.title = 'x'")
        .unwrap();
    assert!(graph.check_integrity().unwrap().is_ok());
}

thread_local! {
    /// The records of the healthy store's first node page (ids 0 to 127),
    /// read through the API by `damaged` before the store is damaged: the
    /// page's own encoding is the store's business.
    static FIRST_PAGE: std::cell::RefCell<Vec<Node>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Applies `damage` to the closed store at `path`, then reopens and checks.
fn damaged(damage: impl FnOnce(&SledEngine)) -> attest::db::IntegrityReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    healthy(&path);
    {
        let graph = Graph::open(&path).unwrap();
        let nodes = (0..128).filter_map(|id| graph.node(NodeId(id))).collect();
        FIRST_PAGE.set(nodes);
    }
    {
        let engine = SledEngine::open(&path).unwrap();
        damage(&engine);
        engine.flush().unwrap();
    }
    Graph::open(&path).unwrap().check_integrity().unwrap()
}

fn first_key(engine: &SledEngine, space: u8) -> Vec<u8> {
    engine.scan_prefix(&[space]).next().unwrap().unwrap().0
}

fn apply(engine: &SledEngine, f: impl FnOnce(&mut WriteBatch)) {
    let mut batch = WriteBatch::new();
    f(&mut batch);
    engine.apply(batch).unwrap();
}

/// Rewrites the store's first node page (ids 1 to 127: the article's
/// document, sentences and facts) with `change` applied to its records,
/// in the encoding of store format 2 (postcard's, which every later
/// format still reads).
fn rewrite_first_node_page(engine: &SledEngine, change: impl FnOnce(&mut Vec<Node>)) {
    let key = first_key(engine, b'N');
    let mut nodes = FIRST_PAGE.take();
    assert!(nodes.len() > 20, "the first page was read");
    change(&mut nodes);
    let bytes = postcard::to_stdvec(&nodes).unwrap();
    apply(engine, |b| b.put(key, bytes));
}

/// Positions of the first two Actor nodes in a page.
fn two_actors(nodes: &[Node]) -> (usize, usize) {
    let actors: Vec<usize> = (0..nodes.len())
        .filter(|i| nodes[*i].has_label("Actor"))
        .collect();
    (actors[0], actors[1])
}

#[test]
fn two_elements_with_one_fact_key_are_found() {
    let report = damaged(|engine| {
        rewrite_first_node_page(engine, |nodes| {
            let (a, b) = two_actors(nodes);
            nodes[b].key = nodes[a].key.clone();
        })
    });
    assert!(
        report.problems.iter().any(|p| p.contains("is carried by")),
        "{report}"
    );
}

#[test]
fn two_nodes_with_one_unique_value_are_found() {
    let report = damaged(|engine| {
        rewrite_first_node_page(engine, |nodes| {
            let (a, b) = two_actors(nodes);
            let name = nodes[a].property("name").clone();
            nodes[b].properties.insert("name".into(), name);
        })
    });
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("2 Actor nodes have name")),
        "{report}"
    );
}

#[test]
fn a_key_outside_the_known_keyspaces_is_found() {
    // A label-index entry as format 1 wrote them: format 2 has none.
    let report = damaged(|engine| {
        apply(engine, |b| {
            b.put(b"LActor\0\0\0\0\0\0\0\x03\xe7".to_vec(), vec![])
        })
    });
    assert_eq!(report.problem_count, 1, "{report}");
    assert!(report.problems[0].contains("no known keyspace"), "{report}");
}

#[test]
fn a_page_under_a_foreign_key_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    healthy(&path);
    {
        let engine = SledEngine::open(&path).unwrap();
        let key = first_key(&engine, b'N');
        let bytes = engine.get(&key).unwrap().unwrap();
        let mut moved = key.clone();
        moved[8] += 3; // the same records, filed under page 3
        apply(&engine, |b| {
            b.delete(key);
            b.put(moved, bytes);
        });
        engine.flush().unwrap();
    }
    let err = Graph::open(&path).err().expect("a misfiled page is damage");
    assert!(err.to_string().contains("stored in page 3"), "{err}");
}

#[test]
fn counters_and_the_log_are_checked() {
    let report = damaged(|engine| {
        apply(engine, |b| {
            b.put(b"Mnext_node".to_vec(), 1u64.to_be_bytes().to_vec())
        })
    });
    assert!(
        report.problems.iter().any(|p| p.contains("next node id")),
        "{report}"
    );
    let report = damaged(|engine| {
        let key = first_key(engine, b'T');
        apply(engine, |b| b.delete(key));
    });
    assert!(
        report.problems.iter().any(|p| p.contains("the log holds")),
        "{report}"
    );
}

#[test]
fn attest_check_exits_non_zero_on_a_damaged_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    healthy(&path);
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_attest"))
            .arg("--db")
            .arg(&path)
            .arg("check")
            .output()
            .unwrap()
    };
    let ok = check();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains(": ok"));
    {
        let engine = SledEngine::open(&path).unwrap();
        apply(&engine, |b| b.put(b"Lstray".to_vec(), vec![]));
        engine.flush().unwrap();
    }
    let bad = check();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("no known keyspace"));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("integrity check found 1 problems"));
}

#[test]
fn an_interrupted_creation_is_finished_but_an_emptied_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    // A crash between sled creating its files and Attest's first flush.
    SledEngine::open(&path).unwrap().flush().unwrap();
    let graph = Graph::open(&path).unwrap();
    assert!(graph.was_created());
    graph
        .query("CREATE (:Actor {name: 'Carter', kind: 'person'})")
        .unwrap();
    drop(graph);
    // Every key gone, as when sled can recover nothing of a damaged log.
    {
        let engine = SledEngine::open(&path).unwrap();
        let keys: Vec<Vec<u8>> = engine.scan_prefix(b"").map(|kv| kv.unwrap().0).collect();
        apply(&engine, |b| keys.into_iter().for_each(|k| b.delete(k)));
        engine.flush().unwrap();
    }
    let err = Graph::open(&path).err().expect("an emptied store is refused");
    assert!(err.to_string().contains("holding no Attest data"), "{err}");
    let err = Graph::open_read_only(&path).err().expect("also read-only");
    assert!(err.to_string().contains("holding no Attest data"), "{err}");
}

#[test]
fn a_nan_property_is_the_same_in_memory_and_on_disk() {
    // NaN is never `==` to itself; the check must not call it a mismatch
    // (found by the generated-statements property test).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nan");
    let graph = Graph::open_with(
        &path,
        attest::db::OpenOptions {
            schema: attest::db::SchemaChoice::Schemaless,
        },
    )
    .unwrap();
    graph
        .query("CREATE (:A {x: sqrt(-1), m: [0.0 / 0.0, 1.5]})-[:R {w: sqrt(-2)}]->(:B)")
        .unwrap();
    let report = graph.check_integrity().unwrap();
    assert!(report.is_ok(), "{report}");
}

/// Damage to a node page or a relationship page, or a relationship left
/// without its node, ends the open with an error that names it.
#[test]
fn opening_refuses_a_damaged_page_on_either_side() {
    for (space, expected) in [(b'N', "node page"), (b'R', "relationship page")] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        healthy(&path);
        {
            let engine = SledEngine::open(&path).unwrap();
            let key = first_key(&engine, space);
            apply(&engine, |b| b.put(key, vec![0xff; 9]));
            engine.flush().unwrap();
        }
        let err = Graph::open(&path).err().expect("a damaged page is refused");
        assert!(err.to_string().contains(expected), "{err}");
    }
    // A relationship whose end node's page is gone.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    healthy(&path);
    {
        let engine = SledEngine::open(&path).unwrap();
        let key = first_key(&engine, b'N');
        apply(&engine, |b| b.delete(key));
        engine.flush().unwrap();
    }
    let err = Graph::open(&path)
        .err()
        .expect("a dangling relationship is refused");
    assert!(
        err.to_string().contains("joins a node that does not exist"),
        "{err}"
    );
}
