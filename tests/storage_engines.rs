//! One test suite for every storage engine.
//!
//! Each behaviour of the [`Engine`] contract is written once, as a function
//! taking `&dyn Engine`; `engine_suite!` instantiates all of them (and the
//! model-based property test) for each engine, so the memory engine and sled
//! cannot drift apart. Behaviour only sled has (reopening, disk size, the
//! lock) is tested at the end.

use attest::Error;
use attest::storage::{BatchOp, Engine, MemoryEngine, SledEngine, WriteBatch};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::ops::Bound;
use tempfile::TempDir;

/// An engine under test, and the directory it lives in (removed on drop).
struct Fixture {
    engine: Box<dyn Engine>,
    _dir: Option<TempDir>,
}

fn memory() -> Fixture {
    Fixture {
        engine: Box::new(MemoryEngine::new()),
        _dir: None,
    }
}

fn sled() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    Fixture {
        engine: Box::new(SledEngine::open(dir.path()).unwrap()),
        _dir: Some(dir),
    }
}

macro_rules! engine_suite {
    ($engine:ident) => {
        mod $engine {
            use super::*;

            #[test]
            fn get_put_delete() {
                super::get_put_delete(&*$engine().engine);
            }
            #[test]
            fn later_ops_on_a_key_win() {
                super::later_ops_on_a_key_win(&*$engine().engine);
            }
            #[test]
            fn merged_batches_apply_in_order() {
                super::merged_batches_apply_in_order(&*$engine().engine);
            }
            #[test]
            fn empty_keys_values_and_large_values() {
                super::empty_keys_values_and_large_values(&*$engine().engine);
            }
            #[test]
            fn prefix_scans_are_ordered_and_bounded() {
                super::prefix_scans_are_ordered_and_bounded(&*$engine().engine);
            }
            #[test]
            fn empty_prefix_scans_everything() {
                super::empty_prefix_scans_everything(&*$engine().engine);
            }
            #[test]
            fn range_scans_are_half_open() {
                super::range_scans_are_half_open(&*$engine().engine);
            }
            #[test]
            fn writing_during_a_scan_works() {
                super::writing_during_a_scan_works(&*$engine().engine);
            }
            #[test]
            fn releasing_the_cache_keeps_everything() {
                super::releasing_the_cache_keeps_everything(&mut *$engine().engine);
            }

            proptest! {
                // Every case opens a fresh engine, which costs a few
                // milliseconds for sled; 64 cases keep the suite quick.
                #![proptest_config(ProptestConfig::with_cases(64))]
                #[test]
                fn random_batches_match_a_btreemap(
                    batches in prop::collection::vec(batch(), 1..6),
                    probes in prop::collection::vec(key(), 1..6),
                ) {
                    super::matches_model(&*$engine().engine, &batches, &probes);
                }
            }
        }
    };
}

engine_suite!(memory);
engine_suite!(sled);

// ---- the shared behaviours ----

fn apply(engine: &dyn Engine, ops: &[BatchOp]) {
    let mut batch = WriteBatch::new();
    for op in ops {
        match op.clone() {
            BatchOp::Put { key, value } => batch.put(key, value),
            BatchOp::Delete { key } => batch.delete(key),
        }
    }
    engine.apply(batch).unwrap();
}

fn put(key: &[u8], value: &[u8]) -> BatchOp {
    BatchOp::Put {
        key: key.to_vec(),
        value: value.to_vec(),
    }
}

fn delete(key: &[u8]) -> BatchOp {
    BatchOp::Delete { key: key.to_vec() }
}

fn keys(scan: impl Iterator<Item = attest::Result<(Vec<u8>, Vec<u8>)>>) -> Vec<Vec<u8>> {
    scan.map(|pair| pair.unwrap().0).collect()
}

fn get_put_delete(engine: &dyn Engine) {
    assert_eq!(engine.get(b"missing").unwrap(), None);
    apply(engine, &[put(b"a", b"1"), put(b"b", b"2")]);
    assert_eq!(engine.get(b"a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(engine.get(b"b").unwrap(), Some(b"2".to_vec()));

    apply(engine, &[put(b"a", b"one"), delete(b"b"), delete(b"never-there")]);
    assert_eq!(engine.get(b"a").unwrap(), Some(b"one".to_vec()));
    assert_eq!(engine.get(b"b").unwrap(), None);
    engine.flush().unwrap();
}

fn later_ops_on_a_key_win(engine: &dyn Engine) {
    apply(engine, &[put(b"d", b"old")]);
    apply(
        engine,
        &[
            put(b"a", b"1"),
            put(b"a", b"2"),
            put(b"b", b"1"),
            delete(b"b"),
            delete(b"c"),
            put(b"c", b"3"),
            delete(b"d"),
            put(b"d", b"new"),
            delete(b"d"),
        ],
    );
    assert_eq!(engine.get(b"a").unwrap(), Some(b"2".to_vec()));
    assert_eq!(engine.get(b"b").unwrap(), None);
    assert_eq!(engine.get(b"c").unwrap(), Some(b"3".to_vec()));
    assert_eq!(engine.get(b"d").unwrap(), None);
}

fn merged_batches_apply_in_order(engine: &dyn Engine) {
    let mut first = WriteBatch::new();
    first.put(*b"k", *b"first");
    first.put(*b"only-first", *b"x");
    let mut second = WriteBatch::new();
    second.put(*b"k", *b"second");
    first.merge(second);
    assert_eq!(first.len(), 3);
    engine.apply(first).unwrap();
    assert_eq!(engine.get(b"k").unwrap(), Some(b"second".to_vec()));
    assert_eq!(engine.get(b"only-first").unwrap(), Some(b"x".to_vec()));

    let empty = WriteBatch::new();
    assert!(empty.is_empty());
    engine.apply(empty).unwrap();
    assert_eq!(keys(engine.scan_prefix(b"")).len(), 2);
}

fn empty_keys_values_and_large_values(engine: &dyn Engine) {
    let large = vec![0xAB; 256 * 1024];
    apply(
        engine,
        &[put(b"", b"empty key"), put(b"e", b""), put(b"l", &large)],
    );
    assert_eq!(engine.get(b"").unwrap(), Some(b"empty key".to_vec()));
    assert_eq!(engine.get(b"e").unwrap(), Some(Vec::new()));
    assert_eq!(engine.get(b"l").unwrap(), Some(large));
    assert_eq!(
        keys(engine.scan_prefix(b"")),
        vec![b"".to_vec(), b"e".to_vec(), b"l".to_vec()]
    );
}

fn prefix_scans_are_ordered_and_bounded(engine: &dyn Engine) {
    let stored: [&[u8]; 9] = [
        &[0x01, 0xFF, 0xFF, 0x00],
        &[0x02],
        &[0x01, 0xFE, 0xFF],
        &[0x01, 0xFF],
        &[0x01],
        &[0xFF, 0xFF],
        &[0x00, 0xFF],
        &[0x01, 0xFF, 0x00],
        &[0xFF],
    ];
    apply(engine, &stored.map(|k| put(k, b"v")));

    // Inserted out of order, returned ascending; a prefix ending in 0xFF
    // stops before the next prefix ([0x02]) without losing its own keys.
    assert_eq!(
        keys(engine.scan_prefix(&[0x01, 0xFF])),
        vec![
            vec![0x01, 0xFF],
            vec![0x01, 0xFF, 0x00],
            vec![0x01, 0xFF, 0xFF, 0x00]
        ]
    );
    assert_eq!(
        keys(engine.scan_prefix(&[0x01])),
        vec![
            vec![0x01],
            vec![0x01, 0xFE, 0xFF],
            vec![0x01, 0xFF],
            vec![0x01, 0xFF, 0x00],
            vec![0x01, 0xFF, 0xFF, 0x00],
        ]
    );
    // An all-0xFF prefix has no successor: it runs to the end of the store.
    assert_eq!(
        keys(engine.scan_prefix(&[0xFF])),
        vec![vec![0xFF], vec![0xFF, 0xFF]]
    );
    assert_eq!(keys(engine.scan_prefix(&[0x03])), Vec::<Vec<u8>>::new());
    // Values come with their keys.
    let (key, value) = engine.scan_prefix(&[0x02]).next().unwrap().unwrap();
    assert_eq!((key, value), (vec![0x02], b"v".to_vec()));
}

fn empty_prefix_scans_everything(engine: &dyn Engine) {
    assert_eq!(engine.scan_prefix(b"").count(), 0);
    apply(engine, &[put(b"b", b"2"), put(&[0xFF], b"3"), put(b"a", b"1")]);
    let pairs: Vec<_> = engine.scan_prefix(b"").map(Result::unwrap).collect();
    assert_eq!(
        pairs,
        vec![
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), b"2".to_vec()),
            (vec![0xFF], b"3".to_vec()),
        ]
    );
}

fn range_scans_are_half_open(engine: &dyn Engine) {
    apply(
        engine,
        &[put(b"a", b""), put(b"b", b""), put(b"ba", b""), put(b"c", b"")],
    );
    let scan = |start: &[u8], end: Option<&[u8]>| keys(engine.scan_range(start, end));
    let k = |s: &str| s.as_bytes().to_vec();

    assert_eq!(scan(b"b", Some(b"c")), vec![k("b"), k("ba")]);
    assert_eq!(scan(b"ab", Some(b"ba")), vec![k("b")]);
    assert_eq!(scan(b"b", None), vec![k("b"), k("ba"), k("c")]);
    assert_eq!(scan(b"", None), vec![k("a"), k("b"), k("ba"), k("c")]);
    assert_eq!(scan(b"d", None), Vec::<Vec<u8>>::new());
    // Empty and reversed ranges are empty, not a panic.
    assert_eq!(scan(b"b", Some(b"b")), Vec::<Vec<u8>>::new());
    assert_eq!(scan(b"c", Some(b"a")), Vec::<Vec<u8>>::new());
}

fn writing_during_a_scan_works(engine: &dyn Engine) {
    let ops: Vec<_> = (0..600u32).map(|i| put(&i.to_be_bytes(), b"v")).collect();
    apply(engine, &ops);
    let mut seen = 0;
    for pair in engine.scan_prefix(b"") {
        let (key, _) = pair.unwrap();
        apply(engine, &[delete(&key)]);
        seen += 1;
    }
    assert_eq!(seen, 600);
    assert_eq!(engine.scan_prefix(b"").count(), 0);
}

// ---- the property test: random batches against a BTreeMap model ----

/// Short keys over a few bytes, so that batches collide on keys and prefixes
/// and 0x00 / 0xFF edges come up often.
fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(vec![0x00, 0x01, 0x7F, 0xFE, 0xFF]), 0..4)
}

fn batch() -> impl Strategy<Value = Vec<BatchOp>> {
    let op = prop_oneof![
        3 => (key(), prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(key, value)| BatchOp::Put { key, value }),
        1 => key().prop_map(|key| BatchOp::Delete { key }),
    ];
    prop::collection::vec(op, 0..10)
}

fn matches_model(engine: &dyn Engine, batches: &[Vec<BatchOp>], probes: &[Vec<u8>]) {
    let mut model = BTreeMap::new();
    for ops in batches {
        apply(engine, ops);
        for op in ops {
            match op.clone() {
                BatchOp::Put { key, value } => model.insert(key, value),
                BatchOp::Delete { key } => model.remove(&key),
            };
        }

        let all: Vec<_> = engine.scan_prefix(b"").map(Result::unwrap).collect();
        let expected: Vec<_> = model.clone().into_iter().collect();
        assert_eq!(all, expected);

        for probe in probes {
            assert_eq!(engine.get(probe).unwrap(), model.get(probe).cloned());
            let by_prefix = keys(engine.scan_prefix(probe));
            let expected: Vec<_> = model.keys().filter(|k| k.starts_with(probe)).cloned().collect();
            assert_eq!(by_prefix, expected, "prefix {probe:?}");
            for end in probes {
                let by_range = keys(engine.scan_range(probe, Some(end)));
                let expected: Vec<_> = if probe < end {
                    let range = (Bound::Included(probe), Bound::Excluded(end));
                    model.range::<Vec<u8>, _>(range).map(|(k, _)| k.clone()).collect()
                } else {
                    Vec::new()
                };
                assert_eq!(by_range, expected, "range {probe:?}..{end:?}");
            }
        }
    }
}

fn releasing_the_cache_keeps_everything(engine: &mut dyn Engine) {
    let ops: Vec<_> = (0..300u32).map(|i| put(&i.to_be_bytes(), &[1; 200])).collect();
    apply(engine, &ops);
    // Not flushed: an applied batch survives the release all the same.
    apply(engine, &[delete(&7u32.to_be_bytes()), put(b"late", b"x")]);
    let before = keys(engine.scan_prefix(b""));
    engine.release_cache().unwrap();
    assert_eq!(keys(engine.scan_prefix(b"")), before);
    assert_eq!(engine.get(b"late").unwrap(), Some(b"x".to_vec()));
    // The engine goes on taking writes, and releases again.
    apply(engine, &[put(b"after", b"y")]);
    engine.release_cache().unwrap();
    assert_eq!(engine.get(b"after").unwrap(), Some(b"y".to_vec()));
    assert_eq!(engine.scan_prefix(b"").count(), before.len() + 1);
}

// ---- sled only ----

mod sled_only {
    use super::*;
    use std::process::Command;

    #[test]
    fn flushed_data_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let engine = SledEngine::open(dir.path()).unwrap();
            apply(&engine, &[put(b"a", b"1"), put(b"b", b"2")]);
            apply(&engine, &[delete(b"a"), put(b"c", b"3")]);
            engine.flush().unwrap();
        }
        let engine = SledEngine::open(dir.path()).unwrap();
        assert_eq!(keys(engine.scan_prefix(b"")), vec![b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(engine.get(b"c").unwrap(), Some(b"3".to_vec()));
    }

    #[test]
    fn size_on_disk_counts_the_store_files() {
        let dir = tempfile::tempdir().unwrap();
        let engine = SledEngine::open(dir.path()).unwrap();
        let ops: Vec<_> = (0..1000u32).map(|i| put(&i.to_be_bytes(), &[7; 100])).collect();
        apply(&engine, &ops);
        engine.flush().unwrap();
        let size = engine.size_on_disk().unwrap();
        assert!(size >= 100_000, "{size} bytes for 100 kB of values");
        assert_eq!(engine.name(), "sled");
        assert_eq!(MemoryEngine::new().size_on_disk().unwrap(), 0);
    }

    #[test]
    fn a_missing_directory_is_created_with_its_parents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("b");
        let engine = SledEngine::open(&path).unwrap();
        apply(&engine, &[put(b"k", b"v")]);
        assert!(path.join("conf").is_file());
    }

    #[test]
    fn a_store_that_disappears_is_not_recreated_on_release() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let mut engine = SledEngine::open(&path).unwrap();
        apply(&engine, &[put(b"k", b"v")]);
        std::fs::rename(&path, dir.path().join("moved")).unwrap();
        let err = engine.release_cache().unwrap_err();
        assert!(err.to_string().contains("disappeared"), "{err}");
        assert!(!path.exists(), "no empty store is created in its place");
        // The handle is closed for good: every operation says why.
        let err = engine.get(b"k").unwrap_err();
        assert!(err.to_string().contains("could not be opened again"), "{err}");
        assert!(engine.scan_prefix(b"").next().unwrap().is_err());
        assert!(engine.flush().is_err());
    }

    /// Set by [`a_store_open_in_another_process_is_locked`] for the child it
    /// starts: the store the child must fail to open.
    const LOCKED_STORE: &str = "ATTEST_TEST_LOCKED_STORE";

    #[test]
    fn a_store_open_in_another_process_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let _engine = SledEngine::open(dir.path()).unwrap();
        // The child is this test binary, running only the helper below.
        let output = Command::new(std::env::current_exe().unwrap())
            .args(["sled_only::child_opens_the_locked_store", "--exact"])
            .env(LOCKED_STORE, dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Half of the test above: does nothing unless started by it.
    #[test]
    fn child_opens_the_locked_store() {
        let Some(path) = std::env::var_os(LOCKED_STORE) else {
            return;
        };
        let err = SledEngine::open(path.as_ref()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    }
}
