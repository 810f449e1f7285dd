//! `Graph::check_integrity` (and `attest check`) finds every kind of
//! disagreement between the derived keyspaces and the primary records:
//! each test damages a healthy store in one way, through the storage
//! engine underneath, and expects the check to name it.

use attest::db::Graph;
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

/// Applies `damage` to the closed store at `path`, then reopens and checks.
fn damaged(damage: impl FnOnce(&SledEngine)) -> attest::db::IntegrityReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    healthy(&path);
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

#[test]
fn a_missing_index_entry_of_each_kind_is_found() {
    for space in [b'L', b'U', b'O', b'I', b'K'] {
        let report = damaged(|engine| {
            let key = first_key(engine, space);
            apply(engine, |b| b.delete(key));
        });
        assert_eq!(report.problem_count, 1, "{}: {report}", space as char);
        assert!(report.problems[0].contains("index entry missing"), "{report}");
    }
}

#[test]
fn a_stale_or_wrong_entry_is_found() {
    let report = damaged(|engine| {
        apply(engine, |b| {
            b.put(b"LActor\0\0\0\0\0\0\0\x03\xe7".to_vec(), vec![])
        })
    });
    assert!(report.problems[0].contains("no record implies"), "{report}");
    let report = damaged(|engine| {
        let key = first_key(engine, b'O');
        apply(engine, |b| b.put(key, 999u64.to_be_bytes().to_vec()));
    });
    assert!(report.problems[0].contains("wrong value"), "{report}");
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
        let key = first_key(&engine, b'K');
        apply(&engine, |b| b.delete(key));
        engine.flush().unwrap();
    }
    let bad = check();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("index entry missing"));
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
