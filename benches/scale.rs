//! Criterion benchmarks at the benchmark's 10k-event scale: bulk import,
//! a one-hop pattern (Q2), a two-hop expansion (Q3) and a shortest path
//! (Q6), in-process.
//!
//! `cargo bench --bench scale`. The data set is generated with the shared
//! generator (`$ATTEST_SHARED`, else `../shared`, `bench/gen_dataset.py`);
//! without it the benchmarks say so and measure nothing.

use attest::bench::{self, QUERIES};
use attest::db::{Graph, OpenOptions, SchemaChoice};
use attest::import::{ImportOptions, import_csv};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn news() -> OpenOptions {
    OpenOptions {
        schema: SchemaChoice::News,
    }
}

/// Generates the 10k set into `out`; `None` without the shared generator.
fn dataset(out: &Path) -> Option<PathBuf> {
    let shared = std::env::var_os("ATTEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let generator = shared.join("bench/gen_dataset.py");
    if !generator.is_file() {
        eprintln!("!!! scale benchmarks skipped: no {}", generator.display());
        return None;
    }
    let data = out.join("10k");
    let status = std::process::Command::new("python3")
        .arg(&generator)
        .args(["--events", "10000", "--seed", "42", "--out"])
        .arg(&data)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "gen_dataset.py failed");
    Some(data)
}

fn scale(c: &mut Criterion) {
    let work = tempfile::tempdir().expect("a temporary directory");
    let Some(data) = dataset(work.path()) else {
        return;
    };
    let mut group = c.benchmark_group("10k");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("import_on_disk", |b| {
        b.iter_with_setup(
            || tempfile::tempdir().expect("a temporary directory"),
            |store| {
                let graph = Graph::open_with(store.path().join("s"), news()).expect("opens");
                black_box(import_csv(&graph, &data, &ImportOptions::default()).expect("imports"));
            },
        )
    });
    group.bench_function("import_in_memory", |b| {
        b.iter(|| {
            let graph = Graph::in_memory_with(news());
            black_box(import_csv(&graph, &data, &ImportOptions::default()).expect("imports"))
        })
    });
    group.finish();

    let graph = Graph::in_memory_with(news());
    import_csv(&graph, &data, &ImportOptions::default()).expect("imports");
    let params = bench::params(&bench::read_manifest(&data).expect("manifest")).expect("params");
    for (name, label) in [
        ("Q2", "pattern_one_hop_q2"),
        ("Q3", "expand_two_hops_q3"),
        ("Q6", "shortest_path_q6"),
    ] {
        let query = QUERIES
            .iter()
            .find(|q| q.name == name)
            .expect("a benchmark question");
        let prepared = graph.prepare(query.text).expect("parses");
        c.bench_function(&format!("10k/{label}"), |b| {
            b.iter(|| black_box(prepared.run(&graph, &params).expect("runs")))
        });
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
