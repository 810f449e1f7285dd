//! Replays the fuzz targets' inputs through the library in `cargo test`:
//! the seed corpus (`fuzz/corpus/TARGET/`) and every input a fuzzer found
//! a fault with (`fuzz/regressions/TARGET/`, kept after the fix). The
//! checks are the targets' own (fuzz/fuzz_targets/): no panic, and after
//! parse-and-execute the store's indexes agree with its records.

use std::path::{Path, PathBuf};

// The targets' own checks, word for word.
include!("../fuzz/cases.rs");

fn inputs(target: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            // Inputs a local fuzzing run added (named by their SHA-1) are
            // not part of the repository's corpus (fuzz/.gitignore).
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.len() == 40 && name.chars().all(|c| c.is_ascii_hexdigit()) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            // The targets skip input that is not UTF-8, and so does this.
            if let Ok(text) = String::from_utf8(bytes) {
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn query_parser_inputs() {
    let inputs = inputs("query_parser");
    assert!(inputs.len() >= 20, "the corpus is missing: {}", inputs.len());
    for (_, text) in &inputs {
        query_parser_case(text);
    }
}

#[test]
fn facts_parser_inputs() {
    let inputs = inputs("facts_parser");
    assert!(inputs.len() >= 10, "the corpus is missing: {}", inputs.len());
    for (_, text) in &inputs {
        facts_parser_case(text);
    }
}

#[test]
fn execute_inputs() {
    let inputs = inputs("execute");
    assert!(inputs.len() >= 10, "the corpus is missing: {}", inputs.len());
    for (path, text) in &inputs {
        if let Err(report) = execute_case(text) {
            panic!("{}: {report}", path.display());
        }
    }
}
